#!/bin/sh
# test-recurrence.sh — occurrences through kcal list and the protocol's
# list: a weekly 09:00 Brussels meeting stays 09:00 across DST (and shows
# the Seoul time beside it), a New York one too, a Shanghai dinner series;
# 29 February yearly (none in common years); an override moved and one
# cancelled; an override with fields of its own; multi-day all-day occurrences overlapping the window; and
# the cap on occurrences per request, stated in the reply.
. "$(dirname "$0")/lib.sh"

printf 'max_occurrences = 40\n' > "$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon || { fail "kcald starts"; done_testing; exit 1; }
list() { kcal list --format json "$@"; }
starts() { jget "$1" '[.events[] | .start] | join(" ")'; }

kcal add "Brussels briefing" --start "2026-03-16 09:00" --tz Europe/Brussels \
	--rrule FREQ=WEEKLY >/dev/null
out=$(list --from 2026-03-20 --to 2026-04-01 --search Brussels)
check_eq "Brussels: 09:00 before and after the change to summer time" \
	"2026-03-23T09:00:00+01:00 2026-03-30T09:00:00+02:00" "$(starts "$out")"
check_eq "... shown at home (Seoul) too: 17:00, then 16:00" \
	"2026-03-23T17:00:00+09:00 2026-03-30T16:00:00+09:00" \
	"$(jget "$out" '[.events[] | .start_home] | join(" ")')"
check_eq "... each occurrence names the instant it was due" \
	"2026-03-23T08:00:00Z 2026-03-30T07:00:00Z" \
	"$(jget "$out" '[.events[] | .recurrence_id] | join(" ")')"
out=$(list --from 2026-10-19 --to 2026-11-01 --search Brussels)
check_eq "Brussels: 09:00 across the change back" \
	"2026-10-19T09:00:00+02:00 2026-10-26T09:00:00+01:00" "$(starts "$out")"

kcal add "Wall Street call" --start "2026-03-02 09:30" --tz America/New_York \
	--rrule "FREQ=WEEKLY;COUNT=3" >/dev/null
check_eq "New York: 09:30 across 8 March" \
	"2026-03-02T09:30:00-05:00 2026-03-09T09:30:00-04:00 2026-03-16T09:30:00-04:00" \
	"$(starts "$(list --from 2026-03-01 --to 2026-04-01 --search Wall)")"

kcal add "Beijing working dinner" --start "2026-01-05 19:00" --tz Asia/Shanghai \
	--rrule "FREQ=DAILY;COUNT=3" >/dev/null
out=$(list --from 2026-01-05 --to 2026-01-09 --search Beijing)
check_eq "Shanghai: 19:00 each day, 20:00 in Seoul" \
	"2026-01-05T19:00:00+08:00/2026-01-05T20:00:00+09:00 2026-01-06T19:00:00+08:00/2026-01-06T20:00:00+09:00 2026-01-07T19:00:00+08:00/2026-01-07T20:00:00+09:00" \
	"$(jget "$out" '[.events[] | "\(.start)/\(.start_home)"] | join(" ")')"

kcal add "Leap day anniversary" --start 2024-02-29 --all-day --rrule FREQ=YEARLY \
	--kind anniversary >/dev/null
check_eq "29 February yearly: no occurrence in common years" \
	"2024-02-29 2028-02-29" \
	"$(starts "$(list --from 2024-01-01 --to 2030-01-01 --search Leap)")"
kcal add "End of February review" --start 2024-02-29 --all-day \
	--rrule "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" >/dev/null
check_eq "... unless the rule says otherwise (BYMONTHDAY=-1)" \
	"2025-02-28 2026-02-28 2027-02-28 2028-02-29" \
	"$(starts "$(list --from 2025-01-01 --to 2029-01-01 --search 'End of Feb')")"

kcal add "Four-day state visit" --start 2026-01-04 --end 2026-01-08 \
	--tz Asia/Shanghai --rrule "FREQ=YEARLY;COUNT=2" >/dev/null
check_eq "a multi-day all-day occurrence that began before the window is in it" \
	"2027-01-04" "$(starts "$(list --from 2027-01-06 --to 2027-01-07 --search Four-day)")"

cat > "$T/series.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:staff@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=Asia/Seoul:20260601T100000
DTEND;TZID=Asia/Seoul:20260601T110000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Staff meeting
END:VEVENT
BEGIN:VEVENT
UID:staff@test
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Asia/Seoul:20260608T100000
DTSTART;TZID=Asia/Seoul:20260609T150000
DTEND;TZID=Asia/Seoul:20260609T160000
SUMMARY:Staff meeting (moved to Tuesday)
END:VEVENT
BEGIN:VEVENT
UID:staff@test
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Asia/Seoul:20260615T100000
DTSTART;TZID=Asia/Seoul:20260615T100000
DTEND;TZID=Asia/Seoul:20260615T110000
STATUS:CANCELLED
SUMMARY:Staff meeting
END:VEVENT
END:VCALENDAR
EOF
kcal import "$T/series.ics" >/dev/null
out=$(list --from 2026-06-01 --to 2026-07-01 --search Staff)
check_eq "overrides applied: one moved, one cancelled" \
	"2026-06-01T10:00:00+09:00 Staff meeting|2026-06-09T15:00:00+09:00 Staff meeting (moved to Tuesday)|2026-06-22T10:00:00+09:00 Staff meeting" \
	"$(jget "$out" '[.events[] | "\(.start) \(.summary)"] | join("|")')"
out=$(list --from 2026-06-01 --to 2026-07-01 --search Staff --all)
check_match "--all shows the cancelled occurrence as cancelled" \
	'2026-06-15T10:00:00\+09:00 cancelled' \
	"$(jget "$out" '[.events[] | "\(.start) \(.status)"] | join("|")')"

# An override with fields of its own (tests/data/override-series.ics):
# moved to Beijing in that zone, another summary, place, class, status and
# people; the occurrence its override cancelled is not listed.
kcal import "$DATA/override-series.ics" >/dev/null
out=$(list --from 2026-03-02 --to 2026-03-07 --search talks)
check_eq "an overridden occurrence is listed with its own fields" \
	"2026-03-02T10:00:00+09:00 Working talks|Blue House|Seoul|public|confirmed|Kim Min-ji,Lee Su-jin
2026-03-03T15:00:00+08:00 Talks moved to Beijing|Diaoyutai|Beijing|private|tentative|Kim Min-ji,Park Ji-ho
2026-03-05T10:00:00+09:00 Working talks|Blue House|Seoul|public|confirmed|Kim Min-ji,Lee Su-jin" \
	"$(jget "$out" '.events[] | "\(.start) \(.summary)|\(.location)|\(.city)|\(.class)|\(.status)|\([.participants[].name] | join(","))"')"
check_eq "... in its own zone, due when the series said, still of the series" \
	"Asia/Shanghai 2026-03-03T16:30:00+08:00 2026-03-03T01:00:00Z FREQ=DAILY;COUNT=4" \
	"$(jget "$out" '.events[1] | "\(.tz) \(.end) \(.recurrence_id) \(.rrule)"')"
for f in "--search talks --status confirmed" "--search talks --participant lee" \
    "--search working"; do
	check_eq "an override that no longer answers $f is left out" \
		"2026-03-02T10:00:00+09:00 2026-03-05T10:00:00+09:00" \
		"$(starts "$(list --from 2026-03-02 --to 2026-03-07 $f)")"
done

kcal add "Hourly check" --start "2026-01-01 00:00" --tz UTC --rrule FREQ=HOURLY \
	>/dev/null
out=$(list --from 2026-02-01 --to 2026-03-01 --search Hourly)
check_eq "the cap: the reply says it was cut short, and where" "40 true 40" \
	"$(jget "$out" '"\(.count) \(.truncated) \(.limit)"')"
check_match "kcal list says so on stderr" 'only the first 40 shown' \
	"$(kcal list --from 2026-02-01 --to 2026-03-01 --search Hourly 2>&1 >/dev/null)"
check_eq "an endless rule in an open-ended window still stops at the cap" \
	"40 true" "$(jget "$(list --from 2026-01-01 --search Hourly)" \
	'"\(.count) \(.truncated)"')"

done_testing
