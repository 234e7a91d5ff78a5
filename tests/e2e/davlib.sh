# tests/e2e/davlib.sh — sourced after lib.sh by the tests that drive kcald's
# CalDAV server with real clients (test-dav-*.sh): start kcald with --http
# on a free loopback port, add accounts with the real `kcal user add`
# (password on standard input), and talk to /dav/ with curl.

# dav_start [kcald options...]: PORT, BASE; kcald with --http on PORT.
dav_start() {
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	start_daemon --http "127.0.0.1:$PORT" "$@"
}

# dav_user NAME PASSWORD [kcal user add options...]: add an account and
# wait until kcald accepts it (it reloads the users file when it changes).
# Fails when kcal has no `user` command or the login never works.
dav_user() {
	_n=$1 _p=$2; shift 2
	if ! _o=$(printf '%s\n' "$_p" | "$KCAL" user add "$_n" "$@" 2>&1); then
		fail "kcal user add $_n $*" "$_o"
		return 1
	fi
	if ! wait_for 5 dav_login "$_n" "$_p"; then
		fail "kcald accepts the new account $_n" \
		    "PROPFIND $BASE/dav/ as $_n: HTTP $(dav_login_code "$_n" "$_p")"
		return 1
	fi
	return 0
}
dav_login_code() {
	curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -u "$1:$2" \
	    -X PROPFIND -H 'Depth: 0' "$BASE/dav/"
}
dav_login() { [ "$(dav_login_code "$1" "$2")" = 207 ]; }

# dav_ready USER PASSWORD: does this kcald serve CalDAV at all?  (OPTIONS
# /dav/ carries a DAV header.)  A kcald without it fails the test, it does
# not skip it: the server is what is being tested, only a missing client
# tool is a SKIP.
dav_ready() {
	curl -s --noproxy '*' -o /dev/null -D - -u "$1:$2" -X OPTIONS \
	    "$BASE/dav/" | tr -d '\r' | grep -iq '^DAV:.*calendar-access'
}

# dav METHOD URL [curl options...]: body to $T/body, headers to $T/hdr,
# prints the status.  URL may be a path (then $BASE is put in front).
dav() {
	_m=$1 _u=$2; shift 2
	case $_u in /*) _u="$BASE$_u" ;; esac
	: >"$T/body"
	curl -sS --noproxy '*' -X "$_m" -o "$T/body" -D "$T/hdr" \
	    -w '%{http_code}' "$@" "$_u"
}

# dav_hdr NAME: a header of the last response, without CR.
dav_hdr() { tr -d '\r' <"$T/hdr" | sed -n "s/^$1: //Ip" | tail -n 1; }

# need_client DESC CMD...: run CMD to see whether a client tool is
# installed; if not, SKIP the whole test with DESC (the Debian package).
need_client() {
	_d=$1; shift
	"$@" >/dev/null 2>&1 && return 0
	skip "$_d is not installed (apt-get install -y $_d; contrib/deps.sh test)"
	done_testing
	exit $?
}
