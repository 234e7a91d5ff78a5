/*
 * transfer.c — iCalendar in and out, and the feeds: kcal import, kcal
 * export and kcal feed add|list|rotate|rm.  Parsing, repair and validation
 * of .ics data are the daemon's (libical) work; the client only reads
 * files, checks that they can travel in a JSON string (UTF-8 without NUL
 * bytes, naming the line if not), and prints what the daemon answers.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "kcal.h"
#include "output.h"
#include "when.h"
#include "xmalloc.h"

enum {
	O_DRY_RUN = 256, O_TZ, O_FORMAT, O_OUTPUT, O_FROM, O_TO, O_KIND,
	O_STATUS, O_PARTICIPANT, O_PARENT, O_SEARCH, O_ALL, O_INCLUDE,
	O_REDACT, O_PAST, O_FUTURE, O_ALARMS, O_BRIEFING, O_HELP
};

#define FILTER_OPTS \
	{ "kind", required_argument, NULL, O_KIND }, \
	{ "status", required_argument, NULL, O_STATUS }, \
	{ "participant", required_argument, NULL, O_PARTICIPANT }, \
	{ "parent", required_argument, NULL, O_PARENT }, \
	{ "search", required_argument, NULL, O_SEARCH }

static const char filter_help[] =
"  --kind KIND           only this kind\n"
"  --status STATUS       tentative, confirmed or cancelled\n"
"  --participant NAME    only events with this participant (substring)\n"
"  --parent UID          only the programme of this visit\n"
"  --search TEXT         text in the summary, location or description\n";

static int
filter_opt(json_t *req, int ch, const char *arg)
{
	switch (ch) {
	case O_KIND: req_set_str(req, "kind", arg); break;
	case O_STATUS: req_set_str(req, "status", arg); break;
	case O_PARTICIPANT: req_set_str(req, "participant", arg); break;
	case O_PARENT: req_set_str(req, "parent", arg); break;
	case O_SEARCH: req_set_str(req, "search", arg); break;
	default: return 0;
	}
	return 1;
}

/* The whole of a file ("-": standard input); NULL with errno set. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	*buf = NULL;
	size_t	 cap = 0, n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	do {
		if (cap - *len < 65536) {
			cap = cap ? cap * 2 : 262144;
			buf = xreallocarray(buf, 1, cap + 1);
		}
		n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
	} while (n > 0);
	if (ferror(fp)) {
		free(buf);
		if (fp != stdin)
			fclose(fp);
		errno = EIO;
		return NULL;
	}
	if (fp != stdin)
		fclose(fp);
	buf[*len] = '\0';
	return buf;
}

/*
 * A protocol string must be UTF-8 without NUL: 0, or the line (from 1) of
 * the first offending byte with *what saying which.
 */
static size_t
text_problem(const unsigned char *s, size_t len, const char **what)
{
	size_t	i = 0, line = 1, n, k;

	while (i < len) {
		if (s[i] == '\n')
			line++;
		if (s[i] == '\0') {
			*what = "a NUL byte";
			return line;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = (s[i] >> 5) == 6 ? 2 : (s[i] >> 4) == 14 ? 3 :
		    (s[i] >> 3) == 30 ? 4 : 0;
		for (k = 1; n != 0 && k < n; k++)
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				n = 0;
		if (n == 0 || (n == 2 && s[i] < 0xc2) || (n == 3 && s[i] ==
		    0xe0 && s[i + 1] < 0xa0) || (n == 3 && s[i] == 0xed &&
		    s[i + 1] >= 0xa0) || (n == 4 && ((s[i] == 0xf0 &&
		    s[i + 1] < 0x90) || s[i] > 0xf4 || (s[i] == 0xf4 &&
		    s[i + 1] >= 0x90)))) {
			*what = "bytes that are not UTF-8 (iCalendar is "
			    "UTF-8; convert the file, e.g. with iconv)";
			return line;
		}
		i += n;
	}
	return 0;
}

/*
 * RFC 5545 3.1 unfolds octets before it decodes UTF-8, and some producers
 * (Outlook, older Google exports) fold inside a character.  A JSON string
 * cannot carry half a character, so move the bytes of a character cut by
 * a fold to after the fold: the unfolded text and the line numbers stay
 * the same, and every line is UTF-8 again.
 */
static void
mend_folds(unsigned char *s, size_t len)
{
	unsigned char	 part[4];
	size_t		 i, j, k, f;

	for (i = 0; i < len; i++) {
		if (s[i] != '\n')
			continue;
		f = i > 0 && s[i - 1] == '\r' ? 2 : 1;	/* the line end */
		if (i + 1 >= len || (s[i + 1] != ' ' && s[i + 1] != '\t') ||
		    i + 2 >= len || (s[i + 2] & 0xc0) != 0x80)
			continue;
		/* the start of the cut character before the line end */
		for (k = 0, j = i + 1 - f; j > 0 && k < 3; k++)
			if ((s[--j] & 0xc0) != 0x80)
				break;
		if (s[j] < 0xc0 || s[j] > 0xf4 || (k = i + 1 - f - j) == 0)
			continue;
		memcpy(part, s + j, k);
		memmove(s + j, s + j + k, f + 1);
		memcpy(s + j + f + 1, part, k);
	}
}

static void
print_import(const char *name, json_t *res, int json)
{
	json_t	*w;
	size_t	 i;

	if (json) {
		out_json(stdout, res);
		return;
	}
	printf("%s: %lld added, %lld updated, %lld unchanged, %lld skipped%s\n",
	    name,
	    (long long)json_integer_value(json_object_get(res, "added")),
	    (long long)json_integer_value(json_object_get(res, "updated")),
	    (long long)json_integer_value(json_object_get(res, "unchanged")),
	    (long long)json_integer_value(json_object_get(res, "skipped")),
	    json_is_true(json_object_get(res, "dry_run")) ?
	    " (dry run: nothing written)" : "");
	json_array_foreach(json_object_get(res, "warnings"), i, w)
		fprintf(stderr, "kcal: %s: %s\n", name, json_string_value(w));
}

/* A file name for messages: any bytes, so "?" for those not UTF-8. */
static char *
ascii_name(const char *name)
{
	json_t	*t = json_string(name);
	char	*s = xstrdup(name);

	if (t != NULL)
		json_decref(t);
	else
		for (char *p = s; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	return s;
}

/* Import one file in one request (one transaction); 0 or EXIT_REFUSED. */
static int
import_one(struct conn **c, const char *path, int dry_run, const char *tz,
    int json)
{
	const char	*name = strcmp(path, "-") == 0 ? "stdin" : path;
	const char	*what;
	char		*text, *cause = NULL, *shown;
	size_t		 len, line;
	json_t		*req, *reply, *err;
	int		 rc = 0;

	if ((text = slurp(path, &len)) == NULL) {
		fprintf(stderr, "kcal: %s: %s\n", name, strerror(errno));
		return EXIT_REFUSED;
	}
	mend_folds((unsigned char *)text, len);
	if ((line = text_problem((unsigned char *)text, len, &what)) != 0) {
		fprintf(stderr, "kcal: %s:%zu: %s; nothing imported\n", name,
		    line, what);
		free(text);
		return EXIT_REFUSED;
	}
	req = json_pack("{s:s, s:s, s:s%, s:b}", "cmd", "import", "name",
	    shown = ascii_name(name), "ical", text, len, "dry_run", dry_run);
	free(shown);
	free(text);
	if (tz != NULL)
		req_set_str(req, "tz", tz);
	if (*c == NULL && (*c = conn_open(socket_path, &cause)) == NULL)
		die(EXIT_NOSERVER, "%s", cause);
	patient(*c);
	if ((reply = conn_call(*c, req, &cause)) == NULL)
		die(EXIT_NOSERVER, "%s", cause);
	if (json_is_true(json_object_get(reply, "ok")))
		print_import(name, json_object_get(reply, "result"), json);
	else {
		err = json_object_get(reply, "error");
		fprintf(stderr, "kcal: %s (%s)\n",
		    json_string_value(json_object_get(err, "message")),
		    json_string_value(json_object_get(err, "code")));
		rc = EXIT_REFUSED;
	}
	json_decref(reply);
	return rc;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, O_DRY_RUN },
		{ "tz", required_argument, NULL, O_TZ },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const struct subcmd	*sc = subcmd_find("import");
	const char		*tz = NULL, *format = "text";
	struct conn		*c = NULL;
	int			 ch, dry_run = 0, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
		switch (ch) {
		case O_HELP:
			printf("usage: kcal %s\n%s.\n\n"
"Each FILE (- for standard input) is imported in one transaction: a file\n"
"with an error imports nothing, and the error names the file and line.\n"
"An event whose UID exists is updated unless the file's SEQUENCE is lower.\n\n"
"  -n, --dry-run         report what would happen; write nothing\n"
"  --tz ZONE             read floating times in ZONE (default: home zone)\n"
"  --format text|json    the summary as text (default) or JSON\n",
			    sc->usage, sc->help);
			return 0;
		case 'n':
		case O_DRY_RUN: dry_run = 1; break;
		case O_TZ: tz = optarg; break;
		case O_FORMAT: format = optarg; break;
		default: usage_error(sc, "unknown option");
		}
	}
	if (optind == argc)
		usage_error(sc, "give one or more files (- for standard input)");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		usage_error(sc, "--format must be text or json");
	for (; optind < argc; optind++)
		if (import_one(&c, argv[optind], dry_run, tz,
		    strcmp(format, "json") == 0) != 0)
			rc = EXIT_REFUSED;
	conn_close(c);
	return rc;
}

static void
write_out(const char *path, const char *text, long long n)
{
	FILE	*fp;

	if (path == NULL || strcmp(path, "-") == 0) {
		fputs(text, stdout);
		return;
	}
	if ((fp = fopen(path, "w")) == NULL)
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if (fputs(text, fp) == EOF || fclose(fp) != 0)
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	fprintf(stderr, "kcal: %lld event%s written to %s\n", n,
	    n == 1 ? "" : "s", path);
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTS,
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "all", no_argument, NULL, O_ALL },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const struct subcmd	*sc = subcmd_find("export");
	json_t			*req = json_pack("{s:s}", "cmd", "export"), *res;
	const char		*output = NULL;
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case O_HELP:
			printf("usage: kcal %s\n%s.\n\n"
"Without a window every event is exported; recurring events go out whole.\n\n"
"  --from WHEN, --to WHEN  only events (or series) with time in the window\n"
"%s"
"  --all                 include cancelled events\n"
"  -o, --output FILE     write to FILE (default: standard output)\n",
			    sc->usage, sc->help, filter_help);
			json_decref(req);
			return 0;
		case O_FROM: req_set_when(sc, req, "from", optarg); break;
		case O_TO: req_set_when(sc, req, "to", optarg); break;
		case O_ALL: json_object_set_new(req, "include_cancelled",
		    json_true()); break;
		case 'o':
		case O_OUTPUT: output = optarg; break;
		default:
			if (!filter_opt(req, ch, optarg))
				usage_error(sc, "unknown option");
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	res = call_patient(req);
	write_out(output, json_string_value(json_object_get(res, "ical")),
	    (long long)json_integer_value(json_object_get(res, "count")));
	json_decref(res);
	return 0;
}

/* A feed window: DUR (kcal's units) or N years ("2y" = 730 days). */
static long long
window_arg(const struct subcmd *sc, const char *opt, const char *s)
{
	char		*end;
	long long	 n;
	size_t		 len = strlen(s);

	if (len > 1 && s[len - 1] == 'y') {
		n = strtoll(s, &end, 10);
		if (end != s + len - 1 || n < 0 || n > 100)
			usage_error(sc, "%s: cannot read \"%s\"; use e.g. 90d, "
			    "12w or 2y", opt, s);
		return n * 365 * 86400;
	}
	return parse_dur_arg(sc, opt, s);
}

static void
print_feed(json_t *f)
{
	json_t	*v;
	size_t	 i;

	printf("%s\n", json_string_value(json_object_get(f, "name")));
	if (json_is_true(json_object_get(f, "withheld")))
		printf("  url:     (withheld: only a user who may write sees "
		    "feed URLs)\n");
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
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
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
				usage_error(sc, "unknown option");
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

	if (argc == 3 && strcmp(argv[1], "--format") == 0)
		format = argv[2];
	else if (argc != 1)
		usage_error(sc, "feed list takes only --format text|json");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		usage_error(sc, "--format must be text or json");
	res = call(json_pack("{s:s}", "cmd", "feed_list"));
	if (strcmp(format, "json") == 0)
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
cmd_feed(int argc, char **argv)
{
	const struct subcmd	*sc = subcmd_find("feed");

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
