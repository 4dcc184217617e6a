// Models and exemplars: /api/v1/models (sponsor, sites — replication is adding sites — activities,
// evaluations, lists by sponsor with totals), /api/v1/stats/models on known data, /api/v1/exemplars
// with commendations; and the rule that a coordinator keeps only their own organisation's models.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'models-pass-1';
let srv;
let root; let officer; let coordFarmers; let coordWomen; let viewer;
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
    ids[code] = (await ok(await root.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) }), 201)).id;
  };
  await unit('province', '49', 'Tỉnh Quảng Nam');
  await unit('commune', '20470', 'Phường Vĩnh Điện', '49');
  await unit('block', '20470-01', 'Khối phố 1', '20470');
  await unit('block', '20470-02', 'Khối phố 2', '20470');
  await unit('commune', '20471', 'Phường Điện An', '49');
  await unit('block', '20471-01', 'Khối phố An 1', '20471');
  for (const [key, kind, name] of [['farmers', 'farmers_union', 'Hội Nông dân phường'], ['women', 'womens_union', 'Hội Phụ nữ phường']]) {
    ids[key] = (await ok(await root.post('/api/v1/organisations', { unit_id: ids['20470'], kind, name }), 201)).id;
  }
  const user = async (username, role, org) => {
    const u = await ok(await root.post('/api/v1/users', { username, password: PW, role, unit_id: ids['20470'] }), 201);
    if (org) await ok(await root.patch(`/api/v1/users/${u.id}`, { organisation_id: ids[org] }));
    return srv.login(username, PW);
  };
  officer = await user('officer', 'officer');
  coordFarmers = await user('coord-farmers', 'coordinator', 'farmers');
  coordWomen = await user('coord-women', 'coordinator', 'women');
  viewer = await user('viewer', 'viewer');
});
after(async () => { await srv.stop(); });

test('a coordinator records their organisation\'s club, replicates it and records its work; another coordinator gets 403', async () => {
  const m = await ok(await coordFarmers.post('/api/v1/models', { unit_id: ids['20470'], kind: 'club', name: 'Nông dân với pháp luật', sponsor_id: ids.farmers }), 201);
  ids.club = m.id;
  assert.equal(m.sponsor_name, 'Hội Nông dân phường');
  assert.equal(m.can_edit, true);
  assert.equal((await coordFarmers.post('/api/v1/models', { unit_id: ids['20470'], kind: 'club', name: 'X', sponsor_id: ids.women })).status, 403);
  await ok(await coordFarmers.post(`/api/v1/models/${m.id}/sites`, { unit_id: ids['20470-01'], started_at: '2019-03-01', members: 90 }), 201);
  const two = await ok(await coordFarmers.post(`/api/v1/models/${m.id}/sites`, { unit_id: ids['20470-02'], started_at: '2020-06-01', members: 110 }), 201);
  assert.equal(two.totals.sites, 2);
  assert.equal(two.totals.members, 200);
  const bad = await coordFarmers.post(`/api/v1/models/${m.id}/sites`, { unit_id: ids['20471-01'], started_at: '2020-06-01' });
  assert.equal(bad.status, 422, 'a site stays in the model\'s commune (and this one is unseen)');
  for (let i = 0; i < 3; i++) {
    await ok(await coordFarmers.post(`/api/v1/models/${m.id}/activities`, { held_at: `2020-0${i + 2}-10`, kind: 'legal_consultation', people_reached: 5, cases_handled: 1 }), 201);
  }
  await ok(await coordFarmers.post(`/api/v1/models/${m.id}/activities`, { held_at: '2021-01-10', kind: 'legal_consultation', people_reached: 7 }), 201);
  const ev = await ok(await coordFarmers.post(`/api/v1/models/${m.id}/evaluations`, { period: '2020', rating: 'excellent', notes: 'Tốt' }), 201);
  assert.deepEqual(ev.evaluations.map((e) => [e.period, e.rating]), [['2020', 'excellent']]);
  assert.equal((await coordFarmers.post(`/api/v1/models/${m.id}/evaluations`, { period: '2020-Q5', rating: 'good' })).status, 422);
  assert.equal(ev.activities.length, 4);
  assert.equal(ev.activities[0].held_at.slice(0, 4), '2021', 'newest first');

  // the rule: the women's coordinator cannot edit, extend or delete the farmers' model
  assert.equal((await coordWomen.patch(`/api/v1/models/${m.id}`, { name: 'Của chúng tôi' })).status, 403);
  assert.equal((await coordWomen.post(`/api/v1/models/${m.id}/activities`, { held_at: '2020-05-01', kind: 'meeting' })).status, 403);
  assert.equal((await coordWomen.delete(`/api/v1/models/${m.id}`)).status, 403);
  assert.equal((await coordWomen.get(`/api/v1/models/${m.id}`)).body.data.can_edit, false);
  // nor may the farmers' coordinator hand their model to another sponsor; an officer may edit it
  assert.equal((await coordFarmers.patch(`/api/v1/models/${m.id}`, { sponsor_id: ids.women })).status, 403);
  assert.equal((await ok(await officer.patch(`/api/v1/models/${m.id}`, { description: 'Tư vấn pháp luật hằng tuần' }))).description, 'Tư vấn pháp luật hằng tuần');
  assert.equal((await viewer.post('/api/v1/models', { unit_id: ids['20470'], kind: 'club', name: 'Y', sponsor_id: ids.women })).status, 403);
});

test('lists by sponsor with totals, and statistics of a period that match exactly', async () => {
  const w = await ok(await coordWomen.post('/api/v1/models', { unit_id: ids['20470-01'], kind: 'residential', name: 'Đèn ngoài ngõ', sponsor_id: ids.women }), 201);
  await ok(await coordWomen.post(`/api/v1/models/${w.id}/sites`, { unit_id: ids['20470-01'], started_at: '2020-01-01', members: 40 }), 201);
  await ok(await coordWomen.post(`/api/v1/models/${w.id}/activities`, { held_at: '2020-07-01', kind: 'meeting', people_reached: 30 }), 201);
  const byFarmers = await ok(await viewer.get(`/api/v1/models?sponsor_id=${ids.farmers}`));
  assert.deepEqual(byFarmers.map((m) => m.name), ['Nông dân với pháp luật']);
  assert.deepEqual(byFarmers[0].totals, { sites: 2, members: 200, activities: 4, people_reached: 22, cases_handled: 3 });
  const st = await ok(await viewer.get('/api/v1/stats/models?from=2020-01-01&to=2020-12-31'));
  assert.deepEqual([st.models, st.sites, st.members, st.activities, st.people_reached, st.cases_handled], [2, 3, 240, 4, 45, 3]);
  const sp = Object.fromEntries(st.by_sponsor.map((b) => [b.name, [b.models, b.activities, b.people_reached]]));
  assert.deepEqual(sp, { 'Hội Nông dân phường': [1, 3, 15], 'Hội Phụ nữ phường': [1, 1, 30] });
  assert.deepEqual(st.by_kind.map((b) => [b.kind, b.models]).sort(), [['club', 1], ['residential', 1]]);
  const early = await ok(await viewer.get('/api/v1/stats/models?from=2019-01-01&to=2019-12-31'));
  assert.deepEqual([early.sites, early.activities], [1, 0], 'only the site started in 2019 counts then');
});

test('exemplars: a person, team or organisation with the achievement and its commendations', async () => {
  const org = await ok(await coordFarmers.post('/api/v1/exemplars', { unit_id: ids['20470'], kind: 'organisation', ref_id: ids.farmers, achievement: 'Hơn 50 buổi tư vấn pháp luật' }), 201);
  assert.equal(org.name, 'Hội Nông dân phường');
  assert.equal((await coordFarmers.post('/api/v1/exemplars', { unit_id: ids['20470'], kind: 'organisation', ref_id: ids.women, achievement: 'x' })).status, 403);
  assert.equal((await coordFarmers.post('/api/v1/exemplars', { unit_id: ids['20470'], kind: 'person', name: 'Lê Văn Tâm', achievement: 'x' })).status, 403);
  const person = await ok(await officer.post('/api/v1/exemplars', { unit_id: ids['20470-01'], kind: 'person', name: 'Lê Văn Tâm', achievement: 'Tổ trưởng gương mẫu' }), 201);
  const c = await ok(await officer.post(`/api/v1/exemplars/${person.id}/commendations`, { level: 'district', awarded_at: '2020-12-28', decision_no: '2150/QĐ-UBND' }), 201);
  assert.deepEqual(c.commendations.map((x) => [x.level, x.decision_no]), [['district', '2150/QĐ-UBND']]);
  assert.equal((await officer.post(`/api/v1/exemplars/${person.id}/commendations`, { level: 'galaxy', awarded_at: '2020-12-28' })).status, 422);
  const list = await ok(await viewer.get('/api/v1/exemplars'));
  assert.equal(list.length, 2);
  assert.equal((await ok(await officer.patch(`/api/v1/exemplars/${person.id}`, { achievement: 'Tổ trưởng gương mẫu nhiều năm' }))).achievement, 'Tổ trưởng gương mẫu nhiều năm');
  assert.equal((await officer.delete(`/api/v1/exemplars/${person.id}`)).status, 204);
  assert.equal((await viewer.get(`/api/v1/exemplars/${person.id}`)).status, 404);
});
