// Several tiengmo instances on one database behave as one system, as behind a load balancer: a
// session made on one instance is valid on the other, a logout on one ends it on both, and a user
// added through one is seen by the other. Runs on whichever engine the suite runs on (two processes
// sharing one SQLite file, or one PostgreSQL database).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeClient } from './lib/server.js';

let a;
let b;

before(async () => {
  a = await startServer();
  b = await startServer({ dataDir: a.dataDir }); // the same database and key file
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
