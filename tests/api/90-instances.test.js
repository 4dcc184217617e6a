// Several tiengmo instances on one database behave as one system, as behind a load balancer: a
// session made on one instance is valid on the other, a logout on one ends it on both, a user
// added through one is seen by the other, and a disable or a revoked grant holds on the other at once. Runs on whichever engine the suite runs on (two processes
// sharing one SQLite file, or one PostgreSQL database). An event recorded through one instance reaches
// a live stream opened on the other (PostgreSQL: LISTEN/NOTIFY; SQLite: the hub's poll of the table).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeClient } from './lib/server.js';
import { openStream } from './lib/sse.js';

let a;
let b;

before(async () => {
  const env = { TIENGMO_STREAM_HEARTBEAT: '0.5' };
  a = await startServer({ env });
  b = await startServer({ env, dataDir: a.dataDir }); // the same database and key file
  a.addUser('root', 'root-pass-1', 'admin');
});
after(async () => {
  await b.stop();
  await a.stop();
});

// A client of instance `srv` carrying the session of client `c` (the balancer sent it elsewhere).
function sameSessionOn(srv, c) {
  const other = makeClient(srv.url);
  other.cookie = c.cookie;
  other.csrf = c.csrf;
  return other;
}

test('a session made on one instance is valid on the other', async () => {
  const onA = await a.login('root', 'root-pass-1');
  const onB = sameSessionOn(b, onA);
  const res = await onB.get('/api/v1/me');
  assert.equal(res.status, 200);
  assert.equal(res.body.data.user.username, 'root');
});

test('a logout on one instance ends the session on the other', async () => {
  const onA = await a.login('root', 'root-pass-1');
  const onB = sameSessionOn(b, onA);
  assert.equal((await onA.get('/api/v1/me')).status, 200);
  const out = await onB.delete('/api/v1/session');
  assert.equal(out.status, 204);
  const res = await sameSessionOn(a, onA).get('/api/v1/me');
  assert.equal(res.status, 401);
});

test('a user added through one instance can log in on the other', async () => {
  const onA = await a.login('root', 'root-pass-1');
  const made = await onA.post('/api/v1/users', {
    username: 'officer9',
    password: 'officer-pass-9',
    display_name: 'Cán bộ chín',
    role: 'admin',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const onB = await b.login('officer9', 'officer-pass-9');
  const res = await onB.get('/api/v1/me');
  assert.equal(res.status, 200);
  assert.equal(res.body.data.user.display_name, 'Cán bộ chín');
});

// Sessions, users and grants are read from the database on every request (no instance keeps a copy),
// so a change made through one instance holds on the other for the very next request.
test('a user disabled through one instance is refused on the other at once', async () => {
  const root = await a.login('root', 'root-pass-1');
  const made = await root.post('/api/v1/users', { username: 'officer10', password: 'officer-pass-10', role: 'admin' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const onB = await b.login('officer10', 'officer-pass-10');
  assert.equal((await onB.get('/api/v1/units')).status, 200);
  const off = await root.patch(`/api/v1/users/${made.body.data.id}`, { disabled: true });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.equal((await onB.get('/api/v1/units')).status, 401);
  assert.equal((await onB.get('/api/v1/me')).status, 401);
});

test('a grant revoked through one instance opens nothing more on the other', async () => {
  const root = await a.login('root', 'root-pass-1');
  const unit = await root.post('/api/v1/units', { kind: 'province', code: 'INST-P', name: 'Tỉnh Hai Máy' });
  assert.equal(unit.status, 201, JSON.stringify(unit.body));
  const made = await root.post('/api/v1/users', { username: 'officer11', password: 'officer-pass-11', role: 'admin' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.data.id;
  const viewer = await root.post(`/api/v1/users/${id}/grants`, { role: 'viewer', unit_id: unit.body.data.id });
  assert.equal(viewer.status, 201, JSON.stringify(viewer.body));
  const onB = await b.login('officer11', 'officer-pass-11');
  assert.equal((await onB.get('/api/v1/users')).status, 200);
  const adminGrant = made.body.data.grants.find((g) => g.role === 'admin');
  assert.equal((await root.delete(`/api/v1/users/${id}/grants/${adminGrant.id}`)).status, 204);
  assert.equal((await onB.get('/api/v1/users')).status, 403); // users.read went with the admin grant
  const units = await onB.get('/api/v1/units');
  assert.equal(units.status, 200);
  assert.deepEqual(units.body.data.map((u) => u.code), ['INST-P']); // only the viewer's own unit now
});

test('an event recorded through one instance reaches a stream opened on the other', async () => {
  const root = await a.login('root', 'root-pass-1');
  const p = await root.post('/api/v1/units', { kind: 'province', code: 'EV-P', name: 'Tỉnh Sự Kiện' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const c = await root.post('/api/v1/units', { kind: 'commune', code: 'EV-C', name: 'Phường Sự Kiện', parent_id: p.body.data.id });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const onB = sameSessionOn(b, root);
  const stream = await openStream(b.url, onB.cookie);
  try {
    assert.equal(stream.status, 200);
    await stream.heartbeats(1); // open and registered with B's hub
    // a tip submitted through instance A: its event reaches the stream held by instance B
    const tip = await makeClient(a.url).post('/api/v1/public/tips', {
      category: 'noise', unit_id: c.body.data.id, description: 'Loa kẹo kéo mở to sau 23 giờ',
    });
    assert.equal(tip.status, 201, JSON.stringify(tip.body));
    const e = await stream.nextMatching((ev) => ev.event === 'tip.created' && ev.data.id === tip.body.data.id);
    assert.equal(e.data.unit_id, c.body.data.id);
    // and a change made through B reaches a stream held by A
    const onA = await openStream(a.url, root.cookie);
    try {
      await onA.heartbeats(1);
      const up = await onB.patch(`/api/v1/tips/${tip.body.data.id}`, { status: 'verifying' });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      const u = await onA.nextMatching((ev) => ev.event === 'tip.updated');
      assert.equal(u.data.status, 'verifying');
    } finally {
      onA.close();
    }
  } finally {
    stream.close();
  }
});
