// An officer who lost the phone with their authenticator: `tiengmo user totp-reset` turns the second
// factor off from the shell, ends their sessions, and is audited; they log in with the password and
// may enrol again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';
import { totp, makeUnit, auditOf } from './lib/identity.js';

let srv;

before(async () => {
  srv = await startServer();
  srv.addUser('root', 'root-pass-1', 'admin');
  const root = await srv.login('root', 'root-pass-1');
  const p = await makeUnit(root, 'province', '49', 'Tỉnh Quảng Nam');
  await makeUnit(root, 'commune', '20470', 'Phường Vĩnh Điện', p.id);
  srv.addUser('canbo', 'officer-pass-1', 'officer', '20470');
});
after(async () => { await srv.stop(); });

test('totp-reset lets a user with a lost phone back in with the password, and ends their sessions', async () => {
  const c = await srv.login('canbo', 'officer-pass-1');
  const { secret } = (await c.post('/api/v1/me/totp', {})).body.data;
  assert.equal((await c.post('/api/v1/me/totp/confirm', { code: totp(secret) })).status, 200);
  const withCode = await srv.login('canbo', 'officer-pass-1', { totp: totp(secret) });
  const anon = srv.client();
  let res = await anon.post('/api/v1/session', { username: 'canbo', password: 'officer-pass-1' });
  assert.equal(res.body.error.code, 'totp_required');

  const r = srv.cli(['user', 'totp-reset', '--username', 'canbo']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /password alone/);

  assert.equal((await withCode.get('/api/v1/me')).status, 401); // the phone's holder is out too
  const again = await srv.login('canbo', 'officer-pass-1');
  const me = await again.get('/api/v1/me');
  assert.equal(me.body.data.user.totp_enabled, false);
  const id = me.body.data.user.id;
  assert.ok(auditOf(srv, id).some((e) => e.action === 'totp.reset' && e.actor === 'cli'));
  // and they can enrol a new phone
  assert.equal((await again.post('/api/v1/me/totp', {})).status, 200);
});

test('totp-reset on an account without a second factor changes nothing; an unknown user is an error', () => {
  srv.addUser('khong.totp', 'officer-pass-2', 'officer', '20470');
  let r = srv.cli(['user', 'totp-reset', '--username', 'khong.totp']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /no second factor to reset/);
  r = srv.cli(['user', 'totp-reset', '--username', 'nobody']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nobody/);
  r = srv.cli(['user', 'totp-reset']);
  assert.equal(r.status, 2);
});
