#!/bin/sh
# test-edit-shift.sh — moving a series keeps what was deleted or changed
# deleted or changed (ical-shift.c), in the cases a hunt found it did not:
#   - a rule that pins its days (WEEKLY;BYDAY=MO,WE, every day): a start
#     moved to another day moves no occurrence to another day, so its
#     EXDATEs and overrides keep their days (they were shifted by the whole
#     move: the wrong Wednesday was cancelled, and the deleted came back);
#   - a rule that does not (every Monday, moved to Wednesday; every other
#     Monday): they move with the start, as before;
#   - a time the zone skips (02:30 on the spring-forward day) moves as
#     written: moved an hour earlier it is 01:30, and moved into the gap
#     and back the deleted occurrence stays deleted.
. "$(dirname "$0")/lib.sh"
have jq || { skip "jq is not installed (a test dependency)"; done_testing; exit $?; }
start_daemon || exit 1

# ics UID DTSTART RRULE EXDATE [CANCELLED-RID]: a New York series.
ics() {
	{
		printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal tests//EN\r\n'
		printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n' "$1"
		printf 'SUMMARY:Series\r\nDTSTART;TZID=America/New_York:%s\r\n' "$2"
		printf 'DURATION:PT30M\r\nRRULE:%s\r\n' "$3"
		printf 'EXDATE;TZID=America/New_York:%s\r\nEND:VEVENT\r\n' "$4"
		if [ -n "$5" ]; then
			printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n' "$1"
			printf 'RECURRENCE-ID;TZID=America/New_York:%s\r\n' "$5"
			printf 'DTSTART;TZID=America/New_York:%s\r\n' "$5"
			printf 'DURATION:PT30M\r\nSUMMARY:Off\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n'
		fi
		printf 'END:VCALENDAR\r\n'
	} >"$T/$1.ics"
	kcal import "$T/$1.ics" >/dev/null
}
# days UID: its occurrences not cancelled, "MM-DDTHH:MM" in New York.
days() {
	kcal list --from 2026-03-01 --to 2026-04-01 \
	    --format json 2>/dev/null | jq -r --arg u "$1" '[.events[] |
	    select(.uid == $u and .status != "cancelled") | .start[5:16]] |
	    join(" ")'
}
move() { kcal edit "$1" --start "$2" >/dev/null; }

# 1. Mondays and Wednesdays; 03-11 deleted, 03-16 cancelled.
ics byday@t 20260302T090000 "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8" \
	20260311T090000 20260316T090000
check_eq "a MO,WE series, one deleted and one cancelled" \
	"03-02T09:00 03-04T09:00 03-09T09:00 03-18T09:00 03-23T09:00 03-25T09:00" \
	"$(days byday@t)"
move byday@t "2026-03-04 09:00 America/New_York"
check_eq "... begun on its Wednesday: the same two stay off" \
	"03-04T09:00 03-09T09:00 03-18T09:00 03-23T09:00 03-25T09:00 03-30T09:00" \
	"$(days byday@t)"
move byday@t "2026-03-09 11:00 America/New_York"
check_eq "... begun a week later at 11:00: still those two" \
	"03-09T11:00 03-18T11:00 03-23T11:00 03-25T11:00 03-30T11:00" \
	"$(days byday@t)"
check_match "... its EXDATE kept its day, at the new time" \
	'EXDATE;TZID=America/New_York:20260311T110000' \
	"$(kcal show byday@t --format ics)"

# 1b. The second Tuesday of each month (03-10, 04-14), 04-14 deleted,
#     begun a day earlier at 10:00: still the second Tuesdays, 04-14 off.
ics tue@t 20260310T090000 "FREQ=MONTHLY;BYDAY=2TU;COUNT=3" 20260414T090000
move tue@t "2026-03-09 10:00 America/New_York"
check_eq "a second-Tuesday series begun a day earlier keeps its deleted one" \
	"03-10T10:00 05-12T10:00" \
	"$(kcal list --from 2026-03-01 --to 2026-06-01 --format json |
	jq -r '[.events[] | select(.uid == "tue@t") | .start[5:16]] |
	join(" ")')"
check_match "... its EXDATE on its Tuesday, at 10:00" \
	'EXDATE;TZID=America/New_York:20260414T100000' \
	"$(kcal show tue@t --format ics)"

# 2. Every day, 03-06 deleted, begun two days later: 03-06 stays deleted.
ics daily@t 20260302T090000 "FREQ=DAILY;COUNT=6" 20260306T090000
move daily@t "2026-03-04 09:00 America/New_York"
check_eq "a daily series begun two days later keeps its deleted day" \
	"03-04T09:00 03-05T09:00 03-07T09:00 03-08T09:00 03-09T09:00" \
	"$(days daily@t)"

# 3. Every Monday (the start says which day), moved to Wednesday: the
#    third one (03-16) deleted is the third Wednesday (03-18).
ics monday@t 20260302T090000 "FREQ=WEEKLY;COUNT=4" 20260316T090000
move monday@t "2026-03-04 09:00 America/New_York"
check_eq "a weekly series moved to Wednesday: its exception moves with it" \
	"03-04T09:00 03-11T09:00 03-25T09:00" "$(days monday@t)"

# 3b. Every other Monday (03-02, 03-16, 03-30), 03-16 deleted, begun a
#     week later: its weeks move, and the exception with them (03-23).
ics fortnight@t 20260302T090000 "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=3" \
	20260316T090000
move fortnight@t "2026-03-09 09:00 America/New_York"
check_eq "every other Monday begun a week later: the exception moves too" \
	"03-09T09:00" "$(days fortnight@t)"

# 4. 02:30 every day; 03-08 (02:30 skipped: 03:30) deleted; at 01:30.
ics gap@t 20260305T023000 "FREQ=DAILY;COUNT=6" 20260308T023000
move gap@t "2026-03-05 01:30 America/New_York"
check_eq "a deletion in the spring gap, moved an hour earlier: still off" \
	"03-05T01:30 03-06T01:30 03-07T01:30 03-09T01:30 03-10T01:30" \
	"$(days gap@t)"
ics gap2@t 20260305T013000 "FREQ=DAILY;COUNT=6" 20260308T013000
move gap2@t "2026-03-05 02:30 America/New_York"
move gap2@t "2026-03-05 01:30 America/New_York"
check_eq "a series moved into the gap and back: 03-08 still off" \
	"03-05T01:30 03-06T01:30 03-07T01:30 03-09T01:30 03-10T01:30" \
	"$(days gap2@t)"
check_match "... its EXDATE written as meant" \
	'EXDATE;TZID=America/New_York:20260308T013000' \
	"$(kcal show gap2@t --format ics)"
done_testing
