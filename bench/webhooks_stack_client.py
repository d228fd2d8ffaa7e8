"""The client of bench/webhooks_stack.sh: signed status callbacks (one per POST, for
unknown message ids) over kept-alive HTTPS connections to nginx, as Meta sends them,
reconnecting when nginx closes a connection (after keepalive_requests); then the
callbacks a second and each process group's CPU per callback, read from /proc.

    python -m bench.webhooks_stack_client PORT CA_FILE N CLIENTS name=pid[,pid] ...
"""

import json
import os
import resource
import socket
import ssl
import sys
import threading
import time
import uuid
from pathlib import Path

from lindung.messaging import fake_provider as fp

port, ca, n, clients = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pids = {name: [int(p) for p in v.split(",") if p] for name, v in (a.split("=") for a in sys.argv[5:])}


def body(i):
    item = {
        "id": f"wamid.ngx.{uuid.uuid4().hex}",
        "status": "delivered",
        "timestamp": str(int(time.time())),
        "recipient_id": "6281200000001",
    }
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "bench"}, "statuses": [item]}
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


def request(b):
    return (
        f"POST /messaging/webhooks/whatsapp/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(b)}\r\nX-Hub-Signature-256: {fp.sign(b, 'bench-app-secret')}\r\n\r\n"
    ).encode() + b


reqs = [request(body(i)) for i in range(n)]
ctx = ssl.create_default_context(cafile=ca)


def run(chunk, out):
    raw = socket.create_connection(("127.0.0.1", port))
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    buf = b""
    for r in chunk:
        s.sendall(r)
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise RuntimeError("server closed the connection mid-request")
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, v = line.split(b":", 1)
            if k.strip().lower() == b"content-length":
                length = int(v)
        while len(buf) < length:
            buf += s.recv(65536)
        buf = buf[length:]
        if b"connection: close" in head.lower():
            s.close()
            s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
            buf = b""
        out.append(int(head.split(b" ", 2)[1]))
    s.close()


def ticks(ps):
    t = 0
    for p in ps:
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            t += sum(int(x) for x in f[11:15])
        except FileNotFoundError:
            pass
    return t


def children(pid):
    out = [pid]
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out += children(int(p))
            except (OSError, ValueError, IndexError):
                pass
    return out


def pg():
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if Path(f"/proc/{p}/comm").read_text().startswith("postgres"):
                    out.append(int(p))
            except (OSError, ValueError, IndexError):
                pass
    return out


warm = max(clients, n // 20)
outs = [[] for _ in range(clients)]
ths = [threading.Thread(target=run, args=(reqs[:warm][k::clients], outs[k])) for k in range(clients)]
[t.start() for t in ths]
[t.join() for t in ths]
groups = {name: [c for p in ps for c in children(p)] for name, ps in pids.items()}
groups["postgres"] = pg()
before = {k: ticks(v) for k, v in groups.items()}
r0 = resource.getrusage(resource.RUSAGE_SELF)
stat0 = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
outs = [[] for _ in range(clients)]
timed = reqs[warm:]
ths = [threading.Thread(target=run, args=(timed[k::clients], outs[k])) for k in range(clients)]
t0 = time.perf_counter()
[t.start() for t in ths]
[t.join() for t in ths]
el = time.perf_counter() - t0
after = {k: ticks(v) for k, v in groups.items()}
r1 = resource.getrusage(resource.RUSAGE_SELF)
stat1 = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
codes = {}
for o in outs:
    for c in o:
        codes[c] = codes.get(c, 0) + 1
m = len(timed)
hz = os.sysconf("SC_CLK_TCK")
tot = sum(map(int, stat1)) - sum(map(int, stat0))
idle = (int(stat1[3]) + int(stat1[4])) - (int(stat0[3]) + int(stat0[4]))
print(f"{m / el:.0f} callbacks/s over {m} in {el:.1f}s, codes {codes}, machine busy {(tot - idle) / tot * 100:.0f}%")
print(
    "CPU ms per callback: "
    + ", ".join(f"{k} {(after[k] - before[k]) / hz / m * 1000:.3f}" for k in groups)
    + f", client {((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)) / m * 1000:.3f}"
)
