"""Reads wrk's output (with --latency) on stdin; prints one TSV row:
backend, request, connections, requests/s, p50 ms, p99 ms, errors (non-2xx/3xx answers and socket errors)."""
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


backend, request, connections = sys.argv[1:4]
out = sys.stdin.read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
if sock:
    errors += sum(int(n) for n in sock.groups())
if not rps:
    sys.stderr.write(f"bench: wrk gave no result for {request}:\n{out}\n")
print("\t".join([
    backend, request, connections,
    f"{float(rps.group(1)):.1f}" if rps else "nan",
    f"{ms(p50.group(1)):.2f}" if p50 else "nan",
    f"{ms(p99.group(1)):.2f}" if p99 else "nan",
    str(errors),
]))
