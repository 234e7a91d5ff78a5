#!/usr/bin/env python3
"""read-offloop.py -- a socket peer's long reads run off kcald's loop.

  read-offloop.py SOCKET SUBCOMMAND [ARGS...]

Prints "ok   DESC" / "FAIL DESC" lines for tests/e2e/lib.sh's py_scenario.

  bystander FROM TO N  one peer lists (up to max_occurrences) and exports
                     the whole window (N events, 20,000 in the test) again and again while another asks `status`
                     on its own connection: each status answered, p99
                     printed beside the quiet p99 measured first and under
                     a generous bound (1 s, or three times the quiet p99).
  order UID FROM TO  list, add, get, status, list pipelined in one write
                     on one connection: the replies come in the order of
                     the requests, and the second list holds the add.
  clearance UID FROM TO  as a public-clearance peer: a list and an export
                     of the window hold no event above public, and a get
                     of the confidential UID is not_found.
"""

import json
import socket
import sys
import threading
import time

from offloop import ok, p99


SOCK, SUB, ARGS = sys.argv[1], sys.argv[2], sys.argv[3:]


class Conn:
    """One protocol connection; whole reply lines."""

    def __init__(self):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(120)
        self.s.connect(SOCK)
        self.f = self.s.makefile("rb")
        self.next_id = 1
        self.recv()     # the greeting

    def recv(self):
        line = self.f.readline()
        return json.loads(line) if line else None

    def send(self, reqs):
        self.s.sendall(b"".join(json.dumps(r).encode() + b"\n"
                                for r in reqs))

    def call(self, cmd, **args):
        req = dict(args, id=self.next_id, cmd=cmd)
        self.next_id += 1
        self.send([req])
        while True:
            msg = self.recv()
            if msg is None or msg.get("id") == req["id"]:
                return msg


def timed(c, cmd, **args):
    t0 = time.monotonic()
    r = c.call(cmd, **args)
    return time.monotonic() - t0, r


def bystander():
    frm, to, n = ARGS[0], ARGS[1], int(ARGS[2])
    by = Conn()
    quiet = [timed(by, "status")[0] for _ in range(50)]
    base = p99(quiet)
    bound = max(1.0, 3 * base)
    heavy = {"list": [], "export": [], "count": [], "ical": [],
             "errors": []}
    stop = threading.Event()

    def reader():
        c = Conn()
        while not stop.is_set():
            for cmd in ("list", "export"):
                secs, r = timed(c, cmd, **{"from": frm, "to": to})
                heavy[cmd].append(secs)
                if r is None or not r.get("ok"):
                    heavy["errors"].append(r)
                elif cmd == "list":
                    heavy["count"].append(len(r["result"]["events"]))
                else:
                    heavy["ical"].append(r["result"]["count"])
        c.s.close()

    th = threading.Thread(target=reader)
    th.start()
    lat = []
    t0 = time.monotonic()
    # A list and an export at least, and 5 s at least.
    while not heavy["export"] or time.monotonic() - t0 < 5:
        lat.append(timed(by, "status")[0])
        if not th.is_alive():
            break
    stop.set()
    th.join()
    worst = max(lat) if lat else 0
    lists = heavy["list"] or [0]
    print("     list of %d events: %.2f s (max %.2f s), export of %d: "
          "%.2f s; "
          "%d status answers meanwhile, p99 %.1f ms (%.1fx the quiet "
          "p99 %.1f ms), worst %.1f ms" % (
              max(heavy["count"] or [0]), sum(lists) / len(lists),
              max(lists), max(heavy["ical"] or [0]),
              max(heavy["export"] or [0]), len(lat),
              p99(lat) * 1000, p99(lat) / base if base else 0, base * 1000,
              worst * 1000))
    ok(not heavy["errors"], "every list and export answered ok",
       heavy["errors"][:1])
    ok(min(heavy["count"] or [0]) >= min(n, 5000),
       "a list holds %d events" % min(n, 5000), heavy["count"][:3])
    ok(min(heavy["ical"] or [0]) >= n * 9 // 10,
       "an export holds the %d events (but the cancelled)" % n,
       heavy["ical"][:3])
    ok(len(lat) >= 10, "status answered while lists and exports ran",
       "%d answers" % len(lat))
    ok(p99(lat) < bound, "status p99 < %.0f ms meanwhile" % (bound * 1000),
       "p99 %.0f ms" % (p99(lat) * 1000))
    if max(lists) >= 1.0:
        ok(worst < max(lists) / 2, "no status waited for a list",
           "worst %.0f ms, a list %.2f s" % (worst * 1000, max(lists)))


def order():
    uid, frm, to = ARGS
    c = Conn()
    reqs = [
        {"id": 1, "cmd": "list", "from": frm, "to": to},
        {"id": 2, "cmd": "add", "summary": "Offloop pipelined add",
         "start": "2026-06-01T09:00"},
        {"id": 3, "cmd": "get", "uid": uid},
        {"id": 4, "cmd": "status"},
        {"id": 5, "cmd": "list", "from": "2026-06-01", "to": "2026-06-02",
         "search": "Offloop pipelined"},
        {"id": 6, "cmd": "get", "uid": "no-such-uid-at-all"},
    ]
    c.send(reqs)
    replies = [c.recv() for _ in reqs]
    ids = [r.get("id") if r else None for r in replies]
    ok(ids == [1, 2, 3, 4, 5, 6], "pipelined list, add, get, status, list, "
       "get: replies in the order of the requests", ids)
    ok(all(r and r.get("ok") for r in replies[:5]), "... each answered ok",
       [r for r in replies if not (r and r.get("ok"))][:1])
    ok(replies[5] is not None and not replies[5].get("ok") and
       replies[5]["error"]["code"] == "not_found",
       "... and the unknown UID not_found")
    added = replies[1]["result"]["uid"] if replies[1].get("ok") else None
    got = [e["uid"] for e in replies[4]["result"]["events"]] \
        if replies[4].get("ok") else []
    ok(added is not None and added in got,
       "the list after the add (off the loop) holds it", got)
    ok(replies[2].get("ok") and replies[2]["result"]["event"]["uid"] == uid,
       "the get after the add reads the event asked for")


def clearance():
    uid, frm, to = ARGS
    c = Conn()
    r = c.call("list", **{"from": frm, "to": to})
    classes = sorted({e.get("class") for e in r["result"]["events"]}) \
        if r and r.get("ok") else None
    ok(classes == ["public"], "a public peer's list: public events only",
       classes)
    ok(r is not None and uid not in json.dumps(r),
       "... and no trace of the confidential event")
    r = c.call("export", **{"from": frm, "to": to})
    ical = r["result"]["ical"] if r and r.get("ok") else ""
    ok("CLASS:CONFIDENTIAL" not in ical and "CLASS:PRIVATE" not in ical and
       uid not in ical and "BEGIN:VEVENT" in ical,
       "a public peer's export: no event above public")
    r = c.call("get", uid=uid)
    ok(r is not None and not r.get("ok") and
       r["error"]["code"] == "not_found",
       "a public peer's get of a confidential event: not_found", r)


{"bystander": bystander, "order": order, "clearance": clearance}[SUB]()
