#!/usr/bin/env python3
"""import_busy.py -- who is busy when (store-busy.c) after a streamed
import, which makes the busy rows of the events it adds at its end, against
a store that got the same events row by row (test-import-busy.sh).

    import_busy.py gen SEED DIR      write DIR/pre.json, DIR/one.ics and
                                     DIR/two.ics (the seed picks them)
    import_busy.py pre SOCKET DIR    add DIR/pre.json's events
    import_busy.py whole SOCKET ICS  ICS in one "import" request (row by
                                     row, as every write but a streamed
                                     import keeps busy)
    import_busy.py adds SOCKET SEED OUT
                                     adds after the import, each one's
                                     reported conflicts checked against
                                     `conflicts` and written to OUT
    import_busy.py compare A.db B.db A.adds B.adds
                                     busy and series_overridden of the two
                                     stores alike, and as the events and
                                     participants say; the adds' conflicts
                                     alike

The files: single events whose people repeat a name in another case
(Alice, ALICE: busy keeps one row, the first's case) or not at all, non-
ASCII names (NOCASE folds ASCII only), series with RECURRENCE-ID overrides
and without, an override whose series is not in the file or the store
(kept as an event of its own), and overrides of a series added before the
import; the events added before are partly updated by the first file
(new times and people), and the second file updates events of the first
and adds new ones (an import into a store that already has imported
events).
"""
import json
import os
import random
import sqlite3
import sys

from kconn import Conn
import conflict_diff as cd

NAMES = ["Alice", "ALICE", "alice", "Bob", "bob", "Chen Wei", "CHEN WEI",
         "Dana", "Eve", "김민준", "Émile", "émile"]
FMT = "%Y%m%dT%H%M%SZ"


def when(r):
    return cd.DAY0 + cd.dt.timedelta(days=r.randint(0, 3),
                                      hours=r.randint(5, 21),
                                      minutes=r.choice((0, 15, 30, 45)))


def names(r):
    """0 to 4 names, now and then the same one twice in two cases."""
    ns = r.sample(NAMES, r.randint(0, 4))
    if ns and r.random() < 0.3:
        ns.insert(r.randrange(len(ns) + 1), r.choice(ns).swapcase())
    return ns


def vevent(uid, start, mins, ns, seq=0, extra=()):
    end = start + cd.dt.timedelta(minutes=mins)
    return (["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z",
             "SEQUENCE:%d" % seq, "SUMMARY:" + uid.split("@")[0],
             "DTSTART:" + start.strftime(FMT), "DTEND:" + end.strftime(FMT)] +
            list(extra) +
            ["ATTENDEE;CN=%s:mailto:p%d@busy.test" % (n, i)
             for i, n in enumerate(ns)] + ["END:VEVENT"])


def series(r, uid, overrides, seq=0, master=True):
    start = when(r)
    out = vevent(uid, start, 60, names(r), seq,
                 ["RRULE:FREQ=DAILY;COUNT=4"]) if master else []
    for k in range(overrides):
        rid = start + cd.dt.timedelta(days=k + 1)
        moved = rid + cd.dt.timedelta(minutes=r.choice((-90, 30, 45)))
        out += vevent(uid, moved, 60, names(r) or ["Dana"], seq,
                      ["RECURRENCE-ID:" + rid.strftime(FMT)])
    return out


def calendar(parts):
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0",
                        "PRODID:-//busy//EN"] + parts +
                       ["END:VCALENDAR"]) + "\r\n"


def gen(seed, d):
    r = random.Random(seed)
    pre = []
    for i in range(30):
        s = when(r)
        a = {"uid": "pre%d@busy.test" % i, "summary": "Pre %d" % i,
             "start": cd.utc(s),
             "end": cd.utc(s + cd.dt.timedelta(minutes=r.choice((30, 90)))),
             "tz": "UTC", "kind": "meeting",
             "participants": [{"name": n} for n in names(r)]}
        if i < 3:
            a["rrule"] = "FREQ=DAILY;COUNT=4"
        pre.append(a)
    with open(os.path.join(d, "pre.json"), "w") as f:
        json.dump(pre, f, ensure_ascii=False)
    one = []
    for i in range(250):
        one += vevent("one%d@busy.test" % i, when(r),
                      r.choice((15, 60, 120)), names(r))
    for i in range(15):
        one += series(r, "ser%d@busy.test" % i, r.choice((0, 0, 1, 2)))
    for i in range(3, 18):		# updates of events added before
        one += vevent("pre%d@busy.test" % i, when(r), 45, names(r), 1)
    for i in range(2):			# overrides of a series added before
        one += series(r, "pre%d@busy.test" % i, 2, 0, master=False)
    one += series(r, "orphan@busy.test", 1, 0, master=False)
    two = []
    for i in range(0, 250, 7):
        two += vevent("one%d@busy.test" % i, when(r), 30, names(r), 1)
    for i in range(0, 15, 4):
        two += series(r, "ser%d@busy.test" % i, 1, 1)
    for i in range(80):
        two += vevent("two%d@busy.test" % i, when(r), 60, names(r))
    for name, parts in (("one.ics", one), ("two.ics", two)):
        with open(os.path.join(d, name), "w") as f:
            f.write(calendar(parts))
    return 0


def pre(sock, d):
    c = Conn(sock)
    with open(os.path.join(d, "pre.json")) as f:
        for a in json.load(f):
            res = c.call("add", **a)
            if not res.get("ok"):
                print("FAIL add %s refused: %s" % (a["uid"], res))
                return 1
    return 0


def whole(sock, ics):
    with open(ics) as f:
        res = Conn(sock).call("import", ical=f.read(), tz="UTC")
    if not res.get("ok"):
        print("FAIL the one-request import of %s: %s" % (ics, res))
        return 1
    return 0


def adds(sock, seed, out):
    """Adds whose conflict check reads busy: each one's conflicts as the
    `conflicts` command finds them too, and all of them into out."""
    r = random.Random(seed)
    c = Conn(sock)
    got_all, bad = [], 0
    for i in range(60):
        a = cd.add_args(r, 1000 + i, [])
        a["participants"] = [{"name": n} for n in names(r) or ["Alice"]]
        res = c.call("add", **a)
        if not res.get("ok"):
            print("FAIL add %d refused: %s" % (i, res))
            return 1
        ev = res["result"]
        ref = c.call("conflicts", **{"from": cd.zulu(ev["start_utc"] - cd.PAD),
                                     "to": cd.zulu(ev["end_utc"] + cd.PAD)})
        want = [k for k in ref["result"]["conflicts"]
                if a["uid"] in (k["events"][0]["uid"],
                                k["events"][1]["uid"])]
        got = ev.get("conflicts", [])
        if cd.canon(got) != cd.canon(want):
            bad += 1
        got_all.append(sorted([k["type"], sorted(e["uid"] for e in
                                                 k["events"]),
                               k.get("participants")] for k in got))
    with open(out, "w") as f:
        json.dump(got_all, f, ensure_ascii=False)
    if bad:
        print("FAIL %s: %d of 60 adds report other conflicts than "
              "`conflicts` finds" % (os.path.basename(out), bad))
        return 1
    if not any(got_all):
        print("FAIL %s: the adds met no conflict" % os.path.basename(out))
        return 1
    return 0


def nocase(s):
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in s)


def tables(path):
    db = sqlite3.connect(path)
    busy = sorted(db.execute("SELECT name, start_utc, event_uid, end_utc, "
                             "series FROM busy"))
    ovr = sorted(db.execute("SELECT uid, start_utc, end_utc FROM "
                            "series_overridden"))
    # As per-row upkeep makes them: each event's names in their order,
    # one row per name without regard to ASCII case, the first's case.
    want, seen = [], set()
    for uid, start, end, rrule, name in db.execute(
            "SELECT e.uid, e.start_utc, e.end_utc, e.rrule, p.name FROM "
            "events e JOIN participants p ON p.event_uid = e.uid "
            "ORDER BY e.uid, p.pos"):
        if (nocase(name), start, uid) not in seen:
            seen.add((nocase(name), start, uid))
            want.append((name, start, uid, end, int(rrule is not None)))
    want_ovr = sorted(db.execute(
        "SELECT uid, start_utc, end_utc FROM events WHERE rrule IS NOT NULL "
        "AND instr(ical, 'RECURRENCE-ID')"))
    db.close()
    return busy, ovr, sorted(want), want_ovr


def diff(label, a, b):
    sa, sb = set(a), set(b)
    if a == b:
        return 0
    print("FAIL %s: %d rows against %d" % (label, len(a), len(b)))
    for row in sorted(sa - sb)[:5]:
        print("     only in the first: %r" % (row,))
    for row in sorted(sb - sa)[:5]:
        print("     only in the second: %r" % (row,))
    if len(sa) != len(a) or len(sb) != len(b):
        print("     (duplicate rows)")
    return 1


def compare(a_db, b_db, a_adds, b_adds):
    busy_a, ovr_a, want_a, wovr_a = tables(a_db)
    busy_b, ovr_b, want_b, wovr_b = tables(b_db)
    bad = 0
    if len(busy_a) < 500 or len({nocase(n) for n, *_ in busy_a}) >= \
            len({n for n, *_ in busy_a}) or len(ovr_a) < 3:
        print("FAIL the stores are too plain to tell (%d busy rows, "
              "%d series with overrides)" % (len(busy_a), len(ovr_a)))
        bad += 1
    bad += diff("busy after streamed imports = busy after row-by-row "
                "writes", busy_a, busy_b)
    bad += diff("series_overridden after streamed imports = after "
                "row-by-row writes", ovr_a, ovr_b)
    bad += diff("busy after streamed imports = as events and "
                "participants say", busy_a, want_a)
    bad += diff("busy after row-by-row writes = as events and "
                "participants say", busy_b, want_b)
    bad += diff("series_overridden = as the events say", ovr_a, wovr_a)
    with open(a_adds) as f, open(b_adds) as g:
        ca, cb = json.load(f), json.load(g)
    if ca != cb:
        print("FAIL the adds after the imports report other conflicts than "
              "after row-by-row writes (%d of %d differ)" % (
                  sum(x != y for x, y in zip(ca, cb)), len(ca)))
        bad += 1
    if not bad:
        print("ok   busy (%d rows) and series_overridden (%d) after streamed "
              "imports are what row-by-row writes make; the adds after them "
              "report the same %d conflicts" % (
                  len(busy_a), len(ovr_a), sum(len(x) for x in ca)))
    return 1 if bad else 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        return gen(int(args[0]), args[1])
    if cmd == "pre":
        return pre(args[0], args[1])
    if cmd == "whole":
        return whole(args[0], args[1])
    if cmd == "adds":
        return adds(args[0], int(args[1]), args[2])
    if cmd == "compare":
        return compare(*args)
    print("FAIL unknown command %s" % cmd)
    return 1


if __name__ == "__main__":
    sys.exit(main())
