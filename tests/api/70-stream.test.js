// The live event stream (GET /api/v1/stream): a tip submitted, changed or answered by its citizen
// reaches the officers of its commune at once and nobody else (an officer of another commune never
// sees it, a member without the tip inbox neither); a client that reconnects with Last-Event-ID gets
// what it missed, in order, then the live events, with no repeat; heartbeats arrive; no session, no
// stream; a reader that never reads does not hold up another; logging out ends the stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib/server.js';
import { openStream } from './lib/sse.js';

const PW = 'correct horse battery';
let srv;
let admin;
let officerA; // officer of commune A
let officerB; // officer of commune B
let memberA; // a member on a block of A: alarms, not tips
let citizen;
const ids = {};

async function unit(kind, code, name, parent) {
  const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[code] = res.body.data.id;
}

async function submit(unitCode, description, category = 'theft') {
  const res = await citizen.post('/api/v1/public/tips', { category, unit_id: ids[unitCode], description });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

before(async () => {
  srv = await startServer({ env: { TIENGMO_STREAM_HEARTBEAT: '0.3' } });
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit('province', 'P', 'Tỉnh Quảng Nam');
  await unit('commune', 'A', 'Phường Vĩnh Điện', 'P');
  await unit('block', 'A1', 'Khối phố 1', 'A');
  await unit('commune', 'B', 'Phường Điện An', 'P');
  await unit('block', 'B1', 'Thôn 1', 'B');
  srv.addUser('officer_a', PW, 'officer', 'A');
  srv.addUser('officer_b', PW, 'officer', 'B');
  srv.addUser('member_a', PW, 'member', 'A1');
  officerA = await srv.login('officer_a', PW);
  officerB = await srv.login('officer_b', PW);
  memberA = await srv.login('member_a', PW);
  citizen = srv.client();
});
after(async () => { await srv.stop(); });

test('no session, no stream: 401 with the usual error body', async () => {
  const s = await openStream(srv.url, null);
  assert.equal(s.status, 401);
  assert.equal(JSON.parse(s.body).error.code, 'unauthenticated');
  const bad = await openStream(srv.url, officerA.cookie, { lastEventId: 'abc' });
  assert.equal(bad.status, 400);
});

test('a tip reaches the officers of its commune with its summary only, never another commune', async () => {
  const a = await openStream(srv.url, officerA.cookie);
  const b = await openStream(srv.url, officerB.cookie);
  const m = await openStream(srv.url, memberA.cookie);
  try {
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type'), /^text\/event-stream/);
    await a.heartbeats(1); // the stream is open and registered with the hub
    await b.heartbeats(1);
    await m.heartbeats(1);
    assert.equal(a.retry, 3000);

    const inA = await submit('A1', 'Có người lạ cạy cửa nhà số 12 lúc 2 giờ sáng');
    const e = await a.next();
    assert.equal(e.event, 'tip.created');
    assert.deepEqual(Object.keys(e.data).sort(), ['category', 'created_at', 'id', 'status', 'unit_id']);
    assert.equal(e.data.id, inA.id);
    assert.equal(e.data.status, 'new');
    assert.equal(e.data.category, 'theft');
    assert.equal(e.data.unit_id, ids.A1);
    assert.ok(!e.raw.includes('cạy cửa'), 'the description never travels on the stream');
    assert.match(e.id, /^\d+$/);

    // then a tip in B: B's officer gets it as the first event — A's tip never reached B
    const inB = await submit('B1', 'Tụ tập đánh bạc ở nhà văn hóa thôn');
    const eb = await b.next();
    assert.equal(eb.event, 'tip.created');
    assert.equal(eb.data.id, inB.id);

    // a triage change and the citizen's message reach A, not B
    const patch = await officerA.patch(`/api/v1/tips/${inA.id}`, { status: 'verifying' });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    const up = await a.next();
    assert.equal(up.event, 'tip.updated');
    assert.equal(up.data.id, inA.id);
    assert.equal(up.data.status, 'verifying');
    assert.ok(Number(up.id) > Number(e.id));
    const msg = await citizen.post('/api/v1/public/tips/messages', { receipt: inA.receipt, body: 'Tôi thấy họ đi xe máy màu đỏ' });
    assert.equal(msg.status, 201, JSON.stringify(msg.body));
    const me = await a.next();
    assert.equal(me.event, 'tip.message');
    assert.equal(me.data.id, inA.id);
    assert.ok(!me.raw.includes('xe máy'), 'the message text never travels on the stream');

    // a last tip in B: again the very next event B sees, and A never sees it
    const inB2 = await submit('B1', 'Xe tải đổ trộm rác ở bờ sông', 'other');
    assert.equal((await b.next()).data.id, inB2.id);
    const inA2 = await submit('A', 'Tiếng nổ lạ ở chợ', 'other');
    const ea2 = await a.next();
    assert.equal(ea2.data.id, inA2.id, 'the next event A sees is its own commune\'s tip');
    // the member of block A1 holds no tip inbox: not one tip event
    await m.heartbeats(m.comments + 2);
    assert.deepEqual(m.events, []);
  } finally {
    a.close();
    b.close();
    m.close();
  }
});

test('reconnecting with Last-Event-ID replays what was missed, in order, then goes live without repeats', async () => {
  const first = await openStream(srv.url, officerA.cookie);
  await first.heartbeats(1);
  const t0 = await submit('A1', 'Mất trộm xe đạp trước cổng trường');
  const seen = await first.nextMatching((e) => e.data.id === t0.id);
  first.close();

  // while the officer is away: two tips in A, one in B
  const m1 = await submit('A1', 'Trộm gà ở hẻm 4');
  const other = await submit('B1', 'Cãi nhau to ở quán nước');
  const m2 = await submit('A', 'Người say rượu gây rối ở bến xe', 'violence');

  const back = await openStream(srv.url, officerA.cookie, { lastEventId: seen.id });
  try {
    const r1 = await back.next();
    const r2 = await back.next();
    assert.deepEqual([r1.data.id, r2.data.id], [m1.id, m2.id]);
    assert.ok(Number(r1.id) > Number(seen.id) && Number(r2.id) > Number(r1.id));
    assert.ok(![r1, r2].some((e) => e.data.id === other.id));
    // then live: the next tip comes once, right after the replayed ones
    const live = await submit('A1', 'Đèn đường hỏng cả dãy phố', 'unlit_alley');
    const r3 = await back.next();
    assert.equal(r3.data.id, live.id);
    await back.heartbeats(back.comments + 2);
    assert.equal(back.events.filter((e) => e.data.id === live.id).length, 1, 'no repeat');
    assert.equal(back.events.length, 3);
  } finally {
    back.close();
  }

  // ?last_event_id= does the same for clients that cannot set the header
  const q = await openStream(srv.url, officerA.cookie, { query: `?last_event_id=${seen.id}` });
  try {
    assert.equal((await q.next()).data.id, m1.id);
    assert.equal((await q.next()).data.id, m2.id);
  } finally {
    q.close();
  }
});

test('heartbeat comments arrive at the configured interval', async () => {
  const s = await openStream(srv.url, officerB.cookie);
  try {
    assert.ok((await s.heartbeats(3)) >= 3);
    assert.deepEqual(s.events, []);
  } finally {
    s.close();
  }
});

test('a reader that never reads does not hold up another reader', async () => {
  // the stalled reader: a raw socket that sends the request and never reads a byte
  const stalled = net.connect(srv.port, '127.0.0.1');
  await new Promise((resolve) => stalled.once('connect', resolve));
  stalled.pause();
  stalled.write(`GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nCookie: ${officerA.cookie}\r\n\r\n`);
  const live = await openStream(srv.url, officerA.cookie);
  try {
    await live.heartbeats(1);
    const t = await submit('A1', 'Có đám cháy nhỏ ở bãi rác', 'fire_hazard');
    await live.nextMatching((e) => e.data.id === t.id);
    // many changes in a row: every one reaches the live reader, in order
    let status = 'new';
    const expect = [];
    for (let i = 0; i < 60; i++) {
      status = status === 'verifying' ? 'resolved' : 'verifying';
      const res = await officerA.patch(`/api/v1/tips/${t.id}`, { status });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      expect.push(status);
    }
    const got = [];
    while (got.length < expect.length) got.push((await live.nextMatching((e) => e.event === 'tip.updated')).data.status);
    assert.deepEqual(got, expect);
  } finally {
    live.close();
    stalled.destroy();
  }
});

test('logging out ends the open stream at the next heartbeat; the gauge counts open streams', async () => {
  const c = await srv.login('officer_b', PW);
  const s = await openStream(srv.url, c.cookie);
  await s.heartbeats(1);
  const open = await admin.get('/metrics');
  assert.match(open.text, /tiengmo_open_streams [1-9]/);
  const out = await c.delete('/api/v1/session');
  assert.ok(out.status === 200 || out.status === 204, String(out.status));
  assert.equal(await s.end(), true);
});

// One raw HTTP/1.1 connection: send() writes a request and waits until what the connection has said
// since matches `until`; closed tells when the server ended it.
async function rawConn(port) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  const c = { text: '', closed: false, waiters: [] };
  const wake = () => { for (const w of c.waiters.splice(0)) w(); };
  sock.on('data', (d) => { c.text += d.toString(); wake(); });
  sock.on('close', () => { c.closed = true; wake(); });
  sock.on('error', () => {});
  c.send = async (request, until) => {
    const from = c.text.length;
    sock.write(request);
    const deadline = Date.now() + 10000;
    while (!until.test(c.text.slice(from))) {
      if (c.closed) throw new Error(`connection closed; it said: ${c.text.slice(from)}`);
      if (Date.now() > deadline) throw new Error(`no ${until} within 10 s; it said: ${c.text.slice(from)}`);
      await new Promise((resolve) => { c.waiters.push(resolve); setTimeout(resolve, 200); });
    }
    return c.text.slice(from);
  };
  c.waitClosed = async () => {
    const deadline = Date.now() + 10000;
    while (!c.closed && Date.now() < deadline) await new Promise((resolve) => { c.waiters.push(resolve); setTimeout(resolve, 200); });
    return c.closed;
  };
  c.end = () => sock.destroy();
  return c;
}

const streamGauge = async (daemon) => {
  const m = await admin.get('/metrics');
  return Number(m.text.match(new RegExp(`tiengmo_open_streams_by_daemon\\{daemon="${daemon}"\\} (\\d+)`))[1]);
};
// Streams closed by earlier tests leave at the next heartbeat (0.3 s here): wait for the main daemon to
// have none, so that what a test opens there can be counted.
const mainSettled = async () => {
  for (let i = 0; i < 50 && await streamGauge('main') !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await streamGauge('main'), 0);
};

test('a stream asked for on a reused keep-alive connection is sent to a new one, which the stream daemon serves; replay survives the hop', async () => {
  const live = await openStream(srv.url, officerA.cookie);
  let first;
  let second;
  try {
    const t1 = await submit('A1', 'trước mốc phát lại');
    first = await live.nextMatching((e) => e.event === 'tip.created' && e.data.id === t1.id);
    const t2 = await submit('A1', 'sau mốc, phải được phát lại');
    second = await live.nextMatching((e) => e.event === 'tip.created' && e.data.id === t2.id);
  } finally {
    live.close();
  }
  await mainSettled();
  const redirects = Number((await admin.get('/metrics')).text.match(/tiengmo_stream_redirects_total (\d+)/)[1]);
  // a browser tab: a page request first, then the EventSource request on the same idle connection
  const tab = await rawConn(srv.port);
  await tab.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', /\r\n\r\n\{[^]*\}$/);
  const hop = await tab.send(`GET /api/v1/stream?last_event_id=${first.id}&x=a%20b HTTP/1.1\r\nHost: x\r\nCookie: ${officerA.cookie}\r\n\r\n`,
    /\r\n\r\n/);
  assert.match(hop, /^HTTP\/1\.1 307 /);
  assert.match(hop, /\r\nConnection: close\r\n/i);
  const loc = hop.match(/\r\nLocation: ([^\r]*)\r\n/i)[1];
  const url = new URL(loc, 'http://x');
  assert.equal(url.pathname, '/api/v1/stream');
  const [n, began] = url.searchParams.get('hop').split('-').map(Number);
  assert.equal(n, 1, 'the first hop');
  assert.ok(Math.abs(began - Date.now() / 1000) < 60, 'of a chain that began now');
  assert.equal(url.searchParams.get('last_event_id'), first.id);
  assert.equal(url.searchParams.get('x'), 'a b');
  assert.equal(await tab.waitClosed(), true, 'the 307 closes its connection, so the browser follows on another');
  const m = await admin.get('/metrics');
  assert.match(m.text, new RegExp(`tiengmo_stream_redirects_total ${redirects + 1}\\n`));
  // followed on a fresh connection: the stream daemon serves it, and the replay starts after the id
  const next = await rawConn(srv.port);
  try {
    const body = await next.send(`GET ${loc} HTTP/1.1\r\nHost: x\r\nCookie: ${officerA.cookie}\r\n\r\n`,
      new RegExp(`id: ${second.id}\\nevent: tip.created`));
    assert.match(body, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(body, new RegExp(`id: ${first.id}\\n`), 'the event at the Last-Event-ID is not sent again');
    assert.ok(await streamGauge('stream') >= 1);
    assert.equal(await streamGauge('main'), 0, 'not on the main daemon');
  } finally {
    next.end();
  }
});

test('at the hop limit a stream on a reused connection is served where it is; a reconnect long after its chain begins a new one; 401 stays 401', async () => {
  const tab = await rawConn(srv.port);
  try {
    await tab.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', /\r\n\r\n\{[^]*\}$/);
    const none = await tab.send('GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n', /"unauthenticated"/);
    assert.match(none, /^HTTP\/1\.1 401 /, 'no session: refused before any redirect');
  } finally {
    tab.end();
  }
  await mainSettled();
  const again = await rawConn(srv.port);
  try {
    await again.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', /\r\n\r\n\{[^]*\}$/);
    const now = Math.floor(Date.now() / 1000);
    // the browser reconnects to the URL its last chain ended at: an hour later, that is a new chain
    const stale = await again.send(`GET /api/v1/stream?hop=6-${now - 3600} HTTP/1.1\r\nHost: x\r\nCookie: ${officerA.cookie}\r\n\r\n`,
      /\r\n\r\n/);
    assert.match(stale, /^HTTP\/1\.1 307 /);
    assert.match(stale, /\r\nLocation: \/api\/v1\/stream\?hop=1-\d+\r\n/i);
  } finally {
    again.end();
  }
  const last = await rawConn(srv.port);
  try {
    await last.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', /\r\n\r\n\{[^]*\}$/);
    const served = await last.send(`GET /api/v1/stream?hop=6-${Math.floor(Date.now() / 1000)} HTTP/1.1\r\nHost: x\r\nCookie: ${officerA.cookie}\r\n\r\n`,
      /retry: 3000/);
    assert.match(served, /^HTTP\/1\.1 200 /);
    assert.match(served, /text\/event-stream/);
    assert.equal(await streamGauge('main'), 1, 'served by the main daemon');
  } finally {
    last.end();
  }
});
