// The officer's tip inbox in a real browser (Chromium), in Vietnamese. An officer has "Tin báo" open
// (its event stream connected: no polling, see web/README.md); a citizen sends a tip through the
// public API; it arrives over the stream and appears in the inbox without a reload, with "1 tin báo
// mới". The officer opens it,
// is offered only the moves the state machine allows from "Mới", starts verifying (on the phone another
// officer resolves it meanwhile and the open page follows live), replies (the
// citizen reads the reply with the receipt), opens a new case from the tip and finds the tip on the
// case's page; the tip's history tab and the cases page with its counts are shown. On the desktop and
// the phone viewport. Then an identified tip with a photo: the photo shows, the identity only after a
// reason; the search without tones finds it; it is marked a duplicate of the first tip. Every page is
// checked with axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, DESKTOP, PHONE } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
let srv;
let b;
let officer;
let citizen;
let firstTipId;

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const ids = {};
  for (const [kind, code, name, parent] of [['province', 'QN', 'Tỉnh Quảng Nam'], ['commune', 'VD', 'Phường Vĩnh Điện', 'QN'],
    ['block', 'KPA', 'Khối phố An Hòa', 'VD']]) {
    const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids[code] = res.body.data.id;
  }
  srv.addUser('can.bo.vd', PW, 'officer', 'VD');
  officer = await srv.login('can.bo.vd', PW);
  citizen = srv.client();
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

async function journey(viewport, name, description, race = false) {
  const page = await b.page(viewport);
  await logIn(page, 'can.bo.vd');
  await page.goto(`${srv.url}/tips`);
  await page.getByRole('heading', { name: 'Tin báo', level: 1 }).waitFor();
  await page.locator('.tip-list, .card p').first().waitFor();
  await page.locator('html[data-stream="open"]').waitFor({ state: 'attached' }); // the live stream is open
  await page.evaluate(() => { window.__sameDocument = true; });
  await b.check(page, `${name}-tip-inbox`);

  // a citizen sends a tip while the inbox is open: it arrives without a reload
  const sent = await citizen.post('/api/v1/public/tips', { category: 'drugs', description, address: 'Cuối kiệt 7 Trần Phú' });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const { id, receipt } = sent.body.data;
  if (!firstTipId) firstTipId = id;
  const row = page.locator('.tip-list li', { hasText: description });
  await row.waitFor();
  await page.getByRole('status').filter({ hasText: '1 tin báo mới' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  assert.equal(await row.locator('.badge').first().textContent(), 'Mới');
  await b.check(page, `${name}-tip-inbox-new`);

  // the tip: only the moves allowed from "new"
  await row.getByRole('link').click();
  await page.getByRole('heading', { name: `Tin báo #${id} — Ma túy`, level: 1 }).waitFor();
  await page.getByText('Cuối kiệt 7 Trần Phú').waitFor();
  const handling = page.locator('.card', { has: page.getByRole('heading', { name: 'Xử lý' }) });
  const offered = await handling.locator('.actions button').allTextContents();
  assert.deepEqual(offered, ['Bắt đầu xác minh', 'Trùng tin khác…']);
  await b.check(page, `${name}-tip-page`);
  await handling.getByRole('button', { name: 'Bắt đầu xác minh' }).click();
  await handling.locator('.badge', { hasText: 'Đang xác minh' }).waitFor();
  assert.deepEqual(await handling.locator('.actions button').allTextContents(),
    ['Đã chuyển cơ quan khác', 'Đã giải quyết', 'Không có cơ sở', 'Trùng tin khác…']);
  assert.equal((await officer.get(`/api/v1/tips/${id}`)).body.data.status, 'verifying');
  if (race) {
    // another officer resolves it meanwhile: the open page follows at once over the event stream
    // (no reload), and only the move allowed from "Đã giải quyết" is offered
    const other = await officer.patch(`/api/v1/tips/${id}`, { status: 'resolved' });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    await handling.locator('.badge', { hasText: 'Đã giải quyết' }).waitFor();
    await handling.locator('.actions button', { hasText: 'Không có cơ sở' }).waitFor({ state: 'detached' });
    assert.deepEqual(await handling.locator('.actions button').allTextContents(), ['Bắt đầu xác minh']);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
    await b.check(page, `${name}-tip-moved-elsewhere`);
    await handling.getByRole('button', { name: 'Bắt đầu xác minh' }).click();
    await handling.locator('.badge', { hasText: 'Đang xác minh' }).waitFor();
  }

  // assigned to the officer, picked from the accounts that may work on tips
  const assign = page.getByLabel('Giao cho cán bộ');
  await assign.locator('option', { hasText: 'can.bo.vd' }).waitFor({ state: 'attached' });
  assert.deepEqual(await assign.locator('option').allTextContents(), ['Chưa giao ai', 'can.bo.vd']);
  await assign.selectOption({ label: 'can.bo.vd' });
  await page.locator('.history', { hasText: 'Giao xử lý: can.bo.vd' }).waitFor();
  assert.equal((await officer.get(`/api/v1/tips/${id}`)).body.data.assigned_username, 'can.bo.vd');

  // a reply, read by the citizen with the receipt
  const reply = `Cảm ơn anh/chị, công an phường đang xác minh (${name}).`;
  await page.getByLabel('Trả lời người báo').fill(reply);
  await page.getByRole('button', { name: 'Gửi trả lời' }).click();
  await page.locator('.messages .msg-body', { hasText: reply }).waitFor();
  const look = await citizen.post('/api/v1/public/tips/lookup', { receipt });
  assert.equal(look.status, 200, JSON.stringify(look.body));
  assert.deepEqual(look.body.data.messages.map((m) => m.body), [reply]);
  assert.equal(look.body.data.status, 'verifying');

  // a new case opened from the tip, linked to it
  const caseCard = page.locator('.card', { has: page.getByRole('heading', { name: 'Vụ việc', exact: true }) });
  await caseCard.getByRole('button', { name: 'Mở vụ việc mới' }).click();
  await caseCard.getByLabel('Loại vụ việc').selectOption({ label: 'Tệ nạn xã hội' });
  assert.equal(await caseCard.getByLabel('Nguồn').inputValue(), 'tip');
  await b.check(page, `${name}-tip-new-case`);
  await caseCard.getByRole('button', { name: 'Tạo vụ việc' }).click();
  const caseLink = caseCard.getByRole('link', { name: /^Vụ việc #\d+$/ });
  await caseLink.waitFor();
  const tip = (await officer.get(`/api/v1/tips/${id}`)).body.data;
  assert.ok(tip.case_id, 'the tip is linked to a case');
  await page.locator('.history', { hasText: 'Gắn vào vụ việc' }).waitFor();
  await b.check(page, `${name}-tip-linked`);

  // the case lists the tip
  await caseLink.click();
  await page.getByRole('heading', { name: `Vụ việc #${tip.case_id} — Tệ nạn xã hội`, level: 1 }).waitFor();
  await page.getByRole('link', { name: `Tin báo #${id} — Ma túy` }).waitFor();
  await b.check(page, `${name}-case-page`);

  // the tip's history, from the audit log
  await page.goto(`${srv.url}/tips/${id}?tab=history`);
  await page.locator('.history').getByText('Cán bộ trả lời người báo').waitFor();
  const update = page.locator('.history > li', { hasText: 'Cập nhật tin báo' }).last();
  await update.getByText('Trạng thái: Đang xác minh').waitFor();
  await b.check(page, `${name}-tip-history`);

  // the cases with their counts by month
  await page.goto(`${srv.url}/cases`);
  await page.getByRole('link', { name: `Vụ việc #${tip.case_id} — Tệ nạn xã hội` }).waitFor();
  await page.locator('table').getByRole('columnheader', { name: 'Tệ nạn xã hội' }).waitFor();
  await b.check(page, `${name}-cases`);
  await page.context().close();
}

test('an officer sees a tip arrive live, verifies it, replies and opens a case (desktop)', async () => {
  await journey(DESKTOP, 'desktop', 'Có người bán ma túy ở cuối kiệt 7 vào ban đêm, thường sau 22 giờ');
});

test('the same on a phone, where another officer moves the tip meanwhile and the open page follows live', async () => {
  await journey(PHONE, 'phone', 'Nhóm thanh niên tụ tập hút chích ở bãi đất trống sau chợ', true);
});

test('an identified tip with a photo: the photo shows, the identity only after a reason', async () => {
  const page = await b.page(DESKTOP);
  await logIn(page, 'can.bo.vd');
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 48, height: 32 } });
  const fd = new FormData();
  fd.append('tip', JSON.stringify({ category: 'theft', description: 'Mất xe máy trước nhà số 5 Lê Lợi', anonymous: false,
    identity: { name: 'Phan Thị Hoa', phone: '0905123456' } }));
  fd.append('files', new Blob([png], { type: 'image/png' }), 'xe.png');
  const res = await fetch(srv.url + '/api/v1/public/tips', { method: 'POST', body: fd });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  const { id } = JSON.parse(text).data;

  await page.goto(`${srv.url}/tips/${id}`);
  const photo = page.getByRole('img', { name: 'Ảnh 1 kèm tin báo' });
  await photo.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('.tip-photos img'); return i && i.complete; });
  assert.ok(await photo.evaluate((i) => i.naturalWidth > 0), 'the photo loads from /api/v1/tips/{id}/files/{file}');
  assert.equal(await page.getByText('Phan Thị Hoa').count(), 0, 'no identity before the reveal');
  await page.getByRole('button', { name: 'Xem danh tính' }).click();
  const who = page.locator('.card', { has: page.getByRole('heading', { name: 'Danh tính người báo' }) });
  await who.getByRole('button', { name: 'Xem danh tính' }).click();
  await who.getByText('Không được để trống.').waitFor();
  await who.getByLabel('Lý do cần xem').fill('xem');
  await who.getByRole('button', { name: 'Xem danh tính' }).click();
  await who.getByText('Hãy ghi lý do cần xem danh tính, ít nhất 5 ký tự.').waitFor();
  assert.equal(await who.getByLabel('Lý do cần xem').getAttribute('aria-invalid'), 'true');
  await b.check(page, 'desktop-tip-reveal-reason');
  await who.getByLabel('Lý do cần xem').fill('Cần liên hệ người báo để lấy lời khai');
  await who.getByRole('button', { name: 'Xem danh tính' }).click();
  await who.getByText('Phan Thị Hoa').waitFor();
  await who.getByText('0905123456').waitFor();
  await b.check(page, 'desktop-tip-revealed');
  await page.goto(`${srv.url}/tips/${id}?tab=history`);
  await page.locator('.history li', { hasText: 'Xem danh tính người báo' }).getByText('Cần liên hệ người báo để lấy lời khai').waitFor();

  // the inbox's search ignores tones: "xe may" finds "xe máy" and nothing else
  await page.goto(`${srv.url}/tips`);
  await page.getByLabel('Tìm trong nội dung').fill('xe may');
  await page.getByRole('button', { name: 'Lọc' }).click();
  await page.waitForURL(/q=xe\+may|q=xe%20may/);
  // the filtered list holds that one tip only (waits for it to replace the full list)
  await page.waitForFunction((want) => {
    const got = [...document.querySelectorAll('.tip-list .record-title')].map((a) => a.textContent);
    return got.length === 1 && got[0] === want;
  }, `Tin báo #${id} — Trộm cắp, cướp giật`);
  await page.getByLabel('Trạng thái').selectOption({ label: 'Đã giải quyết' });
  await page.getByRole('button', { name: 'Lọc' }).click();
  await page.getByText('Không có tin báo nào.').waitFor();

  // marked as a duplicate of the first tip, picked from the list
  await page.goto(`${srv.url}/tips/${id}`);
  const handling = page.locator('.card', { has: page.getByRole('heading', { name: 'Xử lý' }) });
  await handling.getByRole('button', { name: 'Trùng tin khác…' }).click();
  await handling.getByLabel('Trùng với tin báo').selectOption(String(firstTipId));
  await b.check(page, 'desktop-tip-duplicate-picker');
  await handling.getByRole('button', { name: 'Đánh dấu trùng' }).click();
  await handling.locator('.badge', { hasText: 'Trùng' }).waitFor();
  await page.locator('.facts').getByRole('link', { name: `Tin báo #${firstTipId}` }).waitFor();
  assert.equal((await officer.get(`/api/v1/tips/${id}`)).body.data.duplicate_of, firstTipId);
  await page.context().close();
});

test('a case opened on the cases page: created, its status changed, its history', async () => {
  const page = await b.page(PHONE);
  await logIn(page, 'can.bo.vd');
  await page.goto(`${srv.url}/cases`);
  await page.getByRole('heading', { name: 'Vụ việc', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Mở vụ việc' }).click();
  const form = page.locator('form.case-form');
  await form.getByRole('button', { name: 'Tạo vụ việc' }).click();
  // nothing chosen: each missing field says so, in Vietnamese
  await form.locator('.field-error', { has: page.getByLabel('Loại vụ việc') }).waitFor();
  assert.equal(await form.getByLabel('Nguồn').getAttribute('aria-invalid'), 'true');
  await b.check(page, 'phone-case-form-errors');
  await form.getByLabel('Thuộc đơn vị').selectOption({ label: 'Khối phố An Hòa' });
  await form.getByLabel('Loại vụ việc').selectOption({ label: 'Mâu thuẫn, tranh chấp' });
  await form.getByLabel('Nguồn').selectOption({ label: 'Đến trình báo' });
  await form.getByLabel('Ngày xảy ra').fill('27/11/2026');
  await form.getByLabel('Nơi xảy ra').fill('Tổ 3, Khối phố An Hòa');
  await form.getByLabel('Tóm tắt').fill('Hai hộ tranh chấp lối đi chung, đã xô xát nhẹ');
  await form.getByRole('button', { name: 'Tạo vụ việc' }).click();
  await page.getByRole('heading', { name: /^Vụ việc #\d+ — Mâu thuẫn, tranh chấp$/, level: 1 }).waitFor();
  const caseId = Number(page.url().split('/').pop());
  const c = (await officer.get(`/api/v1/cases/${caseId}`)).body.data;
  assert.equal(c.source, 'walk_in');
  assert.equal(c.place, 'Tổ 3, Khối phố An Hòa');
  await page.getByText('27/11/2026').waitFor();

  await page.getByLabel('Trạng thái', { exact: true }).selectOption({ label: 'Đang xác minh' });
  await page.locator('.facts .badge', { hasText: 'Đang xác minh' }).waitFor();
  assert.equal((await officer.get(`/api/v1/cases/${caseId}`)).body.data.status, 'investigating');
  await b.check(page, 'phone-case-page');
  await page.getByRole('link', { name: 'Lịch sử' }).click();
  await page.locator('.history').getByText('Mở vụ việc').waitFor();
  await page.locator('.history').getByText('Sửa vụ việc').waitFor();
  await b.check(page, 'phone-case-history');
  await page.context().close();
});
