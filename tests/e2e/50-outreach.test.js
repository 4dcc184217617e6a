// A coordinator of a school records an outreach session with three topics in a real browser (Chromium,
// Vietnamese, on a phone) and watches the statistics of the period change: the sessions and
// participants, and the topics' bars. The account is linked to the school, so the school is already
// ticked as organiser. Every page is checked with axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, PHONE, DESKTOP } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const SCHOOL = 'Trường THCS Quang Trung';
let srv;
let b;
let admin;
const ids = {};

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  ids.commune = c.body.data.id;
  const k1 = await admin.post('/api/v1/units', { kind: 'block', code: 'KP1', name: 'Khối phố 1', parent_id: ids.commune });
  ids.kp1 = k1.body.data.id;
  const org = async (kind, name) => (await admin.post('/api/v1/organisations', { unit_id: ids.commune, kind, name })).body.data.id;
  ids.school = await org('school', SCHOOL);
  ids.police = await org('police', 'Công an phường Vĩnh Điện');
  const s = await admin.post('/api/v1/outreach/sessions', { unit_id: ids.kp1, kind: 'propaganda', held_at: '2020-03-10', organiser_ids: [ids.police], topics: ['drugs'], participants: 40 });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  const u = await admin.post('/api/v1/users', { username: 'co.quang.trung', display_name: 'Cô Nguyễn Thị Mai', password: PW, role: 'coordinator', unit_id: ids.commune });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  assert.equal((await admin.patch(`/api/v1/users/${u.body.data.id}`, { organisation_id: ids.school })).status, 200);
  b = await openBrowser();
});

after(async () => {
  if (b) await b.close();
  if (srv) await srv.stop();
});

async function logIn(page, username) {
  await page.goto(srv.url + '/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PW);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

const PERIOD = '/outreach?from=2020-01-01&to=2020-12-31';

async function figures(page) {
  await page.getByTestId('stat-sessions').waitFor();
  return [Number((await page.getByTestId('stat-sessions').textContent()).replace(/\D/g, '')),
    Number((await page.getByTestId('stat-participants').textContent()).replace(/\D/g, ''))];
}

test('a coordinator records a session with three topics at the school and the statistics change', async () => {
  const page = await b.page(PHONE);
  await logIn(page, 'co.quang.trung');
  await page.goto(srv.url + PERIOD);
  await page.getByRole('heading', { name: 'Tuyên truyền', level: 1 }).waitFor();
  assert.deepEqual(await figures(page), [1, 40]);
  await b.check(page, 'phone-outreach-before');

  await page.getByRole('link', { name: 'Ghi buổi tuyên truyền' }).click();
  await page.getByRole('heading', { name: 'Ghi buổi tuyên truyền', level: 1 }).waitFor();
  const form = page.locator('form.card');
  await form.getByLabel('Ngày', { exact: true }).fill('15/05/2020');
  await form.getByLabel('Giờ').fill('14:00');
  await form.getByLabel('Địa bàn').selectOption({ label: 'Phường Vĩnh Điện' });
  await form.getByLabel('Địa điểm').fill('Sân trường THCS Quang Trung');
  // the school is already ticked: the account speaks for it
  assert.equal(await form.getByLabel(SCHOOL).isChecked(), true);
  await form.getByLabel('Luật Giao thông đường bộ').check();
  await form.getByLabel('Phòng, chống ma túy').check();
  await form.getByLabel('Lừa đảo qua mạng').check();
  await form.getByLabel('Học sinh').fill('120');
  await form.getByLabel('Giáo viên').fill('6');
  await b.check(page, 'phone-outreach-form');
  const save = form.getByRole('button', { name: 'Lưu buổi tuyên truyền' });
  await save.scrollIntoViewIfNeeded();
  await save.focus();
  await save.click();
  await page.getByRole('heading', { name: /Tuyên truyền — 15\/05\/2020/, level: 1 }).waitFor();
  const facts = await page.locator('dl.facts').textContent();
  assert.match(facts, /Phòng, chống ma túy, Luật Giao thông đường bộ, Lừa đảo qua mạng/);
  assert.match(facts, /126/);
  await b.check(page, 'phone-outreach-session');

  await page.goto(srv.url + PERIOD);
  await page.getByRole('heading', { name: 'Tuyên truyền', level: 1 }).waitFor();
  await page.getByTestId('stat-sessions').filter({ hasText: '2' }).waitFor();
  assert.deepEqual(await figures(page), [2, 166]);
  const topics = await page.locator('figure.bar-list', { hasText: 'Theo nội dung' }).textContent();
  assert.match(topics, /Lừa đảo qua mạng/);
  assert.match(topics, /Luật Giao thông đường bộ/);
  const orgs = await page.locator('figure.bar-list', { hasText: 'Theo đơn vị tổ chức' }).textContent();
  assert.match(orgs, new RegExp(SCHOOL));
  await b.check(page, 'phone-outreach-after');
  await page.context().close();

  const api = (await admin.get('/api/v1/stats/outreach?from=2020-01-01&to=2020-12-31')).body.data;
  assert.equal(api.sessions, 2);
  assert.equal(api.by_topic.find((x) => x.topic === 'online_fraud').participants, 126);
});

test('the coordinator may not record a session the school does not organise; the models and exemplars pages open', async () => {
  const page = await b.page(DESKTOP);
  await logIn(page, 'co.quang.trung');
  await page.goto(srv.url + '/outreach/new');
  const form = page.locator('form.card');
  await form.getByLabel('Địa bàn').waitFor();
  await form.getByLabel('Địa bàn').selectOption({ label: 'Khối phố 1' });
  await form.getByLabel(SCHOOL).uncheck();
  await form.getByLabel('Công an phường Vĩnh Điện').check();
  await form.getByLabel('Phòng, chống tội phạm').check();
  await form.getByRole('button', { name: 'Lưu buổi tuyên truyền' }).click();
  await page.locator('.form-error, [role="alert"]').first().waitFor();
  assert.equal((await admin.get('/api/v1/stats/outreach')).body.data.sessions, 2);
  await page.goto(srv.url + '/models');
  await page.getByRole('heading', { name: 'Mô hình, câu lạc bộ', level: 1 }).waitFor();
  await b.check(page, 'desktop-models');
  await page.goto(srv.url + '/exemplars');
  await page.getByRole('heading', { name: 'Điển hình tiên tiến', level: 1 }).waitFor();
  await b.check(page, 'desktop-exemplars');
  await page.context().close();
});
