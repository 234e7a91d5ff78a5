#!/bin/sh
# test-user.sh — kcal user add|passwd|delete|list and the users file kcald
# reads (kcald.conf(5), ACCOUNTS): where both find it, the file's mode and
# hashes (yescrypt, never the password), and kcald refusing a malformed or
# readable-by-others file at start and keeping its accounts on a bad reload.
. "$(dirname "$0")/lib.sh"

USERS="$XDG_CONFIG_HOME/kcal/users"
PW='correct horse:battery staple'

check "add reads the password from standard input" \
	sh -c "printf '%s\n' '$PW' | '$KCAL' user add alice --clearance private"
check "add a read-only user" \
	sh -c "echo other-pw | '$KCAL' user add bob --read-only"
check_eq "the file is beside kcald.conf, mode 0600" "600" \
	"$(stat -c %a "$USERS" 2>&1)"
check_match "alice has a yescrypt hash" \
	'^alice:read-write:private:\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+$' \
	"$(cat "$USERS")"
check_match "bob is read-only, public" '^bob:read-only:public:\$y\$' \
	"$(cat "$USERS")"
if grep -rqF -e "$PW" -e other-pw "$XDG_CONFIG_HOME"; then
	fail "no password in plain anywhere"
else
	pass "no password in plain anywhere"
fi
check_eq "list --json" '[{"name":"alice","role":"read-write","clearance":"private"},{"name":"bob","role":"read-only","clearance":"public"}]' \
	"$(kcal user list --json | jq -c .)"
check_rc "a name twice is refused" 1 sh -c "echo x | '$KCAL' user add alice"
check_rc "a bad name is a usage error" 2 sh -c "echo x | '$KCAL' user add 'a:b'"
check_rc "a bad clearance is a usage error" 2 \
	sh -c "echo x | '$KCAL' user add carol --clearance secret"
check_rc "an empty password is refused" 1 \
	sh -c "echo | '$KCAL' user add carol"
check_rc "no password at all is refused" 1 \
	sh -c "'$KCAL' user add carol </dev/null"
check_eq "nothing refused reached the file" "2" "$(grep -c '^[a-z]' "$USERS")"

old=$(grep '^bob:' "$USERS")
check "passwd" sh -c "echo newer-pw | '$KCAL' user passwd bob"
new=$(grep '^bob:' "$USERS")
if [ "$old" != "$new" ] && [ "${new#bob:read-only:public:\$y\$}" != "$new" ]; then
	pass "passwd changed only the hash"
else
	fail "passwd changed only the hash" "$old
$new"
fi
check_rc "passwd of no such user" 1 sh -c "echo x | '$KCAL' user passwd zed"

# Comments and order survive an edit.
{ echo "# the protocol desk"; cat "$USERS"; } >"$T/u" && cat "$T/u" >"$USERS"
check "delete" kcal user delete alice
check_eq "delete kept the comment and the others" "# the protocol desk
bob" "$(grep -v '^# kcal\|^# Edit' "$USERS" | cut -d: -f1)"

# kcald.conf users_file, relative to the config file, for both sides.
mkdir -p "$T/etc"
printf 'users_file = accounts.txt   # beside this file\n' >"$T/etc/kcald.conf"
check "add --config finds users_file" \
	sh -c "echo pw | '$KCAL' user add --config '$T/etc/kcald.conf' dora"
check_eq "it is the file kcald.conf names" "dora" \
	"$(cut -d: -f1 "$T/etc/accounts.txt" | grep -v '^#')"
check "--users-file" sh -c "echo pw | '$KCAL' user add --users-file '$T/x/u2' eve"
check_eq "--users-file made its directory 0700 and the file 0600" "700 600" \
	"$(stat -c %a "$T/x") $(stat -c %a "$T/x/u2")"

# root creating the file gives it to the owner of its directory (a
# daemon's state directory), and keeps that owner on every rewrite.
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$T/state" && chown 12345:12345 "$T/state"
	check "root adds to a file in another user's directory" \
		sh -c "echo pw | '$KCAL' user add --users-file '$T/state/users' fay"
	check_eq "the new file is that user's" "12345 600" \
		"$(stat -c '%u %a' "$T/state/users")"
	check "root changes a password there" \
		sh -c "echo pw2 | '$KCAL' user passwd --users-file '$T/state/users' fay"
	check_eq "the file stays that user's" "12345 600" \
		"$(stat -c '%u %a' "$T/state/users")"
else
	skip "root creating and rewriting another user's users file"
fi

start_daemon --config "$T/etc/kcald.conf" || exit 1
check_match "kcald read the same file" "accounts: 1 from $T/etc/accounts.txt" \
	"$(cat "$T/kcald.out")"
# A bad file on SIGHUP: the accounts loaded before stay.
printf 'dora:read-write\n' >>"$T/etc/accounts.txt"
kill -HUP "$KCALD_PID"
if wait_for 10 grep -q "accounts.txt:4: expected NAME:ROLE:CLEARANCE:HASH; keeping the 1 accounts" "$T/kcald.out"; then
	pass "a bad reload is logged with file:line and keeps the accounts"
else
	fail "a bad reload is logged with file:line and keeps the accounts" \
		"$(tail -n 5 "$T/kcald.out")"
fi
check "kcald still answers" kcal status
stop_daemon

# At start, a malformed file or one others may read stops kcald.
: >"$T/kcald.out"
check_rc "kcald refuses a malformed users file" 1 \
	"$KCALD" --config "$T/etc/kcald.conf" --socket "$T/run/s2" \
	--data-dir "$T/data"
check_match "naming file:line" "kcald: $T/etc/accounts.txt:4: expected" \
	"$("$KCALD" --config "$T/etc/kcald.conf" --socket "$T/run/s2" \
	--data-dir "$T/data" 2>&1)"
sed -i '$d' "$T/etc/accounts.txt"
chmod 644 "$T/etc/accounts.txt"
check_match "kcald refuses a users file others may read" \
	"accounts.txt: mode 0644 lets other users see the password hashes; chmod 600 it" \
	"$("$KCALD" --config "$T/etc/kcald.conf" --socket "$T/run/s2" \
	--data-dir "$T/data" 2>&1)"
check_match "kcal user list still reads it" "^dora +read-write +public" \
	"$(kcal user list --config "$T/etc/kcald.conf")"
check "an edit makes it 0600 again" kcal user delete --config "$T/etc/kcald.conf" dora
check_eq "0600" "600" "$(stat -c %a "$T/etc/accounts.txt")"

done_testing
