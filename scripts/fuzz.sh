#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) in their own build dir and runs each for
# SECONDS (default 60) on a copy of its seed corpus in fuzz/corpus/<target>/.
# Prints one line per target: "fuzz <target>: <executions> runs, <status>"; exits 1 on any
# crash, leak, sanitizer report or broken invariant (the input is kept in
# $FUZZ_BUILD_DIR/artifacts/). Usage: scripts/fuzz.sh [SECONDS] [target...]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
seconds=${1:-60}
shift || true
fuzz_dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(json session http_request twenty_filter cursor sse)
bash "$root/scripts/install_deps.sh" clang libclang-rt-14-dev || exit 1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$fuzz_dir" -DTMCP_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null || exit 1
cmake --build "$fuzz_dir" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" -- --no-print-directory \
  >"$fuzz_dir/build.log" 2>&1 || { tail -30 "$fuzz_dir/build.log"; exit 1; }
mkdir -p "$fuzz_dir/artifacts"
failed=0
for t in "${targets[@]}"; do
  work="$fuzz_dir/corpus/$t"
  mkdir -p "$work"
  log="$fuzz_dir/fuzz_$t.log"
  # New inputs land in the work dir; the checked-in seeds stay as they are.
  "$fuzz_dir/bin/fuzz_$t" "$work" "$root/fuzz/corpus/$t" -max_total_time="$seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$fuzz_dir/artifacts/${t}-" >"$log" 2>&1
  rc=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: ${runs:-?} runs, ok"
  else
    failed=$((failed + 1))
    echo "fuzz $t: ${runs:-?} runs, FAILED (rc $rc), see $log"
    grep -E 'ERROR|invariant broken|runtime error|Test unit written' "$log" | head -5
  fi
done
echo "fuzz: $(( ${#targets[@]} - failed )) passed, $failed failed"
[ $failed -eq 0 ]
