#!/bin/sh
# tests/e2e/test-people.sh — participants and the status workflow on the
# example state visit: `kcal people` (by country and precedence, names
# without regard to case, next events from a given time, recurring events
# at their next occurrence, an overridden one with its own fields),
# `list --participant`, `kcal confirm`,
# `list --status tentative` and the itinerary's tentative marks.
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
visit=$(sh "$top/contrib/examples/state-visit.sh" "$KCAL")
check_match "the example visit loads" '@kcal$' "$visit"

j=$(kcal people --from 2026-01-01 --format json)
check_eq "people by country, then precedence" \
    "Xi Jinping,Li Qiang,Zhao Leji,Shanghai Party Secretary,Lee Jae-myung,Wi Seong-lac" \
    "$(jget "$j" '[.people[] | select(.countries == "CN" or .countries == "KR") | .name] | join(",")')"
check_eq "Xi Jinping: host in Beijing, guest in Gyeongju" "host,guest" \
    "$(jget "$j" '.people[] | select(.name == "Xi Jinping") | .roles')"
check_eq "Lee's next three events from 1 January" \
    "State visit of President Lee Jae-myung to China|Flight Seoul - Beijing|Dinner with Korean expatriates in China" \
    "$(jget "$j" '.people[] | select(.name == "Lee Jae-myung") | [.next[].summary] | join("|")')"
check_eq "each next event carries the person's role" "guest" \
    "$(jget "$j" '.people[] | select(.name == "Lee Jae-myung") | .next[1].role')"
check_eq "--next 1" 1 "$(kcal people Lee --from 2026-01-01 --next 1 \
    --format json | jq '.people[0].next | length')"
check_eq "a name matches without regard to case" "Zhao Leji" \
    "$(kcal people zhao --format json | jq -r '[.people[].name] | join(",")')"
check_eq "nothing after the visit for Zhao Leji" 0 \
    "$(kcal people zhao --from 2026-02-01 --format json |
	jq '.people[0].next | length')"
t=$(kcal people Zhao --from 2026-01-01)
check_match "text: name, role, country, precedence, count" \
    '^Zhao Leji \(host; CN\), precedence 3, 1 event$' "$t"
check_match "text: the next event with its time in its zone" \
    '2026-01-06 10:00-11:00 CST  meeting  Meeting with Zhao Leji' "$t"

# A yearly event counts with its next occurrence.
kcal add "Annual review (test)" --start "2020-03-10 09:00" --tz Asia/Seoul \
	--rrule FREQ=YEARLY --participant "Kim Test;chair;KR;5" >/dev/null
check_eq "a recurring event at its next occurrence" "2026-03-10T09:00:00+09:00" \
    "$(kcal people "kim test" --from 2026-01-01 --format json |
	jq -r '.people[0].next[0].start')"
check_eq "cancelled events do not count" 1 \
    "$(kcal people Wi --format json | jq '.people[0].events')"

# list --participant (the protocol's participant filter).
check_eq "list --participant" "Luncheon with Premier Li Qiang" \
    "$(kcal list --participant "li qiang" --from 2026-01-01 --to 2026-02-01 \
	--format json | jq -r '[.events[].summary] | join("|")')"

# --- the status workflow ---------------------------------------------------
n0=$(kcal list --status tentative --from 2026-01-04 --to 2026-01-08 \
    --format json | jq '.count')
check "the example has tentative items" test "$n0" -gt 0
sd=$(kcal list --from 2026-01-05 --to 2026-01-06 --search "State dinner" \
    --format json | jq -r '.events[0].uid')
seq0=$(kcal show "$sd" --format json | jq '.sequence')
check_match "confirm" "^confirmed $sd\$" "$(kcal confirm "$sd")"
check_eq "status confirmed" confirmed \
    "$(kcal show "$sd" --format json | jq -r '.status')"
check_eq "SEQUENCE incremented" $((seq0 + 1)) \
    "$(kcal show "$sd" --format json | jq '.sequence')"
check_eq "one fewer tentative" $((n0 - 1)) \
    "$(kcal list --status tentative --from 2026-01-04 --to 2026-01-08 \
	--format json | jq '.count')"
check_match "confirming twice says so" "already confirmed" \
    "$(kcal confirm "$sd")"
check_eq "the itinerary no longer marks it tentative" "false" \
    "$(kcal itinerary "$visit" --format json | jq '.days[].groups[].items[] |
	select(.summary == "State dinner") | .tentative')"
check_match "... and still marks the others" 'Korea-China summit \*\(tentative\)\*' \
    "$(kcal itinerary "$visit" --format markdown)"
kcal cancel "$sd" >/dev/null
check_rc "a cancelled event is not confirmed" 1 kcal confirm "$sd"
check_eq "... and stays cancelled" cancelled \
    "$(kcal show "$sd" --format json | jq -r '.status')"
check_rc "confirm needs a UID" 2 kcal confirm
check_rc "an unknown UID" 1 kcal confirm nonesuch-uid
# A refusal does not stop the UIDs after it.
t1=$(kcal add "Tentative one" --start 2026-02-01T10:00 --status tentative)
t2=$(kcal add "Tentative two" --start 2026-02-01T12:00 --status tentative)
out=$(kcal confirm "$t1" "$sd" nonesuch-uid "$t2" 2>"$T/confirm.err"); rc=$?
check_eq "confirm A cancelled unknown B: A and B confirmed, exit 1" \
	"confirmed $t1 confirmed $t2 1" "$(echo $out) $rc"
check_eq "... each refusal said on a line of its own" 2 \
	"$(grep -c '^kcal: ' "$T/confirm.err")"
check_eq "... both are confirmed" "confirmed confirmed" \
	"$(kcal show "$t1" --format json | jq -r .status) $(kcal show "$t2" --format json | jq -r .status)"
kcal rm -y "$t1" >/dev/null; kcal rm -y "$t2" >/dev/null

# An occurrence overridden (tests/data/override-series.ics): Kim Min-ji's
# next talks are those moved to Beijing, as the override says (her role
# there too); Lee Su-jin left them, and the next day's were cancelled, so
# hers are on 5 March.
kcal import "$DATA/override-series.ics" >/dev/null
j=$(kcal people --from "2026-03-02 12:00" --format json)
check_eq "people: the next occurrence with its own fields" \
    "Talks moved to Beijing|2026-03-03T15:00:00+08:00|Beijing|Diaoyutai|private|negotiator" \
    "$(jget "$j" '.people[] | select(.name == "Kim Min-ji") | .next[0] | "\(.summary)|\(.start)|\(.city)|\(.location)|\(.class)|\(.role)"')"
check_eq "people: not an occurrence an override took one out of" \
    "Working talks|2026-03-05T10:00:00+09:00|Seoul|aide" \
    "$(jget "$j" '.people[] | select(.name == "Lee Su-jin") | [.next[] | "\(.summary)|\(.start)|\(.city)|\(.role)"] | join(",")')"
check_match "people: the text shows it" 'Talks moved to Beijing' \
    "$(kcal people Kim --from "2026-03-02 12:00")"

done_testing
