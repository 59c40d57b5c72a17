package service_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestOpenAPI validates the orchestrator's OpenAPI document and checks it against the
// routes its REST port serves.
func TestOpenAPI(t *testing.T) {
	s := start(t, armsim.Config{}, "openapi")
	s.orch.CheckOpenAPI(t)
}
