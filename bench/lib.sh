# shellcheck shell=bash
# bench/lib.sh: helpers shared by the benchmarks (sourced, not run)
#
# nginx_start PORT [CPU]   nginx on 127.0.0.1:PORT, one worker, `return 200 "ok"`, no access log,
#                          its own temporary prefix; pinned to CPU when given;
#                          NGINX_WORKER_CONNECTIONS (4096) bounds its connections
# nginx_stop
# cpu_seconds CMD…         runs CMD (its output passes through) and writes the user + system CPU
#                          seconds it used, children included, to $BENCH_CPU_FILE (getrusage)

BENCH_TMP=${BENCH_TMP:-$(mktemp -d /tmp/versus-bench.XXXXXX)}
BENCH_CPU_FILE=$BENCH_TMP/cpu

nginx_start ()
{
  local port=$1 cpu=${2:-}
  local prefix=$BENCH_TMP/nginx

  mkdir -p "$prefix/logs" "$prefix/tmp"
  cat > "$prefix/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections ${NGINX_WORKER_CONNECTIONS:-4096}; }
http {
  access_log off;
  client_body_temp_path $prefix/tmp;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "ok"; }
  }
}
CONF
  if [ -n "$cpu" ]; then
    taskset -c "$cpu" nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
  else
    nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
  fi
  for _ in $(seq 50); do
    # bash's /dev/tcp: no HTTP client needed just to see the port open
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nginx did not start on 127.0.0.1:$port" >&2
  return 1
}

nginx_stop ()
{
  local pidfile=$BENCH_TMP/nginx/nginx.pid

  if [ -s "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 50); do
      [ -e "$pidfile" ] || break
      sleep 0.1
    done
  fi
}

# CPU seconds (user + system) of a command and its children, from getrusage.
cpu_seconds ()
{
  python3 -c '
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%.3f\n" % (usage.ru_utime + usage.ru_stime))
sys.exit(status)
' "$BENCH_CPU_FILE" "$@"
}
