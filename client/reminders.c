/*
 * reminders.c — the reminder subcommands: watch (print reminders as they
 * go off), reminders (upcoming or missed), snooze and ack.
 *
 * `kcal watch` keeps one connection open and prints a line per reminder
 * the daemon pushes.  When kcald goes away (a restart, an upgrade) it
 * reconnects and asks for the deliveries numbered after the last one it
 * printed, so a reminder that went off meanwhile is printed once, late,
 * and none twice: page after page, until the reply that makes the
 * connection a watcher again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "conn.h"
#include "kcal.h"
#include "output.h"
#include "when.h"
#include "xmalloc.h"

enum { O_FORMAT = 256, O_FROM, O_TO, O_MISSED, O_NO_RECONNECT, O_HELP };

#define RECONNECT_NS	500000000L	/* half a second between attempts */

static const char *
str(json_t *o, const char *k)
{
	const char	*v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* A field on one line: control characters (a newline) become spaces. */
static const char *
flat(json_t *o, const char *k)
{
	static char	*buf;
	const char	*v = str(o, k);
	size_t		 i;

	free(buf);
	buf = xstrdup(v);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < ' ' || buf[i] == 0x7f)
			buf[i] = ' ';
	return buf;
}

/* "2026-01-05 10:00" from an ISO date-time; a date stays a date. */
static void
clock_text(const char *iso, char *buf, size_t len)
{
	if (strlen(iso) < 16)
		snprintf(buf, len, "%s", iso);
	else
		snprintf(buf, len, "%.10s %.5s", iso, iso + 11);
}

static void
dur_text(json_t *v, char *buf, size_t len)
{
	if (!json_is_integer(v)) {
		snprintf(buf, len, "at");
		return;
	}
	dur_format(json_integer_value(v), buf, len);
}

/* When it starts, in its own zone and (if different) on the home clock. */
static char *
start_text(json_t *r)
{
	char	 st[32], home[32], *s;

	clock_text(str(r, "start"), st, sizeof st);
	if (json_is_true(json_object_get(r, "all_day"))) {
		xasprintf(&s, "%s (all day)", st);
		return s;
	}
	clock_text(str(r, "start_home"), home, sizeof home);
	if (strcmp(str(r, "tz"), str(r, "home_tz")) == 0)
		xasprintf(&s, "%s %s", st, str(r, "start_abbr"));
	else
		xasprintf(&s, "%s %s (%s), %s %s home", st,
		    str(r, "start_abbr"), str(r, "tz"),
		    strncmp(st, home, 10) == 0 ? home + 11 : home,
		    str(r, "home_abbr"));
	return s;
}

/*
 * One line per reminder: when it went off (home clock), the summary, the
 * start in the event's zone and at home, the location, the UID.
 */
static void
print_reminder(json_t *r, int json)
{
	char	 due[32], late[32], *start;
	int	 at;

	if (json) {
		json_dumpf(r, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		fflush(stdout);
		return;
	}
	/* When it went off: a snoozed one's snooze end (older kcald: due). */
	at = json_object_get(r, "at") != NULL;
	clock_text(str(r, at ? "at" : "due"), due, sizeof due);
	start = start_text(r);
	printf("%s %s  %s", due, str(r, at ? "at_abbr" : "due_abbr"),
	    flat(r, "summary"));
	printf("  starts %s", start);
	if (*str(r, "location"))
		printf("  at %s", flat(r, "location"));
	printf("  %s", str(r, "uid"));
	if (json_is_true(json_object_get(r, "late"))) {
		dur_format(json_integer_value(json_object_get(r, "late_by")),
		    late, sizeof late);
		printf("  (late by %s)", late);
	}
	if (json_is_true(json_object_get(r, "snoozed")))
		printf("  (snoozed)");
	putchar('\n');
	fflush(stdout);
	free(start);
}

static void
sleep_ns(long ns)
{
	struct timespec	ts = { 0, ns };

	nanosleep(&ts, NULL);
}

/*
 * Print what the watch reply replays and keep the highest number: the
 * reply's own when it is higher (the last delivery so far, or the last a
 * page read, whose event may be gone or above our clearance).
 */
static void
replay(json_t *res, int json, json_int_t *seq)
{
	json_t	*r;
	size_t	 i;

	json_array_foreach(json_object_get(res, "replay"), i, r) {
		print_reminder(r, json);
		if (json_integer_value(json_object_get(r, "seq")) > *seq)
			*seq = json_integer_value(json_object_get(r, "seq"));
	}
	if (*seq < 0 || json_integer_value(json_object_get(res, "seq")) > *seq)
		*seq = json_integer_value(json_object_get(res, "seq"));
}

/*
 * Ask for the deliveries after *seq (all of them when it is -1) and print
 * them: 1 when the reply says there are more (another page; the
 * connection does not watch yet), 0 when it watches, -1 (with *cause)
 * when the connection failed.
 */
static int
watch_page(struct conn *c, json_int_t *seq, int json, char **cause)
{
	json_t	*req, *reply, *res;
	int	 more;

	req = json_pack("{s:s}", "cmd", "watch");
	if (!json)	/* a line shows a few fields: the brief form has them */
		json_object_set_new(req, "brief", json_true());
	if (*seq >= 0)
		json_object_set_new(req, "since", json_integer(*seq));
	if ((reply = conn_call(c, req, cause)) == NULL)
		return -1;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		json_t *err = json_object_get(reply, "error");
		die(EXIT_REFUSED, "%s (%s)", str(err, "message"),
		    str(err, "code"));
	}
	res = json_object_get(reply, "result");
	replay(res, json, seq);
	more = json_is_true(json_object_get(res, "more"));
	json_decref(reply);
	return more;
}

/*
 * Connect and start watching, printed what was missed (page by page);
 * NULL (with *cause) when kcald is not there.
 */
static struct conn *
watch_open(json_int_t *seq, int json, char **cause)
{
	struct conn	*c;
	int		 rc;

	if ((c = conn_open(socket_path, cause)) == NULL)
		return NULL;
	while ((rc = watch_page(c, seq, json, cause)) == 1)
		continue;
	if (rc != 0) {
		conn_close(c);
		return NULL;
	}
	conn_set_timeout(c, 0);	/* reminders come when they are due */
	return c;
}

static void
watch_loop(struct conn *c, int json, json_int_t *seq)
{
	json_t	*msg;
	char	*cause = NULL;

	while ((msg = conn_read(c, &cause)) != NULL) {
		if (strcmp(str(msg, "event"), "reminder") == 0) {
			print_reminder(msg, json);
			if (json_integer_value(json_object_get(msg, "seq")) > *seq)
				*seq = json_integer_value(json_object_get(msg,
				    "seq"));
		}
		json_decref(msg);
	}
	fprintf(stderr, "kcal: %s\n", cause);
	free(cause);
}

int
cmd_watch(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "no-reconnect", no_argument, NULL, O_NO_RECONNECT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char		*format = "text";
	struct conn		*c;
	json_int_t		 seq = -1;
	char			*cause = NULL;
	int			 ch, reconnect = 1, json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case O_HELP:
			printf("usage: kcal %s\n%s.\n\n"
			    "One line per reminder: when it went off, the "
			    "summary, the start in the\nevent's zone and at home, "
			    "the location and the UID.  When kcald restarts,\n"
			    "kcal watch reconnects and prints what it missed, "
			    "once.\n\n"
			    "  --format text|json  a line of text (default) or "
			    "the JSON object\n"
			    "  --no-reconnect      exit (status 3) when kcald "
			    "goes away\n", sc->usage, sc->help);
			return 0;
		case O_FORMAT: format = optarg; break;
		case O_NO_RECONNECT: reconnect = 0; break;
		default: option_error(sc, ch, argv);
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	json = format_is_json(sc, format);
	if ((c = watch_open(&seq, json, &cause)) == NULL)
		die(EXIT_NOSERVER, "%s", cause);
	for (;;) {
		watch_loop(c, json, &seq);
		conn_close(c);
		if (!reconnect)
			return EXIT_NOSERVER;
		fprintf(stderr, "kcal: reconnecting\n");
		while ((c = watch_open(&seq, json, &cause)) == NULL) {
			free(cause);
			cause = NULL;
			sleep_ns(RECONNECT_NS);
		}
		fprintf(stderr, "kcal: watching again\n");
	}
}

/*
 * A row of `kcal reminders`: when it goes off (home clock; a snoozed one
 * at the end of its snooze), how long before the start, the summary, the
 * start, the UID.
 */
static void
print_row(json_t *r, int missed)
{
	char	 at[32], before[32], late[32], *start;

	clock_text(str(r, missed ? "due" : "at"), at, sizeof at);
	dur_text(json_object_get(r, "before"), before, sizeof before);
	start = start_text(r);
	printf("%s %s  %-6s  %s", at, str(r, "due_abbr"), before,
	    flat(r, "summary"));
	printf("  starts %s  %s", start, str(r, "uid"));
	if (missed) {
		dur_format(json_integer_value(json_object_get(r, "late_by")),
		    late, sizeof late);
		printf("  (missed by %s)", late);
	} else if (strcmp(str(r, "state"), "snoozed") == 0)
		printf("  (snoozed)");
	putchar('\n');
	free(start);
}

int
cmd_reminders(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "missed", no_argument, NULL, O_MISSED },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	json_t			*req = json_pack("{s:s}", "cmd", "reminders");
	json_t			*res, *r;
	const char		*format = "text";
	size_t			 i;
	int			 ch, missed = 0, json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case O_HELP:
			printf("usage: kcal %s\n%s.\n\n"
			    "  --from WHEN    start of the window (default now)\n"
			    "  --to WHEN      end of the window (default 7 days "
			    "on; with --missed, now)\n"
			    "  --missed       the reminders recorded as missed: "
			    "due while kcald was down,\n"
			    "                 longer ago than remind_grace\n"
			    "  --format text|json\n\nWHEN: %s\n", sc->usage,
			    sc->help, WHEN_FORMS);
			json_decref(req);
			return 0;
		case O_FROM:
		case O_TO:
			req_set_when(sc, req, ch == O_FROM ? "from" : "to",
			    optarg);
			break;
		case O_MISSED: missed = 1; break;
		case O_FORMAT: format = optarg; break;
		default: option_error(sc, ch, argv);
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	json = format_is_json(sc, format);
	if (missed)
		json_object_set_new(req, "missed", json_true());
	res = call(req);
	if (json)
		out_json(stdout, res);
	else {
		json_array_foreach(json_object_get(res, "reminders"), i, r)
			print_row(r, missed);
		if (json_is_true(json_object_get(res, "truncated")))
			fprintf(stderr, "kcal: only the first %lld shown; "
			    "narrow the window\n", (long long)
			    json_integer_value(json_object_get(res, "limit")));
	}
	json_decref(res);
	return 0;
}

/* "snooze UID DUR" and "ack UID": one UID, maybe one more argument. */
static void
args(const struct subcmd *sc, int argc, char **argv, int want,
    const char *help)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch != O_HELP)
			option_error(sc, ch, argv);
		printf("usage: kcal %s\n%s.\n%s", sc->usage, sc->help, help);
		exit(0);
	}
	if (argc - optind != want)
		usage_error(sc, "wrong number of arguments");
}

int
cmd_snooze(const struct subcmd *sc, int argc, char **argv)
{
	json_t			*res;
	long long		 d;

	args(sc, argc, argv, 2, "\nThe reminder of UID that last went off "
	    "(or was missed) goes off again\nafter DUR.\n\nDUR: " DUR_FORMS
	    "\n");
	d = parse_dur_arg(sc, "DUR", argv[optind + 1]);
	res = call(json_pack("{s:s, s:s, s:I}", "cmd", "snooze", "uid",
	    argv[optind], "duration", (json_int_t)d));
	printf("snoozed %s until %s\n", str(res, "uid"), str(res, "until"));
	json_decref(res);
	return 0;
}

int
cmd_ack(const struct subcmd *sc, int argc, char **argv)
{
	json_t			*res;

	args(sc, argc, argv, 1, "\nDismisses the reminder of UID that last "
	    "went off, is snoozed or was\nmissed; with none, the next one "
	    "will not go off.\n");
	res = call(json_pack("{s:s, s:s}", "cmd", "ack", "uid", argv[optind]));
	printf("acknowledged %s (the reminder due %s, %s)\n", str(res, "uid"),
	    str(res, "due"), str(res, "was"));
	json_decref(res);
	return 0;
}
