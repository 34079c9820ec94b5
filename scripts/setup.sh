#!/usr/bin/env bash
# Installs what hanteam's build and tests need on a Debian machine, only when it is missing:
#   PostgreSQL (throwaway test clusters) and openssl (their TLS certificate), Chromium + Nanum fonts
#   (browser tests), Python's aiosmtpd (the real SMTP server the e-mail tests start),
#   Node.js + npm (KRDS assets and the browser tests), then the npm packages (npm ci).
# Idempotent and silent when everything is already there. Safe to run as often as you like.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf 'setup: %s\n' "$*" >&2; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo DEBIAN_FRONTEND=noninteractive)
  fi
fi

have_pkg() { dpkg -s "$1" >/dev/null 2>&1 && dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

# Newest PostgreSQL server binaries installed by Debian's packages, if any.
pg_bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    if [ -z "$best" ] || [ "${d//[!0-9]/}" -gt "${best//[!0-9]/}" ]; then best="$d"; fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

missing=()
if [ -z "$(pg_bindir || true)" ] || ! id postgres >/dev/null 2>&1; then missing+=(postgresql); fi
if ! command -v psql >/dev/null 2>&1; then missing+=(postgresql-client); fi
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if ! command -v openssl >/dev/null 2>&1; then missing+=(openssl); fi
if ! have_pkg fonts-nanum; then missing+=(fonts-nanum); fi
if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then missing+=(python3-aiosmtpd); fi
if ! command -v npm >/dev/null 2>&1; then
  # A Node.js that is already there (e.g. NodeSource's, which bundles npm) is kept.
  if command -v node >/dev/null 2>&1; then missing+=(npm); else missing+=(nodejs npm); fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing missing Debian packages: ${missing[*]}"
  apt_install() {
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "$@" >/tmp/hanteam-apt.log 2>&1
  }
  # Package lists may be absent or stale on a fresh machine: update first, once.
  if ! "${sudo_cmd[@]}" apt-get update -q >/tmp/hanteam-apt.log 2>&1; then
    cat /tmp/hanteam-apt.log >&2
    log "apt-get update failed"
    exit 1
  fi
  if ! apt_install "${missing[@]}"; then
    cat /tmp/hanteam-apt.log >&2
    log "apt-get install ${missing[*]} failed"
    exit 1
  fi
  log "installed: ${missing[*]}"
fi

# npm packages (KRDS assets embedded by the build, playwright-core and axe-core for the browser tests).
cd "$root"
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  # npm ci rewrites node_modules/.package-lock.json; make sure it is newer than the lockfile.
  touch node_modules/.package-lock.json
fi
