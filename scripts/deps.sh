#!/bin/sh
# Installs what tiengmo needs from Debian's packages and npm, and nothing else.
# Usage: scripts/deps.sh build|test|bench
# Packages already present are not touched; apt-get runs as root, or through sudo otherwise.
set -eu
what=${1:-build}
cd "$(dirname "$0")/.."

build_pkgs="gcc make meson ninja-build pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
  libpq-dev libsodium-dev liboath-dev libicu-dev libcsv-dev nodejs npm sqlite3"
test_pkgs="$build_pkgs libcmocka-dev clang libclang-rt-14-dev postgresql"
bench_pkgs="$build_pkgs wrk"

case "$what" in
  build) pkgs=$build_pkgs ;;
  test) pkgs=$test_pkgs ;;
  bench) pkgs=$bench_pkgs ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

# npm packages (esbuild, preact for the web app; test tools) from package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
