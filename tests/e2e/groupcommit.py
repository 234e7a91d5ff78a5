#!/usr/bin/env python3
"""groupcommit.py -- clients for the group commit test (test-group-commit.sh).

    groupcommit.py SOCKET pipelined N     N adds in one write on one
        connection, two of them refused: a group or few, the refused ones
        alone rolled back.
    groupcommit.py SOCKET concurrent N    N connections send an add each at
        once: all acknowledged, all stored, fewer commits than adds.
    groupcommit.py SOCKET mixed N         N connections send an add and N
        others a read (status, get, list) at once: the reads do not cut the
        group short; then one connection pipelines add, get, status, list,
        get: each read sees the add before it, replies in order.
    groupcommit.py SOCKET snapshot N      one connection pipelines N adds
        (a new name each) while another asks status after status: each
        status counts committed writes alone (its events and names grew by
        its commits' grouped_writes), never a write of a group still open,
        and the status after the last acknowledgement counts them all.
    groupcommit.py SOCKET tally OUT       adds, updates (a name changed),
        cancels and deletes, grouped; the status counts after go to OUT.
    groupcommit.py SOCKET tallycheck OUT  after a restart (the counts are
        walked again): the same counts.
    groupcommit.py SOCKET anchor          make anchor event ga with three
        followers (+1h, +2h, +3h).
    groupcommit.py SOCKET writer NAME LOG  add NAME-1, NAME-2, ... (three
        participants each), or move ga (NAME starting "mover"), until the
        daemon dies; log "sent UID" before and "acked UID" after.
    groupcommit.py SOCKET heavy N OUT      on a full disk: N heavy adds in
        one write, a status among them and one from another connection;
        each add refused with the full disk, or acknowledged, each status
        answered with its counts; the outcome goes to OUT.
    groupcommit.py SOCKET heavycheck OUT  once space is freed: every
        acknowledged one is stored, every refused one is not.
    groupcommit.py SOCKET verify LOG...   after a kill: every acked add is
        stored, every sent one is whole (three participants) or absent, and
        the followers of ga sit at their offsets.
"""
import json
import os
import random
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wire import Conn, check, ok_reply  # noqa: E402

PEOPLE = [{"name": "Ada"}, {"name": "Brendan"}, {"name": "Chiara"}]


def add_req(uid, i, rid):
    return {"id": rid, "cmd": "add", "uid": uid, "summary": "Group " + uid,
            "start": "2026-06-%02dT%02d:00" % (i % 28 + 1, i % 20 + 1),
            "participants": PEOPLE}


def commits(c):
    return c.call("status")["result"]["commits"]


def pipelined(path, n):
    n = int(n)
    c = Conn(path)
    c.call("add", uid="gp-taken", summary="Taken", start="2026-06-01T08:00")
    before = commits(c)
    reqs = [add_req("gp-%d" % i, i, i + 1) for i in range(n)]
    reqs[n // 3] = dict(reqs[n // 3], uid="gp-taken")	# exists
    reqs[n // 2] = dict(reqs[n // 2], start="2026-13-45T99:00")	# bad
    c.s.sendall(b"".join((json.dumps(r) + "\n").encode()
                         for r in reqs))
    replies = [c.recv() for _ in reqs]
    after = commits(c)
    ids = [r.get("id") for r in replies]
    check("%d pipelined adds answered in order" % n,
          ids == list(range(1, n + 1)), ids[:10])
    bad = [i for i, r in enumerate(replies) if not ok_reply(r)]
    check("only the two refused writes are refused",
          bad == [n // 3, n // 2], bad)
    codes = [replies[i].get("error", {}).get("code") for i in bad]
    check("each refused with its own error", codes == ["exists",
          "bad_argument"], codes)
    got = [i for i in range(n) if i not in bad and
           ok_reply(c.call("get", uid="gp-%d" % i))]
    check("the %d others are all stored" % (n - 2), len(got) == n - 2,
          len(got))
    check("the refused ones are not", not ok_reply(c.call(
          "get", uid="gp-%d" % (n // 2))) and c.call("get", uid="gp-taken")[
          "result"]["event"]["summary"] == "Taken")
    g = after["groups"] - before["groups"]
    w = after["grouped_writes"] - before["grouped_writes"]
    # One group, unless the batch took longer than a group may stay open
    # (20 ms of writes: a slow or busy machine, a sanitized build) or came
    # in several reads; without sharing it would be one group per write.
    check("the pipelined batch shares its commits (%d groups for %d "
          "writes)" % (g, w), 1 <= g <= w // 2 and w == n - 2,
          (before, after))


def concurrent(path, n):
    n = int(n)
    conns = [Conn(path) for _ in range(n)]
    before = commits(conns[0])
    for i, c in enumerate(conns):
        c.send(add_req("gc-%d" % i, i, 1))
    replies = [c.recv(30) for c in conns]
    after = commits(conns[0])
    check("%d concurrent adds all acknowledged" % n,
          all(ok_reply(r) for r in replies),
          [r for r in replies if not ok_reply(r)][:2])
    stored = sum(ok_reply(conns[0].call("get", uid="gc-%d" % i))
                 for i in range(n))
    check("%d concurrent adds all stored" % n, stored == n, stored)
    d = after["durable"] - before["durable"]
    g = after["groups"] - before["groups"]
    print("# %d concurrent adds: %d groups, %d durable commits" % (n, g, d))
    check("fewer durable commits than adds (%d for %d)" % (d, n),
          0 < d < n, (before, after))


def snapshot(path, n):
    n = int(n)
    a, b = Conn(path), Conn(path)
    s0 = b.call("status")["result"]
    reqs = [dict(add_req("gs-%d" % i, i, i + 1),
                 participants=[{"name": "Snap %d" % i}]) for i in range(n)]
    a.s.sendall(b"".join((json.dumps(r) + "\n").encode() for r in reqs))
    bad, partial = [], 0
    for _ in range(40):
        s = b.call("status")["result"]
        w = s["commits"]["grouped_writes"] - s0["commits"]["grouped_writes"]
        got = (s["events"] - s0["events"],
               s["participants"] - s0["participants"])
        if got != (w, w):
            bad.append((got, w))
        partial += 0 < w < n
    replies = [a.recv(30) for _ in reqs]
    check("%d pipelined adds acknowledged" % n,
          all(ok_reply(r) for r in replies))
    print("# %d statuses of 40 came between two commits of the batch"
          % partial)
    check("a status beside an open group counts committed writes alone",
          not bad, bad[:3])
    s = b.call("status")["result"]
    check("the status after the acknowledgements counts them all",
          s["events"] - s0["events"] == n and
          s["participants"] - s0["participants"] == n, (s0, s))


def counts(c):
    s = c.call("status")["result"]
    return {k: s[k] for k in ("events", "cancelled", "participants")}


def tally(path, out):
    c = Conn(path)
    reqs = []
    for i in range(12):
        reqs.append(dict(add_req("gt-%d" % i, i, len(reqs) + 1),
                         participants=[{"name": "Tally %d" % i},
                                       {"name": "tally %d" % i},
                                       {"name": "Ada"}]))
    for i in range(0, 12, 3):
        reqs.append({"id": len(reqs) + 1, "cmd": "cancel", "uid": "gt-%d" % i})
    reqs.append({"id": len(reqs) + 1, "cmd": "delete", "uid": "gt-1"})
    reqs.append({"id": len(reqs) + 1, "cmd": "delete", "uid": "gt-3"})
    reqs.append({"id": len(reqs) + 1, "cmd": "add", "uid": "gt-4",
                 "summary": "Taken", "start": "2026-06-01T08:00"})
    reqs.append({"id": len(reqs) + 1, "cmd": "status"})
    c.s.sendall(b"".join((json.dumps(r) + "\n").encode() for r in reqs))
    rep = [c.recv(30) for _ in reqs]
    check("tally: the writes answered in order, the duplicate refused",
          [r.get("id") for r in rep] == list(range(1, len(reqs) + 1)) and
          [ok_reply(r) for r in rep[:-2]] == [True] * (len(reqs) - 2) and
          not ok_reply(rep[-2]), rep)
    before = counts(c)
    check("tally: the status in the pipeline counts the writes before it",
          {k: rep[-1]["result"][k] for k in before} == before,
          (rep[-1], before))
    c.call("update", uid="gt-2", participants=[{"name": "Tally new"}])
    c.call("update", uid="gt-0", participants=[{"name": "Tally 0"}])
    with open(out, "w") as f:
        json.dump(counts(c), f)


def tallycheck(path, out):
    with open(out) as f:
        kept = json.load(f)
    now = counts(Conn(path))
    check("status counts kept with the writes equal the store walked again",
          kept == now, (kept, now))


def anchor(path):
    c = Conn(path)
    ok = ok_reply(c.call("add", uid="ga", summary="Anchor",
                         start="2026-07-01T09:00", duration=3600))
    for k in (1, 2, 3):
        ok = ok and ok_reply(c.call("add", uid="ga-f%d" % k,
                                    summary="Follower %d" % k, anchor="ga",
                                    anchor_offset=3600 * k, duration=600))
    check("an anchor with three followers", ok)


def writer(path, name, log):
    try:
        c = Conn(path)
    except OSError:
        return
    rnd = random.Random(name)
    n = 0
    with open(log, "a") as out:
        out.write("ready\n")
        out.flush()
        while True:
            n += 1
            if name.startswith("mover"):
                uid = "ga"
                req = {"id": n, "cmd": "update", "uid": "ga",
                       "start": "2026-07-%02dT%02d:00" % (
                           rnd.randint(1, 28), rnd.randint(0, 12))}
            else:
                uid = "%s-%d" % (name, n)
                req = add_req(uid, n, n)
            out.write("sent %s\n" % uid)
            out.flush()
            try:
                c.send(req)
                r = c.recv(30)
            except (OSError, ValueError):
                return
            if r is None:
                return
            if ok_reply(r):
                out.write("acked %s\n" % uid)
                out.flush()


def verify(path, *logs):
    c = Conn(path)
    sent, acked = set(), set()
    for log in logs:
        if not os.path.exists(log):
            continue
        with open(log) as f:
            for line in f:
                w = line.split()
                if len(w) == 2 and w[1] != "ga":
                    (sent if w[0] == "sent" else acked).add(w[1])
    missing = sorted(u for u in acked if not ok_reply(c.call("get", uid=u)))
    check("every acknowledged add is stored (%d)" % len(acked), not missing,
          missing[:5])
    partial, present = [], 0
    for u in sorted(sent - acked):
        r = c.call("get", uid=u)
        if not ok_reply(r):
            continue
        present += 1
        names = [p["name"] for p in r["result"]["event"].get(
            "participants", [])]
        if names != [p["name"] for p in PEOPLE]:
            partial.append((u, names))
    for u in sorted(acked):
        r = c.call("get", uid=u)
        if ok_reply(r) and len(r["result"]["event"].get(
                "participants", [])) != 3:
            partial.append((u, "acked"))
    print("# %d acked, %d unacknowledged: %d present, %d absent" % (
        len(acked), len(sent - acked), present,
        len(sent - acked) - present))
    check("every unacknowledged add is whole or absent", not partial,
          partial[:3])
    a = c.call("get", uid="ga")["result"]["event"]["start_utc"]
    off = [c.call("get", uid="ga-f%d" % k)["result"]["event"]["start_utc"] - a
           for k in (1, 2, 3)]
    check("the anchor's followers moved with it, all or none",
          off == [3600, 7200, 10800], off)


def heavy(path, n, out):
    n = int(n)
    c = Conn(path)
    desc = "x" * 60000
    other = Conn(path)
    reqs = [dict(add_req("gh-%d" % i, i, i + 1), description=desc)
            for i in range(n)]
    reqs.insert(n // 2, {"id": 0, "cmd": "status"})
    c.s.sendall(b"".join((json.dumps(r) + "\n").encode() for r in reqs))
    st = [other.call("status")]
    got = {}
    for _ in reqs:
        r = c.recv(60)
        if r["id"] == 0:
            st.append(r)
            continue
        got["gh-%d" % (r["id"] - 1)] = ok_reply(r) or r["error"]["code"]
    with open(out, "w") as f:
        json.dump(got, f)
    codes = set(v for v in got.values() if v is not True)
    check("a full disk during a group: the writes it refuses get "
          "store_error (%d of %d)" % (sum(v is not True for v in
                                          got.values()), n),
          codes == {"store_error"}, got)
    check("a status beside or inside a failing group gets its counts",
          all(ok_reply(x) and "events" in x["result"] for x in st), st)


def heavycheck(path, out):
    c = Conn(path)
    with open(out) as f:
        got = json.load(f)
    wrong = [u for u, v in got.items()
             if ok_reply(c.call("get", uid=u)) != (v is True)]
    check("after a full disk: acknowledged adds stored, refused ones not",
          not wrong, wrong[:5])


def mixed(path, n):
    n = int(n)
    w = [Conn(path) for _ in range(n)]
    r = [Conn(path) for _ in range(n)]
    w[0].call("add", uid="gm-seen", summary="Seen", start="2026-06-02T08:00")
    before = commits(w[0])
    reads = [{"cmd": "status"}, {"cmd": "get", "uid": "gm-seen"},
             {"cmd": "list", "from": "2026-06-01", "to": "2026-06-08"}]
    for i in range(n):
        w[i].send(add_req("gm-%d" % i, i, 1))
        r[i].send(dict(reads[i % 3], id=1))
    wr = [c.recv(30) for c in w]
    rr = [c.recv(30) for c in r]
    after = commits(w[0])
    check("%d adds beside %d reads all acknowledged" % (n, n),
          all(ok_reply(x) for x in wr), [x for x in wr if not ok_reply(x)])
    check("the %d reads all answered" % n, all(ok_reply(x) for x in rr),
          [x for x in rr if not ok_reply(x)][:2])
    g = after["groups"] - before["groups"]
    print("# %d adds beside %d reads: %d groups" % (n, n, g))
    check("reads of other connections do not cut groups short (%d groups "
          "for %d adds)" % (g, n), 1 <= g <= n // 2, (before, after))
    c = w[0]
    reqs = [add_req("gm-own", 0, 1), {"id": 2, "cmd": "get", "uid": "gm-own"},
            {"id": 3, "cmd": "status"},
            {"id": 4, "cmd": "list", "from": "2026-06-01", "to": "2026-07-01"},
            {"id": 5, "cmd": "get", "uid": "gm-own"}]
    events = c.call("status")["result"]["events"]
    c.s.sendall(b"".join((json.dumps(x) + "\n").encode() for x in reqs))
    rep = [c.recv(30) for _ in reqs]
    check("pipelined add and reads answered in order",
          [x.get("id") for x in rep] == [1, 2, 3, 4, 5], rep)
    check("each read after the add sees it", ok_reply(rep[1]) and
          ok_reply(rep[4]) and rep[2]["result"]["events"] == events + 1 and
          "gm-own" in json.dumps(rep[3]), rep[1:])


def main():
    path, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        {"pipelined": pipelined, "concurrent": concurrent, "mixed": mixed,
         "anchor": anchor, "snapshot": snapshot, "tally": tally,
         "tallycheck": tallycheck,
         "writer": writer, "verify": verify, "heavy": heavy,
         "heavycheck": heavycheck}[what](path, *args)
    except (socket.timeout, ConnectionError) as e:
        check(what + ": kcald answered", False, e)
        sys.exit(1)


if __name__ == "__main__":
    main()
