#!/usr/bin/env python3
"""killloop.py -- clients for the crash-safety test (test-killloop.sh).

    killloop.py SOCKET writer PREFIX ACKED     add events PREFIX-1, -2, ...
        one at a time until the daemon dies; append each UID to ACKED once
        the daemon has acknowledged it.
    killloop.py SOCKET verify ACKED            every acknowledged UID is in
        the store: prints "missing N of M" and exits 1 if N > 0.
    killloop.py SOCKET importer ICS RESULT     send one import of ICS; write
        "acked" or "failed: ..." to RESULT when the reply arrives.
    killloop.py SOCKET count PREFIX            how many events' UIDs start
        with PREFIX (over all time, cancelled included; the summaries that
        genics writes contain the UID, so a search finds them).
    killloop.py - genics FILE N PREFIX         write an .ics of N events.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wire import Conn  # noqa: E402


def writer(path, prefix, acked):
    c = Conn(path)
    n = 0
    with open(acked, "a") as out:
        while True:
            n += 1
            uid = "%s-%d" % (prefix, n)
            try:
                r = c.call("add", uid=uid, summary="Crash test " + uid,
                           start="2026-05-%02dT09:00" % (n % 28 + 1))
            except (OSError, ValueError):
                return
            if r is None:
                return
            if r.get("ok"):
                out.write(uid + "\n")
                out.flush()


def verify(path, acked):
    c = Conn(path)
    with open(acked) as f:
        uids = [u.strip() for u in f if u.strip()]
    missing = [u for u in uids if not c.call("get", uid=u).get("ok")]
    print("missing %d of %d%s" % (len(missing), len(uids),
                                  (": " + " ".join(missing[:5])) if missing
                                  else ""))
    sys.exit(1 if missing else 0)


def importer(path, ics, result):
    with open(ics) as f:
        text = f.read()
    try:
        c = Conn(path)
        r = c.call("import", timeout=300, ical=text, name="killloop.ics")
    except (OSError, ValueError) as e:
        r = {"error": {"message": str(e)}}
    with open(result, "w") as out:
        if r is not None and r.get("ok"):
            out.write("acked\n")
        else:
            out.write("failed: %s\n" % json.dumps(r))


def count(path, prefix):
    c = Conn(path)
    r = c.call("list", search=prefix, include_cancelled=True,
               **{"from": "1970-01-02", "to": "2100-01-01"})
    if r is None or not r.get("ok"):
        print("error: %s" % r)
        sys.exit(1)
    print(sum(1 for e in r["result"]["events"]
              if e["uid"].startswith(prefix)))


def genics(_path, out, n, prefix):
    n = int(n)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//kcal//killloop test//EN"]
    for i in range(n):
        day = i % 300
        lines += ["BEGIN:VEVENT",
                  "UID:%s-%d" % (prefix, i),
                  "DTSTAMP:20260101T000000Z",
                  "DTSTART:2027%02d%02dT%02d0000Z" % (day // 28 + 1,
                                                      day % 28 + 1, i % 24),
                  "DURATION:PT1H",
                  "SUMMARY:Imported item %s-%d" % (prefix, i),
                  "LOCATION:Great Hall of the People\\, Beijing",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    with open(out, "w") as f:
        f.write("\r\n".join(lines) + "\r\n")


def main():
    path, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    {"writer": writer, "verify": verify, "importer": importer,
     "count": count, "genics": genics}[what](path, *args)


if __name__ == "__main__":
    main()
