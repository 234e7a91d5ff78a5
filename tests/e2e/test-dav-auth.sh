#!/bin/sh
# test-dav-auth.sh — logging in to CalDAV (kcald.conf(5), ACCOUNTS) through
# the real kcald and curl: 401 without or with wrong credentials, the same
# answer and about the same time for an unknown user as for a wrong
# password, 429 with Retry-After after repeated failures by one address or
# for one name, and accounts added or deleted by kcal user taking effect at
# the next request without a restart; the loop serving the socket while
# passwords are checked.  Peers are told apart by binding
# curl to other loopback addresses (127.0.0.N).
. "$(dirname "$0")/lib.sh"

have curl || { skip "CalDAV logins (curl not installed)"; done_testing; exit; }

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
add_user() {	# NAME PASSWORD [options]
	_n=$1 _p=$2; shift 2
	printf '%s\n' "$_p" | "$KCAL" user add "$_n" "$@" >/dev/null
}
add_user alice 'alice:pw one'
add_user bob bob-pw --read-only
add_user dave dave-pw
add_user erin erin-pw
add_user frank frank-pw
add_user gina gina-pw
add_user hank hank-pw

# 127.0.0.90 plays a reverse proxy (http_trusted_proxy: X-Real-IP).
mkdir -p "$XDG_CONFIG_HOME/kcal"
echo "http_trusted_proxy = 127.0.0.90" >>"$XDG_CONFIG_HOME/kcal/kcald.conf"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

# dav FROM USER:PW: PROPFIND Depth 0 of /dav/ from 127.0.0.FROM; prints the
# status (headers in $T/hdr).  USER:PW empty: no Authorization at all.
dav() {
	_from=$1 _cred=$2
	set -- -sS --noproxy '*' --interface "127.0.0.$_from" -o "$T/body" \
		-D "$T/hdr" -w '%{http_code}' -X PROPFIND -H 'Depth: 0'
	[ -n "$_cred" ] && set -- "$@" -u "$_cred"
	curl "$@" "$BASE/dav/"
}
# seconds FROM USER:PW: the time the answer took.
seconds() {
	curl -sS --noproxy '*' --interface "127.0.0.$1" -o /dev/null \
		-w '%{time_total}' -X PROPFIND -H 'Depth: 0' -u "$2" "$BASE/dav/"
}
hdr() { tr -d '\r' <"$T/hdr" | sed -n "s/^$1: //Ip"; }

if [ "$(dav 2 '')" = 401 ]; then pass "no credentials: 401"; else
	fail "no credentials: 401" "$(cat "$T/hdr")"; fi
check_eq "asking for Basic" 'Basic realm="kcal", charset="UTF-8"' \
	"$(hdr WWW-Authenticate)"
check_eq "a good login" 207 "$(dav 2 'alice:alice:pw one')"
check_eq "a wrong password: 401" 401 "$(dav 3 'alice:alice:pw two')"
check_eq "an unknown user: 401" 401 "$(dav 3 'zed:alice:pw one')"
check_eq "another scheme: 401" 401 "$(curl -sS --noproxy '*' -o /dev/null \
	-w '%{http_code}' -X PROPFIND -H 'Authorization: Bearer abc' \
	--interface 127.0.0.4 "$BASE/dav/")"

# An unknown user takes as long as a wrong password (each one yescrypt):
# the fastest of three of each, from addresses not yet limited, within a
# factor of 3 (a generous factor: the machine is shared).
tw=9 tu=9
for i in 1 2 3; do
	w=$(seconds "1$i" 'alice:wrong')
	u=$(seconds "2$i" "nobody$i:wrong")
	tw=$(echo "$w $tw" | awk '{ print ($1 < $2) ? $1 : $2 }')
	tu=$(echo "$u $tu" | awk '{ print ($1 < $2) ? $1 : $2 }')
done
if echo "$tw $tu" | awk '{ exit !($2 < $1 * 3 && $1 < $2 * 3) }'; then
	pass "unknown user ($tu s) and wrong password ($tw s) take as long"
else
	fail "unknown user ($tu s) and wrong password ($tw s) take as long"
fi
check_eq "a good login clears the failures of its name" 207 \
	"$(dav 2 'alice:alice:pw one')"

# The back-off is 1 s after the 5th failure and doubles with each further
# one (exact steps: tests/unit/test-account.c, with its own clock).  Here
# the machine may be loaded, so a check that expects a 429 first makes the
# bar long enough: barred FROM USER:PW probes (a new address each time
# when FROM ends in "+") with failures until a 429 says Retry-After 3 s or
# more, then prints that Retry-After (0: never).
barred() {
	_n=0
	while [ $_n -lt 12 ]; do
		_n=$((_n + 1))
		_f=$1
		case $1 in *+) _f="${1%+}$_n" ;; esac
		_r=$(dav "$_f" "$2")
		if [ "$_r" = 429 ]; then
			_ra=$(hdr Retry-After)
			[ "$_ra" -ge 3 ] && { echo "$_ra"; return; }
			sleep "$_ra"
		elif [ "$_r" != 401 ]; then
			break
		fi
	done
	echo 0
}

# One address: 5 failures (other names each time) are 401s, then even a
# good password is refused with 429 until Retry-After; other addresses are
# served, and so is an app already logged in (its login is remembered: it
# knows the password, and guessing must not lock it out).
for i in 1 2 3 4 5; do
	r=$(dav 40 "guess$i:x")
	[ "$r" = 401 ] || fail "failure $i from one address: 401" "got $r"
done
ra=$(barred 40 'x:y')
check_match "then the address is refused: 429 with Retry-After" \
	'^([3-9]|[1-9][0-9]+)$' "$ra"
check_eq "a good password from it too" 429 "$(dav 40 'dave:dave-pw')"
check_eq "another address is served" 207 "$(dav 41 'dave:dave-pw')"
check_eq "and now, logged in, from the barred address too" 207 \
	"$(dav 40 'dave:dave-pw')"
sleep "$ra"; sleep 0.3
check_eq "after Retry-After the address is served" 207 \
	"$(dav 40 'erin:erin-pw')"

# Behind the trusted proxy (http_trusted_proxy, X-Real-IP): the app's
# address is barred, not the proxy's; a header that is not an address
# counts for nothing, nor does one from any other peer.  (Each login here
# is an account's first: a good one is remembered, and served whatever
# the address.)
proxied() {	# proxied REAL USER:PW [FROM]: from 127.0.0.FROM (90: the proxy)
	curl -sS --noproxy '*' --interface "127.0.0.${3:-90}" -o "$T/body" \
		-D "$T/hdr" -w '%{http_code}' -X PROPFIND -H 'Depth: 0' \
		-H "X-Real-IP: $1" -u "$2" "$BASE/dav/"
}
for i in 1 2 3 4 5; do
	r=$(proxied 203.0.113.5 "proxyguess$i:x")
	[ "$r" = 401 ] || fail "failure $i behind the proxy: 401" "got $r"
done
n=0 r=401
while [ "$r" = 401 ] && [ $n -lt 10 ]; do
	n=$((n + 1))
	r=$(proxied 203.0.113.5 "proxyguess-more$n:x")
done
check_eq "then the guesser's address is refused: 429" 429 "$r"
check_eq "a good password from it too" 429 \
	"$(proxied 203.0.113.5 'frank:frank-pw')"
check_eq "another app behind the same proxy is served" 207 \
	"$(proxied 2001:db8::7 'gina:gina-pw')"
check_eq "and one the proxy names by no address, as the proxy" 207 \
	"$(proxied 'not an address' 'hank:hank-pw')"
check_match "the log names the guesser's address, not the proxy's" \
	'failed logins from 203\.0\.113\.5; refused for' "$(cat "$T/kcald.out")"
check_eq "another peer's X-Real-IP: a failure" 401 \
	"$(proxied 198.51.100.7 'untrusted:x' 91)"
check_match "counted for that peer, not for the address it sent" \
	'failed login as untrusted from 127\.0\.0\.91$' "$(cat "$T/kcald.out")"
check_eq "a path with a .. segment: 400" 400 "$(curl -sS --noproxy '*' \
	--path-as-is -o /dev/null -w '%{http_code}' -u 'x:y' \
	"$BASE/dav/../feeds/all.ics")"
check_eq "... also written %2e%2e" 400 "$(curl -sS --noproxy '*' \
	-o /dev/null -w '%{http_code}' "$BASE/feeds/%2e%2e/feeds/all.ics")"
check_eq "... and ..%2F, a slash to a proxy" 400 "$(curl -sS --noproxy '*' \
	-o /dev/null -w '%{http_code}' -u 'x:y' "$BASE/dav/..%2Ffeeds%2Fall.ics")"
check_eq "... and a . segment" 400 "$(curl -sS --noproxy '*' --path-as-is \
	-o /dev/null -w '%{http_code}' "$BASE/./feeds/all.ics")"

# One name from many addresses: 5 failures bar the name everywhere.
for i in 1 2 3 4 5; do
	r=$(dav "5$i" 'bob:wrong')
	[ "$r" = 401 ] || fail "failure $i for bob: 401" "got $r"
done
ra=$(barred '6+' 'bob:wrong')
check_match "then bob is refused: 429 with Retry-After" \
	'^([3-9]|[1-9][0-9]+)$' "$ra"
check_eq "also from a fresh address, with his password" 429 \
	"$(dav 80 'bob:bob-pw')"
check_eq "alice is not" 207 "$(dav 81 'alice:alice:pw one')"
sleep "$ra"; sleep 0.3
check_eq "bob logs in after Retry-After" 207 "$(dav 82 'bob:bob-pw')"

# Checking passwords does not hold the loop: while 48 logins (about 0.1 s
# of yescrypt each, two at a time: 5 s in all) are checked, the socket
# answers, well before they are all done (a generous bound: the machine
# may be loaded).
bound=1.5
[ -n "$KCAL_SANITIZED" ] || [ -n "$KCALD_WRAPPER" ] && bound=4
pids=
for i in $(seq 100 147); do
	curl -sS --noproxy '*' --interface "127.0.0.$i" -o /dev/null \
		-X PROPFIND -H 'Depth: 0' -u "load$i:x" "$BASE/dav/" &
	pids="$pids $!"
done
sleep 0.2
t0=$(date +%s.%N)
kcal status >/dev/null
t1=$(date +%s.%N)
wait $pids
if echo "$t0 $t1 $bound" | awk '{ exit !($2 - $1 < $3) }'; then
	pass "the socket answers while logins are checked"
else
	fail "the socket answers while logins are checked" \
		"kcal status took $(echo "$t0 $t1" | awk '{ print $2 - $1 }') s"
fi

# kcal user's changes: at the next request, no restart, cache or not.
check "kcal user delete alice" kcal user delete alice
check_eq "alice's remembered login no longer works" 401 \
	"$(dav 70 'alice:alice:pw one')"
add_user carol carol-pw --clearance confidential
check_eq "carol, just added, logs in" 207 "$(dav 71 'carol:carol-pw')"
printf 'new-pw\n' | kcal user passwd carol >/dev/null
check_eq "carol's old password no longer works" 401 \
	"$(dav 72 'carol:carol-pw')"
check_eq "her new one does" 207 "$(dav 72 'carol:new-pw')"
check "kcald still answers the socket" kcal status

if grep -qF -e 'pw one' -e bob-pw -e dave-pw -e erin-pw -e carol-pw -e new-pw "$T/kcald.out"; then
	fail "no password in the log"
else
	pass "no password in the log"
fi
check_match "failures are logged with name and address" \
	'failed login as bob from 127\.0\.0\.5[1-5]' "$(cat "$T/kcald.out")"

done_testing
