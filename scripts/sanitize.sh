#!/usr/bin/env bash
# Builds the server, the stand-in and every test binary with AddressSanitizer (and its leak
# checker) + UndefinedBehaviorSanitizer in their own build dir (ccache), runs the unit, actor,
# transport, analytics, stand-in and end-to-end ctest suites with them, and fails on any
# sanitizer report, also one from a child process (server, stand-in) that a test did not
# notice: every report goes to a file under $asan_dir/sanitizer-reports/, and any file there
# fails the run. Left out (they run in the main build only): the Node client suites (label
# `client`: Inspector, SDK clients; Node is not instrumented and they cost minutes), the
# conformance suites and the fuzz targets (those are clang ASan+UBSan builds of their own).
# Usage: scripts/sanitize.sh [extra ctest args...]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
asan_dir=${ASAN_BUILD_DIR:-$root/build-asan}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1: ASan's recommended speed; -g1: line tables for readable stacks at a small cost.
flags="-O1 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined"
cmake -S "$root" -B "$asan_dir" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" "${launcher[@]}" >/dev/null || exit 1
echo "== building with ASan+UBSan ($asan_dir)"
# What ctest runs (the benchmarks are left out); a new test binary belongs here too, or ctest
# reports it missing.
targets=(twenty-mcp-server twenty-standin tmcp-protocol-tests tmcp-transport-tests
         tmcp-integration-tests tmcp-actor-tests tmcp-config-tests tmcp-analytics-tests
         tmcp-app-tests twenty-standin-tests)
cmake --build "$asan_dir" -j"$(nproc)" --target "${targets[@]}" -- --no-print-directory \
  >"$asan_dir/build.log" 2>&1 || { tail -30 "$asan_dir/build.log"; exit 1; }
reports=$asan_dir/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
# UBSan recovers only to consult the suppressions (CAF's own null-reference binding inside
# CAF, see reference/toolchain.md), then halts like ASan. Reports also go to files (log_path),
# so a report in a child process fails the run even when its test passed.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/scripts/ubsan.supp:log_path=$reports/ubsan"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:log_path=$reports/asan"
# Leaks inside third-party libraries' process-long caches (fontconfig) are suppressed by name.
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0"
echo "== ctest with ASan+UBSan"
(cd "$asan_dir" && ctest --output-on-failure -j"$(nproc)" --timeout 900 -LE client "$@")
ctest_rc=$?
found=$(find "$reports" -type f | wc -l)
if [ "$found" -gt 0 ]; then
  echo "sanitizer reports: $found (in $reports)"
  for f in "$reports"/*; do
    echo "--- $f"
    head -40 "$f"
  done
  exit 1
fi
echo "sanitizer reports: 0"
exit $ctest_rc
