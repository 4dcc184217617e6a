// Public warnings, CAP 1.2 and webhooks: officers issue, change and cancel warnings (scope, validation);
// every CAP document and feed fetched here is checked with xmllint — alerts against the OASIS schema
// (../shared/standards/cap-1.2/cap12.xsd), Atom feeds for well-formedness — with `sent` in +07:00; the
// public feed never lists an alarm; an alarm's restricted CAP needs a feed token of its commune (404
// without, with another commune's, with a revoked one); webhooks get a signed POST when an alarm is
// raised (the signature verifies with the secret), a webhook answering 500 twice then 200 gets three
// attempts (retry base 100 ms), and a webhook that never answers does not hold back raising an alarm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const XSD = path.resolve(root, '../shared/standards/cap-1.2/cap12.xsd');
const tmp = mkdtempSync(path.join(tmpdir(), 'tiengmo-cap-'));
let srv;
let admin;
let officer; // officer on C1
let other; // officer on C2
let viewer; // viewer on C1
const ids = {};

// The local webhook receiver: /ok answers 200, /flaky 500 twice then 200, /hang never answers.
const received = [];
const hanging = [];
let flakyCalls = 0;
let hook;
let hookUrl;

function xmllint(text, { schema } = {}) {
  const file = path.join(tmp, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, text);
  const args = ['--noout', '--nonet'];
  if (schema) args.push('--schema', XSD);
  const r = spawnSync('xmllint', [...args, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `xmllint ${schema ? 'against cap12.xsd ' : ''}failed:\n${r.stderr}\n${text}`);
}

// Fetches a CAP document, checks its type and validates it; returns the text.
async function cap(p, headers = {}) {
  const res = await fetch(srv.url + p, { headers });
  const text = await res.text();
  assert.equal(res.status, 200, `${p}: ${text}`);
  assert.match(res.headers.get('content-type'), /^application\/cap\+xml/);
  xmllint(text, { schema: true });
  assert.match(text, /<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00<\/sent>/);
  return text;
}

async function atom(p) {
  const res = await fetch(srv.url + p);
  const text = await res.text();
  assert.equal(res.status, 200, `${p}: ${text}`);
  assert.match(res.headers.get('content-type'), /^application\/atom\+xml/);
  xmllint(text);
  assert.match(text, /<feed [^>]*xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  return text;
}

function links(feed) {
  return [...feed.matchAll(/<link rel="alternate" type="application\/cap\+xml" href="([^"]+)"/g)].map((m) => m[1]);
}

async function status(p, headers = {}) {
  const res = await fetch(srv.url + p, { headers });
  await res.text();
  return res.status;
}

async function unit(kind, code, name, parent) {
  const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[code] = res.body.data.id;
}

async function waitFor(fn, what, tries = 150) {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function raise(unitCode, kind = 'fire', extra = {}) {
  const res = await officer.post('/api/v1/alarms', { kind, unit_id: ids[unitCode], ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function resolve(alarm) {
  const res = await officer.post(`/api/v1/alarms/${alarm.id}/resolve`, {});
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

before(async () => {
  assert.ok(existsSync(XSD), `the CAP schema is missing at ${XSD}`);
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const entry = { path: req.url, headers: req.headers, body };
      if (req.url === '/hang') {
        hanging.push(entry);
        return; // never answers
      }
      received.push(entry);
      if (req.url === '/flaky' && ++flakyCalls <= 2) {
        res.writeHead(500).end('not now');
        return;
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${hook.address().port}`;

  srv = await startServer({ args: ['--allow-http-webhooks'], env: { TIENGMO_WEBHOOK_RETRY_BASE_MS: '100' } });
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit('province', 'P1', 'Tỉnh Quảng Nam');
  await unit('commune', 'C1', 'Phường Vĩnh Điện', 'P1');
  await unit('block', 'B1', 'Khối phố 1', 'C1');
  await unit('block', 'B2', 'Khối phố 2', 'C1');
  await unit('block', 'B3', 'Khối phố 3', 'C1');
  await unit('commune', 'C2', 'Phường Điện An', 'P1');
  await unit('block', 'D1', 'Thôn Đông', 'C2');
  srv.addUser('officer1', PW, 'officer', 'C1');
  srv.addUser('officer2', PW, 'officer', 'C2');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  officer = await srv.login('officer1', PW);
  other = await srv.login('officer2', PW);
  viewer = await srv.login('watcher', PW);
});

after(async () => {
  if (hook) {
    hook.closeAllConnections();
    hook.close();
  }
  if (srv) await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

let storm;

test('an officer issues a warning; bad input and other communes are refused', async () => {
  let res = await officer.post('/api/v1/warnings', {
    unit_id: ids.B1, kind: 'storm', severity: 'severe', title: 'Bão số 5 <đổ bộ> & gió giật cấp 12',
    body: 'Mưa lớn từ đêm nay, nguy cơ ngập ở các ngõ thấp.', instruction: 'Chằng chống nhà cửa.',
    lat: 15.891, lng: 108.249, radius_km: 3, expires_at: new Date(Date.now() + 86400e3).toISOString(),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  storm = res.body.data;
  assert.equal(storm.status, 'active');
  assert.equal(storm.unit_name, 'Khối phố 1');
  assert.equal(storm.commune_id, ids.C1);
  assert.equal(storm.cap_url, `/cap/alerts/warning-${storm.id}.xml`);
  assert.match(storm.effective_at, /\+07:00$/);

  res = await officer.post('/api/v1/warnings', { unit_id: ids.B1, kind: 'hurricane', severity: 'bad', title: '', body: 'x',
    effective_at: '2030-01-02', expires_at: '2030-01-01', lat: 15 });
  assert.equal(res.status, 422);
  for (const f of ['kind', 'severity', 'title', 'expires_at', 'lng']) assert.ok(res.body.error.fields[f], `${f}: ${JSON.stringify(res.body)}`);

  // another commune's officer sees neither the unit nor the warning; a viewer may not issue
  res = await other.post('/api/v1/warnings', { unit_id: ids.B1, kind: 'flood', severity: 'minor', title: 't', body: 'b' });
  assert.equal(res.status, 422);
  assert.equal((await other.get(`/api/v1/warnings/${storm.id}`)).status, 404);
  assert.equal((await viewer.post('/api/v1/warnings', { unit_id: ids.B1, kind: 'flood', severity: 'minor', title: 't', body: 'b' })).status, 403);
  res = await viewer.get(`/api/v1/warnings/${storm.id}`);
  assert.equal(res.status, 200);
  res = await other.get('/api/v1/warnings');
  assert.deepEqual(res.body.data, []);
});

test('a public warning is valid CAP 1.2 (scope Public, circle), and the public feed links it', async () => {
  const doc = await cap(storm.cap_url);
  assert.match(doc, /<scope>Public<\/scope>/);
  assert.doesNotMatch(doc, /<restriction>/);
  assert.match(doc, /<msgType>Alert<\/msgType>/);
  assert.match(doc, /<language>vi-VN<\/language>/);
  assert.match(doc, /<category>Met<\/category>/);
  assert.match(doc, /<severity>Severe<\/severity>/);
  assert.match(doc, /<headline>Bão số 5 &lt;đổ bộ&gt; &amp; gió giật cấp 12<\/headline>/);
  assert.match(doc, /<areaDesc>Khối phố 1, Phường Vĩnh Điện<\/areaDesc>/);
  assert.match(doc, /<circle>15\.891000,108\.249000 3\.000<\/circle>/);
  assert.match(doc, /<expires>[^<]+\+07:00<\/expires>/);
  assert.match(doc, /<web>http:\/\/127\.0\.0\.1:\d+\/gui-tin-bao<\/web>/);

  const feed = await atom('/cap/alerts.atom');
  const hrefs = links(feed);
  assert.ok(hrefs.some((h) => h.endsWith(storm.cap_url)), feed);
  for (const h of hrefs) await cap(new URL(h).pathname);

  const pub = await srv.client().get('/api/v1/public/warnings');
  assert.equal(pub.status, 200);
  assert.ok(pub.body.data.some((w) => w.id === storm.id));
  assert.equal(pub.body.data[0].created_at, undefined);
  assert.equal((await status('/cap/alerts/warning-999999.xml')), 404);
  assert.equal((await status('/cap/alerts/warning-x.xml')), 404);
});

test('a changed warning is a CAP Update, a cancelled one a Cancel, gone from the public feed', async () => {
  const scam = await officer.post('/api/v1/warnings', { unit_id: ids.C1, kind: 'scam_wave', severity: 'moderate',
    title: 'Cảnh giác cuộc gọi giả danh công an', body: 'Không chuyển tiền theo yêu cầu qua điện thoại.' });
  assert.equal(scam.status, 201);
  const id = scam.body.data.id;
  let res = await officer.patch(`/api/v1/warnings/${id}`, { title: 'Cảnh giác cuộc gọi giả danh công an, ngân hàng' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.data.title, 'Cảnh giác cuộc gọi giả danh công an, ngân hàng');
  let doc = await cap(`/cap/alerts/warning-${id}.xml`);
  assert.match(doc, /<msgType>Update<\/msgType>/);
  assert.match(doc, new RegExp(`<references>tiengmo@[^,]+,tiengmo-warning-${id},[^<]+\\+07:00</references>`));
  assert.match(doc, /<category>Security<\/category>/);

  assert.equal((await other.post(`/api/v1/warnings/${id}/cancel`, {})).status, 404);
  res = await officer.post(`/api/v1/warnings/${id}/cancel`, {});
  assert.equal(res.status, 200);
  assert.equal(res.body.data.status, 'cancelled');
  assert.equal((await officer.post(`/api/v1/warnings/${id}/cancel`, {})).status, 409);
  assert.equal((await officer.patch(`/api/v1/warnings/${id}`, { title: 'x' })).status, 409);
  doc = await cap(`/cap/alerts/warning-${id}.xml`);
  assert.match(doc, /<msgType>Cancel<\/msgType>/);
  assert.match(doc, /<urgency>Past<\/urgency>/);
  const feed = await atom('/cap/alerts.atom');
  assert.doesNotMatch(feed, new RegExp(`warning-${id}\\.xml`));
  assert.ok(!(await srv.client().get('/api/v1/public/warnings')).body.data.some((w) => w.id === id));
  res = await officer.get('/api/v1/warnings?current=true');
  assert.ok(!res.body.data.some((w) => w.id === id));
  res = await officer.get('/api/v1/warnings');
  assert.ok(res.body.data.some((w) => w.id === id && w.status === 'cancelled'));
});

let tokenC1;
let tokenC2;

test('feed tokens: admins only, shown once; an alarm is Restricted CAP behind its commune token', async () => {
  assert.equal((await officer.post('/api/v1/feed-tokens', { commune_id: ids.C1, name: 'Còi báo' })).status, 403);
  assert.equal((await admin.post('/api/v1/feed-tokens', { commune_id: ids.B1, name: 'x' })).status, 422);
  let res = await admin.post('/api/v1/feed-tokens', { commune_id: ids.C1, name: 'Cổng SMS' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  tokenC1 = res.body.data;
  res = await admin.post('/api/v1/feed-tokens', { commune_id: ids.C2, name: 'Điện An' });
  tokenC2 = res.body.data;
  res = await admin.get('/api/v1/feed-tokens');
  assert.equal(res.body.data.length, 2);
  assert.ok(!JSON.stringify(res.body).includes(tokenC1.token));

  const alarm = await raise('B2', 'fire', { note: 'Cháy bếp nhà số 12', lat: 15.89, lng: 108.25 });
  const p = `/cap/alerts/alarm-${alarm.id}.xml`;
  assert.equal(await status(p), 404);
  assert.equal(await status(`${p}?token=nonsense`), 404);
  assert.equal(await status(p, { authorization: `Bearer ${tokenC2.token}` }), 404);
  let doc = await cap(p, { authorization: `Bearer ${tokenC1.token}` });
  assert.match(doc, /<scope>Restricted<\/scope>/);
  assert.match(doc, /<restriction>[^<]+<\/restriction>/);
  assert.match(doc, /<category>Fire<\/category>/);
  assert.match(doc, /<urgency>Immediate<\/urgency>/);
  assert.match(doc, /Cháy bếp nhà số 12/);
  await cap(`${p}?token=${tokenC1.token}`);

  // the public feed never lists alarms; the restricted one does, with links under its token
  assert.doesNotMatch(await atom('/cap/alerts.atom'), /alarm-/);
  const feed = await atom(tokenC1.feed_url);
  const hrefs = links(feed);
  assert.ok(hrefs.some((h) => h.endsWith(`/cap/restricted/${tokenC1.token}/alerts/alarm-${alarm.id}.xml`)), feed);
  assert.ok(hrefs.some((h) => h.endsWith(storm.cap_url)), feed);
  for (const h of hrefs) {
    doc = await cap(new URL(h).pathname);
    if (h.includes('alarm-')) assert.match(doc, /<scope>Restricted<\/scope>/);
  }
  const feed2 = await atom(tokenC2.feed_url);
  assert.doesNotMatch(feed2, /alarm-/);
  assert.equal(await status(`/cap/restricted/${tokenC2.token}/alerts/alarm-${alarm.id}.xml`), 404);

  // resolved: the restricted CAP is a Cancel and the feed drops it
  await resolve(alarm);
  doc = await cap(p, { authorization: `Bearer ${tokenC1.token}` });
  assert.match(doc, /<msgType>Cancel<\/msgType>/);
  assert.doesNotMatch(await atom(tokenC1.feed_url), new RegExp(`alarm-${alarm.id}\\.xml`));

  // revoked: everything behind the token is 404
  assert.equal((await officer.delete(`/api/v1/feed-tokens/${tokenC1.id}`)).status, 403);
  assert.equal((await admin.delete(`/api/v1/feed-tokens/${tokenC1.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/feed-tokens/${tokenC1.id}`)).status, 404);
  assert.equal(await status(p, { authorization: `Bearer ${tokenC1.token}` }), 404);
  assert.equal(await status(tokenC1.feed_url), 404);
  assert.equal(await status(`/cap/restricted/${tokenC1.token}/alerts/alarm-${alarm.id}.xml`), 404);
});

test('webhooks: admins only, https unless allowed, validated events; an alarm is POSTed signed', async () => {
  assert.equal((await officer.post('/api/v1/webhooks', { url: `${hookUrl}/ok`, events: 'alarm.*' })).status, 403);
  let res = await admin.post('/api/v1/webhooks', { url: 'ftp://example.org/x', events: ['tip.created', 'alarm.'] });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.url && res.body.error.fields.events, JSON.stringify(res.body));
  res = await admin.post('/api/v1/webhooks', { url: `${hookUrl}/ok`, events: ['alarm.*', 'warning.issued'], commune_id: ids.C1 });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const okHook = res.body.data;
  assert.deepEqual(okHook.events, ['alarm.*', 'warning.issued']);
  res = await admin.get('/api/v1/webhooks');
  assert.ok(res.body.data.some((h) => h.id === okHook.id));
  assert.ok(!JSON.stringify(res.body).includes(okHook.secret));

  const alarm = await raise('B1', 'theft', { note: 'Trộm xe máy' });
  const got = await waitFor(() => received.find((r) => r.path === '/ok' && JSON.parse(r.body).data.id === alarm.id), 'the webhook POST');
  const body = JSON.parse(got.body);
  assert.equal(body.event, 'alarm.raised');
  assert.equal(got.headers['x-tiengmo-event'], 'alarm.raised');
  assert.match(body.at, /\+07:00$/);
  assert.ok(Number(got.headers['x-tiengmo-delivery']) > 0);
  const expected = 'sha256=' + createHmac('sha256', okHook.secret).update(got.body).digest('hex');
  assert.equal(got.headers['x-tiengmo-signature'], expected);
  const forged = 'sha256=' + createHmac('sha256', 'whsec_wrong').update(got.body).digest('hex');
  assert.notEqual(got.headers['x-tiengmo-signature'], forged);

  // a warning of C1 is delivered too (warning.issued); a C2 alarm is not (commune filter)
  res = await officer.post('/api/v1/warnings', { unit_id: ids.B3, kind: 'wanted', severity: 'moderate',
    title: 'Truy nã đối tượng Nguyễn Văn A', body: 'Ai thấy báo ngay cho công an phường.' });
  const w = res.body.data;
  await waitFor(() => received.find((r) => r.path === '/ok' && r.headers['x-tiengmo-event'] === 'warning.issued' &&
    JSON.parse(r.body).data.id === w.id), 'the warning POST');
  const d2 = await other.post('/api/v1/alarms', { kind: 'fight', unit_id: ids.D1 });
  assert.equal(d2.status, 201, JSON.stringify(d2.body));
  await resolve(alarm);
  await waitFor(() => received.find((r) => r.path === '/ok' && r.headers['x-tiengmo-event'] === 'alarm.resolved'), 'alarm.resolved');
  assert.ok(!received.some((r) => r.path === '/ok' && r.headers['x-tiengmo-event'].startsWith('alarm.') &&
    JSON.parse(r.body).data.id === d2.body.data.id));
  assert.equal((await other.post(`/api/v1/alarms/${d2.body.data.id}/resolve`, {})).status, 200);

  res = await admin.get(`/api/v1/webhooks/${okHook.id}/deliveries`);
  assert.equal(res.status, 200);
  assert.ok(res.body.data.some((d) => d.event === 'alarm.raised' && d.status === 'delivered' && d.http_code === 200 && d.attempts === 1));
  assert.equal((await admin.delete(`/api/v1/webhooks/${okHook.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/webhooks/${okHook.id}`)).status, 404);
  assert.equal((await admin.get(`/api/v1/webhooks/${okHook.id}/deliveries`)).status, 404);
});

test('a webhook that answers 500 twice then 200 gets three attempts of one delivery', async () => {
  const res = await admin.post('/api/v1/webhooks', { url: `${hookUrl}/flaky`, events: 'alarm.raised' });
  assert.equal(res.status, 201);
  const flaky = res.body.data;
  const alarm = await raise('B3', 'robbery');
  const done = await waitFor(async () => {
    const r = await admin.get(`/api/v1/webhooks/${flaky.id}/deliveries`);
    const d = r.body.data.find((x) => x.status !== 'pending');
    return d;
  }, 'the flaky delivery to succeed', 300);
  assert.equal(done.status, 'delivered');
  assert.equal(done.attempts, 3);
  assert.equal(done.http_code, 200);
  const calls = received.filter((r) => r.path === '/flaky');
  assert.equal(calls.length, 3);
  assert.equal(new Set(calls.map((c) => c.headers['x-tiengmo-delivery'])).size, 1);
  assert.ok(calls.every((c) => JSON.parse(c.body).data.id === alarm.id));
  await resolve(alarm);
  assert.equal((await admin.delete(`/api/v1/webhooks/${flaky.id}`)).status, 204);
});

test('a webhook that never answers does not hold back raising an alarm', async () => {
  const res = await admin.post('/api/v1/webhooks', { url: `${hookUrl}/hang`, events: 'alarm.*' });
  assert.equal(res.status, 201);
  const first = await raise('B1', 'fight');
  await waitFor(() => hanging.length > 0, 'the hanging webhook to be called');
  // the worker is now stuck on the silent endpoint; raising another alarm answers all the same,
  // while that request is still unanswered
  const res2 = await other.post('/api/v1/alarms', { kind: 'medical', unit_id: ids.D1 });
  assert.equal(res2.status, 201, JSON.stringify(res2.body));
  assert.ok(res2.body.data.id > first.id);
  assert.equal(hanging.length, 1);
  const d = await admin.get(`/api/v1/webhooks/${res.body.data.id}/deliveries`);
  assert.ok(d.body.data.every((x) => x.status === 'pending'));
});
