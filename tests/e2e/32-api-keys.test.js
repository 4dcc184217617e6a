// The API keys screen (/settings/api-keys) in a real browser (Chromium), in Vietnamese, on a phone. The
// installation's administrator finds it from the accounts page, is told to name the key, issues one,
// sees it once (copy button), an Open311 client posts a tip with it, the key is gone from the screen
// after "saved", and revoking it (after a second click) makes the next Open311 POST a 403. An officer
// who opens the address is told that only the installation's administrator manages keys. Every page is
// checked with axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, PHONE } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const NAME = 'Ứng dụng phản ánh phường';
let srv;
let b;

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  srv.addUser('can.bo', PW, 'officer', 'VD');
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

async function open311Post(key) {
  const res = await fetch(`${srv.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, service_code: 'noise', address_string: 'kiệt 12', description: 'loa kẹo kéo mở to' }).toString(),
  });
  return res.status;
}

test('an administrator issues a key (shown once), an Open311 app uses it, then the key is revoked', async () => {
  const page = await b.page(PHONE);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  await logIn(page, 'root');
  await page.goto(`${srv.url}/users`);
  await page.getByRole('link', { name: 'Khóa API cho ứng dụng đối tác (Open311)' }).click();
  await page.getByRole('heading', { name: 'Khóa API (Open311)', level: 1 }).waitFor();
  await page.getByText('Chưa có khóa nào.').waitFor();

  await page.getByRole('button', { name: 'Cấp khóa', exact: true }).click();
  await page.getByText('Hãy nhập tên.').waitFor();
  await b.check(page, 'phone-apikeys-empty');

  await page.getByLabel('Tên ứng dụng hoặc đối tác').fill(NAME);
  await page.getByRole('button', { name: 'Cấp khóa', exact: true }).click();
  const shown = page.locator('#apikey-value');
  await shown.waitFor();
  const key = (await shown.textContent()).trim();
  assert.match(key, /^tm311_/);
  await page.getByText('Khóa chỉ hiện một lần này.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Sao chép khóa' }).click();
  await page.getByText('Đã sao chép khóa.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key, 'the copy button copies the key');
  const row = page.locator('.record-list li', { hasText: NAME });
  await row.getByText('Đang dùng').waitFor();
  await b.check(page, 'phone-apikeys-issued');

  assert.equal(await open311Post(key), 200, 'an Open311 client posts with the new key');

  await page.getByRole('button', { name: 'Đã lưu khóa, đóng lại' }).click();
  await shown.waitFor({ state: 'detached' });
  assert.ok(!(await page.locator('main').textContent()).includes(key), 'the key is not shown again');
  await page.reload();
  await row.getByText('Đang dùng').waitFor();
  assert.ok(!(await page.locator('main').textContent()).includes(key), 'nor after a reload');

  await row.getByRole('button', { name: `Thu hồi khóa ${NAME}` }).click();
  await row.getByText(`Thu hồi khóa “${NAME}”?`, { exact: false }).waitFor();
  await b.check(page, 'phone-apikeys-revoke-confirm');
  await row.getByRole('button', { name: 'Thu hồi khóa', exact: true }).click();
  await row.getByText('Đã thu hồi').waitFor();
  await row.getByText(/Thu hồi lúc \d{2}\/\d{2}\/\d{4}/).waitFor();
  assert.equal(await row.getByRole('button', { name: `Thu hồi khóa ${NAME}` }).count(), 0, 'a revoked key has no revoke button');
  assert.equal(await open311Post(key), 403, 'the revoked key is refused');
  await b.check(page, 'phone-apikeys-revoked');
  await page.context().close();
});

test('an officer is told that only the installation administrator manages keys, and sees no link', async () => {
  const page = await b.page(PHONE);
  await logIn(page, 'can.bo');
  await page.goto(`${srv.url}/settings/api-keys`);
  await page.getByText('Chỉ quản trị viên của toàn hệ thống mới quản lý khóa API.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cấp khóa', exact: true }).count(), 0, 'no form to issue');
  await b.check(page, 'phone-apikeys-officer');
  await page.context().close();
});
