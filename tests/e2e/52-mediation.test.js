// A mediation team leader takes a case from receipt to settled on a phone, in Vietnamese, and finds it
// in the team's record book (Sổ theo dõi hoạt động hòa giải ở cơ sở): receives the case with two
// parties and a mediator of the team, is told that a result needs its conclusion date, records the
// session, enters the result and the agreement, then opens the book — the case's row in part I and
// the mediator's line in part II — and prints it (A4 landscape screenshot). Every page is checked with
// axe-core and saved in tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer } from '../api/lib/server.js';
import { openBrowser, PHONE, DESKTOP, ARTIFACTS } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
const TEAM = 'Tổ hòa giải Khối phố 1';
let srv;
let b;

function today() {
  const p = {};
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date()).forEach((x) => { p[x.type] = x.value; });
  return { iso: `${p.year}-${p.month}-${p.day}`, text: `${p.day}/${p.month}/${p.year}`, year: p.year };
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
  const team = await post('/api/v1/teams', { unit_id: block.id, kind: 'mediation', name: TEAM });
  for (const [full_name, gender, role] of [['Lê Thị Lan', 'female', 'leader'], ['Phạm Văn Hải', 'male', 'member'], ['Võ Văn Sơn', 'male', 'member']]) {
    const p = await post('/api/v1/people', { unit_id: block.id, full_name, gender, birth_year: 1966 });
    await post(`/api/v1/teams/${team.id}/members`, { person_id: p.id, role, term_from: '2022-07-01' });
  }
  srv.addUser('to.hoa.giai', PW, 'team_leader', 'KP1');
  b = await openBrowser();
});

after(async () => {
  if (b) await b.close();
  if (srv) await srv.stop();
});

test('a team leader takes a case from receipt to settled and finds it in the printed book', async () => {
  const d = today();
  const page = await b.page(PHONE);
  await page.goto(srv.url + '/login');
  await page.getByLabel('Tên đăng nhập').fill('to.hoa.giai');
  await page.getByLabel('Mật khẩu').fill(PW);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();

  // receipt
  await page.goto(srv.url + '/mediation');
  await page.getByRole('heading', { name: 'Hòa giải ở cơ sở', level: 1 }).waitFor();
  await page.getByText('Không có vụ việc nào.').waitFor();
  await b.check(page, '52-mediation-list-empty');
  await page.getByRole('link', { name: 'Tiếp nhận vụ việc hòa giải' }).click();
  await page.getByRole('heading', { name: 'Tiếp nhận vụ việc hòa giải', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Tổ hòa giải').inputValue() !== '', true, 'the only team is chosen');
  assert.equal(await page.getByLabel('Ngày tiếp nhận').inputValue(), d.text);
  await page.getByLabel('Loại việc').selectOption({ label: 'Đất đai' });
  await page.getByLabel('Người yêu cầu').fill('Nguyễn Văn Toàn');
  const names = page.getByLabel('Họ và tên');
  await names.nth(0).fill('Nguyễn Văn Toàn');
  await page.getByLabel('Năm sinh').nth(0).fill('1971');
  await page.getByLabel('Địa chỉ').nth(0).fill('Tổ 2, Khối phố 1');
  await names.nth(1).fill('Huỳnh Thị Gấm');
  await page.getByLabel('Năm sinh').nth(1).fill('1980');
  await page.getByLabel('Nội dung chính').fill('Tranh chấp ranh giới đất vườn, hàng rào lấn sang 0,5 m');
  await page.getByLabel('Lê Thị Lan').check();
  await b.check(page, '52-mediation-new');
  await page.getByRole('button', { name: 'Lưu vụ việc' }).click();
  await page.getByRole('heading', { name: 'Vụ việc số 1/' + d.year + ' — Đất đai', level: 1 }).waitFor();
  await page.getByText('Nguyễn Văn Toàn, ' + (Number(d.year) - 1971) + ' tuổi, Tổ 2, Khối phố 1').waitFor();

  // a result without its conclusion date is refused, field by field
  await page.getByLabel('Kết quả', { exact: true }).selectOption({ label: 'Hòa giải thành' });
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.getByText('Đã có kết quả thì phải ghi ngày kết thúc.').waitFor();
  await page.getByText('Hãy ghi buổi hòa giải trước khi ghi kết quả.').waitFor();

  // the session, then the result and the agreement
  await page.getByLabel('Diễn biến, ý kiến các bên').fill('Hai bên trình bày; tổ đối chiếu bản đồ địa chính');
  await page.getByRole('button', { name: 'Ghi buổi hòa giải' }).click();
  await page.getByText('Hai bên trình bày; tổ đối chiếu bản đồ địa chính').waitFor();
  await page.getByLabel('Kết quả', { exact: true }).selectOption({ label: 'Hòa giải thành' });
  await page.getByLabel('Ngày kết thúc').fill(d.text);
  await page.getByLabel('Nội dung thỏa thuận').fill('Dời hàng rào về đúng mốc, chi phí mỗi bên một nửa');
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.locator('.facts').getByText('Hòa giải thành').waitFor();
  await page.getByText('Dời hàng rào về đúng mốc, chi phí mỗi bên một nửa').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Ghi buổi hòa giải' }).count(), 0, 'no session after the conclusion');
  await b.check(page, '52-mediation-settled');

  // the year's figures on the cases page count it, settled
  const caseUrl = page.url();
  await page.goto(srv.url + '/mediation?year=' + d.year);
  const figures = page.locator('.card', { hasText: 'Số liệu hòa giải năm ' + d.year });
  await figures.waitFor();
  assert.equal(await figures.getByTestId('med-stat-cases').textContent(), '1');
  await figures.getByText('100 %').waitFor();
  await figures.locator('.bar-list', { hasText: 'Kết quả' }).getByText('Hòa giải thành').waitFor();
  await b.check(page, '52-mediation-figures');
  await page.goto(caseUrl);

  // the book
  await page.getByRole('link', { name: 'Xem trong sổ theo dõi' }).click();
  const book = page.locator('article.med-book');
  await book.waitFor();
  await book.getByText('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM').waitFor();
  await book.getByText('Độc lập - Tự do - Hạnh phúc').waitFor();
  await book.getByText('SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ').waitFor();
  await book.getByText('UBND Phường Vĩnh Điện').waitFor();
  const row = book.locator('tbody tr').filter({ hasText: 'Huỳnh Thị Gấm' });
  assert.equal(await row.count(), 1);
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[0], '1');
  assert.equal(cells[1], d.text);
  assert.match(cells[2], /Lê Thị Lan/);
  assert.match(cells[4], /Tranh chấp ranh giới đất vườn/);
  assert.match(cells[5], /Hòa giải thành/);
  const mediatorRow = await book.locator('table', { hasText: 'Theo hòa giải viên' }).locator('tbody tr').allInnerTexts();
  assert.deepEqual(mediatorRow.map((s) => s.split('\t').map((x) => x.trim())), [['Lê Thị Lan', '1', '1']]);
  await b.check(page, '52-mediation-book-phone');

  // printed: A4 landscape from a desktop, nothing but the book
  const desk = await b.page(DESKTOP);
  await desk.context().addCookies(await page.context().cookies());
  await desk.goto(page.url());
  await desk.locator('article.med-book tbody tr').first().waitFor();
  await desk.emulateMedia({ media: 'print' });
  assert.equal(await desk.getByRole('button', { name: 'In sổ' }).isVisible(), false, 'no buttons on paper');
  await desk.screenshot({ path: path.join(ARTIFACTS, '52-mediation-book-print.png'), fullPage: true });
  await desk.pdf({ path: path.join(ARTIFACTS, '52-mediation-book.pdf'), format: 'A4', landscape: true, preferCSSPageSize: true });
});
