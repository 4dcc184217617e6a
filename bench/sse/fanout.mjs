// bench/sse/fanout.mjs: the live event fan-out (DESIGN §6: one event reaches 10,000 open streams with
// p99 < 250 ms, server RSS < 100 MiB; a stalled reader delays nobody). Starts `tiengmo serve` on a
// temporary SQLite database, logs in, opens N raw HTTP/1.1 connections on GET /api/v1/stream (one
// socket each, no fetch overhead), then submits tips through the public API and measures, for each
// tip, the time from just before the POST to the moment each stream has read its `event: tip.created`
// frame: p50, p99, max, and the server's RSS (VmRSS) before and after. With --stalled F, a fraction F
// of the streams never read (paused sockets) and the figures are for the others.
//
//   node bench/sse/fanout.mjs --streams 10000 --events 5
//   node bench/sse/fanout.mjs --streams 2000 --stalled 0.1 --events 20
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('streams', 10000));
const EVENTS = Number(arg('events', 5));
const STALLED = Number(arg('stalled', 0));
const BIN = path.resolve(process.env.TIENGMO_BIN || 'build/tiengmo');
const PW = 'bench-password-1';

const dir = mkdtempSync(path.join(tmpdir(), 'tiengmo-sse-'));
const env = { ...process.env, TIENGMO_DATA_DIR: dir, TIENGMO_DB: `sqlite:${dir}/t.db`, TIENGMO_LOG_FORMAT: 'text' };
const cli = (a, input) => spawnSync(BIN, a, { env, input, encoding: 'utf8' });
cli(['migrate']);
cli(['user', 'add', '--username', 'bench', '--role', 'admin', '--password-stdin'], `${PW}\n`);
const srv = spawn(BIN, ['serve', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const port = await new Promise((resolve, reject) => {
  let log = '';
  srv.stderr.on('data', (d) => {
    log += d;
    const m = log.match(/listening .*port=(\d+)/);
    if (m) resolve(Number(m[1]));
  });
  srv.on('exit', () => reject(new Error(log)));
});
srv.stderr.resume();
const base = `http://127.0.0.1:${port}`;
const rss = () => {
  const m = readFileSync(`/proc/${srv.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
};

const login = await fetch(`${base}/api/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: PW }),
});
const cookie = login.headers.get('set-cookie').match(/tiengmo_session=[^;]*/)[0];
const units = await (await fetch(`${base}/api/v1/units`, { headers: { cookie } })).json();
let communeId = units.data.find((u) => u.kind === 'commune')?.id;
if (!communeId) {
  const csrf = (await login.json()).data.csrf_token;
  const mk = async (body) => (await (await fetch(`${base}/api/v1/units`, {
    method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body),
  })).json()).data.id;
  const p = await mk({ kind: 'province', code: 'BP', name: 'Tỉnh Đo' });
  communeId = await mk({ kind: 'commune', code: 'BC', name: 'Phường Đo', parent_id: p });
}
const rssIdle = rss();

// open the streams, a few hundred at a time
const streams = [];
const pending = new Map(); // event index -> { t0, left, times[] }
let opened = 0;
function open(i) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const st = { s, stalled: i < N * STALLED, buf: '', ready: false };
    s.setNoDelay(true);
    s.on('connect', () => s.write(`GET /api/v1/stream HTTP/1.1\r\nHost: b\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`));
    s.on('data', (d) => {
      const now = performance.now();
      st.buf += d.toString('latin1');
      if (!st.ready && st.buf.includes('retry:')) { st.ready = true; opened++; resolve(); }
      let k;
      while ((k = st.buf.indexOf('event: tip.created\n')) >= 0) {
        st.buf = st.buf.slice(k + 19);
        for (const [, ev] of pending) {
          if (!ev.seen.has(st)) { ev.seen.add(st); ev.times.push(now - ev.t0); break; }
        }
      }
      if (st.buf.length > 4096) st.buf = st.buf.slice(-64);
      if (st.stalled && st.ready) s.pause(); // from now on it reads nothing
    });
    s.on('error', reject);
    streams.push(st);
  });
}
const t0open = performance.now();
for (let i = 0; i < N; i += 250) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 250); j++) batch.push(open(j));
  await Promise.all(batch);
}
const openSecs = (performance.now() - t0open) / 1000;
await new Promise((r) => setTimeout(r, 500));
const rssOpen = rss();
const readers = N - Math.floor(N * STALLED);

const all = [];
const posts = []; // how long the submission itself took (the durable write), for comparison
for (let e = 0; e < EVENTS; e++) {
  const ev = { t0: performance.now(), seen: new Set(), times: [] };
  pending.set(e, ev);
  const res = await fetch(`${base}/api/v1/public/tips`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ category: 'fire_hazard', unit_id: communeId, description: `Đo thời gian ${e}` }),
  });
  if (res.status !== 201) throw new Error(`tip ${res.status} ${await res.text()}`);
  posts.push(performance.now() - ev.t0);
  const deadline = performance.now() + 20000;
  while (ev.times.length < readers && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  pending.delete(e);
  all.push(...ev.times);
  if (ev.times.length < readers) console.log(`event ${e}: only ${ev.times.length} of ${readers} readers got it`);
  await new Promise((r) => setTimeout(r, 200));
}
const rssAfter = rss();
all.sort((a, b) => a - b);
const q = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))];
const metrics = await (await fetch(`${base}/metrics`)).text();
const gauge = (metrics.match(/tiengmo_open_streams (\d+)/) || [])[1];
console.log(JSON.stringify({
  streams: N, stalled: Math.floor(N * STALLED), events: EVENTS, deliveries: all.length, expected: readers * EVENTS,
  open_seconds: +openSecs.toFixed(2), open_streams_gauge: Number(gauge),
  post_ms_median: +posts.sort((a, b) => a - b)[Math.floor(posts.length / 2)].toFixed(1),
  p50_ms: +q(0.5).toFixed(1), p99_ms: +q(0.99).toFixed(1), max_ms: +all[all.length - 1].toFixed(1),
  rss_idle_mib: +rssIdle.toFixed(1), rss_open_mib: +rssOpen.toFixed(1), rss_after_mib: +rssAfter.toFixed(1),
}));
for (const st of streams) st.s.destroy();
srv.kill('SIGTERM');
await new Promise((r) => srv.on('close', r));
rmSync(dir, { recursive: true, force: true });
