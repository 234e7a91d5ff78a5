#!/usr/bin/env python3
"""hostile.py -- the adversarial suite's clients (test-hostile.sh).

While a bystander runs `kcal status` in a loop and a sampler reads kcald's
resident memory, each scenario throws hostile input at one listener: every
protocol command (from daemon/cmd*.c's table) with wrong types, huge and
invalid values, unknown and nested arguments; framing abuse (long lines,
partial lines then silence, empty lines, bytes that are not UTF-8, deep
nesting); many pipelined requests from a client that does not read; many
connections; clients that ask for big replies and never read them; and on
the HTTP port slowloris connections, garbage, huge headers and pipelined
requests.  The suite fails if the bystander ever waits longer than
--max-wait seconds or fails, if kcald's RSS passes --max-rss MB, or if kcald
dies; it prints the worst wait and the peak RSS.

    python3 hostile.py --socket S --pid P --port N --kcal PATH --top DIR
"""
import argparse
import json
import os
import random
import re
import socket
import subprocess
import tempfile
import sys
import threading
import time

failures = 0
lock = threading.Lock()


def check(desc, cond, detail=""):
    global failures
    with lock:
        if cond:
            print("ok   " + desc)
        else:
            failures += 1
            print("FAIL " + desc + (": " + str(detail)[:400] if detail else ""))
        sys.stdout.flush()


def note(msg):
    with lock:
        print("#    " + msg)
        sys.stdout.flush()


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


class Watch(threading.Thread):
    """The bystander (kcal status in a loop) and the RSS sampler."""

    def __init__(self, args):
        super().__init__(daemon=True)
        self.a = args
        self.stop = threading.Event()
        self.max_wait = 0.0
        self.worst = ""
        self.calls = 0
        self.errors = []
        self.peak = 0.0
        self.phase = "start"
        self.dead = False
        self.sampler = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        while not self.stop.is_set():
            r = rss_mb(self.a.pid)
            if r is None:
                self.dead = True
                return
            if r > self.peak:
                self.peak, self.peak_phase = r, self.phase
            time.sleep(0.05)

    def run(self):
        self.sampler.start()
        env = dict(os.environ, KCAL_SOCKET=self.a.socket)
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                p = subprocess.run([self.a.kcal, "--timeout", "30", "status",
                                    "--format", "json"], env=env,
                                   capture_output=True, timeout=40)
                rc, err = p.returncode, p.stderr.decode(errors="replace")
            except subprocess.TimeoutExpired:
                rc, err = -1, "no answer in 40 s"
            dt = time.monotonic() - t0
            self.calls += 1
            if dt > self.max_wait:
                self.max_wait, self.worst = dt, self.phase
            if rc != 0:
                self.errors.append("%s: exit %d: %s" % (self.phase, rc,
                                                        err.strip()))
            time.sleep(0.15)


# --- protocol helpers ----------------------------------------------------

class Conn:
    def __init__(self, path, timeout=20.0, greet=True):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        if greet:
            self.greeting = self.recv()

    def recv(self, timeout=20.0):
        self.s.settimeout(timeout)
        while b"\n" not in self.buf:
            d = self.s.recv(1 << 20)
            if not d:
                return None
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def raw(self, data, timeout=20.0):
        self.s.sendall(data)
        return self.recv(timeout)

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def commands(top):
    """(name, [args]) of every entry in daemon/cmd*.c's table."""
    out = []
    d = os.path.join(top, "daemon")
    for fn in sorted(os.listdir(d)):
        if not (fn.startswith("cmd") and fn.endswith(".c")):
            continue
        src = open(os.path.join(d, fn)).read()
        for m in re.finditer(r"cmd_\w+_entry\s*=\s*\{(.*?)\}", src, re.S):
            strs = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
            if strs:
                out.append((strs[0], "".join(strs[1:]).split()))
    return out


CODES = {"bad_json", "bad_request", "unknown_command", "bad_argument",
         "not_found", "ambiguous", "exists", "conflict", "too_long", "limit",
         "forbidden", "bad_ical", "store_error", "internal"}


def hostile_values(rng):
    deep = []
    for _ in range(200):
        deep = [deep]
    return [
        "", "x" * 65536, "\u202e\u0007\u001b[31m", "../../../../etc/passwd",
        "2026-02-30T25:61:61Z", "9999-99-99", "-0", "P99999999W",
        -1, 0, 2 ** 62, -(2 ** 62), 1e308, -1e-308, True, False,
        [], ["x"] * 1000, {}, {"a": {"b": {"c": [1, 2, {"d": None}]}}}, deep,
        "".join(chr(rng.randrange(1, 0xd7ff)) for _ in range(200)),
    ]


def scenario_commands(a, w):
    w.phase = "commands"
    rng = random.Random(a.seed)
    table = commands(a.top)
    check("the command table was read (%d commands)" % len(table),
          len(table) >= 15, table)
    c = Conn(a.socket)
    n = bad = 0
    rid = 0
    for name, args in table:
        reqs = [{"cmd": name}, {"cmd": name, "no_such_argument": 1}]
        for arg in args:
            for v in hostile_values(rng):
                reqs.append({"cmd": name, arg: v})
        # One request with every argument hostile at once.
        reqs.append(dict({"cmd": name}, **{arg: "\x01" * 1000 for arg in args}))
        for r in reqs:
            rid += 1
            r["id"] = rid
            try:
                msg = c.raw(json.dumps(r).encode() + b"\n")
            except (OSError, ValueError) as e:
                msg = "exception %r" % e
            n += 1
            good = isinstance(msg, dict) and msg.get("id") == rid and (
                msg.get("ok") is True or (msg.get("ok") is False and
                                          isinstance(msg.get("error"), dict)
                                          and msg["error"].get("code") in
                                          CODES))
            if not good:
                bad += 1
                if bad < 5:
                    check("%s: a reply to %s" % (name, json.dumps(r)[:120]),
                          False, msg)
                c.close()
                c = Conn(a.socket)
        # Huge: a 4 MB value for the first argument.
        if args:
            rid += 1
            msg = c.raw(json.dumps({"id": rid, "cmd": name,
                                    args[0]: "y" * (4 << 20)}).encode() +
                        b"\n", timeout=30)
            n += 1
            if not (isinstance(msg, dict) and msg.get("id") == rid):
                bad += 1
                check("%s: a reply to a 4 MB %s" % (name, args[0]), False,
                      msg)
                c.close()
                c = Conn(a.socket)
        if name == "watch":	# pushes would interleave: a fresh connection
            c.close()
            c = Conn(a.socket)
    check("every command answered each of %d hostile requests in order, "
          "with a documented code" % n, bad == 0, "%d bad" % bad)
    st = c.raw(b'{"id":"last","cmd":"status"}\n')
    check("the same connection still works", st and st.get("ok") is True, st)
    c.close()


def scenario_framing(a, w):
    w.phase = "framing"
    c = Conn(a.socket)
    msgs = [c.raw(b"\n"), c.raw(b"\r\n"), c.raw(b"   \n"),
            c.raw(b'{"cmd":"status","x":"\xff\xfe"}\n'),
            c.raw(b'{"cmd":"sta\x00tus"}\n'),
            c.raw(b"[" * 100000 + b"\n"), c.raw(b"{\"a\":" * 50000 + b"\n")]
    check("empty, blank, non-UTF-8, NUL and 100,000-deep lines each get an "
          "error reply",
          all(isinstance(m, dict) and m.get("ok") is False for m in msgs),
          msgs)
    check("an empty line is bad_request", msgs[0] and
          msgs[0]["error"]["code"] == "bad_request", msgs[0])
    c.close()
    # A line longer than max_line: too_long, then closed.
    c = Conn(a.socket)
    c.s.sendall(b'{"cmd":"status","pad":"' + b"z" * (a.max_line + 10))
    m = c.recv(30)
    check("a line past max_line: too_long", m and
          m["error"]["code"] == "too_long", m)
    c.close()
    # Partial lines, then silence, on many connections.
    held = []
    for i in range(60):
        s = Conn(a.socket)
        s.s.sendall(b'{"id": %d, "cmd": "sta' % i)
        held.append(s)
    time.sleep(2)
    c = Conn(a.socket)
    m = c.raw(b'{"id":1,"cmd":"status"}\n')
    check("60 half-sent requests left hanging do not block a full one",
          m and m.get("ok") is True, m)
    c.close()
    for s in held:
        s.close()


def scenario_pipeline(a, w):
    w.phase = "pipelined"
    # 20,000 requests in one write, reading nothing for 3 s: the daemon
    # stops reading past max_output of replies (flow control), and every
    # request is answered, in order, once the client reads.
    c = Conn(a.socket)
    data = b"".join(b'{"id":%d,"cmd":"status"}\n' % i for i in range(20000))
    t = threading.Thread(target=lambda: c.s.sendall(data), daemon=True)
    t.start()
    time.sleep(3)
    ids = []
    try:
        while len(ids) < 20000:
            m = c.recv(10)
            if m is None:
                break
            ids.append(m.get("id") if m.get("ok") else None)
    except (OSError, socket.timeout, ValueError):
        pass
    check("20,000 pipelined requests from a slow reader: all answered, in "
          "order (%d answered)" % len(ids), ids == list(range(20000)),
          "first wrong at %r" % next((k for k, x in enumerate(ids)
                                      if x != k), len(ids)))
    c.close()


def scenario_connections(a, w):
    w.phase = "connections"
    held = []
    for _ in range(a.conns):
        try:
            held.append(Conn(a.socket))
        except OSError as e:
            check("%d connections accepted" % a.conns, False, e)
            break
    time.sleep(1.5)
    check("%d idle connections held open" % len(held),
          len(held) == a.conns)
    for c in held:
        c.close()


def big_window(a):
    return json.dumps({"cmd": "list", "from": a.big_from, "to": a.big_to})


def scenario_big_property(a, w):
    """A well-formed file with one 6 MB DESCRIPTION: libical's own string
    parser took time in the square of a line's length (4 s for 5 MB) on
    the loop; the bystander must not see it."""
    w.phase = "big-property"
    big = "a" * (6 * 1024 * 1024)
    # A 6 MB DESCRIPTION; a 6 MB parameter on DTSTART (the import reads
    # such a line alone, through libical's one-property parser, to note
    # its zone); a 6 MB DESCRIPTION before a line libical cannot read.
    cases = [("a 6 MB property", "DTSTART:20260105T100000Z\r\n"
              "DESCRIPTION:" + big, "1 added"),
             ("a 6 MB parameter", "DTSTART;X-A=" + big +
              ";TZID=Europe/Paris:20260105T100000", "1 added"),
             ("a 6 MB property, then a bad line", "DESCRIPTION:" + big +
              "\r\nDTSTART:garbage", "DTSTART")]
    for desc, lines, want in cases:
        fd, path = tempfile.mkstemp(suffix=".ics")
        with os.fdopen(fd, "w") as f:
            f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                    "PRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
                    "UID:big-property@hostile\r\nDTSTAMP:20260101T000000Z"
                    "\r\nSUMMARY:Big\r\n" + "\r\n ".join(
                        lines[i:i + 74] for i in range(0, len(lines), 74)) +
                    "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        try:
            p = subprocess.run([a.kcal, "--timeout", "120", "import",
                                "--dry-run", path], capture_output=True,
                               text=True, timeout=180)
            out = p.stdout + p.stderr
            check("%s: imported or refused, not a stall (dry run)" % desc,
                  want in out and (p.returncode == 0) == (want == "1 added"),
                  out[:300])
        finally:
            os.unlink(path)


def scenario_never_read(a, w):
    w.phase = "never-read"
    base = rss_mb(a.pid)
    req = (big_window(a)[:-1] + ', "id": 1}\n').encode()
    held = []
    for i in range(a.readers):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(a.socket)
        s.sendall(req)
        held.append(s)
        if i % 5 == 4:
            time.sleep(0.2)	# spread, so one turn of the loop stays short
    time.sleep(4)
    during = rss_mb(a.pid)
    # While they hold it: a big reply is refused with limit, naming the
    # setting; a client that pipelines 300 small requests is held between
    # them (its own replies drain first) and gets every answer, in order.
    c = Conn(a.socket)
    m = c.raw(req.replace(b'"id": 1', b'"id": 7'), timeout=30)
    check("over max_output_total a big list gets limit, naming it",
          m and m.get("id") == 7 and m.get("ok") is False and
          m["error"]["code"] == "limit" and
          "max_output_total" in m["error"]["message"], str(m)[:300])
    c.s.sendall(b"".join(b'{"id":%d,"cmd":"status"}\n' % i
                         for i in range(300)))
    ids = []
    try:
        for _ in range(300):
            ids.append(c.recv(20)["id"])
    except (OSError, TypeError, socket.timeout) as e:
        ids.append(repr(e))
    check("300 pipelined requests meanwhile: all answered, in order",
          ids == list(range(300)), ids[-3:])
    c.close()
    note("%d clients asked for a %s list and read nothing: RSS %.0f MB "
         "(%.0f MB before)" % (a.readers, a.big_size, during or -1,
                                base or -1))
    for s in held:
        s.close()
    time.sleep(3)
    after = rss_mb(a.pid)
    note("after they closed: RSS %.0f MB" % (after or -1))
    check("memory given back once they closed (%.0f MB, at most %d)" %
          (after or -1, a.max_idle_rss), after is not None and
          after <= a.max_idle_rss, after)


def http_conn(a):
    s = socket.create_connection(("127.0.0.1", a.port), timeout=15)
    return s


def http_get(a, path="/feeds/all.ics", timeout=20):
    s = socket.create_connection(("127.0.0.1", a.port), timeout=timeout)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" %
               path).encode())
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    return data


def scenario_slowloris(a, w):
    slow_senders(a, w, "slowloris", b"",
                 b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\nX-Slow: " +
                 b"a" * 200, a.header_timeout, "header")


def scenario_slow_body(a, w):
    """A complete header, then a body of a byte a second: held for good
    before http_body_timeout."""
    slow_senders(a, w, "slow-body",
                 b"PUT /dav/calendars/x/calendar/x.ics HTTP/1.1\r\nHost: x"
                 b"\r\nContent-Length: 60000\r\n\r\n", b"B" * 60000,
                 a.body_timeout, "body")


def slow_senders(a, w, phase, head, msg, deadline, what):
    """a.slow connections that send head at once, then msg a byte a
    second: each accepted one must be closed within its deadline, and a
    real feed request served meanwhile."""
    w.phase = phase
    conns = []
    opened = []
    for _ in range(a.slow):
        # Not waiting for each: past the listen queue, SYNs are retried.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", a.port))
        conns.append(s)
        opened.append(time.monotonic())
    note("%d slowloris connections opened" % len(conns))
    closed_at = {}
    got = []
    t_get = threading.Thread(target=lambda: got.append(
        (time.monotonic(), http_get(a))), daemon=True)
    t0 = time.monotonic()
    t_get.start()
    pos = 0
    sent_head = set()
    while time.monotonic() - t0 < a.slow_seconds and len(closed_at) < len(conns):
        for i, s in enumerate(conns):
            if i in closed_at:
                continue
            try:
                d = s.recv(4096)
                if d == b"" or d:
                    closed_at[i] = time.monotonic()
                    continue
            except BlockingIOError:
                pass
            except OSError as e:
                if e.errno != 107:	# 107: not connected yet
                    closed_at[i] = time.monotonic()
                    continue
            try:
                if head and i not in sent_head:
                    s.send(head)
                    sent_head.add(i)
                else:
                    s.send(msg[pos % len(msg):pos % len(msg) + 1])
            except (BlockingIOError, ConnectionRefusedError):
                pass
            except OSError as e:
                if e.errno not in (107, 11):	# not yet connected
                    closed_at[i] = time.monotonic()
        pos += 1
        time.sleep(1.0)
    # The accepted ones must have been closed within the deadline (plus
    # slack); those still in the kernel's queue were never accepted.
    late = [i for i in closed_at if closed_at[i] - opened[i] >
            a.header_timeout + deadline * 2 + 4 and i < a.http_cap]
    check("a %s at a byte a second does not keep an HTTP connection: the "
          "first %d closed within the %s deadline" % (what, min(a.http_cap,
          len(conns)), what),
          all(i in closed_at for i in range(min(a.http_cap, len(conns))))
          and not late, "open: %d, late: %d" %
          (len(conns) - len(closed_at), len(late)))
    t_get.join(30)
    check("a real feed request during the attack is served",
          got and got[0][1].startswith(b"HTTP/1.1 200") and
          b"BEGIN:VCALENDAR" in got[0][1],
          got[0][1][:200] if got else "no answer")
    for s in conns:
        s.close()


def scenario_http_garbage(a, w):
    w.phase = "http-garbage"
    rng = random.Random(a.seed)
    cases = [
        bytes(rng.randrange(256) for _ in range(4096)),
        b"\x00" * 1000 + b"\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET " + b"/a" * 100000 + b" HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-Big: " + b"h" * 200000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 5000 + b"\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
        b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
        b"POST /feeds/all.ics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
        b"GET /feeds/../../etc/passwd HTTP/1.1\r\n\r\n",
        b"GET /feeds/%00.ics HTTP/1.1\r\n\r\n",
        b"\r\n" * 10000,
    ]
    ok = 0
    for data in cases:
        try:
            s = http_conn(a)
            s.settimeout(15)
            try:
                s.sendall(data)
            except OSError:
                pass
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            while s.recv(65536):
                pass
            ok += 1
        except socket.timeout:
            check("HTTP garbage %r...: answered or closed" % data[:30],
                  False, "no answer in 15 s")
        except OSError:
            ok += 1	# reset: closed
        finally:
            s.close()
    check("%d kinds of HTTP garbage each answered or closed" % len(cases),
          ok == len(cases))
    # 3,000 pipelined GETs in one write from a client that reads slowly.
    s = http_conn(a)
    req = b"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\n\r\n"
    t = threading.Thread(target=lambda: s.sendall(req * 3000), daemon=True)
    t.start()
    time.sleep(2)
    s.close()
    # And clients that ask for the feed and never read it.
    held = []
    for _ in range(min(40, a.http_cap)):
        h = http_conn(a)
        h.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        h.sendall(req * 20)
        held.append(h)
    time.sleep(2)
    for h in held:
        h.close()
    body = http_get(a)
    check("the feed is served after all that", body.startswith(
        b"HTTP/1.1 200"), body[:100])


def setup(a):
    """One event whose list reply is big (--big-mb MB of description)."""
    c = Conn(a.socket)
    m = c.raw(json.dumps({"id": 1, "cmd": "add", "summary": "Big",
                          "start": a.big_from + "T10:00:00Z",
                          "description": "word " * (a.big_mb * 209715)
                          }).encode() + b"\n", timeout=60)
    c.close()
    if not (m and m.get("ok")):
        check("the big event was added", False, m)
    size = len(json.dumps(Conn(a.socket).raw(
        (big_window(a)[:-1] + ', "id": 1}\n').encode(), timeout=60)))
    a.big_size = "%.1f MB" % (size / 1048576.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--kcal", required=True)
    p.add_argument("--top", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-wait", type=float, default=3.0)
    p.add_argument("--max-rss", type=float, default=200.0)
    p.add_argument("--max-idle-rss", type=float, default=120.0)
    p.add_argument("--max-line", type=int, default=1 << 20)
    p.add_argument("--readers", type=int, default=100)
    p.add_argument("--conns", type=int, default=200)
    p.add_argument("--slow", type=int, default=300)
    p.add_argument("--slow-seconds", type=float, default=9)
    p.add_argument("--header-timeout", type=float, default=2)
    p.add_argument("--body-timeout", type=float, default=2)
    p.add_argument("--http-cap", type=int, default=64)
    p.add_argument("--big-from", default="2026-05-01")
    p.add_argument("--big-to", default="2026-05-02")
    p.add_argument("--big-mb", type=int, default=3)
    p.add_argument("--only", default="")
    a = p.parse_args()
    a.max_idle_rss = int(a.max_idle_rss)
    print("#    seed %d (KCAL_HOSTILE_SEED repeats it)" % a.seed)
    setup(a)
    w = Watch(a)
    w.start()
    steps = [("commands", scenario_commands), ("framing", scenario_framing),
             ("pipeline", scenario_pipeline),
             ("connections", scenario_connections),
             ("never-read", scenario_never_read),
             ("big-property", scenario_big_property),
             ("slowloris", scenario_slowloris),
             ("slow-body", scenario_slow_body),
             ("http-garbage", scenario_http_garbage)]
    t_all = time.monotonic()
    for name, fn in steps:
        if a.only and name not in a.only.split(","):
            continue
        t0 = time.monotonic()
        try:
            fn(a, w)
        except Exception as e:	# a scenario that breaks is a failure
            check("scenario %s ran" % name, False, repr(e))
        note("%s: %.1f s" % (name, time.monotonic() - t0))
        if rss_mb(a.pid) is None:
            break
    w.phase = "end"
    time.sleep(1)
    w.stop.set()
    w.join(60)
    note("bystander: %d status calls, max wait %.2f s (during %s); "
         "kcald peak RSS %.0f MB (during %s); %.0f s in all" %
         (w.calls, w.max_wait, w.worst, w.peak,
          getattr(w, "peak_phase", "-"), time.monotonic() - t_all))
    check("kcald is alive", not w.dead and rss_mb(a.pid) is not None)
    check("the bystander never waited more than %.0f s (max %.2f s, during "
          "%s)" % (a.max_wait, w.max_wait, w.worst),
          w.max_wait <= a.max_wait and w.calls > 0)
    check("the bystander was always answered (%d calls)" % w.calls,
          not w.errors, "; ".join(w.errors[:5]))
    check("kcald's RSS stayed under %.0f MB (peak %.0f MB)" %
          (a.max_rss, w.peak), w.peak <= a.max_rss)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
