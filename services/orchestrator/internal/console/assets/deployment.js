// deployment.js is one deployment's page: its facts and topology, kept current while it
// applies from the API's watch stream.
import {call, json, watch} from './api.js';
import {badge, h, when} from './dom.js';
import {findings} from './findings.js';
import {topology} from './topology.js';

// AT_REST are the states a deployment's watch stream ends in.
const AT_REST = ['STATE_READY', 'STATE_FAILED', 'STATE_DELETED'];
// REFRESH is the least time between two reads of the whole deployment while it changes,
// and how often one at rest is read again.
const REFRESH = 1000, REST_POLL = 5000;

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

// mergeEvent applies a watch event to the deployment as last read: its state, and the step
// that changed.
function mergeEvent(d, ev) {
  d.status = d.status || {};
  if (ev.state) d.status.state = ev.state;
  if (!ev.step) return;
  const steps = d.status.steps = d.status.steps || [];
  const i = steps.findIndex((x) => x.name === ev.step.name);
  if (i >= 0) steps[i] = ev.step;
  else steps.push(ev.step);
}

// sleep waits ms, or until signal aborts.
function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, {once: true});
  });
}

// timeline fetches the deployment's Gantt chart, drawn by the server as the CLI's
// timeline --svg draws it, as an SVG element.
async function timeline(id, signal) {
  const text = await (await call('deployments/' + encodeURIComponent(id) + '/timeline.svg', signal)).text();
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  if (doc.querySelector('parsererror')) throw new Error('the timeline is not SVG');
  const svg = document.importNode(doc.documentElement, true);
  svg.id = 'timeline';
  return svg;
}

// deploymentPage shows deployment id until signal aborts: watching it while it changes,
// reading it again now and then while it is at rest (someone may apply it again).
export async function deploymentPage(id, {show, settings}, signal) {
  const path = '/v1/deployments/' + encodeURIComponent(id);
  const title = h('h1', {}), live = h('span', {class: 'live', id: 'live', hidden: true}, '● live');
  const sections = {facts: h('div', {}), topology: h('div', {class: 'figure'}), notes: h('div', {}),
    timeline: h('div', {class: 'figure'}), findings: h('div', {id: 'findings'})};
  show(h('p', {}, h('a', {href: '#/'}, '← Deployments')), title, sections.facts,
    h('h2', {}, 'Topology'), sections.topology, sections.notes,
    h('h2', {}, 'Timeline'), sections.timeline,
    h('h2', {}, 'Findings'), sections.findings);
  // render draws d; with withTimeline, it fetches the timeline again too.
  const render = async (d, withTimeline) => {
    title.replaceChildren(id, badge(d.status?.state), live);
    sections.facts.replaceChildren(facts(d, settings));
    sections.topology.replaceChildren(topology(d));
    const note = d.status?.outputs?.probeNote;
    sections.notes.replaceChildren(...(note ? [h('p', {class: 'muted', id: 'probe-note'}, 'Probe: ', note)] : []));
    sections.findings.replaceChildren(...findings(d).flat(Infinity).filter(Boolean));
    if (withTimeline) sections.timeline.replaceChildren(await timeline(id, signal));
  };
  let d = await json(path, signal);
  await render(d, true);
  while (!signal.aborted) {
    if (AT_REST.includes(d.status?.state)) {
      await sleep(REST_POLL, signal);
    } else {
      live.hidden = false;
      // Events redraw at once; the whole deployment (outputs as they come) is read again
      // at most every REFRESH.
      let last = 0, timer = null;
      const reread = async () => {
        timer = null;
        last = Date.now();
        d = await json(path, signal);
        await render(d, true);
      };
      await watch(id, signal, (ev) => {
        mergeEvent(d, ev);
        render(d);
        // A failed read is left to the next event, or to the read once the stream ends.
        if (!timer) timer = setTimeout(() => reread().catch(() => {}), Math.max(0, last + REFRESH - Date.now()));
      });
      clearTimeout(timer);
      live.hidden = true;
    }
    if (signal.aborted) return;
    d = await json(path, signal);
    await render(d, true);
  }
}
