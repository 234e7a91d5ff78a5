#!/bin/sh
# test-list-items.sh — a list made from the window's items in start order
# (store_items: single events and indexed occurrences) says exactly what
# the row walk says.  The walk is what a participant filter takes, and
# every event here has the same participant, so each reply and each page
# (events and next_cursor) is compared with and without it: series that
# began long before the window (weekly, daily with an EXDATE, all-day),
# single events with ties at one start, events crossing the window's
# edges; then the same after a series gets an override (the walk again).
. "$(dirname "$0")/lib.sh"

W="--from 2031-03-01 --to 2031-03-08"
ICS="$T/items.ics"
start_daemon || { fail "kcald starts"; done_testing; exit 1; }

python3 - "$ICS" <<'PY'
import sys
out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kcal tests//items//EN"]
def ev(uid, start, extra=(), dur="PT1H"):
    out.extend(["BEGIN:VEVENT", "UID:%s" % uid, "DTSTAMP:20300101T000000Z",
        "DTSTART%s" % start, "DURATION:%s" % dur, "SUMMARY:item %s" % uid,
        "ATTENDEE;CN=Pat Kim:mailto:pat@items.test"] + list(extra) +
        ["END:VEVENT"])
for i in range(60):
    ev("e%03d@items.test" % i, ":203103%02dT%02d0000Z" % (1 + i % 7,
       8 + i % 3))
ev("edge1@items.test", ":20310228T230000Z", dur="PT3H")
ev("edge2@items.test", ":20310307T230000Z", dur="PT3H")
for s in range(8):
    ev("w%d@items.test" % s, ":203001%02dT%02d3000Z" % (1 + s, 8 + s % 3),
       ["RRULE:FREQ=WEEKLY;COUNT=120"])
ev("d@items.test", ":20310201T090000Z", ["RRULE:FREQ=DAILY;COUNT=60",
   "EXDATE:20310303T090000Z"])
ev("a@items.test", ";VALUE=DATE:20300105", ["RRULE:FREQ=WEEKLY"],
   dur="P1D")
out.append("END:VCALENDAR")
open(sys.argv[1], "w").write("\r\n".join(out) + "\r\n")
PY
check "the events import" kcal import "$ICS"

# same LIMIT: each page with and without the participant filter
same() {
	_c= _d= _n=0
	while :; do
		_a=$(kcal list $W --format json ${1:+--limit "$1"} \
		    ${_c:+--cursor "$_c"}) || return 1
		_b=$(kcal list $W --format json --participant pat \
		    ${1:+--limit "$1"} ${_d:+--cursor "$_d"}) || return 1
		[ "$_a" = "$_b" ] || { echo "page $_n differs"; return 1; }
		_c=$(jget "$_a" '.next_cursor // empty')
		_d=$(jget "$_b" '.next_cursor // empty')
		[ -z "$_c" ] && break
		_n=$((_n + 1))
		[ "$_n" -gt 500 ] && return 1
	done
	echo same
}
n=$(jget "$(kcal list $W --format json)" '.events | length')
check_eq "the week has its single events and occurrences" yes \
	"$([ "$n" -gt 70 ] && echo yes || echo "no: $n")"
for l in "" 1 7 50 200; do
	check_eq "pages of ${l:-all} are what the row walk gives" same \
	    "$(same $l)"
done

cat > "$TMPDIR/ovr.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//kcal tests//items//EN
BEGIN:VEVENT
UID:w3@items.test
DTSTAMP:20300101T000000Z
DTSTART:20300104T113000Z
DURATION:PT1H
SUMMARY:item w3@items.test
ATTENDEE;CN=Pat Kim:mailto:pat@items.test
RRULE:FREQ=WEEKLY;COUNT=120
END:VEVENT
BEGIN:VEVENT
UID:w3@items.test
DTSTAMP:20300101T000000Z
RECURRENCE-ID:20310306T113000Z
DTSTART:20310301T070000Z
DURATION:PT1H
SUMMARY:moved
ATTENDEE;CN=Pat Kim:mailto:pat@items.test
END:VEVENT
END:VCALENDAR
ICS
check "a series gets an override" kcal import "$TMPDIR/ovr.ics"
for l in "" 1 7 50; do
	check_eq "with an override, pages of ${l:-all} are the row walk's" \
	    same "$(same $l)"
done
moved=$(jget "$(kcal list $W --format json)" \
    '[.events[] | select(.summary == "moved")] | length')
check_eq "the moved occurrence is listed once" 1 "$moved"

done_testing
