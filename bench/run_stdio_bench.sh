#!/usr/bin/env bash
# Sequential uncached twenty_get_record over stdio (issue 7, item 3), several servers side by side
# in one run against one stand-in: calls/s, p50/p99, server CPU and context switches per call
# (bench/stdio_get_bench.py).
# Usage: bench/run_stdio_bench.sh LABEL=SERVER[:EXTRA FLAGS] ...
#   e.g. bench/run_stdio_bench.sh before=build/twenty-mcp-server.before \
#          after=build/bin/twenty-mcp-server "sharing=build/bin/twenty-mcp-server:--scheduler sharing"
# Env: BUILD_DIR (stand-in from BUILD_DIR/bin, default build), CALLS (3000), ROUNDS (2: the list is
# run that many times, interleaved), RAW=1 also runs each server with the old unbuffered client.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"  # start_standin
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
CALLS=${CALLS:-3000}
ROUNDS=${ROUNDS:-2}
WORK=$(mktemp -d /tmp/stdio-bench.XXXXXX)
standin_pid=""
trap '[[ -n "$standin_pid" ]] && kill "$standin_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

START_WAIT_TENTHS=300 start_standin "$WORK/standin.log" "$BUILD_DIR/bin/twenty-standin" --port 0 \
  --no-rate-limit --scale 10000
standin_pid=$started_pid

echo "# stdio sequential twenty_get_record, $CALLS calls (+500 warm-up) per run, stand-in --scale 10000"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (nproc=$(nproc))"
echo
echo "| server | client | calls/s | p50 ms | p99 ms | server CPU ms/call | context switches/call |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  for spec in "$@"; do
    label=${spec%%=*}
    rest=${spec#*=}
    server=${rest%%:*}
    extra=""
    [[ "$rest" == *:* ]] && extra=${rest#*:}
    clients=(buffered)
    [[ -n "${RAW:-}" ]] && clients+=(raw)
    for client in "${clients[@]}"; do
      flag=()
      [[ $client == raw ]] && flag=(--raw-reads)
      case "$server" in /*) ;; *) server="$ROOT/$server" ;; esac
      line=$(python3 "$ROOT/bench/stdio_get_bench.py" "$server" "$started_url" --calls "$CALLS" \
        --label "$label" --extra "$extra" "${flag[@]}" | grep '^RESULT')
      f() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
      echo "| $label${extra:+ ($extra)} | $client | $(f rps) | $(f p50_ms) | $(f p99_ms) | $(f cpu_ms_per_call) | $(f switches_per_call) |"
    done
  done
done
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
