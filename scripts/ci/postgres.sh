#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the store tests (DATABASE_URL).
#
#   scripts/ci/postgres.sh [start]   install PostgreSQL if missing (Debian's package), initdb a
#                                    fresh cluster in a temporary folder, start it on 127.0.0.1
#                                    on a free port, create the database, and print its
#                                    DATABASE_URL on stdout (the only line on stdout)
#   scripts/ci/postgres.sh stop      stop the cluster the last start made and delete its folder
#
# Progress goes to stderr. The cluster is tuned for tests, not for keeping data: fsync off, no
# durability, trust on the Unix socket, a password over TCP (so the URL is a realistic one).
# Runs as root (CI) by switching to the `postgres` user, or as any other user as itself.
set -euo pipefail

# The cluster's folder must be reachable by the `postgres` user: /tmp, not a private TMPDIR.
BASE="${EXOGATE_PG_TMPDIR:-/tmp}"
STATE="${EXOGATE_PG_STATE:-$BASE/exogate-ci-postgres.state}"
DB_NAME="${EXOGATE_PG_DATABASE:-exogate_test}"
DB_PASSWORD="exogate"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# The newest installed server's bin folder (Debian keeps them in /usr/lib/postgresql/<major>/bin).
pg_bin() {
  local dir best=""
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" ]] || continue
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$dir" | sort -V | tail -n 1)" == "$dir" ]]; then best="$dir"; fi
  done
  if [[ -n "$best" ]]; then echo "$best"; return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

install_postgres() {
  if [[ "$(id -u)" != 0 ]]; then log "PostgreSQL is not installed and this is not root: install it (apt-get install postgresql)"; exit 1; fi
  log "installing PostgreSQL from Debian's packages"
  # No "main" cluster: this script makes its own, and skipping Debian's saves an initdb and a
  # service start (postgresql-common reads this file; see its README.Debian).
  mkdir -p /etc/postgresql-common
  [[ -e /etc/postgresql-common/createcluster.conf ]] || echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
  # Keep that file as written when the package's postinst (ucf) meets it.
  export DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1
  local apt_opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if ! apt-get install "${apt_opts[@]}" postgresql >&2; then
    apt-get update -q >&2
    apt-get install "${apt_opts[@]}" postgresql >&2
  fi
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root).
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  else
    echo 54329
  fi
}

start() {
  local bin
  bin="$(pg_bin)" || { install_postgres; bin="$(pg_bin)"; }
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    # A server binary without Debian's package (which creates the user): make the user ourselves.
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  # A cluster a previous start left behind (same machine, no stop) goes first.
  if [[ -f "$STATE" ]]; then stop; fi

  local dir
  dir="$(mktemp -d "$BASE/exogate-pg.XXXXXX")"
  chmod 755 "$dir"
  mkdir "$dir/data" "$dir/run"
  printf '%s\n' "$DB_PASSWORD" > "$dir/pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown -R postgres: "$dir"; fi

  log "initdb in $dir/data ($("$bin/postgres" --version))"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"

  local port="" tries
  for tries in 1 2 3 4 5; do
    port="$(free_port)"
    # Loopback only; the socket in our own folder (no dependence on /var/run/postgresql).
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >&2; then
      break
    fi
    port=""
    log "start on port failed (try $tries); log follows"; tail -n 20 "$dir/server.log" >&2 || true
  done
  [[ -n "$port" ]] || { log "could not start PostgreSQL"; exit 1; }

  as_owner "$bin/createdb" -h "$dir/run" -p "$port" -U postgres "$DB_NAME"
  printf 'PGDIR=%q\nPGBIN=%q\nPGPORT=%q\n' "$dir" "$bin" "$port" > "$STATE"
  log "PostgreSQL listening on 127.0.0.1:$port, database $DB_NAME (stop: $0 stop)"
  echo "postgres://postgres:${DB_PASSWORD}@127.0.0.1:${port}/${DB_NAME}"
}

stop() {
  [[ -f "$STATE" ]] || { log "nothing to stop"; return 0; }
  local PGDIR PGBIN PGPORT
  # shellcheck disable=SC1090
  source "$STATE"
  as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >&2 || true
  rm -rf "$PGDIR" "$STATE"
  log "stopped the server on port $PGPORT"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
