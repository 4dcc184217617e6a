#!/bin/sh
# bench/http.sh: the HTTP benchmarks of DESIGN §6, run side by side on this machine with wrk, and their
# figures written into bench/RESULTS.md next to the budgets they are held to.
#
#   1. GET /healthz on tiengmo against bench/hello.c, a bare libmicrohttpd hello-world started with the
#      same daemon flags (built here with cc; not part of the product). Rounds alternate between the two
#      so that drift in the machine hits both alike. Budget: tiengmo ≥ 90 % of hello-world.
#   2. GET /api/v1/units?limit=50 as a logged-in admin over 200 units (a page of 50 records), on SQLite
#      and on PostgreSQL. Budget: ≥ 15,000 req/s with p99 < 10 ms.
#   3. Durable writes: POST /api/v1/units (a residential group with a fresh code, bench/write.lua;
#      one transaction with the row and its audit entry) next to raw inserts of a row of the same size
#      with the same durability (bench/rawinsert.c: one transaction per row; SQLite WAL +
#      synchronous=FULL, PostgreSQL fsync=on + synchronous_commit=on), on each engine. The raw figure
#      is the better of 1 writer and as many writers as the server has threads. Budget: the API's
#      writes ≥ 70 % of the raw inserts.
# PostgreSQL is a throwaway cluster from scripts/pg-test.sh, started with fsync on
# (TIENGMO_PG_DURABLE=1) and stopped at the end; it and the SQLite files live under TMPDIR, which
# must be a real disk (not tmpfs) for the durable figures to mean anything. BENCH_PG=0 skips it.
#
# Usage: bench/http.sh            (make bench builds build/tiengmo and installs wrk first)
# Environment: TIENGMO_BIN (default build/tiengmo), BENCH_SECONDS per run (10), BENCH_ROUNDS of the
# healthz pair (2), BENCH_CONNECTIONS (64), BENCH_THREADS wrk threads (2), BENCH_SERVER_THREADS (2),
# BENCH_PORT first port to try (18080), BENCH_RESULTS (bench/RESULTS.md).
# wrk waits up to 10 s for an answer (a loaded machine makes 2 s, its default, too short for writes).
# Servers log to /dev/null. Exits non-zero only when the benchmark itself could not run (a server that
# does not start, a request that fails); a missed budget is reported, in the file and on stdout.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
bin=${TIENGMO_BIN:-build/tiengmo}
case "$bin" in /*) ;; *) bin="$top/$bin" ;; esac
secs=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-2}
conns=${BENCH_CONNECTIONS:-64}
wthreads=${BENCH_THREADS:-2}
sthreads=${BENCH_SERVER_THREADS:-2}
results=${BENCH_RESULTS:-bench/RESULTS.md}

pg=${BENCH_PG:-1}

die() {
	echo "bench/http.sh: $*" >&2
	exit 1
}
[ -x "$bin" ] || die "no tiengmo binary at '$bin' (run make, or set TIENGMO_BIN)"
command -v wrk >/dev/null || die "wrk is not installed (scripts/deps.sh bench installs it)"
command -v curl >/dev/null || die "curl is not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/tiengmo-bench.XXXXXX")
pids=""
export TIENGMO_PG_STATE="$work/pg.state"
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	[ -f "$TIENGMO_PG_STATE" ] && scripts/pg-test.sh stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody answers on, from $1 up.
free_port() {
	p=$1
	while [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$p/" 2>/dev/null)" != 000 ]; do
		p=$((p + 1))
	done
	echo "$p"
}

wait_up() {
	i=0
	until curl -sf -o /dev/null "http://127.0.0.1:$1/healthz"; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "$2 did not start on port $1"
		sleep 0.1
	done
}

# wrk's latency figure in milliseconds ("850.00us", "1.23ms", "1.02s").
to_ms() {
	echo "$1" | awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) ; else if ($1 ~ /m$/) v *= 60000; else if ($1 ~ /s$/) v *= 1000; printf "%.2f", v }'
}

# CPU time (user + system) a process has used, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run NAME PID URL [HEADER]: one wrk run against the server PID; leaves "rps p50 p99 cpu_us" in
# $work/NAME.fig (cpu_us: the server's CPU microseconds per request) and fails on errors.
run() {
	name=$1 spid=$2 url=$3
	shift 3
	out="$work/$name.txt"
	t0=$(ticks "$spid")
	if [ -n "${WRK_SCRIPT:-}" ]; then
		wrk -t"$wthreads" -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$WRK_SCRIPT" "$url" >"$out"
	elif [ $# -gt 0 ]; then
		wrk -t"$wthreads" -c"$conns" -d"${secs}s" --timeout 10s --latency -H "$1" "$url" >"$out"
	else
		wrk -t"$wthreads" -c"$conns" -d"${secs}s" --timeout 10s --latency "$url" >"$out"
	fi
	if grep -q -E 'Non-2xx|Socket errors' "$out"; then
		cat "$out" >&2
		die "$name: some requests failed (see above)"
	fi
	t1=$(ticks "$spid")
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	reqs=$(awk '/requests in/ { print $1 }' "$out")
	cpu=$(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN { printf "%.1f", d * 1e6 / hz / n }')
	echo "$rps $p50 $p99 $cpu" >"$work/$name.fig"
	printf '  %-12s %8s req/s   p50 %6s ms   p99 %6s ms   server CPU %6s us/request\n' "$name" "$rps" "$p50" "$p99" "$cpu"
}

warm() {
	if [ $# -gt 1 ]; then
		wrk -t"$wthreads" -c"$conns" -d3s -H "$2" "$1" >/dev/null
	else
		wrk -t"$wthreads" -c"$conns" -d3s "$1" >/dev/null
	fi
}

# mean of column $2 over files $1* (req/s, p50) or their max (p99)
mean() { cat "$work"/$1*.fig | awk -v c="$2" '{ s += $c; n++ } END { printf (c == 1 ? "%.0f" : c == 4 ? "%.1f" : "%.2f"), s / n }'; }
maxof() { cat "$work"/$1*.fig | awk -v c="$2" '$c > m { m = $c } END { printf "%.2f", m }'; }

# --- the yardsticks ----------------------------------------------------------------------------
echo "== building the yardsticks: hello-world (bench/hello.c), raw inserts (bench/rawinsert.c)"
cc -O2 -o "$work/hello" bench/hello.c $(pkg-config --cflags --libs libmicrohttpd)
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -o "$work/rawinsert" bench/rawinsert.c \
	$(pkg-config --cflags --libs sqlite3 libpq) -lpthread

hport=$(free_port "${BENCH_PORT:-18080}")
"$work/hello" "$hport" "$sthreads" 2>/dev/null &
hpid=$!
pids="$pids $hpid"
wait_up "$hport" hello-world

# --- tiengmo on each engine ----------------------------------------------------------------------
export TIENGMO_DATA_DIR="$work/data"
mkdir -p "$TIENGMO_DATA_DIR"
# 1 province, 1 commune, 18 blocks, 180 residential groups = 200 units
{
	echo "code,name,kind,parent_code"
	echo "BT,Tỉnh Bến Thử,province,"
	echo "BT-VD,Phường Vĩnh Điện Thử,commune,BT"
	b=1
	while [ $b -le 18 ]; do
		echo "BT-VD-K$b,Khối phố $b,block,BT-VD"
		g=1
		while [ $g -le 10 ]; do
			echo "BT-VD-K$b-T$g,Tổ dân phố $g khối $b,group,BT-VD-K$b"
			g=$((g + 1))
		done
		b=$((b + 1))
	done
} >"$work/units.csv"
password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

# start_tiengmo ENGINE DB: a fresh database DB with the 200 units and the bench admin, served on a
# free port by a tiengmo of its own, logged in. Sets port, spid, cookie, csrf and page.
start_tiengmo() {
	eng=$1
	export TIENGMO_DB="$2"
	echo "== preparing tiengmo on $eng: a fresh database, a user, 200 units"
	"$bin" migrate >/dev/null 2>&1 || "$bin" migrate
	"$bin" import units "$work/units.csv" >/dev/null || die "$eng: tiengmo import units failed"
	echo "$password" | "$bin" user add --username bench --role admin --password-stdin >/dev/null ||
		die "$eng: tiengmo user add failed"
	port=$(free_port $((hport + 1)))
	"$bin" serve --listen "127.0.0.1:$port" --threads "$sthreads" >/dev/null 2>&1 &
	spid=$!
	pids="$pids $spid"
	wait_up "$port" "tiengmo on $eng"
	login=$(curl -s -i -H 'Content-Type: application/json' \
		-d "{\"username\":\"bench\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/v1/session")
	cookie=$(printf '%s\n' "$login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: *\(tiengmo_session=[^;]*\).*/\1/p' | head -n 1)
	csrf=$(printf '%s\n' "$login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' | head -n 1)
	[ -n "$cookie" ] && [ -n "$csrf" ] ||
		die "$eng: could not log in as the bench user: $(printf '%s' "$login" | head -n 1)"
	page="http://127.0.0.1:$port/api/v1/units?limit=50"
	n=$(curl -s -H "Cookie: $cookie" "$page" | grep -o '"kind"' | wc -l)
	[ "$n" -eq 50 ] || die "$eng: GET /api/v1/units?limit=50 gave $n units, not 50"
}

# writes ENGINE RAWURL: the durable-write runs on the server started last — POST /api/v1/units under
# a block of its own, then the raw inserts into RAWURL with 1 writer and with $sthreads writers.
writes() {
	eng=$1 rawurl=$2
	base="http://127.0.0.1:$port/api/v1/units"
	commune=$(curl -s -H "Cookie: $cookie" "$base?limit=200" |
		grep -o '"id":[0-9]*,"parent_id":[0-9]*,"kind":"commune","code":"BT-VD"' | sed 's/^"id":\([0-9]*\),.*/\1/')
	[ -n "$commune" ] || die "$eng: the bench commune is not in the unit list"
	made=$(curl -s -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d "{\"parent_id\":$commune,\"kind\":\"block\",\"code\":\"BT-VD-W\",\"name\":\"Khối phố ghi thử\"}" "$base")
	parent=$(printf '%s' "$made" | sed -n 's/^{"data":{"id":\([0-9]*\),.*/\1/p')
	[ -n "$parent" ] || die "$eng: could not add the block the writes go under: $made"
	echo "== durable writes on $eng: POST /api/v1/units, then raw inserts of the same rows"
	BENCH_RUN="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')" BENCH_PARENT=$parent BENCH_COOKIE=$cookie BENCH_CSRF=$csrf
	export BENCH_RUN BENCH_PARENT BENCH_COOKIE BENCH_CSRF
	WRK_SCRIPT="$top/bench/write.lua"
	run "write-$eng" "$spid" "$base"
	WRK_SCRIPT=""
	writers=1
	[ "$sthreads" = 1 ] || writers="1 $sthreads"
	for w in $writers; do
		out=$("$work/rawinsert" "$rawurl" "$secs" "$w") || die "$eng: the raw inserts failed"
		echo "$out" | awk '{ printf "%s %s %s -\n", $1, $2, $3 }' >"$work/raw-$eng-$w.fig"
		printf '  %-12s %8s ins/s   p50 %6s ms   p99 %6s ms   (%s writer(s))\n' "raw-$eng" \
			$(echo "$out" | cut -d' ' -f1-3) "$w"
	done
}

start_tiengmo sqlite "sqlite:$work/data/tiengmo.db"
tport=$port tpid=$spid tcookie=$cookie

# --- the runs ------------------------------------------------------------------------------------
echo "== warm-up (3 s each)"
warm "http://127.0.0.1:$hport/healthz"
warm "http://127.0.0.1:$tport/healthz"
warm "$page" "Cookie: $cookie"

echo "== /healthz, tiengmo next to hello-world: $rounds round(s), ${secs} s each, $conns connections, $wthreads wrk threads"
r=1
while [ $r -le "$rounds" ]; do
	run "hello-$r" "$hpid" "http://127.0.0.1:$hport/healthz"
	run "healthz-$r" "$tpid" "http://127.0.0.1:$tport/healthz"
	r=$((r + 1))
done
echo "== GET /api/v1/units?limit=50, logged in, SQLite"
run "units-1" "$tpid" "$page" "Cookie: $tcookie"
writes sqlite "sqlite:$work/data/raw.db"
# the SQLite servers are done: stop them, so that they hold no memory or sockets during the rest
for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
pids=""

if [ "$pg" = 1 ]; then
	echo "== starting a throwaway PostgreSQL cluster with fsync on (scripts/pg-test.sh)"
	pgbase=$(TIENGMO_PG_DURABLE=1 scripts/pg-test.sh start) || die "the PostgreSQL cluster did not start"
	psql -X -q -d "$pgbase" -c "CREATE DATABASE bench" || die "could not create the bench database"
	pgurl=$(echo "$pgbase" | sed 's|/postgres?|/bench?|')
	pgver=$(psql -X -At -d "$pgurl" -c "SHOW server_version" | cut -d' ' -f1)
	pgdur=$(psql -X -At -d "$pgurl" -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')")
	start_tiengmo postgres "$pgurl"
	warm "$page" "Cookie: $cookie"
	echo "== GET /api/v1/units?limit=50, logged in, PostgreSQL"
	run "units-pg" "$spid" "$page" "Cookie: $cookie"
	writes pg "$pgurl"
fi

# --- the figures ---------------------------------------------------------------------------------
h_rps=$(mean hello- 1) h_p50=$(mean hello- 2) h_p99=$(maxof hello- 3) h_cpu=$(mean hello- 4)
z_rps=$(mean healthz- 1) z_p50=$(mean healthz- 2) z_p99=$(maxof healthz- 3) z_cpu=$(mean healthz- 4)
read -r u_rps u_p50 u_p99 u_cpu <"$work/units-1.fig"
ratio=$(awk -v a="$z_rps" -v b="$h_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
# the same ratio from CPU per request: what /healthz would reach if each server had the cores to itself
cratio=$(awk -v a="$z_cpu" -v b="$h_cpu" 'BEGIN { printf "%.0f", 100 * b / a }')
load=$(cut -d' ' -f1-3 /proc/loadavg)
yesno() { if [ "$1" = 1 ]; then echo "**met**"; else echo "**not met**"; fi; }
met_h=$(awk -v r="$ratio" 'BEGIN { print (r >= 90) }')
met_u=$(awk -v r="$u_rps" 'BEGIN { print (r >= 15000) }')
met_p=$(awk -v p="$u_p99" 'BEGIN { print (p < 10) }')
# best raw figure of an engine (its fig files: "rps p50 p99 -"), and the writers that gave it
best_raw() { for f in "$work"/raw-$1-*.fig; do echo "$(cut -d' ' -f1 "$f") ${f##*-}"; done | sort -n | tail -n 1 | sed 's/\.fig$//'; }
# write_budget ENGINE: "api_rps raw_rps writers ratio met"
write_budget() {
	read -r a _ <"$work/write-$1.fig"
	set -- "$a" $(best_raw "$1")
	awk -v a="$1" -v b="$2" -v w="$3" 'BEGIN { r = 100 * a / b; printf "%s %s %s %.0f %d", a, b, w, r, (r >= 70) }'
}
set -- $(write_budget sqlite)
ws_rps=$1 ws_raw=$2 ws_w=$3 ws_ratio=$4 met_ws=$5

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
mhd=$(pkg-config --modversion libmicrohttpd)
sqlv=$(pkg-config --modversion sqlite3)
wrkv=$(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }')
ver=$("$bin" --version 2>/dev/null | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
fs=$(df -T "$work" | awk 'NR == 2 { print $2 " on " $1 }')
notes=""
if [ -f "$results" ] && grep -q '^<!-- notes' "$results"; then
	notes=$(sed -n '/^<!-- notes/,$p' "$results")
fi

# row LABEL FIGFILE: a table row from "rps p50 p99 cpu" ("-" for no CPU figure)
row() {
	read -r a b c d <"$2"
	if [ "$d" = - ]; then d="—"; else d="$d µs"; fi
	echo "| $1 | $a | $b ms | $c ms | $d |"
}

{
	echo "# HTTP benchmark results"
	echo
	echo "Written by \`bench/http.sh\` (\`make bench\`); the figures above the notes are replaced on every run."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $cpu, $(nproc) cores, $mem, $os, kernel $(uname -r); databases on $fs"
	echo "- software: $ver (commit $commit), libmicrohttpd $mhd, SQLite $sqlv,$([ "$pg" = 1 ] && echo " PostgreSQL $pgver,") wrk $wrkv"
	echo "- load: wrk on the same machine, $wthreads threads, $conns connections, ${secs} s per run after a 3 s"
	echo "  warm-up (none before writes); both servers with $sthreads worker threads (epoll, turbo); tiengmo's access"
	echo "  log to /dev/null; a database with 200 units (1 province, 1 commune, 18 blocks, 180 groups), logged"
	echo "  in as an admin; the same for each engine, one engine after the other"
	echo "- durability: SQLite WAL + synchronous=FULL (tiengmo and the raw inserts alike)$([ "$pg" = 1 ] && echo "; PostgreSQL $pgdur (a throwaway cluster from \`scripts/pg-test.sh\` with \`TIENGMO_PG_DURABLE=1\`, on a Unix socket)")"
	echo "- /healthz rows: mean req/s and p50 over $rounds alternating rounds, worst p99. Raw-insert rows:"
	echo "  \`bench/rawinsert.c\`, one transaction per row of the same size as the API's, no HTTP"
	echo "- load average when the runs ended: $load (on a shared machine, req/s moves with whatever else"
	echo "  runs; server CPU per request does not, and says where tiengmo itself stands)"
	echo
	echo "| scenario | req/s | p50 | p99 | server CPU per request |"
	echo "|---|---:|---:|---:|---:|"
	echo "| bare libmicrohttpd hello-world (\`bench/hello.c\`) | $h_rps | $h_p50 ms | $h_p99 ms | $h_cpu µs |"
	echo "| tiengmo \`GET /healthz\` | $z_rps | $z_p50 ms | $z_p99 ms | $z_cpu µs |"
	echo "| tiengmo \`GET /api/v1/units?limit=50\` (page of 50, session cookie), SQLite | $u_rps | $u_p50 ms | $u_p99 ms | $u_cpu µs |"
	[ "$pg" = 1 ] && row "tiengmo \`GET /api/v1/units?limit=50\` (page of 50, session cookie), PostgreSQL" "$work/units-pg.fig"
	row "tiengmo \`POST /api/v1/units\` (durable write + audit entry), SQLite" "$work/write-sqlite.fig"
	for f in "$work"/raw-sqlite-*.fig; do
		w=${f##*-}; w=${w%.fig}
		row "raw insert, SQLite WAL + synchronous=FULL, $w writer(s)" "$f"
	done
	if [ "$pg" = 1 ]; then
		row "tiengmo \`POST /api/v1/units\` (durable write + audit entry), PostgreSQL" "$work/write-pg.fig"
		for f in "$work"/raw-pg-*.fig; do
			w=${f##*-}; w=${w%.fig}
			row "raw insert, PostgreSQL synchronous_commit=on, $w connection(s)" "$f"
		done
	fi
	echo
	echo "## Budgets (DESIGN §6)"
	echo
	echo "| budget | measured | |"
	echo "|---|---:|---|"
	echo "| \`/healthz\` ≥ 90 % of hello-world | $ratio % (by CPU per request: $cratio %) | $(yesno "$met_h") |"
	echo "| page of 50 ≥ 15,000 req/s, SQLite | $u_rps req/s | $(yesno "$met_u") |"
	echo "| page of 50 p99 < 10 ms, SQLite | $u_p99 ms | $(yesno "$met_p") |"
	if [ "$pg" = 1 ]; then
		read -r g_rps _ g_p99 _ <"$work/units-pg.fig"
		echo "| page of 50 ≥ 15,000 req/s, PostgreSQL | $g_rps req/s | $(yesno "$(awk -v r="$g_rps" 'BEGIN { print (r >= 15000) }')") |"
		echo "| page of 50 p99 < 10 ms, PostgreSQL | $g_p99 ms | $(yesno "$(awk -v p="$g_p99" 'BEGIN { print (p < 10) }')") |"
	fi
	echo "| durable writes ≥ 70 % of raw inserts, SQLite | $ws_ratio % ($ws_rps against $ws_raw with $ws_w writer(s)) | $(yesno "$met_ws") |"
	if [ "$pg" = 1 ]; then
		set -- $(write_budget pg)
		echo "| durable writes ≥ 70 % of raw inserts, PostgreSQL | $4 % ($1 against $2 with $3 connection(s)) | $(yesno "$5") |"
	fi
	echo
	if [ -n "$notes" ]; then
		printf '%s\n' "$notes"
	else
		echo "<!-- notes: everything from this line down is kept by bench/http.sh -->"
		echo "## Notes"
		echo
		echo "(none yet)"
	fi
} >"$results"

echo "== results in $results"
echo "  /healthz at $ratio % of hello-world (budget ≥ 90 %): $(yesno "$met_h" | tr -d '*'); by CPU per request $cratio %"
echo "  page of 50 on SQLite: $u_rps req/s (budget ≥ 15,000): $(yesno "$met_u" | tr -d '*'); p99 $u_p99 ms (budget < 10 ms): $(yesno "$met_p" | tr -d '*')"
echo "  durable writes on SQLite: $ws_ratio % of raw inserts (budget ≥ 70 %): $(yesno "$met_ws" | tr -d '*')"
if [ "$pg" = 1 ]; then
	set -- $(write_budget pg)
	echo "  page of 50 on PostgreSQL: $(cut -d' ' -f1 "$work/units-pg.fig") req/s; durable writes: $4 % of raw inserts: $(yesno "$5" | tr -d '*')"
fi
