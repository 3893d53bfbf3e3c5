#!/usr/bin/env python3
"""Everyday agent tasks over MCP (Streamable HTTP, JSON-only answers) against the stand-in,
each answer checked against the stand-in's own REST API (issue 15, item 6).

Per task: tool calls, tokens read (the text the model reads: each result's text block),
tokens written (the model's tool calls: name and arguments), wall time. Tokens are cl100k,
counted by bench/tokens/count_tokens.mjs (gpt-tokenizer from .tools/tokenizer). Then one
uncached twenty_get_record after another against a direct REST get of the same record: the
latency the server adds (p50) and its CPU per call (utime+stime of its process, idle waiting
included).

Usage: agent_tasks.py SERVER_BINARY STANDIN_BINARY OUT_DIR [GETS]"""
import http.client, json, os, statistics, subprocess, sys, time, urllib.parse

server_bin, standin_bin, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
gets = int(sys.argv[4]) if len(sys.argv) > 4 else 100
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(out_dir, exist_ok=True)
KEY = "standin-demo-key"


def start(cmd, channel, env=None):
    """Starts a program that prints 'listening on http://HOST:PORT' on `channel`."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE if channel == "stdout" else subprocess.DEVNULL,
                         stderr=subprocess.PIPE if channel == "stderr" else subprocess.DEVNULL,
                         text=True, env=env)
    stream = p.stdout if channel == "stdout" else p.stderr
    deadline = time.time() + 30
    while time.time() < deadline:
        line = stream.readline()
        if "listening on http://" in line:
            return p, line.split("listening on ")[1].split()[0].strip()
    sys.exit("did not start: " + " ".join(cmd))


# Both rate limiters off: the latency figures must not measure waiting for tokens.
standin, standin_url = start([standin_bin, "--port", "0", "--no-rate-limit"], "stdout")
env = dict(os.environ, TWENTY_RATE_SHORT_LIMIT="0", TWENTY_RATE_LONG_LIMIT="0")
server, mcp_url = start([server_bin, "--transport", "http", "--http-port", "0", "--log-level", "warn",
                         "--twenty-api-url", standin_url, "--twenty-api-key", KEY], "stderr", env)
mcp = urllib.parse.urlparse(mcp_url)
rest = urllib.parse.urlparse(standin_url)
mcp_conn = http.client.HTTPConnection(mcp.hostname, mcp.port)
rest_conn = http.client.HTTPConnection(rest.hostname, rest.port)


def rest_get(path):
    rest_conn.request("GET", path, headers={"Authorization": "Bearer " + KEY})
    r = rest_conn.getresponse()
    return json.loads(r.read())


session = None
next_id = 0


def post(msg):
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "Host": f"{mcp.hostname}:{mcp.port}"}
    if session:
        headers["Mcp-Session-Id"] = session
    mcp_conn.request("POST", mcp.path, body=json.dumps(msg), headers=headers)
    r = mcp_conn.getresponse()
    body = r.read()
    return r, (json.loads(body) if body else None)


def rpc(method, params):
    global next_id
    next_id += 1
    return post({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})[1]


r, init = post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "agent-tasks", "version": "1"}}})
session = r.getheader("Mcp-Session-Id")
post({"jsonrpc": "2.0", "method": "notifications/initialized"})
tools = rpc("tools/list", {})["result"]
# What most hosts hand the model of each tool: name, description, input schema (titles,
# annotations and output schemas stay with the client). Reported beside the whole JSON.
model_view = [{k: t[k] for k in ("name", "description", "inputSchema") if k in t} for t in tools["tools"]]
texts = {"tools_list": json.dumps(tools, separators=(",", ":")),
         "tools_model_view": json.dumps(model_view, separators=(",", ":")),
         "instructions": init["result"].get("instructions", "")}


def records_of(table):
    """A list answer's table (columns, rows) read back as records, as an agent reads it:
    dotted columns nest again (company.name), null cells are left out."""
    out = []
    for row in table.get("rows", []):
        rec = {}
        for col, val in zip(table.get("columns", []), row):
            if val is None:
                continue
            *path, last = col.split(".")
            at = rec
            for key in path:
                at = at.setdefault(key, {})
            at[last] = val
        out.append(rec)
    return out


class task:
    def __init__(self, name):
        self.name, self.calls, self.read, self.written, self.ms, self.ok = name, [], [], [], 0.0, True

    def call(self, tool, args):
        written = json.dumps({"name": tool, "arguments": args}, separators=(",", ":"))
        t0 = time.perf_counter()
        res = rpc("tools/call", {"name": tool, "arguments": args})
        self.ms += (time.perf_counter() - t0) * 1000
        result = res["result"]
        text = result["content"][0]["text"] if result.get("content") else ""
        self.calls.append(tool)
        self.read.append(text)
        self.written.append(written)
        if result.get("isError"):
            self.check(False, f"{tool} failed: {text}")
        return result.get("structuredContent") or {}

    def check(self, cond, what):
        if not cond:
            self.ok = False
            print(f"CHECK FAILED in '{self.name}': {what}", file=sys.stderr)


tasks = []

# 1. Find a company by name.
t = task("lookup by name"); tasks.append(t)
company = rest_get("/rest/companies?limit=1&order_by=name")["data"]["companies"][0]
found = t.call("twenty_search_records", {"query": company["name"], "objects": ["companies"], "limit": 3})
ids = [r["id"] for res in found.get("results", []) for r in records_of(res)]
t.check(company["id"] in ids, "the company is among the matches")

# 2. The ten largest opportunities with their company names.
t = task("top 10 with related names"); tasks.append(t)
top = t.call("twenty_list_records", {"object": "opportunities", "order_by": "amount.amountMicros[DescNullsLast]",
                                     "limit": 10, "fields": ["name", "amount", "company.name"]})
truth = rest_get("/rest/opportunities?limit=10&depth=1&order_by=" +
                 urllib.parse.quote("amount.amountMicros[DescNullsLast]"))["data"]["opportunities"]
top = records_of(top)
t.check([r.get("name") for r in top] == [r["name"] for r in truth], "same ten, same order")
names = [((r.get("company") or {}).get("name")) for r in top]
t.check(names == [(r.get("company") or {}).get("name") for r in truth], "same company names")

# 3. Create a task linked to a company, update it, delete it.
t = task("linked create, update, delete"); tasks.append(t)
created = t.call("twenty_create_record", {"object": "tasks", "data": {"title": "Call back about renewal"},
                                          "targets": [{"object": "companies", "id": company["id"]}]})
task_id = (created.get("record") or {}).get("id", "")
links = rest_get("/rest/taskTargets?filter=" + urllib.parse.quote(f"taskId[eq]:{task_id}"))["data"]["taskTargets"]
t.check(any(l.get("targetCompanyId") == company["id"] for l in links), "the task is linked to the company")
t.call("twenty_update_record", {"object": "tasks", "id": task_id, "data": {"status": "DONE"}})
t.check(rest_get(f"/rest/tasks/{task_id}")["data"]["task"]["status"] == "DONE", "status updated")
t.call("twenty_delete_record", {"object": "tasks", "id": task_id})
gone = rest_get("/rest/tasks?filter=" + urllib.parse.quote(f"id[eq]:{task_id}"))["totalCount"]
t.check(gone == 0, "the task is deleted")

# 4. How many opportunities per stage.
t = task("count per stage"); tasks.append(t)
agg = t.call("twenty_aggregate", {"object": "opportunities", "group_by": ["stage"]})
all_opps = rest_get("/rest/opportunities?limit=200")["data"]["opportunities"]
counts = {}
for o in all_opps:
    counts[o["stage"]] = counts.get(o["stage"], 0) + 1
t.check({r[0]: r[1] for r in agg.get("rows", [])} == counts, "counts per stage")

# 5. An object's fields.
t = task("an object's fields"); tasks.append(t)
schema = t.call("twenty_get_schema", {"object": "opportunities"})
meta = rest_get("/rest/metadata/objects?limit=1000")["data"]["objects"]
opp = next(o for o in meta if o["nameSingular"] == "opportunity")
active = {f["name"] for f in opp["fields"] if f["isActive"]}
shown = {f["name"] for f in schema.get("fields", [])} | set((schema.get("left_out") or {}).get("fields", []))
t.check(shown == active, "every active field shown or named as left out")

# 6. A table of 50 companies.
t = task("50-row table"); tasks.append(t)
table = t.call("twenty_list_records", {"object": "companies", "limit": 50, "fields": ["name", "domainName"]})
truth = rest_get("/rest/companies?limit=50")["data"]["companies"]
rows = records_of(table)
# Only the fields asked for (no ids): the same 50 (name, domain) rows, in the same order.
t.check(len(rows) == len(truth) == 50, "50 rows")
t.check([(r.get("name"), r.get("domainName")) for r in rows]
        == [(r["name"], r["domainName"]["primaryLinkUrl"] or None) for r in truth],
        "the same names and domains, in the same order")
t.check(all(set(r) <= {"name", "domainName"} for r in rows), "only the fields asked for")

# Token counts, all at once.
files = {}
for name, text in texts.items():
    files[name] = text
for i, tk in enumerate(tasks):
    files[f"task{i}_read"] = "\n".join(tk.read)
    files[f"task{i}_written"] = "\n".join(tk.written)
paths = []
for name, text in files.items():
    path = os.path.join(out_dir, name + ".txt")
    with open(path, "w") as f:
        f.write(text)
    paths.append(path)
counter = os.path.join(here, "..", "tokens", "count_tokens.mjs")
lines = subprocess.run(["node", counter] + paths, capture_output=True, text=True, check=True).stdout.split("\n")
tokens = {os.path.basename(l.split("\t")[2])[:-4]: int(l.split("\t")[0]) for l in lines if l}

print("| task | calls | tokens read | tokens written | wall ms | checked |")
print("|---|---|---|---|---|---|")
total_read = total_written = total_calls = 0
for i, tk in enumerate(tasks):
    r, w = tokens[f"task{i}_read"], tokens[f"task{i}_written"]
    total_read += r; total_written += w; total_calls += len(tk.calls)
    print(f"| {tk.name} | {len(tk.calls)} | {r} | {w} | {tk.ms:.1f} | {'yes' if tk.ok else 'NO'} |")
print(f"| **six tasks** | {total_calls} | {total_read} | {total_written} | {sum(t.ms for t in tasks):.1f} | |")
print(f"| tools/list ({len(tools['tools'])} tools) + instructions | 1 | "
      f"{tokens['tools_list'] + tokens['instructions']} | | | |")
print(f"| **session total read** | | {total_read + tokens['tools_list'] + tokens['instructions']} | | | goal ≤ 4,500 |")
print(f"| tools/list as hosts pass it to the model (name, description, inputSchema) + instructions | | "
      f"{tokens['tools_model_view'] + tokens['instructions']} | | | |")
print(f"| session total, that view | | {total_read + tokens['tools_model_view'] + tokens['instructions']} | | | |")

# Uncached gets: each person once through the server, each again straight from REST.
people = [p["id"] for p in rest_get("/rest/people?limit=200")["data"]["people"]][:gets]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


via_mcp, via_rest = [], []
cpu0, wall0 = cpu_seconds(server.pid), time.perf_counter()
for pid_ in people:
    t0 = time.perf_counter()
    res = rpc("tools/call", {"name": "twenty_get_record", "arguments": {"object": "people", "id": pid_}})
    via_mcp.append((time.perf_counter() - t0) * 1000)
    assert not res["result"].get("isError"), res
cpu1 = cpu_seconds(server.pid)
for pid_ in people:
    t0 = time.perf_counter()
    rest_get(f"/rest/people/{pid_}")
    via_rest.append((time.perf_counter() - t0) * 1000)
p50_mcp, p50_rest = statistics.median(via_mcp), statistics.median(via_rest)
print()
print(f"uncached twenty_get_record x{len(people)}: p50 {p50_mcp:.2f} ms; direct REST get p50 {p50_rest:.2f} ms; "
      f"added p50 {p50_mcp - p50_rest:.2f} ms (goal <= 1.5); server CPU {1000 * (cpu1 - cpu0) / len(people):.2f} ms/call "
      f"(goal <= 0.3)")

server.terminate(); standin.terminate()
server.wait(timeout=10); standin.wait(timeout=10)
sys.exit(0 if all(t.ok for t in tasks) else 1)
