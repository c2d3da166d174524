#!/bin/bash
# bench/soak.sh: does Versus stay flat over a long run? Not part of meson test.
#
# Two soaks against nginx (one worker, `return 200 "ok"`) on 127.0.0.1, one after the other:
#   top-rate    `versus run --engine native -c 64 -d DURATION` (closed model, as fast as it goes)
#   5000-conns  `versus run --engine native -c 5000 -d DURATION`
# Every SAMPLE seconds the Versus process's resident memory (VmRSS), open descriptors
# (/proc/PID/fd) and threads (/proc/PID/status) are read. Prints one markdown table per soak
# (a row per sample, then first / last / max and the drift last − first) on stdout, and the
# run's own summary line of requests; progress goes to stderr.
#
# Environment: VERSUS (binary, default build/src/versus), DURATION (3600s), SAMPLE (60),
# PORT (18091), NICE (19: the soak yields to whatever else the machine does — the figures it
# reads are sizes, not speeds), SOAKS ("top-rate 5000-conns").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

VERSUS=${VERSUS:-$here/../build/src/versus}
DURATION=${DURATION:-3600s}
SAMPLE=${SAMPLE:-60}
PORT=${PORT:-18091}
NICE=${NICE:-19}
SOAKS=${SOAKS:-top-rate 5000-conns}

for tool in nginx; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is not installed" >&2; exit 2; }
done
[ -x "$VERSUS" ] || { echo "soak.sh: no Versus binary at $VERSUS (build first)" >&2; exit 2; }

versus_pid=
cleanup ()
{
  [ -n "$versus_pid" ] && kill "$versus_pid" 2>/dev/null
  nginx_stop
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
# 5,000 connections need 5,000 descriptors on each side of loopback
ulimit -n "$(ulimit -Hn)"
# the soak's nginx must take 5,000 connections too
NGINX_WORKER_CONNECTIONS=16384 nginx_start "$PORT"

status_kib ()  # PID FIELD → the field's value in kB (VmRSS) or count (Threads)
{
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

soak ()  # NAME CONNECTIONS
{
  local name=$1 connections=$2 out=$BENCH_TMP/$1.json start now rss fds threads
  local first_rss= first_fds= first_threads= max_rss=0 max_fds=0 max_threads=0
  echo "soak.sh: $name: -c $connections -d $DURATION, a sample every ${SAMPLE}s" >&2
  nice -n "$NICE" "$VERSUS" run -q --engine native -c "$connections" -d "$DURATION" \
    --json "$out" "http://127.0.0.1:$PORT/" >/dev/null &
  versus_pid=$!
  start=$(date +%s)
  echo
  echo "### $name (\`-c $connections -d $DURATION\`)"
  echo
  echo "| minute | RSS (MiB) | descriptors | threads |"
  echo "|---:|---:|---:|---:|"
  sleep 5   # past the start-up, so the first sample is of the running engine
  while kill -0 "$versus_pid" 2>/dev/null; do
    rss=$(status_kib "$versus_pid" VmRSS 2>/dev/null) || break
    threads=$(status_kib "$versus_pid" Threads 2>/dev/null) || break
    fds=$(find "/proc/$versus_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    [ -n "$rss" ] || break
    now=$(date +%s)
    printf '| %.1f | %.1f | %d | %d |\n' "$(echo "($now - $start) / 60" | bc -l)" \
      "$(echo "$rss / 1024" | bc -l)" "$fds" "$threads"
    [ -n "$first_rss" ] || { first_rss=$rss; first_fds=$fds; first_threads=$threads; }
    [ "$rss" -gt "$max_rss" ] && max_rss=$rss
    [ "$fds" -gt "$max_fds" ] && max_fds=$fds
    [ "$threads" -gt "$max_threads" ] && max_threads=$threads
    last_rss=$rss last_fds=$fds last_threads=$threads
    sleep "$SAMPLE"
  done
  wait "$versus_pid" || echo "soak.sh: $name: versus exited with status $?" >&2
  versus_pid=
  echo
  printf 'first / last / max: RSS %.1f / %.1f / %.1f MiB (drift %+.1f MiB), descriptors %d / %d / %d, threads %d / %d / %d\n' \
    "$(echo "$first_rss / 1024" | bc -l)" "$(echo "$last_rss / 1024" | bc -l)" \
    "$(echo "$max_rss / 1024" | bc -l)" "$(echo "($last_rss - $first_rss) / 1024" | bc -l)" \
    "$first_fds" "$last_fds" "$max_fds" "$first_threads" "$last_threads" "$max_threads"
  python3 - "$out" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    run = json.load(f)
for t in run.get("targets", []):
    s = t.get("summary", t)
    classes = ", ".join("%s %s" % (k[len("errors_"):], v) for k, v in sorted(s.items())
                        if k.startswith("errors_") and v)
    print("requests: %s, errors: %s%s" % (s.get("requests"), s.get("errors"),
                                          " (%s)" % classes if classes else ""))
PY
}

for name in $SOAKS; do
  case $name in
    top-rate) soak top-rate 64 ;;
    5000-conns) soak 5000-conns 5000 ;;
    *) echo "soak.sh: unknown soak $name" >&2; exit 2 ;;
  esac
done
