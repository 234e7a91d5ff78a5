#!/bin/sh
# test-remind-override-alarms.sh — an override's own VALARMs are its
# occurrence's reminders (RFC 5545: an override replaces its occurrence
# whole; a calendar app that changes one occurrence's alarm writes it so).
# A daily series reminded 15 minutes before, whose 3rd occurrence has an
# override with an alarm a day before and whose 4th has an override with
# no VALARM (it keeps the series'): `kcal reminders` lists each at its own
# time.  `kcal edit --remind` on the series then sets every occurrence's,
# the overrides' included, and `--no-remind` takes them all away.
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
uid=override-alarms-0001
cat >"$T/series.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//override-alarms//EN
BEGIN:VEVENT
UID:override-alarms-0001
DTSTAMP:20260101T000000Z
DTSTART;TZID=Asia/Shanghai:20300105T090000
DURATION:PT1H
RRULE:FREQ=DAILY;COUNT=5
SUMMARY:Morning briefing
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Briefing
TRIGGER:-PT15M
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:override-alarms-0001
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Asia/Shanghai:20300107T090000
DTSTART;TZID=Asia/Shanghai:20300107T090000
DURATION:PT1H
SUMMARY:Briefing with the Premier
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Premier
TRIGGER:-P1D
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:override-alarms-0001
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Asia/Shanghai:20300108T090000
DTSTART;TZID=Asia/Shanghai:20300108T100000
DURATION:PT1H
SUMMARY:Briefing, an hour later
END:VEVENT
END:VCALENDAR
ICS
check "import the series with two overrides" kcal import "$T/series.ics"

# "start before" of each of the series' reminders, in firing order.
leads() {
	jget "$(kcal reminders --from 2030-01-01 --to 2030-01-12 --format json)" \
	    "[.reminders[] | select(.uid == \"$uid\") |
	    \"\(.start)/\(.before)\"] | join(\" \")"
}
d5=2030-01-05T09:00:00+08:00 d6=2030-01-06T09:00:00+08:00
d7=2030-01-07T09:00:00+08:00 d8=2030-01-08T10:00:00+08:00
d9=2030-01-09T09:00:00+08:00
check_eq "each occurrence reminded by its override's alarms, else the series'" \
	"$d5/900 $d6/900 $d7/86400 $d8/900 $d9/900" "$(leads)"
check_eq "... the day-before one has the override's summary" \
	"Briefing with the Premier" \
	"$(jget "$(kcal reminders --from 2030-01-06T09:55 --to 2030-01-06T10:05 \
	    --format json)" '.reminders[0].summary')"

# The series' reminders set with kcal are every occurrence's.
check "kcal edit --remind 30m on the series" kcal edit "$uid" --remind 30m
check_eq "... every occurrence, the overridden ones too, 30 minutes before" \
	"$d5/1800 $d6/1800 $d7/1800 $d8/1800 $d9/1800" "$(leads)"
ics=$(kcal show "$uid" --format ics)
check_eq "... the override's VALARM replaced, not added to" \
	"3 0" "$(printf '%s\n' "$ics" | grep -c '^TRIGGER:-PT30M')$(printf ' %s' \
	"$(printf '%s\n' "$ics" | grep -c '^TRIGGER:-P1D')")"
# An absolute reminder is the master's alone: it fires once, and the
# occurrences keep their relative ones.
check "kcal edit --remind-at on the series" \
	kcal edit "$uid" --remind-at "2030-01-02 12:00"
check_eq "... the occurrences keep theirs, the absolute one fires once" \
	"2030-01-02T12:00:00+09:00 $d5/1800 $d6/1800 $d7/1800 $d8/1800 $d9/1800" \
	"$(jget "$(kcal reminders --from 2030-01-01 --to 2030-01-12 --format json)" \
	    "[.reminders[] | select(.uid == \"$uid\") | if .before == null or
	    (.before|type) == \"string\" then .due else \"\(.start)/\(.before)\"
	    end] | join(\" \")")"
check_eq "... and is in the master alone" 1 \
	"$(kcal show "$uid" --format ics | grep -c '^TRIGGER;VALUE=DATE-TIME')"
check "kcal edit --no-remind on the series" kcal edit "$uid" --no-remind
check_eq "... no occurrence is reminded" "" "$(leads)"
check_eq "... no VALARM is left, each VEVENT says so" "0 3" \
	"$(kcal show "$uid" --format ics | grep -c '^BEGIN:VALARM') $(kcal show \
	"$uid" --format ics | grep -c '^X-KCAL-NO-REMIND:TRUE')"
done_testing
