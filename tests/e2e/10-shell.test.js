// The web app's shell in a real browser (Chromium), in Vietnamese first: an officer logs in, sees the
// home page with their name and role, adds a block — first with an empty name, which the form refuses
// next to the name field, then fixed — switches to English and back, and logs out; a deep link to a
// unit survives a reload while logged in, and while logged out leads to the login page and back.
// The same journey runs on a desktop and on a phone (360×740). Every page is checked with axe-core and
// saved as a screenshot in tests/artifacts/e2e/.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, ARTIFACTS, DESKTOP, PHONE } from './lib/browser.js';
import { totp, wrongTotp } from '../api/lib/identity.js';

const PW = 'mật khẩu đủ dài';
let srv;
let b;
let communeId;

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  assert.equal(c.status, 201);
  communeId = c.body.data.id;
  b = await openBrowser();
});

after(async () => {
  if (b) await b.close();
  if (srv) await srv.stop();
});

// Fills the login form and submits it.
async function logIn(page, username) {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PW);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  describe(`officer journey on a ${label} (${viewport.width}×${viewport.height})`, () => {
    const user = `officer.${label}`;
    const blockCode = label === 'desktop' ? 'KP1' : 'KP2';
    const blockName = label === 'desktop' ? 'Khối phố 1' : 'Khối phố 2';
    let page;
    let blockId;

    before(async () => {
      const r = srv.cli(['user', 'add', '--username', user, '--role', 'officer', '--unit', 'VD',
        '--display-name', 'Trần Thị Bình', '--password-stdin'], { input: `${PW}\n` });
      assert.equal(r.status, 0, r.stderr);
      page = await b.page(viewport);
    });

    test('the login page is in Vietnamese and logs the officer in to the home page', async () => {
      await page.goto(srv.url + '/');
      await page.waitForURL('**/login');
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
      await assert.doesNotReject(page.getByRole('heading', { name: 'Đăng nhập' }).waitFor());
      await b.check(page, `${label}-login`);
      await logIn(page, user);
      await page.getByRole('heading', { name: 'Xin chào, Trần Thị Bình' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      const grants = await page.locator('.grants').textContent();
      assert.match(grants, /Cán bộ Công an/);
      assert.match(grants, /Phường Vĩnh Điện/);
      await b.check(page, `${label}-home`);
    });

    test('adding a block: an empty name is refused next to the field, then the fixed one is added', async () => {
      await page.getByRole('link', { name: 'Đơn vị' }).click();
      await page.getByRole('heading', { name: 'Đơn vị', level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/units');
      await b.check(page, `${label}-units`);

      const form = page.locator('form.form-add');
      await form.getByLabel('Thêm vào').selectOption({ label: 'Khối phố thuộc Phường Vĩnh Điện' });
      await form.getByLabel('Mã').fill(blockCode);
      await form.getByLabel('Tên').fill('   ');
      await form.getByRole('button', { name: 'Thêm' }).click();
      const nameField = form.getByLabel('Tên');
      await page.locator('.field-error .error-text').first().waitFor();
      assert.equal(await nameField.getAttribute('aria-invalid'), 'true');
      assert.equal(await nameField.evaluate((el) => el === document.activeElement), true, 'the focus is on the field to fix');
      const described = await nameField.getAttribute('aria-describedby');
      const message = await page.locator(`#${described.split(' ').pop()}`).textContent();
      assert.match(message, /trống|200 byte/, 'the name field says why, in Vietnamese');
      assert.match(await form.locator('[role=alert]').textContent(), /Vui lòng sửa/);
      await b.check(page, `${label}-units-error`);

      await nameField.fill(blockName);
      await form.getByRole('button', { name: 'Thêm' }).click();
      await form.getByRole('status').filter({ hasText: `Đã thêm “${blockName}”` }).waitFor();
      assert.equal(await nameField.getAttribute('aria-invalid'), null);
      const link = page.locator('.tree').getByRole('link', { name: blockName });
      await link.waitFor();
      blockId = Number((await link.getAttribute('href')).split('/').pop());
      assert.ok(blockId > 0);
      await b.check(page, `${label}-units-added`);
    });

    test('the block has its own page with its Vietnamese details', async () => {
      await page.locator('.tree').getByRole('link', { name: blockName }).click();
      await page.getByRole('heading', { name: blockName, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/units/${blockId}`);
      const facts = await page.locator('.facts').textContent();
      assert.match(facts, /Khối phố/);
      assert.match(facts, /\d{2}\/\d{2}\/\d{4}/, 'dates are dd/MM/yyyy');
      await b.check(page, `${label}-unit`);
      // printed, the page keeps its content and drops the navigation and the buttons
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.getByRole('navigation').isVisible(), false);
      assert.equal(await page.getByRole('button', { name: 'Lưu' }).isVisible(), false);
      assert.ok(await page.getByRole('heading', { name: blockName, level: 1 }).isVisible());
      await page.screenshot({ path: `${ARTIFACTS}/${label}-unit-print.png`, fullPage: true });
      await page.emulateMedia({ media: 'screen' });
    });

    test('switching to English and back changes the texts and the lang attribute, and is remembered', async () => {
      await page.getByRole('button', { name: /English/ }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.ok(await page.getByRole('navigation').getByRole('link', { name: 'Units' }).isVisible());
      await b.check(page, `${label}-unit-en`);
      await page.reload();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice survives a reload');
      await page.getByRole('button', { name: /Tiếng Việt/ }).click();
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    });

    test('a deep link to the block survives a reload while logged in', async () => {
      await page.goto(`${srv.url}/units/${blockId}`);
      await page.getByRole('heading', { name: blockName, level: 1 }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: blockName, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/units/${blockId}`);
    });

    test('an unknown page shows the 404 page inside the app', async () => {
      await page.goto(`${srv.url}/khong-co-trang-nay`);
      await page.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
      await b.check(page, `${label}-404`);
    });

    test('logging out ends the session: the app goes to the login page and a deep link needs a login', async () => {
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL('**/login');
      const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
      assert.equal(me, 401);

      await page.goto(`${srv.url}/units/${blockId}`);
      await page.waitForURL(`**/login?next=%2Funits%2F${blockId}`);
      await page.getByRole('status').filter({ hasText: 'Vui lòng đăng nhập để tiếp tục' }).waitFor();
      await b.check(page, `${label}-login-next`);
      await logIn(page, user);
      await page.getByRole('heading', { name: blockName, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/units/${blockId}`, 'back where the deep link pointed');
    });
  });
}

test('a deleted unit with children shows the refusal; an empty one is deleted', async () => {
  const page = await b.page(DESKTOP);
  const r = srv.cli(['user', 'add', '--username', 'officer.del', '--role', 'officer', '--unit', 'VD',
    '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  const api = await srv.login('officer.del', PW);
  const blk = await api.post('/api/v1/units', { kind: 'block', code: 'KP9', name: 'Khối phố 9', parent_id: communeId });
  await api.post('/api/v1/units', { kind: 'group', code: 'KP9-T1', name: 'Tổ 1', parent_id: blk.body.data.id });

  await page.goto(`${srv.url}/units/${blk.body.data.id}`);
  await page.waitForURL('**/login?next=*');
  await logIn(page, 'officer.del');
  await page.getByRole('heading', { name: 'Khối phố 9', level: 1 }).waitFor();
  await page.locator('.danger-zone').getByRole('button', { name: 'Xóa' }).click();
  const sure = page.locator('.danger-zone .confirm').getByRole('button', { name: 'Xóa' });
  assert.equal(await sure.evaluate((el) => el === document.activeElement), true, 'the focus moves to the question');
  await page.keyboard.press('Enter');
  const alert = page.locator('.danger-zone [role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Không thể xóa/);
  await b.check(page, 'desktop-unit-delete-refused');

  await page.locator('.tree').getByRole('link', { name: 'Tổ 1' }).click();
  await page.getByRole('heading', { name: 'Tổ 1', level: 1 }).waitFor();
  await page.locator('.danger-zone').getByRole('button', { name: 'Xóa' }).click();
  await page.locator('.danger-zone .confirm').getByRole('button', { name: 'Xóa' }).click();
  await page.waitForURL('**/units');
  await page.getByRole('heading', { name: 'Đơn vị', level: 1 }).waitFor();
  const left = await api.get(`/api/v1/units?parent=${blk.body.data.id}`);
  assert.equal(left.body.data.length, 0);
});

test('an officer with TOTP enrolled gives the authentication code as a second step', async () => {
  const r = srv.cli(['user', 'add', '--username', 'officer.totp', '--role', 'officer', '--unit', 'VD',
    '--display-name', 'Lê Văn Cường', '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  const api = await srv.login('officer.totp', PW);
  const begin = await api.post('/api/v1/me/totp', {});
  assert.equal(begin.status, 200);
  const secret = begin.body.data.secret;
  const confirm = await api.post('/api/v1/me/totp/confirm', { code: totp(secret) });
  assert.equal(confirm.status, 200);

  const page = await b.page(PHONE);
  await page.goto(srv.url + '/login');
  await logIn(page, 'officer.totp');
  const code = page.getByLabel('Mã xác thực');
  await code.waitFor();
  assert.equal(await code.evaluate((el) => el === document.activeElement), true, 'the code field has the focus');
  await b.check(page, 'phone-login-totp');
  await code.fill(wrongTotp(secret));
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('alert').filter({ hasText: 'Mã xác thực không đúng' }).waitFor();
  assert.equal(await code.evaluate((el) => el === document.activeElement && el.value === ''), true,
    'the wrong code is cleared and the field has the focus again');
  await b.check(page, 'phone-login-totp-wrong');
  await code.fill(totp(secret));
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Xin chào, Lê Văn Cường' }).waitFor();
});

test('an expired session sends the user to the login page and back to where they were', async () => {
  const r = srv.cli(['user', 'add', '--username', 'officer.exp', '--role', 'officer', '--unit', 'VD',
    '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  const page = await b.page(DESKTOP);
  await page.goto(srv.url + '/login');
  await logIn(page, 'officer.exp');
  await page.getByRole('heading', { name: /Xin chào/ }).waitFor();
  // the session ends on the server (as when it expires): the next API call answers 401
  await page.context().clearCookies();
  // the app's next API call answers 401: the user's click, or the live alarm banner's own reload when
  // its event stream is refused, whichever comes first; either way the login page remembers the page
  // (the home page is the login's default, so a 401 there leaves a bare /login)
  await page.getByRole('navigation').getByRole('link', { name: 'Đơn vị' }).click({ timeout: 3000 }).catch(() => {});
  await page.waitForURL(/\/login(\?next=%2Funits)?$/);
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {}); // the other 401, if any, has landed
  await page.getByLabel('Tên đăng nhập').waitFor();
  await logIn(page, 'officer.exp');
  // back on the page the login remembered: the units page the user asked for, or the home page the
  // banner's reload left from (both requests may race; either is where the user was)
  await page.waitForFunction(() => location.pathname === '/units' || location.pathname === '/', null, { timeout: 20000 });
  const back = new URL(page.url()).pathname;
  await page.getByRole('heading', back === '/units' ? { name: 'Đơn vị', level: 1 } : { name: /Xin chào/ }).waitFor();
});
