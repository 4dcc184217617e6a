// Tips, the public side: a citizen sends a tip with no account — anonymous or with an identity, as JSON
// or multipart with photos — gets a 16-digit receipt once, follows the tip and talks with the police
// with it; wrong receipts, too many tips and too many messages are rate-limited (429 + Retry-After);
// uploads are typed by content (a text file named .jpg is refused), capped at 10 MB, and stored only
// after their metadata is removed (Exif GPS gone from a JPEG); nothing about the client is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let officer;
let citizen;
const ids = {};

// ---- a real (1×1 grey, baseline) JPEG, built by hand, with metadata segments a phone would add ----
const seg = (marker, payload) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
function exifWithGps() {
  // TIFF big-endian: IFD0 with one entry GPSInfo (0x8825) → GPS IFD with latitude ref 'N' and latitude.
  const b = [];
  const u16 = (v) => b.push(v >> 8, v & 0xff);
  const u32 = (v) => b.push((v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  b.push(0x4d, 0x4d); u16(42); u32(8); // header, IFD0 at 8
  u16(1); u16(0x8825); u16(4); u32(1); u32(26); u32(0); // IFD0: GPSInfo → 26
  u16(2); // GPS IFD at 26: two entries
  u16(1); u16(2); u32(2); b.push(0x4e, 0, 0, 0); // GPSLatitudeRef 'N'
  u16(2); u16(5); u32(3); u32(56); // GPSLatitude: 3 rationals at 56
  u32(0);
  u32(16); u32(1); u32(2); u32(1); u32(4826); u32(100); // 16° 2' 48.26"
  return Buffer.concat([Buffer.from('Exif\0\0', 'binary'), Buffer.from(b)]);
}
function tinyJpeg({ metadata = true } = {}) {
  const parts = [Buffer.from([0xff, 0xd8])];
  parts.push(seg(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])));
  if (metadata) {
    parts.push(seg(0xe1, exifWithGps()));
    parts.push(seg(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS 16.0467N 108.2063E</x:xmpmeta>', 'binary')));
    parts.push(seg(0xed, Buffer.from('Photoshop 3.0\0 IPTC by Nguyen Van Dat', 'binary')));
    parts.push(seg(0xfe, Buffer.from('taken at 12 Tran Phu', 'binary')));
  }
  parts.push(seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
  parts.push(seg(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])));
  const huff = (cls) => seg(0xc4, Buffer.concat([Buffer.from([cls]), Buffer.from([1, ...Array(15).fill(0)]), Buffer.from([0])]));
  parts.push(huff(0x00), huff(0x10));
  parts.push(seg(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])));
  parts.push(Buffer.from([0x3f, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

// Every file under DATA_DIR/uploads (none when the directory does not exist).
function storedFiles() {
  const root = path.join(srv.dataDir, 'uploads');
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p); else out.push(p);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

function multipart(tip, files) {
  const fd = new FormData();
  fd.append('tip', JSON.stringify(tip));
  for (const f of files) fd.append('files', new Blob([f.data], { type: f.type || 'application/octet-stream' }), f.name);
  return fd;
}

function sendMultipart(client, tip, files) {
  return client.request('POST', '/api/v1/public/tips', { body: multipart(tip, files), raw: true });
}

async function submit(body) {
  const res = await citizen.post('/api/v1/public/tips', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  for (const [kind, code, name, parent] of [['province', 'P1', 'Tỉnh Quảng Nam'], ['commune', 'C1', 'Phường Vĩnh Điện', 'P1'],
    ['block', 'B1', 'Khối phố 1', 'C1']]) {
    const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
    assert.equal(res.status, 201);
    ids[code] = res.body.data.id;
  }
  srv.addUser('officer1', PW, 'officer', 'C1');
  officer = await srv.login('officer1', PW);
  citizen = srv.client();
});
after(async () => { await srv.stop(); });

test('the categories are listed with names and the public flag; crime ones are private', async () => {
  const res = await citizen.get('/api/v1/public/tip-categories');
  assert.equal(res.status, 200);
  const byCode = Object.fromEntries(res.body.data.map((c) => [c.code, c]));
  for (const c of ['drugs', 'theft', 'gambling', 'trafficking', 'violence', 'wanted_person']) assert.equal(byCode[c].public, false, c);
  for (const c of ['noise', 'obstruction', 'unlit_alley', 'fire_hazard']) assert.equal(byCode[c].public, true, c);
  assert.ok(byCode.other);
  assert.equal(byCode.drugs.name, 'Ma túy');
});

test('an anonymous tip gets a 16-digit receipt once; the receipt finds it, nothing else does', async () => {
  const t = await submit({ category: 'drugs', description: 'Có người bán ma túy ở cuối ngõ 7 vào ban đêm' });
  assert.match(t.receipt, /^\d{4} \d{4} \d{4} \d{4}$/);
  assert.equal(t.status, 'new');
  // the receipt is shown once: the officer's view of the tip never carries it
  const seen = await officer.get(`/api/v1/tips/${t.id}`);
  assert.equal(seen.status, 200);
  assert.ok(!seen.text.includes(t.receipt.replace(/ /g, '')) && !seen.text.includes(t.receipt));
  assert.equal(seen.body.data.anonymous, true);
  assert.equal(seen.body.data.has_identity, false);
  assert.equal(seen.body.data.unit_id, ids.C1, 'without a unit the tip goes to the only commune');

  const look = await citizen.post('/api/v1/public/tips/lookup', { receipt: t.receipt });
  assert.equal(look.status, 200, JSON.stringify(look.body));
  assert.equal(look.body.data.status, 'new');
  assert.equal(look.body.data.category, 'drugs');
  assert.deepEqual(look.body.data.messages, []);
  // typed without spaces, or with dashes, it is the same receipt
  const compact = await citizen.post('/api/v1/public/tips/lookup', { receipt: t.receipt.replace(/ /g, '-') });
  assert.equal(compact.status, 200);

  // a different receipt (one digit changed) finds nothing
  const d = t.receipt.replace(/ /g, '');
  const wrong = d.slice(0, 15) + String((Number(d[15]) + 1) % 10);
  const miss = await citizen.post('/api/v1/public/tips/lookup', { receipt: wrong });
  assert.equal(miss.status, 404);
  const bad = await citizen.post('/api/v1/public/tips/lookup', { receipt: '1234' });
  assert.equal(bad.status, 422);
  assert.ok(bad.body.error.fields.receipt);

  // two tips never share a receipt
  const t2 = await submit({ category: 'noise', description: 'Karaoke to sau 23 giờ' });
  assert.notEqual(t2.receipt, t.receipt);
});

test('an identified tip keeps its identity sealed: never in lists, reads or the log', async () => {
  const identity = { name: 'Trần Thị Hoa', phone: '0905111222', national_id: '049185004321', address: '3 Lê Lợi' };
  const t = await submit({ category: 'theft', description: 'Xe máy bị lấy trộm trước nhà', anonymous: false, identity,
    unit_id: ids.B1, address: 'Ngõ 5 Lê Lợi', lat: 15.8921, lng: 108.2583, occurred_at: '2026-01-05T21:30:00+07:00' });
  const got = await officer.get(`/api/v1/tips/${t.id}`);
  assert.equal(got.body.data.has_identity, true);
  assert.equal(got.body.data.anonymous, false);
  assert.equal(got.body.data.unit_id, ids.B1);
  assert.equal(got.body.data.lat, 15.8921);
  const list = await officer.get('/api/v1/tips?limit=200');
  for (const text of [got.text, list.text, srv.log()]) {
    for (const v of Object.values(identity)) assert.ok(!text.includes(v), `identity value leaked: ${v}`);
  }
  const look = await citizen.post('/api/v1/public/tips/lookup', { receipt: t.receipt });
  for (const v of Object.values(identity)) assert.ok(!look.text.includes(v));
  assert.ok(!look.text.includes('Xe máy'), 'the look-up shows status and messages, not the tip itself');
});

test('bad tips are refused with the fields named, and nothing is stored', async () => {
  const cases = [
    [{ description: 'x' }, 'category'],
    [{ category: 'nope', description: 'x' }, 'category'],
    [{ category: 'noise' }, 'description'],
    [{ category: 'noise', description: 'x', anonymous: true, identity: { name: 'A' } }, 'identity'],
    [{ category: 'noise', description: 'x', anonymous: false }, 'identity'],
    [{ category: 'noise', description: 'x', lat: 15.9 }, 'lng'],
    [{ category: 'noise', description: 'x', lat: 95, lng: 108 }, 'lat'],
    [{ category: 'noise', description: 'x', occurred_at: '2999-01-01' }, 'occurred_at'],
    [{ category: 'noise', description: 'x', unit_id: ids.P1 }, 'unit_id'],
    [{ category: 'noise', description: 'x', colour: 'red' }, '_'],
  ];
  const before = (await officer.get('/api/v1/tips?limit=200')).body.data.length;
  for (const [body, field] of cases) {
    const res = await citizen.post('/api/v1/public/tips', body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.ok(res.body.error.fields[field], `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
  }
  assert.equal((await officer.get('/api/v1/tips?limit=200')).body.data.length, before);
});

test('messages go both ways with the receipt; the officer\'s name is not shown to the citizen', async () => {
  const t = await submit({ category: 'gambling', description: 'Đánh bạc ở quán nước đầu ngõ' });
  const sent = await citizen.post('/api/v1/public/tips/messages', { receipt: t.receipt, body: 'Họ chơi mỗi tối thứ bảy' });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  assert.equal(sent.body.data.author, 'citizen');
  const reply = await officer.post(`/api/v1/tips/${t.id}/messages`, { body: 'Cảm ơn, chúng tôi sẽ kiểm tra' });
  assert.equal(reply.status, 201);
  const look = await citizen.post('/api/v1/public/tips/lookup', { receipt: t.receipt });
  assert.deepEqual(look.body.data.messages.map((m) => [m.author, m.body]),
    [['citizen', 'Họ chơi mỗi tối thứ bảy'], ['officer', 'Cảm ơn, chúng tôi sẽ kiểm tra']]);
  assert.ok(!look.text.includes('officer1'));
  const detail = await officer.get(`/api/v1/tips/${t.id}`);
  assert.deepEqual(detail.body.data.messages.map((m) => m.author), ['citizen', 'officer']);
  assert.deepEqual(detail.body.data.timeline.map((e) => e.kind), ['received', 'message', 'message']);
  const wrong = await citizen.post('/api/v1/public/tips/messages', { receipt: '0000 0000 0000 0000', body: 'hello' });
  assert.equal(wrong.status, 404);
});

test('a photo is stored without its Exif GPS, XMP, IPTC and comment, and served only to officers', async () => {
  const jpeg = tinyJpeg();
  assert.ok(jpeg.includes('Exif') && jpeg.includes('GPS'));
  const res = await sendMultipart(citizen, { category: 'fire_hazard', description: 'Dây điện chập chờn trên cột' },
    [{ name: 'photo.jpg', data: jpeg, type: 'image/jpeg' }]);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.data.files, 1);
  const files = storedFiles();
  assert.equal(files.length, 1);
  const stored = readFileSync(files[0]);
  assert.deepEqual([...stored.subarray(0, 2)], [0xff, 0xd8], 'still starts with SOI');
  assert.deepEqual([...stored.subarray(-2)], [0xff, 0xd9], 'still ends with EOI');
  for (const marker of ['Exif', 'GPS', 'xmpmeta', 'Photoshop', 'Tran Phu']) assert.ok(!stored.includes(marker), `${marker} left in the stored file`);
  assert.deepEqual(stored, tinyJpeg({ metadata: false }), 'exactly the image without its metadata');
  assert.equal(path.basename(path.dirname(files[0])) + path.basename(files[0]),
    (await import('node:crypto')).createHash('sha256').update(stored).digest('hex'), 'named by the SHA-256 of its content');

  const detail = await officer.get(`/api/v1/tips/${res.body.data.id}`);
  const f = detail.body.data.files[0];
  assert.equal(f.mime, 'image/jpeg');
  assert.equal(f.size, stored.length);
  const served = await fetch(srv.url + f.url, { headers: { cookie: officer.cookie } });
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), stored);
  const anon = await fetch(srv.url + f.url);
  assert.equal(anon.status, 401);
});

test('a text file named .jpg is refused naming it, and nothing is stored', async () => {
  const before = storedFiles().length;
  const tipsBefore = (await officer.get('/api/v1/tips?limit=200')).body.data.length;
  const res = await sendMultipart(citizen, { category: 'noise', description: 'Ồn ào' }, [
    { name: 'ok.jpg', data: tinyJpeg(), type: 'image/jpeg' },
    { name: 'notes.jpg', data: Buffer.from('just some text, not a photo\n'.repeat(20)), type: 'image/jpeg' },
  ]);
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.match(res.body.error.message, /'notes\.jpg'/);
  assert.match(res.body.error.fields.files, /its content is text\//);
  assert.equal(storedFiles().length, before, 'not even the good file was stored');
  assert.equal((await officer.get('/api/v1/tips?limit=200')).body.data.length, tipsBefore, 'no tip was stored');
});

test('a file over 10 MB is 413 naming it; six files are too many; nothing is stored', async () => {
  const before = storedFiles().length;
  const big = Buffer.concat([tinyJpeg(), Buffer.alloc(10 * 1024 * 1024)]);
  const res = await sendMultipart(citizen, { category: 'noise', description: 'Ồn ào' }, [{ name: 'huge.jpg', data: big }]);
  assert.equal(res.status, 413, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'too_large');
  assert.match(res.body.error.message, /'huge\.jpg'/);
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.jpg`, data: tinyJpeg() }));
  const many = await sendMultipart(citizen, { category: 'noise', description: 'Ồn ào' }, six);
  assert.equal(many.status, 422);
  assert.ok(many.body.error.fields.files);
  assert.equal(storedFiles().length, before);
});

test('nothing about the client is stored or logged by the public routes', async () => {
  const t = await submit({ category: 'noise', description: 'Tiếng ồn công trình ban đêm' });
  await citizen.post('/api/v1/public/tips/lookup', { receipt: t.receipt });
  const log = srv.log().split('\n').filter((l) => !/listening/.test(l)).join('\n');
  assert.ok(!log.includes('127.0.0.1'), 'no client address in the log');
  assert.ok(!log.includes(t.receipt) && !log.includes(t.receipt.replace(/ /g, '')), 'no receipt in the log');
  assert.match(log, /route=\/api\/v1\/public\/tips\b/);
  // the audit entry of a public submission has actor "public" (and, by construction, no address)
  const hist = await (await srv.login('root', PW)).get(`/api/v1/audit?entity=tip&entity_id=${t.id}`);
  assert.equal(hist.status, 200);
  assert.deepEqual(hist.body.data.map((e) => [e.action, e.actor]), [['tip.submit', 'public']]);
  assert.ok(!hist.text.includes('127.0.0.1'));
});

test('rate limits: wrong receipts, messages and submissions per client address answer 429 with Retry-After', async () => {
  const lim = await startServer();
  try {
    const admin = lim.addUser('root', PW, 'admin') && await lim.login('root', PW);
    const p = await admin.post('/api/v1/units', { kind: 'province', code: 'P', name: 'Tỉnh' });
    await admin.post('/api/v1/units', { kind: 'commune', code: 'C', name: 'Xã', parent_id: p.body.data.id });
    const c = lim.client();
    const first = await c.post('/api/v1/public/tips', { category: 'noise', description: 'một' });
    assert.equal(first.status, 201);
    const receipt = first.body.data.receipt;

    for (let i = 0; i < 20; i++) {
      const m = await c.post('/api/v1/public/tips/messages', { receipt, body: `tin ${i}` });
      assert.equal(m.status, 201, `message ${i}`);
    }
    const m21 = await c.post('/api/v1/public/tips/messages', { receipt, body: 'thêm' });
    assert.equal(m21.status, 429);
    assert.ok(Number(m21.headers.get('retry-after')) >= 1);

    for (let i = 1; i < 30; i++) assert.equal((await c.post('/api/v1/public/tips', { category: 'noise', description: `tin ${i}` })).status, 201);
    const s31 = await c.post('/api/v1/public/tips', { category: 'noise', description: 'quá nhiều' });
    assert.equal(s31.status, 429);
    assert.equal(s31.body.error.code, 'rate_limited');
    assert.ok(Number(s31.headers.get('retry-after')) > 0);
    // past the limit the answer is 429 whatever is sent: an unknown category, a tip without its text
    for (const body of [{ category: 'no-such', description: 'sai' }, { category: 'noise' }]) {
      const s = await c.post('/api/v1/public/tips', body);
      assert.equal(s.status, 429, JSON.stringify(body));
      assert.equal(s.body.error.code, 'rate_limited');
      assert.equal(s.body.error.fields, undefined);
    }

    for (let i = 0; i < 10; i++) {
      const r = await c.post('/api/v1/public/tips/lookup', { receipt: `0000 0000 0000 ${String(i).padStart(4, '0')}` });
      assert.equal(r.status, 404, `wrong receipt ${i}`);
    }
    const r11 = await c.post('/api/v1/public/tips/lookup', { receipt: '1111 1111 1111 1111' });
    assert.equal(r11.status, 429);
    const ra = Number(r11.headers.get('retry-after'));
    assert.ok(ra > 3000 && ra <= 3600, `Retry-After ${ra} is about an hour`);
    const right = await c.post('/api/v1/public/tips/lookup', { receipt });
    assert.equal(right.status, 429, 'past the limit even the right receipt waits');
  } finally {
    await lim.stop();
  }
});
