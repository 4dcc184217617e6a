// Tips, the inbox's search on its index (migration 0009: FTS5 trigram on SQLite, pg_trgm on
// PostgreSQL): a search of three characters or more finds exactly what the old scan found — the tips
// whose folded description (no tones, đ → d, lowercase, single spaces) contains the folded search — with
// and without tones, with LIKE's special characters taken literally, combined with the other filters,
// in both orders and across pages. One or two characters fall back to the scan with the same results.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
let srv;
let officer;
const ids = {};
const tips = []; // { id, description, category, unit }

// The server's vn_fold for the text used here: lowercase, marks removed, đ → d, blanks collapsed.
function fold(s) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

const DESCRIPTIONS = [
  ['theft', 'B1', 'Anh Nguyễn Văn Đạt thấy kẻ lạ trèo rào nhà số 9'],
  ['theft', 'B2', 'Mất trộm xe máy Honda trước cửa nhà ông Đặng'],
  ['noise', 'B2', 'Hát karaoke quá to lúc nửa đêm, nhà bà Nguyễn Thị Dạt'],
  ['drugs', 'B1', 'Tụ tập sử dụng ma túy ở bãi cỏ ven sông'],
  ['obstruction', 'B1', 'Quán NGUYÊN lấn chiếm vỉa hè, giảm giá 50% mỗi tối'],
  ['other', 'B2', 'Có người ghi mã "khuyến_mãi" lên tường: a_b \\ c'],
  ['gambling', 'B1', 'Đánh bạc, lô đề ở quán nước đầu ngõ Đất Đỏ'],
  ['theft', 'B1', 'Trộm   chó  lúc  rạng sáng, đã báo ông Đạt khối phố'],
  ['noise', 'B2', 'Đám cưới mở nhạc to đến 23 giờ'],
];

const QUERIES = ['dat', 'Đạt', 'ĐẠT', 'nguyen', 'Nguyễn', 'NGUYÊN', 'trom', 'trộm chó', 'xe m', '50%', '0%',
  'a_b', '_', '\\ c', '"khuyen', 'ma tuy o bai', 'ng', 'đ', 'to', 'không có đâu', 'dat do', 'oe'];

async function listAll(query) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ ...query, limit: '2' });
    if (cursor) q.set('cursor', cursor);
    const res = await officer.get(`/api/v1/tips?${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) return out.map((t) => t.id);
  }
  throw new Error('pagination never ended');
}

function expected(q, { category, unit, newest } = {}) {
  const f = fold(q);
  const hit = tips.filter((t) => fold(t.description).includes(f) && (!category || t.category === category) &&
    (!unit || t.unit === unit)).map((t) => t.id);
  return newest ? hit.reverse() : hit;
}

before(async () => {
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  for (const [kind, code, name, parent] of [['province', 'P1', 'Tỉnh Quảng Nam'],
    ['commune', 'C1', 'Phường Vĩnh Điện', 'P1'], ['block', 'B1', 'Khối phố 1', 'C1'], ['block', 'B2', 'Khối phố 2', 'C1']]) {
    const res = await admin.post('/api/v1/units', { kind, code, name, ...(parent ? { parent_id: ids[parent] } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids[code] = res.body.data.id;
  }
  srv.addUser('officer1', PW, 'officer', 'C1');
  officer = await srv.login('officer1', PW);
  const citizen = srv.client();
  for (const [category, unit, description] of DESCRIPTIONS) {
    const res = await citizen.post('/api/v1/public/tips', { category, unit_id: ids[unit], description });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    tips.push({ id: res.body.data.id, description, category, unit });
  }
});
after(async () => { await srv.stop(); });

test('search finds exactly the tips whose folded description holds the folded text, tones or not', async () => {
  assert.deepEqual(await listAll({ q: 'dat' }), [tips[0].id, tips[2].id, tips[6].id, tips[7].id],
    '"dat" finds Đạt, Dạt and Đất');
  assert.deepEqual(await listAll({ q: 'nguyen' }), [tips[0].id, tips[2].id, tips[4].id], '"nguyen" finds Nguyễn and NGUYÊN');
  for (const q of QUERIES) {
    assert.deepEqual(await listAll({ q }), expected(q), `q=${q}`);
    assert.deepEqual(await listAll({ q, order: 'newest' }), expected(q, { newest: true }), `q=${q}, newest first`);
  }
  assert.deepEqual(await listAll({ q: 'trom cho' }), [tips[7].id], 'blank runs in the text and the search are one space');
  assert.deepEqual(await listAll({ q: '50%' }), [tips[4].id], '% is literal');
  assert.deepEqual(await listAll({ q: '0%' }), [tips[4].id]);
  assert.deepEqual(await listAll({ q: 'a_b' }), [tips[5].id], '_ is literal');
});

test('search combines with category, block and order filters', async () => {
  assert.deepEqual(await listAll({ q: 'dat', category: 'theft' }), expected('dat', { category: 'theft' }));
  assert.deepEqual(await listAll({ q: 'dat', category: 'theft' }), [tips[0].id, tips[7].id]);
  assert.deepEqual(await listAll({ q: 'nha', unit_id: ids.B2, order: 'newest' }),
    expected('nha', { unit: 'B2', newest: true }));
  assert.deepEqual(await listAll({ q: 'nha', unit_id: ids.B2 }), [tips[1].id, tips[2].id, tips[8].id], '"nha" is also in "nhạc"');
  assert.deepEqual(await listAll({ q: 'dat', status: 'verifying' }), []);
});

test('the index follows new tips and is the one the migration made', async () => {
  const res = await srv.client().post('/api/v1/public/tips', { category: 'other', unit_id: ids.B1, description: 'Xưởng gỗ Đạt Thành xả khói' });
  assert.equal(res.status, 201);
  assert.deepEqual(await listAll({ q: 'dat thanh' }), [res.body.data.id]);
  const url = srv.env.TIENGMO_DB;
  if (url.startsWith('sqlite:')) {
    const n = execFileSync('sqlite3', [url.slice(7), `SELECT count(*) FROM tips_fts WHERE tips_fts MATCH '"dat" AND "at " AND "t t" AND " th" AND "tha" AND "han" AND "anh"'`],
      { encoding: 'utf8' });
    assert.equal(n.trim(), '1');
  } else {
    const plan = execFileSync('psql', ['-X', '-At', '-d', url, '-c',
      "SET enable_seqscan = off; EXPLAIN SELECT id FROM tips WHERE description_folded LIKE '%dat thanh%'"],
    { encoding: 'utf8' });
    assert.match(plan, /tips_description_trgm/);
  }
});
