/*
 * users.c — the users file (users.h): read it, with errors that name
 * file:line; write it back atomically (a temporary file in the same
 * directory, 0600, fsynced, renamed over the old one), keeping comments
 * and the order of the lines; hash a new password with yescrypt.
 *
 * The file holds password hashes, so kcald refuses it when its mode lets
 * anyone but its owner read or write it (USERS_MODE_PRIVATE), as ssh does
 * with a private key; kcal user always writes it 0600.
 */
#include <sys/stat.h>

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "users.h"
#include "xmalloc.h"

static const char *const roles[] = { "read-only", "read-write" };
static const char *const clearances[] = {
	"public", "private", "confidential"
};

const char *
users_role_name(int write)
{
	return roles[write != 0];
}

const char *
users_clearance_name(int c)
{
	return c >= 0 && c <= 2 ? clearances[c] : "public";
}

int
users_parse_role(const char *s)
{
	for (int i = 0; i < 2; i++)
		if (strcmp(s, roles[i]) == 0)
			return i;
	return -1;
}

int
users_parse_clearance(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcasecmp(s, clearances[i]) == 0)
			return i;
	return -1;
}

/* 1..63 of [A-Za-z0-9._-]: safe in a URL path, a log line and the file. */
int
users_valid_name(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > USERS_NAME_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n;
}

/* A yescrypt hash as crypt(5) writes it: $y$ and crypt's own alphabet. */
static int
valid_hash(const char *h)
{
	size_t	n = strlen(h);

	return n > 3 && n <= USERS_HASH_MAX && strncmp(h, "$y$", 3) == 0 &&
	    strspn(h, "$./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz") == n;
}

/* One account line, NAME:ROLE:CLEARANCE:HASH, into e; -1 and why. */
int
users_parse_line(const char *line, struct users_entry *e, char **cause)
{
	char	*copy = xstrdup(line), *f[4], *p = copy;
	int	 n;

	for (n = 0; n < 4 && p != NULL; n++)
		f[n] = strsep(&p, ":");
	if (n != 4 || p != NULL) {
		xasprintf(cause, "expected NAME:ROLE:CLEARANCE:HASH");
		goto fail;
	}
	if (!users_valid_name(f[0])) {
		xasprintf(cause, "bad user name \"%.80s\" (1 to %d of A-Z a-z "
		    "0-9 . _ -)", f[0], USERS_NAME_MAX);
		goto fail;
	}
	if ((e->write = users_parse_role(f[1])) < 0) {
		xasprintf(cause, "role is read-only or read-write, not "
		    "\"%.80s\"", f[1]);
		goto fail;
	}
	if ((e->clearance = users_parse_clearance(f[2])) < 0) {
		xasprintf(cause, "clearance is public, private or confidential, "
		    "not \"%.80s\"", f[2]);
		goto fail;
	}
	if (!valid_hash(f[3])) {
		xasprintf(cause, "the password hash is not a yescrypt hash "
		    "($y$...); set it with kcal user passwd %s", f[0]);
		goto fail;
	}
	strcpy(e->name, f[0]);
	strcpy(e->hash, f[3]);
	e->deleted = 0;
	free(copy);
	return 0;
fail:
	free(copy);
	return -1;
}

/* Is this line an account (not blank, not a comment)? */
static int
is_entry(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s != '\0' && *s != '#';
}

static int
add_line(struct users *u, const char *path, int lineno, char *line,
    char **cause)
{
	struct users_entry	 e;
	char			*why = NULL;

	u->raw = xreallocarray(u->raw, u->nraw + 1, sizeof *u->raw);
	u->raw[u->nraw++] = xstrdup(line);
	if (!is_entry(line))
		return 0;
	if (users_parse_line(line, &e, &why) != 0) {
		xasprintf(cause, "%s:%d: %s", path, lineno, why);
		free(why);
		return -1;
	}
	if (users_find(u, e.name) != NULL) {
		xasprintf(cause, "%s:%d: user \"%s\" is already on an earlier "
		    "line", path, lineno, e.name);
		return -1;
	}
	e.line = (int)u->nraw - 1;
	u->e = xreallocarray(u->e, u->n + 1, sizeof *u->e);
	u->e[u->n++] = e;
	return 0;
}

static int
check_mode(const char *path, int fd, int mode, char **cause)
{
	struct stat	st;

	if (fstat(fd, &st) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		return -1;
	}
	if (mode == USERS_MODE_PRIVATE && (st.st_mode & 077) != 0) {
		xasprintf(cause, "%s: mode %04o lets other users see the "
		    "password hashes; chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/*
 * Read path into u (cleared first).  A missing file is an empty one.
 * Errors name file:line; u is then empty.
 */
int
users_load(const char *path, int mode, struct users *u, char **cause)
{
	FILE	*fp;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 fd, lineno = 0, rc = 0;

	memset(u, 0, sizeof *u);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (check_mode(path, fd, mode, cause) != 0) {
		close(fd);
		return -1;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strlen(line) != (size_t)len) {
			xasprintf(cause, "%s:%d: a NUL byte", path, lineno);
			rc = -1;
		} else
			rc = add_line(u, path, lineno, line, cause);
	}
	if (rc == 0 && ferror(fp)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	if (rc != 0)
		users_clear(u);
	return rc;
}

void
users_clear(struct users *u)
{
	for (size_t i = 0; i < u->nraw; i++)
		free(u->raw[i]);
	free(u->raw);
	free(u->e);
	memset(u, 0, sizeof *u);
}

struct users_entry *
users_find(struct users *u, const char *name)
{
	for (size_t i = 0; i < u->n; i++)
		if (!u->e[i].deleted && strcmp(u->e[i].name, name) == 0)
			return &u->e[i];
	return NULL;
}

/* A new account, appended when saved; the caller fills it in. */
struct users_entry *
users_add(struct users *u, const char *name)
{
	struct users_entry	*e;

	u->e = xreallocarray(u->e, u->n + 1, sizeof *u->e);
	e = &u->e[u->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	e->line = -1;
	return e;
}

static void
put_entry(FILE *fp, const struct users_entry *e)
{
	if (!e->deleted)
		fprintf(fp, "%s:%s:%s:%s\n", e->name, users_role_name(e->write),
		    users_clearance_name(e->clearance), e->hash);
}

static void
put_all(FILE *fp, const struct users *u)
{
	size_t	i, j;

	if (u->nraw == 0 && u->n > 0)
		fprintf(fp, "# kcal accounts (kcald.conf(5), ACCOUNTS): "
		    "NAME:ROLE:CLEARANCE:HASH\n# Edit with kcal user; kcald "
		    "reads the file again when it changes.\n");
	for (i = 0; i < u->nraw; i++) {
		for (j = 0; j < u->n; j++)
			if (u->e[j].line == (int)i)
				break;
		if (j < u->n)
			put_entry(fp, &u->e[j]);
		else
			fprintf(fp, "%s\n", u->raw[i]);
	}
	for (j = 0; j < u->n; j++)
		if (u->e[j].line == -1)
			put_entry(fp, &u->e[j]);
}

/* The directory of path (a new string). */
static char *
dir_of(const char *path)
{
	char	*copy = xstrdup(path), *d = xstrdup(dirname(copy));

	free(copy);
	return d;
}

/* Write u to path atomically, mode 0600. */
int
users_save(const char *path, const struct users *u, char **cause)
{
	struct stat	 old;
	char		*tmp, *dir;
	FILE		*fp;
	int		 fd, dfd, bad;

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	/* root editing kcald's file: it stays kcald's. */
	if (geteuid() == 0 && stat(path, &old) == 0 &&
	    fchown(fd, old.st_uid, old.st_gid) != 0) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0600) != 0 || (fp = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	put_all(fp, u);
	bad = fflush(fp) != 0 || fsync(fd) != 0;
	if (fclose(fp) != 0 || bad || rename(tmp, path) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	dir = dir_of(path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

/* A yescrypt hash of password, libxcrypt's default cost, into out. */
int
users_hash(const char *password, char *out, size_t len, char **cause)
{
	struct crypt_data	*cd = xcalloc(1, sizeof *cd);
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*h;
	int			 rc = -1;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof setting) ==
	    NULL)
		xasprintf(cause, "cannot make a salt: %s", strerror(errno));
	else if ((h = crypt_r(password, setting, cd)) == NULL || *h != '$' ||
	    strlen(h) >= len || strlen(h) > USERS_HASH_MAX)
		xasprintf(cause, "cannot hash the password: %s",
		    strerror(errno));
	else {
		strcpy(out, h);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

/* $XDG_CONFIG_HOME/kcal/kcald.conf, else ~/.config/kcal/kcald.conf. */
char *
users_default_config(void)
{
	const char	*x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char		*s;

	if (x != NULL && *x == '/')
		xasprintf(&s, "%s/kcal/kcald.conf", x);
	else
		xasprintf(&s, "%s/.config/kcal/kcald.conf", home ? home : ".");
	return s;
}

/*
 * The users file named value (NULL: "users") in kcald.conf at config: an
 * absolute path as is, a relative one beside the config file.
 */
char *
users_beside(const char *config, const char *value)
{
	char	*dir, *s;

	if (value == NULL)
		value = "users";
	if (*value == '/')
		return xstrdup(value);
	dir = dir_of(config);
	xasprintf(&s, "%s/%s", dir, value);
	free(dir);
	return s;
}

/*
 * The users file kcald started with config (NULL: the default) uses: its
 * users_file setting, else "users" beside it.  The value is read as
 * config.c reads it: key = value, '#' to the end of the line a comment.
 */
char *
users_path_from_config(const char *config, char **cause)
{
	char	*cfg = config ? xstrdup(config) : users_default_config();
	char	*line = NULL, *k, *v, *e, *val = NULL, *out;
	size_t	 cap = 0;
	FILE	*fp;

	if ((fp = fopen(cfg, "r")) == NULL && (config != NULL ||
	    errno != ENOENT)) {
		xasprintf(cause, "%s: %s", cfg, strerror(errno));
		free(cfg);
		return NULL;
	}
	while (fp != NULL && getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "#\n")] = '\0';
		if ((v = strchr(line, '=')) == NULL)
			continue;
		*v++ = '\0';
		for (k = line; isspace((unsigned char)*k); k++)
			;
		for (e = k + strlen(k); e > k && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		while (isspace((unsigned char)*v))
			v++;
		for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (strcmp(k, "users_file") == 0) {
			free(val);
			val = *v ? xstrdup(v) : NULL;
		}
	}
	if (fp != NULL)
		fclose(fp);
	free(line);
	out = users_beside(cfg, val);
	free(cfg);
	free(val);
	return out;
}
