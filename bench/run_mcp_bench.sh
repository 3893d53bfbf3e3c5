#!/usr/bin/env bash
# MCP protocol-core benchmark (issue 2): builds the server and mcp-bench, then measures on loopback
# Streamable HTTP load (N = 1, 64, 1000), stdio cold start, idle RSS and RSS with 10,000 idle sessions.
# Env: BUILD_DIR (default <repo>/build), BUILD_TYPE (applied on a fresh build dir, default Release),
# DURATION (s per load run, 10), SESSIONS_LIST ("1 64 1000"), IDLE_SESSIONS (10000), COLD_RUNS (20),
# SKIP_BUILD=1 (measure the binaries already in BUILD_DIR/bin), SERVER (another server binary),
# SERVER_FLAGS (extra server flags, e.g. "--scheduler sharing").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"  # start_announcing
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
DURATION=${DURATION:-10}
SESSIONS_LIST=${SESSIONS_LIST:-"1 64 1000"}
IDLE_SESSIONS=${IDLE_SESSIONS:-10000}
COLD_RUNS=${COLD_RUNS:-20}
WORK=$(mktemp -d /tmp/mcp-bench.XXXXXX)

# Only a fresh build dir gets a build type, so an existing (someone else's) configuration is kept.
cfg_args=()
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" || -n "${BUILD_TYPE:-}" ]]; then
  cfg_args+=("-DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release}")
fi
command -v ccache >/dev/null && cfg_args+=("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" "${cfg_args[@]}" >"$WORK/cmake.log" || { cat "$WORK/cmake.log"; exit 1; }
  cmake --build "$BUILD_DIR" --target twenty-mcp-server mcp-bench -j"$(nproc)" >>"$WORK/cmake.log" 2>&1 ||
    { tail -30 "$WORK/cmake.log"; exit 1; }
fi
SERVER=${SERVER:-$BUILD_DIR/bin/twenty-mcp-server}
BENCH="$BUILD_DIR/bin/mcp-bench"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")

# 1,000 open connections need more descriptors than the usual 1024 (raise to the hard limit if lower).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$server_pid" 2>/dev/null && { echo "server ignored SIGTERM for 5 s: SIGKILL" >&2; kill -KILL "$server_pid"; }
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# Starts a fresh HTTP server on a free loopback port; sets server_pid and url.
start_server() {
  local log="$WORK/server.$1.log"
  start_announcing "$log" "$SERVER" --transport http --http-port 0 --conformance --log-level warn \
    ${SERVER_FLAGS:-} ||
    exit 1
  server_pid=$started_pid
  url=$started_url
}

check_alive() {
  kill -0 "$server_pid" 2>/dev/null || { echo "!! server (pid $server_pid) died during: $1" >&2; server_pid=""; }
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
result_line() { grep '^RESULT' "$1" | tail -1 || true; }

echo "# mcp-bench on $(hostname): nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), build=$build_type"
echo "# server: $SERVER (default --worker-threads 2 --http-threads 2); client: 2 io threads on the same machine"

# --- HTTP load: one server for all N, sessions DELETEd after each run ---
start_server http
declare -A http_res
for n in $SESSIONS_LIST; do
  out="$WORK/http.$n.txt"
  timeout $((DURATION + 180)) "$BENCH" http --url "$url" --sessions "$n" --duration "$DURATION" \
    --pid "$server_pid" >"$out" 2>&1 || echo "!! mcp-bench http N=$n exited with $? (errors or timeout)" >&2
  cat "$out"
  http_res[$n]=$(result_line "$out")
  check_alive "http N=$n"
  [[ -n "$server_pid" ]] || start_server "http-restart-$n"
done
stop_server

# --- Cold start over stdio ---
cold_out="$WORK/cold.txt"
timeout 600 "$BENCH" cold --binary "$SERVER" --runs "$COLD_RUNS" >"$cold_out" 2>&1 || echo "!! mcp-bench cold exited with $?" >&2
cat "$cold_out"
cold=$(result_line "$cold_out")

# --- Idle RSS of a fresh HTTP server, then with IDLE_SESSIONS sessions (connections closed) ---
start_server idle
sleep 1
fresh_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
idle_out="$WORK/idle.txt"
timeout 600 "$BENCH" idle --url "$url" --sessions "$IDLE_SESSIONS" --pid "$server_pid" --delete \
  >"$idle_out" 2>&1 || echo "!! mcp-bench idle exited with $?" >&2
cat "$idle_out"
idle=$(result_line "$idle_out")
check_alive "idle $IDLE_SESSIONS"
stop_server

mib() { [[ -n "$1" && "$1" != "-1" ]] && awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' || echo "n/a"; }

echo
echo "| HTTP load (${DURATION} s, closed loop, mix ping/tools/list/tools/call) | requests | errors | ok req/s | p50 ms | p99 ms | max ms | server RSS after | server CPU ms per request |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in $SESSIONS_LIST; do
  r=${http_res[$n]}
  echo "| N = $n sessions | $(field "$r" requests) | $(field "$r" errors) | $(field "$r" ok_rps) | $(field "$r" p50_ms) | $(field "$r" p99_ms) | $(field "$r" max_ms) | $(mib "$(field "$r" rss_loaded_kib)") | $(field "$r" cpu_ms_per_request) |"
done
echo
echo "| Startup and memory | value |"
echo "|---|---|"
echo "| cold start, spawn -> tools/list reply over stdio (median / min / max of $(field "$cold" ok) runs) | $(field "$cold" median_ms) / $(field "$cold" min_ms) / $(field "$cold" max_ms) ms |"
echo "| RSS after tools/list, fresh stdio server (median) | $(mib "$(field "$cold" rss_kib)") |"
echo "| RSS, fresh idle HTTP server | $(mib "$fresh_rss") |"
echo "| RSS with $(field "$idle" opened) idle sessions (connections closed) | $(mib "$(field "$idle" rss_after_kib)") ($(field "$idle" per_session_kib) KiB/session over the $(mib "$(field "$idle" rss_before_kib)") before) |"
echo "| RSS after DELETE of those sessions | $(mib "$(field "$idle" rss_after_delete_kib)") |"
echo "| opening $(field "$idle" opened) sessions (initialize + initialized) | $(field "$idle" setup_s) s |"
