#!/bin/sh
# test-clone.sh — the repository stands alone: it is cloned into a
# temporary directory with no ../shared beside it, and the README's two
# commands' build and test parts run there (make build-deps and make, as
# `make run` does before it starts the demo; then the tests below), which
# must end with 0 failed.  The clone's own copy of this test skips itself
# (KCAL_IN_CLONE), so it does not recurse; the sanitizer run leaves it to
# the plain one.
. "$(dirname "$0")/lib.sh"

if [ -n "$KCAL_IN_CLONE" ]; then
	skip "fresh clone: already running inside one"
	done_testing; exit
fi
if [ -n "$KCAL_SANITIZED" ]; then
	skip "fresh clone: run by the plain make test"
	done_testing; exit
fi
if ! have git || ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	skip "fresh clone: $top is not a git checkout (apt-get install git)"
	done_testing; exit
fi
mkdir -p "$T/alone"
check "git clone of the committed tree" git clone -q "$top" "$T/alone/kcal"
check "no ../shared beside the clone" test ! -e "$T/alone/shared"
cd "$T/alone/kcal" || { done_testing; exit; }
# The clone builds into its own build/, as a newcomer's would: none of this
# run's settings go with it.
unset BUILD KCAL_SANITIZED ASAN_OPTIONS UBSAN_OPTIONS KCALD_WRAPPER MAKEFLAGS MFLAGS MAKELEVEL
out=$(make build-deps 2>&1 && make 2>&1); rc=$?
check_eq "the build part of make run succeeds" 0 "$rc"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 20
check "... and makes both binaries" test -x build/kcald -a -x build/kcal
# In the clone: every unit test and fuzz corpus, the basic end-to-end test,
# and every end-to-end test that looks beside the tree (lib.sh's SHARED,
# ../shared), which must now skip what it cannot read and pass the rest.
# The other end-to-end tests do not depend on where the tree is, and ran
# in this make test already: running the whole suite twice no longer fits
# in one test's time.
list=$(cd tests && ls unit/test-*.c fuzz/fuzz-*.c 2>/dev/null; echo e2e/test-basic.sh;
    grep -l 'SHARED' e2e/test-*.sh | grep -v test-clone.sh)
out=$(KCAL_IN_CLONE=1 make tests 2>&1 && KCAL_IN_CLONE=1 sh tests/run.sh $list 2>&1); rc=$?
last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
echo "     the clone's tests ($(echo $list | wc -w) of them): $last"
check_eq "the tests in the clone exit 0" 0 "$rc"
check_match "... and end with 0 failed" '^[0-9]+ passed, 0 failed' "$last"
check_match "... and ran the tests that look beside the tree" \
	'e2e/test-recur-same.sh' "$list"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | grep -E '^FAIL|^    ' | head -n 40
done_testing
