#!/bin/sh
# test-feeds.sh — the HTTP feeds of the real kcald (--http on a free
# loopback port), fetched with curl: status codes and headers, 304 for
# If-None-Match and If-Modified-Since, HEAD, gzip, the body's calendar
# properties and line layout, public events only in all.ics, tombstones for
# a configurable time, no VALARM unless asked; token feeds (refusal,
# rotation, removal), redaction, the window; byte-identical bodies across
# a restart, and a rebuild after a change (from the records and gzip
# pieces kept) equal to a fresh build; every body validated by
# python3-icalendar and libical (and by all five consumers of
# validate-feed when they are installed).
. "$(dirname "$0")/lib.sh"

have curl || { skip "curl is not installed"; done_testing; exit $?; }
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
VALIDATE="$SHARED/tools/validate-feed/validate_feed.sh"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

# get URL [curl options]: body to $T/body, headers to $T/hdr, prints status.
get() {
	_u=$1; shift
	rm -f "$T/body"; : > "$T/body"
	curl -sS --noproxy '*' -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" "$_u"
}
# hdr NAME: a header of the last response, without CR.
hdr() { tr -d '\r' < "$T/hdr" | sed -n "s/^$1: //Ip" | tail -n 1; }
# unfolded body of the last response, LF line ends.
body() { tr -d '\r' < "$T/body" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g'; }
# validate DESC URL: python3-icalendar and libical through ../shared's
# validate-feed when it is there; else our own independent check
# (tests/e2e/check-feed.py: python3-icalendar and the RFC 5545 layout).
validate() {	# DESC URL
	if ! /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
		skip "$1: python3-icalendar is not installed (apt-get install python3-icalendar)"; return; fi
	if [ ! -f "$VALIDATE" ]; then
		_o=$(/usr/bin/python3 "$top/tests/e2e/check-feed.py" "$2" 2>&1)
		check_match "$1: python3-icalendar accepts it, RFC 5545 layout" \
			'feed-check: [0-9]+ passed, 0 failed' "$_o"
		return
	fi
	_o=$(bash "$VALIDATE" --strict-http --only a,c "$2" 2>&1)
	check_match "$1: python3-icalendar and libical accept it" \
		'validators: 3 passed, 0 failed' "$_o"
	printf '%s\n' "$_o" | grep -q 'validators: 3 passed, 0 failed' ||
		printf '%s\n' "$_o" | grep -E 'FAIL' | head -n 10 | sed 's/^/     /'
}

# --- events: public, private, confidential, cancelled, recurring, all-day ----
pub=$(kcal add "State banquet for the visiting President — 국빈 만찬, 人民大会堂 환영 연회 및 문화 공연" \
	--start "+2d" --tz Asia/Shanghai --duration 2h --kind banquet \
	--location "Great Hall of the People" --description "White tie" \
	--participant "Xi Jinping;host;CN" --remind 1h)
priv=$(kcal add "Private dinner" --start "+3d" --class private \
	--location "Residence")
conf=$(kcal add "Confidential talks" --start "+4d" --tz Europe/Brussels \
	--class confidential --location "Egmont Palace" --description "Agenda: X" \
	--participant "Envoy;guest;BE")
kcal add "Weekly briefing" --start "+1d" --tz America/New_York \
	--rrule "FREQ=WEEKLY;COUNT=10" >/dev/null
kcal add "National Foundation Day" --start 2026-10-03 --all-day \
	--rrule FREQ=YEARLY --kind anniversary >/dev/null
gone=$(kcal add "Cancelled press conference" --start "+5d" --kind press)
kcal cancel "$gone" >/dev/null
far=$(kcal add "Summit in thirty days" --start "+30d" --kind summit)

# --- all.ics: status, headers ---------------------------------------------
check_eq "GET /feeds/all.ics: 200" 200 "$(get "$BASE/feeds/all.ics")"
check_eq "Content-Type" "text/calendar; charset=utf-8" "$(hdr Content-Type)"
etag=$(hdr ETag)
check_match "a strong ETag" '^"[0-9a-f]{32}"$' "$etag"
lm=$(hdr Last-Modified)
check_match "Last-Modified as an HTTP date" \
	'^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$' "$lm"
check_match "a modest Cache-Control" '^public, max-age=[0-9]+$' "$(hdr Cache-Control)"
check_eq "Vary: Accept-Encoding" "Accept-Encoding" "$(hdr Vary)"
cp "$T/body" "$T/all1.ics"
b=$(body)

# --- the body -----------------------------------------------------------------
check_match "one VCALENDAR with VERSION, PRODID, CALSCALE" \
	'^BEGIN:VCALENDAR PRODID:-//kcal//kcal [0-9.]+//EN VERSION:2.0 CALSCALE:GREGORIAN ' \
	"$(printf '%s\n' "$b" | tr '\n' ' ')"
check_match "X-WR-CALNAME and NAME" 'NAME:kcal.*X-WR-CALNAME:kcal' \
	"$(printf '%s\n' "$b" | tr '\n' ' ')"
check_match "REFRESH-INTERVAL and X-PUBLISHED-TTL" \
	'REFRESH-INTERVAL;VALUE=DURATION:PT1H X-PUBLISHED-TTL:PT1H' \
	"$(printf '%s\n' "$b" | tr '\n' ' ')"
check_eq "no METHOD" 0 "$(printf '%s\n' "$b" | grep -c '^METHOD')"
check_eq "CRLF on every line" 0 "$(grep -c -v "$(printf '\r')\$" "$T/body")"
check_eq "no line over 75 octets" 0 \
	"$(tr -d '\r' < "$T/body" | awk 'length($0) > 75' | LC_ALL=C wc -l | tr -d ' ')"
check_eq "no fold inside a UTF-8 character" 0 \
	"$(LC_ALL=C grep -c "$(printf '^ [\200-\277]')" "$T/body")"
check_eq "public events only: private and confidential are absent" "0 0" \
	"$(printf '%s\n' "$b" | grep -c "UID:$priv") $(printf '%s\n' "$b" | grep -c "UID:$conf")"
check_match "the public event is there, with its location" \
	"LOCATION:Great Hall of the People" "$b"
check_match "a cancelled event stays as a tombstone" \
	"UID:$gone.*STATUS:CANCELLED|STATUS:CANCELLED.*UID:$gone" \
	"$(printf '%s\n' "$b" | tr '\n' ' ' | sed 's/END:VEVENT/\n/g' | grep "$gone")"
check_eq "no VALARM unless the feed asks" 0 "$(printf '%s\n' "$b" | grep -c '^BEGIN:VALARM')"
tzids=$(printf '%s\n' "$b" | grep -o 'TZID=[^:;]*' | sort -u | sed 's/TZID=//')
vtz=$(printf '%s\n' "$b" | sed -n 's/^TZID://p' | sort)
check_eq "one VTIMEZONE per TZID used" "$tzids" "$vtz"
check_match "a complete VTIMEZONE (its history, not one rule)" \
	'BEGIN:VTIMEZONE TZID:America/New_York .*(BEGIN:STANDARD.*){5}' \
	"$(printf '%s\n' "$b" | tr '\n' ' ' | sed 's/END:VTIMEZONE/\n/g' | grep America/New_York)"

# --- the same bytes every time; built once per change --------------------------
get "$BASE/feeds/all.ics" >/dev/null
check "the same data gives the same bytes (no per-request DTSTAMP)" cmp "$T/all1.ics" "$T/body"
check_eq "... and the same ETag" "$etag" "$(hdr ETag)"
builds=$(grep -c 'feed all built' "$T/kcald.out")
check_eq "the body is built once, then served from memory" 1 "$builds"

# --- 304, HEAD, gzip ------------------------------------------------------------
check_eq "If-None-Match with the ETag: 304" 304 \
	"$(get "$BASE/feeds/all.ics" -H "If-None-Match: $etag")"
check_eq "... with no body" 0 "$(wc -c < "$T/body" | tr -d ' ')"
check_eq "If-None-Match among others, weak form: 304" 304 \
	"$(get "$BASE/feeds/all.ics" -H "If-None-Match: \"x\", W/$etag")"
check_eq "If-None-Match with another ETag: 200" 200 \
	"$(get "$BASE/feeds/all.ics" -H 'If-None-Match: "0123"')"
check_eq "If-Modified-Since the Last-Modified: 304" 304 \
	"$(get "$BASE/feeds/all.ics" -H "If-Modified-Since: $lm")"
check_eq "If-Modified-Since an older date: 200" 200 \
	"$(get "$BASE/feeds/all.ics" -H 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT')"
check_eq "If-Modified-Since a date to come (not valid, ignored): 200" 200 \
	"$(get "$BASE/feeds/all.ics" -H 'If-Modified-Since: Thu, 01 Jan 2099 00:00:00 GMT')"
check_eq "If-None-Match wins over If-Modified-Since" 200 \
	"$(get "$BASE/feeds/all.ics" -H 'If-None-Match: "0123"' -H "If-Modified-Since: $lm")"
check_eq "HEAD: 200" 200 "$(get "$BASE/feeds/all.ics" -I)"
check_eq "HEAD: the GET's Content-Length and ETag, no body" \
	"$(wc -c < "$T/all1.ics" | tr -d ' ') $etag" "$(hdr Content-Length) $(hdr ETag)"
check_eq "gzip when accepted: 200" 200 \
	"$(get "$BASE/feeds/all.ics" -H 'Accept-Encoding: gzip')"
check_eq "Content-Encoding: gzip" gzip "$(hdr Content-Encoding)"
check_match "the gzipped form has its own strong ETag" '^"[0-9a-f]{32}-gz"$' "$(hdr ETag)"
gzip -dc < "$T/body" > "$T/gunzipped" 2>/dev/null
check "gunzipped, the same bytes" cmp "$T/all1.ics" "$T/gunzipped"
check_eq "gzip;q=0 is a refusal" "" \
	"$(get "$BASE/feeds/all.ics" -H 'Accept-Encoding: gzip;q=0' >/dev/null; hdr Content-Encoding)"
check_eq "If-None-Match with the gzip ETag: 304" 304 \
	"$(get "$BASE/feeds/all.ics" -H 'Accept-Encoding: gzip' -H "If-None-Match: $(cat "$T/hdr" | tr -d '\r' | sed -n 's/^ETag: //p')")"
validate "all.ics" "$BASE/feeds/all.ics"

# --- a change gives a new body; the index page --------------------------------------
kcal edit "$pub" --location "Great Hall of the People, Beijing" >/dev/null
get "$BASE/feeds/all.ics" -H "If-None-Match: $etag" >/dev/null
check_eq "after an edit the old ETag gets 200, with a new ETag" "200 new" \
	"$(get "$BASE/feeds/all.ics" -H "If-None-Match: $etag") $([ "$(hdr ETag)" != "$etag" ] && echo new)"
check_eq "GET /: 200, HTML" "200 text/html; charset=utf-8" \
	"$(get "$BASE/") $(hdr Content-Type)"
check_match "/ lists the public feed with a webcal:// link" \
	"href=\"webcal://127.0.0.1:$PORT/feeds/all.ics\"" "$(cat "$T/body")"

# --- token feeds ---------------------------------------------------------------------
out=$(kcal feed add embassy --include confidential --redact busy)
url=$(printf '%s\n' "$out" | sed -n 's/^ *url: *//p')
check_match "feed add prints an unguessable URL" \
	"^http://127.0.0.1:$PORT/feeds/[a-z2-7]{32}\\.ics\$" "$url"
check_match "... and its webcal:// form" \
	"webcal://127.0.0.1:$PORT/feeds/[a-z2-7]{32}\\.ics" "$out"
check_eq "the token feed: 200" 200 "$(get "$url")"
tok=${url##*/feeds/}; tok=${tok%.ics}
check_eq "... and its token is nowhere in kcald's log (at debug level)" 0 \
	"$(grep -c -- "$tok" "$T/kcald.out")"
check_eq "... private, not public in Cache-Control" "private" \
	"$(hdr Cache-Control | cut -d, -f1)"
b=$(body)
check_match "--include confidential: the confidential event is there" "UID:$conf" "$b"
check_eq "... but not the private one" 0 "$(printf '%s\n' "$b" | grep -c "UID:$priv")"
check_eq "--redact busy: every summary is Busy" \
	"$(printf '%s\n' "$b" | grep -c '^BEGIN:VEVENT')" \
	"$(printf '%s\n' "$b" | grep -c '^SUMMARY:Busy$')"
check_eq "--redact: no description, location or participants" 0 \
	"$(printf '%s\n' "$b" | grep -c -E '^(DESCRIPTION|LOCATION|ATTENDEE|ORGANIZER)')"
validate "a redacted feed" "$url"

out=$(kcal feed add desk --include private --redact title --alarms)
durl=$(printf '%s\n' "$out" | sed -n 's/^ *url: *//p')
get "$durl" >/dev/null; b=$(body)
check_match "--redact title keeps the summary" 'SUMMARY:Private dinner' "$b"
check_eq "... and drops location and description (an alarm says the title)" \
	"0 0" "$(printf '%s\n' "$b" | grep -c -E '^LOCATION|Residence|White tie') $(printf '%s\n' "$b" | grep '^DESCRIPTION' | grep -c -v -E ':(Private dinner|State banquet|Weekly|National|Summit|Cancelled)')"
check_match "--alarms keeps VALARMs" 'BEGIN:VALARM' "$b"
validate "a feed with alarms" "$durl"

out=$(kcal feed add week --past 1d --future 7d)
wurl=$(printf '%s\n' "$out" | sed -n 's/^ *url: *//p')
get "$wurl" >/dev/null; b=$(body)
check_match "--past/--future: an event inside the window is there" "UID:$pub" "$b"
check_eq "... one 30 days ahead is not" 0 "$(printf '%s\n' "$b" | grep -c "UID:$far")"
check_match "... a series with an occurrence in the window is there" \
	'SUMMARY:Weekly briefing' "$b"
validate "a feed with a window" "$wurl"

# --- a cancelled series takes its overrides with it ---------------------------------
d2=$(date -u -d '+2 days' +%Y%m%d) d3=$(date -u -d '+3 days' +%Y%m%d)
cat > "$T/series.ics" <<EOF
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:series@test
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Brussels:${d2}T090000
DURATION:PT1H
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Daily briefing
END:VEVENT
BEGIN:VEVENT
UID:series@test
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Brussels:${d3}T090000
DTSTART;TZID=Europe/Brussels:${d3}T150000
DURATION:PT1H
SUMMARY:Daily briefing, afternoon
END:VEVENT
END:VCALENDAR
EOF
kcal import "$T/series.ics" >/dev/null
get "$BASE/feeds/all.ics" >/dev/null
check_eq "a series goes out with its override, one UID" 2 \
	"$(body | grep -c '^UID:series@test')"
kcal cancel series@test >/dev/null
get "$BASE/feeds/all.ics" >/dev/null
check_eq "cancelling the series cancels its overrides in the feed" "2 2" \
	"$(body | grep -c '^UID:series@test') $(body | tr '\n' ' ' | sed 's/END:VEVENT/\n/g' | grep 'UID:series@test' | grep -c 'STATUS:CANCELLED')"

# --- refusal, rotation, removal ---------------------------------------------------
get "$BASE/feeds/nosuchthing.ics" >/dev/null; cp "$T/body" "$T/404a"
sed 's/^Date: .*//' "$T/hdr" > "$T/404ah"
check_eq "a wrong token: 404" 404 \
	"$(get "$BASE/feeds/abcdefghijklmnopqrstuvwxyz234567.ics")"
sed 's/^Date: .*//' "$T/hdr" > "$T/404bh"
check "... the same answer as any unknown path (reveals nothing)" \
	cmp "$T/404a" "$T/body"
check "... with the same headers" cmp "$T/404ah" "$T/404bh"
check_eq "other paths: 404" "404 404" \
	"$(get "$BASE/feeds/") $(get "$BASE/etc/passwd")"
check_eq "POST is not served" 1 \
	"$([ "$(get "$BASE/feeds/all.ics" -X POST -d x)" -ge 400 ] && echo 1)"
check_eq "... 405, allowing GET and HEAD" "405 GET, HEAD" \
	"$(get "$BASE/feeds/all.ics" -X PROPFIND) $(hdr Allow)"
out=$(kcal feed rotate embassy)
nurl=$(printf '%s\n' "$out" | sed -n 's/^ *url: *//p')
check_eq "rotate: the old URL answers 404" 404 "$(get "$url")"
check_eq "rotate: the new URL answers 200" 200 "$(get "$nurl")"
check_match "feed list shows every feed with http and webcal URLs" \
	"all .*webcal://127.0.0.1:$PORT/feeds/all.ics.*desk .*embassy .*$nurl.*week " \
	"$(kcal feed list | tr '\n' ' ')"
check_rc "feed add: a name in use is refused" 1 kcal feed add embassy
check_rc "feed add: \"all\" is reserved" 1 kcal feed add all
kcal feed rm embassy >/dev/null
check_eq "rm: the URL answers 404" 404 "$(get "$nurl")"
check_rc "rm: an unknown feed is refused" 1 kcal feed rm embassy

# --- tombstones age out; byte-identical across a restart --------------------------------
cat > "$T/old.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:old-tombstone@test
DTSTAMP:20250101T000000Z
LAST-MODIFIED:20250101T000000Z
DTSTART:20261215T090000Z
SUMMARY:Cancelled long ago
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
EOF
kcal import "$T/old.ics" >/dev/null
get "$BASE/feeds/all.ics" >/dev/null
check_eq "a tombstone older than feed_tombstones (30d) is left out" 0 \
	"$(body | grep -c 'old-tombstone@test')"
cp "$T/body" "$T/before.ics"; before_etag=$(hdr ETag); before_lm=$(hdr Last-Modified)
stop_daemon
start_daemon --http "127.0.0.1:$PORT" || fail "kcald restarts"
get "$BASE/feeds/all.ics" >/dev/null
check "after a restart with nothing changed: byte-identical body" cmp "$T/before.ics" "$T/body"
check_eq "... the same ETag and Last-Modified" "$before_etag $before_lm" \
	"$(hdr ETag) $(hdr Last-Modified)"
check_eq "... and 304 to a poller that has it" 304 \
	"$(get "$BASE/feeds/all.ics" -H "If-None-Match: $before_etag")"
stop_daemon
printf 'feed_tombstones = 10y\nfeed_url = https://cal.example.org\nfeed_name = Protocol office\n' \
	> "$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon --http "127.0.0.1:$PORT" || fail "kcald restarts with feed settings"
get "$BASE/feeds/all.ics" >/dev/null; b=$(body)
check_match "feed_tombstones = 10y keeps the old tombstone" 'old-tombstone@test' "$b"
check_match "feed_name names the calendar" 'X-WR-CALNAME:Protocol office' "$b"
check_match "feed_url: https-ready URLs in feed list" \
	'https://cal.example.org/feeds/all.ics.*webcal://cal.example.org/feeds/all.ics' \
	"$(kcal feed list | tr '\n' ' ')"

# --- all five consumers, when installed -------------------------------------------------
if [ -f "$VALIDATE" ] && have node && have vdirsyncer && have khal; then
	o=$(bash "$VALIDATE" --strict-http "$BASE/feeds/all.ics" 2>&1)
	check_match "all five consumers of validate-feed accept all.ics" \
		'validators: 6 passed, 0 failed' "$o"
elif [ ! -f "$VALIDATE" ]; then
	skip "the five-consumer check: ../shared/tools/validate-feed is absent (the feeds were checked by tests/e2e/check-feed.py)"
else
	skip "the five-consumer check: node, vdirsyncer or khal is not installed (apt-get install nodejs npm vdirsyncer khal)"
fi

# --- a rebuild writes again only what changed, and gives a fresh build's bytes -----------
{
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
	i=0
	while [ $i -lt 1000 ]; do
		printf 'BEGIN:VEVENT\r\nUID:bulk-%04d@test\r\nDTSTAMP:20260101T000000Z\r\n' $i
		printf 'DTSTART;TZID=Europe/Paris:202612%02dT%02d0000\r\n' $((i % 28 + 1)) $((i % 10 + 8))
		printf 'DURATION:PT1H\r\nCLASS:PUBLIC\r\nSUMMARY:Bulk meeting %d\r\n' $i
		printf 'DESCRIPTION:Agenda item %d: a long enough text that the feed grows past' $i
		printf ' a few pieces of its gzipped form\\, %d\r\nEND:VEVENT\r\n' $i
		i=$((i + 1))
	done
	printf 'END:VCALENDAR\r\n'
} > "$T/bulk.ics"
kcal import "$T/bulk.ics" >/dev/null
get "$BASE/feeds/all.ics" >/dev/null
kcal edit bulk-0500@test --location "Salle de l'Horloge" >/dev/null
get "$BASE/feeds/all.ics" >/dev/null; cp "$T/body" "$T/rebuilt.ics"
check_match "after one edit the rebuilt body has it" "LOCATION:Salle de l'Horloge" "$(body)"
get "$BASE/feeds/all.ics" -H 'Accept-Encoding: gzip' >/dev/null
gzip -dc < "$T/body" > "$T/gunzipped" 2>/dev/null
check "... its gzip, deflated in pieces, gives the same bytes" cmp "$T/rebuilt.ics" "$T/gunzipped"
pieces=$(sed -n 's/.*feed gzip: \([0-9]*\) of \([0-9]*\) pieces.*/\1 \2/p' "$T/kcald.out" | tail -n 1)
check "... of which only those around the change were deflated again ($pieces)" \
	test "${pieces% *}" -lt "${pieces#* }"
stop_daemon
start_daemon --http "127.0.0.1:$PORT" || fail "kcald restarts after the bulk import"
get "$BASE/feeds/all.ics" >/dev/null
check "a fresh build after a restart: the same bytes as the rebuild" cmp "$T/rebuilt.ics" "$T/body"


# --- RDATE periods of a series with overrides ----------------------------------------
# A period goes out as a plain RDATE and an override with its end, unless
# an override of the series replaces it already (its RECURRENCE-ID in
# another zone) or an EXDATE takes it out; every override of the
# series goes out with its own fields (the periods' rewriting once walked
# the series' VEVENTs with the iterator add_series was using, and the
# overrides after the master were lost).
if /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	kcal import "$DATA/rdate-period-override.ics" >/dev/null
	url=$(kcal feed add periods --past 100y --future 100y |
		sed -n 's/^ *url: *//p')
	get "$BASE/feeds/${url##*/}" >/dev/null	# feed_url is set above
	got=$(/usr/bin/python3 -c '
import sys, datetime, icalendar
utc = datetime.timezone.utc
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
out = []
for c in cal.walk("VEVENT"):
    if str(c.get("UID")) != "rdate-period-override@kcal-test":
        continue
    if "RECURRENCE-ID" not in c:
        rd = c.get("RDATE")
        rd = rd if isinstance(rd, list) else [rd]
        out.append("master rdates " + " ".join(sorted(
            d.dt.astimezone(utc).strftime("%m%dT%H%M") for r in rd
            for d in r.dts)))
        continue
    f = lambda k: c.decoded(k).astimezone(utc).strftime("%m%dT%H%M")
    out.append("%s %s-%s %s" % (f("RECURRENCE-ID"), f("DTSTART"),
        f("DTEND"), c.get("SUMMARY")))
print("\n".join(sorted(out)))' "$T/body" 2>&1)
	check_eq "periods and overrides of one series: each override its own" \
"0305T1300 0305T1400-0305T1500 Consultations, shortened
0309T0800 0310T1000-0310T1100 Consultations, moved
0320T0800 0320T0800-0320T0845 Consultations
master rdates 0305T1300 0320T0800 0325T0800" "$got"
	check "... no RDATE;VALUE=PERIOD left" \
		sh -c "! grep -q 'VALUE=PERIOD' '$T/body'"
else
	skip "periods and overrides: python3-icalendar is not installed"
fi

# A RANGE=THISANDFUTURE override moves every later occurrence, but many
# clients apply it to its own alone: each later occurrence in the window
# goes out as an override of its own, moved as kcal moves it (a single
# override later on keeps its own fields and is not doubled).  Read here as
# such a client reads it: an override replaces its own occurrence only.
if /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	kcal import "$DATA/thisandfuture-feed.ics" >/dev/null
	url=$(kcal feed add future --past 100y --future 100y |
		sed -n 's/^ *url: *//p')
	get "$BASE/feeds/${url##*/}" >/dev/null
	got=$(/usr/bin/python3 -c '
import sys, datetime, icalendar
utc = datetime.timezone.utc
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
f = lambda c, k: c.decoded(k).astimezone(utc).strftime("%m%dT%H%M")
out = []
for c in cal.walk("VEVENT"):
    if str(c.get("UID")) == "taf-feed@kcal-test" and "RECURRENCE-ID" in c:
        out.append("%s %s-%s %s" % (f(c, "RECURRENCE-ID"), f(c, "DTSTART"),
            (c.decoded("DTSTART") + c.decoded("DURATION")).astimezone(
            utc).strftime("%m%dT%H%M"), c.get("SUMMARY")))
print("\n".join(sorted(out)))' "$T/body" 2>&1)
	check_eq "THISANDFUTURE: every later occurrence its own override" \
"0118T0800 0118T1300-0118T1500 Weekly sherpa call (afternoons)
0125T0800 0125T1300-0125T1500 Weekly sherpa call (afternoons)
0201T0800 0201T1500-0201T1600 Weekly sherpa call (moved)
0208T0800 0208T1300-0208T1500 Weekly sherpa call (afternoons)
0215T0800 0215T1300-0215T1500 Weekly sherpa call (afternoons)
0222T0800 0222T1300-0222T1500 Weekly sherpa call (afternoons)" "$got"
	check_eq "... as kcal list shows them" \
"2027-01-25T13:00:00Z Weekly sherpa call (afternoons)
2027-02-01T15:00:00Z Weekly sherpa call (moved)
2027-02-08T13:00:00Z Weekly sherpa call (afternoons)" \
	    "$(kcal list --from 2027-01-24 --to 2027-02-09 --format json |
	    jq -r '.events[] | select(.uid == "taf-feed@kcal-test") |
	    (.start_utc | todate) + " " + .summary')"
	check_eq "... each copy keeps the override's X- values (TRANSP:X-HOLD)" \
	    "5 0" "$(grep -c '^TRANSP:X-HOLD' "$T/body") $(grep -c '^TRANSP:.$' "$T/body")"
	check_eq "... one override per occurrence: an RDATE period one governs is overridden once" \
	    "" "$(/usr/bin/python3 -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
seen = {}
for c in cal.walk("VEVENT"):
    if "RECURRENCE-ID" in c:
        k = (str(c["UID"]), c.decoded("RECURRENCE-ID").timestamp())
        seen[k] = seen.get(k, 0) + 1
print(" ".join("%s@%d" % k for k, n in sorted(seen.items()) if n > 1))' "$T/body")"
	check_match "... the governed period as kcal list shows it" \
	    "2027-03-25T10:00:00Z 2027-03-25T11:00:00Z Donor round \(late\)" \
	    "$(kcal list --from 2027-03-20 --to 2027-03-30 --format json |
	    jq -r '.events[] | select(.uid == "taf-period@kcal-test") |
	    (.start_utc | todate) + " " + (.end_utc | todate) + " " + .summary')"
	check_match "... and in the feed" "0325T0800 0325T1000-0325T1100 Donor round \(late\)" \
	    "$(/usr/bin/python3 -c '
import sys, datetime, icalendar
utc = datetime.timezone.utc
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
f = lambda c, k: c.decoded(k).astimezone(utc).strftime("%m%dT%H%M")
for c in cal.walk("VEVENT"):
    if str(c.get("UID")) == "taf-period@kcal-test" and "RECURRENCE-ID" in c:
        print(f(c, "RECURRENCE-ID"), f(c, "DTSTART") + "-" + (c.decoded("DTSTART")
            + c.decoded("DURATION")).astimezone(utc).strftime("%m%dT%H%M"),
            c.get("SUMMARY"))' "$T/body")"
	check "... and kcal reads the feed back (kcal import --dry-run)" \
	    kcal import --dry-run "$T/body"
	validate "a feed with a THISANDFUTURE series" "$BASE/feeds/${url##*/}"
else
	skip "THISANDFUTURE in a feed: python3-icalendar is not installed"
fi

done_testing
