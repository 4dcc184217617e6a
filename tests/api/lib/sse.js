// A real Server-Sent Events reader for the API tests: it opens GET /api/v1/stream with a client's
// session cookie through fetch, reads the body as it arrives, and parses it the way a browser's
// EventSource does (id:, event:, data:, retry:, comment lines), so tests can wait for the next event.
//
//   const s = await openStream(srv.url, officer.cookie, { lastEventId: '12' });
//   const e = await s.next();            // { id: '13', event: 'tip.created', data: {...} }
//   await s.nextMatching((e) => e.data.id === 7);
//   s.close();

export async function openStream(baseUrl, cookie, { lastEventId, query = '' } = {}) {
  const ac = new AbortController();
  const headers = { accept: 'text/event-stream' };
  if (cookie) headers.cookie = cookie;
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const res = await fetch(`${baseUrl}/api/v1/stream${query}`, { headers, signal: ac.signal });
  const s = {
    status: res.status,
    headers: res.headers,
    events: [], // every event parsed so far, in order
    comments: 0, // heartbeat comment lines seen
    retry: null,
    ended: false,
    waiters: [],
    taken: 0, // events handed out by next()
    close() { ac.abort(); },
  };
  if (res.status !== 200) {
    s.body = await res.text();
    return s;
  }
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let cur = { data: [] };
  const wake = () => { for (const w of s.waiters.splice(0)) w(); };
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (cur.data.length || cur.event || cur.id) {
              const text = cur.data.join('\n');
              let data = text;
              try { data = JSON.parse(text); } catch { /* left as text */ }
              s.events.push({ id: cur.id, event: cur.event || 'message', data, raw: text });
            }
            cur = { data: [] };
            wake();
          } else if (line.startsWith(':')) {
            s.comments++;
            wake();
          } else {
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'data') cur.data.push(val);
            else if (field === 'event') cur.event = val;
            else if (field === 'id') cur.id = val;
            else if (field === 'retry') s.retry = Number(val);
          }
        }
      }
    } catch { /* aborted */ }
    s.ended = true;
    wake();
  })();
  const waitFor = async (cond, what, ms = 10000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = cond();
      if (v !== undefined) return v;
      if (s.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${ms} ms; events so far: ${JSON.stringify(s.events)}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        s.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  };
  // The next event not yet handed out.
  s.next = (ms) => waitFor(() => (s.taken < s.events.length ? s.events[s.taken++] : undefined), 'event', ms);
  // Skips events until one matches; returns it.
  s.nextMatching = async (pred, ms) => {
    for (;;) {
      const e = await s.next(ms);
      if (pred(e)) return e;
    }
  };
  // Waits until n heartbeat comments have arrived.
  s.heartbeats = (n, ms) => waitFor(() => (s.comments >= n ? s.comments : undefined), `${n} heartbeats`, ms);
  // Waits until the server ends the stream.
  s.end = (ms) => waitFor(() => (s.ended ? true : undefined), 'the end of the stream', ms).catch((e) => {
    if (s.ended) return true;
    throw e;
  });
  return s;
}
