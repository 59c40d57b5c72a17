package servicetest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/hybridlink/hybridlink/armsim"
)

// faults are the armsim configurations a service's calls must get through by azcore's
// retries: a share of requests failing (500, 503, 429), and throttling with a tiny bucket.
var faults = []struct {
	Name   string
	Config armsim.Config
}{
	{"injected faults", armsim.Config{Faults: armsim.Faults{Rate500: 0.05, Rate503: 0.05, Rate429: 0.05}}},
	{"throttling", armsim.Config{Throttle: armsim.Throttle{Enabled: true, ReadBurst: 3, ReadRate: 200, WriteBurst: 2, WriteRate: 100}}},
}

// skipUnlessRefused skips the test when the stack's armsim refused no request (500, 503 or
// 429): then nothing was absorbed, and passing proves nothing.
func (s *Stack) skipUnlessRefused(t testing.TB) {
	t.Helper()
	refused := Counted(t, s.Sim, func(cv armsim.CounterValue) bool {
		return cv.Status >= http.StatusInternalServerError || cv.Status == http.StatusTooManyRequests
	})
	if refused == 0 {
		t.Skip("armsim refused nothing this run; nothing was absorbed")
	}
}

// CheckReflection lists the services conn's server reflects, the way `grpcurl list` does,
// and fails the test unless they include name, google.longrunning.Operations and health.
func CheckReflection(t testing.TB, conn *grpc.ClientConn, name string) {
	t.Helper()
	stream, err := grpc_reflection_v1.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&grpc_reflection_v1.ServerReflectionRequest{
		MessageRequest: &grpc_reflection_v1.ServerReflectionRequest_ListServices{ListServices: "*"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		got = append(got, s.GetName())
	}
	for _, want := range []string{name, "google.longrunning.Operations", "grpc.health.v1.Health"} {
		if !slices.Contains(got, want) {
			t.Fatalf("reflection lists %v, missing %s", got, want)
		}
	}
}

// DecodeJSON reads a REST answer's JSON object, failing the test unless it is 200 OK.
func DecodeJSON(t testing.TB, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s", resp.Request.Method, resp.Request.URL, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Writes is how many ARM writes (PUT, POST, DELETE, PATCH; logins are not ARM) armsim has answered on all its clouds
// since its counters were last reset.
func Writes(t testing.TB, sim *armsim.Sim) int64 {
	t.Helper()
	n, err := sim.Admin.Writes(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Counted sums the request counters of armsim, on all its clouds since they were last
// reset, that count reports.
func Counted(t testing.TB, sim *armsim.Sim, count func(armsim.CounterValue) bool) int64 {
	t.Helper()
	counters, err := sim.Admin.Counters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, cv := range counters {
		if count(cv) {
			n += cv.Count
		}
	}
	return n
}
