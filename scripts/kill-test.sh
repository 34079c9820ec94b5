#!/usr/bin/env bash
# The kill test at full size: `hanteam serve` is killed with SIGKILL N times (default 100) on SQLite
# and N times on PostgreSQL while four clients write; each database's line gives the writes, the
# kills and the losses (crates/hanteam/tests/it/crash.rs; .ci/run runs it with 10 kills).
#   scripts/kill-test.sh [N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh >/dev/null
HANTEAM_KILLS="${1:-100}" cargo test --workspace --locked -- crash:: --nocapture
