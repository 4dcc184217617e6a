// bench/search-latency.mjs: the timing half of bench/search.sh. Logs in as the officer, then for each
// query runs GET /api/v1/tips?q=…&order=newest (the inbox's first page of 50, newest first) WARMUP
// times unmeasured and RUNS times measured, one request at a time, and prints one JSON line per
// query: {q, what, p50, p99, max, hits} (milliseconds; hits = rows on the first page).
//
// Usage: node bench/search-latency.mjs URL USERNAME PASSWORD [RUNS]
const [url, username, password, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg || 50);
const WARMUP = 3;

const QUERIES = [
  ['dat', 'common, no tones (Đạt, đất, đặt)'],
  ['Đạt', 'common, with tones'],
  ['nguyen', 'common family name, no tones'],
  ['Nguyễn Văn', 'common phrase, with tones'],
  ['karaoke', 'one category\'s word'],
  ['cam do', 'a place (tiệm cầm đồ), no tones'],
  ['bom kim tiem', 'rarer phrase, no tones'],
  ['92h1-0481', 'rare: part of a licence plate'],
  ['92H1-04817', 'rarest: one plate'],
  ['khong co tu nay', 'no match at all'],
  ['đá gà', 'two short words, with tones'],
  ['ng', 'two letters (no index: the scan)'],
];

async function login() {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const cookie = await login();
for (const [q, what] of QUERIES) {
  const path = `${url}/api/v1/tips?order=newest&limit=50&q=${encodeURIComponent(q)}`;
  const times = [];
  let hits = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(path, { headers: { cookie } });
    const body = await res.json();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200) throw new Error(`${q}: ${res.status} ${JSON.stringify(body)}`);
    hits = body.data.length;
    if (i >= WARMUP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ q, what, p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1], hits }));
}
