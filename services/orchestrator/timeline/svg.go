package timeline

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// SVG layout, in pixels: the text is 12px monospace, about charWidth a character.
const (
	pad        = 16.0
	charWidth  = 7.2
	rowHeight  = 22.0
	barHeight  = 14.0
	chartWidth = 720.0
	lineHeight = 18.0
	maxTicks   = 10
	// minBarPixels keeps the bars of short steps visible.
	minBarPixels = 2.0
)

// siteColors are the sites' bars' colors, in turn.
var siteColors = []string{"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7"}

// Colors of steps across sites and of failures' outlines.
const (
	acrossColor = "#8c8c8c"
	failedColor = "#d62728"
)

// tickSteps are the time axis' tick intervals to choose from, shortest first.
var tickSteps = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// SVG writes d's steps as the Gantt chart of Text in a standalone SVG 1.1 document: a
// title with the deployment's name and state, a time axis, a labeled bar per started
// step in its site's color, in Text's order (running steps up to now, dashed), the critical path's bars
// opaque and outlined, failed ones outlined red, a legend, then the lines below Text's
// chart.
func SVG(w io.Writer, d *orchestratorv1.Deployment, now time.Time) error {
	c := newChart(d, now)
	var siteW, stepW, noteW int
	var sites []string
	for _, r := range c.bars {
		siteW = max(siteW, utf8.RuneCountInString(r.step.GetSite()))
		stepW = max(stepW, utf8.RuneCountInString(r.label))
		noteW = max(noteW, utf8.RuneCountInString(notes(r.step)))
		if !slices.Contains(sites, r.step.GetSite()) {
			sites = append(sites, r.step.GetSite())
		}
	}
	summary := c.summary()
	stepX := pad + float64(siteW+2)*charWidth
	chartX := stepX + float64(stepW+2)*charWidth
	top := pad + 44
	bottom := top + float64(len(c.bars))*rowHeight
	width := chartX + chartWidth + pad
	if noteW > 0 {
		width += 8 + float64(noteW)*charWidth
	}
	for _, line := range summary {
		width = max(width, 2*pad+float64(utf8.RuneCountInString(line))*charWidth)
	}
	height := bottom + 2*lineHeight + float64(len(summary))*lineHeight + pad
	x := func(t time.Time) float64 {
		if c.wall() <= 0 {
			return chartX
		}
		return chartX + float64(t.Sub(c.start))/float64(c.wall())*chartWidth
	}
	color := func(site string) string {
		if site == "" {
			return acrossColor
		}
		return siteColors[slices.Index(sites, site)%len(siteColors)]
	}

	var b strings.Builder
	title := c.name + " " + c.state
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" viewBox="0 0 %[1]s %[2]s" font-family="monospace" font-size="12">`+"\n", num(width), num(height))
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(title))
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="16" font-weight="bold">%s</text>`+"\n", num(pad), num(pad+14), esc(title))

	// The time axis: a labeled gridline per tick.
	tick := tickStep(c.wall())
	for t := time.Duration(0); t <= c.wall(); t += tick {
		tx := num(x(c.start.Add(t)))
		fmt.Fprintf(&b, `<line x1="%[1]s" y1="%[2]s" x2="%[1]s" y2="%[3]s" stroke="#ddd"/>`+"\n", tx, num(top-4), num(bottom))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#555">%s</text>`+"\n", tx, num(top-8), human(t))
	}
	if len(c.bars) > 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#555">SITE</text>`+"\n", num(pad), num(top-8))
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#555">STEP</text>`+"\n", num(stepX), num(top-8))
	} else {
		fmt.Fprintf(&b, `<text x="%s" y="%s">no step has started</text>`+"\n", num(pad), num(top+14))
	}

	for i, r := range c.bars {
		y := top + float64(i)*rowHeight
		weight := ""
		if r.critical {
			weight = ` font-weight="bold"`
		}
		if r.step.GetSite() != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`+"\n", num(pad), num(y+15), esc(r.step.GetSite()))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s"%s>%s</text>`+"\n", num(stepX), num(y+15), weight, esc(r.label))
		x0 := x(r.start)
		fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" %s><title>%s</title></rect>`+"\n",
			num(x0), num(y+(rowHeight-barHeight)/2), num(max(x(r.end)-x0, minBarPixels)), num(barHeight), barStyle(r, color(r.step.GetSite())), esc(c.tooltip(r)))
		if n := notes(r.step); n != "" {
			fill := "#555"
			if r.step.GetState() == orchestratorv1.Step_STATE_FAILED {
				fill = failedColor
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">%s</text>`+"\n", num(chartX+chartWidth+8), num(y+15), fill, esc(n))
		}
	}

	// The legend: the sites' colors, the critical path, failures, running steps.
	lx, ly := pad, bottom+lineHeight
	swatch := func(style, label string) {
		fmt.Fprintf(&b, `<rect class="legend" x="%s" y="%s" width="12" height="12" %s/>`+"\n", num(lx), num(ly-10), style)
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`+"\n", num(lx+16), num(ly), esc(label))
		lx += 16 + float64(utf8.RuneCountInString(label)+2)*charWidth
	}
	for _, site := range sites {
		label := site
		if site == "" {
			label = "across sites"
		}
		swatch(`fill="`+color(site)+`"`, label)
	}
	swatch(`fill="#fff" stroke="#000" stroke-width="1.5"`, "critical path")
	if slices.ContainsFunc(c.bars, func(r bar) bool { return r.step.GetState() == orchestratorv1.Step_STATE_FAILED }) {
		swatch(`fill="#fff" stroke="`+failedColor+`" stroke-width="2"`, "failed")
	}
	if c.running {
		swatch(`fill="#fff" stroke="#000" stroke-dasharray="4 2"`, "running")
	}

	for i, line := range summary {
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`+"\n", num(pad), num(bottom+2*lineHeight+float64(i+1)*lineHeight), esc(line))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// barStyle returns a bar's fill and stroke attributes: its site's color, faded off the
// critical path; outlined black on it, red when failed; dashed while running.
func barStyle(r bar, color string) string {
	style := `fill="` + color + `"`
	if !r.critical {
		style += ` fill-opacity="0.5"`
	}
	switch {
	case r.step.GetState() == orchestratorv1.Step_STATE_FAILED:
		style += ` stroke="` + failedColor + `" stroke-width="2"`
	case r.critical:
		style += ` stroke="#000" stroke-width="1.5"`
	case r.step.GetEndTime() == nil:
		style += ` stroke="` + color + `"`
	}
	if r.step.GetEndTime() == nil {
		style += ` stroke-dasharray="4 2"`
	}
	return style
}

// tooltip describes a bar: the step, its start offset, duration, state and attempts.
func (c *chart) tooltip(r bar) string {
	s := fmt.Sprintf("%s: +%s, %s, %s", r.step.GetName(), human(r.start.Sub(c.start)), human(r.end.Sub(r.start)),
		strings.ToLower(strings.TrimPrefix(r.step.GetState().String(), "STATE_")))
	if a := r.step.GetAttempts(); a > 1 {
		s += fmt.Sprintf(", %d attempts", a)
	}
	return s
}

// tickStep returns the shortest tick interval that puts at most maxTicks ticks after 0
// on wall, in whole days beyond tickSteps.
func tickStep(wall time.Duration) time.Duration {
	for _, s := range tickSteps {
		if wall/s <= maxTicks {
			return s
		}
	}
	day := 24 * time.Hour
	return (wall/maxTicks/day + 1) * day
}

// esc escapes s for XML text and attribute values.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}
