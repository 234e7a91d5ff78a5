#!/usr/bin/python3
"""tests/e2e/dav_caldav.py BASE USER PASSWORD KCAL — python3-caldav, the
CalDAV client library many tools are built on, against the real kcald
(run by test-dav-caldav.sh).  It discovers the calendar from the principal,
creates events (one in Asia/Shanghai, one recurring, one all-day with an
alarm), searches by time range, edits and deletes, and checks each step
through `kcal list --format json` (the same data on both paths); then the
reverse: events added, edited and removed with kcal are seen by the client,
through a query and through sync-collection.  Prints "ok   ..." and
"FAIL ..." lines."""

import json
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import caldav
from caldav.lib import error

BASE, USER, PW, KCAL = sys.argv[1:5]
SEOUL = ZoneInfo("Asia/Seoul")


def check(cond, desc, detail=""):
    print(("ok   " if cond else "FAIL ") + desc)
    if not cond and detail != "":
        for line in str(detail).splitlines()[:20]:
            print("     " + line)
    return cond


def kcal(*args):
    r = subprocess.run([KCAL, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("kcal %s: %s" % (" ".join(args), r.stderr))
    return r.stdout.strip()


def listed(frm="2027-03-01", to="2027-04-01"):
    """kcal list's occurrences in the window, by UID."""
    out = json.loads(kcal("list", "--from", frm, "--to", to,
                          "--format", "json"))
    by = {}
    for e in out["events"]:
        by.setdefault(e["uid"], []).append(e)
    return by


def uids(objs):
    return {str(o.icalendar_component["UID"]) for o in objs}


def ics(*lines):
    return "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0",
                        "PRODID:-//kcal tests//caldav//EN", *lines,
                        "END:VCALENDAR", ""))


VTZ_SHANGHAI = ("BEGIN:VTIMEZONE", "TZID:Asia/Shanghai",
                "BEGIN:STANDARD", "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "TZNAME:CST",
                "END:STANDARD", "END:VTIMEZONE")
VTZ_SEOUL = ("BEGIN:VTIMEZONE", "TZID:Asia/Seoul",
             "BEGIN:STANDARD", "DTSTART:19700101T000000",
             "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:KST",
             "END:STANDARD", "END:VTIMEZONE")

TALKS = ics(*VTZ_SHANGHAI, "BEGIN:VEVENT", "UID:caldav-talks@test",
            "DTSTAMP:20270101T000000Z",
            "DTSTART;TZID=Asia/Shanghai:20270310T100000",
            "DTEND;TZID=Asia/Shanghai:20270310T113000",
            "SUMMARY:Bilateral talks", "LOCATION:Diaoyutai State Guesthouse",
            "X-KCAL-TEST-CLIENT:kept as it came", "END:VEVENT")
BRIEFING = ics(*VTZ_SEOUL, "BEGIN:VEVENT", "UID:caldav-briefing@test",
               "DTSTAMP:20270101T000000Z",
               "DTSTART;TZID=Asia/Seoul:20270308T090000",
               "DTEND;TZID=Asia/Seoul:20270308T093000",
               "RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:Morning briefing",
               "END:VEVENT")
HOLIDAY = ics("BEGIN:VEVENT", "UID:caldav-holiday@test",
              "DTSTAMP:20270101T000000Z", "DTSTART;VALUE=DATE:20270315",
              "DTEND;VALUE=DATE:20270316", "SUMMARY:National day",
              "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:National day",
              "TRIGGER:-PT30M", "END:VALARM", "END:VEVENT")


def discover():
    """The calendar, found from the principal as clients do."""
    client = caldav.DAVClient(url=BASE + "/dav/", username=USER, password=PW)
    principal = client.principal()
    check(principal.url.path == "/dav/principals/%s/" % USER,
          "principal found through current-user-principal",
          principal.url)
    cals = principal.calendars()
    want = "/dav/calendars/%s/calendar/" % USER
    check([c.url.path for c in cals] == [want],
          "the calendar home holds one calendar, %s" % want,
          [str(c.url) for c in cals])
    wk = caldav.DAVClient(url=BASE + "/.well-known/caldav", username=USER,
                          password=PW)
    try:
        p2 = wk.principal()
        check(p2.url.path == principal.url.path,
              "principal found from /.well-known/caldav too", p2.url)
    except Exception as e:
        check(False, "principal found from /.well-known/caldav too", e)
    bad = caldav.DAVClient(url=BASE + "/dav/", username=USER,
                           password=PW + "x")
    try:
        bad.principal()
        check(False, "a wrong password is refused")
    except error.AuthorizationError:
        check(True, "a wrong password is refused")
    return cals[0] if cals else None


def create(cal):
    for data in (TALKS, BRIEFING, HOLIDAY):
        cal.save_event(data)
    got = listed()
    t = got.get("caldav-talks@test", [{}])[0]
    check((t.get("summary"), t.get("tz"), t.get("start"), t.get("end"),
           t.get("location")) ==
          ("Bilateral talks", "Asia/Shanghai", "2027-03-10T10:00:00+08:00",
           "2027-03-10T11:30:00+08:00", "Diaoyutai State Guesthouse"),
          "an event PUT in Asia/Shanghai is in kcal list in its own zone", t)
    b = got.get("caldav-briefing@test", [])
    check([(e["start"], e["rrule"]) for e in b] ==
          [("2027-03-%02dT09:00:00+09:00" % d, "FREQ=DAILY;COUNT=5")
           for d in range(8, 13)],
          "a recurring event PUT is five daily occurrences in kcal list",
          [(e.get("start"), e.get("rrule")) for e in b])
    h = got.get("caldav-holiday@test", [{}])[0]
    check((h.get("all_day"), h.get("start"), h.get("remind")) ==
          (True, "2027-03-15", [1800]),
          "an all-day event's VALARM is a kcal reminder (30 min before)", h)
    body = None
    for o in cal.events():
        if str(o.icalendar_component["UID"]) == "caldav-talks@test":
            body = o.data
    check(body is not None and "X-KCAL-TEST-CLIENT:kept as it came" in body,
          "a property kcal does not know comes back from the server",
          body)


def search(cal):
    def window(a, b):
        return uids(cal.search(start=a, end=b, event=True, expand=False))

    d = lambda *a: datetime(*a, tzinfo=SEOUL)
    got = window(d(2027, 3, 10), d(2027, 3, 11))
    check(got == {"caldav-talks@test", "caldav-briefing@test"},
          "time range 10 March (KST): the talks and the series' occurrence",
          got)
    got = window(d(2027, 3, 12, 10), d(2027, 3, 14))
    check(got == set(),
          "time range after the series' last occurrence: nothing", got)
    got = window(d(2027, 3, 12, 9, 15), d(2027, 3, 12, 9, 20))
    check(got == {"caldav-briefing@test"},
          "time range inside the last occurrence finds the series", got)
    got = window(d(2027, 3, 15), d(2027, 3, 16))
    check(got == {"caldav-holiday@test"},
          "time range of the all-day event's day", got)
    try:
        got = uids(cal.date_search(d(2027, 3, 9), d(2027, 3, 10)))
        check(got == {"caldav-briefing@test"},
              "date_search (expanded client-side if the server does not)",
              got)
    except Exception as e:
        check(False, "date_search", e)
    try:
        e = cal.event_by_uid("caldav-talks@test")
        check(str(e.icalendar_component["SUMMARY"]) == "Bilateral talks",
              "event_by_uid (calendar-query with a UID text-match)")
    except Exception as e:
        check(False, "event_by_uid (calendar-query with a UID text-match)",
              e)


def edit_delete(cal):
    ev = [o for o in cal.events()
          if str(o.icalendar_component["UID"]) == "caldav-talks@test"][0]
    ev.load()
    comp = ev.icalendar_component
    comp["SUMMARY"] = "Bilateral talks (moved)"
    tz = ZoneInfo("Asia/Shanghai")
    comp["DTSTART"].dt = datetime(2027, 3, 10, 14, 0, tzinfo=tz)
    comp["DTEND"].dt = datetime(2027, 3, 10, 15, 30, tzinfo=tz)
    ev.save()
    t = listed().get("caldav-talks@test", [{}])[0]
    check((t.get("summary"), t.get("start"), t.get("tz")) ==
          ("Bilateral talks (moved)", "2027-03-10T14:00:00+08:00",
           "Asia/Shanghai"),
          "an edit in the client moves the event in kcal list", t)
    check(t.get("sequence", 0) >= 1, "the edit bumped SEQUENCE", t)
    b = [o for o in cal.events()
         if str(o.icalendar_component["UID"]) == "caldav-briefing@test"][0]
    b.delete()
    check("caldav-briefing@test" not in listed(),
          "a delete in the client removes the series from kcal list")
    check("caldav-briefing@test" not in uids(cal.events()),
          "... and from the calendar collection")


def reverse(cal):
    coll = cal.objects(load_objects=True)
    uid = kcal("add", "Press conference", "--start",
               "2027-03-11 15:00 Europe/Berlin", "--duration", "45m",
               "--location", "Bundespressekonferenz", "--remind", "15m")
    found = [o for o in cal.events()
             if str(o.icalendar_component["UID"]) == uid]
    comp = found[0].icalendar_component if found else None
    check(comp is not None and str(comp["SUMMARY"]) == "Press conference"
          and comp["DTSTART"].params.get("TZID") == "Europe/Berlin"
          and comp["DTSTART"].dt.hour == 15,
          "an event added with kcal is in the calendar, 15:00 Europe/Berlin",
          found[0].data if found else "not found")
    alarms = [a for a in comp.walk("VALARM")] if comp is not None else []
    check([str(a.get("TRIGGER").to_ical(), "ascii")
           if hasattr(a.get("TRIGGER"), "to_ical") else None
           for a in alarms] == ["-PT15M"],
          "kcal's reminder is a VALARM the app rings (TRIGGER -PT15M)",
          found[0].data if found else "")
    got = uids(cal.search(start=datetime(2027, 3, 11, 22, tzinfo=SEOUL),
                          end=datetime(2027, 3, 12, tzinfo=SEOUL),
                          event=True, expand=False))
    check(got == {uid}, "... and a time-range query finds it (23:00 KST)",
          got)
    updated, deleted = coll.sync()
    check(uid in uids(updated) and not deleted,
          "sync-collection brings the kcal event to the client",
          (uids(updated), deleted))
    kcal("edit", uid, "--summary", "Press conference (room 2)")
    updated, deleted = coll.sync()
    check(uids(updated) == {uid} and not deleted,
          "sync-collection brings kcal's edit, and only it",
          (uids(updated), deleted))
    o = [x for x in coll if str(x.icalendar_component["UID"]) == uid]
    check(o and str(o[0].icalendar_component["SUMMARY"]) ==
          "Press conference (room 2)", "the client has the new summary")
    kcal("rm", uid, "--yes")
    updated, deleted = coll.sync()
    url = found[0].url if found else None
    check(not updated and [d.url for d in deleted] == [url],
          "sync-collection reports kcal's delete (a 404 member)",
          ([str(u.url) for u in updated], [str(d.url) for d in deleted]))
    check(uid not in uids(cal.events()),
          "the deleted event is gone from the collection")


def refused(cal):
    """What kcal refuses by design, as the library's calls meet it."""
    before = listed()
    try:
        cal.save_todo("\r\n".join((
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kcal tests//EN",
            "BEGIN:VTODO", "UID:caldav-todo@test", "DTSTAMP:20270101T000000Z",
            "SUMMARY:Buy flowers", "END:VTODO", "END:VCALENDAR", "")))
        check(False, "a VTODO is refused (VEVENT only)")
    except (error.PutError, error.AuthorizationError) as e:
        check("Forbidden" in str(e) or "403" in str(e),
              "a VTODO is refused, 403 (VEVENT only)", e)
    try:
        cal.client.principal().make_calendar(name="Second calendar")
        check(False, "MKCALENDAR is refused (one calendar per account)")
    except (error.MkcalendarError, error.AuthorizationError,
            error.NotFoundError) as e:
        check("Forbidden" in str(e) or "403" in str(e),
              "MKCALENDAR is refused, 403 (one calendar per account)", e)
    check(listed() == before and
          len(cal.client.principal().calendars()) == 1,
          "... and nothing changed")


def main():
    cal = discover()
    if cal is None:
        return 1
    refused(cal)
    create(cal)
    search(cal)
    edit_delete(cal)
    reverse(cal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
