#!/usr/bin/env bash
# Overload benchmark (issue 10, item 5): twenty-mcp-server over HTTP against twenty-standin, all on
# loopback.
#   1. the sustainable rate: closed-loop throughput of twenty_get_record and twenty_list_records
#      (64 sessions, cache off, rate limits off on both sides); the half-and-half mix's rate is
#      their harmonic mean;
#   2. 10x that rate offered open-loop for OVERLOAD_S seconds (half get-one, half list pages,
#      every call distinct), the server's RSS sampled every second, every call's outcome counted:
#      result, server busy (503 / JSON-RPC / SERVER_BUSY tool error), other error, no answer.
# Prints the RSS series and "rss flat: yes|no" (max within FLAT_PCT % of the post-warm-up median).
# Env: BUILD_DIR (default <repo>/build), SESSIONS (64), DURATION (closed-loop s, 10),
# OVERLOAD_S (30), FACTOR (10), WARMUP_S (5, seconds of the overload run left out of the flatness
# check), FLAT_PCT (10), SCALE (stand-in --scale, 10000), SKIP_BUILD=1, SERVER_FLAGS (extra flags).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SESSIONS=${SESSIONS:-64}
DURATION=${DURATION:-10}
OVERLOAD_S=${OVERLOAD_S:-30}
FACTOR=${FACTOR:-10}
WARMUP_S=${WARMUP_S:-5}
FLAT_PCT=${FLAT_PCT:-10}
SCALE=${SCALE:-10000}
WORK=$(mktemp -d /tmp/overload-bench.XXXXXX)

if [[ -z "${SKIP_BUILD:-}" ]]; then
  if ! cmake --build "$BUILD_DIR" -j2 --target twenty-mcp-server twenty-standin twenty-tools-bench \
       >"$WORK/build.log" 2>&1; then
    echo "build failed:" >&2; tail -40 "$WORK/build.log" >&2; exit 1
  fi
fi
SERVER="$BUILD_DIR/bin/twenty-mcp-server"
STANDIN="$BUILD_DIR/bin/twenty-standin"
BENCH="$BUILD_DIR/bin/twenty-tools-bench"

standin_pid="" server_pid="" sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  for pid in $server_pid $standin_pid; do
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

START_WAIT_TENTHS=300 _start_and_wait stdout "$WORK/standin.log" "$STANDIN" --port 0 --no-rate-limit \
  --scale "$SCALE" || exit 1
standin_pid=$started_pid standin_url=$started_url
# shellcheck disable=SC2086
start_announcing "$WORK/server.log" "$SERVER" --transport http --http-port 0 \
  --twenty-api-url "$standin_url" --twenty-api-key standin-demo-key --log-level warn \
  --rate-short-limit 0 --rate-long-limit 0 --cache-ttl-ms 0 ${SERVER_FLAGS:-} || exit 1
server_pid=$started_pid url=$started_url
sleep 1 # the schema load

echo "# overload bench on $(hostname): nproc=$(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# stand-in (--no-rate-limit --scale $SCALE), server (rate limits off, cache off, default bounds${SERVER_FLAGS:+, $SERVER_FLAGS}) and load generator share the cores"
echo "# server RSS at start: $(rss_kb "$server_pid") KiB"

declare -A res
bench() {
  local name=$1; shift
  timeout $((OVERLOAD_S + DURATION + 120)) "$BENCH" "$@" --label "$name" >"$WORK/$name.txt" 2>&1 \
    || echo "!! twenty-tools-bench $name exited with $?" >&2
  cat "$WORK/$name.txt"
  res[$name]=$(grep '^RESULT' "$WORK/$name.txt" | tail -1 || true)
}
f() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"${res[$1]:-}"; }

echo; echo "## 1. sustainable rate: closed loop, $SESSIONS sessions, ${DURATION} s"
load=(--url "$url" --standin "$standin_url" --sessions "$SESSIONS" --duration "$DURATION" --warmup 1)
bench get mcp-load "${load[@]}" --tool get
bench list mcp-load "${load[@]}" --tool list
get_rps=$(f get rps) list_rps=$(f list rps)
[[ -n "$get_rps" && -n "$list_rps" && "$get_rps" -gt 0 && "$list_rps" -gt 0 ]] \
  || { echo "no sustainable rate measured" >&2; exit 1; }
mix=$(awk -v a="$get_rps" -v b="$list_rps" 'BEGIN { printf "%.0f", 2 / (1 / a + 1 / b) }')
offer=$((mix * FACTOR))
echo "sustainable: get $get_rps/s, list $list_rps/s, half-and-half mix $mix/s; offering ${FACTOR}x = $offer/s"

echo; echo "## 2. ${FACTOR}x overload: $offer calls/s for ${OVERLOAD_S} s, RSS every second"
( while kill -0 "$server_pid" 2>/dev/null; do echo "$(date +%s) $(rss_kb "$server_pid")"; sleep 1; done ) \
  >"$WORK/rss.txt" &
sampler_pid=$!
start_rss=$(rss_kb "$server_pid")
bench overload offered --url "$url" --standin "$standin_url" --sessions "$SESSIONS" \
  --rate "$offer" --duration "$OVERLOAD_S" --drain 30 --settle 0
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
alive=yes; kill -0 "$server_pid" 2>/dev/null || alive=no
echo "server alive after the run: $alive"
echo "RSS (KiB) per second: $(awk '{printf "%s ", $2}' "$WORK/rss.txt")"
samples=$(awk -v skip="$WARMUP_S" 'NR > skip {print $2}' "$WORK/rss.txt" | sort -n)
n=$(wc -l <<<"$samples")
if [[ -z "$samples" ]]; then
  echo "rss flat: unknown (no samples)"
else
  med=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$samples") min=$(head -1 <<<"$samples") max=$(tail -1 <<<"$samples")
  awk -v s="$start_rss" -v w="$WARMUP_S" -v med="$med" -v min="$min" -v max="$max" -v n="$n" -v pct="$FLAT_PCT" 'BEGIN {
    spread = (max - med) * 100 / med; low = (med - min) * 100 / med
    printf "RSS before %d KiB; after %d s warm-up: median %d, min %d, max %d KiB (max +%.1f%%, min -%.1f%% from the median) over %d samples\n", s, w, med, min, max, spread, low, n
    printf "rss flat: %s (within %d%%)\n", (spread <= pct && low <= pct ? "yes" : "no"), pct }'
fi
offered=$(f overload offered)
n() { local v; v=$(f "$@"); echo "${v:-0}"; }
answered=$(( $(n overload ok) + $(n overload busy) + $(n overload other_error) ))
echo "every request answered: $([[ -n "$offered" && "$(f overload no_answer)" == 0 ]] && echo yes || echo no) (${answered} of ${offered:-?} sent)"
