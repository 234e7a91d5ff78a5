#!/bin/sh
# test-dav-litmus.sh — litmus, the WebDAV conformance suite, against
# kcald's calendar collection (suites basic, copymove, props, http).
#
# litmus works in a scratch collection it makes with MKCOL and fills with
# plain-text files.  A kcal calendar home holds exactly one calendar
# collection, of iCalendar objects only, so MKCOL is refused (403) by
# design and litmus stops each suite after its "begin" step.  Those four
# failures are the only ones expected (EXPECTED below, README "Calendar
# apps"); any other litmus failure fails this test.  The checks of litmus'
# basic, copymove, props and http suites that apply to a calendar are then
# made here with curl and calendar objects, named after the litmus test.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

need_client litmus have litmus
dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user lit 'litmus pw 3' || { done_testing; exit 1; }
dav_ready lit 'litmus pw 3' || fail "kcald serves CalDAV under /dav/ (OPTIONS has DAV: calendar-access)"
CAL=/dav/calendars/lit/calendar/
U='lit:litmus pw 3'

# suite:test  why it fails by design
EXPECTED='basic:begin     MKCOL refused: the home holds one calendar collection
copymove:begin  MKCOL refused: the home holds one calendar collection
props:begin     MKCOL refused: the home holds one calendar collection
http:begin      MKCOL refused: the home holds one calendar collection'

(cd "$T" && TESTS="basic copymove props http" litmus -k "$BASE$CAL" lit \
    'litmus pw 3') >"$T/litmus.out" 2>&1
# "\r 3. put_get....... \r 3. put_get....... pass": keep the last part.
tr -d '\r' <"$T/litmus.out" | sed 's/^ *[0-9]*\. [a-z0-9_]*\.* *\([0-9]*\. \)/\1/' |
    awk '/^-> running `/ { s = $3; gsub(/[`'"'"':]/, "", s) }
	match($0, /^ *[0-9]+\. [a-z0-9_]+\.+ (pass|FAIL|SKIPPED|WARNING)/) {
		split($0, w, /[ .]+/); n = (w[1] == "" ? w[3] : w[2])
		r = ($0 ~ /\.+ pass/) ? "pass" : ($0 ~ /\.+ FAIL/) ? "FAIL" : "other"
		print s ":" n, r
	}' >"$T/litmus.res"
npass=$(grep -c ' pass$' "$T/litmus.res")
nfail=$(grep -c ' FAIL$' "$T/litmus.res")
echo "     litmus: $npass passed, $nfail failed"
check "litmus ran its four suites" test "$(grep -c '^-> running' "$T/litmus.out")" -eq 4
unexpected=
while read -r t r; do
	[ "$r" = FAIL ] || continue
	printf '%s\n' "$EXPECTED" | grep -q "^$t " || unexpected="$unexpected $t"
done <"$T/litmus.res"
check_eq "litmus: no failure outside the expected ones" "" "$unexpected"
[ -n "$unexpected" ] && grep -B1 -A2 FAIL "$T/litmus.out" | head -n 30 | sed 's/^/     /'
check_match "litmus' MKCOL is refused with 403 or 405, not an error" \
    "Could not create new collection .*: 40[35] " "$(cat "$T/litmus.out")"
check "kcald still answers" kcal status

# --- litmus' checks that apply to a calendar, with calendar objects -------------
obj() {	# UID SUMMARY: a calendar object
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal tests//litmus//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270601T090000Z\r\nDTEND:20270601T100000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$1" "$2"
}
ct='Content-Type: text/calendar; charset=utf-8'
dav OPTIONS "$CAL" -u "$U" >/dev/null
check_match "basic/options: DAV class 1" '(^|[ ,])1([ ,]|$)' "$(dav_hdr DAV)"
obj lit-1@test "Litmus one" >"$T/one.ics"
check_eq "basic/put_get: PUT a new object: 201" 201 \
    "$(dav PUT "${CAL}lit-1.ics" -u "$U" -H "$ct" --data-binary @"$T/one.ics")"
dav GET "${CAL}lit-1.ics" -u "$U" >/dev/null
check_match "basic/put_get: GET it back" 'SUMMARY:Litmus one' "$(tr -d '\r' <"$T/body")"
obj lit-2@test "Litmus two" >"$T/two.ics"
check_eq "basic/put_get_utf8_segment: PUT res-%e2%82%ac.ics: 201" 201 \
    "$(dav PUT "${CAL}res-%e2%82%ac.ics" -u "$U" -H "$ct" --data-binary @"$T/two.ics")"
check_eq "basic/put_get_utf8_segment: GET it back: 200" 200 \
    "$(dav GET "${CAL}res-%e2%82%ac.ics" -u "$U")"
# A new UID (one.ics's would be refused for its UID, whatever the path).
obj lit-3@test "Litmus three" >"$T/three.ics"
check_eq "basic/put_no_parent: PUT below a missing collection: 409" 409 \
    "$(dav PUT "${CAL}nonesuch/lit-3.ics" -u "$U" -H "$ct" --data-binary @"$T/three.ics")"
check_eq "... so is a PUT to a collection's URL below the calendar" 409 \
    "$(dav PUT "${CAL}nonesuch/" -u "$U" -H "$ct" --data-binary @"$T/three.ics")"
check_eq "... and nothing was stored" 1 "$(kcal show lit-3@test >/dev/null 2>&1; echo $?)"
check_eq "a name with a '/' sent as %2F (a UID's) is one name: 201" 201 \
    "$(dav PUT "${CAL}in%2Fname.ics" -u "$U" -H "$ct" --data-binary @"$T/three.ics")"
check_eq "... GET by that name: 200" 200 "$(dav GET "${CAL}in%2Fname.ics" -u "$U")"
check_eq "... not by the path it is not: 404" 404 "$(dav GET "${CAL}in/name.ics" -u "$U")"
check_eq "... DELETE by that name: 204" 204 "$(dav DELETE "${CAL}in%2Fname.ics" -u "$U")"
check "a %01 in a name is not a %2F (nor stored): not 201" \
    test "$(dav PUT "${CAL}a%01b.ics" -u "$U" -H "$ct" --data-binary @"$T/three.ics")" != 201
check_eq "a name that is not UTF-8 (%FF.ics) is refused: 400" 400 \
    "$(dav PUT "${CAL}%FF.ics" -u "$U" -H "$ct" --data-binary @"$T/three.ics")"
check_eq "... and nothing was stored" 1 "$(kcal show lit-3@test >/dev/null 2>&1; echo $?)"
st=$(dav MKCOL "${CAL}lit-1.ics" -u "$U")
check_match "basic/mkcol_over_plain: MKCOL on an object: 403 or 405" '^40[35]$' "$st"
st=$(dav MKCOL "${CAL}coll/" -u "$U")
check_match "basic/mkcol: refused by design (403 or 405)" '^40[35]$' "$st"
check_eq "basic/delete_null: DELETE a missing object: 404" 404 \
    "$(dav DELETE "${CAL}nonesuch.ics" -u "$U")"
check_match "basic/delete: DELETE an object: 2xx" '^20[04]$' \
    "$(dav DELETE "${CAL}res-%e2%82%ac.ics" -u "$U")"
check_eq "basic/delete: then GET: 404" 404 "$(dav GET "${CAL}res-%e2%82%ac.ics" -u "$U")"
st=$(dav DELETE "$CAL" -u "$U")
check_match "basic/delete_coll: the calendar cannot be deleted (403 or 405)" '^40[35]$' "$st"

st=$(dav COPY "${CAL}lit-1.ics" -u "$U" -H "Destination: $BASE${CAL}lit-copy.ics")
check_eq "copymove/copy_simple: refused, 403 (a copy would clash by UID)" 403 "$st"
st=$(dav MOVE "${CAL}lit-1.ics" -u "$U" -H "Destination: $BASE${CAL}lit-moved.ics")
check_eq "copymove/move: refused, 403 (a name goes with its UID)" 403 "$st"
check_eq "copymove: the object is where it was" 200 "$(dav GET "${CAL}lit-1.ics" -u "$U")"
check_eq "copymove: no copy was made" 404 "$(dav GET "${CAL}lit-copy.ics" -u "$U")"

pfx() { dav PROPFIND "$1" -u "$U" -H 'Depth: 0' -H 'Content-Type: application/xml' --data-binary "$2"; }
check_eq "props/propfind_invalid: malformed XML: 400" 400 \
    "$(pfx "$CAL" '<foo:propfind xmlns:foo="DAV:"><foo:prop><foo:bar></foo:propfind>')"
check_eq "props/propfind_invalid2: an empty namespace prefix: 400" 400 \
    "$(pfx "$CAL" '<D:propfind xmlns:D="DAV:"><D:prop><bar:foo xmlns:bar=""/></D:prop></D:propfind>')"
check_eq "props/propfind_d0: PROPFIND Depth 0: 207" 207 \
    "$(pfx "$CAL" '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:resourcetype/></D:prop></D:propfind>')"
check_eq "props/propnames: propname: 207" 207 \
    "$(pfx "${CAL}lit-1.ics" '<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>')"
check_match "props/propnames: getetag is named" 'getetag' "$(cat "$T/body")"
check_eq "props/propfind_empty: an empty body is allprop: 207" 207 \
    "$(dav PROPFIND "${CAL}lit-1.ics" -u "$U" -H 'Depth: 0')"
check_match "props/propfind_empty: with getetag" 'getetag' "$(cat "$T/body")"
st=$(dav PROPPATCH "$CAL" -u "$U" -H 'Content-Type: application/xml' --data-binary \
    '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>')
check_eq "props/proppatch: refused, 403 (name and colour are kcald's)" 403 "$st"

obj lit-4@test "Litmus four" >"$T/four.ics"
check_eq "http/expect100: PUT with Expect: 100-continue: 201" 201 \
    "$(dav PUT "${CAL}lit-4.ics" -u "$U" -H "$ct" -H 'Expect: 100-continue' \
    --data-binary @"$T/four.ics")"
check_eq "the calendar holds what was PUT and not deleted" "lit-1@test lit-4@test" \
    "$(kcal list --from 2027-06-01 --to 2027-06-02 --format json |
    jq -r '.events[].uid' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "kcald logged no error" "" \
    "$(grep -F 'kcald[error]' "$T/kcald.out" | head -n 5)"
done_testing
