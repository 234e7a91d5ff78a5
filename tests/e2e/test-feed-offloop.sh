#!/bin/sh
# test-feed-offloop.sh — a feed's body is built off kcald's loop (worker.c,
# feed-body.c): while a large feed is rebuilt after an edit, `kcal status`
# is answered (feed-offloop.py bystander: p99 < 500 ms while a build of
# more than a second runs; a machine too fast to show it says so); eight
# GETs of the stale feed wait for one build; an edit made during a build
# is in the body a later GET gets; a reload during a build frees the old
# configuration only after it; and the body built by the worker from
# its record cache is byte for byte the one a restarted kcald builds from
# nothing, and python3-icalendar reads a feed built so; a stop during a
# build ends cleanly.
#
# KCAL_OFFLOOP_EVENTS (default 20000) sizes the store (lib.sh,
# offloop_setup): the build must take noticeably long for the bystander's
# check to mean anything.
. "$(dirname "$0")/lib.sh"

offloop_setup "$XDG_CONFIG_HOME/kcal/kcald.conf" || { done_testing; exit $?; }
have curl || { skip "curl is not installed"; done_testing; exit $?; }
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/feeds/all.ics"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

offloop_import offloop --all-public
curl -sS --noproxy '*' -o "$T/cold" "$URL"
check "the first build serves the feed" test "$(grep -c BEGIN:VEVENT \
	"$T/cold")" -gt $((N / 2))

py_scenario "bystander" python3 "$top/tests/e2e/feed-offloop.py" "$KCAL" \
	"$PORT" "$T/kcald.out" bystander
sed -n 's/^     build/build/p' "$T/py.out"
grep -q '^SKIP' "$T/py.out" &&
	skip "status during a long build: $(sed -n 's/^SKIP //p' "$T/py.out")"
py_scenario "crowd" python3 "$top/tests/e2e/feed-offloop.py" "$KCAL" \
	"$PORT" "$T/kcald.out" crowd

# A reload while a build runs: the old configuration is freed only after.
day=$(date -u -d '+2 days' +%Y-%m-%d)
kcal add "Offloop reload edit" --start "${day}T11:00" --class public >/dev/null
curl -sS --noproxy '*' -o "$T/reload" "$URL" &
cpid=$!
sleep 0.2
kill -HUP "$KCALD_PID"
wait $cpid
check "a feed built across a reload has the edit" \
	grep -q "Offloop reload edit" "$T/reload"
check "kcald answers after that reload" kcal status

# A small feed of the edits, built by the worker, read by python3-icalendar.
out=$(kcal feed add edits --search Offloop)
small=$(printf '%s\n' "$out" | sed -n 's/^ *url: *//p' | head -n 1)
if ! /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	skip "python3-icalendar is not installed"
else
	_o=$(/usr/bin/python3 "$top/tests/e2e/check-feed.py" "$small" 2>&1)
	check_match "python3-icalendar reads a feed the worker built" \
		'feed-check: [0-9]+ passed, 0 failed' "$_o"
fi

# The warm build (records reused) equals a cold one after a restart.
curl -sS --noproxy '*' -o "$T/warm" "$URL"
stop_daemon
start_daemon --http "127.0.0.1:$PORT" || fail "kcald restarts"
curl -sS --noproxy '*' -o "$T/restart" "$URL"
check "a rebuilt body is byte for byte a cold build's" \
	cmp "$T/warm" "$T/restart"
check_rc "kcald never built a feed on its loop" 1 \
	grep -q 'long reads run on the loop' "$T/kcald.out"

# Stopped while a build runs: kcald waits for it and exits cleanly
# (stop_daemon fails the test otherwise); the waiting GET is answered or
# its connection closed, never left hanging.
kcal add "Offloop stop edit" --start "${day}T12:00" --class public >/dev/null
curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' "$URL" >"$T/code" 2>&1 &
cpid=$!
sleep 0.2
stop_daemon
wait $cpid
check_match "a GET during the stop ends (answered, or closed)" \
	'(^|[^0-9])(200|500|000)$' "$(cat "$T/code")"
done_testing
