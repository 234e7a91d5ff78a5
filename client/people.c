/*
 * people.c — `kcal people [NAME]`: everyone taking part in an event, by
 * country and precedence, with their roles and their next few events.  The
 * daemon gathers them (cmd-people.c); this file only asks and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "itinerary-html.h"
#include "kcal.h"
#include "output.h"

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
cmd_people(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "next", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*format = "text";
	json_t			*req = json_pack("{s:s}", "cmd", "people"), *res;
	char			*end;
	long			 n;
	int			 ch, json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    people_help);
			json_decref(req);
			return 0;
		case 'f':
			req_set_when(sc, req, "from", optarg);
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 0 || n > 100)
				usage_error(sc, "--next must be 0 to 100");
			json_object_set_new(req, "next", json_integer(n));
			break;
		case 'F': format = optarg; break;
		default: option_error(sc, ch, argv);
		}
	}
	json = format_is_json(sc, format);
	if (optind < argc - 1)
		usage_error(sc, "give at most one NAME");
	if (optind == argc - 1)
		json_object_set_new(req, "search", json_string(argv[optind]));
	res = call(req);
	if (json)
		out_json(stdout, res);
	else {
		out_sanitize(res);
		people_text(stdout, res);
	}
	json_decref(res);
	return 0;
}
