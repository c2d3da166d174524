# bench/lib.sh: helpers shared by the benchmarks (sourced, not run)
#
# nginx_start PORT [CPU]   nginx on 127.0.0.1:PORT, one worker, `return 200 "ok"`, no access log,
#                          its own temporary prefix; pinned to CPU when given
# nginx_stop
# cpu_seconds CMD…         runs CMD, prints its output, and writes user+system CPU seconds of it
#                          (children included) to $BENCH_CPU_FILE

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
events { worker_connections 4096; }
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
    curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && return 0
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

# CPU seconds (user + system) of a command and its children, via GNU time.
cpu_seconds ()
{
  /usr/bin/time -f '%U %S' -o "$BENCH_CPU_FILE.raw" "$@"
  awk '{ printf "%.3f\n", $1 + $2 }' "$BENCH_CPU_FILE.raw" > "$BENCH_CPU_FILE"
}
