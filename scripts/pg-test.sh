#!/bin/sh
# A throwaway PostgreSQL cluster for the test suites, so that every suite also runs on PostgreSQL.
# Usage: scripts/pg-test.sh start|stop|url
#   start  creates a cluster in a new temporary directory, serves it on a Unix socket in that
#          directory only (no TCP), and prints its base URL (database "postgres", user "tiengmo",
#          trust authentication: the socket directory is private to this cluster)
#   url    prints the base URL of the running cluster
#   stop   stops the cluster and removes its directory
# The state file (TIENGMO_PG_STATE, default /tmp/tiengmo-pg-test.UID) remembers the directory, so
# give each concurrent run its own. Installs nothing: Debian's postgresql package comes from
# `scripts/deps.sh test`. Works as root (the server then runs as the postgres user, since initdb and
# postgres refuse root) and as a normal user. fsync is off: the data is thrown away — unless
# TIENGMO_PG_DURABLE=1, which starts the cluster as a real one would run (fsync, synchronous_commit and
# full_page_writes on) for bench/http.sh's durable-write figures.
set -eu

state=${TIENGMO_PG_STATE:-${TMPDIR:-/tmp}/tiengmo-pg-test.$(id -u)}

die() {
  echo "pg-test: $*" >&2
  exit 1
}

bindir() {
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || die "PostgreSQL is not installed; run 'scripts/deps.sh test'"
  echo "$d"
}

# Runs a command as the cluster's owner: ourselves, or the postgres user when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url_of() {
  echo "postgresql:///postgres?host=$1&user=tiengmo"
}

case "${1:-}" in
start)
  if [ -f "$state" ] && [ -d "$(cat "$state")/data" ]; then
    die "a test cluster is already running in '$(cat "$state")'; run '$0 stop' first"
  fi
  bin=$(bindir)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (from Debian's postgresql package)"
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/tiengmo-pg.XXXXXX")
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  if ! as_owner "$bin/initdb" -D "$dir/data" -U tiengmo -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed"
  fi
  if [ "${TIENGMO_PG_DURABLE:-0}" = 1 ]; then
    durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  else
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir $durability -c max_connections=300" \
      start >/dev/null; then
    cat "$dir/server.log" >&2
    rm -rf "$dir"
    die "the test cluster did not start"
  fi
  echo "$dir" >"$state"
  url_of "$dir"
  ;;
url)
  [ -f "$state" ] || die "no test cluster is running; run '$0 start'"
  url_of "$(cat "$state")"
  ;;
stop)
  [ -f "$state" ] || exit 0
  dir=$(cat "$state")
  if [ -d "$dir/data" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in
  */tiengmo-pg.*) rm -rf "$dir" ;;
  esac
  rm -f "$state"
  ;;
*)
  echo "usage: $0 start|stop|url" >&2
  exit 2
  ;;
esac
