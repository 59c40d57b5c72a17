// api.js calls the orchestrator's REST API with the bearer token the user gave, kept in
// this tab's sessionStorage only: never in a URL, a cookie or localStorage.

const KEY = 'hybridlink.console.token';

// AuthError is a refusal the user acts on by giving another token.
export class AuthError extends Error {}

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t.trim().replace(/^Bearer\s+/i, '')),
  clear: () => sessionStorage.removeItem(KEY),
};

// call fetches path with the token, throwing the API's message on a refusal.
export async function call(path, signal) {
  const resp = await fetch(path, {headers: {Authorization: 'Bearer ' + token.get()}, signal, cache: 'no-store'});
  if (resp.ok) return resp;
  let msg = resp.statusText;
  try { msg = (await resp.json()).message || msg; } catch { /* not JSON */ }
  if (resp.status === 401) {
    token.clear();
    throw new AuthError('The API refused the token: ' + msg);
  }
  if (resp.status === 403) throw new AuthError('The API refused this token: ' + msg);
  throw new Error(`${path}: ${resp.status} ${msg}`);
}

// json fetches path and decodes its JSON.
export async function json(path, signal) {
  return (await call(path, signal)).json();
}

// deployments lists every deployment, page by page.
export async function deployments(signal) {
  const all = [];
  let page = '';
  do {
    const r = await json('/v1/deployments?page_size=100' + (page ? '&page_token=' + encodeURIComponent(page) : ''), signal);
    all.push(...(r.deployments || []));
    page = r.nextPageToken || '';
  } while (page);
  return all;
}

// watch reads a deployment's watch stream, which grpc-gateway sends as newline-delimited
// JSON ({"result": event} or {"error": status}), handing each event to onEvent until the
// stream ends: when the deployment is at rest.
export async function watch(id, signal, onEvent) {
  const resp = await call('/v1/deployments/' + encodeURIComponent(id) + ':watch', signal);
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buf += value;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line) continue;
      const msg = JSON.parse(line);
      if (msg.error) throw new Error('watching the deployment: ' + (msg.error.message || 'the stream failed'));
      onEvent(msg.result);
    }
  }
}
