#!/usr/bin/env bash
# The demo backends: the same API (data/demo/node/api.js documents it) in five servers, each on
# 127.0.0.1 only, and the PostgreSQL database their /api/db/users/:id reads (data/demo/db.sh):
#
#   node           Node.js, plain http            127.0.0.1:8081   VERSUS_DEMO_PORT_NODE
#   python         Flask, gunicorn, 2 sync workers 127.0.0.1:8082  VERSUS_DEMO_PORT_PYTHON
#   express        Node.js, Express               127.0.0.1:8083   VERSUS_DEMO_PORT_EXPRESS
#   flask-threads  Flask, gunicorn, 2 gthread workers × 4 threads
#                                                 127.0.0.1:8084   VERSUS_DEMO_PORT_FLASK_THREADS
#   fastapi        FastAPI, uvicorn (1 process)   127.0.0.1:8085   VERSUS_DEMO_PORT_FASTAPI
#
#   data/demo/backends.sh start    start the database and every backend, wait until each
#                                  answers, then return
#   data/demo/backends.sh stop     stop them all (their whole process groups) and remove the
#                                  database
#   data/demo/backends.sh status   say which are running
#
# VERSUS_DEMO_BACKENDS (default: all five, in the order above) names the backends to start, e.g.
# "node python" for data/demo/demo.json; VERSUS_DEMO_DB=0 leaves the database out (the DB
# endpoint then answers 503). The database starts in about a second.
#
# Sourced (`. data/demo/backends.sh`), it only defines demo_backends_start/stop/status, for
# scripts that start the backends and must stop them again on exit, Ctrl-C or error
# (build-aux/demo.sh). Each backend runs in its own session and process group (setsid), so that
# stopping it also ends its children (gunicorn's workers) and a Ctrl-C meant for the script does
# not reach it half-way; the caller's trap stops it instead.
#
# Logs, pid files and the database live in $VERSUS_DEMO_RUNDIR (default:
# ${TMPDIR:-/tmp}/versus-demo-$UID). The VERSUS_DEMO_PORT_* variables move the backends (for
# scripts with a plan of their own, away from a demo that may be running); the plans expect the
# defaults.

demo_backends_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
demo_backends_rundir=${VERSUS_DEMO_RUNDIR:-${TMPDIR:-/tmp}/versus-demo-$(id -u)}
demo_backends_db=$demo_backends_rundir/db
# name port: the default ports are those of the plans in data/demo/ and data/plans/.
demo_backends_all=("node ${VERSUS_DEMO_PORT_NODE:-8081}" "python ${VERSUS_DEMO_PORT_PYTHON:-8082}"
                   "express ${VERSUS_DEMO_PORT_EXPRESS:-8083}"
                   "flask-threads ${VERSUS_DEMO_PORT_FLASK_THREADS:-8084}"
                   "fastapi ${VERSUS_DEMO_PORT_FASTAPI:-8085}")
demo_backends_list=()
for _demo_entry in "${demo_backends_all[@]}"; do
  if [ -z "${VERSUS_DEMO_BACKENDS:-}" ] ||
     [[ " $VERSUS_DEMO_BACKENDS " == *" ${_demo_entry%% *} "* ]]; then
    demo_backends_list+=("$_demo_entry")
  fi
done
unset _demo_entry

# shellcheck source=data/demo/db.sh
. "$demo_backends_dir/db.sh"

_demo_say () { printf 'demo backends: %s\n' "$*" >&2; }

_demo_node () {
  command -v node || command -v nodejs || {
    _demo_say "Node.js is not installed: run build-aux/setup.sh"; return 1; }
}

# Debian's python3 has the packages; a pyenv or venv python3 on PATH may not.
_demo_python_has () {
  /usr/bin/python3 -c "import $1" 2>/dev/null || {
    _demo_say "$2 missing for /usr/bin/python3: run build-aux/setup.sh"; return 1; }
}

_demo_command () {
  local node
  case $1 in
    node)
      node=$(_demo_node) || return 1
      printf '%s\0' "$node" "$demo_backends_dir/node/server.js" "$2"
      ;;
    express)
      node=$(_demo_node) || return 1
      [ -d "$demo_backends_dir/node/node_modules/express" ] || {
        _demo_say "Express is not installed in data/demo/node: run build-aux/setup.sh"
        return 1; }
      printf '%s\0' "$node" "$demo_backends_dir/node/express.js" "$2"
      ;;
    python)
      _demo_python_has 'flask, gunicorn' 'Flask or gunicorn' || return 1
      printf '%s\0' /usr/bin/python3 "$demo_backends_dir/python/app.py" "$2" 2
      ;;
    flask-threads)
      _demo_python_has 'flask, gunicorn' 'Flask or gunicorn' || return 1
      printf '%s\0' /usr/bin/python3 "$demo_backends_dir/python/app.py" "$2" 2 4
      ;;
    fastapi)
      _demo_python_has 'fastapi, uvicorn' 'FastAPI or uvicorn' || return 1
      printf '%s\0' /usr/bin/python3 "$demo_backends_dir/python/fastapi_app.py" "$2"
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
  # All of them, whatever VERSUS_DEMO_BACKENDS says: nothing is left running.
  for entry in "${demo_backends_all[@]}"; do
    _demo_stop_one "${entry%% *}"
  done
  if [ -d "$demo_backends_db" ]; then
    demo_db_stop "$demo_backends_db"
    _demo_say "stopped the database"
  fi
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
  if [ -S "$demo_backends_db/.s.PGSQL.5432" ]; then
    _demo_say "the database is running (socket directory $demo_backends_db)"
  elif [ "${VERSUS_DEMO_DB:-1}" != 0 ]; then
    _demo_say "the database is not running"
    state=1
  fi
  return $state
}

# Starts the database and the backends and waits until each answers. On any failure it stops
# what it started and returns 1, with the failing backend's log on stderr.
demo_backends_start () {
  local entry name port i
  local -a cmd

  mkdir -p "$demo_backends_rundir" || return 1
  # The database's owner (postgres, when we are root) must reach the socket directory in it.
  chmod 755 "$demo_backends_rundir"
  if [ "${VERSUS_DEMO_DB:-1}" != 0 ]; then
    if [ -S "$demo_backends_db/.s.PGSQL.5432" ]; then
      _demo_say "the database is already running"
    else
      demo_db_stop "$demo_backends_db"
      demo_db_start "$demo_backends_db" || return 1
      _demo_say "database ready (10,000 users; socket directory $demo_backends_db)"
    fi
    export VERSUS_DEMO_PGHOST=$demo_backends_db
  fi
  for entry in "${demo_backends_list[@]}"; do
    name=${entry%% *} port=${entry##* }
    if _demo_running_pgid "$name" > /dev/null && _demo_probe "$port"; then
      _demo_say "$name already running on port $port"
      continue
    fi
    _demo_stop_one "$name"
    if _demo_port_busy "$port"; then
      _demo_say "127.0.0.1:$port is taken by another program; stop it to run the demo" \
        "(the demo plans expect the $name backend there)"
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
    _demo_say "$name answering on http://127.0.0.1:$port/api/"
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
