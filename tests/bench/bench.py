#!/usr/bin/env python3
"""bench.py -- `make bench`: kcald measured against the libraries under it.

For each N in BENCH_N (default "1000 10000 100000") it generates the same
deterministic calendar (gen-events.py), measures the floors on it (floor.c:
libical parse and serialise, SQLite inserts and window queries), then starts
a private kcald (temporary socket, data dir, HTTP port, HOME and XDG
directories: never the user's) and measures import, single adds, list
windows, memory; then feeds and reminders.  It prints a table and writes
$BENCH_OUT/results.json (default build/bench/results.json).

Every timed figure is taken BENCH_REPEAT times (default 3) and the median
is reported with its spread, (max - min) / median; a spread above 25% or a
load average above 0.5 per core at the start marks the figure "noisy".

Then CalDAV (davbench.py): kcald's /dav/ beside Radicale on the same data.

Environment: BUILD (default build), BENCH_N, BENCH_REPEAT, BENCH_ADDS
(single adds per run, default 1000), BENCH_SECS (seconds per HTTP load run,
default 3), BENCH_OUT, BENCH_KEEP=1 (keep the temporary directory),
BENCH_ONLY=caldav (only the CalDAV section), BENCH_ONLY=write (only the
write path at the largest N: single adds, concurrent adds and status while
50 clients add; with BENCH_STORE=dir the filled store is copied to dir, or
from it when dir exists, so that runs after the first skip the import),
BENCH_ONLY=list (only the list windows at the largest N; BENCH_STORE=dir
is then read in place, and filled first when it does not exist),
BENCH_ONLY=remind (only the reminders at the largest N; BENCH_REARM=0
leaves out its re-arming adds).
"""

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo

import davbench

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BENCH = os.path.join(TOP, "tests", "bench")
BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(TOP, BUILD)
KCALD = os.path.join(BUILD, "kcald")
KCAL = os.path.join(BUILD, "kcal")
FLOOR = os.path.join(BUILD, "bench", "floor")
KBENCH = os.path.join(BUILD, "bench", "kbench")
MAXRSS = os.path.join(BUILD, "bench", "maxrss")
OUT = os.environ.get("BENCH_OUT", os.path.join(BUILD, "bench"))
SIZES = [int(x) for x in os.environ.get(
    "BENCH_N", "1000 10000 100000").replace(",", " ").split()]
REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
ADDS = int(os.environ.get("BENCH_ADDS", "1000"))
SECS = float(os.environ.get("BENCH_SECS", "3"))
HOME_TZ = "Asia/Seoul"
# The list windows: a week and a month in the middle of the data.
WEEK = ("2027-03-01", "2027-03-08")
MONTH = ("2027-03-01", "2027-04-01")
NOISY = 0.25
# What a section's "floor" column holds when it is not a library alone.
FLOOR_HEAD = {davbench.SEC: "radicale"}
ONLY = os.environ.get("BENCH_ONLY", "")
CONF = """# written by tests/bench/bench.py
log_level = %s
max_line = 1073741824
max_import_size = 1073741824
max_import_events = 10000000
max_output = 1073741824
max_occurrences = 1000000
"""


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def epoch(day):
    return int(dt.datetime.strptime(day, "%Y-%m-%d").replace(
        tzinfo=zoneinfo.ZoneInfo(HOME_TZ)).timestamp())


def median(v):
    return statistics.median(v) if v else None


def spread(v):
    m = median(v)
    return (max(v) - min(v)) / m if v and m else 0.0


# The bench tools are not the product: under a sanitizer build their
# deliberate end-of-run leaks must not count (kcald's and kcal's still do).
TOOL_ENV = dict(os.environ, ASAN_OPTIONS=os.environ.get(
    "ASAN_OPTIONS", "") + ":detect_leaks=0")


def run(cmd, **kw):
    if cmd[0] in (FLOOR, KBENCH) and "env" not in kw:
        kw["env"] = TOOL_ENV
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            " ".join(map(str, cmd)), r.returncode,
            (r.stderr or r.stdout)[-2000:]))
    return r


def run_json(cmd, **kw):
    return json.loads(run(cmd, **kw).stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- data

def gen_hash():
    with open(os.path.join(BENCH, "gen-events.py"), "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:8]


def dataset(n, fmt="ics", *extra, cache=True):
    """A generated file (cached under OUT/data when it is deterministic)."""
    d = os.path.join(OUT, "data")
    os.makedirs(d, exist_ok=True)
    tag = "-".join([str(n)] + [a.strip("-").replace("=", "") for a in extra])
    path = os.path.join(d, "events-%s-%s.%s" % (tag, gen_hash(), fmt))
    if cache and os.path.exists(path):
        return path
    log("  generating %s" % os.path.basename(path))
    run([sys.executable, os.path.join(BENCH, "gen-events.py"), str(n),
         "--format", fmt, "-o", path + ".tmp"] + list(extra))
    os.replace(path + ".tmp", path)
    return path


# -------------------------------------------------------------- daemon

class Sandbox:
    """A temporary HOME, XDG dirs and socket: nothing of the user's."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kcal-bench.")
        self.env = dict(os.environ)
        for k, sub in (("HOME", "home"), ("XDG_RUNTIME_DIR", "run"),
                       ("XDG_DATA_HOME", "data"),
                       ("XDG_CONFIG_HOME", "config"),
                       ("XDG_CACHE_HOME", "cache")):
            p = os.path.join(self.dir, sub)
            os.makedirs(p, mode=0o700, exist_ok=True)
            self.env[k] = p
        self.sock = os.path.join(self.dir, "run", "kcald.sock")
        self.env.update(KCAL_SOCKET=self.sock, TZ=HOME_TZ, NO_COLOR="1",
                        LC_ALL="C.UTF-8")
        self.env.pop("KCAL_HOME_TZ", None)
        # Shipped defaults, except the limits that would refuse the test
        # itself: a 100,000-event import is one ~200 MB request, and a
        # month of 100,000 events has more occurrences than a reply may
        # carry by default.
        self.set_log_level("info")

    def set_log_level(self, level):
        conf = os.path.join(self.env["XDG_CONFIG_HOME"], "kcal")
        os.makedirs(conf, exist_ok=True)
        with open(os.path.join(conf, "kcald.conf"), "w") as f:
            f.write(CONF % level)

    def kcal(self, *args, **kw):
        return run([KCAL] + list(args), env=self.env, **kw)

    def close(self):
        if os.environ.get("BENCH_KEEP") == "1":
            log("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Daemon:
    running = []	# every kcald started, so an error never leaves one

    @classmethod
    def kill_all(cls):
        for d in list(cls.running):
            if d.proc is not None and d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()
            d.proc = None
        cls.running.clear()

    def __init__(self, sb, store, http=False, sock=None):
        self.sb, self.store = sb, store
        self.sock = sock or sb.sock
        self.port = free_port() if http else None
        self.proc = None
        self.logpath = os.path.join(sb.dir, "kcald-%d.log" % time.time_ns())

    def start(self):
        cmd = [KCALD, "--socket", self.sock, "--data-dir", self.store,
               "--home-tz", HOME_TZ]
        if self.port:
            cmd += ["--http", "127.0.0.1:%d" % self.port]
        self.log = open(self.logpath, "ab")
        self.proc = subprocess.Popen(cmd, env=self.sb.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        Daemon.running.append(self)
        for _ in range(300):
            if self.proc.poll() is not None:
                break
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock)
                s.recv(4096)
                s.close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("kcald did not start: " + self.tail())

    def log_level(self, level):
        """Switch the log level (the config file, then SIGHUP)."""
        self.sb.set_log_level(level)
        n = self.tail(None).count("configuration reloaded")
        self.proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if self.tail(None).count("configuration reloaded") > n:
                return
            time.sleep(0.05)
        raise RuntimeError("kcald did not reload its configuration")

    def tail(self, n=3000):
        with open(self.logpath, errors="replace") as f:
            s = f.read()
        return s if n is None else s[-n:]

    def cpu(self):
        """CPU seconds used so far (user + system)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, limit=600):
        """Wait until kcald stops using CPU (the reminder walk after an
        import runs on after the reply); the seconds it took."""
        t0 = time.monotonic()
        last, quiet = self.cpu(), 0
        while quiet < 2 and time.monotonic() - t0 < limit:
            time.sleep(0.5)
            c = self.cpu()
            quiet = quiet + 1 if c - last < 0.02 else 0
            last = c
        return max(0.0, time.monotonic() - t0 - 1.0)

    def mem(self):
        """VmRSS and VmHWM in kB."""
        out = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    out[k] = int(v.split()[0])
        return out

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.log.close()
        if self in Daemon.running:
            Daemon.running.remove(self)
        if rc != 0:
            raise RuntimeError("kcald exited with %d: %s" % (rc, self.tail()))


def supports(sb, sub):
    """Does this kcal have subcommand sub?"""
    r = subprocess.run([KCAL, sub, "--help"], env=sb.env,
                       capture_output=True, text=True)
    return r.returncode == 0 and "unknown command" not in r.stderr


# ------------------------------------------------------------ results

class Results:
    def __init__(self):
        self.rows = []
        self.notes = []

    def add(self, section, name, n, runs, unit, floor=None, kind="time",
            target=None, passed=None, floor_name=None, extra=None):
        """runs: the measured values; kind 'time' (lower is better) or
        'rate' (higher is better); the ratio is always kcald's cost over
        the floor's, so 1.00x means as fast as the library alone."""
        runs = [r for r in runs if r is not None]
        value = median(runs)
        ratio = None
        if floor and value:
            ratio = value / floor if kind == "time" else floor / value
        self.rows.append({
            "section": section, "metric": name, "n": n, "unit": unit,
            "value": value, "runs": runs, "spread": round(spread(runs), 3),
            "noisy": spread(runs) > NOISY, "floor": floor,
            "floor_name": floor_name, "ratio": ratio, "target": target,
            "met": passed, "extra": extra or {}})
        return value


def fmt_num(v, unit):
    if v is None:
        return "-"
    if unit in ("ms", "s") or (isinstance(v, float) and v < 100):
        return "%.2f" % v if v < 10 else "%.1f" % v
    return "{:,.0f}".format(v)


def table_lines(res, meta):
    """The table as text lines (also what README.md's section shows)."""
    L = ["kcal benchmark: %s, %d cores, load %s at start, commit %s, "
         "median of %d runs" % (meta["when"], meta["cores"],
                                meta["loadavg_start"], meta["commit"],
                                meta["repeat"])]
    fmt = "%-46s %8s %11s %11s %7s  %-18s %s"
    for sec in sorted(set(r["section"] for r in res.rows)):
        L += ["", sec, fmt % ("metric", "N", "kcald",
                              FLOOR_HEAD.get(sec, "floor"), "ratio",
                              "target", "")]
        for r in (r for r in res.rows if r["section"] == sec):
            verdict = "" if r["met"] is None else \
                ("ok" if r["met"] else "MISSED")
            if r["noisy"]:
                verdict += " noisy(%.0f%%)" % (100 * r["spread"])
            L.append((fmt % (
                "%s, %s" % (r["metric"], r["unit"]),
                "{:,}".format(r["n"]) if r["n"] else "",
                fmt_num(r["value"], r["unit"]),
                fmt_num(r["floor"], r["unit"]),
                "%.2fx" % r["ratio"] if r["ratio"] else "",
                r["target"] or "", verdict)).rstrip())
    if res.notes:
        L.append("")
    L += ["note: " + n for n in res.notes]
    return L


def print_table(res, meta):
    print()
    print("\n".join(table_lines(res, meta)))
    print()


# ------------------------------------------------------------ measures

def floors(n, ics, sb):
    """floor.c on the same file: parse, serialise, inserts, queries."""
    d = os.path.join(sb.dir, "floor-%d" % n)
    os.makedirs(d, exist_ok=True)
    win = [str(epoch(x)) for x in WEEK + MONTH]
    log("  floor: libical and SQLite alone")
    f = run_json([FLOOR, ics, d, str(REPEAT), "0", "100"] + win)
    shutil.rmtree(d, ignore_errors=True)
    return f


def kcal_maxrss(sb, *args):
    """Run kcal; its peak RSS in kB, measured by maxrss (maxrss.c says why
    not wait4 here)."""
    p = subprocess.run([MAXRSS, KCAL] + list(args), env=sb.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.decode()
    if p.returncode != 0:
        raise RuntimeError("kcal %s failed: %s" % (" ".join(args), err))
    return int(err.strip().splitlines()[-1].split()[1])


def import_file(sb, d, ics, jsonl, client_kb=None):
    """Import (or, without kcal import, load through add); seconds.  The
    client's peak RSS (kB) is appended to client_kb if given."""
    t0 = time.monotonic()
    if jsonl is None:
        kb = kcal_maxrss(sb, "import", ics)
        if client_kb is not None:
            client_kb.append(kb)
    else:
        run([KBENCH, "load", sb.sock, jsonl])
    return time.monotonic() - t0


def bench_import(res, n, ics, fl, sb, have_import):
    jsonl = None if have_import else dataset(n, "jsonl")
    how = "kcal import" if have_import else \
        "pipelined add (kcal import not available yet)"
    secs, hwm, idle0, busy, client = [], [], [], [], []
    for rep in range(REPEAT):
        store = os.path.join(sb.dir, "store-%d-%d" % (n, rep))
        d = Daemon(sb, store).start()
        time.sleep(0.3)
        idle0.append(d.mem()["VmRSS"])
        log("  import %d events (%s), run %d" % (n, how, rep + 1))
        secs.append(import_file(sb, d, ics, jsonl, client))
        busy.append(d.settle())
        hwm.append(d.mem()["VmHWM"])
        if rep < REPEAT - 1:
            d.stop()
            shutil.rmtree(store, ignore_errors=True)
    sec = "1. import"
    floor_s = median(fl["parse_s"]) + median(fl["insert_s"])
    big = n >= 100000
    rate = res.add(sec, "import" if have_import else
                   "fill through pipelined add", n, [n / s for s in secs],
                   "events/s", n / floor_s if have_import else None, "rate",
                   "<=1.5x floor" if have_import else None,
                   floor_name="libical parse + one-transaction insert",
                   extra={"busy_after_reply_s": busy})
    r = res.rows[-1]
    if have_import and big:
        r["met"] = r["ratio"] <= 1.5
    res.add(sec, "  kcald busy after the reply (reminder walk)", n, busy,
            "s")
    res.add(sec, "  libical parse alone", n, fl["parse_s"], "s")
    res.add(sec, "  SQLite insert alone, one transaction", n,
            [n / s for s in fl["insert_s"]], "rows/s")
    size_kb = os.path.getsize(ics) // 1024
    limit = 2 * median(idle0) + size_kb
    res.add(sec, "kcald peak RSS in import (VmHWM)", n,
            [h / 1024 for h in hwm], "MB", None, "time",
            "<=2x idle + file (%.0f MB)" % (limit / 1024),
            median(hwm) <= limit if have_import and big else None,
            extra={"idle_before_kb": idle0, "file_kb": size_kb,
                   "floor_parse_maxrss_kb": fl["parse_maxrss_kb"]})
    res.add(sec, "  libical parse alone, peak RSS", n,
            [fl["parse_maxrss_kb"] / 1024], "MB")
    if client:
        res.add(sec, "kcal import (the client) peak RSS", n,
                [c / 1024 for c in client], "MB",
                extra={"file_kb": size_kb})
    return d, rate


def bench_list(res, n, d, fl, sb):
    """The first page of 200 of a one-week list (the issue's target), then
    the whole week and the whole month, each beside the same window read
    straight from SQLite."""
    sec = "3. list"
    for (name, w, reps, fw, limit) in (
            ("one-week first page of 200", WEEK, 200, fl["windows"][0], 200),
            ("one-week", WEEK, 200, fl["windows"][0], 0),
            ("one-month", MONTH, 50, fl["windows"][1], 0)):
        p50, p99, info = [], [], None
        for rep in range(REPEAT):
            info = run_json([KBENCH, "list", sb.sock, w[0], w[1],
                             str(reps)] + ([str(limit)] if limit else []))
            p50.append(info["p50_us"] / 1000)
            p99.append(info["p99_us"] / 1000)
        big = n >= 100000
        target = limit == 200
        res.add(sec, "list %s p50" % name, n, p50, "ms",
                fw["p50_us"] / 1000, "time",
                "<5 ms" if target else None,
                median(p50) < 5 if big and target else None,
                floor_name="the same window straight on SQLite",
                extra={"events": info["events"], "reply_bytes":
                       info["bytes"], "floor_rows": fw["rows"]})
        res.add(sec, "list %s p99" % name, n, p99, "ms",
                fw["p99_us"] / 1000)


def bench_add(res, n, d, fl, sb):
    """Single adds, each run beside the floor's durable inserts of the same
    events (so both see the same machine)."""
    sec = "2. single add (durable)"
    p50, p99, rate, f50, f99, frate = [], [], [], [], [], []
    for rep in range(REPEAT):
        ex = ("--uid-prefix", "add%d" % rep, "--seed", str(1000 + rep))
        ics = dataset(ADDS, "ics", *ex)
        fdir = os.path.join(sb.dir, "floor-add")
        os.makedirs(fdir, exist_ok=True)
        du = run_json([FLOOR, ics, fdir, "0", str(ADDS), "1"])["durable"]
        shutil.rmtree(fdir, ignore_errors=True)
        r = run_json([KBENCH, "add", sb.sock, dataset(ADDS, "jsonl", *ex),
                      str(ADDS)])
        if r["errors"]:
            raise RuntimeError("adds failed: %r" % r)
        p50.append(r["p50_us"] / 1000)
        p99.append(r["p99_us"] / 1000)
        rate.append(r["per_s"])
        f50.append(du["p50_us"] / 1000)
        f99.append(du["p99_us"] / 1000)
        frate.append(du["rows_per_s"])
    big = n >= 100000
    res.add(sec, "add p50", n, p50, "ms", median(f50), "time",
            "<=1.3x floor", median(p50) <= 1.3 * median(f50)
            if big else None,
            floor_name="one durable SQLite transaction (WAL, FULL)",
            extra={"floor_runs": f50})
    res.add(sec, "add p99", n, p99, "ms", median(f99), "time",
            "<5 ms", median(p99) < 5 if big else None,
            extra={"floor_runs": f99})
    res.add(sec, "adds/s, one client", n, rate, "adds/s", median(frate),
            "rate", extra={"floor_runs": frate})


def commits(sb):
    """kcald's commit counters (status "commits"), or None."""
    r = subprocess.run([KCAL, "status", "--format", "json"], env=sb.env,
                       capture_output=True, text=True)
    try:
        return json.loads(r.stdout).get("commits")
    except ValueError:
        return None


def flat_adds(src, dst):
    """The adds of src without "parent": concurrent clients send them in
    no set order, so an event may not name one another client adds."""
    with open(src) as f, open(dst, "w") as out:
        for line in f:
            r = json.loads(line)
            r.pop("parent", None)
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return dst


def bench_concurrent(res, n, sb):
    """Durable adds from 1, 10 and 50 clients at once (kbench adds), each
    beside SQLite's per-row durable floor measured in the same repeat, and
    the durable commits (fsyncs) kcald made for them: group commit
    (server-group.c) shares one among the adds that arrive together."""
    sec = "2b. concurrent durable adds"
    fdir = os.path.join(sb.dir, "floor-conc")
    for clients in (1, 10, 50):
        rate, frate, per_group, syncs = [], [], [], []
        for rep in range(REPEAT):
            tag = "c%d-%d" % (clients, rep)
            ex = ("--uid-prefix", tag, "--seed", str(2000 + rep))
            os.makedirs(fdir, exist_ok=True)
            du = run_json([FLOOR, dataset(ADDS, "ics", *ex), fdir, "0",
                           str(ADDS), "1"])["durable"]
            shutil.rmtree(fdir, ignore_errors=True)
            f = flat_adds(dataset(ADDS, "jsonl", *ex),
                          os.path.join(sb.dir, tag + ".jsonl"))
            c0 = commits(sb)
            r = run_json([KBENCH, "adds", sb.sock, f, str(ADDS),
                          str(clients)])
            c1 = commits(sb)
            if r["errors"]:
                raise RuntimeError("concurrent adds failed: %r" % r)
            rate.append(r["per_s"])
            frate.append(du["rows_per_s"])
            if c0 and c1 and c1["groups"] > c0["groups"]:
                g = c1["groups"] - c0["groups"]
                per_group.append((c1["grouped_writes"] -
                                  c0["grouped_writes"]) / g)
                syncs.append((c1["durable"] - c0["durable"]) / g)
        big = clients == 50
        res.add(sec, "adds/s, %d client%s" % (clients, "s" if clients > 1
                else ""), n, rate, "adds/s", median(frate), "rate",
                ">=5x floor" if big else None,
                median(rate) >= 5 * median(frate) if big else None,
                floor_name="one durable SQLite transaction per row "
                "(WAL, FULL)", extra={"floor_runs": frate,
                "x_floor": median(rate) / median(frate)})
        if per_group:
            res.add(sec, "adds per group, %d clients" % clients, n,
                    per_group, "adds")
            res.add(sec, "fsyncs per group, %d clients" % clients, n,
                    syncs, "calls", target="1",
                    passed=median(syncs) <= 1.0001)


def bench_responsive_adds(res, n, sb):
    """Responsiveness (c): `kcal status` p99 while 50 clients add at once
    (group commit, server-group.c: a status commits the open group and is
    answered after one fsync at most)."""
    sec = "7. responsiveness"
    p99s, rates = [], []
    for rep in range(REPEAT):
        tag = "r50-%d" % rep
        ex = ("--uid-prefix", tag, "--seed", str(3000 + rep))
        f = flat_adds(dataset(ADDS, "jsonl", *ex),
                      os.path.join(sb.dir, tag + ".jsonl"))
        got = {}
        th = threading.Thread(target=lambda: got.update(run_json(
            [KBENCH, "adds", sb.sock, f, str(ADDS), "50"])))
        th.start()
        lat = sorted(status_pings(sb.sock, th.is_alive))
        th.join()
        if got.get("errors"):
            raise RuntimeError("concurrent adds failed: %r" % got)
        rates.append(got.get("per_s"))
        p99s.append(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
                    if lat else None)
    ok = [p for p in p99s if p is not None]
    res.add(sec, "status p99 while 50 clients add", n, p99s, "ms", None,
            "time", "<20 ms", max(ok) < 20 if n >= 100000 and ok else None,
            extra={"adds_per_s": rates})


def bench_idle(res, n, d, sb, after_import_kb):
    sec = "6. memory"
    d.stop()
    d.start()
    sb.kcal("status")
    time.sleep(1)
    idle = d.mem()["VmRSS"]
    res.add(sec, "kcald RSS idle after a restart", n, [idle / 1024], "MB",
            None, "time", "<30 MB" if n >= 100000 else None,
            idle / 1024 < 30 if n >= 100000 else None)
    res.add(sec, "kcald RSS after import, lists, adds", n,
            [after_import_kb / 1024], "MB")


def http_json(d, *args):
    return run_json([KBENCH] + [str(a) for a in args])


def feed_ok(d):
    """Does this kcald serve /feeds/all.ics?"""
    try:
        r = subprocess.run([KBENCH, "get", "127.0.0.1", str(d.port),
                            "/feeds/all.ics"], capture_output=True,
                           text=True, env=TOOL_ENV, timeout=120)
        return r.returncode == 0
    except (subprocess.SubprocessError, OSError):
        return False


def feed_events(d):
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/feeds/all.ics" %
                                d.port, timeout=120) as r:
        return r.read().count(b"BEGIN:VEVENT")


def bench_feed(res, n, sb, have_import):
    """A feed of n public events: cold build after a change, then warm
    GETs and 304s from one and from fifty pollers."""
    sec = "4. feed"
    ics = dataset(n, "ics", "--all-public", "--uid-prefix", "feed")
    jsonl = None if have_import else dataset(n, "jsonl", "--all-public",
                                             "--uid-prefix", "feed")
    log("feed of %d events" % n)
    fdir = os.path.join(sb.dir, "floor-feed")
    os.makedirs(fdir, exist_ok=True)
    fl = run_json([FLOOR, ics, fdir, str(REPEAT), "0", "1"])
    shutil.rmtree(fdir, ignore_errors=True)
    store = os.path.join(sb.dir, "store-feed-%d" % n)
    d = Daemon(sb, store, http=True).start()
    try:
        if not feed_ok(d):
            res.notes.append("kcald does not serve /feeds/all.ics: feeds "
                             "not measured")
            return
        import_file(sb, d, ics, jsonl)
        d.settle()
        events = feed_events(d)
        cold, crowd, builds = [], [], []
        change = dataset(2 * REPEAT + 1, "jsonl", "--all-public",
                         "--uid-prefix", "feedchange")
        with open(change) as f:
            changes = f.readlines()
        for rep in range(REPEAT):
            # A change, then one poller: the rebuild it pays for.
            one = os.path.join(sb.dir, "change.jsonl")
            with open(one, "w") as f:
                f.write(changes[2 * rep])
            run([KBENCH, "add", sb.sock, one, "1"])
            cold.append(http_json(d, "get", "127.0.0.1", d.port,
                                  "/feeds/all.ics")["secs"])
            # A change, then fifty pollers at once: one rebuild or fifty?
            # (kcald logs each build at debug level.)
            with open(one, "w") as f:
                f.write(changes[2 * rep + 1])
            d.log_level("debug")
            before = d.tail(None).count("feed all built")
            run([KBENCH, "add", sb.sock, one, "1"])
            crowd.append(http_json(d, "http", "127.0.0.1", d.port,
                                   "/feeds/all.ics", 50, 0)["max_us"] / 1e6)
            builds.append(d.tail(None).count("feed all built") - before)
            d.log_level("info")
        ser = median(fl["serialise_s"])
        res.add(sec, "feed cold build + GET after a change", n,
                [c * 1000 for c in cold], "ms", ser * 1000, "time",
                floor_name="libical serialise of the same events",
                extra={"events_in_feed": events})
        res.add(sec, "50 pollers right after a change: last answer", n,
                [c * 1000 for c in crowd], "ms")
        res.add(sec, "  feed builds for those 50 pollers", n, builds,
                "builds", None, "time", "1 per change",
                max(builds) == 1 if n >= 10000 else None)
        r = subprocess.run([KBENCH, "get", "127.0.0.1", str(d.port),
                            "/feeds/all.ics"], capture_output=True,
                           text=True, env=TOOL_ENV)
        etag = json.loads(r.stdout)["etag"]
        runs = (("warm GETs/s (200), identity", None, 1, False),
                ("warm GETs/s (200), gzip", None, 1, True),
                ("warm GETs/s (200), gzip", None, 50, True),
                ("304s/s (If-None-Match)", etag, 1, False),
                ("304s/s (If-None-Match)", etag, 50, False))
        for what, tag, conc, gz in runs:
            rates, codes = [], None
            env = dict(TOOL_ENV, KBENCH_GZIP="1") if gz else TOOL_ENV
            for rep in range(REPEAT):
                d.settle()	# the last run's answers are all sent
                args = ["http", "127.0.0.1", d.port, "/feeds/all.ics",
                        conc, SECS] + ([tag] if tag else [])
                h = run_json([KBENCH] + [str(a) for a in args],
                             env=env)
                rates.append(h["per_s"])
                codes = h
            want = "3xx" if tag else "2xx"
            if codes[want] != codes["requests"]:
                res.notes.append("feed %s from %d: not all answers were "
                                 "%s: %r" % (what, conc, want, codes))
            is304 = tag is not None
            res.add(sec, "%s, %d poller%s" % (what, conc,
                                              "s" if conc > 1 else ""),
                    n, rates, "req/s", None, "rate",
                    ">=20,000/s" if is304 else None,
                    max(rates) >= 20000 if is304 and conc == 50 and
                    n >= 10000 else None,
                    extra={"p50_us": codes["p50_us"],
                           "p99_us": codes["p99_us"],
                           "body_bytes_per_answer":
                           codes["body_bytes"] // max(1,
                                                      codes["requests"])})
    finally:
        d.stop()
        shutil.rmtree(store, ignore_errors=True)


def status_pings(sock, busy):
    """`status` over one protocol connection, again and again while busy()
    (a thread's is_alive): each reply's latency in seconds."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    s.connect(sock)
    f = s.makefile("rwb")
    f.readline()                        # the greeting
    lat, i = [], 0
    while busy():
        i += 1
        t0 = time.monotonic()
        f.write(b'{"id":%d,"cmd":"status"}\n' % i)
        f.flush()
        while json.loads(f.readline()).get("id") != i:
            pass
        lat.append(time.monotonic() - t0)
        time.sleep(0.002)               # a client's pace, not a flood
    s.close()
    return lat


def bench_responsive(res, n, sb, have_import):
    """Responsiveness: `kcal status` p99 while an n-event feed is rebuilt
    after an edit (the feed is built off kcald's loop, worker.c), printed
    beside that build's time."""
    sec = "7. responsiveness"
    ics = dataset(n, "ics", "--all-public", "--uid-prefix", "feed")
    jsonl = None if have_import else dataset(n, "jsonl", "--all-public",
                                             "--uid-prefix", "feed")
    log("responsiveness at %d events" % n)
    store = os.path.join(sb.dir, "store-resp-%d" % n)
    d = Daemon(sb, store, http=True).start()
    try:
        if not feed_ok(d):
            res.notes.append("no feeds: responsiveness not measured")
            return
        import_file(sb, d, ics, jsonl)
        d.settle()
        feed_events(d)                  # the first build: a cold cache
        change = dataset(REPEAT, "jsonl", "--all-public", "--uid-prefix",
                         "respchange")
        with open(change) as f:
            changes = f.readlines()
        p99s, builds = [], []
        for rep in range(REPEAT):
            one = os.path.join(sb.dir, "change.jsonl")
            with open(one, "w") as f:
                f.write(changes[rep])
            run([KBENCH, "add", sb.sock, one, "1"])
            got = {}
            th = threading.Thread(target=lambda: got.update(http_json(
                d, "get", "127.0.0.1", d.port, "/feeds/all.ics")))
            th.start()
            lat = sorted(status_pings(sb.sock, th.is_alive))
            th.join()
            builds.append(got["secs"] * 1000)
            p99s.append(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
                        if lat else None)
            d.settle()
        res.add(sec, "status p99 while a feed is rebuilt", n, p99s, "ms",
                None, "time", "<20 ms",
                max(p for p in p99s if p is not None) < 20
                if n >= 100000 and any(p is not None for p in p99s)
                else None,
                extra={"feed_build_ms": builds})
        res.add(sec, "  that feed's rebuild + GET", n, builds, "ms")
    finally:
        d.stop()
        shutil.rmtree(store, ignore_errors=True)


def stamped_watch(sb, path):
    """kcal watch, each line it prints stamped on arrival by kbench."""
    w = subprocess.Popen([KCAL, "watch"], env=sb.env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = open(path, "w")
    s = subprocess.Popen([KBENCH, "stamp"], stdin=w.stdout, stdout=out,
                         stderr=subprocess.DEVNULL, env=TOOL_ENV)
    w.stdout.close()
    return w, s, out


def bench_reminders(res, n, sb, have_import):
    """With n events, each with a reminder pending, 1,000 reminders due in
    the same second: the delay until `kcal watch` prints each."""
    sec = "5. reminders"
    start = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    ics = dataset(n, "ics", "--start", start, "--remind-ratio", "1",
                  "--uid-prefix", "pend")
    jsonl = None if have_import else dataset(
        n, "jsonl", "--start", start, "--remind-ratio", "1",
        "--uid-prefix", "pend")
    log("reminders: %d pending" % n)
    store = os.path.join(sb.dir, "store-remind")
    d = Daemon(sb, store).start()
    try:
        t = import_file(sb, d, ics, jsonl) + d.settle()
        # Time to load the burst before it falls due, with a margin for
        # slow (sanitizer) builds: three times the import rate seen.
        lead = int(max(8, 3 * t * 1000 / n + 5))
        # Re-arming first: the burst's events would crowd the arm events'
        # hours (and the conflict check of every add in them).
        if os.environ.get("BENCH_REARM", "1") != "0":
            rearm(res, sec, n, sb, d)
        delays, got = [], []
        watchers = []
        for rep in range(REPEAT):
            stamps = os.path.join(sb.dir, "watch-%d.txt" % rep)
            w, s, out = stamped_watch(sb, stamps)
            watchers.append((w, s, out))
            time.sleep(1)
            due = int(time.time()) + lead
            burst = os.path.join(sb.dir, "burst-%d" % rep)
            run([sys.executable, os.path.join(BENCH, "gen-events.py"),
                 "1000", "--due", str(due), "--uid-prefix", "burst%d" % rep,
                 "--format", "ics" if have_import else "jsonl", "-o",
                 burst])
            import_file(sb, d, burst, None if have_import else burst)
            d.settle(limit=max(0, due - time.time() - 1))
            if time.time() > due - 1:
                res.notes.append("reminder burst %d: loading it took longer "
                                 "than its lead (%d s)" % (rep, lead))
            while time.time() < due + 30:
                time.sleep(0.5)
                with open(stamps) as f:
                    if sum(1 for _ in f) >= 1000:
                        break
            time.sleep(1)
            w.terminate()
            w.wait()
            s.wait()
            out.close()
            d_ms = []
            with open(stamps) as f:
                for line in f:
                    ns = int(line.split(" ", 1)[0])
                    if ns >= (due - 1) * 10**9:
                        d_ms.append((ns - due * 10**9) / 1e6)
            got.append(len(d_ms))
            delays.append(sorted(d_ms))
        def q(v, p):
            return v[min(len(v) - 1, int(p * len(v) + 0.999999) - 1)] \
                if v else None
        res.add(sec, "due -> kcal watch, p50 of a 1,000 burst", n,
                [q(v, 0.5) for v in delays], "ms",
                extra={"delivered": got})
        res.add(sec, "due -> kcal watch, p99 of a 1,000 burst", n,
                [q(v, 0.99) for v in delays], "ms", None, "time", "<50 ms",
                median([q(v, 0.99) for v in delays if v] or [1e9]) < 50
                and min(got) >= 1000 if n >= 100000 else None,
                extra={"delivered": got})
    finally:
        # A failed repetition must not leave kcal watch reconnecting forever.
        for w, s, out in locals().get("watchers", []):
            if w.poll() is None:
                w.kill()
            w.wait()
            s.wait()
            out.close()
        d.stop()
        shutil.rmtree(store, ignore_errors=True)


def fsyncs_during(pid, fn):
    """Run fn() with strace counting pid's fdatasync/fsync calls (None
    without strace or ptrace)."""
    if shutil.which("strace") is None:
        return fn(), None
    out = tempfile.mktemp(prefix="kcal-bench-strace.")
    st = subprocess.Popen(["strace", "-f", "-c", "-e",
                           "trace=fdatasync,fsync", "-o", out, "-p",
                           str(pid)], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        r = fn()
    finally:
        time.sleep(0.2)
        st.send_signal(signal.SIGINT)
        st.wait()
    calls = None
    try:
        with open(out) as f:
            for line in f:
                p = line.split()
                if p and p[-1] in ("fdatasync", "fsync"):
                    calls = (calls or 0) + int(p[3])
        os.unlink(out)
    except (OSError, ValueError, IndexError):
        calls = None
    return r, calls


def arm_adds(sb, rep, tag):
    """ADDS events whose reminder is due before anything else pending (so
    each one re-arms the timer), one minute apart."""
    b = os.path.join(sb.dir, "%s-%d.jsonl" % (tag, rep))
    run([sys.executable, os.path.join(BENCH, "gen-events.py"), str(ADDS),
         "--due", str(int(time.time()) + 3600), "--uid-prefix",
         "%s%d" % (tag, rep), "--format", "jsonl", "-o", b])
    return b


def rearm(res, sec, n, sb, d):
    """Re-planning after a write: adds whose reminder becomes the next one
    due, on the store with n pending and on an empty store; and how many
    durable commits each add costs, counted in an extra run under strace
    (ptrace makes every system call ~10x slower: 34 ms an add instead of
    2.5, so that run's latency is not reported)."""
    full, empty, syncs = [], [], None
    for rep in range(REPEAT):
        f = arm_adds(sb, rep, "arm")
        full.append(run_json([KBENCH, "add", sb.sock, f,
                              str(ADDS)])["p50_us"] / 1000)
    k = min(ADDS, 300)
    f = arm_adds(sb, 0, "armsync")
    _, calls = fsyncs_during(d.proc.pid, lambda: run_json(
        [KBENCH, "add", sb.sock, f, str(k)]))
    if calls is not None and k > 0:
        syncs = calls / k
    store = os.path.join(sb.dir, "store-remind-empty")
    e = Daemon(sb, store, sock=os.path.join(sb.dir, "run", "empty.sock"))
    e.start()
    try:
        for rep in range(REPEAT):
            f = arm_adds(sb, rep, "armempty")
            empty.append(run_json([KBENCH, "add", e.sock, f,
                                   str(ADDS)])["p50_us"] / 1000)
    finally:
        e.stop()
        shutil.rmtree(store, ignore_errors=True)
    res.add(sec, "add p50, its reminder re-arms the timer", n, full, "ms",
            median(empty), "time",
            floor_name="the same adds on an empty store",
            extra={"fsyncs_per_add": syncs})
    if syncs is not None:
        res.add(sec, "durable commits (fsync) per add", n, [syncs],
                "calls")


def bench_size(res, n, sb, have_import):
    ics = dataset(n)
    log("N=%d (%s, %.1f MB)" % (n, os.path.basename(ics),
                                os.path.getsize(ics) / 1e6))
    fl = floors(n, ics, sb)
    d, _ = bench_import(res, n, ics, fl, sb, have_import)
    try:
        time.sleep(1)
        after = d.mem()["VmRSS"]
        log("  list")
        bench_list(res, n, d, fl, sb)
        log("  add")
        bench_add(res, n, d, fl, sb)
        if n == max(SIZES):
            log("  concurrent adds")
            bench_concurrent(res, n, sb)
            log("  status while 50 clients add")
            bench_responsive_adds(res, n, sb)
        after = max(after, d.mem()["VmRSS"])
        bench_idle(res, n, d, sb, after)
    finally:
        d.stop()


def bench_write(res, sb, have_import):
    """BENCH_ONLY=write: the write path at the largest N alone."""
    n = max(SIZES)
    ics = dataset(n)
    store = os.path.join(sb.dir, "store-write-%d" % n)
    kept = os.environ.get("BENCH_STORE")
    if kept and os.path.isdir(kept):
        log("write path at %d events: the store kept in %s" % (n, kept))
        shutil.copytree(kept, store)
    d = Daemon(sb, store).start()
    try:
        if not (kept and os.path.isdir(kept)):
            log("write path at %d events: filling the store" % n)
            import_file(sb, d, ics,
                        None if have_import else dataset(n, "jsonl"))
            d.settle()
            if kept:
                d.stop()
                shutil.copytree(store, kept)
                d.start()
                d.settle()
        log("  add")
        bench_add(res, n, d, None, sb)
        log("  concurrent adds")
        bench_concurrent(res, n, sb)
        log("  status while 50 clients add")
        bench_responsive_adds(res, n, sb)
    finally:
        d.stop()
        shutil.rmtree(store, ignore_errors=True)


def bench_list_only(res, sb, have_import):
    """BENCH_ONLY=list: the list windows at the largest N alone, on a store
    kept in BENCH_STORE between runs when it is set."""
    n = max(SIZES)
    ics = dataset(n)
    keep = os.environ.get("BENCH_STORE")
    store = keep or os.path.join(sb.dir, "store-list-%d" % n)
    fresh = not os.path.isdir(store)
    d = Daemon(sb, store).start()
    try:
        if fresh:
            log("list at %d events: filling the store" % n)
            import_file(sb, d, ics, None if have_import else
                        dataset(n, "jsonl"))
        d.settle()
        fl = floors_windows(n, sb)
        log("  list")
        bench_list(res, n, d, fl, sb)
    finally:
        d.stop()
        if not keep:
            shutil.rmtree(store, ignore_errors=True)


def floors_windows(n, sb):
    """floor.c's window queries alone, on a store it fills once."""
    d = os.path.join(sb.dir, "floor-%d" % n)
    os.makedirs(d, exist_ok=True)
    win = [str(epoch(x)) for x in WEEK + MONTH]
    log("  floor: SQLite window queries alone")
    f = run_json([FLOOR, dataset(n), d, "1", "0", "100"] + win)
    shutil.rmtree(d, ignore_errors=True)
    return f


def bench_core(res, sb, have_import):
    for n in SIZES:
        bench_size(res, n, sb, have_import)
    for n in [n for n in SIZES if n <= 10000] or SIZES[:1]:
        bench_feed(res, n, sb, have_import)
    bench_responsive(res, max(SIZES), sb, have_import)
    if have_import:
        import bench_import_stream
        bench_import_stream.run(res, max(SIZES), sb, Daemon, dataset,
                                [MAXRSS, KCAL], log)
    if supports(sb, "watch"):
        bench_reminders(res, max(SIZES), sb, have_import)
    else:
        res.notes.append("kcal watch is not available: reminders not "
                         "measured")


def machine():
    def ver(pkg):
        r = subprocess.run(["pkg-config", "--modversion", pkg],
                           capture_output=True, text=True)
        return r.stdout.strip()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    git = subprocess.run(["git", "-C", TOP, "describe", "--always",
                          "--dirty"], capture_output=True, text=True)
    return {"when": dt.datetime.now(dt.timezone.utc).strftime(
                "%Y-%m-%d %H:%M UTC"),
            "cores": os.cpu_count(), "loadavg_start": " ".join(load),
            "kernel": platform.release(), "commit": git.stdout.strip(),
            "libical": ver("libical"), "sqlite": ver("sqlite3"),
            "libevent": ver("libevent"), "jansson": ver("jansson"),
            "sizes": SIZES, "repeat": REPEAT, "adds": ADDS,
            "http_secs": SECS}


def main():
    signal.signal(signal.SIGTERM, lambda *a: sys.exit("bench: terminated"))
    for b in (KCALD, KCAL, FLOOR, KBENCH):
        if not os.access(b, os.X_OK):
            sys.exit("bench: %s is missing (run make bench)" % b)
    os.makedirs(OUT, exist_ok=True)
    meta = machine()
    busy = float(meta["loadavg_start"].split()[0]) > 0.5 * meta["cores"]
    res = Results()
    if busy:
        res.notes.append("the machine was busy at the start (load %s): "
                         "figures are noisy" % meta["loadavg_start"])
    sb = Sandbox()
    try:
        have_import = supports(sb, "import")
        if not have_import:
            res.notes.append("kcal import is not available: stores were "
                             "filled through pipelined protocol adds")
        if ONLY in ("", "core"):
            bench_core(res, sb, have_import)
        if ONLY == "write":
            bench_write(res, sb, have_import)
        if ONLY == "list":
            bench_list_only(res, sb, have_import)
        if ONLY == "remind":
            bench_reminders(res, max(SIZES), sb, have_import)
        if ONLY in ("", "caldav"):
            davbench.bench_caldav(sys.modules[__name__], res, sb,
                                  have_import)
    finally:
        Daemon.kill_all()
        sb.close()
    with open("/proc/loadavg") as f:
        meta["loadavg_end"] = " ".join(f.read().split()[:3])
    out = os.path.join(OUT, "results.json")
    with open(out + ".tmp", "w") as f:
        json.dump({"machine": meta, "results": res.rows,
                   "notes": res.notes}, f, indent=1, ensure_ascii=False)
    os.replace(out + ".tmp", out)
    print_table(res, meta)
    print("results: %s" % os.path.relpath(out, os.getcwd()))


if __name__ == "__main__":
    main()
