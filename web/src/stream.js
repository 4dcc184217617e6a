// The live event stream of the tab: ONE EventSource on /api/v1/stream shared by every page and
// component that wants live events (the tip inbox, a tip's page, the alarm banner), opened when the
// first subscriber comes and closed when the last one leaves.
//
//   const off = subscribe(['tip.created', 'tip.updated'], (name, data, id) => ...);
//   const offOpen = onOpen(() => reloadList());   // (re)connected: catch up on what a gap may hid
//   off(); offOpen();
//
// The browser reconnects by itself with the Last-Event-ID header after a dropped connection (the server
// then replays what was missed). When the server refuses (401 after the session ended, 503 while it
// restarts) the EventSource closes for good; this module opens a new one after a pause, with
// ?last_event_id= carrying the last id seen, so nothing is missed. While a stream is open the page's
// <html> element carries data-stream="open" (the end-to-end tests wait for it).
const URL_PATH = '/api/v1/stream';
const RETRY_MS = 5000;

const handlers = new Map(); // event name -> Set of fn(name, data, id)
const openers = new Set();
let source = null;
let lastId = '';
let timer = null;
const attached = new Set(); // event names with a listener on the current source

function dispatch(name, ev) {
  if (ev.lastEventId) lastId = ev.lastEventId;
  let data = null;
  try { data = JSON.parse(ev.data); } catch (e) { data = null; }
  (handlers.get(name) || []).forEach((fn) => {
    try { fn(name, data, ev.lastEventId); } catch (e) { /* one subscriber's bug stays its own */ }
  });
}

function attach(name) {
  if (!source || attached.has(name)) return;
  attached.add(name);
  source.addEventListener(name, (ev) => dispatch(name, ev));
}

function mark(open) {
  if (typeof document === 'undefined') return;
  if (open) document.documentElement.dataset.stream = 'open';
  else delete document.documentElement.dataset.stream;
}

function connect() {
  if (source || typeof EventSource === 'undefined') return;
  const url = lastId ? `${URL_PATH}?last_event_id=${encodeURIComponent(lastId)}` : URL_PATH;
  source = new EventSource(url);
  attached.clear();
  handlers.forEach((_, name) => attach(name));
  source.onopen = () => {
    mark(true);
    openers.forEach((fn) => { try { fn(); } catch (e) { /* ignored */ } });
  };
  source.onerror = () => {
    mark(false);
    if (source && source.readyState === EventSource.CLOSED) { /* refused: try again later */
      source = null;
      if (!timer && handlers.size) timer = setTimeout(() => { timer = null; if (handlers.size) connect(); }, RETRY_MS);
    }
  };
}

function disconnectIfIdle() {
  if (handlers.size || openers.size) return;
  if (source) source.close();
  source = null;
  mark(false);
  if (timer) clearTimeout(timer);
  timer = null;
}

// Calls fn(name, data, id) for every event named in `names` (a name or a list). Returns the function
// that stops it.
export function subscribe(names, fn) {
  const list = Array.isArray(names) ? names : [names];
  list.forEach((n) => {
    if (!handlers.has(n)) handlers.set(n, new Set());
    handlers.get(n).add(fn);
  });
  connect();
  list.forEach(attach);
  return () => {
    list.forEach((n) => {
      const set = handlers.get(n);
      if (!set) return;
      set.delete(fn);
      if (!set.size) handlers.delete(n);
    });
    disconnectIfIdle();
  };
}

// Calls fn each time the stream (re)opens. Returns the function that stops it.
export function onOpen(fn) {
  openers.add(fn);
  return () => { openers.delete(fn); disconnectIfIdle(); };
}

// Is the stream open now?
export function isOpen() {
  return !!source && source.readyState === EventSource.OPEN;
}
