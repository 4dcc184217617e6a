// Units: the tree province → commune → block → group over /api/v1/units — create, read, rename,
// delete, the hierarchy and code rules, keyset pagination, who sees and changes which units, and the
// all-or-nothing CSV import over HTTP and from the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let admin; // installation admin
const ids = {}; // code → id of the units made in `before`

async function create(client, body) {
  const res = await client.post('/api/v1/units', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[body.code] = res.body.data.id;
  return res.body.data;
}

// Every unit the client may list, walking the pages.
async function listAll(client, query = '', limit = 200) {
  const seen = [];
  let cursor = null;
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams(query);
    q.set('limit', String(limit));
    if (cursor) q.set('cursor', cursor);
    const res = await client.get(`/api/v1/units?${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    seen.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (cursor === null) return seen;
  }
  throw new Error('pagination never ended');
}

async function importCsv(client, csv, query = '') {
  return client.request('POST', `/api/v1/units/import${query}`, {
    body: csv,
    headers: { 'content-type': 'text/csv; charset=utf-8' },
  });
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await create(admin, { kind: 'province', code: 'P1', name: 'Tỉnh Một' });
  await create(admin, { kind: 'province', code: 'P2', name: 'Tỉnh Hai' });
  await create(admin, { kind: 'commune', code: 'C1', name: 'Phường Một', parent_id: ids.P1 });
  await create(admin, { kind: 'commune', code: 'C2', name: 'Xã Hai', parent_id: ids.P2 });
  await create(admin, { kind: 'block', code: 'BA', name: 'Khối phố A', parent_id: ids.C1 });
  await create(admin, { kind: 'block', code: 'BB', name: 'Khối phố B', parent_id: ids.C1 });
  await create(admin, { kind: 'group', code: 'BA-T1', name: 'Tổ 1', parent_id: ids.BA });
  srv.addUser('leader', PW, 'team_leader', 'BA');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  srv.addUser('officer1', PW, 'officer', 'C1');
});
after(async () => { await srv.stop(); });

test('a created unit reads back, renames and deletes', async () => {
  const u = await create(admin, { kind: 'group', code: 'BB-T1', name: 'Tổ dân phố 1', parent_id: ids.BB });
  assert.equal(u.kind, 'group');
  assert.equal(u.parent_id, ids.BB);
  assert.equal(u.name, 'Tổ dân phố 1');
  assert.match(u.created_at, /\+07:00$/);

  const got = await admin.get(`/api/v1/units/${u.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.data, u);

  const renamed = await admin.patch(`/api/v1/units/${u.id}`, { name: 'Tổ dân phố số 1', code: 'BB-T01' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.data.name, 'Tổ dân phố số 1');
  assert.equal(renamed.body.data.code, 'BB-T01');
  assert.equal((await admin.get(`/api/v1/units/${u.id}`)).body.data.code, 'BB-T01');

  const del = await admin.delete(`/api/v1/units/${u.id}`);
  assert.equal(del.status, 204);
  assert.equal((await admin.get(`/api/v1/units/${u.id}`)).status, 404);
});

test('regression: the id of a deleted unit is never given to a new one', async () => {
  const a = await create(admin, { kind: 'group', code: 'BB-R1', name: 'Tổ tạm', parent_id: ids.BB });
  assert.equal((await admin.delete(`/api/v1/units/${a.id}`)).status, 204);
  const b = await create(admin, { kind: 'group', code: 'BB-R2', name: 'Tổ mới', parent_id: ids.BB });
  assert.ok(b.id > a.id, `new id ${b.id} after deleted ${a.id}`);
  assert.equal((await admin.get(`/api/v1/units/${a.id}`)).status, 404);
});

test('every change to a unit is in its audit history', async () => {
  const u = await create(admin, { kind: 'group', code: 'BB-T9', name: 'Tổ 9', parent_id: ids.BB });
  await admin.patch(`/api/v1/units/${u.id}`, { name: 'Tổ chín' });
  const res = await admin.get(`/api/v1/audit?entity=unit&entity_id=${u.id}`);
  assert.equal(res.status, 200);
  const actions = res.body.data.map((e) => e.action);
  assert.deepEqual(actions, ['unit.create', 'unit.update']);
  assert.equal(res.body.data[0].actor, 'root');
  assert.equal(res.body.data[1].detail.before.name, 'Tổ 9');
});

test('bad fields are a 422 that names each of them', async () => {
  const res = await admin.post('/api/v1/units', { kind: 'town', code: 'has space', name: '' });
  assert.equal(res.status, 422);
  assert.equal(res.body.error.code, 'validation_failed');
  for (const f of ['kind', 'code', 'name']) assert.ok(res.body.error.fields[f], `field ${f} named`);

  const long = await admin.post('/api/v1/units', {
    kind: 'block', code: 'X'.repeat(33), name: 'n'.repeat(201), parent_id: ids.C1,
  });
  assert.equal(long.status, 422);
  assert.ok(long.body.error.fields.code);
  assert.ok(long.body.error.fields.name);

  const patch = await admin.patch(`/api/v1/units/${ids.BA}`, { code: 'a/b' });
  assert.equal(patch.status, 422);
  assert.ok(patch.body.error.fields.code);

  const malformed = await admin.post('/api/v1/units', '{"kind": ', { headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.code, 'malformed_json');
});

test('each kind sits only under the kind above it', async () => {
  const blockUnderProvince = await admin.post('/api/v1/units', {
    kind: 'block', code: 'XB1', name: 'x', parent_id: ids.P1,
  });
  assert.equal(blockUnderProvince.status, 422);
  assert.match(blockUnderProvince.body.error.fields.kind, /block must be under a commune/);

  const groupUnderCommune = await admin.post('/api/v1/units', {
    kind: 'group', code: 'XG1', name: 'x', parent_id: ids.C1,
  });
  assert.equal(groupUnderCommune.status, 422);
  assert.ok(groupUnderCommune.body.error.fields.kind);

  const provinceWithParent = await admin.post('/api/v1/units', {
    kind: 'province', code: 'XP1', name: 'x', parent_id: ids.P1,
  });
  assert.equal(provinceWithParent.status, 422);
  assert.ok(provinceWithParent.body.error.fields.parent_id);

  const orphan = await admin.post('/api/v1/units', { kind: 'commune', code: 'XC1', name: 'x' });
  assert.equal(orphan.status, 422);
  assert.ok(orphan.body.error.fields.parent_id);

  const noParent = await admin.post('/api/v1/units', { kind: 'block', code: 'XB2', name: 'x', parent_id: 999999 });
  assert.equal(noParent.status, 422);
  assert.ok(noParent.body.error.fields.parent_id);

  const codes = (await listAll(admin)).map((u) => u.code);
  for (const c of ['XB1', 'XG1', 'XP1', 'XC1', 'XB2']) assert.ok(!codes.includes(c), `${c} was not created`);
});

test('a code is unique: creating or renaming onto a taken code is a 409', async () => {
  const dup = await admin.post('/api/v1/units', { kind: 'block', code: 'BB', name: 'again', parent_id: ids.C1 });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'conflict');
  const rename = await admin.patch(`/api/v1/units/${ids.BB}`, { code: 'BA' });
  assert.equal(rename.status, 409);
  assert.equal((await admin.get(`/api/v1/units/${ids.BB}`)).body.data.code, 'BB');
});

test('a unit that holds children or grants cannot be deleted (409) and stays', async () => {
  const withChild = await admin.delete(`/api/v1/units/${ids.BA}`);
  assert.equal(withChild.status, 409);
  assert.equal(withChild.body.error.code, 'conflict');
  assert.match(withChild.body.error.message, /child units/);

  const b = await create(admin, { kind: 'block', code: 'BG', name: 'Khối có người', parent_id: ids.C1 });
  srv.addUser('granted', PW, 'member', 'BG');
  const withGrant = await admin.delete(`/api/v1/units/${b.id}`);
  assert.equal(withGrant.status, 409);
  assert.match(withGrant.body.error.message, /grants/);

  assert.equal((await admin.get(`/api/v1/units/${ids.BA}`)).status, 200);
  assert.equal((await admin.get(`/api/v1/units/${b.id}`)).status, 200);
});

test('lists page by ascending id with next_cursor, without gaps or repeats', async () => {
  const lines = ['code,name,kind,parent_code'];
  for (let i = 1; i <= 60; i++) lines.push(`PG${i},Khối phố ${i},block,C2`);
  const imp = await importCsv(admin, lines.join('\n') + '\n');
  assert.equal(imp.status, 201, JSON.stringify(imp.body));

  const everything = await listAll(admin, '', 200);
  const paged = await listAll(admin, '', 7);
  assert.deepEqual(paged.map((u) => u.id), everything.map((u) => u.id));
  const idsSeen = paged.map((u) => u.id);
  assert.equal(new Set(idsSeen).size, idsSeen.length, 'no unit twice');
  for (let i = 1; i < idsSeen.length; i++) assert.ok(idsSeen[i] > idsSeen[i - 1], 'ascending ids');
  for (let i = 1; i <= 60; i++) assert.ok(paged.some((u) => u.code === `PG${i}`), `PG${i} listed`);

  const first = await admin.get('/api/v1/units');
  assert.equal(first.body.data.length, 50, 'the default page is 50');
  assert.equal(typeof first.body.next_cursor, 'string');

  const children = await listAll(admin, `parent=${ids.C2}`, 25);
  assert.equal(children.length, 60);
  assert.ok(children.every((u) => u.parent_id === ids.C2));

  for (const bad of ['limit=201', 'limit=0', 'limit=abc', 'cursor=xyz', 'parent=abc']) {
    const res = await admin.get(`/api/v1/units?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.error.code, 'bad_request');
  }
});

test('a team leader sees only their block: others are 404 and absent from lists', async () => {
  const leader = await srv.login('leader', PW);
  assert.equal((await leader.get(`/api/v1/units/${ids.BA}`)).status, 200);
  assert.equal((await leader.get(`/api/v1/units/${ids['BA-T1']}`)).status, 200);
  for (const code of ['BB', 'C1', 'P1', 'C2']) {
    const res = await leader.get(`/api/v1/units/${ids[code]}`);
    assert.equal(res.status, 404, code);
    assert.equal(res.body.error.code, 'not_found');
  }
  const seen = (await listAll(leader)).map((u) => u.code).sort();
  assert.deepEqual(seen, ['BA', 'BA-T1']);
  assert.equal((await leader.get(`/api/v1/units?parent=${ids.C1}`)).status, 404);
  const kids = await leader.get(`/api/v1/units?parent=${ids.BA}`);
  assert.deepEqual(kids.body.data.map((u) => u.code), ['BA-T1']);
  // a role without units.write is stopped before anything else
  const write = await leader.patch(`/api/v1/units/${ids.BA}`, { name: 'mine now' });
  assert.equal(write.status, 403);
});

test('a viewer may read their commune but not create, change or import', async () => {
  const viewer = await srv.login('watcher', PW);
  const seen = (await listAll(viewer)).map((u) => u.code);
  assert.ok(seen.includes('C1') && seen.includes('BB') && seen.includes('BA-T1'));
  assert.ok(!seen.includes('C2') && !seen.includes('P1'));

  const post = await viewer.post('/api/v1/units', { kind: 'block', code: 'VB', name: 'x', parent_id: ids.C1 });
  assert.equal(post.status, 403);
  assert.equal(post.body.error.code, 'forbidden');
  assert.equal((await viewer.delete(`/api/v1/units/${ids.BB}`)).status, 403);
  assert.equal((await importCsv(viewer, 'code,name,kind,parent_code\nVB,x,block,C1\n')).status, 403);
  assert.equal((await viewer.get(`/api/v1/units/${ids.BB}`)).body.data.code, 'BB');
});

test('a commune officer changes units under the commune only', async () => {
  const officer = await srv.login('officer1', PW);
  const made = await officer.post('/api/v1/units', { kind: 'block', code: 'OB', name: 'Khối mới', parent_id: ids.C1 });
  assert.equal(made.status, 201);
  assert.equal((await officer.patch(`/api/v1/units/${made.body.data.id}`, { name: 'Khối mới 2' })).status, 200);

  const province = await officer.post('/api/v1/units', { kind: 'province', code: 'OP', name: 'x' });
  assert.equal(province.status, 403);
  // the commune itself is visible but belongs to its province's administrators
  assert.equal((await officer.patch(`/api/v1/units/${ids.C1}`, { name: 'x' })).status, 403);
  assert.equal((await officer.delete(`/api/v1/units/${ids.C1}`)).status, 403);
  // another commune is invisible, so creating under it looks like a missing parent
  const elsewhere = await officer.post('/api/v1/units', { kind: 'block', code: 'OX', name: 'x', parent_id: ids.C2 });
  assert.equal(elsewhere.status, 422);
  assert.ok(elsewhere.body.error.fields.parent_id);
  assert.equal((await officer.patch(`/api/v1/units/${ids.C2}`, { name: 'x' })).status, 404);

  const imp = await importCsv(officer, 'code,name,kind,parent_code\nOI1,x,block,C1\nOI2,y,block,C2\n');
  assert.equal(imp.status, 422);
  assert.ok(imp.body.error.fields['line 3']);
  assert.ok(!imp.body.error.fields['line 2']);
  const prov = await importCsv(officer, 'code,name,kind,parent_code\nOP2,Tỉnh lạ,province,\n');
  assert.equal(prov.status, 422);
  assert.match(prov.body.error.fields['line 2'], /installation admin/);
  assert.equal((await officer.delete(`/api/v1/units/${made.body.data.id}`)).status, 204);
});

const GOOD = [
  'name,code,parent_code,kind', // columns in any order
  'Xã Ba,C3,P1,commune',
  '"Khối phố 1, Xã Ba",C3-K1,C3,block',
  'Tổ 1,C3-K1-T1,C3-K1,group',
  '',
].join('\r\n');

test('import: a good file is written in full and answered with its rows', async () => {
  const res = await importCsv(admin, '\uFEFF' + GOOD);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.data.dry_run, false);
  assert.equal(res.body.data.count, 3);
  assert.deepEqual(res.body.data.rows[1], {
    line: 3, code: 'C3-K1', name: 'Khối phố 1, Xã Ba', kind: 'block', parent_code: 'C3',
  });
  const tree = await listAll(admin);
  const c3 = tree.find((u) => u.code === 'C3');
  const k1 = tree.find((u) => u.code === 'C3-K1');
  const t1 = tree.find((u) => u.code === 'C3-K1-T1');
  assert.equal(c3.parent_id, ids.P1);
  assert.equal(k1.parent_id, c3.id);
  assert.equal(t1.parent_id, k1.id);
  assert.equal(k1.name, 'Khối phố 1, Xã Ba');

  const again = await importCsv(admin, GOOD);
  assert.equal(again.status, 422);
  assert.match(again.body.error.fields['line 2'], /already exists/);
});

test('import: a dry run checks everything and writes nothing', async () => {
  const csv = 'code,name,kind,parent_code\nD1,Xã Thử,commune,P2\nD1-K,Khối thử,block,D1\n';
  const res = await importCsv(admin, csv, '?dry_run=1');
  assert.equal(res.status, 200);
  assert.equal(res.body.data.dry_run, true);
  assert.equal(res.body.data.count, 2);
  const codes = (await listAll(admin)).map((u) => u.code);
  assert.ok(!codes.includes('D1') && !codes.includes('D1-K'));
  // and the same file can then be imported for real
  assert.equal((await importCsv(admin, csv)).status, 201);
});

test('import: a bad file names its lines and writes nothing', async () => {
  const csv = [
    'code,name,kind,parent_code',
    'E1,Xã Tốt,commune,P1', // line 2: fine on its own
    'E2,Khối,block,NOPE', // line 3: unknown parent
    'E1,Lặp,commune,P1', // line 4: code twice in the file
    'E4,,town,E1', // line 5: empty name, unknown kind
    'E5,Khối trước cha,block,E6', // line 6: parent later in the file
    'E6,Xã sau,commune,P1',
    'E7,Tổ,group,C1', // line 8: a group under a commune
    'BA,Trùng,block,C1', // line 9: code already in the database
  ].join('\n');
  const res = await importCsv(admin, csv);
  assert.equal(res.status, 422);
  assert.equal(res.body.error.code, 'import_failed');
  const f = res.body.error.fields;
  assert.match(f['line 3'], /NOPE/);
  assert.match(f['line 4'], /already on line 2/);
  assert.match(f['line 5'], /name/);
  assert.match(f['line 5'], /kind/);
  assert.match(f['line 6'], /line 7/);
  assert.match(f['line 8'], /group must be under a block/);
  assert.match(f['line 9'], /already exists/);
  assert.ok(!f['line 2'] && !f['line 7']);
  const codes = (await listAll(admin)).map((u) => u.code);
  assert.ok(!codes.includes('E1') && !codes.includes('E6'), 'nothing was written');

  const header = await importCsv(admin, 'code,name,type\nZ,z,block\n');
  assert.equal(header.status, 422);
  assert.match(header.body.error.fields['line 1'], /type|kind/);

  const quote = await importCsv(admin, 'code,name,kind,parent_code\nQ1,"unclosed,commune,P1\n');
  assert.equal(quote.status, 422);
  assert.match(quote.body.error.fields['line 2'], /quote/);

  const notCsv = await admin.post('/api/v1/units/import', { code: 'x' });
  assert.equal(notCsv.status, 400);
});

test('tiengmo import units: imports a file, and refuses a bad one with line numbers', async () => {
  const good = path.join(srv.dataDir, 'units-good.csv');
  writeFileSync(good, 'code,name,kind,parent_code\nCL1,Xã Dòng Lệnh,commune,P2\nCL1-K1,Khối 1,block,CL1\n');
  const ok = srv.cli(['import', 'units', good]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /imported 2 units/);

  const bad = path.join(srv.dataDir, 'units-bad.csv');
  writeFileSync(bad, 'code,name,kind,parent_code\nCL2,Xã,commune,P2\nCL1,Lặp,commune,P2\nCL3,Khối,block,MISSING\n');
  const no = srv.cli(['import', 'units', bad]);
  assert.equal(no.status, 1);
  assert.match(no.stderr, /^line 3: code 'CL1' already exists$/m);
  assert.match(no.stderr, /^line 4: .*MISSING/m);
  const again = srv.cli(['import', 'units', bad]);
  assert.match(again.stderr, /line 3/);
  assert.doesNotMatch(again.stderr, /line 2/, 'CL2 was not written by the failed import');

  assert.equal(srv.cli(['import', 'units']).status, 2);
  assert.equal(srv.cli(['import', 'units', path.join(srv.dataDir, 'missing.csv')]).status, 1);

  const codes = (await listAll(admin)).map((u) => u.code);
  assert.ok(codes.includes('CL1') && codes.includes('CL1-K1'), 'the imported units are served');
  assert.ok(!codes.includes('CL2'));
});
