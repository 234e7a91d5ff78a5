#!/bin/sh
# test-reindex-migration.sh — a store written by a kcald that read some
# records differently (a DURATION of days as exact seconds) is read again
# from its records when a newer kcald opens it (the reindex table,
# occur_reindex): a single event's stored end and a series' indexed
# occurrences become the nominal ones, the log says how many, one whose
# record cannot be read is named and left as it was (kcald still starts),
# and nothing is left to do after.
. "$(dirname "$0")/lib.sh"

DB="$T/data/kcal.db"
have python3 || { skip "python3 is not installed"; done_testing; exit $?; }

cat >"$T/in.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:day@reindex
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:20270327T120000
DURATION:P1D
SUMMARY:A day across the change to summer time
END:VEVENT
BEGIN:VEVENT
UID:bad@reindex
DTSTAMP:20260101T000000Z
DTSTART:20270401T100000Z
DURATION:P1D
SUMMARY:To be damaged
END:VEVENT
BEGIN:VEVENT
UID:weekly@reindex
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:20270320T120000
DURATION:P1D
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Weekly, a day each
END:VEVENT
END:VCALENDAR
EOF
start_daemon || exit 1
kcal import "$T/in.ics" >/dev/null || fail "import"
stop_daemon
# 12:00 CEST on 28 March is 10:00Z: 1806228000.
nominal=$(sql "SELECT end_utc FROM events WHERE uid = 'day@reindex'")
check_eq "the day's end is nominal (12:00 CEST the next day)" 1806228000 \
	"$nominal"
version=$(sql "PRAGMA user_version")

# The store as the older reading left it: ends 24 h after the starts, and
# no reindex table (the schema before it: migration 17 of store-schema.c,
# and the one after it, which only replaces a trigger, run again).
sql "UPDATE events SET end_utc = start_utc + 86400 WHERE uid LIKE '%@reindex'" >/dev/null
sql "UPDATE occurrences SET end_utc = start_utc + 86400 WHERE event_uid = 'weekly@reindex'" >/dev/null
sql "UPDATE events SET ical = 'not iCalendar, DURATION:P1D' WHERE uid = 'bad@reindex'" >/dev/null
sql "DROP TABLE reindex" >/dev/null
sql "PRAGMA user_version = 17" >/dev/null
check_eq "the old store has the exact end" $((nominal + 3600)) \
	"$(sql "SELECT end_utc FROM events WHERE uid = 'day@reindex'")"

start_daemon || exit 1
check_eq "upgraded" "$version" "$(sql "PRAGMA user_version")"
check_eq "the single event's end is read again" "$nominal" \
	"$(sql "SELECT end_utc FROM events WHERE uid = 'day@reindex'")"
check_eq "the series' indexed occurrence across the change too" \
	1806228000 "$(sql "SELECT end_utc FROM occurrences WHERE event_uid = 'weekly@reindex' AND start_utc = 1806145200")"
check_match "kcal list shows the nominal end" "2027-03-28T12:00:00\\+02:00" \
	"$(kcal list --from 2027-03-27 --to 2027-03-28 --format json | jq -r '.events[] | select(.uid == "day@reindex") | .end')"
check_match "the log says how many were read again" \
	"upgrade: 2 events read again" "$(cat "$T/kcald.out")"
check_match "... and names the one it could not read, left as it was" \
	"upgrade: bad@reindex left as it was" "$(cat "$T/kcald.out")"
check_eq "nothing is left to do" 0 "$(sql "SELECT count(*) FROM reindex")"
stop_daemon
done_testing
