package cli

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestEventsUpdate checks what a followed deployment writes: a step event when a step
// changes, a state event when the state does, and nothing when nothing changed.
func TestEventsUpdate(t *testing.T) {
	var b bytes.Buffer
	e := newEvents(&b, "hybridlink")
	at := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	d := func(state orchestratorv1.DeploymentStatus_State, steps ...orchestratorv1.Step_State) *orchestratorv1.Deployment {
		out := &orchestratorv1.Deployment{Name: "deployments/x", Status: &orchestratorv1.DeploymentStatus{State: state}}
		for i, s := range steps {
			out.Status.Steps = append(out.Status.Steps, &orchestratorv1.Step{Name: []string{"hub/virtual-network", "stack/virtual-network"}[i], State: s})
		}
		return out
	}
	e.update(d(orchestratorv1.DeploymentStatus_STATE_APPLYING, orchestratorv1.Step_STATE_RUNNING, orchestratorv1.Step_STATE_PENDING), at)
	e.update(d(orchestratorv1.DeploymentStatus_STATE_APPLYING, orchestratorv1.Step_STATE_RUNNING, orchestratorv1.Step_STATE_PENDING), at)
	e.update(d(orchestratorv1.DeploymentStatus_STATE_READY, orchestratorv1.Step_STATE_SUCCEEDED, orchestratorv1.Step_STATE_PENDING), at.Add(time.Second))
	want := `{"kind":"step","time":"2026-12-02T04:00:00Z","deployment":"deployments/x","step":{"name":"hub/virtual-network","state":"STATE_RUNNING"}}
{"kind":"step","time":"2026-12-02T04:00:00Z","deployment":"deployments/x","step":{"name":"stack/virtual-network","state":"STATE_PENDING"}}
{"kind":"state","time":"2026-12-02T04:00:00Z","deployment":"deployments/x","state":"APPLYING"}
{"kind":"step","time":"2026-12-02T04:00:01Z","deployment":"deployments/x","step":{"name":"hub/virtual-network","state":"STATE_SUCCEEDED"}}
{"kind":"state","time":"2026-12-02T04:00:01Z","deployment":"deployments/x","state":"READY"}
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// events parses -o json output: one JSON object a line.
func parseEvents(t *testing.T, out string) []event {
	t.Helper()
	var evs []event
	for line := range strings.Lines(out) {
		var ev event
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("not an event: %v: %q", err, line)
		}
		if _, err := time.Parse(time.RFC3339Nano, ev.Time); err != nil || ev.Kind == "" {
			t.Errorf("event without kind or time: %q", line)
		}
		evs = append(evs, ev)
	}
	return evs
}

func kinds(evs []event) []string {
	var out []string
	for _, ev := range evs {
		if len(out) == 0 || out[len(out)-1] != ev.Kind {
			out = append(out, ev.Kind)
		}
	}
	return out
}

// TestJSON drives a deployment with -o json as a program would: plan, apply, watch, destroy,
// each a stream of events, and an invalid spec's findings in a plan event and an error event.
func TestJSON(t *testing.T) {
	file := spec(t, "json", nil)
	code, out, errs := run(t, "plan", "-o", "json", "-f", file)
	evs := parseEvents(t, out)
	p := &orchestratorv1.Plan{}
	if code != ExitOK || len(evs) != 1 || evs[0].Kind != eventPlan || protojson.Unmarshal(evs[0].Plan, p) != nil || len(p.GetChanges()) != 14 {
		t.Fatalf("plan -o json: exit %d\n%s%s", code, out, errs)
	}

	if code, out, _ := run(t, "apply", "-o", "json", "-f", file); code != ExitInvalid || !strings.Contains(out, `"kind":"error"`) || !strings.Contains(out, "pass --yes") {
		t.Errorf("apply -o json without --yes: exit %d\n%s", code, out)
	}
	code, out, errs = run(t, "apply", "-o", "json", "--yes", "-f", file)
	evs = parseEvents(t, out)
	k := kinds(evs)
	if code != ExitOK || k[0] != eventPlan || k[1] != eventOperation || k[len(k)-1] != eventResult || !slices.Contains(k, eventStep) || !slices.Contains(k, eventState) {
		t.Fatalf("apply -o json: exit %d, kinds %v\n%s%s", code, k, out, errs)
	}
	final := &orchestratorv1.Deployment{}
	if err := protojson.Unmarshal(evs[len(evs)-1].Result, final); err != nil || final.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Errorf("apply's result event is no READY deployment (%v): %s", err, evs[len(evs)-1].Result)
	}
	steps := map[string]bool{}
	for _, ev := range evs {
		if ev.Kind == eventStep {
			s := &orchestratorv1.Step{}
			if err := protojson.Unmarshal(ev.Step, s); err != nil {
				t.Fatal(err)
			}
			if s.GetState() == orchestratorv1.Step_STATE_SUCCEEDED {
				steps[s.GetName()] = true
			}
		}
	}
	if len(steps) != 15 || strings.Contains(out, "Change-Me-2026!") {
		t.Errorf("apply -o json shows %d steps succeeded, want 15 (or printed a password)", len(steps))
	}

	code, out, _ = run(t, "watch", "json", "-o", "json")
	if k := kinds(parseEvents(t, out)); code != ExitOK || k[len(k)-1] != eventState || !strings.HasSuffix(out, `"state":"READY"}`+"\n") {
		t.Errorf("watch -o json: exit %d, kinds %v\n%s", code, k, out)
	}

	code, out, errs = run(t, "destroy", "json", "-o", "json", "--yes")
	evs = parseEvents(t, out)
	if k := kinds(evs); code != ExitOK || k[0] != eventOperation || k[len(k)-1] != eventResult || !strings.Contains(string(evs[len(evs)-1].Result), `"state":"STATE_DELETED"`) {
		t.Errorf("destroy -o json: exit %d, kinds %v\n%s%s", code, k, out, errs)
	}

	code, out, _ = run(t, "plan", "-o", "json", "-f", spec(t, "json", func(s string) string { return strings.ReplaceAll(s, "10.2.", "10.1.") }))
	evs = parseEvents(t, out)
	if code != ExitInvalid || len(evs) != 2 || evs[0].Kind != eventPlan || !strings.Contains(string(evs[0].Plan), `"field":"deployment.spec.sites[1].address_prefixes[0]"`) ||
		evs[1].Kind != eventError || evs[1].Error.ExitCode != ExitInvalid {
		t.Errorf("plan -o json of an invalid spec: exit %d\n%s", code, out)
	}
	if code, _, errs := run(t, "watch", "json", "-o", "yaml"); code != ExitInvalid || !strings.Contains(errs, `-o "yaml": want table or json`) {
		t.Errorf("watch -o yaml: exit %d, %s", code, errs)
	}
}
