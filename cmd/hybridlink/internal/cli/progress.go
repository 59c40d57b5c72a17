package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
)

// progress shows a deployment's steps while it is applied or torn down. On a terminal it
// redraws one line per step in place, grouped under a line per site, the hub first (a
// spinner on running steps, elapsed times, attempts and the cloud's last message);
// elsewhere it prints a plain line whenever a step changes, so logs and pipes read top to
// bottom.
type progress struct {
	out io.Writer
	tty bool
	// width cuts redrawn lines, so that none wraps and the redraw stays in place; 0 does not.
	width int
	start time.Time
	// seen is each step's last printed state (plain); lines the lines last drawn (tty).
	seen  map[string]string
	lines int
	frame int
}

func newProgress(std IO, start time.Time) *progress {
	return &progress{out: std.Out, tty: std.Interactive, width: std.Width, start: start, seen: map[string]string{}}
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// update shows the deployment as it is at now.
func (p *progress) update(d *orchestratorv1.Deployment, now time.Time) {
	if p.tty {
		p.redraw(d, now)
		return
	}
	steps := d.GetStatus().GetSteps()
	width := nameWidth(len(steps), func(i int) string { return steps[i].GetName() })
	for _, st := range steps {
		line := stepLine(st, now, false)
		if line == "" || p.seen[st.GetName()] == line {
			continue
		}
		p.seen[st.GetName()] = line
		fmt.Fprintf(p.out, "%8s  %-*s %s\n", clock(now.Sub(p.start)), width, st.GetName(), line)
	}
	state := d.GetStatus().GetState().String()
	if p.seen[""] != state {
		p.seen[""] = state
		fmt.Fprintf(p.out, "%8s  %-*s %s\n", clock(now.Sub(p.start)), width, d.GetName(), shortState(state))
	}
}

// nameWidth is the width of a column of n step names: the longest, and at least 34, so that
// a two-site deployment's columns line up as they always have.
func nameWidth(n int, name func(int) string) int {
	w := 34
	for i := range n {
		w = max(w, len(name(i)))
	}
	return w
}

// redraw draws the deployment's header and, under a line per site, one line per step over
// the previous drawing.
func (p *progress) redraw(d *orchestratorv1.Deployment, now time.Time) {
	p.frame++
	var b strings.Builder
	if p.lines > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.lines)
	}
	steps := sites.Steps(d)
	width := nameWidth(len(steps), func(i int) string { return "  " + sites.Label(steps[i]) }) - 2
	done := 0
	for _, st := range steps {
		if st.GetState() == orchestratorv1.Step_STATE_SUCCEEDED {
			done++
		}
	}
	p.line(&b, fmt.Sprintf("%s  %s  %d/%d steps  %s", d.GetName(), shortState(d.GetStatus().GetState().String()), done, len(steps), clock(now.Sub(p.start))))
	p.lines = 1
	for i, st := range steps {
		if i == 0 || st.GetSite() != steps[i-1].GetSite() {
			p.line(&b, " "+siteHeading(d, st.GetSite()))
			p.lines++
		}
		icon := map[orchestratorv1.Step_State]string{
			orchestratorv1.Step_STATE_SUCCEEDED: "✓", orchestratorv1.Step_STATE_FAILED: "✗",
			orchestratorv1.Step_STATE_SKIPPED: "-", orchestratorv1.Step_STATE_RUNNING: spinner[p.frame%len(spinner)],
		}[st.GetState()]
		if icon == "" {
			icon = "·"
		}
		line := stepLine(st, now, true)
		if line == "" {
			line = "pending"
		}
		p.line(&b, fmt.Sprintf("   %s %-*s %s", icon, width, sites.Label(st), line))
		p.lines++
	}
	_, _ = io.WriteString(p.out, b.String())
}

// siteHeading is the line above a site's steps: "edge1: spoke on stamp1", "across sites".
func siteHeading(d *orchestratorv1.Deployment, site string) string {
	if site == "" {
		return sites.Describe(d, site)
	}
	return site + ": " + sites.Describe(d, site)
}

// line adds one redrawn line, cut to the terminal's width.
func (p *progress) line(b *strings.Builder, text string) {
	if r := []rune(text); p.width > 1 && len(r) >= p.width {
		text = string(r[:p.width-2]) + "…"
	}
	b.WriteString("\x1b[2K" + text + "\n")
}

// stepLine words a step's state: running for how long, on which attempt and with what
// last message from the cloud, or how it ended; "" for a pending step when plain.
func stepLine(st *orchestratorv1.Step, now time.Time, running bool) string {
	took := func() string {
		if st.GetStartTime() == nil {
			return ""
		}
		end := now
		if st.GetEndTime() != nil {
			end = st.GetEndTime().AsTime()
		}
		return clock(end.Sub(st.GetStartTime().AsTime()))
	}
	attempts := ""
	if st.GetAttempts() > 1 {
		attempts = fmt.Sprintf(" (attempt %d)", st.GetAttempts())
	}
	msg := ""
	if e := st.GetLastError(); e != nil {
		msg = ": " + errorText(e)
	}
	switch st.GetState() {
	case orchestratorv1.Step_STATE_RUNNING:
		if msg != "" {
			return "waiting" + attempts + msg
		}
		if running {
			return "running " + took() + attempts
		}
		return "running" + attempts
	case orchestratorv1.Step_STATE_SUCCEEDED:
		if st.GetAdopted() {
			return "adopted, read in " + took() + attempts
		}
		return "done in " + took() + attempts
	case orchestratorv1.Step_STATE_FAILED:
		return "failed after " + took() + attempts + msg
	case orchestratorv1.Step_STATE_SKIPPED:
		return "skipped"
	}
	return ""
}

// errorText is a step error as one line: ARM's code first when ARM refused.
func errorText(e *orchestratorv1.StepError) string {
	msg := strings.Join(strings.Fields(e.GetMessage()), " ")
	if e.GetArmCode() != "" && !strings.Contains(msg, e.GetArmCode()) {
		return e.GetArmCode() + ": " + msg
	}
	return msg
}

// shortState is a state's enum name without its prefix: READY for STATE_READY.
func shortState(s string) string { return strings.TrimPrefix(s, "STATE_") }

// clock is a duration as a person reads it: 850ms, 4.2s, 2m05s, 1h02m.
func clock(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
