#!/usr/bin/env bash
# Starts hanteam on a fresh Debian machine: installs npm if it is missing (the build embeds the KRDS
# design-system assets from the npm package), then builds and runs `hanteam serve`.
# Extra arguments go to `hanteam serve`, e.g. scripts/start.sh --addr 0.0.0.0:8080
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v npm >/dev/null 2>&1; then
  echo "npm이 없어 설치합니다 (apt-get install nodejs npm) / installing npm" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
cd "$root"
exec cargo run --release --locked -p hanteam -- serve "$@"
