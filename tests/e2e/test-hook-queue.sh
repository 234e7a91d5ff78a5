#!/bin/sh
# test-hook-queue.sh — the reminder hook's queue with the real kcald: 1,000
# reminders due in the same second run the hook 1,000 times (nothing is
# dropped: at most 8 run at once, the rest wait in the store); a SIGTERM
# and a kill -9 in the middle of such a burst, then a restart: every
# reminder still reaches the hook at least once (the runs kcald did not
# see finish go again, with KCAL_RETRY=1), and a `kcal watch` that stays
# up across the restarts (it reconnects and is replayed what it missed)
# prints each reminder exactly once.
#
# Each burst is 1,000 events imported with an absolute reminder
# (TRIGGER;VALUE=DATE-TIME) a few seconds ahead; the hook appends
# "UID KCAL_RETRY" to a file as it starts.  The counts (runs, duplicates,
# KCAL_RETRY=1 runs) are printed.
. "$(dirname "$0")/lib.sh"

W=''
trap 'kill $W 2>/dev/null; _cleanup' EXIT
unset KCAL_RETRY

if ! have jq; then
	skip "jq is not installed (a test dependency)"
	done_testing
	exit
fi

cat >"$T/hook.sh" <<EOF
#!/bin/sh
echo "\$KCAL_UID \$KCAL_RETRY" >>"$T/hook.log"
[ -p "$T/gate" ] && read x <"$T/gate"
exit 0
EOF
chmod +x "$T/hook.sh"
: >"$T/hook.log"
printf 'notify_cmd = %s\nnotify_timeout = 20s\n' "$T/hook.sh" >"$T/kcald.conf"

# runs P: hook runs for the burst P; unique P: its distinct UIDs;
# retries P: its runs with KCAL_RETRY=1.
runs() { grep -c "^$1-" "$T/hook.log"; }
unique() { grep "^$1-" "$T/hook.log" | cut -d' ' -f1 | sort -u | wc -l | tr -d ' '; }
retries() { grep -c "^$1-.* 1\$" "$T/hook.log"; }
at_least() { [ "$(runs "$1")" -ge "$2" ]; }
all_ran() { [ "$(unique "$1")" -eq 1000 ]; }
# watched P: how many times the watcher printed each UID of burst P, as
# "COUNT" lines (one per distinct count) with the number of UIDs.
watched() {
	jq -r 'select(.event == "reminder") | .uid' "$T/watch" 2>/dev/null |
	    grep "^$1-" | sort | uniq -c | awk '{ print $1 }' | sort |
	    uniq -c | awk '{ printf "%s UIDs %s times; ", $1, $2 }'
}
watched_all() {
	[ "$(jq -r 'select(.event == "reminder") | .uid' "$T/watch" |
	    grep "^$1-" | sort -u | wc -l)" -eq 1000 ]
}

# burst P: 1,000 events whose reminders are all due at one instant, LEAD
# seconds ahead, imported in ten requests of 100 (an import's cost grows
# faster than its size, a lot under the sanitizers).  A trigger already
# past when its event is written never goes off, so the lead must cover
# the import: the next burst's lead is at least twice this one's import.
LEAD=10
[ -n "$KCAL_SANITIZED" ] && LEAD=45
burst() {
	_t=$(date +%s)
	_due=$((_t + LEAD))
	python3 - "$1" "$_due" "$T" <<'PY' || return 1
import sys, time
p, due, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ts = lambda t: time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
for k in range(10):
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kcal test//EN"]
    for i in range(100 * k, 100 * k + 100):
        s = due + 3600 + 60 * i
        out += ["BEGIN:VEVENT", "UID:%s-%04d@test" % (p, i),
                "DTSTAMP:" + ts(due), "DTSTART:" + ts(s),
                "DTEND:" + ts(s + 30), "SUMMARY:Burst %s %d" % (p, i),
                "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:x",
                "TRIGGER;VALUE=DATE-TIME:" + ts(due), "END:VALARM",
                "END:VEVENT"]
    out.append("END:VCALENDAR")
    with open("%s/%s-%d.ics" % (d, p, k), "w") as f:
        f.write("\r\n".join(out) + "\r\n")
PY
	for _k in 0 1 2 3 4 5 6 7 8 9; do
		kcal import "$T/$1-$_k.ics" >/dev/null || return 1
	done
	_now=$(date +%s)
	echo "# burst $1: loaded in $((_now - _t)) s, $((_due - _now)) s" \
	    "before it is due" >&2
	_next=$((2 * (_now - _t) + 5))
	[ "$_next" -gt "$LEAD" ] && LEAD=$_next
	if [ "$_now" -ge "$_due" ]; then
		echo "# burst $1: loading it took longer than its lead" >&2
		return 1
	fi
	due=$_due
}

# report P: the counts, in the test's output.
report() {
	echo "# at $(($(date +%s) - t0)) s"
	echo "# burst $1: $(runs "$1") hook runs, $(unique "$1") distinct" \
	    "reminders, $(($(runs "$1") - $(unique "$1"))) duplicates," \
	    "$(retries "$1") with KCAL_RETRY=1; watcher: $(watched "$1")"
}

start_daemon -c "$T/kcald.conf" || exit 1
"$KCAL" watch --format json >>"$T/watch" 2>>"$T/watch.err" & W=$!
wait_for 10 grep -q "watching (" "$T/kcald.out" ||
	fail "the watcher connects"

# --- a. 1,000 due in one second: 1,000 hook runs, none dropped. ---
t0=$(date +%s)
burst a || fail "burst a is imported in time"
check "1,000 reminders due in one second reach the hook, each once" \
	wait_for $((due - $(date +%s) + 60)) all_ran a
sleep 1
report a
check_eq "... 1,000 runs, no duplicate, none retried" "1000 1000 0" \
	"$(runs a) $(unique a) $(retries a)"
check_eq "... nothing dropped (no \"already waiting\")" 0 \
	"$(grep -c 'already waiting\|dropped' "$T/kcald.out")"
check_eq "... each run's end is logged" 1000 \
	"$(grep -c 'notify\[[0-9]*\]: .*hook.sh done (exit status 0); uid a-' "$T/kcald.out")"
check "... the watcher printed each once" wait_for 10 watched_all a
check_eq "... and none twice" "1000 UIDs 1 times; " "$(watched a)"

# --- b. SIGTERM in the middle of a burst, then a restart. ---
# interrupted SIGNAL P: a burst P; once 100 hooks have run, the hooks
# that start block on a FIFO (the gate), so that 8 are running and the
# rest waiting when kcald gets SIGNAL; then the gate goes (the hooks a
# kill -9 left behind are let go) and kcald starts again: every reminder
# reaches the hook.
interrupted() {
	burst "$2" || fail "burst $2 is imported in time"
	wait_for $((due - $(date +%s) + 60)) at_least "$2" 100 ||
		fail "burst $2: 100 hook runs started"
	mkfifo "$T/gate"
	sleep 2
	if [ "$1" = TERM ]; then stop_daemon; else kill9_daemon; fi
	before=$(runs "$2")
	check "burst $2: kill -$1 came in the middle of it ($before runs)" \
		test "$before" -lt 1000
	rm -f "$T/gate.old"
	mv "$T/gate" "$T/gate.old"
	: <>"$T/gate.old"	# a writer: blocked readers get EOF
	start_daemon -c "$T/kcald.conf" || fail "restart after kill -$1"
	check "burst $2: after the restart every reminder reaches the hook" \
		wait_for 90 all_ran "$2"
	check "burst $2: ... and the watcher printed each" \
		wait_for 15 watched_all "$2"
	sleep 1
	report "$2"
	check_eq "burst $2: the watcher printed none twice across the restart" \
		"1000 UIDs 1 times; " "$(watched "$2")"
	check "burst $2: the runs kcald did not see finish went again with KCAL_RETRY=1" \
		test "$(retries "$2")" -ge 1
	check "burst $2: only those (at most 16: 8 running, 8 ended unrecorded)" \
		test "$(retries "$2")" -le 16 -a \
		"$(($(runs "$2") - $(unique "$2")))" -le 16
	check_match "burst $2: the restart says what it found queued" \
		"notify: [0-9]+ hook runs queued by the last run of kcald, [0-9]+ of them interrupted" \
		"$(cat "$T/kcald.out")"
}
interrupted TERM b
check_match "burst b: SIGTERM killed the running hooks, kept queued" \
	"notify: 8 hooks killed at shutdown; they run again" \
	"$(cat "$T/kcald.out")"
check_eq "burst b: ... those 8 ran again with KCAL_RETRY=1" 8 "$(retries b)"

# --- c. The same with kill -9. ---
interrupted 9 c

check_eq "no hook run was dropped anywhere" 0 \
	"$(grep -c 'already waiting\|dropped\|are lost\|not made' "$T/kcald.out")"
echo "# took $(($(date +%s) - t0)) s"
done_testing
