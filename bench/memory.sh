#!/bin/bash
# bench/memory.sh: Versus's peak resident memory over threads × targets, with and without
# warm-up. Not part of meson test.
#
# nginx (one worker, `return 200 "ok"`) on 127.0.0.1; for each cell one
# `versus run --engine native -q -t T -c C -d DURATION [--warmup WARMUP]` against T targets
# (/a, /b, … of that nginx) and its peak RSS as the kernel counts it (`/usr/bin/time`, ru_maxrss).
#
# Environment: VERSUS (binary, default build/src/versus), THREADS ("1 2 8 16"), TARGETS
# ("1 2 8"), CONNECTIONS (per target, 16: every thread gets one of each target), DURATION (2s),
# WARMUP (1s), PORT (18081). Prints a markdown table on stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

VERSUS=${VERSUS:-$here/../build/src/versus}
THREADS=${THREADS:-1 2 8 16}
TARGETS=${TARGETS:-1 2 8}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-2s}
WARMUP=${WARMUP:-1s}
PORT=${PORT:-18081}

for tool in nginx /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "memory.sh: $tool is not installed" >&2; exit 2; }
done
[ -x "$VERSUS" ] || { echo "memory.sh: no Versus binary at $VERSUS (build first)" >&2; exit 2; }

trap 'nginx_stop; rm -rf "$BENCH_TMP"' EXIT
nginx_start "$PORT"

# peak RSS in MiB of one run
peak_mib ()
{
  local out=$BENCH_TMP/time
  /usr/bin/time -o "$out" -f %M "$VERSUS" run -q --engine native "$@" >/dev/null
  awk '{ printf "%.1f", $1 / 1024 }' "$out"
}

echo "| threads | targets | no warm-up (MiB) | warm-up $WARMUP (MiB) |"
echo "|---:|---:|---:|---:|"
for t in $THREADS; do
  for n in $TARGETS; do
    urls=()
    for i in $(seq "$n"); do
      urls+=("http://127.0.0.1:$PORT/t$i")
    done
    echo "memory.sh: $t threads, $n targets" >&2
    cold=$(peak_mib -t "$t" -c "$CONNECTIONS" -d "$DURATION" "${urls[@]}")
    warm=$(peak_mib -t "$t" -c "$CONNECTIONS" -d "$DURATION" --warmup "$WARMUP" "${urls[@]}")
    echo "| $t | $n | $cold | $warm |"
  done
done
