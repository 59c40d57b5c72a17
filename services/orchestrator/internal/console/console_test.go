package console

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckTraceURL(t *testing.T) {
	for _, tc := range []struct {
		template, err string // err: what the error says, "" for none
	}{
		{"", ""},
		{"http://jaeger:16686/trace/{trace_id}", ""},
		{"https://tempo.contoso.com/explore?trace={trace_id}", ""},
		{"http://jaeger:16686/trace/", "does not hold {trace_id}"},
		{"javascript:alert({trace_id})", "not an http or https URL"},
		{"/trace/{trace_id}", "not an http or https URL"},
		{"http://%zz/{trace_id}", "-trace-url"},
	} {
		err := CheckTraceURL("-trace-url", tc.template)
		if (err == nil) != (tc.err == "") || err != nil && (!strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "-trace-url")) {
			t.Errorf("%q: %v, want an error with %q", tc.template, err, tc.err)
		}
	}
}

// TestFiles serves the console's files as the REST port does, and checks each page and
// script is there with its type and the headers that keep it to its own origin.
func TestFiles(t *testing.T) {
	mux := http.NewServeMux()
	for _, r := range Routes(nil, Options{TraceURL: "http://jaeger:16686/trace/{trace_id}"}) {
		mux.Handle(r.Pattern, r.Handler)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ path, typ, holds string }{
		{"/ui/", "text/html", `<script type="module" src="console.js">`},
		{"/ui/console.js", "text/javascript", "route"},
		{"/ui/console.css", "text/css", "body"},
		{"/ui/settings.json", "application/json", `"traceUrl":"http://jaeger:16686/trace/{trace_id}"`},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.typ) || !strings.Contains(string(b), tc.holds) {
			t.Errorf("%s: %d %s, want 200 %s holding %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.typ, tc.holds)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", tc.path, csp)
		}
	}
}
