#!/usr/bin/env bash
# The demo database: a throw-away PostgreSQL cluster (Debian's `postgresql`) in a directory of
# its own, listening only on a Unix socket in that directory (no TCP), with one database
# `versus`, role `versus` (trust authentication: only who can reach the socket can connect) and
# the table
#
#   users (id bigint PRIMARY KEY, name text, email text, active boolean)
#
# seeded with 10,000 rows: id 1–10000, name 'Seeded user N', email 'seededN@example.com',
# active unless N is a multiple of 7. The demo backends' GET /api/db/users/:id reads it; their
# /api/users/:id computes "User N" instead, so an answer tells where it came from.
#
#   data/demo/db.sh start DIR   create DIR (it must not exist), initdb, start, seed; prints
#                               nothing else and returns when the database answers
#   data/demo/db.sh stop DIR    stop the cluster and remove DIR
#   data/demo/db.sh with -- CMD…
#                               a database of its own for CMD: starts one in a fresh temporary
#                               folder, runs CMD with VERSUS_DEMO_PGHOST pointing at it, and
#                               when CMD ends — or this script gets SIGTERM or SIGINT, which it
#                               passes on to CMD — stops the database and removes the folder.
#                               The plans in data/plans/ start their DB backends this way, so
#                               that Versus (which stops a server's process group with SIGTERM)
#                               leaves no database behind. PostgreSQL itself runs outside the
#                               group (pg_ctl detaches it): its CPU is not the backend's.
#
# Backends connect with host=DIR (the socket directory), dbname=versus, user=versus.
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user that
# Debian's package creates (else `nobody`), so DIR's parent must be traversable by that user.
# Sourced, it only defines demo_db_start and demo_db_stop (data/demo/backends.sh).

_demo_db_say () { printf 'demo database: %s\n' "$*" >&2; }

# The bin directory of the newest PostgreSQL installed (Debian keeps them per major version).
_demo_db_bindir () {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ ! -x "$dir/initdb" ] || [ ! -x "$dir/psql" ]; then
    _demo_db_say "PostgreSQL is not installed: run build-aux/setup.sh"
    return 1
  fi
  printf '%s\n' "$dir"
}

# Runs "$@" as the cluster's owner: ourselves, or an unprivileged user when we are root.
_demo_db_as_owner () {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  else
    runuser -u "$(_demo_db_owner)" -- "$@"
  fi
}

_demo_db_owner () {
  if getent passwd postgres > /dev/null; then echo postgres; else echo nobody; fi
}

demo_db_start () {
  local dir=$1 bin owner
  [ -n "$dir" ] || { _demo_db_say "usage: db.sh start DIR"; return 2; }
  bin=$(_demo_db_bindir) || return 1
  if [ -e "$dir" ]; then
    _demo_db_say "$dir exists already; stop that database first (db.sh stop $dir)"
    return 1
  fi
  mkdir -p "$dir" || return 1
  if [ "$(id -u)" -eq 0 ]; then
    owner=$(_demo_db_owner)
    chown "$owner:" "$dir" || return 1
  fi
  chmod 700 "$dir"
  # No fsync: the data is thrown away anyway, and this keeps the start near one second.
  if ! _demo_db_as_owner "$bin/initdb" -D "$dir/data" -U versus -A trust -E UTF8 \
         --no-locale --no-sync > "$dir/initdb.log" 2>&1; then
    _demo_db_say "initdb failed:"; sed 's/^/  | /' "$dir/initdb.log" >&2
    rm -rf "$dir"; return 1
  fi
  if ! _demo_db_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
         -o "-c listen_addresses= -c unix_socket_directories=$dir -c fsync=off" \
         start > /dev/null 2>&1; then
    _demo_db_say "PostgreSQL did not start; its log:"; sed 's/^/  | /' "$dir/postgres.log" >&2
    rm -rf "$dir"; return 1
  fi
  if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U versus -d postgres \
         -c 'CREATE DATABASE versus' > /dev/null ||
     ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U versus -d versus > /dev/null <<'SQL'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  active boolean NOT NULL
);
INSERT INTO users
  SELECT i, 'Seeded user ' || i, 'seeded' || i || '@example.com', i % 7 <> 0
  FROM generate_series(1, 10000) AS i;
ANALYZE users;
SQL
  then
    _demo_db_say "seeding failed"
    demo_db_stop "$dir"; return 1
  fi
}

demo_db_stop () {
  local dir=$1 bin
  [ -n "$dir" ] || { _demo_db_say "usage: db.sh stop DIR"; return 2; }
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ] && bin=$(_demo_db_bindir); then
    _demo_db_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 ||
      _demo_db_say "PostgreSQL in $dir did not stop cleanly"
  fi
  rm -rf "$dir"
}

demo_db_with () {
  local dir child status=0
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || { _demo_db_say "usage: db.sh with -- CMD…"; return 2; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/versus-db-XXXXXX") || return 1
  rmdir "$dir"
  # The owner (postgres, when we are root) must reach the socket inside: the parent is /tmp.
  demo_db_start "$dir" || return 1
  _demo_db_say "database ready (10,000 users; socket directory $dir)"
  VERSUS_DEMO_PGHOST=$dir "$@" &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT HUP
  # wait returns early when a trapped signal arrives: wait again until the child is gone
  while kill -0 "$child" 2>/dev/null; do
    wait "$child" && status=0 || status=$?
  done
  trap - TERM INT HUP
  demo_db_stop "$dir"
  return "$status"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  case ${1:-} in
    start) set -e; demo_db_start "${2:-}" ;;
    stop) set -e; demo_db_stop "${2:-}" ;;
    with) shift; demo_db_with "$@" ;;
    *) printf 'usage: %s start|stop DIR, or %s with -- CMD…\n' "$0" "$0" >&2; exit 2 ;;
  esac
fi
