#!/bin/sh
# tests/run.sh — run every unit test binary and every end-to-end script,
# add up their "N passed, N failed[, N skipped]" lines, and end with the
# total.  Exit non-zero if anything failed (or a test crashed).
#   BUILD=build-asan sh tests/run.sh      the sanitizer build
#   sh tests/run.sh e2e/test-feeds.sh     only some tests
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export BUILD
if [ -n "$KCAL_SANITIZED" ]; then
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99"
fi
passed=0 failed=0 skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run_one() {	# name, command...
	name=$1; shift
	# A hung test fails on its own instead of hanging the whole run.
	timeout -k 10 "${KCAL_TEST_TIMEOUT:-900}" "$@" >"$out" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && echo "FAIL $name: timed out after ${KCAL_TEST_TIMEOUT:-900} s"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $name: crashed or printed no result (exit $rc)"
		tail -n 30 "$out" | sed 's/^/    /'
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
	s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL $name: exit status $rc"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name: $line"
		grep -E 'FAIL|ERROR|error|Sanitizer|runtime error' "$out" | head -n 40 | sed 's/^/    /'
	else
		echo "ok   $name: $line"
	fi
	grep -E '^SKIP' "$out" | sed 's/^/    /'
}

if [ $# -gt 0 ]; then
	set -- "$@"
else
	set -- $(cd "$top/tests" && ls unit/test-*.c fuzz/fuzz-*.c e2e/test-*.sh 2>/dev/null)
fi
for t in "$@"; do
	case "$t" in
	unit/*.c)
		bin="$BUILD/tests/$(basename "$t" .c)"
		run_one "$t" "$bin" ;;
	fuzz/*.c)	# a fuzz target's saved inputs (tests/fuzz/driver.c)
		n=$(basename "$t" .c)
		run_one "$t" "$BUILD/tests/$n" "$top/tests/fuzz/corpus-${n#fuzz-}" \
		    "$top/tests/fuzz/regress-${n#fuzz-}" ;;
	*.sh)
		run_one "$t" sh "$top/tests/$t" ;;
	esac
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
