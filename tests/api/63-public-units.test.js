// GET /api/v1/public/units: the block picker of the public tip page. No login; every commune, block and
// group with only id, kind, name and parent_id (no code, path or dates), provinces left out; a tip sent
// with one of these ids lands on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let citizen;
let admin;
const ids = {};

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  for (const [kind, code, name, parent] of [['province', 'P1', 'Tỉnh Quảng Nam'], ['commune', 'C1', 'Phường Vĩnh Điện', 'P1'],
    ['block', 'B1', 'Khối phố 1', 'C1'], ['block', 'B2', 'Khối phố 2', 'C1'], ['group', 'G1', 'Tổ 3', 'B1']]) {
    const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
    assert.equal(res.status, 201);
    ids[code] = res.body.data.id;
  }
  citizen = srv.client();
});
after(async () => { await srv.stop(); });

test('anyone gets the communes, blocks and groups with id, kind, name and parent_id only', async () => {
  const res = await citizen.get('/api/v1/public/units');
  assert.equal(res.status, 200, res.text);
  const rows = res.body.data;
  assert.deepEqual(rows.map((u) => u.name), ['Phường Vĩnh Điện', 'Khối phố 1', 'Khối phố 2', 'Tổ 3']);
  for (const u of rows) assert.deepEqual(Object.keys(u).sort(), ['id', 'kind', 'name', 'parent_id']);
  const g = rows.find((u) => u.name === 'Tổ 3');
  assert.deepEqual(g, { id: ids.G1, kind: 'group', name: 'Tổ 3', parent_id: ids.B1 });
  assert.equal(rows.find((u) => u.id === ids.B2).parent_id, ids.C1);
  assert.ok(!res.text.includes('Tỉnh Quảng Nam'), 'the province is left out');
  assert.ok(!res.text.includes('"B1"') && !res.text.includes('/'), 'no codes and no paths');
});

test('a renamed or deleted block shows as it is now', async () => {
  assert.equal((await admin.patch(`/api/v1/units/${ids.B2}`, { name: 'Khối phố Hai' })).status, 200);
  let names = (await citizen.get('/api/v1/public/units')).body.data.map((u) => u.name);
  assert.ok(names.includes('Khối phố Hai') && !names.includes('Khối phố 2'));
  assert.equal((await admin.delete(`/api/v1/units/${ids.B2}`)).status, 204);
  names = (await citizen.get('/api/v1/public/units')).body.data.map((u) => u.name);
  assert.ok(!names.includes('Khối phố Hai'));
});

test('a tip sent with a picked block lands on that block', async () => {
  const res = await citizen.post('/api/v1/public/tips', { category: 'noise', description: 'Hát karaoke quá 22 giờ', unit_id: ids.G1, anonymous: true });
  assert.equal(res.status, 201, res.text);
  const officer = await srv.login('root', PW);
  const seen = await officer.get(`/api/v1/tips/${res.body.data.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.data.unit_id, ids.G1);
});
