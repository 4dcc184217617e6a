// The ward's forces in a real browser (Chromium), in Vietnamese first. An officer logs in, opens the
// commune page, adds a block, sets up a security & order team on it and fills it with three people —
// one found on file by a search without tones, two typed in as new people — sees the rule warning
// (no leader, then two leaders) and fixes it so that it disappears, looks at the team's history,
// reveals a member's CCCD with a reason, switches to English and back, and logs out. A team leader
// sees only their own block's teams: another block's team is absent from the list and its URL shows
// "not found". Both journeys run on a desktop and on a phone (360×740). An officer also imports
// people, then a mediation team's members, from CSV files (errors by line, a preview, the import:
// the team's warnings go) and an administrator
// manages an account. Every page is checked with axe-core and saved in tests/artifacts/e2e/.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../api/lib/server.js';
import { openBrowser, ARTIFACTS, DESKTOP, PHONE } from './lib/browser.js';

const PW = 'mật khẩu đủ dài';
let srv;
let b;
let admin;
let communeId;
let otherTeamId;   // the security & order team of Khối phố B, out of the team leader's reach
let ownTeamName;   // the team of Khối phố A, the team leader's block
let ownTeamId;

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'QN', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'VD', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  assert.equal(c.status, 201);
  communeId = c.body.data.id;
  const ka = await admin.post('/api/v1/units', { kind: 'block', code: 'KPA', name: 'Khối phố An Hòa', parent_id: communeId });
  const kb = await admin.post('/api/v1/units', { kind: 'block', code: 'KPB', name: 'Khối phố Bình An', parent_id: communeId });
  ownTeamName = 'Tổ hòa giải Khối phố An Hòa';
  const ta = await admin.post('/api/v1/teams', { unit_id: ka.body.data.id, kind: 'mediation', name: ownTeamName });
  assert.equal(ta.status, 201);
  ownTeamId = ta.body.data.id;
  const tb = await admin.post('/api/v1/teams', { unit_id: kb.body.data.id, kind: 'security_order', name: 'Tổ bảo vệ ANTT Khối phố Bình An' });
  assert.equal(tb.status, 201);
  otherTeamId = tb.body.data.id;
  // people on file whom the officers find by searching without tones (a valid CCCD: Quảng Nam 049,
  // a woman born in the 1900s (1), in 1985)
  for (const [name, nid] of [['Đặng Thị Hoà', '049185012345'], ['Đặng Thị Lụa', '049185054321']]) {
    const r = await admin.post('/api/v1/people', { unit_id: communeId, full_name: name, gender: 'female', birth_year: 1985, national_id: nid });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const r = srv.cli(['user', 'add', '--username', 'to.truong', '--role', 'team_leader', '--unit', 'KPA',
    '--display-name', 'Lê Văn Tâm', '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
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

// The navigation link (on a phone the links wrap but stay links).
function nav(page, name) {
  return page.locator('header nav').getByRole('link', { name, exact: true });
}

// Adds a member through the team page's form: an existing person (search text, then the name to
// choose) or a new one ({name, gender, birth}); role is the Vietnamese title.
async function addMember(page, { search, pick, person, role }) {
  const form = page.getByRole('form', { name: 'Thêm thành viên' });
  if (search) {
    await form.getByLabel('Người đã có trong danh sách').check();
    await form.getByLabel('Tìm theo họ tên').fill(search);
    await form.getByRole('button', { name: `Chọn ${pick}` }).click();
    await form.locator('.picked').filter({ hasText: pick }).waitFor();
  } else {
    await form.getByLabel('Người mới').check();
    await form.getByLabel('Họ và tên').fill(person.name);
    await form.getByLabel('Giới tính').selectOption({ label: person.gender });
    await form.getByLabel('Ngày sinh hoặc năm sinh').fill(person.birth);
  }
  await form.getByLabel('Chức danh').selectOption({ label: role });
  await form.getByRole('button', { name: 'Thêm vào tổ' }).click();
  const name = pick || person.name;
  await form.getByRole('status').filter({ hasText: `Đã thêm ${name} vào tổ` }).waitFor();
  await page.locator('.members').getByRole('link', { name, exact: true }).waitFor();
}

const rules = (page) => page.locator('.team-warnings');

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  describe(`forces on a ${label} (${viewport.width}×${viewport.height})`, () => {
    const officer = `canbo.${label}`;
    const blockName = label === 'desktop' ? 'Khối phố Châu Thành' : 'Khối phố Đông Hòa';
    const blockCode = label === 'desktop' ? 'KPCT' : 'KPDH';
    const teamName = `Tổ bảo vệ an ninh, trật tự ${blockName}`;
    const newcomers = label === 'desktop'
      ? [{ name: 'Trần Văn Bảo', gender: 'Nam', birth: '12/03/1975' }, { name: 'Nguyễn Hữu Cường', gender: 'Nam', birth: '1980' }]
      : [{ name: 'Phạm Minh Đức', gender: 'Nam', birth: '1979' }, { name: 'Võ Thị Giang', gender: 'Nữ', birth: '05/06/1990' }];
    const onFile = label === 'desktop' ? 'Đặng Thị Hoà' : 'Đặng Thị Lụa';
    let page;
    let teamId;

    before(async () => {
      const r = srv.cli(['user', 'add', '--username', officer, '--role', 'officer', '--unit', 'VD',
        '--display-name', 'Trần Thị Bình', '--password-stdin'], { input: `${PW}\n` });
      assert.equal(r.status, 0, r.stderr);
      page = await b.page(viewport);
    });

    test('the officer logs in and opens the commune page from the home page', async () => {
      await logIn(page, officer);
      await page.getByRole('link', { name: 'Xem lực lượng của phường theo loại tổ và theo khối phố' }).click();
      await page.getByRole('heading', { name: 'Lực lượng Phường Vĩnh Điện', level: 1 }).waitFor();
      const byKind = page.locator('table');
      assert.match(await byKind.textContent(), /Tổ bảo vệ an ninh, trật tự/);
      assert.match(await byKind.textContent(), /Tổ hòa giải/);
      const blocks = await page.locator('.blocks').textContent();
      assert.match(blocks, /Khối phố An Hòa/);
      assert.match(blocks, /Khối phố Bình An/);
      // the mediation team has no members: it breaks its rules and is flagged
      assert.match(await page.locator('.breaking').textContent(), /Tổ hòa giải phải có tổ trưởng/);
      await b.check(page, `${label}-forces-commune`);
    });

    test('the officer adds a block and sets up its security & order team', async () => {
      await nav(page, 'Đơn vị').click();
      const form = page.locator('form.form-add');
      await form.getByLabel('Thêm vào').selectOption({ label: 'Khối phố thuộc Phường Vĩnh Điện' });
      await form.getByLabel('Mã').fill(blockCode);
      await form.getByLabel('Tên').fill(blockName);
      await form.getByRole('button', { name: 'Thêm' }).click();
      await form.getByRole('status').filter({ hasText: `Đã thêm “${blockName}”` }).waitFor();

      await nav(page, 'Các tổ').click();
      await page.getByRole('heading', { name: 'Các tổ', level: 1 }).waitFor();
      await b.check(page, `${label}-forces-teams`);
      const add = page.locator('form.form-add');
      await add.getByLabel('Khối phố/Tổ dân phố').selectOption({ label: blockName });
      await add.getByLabel('Loại tổ').selectOption({ label: 'Tổ bảo vệ an ninh, trật tự' });
      assert.equal(await add.getByLabel('Tên tổ').inputValue(), teamName, 'the name is suggested');
      await add.getByRole('button', { name: 'Thành lập tổ' }).click();
      await page.getByRole('heading', { name: teamName, level: 1 }).waitFor();
      teamId = Number(new URL(page.url()).pathname.split('/').pop());
      assert.ok(teamId > 0);
      assert.match(await rules(page).textContent(), /phải có đúng một tổ trưởng \(Luật 30\/2023\/QH15\)/);
      await b.check(page, `${label}-forces-team-new`);
    });

    test('three members: the leader rule warns (none, then two) and the fix makes the warning go', async () => {
      await addMember(page, { search: onFile.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').slice(0, 11), pick: onFile, role: 'Tổ viên' });
      assert.match(await rules(page).textContent(), /phải có đúng một tổ trưởng/, 'still no leader');
      await addMember(page, { person: newcomers[0], role: 'Tổ trưởng' });
      await page.locator('.alert-ok').waitFor();
      await addMember(page, { person: newcomers[1], role: 'Tổ trưởng' });
      await rules(page).waitFor();
      assert.match(await rules(page).textContent(), /phải có đúng một tổ trưởng/, 'two leaders');
      assert.equal(await page.locator('.members > li').count(), 3);
      await b.check(page, `${label}-forces-team-two-leaders`);

      // the second leader becomes the deputy
      await page.getByRole('button', { name: `Sửa chức danh, nhiệm kỳ của ${newcomers[1].name}` }).click();
      const edit = page.getByRole('form', { name: `Sửa chức danh, nhiệm kỳ của ${newcomers[1].name}` });
      await edit.getByLabel('Chức danh').selectOption({ label: 'Tổ phó' });
      await b.check(page, `${label}-forces-member-edit`);
      await edit.getByRole('button', { name: 'Lưu' }).click();
      await page.getByRole('status').filter({ hasText: 'Tổ đáp ứng đủ quy định' }).waitFor();
      assert.equal(await rules(page).count(), 0, 'the warning is gone');
      const members = await page.locator('.members').textContent();
      assert.match(members, /Tổ trưởng/);
      assert.match(members, /Tổ phó/);
      assert.match(members, /tuổi khi được bầu, chọn/);
      assert.match(members, /Nhiệm kỳ từ \d{2}\/\d{2}\/\d{4}/);
      await b.check(page, `${label}-forces-team-fixed`);

      // printed, the roster stays and the forms and buttons go
      await page.emulateMedia({ media: 'print' });
      assert.ok(await page.locator('.members').isVisible());
      assert.equal(await page.getByRole('button', { name: 'Thêm vào tổ' }).isVisible(), false);
      await page.screenshot({ path: path.join(ARTIFACTS, `${label}-forces-team-print.png`), fullPage: true });
      await page.emulateMedia({ media: 'screen' });
    });

    test('the team history lists the changes in Vietnamese', async () => {
      await page.getByRole('link', { name: 'Lịch sử' }).click();
      await page.locator('.history').waitFor();
      const text = await page.locator('.history').textContent();
      assert.match(text, /Thành lập tổ/);
      assert.match(text, /Thêm thành viên/);
      assert.match(text, /Sửa chức danh, nhiệm kỳ/);
      assert.match(text, new RegExp(officer.replace('.', '\\.')));
      await b.check(page, `${label}-forces-team-history`);
      await page.getByRole('link', { name: 'Thông tin' }).click();
      await page.locator('.members').waitFor();
    });

    test('a member\'s CCCD is masked and shown after a reason is given, until the page is left', async () => {
      await page.locator('.members').getByRole('link', { name: onFile }).click();
      await page.getByRole('heading', { name: onFile, level: 1 }).waitFor();
      const nid = page.locator('.nid');
      assert.match(await nid.textContent(), /••••••••\d{4}/);
      await b.check(page, `${label}-forces-person`);
      await page.getByRole('button', { name: 'Xem số CCCD' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Xem số' }).waitFor();
      assert.ok(await dialog.getByRole('button', { name: 'Xem số' }).isDisabled(), 'no reason, no reveal');
      await dialog.getByLabel('Lý do').fill('abc');
      await dialog.getByRole('button', { name: 'Xem số' }).click();
      await dialog.locator('.error-text').waitFor();
      assert.match(await dialog.locator('.error-text').textContent(), /ít nhất 5 ký tự/);
      await b.check(page, `${label}-forces-reveal`);
      await dialog.getByLabel('Lý do').fill('Xác minh nhân thân khi bầu tổ trưởng');
      await dialog.getByRole('button', { name: 'Xem số' }).click();
      await nid.filter({ hasText: /0491850\d{5}/ }).waitFor();
      const audit = await admin.get(`/api/v1/audit?entity=person&entity_id=${new URL(page.url()).pathname.split('/').pop()}`);
      assert.ok(audit.body.data.some((e) => e.action === 'person.reveal'), 'the reveal is audited');
      await page.goBack();
      await page.locator('.members').waitFor();
      await page.goForward();
      await page.getByRole('button', { name: 'Xem số CCCD' }).waitFor();
      assert.match(await nid.textContent(), /••••••••\d{4}/, 'masked again after leaving the page');
    });

    test('people are found without tones; a wrong CCCD is refused next to its field', async () => {
      await nav(page, 'Công dân').click();
      await page.getByLabel('Tìm theo họ tên').fill('dang thi');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await page.getByRole('heading', { name: 'Kết quả tìm “dang thi”' }).waitFor();
      const list = page.locator('.record-list');
      await list.getByRole('link', { name: onFile }).waitFor();
      assert.doesNotMatch(await list.textContent(), /0491850/, 'masked in lists');
      await b.check(page, `${label}-forces-people`);

      await page.getByRole('link', { name: 'Thêm công dân' }).click();
      await page.getByRole('heading', { name: 'Thêm công dân', level: 1 }).waitFor();
      await page.getByLabel('Họ và tên').fill('Hồ Thị Kim');
      await page.getByLabel('Giới tính').selectOption({ label: 'Nữ' });
      await page.getByLabel('Ngày sinh hoặc năm sinh').fill('1992');
      await page.getByLabel('Số Căn cước công dân').fill('099292012345');
      await page.getByRole('button', { name: 'Lưu' }).click();
      const err = page.locator('.field-error .error-text');
      await err.waitFor();
      assert.match(await err.textContent(), /mã tỉnh, từ 001 đến 096/);
      await b.check(page, `${label}-forces-person-error`);
      await page.getByLabel('Số Căn cước công dân').fill(label === 'desktop' ? '049192012345' : '049192054321');
      await page.getByRole('button', { name: 'Lưu' }).click();
      await page.getByRole('heading', { name: 'Hồ Thị Kim', level: 1 }).waitFor();
    });

    test('organisations are listed by kind and one is added', async () => {
      await nav(page, 'Cơ quan, đoàn thể').click();
      await page.getByRole('heading', { name: 'Cơ quan, đoàn thể', level: 1 }).waitFor();
      const form = page.locator('form.form-add');
      const name = label === 'desktop' ? 'Trường Trung học cơ sở Quang Trung' : 'Hội Cựu chiến binh phường';
      await form.getByLabel('Loại').selectOption({ label: label === 'desktop' ? 'Trường học' : 'Hội Cựu chiến binh' });
      await form.getByLabel('Tên cơ quan, đoàn thể').fill(name);
      await form.getByRole('button', { name: 'Thêm' }).click();
      await page.locator('.record-list').getByRole('link', { name }).waitFor();
      await b.check(page, `${label}-forces-organisations`);
      await page.locator('.record-list').getByRole('link', { name }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await b.check(page, `${label}-forces-organisation`);
    });

    test('switching to English shows the warning in English, and back', async () => {
      await page.goto(`${srv.url}/teams/${otherTeamId}`);
      await rules(page).waitFor();
      await page.getByRole('button', { name: /English/ }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      assert.match(await rules(page).textContent(), /must have exactly one leader/);
      assert.ok(await nav(page, 'Teams').isVisible());
      await b.check(page, `${label}-forces-team-en`);
      await page.getByRole('button', { name: /Tiếng Việt/ }).click();
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      assert.match(await rules(page).textContent(), /phải có đúng một tổ trưởng/);
    });

    test('the officer logs out', async () => {
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL('**/login');
      await page.goto(`${srv.url}/teams/${teamId}`);
      await page.waitForURL(`**/login?next=%2Fteams%2F${teamId}`);
    });

    test('a team leader sees only their block: another block\'s team is absent and its URL is not found', async () => {
      const tl = await b.page(viewport);
      await logIn(tl, 'to.truong');
      await nav(tl, 'Các tổ').click();
      const list = tl.locator('.record-list');
      await list.getByRole('link', { name: ownTeamName }).waitFor();
      assert.equal(await list.getByRole('link', { name: /Bình An/ }).count(), 0, 'another block\'s team is absent');
      assert.equal(await list.locator('li').count(), 1);
      await b.check(tl, `${label}-forces-leader-teams`);
      await nav(tl, 'Lực lượng').click();
      await tl.getByRole('heading', { name: 'Lực lượng Khối phố An Hòa', level: 1 }).waitFor();
      await tl.locator('.blocks').getByRole('link', { name: ownTeamName }).waitFor();
      assert.doesNotMatch(await tl.locator('main').textContent(), /Bình An/);
      await b.check(tl, `${label}-forces-leader-commune`);
      await tl.goto(`${srv.url}/teams/${otherTeamId}`);
      await tl.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
      assert.match(await tl.locator('main').textContent(), /Không tìm thấy tổ này/);
      await b.check(tl, `${label}-forces-leader-notfound`);
      assert.equal(await nav(tl, 'Tài khoản').count(), 0, 'no accounts page for a team leader');
      await tl.context().close();
    });
  });
}

test('people import: line-numbered errors, then a preview, then the import', async () => {
  srv.addUser('canbo.import', PW, 'officer', 'VD');
  const page = await b.page(DESKTOP);
  await logIn(page, 'canbo.import');
  await page.goto(`${srv.url}/people/import`);
  await page.getByRole('heading', { name: 'Nhập danh sách công dân từ tệp CSV', level: 1 }).waitFor();
  const dir = mkdtempSync(path.join(tmpdir(), 'tiengmo-e2e-'));
  const bad = path.join(dir, 'sai.csv');
  writeFileSync(bad, 'full_name,gender,birth_date,birth_year,phone,address,national_id,unit_code\n'
    + 'Lê Thị Mai,female,,1970,0905123456,,,KPA\n'
    + ',male,,1980,,,,KPA\n'
    + 'Ngô Văn Tư,male,,19x0,,,,KHONGCO\n');
  await page.getByLabel('Chọn tệp').setInputFiles(bad);
  await page.getByRole('button', { name: 'Xem trước' }).click();
  const errors = page.locator('.import-errors');
  await errors.waitFor();
  const text = await errors.textContent();
  assert.match(text, /Dòng 3/);
  assert.match(text, /Dòng 4/);
  assert.match(text, /Năm sinh “19x0” không hợp lệ/);
  await b.check(page, 'desktop-forces-import-errors');

  const good = path.join(dir, 'dung.csv');
  writeFileSync(good, 'full_name,gender,birth_date,birth_year,phone,address,national_id,unit_code\n'
    + 'Lê Thị Mai,female,,1970,0905123456,,,KPA\n'
    + 'Ngô Văn Tư,male,1968-04-02,,,,,KPB\n');
  await page.getByLabel('Chọn tệp').setInputFiles(good);
  await page.getByRole('button', { name: 'Xem trước' }).click();
  await page.getByRole('status').filter({ hasText: '2 dòng sẽ được nhập' }).waitFor();
  assert.match(await page.locator('.preview table').textContent(), /Ngô Văn Tư/);
  const before = await admin.get('/api/v1/people?q=ngo van tu');
  assert.equal(before.body.data.length, 0, 'a preview saves nothing');
  await b.check(page, 'desktop-forces-import-preview');
  await page.getByRole('button', { name: 'Nhập 2 dòng' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã nhập 2 dòng' }).waitFor();
  const after = await admin.get('/api/v1/people?q=ngo van tu');
  assert.equal(after.body.data.length, 1);

  // the mediation team's members from a file: its three warnings go once they are in
  await page.goto(`${srv.url}/teams/${ownTeamId}`);
  await page.locator('.team-warnings').waitFor();
  assert.equal(await page.locator('.team-warnings li').count(), 3);
  await page.getByRole('link', { name: 'Nhập thành viên từ tệp CSV' }).click();
  await page.getByRole('heading', { name: 'Nhập thành viên từ tệp CSV', level: 1 }).waitFor();
  const members = path.join(dir, 'to-hoa-giai.csv');
  writeFileSync(members, 'full_name,gender,birth_date,birth_year,phone,national_id,role,term_from\n'
    + 'Huỳnh Văn Sáu,male,,1958,,,leader,2024-01-15\n'
    + 'Trương Thị Bảy,female,,1966,,,member,2024-01-15\n'
    + 'Đoàn Văn Tám,male,,1971,,,member,2024-01-15\n');
  await page.getByLabel('Chọn tệp').setInputFiles(members);
  await page.getByRole('button', { name: 'Xem trước' }).click();
  await page.getByRole('status').filter({ hasText: '3 dòng sẽ được nhập' }).waitFor();
  const preview = await page.locator('.preview table').textContent();
  assert.match(preview, /Tổ trưởng/);
  assert.match(preview, /15\/01\/2024/);
  await b.check(page, 'desktop-forces-import-members');
  await page.getByRole('button', { name: 'Nhập 3 dòng' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã nhập 3 dòng' }).waitFor();
  await page.getByRole('link', { name: ownTeamName }).click();
  await page.getByRole('status').filter({ hasText: 'Tổ đáp ứng đủ quy định' }).waitFor();
  await page.locator('.members').getByRole('link', { name: 'Trương Thị Bảy' }).waitFor();
  assert.equal(await page.locator('.members > li').count(), 3);
  await page.context().close();
});

test('an administrator creates an account, gives and revokes a role, resets the password and disables it', async () => {
  const page = await b.page(DESKTOP);
  await logIn(page, 'root');
  await nav(page, 'Tài khoản').click();
  await page.getByRole('heading', { name: 'Tài khoản', level: 1 }).waitFor();
  await b.check(page, 'desktop-forces-users');
  const form = page.locator('form.form-add');
  await form.getByLabel('Tên đăng nhập').fill('xem.bao.cao');
  await form.getByLabel('Họ tên hiển thị').fill('Phan Thị Yến');
  await form.getByLabel('Mật khẩu').fill('ngắn');
  await form.getByLabel('Vai trò').selectOption({ label: 'Người xem' });
  await form.getByLabel('Trên đơn vị').selectOption({ label: 'Phường Vĩnh Điện' });
  await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await form.locator('.field-error .error-text').waitFor();
  assert.match(await form.locator('.field-error .error-text').textContent(), /ít nhất 8 ký tự/);
  await form.getByLabel('Mật khẩu').fill(PW);
  await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await page.getByRole('heading', { name: 'Phan Thị Yến', level: 1 }).waitFor();
  await page.getByText('Người xem — Phường Vĩnh Điện').waitFor();

  const grant = page.locator('form.subform');
  await grant.getByLabel('Vai trò').selectOption({ label: 'Cán bộ phong trào' });
  await grant.getByLabel('Trên đơn vị').selectOption({ label: 'Khối phố An Hòa' });
  await grant.getByRole('button', { name: 'Giao vai trò' }).click();
  await page.getByText('Cán bộ phong trào — Khối phố An Hòa').waitFor();
  await page.getByRole('button', { name: 'Thu hồi vai trò Cán bộ phong trào — Khối phố An Hòa' }).click();
  await page.getByText('Cán bộ phong trào — Khối phố An Hòa').waitFor({ state: 'detached' });

  await page.getByLabel('Mật khẩu mới').fill('một mật khẩu mới');
  await page.getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã đặt mật khẩu mới' }).waitFor();
  await page.getByRole('button', { name: 'Khóa tài khoản' }).click();
  await page.getByRole('button', { name: 'Mở khóa' }).waitFor();
  assert.match(await page.locator('.page > .facts').textContent(), /Đã khóa/);
  await b.check(page, 'desktop-forces-user');
  await page.getByRole('link', { name: 'Lịch sử' }).click();
  await page.locator('.history').waitFor();
  assert.match(await page.locator('.history').textContent(), /Tạo tài khoản/);
  await b.check(page, 'desktop-forces-user-history');
  await page.context().close();
});
