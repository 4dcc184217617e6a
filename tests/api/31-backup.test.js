// Backups as an operator runs them: `tiengmo backup --out FILE` while the server is serving and
// writing, `tiengmo restore --from FILE` into a new data directory, and a server on the restored
// database answering with the same units and users and an intact audit chain. Also what must be
// refused: overwriting a backup without --force, restoring into a database that holds anything,
// restoring something that is not a tiengmo backup, and PostgreSQL (pg_dump/pg_restore's job).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startServer } from './lib/server.js';

const PW = 'correct horse battery';
// tiengmo backup/restore copy SQLite files: those tests belong to the SQLite suite. The PostgreSQL
// suite runs what applies there (the pointers to pg_dump/pg_restore, help and usage); nothing is
// reported as skipped on either.
const sqliteTest = process.env.TIENGMO_TEST_PG ? () => {} : test;
let srv;
let root;
let work; // a scratch directory for backups and restored data dirs
const ids = {};

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

// The CLI against another data directory than the server's.
function cliOn(dataDir, args) {
  return srv.cli(args, { env: { TIENGMO_DATA_DIR: dataDir, TIENGMO_DB: `sqlite:${dataDir}/tiengmo.db` } });
}

// The CLI run without blocking, so that the server can answer requests meanwhile.
function cliAsync(args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { env: srv.env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr })); // 'close': after the pipes are drained
  });
}

// Every page of a listing, as one array.
async function listAll(client, url) {
  const out = [];
  let cursor = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await client.get(`${url}${sep}limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

async function createUnit(body) {
  const res = await root.post('/api/v1/units', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data.id;
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tiengmo-backup-test-'));
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  root = await srv.login('root', PW);
  ids.province = await createUnit({ kind: 'province', code: 'BK-P', name: 'Tỉnh Sao Lưu' });
  ids.commune = await createUnit({ kind: 'commune', code: 'BK-C', name: 'Phường Vĩnh Điện', parent_id: ids.province });
  for (let i = 1; i <= 5; i++) {
    await createUnit({ kind: 'block', code: `BK-B${i}`, name: `Khối phố ${i}`, parent_id: ids.commune });
  }
  const res = await root.post('/api/v1/users', {
    username: 'canbo.nguyen', display_name: 'Nguyễn Văn Đạt', password: PW, role: 'officer', unit_id: ids.commune,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  srv.addUser('totruong', PW, 'team_leader', 'BK-B1');
});

after(async () => {
  await srv.stop();
  rmSync(work, { recursive: true, force: true });
});

sqliteTest('backup succeeds while the server keeps answering writes, and the copy is a sound chain', async () => {
  const file = path.join(work, 'during-writes.db');
  const backup = cliAsync(['backup', '--out', file]);
  const writes = [];
  for (let i = 0; i < 20; i++) {
    writes.push(root.patch(`/api/v1/units/${ids.commune}`, { name: `Phường Vĩnh Điện (${i})` }));
  }
  const results = await Promise.all(writes);
  for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
  const b = await backup;
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /backed up .* to .*during-writes\.db/);
  assert.ok(existsSync(file));
  const v = srv.cli(['audit', 'verify', '--db', `sqlite:${file}`]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // no temporary file is left beside it
  const left = spawnSync('ls', ['-a', work], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(left, /tiengmo-backup-/);
});

sqliteTest('a backup restored into a new data directory serves the same units and users, chain intact', async () => {
  const file = path.join(work, 'roundtrip.db');
  const b = srv.cli(['backup', '--out', file]);
  assert.equal(b.status, 0, b.stderr);
  const entries = Number(sql(file, 'SELECT count(*) FROM audit_log'));
  const units = await listAll(root, '/api/v1/units');
  const users = await listAll(root, '/api/v1/users');
  assert.ok(units.length >= 7 && users.length >= 3);

  const dir = path.join(work, 'restored');
  const r = cliOn(dir, ['restore', '--from', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /restored .*roundtrip\.db/);
  const v = cliOn(dir, ['audit', 'verify']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`\\b${entries} entries checked`));

  copyFileSync(path.join(srv.dataDir, 'tiengmo.key'), path.join(dir, 'tiengmo.key')); // as the note says
  const other = await startServer({ dataDir: dir });
  try {
    const again = await other.login('root', PW);
    assert.deepEqual(await listAll(again, '/api/v1/units'), units);
    assert.deepEqual(await listAll(again, '/api/v1/users'), users);
    await other.login('canbo.nguyen', PW); // passwords came along
  } finally {
    await other.stop();
  }
});

sqliteTest('restore refuses a database that already holds tiengmo data, and changes nothing', async () => {
  const file = path.join(work, 'refused.db');
  assert.equal(srv.cli(['backup', '--out', file]).status, 0);
  const before = await listAll(root, '/api/v1/units');
  const entries = sql(path.join(srv.dataDir, 'tiengmo.db'), 'SELECT count(*) FROM audit_log');
  const r = srv.cli(['restore', '--from', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already holds a tiengmo database/);
  assert.deepEqual(await listAll(root, '/api/v1/units'), before);
  assert.equal(sql(path.join(srv.dataDir, 'tiengmo.db'), 'SELECT count(*) FROM audit_log'), entries);
});

sqliteTest('restore refuses a database holding any other table, naming it', () => {
  const dir = mkdtempSync(path.join(work, 'foreign-'));
  const db = path.join(dir, 'tiengmo.db');
  sql(db, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('giữ nguyên')");
  const file = path.join(work, 'foreign-src.db');
  assert.equal(srv.cli(['backup', '--out', file]).status, 0);
  const r = cliOn(dir, ['restore', '--from', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not empty: it already has the table 'notes'/);
  assert.equal(sql(db, 'SELECT t FROM notes'), 'giữ nguyên');
  assert.equal(sql(db, "SELECT count(*) FROM sqlite_master WHERE name = 'units'"), '0');
});

sqliteTest('backup refuses to overwrite an existing file unless --force', () => {
  const file = path.join(work, 'keep.db');
  assert.equal(srv.cli(['backup', '--out', file]).status, 0);
  writeFileSync(file, 'an older backup the operator wants to keep');
  const sum = sha256(file);
  const r = srv.cli(['backup', '--out', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already exists; pass --force/);
  assert.equal(sha256(file), sum);
  const forced = srv.cli(['backup', '--out', file, '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.notEqual(sha256(file), sum);
  assert.equal(srv.cli(['audit', 'verify', '--db', `sqlite:${file}`]).status, 0);
});

sqliteTest('restore refuses garbage, a foreign SQLite file and a damaged backup, creating no database', () => {
  const garbage = path.join(work, 'garbage.db');
  writeFileSync(garbage, randomBytes(8192));
  const dir = path.join(work, 'never');
  let r = cliOn(dir, ['restore', '--from', garbage]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is not a SQLite database/);

  const foreign = path.join(work, 'foreign.db');
  sql(foreign, 'CREATE TABLE x (a INTEGER); INSERT INTO x VALUES (1)');
  r = cliOn(dir, ['restore', '--from', foreign]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a tiengmo backup/);

  const good = path.join(work, 'to-cut.db');
  assert.equal(srv.cli(['backup', '--out', good]).status, 0);
  const damaged = path.join(work, 'damaged.db');
  writeFileSync(damaged, readFileSync(good).subarray(0, 6000));
  r = cliOn(dir, ['restore', '--from', damaged]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /damaged|not a tiengmo backup/);

  r = cliOn(dir, ['restore', '--from', path.join(work, 'no-such-file.db')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read/);
  assert.ok(!existsSync(path.join(dir, 'tiengmo.db')));
});

sqliteTest('a backup made by a newer tiengmo is refused', () => {
  const file = path.join(work, 'newer.db');
  assert.equal(srv.cli(['backup', '--out', file]).status, 0);
  sql(file, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
  const r = cliOn(path.join(work, 'never2'), ['restore', '--from', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /schema version 9999 but this tiengmo knows only up to/);
});

test('on PostgreSQL both commands point to pg_dump and pg_restore', () => {
  const url = 'postgres://tiengmo@localhost/tiengmo';
  const b = srv.cli(['backup', '--out', path.join(work, 'pg.dump'), '--db', url]);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /pg_dump/);
  const r = srv.cli(['restore', '--from', path.join(work, 'pg.dump'), '--db', url]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /pg_restore/);
});

test('backup and restore explain themselves and insist on their file argument', () => {
  assert.equal(srv.cli(['backup', '--help']).status, 0);
  assert.equal(srv.cli(['restore', '--help']).status, 0);
  assert.equal(srv.cli(['backup']).status, 2);
  assert.equal(srv.cli(['restore']).status, 2);
});
