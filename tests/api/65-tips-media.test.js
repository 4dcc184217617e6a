// Tips with videos and PDFs: what a phone or an office app puts in them about the sender — the GPS
// position of an MP4/MOV/WebM (made here with the ffmpeg CLI and -metadata location=…), a PDF's
// /Author in its Info dictionary and its XMP metadata stream — is gone from the stored file, which is
// still a playable video (ffprobe) or a valid PDF (qpdf --check). A QuickTime .mov is stored as MP4.
// A file that looks like a video or PDF but cannot be rewritten is refused with a clear message and
// nothing is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './lib/server.js';

const PW = 'correct horse battery';
const PLACE = '+10.8231+106.6297/';
let srv;
let officer;
let citizen;
let work;

function ffmpeg(name, args) {
  const out = path.join(work, name);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=5',
    ...args, '-metadata', `location=${PLACE}`, '-metadata', 'artist=Nguyen Van Dat', out]);
  return readFileSync(out);
}

// A one-page PDF with an Info dictionary (/Author) and an XMP metadata stream on the catalogue.
function pdfWithMetadata() {
  const xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    '<dc:creator>Tran Thi Lan</dc:creator></x:xmpmeta><?xpacket end="w"?>';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Type /Metadata /Subtype /XML /Length ${xmp.length} >>\nstream\n${xmp}\nendstream`,
    '<< /Author (Tran Thi Lan) /Creator (May quet cua phuong) /Producer (Scanner 3000) >>',
  ];
  let s = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(s.length); s += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = s.length;
  s += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) s += `${String(off).padStart(10, '0')} 00000 n \n`;
  s += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(s, 'latin1');
}

async function send(name, data, type) {
  const fd = new FormData();
  fd.append('tip', JSON.stringify({ category: 'other', description: `Gửi kèm tệp ${name}` }));
  fd.append('files', new Blob([data], { type }), name);
  return citizen.request('POST', '/api/v1/public/tips', { body: fd, raw: true });
}

// Sends a file and gives back what the police get when they open it.
async function stored(name, data, type) {
  const res = await send(name, data, type);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const detail = await officer.get(`/api/v1/tips/${res.body.data.id}`);
  const f = detail.body.data.files[0];
  const served = await fetch(srv.url + f.url, { headers: { cookie: officer.cookie } });
  assert.equal(served.status, 200);
  return { mime: f.mime, data: Buffer.from(await served.arrayBuffer()) };
}

function probe(data, name) {
  const p = path.join(work, `stored-${name}`);
  writeFileSync(p, data);
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', p],
    { encoding: 'utf8' }));
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tiengmo-media-'));
  srv = await startServer();
  srv.addUser('root', PW, 'admin');
  const admin = await srv.login('root', PW);
  const p = await admin.post('/api/v1/units', { kind: 'province', code: 'P1', name: 'Tỉnh Quảng Nam' });
  const c = await admin.post('/api/v1/units', { kind: 'commune', code: 'C1', name: 'Phường Vĩnh Điện', parent_id: p.body.data.id });
  assert.equal(c.status, 201);
  srv.addUser('officer1', PW, 'officer', 'C1');
  officer = await srv.login('officer1', PW);
  citizen = srv.client();
});
after(async () => {
  await srv.stop();
  rmSync(work, { recursive: true, force: true });
});

// The shared libraries the server process has mapped (Linux), by file name.
function mappedLibraries() {
  return readFileSync(`/proc/${srv.proc.pid}/maps`, 'utf8').split('\n').map((l) => path.basename(l.split(/\s+/)[5] || ''));
}

// FFmpeg and qpdf (and the ~100 libraries FFmpeg pulls in) cost ~17 MiB of an idle server's memory:
// they are loaded when the first video or PDF comes (src/lib/dl.c), and then clean it as before.
test('FFmpeg and qpdf are loaded only when the first video or PDF is sent', async () => {
  const loaded = (prefix) => mappedLibraries().some((n) => n.startsWith(prefix));
  assert.ok(loaded('libsqlite3.so'), 'the maps of the server are readable');
  for (const lib of ['libavformat.so', 'libavcodec.so', 'libqpdf.so']) assert.ok(!loaded(lib), `${lib} loaded at start`);
  const first = await send('dau-tien.mp4', ffmpeg('first.mp4', ['-c:v', 'mpeg4']), 'video/mp4');
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.ok(loaded('libavformat.so') && loaded('libavcodec.so'), 'FFmpeg loaded by the first video');
  assert.ok(!loaded('libqpdf.so'), 'qpdf not loaded by a video');
  const pdf = await send('dau-tien.pdf', pdfWithMetadata(), 'application/pdf');
  assert.equal(pdf.status, 201, JSON.stringify(pdf.body));
  assert.ok(loaded('libqpdf.so'), 'qpdf loaded by the first PDF');
});

test('an MP4 from a phone is stored without its place and author, and still plays', async () => {
  const mp4 = ffmpeg('clip.mp4', ['-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest',
    '-movflags', 'use_metadata_tags']);
  assert.ok(mp4.includes(PLACE) && mp4.includes('Nguyen Van Dat'), 'the test file carries the metadata');
  const s = await stored('clip.mp4', mp4, 'video/mp4');
  assert.equal(s.mime, 'video/mp4');
  for (const m of [PLACE, '10.8231', 'Nguyen Van Dat', '©xyz', 'Lavf']) assert.ok(!s.data.includes(m), `${m} left in the stored video`);
  const info = probe(s.data, 'clip.mp4');
  assert.deepEqual(info.streams.map((x) => x.codec_type).sort(), ['audio', 'video']);
  assert.equal(info.format.tags?.location, undefined);
  assert.ok(Number(info.format.duration) > 0.5, 'the whole clip is there');
});

test('a QuickTime .mov is stored as MP4 without ©xyz; a WebM without its tags', async () => {
  const mov = ffmpeg('clip.mov', ['-c:v', 'mpeg4', '-f', 'mov']);
  assert.ok(mov.includes(PLACE));
  const s = await stored('clip.mov', mov, 'video/quicktime');
  assert.equal(s.mime, 'video/mp4');
  assert.ok(!s.data.includes(PLACE) && !s.data.includes('Nguyen Van Dat'));
  assert.equal(probe(s.data, 'clip-mov.mp4').streams[0].codec_type, 'video');

  const webm = ffmpeg('clip.webm', ['-c:v', 'libvpx', '-b:v', '100k']);
  assert.ok(webm.includes(PLACE));
  const w = await stored('clip.webm', webm, 'video/webm');
  assert.equal(w.mime, 'video/webm');
  for (const m of [PLACE, 'Nguyen Van Dat', 'Lavf59']) assert.ok(!w.data.includes(m), `${m} left in the stored WebM`);
  assert.equal(probe(w.data, 'clip.webm').streams[0].codec_name, 'vp8');
});

test('a PDF is stored without its Info dictionary (author) and XMP metadata, and is still a PDF', async () => {
  const pdf = pdfWithMetadata();
  writeFileSync(path.join(work, 'sent.pdf'), pdf);
  execFileSync('qpdf', ['--check', path.join(work, 'sent.pdf')]); // the test file is a valid PDF
  const s = await stored('to-trinh.pdf', pdf, 'application/pdf');
  assert.equal(s.mime, 'application/pdf');
  for (const m of ['Tran Thi Lan', 'Author', 'xmpmeta', '/Metadata', 'Scanner 3000', 'May quet']) {
    assert.ok(!s.data.includes(m), `${m} left in the stored PDF`);
  }
  const p = path.join(work, 'stored.pdf');
  writeFileSync(p, s.data);
  const check = execFileSync('qpdf', ['--check', p], { encoding: 'utf8' });
  assert.match(check, /No syntax or stream encoding errors/);
  assert.match(execFileSync('qpdf', ['--show-npages', p], { encoding: 'utf8' }), /^1\s*$/);
});

test('a video or PDF that cannot be rewritten is refused by name, and nothing is stored', async () => {
  const before = (await officer.get('/api/v1/tips?limit=200')).body.data.length;
  const mp4 = ffmpeg('cut.mp4', ['-c:v', 'mpeg4']);
  const cut = Buffer.concat([mp4.subarray(0, 64), Buffer.alloc(400)]); // ftyp, then nothing playable
  const res = await send('cut.mp4', cut, 'video/mp4');
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.match(res.body.error.fields.files, /'cut\.mp4'/);
  const pdf = pdfWithMetadata();
  const bad = Buffer.concat([pdf.subarray(0, 9), Buffer.from('1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n'.repeat(3)),
    Buffer.from('trailer << /Encrypt << /Filter /Nope >> >>\n%%EOF\n')]);
  const res2 = await send('hong.pdf', bad, 'application/pdf');
  assert.equal(res2.status, 422, JSON.stringify(res2.body));
  assert.match(res2.body.error.fields.files, /'hong\.pdf'/);
  assert.equal((await officer.get('/api/v1/tips?limit=200')).body.data.length, before, 'no tip stored');
});
