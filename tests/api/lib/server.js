// The API test harness: starts the real tiengmo binary on a fresh temporary database and a free
// loopback port, and gives tests a small HTTP client that keeps the session cookie and CSRF token.
//
//   import { startServer } from './lib/server.js';
//   const srv = await startServer();              // TIENGMO_BIN or build/tiengmo
//   const admin = await srv.login('admin', 'pw'); // after srv.cli(['user', 'add', ...])
//   const res = await admin.get('/api/v1/units'); // { status, headers, body (parsed JSON or text) }
//   await srv.stop();
//
// Every JSON response that passes through a client is checked against docs/openapi.yaml when the
// validator (lib/openapi.js) knows the path; an undescribed path or a mismatch fails the test.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkResponse } from './openapi.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const BIN = path.resolve(root, process.env.TIENGMO_BIN || 'build/tiengmo');

// The database URL for a data directory: SQLite by default; the PostgreSQL suite sets
// TIENGMO_TEST_PG to a base URL (scripts/pg-test.sh) and each data directory gets its own fresh
// database there, the same one every time it is asked for (a restarted server, the CLI).
const PG_BASE = process.env.TIENGMO_TEST_PG || '';
const pgDatabases = new Map(); // dataDir -> database name
let pgCounter = 0;

// The base URL with its database name replaced: postgresql://host/NAME?… or postgresql:///NAME?…
export function pgUrlWithDb(base, name) {
  const m = base.match(/^(postgres(?:ql)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/);
  if (!m) throw new Error('TIENGMO_TEST_PG is not a postgres:// URL');
  return `${m[1]}/${name}${m[2] || ''}`;
}

function psql(sql) {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', PG_BASE, '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr || r.error}`);
}

export function dbUrlFor(dataDir) {
  if (!PG_BASE) return `sqlite:${dataDir}/tiengmo.db`;
  let name = pgDatabases.get(dataDir);
  if (!name) {
    name = `t_${process.pid}_${++pgCounter}_${Math.random().toString(36).slice(2, 8)}`;
    psql(`CREATE DATABASE ${name}`);
    pgDatabases.set(dataDir, name);
  }
  return pgUrlWithDb(PG_BASE, name);
}

// Drops the database that dbUrlFor made for dataDir (PostgreSQL only; SQLite's goes with the directory).
export function dropDbFor(dataDir) {
  const name = pgDatabases.get(dataDir);
  if (!name) return;
  pgDatabases.delete(dataDir);
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function startServer({ env = {}, args = [], dataDir } = {}) {
  const dir = dataDir || mkdtempSync(path.join(tmpdir(), 'tiengmo-test-'));
  const baseEnv = {
    ...process.env,
    TIENGMO_DATA_DIR: dir,
    TIENGMO_DB: dbUrlFor(dir),
    TIENGMO_THREADS: '2',
    ...env,
  };
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', ...args], {
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 15000);
    const onData = (d) => {
      log += d.toString();
      const m = log.match(/listening .*port=(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stderr.on('data', onData);
    proc.stdout.on('data', (d) => { log += d.toString(); });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  proc.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));

  const srv = {
    url,
    port,
    dataDir: dir,
    proc,
    exited,
    env: baseEnv,
    log: () => log,
    // Runs the CLI on the same database; returns { status, stdout, stderr }.
    cli(cliArgs, { input, env: extra = {} } = {}) {
      const r = spawnSync(BIN, cliArgs, { env: { ...baseEnv, ...extra }, input, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    // Creates a user from the command line: role on a unit code (or none for an installation admin).
    addUser(username, password, role, unitCode) {
      const a = ['user', 'add', '--username', username, '--role', role, '--password-stdin'];
      if (unitCode) a.push('--unit', unitCode);
      const r = srv.cli(a, { input: `${password}\n` });
      if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
      return r;
    },
    client() {
      return makeClient(url);
    },
    async login(username, password, extra = {}) {
      const c = makeClient(url);
      const res = await c.post('/api/v1/session', { username, password, ...extra });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return c;
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const r = await exited;
      if (!dataDir) {
        rmSync(dir, { recursive: true, force: true });
        dropDbFor(dir);
      }
      return r;
    },
  };
  return srv;
}

// A client keeps the session cookie and CSRF token, like a browser tab of the web app.
export function makeClient(url) {
  const c = {
    cookie: null,
    csrf: null,
    async request(method, p, { body, headers = {}, raw = false, csrf = true } = {}) {
      const h = { ...headers };
      if (c.cookie) h.cookie = c.cookie;
      if (csrf && c.csrf && method !== 'GET') h['x-csrf-token'] = c.csrf;
      let payload = body;
      if (body !== undefined && !raw && typeof body !== 'string') {
        payload = JSON.stringify(body);
        h['content-type'] = h['content-type'] || 'application/json';
      }
      const res = await fetch(url + p, { method, headers: h, body: payload, redirect: 'manual' });
      const text = await res.text();
      const setCookie = res.headers.get('set-cookie');
      if (setCookie) {
        const m = setCookie.match(/tiengmo_session=([^;]*)/);
        if (m) c.cookie = m[1] ? `tiengmo_session=${m[1]}` : null;
      }
      let parsed = text;
      const ct = res.headers.get('content-type') || '';
      if (ct.startsWith('application/json')) {
        parsed = JSON.parse(text);
        checkResponse(method, p, res.status, parsed);
      }
      if (parsed && parsed.data && parsed.data.csrf_token) c.csrf = parsed.data.csrf_token;
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    get(p, o) { return c.request('GET', p, o); },
    post(p, body, o = {}) { return c.request('POST', p, { ...o, body }); },
    patch(p, body, o = {}) { return c.request('PATCH', p, { ...o, body }); },
    put(p, body, o = {}) { return c.request('PUT', p, { ...o, body }); },
    delete(p, o) { return c.request('DELETE', p, o); },
  };
  return c;
}
