/*
 * events.c — the event subcommands: add, edit, list, show, cancel, rm,
 * status.  Each turns its options into one protocol request; the daemon
 * does all validation that needs the store or a time zone database.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "itinerary-html.h"
#include "kcal.h"
#include "kcal-protocol.h"
#include "output.h"
#include "when.h"
#include "xmalloc.h"

enum {
	O_START = 256, O_END, O_DURATION, O_TZ, O_END_TZ, O_ALL_DAY, O_KIND,
	O_LOCATION, O_DESCRIPTION, O_URL, O_PARTICIPANT, O_PARENT, O_STATUS,
	O_CLASS, O_REMIND, O_REMIND_AT, O_NO_REMIND, O_RRULE, O_SUMMARY, O_UID,
	O_FROM, O_TO, O_SEARCH, O_ALL, O_FORMAT, O_YES, O_HELP,
	O_ANCHOR, O_OFFSET, O_NO_ANCHOR, O_CITY, O_END_CITY, O_STRICT,
	O_LIMIT, O_CURSOR, O_NO_PARTICIPANTS
};

#define EVENT_OPTS \
	{ "start", required_argument, NULL, O_START }, \
	{ "end", required_argument, NULL, O_END }, \
	{ "duration", required_argument, NULL, O_DURATION }, \
	{ "tz", required_argument, NULL, O_TZ }, \
	{ "end-tz", required_argument, NULL, O_END_TZ }, \
	{ "all-day", no_argument, NULL, O_ALL_DAY }, \
	{ "kind", required_argument, NULL, O_KIND }, \
	{ "location", required_argument, NULL, O_LOCATION }, \
	{ "description", required_argument, NULL, O_DESCRIPTION }, \
	{ "url", required_argument, NULL, O_URL }, \
	{ "participant", required_argument, NULL, O_PARTICIPANT }, \
	{ "parent", required_argument, NULL, O_PARENT }, \
	{ "status", required_argument, NULL, O_STATUS }, \
	{ "class", required_argument, NULL, O_CLASS }, \
	{ "remind", required_argument, NULL, O_REMIND }, \
	{ "remind-at", required_argument, NULL, O_REMIND_AT }, \
	{ "rrule", required_argument, NULL, O_RRULE }, \
	{ "anchor", required_argument, NULL, O_ANCHOR }, \
	{ "offset", required_argument, NULL, O_OFFSET }, \
	{ "city", required_argument, NULL, O_CITY }, \
	{ "end-city", required_argument, NULL, O_END_CITY }, \
	{ "strict", no_argument, NULL, O_STRICT }, \
	{ "help", no_argument, NULL, O_HELP }

static const char event_help[] =
"  --start WHEN          when it starts (a date alone: all-day)\n"
"  --end WHEN            when it ends (all-day: the day after the last)\n"
"  --duration DUR        or how long it lasts (default 1h; all-day 1d)\n"
"  --tz ZONE             the IANA zone its times are read in (default home)\n"
"  --end-tz ZONE         the zone it ends in, for travel across zones\n"
"  --all-day             an all-day event (--start takes a date)\n"
"  --kind KIND           state-visit official-visit working-visit summit\n"
"                        bilateral multilateral meeting ceremony signing\n"
"                        banquet forum press travel visit exercise congress\n"
"                        anniversary other\n"
"  --location TEXT, --description TEXT, --url URL\n"
"  --participant \"NAME;ROLE;COUNTRY[;PRECEDENCE]\"  (repeatable)\n"
"  --parent UID          the visit this event belongs to\n"
"  --status STATUS       tentative, confirmed or cancelled\n"
"  --class CLASS         public, private or confidential\n"
"  --remind DUR          remind DUR before the start, 0 at it (repeatable)\n"
"  --remind-at WHEN      remind at WHEN, read in the home zone (repeatable)\n"
"  --rrule RULE          RFC 5545 recurrence, e.g. FREQ=YEARLY\n"
"  --city CITY           the city it is in (default: from the location)\n"
"  --end-city CITY       the city a travel leg arrives in\n"
"  --anchor UID          follow another event: start at its start plus\n"
"                        --offset, and move whenever it moves\n"
"  --offset [-]DUR       from the anchor's start, e.g. -15m (default 0)\n"
"  --strict              refuse instead of warning when it conflicts\n";

static void
help(const struct subcmd *sc, const char *extra)
{
	printf("usage: kcal %s\n%s.\n\n%s", sc->usage, sc->help, extra);
	printf("\nWHEN: %s\nDUR:  %s\n", WHEN_FORMS, DUR_FORMS);
}

static json_t *
participant(const struct subcmd *sc, const char *spec)
{
	char	*s = xstrdup(spec), *f[4] = { NULL, NULL, NULL, NULL };
	char	*p = s, *end;
	json_t	*o;
	int	 n = 0;
	long	 prec = 0;

	while (n < 4 && (f[n++] = strsep(&p, ";")) != NULL)
		;
	if (p != NULL || f[0] == NULL || *f[0] == '\0')
		usage_error(sc, "--participant \"%s\": use \"NAME;ROLE;COUNTRY"
		    "[;PRECEDENCE]\"", spec);
	if (f[3] != NULL && *f[3] != '\0') {
		prec = strtol(f[3], &end, 10);
		if (*end != '\0' || prec < 0 || prec > KCAL_PRECEDENCE_MAX)
			usage_error(sc, "--participant \"%s\": precedence must "
			    "be a number from 0 to %d", spec,
			    KCAL_PRECEDENCE_MAX);
	}
	o = json_pack("{s:s}", "name", f[0]);
	if (f[1] && *f[1])
		json_object_set_new(o, "role", json_string(f[1]));
	if (f[2] && *f[2])
		json_object_set_new(o, "country", json_string(f[2]));
	if (prec > 0)
		json_object_set_new(o, "precedence", json_integer(prec));
	free(s);
	return o;
}

static void
append(json_t *req, const char *key, json_t *v)
{
	json_t	*a = json_object_get(req, key);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(req, key, a);
	}
	json_array_append_new(a, v);
}

/* One add/edit option into the request; 0 if ch is not an event option. */
static int
event_opt(const struct subcmd *sc, json_t *req, int ch, const char *arg)
{
	switch (ch) {
	case O_START: req_set_when(sc, req, "start", arg); break;
	case O_END: req_set_when(sc, req, "end", arg); break;
	case O_DURATION: json_object_set_new(req, "duration",
	    json_integer(parse_dur_arg(sc, "--duration", arg))); break;
	case O_TZ: req_set_zone(sc, req, "tz", arg); break;
	case O_END_TZ: req_set_zone(sc, req, "end_tz", arg); break;
	case O_ALL_DAY: json_object_set_new(req, "all_day", json_true()); break;
	case O_KIND: req_set_str(req, "kind", arg); break;
	case O_LOCATION: req_set_str(req, "location", arg); break;
	case O_DESCRIPTION: req_set_str(req, "description", arg); break;
	case O_URL: req_set_str(req, "url", arg); break;
	case O_PARENT: req_set_str(req, "parent", arg); break;
	case O_STATUS: req_set_str(req, "status", arg); break;
	case O_CLASS: req_set_str(req, "class", arg); break;
	case O_RRULE: req_set_str(req, "rrule", arg); break;
	case O_CITY: req_set_str(req, "city", arg); break;
	case O_END_CITY: req_set_str(req, "end_city", arg); break;
	case O_ANCHOR: req_set_str(req, "anchor", arg); break;
	case O_OFFSET: json_object_set_new(req, "anchor_offset",
	    json_integer(parse_offset_arg(sc, "--offset", arg))); break;
	case O_STRICT: json_object_set_new(req, "strict", json_true()); break;
	case O_PARTICIPANT: append(req, "participants", participant(sc, arg));
	    break;
	case O_REMIND: append(req, "remind", json_integer(parse_lead_arg(sc,
	    "--remind", arg))); break;
	case O_REMIND_AT: {
		char *w = parse_when_arg(sc, "--remind-at", arg);

		append(req, "remind_at", json_string(w));
		free(w);
		break;
	}
	default: return 0;
	}
	return 1;
}

/*
 * After add or edit: the conflicts the write created, as warnings on
 * standard error (the write succeeded), and the events that moved with it.
 */
static void
write_report(json_t *res)
{
	json_t	*c, *u;
	size_t	 i;

	json_array_foreach(json_object_get(res, "conflicts"), i, c)
		fprintf(stderr, "kcal: warning: %s conflict: %s\n",
		    itin_str(c, "type"), itin_str(c, "message"));
	if (json_is_true(json_object_get(res, "conflicts_truncated")))
		fprintf(stderr, "kcal: warning: more conflicts than these; "
		    "see kcal conflicts\n");
	json_array_foreach(json_object_get(res, "moved"), i, u)
		fprintf(stderr, "kcal: moved with it: %s\n",
		    json_string_value(u));
}

int
cmd_add(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		EVENT_OPTS,
		{ "uid", required_argument, NULL, O_UID },
		{ NULL, 0, NULL, 0 }
	};
	json_t			*req = json_pack("{s:s}", "cmd", "add"), *res;
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch == O_HELP) {
			help(sc, event_help);
			printf("  --uid UID             choose the UID (default: "
			    "a new random one)\n");
			json_decref(req);
			return 0;
		}
		if (ch == O_UID)
			req_set_str(req, "uid", optarg);
		else if (!event_opt(sc, req, ch, optarg))
			option_error(sc, ch, argv);
	}
	if (optind != argc - 1)
		usage_error(sc, "give the summary as one argument");
	if (json_object_get(req, "start") == NULL &&
	    json_object_get(req, "anchor") == NULL)
		usage_error(sc, "--start (or --anchor) is required");
	req_set_str(req, "summary", argv[optind]);
	res = call(req);
	write_report(res);
	printf("%s\n", json_string_value(json_object_get(res, "uid")));
	json_decref(res);
	return 0;
}

int
cmd_edit(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		EVENT_OPTS,
		{ "summary", required_argument, NULL, O_SUMMARY },
		{ "no-remind", no_argument, NULL, O_NO_REMIND },
		{ "no-participants", no_argument, NULL, O_NO_PARTICIPANTS },
		{ "no-anchor", no_argument, NULL, O_NO_ANCHOR },
		{ "format", required_argument, NULL, O_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	json_t			*req = json_pack("{s:s}", "cmd", "update"), *res;
	const char		*format = "text";
	int			 ch, json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch == O_HELP) {
			help(sc, "Only the fields given change; moving the start "
			    "keeps the duration.\n\n  --summary TEXT        "
			    "rename\n  --no-remind           remove every "
			    "reminder\n  --no-participants     remove every "
			    "participant\n  --no-anchor           stop following "
			    "the anchor (stay put)\n  --format text|json    "
			    "what to print afterwards\n");
			printf("%s", event_help);
			json_decref(req);
			return 0;
		}
		if (ch == O_SUMMARY)
			req_set_str(req, "summary", optarg);
		else if (ch == O_NO_REMIND) {
			json_object_set_new(req, "remind", json_array());
			json_object_set_new(req, "remind_at", json_array());
		}
		else if (ch == O_NO_PARTICIPANTS)
			json_object_set_new(req, "participants", json_array());
		else if (ch == O_NO_ANCHOR)
			req_set_str(req, "anchor", "");
		else if (ch == O_FORMAT)
			format = optarg;
		else if (!event_opt(sc, req, ch, optarg))
			option_error(sc, ch, argv);
	}
	if (optind != argc - 1)
		usage_error(sc, "give one UID");
	if (json_object_size(req) == 1)
		usage_error(sc, "nothing to change");
	json = format_is_json(sc, format);
	req_set_str(req, "uid", argv[optind]);
	res = call(req);
	write_report(res);
	if (json)
		out_json(stdout, res);
	else
		out_event(stdout, res, out_color(stdout));
	json_decref(res);
	return 0;
}

/* The default window: today and the 6 days after, on the home clock. */
static void
default_window(json_t *req)
{
	struct when	 w;
	char		*s;

	when_parse("today", (int64_t)time(NULL), &w);
	s = when_format_wire(&w);
	req_set_str(req, "from", s);
	free(s);
	civil_from_days(days_from_civil(w.year, w.mon, w.day) + 7, &w.year,
	    &w.mon, &w.day);
	s = when_format_wire(&w);
	req_set_str(req, "to", s);
	free(s);
}

/* An empty window says so, instead of printing a bare header. */
static void
no_events(json_t *req)
{
	const char	*from = json_string_value(json_object_get(req, "from"));
	const char	*to = json_string_value(json_object_get(req, "to"));

	if (from != NULL && to != NULL)
		printf("No events from %s to %s.\n", from, to);
	else if (from != NULL)
		printf("No events from %s on.\n", from);
	else
		printf("No events before %s.\n", to ? to : "the end of time");
}

static const char list_help[] =
"  --from WHEN           start of the window (dates are read in the home zone)\n"
"  --to WHEN             end of the window (exclusive)\n"
"                        neither: today and the next 6 days; one: open-ended\n"
"  --kind KIND           only this kind\n"
"  --participant NAME    only events with this participant (substring)\n"
"  --parent UID          only the programme of this visit\n"
"  --search TEXT         text in the summary, location or description\n"
"  --status STATUS       tentative, confirmed or cancelled\n"
"  --all                 include cancelled events\n"
"  --format FORMAT       table (default), json or tsv\n"
"  --limit N             only the first N (1 to 10000): one page\n"
"  --cursor CURSOR       the page after the one that gave this next_cursor\n";

/* "--limit N": a whole number, the daemon checks its range. */
static void
req_set_limit(const struct subcmd *sc, json_t *req, const char *arg)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || errno != 0)
		usage_error(sc, "--limit must be a whole number");
	json_object_set_new(req, "limit", json_integer(n));
}

/* A page with more after it: how to get the next (the cursor itself). */
static void
say_next_page(json_t *res)
{
	const char	*next = json_string_value(json_object_get(res,
	    "next_cursor"));

	if (next != NULL)
		fprintf(stderr, "kcal: more: the next page is "
		    "--cursor %s\n", next);
}

/* A cut list: by max_occurrences, or by kcald's expansion budget. */
static void
say_truncated(json_t *res)
{
	json_int_t	limit = json_integer_value(json_object_get(res, "limit"));

	if (json_integer_value(json_object_get(res, "count")) >= limit)
		fprintf(stderr, "kcal: only the first %lld shown (kcald's "
		    "max_occurrences); narrow the window\n", (long long)limit);
	else
		fprintf(stderr, "kcal: the list is incomplete: a recurring "
		    "event costs more to expand than kcald spends on one "
		    "request; narrow the window\n");
}

int
cmd_list(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "kind", required_argument, NULL, O_KIND },
		{ "participant", required_argument, NULL, O_PARTICIPANT },
		{ "parent", required_argument, NULL, O_PARENT },
		{ "search", required_argument, NULL, O_SEARCH },
		{ "status", required_argument, NULL, O_STATUS },
		{ "all", no_argument, NULL, O_ALL },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "cursor", required_argument, NULL, O_CURSOR },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	json_t			*req = json_pack("{s:s}", "cmd", "list"), *res;
	const char		*format = "table";
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case O_HELP:
			help(sc, list_help);
			json_decref(req);
			return 0;
		case O_FROM: req_set_when(sc, req, "from", optarg); break;
		case O_TO: req_set_when(sc, req, "to", optarg); break;
		case O_KIND: req_set_str(req, "kind", optarg); break;
		case O_PARTICIPANT: req_set_str(req, "participant", optarg); break;
		case O_PARENT: req_set_str(req, "parent", optarg); break;
		case O_SEARCH: req_set_str(req, "search", optarg); break;
		case O_STATUS: req_set_str(req, "status", optarg); break;
		case O_ALL: json_object_set_new(req, "include_cancelled",
		    json_true()); break;
		case O_FORMAT: format = optarg; break;
		case O_LIMIT: req_set_limit(sc, req, optarg); break;
		case O_CURSOR: req_set_str(req, "cursor", optarg); break;
		default: option_error(sc, ch, argv);
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "tsv") != 0)
		usage_error(sc, "--format must be table, json or tsv");
	if (!json_object_get(req, "from") && !json_object_get(req, "to"))
		default_window(req);
	json_incref(req);	/* kept for the empty window's message */
	res = call(req);
	if (strcmp(format, "json") == 0)
		out_json(stdout, res);
	else if (strcmp(format, "tsv") == 0) {
		out_tsv(stdout, json_object_get(res, "events"));
		if (json_is_true(json_object_get(res, "truncated")))
			say_truncated(res);
		say_next_page(res);
	} else {
		if (json_array_size(json_object_get(res, "events")) == 0)
			no_events(req);
		else
			out_table(stdout, json_object_get(res, "events"),
			    out_color(stdout));
		/* Empty and cut short is not "no events": say so too. */
		if (json_is_true(json_object_get(res, "truncated")))
			say_truncated(res);
		say_next_page(res);
	}
	json_decref(res);
	json_decref(req);
	return 0;
}

/* Parse "SUBCMD [--format F] UID" and the --help / usage cases. */
static const char *
one_uid(const struct subcmd *sc, int argc, char **argv, const char **format,
    int *yes, const char *extra)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "yes", no_argument, NULL, O_YES },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":y", opts, NULL)) != -1) {
		if (ch == O_HELP) {
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    extra);
			return NULL;
		} else if (ch == O_FORMAT && format != NULL)
			*format = optarg;
		else if ((ch == O_YES || ch == 'y') && yes != NULL)
			*yes = 1;
		else
			option_error(sc, ch, argv);
	}
	if (optind != argc - 1)
		usage_error(sc, "give one UID (or a unique prefix of it)");
	return argv[optind];
}

int
cmd_show(const struct subcmd *sc, int argc, char **argv)
{
	const char		*format = "text", *uid;
	json_t			*res;

	uid = one_uid(sc, argc, argv, &format, NULL, "\n  --format FORMAT  "
	    "text (default), json (every field) or ics (the VEVENT)\n");
	if (uid == NULL)
		return 0;
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "ics"))
		usage_error(sc, "--format must be text, json or ics");
	res = call(json_pack("{s:s, s:s}", "cmd", "get", "uid", uid));
	if (strcmp(format, "json") == 0)
		out_json(stdout, json_object_get(res, "event"));
	else if (strcmp(format, "ics") == 0)
		fputs(json_string_value(json_object_get(res, "ical")), stdout);
	else
		out_event(stdout, json_object_get(res, "event"),
		    out_color(stdout));
	json_decref(res);
	return 0;
}

int
cmd_cancel(const struct subcmd *sc, int argc, char **argv)
{
	const char		*uid = one_uid(sc, argc, argv, NULL, NULL,
				    "It stays as a STATUS:CANCELLED tombstone "
				    "so that subscribers remove it.\n");
	json_t			*res;

	if (uid == NULL)
		return 0;
	res = call(json_pack("{s:s, s:s}", "cmd", "cancel", "uid", uid));
	printf("cancelled %s\n", json_string_value(json_object_get(res, "uid")));
	json_decref(res);
	return 0;
}

int
cmd_rm(const struct subcmd *sc, int argc, char **argv)
{
	int			 yes = 0;
	const char		*uid = one_uid(sc, argc, argv, NULL, &yes,
				    "\n  -y, --yes  really delete (kcal cancel "
				    "keeps a tombstone instead)\n");
	json_t			*res, *u;
	size_t			 i;

	if (uid == NULL)
		return 0;
	if (!yes)
		usage_error(sc, "rm deletes for good: add --yes (or use kcal "
		    "cancel)");
	res = call(json_pack("{s:s, s:s}", "cmd", "delete", "uid", uid));
	printf("deleted %s\n", json_string_value(json_object_get(res, "uid")));
	/* The events that followed it stay where they were. */
	json_array_foreach(json_object_get(res, "detached"), i, u)
		fprintf(stderr, "kcal: no longer anchored, kept at its time: "
		    "%s\n", json_string_value(u));
	json_decref(res);
	return 0;
}

int
cmd_status(const struct subcmd *sc, int argc, char **argv)
{
	const char		*format = "text", *key;
	json_t			*res, *v;
	int			 ch;
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch == O_HELP) {
			printf("usage: kcal %s\n%s.\n", sc->usage, sc->help);
			return 0;
		}
		if (ch != O_FORMAT)
			option_error(sc, ch, argv);
		format = optarg;
	}
	if (optind != argc || (strcmp(format, "text") && strcmp(format, "json")))
		usage_error(sc, "takes only --format text|json");
	res = call(json_pack("{s:s}", "cmd", "status"));
	if (strcmp(format, "json") == 0)
		out_json(stdout, res);
	else
		json_object_foreach(res, key, v) {
			char *s = json_is_string(v) ? xstrdup(json_string_value(v)) :
			    json_dumps(v, JSON_ENCODE_ANY);
			printf("%-12s %s\n", key, s);
			free(s);
		}
	json_decref(res);
	return 0;
}
