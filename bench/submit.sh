#!/bin/sh
# bench/submit.sh: durable tip submission (DESIGN §6: a durable write ≥ 70 % of raw inserts with the
# same durability). POST /api/v1/public/tips (JSON, no files; bench/tip.lua) at CONNECTIONS
# connections for SECONDS, next to bench/rawinsert.c inserting rows padded to a tip's size (the
# description and its folded copy, about 420 bytes more than a unit row) with one transaction per row,
# the better of 1 writer and as many as the server has threads (at most 64). The server runs with its
# default number of threads (16 per core: a batch of SQLite transactions holds at most one per
# thread; BENCH_SERVER_THREADS overrides it, and the figure says which it ran) and --trusted-proxy
# 127.0.0.1 and each request names its own X-Forwarded-For address, so the per-address limit is checked
# and counted on every request but never reached. SQLite (WAL, synchronous=FULL), then PostgreSQL
# (fsync on, a throwaway cluster; BENCH_PG=0 skips it). Prints the figures; nothing is written to
# bench/RESULTS.md (copy them there with the machine's load at the time).
#
# Usage: TIENGMO_BIN=build/tiengmo bench/submit.sh
# Environment: SECONDS_RUN (10), CONNECTIONS (64), BENCH_SERVER_THREADS (the server's default), BENCH_PORT
# (18480), PAD (420), BENCH_PERF=1 (also prints the server's CPU, context switches and pwrite/pread/
# fdatasync calls per tip over the wrk run, from perf stat: needs perf and its tracepoints).
set -eu
cd "$(dirname "$0")/.."
bin=${TIENGMO_BIN:-build/tiengmo}
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
secs=${SECONDS_RUN:-10}
conns=${CONNECTIONS:-64}
cores=$(nproc)
sthreads=${BENCH_SERVER_THREADS:-$((16 * cores > 256 ? 256 : 16 * cores))} # src/cmd/serve.c's default
rthreads=$((sthreads > 64 ? 64 : sthreads))
pad=${PAD:-420}
pg=${BENCH_PG:-1}
perf=${BENCH_PERF:-0}
die() {
	echo "bench/submit.sh: $*" >&2
	exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/tiengmo-submit.XXXXXX")
pids=""
export TIENGMO_PG_STATE="$work/pg.state"
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	[ -f "$TIENGMO_PG_STATE" ] && scripts/pg-test.sh stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -o "$work/rawinsert" bench/rawinsert.c \
	$(pkg-config --cflags --libs sqlite3 libpq) -lpthread
printf 'code,name,kind,parent_code\nBT,Tỉnh Bến Thử,province,\nBT-VD,Phường Vĩnh Điện Thử,commune,BT\nBT-VD-K1,Khối phố 1,block,BT-VD\n' >"$work/units.csv"
export TIENGMO_DATA_DIR="$work/data"
mkdir -p "$TIENGMO_DATA_DIR"

# one ENGINE DBURL RAWURL
one() {
	eng=$1
	export TIENGMO_DB="$2"
	"$bin" migrate >/dev/null
	"$bin" import units "$work/units.csv" >/dev/null
	port=${BENCH_PORT:-18480}
	targs=""
	[ -z "${BENCH_SERVER_THREADS:-}" ] || targs="--threads $sthreads"
	# shellcheck disable=SC2086 # targs is empty or one flag and its number
	"$bin" serve --listen "127.0.0.1:$port" --trusted-proxy 127.0.0.1 $targs >/dev/null 2>&1 &
	spid=$!
	pids="$pids $spid"
	i=0
	until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
		i=$((i + 1)); [ $i -lt 100 ] || die "$eng: tiengmo did not start"; sleep 0.1
	done
	unit=$(curl -s "http://127.0.0.1:$port/api/v1/public/units" | sed -n 's/.*"id":\([0-9]*\),[^}]*"kind":"block".*/\1/p' | head -n 1)
	[ -n "$unit" ] || die "$eng: no block"
	ppid=""
	if [ "$perf" = 1 ]; then
		perf stat -x, -e task-clock,context-switches,syscalls:sys_enter_pwrite64,syscalls:sys_enter_pread64,syscalls:sys_enter_fdatasync \
			-p "$spid" -o "$work/$eng.perf" -- sleep "$secs" &
		ppid=$!
	fi
	BENCH_UNIT=$unit wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency -s bench/tip.lua \
		"http://127.0.0.1:$port/api/v1/public/tips" >"$work/$eng.wrk"
	[ -z "$ppid" ] || wait "$ppid" || true
	grep -q -E 'Non-2xx|Socket errors' "$work/$eng.wrk" && { cat "$work/$eng.wrk"; die "$eng: requests failed"; }
	api=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/$eng.wrk")
	p99=$(awk '$1 == "99%" { print $2 }' "$work/$eng.wrk")
	kill "$spid"; wait "$spid" 2>/dev/null || true
	r1=$("$work/rawinsert" "$3" "$secs" 1 "$pad" | awk '{ print $1 }')
	r2=$("$work/rawinsert" "$3" "$secs" "$rthreads" "$pad" | awk '{ print $1 }')
	raw=$(echo "$r1 $r2" | awk '{ printf "%.0f", ($1 > $2 ? $1 : $2) }')
	echo "$eng: API $api tips/s (p99 $p99, $sthreads server threads) vs raw $raw inserts/s (1 writer $r1, $rthreads writers $r2): $(echo "$api $raw" | awk '{ printf "%.0f", 100 * $1 / $2 }') % (budget ≥ 70 %)"
	if [ "$perf" = 1 ]; then
		# per tip over the wrk run: the server's CPU, context switches, pwrite/pread/fdatasync calls
		awk -F, -v n="$(awk '/requests in/ { print $1 }' "$work/$eng.wrk")" -v eng="$eng" '
			$3 == "task-clock" { cpu = $1 } $3 == "context-switches" { cs = $1 }
			$3 ~ /pwrite64/ { pw = $1 } $3 ~ /pread64/ { pr = $1 } $3 ~ /fdatasync/ { fs = $1 }
			END { printf "%s per tip: %.2f ms CPU, %.1f context switches, %.1f pwrite, %.1f pread, %.2f fdatasync (%d tips)\n",
				eng, cpu / n, cs / n, pw / n, pr / n, fs / n, n }' "$work/$eng.perf"
	fi
}
one SQLite "sqlite:$work/data/tiengmo.db" "sqlite:$work/raw.db"
if [ "$pg" = 1 ]; then
	url=$(TIENGMO_PG_DURABLE=1 scripts/pg-test.sh start) || die "cannot start PostgreSQL"
	psql -X -q -d "$url" -c 'CREATE DATABASE submit_bench' -c 'CREATE DATABASE submit_raw'
	one PostgreSQL "$(echo "$url" | sed 's|/postgres?|/submit_bench?|')" "$(echo "$url" | sed 's|/postgres?|/submit_raw?|')"
fi
