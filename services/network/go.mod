module github.com/hybridlink/hybridlink/services/network

go 1.26.0

require (
	github.com/hybridlink/hybridlink/armsim v0.0.0
	github.com/hybridlink/hybridlink/gen v0.0.0
	github.com/hybridlink/hybridlink/platform v0.0.0
)

require (
	github.com/Azure/azure-sdk-for-go/profile/p20200901 v0.1.1 // indirect
	github.com/Azure/azure-sdk-for-go/sdk/azcore v1.23.3 // indirect
	github.com/Azure/azure-sdk-for-go/sdk/internal v1.13.0 // indirect
	github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9 v9.0.0 // indirect
	github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3 v3.0.1 // indirect
	golang.org/x/net v0.61.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace (
	github.com/hybridlink/hybridlink/armsim => ../../armsim
	github.com/hybridlink/hybridlink/gen => ../../gen
	github.com/hybridlink/hybridlink/platform => ../../platform
)
