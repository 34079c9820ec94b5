"""Finds sheets the score-saving run saves: an evaluator of the synthetic round in 채점 with many
seats, whose submitted sheets OPC reopens (as it may in 채점, with a reason) so that they can be saved
again as drafts; a sheet already reopened by an earlier run is saved once here to learn its id. The
sheets' ids, paths and versions as they are now go to a Lua table for write.lua. Prints the
evaluator's token, which the run sends.

    prepare_sheets.py BASE OPC_TOKEN ROUND TARGET BIN

BIN is the hanteam binary (with DATABASE_URL set): `user list` finds evaluators, `user token` makes
the token."""
import json
import subprocess
import sys
import urllib.error
import urllib.request

from lua_rows import body_head, write_rows

base, opc, round_id, target, binary = sys.argv[1:6]
WANTED = 40


def call(method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def run(*args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


# Synthetic evaluators have the one role 평가위원; the first with 30 seats in the round is taken (or the
# one with the most among the first 50).
logins = [line.split()[0] for line in run("user", "list").splitlines()
          if line.startswith("synth.") and line.split()[2:3] == ["평가위원"]]
evaluator, tasks = None, []
for login in logins[:50]:
    token = run("user", "token", login, "--name", "부하 측정", "--right", "read").strip()
    mine = call("GET", f"/api/v1/evaluation-rounds/{round_id}/my-tasks?limit=100", token)["tasks"]
    if len(mine) > len(tasks):
        evaluator, tasks = token, mine[:WANTED]
    if len(tasks) >= 30:
        break
if not evaluator:
    sys.exit(f"bench: no synthetic evaluator with seats in round {round_id}")
me = call("GET", "/api/v1/me", evaluator)["user_id"]
rows = []
scores = None
for t in tasks:
    path = f"/api/v1/evaluation-rounds/{round_id}/tasks/{t['id']}/score"
    sheet = call("GET", path, evaluator)
    if scores is None:
        scores = [{"code": c["code"], "score": 3, "comment": None} for c in sheet["rubric"]["criteria"]]
    try:
        if sheet["status"] == "submitted":
            w = call("POST", f"{path}/reopen", opc, {"evaluator_id": str(me), "reason": "부하 측정: 채점표 임시 저장"})
        else:
            w = call("PUT", path, evaluator, {"scores": scores, "comment": None, "version": sheet["version"]})
    except urllib.error.HTTPError as e:
        sys.exit(f"bench: preparing {path}: {e.code} {e.read().decode()}")
    rows.append((w["id"], path, w["version"]))
head = body_head({"scores": scores, "comment": "부하 측정 중 임시 저장"})
write_rows(target, [(sid, path, version, head) for sid, path, version in rows])
print(evaluator)
