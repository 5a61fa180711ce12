#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 + PostGIS cluster for the tests, unless
# JINGHAI_TEST_DATABASE_URL already names one. Source it:
#
#   source scripts/pg-test-cluster.sh   # exports JINGHAI_TEST_DATABASE_URL
#
# The cluster lives in a temporary directory, listens on 127.0.0.1 on a free
# port, runs as an unprivileged user, and is stopped and removed on exit.

jinghai_pg_start() {
    if [ -n "${JINGHAI_TEST_DATABASE_URL:-}" ]; then
        echo "pg-test-cluster: using JINGHAI_TEST_DATABASE_URL from the environment"
        return 0
    fi
    local here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    "$here/install-deps.sh" postgres

    local bindir
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "pg-test-cluster: PostgreSQL server binaries not found under /usr/lib/postgresql" >&2
        return 1
    fi

    # PostgreSQL refuses to run as root: use an unprivileged account.
    local runas=""
    if [ "$(id -u)" = "0" ]; then
        id jinghai-test >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin jinghai-test
        runas="jinghai-test"
    fi
    JH_PG_DIR="$(mktemp -d /tmp/jinghai-pg.XXXXXX)"
    [ -n "$runas" ] && chown "$runas" "$JH_PG_DIR"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

    local run=()
    [ -n "$runas" ] && run=(runuser -u "$runas" --)
    "${run[@]}" "$bindir/initdb" -D "$JH_PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$JH_PG_DIR/initdb.log" 2>&1 \
        || { cat "$JH_PG_DIR/initdb.log" >&2; return 1; }
    "${run[@]}" "$bindir/pg_ctl" -D "$JH_PG_DIR/data" -l "$JH_PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $JH_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
        || { cat "$JH_PG_DIR/server.log" >&2; return 1; }
    export JH_PG_BINDIR="$bindir" JH_PG_RUNAS="$runas" JH_PG_DIR
    export JINGHAI_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    trap jinghai_pg_stop EXIT
    echo "pg-test-cluster: PostgreSQL running at $JINGHAI_TEST_DATABASE_URL (data in $JH_PG_DIR)"
}

jinghai_pg_stop() {
    [ -n "${JH_PG_DIR:-}" ] || return 0
    local run=()
    [ -n "${JH_PG_RUNAS:-}" ] && run=(runuser -u "$JH_PG_RUNAS" --)
    "${run[@]}" "$JH_PG_BINDIR/pg_ctl" -D "$JH_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$JH_PG_DIR"
    unset JH_PG_DIR
}
