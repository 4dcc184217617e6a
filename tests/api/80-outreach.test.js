// Outreach sessions: /api/v1/outreach/sessions (record one, a series at once, read, change, delete,
// files), the extendable topic list, who may write what (a coordinator only their own organisation's
// sessions, co-organised ones included), and /api/v1/stats/outreach on known data, exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'outreach-pass-1';
let srv;
let root; let officer; let coordSchool; let coordWomen; let viewer; let outsider;
const ids = {};

async function ok(res, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body.data;
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  root = await srv.login('root', PW);
  const unit = async (kind, code, name, parent) => {
    const d = await ok(await root.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) }), 201);
    ids[code] = d.id;
  };
  await unit('province', '49', 'Tỉnh Quảng Nam');
  await unit('commune', '20194', 'Phường Vĩnh Điện', '49');
  await unit('block', '20194-01', 'Khối phố 1', '20194');
  await unit('block', '20194-02', 'Khối phố 2', '20194');
  await unit('commune', '20195', 'Phường Điện An', '49');
  const org = async (key, kind, name, unitCode) => {
    ids[key] = (await ok(await root.post('/api/v1/organisations', { unit_id: ids[unitCode], kind, name }), 201)).id;
  };
  await org('school', 'school', 'Trường THCS Quang Trung', '20194');
  await org('women', 'womens_union', 'Hội LHPN phường Vĩnh Điện', '20194');
  await org('police', 'police', 'Công an phường Vĩnh Điện', '20194');
  const user = async (username, role, unitCode, orgKey) => {
    const u = await ok(await root.post('/api/v1/users', { username, password: PW, role, unit_id: ids[unitCode] }), 201);
    if (orgKey) await ok(await root.patch(`/api/v1/users/${u.id}`, { organisation_id: ids[orgKey] }));
    return srv.login(username, PW);
  };
  officer = await user('officer', 'officer', '20194');
  coordSchool = await user('coord-school', 'coordinator', '20194', 'school');
  coordWomen = await user('coord-women', 'coordinator', '20194', 'women');
  viewer = await user('viewer', 'viewer', '20194');
  outsider = await user('officer-b', 'officer', '20195');
});
after(async () => { await srv.stop(); });

const base = () => ({
  unit_id: ids['20194-01'], kind: 'propaganda', held_at: '2020-03-10T08:00:00+07:00', place: 'Nhà văn hóa khối phố 1',
  organiser_ids: [ids.police], topics: ['drugs'],
});

test('the topic list holds the nine seeded topics; an officer adds one, a coordinator may not, a taken name is 409', async () => {
  const list = await ok(await viewer.get('/api/v1/outreach/topics'));
  assert.deepEqual(list.map((t) => t.code), ['crime', 'drugs', 'road_traffic', 'fire_explosion', 'weapons', 'epidemics',
    'trafficking', 'domestic_violence', 'online_fraud']);
  const added = await ok(await officer.post('/api/v1/outreach/topics', { name_vi: 'An toàn thực phẩm' }), 201);
  assert.equal(added.code, 'an_toan_thuc_pham');
  assert.equal((await coordSchool.post('/api/v1/outreach/topics', { name_vi: 'Bảo vệ môi trường' })).status, 403);
  assert.equal((await officer.post('/api/v1/outreach/topics', { name_vi: 'an toan THUC PHAM' })).status, 409);
  assert.ok((await ok(await viewer.get('/api/v1/outreach/topics'))).some((t) => t.code === 'an_toan_thuc_pham'));
});

test('an officer records a session; participants default to the audience groups; bad input is 422 and records nothing', async () => {
  const s = await ok(await officer.post('/api/v1/outreach/sessions', {
    ...base(), topics: ['drugs', 'crime'], audiences: [{ group: 'residents', count: 40 }, { group: 'members', organisation_id: ids.women, count: 12 }],
  }), 201);
  assert.equal(s.participants, 52);
  assert.equal(s.unit_name, 'Khối phố 1');
  assert.deepEqual(s.topics, ['crime', 'drugs']);
  assert.equal(s.can_edit, true);
  ids.s1 = s.id;
  let res = await officer.post('/api/v1/outreach/sessions', { ...base(), participants: 10, audiences: [{ group: 'pupils', count: 30 }] });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.participants);
  res = await officer.post('/api/v1/outreach/sessions', { ...base(), kind: 'party', topics: ['astrology'], organiser_ids: [] });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.kind && res.body.error.fields.organiser_ids);
  res = await officer.post('/api/v1/outreach/sessions', { ...base(), topics: ['astrology'] });
  assert.match(res.body.error.fields.topics, /astrology/);
  res = await outsider.post('/api/v1/outreach/sessions', { ...base() });
  assert.equal(res.status, 422, 'another commune\'s unit does not exist for its officer');
  const all = await ok(await officer.get('/api/v1/outreach/sessions'));
  assert.equal(all.length, 1);
});

test('a coordinator records only sessions their organisation organises, co-organised ones included', async () => {
  const mine = await ok(await coordSchool.post('/api/v1/outreach/sessions', { ...base(), organiser_ids: [ids.police, ids.school], participants: 80 }), 201);
  assert.equal(mine.can_edit, true);
  let res = await coordSchool.post('/api/v1/outreach/sessions', { ...base() });
  assert.equal(res.status, 403);
  // the women's coordinator cannot change or delete the school's session; the school's may
  res = await coordWomen.patch(`/api/v1/outreach/sessions/${mine.id}`, { participants: 1 });
  assert.equal(res.status, 403);
  assert.equal((await coordWomen.delete(`/api/v1/outreach/sessions/${mine.id}`)).status, 403);
  assert.equal((await coordWomen.get(`/api/v1/outreach/sessions/${mine.id}`)).body.data.can_edit, false);
  // nor can the school's coordinator take their own organisation off it, nor a viewer write anything
  res = await coordSchool.patch(`/api/v1/outreach/sessions/${mine.id}`, { organiser_ids: [ids.police] });
  assert.equal(res.status, 403);
  assert.equal((await viewer.post('/api/v1/outreach/sessions', base())).status, 403);
  const changed = await ok(await coordSchool.patch(`/api/v1/outreach/sessions/${mine.id}`, { participants: 85, notes: 'Phát tờ rơi' }));
  assert.equal(changed.participants, 85);
  assert.equal(changed.notes, 'Phát tờ rơi');
  assert.equal((await coordSchool.delete(`/api/v1/outreach/sessions/${mine.id}`)).status, 204);
  assert.equal((await officer.get(`/api/v1/outreach/sessions/${mine.id}`)).status, 404);
  assert.equal((await outsider.get(`/api/v1/outreach/sessions/${ids.s1}`)).status, 404);
});

test('a series creates N sessions a week apart (or on the dates listed), all or none', async () => {
  const body = { unit_id: ids['20194'], kind: 'propaganda', place: 'Trường THCS Quang Trung', organiser_ids: [ids.school, ids.police],
    topics: ['road_traffic', 'drugs', 'online_fraud'], audiences: [{ group: 'pupils', count: 100 }, { group: 'teachers', count: 5 }] };
  const series = await ok(await coordSchool.post('/api/v1/outreach/sessions/series', { ...body, first: '2020-09-07T14:00:00+07:00', count: 20 }), 201);
  assert.equal(series.count, 20);
  assert.equal(series.sessions.length, 20);
  assert.ok(series.sessions.every((s) => s.series_id === series.series_id && s.participants === 105));
  assert.equal(Date.parse(series.sessions[1].held_at) - Date.parse(series.sessions[0].held_at), 7 * 86400e3);
  const listed = await ok(await coordSchool.post('/api/v1/outreach/sessions/series', { ...body, dates: ['2020-11-20', '2020-12-04'] }), 201);
  assert.equal(listed.count, 2);
  const bad = await coordSchool.post('/api/v1/outreach/sessions/series', { ...body, dates: ['2020-11-20', 'someday'] });
  assert.equal(bad.status, 422);
  assert.equal((await coordSchool.post('/api/v1/outreach/sessions/series', { ...body, first: '2020-01-01', count: 61 })).status, 422);
  const bySchool = [];
  let cursor = null;
  do {
    const res = await ok(await viewer.get(`/api/v1/outreach/sessions?organiser_id=${ids.school}&limit=7${cursor ? `&cursor=${cursor}` : ''}`));
    bySchool.push(...res);
    cursor = (await viewer.get(`/api/v1/outreach/sessions?organiser_id=${ids.school}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)).body.next_cursor;
  } while (cursor);
  assert.equal(bySchool.length, 22);
  assert.equal(new Set(bySchool.map((s) => s.id)).size, 22, 'pages neither repeat nor skip');
  assert.ok(bySchool.every((s, i) => i === 0 || s.held_at <= bySchool[i - 1].held_at), 'newest first');
  const nov = await ok(await viewer.get('/api/v1/outreach/sessions?from=2020-11-01&to=2020-11-30&topic=online_fraud'));
  assert.equal(nov.length, 5 + 1, 'five weekly sessions of November (Mondays 2 to 30) and the listed one');
});

test('a photo is stored without its metadata; other types are refused', async () => {
  // a 1x1 PNG with a tEXt chunk
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000001274455874436f6d6d656e7400736563726574206770737eb4b1ca0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082', 'hex');
  const res = await officer.request('POST', `/api/v1/outreach/sessions/${ids.s1}/files?role=photo`, { body: png, raw: true, headers: { 'content-type': 'image/png' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const f = res.body.data.files[0];
  assert.equal(f.role, 'photo');
  assert.equal(f.mime, 'image/png');
  const got = await viewer.request('GET', `/api/v1/outreach/sessions/${ids.s1}/files/${f.id}`);
  assert.equal(got.status, 200);
  assert.ok(!got.text.includes('secret gps'));
  const txt = await officer.request('POST', `/api/v1/outreach/sessions/${ids.s1}/files?role=photo`, { body: 'hello', raw: true, headers: { 'content-type': 'text/plain' } });
  assert.equal(txt.status, 422);
});

test('statistics of a period match the sessions recorded, by topic, unit, organiser and month', async () => {
  const st = await ok(await viewer.get('/api/v1/stats/outreach?from=2020-01-01&to=2020-12-31'));
  // s1 (52, KP1, police, drugs+crime) + the school's sessions of 2020: 17 of the weekly series (the
  // last three fall in January 2021) and the 2 listed ones (105 each, the commune, school+police, 3 topics)
  assert.equal(st.sessions, 20);
  assert.equal(st.participants, 52 + 19 * 105);
  const topic = Object.fromEntries(st.by_topic.map((t) => [t.topic, [t.sessions, t.participants]]));
  assert.deepEqual(topic, { crime: [1, 52], drugs: [20, 52 + 19 * 105], road_traffic: [19, 1995], online_fraud: [19, 1995] });
  const unit = Object.fromEntries(st.by_unit.map((u) => [u.name, u.sessions]));
  assert.deepEqual(unit, { 'Khối phố 1': 1, 'Phường Vĩnh Điện': 19 });
  const org = Object.fromEntries(st.by_organiser.map((o) => [o.name, o.participants]));
  assert.deepEqual(org, { 'Trường THCS Quang Trung': 1995, 'Công an phường Vĩnh Điện': 2047 });
  assert.deepEqual(st.by_month.map((m) => [m.month, m.sessions, m.participants]),
    [['2020-03', 1, 52], ['2020-09', 4, 420], ['2020-10', 4, 420], ['2020-11', 6, 630], ['2020-12', 5, 525]]);
  const all = await ok(await viewer.get('/api/v1/stats/outreach'));
  assert.equal(all.sessions, 23, 'without a period: every session, January 2021 included');
  const kp1 = await ok(await viewer.get(`/api/v1/stats/outreach?from=2020-01-01&to=2020-12-31&unit_id=${ids['20194-01']}`));
  assert.equal(kp1.sessions, 1);
  const other = await ok(await outsider.get('/api/v1/stats/outreach?from=2020-01-01&to=2020-12-31'));
  assert.equal(other.sessions, 0, 'another commune\'s officer counts none of them');
  assert.equal((await outsider.get(`/api/v1/stats/outreach?unit_id=${ids['20194']}`)).status, 404);
  assert.equal((await viewer.get('/api/v1/stats/outreach?from=2020-13-01')).status, 400);
});
