package server_test

import (
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/servicetest"
	"github.com/hybridlink/hybridlink/services/network/service"
)

// TestReflection lists the services the way `grpcurl list` does.
func TestReflection(t *testing.T) {
	st, _ := start(t, armsim.Config{})
	servicetest.CheckReflection(t, st.Conn, service.Name)
}
