// Package cli is the hybridlink command: plan, apply, get, list, watch, timeline, check, repair, probe,
// rotate-key and destroy deployments through the orchestrator's gRPC API, and run the whole suite locally
// with dev and demo.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
)

// Exit codes: a deployment READY (or a command done), a deployment FAILED or an error on
// the way, bad usage or an invalid spec.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitInvalid = 2
)

// IO is where a command reads and writes; Interactive is true when Out is a terminal a
// person watches (progress redraws in place) and In one they type into; Width is that
// terminal's width in columns (0 when unknown).
type IO struct {
	In          io.Reader
	Out, Err    io.Writer
	Interactive bool
	Width       int
}

// StdIO is the process's standard streams.
func StdIO() IO {
	std := IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Interactive: term.IsTerminal(int(os.Stdout.Fd())) && term.IsTerminal(int(os.Stdin.Fd()))}
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
		std.Width = w
	}
	return std
}

// exitError carries a command's exit code with its error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// invalid marks err as bad usage or an invalid spec (exit 2).
func invalid(err error) error { return &exitError{code: ExitInvalid, err: err} }

// failed marks err as a failed deployment (exit 1).
func failed(err error) error { return &exitError{code: ExitFailed, err: err} }

// Run runs the hybridlink command with args (without the program name) and returns its
// exit code, having printed any error to std.Err.
func Run(ctx context.Context, args []string, std IO) int {
	root := newRoot(std)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(std.Err, "hybridlink:", describe(err))
	return code(err)
}

// code is the exit code for err: exitError's, InvalidArgument as invalid, bad flags and
// arguments (cobra's) as invalid, anything else as failed.
func code(err error) int {
	var ee *exitError
	var fe *specfile.Error
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &fe):
		return ExitInvalid
	case status.Code(err) == codes.InvalidArgument:
		return ExitInvalid
	case errors.Is(err, errUsage):
		return ExitInvalid
	}
	return ExitFailed
}

// errUsage wraps cobra's flag and argument errors.
var errUsage = errors.New("usage")

// usageError is a flag or argument error, shown with the usage hint.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() + " (see --help)" }
func (e usageError) Is(target error) bool { return target == errUsage }

func newRoot(std IO) *cobra.Command {
	var c conn
	root := &cobra.Command{
		Use:   "hybridlink",
		Short: "Hybrid connectivity between Azure and Azure Stack Hub",
		Long: `hybridlink sets up and keeps hybrid connectivity between Azure and Azure Stack Hub:
a virtual network, a VPN gateway and virtual machines on each cloud, and a site-to-site
IPsec connection between the two gateways, verified up.

It talks to the orchestrator's gRPC API (--addr, $HYBRIDLINK_ADDR); "hybridlink dev" runs the
whole suite locally against armsim, the emulated clouds.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(std.In)
	root.SetOut(std.Out)
	root.SetErr(std.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	c.flags(root)
	root.AddCommand(
		newPlan(&c, std), newApply(&c, std), newGet(&c, std), newList(&c, std), newWatch(&c, std),
		newTimeline(&c, std), newCancel(&c, std), newDestroy(&c, std), newCheck(&c, std), newRepair(&c, std), newProbe(&c, std), newRotateKey(&c, std),
		newDev(std), newDemo(std), newCerts(std), newContext(&c, std),
	)
	completions(root, &c)
	return root
}

// args checks a command's positional arguments, as a usage error.
func args(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, a []string) error {
		if len(a) != n {
			return usageError{fmt.Errorf("want %s, got %d arguments", what, len(a))}
		}
		return nil
	}
}

// describe words an error for a person: a status error's message with its code and, for
// a bad request, each field at fault, with field names spelt as in a spec file; any other
// error as it is.
func describe(err error) string {
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return err.Error()
	}
	st := se.GRPCStatus()
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", specfile.FieldText(st.Message()), st.Code())
	switch st.Code() {
	case codes.Unavailable:
		b.WriteString("\n  is the orchestrator running at --addr? `hybridlink dev` runs the whole suite locally")
	case codes.Unauthenticated:
		b.WriteString("\n  give a token (--token, --token-file, $HYBRIDLINK_TOKEN) or a client certificate; for a dev stack, $HYBRIDLINK_STATE names its state folder (.state/dev by default), whose auth/admin.token the CLI sends")
	case codes.PermissionDenied:
		b.WriteString("\n  an admin grants roles in the orchestrator's access file")
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fmt.Fprintf(&b, "\n  %s: %s", specfile.FieldPath(v.GetField()), specfile.FieldText(v.GetDescription()))
			}
		}
	}
	return b.String()
}
