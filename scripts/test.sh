#!/usr/bin/env bash
# Runs every test of hanteam:
#   1. installs what is missing (scripts/setup.sh)
#   2. starts a throwaway PostgreSQL cluster (scripts/pg.sh) and exports HANTEAM_TEST_PG_URL, its admin URL;
#      the Rust tests create a fresh database per test inside it (a plain `cargo test` without it
#      starts a cluster of its own for the run)
#   3. cargo fmt --check and cargo clippy -D warnings, then
#      cargo test --workspace --locked (SQLite and PostgreSQL tests alike)
#   4. cargo build --locked -p hanteam, then the browser tests (node --test e2e/) against that binary
# Exits non-zero if any stage fails. Reuses target/ and node_modules/ between runs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

stage() { printf '\n==> %s\n' "$*"; }

stage "setup (scripts/setup.sh)"
scripts/setup.sh

if [ -n "${CI:-}" ]; then
  stage "toolchain"
  cargo --version
  rustc --version
  node --version
  printf 'npm %s\n' "$(npm --version)"
  /usr/bin/chromium --version 2>/dev/null || true
fi

stage "PostgreSQL (throwaway cluster)"
# Under /tmp: the postgres user must reach it, and Unix socket paths are short.
pgdir="$(mktemp -d /tmp/hanteam-pg.XXXXXX)"
cleanup() { scripts/pg.sh stop "$pgdir" || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
HANTEAM_TEST_PG_URL="$(scripts/pg.sh start "$pgdir")"
export HANTEAM_TEST_PG_URL
export HANTEAM_TEST_PG_CA="$pgdir/ca.crt"
echo "HANTEAM_TEST_PG_URL=$HANTEAM_TEST_PG_URL"

failed=()

stage "formatting and lints (cargo fmt --check, cargo clippy -D warnings)"
if ! cargo fmt --all -- --check; then
  failed+=("cargo fmt (run: cargo fmt --all)")
fi
if ! cargo clippy --workspace --all-targets --locked -- -D warnings; then
  failed+=("cargo clippy")
fi

stage "cargo test --workspace --locked --no-fail-fast"
if ! cargo test --workspace --locked --no-fail-fast; then
  failed+=("cargo test")
fi

stage "cargo build --locked -p hanteam"
if cargo build --locked -p hanteam; then
  stage "browser tests (node --test e2e/)"
  target_dir="${CARGO_TARGET_DIR:-target}"
  if ! HANTEAM_BIN="$target_dir/debug/hanteam" node --test --test-concurrency=1 e2e/; then
    failed+=("browser tests")
  fi
else
  failed+=("cargo build (browser tests not run)")
fi

if [ "${#failed[@]}" -gt 0 ]; then
  stage "FAILED: ${failed[*]}"
  exit 1
fi
stage "all tests passed"
