// Tips, the officers' side: the inbox with its filters and tone-free search ("dat" finds "Đạt"), pages,
// a tip's timeline, triage through the state machine (refusals are 409/422 with clear messages),
// assignment, replies, the identity reveal (reason required, audited, refused without the right, 404
// for an anonymous tip), scope (an officer of another commune sees nothing: 404), and cases: open,
// change, link tips, counts by category and month; viewers see neither tips nor cases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let admin;
let officer; // officer on C1
let other; // officer on C2
let viewer; // viewer on C1
let citizen;
const ids = {};
const tips = {};

async function unit(kind, code, name, parent) {
  const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[code] = res.body.data.id;
}

async function submit(key, body) {
  const res = await citizen.post('/api/v1/public/tips', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  tips[key] = res.body.data;
  return res.body.data;
}

async function listAll(client, query = {}) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ ...query, limit: '2' });
    if (cursor) q.set('cursor', cursor);
    const res = await client.get(`/api/v1/tips?${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error('pagination never ended');
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit('province', 'P1', 'Tỉnh Quảng Nam');
  await unit('commune', 'C1', 'Phường Vĩnh Điện', 'P1');
  await unit('block', 'B1', 'Khối phố 1', 'C1');
  await unit('block', 'B2', 'Khối phố 2', 'C1');
  await unit('commune', 'C2', 'Phường Điện An', 'P1');
  srv.addUser('officer1', PW, 'officer', 'C1');
  srv.addUser('officer2', PW, 'officer', 'C2');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  officer = await srv.login('officer1', PW);
  other = await srv.login('officer2', PW);
  viewer = await srv.login('watcher', PW);
  citizen = srv.client();
  await submit('dat', { category: 'theft', unit_id: ids.B1, description: 'Anh Đạt thấy kẻ lạ trèo rào nhà số 9' });
  await submit('noise', { category: 'noise', unit_id: ids.B2, description: 'Hát karaoke quá to lúc nửa đêm' });
  await submit('named', { category: 'drugs', unit_id: ids.B1, description: 'Tụ tập sử dụng ma túy ở bãi cỏ ven sông',
    anonymous: false, identity: { name: 'Nguyễn Văn Bình', phone: '0905000111' } });
  await submit('far', { category: 'noise', unit_id: ids.C2, description: 'Tiếng ồn xưởng mộc ở Điện An' });
});
after(async () => { await srv.stop(); });

test('the inbox lists the commune\'s tips across pages, filters, and searches without tones', async () => {
  const all = await listAll(officer);
  assert.deepEqual(all.map((t) => t.id), [tips.dat.id, tips.noise.id, tips.named.id]);
  assert.deepEqual((await listAll(officer, { order: 'newest' })).map((t) => t.id), [tips.named.id, tips.noise.id, tips.dat.id]);
  assert.deepEqual((await listAll(officer, { category: 'noise' })).map((t) => t.id), [tips.noise.id]);
  assert.deepEqual((await listAll(officer, { unit_id: ids.B1 })).map((t) => t.id), [tips.dat.id, tips.named.id]);
  assert.deepEqual((await listAll(officer, { status: 'verifying' })).map((t) => t.id), []);
  for (const q of ['dat', 'Đạt', 'ĐẠT', 'dạt']) {
    assert.deepEqual((await listAll(officer, { q })).map((t) => t.id), [tips.dat.id], `q=${q}`);
  }
  assert.deepEqual((await listAll(officer, { q: 'ma tuy' })).map((t) => t.id), [tips.named.id]);
  assert.deepEqual((await listAll(officer, { q: '100%' })).map((t) => t.id), [], '% is matched literally');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
  assert.equal((await listAll(officer, { from: today, to: today })).length, 3);
  assert.equal((await listAll(officer, { to: '2020-01-01' })).length, 0);
  const bad = await officer.get('/api/v1/tips?status=closed');
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.fields.status);
});

test('scope: an officer of another commune gets 404 and sees none of it; a viewer sees no tips', async () => {
  assert.deepEqual((await listAll(other)).map((t) => t.id), [tips.far.id]);
  assert.equal((await other.get(`/api/v1/tips/${tips.dat.id}`)).status, 404);
  assert.equal((await other.patch(`/api/v1/tips/${tips.dat.id}`, { status: 'verifying' })).status, 404);
  assert.equal((await other.post(`/api/v1/tips/${tips.named.id}/reveal`, { reason: 'kiểm tra chéo' })).status, 404);
  assert.equal((await other.get(`/api/v1/tips?unit_id=${ids.B1}`)).status, 404);
  assert.equal((await viewer.get('/api/v1/tips')).status, 403);
  assert.equal((await viewer.get(`/api/v1/tips/${tips.dat.id}`)).status, 403);
  assert.equal((await viewer.get('/api/v1/cases')).status, 403);
});

test('the state machine: refusals say why, a duplicate names its original, each step is on the timeline', async () => {
  const id = tips.noise.id;
  const skip = await officer.patch(`/api/v1/tips/${id}`, { status: 'resolved' });
  assert.equal(skip.status, 409);
  assert.equal(skip.body.error.code, 'conflict');
  assert.equal(skip.body.error.message, "a tip cannot go from 'new' to 'resolved'; set it to 'verifying' first");
  const unknown = await officer.patch(`/api/v1/tips/${id}`, { status: 'closed' });
  assert.equal(unknown.status, 422);

  const v = await officer.patch(`/api/v1/tips/${id}`, { status: 'verifying' });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.data.status, 'verifying');
  const again = await officer.patch(`/api/v1/tips/${id}`, { status: 'new' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.message, "a tip cannot go from 'verifying' to 'new'");

  const noOriginal = await officer.patch(`/api/v1/tips/${id}`, { status: 'duplicate' });
  assert.equal(noOriginal.status, 422);
  assert.ok(noOriginal.body.error.fields.duplicate_of);
  const self = await officer.patch(`/api/v1/tips/${id}`, { status: 'duplicate', duplicate_of: id });
  assert.equal(self.status, 422);
  const foreign = await officer.patch(`/api/v1/tips/${id}`, { status: 'duplicate', duplicate_of: tips.far.id });
  assert.equal(foreign.status, 422, 'a tip of another commune is not an original');
  const stray = await officer.patch(`/api/v1/tips/${id}`, { status: 'resolved', duplicate_of: tips.dat.id });
  assert.equal(stray.status, 422);

  const dup = await officer.patch(`/api/v1/tips/${id}`, { status: 'duplicate', duplicate_of: tips.dat.id });
  assert.equal(dup.status, 200, JSON.stringify(dup.body));
  assert.equal(dup.body.data.duplicate_of, tips.dat.id);
  const reopened = await officer.patch(`/api/v1/tips/${id}`, { status: 'verifying' });
  assert.equal(reopened.body.data.duplicate_of, null, 'leaving duplicate clears the original');
  const done = await officer.patch(`/api/v1/tips/${id}`, { status: 'resolved' });
  assert.equal(done.status, 200);
  assert.deepEqual(done.body.data.timeline.filter((e) => e.kind === 'status').map((e) => [e.from, e.to, e.username]), [
    ['new', 'verifying', 'officer1'], ['verifying', 'duplicate', 'officer1'], ['duplicate', 'verifying', 'officer1'],
    ['verifying', 'resolved', 'officer1'],
  ]);
  const look = await citizen.post('/api/v1/public/tips/lookup', { receipt: tips.noise.receipt });
  assert.equal(look.body.data.status, 'resolved', 'the citizen sees the status');
  const hist = await officer.get(`/api/v1/audit?entity=tip&entity_id=${id}`);
  assert.deepEqual(hist.body.data.map((e) => e.action), ['tip.submit', 'tip.update', 'tip.update', 'tip.update', 'tip.update']);
});

test('assignment goes to someone who may work on the tip', async () => {
  const me = (await officer.get('/api/v1/me')).body.data.user.id;
  const watcherId = (await admin.get('/api/v1/users?limit=200')).body.data.find((u) => u.username === 'watcher').id;
  const otherId = (await admin.get('/api/v1/users?limit=200')).body.data.find((u) => u.username === 'officer2').id;
  for (const uid of [watcherId, otherId, 999999]) {
    const res = await officer.patch(`/api/v1/tips/${tips.dat.id}`, { assigned_to: uid });
    assert.equal(res.status, 422, `user ${uid}`);
    assert.ok(res.body.error.fields.assigned_to);
  }
  const ok = await officer.patch(`/api/v1/tips/${tips.dat.id}`, { assigned_to: me });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.data.assigned_username, 'officer1');
  assert.equal(ok.body.data.timeline.at(-1).kind, 'assigned');
  const cleared = await officer.patch(`/api/v1/tips/${tips.dat.id}`, { assigned_to: null });
  assert.equal(cleared.body.data.assigned_to, null);
});

test('the identity: reason required, audited with the reason, refused without the right, 404 when anonymous', async () => {
  const id = tips.named.id;
  const detail = await officer.get(`/api/v1/tips/${id}`);
  assert.equal(detail.body.data.has_identity, true);
  assert.ok(!detail.text.includes('Nguyễn Văn Bình') && !detail.text.includes('0905000111'));
  const noReason = await officer.post(`/api/v1/tips/${id}/reveal`, {});
  assert.equal(noReason.status, 422);
  const short = await officer.post(`/api/v1/tips/${id}/reveal`, { reason: ' ab ' });
  assert.equal(short.status, 422);
  assert.equal((await viewer.post(`/api/v1/tips/${id}/reveal`, { reason: 'tôi muốn xem' })).status, 403);
  assert.equal((await officer.post(`/api/v1/tips/${tips.dat.id}/reveal`, { reason: 'xác minh nguồn tin' })).status, 404);

  const r = await officer.post(`/api/v1/tips/${id}/reveal`, { reason: 'mời người báo tin làm chứng' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.data.identity, { name: 'Nguyễn Văn Bình', phone: '0905000111', national_id: null, address: null });
  const hist = await officer.get(`/api/v1/audit?entity=tip&entity_id=${id}`);
  const reveal = hist.body.data.find((e) => e.action === 'tip.reveal');
  assert.equal(reveal.actor, 'officer1');
  assert.equal(reveal.detail.reason, 'mời người báo tin làm chứng');
  assert.ok(!hist.text.includes('Nguyễn Văn Bình') && !hist.text.includes('0905000111'), 'the audit holds the reason, not the identity');
  const after = await officer.get(`/api/v1/tips/${id}`);
  assert.equal(after.body.data.timeline.at(-1).kind, 'reveal');
  assert.ok(!srv.log().includes('Nguyễn Văn Bình') && !srv.log().includes('0905000111'));
});

test('cases: open, change, link tips, scope and counts by category and month', async () => {
  const bad = await officer.post('/api/v1/cases', { unit_id: ids.B1, category: 'riot', source: 'tip', summary: 'x' });
  assert.equal(bad.status, 422);
  assert.ok(bad.body.error.fields.category);
  const c = await officer.post('/api/v1/cases', { unit_id: ids.B1, category: 'crime', source: 'tip',
    summary: 'Trộm đột nhập nhà số 9', occurred_at: '2026-01-05T22:00:00+07:00', place: 'Nhà số 9, Khối phố 1' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const caseId = c.body.data.id;
  assert.equal(c.body.data.status, 'open');
  await officer.post('/api/v1/cases', { unit_id: ids.B2, category: 'public_order', source: 'patrol', summary: 'Gây rối', occurred_at: '2026-02-10' });
  await officer.post('/api/v1/cases', { unit_id: ids.B2, category: 'crime', source: 'walk_in', summary: 'Cướp giật', occurred_at: '2026-02-28T23:30:00+07:00' });
  await other.post('/api/v1/cases', { unit_id: ids.C2, category: 'crime', source: 'alarm', summary: 'Ở xã khác', occurred_at: '2026-02-01' });

  const link = await officer.post(`/api/v1/cases/${caseId}/tips`, { tip_id: tips.dat.id });
  assert.equal(link.status, 200, JSON.stringify(link.body));
  assert.deepEqual(link.body.data.tips.map((t) => t.id), [tips.dat.id]);
  assert.equal((await officer.get(`/api/v1/tips/${tips.dat.id}`)).body.data.case_id, caseId);
  assert.equal((await officer.post(`/api/v1/cases/${caseId}/tips`, { tip_id: tips.far.id })).status, 422);
  const viaTip = await officer.patch(`/api/v1/tips/${tips.named.id}`, { case_id: caseId });
  assert.equal(viaTip.status, 200);
  assert.deepEqual((await officer.get(`/api/v1/cases/${caseId}`)).body.data.tips.map((t) => t.id), [tips.dat.id, tips.named.id]);

  const changed = await officer.patch(`/api/v1/cases/${caseId}`, { status: 'investigating', place: null });
  assert.equal(changed.status, 200);
  assert.equal(changed.body.data.status, 'investigating');
  assert.equal(changed.body.data.place, null);
  assert.equal((await other.get(`/api/v1/cases/${caseId}`)).status, 404);
  assert.equal((await other.patch(`/api/v1/cases/${caseId}`, { status: 'closed' })).status, 404);

  const list = await officer.get('/api/v1/cases?category=crime');
  assert.deepEqual(list.body.data.map((x) => x.summary), ['Trộm đột nhập nhà số 9', 'Cướp giật']);
  const stats = await officer.get('/api/v1/cases/stats?from=2026-01-01&to=2026-03-31');
  assert.equal(stats.status, 200, JSON.stringify(stats.body));
  assert.deepEqual(stats.body.data.months.map((m) => [m.month, m.counts.crime, m.counts.public_order, m.total]),
    [['2026-01', 1, 0, 1], ['2026-02', 1, 1, 2], ['2026-03', 0, 0, 0]], 'the other commune\'s case is not counted');
  assert.equal(stats.body.data.by_category.crime, 2);
  assert.equal(stats.body.data.total, 3);
  const all = await admin.get('/api/v1/cases/stats?from=2026-02-01&to=2026-02-28');
  assert.equal(all.body.data.by_category.crime, 2, 'an installation admin counts every commune');
  assert.equal((await officer.get('/api/v1/cases/stats?from=2026-03-01')).status, 400);
  const hist = await officer.get(`/api/v1/audit?entity=case&entity_id=${caseId}`);
  assert.deepEqual(hist.body.data.map((e) => e.action), ['case.create', 'case.link_tip', 'case.update']);
});
