// dom.js builds elements from data: text always goes in as text, never as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h makes an HTML element.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s makes an SVG element.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// short strips an enum's prefix: STATE_READY is READY, STATUS_CONNECTED is CONNECTED.
export function short(v) {
  return String(v || 'UNSPECIFIED').replace(/^(STATE|STATUS)_/, '');
}

// badge is a deployment state's coloured label.
export function badge(state) {
  const st = short(state);
  return h('span', {class: 'state ' + st, 'data-state': st}, st);
}

// when is a timestamp in the reader's locale, or a dash.
export function when(ts) {
  return ts ? new Date(ts).toLocaleString() : '—';
}
