package kind

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
)

// model stands for ARM's model; the API message is an Operation, which has a name.
type model struct{ name string }

// children is a Client of a child type, whose resources are a parent's.
type children struct {
	items map[string][]*model
	got   []string
}

func (c *children) Get(_ context.Context, in string, name string) (*model, error) {
	c.got = append(c.got, in+"/"+name)
	for _, m := range c.items[in] {
		if m.name == name {
			return m, nil
		}
	}
	return nil, status.Error(codes.NotFound, "no "+name)
}

func (c *children) List(_ context.Context, in string) ([]*model, error) { return c.items[in], nil }

func (c *children) CreateOrUpdate(context.Context, string, string, model, string) (lro.Op[*model], error) {
	return nil, nil
}

func (c *children) Delete(context.Context, string, string, string) (lro.Op[struct{}], error) {
	return nil, nil
}

// testKind is the kind of cl's resources, below a virtual network.
func testKind(cl *children) Kind[string, *model, *longrunningpb.Operation] {
	return Of(cl, func(p names.Name) string { return p.ResourceGroup + "/" + p.ID() }, Plain("c", func(cloud string, m *model) *longrunningpb.Operation {
		return &longrunningpb.Operation{Name: cloud + ":" + m.name}
	}))
}

func TestGetReadsInTheParent(t *testing.T) {
	cl := &children{items: map[string][]*model{"rg/vn": {{"a"}}}}
	k := testKind(cl)
	n := names.Name{Cloud: "c", ResourceGroup: "rg", Path: []names.Segment{{Collection: "virtualNetworks", ID: "vn"}, {Collection: "subnets", ID: "a"}}}
	got, err := Get(context.Background(), k, n)
	if err != nil || got.GetName() != "c:a" || len(cl.got) != 1 || cl.got[0] != "rg/vn/a" {
		t.Fatalf("Get = %v, %v after reads %v; want c:a from one read of rg/vn/a", got, err, cl.got)
	}
	n.Path[1].ID = "b"
	if _, err := Get(context.Background(), k, n); status.Code(err) != codes.NotFound {
		t.Fatalf("Get of a missing resource = %v; want NotFound", err)
	}
}

func TestListSortsAndPages(t *testing.T) {
	cl := &children{items: map[string][]*model{"rg/vn": {{"b"}, {"c"}, {"a"}}}}
	parent := names.Name{Cloud: "c", ResourceGroup: "rg", Path: []names.Segment{{Collection: "virtualNetworks", ID: "vn"}}}
	page, next, err := List(context.Background(), testKind(cl), parent, 2, "")
	if err != nil || len(page) != 2 || page[0].GetName() != "c:a" || page[1].GetName() != "c:b" || next == "" {
		t.Fatalf("List = %v, %q, %v; want c:a, c:b and a next page", page, next, err)
	}
	if _, _, err := List(context.Background(), testKind(cl), parent, 2, "not a token"); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("List with a bad page token = %v; want InvalidArgument", err)
	}
}

// TestCheckResource: a Create's id must be an id and its resource is required; each is
// named by its field, and only a present resource is checked further.
func TestCheckResource(t *testing.T) {
	for _, tc := range []struct {
		name     string
		id       string
		resource *longrunningpb.Operation
		further  bool
		fields   []string
	}{
		{"valid", "op1", &longrunningpb.Operation{}, true, nil},
		{"bad id", "Op 1/", &longrunningpb.Operation{}, true, []string{"operation_id"}},
		{"no resource", "op1", nil, false, []string{"operation"}},
		{"neither", "", nil, false, []string{"operation_id", "operation"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v apierr.Violations
			further := CheckResource(&v, "operation", tc.id, tc.resource)
			var fields []string
			for _, f := range v {
				fields = append(fields, f.Field)
			}
			if further != tc.further || !slices.Equal(fields, tc.fields) {
				t.Fatalf("CheckResource = %v with violations %v; want %v with %v", further, fields, tc.further, tc.fields)
			}
		})
	}
}

// doneOp is an operation that has finished with a model.
type doneOp struct{ m *model }

func (o doneOp) Done() bool                                        { return true }
func (o doneOp) Poll(context.Context) (bool, time.Duration, error) { return true, 0, nil }
func (o doneOp) Result(context.Context) (*model, error)            { return o.m, nil }
func (o doneOp) ResumeToken() (string, error)                      { return "", nil }

// TestResumed: a resumed operation is polled to its API message; one that could not be
// resumed is ARM's error about the resource.
func TestResumed(t *testing.T) {
	toAPI := func(m *model) (proto.Message, error) { return &longrunningpb.Operation{Name: m.name}, nil }
	for _, tc := range []struct {
		name string
		op   lro.Op[*model]
		err  error
		want string
		code codes.Code
	}{
		{"done", doneOp{&model{"a"}}, nil, "a", codes.OK},
		{"not resumed", nil, errors.New("connection refused"), "", codes.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Resumed(context.Background(), tc.op, tc.err, "clouds/c/resourceGroups/rg", toAPI)
			got, _ := st.Response.(*longrunningpb.Operation)
			if status.Code(err) != tc.code || got.GetName() != tc.want || (err != nil && !strings.Contains(err.Error(), "clouds/c/resourceGroups/rg")) {
				t.Fatalf("Resumed = %v, %v; want %q, %v about the resource", st, err, tc.want, tc.code)
			}
		})
	}
}
