#!/bin/sh
# bench/search.sh: the search benchmark of DESIGN §6 — tone- and đ-insensitive search over 1,000,000
# tips, p50 < 20 ms — on SQLite and on PostgreSQL, through the HTTP API as an officer.
#
# For each engine: a fresh database with a commune and 18 blocks (tiengmo import units) and an
# officer, then COUNT tips written by bench/gensearch.c through the product's own store (so the
# folded text and the index of migration 0009 are made as the server makes them), ANALYZE, a server,
# and bench/search-latency.mjs: each query of its list (with and without tones, common and rare, no
# match, two letters) as the inbox's first page (50 rows, newest first), one request at a time, RUNS
# times after a warm-up; p50, p99 and max per query. That timing runs ROUNDS times against the same
# data (the 1,000,000 tips take minutes to write; a shared machine's load moves between rounds): the
# table gives each query's median p50 over the rounds and its worst p99, with the load average of each
# round. The figures go into bench/RESULTS.md between the "search" markers below the notes marker
# (bench/http.sh keeps everything below that marker).
#
# PostgreSQL is a throwaway cluster from scripts/pg-test.sh (stopped at the end); BENCH_PG=0 skips it,
# BENCH_SQLITE=0 skips SQLite; an engine skipped keeps its column, size and summary from the section
# already in the results file, marked as kept from the previous run.
# Usage: bench/search.sh   (make bench-search)
# Environment: TIENGMO_BUILD (build), COUNT tips (1000000), RUNS per query (50), ROUNDS (3),
# BENCH_SERVER_THREADS (2), BENCH_PORT (18180), BENCH_RESULTS (bench/RESULTS.md).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
build=${TIENGMO_BUILD:-build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
bin="$build/tiengmo"
count=${COUNT:-1000000}
runs=${RUNS:-50}
rounds=${ROUNDS:-3}
sthreads=${BENCH_SERVER_THREADS:-2}
results=${BENCH_RESULTS:-bench/RESULTS.md}
pg=${BENCH_PG:-1}
sq=${BENCH_SQLITE:-1}

die() {
	echo "bench/search.sh: $*" >&2
	exit 1
}
ninja -C "$build" tiengmo bench-gensearch >/dev/null || die "cannot build tiengmo and bench-gensearch in $build"
gen="$build/bench-gensearch"

work=$(mktemp -d "${TMPDIR:-/tmp}/tiengmo-search.XXXXXX")
pids=""
export TIENGMO_PG_STATE="$work/pg.state"
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	[ -f "$TIENGMO_PG_STATE" ] && scripts/pg-test.sh stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	p=$1
	while [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$p/" 2>/dev/null)" != 000 ]; do
		p=$((p + 1))
	done
	echo "$p"
}

{
	echo "code,name,kind,parent_code"
	echo "BT,Tỉnh Bến Thử,province,"
	echo "BT-VD,Phường Vĩnh Điện Thử,commune,BT"
	b=1
	while [ $b -le 18 ]; do
		echo "BT-VD-K$b,Khối phố $b,block,BT-VD"
		b=$((b + 1))
	done
} >"$work/units.csv"
password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export TIENGMO_DATA_DIR="$work/data"
mkdir -p "$TIENGMO_DATA_DIR"

# bench ENGINE DBURL: fills the database, serves it, times the queries into $work/ENGINE.json.
bench() {
	eng=$1
	export TIENGMO_DB="$2"
	echo "== $eng: a commune, 18 blocks, an officer and $count tips"
	"$bin" migrate >/dev/null
	"$bin" import units "$work/units.csv" >/dev/null || die "$eng: tiengmo import units failed"
	echo "$password" | "$bin" user add --username officer --role officer --unit BT-VD --password-stdin >/dev/null ||
		die "$eng: tiengmo user add failed"
	t0=$(date +%s)
	"$gen" "$TIENGMO_DB" "$count" >/dev/null || die "$eng: bench-gensearch failed"
	echo "   written in $(($(date +%s) - t0)) s"
	if [ "$eng" = SQLite ]; then
		sqlite3 "${TIENGMO_DB#sqlite:}" 'ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);'
		size=$(du -k "${TIENGMO_DB#sqlite:}" | awk '{ printf "%.0f MB", $1 / 1024 }')
	else
		psql -X -q -d "$TIENGMO_DB" -c 'VACUUM ANALYZE tips'
		size=$(psql -X -At -d "$TIENGMO_DB" -c "SELECT pg_size_pretty(pg_total_relation_size('tips'))")
	fi
	echo "$size" >"$work/$eng.size"
	port=$(free_port "${BENCH_PORT:-18180}")
	"$bin" serve --listen "127.0.0.1:$port" --threads "$sthreads" >/dev/null 2>&1 &
	spid=$!
	pids="$pids $spid"
	i=0
	until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "$eng: tiengmo did not start"
		sleep 0.1
	done
	: >"$work/$eng.json"
	: >"$work/$eng.load"
	r=1
	while [ $r -le "$rounds" ]; do
		node bench/search-latency.mjs "http://127.0.0.1:$port" officer "$password" "$runs" >"$work/$eng.round" ||
			die "$eng: the timing run failed"
		sed "s/^{/{\"round\":$r,/" "$work/$eng.round" >>"$work/$eng.json"
		load=$(cut -d' ' -f1-3 /proc/loadavg)
		echo "$load" >>"$work/$eng.load"
		echo "   round $r (load $load):"
		sed 's/^/     /' "$work/$eng.round"
		r=$((r + 1))
	done
	kill "$spid"
	wait "$spid" 2>/dev/null || true
}

[ "$sq" = 1 ] && bench SQLite "sqlite:$work/search.db"
if [ "$pg" = 1 ]; then
	url=$(TIENGMO_PG_DURABLE=1 scripts/pg-test.sh start) || die "cannot start PostgreSQL"
	psql -X -q -d "$url" -c 'CREATE DATABASE search_bench'
	bench PostgreSQL "$(echo "$url" | sed 's|/postgres?|/search_bench?|')"
fi

# --- the figures into bench/RESULTS.md ---------------------------------------------------------
table() {
	node -e '
const fs = require("fs");
const [dir, results, engines] = [process.argv[1], process.argv[2], process.argv.slice(3)];
const rows = {};
for (const e of engines) for (const line of fs.readFileSync(`${dir}/${e}.json`, "utf8").trim().split("\n")) {
  const r = JSON.parse(line);
  ((rows[r.q] ||= { what: r.what, by: {} }).by[e] ||= []).push(r);
}
// an engine that did not run (BENCH_PG=0 or BENCH_SQLITE=0) keeps its column, size and summary
// from the section already in the results file
const kept = { cells: {}, lines: {}, sizes: {} };
let old = [];
if (fs.existsSync(results)) {
  const text = fs.readFileSync(results, "utf8");
  const from = text.indexOf("<!-- search: from"), to = text.indexOf("<!-- search: end -->");
  if (from >= 0 && to > from) old = text.slice(from, to).split("\n");
}
let oldEngines = [];
for (const l of old) {
  const head = l.match(/^\| query \| what \| (.*) \|$/);
  if (head) oldEngines = head[1].split(" | ").map((c) => c.replace(/ p50 \/ p99 ms \(rows\)$/, ""));
  const row = l.match(/^\| `(.*)` \| (.*?) \| (.*) \|$/);
  if (row && oldEngines.length) {
    const cells = row[3].split(" | ");
    oldEngines.forEach((e, i) => { (kept.cells[e] ||= {})[row[1]] = cells[i]; });
    rows[row[1]] ||= { what: row[2], by: {} };
  }
  const size = l.match(/^Size of the tips \(table and indexes\) on (\w+): /);
  if (size) kept.sizes[size[1]] = l;
  const sum = l.match(/^- (\w+): /);
  if (sum) kept.lines[sum[1]] = l.startsWith(`- ${sum[1]}: (kept`) ? l : l.replace(`- ${sum[1]}: `, `- ${sum[1]}: (kept from the previous run) `);
}
const all = ["SQLite", "PostgreSQL"].filter((e) => engines.includes(e) || kept.cells[e]);
const f = (x) => x.toFixed(1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const cell = (e, q, rs) => rs ? `${f(median(rs.map((r) => r.p50)))} / ${f(Math.max(...rs.map((r) => r.p99)))} (${rs[0].hits})` : engines.includes(e) ? "—" : (kept.cells[e]?.[q] ?? "—");
for (const e of all) console.log(engines.includes(e) ? `Size of the tips (table and indexes) on ${e}: ${fs.readFileSync(`${dir}/${e}.size`, "utf8").trim()}.` : (kept.sizes[e] ?? ""));
console.log();
console.log(`| query | what | ${all.map((e) => `${e} p50 / p99 ms (rows)`).join(" | ")} |`);
console.log(`|---|---|${all.map(() => "---").join("|")}|`);
for (const [q, r] of Object.entries(rows))
  console.log(`| \`${q}\` | ${r.what} | ${all.map((e) => cell(e, q, r.by[e])).join(" | ")} |`);
console.log();
for (const e of all) {
  if (!engines.includes(e)) {
    if (kept.lines[e]) console.log(kept.lines[e]);
    continue;
  }
  const indexed = Object.entries(rows).filter(([q, r]) => q.length >= 3 && r.by[e]).map(([, r]) => median(r.by[e].map((x) => x.p50)));
  const worst = Math.max(...indexed);
  const loads = fs.readFileSync(`${dir}/${e}.load`, "utf8").trim().split("\n").join("; ");
  console.log(`- ${e}: median p50 of the indexed queries ${f(median(indexed))} ms, worst ${f(worst)} ms — budget p50 < 20 ms: ${worst < 20 ? "met for every query" : "**not met** for the worst"} (load averages of the rounds: ${loads}).`);
}' "$work" "$results" "$@"
}

engines=""
[ "$sq" = 1 ] && engines="SQLite"
[ "$pg" = 1 ] && engines="$engines PostgreSQL"
section="$work/section.md"
{
	echo "<!-- search: from this line to the end marker, written by bench/search.sh -->"
	echo "## Search over $count tips (bench/search.sh, $(date -u +%Y-%m-%d))"
	echo
	echo "GET /api/v1/tips?q=…&order=newest&limit=50 as an officer, one request at a time, $runs runs per"
	echo "query after 3 unmeasured, $rounds rounds on the same data (p50: the median of the rounds' p50s;"
	echo "p99: the worst round's); server with $sthreads threads on this machine; latency seen by the client."
	[ "$sq" = 1 ] && [ "$pg" = 1 ] || echo "Engines not run this time keep the figures of the previous run (marked)."
	# shellcheck disable=SC2086
	table $engines
	echo "<!-- search: end -->"
} >"$section"
if grep -q '^<!-- search: from' "$results"; then
	awk -v f="$section" '
		/^<!-- search: from/ { while ((getline l < f) > 0) print l; skip = 1; next }
		/^<!-- search: end -->/ { skip = 0; next }
		!skip { print }' "$results" >"$work/results.md"
	cat "$work/results.md" >"$results"
else
	{ echo; cat "$section"; } >>"$results"
fi
cat "$section"
