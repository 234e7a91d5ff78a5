#!/bin/sh
# test-recur-same.sh — one series, one set of occurrences, whoever asks:
# every recurring series in tests/data/*.ics and (when it is there)
# ../shared/corpus/**/*.ics that kcal imports is loaded into a fresh kcald,
# and for its first two years and for the two years from tomorrow the
# start instants of its occurrences are collected from kcal list, kcal
# itinerary (each series made the programme of a visit of its own), a
# feed (read by python3-icalendar and expanded by dateutil, independently
# of kcald) and kcal reminders (remind_default gives every occurrence one;
# only the part still to come, as reminders are listed ahead) — and must be
# the same set.  tests/e2e/recur_same.py does the work, with the helpers of
# recur_diff.py.  Every series of tests/data and of the corpus is checked;
# KCAL_RECUR_SAME_SAMPLE=N checks a sample of N corpus files drawn with a
# printed seed, which KCAL_PROP_SEED=S replays.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import icalendar, dateutil' 2>/dev/null; then
	skip "python3-icalendar and python3-dateutil are not installed for $PY (Debian packages python3-icalendar python3-dateutil)"
	done_testing; exit $?
fi
have curl || { skip "curl is not installed"; done_testing; exit $?; }
printf 'max_occurrences = 100000\nremind_default = 10m\nfeed_past = 100y\nfeed_future = 100y\n' \
	> "$XDG_CONFIG_HOME/kcal/kcald.conf"
PORT=$(free_port)

files=$(grep -l -E '^(RRULE|RDATE)' "$DATA"/*.ics)
if [ -d "$SHARED/corpus" ]; then
	corpus=$(find "$SHARED/corpus" -name '*.ics' | sort |
	    xargs grep -l -E '^(RRULE|RDATE)' 2>/dev/null)
	# Every file by default (about a minute and a half); a sample of N
	# with KCAL_RECUR_SAME_SAMPLE=N, drawn with a printed seed that
	# KCAL_PROP_SEED=S replays.
	n=$(printf '%s\n' $corpus | wc -l)
	if [ -n "$KCAL_RECUR_SAME_SAMPLE$KCAL_PROP_SEED" ]; then
		seed=${KCAL_PROP_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
		corpus=$(printf '%s\n' $corpus | $PY -c 'import random, sys
l = sys.stdin.read().split()
random.Random(int(sys.argv[1])).shuffle(l)
print("\n".join(sorted(l[:int(sys.argv[2])])))' "$seed" "${KCAL_RECUR_SAME_SAMPLE:-12}")
		echo "corpus: a sample of $(printf '%s\n' $corpus | wc -l) of $n files, seed $seed (KCAL_PROP_SEED=$seed replays it)"
	else
		echo "corpus: all $n files with a recurrence (nothing random)"
	fi
	files="$files $corpus"
else
	skip "../shared/corpus is absent: only tests/data is checked"
fi
for f in $files; do
	name=${f#"$top"/}; name=${name#"$top/../"}
	$PY "$top/tests/e2e/recur_same.py" prepare "$f" "$T/in.ics" \
		> "$T/prep.out" 2>&1 ||
		{ skip "$name: python3-icalendar cannot read it ($(tail -n 1 "$T/prep.out"))"; continue; }
	start_daemon --http "127.0.0.1:$PORT" || { fail "$name: kcald starts"; continue; }
	if ! kcal import "$T/in.ics" > "$T/import.out" 2>&1; then
		case "$f" in
		"$DATA"/*) fail "$name: imports" "$(cat "$T/import.out")" ;;
		*) skip "$name: kcal does not import it ($(head -c 200 "$T/import.out"))" ;;
		esac
		stop_daemon; rm -rf "$T/data"; continue
	fi
	url=$(kcal feed add every --include private --include confidential \
		--past 100y --future 100y | sed -n 's/^ *url: *//p')
	$PY "$top/tests/e2e/recur_same.py" check --kcal "$KCAL" --home Asia/Seoul \
		--feed "$url" --name "$name" "$T/in.ics" > "$T/same.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		MATCH*) pass "${line#MATCH }" ;;
		SKIP*) skip "${line#SKIP }" ;;
		MISMATCH*) fail "${line#MISMATCH }" "$(awk -v l="$line" \
			'$0 == l { on = 1; next } on && /^  / { print; next } { on = 0 }' \
			"$T/same.out")" ;;
		Traceback*) fail "$name: recur_same.py crashed" "$(tail -5 "$T/same.out")" ;;
		esac
	done < "$T/same.out"
	stop_daemon
	rm -rf "$T/data"
done
done_testing
