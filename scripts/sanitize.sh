#!/usr/bin/env bash
# Builds the server, the stand-in and every test binary with AddressSanitizer +
# UndefinedBehaviorSanitizer in their own build dir (ccache) and runs the unit, actor,
# transport, stand-in and end-to-end ctest suites with them; any sanitizer report fails the
# suite it happens in. The Inspector smoke runs (Node clients) stay in the main build.
# Usage: scripts/sanitize.sh [extra ctest args...]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
asan_dir=${ASAN_BUILD_DIR:-$root/build-asan}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 -g1: ASan's recommended speed, small debug info for readable stacks.
flags="-O1 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined"
cmake -S "$root" -B "$asan_dir" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" "${launcher[@]}" >/dev/null || exit 1
echo "== building with ASan+UBSan ($asan_dir)"
targets=(twenty-mcp-server twenty-standin tmcp-protocol-tests tmcp-transport-tests
         tmcp-integration-tests tmcp-actor-tests tmcp-config-tests tmcp-app-tests
         twenty-standin-tests)
cmake --build "$asan_dir" -j"$(nproc)" --target "${targets[@]}" -- --no-print-directory \
  >"$asan_dir/build.log" 2>&1 \
  || { tail -30 "$asan_dir/build.log"; exit 1; }
# UBSan recovers only to consult the suppressions (CAF's own null-reference binding, see
# toolchain.md), then halts like ASan: every other report fails the test.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/scripts/ubsan.supp"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0"
echo "== ctest with ASan+UBSan"
(cd "$asan_dir" && ctest --output-on-failure -j"$(nproc)" --timeout 900 -E "inspector" "$@")
