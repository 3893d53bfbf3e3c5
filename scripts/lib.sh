# Shared helpers for the project's scripts (sourced, not run).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

# ccache keyed on paths relative to the checkout, so a fresh clone elsewhere still hits.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true

# Configures and builds everything (ccache when present).
build_all() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    "${launcher[@]}" >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" -- --no-print-directory "$@"
}

# Starts a program in the background that announces "listening on <url>" on stderr (or, for
# the stand-in, on stdout); sets $started_pid and $started_url.
# Usage: start_announcing LOGFILE cmd args...   /   start_standin LOGFILE cmd args...
# Waits up to START_WAIT_TENTHS tenths of a second (default 100).
start_announcing() { _start_and_wait stderr "$@"; }
start_standin() { _start_and_wait stdout "$@"; }

_start_and_wait() {
  local channel=$1 log=$2; shift 2
  local announce=$log
  if [ "$channel" = stdout ]; then
    announce=$log.out
    "$@" >"$announce" 2>"$log" &
  else
    "$@" 2>"$log" &
  fi
  started_pid=$!
  started_url=""
  for _ in $(seq 1 "${START_WAIT_TENTHS:-100}"); do
    # `|| true`: callers may run under `set -eo pipefail`, and no match yet is not an error.
    started_url=$({ grep -o 'listening on http://[^ ]*' "$announce" 2>/dev/null || true; } | head -1 | cut -d' ' -f3)
    [ -n "$started_url" ] && return 0
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "failed to start: $*" >&2
  cat "$log" >&2
  return 1
}
