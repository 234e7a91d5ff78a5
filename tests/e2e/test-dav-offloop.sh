#!/bin/sh
# test-dav-offloop.sh — CalDAV's reads run off kcald's loop (dav-job.c, on
# the worker's thread): while a PROPFIND Depth: 1 and an initial
# sync-collection of a large calendar run, `kcal status` is answered
# (dav-offloop.py bystander: p99 under max(1 s, 5x the quiet p99), printed;
# no status waits for a read); each read has every event; the account's
# clearance holds on the thread; a stop while a read runs ends cleanly.
#
# KCAL_OFFLOOP_EVENTS (default 20000) sizes the store (lib.sh,
# offloop_setup): the reads must take noticeably long for the bystander's
# check to mean anything.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

offloop_setup "$XDG_CONFIG_HOME/kcal/kcald.conf" || { done_testing; exit $?; }
have curl || { skip "curl is not installed"; done_testing; exit $?; }
dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user alice alice-pw || { done_testing; exit 1; }

offloop_import davoff --all-public
total=$(( (N / 4) * 4 ))

py_scenario "bystander" python3 "$top/tests/e2e/dav-offloop.py" "$KCAL" \
	"$BASE" alice alice-pw "$total"
sed -n 's/^     PROPFIND/PROPFIND/p' "$T/py.out"
grep -q '^SKIP' "$T/py.out" &&
	skip "status during long reads: $(sed -n 's/^SKIP //p' "$T/py.out")"

# The clearance is the account's on the thread too: a private event is
# not in a public account's reads, and is in a private one's.
kcal add "Davoff private meeting" --start 2030-01-02T10:00 \
	--class private >/dev/null
dav_user pat pat-pw --clearance private || { done_testing; exit 1; }
SQ='<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><C:calendar-data/></D:prop></D:sync-collection>'
dav REPORT /dav/calendars/alice/calendar/ -u alice:alice-pw \
	-H 'Content-Type: application/xml' --data-binary "$SQ" >/dev/null
check_rc "a public account's sync has no private event" 1 \
	grep -q "Davoff private meeting" "$T/body"
dav REPORT /dav/calendars/pat/calendar/ -u pat:pat-pw \
	-H 'Content-Type: application/xml' --data-binary "$SQ" >/dev/null
check "a private account's sync has it" \
	grep -q "Davoff private meeting" "$T/body"
check_rc "kcald never read CalDAV on its loop" 1 \
	grep -q 'long reads run on the loop' "$T/kcald.out"

# Stopped while a read runs: kcald waits for it and exits cleanly
# (stop_daemon fails the test otherwise); the read is answered or its
# connection closed, never left hanging.
curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' -u alice:alice-pw \
	-X REPORT -H 'Content-Type: application/xml' --data-binary "$SQ" \
	"$BASE/dav/calendars/alice/calendar/" >"$T/code" 2>&1 &
cpid=$!
sleep 0.2
stop_daemon
wait $cpid
check_match "a read during the stop ends (answered, or closed)" \
	'(^|[^0-9])(207|503|000)$' "$(cat "$T/code")"
done_testing
