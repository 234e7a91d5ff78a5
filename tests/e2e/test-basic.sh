#!/bin/sh
# test-basic.sh — every client command of the foundation against the real
# kcald: add with every option, list (table, json, tsv, every filter), show
# (text, json, ics), UID prefixes (6+ characters, ambiguous, too short),
# edit (only the given fields, SEQUENCE bumped), cancel (a tombstone), rm
# (needs --yes), status, the exit statuses 0/1/2/3, unknown zones, bad
# dates, and colour only on a terminal without NO_COLOR.
. "$(dirname "$0")/lib.sh"

start_daemon || { fail "kcald starts"; done_testing; exit 1; }

# cut8 UID: its first 8 characters (POSIX sh has no ${u:0:8}).
cut8() { printf '%s' "$1" | cut -c1-8; }
js() { kcal show "$1" --format json; }

# --- add, with every option --------------------------------------------
visit=$(kcal add "State visit to China" --start 2026-01-04 --end 2026-01-08 \
	--tz Asia/Shanghai --kind state-visit --location "Beijing and Shanghai" \
	--status confirmed --class public)
check_match "add prints the new UID alone" \
	'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@kcal$' \
	"$visit"
dinner=$(kcal add "State dinner" --start "2026-01-05 19:00" --tz Asia/Shanghai \
	--duration 2h --kind banquet \
	--location "Great Hall of the People, Beijing" \
	--participant "Lee Jae-myung;guest;KR" \
	--participant "Xi Jinping;host;CN;1" \
	--parent "$(cut8 "$visit")" --status tentative --class confidential \
	--remind 1h --remind 10m --description "White tie; toasts at 19:40" \
	--url "https://example.org/programme?day=2&lang=en")
check_match "add with every option" '@kcal$' "$dinner"
out=$(js "$dinner")
check_eq "show json: the fields as given" \
	"State dinner|banquet|tentative|confidential|Asia/Shanghai|Great Hall of the People, Beijing|White tie; toasts at 19:40|https://example.org/programme?day=2&lang=en|$visit" \
	"$(jget "$out" '[.summary,.kind,.status,.class,.tz,.location,.description,.url,.parent]|join("|")')"
check_eq "show json: times in the event's zone and at home" \
	"2026-01-05T19:00:00+08:00 2026-01-05T21:00:00+08:00 CST 2026-01-05T20:00:00+09:00 KST Asia/Seoul" \
	"$(jget "$out" '"\(.start) \(.end) \(.start_abbr) \(.start_home) \(.home_abbr) \(.home_tz)"')"
check_eq "show json: UTC instants and all_day" "1767610800 1767618000 false" \
	"$(jget "$out" '"\(.start_utc) \(.end_utc) \(.all_day)"')"
check_eq "show json: participants" \
	"Lee Jae-myung/guest/KR/0 Xi Jinping/host/CN/1" \
	"$(jget "$out" '[.participants[]|"\(.name)/\(.role)/\(.country)/\(.precedence)"]|join(" ")')"
check_eq "show json: reminders in seconds, sequence 0" "3600,600 0" \
	"$(jget "$out" '"\(.remind|map(tostring)|join(",")) \(.sequence)"')"
check_match "show json: created and last_modified" \
	'^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z 20' \
	"$(jget "$out" '"\(.created) \(.last_modified)"')"

out=$(kcal show "$dinner")
check_match "show text: summary" '^summary +State dinner$' "$out"
check_match "show text: start in its zone" \
	'^start +2026-01-05T19:00:00\+08:00 CST \(Asia/Shanghai\)$' "$out"
check_match "show text: home time" '^home +2026-01-05T20:00:00\+09:00 KST' "$out"
check_match "show text: participants" 'Xi Jinping \(host, CN\)' "$out"
check_match "show text: reminders" '^remind +1h before, 10m before$' "$out"
out=$(kcal show "$dinner" --format ics)
check_match "show ics: the VEVENT" '^BEGIN:VEVENT' "$out"
check_match "show ics: zoned start" 'DTSTART;TZID=Asia/Shanghai:20260105T190000' "$out"
check_match "show ics: parent" "RELATED-TO;RELTYPE=PARENT:$visit" "$out"
check_match "show ics: alarm" 'TRIGGER:-PT1H' "$out"
check_match "show ics: class" 'CLASS:CONFIDENTIAL' "$out"

# An all-day yearly anniversary, an all-day event's exclusive end, a flight.
kimgu=$(kcal add "Kim Gu's 150th birthday" --start 2026-08-29 --all-day \
	--tz Asia/Seoul --kind anniversary --rrule FREQ=YEARLY)
out=$(js "$kimgu")
check_eq "all-day: a date, the day after as end, yearly" \
	"true 2026-08-29 2026-08-30 FREQ=YEARLY" \
	"$(jget "$out" '"\(.all_day) \(.start) \(.end) \(.rrule)"')"
out=$(js "$visit")
check_eq "all-day: --end is the exclusive day after" \
	"2026-01-04 2026-01-08" "$(jget "$out" '"\(.start) \(.end)"')"
flight=$(kcal add "Flight Seoul-Beijing" --start "2026-01-04 10:00" \
	--tz Asia/Seoul --end "2026-01-04 11:15" --end-tz Asia/Shanghai \
	--kind travel --parent "$visit")
out=$(js "$flight")
check_eq "travel leg: ends in another zone" \
	"2026-01-04T10:00:00+09:00 2026-01-04T11:15:00+08:00 Asia/Shanghai" \
	"$(jget "$out" '"\(.start) \(.end) \(.end_tz)"')"
weekly=$(kcal add "Desk meeting" --start "2026-03-16 09:00" \
	--tz Europe/Brussels --kind meeting --rrule "FREQ=WEEKLY;COUNT=3")
forum=$(kcal add "Korea-China Business Forum" --start 2026-01-05T09:00 \
	--tz Asia/Shanghai --duration 1h30m --kind forum --parent "$visit" \
	--participant "Lee Jae-myung;guest;KR")

# --- list -----------------------------------------------------------------
out=$(kcal list --from 2026-01-04 --to 2026-01-08)
check_match "list table: header" \
	'^DATE +TIME +HOME +KIND +SUMMARY +LOCATION +STATUS$' "$out"
check_match "list table: the dinner in its zone and at home" \
	'^Mon 2026-01-05 +19:00-21:00 CST +20:00 KST +banquet +State dinner +Great Hall of the People, Beijing +tentative$' \
	"$out"
check_match "list table: the flight across zones" \
	'10:00 KST -> 11:15 CST' "$out"
check_match "list table: the visit, all day for four days" \
	'^Sun 2026-01-04 +all day, 4 days +state-visit +State visit to China' "$out"
check_eq "list table: one line per event plus the header" 5 \
	"$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
_c1=$(printf '%s\n' "$out" | sed -n 1p | awk '{print index($0, "KIND")}')
_c2=$(printf '%s\n' "$out" | grep 'State dinner' | awk '{print index($0, "banquet")}')
check_eq "list table: columns aligned" "$_c1" "$_c2"
out=$(kcal list --from 2026-01-04 --to 2026-01-08 --format json)
check_eq "list json: count and start order" \
	"4 $visit $flight $forum $dinner" \
	"$(jget "$out" '"\(.count) \([.events[].uid]|join(" "))"')"
check_eq "list json: not truncated" "false" "$(jget "$out" .truncated)"
out=$(kcal list --from 2026-01-04 --to 2026-01-08 --format tsv)
check_eq "list tsv: 9 tab-separated fields per row" "9 9 9 9" \
	"$(printf '%s\n' "$out" | awk -F '\t' '{printf "%s%d", (NR > 1 ? " " : ""), NF}')"
check_match "list tsv: the dinner row" \
	"^$dinner	2026-01-05T19:00:00\\+08:00	2026-01-05T21:00:00\\+08:00	Asia/Shanghai	banquet	tentative	confidential	State dinner	Great Hall of the People, Beijing\$" \
	"$out"

lj() { kcal list --from 2026-01-01 --to 2027-01-01 --format json "$@" |
	jq -r '[.events[].summary]|join("|")'; }
check_eq "list --kind" "State dinner" "$(lj --kind banquet)"
check_eq "list --participant (any case, substring)" \
	"Korea-China Business Forum|State dinner" "$(lj --participant "lee jae")"
check_eq "list --search (summary, location, description)" \
	"State dinner" "$(lj --search "great HALL")"
check_eq "list --search in the description" "State dinner" "$(lj --search toasts)"
check_eq "list --status" "State dinner" "$(lj --status tentative)"
check_eq "list --parent (a prefix)" \
	"Flight Seoul-Beijing|Korea-China Business Forum|State dinner" \
	"$(lj --parent "$(cut8 "$visit")")"
check_eq "list: a weekly rule is expanded in the window" \
	"2026-03-16T09:00:00+01:00 2026-03-23T09:00:00+01:00 2026-03-30T09:00:00+02:00" \
	"$(kcal list --from 2026-03-01 --to 2026-04-30 --format json |
	jq -r '[.events[].start]|join(" ")')"
check_eq "list: a yearly all-day event, once a year" \
	"2026-08-29 2027-08-29" \
	"$(kcal list --from 2026-06-01 --to 2028-06-01 --kind anniversary \
	--format json | jq -r '[.events[].start]|join(" ")')"
check_match "list --from alone is open-ended" '^([3-9]|[1-9][0-9]+)$' \
	"$(kcal list --from 2026-06-01 --kind anniversary --format json | jq .count)"
soon=$(kcal add "Briefing" --start +2h --tz Asia/Seoul)
check_match "list with no options: the next 7 days" "Briefing" "$(kcal list)"
check_match "kcal with no command lists the next 7 days" "Briefing" "$(kcal)"
old=$(kcal add "Long ago" --start "2001-01-01 10:00")
check_eq "list: the default window leaves out the past" "" \
	"$(kcal list --format tsv | grep -F "$old")"
kcal rm "$old" --yes >/dev/null

# --- UID prefixes ------------------------------------------------------------
check_eq "show a 6-character prefix" "$dinner" \
	"$(kcal show "$(printf %s "$dinner" | cut -c1-6)" --format json | jq -r .uid)"
check_rc "a 5-character prefix is refused (exit 1)" 1 \
	kcal show "$(printf %s "$dinner" | cut -c1-5)"
check_match "... saying it is too short" "too short" \
	"$(kcal show "$(printf %s "$dinner" | cut -c1-5)" 2>&1)"
a=$(kcal add "Twin A" --start "2026-02-01 10:00" --uid "abcdef01-twin@test")
b=$(kcal add "Twin B" --start "2026-02-01 11:00" --uid "abcdef02-twin@test")
check_eq "add --uid uses the UID given" "abcdef01-twin@test abcdef02-twin@test" "$a $b"
check_rc "an ambiguous prefix is refused (exit 1)" 1 kcal show abcdef
check_match "... saying it matches more than one" "more than one.*ambiguous" \
	"$(kcal show abcdef0 2>&1)"
check_eq "a longer prefix picks one" "Twin B" \
	"$(kcal show abcdef02 --format json | jq -r .summary)"
check_rc "add --uid of an existing UID is refused" 1 \
	kcal add "Twin C" --start "2026-02-01 12:00" --uid "abcdef01-twin@test"
short=$(kcal add "Short" --start "2026-02-02 10:00" --uid "ab1")
check_eq "a whole UID shorter than 6 characters still works" "Short" \
	"$(kcal show ab1 --format json | jq -r .summary)"
check_rc "an unknown UID: exit 1" 1 kcal show ffffffffff
check_rc "--parent with a too-short prefix is refused" 1 \
	kcal add "Child" --start "2026-01-05 10:00" --parent "$(printf %s "$visit" | cut -c1-4)"
check_rc "--parent with an unknown UID is refused" 1 \
	kcal add "Child" --start "2026-01-05 10:00" --parent "nosuchparent"
check_rc "the daemon still answers after those" 0 kcal status

# --- edit ------------------------------------------------------------------
before=$(js "$dinner")
out=$(kcal edit "$(cut8 "$dinner")" --status confirmed \
	--start "2026-01-05 19:30" --format json)
check_eq "edit: the start moves, the duration stays, sequence 1" \
	"2026-01-05T19:30:00+08:00 2026-01-05T21:30:00+08:00 confirmed 1" \
	"$(jget "$out" '"\(.start) \(.end) \(.status) \(.sequence)"')"
strip='del(.start,.end,.start_home,.end_home,.start_utc,.end_utc,.status,.sequence,.last_modified)'
check_eq "edit: every other field is unchanged" \
	"$(jget "$before" "$strip")" "$(jget "$(js "$dinner")" "$strip")"
out=$(kcal edit "$(cut8 "$dinner")" --summary "State banquet")
check_match "edit prints the event" '^summary +State banquet$' "$out"
check_match "... with sequence 2" '^sequence +2$' "$out"
out=$(kcal edit "$(cut8 "$dinner")" --no-remind --location "" --format json)
check_eq "edit: --no-remind and an empty --location clear them" "0 null" \
	"$(jget "$out" '"\(.remind|length) \(.location)"')"
# A reminder at the start itself: --remind 0 (or 0m); a negative one is not.
at0=$(kcal add "Arrival ceremony" --start "2026-04-10 09:00" --tz Asia/Shanghai \
	--remind 0m --remind 15m)
check_eq "--remind 0m: a reminder at the start" "0,900" \
	"$(jget "$(js "$at0")" '.remind|map(tostring)|join(",")')"
check_match "... shown as at the start" '^remind +at the start, 15m before$' \
	"$(kcal show "$at0")"
check_match "... a VALARM at the start" 'TRIGGER:-?PT0S' \
	"$(kcal show "$at0" --format ics)"
check_rc "--remind -5m is refused (usage)" 2 kcal add "x" --start "2026-04-10 09:00" \
	--remind -5m
kcal rm -y "$at0" >/dev/null || fail "rm of the --remind 0m event"
check_rc "edit with nothing to change: usage (exit 2)" 2 kcal edit "$dinner"
check_rc "edit to a time that does not exist is refused" 1 \
	kcal edit "$dinner" --tz America/New_York --start "2026-03-08 02:30"
check_eq "... and changes nothing" "3 Asia/Shanghai" \
	"$(jget "$(js "$dinner")" '"\(.sequence) \(.tz)"')"
check_match "the ics carries SEQUENCE" 'SEQUENCE:3' "$(kcal show "$dinner" --format ics)"

# --- cancel ----------------------------------------------------------------
out=$(kcal cancel "$(cut8 "$forum")")
check_eq "cancel prints the UID" "cancelled $forum" "$out"
check_eq "cancelled: hidden from list" "" \
	"$(kcal list --from 2026-01-04 --to 2026-01-08 --format tsv | grep -F "$forum")"
check_match "cancelled: shown with --all" "	cancelled	" \
	"$(kcal list --from 2026-01-04 --to 2026-01-08 --all --format tsv | grep -F "$forum")"
check_match "cancelled: --status cancelled finds it" "Business Forum" \
	"$(kcal list --from 2026-01-04 --to 2026-01-08 --status cancelled)"
out=$(kcal show "$forum" --format ics)
check_match "cancelled: a STATUS:CANCELLED tombstone" 'STATUS:CANCELLED' "$out"
check_match "cancelled: sequence bumped" 'SEQUENCE:1' "$out"

# --- rm --------------------------------------------------------------------
check_rc "rm without --yes: usage (exit 2)" 2 kcal rm "$short"
check_rc "... and the event is still there" 0 kcal show "$short"
check_eq "rm --yes" "deleted $short" "$(kcal rm "$short" --yes)"
check_rc "rm'd: show fails (exit 1)" 1 kcal show "$short"
check_match "... with not_found" "not_found" "$(kcal show "$short" 2>&1)"
check_rc "rm of what is gone: exit 1" 1 kcal rm "$short" --yes
check_rc "rm -y works too" 0 kcal rm "$b" -y

# --- status ----------------------------------------------------------------
out=$(kcal status --format json)
check_eq "status json: counts, zone, socket, store" \
	"8 1 Asia/Seoul $KCAL_SOCKET $T/data/kcal.db" \
	"$(jget "$out" '"\(.events) \(.cancelled) \(.home_tz) \(.socket) \(.store)"')"
check_match "status json: version and protocol" '^[0-9]+\.[0-9]+\.[0-9]+ 1$' \
	"$(jget "$out" '"\(.version) \(.protocol)"')"
out=$(kcal status)
check_match "status text: one key per line" '^events +8$' "$out"
check_match "status text: uptime" '^uptime +[0-9]+$' "$out"

# --- exit statuses, zones, dates -------------------------------------------
check_rc "an unknown zone: refused by the daemon (exit 1)" 1 \
	kcal add "X" --start "2026-01-05 10:00" --tz Mars/Olympus_Mons
check_match "... naming the zone" 'unknown time zone "Mars/Olympus_Mons"' \
	"$(kcal add X --start "2026-01-05 10:00" --tz Mars/Olympus_Mons 2>&1)"
check_rc "an unknown end zone: exit 1" 1 \
	kcal add "X" --start "2026-01-05 10:00" --end-tz Nowhere/City \
	--end "2026-01-05 12:00"
for d in 2026-02-30 2026-13-01 "2026-01-05 25:00" "2026-01-05 12:60" \
	"next tuesdays" 1x "" + 2026-1-5 "+99999999999999999999h"; do
	check_rc "bad date \"$d\": usage (exit 2)" 2 kcal add X --start "$d"
done
check_match "a bad date names the accepted forms" \
	'cannot read "2026-13-01".*YYYY-MM-DD.*tomorrow.*\+2h' \
	"$(kcal add X --start 2026-13-01 2>&1)"
check_match "a date that does not exist says so" \
	'cannot read "2026-02-30": no such date' \
	"$(kcal add X --start 2026-02-30 2>&1)"
check_rc "a bad duration: exit 2" 2 kcal add X --start 2026-01-05T10:00 --duration 1x
check_match "... naming the accepted forms" '1h30m' \
	"$(kcal add X --start 2026-01-05T10:00 --duration 1x 2>&1)"
check_rc "a gap time typed by a user: exit 1" 1 \
	kcal add X --start "2026-03-29 02:30" --tz Europe/Brussels
check_rc "an overlap time is taken (the first instant)" 0 \
	kcal add "Overlap" --start "2026-11-01 01:30" --tz America/New_York
check_eq "... as EDT" "2026-11-01T01:30:00-04:00 EDT" \
	"$(kcal list --from 2026-10-31 --to 2026-11-03 --format json |
	jq -r '.events[]|select(.summary=="Overlap")|"\(.start) \(.start_abbr)"')"
check_rc "end before start: exit 1" 1 \
	kcal add X --start "2026-01-05 10:00" --end "2026-01-05 09:00"
check_rc "an unknown kind: exit 1" 1 kcal add X --start 2026-01-05T10:00 --kind party
check_rc "an unknown status: exit 1" 1 kcal add X --start 2026-01-05T10:00 --status maybe
check_rc "an invalid rrule: exit 1" 1 kcal add X --start 2026-01-05T10:00 --rrule FREQ=SOMETIMES
check_rc "a bad --participant: exit 2" 2 kcal add X --start 2026-01-05T10:00 --participant ";host"
check_rc "add without a summary: exit 2" 2 kcal add --start 2026-01-05T10:00
check_rc "add without --start: exit 2" 2 kcal add X
check_rc "an unknown option: exit 2" 2 kcal list --bogus
check_eq "... on one line, naming it" \
	"kcal list: unknown option --bogus (usage: kcal list [--from WHEN] [--to WHEN] [filters] [--format table|json|tsv])" \
	"$(kcal list --bogus 2>&1)"
check_eq "an option without its value: one line that says so" \
	"1 kcal add: option --start needs a value" \
	"$(kcal add X --start 2>&1 | wc -l | tr -d ' ') $(kcal add X --start 2>&1 | sed 's/ (usage.*//')"
check_eq "--socket without a value, and -- before the command" \
	"kcal: option --socket needs a value (see kcal --help) 0" \
	"$("$KCAL" --socket 2>&1) $(kcal -- status >/dev/null 2>&1; echo $?)"
check_rc "an unknown command: exit 2" 2 kcal frobnicate
check_rc "list --format xml: exit 2" 2 kcal list --format xml
check_rc "list --status bogus: refused (exit 1)" 1 kcal list --status bogus
check_rc "list --kind bogus: refused (exit 1)" 1 kcal list --kind bogus
check_rc "list --from after --to: exit 1" 1 kcal list --from 2026-02-01 --to 2026-01-01
check_rc "no daemon: exit 3" 3 env KCAL_SOCKET="$T/nowhere.sock" "$KCAL" list
check_match "... saying so" "kcald is not running at $T/nowhere.sock" \
	"$(env KCAL_SOCKET="$T/nowhere.sock" "$KCAL" status 2>&1)"
check_rc "--socket overrides KCAL_SOCKET" 0 \
	env KCAL_SOCKET="$T/nowhere.sock" "$KCAL" --socket "$KCAL_SOCKET" status
for c in add list show edit cancel rm status help; do
	check_rc "kcal $c --help: exit 0" 0 kcal $c --help
done
check_match "kcal help add shows the options" 'participant "NAME;ROLE' "$(kcal help add)"
check_rc "kcal --version: exit 0" 0 kcal --version
check_rc "kcal --help: exit 0" 0 kcal --help

# --- colour ----------------------------------------------------------------
esc=$(printf '\033')
out=$(NO_COLOR= kcal list --from 2026-01-04 --to 2026-01-08)
check_eq "no colour when stdout is not a terminal" "" \
	"$(printf '%s' "$out" | grep -F "$esc")"
# --- a length in days stays days across a daylight-saving change --------
# Europe/Berlin moves to CEST on 2026-03-29: a day from 10:00 to 10:00
# moved over it still ends at 10:00 (23 hours), and back (24 again);
# --duration 1d is a calendar day too, its rest exact; 2 hours stay 2.
ends() { jget "$(kcal show "$1" --format json)" '"\(.start) \(.end)"'; }
dd=$(kcal add "Day of talks" --tz Europe/Berlin --start "2026-03-19 10:00" \
	--end "2026-03-20 10:00")
kcal edit "$dd" --start "2026-03-28 10:00" >/dev/null
check_eq "edit: a day stays a day over the DST change" \
	"2026-03-28T10:00:00+01:00 2026-03-29T10:00:00+02:00" "$(ends "$dd")"
kcal edit "$dd" --start "2026-03-19 10:00" >/dev/null
check_eq "... and back" \
	"2026-03-19T10:00:00+01:00 2026-03-20T10:00:00+01:00" "$(ends "$dd")"
d1=$(kcal add "Retreat" --tz Europe/Berlin --start "2026-03-28 10:00" \
	--duration 1d2h)
check_eq "--duration 1d2h: a calendar day and two hours" \
	"2026-03-28T10:00:00+01:00 2026-03-29T12:00:00+02:00" "$(ends "$d1")"
# A series lasting a day: each occurrence a calendar day (DURATION:P1D),
# not the first one's 24 hours.
ds=$(kcal add "Daily watch" --tz Europe/Berlin --start "2026-03-27 12:00" \
	--duration 1d --rrule "FREQ=DAILY;COUNT=3")
check_eq "--duration 1d on a series: every occurrence a calendar day" \
	"2026-03-27T12:00:00+01:00/2026-03-28T12:00:00+01:00 2026-03-28T12:00:00+01:00/2026-03-29T12:00:00+02:00 2026-03-29T12:00:00+02:00/2026-03-30T12:00:00+02:00" \
	"$(jget "$(kcal list --from 2026-03-27 --to 2026-03-31 --format json)" \
	"[.events[] | select(.uid == \"$ds\") | \"\\(.start)/\\(.end)\"] |
	join(\" \")")"
check_match "... stored as DURATION:P1D" '^DURATION:P1D' \
	"$(kcal show "$ds" --format ics)"
# A series cannot start at the second 02:30 of the autumn night (each
# occurrence repeats the wall-clock time, whose first pass that is).
out=$(kcal add "Second pass" --tz Europe/Berlin --start 2026-10-25T01:30:00Z \
	--rrule FREQ=MONTHLY 2>&1); rc=$?
check_eq "a series starting in the repeated hour's second pass: refused" 1 "$rc"
check_match "... saying which time it would repeat" \
	'cannot start at 2026-10-25T02:30:00\+01:00 in Europe/Berlin.*\(2026-10-25T02:30:00\+02:00\).*--tz UTC' \
	"$out"
check_rc "... the same instant repeating in UTC is taken" 0 kcal add \
	"Second pass" --tz UTC --start 2026-10-25T01:30:00Z --rrule FREQ=MONTHLY
# An imported series whose DTSTART is in the spring gap: 03:30 that night,
# 02:30 the others (as written); an edit of its length keeps that, and a
# move shifts its EXDATE from the 02:30 written.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:gap@t\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;TZID=Europe/Brussels:20270328T023000\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEXDATE;TZID=Europe/Brussels:20270330T023000\r\nSUMMARY:Gap series\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T/gap.ics"
kcal import "$T/gap.ics" >/dev/null 2>&1
gaps() { jget "$(kcal list --from 2027-03-27 --to 2027-04-03 --format json)" \
	'[.events[] | select(.uid == "gap@t") | .start[5:16]] | join(" ")'; }
check_eq "a series begun in a gap repeats the time written" \
	"03-28T03:30 03-29T02:30 03-31T02:30 04-01T02:30" "$(gaps)"
kcal edit gap@t --duration 1h >/dev/null
check_eq "... also after an edit of its length" \
	"03-28T03:30 03-29T02:30 03-31T02:30 04-01T02:30" "$(gaps)"
kcal edit gap@t --start "2027-03-28 10:00" >/dev/null
check_eq "... and moved, its EXDATE moves from 02:30 with it" \
	"03-28T10:00 03-29T10:00 03-31T10:00 04-01T10:00" "$(gaps)"
d2=$(kcal add "Night flight prep" --tz Europe/Berlin --start "2026-03-29 01:30" \
	--duration 2h)
check_eq "--duration 2h over the gap: two hours exactly" \
	"2026-03-29T01:30:00+01:00 2026-03-29T04:30:00+02:00" "$(ends "$d2")"
# An all-day event given another zone keeps its dates; a date whose
# midnight the clocks skip (Santiago, 6 September) is a day like another.
ad=$(kcal add "Visit" --kind state-visit --start 2026-08-10 --end 2026-08-13)
kcal edit "$ad" --tz Asia/Shanghai >/dev/null
check_eq "edit --tz on an all-day event: the same dates" \
	"2026-08-10 2026-08-13 Asia/Shanghai" \
	"$(jget "$(kcal show "$ad" --format json)" '"\(.start) \(.end) \(.tz)"')"
sg=$(kcal add "Fiestas" --start 2026-09-06 --tz America/Santiago 2>&1)
check_eq "an all-day event on a day whose midnight is skipped" \
	"2026-09-06 2026-09-07" \
	"$(jget "$(kcal show "$sg" --format json 2>&1)" '"\(.start) \(.end)"')"
for u in "$ad" "$sg"; do kcal rm -y "$u" >/dev/null; done
# A leg landing the next day says so in the list, as in the itinerary.
rl=$(kcal add "Red-eye" --kind travel --start "2026-03-07 23:30" \
	--tz America/New_York --end "2026-03-08 01:30" --end-tz America/Los_Angeles)
check_match "list: a leg landing the next day has (+1d)" \
	'23:30 EST -> 01:30 PST \(\+1d\)' \
	"$(kcal list --from 2026-03-07 --to 2026-03-10 --search Red-eye)"
kcal rm -y "$rl" >/dev/null
check_match "the table gives each end its own abbreviation across the change" \
	'10:00 CET-12:00 CEST \(to 03-29\) .*Retreat' \
	"$(kcal list --from 2026-03-28 --to 2026-03-29 --search Retreat)"
for u in "$dd" "$d1" "$d2"; do
	kcal rm -y "$u" >/dev/null || fail "rm of the DST event $u"
done

if have python3; then
	# ontty CMD...: run CMD on a pseudo-terminal and print what it wrote.
	ontty() {
		python3 -c 'import os, pty, sys
out = b""
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))' "$@"
	}
	out=$(ontty env -u NO_COLOR "$KCAL" list --from 2026-01-04 --to 2026-01-08)
	check_match "colour on a terminal" "$esc\\[" "$out"
	out=$(ontty env NO_COLOR=1 "$KCAL" list --from 2026-01-04 --to 2026-01-08)
	check_eq "never with NO_COLOR, even on a terminal" "" \
		"$(printf '%s' "$out" | grep -F "$esc")"
	check_match "... but still the table" "State banquet" "$out"
else
	skip "colour on a terminal (no python3 for a pty)"
fi

done_testing
