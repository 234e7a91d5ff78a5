#!/bin/sh
# tests/e2e/test-kcal-props.sh — kcal's own iCalendar properties
# (X-KCAL-ANCHOR, -ANCHOR-OFFSET, -CITY, -END-CITY, -TZ, -NO-REMIND) as an
# import or a CalDAV PUT may send them: a VALUE parameter
# (X-KCAL-CITY;VALUE=TEXT:Seoul) made libical keep a typed value, which
# the reader took as NULL and kcald died on (ical_x_text); each is kept
# once (a second X-KCAL-ANCHOR naming a confidential event went out to a
# public reader over CalDAV); an all-day event follows no other (kcal add
# refuses it, and its anchor could never move it): its anchor goes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

dav_start || exit 1
show() { kcal show "$1" --format json | jq -r "$2"; }
# cal FILE VEVENT-LINES...: a one-event file, CRLF.
cal() {
	_f=$1; shift
	{ printf 'BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\n'
	  printf '%s\n' "$@"
	  printf 'END:VEVENT\nEND:VCALENDAR\n'; } | sed 's/$/\r/' >"$_f"
}
alive() { check "kcald still answers ($1)" kcal status; }

kcal add "Summit" --uid summit@p --start "2026-09-01 10:00 Asia/Seoul" \
	--duration 2h >/dev/null
kcal add "Closed talks" --uid secret@p --class confidential \
	--start "2026-09-01 12:00 Asia/Seoul" --duration 1h >/dev/null

# Typed values are read as the text they hold.
cal "$T/typed.ics" UID:typed@p DTSTAMP:20260101T000000Z \
	DTSTART:20260901T004500Z DURATION:PT15M SUMMARY:Motorcade \
	'X-KCAL-CITY;VALUE=TEXT:Seoul' 'X-KCAL-END-CITY;VALUE=TEXT:Incheon' \
	'X-KCAL-ANCHOR;VALUE=TEXT:summit@p' \
	'X-KCAL-ANCHOR-OFFSET;VALUE=DURATION:-PT15M' \
	'X-KCAL-NO-REMIND;VALUE=BOOLEAN:TRUE'
check "import an event whose kcal properties carry VALUE" \
	kcal import "$T/typed.ics"
alive "typed values"
check_eq "its city is read" Seoul "$(show typed@p .city)"
check_eq "its end city" Incheon "$(show typed@p .end_city)"
check_eq "its anchor" summit@p "$(show typed@p .anchor)"
check_eq "its offset, typed DURATION" -900 "$(show typed@p .anchor_offset)"
check "the summit moves an hour" kcal edit summit@p \
	--start "2026-09-01 11:00 Asia/Seoul"
check_eq "and the typed follower with it" "2026-09-01T01:45:00Z" \
	"$(show typed@p .start)"

# A typed offset is checked as the file writes it.
cal "$T/typed2.ics" UID:typed2@p DTSTAMP:20260101T000000Z \
	DTSTART:20260901T004500Z DURATION:PT15M SUMMARY:Escort \
	X-KCAL-ANCHOR:summit@p 'X-KCAL-ANCHOR-OFFSET;VALUE=DURATION:PT0H5H'
check_match "a typed offset that is no duration is refused, with its line" \
	':11: X-KCAL-ANCHOR-OFFSET: "PT0H5H" is not a duration' \
	"$(kcal import "$T/typed2.ics" 2>&1)"

# Each once: kcal reads the first, the others go, and the import says so.
for p in X-KCAL-ANCHOR:summit@p+secret@p X-KCAL-CITY:Busan+Daegu \
    X-KCAL-TZ:Asia/Tokyo+Europe/Paris; do
	name=${p%%:*} v=${p#*:}
	first=${v%%+*} second=${v#*+}
	cal "$T/twice.ics" UID:twice@p DTSTAMP:20260101T000000Z \
		DTSTART:20260901T004500Z DURATION:PT15M SUMMARY:Twice \
		"$name:$first" "$name:$second"
	check_match "$name twice: imported, saying the first is kept" \
		"line 4: UID twice@p: $name given 2 times: the first kept" \
		"$(kcal import "$T/twice.ics" 2>&1)"
	check_eq "and only the first stored ($name)" "$name:$first" \
		"$(kcal export --all | tr -d '\r' | sed -n '/^UID:twice@p/,/^END/p' |
		grep "^$name:")"
	kcal rm twice@p --yes >/dev/null 2>&1
done

# An all-day event follows nothing: its anchor goes, and the import says so.
cal "$T/allday.ics" UID:allday@p DTSTAMP:20260101T000000Z \
	'DTSTART;VALUE=DATE:20260831' SUMMARY:Arrival X-KCAL-ANCHOR:summit@p \
	X-KCAL-ANCHOR-OFFSET:-P1D
check_match "an anchored all-day event is imported without its anchor" \
	'line 4: UID allday@p: an all-day event follows no other: its X-KCAL-ANCHOR \(summit@p\) dropped' \
	"$(kcal import "$T/allday.ics" 2>&1)"
check_eq "and stored so" null "$(show allday@p .anchor)"

# One stored before imports refused it (made here in the store's file):
# an edit that leaves its anchor alone is taken, one that anchors it anew
# is not.
if have python3; then
	kcal add "Flag raising" --uid legacy@p --anchor summit@p --offset -1h \
		--duration 15m >/dev/null
	python3 - "$T/data/kcal.db" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
(text,) = db.execute("SELECT ical FROM events WHERE uid = 'legacy@p'").fetchone()
text = re.sub(r"DTSTART[^\r\n]*", "DTSTART;VALUE=DATE:20260901", text)
text = re.sub(r"(DTEND|DURATION)[^\r\n]*\r?\n", "", text)
db.execute("UPDATE events SET ical = ?, all_day = 1 WHERE uid = 'legacy@p'",
           (text,))
db.commit()
PY
	check "an all-day follower stored earlier can be renamed" \
		kcal edit legacy@p --summary "Flag raising, all day"
	check_eq "... and is" "Flag raising, all day" "$(show legacy@p .summary)"
	check_match "but not given an offset" 'cannot be anchored' \
		"$(kcal edit legacy@p --offset -2h 2>&1)"
else
	skip "python3 is not installed: no stored all-day follower"
fi

# Over CalDAV, as a reader of public events.
if have curl && dav_user pub pw-pub --clearance public; then
	CAL=/dav/calendars/pub/calendar
	put() {
		dav PUT "$CAL/$1.ics" -u pub:pw-pub \
		    -H 'Content-Type: text/calendar' --data-binary "@$2"
	}
	cal "$T/dav1.ics" UID:dav1@p DTSTAMP:20260101T000000Z \
		DTSTART:20260901T030000Z DURATION:PT1H SUMMARY:Lunch \
		'X-KCAL-CITY;VALUE=TEXT:Seoul'
	check_eq "a PUT with X-KCAL-CITY;VALUE=TEXT is stored" 201 \
		"$(put dav1 "$T/dav1.ics")"
	alive "a typed PUT"
	check_eq "its city" Seoul "$(show dav1@p .city)"
	cal "$T/dav2.ics" UID:dav2@p DTSTAMP:20260101T000000Z \
		DTSTART:20260901T014500Z DURATION:PT15M SUMMARY:Escort \
		X-KCAL-ANCHOR:summit@p X-KCAL-ANCHOR:secret@p \
		X-KCAL-ANCHOR-OFFSET:-PT15M
	check_eq "a PUT naming two anchors is taken" 201 \
		"$(put dav2 "$T/dav2.ics")"
	check_eq "with the first" summit@p "$(show dav2@p .anchor)"
	dav GET "$CAL/dav2@p.ics" -u pub:pw-pub >/dev/null
	check_eq "the confidential one is gone" "" \
		"$(grep -i secret "$T/body")"
	kcal add "Escort" --uid escort@p --anchor summit@p --offset -15m \
		--duration 15m >/dev/null
	dav GET "$CAL/escort@p.ics" -u pub:pw-pub >/dev/null
	tr -d '\r' <"$T/body" | sed 's/^DTSTART.*/DTSTART;VALUE=DATE:20260901/;
	    /^DTEND/d; /^DURATION/d' | sed 's/$/\r/' >"$T/escort.ics"
	check_eq "a PUT that makes a follower all-day is taken" 204 \
		"$(put escort@p "$T/escort.ics")"
	check_eq "and it follows no more" null "$(show escort@p .anchor)"
	check_eq "all day" true "$(show escort@p .all_day)"
else
	have curl || skip "curl is not installed: no CalDAV PUT"
fi
alive "the end"

stop_daemon
done_testing
