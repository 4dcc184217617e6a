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
