// iCalendar (RFC 5545) feeds of duty rosters at secret-token URLs: a team's (issued by its leader) and
// a member's own (issued by the member). Each feed is read by an independent parser (ical.js) and
// checked for what a phone's calendar needs — VCALENDAR with PRODID and VERSION, one VEVENT per duty
// and patrol with UID, DTSTAMP, DTSTART/DTEND at the right instants, Vietnamese summaries — and for the
// wire format: CRLF line ends, lines folded at 75 octets without splitting a character. Revoked and
// unknown tokens answer 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv, admin, leader, member, stranger;
const ids = {};
const people = {};
let team, evening, patrol;
// a long Vietnamese name, so that the calendar's name line must be folded
const TEAM_NAME = 'Tổ bảo vệ an ninh, trật tự Khối phố Phước Thượng – phường Vĩnh Điện, thị xã Điện Bàn';

function nextWeekMonday() {
  const local = new Date(Date.now() + 7 * 3600000 + 7 * 86400000);
  const day = (local.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - day));
}
function isoWeekOf(monday) {
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const jan1 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  return `${thursday.getUTCFullYear()}-W${String(Math.floor((thursday - jan1) / (7 * 86400000)) + 1).padStart(2, '0')}`;
}
const monday = nextWeekMonday();
const day = (i) => new Date(monday.getTime() + i * 86400000).toISOString().slice(0, 10);

async function ok(resP, status = 200) {
  const res = await resP;
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body.data;
}

async function feed(p) {
  const res = await fetch(srv.url + p);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

function checkWire(text) {
  assert.ok(text.endsWith('\r\n'), 'the calendar ends with CRLF');
  assert.ok(!/[^\r]\n/.test(text), 'every line ends with CRLF');
  for (const line of text.split('\r\n')) {
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `a line longer than 75 octets: ${line}`);
    assert.ok(!line.includes('\uFFFD'), 'no character split by the folding');
  }
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  const unit = async (body) => { ids[body.code] = (await ok(admin.post('/api/v1/units', body), 201)).id; };
  await unit({ kind: 'province', code: 'P1', name: 'Tỉnh Quảng Nam' });
  await unit({ kind: 'commune', code: 'C1', name: 'Phường Vĩnh Điện', parent_id: ids.P1 });
  await unit({ kind: 'block', code: 'BA', name: 'Khối phố Phước Thượng', parent_id: ids.C1 });
  await unit({ kind: 'block', code: 'BB', name: 'Khối phố 2', parent_id: ids.C1 });
  for (const [k, name] of [['lead', 'Trần Văn Lâm'], ['m1', 'Nguyễn Văn An']]) {
    people[k] = (await ok(admin.post('/api/v1/people', { unit_id: ids.BA, full_name: name, birth_date: '1980-01-01', gender: 'male' }), 201)).id;
  }
  team = await ok(admin.post('/api/v1/teams', { unit_id: ids.BA, kind: 'security_order', name: TEAM_NAME }), 201);
  await ok(admin.post(`/api/v1/teams/${team.id}/members`, { person_id: people.lead, role: 'leader', term_from: '2020-01-01' }), 201);
  await ok(admin.post(`/api/v1/teams/${team.id}/members`, { person_id: people.m1, role: 'member', term_from: '2020-01-01' }), 201);
  srv.addUser('leader_a', PW, 'team_leader', 'BA');
  srv.addUser('leader_b', PW, 'team_leader', 'BB');
  const r = srv.cli(['user', 'add', '--username', 'member1', '--role', 'member', '--unit', 'BA', '--person', String(people.m1), '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  leader = await srv.login('leader_a', PW);
  member = await srv.login('member1', PW);
  stranger = await srv.login('leader_b', PW);
  evening = await ok(leader.post(`/api/v1/teams/${team.id}/shifts`, { name: 'Ca tối', start: '19:00', end: '23:00' }), 201);
  await ok(leader.put(`/api/v1/teams/${team.id}/roster?week=${isoWeekOf(monday)}`, {
    slots: [{ day: day(1), shift_id: evening.id, person_id: people.m1 }, { day: day(1), shift_id: evening.id, person_id: people.lead }],
  }));
  patrol = await ok(leader.post('/api/v1/patrols', {
    team_id: team.id, area: 'Chợ Vĩnh Điện; đường Trần Nhân Tông, tổ 3', members: [people.m1],
    planned_start: `${day(2)}T20:00:00+07:00`, planned_end: `${day(2)}T22:30:00+07:00`,
  }), 201);
});
after(async () => { await srv.stop(); });

test('a team\'s feed: the leader issues it, any calendar reads the roster and patrols', async () => {
  assert.equal((await member.post(`/api/v1/teams/${team.id}/ical`)).status, 403, 'a member does not issue the team\'s link');
  assert.equal((await stranger.post(`/api/v1/teams/${team.id}/ical`)).status, 404, 'another block\'s leader does not even see the team');
  const link = await ok(leader.post(`/api/v1/teams/${team.id}/ical`), 201);
  assert.match(link.path, /^\/ical\/teams\/[A-Za-z0-9_-]{40,}\.ics$/);
  const listed = await ok(leader.get(`/api/v1/teams/${team.id}/ical`));
  assert.deepEqual(listed.map((l) => l.id), [link.id]);
  assert.ok(!JSON.stringify(listed).includes(link.token), 'the token is shown once, never listed');

  const res = await feed(link.path);
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/calendar/);
  checkWire(res.text);
  const cal = new ICAL.Component(ICAL.parse(res.text));
  assert.equal(cal.name, 'vcalendar');
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.ok(cal.getFirstPropertyValue('prodid'));
  // an X- property is not unescaped by parsers (its type is unknown), but it unfolds whole
  assert.equal(cal.getFirstPropertyValue('x-wr-calname').replace(/\\,/g, ','), `Lịch trực – ${TEAM_NAME}`,
    'the folded name unfolds intact');
  const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
  assert.equal(events.length, 3, 'two duties and one patrol');
  for (const e of events) {
    assert.ok(e.uid.endsWith('@tiengmo'));
    assert.ok(e.component.getFirstPropertyValue('dtstamp'));
  }
  assert.equal(new Set(events.map((e) => e.uid)).size, 3, 'every event has its own UID');
  const duty = events.find((e) => e.summary === 'Trực Ca tối: Nguyễn Văn An');
  assert.ok(duty, events.map((e) => e.summary).join(' | '));
  assert.equal(duty.startDate.toJSDate().toISOString(), new Date(`${day(1)}T19:00:00+07:00`).toISOString());
  assert.equal(duty.endDate.toJSDate().toISOString(), new Date(`${day(1)}T23:00:00+07:00`).toISOString());
  const p = events.find((e) => e.summary.startsWith('Tuần tra'));
  assert.equal(p.summary, 'Tuần tra: Chợ Vĩnh Điện; đường Trần Nhân Tông, tổ 3', 'escaped ; and , come back');
  assert.equal(p.location, 'Chợ Vĩnh Điện; đường Trần Nhân Tông, tổ 3');
  assert.equal(p.startDate.toJSDate().toISOString(), new Date(`${day(2)}T20:00:00+07:00`).toISOString());
});

test('a member\'s own feed holds only their duties; revoked and unknown tokens answer 404', async () => {
  assert.equal((await leader.post('/api/v1/me/ical')).status, 409, 'an account linked to nobody has no duties to publish');
  const link = await ok(member.post('/api/v1/me/ical'), 201);
  assert.match(link.path, /^\/ical\/members\//);
  const res = await feed(link.path);
  assert.equal(res.status, 200);
  checkWire(res.text);
  const events = new ICAL.Component(ICAL.parse(res.text)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
  // the duty's summary is longer than a line: folded on the wire, whole once parsed
  assert.ok(Buffer.byteLength(`SUMMARY:Trực Ca tối – ${TEAM_NAME}`) > 75);
  assert.deepEqual(events.map((e) => e.summary).sort(),
    [`Trực Ca tối – ${TEAM_NAME}`, 'Tuần tra: Chợ Vĩnh Điện; đường Trần Nhân Tông, tổ 3'].sort());
  // a member's token does not open the team's feed
  assert.equal((await feed(link.path.replace('/members/', '/teams/'))).status, 404);
  assert.equal((await feed('/ical/members/not-a-real-token.ics')).status, 404);

  assert.equal((await leader.delete(`/api/v1/me/ical/${link.id}`)).status, 404, 'nobody else revokes it');
  assert.equal((await member.delete(`/api/v1/me/ical/${link.id}`)).status, 204);
  assert.equal((await feed(link.path)).status, 404, 'a revoked link is gone');
  const mine = await ok(member.get('/api/v1/me/ical'));
  assert.match(mine[0].revoked_at, /\+07:00$/);

  const teamLink = await ok(leader.post(`/api/v1/teams/${team.id}/ical`), 201);
  assert.equal((await stranger.delete(`/api/v1/teams/${team.id}/ical/${teamLink.id}`)).status, 404);
  assert.equal((await leader.delete(`/api/v1/teams/${team.id}/ical/${teamLink.id}`)).status, 204);
  assert.equal((await feed(teamLink.path)).status, 404);
});
