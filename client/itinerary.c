/*
 * itinerary.c — `kcal itinerary UID`: a visit's programme day by day, as
 * terminal text (default), Markdown, a printable HTML briefing
 * (include/itinerary-html.c), iCalendar (the visit and its programme) or the
 * daemon's JSON.  The daemon does the grouping (days, cities, delegations
 * in precedence order, context); this file only prints.  Nothing printed
 * depends on the clock, so the same calendar prints the same bytes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itinerary.h"
#include "kcal.h"
#include "output.h"
#include "when.h"
#include "xmalloc.h"

/* Terminal text. */

static void
text_people(FILE *fp, json_t *parts, const char *label)
{
	json_t	*p;
	size_t	 i;
	char	*s;

	json_array_foreach(parts, i, p) {
		s = itin_person(p, 1);
		fprintf(fp, "%s%s%s", i == 0 ? label : "", i ? ", " : "", s);
		free(s);
	}
	if (json_array_size(parts) > 0)
		fputc('\n', fp);
}

static void
text_item(FILE *fp, json_t *res, json_t *it)
{
	char	*loc = itin_local_span(it), *home = itin_home_span(it), *a;

	fprintf(fp, "    %s", loc);
	if (*home)
		fprintf(fp, "  (home %s)", home);
	fprintf(fp, "  %s%s\n", itin_str(it, "kind"),
	    json_is_true(json_object_get(it, "tentative")) ? "  TENTATIVE" : "");
	fprintf(fp, "      %s\n", itin_str(it, "summary"));
	if (*itin_str(it, "location"))
		fprintf(fp, "      at:   %s\n", itin_str(it, "location"));
	text_people(fp, json_object_get(it, "participants"), "      with: ");
	if ((a = itin_anchor_note(res, it)) != NULL)
		fprintf(fp, "      anchored: %s\n", a);
	free(a);
	free(loc);
	free(home);
}

static void
text_delegations(FILE *fp, json_t *res)
{
	json_t	*d, *m;
	size_t	 i, j, w;

	if (json_array_size(json_object_get(res, "delegations")) == 0)
		return;
	fprintf(fp, "\nDelegations (in order of precedence)\n");
	json_array_foreach(json_object_get(res, "delegations"), i, d) {
		fprintf(fp, "  %s\n", *itin_str(d, "country") ?
		    itin_str(d, "country") : "(no country)");
		json_array_foreach(json_object_get(d, "members"), j, m) {
			json_int_t p = json_integer_value(json_object_get(m,
			    "precedence"));
			if (p > 0)
				fprintf(fp, "    %2lld  ", (long long)p);
			else
				fprintf(fp, "     -  ");
			w = out_width(itin_str(m, "name"));
			fprintf(fp, "%s", itin_str(m, "name"));
			if (*itin_str(m, "role"))
				fprintf(fp, "%*s%s", w < 28 ? (int)(30 - w) : 2,
				    "", itin_str(m, "role"));
			fputc('\n', fp);
		}
	}
}

static void
text_context(FILE *fp, json_t *res)
{
	json_t	*c;
	size_t	 i;
	char	*loc;

	if (json_array_size(json_object_get(res, "context")) == 0)
		return;
	fprintf(fp, "\nContext: tracked events during the visit\n");
	json_array_foreach(json_object_get(res, "context"), i, c) {
		loc = itin_local_span(c);
		fprintf(fp, "  %s %s  %s  %s  %s%s\n", itin_str(c, "weekday"),
		    itin_str(c, "date"), loc, itin_str(c, "kind"),
		    itin_str(c, "summary"), json_is_true(json_object_get(c,
		    "tentative")) ? "  TENTATIVE" : "");
		free(loc);
	}
}

static void
out_text(FILE *fp, json_t *res)
{
	json_t	*v = json_object_get(res, "visit"), *d, *g, *it;
	size_t	 i, j, k;
	char	*dates = itin_dates(res);

	fprintf(fp, "%s\n", itin_str(v, "summary"));
	fprintf(fp, "  %s, %s (%s)\n", itin_str(v, "kind"), dates,
	    itin_str(v, "tz"));
	free(dates);
	if (*itin_str(v, "location"))
		fprintf(fp, "  %s\n", itin_str(v, "location"));
	if (json_is_true(json_object_get(v, "tentative")) ||
	    strcmp(itin_str(v, "status"), "tentative") == 0)
		fprintf(fp, "  TENTATIVE\n");
	fprintf(fp, "  Times in the venue's zone; home is %s.\n",
	    itin_str(res, "home_tz"));
	text_delegations(fp, res);
	json_array_foreach(json_object_get(res, "days"), i, d) {
		fprintf(fp, "\n%s %s\n", itin_str(d, "weekday"),
		    itin_str(d, "date"));
		json_array_foreach(json_object_get(d, "groups"), j, g) {
			fprintf(fp, "  %s\n", *itin_str(g, "place") ?
			    itin_str(g, "place") : "(place not given)");
			json_array_foreach(json_object_get(g, "items"), k, it)
				text_item(fp, res, it);
		}
	}
	if (json_array_size(json_object_get(res, "days")) == 0)
		fprintf(fp, "\nNo programme yet (add events with --parent).\n");
	text_context(fp, res);
}

/* Markdown. */

/* Backslash-escape what Markdown would read as markup; a cell is one line. */
static void
md(FILE *fp, const char *s)
{
	for (; s != NULL && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', fp);
		else {
			if (strchr("\\`*_[]<|#&!~", *s) != NULL)
				fputc('\\', fp);
			fputc(*s, fp);
		}
	}
}

static void
md_people(FILE *fp, json_t *parts)
{
	json_t	*p;
	size_t	 i;
	char	*s;

	json_array_foreach(parts, i, p) {
		s = itin_person(p, 1);
		if (i > 0)
			fputs(", ", fp);
		md(fp, s);
		free(s);
	}
}

static void
md_item(FILE *fp, json_t *res, json_t *it)
{
	char	*loc = itin_local_span(it), *home = itin_home_span(it);
	char	*a = itin_anchor_note(res, it);

	fputs("| ", fp);
	md(fp, loc);
	fputs(" | ", fp);
	md(fp, home);
	fputs(" | ", fp);
	md(fp, itin_str(it, "kind"));
	fputs(" | ", fp);
	md(fp, itin_str(it, "summary"));
	if (json_is_true(json_object_get(it, "tentative")))
		fputs(" *(tentative)*", fp);
	if (a != NULL) {
		fputs(" *(", fp);
		md(fp, a);
		fputs(")*", fp);
	}
	fputs(" | ", fp);
	md(fp, itin_str(it, "location"));
	fputs(" | ", fp);
	md_people(fp, json_object_get(it, "participants"));
	fputs(" |\n", fp);
	free(loc);
	free(home);
	free(a);
}

static void
md_delegations(FILE *fp, json_t *res)
{
	json_t	*d, *m;
	size_t	 i, j;

	if (json_array_size(json_object_get(res, "delegations")) == 0)
		return;
	fputs("\n## Delegations\n\n| Country | Precedence | Name | Role |\n"
	    "| --- | --- | --- | --- |\n", fp);
	json_array_foreach(json_object_get(res, "delegations"), i, d) {
		json_array_foreach(json_object_get(d, "members"), j, m) {
			json_int_t p = json_integer_value(json_object_get(m,
			    "precedence"));
			fputs("| ", fp);
			md(fp, j == 0 ? itin_str(d, "country") : "");
			if (p > 0)
				fprintf(fp, " | %lld | ", (long long)p);
			else
				fputs(" |  | ", fp);
			md(fp, itin_str(m, "name"));
			fputs(" | ", fp);
			md(fp, itin_str(m, "role"));
			fputs(" |\n", fp);
		}
	}
}

static void
md_context(FILE *fp, json_t *res)
{
	json_t	*c;
	size_t	 i;
	char	*loc;

	if (json_array_size(json_object_get(res, "context")) == 0)
		return;
	fputs("\n## Context\n\nTracked events during the visit:\n\n", fp);
	json_array_foreach(json_object_get(res, "context"), i, c) {
		loc = itin_local_span(c);
		fprintf(fp, "- %s %s, ", itin_str(c, "weekday"),
		    itin_str(c, "date"));
		md(fp, loc);
		fputs(": ", fp);
		md(fp, itin_str(c, "summary"));
		fputs(" (", fp);
		md(fp, itin_str(c, "kind"));
		fputs(json_is_true(json_object_get(c, "tentative")) ?
		    ", tentative)\n" : ")\n", fp);
		free(loc);
	}
}

static void
out_markdown(FILE *fp, json_t *res)
{
	json_t	*v = json_object_get(res, "visit"), *d, *g, *it;
	size_t	 i, j, k;
	char	*dates = itin_dates(res);

	fputs("# ", fp);
	md(fp, itin_str(v, "summary"));
	fputs("\n\n- **Kind:** ", fp);
	md(fp, itin_str(v, "kind"));
	fputs("\n- **Dates:** ", fp);
	md(fp, dates);
	fputs(" (", fp);
	md(fp, itin_str(v, "tz"));
	fputs(")\n", fp);
	free(dates);
	if (*itin_str(v, "location")) {
		fputs("- **Where:** ", fp);
		md(fp, itin_str(v, "location"));
		fputc('\n', fp);
	}
	fputs("- **Status:** ", fp);
	md(fp, itin_str(v, "status"));
	fputs("\n- **Times:** in the venue's zone; home is ", fp);
	md(fp, itin_str(res, "home_tz"));
	fputc('\n', fp);
	md_delegations(fp, res);
	json_array_foreach(json_object_get(res, "days"), i, d) {
		fprintf(fp, "\n## %s %s\n", itin_str(d, "weekday"),
		    itin_str(d, "date"));
		json_array_foreach(json_object_get(d, "groups"), j, g) {
			fputs("\n### ", fp);
			md(fp, *itin_str(g, "place") ? itin_str(g, "place") :
			    "(place not given)");
			fputs("\n\n| Time | Home (", fp);
			md(fp, itin_str(res, "home_tz"));
			fputs(") | Kind | Item | Venue | Principals |\n"
			    "| --- | --- | --- | --- | --- | --- |\n", fp);
			json_array_foreach(json_object_get(g, "items"), k, it)
				md_item(fp, res, it);
		}
	}
	md_context(fp, res);
}

static const char itinerary_help[] =
"\nThe visit's programme (the events whose parent it is) day by day,\n"
"grouped by date and city, with times in the venue's zone and at home,\n"
"the delegations in order of precedence, and tracked outside events\n"
"(exercises, congresses, anniversaries) that fall within its dates.\n\n"
"  --format FORMAT  text (default), markdown, html (a printable\n"
"                   briefing), ics (the visit and its programme) or json\n";

int
cmd_itinerary(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *formats[] = { "text", "markdown", "html", "ics",
	    "json", NULL };
	const struct subcmd	*sc = subcmd_find("itinerary");
	const char		*format = "text";
	json_t			*res;
	int			 ch, ok = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'h') {
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    itinerary_help);
			return 0;
		}
		if (ch != 'f')
			usage_error(sc, "unknown option");
		format = optarg;
	}
	for (size_t i = 0; formats[i] != NULL; i++)
		ok |= strcmp(format, formats[i]) == 0;
	if (!ok)
		usage_error(sc, "--format must be text, markdown, html, ics or "
		    "json");
	if (optind != argc - 1)
		usage_error(sc, "give the visit's UID (or a unique prefix)");
	res = call(json_pack("{s:s, s:s, s:b}", "cmd", "itinerary", "uid",
	    argv[optind], "ics", strcmp(format, "ics") == 0));
	if (strcmp(format, "json") != 0 && strcmp(format, "ics") != 0)
		out_sanitize(res);	/* no raw control characters */
	if (strcmp(format, "json") == 0)
		out_json(stdout, res);
	else if (strcmp(format, "ics") == 0)
		fputs(itin_str(res, "ical"), stdout);
	else if (strcmp(format, "html") == 0)
		itin_html(stdout, res, NULL);
	else if (strcmp(format, "markdown") == 0)
		out_markdown(stdout, res);
	else
		out_text(stdout, res);
	json_decref(res);
	return 0;
}

/* `kcal people`: everyone taking part, with their next events. */

static void
people_text(FILE *fp, json_t *res)
{
	json_t		*p, *e;
	size_t		 i, j;
	json_int_t	 prec, n;

	json_array_foreach(json_object_get(res, "people"), i, p) {
		prec = json_integer_value(json_object_get(p, "precedence"));
		n = json_integer_value(json_object_get(p, "events"));
		fprintf(fp, "%s%s", i ? "\n" : "", itin_str(p, "name"));
		if (*itin_str(p, "roles") || *itin_str(p, "countries"))
			fprintf(fp, " (%s%s%s)", itin_str(p, "roles"),
			    *itin_str(p, "roles") && *itin_str(p, "countries") ?
			    "; " : "", itin_str(p, "countries"));
		if (prec > 0)
			fprintf(fp, ", precedence %lld", (long long)prec);
		fprintf(fp, ", %lld event%s\n", (long long)n, n == 1 ? "" : "s");
		json_array_foreach(json_object_get(p, "next"), j, e) {
			char *loc = itin_local_span(e);

			fprintf(fp, "  %.10s %s  %s  %s%s\n", itin_str(e, "start"),
			    loc, itin_str(e, "kind"), itin_str(e, "summary"),
			    strcmp(itin_str(e, "status"), "tentative") == 0 ?
			    "  TENTATIVE" : "");
			free(loc);
		}
		if (json_array_size(json_object_get(p, "next")) == 0)
			fprintf(fp, "  (no upcoming events)\n");
	}
	if (json_array_size(json_object_get(res, "people")) == 0)
		fprintf(fp, "No participants.\n");
}

static const char people_help[] =
"\nEveryone who takes part in an event (names compared without regard to\n"
"case), by country and precedence, with their roles and their next events.\n"
"NAME shows only the people whose name contains it.\n\n"
"  --from WHEN      next events from WHEN (default now)\n"
"  --next N         how many next events per person (default 3, 0-100)\n"
"  --format FORMAT  text (default) or json\n";

int
cmd_people(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "next", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct subcmd	*sc = subcmd_find("people");
	const char		*format = "text";
	json_t			*req = json_pack("{s:s}", "cmd", "people"), *res;
	char			*wire, *end;
	long			 n;
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    people_help);
			json_decref(req);
			return 0;
		case 'f':
			wire = parse_when_arg(sc, "--from", optarg);
			json_object_set_new(req, "from", json_string(wire));
			free(wire);
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 0 || n > 100)
				usage_error(sc, "--next must be 0 to 100");
			json_object_set_new(req, "next", json_integer(n));
			break;
		case 'F': format = optarg; break;
		default: usage_error(sc, "unknown option");
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		usage_error(sc, "--format must be text or json");
	if (optind < argc - 1)
		usage_error(sc, "give at most one NAME");
	if (optind == argc - 1)
		json_object_set_new(req, "search", json_string(argv[optind]));
	res = call(req);
	if (strcmp(format, "json") == 0)
		out_json(stdout, res);
	else {
		out_sanitize(res);
		people_text(stdout, res);
	}
	json_decref(res);
	return 0;
}

/* `kcal confirm UID...`: set the status to confirmed. */
int
cmd_confirm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct subcmd	*sc = subcmd_find("confirm");
	json_t			*res, *ev;
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'h')
			usage_error(sc, "unknown option");
		printf("usage: kcal %s\n%s.\n\nA tentative event becomes "
		    "confirmed (STATUS:CONFIRMED; SEQUENCE is incremented).\n"
		    "A cancelled event is refused: kcal edit can restore it "
		    "(its status option).\n", sc->usage, sc->help);
		return 0;
	}
	if (optind == argc)
		usage_error(sc, "give one or more UIDs");
	for (; optind < argc; optind++) {
		res = call(json_pack("{s:s, s:s}", "cmd", "get", "uid",
		    argv[optind]));
		ev = json_object_get(res, "event");
		if (strcmp(itin_str(ev, "status"), "cancelled") == 0) {
			json_decref(res);
			die(EXIT_REFUSED, "%s is cancelled; restore it with "
			    "kcal edit %s --status confirmed", argv[optind],
			    argv[optind]);
		}
		if (strcmp(itin_str(ev, "status"), "confirmed") == 0)
			printf("already confirmed %s\n", itin_str(ev, "uid"));
		else {
			json_t *r = call(json_pack("{s:s, s:s, s:s}", "cmd",
			    "update", "uid", itin_str(ev, "uid"), "status",
			    "confirmed"));
			printf("confirmed %s\n", itin_str(r, "uid"));
			json_decref(r);
		}
		json_decref(res);
	}
	return 0;
}

/* A signed DUR for --offset: -15m, +1h, 30m, or 0 (also -0s). */
long long
parse_offset_arg(const struct subcmd *sc, const char *opt, const char *s)
{
	int64_t	secs;

	if (dur_parse_signed(s, &secs) != 0)
		usage_error(sc, "%s: cannot read \"%s\" as an offset; use "
		    "[-]DUR, e.g. -15m or 1h30m (units s, m, h, d, w, each "
		    "once), or 0", opt, s);
	return (long long)secs;
}

/*
 * After add or edit: the conflicts the write created, as warnings on
 * standard error (the write succeeded), and the events that moved with it.
 */
void
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

/* `kcal conflicts`: what clashes in a window. */

static const char conflicts_help[] =
"\nWhat clashes: a participant in two overlapping events (overlap), two\n"
"consecutive events of a participant in different cities with less time\n"
"between them than the transfer takes (transfer; kcald.conf sets the\n"
"times), and events outside the dates of their visit (outside_visit).\n\n"
"  --from WHEN      start of the window (default today)\n"
"  --to WHEN        end of the window (default: open-ended)\n"
"  --format FORMAT  text (default) or json\n";

int
cmd_conflicts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct subcmd	*sc = subcmd_find("conflicts");
	const char		*format = "text";
	json_t			*req = json_pack("{s:s}", "cmd", "conflicts");
	json_t			*res, *c;
	char			*wire;
	size_t			 i, n;
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    conflicts_help);
			json_decref(req);
			return 0;
		case 'f':
		case 't':
			wire = parse_when_arg(sc, ch == 'f' ? "--from" : "--to",
			    optarg);
			json_object_set_new(req, ch == 'f' ? "from" : "to",
			    json_string(wire));
			free(wire);
			break;
		case 'F': format = optarg; break;
		default: usage_error(sc, "unknown option");
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		usage_error(sc, "--format must be text or json");
	if (!json_object_get(req, "from") && !json_object_get(req, "to")) {
		wire = parse_when_arg(sc, "--from", "today");
		json_object_set_new(req, "from", json_string(wire));
		free(wire);
	}
	res = call(req);
	if (strcmp(format, "json") == 0)
		out_json(stdout, res);
	else {
		out_sanitize(res);
		json_array_foreach(json_object_get(res, "conflicts"), i, c)
			printf("%-13s  %s\n", itin_str(c, "type"),
			    itin_str(c, "message"));
		n = json_array_size(json_object_get(res, "conflicts"));
		if (n == 0)
			printf("No conflicts.\n");
		else
			printf("%zu conflict%s.\n", n, n == 1 ? "" : "s");
	}
	json_decref(res);
	return 0;
}
