#!/bin/sh
# test-remind-prep.sh — what kcald works out ahead of a burst of reminders
# (remind-prep.c: each one's message, encoded, and each event's next
# reminder) never fires stale: an event renamed, moved, deleted,
# acknowledged or snoozed after it was prepared goes off as it is then,
# the others as prepared, and each live delivery equals its replay.
# Bounds are generous; a round that a loaded machine made too slow to
# judge is run again (remind_prep.py).
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is not installed"; done_testing; exit; }
start_daemon || exit 1
py_scenario remind_prep.py python3 "$top/tests/e2e/remind_prep.py" \
	"$KCAL_SOCKET" "$KCAL" "$T/kcald.out"
done_testing
