#!/usr/bin/env python3
"""feed-leaks.py -- one round of tests/e2e/test-feed-leaks.sh.

Generates a random calendar from a seed (classes on masters and overrides:
public, private, confidential, unknown X- and non-X classes, lowercase,
none; RELATED-TO and X-KCAL-ANCHOR across classes; alarms), imports it
into the running kcald with kcal, adds a feed for every --include set and
redaction level (alarms at random) and two with filters (--parent,
--participant), fetches /feeds/all.ics and every token
feed with curl, and checks each body:

  - no text of an event or override the feed may not show appears in it
    (each field of each item carries its own random marker: SUMMARY,
    LOCATION, DESCRIPTION, COMMENT, URL, ATTENDEE, ORGANIZER, CATEGORIES,
    X- properties, the alarm's text, and the master's UID, which is also
    what RELATED-TO and X-KCAL-ANCHOR carry);
  - a redacted feed has only the properties the README lists, and "busy"
    no summary;
  - what it may show is there (the check is not vacuous), and an override
    left out is an EXDATE in the master.

Then it changes classes (a re-import, and kcal edit --class, which leaves
the events pointing at the edited one unchanged: the feed cache must
notice) and checks again.  Prints "ok"/"FAIL" lines and a last line
"RESULT checks=N failures=M".

usage: feed-leaks.py SEED ROUND WORKDIR KCAL BASEURL
"""
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

SEED, ROUND, WORK, KCAL, BASE = (int(sys.argv[1]), int(sys.argv[2]),
                                 sys.argv[3], sys.argv[4], sys.argv[5])
rng = random.Random(SEED * 1000 + ROUND)

# CLASS values as written, and the class each is (RFC 5545 3.8.1.3:
# an unknown one is private).  None: no CLASS property (public).
CLASSES = [
    (None, "public"), ("PUBLIC", "public"), ("public", "public"),
    ("PRIVATE", "private"), ("private", "private"),
    ("CONFIDENTIAL", "confidential"), ("confidential", "confidential"),
    ("X-TOP-SECRET", "private"), ("X-EYES-ONLY", "private"),
    ("x-internal", "private"), ("TOP-SECRET", "private"),
]
ALLOWED_REDACTED = {
    "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE",
    "EXDATE", "RECURRENCE-ID", "SEQUENCE", "STATUS", "TRANSP", "CREATED",
    "LAST-MODIFIED", "CLASS", "SUMMARY",
}
ALLOWED_ALARM = {"TRIGGER", "ACTION", "DESCRIPTION"}

checks = 0
failures = 0


def ok(desc):
    global checks
    checks += 1


def fail(desc, detail=""):
    global checks, failures
    checks += 1
    failures += 1
    if failures <= 25:
        print("FAIL " + desc)
        if detail:
            print("     " + detail[:400])


def marker():
    return "mk" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                          for _ in range(14))


def pick_class():
    return rng.choice(CLASSES)


class Item:
    """A master or an override: its CLASS and the markers of its text."""

    def __init__(self, uid, rid=None):
        self.uid = uid
        self.rid = rid                 # (value as written, params) or None
        self.cls_raw, self.cls = pick_class()
        self.m = {k: marker() for k in (
            "summary", "location", "description", "comment", "url",
            "attendee", "organizer", "category", "xprop", "alarm")}
        self.refs = []                 # (property, uid)

    def hidden_markers(self):
        return list(self.m.values())


def fmt_local(t):
    return t.strftime("%Y%m%dT%H%M%S")


def build_calendar(n):
    now = datetime.now(timezone.utc).replace(minute=0, second=0,
                                             microsecond=0)
    masters = []
    for i in range(n):
        uid = "u%s@leak.test" % marker()
        ev = Item(uid)
        ev.allday = rng.random() < 0.15
        ev.utc = not ev.allday and rng.random() < 0.3
        ev.start = now + timedelta(days=rng.randint(1, 60),
                                   hours=rng.randint(0, 10))
        ev.count = rng.choice([0, 0, 2, 3, 4, 5])   # 0: not recurring
        ev.overrides = []
        if ev.count:
            for k in rng.sample(range(1, ev.count), min(ev.count - 1,
                                                        rng.randint(0, 3))):
                o = Item(uid)
                t = ev.start + timedelta(days=k)
                o.when = t
                o.moved = rng.random() < 0.5
                ev.overrides.append(o)
        # references go to earlier events only: no anchor cycles
        for it in [ev] + ev.overrides:
            if masters and rng.random() < 0.5:
                it.refs.append((rng.choice(["RELATED-TO:",
                                            "RELATED-TO;RELTYPE=PARENT:",
                                            "RELATED-TO;RELTYPE=SIBLING:"]),
                                rng.choice(masters).uid))
        if masters and not ev.allday and rng.random() < 0.4:
            ev.refs.append(("X-KCAL-ANCHOR:", rng.choice(masters).uid))
        masters.append(ev)
    return masters


def when_props(ev, t, name):
    if ev.allday:
        return "%s;VALUE=DATE:%s" % (name, t.strftime("%Y%m%d"))
    if ev.utc:
        return "%s:%sZ" % (name, fmt_local(t))
    return "%s;TZID=Europe/Brussels:%s" % (name, fmt_local(t))


def vevent(ev, it, seq):
    L = ["BEGIN:VEVENT", "UID:" + ev.uid, "DTSTAMP:20260101T000000Z",
         "SEQUENCE:%d" % seq]
    m = it.m
    if it is ev:
        L.append(when_props(ev, ev.start, "DTSTART"))
        if ev.count:
            L.append("RRULE:FREQ=DAILY;COUNT=%d" % ev.count)
    else:
        L.append(when_props(ev, it.when, "RECURRENCE-ID"))
        t = it.when + (timedelta(hours=3) if it.moved and not ev.allday
                       else timedelta(0))
        L.append(when_props(ev, t, "DTSTART"))
    L.append("DURATION:P1D" if ev.allday else "DURATION:PT1H")
    if it.cls_raw is not None:
        L.append("CLASS:" + it.cls_raw)
    L += ["SUMMARY:Meeting " + m["summary"],
          "LOCATION:Room " + m["location"],
          "DESCRIPTION:Agenda " + m["description"],
          "COMMENT:" + m["comment"],
          "URL:https://example.org/" + m["url"],
          "ORGANIZER;CN=Org %s:mailto:%s@example.org" % (m["organizer"],
                                                       m["organizer"]),
          "ATTENDEE;CN=Person %s:mailto:%s@example.org" % (m["attendee"],
                                                         m["attendee"]),
          "CATEGORIES:meeting," + m["category"],
          "X-LEAK-NOTE:" + m["xprop"]]
    for prop, uid in it.refs:
        L.append(prop + uid)
        if prop == "X-KCAL-ANCHOR:":
            L.append("X-KCAL-ANCHOR-OFFSET:-PT15M")
    L += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT30M",
          "DESCRIPTION:Alarm " + m["alarm"], "END:VALARM", "END:VEVENT"]
    return L


def write_ics(path, masters, seq):
    L = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kcal tests//leaks//EN"]
    for ev in masters:
        L += vevent(ev, ev, seq)
        for o in ev.overrides:
            L += vevent(ev, o, seq)
    L.append("END:VCALENDAR")
    with open(path, "w", newline="") as f:
        f.write("\r\n".join(L) + "\r\n")


def run(*args):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("FAIL %s: exit %d: %s%s" % (" ".join(args[:3]),
                         p.returncode, p.stdout, p.stderr))
    return p.stdout


def fetch(url):
    p = subprocess.run(["curl", "-sS", "--noproxy", "*", "-f", url],
                       capture_output=True)
    if p.returncode != 0:
        raise SystemExit("FAIL curl %s: %s" % (url, p.stderr.decode()))
    return p.stdout.decode("utf-8")


def unfold(body):
    return body.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def blocks(lines):
    """The VEVENTs: each as a list of (name, line, in_alarm)."""
    out, cur, alarm = [], None, False
    for ln in lines:
        if ln == "BEGIN:VEVENT":
            cur = []
        elif ln == "END:VEVENT":
            out.append(cur)
            cur = None
        elif cur is not None:
            if ln == "BEGIN:VALARM":
                alarm = True
            elif ln == "END:VALARM":
                alarm = False
            else:
                name = ln.split(":", 1)[0].split(";", 1)[0].upper()
                cur.append((name, ln, alarm))
    return out


def check_feed(label, body, feed, masters):
    classes, redact = feed["classes"], feed["redact"]
    lines = unfold(body)
    text = "\n".join(lines)
    evs = blocks(lines)
    for ev in masters:
        shown = ev.cls in classes
        items = [(ev, shown)] + [(o, shown and o.cls in classes)
                                 for o in ev.overrides]
        for it, vis in items:
            what = "%s %s%s (class %s)" % (
                "master" if it is ev else "override", ev.uid,
                "" if it is ev else " " + it.rid_text, it.cls_raw)
            may = set()
            if vis:
                may = set(it.m.values())
                if redact == "title":
                    may = {it.m["summary"]}
                    if feed["alarms"]:
                        may.add(it.m["summary"])
                elif redact == "busy":
                    may = set()
                if not feed["alarms"]:
                    may.discard(it.m["alarm"])
            for k, mk in it.m.items():
                if mk in may:
                    continue
                if mk in text:
                    fail("%s: %s of %s leaks" % (label, k, what),
                         next(l for l in lines if mk in l))
                else:
                    ok(label)
            if vis and redact != "busy" and not feed.get("filtered"):
                if it.m["summary"] in text:
                    ok(label)
                else:
                    fail("%s: the summary of %s is missing" % (label, what))
        if not shown:
            if ev.uid in text:
                fail("%s: the UID of hidden %s appears" % (label, ev.uid),
                     next(l for l in lines if ev.uid in l))
            else:
                ok(label)
            continue
        mine = [b for b in evs if ("UID", "UID:" + ev.uid, False) in b]
        want = 1 + sum(1 for o in ev.overrides if o.cls in classes)
        if feed.get("filtered") and not mine:
            continue
        if len(mine) != want:
            fail("%s: %s goes out as %d VEVENTs, not %d" % (
                label, ev.uid, len(mine), want))
            continue
        ok(label)
        master = [b for b in mine if not any(n == "RECURRENCE-ID"
                                             for n, _, _ in b)]
        exdates = " ".join(l for n, l, _ in (master[0] if master else [])
                           if n == "EXDATE")
        for o in ev.overrides:
            if o.cls in classes:
                continue
            if o.rid_value in exdates:
                ok(label)
            else:
                fail("%s: hidden override %s %s is not an EXDATE" % (
                    label, ev.uid, o.rid_text), exdates)
    if redact:
        for b in evs:
            for name, ln, alarm in b:
                allowed = ALLOWED_ALARM if alarm else ALLOWED_REDACTED
                if name in allowed:
                    continue
                fail("%s: --redact %s keeps %s" % (label, redact, name), ln)
                break
            else:
                ok(label)
            if redact == "busy":
                s = [ln for n, ln, a in b if n == "SUMMARY" and not a]
                if s == ["SUMMARY:Busy"]:
                    ok(label)
                else:
                    fail("%s: --redact busy: %s" % (label, s))


def note_rids(masters):
    for ev in masters:
        for o in ev.overrides:
            if ev.allday:
                o.rid_value = o.when.strftime("%Y%m%d")
            elif ev.utc:
                o.rid_value = fmt_local(o.when) + "Z"
            else:
                o.rid_value = fmt_local(o.when)
            o.rid_text = o.rid_value


def all_feeds(masters):
    feeds = [{"name": None, "classes": {"public"}, "redact": None,
              "alarms": False, "url": BASE + "/feeds/all.ics"}]
    n = 0
    for inc in ([], ["private"], ["confidential"],
                ["private", "confidential"]):
        for redact in (None, "title", "busy"):
            n += 1
            name = "r%d-f%d" % (ROUND, n)
            alarms = rng.random() < 0.4
            args = [KCAL, "feed", "add", name]
            for c in inc:
                args += ["--include", c]
            if redact:
                args += ["--redact", redact]
            if alarms:
                args.append("--alarms")
            out = run(*args)
            url = [ln.split("url:", 1)[1].strip() for ln in out.splitlines()
                   if ln.strip().startswith("url:")][0]
            feeds.append({"name": name, "classes": {"public"} | set(inc),
                          "redact": redact, "alarms": alarms, "url": url})
    # Filters narrow a feed; what it may not show stays the same.
    for k in range(2):
        name = "r%d-x%d" % (ROUND, k)
        inc = rng.choice([[], ["private"], ["confidential"],
                          ["private", "confidential"]])
        redact = rng.choice([None, "title", "busy"])
        classes = {"public"} | set(inc)
        ok = [ev for ev in masters if ev.cls in classes]
        # a master has one RELATED-TO at most: its parent, unless SIBLING
        kids = [(ev, uid) for ev in ok for p, uid in ev.refs
                if p in ("RELATED-TO:", "RELATED-TO;RELTYPE=PARENT:")]
        args = [KCAL, "feed", "add", name]
        if k == 0 and kids:
            args += ["--parent", rng.choice(kids)[1]]
        else:
            args += ["--participant",
                     "Person " + rng.choice(ok or masters).m["attendee"]]
        for c in inc:
            args += ["--include", c]
        if redact:
            args += ["--redact", redact]
        out = run(*args)
        url = [ln.split("url:", 1)[1].strip() for ln in out.splitlines()
               if ln.strip().startswith("url:")][0]
        feeds.append({"name": name, "classes": classes,
                      "redact": redact, "alarms": False, "url": url,
                      "filtered": True})
    return feeds


def check_all(phase, feeds, masters):
    for f in feeds:
        label = "round %d %s, feed %s (include %s, redact %s%s)" % (
            ROUND, phase, f["name"] or "all", "+".join(sorted(f["classes"])),
            f["redact"] or "none", ", alarms" if f["alarms"] else "")
        body = fetch(f["url"])
        if f.get("filtered") and phase == "after import":
            if "BEGIN:VEVENT" in body:
                ok(label)
            else:
                fail("%s: the filter selects nothing" % label)
        check_feed(label, body, f, masters)


def main():
    n = int(sys.argv[6]) if len(sys.argv) > 6 else 30
    masters = build_calendar(n)
    note_rids(masters)
    path = "%s/leaks-%d.ics" % (WORK, ROUND)
    write_ics(path, masters, 0)
    run(KCAL, "import", path)
    feeds = all_feeds(masters)
    check_all("after import", feeds, masters)

    # New classes for some masters and overrides, imported again.
    for ev in masters:
        for it in [ev] + ev.overrides:
            if rng.random() < 0.4:
                it.cls_raw, it.cls = pick_class()
    write_ics(path, masters, 1)
    run(KCAL, "import", path)
    check_all("after a re-import", feeds, masters)

    # kcal edit --class: the events that point at the edited one do not
    # change, so only the feed's cache can tell that they must.
    for ev in rng.sample(masters, min(4, len(masters))):
        ev.cls = rng.choice(["public", "private", "confidential"])
        ev.cls_raw = ev.cls
        run(KCAL, "edit", ev.uid, "--class", ev.cls)
    check_all("after kcal edit --class", feeds, masters)
    print("RESULT checks=%d failures=%d" % (checks, failures))


main()
