#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS cluster for tests and development: scripts/postgres.sh start|stop|status|url
#
# Data directory: data/build/pg (or $NEWSMAP_PG_DATA). When the postgres OS user cannot reach that
# directory (a checkout under a private home), or its path is too long for the server's Unix socket,
# the cluster lives in /tmp/newsmap-pg-$UID instead. It listens on 127.0.0.1 only, port 55432
# ($NEWSMAP_PG_PORT overrides), with `trust` for the role `newsmap` from loopback; the superuser
# `postgres` is reachable only through a Unix socket inside the 0700 data directory. PostGIS is
# installed in template1, so every database created afterwards (newsmap_test, and the throwaway
# ones of the test suite, which `newsmap` may create) already has it. fsync is off: this cluster
# holds test data, never anything to keep.
#
# Run as root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root);
# run as any other user, it runs as that user. `start` on a running cluster is a no-op.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BIN=/usr/lib/postgresql/15/bin
PORT="${NEWSMAP_PG_PORT:-55432}"
ROLE=newsmap
DB=newsmap_test
SOCKET_MAX=90  # sun_path holds 107 bytes; leave room for "/.s.PGSQL.<port>.lock"

if [ "$(id -u)" = 0 ]; then
    PG_USER=postgres
else
    PG_USER="$(id -un)"
fi

die() { echo "postgres.sh: $*" >&2; exit 1; }

# Run a command as the cluster's OS user, from a directory that user can read.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

# The data directory: data/build/pg when the server's user can reach it, else /tmp/newsmap-pg-$UID.
pgdata() {
    if [ -n "${NEWSMAP_PG_DATA:-}" ]; then
        echo "$NEWSMAP_PG_DATA"
        return
    fi
    local parent="$REPO/data/build"
    mkdir -p "$parent"
    if [ "${#parent}" -le $((SOCKET_MAX - 3)) ] && as_pg test -x "$parent" 2>/dev/null; then
        echo "$parent/pg"
    else
        echo "/tmp/newsmap-pg-$(id -u)"
    fi
}

url() { echo "postgresql://$ROLE@127.0.0.1:$PORT/$DB"; }

running() { as_pg "$BIN/pg_ctl" status -D "$1" >/dev/null 2>&1; }

init_cluster() {
    local data="$1"
    [ -x "$BIN/initdb" ] || die "PostgreSQL 15 is not installed (apt-get install postgresql postgresql-15-postgis-3)"
    [ -f /usr/share/postgresql/15/extension/postgis.control ] \
        || die "PostGIS is not installed (apt-get install postgresql-15-postgis-3)"
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then chown "$PG_USER": "$data"; fi
    chmod 700 "$data"
    as_pg "$BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=reject >/dev/null
    as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# newsmap: private test cluster (scripts/postgres.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
logging_collector = off
EOF
    as_pg tee "$data/pg_hba.conf" >/dev/null <<EOF
# newsmap: the superuser only through the socket in this 0700 directory; the test role from loopback.
local all postgres           trust
host  all $ROLE  127.0.0.1/32 trust
EOF
}

# The role, PostGIS in template1 (so in every later database) and the newsmap_test database.
bootstrap() {
    local data="$1"
    local psql=(env PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$data"
                -p "$PORT" -U postgres)
    as_pg "${psql[@]}" -d template1 >/dev/null <<EOF
SELECT 'CREATE ROLE $ROLE LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')\gexec
CREATE EXTENSION IF NOT EXISTS postgis;
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB')\gexec
EOF
    as_pg "${psql[@]}" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
}

start() {
    local data
    data="$(pgdata)"
    if running "$data"; then
        local port
        port="$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)"
        [ "$port" = "$PORT" ] || die "the cluster in $data is already running on port $port, not $PORT"
        bootstrap "$data"
        return
    fi
    [ -f "$data/PG_VERSION" ] || init_cluster "$data"
    as_pg mkdir -p "$data/log"
    if ! as_pg "$BIN/pg_ctl" start -D "$data" -w -t 60 -l "$data/log/server.log" -o "-p $PORT" >/dev/null; then
        tail -n 20 "$data/log/server.log" >&2 || true
        die "PostgreSQL did not start (data directory $data, port $PORT)"
    fi
    bootstrap "$data"
    echo "postgres.sh: PostgreSQL + PostGIS on 127.0.0.1:$PORT, data in $data" >&2
}

stop() {
    local data
    data="$(pgdata)"
    if [ -x "$BIN/pg_ctl" ] && running "$data"; then
        as_pg "$BIN/pg_ctl" stop -D "$data" -m fast -w >/dev/null
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running "$(pgdata)" && echo "running: $(url)" || { echo "stopped"; exit 3; } ;;
    url) url ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
