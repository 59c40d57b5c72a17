package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/stack"
	"github.com/hybridlink/hybridlink/platform/temporaldev"
)

// devFlags are what dev and demo take to run the stack.
type devFlags struct {
	state     string
	timeScale float64
	freePorts bool
	portsFrom int
	stamps    int
}

// maxStamps is the most extra stamps a stack serves: their public IP ranges, 100.65.0.0/16
// to 100.127.0.0/16, fill the shared address space 100.64.0.0/10.
const maxStamps = 63

func (f *devFlags) add(cmd *cobra.Command, state string) {
	if v := os.Getenv("HYBRIDLINK_STATE"); v != "" {
		state = v
	}
	cmd.Flags().StringVar(&f.state, "state", state, "state folder: Temporal's database, armsim's resources, keys, credentials, logs ($HYBRIDLINK_STATE)")
	cmd.Flags().Float64Var(&f.timeScale, "time-scale", 0.01, "armsim latency scale: 1 is Azure's real times (a VPN gateway in 30 to 45 minutes), 0.01 runs one in 18 to 27 s")
	cmd.Flags().BoolVar(&f.freePorts, "free-ports", false, "listen on free ports instead of the usual ones (to run beside another stack)")
	cmd.Flags().IntVar(&f.portsFrom, "ports-from", 0, "listen on consecutive ports from this one instead of the usual ones: armsim's azure and azure-stack-hub, Temporal and its UI, the services' gRPC then REST ports, then the stamps")
	cmd.Flags().IntVar(&f.stamps, "stamps", 0, fmt.Sprintf("extra Azure Stack Hub stamps stamp1..stampN for hub-and-spoke deployments (0-%d; on ports 9444 and up, or after the others with --ports-from)", maxStamps))
}

// clouds words the clouds armsim serves.
func (f *devFlags) clouds() string {
	switch f.stamps {
	case 0:
		return "Azure and Azure Stack Hub"
	case 1:
		return "Azure, Azure Stack Hub and stamp1"
	}
	return fmt.Sprintf("Azure, Azure Stack Hub and stamp1..stamp%d", f.stamps)
}

// check refuses what the stack cannot run.
func (f *devFlags) check() error {
	if f.stamps < 0 || f.stamps > maxStamps {
		return usageError{fmt.Errorf("--stamps %d: want 0 to %d extra stamps", f.stamps, maxStamps)}
	}
	if f.portsFrom != 0 && (f.freePorts || f.portsFrom < 1024 || f.portsFrom+12+f.stamps > 65535) {
		return usageError{fmt.Errorf("--ports-from %d: want a port from 1024 to %d, and no --free-ports", f.portsFrom, 65535-12-f.stamps)}
	}
	return nil
}

func (f *devFlags) options(progress io.Writer) stack.Options {
	o := stack.Options{StateDir: f.state, TimeScale: f.timeScale, Stamps: f.stamps, Ports: stack.DefaultPorts, Progress: progress}
	switch {
	case f.freePorts:
		o.Ports = stack.Ports{}
	case f.portsFrom != 0:
		o.Ports = stack.PortsFrom(f.portsFrom)
	}
	return o
}

// Files in the state folder of a detached stack.
const (
	pidFile   = "dev.pid"
	infoFile  = "stack.json" // the running stack's endpoints, written once it is up
	outFile   = "dev.out"    // the detached process's own output
	stateHelp = ".state/dev"
)

func newDev(std IO) *cobra.Command {
	var (
		f      devFlags
		detach bool
	)
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole suite locally against armsim: armsim, Temporal, the services and the orchestrator",
		Long: `dev starts armsim (Azure and Azure Stack Hub, and with --stamps N the stamps stamp1..stampN
for hub-and-spoke deployments), a Temporal dev server (built once into .cache/bin when
missing), the network, gateway and compute services and the orchestrator, all on loopback,
with their state in one folder, and prints where each listens. Ctrl-C stops everything.
With --detach it runs in the background; "hybridlink dev stop" stops it.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if detach {
				s, err := detachStack(cmd.Context(), f, std.Out)
				if err != nil {
					return err
				}
				printStack(std.Out, s)
				fmt.Fprintf(std.Out, "\nRunning in the background; `hybridlink dev stop --state %s` stops it.\n", f.state)
				return nil
			}
			return runStack(cmd.Context(), f, std)
		},
	}
	f.add(cmd, stateHelp)
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "run in the background, with a pid file in the state folder")

	var stopState string
	stop := &cobra.Command{
		Use:   "stop",
		Short: "Stop a stack started with dev --detach",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			pid, err := running(stopState)
			if err != nil {
				return err
			}
			if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
				return fmt.Errorf("stopping pid %d: %w", pid, err)
			}
			for deadline := time.Now().Add(30 * time.Second); alive(pid); time.Sleep(100 * time.Millisecond) {
				if time.Now().After(deadline) {
					return fmt.Errorf("pid %d still runs 30 s after SIGTERM; see %s", pid, filepath.Join(stopState, outFile))
				}
			}
			_ = os.Remove(filepath.Join(stopState, pidFile))
			fmt.Fprintf(std.Out, "stopped the stack (pid %d)\n", pid)
			return nil
		},
	}
	stop.Flags().StringVar(&stopState, "state", stateHelp, "state folder of the stack to stop")
	cmd.AddCommand(stop)
	return cmd
}

// runStack runs the stack in the foreground until ctx is done (Ctrl-C).
func runStack(ctx context.Context, f devFlags, std IO) error {
	if pid, err := running(f.state); err == nil && pid != os.Getpid() {
		return fmt.Errorf("a stack already runs on %s (pid %d); `hybridlink dev stop --state %s` stops it", f.state, pid, f.state)
	}
	s, err := stack.Start(ctx, f.options(std.Out))
	if err != nil {
		return err
	}
	defer s.Stop()
	info, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	// written whole, then renamed: a detaching parent waits for this file and reads it
	if err := os.WriteFile(filepath.Join(f.state, infoFile+".tmp"), info, 0o600); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(f.state, infoFile+".tmp"), filepath.Join(f.state, infoFile)); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(f.state, infoFile))
	printStack(std.Out, s)
	fmt.Fprintln(std.Out, "\nCtrl-C stops everything.")
	<-ctx.Done()
	fmt.Fprintln(std.Out, "stopping...")
	return nil
}

// detachStack starts `hybridlink dev` in the background on the same state folder, waits
// until it is up and returns its endpoints.
func detachStack(ctx context.Context, f devFlags, progress io.Writer) (*stack.Stack, error) {
	if pid, err := running(f.state); err == nil {
		return nil, fmt.Errorf("a stack already runs on %s (pid %d); `hybridlink dev stop --state %s` stops it", f.state, pid, f.state)
	}
	// Build the Temporal CLI here, if needed, where its progress shows.
	if _, err := temporaldev.Ensure(ctx, progress); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.state, 0o700); err != nil {
		return nil, err
	}
	_ = os.Remove(filepath.Join(f.state, infoFile))
	out, err := os.OpenFile(filepath.Join(f.state, outFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"dev", "--state", f.state, "--time-scale", strconv.FormatFloat(f.timeScale, 'g', -1, 64), "--stamps", strconv.Itoa(f.stamps)}
	if f.freePorts {
		args = append(args, "--free-ports")
	}
	if f.portsFrom != 0 {
		args = append(args, "--ports-from", strconv.Itoa(f.portsFrom))
	}
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	if err := os.WriteFile(filepath.Join(f.state, pidFile), []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		if _, err := os.Stat(filepath.Join(f.state, infoFile)); err == nil {
			return runningStack(f.state)
		}
		select {
		case err := <-exited:
			_ = os.Remove(filepath.Join(f.state, pidFile))
			b, _ := os.ReadFile(filepath.Join(f.state, outFile))
			return nil, fmt.Errorf("the stack exited (%v):\n%s", err, strings.TrimSpace(string(b)))
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runningStack returns the endpoints of the detached stack running on a state folder.
func runningStack(state string) (*stack.Stack, error) {
	if _, err := running(state); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(state, infoFile))
	if err != nil {
		return nil, fmt.Errorf("the stack on %s is not up yet (no %s)", state, infoFile)
	}
	s := &stack.Stack{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("%s: %w", infoFile, err)
	}
	return s, nil
}

// running returns the pid of the detached stack on a state folder, if it still runs.
func running(state string) (int, error) {
	b, err := os.ReadFile(filepath.Join(state, pidFile))
	if err != nil {
		return 0, fmt.Errorf("no stack runs on %s (no %s): `hybridlink dev --detach --state %s` starts one", state, pidFile, state)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || !alive(pid) {
		_ = os.Remove(filepath.Join(state, pidFile))
		return 0, fmt.Errorf("no stack runs on %s (its pid file was stale and is removed)", state)
	}
	return pid, nil
}

// alive reports whether a process exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// extraStamps are the ids of the stack's clouds beyond azure and azure-stack-hub, in
// number order: stamp2 before stamp10.
func extraStamps(s *stack.Stack) []string {
	var ids []string
	for id := range s.Clouds {
		if id != "azure" && id != "azure-stack-hub" {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b)) })
	return ids
}

// printStack prints where each part of the stack listens.
func printStack(w io.Writer, s *stack.Stack) {
	short := []string{"orchestrator", "network", "gateway", "compute"}
	fmt.Fprintln(w, "hybridlink stack:")
	for i, e := range s.Services {
		fmt.Fprintf(w, "  %-13s gRPC %-17s REST %s\n", short[i], e.GRPC, e.REST)
	}
	fmt.Fprintf(w, "  %-13s azure %s, azure-stack-hub %s (CA %s)\n", "armsim", s.Clouds["azure"], s.Clouds["azure-stack-hub"], s.CAFile)
	for _, id := range extraStamps(s) {
		fmt.Fprintf(w, "  %-13s %s %s\n", "", id, s.Clouds[id])
	}
	fmt.Fprintf(w, "  %-13s %s/ui/ (paste a token file's contents, e.g. %s)\n", "console", s.Services[0].REST, filepath.Join(filepath.Dir(s.TokenFile), "viewer.token"))
	fmt.Fprintf(w, "  %-13s %s, UI %s\n", "temporal", s.Temporal, s.TemporalUI)
	fmt.Fprintf(w, "  %-13s %s\n", "logs", s.Log)
	fmt.Fprintf(w, "  %-13s %s (admin; viewer, operator and orchestrator tokens beside it); the CLI sends it, for grpcurl and curl:\n", "token", s.TokenFile)
	fmt.Fprintf(w, "  %-13s grpcurl -plaintext -H \"authorization: Bearer $(cat %s)\" %s list\n", "", s.TokenFile, s.Services[0].GRPC)
}
