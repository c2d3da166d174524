#!/bin/bash
# bench/peers.sh: Versus against wrk (and ab, hey) on nginx over loopback. Not part of meson test.
#
# nginx (one worker, `return 200 "ok"`) is pinned to one core and every client to the other, so
# that the client's CPU per request is what is compared. wrk and Versus alternate in pairs (in
# A B, B A order), so that drift on a shared machine hits both alike.
#
#   bench/peers.sh                  native engine vs wrk, plus ping-pong, ab -k, hey, soup and the
#                                   10-million-request memory run
#   ENGINES=soup bench/peers.sh     only the soup engine vs wrk (pairs only)
#
# Environment: VERSUS (binary, default build/src/versus), ENGINES ("native"), PAIRS (3),
# DURATION (seconds, 10), CONNECTIONS (50), PORT (18080), MEMORY_REQUESTS (10000000; 0 skips),
# EXTRAS (1: ping-pong, ab, hey, soup; 0 skips), CLIENT_CPU (0), SERVER_CPU (1).
# Prints a markdown table on stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

VERSUS=${VERSUS:-$here/../build/src/versus}
ENGINES=${ENGINES:-native}
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-18080}
MEMORY_REQUESTS=${MEMORY_REQUESTS:-10000000}
EXTRAS=${EXTRAS:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
URL=http://127.0.0.1:$PORT/

if [ "$ENGINES" = soup ]; then
  EXTRAS=0
  MEMORY_REQUESTS=0
fi

for tool in wrk nginx taskset python3; do
  command -v "$tool" >/dev/null || { echo "peers.sh: $tool is not installed" >&2; exit 2; }
done
[ -x "$VERSUS" ] || { echo "peers.sh: no Versus binary at $VERSUS (build first)" >&2; exit 2; }

trap 'nginx_stop; rm -rf "$BENCH_TMP"' EXIT
nginx_start "$PORT" "$SERVER_CPU"

CLIENT=(taskset -c "$CLIENT_CPU")
log () { echo "peers.sh: $*" >&2; }

# summary.csv column of the first target
csv_field ()
{
  python3 - "$1" "$2" <<'PY'
import csv, sys
with open(sys.argv[1], newline='') as f:
    row = next(csv.DictReader(f))
print(row[sys.argv[2]])
PY
}

# name req/s cpu_s requests → a row remembered for the table
rows=()
add_row () { rows+=("$1|$2|$3|$4|${5:-}"); }

run_wrk ()
{
  local out=$BENCH_TMP/wrk.out
  cpu_seconds "${CLIENT[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$URL" > "$out"
  local rps requests
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  requests=$(awk '/requests in/ { print $1 }' "$out")
  add_row "wrk -t1 -c$CONNECTIONS" "$rps" "$(cat "$BENCH_CPU_FILE")" "$requests"
  log "wrk: $rps req/s, $(cat "$BENCH_CPU_FILE") s CPU"
}

run_versus ()
{
  local engine=$1
  local dir=$BENCH_TMP/versus-$engine
  rm -rf "$dir"
  cpu_seconds "${CLIENT[@]}" "$VERSUS" run --engine "$engine" -t 1 -c "$CONNECTIONS" -d "${DURATION}s" \
    --quiet --csv "$dir" "$URL" > /dev/null
  local rps requests
  rps=$(csv_field "$dir/summary.csv" rps)
  requests=$(csv_field "$dir/summary.csv" requests)
  add_row "versus --engine $engine -t 1 -c $CONNECTIONS" "$rps" "$(cat "$BENCH_CPU_FILE")" \
    "$requests"
  log "versus $engine: $rps req/s, $(cat "$BENCH_CPU_FILE") s CPU"
}

# A B, B A, A B …: a drift in the machine's load favours neither side
for pair in $(seq "$PAIRS"); do
  log "pair $pair of $PAIRS"
  if [ $((pair % 2)) = 1 ]; then
    run_wrk
  fi
  for engine in $ENGINES; do
    run_versus "$engine"
  done
  if [ $((pair % 2)) = 0 ]; then
    run_wrk
  fi
done

if [ "$EXTRAS" = 1 ]; then
  if command -v ab >/dev/null; then
    cpu_seconds "${CLIENT[@]}" ab -k -q -c "$CONNECTIONS" -t "$DURATION" -n 100000000 "$URL" \
      > "$BENCH_TMP/ab.out" 2>/dev/null
    add_row "ab -k -c$CONNECTIONS" \
      "$(awk '/^Requests per second:/ { print $4 }' "$BENCH_TMP/ab.out")" \
      "$(cat "$BENCH_CPU_FILE")" \
      "$(awk '/^Complete requests:/ { print $3 }' "$BENCH_TMP/ab.out")"
  fi
  if command -v hey >/dev/null; then
    cpu_seconds "${CLIENT[@]}" hey -c "$CONNECTIONS" -z "${DURATION}s" "$URL" > "$BENCH_TMP/hey.out"
    add_row "hey -c $CONNECTIONS" \
      "$(awk '/Requests\/sec:/ { print $2 }' "$BENCH_TMP/hey.out")" \
      "$(cat "$BENCH_CPU_FILE")" \
      "$(awk '/\[2[0-9][0-9]\]/ { n += $2 } END { print n }' "$BENCH_TMP/hey.out")"
  fi
  if [[ " $ENGINES " != *" soup "* ]]; then
    run_versus soup
  fi

  # one connection, one request at a time: the client's own latency
  log "ping-pong"
  "${CLIENT[@]}" wrk --latency -t1 -c1 -d"${DURATION}s" "$URL" > "$BENCH_TMP/wrk1.out"
  wrk_p50=$(awk '$1 == "50%" { print $2 }' "$BENCH_TMP/wrk1.out")
  rm -rf "$BENCH_TMP/pp"
  "${CLIENT[@]}" "$VERSUS" run --engine native -t 1 -c 1 -d "${DURATION}s" --quiet --csv "$BENCH_TMP/pp" \
    "$URL" > /dev/null
  versus_p50_ms=$(csv_field "$BENCH_TMP/pp/summary.csv" latency_p50_ms)
fi

# table: ratios against the mean of the wrk runs
echo
echo "nginx 1 worker on CPU $SERVER_CPU, clients on CPU $CLIENT_CPU, $CONNECTIONS connections," \
     "${DURATION} s per run; ratios against the mean of the wrk runs."
echo
printf '%s\n' "${rows[@]}" | python3 -c '
import sys
rows = [line.rstrip("\n").split("|") for line in sys.stdin if line.strip()]
wrk = [r for r in rows if r[0].startswith("wrk")]
wrk_rps = sum(float(r[1]) for r in wrk) / len(wrk)
wrk_cpu = sum(float(r[2]) for r in wrk) / sum(float(r[3]) for r in wrk) * 1e4
print("| run | req/s | CPU s per 10k req | req/s ÷ wrk | CPU/req ÷ wrk |")
print("|---|---:|---:|---:|---:|")
for name, rps, cpu, requests, _ in rows:
    cpu10k = float(cpu) / float(requests) * 1e4
    print("| %s | %.0f | %.4f | %.2f× | %.2f× |" % (name, float(rps), cpu10k,
          float(rps) / wrk_rps, cpu10k / wrk_cpu))
# the means of what ran more than once: the figures the goals are checked against
names = []
for r in rows:
    if r[0] not in names and sum(1 for o in rows if o[0] == r[0]) > 1:
        names.append(r[0])
for name in names:
    runs = [r for r in rows if r[0] == name]
    rps = sum(float(r[1]) for r in runs) / len(runs)
    cpu10k = sum(float(r[2]) for r in runs) / sum(float(r[3]) for r in runs) * 1e4
    print("| **%s, mean of %d** | **%.0f** | **%.4f** | **%.2f×** | **%.2f×** |" % (
          name, len(runs), rps, cpu10k, rps / wrk_rps, cpu10k / wrk_cpu))
'

if [ "$EXTRAS" = 1 ]; then
  echo
  python3 - "$wrk_p50" "$versus_p50_ms" <<'PY'
import re, sys
value, unit = re.match(r"([0-9.]+)([a-z]+)", sys.argv[1]).groups()
wrk_us = float(value) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
versus_us = float(sys.argv[2]) * 1000
print("| ping-pong, 1 connection | p50 | ÷ wrk |")
print("|---|---:|---:|")
print("| wrk --latency -t1 -c1 | %.0f µs | 1.00× |" % wrk_us)
print("| versus --engine native -t 1 -c 1 | %.0f µs | %.2f× |" % (versus_us, versus_us / wrk_us))
PY
fi

if [ "$MEMORY_REQUESTS" -gt 0 ]; then
  log "memory: $MEMORY_REQUESTS requests"
  rm -rf "$BENCH_TMP/mem"
  "${CLIENT[@]}" "$VERSUS" run --engine native -t 1 -c "$CONNECTIONS" -n "$MEMORY_REQUESTS" --quiet \
    --csv "$BENCH_TMP/mem" "$URL" > /dev/null &
  pid=$!
  samples=()
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$rss" ] && samples+=("$rss")
    sleep 1
  done
  wait "$pid"
  echo
  echo "Resident memory of \`versus run -n $MEMORY_REQUESTS -c $CONNECTIONS -t 1\`, sampled every second" \
       "($(csv_field "$BENCH_TMP/mem/summary.csv" requests) requests in ${#samples[@]} s):"
  echo
  printf '%s\n' "${samples[@]}" | python3 -c '
import sys
kib = [int(line) for line in sys.stdin if line.strip()]
n = len(kib)
steady = kib[max(1, n // 10):] or kib  # from about the first million on
print("| samples | first | min after 10 % | max after 10 % | last |")
print("|---:|---:|---:|---:|---:|")
mib = lambda v: "%.1f MiB" % (v / 1024)
print("| %d | %s | %s | %s | %s |" % (n, mib(kib[0]), mib(min(steady)), mib(max(steady)), mib(kib[-1])))
print()
print("RSS over time (MiB): " + " ".join("%.1f" % (v / 1024) for v in kib[::max(1, n // 30)]))
'
fi
