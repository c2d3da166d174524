#!/bin/bash
# bench/window.sh: the engine's throughput with the window open against headless `versus run`.
# Not part of meson test.
#
# nginx (one worker, `return 200 "ok"`) is pinned to one core and Versus to the other, so that
# whatever the window costs comes out of the generator's core. Headless and windowed runs of
# the same plan alternate (A B, B A …); the window runs under Xvfb when there is no display,
# prints what its engine achieved (VERSUS_DEBUG_FRAMES) and quits when the run ends.
#
# Environment: VERSUS (binary, default build/src/versus), PAIRS (3), DURATION (seconds, 10),
# CONNECTIONS (50), PORT (18081), CLIENT_CPU (0), SERVER_CPU (1).
# Prints a markdown table on stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

VERSUS=${VERSUS:-$here/../build/src/versus}
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-18081}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}

for tool in nginx taskset python3 xvfb-run; do
  command -v "$tool" >/dev/null || { echo "window.sh: $tool is not installed" >&2; exit 2; }
done
[ -x "$VERSUS" ] || { echo "window.sh: no Versus binary at $VERSUS (build first)" >&2; exit 2; }

trap 'nginx_stop; rm -rf "$BENCH_TMP"' EXIT
nginx_start "$PORT" "$SERVER_CPU"
log () { echo "window.sh: $*" >&2; }

plan=$BENCH_TMP/plan.json
cat > "$plan" <<JSON
{"version": 1,
 "targets": [{"name": "nginx", "url": "http://127.0.0.1:$PORT/"}],
 "load": {"model": "closed", "connections": $CONNECTIONS, "duration": "${DURATION}s",
          "threads": 1},
 "engine": "native", "tick": "250ms"}
JSON

headless ()
{
  taskset -c "$CLIENT_CPU" "$VERSUS" run --plan "$plan" --quiet --csv "$BENCH_TMP/csv" >/dev/null
  python3 - "$BENCH_TMP/csv/summary.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline='') as f:
    print(round(float(next(csv.DictReader(f))["rps"])))
PY
}

windowed ()
{
  local display=(xvfb-run -a -s '-screen 0 1400x900x24')
  local out=$BENCH_TMP/window.log

  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    display=()
  fi
  GSK_RENDERER=${GSK_RENDERER:-cairo} GSETTINGS_BACKEND=memory VERSUS_DEBUG_FRAMES=1 VERSUS_SCREENSHOT=$BENCH_TMP/window.png \
    "${display[@]}" taskset -c "$CLIENT_CPU" "$VERSUS" --plan "$plan" --start 2> "$out" || true
  grep -E 'frames during the run' "$out" | sed 's/^versus: /  /' >&2
  sed -n 's/^versus: nginx: \([0-9]*\) req\/s$/\1/p' "$out" | tail -n 1
}

echo "| run | req/s | ÷ headless mean |"
echo "|---|---:|---:|"
rows=()
sum_headless=0
sum_window=0
for pair in $(seq "$PAIRS"); do
  if [ $((pair % 2)) -eq 1 ]; then order="headless windowed"; else order="windowed headless"; fi
  for kind in $order; do
    log "pair $pair: $kind"
    rps=$($kind)
    [ -n "$rps" ] || { log "$kind run reported no throughput"; exit 1; }
    rows+=("$kind $rps")
    if [ "$kind" = headless ]; then
      sum_headless=$((sum_headless + rps))
    else
      sum_window=$((sum_window + rps))
    fi
  done
done
mean_headless=$((sum_headless / PAIRS))
mean_window=$((sum_window / PAIRS))
for row in "${rows[@]}"; do
  read -r kind rps <<< "$row"
  printf '| %s | %s | %s× |\n' "$kind" "$rps" \
    "$(python3 -c "print(f'{$rps / $mean_headless:.2f}')")"
done
printf '| **headless, mean of %s** | **%s** | **1.00×** |\n' "$PAIRS" "$mean_headless"
printf '| **window open, mean of %s** | **%s** | **%s×** |\n' "$PAIRS" "$mean_window" \
  "$(python3 -c "print(f'{$mean_window / $mean_headless:.2f}')")"
