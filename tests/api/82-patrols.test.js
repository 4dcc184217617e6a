// Movement — duty rosters, swaps, patrols and violation records: a team's shifts and week grid kept by
// its leader (and nobody else's leader), a member's own duties, a swap asked by the member and decided
// by the leader, a patrol planned with joint forces and members, check-in only by an assigned member
// while the patrol is open, violation records that need a legal basis with the violator's free-text
// identity sealed until an audited reveal, and the statistics on known data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv, admin, officer, leaderA, member1, member2, viewer;
const ids = {};
const people = {};
let teamA, teamB, orgPolice, orgMilitary, orgHealth;

// The ISO week (YYYY-Www) and its Monday (YYYY-MM-DD) of a date, in Vietnam (UTC+7).
function isoWeek(d) {
  const local = new Date(d.getTime() + 7 * 3600 * 1000);
  const day = (local.getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - day));
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const jan1 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  const week = Math.floor((thursday - jan1) / (7 * 86400000)) + 1;
  const days = [...Array(7)].map((_, i) => new Date(monday.getTime() + i * 86400000).toISOString().slice(0, 10));
  return { week: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`, days };
}
const next = isoWeek(new Date(Date.now() + 7 * 86400000));

async function ok(resP, status = 200) {
  const res = await resP;
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body.data;
}

async function userId(client) {
  return (await ok(client.get('/api/v1/me'))).user.id;
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  const unit = async (body) => { ids[body.code] = (await ok(admin.post('/api/v1/units', body), 201)).id; };
  await unit({ kind: 'province', code: 'P1', name: 'Tỉnh Quảng Nam' });
  await unit({ kind: 'commune', code: 'C1', name: 'Phường Vĩnh Điện', parent_id: ids.P1 });
  await unit({ kind: 'block', code: 'BA', name: 'Khối phố 1', parent_id: ids.C1 });
  await unit({ kind: 'block', code: 'BB', name: 'Khối phố 2', parent_id: ids.C1 });
  for (const [key, unitCode, name] of [['lead', 'BA', 'Trần Văn Lâm'], ['m1', 'BA', 'Nguyễn Văn An'],
    ['m2', 'BA', 'Lê Thị Bình'], ['m3', 'BA', 'Phạm Văn Cường'], ['b1', 'BB', 'Võ Văn Dũng']]) {
    people[key] = (await ok(admin.post('/api/v1/people', { unit_id: ids[unitCode], full_name: name, birth_date: '1985-02-03', gender: key === 'm2' ? 'female' : 'male' }), 201)).id;
  }
  teamA = await ok(admin.post('/api/v1/teams', { unit_id: ids.BA, kind: 'security_order', name: 'Tổ bảo vệ ANTT Khối phố 1' }), 201);
  teamB = await ok(admin.post('/api/v1/teams', { unit_id: ids.BB, kind: 'security_order', name: 'Tổ bảo vệ ANTT Khối phố 2' }), 201);
  for (const [key, role] of [['lead', 'leader'], ['m1', 'member'], ['m2', 'member'], ['m3', 'deputy']]) {
    await ok(admin.post(`/api/v1/teams/${teamA.id}/members`, { person_id: people[key], role, term_from: '2020-01-01' }), 201);
  }
  await ok(admin.post(`/api/v1/teams/${teamB.id}/members`, { person_id: people.b1, role: 'leader', term_from: '2020-01-01' }), 201);
  const org = async (kind, name) => (await ok(admin.post('/api/v1/organisations', { unit_id: ids.C1, kind, name }), 201)).id;
  orgPolice = await org('police', 'Công an phường Vĩnh Điện');
  orgMilitary = await org('military_command', 'Ban Chỉ huy quân sự phường');
  orgHealth = await org('health_station', 'Trạm Y tế phường');

  const addLinked = (username, role, unitCode, person) => {
    const r = srv.cli(['user', 'add', '--username', username, '--role', role, '--unit', unitCode, '--person', String(person), '--password-stdin'], { input: `${PW}\n` });
    assert.equal(r.status, 0, r.stderr);
  };
  addLinked('leader_a', 'member', 'BA', people.lead);
  addLinked('member1', 'member', 'BA', people.m1);
  addLinked('member2', 'member', 'BA', people.m2);
  srv.addUser('officer1', PW, 'officer', 'C1');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  leaderA = await srv.login('leader_a', PW);
  await ok(admin.post(`/api/v1/users/${await userId(leaderA)}/grants`, { role: 'team_leader', team_id: teamA.id }), 201);
  leaderA = await srv.login('leader_a', PW); // the new grant comes with a new session
  member1 = await srv.login('member1', PW);
  member2 = await srv.login('member2', PW);
  officer = await srv.login('officer1', PW);
  viewer = await srv.login('watcher', PW);
});
after(async () => { await srv.stop(); });

let evening, night;

test('a leader defines the shifts and fills next week; members see their own duties', async () => {
  evening = await ok(leaderA.post(`/api/v1/teams/${teamA.id}/shifts`, { name: 'Ca tối', start: '19:00', end: '23:00' }), 201);
  night = await ok(leaderA.post(`/api/v1/teams/${teamA.id}/shifts`, { name: 'Ca đêm', start: '23:00', end: '05:00' }), 201);
  assert.deepEqual([evening.start, evening.end], ['19:00', '23:00']);
  const bad = await leaderA.post(`/api/v1/teams/${teamA.id}/shifts`, { name: 'Ca sai', start: '25:00', end: '23:00' });
  assert.equal(bad.status, 422);
  assert.ok(bad.body.error.fields.start);

  const empty = await ok(member1.get(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`));
  assert.deepEqual(empty.days, next.days);
  assert.equal(empty.can_edit, false, 'a member reads the roster but does not keep it');
  assert.deepEqual(empty.shifts.map((s) => s.name), ['Ca tối', 'Ca đêm']);
  assert.equal(empty.members.length, 4);

  const grid = await ok(leaderA.put(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`, {
    slots: [
      { day: next.days[0], shift_id: evening.id, person_id: people.m1 },
      { day: next.days[0], shift_id: evening.id, person_id: people.m2 },
      { day: next.days[2], shift_id: night.id, person_id: people.m1 },
    ],
  }));
  assert.equal(grid.can_edit, true);
  assert.equal(grid.slots.length, 3);
  const nightSlot = grid.slots.find((s) => s.shift_id === night.id);
  assert.equal(nightSlot.starts_at, `${next.days[2]}T23:00:00+07:00`);
  assert.equal(nightSlot.ends_at, `${next.days[3]}T05:00:00+07:00`, 'the night shift ends the next morning');

  // replacing the grid keeps what stays and drops what is gone
  const again = await ok(leaderA.put(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`, {
    slots: [
      { day: next.days[0], shift_id: evening.id, person_id: people.m1 },
      { day: next.days[2], shift_id: night.id, person_id: people.m1 },
      { day: next.days[4], shift_id: evening.id, person_id: people.m2 },
    ],
  }));
  const kept = grid.slots.find((s) => s.person_id === people.m1 && s.shift_id === evening.id);
  assert.ok(again.slots.some((s) => s.id === kept.id), 'an unchanged slot keeps its id');
  assert.ok(!again.slots.some((s) => s.person_id === people.m2 && s.day === next.days[0]));

  const mine = await ok(member1.get(`/api/v1/me/duties?from=${next.days[0]}&to=${next.days[6]}`));
  assert.equal(mine.person_id, people.m1);
  assert.deepEqual(mine.duties.map((d) => [d.day, d.shift_name, d.team_name]),
    [[next.days[0], 'Ca tối', teamA.name], [next.days[2], 'Ca đêm', teamA.name]]);

  const hist = await admin.get(`/api/v1/audit?entity=team&entity_id=${teamA.id}`);
  assert.ok(hist.body.data.some((e) => e.action === 'roster.update' && e.actor === 'leader_a'));
});

test('the roster refuses what is not the team\'s: other weeks, strangers, unknown shifts', async () => {
  const put = (slots) => leaderA.put(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`, { slots });
  const outside = await put([{ day: '2020-01-01', shift_id: evening.id, person_id: people.m1 }]);
  assert.equal(outside.status, 422);
  assert.match(outside.body.error.fields['slots[0]'], /day/);
  const stranger = await put([{ day: next.days[1], shift_id: evening.id, person_id: people.b1 }]);
  assert.equal(stranger.status, 422);
  assert.match(stranger.body.error.fields['slots[0]'], /not a member/);
  assert.equal((await leaderA.get(`/api/v1/teams/${teamA.id}/roster?week=2026-W60`)).status, 400);
  // nothing changed
  const grid = await ok(leaderA.get(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`));
  assert.equal(grid.slots.length, 3);
});

test('a leader of team A cannot keep team B\'s roster; a member cannot keep their own team\'s', async () => {
  const shiftB = await ok(officer.post(`/api/v1/teams/${teamB.id}/shifts`, { name: 'Ca tối', start: '19:00', end: '23:00' }), 201);
  const body = { slots: [{ day: next.days[0], shift_id: shiftB.id, person_id: people.b1 }] };
  const res = await leaderA.put(`/api/v1/teams/${teamB.id}/roster?week=${next.week}`, body);
  assert.ok(res.status === 403 || res.status === 404, `got ${res.status}`);
  assert.equal((await leaderA.post(`/api/v1/teams/${teamB.id}/shifts`, { name: 'x', start: '01:00', end: '02:00' })).status === 201, false);
  assert.equal((await member1.put(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`, { slots: [] })).status, 403);
  const viewB = await ok(officer.get(`/api/v1/teams/${teamB.id}/roster?week=${next.week}`));
  assert.equal(viewB.slots.length, 0, 'team B\'s week is untouched');
  // the officer keeps every team of the commune
  await ok(officer.put(`/api/v1/teams/${teamB.id}/roster?week=${next.week}`, body));
});

test('a member asks to swap a duty and the leader approves; a second decision is refused', async () => {
  const grid = await ok(member1.get(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`));
  const slot = grid.slots.find((s) => s.person_id === people.m1 && s.shift_id === night.id);
  const notMine = grid.slots.find((s) => s.person_id === people.m2);
  const refused = await member1.post('/api/v1/swaps', { slot_id: notMine.id, to_person_id: people.m3 });
  assert.equal(refused.status, 403, 'a member swaps only their own duty');

  const sw = await ok(member1.post('/api/v1/swaps', { slot_id: slot.id, to_person_id: people.m3, reason: 'Con ốm' }), 201);
  assert.equal(sw.status, 'pending');
  assert.equal((await member1.post('/api/v1/swaps', { slot_id: slot.id, to_person_id: people.m2 })).status, 409);
  assert.equal((await member1.post(`/api/v1/swaps/${sw.id}/approve`)).status, 403, 'a member does not decide');
  const pending = await ok(leaderA.get(`/api/v1/swaps?team_id=${teamA.id}&status=pending`));
  assert.deepEqual(pending.map((s) => s.id), [sw.id]);

  const done = await ok(leaderA.post(`/api/v1/swaps/${sw.id}/approve`));
  assert.equal(done.status, 'approved');
  assert.equal((await leaderA.post(`/api/v1/swaps/${sw.id}/refuse`)).status, 409);
  const after = await ok(member1.get(`/api/v1/teams/${teamA.id}/roster?week=${next.week}`));
  assert.equal(after.slots.find((s) => s.id === slot.id).person_id, people.m3, 'the duty changed hands');
  const mine = await ok(member1.get(`/api/v1/me/duties?from=${next.days[0]}&to=${next.days[6]}`));
  assert.equal(mine.duties.length, 1);

  const other = await ok(member1.post('/api/v1/swaps', { slot_id: after.slots.find((s) => s.person_id === people.m1).id, to_person_id: people.m2 }), 201);
  assert.equal((await ok(leaderA.post(`/api/v1/swaps/${other.id}/refuse`))).status, 'refused');
});

let patrol;

test('check-in only by an assigned member, only while the patrol is open', async () => {
  const start = new Date(Date.now() + 3600000).toISOString();
  const end = new Date(Date.now() + 4 * 3600000).toISOString();
  patrol = await ok(leaderA.post('/api/v1/patrols', {
    team_id: teamA.id, area: 'Đường Hùng Vương – chợ Vĩnh Điện', planned_start: start, planned_end: end,
    forces: [orgPolice, orgMilitary, orgHealth], members: [people.lead, people.m1],
  }), 201);
  assert.equal(patrol.state, 'planned');
  assert.deepEqual(patrol.forces.map((f) => f.kind).sort(), ['health_station', 'military_command', 'police']);
  assert.deepEqual(patrol.members.map((m) => m.checked_in_at), [null, null]);

  const early = await member1.post(`/api/v1/patrols/${patrol.id}/checkin`, {});
  assert.equal(early.status, 409);
  assert.match(early.body.error.message, /not started/);
  assert.equal((await member1.post(`/api/v1/patrols/${patrol.id}/start`)).status, 403, 'a member does not start it');

  const started = await ok(leaderA.post(`/api/v1/patrols/${patrol.id}/start`));
  assert.equal(started.state, 'open');
  assert.equal((await leaderA.post(`/api/v1/patrols/${patrol.id}/start`)).status, 409);

  const stranger = await member2.post(`/api/v1/patrols/${patrol.id}/checkin`, {});
  assert.equal(stranger.status, 403);
  assert.match(stranger.body.error.message, /not assigned/);
  assert.equal((await officer.post(`/api/v1/patrols/${patrol.id}/checkin`, {})).status, 403, 'an officer linked to nobody cannot check in');
  assert.equal((await member1.post(`/api/v1/patrols/${patrol.id}/checkin`, { lat: 15.88 })).status, 422);

  const checked = await ok(member1.post(`/api/v1/patrols/${patrol.id}/checkin`, { lat: 15.8868, lng: 108.2483 }));
  const me = checked.members.find((m) => m.person_id === people.m1);
  assert.match(me.checked_in_at, /\+07:00$/);
  assert.equal(me.lat, 15.8868);
  const twice = await ok(member1.post(`/api/v1/patrols/${patrol.id}/checkin`, {}));
  assert.equal(twice.members.find((m) => m.person_id === people.m1).checked_in_at, me.checked_in_at, 'the first check-in stands');

  const ended = await ok(leaderA.post(`/api/v1/patrols/${patrol.id}/end`, undefined));
  assert.equal(ended.state, 'ended');
  const late = await leaderA.post(`/api/v1/patrols/${patrol.id}/checkin`, {});
  assert.equal(late.status, 409);
  assert.match(late.body.error.message, /ended/);

  // the assigned member finds it; a member of another team's block does not
  assert.equal((await member1.get(`/api/v1/patrols/${patrol.id}`)).status, 200);
  const list = await ok(officer.get(`/api/v1/patrols?team_id=${teamA.id}`));
  assert.deepEqual(list.map((p) => p.id), [patrol.id]);
  const leaderB = await (async () => { srv.addUser('leader_b', PW, 'team_leader', 'BB'); return srv.login('leader_b', PW); })();
  assert.equal((await leaderB.get(`/api/v1/patrols/${patrol.id}`)).status, 404);
  assert.equal((await leaderB.post(`/api/v1/patrols/${patrol.id}/end`)).status, 404);
});

test('a violation record needs a legal basis; the violator\'s free-text identity is sealed until revealed', async () => {
  const base = { patrol_id: patrol.id, kind: 'epidemic', action: 'reminder', place: 'Quán cà phê số 12 Hùng Vương',
    summary: 'Tụ tập đông người, không đeo khẩu trang' };
  const noBasis = await leaderA.post('/api/v1/violations', base);
  assert.equal(noBasis.status, 422);
  assert.ok(noBasis.body.error.fields.legal_basis);
  const emptyBasis = await leaderA.post('/api/v1/violations', { ...base, legal_basis: '' });
  assert.equal(emptyBasis.status, 422);
  const fineNoAmount = await leaderA.post('/api/v1/violations', { ...base, legal_basis: 'Chỉ thị 16/CT-TTg', action: 'fine', record_no: '01/BB' });
  assert.equal(fineNoAmount.status, 422);
  assert.ok(fineNoAmount.body.error.fields.fine_vnd);
  assert.equal((await leaderA.post('/api/v1/violations', { ...base, legal_basis: 'x', kind: 'astrology' })).status, 422);
  assert.equal((await member1.post('/api/v1/violations', { ...base, legal_basis: 'Chỉ thị 16/CT-TTg' })).status, 403);

  const v = await ok(leaderA.post('/api/v1/violations', {
    ...base, legal_basis: 'Chỉ thị 16/CT-TTg; Nghị định 117/2020/NĐ-CP, điều 12', action: 'fine', record_no: '07/BB-VPHC',
    fine_vnd: 2000000, identity: { name: 'Hoàng Văn Em', birth_year: 1990, address: '12 Hùng Vương' },
  }), 201);
  assert.equal(v.unit_id, ids.BA, 'the record takes the patrol\'s unit');
  assert.equal(v.has_identity, true);
  assert.ok(!JSON.stringify(v).includes('Hoàng Văn Em'), 'the identity is not in the record');
  const listed = await ok(officer.get(`/api/v1/violations?patrol_id=${patrol.id}`));
  assert.ok(!JSON.stringify(listed).includes('Hoàng Văn Em'));

  assert.equal((await leaderA.post(`/api/v1/violations/${v.id}/reveal`, { reason: 'đối chiếu' })).status, 403, 'a leader may not open identities');
  assert.equal((await officer.post(`/api/v1/violations/${v.id}/reveal`, { reason: 'ab' })).status, 422);
  const shown = await ok(officer.post(`/api/v1/violations/${v.id}/reveal`, { reason: 'Xác minh để lập hồ sơ xử phạt' }));
  assert.deepEqual(shown.identity, { name: 'Hoàng Văn Em', birth_year: 1990, address: '12 Hùng Vương' });
  const hist = await admin.get(`/api/v1/audit?entity=violation&entity_id=${v.id}`);
  const reveal = hist.body.data.find((e) => e.action === 'violation.reveal');
  assert.equal(reveal.actor, 'officer1');
  assert.equal(reveal.detail.reason, 'Xác minh để lập hồ sơ xử phạt');
  assert.ok(!JSON.stringify(hist.body).includes('Hoàng Văn Em'), 'the audit log never holds the identity');

  // a standalone record on another block, and a PATCH that cannot drop the legal basis
  const s = await ok(officer.post('/api/v1/violations', { unit_id: ids.BB, kind: 'road_traffic', action: 'reminder',
    legal_basis: 'Nghị định 100/2019/NĐ-CP', occurred_at: '2024-04-02T20:00:00+07:00' }), 201);
  assert.equal(s.patrol_id, null);
  assert.equal((await officer.patch(`/api/v1/violations/${s.id}`, { legal_basis: '' })).status, 422);
  assert.equal((await leaderA.patch(`/api/v1/violations/${s.id}`, { summary: 'x' })).status, 404, 'another block\'s record is not even seen');
  const kinds = await ok(viewer.get('/api/v1/violation-kinds'));
  assert.deepEqual(kinds.map((k) => k.code), ['public_order', 'road_traffic', 'fire_safety', 'epidemic', 'other']);
});

test('statistics count patrols, check-ins, joint forces, violations and fines on known data', async () => {
  const today = new Date(Date.now() + 7 * 3600000).toISOString().slice(0, 10);
  const st = await ok(officer.get(`/api/v1/stats/patrols?from=2024-01-01&to=${next.days[6]}`));
  assert.equal(st.patrols, 1);
  assert.equal(st.patrols_ended, 1);
  assert.equal(st.checkins, 1);
  assert.deepEqual(st.joint_forces.map((f) => [f.kind, f.count]), [['health_station', 1], ['military_command', 1], ['police', 1]]);
  assert.equal(st.violations, 2);
  assert.equal(st.fines_vnd, 2000000);
  assert.deepEqual(st.by_kind.map((k) => [k.kind, k.count]), [['epidemic', 1], ['road_traffic', 1]]);
  assert.deepEqual(st.by_action.map((k) => [k.action, k.count, k.fines_vnd]), [['fine', 1, 2000000], ['reminder', 1, 0]]);
  assert.equal(st.by_month[0].month, '2024-04');
  assert.equal(st.by_month.at(-1).month, today.slice(0, 7));
  // a block's figures only
  const b = await ok(officer.get(`/api/v1/stats/patrols?from=2024-01-01&to=${next.days[6]}&unit_id=${ids.BB}`));
  assert.equal(b.patrols, 0);
  assert.equal(b.violations, 1);
  assert.equal((await officer.get('/api/v1/stats/patrols?from=2020-01-01')).status, 400);
});

test('a team\'s joint-force choices are its commune\'s organisations, for those who read its roster', async () => {
  // leader_a's grant is on the team, not on the commune where the organisations are
  const choices = await ok(leaderA.get(`/api/v1/teams/${teamA.id}/joint-forces`));
  assert.deepEqual(choices.map((o) => [o.id, o.kind]),
    [[orgPolice, 'police'], [orgMilitary, 'military_command'], [orgHealth, 'health_station']]);
  srv.addUser('leader_c', PW, 'team_leader', 'BB');
  const leaderC = await srv.login('leader_c', PW);
  assert.equal((await leaderC.get(`/api/v1/teams/${teamA.id}/joint-forces`)).status, 404, 'another block\'s team is not seen');
  assert.equal((await ok(leaderC.get(`/api/v1/teams/${teamB.id}/joint-forces`))).length, 3);
});
