"""After the soak: the writes against the stand-in's records, and the RSS series."""
import collections
import json
import urllib.parse

from mcp_wire import HttpConn


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[i]


async def records_named(standin_url, key, prefix):
    """name -> [(id, addressCity)] of every company whose name starts with prefix (REST, paged)."""
    u = urllib.parse.urlsplit(standin_url)
    conn = HttpConn(u.hostname, u.port)
    flt = urllib.parse.quote(f'name[like]:"{prefix}%"')
    out = collections.defaultdict(list)
    cursor = None
    pages = 0
    while True:
        path = f"/rest/companies?filter={flt}&limit=200"
        if cursor:
            path += f"&starting_after={urllib.parse.quote(cursor)}"
        status, _, body = await conn.request("GET", path, {"Authorization": f"Bearer {key}"})
        if status != 200:
            raise RuntimeError(f"stand-in list: HTTP {status} {body[:200]!r}")
        page = json.loads(body)
        for r in page["data"]["companies"]:
            out[r["name"]].append((r["id"], (r.get("address") or {}).get("addressCity")))
        pages += 1
        info = page.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            break
        cursor = info["endCursor"]
    conn.close()
    return out, pages


def allowed_final(seq):
    """Values an update sequence may leave: the last acknowledged one or any unacknowledged later."""
    last_ok = max((i for i, (_, k) in enumerate(seq) if k == "ok"), default=None)
    if last_ok is None:
        return {"c0"} | {v for v, _ in seq}
    return {seq[last_ok][0]} | {v for v, _ in seq[last_ok + 1:]}


async def check_writes(standin_url, key, tag, creates, updates, hostile_creates):
    found, pages = await records_named(standin_url, key, f"soak-{tag}-")
    w = collections.Counter()
    unacked_by_class = collections.defaultdict(collections.Counter)
    final_city = {}
    for name, c in creates.items():
        rows = found.get(name, [])
        for rid, city in rows:
            final_city[rid] = city
        if c["acked"]:
            w["acked"] += 1
            if not rows:
                w["acked_lost"] += 1
            elif len(rows) > 1:
                w["acked_duplicated"] += 1
            elif rows[0][0] != c["id"]:
                w["acked_wrong_id"] += 1
            else:
                w["acked_once"] += 1
        else:
            w["unacked"] += 1
            state = "absent" if not rows else "present" if len(rows) == 1 else "duplicated"
            w[f"unacked_{state}"] += 1
            unacked_by_class[c["class"]][state] += 1
    for name in hostile_creates:
        n = len(found.get(name, []))
        w["hostile_sent"] += 1
        w["hostile_" + ("absent" if n == 0 else "present" if n == 1 else "duplicated")] += 1
    known = set(creates) | set(hostile_creates)
    w["phantom"] = sum(1 for n in found if n not in known)
    examples = []
    for rid, seq in updates.items():
        w["updates_sent"] += len(seq)
        w["updates_acked"] += sum(1 for _, k in seq if k == "ok")
        w["records_updated"] += 1
        if final_city.get(rid) not in allowed_final(seq):
            w["updates_lost"] += 1
            if len(examples) < 3:
                examples.append({"id": rid, "final": final_city.get(rid), "sequence": seq})
    for k in ("acked", "acked_once", "acked_lost", "acked_duplicated", "acked_wrong_id", "unacked",
              "unacked_present", "unacked_absent", "unacked_duplicated", "hostile_duplicated",
              "updates_lost"):
        w.setdefault(k, 0)
    out = dict(w)
    out["unacked_by_class"] = {k: dict(v) for k, v in unacked_by_class.items()}
    out["records_listed"] = sum(len(v) for v in found.values())
    out["rest_pages"] = pages
    if examples:
        out["lost_update_examples"] = examples
    return out


def rss_summary(samples, load_s, warmup_share):
    """Warm-up RSS (at max(60 s, share of the load phase)) against the rest of the load phase."""
    during = [s for s in samples if s[0] <= load_s + 1]
    if not during:
        return {"samples": 0, "max_after_warmup_over_warm": float("inf"), "warm_mib": 0,
                "end_mib": 0, "max_after_warmup_mib": 0}
    warm_t = min(max(60.0, warmup_share * load_s), during[-1][0])
    after = [s for s in during if s[0] >= warm_t]
    warm = after[0]
    mib = lambda kb: round(kb / 1024, 1)  # noqa: E731
    xs = [s[0] / 60 for s in after]
    ys = [s[1] / 1024 for s in after]
    slope = 0.0
    if len(after) > 2:
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        den = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0
    return {
        "samples": len(during),
        "start_mib": mib(during[0][1]),
        "warmup_s": round(warm_t),
        "warm_mib": mib(warm[1]),
        "end_mib": mib(during[-1][1]),
        "max_after_warmup_mib": mib(max(s[1] for s in after)),
        "max_after_warmup_over_warm": round(max(s[1] for s in after) / warm[1], 3),
        "end_over_warm": round(during[-1][1] / warm[1], 3),
        "slope_after_warmup_mib_per_min": round(slope, 3),
        "fds_warm_end_max": [warm[2], during[-1][2], max(s[2] for s in after)],
        "threads_end": during[-1][3],
    }
