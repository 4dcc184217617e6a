// `tiengmo user add|list|passwd|disable` against the database of a running server, as a ward's IT
// person would script it: accounts made here log in over HTTP, mistakes get clear messages and the
// right exit status (2 for usage, 1 for failures), and every change is audited with actor "cli".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';
import { makeUnit, auditOf } from './lib/identity.js';

let srv;
let root;
let commune;

before(async () => {
  srv = await startServer();
  const r = srv.cli(['user', 'add', '--username', 'root', '--role', 'admin', '--display-name', 'Quản trị', '--password-stdin'],
    { input: 'root-pass-1\n' });
  assert.equal(r.status, 0, r.stderr);
  root = await srv.login('root', 'root-pass-1');
  const p = await makeUnit(root, 'province', '48', 'Thành phố Đà Nẵng');
  commune = await makeUnit(root, 'commune', '20194', 'Phường Vĩnh Điện', p.id);
});
after(async () => { await srv.stop(); });

const add = (args, password = 'a-good-password\n') =>
  srv.cli(['user', 'add', ...args, '--password-stdin'], { input: password });

test('an admin without --unit administers the whole installation', async () => {
  const me = (await root.get('/api/v1/me')).body.data.user;
  assert.equal(me.display_name, 'Quản trị');
  assert.equal(me.grants.length, 1);
  assert.equal(me.grants[0].role, 'admin');
  assert.equal(me.grants[0].unit_id, null);
  const audit = auditOf(srv, me.id);
  assert.deepEqual(audit[0], { action: 'user.create', actor: 'cli', entity_id: String(me.id) });
});

test('user add --unit CODE puts the role on that unit', async () => {
  const r = add(['--username', 'officer1', '--role', 'officer', '--unit', '20194']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /officer1/);
  const c = await srv.login('officer1', 'a-good-password');
  const me = (await c.get('/api/v1/me')).body.data.user;
  assert.equal(me.grants[0].role, 'officer');
  assert.equal(me.grants[0].unit_id, commune.id);
});

test('usage errors exit 2 with a message naming the problem', () => {
  let r = add(['--username', 'nounit', '--role', 'officer']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--unit/);
  r = add(['--username', 'badrole', '--role', 'chief', '--unit', '20194']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'chief' is not a role/);
  r = srv.cli(['user', 'add', '--username', 'nopw', '--role', 'admin']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--password-stdin/);
  r = add(['--role', 'admin']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--username/);
  r = add(['--username', 'Bad Name', '--role', 'admin']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /username 'Bad Name'/);
  r = srv.cli(['user', 'frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'frobnicate' is not a user command/);
  r = srv.cli(['user', 'list', '--colour']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--colour/);
});

test('failures exit 1: an unknown unit, a taken username, a short password; nothing is created', async () => {
  let r = add(['--username', 'lost', '--role', 'viewer', '--unit', '99999']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no unit has the code '99999'/);
  r = add(['--username', 'officer1', '--role', 'viewer', '--unit', '20194']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /username 'officer1' is taken/);
  r = add(['--username', 'shorty', '--role', 'viewer', '--unit', '20194'], 'short\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /at least 8 characters/);
  const names = (await root.get('/api/v1/users')).body.data.map((u) => u.username);
  assert.deepEqual(names.sort(), ['officer1', 'root']);
});

test('user list shows every account with its state and roles', () => {
  const r = srv.cli(['user', 'list']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /USERNAME/);
  const rootLine = lines.find((l) => /\broot\b/.test(l));
  const offLine = lines.find((l) => /\bofficer1\b/.test(l));
  assert.match(rootLine, /active/);
  assert.match(rootLine, /admin@\*/);
  assert.match(rootLine, /Quản trị/);
  assert.match(offLine, /officer@20194/);
  assert.equal(lines.length, 3);
});

test('user passwd sets a new password and ends the user\'s sessions', async () => {
  const s = await srv.login('officer1', 'a-good-password');
  const r = srv.cli(['user', 'passwd', '--username', 'officer1', '--password-stdin'], { input: 'changed-pass-2\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await s.get('/api/v1/me')).status, 401);
  const old = await srv.client().post('/api/v1/session', { username: 'officer1', password: 'a-good-password' });
  assert.equal(old.status, 401);
  await srv.login('officer1', 'changed-pass-2');
  const missing = srv.cli(['user', 'passwd', '--username', 'ghost', '--password-stdin'], { input: 'changed-pass-2\n' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no user is named 'ghost'/);
});

test('user disable ends the sessions and blocks login; it is audited with actor cli', async () => {
  const s = await srv.login('officer1', 'changed-pass-2');
  const id = (await s.get('/api/v1/me')).body.data.user.id;
  const r = srv.cli(['user', 'disable', '--username', 'officer1']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await s.get('/api/v1/me')).status, 401);
  const login = await srv.client().post('/api/v1/session', { username: 'officer1', password: 'changed-pass-2' });
  assert.equal(login.status, 401);
  assert.equal(login.body.error.code, 'invalid_credentials');
  assert.match(srv.cli(['user', 'list']).stdout, /officer1\s+disabled/);
  const actions = auditOf(srv, id).filter((a) => a.actor === 'cli').map((a) => a.action);
  assert.deepEqual(actions, ['user.create', 'user.password', 'user.disable']);
  const v = srv.cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('--help on each user command prints its usage and flags, exit 0', () => {
  for (const [sub, flag] of [['add', '--password-stdin'], ['list', '--db'], ['passwd', '--username'], ['disable', '--username']]) {
    const r = srv.cli(['user', sub, '--help']);
    assert.equal(r.status, 0, sub);
    assert.match(r.stdout, new RegExp(`usage: tiengmo user ${sub}`));
    assert.ok(r.stdout.includes(flag), `${sub} --help names ${flag}`);
  }
  const all = srv.cli(['user', '--help']);
  assert.equal(all.status, 0);
  for (const sub of ['add', 'list', 'passwd', 'disable']) assert.match(all.stdout, new RegExp(`\\b${sub}\\b`));
});
