/*
 * conflicts.c — `kcal conflicts`: what clashes in a window (a participant
 * in two places at once, a transfer between cities too tight, an event
 * outside the dates of its visit).  The daemon finds them
 * (cmd-conflicts.c, conflict.c); this file only asks and prints.  The
 * warnings after kcal add and edit are events.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "itinerary-html.h"
#include "kcal.h"
#include "output.h"

static const char conflicts_help[] =
"\nWhat clashes: a participant in two overlapping events (overlap), two\n"
"consecutive events of a participant in different cities with less time\n"
"between them than the transfer takes (transfer; kcald.conf sets the\n"
"times), and events outside the dates of their visit (outside_visit).\n\n"
"  --from WHEN      start of the window (default today)\n"
"  --to WHEN        end of the window (default: open-ended)\n"
"  --format FORMAT  text (default) or json\n";

int
cmd_conflicts(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*format = "text";
	json_t			*req = json_pack("{s:s}", "cmd", "conflicts");
	json_t			*res, *c;
	size_t			 i, n;
	int			 ch, json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help,
			    conflicts_help);
			json_decref(req);
			return 0;
		case 'f':
		case 't':
			req_set_when(sc, req, ch == 'f' ? "from" : "to",
			    optarg);
			break;
		case 'F': format = optarg; break;
		default: option_error(sc, ch, argv);
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	json = format_is_json(sc, format);
	if (!json_object_get(req, "from") && !json_object_get(req, "to"))
		req_set_when(sc, req, "from", "today");
	res = call(req);
	if (json)
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
