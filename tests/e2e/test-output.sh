#!/bin/sh
# test-output.sh — small things a user sees in kcal's output: a window with
# no events says so (not a bare header); a travel leg across zones shows
# its start and end on the home clock in the HOME column; an imported event
# without CREATED or LAST-MODIFIED has null there in JSON, never
# 1970-01-01.
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1

out=$(kcal list --from 2026-01-01 --to 2026-01-02); rc=$?
check_eq "an empty window exits 0" 0 "$rc"
check_eq "... and says so, naming the window" \
	"No events from 2026-01-01 to 2026-01-02." "$out"
check_match "... open-ended too" "^No events from 2031-01-01 on\\.$" \
	"$(kcal list --from 2031-01-01)"
check_match "... JSON still gives an empty list" '"events": \[\]' \
	"$(kcal list --from 2026-01-01 --to 2026-01-02 --format json)"

kcal add "Flight ICN-PEK" --kind travel --start 2026-03-03T09:00 \
	--tz Asia/Seoul --end 2026-03-03T10:15 --end-tz Asia/Shanghai >/dev/null
kcal add "Flight PEK-SHA" --kind travel --start 2026-03-04T09:00 \
	--tz Asia/Shanghai --end 2026-03-04T11:15 --end-tz Asia/Shanghai >/dev/null
kcal add "Red-eye PEK-ICN" --kind travel --start 2026-03-05T23:30 \
	--tz Asia/Shanghai --end 2026-03-06T02:40 --end-tz Asia/Seoul >/dev/null
kcal add "Late PEK-ICN" --kind travel --start 2026-03-06T22:00 \
	--tz Asia/Shanghai --end 2026-03-07T01:10 --end-tz Asia/Seoul >/dev/null
out=$(kcal list --from 2026-03-03 --to 2026-03-08)
check_match "a leg from home: HOME gives start and end at home" \
	"09:00 KST -> 10:15 CST +09:00-11:15 KST +travel +Flight ICN-PEK" "$out"
check_match "a leg inside one zone: HOME as for any event" \
	"09:00-11:15 CST +10:00 KST +travel +Flight PEK-SHA" "$out"
check_match "a leg that starts on the next day at home: the date is named" \
	"23:30 CST -> 02:40 KST \\(\\+1d\\) +03-06 00:30-02:40 KST +travel" "$out"
check_match "a leg that ends on the next day at home: the end's date is named" \
	"22:00 CST -> 01:10 KST \\(\\+1d\\) +23:00-01:10 KST \\(to 03-07\\) +travel" "$out"

printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:no-created@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T010000Z\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/a.ics"
kcal import "$T/a.ics" >/dev/null
js=$(kcal show no-created@test --format json)
check_eq "imported without CREATED: created is null" "null" \
	"$(jget "$js" .created)"
check_eq "... and last_modified" "null" "$(jget "$js" .last_modified)"
check "... never 1970 in JSON" sh -c "! printf '%s' '$js' | grep -q 1970-01-01"
check_match "an event added here has its creation time" \
	'"created": "20[0-9][0-9]-' \
	"$(kcal show "$(kcal list --from 2026-03-03 --to 2026-03-04 --format tsv | cut -f1)" --format json)"
done_testing
