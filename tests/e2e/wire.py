#!/usr/bin/env python3
"""wire.py -- raw protocol clients for the limit tests (test-limits.sh).

Each scenario talks to a running kcald over its socket, hits one limit on
one connection while a "bystander" connection keeps working, and prints
"ok DESC" or "FAIL DESC: detail" lines that the shell script counts.

    python3 wire.py SOCKET SCENARIO [ARGS...]
"""
import datetime
import json
import os
import socket
import sys
import threading
import time

failures = 0


def check(desc, cond, detail=""):
    global failures
    if cond:
        print("ok   " + desc)
    else:
        failures += 1
        print("FAIL " + desc + (": " + str(detail) if detail else ""))
    sys.stdout.flush()


class Conn:
    """One protocol connection; reads whole lines."""

    def __init__(self, path, greet=True, timeout=10.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        self.next_id = 1
        self.greeting = self.recv() if greet else None

    def recv(self, timeout=10.0):
        """The next message, None at EOF, or raise socket.timeout."""
        self.s.settimeout(timeout)
        while b"\n" not in self.buf:
            data = self.s.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send(self, obj):
        self.s.sendall(json.dumps(obj).encode() + b"\n")

    def call(self, cmd, timeout=10.0, **args):
        req = dict(args, id=self.next_id, cmd=cmd)
        self.next_id += 1
        self.send(req)
        while True:
            msg = self.recv(timeout)
            if msg is None or msg.get("id") == req["id"]:
                return msg

    def close(self):
        self.s.close()


def ok_reply(msg):
    return msg is not None and msg.get("ok") is True


def err_of(msg):
    if msg is None or "error" not in msg:
        return (None, str(msg))
    return (msg["error"].get("code"), msg["error"].get("message", ""))


def at_eof(c, timeout=5.0):
    try:
        while True:
            if c.recv(timeout) is None:
                return True
    except (socket.timeout, OSError):
        return False
    except ValueError:
        return False


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])   # utime + stime


def bystander_ok(b, what):
    check("bystander still served " + what, ok_reply(b.call("status")))


def iso_utc(t):
    """An instant (seconds) in the protocol's UTC form."""
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")


def watch_reminders(path, on_reminder):
    """A watcher on its own connection: on_reminder(msg) for each pushed
    reminder, on a thread, until the connection ends."""
    w = Conn(path, timeout=60)
    check("a watcher watches", ok_reply(w.call("watch", timeout=60)))

    def run():
        while True:
            try:
                m = w.recv(3600)
            except OSError:
                return
            if m is None:
                return
            if m.get("event") == "reminder":
                on_reminder(m)
    threading.Thread(target=run, daemon=True).start()
    return w


def add_bursts(path, na, nb, due, summary):
    """na events reminding at due and nb at due + 1, pipelined on one
    connection, each starting an hour after due: their UIDs, in order."""
    a = Conn(path, timeout=120)
    for i in range(na + nb):
        a.send({"id": i + 1, "cmd": "add", "summary": "%s %d" % (summary, i),
                "start": iso_utc(due + 3600), "duration": 1800,
                "remind_at": [iso_utc(due if i < na else due + 1)]})
    acks = [a.recv(120) for i in range(na + nb)]
    uids = [m["result"]["uid"] for m in acks if ok_reply(m)]
    check("%d adds acknowledged" % (na + nb), len(uids) == na + nb,
          [m for m in acks if not ok_reply(m)][:2])
    return uids


def check_worst(desc, lat, bound):
    """A bystander's latencies (seconds): more than ten, the worst under
    bound; a visible SKIP under a sanitizer, whose timing is not kcald's."""
    if os.environ.get("KCAL_SANITIZED"):
        print("SKIP %s, timed: under a sanitizer" % desc)
        return
    check("%s (worst %.0f ms of %d)" % (desc, max(lat or [0]) * 1000,
                                        len(lat)),
          len(lat) > 10 and max(lat) < bound, sorted(lat)[-3:])


def sc_longline(path, maxline):
    maxline = int(maxline)
    b = Conn(path)
    # No newline within the limit: answered, then closed.
    o = Conn(path)
    o.s.sendall(b'{"cmd":"status","pad":"' + b"a" * (maxline + 100))
    code, msg = err_of(o.recv())
    check("a line past max_line: error too_long", code == "too_long",
          (code, msg))
    check("... naming max_line", "max_line" in msg and str(maxline) in msg,
          msg)
    check("... then the connection is closed", at_eof(o))
    # A complete line that is too long.
    o = Conn(path)
    o.s.sendall(b'{"cmd":"status","pad":"' + b"b" * (maxline + 10) +
                b'"}\n')
    code, msg = err_of(o.recv())
    check("a complete over-long line: too_long too", code == "too_long",
          (code, msg))
    # Just under the limit is still served.
    o = Conn(path)
    pad = "c" * (maxline - 100)
    code, msg = err_of(o.call("status", pad=pad))
    check("a line just under max_line is parsed (bad_argument for pad)",
          code == "bad_argument", (code, msg))
    bystander_ok(b, "after too_long")


def sc_clients(path, maxc):
    maxc = int(maxc)
    b = Conn(path)
    conns = [Conn(path) for _ in range(maxc - 1)]
    check("max_clients connections are greeted",
          all(c.greeting and "hello" in c.greeting for c in conns),
          [c.greeting for c in conns])
    extra = Conn(path)
    code, msg = err_of(extra.greeting)
    check("one more: error limit", code == "limit", (code, msg))
    check("... naming max_clients", "max_clients" in msg and
          str(maxc) in msg, msg)
    check("... and it is closed", at_eof(extra))
    bystander_ok(b, "at max_clients")
    conns.pop().close()
    time.sleep(0.3)
    again = Conn(path)
    check("after one leaves, a new client is greeted",
          again.greeting is not None and "hello" in again.greeting,
          again.greeting)
    again.close()
    for c in conns:
        c.close()


def sc_idle(path, secs):
    secs = float(secs)
    b = Conn(path)
    o = Conn(path)
    t0 = time.time()
    served = True
    while time.time() - t0 < secs + 1.5:
        served = served and ok_reply(b.call("status"))
        time.sleep(0.3)
    check("a busy bystander is never timed out", served)
    try:
        msg = o.recv(5)
    except socket.timeout:
        msg = "timeout"
    code, text = err_of(msg)
    check("an idle client gets error limit", code == "limit", (code, text))
    check("... naming idle_timeout", "idle_timeout" in text, text)
    check("... and is closed", at_eof(o))


def fill_unread(o, line, secs=30):
    """Send line (numbered by its "id") on o, reading nothing, until the
    daemon stops taking them for 2 s or secs pass: the bytes sent, and
    whether it stopped taking them."""
    o.s.setblocking(False)
    sent, last, t0 = 0, time.time(), time.time()
    data = b""
    n = 0
    while time.time() - t0 < secs and time.time() - last < 2:
        if len(data) < 65536:
            n += 1
            data += line % n
        try:
            k = o.s.send(data)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        except (BrokenPipeError, ConnectionResetError):
            break       # dropped: the checks that follow say so
        sent += k
        data = data[k:]
        last = time.time()
    o.s.setblocking(True)
    return sent, time.time() - last >= 2


def sc_output(path, pid, max_output):
    """Flow control: a client that pipelines and does not read is not read
    past max_output of replies (not dropped, nor grown without bound); once
    it reads, every reply comes, in order."""
    pid, max_output = int(pid), int(max_output)
    b = Conn(path)
    rss0 = rss_kb(pid)
    o = Conn(path)
    o.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    line = b'{"id":%d,"cmd":"list","from":"2026-01-01","to":"2027-01-01"}\n'
    peak = [rss0]
    stop = threading.Event()

    def watch_rss():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.05)
    t = threading.Thread(target=watch_rss, daemon=True)
    t.start()
    sent, stalled = fill_unread(o, line)
    check("a client that never reads is no longer read (its requests wait)",
          sent > 0 and stalled, "sent %d bytes, stalled %s" % (sent, stalled))
    bystander_ok(b, "while a client does not read")
    st = b.call("status")
    check("... and it is not dropped",
          ok_reply(st) and st["result"].get("clients") == 2, st)
    stop.set()
    t.join()
    grew = peak[0] - rss0
    check("... nor did the daemon grow by much more than max_output "
          "(grew %d KiB)" % grew, grew < max_output // 1024 + 24 * 1024,
          "rss %d -> %d KiB" % (rss0, peak[0]))
    # The requests sent whole, and the rest of one begun.
    whole, acc, rest = 0, 0, b""
    while acc < sent:
        ln = line % (whole + 1)
        whole += 1
        if acc + len(ln) > sent:
            rest = ln[sent - acc:]
        acc += len(ln)
    got = []

    def finish():
        if rest:
            o.s.sendall(rest)
    threading.Thread(target=finish, daemon=True).start()
    try:
        while len(got) < whole:
            m = o.recv(30)
            if m is None:
                break
            got.append(m.get("id"))
    except (OSError, socket.timeout):
        pass
    check("once it reads, all %d replies come, in order" % whole,
          got == list(range(1, whole + 1)) and whole > 0,
          "got %d, first wrong %r" % (len(got), next(
              (x for k, x in enumerate(got) if x != k + 1), None)))
    o.close()


def sc_watch_output(path, n):
    """A watcher that takes none of its reminders is dropped once they
    pass its replies' max_output by as much again (a push is the daemon's,
    not asked for: nothing else bounds it), and the others are served.
    The watcher is not read until the daemon has let it go (a read would
    make room): status's count of clients says when."""
    n = int(n)
    b = Conn(path)
    w = Conn(path, timeout=60)
    check("a watcher watches", ok_reply(w.call("watch", timeout=60)))
    due = int(time.time()) + 3
    a = Conn(path, timeout=120)
    for k in range(0, n, 100):
        for i in range(k, min(n, k + 100)):
            a.send({"id": i + 1, "cmd": "add",
                    "summary": "Unread reminder %d with a long title to "
                    "weigh on the watcher's output" % i,
                    "description": "x" * 400,
                    "start": iso_utc(due + 3600), "duration": 1800,
                    "remind_at": [iso_utc(due)]})
        for i in range(k, min(n, k + 100)):
            m = a.recv(120)
            if not ok_reply(m):
                check("adds acknowledged", False, m)
                return
    clients = lambda: b.call("status", timeout=60)["result"].get("clients")
    until = time.time() + 60
    while clients() == 3 and time.time() < until:
        time.sleep(0.2)
    check("a watcher that reads none of %d reminders is dropped" % n,
          clients() == 2 and at_eof(w, 20))
    bystander_ok(b, "after dropping the watcher")


def sc_watch_big(path, max_output, n):
    """A watcher that asked for an export bigger than twice max_output is
    not dropped for the reminders that follow it while it reads: what it
    asked for is bounded by its asking, and pushes get max_output beyond
    its largest reply.  A second watcher that reads says when the
    reminders went out; then the first reads everything, in order."""
    max_output, n = int(max_output), int(n)
    a = Conn(path, timeout=120)
    for k in range(3 * max_output // 3000 // 20 + 1):  # past twice it
        for i in range(20):
            a.send({"id": k * 20 + i + 1, "cmd": "add", "summary":
                    "Archive %d" % (k * 20 + i), "start":
                    "2031-03-%02dT10:00:00Z" % (i + 1), "duration": 1800,
                    "description": "y" * 3000})
        for i in range(20):
            if not ok_reply(a.recv(120)):
                check("archive events added", False)
                return
    got = []
    r = watch_reminders(path, got.append)
    w = Conn(path, timeout=60)
    check("a watcher watches", ok_reply(w.call("watch", timeout=60)))
    due = int(time.time()) + 3
    for i in range(n):
        a.send({"id": 10000 + i, "cmd": "add", "summary": "Soon %d" % i,
                "start": iso_utc(due + 3600), "duration": 1800,
                "remind_at": [iso_utc(due)]})
    for i in range(n):
        if not ok_reply(a.recv(120)):
            check("reminding events added", False)
            return
    w.send({"id": 77, "cmd": "export", "from": "2031-01-01T00:00:00Z",
            "to": "2032-01-01T00:00:00Z"})
    until = time.time() + 60
    while len(got) < n and time.time() < until:
        time.sleep(0.1)
    check("the reading watcher got %d reminders" % n, len(got) == n,
          len(got))
    time.sleep(0.5)
    reply, pushed = None, 0
    try:
        while pushed < n:
            m = w.recv(20)
            if m is None:
                break
            if m.get("id") == 77:
                reply = m
            elif m.get("event") == "reminder":
                pushed += 1
    except (socket.timeout, OSError, ValueError):
        pass
    ics = ((reply or {}).get("result") or {}).get("ical") or ""
    check("a watcher behind its %d-byte export is not dropped" % len(ics),
          ok_reply(reply) and len(ics) > 2 * max_output and pushed == n,
          "reply %s, %d of %d reminders" % (reply is not None, pushed, n))
    try:
        served = ok_reply(w.call("status"))
    except OSError as e:
        served = e
    check("... and is still served", served is True, served)
    r.close()
    w.close()


def sc_fds(path, pid, nconn, port=None):
    pid, nconn = int(pid), int(nconn)
    b = Conn(path)
    conns = []
    for _ in range(nconn):
        c = Conn(path, greet=False)
        conns.append(c)
    time.sleep(2)
    greeted = 0
    for c in conns:
        try:
            m = c.recv(0.05)
            if m is not None and "hello" in m:
                greeted += 1
        except socket.timeout:
            break           # accepted in order: the rest wait too
    check("the kernel queued %d connections, the daemon took %d"
          % (nconn, greeted), 0 < greeted < nconn, greeted)
    h = None
    if port is not None:    # a feed request waits on the HTTP listener
        h = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
        h.sendall(b"GET /feeds/all.ics HTTP/1.1\r\nHost: localhost\r\n"
                  b"Connection: close\r\n\r\n")
    t0 = cpu_ticks(pid)
    time.sleep(3)
    used = cpu_ticks(pid) - t0
    hz = os.sysconf("SC_CLK_TCK")
    check("out of descriptors, the daemon does not spin "
          "(%.2f s CPU in 3 s%s)" % (used / hz, ", an HTTP client waiting"
                                     if h else ""), used < hz * 0.5, used)
    bystander_ok(b, "out of descriptors")
    # Free descriptors: the daemon resumes and greets the queued ones.
    for c in conns[:greeted]:
        c.close()
    late = 0
    for c in conns[greeted:greeted + 5]:
        try:
            m = c.recv(5)
            late += m is not None and "hello" in m
        except socket.timeout:
            pass
    check("with descriptors free again, queued clients are greeted",
          late == min(5, nconn - greeted), late)
    for c in conns[greeted:]:
        c.close()
    time.sleep(0.3)
    n = Conn(path)
    check("and a new client is served", ok_reply(n.call("status")))
    if h is not None:
        data = b""
        try:
            while True:
                d = h.recv(65536)
                if not d:
                    break
                data += d
        except OSError:
            pass
        check("and the waiting feed request is answered",
              data.startswith(b"HTTP/1.1 200"), data[:60])
    bystander_ok(b, "after the shortage")


def sc_request(path, reqfile, code, setting):
    """Send the request in reqfile; expect error code naming setting."""
    b = Conn(path)
    o = Conn(path)
    with open(reqfile) as f:
        req = json.load(f)
    r = o.call(req.pop("cmd"), **req)
    got, msg = err_of(r)
    check("%s: error %s" % (setting, code), got == code, (got, msg))
    check("... naming %s" % setting, setting in msg, msg)
    check("... and the connection stays usable", ok_reply(o.call("status")))
    bystander_ok(b, "after " + setting)


def http_raw(port, raw):
    """Send raw bytes to 127.0.0.1:port; the status code and the body."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    data = b""
    try:
        s.sendall(raw)
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
    except OSError:
        pass
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return code, body.decode("utf-8", "replace")


def sc_http(path, port, max_headers, max_header_size, max_body):
    port, max_headers = int(port), int(max_headers)
    max_header_size, max_body = int(max_header_size), int(max_body)
    b = Conn(path)
    get = b"GET /feeds/all.ics HTTP/1.1\r\nHost: localhost\r\n"
    end = b"Connection: close\r\n\r\n"
    code, _ = http_raw(port, get + end)
    check("http: a plain feed request is served", code == 200, code)
    many = b"".join(b"X-Field-%d: v\r\n" % i for i in range(max_headers + 5))
    code, body = http_raw(port, get + many + end)
    check("http: more header fields than http_max_headers: 431",
          code == 431, code)
    check("... naming http_max_headers", "http_max_headers (%d)" %
          max_headers in body, body)
    big = b"X-Big: " + b"a" * (max_header_size + 100) + b"\r\n"
    code, _ = http_raw(port, get + big + end)
    check("http: headers past http_max_header_size: refused (431)",
          code == 431, code)
    code, _ = http_raw(port, get + b"Content-Length: %d\r\n" %
                       (max_body + 1) + end + b"x" * (max_body + 1))
    check("http: a body past http_max_body_size: 413", code == 413, code)
    code, _ = http_raw(port, get + end)
    check("http: the next plain request is served", code == 200, code)
    bystander_ok(b, "after the HTTP limits")


def main():
    path, scenario, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    globals()["sc_" + scenario](path, *args)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
