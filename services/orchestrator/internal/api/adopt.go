package api

import (
	"context"
	"fmt"
	"path"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// adopt reads what the sites of a completed input adopt (their virtual networks and
// gateways, and the connections already on an adopted gateway with their local network
// gateways' prefixes) and returns the input with them filled in, and every finding
// deployrules.Adopt has about them, or about a resource that is not there. It writes
// nothing: a few reads per adopting site (the network, the gateway, a list of its resource
// group's connections, and one read per branch). An input that adopts nothing is returned
// as it is, without a read.
func (s *Server) adopt(ctx context.Context, in workflow.Input) (workflow.Input, apierr.Violations, error) {
	var v apierr.Violations
	var adopted []deployrules.Adopted
	own := map[string]bool{}
	for _, r := range workflow.Plan(in) {
		if strings.HasPrefix(r.Kind, "connection") {
			own[strings.ToLower(r.Resource)] = true
		}
	}
	for i, site := range in.Spec.GetSites() {
		ex := site.GetExisting()
		if ex.GetVirtualNetwork() == "" {
			continue
		}
		field := fmt.Sprintf("deployment.spec.sites[%d].existing", i)
		group := "clouds/" + site.GetCloud() + "/resourceGroups/" + site.GetResourceGroup()
		vnet, err := s.network.GetVirtualNetwork(ctx, &networkv1.GetVirtualNetworkRequest{Name: group + "/virtualNetworks/" + ex.GetVirtualNetwork()})
		if status.Code(err) == codes.NotFound {
			v.Add(field+".virtual_network", "there is no virtual network %s in resource group %s on cloud %s; name one that exists, or leave existing empty to create the network",
				ex.GetVirtualNetwork(), site.GetResourceGroup(), site.GetCloud())
			continue
		} else if err != nil {
			return in, nil, reading(err, group+"/virtualNetworks/"+ex.GetVirtualNetwork())
		}
		a := deployrules.Adopted{Site: i, AddressPrefixes: vnet.GetAddressPrefixes(), Subnets: map[string]string{}}
		for _, sn := range vnet.GetSubnets() {
			a.Subnets[path.Base(sn.GetName())] = sn.GetAddressPrefix()
		}
		if ex.GetVpnGateway() != "" {
			gw, found, err := s.adoptedGateway(ctx, group, ex.GetVpnGateway(), own)
			if err != nil {
				return in, nil, err
			}
			if !found {
				v.Add(field+".vpn_gateway", "there is no virtual network gateway %s in resource group %s on cloud %s; name one that exists, or leave it empty to create the gateway",
					ex.GetVpnGateway(), site.GetResourceGroup(), site.GetCloud())
				continue
			}
			a.Gateway = gw
		}
		adopted = append(adopted, a)
	}
	if len(v) > 0 || len(adopted) == 0 {
		return in, v, nil
	}
	spec, v := deployrules.Adopt(in.Spec, adopted, s.clouds)
	in.Spec, in.Policies = spec, deployrules.Policies(spec, s.clouds)
	return in, v, nil
}

// adoptedGateway reads an adopted gateway in group and the branches on it: the connections
// of its resource group on it, other than own (this deployment's, lower-cased), each with
// its local network gateway's prefixes. found is false when the gateway is not there.
func (s *Server) adoptedGateway(ctx context.Context, group, id string, own map[string]bool) (*deployrules.AdoptedGateway, bool, error) {
	name := group + "/virtualNetworkGateways/" + id
	gw, err := s.gateway.GetVirtualNetworkGateway(ctx, &gatewayv1.GetVirtualNetworkGatewayRequest{Name: name})
	if status.Code(err) == codes.NotFound {
		return nil, false, nil
	} else if err != nil {
		return nil, false, reading(err, name)
	}
	// the GatewaySubnet's name is .../virtualNetworks/{vnet}/subnets/GatewaySubnet
	out := &deployrules.AdoptedGateway{SKU: gw.GetSku(), BGP: gw.GetEnableBgp(),
		RouteBased:     gw.GetVpnType() != gatewayv1.VirtualNetworkGateway_VPN_TYPE_POLICY_BASED,
		VirtualNetwork: path.Base(path.Dir(path.Dir(gw.GetSubnet())))}
	for token := ""; ; {
		page, err := s.gateway.ListConnections(ctx, &gatewayv1.ListConnectionsRequest{Parent: group, PageSize: paging.MaxSize, PageToken: token})
		if err != nil {
			return nil, false, reading(err, group+"/connections")
		}
		for _, c := range page.GetConnections() {
			if !strings.EqualFold(c.GetVirtualNetworkGateway(), name) || own[strings.ToLower(c.GetName())] {
				continue
			}
			b := deployrules.Branch{Connection: c.GetName(), LocalNetworkGateway: c.GetLocalNetworkGateway()}
			if lgw, err := s.gateway.GetLocalNetworkGateway(ctx, &gatewayv1.GetLocalNetworkGatewayRequest{Name: c.GetLocalNetworkGateway()}); err == nil {
				b.AddressPrefixes = lgw.GetAddressPrefixes()
			} else if status.Code(err) != codes.NotFound {
				return nil, false, reading(err, c.GetLocalNetworkGateway())
			}
			out.Branches = append(out.Branches, b)
		}
		if token = page.GetNextPageToken(); token == "" {
			return out, true, nil
		}
	}
}

// reading says which read of an adopted resource failed, keeping the error's code and
// details.
func reading(err error, resource string) error {
	st := status.Convert(err).Proto()
	st.Message = "reading " + resource + ": " + st.GetMessage()
	return status.FromProto(st).Err()
}
