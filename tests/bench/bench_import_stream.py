"""bench_import_stream.py -- make bench's responsiveness during an import.

A 100,000-event file imported with kcal import (sent in pieces, written by
kcald a slice of its loop at a time), while one client asks for status
every 10 ms on its own connection: the status p99 and worst case during
the import, and the peak RSS of kcal (the client) and of kcald, which the
streamed import keeps from growing with the file the way the one-request
form did (client and daemon each held the file several times over).
bench.py calls run(); the helpers it passes are its own, and kcal is the
command that runs kcal (under maxrss, which prints its peak RSS).
"""

import json
import os
import shutil
import socket
import subprocess
import threading
import time

SEC = "7. responsiveness"
STATUS_EVERY = 0.01     # seconds between two status requests


def poll_status(path, stop, lat):
    """status over one connection until stop is set; latencies in ms."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    f = s.makefile("rwb")
    f.readline()                        # the greeting
    i = 0
    while not stop.is_set():
        i += 1
        t = time.monotonic()
        f.write(b'{"id":%d,"cmd":"status"}\n' % i)
        f.flush()
        json.loads(f.readline())
        lat.append((time.monotonic() - t) * 1000)
        time.sleep(STATUS_EVERY)
    s.close()


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else None


def run(res, n, sb, daemon_cls, dataset, kcal, log):
    ics = dataset(n)
    store = os.path.join(sb.dir, "store-stream-%d" % n)
    d = daemon_cls(sb, store).start()
    idle, stop = [], threading.Event()
    poller = threading.Thread(target=poll_status, args=(d.sock, stop, idle))
    poller.start()
    time.sleep(2)       # the same requests with nothing else to do
    stop.set()
    poller.join()
    lat, stop = [], threading.Event()
    poller = threading.Thread(target=poll_status, args=(d.sock, stop, lat))
    log("  import %d events while status is asked every %d ms"
        % (n, STATUS_EVERY * 1000))
    poller.start()
    t0 = time.monotonic()
    p = subprocess.run(kcal + ["import", ics], env=sb.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    secs = time.monotonic() - t0
    stop.set()
    poller.join()
    hwm = d.mem()["VmHWM"]
    d.stop()
    shutil.rmtree(store, ignore_errors=True)
    if p.returncode != 0:
        raise RuntimeError("kcal import failed: %s" % p.stderr.decode())
    client_kb = int(p.stderr.decode().strip().splitlines()[-1].split()[1])
    size_mb = os.path.getsize(ics) / 1048576
    res.add(SEC, "(b) status p99 while a %dk import runs" % (n // 1000), n,
            [pct(lat, 0.99)], "ms", None, "time", "< 20 ms",
            pct(lat, 0.99) < 20,
            extra={"p50_ms": pct(lat, 0.5), "max_ms": max(lat),
                   "requests": len(lat), "import_s": secs})
    res.add(SEC, "    status p99 idle, same run (floor)", n,
            [pct(idle, 0.99)], "ms")
    res.add(SEC, "    status p50 during it", n,
            [pct(lat, 0.5)], "ms", extra={"max_ms": max(lat)})
    res.add(SEC, "    worst status during it", n, [max(lat)], "ms")
    res.add(SEC, "    kcal import (client) peak RSS", n,
            [client_kb / 1024], "MB",
            extra={"file_mb": size_mb})
    res.add(SEC, "    kcald peak RSS in the import (file %.0f MB)" % size_mb,
            n, [hwm / 1024], "MB")
