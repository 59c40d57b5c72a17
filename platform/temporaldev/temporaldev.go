// Package temporaldev starts the Temporal dev server (the `temporal` CLI, built from the Go
// module proxy at the version pinned in tools/temporal and cached in .cache/bin) for the
// orchestrator's tests and the development stack: SQLite under a state folder, loopback only.
package temporaldev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// Server is a running Temporal dev server.
type Server struct {
	// Address is the frontend's host:port for Temporal clients.
	Address string
	// UI is the Web UI's URL, or "" when headless.
	UI  string
	cmd *exec.Cmd
	// exited is closed once the process has exited, with waitErr.
	exited  chan struct{}
	waitErr error
}

// Pid is the server process's id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Options configure Start.
type Options struct {
	// Binary is the temporal CLI; Find's answer when empty.
	Binary string
	// DBFile is the SQLite file; in-memory when empty.
	DBFile string
	// Port and UIPort are the frontend and UI ports; free ports when 0.
	Port, UIPort int
	// Headless turns the Web UI off.
	Headless bool
	// Log receives the server's output; discarded when nil.
	Log *os.File
}

// Find returns the temporal CLI: $HYBRIDLINK_TEMPORAL, else .cache/bin/temporal in the
// repository (found by walking up from the working directory), else temporal on the PATH.
func Find() (string, error) {
	if p := os.Getenv("HYBRIDLINK_TEMPORAL"); p != "" {
		return p, nil
	}
	if root, ok := repoRoot(); ok {
		p := filepath.Join(root, ".cache", "bin", "temporal")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	return "", errors.New("the temporal CLI was not found: run `make temporal` (builds it into .cache/bin) or set HYBRIDLINK_TEMPORAL")
}

// Ensure returns Find's answer or, in a checkout of the repository without the CLI,
// builds it at the version pinned in tools/temporal into .cache/bin (about 5 minutes, once),
// telling progress so.
func Ensure(ctx context.Context, progress io.Writer) (string, error) {
	if p, err := Find(); err == nil {
		return p, nil
	}
	root, ok := repoRoot()
	if !ok {
		return "", errors.New("the temporal CLI was not found: install it with `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` or set HYBRIDLINK_TEMPORAL")
	}
	out := filepath.Join(root, ".cache", "bin", "temporal")
	fmt.Fprintf(progress, "building the Temporal CLI pinned in tools/temporal into %s (about 5 minutes, once)\n", out)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/temporalio/cli/cmd/temporal")
	cmd.Dir = filepath.Join(root, "tools", "temporal")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout, cmd.Stderr = progress, progress
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the Temporal CLI: %w (try `make temporal`)", err)
	}
	return out, nil
}

// repoRoot returns the repository's root: the first folder up from the working directory
// holding tools/temporal/go.mod.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "temporal", "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Start starts the dev server and waits until it accepts connections. When it picks the
// ports itself and the server exits before listening (another process took a port it
// chose, which the server's own free-port picking for its internal ports also risks), it
// tries again on new ports, three times in all.
func Start(ctx context.Context, o Options) (*Server, error) {
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, o)
		var exited *exitedError
		if err == nil || o.Port != 0 || o.UIPort != 0 || attempt == 3 || !errors.As(err, &exited) {
			return s, err
		}
	}
}

// exitedError is a server that exited before it listened.
type exitedError struct{ err error }

func (e *exitedError) Error() string {
	return fmt.Sprintf("temporal dev server exited before listening (%v); its output is in the stack's log", e.err)
}

// start starts the server once, on o's ports or free ones.
func start(ctx context.Context, o Options) (*Server, error) {
	bin := o.Binary
	if bin == "" {
		var err error
		if bin, err = Find(); err != nil {
			return nil, err
		}
	}
	var err error
	if o.Port == 0 {
		if o.Port, err = freePort(); err != nil {
			return nil, err
		}
	}
	if o.UIPort == 0 {
		if o.UIPort, err = freePort(); err != nil {
			return nil, err
		}
	}
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(o.Port),
		"--ui-port", strconv.Itoa(o.UIPort), "--log-level", "warn",
		// task priorities, which the orchestrator's write queues use, as in production
		"--dynamic-config-value", "matching.useNewMatcher=true"}
	if o.DBFile != "" {
		args = append(args, "--db-filename", o.DBFile)
	}
	if o.Headless {
		args = append(args, "--headless")
	}
	cmd := exec.Command(bin, args...)
	if o.Log != nil {
		cmd.Stdout, cmd.Stderr = o.Log, o.Log
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("temporal dev server: %w", err)
	}
	s := &Server{Address: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port)), cmd: cmd, exited: make(chan struct{})}
	go func() { s.waitErr = cmd.Wait(); close(s.exited) }()
	if !o.Headless {
		s.UI = "http://127.0.0.1:" + strconv.Itoa(o.UIPort)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", s.Address)
		if err == nil {
			c.Close()
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, &exitedError{s.waitErr}
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Stop()
			return nil, fmt.Errorf("temporal dev server did not start listening on %s: %v", s.Address, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop stops the server: SIGINT, then SIGKILL after 10 s.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
