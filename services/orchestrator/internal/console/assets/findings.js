// findings.js lists what went wrong or drifted: the steps' last errors, the last drift
// check's findings, and the last rotation of the shared key.
import {h, short, when} from './dom.js';

function table(id, head, rows) {
  return h('table', {id}, h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

// stepErrors are the steps that failed, or failed an attempt and retry.
function stepErrors(steps) {
  const failed = steps.filter((x) => x.lastError);
  if (!failed.length) return h('p', {class: 'muted', id: 'step-errors'}, 'No step has failed an attempt.');
  return table('step-errors', ['Step', 'State', 'Attempts', 'Error'], failed.map((x) => [
    h('code', {}, x.name), short(x.state), String(x.attempts || 1),
    [x.lastError.code, x.lastError.armCode && ` (ARM ${x.lastError.armCode})`, ': ', x.lastError.message]]));
}

function drift(report) {
  if (!report) return h('p', {class: 'muted', id: 'drift'}, 'No drift check since the last apply.');
  const found = report.findings || [];
  if (!found.length) return h('p', {id: 'drift'}, `In sync at the check of ${when(report.checkTime)}.`);
  return [h('p', {}, `${found.length} finding(s) at the check of ${when(report.checkTime)}; a re-apply repairs them.`),
    table('drift', ['Resource', 'Step', 'What differs'], found.map((f) => [h('code', {}, f.resource), h('code', {}, f.step), f.description]))];
}

// findings returns the section's nodes for deployment d.
export function findings(d) {
  const st = d.status || {};
  return [h('h3', {}, 'Step errors'), stepErrors(st.steps || []),
    h('h3', {}, 'Drift'), drift(st.drift),
    st.keyRotation && [h('h3', {}, 'Shared key'),
      h('p', {id: 'key-rotation'}, `Rotated ${when(st.keyRotation.time)}; the tunnels were down ${st.keyRotation.outage || '0s'}.`)]];
}
