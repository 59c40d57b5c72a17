// console.js is the console's router: the token form, the deployments list (#/) and a
// deployment's page (#/deployments/{id}).
import {AuthError, deployments, token} from './api.js';
import {badge, h, when} from './dom.js';
import {deploymentPage} from './deployment.js';

const main = document.getElementById('main');
let settings = {traceUrl: ''};
// stop ends what the current page runs (its timers and streams) when another is shown.
let stop = () => {};

// show replaces the page's content.
function show(...nodes) {
  main.replaceChildren(...nodes.flat().filter(Boolean));
}

// fail shows an error: a refusal of the token asks for another.
function fail(err) {
  if (err.name === 'AbortError') return;
  if (err instanceof AuthError) {
    tokenForm(err.message);
    return;
  }
  show(h('p', {class: 'error', id: 'error'}, String(err.message || err)));
}

function tokenForm(message) {
  stop();
  document.getElementById('signout').hidden = !token.get();
  const area = h('textarea', {id: 'token', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'eyJhbGciOi…'});
  show(h('form', {class: 'token card', onsubmit: (e) => { e.preventDefault(); token.set(area.value); route(); }},
    h('h1', {}, 'Sign in with a bearer token'),
    message && h('p', {class: 'error', id: 'error'}, message),
    h('p', {}, 'The console calls the orchestrator\'s REST API with your token, so it shows what your role may read. ',
      'With the dev stack, paste the contents of the token file ', h('code', {}, 'hybridlink dev'), ' prints (',
      h('code', {}, '.state/dev/auth/admin.token'), ', or viewer.token beside it); elsewhere, an access token from one of the access file\'s issuers.'),
    h('p', {class: 'muted'}, 'The token stays in this tab\'s session storage and goes only in the Authorization header of calls to this origin.'),
    area, h('p', {}, h('button', {type: 'submit', id: 'signin'}, 'Use this token'))));
  area.focus();
}

function sitesOf(d) {
  const hub = d.spec?.hub || d.spec?.sites?.[0]?.name;
  return (d.spec?.sites || []).map((s) => `${s.name}${s.name === hub ? ' (hub)' : ''} @ ${s.cloud}`).join(', ');
}

function progress(d) {
  const steps = d.status?.steps || [];
  const done = steps.filter((s) => ['STATE_SUCCEEDED', 'STATE_FAILED', 'STATE_SKIPPED'].includes(s.state)).length;
  return steps.length ? `${done}/${steps.length}` : '—';
}

function listTable(list) {
  if (!list.length) return h('p', {class: 'muted', id: 'empty'}, 'No deployments yet. Apply one with hybridlink apply -f examples/hybrid-connectivity.yaml.');
  return h('table', {id: 'deployments'},
    h('thead', {}, h('tr', {}, ['Deployment', 'State', 'Sites', 'Steps done', 'Drift', 'Updated'].map((c) => h('th', {}, c)))),
    h('tbody', {}, list.map((d) => {
      const id = d.name.replace(/^deployments\//, '');
      const drift = d.status?.drift;
      return h('tr', {'data-name': d.name},
        h('td', {}, h('a', {href: '#/deployments/' + encodeURIComponent(id)}, id)),
        h('td', {}, badge(d.status?.state)),
        h('td', {}, sitesOf(d)),
        h('td', {}, progress(d)),
        h('td', {}, drift ? (drift.findings?.length ? `${drift.findings.length} finding(s)` : 'in sync') : '—'),
        h('td', {}, when(d.updateTime)));
    })));
}

async function listPage(signal) {
  const refresh = async () => {
    const list = await deployments(signal);
    list.sort((a, b) => a.name.localeCompare(b.name));
    show(h('h1', {}, 'Deployments'), listTable(list),
      h('p', {class: 'muted'}, 'Refreshed every 5 seconds. States: ', ['PENDING', 'VALIDATING', 'APPLYING', 'VERIFYING', 'READY', 'FAILED', 'DELETING'].map((s) => [badge(s), ' '])));
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(fail), 5000);
  signal.addEventListener('abort', () => clearInterval(timer));
}

// route shows the page the location's hash names.
function route() {
  stop();
  if (!token.get()) {
    tokenForm();
    return;
  }
  document.getElementById('signout').hidden = false;
  const ctl = new AbortController();
  stop = () => ctl.abort();
  const m = location.hash.match(/^#\/deployments\/([^/]+)$/);
  const page = m ? deploymentPage(decodeURIComponent(m[1]), {show, fail, settings}, ctl.signal) : listPage(ctl.signal);
  page.catch(fail);
}

document.getElementById('signout').addEventListener('click', () => { token.clear(); tokenForm(); });
window.addEventListener('hashchange', route);
fetch('settings.json').then((r) => r.json()).then((s) => { settings = s; }).catch(() => {}).finally(route);
