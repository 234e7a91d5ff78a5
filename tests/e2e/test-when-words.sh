#!/bin/sh
# test-when-words.sh — dates as people type them, through the real kcal and
# kcald: a zone inside WHEN becomes the event's zone (and the end's), a
# different --tz is refused, a wall-clock time in a daylight-saving gap of
# that zone is refused by the daemon, relative words land on the right
# day, and each ambiguity is refused with a message (exit 2, nothing sent).
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
js() { kcal show "$1" --format json; }

u=$(kcal add "State dinner" --start "2026-01-05 19:00 Asia/Shanghai" --duration 2h)
check_eq "a zone inside --start is the event's zone" "Asia/Shanghai" \
	"$(jget "$(js "$u")" .tz)"
check_eq "... the time read in it" "2026-01-05T19:00:00+08:00" \
	"$(jget "$(js "$u")" .start)"
u=$(kcal add "Flight" --kind travel --start "2026-01-06 09:00 Asia/Seoul" \
	--end "2026-01-06 10:15 Asia/Shanghai")
check_eq "a zone inside --end is the end's zone" "Asia/Shanghai Asia/Seoul" \
	"$(jget "$(js "$u")" .end_tz) $(jget "$(js "$u")" .tz)"
check_eq "... its end read in it" "2026-01-06T10:15:00+08:00" \
	"$(jget "$(js "$u")" .end)"
out=$(kcal add X --start "2026-01-07 10:00 Asia/Shanghai" --tz Asia/Seoul 2>&1); rc=$?
check_eq "two different zones for the start: refused (exit 2)" 2 "$rc"
check_match "... naming both" "two zones for the start: Asia/Shanghai and Asia/Seoul" "$out"
check "the same zone twice is fine" kcal add Y \
	--start "2026-01-07 10:00 Asia/Shanghai" --tz Asia/Shanghai
out=$(kcal add Gap --start "2026-03-08 02:30 America/New_York" 2>&1); rc=$?
check_eq "a time in a DST gap of the WHEN's zone: refused (exit 1)" 1 "$rc"
check_match "... saying the clocks skip it" "does not exist in America/New_York" "$out"
out=$(kcal list --from "2026-01-05 Asia/Shanghai" 2>&1); rc=$?
check_eq "--from takes no zone (exit 2)" 2 "$rc"
check_match "... and says so" "read only by --start and --end" "$out"

u=$(kcal add "Motorcade" --start "tomorrow 10:00")
check_eq "tomorrow 10:00 is tomorrow on the client's clock" \
	"$(date -d tomorrow +%Y-%m-%d)T10:00:00" \
	"$(jget "$(js "$u")" .start | cut -c1-19)"
u=$(kcal add "Briefing" --start "next monday 9:00")
check_eq "next monday 9:00 is the first Monday after today" \
	"$(date -d 'next monday' +%Y-%m-%d)T09:00:00" \
	"$(jget "$(js "$u")" .start | cut -c1-19)"
check_match "--to +2w lists two weeks ahead" "Briefing" \
	"$(kcal list --from today --to +2w)"
out=$(kcal add X --start "next 5" 2>&1); rc=$?
check_eq "\"next 5\": refused (exit 2)" 2 "$rc"
check_match "... saying next takes a weekday" "takes a weekday" "$out"
out=$(kcal add X --start "feb 30 10:00" 2>&1); rc=$?
check_eq "\"feb 30\": refused (exit 2)" 2 "$rc"
check_match "... saying no month has that day" "no month has that many days" "$out"
today=$(LC_ALL=C date +%a | tr 'A-Z' 'a-z')
out=$(kcal add X --start "$today 10:00" 2>&1); rc=$?
check_eq "today's weekday alone: refused as ambiguous (exit 2)" 2 "$rc"
check_match "... suggesting today or next" 'say "today", or "next"' "$out"
done_testing
