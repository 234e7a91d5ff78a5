#!/bin/sh
# test-golden-feeds.sh — every kind of feed body, byte for byte, against
# the bodies committed in tests/data/golden/ (and each gzipped body, once
# gunzipped): the same store must give the same bytes whatever the code
# that builds them.  The store: a fixed list of the fixtures in tests/data,
# among them golden-events.ics (a visit and its programme, a series with
# moved, confidential and cancelled overrides, EXDATE and RDATE, a private
# series with a public override, an unknown class, all-day and yearly
# events, series and events outside the window, an old tombstone), and a
# few `kcal add` (anchored, a travel leg across zones, reminders, a fresh
# tombstone).  Feeds: all.ics, --include private/confidential, --redact
# busy/title, --alarms, --past/--future, --kind, --status, --participant,
# --search, --parent, and --briefing feeds with their HTML pages.
#
# Nothing depends on today: every event is dated, the default window
# (kcald.conf feed_past/feed_future 30y) and the feeds' own windows hold
# them for decades, and the excluded ones are from 1980/1990 or 2090.  kcald
# has no clock override, so what `kcal add`, `kcal cancel` and `kcal edit`
# stamp with the current time (CREATED, DTSTAMP, LAST-MODIFIED between the
# test's start and the fetch) is normalised to "NOW" on both sides; a
# stamp from the fixtures is compared as is.  The briefing page's token
# (160 random bits) is normalised to TOKEN.
#
#   KCAL_GOLDEN_UPDATE=1 sh tests/e2e/test-golden-feeds.sh
# rewrites tests/data/golden/ from the current build (then review the diff
# and commit it); without it the test only compares.
. "$(dirname "$0")/lib.sh"

GOLDEN="$DATA/golden"
have curl || { skip "curl is not installed"; done_testing; exit $?; }
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
T0=$(date -u +%Y%m%dT%H%M%SZ)
printf 'feed_past = 30y\nfeed_future = 30y\nfeed_url = https://cal.example.org\n' \
	> "$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

# --- the store --------------------------------------------------------------
# A fixed list: a fixture added later must not change the golden store.
for f in exdate-date fold-utf8 golden-events lowercase-x orphan-override \
    rdate-period recur-allday recur-rules text-controls; do
	f="$DATA/$f.ics"
	kcal import "$f" >/dev/null 2>&1 ||
		fail "import $(basename "$f")" "$(kcal import "$f" 2>&1)"
done
SH=Asia/Shanghai TK=Asia/Tokyo
kcal add "Flight Seoul - Tokyo" --uid flight@golden.test --kind travel \
	--start "2026-05-04 09:00" --tz Asia/Seoul --end "2026-05-04 11:20" \
	--end-tz $TK --city Seoul --end-city Tokyo \
	--location "Seoul Air Base -> Haneda" --parent visit@golden.test \
	--participant "Lee Jae-myung;guest;KR;1" --remind 2h >/dev/null
kcal add "Motorcade to the Kantei" --uid motorcade@golden.test --kind travel \
	--anchor summit@golden.test --offset -15m --duration 15m --tz $TK \
	--parent visit@golden.test --remind 10m >/dev/null
kcal add "Wreath laying" --uid wreath@golden.test --kind ceremony \
	--start "2026-05-06 09:00" --duration 30m --tz $TK --status tentative \
	--parent visit@golden.test --location "Chidorigafuchi, Tokyo" \
	--participant "Lee Jae-myung;guest;KR;1" --remind 1h --remind 15m >/dev/null
kcal add "Press conference" --uid press@golden.test --kind press \
	--start "2026-05-06 12:00" --tz $TK --parent visit@golden.test >/dev/null
kcal cancel press@golden.test >/dev/null
kcal add "Forum in Shanghai" --uid forum@golden.test --kind forum \
	--start "2026-06-10 09:30" --duration 1h30m --tz $SH --class private \
	--description "Economy; climate" --url https://example.org/forum \
	--remind-at "2026-06-10 09:00" >/dev/null
kcal edit summit@golden.test --location "Kantei, Tokyo (Nagatacho)" >/dev/null

# --- the feeds -----------------------------------------------------------------
feed() {	# NAME OPTIONS...: add a token feed, remember its URL
	_n=$1; shift
	kcal feed add "$_n" "$@" >/dev/null || fail "feed add $_n $*"
}
feed private --include private --include confidential
feed busy --include confidential --redact busy
feed title --include private --redact title --alarms
feed alarms --alarms
feed window --past 25y --future 25y
feed bilateral --kind bilateral --include confidential
feed tentative --status tentative
feed lee --participant "Lee Jae-myung"
feed search --search Seoul
feed programme --parent visit@golden.test --include confidential
feed briefing --briefing visit@golden.test
feed briefing-busy --briefing visit@golden.test --include private --redact busy

T1=$(date -u +%Y%m%dT%H%M%SZ)
# normalise FILE: the body with this run's own stamps and tokens replaced.
normalise() {
	awk -v t0="$T0" -v t1="$T1" '
	/^(CREATED|DTSTAMP|LAST-MODIFIED):/ {
		v = $0; sub(/^[A-Z-]+:/, "", v); sub(/\r$/, "", v)
		if (length(v) == 16 && v >= t0 && v <= t1)
			sub(/:.*Z/, ":NOW")
	}
	{ print }' "$1" | sed -E 's#/(feeds|briefing)/[a-z2-7]{32}\.#/TOKEN.#g'
}
url() {	# NAME [field]: a feed's URL from feed list
	kcal feed list --format json |
		jq -r ".feeds[] | select(.name == \"$1\") | .${2:-url}"
}
# compare NAME URL EXT
compare() {
	_name=$1 _u=$2 _ext=$3
	_code=$(curl -sS --noproxy '*' -o "$T/raw" -w '%{http_code}' "$_u")
	[ "$_code" = 200 ] || { fail "$_name: GET $_u: 200" "got $_code"; return; }
	normalise "$T/raw" > "$T/got"
	if [ -n "$KCAL_GOLDEN_UPDATE" ]; then
		mkdir -p "$GOLDEN"; cp "$T/got" "$GOLDEN/$_name.$_ext"
		skip "$_name: golden file rewritten (KCAL_GOLDEN_UPDATE)"; return
	fi
	if [ ! -f "$GOLDEN/$_name.$_ext" ]; then
		fail "$_name: tests/data/golden/$_name.$_ext exists"; return; fi
	if cmp -s "$GOLDEN/$_name.$_ext" "$T/got"; then
		pass "$_name.$_ext: byte-identical to the golden body"
	else
		fail "$_name.$_ext: byte-identical to the golden body" \
		    "$(diff -u "$GOLDEN/$_name.$_ext" "$T/got" | head -n 40)"
	fi
	[ "$_ext" = ics ] || return
	curl -sS --noproxy '*' -H 'Accept-Encoding: gzip' -o "$T/gz" "$_u"
	gzip -dc < "$T/gz" > "$T/gunz" 2>/dev/null
	check "$_name.ics: gzipped, the same bytes" cmp "$T/raw" "$T/gunz"
}

compare all "$BASE/feeds/all.ics" ics
for n in private busy title alarms window bilateral tentative lee search \
    programme briefing briefing-busy; do
	u=$(url "$n")
	compare "$n" "$BASE${u#https://cal.example.org}" ics
done
for n in briefing briefing-busy; do
	u=$(url "$n" briefing_url)
	compare "$n" "$BASE${u#https://cal.example.org}" html
done
# The same store after a restart gives the same bytes (built afresh).
stop_daemon
start_daemon --http "127.0.0.1:$PORT" || fail "kcald restarts"
[ -n "$KCAL_GOLDEN_UPDATE" ] || compare all "$BASE/feeds/all.ics" ics

done_testing
