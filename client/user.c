/*
 * user.c — kcal user add|passwd|delete|list: the accounts calendar apps
 * log in with (kcald.conf(5), ACCOUNTS).
 *
 * kcal edits the users file itself rather than asking kcald: hashing a
 * password with yescrypt takes a noticeable fraction of a second, which
 * must not be spent on the daemon's event loop, and the file is the one
 * place accounts live (kcald reads it again when it changes, within the
 * next login).  So kcal needs write access to the file, as its owner or
 * root, and finds it as kcald does: users_file in kcald.conf (--config,
 * default $XDG_CONFIG_HOME/kcal/kcald.conf), else "users" beside it, or
 * --users-file.  A change is made under an exclusive lock on the file
 * and written atomically (include/users.c); kcald needs no restart.
 *
 * A password is read twice without echo from a terminal; from anything
 * else (a script, a test) it is the first line of standard input.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "kcal.h"
#include "users.h"
#include "xmalloc.h"

#define PASSWORD_MAX	1024

enum { O_USERS_FILE = 256, O_CONFIG, O_READ_ONLY, O_CLEARANCE, O_JSON,
	O_HELP };

static const char user_help[] =
"usage: kcal user add NAME [--read-only] [--clearance public|private|\n"
"                 confidential]\n"
"       kcal user passwd NAME\n"
"       kcal user delete NAME\n"
"       kcal user list [--json]\n"
"options of each: [--users-file PATH] [--config FILE]\n\n"
"Accounts for calendar apps (CalDAV on kcald's HTTP server, HTTP Basic).\n"
"A user may read and write (the default) or, with --read-only, only read;\n"
"it sees events up to its clearance (default public) and no others.  NAME\n"
"is 1 to 63 of A-Z a-z 0-9 . _ -.  The password is asked twice on a\n"
"terminal; otherwise the first line of standard input is the password.\n"
"kcal writes the users file kcald reads (users_file in kcald.conf, else\n"
"\"users\" beside it); kcald picks up the change at the next login.\n";

struct user_opts {
	const char	*users_file, *config, *clearance;
	int		 read_only, json;
};

static volatile sig_atomic_t	 tty_saved;
static struct termios		 tty_old;

static void
restore_tty(void)
{
	if (tty_saved) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tty_old);
		tty_saved = 0;
	}
}

/* Interrupted at the prompt: give the terminal its echo back. */
static void
on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from stdin into buf, without its end; -1 on EOF or too long. */
static int
read_line(char *buf, size_t len)
{
	size_t	n;

	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin))
		return -1;	/* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int
prompt(const char *text, char *buf, size_t len)
{
	struct termios	t;
	int		rc;

	fprintf(stderr, "%s", text);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &tty_old) == 0) {
		tty_saved = 1;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		t = tty_old;
		t.c_lflag &= ~(tcflag_t)ECHO;
		t.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	}
	rc = read_line(buf, len);
	restore_tty();
	return rc;
}

/* The new password of name into buf (PASSWORD_MAX). */
static void
get_password(const char *name, char *buf)
{
	char	again[PASSWORD_MAX], *p;

	if (!isatty(STDIN_FILENO)) {
		if (read_line(buf, PASSWORD_MAX) != 0)
			die(EXIT_REFUSED, "no password on standard input (one "
			    "line, under %d bytes)", PASSWORD_MAX);
	} else {
		xasprintf(&p, "New password for %s: ", name);
		if (prompt(p, buf, PASSWORD_MAX) != 0 ||
		    prompt("Again: ", again, sizeof again) != 0)
			die(EXIT_REFUSED, "no password read");
		free(p);
		if (strcmp(buf, again) != 0) {
			explicit_bzero(again, sizeof again);
			die(EXIT_REFUSED, "the passwords differ; nothing "
			    "changed");
		}
		explicit_bzero(again, sizeof again);
	}
	if (*buf == '\0')
		die(EXIT_REFUSED, "an empty password; nothing changed");
}

/* The directory of path, made 0700 if it does not exist. */
static void
make_dir(const char *path)
{
	char	*copy = xstrdup(path), *d = dirname(copy), *p;

	for (p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			die(EXIT_REFUSED, "%s: %s", d, strerror(errno));
		*p = '/';
	}
	if (mkdir(d, 0700) != 0 && errno != EEXIST)
		die(EXIT_REFUSED, "%s: %s", d, strerror(errno));
	free(copy);
}

/*
 * Create the users file, 0600.  Made by root, it belongs to the owner of
 * its directory (a daemon's own state directory, such as /var/lib/kcal),
 * and keeps its owner from then on (users_save).
 */
static int
create_file(const char *path)
{
	struct stat	 d;
	char		*copy = xstrdup(path);
	int		 fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd != -1 && geteuid() == 0 && stat(dirname(copy), &d) == 0 &&
	    fchown(fd, d.st_uid, d.st_gid) != 0)
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	free(copy);
	return fd;
}

/*
 * An exclusive lock on the users file, created if missing.  A file
 * renamed over while we waited is not the file any more: lock again.
 */
static int
lock_file(const char *path)
{
	struct stat	a, b;
	int		fd;

	make_dir(path);
	for (;;) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd == -1 && errno == ENOENT)
			fd = create_file(path);
		if (fd == -1 && errno == EEXIST)
			continue;
		if (fd == -1)
			die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
		if (flock(fd, LOCK_EX) != 0)
			die(EXIT_REFUSED, "%s: lock: %s", path,
			    strerror(errno));
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
}

static void
load(const char *path, struct users *u)
{
	char	*cause = NULL;

	if (users_load(path, USERS_MODE_ANY, u, &cause) != 0)
		die(EXIT_REFUSED, "%s", cause);
}

static void
save(const char *path, struct users *u)
{
	char	*cause = NULL;

	if (users_save(path, u, &cause) != 0)
		die(EXIT_REFUSED, "%s; nothing changed", cause);
}

static void
set_password(struct users_entry *e)
{
	char	pw[PASSWORD_MAX], *cause = NULL;

	get_password(e->name, pw);
	if (users_hash(pw, e->hash, sizeof e->hash, &cause) != 0)
		die(EXIT_REFUSED, "%s", cause);
	explicit_bzero(pw, sizeof pw);
}

static int
user_add(const struct subcmd *sc, const char *path, const char *name,
    const struct user_opts *o)
{
	struct users		 u;
	struct users_entry	*e;
	int			 fd, c = 0;

	if (o->clearance && (c = users_parse_clearance(o->clearance)) < 0)
		usage_error(sc, "--clearance is public, private or "
		    "confidential, not \"%s\"", o->clearance);
	fd = lock_file(path);
	load(path, &u);
	if (users_find(&u, name) != NULL)
		die(EXIT_REFUSED, "user %s exists (kcal user passwd %s to change "
		    "the password, kcal user delete %s first to change the "
		    "role)", name, name, name);
	e = users_add(&u, name);
	e->write = !o->read_only;
	e->clearance = c;
	set_password(e);
	save(path, &u);
	printf("added %s (%s, clearance %s) to %s\n", name,
	    users_role_name(e->write), users_clearance_name(c), path);
	users_clear(&u);
	close(fd);
	return 0;
}

static int
user_change(const char *path, const char *name, int delete)
{
	struct users		 u;
	struct users_entry	*e;
	int			 fd;

	fd = lock_file(path);
	load(path, &u);
	if ((e = users_find(&u, name)) == NULL)
		die(EXIT_REFUSED, "no user %s in %s", name, path);
	if (delete)
		e->deleted = 1;
	else
		set_password(e);
	save(path, &u);
	printf("%s %s in %s\n", delete ? "deleted" : "new password for",
	    name, path);
	users_clear(&u);
	close(fd);
	return 0;
}

static int
user_list(const char *path, int json)
{
	struct users	 u;
	json_t		*a = json_array();
	size_t		 i;

	load(path, &u);
	for (i = 0; i < u.n; i++) {
		if (json)
			json_array_append_new(a, json_pack("{s:s, s:s, s:s}",
			    "name", u.e[i].name, "role",
			    users_role_name(u.e[i].write), "clearance",
			    users_clearance_name(u.e[i].clearance)));
		else
			printf("%-24s %-10s %s\n", u.e[i].name,
			    users_role_name(u.e[i].write),
			    users_clearance_name(u.e[i].clearance));
	}
	if (json) {
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (u.n == 0)
		fprintf(stderr, "no accounts in %s\n", path);
	json_decref(a);
	users_clear(&u);
	return 0;
}

static void
parse_opts(const struct subcmd *sc, int argc, char **argv,
    struct user_opts *o)
{
	static const struct option longopts[] = {
		{ "users-file", required_argument, NULL, O_USERS_FILE },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "read-only", no_argument, NULL, O_READ_ONLY },
		{ "clearance", required_argument, NULL, O_CLEARANCE },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	memset(o, 0, sizeof *o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_USERS_FILE: o->users_file = optarg; break;
		case O_CONFIG: o->config = optarg; break;
		case O_READ_ONLY: o->read_only = 1; break;
		case O_CLEARANCE: o->clearance = optarg; break;
		case O_JSON: o->json = 1; break;
		case 'h': case O_HELP: fputs(user_help, stdout); exit(0);
		default: option_error(sc, ch, argv);
		}
	}
}

int
cmd_user(const struct subcmd *sc, int argc, char **argv)
{
	struct user_opts	 o;
	const char		*verb, *name = NULL;
	char			*path, *cause = NULL;
	int			 rc, want;

	parse_opts(sc, argc, argv, &o);
	if (optind >= argc)
		usage_error(sc, "add, passwd, delete or list?");
	verb = argv[optind++];
	want = strcmp(verb, "list") == 0 ? 0 : 1;
	if (want == 1 && strcmp(verb, "add") != 0 &&
	    strcmp(verb, "passwd") != 0 && strcmp(verb, "delete") != 0)
		usage_error(sc, "unknown user command \"%s\"", verb);
	if (argc - optind != want)
		usage_error(sc, want ? "kcal user %s NAME" : "kcal user %s takes "
		    "no NAME", verb);
	if (want && !users_valid_name(name = argv[optind]))
		usage_error(sc, "bad user name \"%s\" (1 to %d of A-Z a-z 0-9 "
		    ". _ -)", name, USERS_NAME_MAX);
	if ((o.clearance != NULL || o.read_only) && strcmp(verb, "add") != 0)
		usage_error(sc, "--read-only and --clearance go with add");
	if (o.json && want)
		usage_error(sc, "--json goes with list");
	if (o.users_file != NULL)
		path = xstrdup(o.users_file);
	else if ((path = users_path_from_config(o.config, &cause)) == NULL)
		die(EXIT_REFUSED, "%s", cause);
	umask(077);
	if (strcmp(verb, "add") == 0)
		rc = user_add(sc, path, name, &o);
	else if (strcmp(verb, "list") == 0)
		rc = user_list(path, o.json);
	else
		rc = user_change(path, name, strcmp(verb, "delete") == 0);
	free(path);
	return rc;
}
