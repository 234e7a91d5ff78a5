#!/usr/bin/env python3
"""roundtrip.py -- random events for the round-trip property (test-roundtrip.sh).

    python3 roundtrip.py KCAL SEED N

Fills the store that KCAL_SOCKET names through the real client: N events
added with random valid fields (unicode and long text, TAB and line breaks,
all-day and multi-day, travel across zones, recurrence, kinds, classes,
statuses, participants, reminders, visits as parents, anchors), some of
them edited, and overrides of some series brought in by import.  Every
command must be accepted (what the generator makes is valid); one that is
refused prints "FAIL ..." with the command, so the seed replays it.
"""
import os
import random
import subprocess
import sys
import tempfile

KCAL, SEED, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(SEED)
failures = 0

ZONES = ["Asia/Seoul", "Asia/Shanghai", "Europe/Brussels", "Europe/Paris",
         "America/New_York", "America/Sao_Paulo", "Australia/Sydney",
         "Asia/Kolkata", "Pacific/Chatham", "UTC", "Africa/Cairo",
         "America/St_Johns", "Asia/Kathmandu", "Europe/London"]
KINDS = ["state-visit", "official-visit", "working-visit", "summit",
         "bilateral", "multilateral", "meeting", "ceremony", "signing",
         "banquet", "forum", "press", "travel", "visit", "exercise",
         "congress", "anniversary", "other"]
WORDS = ["State", "banquet", "국빈", "만찬", "人民大会堂", "会谈", "Réunion",
         "café", "Überraschung", "Ελλάδα", "مؤتمر", "שלום", "😀", "🇰🇷",
         "naïve", "résumé", "Zürich", "Tōkyō", "a;b", "x,y", "back\\slash",
         "colon:here", '"quoted"', "São", "Kraków", "Đà Nẵng", "ﬁ", "e\u0301",
         "\u00a0nbsp", "\u200bzwsp", "Ω≈ç√", "tab\there"]
RULES = ["FREQ=DAILY;COUNT=5", "FREQ=WEEKLY;COUNT=10",
         "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12", "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6",
         "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6", "FREQ=YEARLY;COUNT=4",
         "FREQ=WEEKLY;INTERVAL=2;UNTIL=20280101T000000Z",
         "FREQ=DAILY;INTERVAL=3;COUNT=20", "FREQ=YEARLY"]


def text(lo, hi):
    t = " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))
    r = rng.random()
    if r < 0.05:
        t = " " + t + "  "      # spaces at the ends
    elif r < 0.08:
        t = (t + " ") * 120     # long
    return t


def long_text():
    parts = [text(1, 6) for _ in range(rng.randint(1, 40))]
    return rng.choice(["\n", " ", "\t", ". "]).join(parts)


def when():
    return "%04d-%02d-%02dT%02d:%02d" % (
        rng.randint(2026, 2029), rng.randint(1, 12), rng.randint(1, 28),
        rng.randint(0, 23), rng.choice([0, 15, 30, 45]))


def run(args, stdin=None):
    global failures
    p = subprocess.run([KCAL] + args, input=stdin, capture_output=True)
    if p.returncode != 0:
        failures += 1
        print("FAIL accepted: kcal %s\n     exit %d: %s" % (
            " ".join(repr(a) for a in args), p.returncode,
            p.stderr.decode("utf-8", "replace").strip()))
        return None
    return p.stdout.decode().strip()


def event_args(i, visits, uids):
    a = [text(1, 5) + " #%d" % i]
    tz = rng.choice(ZONES)
    if rng.random() < 0.12:
        d = "%04d-%02d-%02d" % (rng.randint(2026, 2029), rng.randint(1, 12),
                                rng.randint(1, 28))
        a += ["--start", d, "--all-day"]
        if rng.random() < 0.4:
            a += ["--duration", "%dd" % rng.randint(2, 5)]
    elif rng.random() < 0.1:
        a += ["--start", when(), "--tz", tz, "--end-tz", rng.choice(ZONES),
              "--duration", "%dh%dm" % (rng.randint(1, 14), rng.choice([0, 30])),
              "--kind", "travel"]
    else:
        a += ["--start", when(), "--tz", tz,
              "--duration", rng.choice(["30m", "1h", "90m", "2h", "1d", "3h15m"])]
    if "--kind" not in a and rng.random() < 0.8:
        a += ["--kind", rng.choice(KINDS)]
    if rng.random() < 0.6:
        a += ["--location", text(1, 4)]
    if rng.random() < 0.5:
        a += ["--description", long_text()]
    if rng.random() < 0.3:
        a += ["--url", "https://example.org/%d?q=%s" % (i, rng.choice(["a", "b%20c"]))]
    for _ in range(rng.choice([0, 0, 1, 2, 4])):
        p = "%s;%s;%s" % (text(1, 3).replace(";", ","), rng.choice(
            ["host", "guest", "chair", "delegate", "interpreter"]),
            rng.choice(["KR", "CN", "FR", "BR", "Delegation of the EU"]))
        if rng.random() < 0.3:
            p += ";%d" % rng.randint(1, 9)
        a += ["--participant", p]
    if rng.random() < 0.5:
        a += ["--class", rng.choice(["public", "private", "confidential"])]
    if rng.random() < 0.4:
        a += ["--status", rng.choice(["tentative", "confirmed"])]
    if rng.random() < 0.3 and "--all-day" not in a and "travel" not in a:
        a += ["--rrule", rng.choice(RULES)]
    if rng.random() < 0.3:
        a += ["--remind", rng.choice(["15m", "1h", "1d"])]
    if rng.random() < 0.1:
        a += ["--remind-at", when()]
    if rng.random() < 0.1:
        a += ["--city", rng.choice(["Beijing", "Paris", "Seoul", "São Paulo"])]
    if visits and rng.random() < 0.2:
        a += ["--parent", rng.choice(visits)]
    if uids and rng.random() < 0.05 and "--rrule" not in a and \
            "--all-day" not in a:
        # follow another event (anchors): drop our own start
        k = a.index("--start")
        del a[k:k + 2]
        a += ["--anchor", rng.choice(uids), "--offset",
              rng.choice(["-15m", "30m", "2h"])]
    return a


def override(uid, series_tz):
    """An override of a stored series' first occurrence, through import."""
    out = run(["show", uid, "--format", "json"])
    if out is None:
        return
    import json
    ev = json.loads(out)
    rid = ev["start"][:19].replace("-", "").replace(":", "")
    hh = (int(rid[9:11]) + rng.randint(1, 3)) % 24
    start = rid[:9] + "%02d" % hh + rid[11:]
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roundtrip//EN\r\n"
           "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n"
           "RECURRENCE-ID;TZID=%s:%s\r\nDTSTART;TZID=%s:%s\r\n"
           "DURATION:PT45M\r\nSUMMARY:%s\r\nSEQUENCE:%d\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n") % (
        uid, series_tz, rid, series_tz, start,
        ("moved " + text(1, 3)).replace("\\", "\\\\").replace(";", "\\;")
        .replace(",", "\\,").replace("\t", " "), ev["sequence"])
    with tempfile.NamedTemporaryFile("w", suffix=".ics", delete=False,
                                     encoding="utf-8") as f:
        f.write(cal)
    run(["import", f.name])
    os.unlink(f.name)


def esc(t):
    return (t.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def ics_event(i):
    """A VEVENT as other producers write one, through import."""
    tz = rng.choice(ZONES[:-1])
    y, mo, d = rng.randint(2026, 2029), rng.randint(1, 12), rng.randint(1, 28)
    h = rng.randint(0, 22)
    st = "%04d%02d%02dT%02d%02d00" % (y, mo, d, h, rng.choice([0, 30]))
    lines = ["UID:ics-%d-%d@roundtrip" % (SEED, i),
             "DTSTAMP:20260101T000000Z",
             "SUMMARY:" + esc(text(1, 6) + " ics #%d" % i)]
    if tz == "UTC":
        lines += ["DTSTART:%sZ" % st]
    elif rng.random() < 0.1:
        lines += ["DTSTART:%s" % st]            # floating: read in home
    else:
        lines += ["DTSTART;TZID=%s:%s" % (tz, st)]
    lines += [rng.choice(["DURATION:PT%dM" % rng.choice([15, 45, 90]),
                          "DURATION:P1DT2H", "DURATION:PT0S"])]
    if rng.random() < 0.5:
        lines += ["RRULE:" + rng.choice(RULES)]
        if rng.random() < 0.4:
            lines += ["EXDATE;VALUE=DATE:%04d%02d%02d" % (y, mo, d + 1)]
        if rng.random() < 0.4:
            lines += ["RDATE;VALUE=PERIOD:%04d%02d%02dT120000Z/PT%dH" % (
                y, mo, min(d + 2, 28), rng.randint(1, 5))]
    if rng.random() < 0.4:
        lines += ["DESCRIPTION:" + esc(long_text())]
    if rng.random() < 0.3:
        lines += ["LOCATION;LANGUAGE=fr:" + esc(text(1, 3))]
    if rng.random() < 0.4:
        lines += ["CATEGORIES:" + rng.choice(KINDS + ["Holiday", "Work"])]
    if rng.random() < 0.3:
        lines += ["x-custom;x-param=\"a;b\":" + esc(text(1, 2)),
                  "X-ANOTHER:%d" % i]
    if rng.random() < 0.3:
        lines += ['ATTENDEE;CN="%s";ROLE=REQ-PARTICIPANT:mailto:p%d@example.org'
                  % (text(1, 2).replace('"', "'").replace("\\", "/"), i)]
    if rng.random() < 0.3:
        lines += ["CLASS:" + rng.choice(["PUBLIC", "PRIVATE", "CONFIDENTIAL"])]
    if rng.random() < 0.3:
        lines += ["STATUS:" + rng.choice(["TENTATIVE", "CONFIRMED"])]
    if rng.random() < 0.2:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:r",
                  "TRIGGER:-PT%dM" % rng.choice([5, 30, 60]), "END:VALARM"]
    if rng.random() < 0.2:
        lines += ["SEQUENCE:%d" % rng.randint(0, 5)]
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"


def import_ics(n):
    body = "".join(ics_event(i) for i in range(n))
    # one fold inside a character, as Outlook writes them
    raw = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roundtrip//EN\r\n" +
           body + "END:VCALENDAR\r\n").encode()
    k = raw.find("é".encode())
    if k > 0:
        raw = raw[:k + 1] + b"\r\n " + raw[k + 1:]
    with tempfile.NamedTemporaryFile("wb", suffix=".ics", delete=False) as f:
        f.write(raw)
    run(["import", f.name])
    os.unlink(f.name)


def main():
    visits, uids, series = [], [], []
    for i in range(N):
        a = event_args(i, visits, uids)
        uid = run(["add"] + a)
        if uid is None:
            continue
        uid = uid.splitlines()[-1].strip()
        uids.append(uid)
        if "--kind" in a and a[a.index("--kind") + 1].endswith("visit"):
            visits.append(uid)
        if "--rrule" in a and "--tz" in a and "--end-tz" not in a:
            series.append((uid, a[a.index("--tz") + 1]))
        if rng.random() < 0.25:
            e = rng.choice([["--summary", text(1, 4) + " edited"],
                            ["--location", text(1, 3)],
                            ["--description", long_text()],
                            ["--class", rng.choice(["public", "private"])],
                            ["--status", "tentative"],
                            ["--participant", "Edited Person;guest;KR"]])
            run(["edit", uid] + e)
        if rng.random() < 0.05:
            run(["cancel", uid])
    for uid, tz in series[:max(1, len(series) // 2)]:
        override(uid, tz)
    import_ics(max(1, N // 3))
    print("generated: %d events, %d series, seed %d" % (len(uids),
          len(series), SEED))
    print("%d failures" % failures)
    sys.exit(1 if failures else 0)


main()
