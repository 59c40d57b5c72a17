// topology.js draws a deployment as an SVG figure: its clouds, each holding its sites; a
// site's gateway with its public IP and its VMs with their private IPs and probe results;
// a tunnel from the hub's gateway to each spoke's, coloured by its connection's status.
import {s, short} from './dom.js';

const SITE_W = 340, GAP = 16, PAD = 12, COLUMN_GAP = 220, HEAD = 52, GW_H = 40, VM_H = 22, PROBE_H = 16;

// STATUS_COLORS colour a tunnel by its connection's status; grey while there is none.
export const STATUS_COLORS = {CONNECTED: '#2ca02c', CONNECTING: '#e6a100', NOT_CONNECTED: '#d62728', UNSPECIFIED: '#9aa4ad'};

const STEP_MARKS = {STATE_RUNNING: '◌ running', STATE_SUCCEEDED: '', STATE_FAILED: '✕ failed', STATE_SKIPPED: 'skipped', STATE_PENDING: 'pending'};

// stepMark is what a site part shows of the step that makes it.
function stepMark(steps, name) {
  const st = steps.find((x) => x.name === name);
  return st ? STEP_MARKS[st.state] ?? '' : 'pending';
}

// tunnels are the hub's connections to its spokes, each with its status as the hub's end
// (or the spoke's, before the hub reports one) sees it.
export function tunnels(d) {
  const sites = d.spec?.sites || [];
  const hub = d.spec?.hub || sites[0]?.name;
  const outs = Object.fromEntries((d.status?.outputs?.sites || []).map((o) => [o.site, o]));
  return sites.filter((x) => x.name !== hub).map((spoke) => {
    const fromHub = (outs[hub]?.connections || []).find((c) => c.peer === spoke.name);
    const status = short(fromHub?.status || outs[spoke.name]?.connectionStatus);
    return {hub, spoke: spoke.name, status, ingress: fromHub?.ingressBytes, egress: fromHub?.egressBytes};
  });
}

function siteHeight(site, probes) {
  const vms = site.virtualMachines || [];
  const lines = vms.reduce((n, vm) => n + probes.filter((p) => p.sourceSite === site.name && p.sourceVm === vm.name).length, 0);
  return HEAD + GW_H + 10 + vms.length * VM_H + lines * PROBE_H + PAD;
}

// drawSite draws one site at x, y with its gateway on the side facing the tunnels, and
// returns where the gateway's tunnels start.
function drawSite(g, d, site, x, y, gwRight, probes) {
  const hub = d.spec?.hub || d.spec?.sites?.[0]?.name;
  const out = (d.status?.outputs?.sites || []).find((o) => o.site === site.name) || {};
  const steps = d.status?.steps || [];
  const height = siteHeight(site, probes);
  const group = s('g', {class: 'site', 'data-site': site.name});
  group.append(s('rect', {x, y, width: SITE_W, height, rx: 6, fill: '#fff', stroke: '#8c959f'}),
    s('text', {x: x + PAD, y: y + 20, 'font-weight': 'bold', 'font-size': 14}, site.name, site.name === hub ? '  (hub)' : '  (spoke)'),
    s('text', {x: x + PAD, y: y + 38, fill: '#5f6b76', 'font-size': 12},
      `${site.resourceGroup || ''}${site.location ? ' · ' + site.location : ''} · ${(site.addressPrefixes || []).join(', ')}`));
  const gwW = 180, gwX = gwRight ? x + SITE_W - gwW - PAD : x + PAD, gwY = y + HEAD;
  const ip = out.gatewayIpAddress || '';
  const mark = stepMark(steps, site.name + '/vpn-gateway');
  group.append(s('g', {class: 'gateway', 'data-gateway-ip': ip},
    s('rect', {x: gwX, y: gwY, width: gwW, height: GW_H - 6, rx: 4, fill: '#eef4fb', stroke: '#4e79a7'}),
    s('text', {x: gwX + 8, y: gwY + 14, 'font-size': 12, 'font-weight': 'bold'}, 'VPN gateway', mark ? '  ' + mark : ''),
    s('text', {x: gwX + 8, y: gwY + 28, 'font-size': 12, class: 'mono'}, ip ? 'public IP ' + ip : 'no public IP yet')));
  let vy = gwY + GW_H + 10;
  for (const vm of site.virtualMachines || []) {
    const vmIP = out.vmPrivateIps?.[vm.name] || '';
    const vmMark = stepMark(steps, `${site.name}/virtual-machine/${vm.name}`);
    group.append(s('g', {class: 'vm', 'data-vm': vm.name},
      s('rect', {x: x + PAD, y: vy - 12, width: 10, height: 10, fill: '#59a14f'}),
      s('text', {x: x + PAD + 16, y: vy - 3, 'font-size': 12}, vm.name, vmIP ? '  ' + vmIP : '', vmMark ? '  ' + vmMark : '')));
    vy += VM_H;
    for (const p of probes.filter((q) => q.sourceSite === site.name && q.sourceVm === vm.name)) {
      const ok = p.icmp && p.tcp;
      const rtt = p.rttMs ? ` ${Number(p.rttMs).toFixed(1)} ms` : '';
      group.append(s('text', {class: 'probe', 'data-ok': String(ok), x: x + PAD + 16, y: vy - 6, 'font-size': 11, fill: ok ? '#2ca02c' : '#d62728'},
        `→ ${p.targetSite}/${p.targetVm} ${p.targetIp || ''}  ping ${p.icmp ? '✓' : '✕'}  ssh ${p.tcp ? '✓' : '✕'}${rtt}${p.lossPercent ? ` ${p.lossPercent}% lost` : ''}`));
      vy += PROBE_H;
    }
  }
  g.append(group);
  return {x: gwRight ? gwX + gwW : gwX, y: gwY + (GW_H - 6) / 2, height};
}

// topology returns the SVG figure of deployment d.
export function topology(d) {
  const sites = d.spec?.sites || [];
  const hub = d.spec?.hub || sites[0]?.name;
  const probes = d.status?.outputs?.probes || [];
  const hubCloud = sites.find((x) => x.name === hub)?.cloud;
  const clouds = [...new Set(sites.map((x) => x.cloud))];
  const columns = [[hubCloud], clouds.filter((c) => c !== hubCloud)];
  const svg = s('svg', {xmlns: 'http://www.w3.org/2000/svg', id: 'topology', 'font-family': 'system-ui, sans-serif', role: 'img', 'aria-label': 'topology'});
  const cloudsG = s('g', {}), tunnelsG = s('g', {});
  const ends = {};
  let width = 0, height = 0;
  columns.forEach((column, i) => {
    const x = 20 + i * (SITE_W + 2 * PAD + COLUMN_GAP);
    let y = 20;
    for (const cloud of column) {
      const top = y;
      const g = s('g', {class: 'cloud', 'data-cloud': cloud});
      cloudsG.append(g);
      y += 30;
      for (const site of sites.filter((x) => x.cloud === cloud)) {
        ends[site.name] = drawSite(g, d, site, x + PAD, y, i === 0, probes);
        y += ends[site.name].height + GAP;
      }
      g.prepend(s('rect', {x, y: top, width: SITE_W + 2 * PAD, height: y - top, rx: 10, fill: '#f0f3f6', stroke: '#c3cad1', 'stroke-dasharray': '6 3'}),
        s('text', {x: x + PAD, y: top + 20, 'font-size': 13, fill: '#3d4751', 'font-weight': 'bold'}, '☁ ' + cloud));
      y += GAP;
      width = Math.max(width, x + SITE_W + 2 * PAD + 20);
    }
    height = Math.max(height, y);
  });
  for (const t of tunnels(d)) {
    const a = ends[t.hub], b = ends[t.spoke];
    if (!a || !b) continue;
    const color = STATUS_COLORS[t.status] || STATUS_COLORS.UNSPECIFIED;
    // The label sits near the spoke's end, where the tunnels to several spokes are apart.
    const mx = (a.x + b.x) / 2, lx = b.x - 100, ly = b.y;
    tunnelsG.append(s('g', {class: 'tunnel', 'data-tunnel': `${t.hub}-${t.spoke}`, 'data-status': t.status},
      s('path', {d: `M${a.x},${a.y} C${mx},${a.y} ${mx},${b.y} ${b.x},${b.y}`, fill: 'none', stroke: color, 'stroke-width': 3,
        'stroke-dasharray': t.status === 'CONNECTED' ? null : '8 5'}),
      s('text', {x: lx, y: ly - 8, 'text-anchor': 'middle', 'font-size': 12, fill: color, 'font-weight': 'bold'}, t.status === 'UNSPECIFIED' ? 'no tunnel yet' : t.status),
      t.ingress !== undefined && s('text', {x: lx, y: ly + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#5f6b76'}, `in ${t.ingress} B · out ${t.egress} B`)));
  }
  svg.append(cloudsG, tunnelsG);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return svg;
}
