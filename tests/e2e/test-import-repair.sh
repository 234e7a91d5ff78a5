#!/bin/sh
# test-import-repair.sh — valid iCalendar that real producers write, read
# as RFC 5545 says, and the repairs import makes (each with a warning):
# UTF-8 cut by a fold, lower-case X- names, RDATE;VALUE=PERIOD keeping its
# own end (list and feed), EXDATE;VALUE=DATE on a timed series, an override
# with no series; and one rule for control characters on every path (add,
# update, import; the client's text output never writes them raw) and for
# arguments that are not UTF-8.  The fixtures are in tests/data.
. "$(dirname "$0")/lib.sh"

have curl || { skip "curl is not installed"; done_testing; exit $?; }
PORT=$(free_port)
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts"; done_testing; exit 1; }

js() { kcal show "$1" --format json; }
# occ UID FROM TO: "start end" of each occurrence, one a line
occ() {
	kcal list --from "$2" --to "$3" --format json |
	    jq -r --arg u "$1" '.events[] | select(.uid == $u) |
	    "\(.start) \(.end)"'
}

# --- 1. UTF-8 cut by a fold (octets unfolded first, then decoded) --------
out=$(kcal import "$DATA/fold-utf8.ics" 2>&1)
check_match "a fold inside a UTF-8 character is read" ' 1 added' "$out"
check_eq "the cut characters are whole again (summary)" \
	"Réunion café 😀 fin" "$(jget "$(js fold-utf8@kcal-test)" .summary)"
check_eq "the cut characters are whole again (LF fold with a TAB)" \
	"한국 Seoul" "$(jget "$(js fold-utf8@kcal-test)" .location)"

# --- 2. lower-case X- names ---------------------------------------------
out=$(kcal import "$DATA/lowercase-x.ics" 2>&1)
check_match "a lower-case x- property is accepted" ' 1 added' "$out"
exp=$(kcal export | tr -d '\r')
check_match "it is kept, its name in upper case" '^X-FOO:bar$' "$exp"
check_match "with its parameters" '^X-KCAL-NOTE;X-PARAM=1:kept$' "$exp"

# --- 3. RDATE;VALUE=PERIOD keeps its own end ------------------------------
kcal import "$DATA/rdate-period.ics" >/dev/null 2>&1
got=$(occ rdate-period@kcal-test 2026-03-12 2026-03-20)
check_eq "list: each period ends where it says" \
"2026-03-12T10:00:00+08:00 2026-03-12T11:00:00+08:00
2026-03-14T14:00:00+08:00 2026-03-14T17:30:00+08:00
2026-03-16T09:00:00+08:00 2026-03-16T09:45:00+08:00" "$got"
curl -sS --noproxy '*' "http://127.0.0.1:$PORT/feeds/all.ics?from=2026-01-01" \
	-o "$T/feed.ics" 2>/dev/null
feed=$(tr -d '\r' < "$T/feed.ics" | awk '/^BEGIN:VEVENT/{e=""} {e=e $0 "\n"}
	/^END:VEVENT/ && e ~ /UID:rdate-period/ {printf "%s", e}')
check_match "feed: the period is a plain RDATE" \
	'^RDATE;TZID=Asia/Shanghai:20260314T140000$' "$feed"
check_match "feed: with an override that carries its end" \
	'RECURRENCE-ID;TZID=Asia/Shanghai:20260314T140000
DTSTART;TZID=Asia/Shanghai:20260314T140000
DTEND;TZID=Asia/Shanghai:20260314T173000' "$(printf '%s\n' "$feed" |
	grep -A2 '^RECURRENCE-ID;TZID=Asia/Shanghai:20260314T140000')"
check_match "feed: a period given as a duration too" \
	'DTEND:20260316T014500Z' "$feed"
check_eq "feed: no period left" "" \
	"$(printf '%s\n' "$feed" | grep 'VALUE=PERIOD')"
check_match "export keeps the period as it came" \
	'RDATE;VALUE=PERIOD;TZID=Asia/Shanghai:20260314T140000/20260314T173000' \
	"$(kcal export | tr -d '\r')"

# --- 4. EXDATE;VALUE=DATE on a timed series; an override with no series --
out=$(kcal import "$DATA/exdate-date.ics" 2>&1)
check_match "EXDATE dates: a warning says what was done" \
	'UID exdate-date@kcal-test: 2 EXDATE dates .* read as its start time, 09:00:00 America/New_York' \
	"$out"
got=$(occ exdate-date@kcal-test 2026-03-09 2026-03-20 | cut -c1-10 | tr '\n' ' ')
check_eq "EXDATE dates: those days are left out" \
	"2026-03-09 2026-03-11 2026-03-13 " "$got"
exp=$(kcal export | tr -d '\r')
check_eq "EXDATE dates: no VALUE=DATE EXDATE goes out" "" \
	"$(printf '%s\n' "$exp" | grep '^EXDATE;VALUE=DATE')"
check_match "EXDATE dates: stored as the series' times" \
	'^EXDATE;TZID=America/New_York:20260310T090000$' "$exp"
out=$(kcal import "$DATA/orphan-override.ics" 2>&1)
check_match "orphan override: a warning says what was done" \
	'UID orphan@kcal-test: an override \(RECURRENCE-ID 20260317T100000\) whose series is neither in the file nor in the store imported as a standalone event' \
	"$out"
check_eq "orphan override: a standalone event at its own time" \
	"2026-03-17T15:00:00+01:00 2026-03-17T16:00:00+01:00" \
	"$(occ orphan@kcal-test 2026-03-17 2026-03-18)"
check_eq "orphan override: no RECURRENCE-ID goes out" "" \
	"$(kcal export | tr -d '\r' | grep RECURRENCE-ID)"
check_match "orphan override: importing it again changes nothing" \
	' 0 added, 0 updated, 1 unchanged' \
	"$(kcal import "$DATA/orphan-override.ics" 2>/dev/null)"
# An override whose series is stored still joins it.
kcal add "Series" --uid series@kcal-test --start 2026-04-01T10:00 \
	--tz Europe/Berlin --duration 1h --rrule "FREQ=DAILY;COUNT=3" >/dev/null
sed 's/orphan@kcal-test/series@kcal-test/; s/20260317T1/20260402T1/g' \
	"$DATA/orphan-override.ics" > "$T/ovr.ics"
out=$(kcal import "$T/ovr.ics" 2>&1)
check_match "an override of a stored series joins it" ' 1 updated' "$out"
check_eq "... with no standalone warning" "" \
	"$(printf '%s\n' "$out" | grep standalone)"

# --- 5. control characters: one rule, and never raw on the terminal ------
esc=$(printf '\033')
check_rc "add refuses ESC in the summary" 1 kcal add "x${esc}[2J" --start 2026-05-01T10:00
check_match "... naming the field" '"summary" contains a control character \(byte 0x1b' \
	"$(kcal add "x${esc}[2J" --start 2026-05-01T10:00 2>&1)"
uid=$(kcal add "Plain" --start 2026-05-01T10:00)
check_match "update refuses BEL in the location, naming it" \
	'"location" contains a control character \(byte 0x07' \
	"$(kcal edit "$uid" --location "$(printf 'a\007')" 2>&1)"
check_match "a participant's name too" \
	'participant 1: "name" contains a control character' \
	"$(kcal edit "$uid" --participant "$(printf 'A\033B;host;KR')" 2>&1)"
check "TAB and line breaks stay allowed in text" \
	kcal edit "$uid" --description "$(printf 'one\ttwo\nthree')"
# libical drops spaces and TABs at a value's ends when it reads one back:
# add trims them too, so the list (columns) and show (the text) agree.
uid2=$(kcal add "  Padded	" --start 2026-05-01T12:00 --location " Hall ")
check_eq "add trims spaces at the ends, as a reading of the text does" \
	"Padded|Hall|Padded|Hall" \
	"$(kcal list --from 2026-05-01 --to 2026-05-02 --format json | jq -r \
	    --arg u "$uid2" '.events[] | select(.uid == $u) |
	    "\(.summary)|\(.location)"')|$(js "$uid2" | jq -r '"\(.summary)|\(.location)"')"
# Data stored before the rule (or by another writer): the table escapes it.
if have sqlite3; then
	stop_daemon
	sqlite3 "$T/data/kcal.db" "UPDATE events SET summary = 'Evil' ||
	    char(27) || ']0;pwned' || char(7), ical = replace(ical,
	    'SUMMARY:Plain', 'SUMMARY:Evil' || char(27) || ']0;pwned' ||
	    char(7)) WHERE uid = '$uid'" ||
		fail "sqlite3 could change the store"
	start_daemon --http "127.0.0.1:$PORT"
	for f in table tsv; do
		kcal list --from 2026-05-01 --to 2026-05-02 --format $f \
			> "$T/out" 2>&1
		check_eq "list --format $f writes no raw control character" "0" \
			"$(tr -d '\n\t' < "$T/out" | tr -d '\040-\176\200-\377' | wc -c | tr -d ' ')"
	done
	kcal show "$uid" > "$T/out" 2>&1
	check_eq "show writes no raw control character but TAB and LF" "0" \
		"$(tr -d '\n\t' < "$T/out" | tr -d '\040-\176\200-\377' | wc -c | tr -d ' ')"
	check_match "the escape is shown as text" 'Evil\\x1b\]0;pwned\\x07' \
		"$(cat "$T/out")"
else
	skip "stored control characters escaped: sqlite3 is not installed"
fi
kcal import "$DATA/text-controls.ics" >/dev/null 2>&1
out=$(kcal list --from 2026-03-18 --to 2026-03-19)
check_match "the table escapes a C1 control and a line break" \
	'CSI \\u009b31m and\\na line break +Hall\\tB' "$out"

# --- 6. arguments that are not UTF-8 -------------------------------------
out=$(kcal add M --start 2026-05-02T10:00 --location "$(printf 'Salle \351')" 2>&1)
rc=$?
check_eq "add refuses a location that is not UTF-8 (exit 2)" 2 "$rc"
check_match "... naming it" 'argument 5 \("Salle \\xe9", after --location\) is not UTF-8' "$out"
check_eq "... and stores nothing" "" \
	"$(kcal list --from 2026-05-02 --to 2026-05-03 --format tsv)"
out=$(kcal show "$(printf 'caf\351')" 2>&1)
check_match "show names the argument, not \"Success\"" \
	'argument 1 \("caf\\xe9"\) is not UTF-8' "$out"
cp "$DATA/lowercase-x.ics" "$T/$(printf 'f\351').ics"
check "a file name that is not UTF-8 may still be imported" \
	kcal import "$T/$(printf 'f\351').ics"

# --- a STATUS an event cannot have: dropped, said, and it is confirmed ---
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:bogus-status@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260512T090000Z\r\nSUMMARY:bogus status\r\nSTATUS:BOGUS\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/bogus-status.ics"
out=$(kcal import "$T/bogus-status.ics" 2>&1)
check_match "STATUS:BOGUS: a warning naming it" \
	'UID bogus-status@test: STATUS:BOGUS is not an event.s' "$out"
check_eq "... the event confirmed, and its export says nothing else" \
	"confirmed 0" "$(kcal show bogus-status@test --format json | jq -r .status) $(kcal export --search 'bogus status' | grep -c 'STATUS:BOGUS')"

# --- a VALARM without its TRIGGER or ACTION: dropped, said -------------
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:bad-alarm@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260513T090000Z\r\nSUMMARY:bad alarms\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:kept\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/bad-alarm.ics"
out=$(kcal import "$T/bad-alarm.ics" 2>&1)
check_match "VALARMs without a TRIGGER or an ACTION: a warning" \
	'UID bad-alarm@test: 2 VALARMs without a TRIGGER or an ACTION dropped' "$out"
check_eq "... the good one kept (its 5 minutes), the others gone" "[300] 1" \
	"$(kcal show bad-alarm@test --format json | jq -c .remind) $(kcal export --search 'bad alarms' | grep -c 'BEGIN:VALARM')"

# --- a rule that ends before its start: kept, but said -----------------
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:until-early@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260512T090000\r\nRRULE:FREQ=DAILY;UNTIL=20250101T000000Z\r\nSUMMARY:u\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:until-fine@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260512T090000\r\nRRULE:FREQ=DAILY;UNTIL=20260515T000000Z\r\nSUMMARY:u\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/until.ics"
out=$(kcal import "$T/until.ics" 2>&1)
check_match "an UNTIL before DTSTART is said" \
	'UID until-early@test: its rule ends \(UNTIL\) before its start' "$out"
check_eq "... once: the rule that ends after its start is not" 1 \
	"$(printf '%s\n' "$out" | grep -c 'before its start')"

# --- a UID with an escaped line break: refused, naming the line ---------
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:ab\\ncd\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260512T090000Z\r\nSUMMARY:u\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/uid-nl.ics"
check_match "a UID holding an escaped line break is refused, naming the line" \
	'uid-nl.ics:5: a UID with a control character' \
	"$(kcal import "$T/uid-nl.ics" 2>&1)"

done_testing
