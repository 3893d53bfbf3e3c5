#!/usr/bin/env python3
# Times REST against GraphQL on the stand-in for the operations the tools make (keep-alive, sequential).
import http.client, json, time, statistics, sys
port = int(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
c = http.client.HTTPConnection("127.0.0.1", port)
H = {"Authorization": "Bearer standin-demo-key", "Content-Type": "application/json"}
def t(method, path, body=None):
    xs = []; size = 0
    for _ in range(n):
        s = time.perf_counter()
        c.request(method, path, body=body, headers=H)
        r = c.getresponse(); d = r.read(); size = len(d)
        xs.append((time.perf_counter() - s) * 1000)
    xs.sort()
    return statistics.median(xs), xs[int(len(xs) * 0.9)], size
def gql(q, v=None):
    return json.dumps({"query": q, "variables": v or {}})
c.request("GET", "/rest/companies?limit=1", headers=H)
first = json.loads(c.getresponse().read())["data"]["companies"][0]
cid = first["id"]
# The revenue field's name depends on the release (annualRecurringRevenue before 2.19): read it.
revenue = next(k for k, v in first.items() if isinstance(v, dict) and "amountMicros" in v)
sel = "id createdAt updatedAt deletedAt name domainName { primaryLinkUrl primaryLinkLabel secondaryLinks } address { addressStreet1 addressStreet2 addressCity addressState addressCountry addressPostcode addressLat addressLng } linkedinLink { primaryLinkUrl primaryLinkLabel secondaryLinks } %s { amountMicros currencyCode } accountOwnerId" % revenue
rows = [
 ("list 50 companies", "REST GET /rest/companies?limit=50", t("GET", "/rest/companies?limit=50")),
 ("list 50 companies", "GraphQL, shown fields", t("POST", "/graphql", gql("query($first: Int) { companies(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { node { %s } } } }" % sel, {"first": 50}))),
 ("get one company", "REST GET /rest/companies/{id}", t("GET", "/rest/companies/" + cid)),
 ("get one company", "GraphQL company(filter: id)", t("POST", "/graphql", gql("{ company(filter: {id: {eq: \"%s\"}}) { %s } }" % (cid, sel)))),
 ("10 opportunities with company and contact names", "REST depth=1", t("GET", "/rest/opportunities?limit=10&depth=1")),
 ("10 opportunities with company and contact names", "GraphQL nested selection", t("POST", "/graphql", gql("{ opportunities(first: 10) { edges { node { id name amount { amountMicros currencyCode } company { name accountOwner { name { firstName lastName } } } pointOfContact { name { firstName lastName } } } } } }"))),
]

for op, api, (p50, p90, size) in rows:
    print(f"| {op} | {api} | {p50:.2f} | {p90:.2f} | {size} |")
