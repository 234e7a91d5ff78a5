#!/bin/sh
# test-remind-import-stop.sh — the reminders of events an import wrote go
# off even when kcald stops before it has planned them.  An import's
# events are planned by the reminders' walk after its commit; stopped
# (SIGTERM, kill -9) right after the import was acknowledged and started
# again after they fell due, kcald planned them from its new start and
# the reminders between were lost: neither delivered late nor recorded
# missed (a hunt lost 1,488 of 2,000 after a SIGTERM, all of them after a
# kill -9).  Each is now delivered once, late, at the start.
. "$(dirname "$0")/lib.sh"
have python3 || { skip "python3 is not installed"; done_testing; exit $?; }
N=200
printf '#!/bin/sh\necho "$KCAL_UID $KCAL_LATE" >>"%s"\n' "$T/hook.log" \
    >"$T/hook.sh"
chmod +x "$T/hook.sh"
: >"$T/hook.log"
printf 'notify_cmd = %s\n' "$T/hook.sh" >"$XDG_CONFIG_HOME/kcal/kcald.conf"
# batch SECS TAG: N events whose reminders (at their start) fall due in
# SECS seconds, in $T/TAG.ics.
batch() {
	python3 - "$T/$2.ics" "$N" "$1" "$2" <<'PY'
import sys, time
path, n, secs, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
due = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(int(time.time()) + secs))
with open(path, "w", newline="") as f:
    f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal//test//EN\r\n")
    for i in range(n):
        f.write("BEGIN:VEVENT\r\nUID:%s-%d@test\r\nDTSTAMP:20260101T000000Z\r\n"
                "DTSTART:%s\r\nDURATION:PT30M\r\nSUMMARY:%s %d\r\n"
                "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
                "TRIGGER:PT0S\r\nEND:VALARM\r\nEND:VEVENT\r\n"
                % (tag, i, due, tag, i))
    f.write("END:VCALENDAR\r\n")
PY
}
delivered() { grep -c "^$1-" "$T/hook.log"; }
all_in() { [ "$(delivered "$1")" -ge "$N" ]; }

for how in TERM KILL; do
	tag=$(echo "$how" | tr 'A-Z' 'a-z')
	start_daemon || exit 1
	batch 3 "$tag"
	kcal import "$T/$tag.ics" >/dev/null || fail "$how: the import"
	# at once: before the walk has planned them all
	if [ "$how" = TERM ]; then
		stop_daemon
	else
		kill -KILL "$KCALD_PID"
		wait "$KCALD_PID" 2>/dev/null
		KCALD_PID=
	fi
	sleep 4		# they fall due meanwhile
	start_daemon || exit 1
	wait_for 20 all_in "$tag"
	check_eq "SIG$how right after an import: each reminder goes off" \
		"$N" "$(delivered "$tag")"
	check_eq "... late" "$N" "$(grep -c "^$tag-.* 1\$" "$T/hook.log")"
	check_eq "... and none is recorded missed" 0 \
		"$(kcal reminders --missed --format json | jq '.reminders | length')"
	stop_daemon
done
done_testing
