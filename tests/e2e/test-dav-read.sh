#!/bin/sh
# test-dav-read.sh — reading the calendar through CalDAV with curl, as the
# apps do: discovery as iOS/macOS and DAVx5 walk it (well-known, the root,
# principal, home, PROPFIND Depth 1, sync-collection), GET with a strong
# ETag and 304, calendar-query by time-range (a series matched by its
# occurrences), calendar-multiget, sync tokens across a restart; an account
# of public clearance never meets a confidential event (by href, report,
# multiget or sync, and an event made confidential is a 404 in its next
# sync); and hostile requests (malformed XML, an entity bomb, Depth:
# infinity, a century of a daily series expanded) each a clear HTTP error,
# the store unchanged, kcal status answered meanwhile.  Every XML answer is
# read by Python's own parser (dav-ms.py), not kcald's libxml2.
. "$(dirname "$0")/lib.sh"

have curl || { skip "CalDAV reads (curl not installed)"; done_testing; exit; }
[ -x /usr/bin/python3 ] || { skip "CalDAV reads (no python3)"; done_testing; exit; }

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
MS="/usr/bin/python3 $(dirname "$0")/dav-ms.py"
add_user() {	# NAME PASSWORD [options]
	_n=$1 _p=$2; shift 2
	printf '%s\n' "$_p" | "$KCAL" user add "$_n" "$@" >/dev/null
}
add_user alice alice-pw --clearance confidential
add_user bob bob-pw --read-only --clearance public
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

# dav METHOD PATH USER [DEPTH [BODY]]: status; body $T/body, header $T/hdr,
# and the XML answer as dav-ms.py reads it in $T/ms.
dav() {
	_m=$1 _p=$2 _u=$3 _d=${4:-} _b=${5:-}
	set -- -sS --noproxy '*' -o "$T/body" -D "$T/hdr" -w '%{http_code}' \
		-X "$_m"
	[ -n "$_u" ] && set -- "$@" -u "$_u:$_u-pw"
	[ -n "$_d" ] && set -- "$@" -H "Depth: $_d"
	[ -n "$_b" ] && set -- "$@" -H 'Content-Type: application/xml' \
		--data-binary "$_b"
	[ "$_m" = HEAD ] && set -- "$@" -I
	curl "$@" "$BASE$_p"
	: >"$T/ms"
	case $(hdr Content-Type) in
	*xml*) $MS "$T/body" >"$T/ms" 2>&1 ;;
	esac
}
hdr() { tr -d '\r' <"$T/hdr" | sed -n "s/^$1: //Ip" | tail -n 1; }
ms() { cat "$T/ms"; }
valid() { ! grep -q '^INVALID' "$T/ms"; }
# prop HREF NAME: a 200 property's value from the last answer.
prop() { sed -n "s#^$1|$2|##p" "$T/ms" | head -n 1; }

A=/dav/calendars/alice
CAL=$A/calendar/
PUB=$("$KCAL" add "Budget talks" --start "2026-03-04 10:00" --remind 15m)
SEC=$("$KCAL" add "Secret envoy" --start "2026-03-05 10:00" \
	--class confidential)
DAY=$("$KCAL" add "Morning brief" --start "2026-03-01 09:00" \
	--rrule FREQ=DAILY)

# --- discovery -------------------------------------------------------
check_eq "well-known: 301" 301 "$(dav GET /.well-known/caldav '')"
check_eq "well-known: to /dav/" /dav/ "$(hdr Location)"
check_eq "OPTIONS before logging in" 200 "$(dav OPTIONS /dav/ '')"
check_match "OPTIONS: DAV classes" "1, 3, calendar-access" "$(hdr DAV)"
check_eq "no account: 401" 401 "$(dav PROPFIND /dav/ '' 0)"
check_eq "the server's root: 207" 207 "$(dav PROPFIND / alice 0)"
check_eq "the root: current-user-principal" /dav/principals/alice/ \
	"$(prop / current-user-principal)"
check_eq "/dav/: 207" 207 "$(dav PROPFIND /dav/ alice 0 \
	'<propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>')"
check "answers are well-formed XML" valid
P=$(prop /dav/ current-user-principal)
check_eq "principal: 207" 207 "$(dav PROPFIND "$P" alice 0 \
	'<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-home-set/><D:resourcetype/><D:displayname/></D:prop></D:propfind>')"
check_eq "principal: calendar-home-set" $A/ "$(prop "$P" calendar-home-set)"
check_eq "principal: resourcetype" "collection principal" \
	"$(prop "$P" resourcetype)"
check_eq "home, Depth 1: 207" 207 "$(dav PROPFIND $A/ alice 1)"
check_eq "home: the calendar collection" "collection calendar" \
	"$(prop $CAL resourcetype)"
check_eq "calendar: VEVENT only" "comp=VEVENT" \
	"$(prop $CAL supported-calendar-component-set)"
check_match "calendar: a sync-token" '^http://kcal.invalid/sync/[0-9]+$' \
	"$(prop $CAL sync-token)"
check_match "calendar: a getctag" '^[0-9]+$' "$(prop $CAL getctag)"
check_match "calendar: reports" "sync-collection" \
	"$(prop $CAL supported-report-set)"
check_eq "calendar, Depth 1: 207" 207 "$(dav PROPFIND $CAL alice 1 \
	'<propfind xmlns="DAV:"><prop><getetag/><resourcetype/></prop></propfind>')"
check_eq "calendar: three members" 3 "$(grep -c '|getetag|"' "$T/ms")"
ETAG=$(prop "$CAL$PUB.ics" getetag)
check_match "a member's strong getetag" '^"[0-9a-f]+"$' "$ETAG"
check_eq "another user's home: 404" 404 "$(dav PROPFIND /dav/calendars/bob/ alice 0)"
S0='<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>'
check_eq "first sync: 207" 207 "$(dav REPORT $CAL alice 1 "$S0")"
check_eq "first sync: every member" 3 "$(grep -c '|getetag|"' "$T/ms")"
TOK_A=$(sed -n 's/^TOKEN|//p' "$T/ms")
check_match "first sync: a token" 'sync/[0-9]+$' "$TOK_A"

# --- GET -------------------------------------------------------------
check_eq "GET: 200" 200 "$(dav GET "$CAL$PUB.ics" alice)"
check_eq "GET: text/calendar" "text/calendar; charset=utf-8" \
	"$(hdr Content-Type)"
check_eq "GET: the ETag getetag gave" "$ETAG" "$(hdr ETag)"
check "GET: the VALARM kept" grep -q "BEGIN:VALARM" "$T/body"
check "GET: its VTIMEZONE" grep -q "BEGIN:VTIMEZONE" "$T/body"
check "GET: its UID" grep -q "UID:$PUB" "$T/body"
check "GET: no CALSCALE a client did not send" sh -c "! grep -q CALSCALE '$T/body'"
check "GET: CRLF lines" sh -c "head -n 1 '$T/body' | grep -q \"\$(printf '\\r')\""
check_eq "GET If-None-Match: 304" 304 "$(curl -sS --noproxy '*' -o /dev/null \
	-w '%{http_code}' -u alice:alice-pw -H "If-None-Match: $ETAG" \
	"$BASE$CAL$PUB.ics")"
check_eq "GET If-Match another ETag: 412" 412 "$(curl -sS --noproxy '*' \
	-o /dev/null -w '%{http_code}' -u alice:alice-pw -H 'If-Match: "nope"' \
	"$BASE$CAL$PUB.ics")"
check_eq "GET If-Match its ETag: 200" 200 "$(curl -sS --noproxy '*' \
	-o /dev/null -w '%{http_code}' -u alice:alice-pw -H "If-Match: $ETAG" \
	"$BASE$CAL$PUB.ics")"
check_eq "HEAD: 200" 200 "$(dav HEAD "$CAL$PUB.ics" alice)"
check_eq "HEAD: the ETag" "$ETAG" "$(hdr ETag)"
check_eq "GET of no event: 404" 404 "$(dav GET "${CAL}nothing.ics" alice)"

# --- reports ---------------------------------------------------------
query() {	# START END [PROPS]
	printf '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>%s</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="%s" end="%s"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>' \
		"${3:-<D:getetag/>}" "$1" "$2"
}
check_eq "calendar-query: 207" 207 "$(dav REPORT $CAL alice 1 \
	"$(query 20260304T000000Z 20260304T060000Z)")"
check_eq "time-range: the event and the series' occurrence" \
	"$(printf '%s\n' "$CAL$DAY.ics" "$CAL$PUB.ics" | sort | tr '\n' ' ' |
	sed 's/ $//')" \
	"$(cut -d'|' -f1 "$T/ms" | sort | tr '\n' ' ' | sed 's/ $//')"
dav REPORT $CAL alice 1 "$(query 20260310T000000Z 20260311T000000Z)" >/dev/null
check_eq "time-range: a later day has the series alone" "$CAL$DAY.ics" \
	"$(cut -d'|' -f1 "$T/ms" | sort -u | tr '\n' ' ' | sed 's/ $//')"
dav REPORT $CAL alice 1 "$(query 20260302T000000Z 20260304T000000Z \
	'<C:calendar-data><C:expand start="20260302T000000Z" end="20260304T000000Z"/></C:calendar-data>')" >/dev/null
check_eq "expand: two occurrences, in UTC" 2 \
	"$(grep -o 'RECURRENCE-ID:2026030[23]T000000Z' "$T/body" | wc -l)"
MG="<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>$CAL$PUB.ics</D:href><D:href>$BASE$CAL$SEC.ics</D:href><D:href>${CAL}gone.ics</D:href></C:calendar-multiget>"
check_eq "multiget: 207" 207 "$(dav REPORT $CAL alice 1 "$MG")"
check_eq "multiget: etag by href" "$ETAG" "$(prop "$CAL$PUB.ics" getetag)"
check_match "multiget: calendar-data" "BEGIN:VCALENDAR" \
	"$(prop "$CAL$PUB.ics" calendar-data)"
check_match "multiget: a full URL" "Secret envoy" \
	"$(prop "$BASE$CAL$SEC.ics" calendar-data)"
check_eq "multiget: unknown href 404" 404 "$(prop "${CAL}gone" ics 2>/dev/null; \
	sed -n "s#^${CAL}gone.ics|##p" "$T/ms")"
UQ="<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"><C:prop-filter name=\"UID\"><C:text-match collation=\"i;octet\">$PUB</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
check_eq "query by UID: 207" 207 "$(dav REPORT $CAL alice 1 "$UQ")"
check_eq "query by UID: that event" "$CAL$PUB.ics" "$(cut -d'|' -f1 "$T/ms")"
# By SUMMARY, in each collation (RFC 4791 7.5): i;ascii-casemap (the
# default) and i;unicode-casemap ignore case, i;octet does not (it did).
SQ=$(printf '%s' "$UQ" | sed "s/name=\"UID\"/name=\"SUMMARY\"/; s/>$PUB</>morning BRIEF</")
check_eq "query by SUMMARY: 207" 207 "$(dav REPORT $CAL alice 1 "$(printf '%s' "$SQ" |
	sed 's/ collation="i;octet"//')")"
check_eq "query by SUMMARY: that series" "$CAL$DAY.ics" "$(cut -d'|' -f1 "$T/ms")"
check_eq "... i;unicode-casemap: that series" "207 $CAL$DAY.ics" \
	"$(dav REPORT $CAL alice 1 "$(printf '%s' "$SQ" |
	sed 's/i;octet/i;unicode-casemap/')") $(cut -d'|' -f1 "$T/ms")"
check_eq "... i;octet, another case: none" "207 0" \
	"$(dav REPORT $CAL alice 1 "$SQ") $(grep -c . "$T/ms")"
check_eq "... a collation kcald does not know: 403" 403 \
	"$(dav REPORT $CAL alice 1 "$(printf '%s' "$SQ" | sed 's/i;octet/x;nonesuch/')")"
check_match "... supported-collation" 'supported-collation' "$(ms)"
check_eq "another prop-filter: 403" 403 "$(dav REPORT $CAL alice 1 "$(printf '%s' "$UQ" |
	sed "s/name=\"UID\"/name=\"LOCATION\"/")")"
check_match "another prop-filter: supported-filter" '^ERROR\|supported-filter' "$(ms)"

# --- clearance: bob reads public events only --------------------------
B=/dav/calendars/bob/calendar/
check_eq "bob: Depth 1" 207 "$(dav PROPFIND $B bob 1 \
	'<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>')"
check "bob: no confidential member" sh -c "! grep -q '$SEC' '$T/ms'"
check_eq "bob: two members" 2 "$(grep -c '|getetag|"' "$T/ms")"
check_eq "bob: GET by href 404" 404 "$(dav GET "$B$SEC.ics" bob)"
check_eq "bob: PROPFIND by href 404" 404 "$(dav PROPFIND "$B$SEC.ics" bob 0)"
dav REPORT $B bob 1 "$(query 20260301T000000Z 20260401T000000Z \
	'<C:calendar-data/>')" >/dev/null
check "bob: not in a query" sh -c "! grep -q 'Secret envoy\|$SEC' '$T/body'"
check_eq "bob: multiget by href" 207 "$(dav REPORT $B bob 1 \
	"<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><C:calendar-data/></D:prop><D:href>$B$SEC.ics</D:href></C:calendar-multiget>")"
check_eq "bob: multiget 404" "$B$SEC.ics|404" "$(ms)"
check "bob: multiget no text" sh -c "! grep -q 'Secret envoy' '$T/body'"
dav REPORT $B bob 1 "$S0" >/dev/null
check "bob: not in a sync" sh -c "! grep -q '$SEC' '$T/ms'"
TOK_B=$(sed -n 's/^TOKEN|//p' "$T/ms")
check_eq "bob: PUT refused (read-only)" 403 "$(dav PUT "$B$PUB.ics" bob)"
check_eq "bob: DELETE refused (read-only)" 403 "$(dav DELETE "$B$PUB.ics" bob)"

# An event made confidential: gone from bob's next sync; alice sees it change.
"$KCAL" edit "$PUB" --class confidential >/dev/null
S1() { printf '<D:sync-collection xmlns:D="DAV:"><D:sync-token>%s</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>' "$1"; }
check_eq "bob: sync since" 207 "$(dav REPORT $B bob 1 "$(S1 "$TOK_B")")"
check_eq "bob: the event made confidential is 404" "$B$PUB.ics|404" \
	"$(grep -v '^TOKEN' "$T/ms")"
check "bob: and no text of it" sh -c "! grep -q 'Budget' '$T/body'"
check_eq "bob: GET it now 404" 404 "$(dav GET "$B$PUB.ics" bob)"
dav REPORT $CAL alice 1 "$(S1 "$TOK_A")" >/dev/null
check_match "alice: it changed, a new etag" "^$CAL$PUB.ics\\|getetag\\|\"" \
	"$(grep -v '^TOKEN' "$T/ms")"
check "alice: the etag differs" sh -c "! grep -q '$ETAG' '$T/ms'"
TOK_A2=$(sed -n 's/^TOKEN|//p' "$T/ms")
"$KCAL" rm "$SEC" --yes >/dev/null
dav REPORT $CAL alice 1 "$(S1 "$TOK_A2")" >/dev/null
check_eq "alice: a deleted event is 404" "$CAL$SEC.ics|404" \
	"$(grep -v '^TOKEN' "$T/ms")"
TOK_A3=$(sed -n 's/^TOKEN|//p' "$T/ms")

# Tokens survive a restart.
stop_daemon
start_daemon --http "127.0.0.1:$PORT" || fail "kcald restarts"
check_eq "after a restart: the same token" 207 "$(dav REPORT $CAL alice 1 \
	"$(S1 "$TOK_A3")")"
check_eq "after a restart: nothing changed" "TOKEN|$TOK_A3" "$(ms)"
"$KCAL" edit "$DAY" --location "Room 1" >/dev/null
"$KCAL" add "Late addition" --start "2026-03-09 10:00" >/dev/null
check_eq "more changes than DAV:limit: 507" 507 "$(dav REPORT $CAL alice 1 \
	"$(S1 "$TOK_A3" | sed 's#</D:sync-level>#&<D:limit><D:nresults>1</D:nresults></D:limit>#')")"
check_match "more changes than DAV:limit: why" \
	'^ERROR\|number-of-matches-within-limits' "$(ms)"
check_eq "a first sync with more members than DAV:limit: 507" 507 \
	"$(dav REPORT $CAL alice 1 "$(S1 '' | sed 's#</D:sync-level>#&<D:limit><D:nresults>1</D:nresults></D:limit>#')")"
check_match "... why" '^ERROR\|number-of-matches-within-limits' "$(ms)"
check_eq "within DAV:limit: 207" 207 "$(dav REPORT $CAL alice 1 \
	"$(S1 "$TOK_A3" | sed 's#</D:sync-level>#&<D:limit><D:nresults>2</D:nresults></D:limit>#')")"
check_eq "within DAV:limit: both changes" 2 "$(grep -c '|getetag|"' "$T/ms")"

# An event deleted and made again under another name (one UID): a sync
# from before both names the old one gone and the new one there; made
# again under the same name, it is one 200.
put_ev() {	# NAME SUMMARY
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:again@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270301T100000Z\r\nDURATION:PT1H\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$2" |
	curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' -u alice:alice-pw \
	    -X PUT -H 'Content-Type: text/calendar' --data-binary @- "$BASE$CAL$1"
}
check_eq "PUT dupA.ics" 201 "$(put_ev dupA.ics first)"
dav REPORT $CAL alice 1 "$(S1 "$TOK_A3")" >/dev/null
TOK_D=$(sed -n 's/^TOKEN|//p' "$T/ms")
check_eq "DELETE dupA.ics" 204 "$(dav DELETE "${CAL}dupA.ics" alice)"
check_eq "PUT dupB.ics, the same UID" 201 "$(put_ev dupB.ics second)"
dav REPORT $CAL alice 1 "$(S1 "$TOK_D")" >/dev/null
check_eq "sync: the old name gone, the new one there" \
	"${CAL}dupA.ics|404 ${CAL}dupB.ics|getetag" \
	"$(grep -v '^TOKEN' "$T/ms" | sed 's/|getetag|.*/|getetag/' | sort | tr '\n' ' ' | sed 's/ $//')"
TOK_E=$(sed -n 's/^TOKEN|//p' "$T/ms")
check_eq "DELETE dupB.ics" 204 "$(dav DELETE "${CAL}dupB.ics" alice)"
check_eq "PUT dupB.ics again" 201 "$(put_ev dupB.ics third)"
dav REPORT $CAL alice 1 "$(S1 "$TOK_E")" >/dev/null
check_eq "... made again under its name: one 200" "${CAL}dupB.ics|getetag" \
	"$(grep -v '^TOKEN' "$T/ms" | sed 's/|getetag|.*/|getetag/')"
dav REPORT $CAL alice 1 "$(S1 "$TOK_D")" >/dev/null
check_eq "... and from before it all, still both names once" \
	"${CAL}dupA.ics|404 ${CAL}dupB.ics|getetag" \
	"$(grep -v '^TOKEN' "$T/ms" | sed 's/|getetag|.*/|getetag/' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "deleted for good" 204 "$(dav DELETE "${CAL}dupB.ics" alice)"
dav REPORT $CAL alice 1 "$(S1 "$TOK_D")" >/dev/null
check_eq "... each name gone once (made and deleted twice under dupB)" \
	"${CAL}dupA.ics|404 ${CAL}dupB.ics|404" \
	"$(grep -v '^TOKEN' "$T/ms" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "a foreign token: 403" 403 "$(dav REPORT $CAL alice 1 \
	"$(S1 http://example.com/sync/1)")"
check_match "a foreign token: valid-sync-token" '^ERROR\|valid-sync-token' "$(ms)"
check_eq "a token from the future: 403" 403 "$(dav REPORT $CAL alice 1 \
	"$(S1 http://kcal.invalid/sync/999999)")"

# --- hostile requests ------------------------------------------------
"$KCAL" export >"$T/before.ics"
check_eq "malformed XML: 400" 400 "$(dav PROPFIND $CAL alice 0 '<propfind xmlns="DAV:"><prop>')"
BOMB='<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><propfind xmlns="DAV:"><prop><displayname>&i;</displayname></prop></propfind>'
st=$(dav PROPFIND $CAL alice 0 "$BOMB")
check_match "an entity bomb: a 4xx" '^4[0-9][0-9]$' "$st"
check_eq "Depth: infinity: 403" 403 "$(dav PROPFIND $CAL alice infinity)"
check_match "Depth: infinity: propfind-finite-depth" \
	'^ERROR\|propfind-finite-depth' "$(ms)"
check_eq "a REPORT on a principal: 403" 403 "$(dav REPORT "$P" alice 0 "$S0")"
check_eq "an unknown method: 501" 501 "$(dav FROB $CAL alice)"
check_eq "MKCALENDAR refused: 403" 403 "$(dav MKCALENDAR $CAL alice)"
# A century of a daily series: matched at once, refused when expanded.
"$KCAL" status >"$T/status.out" 2>&1 &
SPID=$!
check_eq "2000-2100 on a daily series: answered" 207 "$(dav REPORT $CAL alice 1 \
	"$(query 20000101T000000Z 21000101T000000Z)")"
check_match "2000-2100: the series in" "$DAY" "$(ms)"
check_eq "2000-2100 expanded: 507" 507 "$(dav REPORT $CAL alice 1 \
	"$(query 20000101T000000Z 21000101T000000Z \
	'<C:calendar-data><C:expand start="20000101T000000Z" end="21000101T000000Z"/></C:calendar-data>')")"
check_match "2000-2100 expanded: why" \
	'^ERROR\|number-of-matches-within-limits\|.*narrower' "$(ms)"
wait $SPID
check "a bystander's kcal status answered" grep -q '^pid' "$T/status.out"
check_eq "kcal status still answers" 0 "$("$KCAL" status >/dev/null 2>&1; echo $?)"
"$KCAL" export >"$T/after.ics"
check "the store unchanged by all of it" cmp -s "$T/before.ics" "$T/after.ics"

done_testing
