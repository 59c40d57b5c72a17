package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// planFormat names the saved plan format, so that another one is refused rather than misread.
const planFormat = "hybridlink-plan/v1"

// savedPlan is what plan --out writes and apply FILE applies: the deployment as planned
// (its spec file's secrets included, hence a file only its owner reads), the plan, and
// the deployment as it stood then: whether it existed, and its etag.
type savedPlan struct {
	Format     string          `json:"format"`
	Deployment json.RawMessage `json:"deployment"`
	Plan       json.RawMessage `json:"plan"`
	Exists     bool            `json:"exists"`
	Etag       string          `json:"etag,omitempty"`
}

// standing is whether the deployment name exists (a deleted one does not: applying its name
// creates it anew), and as what.
func standing(ctx context.Context, cl *client, name string) (*orchestratorv1.Deployment, bool, error) {
	d, err := cl.deployment(ctx, name)
	switch {
	case status.Code(err) == codes.NotFound:
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return d, d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED, nil
}

// writePlan saves the plan p of d to path, with the deployment as it stands now.
func writePlan(ctx context.Context, cl *client, path string, d *orchestratorv1.Deployment, p *orchestratorv1.Plan) error {
	current, exists, err := standing(ctx, cl, d.GetName())
	if err != nil {
		return err
	}
	s := savedPlan{Format: planFormat, Deployment: js(d), Plan: js(p), Exists: exists}
	if exists {
		s.Etag = current.GetEtag()
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return os.Chmod(path, 0o600) // an existing file keeps its mode otherwise: the plan holds secrets
}

// readPlan reads a plan saved by plan --out.
func readPlan(path string) (*orchestratorv1.Deployment, *orchestratorv1.Plan, savedPlan, error) {
	var s savedPlan
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, s, usageError{err}
	}
	d, p := &orchestratorv1.Deployment{}, &orchestratorv1.Plan{}
	if err := json.Unmarshal(b, &s); err != nil || s.Format != planFormat {
		return nil, nil, s, usageError{fmt.Errorf("%s is not a plan saved by `plan --out` (%s)", path, planFormat)}
	}
	if err := protojson.Unmarshal(s.Deployment, d); err != nil {
		return nil, nil, s, usageError{fmt.Errorf("%s: deployment: %w", path, err)}
	}
	if err := protojson.Unmarshal(s.Plan, p); err != nil {
		return nil, nil, s, usageError{fmt.Errorf("%s: plan: %w", path, err)}
	}
	return d, p, s, nil
}

// errStale says a saved plan no longer holds.
var errStale = errors.New("the saved plan is stale")

// stale checks that the saved plan still holds: the deployment exists as it did then,
// with the same etag (its spec unchanged), and planning it again gives the same changes
// (the clouds unchanged). It returns whether the deployment exists, or why the plan is stale.
func stale(ctx context.Context, cl *client, file string, d *orchestratorv1.Deployment, saved *orchestratorv1.Plan, s savedPlan) (bool, error) {
	again := func(why string, a ...any) error {
		return failed(fmt.Errorf("%w: %s %s; nothing was changed: plan again (plan -f SPEC --out %s) and apply that", errStale, d.GetName(), fmt.Sprintf(why, a...), file))
	}
	current, exists, err := standing(ctx, cl, d.GetName())
	switch {
	case err != nil:
		return false, err
	case exists && !s.Exists:
		return false, again("was created since the plan")
	case !exists && s.Exists:
		return false, again("was deleted since the plan")
	case exists && current.GetEtag() != s.Etag:
		return false, again("has another spec since the plan (etag %s, planned on %s)", current.GetEtag(), s.Etag)
	}
	now, err := cl.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: d})
	if err != nil {
		return false, err
	}
	if len(now.GetFindings()) > 0 || !slices.Equal(changeKeys(saved), changeKeys(now)) {
		return false, again("would change differently now: the clouds changed since the plan")
	}
	return exists, nil
}

// changeKeys are a plan's changes as "ACTION resource", sorted.
func changeKeys(p *orchestratorv1.Plan) []string {
	out := make([]string, 0, len(p.GetChanges()))
	for _, c := range p.GetChanges() {
		out = append(out, c.GetAction().String()+" "+c.GetResource())
	}
	slices.Sort(out)
	return out
}
