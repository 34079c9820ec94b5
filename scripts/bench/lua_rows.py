"""The table write.lua reads: one row per record the write run saves, with its id, its path, its
version as it is now, and the JSON body without its closing brace (write.lua adds the version)."""
import json


def body_head(body):
    """The JSON of `body` without its closing brace: the version follows."""
    return json.dumps(body, ensure_ascii=False)[:-1]


def write_rows(target, rows):
    """`rows`: (id, path, version, head) tuples."""
    with open(target, "w", encoding="utf-8") as f:
        f.write("return {\n")
        for rid, path, version, head in rows:
            f.write(f"  {{ id = {rid}, path = \"{path}\", version = {version}, head = [==[{head}]==] }},\n")
        f.write("}\n")
