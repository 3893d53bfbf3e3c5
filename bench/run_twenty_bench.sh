#!/usr/bin/env bash
# Twenty tools benchmark (issue 4): twenty-mcp-server's Twenty tools against twenty-standin, side by
# side with direct REST calls, all on loopback, in one run:
#   1. closed-loop throughput at 64 sessions: get_record (cache miss / hit), list_records vs REST
#   2. upstream calls behind 20 identical concurrent list_records (cache off, then on)
#   3. upstream calls for one 1,000-record twenty_batch_operations create (limits off, then Twenty's)
#   4. upstream 429s at 5x a scaled-down Twenty limit, through the server vs straight to the stand-in
#   5. tools/list size (default toolset and core,objects)
# Env: BUILD_DIR (default <repo>/build-tbench), DURATION (s per throughput run, 10), WARMUP (1),
# SESSIONS (64), SCALE (stand-in --scale for the throughput and 429 runs, 10000 = 1,000 companies),
# OFFER_RATE (100/s), OFFER_S (10), DRAIN_S (20), SKIP_BUILD=1 to use existing binaries,
# SERVER (another server binary), SERVER_FLAGS (extra server flags, e.g. "--scheduler sharing"),
# ONLY_THROUGHPUT=1 (part 1 only).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"  # start_announcing, _start_and_wait (this script's start_standin differs)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-tbench}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
SESSIONS=${SESSIONS:-64}
SCALE=${SCALE:-10000}
OFFER_RATE=${OFFER_RATE:-100}
OFFER_S=${OFFER_S:-10}
DRAIN_S=${DRAIN_S:-20}
KEY=standin-demo-key
WORK=$(mktemp -d /tmp/twenty-bench.XXXXXX)

if [[ -z "${SKIP_BUILD:-}" ]]; then
  cfg_args=()
  [[ -f "$BUILD_DIR/CMakeCache.txt" ]] || cfg_args+=("-DCMAKE_BUILD_TYPE=Release")
  command -v ccache >/dev/null && cfg_args+=("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
  if ! { cmake -S "$ROOT" -B "$BUILD_DIR" "${cfg_args[@]}" &&
         cmake --build "$BUILD_DIR" -j2 --target twenty-mcp-server twenty-standin twenty-tools-bench; } \
       >"$WORK/build.log" 2>&1; then
    echo "build failed:" >&2; tail -40 "$WORK/build.log" >&2; exit 1
  fi
fi
SERVER=${SERVER:-$BUILD_DIR/bin/twenty-mcp-server}
STANDIN="$BUILD_DIR/bin/twenty-standin"
BENCH="$BUILD_DIR/bin/twenty-tools-bench"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")

standin_pid="" server_pid="" standin_url="" url="" server_log=""
stop_pid() {  # stop_pid PID NAME SECONDS: TERM, then KILL after SECONDS
  local pid=$1 t0=$SECONDS
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq $(($3 * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "!! $2 (pid $pid) still running $(($SECONDS - t0)) s after SIGTERM: SIGKILL" >&2
    kill -KILL "$pid"
  fi
  wait "$pid" 2>/dev/null || true
}
# The server drains for up to 10 s on SIGTERM; give it 20.
stop_server() {
  stop_pid "$server_pid" server 20; server_pid=""
  # Anything the server logged at warn level or above (besides its start line) is shown.
  [[ -n "$server_log" ]] && grep -v 'listening on' "$server_log" | head -5 | sed 's/^/  server log: /' || true
}
stop_standin() { stop_pid "$standin_pid" stand-in 5; standin_pid=""; }
trap 'stop_server; stop_standin; rm -rf "$WORK"' EXIT

# start_standin NAME ARGS...: a fresh stand-in on a free port; sets standin_pid, standin_url.
start_standin() {
  local log="$WORK/standin.$1.log"; shift  # stdout (the announcement) goes to $log.out
  START_WAIT_TENTHS=300 _start_and_wait stdout "$log" "$STANDIN" --port 0 "$@" || exit 1
  standin_pid=$started_pid
  standin_url=$started_url
}

# start_server NAME ARGS...: a fresh server on the current stand-in; waits for its schema load.
start_server() {
  local log="$WORK/server.$1.log"; shift
  : >"$log"
  server_log=$log
  start_announcing "$log" "$SERVER" --transport http --http-port 0 --twenty-api-url "$standin_url" \
    --twenty-api-key "$KEY" --log-level warn ${SERVER_FLAGS:-} "$@" || exit 1
  server_pid=$started_pid
  url=$started_url
  sleep 1  # the schema is read at start-up; let it land before measuring
}

check_alive() {
  kill -0 "$server_pid" 2>/dev/null && return 0
  echo "!! server (pid $server_pid) died during: $1; log:" >&2
  tail -20 "$WORK"/server.*.log >&2
  server_pid=""
}

declare -A res
# bench NAME ARGS...: runs twenty-tools-bench, echoes its output, keeps the RESULT line as res[NAME].
bench() {
  local name=$1; shift
  local out="$WORK/bench.$name.txt"
  timeout 300 "$BENCH" "$@" --label "$name" >"$out" 2>&1 || echo "!! twenty-tools-bench $name exited with $?" >&2
  cat "$out"
  res[$name]=$(grep '^RESULT' "$out" | tail -1 || true)
  [[ -n "$server_pid" ]] && check_alive "$name"
  return 0
}
f() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"${res[$1]:-}"; }  # f NAME KEY

rates_off=(--rate-short-limit 0 --rate-long-limit 0)
echo "# twenty-tools-bench on $(hostname): nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), build=$build_type"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other engineers build on the same VM)"
echo "# stand-in, server (--worker-threads 2 --http-threads 2 default) and load generator (2 io threads) share the same cores"

echo; echo "## 1. throughput, $SESSIONS sessions/clients, ${DURATION}s (+${WARMUP}s warm-up), stand-in --no-rate-limit --scale $SCALE, server rate limits off"
start_standin tput --no-rate-limit --scale "$SCALE"
load=(--standin "$standin_url" --sessions "$SESSIONS" --duration "$DURATION" --warmup "$WARMUP")
bench rest_get rest-load "${load[@]}" --tool get
bench rest_list rest-load "${load[@]}" --tool list
start_server nocache "${rates_off[@]}" --cache-ttl-ms 0
bench mcp_get_miss mcp-load --url "$url" "${load[@]}" --tool get --pid "$server_pid"
bench mcp_list_nocache mcp-load --url "$url" "${load[@]}" --tool list --pid "$server_pid"
stop_server
start_server cache "${rates_off[@]}"
bench mcp_get_hit mcp-load --url "$url" "${load[@]}" --tool get --ids 16 --pid "$server_pid"
bench mcp_list_cache mcp-load --url "$url" "${load[@]}" --tool list --pid "$server_pid"
stop_server; stop_standin

if [[ -z "${ONLY_THROUGHPUT:-}" ]]; then
echo; echo "## 2. 20 identical concurrent twenty_list_records (rounds 4-6 repeat rounds 1-3), limits off"
start_standin burst --no-rate-limit
start_server burst_nocache "${rates_off[@]}" --cache-ttl-ms 0
bench burst_nocache burst --url "$url" --standin "$standin_url" --sessions 20 --rounds 6
stop_server
start_server burst_cache "${rates_off[@]}"
bench burst_cache burst --url "$url" --standin "$standin_url" --sessions 20 --rounds 6
stop_server; stop_standin

echo; echo "## 3. one twenty_batch_operations create of 1,000 companies"
start_standin import_off --no-rate-limit
start_server import_off "${rates_off[@]}"
bench import_off import --url "$url" --standin "$standin_url" --records 1000
stop_server; stop_standin
start_standin import_on  # Twenty's defaults: 100/1 s and 100/60 s
start_server import_on   # the server's defaults mirror them
bench import_on import --url "$url" --standin "$standin_url" --records 1000 --timeout 90
stop_server; stop_standin

echo; echo "## 4. ${OFFER_RATE} calls/s for ${OFFER_S}s (5x the short limit), limits 20/1 s + 100/10 s on both sides, cache off"
limits=(--rate-short 20/1000 --rate-long 100/10000)
offer=(--rate "$OFFER_RATE" --duration "$OFFER_S" --drain "$DRAIN_S")
start_standin offer_mcp "${limits[@]}" --scale "$SCALE"  # 600 ids fetched: every get is distinct
start_server offer --cache-ttl-ms 0 --rate-short-limit 20 --rate-short-ttl-ms 1000 \
  --rate-long-limit 100 --rate-long-ttl-ms 10000
bench offer_mcp offered --url "$url" --standin "$standin_url" --sessions 8 "${offer[@]}"
stop_server; stop_standin
start_standin offer_rest "${limits[@]}" --scale "$SCALE"
bench offer_rest offered --direct --standin "$standin_url" "${offer[@]}"
stop_standin

echo; echo "## 5. tools/list size"
start_standin tools --no-rate-limit
start_server tools_default
bench tools_default tools-list --url "$url"
stop_server
start_server tools_all --toolsets core,objects
bench tools_all tools-list --url "$url"
stop_server; stop_standin

fi  # ONLY_THROUGHPUT

echo; echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo; echo "## Summary (markdown)"
echo
echo "| Scenario | ok | failed | req/s | p50 ms | p99 ms | upstream requests per call | server CPU ms per call |"
echo "|---|---|---|---|---|---|---|---|"
row() { echo "| $2 | $(f "$1" ok) | $(f "$1" failed) | $(f "$1" rps) | $(f "$1" p50_ms) | $(f "$1" p99_ms) | $(f "$1" upstream_per_call) | $(f "$1" cpu_ms_per_call) |"; }
row rest_get "REST \`GET /rest/companies/{id}\` (1,000 ids)"
row mcp_get_miss "MCP \`twenty_get_record\`, cache off (1,000 ids)"
row mcp_get_hit "MCP \`twenty_get_record\`, cache on (16 ids)"
row rest_list "REST \`GET /rest/companies?limit=20\`"
row mcp_list_nocache "MCP \`twenty_list_records\` limit 20, cache off"
row mcp_list_cache "MCP \`twenty_list_records\` limit 20, cache on"
echo
echo "| Identical concurrent reads (20 sessions) | upstream \`GET /rest/{object}\` per round | ok |"
echo "|---|---|---|"
echo "| cache off | $(f burst_nocache list_calls_per_round) | $(f burst_nocache ok)/$((20 * 6)) |"
echo "| cache on | $(f burst_cache list_calls_per_round) | $(f burst_cache ok)/$((20 * 6)) |"
echo
echo "| 1,000-record import | succeeded | failed | upstream | \`POST /rest/batch\` | 429s | seconds |"
echo "|---|---|---|---|---|---|---|"
for n in import_off import_on; do
  echo "| $n | $(f $n succeeded) | $(f $n failed) | $(f $n upstream) | $(f $n batch_posts) | $(f $n rate_limited) | $(f $n seconds) |"
done
echo
echo "| Offered load | offered | ok | failed | unfinished | upstream | stand-in 429s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in offer_mcp offer_rest; do
  echo "| $n | $(f $n offered) | $(f $n ok) | $(f $n failed) | $(f $n unfinished) | $(f $n upstream) | $(f $n rate_limited) | $(f $n p50_ms) | $(f $n p99_ms) |"
done
echo
echo "| tools/list | tools | JSON-RPC bytes | tool definitions bytes | ~tokens (bytes/4) |"
echo "|---|---|---|---|---|"
for n in tools_default tools_all; do
  echo "| $n | $(f $n tools) | $(f $n message_bytes) | $(f $n tools_bytes) | $(f $n approx_tokens) |"
done
