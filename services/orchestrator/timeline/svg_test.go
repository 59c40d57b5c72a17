package timeline

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// svgDoc is what TestSVG reads of an SVG document.
type svgDoc struct {
	root xml.Name
	// width is the root's width; barsEnd where the rightmost bar ends.
	width, barsEnd float64
	bars           int
	texts          []string
}

// parseSVG decodes every token of doc, counting the rects of class bar, finding where
// they end, and collecting the text.
func parseSVG(t *testing.T, doc []byte) svgDoc {
	t.Helper()
	var s svgDoc
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return s
		}
		if err != nil {
			t.Fatalf("decoding the SVG: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attrs := make(map[string]string)
			for _, a := range tok.Attr {
				attrs[a.Name.Local] = a.Value
			}
			if s.root.Local == "" {
				s.root = tok.Name
				s.width = number(t, attrs["width"])
			}
			if tok.Name.Local == "rect" && attrs["class"] == "bar" {
				s.bars++
				s.barsEnd = max(s.barsEnd, number(t, attrs["x"])+number(t, attrs["width"]))
			}
		case xml.CharData:
			s.texts = append(s.texts, string(tok))
		}
	}
}

// number parses an attribute's number.
func number(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSVG(t *testing.T) {
	odd := deployment(orchestratorv1.DeploymentStatus_STATE_FAILED,
		step(`hub/<vm> & "co"`, succeeded, 0, ms(1500)),
		attempts(step("verify", failed, ms(1500), ms(200), `hub/<vm> & "co"`), 2,
			&orchestratorv1.StepError{Code: "Unknown", Message: "a < b && c > d"}),
	)
	odd.Name = "deployments/a<b&c"
	tests := []struct {
		name string
		d    *orchestratorv1.Deployment
		now  time.Time
		want []string // texts the document must hold
	}{
		{"escaped", odd, t0, []string{"deployments/a<b&c FAILED", `<vm> & "co"`, "failed verify: Unknown: a < b && c > d"}},
	}
	for _, tc := range cases() {
		tests = append(tests, struct {
			name string
			d    *orchestratorv1.Deployment
			now  time.Time
			want []string
		}{tc.name, tc.d, tc.now, []string{"deployments/demo " + strings.TrimPrefix(tc.d.GetStatus().GetState().String(), "STATE_"), "trace 4bf92f3577b34da6a3ce929d0e0e4736"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := SVG(&b, tt.d, tt.now); err != nil {
				t.Fatal(err)
			}
			doc := parseSVG(t, b.Bytes())
			if doc.root != (xml.Name{Space: "http://www.w3.org/2000/svg", Local: "svg"}) {
				t.Errorf("root = %v, want svg in the SVG namespace", doc.root)
			}
			var started int
			for _, s := range tt.d.GetStatus().GetSteps() {
				if s.GetStartTime() != nil {
					started++
				}
			}
			if doc.bars != started {
				t.Errorf("%d bars, want one per started step, %d", doc.bars, started)
			}
			if doc.barsEnd > doc.width {
				t.Errorf("the bars end at %v, past the width %v", doc.barsEnd, doc.width)
			}
			for _, want := range tt.want {
				if !strings.Contains(strings.Join(doc.texts, "\n"), want) {
					t.Errorf("no text %q in:\n%s", want, b.String())
				}
			}
		})
	}
	t.Run("escaped raw", func(t *testing.T) {
		var b bytes.Buffer
		if err := SVG(&b, odd, t0); err != nil {
			t.Fatal(err)
		}
		for _, raw := range []string{"a<b", "<vm>", "& "} {
			if strings.Contains(b.String(), raw) {
				t.Errorf("%q is not escaped:\n%s", raw, b.String())
			}
		}
	})
}

func TestSVGGolden(t *testing.T) {
	var b bytes.Buffer
	if err := SVG(&b, twoSite(), t0); err != nil {
		t.Fatal(err)
	}
	golden(t, "two-site.svg.golden", b.Bytes())
}
