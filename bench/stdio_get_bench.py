#!/usr/bin/env python3
"""Sequential twenty_get_record over stdio (issue 7, item 3): one agent reading records one after
another, cache off, against the stand-in. Prints calls/s, p50/p99 latency, the server's CPU
time per call (utime+stime from /proc, idle waiting included) and its context switches per call
(all threads, from /proc).

usage: stdio_get_bench.py SERVER STANDIN_URL [--calls N] [--warmup N] [--object companies]
                          [--extra "SERVER FLAGS"] [--raw-reads]
"""
import argparse, io, json, os, subprocess, sys, time, urllib.request


def ids_of(standin, obj, key, n):
    out, cursor = [], None
    while len(out) < n:
        url = f"{standin}/rest/{obj}?limit=200" + (f"&starting_after={cursor}" if cursor else "")
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
        body = json.load(urllib.request.urlopen(req))
        recs = body["data"][obj]
        out += [r["id"] for r in recs]
        info = body.get("pageInfo", {})
        if not info.get("hasNextPage") or not recs:
            break
        cursor = info["endCursor"]
    return out[:n]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def context_switches(pid):
    """Voluntary + involuntary context switches of every thread of the process so far."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("standin")
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--object", default="companies")
    ap.add_argument("--key", default="standin-demo-key")
    ap.add_argument("--label", default="server")
    ap.add_argument("--extra", default="", help="extra server flags, space separated")
    ap.add_argument("--raw-reads", action="store_true",
                    help="read answers from the unbuffered pipe, as this script did before")
    a = ap.parse_args()
    ids = ids_of(a.standin, a.object, a.key, 1000)
    argv = [a.server, "--transport", "stdio", "--log-level", "error", "--twenty-api-url", a.standin,
            "--twenty-api-key", a.key, "--cache-ttl-ms", "0", "--rate-short-limit", "0",
            "--rate-long-limit", "0"] + a.extra.split()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    # readline() on the raw pipe reads one byte per syscall, which cost this client ~0.5 ms a call.
    out = p.stdout if a.raw_reads else io.BufferedReader(p.stdout, 1 << 16)
    n = [0]

    def call(method, params):
        n[0] += 1
        p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": n[0], "method": method, "params": params}) + "\n").encode())
        while True:
            line = out.readline()
            if not line:
                raise SystemExit("server closed stdout")
            msg = json.loads(line)
            if msg.get("id") == n[0]:
                return msg

    call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
    p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    # The schema loads at start-up; wait until a get works.
    for _ in range(100):
        r = call("tools/call", {"name": "twenty_get_record", "arguments": {"object": a.object, "id": ids[0]}})
        if not r["result"].get("isError"):
            break
        time.sleep(0.1)
    lat = []
    failed = 0
    total = a.warmup + a.calls
    for i in range(total):
        if i == a.warmup:
            cpu0, cs0, t0 = cpu_seconds(p.pid), context_switches(p.pid), time.perf_counter()
        s = time.perf_counter()
        r = call("tools/call", {"name": "twenty_get_record", "arguments": {"object": a.object, "id": ids[i % len(ids)]}})
        if i >= a.warmup:
            lat.append(time.perf_counter() - s)
            failed += bool(r.get("error") or r["result"].get("isError"))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(p.pid) - cpu0
    switches = (context_switches(p.pid) - cs0) / a.calls
    p.stdin.close()
    p.wait(timeout=20)
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(f"stdio sequential twenty_get_record {a.label}: {a.calls} calls ({failed} failed), "
          f"{a.calls / wall:.0f} calls/s, p50 {pct(0.5):.3f} ms, p99 {pct(0.99):.3f} ms, "
          f"server CPU {cpu * 1000 / a.calls:.3f} ms/call, {switches:.2f} context switches/call")
    print(f"RESULT mode=stdio-get label={a.label} calls={a.calls} failed={failed} rps={a.calls / wall:.0f} "
          f"p50_ms={pct(0.5):.3f} p99_ms={pct(0.99):.3f} cpu_ms_per_call={cpu * 1000 / a.calls:.3f} "
          f"switches_per_call={switches:.2f}")


if __name__ == "__main__":
    main()
