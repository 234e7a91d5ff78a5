#!/bin/sh
# tests/e2e/test-anchor-dst.sh — an anchor's offset of whole days is
# calendar days (ical_anchor_at): the advance team "a day before" a summit
# held on the day the clocks change arrives at the summit's time of day,
# 23 hours before it, as a reminder a day ahead is due; any other offset is
# exact.  So it stays through a move of the anchor (write.c), an import
# that moves it (cmd-import.c) and a CalDAV PUT of the follower
# (write-put.c): one that leaves it where it is keeps its offset, one at
# the anchor's time of day another day gets whole days, one elsewhere the
# seconds between them, exact even when they are whole days (-PT24H).
# Whole days are days in the follower's zone: a change of its zone places
# it anew.  Europe/Paris: summer time began on 2027-03-28 and
# ends on 2027-10-31.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

dav_start || exit 1
P=Europe/Paris
start_of() { kcal show "$1" --format json | jq -r .start; }
offset_of() { kcal show "$1" --format json | jq -r .anchor_offset; }

kcal add "Summit" --uid summit@dst --start "2027-03-28 10:00 $P" \
	--duration 2h >/dev/null
kcal add "Advance team arrives" --uid adv@dst --anchor summit@dst \
	--offset -1d --duration 1h >/dev/null
kcal add "Liaison officers arrive" --uid liaison@dst --anchor summit@dst \
	--offset -24h --duration 1h >/dev/null
kcal add "Courier leaves" --uid courier@dst --anchor summit@dst \
	--offset -25h --duration 1h >/dev/null
kcal add "Motorcade" --uid mot@dst --anchor summit@dst --offset -30m \
	--duration 30m >/dev/null

check_eq "-1d: the day before, at the summit's time of day (23 h before)" \
	"2027-03-27T10:00:00+01:00" "$(start_of adv@dst)"
check_eq "-24h is whole days too" "2027-03-27T10:00:00+01:00" \
	"$(start_of liaison@dst)"
check_eq "-25h is exact" "2027-03-27T08:00:00+01:00" "$(start_of courier@dst)"
check_eq "-30m is exact" "2027-03-28T09:30:00+02:00" "$(start_of mot@dst)"
check_eq "the offset is still a day's seconds" "-86400" "$(offset_of adv@dst)"

check "move the summit a week earlier" kcal edit summit@dst \
	--start "2027-03-21 10:00 $P"
check_eq "the advance team moves with it (24 h before, now)" \
	"2027-03-20T10:00:00+01:00" "$(start_of adv@dst)"
check_eq "the courier too, 25 h before" "2027-03-20T09:00:00+01:00" \
	"$(start_of courier@dst)"

# An import that moves the summit back to the day of the change.
kcal export >"$T/all.ics"
awk -v RS='\r\n' -v ORS='\r\n' '
	/^BEGIN:VEVENT/ { buf = $0; inev = 1; next }
	inev { buf = buf ORS $0 }
	inev && /^UID:summit@dst/ { mine = 1 }
	inev && /^END:VEVENT/ {
		inev = 0
		if (mine) {
			gsub(/DTSTART;TZID=Europe\/Paris:20270321T100000/,
			    "DTSTART;TZID=Europe/Paris:20270328T100000", buf)
			gsub(/DTEND;TZID=Europe\/Paris:20270321T120000/,
			    "DTEND;TZID=Europe/Paris:20270328T120000", buf)
			gsub(/SEQUENCE:[0-9]+/, "SEQUENCE:40", buf)
			print "BEGIN:VCALENDAR" ORS "VERSION:2.0" ORS \
			    "PRODID:-//test//EN" ORS buf ORS "END:VCALENDAR"
		}
		mine = 0
	}' "$T/all.ics" >"$T/summit.ics"
check "import the summit moved back to 2027-03-28" kcal import "$T/summit.ics"
check_eq "the summit moved" "2027-03-28T10:00:00+02:00" \
	"$(start_of summit@dst)"
check_eq "the import moved the advance team to 10:00 the day before" \
	"2027-03-27T10:00:00+01:00" "$(start_of adv@dst)"
check_eq "and the courier 25 h before" "2027-03-27T08:00:00+01:00" \
	"$(start_of courier@dst)"

# CalDAV: a client that puts the follower back as it is, or moves it.
if have curl && dav_user alice alice-pw; then
	CAL=/dav/calendars/alice/calendar
	put_adv() {
		dav PUT "$CAL/adv@dst.ics" -u alice:alice-pw \
		    -H 'Content-Type: text/calendar' --data-binary "@$1"
	}
	dav GET "$CAL/adv@dst.ics" -u alice:alice-pw >/dev/null
	cp "$T/body" "$T/adv.ics"
	check_match "the PUT of the follower as it is" '^20[14]$' \
		"$(put_adv "$T/adv.ics")"
	check_eq "keeps its offset of a day" "-86400" "$(offset_of adv@dst)"
	check_eq "and its start" "2027-03-27T10:00:00+01:00" \
		"$(start_of adv@dst)"
	sed -e 's/^\(DTSTART[^:]*:\)20270327T/\120270326T/' \
	    -e 's/^\(DTEND[^:]*:\)20270327T/\120270326T/' \
	    "$T/adv.ics" >"$T/adv2.ics"
	check_match "a PUT at the summit's time, two days before" '^20[14]$' \
		"$(put_adv "$T/adv2.ics")"
	check_eq "makes the offset two days" "-172800" "$(offset_of adv@dst)"
	check "move the summit to the day summer time ends" kcal edit \
	    summit@dst --start "2027-10-31 10:00 $P"
	check_eq "the follower stays at 10:00, two days before (49 h)" \
		"2027-10-29T10:00:00+02:00" "$(start_of adv@dst)"
	dav GET "$CAL/adv@dst.ics" -u alice:alice-pw >/dev/null
	sed -e 's/^\(DTSTART[^:]*:\)20271029T100000/\120271029T090000/' \
	    -e 's/^\(DTEND[^:]*:\)20271029T110000/\120271029T100000/' \
	    "$T/body" >"$T/adv3.ics"
	check_match "a PUT an hour earlier" '^20[14]$' "$(put_adv "$T/adv3.ics")"
	check_eq "makes the offset exact: 50 hours" "-180000" \
		"$(offset_of adv@dst)"
	check_eq "and the follower is where it was put" \
		"2027-10-29T09:00:00+02:00" "$(start_of adv@dst)"
	# Exactly 24 hours before the summit, across the change: whole days
	# of seconds, but not at the summit's time of day.  It stays there,
	# its offset written in hours (exact), and keeps to 24 hours when the
	# summit moves.
	dav GET "$CAL/adv@dst.ics" -u alice:alice-pw >/dev/null
	sed -e 's/^\(DTSTART[^:]*:\)20271029T090000/\120271030T110000/' \
	    -e 's/^\(DTEND[^:]*:\)20271029T100000/\120271030T120000/' \
	    "$T/body" >"$T/adv4.ics"
	check_match "a PUT exactly 24 h before the summit" '^20[14]$' \
		"$(put_adv "$T/adv4.ics")"
	check_eq "stays where it was put (11:00 summer time)" \
		"2027-10-30T11:00:00+02:00" "$(start_of adv@dst)"
	check_eq "its offset a day's seconds" "-86400" "$(offset_of adv@dst)"
	dav GET "$CAL/adv@dst.ics" -u alice:alice-pw >/dev/null
	check_match "written in hours: exact" 'X-KCAL-ANCHOR-OFFSET:-PT24H' \
		"$(tr -d '\r' <"$T/body")"
	check "move the summit back into summer time" kcal edit summit@dst \
	    --start "2027-10-24 10:00 $P"
	check_eq "the follower keeps to 24 hours" "2027-10-23T10:00:00+02:00" \
		"$(start_of adv@dst)"
	check "move it over the change again" kcal edit summit@dst \
	    --start "2027-10-31 10:00 $P"
	check_eq "24 hours: 11:00 summer time the day before" \
		"2027-10-30T11:00:00+02:00" "$(start_of adv@dst)"
	check "kcal edit --offset -1d" kcal edit adv@dst --offset -1d
	check_eq "makes it a calendar day again" "2027-10-30T10:00:00+02:00" \
		"$(start_of adv@dst)"
	# Its days are days in its own zone: a new zone places it anew, and
	# a later move of the summit agrees.
	check "the advance team's zone becomes Asia/Tokyo" kcal edit adv@dst \
	    --tz Asia/Tokyo
	check_eq "a day before in Tokyo: 24 h, 18:00" \
		"2027-10-30T18:00:00+09:00" "$(start_of adv@dst)"
	check "an edit of the summit that moves nothing" kcal edit \
	    summit@dst --description "Agenda attached"
	check_eq "leaves it there" "2027-10-30T18:00:00+09:00" \
		"$(start_of adv@dst)"
	# No further than kcal's --offset allows: a year either way.
	dav GET "$CAL/adv@dst.ics" -u alice:alice-pw >/dev/null
	sed -e 's/^\(DTSTART[^:]*:\)2027/\12029/' \
	    -e 's/^\(DTEND[^:]*:\)2027/\12029/' "$T/body" >"$T/adv5.ics"
	check_eq "a PUT two years after the summit is refused" 409 \
		"$(put_adv "$T/adv5.ics")"
	check_match "saying why" 'more than a year from it' "$(cat "$T/body")"
	check_eq "the follower has not moved" "2027-10-30T18:00:00+09:00" \
		"$(start_of adv@dst)"
	tr -d '\r' <"$T/adv5.ics" | sed -e '/^DTSTART/s/2029/2027/' \
	    -e '/^DTEND/s/2029/2027/' \
	    -e 's/^X-KCAL-ANCHOR-OFFSET:.*/X-KCAL-ANCHOR-OFFSET:-P36500D/' \
	    >"$T/adv6.ics"
	check_match "a PUT with an offset of a hundred years, where it was" \
		'^20[14]$' "$(put_adv "$T/adv6.ics")"
	check_eq "keeps the offset where it is put" "-86400" \
		"$(offset_of adv@dst)"
	sed 's/^X-KCAL-ANCHOR-OFFSET:.*/X-KCAL-ANCHOR-OFFSET:-P1DT2/' \
	    "$T/adv6.ics" >"$T/adv7.ics"
	check_eq "a PUT whose offset is not a duration is refused" 403 \
		"$(put_adv "$T/adv7.ics")"
	check_match "saying so" 'is not a duration' "$(cat "$T/body")"
else
	have curl || skip "curl is not installed: no CalDAV PUT"
fi

# A follower whose anchor is not there (an import may leave one): a new
# zone is taken as before, the start kept.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:dangling@dst\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20271102T100000\r\nDURATION:PT1H\r\nSUMMARY:Orphan\r\nX-KCAL-ANCHOR:nosuch@dst\r\nX-KCAL-ANCHOR-OFFSET:-P1D\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/dangling.ics"
check "import a follower of an event that is not there" \
	kcal import "$T/dangling.ics"
check "a new zone for it" kcal edit dangling@dst --tz Asia/Tokyo
check_eq "keeps its start" "2027-11-02T18:00:00+09:00" \
	"$(start_of dangling@dst)"

# An import's X-KCAL-ANCHOR-OFFSET is a duration within a year either
# way, as --offset is; libical reads 100 years as a wrapped int.
for off in -P400D -P36500D -P99999999D PT24H-ish P1DT2 -P; do
	sed -e "s/dangling@dst/far$off@dst/" \
	    -e "s/^X-KCAL-ANCHOR-OFFSET:.*/X-KCAL-ANCHOR-OFFSET:$off\r/" \
	    "$T/dangling.ics" >"$T/far.ics"
	check_rc "an import with X-KCAL-ANCHOR-OFFSET:$off is refused" 1 \
		kcal import "$T/far.ics"
	check_match "naming the line ($off)" \
		':11: X-KCAL-ANCHOR-OFFSET: "'"$off"'" is' \
		"$(kcal import "$T/far.ics" 2>&1)"
	check_rc "and nothing is stored ($off)" 1 kcal show "far$off@dst"
done
sed -e 's/dangling@dst/twice@dst/' \
    -e 's/^\(X-KCAL-ANCHOR-OFFSET:.*\)/\1\nX-KCAL-ANCHOR-OFFSET:-P400D\r/' \
    "$T/dangling.ics" >"$T/twice.ics"
check_match "an import with X-KCAL-ANCHOR-OFFSET twice keeps the first" \
	'UID twice@dst: X-KCAL-ANCHOR-OFFSET given 2 times: the first kept' \
	"$(kcal import "$T/twice.ics" 2>&1)"
check_eq "a day, not the second's 400" -86400 "$(offset_of twice@dst)"

stop_daemon
done_testing
