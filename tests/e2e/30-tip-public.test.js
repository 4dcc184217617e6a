// The citizen's side of tips in a real browser (Chromium) at a phone viewport, in Vietnamese, with no
// account: from the login page's link a citizen opens /gui-tin-bao, sends an anonymous tip with a photo
// (a JPEG drawn in the browser), a file over 10 MB being refused before sending; gets the 16-digit
// receipt once, grouped 4-4-4-4, and copies it. An officer of the commune replies through the API. The
// citizen opens /theo-doi-tin-bao, enters the receipt with other spacing, reads the status and the
// reply, and answers. The receipt never appears in a URL or in browser storage; the public pages never
// ask for a session. Every page is checked with axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import path from 'node:path';
import { openBrowser, PHONE, DESKTOP, ARTIFACTS } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const DESCRIPTION = 'Tối nào cũng có nhóm người lạ tụ tập cuối ngõ 7, nghi mua bán ma túy.';
const REPLY = 'Cảm ơn bạn. Công an phường đã cử tổ tuần tra đến kiểm tra ngõ 7.';
let srv;
let b;
let officer;
let blockId;
let groupId;
let receipt = '';
let tipId;
let firstLoadBytes = 0;
const urls = [];

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  const k = await admin.post('/api/v1/units', { kind: 'block', code: 'KP7', name: 'Khối phố 7', parent_id: c.body.data.id });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  blockId = k.body.data.id;
  const g = await admin.post('/api/v1/units', { kind: 'group', code: 'KP7T2', name: 'Tổ 2', parent_id: blockId });
  groupId = g.body.data.id;
  srv.addUser('can.bo', PW, 'officer', 'VD');
  officer = await srv.login('can.bo', PW);
  b = await openBrowser();
});

after(async () => {
  if (b) await b.close();
  if (srv) await srv.stop();
});

// Every request's URL, and the compressed bytes of the first load of a page.
function watch(page) {
  page.on('request', (r) => urls.push(r.url()));
}

async function noReceiptStored(page) {
  const digits = receipt.replace(/\D/g, '');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.ok(!stored.includes(digits), 'the receipt is in browser storage');
  assert.ok(!urls.some((u) => u.replace(/\D/g, '').includes(digits)), 'the receipt travelled in a URL');
}

test('the login page leads a citizen to the tip page, which asks for no session and loads light', async () => {
  const page = await b.page(PHONE);
  watch(page);
  await page.goto(srv.url + '/login');
  await page.getByRole('link', { name: 'Gửi tin báo cho công an' }).click();
  await page.getByRole('heading', { name: 'Gửi tin báo cho công an', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/gui-tin-bao');

  // a first visit straight to the page: no session request, and its size on the wire
  const fresh = await b.page(PHONE);
  const seen = [];
  const sizes = [];
  fresh.on('request', (r) => seen.push(new URL(r.url()).pathname));
  fresh.on('requestfinished', async (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
  });
  await fresh.goto(srv.url + '/gui-tin-bao', { waitUntil: 'networkidle' });
  await fresh.getByLabel('Loại tin').waitFor();
  assert.ok(!seen.includes('/api/v1/me'), 'the public page asked who is logged in');
  assert.ok(seen.includes('/api/v1/public/units') && seen.includes('/api/v1/public/tip-categories'));
  firstLoadBytes = (await Promise.all(sizes)).reduce((a, n) => a + n, 0);
  console.log(`first load of /gui-tin-bao: ${firstLoadBytes} bytes on the wire (gzip, headers included)`);
  assert.ok(firstLoadBytes > 10000 && firstLoadBytes < 100 * 1024, `first load ${firstLoadBytes} bytes`);
  await fresh.context().close();

  // and back: the officers' login from the public pages still finds out about the session
  await page.getByRole('link', { name: 'Cán bộ đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Đăng nhập', level: 1 }).waitFor();
  await page.context().close();
});

test('on a desktop the tip page reads the same, in English too', async () => {
  const page = await b.page(DESKTOP);
  await page.goto(srv.url + '/gui-tin-bao');
  await page.locator('select option', { hasText: 'Ma túy' }).first().waitFor({ state: 'attached' });
  await b.check(page, 'tip-public-form-desktop');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Send a tip to the police', level: 1 }).waitFor();
  await page.getByRole('switch', { name: 'Send anonymously' }).waitFor();
  await b.check(page, 'tip-public-form-desktop-en');
  await page.context().close();
});

test('a citizen on a phone sends an anonymous tip with a photo and keeps the receipt', async () => {
  const page = await b.page(PHONE);
  watch(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  await page.goto(srv.url + '/gui-tin-bao');
  await page.getByLabel('Loại tin').waitFor();
  await page.locator('select option', { hasText: 'Ma túy' }).first().waitFor({ state: 'attached' });
  await b.check(page, 'tip-public-form-phone');

  // nothing filled: the two required fields say so
  await page.getByRole('button', { name: 'Gửi tin báo' }).click();
  await page.getByText('Hãy chọn loại tin.').waitFor();
  await page.getByText('Hãy kể lại sự việc.').waitFor();

  await page.getByLabel('Loại tin').selectOption({ label: 'Ma túy' });
  await page.getByLabel('Khu vực (khối phố, tổ dân phố)').selectOption({ label: 'Khối phố 7 › Tổ 2' });
  await page.getByLabel('Địa chỉ, nơi xảy ra').fill('Cuối ngõ 7 đường Trần Phú');
  await page.getByLabel('Ngày xảy ra').fill('31/11/2026');
  await page.getByLabel('Giờ (nếu nhớ)').fill('21:30');
  await page.getByLabel('Sự việc').fill(DESCRIPTION);

  // a photo drawn in the browser, and a video over 10 MB refused before anything is sent
  const jpeg = Buffer.from((await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 160; c.height = 120;
    const g = c.getContext('2d');
    g.fillStyle = '#35618f'; g.fillRect(0, 0, 160, 120);
    g.fillStyle = '#f2c14e'; g.fillRect(40, 30, 80, 60);
    return c.toDataURL('image/jpeg', 0.85);
  })).split(',')[1], 'base64');
  // a day that does not exist is caught before sending
  await page.getByRole('button', { name: 'Gửi tin báo' }).click();
  await page.getByText('Ngày theo dạng ngày/tháng/năm').waitFor();
  await page.getByLabel('Ngày xảy ra').fill('28/11/2026');
  assert.equal(await page.getByText('Ngày theo dạng ngày/tháng/năm').count(), 0, 'the fixed day is no longer marked');

  const input = page.locator('input[type=file]');
  await input.setInputFiles({ name: 'ngo-7.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await input.setInputFiles({ name: 'video-dai.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await page.getByText('Tệp "video-dai.mp4" lớn hơn 10 MB nên chưa được thêm.').waitFor();
  assert.equal(await page.locator('.tip-files li').count(), 1);
  await page.locator('.tip-files').getByText('ngo-7.jpg').waitFor();

  // anonymous by default; switching it off asks for optional contact details; back on for this tip
  const anon = page.getByRole('switch', { name: 'Gửi ẩn danh' });
  assert.equal(await anon.isChecked(), true);
  await page.getByText('không hỏi và không lưu bạn là ai').waitFor();
  await anon.uncheck();
  await page.getByLabel('Họ và tên').waitFor();
  await page.getByLabel('Số CCCD').waitFor();
  await b.check(page, 'tip-public-identified-phone');
  await anon.check();
  assert.equal(await page.getByLabel('Họ và tên').count(), 0);

  await page.getByRole('button', { name: 'Gửi tin báo' }).click();
  await page.getByRole('heading', { name: 'Đã gửi tin báo. Cảm ơn bạn!' }).waitFor();
  const code = page.locator('#receipt-code');
  assert.equal(await code.locator('span').count(), 4, 'grouped 4-4-4-4');
  receipt = (await code.textContent()).trim();
  assert.match(receipt, /^\d{4} \d{4} \d{4} \d{4}$/);
  await page.getByText('chỉ hiện MỘT LẦN và không thể xem lại').waitFor();
  await page.getByRole('button', { name: 'Sao chép' }).click();
  await page.getByText('Đã sao chép mã.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), receipt);
  await page.getByRole('button', { name: 'In', exact: true }).waitFor();
  await b.check(page, 'tip-public-receipt-phone');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByRole('button', { name: 'Sao chép' }).isVisible(), false, 'buttons are not printed');
  assert.equal(await code.isVisible(), true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'tip-public-receipt-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await noReceiptStored(page);

  // shown once: "send another" brings back an empty form and the receipt is gone from the page
  await page.getByRole('button', { name: 'Gửi tin báo khác' }).click();
  await page.getByLabel('Sự việc').waitFor();
  assert.ok(!(await page.content()).includes(receipt));
  await page.context().close();
});

test('an officer of the commune sees the tip with its photo and replies', async () => {
  const list = await officer.get('/api/v1/tips');
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 1);
  tipId = list.body.data[0].id;
  const tip = await officer.get(`/api/v1/tips/${tipId}`);
  assert.equal(tip.body.data.description, DESCRIPTION);
  assert.equal(tip.body.data.anonymous, true);
  assert.equal(tip.body.data.category, 'drugs');
  assert.equal(Date.parse(tip.body.data.occurred_at), Date.parse('2026-11-28T21:30:00+07:00'));
  assert.equal(tip.body.data.address, 'Cuối ngõ 7 đường Trần Phú');
  assert.equal(tip.body.data.unit_id, groupId, 'the block picked');
  assert.equal(tip.body.data.files.length, 1);
  assert.equal(tip.body.data.files[0].mime, 'image/jpeg');
  const r = await officer.post(`/api/v1/tips/${tipId}/messages`, { body: REPLY });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

test('the citizen follows the tip with the receipt, reads the reply and answers', async () => {
  const page = await b.page(PHONE);
  watch(page);
  await page.goto(srv.url + '/theo-doi-tin-bao');
  await page.getByLabel('Mã tin báo').waitFor();
  await b.check(page, 'tip-follow-form-phone');

  // a mistyped receipt: short, then 16 digits of another
  await page.getByLabel('Mã tin báo').fill('1234 5678');
  await page.getByRole('button', { name: 'Xem tin báo' }).click();
  await page.getByText('Mã tin báo gồm đúng 16 chữ số.').waitFor();
  const digits = receipt.replace(/\D/g, '');
  const wrong = digits.slice(0, 15) + String((Number(digits[15]) + 1) % 10);
  await page.getByLabel('Mã tin báo').fill(wrong);
  await page.getByRole('button', { name: 'Xem tin báo' }).click();
  await page.getByText('Không có tin báo nào với mã này').waitFor();

  // the right one, with other spacing
  await page.getByLabel('Mã tin báo').fill(`${digits.slice(0, 2)} ${digits.slice(2, 9)}-${digits.slice(9)} `);
  await page.getByRole('button', { name: 'Xem tin báo' }).click();
  await page.getByRole('heading', { name: 'Tin báo của bạn' }).waitFor();
  await page.getByText('Đã tiếp nhận, đang chờ xử lý').waitFor();
  await page.locator('.tip-facts').getByText('Ma túy').waitFor();
  const reply = page.locator('.msg-officer');
  await reply.getByText(REPLY).waitFor();
  assert.match(await reply.locator('.msg-who').textContent(), /^Công an · \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  await b.check(page, 'tip-follow-reply-phone');

  await page.getByLabel('Nhắn cho công an').fill('Tối nay họ lại tụ tập lúc 22 giờ.');
  await page.getByRole('button', { name: 'Gửi tin nhắn' }).click();
  await page.getByText('Đã gửi tin nhắn.').waitFor();
  await page.locator('.msg-citizen').getByText('Tối nay họ lại tụ tập lúc 22 giờ.').waitFor();
  const seen = await officer.get(`/api/v1/tips/${tipId}`);
  assert.deepEqual(seen.body.data.messages.map((m) => m.author), ['officer', 'citizen']);
  await b.check(page, 'tip-follow-answered-phone');
  await noReceiptStored(page);

  await page.getByRole('button', { name: 'Xong (ẩn tin báo khỏi màn hình)' }).click();
  await page.getByLabel('Mã tin báo').waitFor();
  assert.ok(!(await page.content()).includes(REPLY));
  await page.context().close();
});
