#!/bin/sh
# tests/e2e/test-itinerary.sh — `kcal itinerary` on the example state visit
# (contrib/examples/state-visit.sh) with the real daemon: golden text and
# Markdown (tests/data/itinerary.{txt,md}), well-formed and escaped HTML,
# the ics read back by python3-icalendar, JSON grouping by day and city,
# travel legs across zones, delegations in precedence order, tracked
# outside events as context, and tentative marks; an overridden
# occurrence briefed with its own fields in every format.
#
# The output depends on nothing but the calendar: TZ and the home zone are
# pinned by lib.sh (Asia/Seoul) and no line shows the time of the run.
# After a deliberate change of the output, regenerate the golden files with
#   KCAL_UPDATE_GOLDEN=1 sh tests/e2e/test-itinerary.sh
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
visit=$(sh "$top/contrib/examples/state-visit.sh" "$KCAL" 2>"$T/example.err")
check_match "the example visit loads" '@kcal$' "$visit"
[ -s "$T/example.err" ] && cat "$T/example.err"

# Tracked outside events inside the visit's dates are context (a yearly
# anniversary through its 2026 occurrence); those outside them are not
# (the example's anniversaries in August, the congress below).
kcal add "Combined exercise (test)" --kind exercise --start 2026-01-06 \
	--end 2026-01-09 --tz Asia/Seoul --status tentative >/dev/null
kcal add "Congress after the visit (test)" --kind congress \
	--start 2026-01-20 --tz Asia/Seoul >/dev/null
kcal add "Founding day (test)" --kind anniversary --start 2001-01-05 \
	--tz Asia/Seoul --rrule FREQ=YEARLY >/dev/null

golden() {	# FORMAT FILE
	kcal itinerary "$visit" --format "$1" >"$T/out.$1" 2>&1
	if [ -n "$KCAL_UPDATE_GOLDEN" ]; then
		cp "$T/out.$1" "$DATA/$2"
		skip "golden $2 regenerated (not compared)"
	elif diff -u "$DATA/$2" "$T/out.$1" >"$T/diff.$1"; then
		pass "itinerary --format $1 matches tests/data/$2"
	else
		fail "itinerary --format $1 matches tests/data/$2" \
		    "$(head -n 40 "$T/diff.$1")"
	fi
}
golden text itinerary.txt
golden markdown itinerary.md
check "text is the default format" sh -c \
    "'$KCAL' itinerary '$visit' | cmp -s - '$T/out.text'"
check "a UID prefix names the visit" sh -c \
    "'$KCAL' itinerary '$(echo "$visit" | cut -c1-8)' | cmp -s - '$T/out.text'"

# --- JSON: days, cities, delegations, context ----------------------------
j=$(kcal itinerary "$visit" --format json)
check_eq "four days" "2026-01-04 2026-01-05 2026-01-06 2026-01-07" \
    "$(jget "$j" '[.days[].date] | join(" ")')"
check_eq "the visit's dates in its own zone" "2026-01-04 2026-01-07" \
    "$(jget "$j" '.first_day + " " + .last_day')"
check_eq "6 January in runs of one city" \
    "Beijing|Beijing -> Shanghai|Shanghai" \
    "$(jget "$j" '[.days[2].groups[].place] | join("|")')"
check_eq "4 January: the leg from Seoul, then Beijing" "Seoul -> Beijing|Beijing" \
    "$(jget "$j" '[.days[0].groups[].place] | join("|")')"
check_eq "7 January: Shanghai, then the leg home" "Shanghai|Shanghai -> Seoul" \
    "$(jget "$j" '[.days[3].groups[].place] | join("|")')"
cer=$(jget "$j" '.days[1].groups[0].items[] | select(.kind == "ceremony") | .uid')
check_eq "the motorcade is anchored 15 minutes before the welcome ceremony" \
    "$cer -900 2026-01-05T15:15:00+08:00" \
    "$(jget "$j" '.days[1].groups[0].items[] | select(.summary | startswith("Motorcade")) |
	"\(.anchor) \(.anchor_offset) \(.start)"')"
check_match "the text says what the motorcade follows" \
    'anchored: 15m before Official welcome ceremony' "$(cat "$T/out.text")"
check_eq "items of one day in start order" "true" \
    "$(jget "$j" '[.days[].groups[].items[].start_utc] | . == sort')"
check_eq "KR delegation in precedence order" \
    "Lee Jae-myung,Wi Seong-lac" \
    "$(jget "$j" '.delegations[] | select(.country == "KR") |
	[.members[].name] | join(",")')"
check_eq "CN delegation in precedence order (Li Qiang ranks second)" \
    "Xi Jinping,Li Qiang,Zhao Leji,Shanghai Party Secretary" \
    "$(jget "$j" '.delegations[] | select(.country == "CN") |
	[.members[].name] | join(",")')"
check_eq "the visiting delegation first" "KR CN" \
    "$(jget "$j" '[.delegations[].country] | join(" ")')"
check_eq "context: what falls within the dates, a yearly day included" \
    "Founding day (test)|Combined exercise (test)" \
    "$(jget "$j" '[.context[].summary] | join("|")')"
check_match "context in the text" 'Combined exercise \(test\)' \
    "$(cat "$T/out.text")"
check_eq "tentative items are marked" "true" \
    "$(jget "$j" '[.days[].groups[].items[] | select(.status == "tentative")
	| .tentative] | all')"

# --- travel legs across zones ---------------------------------------------
leg=$(jget "$j" '.days[0].groups[0].items[0]')
check_eq "departure in its own zone" "2026-01-04T10:00:00+09:00 KST" \
    "$(jget "$leg" '.start + " " + .start_abbr')"
check_eq "arrival in its own zone" "2026-01-04T11:30:00+08:00 CST" \
    "$(jget "$leg" '.end + " " + .end_abbr')"
check_match "itinerary text: departure and arrival zones" \
    '10:00 KST -> 11:30 CST  \(home 10:00-12:30 KST\)' "$(cat "$T/out.text")"
check_match "itinerary text: the way home" \
    '17:00 CST -> 20:00 KST  \(home 18:00-20:00 KST\)' "$(cat "$T/out.text")"
check_match "list shows the leg in both zones" '10:00 KST -> 11:30 CST' \
    "$(kcal list --from 2026-01-04 --to 2026-01-05)"
trip=$(kcal add "Trip to Brussels (test)" --kind working-visit \
	--start 2026-01-10 --end 2026-01-12 --tz Europe/Brussels)
kcal add "Overnight leg (test)" --parent "$trip" --kind travel \
	--start "2026-01-10 23:00" --tz Europe/Brussels \
	--end "2026-01-11 18:30" --end-tz Asia/Seoul >/dev/null
check_match "a leg that lands the next day, home time dated" \
    '23:00 CET -> 18:30 KST \(\+1d\)  \(home 01-11 07:00-18:30 KST\)' \
    "$(kcal itinerary "$trip")"

# --- HTML: well-formed, escaped, one page per day in print ---------------
nasty='Talks <b>&</b> "quotes" '"'"'single'"'"' | *stars* [x](y)'
kcal add "$nasty" --parent "$visit" --kind meeting \
	--start "2026-01-05 12:00" --duration 30m --tz Asia/Shanghai \
	--location "Room <1>, Beijing" --participant "A & B;host;CN;9" >/dev/null
kcal itinerary "$visit" --format html >"$T/it.html"
if have xmllint; then
	check "html is well-formed (xmllint)" xmllint --noout "$T/it.html"
else
	check "html is well-formed (python3 xml)" python3 -c \
	    'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
	    "$T/it.html"
fi
check "html tags balance (python3 html.parser)" python3 - "$T/it.html" <<'EOF'
import sys, html.parser
VOID = {"meta", "br", "link", "img", "hr", "input"}
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.bad = []
    def handle_starttag(s, t, a):
        if t not in VOID: s.stack.append(t)
    def handle_startendtag(s, t, a):
        pass
    def handle_endtag(s, t):
        if s.stack and s.stack[-1] == t: s.stack.pop()
        else: s.bad.append(t)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
sys.exit(1 if p.stack or p.bad else 0)
EOF
html=$(cat "$T/it.html")
check_match "html: a title" '<title>State visit of President Lee' "$html"
check_match "html: the dates" 'Sun 2026-01-04 to Wed 2026-01-07' "$html"
check_match "html: a delegation table" '<h2>Delegations</h2>' "$html"
check_eq "html: one div per day" 4 "$(grep -c '<div class="day">' \
    "$T/it.html")"
check_match "html: a page break per day in print" \
    '@media print\{.*div\.day\{break-before:page;page-break-before:always\}' \
    "$html"
check_match "html: text is escaped" \
    'Talks &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot; &#39;single&#39;' "$html"
check_eq "html: no raw markup from the calendar" "" \
    "$(grep -F '<b>&</b>' "$T/it.html")"
check_match "html: tentative rows are marked" '<tr class="tentative">' "$html"
md=$(kcal itinerary "$visit" --format markdown)
check_match "markdown: cell text is escaped" \
    'Talks \\<b>\\&\\</b> "quotes" '"'"'single'"'"' \\\| \\\*stars\\\* \\\[x\\\]\(y\)' \
    "$md"

# --- ics: just the visit and its programme ---------------------------------
kcal itinerary "$visit" --format ics >"$T/it.ics"
nprog=$(kcal list --parent "$visit" --from 2025-01-01 --to 2027-01-01 \
    --format json | jq '.count')
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	out=$(/usr/bin/python3 - "$T/it.ics" "$visit" <<'EOF' 2>&1
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
evs = cal.walk("VEVENT")
zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
used = set()
for e in evs:
    for k in ("DTSTART", "DTEND"):
        if k in e and "TZID" in e[k].params:
            used.add(str(e[k].params["TZID"]))
kids = [e for e in evs if str(e.get("RELATED-TO", "")) == sys.argv[2]]
print(len(evs), len(kids), "zones-ok" if used <= zones else "missing %s" % (used - zones))
EOF
)
	check_eq "ics: the visit and its programme, a VTIMEZONE per zone" \
	    "$((nprog + 1)) $nprog zones-ok" "$out"
else
	skip "ics read by python3-icalendar (not installed)"
fi
check_eq "ics: no context events" "" "$(grep -F 'Combined exercise' "$T/it.ics")"
check_match "ics: CRLF lines" "$(printf '\r')" "$(head -n 1 "$T/it.ics")"

# --- an occurrence overridden (tests/data/override-series.ics) ----------
# The talks of 3 March moved to Beijing, in its zone, with other people, a
# place, class and status of their own; those of 4 March cancelled.
kcal import "$DATA/override-series.ics" >/dev/null
ov=override-visit@test
j=$(kcal itinerary $ov --format json)
check_eq "override: the cancelled occurrence is left out" \
    "2026-03-02 2026-03-03 2026-03-05" "$(jget "$j" '[.days[].date] | join(" ")')"
check_eq "override: briefed with its own fields, in its own city" \
    "Beijing|Talks moved to Beijing|2026-03-03T15:00:00+08:00|2026-03-03T16:00:00+09:00|Diaoyutai|private|true|Kim Min-ji,Park Ji-ho" \
    "$(jget "$j" '.days[1].groups[] | .place as $p | .items[] | "\($p)|\(.summary)|\(.start)|\(.start_home)|\(.location)|\(.class)|\(.tentative)|\([.participants[].name] | join(","))"')"
check_eq "override: the other occurrences stay the series'" \
    "Seoul Working talks Blue House|Seoul Working talks Blue House" \
    "$(jget "$j" '[.days[0,2].groups[] | .place as $p | .items[] | "\($p) \(.summary) \(.location)"] | join("|")')"
check_eq "override: its people in the delegations" \
    "Kim Min-ji host|Lee Su-jin aide|Park Ji-ho interpreter" \
    "$(jget "$j" '[.delegations[].members[] | "\(.name) \(.role)"] | join("|")')"
t=$(kcal itinerary $ov --format text)
check_eq "override: text" "Tue 2026-03-03
  Beijing
    15:00-16:30 CST  (home 16:00-17:30 KST)  meeting  TENTATIVE
      Talks moved to Beijing
      at:   Diaoyutai
      with: Kim Min-ji (negotiator, KR), Park Ji-ho (interpreter, KR)" \
    "$(printf '%s\n' "$t" | sed -n '/^Tue 2026-03-03/,/^$/p' | sed '/^$/d')"
check_eq "override: markdown" \
    "| 15:00-16:30 CST | 16:00-17:30 KST | meeting | Talks moved to Beijing *(tentative)* | Diaoyutai | Kim Min-ji (negotiator, KR), Park Ji-ho (interpreter, KR) |" \
    "$(kcal itinerary $ov --format markdown | grep -F 'Talks moved')"
h=$(kcal itinerary $ov --format html)
check_eq "override: HTML, under its own city" \
    '<tr class="place"><th colspan="6">Beijing</th></tr>
<tr class="tentative"><td class="time">15:00-16:30 CST</td><td class="time">16:00-17:30 KST</td><td>meeting</td><td>Talks moved to Beijing <span class="mark">tentative</span></td><td>Diaoyutai</td><td>Kim Min-ji (negotiator, KR)<br/>Park Ji-ho (interpreter, KR)</td></tr>' \
    "$(printf '%s\n' "$h" | grep -B1 -F 'Talks moved')"
check_eq "override: no item of the series left in Seoul on 3 March" "" \
    "$(printf '%s\n' "$t" | sed -n '/^Tue 2026-03-03/,/^$/p' | grep -F 'Working talks')"

# --- errors ------------------------------------------------------------
check_rc "an unknown format is a usage error" 2 \
    kcal itinerary "$visit" --format pdf
check_rc "an unknown visit is refused" 1 kcal itinerary nonesuch-visit
check_match "... naming the problem" 'not_found' \
    "$(kcal itinerary nonesuch-visit 2>&1)"

done_testing
