# bash completion for kcal(1) — subcommands, their options, and the values
# of options that take a fixed set (kinds, statuses, classes, formats).
# Installed as share/bash-completion/completions/kcal.
#
# When a subcommand or option is added to kcal, add it here too:
# tests/e2e/test-docs.sh checks every option of every "kcal CMD --help".

_kcal_kinds="state-visit official-visit working-visit summit bilateral
	multilateral meeting ceremony signing banquet forum press travel visit
	exercise congress anniversary other"
_kcal_statuses="tentative confirmed cancelled"
_kcal_classes="public private confidential"

_kcal_zones()
{
	local d=/usr/share/zoneinfo
	[ -d "$d" ] || return
	COMPREPLY=($(cd "$d" && compgen -f -- "$1" |
	    while read -r z; do
		if [ -d "$z" ]; then printf '%s/\n' "$z"; else printf '%s\n' "$z"; fi
	    done))
	compopt -o nospace 2>/dev/null
}

_kcal()
{
	local cur prev cmd i opts
	local cmds="add list show edit cancel rm status itinerary people confirm conflicts watch reminders snooze ack import export feed user help"
	local event_opts="--start --end --duration --tz --end-tz --all-day --kind
		--location --description --url --participant --parent --status
		--class --remind --remind-at --rrule --city --end-city --anchor --offset
		--strict --help"

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# The subcommand: the first word that is not a global option.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-s|--socket|--timeout) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	# Values of options.
	case $prev in
	-s|--socket)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--timeout)
		COMPREPLY=($(compgen -W "0 5 10 30 60" -- "$cur")); return ;;
	--kind)
		COMPREPLY=($(compgen -W "$_kcal_kinds" -- "$cur")); return ;;
	--status)
		COMPREPLY=($(compgen -W "$_kcal_statuses" -- "$cur")); return ;;
	--class)
		COMPREPLY=($(compgen -W "$_kcal_classes" -- "$cur")); return ;;
	--tz|--end-tz)
		_kcal_zones "$cur"; return ;;
	--format)
		case $cmd in
		list) opts="table json tsv" ;;
		show) opts="text json ics" ;;
		edit|status) opts="text json" ;;
		watch|reminders) opts="text json" ;;
		itinerary) opts="text markdown html ics json" ;;
		people|conflicts) opts="text json" ;;
		import|feed) opts="text json" ;;
		*) opts="" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur")); return ;;
	--include)
		COMPREPLY=($(compgen -W "private confidential" -- "$cur")); return ;;
	--redact)
		COMPREPLY=($(compgen -W "busy title" -- "$cur")); return ;;
	--past|--future)
		COMPREPLY=($(compgen -W "30d 90d 365d 1y 2y" -- "$cur")); return ;;
	-o|--output|--users-file|--config)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--clearance)
		COMPREPLY=($(compgen -W "$_kcal_classes" -- "$cur")); return ;;
	--start|--end|--from|--to|--remind-at)
		COMPREPLY=($(compgen -W "now today tomorrow" -- "$cur")); return ;;
	--offset)
		COMPREPLY=($(compgen -W "-15m -30m -1h 15m 30m 1h" -- "$cur")); return ;;
	--duration|--remind)
		COMPREPLY=($(compgen -W "15m 30m 1h 2h 1d" -- "$cur")); return ;;
	--summary|--location|--description|--url|--participant|--parent|\
	--rrule|--search|--uid|--city|--end-city|--anchor)
		return ;;
	esac

	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$cmds -s --socket --timeout -h --help -V --version" \
		    -- "$cur"))
		return
	fi

	case $cmd in
	add)	opts="$event_opts --uid" ;;
	edit)	opts="$event_opts --summary --no-remind --no-participants --no-anchor --format" ;;
	list)	opts="--from --to --kind --participant --parent --search --status
		    --all --format --limit --cursor --help" ;;
	show)	opts="--format --help" ;;
	cancel)	opts="--help" ;;
	rm)	opts="-y --yes --help" ;;
	status)	opts="--format --help" ;;
	itinerary) opts="--format --help" ;;
	people)	opts="--from --next --format --help" ;;
	confirm) opts="--help" ;;
	conflicts) opts="--from --to --format --help" ;;
	watch)	opts="--format --no-reconnect --help" ;;
	reminders) opts="--from --to --missed --format --help" ;;
	snooze|ack) opts="--help" ;;
	import)	opts="-n --dry-run --tz --format --help"
		[[ $cur == -* ]] || { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
	export)	opts="--from --to --kind --status --participant --parent --search
		    --all -o --output --help" ;;
	feed)	opts="add list rotate rm --kind --status --participant --parent
		    --search --include --redact --past --future --alarms --briefing
		    --format
		    --help" ;;
	user)	opts="add passwd delete list --read-only --clearance --json
		    --users-file --config --help" ;;
	help)	opts="$cmds --socket --timeout --help --version" ;;
	*)	opts="" ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}

complete -F _kcal kcal
