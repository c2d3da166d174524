#!/usr/bin/env bash
# The two demo backends of data/demo/demo.json: Node.js on 127.0.0.1:8081 and Python (Flask
# under gunicorn) on 127.0.0.1:8082.
#
#   data/demo/backends.sh start    start both, wait until each answers, then return
#   data/demo/backends.sh stop     stop both (their whole process groups)
#   data/demo/backends.sh status   say which are running
#
# Sourced (`. data/demo/backends.sh`), it only defines demo_backends_start/stop/status, for
# scripts that start the backends and must stop them again on exit, Ctrl-C or error
# (build-aux/demo.sh). Each backend runs in its own session and process group (setsid), so that
# stopping it also ends its children (gunicorn's workers) and a Ctrl-C meant for the script does
# not reach it half-way; the caller's trap stops it instead.
#
# Logs and pid files live in $VERSUS_DEMO_RUNDIR (default: ${TMPDIR:-/tmp}/versus-demo-$UID).
# VERSUS_DEMO_PORT_NODE and VERSUS_DEMO_PORT_PYTHON move the backends (for scripts with a plan
# of their own, away from a demo that may be running); demo.json expects the defaults.

demo_backends_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
demo_backends_rundir=${VERSUS_DEMO_RUNDIR:-${TMPDIR:-/tmp}/versus-demo-$(id -u)}
# name port: the default ports are those of data/demo/demo.json.
demo_backends_list=("node ${VERSUS_DEMO_PORT_NODE:-8081}" "python ${VERSUS_DEMO_PORT_PYTHON:-8082}")

_demo_say () { printf 'demo backends: %s\n' "$*" >&2; }

_demo_command () {
  case $1 in
    node)
      local node
      node=$(command -v node || command -v nodejs) || {
        _demo_say "Node.js is not installed: run build-aux/setup.sh"; return 1; }
      printf '%s\0' "$node" "$demo_backends_dir/node/server.js" "$2"
      ;;
    python)
      # Debian's python3 has Flask and gunicorn; a pyenv or venv python3 on PATH may not.
      /usr/bin/python3 -c 'import flask, gunicorn' 2>/dev/null || {
        _demo_say "Flask or gunicorn missing for /usr/bin/python3: run build-aux/setup.sh"
        return 1; }
      printf '%s\0' /usr/bin/python3 "$demo_backends_dir/python/app.py" "$2"
      ;;
  esac
}

# True when something on 127.0.0.1:$1 answers GET /api/users/1 with 200. Bash's /dev/tcp needs
# neither curl nor python; the subshell keeps a refused connection from touching the caller.
_demo_probe () {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /api/users/1 HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' \
      "$1" >&3
    IFS= read -r -t 2 line <&3 || exit 1
    [[ $line == "HTTP/1."[01]" 200"* ]]
  ) 2>/dev/null
}

# True when anything accepts connections on 127.0.0.1:$1.
_demo_port_busy () {
  ( exec 3<>"/dev/tcp/127.0.0.1/$1" ) 2>/dev/null
}

# The process group recorded for a backend, if that group still has a process.
_demo_running_pgid () {
  local pgid
  [ -r "$demo_backends_rundir/$1.pgid" ] || return 1
  read -r pgid < "$demo_backends_rundir/$1.pgid" || return 1
  [[ $pgid =~ ^[0-9]+$ ]] && kill -0 -- "-$pgid" 2>/dev/null || return 1
  printf '%s\n' "$pgid"
}

_demo_stop_one () {
  local name=$1 pgid i
  if pgid=$(_demo_running_pgid "$name"); then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pgid" 2>/dev/null; then
      _demo_say "$name did not stop within 5 s; killing it"
      kill -KILL -- "-$pgid" 2>/dev/null || true
    fi
    _demo_say "stopped $name"
  fi
  rm -f "$demo_backends_rundir/$name.pgid"
}

demo_backends_stop () {
  local entry
  for entry in "${demo_backends_list[@]}"; do
    _demo_stop_one "${entry%% *}"
  done
}

demo_backends_status () {
  local entry name port pgid state=0
  for entry in "${demo_backends_list[@]}"; do
    name=${entry%% *} port=${entry##* }
    if pgid=$(_demo_running_pgid "$name") && _demo_probe "$port"; then
      _demo_say "$name is answering on http://127.0.0.1:$port (process group $pgid)"
    else
      _demo_say "$name is not running"
      state=1
    fi
  done
  return $state
}

# Starts both backends and waits until each answers. On any failure it stops what it started
# and returns 1, with the failing backend's log on stderr.
demo_backends_start () {
  local entry name port i
  local -a cmd

  mkdir -p "$demo_backends_rundir" || return 1
  for entry in "${demo_backends_list[@]}"; do
    name=${entry%% *} port=${entry##* }
    if _demo_running_pgid "$name" > /dev/null && _demo_probe "$port"; then
      _demo_say "$name already running on port $port"
      continue
    fi
    _demo_stop_one "$name"
    if _demo_port_busy "$port"; then
      _demo_say "127.0.0.1:$port is taken by another program; stop it to run the demo" \
        "(data/demo/demo.json expects the $name backend there)"
      demo_backends_stop
      return 1
    fi
    mapfile -d '' -t cmd < <(_demo_command "$name" "$port")
    if [ ${#cmd[@]} -eq 0 ]; then
      demo_backends_stop
      return 1
    fi
    # The backend leads its own session and process group; the small bash in between records
    # that group before it becomes the backend (setsid may fork, so $! is not always the leader).
    # shellcheck disable=SC2016 # $$, $0 and $@ are the inner bash's
    setsid bash -c 'printf "%s\n" "$$" > "$0" && exec "$@"' \
      "$demo_backends_rundir/$name.pgid" "${cmd[@]}" \
      < /dev/null > "$demo_backends_rundir/$name.log" 2>&1 &

    for ((i = 0; i < 150; i++)); do
      _demo_probe "$port" && break
      # Gone before it answered (the pid file appears within milliseconds of the start).
      if ((i >= 10)) && ! _demo_running_pgid "$name" > /dev/null; then
        i=-1
        break
      fi
      sleep 0.1
    done
    if [ "$i" -lt 0 ] || [ "$i" -ge 150 ]; then
      if [ "$i" -lt 0 ]; then
        _demo_say "$name exited before it answered on port $port; its log:"
      else
        _demo_say "$name did not answer on port $port within 15 s; its log:"
      fi
      sed 's/^/  | /' "$demo_backends_rundir/$name.log" >&2
      demo_backends_stop
      return 1
    fi
    _demo_say "$name answering on http://127.0.0.1:$port/api/users/:id"
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case ${1:-} in
    start)
      trap 'demo_backends_stop; exit 130' INT TERM HUP
      demo_backends_start
      ;;
    stop)
      demo_backends_stop
      ;;
    status)
      demo_backends_status
      ;;
    *)
      printf 'usage: %s start|stop|status\n' "$0" >&2
      exit 2
      ;;
  esac
fi
