package arm

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Counter is one line of armsim's request counters.
type Counter struct {
	Cloud  string `json:"cloud"`
	Method string `json:"method"`
	Type   string `json:"type"`
	Status int    `json:"status"`
}

// CounterValue is a counter with its count, as the admin API answers.
type CounterValue struct {
	Counter
	Count int64 `json:"count"`
}

// The counters' types of the requests to a cloud's directory and to its metadata endpoint:
// a cloud answers them, but they are not ARM's and spend none of its budget.
const (
	IdentityType = "identity"
	MetadataType = "metadata"
)

// ARM reports whether the counter counts requests to ARM itself, not to the cloud's
// directory or metadata endpoint.
func (c Counter) ARM() bool { return c.Type != IdentityType && c.Type != MetadataType }

func (e *Engine) count(cloud, method, typ string, status int) {
	e.mu.Lock()
	e.counters[Counter{Cloud: cloud, Method: method, Type: typ, Status: status}]++
	e.mu.Unlock()
}

// Counters returns every request counter, sorted.
func (e *Engine) Counters() []CounterValue {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]CounterValue, 0, len(e.counters))
	for k, v := range e.counters {
		out = append(out, CounterValue{Counter: k, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Cloud != b.Cloud {
			return a.Cloud < b.Cloud
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		return a.Status < b.Status
	})
	return out
}

// ResetCounters sets every counter back to zero.
func (e *Engine) ResetCounters() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counters = map[Counter]int64{}
}

// ResourceView is one stored resource as the admin API lists it.
type ResourceView struct {
	Cloud             string `json:"cloud"`
	ID                string `json:"id"`
	Type              string `json:"type"`
	ProvisioningState string `json:"provisioningState"`
	Operation         string `json:"operation,omitempty"`
}

// Resources lists every stored resource on every cloud, sorted by cloud and ID.
func (e *Engine) Resources() []ResourceView {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settle()
	out := make([]ResourceView, 0, len(e.entries))
	for _, en := range e.entries {
		out = append(out, ResourceView{Cloud: en.Cloud, ID: en.id(), Type: en.Res.meta().Type,
			ProvisioningState: en.provisioningState(), Operation: en.Op})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cloud != out[j].Cloud {
			return out[i].Cloud < out[j].Cloud
		}
		return strings.ToLower(out[i].ID) < strings.ToLower(out[j].ID)
	})
	return out
}

// serveAdmin answers armsim's admin API under /_armsim/. It needs no token: it is the
// emulator's control plane, not ARM's.
//
//	GET  /_armsim/counters             request counters
//	POST /_armsim/counters/reset       zero the counters
//	GET  /_armsim/resources            every stored resource with its state
//	GET  /_armsim/faults               injected faults; PUT replaces them
//	GET  /_armsim/throttle             throttling; PUT replaces it
//	GET  /_armsim/explain?cloud=C&id=I why a connection is or is not Connected
//	GET  /_armsim/reach?cloud=C&vm=V&target=IP  whether VM V's probe reaches IP, and why
//	GET  /_armsim/clouds               the emulated clouds
func (e *Engine) serveAdmin(w http.ResponseWriter, r *http.Request) {
	route := r.Method + " " + strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_armsim"), "/")
	switch route {
	case "GET /counters":
		writeJSON(w, http.StatusOK, map[string]any{"counters": e.Counters()})
	case "POST /counters/reset":
		e.ResetCounters()
		w.WriteHeader(http.StatusNoContent)
	case "GET /resources":
		writeJSON(w, http.StatusOK, map[string]any{"resources": e.Resources()})
	case "GET /faults":
		writeJSON(w, http.StatusOK, e.GetFaults())
	case "PUT /faults":
		putAdmin(w, r, func(f Faults) *Error {
			e.SetFaults(f)
			return nil
		})
	case "GET /throttle":
		writeJSON(w, http.StatusOK, e.GetThrottle())
	case "PUT /throttle":
		putAdmin(w, r, func(t Throttle) *Error {
			if err := e.SetThrottle(t); err != nil {
				return errorf(http.StatusBadRequest, "InvalidThrottle", "%v", err)
			}
			return nil
		})
	case "GET /explain":
		q := r.URL.Query()
		t, ok := e.Explain(q.Get("cloud"), q.Get("id"))
		if !ok {
			writeError(w, errorf(http.StatusNotFound, "ConnectionNotFound", "No connection %q on cloud %q.", q.Get("id"), q.Get("cloud")))
			return
		}
		writeJSON(w, http.StatusOK, t)
	case "GET /reach":
		q := r.URL.Query()
		rc, ok := e.Reach(q.Get("cloud"), q.Get("vm"), q.Get("target"))
		if !ok {
			writeError(w, errorf(http.StatusNotFound, "NotFound", "No virtual machine %q on cloud %q, or %q is not an IP address.", q.Get("vm"), q.Get("cloud"), q.Get("target")))
			return
		}
		writeJSON(w, http.StatusOK, rc)
	case "GET /clouds":
		writeJSON(w, http.StatusOK, map[string]any{"clouds": e.Clouds()})
	default:
		writeError(w, errorf(http.StatusNotFound, "NotFound", "No admin route %s.", route))
	}
}

// putAdmin answers an admin PUT: it decodes the body (1 MiB at most, no unknown fields)
// into a T, hands it to set and answers it back, or answers the decoding's or set's error.
func putAdmin[T any](w http.ResponseWriter, r *http.Request, set func(T) *Error) {
	var v T
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		writeError(w, invalidRequestContent(err))
		return
	}
	if err := set(v); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
