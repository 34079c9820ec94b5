#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the tests.
#
#   scripts/pg.sh start DIR   create DIR, initdb + start a cluster in it on a free port of 127.0.0.1,
#                             wait until it accepts connections, print its admin URL
#                             (postgres://postgres@127.0.0.1:PORT/postgres) on stdout and write it to DIR/url;
#                             TLS is on, with its certificate in DIR/ca.crt
#   scripts/pg.sh stop DIR    stop that cluster and remove DIR
#   scripts/pg.sh start DIR --stop-with PID
#                             as start, and stop the cluster (removing DIR) once process PID has ended:
#                             how a plain `cargo test` gets a cluster of its own for its run
#
# Trust authentication, no fsync: for tests only. PostgreSQL refuses to run as root, so when run as root the
# server runs as the `postgres` system user (created by Debian's postgresql package); DIR must then be
# reachable by that user (a directory under /tmp is).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { printf 'pg.sh: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: $0 start DIR [--stop-with PID] | stop DIR"; }

cmd="${1:-}"
dir="${2:-}"
stop_with=""
case "$#" in
  2) ;;
  4) [ "$cmd" = start ] && [ "$3" = --stop-with ] || usage; stop_with="$4" ;;
  *) usage ;;
esac
[ -n "$dir" ] || usage

pg_bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    if [ -z "$best" ] || [ "${d//[!0-9]/}" -gt "${best//[!0-9]/}" ]; then best="$d"; fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

# Run a PostgreSQL server binary as the postgres user when we are root, as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  elif command -v node >/dev/null 2>&1; then
    node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
  else
    die "need python3 or node to pick a free port"
  fi
}

start() {
  local bindir
  bindir="$(pg_bindir || true)"
  if [ -z "$bindir" ] || { [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; }; then
    "$here/setup.sh" >&2
    bindir="$(pg_bindir || true)"
    [ -n "$bindir" ] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin"
  fi

  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    die "$dir exists and is not empty"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  # Unix sockets are limited to ~107 bytes of path.
  [ "${#dir}" -le 80 ] || die "$dir is too long for a Unix socket directory; use a shorter path (e.g. mktemp -d)"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    chmod 700 "$dir"
    runuser -u postgres -- test -w "$dir" \
      || die "the postgres user cannot write to $dir (a parent directory is not searchable); use a directory under /tmp"
  fi

  local initlog="$dir/initdb.log"
  if ! as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$initlog" 2>&1; then
    # Some systems lack the C.UTF-8 locale: fall back to no locale (still UTF8).
    rm -rf "$dir/data"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale \
        >"$initlog" 2>&1 || { cat "$initlog" >&2; die "initdb failed"; }
  fi

  # TLS on, with a certificate made here for 127.0.0.1/localhost (DIR/ca.crt), so tests can check that
  # hanteam encrypts and verifies PostgreSQL connections. Clients may still connect without TLS.
  # A certificate authority of this run only, and the server's certificate signed by it.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hanteam throwaway test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 || die "openssl could not make the test CA"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" \
    >/dev/null 2>&1 || die "openssl could not make the server key"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/server.ext" -out "$dir/server.crt" >/dev/null 2>&1 || die "openssl could not sign the server certificate"
  rm -f "$dir/ca.key" "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
  chmod 600 "$dir/server.key"
  chmod 644 "$dir/ca.crt" "$dir/server.crt"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/server.key" "$dir/server.crt" "$dir/ca.crt"; fi
  local tls="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"

  local attempt port started=""
  for attempt in 1 2 3; do
    port="$(free_port)"
    if ! as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -W \
        -o "-k $dir -p $port $tls -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300" \
        start >/dev/null 2>&1; then
      continue
    fi
    # Poll until it accepts connections (or the postmaster dies, e.g. because the port got taken).
    local deadline=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$deadline" ]; do
      if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1; then
        started=1
        break
      fi
      if ! as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        # postmaster.pid may not be written yet right after launch; give it a moment before giving up.
        sleep 0.2
        as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || break
      fi
      sleep 0.1
    done
    [ -n "$started" ] && break
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  done
  if [ -z "$started" ]; then
    [ -f "$dir/server.log" ] && tail -n 30 "$dir/server.log" >&2
    die "PostgreSQL did not start"
  fi

  local url="postgres://postgres@127.0.0.1:$port/postgres"
  printf '%s\n' "$url" >"$dir/url"
  printf '%s\n' "$bindir" >"$dir/bindir"
  if [ -n "$stop_with" ]; then
    # A watcher in a session of its own (an interrupted test run does not take it along), with no
    # open pipes of the caller's (which would otherwise wait for it to end).
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"' \
      pg-watch "$stop_with" "$here/pg.sh" "$dir" </dev/null >/dev/null 2>&1 &
  fi
  printf '%s\n' "$url"
}

stop() {
  [ -d "$dir" ] || exit 0
  dir="$(cd "$dir" && pwd)"
  # Only ever remove a directory that this script set up.
  if [ ! -f "$dir/data/PG_VERSION" ] && [ ! -f "$dir/url" ] && [ ! -f "$dir/initdb.log" ]; then
    die "$dir does not look like a cluster made by pg.sh start; not touching it"
  fi
  local bindir
  bindir="$(cat "$dir/bindir" 2>/dev/null || pg_bindir || true)"
  if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 \
      || true
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
