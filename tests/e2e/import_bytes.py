"""import_bytes.py SOCKET -- a streamed import's pieces on the wire, as
JSON strings ("ical") and as bytes after the request's line ("bytes": N,
kcal-protocol(7), framing), and what kcald does with a count that lies.

Prints one "name: value" line per finding; test-import-stream.sh compares
them with what the protocol says."""

import datetime
import json
import socket
import sys
import threading
import time

SOCK = sys.argv[1]


class Conn:
    def __init__(self):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(SOCK)
        self.s.settimeout(20)
        self.f = self.s.makefile("rwb")
        self.f.readline()
        self.n = 0

    def send(self, req, data=None):
        self.n += 1
        req = dict(req, id=self.n)
        if data is not None and "bytes" not in req:
            req["bytes"] = len(data)
        self.f.write((json.dumps(req) + "\n").encode())
        if data is not None:
            self.f.write(data)
        self.f.flush()

    def reply(self):
        while True:
            line = self.f.readline()
            if not line:
                return None
            msg = json.loads(line)
            if "progress" not in msg:
                return msg

    def call(self, req, data=None):
        self.send(req, data)
        return self.reply()


def cal(uid, n):
    ev = "".join(
        "BEGIN:VEVENT\r\nUID:%s-%d\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20270401T%02d0000Z\r\nDURATION:PT1H\r\n"
        "SUMMARY:piece \u00e9v\u00e9nement %d\r\nEND:VEVENT\r\n"
        % (uid, i, 8 + i % 10, i) for i in range(n))
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + ev +
            "END:VCALENDAR\r\n").encode()


def show(name, value):
    print("%s: %s" % (name, value))


def err(r):
    return r and r.get("error", {}).get("code")


def pieces(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


def imported(how, uid, size):
    """Import cal(uid) in pieces of size bytes: the import's counts."""
    c = Conn()
    r = c.call({"cmd": "import_begin", "name": uid + ".ics"})
    if how == "bytes":
        show("begin says pieces may be bytes",
             r.get("result", {}).get("bytes"))
    for p in pieces(cal(uid, 40), size):
        if how == "bytes":
            r = c.call({"cmd": "import_chunk"}, p)
        else:
            r = c.call({"cmd": "import_chunk",
                        "ical": p.decode("utf-8", "surrogatepass")})
        if not r.get("ok"):
            return "refused: %s" % r
    r = c.call({"cmd": "import_end"})
    return r.get("result", {}).get("added") if r.get("ok") else r


# Pieces that cut lines, and a UTF-8 character, anywhere.
show("ical pieces: added", imported("ical", "as-json", 997))
show("bytes pieces: added", imported("bytes", "as-bytes", 333))

# A piece that is not UTF-8, or holds a NUL: refused, naming the line.
for name, bad in (("not UTF-8", b"\xff\xfe"), ("a NUL", b"\x00")):
    c = Conn()
    c.call({"cmd": "import_begin", "name": "bad.ics"})
    data = cal("bad", 3).replace(b"piece", b"pi" + bad + b"ece", 1)
    r = c.call({"cmd": "import_chunk"}, data)
    show("a piece with %s: refused" % name, err(r))
    show("... naming its line", "bad.ics:" in r.get("error", {}).get(
        "message", ""))
    r = c.call({"cmd": "import_end"})
    show("... then import_end says the import was dropped",
         "dropped" in r.get("error", {}).get("message", ""))

# Both forms at once: refused, and the connection goes on.
c = Conn()
c.call({"cmd": "import_begin", "name": "both.ics"})
r = c.call({"cmd": "import_chunk", "ical": "X"}, b"BEGIN:VCALENDAR\r\n")
show("ical and bytes together", err(r))
show("... then status", c.call({"cmd": "status"}).get("ok"))

# bytes on a command that takes none: its bytes are read (the next line
# is found), and the command refuses the argument.
c = Conn()
r = c.call({"cmd": "status"}, b'{"id":99,"cmd":"status"}\n garbage')
show("bytes on status", err(r))
show("... the bytes were not read as a request",
     c.call({"cmd": "status"}).get("id") == c.n)

# A request refused before its command runs (no "cmd"): its bytes are
# read all the same, and the next request follows them.
c = Conn()
r = c.call({}, b'{"id":77,"cmd":"hello"}\n')
show("bytes on a request without cmd", err(r))
show("... then status", c.call({"cmd": "status"}).get("id") == c.n)

# "bytes": null is no count (an argument that is null is an absent one).
c = Conn()
c.call({"cmd": "import_begin", "name": "null.ics"})
r = c.call({"cmd": "import_chunk", "bytes": None,
            "ical": cal("nullb", 1).decode()})
show("bytes null, ical given", r.get("ok"))

# A count that lies: the error, then the connection is closed.
for name, count in (("negative", -1), ("not a number", "12"),
                    ("over max_line", 1 << 40)):
    c = Conn()
    c.send({"cmd": "status", "bytes": count})
    r = c.reply()
    show("bytes %s" % name, err(r))
    show("... then closed", c.reply() is None)

# A client that announces a piece and leaves in its middle: nothing of
# its import is stored, and kcald serves the others.
c = Conn()
c.call({"cmd": "import_begin", "name": "left.ics"})
data = cal("left", 5)
c.f.write((json.dumps({"id": 50, "cmd": "import_chunk",
                       "bytes": len(data)}) + "\n").encode() +
          data[:len(data) // 2])
c.f.flush()
c.s.close()
d = Conn()
show("after a client left mid-piece, status", d.call({"cmd": "status"})
     .get("ok"))
r = d.call({"cmd": "get", "uid": "left-0"})
show("... and its events", err(r))

# Pieces as bytes pipelined between requests with big replies, all sent
# before any reply is read: kcald stops reading the client once its
# replies pass max_output (the test sets it low) and goes on once they
# drain -- between a request and its bytes too.  Every reply comes, once,
# in order, and the import is whole.
c = Conn()
wire, ids = [], []
day0 = datetime.date(2027, 3, 1)
days = 2        # a window whose list is bigger than max_output
while True:
    window = {"cmd": "list", "from": day0.isoformat(),
              "to": (day0 + datetime.timedelta(days)).isoformat()}
    if days >= 512 or len(json.dumps(c.call(window))) > 70000:
        break
    days *= 2
c = Conn()


def queue(req, data=b""):
    ids.append(len(ids) + 1)
    req = dict(req, id=len(ids))
    if data:
        req["bytes"] = len(data)
    wire.append((json.dumps(req) + "\n").encode() + data)


queue({"cmd": "import_begin", "name": "held.ics"})
for p in pieces(cal("held", 40), 997):
    queue(window)
    queue({"cmd": "import_chunk"}, p)
queue({"cmd": "import_end"})
sender = threading.Thread(target=lambda: c.s.sendall(b"".join(wire)))
sender.start()
time.sleep(1)
got, lists_ok, big, end = [], True, 0, None
while len(got) < len(ids):
    r = c.reply()
    if r is None:
        break
    got.append(r.get("id"))
    big = max(big, len(json.dumps(r)))
    lists_ok = lists_ok and r.get("ok") is True
    if r.get("id") == len(ids):
        end = r
sender.join()
show("held: every reply once, in order", got == ids)
show("held: every request answered ok", lists_ok)
show("held: a list reply's bytes", big)
show("held: added", end and end.get("result", {}).get("added"))


def pipelined(reqs):
    """Send reqs ((request, bytes or None) pairs) on a new connection
    before reading any reply; the replies (progress left out)."""
    c = Conn()
    wire = b""
    for i, (req, data) in enumerate(reqs):
        req = dict(req, id=i + 1)
        if data is not None:
            req["bytes"] = len(data)
        wire += (json.dumps(req) + "\n").encode() + (data or b"")
    c.s.sendall(wire)
    return [c.reply() for _ in reqs]


# A piece refused in the middle of a pipelined import drops the import:
# the import_end sent behind it commits nothing (all or nothing), and says
# why.  A line that is not JSON at all may have been a piece too.
whole = cal("mid", 3)
third = len(whole) // 3
for name, bad in (("an unknown argument", ({"cmd": "import_chunk",
                                             "foo": 1}, b"X")),
                  ("a line that is not JSON", None)):
    reqs = [({"cmd": "import_begin", "name": "mid.ics"}, None),
            ({"cmd": "import_chunk"}, whole[:third])]
    if bad is None:
        c = Conn()
        c.s.sendall(b'{"id": 1, "cmd": "import_begin", "name": "mid.ics"}\n'
                    + json.dumps({"id": 2, "cmd": "import_chunk",
                                  "bytes": third}).encode() + b"\n" +
                    whole[:third] + b'{"id": 3, "cmd": \n' +
                    json.dumps({"id": 4, "cmd": "import_chunk",
                                "bytes": len(whole) - third}).encode() +
                    b"\n" + whole[third:] +
                    b'{"id": 5, "cmd": "import_end"}\n')
        rs = [c.reply() for _ in range(5)]
    else:
        reqs += [bad, ({"cmd": "import_chunk"}, whole[third:]),
                 ({"cmd": "import_end"}, None)]
        rs = pipelined(reqs)
    show("a refused piece (%s): the import_end" % name,
         "%s %s" % (err(rs[-1]), "dropped" in rs[-1].get("error", {})
                    .get("message", "")))
    show("... and the dropped import's events",
         err(Conn().call({"cmd": "get", "uid": "mid-0"})))

# What a client asks after import_end is answered after it, in order, and
# sees the import: kcald does not read it while the file is written.
rs = pipelined([({"cmd": "import_begin", "name": "order.ics"}, None),
                ({"cmd": "import_chunk"}, cal("order", 5)),
                ({"cmd": "import_end"}, None),
                ({"cmd": "get", "uid": "order-4"}, None),
                ({"cmd": "status"}, None)])
show("after import_end: replies in order", [r.get("id") for r in rs] ==
     [1, 2, 3, 4, 5])
show("... the get sees the import", rs[3].get("ok"))

# Writes pipelined before a count that lies are answered before its error
# (their replies wait for the group's commit; the error used to go first
# and the connection closed with them unsent: a client could not tell that
# its writes were made), then the connection is closed.
c = Conn()
c.s.sendall((json.dumps({"id": 1, "cmd": "add", "summary": "before a lie",
                         "uid": "lie-1@t", "start": "2027-05-02T10:00",
                         "duration": 3600}) + "\n" +
             json.dumps({"id": 2, "cmd": "update", "uid": "lie-1@t",
                         "summary": "before a lie, renamed"}) + "\n" +
             json.dumps({"id": 3, "cmd": "status", "bytes": -5}) + "\n" +
             json.dumps({"id": 4, "cmd": "status"}) + "\n").encode())
rs = [c.reply() for _ in range(3)]
show("writes before a lying count: replies",
     " ".join("%s:%s" % (r.get("id"), r.get("ok") if r.get("ok") else
                         err(r)) for r in rs if r))
show("... then closed", c.reply() is None)
