// The web app's files as the browser gets them: index.html for / and for any app route (deep links),
// the hashed script and stylesheet cached for a year, strong ETags with 304, the gzip copy when the
// browser accepts it, the strict CSP on every page, and /api/ paths that stay JSON 404s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startServer } from './lib/server.js';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// A raw GET (no automatic decompression, unlike fetch): { status, headers, body: Buffer }.
function get(p, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(srv.url + p, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The script and stylesheet that index.html references.
async function assetPaths() {
  const html = (await get('/')).body.toString('utf8');
  const js = html.match(/<script[^>]*src="([^"]+\.js)"/);
  const css = html.match(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+\.css)"/);
  assert.ok(js && css, 'index.html references a script and a stylesheet');
  return { js: js[1], css: css[1] };
}

test('/ is the app: index.html, revalidated every time, under the strict CSP', async () => {
  const res = await get('/');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.match(res.headers.etag, /^"[0-9a-f]{16,}"$/);
  assert.match(res.headers['content-security-policy'], /default-src 'self'/);
  assert.match(res.headers['content-security-policy'], /script-src 'self'/);
  const html = res.body.toString('utf8');
  assert.match(html, /<html lang="vi">/);
  assert.match(html, /<div id="app"><\/div>/);
  // nothing inline: the CSP would block it
  assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/);
  assert.doesNotMatch(html, /<style|style="/);
});

test('a deep link to an app route gets index.html, so a reload works', async () => {
  const index = await get('/');
  for (const p of ['/units', '/units/42', '/login?next=%2Funits%2F42', '/some/future/page']) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8', p);
    assert.deepEqual(res.body, index.body, p);
  }
});

test('an unknown file (a dot in the last segment) is a 404, not the app', async () => {
  const res = await get('/assets/app-NOTTHERE.js');
  assert.equal(res.status, 404);
  const res2 = await get('/favicon.ico');
  assert.equal(res2.status, 404);
});

test('hashed script and stylesheet are cached for a year, with their content types', async () => {
  const { js, css } = await assetPaths();
  assert.match(js, /^\/assets\/app-[A-Za-z0-9]+\.js$/);
  assert.match(css, /^\/assets\/app-[A-Za-z0-9]+\.css$/);
  const r1 = await get(js);
  assert.equal(r1.status, 200);
  assert.equal(r1.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(r1.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.ok(r1.body.length > 1000, 'the script has a body');
  const r2 = await get(css);
  assert.equal(r2.status, 200);
  assert.equal(r2.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(r2.headers['cache-control'], 'public, max-age=31536000, immutable');
});

test('If-None-Match with the ETag answers 304 with no body; a stale tag gets the file', async () => {
  const { js } = await assetPaths();
  for (const p of ['/', js]) {
    const first = await get(p);
    const etag = first.headers.etag;
    assert.ok(etag, p);
    const again = await get(p, { 'If-None-Match': etag });
    assert.equal(again.status, 304, p);
    assert.equal(again.body.length, 0, p);
    assert.equal(again.headers.etag, etag, p);
    const weak = await get(p, { 'If-None-Match': `"other", W/${etag}` });
    assert.equal(weak.status, 304, `${p} with a list and a weak tag`);
    const stale = await get(p, { 'If-None-Match': '"0000000000000000"' });
    assert.equal(stale.status, 200, p);
    assert.deepEqual(stale.body, first.body, p);
  }
});

test('gzip is sent when the browser accepts it, and unpacks to the same bytes', async () => {
  const { js } = await assetPaths();
  for (const p of ['/', js]) {
    const plain = await get(p);
    assert.equal(plain.headers['content-encoding'], undefined, p);
    const gz = await get(p, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(gz.status, 200, p);
    assert.equal(gz.headers['content-encoding'], 'gzip', p);
    assert.match(gz.headers.vary, /Accept-Encoding/i, p);
    assert.ok(gz.body.length < plain.body.length, `${p}: gzip is smaller`);
    assert.deepEqual(gunzipSync(gz.body), plain.body, p);
    // the two encodings are different representations: different strong ETags
    assert.notEqual(gz.headers.etag, plain.headers.etag, p);
    // q=0 refuses gzip
    const refused = await get(p, { 'Accept-Encoding': 'gzip;q=0, identity' });
    assert.equal(refused.headers['content-encoding'], undefined, p);
    assert.deepEqual(refused.body, plain.body, p);
  }
});

test('HEAD of the app answers like GET without a body; other methods are 405', async () => {
  const head = await get('/units', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
  const post = await fetch(srv.url + '/units', { method: 'POST' });
  assert.equal(post.status, 405);
});

test('/api/ paths never fall back to the app: unknown ones stay JSON 404', async () => {
  for (const p of ['/api/unknown', '/api/v1/nothing', '/api/v1/units/1/extra', '/API/v1/x', '/api']) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    assert.match(res.headers['content-type'], /^application\/json/, p);
    assert.equal(JSON.parse(res.body.toString('utf8')).error.code, 'not_found', p);
  }
});
