package service_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/activities"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/api"
)

// dashboardFile is the Grafana dashboard docker-compose.yml provisions.
const dashboardFile = "../../../deploy/grafana/hybridlink.json"

// panel is what the test reads of a dashboard panel; rows hold panels of their own.
type panel struct {
	Title      string
	Datasource struct{ UID string }
	Targets    []struct {
		Expr       string
		Datasource struct{ UID string }
	}
	Panels []panel
}

// TestDashboard parses every PromQL expression of the Grafana dashboard with Prometheus's
// own parser and checks that each metric it selects is one the services export (the
// packages' MetricFamilies, which their tests check against what /metrics serves), a
// histogram's _bucket, _sum and _count series included, and that every query goes to the
// provisioned data source.
func TestDashboard(t *testing.T) {
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels     []panel
		Templating struct {
			List []struct {
				Name, Definition string
			}
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	families := slices.Concat(cloud.MetricFamilies, activities.MetricFamilies, api.MetricFamilies)
	known := func(name string) bool {
		for _, suffix := range []string{"", "_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && slices.Contains(families, base) {
				return true
			}
		}
		return false
	}
	p := parser.NewParser(parser.Options{})
	var queries int
	var walk func(panels []panel)
	walk = func(panels []panel) {
		for _, pn := range panels {
			walk(pn.Panels)
			for _, tg := range pn.Targets {
				queries++
				if pn.Datasource.UID != datasourceUID || tg.Datasource.UID != datasourceUID {
					t.Errorf("panel %q: data source %q/%q, want the provisioned %q", pn.Title, pn.Datasource.UID, tg.Datasource.UID, datasourceUID)
				}
				expr, err := p.ParseExpr(grafanaVariables.Replace(tg.Expr))
				if err != nil {
					t.Errorf("panel %q: %s: %v", pn.Title, tg.Expr, err)
					continue
				}
				names := selected(expr)
				if len(names) == 0 {
					t.Errorf("panel %q: %s selects no metric by name", pn.Title, tg.Expr)
				}
				for _, n := range names {
					if !known(n) {
						t.Errorf("panel %q: %s is no metric the services export (%v)", pn.Title, n, families)
					}
				}
			}
		}
	}
	walk(d.Panels)
	if queries == 0 {
		t.Fatalf("%s has no queries", dashboardFile)
	}
	for _, v := range d.Templating.List {
		m := labelValues.FindStringSubmatch(v.Definition)
		if m == nil || !known(m[1]) {
			t.Errorf("variable %s: %q is not label_values of a metric the services export", v.Name, v.Definition)
		}
	}
}

// datasourceUID is the Prometheus data source's uid in deploy/grafana/provisioning.
const datasourceUID = "prometheus"

// grafanaVariables replaces the dashboard's variables by what Grafana would put there: a
// range, or for $cloud (used in label matchers only) the All option's regular expression.
var grafanaVariables = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$cloud", ".*")

var labelValues = regexp.MustCompile(`^label_values\((\w+), *\w+\)$`)

// selected are the metric names an expression's selectors name.
func selected(expr parser.Expr) []string {
	var names []string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names
}
