// deployment.js is one deployment's page: its facts, and what the other modules draw.
import {json} from './api.js';
import {badge, h, when} from './dom.js';
import {topology} from './topology.js';

// facts lists what the deployment is, with its trace linked when a template is set.
function facts(d, settings) {
  const st = d.status || {};
  const trace = st.traceId;
  let traceNode = '—';
  if (trace) {
    traceNode = settings.traceUrl
      ? h('a', {href: settings.traceUrl.replaceAll('{trace_id}', encodeURIComponent(trace)), target: '_blank', rel: 'noopener noreferrer', id: 'trace'}, trace)
      : h('code', {id: 'trace'}, trace);
  }
  return h('dl', {class: 'facts card'},
    h('dt', {}, 'Hub'), h('dd', {}, d.spec?.hub || d.spec?.sites?.[0]?.name || '—'),
    h('dt', {}, 'Created'), h('dd', {}, when(d.createTime)),
    h('dt', {}, 'Updated'), h('dd', {}, when(d.updateTime)),
    h('dt', {}, 'Trace'), h('dd', {}, traceNode),
    st.error && [h('dt', {}, 'Error'), h('dd', {class: 'error', id: 'deployment-error'}, st.error)]);
}

// deploymentPage shows deployment id until signal aborts.
export async function deploymentPage(id, {show, settings}, signal) {
  const d = await json('/v1/deployments/' + encodeURIComponent(id), signal);
  show(h('p', {}, h('a', {href: '#/'}, '← Deployments')),
    h('h1', {}, id, badge(d.status?.state)),
    facts(d, settings),
    h('h2', {}, 'Topology'), h('div', {class: 'figure'}, topology(d)),
    d.status?.outputs?.probeNote && h('p', {class: 'muted', id: 'probe-note'}, 'Probe: ', d.status.outputs.probeNote));
}
