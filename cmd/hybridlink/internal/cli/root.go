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
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	"github.com/hybridlink/hybridlink/platform/buildinfo"
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
	// Name is the command as invoked (os.Args[0], as typed), which the hints printed name;
	// hybridlink when empty.
	Name string
	// events, set by -o json, writes what a command does as JSON events instead of text.
	events *events
}

// self is the command as invoked, for hints: "bin/hybridlink watch x".
func (std IO) self() string {
	if std.Name == "" {
		return "hybridlink"
	}
	return std.Name
}

// StdIO is the process's standard streams.
func StdIO() IO {
	std := IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Name: os.Args[0],
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
	fmt.Fprintln(std.Err, filepath.Base(std.self())+":", describe(err, std.self()))
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
		// ArbitraryArgs: an unknown command reaches unknownCommand, a usage error (exit 2)
		Args:                       cobra.ArbitraryArgs,
		RunE:                       unknownCommand,
		SuggestionsMinimumDistance: 2,
		Version:                    buildinfo.Read().String(),
	}
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.SetIn(std.In)
	root.SetOut(std.Out)
	root.SetErr(std.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	c.flags(root)
	root.AddCommand(
		newPlan(&c, std), newApply(&c, std), newGet(&c, std), newList(&c, std), newWatch(&c, std),
		newTimeline(&c, std), newCancel(&c, std), newDestroy(&c, std), newCheck(&c, std), newRepair(&c, std), newProbe(&c, std), newRotateKey(&c, std),
		newDev(std), newDemo(std), newCerts(std), newContext(&c, std), newVersion(&c, std), newValidate(std),
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

// unknownCommand is the root command's own run: help without arguments, else a usage
// error for the command it does not have, with cobra's suggestions.
func unknownCommand(cmd *cobra.Command, a []string) error {
	if len(a) == 0 {
		return cmd.Help()
	}
	msg := fmt.Sprintf("unknown command %q", a[0])
	if s := cmd.SuggestionsFor(a[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageError{errors.New(msg)}
}

// describe words an error for a person: a status error's message with its code and, for
// a bad request, each field at fault, with field names spelt as in a spec file; any other
// error as it is. self is the command as invoked, for hints.
func describe(err error, self string) string {
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return err.Error()
	}
	st := se.GRPCStatus()
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", specfile.FieldText(st.Message()), st.Code())
	switch st.Code() {
	case codes.Unavailable:
		fmt.Fprintf(&b, "\n  is the orchestrator running at --addr? `%s dev` runs the whole suite locally", self)
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
