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

#include "cli.h"
#include "itinerary.h"
#include "kcal.h"
#include "output.h"

/* Terminal text. */

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
	if (json_array_size(json_object_get(it, "participants")) > 0) {
		fputs("      with: ", fp);
		itin_people(fp, json_object_get(it, "participants"), ", ",
		    itin_plain);
		fputc('\n', fp);
	}
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
	itin_people(fp, json_object_get(it, "participants"), ", ", md);
	fputs(" |\n", fp);
	free(loc);
	free(home);
	free(a);
}

static void
md_member_row(FILE *fp, const char *cell[4], itin_put put)
{
	for (int i = 0; i < 4; i++) {
		fputs(i == 0 ? "| " : " | ", fp);
		put(fp, cell[i]);
	}
	fputs(" |\n", fp);
}

static void
md_delegations(FILE *fp, json_t *res)
{
	if (json_array_size(json_object_get(res, "delegations")) == 0)
		return;
	fputs("\n## Delegations\n\n| Country | Precedence | Name | Role |\n"
	    "| --- | --- | --- | --- |\n", fp);
	itin_member_rows(fp, res, "", md_member_row, md);
}

static void
md_context(FILE *fp, json_t *res)
{
	json_t	*c;
	size_t	 i;

	if (json_array_size(json_object_get(res, "context")) == 0)
		return;
	fputs("\n## Context\n\nTracked events during the visit:\n\n", fp);
	json_array_foreach(json_object_get(res, "context"), i, c) {
		fputs("- ", fp);
		itin_context_line(fp, c, md);
		fputc('\n', fp);
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
cmd_itinerary(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *formats[] = { "text", "markdown", "html", "ics",
	    "json", NULL };
	const char		*format = "text";
	json_t			*res;
	int			 ch, ok = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch == 'h') {
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    itinerary_help);
			return 0;
		}
		if (ch != 'f')
			option_error(sc, ch, argv);
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
