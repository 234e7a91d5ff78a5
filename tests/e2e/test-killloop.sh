#!/bin/sh
# test-killloop.sh — crash safety: kill -9 the daemon at a random moment
# while a client adds events one by one and another imports a large .ics,
# again and again.  After every kill: the store passes PRAGMA
# integrity_check, the daemon starts cleanly, every acknowledged add is
# there, and each import is there whole or not at all (whole when it was
# acknowledged).
#   KCAL_KILL_LOOPS=200 sh tests/run.sh e2e/test-killloop.sh   (make
#   test-killloop-long); the default is 5 kills, for make test.
. "$(dirname "$0")/lib.sh"
# Debian's python3 starts fast; a version manager's shim may not.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

LOOPS=${KCAL_KILL_LOOPS:-5}
NIMPORT=${KCAL_KILL_IMPORT_EVENTS:-2000}
# Sanitizers slow kcald down several times: a smaller import keeps the
# test's time in bounds there.
[ -n "$KCAL_SANITIZED" ] && NIMPORT=${KCAL_KILL_IMPORT_EVENTS:-500}
KL="$top/tests/e2e/killloop.py"
DB="$T/data/kcal.db"

if have sqlite3; then integrity=1; else
	integrity=0
	skip "PRAGMA integrity_check after each kill: the sqlite3 CLI is not installed"
fi

printf 'max_occurrences = %d\nmax_import_events = %d\nmax_import_size = 64M\nmax_line = 134217728\n' \
	$((NIMPORT + 10)) "$NIMPORT" >"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" || exit 1
# Does this kcald import?  (The import half needs the import command.)
r=$(printf '{"id":1,"cmd":"import"}\n' | socat -t 2 - "UNIX-CONNECT:$KCAL_SOCKET" 2>/dev/null | tail -n 1)
if printf '%s' "$r" | grep -q unknown_command; then
	can_import=0
	skip "kill during a large import: this kcald has no import command"
else
	can_import=1
	"$PY" "$KL" - genics "$T/big.ics" "$NIMPORT" imp-probe
	# How long an import takes here decides when to kill.
	t0=$(date +%s.%N)
	"$PY" "$KL" "$KCAL_SOCKET" importer "$T/big.ics" "$T/imp.result"
	t1=$(date +%s.%N)
	check_eq "a $NIMPORT-event import is acknowledged" acked "$(cat "$T/imp.result")"
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "an import of $NIMPORT events took $took s"
fi
stop_daemon

# A random delay, reproducible from KCAL_KILL_SEED: up to 1.5 s for adds;
# with an import, up to 2.5 times as long as one took alone (the adds slow
# it down), so kills land before, during and after it.
seed=${KCAL_KILL_SEED:-$$}
span=1.5
[ $can_import -eq 1 ] &&
	span=${KCAL_KILL_SPAN:-$(awk -v t="$took" 'BEGIN { print t * 2.5 + 0.5 }')}
echo "seed $seed (KCAL_KILL_SEED=$seed repeats this run)"
delay() {
	awk -v s="$seed" -v n="$1" -v span="$span" \
	    'BEGIN { srand(s + n); printf "%.2f", 0.1 + rand() * span }'
}

: >"$T/acked"
bad=0 imports_whole=0 imports_none=0 imports_acked=0
n=1
while [ "$n" -le "$LOOPS" ]; do
	start_daemon --config "$T/kcald.conf" >"$T/start.out" 2>&1 ||
		{ fail "kill $n: the daemon did not start after a kill" "$(cat "$T/start.out")"; bad=1; break; }
	"$PY" "$KL" "$KCAL_SOCKET" writer "add-$n" "$T/acked" 2>/dev/null &
	wpid=$!
	if [ $can_import -eq 1 ]; then
		sleep 0.2	# let some adds through first
		sed "s/imp-probe/imp-$n/g" "$T/big.ics" >"$T/imp.ics"
		rm -f "$T/imp.result"
		"$PY" "$KL" "$KCAL_SOCKET" importer "$T/imp.ics" "$T/imp.result" 2>/dev/null &
		ipid=$!
	fi
	d=$(delay "$n")
	sleep "$d"
	kill9_daemon
	wait "$wpid"
	[ $can_import -eq 1 ] && wait "$ipid"
	if [ $integrity -eq 1 ]; then
		ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
		if [ "$ic" != ok ]; then
			fail "kill $n: integrity_check" "$ic"; bad=1
		fi
	fi
	start_daemon --config "$T/kcald.conf" >"$T/start.out" 2>&1 ||
		{ fail "kill $n: the daemon did not start after a kill" "$(cat "$T/start.out")"; bad=1; break; }
	if ! out=$("$PY" "$KL" "$KCAL_SOCKET" verify "$T/acked"); then
		fail "kill $n: acknowledged adds lost" "$out"; bad=1
	fi
	if [ $can_import -eq 1 ]; then
		got=$("$PY" "$KL" "$KCAL_SOCKET" count "imp-$n-")
		res=$(cat "$T/imp.result" 2>/dev/null)
		echo "kill $n after $d s: import ${res:-unanswered}, $got events stored"
		case "$got" in
		0) imports_none=$((imports_none + 1)) ;;
		"$NIMPORT") imports_whole=$((imports_whole + 1)) ;;
		*) fail "kill $n: a partial import ($got of $NIMPORT events)"; bad=1 ;;
		esac
		case "$res" in *'"ok": false'*)
			fail "kill $n: the import was refused" "$res"; bad=1 ;;
		esac
		if [ "$res" = acked ]; then
			imports_acked=$((imports_acked + 1))
			[ "$got" = "$NIMPORT" ] ||
				{ fail "kill $n: an acknowledged import is missing ($got events)"; bad=1; }
		fi
	fi
	stop_daemon
	n=$((n + 1))
done

[ "$n" -gt "$LOOPS" ] && [ $bad -eq 0 ] &&
	pass "$LOOPS kills: $(wc -l <"$T/acked") acknowledged adds all kept"
[ $integrity -eq 1 ] && [ $bad -eq 0 ] &&
	pass "integrity_check ok after each of $LOOPS kills"
[ $can_import -eq 1 ] && [ $bad -eq 0 ] &&
	pass "imports: $imports_whole whole ($imports_acked acknowledged), $imports_none not at all, none partial"
start_daemon --config "$T/kcald.conf" || exit 1
check "the daemon starts and answers after the last kill" kcal status

done_testing
