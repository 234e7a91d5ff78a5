#!/bin/sh
# test-limits.sh — every configurable limit, hit on one connection while
# another client keeps being served, with an error that names the setting:
# max_line, max_clients, max_output (a client that never reads is not read,
# a watcher that never reads is dropped), idle_timeout,
# max_occurrences, max_import_size and max_import_events, the HTTP request
# limits, and running out of file descriptors (accepting pauses, no spin).
# The raw-socket scenarios live in wire.py.
. "$(dirname "$0")/lib.sh"
# Debian's python3 starts fast; a version manager's shim may not.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# py SCENARIO ARGS...: run a wire.py scenario and count its ok/FAIL lines.
py() {
	py_scenario "wire.py $1" "$PY" "$top/tests/e2e/wire.py" "$KCAL_SOCKET" "$@"
}

cat >"$T/kcald.conf" <<EOF
max_line = 4096
max_clients = 6
max_output = 256K
max_occurrences = 50
EOF
start_daemon --config "$T/kcald.conf" || exit 1

# Events enough that a year's list is a few tens of kilobytes.
i=10
while [ $i -lt 70 ]; do
	kcal add "Consultations round $i with a long enough title to weigh" \
		--start "$(printf '2026-%02d-%02dT10:00' $((i % 12 + 1)) $((i % 28 + 1)))" \
		--location "Room $i, Ministry" \
		>/dev/null 2>&1 || true
	i=$((i + 1))
done
kcal add "Filler A" --start 2026-02-01T10:00 >/dev/null
n=$(kcal list --from 2026-01-01 --to 2027-01-01 --format tsv | wc -l)
[ "$n" -ge 20 ] || fail "setting up events ($n)"

py longline 4096
py clients 6
py output "$KCALD_PID" $((256 * 1024))
py watch_output 2500
check "the daemon logged the watcher's drop, naming max_output" grep -Eq \
	"not reading what it watches.*twice max_output is 524288" "$T/kcald.out"
py watch_big $((256 * 1024)) 200

# max_occurrences: the expansion stops there and the reply says so.
kcal add "Daily security briefing" --start 2026-01-01T08:00 \
	--rrule FREQ=DAILY >/dev/null
out=$(kcal list --from 2026-01-01 --to 2027-01-01 --format json)
check_eq "max_occurrences caps a list" "50 true 50" \
	"$(jget "$out" '"\(.count) \(.truncated) \(.limit)"')"
err=$(kcal list --from 2026-01-01 --to 2027-01-01 2>&1 >/dev/null)
check_match "... and kcal says so, naming max_occurrences" \
	"only the first 50 shown \(kcald's max_occurrences\)" "$err"
check "the owner is still served" kcal status

# An import far bigger than max_line goes in pieces that each fit it
# (import_begin says how big a piece may be).
{
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n'
	i=0
	while [ $i -lt 3000 ]; do
		printf 'BEGIN:VEVENT\r\nUID:big%d@t\r\nDTSTAMP:20260101T000000Z\r\n' $i
		printf 'DTSTART:20270101T100000Z\r\nSUMMARY:Line %d\r\nEND:VEVENT\r\n' $i
		i=$((i + 1))
	done
	printf 'END:VCALENDAR\r\n'
} >"$T/long.ics"
out=$(kcal import "$T/long.ics" 2>&1)
check_match "an import far over max_line goes through in pieces" \
	"3000 added" "$out"

# A request over max_line sent by kcal itself: kcald refuses it and closes
# while kcal is still writing; kcal must say why (too_long), not die of
# SIGPIPE without a word.
err=$(kcal add "$(head -c 120000 /dev/zero | tr '\0' x)" \
	--start 2027-01-01T10:00 2>&1); rc=$?
check_eq "a request over max_line exits 1, not killed by SIGPIPE" 1 "$rc"
check_match "... and says the line is over max_line" \
	"longer than 4096 bytes \(max_line\).*too_long" "$err"
check "... and the daemon still serves" kcal status
stop_daemon

# Imports: too many bytes, too many events; nothing is imported.
printf 'max_import_size = 64K\nmax_import_events = 20\n' >"$T/import.conf"
start_daemon --config "$T/import.conf" || exit 1
KL="$top/tests/e2e/killloop.py"
"$PY" "$KL" - genics "$T/many.ics" 21 many
jq -Rs '{cmd: "import", name: "many.ics", ical: .}' "$T/many.ics" >"$T/many.json"
py request "$T/many.json" limit max_import_events
out=$(kcal import "$T/many.ics" 2>&1)
check_match "kcal import: max_import_events refused, named" \
	"21 events.*max_import_events.*nothing imported \(limit\)" "$out"
check_eq "... nothing of it imported" 0 "$("$PY" "$KL" "$KCAL_SOCKET" count many-)"
"$PY" "$KL" - genics "$T/ok.ics" 20 fits
check "20 events (max_import_events) import" kcal import "$T/ok.ics"
check_eq "... all of them" 20 "$("$PY" "$KL" "$KCAL_SOCKET" count fits-)"
"$PY" "$KL" - genics "$T/big.ics" 400 big
jq -Rs '{cmd: "import", ical: .}' "$T/big.ics" >"$T/big.json"
py request "$T/big.json" limit max_import_size
/usr/bin/python3 - "$T/wide.ics" <<'EOF'
import sys
with open(sys.argv[1], "w", newline="") as f:
    f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n")
    for i in range(20):
        d = "DESCRIPTION:" + "wide " * 2000
        d = "\r\n ".join(d[k:k + 70] for k in range(0, len(d), 70))
        f.write("BEGIN:VEVENT\r\nUID:wide%d@t\r\nDTSTAMP:20260101T000000Z\r\n"
                "DTSTART:20270201T100000Z\r\nSUMMARY:Wide %d\r\n%s\r\n"
                "END:VEVENT\r\n" % (i, i, d))
    f.write("END:VCALENDAR\r\n")
EOF
out=$(kcal import "$T/wide.ics" 2>&1)
check_match "kcal import: max_import_size bounds only the one-request form" \
	"wide.ics: 20 added, 0 updated, 0 unchanged" "$out"
stop_daemon

# HTTP: header count (431 naming http_max_headers), header size (431)
# and body size (413); the feed and the socket keep working.
{
	PORT=$(free_port)
	printf 'http_max_headers = 10\nhttp_max_header_size = 2K\nhttp_max_body_size = 1K\n' \
		>"$T/http.conf"
	start_daemon --config "$T/http.conf" --http "127.0.0.1:$PORT" || exit 1
	py http "$PORT" 10 2048 1024
	check "the daemon logged the refusal, naming http_max_headers" grep -Eq \
		"[0-9]+ header fields refused \(http_max_headers is 10\)" "$T/kcald.out"
	stop_daemon
}

# idle_timeout: a silent client is told and closed; a busy one is not.
printf 'idle_timeout = 2\n' >"$T/idle.conf"
start_daemon --config "$T/idle.conf" || exit 1
py idle 2
stop_daemon

# Out of file descriptors: the daemon pauses accepting instead of spinning,
# keeps serving who it has, and resumes when descriptors free up.
if have prlimit; then
	PORT=$(free_port)
	start_daemon --http "127.0.0.1:$PORT" || exit 1
	prlimit --pid "$KCALD_PID" --nofile=40:40
	py fds "$KCALD_PID" 60 "$PORT"
	check "the daemon logged the pause" grep -q \
		"accept: Too many open files; pausing" "$T/kcald.out"
	stop_daemon
else
	skip "file descriptor exhaustion: prlimit not installed"
fi

done_testing
