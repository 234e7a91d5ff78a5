#!/bin/sh
# contrib/deps.sh [build|test|fuzz|valgrind|deb] — make sure the Debian
# packages kcal needs (to build; to test; for make fuzz; for make
# test-valgrind)
# are installed.  As root, installs what is missing with apt-get; otherwise
# prints the exact command to run and fails.
what=${1:-test}
build_pkgs="gcc make pkg-config libical-dev libevent-dev libjansson-dev libsqlite3-dev zlib1g-dev libmicrohttpd-dev libxml2-dev libcrypt-dev nettle-dev tzdata"
test_pkgs="python3 python3-icalendar python3-dateutil curl jq socat groff-base vdirsyncer khal python3-caldav litmus nginx-light openssl nodejs npm sqlite3 chromium libxml2-utils poppler-utils radicale"

missing=""
need() {	# package, test command
	pkg=$1; shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
need gcc command -v cc
need make command -v make
need pkg-config command -v pkg-config
need libical-dev pkg-config --exists libical
need libevent-dev pkg-config --exists libevent
need libjansson-dev pkg-config --exists jansson
need libsqlite3-dev pkg-config --exists sqlite3
need zlib1g-dev pkg-config --exists zlib
need libmicrohttpd-dev pkg-config --exists libmicrohttpd
need libxml2-dev pkg-config --exists libxml-2.0
need libcrypt-dev pkg-config --exists libcrypt
need nettle-dev pkg-config --exists nettle
need tzdata test -e /usr/share/zoneinfo/Asia/Seoul
if [ "$what" = test ]; then
	need python3 test -x /usr/bin/python3
	need python3-icalendar /usr/bin/python3 -c 'import icalendar'
	# test-recur-diff.sh: expansion against dateutil's rrule
	need python3-dateutil /usr/bin/python3 -c 'import dateutil.rrule'
	need curl command -v curl
	need jq command -v jq
	need socat command -v socat
	need groff-base command -v groff
	# The feed tests hand every feed to five independent consumers
	# (../shared/tools/validate-feed): these two plus node for ical.js.
	need vdirsyncer command -v vdirsyncer
	need khal command -v khal
	# CalDAV with real clients (test-dav-caldav.sh, test-dav-litmus.sh;
	# vdirsyncer and khal serve test-dav-vdirsyncer.sh too).
	need python3-caldav /usr/bin/python3 -c 'import caldav'
	need litmus command -v litmus
	# contrib/nginx in front of kcald, with a throw-away certificate
	# (test-dav-nginx.sh).
	need nginx-light test -x /usr/sbin/nginx
	need openssl command -v openssl
	need nodejs command -v node
	command -v npm >/dev/null 2>&1 || missing="$missing npm"
	need sqlite3 command -v sqlite3
	# The briefing page (test-briefing.sh): rendered and printed by a real
	# browser, validated as HTML, its PDF's pages counted.
	need chromium command -v chromium
	need libxml2-utils command -v xmllint
	need poppler-utils command -v pdfinfo
	# make bench's CalDAV figures beside Radicale's, and its smoke test
	# (test-bench-smoke.sh) that keeps that comparison running.
	need radicale command -v radicale
fi
if [ "$what" = fuzz ]; then	# clang and its libFuzzer runtime
	need clang command -v clang
	need libclang-rt-14-dev sh -c 'printf "int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n" |
	    clang -x c -fsanitize=fuzzer -o /dev/null -'
fi
[ "$what" = valgrind ] && need valgrind command -v valgrind
if [ "$what" = deb ]; then	# make deb
	need dpkg-dev command -v dpkg-buildpackage
	need debhelper command -v dh
	need lintian command -v lintian
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $missing >/dev/null || {
		echo "apt-get install failed for:$missing" >&2; exit 1; }
	exit 0
fi
echo "missing packages:$missing" >&2
echo "install them with:  sudo apt-get install -y$missing" >&2
exit 1
