// `tiengmo copy` moves a ward's installation from its SQLite file to PostgreSQL. With the PostgreSQL
// suite (TIENGMO_TEST_PG) a real ward is copied and then served from PostgreSQL: the same logins,
// the same units, new records get fresh ids, and a second copy into the now full database is
// refused. On both engines: bad arguments and an unreachable target are clear errors that never
// show the password.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startServer, dbUrlFor, dropDbFor } from './lib/server.js';
import { makeUnit } from './lib/identity.js';

function copy(args) {
  const r = spawnSync(BIN, ['copy', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the source must be sqlite:PATH and the target postgres://', () => {
  let r = copy(['--from', '/tmp/x.db', '--to', 'postgres://h/db']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--from must name the source as sqlite:PATH/);
  r = copy(['--from', 'sqlite:/tmp/x.db', '--to', 'sqlite:/tmp/y.db']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--to must name the target as postgres:\/\//);
  r = copy(['--to', 'postgres://h/db']);
  assert.equal(r.status, 2);
});

test('a missing source is named and nothing is created', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tiengmo-copy-'));
  try {
    const r = copy(['--from', `sqlite:${dir}/none.db`, '--to', 'postgres://127.0.0.1:1/x']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /there is no database at '.*none\.db'/);
    assert.equal(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreachable target is an error that does not show the password', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tiengmo-copy-'));
  try {
    const src = `sqlite:${dir}/src.db`;
    const m = spawnSync(BIN, ['migrate', '--db', src, '--data-dir', dir], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    const r = copy(['--from', src, '--to', 'postgresql://ward:Secret-Pw-123@127.0.0.1:1/tiengmo?connect_timeout=3']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot connect to PostgreSQL database 'tiengmo' on '127\.0\.0\.1'/);
    assert.doesNotMatch(r.stderr + r.stdout, /Secret-Pw-123/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Only the PostgreSQL suite has a PostgreSQL to copy to; `make test` runs both suites.
if (process.env.TIENGMO_TEST_PG) describe('a ward copied to PostgreSQL', () => {
  let dir;
  let targetDir;
  let target;
  let first;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tiengmo-copy-'));
    targetDir = mkdtempSync(path.join(tmpdir(), 'tiengmo-copy-target-'));
    const src = await startServer({ dataDir: dir, env: { TIENGMO_DB: `sqlite:${dir}/tiengmo.db` } });
    src.addUser('root', 'root-pass-1', 'admin');
    const root = await src.login('root', 'root-pass-1');
    const p = await makeUnit(root, 'province', '49', 'Tỉnh Quảng Nam');
    const c = await makeUnit(root, 'commune', '20194', 'Phường Vĩnh Điện', p.id);
    await makeUnit(root, 'block', '20194-K1', 'Khối phố 1', c.id);
    src.addUser('officer1', 'officer-pass-1', 'officer', '20194');
    await src.client().post('/api/v1/session', { username: 'officer1', password: 'wrong-password' });
    await src.stop();
    target = dbUrlFor(targetDir); // a new, empty PostgreSQL database
    first = copy(['--from', `sqlite:${dir}/tiengmo.db`, '--to', target]);
  });
  after(() => {
    dropDbFor(targetDir);
    rmSync(dir, { recursive: true, force: true });
    rmSync(targetDir, { recursive: true, force: true });
  });

  test('every table is verified and the copy succeeds', () => {
    assert.equal(first.status, 0, first.stderr);
    for (const table of ['units', 'users', 'grants', 'audit_log', 'audit_head', 'login_failures']) {
      assert.match(first.stdout, new RegExp(`^  ${table} +\\d+ rows  checksum [0-9a-f]{16}  verified$`, 'm'));
    }
    assert.doesNotMatch(first.stdout, /MISMATCH/);
    assert.match(first.stdout, /^  units +3 rows /m);
    assert.match(first.stdout, /every table verified/);
  });

  test('the copied ward is served from PostgreSQL: logins, units and a new unit with a fresh id', async () => {
    const srv = await startServer({ dataDir: dir, env: { TIENGMO_DB: target } });
    try {
      const officer = await srv.login('officer1', 'officer-pass-1');
      const me = await officer.get('/api/v1/me');
      assert.equal(me.body.data.user.grants[0].unit_name, 'Phường Vĩnh Điện');
      const root = await srv.login('root', 'root-pass-1');
      const units = await root.get('/api/v1/units');
      assert.equal(units.status, 200);
      const names = units.body.data.map((u) => u.name);
      assert.ok(names.includes('Khối phố 1'), JSON.stringify(names));
      const k2 = await makeUnit(root, 'block', '20194-K2', 'Khối phố 2', me.body.data.user.grants[0].unit_id);
      assert.ok(k2.id > Math.max(...units.body.data.map((u) => u.id)));
      const audit = srv.cli(['audit', 'verify']);
      assert.equal(audit.status, 0, audit.stderr);
    } finally {
      await srv.stop();
    }
  });

  test('a second copy into the now used database is refused and changes nothing', () => {
    const r = copy(['--from', `sqlite:${dir}/tiengmo.db`, '--to', target]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the target already holds data .*copy needs a new, empty database/);
  });
});
