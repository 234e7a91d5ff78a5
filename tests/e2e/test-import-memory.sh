#!/bin/sh
# test-import-memory.sh — a streamed import's memory in kcald does not
# grow with the file: each component's lines are set aside as soon as its
# END is read and read back one at a time (lint-spool.c).  The peak RSS
# (VmHWM) of a fresh kcald importing 20,000 events and one importing 2,000
# differ by less than 24 MB: SQLite's page cache of the import's
# connection (16 MB at most) fills as the transaction grows, but the
# file's lines held in memory (over 3 kB an event here, with their line
# table) would add some 60 MB more.  Not a timing test;
# skipped under sanitizers and valgrind, whose own memory swamps kcald's.
. "$(dirname "$0")/lib.sh"

if [ -n "$KCAL_SANITIZED" ] || [ -n "$KCALD_WRAPPER" ]; then
	skip "RSS is not kcald's own under a sanitizer or valgrind"
	done_testing; exit $?
fi
[ -r /proc/self/status ] || { skip "no /proc"; done_testing; exit $?; }
BOUND_KB=${KCAL_IMPORT_GROWTH_KB:-24576}

# gen N FILE: N events in a zone of the file's own, each about 3 kB.
gen() {
	awk -v n="$1" 'BEGIN {
		printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
		printf "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\n"
		printf "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
		printf "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
		printf "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
		printf "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
		printf "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
		printf "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
		printf "END:VTIMEZONE\r\n"
		pad = "A meeting of the working group on the memory of imports,"
		pad = pad " described at some length so that each event weighs"
		for (i = 0; i < n; i++) {
			d = 1 + i % 28; m = 1 + int(i / 28) % 12
			y = 2027 + int(i / 336) % 20; h = 8 + i % 10
			printf "BEGIN:VEVENT\r\nUID:mem-%d@test\r\n", i
			printf "DTSTAMP:20260101T000000Z\r\n"
			printf "DTSTART;TZID=Europe/Brussels:%04d%02d%02dT%02d0000\r\n", y, m, d, h
			printf "DTEND;TZID=Europe/Brussels:%04d%02d%02dT%02d3000\r\n", y, m, d, h
			printf "SUMMARY:Working group %d\r\nLOCATION:Room %d\r\n", i, i % 50
			printf "DESCRIPTION:%s %d.\r\n", pad, i
			for (k = 0; k < 8; k++)
				printf " %s, %s, %s\r\n", pad, pad, pad
			printf "END:VEVENT\r\n"
		}
		printf "END:VCALENDAR\r\n"
	}' >"$2"
}

# peak N: kcald's VmHWM (kB) after a fresh daemon imports N events.
peak() {
	gen "$1" "$T/in-$1.ics"
	rm -rf "$T/data"
	start_daemon --config "$T/kcald.conf" || return 1
	kcal import "$T/in-$1.ics" >"$T/imp-$1.out" 2>&1 ||
	    fail "import of $1 events" "$(cat "$T/imp-$1.out")"
	awk '/^VmHWM:/ { print $2 }' "/proc/$KCALD_PID/status"
	stop_daemon
}

printf 'max_import_size = 1M\nmax_import_events = 1000000\n' >"$T/kcald.conf"
small=$(peak 2000)
big=$(peak 20000)
check_eq "20,000 events were imported" "20000" \
    "$(grep -Eo '[0-9]+ added' "$T/imp-20000.out" | grep -Eo '[0-9]+')"
if [ -n "$small" ] && [ -n "$big" ]; then
	growth=$((big - small))
	if [ "$growth" -lt "$BOUND_KB" ]; then
		pass "kcald's peak grows by ${growth} kB from 2,000 to 20,000 events (< $BOUND_KB kB)"
	else
		fail "kcald's peak grows by ${growth} kB from 2,000 to 20,000 events (>= $BOUND_KB kB)" \
		    "2,000: $small kB, 20,000: $big kB"
	fi
else
	fail "kcald's peak RSS was read" "2,000: '$small', 20,000: '$big'"
fi
done_testing
