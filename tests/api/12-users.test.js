// Managing users through the API, with two communes side by side: an admin of one commune sees and
// changes only the users of that commune, nobody gives a role beyond their own, disabling a user or
// resetting their password ends their sessions, and roles without users.write cannot write.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';
import { makeUnit, auditOf } from './lib/identity.js';

let srv;
let root; // installation admin
let adminA; // admin of commune A
let A, A1, B;
const users = {}; // username -> id

before(async () => {
  srv = await startServer();
  srv.addUser('root', 'root-pass-1', 'admin');
  root = await srv.login('root', 'root-pass-1');
  const p = await makeUnit(root, 'province', '48', 'Thành phố Đà Nẵng');
  A = await makeUnit(root, 'commune', '20194', 'Phường Vĩnh Điện', p.id);
  A1 = await makeUnit(root, 'block', '20194-01', 'Khối phố 1', A.id);
  B = await makeUnit(root, 'commune', '20195', 'Phường Điện An', p.id);
  for (const [username, role, unit] of [['admin-a', 'admin', A], ['admin-b', 'admin', B], ['officer-b', 'officer', B]]) {
    const res = await root.post('/api/v1/users', { username, password: `${username}-pass`, role, unit_id: unit.id });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    users[username] = res.body.data.id;
  }
  adminA = await srv.login('admin-a', 'admin-a-pass');
});
after(async () => { await srv.stop(); });

async function create(client, body) {
  return client.post('/api/v1/users', { password: 'a-good-password', ...body });
}

describe('create', () => {
  test('an admin of a commune creates a user there, with a display name and the first grant', async () => {
    const res = await create(adminA, { username: 'officer-a', display_name: 'Nguyễn Văn Đạt', role: 'officer', unit_id: A.id });
    assert.equal(res.status, 201);
    const u = res.body.data;
    users['officer-a'] = u.id;
    assert.equal(u.username, 'officer-a');
    assert.equal(u.display_name, 'Nguyễn Văn Đạt');
    assert.equal(u.disabled, false);
    assert.equal(u.grants.length, 1);
    assert.deepEqual(
      { role: u.grants[0].role, unit_id: u.grants[0].unit_id, unit_name: u.grants[0].unit_name, team_id: u.grants[0].team_id },
      { role: 'officer', unit_id: A.id, unit_name: 'Phường Vĩnh Điện', team_id: null });
    await srv.login('officer-a', 'a-good-password');
    const audit = auditOf(srv, u.id);
    assert.equal(audit[0].action, 'user.create');
    assert.equal(audit[0].actor, 'admin-a');
  });

  test('on a block inside the commune too', async () => {
    const res = await create(adminA, { username: 'viewer-a1', role: 'viewer', unit_id: A1.id });
    assert.equal(res.status, 201);
    users['viewer-a1'] = res.body.data.id;
  });

  test('bad fields are 422 naming each; a taken username is 409', async () => {
    let res = await adminA.post('/api/v1/users', { username: 'Bad Name!', password: 'short', role: 'chief', unit_id: A.id });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.username);
    assert.ok(res.body.error.fields.password);
    assert.ok(res.body.error.fields.role);
    res = await create(adminA, { username: 'no-unit', role: 'officer' });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.unit_id);
    res = await create(adminA, { username: 'officer-a', role: 'officer', unit_id: A.id });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'conflict');
  });

  test('not in another commune: its units do not exist for the caller', async () => {
    const res = await create(adminA, { username: 'sneaky', role: 'viewer', unit_id: B.id });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.fields.unit_id, 'no such unit');
    const list = await root.get('/api/v1/users?limit=200');
    assert.ok(!list.body.data.some((u) => u.username === 'sneaky'));
  });

  test('nobody gives a role beyond their own: a commune admin cannot make an installation admin', async () => {
    const res = await create(adminA, { username: 'super', role: 'admin' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    const ok = await create(root, { username: 'root2', role: 'admin' });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.data.grants[0].unit_id, null);
    assert.equal(ok.body.data.grants[0].unit_name, null);
    users.root2 = ok.body.data.id;
  });
});

describe('read', () => {
  test('the list holds the users of the caller\'s commune only; an installation admin sees all', async () => {
    const mine = await adminA.get('/api/v1/users');
    assert.equal(mine.status, 200);
    const names = mine.body.data.map((u) => u.username).sort();
    assert.deepEqual(names, ['admin-a', 'officer-a', 'viewer-a1']);
    assert.equal(mine.body.next_cursor, null);
    const all = await root.get('/api/v1/users');
    const allNames = all.body.data.map((u) => u.username);
    for (const n of ['root', 'admin-a', 'admin-b', 'officer-b', 'officer-a', 'viewer-a1', 'root2']) assert.ok(allNames.includes(n), n);
  });

  test('the list pages by ascending id with an opaque cursor', async () => {
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const res = await root.get('/api/v1/users?limit=2' + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data.map((u) => u.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    const all = (await root.get('/api/v1/users?limit=200')).body.data.map((u) => u.id);
    assert.deepEqual(seen, all);
    assert.deepEqual([...seen].sort((a, b) => a - b), seen);
    assert.ok(pages >= 4);
    const bad = await root.get('/api/v1/users?limit=500');
    assert.equal(bad.status, 400);
  });

  test('a user of another commune is 404 for a commune admin', async () => {
    assert.equal((await adminA.get(`/api/v1/users/${users['officer-b']}`)).status, 404);
    assert.equal((await adminA.get(`/api/v1/users/${users.root2}`)).status, 404);
    const own = await adminA.get(`/api/v1/users/${users['viewer-a1']}`);
    assert.equal(own.status, 200);
    assert.equal(own.body.data.grants[0].unit_name, 'Khối phố 1');
    assert.equal((await root.get(`/api/v1/users/${users['officer-b']}`)).status, 200);
    assert.equal((await root.get('/api/v1/users/999999')).status, 404);
  });

  test('writes to another commune\'s user are 404 as well, and change nothing', async () => {
    const id = users['officer-b'];
    assert.equal((await adminA.patch(`/api/v1/users/${id}`, { disabled: true })).status, 404);
    assert.equal((await adminA.post(`/api/v1/users/${id}/password`, { password: 'taken-over-1' })).status, 404);
    assert.equal((await adminA.post(`/api/v1/users/${id}/grants`, { role: 'viewer', unit_id: A.id })).status, 404);
    await srv.login('officer-b', 'officer-b-pass');
  });
});

describe('grants', () => {
  test('grant and revoke a role on a unit of the commune', async () => {
    const id = users['officer-a'];
    const res = await adminA.post(`/api/v1/users/${id}/grants`, { role: 'viewer', unit_id: A1.id });
    assert.equal(res.status, 201);
    assert.equal(res.body.data.role, 'viewer');
    assert.equal(res.body.data.unit_id, A1.id);
    assert.equal(res.body.data.unit_name, 'Khối phố 1');
    const gid = res.body.data.id;
    let u = (await adminA.get(`/api/v1/users/${id}`)).body.data;
    assert.deepEqual(u.grants.map((g) => g.role), ['officer', 'viewer']);

    const dup = await adminA.post(`/api/v1/users/${id}/grants`, { role: 'viewer', unit_id: A1.id });
    assert.equal(dup.status, 409);

    const del = await adminA.delete(`/api/v1/users/${id}/grants/${gid}`);
    assert.equal(del.status, 204);
    u = (await adminA.get(`/api/v1/users/${id}`)).body.data;
    assert.deepEqual(u.grants.map((g) => g.role), ['officer']);
    assert.equal((await adminA.delete(`/api/v1/users/${id}/grants/${gid}`)).status, 404);
    const actions = auditOf(srv, id).map((a) => a.action);
    assert.ok(actions.includes('user.grant'));
    assert.ok(actions.includes('user.revoke'));
  });

  test('no grant on another commune\'s unit, and no installation-wide admin from a commune admin', async () => {
    const id = users['officer-a'];
    let res = await adminA.post(`/api/v1/users/${id}/grants`, { role: 'viewer', unit_id: B.id });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.unit_id);
    res = await adminA.post(`/api/v1/users/${id}/grants`, { role: 'admin' });
    assert.equal(res.status, 403);
  });

  test('a user who also holds a role elsewhere is visible but beyond a commune admin\'s reach', async () => {
    const res = await create(root, { username: 'dual', role: 'officer', unit_id: A.id });
    const id = res.body.data.id;
    const g = await root.post(`/api/v1/users/${id}/grants`, { role: 'officer', unit_id: B.id });
    assert.equal(g.status, 201);
    assert.equal((await adminA.get(`/api/v1/users/${id}`)).status, 200);
    assert.equal((await adminA.patch(`/api/v1/users/${id}`, { disabled: true })).status, 403);
    assert.equal((await adminA.post(`/api/v1/users/${id}/password`, { password: 'taken-over-1' })).status, 403);
    assert.equal((await adminA.delete(`/api/v1/users/${id}/grants/${g.body.data.id}`)).status, 403);
    await srv.login('dual', 'a-good-password');
  });
});

describe('disable and password reset', () => {
  test('disabling a user ends their sessions and blocks login; enabling lets them back', async () => {
    const res0 = await create(adminA, { username: 'leaver', role: 'viewer', unit_id: A.id });
    const id = res0.body.data.id;
    const s = await srv.login('leaver', 'a-good-password');
    assert.equal((await s.get('/api/v1/me')).status, 200);
    const res = await adminA.patch(`/api/v1/users/${id}`, { disabled: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.disabled, true);
    assert.equal((await s.get('/api/v1/me')).status, 401);
    const login = await srv.client().post('/api/v1/session', { username: 'leaver', password: 'a-good-password' });
    assert.equal(login.status, 401);
    assert.equal(login.body.error.code, 'invalid_credentials');
    assert.ok(auditOf(srv, id).some((a) => a.action === 'user.disable' && a.actor === 'admin-a'));

    const back = await adminA.patch(`/api/v1/users/${id}`, { disabled: false, display_name: 'Trần Thị Lan' });
    assert.equal(back.status, 200);
    assert.equal(back.body.data.disabled, false);
    assert.equal(back.body.data.display_name, 'Trần Thị Lan');
    await srv.login('leaver', 'a-good-password');
  });

  test('an admin cannot disable their own account', async () => {
    const res = await adminA.patch(`/api/v1/users/${users['admin-a']}`, { disabled: true });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.disabled);
    assert.equal((await adminA.get('/api/v1/me')).status, 200);
  });

  test('a password reset ends the user\'s sessions; the old password stops working', async () => {
    const res0 = await create(adminA, { username: 'forgetful', role: 'viewer', unit_id: A.id });
    const id = res0.body.data.id;
    const s = await srv.login('forgetful', 'a-good-password');
    let res = await adminA.post(`/api/v1/users/${id}/password`, { password: 'short' });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.password);
    res = await adminA.post(`/api/v1/users/${id}/password`, { password: 'brand-new-pass' });
    assert.equal(res.status, 204);
    assert.equal((await s.get('/api/v1/me')).status, 401);
    const old = await srv.client().post('/api/v1/session', { username: 'forgetful', password: 'a-good-password' });
    assert.equal(old.status, 401);
    await srv.login('forgetful', 'brand-new-pass');
    assert.ok(auditOf(srv, id).some((a) => a.action === 'user.password' && a.actor === 'admin-a'));
  });
});

describe('roles without users.write', () => {
  let viewer;
  let officer;
  before(async () => {
    viewer = await srv.login('viewer-a1', 'a-good-password');
    officer = await srv.login('officer-a', 'a-good-password');
  });

  test('a viewer can neither list nor change users', async () => {
    assert.equal((await viewer.get('/api/v1/users')).status, 403);
    let res = await create(viewer, { username: 'by-viewer', role: 'viewer', unit_id: A1.id });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    res = await viewer.patch(`/api/v1/users/${users['viewer-a1']}`, { display_name: 'x' });
    assert.equal(res.status, 403);
    res = await viewer.post(`/api/v1/users/${users['officer-a']}/password`, { password: 'taken-over-1' });
    assert.equal(res.status, 403);
  });

  test('an officer reads the commune\'s users but cannot create, grant or disable', async () => {
    const list = await officer.get('/api/v1/users');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.every((u) => u.grants.some((g) => g.unit_id === A.id || g.unit_id === A1.id)));
    assert.equal((await create(officer, { username: 'by-officer', role: 'viewer', unit_id: A1.id })).status, 403);
    assert.equal((await officer.post(`/api/v1/users/${users['viewer-a1']}/grants`, { role: 'viewer', unit_id: A.id })).status, 403);
    assert.equal((await officer.patch(`/api/v1/users/${users['viewer-a1']}`, { disabled: true })).status, 403);
    assert.equal((await root.get(`/api/v1/users/${users['viewer-a1']}`)).body.data.disabled, false);
  });
});
