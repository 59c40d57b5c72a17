module github.com/hybridlink/hybridlink/tools/openapi

go 1.26.0
