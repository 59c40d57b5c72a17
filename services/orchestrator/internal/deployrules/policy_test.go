package deployrules

import (
	"testing"

	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
)

func TestPolicies(t *testing.T) {
	stack := stackHubPolicy()
	for _, tc := range []struct {
		name   string
		clouds [2]string
		given  *gatewayv1.IpsecPolicy
		want   [2]*gatewayv1.IpsecPolicy
	}{
		{"Azure and Azure Stack Hub", [2]string{"azure", "azure-stack-hub"}, nil, [2]*gatewayv1.IpsecPolicy{stack, nil}},
		{"Azure Stack Hub and Azure", [2]string{"azure-stack-hub", "azure"}, nil, [2]*gatewayv1.IpsecPolicy{nil, stack}},
		{"Azure and Azure", [2]string{"azure", "azure"}, nil, [2]*gatewayv1.IpsecPolicy{nil, nil}},
		{"Azure Stack Hub and Azure Stack Hub", [2]string{"azure-stack-hub", "azure-stack-hub"}, nil, [2]*gatewayv1.IpsecPolicy{nil, nil}},
		{"unknown cloud", [2]string{"azure", "stamp2"}, nil, [2]*gatewayv1.IpsecPolicy{nil, nil}},
		{"given policy", [2]string{"azure", "azure-stack-hub"}, policy(), [2]*gatewayv1.IpsecPolicy{policy(), policy()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := valid().Spec
			s.Sites[0].Cloud, s.Sites[1].Cloud = tc.clouds[0], tc.clouds[1]
			s.Connection.IpsecPolicy = tc.given
			got := Policies(s, clouds)
			if len(got) != 2 {
				t.Fatalf("got %d policies; want one per site", len(got))
			}
			for i := range got {
				if !proto.Equal(got[i], tc.want[i]) {
					t.Errorf("site %d: got %v; want %v", i, got[i], tc.want[i])
				}
			}
			if tc.given != nil && (got[0] == tc.given || got[0] == got[1]) {
				t.Error("the given policy is shared, not copied")
			}
		})
	}
}

func TestStackHubPolicyValid(t *testing.T) {
	var v apierr.Violations
	checkPolicy(&v, "p", stackHubPolicy(), []cloud.Kind{cloud.Azure, cloud.AzureStackHub})
	if len(v) != 0 {
		t.Fatalf("Microsoft's policy is refused: %v", v)
	}
}
