#!/bin/sh
# bench/sse/run.sh: the live event fan-out benchmark behind `make bench-sse` (DESIGN §6: one event to
# 10,000 open streams with p99 < 250 ms and RSS < 100 MiB; a stalled reader delays nobody). Builds the
# C load client (bench/sse/fanout.c), runs it RUNS times on 10,000 streams and RUNS times on 2,000
# streams with 10 % of them stalled (their sockets filled first), prints every run as JSON and writes a
# table of them, with the machine's load average, between the bench-sse markers of bench/RESULTS.md
# (BENCH_WRITE=0 only prints). The figures above the markers (what moved them) are written by hand.
#
# Usage: TIENGMO_BIN=build/tiengmo bench/sse/run.sh
# Environment: RUNS (3), STREAMS (10000), STALLED_STREAMS (2000), FILL (300), BENCH_WRITE (1).
set -eu
cd "$(dirname "$0")/../.."
bin=${TIENGMO_BIN:-build/tiengmo}
runs=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/tiengmo-bench-sse.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$work/fanout" bench/sse/fanout.c \
	$(pkg-config --cflags --libs jansson)
status=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	TIENGMO_BIN="$bin" "$work/fanout" --json --streams "${STREAMS:-10000}" --events 5 \
		>>"$work/runs.jsonl" || status=1
	TIENGMO_BIN="$bin" "$work/fanout" --json --streams "${STALLED_STREAMS:-2000}" --stalled 0.1 \
		--fill "${FILL:-300}" --events 10 >>"$work/runs.jsonl" || status=1
done
cat "$work/runs.jsonl"
[ "${BENCH_WRITE:-1}" = 1 ] || exit "$status"

# the table, from the JSON lines (node is the test runner's, already needed by `make test`)
LOAD_BEFORE="$load_before" COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo -)" node -e '
const fs = require("fs");
const rows = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
const f = (n) => n.toLocaleString("en-US");
const out = [];
out.push(`Last \`make bench-sse\`: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, commit ${process.env.COMMIT}, ` +
  `load average before the runs ${process.env.LOAD_BEFORE} (2 cores; the client runs on the same machine).`);
out.push("");
out.push("| streams | stalled | events | delivered | tip POST ms | p50 ms | p99 ms | max ms | RSS idle → open → after (MiB) | anonymous RSS idle → open (MiB) | streams open at the end | load (1 min) |");
out.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows)
  out.push(`| ${f(r.streams)} | ${f(r.stalled)} | ${r.events} | ${f(r.delivered)} / ${f(r.expected)} | ${r.post_ms_median} | ${r.p50_ms} | ` +
    `${r.p99_ms} | ${r.max_ms} | ${r.rss_idle_mib} → ${r.rss_open_mib} → ${r.rss_after_mib} | ${r.anon_idle_mib} → ${r.anon_open_mib} | ` +
    `${f(r.open_streams_end)} | ${r.load1} |`);
const file = "bench/RESULTS.md";
const text = fs.readFileSync(file, "utf8");
const begin = "<!-- bench-sse:begin -->", end = "<!-- bench-sse:end -->";
const a = text.indexOf(begin), b = text.indexOf(end);
if (a < 0 || b < a) { console.error("bench/sse/run.sh: no bench-sse markers in bench/RESULTS.md"); process.exit(1); }
fs.writeFileSync(file, text.slice(0, a + begin.length) + "\n" + out.join("\n") + "\n" + text.slice(b));
' "$work/runs.jsonl"
echo "bench/sse/run.sh: table written to bench/RESULTS.md" >&2
exit "$status"
