#!/usr/bin/env python3
"""conflict_diff.py -- the conflict check of every add against
conflict_find over the whole window (test-conflict-diff.sh).

A random store is built in a running kcald (the seed is printed, and taken
from the command line to replay a failure): series with RECURRENCE-ID
overrides imported first, then adds of events with random times, cities
and people (names that differ only in ASCII case among them), some
cancelled, some visits with a programme, some recurring; and among them
updates (new times, people or status) and deletes of events added before,
which the check's index of who is busy when (store-busy.c) must follow.
The conflicts each add or update reports must be exactly those that
`conflicts` finds, over the window the check looks at, that involve the
event written: the check keeps only the rows that share a participant
with it, `conflicts` keeps all.

    python3 conflict_diff.py SOCKET [SEED [ADDS]]
"""
import datetime as dt
import json
import random
import sys

from kconn import Conn

PAD = 3600 + 1		# the longest transfer time (kcald's default) + 1
NAMES = ["Alice", "ALICE", "alice", "Bob", "bob", "Chen Wei", "Dana",
         "Eve", "김민준", "Émile"]
CITIES = ["Seoul", "Tokyo", "Beijing", "Busan", "Seoul", "Nowhere Town"]
KINDS = ["meeting", "bilateral", "banquet", "state-visit", "travel"]
DAY0 = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)


def utc(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def zulu(epoch):
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def people(r, lo=0):
    return [{"name": n} for n in r.sample(NAMES, r.randint(lo, 3))]


def series_ics(r, k):
    """A daily series whose second occurrence is overridden: moved, and
    with people of its own (the master may have nobody)."""
    start = DAY0 + dt.timedelta(hours=r.randint(6, 20))
    moved = start + dt.timedelta(days=1, minutes=r.choice((-90, -30, 45)))
    uid = "series-%d@diff.test" % k

    def att(ps):
        return ["ATTENDEE;CN=%s:mailto:p%d@diff.test" % (p["name"], i)
                for i, p in enumerate(ps)]
    fmt = "%Y%m%dT%H%M%SZ"
    lines = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z",
             "SUMMARY:Series %d" % k, "LOCATION:" + r.choice(CITIES),
             "DTSTART:" + start.strftime(fmt),
             "DTEND:" + (start + dt.timedelta(hours=1)).strftime(fmt),
             "RRULE:FREQ=DAILY;COUNT=3"] + att(people(r)) + [
             "END:VEVENT", "BEGIN:VEVENT", "UID:" + uid,
             "DTSTAMP:20260101T000000Z", "SUMMARY:Series %d moved" % k,
             "LOCATION:" + r.choice(CITIES),
             "RECURRENCE-ID:" + (start + dt.timedelta(days=1)).strftime(fmt),
             "DTSTART:" + moved.strftime(fmt),
             "DTEND:" + (moved + dt.timedelta(hours=1)).strftime(fmt)] + \
        att(people(r, 1)) + ["END:VEVENT"]
    return lines


def add_args(r, i, visits):
    start = DAY0 + dt.timedelta(days=r.randint(0, 2), hours=r.randint(5, 21),
                                minutes=r.choice((0, 15, 30, 45)))
    kind = r.choice(KINDS)
    mins = r.choice((15, 30, 60, 90, 180)) if kind != "state-visit" else \
        r.choice((600, 1440, 2880))
    a = {"uid": "e%d@diff.test" % i, "summary": "Event %d" % i,
         "start": utc(start),
         "end": utc(start + dt.timedelta(minutes=mins)), "tz": "UTC",
         "kind": kind, "location": r.choice(CITIES),
         "participants": people(r)}
    if r.random() < 0.06:
        a["status"] = "cancelled"
    if visits and kind != "state-visit" and r.random() < 0.2:
        a["parent"] = r.choice(visits)
    if r.random() < 0.08:
        a["rrule"] = "FREQ=DAILY;COUNT=%d" % r.randint(2, 4)
    return a


def change_args(r, i, uid):
    """An update of uid: new times, people, status or rule (not its kind:
    a visit moved would clash with a programme outside the window)."""
    x = add_args(r, i, [])
    a = {"uid": uid}
    for k in r.sample(["times", "participants", "status", "rrule"],
                      r.randint(1, 2)):
        if k == "times":
            a["start"], a["end"] = x["start"], x["end"]
        elif k == "status":
            a["status"] = r.choice(["cancelled", "confirmed"])
        elif k == "rrule":
            a["rrule"] = "FREQ=DAILY;COUNT=%d" % r.randint(2, 3)
        else:
            a["participants"] = people(r, 1)
    return a


def canon(conflicts):
    return sorted(json.dumps(c, sort_keys=True, ensure_ascii=False)
                  for c in conflicts)


def main():
    sock = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 30)
    adds = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    print("seed %d (replay: conflict_diff.py SOCKET %d %d)" % (seed, seed,
                                                                  adds))
    r = random.Random(seed)
    c = Conn(sock)
    ics = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//diff//EN"]
    for k in range(6):
        ics += series_ics(r, k)
    ics.append("END:VCALENDAR")
    res = c.call("import", ical="\r\n".join(ics) + "\r\n", tz="UTC")
    if not res.get("ok"):
        print("FAIL the series import: %s" % res)
        return 1
    visits, others, bad, found = [], [], 0, 0
    for i in range(adds):
        if others and r.random() < 0.05:
            u = others.pop(r.randrange(len(others)))
            if not c.call("delete", uid=u).get("ok"):
                print("FAIL delete of %s refused" % u)
                return 1
        if others and r.random() < 0.25:
            a, cmd = change_args(r, i, r.choice(others)), "update"
        else:
            a, cmd = add_args(r, i, visits), "add"
        res = c.call(cmd, **a)
        if not res.get("ok"):
            print("FAIL %s %d refused: %s" % (cmd, i, res))
            return 1
        ev = res["result"]
        if cmd == "add" and a["kind"] == "state-visit" and "status" not in a:
            visits.append(a["uid"])
        elif cmd == "add":
            others.append(a["uid"])
        ref = c.call("conflicts", **{"from": zulu(ev["start_utc"] - PAD),
                                     "to": zulu(ev["end_utc"] + PAD)})
        want = [k for k in ref["result"]["conflicts"]
                if a["uid"] in (k["events"][0]["uid"],
                                k["events"][1]["uid"])]
        got = ev.get("conflicts", [])
        found += len(got)
        if canon(got) != canon(want):
            bad += 1
            if bad <= 3:
                print("     %s %d (%s): reported %d, conflicts finds %d"
                      % (cmd, i, a["uid"], len(got), len(want)))
                for k in sorted(set(canon(got)) ^ set(canon(want))):
                    print("       only in %s: %s" % (
                        "reply" if k in canon(got) else "conflicts", k[:300]))
    if found == 0:
        print("FAIL seed %d: the adds met no conflict at all" % seed)
        return 1
    if bad:
        print("FAIL seed %d: %d of %d writes report other conflicts than "
              "conflict_find" % (seed, bad, adds))
        return 1
    print("ok   seed %d: %d writes report the conflicts conflict_find finds "
          "(%d in all)" % (seed, adds, found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
