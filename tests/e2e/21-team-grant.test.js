// A role on one team, given through the accounts page in a real browser (Chromium), in Vietnamese. An
// administrator opens an account, chooses "Tổ trưởng" on a team instead of a unit (officer roles offer
// no team), sees the grant in the account's roles and in the accounts list; the account's holder finds
// the team on their home page, reads its roster and gets "not found" for the other team; then the
// administrator takes the role back. Every page is checked with axe-core and saved in
// tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, DESKTOP } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const TEAM = 'Tổ bảo vệ ANTT Khối phố An Hòa';
const GRANT = `Tổ trưởng — ${TEAM} (Khối phố An Hòa)`;
let srv;
let b;
let admin;
let userId;
let teamId;
let otherTeamId;

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  const unit = async (code, name) => {
    const r = await admin.post('/api/v1/units', { kind: 'block', code, name, parent_id: c.body.data.id });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.data.id;
  };
  const ka = await unit('KPA', 'Khối phố An Hòa');
  const kb = await unit('KPB', 'Khối phố Bình An');
  const kc = await unit('KPC', 'Khối phố Cẩm Sa');
  const team = async (unitId, name) => {
    const r = await admin.post('/api/v1/teams', { unit_id: unitId, kind: 'security_order', name });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.data.id;
  };
  teamId = await team(ka, TEAM);
  otherTeamId = await team(kb, 'Tổ bảo vệ ANTT Khối phố Bình An');
  const person = await admin.post('/api/v1/people', { unit_id: ka, full_name: 'Trương Văn Lộc', gender: 'male', birth_year: 1979 });
  assert.equal(person.status, 201, JSON.stringify(person.body));
  const m = await admin.post(`/api/v1/teams/${teamId}/members`, { person_id: person.body.data.id, role: 'member', term_from: '2024-01-01' });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  // the account views a block without teams, so that the team grant alone brings the team
  const u = await admin.post('/api/v1/users', { username: 'to.truong.an.hoa', display_name: 'Ngô Văn Bình', password: PW, role: 'viewer', unit_id: kc });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  userId = u.body.data.id;
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

test('an administrator gives a team leader role on one team through the accounts page', async () => {
  const page = await b.page(DESKTOP);
  await logIn(page, 'root');
  await page.goto(`${srv.url}/users/${userId}`);
  await page.getByRole('heading', { name: 'Ngô Văn Bình', level: 1 }).waitFor();
  const grant = page.locator('form.subform');

  // officer roles are given on units only: no team choice
  await grant.getByLabel('Vai trò').selectOption({ label: 'Cán bộ Công an' });
  assert.equal(await grant.getByLabel('Một tổ').count(), 0, 'no team choice for an officer role');
  await grant.getByLabel('Trên đơn vị').waitFor();

  await grant.getByLabel('Vai trò').selectOption({ label: 'Tổ trưởng' });
  await grant.getByLabel('Một tổ').check();
  assert.equal(await grant.getByLabel('Trên đơn vị').count(), 0, 'the unit select gives way to the team select');
  await grant.getByLabel('Tổ', { exact: true }).selectOption({ label: `${TEAM} (Khối phố An Hòa)` });
  await b.check(page, 'desktop-team-grant-form');
  await grant.getByRole('button', { name: 'Giao vai trò' }).click();
  await page.locator('.record-list').getByText(GRANT).waitFor();
  const me = await admin.get(`/api/v1/users/${userId}`);
  assert.deepEqual(me.body.data.grants.filter((g) => g.team_id).map((g) => [g.role, g.team_id]), [['team_leader', teamId]]);

  // the same again is refused, in Vietnamese
  await grant.getByRole('button', { name: 'Giao vai trò' }).click();
  await page.getByText('Tài khoản đã có vai trò này trong tổ này.').waitFor();
  await b.check(page, 'desktop-team-grant-user');

  await page.goto(`${srv.url}/users`);
  await page.getByRole('heading', { name: 'Tài khoản', level: 1 }).waitFor();
  await page.locator('.record-list').getByText(GRANT).waitFor();
  await page.context().close();
});

test('the team leader finds the team on the home page and reads its roster, and only that team', async () => {
  const page = await b.page(DESKTOP);
  await logIn(page, 'to.truong.an.hoa');
  await page.locator('.grants').getByRole('link', { name: TEAM }).click();
  await page.getByRole('heading', { name: TEAM, level: 1 }).waitFor();
  await page.locator('.members').getByRole('link', { name: 'Trương Văn Lộc', exact: true }).waitFor();
  await b.check(page, 'desktop-team-grant-team');
  await page.goto(`${srv.url}/teams/${otherTeamId}`);
  await page.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
  assert.match(await page.locator('main').textContent(), /Không tìm thấy tổ này/);
  await page.context().close();
});

test('the administrator takes the team role back through the page', async () => {
  const page = await b.page(DESKTOP);
  await logIn(page, 'root');
  await page.goto(`${srv.url}/users/${userId}`);
  await page.getByRole('button', { name: `Thu hồi vai trò ${GRANT}` }).click();
  await page.locator('.record-list').getByText(GRANT).waitFor({ state: 'detached' });
  const me = await admin.get(`/api/v1/users/${userId}`);
  assert.equal(me.body.data.grants.filter((g) => g.team_id).length, 0);
  await page.context().close();
  const tl = await srv.login('to.truong.an.hoa', PW);
  assert.equal((await tl.get(`/api/v1/teams/${teamId}`)).status, 404);
});
