package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Event kinds of -o json, in the order a command writes them.
const (
	eventPlan      = "plan"      // the plan: its findings, or its changes
	eventOperation = "operation" // the operation an apply or destroy started, as accepted
	eventStep      = "step"      // a step changed: state, attempts, last error
	eventState     = "state"     // the deployment's state changed
	eventResult    = "result"    // the deployment as the command ended
	eventError     = "error"     // the command failed: the message and exit code; always last
)

// event is one line of -o json: kind, when, which deployment, and the one field its kind
// carries, proto messages as protojson.
type event struct {
	Kind       string          `json:"kind"`
	Time       string          `json:"time"`
	Deployment string          `json:"deployment"`
	Plan       json.RawMessage `json:"plan,omitempty"`
	Operation  json.RawMessage `json:"operation,omitempty"`
	Step       json.RawMessage `json:"step,omitempty"`
	State      string          `json:"state,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"`
	Error      *eventErr       `json:"error,omitempty"`
}

type eventErr struct {
	Message  string `json:"message"`
	ExitCode int    `json:"exitCode"`
}

// events writes a command's events as newline-delimited JSON, one object a line, for
// programs (-o json); it follows a deployment like progress does for people, a step event
// whenever a step changes.
type events struct {
	w    io.Writer
	self string // the command as invoked, for the hints of error events
	now  func() time.Time
	seen map[string]*orchestratorv1.Step
	// state is the deployment state last written.
	state orchestratorv1.DeploymentStatus_State
}

func newEvents(w io.Writer, self string) *events {
	return &events{w: w, self: self, now: time.Now, seen: map[string]*orchestratorv1.Step{}}
}

// streamFlag adds -o to a command that writes a stream of events: table for people, json
// for programs. On parse, std.events is set for json.
func streamFlag(cmd *cobra.Command, std *IO) {
	var o string
	cmd.Flags().StringVarP(&o, "output", "o", "table", "output format: table, or json (a JSON object a line per event)")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		switch o {
		case "table":
			return nil
		case "json":
			std.events = newEvents(std.Out, std.self())
			return nil
		}
		return usageError{fmt.Errorf("-o %q: want table or json", o)}
	}
}

// write writes ev, at t, on a line of its own.
func (e *events) write(ev event, t time.Time) {
	ev.Time = t.UTC().Format(time.RFC3339Nano)
	b, _ := json.Marshal(ev) // compacts the protojson, whose spacing varies on purpose
	_, _ = e.w.Write(append(b, '\n'))
}

// js is m as protojson.
func js(m proto.Message) json.RawMessage {
	b, err := protojson.Marshal(m)
	if err != nil { // the API's own messages always encode
		b, _ = json.Marshal(err.Error())
	}
	return b
}

func (e *events) plan(name string, p *orchestratorv1.Plan) {
	e.write(event{Kind: eventPlan, Deployment: name, Plan: js(p)}, e.now())
}

func (e *events) operation(name string, op proto.Message) {
	e.write(event{Kind: eventOperation, Deployment: name, Operation: js(op)}, e.now())
}

func (e *events) result(d *orchestratorv1.Deployment) {
	e.write(event{Kind: eventResult, Deployment: d.GetName(), Result: js(d)}, e.now())
}

// step writes a step event at t, unless the step is as last written.
func (e *events) step(name string, s *orchestratorv1.Step, t time.Time) {
	if proto.Equal(e.seen[s.GetName()], s) {
		return
	}
	e.seen[s.GetName()] = s
	e.write(event{Kind: eventStep, Deployment: name, Step: js(s)}, t)
}

// setState writes a state event at t, unless the state is as last written.
func (e *events) setState(name string, st orchestratorv1.DeploymentStatus_State, t time.Time) {
	if st == e.state {
		return
	}
	e.state = st
	e.write(event{Kind: eventState, Deployment: name, State: shortState(st.String())}, t)
}

// update writes what changed in the deployment since the last update: its steps, then its state.
func (e *events) update(d *orchestratorv1.Deployment, now time.Time) {
	for _, s := range d.GetStatus().GetSteps() {
		e.step(d.GetName(), s, now)
	}
	e.setState(d.GetName(), d.GetStatus().GetState(), now)
}

// failed writes the error event of err, the command's last, and returns err.
func (e *events) failed(name string, err error) error {
	if err != nil {
		e.write(event{Kind: eventError, Deployment: name, Error: &eventErr{Message: describe(err, e.self), ExitCode: code(err)}}, e.now())
	}
	return err
}

// done ends a command that writes events: with -o json, err's error event when it failed;
// it returns err.
func (std IO) done(name string, err error) error {
	if std.events == nil {
		return err
	}
	return std.events.failed(name, err)
}

// result reports the deployment d as a command left it: with -o json, its result event, else
// the sentence format and args make.
func (std IO) result(d *orchestratorv1.Deployment, format string, args ...any) {
	if std.events != nil {
		std.events.result(d)
		return
	}
	fmt.Fprintf(std.Out, format, args...)
}

// accepted reports the operation an apply or destroy started: with -o json, its event.
func (std IO) accepted(name string, op proto.Message) {
	if std.events != nil {
		std.events.operation(name, op)
	}
}
