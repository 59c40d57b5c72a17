package serve

import (
	"net/http"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// operationsREST serves google.longrunning.Operations over REST, as its google.api.http
// annotations define: GET /v1/operations/{id}, POST /v1/operations/{id}:wait and
// POST /v1/operations/{id}:cancel (GET /v1/operations lists, where a service can).
func operationsREST(c longrunningpb.OperationsClient) http.Handler {
	marshal := protojson.MarshalOptions{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/v1/")
		name, verb, _ := strings.Cut(rest, ":")
		var (
			resp proto.Message
			err  error
		)
		switch {
		case r.Method == http.MethodGet && verb == "":
			resp, err = c.GetOperation(r.Context(), &longrunningpb.GetOperationRequest{Name: name})
		case r.Method == http.MethodPost && verb == "wait":
			req := &longrunningpb.WaitOperationRequest{Name: name}
			if t := r.URL.Query().Get("timeout"); t != "" {
				var d durationpb.Duration
				if err := protojson.Unmarshal([]byte(`"`+t+`"`), &d); err == nil {
					req.Timeout = &d
				}
			}
			resp, err = c.WaitOperation(r.Context(), req)
		case r.Method == http.MethodPost && verb == "cancel":
			resp, err = c.CancelOperation(r.Context(), &longrunningpb.CancelOperationRequest{Name: name})
		default:
			http.Error(w, `{"code":5,"message":"no such operations method"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			st := status.Convert(err)
			w.WriteHeader(gwruntime.HTTPStatusFromCode(st.Code()))
			b, _ := marshal.Marshal(st.Proto())
			_, _ = w.Write(b)
			return
		}
		b, err := marshal.Marshal(resp)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(b)
	})
}
