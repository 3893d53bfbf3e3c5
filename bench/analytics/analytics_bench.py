#!/usr/bin/env python3
"""twenty_analytics over many opportunities (issue 9, item 8): the server over stdio against the
stand-in seeded with N opportunities, both rate limiters off (the figures measure the work, not
waiting for tokens). Per analysis: upstream REST calls (the stand-in's counter), wall time of the
tools/call, the CPU time of the server (a fresh one per analysis) during it (the rest of the wall time is the stand-in filtering
its N records for each page), and its peak RSS (VmHWM) after it. Caching is off
(MCP_CACHE_TTL_MS=0) and each run has a distinct filter where it takes one (createdAt[gte] of a
date before every record). The record analyses (relationships, activity) look at the company
with the first id.

Usage: analytics_bench.py SERVER_BINARY STANDIN_BINARY N [N...]"""
import http.client, json, os, subprocess, sys, time, urllib.parse

server_bin, standin_bin, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
KEY = "standin-demo-key"


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stats(url):
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port)
    c.request("GET", "/_standin/stats")
    return json.loads(c.getresponse().read())


def count(v, route):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == route and isinstance(x, int):
                return x
            n = count(x, route)
            if n:
                return n
    return 0


print("| opportunities | analysis | upstream REST calls | records read | wall time (s) | server CPU (s) | server peak RSS (MB) |")
print("|---|---|---|---|---|---|---|")
for n in sizes:
    standin = subprocess.Popen([standin_bin, "--port", "0", "--no-rate-limit", "--scale", str(n)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = None
    while url is None:
        line = standin.stdout.readline()
        if "listening on http://" in line:
            url = line.split("listening on ")[1].split()[0].strip()
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port)
    c.request("GET", "/rest/companies?limit=1", headers={"Authorization": "Bearer " + KEY})
    company = json.loads(c.getresponse().read())["data"]["companies"][0]["id"]
    runs = [("trends", "opportunities"), ("scores", "opportunities"), ("anomalies", "opportunities"),
            ("scores", "companies"), ("relationships", "companies"), ("activity", "companies")]
    for i, (analysis, obj) in enumerate(runs):
        # A fresh server per analysis: its peak RSS is this analysis' own.
        env = {"TWENTY_RATE_SHORT_LIMIT": "0", "TWENTY_RATE_LONG_LIMIT": "0", "MCP_CACHE_TTL_MS": "0",
               "PATH": "/usr/bin:/bin"}
        server = subprocess.Popen([server_bin, "--transport", "stdio", "--log-level", "warn",
                                   "--twenty-api-url", url, "--twenty-api-key", KEY],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True, env=env)
        next_id = [0]

        def call(method, params):
            next_id[0] += 1
            server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": next_id[0], "method": method,
                                           "params": params}) + "\n")
            server.stdin.flush()
            while True:
                msg = json.loads(server.stdout.readline())
                if msg.get("id") == next_id[0]:
                    return msg

        call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                            "clientInfo": {"name": "bench", "version": "1"}})
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        server.stdin.flush()
        before = count(stats(url), "GET /rest/{object}")
        args = {"analysis": analysis, "object": obj, "max_pages": 5000,
                "now": "2026-01-01T00:00:00.000Z"}
        if analysis in ("relationships", "activity"):
            args["record_id"] = company
        else:
            args["filter"] = f"createdAt[gte]:2000-01-{i + 1:02d}T00:00:00.000Z"
        if analysis == "trends":
            args.update({"value_field": "amount", "date_field": "closeDate"})
        t0, cpu0 = time.time(), cpu_seconds(server.pid)
        r = call("tools/call", {"name": "twenty_analytics", "arguments": args})
        wall, cpu = time.time() - t0, cpu_seconds(server.pid) - cpu0
        sc = r["result"].get("structuredContent", {})
        if r["result"].get("isError") or sc.get("state") != "done":
            sys.exit("failed: " + json.dumps(r)[:400])
        calls = count(stats(url), "GET /rest/{object}") - before
        name = analysis if obj == "opportunities" else f"{analysis} ({obj})"
        print(f"| {n} | {name} | {calls} | {sc['result']['recordsRead']} | {wall:.2f} | {cpu:.2f} | {vm_hwm_mb(server.pid):.0f} |",
              flush=True)
        server.stdin.close()
        server.wait(timeout=30)
    standin.terminate()
    standin.wait()
