#!/bin/sh
# test-remind-at-rows.sh — an event's absolute reminders (--remind-at)
# show wherever the event does, not only in get: list and conflicts read
# rows, and a row held only the leads, so "remind_at" was [] there (a
# series answered from its occurrences' index too).  A store written
# before is read again from its records when opened.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
DB="$T/data/kcal.db"
at='"2027-05-03T08:00:00+09:00"'
one=$(kcal add "Signing" --start "2027-05-04 10:00" --duration 1h \
	--participant "Minister Park" --remind 1h --remind-at "2027-05-03 08:00")
kcal add "Briefing" --start "2027-05-04 10:30" --duration 1h \
	--participant "Minister Park" >/dev/null 2>&1
kcal add "Weekly call" --start "2027-05-05 09:00" --duration 30m \
	--rrule "FREQ=WEEKLY;COUNT=3" --remind-at "2027-05-03 08:00" >/dev/null
ra() { jq -c "[.events[] | select(.summary == \"$1\") | .remind_at]"; }
lst() { kcal list --from 2027-05-01 --to 2027-05-31 --format json; }
check_eq "get shows the absolute reminder" "[$at]" \
	"$(kcal show "$one" --format json | jq -c .remind_at)"
check_eq "list shows it too" "[[$at]]" "$(lst | ra Signing)"
check_eq "... with the leads beside it" "[3600]" \
	"$(lst | jq -c '.events[] | select(.summary == "Signing") | .remind')"
check_eq "list: a series' occurrences show it" "[[$at],[$at],[$at]]" \
	"$(lst | ra "Weekly call")"
check_eq "an event without any shows none" "[[]]" "$(lst | ra Briefing)"
check_eq "conflicts: the clash's event shows it" "[$at]" \
	"$(kcal conflicts --from 2027-05-01 --to 2027-05-31 --format json |
	jq -c '[.conflicts[] | .. | objects | select(.summary? == "Signing")
	| .remind_at][0]')"

if have python3; then
	# The store as an older kcald left it: the leads alone in the row.
	stop_daemon
	sql "UPDATE events SET reminders = CASE WHEN reminders LIKE '%;%'
		THEN nullif(substr(reminders, 1, instr(reminders, ';') - 1), '')
		ELSE reminders END" >/dev/null
	# as before the 21st migration of store-schema.c, the one that reads
	# them again
	sql "PRAGMA user_version = 20" >/dev/null
	check_eq "an older store's rows hold no absolute reminder" 0 \
		"$(sql "SELECT count(*) FROM events WHERE reminders LIKE '%;%'")"
	start_daemon || exit 1
	check_eq "... opened again, list shows it" "[[$at]]" "$(lst | ra Signing)"
	check_eq "... and the leads still" "[3600]" \
		"$(lst | jq -c '.events[] | select(.summary == "Signing") | .remind')"
else
	skip "an older store read again: python3 is not installed"
fi
done_testing
