// The HTTP layer as any client sees it: health, metrics, security headers, error bodies, limits,
// graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('GET /healthz answers ok with the security headers', async () => {
  const res = await fetch(srv.url + '/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
});

test('an unknown path is a 404 with the error body', async () => {
  const res = await fetch(srv.url + '/api/v1/nothing-here');
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.error.code, 'not_found');
  assert.equal(typeof body.error.message, 'string');
});

test('a known path under the wrong method is a 405', async () => {
  const res = await fetch(srv.url + '/healthz', { method: 'PUT' });
  assert.equal(res.status, 405);
});

test('an API call without a session is a 401', async () => {
  const res = await fetch(srv.url + '/api/v1/units');
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, 'unauthenticated');
});

test('a body over the route limit is refused with 413', async () => {
  const res = await fetch(srv.url + '/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'x', password: 'y'.repeat(10000) }),
  });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.code, 'too_large');
});

test('/metrics counts requests by route and status in Prometheus text', async () => {
  await fetch(srv.url + '/healthz');
  const res = await fetch(srv.url + '/metrics');
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /tiengmo_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(text, /tiengmo_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  assert.match(text, /tiengmo_db_errors_total \d+/);
  assert.match(text, /tiengmo_open_streams \d+/);
});

test('SIGTERM stops the server cleanly with exit status 0', async () => {
  const other = await startServer();
  const r = await other.stop('SIGTERM');
  assert.equal(r.code, 0);
});

test('SIGTERM lets a request already in flight finish before the server exits', async () => {
  const net = await import('node:net');
  const other = await startServer();
  const body = JSON.stringify({ username: 'nobody', password: 'not-the-password' });
  const half = Math.floor(body.length / 2);
  const sock = net.connect(other.port, '127.0.0.1');
  await new Promise((resolve) => sock.on('connect', resolve));
  let answer = '';
  sock.on('data', (d) => { answer += d.toString(); });
  const closed = new Promise((resolve) => sock.on('close', resolve));
  // The request is under way (headers and half its body sent) when the signal arrives …
  sock.write('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body.slice(0, half));
  await new Promise((r) => setTimeout(r, 300));
  other.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  // … and still gets its answer once the rest of the body comes.
  sock.write(body.slice(half));
  await closed;
  assert.match(answer, /^HTTP\/1\.1 401 /);
  assert.match(answer, /invalid_credentials/);
  const r = await other.stop();
  assert.equal(r.code, 0);
});

// Connections are sorted when they arrive: a fresh one asking for the event stream goes to a daemon with
// a small per-connection pool (src/http/server.c), everything else to the main one. What a client notices
// must not change: long headers are answered, refusals end the connection cleanly, IPv6 works.
async function rawRequest(port, text, host = '127.0.0.1') {
  const net = await import('node:net');
  const sock = net.connect(port, host);
  await new Promise((resolve, reject) => { sock.on('connect', resolve); sock.on('error', reject); });
  let answer = '';
  sock.on('data', (d) => { answer += d.toString(); });
  const closed = new Promise((resolve) => sock.on('close', resolve));
  sock.write(text);
  await closed;
  return answer;
}

test('an event stream asked for with 3 KB of headers is answered, not refused as too large', async () => {
  const cookie = 'x=' + 'a'.repeat(3000);
  const answer = await rawRequest(srv.port,
    `GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 401 /); // no session; a 431 would mean the headers did not fit
  assert.match(answer, /"unauthenticated"/);
});

test('a refused event stream request ends its connection, and the next one is served', async () => {
  // no Connection: close from the client: the server closes it (the socket's close ends rawRequest)
  const answer = await rawRequest(srv.port, 'GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 401 /);
  assert.match(answer, /\r\nConnection: close\r\n/i);
  const res = await fetch(srv.url + '/healthz', { headers: { 'X-Long': 'b'.repeat(2500) } });
  assert.equal(res.status, 200);
});

test('the server listens on an IPv6 address and answers there, streams included', async () => {
  const other = await startServer({ args: ['--listen', '[::1]:0'] });
  try {
    const health = await rawRequest(other.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '::1');
    assert.match(health, /^HTTP\/1\.1 200 /);
    const stream = await rawRequest(other.port, 'GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n', '::1');
    assert.match(stream, /^HTTP\/1\.1 401 /);
  } finally {
    await other.stop();
  }
});
