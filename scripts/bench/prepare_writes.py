"""Fetches tasks to edit in the write run (id, fields, version) and writes them as a Lua table for
write.lua: each edit sends the task's own fields with a new description and the version last seen."""
import json
import sys
import urllib.request

from lua_rows import body_head, write_rows

base, token, target = sys.argv[1:4]
tasks = []
for offset in range(0, 4000, 500):
    req = urllib.request.Request(f"{base}/api/v1/tasks?limit=500&offset={offset}",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        page = json.load(r)
    tasks.extend(page["items"])
    if len(page["items"]) < 500:
        break
rows = []
for t in tasks:
    # A PUT names every field: the task's own, with a new description.
    body = {"title": t["title"], "type": t.get("type"), "source": t["source"], "status": t["status"],
            "pair_id": t.get("pair_id"),
            "lead_agency_id": None, "description": "부하 측정 중에 고친 설명"}
    # A build from before the list carried versions: synthetic tasks start at version 1.
    rows.append((t["id"], f"/api/v1/tasks/{t['id']}", t.get("version", 1), body_head(body)))
write_rows(target, rows)
