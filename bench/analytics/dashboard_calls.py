#!/usr/bin/env python3
"""Upstream calls of the analytics dashboard (twenty://analytics/dashboard), cold and warm: the
server over stdio against a running stand-in, counted by the stand-in's /_standin/stats.

Usage: dashboard_calls.py SERVER_BINARY STANDIN_URL"""
import json, subprocess, sys, urllib.request

server, url = sys.argv[1], sys.argv[2]
proc = subprocess.Popen([server, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url", url,
                         "--twenty-api-key", "standin-demo-key"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def rpc(msg_id, method, params):
    proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}) + "\n")
    proc.stdin.flush()
    while True:
        msg = json.loads(proc.stdout.readline())
        if msg.get("id") == msg_id:
            return msg


def reset():
    urllib.request.urlopen(urllib.request.Request(url + "/_standin/reset-stats", data=b"{}", method="POST"))


def routes():
    return json.load(urllib.request.urlopen(url + "/_standin/stats"))["routes"]


rpc(0, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                      "clientInfo": {"name": "dashboard-calls", "version": "1"}})
for i, label in enumerate(["cold", "warm"], start=1):
    reset()
    rpc(i, "resources/read", {"uri": "twenty://analytics/dashboard"})
    print(f"{label}: {sum(routes().values())} upstream calls {routes()}")
proc.stdin.close()
proc.wait(timeout=10)
