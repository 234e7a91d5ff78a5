/*
 * store-dav.c — CalDAV's SQL: the change log (dav_changes, filled by
 * triggers on events: store-schema.c, migration 13) from which a sync
 * token or getctag is read, and the names clients gave their resources
 * (dav_names).  A name that is the UID plus ".ics" is never stored: it is
 * every event's name until a client gives it another.  A deleted event's
 * name is kept in its row of the log, for sync-collection to report.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-dav.h"
#include "store-int.h"
#include "xmalloc.h"

static const char sql_by_name[] = "SELECT uid FROM dav_names WHERE name = ?1";
static const char sql_name_of[] = "SELECT name FROM dav_names WHERE uid = ?1";
/* its own name, or the one it had when it was deleted */
static const char sql_name_had[] = "SELECT coalesce((SELECT name FROM "
    "dav_names WHERE uid = ?1), (SELECT name FROM dav_changes WHERE "
    "uid = ?1 AND deleted))";
static const char sql_exists[] = "SELECT 1 FROM events WHERE uid = ?1";
static const char sql_set[] = "INSERT INTO dav_names (uid, name) VALUES "
    "(?1, ?2) ON CONFLICT(uid) DO UPDATE SET name = ?2";
static const char sql_unset[] = "DELETE FROM dav_names WHERE uid = ?1";
static const char sql_token[] = "SELECT coalesce((SELECT seq FROM "
    "sqlite_sequence WHERE name = 'dav_changes'), 0)";
static const char sql_seq[] = "SELECT seq FROM dav_changes WHERE uid = ?1";
static const char sql_changes[] = "SELECT uid, deleted FROM dav_changes "
    "WHERE seq > ?1 ORDER BY seq";

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* The first column of sql's row for key, or NULL; -1 on an error. */
static int
one_text(struct store *st, const char *sql, const char *key, char **out,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	*out = NULL;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = store_col_dup(s, 0);
	else if (rc != SQLITE_DONE)
		store_db_cause(st, cause, "cannot read resource names");
	done(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* "X.ics" -> "X", or NULL when name is not a default name. */
static char *
default_uid(const char *name)
{
	size_t	len = strlen(name);

	if (len <= 4 || strcmp(name + len - 4, ".ics") != 0)
		return NULL;
	return xstrndup(name, len - 4);
}

int
store_dav_lookup(struct store *st, const char *name, char **uid, char **cause)
{
	char	*u, *own;

	*uid = NULL;
	if (one_text(st, sql_by_name, name, &u, cause) != 0)
		return -1;
	if (u != NULL) {
		*uid = u;
		return 0;
	}
	if ((u = default_uid(name)) == NULL)
		return STORE_NOT_FOUND;
	/* UID.ics is not UID's name once a client gave it another. */
	if (one_text(st, sql_exists, u, &own, cause) != 0) {
		free(u);
		return -1;
	}
	if (own == NULL) {
		free(u);
		return STORE_NOT_FOUND;
	}
	free(own);
	if (one_text(st, sql_name_of, u, &own, cause) != 0) {
		free(u);
		return -1;
	}
	if (own != NULL) {
		free(own);
		free(u);
		return STORE_NOT_FOUND;
	}
	*uid = u;
	return 0;
}

int
store_dav_name(struct store *st, const char *uid, char **name, char **cause)
{
	if (one_text(st, sql_name_had, uid, name, cause) != 0)
		return -1;
	if (*name == NULL)
		xasprintf(name, "%s.ics", uid);
	return 0;
}

int
store_dav_set_name(struct store *st, const char *uid, const char *name,
    char **cause)
{
	sqlite3_stmt	*s;
	char		*other = NULL, *def;
	int		 rc;

	if (store_dav_lookup(st, name, &other, cause) == -1)
		return -1;
	rc = other != NULL && strcmp(other, uid) != 0;
	free(other);
	if (rc)
		return STORE_AMBIGUOUS;
	def = default_uid(name);
	rc = def != NULL && strcmp(def, uid) == 0;
	free(def);
	if ((s = store_stmt(st, rc ? sql_unset : sql_set, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	if (!rc)
		store_bind_text(s, 2, name);
	return store_step_done(st, s, cause, "cannot name the resource");
}

int
store_dav_token(struct store *st, int64_t *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	*out = 0;
	if ((s = store_stmt(st, sql_token, NULL)) == NULL)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	done(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_dav_changes(struct store *st, int64_t since,
    int (*cb)(void *, const char *, int), void *arg, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc, stop = 0;

	if ((s = store_stmt(st, sql_changes, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		stop = cb(arg, (const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int(s, 1));
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the change log");
		stop = -1;
	}
	done(s);
	return stop;
}

int
store_dav_seq(struct store *st, const char *uid, int64_t *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	*out = 0;
	if ((s = store_stmt(st, sql_seq, NULL)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	done(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
