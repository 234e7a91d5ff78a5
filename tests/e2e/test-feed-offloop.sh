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
# KCAL_OFFLOOP_EVENTS (default 20000) sizes the store: the build must
# take noticeably long for the bystander's check to mean anything.
. "$(dirname "$0")/lib.sh"

N=${KCAL_OFFLOOP_EVENTS:-20000}
# Under a sanitizer: an import is slow there (its line array grows one
# element at a time, a copy each under TSan), and races, not time, count.
[ -n "$KCAL_SANITIZED" ] && N=${KCAL_OFFLOOP_EVENTS:-300}
have curl || { skip "curl is not installed"; done_testing; exit $?; }
have python3 || { skip "python3 is not installed"; done_testing; exit $?; }
cat >"$XDG_CONFIG_HOME/kcal/kcald.conf" <<EOF
max_line = 1073741824
max_import_size = 1073741824
max_import_events = 10000000
EOF
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/feeds/all.ics"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

# In four imports: one of 20,000 events can outlast kcald's 60 s patience
# with a client that takes no reply on a loaded machine.
for part in 1 2 3 4; do
	python3 "$top/tests/bench/gen-events.py" $((N / 4)) --all-public \
		--seed "$part" --uid-prefix "offloop$part" -o "$T/big$part.ics"
	check "$((N / 4)) generated events imported ($part of 4)" \
		kcal import "$T/big$part.ics"
done
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
