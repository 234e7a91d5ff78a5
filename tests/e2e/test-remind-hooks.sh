#!/bin/sh
# test-remind-hooks.sh — the reminder hook with the real kcald: a hook that
# hangs is killed after notify_timeout, one that fails is logged, and
# neither holds up the others or the watchers; the hook runs without a
# shell (a summary full of shell syntax stays text); contrib's
# kcal-notify-send with a stand-in notify-send on PATH.
#
# Reminders are set a few seconds ahead (--start +63s --remind 60s) and
# waited for with generous bounds; nothing depends on finer timing.
. "$(dirname "$0")/lib.sh"

W1=''
trap 'kill $W1 2>/dev/null; _cleanup' EXIT

reminder_hook '$KCAL_UID args=$# $1 summary=$KCAL_SUMMARY'


# --- 1. A hanging and a failing hook do not block the others. ---
printf 'notify_timeout = 2s\n' >"$T/kcald.conf"
start_daemon --notify-cmd "$T/hook.sh first-arg" -c "$T/kcald.conf" || exit 1
"$KCAL" watch >>"$T/w1" 2>>"$T/w1.err" & W1=$!
wait_for 10 has 1 "watching (" "$T/kcald.out" || fail "the watcher connects"
hang=$(kcal add "Hang: state banquet" --start +63s --remind 60s)
bad=$(kcal add "Fail: press conference" --start +63s --remind 60s)
ok=$(kcal add 'Ok; $(touch pwned) `id` "quoted" & more' --start +63s --remind 60s)
check "the good hook runs while the hanging one hangs" \
	wait_for 15 has 1 "$ok" "$T/hook.log"
check "the watcher gets all three" \
	wait_for 5 has 3 "starts" "$T/w1"
check_match "no shell: the summary arrives as text" \
	"args=1 first-arg summary=Ok; \\\$\\(touch pwned\\) \`id\` \"quoted\" & more" \
	"$(grep -F "$ok" "$T/hook.log")"
check "no shell: nothing was run from the summary" test ! -e pwned
check "the failing hook's output is logged" \
	wait_for 5 has 1 "failing on purpose" "$T/kcald.out"
check_match "... and its failure" "failed \\(exit status 3\\)" "$(cat "$T/kcald.out")"
check "the hanging hook is killed after notify_timeout (2s)" \
	wait_for 10 has 1 "still running after 2s; killed" "$T/kcald.out"
check "... and what it started is killed with it" \
	wait_for 5 sh -c "test -s '$T/hang.pid' &&
	    ! ps -o stat= -p \$(cat '$T/hang.pid') | grep -qv Z"
check "kcald still answers" kcal status
check_eq "the failing and hanging events reached the watcher too" "1 1" \
	"$(lines "$hang" "$T/w1") $(lines "$bad" "$T/w1")"
stop_daemon

# --- 2. contrib/notify/kcal-notify-send with a stand-in notify-send. ---
cat >"$T/bin/notify-send" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s|' "\$a"; done >>"$T/notify.log"
echo >>"$T/notify.log"
EOF
chmod +x "$T/bin/notify-send"
oldpath=$PATH
PATH="$T/bin:$PATH"
start_daemon --notify-cmd "$top/contrib/notify/kcal-notify-send" \
	-c /dev/null || exit 1
PATH=$oldpath
kcal add "Motorcade departs" --start +63s --remind 60s --tz Asia/Shanghai \
	--location "Diaoyutai State Guesthouse" >/dev/null
check "notify-send is called for the reminder" \
	wait_for 15 test -s "$T/notify.log"
n=$(head -n 1 "$T/notify.log")
check_match "... as kcal, normal urgency" \
	'^--app-name=kcal\|--urgency=normal\|--category=reminder\|' "$n"
check_match "... the summary is the title" '\|--\|Motorcade departs\|' "$n"
check_match "... the body has the start in both zones and the location" \
	'\|[0-9-]+ [0-9:]+ CST \(Asia/Shanghai\), [0-9:]+ KST at home
Diaoyutai State Guesthouse\|' "$(cat "$T/notify.log")"
stop_daemon

mkdir "$T/empty"
PATH="$T/empty" "$top/contrib/notify/kcal-notify-send" >"$T/nonotify" 2>&1
check_eq "without notify-send it says so and exits 127" 127 "$?"
check_match "... naming the package" "libnotify-bin" "$(cat "$T/nonotify")"

done_testing
