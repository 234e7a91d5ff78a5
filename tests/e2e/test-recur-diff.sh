#!/bin/sh
# test-recur-diff.sh — kcald's expansion against an independent engine:
# every recurring series in tests/data/recur-*.ics (and in
# ../shared/corpus/ics when it is there) is imported into a fresh kcald and
# its occurrences (kcal list) compared with python-dateutil's rrule over
# python-icalendar (tests/e2e/recur_diff.py), instant by instant.  Known
# differences are SKIPped by recur_diff.py with their reason.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import icalendar, dateutil' 2>/dev/null; then
	skip "python3-icalendar and python3-dateutil are not installed (Debian packages python3-icalendar python3-dateutil)"
	done_testing; exit $?
fi
printf 'max_occurrences = 100000\n' > "$XDG_CONFIG_HOME/kcal/kcald.conf"

files=$(ls "$DATA"/recur-*.ics)
[ -d "$SHARED/corpus/ics" ] && files="$files $(grep -l -E '^(RRULE|RDATE)' "$SHARED"/corpus/ics/*.ics 2>/dev/null)"
for f in $files; do
	name=$(basename "$f")
	start_daemon || { fail "$name: kcald starts"; continue; }
	if ! kcal import "$f" > "$T/import.out" 2>&1; then
		case "$f" in
		"$DATA"/*) fail "$name: imports" "$(cat "$T/import.out")" ;;
		*) skip "$name: kcal does not import it ($(head -c 200 "$T/import.out"))" ;;
		esac
		stop_daemon; rm -rf "$T/data"; continue
	fi
	$PY "$top/tests/e2e/recur_diff.py" --kcal "$KCAL" --home Asia/Seoul "$f" > "$T/diff.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		MATCH*) pass "${line#MATCH }" ;;
		SKIP*) skip "${line#SKIP }" ;;
		MISMATCH*) fail "${line#MISMATCH }" "$(awk -v l="$line" \
			'$0 == l { on = 1; next } on && /^  only/ { print; next } { on = 0 }' \
			"$T/diff.out")" ;;
		Traceback*) fail "$name: recur_diff.py crashed" "$(tail -5 "$T/diff.out")" ;;
		esac
	done < "$T/diff.out"
	stop_daemon
	rm -rf "$T/data"
done
done_testing
