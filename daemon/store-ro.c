/*
 * store-ro.c — opening a store that cannot be written: a read-only file
 * system, a read-only file or directory, an immutable file.  kcald then
 * starts in read-only mode (with a warning): reads, feeds and reminders
 * work, every write is refused with a clear store_error.  Deciding this up
 * front, rather than failing on the first write, keeps SQLite from trying
 * to create its -wal and -shm files where it cannot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

/*
 * 1 (and *reason) when the existing store at path cannot be written: the
 * file itself, or its directory, where SQLite keeps the -wal and -shm
 * files.  access() answers for this process, root and read-only mounts
 * included.
 */
int
store_ro_detect(const char *path, char **reason)
{
	char	*dir, *slash;
	int	 rc = 0;

	if (strcmp(path, ":memory:") == 0 || access(path, F_OK) != 0)
		return 0;
	if (access(path, W_OK) != 0) {
		xasprintf(reason, "%s: %s", path, strerror(errno));
		return 1;
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK) != 0) {
		xasprintf(reason, "%s: %s", dir, strerror(errno));
		rc = 1;
	}
	free(dir);
	return rc;
}

/* "file:" URI for path with mode=ro or immutable=1 (RFC 3986 escapes). */
static char *
ro_uri(const char *path, const char *query)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*u = xmalloc(strlen(path) * 3 + strlen(query) + 8);
	char			*p = u;

	p += sprintf(p, "file:");
	for (; *path != '\0'; path++) {
		unsigned char c = (unsigned char)*path;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/._-~", c) != NULL)
			*p++ = (char)c;
		else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	sprintf(p, "?%s", query);
	return u;
}

static int
try_open(struct store *st, const char *query)
{
	char		*uri = ro_uri(st->path, query);
	sqlite3_stmt	*s = NULL;
	int		 rc;

	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
		    NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK) {
		sqlite3_close(st->db);
		st->db = NULL;
	}
	return rc;
}

/*
 * Open read-only.  A WAL store normally needs its -shm file; on a read-only
 * file system without one (a clean shutdown removes it), only
 * immutable=1 can read it, which is right there: nothing can change it.
 */
int
store_ro_open(struct store *st, char **cause)
{
	if (try_open(st, "mode=ro") == SQLITE_OK)
		return 0;
	if (try_open(st, "immutable=1") == SQLITE_OK) {
		log_debug("store %s opened as immutable", st->path);
		return 0;
	}
	xasprintf(cause, "cannot open store %s read-only", st->path);
	return -1;
}

/*
 * A read-only connection to the store main has open, for another thread:
 * NULL (and *cause) when it cannot have one (an in-memory store).  Its
 * reads see every event (clearance confidential), like the loop's outside
 * a request.
 */
struct store *
store_open_reader(const struct store *main, char **cause)
{
	struct store	*st;
	int		 rc;

	if (strcmp(main->path, ":memory:") == 0) {
		*cause = xstrdup("an in-memory store has no second connection");
		return NULL;
	}
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(main->path);
	st->readonly = 1;
	if (main->readonly)
		rc = store_ro_open(st, cause);
	else if ((rc = sqlite3_open_v2(st->path, &st->db,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK)
		xasprintf(cause, "cannot open store %s to read: %s", st->path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
	if (rc == 0) {
		sqlite3_busy_timeout(st->db, 5000);
		rc = store_exec(st, "PRAGMA cache_size = -16384", cause);
	}
	if (rc != 0 || store_access_init(st, cause) != 0 ||
	    store_prepare(st, cause) != 0) {
		store_close(st);
		return NULL;
	}
	return st;
}

/* One read transaction: what it reads is one state of the store. */
int
store_snapshot_begin(struct store *st, char **cause)
{
	return store_exec(st, "BEGIN", cause);
}

void
store_snapshot_end(struct store *st)
{
	char	*why = NULL;

	if (store_exec(st, "COMMIT", &why) != 0) {
		log_warnx("store reader: %s", why);
		free(why);
	}
}

int
store_readonly(const struct store *st)
{
	return st->readonly;
}

const char *
store_readonly_reason(const struct store *st)
{
	return st->ro_reason;
}
