#!/bin/sh
# bench/startup.sh: cold start and idle memory of `tiengmo serve` (DESIGN §6: cold start < 100 ms, idle
# RSS < 20 MiB). bench/startup.c starts the server RUNS times on a migrated database and measures the
# time from fork+exec until `GET /healthz` answers 200 (it tries to connect every 100 µs) and the CPU
# time the server used until then (all threads: steadier than the wall time on a shared machine), then,
# the server idle after that one request, VmRSS, RssAnon and RssFile from /proc/PID/status and the
# shared objects it maps. One start per binary is made first and not counted (the key file is created
# then, and the page cache holds the binary and its libraries, as on a restarted server: a cold page
# cache needs root to arrange). SQLite, then PostgreSQL (a throwaway cluster; BENCH_PG=0 skips it). With
# BENCH_BASE_BIN, a second binary (e.g. a build of the commit before a change) runs alternately with
# the first, each on its own database, so the two see the same machine minute. The table, with the
# load average, is written between the bench-startup markers of bench/RESULTS.md (BENCH_WRITE=0 only
# prints).
#
# Usage: TIENGMO_BIN=build/tiengmo bench/startup.sh
# Environment: RUNS (20), BENCH_BASE_BIN (none), BENCH_PG (1), BENCH_PORT (18600), BENCH_WRITE (1).
set -eu
cd "$(dirname "$0")/.."
abs() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
bin=$(abs "${TIENGMO_BIN:-build/tiengmo}")
base=${BENCH_BASE_BIN:-}
[ -z "$base" ] || base=$(abs "$base")
runs=${RUNS:-20}
pg=${BENCH_PG:-1}
port=${BENCH_PORT:-18600}
write=${BENCH_WRITE:-1}
die() {
	echo "bench/startup.sh: $*" >&2
	exit 1
}
[ -x "$bin" ] || die "no binary at $bin"
[ -z "$base" ] || [ -x "$base" ] || die "no binary at $base"
work=$(mktemp -d "${TMPDIR:-/tmp}/tiengmo-startup.XXXXXX")
export TIENGMO_PG_STATE="$work/pg.state"
cleanup() {
	[ -f "$TIENGMO_PG_STATE" ] && scripts/pg-test.sh stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -o "$work/startup" bench/startup.c
bins="$bin"
[ -z "$base" ] || bins="$bin $base"

# prepare ENGINE URL-OF-INDEX…: a migrated database and a data directory per binary
prepare() {
	i=0
	for b in $bins; do
		dir="$work/$1-$i"
		mkdir -p "$dir"
		db=$(eval echo "\$db_$i")
		TIENGMO_DATA_DIR="$dir" TIENGMO_DB="$db" "$b" migrate >/dev/null || die "$1: migrate failed ($b)"
		export "STARTUP_DB_$i=$db" "STARTUP_DIR_$i=$dir"
		i=$((i + 1))
	done
}

# measure ENGINE: runs, one line per start into $work/ENGINE.runs
measure() {
	# shellcheck disable=SC2086
	"$work/startup" "$port" 1 $bins >/dev/null || die "$1: the server did not start"
	# shellcheck disable=SC2086
	"$work/startup" "$port" "$runs" $bins >"$work/$1.runs" || die "$1: the server did not start"
}

db_0="sqlite:$work/sqlite-0/tiengmo.db"
db_1="sqlite:$work/sqlite-1/tiengmo.db"
prepare sqlite
measure sqlite
engines=sqlite
if [ "$pg" = 1 ] && ! command -v psql >/dev/null; then
	echo "bench/startup.sh: no psql, PostgreSQL skipped (scripts/deps.sh test installs it)" >&2
	pg=0
fi
if [ "$pg" = 1 ]; then
	url=$(scripts/pg-test.sh start) || die "cannot start PostgreSQL"
	psql -X -q -d "$url" -c 'CREATE DATABASE startup_0' -c 'CREATE DATABASE startup_1' || die "psql failed"
	db_0=$(echo "$url" | sed 's|/postgres?|/startup_0?|')
	db_1=$(echo "$url" | sed 's|/postgres?|/startup_1?|')
	prepare pg
	measure pg
	engines="sqlite pg"
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

# row ENGINE INDEX: "cold-p50 cold-min cold-max rss-p50 anon-p50 file-p50 libs cpu-p50" (ms, MiB)
row() {
	awk -v i="$2" '$1 == i { n++; c[n] = $2; r[n] = $3; a[n] = $4; f[n] = $5; l = $6; u[n] = $7 }
	function med(v, k, j, t) { # sorts v[1..n] in place, returns its median
		for (k = 2; k <= n; k++) { t = v[k]; for (j = k - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	END { if (!n) exit 1
		cm = med(c); printf "%.1f %.1f %.1f %.1f %.1f %.1f %d %.1f\n", cm, c[1], c[n], med(r) / 1024, med(a) / 1024, med(f) / 1024, l, med(u) }' \
		"$work/$1.runs"
}
name_of() { [ "$1" = sqlite ] && echo SQLite || echo PostgreSQL; }

table="$work/table.md"
{
	echo "Last \`bench/startup.sh\`: $(date -u '+%Y-%m-%d %H:%M') UTC, commit $commit, $runs starts per binary and engine, load average after the runs $load (2 cores, shared)."
	echo
	echo "| engine | binary | cold start p50 (min–max) | CPU until ready p50 | VmRSS idle | RssAnon | RssFile | shared objects mapped |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|"
	for e in $engines; do
		i=0
		for b in $bins; do
			label="\`$(basename "$(dirname "$b")")/$(basename "$b")\`"
			[ "$i" = 0 ] || label="$label (before)"
			set -- $(row "$e" "$i")
			echo "| $(name_of "$e") | $label | **$1 ms** ($2–$3) | $8 ms | **$4 MiB** | $5 MiB | $6 MiB | $7 |"
			i=$((i + 1))
		done
	done
	echo
	echo "| budget (DESIGN §6) | measured | |"
	echo "|---|---:|---|"
	for e in $engines; do
		set -- $(row "$e" 0)
		met_c=$(awk -v x="$1" 'BEGIN { print (x < 100) ? "met" : "**not met**" }')
		met_r=$(awk -v x="$4" 'BEGIN { print (x < 20) ? "met" : "**not met**" }')
		echo "| cold start < 100 ms, $(name_of "$e") | $1 ms | $met_c |"
		echo "| idle RSS < 20 MiB, $(name_of "$e") | $4 MiB | $met_r |"
	done
} >"$table"
cat "$table"
if [ "$write" = 1 ]; then
	node -e '
const fs = require("fs");
const file = "bench/RESULTS.md", begin = "<!-- bench-startup:begin -->", end = "<!-- bench-startup:end -->";
const text = fs.readFileSync(file, "utf8"), a = text.indexOf(begin), b = text.indexOf(end);
if (a < 0 || b < a) { console.error("bench/startup.sh: no bench-startup markers in bench/RESULTS.md"); process.exit(1); }
fs.writeFileSync(file, text.slice(0, a + begin.length) + "\n" + fs.readFileSync(process.argv[1], "utf8") + text.slice(b));
' "$table"
	echo "bench/startup.sh: table written to bench/RESULTS.md" >&2
fi
