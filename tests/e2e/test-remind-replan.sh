#!/bin/sh
# test-remind-replan.sh — a big import marks thousands of events "plan
# again"; a reminder that falls due while kcald plans them is delivered at
# once (due reminders are walked first, remind-walk.c), and a bystander's
# `kcal status` is answered meanwhile.  The bounds are generous (2 s; 30 s
# under a sanitizer): this is about starvation, not speed, and the figures
# are printed (remind_replan.py).
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is not installed"; done_testing; exit; }
N=${KCAL_REPLAN_EVENTS:-4000}
BOUND=2
[ -n "$KCAL_SANITIZED" ] && { N=${KCAL_REPLAN_EVENTS:-1000}; BOUND=30; }
printf 'max_import_events = 1000000\n' >"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" || exit 1
py_scenario remind_replan.py python3 "$top/tests/e2e/remind_replan.py" \
	"$KCAL_SOCKET" "$KCAL" "$T/data/kcal.db" \
	"$top/tests/bench/gen-events.py" "$N" "$BOUND"
done_testing
