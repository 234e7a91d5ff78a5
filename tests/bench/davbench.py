"""davbench.py -- the CalDAV section of `make bench`: kcald's /dav/ beside
Radicale 3.1 (Debian radicale) on the same events, with the ratio.

bench.py hands itself in (the module B) so the data, the sandbox, the daemon
and the load client are the ones the rest of the bench uses.  Both servers
get the same generated calendar: kcald through `kcal import` and an account
made with `kcal user add`; Radicale (filesystem storage, no authentication,
no rights restriction, its own fsyncs on) through its collection folder
written directly, one .ics per event, which is what Radicale's storage is.
Each server is then warmed by one untimed PROPFIND (Radicale builds its
item cache on the first read) and measured with kbench's "dav" mode: the
requests one after another, each timed from its first byte sent to the
last byte of its answer.

Sizes follow BENCH_N: PROPFIND depth 1, sync-collection and PUT at the
largest size up to 10,000 (none when every size is larger); the time-range
REPORT of a month there and at the largest size.  Without Radicale the kcald
figures are still taken, and a SKIP note says why the comparison is
missing; BENCH_RADICALE=0 leaves Radicale out on purpose.
"""

import base64
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

SEC = "8. caldav"
PUTS = 300
USER, PASSWORD = "bench", "bench-password"
AUTH = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()

PROPFIND = ('<?xml version="1.0" encoding="utf-8"?>'
            '<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/>'
            '<d:getetag/><d:getcontenttype/></d:prop></d:propfind>')
SYNC = ('<?xml version="1.0" encoding="utf-8"?>'
        '<d:sync-collection xmlns:d="DAV:">%s<d:sync-level>1'
        '</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>')
QUERY = ('<?xml version="1.0" encoding="utf-8"?>'
         '<c:calendar-query xmlns:d="DAV:" '
         'xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>%s'
         '</d:prop><c:filter><c:comp-filter name="VCALENDAR">'
         '<c:comp-filter name="VEVENT"><c:time-range start="%s" end="%s"/>'
         '</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>')
RADICALE_CONF = """# written by tests/bench/davbench.py
[server]
hosts = 127.0.0.1:%d
max_connections = 8
timeout = 600
[auth]
type = none
[rights]
type = authenticated
[storage]
filesystem_folder = %s
[web]
type = none
[logging]
level = warning
"""
MEMBER = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?response[\s>]")
TOKEN = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?sync-token>([^<]+)<")


# ------------------------------------------------------------ the data

def objects(path):
    """(uid, text) of each event of a generated calendar, as a calendar
    object resource with the VTIMEZONEs it uses; streamed."""
    zones, cur = {}, None
    head = ["BEGIN:VCALENDAR", "VERSION:2.0",
            "PRODID:-//kcal//bench generator//EN"]
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line in ("BEGIN:VTIMEZONE", "BEGIN:VEVENT"):
                cur = [line]
                continue
            if cur is None:
                continue
            cur.append(line)
            if line == "END:VTIMEZONE":
                tzid = next(x[5:] for x in cur if x.startswith("TZID:"))
                zones[tzid] = cur
                cur = None
            elif line == "END:VEVENT":
                flat = "\n".join(cur).replace("\n ", "")
                uid = re.search(r"^UID:(.*)$", flat, re.M).group(1)
                used = sorted(set(re.findall(r"TZID=([^;:]+)", flat)))
                lines = head + [x for z in used for x in zones[z]] + cur
                yield uid, "\r\n".join(lines + ["END:VCALENDAR", ""])
                cur = None


def chunks(path, stem, size=5000):
    """The calendar as files of at most size events each, in order (a
    parent before its children), each with every VTIMEZONE: one import
    of 100,000 events keeps kcald's loop busy for minutes on a loaded
    machine, longer than kcald waits for a client to take its reply."""
    head, out, k, i = [], None, 0, 0
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            if out is None and line == "BEGIN:VEVENT\r\n":
                name = "%s-%d.ics" % (stem, i)
                out = open(name, "w", encoding="utf-8", newline="")
                out.writelines(head)
            if out is None:
                if line != "END:VCALENDAR\r\n":
                    head.append(line)
                continue
            if line == "END:VCALENDAR\r\n":
                break
            out.write(line)
            if line == "END:VEVENT\r\n":
                k += 1
                if k == size:
                    out.write("END:VCALENDAR\r\n")
                    out.close()
                    yield name
                    out, k, i = None, 0, i + 1
    if out is not None:
        out.write("END:VCALENDAR\r\n")
        out.close()
        yield name


def href_name(uid):
    return urllib.parse.quote(uid, safe="") + ".ics"


def utc(epoch):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


# ---------------------------------------------------------- the servers

def wait_port(port, proc, what):
    for _ in range(600):
        if proc.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not start" % what)


class Kcal:
    """A private kcald with --http, the calendar imported, one account."""
    name = "kcald"

    def __init__(self, B, sb, n, ics, have_import):
        self.B, self.sb = B, sb
        self.store = os.path.join(sb.dir, "store-dav-%d" % n)
        self.d = B.Daemon(sb, self.store, http=True).start()
        self.port = self.d.port
        self.base = "/dav/calendars/%s/calendar/" % USER
        if have_import:
            for part in chunks(ics, os.path.join(sb.dir, "dav-part")):
                B.import_file(sb, self.d, part, None)
                os.unlink(part)
        else:
            B.import_file(sb, self.d, ics, B.dataset(n, "jsonl"))
        self.d.settle()
        r = subprocess.run([B.KCAL, "user", "add", USER, "--clearance",
                            "confidential"], input=PASSWORD + "\n",
                           env=sb.env, capture_output=True, text=True)
        self.error = None
        if r.returncode != 0:
            self.error = "kcal user add failed: " + (r.stderr or
                                                     r.stdout).strip()
            return
        # kcald reloads the users file when it changes: wait for it.
        for _ in range(100):
            st, _ = call(self, "PROPFIND", self.base, PROPFIND, Depth="0")
            if st == 207:
                return
            time.sleep(0.1)
        self.error = "kcald does not answer PROPFIND on %s (HTTP %d)" % (
            self.base, st)

    def stop(self):
        self.d.stop()
        shutil.rmtree(self.store, ignore_errors=True)


def radicale_version():
    """Radicale's version when the Debian package is installed, else
    None."""
    if shutil.which("radicale") is None:
        return None
    r = subprocess.run(["/usr/bin/python3", "-c",
                        "import radicale; print(radicale.VERSION)"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


class Radicale:
    """Radicale on a private port, its storage in the sandbox, the
    calendar written into its collection folder."""
    name = "Radicale"

    def __init__(self, B, sb, n, ics):
        self.dir = os.path.join(sb.dir, "radicale-%d" % n)
        coll = os.path.join(self.dir, "collections", "collection-root",
                            USER, "calendar")
        os.makedirs(coll)
        with open(os.path.join(coll, ".Radicale.props"), "w") as f:
            f.write('{"D:displayname": "bench", "tag": "VCALENDAR"}')
        for uid, text in objects(ics):
            with open(os.path.join(coll, uid + ".ics"), "w",
                      encoding="utf-8", newline="") as f:
                f.write(text)
        self.port = B.free_port()
        self.base = "/%s/calendar/" % USER
        conf = os.path.join(self.dir, "config")
        with open(conf, "w") as f:
            f.write(RADICALE_CONF % (self.port,
                                     os.path.join(self.dir, "collections")))
        self.log = open(os.path.join(self.dir, "log"), "ab")
        self.proc = subprocess.Popen(["radicale", "--config", conf],
                                     env=sb.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.error = None
        wait_port(self.port, self.proc, "radicale")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def call(srv, method, path, body="", **headers):
    """One untimed request (checks and sync tokens): (status, body)."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=600)
    h = {"Authorization": "Basic " + AUTH, "User-Agent": "kbench"}
    h.update({k.replace("_", "-"): v for k, v in headers.items()})
    if body:
        h["Content-Type"] = ("text/calendar; charset=utf-8"
                             if method == "PUT" else
                             "application/xml; charset=utf-8")
    c.request(method, path, body.encode() if body else None, h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


# ---------------------------------------------------------- measuring

def raw(srv, method, path, body="", headers=()):
    """A request as kbench sends it, preceded by its length."""
    b = body.encode()
    h = ["%s %s HTTP/1.1" % (method, path),
         "Host: 127.0.0.1:%d" % srv.port, "User-Agent: kbench",
         "Authorization: Basic " + AUTH] + list(headers)
    if b:
        h += ["Content-Type: " + ("text/calendar; charset=utf-8"
                                  if method == "PUT" else
                                  "application/xml; charset=utf-8"),
              "Content-Length: %d" % len(b)]
    r = ("\r\n".join(h) + "\r\n\r\n").encode() + b
    return b"%d\n" % len(r) + r


def kbench(B, sb, srv, reqs, tag):
    path = os.path.join(sb.dir, "dav-%s.req" % tag)
    with open(path, "wb") as f:
        f.writelines(reqs)
    r = B.run_json([B.KBENCH, "dav", "127.0.0.1", str(srv.port), path])
    os.unlink(path)
    if r["2xx"] != r["requests"]:
        raise RuntimeError("%s %s: not every answer was 2xx: %r" % (
            srv.name, tag, r))
    return r


class Ops:
    """The measured operations on one server, one size."""

    def __init__(self, B, sb, srv, n):
        self.B, self.sb, self.srv, self.n = B, sb, srv, n
        self.fig = {}		# metric -> list of per-run values
        self.count = {}		# metric -> members in one answer
        self.errors = []	# what was refused, so not measured

    def add(self, metric, value):
        self.fig.setdefault(metric, []).append(value)

    def timed(self, metric, method, body, headers, k=None):
        """BENCH_REPEAT runs, each run's p50 in ms.  The first run is one
        request; the later ones make as many as fit in about ten seconds
        (k at most), so a slow server is not asked a hundred times for a
        figure a few give as well."""
        req = raw(self.srv, method, self.srv.base, body, headers)
        st, data = call(self.srv, method, self.srv.base, body,
                        **dict(h.split(": ", 1) for h in headers))
        if st // 100 != 2:
            self.errors.append("%s: HTTP %d %s" % (metric, st, re.sub(
                rb"\s+", b" ", re.sub(rb"<[^>]*>", b" ", data)).decode(
                    errors="replace").strip()[:200]))
            return
        self.count[metric] = len(MEMBER.findall(data))
        per = 1
        for rep in range(self.B.REPEAT):
            r = kbench(self.B, self.sb, self.srv, [req] * per,
                       "%s-%d" % (metric.split()[0], rep))
            self.add(metric, r["p50_us"] / 1000)
            if rep == 0:
                per = max(1, min(k or 5, int(10e6 / max(1, r["max_us"]))))

    def warm(self, small):
        """The untimed first read (Radicale fills its item cache): a
        PROPFIND depth 1 at the small size, the month REPORT at the big
        one."""
        if small:
            how = ("PROPFIND", PROPFIND, "1")
        else:
            how = ("REPORT", QUERY % ("", *self.window()), "1")
        t0 = time.monotonic()
        st, data = call(self.srv, how[0], self.srv.base, how[1],
                        Depth=how[2])
        first = time.monotonic() - t0
        if st != 207:
            raise RuntimeError("%s: %s is HTTP %d" % (self.srv.name, how[0],
                                                      st))
        self.count["first"] = first
        return first

    def window(self):
        return [utc(self.B.epoch(x)) for x in self.B.MONTH]

    def reads(self):
        self.timed("PROPFIND depth 1 (etag, type)", "PROPFIND", PROPFIND,
                   ["Depth: 1"])
        self.timed("sync-collection, initial", "REPORT",
                   SYNC % "<d:sync-token/>", ["Depth: 0"])

    def month(self):
        w = self.window()
        self.timed("REPORT month (time-range), etags", "REPORT",
                   QUERY % ("", w[0], w[1]), ["Depth: 1"])
        self.timed("REPORT month (time-range), with data", "REPORT",
                   QUERY % ("<c:calendar-data/>", w[0], w[1]),
                   ["Depth: 1"])

    def puts(self):
        """BENCH_ADDS new events per run (at most PUTS: Radicale's take
        a tenth of a second each), each PUT with If-None-Match: *."""
        B = self.B
        for rep in range(B.REPEAT):
            ics = B.dataset(min(B.ADDS, PUTS), "ics", "--uid-prefix", "davput%d" % rep,
                            "--seed", str(2000 + rep))
            reqs = [raw(self.srv, "PUT", self.srv.base + href_name(uid), text,
                        ["If-None-Match: *"]) for uid, text in objects(ics)]
            r = kbench(B, self.sb, self.srv, reqs, "put-%d" % rep)
            self.add("PUT new event p50", r["p50_us"] / 1000)
            self.add("PUT new event p99", r["p99_us"] / 1000)
            self.add("PUTs/s, one client", r["per_s"])

    def sync_after_change(self):
        """A sync-collection with the token from before one PUT."""
        st, data = call(self.srv, "REPORT", self.srv.base,
                        SYNC % "<d:sync-token/>", Depth="0")
        m = TOKEN.search(data)
        if st != 207 or m is None:
            raise RuntimeError("%s: no sync-token (HTTP %d)" % (
                self.srv.name, st))
        token = m.group(1).decode()
        ics = self.B.dataset(1, "ics", "--uid-prefix", "davsync")
        uid, text = next(objects(ics))
        st, _ = call(self.srv, "PUT", self.srv.base + href_name(uid), text)
        if st not in (201, 204):
            raise RuntimeError("%s: PUT is HTTP %d" % (self.srv.name, st))
        body = SYNC % ("<d:sync-token>%s</d:sync-token>" % token)
        self.timed("sync-collection, one change", "REPORT", body,
                   ["Depth: 0"], 10)


# ------------------------------------------------------------ the rows

UNITS = {"PUTs/s, one client": ("PUTs/s", "rate")}


def measure(B, sb, srv, n, small, big):
    """Every operation for size n on one server; one that fails is a note
    (Ops.errors), and the others are still measured."""
    o = Ops(B, sb, srv, n)
    try:
        B.log("  %s: first request %.1f s" % (srv.name, o.warm(n == small)))
    except RuntimeError as e:
        o.errors.append("first request: %s" % e)
        o.count["first"] = None
    steps = [("month REPORT", o.month)]
    if n == small:
        steps = [("PROPFIND, sync-collection", o.reads)] + steps + [
            ("PUT", o.puts), ("sync after a change", o.sync_after_change)]
    for what, fn in steps:
        B.log("  %s: %s" % (srv.name, what))
        try:
            fn()
        except RuntimeError as e:
            o.errors.append("%s: %s" % (what, e))
    return o


def rows(B, res, n, k, r, rv):
    for metric in dict.fromkeys([*(k.fig if k else []),
                                 *(r.fig if r else [])]):
        unit, kind = UNITS.get(metric, ("ms", "time"))
        floor = B.median(r.fig[metric]) if r and metric in r.fig else None
        kruns = k.fig.get(metric, []) if k else []
        extra = {"radicale_runs": r.fig.get(metric) if r else None}
        got = [o.count.get(metric) if o else None for o in (k, r)]
        if got != [None, None]:
            extra["members"] = {"kcald": got[0], "radicale": got[1]}
        res.add(SEC, metric, n, kruns, unit, floor, kind,
                floor_name="Radicale %s, same data" % rv if r else None,
                extra=extra)
        if None not in got and got[0] != got[1]:
            res.notes.append("caldav %s at %d: kcald answered %s members, "
                             "Radicale %s" % (metric, n, *got))
    for o in (k, r):
        for e in o.errors if o else []:
            res.notes.append("caldav at %d, %s not measured: %s" % (
                n, o.srv.name, e))
    first = [x.count["first"] if x else None for x in (k, r)]
    res.add(SEC, "  first request after loading (cold caches)", n,
            first[:1], "s", first[1])


def one_size(B, res, sb, n, small, big, have_import, rv):
    ics = B.dataset(n)
    B.log("caldav: %d events" % n)
    k = r = None
    srv = Kcal(B, sb, n, ics, have_import)
    try:
        if srv.error is None:
            k = measure(B, sb, srv, n, small, big)
        else:
            res.notes.append("caldav at %d: kcald not measured: %s" % (
                n, srv.error))
    finally:
        srv.stop()
    if rv is not None:
        B.log("  loading Radicale")
        srv = Radicale(B, sb, n, ics)
        try:
            r = measure(B, sb, srv, n, small, big)
        finally:
            srv.stop()
    if k or r:
        rows(B, res, n, k, r, rv)


def bench_caldav(B, res, sb, have_import):
    """The CalDAV rows for BENCH_N's sizes (see the top of this file)."""
    small = max([n for n in B.SIZES if n <= 10000] or [None])
    big = max(B.SIZES)
    rv = radicale_version()
    if rv is None:
        res.notes.append("SKIP caldav comparison: Radicale is not installed "
                         "(Debian package radicale): kcald figures alone")
        B.log("caldav: SKIP Radicale (not installed)")
    elif os.environ.get("BENCH_RADICALE") == "0":
        rv = None
        res.notes.append("SKIP caldav comparison: BENCH_RADICALE=0: kcald "
                         "figures alone")
    for n in sorted({small or big, big}):
        one_size(B, res, sb, n, small, big, have_import, rv)


if __name__ == "__main__":
    sys.exit("davbench.py is run by bench.py (make bench)")
