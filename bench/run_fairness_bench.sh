#!/usr/bin/env bash
# Fairness between MCP sessions (issue 7, item 2): 16 sessions read records (twenty_get_record,
# cache off) alone, then while one more session imports 1,000 people through 64 concurrent
# twenty_create_record calls. The stand-in answers after LATENCY_MS (a real Twenty takes ~8 ms),
# so the server's 8 connections to it are the contended resource; rate limits are off.
# Env: BUILD_DIR (default <repo>/build), SERVER (default $BUILD_DIR/bin/twenty-mcp-server, to
# compare another build), DURATION (s per phase, 5), LATENCY_MS (2), READERS (16), RECORDS (1000).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SERVER=${SERVER:-$BUILD_DIR/bin/twenty-mcp-server}
DURATION=${DURATION:-5}
LATENCY_MS=${LATENCY_MS:-2}
READERS=${READERS:-16}
RECORDS=${RECORDS:-1000}
WORK=$(mktemp -d /tmp/fairness-bench.XXXXXX)
standin_pid="" server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [[ -n "$standin_pid" ]] && kill -TERM "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
START_WAIT_TENTHS=300 start_standin "$WORK/standin.log" "$BUILD_DIR/bin/twenty-standin" --port 0 \
  --no-rate-limit --scale 10000 --latency-ms "$LATENCY_MS"
standin_pid=$started_pid standin_url=$started_url
start_announcing "$WORK/server.log" "$SERVER" --transport http --http-port 0 \
  --twenty-api-url "$standin_url" --twenty-api-key standin-demo-key --log-level warn \
  --rate-short-limit 0 --rate-long-limit 0 --cache-ttl-ms 0
server_pid=$started_pid
sleep 1
"$BUILD_DIR/bin/twenty-tools-bench" fairness --url "$started_url" --standin "$standin_url" \
  --sessions "$READERS" --records "$RECORDS" --duration "$DURATION" --warmup 0.5 \
  --label "${LABEL:-$(basename "$(dirname "$(dirname "$SERVER")")")}"
