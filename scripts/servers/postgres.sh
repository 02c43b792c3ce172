#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 (free port) for the relay's PostgreSQL store:
# `initdb` in a temp dir as an unprivileged system user (PostgreSQL refuses to run as root),
# trust authentication on loopback only, fsync left on (the durability tests need it).
#
# Called by scripts/test.sh with RUN=<temp dir>; installs nothing (test.sh installs
# postgresql). Writes $RUN/postgres.pid (the postmaster; SIGTERM stops it) and prints
# `export HUSHPOST_TEST_PG=postgres://USER@127.0.0.1:PORT/postgres` for the tests, which
# make a database of their own per test.
set -euo pipefail
: "${RUN:?RUN must name the test run directory}"
PG_USER=hpt-pg

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] ||
  { echo "postgres.sh: initdb missing (apt-get install postgresql)" >&2; exit 1; }

as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id "$PG_USER" >/dev/null 2>&1 ||
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_USER"
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  PG_USER=$(id -un)
fi

# A free loopback port, from the kernel.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
D=$RUN/pg
mkdir -p "$D"
chmod 0755 "$RUN"
chown "$PG_USER" "$D" 2>/dev/null || true
chmod 0700 "$D"
as_pg "$BIN/initdb" -D "$D/data" -U "$PG_USER" --auth=trust --encoding=UTF8 --no-instructions \
  >"$D/initdb.log" 2>&1 || { echo "postgres.sh: initdb failed:" >&2; cat "$D/initdb.log" >&2; exit 1; }
cat >>"$D/data/postgresql.conf" <<CFG
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$D'
max_connections = 300
shared_buffers = 128MB
fsync = on
synchronous_commit = on
logging_collector = off
CFG
as_pg "$BIN/pg_ctl" -D "$D/data" -l "$D/postgres.log" -w -t 60 start >/dev/null ||
  { echo "postgres.sh: postgres did not start:" >&2; cat "$D/postgres.log" >&2; exit 1; }
head -1 "$D/data/postmaster.pid" >"$RUN/postgres.pid"

cat <<ENV
export HUSHPOST_TEST_PG=postgres://$PG_USER@127.0.0.1:$PORT/postgres
export HUSHPOST_TEST_PG_LOG=$D/postgres.log
ENV
