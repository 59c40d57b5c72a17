package kind

import (
	"context"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
