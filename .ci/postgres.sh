#!/usr/bin/env bash
# CI: starts a throwaway PostgreSQL cluster for the study-store tests and prints the one line
#   export QNN_TEST_POSTGRES=postgresql://postgres@127.0.0.1:54329/qnn_test
# so that `eval "$(bash .ci/postgres.sh)"` sets it. Everything else goes to stderr.
# Idempotent: a cluster this script started before (its state file) is stopped and removed first.
# Installs Debian's postgresql when it is missing; fails (exit 1) when it cannot start one, so CI
# fails instead of skipping the PostgreSQL tests.
set -euo pipefail
PORT=54329
DB=qnn_test
STATE=/tmp/qnn-ci-postgres.dir   # holds the data directory of the cluster this script started

log() { echo "postgres.sh: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

# root may not run initdb or postgres: run them as the postgres user.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Stop the cluster a previous run left behind.
if [ -f "$STATE" ]; then
  OLD="$(cat "$STATE")"
  if [ -n "$OLD" ] && [ -f "$OLD/data/postmaster.pid" ]; then
    log "stopping the previous cluster in $OLD"
    as_postgres "$BIN/pg_ctl" -D "$OLD/data" -m immediate -w stop >&2 || true
  fi
  case "$OLD" in /tmp/qnn-postgres.*) rm -rf "$OLD" ;; esac
  rm -f "$STATE"
fi

DIR="$(mktemp -d /tmp/qnn-postgres.XXXXXX)"
chmod 755 "$DIR"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR"; fi
echo "$DIR" > "$STATE"

as_postgres "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c fsync=off" >&2

for _ in $(seq 1 60); do
  if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 1
done
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  log "PostgreSQL did not accept connections on 127.0.0.1:$PORT; its log:"
  cat "$DIR/log" >&2 || true
  exit 1
fi

"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
log "PostgreSQL ready on 127.0.0.1:$PORT (data in $DIR)"
echo "export QNN_TEST_POSTGRES=postgresql://postgres@127.0.0.1:$PORT/$DB"
