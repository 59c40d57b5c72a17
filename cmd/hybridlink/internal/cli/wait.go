package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// waitFlags say how long apply and destroy follow the operation they start: to its end, not
// at all (--no-wait), or at most --timeout. Either way the operation goes on in the
// orchestrator; neither cancels it.
type waitFlags struct {
	noWait  bool
	timeout time.Duration
}

func (w *waitFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&w.noWait, "no-wait", false, "return once the orchestrator has accepted the operation, saying how to watch it")
	cmd.Flags().DurationVar(&w.timeout, "timeout", 0, "stop waiting after this long (e.g. 45m) and exit 1; the operation goes on in the orchestrator")
}

// waited is the cause of a context --timeout ended.
type waited time.Duration

func (w waited) Error() string { return "waited " + time.Duration(w).String() }

// signalled is the cause of a context a signal ended (NotifyContext); the command then exits
// 128 plus the signal's number, as shells do: 130 for SIGINT (Ctrl-C).
type signalled syscall.Signal

func (s signalled) Error() string { return syscall.Signal(s).String() }

// NotifyContext is a context that SIGINT or SIGTERM cancels with signalled as its cause, for
// Run; stop releases it.
func NotifyContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(signalled(s.(syscall.Signal)))
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(context.Canceled) }
}

// wait follows the operation op on the deployment name, as far as w says: it returns the
// deployment as the operation left it, or nil when it did not wait (--no-wait), having said
// how to watch it.
func (w waitFlags) wait(ctx context.Context, cl *client, name string, op *longrunningpb.Operation, std IO) (*orchestratorv1.Deployment, error) {
	std.accepted(name, op)
	if w.noWait {
		if std.events == nil {
			fmt.Fprintf(std.Out, "%s: the orchestrator accepted %s and carries it out; `%s` follows it.\n", name, op.GetName(), watchHint(std.self(), name))
		}
		return nil, nil
	}
	if w.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, w.timeout, waited(w.timeout))
		defer cancel()
	}
	return follow(ctx, cl, name, op, std)
}

// next waits up to pollEvery for the operation op on the deployment name to be done and
// returns it as it then stands; self is the command as invoked, for the hint when interrupted.
func (c *client) next(ctx context.Context, op *longrunningpb.Operation, name, self string) (*longrunningpb.Operation, error) {
	op, err := c.ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: op.GetName(), Timeout: durationpb.New(pollEvery)})
	if err != nil {
		return nil, interrupted(ctx, self, name, err)
	}
	return op, nil
}

// watchHint is the command that follows the deployment name again; self is the command as invoked.
func watchHint(self, name string) string {
	return self + " watch " + strings.TrimPrefix(name, "deployments/")
}

// interrupted words an error while following: an interrupt (Ctrl-C, exit 130) or --timeout
// (exit 1) stops the following, never the deployment's operation; self is the command as
// invoked, for the hint.
func interrupted(ctx context.Context, self, name string, err error) error {
	c := status.Code(err)
	if ctx.Err() == nil && c != codes.Canceled && c != codes.DeadlineExceeded {
		return err
	}
	var w waited
	var s signalled
	switch cause := context.Cause(ctx); {
	case errors.As(cause, &w):
		return failed(fmt.Errorf("stopped waiting for %s after %s (--timeout); it goes on in the orchestrator: `%s` follows it", name, time.Duration(w), watchHint(self, name)))
	case errors.As(cause, &s):
		return &exitError{code: 128 + int(s), err: fmt.Errorf("interrupted (%s): stopped following %s; it goes on in the orchestrator: `%s` follows it again", syscall.Signal(s), name, watchHint(self, name))}
	}
	return failed(fmt.Errorf("stopped following %s; it goes on in the orchestrator: `%s` follows it again", name, watchHint(self, name)))
}
