#!/bin/sh
# test-list-paging.sh — kcal list --limit/--cursor: 250 events (several at
# one start, so the UID breaks ties; weekly series with an override moved
# onto another occurrence's day and one cancelled) paged 1, 7 and 100 at a
# time (and at random sizes, seed printed) concatenate to exactly the
# unpaged list; a write between pages (an event added before the cursor,
# one after, one deleted) neither repeats nor skips an unchanged item; a
# bad cursor and a limit outside 1..10000 are refused; without --limit the
# reply has no next_cursor; past max_occurrences a series read first does
# not crowd out the single events between its occurrences.  Dates are in 2031: nothing depends on today.
. "$(dirname "$0")/lib.sh"

W="--from 2031-01-01 --to 2032-01-01"
ICS="$T/paging.ics"
start_daemon || { fail "kcald starts"; done_testing; exit 1; }

python3 - "$ICS" <<'PY'
import sys
out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kcal tests//paging//EN"]
def ev(uid, start, extra=()):
    out.extend(["BEGIN:VEVENT", "UID:%s" % uid, "DTSTAMP:20300101T000000Z",
        "DTSTART:%s" % start, "DURATION:PT1H", "SUMMARY:item %s" % uid]
        + list(extra) + ["END:VEVENT"])
for i in range(240):
    day, slot = 1 + i // 8 % 28, i % 4	# 2 events at each start
    ev("e%03d@paging.test" % i, "20310%d%02dT%02d0000Z" %
        (1 + i // 224, day, 8 + slot))
for s in range(10):
    uid = "r%d@paging.test" % s
    ev(uid, "203103%02dT090000Z" % (1 + s), ["RRULE:FREQ=WEEKLY;COUNT=6"])
    if s % 3 == 0:	# moved onto the next occurrence's day
        ev(uid, "203103%02dT093000Z" % (8 + s),
           ["RECURRENCE-ID:203103%02dT090000Z" % (1 + s)])
    if s % 4 == 1:
        ev(uid, "203103%02dT090000Z" % (15 + s),
           ["RECURRENCE-ID:203103%02dT090000Z" % (15 + s), "STATUS:CANCELLED"])
out.append("END:VCALENDAR")
open(sys.argv[1], "w").write("\r\n".join(out) + "\r\n")
PY
check "250 events import" kcal import "$ICS"

KEYS='.events[] | "\(.start_utc) \(.uid) \(.recurrence_id // "")"'
all=$(kcal list $W --format json)
full=$(jget "$all" "$KEYS")
n=$(printf '%s\n' "$full" | wc -l)
check_eq "the unpaged list has every item" yes \
	"$([ "$n" -gt 250 ] && echo yes || echo "no: $n")"
check_eq "no next_cursor without --limit" null "$(jget "$all" .next_cursor)"
check_eq "no duplicate in the unpaged list" "$n" \
	"$(printf '%s\n' "$full" | sort -u | wc -l)"

# pages LIMIT: every page's keys, in order, one per line (cursor after cursor)
pages() {
	_c= _n=0
	while :; do
		_j=$(kcal list $W --format json --limit "$1" ${_c:+--cursor "$_c"}) ||
			return 1
		_k=$(jget "$_j" "$KEYS")
		[ -n "$_k" ] && printf '%s\n' "$_k"
		_c=$(jget "$_j" '.next_cursor // empty')
		[ -z "$_c" ] && break
		_n=$((_n + 1))
		[ "$_n" -gt 2000 ] && return 1
	done
}
for l in 1 7 100; do
	check_eq "pages of $l make the unpaged list" "$full" "$(pages $l)"
done
seed=${PAGING_SEED:-$(date +%s)}
echo "     random limits, seed $seed (PAGING_SEED=$seed to replay)"
for l in $(awk -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < 4; i++)
    printf "%d ", 2 + int(rand() * 60) }'); do
	check_eq "pages of $l (seed $seed) make the unpaged list" "$full" \
		"$(pages $l)"
done
last=$(jget "$(kcal list $W --format json --limit "$n")" .next_cursor)
check_eq "a page holding the rest has no next_cursor" null "$last"

# A limit past max_occurrences still pages (one less a page), to the end.
printf 'max_occurrences = 100\n' >"$T/max100.conf"
stop_daemon
start_daemon -c "$T/max100.conf" || fail "restart with max_occurrences = 100"
p=$(kcal list $W --format json --limit 1000)
check_eq "--limit 1000 with max_occurrences 100: 99 and a next_cursor" \
	"99 false yes" "$(jget "$p" '"\(.count) \(.truncated) \(.next_cursor != null | if . then "yes" else "no" end)"')"
check_eq "... its pages make the unpaged list" "$full" "$(pages 1000)"
stop_daemon
start_daemon || fail "restart with the defaults"

# Past max_occurrences (10 here), the first items in the list's order: a
# daily series (30 in May 2032) read before 30 single events that fall
# between its occurrences did fill the cap with its own, and its pages
# lost the single events (and the series' later occurrences).
printf 'max_occurrences = 10\n' >"$T/max10.conf"
stop_daemon
start_daemon -c "$T/max10.conf" || fail "restart with max_occurrences = 10"
W2="--from 2032-05-01 --to 2032-06-01"
kcal add daily --uid daily@cap.test --start 2032-05-01T09:00Z \
	--rrule 'FREQ=DAILY;COUNT=30' >/dev/null || fail "the daily series"
want=
for d in $(seq -w 1 30); do
	kcal add "single $d" --uid "s$d@cap.test" --start "2032-05-${d}T12:00Z" \
		>/dev/null || fail "single $d"
	want="$want$(printf '2032-05-%sT09:00:00Z daily@cap.test\n2032-05-%sT12:00:00Z s%s@cap.test' "$d" "$d" "$d")
"
done
want=$(printf '%s' "$want")
CAPKEYS='.events[] | "\(.start_utc | todate) \(.uid)"'
u=$(kcal list $W2 --format json 2>/dev/null)
check_eq "unpaged past the cap: the first 10 in the list's order, truncated" \
	"$(printf '%s\n' "$want" | head -n 10) true" \
	"$(jget "$u" "$CAPKEYS") $(jget "$u" .truncated)"
capwalk() {
	_c= _n=0
	while :; do
		_j=$(kcal list $W2 --format json --limit "$1" ${_c:+--cursor "$_c"}) ||
			return 1
		jget "$_j" "$CAPKEYS" | sed '/^$/d'
		_c=$(jget "$_j" '.next_cursor // empty')
		[ -z "$_c" ] && break
		_n=$((_n + 1)); [ "$_n" -gt 200 ] && return 1
	done
}
for l in 1 4 9; do
	check_eq "pages of $l past the cap: all 60, in order" "$want" "$(capwalk $l)"
done
# Series whose occurrences do not come in start order (an RDATE, an
# override moved a month back): a page expands them only as far as it
# needs, RDATEs and overrides included, and ends before what it did not.
cat >"$T/rd.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//kcal tests//paging//EN
BEGIN:VEVENT
UID:rd@cap.test
DTSTAMP:20260101T000000Z
DTSTART:20330501T090000Z
DURATION:PT1H
SUMMARY:daily
RRULE:FREQ=DAILY;COUNT=40
RDATE:20330505T150000Z
END:VEVENT
BEGIN:VEVENT
UID:rd@cap.test
DTSTAMP:20260101T000000Z
RECURRENCE-ID:20330520T090000Z
DTSTART:20330520T100000Z
DURATION:PT1H
SUMMARY:daily moved
END:VEVENT
BEGIN:VEVENT
UID:mb@cap.test
DTSTAMP:20260101T000000Z
DTSTART:20330501T070000Z
DURATION:PT1H
SUMMARY:mb
RRULE:FREQ=DAILY;COUNT=40
END:VEVENT
BEGIN:VEVENT
UID:mb@cap.test
DTSTAMP:20260101T000000Z
RECURRENCE-ID:20330605T070000Z
DTSTART:20330503T160000Z
DURATION:PT1H
SUMMARY:moved back
END:VEVENT
END:VCALENDAR
ICS
check "series with an RDATE and overrides import" kcal import "$T/rd.ics"
W2="--from 2033-05-01 --to 2033-06-20"
rd=$(capwalk 3)
check_eq "pages of 3 past the cap: all 81 occurrences, once each, in order" \
	"81 81 yes" "$(printf '%s\n' "$rd" | wc -l) $(printf '%s\n' "$rd" | sort -u | wc -l) $([ "$rd" = "$(printf '%s\n' "$rd" | sort)" ] && echo yes)"
check_match "... the RDATE among them" '2033-05-05T15:00:00Z rd@cap.test' "$rd"
check_match "... and the override moved a month back" \
	'2033-05-03T16:00:00Z mb@cap.test' "$rd"
stop_daemon
start_daemon || fail "restart with the defaults"

# A write between pages.
p1=$(kcal list $W --format json --limit 100)
c=$(jget "$p1" .next_cursor)
k1=$(jget "$p1" "$KEYS")
after=$(printf '%s\n' "$full" | sed -n '101,$p')
gone=$(printf '%s\n' "$after" | grep ' e' | sed -n 20p)
gone_uid=$(echo "$gone" | cut -d' ' -f2)
early=$(kcal add early --start 2031-01-01T00:30Z)
late=$(kcal add late --start 2031-12-30T10:00Z)
check_eq "two events added, one before the cursor, one after" yes \
	"$([ -n "$early" ] && [ -n "$late" ] && echo yes)"
check "an event after the cursor deleted" kcal rm "$gone_uid" --yes
rest=$(c2=$c; while :; do
	j=$(kcal list $W --format json --limit 50 --cursor "$c2") || exit 1
	jget "$j" "$KEYS" | sed '/^$/d'
	c2=$(jget "$j" '.next_cursor // empty'); [ -z "$c2" ] && break
done)
check_eq "after the write: every unchanged item once, in order" \
	"$(printf '%s\n' "$full" | grep -vxF "$gone")" \
	"$(printf '%s\n%s\n' "$k1" "$rest" | grep '@paging.test')"
check_eq "the event added after the cursor is on a later page" 1 \
	"$(printf '%s\n' "$rest" | grep -c " $late ")"
check_eq "the event added before it is not" 0 \
	"$(printf '%s\n' "$rest" | grep -c " $early ")"

# A series whose overrides the page's filters mostly leave out: a daily
# series of 450 days, an override on each of the first 400 (one in five
# cancelled, one in five moved and named "Moved"), paged 100 at a time.
# A page expands a series only so far (limit + 65 occurrences), and those
# the filters left out counted: it held 84 items, ended there without a
# next_cursor, and paging lost the rest (a hunt: 451 of 1,250).
python3 - "$T/filt.ics" <<'PY'
import sys
L = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT",
     "UID:filt@paging.test", "DTSTAMP:20260101T000000Z",
     "DTSTART:20310101T090000Z", "DURATION:PT1H",
     "RRULE:FREQ=DAILY;COUNT=450", "SUMMARY:Daily briefing", "END:VEVENT"]
import datetime
d0 = datetime.datetime(2031, 1, 1, 9)
for i in range(400):
    d = d0 + datetime.timedelta(days=i)
    rid = d.strftime("%Y%m%dT%H%M%SZ")
    L += ["BEGIN:VEVENT", "UID:filt@paging.test", "DTSTAMP:20260101T000000Z",
          "RECURRENCE-ID:" + rid]
    if i % 5 == 0:
        L += ["DTSTART:" + (d + datetime.timedelta(hours=3)).strftime(
              "%Y%m%dT%H%M%SZ"), "DURATION:PT1H", "SUMMARY:Moved briefing"]
    elif i % 5 == 1:
        L += ["DTSTART:" + rid, "DURATION:PT1H", "SUMMARY:Daily briefing",
              "STATUS:CANCELLED"]
    else:
        L += ["DTSTART:" + rid, "DURATION:PT1H", "SUMMARY:Daily briefing",
              "LOCATION:Room %d" % i]
    L += ["END:VEVENT"]
L += ["END:VCALENDAR"]
open(sys.argv[1], "w").write("\r\n".join(L) + "\r\n")
PY
check "the series imports" kcal import "$T/filt.ics"
FW="--from 2031-01-01 --to 2033-01-01"
# pages LIMIT [filters]: every page's keys, one per line
pages() {
	_l=$1; shift; _c=
	while :; do
		_j=$(kcal list $FW --format json --limit "$_l" ${_c:+--cursor "$_c"} "$@") || return 1
		jget "$_j" "$KEYS" | sed '/^$/d'
		_c=$(jget "$_j" '.next_cursor // empty'); [ -z "$_c" ] && break
	done
}
for f in "" "--search moved"; do
	whole=$(kcal list $FW --format json $f | jq -r "$KEYS")
	check_eq "paged 100 at a time ${f:-(no filter)}: every item once, in order" \
		"$(printf '%s\n' "$whole" | sed '/^$/d')" "$(pages 100 $f)"
done
check_eq "... the series' 370 (450 less 80 cancelled), 80 of them moved" \
	"370 80" "$(pages 100 | grep -c ' filt@paging.test ') $(pages 100 \
	--search moved | grep -c ' filt@paging.test ')"
check_eq "--search moved, 7 at a time: the same 80" 80 \
	"$(pages 7 --search moved | sort -u | wc -l | tr -d ' ')"

# Refusals and the client's hints.
check_rc "a cursor that is not one is refused" 1 \
	kcal list $W --limit 5 --cursor garbage
check_match "... saying so" 'cursor.*next_cursor' \
	"$(kcal list $W --limit 5 --cursor c1.3030 2>&1)"
check_rc "limit 0 is refused" 1 kcal list $W --limit 0
check_rc "limit 10001 is refused" 1 kcal list $W --limit 10001
check_rc "limit 10000 is taken" 0 kcal list $W --limit 10000
check_match "... saying the range" 'limit.*1 to 10000' \
	"$(kcal list $W --limit 10001 2>&1)"
check_rc "--limit x is a usage error" 2 kcal list $W --limit x
out=$(kcal list $W --limit 3 2>"$TMPDIR/err")
check_eq "the table shows one page (a header and 3 rows)" 4 \
	"$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
check_match "and says on stderr how to get the next" \
	'next page is --cursor c1\.' "$(cat "$TMPDIR/err")"
done_testing
