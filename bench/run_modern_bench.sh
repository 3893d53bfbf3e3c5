#!/usr/bin/env bash
# Dual-era benchmark (issue 11): one server (conformance mode, loopback Streamable HTTP) loaded
# in one run by 64 concurrent legacy clients (2025-11-25 sessions) and then by 64 concurrent
# modern clients (2026-07-28, stateless: one short-lived request actor per request), with the
# same tools/list + tools/call mix, closed loop, DURATION seconds each.
# Usage: bench/run_modern_bench.sh [DURATION] [CLIENTS]
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
DURATION=${1:-10}
CLIENTS=${2:-64}
cmake --build "$build_dir" --target twenty-mcp-server mcp-bench -j2 >/dev/null || exit 1
WORK=$(mktemp -d /tmp/modern-bench.XXXXXX)
trap 'kill $started_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
start_announcing "$WORK/server.log" "$build_dir/bin/twenty-mcp-server" --transport http \
  --http-port 0 --conformance --log-level warn || exit 1
echo "# dual-era load on $(hostname): nproc=$(nproc), $CLIENTS clients, ${DURATION}s per era, mix tools/list,tools/call"
for era in legacy modern; do
  "$build_dir/bin/mcp-bench" http --url "$started_url" --sessions "$CLIENTS" --duration "$DURATION" \
    --mix tools/list,tools/call --era "$era" --pid "$started_pid" >"$WORK/$era.txt" 2>&1 ||
    echo "!! mcp-bench $era exited with $?" >&2
  grep '^RESULT' "$WORK/$era.txt" || cat "$WORK/$era.txt"
done
field() { grep -o "$2=[^ ]*" <<<"$1" | cut -d= -f2; }
echo
echo "| era | clients | requests | errors | ok req/s | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|---|---|"
for era in legacy modern; do
  r=$(grep '^RESULT' "$WORK/$era.txt")
  echo "| $era | $CLIENTS | $(field "$r" requests) | $(field "$r" errors) | $(field "$r" ok_rps) | $(field "$r" p50_ms) | $(field "$r" p99_ms) | $(field "$r" max_ms) |"
done
