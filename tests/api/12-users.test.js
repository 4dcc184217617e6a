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

describe('grants on a team', () => {
  // A team on each of blocks A1, A2 and commune B's block, each with one member appointed by root; the
  // user leader-t1 also views block A3, which has no team (a user without grants is an installation
  // admin's alone to see).
  let teamA, teamA2, teamB, memberA, memberA2, leader, leaderId, leaderGrant;
  before(async () => {
    const B1 = await makeUnit(root, 'block', '20195-01', 'Khối phố Điện An 1', B.id);
    const A2 = await makeUnit(root, 'block', '20194-02', 'Khối phố 2', A.id);
    const team = async (unit, kind, name) => {
      const res = await root.post('/api/v1/teams', { unit_id: unit.id, kind, name });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data;
    };
    const member = async (t, unit, fullName) => {
      const p = await root.post('/api/v1/people', { unit_id: unit.id, full_name: fullName, gender: 'male', birth_date: '1980-03-04' });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const m = await root.post(`/api/v1/teams/${t.id}/members`, { person_id: p.body.data.id, role: 'member', term_from: '2024-01-01' });
      assert.equal(m.status, 201, JSON.stringify(m.body));
      return m.body.data;
    };
    teamA = await team(A1, 'security_order', 'Tổ bảo vệ ANTT khối 1');
    teamA2 = await team(A2, 'security_order', 'Tổ bảo vệ ANTT khối 2');
    teamB = await team(B1, 'security_order', 'Tổ bảo vệ ANTT Điện An 1');
    memberA = await member(teamA, A1, 'Lê Văn Hùng');
    memberA2 = await member(teamA2, A2, 'Phạm Văn Tâm');
    await member(teamB, B1, 'Võ Văn Sơn');
    const A3 = await makeUnit(root, 'block', '20194-03', 'Khối phố 3', A.id);
    const res = await create(adminA, { username: 'leader-t1', role: 'viewer', unit_id: A3.id });
    assert.equal(res.status, 201);
    leaderId = res.body.data.id;
  });
  const teamGrants = (u) => u.grants.filter((g) => g.team_id !== null).map((g) => [g.role, g.team_id, g.team_name]);

  test('a commune admin gives team_leader on a team of the commune; it shows with the team\'s name, in /me too', async () => {
    const res = await adminA.post(`/api/v1/users/${leaderId}/grants`, { role: 'team_leader', team_id: teamA.id });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    leaderGrant = res.body.data;
    assert.equal(leaderGrant.role, 'team_leader');
    assert.equal(leaderGrant.team_id, teamA.id);
    assert.equal(leaderGrant.team_name, 'Tổ bảo vệ ANTT khối 1');
    assert.equal(leaderGrant.unit_id, A1.id, 'a team grant names the team\'s unit');
    const u = (await adminA.get(`/api/v1/users/${leaderId}`)).body.data;
    assert.deepEqual(teamGrants(u), [['team_leader', teamA.id, 'Tổ bảo vệ ANTT khối 1']]);
    assert.equal(u.grants[0].team_name, null, 'a unit grant has no team name');
    leader = await srv.login('leader-t1', 'a-good-password');
    const me = (await leader.get('/api/v1/me')).body.data.user;
    assert.deepEqual(teamGrants(me), [['team_leader', teamA.id, 'Tổ bảo vệ ANTT khối 1']]);
    assert.equal((await adminA.post(`/api/v1/users/${leaderId}/grants`, { role: 'team_leader', team_id: teamA.id })).status, 409);
    const grants = auditOf(srv, leaderId).filter((a) => a.action === 'user.grant');
    assert.equal(grants.length, 1, 'the refused duplicate is not audited');
    assert.equal(grants[0].actor, 'admin-a');
  });

  test('the team leader reads and edits that team\'s roster, and no other team\'s', async () => {
    assert.equal((await leader.get(`/api/v1/teams/${teamA.id}`)).status, 200);
    const roster = await leader.get(`/api/v1/teams/${teamA.id}/members`);
    assert.equal(roster.status, 200);
    assert.deepEqual(roster.body.data.map((m) => m.id), [memberA.id]);
    const edit = await leader.patch(`/api/v1/teams/${teamA.id}/members/${memberA.id}`, { role: 'leader' });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    assert.equal(edit.body.data.role, 'leader');
    assert.equal((await root.get(`/api/v1/teams/${teamA.id}/members`)).body.data[0].role, 'leader');

    for (const t of [teamA2, teamB]) {
      assert.equal((await leader.get(`/api/v1/teams/${t.id}`)).status, 404);
      assert.equal((await leader.get(`/api/v1/teams/${t.id}/members`)).status, 404);
    }
    assert.equal((await leader.patch(`/api/v1/teams/${teamA2.id}/members/${memberA2.id}`, { role: 'leader' })).status, 404);
    assert.equal((await root.get(`/api/v1/teams/${teamA2.id}/members`)).body.data[0].role, 'member');
    // the grant is the team's, not the block's: no users, people or units of the block
    assert.equal((await leader.get('/api/v1/users')).status, 403);
  });

  test('revoking the team grant takes the team away at once', async () => {
    const del = await adminA.delete(`/api/v1/users/${leaderId}/grants/${leaderGrant.id}`);
    assert.equal(del.status, 204);
    assert.equal((await leader.get(`/api/v1/teams/${teamA.id}`)).status, 404);
    assert.equal((await leader.get(`/api/v1/teams/${teamA.id}/members`)).status, 404);
    // no teams.write left anywhere: the router refuses before the team is looked up
    assert.equal((await leader.patch(`/api/v1/teams/${teamA.id}/members/${memberA.id}`, { role: 'member' })).status, 403);
    assert.equal((await root.get(`/api/v1/teams/${teamA.id}/members`)).body.data[0].role, 'leader');
    assert.deepEqual(teamGrants((await leader.get('/api/v1/me')).body.data.user), []);
    assert.equal(auditOf(srv, leaderId).at(-1).action, 'user.revoke');
  });

  test('a member or viewer on a team reads it but cannot edit the roster', async () => {
    const res = await adminA.post(`/api/v1/users/${leaderId}/grants`, { role: 'viewer', team_id: teamA.id });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await leader.get(`/api/v1/teams/${teamA.id}/members`)).status, 200);
    assert.equal((await leader.patch(`/api/v1/teams/${teamA.id}/members/${memberA.id}`, { role: 'member' })).status, 403);
    assert.equal((await adminA.delete(`/api/v1/users/${leaderId}/grants/${res.body.data.id}`)).status, 204);
  });

  test('a commune admin cannot give a role on another commune\'s team: it does not exist for them', async () => {
    const res = await adminA.post(`/api/v1/users/${leaderId}/grants`, { role: 'team_leader', team_id: teamB.id });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.fields.team_id, 'no such team');
    const missing = await adminA.post(`/api/v1/users/${leaderId}/grants`, { role: 'team_leader', team_id: 999999 });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.error.fields.team_id, 'no such team');
    // commune B's own admin may
    const adminB = await srv.login('admin-b', 'admin-b-pass');
    const other = await create(adminB, { username: 'leader-b1', role: 'viewer', unit_id: B.id });
    const otherId = other.body.data.id;
    const ok = await adminB.post(`/api/v1/users/${otherId}/grants`, { role: 'team_leader', team_id: teamB.id });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual(teamGrants((await adminA.get(`/api/v1/users/${leaderId}`)).body.data), []);
    // holding only the team grant, the user stays in commune B's list and out of commune A's
    assert.equal((await adminB.delete(`/api/v1/users/${otherId}/grants/${other.body.data.grants[0].id}`)).status, 204);
    assert.ok((await adminB.get('/api/v1/users')).body.data.some((x) => x.id === otherId));
    assert.ok(!(await adminA.get('/api/v1/users')).body.data.some((x) => x.id === otherId));
    assert.equal((await adminA.get(`/api/v1/users/${otherId}`)).status, 404);
  });

  test('admin, officer and coordinator are unit roles: refused on a team; unit_id and team_id together are refused', async () => {
    for (const role of ['officer', 'admin', 'coordinator']) {
      const res = await adminA.post(`/api/v1/users/${leaderId}/grants`, { role, team_id: teamA.id });
      assert.equal(res.status, 422, role);
      assert.match(res.body.error.fields.role, /on a unit/);
    }
    const both = await adminA.post(`/api/v1/users/${leaderId}/grants`, { role: 'viewer', team_id: teamA.id, unit_id: A1.id });
    assert.equal(both.status, 422);
    assert.ok(both.body.error.fields.team_id);
    assert.deepEqual(teamGrants((await adminA.get(`/api/v1/users/${leaderId}`)).body.data), []);
  });

  test('an officer, who may not write users, cannot give a team grant either', async () => {
    const officer = await srv.login('officer-a', 'a-good-password');
    const res = await officer.post(`/api/v1/users/${leaderId}/grants`, { role: 'viewer', team_id: teamA.id });
    assert.equal(res.status, 403);
  });
});

describe('linking an account to a person and an organisation', () => {
  let personA; let personA2; let personB; let orgA; let orgB; let linkedId;
  before(async () => {
    const person = async (unit, full_name) => {
      const res = await root.post('/api/v1/people', { unit_id: unit.id, full_name, gender: 'female', birth_date: '1985-05-06' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data;
    };
    personA = await person(A1, 'Trần Thị Lan');
    personA2 = await person(A1, 'Lê Thị Hoa');
    personB = await person(B, 'Phạm Văn Bình');
    const org = async (unit, name) => {
      const res = await root.post('/api/v1/organisations', { unit_id: unit.id, kind: 'womens_union', name });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data;
    };
    orgA = await org(A, 'Hội Liên hiệp Phụ nữ phường Vĩnh Điện');
    orgB = await org(B, 'Hội Liên hiệp Phụ nữ phường Điện An');
    const res = await create(adminA, { username: 'coord-a', role: 'coordinator', unit_id: A.id });
    assert.equal(res.status, 201);
    linkedId = res.body.data.id;
    assert.equal(res.body.data.person_id, null);
    assert.equal(res.body.data.organisation_id, null);
  });

  test('a commune admin links a user to a person and an organisation of the commune; the user sees them in /me', async () => {
    const res = await adminA.patch(`/api/v1/users/${linkedId}`, { person_id: personA.id, organisation_id: orgA.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.person_id, personA.id);
    assert.equal(res.body.data.person_name, 'Trần Thị Lan');
    assert.equal(res.body.data.organisation_id, orgA.id);
    assert.equal(res.body.data.organisation_name, 'Hội Liên hiệp Phụ nữ phường Vĩnh Điện');
    const got = (await adminA.get(`/api/v1/users/${linkedId}`)).body.data;
    assert.equal(got.person_id, personA.id);
    assert.equal(got.organisation_id, orgA.id);
    const me = await (await srv.login('coord-a', 'a-good-password')).get('/api/v1/me');
    assert.equal(me.body.data.user.organisation_id, orgA.id);
    assert.equal(me.body.data.user.person_name, 'Trần Thị Lan');
    const login = await srv.client().post('/api/v1/session', { username: 'coord-a', password: 'a-good-password' });
    assert.equal(login.body.data.user.organisation_name, 'Hội Liên hiệp Phụ nữ phường Vĩnh Điện', 'named at login too');
    const audit = auditOf(srv, linkedId);
    assert.ok(audit.some((e) => e.action === 'user.update' && e.actor === 'admin-a'));
  });

  test('a person or organisation of another commune does not exist for the caller (422) and nothing changes', async () => {
    let res = await adminA.patch(`/api/v1/users/${linkedId}`, { person_id: personB.id });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.fields.person_id, 'no such person');
    res = await adminA.patch(`/api/v1/users/${linkedId}`, { organisation_id: orgB.id });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.fields.organisation_id, 'no such organisation');
    res = await adminA.patch(`/api/v1/users/${linkedId}`, { person_id: 999999, organisation_id: 'x' });
    assert.equal(res.status, 422);
    const got = (await adminA.get(`/api/v1/users/${linkedId}`)).body.data;
    assert.equal(got.person_id, personA.id);
    assert.equal(got.organisation_id, orgA.id);
  });

  test('a person links to one account only: a second account gets 409', async () => {
    const other = await create(adminA, { username: 'member-a', role: 'member', unit_id: A1.id });
    const res = await adminA.patch(`/api/v1/users/${other.body.data.id}`, { person_id: personA.id });
    assert.equal(res.status, 409);
    assert.equal((await adminA.get(`/api/v1/users/${other.body.data.id}`)).body.data.person_id, null);
  });

  test('null unlinks; the person is then free for another account', async () => {
    const res = await adminA.patch(`/api/v1/users/${linkedId}`, { person_id: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.person_id, null);
    assert.equal(res.body.data.person_name, null);
    assert.equal(res.body.data.organisation_id, orgA.id, 'the organisation stays');
    const other = (await adminA.get('/api/v1/users?limit=200')).body.data.find((u) => u.username === 'member-a');
    assert.equal((await adminA.patch(`/api/v1/users/${other.id}`, { person_id: personA.id })).status, 200);
  });

  test('the command line links a new account: user add --person ID --organisation ID', async () => {
    const r = srv.cli(['user', 'add', '--username', 'cli-member', '--role', 'member', '--unit', '20194-01',
      '--person', String(personA2.id), '--organisation', String(orgA.id), '--password-stdin'], { input: 'cli-member-pass\n' });
    assert.equal(r.status, 0, r.stderr);
    const u = (await adminA.get('/api/v1/users?limit=200')).body.data.find((x) => x.username === 'cli-member');
    assert.equal(u.person_id, personA2.id);
    assert.equal(u.organisation_id, orgA.id);
    const taken = srv.cli(['user', 'add', '--username', 'cli-member2', '--role', 'member', '--unit', '20194-01',
      '--person', String(personA2.id), '--password-stdin'], { input: 'cli-member-pass\n' });
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /already linked/);
    const missing = srv.cli(['user', 'add', '--username', 'cli-member3', '--role', 'member', '--unit', '20194-01',
      '--organisation', '987654', '--password-stdin'], { input: 'cli-member-pass\n' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no organisation/);
    const bad = srv.cli(['user', 'add', '--username', 'cli-member4', '--role', 'member', '--unit', '20194-01',
      '--person', 'abc', '--password-stdin'], { input: 'cli-member-pass\n' });
    assert.equal(bad.status, 2);
  });
});
