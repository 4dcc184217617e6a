#!/bin/sh
# Installs what tiengmo needs from Debian's packages and npm, and nothing else.
# Usage: scripts/deps.sh build|test|bench
# Packages already present are not touched; apt-get runs as root, or through sudo otherwise.
set -eu
what=${1:-build}
cd "$(dirname "$0")/.."

build_pkgs="gcc make meson ninja-build pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
  libpq-dev libsodium-dev liboath-dev libicu-dev libcsv-dev libmagic-dev sqlite3 libxml2-dev
  libcurl4-openssl-dev libqrencode-dev libavformat-dev libavcodec-dev libavutil-dev libqpdf-dev"
test_pkgs="$build_pkgs libcmocka-dev clang libclang-rt-14-dev postgresql chromium libxml2-utils
  ffmpeg qpdf"
bench_pkgs="$build_pkgs wrk curl postgresql"

case "$what" in
  build) pkgs=$build_pkgs ;;
  test) pkgs=$test_pkgs ;;
  bench) pkgs=$bench_pkgs ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

# Node.js and npm: any install that provides the commands will do (Debian's, or one that bundles npm).
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

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

# npm packages (esbuild, preact for the web app; playwright-core, axe-core and the other test tools)
# from package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
