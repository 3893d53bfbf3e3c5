#!/usr/bin/env bash
# Real MCP clients against the real Twenty tools (the server in front of the Twenty stand-in):
# the TS SDK v2 client pinned to 2026-07-28, the TS SDK v1 client (2025-11-25), and the
# Inspector CLI v2 in modern mode. Each lists, gets, creates, searches and hits an error.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
node_bin=$(bash "$root/scripts/install_node_tools.sh") || exit 1
export PATH="$node_bin:$PATH"
export HOME=$(mktemp -d) # the Inspector keeps state in $HOME/.mcp-inspector
export SDK_V1_DIR="$root/.tools/clients" SDK_V2_DIR="$root/.tools/client-v2"
standin_pid="" server_pid=""
trap 'kill $server_pid $standin_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$HOME"' EXIT
start_standin "$HOME/standin.log" "$build_dir/bin/twenty-standin" --port 0 || exit 1
standin_pid=$started_pid
TWENTY_API_URL=$started_url TWENTY_API_KEY=standin-demo-key \
  start_announcing "$HOME/server.log" "$build_dir/bin/twenty-mcp-server" --transport http \
  --http-port 0 || exit 1
server_pid=$started_pid
url=$started_url
fail=0
for era in v2 v1; do
  if out=$(timeout 120 node "$root/tests/app/clients/twenty_tools_client.mjs" "$era" "$url" 2>&1); then
    echo "$out"
  else
    echo "FAIL sdk $era:"; echo "$out" | tail -20; fail=1
  fi
done
inspector="$root/.tools/clients/node_modules/.bin/mcp-inspector"
check() { # check NAME EXPECTED_EXIT EXPECTED_TEXT inspector-args...
  local name=$1 want=$2 text=$3; shift 3
  local out; out=$(timeout 60 "$inspector" --cli "$url" --transport http --protocol-era modern "$@" 2>&1)
  local rc=$?
  if [ $rc -eq "$want" ] && grep -q -- "$text" <<<"$out"; then
    echo "ok inspector modern $name"
  else
    echo "FAIL inspector modern $name (exit $rc, wanted $want and '$text'):"; echo "$out" | head -20
    fail=1
  fi
}
check tools/list 0 '"twenty_list_records"' --method tools/list
check list 0 '"rows"' --method tools/call --tool-name twenty_list_records \
  --tool-args-json '{"object":"companies","limit":2}'
check search 0 '"results"' --method tools/call --tool-name twenty_search_records \
  --tool-args-json '{"query":"a","objects":["companies"]}'
check create 0 'Inspector modern' --method tools/call --tool-name twenty_create_record \
  --tool-args-json '{"object":"companies","data":{"name":"Inspector modern"}}'
check get-error 5 '' --method tools/call --tool-name twenty_get_record \
  --tool-args-json '{"object":"companies","id":"00000000-0000-4000-8000-000000000000"}'
exit $fail
