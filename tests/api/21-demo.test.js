// `tiengmo demo`: the demo ward phường Vĩnh Điện — its unit tree and one working login per role —
// loads once into a new database, never on top of data, and `--if-new` makes that safe to repeat.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/server.js';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function fresh() {
  const srv = await startServer();
  servers.push(srv);
  return srv;
}

// The logins table: USERNAME PASSWORD ROLE UNIT (the unit may hold spaces).
function parseLogins(text) {
  const rows = {};
  let inTable = false;
  for (const line of text.split('\n')) {
    if (/^USERNAME\s+PASSWORD\s+ROLE\s+UNIT/.test(line)) { inTable = true; continue; }
    if (!inTable) continue;
    const m = line.match(/^(\S+)\s+(\S+)\s+(\S+)\s+(.+)$/);
    if (!m) break;
    rows[m[1]] = { password: m[2], role: m[3], unit: m[4].trim() };
  }
  return rows;
}

async function everyUnit(client) {
  const all = [];
  let cursor = null;
  do {
    const res = await client.get(`/api/v1/units?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200);
    all.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return all;
}

test('demo loads phường Vĩnh Điện with 21 khối phố and six working logins', async () => {
  const srv = await fresh();
  const r = srv.cli(['demo']);
  assert.equal(r.status, 0, r.stderr);
  const logins = parseLogins(r.stdout);
  assert.deepEqual(Object.keys(logins).sort(),
    ['admin', 'coordinator', 'member', 'officer', 'team_leader', 'viewer']);
  for (const [name, l] of Object.entries(logins)) {
    assert.equal(l.role, name === 'team_leader' ? 'team_leader' : name);
    assert.ok(l.password.length >= 12, 'a real password');
  }
  assert.equal(new Set(Object.values(logins).map((l) => l.password)).size, 6, 'six different passwords');

  const file = path.join(srv.dataDir, 'demo-logins.txt');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the logins file is readable by its owner only');
  assert.deepEqual(parseLogins(readFileSync(file, 'utf8')), logins);

  const admin = await srv.login('admin', logins.admin.password);
  const units = await everyUnit(admin);
  const byKind = (k) => units.filter((u) => u.kind === k);
  assert.equal(byKind('province').length, 1);
  assert.equal(byKind('province')[0].name, 'Tỉnh Quảng Nam');
  assert.equal(byKind('commune').length, 1);
  const ward = byKind('commune')[0];
  assert.equal(ward.name, 'Phường Vĩnh Điện');
  const blocks = byKind('block');
  assert.equal(blocks.length, 21);
  assert.ok(blocks.every((b) => b.parent_id === ward.id));
  assert.equal(new Set(blocks.map((b) => b.name)).size, 21, 'every khối phố has its own name');
  for (const b of blocks) {
    const groups = byKind('group').filter((g) => g.parent_id === b.id);
    assert.ok(groups.length >= 2 && groups.length <= 3, `${b.name} has ${groups.length} tổ dân phố`);
  }

  for (const [name, l] of Object.entries(logins)) {
    const c = await srv.login(name, l.password);
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.data.user.username, name);
    assert.deepEqual(me.body.data.user.grants.map((g) => g.role), [l.role]);
  }

  // the roles reach as far as the table says
  const leader = await srv.login('team_leader', logins.team_leader.password);
  const leaderSees = await everyUnit(leader);
  const block = leaderSees.find((u) => u.kind === 'block');
  assert.equal(block.name, logins.team_leader.unit);
  assert.ok(leaderSees.every((u) => u.id === block.id || u.parent_id === block.id));
  const officer = await srv.login('officer', logins.officer.password);
  assert.equal((await everyUnit(officer)).length, units.length - 1, 'the officer sees the ward, not the province');

  // the load is in the audit trail, by the command line
  const hist = await admin.get(`/api/v1/audit?entity=unit&entity_id=${ward.id}`);
  assert.equal(hist.status, 200);
  assert.equal(hist.body.data[0].action, 'unit.create');
  assert.equal(hist.body.data[0].actor, 'cli');
  assert.equal(srv.cli(['audit', 'verify']).status, 0);

  // not twice: plain demo refuses, --if-new skips; nothing is duplicated
  const again = srv.cli(['demo']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already has data/);
  const ifNew = srv.cli(['demo', '--if-new']);
  assert.equal(ifNew.status, 0, ifNew.stderr);
  assert.match(ifNew.stdout, /not loaded/);
  assert.equal((await everyUnit(admin)).length, units.length);
  assert.equal(parseLogins(readFileSync(file, 'utf8')).admin.password, logins.admin.password,
    'the logins file still holds the working passwords');
  await srv.login('admin', logins.admin.password);
});

test('demo --if-new twice loads once', async () => {
  const srv = await fresh();
  const first = srv.cli(['demo', '--if-new']);
  assert.equal(first.status, 0, first.stderr);
  const logins = parseLogins(first.stdout);
  assert.equal(Object.keys(logins).length, 6);
  const second = srv.cli(['demo', '--if-new']);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /not loaded.*already has data/);
  assert.deepEqual(parseLogins(second.stdout), {}, 'no new logins are printed');

  const admin = await srv.login('admin', logins.admin.password);
  const units = await everyUnit(admin);
  assert.equal(units.filter((u) => u.kind === 'block').length, 21);
  assert.equal(units.filter((u) => u.kind === 'commune').length, 1);
  const users = await admin.get('/api/v1/users?limit=200');
  assert.equal(users.status, 200);
  assert.equal(users.body.data.length, 6);
});

test('demo leaves a database that already has an account alone', async () => {
  const srv = await fresh();
  srv.addUser('chief', 'a long enough password', 'admin');
  const plain = srv.cli(['demo']);
  assert.equal(plain.status, 1);
  const ifNew = srv.cli(['demo', '--if-new']);
  assert.equal(ifNew.status, 0);
  assert.match(ifNew.stdout, /not loaded/);
  const chief = await srv.login('chief', 'a long enough password');
  const units = await chief.get('/api/v1/units');
  assert.deepEqual(units.body.data, []);
  assert.equal((await srv.client().post('/api/v1/session', { username: 'admin', password: 'x'.repeat(16) })).status, 401);
});

test('demo ward\'s forces: the organisations, 21 security teams and 5 mediation teams with members, two breaking a rule', async () => {
  const srv = await fresh();
  const r = srv.cli(['demo']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /9 organisations, 21 security & order teams, 5 mediation teams/);
  const logins = parseLogins(r.stdout);
  const officer = await srv.login('officer', logins.officer.password);
  const ward = (await everyUnit(officer)).find((u) => u.kind === 'commune');

  const orgs = await officer.get(`/api/v1/organisations?unit_id=${ward.id}&limit=200`);
  assert.equal(orgs.status, 200);
  const orgKinds = orgs.body.data.map((o) => o.kind).sort();
  assert.deepEqual(orgKinds, ['farmers_union', 'fatherland_front', 'health_station', 'military_command',
    'police', 'school', 'veterans_association', 'womens_union', 'youth_union']);
  assert.ok(orgs.body.data.some((o) => o.name === 'Trường Trung học cơ sở Quang Trung'));

  const summary = await officer.get(`/api/v1/teams/summary?unit_id=${ward.id}`);
  assert.equal(summary.status, 200);
  const s = summary.body.data;
  const kind = Object.fromEntries(s.by_kind.map((k) => [k.kind, k]));
  assert.equal(kind.security_order.teams, 21);
  assert.equal(kind.mediation.teams, 5);
  assert.equal(s.by_block.length, 21);
  for (const b of s.by_block) {
    const sec = b.teams.filter((t) => t.kind === 'security_order');
    assert.equal(sec.length, 1, `${b.unit_name} has one security & order team`);
    assert.ok(sec[0].member_count >= 5 && sec[0].member_count <= 8, `${b.unit_name}: ${sec[0].member_count} members`);
  }
  const mediation = s.by_block.flatMap((b) => b.teams).filter((t) => t.kind === 'mediation');
  assert.ok(mediation.every((t) => t.member_count >= 4 && t.member_count <= 7));
  assert.equal(kind.security_order.members + kind.mediation.members,
    s.by_block.flatMap((b) => b.teams).reduce((n, t) => n + t.member_count, 0));
  // two teams break a rule on purpose, so that the warning shows
  assert.equal(s.breaking, 2);
  const breaking = s.by_block.flatMap((b) => b.teams).filter((t) => t.warnings.length > 0);
  assert.deepEqual(breaking.map((t) => [t.kind, t.warnings.map((w) => w.code)]).sort(),
    [['mediation', ['no_woman']], ['security_order', ['member_age']]]);

  // rosters: one leader and one deputy per security team, women on the other mediation teams
  const teams = (await officer.get(`/api/v1/teams?unit_id=${ward.id}&limit=200`)).body.data;
  assert.equal(teams.length, 26);
  const first = teams.find((t) => t.kind === 'security_order' && t.unit_name === logins.team_leader.unit);
  const roster = (await officer.get(`/api/v1/teams/${first.id}/members`)).body.data;
  assert.deepEqual(roster.slice(0, 2).map((m) => m.role), ['leader', 'deputy']);
  assert.equal(roster.filter((m) => m.role === 'leader').length, 1);
  assert.ok(roster.every((m) => m.full_name.split(' ').length >= 3 && m.birth_year > 1900));

  // the team_leader login leads the security team of their own block, and sees no other block's
  const leader = await srv.login('team_leader', logins.team_leader.password);
  const mine = await leader.get(`/api/v1/teams/${first.id}/members`);
  assert.equal(mine.status, 200);
  const me = (await leader.get('/api/v1/me')).body.data.user;
  const chief = mine.body.data.find((m) => m.role === 'leader');
  assert.ok(me.display_name.startsWith(chief.full_name), `${me.display_name} leads ${first.name}`);
  const other = teams.find((t) => t.unit_name !== logins.team_leader.unit);
  assert.equal((await leader.get(`/api/v1/teams/${other.id}`)).status, 404);

  // deterministic: a second load makes the same people
  const again = await fresh();
  const r2 = again.cli(['demo']);
  assert.equal(r2.status, 0, r2.stderr);
  const officer2 = await again.login('officer', parseLogins(r2.stdout).officer.password);
  const roster2 = (await officer2.get(`/api/v1/teams/${first.id}/members`)).body.data;
  assert.deepEqual(roster2.map((m) => [m.full_name, m.birth_year, m.role]),
    roster.map((m) => [m.full_name, m.birth_year, m.role]));
});

test('demo ward\'s movement in 2020: over 120 sessions for about 4,600 people, the school campaign, the clubs and models, exemplars, linked logins', async () => {
  const srv = await fresh();
  const r = srv.cli(['demo']);
  assert.equal(r.status, 0, r.stderr);
  const logins = parseLogins(r.stdout);
  const viewer = await srv.login('viewer', logins.viewer.password);
  const st = (await viewer.get('/api/v1/stats/outreach?from=2020-01-01&to=2020-12-31')).body.data;
  assert.ok(st.sessions > 120, `${st.sessions} sessions`);
  assert.equal(st.participants, 4600);
  assert.equal(st.by_month.length, 12);
  const school = st.by_organiser.find((o) => o.name === 'Trường Trung học cơ sở Quang Trung');
  assert.ok(school.sessions > 20, `${school.sessions} sessions at the school`);
  assert.ok(st.by_topic.find((t) => t.topic === 'epidemics').sessions > 0);

  const ms = (await viewer.get('/api/v1/stats/models?from=2020-01-01&to=2020-12-31')).body.data;
  assert.ok(ms.models >= 7);
  const models = (await viewer.get('/api/v1/models?limit=200')).body.data;
  const farmers = models.find((m) => m.name.includes('Nông dân với pháp luật'));
  assert.equal(farmers.sponsor_name, 'Hội Nông dân phường Vĩnh Điện');
  assert.ok(farmers.totals.activities > 50);
  assert.ok(Math.abs(farmers.totals.people_reached - 200) <= 10);
  for (const name of ['Tiếng mõ dân phòng', 'Đèn ngoài ngõ, mõ trong nhà', 'Cổng trường an toàn giao thông', 'Cựu chiến binh', 'mua bán phụ nữ', 'ma túy trong gia đình']) {
    assert.ok(models.some((m) => m.name.includes(name)), name);
  }
  const ex = (await viewer.get('/api/v1/exemplars')).body.data;
  assert.ok(ex.length >= 3 && ex.every((e) => e.commendations.length >= 1));

  const coord = (await (await srv.login('coordinator', logins.coordinator.password)).get('/api/v1/me')).body.data.user;
  assert.equal(coord.organisation_name, 'Ủy ban Mặt trận Tổ quốc Việt Nam phường Vĩnh Điện');
  const leader = (await (await srv.login('team_leader', logins.team_leader.password)).get('/api/v1/me')).body.data.user;
  const member = (await (await srv.login('member', logins.member.password)).get('/api/v1/me')).body.data.user;
  assert.ok(leader.person_id && member.person_id && leader.person_id !== member.person_id);
});
