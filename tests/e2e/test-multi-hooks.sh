#!/bin/sh
# test-multi-hooks.sh — several hooks at once (notify_cmd given more than
# once) with the real kcald:
#  1. a hook that hangs on every reminder and one that logs: with 12
#     reminders due together (more than a hook's 8 slots), the logging hook
#     gets every one, once, within seconds, long before notify_timeout
#     (30s) frees the hung hook's slots; the hung hook holds its 8 slots and
#     no more.  A reload that drops the hung hook from the list drops its
#     queued runs with a warning, and so does a restart for the runs it
#     left killed.
#  2. --notify-cmd twice (replacing the file's notify_cmd): contrib's
#     kcal-notify-mail with a fake sendmail and a logging hook each get each
#     reminder exactly once.
# Reminders are set a few seconds ahead (--start +65s --remind 60s); the
# bounds are generous and all well under notify_timeout.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin" "$T/spool"
cat >"$T/bin/hang" <<EOF
#!/bin/sh
echo "\$KCAL_UID" >>"$T/hang.log"
sleep 1000 & wait
EOF
cat >"$T/bin/logger" <<EOF
#!/bin/sh
echo "\$KCAL_UID \$KCAL_RETRY \$1" >>"$T/\$1.log"
EOF
cat >"$T/bin/never" <<EOF
#!/bin/sh
echo "\$KCAL_UID" >>"$T/never.log"
EOF
cat >"$T/bin/sendmail" <<SH
#!/bin/sh
f="$T/spool/msg.\$\$"
echo "ARGS: \$*" >"\$f.tmp"
cat >>"\$f.tmp"
mv "\$f.tmp" "\$f"
SH
chmod +x "$T/bin/hang" "$T/bin/logger" "$T/bin/never" "$T/bin/sendmail"

nlines() { [ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0; }
ndistinct() { [ -f "$1" ] && cut -d' ' -f1 "$1" | sort -u | wc -l | tr -d ' ' || echo 0; }
at_least() { [ "$(nlines "$2")" -ge "$1" ]; }
warned() { [ "$(grep -c "notify_cmd number 2 is no longer set" "$T/kcald.out")" -ge "$1" ]; }

# --- 1. one hook hangs on every reminder, the other logs -------------------
printf 'notify_cmd = %s\nnotify_cmd = %s\nnotify_timeout = 30s\n' \
	"$T/bin/logger log" "$T/bin/hang" >"$T/kcald.conf"
start_daemon -c "$T/kcald.conf" || exit 1
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	kcal add "Bilateral $i" --start +65s --remind 60s >>"$T/uids" || exit 1
done
t0=$(date +%s)
check "the logging hook gets all 12 while the other hangs on each" \
	wait_for 20 at_least 12 "$T/log.log"
t1=$(date +%s)
echo "# $(nlines "$T/log.log") runs of the logging hook within $((t1 - t0)) s of the last add"
check "... well before notify_timeout (30s) frees the hung hook's slots" \
	test $((t1 - t0)) -le 20
check "the hung hook was started too" wait_for 5 at_least 8 "$T/hang.log"
sleep 2
check_eq "... 8 runs at once and no more (its own limit)" 8 \
	"$(nlines "$T/hang.log")"
check_eq "the logging hook ran once per reminder" "12 12" \
	"$(nlines "$T/log.log") $(ndistinct "$T/log.log")"
check_eq "... for the reminders added" "$(sort "$T/uids")" \
	"$(cut -d' ' -f1 "$T/log.log" | sort)"
check "no hook was killed yet" \
	sh -c "! grep -q 'killed after its timeout' '$T/kcald.out'"

# A reload that removes the hung hook: its 4 runs still queued are dropped
# with a warning; the 8 running are left to finish (or be killed).
printf 'notify_cmd = %s\nnotify_timeout = 30s\n' "$T/bin/logger log" \
	>"$T/kcald.conf"
kill -HUP "$KCALD_PID"
check "after a reload without it, its queued runs are dropped, warned" \
	wait_for 10 warned 4
sleep 1
check_eq "... those 4 only" 4 \
	"$(grep -c "notify_cmd number 2 is no longer set" "$T/kcald.out")"
kcal add "After the reload" --start +65s --remind 60s >>"$T/uids"
check "the remaining hook still gets new reminders" \
	wait_for 20 at_least 13 "$T/log.log"
sleep 2
check_eq "... once each, and the removed hook none" "13 13 8" \
	"$(nlines "$T/log.log") $(ndistinct "$T/log.log") $(nlines "$T/hang.log")"
stop_daemon

# The 8 hung runs were killed at shutdown and stay queued for position 2,
# which the next start no longer has: dropped, with a warning each.
start_daemon -c "$T/kcald.conf" || exit 1
check "at the next start the killed runs of the removed hook are dropped" \
	wait_for 10 warned 12
sleep 1
check_eq "... each once, none run" "12 8 13" \
	"$(grep -c "notify_cmd number 2 is no longer set" "$T/kcald.out") $(nlines "$T/hang.log") $(nlines "$T/log.log")"
stop_daemon

# --- 2. --notify-cmd twice: mail and a log, each once per reminder --------
printf 'notify_cmd = %s\n' "$T/bin/never" >"$T/kcald2.conf"
start_daemon --data-dir "$T/data2" -c "$T/kcald2.conf" \
	--notify-cmd "$top/contrib/notify/kcal-notify-mail -f kcal@example.org -S $T/bin/sendmail protocol@example.org" \
	--notify-cmd "$T/bin/logger two" || exit 1
for i in 1 2 3; do
	kcal add "Press conference $i" --start +65s --remind 60s \
		--tz Asia/Shanghai --location "Great Hall" >>"$T/uids2" || exit 1
done
mailed() { [ "$(ls "$T/spool" | grep -vc tmp)" -ge 3 ]; }
check "the mail hook hands each reminder to sendmail" wait_for 20 mailed
check "the logging hook gets each" wait_for 10 at_least 3 "$T/two.log"
sleep 3
check_eq "... the log exactly once each" "3 3" \
	"$(nlines "$T/two.log") $(ndistinct "$T/two.log")"
check_eq "... the mail exactly once each" "3" "$(ls "$T/spool" | wc -l | tr -d ' ')"
for u in $(cat "$T/uids2"); do
	n=$(grep -l "$u" "$T/spool"/msg.* 2>/dev/null | wc -l | tr -d ' ')
	[ "$n" = 1 ] || fail "mail for $u: $n messages"
done
check_match "... with both times in the mail" \
	'CST \(Asia/Shanghai\), [0-9:]+ KST at home' "$(cat "$T/spool"/msg.*)"
check "the file's notify_cmd was replaced by the options" \
	test ! -e "$T/never.log"
stop_daemon

done_testing
