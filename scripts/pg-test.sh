#!/usr/bin/env bash
# A throwaway PostgreSQL for the test suite, on a loopback port, in a temporary directory.
#   eval "$(scripts/pg-test.sh start)"   # prints: export CALLBOARD_TEST_POSTGRES_URL=... PG_TEST_DIR=...
#   scripts/pg-test.sh stop "$PG_TEST_DIR"
# The role `callboard` may create databases: each test makes its own.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not found (install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/callboard-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$PGBIN/initdb -D $dir/data -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >$dir/initdb.log 2>&1"
    as_pg "$PGBIN/pg_ctl -D $dir/data -l $dir/server.log -w -o \"-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >/dev/null"
    as_pg "$PGBIN/psql -h $dir -p $port -U postgres -q -c \"CREATE ROLE callboard LOGIN PASSWORD 'callboard' CREATEDB\" -c \"CREATE DATABASE callboard OWNER callboard\"" >/dev/null
    echo "export CALLBOARD_TEST_POSTGRES_URL=postgres://callboard:callboard@127.0.0.1:$port/callboard PG_TEST_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg-test.sh stop DIR}
    as_pg "$PGBIN/pg_ctl -D $dir/data -m immediate stop >/dev/null 2>&1" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
