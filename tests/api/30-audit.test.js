// The audit log as an operator and an officer meet it: `tiengmo audit verify` on a chain written
// through the API, the same command on copies of the database that someone tampered with (triggers
// dropped, then an entry altered, removed, swapped or the tail cut), and the history of a record
// (GET /api/v1/audit) with its scope: own commune yes, another commune 404, roles without audit
// rights 403, no session 401.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, dbUrlFor, dropDbFor } from './lib/server.js';

const PW = 'correct horse battery';
// The tampering below edits copies of the database: of the SQLite file, or (PostgreSQL suite) new
// databases filled by pg_dump of the live one.
const ON_PG = Boolean(process.env.TIENGMO_TEST_PG);
let srv;
let root;
let officer1; // officer of commune C1
let officer2; // officer of commune C2
let coordinator; // coordinator of commune C1: no audit rights
const ids = {};

// The live database's answer to a query, on either engine.
function liveQuery(query) {
  if (!ON_PG) return sql(liveDb(), query);
  const r = spawnSync('psql', ['-X', '-q', '-t', '-A', '-d', srv.env.TIENGMO_DB, '-c', query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

// db is a SQLite file path or (PostgreSQL suite) a postgres URL.
function sql(db, query) {
  const r = ON_PG
    ? spawnSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', query], { encoding: 'utf8' })
    : spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${ON_PG ? 'psql' : 'sqlite3'} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const liveDb = () => (ON_PG ? srv.env.TIENGMO_DB : path.join(srv.dataDir, 'tiengmo.db'));
const urlOf = (db) => (ON_PG ? db : `sqlite:${db}`);

// A consistent copy of the live database (the server keeps it open: WAL mode, or a live PostgreSQL).
function copyDb(name) {
  if (ON_PG) {
    const dst = dbUrlFor(path.join(srv.dataDir, name)); // a new, empty database
    const r = spawnSync('sh', ['-c', 'pg_dump --no-owner -d "$1" | psql -X -q -v ON_ERROR_STOP=1 -d "$2"', 'sh', liveDb(), dst],
      { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg_dump | psql failed: ${r.stderr}`);
    return dst;
  }
  const dst = path.join(srv.dataDir, name);
  sql(liveDb(), `.backup '${dst}'`);
  return dst;
}

// Copies the database, drops the append-only triggers, runs `statements`, then `audit verify` on it.
function tamper(name, statements) {
  const db = copyDb(name);
  sql(db, `DROP TRIGGER audit_log_no_update${ON_PG ? ' ON audit_log' : ''};
    DROP TRIGGER audit_log_no_delete${ON_PG ? ' ON audit_log' : ''}; ${statements}`);
  const r = srv.cli(['audit', 'verify', '--db', urlOf(db)]);
  if (ON_PG) dropDbFor(path.join(srv.dataDir, name));
  return { ...r, out: r.stdout + r.stderr };
}

const seqs = (db) => sql(db, 'SELECT seq FROM audit_log ORDER BY seq').split('\n').map(Number);

async function createUnit(body) {
  const res = await root.post('/api/v1/units', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data.id;
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  root = await srv.login('root', PW);
  ids.province = await createUnit({ kind: 'province', code: 'AT-P', name: 'Tỉnh Kiểm Tra' });
  ids.c1 = await createUnit({ kind: 'commune', code: 'AT-C1', name: 'Phường Một', parent_id: ids.province });
  ids.c2 = await createUnit({ kind: 'commune', code: 'AT-C2', name: 'Phường Hai', parent_id: ids.province });
  ids.block = await createUnit({ kind: 'block', code: 'AT-B1', name: 'Khối phố 1', parent_id: ids.c1 });
  for (const name of ['Khối phố Một', 'Khối phố Một A', 'Khối phố Một B']) {
    const res = await root.patch(`/api/v1/units/${ids.block}`, { name });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  ids.pipe = await createUnit({ kind: 'block', code: 'AT-B2', name: 'Tổ 1|Tổ 2', parent_id: ids.c1 });
  ids.gone = await createUnit({ kind: 'block', code: 'AT-B9', name: 'Khối phố sẽ xóa', parent_id: ids.c1 });
  assert.equal((await root.delete(`/api/v1/units/${ids.gone}`)).status, 204);
  srv.addUser('officer1', PW, 'officer', 'AT-C1');
  srv.addUser('officer2', PW, 'officer', 'AT-C2');
  srv.addUser('coord1', PW, 'coordinator', 'AT-C1');
  officer1 = await srv.login('officer1', PW);
  officer2 = await srv.login('officer2', PW);
  coordinator = await srv.login('coord1', PW);
  const users = await root.get('/api/v1/users?limit=200');
  assert.equal(users.status, 200);
  for (const u of users.body.data) ids[u.username] = u.id;
});

after(async () => { await srv.stop(); });

test('audit verify passes on a chain written through the API and says how many entries it checked', () => {
  const n = Number(liveQuery('SELECT count(*) FROM audit_log'));
  assert.ok(n >= 10, `expected the writes above to be audited, found ${n} entries`);
  const r = srv.cli(['audit', 'verify']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`\\b${n} entries checked`));
});

test('audit verify passes on an untouched copy (the copies below fail because of the tampering)', () => {
  const db = copyDb('control.db');
  const r = srv.cli(['audit', 'verify', '--db', urlOf(db)]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('altering the detail of an entry is caught and that entry is named', async () => {
  const hist = await root.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  const update = hist.body.data.find((e) => e.action === 'unit.update');
  const r = tamper('altered.db',
    `UPDATE audit_log SET detail = '{"name":"Khối phố Giả"}' WHERE seq = ${update.seq}`);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`entry ${update.seq}: entry ${update.seq} was altered`));
});

test('deleting an entry from the middle is caught and the missing entry is named', () => {
  const all = seqs(liveDb());
  const middle = all[Math.floor(all.length / 2)];
  const r = tamper('removed.db', `DELETE FROM audit_log WHERE seq = ${middle}`);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`broken at entry ${middle}: entry ${middle} is missing`));
});

test('swapping the contents of two entries is caught at the first of them', () => {
  const all = seqs(liveDb());
  const a = all[3];
  const b = all[4];
  const cols = 'at, user_id, actor, address, action, entity, entity_id, detail, prev_hash, hash';
  const r = tamper('swapped.db',
    `CREATE TEMP TABLE keep AS SELECT * FROM audit_log WHERE seq IN (${a}, ${b});
     UPDATE audit_log SET (${cols}) = (SELECT ${cols} FROM keep WHERE keep.seq = ${a + b} - audit_log.seq)
       WHERE seq IN (${a}, ${b});`);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`broken at entry ${a}:`));
});

test('cutting the last entry while the head still counts it is caught', () => {
  const all = seqs(liveDb());
  const last = all[all.length - 1];
  const r = tamper('cut.db', `DELETE FROM audit_log WHERE seq = ${last}`);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`broken at entry ${last}: .*tail was cut`));
});

test('moving text across a field boundary (entity_id and detail around a "|") is caught', () => {
  const INSTR = ON_PG ? 'strpos' : 'instr';
  // the unit's name holds a "|": shift the part of the detail before it into entity_id, so that the
  // joined text stays the same; the hash's length-prefixed fields must still tell
  const s = Number(sql(liveDb(),
    `SELECT seq FROM audit_log WHERE entity = 'unit' AND entity_id = '${ids.pipe}' AND action = 'unit.create'`));
  const r = tamper('shifted.db',
    `UPDATE audit_log SET entity_id = entity_id || '|' || substr(detail, 1, ${INSTR}(detail, '|') - 1),
       detail = substr(detail, ${INSTR}(detail, '|') + 1) WHERE seq = ${s}`);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`broken at entry ${s}: entry ${s} was altered`));
});

test('audit verify: --help, an unknown sub-verb is a usage error, a missing database is an error', () => {
  const help = srv.cli(['audit', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /audit verify/);
  const bad = srv.cli(['audit', 'repair']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /'repair' is not an audit sub-command/);
  const none = srv.cli(['audit', 'verify', '--db', `sqlite:${srv.dataDir}/nothing-here.db`]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no database at/);
});

test('the history of a unit lists its create and updates in order, with detail objects', async () => {
  const res = await root.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  assert.equal(res.status, 200);
  const actions = res.body.data.map((e) => e.action);
  assert.deepEqual(actions, ['unit.create', 'unit.update', 'unit.update', 'unit.update']);
  const got = res.body.data.map((e) => e.seq);
  assert.deepEqual(got, [...got].sort((x, y) => x - y));
  for (const e of res.body.data) {
    assert.equal(e.entity, 'unit');
    assert.equal(e.entity_id, String(ids.block));
    assert.equal(e.actor, 'root');
    assert.equal(typeof e.detail, 'object');
    assert.match(e.at, /\+07:00$/);
  }
  assert.equal(res.body.data[3].detail.name, 'Khối phố Một B');
  assert.equal(res.body.next_cursor, null);
});

test('the history pages by cursor without losing or repeating an entry', async () => {
  const p1 = await root.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}&limit=3`);
  assert.equal(p1.status, 200);
  assert.equal(p1.body.data.length, 3);
  assert.equal(typeof p1.body.next_cursor, 'string');
  const p2 = await root.get(
    `/api/v1/audit?entity=unit&entity_id=${ids.block}&limit=3&cursor=${encodeURIComponent(p1.body.next_cursor)}`);
  assert.equal(p2.status, 200);
  assert.equal(p2.body.data.length, 1);
  assert.equal(p2.body.next_cursor, null);
  const all = await root.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  assert.deepEqual([...p1.body.data, ...p2.body.data], all.body.data);
});

test('an officer sees the history of units in their commune, and 404 for another commune', async () => {
  const own = await officer1.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  assert.equal(own.status, 200);
  assert.equal(own.body.data.length, 4);
  const other = await officer2.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  assert.equal(other.status, 404);
  assert.equal(other.body.error.code, 'not_found');
  const province = await officer1.get(`/api/v1/audit?entity=unit&entity_id=${ids.province}`);
  assert.equal(province.status, 404);
});

test('a deleted unit keeps its history, visible where it was and nowhere else', async () => {
  const res = await officer1.get(`/api/v1/audit?entity=unit&entity_id=${ids.gone}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.data.map((e) => e.action), ['unit.create', 'unit.delete']);
  assert.equal((await officer2.get(`/api/v1/audit?entity=unit&entity_id=${ids.gone}`)).status, 404);
  assert.equal((await root.get(`/api/v1/audit?entity=unit&entity_id=${ids.gone}`)).status, 200);
});

test('the history of a user is visible to an officer of a unit where that user holds a grant', async () => {
  const mine = await officer1.get(`/api/v1/audit?entity=user&entity_id=${ids.coord1}`);
  assert.equal(mine.status, 200);
  assert.ok(mine.body.data.some((e) => e.action === 'user.create'), JSON.stringify(mine.body));
  for (const e of mine.body.data) assert.equal(e.entity_id, String(ids.coord1));
  assert.equal((await officer2.get(`/api/v1/audit?entity=user&entity_id=${ids.coord1}`)).status, 404);
  assert.equal((await officer1.get(`/api/v1/audit?entity=user&entity_id=${ids.root}`)).status, 404);
  assert.equal((await root.get(`/api/v1/audit?entity=user&entity_id=${ids.officer2}`)).status, 200);
});

test('records that do not exist answer 404, even to an installation admin', async () => {
  assert.equal((await root.get('/api/v1/audit?entity=unit&entity_id=987654')).status, 404);
  assert.equal((await root.get('/api/v1/audit?entity=user&entity_id=987654')).status, 404);
});

test('roles without audit rights get 403, and no session gets 401', async () => {
  const res = await coordinator.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, 'forbidden');
  const anon = await srv.client().get(`/api/v1/audit?entity=unit&entity_id=${ids.block}`);
  assert.equal(anon.status, 401);
  assert.equal(anon.body.error.code, 'unauthenticated');
});

test('a malformed question is a 400 naming the argument', async () => {
  const kind = await root.get(`/api/v1/audit?entity=household&entity_id=${ids.block}`);
  assert.equal(kind.status, 400);
  assert.ok(kind.body.error.fields.entity);
  const id = await root.get('/api/v1/audit?entity=unit&entity_id=abc');
  assert.equal(id.status, 400);
  assert.ok(id.body.error.fields.entity_id);
  const missing = await root.get('/api/v1/audit');
  assert.equal(missing.status, 400);
  const cursor = await root.get(`/api/v1/audit?entity=unit&entity_id=${ids.block}&cursor=x`);
  assert.equal(cursor.status, 400);
  assert.ok(cursor.body.error.fields.cursor);
});

test('an alarm and its household enrolment have a history in their commune, and 404 in another', async () => {
  const enrol = await officer1.post('/api/v1/enrolments', { unit_id: ids.block, label: 'Nhà số 12' });
  assert.equal(enrol.status, 201, JSON.stringify(enrol.body));
  const raised = await officer1.post('/api/v1/alarms', { kind: 'fire', unit_id: ids.block });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const ack = await officer1.post(`/api/v1/alarms/${raised.body.data.id}/ack`, {});
  assert.equal(ack.status, 200, JSON.stringify(ack.body));

  const alarm = await officer1.get(`/api/v1/audit?entity=alarm&entity_id=${raised.body.data.id}`);
  assert.equal(alarm.status, 200, JSON.stringify(alarm.body));
  assert.ok(alarm.body.data.length >= 2, 'raised and acknowledged');
  assert.equal(alarm.body.data[0].entity, 'alarm');
  const household = await officer1.get(`/api/v1/audit?entity=enrolment&entity_id=${enrol.body.data.id}`);
  assert.equal(household.status, 200);
  assert.equal(household.body.data.length, 1);
  assert.doesNotMatch(JSON.stringify(household.body), new RegExp(enrol.body.data.token), 'no token in the history');

  assert.equal((await officer2.get(`/api/v1/audit?entity=alarm&entity_id=${raised.body.data.id}`)).status, 404);
  assert.equal((await officer2.get(`/api/v1/audit?entity=enrolment&entity_id=${enrol.body.data.id}`)).status, 404);
});
