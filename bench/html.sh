#!/bin/sh
# HTML benchmark: throughput of pith_clean() over the 181 benchmark pages in
# one process, one core (pages/s, MB/s, beside gumbo's own parse+free time of
# the same pages) and peak RSS; then the extraction score (F1, precision,
# recall) from the same run. See bench/README.md ("HTML").
#
#   bench/html.sh                         # after building build-release
#   BUILD=build-x REPEAT=5 bench/html.sh
#
# Use an optimized build without sanitizers:
#   meson setup build-release --buildtype=release && ninja -C build-release
set -eu

BUILD=${BUILD:-build-release}
BENCH=${BENCH:-../shared/bench}
REPEAT=${REPEAT:-3}
PRED=${PRED:-${TMPDIR:-/tmp}/pith-html-pred.json}

if [ ! -d "$BENCH/html-sh/html" ]; then
  echo "html.sh: $BENCH/html-sh/html absent; skipped"
  exit 0
fi
if [ ! -x "$BUILD/bench/html_bench" ]; then
  echo "html.sh: $BUILD/bench/html_bench not built (see the header)" >&2
  exit 2
fi
# one core: pin to CPU 0 when taskset exists
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
$PIN "$BUILD/bench/html_bench" --repeat "$REPEAT" --pred "$PRED" \
  "$BENCH"/html-sh/html/*.html.gz
"$BENCH/score" file "$PRED"
