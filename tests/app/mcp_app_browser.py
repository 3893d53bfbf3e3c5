#!/usr/bin/env python3
"""The dashboard MCP App in a real browser (issue 9, item 5): headless Chromium loads a host page
that embeds the app's HTML (resources/read ui://twenty/dashboard from the real server) in a
sandboxed iframe under the spec's default CSP, and plays the host's side of the protocol
(ui/initialize, tool-input, tool-result with twenty_dashboard's real result against the
stand-in). The screenshot must be an 800x600 PNG with the funnel and the trend drawn and the
host's status bar green (the app rendered, no error, no CSP violation); Chromium's console must
show no error. A second run with a result holding no dashboard must be seen to fail.

Usage: mcp_app_browser.py SERVER_BINARY STANDIN_BINARY OUT_DIR
Exits 77 (skipped) when no Chromium is installed."""
import json, os, shutil, struct, subprocess, sys, tempfile, zlib

SKIP = 77
server_bin, standin_bin, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("SKIP: no chromium on PATH (scripts/install_deps.sh installs it)")
    sys.exit(SKIP)
os.makedirs(out_dir, exist_ok=True)

APPS_CAPS = {"extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}}}
ARGS = {"now": "2026-01-01T00:00:00.000Z"}
BAR = (0x00, 0x72, 0xB2)   # the app's bar and line colour
OK, FAIL = (0x1A, 0x7F, 0x37), (0xC0, 0x1C, 0x28)  # the host's status bar

# The host: the app in a sandboxed iframe (origin "null") under the CSP hosts must apply when the
# resource declares none (mcp.md section 11.2), with a reporter of errors and CSP violations
# injected before the app's own scripts. The status bar turns green once the app has answered
# the tool result with a size-changed and nothing went wrong.
HOST = r"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>PENDING</title>
<style>html,body{margin:0;background:#fff}#f{position:absolute;left:0;top:0;width:800px;height:560px;border:0}
#bar{position:absolute;left:0;top:570px;width:800px;height:30px;background:#888}</style>
<script src="fixture.js"></script></head><body>
<iframe id="f" sandbox="allow-scripts"></iframe><div id="bar"></div><script>
"use strict";
const f = document.getElementById("f"), bar = document.getElementById("bar"), errs = [];
let rendered = false, resultSent = false;
const send = m => f.contentWindow.postMessage(m, "*");
const CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'none'";
const PRE = `<meta http-equiv="Content-Security-Policy" content="${CSP}"><script>
const r=(k,t)=>parent.postMessage({__test:k+": "+t},"*");
addEventListener("error",e=>r("error",e.message));
addEventListener("unhandledrejection",e=>r("rejection",e.reason));
document.addEventListener("securitypolicyviolation",e=>r("csp",e.violatedDirective+" "+e.blockedURI));<\/script>`;
function finish() {
  const ok = rendered && errs.length === 0;
  document.title = ok ? "OK" : "FAIL " + (rendered ? "" : "not rendered ") + errs.join(" | ");
  bar.style.background = ok ? "#1a7f37" : "#c01c28";
  console.log("host: " + document.title);
}
addEventListener("message", e => {
  if (e.source !== f.contentWindow) return;
  const m = e.data;
  if (m && m.__test) { errs.push(m.__test); return; }
  if (m.method === "ui/initialize")
    send({jsonrpc: "2.0", id: m.id, result: {protocolVersion: "2026-01-26",
      hostInfo: {name: "test-host", version: "0"}, hostCapabilities: {serverTools: {}},
      hostContext: {theme: "light", displayMode: "inline", containerDimensions: {width: 800, height: 560}}}});
  else if (m.method === "ui/notifications/initialized") {
    send({jsonrpc: "2.0", method: "ui/notifications/tool-input", params: {arguments: TOOL_INPUT}});
    send({jsonrpc: "2.0", method: "ui/notifications/tool-result", params: TOOL_RESULT});
    resultSent = true;
    setTimeout(() => send({jsonrpc: "2.0", id: "td", method: "ui/resource-teardown", params: {}}), 1000);
    setTimeout(finish, 1500);
  } else if (m.method === "ui/notifications/size-changed") rendered = rendered || resultSent;
  else if (m.method && m.id !== undefined) send({jsonrpc: "2.0", id: m.id, result: {}});
});
addEventListener("error", e => errs.push("host: " + e.message));
f.srcdoc = APP_HTML.replace(/<head[^>]*>/i, h => h + PRE);
</script></body></html>"""


def mcp_session(url):
    """The app page and twenty_dashboard's result, from the real server over stdio."""
    proc = subprocess.Popen([server_bin, "--transport", "stdio", "--log-level", "warn",
                             "--twenty-api-url", url, "--twenty-api-key", "standin-demo-key"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def rpc(msg_id, method, params):
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method,
                                     "params": params}) + "\n")
        proc.stdin.flush()
        while True:
            line = proc.stdout.readline()
            if not line:
                sys.exit("FAIL: the server closed stdout")
            msg = json.loads(line)
            if msg.get("id") == msg_id:
                if "result" not in msg:
                    sys.exit(f"FAIL: {method}: {msg}")
                return msg["result"]

    try:
        rpc(0, "initialize", {"protocolVersion": "2025-11-25", "capabilities": APPS_CAPS,
                              "clientInfo": {"name": "browser-test", "version": "1"}})
        proc.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        proc.stdin.flush()
        tools = rpc(1, "tools/list", {})["tools"]
        tool = next(t for t in tools if t["name"] == "twenty_dashboard")
        uri = tool["_meta"]["ui"]["resourceUri"]
        page = rpc(2, "resources/read", {"uri": uri})["contents"][0]
        if page["mimeType"] != "text/html;profile=mcp-app":
            sys.exit(f"FAIL: {uri} is {page['mimeType']}")
        result = rpc(3, "tools/call", {"name": "twenty_dashboard", "arguments": ARGS})
        if result.get("isError"):
            sys.exit(f"FAIL: twenty_dashboard: {result}")
        return page["text"], result
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def decode_png(data):
    """(width, height, rows of (r, g, b)) for an 8-bit RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("FAIL: the screenshot is not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
    if depth != 8 or colour not in (2, 6):
        sys.exit(f"FAIL: unexpected PNG format depth={depth} colour={colour}")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def near(p, colour, tol=12):
    return all(abs(p[i] - colour[i]) <= tol for i in range(3))


def count(rows, x0, y0, x1, y1, colour):
    return sum(near(rows[y][x], colour) for y in range(y0, y1) for x in range(x0, x1))


def run_browser(name, app_html, result):
    """Loads the host with this result; returns (screenshot rows, console errors, title)."""
    work = tempfile.mkdtemp(prefix="mcp-app-", dir=out_dir)
    with open(os.path.join(work, "fixture.js"), "w") as f:
        f.write("window.APP_HTML=" + json.dumps(app_html) + ";\nwindow.TOOL_INPUT="
                + json.dumps(ARGS) + ";\nwindow.TOOL_RESULT=" + json.dumps(result) + ";\n")
    with open(os.path.join(work, "host.html"), "w") as f:
        f.write(HOST)
    shot = os.path.join(out_dir, name + ".png")
    if os.path.exists(shot):
        os.remove(shot)
    # Virtual time makes the timers deterministic; IsolateSandboxedIframes off keeps the
    # iframe in process so virtual time cannot race it (mcp.md 11.5). No network is used;
    # /dev/shm is small in containers, so shared memory goes to /tmp.
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-dev-shm-usage",
           "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
           "--disable-features=IsolateSandboxedIframes", "--user-data-dir=" + work + "/profile",
           "--virtual-time-budget=8000", "--window-size=800,600", "--enable-logging=stderr",
           "--v=0", "--screenshot=" + shot, "file://" + work + "/host.html"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        # The page and fixture stay for a look at a failure; Chromium's profile goes.
        shutil.copy(os.path.join(work, "fixture.js"), os.path.join(out_dir, name + "-fixture.js"))
        shutil.copy(os.path.join(work, "host.html"), os.path.join(out_dir, "host.html"))
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(out_dir, name + ".log"), "w") as f:
        f.write(p.stderr)
    if not os.path.exists(shot):
        sys.exit(f"FAIL: chromium wrote no screenshot (exit {p.returncode}):\n{p.stderr[-2000:]}")
    console = [l for l in p.stderr.splitlines() if "CONSOLE" in l]
    errors = [l for l in console if "Uncaught" in l or "Content Security Policy" in l
              or "violates" in l or "host: FAIL" in l]
    title = next((l.split("host: ", 1)[1].split('"')[0] for l in console if "host: " in l), "")
    with open(shot, "rb") as f:
        width, height, rows = decode_png(f.read())
    if (width, height) != (800, 600):
        sys.exit(f"FAIL: the screenshot is {width}x{height}, not 800x600")
    return rows, errors, title


standin = subprocess.Popen([standin_bin, "--port", "0"], stdout=subprocess.PIPE, text=True)
try:
    url = standin.stdout.readline().split("listening on ")[-1].strip()
    app_html, result = mcp_session(url)
finally:
    standin.terminate()
    standin.wait(timeout=10)
with open(os.path.join(out_dir, "tool_result.json"), "w") as f:
    json.dump(result, f)

failures = []
rows, errors, title = run_browser("dashboard", app_html, result)
bar_ok = count(rows, 0, 575, 800, 595, OK)
funnel = count(rows, 0, 40, 400, 330, BAR)
trend = count(rows, 400, 40, 800, 330, BAR)
print(f"host: {title}; status bar green pixels {bar_ok}; funnel pixels {funnel}; trend pixels {trend}")
if bar_ok < 10000:
    failures.append(f"the host's status bar is not green ({title})")
if funnel < 3000:
    failures.append(f"no funnel in the left half ({funnel} bar-coloured pixels)")
if trend < 300:
    failures.append(f"no trend line in the right half ({trend} line-coloured pixels)")
for e in errors:
    failures.append("console: " + e)

# The same check must see a broken run: a result without the dashboard makes the app throw.
rows, errors, title = run_browser("broken", app_html, {"content": []})
if count(rows, 0, 575, 800, 595, FAIL) < 10000 or not errors:
    failures.append(f"a broken app was not seen as broken (title {title!r}, errors {errors})")
else:
    print(f"broken app seen: {title}")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("OK: the dashboard app drew its charts in headless Chromium with no console error")
