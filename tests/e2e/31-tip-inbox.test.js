// The officer's tip inbox in a real browser (Chromium), in Vietnamese. An officer has "Tin báo" open
// (the poll shortened to 1 s with ?poll_ms=1000, see web/README.md); a citizen sends a tip through
// the public API; it appears in the inbox without a reload, with "1 tin báo mới". The officer opens it,
// is offered only the moves the state machine allows from "Mới", starts verifying, replies (the
// citizen reads the reply with the receipt), opens a new case from the tip and finds the tip on the
// case's page; the tip's history tab and the cases page with its counts are shown. On the desktop and
// the phone viewport; every page is checked with axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, DESKTOP, PHONE } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
let srv;
let b;
let officer;
let citizen;

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

async function journey(viewport, name, description) {
  const page = await b.page(viewport);
  await logIn(page, 'can.bo.vd');
  await page.goto(`${srv.url}/tips?poll_ms=1000`);
  await page.getByRole('heading', { name: 'Tin báo', level: 1 }).waitFor();
  await page.locator('.tip-list, .card p').first().waitFor();
  await page.evaluate(() => { window.__sameDocument = true; });
  await b.check(page, `${name}-tip-inbox`);

  // a citizen sends a tip while the inbox is open: it arrives without a reload
  const sent = await citizen.post('/api/v1/public/tips', { category: 'drugs', description, address: 'Cuối kiệt 7 Trần Phú' });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const { id, receipt } = sent.body.data;
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
  await page.locator('.history').getByText('Cập nhật tin báo').first().waitFor();
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

test('the same on a phone', async () => {
  await journey(PHONE, 'phone', 'Nhóm thanh niên tụ tập hút chích ở bãi đất trống sau chợ');
});
