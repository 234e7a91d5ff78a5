#!/bin/sh
# test-remind-seq.sh — delivery numbers never go back across a restart.
# A watcher asks, when it reconnects, for the deliveries numbered after
# the last it saw.  kcald went on numbering from the highest number its
# records held, and deleting an event deletes its records: after the event
# whose reminder went off last was deleted and kcald restarted, the next
# reminder took that number again, and a watcher that had seen it was
# never replayed the new one.  Here: A's reminder goes off and is seen; A
# is deleted; B, due while kcald is down, goes off at the restart while
# the watcher is stopped (SIGSTOP); once let go, it reconnects and must
# print B, numbered past A.
. "$(dirname "$0")/lib.sh"

W=''
trap 'kill -CONT $W 2>/dev/null; kill $W 2>/dev/null; _cleanup' EXIT
if ! have jq; then
	skip "jq is not installed (a test dependency)"
	done_testing
	exit
fi

start_daemon || exit 1
"$KCAL" watch --format json >"$T/w" 2>"$T/w.err" & W=$!
wait_for 10 grep -q "watching (" "$T/kcald.out" || fail "the watcher connects"
at=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
a=$(kcal add "Seq A" --start +2h --remind-at "$at")
seen() { grep -q "\"$1\"" "$T/w"; }
check "A's reminder reached the watcher" wait_for 15 seen "Seq A"
na=$(jq -r 'select(.summary == "Seq A") | .seq' "$T/w" | head -n 1)
check_rc "A is deleted" 0 kcal rm "$a" --yes
at=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
kcal add "Seq B" --start +2h --remind-at "$at" >/dev/null || fail "add B"
kill -STOP $W
stop_daemon
sleep 4			# B falls due while kcald is down
start_daemon || exit 1
fired() { grep -q 'reminder.*"Seq B"' "$T/kcald.out"; }
check "B went off at the restart, late" wait_for 15 fired
kill -CONT $W
check "the watcher, back, was replayed B" wait_for 15 seen "Seq B"
nb=$(jq -r 'select(.summary == "Seq B") | .seq' "$T/w" | head -n 1)
past() { [ -n "$na" ] && [ "${nb:-0}" -gt "$na" ]; }
check "B's number ($nb) is past A's ($na)" past
kill $W 2>/dev/null
stop_daemon
done_testing
