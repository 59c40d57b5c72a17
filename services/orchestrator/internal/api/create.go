package api

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// memoSpecDigest names the memo entry of a deployment's workflow that holds the digest of
// the spec it was created with (specDigest): what tells a retried create from another
// create of the same id. Memos go through the client's data converter, so the payload
// codec encrypts it like every payload; continue-as-new carries it to the next runs.
const memoSpecDigest = "spec-digest"

// digestKey derives the key of spec digests from the payload key, so that a digest is
// never keyed by the key that encrypts payloads.
func digestKey(payloadKey []byte) []byte {
	key, _ := hkdf.Key(sha256.New, payloadKey, nil, "hybridlink spec digest", sha256.Size) // fails only past 255 hashes of length
	return key
}

// specDigest identifies the spec a create asks for, secrets included, without revealing
// them: an HMAC-SHA256 of the deterministic encoding of the spec completed with its
// defaults (a location left empty and the same location given are one spec), but with the
// shared key as the request gave it (a generated key differs on every call).
func (s *Server) specDigest(requested, full *orchestratorv1.DeploymentSpec) string {
	c := proto.Clone(full).(*orchestratorv1.DeploymentSpec)
	c.Connection.SharedKey = requested.GetConnection().GetSharedKey()
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c) // a valid spec always encodes
	mac := hmac.New(sha256.New, s.digestKey)
	mac.Write(b)
	return hex.EncodeToString(mac.Sum(nil))
}

// start starts the workflow of the deployment name with in, recording digest in its memo,
// and returns its create operation. When the deployment's workflow runs already, a create
// with the same digest is a retry of the one that started it, answered with that create's
// operation as it stands, and any other is refused with AlreadyExists; a deployment torn
// down whose workflow is still ending is waited for, and its id taken anew.
func (s *Server) start(ctx context.Context, name string, in workflow.Input, digest string, pending *orchestratorv1.Deployment) (*longrunningpb.Operation, error) {
	create := op{deployment: name, verb: "create"}
	opts := client.StartWorkflowOptions{
		ID: workflow.ID(name), TaskQueue: s.taskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		Memo:                                     map[string]any{memoSpecDigest: digest},
	}
	s.cache.drop(name)
	for waited := false; ; waited = true {
		_, err := s.temporal.ExecuteWorkflow(ctx, opts, workflow.Name, in)
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		switch {
		case err == nil:
			return operation(create, pending, false)
		case !errors.As(err, &started):
			return nil, temporalError(err, name)
		}
		desc, err := s.temporal.DescribeWorkflow(ctx, workflow.ID(name), started.RunId)
		if err != nil {
			return nil, temporalError(err, name)
		}
		if desc.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING && !waited {
			continue // it ended since: the id is free
		}
		d, err := s.status(ctx, name)
		if err == nil && d.GetStatus().GetState() == orchestratorv1.DeploymentStatus_STATE_DELETED && !waited {
			// torn down, its workflow returning: once it has, the id is free
			if err := s.temporal.GetWorkflow(ctx, workflow.ID(name), started.RunId).Get(ctx, nil); err != nil && ctx.Err() != nil {
				return nil, status.FromContextError(ctx.Err()).Err()
			}
			continue
		}
		var existing string
		if desc.GetMemoValue(memoSpecDigest, &existing) != nil || !hmac.Equal([]byte(existing), []byte(digest)) {
			return nil, status.Errorf(codes.AlreadyExists, "%s exists, created with another spec; get it to see its state, update it to change its spec, or delete it first", name)
		}
		if err != nil {
			return nil, err
		}
		return operation(create, d, finished(create.verb, d))
	}
}
