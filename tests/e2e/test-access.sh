#!/bin/sh
# test-access.sh — who may connect, read and write: the socket's mode and
# group (--socket-group), and kcald.conf's readonly_/readwrite_ lists checked
# against the peer's kernel credentials on every write.  Other users are
# played with setpriv (needs root); numeric ids need no passwd entries.
. "$(dirname "$0")/lib.sh"

mode_of() { stat -c '%a %g' "$1"; }

# The default socket is 0600, whoever runs the tests.
start_daemon || exit 1
check_eq "socket is 0600 by default" "600" "$(stat -c %a "$KCAL_SOCKET")"
check "the owner writes" kcal add "Owner's meeting" --start 2026-03-02T10:00
stop_daemon

if [ "$(id -u)" -ne 0 ] || ! have setpriv; then
	skip "other users' access: needs root and setpriv"
	done_testing; exit
fi

G_SOCK=4242 G_RW=4300 G_RO=4301
U_RO=12001 U_RW=12002 U_GRW=12003 U_SOCK=12004 U_GRO=12005 U_OUT=12006
# as UID GID GROUPS cmd...: run as another user (GROUPS: comma list or "").
as() {
	_u=$1 _g=$2 _gs=$3; shift 3
	if [ -n "$_gs" ]; then
		setpriv --reuid "$_u" --regid "$_g" --groups "$_gs" -- "$@"
	else
		setpriv --reuid "$_u" --regid "$_g" --clear-groups -- "$@"
	fi
}

chmod 711 "$T"
export KCAL_SOCKET="$T/shared/kcald.sock"
cat >"$T/kcald.conf" <<EOF
# who may do what
readonly_users  = $U_RO
readwrite_users = $U_RW
readwrite_groups = $G_RW
readonly_groups = $G_RO, 4302
EOF
start_daemon --config "$T/kcald.conf" --socket-group "$G_SOCK" || exit 1
check_eq "socket 0660, group $G_SOCK" "660 $G_SOCK" "$(mode_of "$KCAL_SOCKET")"
check_eq "its new directory 0710, group $G_SOCK" "710 $G_SOCK" \
	"$(mode_of "$T/shared")"

check "readonly_users: reads" as $U_RO $G_SOCK "" "$KCAL" list --from 2026-03-01 --to 2026-03-31
out=$(as $U_RO $G_SOCK "" "$KCAL" add "Forbidden" --start 2026-03-03T10:00 2>&1); rc=$?
check_eq "readonly_users: a write is refused (exit 1)" 1 "$rc"
check_match "... with the forbidden code" '\(forbidden\)' "$out"
check_match "... naming the uid" "uid $U_RO may only read" "$out"
check_rc "readonly_users: cancel refused too" 1 \
	as $U_RO $G_SOCK "" "$KCAL" cancel "$(kcal list --from 2026-03-01 --to 2026-03-31 --format tsv | cut -f1 | head -n 1)"
check "readwrite_users: writes" as $U_RW $G_SOCK "" "$KCAL" add "RW user" --start 2026-03-04T10:00
check "readwrite_groups (supplementary): writes" \
	as $U_GRW $U_GRW "$G_SOCK,$G_RW" "$KCAL" add "RW group" --start 2026-03-05T10:00
check "socket_group alone: reads" as $U_SOCK $G_SOCK "" "$KCAL" status
check_rc "socket_group alone: cannot write" 1 \
	as $U_SOCK $G_SOCK "" "$KCAL" add "No" --start 2026-03-06T10:00
check "readonly_groups: reads" as $U_GRO $U_GRO "$G_SOCK,4302" "$KCAL" status
check_rc "readonly_groups: cannot write" 1 \
	as $U_GRO $U_GRO "$G_SOCK,4302" "$KCAL" add "No" --start 2026-03-06T10:00
check_rc "a user a readonly list names stays read-only in a readwrite group" 1 \
	as $U_RO $G_SOCK "$G_SOCK,$G_RW" "$KCAL" add "No" --start 2026-03-06T10:00
out=$(as $U_OUT $U_OUT "" "$KCAL" status 2>&1); rc=$?
check_eq "outside the group: cannot even connect (exit 3)" 3 "$rc"
check_match "... the file mode stops it" "Permission denied" "$out"
n=$(kcal list --from 2026-03-01 --to 2026-03-31 --format tsv | wc -l)
check_eq "only the allowed writes happened" 3 "$n"

# SIGHUP applies new lists to the next request, connected or not.
sed -i "s/^readonly_users .*/readonly_users = 4/; s/^readwrite_users .*/readwrite_users = $U_RW $U_RO/" \
	"$T/kcald.conf"
kill -HUP "$KCALD_PID"
i=0
until grep -q "configuration reloaded" "$T/kcald.out" || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1)); done
check "after SIGHUP the former read-only user writes" \
	as $U_RO $G_SOCK "" "$KCAL" add "Now allowed" --start 2026-03-07T10:00
stop_daemon

# Someone who can reach the socket but is in no list is refused with a
# clear error when it connects, not silently dropped.
export KCAL_SOCKET="$T/open/kcald.sock"
start_daemon || exit 1
chmod 711 "$T/open"; chmod 666 "$KCAL_SOCKET"
out=$(as $U_OUT $U_OUT "" "$KCAL" status 2>&1); rc=$?
check_eq "a peer in no list: exit 3" 3 "$rc"
check_match "... told why (forbidden)" "refused the connection: uid $U_OUT may not use this calendar \(forbidden\)" "$out"
check_match "the daemon logged it" "refused uid $U_OUT" "$(cat "$T/kcald.out")"
check "the owner still works" kcal status
stop_daemon

# Conflicting lists and unknown names stop the start with a message.
printf 'readonly_users = 7\nreadwrite_users = 7\n' >"$T/bad.conf"
out=$("$KCALD" --config "$T/bad.conf" --socket "$T/bad.sock" --data-dir "$T/bad" 2>&1); rc=$?
check_eq "conflicting lists: kcald refuses to start" 1 "$rc"
check_match "... and says why" "uid 7 is in both readonly_users and readwrite_users" "$out"
printf 'readwrite_groups = no-such-group-kcal\n' >"$T/bad.conf"
out=$("$KCALD" --config "$T/bad.conf" --socket "$T/bad.sock" --data-dir "$T/bad" 2>&1)
check_match "unknown group: named with file and line" "bad.conf:1: readwrite_groups: no such group \"no-such-group-kcal\"" "$out"
out=$("$KCALD" --socket-group no-such-group-kcal --socket "$T/bad.sock" --data-dir "$T/bad" 2>&1)
check_match "unknown --socket-group: refused" "socket_group: no such group" "$out"

done_testing
