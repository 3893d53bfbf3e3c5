#!/usr/bin/env python3
"""Fault-injecting HTTP/1.1 proxy between twenty-mcp-server and the Twenty stand-in (bench only).

Each request the server sends is, with probability --rate (seeded), answered with one fault:
  http_500, http_502, http_503   a synthesized error, nothing forwarded
  reset_before                   the connection is reset (RST), nothing forwarded
  reset_after                    forwarded and answered upstream, then RST: the write may have happened
  bad_gateway_after              forwarded and answered upstream, the answer replaced by a 502
  stall_before, stall_after      no answer until the server gives up (or --stall-max-s), before or
                                 after forwarding
Everything else is forwarded unchanged over one keep-alive upstream connection per downstream one.
Local endpoints (never forwarded): GET /_proxy/stats, POST /_proxy/faults?rate=X.
Prints "listening on http://127.0.0.1:PORT" on stdout once bound.
"""
import argparse
import asyncio
import json
import random
import sys
import urllib.parse

from mcp_wire import reset_connection as reset

KINDS = ["http_500", "http_502", "http_503", "reset_before", "reset_after",
         "bad_gateway_after", "stall_before", "stall_after"]
FORWARDED = {"reset_after", "bad_gateway_after", "stall_after"}
HEAD_LIMIT = 64 * 1024


class Proxy:
    def __init__(self, upstream, rate, seed, stall_max_s):
        u = urllib.parse.urlsplit(upstream)
        self.up_host, self.up_port = u.hostname, u.port or 80
        self.rate = rate
        self.rng = random.Random(seed)
        self.stall_max_s = stall_max_s
        self.stats = {"requests": 0, "forwarded": 0, "faults": {k: 0 for k in KINDS},
                      # faults that reached Twenty with a write: the server cannot know it happened
                      "writes_forwarded_then_failed": {k: 0 for k in FORWARDED},
                      "writes_seen": 0, "open_connections": 0, "max_connections": 0,
                      "upstream_errors": 0, "stalls_ended_by_server": 0, "stalls_ended_by_proxy": 0}

    def pick_fault(self):
        if self.rate <= 0 or self.rng.random() >= self.rate:
            return None
        return self.rng.choice(KINDS)

    async def handle(self, reader, writer):
        s = self.stats
        s["open_connections"] += 1
        s["max_connections"] = max(s["max_connections"], s["open_connections"])
        up = None
        try:
            while True:
                req = await read_message(reader, is_request=True)
                if req is None:
                    return
                head, body, method, target = req
                if target.startswith("/_proxy/"):
                    self.local(writer, method, target)
                    await writer.drain()
                    continue
                s["requests"] += 1
                is_write = method in ("POST", "PATCH", "PUT", "DELETE") and target.startswith("/rest/")
                s["writes_seen"] += is_write
                fault = self.pick_fault()
                if fault:
                    s["faults"][fault] += 1
                    if fault in FORWARDED and is_write:
                        s["writes_forwarded_then_failed"][fault] += 1
                if fault in ("http_500", "http_502", "http_503"):
                    code = int(fault[5:])
                    writer.write(error_response(code))
                    await writer.drain()
                    continue
                if fault == "reset_before":
                    return reset(writer)
                if fault == "stall_before":
                    return await self.stall(reader)
                if up is None:
                    up = await asyncio.open_connection(self.up_host, self.up_port, limit=HEAD_LIMIT)
                up_r, up_w = up
                up_w.write(head + body)
                await up_w.drain()
                resp = await read_message(up_r, is_request=False, method=method)
                if resp is None:
                    s["upstream_errors"] += 1
                    return reset(writer)
                s["forwarded"] += 1
                if fault == "reset_after":
                    return reset(writer)
                if fault == "stall_after":
                    return await self.stall(reader)
                if fault == "bad_gateway_after":
                    writer.write(error_response(502))
                else:
                    writer.write(resp[0] + resp[1])
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            return
        finally:
            s["open_connections"] -= 1
            if up is not None:
                up[1].close()
            if not writer.transport.is_closing():
                writer.close()

    async def stall(self, reader):
        # Hold the request unanswered until the server's own deadline closes the connection.
        try:
            await asyncio.wait_for(reader.read(), self.stall_max_s)
            self.stats["stalls_ended_by_server"] += 1
        except asyncio.TimeoutError:
            self.stats["stalls_ended_by_proxy"] += 1

    def local(self, writer, method, target):
        u = urllib.parse.urlsplit(target)
        if u.path == "/_proxy/faults" and method == "POST":
            q = urllib.parse.parse_qs(u.query)
            self.rate = float(q.get("rate", [self.rate])[0])
        body = json.dumps(dict(self.stats, rate=self.rate)).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)


def error_response(code):
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}[code]
    body = json.dumps({"statusCode": code, "error": reason,
                       "messages": ["injected by the soak's fault proxy"]}).encode()
    return (f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def read_message(reader, is_request, method="GET"):
    """One HTTP/1.1 message as (head bytes, raw body bytes, method, target); None at a clean EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise
    lines = head.decode("latin-1").split("\r\n")
    first = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    req_method = first[0] if is_request else method
    target = first[1] if is_request and len(first) > 1 else ""
    status = 0 if is_request else int(first[1])
    no_body = (not is_request) and (req_method == "HEAD" or status in (204, 304) or status < 200)
    if no_body:
        body = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        body = await read_chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif is_request:
        body = b""
    else:
        body = await reader.read()  # until the upstream closes
    return head, body, req_method, target


async def read_chunked(reader):
    out = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        out += line
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while True:  # trailers, then the empty line
                t = await reader.readuntil(b"\r\n")
                out += t
                if t == b"\r\n":
                    return bytes(out)
        out += await reader.readexactly(size + 2)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True, help="base URL of the stand-in")
    ap.add_argument("--rate", type=float, default=0.0, help="share of requests given a fault")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--stall-max-s", type=float, default=60.0)
    a = ap.parse_args()
    proxy = Proxy(a.upstream, a.rate, a.seed, a.stall_max_s)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0, limit=HEAD_LIMIT, backlog=512)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
