#!/usr/bin/env python3
"""load.py -- many concurrent clients against one kcald, for a bounded time.

    load.py --socket PATH [--http HOST:PORT] [--clients 200] [--seconds 20]
            [--procs N] [--pid KCALD_PID]

Each protocol client keeps one connection and sends, one request at a time
and as fast as it is answered, a mix of reads (list of a month, get, status)
and writes (add, with a UID of its own).  With --http, a tenth of the
clients poll the public feed instead (GET /feeds/all.ics, with
If-None-Match once they have an ETag, so both 200 and 304 are exercised).

The clients are shared out over --procs processes (default: one per CPU,
at most 4), each with its own asyncio loop, so that the generator is not
what limits the rate: one Python process spends about as much CPU on a
request as kcald does.  Their figures are merged.  With --pid, kcald's CPU
time over the run is printed per request, beside the generator's own and
the machine's load average, and how long kcald's threads ran and how long
they were runnable but waited for a CPU: on a shared machine latency says
little, CPU per request is what compares.

At the end every acknowledged add is looked up again (get), and the run
fails (exit 1) if any request failed or any acknowledged write is missing.
Prints requests per second and latency percentiles, overall and per kind,
and whether status, get and list met their p99 target (printed only).
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import sys
import time

MIX = [("list", 45), ("get", 20), ("status", 10), ("add", 25)]
# The latency target the run is read against (printed, not enforced: the
# figure depends on the machine; failures and lost writes are enforced).
TARGET_P99_MS = 50
TARGET_KINDS = ("status", "get", "list")


class Stats:
    def __init__(self):
        self.lat = {}           # kind -> [seconds]
        self.failures = []      # (kind, detail)
        self.acked = []         # UIDs of acknowledged adds
        self.commits = None     # kcald's status "commits" at the end

    def record(self, kind, secs):
        self.lat.setdefault(kind, []).append(secs)

    def fail(self, kind, detail):
        if len(self.failures) < 20:
            self.failures.append((kind, str(detail)[:200]))
        else:
            self.failures.append(None)

    def merge(self, other):
        for kind, v in other.lat.items():
            self.lat.setdefault(kind, []).extend(v)
        self.failures += other.failures
        self.acked += other.acked


def pct(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def pick(rng):
    total = sum(w for _, w in MIX)
    x = rng.uniform(0, total)
    for kind, w in MIX:
        x -= w
        if x <= 0:
            return kind
    return MIX[-1][0]


async def call(reader, writer, req):
    writer.write(json.dumps(req).encode() + b"\n")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("the daemon closed the connection")
        msg = json.loads(line)
        if msg.get("id") == req["id"]:
            return msg


async def proto_client(n, args, stats, deadline):
    rng = random.Random(args.seed * 1000 + n)
    try:
        reader, writer = await asyncio.open_unix_connection(
            args.socket, limit=64 * 1024 * 1024)
        hello = json.loads(await reader.readline())
        if "hello" not in hello:
            stats.fail("connect", hello)
            return
    except (OSError, ValueError) as e:
        stats.fail("connect", e)
        return
    mine, seq, rid = [], 0, 0
    while time.monotonic() < deadline:
        kind = pick(rng)
        rid += 1
        if kind == "add":
            seq += 1
            uid = "load-%d-%d-%d@kcal" % (args.seed, n, seq)
            month = rng.randint(1, 12)
            req = {"id": rid, "cmd": "add", "uid": uid,
                   "summary": "Load %d/%d" % (n, seq),
                   "start": "2027-%02d-%02dT%02d:00" % (
                       month, rng.randint(1, 28), rng.randint(7, 20)),
                   "duration": 3600, "kind": "meeting",
                   "location": "Room %d" % rng.randint(1, 40)}
        elif kind == "list":
            month = rng.randint(1, 12)
            req = {"id": rid, "cmd": "list",
                   "from": "2027-%02d-01" % month,
                   "to": "2027-%02d-08" % month}
        elif kind == "get" and mine:
            req = {"id": rid, "cmd": "get", "uid": rng.choice(mine)}
        else:
            kind = "status"
            req = {"id": rid, "cmd": "status"}
        t0 = time.monotonic()
        try:
            r = await call(reader, writer, req)
        except (OSError, ValueError, ConnectionError) as e:
            stats.fail(kind, e)
            return
        stats.record(kind, time.monotonic() - t0)
        if not r.get("ok"):
            stats.fail(kind, r)
        elif kind == "add":
            mine.append(req["uid"])
            stats.acked.append(req["uid"])
    writer.close()


async def http_get(host, port, etag):
    reader, writer = await asyncio.open_connection(host, port)
    head = "GET /feeds/all.ics HTTP/1.1\r\nHost: %s\r\n" % host
    if etag:
        head += "If-None-Match: %s\r\n" % etag
    writer.write((head + "Connection: close\r\n\r\n").encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = data.split(b"\r\n", 1)[0].split(b" ")
    code = int(status[1]) if len(status) > 1 else 0
    new_etag = etag
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"etag":
            new_etag = v.strip().decode()
    return code, new_etag


async def feed_poller(n, args, stats, deadline):
    host, port = args.http.rsplit(":", 1)
    etag = None
    rng = random.Random(args.seed * 7 + n)
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            code, etag2 = await http_get(host, int(port),
                                         etag if rng.random() < 0.5 else None)
        except OSError as e:
            stats.fail("feed", e)
            await asyncio.sleep(0.1)
            continue
        stats.record("feed", time.monotonic() - t0)
        if code not in (200, 304):
            stats.fail("feed", "HTTP %d" % code)
        etag = etag2
        await asyncio.sleep(rng.uniform(0.05, 0.2))


async def verify(args, stats):
    """Every acknowledged add must be in the store."""
    reader, writer = await asyncio.open_unix_connection(
        args.socket, limit=64 * 1024 * 1024)
    await reader.readline()
    r = await call(reader, writer, {"id": 0, "cmd": "status"})
    stats.commits = r.get("result", {}).get("commits")
    missing = []
    for i, uid in enumerate(stats.acked):
        r = await call(reader, writer, {"id": i + 1, "cmd": "get",
                                        "uid": uid})
        if not r.get("ok"):
            missing.append(uid)
    writer.close()
    return missing


async def run_part(args, part, deadline):
    """This process's share of the clients: every procs-th one."""
    stats = Stats()
    npoll = args.clients // 10 if args.http else 0
    tasks = [proto_client(i, args, stats, deadline)
             for i in range(part, args.clients - npoll, args.procs)]
    tasks += [feed_poller(i, args, stats, deadline)
              for i in range(part, npoll, args.procs)]
    await asyncio.gather(*tasks)
    return stats


def part_main(args, part, deadline, out):
    stats = asyncio.run(run_part(args, part, deadline))
    out.put(stats)


def cpu_of(pid):
    """CPU seconds (user + system, all threads) of process pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sched_of(pid):
    """Seconds kcald's threads ran and waited, runnable, for a CPU
    (/proc/PID/task/*/schedstat; threads gone by the end are not
    counted), or None."""
    run = wait = 0
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for t in tasks:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                v = f.read().split()
        except OSError:
            continue
        run, wait = run + int(v[0]), wait + int(v[1])
    return (run / 1e9, wait / 1e9)


def gen_cpu():
    """CPU seconds of this process and its finished children."""
    t = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        t += r.ru_utime + r.ru_stime
    return t


def run(args):
    stats = Stats()
    npoll = args.clients // 10 if args.http else 0
    load0, cpu0, gen0 = os.getloadavg()[0], cpu_of(args.pid), gen_cpu()
    sched0 = sched_of(args.pid)
    t0 = time.monotonic()
    deadline = t0 + args.seconds
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=part_main, args=(args, p, deadline, out))
             for p in range(args.procs)]
    for p in procs:
        p.start()
    for _ in procs:
        stats.merge(out.get())
    for p in procs:
        p.join()
    elapsed = time.monotonic() - t0
    cpu1, sched1 = cpu_of(args.pid), sched_of(args.pid)
    cpu = {"kcald": cpu1 - cpu0 if None not in (cpu0, cpu1) else None,
           "generator": gen_cpu() - gen0,
           "load": (load0, os.getloadavg()[0]),
           "sched": (sched1[0] - sched0[0], sched1[1] - sched0[1])
           if None not in (sched0, sched1) else None}
    missing = asyncio.run(verify(args, stats))
    return stats, elapsed, missing, npoll, cpu


def report_cpu(args, cpu, total, elapsed):
    print("load average: %.2f at the start, %.2f at the end (%d CPUs)"
          % (cpu["load"][0], cpu["load"][1], os.cpu_count() or 0))
    print("generator CPU: %.1f s (%.0f%% of one CPU, %d processes), "
          "%.3f ms per request" % (cpu["generator"],
                                   100 * cpu["generator"] / elapsed,
                                   args.procs,
                                   1e3 * cpu["generator"] / max(total, 1)))
    if cpu["kcald"] is not None:
        print("kcald CPU: %.1f s (%.0f%% of one CPU), %.3f ms per request"
              % (cpu["kcald"], 100 * cpu["kcald"] / elapsed,
                 1e3 * cpu["kcald"] / max(total, 1)))
    if cpu["sched"] is not None:
        print("kcald threads: %.1f s on a CPU, %.1f s runnable but waiting "
              "for one" % cpu["sched"])


def report(args, stats, elapsed, missing, npoll, cpu):
    total = sum(len(v) for v in stats.lat.values())
    allv = [x for v in stats.lat.values() for x in v]
    print("load: %d clients (%d polling the feed) for %.1f s"
          % (args.clients, npoll, elapsed))
    print("%-8s %9s %9s %9s %9s %9s" % ("kind", "requests", "p50 ms",
                                        "p95 ms", "p99 ms", "max ms"))
    for kind in sorted(stats.lat):
        v = stats.lat[kind]
        print("%-8s %9d %9.1f %9.1f %9.1f %9.1f" % (
            kind, len(v), pct(v, 50) * 1e3, pct(v, 95) * 1e3,
            pct(v, 99) * 1e3, max(v) * 1e3))
    print("%-8s %9d %9.1f %9.1f %9.1f %9.1f" % (
        "all", total, pct(allv, 50) * 1e3, pct(allv, 95) * 1e3,
        pct(allv, 99) * 1e3, (max(allv) if allv else 0) * 1e3))
    print("throughput: %.0f requests/s" % (total / elapsed if elapsed else 0))
    report_cpu(args, cpu, total, elapsed)
    c = stats.commits
    if c:
        print("kcald commits so far: %s durable, %s groups holding %s writes"
              % (c.get("durable"), c.get("groups"), c.get("grouped_writes")))
    slow = ["%s %.1f ms" % (k, pct(stats.lat[k], 99) * 1e3)
            for k in TARGET_KINDS if k in stats.lat and
            pct(stats.lat[k], 99) * 1e3 >= TARGET_P99_MS]
    print("p99 target (< %d ms for %s): %s" % (
        TARGET_P99_MS, ", ".join(TARGET_KINDS),
        "missed (%s)" % ", ".join(slow) if slow else "met"))
    nfail = len(stats.failures)
    print("failed requests: %d" % nfail)
    for f in stats.failures[:10]:
        if f:
            print("  %s: %s" % f)
    print("acknowledged writes: %d, missing from the store: %d"
          % (len(stats.acked), len(missing)))
    for uid in missing[:10]:
        print("  missing " + uid)
    ok = nfail == 0 and not missing and total > 0
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"clients": args.clients, "seconds": elapsed,
                       "requests": total, "rps": total / elapsed,
                       "failed": nfail, "acked": len(stats.acked),
                       "missing": len(missing),
                       "kcald_cpu_s": cpu["kcald"],
                       "generator_cpu_s": cpu["generator"],
                       "loadavg": cpu["load"],
                       "kcald_sched_s": cpu["sched"],
                       "latency_ms": {k: {"p50": pct(v, 50) * 1e3,
                                          "p95": pct(v, 95) * 1e3,
                                          "p99": pct(v, 99) * 1e3}
                                      for k, v in stats.lat.items()}},
                      f, indent=2)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--http", help="HOST:PORT of the feeds")
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--procs", type=int,
                    default=min(4, os.cpu_count() or 1),
                    help="processes the clients are shared out over")
    ap.add_argument("--pid", type=int, default=0,
                    help="kcald's: print its CPU time per request")
    args = ap.parse_args()
    args.procs = max(1, min(args.procs, args.clients))
    stats, elapsed, missing, npoll, cpu = run(args)
    sys.exit(0 if report(args, stats, elapsed, missing, npoll, cpu) else 1)


if __name__ == "__main__":
    main()
