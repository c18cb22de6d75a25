#!/usr/bin/env bash
# The throwaway PostgreSQL 15 server of the tests (Debian's postgresql-15 package).
#
#   postgres-server.sh start DIR   initdb into DIR/data and start a server that listens only
#                                  on a Unix socket in DIR; prints its conninfo
#   postgres-server.sh stop DIR    stop it (immediately) and remove DIR
#
# ctest starts one for the whole run (fixture "postgres"); a test binary run by hand starts
# its own. PostgreSQL refuses to run as root, so as root the server runs as `nobody`.
# GATE_PG_FSYNC=on makes the server durable (benchmarks); tests run with fsync off.
set -euo pipefail
bin=${GATE_PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
if [ ! -x "$bin/initdb" ]; then
  echo "postgres-server: $bin/initdb not found: install postgresql-15 (scripts/install-deps.sh)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start)
    stop  # a server a killed run left behind
    mkdir -p "$dir"
    chmod 0700 "$dir"
    if [ "$(id -u)" = 0 ]; then chown nobody: "$dir"; fi
    if ! as_owner "$bin/initdb" -D "$dir/data" -U gate --auth=trust -E UTF8 --locale=C \
        --no-sync >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    fsync=${GATE_PG_FSYNC:-off}
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= -c fsync=$fsync -c max_connections=300 -c shared_buffers=128MB" \
        start >/dev/null; then
      cat "$dir/server.log" >&2
      exit 1
    fi
    echo "host=$dir user=gate dbname=postgres"
    ;;
  stop) stop ;;
  *) echo "postgres-server: unknown command '$cmd' (start or stop)" >&2; exit 2 ;;
esac
