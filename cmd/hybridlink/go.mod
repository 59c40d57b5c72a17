module github.com/hybridlink/hybridlink/cmd/hybridlink

go 1.26.0

require (
	github.com/hybridlink/hybridlink/gen v0.0.0
	google.golang.org/protobuf v1.36.12
	sigs.k8s.io/yaml v1.6.0
)

require (
	cloud.google.com/go/longrunning v1.5.0 // indirect
	github.com/grpc-ecosystem/grpc-gateway/v2 v2.33.0 // indirect
	go.yaml.in/yaml/v2 v2.4.4 // indirect
	golang.org/x/net v0.61.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20261026165753-2ffab32bce7e // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261019180522-ce908d29299b // indirect
	google.golang.org/grpc v1.84.0 // indirect
)

replace (
	github.com/hybridlink/hybridlink/armsim => ../../armsim
	github.com/hybridlink/hybridlink/gen => ../../gen
	github.com/hybridlink/hybridlink/platform => ../../platform
	github.com/hybridlink/hybridlink/services/compute => ../../services/compute
	github.com/hybridlink/hybridlink/services/gateway => ../../services/gateway
	github.com/hybridlink/hybridlink/services/network => ../../services/network
	github.com/hybridlink/hybridlink/services/orchestrator => ../../services/orchestrator
)
