#!/bin/bash
# Runs libFuzzer harnesses, at most JOBS at once, each for SECS seconds.
#   CC=clang meson setup build-fuzz -Dfuzzing=true \
#       -Db_sanitize=address,undefined -Db_lundef=false && ninja -C build-fuzz
#   tests/fuzz/run.sh                  # every harness, 1200 s each, 2 at once
#   SECS=60 tests/fuzz/run.sh html json
# New corpus entries go to $WORK/NAME (seeds are read from corpus/NAME), crash
# inputs to $WORK/artifacts; fork mode keeps fuzzing after a crash.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-fuzz}
SECS=${SECS:-1200}
JOBS=${JOBS:-2}
WORK=${WORK:-${TMPDIR:-/tmp}/pith-fuzz}
[ $# -gt 0 ] || set -- html text decode rules json warc
mkdir -p "$WORK/artifacts"
run_one() {
  mkdir -p "$WORK/$1"
  "$BUILD/tests/fuzz/fuzz_$1" "$WORK/$1" "tests/fuzz/corpus/$1" \
    -dict=tests/fuzz/pith.dict -max_total_time="$SECS" -timeout=20 \
    -rss_limit_mb=2560 -max_len=65536 -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1 \
    -artifact_prefix="$WORK/artifacts/$1-" >"$WORK/$1.log" 2>&1
  echo "$1: done ($(ls "$WORK/artifacts" | grep -c "^$1-") artifacts), log $WORK/$1.log"
}
running=0
for h in "$@"; do
  run_one "$h" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
