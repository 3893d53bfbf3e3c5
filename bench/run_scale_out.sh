#!/usr/bin/env bash
# Scale-out benchmark (issue 8): three twenty-mcp-server instances on loopback, one stand-in
# limited to 30 requests/s, one redis-server.
#   1. open-loop load of 2x Twenty's limit spread over the three instances, each asking for
#      different records: upstream 429s and the most requests Twenty admitted in any 1-s window
#   2. cross-instance cache hits: instance A reads N records, then instance B reads the same
#   (3. webhook invalidation latency across instances: tests/app/scale_out.cpp prints it)
# Each instance is told Twenty's whole limit (TWENTY_RATE_SHORT_LIMIT=30, MCP_INSTANCES=3): the
# gateways spend one budget shared over Redis.
# Env: BUILD_DIR (default <repo>/build), OFFER_RATE per instance (20), OFFER_S (10), IDS (200).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
OFFER_RATE=${OFFER_RATE:-20}
OFFER_S=${OFFER_S:-10}
IDS=${IDS:-200}
WORK=$(mktemp -d /tmp/scale-bench.XXXXXX)
SERVER="$BUILD_DIR/bin/twenty-mcp-server"
STANDIN="$BUILD_DIR/bin/twenty-standin"
BENCH="$BUILD_DIR/bin/twenty-tools-bench"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
pids+=($!)
start_standin "$WORK/standin.log" "$STANDIN" --port 0 --scale 10000 --rate-short 30/1000 --no-rate-long
pids+=("$started_pid"); standin_url=$started_url
urls=()
for i in 0 1 2; do
  REDIS_URL="redis://127.0.0.1:$redis_port" MCP_INSTANCES=3 TWENTY_RATE_SHORT_LIMIT=30 \
  TWENTY_RATE_LONG_LIMIT=0 TWENTY_WEBHOOK_SECRET=bench-secret-$RANDOM MCP_WEBHOOK_PORT=0 \
  start_announcing "$WORK/server$i.log" "$SERVER" --transport http --http-port 0 \
    --twenty-api-url "$standin_url" --twenty-api-key standin-demo-key --log-level warn
  pids+=("$started_pid"); urls+=("$started_url")
done

# 1. Offered load over the three instances. per_second.txt samples every request the stand-in
# saw about once a second (a timeline only: samples drift under load); the figure is the
# stand-in's own count of admitted requests in its busiest sliding 1-s window.
( prev=0; for _ in $(seq $((OFFER_S + 6))); do
    t=$(curl -s "$standin_url/_standin/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalRequests"])')
    echo $((t - prev)); prev=$t; sleep 1
  done ) >"$WORK/per_second.txt" &
sampler=$!
loads=()
for i in 0 1 2; do
  "$BENCH" offered --url "${urls[$i]}" --standin "$standin_url" --label "instance$i" \
    --rate "$OFFER_RATE" --duration "$OFFER_S" --sessions 4 --first-call $((i * OFFER_RATE * OFFER_S)) \
    >"$WORK/offered$i.txt" 2>&1 &
  loads+=($!)
done
for p in "${loads[@]}"; do wait "$p" || true; done
wait "$sampler" || true
stats=$(curl -s "$standin_url/_standin/stats")
busiest=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["busiestWindow"]["requests"])')
rate_limited=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rateLimited"])')
sum() { grep -h '^RESULT' "$WORK"/offered*.txt | grep -o " $1=[0-9]*" | cut -d= -f2 | python3 -c 'import sys; print(sum(int(l) for l in sys.stdin))'; }
ok=$(sum ok)
failed=$(sum failed)

# 2. Cross-instance hits: A warms IDS records, B reads the same ones.
"$BENCH" mcp-load --url "${urls[0]}" --standin "$standin_url" --tool get --ids "$IDS" \
  --sessions 4 --duration 3 --warmup 0 --label warm_a >"$WORK/warm_a.txt" 2>&1
"$BENCH" mcp-load --url "${urls[1]}" --standin "$standin_url" --tool get --ids "$IDS" \
  --sessions 4 --duration 3 --warmup 0 --label read_b >"$WORK/read_b.txt" 2>&1
per_call=$(grep '^RESULT' "$WORK/read_b.txt" | grep -o 'upstream_per_call=[0-9.]*' | cut -d= -f2)
calls_b=$(grep '^RESULT' "$WORK/read_b.txt" | grep -o ' calls=[0-9]*' | cut -d= -f2)

echo "| Three instances, stand-in 30/s | value |"
echo "|---|---|"
echo "| offered load | 3 x ${OFFER_RATE}/s for ${OFFER_S} s |"
echo "| calls ok / failed | ${ok:-?} / ${failed:-?} |"
echo "| upstream 429s | $rate_limited |"
echo "| most API requests Twenty admitted in any sliding 1-s window (stand-in's own count) | $busiest |"
echo "| instance B reading records instance A read | $calls_b calls, upstream per call $per_call (hit rate $(python3 -c "print(f'{1-float(\"$per_call\"):.3f}')")) |"
echo "logs and raw output: $WORK" >&2
