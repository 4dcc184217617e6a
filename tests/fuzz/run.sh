#!/bin/sh
# Fuzzes tiengmo's input paths for real (the corpus replay in `meson test --suite fuzz` only re-runs
# the committed inputs). Usage:
#   tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_DRIVER] [DRIVER...]
# BUILD_DIR is configured with -Dfuzz=true and clang (as `make fuzz-replay` does); SECONDS defaults to
# 300 (or $FUZZ_SECONDS); DRIVER defaults to every driver built there. New interesting inputs go to
# BUILD_DIR/fuzz-corpus/<driver>/ (not into the committed corpus); crashes, leaks and timeouts are
# saved under tests/artifacts/fuzz/<driver>/. Once fixed, copy the reproducer into
# tests/fuzz/corpus/<driver>/ under a name that says what it pins. Exits 1 when anything was found.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [SECONDS_PER_DRIVER] [DRIVER...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift
seconds=${FUZZ_SECONDS:-300}
if [ $# -gt 0 ]; then
  case "$1" in *[!0-9]*) ;; *) seconds=$1; shift ;; esac
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
drivers="$*"
if [ -z "$drivers" ]; then
  for exe in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$exe" ] && [ -f "$exe" ] && drivers="$drivers $(basename "$exe")"
  done
fi
if [ -z "$drivers" ]; then
  echo "$0: no fuzz drivers in '$build/tests/fuzz' (configure it with -Dfuzz=true and clang)" >&2
  exit 2
fi

found=0
for d in $drivers; do
  exe="$build/tests/fuzz/$d"
  if [ ! -x "$exe" ]; then
    echo "$0: no driver '$exe'" >&2
    exit 2
  fi
  work="$build/fuzz-corpus/$d"
  crashes="$top/tests/artifacts/fuzz/$d"
  mkdir -p "$work" "$crashes"
  before=$(ls "$crashes" | wc -l)
  echo "== $d for ${seconds}s (new inputs: $work, crashes: $crashes)"
  # -close_fd_mask=1: the drivers print nothing useful on stdout
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      -artifact_prefix="$crashes/" -print_final_stats=1 -close_fd_mask=1 \
      "$work" "$top/tests/fuzz/corpus/$d" 2>"$build/fuzz-$d.log" || true
  tail -n 12 "$build/fuzz-$d.log" | grep -E '^(stat::|Done|#[0-9]+ *DONE)' || true
  after=$(ls "$crashes" | wc -l)
  if [ "$after" -gt "$before" ]; then
    echo "$d: found $((after - before)) new problem input(s) in $crashes (log: $build/fuzz-$d.log)"
    found=1
  fi
done
exit $found
