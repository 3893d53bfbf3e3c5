#!/usr/bin/env python3
"""Soak and fault matrix (issue 12, item 4): many MCP sessions of tool calls against the stand-in
through a fault-injecting proxy, with hostile clients alongside; then every write is checked
against the stand-in's records over its REST API.

    twenty-mcp-server --twenty-api-url <fault_proxy.py> --> fault_proxy.py --> twenty-standin

Prints progress, a report and a RESULT line; exits 1 when a check fails (see CHECKS below).
"""
import argparse
import asyncio
import collections
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import Hostile  # noqa: E402
from mcp_wire import ConnectionLost, HttpConn, McpSession  # noqa: E402
from soak_checks import check_writes, percentile, rss_summary  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "standin-demo-key"
OPS = [("get", 35), ("list", 20), ("search", 15), ("create", 15), ("update", 15)]
SEARCH_WORDS = ["soak", "Sys", "Capital", "an", "Ada", "zz-none"]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--minutes", type=float, default=11, help="length of the load phase")
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=100, help="tool calls per session")
    ap.add_argument("--fault-rate", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--deadline-s", type=float, default=30.0, help="a call must end before this")
    ap.add_argument("--twenty-timeout-ms", type=int, default=2000)
    ap.add_argument("--twenty-connections", type=int, default=32)
    ap.add_argument("--open-concurrency", type=int, default=50)
    ap.add_argument("--hostile-sessions", type=int, default=24)
    ap.add_argument("--disconnect-rate", type=float, default=4.0, help="mid-stream disconnects per s")
    ap.add_argument("--nonreaders", type=int, default=8, help="connections open and never read")
    ap.add_argument("--slowloris", type=int, default=8, help="slow-loris connections at a time")
    ap.add_argument("--sample-s", type=float, default=2.0, help="RSS sampling interval")
    ap.add_argument("--warmup-share", type=float, default=0.2,
                    help="share of the load phase (at least 60 s) counted as warm-up for RSS")
    ap.add_argument("--keep-tmp", action="store_true")
    return ap.parse_args()


def start(cmd, log, announce_in_stdout, wait_s=30):
    """Starts cmd; returns (Popen, url) once it prints 'listening on http://...'."""
    out = open(log + ".out", "w")
    err = open(log, "w")
    p = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
    src = log + ".out" if announce_in_stdout else log
    t0 = time.monotonic()
    while time.monotonic() - t0 < wait_s:
        with open(src) as f:
            for line in f:
                if "listening on http://" in line:
                    return p, line.split("listening on ")[1].split()[0]
        if p.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"failed to start {cmd[0]}: {open(log).read()[-2000:]}")


def stop(p, seconds):
    """SIGTERM, SIGKILL after `seconds`; (exit code, seconds it took)."""
    if p is None or p.poll() is not None:
        return (None if p is None else p.returncode), 0.0
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(seconds)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return p.returncode, time.monotonic() - t0


def read_status(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            st = {ln.split(":")[0]: ln.split(":", 1)[1].strip() for ln in f}
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return int(st["VmRSS"].split()[0]), fds, int(st["Threads"])
    except (OSError, KeyError, ValueError):
        return None


class Soak:
    def __init__(self, a, server_url, proxy_url, standin_url, server_proc):
        self.a = a
        u = urllib.parse.urlsplit(server_url)
        self.host, self.port, self.path = u.hostname, u.port, u.path
        self.proxy_url, self.standin_url = proxy_url, standin_url
        self.server = server_proc
        self.rng = random.Random(a.seed)
        self.tag = "%06x" % self.rng.getrandbits(24)
        self.outcomes = collections.Counter()       # (op, class)
        self.tool_errors = collections.Counter()    # first word of a tool error / rpc error
        self.error_examples = {}                    # that word -> (op, first such error)
        self.unclear = collections.Counter()        # detail of bad replies and lost connections
        self.latency = collections.defaultdict(list)
        self.deadline_misses = 0
        self.in_flight = self.max_in_flight = 0
        self.creates = {}                    # name -> {"acked": bool, "id": str|None, "class": str}
        self.updates = collections.defaultdict(list)  # id -> [(value, class)] in order
        self.samples = []                    # (t since load start, rss kB, fds, threads)
        self.reconnects = 0
        self.deletes = collections.Counter()
        self.server_died = None
        self.metrics_seen = []

    # -- setup ------------------------------------------------------------------------------

    async def standin_ids(self, plural):
        u = urllib.parse.urlsplit(self.standin_url)
        c = HttpConn(u.hostname, u.port)
        status, _, body = await c.request("GET", f"/rest/{plural}?limit=200",
                                          {"Authorization": f"Bearer {KEY}"})
        c.close()
        return [r["id"] for r in json.loads(body)["data"][plural]]

    async def open_sessions(self, n, name):
        sem = asyncio.Semaphore(self.a.open_concurrency)

        async def one(i):
            async with sem:
                s = McpSession(self.host, self.port, self.path, f"{name}-{i}")
                await s.open()
                return s
        return await asyncio.gather(*[one(i) for i in range(n)])

    # -- load -------------------------------------------------------------------------------

    def pick(self, rng, own):
        r = rng.uniform(0, sum(w for _, w in OPS))
        for op, w in OPS:
            r -= w
            if r <= 0:
                break
        return "create" if op == "update" and not own else op

    def call_args(self, op, rng, sidx, k, own):
        if op == "get":
            if own and rng.random() < 0.3:
                return "twenty_get_record", {"object": "companies", "id": rng.choice(own)}
            plural = rng.choice(["companies", "people"])
            return "twenty_get_record", {"object": plural, "id": rng.choice(self.ids[plural])}
        if op == "list":
            args = {"object": rng.choice(["companies", "people"]), "limit": rng.choice([5, 20, 50])}
            if args["object"] == "companies" and rng.random() < 0.5:
                args["filter"] = rng.choice(['name[ilike]:"%a%"', f'name[like]:"soak-{self.tag}-{sidx}-%"'])
            if rng.random() < 0.3:
                args["order_by"] = "createdAt[DescNullsLast]"
            return "twenty_list_records", args
        if op == "search":
            return "twenty_search_records", {"query": rng.choice(SEARCH_WORDS),
                                             "objects": ["companies", "people"], "limit": 5}
        if op == "create":
            name = f"soak-{self.tag}-{sidx}-{k}"
            return "twenty_create_record", {"object": "companies", "data": {
                "name": name, "domainName": f"https://{name}.example", "address": {"addressCity": "c0"}}}
        rid = rng.choice(own)
        return "twenty_update_record", {"object": "companies", "id": rid,
                                        "data": {"address": {"addressCity": f"c{k}"}}}

    async def one_call(self, sess, op, name, args):
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        t0 = time.monotonic()
        try:
            kind, detail, result = await asyncio.wait_for(sess.call(name, args), self.a.deadline_s)
        except asyncio.TimeoutError:
            kind, detail, result = "deadline", f"no answer within {self.a.deadline_s} s", None
            self.deadline_misses += 1
            sess.conn.close()  # its state is unknown: the next call opens a new connection
        except ConnectionLost as e:
            kind, detail, result = "connection_lost", str(e), None
        finally:
            self.in_flight -= 1
        ms = (time.monotonic() - t0) * 1000
        self.latency[op].append(ms)
        self.outcomes[(op, kind)] += 1
        if kind in ("tool_error", "rpc_error"):
            code = (detail.split(":")[0].split(" ")[0] if kind == "tool_error"
                    else "rpc " + detail.split(" ")[0])
            self.tool_errors[code] += 1
            self.error_examples.setdefault((op, code), detail)
        elif kind not in ("ok", "http_error"):
            self.unclear[f"{kind}: {detail[:100]}"] += 1
        return kind, result

    async def run_session(self, sidx, sess, t_start, interval):
        rng = random.Random(self.a.seed * 100003 + sidx)
        own = []  # ids of this session's acknowledged creates
        offset = rng.uniform(0, interval)
        for k in range(1, self.a.calls + 1):
            delay = t_start + offset + (k - 1) * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            op = self.pick(rng, own)
            name, args = self.call_args(op, rng, sidx, k, own)
            opened = sess.conn.opened
            kind, result = await self.one_call(sess, op, name, args)
            self.reconnects += sess.conn.opened - opened
            if op == "create":
                rid = None
                if kind == "ok":
                    rid = (result.get("structuredContent") or {}).get("record", {}).get("id")
                    if rid:
                        own.append(rid)
                self.creates[args["data"]["name"]] = {"acked": bool(rid), "id": rid, "class": kind}
            elif op == "update":
                self.updates[args["id"]].append((args["data"]["address"]["addressCity"], kind))
        try:
            self.deletes[await asyncio.wait_for(sess.delete(), self.a.deadline_s)] += 1
        except (ConnectionLost, asyncio.TimeoutError) as e:
            self.deletes[type(e).__name__] += 1

    async def sampler(self, t_start, stop):
        pid = self.server.pid
        while not stop.is_set():
            s = read_status(pid)
            if self.server.poll() is not None:
                self.server_died = self.server.returncode
                return
            if s:
                self.samples.append((time.monotonic() - t_start,) + s)
            try:
                await asyncio.wait_for(stop.wait(), self.a.sample_s)
            except asyncio.TimeoutError:
                pass

    async def progress(self, t_start, stop, hostile):
        total = self.a.sessions * self.a.calls
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 30)
                return
            except asyncio.TimeoutError:
                pass
            done = sum(self.outcomes.values())
            ok = sum(v for (op, k), v in self.outcomes.items() if k == "ok")
            rss = self.samples[-1][1] / 1024 if self.samples else 0
            m = await self.metrics()
            self.metrics_seen.append((time.monotonic() - t_start, m))
            print(f"  t={time.monotonic() - t_start:6.0f}s calls {done}/{total} ok {ok} "
                  f"in flight {self.in_flight} (max {self.max_in_flight}) deadline misses "
                  f"{self.deadline_misses} RSS {rss:.1f} MiB fds {self.samples[-1][2] if self.samples else 0} "
                  f"hostile {sum(v for k, v in hostile.counts.items() if not k.endswith('max_s'))} "
                  f"load {os.getloadavg()[0]:.1f} sessions {m.get('tmcp_sessions', '?')} "
                  f"cache {m.get('tmcp_cache_bytes', 0) / 1048576:.1f} MiB", flush=True)

    async def proxy(self, method, path):
        u = urllib.parse.urlsplit(self.proxy_url)
        c = HttpConn(u.hostname, u.port)
        _, _, body = await c.request(method, path, {})
        c.close()
        return json.loads(body)

    async def metrics(self):
        """A few gauges from the server's /metrics: sessions, cache bytes, restarts, queues."""
        c = HttpConn(self.host, self.port)
        try:
            status, _, body = await asyncio.wait_for(c.request("GET", "/metrics", {}), 10)
        except (ConnectionLost, asyncio.TimeoutError, OSError) as e:
            return {"error": str(e)}
        finally:
            c.close()
        out = {}
        for ln in body.decode(errors="replace").splitlines():
            if ln.startswith(("tmcp_sessions", "tmcp_cache_bytes", "tmcp_actor_restarts_total",
                              "tmcp_queue_depth")):
                k, v = ln.rsplit(" ", 1)
                out[k] = float(v)
        return out

    async def health(self):
        c = HttpConn(self.host, self.port)
        try:
            status, _, body = await asyncio.wait_for(c.request("GET", "/health", {}), 10)
            return status, body.decode(errors="replace")[:200]
        except (ConnectionLost, asyncio.TimeoutError, OSError) as e:
            return None, str(e)
        finally:
            c.close()

    async def run(self):
        a = self.a
        self.ids = {p: await self.standin_ids(p) for p in ("companies", "people")}
        t0 = time.monotonic()
        sessions = await self.open_sessions(a.sessions, "soak")
        hostile_sessions = await self.open_sessions(a.hostile_sessions, "hostile")
        self.open_s = time.monotonic() - t0
        print(f"# {a.sessions} sessions (+{a.hostile_sessions} hostile) open in {self.open_s:.1f} s; "
              f"faults on at {a.fault_rate:.0%}", flush=True)
        await self.proxy("POST", f"/_proxy/faults?rate={a.fault_rate}")
        hostile = Hostile(self.host, self.port, [s.session_id for s in hostile_sessions], self.tag,
                          a.seed, a.disconnect_rate, a.nonreaders, a.slowloris)
        stop = asyncio.Event()
        t_start = time.monotonic()
        interval = a.minutes * 60 / a.calls
        bg = [asyncio.ensure_future(self.sampler(t_start, stop)),
              asyncio.ensure_future(self.progress(t_start, stop, hostile)),
              asyncio.ensure_future(hostile.run())]
        await asyncio.gather(*[self.run_session(i, s, t_start, interval)
                               for i, s in enumerate(sessions)])
        self.load_s = time.monotonic() - t_start
        hostile.stop.set()
        stop.set()
        await asyncio.gather(*bg)
        self.hostile = hostile
        self.proxy_stats = await self.proxy("POST", "/_proxy/faults?rate=0")
        # Afterwards: the server still answers /health and a fresh session's call.
        await asyncio.sleep(2)
        self.health_status = await self.health()
        try:
            s = (await self.open_sessions(1, "after"))[0]
            self.after_call = (await asyncio.wait_for(
                s.call("twenty_list_records", {"object": "companies", "limit": 1}), 10))[0]
            await s.delete()
        except Exception as e:  # noqa: BLE001 (any failure here is the finding)
            self.after_call = f"failed: {type(e).__name__}: {e}"
        self.final_status = read_status(self.server.pid)
        self.final_metrics = await self.metrics()
        self.writes = await check_writes(self.standin_url, KEY, self.tag, self.creates,
                                         self.updates, hostile.creates)


def report(s, a, shutdown, server_log):
    lat_all = sorted(x for v in s.latency.values() for x in v)
    total = len(lat_all)
    by_class = collections.Counter()
    for (op, k), v in s.outcomes.items():
        by_class[k] += v
    rss = rss_summary(s.samples, s.load_s, a.warmup_share)
    w = s.writes
    print(f"\n## Soak report (run tag {s.tag})")
    print(f"load phase {s.load_s:.0f} s; {a.sessions} sessions x {a.calls} calls = {total} calls "
          f"({total / s.load_s:.0f} calls/s); max {s.max_in_flight} in flight; "
          f"{s.reconnects} session reconnects; session DELETEs {dict(s.deletes)}")
    print(f"outcomes: {dict(by_class)}")
    for op, _ in OPS:
        row = {k: v for (o, k), v in s.outcomes.items() if o == op}
        lat = sorted(s.latency[op])
        print(f"  {op:7s} {row}  p50 {percentile(lat, 50):.1f} ms p99 {percentile(lat, 99):.1f} ms "
              f"max {lat[-1] if lat else 0:.0f} ms")
    print(f"latency all calls: p50 {percentile(lat_all, 50):.1f} ms, p99 {percentile(lat_all, 99):.1f} ms, "
          f"max {lat_all[-1] if lat_all else 0:.0f} ms; deadline ({a.deadline_s:.0f} s) misses {s.deadline_misses}")
    print(f"tool/rpc errors by code: {dict(s.tool_errors.most_common())}")
    for (op, code), detail in sorted(s.error_examples.items()):
        print(f"  e.g. {op}: {detail}")
    print(f"unclear outcomes: {dict(s.unclear.most_common(10)) or 0}")
    ps = s.proxy_stats
    print(f"proxy: {ps['requests']} upstream requests, {sum(ps['faults'].values())} faults "
          f"({sum(ps['faults'].values()) / max(1, ps['requests']):.1%}): {ps['faults']}")
    print(f"proxy: writes forwarded then failed {ps['writes_forwarded_then_failed']}, stalls ended by the "
          f"server {ps['stalls_ended_by_server']} / by the proxy (60 s) {ps['stalls_ended_by_proxy']}, "
          f"max {ps['max_connections']} connections")
    print(f"hostile: {dict(sorted(s.hostile.counts.items()))}")
    print(f"writes: {json.dumps(w)}")
    print(f"RSS: {json.dumps(rss)}")
    print(f"server after the load: /health {s.health_status[0]} {s.health_status[1]!r}; fresh session call: "
          f"{s.after_call}; exit on SIGTERM {shutdown[0]} after {shutdown[1]:.1f} s; "
          f"fds {s.final_status[1] if s.final_status else '?'}; died during load: {s.server_died}")
    print(f"server /metrics after the load: {s.final_metrics}")
    checks = {
        "no crash": s.server_died is None and shutdown[0] == 0 and s.health_status[0] == 200
                    and s.after_call == "ok",
        "every call answered clearly before its deadline": s.deadline_misses == 0 and not s.unclear,
        "no lost or duplicated acknowledged write": w["acked_lost"] == 0 and w["acked_duplicated"] == 0
                    and w["acked_wrong_id"] == 0 and w["updates_lost"] == 0,
        "no duplicated unacknowledged write": w["unacked_duplicated"] == 0 and w["hostile_duplicated"] == 0,
        "RSS within 10% after warm-up": rss["max_after_warmup_over_warm"] <= 1.10,
        "all calls made": total == a.sessions * a.calls,
    }
    for k, v in checks.items():
        print(f"CHECK {'pass' if v else 'FAIL'}: {k}")
    logs = [ln for ln in open(server_log, errors="replace") if "listening on" not in ln]
    levels = collections.Counter(ln.split("]")[1].strip(" [") if ln.count("]") >= 2 else "?" for ln in logs)
    print(f"server log: {len(logs)} lines, by level {dict(levels)}")
    for ln in [ln for ln in logs if "critical" in ln or "error" in ln.lower()][:5]:
        print(f"  {ln.rstrip()[:200]}")
    print(f"RESULT soak calls={total} ok={by_class['ok']} tool_error={by_class['tool_error']} "
          f"rpc_error={by_class['rpc_error']} http_error={by_class['http_error']} "
          f"unclear={sum(s.unclear.values())} deadline_misses={s.deadline_misses} "
          f"p50_ms={percentile(lat_all, 50):.1f} p99_ms={percentile(lat_all, 99):.1f} "
          f"rss_warm_mib={rss['warm_mib']} rss_end_mib={rss['end_mib']} rss_max_mib={rss['max_after_warmup_mib']} "
          f"acked_creates={w['acked']} acked_lost={w['acked_lost']} acked_dup={w['acked_duplicated']} "
          f"failed_creates_present={w['unacked_present']} crashes={0 if checks['no crash'] else 1}")
    return all(checks.values())


def main():
    a = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    bindir = os.path.join(a.build_dir, "bin")
    work = tempfile.mkdtemp(prefix="tmcp-soak.")
    procs = {}
    ok = False
    try:
        print(f"# soak on {os.uname().nodename}: nproc={os.cpu_count()}, load average at start "
              f"{' '.join('%.2f' % x for x in os.getloadavg())} (other engineers build on the same VM)")
        procs["standin"], standin_url = start(
            [os.path.join(bindir, "twenty-standin"), "--port", "0", "--no-rate-limit"],
            os.path.join(work, "standin.log"), True)
        procs["proxy"], proxy_url = start(
            [sys.executable, "-B", os.path.join(HERE, "fault_proxy.py"), "--upstream", standin_url,
             "--seed", str(a.seed)], os.path.join(work, "proxy.log"), True)
        server_cmd = [os.path.join(bindir, "twenty-mcp-server"), "--transport", "http", "--http-port", "0",
                      "--twenty-api-url", proxy_url, "--twenty-api-key", KEY, "--log-level", "warn",
                      "--rate-short-limit", "0", "--rate-long-limit", "0",
                      "--twenty-timeout-ms", str(a.twenty_timeout_ms),
                      "--twenty-connections", str(a.twenty_connections)]
        server_log = os.path.join(work, "server.log")
        procs["server"], server_url = start(server_cmd, server_log, False)
        print(f"# server: {' '.join(os.path.basename(x) if i == 0 else x for i, x in enumerate(server_cmd))}")
        time.sleep(1)  # the schema is read at start-up, before faults are switched on
        soak = Soak(a, server_url, proxy_url, standin_url, procs["server"])
        asyncio.run(soak.run())
        shutdown = stop(procs.pop("server"), 20)
        ok = report(soak, a, shutdown, server_log)
    finally:
        for name, p in procs.items():
            stop(p, 10)
        if a.keep_tmp:
            print(f"# kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
