// Package console is the orchestrator's read-only web console: static pages, embedded in
// the binary and served under Path without a credential, whose scripts call the REST API
// with the caller's own bearer token, so that they see what the API lets that caller see.
package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/timeline"
)

// Path is where the console is served on the orchestrator's REST port.
const Path = "/ui/"

// TraceID is what a trace URL template holds where the trace id goes.
const TraceID = "{trace_id}"

//go:embed assets
var assets embed.FS

// Options configure the console.
type Options struct {
	// TraceURL, when set, links a deployment's trace: a URL with TraceID in it, e.g.
	// http://jaeger:16686/trace/{trace_id}.
	TraceURL string
}

// CheckTraceURL reports what is wrong with a trace URL template, naming the flag.
func CheckTraceURL(flag, template string) error {
	if template == "" {
		return nil
	}
	u, err := url.Parse(strings.ReplaceAll(template, TraceID, "0"))
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", flag, err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("%s: %q is not an http or https URL", flag, template)
	case !strings.Contains(template, TraceID):
		return fmt.Errorf("%s: %q does not hold %s, where the trace id goes", flag, template, TraceID)
	}
	return nil
}

// Routes are the console's routes: its files and settings, open to anyone; and the
// deployments' timelines, which read the deployment as the caller through conn (the REST
// port's in-process connection), so that the API's policy decides.
func Routes(conn *grpc.ClientConn, o Options) []serve.Route {
	files, _ := fs.Sub(assets, "assets") // assets is embedded: its folder is there
	static := http.StripPrefix(Path, http.FileServerFS(files))
	settings, _ := json.Marshal(map[string]string{"traceUrl": o.TraceURL})
	api := orchestratorv1.NewOrchestratorServiceClient(conn)
	return []serve.Route{
		{Pattern: "GET " + Path + "deployments/{id}/timeline.svg", Handler: secured(timelineSVG(api))},
		{Pattern: "GET " + Path, Open: true, Handler: secured(static)},
		{Pattern: "GET " + Path + "settings.json", Open: true, Handler: secured(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(settings)
		}))},
	}
}

// timelineSVG draws a deployment's steps as the CLI's timeline --svg does, reading the
// deployment as the caller.
func timelineSVG(api orchestratorv1.OrchestratorServiceClient) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := api.GetDeployment(r.Context(), &orchestratorv1.GetDeploymentRequest{Name: "deployments/" + r.PathValue("id")})
		if err != nil {
			st := status.Convert(err)
			b, _ := protojson.Marshal(st.Proto())
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(gwruntime.HTTPStatusFromCode(st.Code()))
			_, _ = w.Write(b)
			return
		}
		var b bytes.Buffer
		if err := timeline.SVG(&b, d, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = w.Write(b.Bytes())
	})
}

// secured sets the headers that keep the console's pages to themselves: scripts, styles
// and calls from its own origin only, never framed, no referrer sent on links out.
func secured(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}
