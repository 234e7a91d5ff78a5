#!/bin/sh
# test-bench-smoke.sh — the benchmark harness itself must not rot: a tiny
# `make bench` run (200 events, one repeat) against the real kcald, checked
# for a complete results file.  The figures are not judged here (this is a
# shared, noisy machine); README.md "Performance" has the real run.
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is not installed"; done_testing; exit; }
# Under the sanitizers kcald runs several times slower, so the harness's
# own deadlines (a burst of reminders loaded within 20 s) cannot hold; the
# daemon's memory safety is what the other tests check there.
if [ -n "$KCAL_SANITIZED" ]; then
	skip "bench harness: its deadlines do not hold under the sanitizers"
	done_testing; exit
fi
for b in floor kbench maxrss; do
	[ -x "$BUILD/bench/$b" ] || fail "$BUILD/bench/$b is built (make tests)"
done

# maxrss measures the command, not the big process that starts it (a
# child forked from a 100 MB Python reports Python's peak through wait4).
kb=$(python3 -c '
import subprocess, sys
b = bytearray(100 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
p = subprocess.run([sys.argv[1], "true"], stderr=subprocess.PIPE)
print(p.stderr.decode().split()[-1] if p.returncode == 0 else "failed")
' "$BUILD/bench/maxrss")
check "maxrss gives a small command its own peak RSS ($kb kB)" awk -v v="$kb" \
	'BEGIN { exit !(v + 0 > 0 && v + 0 < 50000) }'
"$BUILD/bench/maxrss" sh -c 'exit 3' 2>/dev/null
check_eq "maxrss exits with the command's status" 3 "$?"

out=$(BENCH_N=200 BENCH_REPEAT=1 BENCH_ADDS=50 BENCH_SECS=0.5 \
	BENCH_OUT="$T/bench" python3 "$top/tests/bench/bench.py" 2>&1)
rc=$?
check_eq "bench.py exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 30
res="$T/bench/results.json"
check "results.json is written and is JSON" jq -e . "$res"
check_match "the table is printed" '^list one-week p50, ms +200 ' "$out"

# Every figure the harness measured is a positive number.
metric() { jq -r --arg m "$1" \
	'[.results[] | select(.metric == $m) | .value][0] // "missing"' "$res"; }
for m in "add p50" "add p99" "adds/s, one client" "adds/s, 50 clients" \
    "fsyncs per group, 50 clients" "list one-week p50" \
    "list one-month p50" "kcald RSS idle after a restart"; do
	v=$(metric "$m")
	check "\"$m\" is measured ($v)" awk -v v="$v" \
		'BEGIN { exit !(v + 0 > 0) }'
done
v=$(jq -r '[.results[] | select(.section == "1. import") |
	select(.metric == "import" or .metric == "fill through pipelined add") |
	.value][0] // "missing"' "$res")
check "import throughput is measured ($v)" awk -v v="$v" \
	'BEGIN { exit !(v + 0 > 0) }'
check "each kcald figure has its floor where one applies" jq -e \
	'[.results[] | select(.metric == "add p50" or
	    .metric == "list one-week p50") | .floor > 0] | all' "$res"

# The CalDAV section (tests/bench/davbench.py): kcald's figures always,
# Radicale's beside them when it is installed (else a SKIP note).
dav() { jq -r --arg m "$1" --arg f "$2" '[.results[] |
	select(.section == "8. caldav" and .metric == $m) | .[$f]][0] //
	"missing"' "$res"; }
positive() { check "$1 ($2)" awk -v v="$2" 'BEGIN { exit !(v + 0 > 0) }'; }
check_match "the CalDAV table is printed" \
	'^PROPFIND depth 1 \(etag, type\), ms +200 ' "$out"
for m in "PROPFIND depth 1 (etag, type)" "sync-collection, initial" \
    "sync-collection, one change" "REPORT month (time-range), etags" \
    "REPORT month (time-range), with data" "PUT new event p50" \
    "PUT new event p99" "PUTs/s, one client"; do
	positive "CalDAV \"$m\" is measured on kcald" "$(dav "$m" value)"
	if have radicale; then
		positive "CalDAV \"$m\" is measured on Radicale" \
			"$(dav "$m" floor)"
	fi
done
if have radicale; then
	check "kcald and Radicale answer with the same members" jq -e \
	    '[.results[] | select(.section == "8. caldav" and .extra.members)
	    | .extra.members | .kcald == .radicale] | all' "$res"
else
	skip "CalDAV beside Radicale: radicale is not installed"
	check "the missing comparison is said" jq -e \
	    '[.notes[] | select(startswith("SKIP caldav"))] | length == 1' \
	    "$res"
fi
check "the generator is deterministic" sh -c \
	"python3 '$top/tests/bench/gen-events.py' 50 | cksum >'$T/a' &&
	 python3 '$top/tests/bench/gen-events.py' 50 | cksum >'$T/b' &&
	 cmp -s '$T/a' '$T/b'"
done_testing
