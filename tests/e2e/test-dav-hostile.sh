#!/bin/sh
# test-dav-hostile.sh — CalDAV as an outside reviewer attacks it: an
# account of public clearance probing a confidential event (its href in
# every spelling, a report, a multiget, sync-collection from before it
# was made, the conflicts a write reports, a DELETE), another user's
# paths, broken or missing Basic logins, a deleted account, and writes to
# odd places.  After each hostile request a bystander's kcal status must
# still answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

have curl || { skip "CalDAV hostile requests (curl not installed)"
	done_testing; exit; }

dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user alice pw-alice --clearance confidential || exit 1
dav_user pub pw-pub --clearance public || exit 1

# as USER METHOD PATH [curl options]: dav as USER (password pw-USER).
as() { _who=$1; shift; _mm=$1 _pp=$2; shift 2
	dav "$_mm" "$_pp" -u "$_who:pw-$_who" "$@"; }
# alive DESC: a bystander's kcal status still answers.
alive() { check "bystander status after $1" kcal status; }
# hidden DESC [TEXT]: the last answer names nothing of the secret event
# (its summary, and TEXT or its UID).
hidden() {
	if grep -qi -e 'Secret envoy' -e "${2:-$SECU}" "$T/body" "$T/hdr"; then
		fail "$1: nothing of the hidden event" "$(cat "$T/hdr" "$T/body")"
	else pass "$1: nothing of the hidden event"; fi
	alive "$1"
}
# probe DESC WANT METHOD PATH [curl options]: pub's request is refused.
probe() {
	_d=$1 _w=$2; shift 2
	check_eq "$_d: $_w" "$_w" "$(as pub "$@")"
	hidden "$_d"
}

SECU=$(kcal add "Secret envoy" --start "2026-03-05 10:00" --duration 2h \
	--class confidential)
PUBU=$(kcal add "Budget talks" --start "2026-03-04 10:00")
C=/dav/calendars/pub/calendar
ENC=$(printf '%s' "$SECU" | sed 's/@/%40/')
UP=$(printf '%s' "$SECU" | tr a-z A-Z)

# --- the hidden event by href, in every spelling
probe "GET by name" 404 GET "$C/$SECU.ics"
probe "HEAD by name" 404 HEAD "$C/$SECU.ics" -I
probe "PROPFIND depth 0" 404 PROPFIND "$C/$SECU.ics" -H 'Depth: 0'
probe "GET percent-encoded" 404 GET "$C/$ENC.ics"
probe "GET upper case" 404 GET "$C/$UP.ics"
probe "GET trailing slash" 404 GET "$C/$SECU.ics/"
# A path with dot segments is refused whole (http-route.c: a proxy would
# have routed it by another path).
probe "GET through .." 400 GET "$C/../calendar/$SECU.ics" --path-as-is
probe "GET through %2e%2e" 400 GET "$C/%2e%2e/calendar/$SECU.ics" \
	--path-as-is
probe "GET with //" 404 GET "$C//$SECU.ics" --path-as-is
probe "DELETE by name" 404 DELETE "$C/$SECU.ics"
probe "DELETE with If-Match: *" 404 DELETE "$C/$SECU.ics" -H 'If-Match: *'
probe "alice's calendar" 404 GET "/dav/calendars/alice/calendar/$SECU.ics"
probe "alice's principal" 404 PROPFIND /dav/principals/alice/ -H 'Depth: 0'
probe "alice's home" 404 PROPFIND /dav/calendars/alice/ -H 'Depth: 1'

# --- reports
Q='<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match>Secret</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>'
probe "query SUMMARY text-match" 207 REPORT "$C/" -H 'Depth: 1' \
	--data-binary "$Q"
check "query SUMMARY: no response" sh -c "! grep -q 'response>' $T/body"
Q='<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260305T000000Z" end="20260306T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>'
probe "query time-range" 207 REPORT "$C/" -H 'Depth: 1' --data-binary "$Q"
M="<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><C:calendar-data/></D:prop><D:href>$C/$SECU.ics</D:href></C:calendar-multiget>"
check_eq "multiget of the hidden href: 207" 207 "$(as pub REPORT "$C/" \
	-H 'Depth: 1' --data-binary "$M")"
check_match "multiget: 404" 'HTTP/1.1 404' "$(cat "$T/body")"
alive "multiget"

# --- sync-collection: an event always hidden is never named, not even
# as gone; one that was visible and is hidden now is a 404.
S='<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>'
as pub REPORT "$C/" --data-binary "$S" >/dev/null
TOK=$(sed -n 's#.*<[A-Za-z:]*sync-token>\([^<]*\)<.*#\1#p' "$T/body")
HID=$(kcal add "Hidden visit" --start "2026-03-06 10:00" --class confidential)
kcal edit "$HID" --summary "Hidden visit, moved" >/dev/null
GONE=$(kcal add "Gone too" --start "2026-03-07 10:00" --class confidential)
kcal rm "$GONE" --yes >/dev/null
kcal edit "$PUBU" --class confidential >/dev/null
S2=$(printf '%s' "$S" | sed "s#<D:sync-token/>#<D:sync-token>$TOK</D:sync-token>#")
check_eq "sync from before: 207" 207 "$(as pub REPORT "$C/" \
	--data-binary "$S2")"
for u in "$HID" "$GONE"; do
	check "sync: never-visible $u not named" sh -c "! grep -q '$u' $T/body"
done
check_match "sync: the event made confidential is gone" "$PUBU" \
	"$(cat "$T/body")"
alive "sync"
kcal edit "$PUBU" --class public >/dev/null

# --- what a write says: conflicts and UID clashes
cal() {
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n'
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n' "$1"
	printf 'DTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:%s\r\n' "$2" "$3"
	printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
}
put() {	# put USER PATH FILE [curl options]
	_u=$1 _p=$2 _f=$3; shift 3
	as "$_u" PUT "$_p" -H 'Content-Type: text/calendar' \
		--data-binary "@$_f" "$@"
}
T0=$(kcal list --from 2026-03-05 --to 2026-03-06 | grep -c . || true)
cal over@x 20260305T100000 Overlap >"$T/over.ics"
check_eq "PUT over the hidden event: 201" 201 \
	"$(put pub "$C/over.ics" "$T/over.ics")"
hidden "PUT over the hidden event (Kcal-Conflicts)"
cal "$SECU" 20260305T100000 Mine >"$T/steal.ics"
check_eq "PUT the hidden UID elsewhere: 403" 403 \
	"$(put pub "$C/steal.ics" "$T/steal.ics")"
# (The 403 says a UID the client sent is taken: unavoidable, UIDs are
# unique; nothing else of the event is said.)
hidden "PUT the hidden UID elsewhere" 'Secret envoy'

check_eq "PUT at the hidden name: 403" 403 \
	"$(put pub "$C/$SECU.ics" "$T/over.ics")"
hidden "PUT at the hidden name"
check_match "the hidden event unchanged" "Secret envoy" \
	"$(kcal show "$SECU" 2>&1)"

# --- odd places to write
check_eq "PUT to the collection: 405" 405 \
	"$(put pub "$C/" "$T/over.ics")"; alive "PUT to the collection"
check_eq "PUT to the home: 405" 405 \
	"$(put pub /dav/calendars/pub/ "$T/over.ics")"; alive "PUT home"
: >"$T/empty.ics"
check_eq "PUT an empty body: 403" 403 \
	"$(put pub "$C/empty.ics" "$T/empty.ics")"; alive "empty PUT"
cal two1@x 20260310T100000 One >"$T/two.ics"
cal two2@x 20260311T100000 Two >>"$T/two.ics"
check_match "PUT two VCALENDARs: refused" '^4' \
	"$(put pub "$C/two.ics" "$T/two.ics")"; alive "two VCALENDARs"
cal twin@x 20260310T100000 One >"$T/twin.ics"
cal twin@x 20260311T100000 Two >>"$T/twin.ics"
check_match "PUT one UID twice: refused" '^4' \
	"$(put pub "$C/twin.ics" "$T/twin.ics")"; alive "one UID twice"
cal slash@x 20260312T100000 Slash >"$T/sl.ics"
check_eq "PUT a name with %2F: 201" 201 "$(put pub "$C/a%2Fb.ics" "$T/sl.ics")"
check_eq "GET the %2F name back" 200 "$(as pub GET "$C/a%2Fb.ics")"
# Names a client that normalises URLs could never reach again, or that a
# NUL would cut short ("x%00y.ics" was stored as "x"): no such resource.
cal dots@x 20260313T100000 Dots >"$T/dots.ics"
check_eq "PUT the names %2e, %2e%2e (400: dot segments) and x%00y.ics" \
	"400 400 404" \
	"$(put pub "$C/%2e" "$T/dots.ics" --path-as-is) $(put pub "$C/%2e%2e" "$T/dots.ics" --path-as-is) $(put pub "$C/x%00y.ics" "$T/dots.ics")"
check_eq "... and nothing stored" 0 \
	"$(kcal list --from 2026-03-13 --to 2026-03-14 | grep -c Dots)"
cal other@x 20260305T100000 Other >"$T/other.ics"
check_eq "PUT changing the UID at a name: 403" 403 \
	"$(put pub "$C/over.ics" "$T/other.ics")"; alive "UID change"
check_eq "DELETE with a stale If-Match: 412" 412 \
	"$(as pub DELETE "$C/over.ics" -H 'If-Match: "0000"')"
alive "stale If-Match"

# Two PUTs racing with the same If-Match: one wins, the other is 412.
as pub GET "$C/over.ics" >/dev/null
TAG=$(dav_hdr ETag)
for i in 1 2; do
	cal over@x 2026030${i}T100000 "Race $i" >"$T/race$i.ics"
	curl -s --noproxy '*' -o /dev/null -w '%{http_code}\n' -u pub:pw-pub \
	    -X PUT -H "If-Match: $TAG" -H 'Content-Type: text/calendar' \
	    --data-binary "@$T/race$i.ics" "$BASE$C/over.ics" >"$T/rc$i" &
	eval "race$i=\$!"
done
wait "$race1" "$race2"
check_eq "racing If-Match: one 204, one 412" "204 412" \
	"$(cat "$T/rc1" "$T/rc2" | sort | tr '\n' ' ' | sed 's/ $//')"
alive "racing PUTs"

# --- logins
for m in GET PROPFIND REPORT PUT DELETE; do
	check_eq "$m without auth: 401" 401 "$(dav "$m" "$C/over.ics")"
done
basic() { dav PROPFIND /dav/ -H 'Depth: 0' -H "Authorization: $1"; }
check_eq "bad base64: 401" 401 "$(basic 'Basic !!!!')"; alive "bad base64"
check_eq "no colon: 401" 401 "$(basic "Basic $(printf pub | base64)")"
check_eq "NUL in the name: 401" 401 \
	"$(basic "Basic $(printf 'pub\000x:pw-pub' | base64)")"
check_eq "user with a colon: 401" 401 \
	"$(basic "Basic $(printf 'pub:x:pw-pub' | base64)")"
check_match "a huge header: refused" '^4' \
	"$(basic "Basic $(head -c 60000 /dev/zero | tr '\0' A)")"
alive "huge header"
check_eq "lower-case basic: 207" 207 \
	"$(basic "basic $(printf 'pub:pw-pub' | base64)")"
kcal user delete pub >/dev/null 2>&1
gone() { [ "$(dav_login_code pub pw-pub)" = 401 ]; }
check "a deleted account is refused" wait_for 5 gone
alive "deleted account"

done_testing
