#!/usr/bin/env bash
# Measures what a newcomer feels: time from `hanteam serve` on an empty directory (migrations, loading
# the 2024 dataset) to the first answered request, and the server's resident memory when idle.
# Usage: scripts/bench.sh [runs]   (release build; SQLite; prints one line per run and the median)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --locked -p hanteam >/dev/null 2>&1
bin=$PWD/target/release/hanteam
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
times=()
for i in $(seq "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  (cd "$dir" && RUST_LOG=warn exec "$bin" serve --addr "127.0.0.1:$port" >/dev/null 2>&1) &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/api/v1/tasks?limit=1" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "hanteam exited before answering" >&2; exit 1; }
    sleep 0.005
  done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  # Idle memory: after the first request, nothing else happening.
  sleep 1
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "run $i: first response after ${ms} ms (empty directory, dataset loaded); idle RSS $(( rss_kib / 1024 )) MiB"
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median time to first response: ${median} ms over ${runs} runs"
