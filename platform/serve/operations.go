package serve

import (
	"net/http"
	"strconv"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// listOperationsREST serves GET /v1/operations: ListOperations, which a service answers
// where it keeps its operations.
func listOperationsREST(c longrunningpb.OperationsClient) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var size int64
		if v := q.Get("pageSize"); v != "" {
			var err error
			if size, err = strconv.ParseInt(v, 10, 32); err != nil {
				writeOperation(w, nil, apierr.Invalid("pageSize", "%q is not a number", v))
				return
			}
		}
		resp, err := c.ListOperations(r.Context(), &longrunningpb.ListOperationsRequest{Name: "operations",
			Filter: q.Get("filter"), PageSize: int32(size), PageToken: q.Get("pageToken")})
		writeOperation(w, resp, err)
	})
}

// operationsREST serves google.longrunning.Operations by name over REST, as
// operations.swagger.json documents it: GET /v1/operations/{id}, POST /v1/operations/{id}:wait
// and POST /v1/operations/{id}:cancel.
func operationsREST(c longrunningpb.OperationsClient) http.Handler {
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
				if protojson.Unmarshal([]byte(strconv.Quote(t)), &d) != nil {
					writeOperation(w, nil, apierr.Invalid("timeout", "%q is not a duration; write it as 30s", t))
					return
				}
				req.Timeout = &d
			}
			resp, err = c.WaitOperation(r.Context(), req)
		case r.Method == http.MethodPost && verb == "cancel":
			resp, err = c.CancelOperation(r.Context(), &longrunningpb.CancelOperationRequest{Name: name})
		default:
			http.Error(w, `{"code":5,"message":"no such operations method"}`, http.StatusNotFound)
			return
		}
		writeOperation(w, resp, err)
	})
}

// writeOperation writes an Operations method's response, or its error as grpc-gateway does.
func writeOperation(w http.ResponseWriter, resp proto.Message, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		st := status.Convert(err)
		w.WriteHeader(gwruntime.HTTPStatusFromCode(st.Code()))
		b, _ := protojson.Marshal(st.Proto())
		_, _ = w.Write(b)
		return
	}
	b, err := protojson.Marshal(resp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
}
