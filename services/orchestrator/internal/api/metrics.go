package api

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
)

// MetricFamilies are the deployment gauges RegisterMetrics exports, as the Prometheus
// exporter names them on /metrics (README: Metrics; TestDrift checks them).
var MetricFamilies = []string{
	"hybridlink_deployment_state", "hybridlink_deployment_drift_findings", "hybridlink_tunnel_connected",
	"hybridlink_tunnel_ingress_bytes", "hybridlink_tunnel_egress_bytes", "hybridlink_probe_reached",
}

// RegisterMetrics exports, from this replica's cache of deployments at rest (all of them,
// once its first follow of visibility has run), gauges per deployment and tunnel end:
// hybridlink.deployment.state (1, by state), hybridlink.deployment.drift.findings,
// hybridlink.tunnel.connected (1 when Connected, 0 otherwise) and
// hybridlink.tunnel.ingress / .egress (bytes, as the last apply or check read them); and per
// probe of the last data-plane probe, hybridlink.probe.reached (1 when it reached).
// Deployments at work are left out until they settle.
func (s *Server) RegisterMetrics(m metric.Meter) error {
	state, err := m.Int64ObservableGauge("hybridlink.deployment.state", metric.WithDescription("1 for a deployment at rest, by its state"))
	if err != nil {
		return err
	}
	drift, err := m.Int64ObservableGauge("hybridlink.deployment.drift.findings", metric.WithDescription("what the deployment's last drift check found out of sync"))
	if err != nil {
		return err
	}
	up, err := m.Int64ObservableGauge("hybridlink.tunnel.connected", metric.WithDescription("1 when the tunnel end's connection is Connected"))
	if err != nil {
		return err
	}
	in, err := m.Int64ObservableGauge("hybridlink.tunnel.ingress", metric.WithUnit("By"), metric.WithDescription("bytes received through the tunnel end"))
	if err != nil {
		return err
	}
	out, err := m.Int64ObservableGauge("hybridlink.tunnel.egress", metric.WithUnit("By"), metric.WithDescription("bytes sent through the tunnel end"))
	if err != nil {
		return err
	}
	reached, err := m.Int64ObservableGauge("hybridlink.probe.reached", metric.WithDescription("1 when the last probe from a VM reached another through the tunnels"))
	if err != nil {
		return err
	}
	_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s.cache.mu.RLock()
		defer s.cache.mu.RUnlock()
		for name, d := range s.cache.byName {
			id := attribute.String("deployment", strings.TrimPrefix(name, "deployments/"))
			o.ObserveInt64(state, 1, metric.WithAttributes(id, attribute.String("state", strings.TrimPrefix(d.GetStatus().GetState().String(), "STATE_"))))
			o.ObserveInt64(drift, int64(len(d.GetStatus().GetDrift().GetFindings())), metric.WithAttributes(id))
			for _, so := range d.GetStatus().GetOutputs().GetSites() {
				for _, c := range so.GetConnections() {
					at := metric.WithAttributes(id, attribute.String("site", so.GetSite()), attribute.String("peer", c.GetPeer()))
					connected := int64(0)
					if c.GetStatus() == gatewayv1.Connection_STATUS_CONNECTED {
						connected = 1
					}
					o.ObserveInt64(up, connected, at)
					o.ObserveInt64(in, c.GetIngressBytes(), at)
					o.ObserveInt64(out, c.GetEgressBytes(), at)
				}
			}
			for _, p := range d.GetStatus().GetOutputs().GetProbes() {
				v := int64(0)
				if p.GetIcmp() && p.GetTcp() {
					v = 1
				}
				o.ObserveInt64(reached, v, metric.WithAttributes(id, attribute.String("source", p.GetSourceSite()+"/"+p.GetSourceVm()),
					attribute.String("target", p.GetTargetSite()+"/"+p.GetTargetVm())))
			}
		}
		return nil
	}, state, drift, up, in, out, reached)
	return err
}
