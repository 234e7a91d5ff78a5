#!/bin/sh
# test-deb.sh — the Debian package (make deb, contrib/debian): it builds
# with dpkg-buildpackage, holds the binaries, manuals, completion, both
# systemd units and the example config, and lintian finds no error or
# warning; then, as root, it is installed with dpkg, the system unit's own
# command line is started as the dedicated user "kcal" (by systemctl when
# systemd runs this machine, else as systemd would: its RuntimeDirectory
# and StateDirectory made, the user, group and umask taken from the unit),
# answers kcal through /run/kcal/kcald.sock, and the package is purged.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "Debian package: building and installing it needs root"
	done_testing; exit
fi
# The package is built from the normal sources with dpkg-buildflags; the
# sanitizer run would only build the same package a second time.
if [ -n "$KCAL_SANITIZED" ]; then
	skip "Debian package: built and installed by the plain make test run"
	done_testing; exit
fi
DEB="$T/deb"
out=$(make -s -C "$top" deb BUILD="$DEB" 2>&1); rc=$?
check_eq "make deb builds the package" 0 "$rc"
[ "$rc" -eq 0 ] || { printf '%s\n' "$out" | tail -n 30; done_testing; exit; }
pkg=$(ls "$DEB"/deb/kcal_*.deb 2>/dev/null | head -n 1)
check "the .deb is there" test -f "$pkg"
files=$(dpkg -c "$pkg" | awk '{print $6}')
for f in usr/bin/kcald usr/bin/kcal usr/share/man/man1/kcal.1.gz \
    usr/share/man/man5/kcald.conf.5.gz usr/share/man/man7/kcal-protocol.7.gz \
    usr/share/man/man8/kcald.8.gz usr/share/bash-completion/completions/kcal \
    usr/lib/systemd/user/kcald.service lib/systemd/system/kcald.service \
    etc/kcal/kcald.conf usr/share/doc/kcal/examples/kcald.conf.example \
    usr/share/doc/kcal/copyright; do
	check_match "the package holds /$f" "^\./$f\$" "$files"
done
tags=$(grep -E '^[EW]: ' "$DEB/deb/lintian.txt")
check_eq "lintian: no error or warning" "" "$tags"
echo "     lintian: $(grep -cE '^[EWIP]: ' "$DEB/deb/lintian.txt") tag(s) shown in total"

# --- install and start ------------------------------------------------------
if dpkg -s kcal >/dev/null 2>&1; then
	skip "install and start: a kcal package is already installed here"
	done_testing; exit
fi
trap 'pkill -u kcal kcald 2>/dev/null; dpkg --purge kcal >/dev/null 2>&1; _cleanup' EXIT
check "dpkg -i installs it" dpkg -i "$pkg"
check "the dedicated user kcal exists" id kcal
check_match "the installed kcald runs" "^kcald 0" "$(/usr/bin/kcald --version)"
unit=/lib/systemd/system/kcald.service
key() { sed -n "s/^$1=//p" "$unit" | head -n 1; }
SOCK=/run/kcal/kcald.sock
if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
	check "systemctl start kcald" systemctl start kcald
else
	# As systemd would start it, from the unit's own settings.
	install -d -m "$(key RuntimeDirectoryMode)" -o "$(key User)" \
		-g "$(key Group)" "/run/$(key RuntimeDirectory)"
	install -d -m "$(key StateDirectoryMode)" -o "$(key User)" \
		-g "$(key Group)" "/var/lib/$(key StateDirectory)"
	(umask "$(key UMask)"; cd /; env -i PATH=/usr/bin:/bin TZ=Asia/Seoul \
		setpriv --reuid "$(key User)" --regid "$(key Group)" \
		--init-groups $(key ExecStart) >"$T/system-kcald.out" 2>&1 &)
fi
i=0
while [ $i -lt 100 ] && ! KCAL_SOCKET=$SOCK KCAL_SERVER_UID=kcal kcal status >/dev/null 2>&1; do
	sleep 0.1; i=$((i + 1))
done
check "the system kcald answers on $SOCK" env KCAL_SOCKET=$SOCK KCAL_SERVER_UID=kcal kcal status
check "root adds an event through it" env KCAL_SOCKET=$SOCK KCAL_SERVER_UID=kcal kcal add \
	"Package check" --start 2026-05-01T10:00 --tz Asia/Seoul
check_match "... and lists it" "Package check" \
	"$(KCAL_SOCKET=$SOCK KCAL_SERVER_UID=kcal kcal list --from 2026-05-01 --to 2026-05-02)"
check_eq "the store belongs to kcal, 0700" "kcal 700" \
	"$(stat -c '%U %a' /var/lib/kcal)"
check_eq "the socket is the group's, 0660" "kcal 660" "$(stat -c '%G %a' $SOCK)"
if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
	systemctl stop kcald
else
	pkill -u kcal kcald; sleep 0.5
fi
check "dpkg --purge removes it" dpkg --purge kcal
check "... with its store" test ! -e /var/lib/kcal
check "... and its binaries" test ! -e /usr/bin/kcald
trap _cleanup EXIT
done_testing
