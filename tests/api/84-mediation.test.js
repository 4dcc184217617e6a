// Mediation (hòa giải ở cơ sở): /api/v1/mediation/cases with their sessions, the team's yearly book
// and /api/v1/stats/mediation — numbering per team and year, the rules (a result needs a conclusion
// date; a settled case was mediated; sessions within the case's dates; delete only before the first
// session), who may read and write which team's cases, the book's part II totals and the statistics
// on known data, and the parties' names sealed at rest and kept out of the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let admin, officer, leaderA, leaderB, memberA, outsider;
const ids = {};
let teamA, teamB, security;
const people = {};

async function unit(body) {
  const res = await admin.post('/api/v1/units', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[body.code] = res.body.data.id;
}

async function team(unitCode, kind, name) {
  const res = await admin.post('/api/v1/teams', { unit_id: ids[unitCode], kind, name });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function member(t, unitCode, full_name, gender, role = 'member') {
  const p = await admin.post('/api/v1/people', { unit_id: ids[unitCode], full_name, gender, birth_date: '1970-03-03' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const m = await admin.post(`/api/v1/teams/${t.id}/members`, { person_id: p.body.data.id, role, term_from: '2022-07-01' });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  return p.body.data.id;
}

// A user with a role on a unit, then (optionally) a second role on a team.
async function account(username, role, unitCode, teamGrant) {
  srv.addUser(username, PW, role, unitCode);
  if (teamGrant) {
    const users = await admin.get('/api/v1/users?limit=200');
    const u = users.body.data.find((x) => x.username === username);
    const g = await admin.post(`/api/v1/users/${u.id}/grants`, teamGrant);
    assert.equal(g.status, 201, JSON.stringify(g.body));
  }
  return srv.login(username, PW);
}

function newCase(t, extra = {}) {
  return {
    team_id: t.id,
    received_on: '2024-03-04',
    requester: 'Nguyễn Thị Mai',
    kind: 'neighbours',
    summary: 'Tranh chấp lối đi chung giữa hai hộ liền kề',
    parties: [
      { full_name: 'Nguyễn Thị Mai', birth_year: 1975, address: 'Tổ 3, Khối phố A' },
      { full_name: 'Trần Văn Quý', birth_year: 1968, address: 'Tổ 3, Khối phố A' },
    ],
    ...extra,
  };
}

async function create(client, body) {
  const res = await client.post('/api/v1/mediation/cases', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function session(client, c, held_on, notes = 'Hai bên trình bày, tổ hòa giải phân tích quy định') {
  const res = await client.post(`/api/v1/mediation/cases/${c.id}/sessions`, { held_on, notes });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit({ kind: 'province', code: 'P1', name: 'Tỉnh Một' });
  await unit({ kind: 'commune', code: 'C1', name: 'Phường Vĩnh Điện', parent_id: ids.P1 });
  await unit({ kind: 'commune', code: 'C2', name: 'Phường Hai', parent_id: ids.P1 });
  await unit({ kind: 'block', code: 'BA', name: 'Khối phố A', parent_id: ids.C1 });
  await unit({ kind: 'block', code: 'BB', name: 'Khối phố B', parent_id: ids.C1 });
  teamA = await team('BA', 'mediation', 'Tổ hòa giải khối phố A');
  teamB = await team('BB', 'mediation', 'Tổ hòa giải khối phố B');
  security = await team('BA', 'security_order', 'Tổ bảo vệ ANTT khối phố A');
  people.lan = await member(teamA, 'BA', 'Lê Thị Lan', 'female', 'leader');
  people.hai = await member(teamA, 'BA', 'Phạm Văn Hải', 'male');
  people.son = await member(teamA, 'BA', 'Võ Văn Sơn', 'male');
  people.binh = await member(teamB, 'BB', 'Đỗ Văn Bình', 'male', 'leader');

  officer = await account('officer1', 'officer', 'C1');
  // reads the whole commune as a viewer, writes only team A's cases as its leader
  leaderA = await account('leader-a', 'viewer', 'C1', { role: 'team_leader', team_id: teamA.id });
  // a leader through a grant on block B: team B's cases only
  leaderB = await account('leader-b', 'team_leader', 'BB');
  // a member of team A, seeing nothing else of the commune
  memberA = await account('member-a', 'viewer', 'C2', { role: 'member', team_id: teamA.id });
  outsider = await account('officer2', 'officer', 'C2');
});
after(async () => { await srv.stop(); });

test('a leader receives cases: numbered per team and year, read back with parties and mediators', async () => {
  const c1 = await create(leaderA, newCase(teamA, { mediator_ids: [people.hai, people.lan], invited: 'Ông Trưởng khối phố A' }));
  assert.equal(c1.number, 1);
  assert.equal(c1.year, 2024);
  assert.equal(c1.team_name, 'Tổ hòa giải khối phố A');
  assert.equal(c1.result, null);
  assert.deepEqual(c1.parties[1], { full_name: 'Trần Văn Quý', birth_year: 1968, address: 'Tổ 3, Khối phố A' });
  assert.deepEqual(c1.mediators.map((m) => m.full_name).sort(), ['Lê Thị Lan', 'Phạm Văn Hải']);
  assert.equal(c1.invited, 'Ông Trưởng khối phố A');

  const c2 = await create(leaderA, newCase(teamA, { received_on: '2024-05-10', kind: 'land' }));
  assert.equal(c2.number, 2);
  const old = await create(officer, newCase(teamA, { received_on: '2023-12-20' }));
  assert.equal(old.number, 1, 'a new year starts a new book');
  const b1 = await create(leaderB, newCase(teamB));
  assert.equal(b1.number, 1, 'each team has its own book');

  const got = await memberA.get(`/api/v1/mediation/cases/${c1.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.data, c1);

  // moving a case to another year gives it that year's next number
  const moved = await officer.patch(`/api/v1/mediation/cases/${old.id}`, { received_on: '2024-06-01' });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.equal(moved.body.data.year, 2024);
  assert.equal(moved.body.data.number, 3);

  const list = await leaderA.get(`/api/v1/mediation/cases?team_id=${teamA.id}&year=2024&kind=land`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.data.map((c) => c.id), [c2.id]);
  const open = await officer.get(`/api/v1/mediation/cases?team_id=${teamA.id}&result=open`);
  assert.ok(open.body.data.length >= 3);
  assert.equal((await officer.get('/api/v1/mediation/cases?kind=theft')).status, 400);
  assert.equal((await officer.get('/api/v1/mediation/cases?year=20x4')).status, 400);
});

test('bad input is refused field by field and changes nothing', async () => {
  const bad = await leaderA.post('/api/v1/mediation/cases', {
    team_id: teamA.id, received_on: '2024-02-30', kind: 'feud', summary: '', parties: [{ birth_year: 1700 }],
  });
  assert.equal(bad.status, 422);
  const f = bad.body.error.fields;
  assert.ok(f.received_on && f.kind && f.summary && f.requester, JSON.stringify(f));
  assert.ok(f['parties[0].full_name'] && f['parties[0].birth_year'], JSON.stringify(f));

  const notMediation = await officer.post('/api/v1/mediation/cases', newCase(security));
  assert.equal(notMediation.status, 422);
  assert.equal(notMediation.body.error.fields.team_id, 'no such mediation team');

  const stranger = await leaderA.post('/api/v1/mediation/cases', newCase(teamA, { mediator_ids: [people.binh] }));
  assert.equal(stranger.status, 422, 'a mediator must be a member of the team');
  assert.match(stranger.body.error.fields.mediator_ids, /member of the team/);

  const future = await leaderA.post('/api/v1/mediation/cases', newCase(teamA, { received_on: '2999-01-01' }));
  assert.equal(future.status, 422);

  const before = await officer.get(`/api/v1/mediation/cases?team_id=${teamA.id}&limit=200`);
  const count = before.body.data.length;
  const noDate = await leaderA.post('/api/v1/mediation/cases', newCase(teamA, { result: 'withdrawn' }));
  assert.equal(noDate.status, 422);
  assert.equal(noDate.body.error.fields.concluded_on, 'is required with a result');
  const after1 = await officer.get(`/api/v1/mediation/cases?team_id=${teamA.id}&limit=200`);
  assert.equal(after1.body.data.length, count);
});

test('from receipt to settled: sessions, result with its conclusion date, agreement; delete only before a session', async () => {
  const c = await create(leaderA, newCase(teamA, { received_on: '2024-07-01', kind: 'marriage_family', mediator_ids: [people.lan] }));
  const url = `/api/v1/mediation/cases/${c.id}`;

  // a settled case was mediated: not before a session
  let res = await leaderA.patch(url, { result: 'settled', concluded_on: '2024-07-10' });
  assert.equal(res.status, 422);
  assert.match(res.body.error.fields.result, /session/);

  res = await leaderA.post(`${url}/sessions`, { held_on: '2024-06-30', notes: 'x' });
  assert.equal(res.status, 422, 'a session before the case was received');
  res = await leaderA.post(`${url}/sessions`, { held_on: '2999-06-30', notes: 'x' });
  assert.equal(res.status, 422, 'a session in the future');
  const withSession = await session(leaderA, c, '2024-07-05');
  assert.equal(withSession.sessions.length, 1);
  assert.equal(withSession.sessions[0].held_on, '2024-07-05');
  const sessions = await memberA.get(`${url}/sessions`);
  assert.equal(sessions.status, 200);
  assert.equal(sessions.body.data.length, 1);

  // a result needs a conclusion date (422), not before the case was received
  res = await leaderA.patch(url, { result: 'settled' });
  assert.equal(res.status, 422);
  assert.equal(res.body.error.fields.concluded_on, 'is required with a result');
  res = await leaderA.patch(url, { result: 'settled', concluded_on: '2024-06-01' });
  assert.equal(res.status, 422);
  res = await leaderA.patch(url, { agreement: 'Hai bên thống nhất' });
  assert.equal(res.status, 422, 'an agreement belongs to a settled case');

  res = await leaderA.patch(url, {
    result: 'settled', concluded_on: '2024-07-05', agreement: 'Hai bên thống nhất chia đôi chi phí sửa tường rào',
    follow_up: 'Đã thực hiện xong', follow_up_on: '2024-08-01',
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.data.result, 'settled');
  assert.equal(res.body.data.concluded_on, '2024-07-05');
  assert.equal(res.body.data.follow_up_on, '2024-08-01');
  assert.equal((await leaderA.get(url)).body.data.agreement, 'Hai bên thống nhất chia đôi chi phí sửa tường rào');

  // a session after the conclusion is refused; a case with a session stays in the book
  res = await leaderA.post(`${url}/sessions`, { held_on: '2024-07-20', notes: 'x' });
  assert.equal(res.status, 422);
  assert.equal((await leaderA.delete(url)).status, 409);

  const mistake = await create(leaderA, newCase(teamA, { received_on: '2024-07-02' }));
  assert.equal((await leaderA.delete(`/api/v1/mediation/cases/${mistake.id}`)).status, 204);
  assert.equal((await leaderA.get(`/api/v1/mediation/cases/${mistake.id}`)).status, 404);

  // reopening clears result and date together
  res = await leaderA.patch(url, { result: null, concluded_on: null, agreement: null, follow_up: null, follow_up_on: null });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.data.result, null);
  res = await leaderA.patch(url, { result: 'settled', concluded_on: '2024-07-05', agreement: 'Hai bên thống nhất' });
  assert.equal(res.status, 200);
});

test('scope: a leader writes only their team, a member reads only their team, another commune sees nothing', async () => {
  const a = await create(leaderA, newCase(teamA, { received_on: '2024-08-01' }));
  const b = await create(leaderB, newCase(teamB, { received_on: '2024-08-01' }));

  // leader A reads team B's case (a viewer of the commune) but may not change it or add to team B
  assert.equal((await leaderA.get(`/api/v1/mediation/cases/${b.id}`)).status, 200);
  assert.equal((await leaderA.patch(`/api/v1/mediation/cases/${b.id}`, { summary: 'Sửa' })).status, 403);
  assert.equal((await leaderA.post(`/api/v1/mediation/cases/${b.id}/sessions`, { held_on: '2024-08-02', notes: 'x' })).status, 403);
  assert.equal((await leaderA.delete(`/api/v1/mediation/cases/${b.id}`)).status, 403);
  assert.equal((await leaderA.post('/api/v1/mediation/cases', newCase(teamB))).status, 403);
  // leader B, on block B only, does not even see team A's case
  assert.equal((await leaderB.get(`/api/v1/mediation/cases/${a.id}`)).status, 404);
  assert.equal((await leaderB.patch(`/api/v1/mediation/cases/${a.id}`, { summary: 'Sửa' })).status, 404);
  assert.equal((await leaderB.patch(`/api/v1/mediation/cases/${b.id}`, { summary: 'Đã sửa' })).status, 200);

  // the member of team A reads its cases and book, nothing of team B, and writes nothing
  assert.equal((await memberA.get(`/api/v1/mediation/cases/${a.id}`)).status, 200);
  assert.equal((await memberA.get(`/api/v1/mediation/cases/${b.id}`)).status, 404);
  assert.equal((await memberA.patch(`/api/v1/mediation/cases/${a.id}`, { summary: 'Sửa' })).status, 403);
  const mine = await memberA.get('/api/v1/mediation/cases?limit=200');
  assert.equal(mine.status, 200);
  assert.ok(mine.body.data.length > 0);
  assert.ok(mine.body.data.every((c) => c.team_id === teamA.id));
  assert.equal((await memberA.get(`/api/v1/mediation/book?team_id=${teamA.id}&year=2024`)).status, 200);
  assert.equal((await memberA.get(`/api/v1/mediation/book?team_id=${teamB.id}&year=2024`)).status, 404);

  // an officer of another commune sees none of it
  assert.equal((await outsider.get(`/api/v1/mediation/cases/${a.id}`)).status, 404);
  assert.deepEqual((await outsider.get('/api/v1/mediation/cases')).body.data, []);
  assert.equal((await outsider.get(`/api/v1/mediation/book?team_id=${teamA.id}&year=2024`)).status, 404);

  // the team of a case does not change
  const moved = await officer.patch(`/api/v1/mediation/cases/${a.id}`, { team_id: teamB.id });
  assert.equal(moved.status, 422);
});

test('the book of team B for 2025: part I by number, part II totals per mediator, kind and result', async () => {
  const hoa = await member(teamB, 'BB', 'Nguyễn Thị Hoa', 'female');
  const binh = people.binh;
  const mk = async (kind, mediators, result, received_on) => {
    const c = await create(leaderB, newCase(teamB, { kind, mediator_ids: mediators, received_on }));
    if (!result) return c;
    if (result === 'settled' || result === 'not_settled') await session(leaderB, c, received_on);
    const body = { result, concluded_on: received_on };
    if (result === 'settled') body.agreement = 'Các bên thống nhất';
    const res = await leaderB.patch(`/api/v1/mediation/cases/${c.id}`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data;
  };
  // received in 2025 (today or before: the year has begun wherever this runs after 2025-02)
  await mk('land', [binh, hoa], 'settled', '2025-01-06');
  await mk('land', [binh], 'not_settled', '2025-01-15');
  await mk('marriage_family', [hoa], 'settled', '2025-02-03');
  await mk('neighbours', [binh], 'withdrawn', '2025-02-10');
  await mk('civil', [], null, '2025-02-20');

  const res = await leaderB.get(`/api/v1/mediation/book?team_id=${teamB.id}&year=2025`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const book = res.body.data;
  assert.equal(book.team.name, 'Tổ hòa giải khối phố B');
  assert.equal(book.team.commune_name, 'Phường Vĩnh Điện');
  assert.deepEqual(book.cases.map((c) => c.number), [1, 2, 3, 4, 5]);
  assert.deepEqual(book.cases.map((c) => c.received_on),
    ['2025-01-06', '2025-01-15', '2025-02-03', '2025-02-10', '2025-02-20']);
  assert.equal(book.totals.total, 5);
  assert.deepEqual(book.totals.by_kind, { marriage_family: 1, land: 2, neighbours: 1, civil: 1, minor_violation: 0, other: 0 });
  assert.deepEqual(book.totals.by_result, { settled: 2, not_settled: 1, withdrawn: 1, transferred: 0, open: 1 });
  const byMediator = Object.fromEntries(book.totals.by_mediator.map((m) => [m.full_name, [m.cases, m.settled]]));
  assert.deepEqual(byMediator, { 'Đỗ Văn Bình': [3, 1], 'Nguyễn Thị Hoa': [2, 2] });

  assert.equal((await leaderB.get(`/api/v1/mediation/book?team_id=${teamB.id}`)).status, 400);
  assert.equal((await leaderB.get(`/api/v1/mediation/book?team_id=${security.id}&year=2025`)).status, 404);
  const empty = await leaderB.get(`/api/v1/mediation/book?team_id=${teamB.id}&year=2019`);
  assert.equal(empty.status, 200);
  assert.equal(empty.body.data.totals.total, 0);

  // the statistics of the same quarter: by kind, result, team and month, and the success rate
  const st = await officer.get('/api/v1/stats/mediation?from=2025-01-01&to=2025-03-31');
  assert.equal(st.status, 200, JSON.stringify(st.body));
  const s = st.body.data;
  assert.equal(s.cases, 5);
  assert.equal(s.concluded, 4);
  assert.equal(s.settled, 2);
  assert.equal(s.success_rate, 50);
  assert.deepEqual(s.by_result, { settled: 2, not_settled: 1, withdrawn: 1, transferred: 0, open: 1 });
  assert.equal(s.by_kind.land, 2);
  assert.deepEqual(s.by_team, [{ team_id: teamB.id, team_name: 'Tổ hòa giải khối phố B', cases: 5, settled: 2 }]);
  assert.deepEqual(s.by_month, [
    { month: '2025-01', cases: 2, settled: 1 },
    { month: '2025-02', cases: 3, settled: 1 },
    { month: '2025-03', cases: 0, settled: 0 },
  ]);
  // the member of team A counts only team A's cases; the other commune's officer none
  assert.equal((await memberA.get('/api/v1/stats/mediation?from=2025-01-01&to=2025-03-31')).body.data.cases, 0);
  assert.equal((await outsider.get(`/api/v1/stats/mediation?from=2025-01-01&to=2025-12-31&unit_id=${ids.C1}`)).status, 404);
  const unitB = await officer.get(`/api/v1/stats/mediation?from=2025-01-01&to=2025-12-31&unit_id=${ids.BA}`);
  assert.equal(unitB.body.data.cases, 0, 'block A has none of team B\'s cases');
  assert.equal((await officer.get('/api/v1/stats/mediation?from=2025-01-01')).status, 400);
  assert.equal((await officer.get('/api/v1/stats/mediation?from=2020-01-01&to=2025-12-31')).status, 400);
});

test('names and addresses are sealed at rest and never in the audit trail', async () => {
  const secret = 'Hoàng Thị Bí Mật';
  const c = await create(officer, newCase(teamA, {
    received_on: '2024-09-09', requester: secret,
    parties: [{ full_name: secret, address: 'Số 99 đường Kín Đáo' }, { full_name: 'Lý Văn Khác' }],
  }));
  assert.equal(c.requester, secret);
  assert.equal(c.parties[0].address, 'Số 99 đường Kín Đáo');

  // the SQLite file (audit log included) holds neither name nor address in clear
  const needle = Buffer.from('Kín Đáo');
  if (srv.env.TIENGMO_DB.startsWith('sqlite:')) {
    const file = srv.env.TIENGMO_DB.slice('sqlite:'.length);
    for (const f of [file, `${file}-wal`]) {
      if (existsSync(f)) assert.equal(readFileSync(f).indexOf(needle), -1, `${f} holds an address in clear`);
    }
  } else {
    const r = spawnSync('psql', ['-X', '-At', '-d', srv.env.TIENGMO_DB, '-c',
      'SELECT requester_sealed FROM mediation_cases UNION ALL SELECT name_sealed FROM mediation_parties ' +
      'UNION ALL SELECT address_sealed FROM mediation_parties WHERE address_sealed IS NOT NULL'], { encoding: 'utf8' });
    const audit = spawnSync('psql', ['-X', '-At', '-d', srv.env.TIENGMO_DB, '-c',
      "SELECT detail FROM audit_log WHERE entity = 'mediation_case'"], { encoding: 'utf8' });
    assert.equal(audit.status, 0, audit.stderr);
    assert.ok(audit.stdout.includes('"number"') && !audit.stdout.includes(secret) && !audit.stdout.includes('Kín'));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 0);
    assert.ok(!r.stdout.includes('Kín Đáo') && !r.stdout.includes(secret));
    assert.ok(r.stdout.split('\n').filter(Boolean).every((l) => l.startsWith('v1:')));
  }
  const r = spawnSync(process.env.TIENGMO_BIN || 'build/tiengmo', ['audit', 'verify'], { env: srv.env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!srv.log().includes(secret), 'the log names no party');
});
