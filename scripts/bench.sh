#!/usr/bin/env bash
# The load benchmark: hanteam with 100,000 synthetic tasks, on SQLite and on PostgreSQL.
#
#   scripts/bench.sh [--tasks N] [--seconds S] [--only sqlite|postgres] [--readme] [--serve-bin PATH]
#
# --serve-bin serves (and makes the write's account) with another build of hanteam, e.g. an older
# commit's, on the same data: how a change is measured before and after.
#
# Builds the release binary; creates the synthetic set with `hanteam synth` (the SQLite file is cached
# in target/bench/ between runs, keyed by the generator's source and the parameters; PostgreSQL gets a
# throwaway cluster from scripts/pg.sh, filled anew); starts `hanteam serve` on each database and,
# with wrk on loopback (installed when missing), measures requests/s and p50/p99 latency at 1 and 16
# connections for every request below, S seconds each (default 10). Also: the time from start to the
# first answered request, resident memory after the run, and the database's size.
#
# Writes target/bench/bench-<date>.md and .tsv, and prints the Markdown table with the targets met or
# missed. With --readme, puts the table into README.md between the bench markers.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tasks=100000
agencies=300
seed=1
seconds=10
only=""
readme=""
serve_bin=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --tasks) tasks="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --readme) readme=1; shift ;;
    --serve-bin) serve_bin="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    *) echo "usage: $0 [--tasks N] [--seconds S] [--only sqlite|postgres] [--readme] [--serve-bin PATH]" >&2; exit 2 ;;
  esac
done

log() { printf 'bench: %s\n' "$*" >&2; }

# --- what the benchmark needs ---------------------------------------------------------------------
sudo_cmd=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo DEBIAN_FRONTEND=noninteractive); fi
need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  "${sudo_cmd[@]}" apt-get update -q >/tmp/hanteam-bench-apt.log 2>&1
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >>/tmp/hanteam-bench-apt.log 2>&1 \
    || { cat /tmp/hanteam-bench-apt.log >&2; exit 1; }
fi
scripts/setup.sh

log "building the release binary"
cargo build --release --locked -p hanteam >/dev/null 2>&1 || cargo build --release --locked -p hanteam
bin="$root/target/release/hanteam"
serve_bin="${serve_bin:-$bin}"
out="$root/target/bench"
mkdir -p "$out"
run_dir="$(mktemp -d /tmp/hanteam-bench.XXXXXX)"
pgdir=""
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$pgdir" ] && scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
  # What wrk and the server said, for a row that needs explaining (the run directory goes).
  cp "$run_dir/wrk-all.txt" "$out/wrk-last.txt" 2>/dev/null || true
  cp "$run_dir"/serve-*.log "$out/" 2>/dev/null || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

# --- the synthetic set ----------------------------------------------------------------------------
# Cached by what makes it: the generator, the schema, the parameters.
key="$(cat crates/app/src/synth.rs crates/app/src/synth/*.rs crates/store/src/bulk.rs crates/store/migrations/*.sql | sha256sum | cut -c1-12)"
cached="$out/synth-$tasks-$agencies-$seed-$key.db"
synth() { # URL
  DATABASE_URL="$1" RUST_LOG=warn "$bin" synth --tasks "$tasks" --agencies "$agencies" --seed "$seed" 2>&1 | tail -n 3 >&2
}
if [ ! -f "$cached" ] && { [ -z "$only" ] || [ "$only" = sqlite ]; }; then
  rm -f "$out"/synth-*.db*
  log "creating $tasks synthetic tasks in $cached"
  synth "sqlite://$cached.tmp"
  mv "$cached.tmp" "$cached"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
results="$run_dir/results.tsv"
printf 'backend\trequest\tconnections\treq_per_s\tp50_ms\tp99_ms\terrors\n' >"$results"
facts="$run_dir/facts.tsv"
printf 'backend\tfact\tvalue\n' >"$facts"

# Starts the server on $1 and records how long it took to answer its first request.
start_server() { # BACKEND URL
  local started ended
  started=$(date +%s%N)
  DATABASE_URL="$2" RUST_LOG=warn "$serve_bin" serve --addr "127.0.0.1:$port" >"$run_dir/serve-$1.log" 2>&1 &
  server_pid=$!
  until curl -fsS "$base/api/v1/tasks?limit=1" >/dev/null 2>&1; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$run_dir/serve-$1.log" >&2; log "hanteam serve exited"; exit 1; }
    sleep 0.005
  done
  ended=$(date +%s%N)
  printf '%s\tstartup_ms\t%s\n' "$1" $(((ended - started) / 1000000)) >>"$facts"
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# One wrk run; appends a result row. TOKEN, when given, is sent as `Authorization: Bearer TOKEN`
# (a page or API read of a signed-in person).
measure() { # BACKEND NAME CONNECTIONS PATH [LUA] [TOKEN]
  local threads=$(($3 > 1 ? 2 : 1)) args=()
  [ -n "${5:-}" ] && args+=(-s "$5")
  [ -n "${6:-}" ] && args+=(-H "Authorization: Bearer $6")
  wrk -t"$threads" -c"$3" -d"${seconds}s" --latency "${args[@]}" "$base$4" >"$run_dir/wrk.txt" 2>&1 || true
  printf '\n=== %s: %s × %s\n' "$1" "$2" "$3" >>"$run_dir/wrk-all.txt"
  cat "$run_dir/wrk.txt" >>"$run_dir/wrk-all.txt"
  python3 scripts/bench/wrk_row.py "$1" "$2" "$3" <"$run_dir/wrk.txt" >>"$results"
}

bench_backend() { # BACKEND URL
  local backend="$1" url="$2"
  # Today's due-date reminders first (on 100,000 tasks, ~140,000 of them): otherwise the server's
  # reminder job makes them while the rows below are measured.
  log "$backend: making today's reminders"
  local reminded_from=$SECONDS
  DATABASE_URL="$url" RUST_LOG=warn "$bin" remind >&2
  log "$backend: reminders made in $((SECONDS - reminded_from)) s"
  log "$backend: serving"
  start_server "$backend" "$url"
  # A write needs a token: a service account of OPC on this copy of the data.
  DATABASE_URL="$url" RUST_LOG=warn "$serve_bin" user add --service --login bench.writer --name "부하 측정" --role opc_admin >/dev/null
  local token
  token="$(DATABASE_URL="$url" RUST_LOG=warn "$serve_bin" user token bench.writer --name "부하 측정" --right read --right write 2>/dev/null)"
  local detail
  detail="$(curl -fsS "$base/api/v1/tasks?pair=1&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
  local env_agency="%ED%99%98%EA%B2%BD%EB%B6%80" # 환경부
  # The periodic checks (`hanteam synth` makes a closed cycle and an open one): the open cycle, and
  # a task with reports in it and a bottleneck.
  local open_cycle checked_task
  open_cycle="$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/check-cycles?limit=100" \
    | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["items"] if not c.get("closed_at")][0])')"
  checked_task="$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/bottlenecks?limit=1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["task"]["id"])')"
  # The evaluation rounds (`hanteam synth` makes last year's, published with its result, and this
  # year's, in 채점 with every sheet submitted): last year's results, prize split and 환경부's statement.
  local rounds published_round scoring_round env_id
  rounds="$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/evaluation-rounds?limit=100")"
  published_round="$(python3 -c 'import json,sys; print([r["id"] for r in json.loads(sys.argv[1])["items"] if r["stage"] == "published"][0])' "$rounds")"
  scoring_round="$(python3 -c 'import json,sys; print([r["id"] for r in json.loads(sys.argv[1])["items"] if r["stage"] == "scoring"][0])' "$rounds")"
  env_id="$(curl -fsS "$base/api/v1/agencies/$env_agency" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  # An officer of 환경부: the home page's work list (내 점검 보고, 내 후속조치) and the report filing.
  DATABASE_URL="$url" RUST_LOG=warn "$serve_bin" user add --service --login bench.officer --name "부하 측정 담당관" \
    --role agency_officer --agency 환경부 >/dev/null
  local officer
  officer="$(DATABASE_URL="$url" RUST_LOG=warn "$serve_bin" user token bench.officer --name "부하 측정" --right read --right write 2>/dev/null)"
  local requests=(
    "healthz|/healthz"
    "task list JSON, 100 rows|/api/v1/tasks?limit=100"
    "task list HTML, 100 rows|/tasks?limit=100"
    "tasks of an agency (환경부)|/api/v1/tasks?agency=$env_agency&limit=100"
    "tasks by status and type|/api/v1/tasks?status=in_progress&type=silo_removal&limit=100"
    "task detail|/api/v1/tasks/$detail"
    "search, common word (지원)|/api/v1/tasks?q=%EC%A7%80%EC%9B%90&limit=100"
    "search, two syllables (용수)|/api/v1/tasks?q=%EC%9A%A9%EC%88%98&limit=100"
    "search, one syllable (쌀)|/api/v1/tasks?q=%EC%8C%80&limit=100"
    "search, found nowhere (펭귄우주선)|/api/v1/tasks?q=%ED%8E%AD%EA%B7%84%EC%9A%B0%EC%A3%BC%EC%84%A0&limit=100"
    "home page|/"
    "pairs page|/pairs"
    "agency page (환경부)|/agencies/$env_agency"
  )
  # Reads of a signed-in person: OPC's (the writer's token) and the officer's.
  local signed_in=(
    "open check cycle page (OPC)|/checks/$open_cycle|$token"
    "open check cycle JSON (OPC)|/api/v1/check-cycles/$open_cycle|$token"
    "bottleneck list JSON (OPC)|/api/v1/bottlenecks|$token"
    "task page with reports and a bottleneck (OPC)|/tasks/$checked_task|$token"
    "home page, agency officer (work list)|/|$officer"
    "round results JSON, 100 rows (OPC)|/api/v1/evaluation-rounds/$published_round/results?limit=100|$token"
    "round results page (OPC)|/evaluation-rounds/$published_round/results|$token"
    "prize split page (OPC)|/evaluation-rounds/$published_round/prizes|$token"
    "agency statement (환경부, OPC)|/evaluation-rounds/$published_round/statements/agencies/$env_id|$token"
  )
  for conns in 1 16; do
    for r in "${requests[@]}"; do
      log "$backend: ${r%%|*} × $conns"
      measure "$backend" "${r%%|*}" "$conns" "${r#*|}"
    done
    for r in "${signed_in[@]}"; do
      local name="${r%%|*}" rest="${r#*|}"
      log "$backend: $name × $conns"
      measure "$backend" "$name" "$conns" "${rest%%|*}" "" "${rest#*|}"
    done
    log "$backend: write × $conns"
    # The tasks the write run edits, with their versions as they are now (the run before edited some).
    python3 scripts/bench/prepare_writes.py "$base" "$token" "$run_dir/write_tasks.lua"
    HANTEAM_BENCH_TOKEN="$token" HANTEAM_BENCH_ROWS="$run_dir/write_tasks.lua" \
      measure "$backend" "write (task edit with version)" "$conns" "/api/v1/tasks" scripts/bench/write.lua
    log "$backend: report filing × $conns"
    # The officer's reports not yet submitted in the open cycle, with their versions as they are now.
    python3 scripts/bench/prepare_reports.py "$base" "$officer" "$open_cycle" 환경부 "$run_dir/write_reports.lua" >/dev/null
    HANTEAM_BENCH_TOKEN="$officer" HANTEAM_BENCH_ROWS="$run_dir/write_reports.lua" \
      measure "$backend" "write (report filing with version)" "$conns" "/api/v1/check-cycles" scripts/bench/write.lua
    log "$backend: saving a score × $conns"
    # An evaluator's sheets in this year's round, reopened by OPC so that they save as drafts.
    local evaluator
    evaluator="$(DATABASE_URL="$url" RUST_LOG=warn python3 scripts/bench/prepare_sheets.py "$base" "$token" \
      "$scoring_round" "$run_dir/write_sheets.lua" "$serve_bin")"
    HANTEAM_BENCH_TOKEN="$evaluator" HANTEAM_BENCH_ROWS="$run_dir/write_sheets.lua" \
      measure "$backend" "write (saving a score, draft sheet)" "$conns" "/api/v1/evaluation-rounds" scripts/bench/write.lua
  done
  # Last, as it changes the data: closing scoring of this year's round (every task, every sheet):
  # aggregate, grade and store the result in one request.
  log "$backend: closing scoring of round $scoring_round"
  local version close_s
  version="$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/evaluation-rounds/$scoring_round" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')"
  close_s="$(curl -sS -o "$run_dir/close.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
    -H 'content-type: application/json' -d "{\"to\":\"review\",\"version\":$version}" \
    "$base/api/v1/evaluation-rounds/$scoring_round/stage")"
  [ "${close_s%% *}" = 200 ] || { cat "$run_dir/close.json" >&2; log "closing scoring failed: $close_s"; exit 1; }
  printf '%s\tclose_ms\t%s\n' "$backend" "$(python3 -c 'import sys; print(round(float(sys.argv[1]) * 1000))' "${close_s#* }")" >>"$facts"
  printf '%s\trss_mib\t%s\n' "$backend" $(($(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status") / 1024)) >>"$facts"
  stop_server
}

if [ -z "$only" ] || [ "$only" = sqlite ]; then
  # A copy per run: the write run changes tasks.
  cp "$cached" "$run_dir/bench.db"
  printf 'sqlite\tdb_mib\t%s\n' $(($(stat -c %s "$run_dir/bench.db") / 1048576)) >>"$facts"
  bench_backend sqlite "sqlite://$run_dir/bench.db"
fi

if [ -z "$only" ] || [ "$only" = postgres ]; then
  pgdir="$(mktemp -d /tmp/hanteam-bench-pg.XXXXXX)"
  admin_url="$(scripts/pg.sh start "$pgdir")"
  psql -q "$admin_url" -c "CREATE DATABASE bench" >/dev/null
  pg_url="${admin_url%/postgres}/bench"
  log "creating $tasks synthetic tasks on PostgreSQL"
  synth "$pg_url"
  psql -q "$pg_url" -c "VACUUM ANALYZE" >/dev/null
  printf 'postgres\tdb_mib\t%s\n' "$(psql -tA "$pg_url" -c "SELECT pg_database_size('bench') / 1048576")" >>"$facts"
  bench_backend postgres "$pg_url"
fi

stamp="$(date -u +%Y-%m-%d)"
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
cp "$results" "$out/bench-$stamp.tsv"
python3 scripts/bench/report.py "$results" "$facts" "$stamp" "$machine" "$tasks" "$seconds" >"$out/bench-$stamp.md"
cat "$out/bench-$stamp.md"
log "written: $out/bench-$stamp.md and .tsv"
if [ -n "$readme" ]; then
  python3 scripts/bench/report.py --readme README.md "$out/bench-$stamp.md"
  log "README.md updated"
fi
