#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs all ctest suites (unit, actor,
# transport, stand-in, end-to-end, Inspector smoke runs), then both conformance suites.
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
# One closing line over everything that ran.
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
failed=$(grep -oE '[0-9]+ tests failed out of' "$log" | grep -oE '^[0-9]+' | tail -1)
conf_total=$(grep -cE '^[✓✗] ' "$log")
conf_failed=$(grep -cE '^✗ ' "$log")
passed=$(( ${total:-0} - ${failed:-0} + conf_total - conf_failed ))
failures=$(( ${failed:-0} + conf_failed ))
[ $ctest_rc -ne 0 ] && [ "${failed:-0}" -eq 0 ] && failures=$((failures + 1))
[ $conf_rc -ne 0 ] && [ "$conf_failed" -eq 0 ] && failures=$((failures + 1))
rm -f "$log"
echo "tests: $passed passed, $failures failed"
[ $ctest_rc -eq 0 ] && [ $conf_rc -eq 0 ]
