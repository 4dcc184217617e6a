// Partner organisations: /api/v1/organisations — create, read, edit, delete; kinds and names checked;
// lists filtered by unit subtree and kind, paged by id; who sees and changes which organisations; and
// the history of an organisation from the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let admin;
let officer; // officer on commune C1
let coordinator; // coordinator on commune C1: may write organisations
let leader; // team leader on block BA: reads, never writes organisations
let viewer;
let outsider; // officer on commune C2
const ids = {};

async function unit(kind, code, name, parent) {
  const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[code] = res.body.data.id;
}

async function org(client, body) {
  const res = await client.post('/api/v1/organisations', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function listAll(client, query = {}, limit = 200) {
  const seen = [];
  let cursor = null;
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams({ ...query, limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    const res = await client.get(`/api/v1/organisations?${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    seen.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (cursor === null) return seen;
  }
  throw new Error('pagination never ended');
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit('province', 'P1', 'Tỉnh Quảng Nam');
  await unit('commune', 'C1', 'Phường Vĩnh Điện', 'P1');
  await unit('commune', 'C2', 'Xã Điện Hòa', 'P1');
  await unit('block', 'BA', 'Khối phố A', 'C1');
  await unit('block', 'BB', 'Khối phố B', 'C1');
  srv.addUser('officer1', PW, 'officer', 'C1');
  srv.addUser('coord', PW, 'coordinator', 'C1');
  srv.addUser('leader', PW, 'team_leader', 'BA');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  srv.addUser('officer2', PW, 'officer', 'C2');
  officer = await srv.login('officer1', PW);
  coordinator = await srv.login('coord', PW);
  leader = await srv.login('leader', PW);
  viewer = await srv.login('watcher', PW);
  outsider = await srv.login('officer2', PW);
});
after(async () => { await srv.stop(); });

test('an organisation is created, read back, edited and deleted, with its history', async () => {
  const o = await org(officer, { unit_id: ids.C1, kind: 'school', name: 'Trường THCS Quang Trung' });
  assert.equal(o.kind, 'school');
  assert.equal(o.unit_id, ids.C1);
  assert.equal(o.name, 'Trường THCS Quang Trung');
  assert.match(o.created_at, /\+07:00$/);

  const got = await officer.get(`/api/v1/organisations/${o.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.data, o);

  const changed = await officer.patch(`/api/v1/organisations/${o.id}`, { name: 'Trường Trung học cơ sở Quang Trung', unit_id: ids.BA });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal(changed.body.data.name, 'Trường Trung học cơ sở Quang Trung');
  assert.equal(changed.body.data.unit_id, ids.BA);
  assert.equal(changed.body.data.kind, 'school');

  assert.equal((await officer.delete(`/api/v1/organisations/${o.id}`)).status, 204);
  assert.equal((await officer.get(`/api/v1/organisations/${o.id}`)).status, 404);

  const h = await officer.get(`/api/v1/audit?entity=organisation&entity_id=${o.id}`);
  assert.equal(h.status, 200, JSON.stringify(h.body));
  assert.deepEqual(h.body.data.map((e) => e.action), ['organisation.create', 'organisation.update', 'organisation.delete']);
  assert.equal(h.body.data[1].detail.before.name, 'Trường THCS Quang Trung');
  // the history of a deleted organisation stays where it was: not for another commune
  assert.equal((await outsider.get(`/api/v1/audit?entity=organisation&entity_id=${o.id}`)).status, 404);
});

test('kind, name and unit are checked, naming the field', async () => {
  const cases = [
    [{ unit_id: ids.C1, kind: 'club', name: 'Câu lạc bộ' }, 'kind'],
    [{ unit_id: ids.C1, name: 'Không loại' }, 'kind'],
    [{ unit_id: ids.C1, kind: 'other', name: '' }, 'name'],
    [{ unit_id: ids.C1, kind: 'other', name: '   ' }, 'name'],
    [{ unit_id: ids.C1, kind: 'other', name: 'x'.repeat(201) }, 'name'],
    [{ unit_id: ids.C1, kind: 'other', name: 'tab\there' }, 'name'],
    [{ kind: 'other', name: 'Không đơn vị' }, 'unit_id'],
    [{ unit_id: 999999, kind: 'other', name: 'Đơn vị không có' }, 'unit_id'],
    [{ unit_id: ids.C1, kind: 'other', name: 'Thừa', extra: 1 }, '_'],
  ];
  for (const [body, field] of cases) {
    const res = await officer.post('/api/v1/organisations', body);
    assert.equal(res.status, 422, `${JSON.stringify(body)} → ${res.status}`);
    assert.ok(res.body.error.fields[field], `${JSON.stringify(body)}: ${JSON.stringify(res.body.error.fields)}`);
  }
  const o = await org(officer, { unit_id: ids.C1, kind: 'other', name: 'Hợp lệ' });
  const bad = await officer.patch(`/api/v1/organisations/${o.id}`, { kind: 'club' });
  assert.equal(bad.status, 422);
  assert.ok(bad.body.error.fields.kind);
  assert.equal((await officer.get(`/api/v1/organisations/${o.id}`)).body.data.kind, 'other');
  assert.equal((await officer.delete(`/api/v1/organisations/${o.id}`)).status, 204);
});

test('lists filter by unit subtree and kind, and page by id', async () => {
  const made = [
    await org(officer, { unit_id: ids.C1, kind: 'police', name: 'Công an phường Vĩnh Điện' }),
    await org(officer, { unit_id: ids.C1, kind: 'womens_union', name: 'Hội Liên hiệp Phụ nữ phường' }),
    await org(officer, { unit_id: ids.BA, kind: 'farmers_union', name: 'Chi hội Nông dân khối A' }),
    await org(officer, { unit_id: ids.BB, kind: 'veterans_association', name: 'Chi hội Cựu chiến binh khối B' }),
    await org(officer, { unit_id: ids.BB, kind: 'youth_union', name: 'Chi đoàn khối B' }),
    await org(outsider, { unit_id: ids.C2, kind: 'police', name: 'Công an xã Điện Hòa' }),
  ];
  const names = (rows) => rows.map((o) => o.name);
  const all = await listAll(officer);
  assert.deepEqual(names(all), names(made.slice(0, 5)), 'the commune, in id order, not the other commune');
  assert.deepEqual(await listAll(officer, {}, 2), all, 'the same across pages of 2');
  assert.deepEqual(names(await listAll(officer, { unit_id: ids.BB })), ['Chi hội Cựu chiến binh khối B', 'Chi đoàn khối B']);
  assert.deepEqual(names(await listAll(officer, { kind: 'police' })), ['Công an phường Vĩnh Điện']);
  assert.deepEqual(names(await listAll(admin, { kind: 'police' })), ['Công an phường Vĩnh Điện', 'Công an xã Điện Hòa']);
  assert.deepEqual(names(await listAll(officer, { unit_id: ids.BB, kind: 'police' })), []);

  const bad = await officer.get('/api/v1/organisations?kind=club');
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.fields.kind);
  assert.equal((await officer.get('/api/v1/organisations?unit_id=abc')).status, 400);
  assert.equal((await officer.get('/api/v1/organisations?cursor=x')).status, 400);
  assert.equal((await officer.get(`/api/v1/organisations?unit_id=${ids.C2}`)).status, 404);
  for (const o of made.slice(0, 5)) assert.equal((await officer.delete(`/api/v1/organisations/${o.id}`)).status, 204);
  assert.equal((await outsider.delete(`/api/v1/organisations/${made[5].id}`)).status, 204);
});

test("scope: a block's team leader sees only their block's organisations and writes none", async () => {
  const inA = await org(officer, { unit_id: ids.BA, kind: 'farmers_union', name: 'Chi hội Nông dân A' });
  const inB = await org(officer, { unit_id: ids.BB, kind: 'farmers_union', name: 'Chi hội Nông dân B' });
  const rows = await listAll(leader);
  assert.ok(rows.some((o) => o.id === inA.id));
  assert.ok(!rows.some((o) => o.id === inB.id));
  assert.equal((await leader.get(`/api/v1/organisations/${inB.id}`)).status, 404);
  assert.equal((await leader.get(`/api/v1/organisations?unit_id=${ids.BB}`)).status, 404);
  // team leaders read organisations but may not change them anywhere
  assert.equal((await leader.post('/api/v1/organisations', { unit_id: ids.BA, kind: 'other', name: 'Không' })).status, 403);
  assert.equal((await leader.patch(`/api/v1/organisations/${inA.id}`, { name: 'Không' })).status, 403);
  assert.equal((await leader.delete(`/api/v1/organisations/${inA.id}`)).status, 403);
  // another commune's officer sees neither
  assert.equal((await outsider.get(`/api/v1/organisations/${inA.id}`)).status, 404);
  assert.equal((await outsider.patch(`/api/v1/organisations/${inA.id}`, { name: 'Không' })).status, 404);
  const there = await outsider.post('/api/v1/organisations', { unit_id: ids.BA, kind: 'other', name: 'Không' });
  assert.equal(there.status, 422);
  assert.ok(there.body.error.fields.unit_id);
  // nor may an officer move one into another commune
  const moved = await officer.patch(`/api/v1/organisations/${inA.id}`, { unit_id: ids.C2 });
  assert.equal(moved.status, 422);
  assert.equal((await officer.get(`/api/v1/organisations/${inA.id}`)).body.data.unit_id, ids.BA);
  for (const o of [inA, inB]) assert.equal((await officer.delete(`/api/v1/organisations/${o.id}`)).status, 204);
});

test('a coordinator writes organisations; a viewer only reads them', async () => {
  const o = await org(coordinator, { unit_id: ids.C1, kind: 'fatherland_front', name: 'Ủy ban MTTQ phường' });
  const renamed = await coordinator.patch(`/api/v1/organisations/${o.id}`, { name: 'Ủy ban Mặt trận Tổ quốc phường' });
  assert.equal(renamed.status, 200);
  assert.equal((await viewer.get(`/api/v1/organisations/${o.id}`)).body.data.name, 'Ủy ban Mặt trận Tổ quốc phường');
  assert.equal((await viewer.post('/api/v1/organisations', { unit_id: ids.C1, kind: 'other', name: 'Không' })).status, 403);
  assert.equal((await viewer.patch(`/api/v1/organisations/${o.id}`, { name: 'Không' })).status, 403);
  assert.equal((await viewer.delete(`/api/v1/organisations/${o.id}`)).status, 403);
  assert.equal((await coordinator.delete(`/api/v1/organisations/${o.id}`)).status, 204);
});
