#!/bin/sh
# tests/e2e/test-anchor-fanout.sh — an event that many others follow
# (1,500 anchored to it): an edit that moves it, a cancel and a delete of
# it each run alone, outside a group commit (server-group.c,
# moves_followers: inside a group's savepoint SQLite's in-memory journal
# of the request made the statements of every follower walk it from its
# start, so the time grew with the square of the followers: 5,000 took
# 7.6 s on the loop); every follower still moves, or is detached, in the
# one transaction; an edit of an event that nobody follows still joins a
# group; a status sent meanwhile is answered; and the log says how long
# the move held the loop.
#   KCAL_FANOUT=5000 sh tests/run.sh e2e/test-anchor-fanout.sh
. "$(dirname "$0")/lib.sh"

N=${KCAL_FANOUT:-1500}
start_daemon || exit 1

awk -v n="$N" 'BEGIN {
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal//test//EN\r\n"
	printf "BEGIN:VEVENT\r\nUID:anchor@fan\r\nDTSTAMP:20260101T000000Z\r\n"
	printf "DTSTART;TZID=Asia/Seoul:20260601T090000\r\nDURATION:PT1H\r\n"
	printf "SUMMARY:Arrival ceremony\r\nEND:VEVENT\r\n"
	printf "BEGIN:VEVENT\r\nUID:alone@fan\r\nDTSTAMP:20260101T000000Z\r\n"
	printf "DTSTART;TZID=Asia/Seoul:20260601T140000\r\nDURATION:PT1H\r\n"
	printf "SUMMARY:Press briefing\r\nEND:VEVENT\r\n"
	for (i = 0; i < n; i++) {
		printf "BEGIN:VEVENT\r\nUID:fol%05d@fan\r\n", i
		printf "DTSTAMP:20260101T000000Z\r\n"
		printf "DTSTART;TZID=Asia/Seoul:20260601T080000\r\n"
		printf "DURATION:PT15M\r\nSUMMARY:Advance team %d\r\n", i
		printf "X-KCAL-ANCHOR:anchor@fan\r\nX-KCAL-ANCHOR-OFFSET:-PT1H\r\n"
		printf "END:VEVENT\r\n"
	}
	printf "END:VCALENDAR\r\n"
}' >"$T/fan.ics"
check "import an anchor with $N followers" kcal import "$T/fan.ics"

groups() { kcal status --format json | jq '.commits.groups'; }
followers_on() {
	kcal list --from "$1" --to "$2" --format json |
	    jq '[.. | objects | .uid? | strings | select(startswith("fol"))] |
	    unique | length'
}

g0=$(groups)
check "edit an event nobody follows" kcal edit alone@fan --summary "Briefing"
g1=$(groups)
check_eq "that edit joined a group" "$((g0 + 1))" "$g1"

# A status every 50 ms while the anchor moves: each must be answered.
( while [ ! -f "$T/moved" ]; do
	kcal status >/dev/null 2>&1 || echo "status failed" >>"$T/bystander"
	sleep 0.05
done ) &
by=$!
kcal edit anchor@fan --start "2026-06-02 09:00 Asia/Seoul" \
    >"$T/move.out" 2>"$T/move.err"
rc=$?
touch "$T/moved"
wait $by
check_eq "the anchor moved" 0 "$rc"
check_eq "every follower moved with it" "$N" \
    "$(grep -c 'moved with it' "$T/move.err")"
check_eq "the followers are an hour before it, on the new day" "$N" \
    "$(followers_on 2026-06-01T23:00Z 2026-06-01T23:16Z)"
check_eq "none left on the old day" 0 \
    "$(followers_on 2026-05-31T23:00Z 2026-05-31T23:16Z)"
check_eq "the move ran alone, not in a group" "$g1" "$(groups)"
check_eq "statuses sent during the move were answered" "" \
    "$(cat "$T/bystander" 2>/dev/null)"
# It held the loop long enough to be logged (LOOP_HELD_MS, server-group.c).
check_match "the log names the request that held the loop, and for how long" \
    'request "update" from uid [0-9]+ held the loop [0-9]+ ms' \
    "$(cat "$T/kcald.out")"

g2=$(groups)
check "cancel the anchor" kcal cancel anchor@fan
check_eq "the cancel ran alone, not in a group" "$g2" "$(groups)"
check_eq "its followers stay where they are" "$N" \
    "$(followers_on 2026-06-01T23:00Z 2026-06-01T23:16Z)"

check "delete the anchor" kcal rm anchor@fan --yes
check_eq "the delete ran alone, not in a group" "$g2" "$(groups)"
check_eq "every follower was detached" 0 \
    "$(kcal list --from 2026-06-01 --to 2026-06-03 --format json |
    jq '[.. | objects | select(.anchor? != null)] | length')"
check_eq "and kept its time" "$N" \
    "$(followers_on 2026-06-01T23:00Z 2026-06-01T23:16Z)"

# The same after a restart: nothing was lost, nothing half-written.
stop_daemon
start_daemon || exit 1
check_eq "after a restart, every follower is still there" "$N" \
    "$(followers_on 2026-06-01T23:00Z 2026-06-01T23:16Z)"
check_eq "after a restart, the anchor is gone" 1 \
    "$(kcal show anchor@fan >/dev/null 2>&1; echo $?)"
done_testing
