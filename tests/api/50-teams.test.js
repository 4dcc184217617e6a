// Teams: /api/v1/teams and their members — create, read, rename, delete; the kinds and where a team
// may sit; the rules' warnings appearing and clearing as the roster changes (Law 30/2023/QH15 for
// security & order teams, Law 35/2013/QH13 art. 12 for mediation teams); terms; the all-or-nothing
// member import; the commune summary; and who may see and change which roster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let admin, leader, viewer, coordinator, officer;
const ids = {}; // unit code → id

async function unit(body) {
  const res = await admin.post('/api/v1/units', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[body.code] = res.body.data.id;
}

async function person(client, body) {
  const res = await client.post('/api/v1/people', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function team(client, body) {
  const res = await client.post('/api/v1/teams', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function appoint(client, teamId, body) {
  const res = await client.post(`/api/v1/teams/${teamId}/members`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const codes = (warnings) => warnings.map((w) => w.code);

// A man of 40 and a woman of 40 on 2024-01-01, appointed that day, in block BA.
let nextName = 0;
function someone(gender = 'male', birth_date = '1983-05-05', unitCode = 'BA') {
  nextName += 1;
  const given = gender === 'female' ? 'Thị Hoa' : 'Văn Nam';
  return { unit_id: ids[unitCode], full_name: `Nguyễn ${given} ${nextName}`, gender, birth_date };
}

function importCsv(client, teamId, csv, query = '') {
  return client.request('POST', `/api/v1/teams/${teamId}/members/import${query}`, {
    body: csv,
    headers: { 'content-type': 'text/csv; charset=utf-8' },
  });
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit({ kind: 'province', code: 'P1', name: 'Tỉnh Một' });
  await unit({ kind: 'commune', code: 'C1', name: 'Phường Một', parent_id: ids.P1 });
  await unit({ kind: 'commune', code: 'C2', name: 'Phường Hai', parent_id: ids.P1 });
  await unit({ kind: 'block', code: 'BA', name: 'Khối phố A', parent_id: ids.C1 });
  await unit({ kind: 'block', code: 'BB', name: 'Khối phố B', parent_id: ids.C1 });
  await unit({ kind: 'block', code: 'BC', name: 'Khối phố C', parent_id: ids.C1 });
  await unit({ kind: 'group', code: 'BA-T1', name: 'Tổ 1', parent_id: ids.BA });
  await unit({ kind: 'block', code: 'C2-B1', name: 'Thôn Một', parent_id: ids.C2 });
  srv.addUser('leader', PW, 'team_leader', 'BA');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  srv.addUser('coord', PW, 'coordinator', 'C1');
  srv.addUser('officer1', PW, 'officer', 'C1');
  leader = await srv.login('leader', PW);
  viewer = await srv.login('watcher', PW);
  coordinator = await srv.login('coord', PW);
  officer = await srv.login('officer1', PW);
});
after(async () => { await srv.stop(); });

test('a team is created, read, listed, renamed and deleted', async () => {
  const t = await team(officer, { unit_id: ids.BB, kind: 'self_managed', name: 'Tổ tự quản B' });
  assert.equal(t.unit_id, ids.BB);
  assert.equal(t.unit_name, 'Khối phố B');
  assert.equal(t.kind, 'self_managed');
  assert.equal(t.member_count, 0);
  assert.deepEqual(t.warnings, [], 'a self-managed team has no rule to break');
  assert.match(t.created_at, /\+07:00$/);

  const got = await officer.get(`/api/v1/teams/${t.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.data, t);

  const list = await officer.get(`/api/v1/teams?unit_id=${ids.BB}`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.data.map((x) => x.id), [t.id]);
  assert.equal(list.body.next_cursor, null);

  const renamed = await officer.patch(`/api/v1/teams/${t.id}`, { name: 'Tổ tự quản khối B' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.data.name, 'Tổ tự quản khối B');
  assert.equal((await officer.get(`/api/v1/teams/${t.id}`)).body.data.name, 'Tổ tự quản khối B');
  assert.equal((await officer.patch(`/api/v1/teams/${t.id}`, { kind: 'shock' })).status, 422,
    'the kind of a team does not change');

  const del = await officer.delete(`/api/v1/teams/${t.id}`);
  assert.equal(del.status, 204);
  assert.equal((await officer.get(`/api/v1/teams/${t.id}`)).status, 404);
  assert.equal((await officer.delete(`/api/v1/teams/${t.id}`)).status, 404);

  // the history of the team, by whom
  const hist = await admin.get(`/api/v1/audit?entity=team&entity_id=${t.id}`);
  assert.equal(hist.status, 200, JSON.stringify(hist.body));
  assert.deepEqual(hist.body.data.map((e) => e.action), ['team.create', 'team.update', 'team.delete']);
  assert.ok(hist.body.data.every((e) => e.actor === 'officer1'));
  assert.equal(hist.body.data[1].detail.before.name, 'Tổ tự quản B');
});

test('every kind sits on a block or a group, nowhere else', async () => {
  const kinds = ['security_order', 'mediation', 'self_managed', 'shock', 'community_self_managed', 'fire_prevention'];
  const made = [];
  for (const kind of kinds) made.push(await team(admin, { unit_id: ids['BA-T1'], kind, name: `Tổ ${kind}` }));
  assert.deepEqual(made.map((t) => t.kind), kinds);

  const byKind = await admin.get(`/api/v1/teams?unit_id=${ids['BA-T1']}&kind=mediation`);
  assert.equal(byKind.status, 200);
  assert.deepEqual(byKind.body.data.map((t) => t.id), [made[1].id]);
  assert.equal((await admin.get('/api/v1/teams?kind=police')).status, 400);
  assert.equal((await admin.get('/api/v1/teams?unit_id=abc')).status, 400);

  for (const code of ['C1', 'P1']) {
    const res = await admin.post('/api/v1/teams', { unit_id: ids[code], kind: 'shock', name: 'Tổ xung kích' });
    assert.equal(res.status, 422, code);
    assert.match(res.body.error.fields.unit_id, /block or a residential group/);
  }
  const bad = await admin.post('/api/v1/teams', { unit_id: ids.BA, kind: 'police', name: '' });
  assert.equal(bad.status, 422);
  assert.ok(bad.body.error.fields.kind && bad.body.error.fields.name);
  assert.equal((await admin.post('/api/v1/teams', { unit_id: 999999, kind: 'shock', name: 'X' })).status, 422);

  // one security & order team per block or group (Law 30/2023/QH15)
  const second = await admin.post('/api/v1/teams', { unit_id: ids['BA-T1'], kind: 'security_order', name: 'Tổ hai' });
  assert.equal(second.status, 409);
  assert.match(second.body.error.message, /already has a security and order team/);

  for (const t of made) assert.equal((await admin.delete(`/api/v1/teams/${t.id}`)).status, 204);
});

test('a security & order team of three with two leaders warns until one steps down', async () => {
  const t = await team(officer, { unit_id: ids.BC, kind: 'security_order', name: 'Tổ BV ANTT khối C' });
  assert.deepEqual(codes(t.warnings), ['leader_count'], 'an empty team has no leader');
  const people = [];
  for (let i = 0; i < 3; i++) people.push(await person(officer, someone('male', '1980-01-01', 'BC')));

  let r = await appoint(officer, t.id, { person_id: people[0].id, role: 'leader', term_from: '2024-01-01' });
  assert.deepEqual(r.warnings, []);
  assert.equal(r.data.age_at_appointment, 44);
  assert.equal(r.data.full_name, people[0].full_name);
  assert.equal(r.data.term_to, null);
  r = await appoint(officer, t.id, { person_id: people[1].id, role: 'leader', term_from: '2024-01-01' });
  assert.deepEqual(codes(r.warnings), ['leader_count']);
  assert.match(r.warnings[0].message, /exactly one leader; it has 2/);
  r = await appoint(officer, t.id, { person_id: people[2].id, role: 'member', term_from: '2024-01-01' });
  assert.deepEqual(codes(r.warnings), ['leader_count']);

  const got = await officer.get(`/api/v1/teams/${t.id}`);
  assert.equal(got.body.data.member_count, 3);
  assert.deepEqual(codes(got.body.data.warnings), ['leader_count']);
  const listed = await officer.get(`/api/v1/teams?unit_id=${ids.BC}`);
  assert.deepEqual(codes(listed.body.data[0].warnings), ['leader_count'], 'the list shows the warning too');
  assert.equal(listed.body.data[0].member_count, 3);

  // the second leader becomes deputy: fixed
  const second = r.data.id - 1;
  const fixed = await officer.patch(`/api/v1/teams/${t.id}/members/${second}`, { role: 'deputy' });
  assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
  assert.equal(fixed.body.data.role, 'deputy');
  assert.deepEqual(fixed.body.warnings, []);
  assert.deepEqual((await officer.get(`/api/v1/teams/${t.id}`)).body.data.warnings, []);

  // a second deputy is one too many
  const twoDeputies = await officer.patch(`/api/v1/teams/${t.id}/members/${r.data.id}`, { role: 'deputy' });
  assert.deepEqual(codes(twoDeputies.body.warnings), ['deputy_count']);
  const back = await officer.patch(`/api/v1/teams/${t.id}/members/${r.data.id}`, { role: 'member' });
  assert.deepEqual(back.body.warnings, []);

  // the roster: leader first, then the deputy, then members
  const roster = await officer.get(`/api/v1/teams/${t.id}/members`);
  assert.equal(roster.status, 200);
  assert.deepEqual(roster.body.data.map((m) => m.role), ['leader', 'deputy', 'member']);
  assert.deepEqual(roster.body.warnings, []);

  // a team with members is not deleted
  const del = await officer.delete(`/api/v1/teams/${t.id}`);
  assert.equal(del.status, 409);
  assert.match(del.body.error.message, /members/);

  // the history of a membership
  const hist = await admin.get(`/api/v1/audit?entity=team_member&entity_id=${second}`);
  assert.equal(hist.status, 200, JSON.stringify(hist.body));
  assert.deepEqual(hist.body.data.map((e) => e.action), ['team_member.add', 'team_member.update']);
  assert.equal(hist.body.data[1].detail.before.role, 'leader');
  assert.equal(hist.body.data[1].detail.role, 'deputy');
});

test('a member appointed at 17 or at 71 breaks the age rule; 18 and 70 do not', async () => {
  const t = await team(officer, { unit_id: ids.BB, kind: 'security_order', name: 'Tổ BV ANTT khối B' });
  const chief = await person(officer, someone('male', '1975-01-01', 'BB'));
  await appoint(officer, t.id, { person_id: chief.id, role: 'leader', term_from: '2024-01-01' });

  const young = await person(officer, someone('male', '2006-06-15', 'BB'));
  let r = await appoint(officer, t.id, { person_id: young.id, role: 'member', term_from: '2024-06-14' });
  assert.equal(r.data.age_at_appointment, 17);
  assert.deepEqual(codes(r.warnings), ['member_age']);
  assert.match(r.warnings[0].message, /under 18 or over 70/);
  r = await officer.patch(`/api/v1/teams/${t.id}/members/${r.data.id}`, { term_from: '2024-06-15' });
  assert.equal(r.status, 200);
  assert.equal(r.body.data.age_at_appointment, 18);
  assert.deepEqual(r.body.warnings, [], 'appointed on the 18th birthday');

  const old = await person(officer, someone('male', '1953-06-15', 'BB'));
  r = await appoint(officer, t.id, { person_id: old.id, role: 'member', term_from: '2024-06-14' });
  assert.equal(r.data.age_at_appointment, 70);
  assert.deepEqual(r.warnings, []);
  r = await officer.patch(`/api/v1/teams/${t.id}/members/${r.data.id}`, { term_from: '2024-06-15' });
  assert.equal(r.body.data.age_at_appointment, 71);
  assert.deepEqual(codes(r.body.warnings), ['member_age']);

  // only the year known: counted from 1 July
  const yearOnly = await person(officer, { unit_id: ids.BB, full_name: 'Lê Văn Năm', birth_year: 2000 });
  const y = await appoint(officer, t.id, { person_id: yearOnly.id, role: 'member', term_from: '2018-06-30' });
  assert.equal(y.data.age_at_appointment, 17);
  assert.equal(y.data.birth_year, 2000);
  // unknown age: no warning of its own
  const unknown = await person(officer, { unit_id: ids.BB, full_name: 'Lê Văn Sáu' });
  const u = await appoint(officer, t.id, { person_id: unknown.id, role: 'member', term_from: '2024-01-01' });
  assert.equal(u.data.age_at_appointment, null);
  assert.equal(u.data.birth_year, null);
  assert.equal(u.warnings.filter((w) => w.code === 'member_age').length, 1, 'one warning, however many');
});

test('a mediation team needs a leader, three mediators and a woman', async () => {
  const t = await team(officer, { unit_id: ids.BA, kind: 'mediation', name: 'Tổ hòa giải khối A' });
  assert.deepEqual(codes(t.warnings), ['leader_missing', 'too_few_mediators', 'no_woman']);
  const a = await person(officer, someone('male'));
  const b = await person(officer, someone('male'));
  const c = await person(officer, someone('male'));
  const woman = await person(officer, someone('female'));

  let r = await appoint(officer, t.id, { person_id: a.id, role: 'leader', term_from: '2024-01-01' });
  assert.deepEqual(codes(r.warnings), ['too_few_mediators', 'no_woman']);
  await appoint(officer, t.id, { person_id: b.id, role: 'member', term_from: '2024-01-01' });
  r = await appoint(officer, t.id, { person_id: c.id, role: 'member', term_from: '2024-01-01' });
  assert.deepEqual(codes(r.warnings), ['no_woman'], 'three men: enough mediators, no woman');
  r = await appoint(officer, t.id, { person_id: woman.id, role: 'member', term_from: '2024-01-01' });
  assert.deepEqual(r.warnings, []);
  const womanMember = r.data.id;

  // her term ends: she no longer counts, and the roster shows her only with ?all=1
  r = await officer.patch(`/api/v1/teams/${t.id}/members/${womanMember}`, { term_to: '2024-03-31' });
  assert.equal(r.status, 200);
  assert.equal(r.body.data.term_to, '2024-03-31');
  assert.deepEqual(codes(r.body.warnings), ['no_woman']);
  const current = await officer.get(`/api/v1/teams/${t.id}/members`);
  assert.equal(current.body.data.length, 3);
  const all = await officer.get(`/api/v1/teams/${t.id}/members?all=1`);
  assert.equal(all.body.data.length, 4);
  assert.equal((await officer.get(`/api/v1/teams/${t.id}/members?all=yes`)).status, 400);
  assert.equal((await officer.get(`/api/v1/teams/${t.id}`)).body.data.member_count, 3);

  // appointing her again while the old term overlaps is refused; a new term after it is fine
  const overlap = await officer.post(`/api/v1/teams/${t.id}/members`, { person_id: woman.id, role: 'member', term_from: '2024-03-01' });
  assert.equal(overlap.status, 409);
  // null reopens her term
  r = await officer.patch(`/api/v1/teams/${t.id}/members/${womanMember}`, { term_to: null });
  assert.equal(r.body.data.term_to, null);
  assert.deepEqual(r.body.warnings, []);
  const again = await officer.post(`/api/v1/teams/${t.id}/members`, { person_id: woman.id, role: 'member', term_from: '2030-01-01' });
  assert.equal(again.status, 409, 'an open term overlaps every later one');

  // bad terms
  const backwards = await officer.patch(`/api/v1/teams/${t.id}/members/${womanMember}`, { term_to: '2023-12-31' });
  assert.equal(backwards.status, 422);
  assert.match(backwards.body.error.fields.term_to, /before term_from/);
  const notDate = await officer.post(`/api/v1/teams/${t.id}/members`, { person_id: b.id, role: 'chief', term_from: '2024-02-30' });
  assert.equal(notDate.status, 422);
  assert.ok(notDate.body.error.fields.role && notDate.body.error.fields.term_from);

  // the leader removed: leader_missing
  const leaderRow = current.body.data.find((m) => m.role === 'leader');
  const rm = await officer.delete(`/api/v1/teams/${t.id}/members/${leaderRow.id}`);
  assert.equal(rm.status, 200);
  assert.deepEqual(codes(rm.body.data.warnings), ['leader_missing']);
  assert.equal((await officer.delete(`/api/v1/teams/${t.id}/members/${leaderRow.id}`)).status, 404);
});

test('a member is a person of the team\'s commune whom the caller may see', async () => {
  const t = await team(officer, { unit_id: ids.BA, kind: 'fire_prevention', name: 'Tổ PCCC khối A' });
  // a neighbour from another block of the same commune is fine
  const neighbour = await person(officer, someone('male', '1980-01-01', 'BB'));
  await appoint(officer, t.id, { person_id: neighbour.id, role: 'member', term_from: '2024-01-01' });
  // someone from another commune is not
  const far = await person(admin, someone('male', '1980-01-01', 'C2-B1'));
  const res = await admin.post(`/api/v1/teams/${t.id}/members`, { person_id: far.id, role: 'member', term_from: '2024-01-01' });
  assert.equal(res.status, 422);
  assert.match(res.body.error.fields.person_id, /commune/);
  // a person the caller cannot see is no such person (the leader of block A cannot see block B's people)
  const hidden = await leader.post(`/api/v1/teams/${t.id}/members`, { person_id: neighbour.id, role: 'member', term_from: '2025-01-01' });
  assert.equal(hidden.status, 422);
  assert.equal(hidden.body.error.fields.person_id, 'no such person');
  assert.equal((await officer.post(`/api/v1/teams/${t.id}/members`, { person_id: 999999, role: 'member', term_from: '2024-01-01' })).status, 422);

  // a team with only past members is still not deleted: their history stays
  const list = await officer.get(`/api/v1/teams/${t.id}/members`);
  await officer.patch(`/api/v1/teams/${t.id}/members/${list.body.data[0].id}`, { term_to: '2024-02-01' });
  assert.equal((await officer.get(`/api/v1/teams/${t.id}`)).body.data.member_count, 0);
  assert.equal((await officer.delete(`/api/v1/teams/${t.id}`)).status, 409);
});

test('member import: a dry run previews, the import writes all, a bad file writes nothing', async () => {
  const t = await team(officer, { unit_id: ids['BA-T1'], kind: 'mediation', name: 'Tổ hòa giải tổ 1' });
  const csv = [
    'full_name,gender,birth_date,birth_year,phone,national_id,role,term_from',
    'Trần Văn Hùng,male,1975-04-12,,0905123456,048075123456,leader,2024-01-01',
    'Phạm Thị Mai,female,,1980,,,member,2024-01-01',
    '"Võ Văn Tư, con",male,,,,,member,2024-01-01',
    '',
  ].join('\r\n');

  const dry = await importCsv(officer, t.id, csv, '?dry_run=1');
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  assert.equal(dry.body.data.dry_run, true);
  assert.equal(dry.body.data.count, 3);
  assert.deepEqual(dry.body.data.rows.map((r) => r.line), [2, 3, 4]);
  assert.equal(dry.body.data.rows[0].age_at_appointment, 48);
  assert.equal(dry.body.data.rows[2].full_name, 'Võ Văn Tư, con');
  assert.deepEqual(dry.body.data.warnings, [], 'the team would keep its rules');
  assert.equal((await officer.get(`/api/v1/teams/${t.id}/members`)).body.data.length, 0, 'a dry run writes nothing');

  const done = await importCsv(officer, t.id, csv);
  assert.equal(done.status, 201, JSON.stringify(done.body));
  assert.ok(done.body.data.rows.every((r) => r.person_id > 0 && r.member_id > 0));
  const roster = await officer.get(`/api/v1/teams/${t.id}/members`);
  assert.deepEqual(roster.body.data.map((m) => m.full_name).sort(),
    ['Phạm Thị Mai', 'Trần Văn Hùng', 'Võ Văn Tư, con']);
  assert.deepEqual(roster.body.warnings, []);
  const p = await officer.get(`/api/v1/people/${done.body.data.rows[0].person_id}`);
  assert.equal(p.status, 200);
  assert.equal(p.body.data.unit_id, ids['BA-T1'], 'people are created in the team\'s unit');
  assert.match(p.body.data.national_id_masked, /3456$/);

  // a bad file: every bad line named, nothing written
  const bad = [
    'role,full_name,term_from,gender,birth_date,birth_year,phone,national_id',
    'member,Lê Thị Hạnh,2024-01-01,female,,,,',
    'boss,Lê Văn Bảy,2024-01-01,male,,,,',
    'member,Lê Văn Tám,2024-13-01,male,,,,',
    'member,Lê Văn Chín,2024-01-01,male,,,,048075123456',
    'member,,2024-01-01,male,,,,',
  ].join('\n');
  const failed = await importCsv(officer, t.id, bad);
  assert.equal(failed.status, 422);
  assert.equal(failed.body.error.code, 'import_failed');
  assert.deepEqual(Object.keys(failed.body.error.fields).sort(), ['line 3', 'line 4', 'line 5', 'line 6']);
  assert.match(failed.body.error.fields['line 3'], /role 'boss'/);
  assert.match(failed.body.error.fields['line 4'], /term_from/);
  assert.match(failed.body.error.fields['line 5'], /national_id/);
  assert.match(failed.body.error.fields['line 6'], /full_name/);
  assert.equal((await officer.get(`/api/v1/teams/${t.id}/members`)).body.data.length, 3, 'nothing was imported');

  const dup = [
    'full_name,gender,birth_date,birth_year,phone,national_id,role,term_from',
    'Đỗ Văn Một,male,1975-04-12,,,048075999999,member,2024-01-01',
    'Đỗ Văn Hai,male,1975-04-12,,,048075999999,member,2024-01-01',
  ].join('\n');
  const dupRes = await importCsv(officer, t.id, dup);
  assert.equal(dupRes.status, 422);
  assert.match(dupRes.body.error.fields['line 3'], /same as on line 2/);

  const header = await importCsv(officer, t.id, 'full_name,role\nA,member\n');
  assert.equal(header.status, 422);
  assert.match(header.body.error.fields['line 1'], /missing column 'gender'/);
  assert.equal((await importCsv(officer, t.id, '')).status, 422);
  const json = await officer.post(`/api/v1/teams/${t.id}/members/import`, { rows: [] });
  assert.equal(json.status, 400);
  // the dry run shows the warnings the team would have
  const noWoman = await importCsv(officer, t.id, [
    'full_name,gender,birth_date,birth_year,phone,national_id,role,term_from',
    'Đỗ Văn Ba,male,,1990,,,leader,2024-01-01',
  ].join('\n'), '?dry_run=1');
  assert.equal(noWoman.status, 200);
  assert.deepEqual(noWoman.body.data.warnings, [], 'two leaders break no mediation rule');
  assert.equal((await viewer.request('POST', `/api/v1/teams/${t.id}/members/import`, { body: csv, headers: { 'content-type': 'text/csv' } })).status, 403);
});

test('the summary counts teams and members by kind and by block, and those breaking a rule', async () => {
  // a commune of its own, so that the counts are known exactly
  await unit({ kind: 'commune', code: 'S', name: 'Xã Tổng hợp', parent_id: ids.P1 });
  await unit({ kind: 'block', code: 'S-1', name: 'Thôn 1', parent_id: ids.S });
  await unit({ kind: 'block', code: 'S-2', name: 'Thôn 2', parent_id: ids.S });
  await unit({ kind: 'block', code: 'S-3', name: 'Thôn 3', parent_id: ids.S });
  await unit({ kind: 'group', code: 'S-2-T1', name: 'Xóm 1', parent_id: ids['S-2'] });
  const sec1 = await team(admin, { unit_id: ids['S-1'], kind: 'security_order', name: 'Tổ BV 1' });
  const sec2 = await team(admin, { unit_id: ids['S-2-T1'], kind: 'security_order', name: 'Tổ BV xóm 1' });
  const med = await team(admin, { unit_id: ids['S-2'], kind: 'mediation', name: 'Tổ hòa giải 2' });
  const fill = async (t, people) => {
    for (const [role, gender, unitCode] of people) {
      const p = await person(admin, someone(gender, '1980-02-02', unitCode));
      await appoint(admin, t.id, { person_id: p.id, role, term_from: '2024-01-01' });
    }
  };
  await fill(sec1, [['leader', 'male', 'S-1'], ['deputy', 'male', 'S-1'], ['member', 'female', 'S-1']]);
  await fill(sec2, [['member', 'male', 'S-2-T1'], ['member', 'male', 'S-2-T1']]); // no leader
  await fill(med, [['leader', 'female', 'S-2'], ['member', 'male', 'S-2'], ['member', 'male', 'S-2']]);
  // a past member counts nowhere
  const past = await person(admin, someone('male', '1980-02-02', 'S-1'));
  await appoint(admin, sec1.id, { person_id: past.id, role: 'leader', term_from: '2019-01-01', term_to: '2020-12-31' });

  const res = await admin.get(`/api/v1/teams/summary?unit_id=${ids.S}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const s = res.body.data;
  const kind = Object.fromEntries(s.by_kind.map((k) => [k.kind, k]));
  assert.equal(s.by_kind.length, 6, 'every kind, zeros included');
  assert.deepEqual([kind.security_order.teams, kind.security_order.members], [2, 5]);
  assert.deepEqual([kind.mediation.teams, kind.mediation.members], [1, 3]);
  assert.deepEqual([kind.shock.teams, kind.shock.members], [0, 0]);
  assert.equal(s.breaking, 1);
  assert.deepEqual(s.by_block.map((b) => b.unit_name), ['Thôn 1', 'Thôn 2', 'Thôn 3']);
  assert.deepEqual(s.by_block[0].teams.map((t) => [t.name, t.member_count]), [['Tổ BV 1', 3]]);
  assert.deepEqual(s.by_block[1].teams.map((t) => [t.name, t.member_count]), [['Tổ BV xóm 1', 2], ['Tổ hòa giải 2', 3]],
    'a group\'s team is counted in its block');
  assert.deepEqual(codes(s.by_block[1].teams[0].warnings), ['leader_count']);
  assert.deepEqual(s.by_block[2].teams, [], 'a block without a team still shows');

  // fixing the team clears it from `breaking`
  const p = await person(admin, someone('male', '1980-02-02', 'S-2-T1'));
  await appoint(admin, sec2.id, { person_id: p.id, role: 'leader', term_from: '2024-01-01' });
  const after = (await admin.get(`/api/v1/teams/summary?unit_id=${ids.S}`)).body.data;
  assert.equal(after.breaking, 0);
  // a block's own summary
  const block = (await admin.get(`/api/v1/teams/summary?unit_id=${ids['S-2']}`)).body.data;
  assert.deepEqual(block.by_block.map((b) => b.unit_name), ['Thôn 2']);
  assert.equal(block.by_block[0].teams.length, 2);

  assert.equal((await admin.get('/api/v1/teams/summary')).status, 400);
  assert.equal((await admin.get('/api/v1/teams/summary?unit_id=999999')).status, 404);
  assert.equal((await leader.get(`/api/v1/teams/summary?unit_id=${ids.S}`)).status, 404);
});

test('a block\'s team leader sees and edits that block\'s rosters only; a viewer reads; nobody else writes', async () => {
  const teamA = await team(officer, { unit_id: ids.BA, kind: 'security_order', name: 'Tổ BV ANTT khối A' });
  const teamB = (await officer.get(`/api/v1/teams?unit_id=${ids.BB}&kind=security_order`)).body.data[0];
  assert.ok(teamB, 'block B has its team from an earlier test');

  // the leader of block A: block A's team, not block B's
  assert.equal((await leader.get(`/api/v1/teams/${teamA.id}`)).status, 200);
  assert.equal((await leader.get(`/api/v1/teams/${teamB.id}`)).status, 404);
  assert.equal((await leader.get(`/api/v1/teams/${teamB.id}/members`)).status, 404);
  assert.equal((await leader.patch(`/api/v1/teams/${teamB.id}`, { name: 'X' })).status, 404);
  assert.equal((await leader.delete(`/api/v1/teams/${teamB.id}`)).status, 404);
  const bMembers = (await officer.get(`/api/v1/teams/${teamB.id}/members`)).body.data;
  assert.equal((await leader.patch(`/api/v1/teams/${teamB.id}/members/${bMembers[0].id}`, { role: 'member' })).status, 404);
  assert.equal((await leader.delete(`/api/v1/teams/${teamB.id}/members/${bMembers[0].id}`)).status, 404);
  assert.equal((await leader.get(`/api/v1/teams?unit_id=${ids.BB}`)).status, 404);
  const mine = await leader.get('/api/v1/teams');
  assert.equal(mine.status, 200);
  assert.ok(mine.body.data.length >= 1);
  assert.ok(mine.body.data.every((t) => t.unit_id === ids.BA || t.unit_id === ids['BA-T1']),
    'the list holds block A\'s teams only');
  // … and edits block A's roster
  const p = await person(leader, someone('male', '1985-01-01', 'BA'));
  const added = await leader.post(`/api/v1/teams/${teamA.id}/members`, { person_id: p.id, role: 'leader', term_from: '2024-01-01' });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.equal((await leader.patch(`/api/v1/teams/${teamA.id}/members/${added.body.data.id}`, { term_to: '2099-12-31' })).status, 200);
  assert.equal((await leader.patch(`/api/v1/teams/${teamA.id}`, { name: 'Tổ bảo vệ ANTT khối A' })).status, 200);
  // a member id of another team is not a member of this one
  assert.equal((await leader.patch(`/api/v1/teams/${teamA.id}/members/${bMembers[0].id}`, { role: 'member' })).status, 404);
  // a team on block B cannot be made by block A's leader
  assert.equal((await leader.post('/api/v1/teams', { unit_id: ids.BB, kind: 'shock', name: 'X' })).status, 422);

  // a viewer and a coordinator read everything in the commune and write nothing
  for (const c of [viewer, coordinator]) {
    assert.equal((await c.get(`/api/v1/teams/${teamB.id}`)).status, 200);
    assert.equal((await c.get(`/api/v1/teams/${teamA.id}/members`)).status, 200);
    assert.equal((await c.get(`/api/v1/teams/summary?unit_id=${ids.C1}`)).status, 200);
    assert.equal((await c.post('/api/v1/teams', { unit_id: ids.BB, kind: 'shock', name: 'X' })).status, 403);
    assert.equal((await c.patch(`/api/v1/teams/${teamA.id}`, { name: 'X' })).status, 403);
    assert.equal((await c.delete(`/api/v1/teams/${teamA.id}`)).status, 403);
    assert.equal((await c.post(`/api/v1/teams/${teamA.id}/members`, { person_id: p.id, role: 'member', term_from: '2024-01-01' })).status, 403);
    assert.equal((await c.delete(`/api/v1/teams/${teamA.id}/members/${added.body.data.id}`)).status, 403);
  }
  assert.equal((await viewer.get(`/api/v1/teams/${teamA.id}`)).body.data.name, 'Tổ bảo vệ ANTT khối A');
  // without a session
  assert.equal((await srv.client().get('/api/v1/teams')).status, 401);
});
