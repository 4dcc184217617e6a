// docs/openapi.yaml against the code: the spec parses, describes exactly the /api/ routes of the one
// route table in src/http/router.c (same methods, same path templates), gives every operation its
// responses with schemas that compile, and the response validator used by every API test really
// rejects a body that does not match (so those checks cannot pass silently).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { checkResponse } from './lib/openapi.js';
import { startServer } from './lib/server.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const spec = YAML.parse(readFileSync(path.join(root, 'docs/openapi.yaml'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// The route table's entries, read from the C text: {"METHOD", "/pattern", handler, PERM_…, …}.
function routerRoutes() {
  const c = readFileSync(path.join(root, 'src/http/router.c'), 'utf8');
  const table = c.match(/http_routes\[\]\s*=\s*\{([\s\S]*?)\n\};/);
  assert.ok(table, 'src/http/router.c has no http_routes[] table');
  const routes = [];
  for (const m of table[1].matchAll(/\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(\w+)/g)) {
    routes.push({ method: m[1], path: m[2], handler: m[3] });
  }
  return routes;
}

function specOperations() {
  const ops = [];
  for (const [p, item] of Object.entries(spec.paths || {})) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m.toUpperCase(), path: p, op: item[m], item });
  }
  return ops;
}

const key = (o) => `${o.method} ${o.path}`;

test('docs/openapi.yaml is OpenAPI 3.1 with paths and components', () => {
  assert.match(spec.openapi, /^3\.1\./);
  assert.ok(spec.info && spec.info.title && spec.info.version);
  assert.ok(Object.keys(spec.paths).length > 0);
  assert.ok(spec.components.schemas.Error);
  assert.equal(spec.components.securitySchemes.sessionCookie.in, 'cookie');
  assert.equal(spec.components.securitySchemes.sessionCookie.name, 'tiengmo_session');
  assert.equal(spec.components.securitySchemes.csrfToken.name, 'X-CSRF-Token');
});

test('the route table is read from src/http/router.c', () => {
  const routes = routerRoutes();
  // a parser that finds nothing would make the next two tests pass vacuously
  assert.ok(routes.length >= 20, `only ${routes.length} routes parsed`);
  assert.ok(routes.some((r) => r.method === 'POST' && r.path === '/api/v1/session'));
  assert.ok(routes.some((r) => r.method === 'GET' && r.path === '/healthz'));
});

test('every /api/ route of the router is described with its method', () => {
  const described = new Set(specOperations().map(key));
  const missing = routerRoutes()
    .filter((r) => r.path.startsWith('/api/'))
    .map(key)
    .filter((k) => !described.has(k));
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml');
});

test('every operation of the spec exists in the router', () => {
  const routed = new Set(routerRoutes().map(key));
  const extra = specOperations().map(key).filter((k) => !routed.has(k));
  assert.deepEqual(extra, [], 'operations in docs/openapi.yaml that the router does not serve');
});

test('a concrete path finds its own template first (the validator takes the first match)', () => {
  const templates = Object.keys(spec.paths);
  for (const r of routerRoutes().filter((x) => x.path.startsWith('/api/'))) {
    const concrete = r.path.replace(/\{[^}]+\}/g, '7');
    const first = templates.find((t) => new RegExp('^' + t.replace(/\{[^}]+\}/g, '[^/]+') + '$').test(concrete));
    assert.equal(first, r.path, `${r.method} ${concrete} would be checked against ${first}`);
  }
});

test('every path parameter is declared, as an integer id or a code with a pattern', () => {
  for (const o of specOperations()) {
    const names = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const params = [...(o.item.parameters || []), ...(o.op.parameters || [])].map((p) =>
      p.$ref ? spec.components.parameters[p.$ref.split('/').pop()] : p);
    for (const n of names) {
      const p = params.find((x) => x && x.in === 'path' && x.name === n);
      assert.ok(p, `${key(o)} does not declare path parameter ${n}`);
      assert.equal(p.required, true, `${key(o)}: path parameter ${n} must be required`);
      const schema = p.schema && p.schema.$ref ? spec.components.schemas[p.schema.$ref.split('/').pop()] : p.schema;
      // an id, or a code of a fixed form (a string with a pattern, such as an alarm kind's code)
      if (!(schema && schema.type === 'string' && schema.pattern)) {
        assert.equal(schema && schema.type, 'integer', `${key(o)}: path parameter ${n} is not an integer`);
      }
    }
  }
});

test('every operation has responses, an error response and a success', () => {
  for (const o of specOperations()) {
    const codes = Object.keys(o.op.responses || {});
    assert.ok(codes.length > 0, `${key(o)} has no responses`);
    assert.ok(codes.includes('default') || codes.some((c) => c.startsWith('4')),
      `${key(o)} describes no 4xx response`);
    assert.ok(codes.some((c) => /^2\d\d$/.test(c)), `${key(o)} describes no success`);
    if (codes.includes('204')) {
      assert.equal(o.op.responses['204'].content, undefined, `${key(o)}: a 204 has no content`);
    }
    if (codes.includes('429')) {
      const r = o.op.responses['429'];
      const resolved = r.$ref ? spec.components.responses[r.$ref.split('/').pop()] : r;
      assert.ok(resolved.headers && resolved.headers['Retry-After'], `${key(o)}: 429 without Retry-After`);
    }
  }
});

test('every response schema compiles (no dangling $ref)', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...spec, $id: 'openapi.json' });
  let n = 0;
  for (const o of specOperations()) {
    for (const [code, r] of Object.entries(o.op.responses)) {
      const ptr = r.$ref
        ? `openapi.json#/components/responses/${r.$ref.split('/').pop()}/content/application~1json/schema`
        : `openapi.json#/paths/${o.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${o.method.toLowerCase()}/responses/${code}/content/application~1json/schema`;
      const resolved = r.$ref ? spec.components.responses[r.$ref.split('/').pop()] : r;
      assert.ok(resolved, `${key(o)} ${code}: ${r.$ref} does not resolve`);
      if (!resolved.content || !resolved.content['application/json']) continue;
      assert.doesNotThrow(() => ajv.getSchema(ptr), `${key(o)} ${code}`);
      assert.equal(typeof ajv.getSchema(ptr), 'function', `${key(o)} ${code}`);
      n++;
    }
  }
  assert.ok(n > 20, `only ${n} JSON response schemas found`);
});

// JSON Schema 2020-12 keywords (and the OpenAPI extras) a schema here may use. An unknown key is
// almost always a YAML slip, such as a comma inside a {flow: mapping} turning half a description
// into a property name, which the validator would silently ignore.
const KEYWORDS = new Set([
  '$ref', '$id', '$defs', '$comment', 'type', 'enum', 'const', 'format', 'pattern', 'minLength', 'maxLength',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'items', 'prefixItems',
  'minItems', 'maxItems', 'uniqueItems', 'contains', 'properties', 'required', 'additionalProperties',
  'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'unevaluatedProperties',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas',
  'title', 'description', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly',
  'contentMediaType', 'contentEncoding', 'discriminator', 'xml', 'externalDocs',
]);

function eachSchema(schema, where, visit) {
  if (!schema || typeof schema !== 'object') return;
  visit(schema, where);
  for (const k of ['properties', 'patternProperties', '$defs', 'dependentSchemas']) {
    for (const [name, sub] of Object.entries(schema[k] || {})) eachSchema(sub, `${where}.${k}.${name}`, visit);
  }
  for (const k of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']) {
    if (typeof schema[k] === 'object') eachSchema(schema[k], `${where}.${k}`, visit);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    (schema[k] || []).forEach((sub, i) => eachSchema(sub, `${where}.${k}[${i}]`, visit));
  }
}

function allSchemas() {
  const out = [];
  for (const [n, sch] of Object.entries(spec.components.schemas)) out.push([sch, `schemas.${n}`]);
  for (const [n, p] of Object.entries(spec.components.parameters || {})) out.push([p.schema, `parameters.${n}`]);
  for (const [n, r] of Object.entries(spec.components.responses || {})) {
    for (const [ct, c] of Object.entries(r.content || {})) out.push([c.schema, `responses.${n}.${ct}`]);
  }
  for (const o of specOperations()) {
    for (const p of [...(o.item.parameters || []), ...(o.op.parameters || [])]) if (p.schema) out.push([p.schema, `${key(o)} ${p.name}`]);
    for (const [ct, c] of Object.entries((o.op.requestBody && o.op.requestBody.content) || {})) {
      out.push([c.schema, `${key(o)} body ${ct}`]);
    }
    for (const [code, r] of Object.entries(o.op.responses)) {
      for (const [ct, c] of Object.entries(r.content || {})) out.push([c.schema, `${key(o)} ${code} ${ct}`]);
    }
  }
  return out;
}

test('every schema uses only JSON Schema keywords, and every property has a schema', () => {
  const bad = [];
  let n = 0;
  for (const [schema, where] of allSchemas()) {
    eachSchema(schema, where, (s, w) => {
      n++;
      for (const k of Object.keys(s)) if (!KEYWORDS.has(k) && !k.startsWith('x-')) bad.push(`${w}: ${k}`);
      for (const [name, sub] of Object.entries(s.properties || {})) {
        if (!sub || typeof sub !== 'object') bad.push(`${w}.properties.${name}: not a schema`);
      }
    });
  }
  assert.ok(n > 100, `only ${n} schemas walked`);
  assert.deepEqual(bad, []);
});

const T = '2020-11-03T08:30:00+07:00';
const unit = { id: 3, parent_id: 1, kind: 'block', code: 'K1', name: 'Khối phố 1', created_at: T, updated_at: T };

test('the validator accepts a body that matches the spec', () => {
  checkResponse('GET', '/api/v1/units/3', 200, { data: unit });
  checkResponse('GET', '/api/v1/units?parent=1', 200, { data: [unit], next_cursor: null });
  checkResponse('DELETE', '/api/v1/units/3', 409, { error: { code: 'conflict', message: 'unit "K1" is not empty' } });
});

test('the validator rejects a body that does not match the spec', () => {
  const wrong = [
    ['a missing field', { data: { ...unit, name: undefined } }],
    ['an unknown field', { data: { ...unit, secret: 'x' } }],
    ['a kind outside the enum', { data: { ...unit, kind: 'district' } }],
    ['a time in UTC', { data: { ...unit, created_at: '2020-11-03T01:30:00Z' } }],
    ['a string id', { data: { ...unit, id: '3' } }],
    ['no data wrapper', unit],
  ];
  for (const [what, body] of wrong) {
    assert.throws(() => checkResponse('GET', '/api/v1/units/3', 200, JSON.parse(JSON.stringify(body))),
      /does not match docs\/openapi\.yaml/, what);
  }
  assert.throws(() => checkResponse('GET', '/api/v1/units/3', 404, { error: { code: 'no_such_code', message: 'x' } }),
    /does not match/, 'an error code outside the list');
  assert.throws(() => checkResponse('GET', '/api/v1/units?limit=5', 200, { data: [unit] }),
    /does not match/, 'a page without next_cursor');
  assert.throws(() => checkResponse('GET', '/api/v1/nowhere', 200, {}), /does not describe/,
    'an undescribed path');
});

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('a real error response from the server passes through the validator', async () => {
  const res = await srv.client().get('/api/v1/units');
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, 'unauthenticated');
  // and the same body, altered, would not
  assert.throws(() => checkResponse('GET', '/api/v1/units', 401, { error: { ...res.body.error, extra: 1 } }),
    /does not match/);
});
