"""Hostile clients of the soak: they disconnect mid-stream, never read, or send byte by byte."""
import asyncio
import collections
import random
import socket
import time

from mcp_wire import READ_LIMIT, mcp_headers, request_bytes, reset_connection as rst, tool_call


class Hostile:
    """Runs the three kinds side by side until `stop` is set; `counts` tallies what happened."""

    def __init__(self, host, port, sessions, run_tag, seed, disconnect_rate, nonreaders, slowloris):
        self.host, self.port = host, port
        self.sessions = sessions  # MCP session ids reserved for hostile clients
        self.tag = run_tag
        self.rng = random.Random(seed)
        self.disconnect_rate = disconnect_rate
        self.nonreaders, self.slowloris = nonreaders, slowloris
        self.counts = collections.Counter()
        self.creates = []  # names of creates sent by disconnecting clients (unacknowledged)
        self.stop = asyncio.Event()
        self.tasks = set()

    def spawn(self, coro):
        t = asyncio.ensure_future(coro)
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)

    async def run(self):
        loops = [self.disconnect_loop()]
        loops += [self.nonreader_loop(i) for i in range(self.nonreaders)]
        loops += [self.slowloris_loop(i) for i in range(self.slowloris)]
        await asyncio.gather(*loops)
        for t in list(self.tasks):
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def pause(self, seconds):
        try:
            await asyncio.wait_for(self.stop.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    def body(self, kind, n):
        if kind == "create":
            name = f"soak-{self.tag}-h{n}"
            self.creates.append(name)
            return tool_call(n, "twenty_create_record",
                             {"object": "companies", "data": {"name": name}})
        if kind == "search":
            return tool_call(n, "twenty_search_records", {"query": "a", "objects": ["companies", "people"]})
        return tool_call(n, "twenty_list_records", {"object": "companies", "limit": 200})

    def post(self, sid, body):
        return request_bytes("POST", self.host, self.port, "/mcp", mcp_headers(sid), body)

    # -- clients that go away in the middle of an answer ------------------------------------

    async def disconnect_loop(self):
        n = 0
        while not self.stop.is_set():
            await self.pause(self.rng.expovariate(self.disconnect_rate))
            n += 1
            self.spawn(self.disconnect_one(n))

    async def disconnect_one(self, n):
        rng = self.rng
        variant = rng.choice(["after_send", "after_headers", "mid_body", "get_stream"])
        sid = rng.choice(self.sessions)
        try:
            r, w = await asyncio.open_connection(self.host, self.port, limit=READ_LIMIT)
        except OSError:
            self.counts["disconnect.connect_failed"] += 1
            return
        try:
            if variant == "get_stream":
                w.write(request_bytes("GET", self.host, self.port, "/mcp",
                                      mcp_headers(sid, accept="text/event-stream")))
                await w.drain()
                await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 10)
                await asyncio.sleep(rng.uniform(0, 2))
            else:
                kind = rng.choice(["list", "list", "search", "create"])
                w.write(self.post(sid, self.body(kind, 1_000_000 + n)))
                await w.drain()
                if variant != "after_send":
                    await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
                if variant == "mid_body":
                    await asyncio.wait_for(r.read(rng.randint(1, 400)), 30)
            self.counts[f"disconnect.{variant}"] += 1
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError) as e:
            self.counts[f"disconnect.{variant}.server_closed_first:{type(e).__name__}"] += 1
        finally:
            rst(w)

    # -- clients that never read their answers ----------------------------------------------

    async def nonreader_loop(self, i):
        await self.pause(i * 0.7)
        while not self.stop.is_set():
            sid = self.rng.choice(self.sessions)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.setblocking(False)
            try:
                await asyncio.get_running_loop().sock_connect(sock, (self.host, self.port))
                r, w = await asyncio.open_connection(sock=sock, limit=READ_LIMIT)
            except OSError:
                sock.close()
                self.counts["nonreader.connect_failed"] += 1
                await self.pause(1)
                continue
            if i % 2 == 0:  # a standalone SSE stream, never read
                w.write(request_bytes("GET", self.host, self.port, "/mcp",
                                      mcp_headers(sid, accept="text/event-stream")))
                self.counts["nonreader.get_stream"] += 1
            else:  # 20 pipelined calls with large answers, never read
                for k in range(20):
                    w.write(self.post(sid, self.body("list", 2_000_000 + k)))
                self.counts["nonreader.pipelined_posts"] += 20
            try:
                await w.drain()
            except (ConnectionError, OSError):
                self.counts["nonreader.send_failed"] += 1
            await self.pause(self.rng.uniform(20, 90))
            rst(w) if self.rng.random() < 0.5 else w.close()
            self.counts["nonreader.closed_unread"] += 1

    # -- slow-loris: request bytes one at a time --------------------------------------------

    async def slowloris_loop(self, i):
        await self.pause(i * 1.3)
        while not self.stop.is_set():
            await self.slowloris_one(i)

    async def slowloris_one(self, i):
        rng = self.rng
        sid = rng.choice(self.sessions)
        body = tool_call(3_000_000 + i, "twenty_get_record",
                         {"object": "companies", "id": "00000000-0000-4000-8000-000000000000"})
        raw = self.post(sid, body)
        head_end = raw.index(b"\r\n\r\n") + 4
        # Half send the whole request byte by byte slower than the server's idle timeout
        # allows (60 s); half send the head at once and the body within it.
        whole = rng.random() < 0.5
        gap = 0.35 if whole else rng.uniform(0.05, 0.25)
        try:
            r, w = await asyncio.open_connection(self.host, self.port, limit=READ_LIMIT)
        except OSError:
            self.counts["slowloris.connect_failed"] += 1
            return await self.pause(1)
        variant = "whole_request" if whole else "body"
        # The answer (or the server's close) is watched while the bytes trickle out.
        answer = asyncio.ensure_future(r.readuntil(b"\r\n\r\n"))
        t0 = time.monotonic()
        try:
            sent = 0 if whole else head_end
            if sent:
                w.write(raw[:sent])
            while sent < len(raw) and not answer.done() and not self.stop.is_set():
                w.write(raw[sent:sent + 1])
                sent += 1
                await w.drain()
                await asyncio.sleep(gap)
            if self.stop.is_set() and not answer.done():
                self.counts[f"slowloris.{variant}.stopped"] += 1
                return
            head = await asyncio.wait_for(answer, 30)
            status = head.split(b" ")[1].decode()
            early = "" if sent == len(raw) else "_before_the_last_byte"
            self.counts[f"slowloris.{variant}.answered_{status}{early}"] += 1
            self.counts[f"slowloris.{variant}.max_s"] = max(
                self.counts[f"slowloris.{variant}.max_s"], int(time.monotonic() - t0))
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            self.counts[f"slowloris.{variant}.closed_by_server"] += 1
            self.counts[f"slowloris.{variant}.max_s"] = max(
                self.counts[f"slowloris.{variant}.max_s"], int(time.monotonic() - t0))
        except asyncio.TimeoutError:
            self.counts[f"slowloris.{variant}.no_answer_30s"] += 1
        finally:
            answer.cancel()
            rst(w)
