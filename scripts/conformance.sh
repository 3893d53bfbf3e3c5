#!/usr/bin/env bash
# Runs the official MCP conformance suites against the server in conformance mode:
# 0.1.16 --suite all (every active and pending scenario), then 0.2.0-alpha.12 with
# --requirements 2025-11-25 and with --requirements 2026-07-28 (the stateless era, on the same
# endpoint). Fails on any failure, and on warnings in server-sse-polling.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
node_bin=$(bash "$root/scripts/install_node_tools.sh") || exit 1
export PATH="$node_bin:$PATH"
out=$(mktemp -d)
trap 'kill $started_pid 2>/dev/null; wait $started_pid 2>/dev/null; rm -rf "$out"' EXIT
start_announcing "$out/server.log" "$build_dir/bin/twenty-mcp-server" --transport http \
  --http-port 0 --conformance || exit 1
status=0
# Prints a run's summary; scenarios the run does not score are indented and marked, so the
# totals in test.sh (lines starting with a check mark or cross) count only scored ones.
summary() {
  local expr=""
  for name in $(grep -oE '^  [✓✗] [A-Za-z0-9_.-]+ \(' "$1" | awk '{print $2}'); do
    expr+="s/^\([✓✗]\) $name:/  (not scored) \1 $name:/;"
  done
  sed -n '/SUMMARY/,$p' "$1" | sed -e "${expr:-p;d}"
}
echo "== conformance 0.1.16 --suite all against $started_url"
"$root/.tools/conformance/node_modules/.bin/conformance" server --url "$started_url" \
  --suite all -o "$out/v016" > "$out/v016.txt" 2>&1 || status=1
sed -n '/=== SUMMARY ===/,$p' "$out/v016.txt"
[ $status -eq 0 ] || cat "$out/v016.txt"
polling=$(cat "$out"/v016/server-sse-polling-*/checks.json 2>/dev/null)
if echo "$polling" | grep -q '"status": *"\(WARNING\|FAILURE\)"'; then
  echo "server-sse-polling has warnings:"; echo "$polling"; status=1
fi
echo "== conformance 0.2.0-alpha.12 --requirements 2025-11-25 against $started_url"
alpha_status=0
"$root/.tools/conformance-alpha/node_modules/.bin/conformance" server --url "$started_url" \
  --requirements 2025-11-25 -o "$out/alpha" > "$out/alpha.txt" 2>&1 || alpha_status=1
summary "$out/alpha.txt"
if [ $alpha_status -ne 0 ] || grep -q "server-session-lifecycle.*[1-9][0-9]* failed" "$out/alpha.txt"; then
  cat "$out/alpha.txt"; status=1
fi
echo "== conformance 0.2.0-alpha.12 --requirements 2026-07-28 against $started_url"
"$root/.tools/conformance-alpha/node_modules/.bin/conformance" server --url "$started_url" \
  --requirements 2026-07-28 -o "$out/modern" > "$out/modern.txt" 2>&1 || { cat "$out/modern.txt"; status=1; }
summary "$out/modern.txt"
exit $status
