package timeline

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// minBarWidth is the fewest cells the bars get, however narrow the terminal.
const minBarWidth = 20

// Bar cells: the critical path's steps and the others.
const (
	criticalCell = "█"
	otherCell    = "░"
)

// Text writes d's steps as a Gantt chart for a terminal width columns wide: a header with
// the deployment's name and state; a row per started step, grouped by site (the hub
// first, verify last) and by start time within a site, with its site, step, start offset,
// duration and a bar on the deployment's wall time (running steps up to now), the critical
// path's steps marked * and drawn solid, adopted steps, failures and attempts noted; then the steps never started, the failures, the wall time, the critical path
// and the trace.
func Text(w io.Writer, d *orchestratorv1.Deployment, width int, now time.Time) error {
	c := newChart(d, now)
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", c.name, c.state)
	if len(c.bars) == 0 {
		b.WriteString("no step has started\n")
	} else {
		c.writeRows(&b, width)
	}
	b.WriteString("\n")
	for _, line := range c.summary() {
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRows writes the column headings, a row per bar and the legend.
func (c *chart) writeRows(b *strings.Builder, width int) {
	type row struct{ marker, site, step, start, took, note string }
	rows := []row{{marker: " ", site: "SITE", step: "STEP", start: "START", took: "DURATION"}}
	for _, r := range c.bars {
		marker := " "
		if r.critical {
			marker = "*"
		}
		rows = append(rows, row{marker, r.step.GetSite(), r.label, "+" + human(r.start.Sub(c.start)), human(r.end.Sub(r.start)), notes(r.step)})
	}
	var siteW, stepW, startW, tookW, noteW int
	for _, r := range rows {
		siteW = max(siteW, utf8.RuneCountInString(r.site))
		stepW = max(stepW, utf8.RuneCountInString(r.step))
		startW = max(startW, len(r.start))
		tookW = max(tookW, len(r.took))
		noteW = max(noteW, len(r.note))
	}
	fixed := 2 + siteW + 2 + stepW + 2 + startW + 2 + tookW + 2
	if noteW > 0 {
		fixed += 1 + noteW
	}
	barW := max(minBarWidth, width-fixed)
	for i, r := range rows {
		var cells string
		if i == 0 {
			cells = axis(human(c.wall()), barW)
		} else {
			cells = c.cells(c.bars[i-1], barW)
		}
		line := fmt.Sprintf("%s %-*s  %-*s  %*s  %*s  %s %s", r.marker, siteW, r.site, stepW, r.step, startW, r.start, tookW, r.took, cells, r.note)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	fmt.Fprintf(b, "* %s critical path   %s other steps\n", criticalCell, otherCell)
}

// axis returns the bars' heading: 0s at the left, the wall time at the right.
func axis(wall string, width int) string {
	return "0s" + strings.Repeat(" ", max(1, width-2-len(wall))) + wall
}

// cells returns a bar width cells wide: blank up to the step's start, then filled up to
// its end, at least one cell, then blank.
func (c *chart) cells(r bar, width int) string {
	from, to := column(c.start, c.wall(), r.start, width), column(c.start, c.wall(), r.end, width)
	to = min(max(to, from+1), width)
	from = min(from, to-1)
	cell := otherCell
	if r.critical {
		cell = criticalCell
	}
	return strings.Repeat(" ", from) + strings.Repeat(cell, to-from) + strings.Repeat(" ", width-to)
}

// column returns the cell, of width, where t falls on wall time from start.
func column(start time.Time, wall time.Duration, t time.Time, width int) int {
	if wall <= 0 {
		return 0
	}
	return int(math.Round(float64(t.Sub(start)) / float64(wall) * float64(width)))
}
