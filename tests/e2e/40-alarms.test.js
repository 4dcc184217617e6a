// The digital mõ in a real browser (Chromium), in Vietnamese. A household's phone (its own context,
// 360×740) opens its secret link /bao-dong#TOKEN — the token leaves the address bar and stays on the
// phone — and raises a fire alarm with a note and its location; a second press is added to the same
// alarm. A member of that block, on duty with a shared location (a second context), sees the alarm
// live in the banner, hears its gong pattern (WebAudio strikes counted by a spy, after "Bật âm thanh"
// when the browser holds sound back), acknowledges and says "Đang đến" in 5 minutes; the household's
// page shows it. The officer's alarm page shows the timeline and the nearest member with a distance,
// and resolves it; the household sees "Đã xử lý". Also: an officer enrols a household and sees the
// QR card once (the print shows the card alone), then revokes it and the card's link stops working; a
// page without a token says to ask the police for a card; an officer issues a public warning that
// appears under the citizen's pages and cancels it. axe-core on every page; screenshots in
// tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer } from '../api/lib/server.js';
import { openBrowser, PHONE, DESKTOP, ARTIFACTS } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const HOME = { latitude: 15.8801, longitude: 108.3301 };
const MEMBER_AT = { latitude: 15.8810, longitude: 108.3310 }; // about 135 m away
let srv;
let b;
let officer;
let communeId;
let blockId;

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  communeId = c.body.data.id;
  const k = await admin.post('/api/v1/units', { kind: 'block', code: 'KP1', name: 'Khối phố 1', parent_id: communeId });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  blockId = k.body.data.id;
  await admin.post('/api/v1/units', { kind: 'block', code: 'KP2', name: 'Khối phố 2', parent_id: communeId });
  srv.addUser('can.bo', PW, 'officer', 'VD');
  srv.addUser('thanh.vien', PW, 'member', 'KP1');
  srv.addUser('thanh.vien.kp2', PW, 'member', 'KP2');
  officer = await srv.login('can.bo', PW);
  b = await openBrowser();
});

after(async () => {
  if (b) await b.close();
  if (srv) await srv.stop();
});

// A page whose app asks for alarms every second (instead of 5 s) and counts the gong's WebAudio
// oscillators (two per strike) in window.__oscillators.
async function alarmPage(viewport) {
  const page = await b.page(viewport);
  await page.context().addInitScript(() => {
    localStorage.setItem('tiengmo.alarmsPollMs', '1000');
    localStorage.setItem('tiengmo.householdPollMs', '1000');
    window.__oscillators = 0;
    const AC = window.AudioContext;
    if (AC) {
      const orig = AC.prototype.createOscillator;
      AC.prototype.createOscillator = function spy() { window.__oscillators += 1; return orig.call(this); };
    }
  });
  return page;
}

async function logIn(page, username) {
  await page.goto(srv.url + '/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PW);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

async function enrol(label) {
  const r = await officer.post('/api/v1/enrolments', { unit_id: blockId, label, phone: '0905123456' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
}

test('a household raises a fire alarm; a member of the block answers it live; the officer sees the timeline', async () => {
  const card = await enrol('Hộ ông Nguyễn Văn An, số 12 ngõ 7');

  // the member: on duty, location shared, waiting on the alarms page
  const member = await alarmPage(PHONE);
  // what reaches the member's EventSource (DevTools), and the answers to its stream requests
  const cdp = await member.context().newCDPSession(member);
  await cdp.send('Network.enable');
  const sse = [];
  cdp.on('Network.eventSourceMessageReceived', (e) => sse.push(e.eventName));
  const streamAnswers = [];
  member.on('response', (r) => { if (new URL(r.url()).pathname === '/api/v1/stream') streamAnswers.push(r.status()); });
  await member.context().grantPermissions(['geolocation'], { origin: srv.url });
  await member.context().setGeolocation(MEMBER_AT);
  await logIn(member, 'thanh.vien');
  await member.getByRole('link', { name: 'Báo động' }).click();
  await member.getByRole('heading', { name: 'Báo động', level: 1 }).waitFor();
  await member.getByText('Không có báo động nào đang mở.').waitFor();
  const duty = member.getByRole('switch', { name: 'Tôi đang trực' });
  await duty.check();
  await member.getByText('Đã bật trực.').waitFor();
  await member.getByRole('button', { name: 'Chia sẻ vị trí của tôi' }).click();
  await member.getByText('Đã chia sẻ vị trí.').waitFor();
  await member.getByText(/Đang trực, vị trí cập nhật lúc/).waitFor();
  await b.check(member, 'alarms-member-duty-phone');
  // then elsewhere in the app: the banner follows the member on every page, over the event stream
  await member.getByRole('link', { name: 'Trang chủ' }).click();
  await member.locator('html[data-stream="open"]').waitFor({ state: 'attached' });
  // the app made its API calls on keep-alive connections before opening the stream; Chromium sends the
  // stream request on one of those when it is idle, and the server sends it on (307) to a fresh
  // connection, so the open stream is on the small-pool stream daemon, not the main one
  const metrics = (await officer.get('/metrics')).text;
  assert.match(metrics, /tiengmo_open_streams_by_daemon\{daemon="stream"\} 1\n/, metrics);
  assert.match(metrics, /tiengmo_open_streams_by_daemon\{daemon="main"\} 0\n/);
  assert.equal(streamAnswers.at(-1), 200);
  const redirects = Number(metrics.match(/tiengmo_stream_redirects_total (\d+)/)[1]);
  assert.equal(streamAnswers.filter((s) => s === 307).length, redirects, 'every redirect was followed');
  console.log(`# stream requests answered ${streamAnswers.join(', ')} (redirects ${redirects})`);

  // a member of another block is on duty too, and must never see this alarm
  const other = await alarmPage(DESKTOP);
  await logIn(other, 'thanh.vien.kp2');

  // the household: the secret link, on a phone
  const home = await alarmPage(PHONE);
  await home.context().grantPermissions(['geolocation'], { origin: srv.url });
  await home.context().setGeolocation(HOME);
  const seen = [];
  home.on('request', (r) => seen.push(new URL(r.url()).pathname));
  await home.goto(srv.url + card.url);
  await home.getByRole('heading', { name: 'Báo động (mõ của nhà)', level: 1 }).waitFor();
  assert.equal(new URL(home.url()).hash, '', 'the token left the address bar');
  assert.equal(await home.evaluate(() => localStorage.getItem('tiengmo.alarmToken')), card.token, 'kept on the phone');
  assert.ok(!seen.includes('/api/v1/me'), 'the household page asked who is logged in');
  for (const name of ['Cháy', 'Cướp', 'Trộm', 'Đánh nhau', 'Cấp cứu', 'Lũ lụt, bão', 'Việc khác']) {
    const btn = home.getByRole('button', { name });
    const box = await btn.boundingBox();
    assert.ok(box && box.height >= 64, `a large button for ${name}`);
  }
  await b.check(home, 'alarm-household-phone');

  // a reload still knows the household (the token is kept, the address has none)
  await home.reload();
  await home.getByRole('button', { name: 'Cháy' }).waitFor();

  await home.getByLabel('Ghi chú thêm (không bắt buộc)').fill('Cháy ở bếp, khói nhiều');
  await home.getByRole('button', { name: 'Dùng vị trí của tôi' }).click();
  await home.getByText('Sẽ gửi kèm vị trí của điện thoại.').waitFor();
  await home.getByRole('button', { name: 'Cháy' }).click();
  await home.getByRole('heading', { name: 'Đã báo động', level: 1 }).waitFor();
  await home.getByText('Đã gửi. Đang chờ người nhận…').waitFor();
  await b.check(home, 'alarm-household-sent-phone');

  // a second press within a minute is the same alarm
  await home.getByRole('button', { name: 'Bấm thêm lần nữa' }).click();
  await home.getByText('Đã thêm vào báo động đang mở (bấm 2 lần).').waitFor();
  const open = await officer.get('/api/v1/alarms?status=open');
  assert.equal(open.body.data.length, 1, 'one alarm, not two');
  assert.equal(open.body.data[0].presses, 2);
  assert.equal(open.body.data[0].note, 'Cháy ở bếp, khói nhiều');
  const alarmId = open.body.data[0].id;

  // the member sees it without reloading, with its gong; it came over the stream
  const banner = member.getByRole('region', { name: /Báo động đang mở: 1/ });
  await banner.waitFor();
  for (let i = 0; i < 100 && !sse.includes('alarm.raised'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(sse.includes('alarm.raised'), `the stream carried the alarm; it carried ${sse.join(', ')}`);
  await banner.getByText('Cháy', { exact: true }).waitFor();
  await banner.getByText('Khối phố 1').first().waitFor();
  await banner.getByText('Chưa có người nhận').waitFor();
  const unlock = member.getByRole('button', { name: 'Bật âm thanh' });
  await member.waitForFunction(() => window.__oscillators > 0 || !!document.querySelector('.gong-unlock'));
  if (await unlock.count()) await unlock.click();
  // fire is "5": five strikes, played twice, two partials each
  await member.waitForFunction(() => window.__oscillators >= 20);
  assert.equal(await member.evaluate(() => window.__oscillators), 20, 'the fire pattern, twice');
  assert.equal(await member.getByRole('switch', { name: 'Tắt tiếng mõ' }).first().isChecked(), false);
  await b.check(member, 'alarm-banner-member-phone');

  await banner.getByRole('button', { name: 'Đã nhận' }).click();
  await banner.getByText('Đã có người nhận').waitFor();
  await banner.getByLabel('Mấy phút nữa đến').fill('5');
  await banner.getByRole('button', { name: 'Đang đến' }).click();
  await banner.getByText('Đang đến, khoảng 5 phút').waitFor();

  // the household reads that someone is coming
  await home.getByText('Đang có người đến, khoảng 5 phút').waitFor();
  await home.getByText('Đã có người nhận').waitFor();
  await b.check(home, 'alarm-household-coming-phone');

  // the other block's member never had it
  await b.settled(other);
  assert.equal(await other.getByRole('region', { name: /Báo động đang mở/ }).count(), 0);
  await other.goto(srv.url + '/alarms');
  await other.getByText('Không có báo động nào đang mở.').waitFor();

  // the officer's alarm page: the timeline, the household and its phone, the nearest member
  const desk = await alarmPage(DESKTOP);
  await logIn(desk, 'can.bo');
  await desk.getByRole('region', { name: /Báo động đang mở: 1/ }).waitFor();
  await desk.getByRole('link', { name: 'Báo động', exact: true }).click();
  await desk.getByRole('main').getByRole('link', { name: 'Cháy — Khối phố 1' }).click();
  await desk.getByRole('heading', { name: 'Cháy — Khối phố 1', level: 1 }).waitFor();
  assert.equal(new URL(desk.url()).pathname, `/alarms/${alarmId}`);
  const steps = desk.locator('.alarm-steps li');
  await steps.nth(3).waitFor();
  assert.deepEqual(await steps.locator('strong').allTextContents(), [
    'Hộ gia đình báo động',
    'Hộ gia đình bấm thêm lần nữa',
    'thanh.vien đã nhận',
    'thanh.vien đang đến, khoảng 5 phút',
  ]);
  await desk.getByText('Hộ ông Nguyễn Văn An, số 12 ngõ 7').first().waitFor();
  await desk.getByRole('link', { name: '0905123456' }).waitFor();
  const near = desk.locator('.nearest li');
  assert.equal(await near.count(), 1);
  const nearText = await near.first().textContent();
  assert.match(nearText, /^thanh\.vien \d{2,3} m$/);
  const metres = Number(nearText.match(/(\d+) m$/)[1]);
  assert.ok(metres > 100 && metres < 170, `distance ${metres} m`);
  await desk.getByRole('link', { name: /Xem trên bản đồ \(15\.8801, 108\.3301\)/ }).waitFor();
  await b.check(desk, 'alarm-officer-timeline-desktop');

  await desk.getByRole('main').getByRole('button', { name: 'Đã xử lý xong' }).click();
  await desk.getByRole('main').getByText('Đã xử lý', { exact: true }).waitFor();
  await home.getByRole('heading', { name: 'Báo động đã xong', level: 1 }).waitFor();
  await home.getByText('Đã xử lý', { exact: true }).first().waitFor();
  await member.getByRole('region', { name: /Báo động đang mở/ }).waitFor({ state: 'detached' });
  await b.check(home, 'alarm-household-done-phone');
  await Promise.all([home, member, other, desk].map((p) => p.context().close()));
});

test('an officer enrols a household: the QR card is shown once and prints alone; revoked, its link stops', async () => {
  const page = await alarmPage(PHONE);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  await logIn(page, 'can.bo');
  // one entry in the menu for the alarm; households and warnings are its section's links
  await page.getByRole('navigation').first().getByRole('link', { name: 'Báo động', exact: true }).click();
  await page.getByRole('link', { name: 'Hộ có mõ' }).click();
  await page.getByRole('heading', { name: 'Hộ có mõ', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Cấp thẻ' }).click();
  await page.getByText('Hãy chọn khối phố hoặc tổ dân phố.').waitFor();
  await page.getByText('Hãy ghi tên hộ.').waitFor();
  await page.getByLabel('Khối phố, tổ dân phố').selectOption({ label: 'Khối phố 1' });
  await page.getByLabel('Tên hộ').fill('Hộ bà Trần Thị Bình');
  await page.getByLabel('Điện thoại liên hệ (không bắt buộc)').fill('0912345678');
  await page.getByRole('button', { name: 'Cấp thẻ' }).click();

  await page.getByRole('heading', { name: 'Thẻ báo động của Hộ bà Trần Thị Bình' }).waitFor();
  await page.getByText('chỉ hiện MỘT LẦN').waitFor();
  const qr = page.getByRole('img', { name: 'Mã QR báo động của Hộ bà Trần Thị Bình' });
  await qr.waitFor();
  assert.ok((await qr.evaluate((img) => img.naturalWidth)) > 0, 'the QR image draws');
  const link = (await page.locator('.qr-card-link').textContent()).trim();
  assert.match(link, new RegExp(`^${srv.url.replace(/[.]/g, '\\.')}/bao-dong#[A-Za-z0-9_-]{20,}$`));
  const token = link.split('#')[1];
  await page.getByRole('button', { name: 'Sao chép' }).click();
  await page.getByText('Đã sao chép.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await b.check(page, 'enrol-card-phone');

  // printed: the card alone (household, block, QR, what to do)
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.qr-card').isVisible(), true);
  assert.equal(await qr.isVisible(), true);
  for (const hidden of [page.getByRole('button', { name: 'In thẻ' }), page.getByRole('heading', { name: 'Các hộ đã cấp thẻ' }),
    page.getByRole('button', { name: 'Đăng xuất' }), page.getByText('chỉ hiện MỘT LẦN')]) {
    assert.equal(await hidden.isVisible(), false, 'only the card is printed');
  }
  await page.locator('.qr-card').getByText('quét mã này bằng camera điện thoại').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'enrol-card-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // once: after "Xong" the token is nowhere on the page
  await page.getByRole('button', { name: 'Xong (ẩn khỏi màn hình)' }).click();
  await page.getByRole('heading', { name: 'Cấp thẻ cho hộ' }).waitFor();
  assert.ok(!(await page.content()).includes(token), 'the token is gone from the page');
  const row = page.locator('.record-list li', { hasText: 'Hộ bà Trần Thị Bình' });
  await row.getByText(/ĐT •+678/).waitFor();
  assert.ok(!(await row.textContent()).includes('0912345678'), 'the phone is masked in the list');
  await b.check(page, 'enrol-list-phone');

  // the card works until it is revoked
  const home = await b.page(PHONE);
  await home.goto(`${srv.url}/bao-dong#${token}`);
  await home.getByRole('button', { name: 'Trộm' }).waitFor();

  await row.getByRole('button', { name: 'Thu hồi thẻ của Hộ bà Trần Thị Bình' }).click();
  await row.getByText('Thu hồi thẻ của Hộ bà Trần Thị Bình? Đường dẫn sẽ ngừng hoạt động ngay.').waitFor();
  await row.getByRole('button', { name: 'Thu hồi', exact: true }).click();
  await row.getByText('Đã thu hồi').waitFor();
  assert.equal(await row.getByRole('button', { name: /Thu hồi/ }).count(), 0);

  await home.getByRole('button', { name: 'Trộm' }).click();
  await home.getByText('Thẻ báo động này đã bị thu hồi hoặc không đúng.').waitFor();
  await home.getByRole('link', { name: '113' }).waitFor();
  await b.check(home, 'alarm-household-revoked-phone');

  // a phone with no card at all
  const bare = await b.page(PHONE);
  const sizes = [];
  bare.on('requestfinished', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) sizes.push(r.sizes().then((x) => x.responseBodySize + x.responseHeadersSize));
  });
  await bare.goto(`${srv.url}/bao-dong`, { waitUntil: 'networkidle' });
  await bare.getByText('Điện thoại này chưa có thẻ báo động của nhà bạn.').waitFor();
  const firstLoad = (await Promise.all(sizes)).reduce((a, n) => a + n, 0);
  console.log(`first load of /bao-dong: ${firstLoad} bytes on the wire (gzip, headers included)`);
  assert.ok(firstLoad > 10000 && firstLoad < 100 * 1024, `first load ${firstLoad} bytes (budget 100 KB)`);
  await bare.getByText(/để được cấp thẻ \(mã QR\)/).waitFor();
  assert.equal(await bare.getByRole('button', { name: 'Cháy' }).count(), 0);
  await b.check(bare, 'alarm-household-no-card-phone');
  await Promise.all([page, home, bare].map((p) => p.context().close()));
});

test('an officer issues a public warning; it shows under the citizen pages until cancelled', async () => {
  const page = await alarmPage(DESKTOP);
  await logIn(page, 'can.bo');
  await page.getByRole('navigation').first().getByRole('link', { name: 'Báo động', exact: true }).click();
  await page.getByRole('link', { name: 'Cảnh báo' }).click();
  await page.getByRole('heading', { name: 'Cảnh báo', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Phát cảnh báo' }).click();
  await page.getByText('Hãy chọn loại cảnh báo.').waitFor();
  await page.getByLabel('Phạm vi').selectOption({ label: 'Phường Vĩnh Điện' });
  await page.getByLabel('Loại cảnh báo').selectOption({ label: 'Lừa đảo qua điện thoại, mạng' });
  await page.getByLabel('Mức độ').selectOption({ label: 'Nghiêm trọng' });
  await page.getByLabel('Tiêu đề').fill('Cảnh giác cuộc gọi giả danh công an');
  await page.getByLabel('Nội dung').fill('Nhiều người nhận cuộc gọi giả danh công an yêu cầu chuyển tiền.');
  await page.getByLabel('Người dân cần làm gì (không bắt buộc)').fill('Không chuyển tiền; gọi 113 hoặc báo công an phường.');
  await page.getByRole('button', { name: 'Phát cảnh báo' }).click();
  await page.getByText('Đã phát cảnh báo.').waitFor();
  const row = page.locator('.record-list li', { hasText: 'Cảnh giác cuộc gọi giả danh công an' });
  await row.waitFor();
  await b.check(page, 'warnings-officer-desktop');

  const citizen = await b.page(PHONE);
  await citizen.goto(`${srv.url}/gui-tin-bao`);
  const box = citizen.getByRole('region', { name: 'Cảnh báo của công an phường' });
  await box.getByText('Cảnh giác cuộc gọi giả danh công an').waitFor();
  await box.getByText('Không chuyển tiền; gọi 113 hoặc báo công an phường.').waitFor();
  await b.check(citizen, 'warnings-public-phone');

  await row.getByRole('button', { name: 'Hủy cảnh báo "Cảnh giác cuộc gọi giả danh công an"' }).click();
  await row.getByRole('button', { name: 'Hủy cảnh báo', exact: true }).click();
  await row.getByText('Đã hủy').waitFor();
  await citizen.reload();
  await citizen.getByLabel('Loại tin').waitFor();
  await citizen.waitForLoadState('networkidle');
  assert.equal(await citizen.getByRole('region', { name: 'Cảnh báo của công an phường' }).count(), 0);
  await Promise.all([page, citizen].map((p) => p.context().close()));
});

test('an installation admin opens a restricted CAP feed for a partner and adds a webhook, each secret shown once', async () => {
  const page = await alarmPage(DESKTOP);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  await logIn(page, 'root');
  await page.getByRole('navigation').first().getByRole('link', { name: 'Báo động', exact: true }).click();
  await page.getByRole('link', { name: 'Cảnh báo', exact: true }).click();
  await page.getByRole('link', { name: 'Kết nối cảnh báo: nguồn tin CAP và webhook' }).click();
  await page.getByRole('heading', { name: 'Kết nối cảnh báo', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Khóa API' }).waitFor();

  await page.getByLabel('Tên (hệ thống nhận)').fill('Tổng đài 113 tỉnh');
  await page.getByLabel('Phường, xã').first().selectOption({ label: 'Phường Vĩnh Điện' });
  await page.getByRole('button', { name: 'Tạo mã nguồn tin' }).click();
  const feed = (await page.locator('.once-value').textContent()).trim();
  assert.match(feed, /\/cap\/restricted\/[A-Za-z0-9_-]{20,}\.atom$/);
  const atom = await fetch(feed);
  assert.equal(atom.status, 200, 'the feed address opens the restricted feed');
  assert.match(atom.headers.get('content-type'), /atom\+xml/);
  await b.check(page, 'alert-settings-feed-desktop');
  await page.getByRole('button', { name: 'Xong (ẩn khỏi màn hình)' }).click();
  assert.ok(!(await page.content()).includes(feed.split('/').pop()), 'the token is shown once');
  await page.locator('.record-list li', { hasText: 'Tổng đài 113 tỉnh' }).getByText('Phường Vĩnh Điện').waitFor();

  await page.getByLabel('Địa chỉ nhận (https://…)').fill('https://sms.example.org/tiengmo');
  await page.getByRole('button', { name: 'Thêm webhook' }).click();
  const secret = (await page.locator('.once-value').textContent()).trim();
  assert.ok(secret.length >= 20, 'a signing secret');
  await page.getByRole('button', { name: 'Xong (ẩn khỏi màn hình)' }).click();
  const hook = page.locator('.record-list li', { hasText: 'https://sms.example.org/tiengmo' });
  await hook.getByText('alarm.*').waitFor();
  assert.ok(!(await page.content()).includes(secret), 'the secret is shown once');
  await hook.getByText('Các lần gửi gần đây').click();
  await hook.getByText('Chưa gửi lần nào.').waitFor();
  await b.check(page, 'alert-settings-desktop');
  await hook.getByRole('button', { name: 'Xóa webhook https://sms.example.org/tiengmo' }).click();
  await hook.getByRole('button', { name: 'Xóa', exact: true }).click();
  await hook.waitFor({ state: 'detached' });
  await page.context().close();
});
