#!/usr/bin/env python3
"""list_diff.py -- the fast list path against the old one (test-list-diff.sh).

A random store (the seed is printed, and taken from the command line to
replay a failure) is imported into a running kcald: single events in
several zones, all-day ones, cancelled ones, classes up to confidential,
people (or nobody), text that JSON must escape, reminders, parents,
cities and anchors, crowds at one instant; series daily, weekly and
all-day, bounded and not, with EXDATEs and RECURRENCE-ID overrides (moved, cancelled, of another kind or status, with people of
their own).  Then random requests (windows, filters, limits, a cursor
followed to the end) are sent and each reply line is written as it came.
The same requests to a kcald run with KCAL_LIST_SLOW=1 (every list made
the old way: the row walk, each event a jansson object) must give the same
bytes.

    python3 list_diff.py build SOCKET SEED
    python3 list_diff.py query SOCKET SEED OUT	(OUT -: standard output)
    python3 list_diff.py compare FAST SLOW [SEED]
"""
import datetime as dt
import json
import random
import re
import sys

from kconn import Conn

ZONES = ["Asia/Seoul", "America/New_York", "Europe/Berlin",
         "Asia/Kathmandu", "UTC", "Australia/Lord_Howe"]
NAMES = ["Alice", "Bob", "Chen Wei", "김민준", "Émile", "Dana"]
KINDS = ["meeting", "bilateral", "banquet", "state-visit", "travel"]
TEXT = ["Talks", "Lunch \\\"quoted\\\"", "Back\\\\slash", "Line\\nbreak",
        "회담", "Café, Seoul\\; annex", "Tab\there"]
DAY0 = dt.datetime(2031, 3, 1)
SPAN = 90			# days of the store
LIMITS = [None, 1, 2, 3, 7, 20, 200]


def stamp(t, zone, all_day):
    if all_day:
        return ";VALUE=DATE:" + t.strftime("%Y%m%d")
    if zone == "UTC":
        return ":" + t.strftime("%Y%m%dT%H%M%SZ")
    return ";TZID=%s:%s" % (zone, t.strftime("%Y%m%dT%H%M%S"))


def common(r, uid, summary=None):
    lines = ["UID:" + uid, "DTSTAMP:20300101T000000Z",
             "SUMMARY:" + (summary or r.choice(TEXT)),
             "CATEGORIES:" + r.choice(KINDS),
             "STATUS:" + r.choice(["CONFIRMED"] * 4 + ["TENTATIVE",
                                                        "CANCELLED"]),
             "CLASS:" + r.choice(["PUBLIC"] * 3 + ["PRIVATE",
                                                   "CONFIDENTIAL"])]
    if r.random() < 0.4:
        lines.append("LOCATION:" + r.choice(TEXT))
    if r.random() < 0.2:
        lines.append("DESCRIPTION:" + r.choice(TEXT))
    if r.random() < 0.2:
        lines.append("X-KCAL-CITY:" + r.choice(["Seoul", "Beijing"]))
    if r.random() < 0.1:
        lines.append("X-KCAL-END-CITY:Tokyo")
    if r.random() < 0.1:
        # an event sK follows an earlier one: import refuses a cycle
        a, off = r.randrange(30), r.choice([0, 15, 90])
        k = int(uid[1:uid.index("@")]) if re.match(r"s\d+@", uid) else 30
        if k > 0:
            lines += ["X-KCAL-ANCHOR:s%d@diff.test" % (a % k),
                      "X-KCAL-ANCHOR-OFFSET:PT%dM" % off]
    for i, n in enumerate(r.sample(NAMES, r.choice([0, 0, 1, 2, 3]))):
        lines.append("ATTENDEE;CN=%s:mailto:p%d@diff.test" % (n, i))
    if r.random() < 0.3:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:r",
                  "TRIGGER:-PT%dM" % r.choice([10, 30, 90]), "END:VALARM"]
    return lines


def times(r, start, all_day, zone):
    if all_day:
        d = start.replace(hour=0, minute=0)
        return (["DTSTART" + stamp(d, zone, 1), "DTEND" +
                 stamp(d + dt.timedelta(days=r.choice([1, 1, 2])), zone,
                       1)])
    dur = r.choice([0, 30, 60, 60, 90, 240, 1500, 4000])
    return ["DTSTART" + stamp(start, zone, 0),
            "DURATION:PT%dM" % dur]


def single(r, k, parents):
    start = DAY0 + dt.timedelta(minutes=r.randrange(SPAN * 96) * 15)
    zone, all_day = r.choice(ZONES), r.random() < 0.15
    lines = ["BEGIN:VEVENT"] + common(r, "s%d@diff.test" % k)
    lines += times(r, start, all_day, zone)
    if parents and r.random() < 0.2:
        lines.append("RELATED-TO;RELTYPE=PARENT:" + r.choice(parents))
    return lines + ["END:VEVENT"]


def override(r, uid, rid, zone, all_day):
    moved = rid + dt.timedelta(minutes=r.choice([0, -90, 45, 60 * 26]))
    lines = ["BEGIN:VEVENT"] + common(r, uid, "moved " + r.choice(TEXT))
    lines.append("RECURRENCE-ID" + stamp(rid, zone, all_day))
    lines += times(r, moved, all_day, zone)
    return lines + ["END:VEVENT"]


def series(r, k, daily_forever=False):
    """A series; a few with overrides (a page with one of them is made
    the old way), one in some stores daily without end (not indexed: every
    window that reaches it is made the old way)."""
    uid = "r%d@diff.test" % k
    first = DAY0 + dt.timedelta(days=r.randrange(-40, SPAN // 2),
                                minutes=r.randrange(96) * 15)
    zone, all_day = r.choice(ZONES), r.random() < 0.2
    freq = r.choice(["DAILY", "WEEKLY", "WEEKLY"])
    end = r.choice([";COUNT=%d" % r.randint(2, 40)] * 3 + [";COUNT=200",
                                                           ""])
    if daily_forever:
        freq, end = "DAILY", ""
    elif end == "":
        freq = "WEEKLY"
    step = dt.timedelta(days=1 if freq == "DAILY" else 7)
    lines = ["BEGIN:VEVENT"] + common(r, uid)
    lines += times(r, first, all_day, zone)
    lines.append("RRULE:FREQ=%s%s" % (freq, end))
    if r.random() < 0.3:
        lines.append("EXDATE" + stamp(first + step * r.randint(1, 8), zone,
                                      all_day))
    lines.append("END:VEVENT")
    if r.random() < 0.15:
        for n in r.sample(range(1, 12), r.randint(1, 3)):
            lines += override(r, uid, first + step * n, zone, all_day)
    return lines


def crowd(r, k):
    """Many events at one instant: a page's last start then has more
    items than the first read of the store gives (cmd-list.c, read_picks),
    and a cursor inside them."""
    at = DAY0 + dt.timedelta(days=r.randrange(SPAN), hours=9)
    out = []
    for i in range(r.randint(60, 110)):
        out += ["BEGIN:VEVENT"] + common(r, "c%d-%d@diff.test" % (k, i))
        out += times(r, at, 0, "UTC") + ["END:VEVENT"]
    return out


def store_ics(seed):
    r = random.Random(seed)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kcal tests//diff//EN"]
    for k in range(r.randint(1, 2)):
        out += crowd(r, k)
    parents = []
    for k in range(r.randint(60, 160)):
        ev = single(r, k, parents)
        out += ev
        if r.random() < 0.1:
            parents.append("s%d@diff.test" % k)
    for k in range(r.randint(10, 35)):
        out += series(r, k)
    if r.random() < 0.3:
        out += series(r, 99, daily_forever=True)
    return "\r\n".join(out + ["END:VCALENDAR"]) + "\r\n"


def build(sock, seed):
    c = Conn(sock)
    res = c.call("import", ical=store_ics(seed), tz="UTC")
    if not res.get("ok"):
        print("FAIL the random store imports: %s" % res)
        return 1
    print("ok   the random store imports (seed %s)" % seed)
    return 0


def when(r):
    t = DAY0 + dt.timedelta(days=r.randrange(-10, SPAN + 10),
                            minutes=r.randrange(96) * 15)
    return t.strftime("%Y-%m-%d") if r.random() < 0.5 else \
        t.strftime("%Y-%m-%dT%H:%M")


def request(r):
    a = {}
    lo = when(r)
    hi = (dt.datetime.fromisoformat(lo) + dt.timedelta(
        hours=r.choice([1, 12, 24, 24 * 7, 24 * 7, 24 * 31]))).strftime(
        "%Y-%m-%dT%H:%M")
    if r.random() > 0.05:
        a["from"] = lo
    if r.random() > 0.05:
        a["to"] = hi
    if r.random() < 0.15:
        a["kind"] = r.choice(KINDS)
    if r.random() < 0.1:
        a["status"] = r.choice(["tentative", "confirmed", "cancelled"])
    if r.random() < 0.1:
        a["search"] = r.choice(["talk", "회담", "moved", "x"])
    if r.random() < 0.2:
        a["include_cancelled"] = True
    if r.random() < 0.05:
        a["parent"] = "s%d@diff.test" % r.randrange(20)
    lim = r.choice(LIMITS)
    if lim is not None:
        a["limit"] = lim
    return a


def query(sock, seed, out, n=60):
    r = random.Random("q%s" % seed)
    c = Conn(sock)
    f = sys.stdout if out == "-" else open(out, "w")
    with f:
        for i in range(n):
            args = request(r)
            pages = 0
            while True:
                line = c.raw("list", **args).decode()
                f.write("%d\t%s\t%s" % (i, json.dumps(args), line))
                cur = json.loads(line).get("result", {}).get("next_cursor")
                pages += 1
                if cur is None or pages > 400:
                    break
                args = dict(args, cursor=cur)
    print("ok   %d random lists asked (seed %s)" % (n, seed),
          file=sys.stderr if out == "-" else sys.stdout)
    return 0


def compare(fast, slow, seed="?"):
    a = open(fast).read().splitlines()
    b = open(slow).read().splitlines()
    bad = 0
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "(none)"
        y = b[i] if i < len(b) else "(none)"
        if x != y:
            bad += 1
            if bad <= 3:
                at = next((k for k in range(min(len(x), len(y)))
                           if x[k] != y[k]), min(len(x), len(y)))
                print("FAIL seed %s: reply %d differs at byte %d:\n  fast "
                      "%s\n  slow %s" % (seed, i, at,
                                          x[max(0, at - 150):at + 150],
                                          y[max(0, at - 150):at + 150]))
    events = sum(len(json.loads(x.split("\t", 2)[2]).get("result", {})
                     .get("events", [])) for x in a)
    if bad == 0:
        print("ok   %d replies (%d events) are byte for byte the old "
              "path's" % (len(a), events))
    return 1 if bad else 0


def main():
    cmd = sys.argv[1]
    if cmd == "build":
        return build(sys.argv[2], sys.argv[3])
    if cmd == "query":
        return query(sys.argv[2], sys.argv[3], sys.argv[4])
    return compare(*sys.argv[2:5])


if __name__ == "__main__":
    sys.exit(main())
