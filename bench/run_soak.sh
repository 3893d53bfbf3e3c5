#!/usr/bin/env bash
# Soak and fault matrix (issue 12, item 4): builds the server and the stand-in, then runs
# bench/soak/soak.py (1,000 MCP sessions x 100 tool calls over 11 minutes through a proxy that
# fails 10% of upstream requests, with hostile clients alongside; writes checked afterwards).
# Env: BUILD_DIR (default <repo>/build), SKIP_BUILD=1 to use existing binaries.
# Arguments go to soak.py, e.g. a smoke test: bench/run_soak.sh --minutes 1 --sessions 100 --calls 30
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  log=$(mktemp /tmp/tmcp-soak-build.XXXXXX)
  trap 'rm -f "$log"' EXIT
  cfg=()
  [[ -f "$BUILD_DIR/CMakeCache.txt" ]] || cfg+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  command -v ccache >/dev/null && cfg+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if ! { cmake -S "$ROOT" -B "$BUILD_DIR" "${cfg[@]}" &&
         cmake --build "$BUILD_DIR" -j2 --target twenty-mcp-server twenty-standin; } >"$log" 2>&1; then
    echo "build failed:" >&2; tail -40 "$log" >&2; exit 1
  fi
fi
exec python3 "$ROOT/bench/soak/soak.py" --build-dir "$BUILD_DIR" "$@"
