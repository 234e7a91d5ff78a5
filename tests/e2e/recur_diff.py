#!/usr/bin/python3
"""recur_diff.py -- kcald's expansion of every recurring series in an .ics
file against an independent engine: python-dateutil's rrule, the file read
by python-icalendar (Debian python3-dateutil, python3-icalendar).

usage: recur_diff.py --kcal PATH --home ZONE [--years N] FILE.ics

The file must be imported into the kcald that $KCAL_SOCKET names.  For
each master VEVENT with an RRULE or RDATE, the instants it recurs at (its
RECURRENCE-IDs: RRULE + RDATE - EXDATE) in [DTSTART - 1 day, DTSTART + N
years), and in 2026..2026+N for a series begun before, are computed here and asked of kcald (kcal list --all --format json,
each occurrence's recurrence_id), and the two sets compared.  Times follow
RFC 5545 3.3.5: a wall-clock time in a DST gap takes the offset before the
gap, a repeated one the first; floating times and dates are read in the
home zone, as kcald reads them.  Series kcal cannot hold or that this
script does not model are SKIPped with the reason (non-IANA TZIDs, RSCALE,
years outside 1583..2582).  Prints MATCH / MISMATCH / SKIP lines and ends
with "N passed, N failed, N skipped".
"""
import argparse
import datetime as dt
import json
import subprocess
import sys

try:
    import icalendar
    from dateutil.rrule import rrulestr
    from zoneinfo import ZoneInfo
except ImportError as exc:
    print("SKIP recur_diff.py needs python3-icalendar and python3-dateutil (%s)" % exc)
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)

UTC = dt.timezone.utc


class Skip(Exception):
    pass


def zone(name):
    try:
        return ZoneInfo(name)
    except Exception:
        raise Skip("TZID %r is not an IANA zone" % name)


def to_utc(naive, tz):
    """Wall-clock time in tz to an instant, RFC 5545 3.3.5."""
    a = naive.replace(tzinfo=tz, fold=0)
    b = naive.replace(tzinfo=tz, fold=1)
    if a.utcoffset() == b.utcoffset():
        return int(a.timestamp())
    # zoneinfo: in a gap fold=0 uses the offset before it; repeated hour:
    # fold=0 is the first occurrence.  Both are what RFC 5545 asks.
    return int(a.timestamp())


def wall(prop_value, params, series_tz, home_tz):
    """A DATE or DATE-TIME value -> (naive wall time, zone) or instant."""
    v = prop_value
    if isinstance(v, tuple):        # PERIOD: its start
        v = v[0]
    if isinstance(v, dt.datetime):
        tzid = params.get("TZID") if params else None
        if tzid:
            return v.replace(tzinfo=None), zone(str(tzid))
        if v.tzinfo is not None:    # UTC
            return v.astimezone(UTC).replace(tzinfo=None), UTC
        return v, series_tz or home_tz
    return dt.datetime.combine(v, dt.time()), series_tz or home_tz


def instants(comp, name, series_tz, home_tz, timed=False):
    out = []
    v = comp.get(name)
    if v is None:
        return out
    for prop in (v if isinstance(v, list) else [v]):
        for d in prop.dts:
            if timed and not isinstance(d.dt, (dt.datetime, tuple)):
                continue        # a DATE in a DATE-TIME series: see expected()
            n, tz = wall(d.dt, prop.params, series_tz, home_tz)
            out.append(to_utc(n, tz))
    return out


def check_years(naive):
    if not 1583 <= naive.year <= 2582:
        raise Skip("DTSTART in %d, outside the years kcal keeps" % naive.year)


def series(master, home_tz):
    """(rules, naive DTSTART, its zone, all-day?) of a master VEVENT."""
    rules = master.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules else []
    if "RRULE" in master and (not rules or any(r is None for r in rules)):
        raise Skip("python-icalendar cannot read its RRULE")
    if any(k.upper() in ("RSCALE", "SKIP") for r in rules for k in r):
        raise Skip("RSCALE (RFC 7529): dateutil has no other calendars")
    p = master["DTSTART"]
    naive, tz = wall(p.dt, p.params, None, home_tz)
    check_years(naive)
    return rules, naive, tz, not isinstance(p.dt, dt.datetime)


def expected(master, home_tz, lo, hi):
    """The RECURRENCE-IDs of a series in [lo, hi) (UTC seconds)."""
    rules, naive, tz, all_day = series(master, home_tz)
    rids = set()
    for rule in rules:
        parts = {k.upper(): v for k, v in rule.items()}
        until = parts.pop("UNTIL", None)
        text = icalendar.vRecur(parts).to_ical().decode()
        if until:
            u = until[0]
            if isinstance(u, dt.datetime):
                if u.tzinfo is not None:
                    u = u.astimezone(tz).replace(tzinfo=None)
            else:
                u = dt.datetime.combine(u, dt.time(23, 59, 59) if not all_day else dt.time())
            text += ";UNTIL=" + u.strftime("%Y%m%dT%H%M%S")
        rr = rrulestr(text, dtstart=naive, ignoretz=True)
        after = dt.datetime.fromtimestamp(lo, UTC).astimezone(tz).replace(
            tzinfo=None) - dt.timedelta(days=2)
        for o in rr.xafter(max(after, naive), inc=True):
            t = to_utc(o, tz)
            if t >= hi:
                break
            rids.add(t)
    if not rules:
        rids.add(to_utc(naive, tz))
    rids.update(instants(master, "RDATE", tz, home_tz))
    rids -= set(instants(master, "EXDATE", tz, home_tz, not all_day))
    if not all_day:
        # An EXDATE;VALUE=DATE in a DATE-TIME series is invalid; kcal's
        # import repairs it to mean that day's occurrences (with a warning).
        days = {d for d in exdate_days(master)}
        rids = {t for t in rids if dt.datetime.fromtimestamp(t, UTC).astimezone(
            tz).date() not in days}
    return {t for t in rids if lo <= t < hi}


def exdate_days(comp):
    v = comp.get("EXDATE")
    for prop in (v if isinstance(v, list) else [v] if v is not None else []):
        for d in prop.dts:
            if not isinstance(d.dt, dt.datetime) and isinstance(d.dt, dt.date):
                yield d.dt


def windows(master, home_tz, years):
    """[DTSTART - 1 day, + years), and 2026-2028 for a series begun before."""
    _, naive, tz, _ = series(master, home_tz)
    lo = to_utc(naive, tz) - 86400
    out = [(lo, lo + years * 365 * 86400)]
    y2026 = int(dt.datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    if lo + years * 365 * 86400 < y2026:
        out.append((y2026, y2026 + years * 365 * 86400))
    return out


def iso(t):
    return dt.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_kcald(kcal, uid, lo, hi):
    out = subprocess.run([kcal, "list", "--all", "--format", "json",
                          "--from", iso(lo), "--to", iso(hi)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    res = json.loads(out.stdout)
    got = set()
    for e in res["events"]:
        if e["uid"] != uid:
            continue
        rid = e.get("recurrence_id")
        t = int(dt.datetime.strptime(rid, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC).timestamp()) if rid else e["start_utc"]
        if lo <= t < hi:
            got.add(t)
    return got, res.get("truncated")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kcal", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("file")
    a = ap.parse_args()
    home = ZoneInfo(a.home)
    npass = nfail = nskip = 0
    try:
        cal = icalendar.Calendar.from_ical(open(a.file, "rb").read())
    except Exception as exc:
        print("SKIP %s: python-icalendar cannot read it (%s)" % (a.file, exc))
        print("0 passed, 0 failed, 1 skipped")
        return 0
    for c in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in c or not ("RRULE" in c or "RDATE" in c):
            continue
        uid = str(c.get("UID"))
        try:
            wins = windows(c, home, a.years)
        except Skip as why:
            nskip += 1
            print("SKIP %s %s: %s" % (a.file, uid, why))
            continue
        except Exception as exc:
            nskip += 1
            print("SKIP %s %s: dateutil cannot expand it (%s)" % (a.file, uid, exc))
            continue
        for lo, hi in wins:
            span = "[%s, %s)" % (iso(lo), iso(hi))
            try:
                want = expected(c, home, lo, hi)
            except Exception as exc:
                nskip += 1
                print("SKIP %s %s %s: dateutil cannot expand it (%s)" % (a.file, uid, span, exc))
                continue
            try:
                got, cut = from_kcald(a.kcal, uid, lo, hi)
            except Exception as exc:
                nfail += 1
                print("MISMATCH %s %s %s: kcal list failed: %s" % (a.file, uid, span, exc))
                continue
            if want == got:
                npass += 1
                print("MATCH %s %s %s (%d occurrences)" % (a.file, uid, span, len(want)))
            else:
                nfail += 1
                print("MISMATCH %s %s %s%s\n  only kcald:    %s\n  only dateutil: %s" % (
                    a.file, uid, span, " (kcald says truncated)" if cut else "",
                    " ".join(iso(t) for t in sorted(got - want)[:8]),
                    " ".join(iso(t) for t in sorted(want - got)[:8])))
    print("%d passed, %d failed, %d skipped" % (npass, nfail, nskip))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
