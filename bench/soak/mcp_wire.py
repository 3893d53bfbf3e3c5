"""Raw-socket HTTP/1.1 and MCP Streamable HTTP client pieces for the soak (asyncio, no deps)."""
import asyncio
import json
import socket
import struct

PROTOCOL_VERSION = "2025-11-25"
READ_LIMIT = 1 << 22


def reset_connection(writer):
    """Closes with a TCP reset (SO_LINGER 0), as a crashed or cut-off peer would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class ConnectionLost(Exception):
    """The connection ended before a whole answer arrived."""


async def read_response(reader, method="POST"):
    """(status, headers dict with lower-case names, body bytes with chunking removed)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        raise ConnectionLost(f"closed before the status line ({len(e.partial)} bytes)") from None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    try:
        if method == "HEAD" or status in (204, 304) or status < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = await read_chunked(reader)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        else:
            body = await reader.read()
    except asyncio.IncompleteReadError:
        raise ConnectionLost(f"closed in the body of an HTTP {status}") from None
    return status, headers, body


async def read_chunked(reader):
    out = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return bytes(out)
        out += (await reader.readexactly(size + 2))[:-2]


def request_bytes(method, host, port, path, headers, body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class HttpConn:
    """One keep-alive connection, reopened when the peer has closed it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.opened = 0

    async def ensure(self):
        if self.writer is None or self.writer.is_closing() or self.reader.at_eof():
            self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port,
                                                                     limit=READ_LIMIT)
            self.opened += 1

    def close(self):
        if self.writer is not None:
            self.writer.transport.abort()
        self.reader = self.writer = None

    async def request(self, method, path, headers, body=b""):
        await self.ensure()
        try:
            self.writer.write(request_bytes(method, self.host, self.port, path, headers, body))
            await self.writer.drain()
            status, hdrs, data = await read_response(self.reader, method)
        except (ConnectionError, OSError) as e:
            self.close()
            raise ConnectionLost(f"{type(e).__name__}: {e}") from None
        except ConnectionLost:
            self.close()
            raise
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return status, hdrs, data


def mcp_headers(session_id=None, accept="application/json, text/event-stream"):
    h = {"Accept": accept, "Content-Type": "application/json"}
    if session_id:
        h["Mcp-Session-Id"] = session_id
        h["MCP-Protocol-Version"] = PROTOCOL_VERSION
    return h


def rpc(rid, method, params=None):
    m = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        m["params"] = params
    return json.dumps(m).encode()


def tool_call(rid, name, args):
    return rpc(rid, "tools/call", {"name": name, "arguments": args})


def sse_payloads(text):
    """The data of each SSE event (data lines joined by newlines)."""
    out = []
    for event in text.replace("\r\n", "\n").split("\n\n"):
        data = [ln[5:].lstrip(" ") if ln.startswith("data:") else None for ln in event.split("\n")]
        data = [d for d in data if d is not None]
        if data:
            out.append("\n".join(data))
    return out


def classify_reply(status, headers, body, rid):
    """(outcome class, detail, parsed result or None) for the answer to request `rid`.

    Classes: ok, tool_error, rpc_error, http_error (all clear answers); bad_reply (not one)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return "bad_reply", f"invalid UTF-8: {e}", None
    if status != 200:
        return "http_error", f"HTTP {status} {text[:80]}", None
    ctype = headers.get("content-type", "")
    payloads = [text] if "application/json" in ctype else sse_payloads(text)
    for p in payloads:
        if not p.strip():
            continue  # the SSE priming event
        try:
            m = json.loads(p)
        except ValueError:
            return "bad_reply", f"not JSON: {p[:80]!r}", None
        if not isinstance(m, dict) or "method" in m or m.get("id") != rid:
            continue
        if "error" in m:
            e = m["error"] if isinstance(m["error"], dict) else {}
            msg = e.get("message")
            if not isinstance(msg, str) or not msg:
                return "bad_reply", f"error without a message: {p[:80]}", None
            return "rpc_error", f"{e.get('code')} {msg[:80]}", None
        r = m.get("result")
        if not isinstance(r, dict):
            return "bad_reply", "no result object", None
        if r.get("isError"):
            c = r.get("content") or [{}]
            t = c[0].get("text", "") if isinstance(c[0], dict) else ""
            if not t:
                return "bad_reply", "tool error without text", None
            return "tool_error", t[:120], r
        return "ok", "", r
    return "bad_reply", f"no answer to id {rid} in {len(payloads)} events", None


class McpSession:
    """One MCP session over its own keep-alive connection."""

    def __init__(self, host, port, path="/mcp", name="soak"):
        self.conn = HttpConn(host, port)
        self.path, self.name = path, name
        self.session_id = None
        self.next_id = 1

    async def open(self):
        params = {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                  "clientInfo": {"name": self.name, "version": "1"}}
        status, h, body = await self.conn.request("POST", self.path, mcp_headers(),
                                                  rpc(0, "initialize", params))
        kind, detail, _ = classify_reply(status, h, body, 0)
        if kind != "ok" or "mcp-session-id" not in h:
            raise RuntimeError(f"initialize: {kind} {detail}")
        self.session_id = h["mcp-session-id"]
        note = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode()
        status, _, _ = await self.conn.request("POST", self.path, mcp_headers(self.session_id), note)
        if status != 202:
            raise RuntimeError(f"notifications/initialized: HTTP {status}")

    async def call(self, name, args):
        """(class, detail, result); raises ConnectionLost when no whole answer came."""
        rid = self.next_id
        self.next_id += 1
        status, h, body = await self.conn.request("POST", self.path, mcp_headers(self.session_id),
                                                  tool_call(rid, name, args))
        return classify_reply(status, h, body, rid)

    async def delete(self):
        status, _, _ = await self.conn.request("DELETE", self.path, mcp_headers(self.session_id))
        self.conn.close()
        return status
