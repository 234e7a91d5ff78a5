#!/bin/sh
# tests/fuzz/run-fuzz.sh — run each libFuzzer target (make fuzz) for
# FUZZ_SECONDS on its seed corpus (tests/fuzz/corpus-NAME) and saved
# regressions (tests/fuzz/regress-NAME).  New interesting inputs go to
# $BUILD/fuzz/work-NAME, never into the repository; a crash leaves its input
# as $BUILD/fuzz/NAME-crash-*: fix the bug, then copy the input into
# tests/fuzz/regress-NAME/ so that make test runs it from then on.
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build-fuzz}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
secs=${FUZZ_SECONDS:-60}
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=
for t in "$@"; do
	n=${t#fuzz-}
	work="$BUILD/fuzz/work-$n"
	mkdir -p "$work"
	set -- "$work"
	# The shared real-world .ics corpus seeds the import target too.
	shared=
	[ "$n" = ics ] && shared="$top/../shared/corpus/ics"
	for d in "$top/tests/fuzz/corpus-$n" "$top/tests/fuzz/regress-$n" $shared; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	dict=
	[ -f "$top/tests/fuzz/$n.dict" ] && dict="-dict=$top/tests/fuzz/$n.dict"
	echo "== $t: $secs s"
	if "$BUILD/fuzz/$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$BUILD/fuzz/$n-" $dict "$@" \
	    >"$BUILD/fuzz/$n.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' \
		    "$BUILD/fuzz/$n.log" | sed 's/^/   /'
		echo "ok   $t"
	else
		tail -n 40 "$BUILD/fuzz/$n.log"
		echo "FAIL $t: see $BUILD/fuzz/$n.log and $BUILD/fuzz/$n-*"
		failed="$failed $t"
	fi
done
[ -z "$failed" ] || { echo "crashes in:$failed"; exit 1; }
