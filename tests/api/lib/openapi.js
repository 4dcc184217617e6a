// Checks API responses against docs/openapi.yaml (OpenAPI 3.1, JSON Schema 2020-12) with Ajv.
// checkResponse throws when the path and method are described but the body does not match the
// schema of its status (or of "default"); paths not under /api/ are not checked.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const specPath = path.join(root, 'docs/openapi.yaml');
let spec = null;
let ajv = null;
const compiled = new Map();

function load() {
  if (spec || !existsSync(specPath)) return;
  spec = YAML.parse(readFileSync(specPath, 'utf8'));
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...spec, $id: 'openapi.json' });
}

function findOperation(method, p) {
  const pathname = p.split('?')[0];
  for (const [tmpl, item] of Object.entries(spec.paths || {})) {
    const re = new RegExp('^' + tmpl.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(pathname)) {
      const op = item[method.toLowerCase()];
      return { tmpl, op };
    }
  }
  return null;
}

export function checkResponse(method, p, status, body) {
  if (!p.startsWith('/api/')) return;
  load();
  if (!spec) return;
  const found = findOperation(method, p);
  if (!found || !found.op) {
    throw new Error(`docs/openapi.yaml does not describe ${method} ${p.split('?')[0]}`);
  }
  const responses = found.op.responses || {};
  const key = responses[String(status)] ? String(status) : (responses.default ? 'default' : null);
  if (!key) throw new Error(`docs/openapi.yaml: ${method} ${found.tmpl} has no response ${status}`);
  const resp = responses[key];
  let content = resp.content && resp.content['application/json'];
  if (!content && resp.$ref) {
    const name = resp.$ref.split('/').pop();
    const shared = spec.components.responses[name];
    content = shared && shared.content && shared.content['application/json'];
  }
  if (!content || !content.schema) return;
  const id = `${method} ${found.tmpl} ${key}`;
  let validate = compiled.get(id);
  if (!validate) {
    const ptr = resp.$ref
      ? `openapi.json#/components/responses/${resp.$ref.split('/').pop()}/content/application~1json/schema`
      : `openapi.json#/paths/${found.tmpl.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${key}/content/application~1json/schema`;
    validate = ajv.getSchema(ptr);
    compiled.set(id, validate);
  }
  if (validate && !validate(body)) {
    throw new Error(`response of ${method} ${p} (${status}) does not match docs/openapi.yaml: ` +
      ajv.errorsText(validate.errors) + `\nbody: ${JSON.stringify(body).slice(0, 500)}`);
  }
}
