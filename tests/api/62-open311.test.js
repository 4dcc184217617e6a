// Open311 GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests (GET and
// POST), one request, tokens — each in .json and .xml. Every JSON answer is validated with Ajv against
// the shared schemas (../shared/standards/open311-georeport-v2/*.json; the POST, token and error
// answers, which no shared schema covers whole, against the shared request.json's own field types);
// every XML answer must be well-formed (xmllint) and carry the same fields as its JSON twin.
// Private (crime) categories are accepted by POST but never listed; keys come from `tiengmo apikey`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startServer } from './lib/server.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const stdDir = path.resolve(root, '../shared/standards/open311-georeport-v2');
const PW = 'mat-khau-rat-dai-1';
const PUBLIC = ['noise', 'obstruction', 'unlit_alley', 'fire_hazard'];
const PRIVATE = ['drugs', 'theft', 'gambling', 'trafficking', 'violence', 'wanted_person'];

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json'])
  ajv.addSchema(JSON.parse(readFileSync(path.join(stdDir, f), 'utf8')), f);
const reqProps = JSON.parse(readFileSync(path.join(stdDir, 'request.json'), 'utf8')).properties;
// The POST answer and the token answer: the spec's fields, typed as the shared request.json types them.
ajv.addSchema({
  type: 'array', minItems: 1,
  items: {
    type: 'object', required: ['token'], additionalProperties: false,
    properties: { token: { type: 'string' }, service_notice: reqProps.service_notice, account_id: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
  },
}, 'post-answer');
ajv.addSchema({
  type: 'array', minItems: 1,
  items: {
    type: 'object', required: ['service_request_id', 'token'], additionalProperties: false,
    properties: { service_request_id: reqProps.service_request_id, token: { type: 'string' } },
  },
}, 'token-answer');
ajv.addSchema({
  type: 'array', minItems: 1,
  items: { type: 'object', required: ['code', 'description'], additionalProperties: false,
    properties: { code: { type: 'integer' }, description: { type: 'string' } } },
}, 'errors');
ajv.addSchema({
  type: 'object', required: ['changeset', 'contact', 'endpoints'],
  properties: {
    endpoints: { type: 'array', minItems: 1, items: { type: 'object', required: ['specification', 'url', 'type', 'formats'],
      properties: { formats: { type: 'array', items: { type: 'string' } } } } },
  },
}, 'discovery');

function valid(schema, body) {
  const v = ajv.getSchema(schema);
  assert.ok(v(body), `${schema}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(body)}`);
}

// Well-formed by xmllint, then read into the same shape as the JSON (Spark convention): the root's
// children are items (an array), each item's children are fields; nested lists become arrays.
function wellFormed(xml) {
  const r = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
  assert.equal(r.status, 0, `xmllint: ${r.stderr}\n${xml}`);
  assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>/);
}
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
function children(s) { // [name, inner|null] of the direct children of an element's content
  const out = [];
  const re = /<([a-z_]+)\/>|<([a-z_]+)>/g;
  let m;
  while ((m = re.exec(s))) {
    if (m[1]) { out.push([m[1], null]); continue; }
    const name = m[2];
    let depth = 1, i = re.lastIndex;
    const tag = new RegExp(`<${name}>|</${name}>`, 'g');
    tag.lastIndex = i;
    let t;
    while (depth && (t = tag.exec(s))) depth += t[0].startsWith('</') ? -1 : 1;
    out.push([name, s.slice(i, t.index)]);
    re.lastIndex = tag.lastIndex;
  }
  return out;
}
function rootContent(xml) {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const [[name, inner]] = children(body);
  return { name, inner: inner || '' };
}
// Compares the JSON fields of one object with the XML element's children, as text.
function sameFields(obj, inner, where) {
  const kids = children(inner);
  const xmlKeys = kids.map(([k]) => k).sort();
  assert.deepEqual(xmlKeys, Object.keys(obj).sort(), `${where}: the same fields in XML and JSON`);
  for (const [k, v] of kids) {
    const j = obj[k];
    if (Array.isArray(j)) continue; // nested lists: compared by their callers
    if (j === null) assert.ok(v === null || v === '', `${where}.${k}: null is an empty element`);
    else assert.equal(unescape(v), String(j), `${where}.${k}`);
  }
}
function sameList(json, xml, rootName, itemName) {
  wellFormed(xml);
  const { name, inner } = rootContent(xml);
  assert.equal(name, rootName);
  const items = children(inner);
  assert.equal(items.length, json.length, `${rootName}: as many items in XML as in JSON`);
  items.forEach(([n, i], k) => { assert.equal(n, itemName); sameFields(json[k], i, `${rootName}[${k}]`); });
}

let srv, key;
const base = () => `${srv.url}/open311/v2`;
async function get(p) {
  const res = await fetch(base() + p);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}
async function getBoth(p, query = '') { // the .json and .xml twins of a GET
  const j = await get(`${p}.json${query}`), x = await get(`${p}.xml${query}`);
  assert.equal(j.status, x.status, `${p}: the same status in both formats`);
  assert.match(j.type, /^application\/json; charset=utf-8/);
  assert.match(x.type, /^text\/xml; charset=utf-8/);
  return { status: j.status, json: JSON.parse(j.text), xml: x.text };
}
async function post(fields, fmt = 'json') {
  const res = await fetch(`${base()}/requests.${fmt}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, text, body: fmt === 'json' ? JSON.parse(text) : text };
}
function expectError(res, status, fmt = 'json') {
  assert.equal(res.status, status, res.text);
  if (fmt === 'json') {
    valid('errors', res.body);
    assert.equal(res.body[0].code, status);
  } else {
    wellFormed(res.text);
    assert.match(res.text, new RegExp(`<errors><error><code>${status}</code><description>[^<]+</description></error></errors>`));
  }
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  let parent;
  for (const [kind, code, name] of [['province', 'P1', 'Tỉnh Quảng Nam'], ['commune', 'C1', 'Phường Vĩnh Điện']]) {
    const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: parent } : {}) });
    assert.equal(res.status, 201);
    parent = res.body.data.id;
  }
  srv.addUser('officer1', PW, 'officer', 'C1');
  const r = srv.cli(['apikey', 'add', '--name', 'ung-dung-phan-anh']);
  assert.equal(r.status, 0, r.stderr);
  key = r.stdout.trim();
  assert.match(key, /^tm311_[A-Za-z0-9_-]{40,}$/);
});
after(async () => { await srv.stop(); });

test('discovery names GeoReport v2 with both formats', async () => {
  const { status, json, xml } = await getBoth('/discovery');
  assert.equal(status, 200);
  valid('discovery', json);
  assert.equal(json.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.deepEqual(json.endpoints[0].formats, ['text/xml', 'application/json']);
  wellFormed(xml);
  const { name, inner } = rootContent(xml);
  assert.equal(name, 'discovery');
  const top = Object.fromEntries(children(inner));
  assert.equal(unescape(top.contact), json.contact);
  const [[, endpoint]] = children(top.endpoints);
  const ep = Object.fromEntries(children(endpoint));
  assert.equal(ep.specification, json.endpoints[0].specification);
  assert.deepEqual(children(ep.formats).map(([, v]) => v), json.endpoints[0].formats);
});

test('services list the public-order categories only; crime categories are never listed', async () => {
  const { status, json, xml } = await getBoth('/services');
  assert.equal(status, 200);
  valid('services.json', json);
  assert.deepEqual(json.map((s) => s.service_code).sort(), [...PUBLIC].sort());
  for (const p of PRIVATE) assert.ok(!xml.includes(`>${p}<`), `${p} is not in the XML list`);
  sameList(json, xml, 'services', 'service');
});

test('a service definition for a public code; 404 for private and unknown codes, in both formats', async () => {
  const ok = await getBoth('/services/noise');
  assert.equal(ok.status, 200);
  valid('service-definition.json', ok.json);
  assert.equal(ok.json.service_code, 'noise');
  wellFormed(ok.xml);
  const { name, inner } = rootContent(ok.xml);
  assert.equal(name, 'service_definition');
  assert.deepEqual(children(inner).map(([k]) => k), ['service_code', 'attributes']);
  for (const code of ['drugs', 'nope']) {
    const j = await get(`/services/${code}.json`), x = await get(`/services/${code}.xml`);
    expectError({ status: j.status, text: j.text, body: JSON.parse(j.text) }, 404);
    expectError({ status: x.status, text: x.text }, 404, 'xml');
  }
});

test('round trip: POST gives a token, the token gives the id, the id gives the request in both formats', async () => {
  const res = await post({ api_key: key, service_code: 'noise', lat: '15.8912345', long: '108.2512345',
    address_string: 'số 12 ngõ 4 đường Trần Phú', description: 'Hát karaoke <to> & muộn sau 23 giờ', first_name: 'Lan', phone: '0905123456' });
  assert.equal(res.status, 200, res.text);
  valid('post-answer', res.body);
  const token = res.body[0].token;
  assert.ok(!('service_request_id' in res.body[0]), 'a batch service answers a token, not an id');

  const byToken = await getBoth(`/tokens/${token}`);
  assert.equal(byToken.status, 200);
  valid('token-answer', byToken.json);
  assert.equal(byToken.json[0].token, token);
  sameList(byToken.json, byToken.xml, 'service_requests', 'request');
  const id = byToken.json[0].service_request_id;

  const one = await getBoth(`/requests/${id}`);
  assert.equal(one.status, 200);
  valid('requests.json', one.json);
  const r = one.json[0];
  assert.equal(r.service_request_id, id);
  assert.equal(r.status, 'open');
  assert.equal(r.service_code, 'noise');
  assert.equal(r.service_name, 'Gây ồn ào');
  assert.equal(r.lat, 15.891, 'the location is rounded to about 100 m');
  assert.equal(r.long, 108.251);
  for (const hidden of ['description', 'address_id', 'media_url', 'email', 'phone', 'first_name'])
    assert.ok(!(hidden in r), `${hidden} is never published`);
  assert.ok(!one.xml.includes('karaoke') && !one.xml.includes('Trần Phú') && !one.xml.includes('0905123456'),
    'neither the description, the typed address nor the contact appears in XML');
  assert.notEqual(r.address, 'số 12 ngõ 4 đường Trần Phú', 'the address is the unit, not what was typed');
  sameList(one.json, one.xml, 'service_requests', 'request');

  const list = await getBoth('/requests');
  valid('requests.json', list.json);
  assert.ok(list.json.some((x) => x.service_request_id === id));
  sameList(list.json, list.xml, 'service_requests', 'request');

  // the officer sees the tip, from Open311, identified, with its full description
  const officer = await srv.login('officer1', PW);
  const tip = await officer.get(`/api/v1/tips/${id}`);
  assert.equal(tip.status, 200);
  const t = tip.body.data.tip || tip.body.data;
  assert.equal(t.source, 'open311');
  assert.equal(t.anonymous, false);
  assert.equal(t.description, 'Hát karaoke <to> & muộn sau 23 giờ');

  // a wrong token is not found; a token of another id does not fit
  const bad = await get(`/tokens/${id}-000000000000000000000000.json`);
  assert.equal(bad.status, 404);
  valid('errors', JSON.parse(bad.text));
});

test('the XML answer of POST carries the same fields; without contact details the tip is anonymous', async () => {
  const res = await post({ api_key: key, service_code: 'unlit_alley', address_string: 'kiệt 5', description: 'ngõ tối' }, 'xml');
  assert.equal(res.status, 200, res.text);
  wellFormed(res.text);
  const { name, inner } = rootContent(res.text);
  assert.equal(name, 'service_requests');
  const [[item, fields]] = children(inner);
  assert.equal(item, 'request');
  assert.deepEqual(children(fields).map(([k]) => k), ['token', 'service_notice', 'account_id']);
  const token = children(fields)[0][1];
  const id = JSON.parse((await get(`/tokens/${token}.json`)).text)[0].service_request_id;
  const officer = await srv.login('officer1', PW);
  const tip = await officer.get(`/api/v1/tips/${id}`);
  const t = tip.body.data.tip || tip.body.data;
  assert.equal(t.anonymous, true);
  assert.equal(t.has_identity, false);
});

test('a private category is accepted by POST but absent from every public GET', async () => {
  const res = await post({ api_key: key, service_code: 'drugs', address_string: 'khu vực chợ', description: 'có người bán ma túy' });
  assert.equal(res.status, 200, res.text);
  valid('post-answer', res.body);
  const tok = await get(`/tokens/${res.body[0].token}.json`);
  assert.equal(tok.status, 200);
  const id = JSON.parse(tok.text)[0].service_request_id;
  const one = await get(`/requests/${id}.json`);
  expectError({ status: one.status, text: one.text, body: JSON.parse(one.text) }, 404);
  const list = await getBoth('/requests');
  assert.ok(!list.json.some((x) => x.service_request_id === id || PRIVATE.includes(x.service_code)));
  assert.ok(!list.xml.includes('drugs'));
  const byIds = await get(`/requests.json?service_request_id=${id}`);
  assert.deepEqual(JSON.parse(byIds.text), []);
  const byCode = await get('/requests.json?service_code=drugs');
  assert.equal(byCode.status, 404);
  const officer = await srv.login('officer1', PW);
  assert.equal((await officer.get(`/api/v1/tips/${id}`)).status, 200, 'the police have it');
});

test('POST without a key, with an unknown key or a revoked one → 403, in both formats', async () => {
  const fields = { service_code: 'noise', address_string: 'x', description: 'y' };
  expectError(await post(fields), 403);
  expectError(await post({ ...fields, api_key: 'tm311_not-a-key' }), 403);
  expectError(await post({ ...fields, api_key: 'tm311_not-a-key' }, 'xml'), 403, 'xml');
  const r = srv.cli(['apikey', 'add', '--name', 'tam-thoi']);
  assert.equal(r.status, 0);
  const temp = r.stdout.trim();
  assert.equal((await post({ ...fields, api_key: temp })).status, 200);
  const list = srv.cli(['apikey', 'list']);
  assert.ok(!list.stdout.includes(temp), 'the list never shows a key');
  assert.match(list.stdout, /tam-thoi\t\S+\tactive/);
  assert.equal(srv.cli(['apikey', 'revoke', '--name', 'tam-thoi']).status, 0);
  expectError(await post({ ...fields, api_key: temp }), 403);
  assert.equal(srv.cli(['apikey', 'revoke', '--name', 'tam-thoi']).status, 1, 'revoked once only');
});

test('POST with a missing or unknown service_code, no location or no description → 400/404 and nothing stored', async () => {
  const before = JSON.parse((await get('/requests.json')).text).length;
  expectError(await post({ api_key: key, address_string: 'x', description: 'y' }), 400);
  expectError(await post({ api_key: key, service_code: 'nope', address_string: 'x', description: 'y' }), 404);
  expectError(await post({ api_key: key, service_code: 'nope', address_string: 'x', description: 'y' }, 'xml'), 404, 'xml');
  expectError(await post({ api_key: key, service_code: 'noise', description: 'y' }), 400);
  expectError(await post({ api_key: key, service_code: 'noise', lat: '15.9', description: 'y' }), 400);
  expectError(await post({ api_key: key, service_code: 'noise', lat: '95', long: '108', description: 'y' }), 400);
  expectError(await post({ api_key: key, service_code: 'noise', address_string: 'x' }), 400);
  expectError(await post({ api_key: key, service_code: 'noise', address_string: 'x', description: 'y'.repeat(4001) }), 400);
  const raw = async (body) => {
    const res = await fetch(`${base()}/requests.json`, { method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  };
  const k = encodeURIComponent(key);
  expectError(await raw(`api_key=${k}&service_code=noise&address_string=%ff%fe&description=y`), 400);
  expectError(await raw(`api_key=${k}&service_code=noise&address_string=x&phone=09%0a05&description=y`), 400);
  expectError(await raw(`api_key=${k}&service_code=noise&address_string=x&description=a%00b`), 400);
  expectError(await raw(`api_key=${k}&service_code=noise&address_string=x&description=%zz`), 400);
  expectError(await raw(`api_key=${k}&service_code=noise&${'a=b&'.repeat(40)}address_string=x&description=y`), 400);
  assert.equal(JSON.parse((await get('/requests.json')).text).length, before);
  // line breaks are fine in a description
  assert.equal((await raw(`api_key=${k}&service_code=obstruction&address_string=x&description=d%C3%B2ng+1%0D%0Ad%C3%B2ng+2`)).status, 200);
});

test('GET filters: status, service_code, dates; bad arguments → 400; unknown ids and formats → 404', async () => {
  const closed = await get('/requests.json?status=closed');
  assert.deepEqual(JSON.parse(closed.text), [], 'nothing is closed yet');
  const open = JSON.parse((await get('/requests.json?status=open&service_code=noise')).text);
  assert.ok(open.length >= 1 && open.every((x) => x.service_code === 'noise' && x.status === 'open'));
  valid('requests.json', open);
  assert.equal((await get('/requests.json?status=maybe')).status, 400);
  assert.equal((await get('/requests.json?status=open,maybe')).status, 400);

  // the officer resolves one: it is closed from then on, with its new updated_datetime
  const officer = await srv.login('officer1', PW);
  const id = open[open.length - 1].service_request_id;
  assert.equal((await officer.patch(`/api/v1/tips/${id}`, { status: 'verifying' })).status, 200);
  assert.equal((await officer.patch(`/api/v1/tips/${id}`, { status: 'resolved' })).status, 200);
  const nowClosed = await getBoth('/requests', '?status=closed');
  valid('requests.json', nowClosed.json);
  assert.deepEqual(nowClosed.json.map((x) => [x.service_request_id, x.status]), [[id, 'closed']]);
  sameList(nowClosed.json, nowClosed.xml, 'service_requests', 'request');
  const stillOpen = JSON.parse((await get('/requests.json?status=open')).text);
  assert.ok(!stillOpen.some((x) => x.service_request_id === id));
  const both = JSON.parse((await get('/requests.json?status=open,closed')).text);
  assert.equal(both.length, stillOpen.length + 1);
  assert.equal(JSON.parse((await get(`/requests/${id}.json`)).text)[0].status, 'closed');
  assert.equal((await get('/requests.json?start_date=yesterday')).status, 400);
  assert.deepEqual(JSON.parse((await get('/requests.json?end_date=2000-01-01T00:00:00Z')).text), []);
  assert.equal((await get('/requests/999999.json')).status, 404);
  assert.equal((await get('/requests/abc.xml')).status, 404);
  assert.equal((await get('/services.csv')).status, 404);
  for (const p of ['/services', '/discovery', '/nothing.json', '/requests']) {
    const res = await get(p);
    assert.equal(res.status, 404, `${p} is an Open311 404, not the web app`);
    valid('errors', JSON.parse(res.text));
  }
  const xml404 = await get('/nothing.xml');
  assert.equal(xml404.status, 404);
  wellFormed(xml404.text);
});

test('admins issue, list and revoke keys in the app; the key is shown once; others are refused', async () => {
  const admin = await srv.login('root', PW);
  const made = await admin.post('/api/v1/api-keys', { name: 'đối tác' });
  assert.equal(made.status, 201);
  const { id, key: appKey } = made.body.data;
  assert.match(appKey, /^tm311_/);
  assert.equal((await admin.post('/api/v1/api-keys', { name: 'đối tác' })).status, 422, 'names are unique');
  assert.equal((await admin.post('/api/v1/api-keys', {})).status, 422);
  const list = await admin.get('/api/v1/api-keys');
  assert.equal(list.status, 200);
  const row = list.body.data.find((k) => k.id === id);
  assert.equal(row.revoked_at, null);
  assert.ok(!JSON.stringify(list.body).includes(appKey), 'the list never shows a key');
  const fields = { service_code: 'fire_hazard', address_string: 'chợ', description: 'bình gas rò rỉ' };
  assert.equal((await post({ ...fields, api_key: appKey })).status, 200);

  const officer = await srv.login('officer1', PW);
  assert.equal((await officer.get('/api/v1/api-keys')).status, 403);
  assert.equal((await officer.post('/api/v1/api-keys', { name: 'x' })).status, 403);
  assert.equal((await officer.delete(`/api/v1/api-keys/${id}`)).status, 403);
  assert.equal((await srv.client().get('/api/v1/api-keys')).status, 401);

  assert.equal((await admin.delete(`/api/v1/api-keys/${id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/api-keys/${id}`)).status, 404);
  expectError(await post({ ...fields, api_key: appKey }), 403);
  const after = (await admin.get('/api/v1/api-keys')).body.data.find((k) => k.id === id);
  assert.match(after.revoked_at, /\+07:00$/);
});

test('POST is limited per key: the 61st request in a minute is 429 with Retry-After; another key still posts', async () => {
  const busy = srv.cli(['apikey', 'add', '--name', 'ung-dung-ban-ron']).stdout.trim();
  const calm = srv.cli(['apikey', 'add', '--name', 'ung-dung-binh-thuong']).stdout.trim();
  const fields = { service_code: 'noise', address_string: 'kiệt 7', description: 'ồn ào' };
  const before = JSON.parse((await get('/requests.json')).text).length;
  for (let i = 0; i < 60; i++) assert.equal((await post({ ...fields, api_key: busy })).status, 200, `request ${i + 1}`);
  for (const fmt of ['json', 'xml']) {
    const res = await fetch(`${base()}/requests.${fmt}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, api_key: busy }).toString(),
    });
    const text = await res.text();
    expectError({ status: res.status, text, body: fmt === 'json' ? JSON.parse(text) : text }, 429, fmt);
    const wait = Number(res.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${res.headers.get('retry-after')}`);
  }
  assert.equal(JSON.parse((await get('/requests.json')).text).length, before + 60, 'the refused ones are not stored');
  assert.equal((await post({ ...fields, api_key: calm })).status, 200, 'the limit is per key');
});
