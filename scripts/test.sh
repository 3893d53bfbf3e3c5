#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs all ctest suites (unit, actor,
# transport, stand-in, end-to-end, Inspector smoke runs), both conformance suites, the
# ctest suites again built with ASan+UBSan (scripts/sanitize.sh; SANITIZE=0 skips), then each
# fuzz target for FUZZ_SECONDS (default 30).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bash "$root/scripts/install_deps.sh" || exit 1
bash "$root/scripts/install_node_tools.sh" >/dev/null || exit 1
echo "== building ($build_dir)"
build_all || exit 1
echo "== ctest"
log=$(mktemp)
(cd "$build_dir" && ctest --output-on-failure -j"$(nproc)" --timeout 900) 2>&1 | tee "$log"
ctest_rc=${PIPESTATUS[0]}
echo "== conformance"
bash "$root/scripts/conformance.sh" 2>&1 | tee -a "$log"
conf_rc=${PIPESTATUS[0]}
# The unit, actor, transport, analytics, stand-in and end-to-end suites with ASan+UBSan in
# build-asan; any sanitizer report fails. SANITIZE=0 skips them (a quick local run).
san_rc=0
if [ "${SANITIZE:-1}" != 0 ]; then
  echo "== sanitizers (ASan+UBSan)"
  bash "$root/scripts/sanitize.sh" 2>&1 | tee -a "$log"
  san_rc=${PIPESTATUS[0]}
fi
# libFuzzer targets (clang, ASan+UBSan, own build dir), FUZZ_SECONDS each (0 skips them).
fuzz_seconds=${FUZZ_SECONDS:-30}
fuzz_rc=0
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzz ($fuzz_seconds s per target)"
  bash "$root/scripts/fuzz.sh" "$fuzz_seconds" 2>&1 | tee -a "$log"
  fuzz_rc=${PIPESTATUS[0]}
fi
# One closing line over everything that ran (both ctest runs counted).
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | grep -oE '[0-9]+$' | awk '{s+=$1} END {print s+0}')
failed=$(grep -oE '[0-9]+ tests failed out of' "$log" | grep -oE '^[0-9]+' | awk '{s+=$1} END {print s+0}')
conf_total=$(grep -cE '^[✓✗] ' "$log")
conf_failed=$(grep -cE '^✗ ' "$log")
fuzz_total=$(grep -cE '^fuzz [a-z_]+: ' "$log")
fuzz_failed=$(grep -cE '^fuzz [a-z_]+: .*FAILED' "$log")
passed=$(( ${total:-0} - ${failed:-0} + conf_total - conf_failed + fuzz_total - fuzz_failed ))
failures=$(( ${failed:-0} + conf_failed + fuzz_failed ))
[ $ctest_rc -ne 0 ] && [ "${failed:-0}" -eq 0 ] && failures=$((failures + 1))
[ $conf_rc -ne 0 ] && [ "$conf_failed" -eq 0 ] && failures=$((failures + 1))
[ $fuzz_rc -ne 0 ] && [ "$fuzz_failed" -eq 0 ] && failures=$((failures + 1))
# A sanitizer report in a test that passed (a child process's) fails the run too.
san_reports=$(grep -oE '^sanitizer reports: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
[ "${san_reports:-0}" -gt 0 ] && failures=$((failures + san_reports))
[ $san_rc -ne 0 ] && [ "${san_reports:-0}" -eq 0 ] && [ "${failed:-0}" -eq 0 ] && failures=$((failures + 1))
rm -f "$log"
echo "tests: $passed passed, $failures failed"
[ $ctest_rc -eq 0 ] && [ $conf_rc -eq 0 ] && [ $san_rc -eq 0 ] && [ $fuzz_rc -eq 0 ]
