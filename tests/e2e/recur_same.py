#!/usr/bin/python3
"""recur_same.py -- do list, itinerary, feeds and reminders agree on when a
series occurs?  The differential half of tests/e2e/test-recur-same.sh.

usage: recur_same.py prepare [--home ZONE] IN.ics OUT.ics
       recur_same.py check --kcal PATH [--home ZONE] --feed URL [--name NAME] OUT.ics

prepare: every master VEVENT of IN with an RRULE or RDATE that
recur_diff.py can model (recur_diff.series: IANA zones, no RSCALE, years
kcal keeps) becomes the programme of its own visit, so `kcal itinerary`
shows it: every VEVENT of that UID (master and overrides) gets
RELATED-TO;RELTYPE=PARENT:visit-N@recur-same.test, and the visit is added.
VALARMs are dropped so kcald.conf's remind_default gives each occurrence
exactly one reminder.  Everything else is copied line by line.

check (OUT imported into the kcald of $KCAL_SOCKET): for each series and
each window -- its first two years (recur_diff.windows), and the two years
from tomorrow -- the start instants of its occurrences that are not
cancelled, as told by
  list       kcal list --all --parent visit-N --format json
  itinerary  kcal itinerary visit-N --format json (the visit moved to the
             window first with kcal edit)
  feed       the feed at URL, read by python3-icalendar and expanded here
             by dateutil (recur_diff.expected), its overrides applied
  reminders  kcal reminders --format json, the part of the window still
             to come (reminders are only listed ahead)
must be one set.  Prints MATCH / MISMATCH (with the differences) / SKIP
lines and ends with "N passed, N failed, N skipped".
"""
import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recur_diff as rd  # noqa: E402  (SKIPs itself without its modules)
from recur_diff import icalendar, ZoneInfo, UTC, Skip, iso  # noqa: E402

YEARS = 2
VISIT = "visit-%d@recur-same.test"


def masters(path, home):
    """[(uid, master VEVENT, skip reason or None)] in file order."""
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    out = []
    for c in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in c or not ("RRULE" in c or "RDATE" in c):
            continue
        why = None
        try:
            rd.windows(c, home, YEARS)
        except Skip as exc:
            why = str(exc)
        except Exception as exc:
            why = "dateutil cannot expand it (%s)" % exc
        out.append((str(c.get("UID")), c, why))
    return out


def day(t, home):
    return dt.datetime.fromtimestamp(t, UTC).astimezone(home).strftime("%Y%m%d")


def prepare(home, src, dst):
    series = [(u, c) for u, c, why in masters(src, home) if why is None]
    visit = {u: VISIT % i for i, (u, _) in enumerate(series)}
    lines = re.split(r"\r?\n", open(src, encoding="utf-8",
                                     errors="surrogateescape").read())
    out, block = [], None
    for ln in lines:
        if ln.upper() == "BEGIN:VEVENT" and block is None:
            block = [ln]
            continue
        if block is None:
            if ln.upper() == "END:VCALENDAR":
                out.extend(visits(series, visit, home))
            out.append(ln)
            continue
        block.append(ln)
        if ln.upper() == "END:VEVENT":
            out.extend(rewrite(block, visit))
            block = None
    open(dst, "w", encoding="utf-8", errors="surrogateescape").write(
        "\r\n".join(out))


def rewrite(block, visit):
    """A VEVENT without RELATED-TO or VALARM, its series' visit its parent."""
    uid, kept, drop, alarm = None, [], False, 0
    for ln in block:
        up = ln.upper()
        if ln[:1] in (" ", "\t"):
            if not drop:
                kept.append(ln)
            continue
        drop = False
        if up == "BEGIN:VALARM":
            alarm += 1
        if alarm:
            drop = True
            if up == "END:VALARM":
                alarm -= 1
            continue
        if up.startswith("RELATED-TO"):
            drop = True
            continue
        if up.startswith("UID:") and uid is None:
            uid = ln[4:]
        kept.append(ln)
    if uid in visit:
        kept.insert(-1, "RELATED-TO;RELTYPE=PARENT:" + visit[uid])
    return kept


def visits(series, visit, home):
    out = []
    for u, c in series:
        lo, hi = rd.windows(c, home, YEARS)[0]
        out += ["BEGIN:VEVENT", "UID:" + visit[u],
                "DTSTAMP:20260101T000000Z",
                "DTSTART;VALUE=DATE:" + day(lo, home),
                "DTEND;VALUE=DATE:" + day(hi + 86400, home),
                "SUMMARY:Visit for " + u.replace(",", "\\,").replace(";", "\\;"),
                "CATEGORIES:working-visit", "CLASS:PUBLIC", "END:VEVENT"]
    return out


def kcal(k, *args):
    r = subprocess.run([k] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("kcal %s: %s" % (" ".join(args), r.stderr.strip()))
    return json.loads(r.stdout)


def starts(objs, uid, lo, hi):
    return {o["start_utc"] for o in objs if o.get("uid") == uid and
            o.get("status") != "cancelled" and lo <= o["start_utc"] < hi}


def walk(j):
    """Every object (an event) under j."""
    if isinstance(j, dict):
        if "uid" in j and "start_utc" in j:
            yield j
        for v in j.values():
            yield from walk(v)
    elif isinstance(j, list):
        for v in j:
            yield from walk(v)


def from_list(k, uid, visit, lo, hi):
    j = kcal(k, "list", "--all", "--format", "json", "--parent", visit,
             "--from", iso(lo), "--to", iso(hi))
    return starts(j["events"], uid, lo, hi), j.get("truncated")


def from_itinerary(k, uid, visit, lo, hi, home):
    kcal(k, "edit", visit, "--format", "json", "--start",
         dt.datetime.strptime(day(lo, home), "%Y%m%d").strftime("%Y-%m-%d"),
         "--end", dt.datetime.strptime(day(hi + 86400, home),
                                       "%Y%m%d").strftime("%Y-%m-%d"))
    j = kcal(k, "itinerary", visit, "--format", "json")
    objs = list(walk(j.get("days"))) + list(walk(j.get("context")))
    return starts(objs, uid, lo, hi), j.get("truncated")


REMINDERS = []


def sweep_reminders(k, lo, hi):
    """Every reminder in [lo, hi), in slices: a reply holds 1000, of every
    event.  None if even an hour's slice is cut short."""
    got, a, step = [], lo, 90 * 86400
    while a < hi:
        b = min(a + step, hi)
        j = kcal(k, "reminders", "--format", "json", "--from", iso(a),
                 "--to", iso(b))
        if j.get("truncated"):
            if step <= 3600:
                return None
            step //= 4
            continue
        got += j["reminders"]
        a = b
    return got


def from_reminders(uid, lo, hi):
    if REMINDERS[0] is None:
        return set(), True
    return starts(REMINDERS[0], uid, lo, hi), None


def from_feed(feed, uid, lo, hi, home):
    """The feed's copy of the series, expanded here."""
    evs = [c for c in feed.walk("VEVENT") if str(c.get("UID")) == uid]
    master = [c for c in evs if "RECURRENCE-ID" not in c]
    if not master:
        return set(), None
    m = master[0]
    if str(m.get("STATUS", "")).upper() == "CANCELLED":
        return set(), None
    _, _, tz, _ = rd.series(m, home)
    over = {}
    for c in evs:
        if "RECURRENCE-ID" in c:
            p = c["RECURRENCE-ID"]
            n, z = rd.wall(p.dt, p.params, tz, home)
            over[rd.to_utc(n, z)] = c
    margin = 400 * 86400	# an override may move an occurrence far
    got = set()
    for rid in rd.expected(m, home, lo - margin, hi + margin):
        c = over.get(rid)
        if c is None:
            t = rid
        elif str(c.get("STATUS", "")).upper() == "CANCELLED":
            continue
        else:
            p = c["DTSTART"]
            n, z = rd.wall(p.dt, p.params, tz, home)
            t = rd.to_utc(n, z)
        if lo <= t < hi:
            got.add(t)
    return got, None


def check(k, home, url, path, name):
    npass = nfail = nskip = 0
    feed = icalendar.Calendar.from_ical(urllib.request.urlopen(url).read())
    now = int(time.time())
    tomorrow = (now // 86400 + 1) * 86400
    series = masters(path, home)
    # Reminders: one sweep from now to the last window's end (a reminder
    # is due 10 minutes before its start).
    end = max([tomorrow + YEARS * 365 * 86400] +
              [rd.windows(c, home, YEARS)[0][1] for _, c, w in series if not w])
    REMINDERS.append(sweep_reminders(k, now, end + 3600))
    n = 0
    for uid, c, why in series:
        if why is not None:
            nskip += 1
            print("SKIP %s %s: %s" % (name, uid, why))
            continue
        visit = VISIT % n
        n += 1
        wins = [rd.windows(c, home, YEARS)[0],
                (tomorrow, tomorrow + YEARS * 365 * 86400)]
        for lo, hi in wins:
            span = "%s %s [%s, %s)" % (name, uid, iso(lo), iso(hi))
            try:
                got = {"list": from_list(k, uid, visit, lo, hi),
                       "itinerary": from_itinerary(k, uid, visit, lo, hi, home),
                       "feed": from_feed(feed, uid, lo, hi, home)}
            except Exception as exc:
                nfail += 1
                print("MISMATCH %s: %s" % (span, exc))
                continue
            rlo = max(lo, now + 3600)
            if rlo < hi:
                try:
                    got["reminders"] = from_reminders(uid, rlo, hi)
                except Exception as exc:
                    nfail += 1
                    print("MISMATCH %s: %s" % (span, exc))
                    continue
            cut = [s for s, (_, t) in got.items() if t]
            if cut:
                nskip += 1
                print("SKIP %s: %s cut short (truncated)" % (span, ", ".join(cut)))
                continue
            base = got["list"][0]
            diffs = []
            for src, (s, _) in got.items():
                want = {t for t in base if t >= rlo} if src == "reminders" else base
                if s != want:
                    diffs.append("  %-9s only there: %s; missing: %s" % (
                        src, " ".join(iso(t) for t in sorted(s - want)[:6]),
                        " ".join(iso(t) for t in sorted(want - s)[:6])))
            srcs = "list, itinerary, feed" + (", reminders" if rlo < hi else
                                               " (reminders: window past)")
            if diffs:
                nfail += 1
                print("MISMATCH %s: %s differ from list\n%s" % (
                    span, srcs, "\n".join(diffs)))
            else:
                npass += 1
                print("MATCH %s: %s agree (%d occurrences)" % (span, srcs, len(base)))
    print("%d passed, %d failed, %d skipped" % (npass, nfail, nskip))
    return 1 if nfail else 0


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1])
    ap.add_argument("mode", choices=("prepare", "check"))
    ap.add_argument("--home", default="Asia/Seoul")
    ap.add_argument("--kcal")
    ap.add_argument("--feed")
    ap.add_argument("--name", help="the file's name in the output")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    home = ZoneInfo(a.home)
    if a.mode == "prepare":
        prepare(home, a.files[0], a.files[1])
        return 0
    return check(a.kcal, home, a.feed, a.files[0], a.name or a.files[0])


if __name__ == "__main__":
    sys.exit(main())
