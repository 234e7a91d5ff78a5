#!/bin/sh
# test-import.sh — kcal import and kcal export against the real kcald:
# every file of the shared corpus imported or refused as its manifest
# (corpus.tsv) says, with the store unchanged by a refusal; errors naming
# the file and the line; one transaction per file; --dry-run; the SEQUENCE
# rules (added, updated, unchanged, skipped); what each property becomes
# (reminders, participants, kind, class, status, parent, URL, X- kept);
# Windows, prefixed and custom TZIDs; floating times; overrides kept with
# their master; and import -> export -> import giving the same events.
. "$(dirname "$0")/lib.sh"

CORPUS="$SHARED/corpus"
start_daemon || { fail "kcald starts"; done_testing; exit 1; }

# snapshot: the whole store as an export (cancelled events too).
snapshot() { kcal export --all | grep -v '^DTSTAMP'; }
js() { kcal show "$1" --format json; }

# --- the corpus, as its manifest says ----------------------------------
if [ ! -f "$CORPUS/corpus.tsv" ]; then
	skip "corpus: $CORPUS/corpus.tsv is absent"
else
	nvalid=0 nmal=0 nlen_ok=0 nlen_ref=0 bad=""
	while IFS='	' read -r file expected rest; do
		[ "$file" = file ] && continue
		f="$CORPUS/ics/$file"
		before=$(snapshot | cksum)
		out=$(kcal import "$f" 2>&1); rc=$?
		after=$(snapshot | cksum)
		case "$expected:$rc" in
		valid:0) nvalid=$((nvalid + 1)) ;;
		lenient:0) nlen_ok=$((nlen_ok + 1)) ;;
		malformed:1|lenient:1)
			# refused: clear (file and line named), store unchanged
			if ! printf '%s\n' "$out" | grep -q "$file:[0-9][0-9]*: "; then
				bad="$bad
$file: refused without naming file and line: $out"
			elif [ "$before" != "$after" ]; then
				bad="$bad
$file: refused but the store changed"
			elif [ "$expected" = malformed ]; then
				nmal=$((nmal + 1))
			else
				nlen_ref=$((nlen_ref + 1))
			fi ;;
		*) bad="$bad
$file ($expected): exit $rc: $out" ;;
		esac
	done < "$CORPUS/corpus.tsv"
	check_eq "corpus: every file imported or refused as the manifest says" \
		"" "$bad"
	check_eq "corpus: every valid file imports" \
		"$(grep -c '	valid	' "$CORPUS/corpus.tsv")" "$nvalid"
	check_eq "corpus: every malformed file is refused (file:line, store unchanged)" \
		"$(grep -c '	malformed	' "$CORPUS/corpus.tsv")" "$nmal"
	check_eq "corpus: every lenient file repaired or clearly refused" \
		"$(grep -c '	lenient	' "$CORPUS/corpus.tsv")" \
		"$((nlen_ok + nlen_ref))"
	echo "     (lenient: $nlen_ok repaired, $nlen_ref refused)"

	# --- round trip: import -> export -> import gives the same events ---
	kcal export --all -o "$T/a.ics" 2>/dev/null
	out=$(kcal import "$T/a.ics")
	check_match "round trip: re-importing the export changes nothing" \
		' 0 added, 0 updated, [0-9]+ unchanged, 0 skipped' "$out"
	mkdir -p "$T/b/run" "$T/b/data"; chmod 700 "$T/b/run"
	"$KCALD" --socket "$T/b/run/s" --data-dir "$T/b/data" \
		--home-tz Asia/Seoul >"$T/b/log" 2>&1 &
	bpid=$!
	i=0; until "$KCAL" -s "$T/b/run/s" status >/dev/null 2>&1 ||
	    [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	"$KCAL" -s "$T/b/run/s" import "$T/a.ics" >/dev/null 2>&1
	"$KCAL" -s "$T/b/run/s" export --all -o "$T/b.ics" 2>/dev/null
	kill "$bpid"; wait "$bpid" 2>/dev/null
	check "round trip: a fresh store exports the same bytes" \
		cmp "$T/a.ics" "$T/b.ics"
	na=$(grep -c '^BEGIN:VEVENT' "$T/a.ics")
	check_match "round trip: the export holds the corpus events" '^[0-9]{2,}$' "$na"
	if [ -x "$SHARED/tools/validate-feed/validate_feed.sh" ]; then
		out=$(bash "$SHARED/tools/validate-feed/validate_feed.sh" \
			--only c "$T/a.ics" 2>&1)
		check_match "export of the corpus passes libical's checks" \
			'validators: 1 passed, 0 failed' "$out"
	else
		skip "validate-feed is absent"
	fi
fi

# --- errors name the file and the line; one transaction per file --------
cat > "$T/broken.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:good-1@test
DTSTAMP:20260101T000000Z
DTSTART:20260301T090000Z
SUMMARY:Good one
END:VEVENT
BEGIN:VEVENT
UID:good-2@test
DTSTAMP:20260101T000000Z
DTSTART:20260302T090000Z
SUMMARY:Good two
END:VEVENT
BEGIN:VEVENT
UID:bad@test
DTSTAMP:20260101T000000Z
DTSTART:20261345T090000Z
SUMMARY:Month 13
END:VEVENT
END:VCALENDAR
EOF
before=$(snapshot | cksum)
out=$(kcal import "$T/broken.ics" 2>&1); rc=$?
check_eq "a broken file is refused (exit 1)" 1 "$rc"
check_match "the error names the file, the line and the problem" \
	'broken\.ics:19: DTSTART: "20261345T090000Z" is not a valid date' "$out"
check_rc "one transaction: the good events of a broken file are not there" \
	1 kcal show good-1@test
check_eq "one transaction: the store is unchanged" "$before" "$(snapshot | cksum)"

# An RDATE period that ends before it starts (RFC 5545 3.3.9): the
# series' length was taken for it (a CalDAV hunt).
printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:p@test\nDTSTART:20261101T090000Z\nDTEND:20261101T100000Z\nRRULE:FREQ=DAILY;COUNT=1\nRDATE;VALUE=PERIOD:20261102T100000Z/20261102T090000Z\nSUMMARY:P\nEND:VEVENT\nEND:VCALENDAR\n' > "$T/period.ics"
check_match "an RDATE period that ends before it starts: refused, its line named" \
	'period\.ics:7: RDATE: the period .* ends before it starts' \
	"$(kcal import "$T/period.ics" 2>&1)"
check_rc "... nothing stored" 1 kcal show p@test

printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20260101T100000Z\n\nEND:VEVENT\nEND:VCALENDAR\n' > "$T/blank.ics"
check_match "an empty line inside a component: file and line named" \
	'blank\.ics:5: an empty line inside VEVENT' "$(kcal import "$T/blank.ics" 2>&1)"
printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20260101T100000Z\nEND:VEVENT\n' > "$T/cut.ics"
check_match "a file cut short: named" \
	'cut\.ics:[0-9]+: BEGIN:VCALENDAR at line 1 is never closed' \
	"$(kcal import "$T/cut.ics" 2>&1)"
printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:caf\351\nDTSTART:20260101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n' > "$T/latin1.ics"
check_match "bytes that are not UTF-8: line named" \
	'latin1\.ics:4: bytes that are not UTF-8' "$(kcal import "$T/latin1.ics" 2>&1)"
check_match "a missing file: named" 'nosuch\.ics: No such file' \
	"$(kcal import "$T/nosuch.ics" 2>&1)"

# several files: each its own transaction (a fixture of our own, so the
# check runs without the shared corpus)
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:several-good@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Asia/Shanghai:20260310T090000\r\nDTEND;TZID=Asia/Shanghai:20260310T100000\r\nSUMMARY:Good file\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/good.ics"
out=$(kcal import "$T/broken.ics" "$T/good.ics" 2>&1); rc=$?
check_eq "several files: exit 1 when one is refused" 1 "$rc"
check_match "several files: the good file is still imported" \
	'good\.ics: 1 added' "$out"

# --- --dry-run ----------------------------------------------------------
cat > "$T/seq.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:seq@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Brussels:20260310T090000
DTEND;TZID=Europe/Brussels:20260310T100000
SEQUENCE:2
SUMMARY:Version two
END:VEVENT
END:VCALENDAR
EOF
before=$(snapshot | cksum)
out=$(kcal import --dry-run "$T/seq.ics")
check_match "dry run: reports what would be added" \
	'1 added, 0 updated, 0 unchanged, 0 skipped \(dry run: nothing written\)' "$out"
check_eq "dry run: nothing written" "$before" "$(snapshot | cksum)"

# --- SEQUENCE rules -----------------------------------------------------
check_match "sequence: a new UID is added" '1 added' "$(kcal import "$T/seq.ics")"
check_match "sequence: the same file again is unchanged" \
	'0 added, 0 updated, 1 unchanged, 0 skipped' "$(kcal import "$T/seq.ics")"
sed 's/SUMMARY:Version two/SUMMARY:Version two, amended/' "$T/seq.ics" > "$T/seq2.ics"
check_match "sequence: same SEQUENCE, new content: updated" \
	'0 added, 1 updated' "$(kcal import "$T/seq2.ics")"
sed 's/SEQUENCE:2/SEQUENCE:1/; s/SUMMARY:Version two/SUMMARY:Version one/' \
	"$T/seq.ics" > "$T/seq1.ics"
check_match "sequence: a lower SEQUENCE is skipped" \
	'0 added, 0 updated, 0 unchanged, 1 skipped' "$(kcal import "$T/seq1.ics")"
check_eq "sequence: the skipped version did not win" "Version two, amended" \
	"$(jget "$(js seq@test)" .summary)"
sed 's/SEQUENCE:2/SEQUENCE:3/; s/SUMMARY:Version two/SUMMARY:Version three/' \
	"$T/seq.ics" > "$T/seq3.ics"
check_match "sequence: a higher SEQUENCE updates" '1 updated' "$(kcal import "$T/seq3.ics")"
check_eq "sequence: the new version is stored" "Version three 3" \
	"$(jget "$(js seq@test)" '"\(.summary) \(.sequence)"')"
check_match "stdin (-): imported" 'stdin: 0 added, 0 updated, 1 unchanged' \
	"$(kcal import - < "$T/seq3.ics")"

# --- what each property becomes; X- properties kept ---------------------
cat > "$T/rich.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:visit@test
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20260104
DTEND;VALUE=DATE:20260108
SUMMARY:State visit
CATEGORIES:State-Visit
END:VEVENT
BEGIN:VEVENT
UID:dinner@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=China Standard Time:20260105T190000
DTEND;TZID=China Standard Time:20260105T210000
SUMMARY:State dinner
DESCRIPTION:White tie
LOCATION:Great Hall of the People
URL:https://example.org/dinner
CLASS:CONFIDENTIAL
STATUS:TENTATIVE
CATEGORIES:Diplomacy,banquet,Food
RELATED-TO;RELTYPE=PARENT:visit@test
ORGANIZER;CN=Protocol Office:mailto:protocol@example.org
ATTENDEE;CN=Xi Jinping;ROLE=CHAIR:mailto:host@example.org
ATTENDEE;CN=Lee Jae-myung:mailto:guest@example.org
X-EMBASSY-NOTE;X-LANG=ko:Seating plan due 3 January
X-MOZ-GENERATION:4
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT1H
DESCRIPTION:Dinner in an hour
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER;RELATED=START:-P1D
DESCRIPTION:Dinner tomorrow
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:seoul@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=Korea Standard Time:20260112T090000
DURATION:PT1H
SUMMARY:Debrief
END:VEVENT
BEGIN:VEVENT
UID:bonn@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=W. Europe Standard Time:20260712T090000
DURATION:PT1H
SUMMARY:Bonn
END:VEVENT
BEGIN:VEVENT
UID:prefixed@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=/freeassociation.sourceforge.net/Tzfile/Europe/Brussels:20260712T090000
DURATION:PT1H
SUMMARY:Prefixed zone
END:VEVENT
BEGIN:VEVENT
UID:floating@test
DTSTAMP:20260101T000000Z
DTSTART:20260713T090000
DURATION:PT1H
SUMMARY:Floating
END:VEVENT
END:VCALENDAR
EOF
out=$(kcal import "$T/rich.ics" 2>&1)
check_match "rich file imported" '6 added' "$out"
check_match "a Windows TZID is reported with its IANA zone" \
	'TZID "China Standard Time" read as Asia/Shanghai \(Windows zone name, CLDR mapping\)' "$out"
check_match "floating times: read in the home zone, with a warning" \
	'1 event with floating times read in Asia/Seoul' "$out"
d=$(js dinner@test)
check_eq "CATEGORIES: the first known kind; CLASS; STATUS; URL; RELATED-TO" \
	"banquet confidential tentative https://example.org/dinner visit@test" \
	"$(jget "$d" '"\(.kind) \(.class) \(.status) \(.url) \(.parent)"')"
check_eq "Windows zone: China Standard Time is Asia/Shanghai, same instant" \
	"Asia/Shanghai 2026-01-05T19:00:00+08:00" "$(jget "$d" '"\(.tz) \(.start)"')"
check_eq "VALARMs become reminders (seconds before the start)" "3600,86400" \
	"$(jget "$d" '.remind | sort | map(tostring) | join(",")')"
check_eq "ORGANIZER and ATTENDEEs become participants, CN as the name" \
	"Protocol Office/organizer,Xi Jinping/chair,Lee Jae-myung/attendee" \
	"$(jget "$d" '[.participants[] | "\(.name)/\(.role)"] | join(",")')"
check_eq "kind from CATEGORIES (any case)" "state-visit" \
	"$(jget "$(js visit@test)" .kind)"
check_eq "Korea Standard Time and W. Europe Standard Time" \
	"Asia/Seoul Europe/Berlin" \
	"$(jget "$(js seoul@test)" .tz) $(jget "$(js bonn@test)" .tz)"
check_eq "a prefixed TZID is its IANA zone" "Europe/Brussels 2026-07-12T09:00:00+02:00" \
	"$(jget "$(js prefixed@test)" '"\(.tz) \(.start)"')"
check_eq "a floating time is stored in the home zone, never floating" \
	"Asia/Seoul 2026-07-13T09:00:00+09:00" \
	"$(jget "$(js floating@test)" '"\(.tz) \(.start)"')"
check_match "the stored floating event carries its TZID" \
	'DTSTART;TZID=Asia/Seoul:20260713T090000' "$(kcal show floating@test --format ics)"
e=$(kcal export --from 2026-01-05 --to 2026-01-06 --search dinner)
check_match "export keeps X- properties and their parameters" \
	'X-EMBASSY-NOTE;X-LANG=ko:Seating plan due 3 January' "$e"
check_match "export keeps X-MOZ properties" 'X-MOZ-GENERATION:4' "$e"
check_match "export: one VTIMEZONE for the zone used" \
	'BEGIN:VTIMEZONE.TZID:Asia/Shanghai' "$(printf '%s' "$e" | tr -d '\r' | tr '\n' '.')"
check_eq "export: VTIMEZONE only for zones used" 1 \
	"$(printf '%s\n' "$e" | grep -c '^BEGIN:VTIMEZONE')"

# --- a fold that backs off a UTF-8 character leaves the CRLF whole -----
# (libical 3.0 folded inside it: "...cc\r\r\n \n", which no reader takes)
b65=$(printf 'b%.0s' $(seq 65))
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:fold@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260324T090000Z\r\nSUMMARY:fold\r\nDESCRIPTION:%s\303\251\303\251\303\251cc\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	"$b65" >"$T/fold.ics"
check "an event whose DESCRIPTION folds off a UTF-8 character imports" \
	kcal import "$T/fold.ics"
kcal export --search fold -o "$T/fold-out.ics" 2>/dev/null
check_eq "... its export has no stray CR or LF" 0 \
	"$(tr -d '\n' <"$T/fold-out.ics" | tr '\r' '\n' | grep -c '^$')"
check "... and imports again" kcal import --dry-run "$T/fold-out.ics"
check_eq "... with the same description" "${b65}ééécc" \
	"$(jget "$(js fold@test)" .description)"

# --- what kcal does not keep is counted and said, an X- component too ---
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:X-TOP\r\nX-A:1\r\nEND:X-TOP\r\nBEGIN:VTODO\r\nUID:todo@test\r\nDTSTAMP:20260101T000000Z\r\nEND:VTODO\r\nBEGIN:VEVENT\r\nUID:xcomp@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260314T090000Z\r\nSUMMARY:xcomp\r\nBEGIN:X-INNER\r\nX-B:2\r\nEND:X-INNER\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/xcomp.ics"
out=$(kcal import --format json "$T/xcomp.ics" 2>/dev/null)
check_eq "a to-do and two X- components: 3 ignored, with a warning" "1 3 1" \
	"$(jget "$out" '"\(.added) \(.ignored) \(.warnings | map(select(test("ignored"))) | length)"')"

mkdir -p "$T/adir"
check_match "importing a directory says so (one line, exit 1)" \
	'^kcal: .*adir: a directory, not an iCalendar file$' \
	"$(kcal import "$T/adir" 2>&1; echo "rc=$?" >"$T/adir.rc")"
check_eq "... exit 1" "rc=1" "$(cat "$T/adir.rc")"

# --- output that cannot be written is a failure, not exit 0 --------------
if [ -w /dev/full ]; then
	check_rc "kcal export > /dev/full: exit 1" 1 sh -c "'$KCAL' export >/dev/full"
	check_match "... saying why, on one line" \
		'^kcal: cannot write the output: No space left on device$' \
		"$("$KCAL" export 2>&1 >/dev/full)"
	check_rc "kcal list --format json > /dev/full: exit 1" 1 \
		sh -c "'$KCAL' list --format json >/dev/full"
else
	skip "output to a full disk (no /dev/full)"
fi
check_rc "kcal export with standard output closed: exit 1" 1 \
	sh -c "'$KCAL' export >&-"
# (the socket must not take the closed descriptor: the export went to
# kcald as requests, and kcal exited 0)
check_match "... saying so" 'cannot write the output: standard output is closed' \
	"$(sh -c "'$KCAL' list --format json >&-" 2>&1)"
check_rc "a command that writes nothing to it succeeds" 0 \
	sh -c "'$KCAL' export -o '$T/closed-out.ics' >&-"

# --- editing an imported event's participants replaces all of them -------
out=$(kcal edit dinner@test --participant "Xi Jinping;host;CN" \
	--participant "Cho Hyun;guest;KR" --format json)
check_eq "edit --participant: the whole list, the ORGANIZER gone too" \
	"Xi Jinping/host,Cho Hyun/guest" \
	"$(jget "$out" '[.participants[] | "\(.name)/\(.role)"] | join(",")')"
ics=$(kcal show dinner@test --format ics | tr -d '\r' | sed ':a;N;$!ba;s/\n //g')
check_match "... one kept by name keeps its address" \
	'ATTENDEE;CN=Xi Jinping.*:mailto:host@example.org' "$ics"
check_eq "... no ORGANIZER left" 0 "$(printf '%s\n' "$ics" | grep -c '^ORGANIZER')"
# ... the ORGANIZER named among them stays the organizer, with the role given
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:org@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260512T090000Z\r\nSUMMARY:org\r\nORGANIZER;CN=Protocol Office:mailto:protocol@example.org\r\nATTENDEE;CN=Lee Jae-myung:mailto:guest@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/org.ics"
kcal import "$T/org.ics" >/dev/null 2>&1
kcal edit org@test --participant "Protocol Office;host;KR" \
	--participant "Cho Hyun;guest;KR" >/dev/null
ics=$(kcal show org@test --format ics | tr -d '\r' | sed ':a;N;$!ba;s/\n //g')
check_match "an ORGANIZER among the participants given stays the ORGANIZER" \
	'^ORGANIZER;CN=Protocol Office.*X-KCAL-ROLE=host.*:mailto:protocol@example.org$' \
	"$ics"
check_eq "... listed once, with its role" "Protocol Office/host,Cho Hyun/guest" \
	"$(jget "$(js org@test)" '[.participants[] | "\(.name)/\(.role)"] | join(",")')"
check_eq "edit --no-participants removes every one" 0 \
	"$(jget "$(kcal edit dinner@test --no-participants --format json)" \
	    '.participants | length')"

# --- custom VTIMEZONEs: resolved by their rules, or refused by name ------
cat > "$T/custom.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTIMEZONE
TZID:Brussels time (ours)
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:custom@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=Brussels time (ours):20260601T090000
DURATION:PT1H
SUMMARY:Custom zone
END:VEVENT
END:VCALENDAR
EOF
out=$(kcal import "$T/custom.ics" 2>&1)
check_match "a custom VTIMEZONE is resolved by its rules" \
	'read as Europe/Brussels \(its VTIMEZONE' "$out"
check_eq "... and the event keeps its instant" "Europe/Brussels 2026-06-01T09:00:00+02:00" \
	"$(jget "$(js custom@test)" '"\(.tz) \(.start)"')"
sed 's/+0200/+0317/g; s/+0100/+0217/g; s/custom@test/odd@test/' "$T/custom.ics" > "$T/odd.ics"
check_match "a custom VTIMEZONE that matches no zone is refused, by name" \
	'odd\.ics:[0-9]+: the VTIMEZONE "Brussels time \(ours\)" matches no IANA time zone' \
	"$(kcal import "$T/odd.ics" 2>&1)"
# Rules that agree every 6 hours but change at midnight, not at 02:00 and
# 03:00: an event at 01:30 that night is an hour off in Brussels; refused.
sed 's/^DTSTART:19701025T030000/DTSTART:19701025T000000/;
    s/^DTSTART:19700329T020000/DTSTART:19700329T000000/;
    s/20260601T090000/20260329T013000/; s/custom@test/mid@test/' \
	"$T/custom.ics" > "$T/mid.ics"
check_match "a VTIMEZONE changing at other hours than the zone is refused" \
	'mid\.ics:[0-9]+: the VTIMEZONE "Brussels time \(ours\)" matches no IANA time zone' \
	"$(kcal import "$T/mid.ics" 2>&1)"
sed 's/20260601T090000/20260329T013000/; s/custom@test/mid2@test/' \
	"$T/custom.ics" > "$T/mid2.ics"
check_match "... the zone's own rules that night are read as Brussels" \
	'read as Europe/Brussels' "$(kcal import "$T/mid2.ics" 2>&1)"
sed 's/DTSTART;TZID=Brussels time (ours)/DTSTART;TZID=Atlantis/; s/custom@test/atl@test/' \
	"$T/custom.ics" > "$T/atl.ics"
check_match "an unknown TZID without VTIMEZONE is refused, by name" \
	'atl\.ics:[0-9]+: unknown time zone "Atlantis"' "$(kcal import "$T/atl.ics" 2>&1)"

# --- overrides stay with their master -------------------------------------
cat > "$T/series.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Brussels:20260302T090000
DTEND;TZID=Europe/Brussels:20260302T100000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Brussels:20260316T090000
SUMMARY:Weekly briefing
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Brussels:20260323T090000
DTSTART;TZID=Europe/Brussels:20260323T140000
DTEND;TZID=Europe/Brussels:20260323T150000
SUMMARY:Weekly briefing (afternoon)
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Brussels:20260330T090000
DTSTART;TZID=Europe/Brussels:20260330T090000
DTEND;TZID=Europe/Brussels:20260330T100000
STATUS:CANCELLED
SUMMARY:Weekly briefing
END:VEVENT
END:VCALENDAR
EOF
check_match "a series with overrides is one event" '1 added' "$(kcal import "$T/series.ics")"
out=$(kcal list --from 2026-03-01 --to 2026-04-30 --search Weekly --format json)
check_eq "overrides replace their occurrences; EXDATE and cancelled ones are gone" \
	"2026-03-02T09:00:00+01:00 Weekly briefing|2026-03-09T09:00:00+01:00 Weekly briefing|2026-03-23T14:00:00+01:00 Weekly briefing (afternoon)|2026-04-06T09:00:00+02:00 Weekly briefing" \
	"$(jget "$out" '[.events[] | "\(.start) \(.summary)"] | join("|")')"
kcal edit weekly@test --location "Egmont Palace" >/dev/null
check_eq "an edit of the master keeps the overrides" 3 \
	"$(kcal show weekly@test --format ics | grep -c '^BEGIN:VEVENT')"
check_eq "export: the master and its overrides" 3 \
	"$(kcal export --search "Weekly briefing" | grep -c '^BEGIN:VEVENT')"

# --- export options ---------------------------------------------------------
kcal export --kind banquet -o "$T/k.ics" 2>"$T/k.err"
check_match "export -o FILE says how many" '1 event written to' "$(cat "$T/k.err")"
check_eq "export --kind filters" 1 "$(grep -c '^BEGIN:VEVENT' "$T/k.ics")"
check_match "export: VCALENDAR with VERSION, PRODID, CALSCALE" \
	'^BEGIN:VCALENDAR.PRODID:-//kcal//kcal [0-9.]+//EN.VERSION:2.0.CALSCALE:GREGORIAN' \
	"$(tr -d '\r' < "$T/k.ics" | tr '\n' '.')"

# --- RFC 7986 properties (libical numbers them past ICAL_NO_PROPERTY) ------
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\nCOLOR:red\r\nBEGIN:VEVENT\r\nUID:color@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270101T100000Z\r\nCOLOR:blue\r\nCONFERENCE;VALUE=URI:https://example.org/m\r\nSUMMARY:Coloured\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/color.ics"
check "a file with REFRESH-INTERVAL, COLOR and CONFERENCE imports" \
	kcal import "$T/color.ics"

done_testing
