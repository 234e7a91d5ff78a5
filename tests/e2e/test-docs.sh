#!/bin/sh
# tests/e2e/test-docs.sh — the documentation matches the code.
#
# The code is the source of truth; this fails when a kcal subcommand or
# option, a protocol command, argument or error code, a kcald option or a
# config setting is missing from the man pages (contrib/man/) or the bash
# completion, when a man page makes groff warn, when `make install` misses a
# file, or when the example config no longer parses.  Conventions the checks
# rely on (keep them when adding a feature):
#   kcal.1           one .SS per subcommand, its first word the name
#   kcal-protocol.7  one .SS per protocol command, its first word the name,
#                    each argument named in that section; each error code
#                    as a ".B code" line
#   kcald.conf.5     each setting as a ".B key" line
#   kcald.conf.example  each setting as "#key = default"
. "$(dirname "$0")/lib.sh"

MAN="$top/contrib/man"
COMP="$top/contrib/completion/kcal.bash"
EXAMPLE="$top/contrib/kcald.conf.example"

# man_has PAGE TEXT: TEXT (an option like --end-tz) appears in PAGE, where
# roff writes each '-' as '\-'.
man_has() {
	_esc=$(printf '%s' "$2" | sed 's/-/\\\\-/g')
	grep -q -- "$_esc" "$1"
}

# section PAGE NAME: the lines of the .SS section whose first word is NAME.
section() {
	awk -v n="$2" '
	/^\.S[SH] / {
		w = $2; gsub(/"/, "", w)
		on = ($1 == ".SS" && w == n)
		if (on) found = 1
		next
	}
	on { print }
	END { exit !found }' "$1"
}

# --- kcal subcommands and options ----------------------------------------

cmds=$("$KCAL" --help | awk '/^Commands:/ { on = 1; next }
	on && NF == 0 { exit } on { print $1 }')
check "kcal --help lists subcommands" test -n "$cmds"
comp_cmds=$(sed -n 's/^[[:space:]]*local cmds="\([^"]*\)".*/\1/p' "$COMP")
for c in $cmds; do
	if section "$MAN/kcal.1" "$c" >/dev/null; then
		pass "kcal.1 has a section for $c"
	else
		fail "kcal.1 has a section for $c" "no .SS starting with \"$c\""
	fi
	case " $comp_cmds " in
	*" $c "*) pass "completion knows subcommand $c" ;;
	*) fail "completion knows subcommand $c" "not in: $comp_cmds" ;;
	esac
done

# Every --option a subcommand's --help mentions: in kcal.1 and completed.
have bash || skip "bash completion (bash not installed)"
for c in $cmds; do
	opts=$("$KCAL" "$c" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' |
	    sort -u)
	[ -n "$opts" ] || continue
	missing_man= missing_comp=
	got=
	if have bash; then
		got=$(bash -c '. "$1"; COMP_WORDS=(kcal "$2" --); COMP_CWORD=2
		    _kcal; printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$c")
	fi
	for o in $opts; do
		man_has "$MAN/kcal.1" "$o" || missing_man="$missing_man $o"
		if have bash && ! printf '%s\n' "$got" | grep -qx -- "$o"; then
			missing_comp="$missing_comp $o"
		fi
	done
	check_eq "kcal.1 documents every option of kcal $c" "" "$missing_man"
	have bash && check_eq "completion offers every option of kcal $c" "" \
	    "$missing_comp"
done
missing=
for o in $("$KCAL" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
	man_has "$MAN/kcal.1" "$o" || missing="$missing $o"
done
check_eq "kcal.1 documents every global option" "" "$missing"

# --- kcald options --------------------------------------------------------

missing=
for o in $("$KCALD" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
	man_has "$MAN/kcald.8" "$o" || missing="$missing $o"
done
check_eq "kcald.8 documents every kcald option" "" "$missing"

# --- protocol commands, arguments, error codes --------------------------

# Each command of cmd.c's table, with its arguments from its cmd_entry.
proto_cmds() {
	/usr/bin/python3 - "$top/daemon" <<'EOF'
import re, sys, glob
d = sys.argv[1]
src = {f: open(f).read() for f in glob.glob(d + "/*.c")}
table = re.search(r"cmd_table\[\]\s*=\s*\{(.*?)\};", src[d + "/cmd.c"], re.S)
for sym in re.findall(r"&cmd_(\w+)_entry", table.group(1)):
    for text in src.values():
        m = re.search(r"cmd_entry\s+cmd_%s_entry\s*=\s*\{(.*?)\}" % sym,
                      text, re.S)
        if m:
            # Adjacent string literals concatenate: name, then the arguments.
            parts, cur = [], None
            for tok in re.findall(r'"((?:[^"\\]|\\.)*)"|(,)', m.group(1)):
                if tok[1]:
                    if cur is not None:
                        parts.append(cur)
                    cur = None
                else:
                    cur = (cur or "") + tok[0]
            if cur is not None:
                parts.append(cur)
            print(parts[0], *(parts[1].split() if len(parts) > 1 else []))
            break
    else:
        print("?" + sym)
EOF
}

if [ -x /usr/bin/python3 ]; then
	pcmds=$(proto_cmds)
	check "found the protocol commands in daemon/cmd.c" test -n "$pcmds"
	printf '%s\n' "$pcmds" | while read -r name args; do
		case $name in
		\?*) echo "FAIL cmd_${name#?}_entry not found"; continue ;;
		esac
		if ! sec=$(section "$MAN/kcal-protocol.7" "$name"); then
			echo "FAIL kcal-protocol.7 has a section for $name"
			continue
		fi
		missing=
		for a in $args; do
			printf '%s\n' "$sec" | grep -Eq "(^|[^a-z_])${a}([^a-z_]|\$)" ||
			    missing="$missing $a"
		done
		if [ -n "$missing" ]; then
			echo "FAIL kcal-protocol.7 $name documents:$missing"
		else
			echo "ok   kcal-protocol.7 documents $name and its arguments"
		fi
	done >"$T/proto.out"
	cat "$T/proto.out"
	_passed=$((_passed + $(grep -c '^ok' "$T/proto.out")))
	_failed=$((_failed + $(grep -c '^FAIL' "$T/proto.out")))
else
	skip "protocol commands (python3 not installed)"
fi

missing=
for code in $(sed -n 's/^#define KCAL_E_[A-Z_]*[[:space:]]*"\([a-z_]*\)".*/\1/p' \
    "$top/include/kcal-protocol.h"); do
	grep -qx "\\.B $code" "$MAN/kcal-protocol.7" || missing="$missing $code"
done
check_eq "kcal-protocol.7 documents every error code" "" "$missing"

# --- config settings -------------------------------------------------------

# The names config_set() and set_hardening() compare, and the limits table.
keys=$(awk '/^(config_set|set_hardening)\(/ { on = 1 } on && /^}/ { on = 0 } on' \
    "$top/daemon/config.c" | sed -n 's/.*strcmp(key, "\([a-z_]*\)").*/\1/p'
    sed -En 's/^[[:space:]]+(NUMBER|SIZE)\(([a-z_]+),.*/\2/p' "$top/daemon/config.c")
check "found the settings in config_set()" test -n "$keys"
missing_man= missing_ex=
for k in $keys; do
	grep -qx "\\.B $k" "$MAN/kcald.conf.5" || missing_man="$missing_man $k"
	grep -Eq "^#$k = " "$EXAMPLE" || missing_ex="$missing_ex $k"
done
check_eq "kcald.conf.5 documents every setting" "" "$missing_man"
check_eq "kcald.conf.example shows every setting" "" "$missing_ex"

# --- the man pages render --------------------------------------------------

if have groff; then
	for p in "$MAN"/*.[1-8]; do
		o=$(groff -man -Tutf8 -ww -z "$p" 2>&1)
		check_eq "groff renders $(basename "$p") without warnings" "" "$o"
	done
else
	skip "man pages render without groff warnings (groff not installed)"
fi
if have man; then
	for p in "$MAN"/*.[1-8]; do
		o=$(MANWIDTH=80 man -l "$p" 2>&1 >/dev/null)
		check_eq "man -l $(basename "$p") is clean" "" "$o"
	done
else
	skip "man -l (man-db not installed)"
fi

# --- completion of values ------------------------------------------------

if have bash; then
	complete_of() {	# words...: what the completion offers after them
		bash -c '. "$1"; shift; COMP_WORDS=("$@" ""); COMP_CWORD=$#
		    _kcal; printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$@" |
		    sort | tr '\n' ' '
	}
	start_daemon || exit 1
	# The daemon's own error message lists the accepted values.
	accepted() {
		kcal add x --start 2026-01-05 "--$1" nonesuch 2>&1 |
		    sed -n 's/.*one of: \([^)]*\)).*/\1/p' | tr -d ',' |
		    tr ' ' '\n' | sort | tr '\n' ' '
	}
	for what in kind status class; do
		want=$(accepted $what)
		check_match "the daemon lists its ${what}s" '[a-z]' "$want"
		check_eq "completion of --$what" "$want" \
		    "$(complete_of kcal add --$what)"
	done
	for c in $cmds; do
		f=$("$KCAL" "$c" --help 2>/dev/null | grep -oE -- \
		    '--format [a-z]+(\|[a-z]+)+' | head -n 1 | cut -d' ' -f2)
		[ -n "$f" ] || continue
		check_eq "completion of kcal $c --format" \
		    "$(printf '%s\n' "$f" | tr '|' '\n' | sort | tr '\n' ' ')" \
		    "$(complete_of kcal "$c" --format)"
	done
	stop_daemon
fi

# --- make install ------------------------------------------------------------

# -o all: install what is built; never rebuild (the sanitizer build, or
# another build running in the same tree, must not be disturbed).
inst="$T/inst"
if make -s -C "$top" -o all install BUILD="$BUILD" DESTDIR="$inst" \
    PREFIX=/usr >"$T/install.out" 2>&1; then
	pass "make install DESTDIR=... PREFIX=/usr"
else
	fail "make install DESTDIR=... PREFIX=/usr" "$(cat "$T/install.out")"
fi
for f in bin/kcald bin/kcal share/man/man1/kcal.1 share/man/man8/kcald.8 \
    share/man/man5/kcald.conf.5 share/man/man7/kcal-protocol.7 \
    share/bash-completion/completions/kcal lib/systemd/user/kcald.service; do
	check "installed /usr/$f" test -s "$inst/usr/$f"
done
check "installed binaries are executable" test -x "$inst/usr/bin/kcald" -a \
    -x "$inst/usr/bin/kcal"
unit="$inst/usr/lib/systemd/user/kcald.service"
check_match "unit: ExecStart=/usr/bin/kcald" '^ExecStart=/usr/bin/kcald( |$)' \
    "$(cat "$unit" 2>/dev/null)"
check_eq "unit: no @BINDIR@ left" "" "$(grep @ "$unit" 2>/dev/null)"
check_match "unit: Type=simple" '^Type=simple$' "$(cat "$unit" 2>/dev/null)"
check_match "unit: Restart=on-failure" '^Restart=on-failure$' \
    "$(cat "$unit" 2>/dev/null)"
check "installed kcal runs" "$inst/usr/bin/kcal" --version

# --- the example config parses ----------------------------------------------

# As shipped (everything commented out) ...
start_daemon --config "$EXAMPLE" || exit 1
check "kcald starts with --config kcald.conf.example" kcal status
stop_daemon
# ... and with every setting uncommented at its documented default, paths
# and port moved into the test's directory.
port=$(free_port)
sed -n 's/^#\([a-z_]* = .*\)/\1/p' "$EXAMPLE" | sed \
    -e "s|^socket = .*|socket = $KCAL_SOCKET|" \
    -e "s|^data_dir = .*|data_dir = $T/data2|" \
    -e "s|^db = .*|db = $T/data2/kcal.db|" \
    -e "s|^log_file = .*|log_file = $T/kcald2.log|" \
    -e "s|^http = .*|http = 127.0.0.1:$port|" >"$T/kcald.conf"
check_eq "the example sets each setting once" \
    "$(printf '%s\n' $keys | sort | tr '\n' ' ')" \
    "$(cut -d' ' -f1 "$T/kcald.conf" | sort | tr '\n' ' ')"
"$KCALD" --config "$T/kcald.conf" >>"$T/kcald.out" 2>&1 &
KCALD_PID=$!
i=0
until kcal status >/dev/null 2>&1 || [ $i -ge 100 ]; do
	kill -0 "$KCALD_PID" 2>/dev/null || break
	sleep 0.1; i=$((i + 1))
done
if st=$(kcal status --format json 2>&1); then
	pass "kcald starts with every example setting uncommented"
	check_eq "the example's store is used" "$T/data2/kcal.db" \
	    "$(jget "$st" .store)"
	check_eq "the example's home_tz is used" "Asia/Seoul" \
	    "$(jget "$st" .home_tz)"
	check_eq "the example's http is used" "127.0.0.1:$port" \
	    "$(jget "$st" .http)"
	check "the example's log_file is written" test -s "$T/kcald2.log"
else
	fail "kcald starts with every example setting uncommented" \
	    "$st
$(tail -n 5 "$T/kcald.out")"
	KCALD_PID=
fi


# --- the README's layout names every source file ----------------------------
# "Where is X decided?" is answered by file name only if every file is in
# the map: a new file must be added to README.md's layout section (a
# cmd-<verb>.c by the protocol command it serves, checked above).
missing=
for f in "$top"/daemon/*.c "$top"/client/*.c "$top"/include/*.c; do
	b=${f##*/}
	case $b in cmd-*.c) continue ;; esac
	grep -Fq "\`$b\`" "$top/README.md" ||
	    grep -Fq "\`${b%.c}.[ch]\`" "$top/README.md" || missing="$missing $b"
done
check_eq "README.md's layout names every source file" "" "$missing"

done_testing
