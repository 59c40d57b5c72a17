// Package timeline renders a deployment's steps as a Gantt chart, for hybridlink timeline
// and the web console: in the terminal (Text) and as SVG for reports and pages (SVG). Both mark the critical path, the
// chain of steps that set the deployment's wall time, found from the steps' DependsOn.
package timeline

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
)

// CriticalPath returns the names of the steps on the critical path, in time order: from
// the step that ended last it goes, again and again, to the dependency (DependsOn) that
// ended last, until a step without ended dependencies. Only steps with a start and an end
// time count; ties go to the step later in steps, the status order, which is the
// dataflow's order. It returns nil when no step has ended, and just the last-ending step
// when no step has DependsOn (servers before DependsOn).
func CriticalPath(steps []*orchestratorv1.Step) []string {
	index := make(map[string]int, len(steps))
	for i, s := range steps {
		index[s.GetName()] = i
	}
	// later reports whether steps[i] has ended, and after steps[best] (-1: none) or at
	// the same time and later in steps.
	later := func(i, best int) bool {
		if !ended(steps[i]) {
			return false
		}
		if best < 0 {
			return true
		}
		c := steps[i].GetEndTime().AsTime().Compare(steps[best].GetEndTime().AsTime())
		return c > 0 || c == 0 && i > best
	}
	last := -1
	for i := range steps {
		if later(i, last) {
			last = i
		}
	}
	var path []string
	visited := make(map[int]bool) // against a cycle in a malformed graph
	for last >= 0 && !visited[last] {
		visited[last] = true
		path = append(path, steps[last].GetName())
		next := -1
		for _, dep := range steps[last].GetDependsOn() {
			if i, ok := index[dep]; ok && later(i, next) {
				next = i
			}
		}
		last = next
	}
	slices.Reverse(path)
	return path
}

// ended reports whether a step has started and ended.
func ended(s *orchestratorv1.Step) bool {
	return s.GetStartTime() != nil && s.GetEndTime() != nil
}

// chart is what both renderings draw.
type chart struct {
	// name and state are the deployment's name and state (READY).
	name, state string
	// traceID is the deployment's trace.
	traceID string
	// bars are the started steps grouped by site (sites.Order: the hub first, the steps
	// across sites last), each site's by start time, then in status order.
	bars []bar
	// waiting are the steps never started, in status order.
	waiting []*orchestratorv1.Step
	// start and end are the earliest start and the latest end, or now for running steps.
	start, end time.Time
	// running reports whether a started step has not ended.
	running bool
	// path is the critical path; pathTime from its first step's start to its last's end.
	path     []string
	pathTime time.Duration
}

// bar is one started step.
type bar struct {
	step *orchestratorv1.Step
	// label is the step's name without its site's prefix.
	label string
	// start and end are the step's times, end now while it runs.
	start, end time.Time
	// critical reports whether the step is on the critical path.
	critical bool
}

// newChart lays out d's steps, drawing running steps up to now.
func newChart(d *orchestratorv1.Deployment, now time.Time) *chart {
	steps := d.GetStatus().GetSteps()
	c := &chart{
		name:    d.GetName(),
		state:   strings.TrimPrefix(d.GetStatus().GetState().String(), "STATE_"),
		traceID: d.GetStatus().GetTraceId(),
		path:    CriticalPath(steps),
	}
	for _, s := range steps {
		if s.GetStartTime() == nil {
			c.waiting = append(c.waiting, s)
			continue
		}
		b := bar{
			step:     s,
			label:    sites.Label(s),
			start:    s.GetStartTime().AsTime(),
			end:      now,
			critical: slices.Contains(c.path, s.GetName()),
		}
		if s.GetEndTime() != nil {
			b.end = s.GetEndTime().AsTime()
		} else {
			c.running = true
		}
		if b.end.Before(b.start) {
			b.end = b.start
		}
		c.bars = append(c.bars, b)
	}
	rank := sites.Rank(d)
	slices.SortStableFunc(c.bars, func(a, b bar) int {
		return cmp.Or(rank(a.step.GetSite())-rank(b.step.GetSite()), a.start.Compare(b.start))
	})
	for i, b := range c.bars {
		if i == 0 {
			c.start, c.end = b.start, b.end
		}
		if b.start.Before(c.start) {
			c.start = b.start
		}
		if b.end.After(c.end) {
			c.end = b.end
		}
	}
	if len(c.path) > 0 {
		first := slices.IndexFunc(c.bars, func(b bar) bool { return b.step.GetName() == c.path[0] })
		last := slices.IndexFunc(c.bars, func(b bar) bool { return b.step.GetName() == c.path[len(c.path)-1] })
		c.pathTime = c.bars[last].end.Sub(c.bars[first].start)
	}
	return c
}

// wall is the deployment's wall time so far.
func (c *chart) wall() time.Duration { return c.end.Sub(c.start) }

// notes returns what to say about a started step beside its bar: adopted (it read a
// resource the deployment never writes), failed, running, attempts; "" when nothing.
func notes(s *orchestratorv1.Step) string {
	var n []string
	if s.GetAdopted() {
		n = append(n, "adopted")
	}
	switch s.GetState() {
	case orchestratorv1.Step_STATE_FAILED:
		n = append(n, "FAILED")
	case orchestratorv1.Step_STATE_RUNNING:
		n = append(n, "running")
	}
	if a := s.GetAttempts(); a > 1 {
		n = append(n, strconv.Itoa(int(a))+" attempts")
	}
	return strings.Join(n, ", ")
}

// summary returns the lines below the chart: the steps never started per state, why
// steps failed, the wall time and the critical path (so far, while steps run), the trace.
func (c *chart) summary() []string {
	var lines []string
	byState := make([][]string, len(orchestratorv1.Step_State_name))
	for _, s := range c.waiting {
		if i := int(s.GetState()); i < len(byState) {
			byState[i] = append(byState[i], s.GetName())
		}
	}
	for i, names := range byState {
		if len(names) > 0 {
			state := strings.ToLower(strings.TrimPrefix(orchestratorv1.Step_State(i).String(), "STATE_"))
			lines = append(lines, fmt.Sprintf("not started, %s: %s", state, strings.Join(names, ", ")))
		}
	}
	for _, b := range c.bars {
		if e := b.step.GetLastError(); b.step.GetState() == orchestratorv1.Step_STATE_FAILED && e != nil {
			code := e.GetCode()
			if e.GetArmCode() != "" {
				code += " (" + e.GetArmCode() + ")"
			}
			lines = append(lines, fmt.Sprintf("failed %s: %s: %s", b.step.GetName(), code, e.GetMessage()))
		}
	}
	wall := "wall time " + human(c.wall())
	if c.running {
		wall += " so far"
	}
	lines = append(lines, wall)
	path := "critical path"
	if c.running {
		path += " so far"
	}
	if len(c.path) > 0 {
		lines = append(lines, fmt.Sprintf("%s %s (%s)", path, strings.Join(c.path, " → "), human(c.pathTime)))
	} else {
		lines = append(lines, path+": none, no step has ended")
	}
	if c.traceID != "" {
		lines = append(lines, "trace "+c.traceID)
	}
	return lines
}

// human formats a duration compactly, from milliseconds to hours: 0s, 350ms, 4.2s, 59s,
// 35m10s, 2m, 1h5m.
func human(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	if r := d.Round(time.Millisecond); r < time.Second {
		return strconv.FormatInt(r.Milliseconds(), 10) + "ms"
	}
	if r := d.Round(100 * time.Millisecond); r < time.Minute {
		return strings.TrimSuffix(strconv.FormatFloat(r.Seconds(), 'f', 1, 64), ".0") + "s"
	}
	if r := d.Round(time.Second); r < time.Hour {
		return units(int64(r/time.Minute), "m", int64(r%time.Minute/time.Second), "s")
	}
	r := d.Round(time.Minute)
	return units(int64(r/time.Hour), "h", int64(r%time.Hour/time.Minute), "m")
}

// units formats a count of a unit and of the next smaller one, leaving a zero count of
// the smaller one out.
func units(n int64, unit string, m int64, smaller string) string {
	s := strconv.FormatInt(n, 10) + unit
	if m > 0 {
		s += strconv.FormatInt(m, 10) + smaller
	}
	return s
}
