package cli

import (
	"testing"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/stack"
)

// TestDevFlags checks what --stamps, --ports-from and --free-ports make of the stack's
// options, and that out-of-range values are refused as usage errors.
func TestDevFlags(t *testing.T) {
	tests := []struct {
		name   string
		f      devFlags
		ok     bool
		stamps int
		ports  stack.Ports
	}{
		{"the usual ports", devFlags{}, true, 0, stack.DefaultPorts},
		{"four stamps", devFlags{stamps: 4}, true, 4, stack.DefaultPorts},
		{"free ports", devFlags{freePorts: true, stamps: 2}, true, 2, stack.Ports{}},
		{"ports from 19100", devFlags{portsFrom: 19100, stamps: 4}, true, 4, stack.Ports{Azure: 19100, AzureStackHub: 19101, Temporal: 19102, TemporalUI: 19103,
			GRPC: [4]int{19104, 19105, 19106, 19107}, REST: [4]int{19108, 19109, 19110, 19111}, Stamps: 19112}},
		{"the most stamps", devFlags{stamps: maxStamps}, true, maxStamps, stack.DefaultPorts},
		{"too many stamps", devFlags{stamps: maxStamps + 1}, false, 0, stack.Ports{}},
		{"negative stamps", devFlags{stamps: -1}, false, 0, stack.Ports{}},
		{"a privileged port", devFlags{portsFrom: 80}, false, 0, stack.Ports{}},
		{"past the last port", devFlags{portsFrom: 65530}, false, 0, stack.Ports{}},
		{"both free and from", devFlags{portsFrom: 19100, freePorts: true}, false, 0, stack.Ports{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.check()
			if _, usage := err.(usageError); tt.ok != (err == nil) || err != nil && !usage {
				t.Fatalf("check() = %v, want ok %v or a usage error", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if o := tt.f.options(nil); o.Stamps != tt.stamps || o.Ports != tt.ports {
				t.Errorf("options() = %d stamps on %+v, want %d on %+v", o.Stamps, o.Ports, tt.stamps, tt.ports)
			}
		})
	}
}
