#!/usr/bin/env python3
"""Upstream calls and wall time of each CRM prompt: a fresh stand-in (with the given options,
e.g. --scale 10000) and server per prompt, the stand-in's own counters read after the call.
Usage: bench/prompt_calls.py BUILD_DIR [stand-in options...]"""
import json, subprocess, sys, time, urllib.request

build = sys.argv[1]
standin_args = sys.argv[2:]
PROMPTS = [
    ("suggest_next_actions", {"record": "Acme Labs"}),
    ("suggest_next_actions", {}),
    ("draft_communication", {"record": "Acme Labs", "object": "companies"}),
    ("relationship_mapping", {"record": "Acme Labs", "depth": "2"}),
    ("analyze_crm_data", {"object": "opportunities", "period": "last_90_days"}),
    ("identify_opportunities", {}),
]


def run(name, args):
    standin = subprocess.Popen([f"{build}/bin/twenty-standin", "--port", "0"] + standin_args,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = standin.stdout.readline()
    url = line[line.index("http://"):].strip()
    server = subprocess.Popen([f"{build}/bin/twenty-mcp-server", "--transport", "stdio",
                               "--log-level", "warn", "--twenty-api-url", url,
                               "--twenty-api-key", "standin-demo-key"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ids = iter(range(1, 100))

    def request(method, params):
        i = next(ids)
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": method,
                                       "params": params}) + "\n")
        server.stdin.flush()
        while True:
            answer = json.loads(server.stdout.readline())
            if answer.get("id") == i:
                return answer

    request("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                           "clientInfo": {"name": "bench", "version": "1"}})
    server.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    server.stdin.flush()
    time.sleep(1)  # the schema is read before the first prompt
    before = json.loads(urllib.request.urlopen(url + "/_standin/stats").read())
    start = time.time()
    answer = request("prompts/get", {"name": name, "arguments": args})
    seconds = time.time() - start
    after = json.loads(urllib.request.urlopen(url + "/_standin/stats").read())
    server.terminate()
    standin.terminate()
    routes = {k: v - before["routes"].get(k, 0) for k, v in after["routes"].items()
              if v - before["routes"].get(k, 0)}
    result = answer.get("result", {})
    sizes = sum(len(m["content"].get("resource", {}).get("text", ""))
                for m in result.get("messages", []))
    status = "ok" if "result" in answer else answer["error"]["message"][:60]
    print(f"| `{name}` {json.dumps(args)} | {sum(routes.values())} ({routes}) | "
          f"{seconds * 1000:.0f} | {sizes} | {status} |")


print("| prompt and arguments | upstream calls | ms | embedded bytes | answer |")
print("|---|---|---|---|---|")
for n, a in PROMPTS:
    run(n, a)
