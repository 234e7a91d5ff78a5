/*
 * feeds.c — kcal feed add|list|rotate|rm: the iCalendar subscriptions kcald
 * serves over HTTP, each behind its own unguessable URL.  The daemon keeps
 * and serves them (cmd-feed.c, feed-body.c); this file turns options into
 * one request and prints the feed it describes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kcal.h"
#include "output.h"
#include "when.h"

enum {
	O_INCLUDE = 256, O_REDACT, O_PAST, O_FUTURE, O_ALARMS, O_BRIEFING,
	O_HELP
};

/* A feed window: a span (DUR or N years, when.c), or a usage error. */
static long long
window_arg(const struct subcmd *sc, const char *opt, const char *s)
{
	int64_t	n;
	size_t	len = strlen(s);

	if (dur_parse_span(s, &n) == 0)
		return (long long)n;
	if (len > 1 && s[len - 1] == 'y')
		usage_error(sc, "%s: cannot read \"%s\"; use e.g. 90d, 12w or "
		    "2y", opt, s);
	usage_error(sc, "%s: cannot read \"%s\" as a duration; use %s", opt,
	    s, DUR_FORMS);
}

static void
print_feed(json_t *f)
{
	json_t	*v;
	size_t	 i;

	printf("%s\n", json_string_value(json_object_get(f, "name")));
	if (json_is_true(json_object_get(f, "withheld")))
		printf("  url:     (withheld: only a user who may write sees "
		    "feed URLs and filters)\n");
	else {
		printf("  url:     %s\n", json_string_value(json_object_get(f,
		    "url")));
		printf("  webcal:  %s\n",
		    json_string_value(json_object_get(f, "webcal")));
	}
	printf("  events:  ");
	json_array_foreach(json_object_get(f, "include"), i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	if ((v = json_object_get(f, "redact")) != NULL && json_is_string(v))
		printf("; redacted (%s)", json_string_value(v));
	if (json_is_true(json_object_get(f, "alarms")))
		printf("; with alarms");
	printf("\n  window:  %s\n",
	    json_string_value(json_object_get(f, "window")));
	if ((v = json_object_get(f, "filters")) != NULL &&
	    json_is_string(v) && *json_string_value(v))
		printf("  filters: %s\n", json_string_value(v));
	if ((v = json_object_get(f, "briefing_url")) != NULL &&
	    json_is_string(v))
		printf("  briefing: %s\n", json_string_value(v));
}

static const char feed_help[] =
"usage: kcal feed add NAME [filters] [--include private|confidential]\n"
"                [--redact busy|title] [--past DUR] [--future DUR] [--alarms]\n"
"                [--briefing VISIT]\n"
"       kcal feed list [--format text|json]\n"
"       kcal feed rotate NAME\n"
"       kcal feed rm NAME\n\n"
"Feeds are iCalendar subscriptions served by kcald over HTTP (kcald(8)).\n"
"The built-in feed \"all\" (/feeds/all.ics) carries public events; each\n"
"feed added here is reachable only through its own unguessable URL, which\n"
"rotate replaces (the old URL stops working at once) and rm revokes.\n\n"
"%s"
"  --include CLASS       also private or confidential events (repeatable;\n"
"                        an unknown CLASS is private, and each override's\n"
"                        own CLASS decides whether it is carried)\n"
"  --redact busy|title   keep only the times and status (title: and the\n"
"                        summary; busy: every summary \"Busy\")\n"
"  --past DUR            from DUR ago (default 365d; units d, w, y)\n"
"  --future DUR          to DUR ahead (default 3y)\n"
"  --alarms              keep VALARMs (most apps ignore them in feeds)\n"
"  --briefing VISIT      the visit's programme, and its token also opens\n"
"                        the visit's printable briefing page in a browser\n"
"                        (/briefing/TOKEN.html), redacted as the feed is\n";

static int
feed_add(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTS,
		{ "include", required_argument, NULL, O_INCLUDE },
		{ "redact", required_argument, NULL, O_REDACT },
		{ "past", required_argument, NULL, O_PAST },
		{ "future", required_argument, NULL, O_FUTURE },
		{ "alarms", no_argument, NULL, O_ALARMS },
		{ "briefing", required_argument, NULL, O_BRIEFING },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	json_t	*req = json_pack("{s:s, s:[]}", "cmd", "feed_add", "include"),
		*res;
	int	 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case O_HELP: printf(feed_help, filter_help); json_decref(req);
		    return 0;
		case O_INCLUDE: json_array_append_new(json_object_get(req,
		    "include"), json_string(optarg)); break;
		case O_REDACT: req_set_str(req, "redact", optarg); break;
		case O_PAST: json_object_set_new(req, "past", json_integer(
		    window_arg(sc, "--past", optarg))); break;
		case O_FUTURE: json_object_set_new(req, "future", json_integer(
		    window_arg(sc, "--future", optarg))); break;
		case O_ALARMS: json_object_set_new(req, "alarms", json_true());
		    break;
		case O_BRIEFING: req_set_str(req, "briefing", optarg); break;
		default:
			if (!filter_opt(req, ch, optarg))
				option_error(sc, ch, argv);
		}
	}
	if (optind != argc - 1)
		usage_error(sc, "give the feed's name (e.g. kcal feed add "
		    "embassy --include private --redact busy)");
	req_set_str(req, "name", argv[optind]);
	res = call(req);
	print_feed(res);
	json_decref(res);
	return 0;
}

static int
feed_list(const struct subcmd *sc, int argc, char **argv)
{
	json_t		*res, *f;
	size_t		 i;
	const char	*format = "text";
	int		 json;

	if (argc == 3 && strcmp(argv[1], "--format") == 0)
		format = argv[2];
	else if (argc != 1)
		usage_error(sc, "feed list takes only --format text|json");
	json = format_is_json(sc, format);
	res = call(json_pack("{s:s}", "cmd", "feed_list"));
	if (json)
		out_json(stdout, res);
	else
		json_array_foreach(json_object_get(res, "feeds"), i, f)
			print_feed(f);
	if (json_is_string(json_object_get(res, "warning")))
		fprintf(stderr, "kcal: %s\n",
		    json_string_value(json_object_get(res, "warning")));
	json_decref(res);
	return 0;
}

static int
feed_name_cmd(const struct subcmd *sc, int argc, char **argv,
    const char *cmd)
{
	json_t	*res;

	if (argc != 2 || argv[1][0] == '-')
		usage_error(sc, "feed %s takes one feed name", argv[0]);
	res = call(json_pack("{s:s, s:s}", "cmd", cmd, "name", argv[1]));
	if (strcmp(cmd, "feed_rotate") == 0)
		print_feed(res);
	else
		printf("removed feed %s; its URL no longer works\n", argv[1]);
	json_decref(res);
	return 0;
}

int
cmd_feed(const struct subcmd *sc, int argc, char **argv)
{

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		if (argc < 2)
			usage_error(sc, "give add, list, rotate or rm");
		printf(feed_help, filter_help);
		return 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return feed_add(sc, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return feed_list(sc, argc - 1, argv + 1);
	if (strcmp(argv[1], "rotate") == 0)
		return feed_name_cmd(sc, argc - 1, argv + 1, "feed_rotate");
	if (strcmp(argv[1], "rm") == 0)
		return feed_name_cmd(sc, argc - 1, argv + 1, "feed_delete");
	usage_error(sc, "unknown feed command \"%s\" (add, list, rotate, rm)",
	    argv[1]);
}
