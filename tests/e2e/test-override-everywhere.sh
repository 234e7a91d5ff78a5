#!/bin/sh
# test-override-everywhere.sh — one occurrence of a weekly bilateral in
# Seoul overridden (tests/data/override-everywhere.ics): another SUMMARY,
# LOCATION and X-KCAL-CITY (Busan), CLASS:CONFIDENTIAL under a PUBLIC
# master, moved a day and a half hour longer, other ATTENDEEs.  Everything
# that shows an occurrence must show that one with its own fields: kcal
# list, kcal itinerary (json, text, markdown, html), kcal conflicts (the
# moved occurrence clashes with a talk at its new time; a briefing in its
# old slot, with a participant of the master, clashes with nothing), kcal
# people, every kind of feed (read with python3-icalendar: the override's
# VEVENT with its own fields; a feed that may not carry a confidential
# event leaves it out and takes its occurrence out of the series), and
# kcal reminders (its reminder due before its moved start, with its own
# summary); the visit's briefing page shows it to a feed that may see it
# and to no other; list's filters take each occurrence by its own kind,
# status, text and people.  The dates are in 2031 and the feeds' window
# is 30 years each way, so nothing depends on today.
. "$(dirname "$0")/lib.sh"

ICS="$DATA/override-everywhere.ics"
S=bilateral@override.test
RID=2031-03-17T01:00:00Z		# the overridden occurrence, when it was due
NEW=2031-03-18T15:00:00+09:00		# ... and where it moved
NEWEND=2031-03-18T16:30:00+09:00
SUM="Bilateral moved to Busan OVERRIDE"
MSUM="Weekly bilateral in Seoul"
W="--from 2031-03-01 --to 2031-04-01"
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
printf 'feed_past = 30y\nfeed_future = 30y\n' > "$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts"; done_testing; exit 1; }
check "the fixture imports" kcal import "$ICS"

# --- kcal list --------------------------------------------------------------
j=$(kcal list $W --format json)
occ=$(jget "$j" "[.events[] | select(.uid == \"$S\")]")
check_eq "list: four occurrences of the series" 4 "$(jget "$occ" length)"
o=$(jget "$occ" "[.[] | select(.recurrence_id == \"$RID\")][0]")
check_eq "list: the override at its new time" "$NEW $NEWEND" \
	"$(jget "$o" '"\(.start) \(.end)"')"
check_eq "list: the override's summary, location, city, class" \
	"$SUM|BEXCO, Busan|Busan|confidential" \
	"$(jget "$o" '"\(.summary)|\(.location)|\(.city)|\(.class)"')"
check_eq "list: the override's participants" "Park Override,Tanaka Override" \
	"$(jget "$o" '[.participants[].name] | join(",")')"
check_eq "list: nothing of the series in the old slot" 0 \
	"$(jget "$occ" '[.[] | select(.start | startswith("2031-03-17"))] | length')"
j=$(kcal list $W --participant "Park Override" --format json)
check_eq "list --participant: the override's person, in the override alone" \
	"$S $NEW" "$(jget "$j" '.events[] | "\(.uid) \(.start)"')"
j=$(kcal list $W --participant "Kim Master" --format json)
check_eq "list --participant: the master's person, not in the override" \
	"3 0" "$(jget "$j" "[.events[] | select(.uid == \"$S\")] |
	    \"\(length) \([.[] | select(.recurrence_id == \"$RID\")] | length)\"")"

# --- kcal itinerary -----------------------------------------------------------
j=$(kcal itinerary visit@override.test --format json)
items=$(jget "$j" "[.days[] | .groups[] | .items[] | select(.uid == \"$S\")]")
check_eq "itinerary json: four items of the series" 4 "$(jget "$items" length)"
o=$(jget "$items" '[.[] | select(.date == "2031-03-18")][0] // {}')
check_eq "itinerary json: the override on its new day, at its new time" \
	"$NEW $NEWEND" "$(jget "$o" '"\(.start) \(.end)"')"
check_eq "itinerary json: its summary, location, city, place, class" \
	"$SUM|BEXCO, Busan|Busan|Busan|confidential" \
	"$(jget "$o" '"\(.summary)|\(.location)|\(.city)|\(.place)|\(.class)"')"
check_eq "itinerary json: its participants" "Park Override,Tanaka Override" \
	"$(jget "$o" '[.participants[]?.name] | join(",")')"
check_eq "itinerary json: nothing of the series on the old day" 0 \
	"$(jget "$items" '[.[] | select(.date == "2031-03-17")] | length')"
check_match "itinerary json: the override's participants in the delegations" \
	'Park Override' "$(jget "$j" '[.delegations[].members[].name] | join(",")')"
count_of() { printf '%s\n' "$1" | grep -o -- "$2" | wc -l | tr -d ' '; }
for f in text markdown html; do
	out=$(kcal itinerary visit@override.test --format $f)
	check_eq "itinerary $f: the master's summary three times, the override's once" \
		"3 1" "$(count_of "$out" "$MSUM") $(count_of "$out" "$SUM")"
	check_match "itinerary $f: the override's location and participants" \
		'BEXCO, Busan.*Park Override|Park Override.*BEXCO, Busan' \
		"$(printf '%s\n' "$out" | tr '\n' ' ')"
	check_match "itinerary $f: its new times 15:00-16:30" '15:00.{0,40}16:30' \
		"$(printf '%s\n' "$out" | tr '\n' ' ')"
done

# --- kcal conflicts -----------------------------------------------------------
j=$(kcal conflicts $W --format json)
check_eq "conflicts: the override clashes with the talk at its new time" 1 \
	"$(jget "$j" "[.conflicts[] | select(.type == \"overlap\") |
	    select([.events[].uid] | (index(\"$S\") and index(\"clash@override.test\")))] | length")"
check_eq "conflicts: the old slot clashes with nothing" 0 \
	"$(jget "$j" '[.conflicts[] | select([.events[].uid] | index("oldslot@override.test"))] | length')"

# --- kcal people ----------------------------------------------------------------
j=$(kcal people --from 2031-03-18 --format json)
nx() {	# NAME: that person's next events, "uid start summary" each
	jget "$j" ".people[] | select(.name == \"$1\") | .next[] |
	    \"\(.uid) \(.start) \(.summary)\""
}
re() { printf '%s' "$1" | sed 's/[.+]/\\&/g'; }	# TEXT, literally, for grep -E
want="^$(re "$S $NEW $SUM")\$"
check_match "people: Park Override has the override next" \
	"$want" "$(nx "Park Override" | head -n 1)"
check_match "people: Tanaka Override has the override and the talk" \
	"$want" "$(nx "Tanaka Override")"
check_match "people: ... and the talk" "^clash@override\.test " \
	"$(nx "Tanaka Override")"
check_eq "people: Kim Master (the master's) is not in the override" "" \
	"$(nx "Kim Master" | grep "2031-03-18")"
check_eq "people: Smith Master (the master's) is not in the override" "" \
	"$(nx "Smith Master" | grep "2031-03-18")"

# --- the feeds ---------------------------------------------------------------------
PY=/usr/bin/python3
# vevents FILE: the series' VEVENTs as JSON lines, by python3-icalendar.
vevents() {
	"$PY" - "$1" "$S" <<'PYEOF'
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
def t(v):
    return v.dt.strftime('%Y%m%dT%H%M%S') if v is not None else None
for ev in cal.walk('VEVENT'):
    if str(ev.get('UID')) != sys.argv[2]:
        continue
    ex = ev.get('EXDATE')
    ex = ex if isinstance(ex, list) else ([ex] if ex is not None else [])
    att = ev.get('ATTENDEE')
    att = att if isinstance(att, list) else ([att] if att is not None else [])
    print(json.dumps({
        'rid': t(ev.get('RECURRENCE-ID')), 'start': t(ev.get('DTSTART')),
        'end': t(ev.get('DTEND')), 'summary': str(ev.get('SUMMARY', '')),
        'location': str(ev.get('LOCATION', '')),
        'city': str(ev.get('X-KCAL-CITY', '')),
        'class': str(ev.get('CLASS', '')),
        'attendees': sorted(str(a.params.get('CN', '')) for a in att),
        'exdate': sorted(d.dt.strftime('%Y%m%dT%H%M%S')
            for e in ex for d in e.dts),
        'alarms': len(ev.walk('VALARM')) }))
PYEOF
}
if ! "$PY" -c 'import icalendar' 2>/dev/null; then
	skip "feeds: python3-icalendar is not installed for $PY (apt-get install python3-icalendar)"
else
	kcal feed add conf --include confidential >/dev/null
	kcal feed add every --include private --include confidential --alarms >/dev/null
	kcal feed add busy --include confidential --redact busy >/dev/null
	kcal feed add title --include confidential --redact title >/dev/null
	kcal feed add pubtitle --redact title --alarms >/dev/null
	kcal feed add programme --parent visit@override.test --include confidential >/dev/null
	kcal feed add brief --briefing visit@override.test --include confidential >/dev/null
	url() { kcal feed list --format json |
		jq -r ".feeds[] | select(.name == \"$1\") | .url"; }
	for n in all conf every busy title pubtitle programme brief; do
		if [ $n = all ]; then u="$BASE/feeds/all.ics"; else u=$(url $n); fi
		curl -sS --noproxy '*' -o "$T/$n.ics" "$u"
		v=$(vevents "$T/$n.ics" 2>&1) ||
			{ fail "feed $n: python3-icalendar reads it" "$v"; continue; }
		ov=$(printf '%s\n' "$v" | jq -c 'select(.rid == "20310317T100000")')
		m=$(printf '%s\n' "$v" | jq -c 'select(.rid == null)')
		case $n in all|pubtitle)	# public only: no confidential override
			check_eq "feed $n: the confidential override is left out" "" "$ov"
			check_eq "feed $n: ... and its occurrence taken out (EXDATE)" \
				true "$(jget "${m:-{\}}" '.exdate | index("20310317T100000") != null')"
			continue ;;
		esac
		check_eq "feed $n: the override at its new time" \
			"20310318T150000 20310318T163000" \
			"$(jget "${ov:-{\}}" '"\(.start) \(.end)"')"
		case $n in
		busy) want="Busy|||CONFIDENTIAL|" ;;
		title) want="$SUM|||CONFIDENTIAL|" ;;
		*) want="$SUM|BEXCO, Busan|Busan|CONFIDENTIAL|Park Override,Tanaka Override" ;;
		esac
		check_eq "feed $n: the override's own fields" "$want" \
			"$(jget "${ov:-{\}}" '"\(.summary)|\(.location)|\(.city)|\(.class)|\(.attendees | join(","))"')"
		case $n in
		busy) want="Busy||PUBLIC" ;;
		title) want="$MSUM||PUBLIC" ;;
		*) want="$MSUM|Seoul|PUBLIC" ;;
		esac
		check_eq "feed $n: the master keeps its own summary, city, class" \
			"$want" "$(jget "${m:-{\}}" '"\(.summary)|\(.city)|\(.class)"')"
		[ $n = every ] && check_eq "feed every (--alarms): the override keeps its alarm" \
			1 "$(jget "${ov:-{\}}" .alarms)"
	done
fi
# The briefing pages: the confidential one shows the override as it is,
# a public one shows neither it nor the master in its place.
kcal feed add pubbrief --briefing visit@override.test >/dev/null
kcal feed add confbrief --briefing visit@override.test \
	--include confidential >/dev/null
burl() { kcal feed list --format json |
	jq -r ".feeds[] | select(.name == \"$1\") | .briefing_url"; }
b=$(curl -sS --noproxy '*' "$(burl confbrief)" 2>&1)
check_match "briefing page (confidential): the override's summary, place, people" \
	"$SUM.*BEXCO, Busan.*Park Override" "$(printf '%s\n' "$b" | tr '\n' ' ')"
b=$(curl -sS --noproxy '*' "$(burl pubbrief)" 2>&1)
check_eq "briefing page (public): no trace of the confidential override" \
	"0 0" "$(count_of "$b" OVERRIDE) $(count_of "$b" BEXCO)"
check_eq "briefing page (public): the master's three occurrences, not four" \
	3 "$(count_of "$b" "$MSUM")"

# --- kcal reminders ----------------------------------------------------------------
j=$(kcal reminders $W --format json)
r=$(jget "$j" "[.reminders[] | select(.uid == \"$S\")]")
check_eq "reminders: four for the series" 4 "$(jget "$r" length)"
o=$(jget "$r" '[.[] | select(.due | startswith("2031-03-18"))][0] // {}')
check_eq "reminders: the override's is due 30 minutes before its new start" \
	"2031-03-18T14:30:00+09:00 $NEW $NEWEND" "$(jget "$o" '"\(.due) \(.start) \(.end)"')"
check_eq "reminders: ... with its own summary, location, city, class" \
	"$SUM|BEXCO, Busan|Busan|confidential" \
	"$(jget "$o" '"\(.summary)|\(.location)|\(.city)|\(.class)"')"
check_eq "reminders: ... and its participants" "Park Override,Tanaka Override" \
	"$(jget "$o" '[.participants[]?.name] | join(",")')"
check_eq "reminders: none at the old slot" 0 \
	"$(jget "$r" '[.[] | select(.due | startswith("2031-03-17"))] | length')"

# list's filters, each occurrence by its own fields: a daily series
# (kind meeting) whose second day is overridden as a signing ("zulu" in
# its summary, Olga among its people) and third cancelled, and a cancelled
# series with a cancelled override (tests/data/override-filters.ics).  The
# store picked series by the master's fields: the signing was in no kind's
# list and no search's, and no cancelled override in --status cancelled.
check "the filters' series import" kcal import "$DATA/override-filters.ics"
FW="--from 2031-06-01 --to 2031-06-04"
lf() { kcal list $FW --format json "$@" |
	jq -r '[.events[] | "\(.uid | split("@")[0]) \(.start[5:16])"] | join(", ")'; }
check_eq "--kind signing: the override that is one" "ser-1 06-02T09:00" \
	"$(lf --kind signing)"
check_eq "--kind meeting: not it" "ser-1 06-01T09:00" "$(lf --kind meeting)"
check_eq "--search zulu: the override whose summary says it" \
	"ser-1 06-02T09:00" "$(lf --search zulu)"
check_eq "--participant olga: the override with her" "ser-1 06-02T09:00" \
	"$(lf --participant olga)"
check_eq "--status cancelled: the cancelled override and the cancelled series" \
	"ser-2 06-01T12:00, ser-2 06-02T15:00, ser-1 06-03T09:00, ser-2 06-03T12:00" \
	"$(lf --status cancelled)"
# The day whose only occurrence of ser-1 is its cancelled override: list
# --all shows it, and export --all carries the series (it left it out).
FD="--from 2031-06-03 --to 2031-06-04"
check_eq "list --all: the cancelled occurrence alone in its window" \
	"ser-1 06-03T09:00, ser-2 06-03T12:00" \
	"$(kcal list $FD --all --format json | jq -r \
	'[.events[] | "\(.uid | split("@")[0]) \(.start[5:16])"] | join(", ")')"
check_eq "export --all: that series too" "ser-1@filters.test ser-2@filters.test" \
	"$(kcal export $FD --all | tr -d '\r' | sed -n 's/^UID://p' | sort -u |
	tr '\n' ' ' | sed 's/ $//')"
check_eq "export without --all: neither" "" \
	"$(kcal export $FD | tr -d '\r' | sed -n 's/^UID://p')"

done_testing
