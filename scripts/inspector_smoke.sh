#!/usr/bin/env bash
# Smoke run with the official MCP Inspector CLI (v2) over stdio or Streamable HTTP:
# lists tools, calls one, reads a resource, gets a prompt, and checks a tool error exits 5.
# Usage: inspector_smoke.sh stdio|http
set -uo pipefail
source "$(dirname "$0")/lib.sh"
mode=${1:?stdio or http}
node_bin=$(bash "$root/scripts/install_node_tools.sh") || exit 1
export PATH="$node_bin:$PATH"
export HOME=$(mktemp -d) # the Inspector keeps state in $HOME/.mcp-inspector
inspector="$root/.tools/clients/node_modules/.bin/mcp-inspector"
server="$build_dir/bin/twenty-mcp-server"
trap '[ -n "${started_pid:-}" ] && kill $started_pid 2>/dev/null; rm -rf "$HOME"' EXIT
if [ "$mode" = http ]; then
  start_announcing "$HOME/server.log" "$server" --transport http --http-port 0 --conformance || exit 1
  target=("$started_url" --transport http)
else
  target=("$server" --conformance --log-level warn --)
fi
fail=0
check() { # check NAME EXPECTED_EXIT EXPECTED_TEXT inspector-args...
  local name=$1 want=$2 text=$3; shift 3
  local out; out=$(timeout 60 "$inspector" --cli "${target[@]}" "$@" 2>&1); local rc=$?
  if [ $rc -eq "$want" ] && grep -q -- "$text" <<<"$out"; then
    echo "ok   $mode $name"
  else
    echo "FAIL $mode $name (exit $rc, wanted $want and '$text'):"; echo "$out" | head -20; fail=1
  fi
}
check tools/list 0 '"test_simple_text"' --method tools/list
check tools/call 0 'simple text response' --method tools/call --tool-name test_simple_text
check tools/call-args 0 'arg1' --method tools/call --tool-name json_schema_2020_12_tool \
  --tool-args-json '{"name":"arg1"}'
check tools/call-error 5 '' --method tools/call --tool-name test_error_handling
check resources/read 0 'static text resource' --method resources/read --uri test://static-text
check prompts/get 0 "arg1='x'" --method prompts/get --prompt-name test_prompt_with_arguments \
  --prompt-args arg1=x arg2=y
check logging/setLevel 0 '{}' --method logging/setLevel --log-level debug
exit $fail
