#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: `source scripts/pg.sh; pg_start; ...; pg_stop`.
# pg_start exports TIPWATCH_TEST_DATABASE_URL. Runs the server as the `postgres` user when
# we are root (initdb refuses root). Data lives in a temp dir that pg_stop removes.

_pg_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin /usr/local/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

_pg_as() {  # run a command as the cluster owner
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

pg_start() {
  PG_BIN=$(_pg_bindir) || { echo "PostgreSQL not found: apt-get install -y postgresql" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/tipwatch-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  PG_PORT=${PG_PORT:-$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')}
  _pg_as "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 -A trust >'$PG_DIR/initdb.log' 2>&1" \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  _pg_as "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -o \"-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -w start >/dev/null" \
    || { cat "$PG_DIR/log" >&2; return 1; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres tipwatch
  export PG_BIN PG_DIR PG_PORT
  export TIPWATCH_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/tipwatch"
  echo "PostgreSQL started on 127.0.0.1:$PG_PORT ($PG_DIR)" >&2
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  _pg_as "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast -w stop >/dev/null 2>&1" || true
  rm -rf "$PG_DIR"
  echo "PostgreSQL stopped" >&2
  PG_DIR=
}
