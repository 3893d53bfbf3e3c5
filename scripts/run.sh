#!/usr/bin/env bash
# Runs the server: installs what is missing, builds, and, when TWENTY_API_URL is not set, starts
# the bundled Twenty stand-in with a demo workspace and points the server at it. Serves MCP
# Streamable HTTP on 127.0.0.1:${MCP_HTTP_PORT:-3001}/mcp until Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$root/scripts/install_deps.sh"
echo "building (first time: a few minutes)..." >&2
build_all twenty-mcp-server twenty-standin >/dev/null
standin_pid=""
cleanup() {
  [ -n "$standin_pid" ] || return 0
  kill "$standin_pid" 2>/dev/null
  wait "$standin_pid" 2>/dev/null || true
}
trap cleanup EXIT
if [ -z "${TWENTY_API_URL:-}" ]; then
  log=$(mktemp)
  start_standin "$log" "$build_dir/bin/twenty-standin" --port 0 || { standin_pid=${started_pid:-}; exit 1; }
  standin_pid=$started_pid
  export TWENTY_API_URL=$started_url TWENTY_API_KEY=standin-demo-key
  echo "no TWENTY_API_URL set: started the Twenty stand-in with demo data at $TWENTY_API_URL" >&2
fi
export MCP_TRANSPORT=${MCP_TRANSPORT:-http} MCP_HTTP_HOST=${MCP_HTTP_HOST:-127.0.0.1}
port=${MCP_HTTP_PORT:-3001}
cat >&2 <<MSG

MCP endpoint: http://$MCP_HTTP_HOST:$port/mcp   (Twenty: $TWENTY_API_URL)
Connect:
  MCP Inspector:  npx @modelcontextprotocol/inspector --cli http://$MCP_HTTP_HOST:$port/mcp --transport http --method tools/list
  Claude Code:    claude mcp add --transport http twenty http://$MCP_HTTP_HOST:$port/mcp
  Claude Desktop: add to claude_desktop_config.json (stdio):
    {"mcpServers":{"twenty":{"command":"$build_dir/bin/twenty-mcp-server",
      "env":{"TWENTY_API_URL":"$TWENTY_API_URL","TWENTY_API_KEY":"${TWENTY_API_KEY:-}"}}}}
Stop with Ctrl-C.

MSG
"$build_dir/bin/twenty-mcp-server" --http-port "$port" "$@"
