/*
 * kcal.c — the command-line client's entry: global options, the table of
 * subcommands (name, usage line, one-line help) and kcal help.  Each
 * subcommand lives in the file named in kcal.h; the helpers they share
 * (talking to kcald, reading WHEN and DUR, exit statuses) are cli.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "kcal.h"
#include "kcal-protocol.h"
#include "when.h"

static int cmd_help(const struct subcmd *, int, char **);

static const struct subcmd subcmds[] = {
	{ "add", cmd_add, "add SUMMARY --start WHEN [options]",
	  "add an event; prints its UID" },
	{ "list", cmd_list, "list [--from WHEN] [--to WHEN] [filters] "
	  "[--format table|json|tsv]", "list events (default: the next 7 days)" },
	{ "show", cmd_show, "show UID [--format text|json|ics]",
	  "show one event (UID or a unique prefix of 6+ characters)" },
	{ "edit", cmd_edit, "edit UID [options]",
	  "change only the fields given" },
	{ "cancel", cmd_cancel, "cancel UID",
	  "cancel an event (kept as a cancelled tombstone)" },
	{ "rm", cmd_rm, "rm UID --yes", "delete an event for good" },
	{ "status", cmd_status, "status [--format text|json]",
	  "show the daemon's version, store and counts" },
	{ "watch", cmd_watch, "watch [--format text|json] [--no-reconnect]",
	  "print each reminder as it goes off" },
	{ "reminders", cmd_reminders, "reminders [--from WHEN] [--to WHEN] "
	  "[--missed] [--format text|json]",
	  "list upcoming reminders (or those missed while kcald was down)" },
	{ "snooze", cmd_snooze, "snooze UID DUR",
	  "have the reminder that went off go off again after DUR" },
	{ "ack", cmd_ack, "ack UID", "dismiss an event's current reminder" },
	{ "import", cmd_import, "import [--dry-run] [--tz ZONE] FILE...",
	  "import .ics files (- for standard input), one transaction each" },
	{ "export", cmd_export, "export [--from WHEN] [--to WHEN] [filters] "
	  "[-o FILE]", "write events as one iCalendar file" },
	{ "feed", cmd_feed, "feed add|list|rotate|rm [NAME] [options]",
	  "manage the iCalendar feeds served over HTTP" },
	{ "itinerary", cmd_itinerary, "itinerary UID [--format text|markdown|"
	  "html|ics|json]", "a visit's programme day by day, for a briefing" },
	{ "people", cmd_people, "people [NAME] [--from WHEN] [--next N] "
	  "[--format text|json]", "participants with their next events" },
	{ "confirm", cmd_confirm, "confirm UID...",
	  "confirm tentative events" },
	{ "conflicts", cmd_conflicts, "conflicts [--from WHEN] [--to WHEN] "
	  "[--format text|json]", "overlaps, tight transfers, items outside "
	  "their visit" },
	{ "user", cmd_user, "user add|passwd|delete|list [NAME] [options]",
	  "manage the accounts calendar apps log in with (CalDAV)" },
	{ "help", cmd_help, "help [COMMAND]", "show help" },
	{ NULL, NULL, NULL, NULL }
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: kcal [--socket PATH] COMMAND [options]\n\n"
	    "The kcal client: query and edit the calendar kept by kcald.\n"
	    "Without a command, shows the next 7 days.\n\nCommands:\n");
	for (const struct subcmd *s = subcmds; s->name; s++)
		fprintf(fp, "  %-8s %s\n", s->name, s->help);
	fprintf(fp, "\nOptions:\n"
	    "  -s, --socket PATH  kcald's socket (default $KCAL_SOCKET, else\n"
	    "                     $XDG_RUNTIME_DIR/kcal/kcald.sock)\n"
	    "  --timeout SECONDS  give up when kcald does not answer for that\n"
	    "                     long (default %d; 0: wait forever)\n"
	    "  -h, --help         show this help\n"
	    "  -V, --version      show the version\n\n"
	    "WHEN: %s\nDUR:  %s\n"
	    "Run 'kcal COMMAND --help' for a command's options; see kcal(1).\n",
	    CONN_TIMEOUT, WHEN_FORMS, DUR_FORMS);
}

static const struct subcmd *
subcmd_find(const char *name)
{
	for (const struct subcmd *s = subcmds; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static int
cmd_help(const struct subcmd *self, int argc, char **argv)
{
	const struct subcmd	*sc;
	char			*args[] = { NULL, "--help", NULL };

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if ((sc = subcmd_find(argv[1])) == NULL || sc == self)
		die(EXIT_USAGE, "unknown command \"%s\"", argv[1]);
	args[0] = (char *)sc->name;
	return sc->run(sc, 2, args);
}

/*
 * Every argument travels in a JSON string, which must be UTF-8 (jansson
 * refuses anything else, and the field would be lost): refuse one that is
 * not, naming it, before anything is sent.  File names (import's operands,
 * -o/--output) are not sent as text and may be any bytes.
 */
static void
check_args(int argc, char **argv)
{
	json_t	*t;
	char	 shown[256];
	size_t	 o;
	int	 files = strcmp(argv[0], "import") == 0;

	for (int k = 1; k < argc; k++) {
		if ((t = json_string(argv[k])) != NULL) {
			json_decref(t);
			continue;
		}
		if (strcmp(argv[k - 1], "-o") == 0 ||
		    strcmp(argv[k - 1], "--output") == 0 ||
		    strncmp(argv[k], "--output=", 9) == 0 ||
		    (files && argv[k][0] != '-'))
			continue;
		o = 0;
		for (const unsigned char *c = (unsigned char *)argv[k];
		    *c != '\0' && o + 5 < sizeof shown; c++)
			o += (size_t)snprintf(shown + o, sizeof shown - o,
			    *c >= 0x20 && *c < 0x7f ? "%c" : "\\x%02x", *c);
		die(EXIT_USAGE, "%s: argument %d (\"%s\"%s%s) is not UTF-8 (kcal "
		    "sends text as UTF-8: check the locale, or convert with "
		    "iconv); nothing sent", argv[0], k, shown, argv[k - 1][0] ==
		    '-' ? ", after " : "", argv[k - 1][0] == '-' ? argv[k - 1] :
		    "");
	}
}

/* --timeout SECONDS: a whole number, 0 for none. */
static int
parse_timeout(const char *s)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-' ||
	    n > 86400) {
		fprintf(stderr, "kcal: --timeout: \"%s\" is not a number of "
		    "seconds from 0 (none) to 86400\n", s);
		return -1;
	}
	set_timeout((unsigned)n);
	return 0;
}

/*
 * Descriptors 0 to 2 open before anything else is: one left closed by the
 * caller (kcal export >&-) would be the next one opened, the socket, and
 * kcal's output would go to kcald as requests.  A closed standard input or
 * error reads or writes /dev/null; a closed standard output /dev/full, so
 * that output written to it fails (stdout_closed says why), and a command
 * that writes none succeeds.
 */
static void
std_fds(void)
{
	int	fd;

	for (int i = 0; i <= 2; i++) {
		if (fcntl(i, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (i == 1)
			stdout_closed_at_start = 1;
		fd = open(i == 1 ? "/dev/full" : "/dev/null", i == 0 ?
		    O_RDONLY : O_WRONLY);
		if (fd == -1 && i == 1)
			fd = open("/dev/null", O_WRONLY);
		if (fd != -1 && fd != i) {	/* i was the lowest free */
			dup2(fd, i);
			close(fd);
		}
	}
}

/*
 * What went to standard output must have reached its file: a full disk or
 * a closed descriptor (kcal export > file, --format json > file) is a
 * failure, not exit 0.
 */
static int
stdout_closed(int rc)
{
	int	bad;

	errno = 0;	/* an earlier write's error is gone: say only that */
	bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && rc == 0) {
		fprintf(stderr, "kcal: cannot write the output: %s\n",
		    stdout_closed_at_start ? "standard output is closed" :
		    errno ? strerror(errno) : "write error");
		rc = 1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	const struct subcmd	*sc;
	char			*list_args[] = { "list", NULL };
	char			*def = proto_default_socket();
	int			 i = 1, rc;

	std_fds();
	socket_path = def;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			free(def);
			return stdout_closed(0);
		}
		if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("kcal %s (protocol %d)\n", KCAL_VERSION,
			    KCAL_PROTOCOL_VERSION);
			free(def);
			return stdout_closed(0);
		}
		if (strcmp(argv[i], "--") == 0) {	/* the command follows */
			i++;
			break;
		}
		if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i],
		    "--socket") == 0 || strcmp(argv[i], "--timeout") == 0) &&
		    i + 1 == argc) {
			fprintf(stderr, "kcal: option %s needs a value (see kcal "
			    "--help)\n", argv[i]);
			return EXIT_USAGE;
		}
		if ((strcmp(argv[i], "-s") == 0 ||
		    strcmp(argv[i], "--socket") == 0) && i + 1 < argc)
			socket_path = argv[++i];
		else if (strncmp(argv[i], "--socket=", 9) == 0)
			socket_path = argv[i] + 9;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			if (parse_timeout(argv[++i]) != 0)
				return EXIT_USAGE;
		} else if (strncmp(argv[i], "--timeout=", 10) == 0) {
			if (parse_timeout(argv[i] + 10) != 0)
				return EXIT_USAGE;
		} else {
			fprintf(stderr, "kcal: unknown option \"%s\" (see kcal "
			    "--help)\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc)
		rc = cmd_list(subcmd_find("list"), 1, list_args);
	else if ((sc = subcmd_find(argv[i])) == NULL) {
		fprintf(stderr, "kcal: unknown command \"%s\" (see kcal "
		    "--help)\n", argv[i]);
		rc = EXIT_USAGE;
	} else {
		check_args(argc - i, argv + i);
		rc = sc->run(sc, argc - i, argv + i);
	}
	finish();
	free(def);
	return stdout_closed(rc);
}

