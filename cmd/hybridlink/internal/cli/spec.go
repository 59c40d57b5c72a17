package cli

import (
	"fmt"
	"strings"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// writeSpec writes d as a spec file `apply -f` reads back (specfile.Write), and says on
// std.Err which environment variables its secrets are read from: the file's comments say
// it too, but a pipe may not show them.
func writeSpec(std IO, d *orchestratorv1.Deployment) error {
	refs, err := specfile.Write(std.Out, d)
	if err != nil || len(refs) == 0 {
		return err
	}
	envs := make([]string, len(refs))
	for i, r := range refs {
		envs[i] = r.Env
	}
	fmt.Fprintf(std.Err, "hybridlink: the spec reads the VMs' admin passwords from the environment: set %s before plan or apply -f\n", strings.Join(envs, ", "))
	return nil
}
