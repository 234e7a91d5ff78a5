#!/bin/sh
# test-recur-limits.sh — recurrence expansion is bounded and right at the
# edges (issue 12): a rule that walks 31 million times a year is refused
# by add and import with a message, and one stored before the limit is
# never walked (list, export, feed answer at once and say "truncated")
# while a bystander's `kcal status` answers within a generous bound; a
# dense rule with COUNT listed far from its start says it is cut instead
# of answering nothing; an anniversary of 1876 lists in 1876's day, not at
# -1 (1969-12-31T23:59:59Z); years outside 1583..2582 and a DURATION of
# P99999999W are refused with a message naming the range.
. "$(dirname "$0")/lib.sh"

have curl || { skip "curl is not installed"; done_testing; exit $?; }
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
list() { kcal list --format json "$@"; }

# The issue's rule: YEARLY, every month, day, hour, minute and second.
seqc() { seq -s, "$1" "$2"; }
HOSTILE="FREQ=YEARLY;BYMONTH=$(seqc 1 12);BYMONTHDAY=$(seqc 1 31);BYHOUR=$(seqc 0 23);BYMINUTE=$(seqc 0 59);BYSECOND=$(seqc 0 59)"
ics() {	# uid rrule dtstart [extra line]: one VEVENT in a VCALENDAR
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\n%sSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$1" "$3" "${2:+RRULE:$2
}" "$1" | sed 's/$/\r/; s/\r\r$/\r/'
}

# Bystander: kcal status in a loop, the slowest answer in ms to $T/slow.
bystander_start() {
	: > "$T/slow"
	( max=0
	  while [ ! -e "$T/stop" ]; do
		a=$(date +%s%N); kcal status >/dev/null 2>&1 || echo fail >> "$T/slow.err"
		d=$(( ($(date +%s%N) - a) / 1000000 ))
		[ "$d" -gt "$max" ] && max=$d && echo "$max" > "$T/slow"
		sleep 0.05
	  done ) &
	BYSTANDER=$!
}
bystander_stop() {	# DESC
	touch "$T/stop"; wait "$BYSTANDER"; rm -f "$T/stop"
	slow=$(cat "$T/slow"); slow=${slow:-0}
	if [ "$slow" -lt 2000 ] && [ ! -e "$T/slow.err" ]; then
		pass "$1: the bystander's status answered within 2 s (slowest ${slow} ms)"
	else
		fail "$1: the bystander waited ${slow} ms" "$(cat "$T/slow.err" 2>/dev/null)"
	fi
	rm -f "$T/slow.err"
}
took() {	# DESC MAX_SECONDS CMD...: runs CMD, fails if it took longer
	_d=$1 _m=$2; shift 2
	_a=$(date +%s%N); "$@" > "$T/took.out" 2>&1; _rc=$?
	_ms=$(( ($(date +%s%N) - _a) / 1000000 ))
	if [ "$_ms" -lt $((_m * 1000)) ]; then pass "$_d (${_ms} ms)"; else
		fail "$_d: took ${_ms} ms"; fi
	return $_rc
}

# 1. Stored before the limit (kcald started with it raised): never walked.
printf 'max_yearly_occurrences = 100000000\n' > "$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon --http "127.0.0.1:$PORT" || { fail "kcald starts"; done_testing; exit 1; }
HUID=$(kcal add "Hostile" --start "2020-01-01 00:00" --rrule "$HOSTILE")
kcal add "Seconds" --start "2026-01-01 00:00" --rrule "FREQ=SECONDLY;COUNT=10" >/dev/null
kcal add "Never" --start "2026-01-01 00:00" --rrule "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29" >/dev/null
for i in 1 2 3 4 5 6 7 8; do
	kcal add "Void $i" --start "2026-01-05 09:00" --rrule "FREQ=MONTHLY;BYDAY=+1MO" >/dev/null
done
kcal add "Weekly set" --start "2026-01-05 09:00" --rrule "FREQ=WEEKLY;BYDAY=MO,TU" >/dev/null
stop_daemon
# What a store from before these limits can hold: FREQ=SECONDLY;COUNT=100000000
# (the text changed behind kcald's back; a trigger drops its index).
SECONDS_STORED=
if have sqlite3; then
	sqlite3 "$T/data/kcal.db" "UPDATE events SET ical = replace(ical, 'COUNT=10', \
		'COUNT=100000000'), rrule = replace(rrule, 'COUNT=10', 'COUNT=100000000') \
		WHERE summary = 'Seconds'" && SECONDS_STORED=1
	# and rules that never occur, which libical took a second each to
	# find no first instance of, in every read that expands them
	sqlite3 "$T/data/kcal.db" "UPDATE events SET ical = replace(ical, \
		'BYDAY=1MO', 'BYDAY=53MO'), rrule = replace(rrule, 'BYDAY=1MO', \
		'BYDAY=53MO') WHERE summary LIKE 'Void %'" || SECONDS_STORED=
	# and a WEEKLY one with a BYSETPOS past its week (add refuses it
	# now): libical ignores BYSETPOS below MONTHLY and shows its days
	sqlite3 "$T/data/kcal.db" "UPDATE events SET ical = replace(ical, \
		'BYDAY=MO,TU', 'BYDAY=MO,TU;BYSETPOS=3'), rrule = replace(rrule, \
		'BYDAY=MO,TU', 'BYDAY=MO,TU;BYSETPOS=3') WHERE summary = \
		'Weekly set'" || SECONDS_STORED=
fi
rm "$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon --http "127.0.0.1:$PORT" || { fail "kcald restarts"; done_testing; exit 1; }

bystander_start
if [ -n "$SECONDS_STORED" ]; then
	took "the feed, with 8 stored rules that never occur" 5 \
		curl -sS --noproxy '*' -o "$T/void.ics" "$BASE/feeds/all.ics"
	took "a list of their month" 5 kcal list --format json \
		--from 2026-01-01 --to 2026-02-01 --search Void
	check_eq "... has none of them" 0 "$(jq -r .count "$T/took.out")"
	check_eq "a stored WEEKLY rule with such a BYSETPOS still shows its days" \
		8 "$(kcal list --format json --from 2026-01-05 --to 2026-02-02 \
		--search 'Weekly set' | jq -r .count)"
fi
took "list of a day with the stored hostile rules" 5 \
	kcal list --format json --from 2026-06-01 --to 2026-06-02
check_eq "... says it is cut (truncated: true)" true "$(jq -r .truncated "$T/took.out")"
took "list of a year" 5 kcal list --format json --from 2026-01-01 --to 2027-01-01
check_eq "... says it is cut (truncated: true)" true "$(jq -r .truncated "$T/took.out")"
out=$(kcal list --from 2026-02-01 --to 2026-02-02 2>&1 >/dev/null)
check_match "the table says the list is incomplete" "incomplete" "$out"
took "the first anonymous GET /feeds/all.ics" 5 \
	curl -sS --noproxy '*' -o "$T/feed.ics" "$BASE/feeds/all.ics"
check_match "... is a calendar with the rules in it" "RRULE:FREQ=SECONDLY" "$(cat "$T/feed.ics")"
took "export" 5 kcal export -o "$T/export.ics"
bystander_stop "stored hostile rules"
check "a stored hostile event can still be deleted" kcal rm "$HUID" --yes

# 2. Add and import refuse them, with a message, and stay quick.
bystander_start
took "add of the hostile rule" 5 kcal add "Hostile again" --start "2026-01-01 00:00" --rrule "$HOSTILE"
check_match "... is refused: too dense, naming max_yearly_occurrences" \
	"too dense to expand.*max_yearly_occurrences" "$(cat "$T/took.out")"
ics hostile@test "$HOSTILE" 20260101T000000Z > "$T/hostile.ics"
took "import of the hostile rule" 5 kcal import "$T/hostile.ics"
check_match "... is refused with the same message" "too dense to expand" "$(cat "$T/took.out")"
check_rc "... and nothing was stored" 1 kcal show hostile@test
check_match "FREQ=SECONDLY;COUNT=100000000 is refused too" "too dense" \
	"$(kcal add S --start "2026-01-01 00:00" --rrule "FREQ=SECONDLY;COUNT=100000000" 2>&1)"
check_match "a BYMONTHDAY no named month has is refused" "never occurs" \
	"$(kcal add N --start "2026-01-01 00:00" --rrule "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30" 2>&1)"
# Rules libical walked a second to find no instance in (every iterator it
# made, so every read of the series): refused at once (a CalDAV hunt).
for never in "FREQ=MONTHLY;BYDAY=+53MO" "FREQ=MONTHLY;BYDAY=-6FR" \
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6" "FREQ=YEARLY;BYMONTH=3;BYDAY=+6SU" \
    "FREQ=DAILY;BYHOUR=9,10;BYSETPOS=3"; do
	took "add of $never" 5 kcal add N --start "2026-01-01 00:00" --rrule "$never"
	check_match "... is refused: never occurs" "never occurs" "$(cat "$T/took.out")"
done
check "a fifth Monday of February is accepted (it comes in 28 years)" \
	kcal add F --start "2026-01-01 09:00" --rrule "FREQ=MONTHLY;BYMONTH=2;BYDAY=+5MO"
# ... and none that occurs (a hunt found these refused by a walk that looked
# for an instance in 100 years: libical finds none of them).
for occurs in "FREQ=YEARLY;BYYEARDAY=1;BYMONTH=1" "FREQ=DAILY;BYMONTHDAY=-1" \
    "FREQ=YEARLY;INTERVAL=2;BYMONTHDAY=13;BYSETPOS=3,5" \
    "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=12;BYDAY=MO"; do
	check "$occurs is accepted" kcal add O --start "2026-01-01 09:00" \
		--rrule "$occurs"
done
check "an UNTIL before the start is accepted as before (no occurrence)" \
	kcal add U --start "2026-01-01 09:00" --rrule "FREQ=DAILY;UNTIL=20250101T000000Z"
check "an hourly rule is accepted (8784 a year)" \
	kcal add Hourly --start "2020-01-01 00:00" --rrule "FREQ=HOURLY;COUNT=100000000"
bystander_stop "hostile add and import"

# 3. Dense rules with COUNT.  One whose COUNT runs past 2582 is the endless
# rule it amounts to: listed centuries on, it answers right (it answered
# nothing, truncated false); one stored whose walk from DTSTART costs more
# than a request may spend says it is cut; add refuses such a COUNT.
bystander_start
took "list of 2526 (an hourly COUNT=100000000 series from 2020)" 5 \
	kcal list --format json --from 2526-06-01 --to 2526-06-02 --search Hourly
check_eq "... has its 24 occurrences, complete" \
	"24 false" "$(jq -r '"\(.count) \(.truncated)"' "$T/took.out")"
if [ -n "$SECONDS_STORED" ]; then
	took "list of 31 days after a stored FREQ=SECONDLY;COUNT=100000000" 5 \
		kcal list --format json --from 2026-02-01 --to 2026-02-02 --search Seconds
	check_eq "... says it is cut (before: 0 occurrences, truncated false)" \
		"0 true" "$(jq -r '"\(.count) \(.truncated)"' "$T/took.out")"
else
	skip "a stored FREQ=SECONDLY;COUNT=100000000: the sqlite3 CLI is not installed"
fi
took "add of a COUNT too long to walk" 5 kcal add Rare --start "1600-01-01 00:00" \
	--tz UTC --rrule "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=3;COUNT=12000"
check_match "... is refused, saying why" "too long to expand.*COUNT" "$(cat "$T/took.out")"
bystander_stop "dense COUNT series"
out=$(list --from 2020-03-01 --to 2020-03-01T03:00 --search Hourly)
check_eq "... near its start it is complete and right" \
	"3 false" "$(jget "$out" '"\(.count) \(.truncated)"')"
kcal add Fives --start "2020-01-01 00:00" --tz UTC --rrule "FREQ=HOURLY;INTERVAL=5;COUNT=1000" >/dev/null
check_eq "HOURLY;INTERVAL=5 keeps its step across midnight" \
	"2020-01-06T20:00:00Z 2020-01-07T01:00:00Z" \
	"$(jget "$(list --from 2020-01-06T19:00Z --to 2020-01-07T02:00Z --search Fives)" \
	'[.events[] | .start] | join(" ")')"

# 4. Old dates: 1876 is 1876, not -1; the range is said.
kcal add "Treaty anniversary" --start 1876-02-26 --all-day --rrule FREQ=YEARLY >/dev/null
check_eq "an 1876 all-day anniversary lists on 26 February 2026" "2026-02-26" \
	"$(jget "$(list --from 2026-01-01 --to 2027-01-01 --search Treaty)" '[.events[] | .start] | join(" ")')"
check_eq "... and on 26 February 1876" "1876-02-26" \
	"$(jget "$(list --from 1876-01-01 --to 1877-01-01 --search Treaty)" '[.events[] | .start] | join(" ")')"
ics old-utc@test FREQ=YEARLY 18760226T120000Z > "$T/old.ics"
check "an 1876 UTC series imports" kcal import "$T/old.ics"
check_eq "... lists at 12:00Z in 2026 (was 1969-12-31T23:59:59Z)" \
	"2026-02-26T12:00:00Z" "$(jget "$(list --from 2026-01-01 --to 2027-01-01 --search old-utc)" \
	'[.events[] | .start_utc_iso // .recurrence_id] | join(" ")')"
kcal export -o "$T/old-export.ics"
check_match "... exports with its 1876 DTSTART" "DTSTART:18760226T120000Z" "$(cat "$T/old-export.ics")"
curl -sS --noproxy '*' -o "$T/feed2.ics" "$BASE/feeds/all.ics"
check_match "... and is in the feed as it is" "DTSTART:18760226T120000Z" "$(cat "$T/feed2.ics")"
out=$(kcal add Hastings --start 1066-10-14 2>&1)
check_match "add of 1066 is refused naming the range" "years 1583 to 2582" "$out"
ics hastings@test "" 10661014T090000Z > "$T/1066.ics"
check_match "import of 1066 is refused with the same range" "years 1583 to 2582" \
	"$(kcal import "$T/1066.ics" 2>&1)"
check_match "add of 2600 is refused naming the range" "years 1583 to 2582" \
	"$(kcal add Far --start 2600-01-01 2>&1)"
check "add of 1583-01-01 is accepted" kcal add First --start 1583-01-01 --tz UTC
check "add of 2582-12-31 is accepted" kcal add Last --start 2582-12-31 --tz UTC

# 5. DURATION:P99999999W: refused for what it is.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:long@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nDURATION:P99999999W\r\nSUMMARY:Long\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$T/long.ics"
out=$(kcal import "$T/long.ics" 2>&1)
check_match "DURATION:P99999999W is refused naming the range" "ends in the year.*1583 to 2582" "$out"
case "$out" in
*"before it starts"*) fail "... not as ending before it starts" "$out" ;;
*) pass "... not as ending before it starts" ;;
esac
done_testing
