// Patrols in a real browser, in Vietnamese: a security & order team's leader opens next week's roster,
// adds a night shift, puts two members on two slots and saves; after a reload the week still shows
// them. The leader makes a calendar link (shown once; its address serves iCalendar until revoked),
// plans tonight's patrol with the police and one member and starts it. The member, on a phone in a
// second browser context, finds the duty and the open patrol under "Lịch trực của tôi" and presses
// the big "Điểm danh", then asks to hand a duty to another member, which the leader approves; the
// leader sees the check-in. Last, a violation record without a legal basis is refused with that field
// marked, then recorded with it, and the period's figures count it. Every page is checked with
// axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/lib/server.js';
import { openBrowser, PHONE, DESKTOP } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const TEAM = 'Tổ bảo vệ ANTT Khối phố 1';
let srv;
let b;
let teamId;

const WEEKDAYS = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];

// Next week's Monday and Wednesday in Vietnam as "dd/mm/yyyy", and today the same way.
function days() {
  const local = new Date(Date.now() + 7 * 3600000);
  const dow = (local.getUTCDay() + 6) % 7;
  const monday = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - dow + 7);
  const text = (ms) => new Date(ms).toISOString().slice(0, 10).split('-').reverse().join('/');
  return { mon: text(monday), wed: text(monday + 2 * 86400000), today: text(local.getTime()) };
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const post = async (p, body) => {
    const r = await admin.post(p, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.data;
  };
  const prov = await post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const ward = await post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: prov.id });
  const block = await post('/api/v1/units', { kind: 'block', code: 'KP1', name: 'Khối phố 1', parent_id: ward.id });
  const team = await post('/api/v1/teams', { unit_id: block.id, kind: 'security_order', name: TEAM });
  teamId = team.id;
  const people = {};
  for (const [key, full_name, gender, role] of [['lead', 'Trần Văn Lâm', 'male', 'leader'], ['an', 'Nguyễn Văn An', 'male', 'member'],
    ['binh', 'Lê Thị Bình', 'female', 'deputy']]) {
    people[key] = (await post('/api/v1/people', { unit_id: block.id, full_name, gender, birth_year: 1980 })).id;
    await post(`/api/v1/teams/${team.id}/members`, { person_id: people[key], role, term_from: '2020-01-01' });
  }
  await post('/api/v1/organisations', { unit_id: ward.id, kind: 'police', name: 'Công an phường Vĩnh Điện' });
  await post('/api/v1/organisations', { unit_id: ward.id, kind: 'military_command', name: 'Ban Chỉ huy quân sự phường' });
  await post(`/api/v1/teams/${team.id}/shifts`, { name: 'Ca tối', start: '19:00', end: '23:00' });
  for (const [username, role, person] of [['to.truong', 'team_leader', people.lead], ['to.vien', 'member', people.an]]) {
    const r = srv.cli(['user', 'add', '--username', username, '--role', role, '--unit', 'KP1', '--person', String(person),
      '--password-stdin'], { input: `${PW}\n` });
    assert.equal(r.status, 0, r.stderr);
  }
  b = await openBrowser();
});

after(async () => {
  if (b) await b.close();
  if (srv) await srv.stop();
});

async function login(page, username) {
  await page.goto(srv.url + '/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PW);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

test('a leader fills next week\'s roster, plans and starts a patrol; a member checks in from a phone', async () => {
  const d = days();
  const lead = await b.page(DESKTOP);
  await login(lead, 'to.truong');

  // the roster: from the team's page to next week
  await lead.goto(`${srv.url}/teams/${teamId}`);
  await lead.getByRole('link', { name: 'Lịch trực của tổ' }).click();
  await lead.getByRole('heading', { name: `Lịch trực — ${TEAM}`, level: 1 }).waitFor();
  await lead.getByRole('button', { name: 'Tuần sau ›' }).click();
  await lead.getByRole('heading', { name: new RegExp(`\\(${d.mon} – `) }).waitFor();

  // a night shift, then two slots
  await lead.getByLabel('Tên ca').fill('Ca đêm');
  await lead.getByLabel('Bắt đầu', { exact: true }).fill('23:00');
  await lead.getByLabel('Kết thúc', { exact: true }).fill('05:00');
  await lead.getByRole('button', { name: 'Thêm ca trực' }).click();
  const slotMon = lead.getByRole('group', { name: `${WEEKDAYS[0]}, ${d.mon} — Ca tối (19:00–23:00)` });
  const slotWed = lead.getByRole('group', { name: `${WEEKDAYS[2]}, ${d.wed} — Ca đêm (23:00–05:00)` });
  await slotWed.waitFor();
  await slotMon.getByLabel('Nguyễn Văn An').check();
  await slotWed.getByLabel('Lê Thị Bình').check();
  await b.check(lead, '51-patrols-roster-edit');
  await lead.getByRole('button', { name: 'Lưu lịch trực' }).click();
  await lead.getByText('Đã lưu lịch trực.').waitFor();

  const rosterUrl = lead.url();
  await lead.reload();
  await slotWed.waitFor();
  assert.equal(await slotMon.getByLabel('Nguyễn Văn An').isChecked(), true, 'the Monday slot is kept');
  assert.equal(await slotWed.getByLabel('Lê Thị Bình').isChecked(), true, 'the Wednesday slot is kept');
  assert.equal(await slotMon.getByLabel('Lê Thị Bình').isChecked(), false);
  assert.equal(await lead.locator('.roster-shift input:checked').count(), 2, 'two slots, no more');

  // the team's calendar link: shown once, serves iCalendar, revoked
  await lead.getByRole('button', { name: 'Tạo đường dẫn lịch' }).click();
  const url = await lead.getByTestId('ical-url').innerText();
  await lead.getByText('Google Lịch → Thêm lịch → Từ URL').waitFor();
  await b.check(lead, '51-patrols-roster-ical');
  const cal = await fetch(url);
  assert.equal(cal.status, 200);
  const ics = (await cal.text()).replace(/\r\n[ \t]/g, '');
  assert.match(ics, /^BEGIN:VCALENDAR/);
  assert.ok(ics.includes('Ca tối') && ics.includes('Ca đêm'), 'the week\'s duties are in the feed');
  await lead.getByRole('button', { name: 'Đã lưu, đóng lại' }).click();
  await lead.getByRole('button', { name: 'Thu hồi' }).click();
  await lead.getByText('Chưa có đường dẫn lịch nào.').waitFor();
  assert.equal((await fetch(url)).status, 404, 'a revoked link no longer serves the calendar');

  // tonight's patrol with the police and one member, started
  await lead.getByRole('link', { name: 'Tuần tra', exact: true }).first().click();
  await lead.getByRole('heading', { name: 'Tuần tra', level: 1 }).waitFor();
  await lead.getByRole('link', { name: 'Lập kế hoạch tuần tra' }).click();
  await lead.getByLabel('Tổ', { exact: true }).selectOption({ label: TEAM });
  assert.equal(await lead.getByLabel('Ngày bắt đầu').inputValue(), d.today);
  await lead.getByLabel('Địa bàn, tuyến tuần tra').fill('Đường Hùng Vương – chợ Vĩnh Điện');
  await lead.getByLabel('Công an phường Vĩnh Điện').check();
  await lead.getByLabel('Nguyễn Văn An').check();
  await b.check(lead, '51-patrols-new');
  await lead.getByRole('button', { name: 'Lưu kế hoạch tuần tra' }).click();
  await lead.getByRole('heading', { name: `Tuần tra ngày ${d.today}`, level: 1 }).waitFor();
  await lead.locator('.facts').getByText('Chưa bắt đầu').waitFor();
  await lead.getByRole('button', { name: 'Bắt đầu tuần tra' }).click();
  await lead.locator('.facts').getByText('Đang tuần tra').waitFor();
  await lead.getByText('Nguyễn Văn An — chưa điểm danh').waitFor();
  const patrolUrl = lead.url();

  // the member on a phone: the duty, the open patrol, the big check-in button
  const phone = await b.page(PHONE);
  await login(phone, 'to.vien');
  await phone.goto(srv.url + '/patrols');
  await phone.getByRole('link', { name: 'Lịch trực của tôi' }).click();
  await phone.getByRole('heading', { name: 'Lịch trực của tôi', level: 1 }).waitFor();
  await phone.getByText(`${WEEKDAYS[0]}, ${d.mon} — Ca tối (19:00–23:00)`).waitFor();
  await b.check(phone, '51-patrols-my-duties-phone');
  await phone.getByRole('link', { name: 'Mở để điểm danh' }).click();
  const button = phone.getByRole('button', { name: 'Điểm danh', exact: true });
  await button.waitFor();
  const box = await button.boundingBox();
  assert.ok(box.height >= 60 && box.width >= 250, `a big button on a phone (${box.width}×${box.height})`);
  await b.check(phone, '51-patrols-checkin-phone');
  await button.click();
  await phone.getByText(/^Bạn đã điểm danh lúc \d\d\/\d\d\/\d{4} \d\d:\d\d\.$/).waitFor();
  assert.equal(await button.count(), 0, 'no second check-in button');
  await b.check(phone, '51-patrols-checked-in-phone');

  // the member asks to hand Monday's duty to Lê Thị Bình; the leader approves it on the roster
  await phone.goto(srv.url + '/me/duties');
  await phone.getByRole('button', { name: `Xin đổi ca Ca tối ${WEEKDAYS[0]}, ${d.mon}` }).click();
  await phone.getByLabel('Nhờ người trực thay').selectOption({ label: 'Lê Thị Bình' });
  await phone.getByLabel('Lý do (không bắt buộc)').fill('Con ốm');
  await phone.getByRole('button', { name: 'Gửi yêu cầu' }).click();
  await phone.getByText('Đã gửi yêu cầu đổi ca; tổ trưởng sẽ duyệt.').waitFor();
  await phone.locator('.record-meta').getByText('Chờ duyệt').waitFor();
  await lead.goto(rosterUrl);
  await lead.getByText(`Nguyễn Văn An nhờ Lê Thị Bình trực thay: Ca tối, ${WEEKDAYS[0]}, ${d.mon}`).waitFor();
  await lead.getByRole('group', { name: `Duyệt yêu cầu của Nguyễn Văn An ngày ${d.mon}` }).getByRole('button', { name: 'Duyệt', exact: true }).click();
  await lead.getByText('Không có yêu cầu nào chờ duyệt.').waitFor();
  await slotMon.getByLabel('Lê Thị Bình').waitFor();
  assert.equal(await slotMon.getByLabel('Lê Thị Bình').isChecked(), true, 'the duty changed hands');
  assert.equal(await slotMon.getByLabel('Nguyễn Văn An').isChecked(), false);

  // the leader sees the check-in
  await lead.goto(patrolUrl);
  await lead.getByText(/^Nguyễn Văn An — điểm danh lúc \d\d\/\d\d\/\d{4} \d\d:\d\d$/).waitFor();
  await lead.getByText('1/1 thành viên đã điểm danh.').waitFor();
  await b.check(lead, '51-patrols-open');

  // a violation record: refused without a legal basis (the field is marked), then recorded
  await lead.getByRole('link', { name: 'Lập biên bản vi phạm' }).click();
  await lead.getByRole('heading', { name: 'Lập biên bản vi phạm', level: 1 }).waitFor();
  await lead.getByText('Bắt buộc với mọi biên bản').waitFor();
  await lead.getByLabel('Loại vi phạm').selectOption({ label: 'Quy định phòng, chống dịch (Chỉ thị 16 về Covid-19)' });
  await lead.getByLabel('Nơi vi phạm').fill('Quán cà phê số 12 Hùng Vương');
  await lead.getByLabel('Hình thức xử lý').selectOption({ label: 'Phạt tiền' });
  await lead.getByLabel('Số biên bản').fill('07/BB-VPHC');
  await lead.getByLabel('Số tiền phạt (đồng)').fill('2.000.000');
  await lead.getByLabel('Nội dung vi phạm').fill('Tụ tập đông người, không đeo khẩu trang');
  await lead.getByRole('button', { name: 'Lưu biên bản' }).click();
  const basis = lead.getByLabel('Căn cứ pháp lý (bắt buộc)');
  await lead.getByText('Vui lòng sửa các ô được đánh dấu bên dưới.').waitFor();
  assert.equal(await basis.getAttribute('aria-invalid'), 'true', 'the legal basis is marked');
  assert.equal(await basis.evaluate((el) => el === document.activeElement), true, 'and focused');
  await b.check(lead, '51-patrols-violation-refused');
  await basis.fill('Chỉ thị 16/CT-TTg; Nghị định 117/2020/NĐ-CP, điều 12');
  await lead.getByRole('button', { name: 'Lưu biên bản' }).click();
  await lead.getByRole('heading', { name: /^Biên bản số \d+ — Quy định phòng, chống dịch/, level: 1 }).waitFor();
  await lead.locator('.facts').getByText('2.000.000 ₫').waitFor();
  await lead.locator('.facts').getByText('Chỉ thị 16/CT-TTg; Nghị định 117/2020/NĐ-CP, điều 12').waitFor();
  await b.check(lead, '51-patrols-violation');
  await lead.getByRole('link', { name: 'Đợt tuần tra' }).click();
  await lead.getByRole('link', { name: 'Quy định phòng, chống dịch (Chỉ thị 16 về Covid-19) — Phạt tiền' }).waitFor();

  // the period's figures on /patrols
  await lead.goto(srv.url + '/patrols');
  assert.equal(await lead.getByTestId('stat-patrols').innerText(), '1');
  assert.equal(await lead.getByTestId('stat-violations').innerText(), '1');
  await lead.locator('.bar-list', { hasText: 'Vi phạm theo hình thức xử lý' }).getByText('Phạt tiền').waitFor();
  await b.check(lead, '51-patrols-list');
});
