// Logging in and out as a browser would: the session cookie and its flags, the same answer for every
// kind of bad login, /me, CSRF on state-changing requests, changing one's password, login throttling
// per username and per client address, and TOTP enrolment with codes computed here (RFC 6238).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';
import { totp, wrongTotp, makeUnit, auditOf } from './lib/identity.js';

let srv;
let root;
let commune;

before(async () => {
  srv = await startServer();
  srv.addUser('root', 'root-pass-1', 'admin');
  root = await srv.login('root', 'root-pass-1');
  const p = await makeUnit(root, 'province', '48', 'Thành phố Đà Nẵng');
  commune = await makeUnit(root, 'commune', '20194', 'Phường Vĩnh Điện', p.id);
  srv.addUser('officer1', 'officer-pass-1', 'officer', '20194');
  srv.addUser('viewer1', 'viewer-pass-1', 'viewer', '20194');
});
after(async () => { await srv.stop(); });

function cookieOf(res) {
  return res.headers.get('set-cookie') || '';
}

test('login answers the user, their grants and a CSRF token, with an HttpOnly SameSite=Strict cookie', async () => {
  const c = srv.client();
  const res = await c.post('/api/v1/session', { username: 'officer1', password: 'officer-pass-1' });
  assert.equal(res.status, 200);
  const { user, csrf_token } = res.body.data;
  assert.equal(user.username, 'officer1');
  assert.equal(user.disabled, false);
  assert.equal(user.totp_enabled, false);
  assert.equal(user.grants.length, 1);
  assert.equal(user.grants[0].role, 'officer');
  assert.equal(user.grants[0].unit_id, commune.id);
  assert.equal(user.grants[0].unit_name, 'Phường Vĩnh Điện');
  assert.ok(csrf_token.length >= 32);
  const cookie = cookieOf(res);
  assert.match(cookie, /^tiengmo_session=[A-Za-z0-9_-]{40,};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.doesNotMatch(cookie, /Secure/);
});

test('usernames are matched without regard to case', async () => {
  const c = srv.client();
  const res = await c.post('/api/v1/session', { username: 'Officer1', password: 'officer-pass-1' });
  assert.equal(res.status, 200);
  assert.equal(res.body.data.user.username, 'officer1');
});

test('--secure-cookies marks the session cookie Secure', async () => {
  const other = await startServer({ args: ['--secure-cookies'] });
  try {
    other.addUser('admin', 'admin-pass-1', 'admin');
    const res = await other.client().post('/api/v1/session', { username: 'admin', password: 'admin-pass-1' });
    assert.equal(res.status, 200);
    assert.match(cookieOf(res), /; Secure/);
    assert.match(cookieOf(res), /HttpOnly/);
  } finally {
    await other.stop();
  }
});

test('a wrong password, an unknown user and a disabled account get the same 401', async () => {
  srv.addUser('leaving', 'leaving-pass-1', 'viewer', '20194');
  const d = srv.cli(['user', 'disable', '--username', 'leaving']);
  assert.equal(d.status, 0, d.stderr);
  const answers = [];
  for (const [username, password] of [['officer1', 'wrong-pass-1'], ['nobody-here', 'officer-pass-1'], ['leaving', 'leaving-pass-1']]) {
    const c = srv.client();
    const res = await c.post('/api/v1/session', { username, password });
    assert.equal(res.status, 401, username);
    assert.equal(res.body.error.code, 'invalid_credentials');
    assert.equal(cookieOf(res), '', 'no cookie on a failed login');
    answers.push(res.text);
  }
  assert.equal(answers[0], answers[1]);
  assert.equal(answers[1], answers[2]);
});

test('bad login bodies: malformed JSON is 400, missing fields are 422 naming them', async () => {
  const c = srv.client();
  let res = await c.post('/api/v1/session', '{"username": ', { headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'malformed_json');
  res = await c.post('/api/v1/session', { username: 'officer1' });
  assert.equal(res.status, 422);
  assert.equal(res.body.error.code, 'validation_failed');
  assert.ok(res.body.error.fields.password);
  res = await c.post('/api/v1/session', { username: 7, password: 'x' });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.username);
});

test('GET /api/v1/me needs a session and answers the same user and CSRF token as login', async () => {
  const anon = await fetch(srv.url + '/api/v1/me');
  assert.equal(anon.status, 401);
  assert.equal((await anon.json()).error.code, 'unauthenticated');

  const c = srv.client();
  const login = await c.post('/api/v1/session', { username: 'viewer1', password: 'viewer-pass-1' });
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.data.user.id, login.body.data.user.id);
  assert.equal(me.body.data.user.grants[0].role, 'viewer');
  assert.equal(me.body.data.csrf_token, login.body.data.csrf_token);
});

test('logout ends the session: the cookie is cleared and the old token no longer works', async () => {
  const c = await srv.login('viewer1', 'viewer-pass-1');
  const oldCookie = c.cookie;
  const res = await c.delete('/api/v1/session');
  assert.equal(res.status, 204);
  assert.match(cookieOf(res), /tiengmo_session=;.*Max-Age=0/);
  const again = await fetch(srv.url + '/api/v1/me', { headers: { cookie: oldCookie } });
  assert.equal(again.status, 401);
});

test('logging in again from the same browser replaces its session: the old token stops working', async () => {
  const c = await srv.login('viewer1', 'viewer-pass-1');
  const oldCookie = c.cookie;
  const res = await c.post('/api/v1/session', { username: 'viewer1', password: 'viewer-pass-1' });
  assert.equal(res.status, 200);
  assert.notEqual(c.cookie, oldCookie);
  assert.equal((await c.get('/api/v1/me')).status, 200);
  const stale = await fetch(srv.url + '/api/v1/me', { headers: { cookie: oldCookie } });
  assert.equal(stale.status, 401);
});

test('login and logout are audited under the user, with the user as actor', async () => {
  const c = await srv.login('viewer1', 'viewer-pass-1');
  const id = (await c.get('/api/v1/me')).body.data.user.id;
  const before = auditOf(srv, id).length;
  await c.delete('/api/v1/session');
  const entries = auditOf(srv, id);
  assert.equal(entries.length, before + 1);
  assert.deepEqual(entries.at(-1), { action: 'session.logout', actor: 'viewer1', entity_id: String(id) });
  assert.ok(entries.some((e) => e.action === 'session.login' && e.actor === 'viewer1'));
});

describe('CSRF', () => {
  test('a cookie-authenticated POST, PATCH or DELETE without the X-CSRF-Token header is 403 csrf', async () => {
    const c = await srv.login('root', 'root-pass-1');
    const me = (await c.get('/api/v1/me')).body.data.user;
    let res = await c.post('/api/v1/me/password', { current_password: 'root-pass-1', new_password: 'another-pass-1' }, { csrf: false });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf');
    res = await c.patch(`/api/v1/users/${me.id}`, { display_name: 'Changed' }, { csrf: false });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf');
    res = await c.delete('/api/v1/session', { csrf: false });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf');
    // nothing happened: the session lives and the name is unchanged
    const after = await c.get('/api/v1/me');
    assert.equal(after.status, 200);
    assert.equal(after.body.data.user.display_name, me.display_name);
  });

  test('a wrong X-CSRF-Token is 403 csrf too', async () => {
    const c = await srv.login('root', 'root-pass-1');
    const res = await c.delete('/api/v1/session', { csrf: false, headers: { 'x-csrf-token': 'not-the-token' } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf');
    const other = await srv.login('root', 'root-pass-1');
    const res2 = await c.delete('/api/v1/session', { csrf: false, headers: { 'x-csrf-token': other.csrf } });
    assert.equal(res2.status, 403, "another session's token does not fit");
    assert.equal((await c.get('/api/v1/me')).status, 200);
  });
});

test('changing my password checks the current one, ends my other sessions and keeps this one', async () => {
  srv.addUser('changer', 'first-pass-1', 'viewer', '20194');
  const other = await srv.login('changer', 'first-pass-1');
  const c = await srv.login('changer', 'first-pass-1');
  let res = await c.post('/api/v1/me/password', { current_password: 'not-it-at-all', new_password: 'second-pass-2' });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.current_password);
  res = await c.post('/api/v1/me/password', { current_password: 'first-pass-1', new_password: 'short' });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.new_password);
  res = await c.post('/api/v1/me/password', { current_password: 'first-pass-1', new_password: 'second-pass-2' });
  assert.equal(res.status, 204);
  assert.equal((await c.get('/api/v1/me')).status, 200, 'this session stays');
  assert.equal((await other.get('/api/v1/me')).status, 401, 'the other session ended');
  const old = await srv.client().post('/api/v1/session', { username: 'changer', password: 'first-pass-1' });
  assert.equal(old.status, 401);
  await srv.login('changer', 'second-pass-2');
});

describe('TOTP', () => {
  test('only admins and officers may enrol', async () => {
    const v = await srv.login('viewer1', 'viewer-pass-1');
    const res = await v.post('/api/v1/me/totp', {});
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
  });

  test('enrol, confirm, then login needs the code; a wrong code fails; disabling needs a code', async () => {
    srv.addUser('officer2', 'officer-pass-2', 'officer', '20194');
    const c = await srv.login('officer2', 'officer-pass-2');
    const begin = await c.post('/api/v1/me/totp', {});
    assert.equal(begin.status, 200);
    const { secret, otpauth_url } = begin.body.data;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.ok(otpauth_url.startsWith('otpauth://totp/'));
    assert.ok(otpauth_url.includes(`secret=${secret}`));

    // not on until confirmed: login still needs no code
    await srv.login('officer2', 'officer-pass-2');

    let res = await c.post('/api/v1/me/totp/confirm', { code: wrongTotp(secret) });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.code);
    res = await c.post('/api/v1/me/totp/confirm', { code: totp(secret) });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.user.totp_enabled, true);

    const anon = srv.client();
    res = await anon.post('/api/v1/session', { username: 'officer2', password: 'officer-pass-2' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'totp_required');
    assert.equal(cookieOf(res), '', 'no session without the code');
    res = await anon.post('/api/v1/session', { username: 'officer2', password: 'officer-pass-2', totp: wrongTotp(secret) });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'invalid_totp');
    assert.equal(cookieOf(res), '');
    res = await anon.post('/api/v1/session', { username: 'officer2', password: 'wrong-pass-9', totp: totp(secret) });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'invalid_credentials', 'the code does not rescue a wrong password');
    const withCode = await srv.login('officer2', 'officer-pass-2', { totp: totp(secret) });
    const me = await withCode.get('/api/v1/me');
    assert.equal(me.body.data.user.totp_enabled, true);

    res = await withCode.post('/api/v1/me/totp', {});
    assert.equal(res.status, 409, 'no second enrolment while TOTP is on');

    res = await withCode.delete('/api/v1/me/totp', { body: { code: wrongTotp(secret) } });
    assert.equal(res.status, 422);
    res = await withCode.delete('/api/v1/me/totp', { body: { code: totp(secret) } });
    assert.equal(res.status, 204);
    await srv.login('officer2', 'officer-pass-2');

    const actions = auditOf(srv, me.body.data.user.id).map((a) => a.action);
    assert.ok(actions.includes('totp.enable'));
    assert.ok(actions.includes('totp.disable'));
  });
});

describe('throttling', () => {
  let t;
  let fromHere = 0; // failed logins this server has counted against 127.0.0.1
  const fail = async (username) => {
    const res = await t.client().post('/api/v1/session', { username, password: 'definitely-wrong' });
    if (res.status === 401) fromHere++;
    return res;
  };

  before(async () => {
    t = await startServer();
    t.addUser('target', 'target-pass-1', 'admin');
    t.addUser('clearer', 'clearer-pass-1', 'admin');
  });
  after(async () => { await t.stop(); });

  test('a successful login forgets that username\'s failures', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await fail('clearer')).status, 401);
    await t.login('clearer', 'clearer-pass-1');
    for (let i = 0; i < 4; i++) assert.equal((await fail('clearer')).status, 401);
    await t.login('clearer', 'clearer-pass-1');
  });

  test('the 6th attempt on one username within 15 minutes is 429 with Retry-After, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fail('target');
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const res = await fail('target');
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'rate_limited');
    const wait = Number(res.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 900, `Retry-After ${res.headers.get('retry-after')}`);
    const right = await t.client().post('/api/v1/session', { username: 'target', password: 'target-pass-1' });
    assert.equal(right.status, 429);
    const upper = await t.client().post('/api/v1/session', { username: 'TARGET', password: 'target-pass-1' });
    assert.equal(upper.status, 429, 'case does not dodge the limit');
    // another username is not affected
    await t.login('clearer', 'clearer-pass-1');
  });

  test('after 20 failures from one address, even a fresh username is 429', async () => {
    let n = 0;
    while (fromHere < 20) {
      const res = await fail(`fresh-${n++}`);
      assert.equal(res.status, 401, `failure ${fromHere} from this address`);
    }
    const res = await t.client().post('/api/v1/session', { username: 'clearer', password: 'clearer-pass-1' });
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'rate_limited');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  });

  test('failures are stored by username and by a hash of the address, never the address itself', async () => {
    const { spawnSync } = await import('node:child_process');
    const url = t.env.TIENGMO_DB;
    if (!url.startsWith('sqlite:')) return;
    const r = spawnSync('sqlite3', [url.slice(7), 'SELECT DISTINCT key FROM login_failures'], { encoding: 'utf8' });
    const keys = r.stdout.split('\n').filter(Boolean);
    assert.ok(keys.includes('u:target'));
    assert.ok(keys.some((k) => /^a:[0-9a-f]{64}$/.test(k)));
    assert.ok(!keys.some((k) => k.includes('127.0.0.1')));
  });
});
