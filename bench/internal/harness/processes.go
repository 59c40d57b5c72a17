// Package harness starts hybridlink's processes for the programs under bench/ (make scale,
// make cluster-test): it builds armsim and the services, runs each as its own process on
// free loopback ports with its output in a log file, and drives deployments through the
// orchestrator's gRPC API.
package harness

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/hybridlink/hybridlink/platform/serve"
)

// Processes are the suite's processes, by name, in the order they started.
type Processes struct {
	cmds  map[string]*exec.Cmd
	order []string
}

// Start runs a binary with its output in dir/name.log.
func (p *Processes) Start(ctx context.Context, dir, binary, name string, args ...string) error {
	return p.StartCmd(ctx, dir, name, exec.CommandContext(ctx, binary, args...))
}

// StartCmd runs cmd, in dir unless cmd.Dir is set, with its output in dir/name.log.
func (p *Processes) StartCmd(ctx context.Context, dir, name string, cmd *exec.Cmd) error {
	log, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if p.cmds == nil {
		p.cmds = map[string]*exec.Cmd{}
	}
	p.cmds[name] = cmd
	p.order = append(p.order, name)
	return nil
}

// Pid is a running process's id, 0 when there is none by that name.
func (p *Processes) Pid(name string) int {
	if cmd := p.cmds[name]; cmd != nil && cmd.Process != nil {
		return cmd.Process.Pid
	}
	return 0
}

// Kill sends SIGKILL to a process, as a crash would, and waits for it to end.
func (p *Processes) Kill(name string) error {
	cmd := p.cmds[name]
	if cmd == nil {
		return fmt.Errorf("no process %s", name)
	}
	delete(p.cmds, name)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) {
		return fmt.Errorf("%s ended otherwise than by SIGKILL: %v", name, err)
	}
	return nil
}

// PeakRSS is a process's peak resident memory in MB (VmHWM), 0 when unknown.
func (p *Processes) PeakRSS(name string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid(name)))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return 0
}

// CPU is the processor time a process has used so far (user and system), 0 when unknown.
func (p *Processes) CPU(name string) time.Duration { return CPU(p.Pid(name)) }

// CPU is the processor time the process pid has used so far, 0 when unknown.
func CPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// the fields after the command's name, which is in parentheses: utime and stime are
	// the 12th and 13th, in clock ticks (100 a second on Linux)
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.Atoi(f[11])
	sys, _ := strconv.Atoi(f[12])
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// Stop stops every process, the last started first (SIGINT, then kill after 10 s), and
// waits for each: a process stops before those it uses (an orchestrator before Temporal,
// Temporal before its database).
func (p *Processes) Stop() {
	for _, name := range slices.Backward(p.order) {
		cmd := p.cmds[name]
		if cmd == nil {
			continue
		}
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	p.cmds, p.order = nil, nil
}

// Healthy waits for a gRPC server's health check to answer SERVING.
func Healthy(ctx context.Context, addr string) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	return Eventually(ctx, 60*time.Second, func() error {
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		if err == nil && resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			err = fmt.Errorf("%s is %s", addr, resp.GetStatus())
		}
		return err
	})
}

// Eventually retries f every 200 ms until it succeeds or within passes.
func Eventually(ctx context.Context, within time.Duration, f func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// FreePorts picks n free loopback ports.
func FreePorts(n int) ([]int, error) {
	return holdPorts(n, func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") })
}

// FreeLowPorts picks n free loopback ports in [10000, 32767], below the kernel's ephemeral
// range, for a column or field that holds no more (Temporal's cluster_membership.rpc_port
// is a SMALLINT).
func FreeLowPorts(n int) ([]int, error) {
	tries := 0
	return holdPorts(n, func() (net.Listener, error) {
		for tries < 1000 {
			tries++
			port := 10000 + rand.IntN(32767-10000+1)
			if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
				return l, nil
			}
		}
		return nil, errors.New("no free port below 32768")
	})
}

// holdPorts opens n loopback listeners with listen and returns their ports once all are
// open, closing them then: holding each until the last is open keeps any from being
// picked twice.
func holdPorts(n int, listen func() (net.Listener, error)) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for len(ports) < n {
		l, err := listen()
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// ArmsimClient is an HTTPS client trusting armsim's CA.
func ArmsimClient(caFile string) (*http.Client, error) {
	cfg, err := (serve.ClientTLSConfig{CAFile: caFile}).Config()
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}, nil
}
