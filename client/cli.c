/*
 * cli.c — the helpers every kcal subcommand uses (cli.h): one request to
 * kcald and its error, the documented exit statuses, and WHEN, DUR and
 * offset arguments read into requests or refused with a usage error that
 * names the forms.  It is blocking and simple on purpose; it needs no
 * event loop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "when.h"

const char	*socket_path;
static struct conn *conn;
int		 stdout_closed_at_start;	/* kcal.c, std_fds */
static int	 timeout_given;	/* --timeout was on the command line */

void
die(int status, const char *fmt, ...)
{
	va_list	ap;

	fputs("kcal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	finish();
	exit(status);
}

void
usage_error(const struct subcmd *sc, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "kcal %s: ", sc->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (usage: kcal %s)\n", sc->usage);
	finish();
	exit(EXIT_USAGE);
}

/*
 * getopt_long, on argv, returned ch for an option the command does not
 * take: ':' (optstrings start with ':', which also keeps getopt from
 * printing a line of its own) when it lacks its value, else '?' when it
 * is unknown.  One line, naming it: a short one by optopt (it may be
 * inside a group, "-qy"), a long one as written, at optind - 1.
 */
void
option_error(const struct subcmd *sc, int ch, char **argv)
{
	char		 shortopt[3] = { '-', (char)optopt, '\0' };
	const char	*arg = optopt > 0 && optopt < 256 ? shortopt :
			    optind > 0 ? argv[optind - 1] : "?";

	if (ch == ':')
		usage_error(sc, "option %s needs a value", arg);
	usage_error(sc, "unknown option %s", arg);
}

/*
 * Work that grows with the data (an import, an export) may keep kcald
 * busy for longer than the default bound before the reply starts: wait for
 * it as long as it takes, unless --timeout was given.  The connection and
 * the greeting keep their bound.
 */
void
patient(struct conn *c)
{
	if (!timeout_given)
		conn_set_timeout(c, 0);
}

/* --timeout SECONDS (kcal.c has read it): also for patient() calls. */
void
set_timeout(unsigned secs)
{
	conn_default_timeout(secs);
	timeout_given = 1;
}

static void
connect_or_die(json_t *req)
{
	char	*cause = NULL;

	if (conn == NULL && (conn = conn_open(socket_path, &cause)) == NULL) {
		json_decref(req);
		die(EXIT_NOSERVER, "%s", cause);
	}
}

/* call() for a request whose reply may take long (see patient()). */
json_t *
call_patient(json_t *req)
{
	connect_or_die(req);
	patient(conn);
	return call(req);
}

/*
 * Send a request (stolen); return the result, or NULL with the daemon's
 * refusal printed (one line, its code in parentheses).  A daemon that
 * cannot be reached still exits.
 */
json_t *
call_or_null(json_t *req)
{
	json_t		*reply, *result, *err;
	char		*cause = NULL;

	connect_or_die(req);
	if ((reply = conn_call(conn, req, &cause)) == NULL)
		die(EXIT_NOSERVER, "%s", cause);
	if (!json_is_true(json_object_get(reply, "ok"))) {
		err = json_object_get(reply, "error");
		fprintf(stderr, "kcal: %s (%s)\n",
		    json_string_value(json_object_get(err, "message")),
		    json_string_value(json_object_get(err, "code")));
		json_decref(reply);
		return NULL;
	}
	result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return result;
}

/* Send a request (stolen); return the result, or exit with the error. */
json_t *
call(json_t *req)
{
	json_t	*result = call_or_null(req);

	if (result == NULL) {
		finish();
		exit(EXIT_REFUSED);
	}
	return result;
}

void
finish(void)
{
	conn_close(conn);
	conn = NULL;
}

/* Parse a WHEN option, or a usage error saying why or naming the forms. */
static void
when_or_die(const struct subcmd *sc, const char *opt, const char *s,
    struct when *w)
{
	const char	*why = NULL;

	if (when_parse_why(s, (int64_t)time(NULL), w, &why) != 0) {
		if (why != NULL)
			usage_error(sc, "%s: cannot read \"%s\": %s", opt, s,
			    why);
		usage_error(sc, "%s: cannot read \"%s\"; use %s", opt, s,
		    WHEN_FORMS);
	}
}

/* A WHEN option's wire form; a zone inside it is for --start/--end only. */
char *
parse_when_arg(const struct subcmd *sc, const char *opt, const char *s)
{
	struct when	w;

	when_or_die(sc, opt, s, &w);
	if (w.zone[0] != '\0')
		usage_error(sc, "%s: a zone inside WHEN (\"%s\") is read only "
		    "by --start and --end; give %s without it", opt, w.zone, opt);
	return when_format_wire(&w);
}

/*
 * The zone of --start (tz) or --end (end_tz), from --tz/--end-tz or from a
 * zone inside WHEN; the two must agree.
 */
void
req_set_zone(const struct subcmd *sc, json_t *req, const char *key,
    const char *zone)
{
	const char	*had = json_string_value(json_object_get(req, key));

	if (had != NULL && strcmp(had, zone) != 0)
		usage_error(sc, "two zones for the %s: %s and %s",
		    strcmp(key, "tz") == 0 ? "start" : "end", had, zone);
	req_set_str(req, key, zone);
}

/* Whether --format FORMAT asks for JSON; neither text nor json: usage. */
int
format_is_json(const struct subcmd *sc, const char *format)
{
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		usage_error(sc, "--format must be text or json");
	return strcmp(format, "json") == 0;
}

/* Request builders shared by the subcommand modules. */
void
req_set_str(json_t *req, const char *key, const char *v)
{
	json_object_set_new(req, key, json_string(v));
}

/* A WHEN option (--KEY) into the request in its wire form. */
void
req_set_when(const struct subcmd *sc, json_t *req, const char *key,
    const char *arg)
{
	struct when	 w;
	char		 opt[32], *wire;

	snprintf(opt, sizeof opt, "--%s", key);
	if (strcmp(key, "start") != 0 && strcmp(key, "end") != 0) {
		wire = parse_when_arg(sc, opt, arg);
		req_set_str(req, key, wire);
		free(wire);
		return;
	}
	when_or_die(sc, opt, arg, &w);
	if (w.zone[0] != '\0')
		req_set_zone(sc, req, strcmp(key, "start") == 0 ? "tz" :
		    "end_tz", w.zone);
	wire = when_format_wire(&w);
	req_set_str(req, key, wire);
	free(wire);
}

long long
parse_dur_arg(const struct subcmd *sc, const char *opt, const char *s)
{
	int64_t	secs;

	if (dur_parse(s, &secs) != 0)
		usage_error(sc, "%s: cannot read \"%s\" as a duration; use %s",
		    opt, s, DUR_FORMS);
	return (long long)secs;
}

/* A reminder's lead: DUR, or 0 (also 0s, 0m) for the start itself. */
long long
parse_lead_arg(const struct subcmd *sc, const char *opt, const char *s)
{
	int64_t	secs;

	if (dur_parse_lead(s, &secs) != 0)
		usage_error(sc, "%s: cannot read \"%s\" as a duration; use %s, "
		    "or 0 for the start", opt, s, DUR_FORMS);
	return (long long)secs;
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

const char filter_help[] =
"  --kind KIND           only this kind\n"
"  --status STATUS       tentative, confirmed or cancelled\n"
"  --participant NAME    only events with this participant (substring)\n"
"  --parent UID          only the programme of this visit\n"
"  --search TEXT         text in the summary, location or description\n";

/* One of FILTER_OPTS into the request: 1, or 0 if ch is not one. */
int
filter_opt(json_t *req, int ch, const char *arg)
{
	switch (ch) {
	case O_FILTER_KIND: req_set_str(req, "kind", arg); break;
	case O_FILTER_STATUS: req_set_str(req, "status", arg); break;
	case O_FILTER_PARTICIPANT: req_set_str(req, "participant", arg); break;
	case O_FILTER_PARENT: req_set_str(req, "parent", arg); break;
	case O_FILTER_SEARCH: req_set_str(req, "search", arg); break;
	default: return 0;
	}
	return 1;
}
