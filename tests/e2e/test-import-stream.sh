#!/bin/sh
# test-import-stream.sh — a big import streams: kcal sends the file in
# pieces and kcald writes it a slice of its loop at a time, in one
# transaction.  While it runs, `kcal status` and an HTTP feed GET are
# answered (and the import is checked to be still running after both);
# a client killed mid-import leaves nothing stored and kcald serving; an
# export bigger than max_import_size imports again; a file broken near
# its end stores nothing and names file:line; progress is shown on a
# terminal (a pseudo-terminal here) and not when stderr is a pipe; a
# client killed while its refused file is read again for its first
# problem stops that reading.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
have curl || { skip "curl is not installed"; done_testing; exit $?; }

N=${KCAL_STREAM_EVENTS:-20000}
[ -n "$KCAL_SANITIZED" ] && N=${KCAL_STREAM_EVENTS:-5000}
GEN="$top/tests/bench/gen-events.py"
PORT=$(free_port)
# idle_timeout 1 s: a client waiting for its import's end is not idle;
# max_line 1M: a line of the file longer than a request may be.
printf 'max_import_size = 1M\nmax_import_events = 1000000\nmax_output = 64K\nidle_timeout = 1\nmax_line = 1M\n' \
	>"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" --http "127.0.0.1:$PORT" || exit 1
"$PY" "$GEN" "$N" -o "$T/big.ics"
"$PY" "$GEN" "$N" --uid-prefix gone -o "$T/gone.ics"
url=$(kcal feed add everything 2>&1 | grep -Eo 'http://[^ ]+' | head -n 1)
count() { kcal status --format json | jq -r .events; }

# writing K: wait until kcald has begun writing its K-th streamed import.
writing() {
	wait_for 120 sh -c "[ \$(grep -c 'bytes received; writing' '$T/kcald.out') -ge $1 ]"
}

# 1. Served while an import runs.  (kcal itself in the background, not
# the kcal() function's subshell, so that its pid is the client's.)
"$KCAL" import "$T/big.ics" >"$T/imp.out" 2>"$T/imp.err" &
IMP=$!
if writing 1; then
	st=$(kcal --timeout 5 status 2>&1); strc=$?
	code=$(curl -sS --noproxy '*' -m 5 -o "$T/feed.ics" -w '%{http_code}' "$url")
	if kill -0 "$IMP" 2>/dev/null; then
		pass "the import is still running after status and the feed GET"
		check_eq "kcal status is answered during the import" 0 "$strc"
		check_eq "the feed GET is answered during the import" 200 "$code"
		check_match "... with the store as it was before the import" \
			'^BEGIN:VCALENDAR' "$(head -n 1 "$T/feed.ics" | tr -d '\r')"
	else
		skip "status and feed during an import: the import ended first (a faster machine: raise KCAL_STREAM_EVENTS)"
	fi
else
	fail "kcald begins writing the streamed import" "$(tail -n 5 "$T/kcald.out")"
fi
wait "$IMP"; rc=$?
check_eq "the streamed import succeeds" 0 "$rc"
check_match "... all $N events added" "^$T/big.ics: $N added, 0 updated" \
	"$(cat "$T/imp.out")"
check_eq "... and stored" "$N" "$(count)"

# 2. A client killed mid-import: nothing of it is stored.
"$KCAL" import "$T/gone.ics" >/dev/null 2>&1 &
IMP=$!
if writing 2 && kill -0 "$IMP" 2>/dev/null; then
	kill -9 "$IMP"
	wait "$IMP" 2>/dev/null
	check "kcald says the client left and nothing was imported" \
		wait_for 30 grep -q 'the client left after .* nothing imported' \
		"$T/kcald.out"
	check_eq "... nothing of the killed import is stored" "$N" "$(count)"
	check "... and kcald still serves" kcal status
	check "... and takes writes again" kcal add "After the kill" \
		--start "2027-03-01 10:00" --end "2027-03-01 11:00"
else
	fail "a client killed mid-import: the import ran too short to be killed"
	wait "$IMP" 2>/dev/null
fi

# 3. An export bigger than max_import_size (1M) imports again.
kcal export --all -o "$T/export.ics" 2>/dev/null
size=$(wc -c <"$T/export.ics")
check "the export is bigger than max_import_size" test "$size" -gt 1048576
out=$(kcal import "$T/export.ics" 2>&1)
check_match "... and imports again (all unchanged)" \
	"0 added, 0 updated, $((N + 1)) unchanged, 0 skipped" "$out"

# 4. A line broken near the end: nothing stored, file:line named.
total=$(wc -l <"$T/gone.ics")
bad=$((total - 3))
awk -v n="$bad" 'NR == n { print "THIS LINE HAS NO COLON\r" } { print }' \
	"$T/gone.ics" >"$T/broken.ics"
out=$(kcal import "$T/broken.ics" 2>&1); rc=$?
check_eq "a file broken near its end is refused" 1 "$rc"
check_match "... naming file:line" "$T/broken.ics:$bad: .*nothing imported" "$out"
check_eq "... and nothing of it is stored" "$((N + 1))" "$(count)"

# 5. Progress on a terminal, none through a pipe.
"$PY" - "$KCAL" "$T/gone.ics" >"$T/tty.out" 2>&1 <<'EOF'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "import", "--dry-run", sys.argv[2]])
out = b""
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
EOF
check_match "a terminal shows progress (events of the total, rate, time left)" \
	"[0-9]+ of $N events(, [0-9]+/s, [0-9]+:[0-9]{2} left)?" "$(cat "$T/tty.out")"
check_match "... on one redrawn line" "$(printf '\r')" "$(cat "$T/tty.out")"
kcal import --dry-run "$T/gone.ics" >"$T/pipe.out" 2>"$T/pipe.err"
check_eq "no progress when stderr is a pipe" "" "$(cat "$T/pipe.err")"
check_match "... the summary still printed" "$N added.*dry run" "$(cat "$T/pipe.out")"

# 6. Standard input (a pipe) streams too.
out=$(cat "$T/export.ics" | kcal import - 2>&1)
check_match "kcal import - from a pipe" "stdin: 0 added, 0 updated, $((N + 1)) unchanged" "$out"

# 7. The pieces on the wire: as JSON strings and as bytes after the line
# (tests/e2e/import_bytes.py), and counts that lie.
held() { grep -c 'not read until its replies drain (max_output)' "$T/kcald.out"; }
held0=$(held)
"$PY" "$top/tests/e2e/import_bytes.py" "$KCAL_SOCKET" >"$T/bytes.out" 2>&1
got() { sed -n "s/^$1: //p" "$T/bytes.out"; }
check_eq "pieces as JSON strings, cut anywhere: imported" 40 "$(got 'ical pieces: added')"
check_eq "import_begin says pieces may be bytes" True "$(got 'begin says pieces may be bytes')"
check_eq "pieces as bytes, cut anywhere: imported" 40 "$(got 'bytes pieces: added')"
check_eq "a piece that is not UTF-8: bad_ical" bad_ical "$(got 'a piece with not UTF-8: refused')"
check_eq "a piece with a NUL: bad_ical" bad_ical "$(got 'a piece with a NUL: refused')"
check_eq "... each naming its line" "True
True" "$(got '... naming its line')"
check_eq "... and the import_end after it says the import was dropped" "True
True" "$(got '... then import_end says the import was dropped')"
check_eq "a piece as ical and bytes: bad_argument" bad_argument "$(got 'ical and bytes together')"
check_eq "... the connection goes on" True "$(got '... then status' | head -n 1)"
check_eq "bytes after a command that takes none: bad_argument" bad_argument "$(got 'bytes on status')"
check_eq "... its bytes read as bytes, not as requests" True \
	"$(got '... the bytes were not read as a request')"
check_eq "bytes after a request refused before its command: bad_request" \
	bad_request "$(got 'bytes on a request without cmd')"
check_eq "... its bytes read as bytes too" True \
	"$(got '... then status' | tail -n 1)"
check_eq "\"bytes\": null is no count" True "$(got 'bytes null, ical given')"
for what in negative "not a number" "over max_line"; do
	check_eq "a count of bytes $what: bad_request" bad_request "$(got "bytes $what")"
done
check_eq "... and the connection closed each time" "True
True
True
True" "$(got '... then closed')"
check_eq "writes pipelined before a lying count are answered first, in order" \
	"1:True 2:True 3:bad_request" "$(got 'writes before a lying count: replies')"
check_eq "a client gone in the middle of a piece: kcald serves" True \
	"$(got 'after a client left mid-piece, status')"
check_eq "... and stored nothing of it" not_found "$(got '... and its events')"
check_eq "pieces as bytes pipelined past max_output: every reply, once, in order" \
	True "$(got 'held: every reply once, in order')"
check_eq "... each ok" True "$(got 'held: every request answered ok')"
check "... the replies were bigger than max_output (64K)" \
	test "$(got 'held: a list reply.s bytes')" -gt 65536
check "... and kcald stopped reading the client until they drained" \
	test "$(held)" -gt "$held0"
check_eq "... and the import is whole" 40 "$(got 'held: added')"
for what in "an unknown argument" "a line that is not JSON"; do
	check_eq "a refused piece ($what) drops a pipelined import: its import_end says so" \
		"bad_request True" "$(got "a refused piece ($what): the import_end")"
done
check_eq "... and nothing of it is stored, twice" "not_found
not_found" "$(got "... and the dropped import's events")"
check_eq "requests after import_end are answered after it, in order" True \
	"$(got 'after import_end: replies in order')"
check_eq "... seeing the import" True "$(got '... the get sees the import')"
[ "$(grep -c . "$T/bytes.out")" -ge 36 ] || cat "$T/bytes.out"
check_eq "kcald is still up" 0 "$(kcal status >/dev/null 2>&1; echo $?)"

# 8. A description longer than max_line (1M here), folded every 75
# octets, inside characters too (as Outlook folds): kcal cuts the line
# into pieces (at folds that cut no character) and it imports whole.
"$PY" - "$T/long.ics" >"$T/long.len" <<'EOF'
import sys
text = ("Protocol \u5916\u4ea4 \ud55c\uad6d\uc5b4 " * 90000 + "end").encode()
line = b"DESCRIPTION:" + text
folded = b"\r\n ".join(line[i:i + 75] for i in range(0, len(line), 75))
with open(sys.argv[1], "wb") as f:
    f.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
            b"BEGIN:VEVENT\r\nUID:long-line@t\r\nDTSTAMP:20260101T000000Z\r\n"
            b"DTSTART:20270501T100000Z\r\nDURATION:PT1H\r\nSUMMARY:Long\r\n"
            + folded + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
print(len(text.decode()))
EOF
check "a file with a line longer than max_line imports" kcal import "$T/long.ics"
check_eq "... its description whole" "$(cat "$T/long.len")" \
	"$(kcal show long-line@t --format json | jq -r '.description | length')"

# 9. A client killed while kcald reads its refused file again for the
# file's first problem (a bad date in the first event: the whole file is
# read again, on the records' thread): the reading stops, a bystander's
# status is answered meanwhile, nothing is stored.
awk '/^BEGIN:VEVENT/ { ev = 1 }
	ev && !done && /^DTSTART/ { print "DTSTART:20271345T100000Z\r"; done = 1; next }
	{ print }' "$T/gone.ics" >"$T/first.ics"
before=$(count)
"$KCAL" import "$T/first.ics" >/dev/null 2>&1 &
IMP=$!
if wait_for 120 grep -q 'refused; reading its .* pieces' "$T/kcald.out" &&
    kill -9 "$IMP" 2>/dev/null; then
	wait "$IMP" 2>/dev/null
	check "a bystander's status is answered while the file is read again" \
		kcal --timeout 5 status
	if wait_for 30 grep -q 'stopped at piece' "$T/kcald.out"; then
		pass "the reading again stops when its client is killed"
	elif [ "$(grep -c 'the client left after' "$T/kcald.out")" -lt 2 ]; then
		skip "the reading again ended before the kill (a faster machine: raise KCAL_STREAM_EVENTS)"
	else
		fail "the reading again stops when its client is killed" \
			"$(tail -n 5 "$T/kcald.out")"
	fi
	check_eq "... nothing of it is stored" "$before" "$(count)"
	check "... and kcald takes writes again" kcal add "After the second kill" \
		--start "2027-03-02 10:00" --end "2027-03-02 11:00"
else
	fail "a refused import is read again for its first problem" \
		"$(tail -n 5 "$T/kcald.out")"
	wait "$IMP" 2>/dev/null
fi

done_testing
