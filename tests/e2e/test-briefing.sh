#!/bin/sh
# test-briefing.sh — a visit's briefing page (kcal feed add --briefing),
# served by the real kcald and fetched with curl, then rendered by a real
# browser: headers (HTML, a Content-Security-Policy that lets nothing run
# and allows the one style sheet by its hash, nosniff, no Referer), no
# script anywhere, every field escaped, the feed's classes and redaction
# applied to the page as to its feed (a confidential item's marker never in
# a public page), the matching .ics feed linked and serving the same
# programme, ETag/304, a rotated or removed token a 404; headless Chromium's
# DOM (the days, times in the venue's zone and at home, the delegations in
# order of precedence) and its PDF; the HTML valid for xmllint --html.
. "$(dirname "$0")/lib.sh"

have curl || { skip "curl is not installed (apt-get install curl)"; done_testing; exit $?; }
PORT=$(free_port)
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

get() {	# URL [curl options]: body to $T/body, headers to $T/hdr; the status
	_u=$1; shift
	rm -f "$T/body"; : > "$T/body"
	curl -sS --noproxy '*' -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" "$_u"
}
hdr() { tr -d '\r' < "$T/hdr" | sed -n "s/^$1: //Ip" | tail -n 1; }
field() { kcal feed list --format json | jq -r ".feeds[] | select(.name == \"$1\") | .$2"; }

# --- the example visit, and what a public page must not show ---------------
visit=$(sh "$top/contrib/examples/state-visit.sh" "$KCAL") ||
	fail "the example visit loads" "$visit"
MARK=CONFMARK-7f3e
kcal add "Side talks $MARK on the Yellow Sea structures" --kind meeting \
	--start "2026-01-05 21:30" --duration 1h --tz Asia/Shanghai \
	--class confidential --parent "$visit" \
	--location "Diaoyutai $MARK" --participant "Envoy $MARK;guest;KR;9" >/dev/null
side=$(kcal list --from 2026-01-05 --to 2026-01-06 --format json |
	jq -r "[.. | objects | select(.summary? // \"\" | test(\"$MARK\"))][0].uid")
kcal add "Car to the residence" --kind travel --anchor "$side" --offset -10m \
	--duration 10m --tz Asia/Shanghai --parent "$visit" >/dev/null
# A public series in the programme with one confidential occurrence.
cat > "$T/series.ics" <<EOF
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//briefing//EN
BEGIN:VEVENT
UID:security-briefing@test
DTSTAMP:20251201T000000Z
DTSTART;TZID=Asia/Shanghai:20260105T080000
DURATION:PT30M
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Security briefing
CATEGORIES:meeting
RELATED-TO;RELTYPE=PARENT:$visit
END:VEVENT
BEGIN:VEVENT
UID:security-briefing@test
DTSTAMP:20251201T000000Z
RECURRENCE-ID;TZID=Asia/Shanghai:20260106T080000
DTSTART;TZID=Asia/Shanghai:20260106T073000
DURATION:PT45M
SUMMARY:Security briefing OVERMARK-2a9
CLASS:CONFIDENTIAL
CATEGORIES:meeting
RELATED-TO;RELTYPE=PARENT:$visit
END:VEVENT
END:VCALENDAR
EOF
kcal import "$T/series.ics" >/dev/null 2>&1 ||
	fail "the series imports" "$(kcal import "$T/series.ics" 2>&1)"
kcal add "Staff dinner PRIVMARK" --kind banquet --start "2026-01-06 20:00" \
	--duration 1h --tz Asia/Shanghai --class private --parent "$visit" >/dev/null
kcal add 'Press <script>alert(1)</script> & "Q" <img src=x onerror=alert(2)>' \
	--kind meeting --start "2026-01-07 09:00" --duration 30m \
	--tz Asia/Shanghai --parent "$visit" --location "<b>Hotel</b>" >/dev/null

out=$(kcal feed add press --briefing "$visit")
check_match "feed add --briefing prints the page's URL" \
	"briefing: http://127.0.0.1:$PORT/briefing/[a-z2-7]{32}\.html" "$out"
kcal feed add busy --briefing "$visit" --redact busy >/dev/null
kcal feed add inner --briefing "$visit" --include private \
	--include confidential >/dev/null
kcal feed add plain --parent "$visit" >/dev/null
PAGE=$(field press briefing_url) ICS=$(field press url)
WEBCAL=$(field press webcal)
check_eq "the page's token is its feed's" \
	"$(basename "$ICS" .ics)" "$(basename "$PAGE" .html)"
check_eq "feed list names the visit" "$visit" "$(field press briefing)"
check_eq "a feed without --briefing has no page" null "$(field plain briefing_url)"
check_rc "--briefing and a different --parent are refused" 1 \
	kcal feed add both --briefing "$visit" --parent "$(kcal list --from \
	2026-01-05 --to 2026-01-06 --format json | jq -r '[.. | objects |
	select(.kind? == "summit")][0].uid')"
check_rc "--briefing of no event is refused" 1 \
	kcal feed add nothing --briefing no-such-event-at-all

# --- headers -----------------------------------------------------------------
check_eq "GET the page: 200" 200 "$(get "$PAGE")"
cp "$T/body" "$T/press.html"
check_eq "Content-Type: text/html; charset=utf-8" "text/html; charset=utf-8" \
	"$(hdr Content-Type)"
csp=$(hdr Content-Security-Policy)
for d in "default-src 'none'" "frame-ancestors 'none'" "base-uri 'none'" \
    "form-action 'none'"; do
	check_match "CSP: $d" "(^|; )$d(;|\$)" "$csp"
done
check_match "CSP: styles only by hash, no script source" \
	"^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; [a-z; '-]*\$" "$csp"
check_eq "X-Content-Type-Options: nosniff" nosniff "$(hdr X-Content-Type-Options)"
check_eq "Referrer-Policy: no-referrer" no-referrer "$(hdr Referrer-Policy)"
check "the CSP's hash is the page's style sheet's" python3 - "$T/press.html" "$csp" <<'EOF'
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
styles = re.findall(r"<style>(.*?)</style>", page, re.S)
assert len(styles) == 1, styles
h = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
assert "'sha256-%s'" % h in sys.argv[2], (h, sys.argv[2])
EOF
etag=$(hdr ETag)
check_match "an ETag" '^"[0-9a-f]{32}"$' "$etag"
check_eq "If-None-Match: 304" 304 "$(get "$PAGE" -H "If-None-Match: $etag")"
check_eq "HEAD: 200, the GET's length" "200 $(wc -c < "$T/press.html" | tr -d ' ')" \
	"$(get "$PAGE" -I) $(hdr Content-Length)"

# --- what the page says, and what it must not --------------------------------
page=$(cat "$T/press.html")
check_eq "no <script anywhere" "" "$(grep -io '<script' "$T/press.html")"
check_eq "no event handler attribute" "" "$(grep -Eio '<[^>]* on[a-z]+=' "$T/press.html")"
check_match "fields are escaped" \
	'Press &lt;script&gt;alert\(1\)&lt;/script&gt; &amp; &quot;Q&quot; &lt;img src=x onerror=alert\(2\)&gt;' "$page"
check_match "the venue is escaped" '&lt;b&gt;Hotel&lt;/b&gt;' "$page"
check_eq "public page: not the confidential item" "" "$(grep -F "$MARK" "$T/press.html")"
check_eq "public page: not the private item" "" "$(grep -F PRIVMARK "$T/press.html")"
check_eq "public page: not a confidential override of a public series" "" \
	"$(grep -F OVERMARK "$T/press.html")"
check_eq "public page: nor its occurrence" "" "$(grep -F '07:30-08:15' "$T/press.html")"
check_eq "public page: the series' other days" 2 \
	"$(grep -c '08:00-08:30 CST.*Security briefing' "$T/press.html")"
check_match "public page: the item anchored to the hidden one" \
	'Car to the residence' "$page"
check_eq "public page: no anchor to the hidden one" "" \
	"$(grep -F -e "$side" -e 'before Side' "$T/press.html")"
check_match "the page links the feed (webcal)" "href=\"$WEBCAL\"" "$page"
check_match "the page links the feed (http)" "href=\"$ICS\"" "$page"
check_eq "the feed answers" 200 "$(get "$ICS")"
ics=$(tr -d '\r' < "$T/body")
check_match "the feed carries the programme" 'SUMMARY:Official welcome ceremony' "$ics"
check_eq "the feed: not the confidential item either" "" \
	"$(printf '%s\n' "$ics" | grep -F "$MARK")"

check_eq "the inner page: 200" 200 "$(get "$(field inner briefing_url)")"
check_match "a page including confidential shows it" "Side talks $MARK" "$(cat "$T/body")"
check_match "... and the private one" "Staff dinner PRIVMARK" "$(cat "$T/body")"
check_match "... and the override's occurrence" "07:30-08:15 CST" "$(cat "$T/body")"
check_match "... and the anchor" "10m before Side talks $MARK" "$(cat "$T/body")"
check_eq "the busy page: 200" 200 "$(get "$(field busy briefing_url)")"
cp "$T/body" "$T/busy.html"
check_match "busy: items read Busy" '<td>Busy' "$(cat "$T/busy.html")"
for s in "Official welcome ceremony" "Great Hall" "Xi Jinping" "Lee Jae-myung" \
    "$MARK" PRIVMARK OVERMARK "$side"; do
	check_eq "busy: no \"$s\"" "" "$(grep -F "$s" "$T/busy.html")"
done
check_match "busy: still the times" '15:30-16:00 CST' "$(cat "$T/busy.html")"
check_match "busy: says it is redacted" 'redacted: busy' "$(cat "$T/busy.html")"

check_eq "a feed without --briefing: no page (404)" 404 \
	"$(get "http://127.0.0.1:$PORT/briefing/$(basename "$(field plain url)" .ics).html")"
check_eq "an unknown token: 404" 404 \
	"$(get "http://127.0.0.1:$PORT/briefing/abcdefghijklmnopqrstuvwxyz234567.html")"

# --- valid HTML ----------------------------------------------------------------
if have xmllint; then
	check_eq "xmllint --html: no errors" "" \
		"$(xmllint --html --noout "$T/press.html" 2>&1; xmllint --html \
		--noout "$T/busy.html" 2>&1)"
	check "the page is well-formed XML too" xmllint --noout "$T/press.html"
else
	skip "HTML validation: xmllint is not installed (apt-get install libxml2-utils)"
fi

# --- a real browser ------------------------------------------------------------
chrome() {	# chromium options...: headless, its profile in $T
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --user-data-dir="$T/chromium" \
		--hide-scrollbars "$@" 2>>"$T/chromium.log"
}
if have chromium; then
	chrome --dump-dom "$PAGE" > "$T/dom.html"
	check "Chromium renders the page, and its DOM reads right" \
	    python3 - "$T/dom.html" <<'EOF'
import html.parser, sys

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.h2, self.rows, self.cells = [], [], [], None
        self.text, self.where = "", []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.where.append((tag, dict(attrs).get("class")))
        if tag in ("td", "th", "h2"):
            self.text = ""
        if tag == "tr":
            self.cells = []
    def handle_endtag(self, tag):
        if tag == "h2":
            self.h2.append(self.text.strip())
        elif tag in ("td", "th") and self.cells is not None:
            self.cells.append(self.text.strip())
        elif tag == "tr" and self.cells is not None:
            self.rows.append((self.section(), self.cells))
            self.cells = None
        while self.where and self.where.pop()[0] != tag:
            pass
    def section(self):
        for tag, cls in reversed(self.where):
            if tag == "div" and cls:
                return cls
        return None
    def handle_data(self, d):
        self.text += d

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
assert p.tags, "an empty DOM"
assert "script" not in p.tags, "a script element"
days = [h for h in p.h2 if h[:3] in ("Sun", "Mon", "Tue", "Wed")]
assert days == ["Sun 2026-01-04", "Mon 2026-01-05", "Tue 2026-01-06",
    "Wed 2026-01-07"], p.h2
# Times in the venue's zone and at home, side by side.
items = [c for s, c in p.rows if s == "day" and len(c) == 6 and c[0] != "Time"]
ceremony = [c for c in items if c[3].startswith("Official welcome ceremony")]
assert ceremony and ceremony[0][:2] == ["15:30-16:00 CST", "16:30-17:00 KST"], ceremony
flight = [c for c in items if c[3].startswith("Flight Seoul")]
assert flight and flight[0][0] == "10:00 KST -> 11:30 CST", flight
assert flight[0][1] == "10:00-12:30 KST", flight
# The delegations: the visitor's first, each in order of precedence.
dele = [c for s, c in p.rows if s == "delegations" and c[0] != "Country"]
names = [c[2] for c in dele]
assert names.index("Lee Jae-myung") < names.index("Wi Seong-lac"), names
assert names.index("Wi Seong-lac") < names.index("Xi Jinping"), names
assert names.index("Xi Jinping") < names.index("Li Qiang") < \
    names.index("Zhao Leji"), names
assert dele[0][0] == "KR" and "CN" in [c[0] for c in dele], dele
assert not any("CONFMARK" in c for r in p.rows for c in r[1]), "confidential"
print("DOM ok: %d days, %d items, %d people" % (len(days), len(items), len(dele)))
EOF
	rm -f "$T/page.pdf"
	chrome --print-to-pdf="$T/page.pdf" --no-pdf-header-footer "$PAGE" >/dev/null
	if [ -s "$T/page.pdf" ] && [ "$(head -c 5 "$T/page.pdf")" = "%PDF-" ]; then
		pass "Chromium prints the page to PDF"
	else
		fail "Chromium prints the page to PDF" "$(tail -n 5 "$T/chromium.log")"
	fi
	if have pdfinfo; then
		pages=$(pdfinfo "$T/page.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
		# The head and delegations, then every day on a page of its own.
		if [ "${pages:-0}" -ge 5 ]; then pass "the PDF has a page per day ($pages)"
		else fail "the PDF has a page per day" "pages: $pages"; fi
	else
		check "the PDF is more than a header (pdfinfo: apt-get install poppler-utils)" \
			test "$(wc -c < "$T/page.pdf")" -gt 10000
	fi
	rm -f "$T/shot.png"
	chrome --screenshot="$T/shot.png" --window-size=1200,1600 "$PAGE" >/dev/null
	check "Chromium takes a screenshot" test -s "$T/shot.png"
else
	skip "headless Chromium: chromium is not installed (apt-get install chromium)"
fi

# --- revocation ------------------------------------------------------------------
kcal feed rotate press >/dev/null
check_eq "a rotated token's page: 404" 404 "$(get "$PAGE")"
NEW=$(field press briefing_url)
check_eq "the new token's page: 200" 200 "$(get "$NEW")"
kcal feed rm press >/dev/null
check_eq "a removed feed's page: 404" 404 "$(get "$NEW")"

# A visit the feed may not show: no page (the same 404 as a wrong token).
secret=$(kcal add "Secret visit" --kind state-visit --start 2026-03-01 \
	--end 2026-03-03 --tz Asia/Seoul --class confidential)
kcal feed add sec --briefing "$secret" >/dev/null
check_eq "a confidential visit in a public feed: no page (404)" 404 \
	"$(get "$(field sec briefing_url)")"

# A redacted page of an all-day visit in another zone than home: its dates
# on the venue's calendar, as unredacted (the feed keeps X-KCAL-TZ).
uk=$(kcal add "Visit to the UK" --kind state-visit --start 2026-10-23 \
	--end 2026-10-28 --tz Europe/London)
kcal feed add ukbusy --briefing "$uk" --redact busy >/dev/null
get "$(field ukbusy briefing_url)" >/dev/null
check_match "a redacted page: the visit's dates in its own zone" \
	'Fri 2026-10-23 to Tue 2026-10-27 \(Europe/London\)' "$(cat "$T/body")"
done_testing
