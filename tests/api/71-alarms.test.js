// Alarms, the digital mõ: enrolling a household (secret link, QR card) and revoking it (the revoked link
// is 401), raising by a household and by a member, repeated presses merged within 60 s, every step and
// the wrong ones (409), scope (a member of block A neither sees nor answers block B's alarm: 404),
// escalation to the whole commune after --alarm-escalate-after 1, the three nearest on-duty members,
// gong patterns, and the rate limits (429 with Retry-After) last, since they use up the hour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';
import { openStream } from './lib/sse.js';

const PW = 'correct horse battery';
let srv;
let admin;
let officer; // officer on C1
let leader; // team leader on B1 (enrols)
let memberA; // member on B1
let memberA2; // member on B1
let memberB; // member on B2
let viewer; // viewer on C1
const ids = {};

async function unit(kind, code, name, parent) {
  const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ids[code] = res.body.data.id;
}

async function enrol(unitCode, label, phone) {
  const res = await leader.post('/api/v1/enrolments', { unit_id: ids[unitCode], label, ...(phone ? { phone } : {}) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

function household(token) {
  const c = srv.client();
  return {
    raise: (body) => c.post('/api/v1/public/alarms', body, { headers: { authorization: `Bearer ${token}` } }),
    mine: () => c.get('/api/v1/public/alarms/mine', { headers: { authorization: `Bearer ${token}` } }),
  };
}

async function waitFor(fn, what) {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  srv = await startServer({ args: ['--alarm-escalate-after', '1'] });
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  await unit('province', 'P1', 'Tỉnh Quảng Nam');
  await unit('commune', 'C1', 'Phường Vĩnh Điện', 'P1');
  await unit('block', 'B1', 'Khối phố 1', 'C1');
  await unit('group', 'G1', 'Tổ dân phố 1', 'B1');
  await unit('block', 'B2', 'Khối phố 2', 'C1');
  srv.addUser('officer1', PW, 'officer', 'C1');
  srv.addUser('leader1', PW, 'team_leader', 'B1');
  srv.addUser('member_a', PW, 'member', 'B1');
  srv.addUser('member_a2', PW, 'member', 'B1');
  srv.addUser('member_b', PW, 'member', 'B2');
  srv.addUser('watcher', PW, 'viewer', 'C1');
  officer = await srv.login('officer1', PW);
  leader = await srv.login('leader1', PW);
  memberA = await srv.login('member_a', PW);
  memberA2 = await srv.login('member_a2', PW);
  memberB = await srv.login('member_b', PW);
  viewer = await srv.login('watcher', PW);
});
after(async () => { await srv.stop(); });

test('enrolling a household gives a secret link and a QR card once; the list never shows them', async () => {
  const e = await enrol('G1', 'Nhà ông Ba, 12 Trần Phú', '0905 123 789');
  assert.match(e.url, /^\/bao-dong#[A-Za-z0-9_-]{43}$/);
  assert.equal(e.url, `/bao-dong#${e.token}`);
  assert.match(e.qr_svg, /^<svg [^>]*viewBox="0 0 (\d+) \1"/);
  assert.match(e.qr_svg, /<path fill="#000" d="M/);
  assert.equal(e.phone_masked, '•••••••789');
  const list = await leader.get(`/api/v1/enrolments?unit_id=${ids.B1}`);
  assert.equal(list.status, 200);
  const row = list.body.data.find((x) => x.id === e.id);
  assert.equal(row.label, 'Nhà ông Ba, 12 Trần Phú');
  assert.equal(row.phone_masked, '•••••••789');
  assert.ok(!list.text.includes(e.token) && !list.text.includes('0905'), 'neither token nor phone in the list');

  // only blocks and groups; only where one may enrol
  let res = await leader.post('/api/v1/enrolments', { unit_id: ids.C1, label: 'x' });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.unit_id);
  res = await leader.post('/api/v1/enrolments', { unit_id: ids.B2, label: 'Nhà bà Tư' });
  assert.equal(res.status, 422, 'a block outside the leader\'s own is not theirs to see');
  res = await memberA.post('/api/v1/enrolments', { unit_id: ids.B1, label: 'Nhà bà Tư' });
  assert.equal(res.status, 403);
  res = await leader.post('/api/v1/enrolments', { unit_id: ids.B1, label: '', phone: 'abc' });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.label && res.body.error.fields.phone);
});

test('a household raises an alarm; presses within 60 s add to it; the household sees who is coming', async () => {
  const e = await enrol('G1', 'Nhà bà Năm', '0905000111');
  const h = household(e.token);
  let res = await h.raise({ kind: 'fire', note: 'Cháy bếp' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const a = res.body.data;
  assert.equal(a.status, 'raised');
  assert.equal(a.source, 'household');
  assert.equal(a.kind, 'fire');
  assert.equal(a.unit_id, ids.G1);
  assert.equal(a.address, 'Nhà bà Năm, Tổ dân phố 1');
  assert.equal(a.lat, null);
  assert.equal(a.presses, 1);
  assert.ok(!res.text.includes('0905'), 'no phone in the household answer');

  res = await h.raise({ kind: 'fire' });
  assert.equal(res.status, 200);
  assert.equal(res.body.data.id, a.id);
  assert.equal(res.body.data.presses, 2);

  // a member of the block acknowledges, another responds with an ETA
  res = await memberA.post(`/api/v1/alarms/${a.id}/ack`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.data.status, 'acknowledged');
  assert.equal(res.body.data.household.phone, '0905000111', 'responders get the phone');
  res = await memberA2.post(`/api/v1/alarms/${a.id}/respond`, { eta_minutes: 5 });
  assert.equal(res.status, 200);
  assert.equal(res.body.data.status, 'responding');
  assert.equal(res.body.data.eta_minutes, 5);

  res = await h.mine();
  assert.equal(res.status, 200);
  assert.equal(res.body.data.id, a.id);
  assert.equal(res.body.data.status, 'responding');
  assert.equal(res.body.data.eta_minutes, 5);
  assert.deepEqual(res.body.data.steps.map((s) => s.kind), ['raised', 'pressed', 'acknowledged', 'responding']);
  assert.ok(!res.text.includes('member_a'), 'the household does not see who');

  res = await memberA.post(`/api/v1/alarms/${a.id}/resolve`, {});
  assert.equal(res.status, 200);
  assert.equal(res.body.data.status, 'resolved');
  assert.equal(res.body.data.false_alarm, false);
  assert.ok(res.body.data.resolved_at);
  assert.deepEqual(res.body.data.steps.map((s) => [s.kind, s.actor]),
    [['raised', null], ['pressed', null], ['acknowledged', 'member_a'], ['responding', 'member_a2'], ['resolved', 'member_a']]);

  res = await h.mine();
  assert.equal(res.body.data, null, 'no open alarm any more');
  // a press after it was resolved raises a new alarm
  res = await h.raise({ kind: 'theft', lat: 15.8801, lng: 108.3350 });
  assert.equal(res.status, 201);
  assert.notEqual(res.body.data.id, a.id);
  assert.equal(res.body.data.lat, 15.8801);
  res = await officer.post(`/api/v1/alarms/${res.body.data.id}/resolve`, { false_alarm: true });
  assert.equal(res.status, 200);
  assert.equal(res.body.data.status, 'false_alarm');
  assert.equal(res.body.data.false_alarm, true);
});

test('wrong steps are 409 with the status named, bad input 422', async () => {
  let res = await memberA.post('/api/v1/alarms', { kind: 'fight', note: 'Đánh nhau trước quán' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const a = res.body.data;
  assert.equal(a.source, 'member');
  assert.equal(a.unit_id, ids.B1, 'the one block of the member');
  res = await memberA.post(`/api/v1/alarms/${a.id}/respond`, { eta_minutes: 800 });
  assert.equal(res.status, 422);
  res = await memberA.post(`/api/v1/alarms/${a.id}/ack`, {});
  assert.equal(res.status, 200);
  res = await memberA2.post(`/api/v1/alarms/${a.id}/ack`, {});
  assert.equal(res.status, 409);
  assert.match(res.body.error.message, /already 'acknowledged'/);
  res = await memberA.post(`/api/v1/alarms/${a.id}/resolve`, {});
  assert.equal(res.status, 200);
  for (const step of ['ack', 'respond', 'resolve']) {
    res = await memberA.post(`/api/v1/alarms/${a.id}/${step}`, {});
    assert.equal(res.status, 409, step);
    assert.match(res.body.error.message, /already 'resolved'/);
  }
  res = await memberA.post('/api/v1/alarms', { kind: 'earthquake' });
  assert.equal(res.status, 422);
  assert.ok(res.body.error.fields.kind);
  res = await memberA.post('/api/v1/alarms', { kind: 'fire', lat: 95, lng: 1 });
  assert.equal(res.status, 422);
  res = await memberA.post('/api/v1/alarms', { kind: 'fire', unit_id: ids.B2 });
  assert.equal(res.status, 422, 'not a block of the member');
  res = await officer.post('/api/v1/alarms', { kind: 'fire' });
  assert.equal(res.status, 422, 'an officer of the commune names the block');
  assert.ok(res.body.error.fields.unit_id);
  res = await viewer.post('/api/v1/alarms', { kind: 'fire', unit_id: ids.B1 });
  assert.equal(res.status, 403);
});

test('a member of block B neither sees nor answers block A\'s alarm until it escalates to the commune', async () => {
  const e = await enrol('B1', 'Nhà ông Sáu');
  const res0 = await household(e.token).raise({ kind: 'robbery' });
  assert.equal(res0.status, 201);
  const a = res0.body.data;
  // member B does not see it (it escalates only after more than a second) …
  assert.ok(!(await memberB.get('/api/v1/alarms?status=open')).body.data.some((x) => x.id === a.id));
  assert.equal((await memberB.get(`/api/v1/alarms/${a.id}`)).status, 404);
  assert.equal((await memberB.post(`/api/v1/alarms/${a.id}/ack`)).status, 404);
  assert.ok((await memberA.get('/api/v1/alarms?status=open')).body.data.some((x) => x.id === a.id));
  assert.equal((await viewer.get(`/api/v1/alarms/${a.id}`)).status, 403, 'viewers do not read alarms');

  // … then, unanswered, it escalates to the whole commune
  const esc = await waitFor(async () => {
    const r = await officer.get(`/api/v1/alarms/${a.id}`);
    return r.body.data.escalated ? r.body.data : null;
  }, 'escalation');
  assert.equal(esc.status, 'raised');
  assert.ok(esc.escalated_at);
  assert.deepEqual(esc.steps.map((s) => s.kind), ['raised', 'escalated']);
  const rB = await memberB.get(`/api/v1/alarms/${a.id}`);
  assert.equal(rB.status, 200);
  assert.ok((await memberB.get('/api/v1/alarms?status=open')).body.data.some((x) => x.id === a.id));
  const ack = await memberB.post(`/api/v1/alarms/${a.id}/ack`);
  assert.equal(ack.status, 200);
  assert.equal(ack.body.data.steps.filter((s) => s.kind === 'escalated').length, 1, 'escalated once');
});

test('a block A alarm answered at once never escalates and stays hidden from block B (404)', async () => {
  const res = await memberA.post('/api/v1/alarms', { kind: 'medical' });
  assert.equal(res.status, 201);
  const a = res.body.data;
  const ack = await memberA.post(`/api/v1/alarms/${a.id}/ack`);
  assert.equal(ack.status, 200);
  // wait until the escalation worker has certainly had its turn: a later alarm escalates
  const probe = (await memberA2.post('/api/v1/alarms', { kind: 'other' })).body.data;
  await waitFor(async () => (await officer.get(`/api/v1/alarms/${probe.id}`)).body.data.escalated, 'a later escalation');
  const again = await officer.get(`/api/v1/alarms/${a.id}`);
  assert.equal(again.body.data.escalated, false);
  assert.equal((await memberB.get(`/api/v1/alarms/${a.id}`)).status, 404);
  assert.equal((await memberB.post(`/api/v1/alarms/${a.id}/ack`)).status, 404);
  assert.equal((await memberB.post(`/api/v1/alarms/${a.id}/resolve`, {})).status, 404);
  assert.ok(!(await memberB.get('/api/v1/alarms?status=all')).body.data.some((x) => x.id === a.id));
  assert.equal((await memberA.post(`/api/v1/alarms/${a.id}/resolve`, {})).status, 200);
  assert.equal((await memberA2.post(`/api/v1/alarms/${probe.id}/resolve`, {})).status, 200);
});

test('the detail lists the three nearest on-duty members who may answer, with distances', async () => {
  // the alarm at (15.8800, 108.3300); 0.001° of latitude is about 111 m
  const spots = [
    [officer, 15.8830], // ~334 m
    [memberA, 15.8810], // ~111 m
    [memberA2, 15.8850], // ~556 m
    [leader, 15.8900], // ~1112 m: fourth, left out
    [memberB, 15.8801], // nearest, but block B: may not answer block A's alarm
  ];
  for (const [c, lat] of spots) {
    const r = await c.put('/api/v1/me/duty', { on_duty: true, lat, lng: 108.3300 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.on_duty, true);
  }
  assert.equal((await memberA.get('/api/v1/me/duty')).body.data.lat, 15.8810);
  // off duty: not listed, and the location is forgotten
  let r = await memberA2.put('/api/v1/me/duty', { on_duty: false, lat: 15.8850, lng: 108.33 });
  assert.equal(r.body.data.lat, null);
  r = await memberA2.put('/api/v1/me/duty', { on_duty: true, lat: 15.8850, lng: 108.3300 });
  assert.equal((await viewer.put('/api/v1/me/duty', { on_duty: true })).status, 403);
  assert.equal((await memberA.put('/api/v1/me/duty', { on_duty: true, lat: 15.88 })).status, 422);

  const res = await memberA.post('/api/v1/alarms', { kind: 'theft', lat: 15.8800, lng: 108.3300 });
  assert.equal(res.status, 201);
  const d = await officer.get(`/api/v1/alarms/${res.body.data.id}`);
  assert.equal(d.status, 200);
  const near = d.body.data.nearest;
  assert.deepEqual(near.map((n) => n.name), ['member_a', 'officer1', 'member_a2']);
  assert.ok(Math.abs(near[0].distance_m - 111) <= 2, `${near[0].distance_m}`);
  assert.ok(Math.abs(near[1].distance_m - 334) <= 2, `${near[1].distance_m}`);
  assert.ok(Math.abs(near[2].distance_m - 556) <= 2, `${near[2].distance_m}`);
  assert.equal((await memberA.post(`/api/v1/alarms/${res.body.data.id}/resolve`, {})).status, 200);
});

test('alarm kinds carry gong patterns that only an installation admin changes', async () => {
  let res = await srv.client().get('/api/v1/public/alarm-kinds');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.data.map((k) => k.code), ['theft', 'robbery', 'fight', 'fire', 'medical', 'flood_storm', 'other']);
  assert.equal(res.body.data.find((k) => k.code === 'fire').name_vi, 'Cháy');
  res = await officer.patch('/api/v1/alarm-kinds/fire', { gong_pattern: '4-2' });
  assert.equal(res.status, 403);
  res = await admin.patch('/api/v1/alarm-kinds/fire', { gong_pattern: '4--2' });
  assert.equal(res.status, 422);
  res = await admin.patch('/api/v1/alarm-kinds/fire', { gong_pattern: '4-2' });
  assert.equal(res.status, 200);
  res = await memberA.get('/api/v1/alarm-kinds');
  assert.equal(res.body.data.find((k) => k.code === 'fire').gong_pattern, '4-2');
  assert.equal((await admin.patch('/api/v1/alarm-kinds/quake', { gong_pattern: '1' })).status, 404);
});

test('live: a stream reader of block A receives alarm.raised, one of block B does not', async () => {
  const sa = await openStream(srv.url, memberA.cookie);
  const sb = await openStream(srv.url, memberB.cookie);
  assert.equal(sa.status, 200);
  assert.equal(sb.status, 200);
  try {
    const e = await enrol('B1', 'Nhà chú Chín');
    const res = await household(e.token).raise({ kind: 'fire', note: 'Khói đen' });
    assert.equal(res.status, 201);
    const a = res.body.data;
    const got = await sa.nextMatching((ev) => ev.event === 'alarm.raised' && ev.data.id === a.id, 5000);
    assert.equal(got.data.kind, 'fire');
    assert.equal(got.data.source, 'household');
    assert.equal(got.data.unit_id, ids.B1);
    // block B's own alarm reaches its reader; block A's raised event came before it and was never sent
    const rb = await memberB.post('/api/v1/alarms', { kind: 'theft' });
    assert.equal(rb.status, 201);
    const firstB = await sb.nextMatching((ev) => ev.event === 'alarm.raised', 5000);
    assert.equal(firstB.data.id, rb.body.data.id);
    assert.equal((await memberA.post(`/api/v1/alarms/${a.id}/resolve`, {})).status, 200);
    assert.equal((await memberB.post(`/api/v1/alarms/${rb.body.data.id}/resolve`, {})).status, 200);
  } finally {
    sa.close();
    sb.close();
  }
});

test('a revoked link is refused like an unknown one (401)', async () => {
  const e = await enrol('B1', 'Nhà cô Bảy');
  const h = household(e.token);
  let res = await leader.delete(`/api/v1/enrolments/${e.id}`);
  assert.equal(res.status, 200);
  assert.ok(res.body.data.revoked_at);
  res = await h.raise({ kind: 'fire' });
  assert.equal(res.status, 401);
  const unknown = await household('x'.repeat(43)).raise({ kind: 'fire' });
  assert.equal(unknown.status, 401);
  assert.equal(res.body.error.message, unknown.body.error.message);
  assert.equal((await h.mine()).status, 401);
  assert.equal((await srv.client().post('/api/v1/public/alarms', { kind: 'fire' })).status, 401);
  assert.equal((await leader.delete(`/api/v1/enrolments/${e.id}`)).status, 409);
  assert.equal((await memberB.delete(`/api/v1/enrolments/${e.id}`)).status, 403, 'members do not enrol');
});

test('rate limits: 6 new alarms an hour per household, 20 per client address; merged presses do not count', async () => {
  const e = await enrol('B1', 'Nhà ông Tám');
  const h = household(e.token);
  for (let i = 0; i < 6; i++) {
    const res = await h.raise({ kind: 'other' });
    assert.equal(res.status, 201, `alarm ${i + 1}`);
    const merged = await h.raise({ kind: 'other' });
    assert.equal(merged.status, 200, 'a merged press is not limited');
    assert.equal((await officer.post(`/api/v1/alarms/${res.body.data.id}/resolve`, {})).status, 200);
  }
  let res = await h.raise({ kind: 'other' });
  assert.equal(res.status, 429);
  assert.equal(res.body.error.code, 'rate_limited');
  assert.ok(Number(res.headers.get('retry-after')) > 3000);

  // the address limit: households raised 4 + 6 new alarms from this address so far; 10 more pass
  let made = 0;
  for (let k = 0; k < 3 && made < 20; k++) {
    const other = household((await enrol('B1', `Nhà số ${k}`)).token);
    for (let i = 0; i < 6; i++) {
      res = await other.raise({ kind: 'other' });
      if (res.status === 429) break;
      assert.equal(res.status, 201);
      made++;
      assert.equal((await officer.post(`/api/v1/alarms/${res.body.data.id}/resolve`, {})).status, 200);
    }
    if (res.status === 429) break;
  }
  assert.equal(res.status, 429);
  assert.match(res.body.error.message, /connection/);
  assert.equal(made, 10, 'twenty new household alarms from one address in the hour');
});
