#!/usr/bin/env python3
"""Token budget of what an agent reads (issue 7, item 5): the default tools/list (whole, and as hosts
hand it to the model: each tool's name, description and inputSchema), and 50 companies
from twenty_list_records against the same 50 companies in Twenty's raw REST answer, counted with
cl100k (bench/tokens/count_tokens.mjs). Runs the server over stdio against a running stand-in.

Usage: token_budget.py SERVER_BINARY STANDIN_URL OUT_DIR
Prints one line per measure and writes the texts it counted into OUT_DIR."""
import json, os, subprocess, sys, urllib.request

server, url, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))

proc = subprocess.Popen([server, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url", url,
                         "--twenty-api-key", "standin-demo-key"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

def rpc(msg_id, method, params):
    proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}) + "\n")
    proc.stdin.flush()
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("server closed stdout")
        msg = json.loads(line)
        if msg.get("id") == msg_id:
            return msg

init = rpc(0, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                             "clientInfo": {"name": "token-budget", "version": "1"}})
proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
proc.stdin.flush()
tools = rpc(1, "tools/list", {})["result"]
listed = rpc(2, "tools/call", {"name": "twenty_list_records",
                               "arguments": {"object": "companies", "limit": 50}})["result"]
proc.stdin.close()
proc.wait(timeout=10)

req = urllib.request.Request(url + "/rest/companies?limit=50",
                             headers={"Authorization": "Bearer standin-demo-key"})
raw = urllib.request.urlopen(req).read().decode()

texts = {
    "tools_list.json": json.dumps(tools, separators=(",", ":")),
    # What hosts hand the model of each tool (titles, annotations, output schemas stay with the client).
    "tools_model_view.json": json.dumps([{k: t[k] for k in ("name", "description", "inputSchema") if k in t}
                                         for t in tools["tools"]], separators=(",", ":")),
    "instructions.txt": init["result"].get("instructions", ""),
    "companies_tool.txt": listed["content"][0]["text"],
    "companies_rest.json": raw,
}
for name, text in texts.items():
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
counts = subprocess.run(["node", os.path.join(here, "count_tokens.mjs")] +
                        [os.path.join(out, n) for n in texts], capture_output=True, text=True,
                        check=True).stdout.split("\n")
tokens = {os.path.basename(l.split("\t")[2]): int(l.split("\t")[0]) for l in counts if l}
print(f"tools/list: {tokens['tools_list.json']} tokens ({len(texts['tools_list.json'])} bytes, "
      f"{len(tools['tools'])} tools)")
print(f"tools/list as hosts hand it to the model: {tokens['tools_model_view.json']} tokens")
print(f"instructions: {tokens['instructions.txt']} tokens")
print(f"50 companies, twenty_list_records: {tokens['companies_tool.txt']} tokens")
print(f"50 companies, raw REST answer: {tokens['companies_rest.json']} tokens")
print(f"ratio: {tokens['companies_tool.txt'] / tokens['companies_rest.json']:.3f}")
