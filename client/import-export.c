/*
 * import-export.c — iCalendar in and out: kcal import and kcal export (the
 * feeds, served over HTTP, are feeds.c's).  Parsing, repair and validation
 * of .ics data are the daemon's (libical) work; the client only reads
 * files, checks that they can travel in a JSON string (UTF-8 without NUL
 * bytes, naming the line if not), and writes what the daemon answers.  A
 * file goes in pieces (import-send.c); the one-request form here is for a
 * kcald that knows no other.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conn.h"
#include "import.h"
#include "kcal.h"
#include "output.h"
#include "xmalloc.h"

enum {
	O_DRY_RUN = 256, O_TZ, O_FORMAT, O_OUTPUT, O_FROM, O_TO, O_ALL, O_HELP
};

/* The whole of a file ("-": standard input); NULL with errno set. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	*buf = NULL;
	size_t	 cap = 0, n;

	struct stat sb;

	*len = 0;
	if (fp == NULL)
		return NULL;
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(fp);
		errno = EISDIR;
		return NULL;
	}
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
size_t
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
void
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
	json_array_foreach(json_object_get(res, "moved"), i, w)
		fprintf(stderr, "kcal: %s: moved with its anchor: %s\n", name,
		    json_string_value(w));
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

/* An error reply, on stderr. */
void
print_refusal(json_t *reply)
{
	json_t	*err = json_object_get(reply, "error");

	fprintf(stderr, "kcal: %s (%s)\n",
	    json_string_value(json_object_get(err, "message")),
	    json_string_value(json_object_get(err, "code")));
}

/* The one-request form: the whole file in "ical"; the reply, or NULL. */
static json_t *
import_whole(struct conn *c, const char *path, const char *name,
    json_t *args)
{
	const char	*what;
	char		*text, *cause = NULL;
	size_t		 len, line;
	json_t		*req, *reply;

	if ((text = slurp(path, &len)) == NULL) {
		fprintf(stderr, "kcal: %s: %s\n", name, strerror(errno));
		return NULL;
	}
	mend_folds((unsigned char *)text, len);
	if ((line = text_problem((unsigned char *)text, len, &what)) != 0) {
		fprintf(stderr, "kcal: %s:%zu: %s; nothing imported\n", name,
		    line, what);
		free(text);
		return NULL;
	}
	req = json_deep_copy(args);
	json_object_set_new(req, "cmd", json_string("import"));
	json_object_set_new(req, "ical", json_stringn(text, len));
	free(text);
	if ((reply = conn_call(c, req, &cause)) == NULL)
		die(EXIT_NOSERVER, "%s", cause);
	return reply;
}

/*
 * Import one file (one transaction): in pieces, or whole to a kcald that
 * takes only that; 0 or EXIT_REFUSED.
 */
static int
import_one(struct conn **c, const char *path, int dry_run, const char *tz,
    int json)
{
	const char	*name = strcmp(path, "-") == 0 ? "stdin" : path;
	char		*cause = NULL, *shown;
	json_t		*args, *reply = NULL;
	int		 rc;

	args = json_pack("{s:s, s:b}", "name", shown = ascii_name(name),
	    "dry_run", dry_run);
	free(shown);
	if (tz != NULL)
		req_set_str(args, "tz", tz);
	if (*c == NULL && (*c = conn_open(socket_path, &cause)) == NULL)
		die(EXIT_NOSERVER, "%s", cause);
	patient(*c);
	rc = import_send(c, path, name, args, &reply);
	if (rc == 1)
		reply = import_whole(*c, path, name, args);
	json_decref(args);
	if (reply == NULL)
		return EXIT_REFUSED;
	rc = 0;
	if (json_is_true(json_object_get(reply, "ok")))
		print_import(name, json_object_get(reply, "result"), json);
	else {
		print_refusal(reply);
		rc = EXIT_REFUSED;
	}
	json_decref(reply);
	return rc;
}

int
cmd_import(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, O_DRY_RUN },
		{ "tz", required_argument, NULL, O_TZ },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char		*tz = NULL, *format = "text";
	struct conn		*c = NULL;
	int			 ch, dry_run = 0, rc = 0, json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":n", opts, NULL)) != -1) {
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
		default: option_error(sc, ch, argv);
		}
	}
	if (optind == argc)
		usage_error(sc, "give one or more files (- for standard input)");
	json = format_is_json(sc, format);
	for (; optind < argc; optind++)
		if (import_one(&c, argv[optind], dry_run, tz, json) != 0)
			rc = EXIT_REFUSED;
	conn_close(c);
	return rc;
}

/* The export to path (NULL or "-": standard output); 0, or 1 said why. */
static int
write_out(const char *path, const char *text, long long n)
{
	FILE	*fp;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
			fprintf(stderr, "kcal: cannot write the output: %s\n",
			    stdout_closed_at_start ? "standard output is "
			    "closed" : strerror(errno));
			return 1;
		}
		return 0;
	}
	if ((fp = fopen(path, "w")) == NULL ||
	    fputs(text, fp) == EOF || fclose(fp) != 0) {
		fprintf(stderr, "kcal: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(stderr, "kcal: %lld event%s written to %s\n", n,
	    n == 1 ? "" : "s", path);
	return 0;
}

int
cmd_export(const struct subcmd *sc, int argc, char **argv)
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
	json_t			*req = json_pack("{s:s}", "cmd", "export"), *res;
	const char		*output = NULL;
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
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
				option_error(sc, ch, argv);
		}
	}
	if (optind != argc)
		usage_error(sc, "unexpected argument \"%s\"", argv[optind]);
	res = call_patient(req);
	rc = write_out(output, json_string_value(json_object_get(res, "ical")),
	    (long long)json_integer_value(json_object_get(res, "count")));
	json_decref(res);
	return rc;
}
