#!/bin/sh
# test-search-case.sh — list --search and --participant, and people, ignore
# case in every script that has case, not ASCII alone (SQLite's lower()
# changed only ASCII: "ÉLYSÉE" did not find "Élysée", "путин" not
# "Путин"); in the store's query and in an override's own fields alike.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
lj() { kcal list --from 2027-03-01 --to 2027-03-31 --format json "$@" |
	jq -r '[.events[].summary]|join("|")'; }
kcal add "Déjeuner à l'Élysée" --start "2027-03-02 12:30" --tz Europe/Paris \
	--duration 90m --location "Palais de l'Élysée, Paris" \
	--participant "Владимир Путин;guest;RU" >/dev/null
kcal add "Συνάντηση στην Αθήνα" --start "2027-03-03 10:00" --tz Europe/Athens \
	--duration 1h --participant "Ἀλέξης Τσίπρας;host;GR" >/dev/null
cat >"$T/series.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//EN
BEGIN:VEVENT
UID:weekly@t
DTSTAMP:20260101T000000Z
DTSTART:20270301T080000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Weekly briefing
END:VEVENT
BEGIN:VEVENT
UID:weekly@t
DTSTAMP:20260101T000000Z
RECURRENCE-ID:20270315T080000Z
DTSTART:20270315T080000Z
DURATION:PT1H
SUMMARY:Briefing at the ÉLYSÉE
ATTENDEE;CN=ÖZLEM TÜRECI:mailto:o@example.org
END:VEVENT
END:VCALENDAR
ICS
check "a series with an override imports" kcal import "$T/series.ics"

check_eq "--search: accented capitals find small letters" \
	"Déjeuner à l'Élysée|Briefing at the ÉLYSÉE" "$(lj --search "ÉLYSÉE")"
check_eq "--search: small letters find capitals (an override's own summary)" \
	"Déjeuner à l'Élysée|Briefing at the ÉLYSÉE" "$(lj --search "élysée")"
check_eq "--search: Greek, either case" "Συνάντηση στην Αθήνα" \
	"$(lj --search "ΑΘΉΝΑ")"
check_eq "--search: no match is none" "" "$(lj --search "élysées")"
check_eq "--participant: Cyrillic, small letters" "Déjeuner à l'Élysée" \
	"$(lj --participant "путин")"
check_eq "--participant: an override's own attendee, small letters" \
	"Briefing at the ÉLYSÉE" "$(lj --participant "özlem")"
check_eq "people: Cyrillic capitals" "Владимир Путин" \
	"$(kcal people ПУТИН --from 2027-01-01 --format json |
	jq -r '[.people[].name]|join("|")')"
done_testing
