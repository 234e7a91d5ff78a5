/*
 * store-feed.c — the feeds' SQL: their definitions (table feeds) and, per
 * feed, the hash of the last body served and when it changed (table
 * feed_state), so that Last-Modified survives a restart: a feed whose
 * bytes did not change keeps its date, and one whose bytes changed gets a
 * new one even when an event vanished without a trace (kcal rm).  And an
 * event's class, which a feed asks for the events that others point at.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-feed.h"
#include "store-int.h"
#include "xmalloc.h"

#define COLS "name, token, kind, status, participant, parent, search, " \
	"redact, classes, past, future, alarms, created"
/* A briefing feed's visit is in its own table (store.c says why). */
#define SEL "SELECT " COLS ", visit FROM feeds LEFT JOIN feed_briefings " \
	"USING (name)"

static const char sql_add[] = "INSERT INTO feeds (" COLS ") VALUES (?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char sql_add_briefing[] = "INSERT INTO feed_briefings (name, "
    "visit) VALUES (?1, ?2)";
static const char sql_get[] = SEL " WHERE name = ?1";
static const char sql_list[] = SEL " ORDER BY name";
static const char sql_token[] = "UPDATE feeds SET token = ?2 WHERE name = ?1";
static const char sql_delete[] = "DELETE FROM feeds WHERE name = ?1";
static const char sql_state_get[] = "SELECT hash, changed FROM feed_state "
    "WHERE name = ?1";
static const char sql_state_put[] = "INSERT INTO feed_state (name, hash, "
    "changed) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET hash = ?2, "
    "changed = ?3";
static const char sql_class[] = "SELECT class FROM events WHERE uid = ?1";

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void
feed_def_clear(struct feed_def *f)
{
	free(f->name); free(f->token); free(f->kind); free(f->status);
	free(f->participant); free(f->parent); free(f->search); free(f->redact);
	free(f->briefing);
	memset(f, 0, sizeof *f);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A copy of from that owns its strings (feed_def_clear frees it). */
void
feed_def_copy(struct feed_def *to, const struct feed_def *from)
{
	*to = *from;
	to->name = dup_or_null(from->name);
	to->token = dup_or_null(from->token);
	to->kind = dup_or_null(from->kind);
	to->status = dup_or_null(from->status);
	to->participant = dup_or_null(from->participant);
	to->parent = dup_or_null(from->parent);
	to->search = dup_or_null(from->search);
	to->redact = dup_or_null(from->redact);
	to->briefing = dup_or_null(from->briefing);
}

static void
load(sqlite3_stmt *s, struct feed_def *f)
{
	memset(f, 0, sizeof *f);
	f->name = store_col_dup(s, 0);		f->token = store_col_dup(s, 1);
	f->kind = store_col_dup(s, 2);		f->status = store_col_dup(s, 3);
	f->participant = store_col_dup(s, 4);	f->parent = store_col_dup(s, 5);
	f->search = store_col_dup(s, 6);	f->redact = store_col_dup(s, 7);
	f->classes = sqlite3_column_int(s, 8);
	f->past = sqlite3_column_type(s, 9) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(s, 9);
	f->future = sqlite3_column_type(s, 10) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(s, 10);
	f->alarms = sqlite3_column_int(s, 11);
	f->created = sqlite3_column_int64(s, 12);
	f->briefing = store_col_dup(s, 13);
}

static void
bind_opt(sqlite3_stmt *s, int i, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

int
store_feed_add(struct store *st, const struct feed_def *f, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql_add, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, f->name);		store_bind_text(s, 2, f->token);
	store_bind_text(s, 3, f->kind);		store_bind_text(s, 4, f->status);
	store_bind_text(s, 5, f->participant);	store_bind_text(s, 6, f->parent);
	store_bind_text(s, 7, f->search);	store_bind_text(s, 8, f->redact);
	sqlite3_bind_int(s, 9, f->classes);
	bind_opt(s, 10, f->past);
	bind_opt(s, 11, f->future);
	sqlite3_bind_int(s, 12, f->alarms);
	sqlite3_bind_int64(s, 13, f->created);
	if (store_step_done(st, s, cause, "cannot add the feed") != 0)
		return -1;
	if (f->briefing == NULL)
		return 0;
	if ((s = store_stmt(st, sql_add_briefing, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, f->name);
	store_bind_text(s, 2, f->briefing);
	return store_step_done(st, s, cause, "cannot add the feed");
}

/* 0, STORE_NOT_FOUND or -1. */
int
store_feed_get(struct store *st, const char *name, struct feed_def *f,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_get, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		load(s, f);
	else if (rc != SQLITE_DONE)
		store_db_cause(st, cause, "cannot read the feeds");
	done(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

int
store_feed_list(struct store *st, struct feed_def **out, size_t *n,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql_list, cause)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		load(s, &(*out)[(*n)++]);
	}
	done(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the feeds");
		return -1;
	}
	return 0;
}

static int
changes_one(struct store *st, const char *sql, const char *name,
    const char *token, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	if (token != NULL)
		store_bind_text(s, 2, token);
	if (store_step_done(st, s, cause, "cannot change the feed") != 0)
		return -1;
	return sqlite3_changes(st->db) == 0 ? STORE_NOT_FOUND : 0;
}

/* A new token for feed name: 0, STORE_NOT_FOUND or -1. */
int
store_feed_token(struct store *st, const char *name, const char *token,
    char **cause)
{
	return changes_one(st, sql_token, name, token, cause);
}

int
store_feed_delete(struct store *st, const char *name, char **cause)
{
	return changes_one(st, sql_delete, name, NULL, cause);
}

/*
 * When did feed name last change?  hash is its body now: if it differs
 * from the one recorded, the feed changed at now (recorded); else it is
 * the recorded time.
 */
int
store_feed_changed(struct store *st, const char *name, const char *hash,
    int64_t now, int64_t *changed, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc, same = 0, lazy;

	if ((s = store_stmt(st, sql_state_get, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		same = strcmp((const char *)sqlite3_column_text(s, 0), hash) == 0;
		*changed = sqlite3_column_int64(s, 1);
	}
	done(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the feeds");
		return -1;
	}
	if (same)
		return 0;
	*changed = now;
	if ((s = store_stmt(st, sql_state_put, cause)) == NULL)
		return -1;
	/*
	 * Derived state, made again by the next build if a power cut takes
	 * it (the feed then seems changed a little later): it need not wait
	 * for the disk, on the loop, after every build.
	 */
	lazy = st->depth == 0 && !st->lazy && store_lazy(st, 1);
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, hash);
	sqlite3_bind_int64(s, 3, now);
	rc = store_step_done(st, s, cause, "cannot record the feed");
	if (lazy)
		store_lazy(st, 0);
	return rc;
}

/*
 * The effective class of the event uid (*class NULL when there is none),
 * for a feed deciding whether a reference to it may go out.
 */
int
store_event_class(struct store *st, const char *uid, char **class,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	*class = NULL;
	if ((s = store_stmt(st, sql_class, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*class = store_col_dup(s, 0);
	done(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return 0;
}
