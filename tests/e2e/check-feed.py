#!/usr/bin/python3
"""check-feed.py URL|FILE -- an independent check of an iCalendar feed, for
when ../shared's validate-feed is absent: the body must parse with
python3-icalendar (Debian python3-icalendar, not our libical), and its
layout must be what subscribing apps need (RFC 5545 3.1): CRLF line ends,
lines of at most 75 octets, no UTF-8 character split by a fold, a
VCALENDAR with VERSION and PRODID, every VEVENT with UID, DTSTAMP and
DTSTART, and one VTIMEZONE for every TZID used.  Prints "feed-check: N
passed, N failed" and the failures; exits non-zero on any."""
import sys
import urllib.request

import icalendar


def fetch(src):
    if src.startswith("http://"):
        req = urllib.request.Request(src, headers={"Accept-Encoding": "identity"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()
    with open(src, "rb") as f:
        return f.read()


def layout(body, fails):
    if body and not body.endswith(b"\r\n"):
        fails.append("the body does not end with CRLF")
    lines = body.split(b"\r\n")
    for n, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            fails.append("line %d: a bare LF or CR" % n)
        if len(line) > 75:
            fails.append("line %d: %d octets (over 75)" % (n, len(line)))
        if line.startswith((b" ", b"\t")) and line[1:2] and (line[1] & 0xC0) == 0x80:
            fails.append("line %d: a fold splits a UTF-8 character" % n)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        fails.append("not UTF-8: %s" % e)


def content(body, fails):
    try:
        cal = icalendar.Calendar.from_ical(body)
    except Exception as e:  # the parser's own words
        fails.append("python3-icalendar refuses it: %s" % e)
        return
    for prop in ("VERSION", "PRODID"):
        if prop not in cal:
            fails.append("VCALENDAR has no %s" % prop)
    zones = {str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")}
    used = set()
    for ev in cal.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART"):
            if prop not in ev:
                fails.append("a VEVENT (%s) has no %s" % (ev.get("UID"), prop))
        for name, val in ev.property_items():
            tzid = getattr(val, "params", {}).get("TZID") if hasattr(val, "params") else None
            if tzid:
                used.add(str(tzid))
    for tzid in sorted(used - zones):
        fails.append("TZID %s is used but has no VTIMEZONE" % tzid)


def main():
    body = fetch(sys.argv[1])
    fails = []
    layout(body, fails)
    content(body, fails)
    for f in fails:
        print("FAIL", f)
    print("feed-check: %d passed, %d failed" % (0 if fails else 1, 1 if fails else 0))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
