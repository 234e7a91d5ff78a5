/*
 * store.c — SQLite persistence: a store opened (made ready by
 * store-schema.c), transactions, and events written, read and queried.
 * sqlite3.h is included by the store's files alone -- store.c,
 * store-int.h and the modules store-*.c (access, feed, itinerary, occur,
 * remind, ro, schema), each of which keeps its own SQL next to its code --
 * so that no caller sees SQLite; they see store.h.  The store reads no
 * record text: what it needs from a record comes from its writer
 * (store_put's occurrences) or through store_record_ops.
 *
 * Window queries: an event overlaps [from, to) when start < to and end >
 * from (a zero-length event when from <= start < to).  An index on start
 * alone would scan every past event, so the query also bounds start from
 * below by from minus the longest duration stored, which an expression
 * index answers in O(log n).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "store-itinerary.h"
#include "store-occur.h"
#include "log.h"
#include "xmalloc.h"

#define QUERY_FILTERS	QUERY_MATCH "ORDER BY start_utc, uid"

static const char *stmt_sql[S__MAX] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	/* The itinerary's columns too (store-itinerary.c), in the same write. */
	[S_PUT] = "INSERT INTO events (uid, summary, kind, status, class, tz, "
	    "end_tz, start_utc, end_utc, all_day, location, description, url, "
	    "parent_uid, rrule, sequence, created, last_modified, reminders, "
	    "ical, city, end_city, anchor_uid, anchor_offset) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19, ?20, ?21, ?22, ?23, ?24) ON CONFLICT(uid) DO UPDATE "
	    "SET summary=?2, kind=?3, status=?4, class=?5, tz=?6, end_tz=?7, "
	    "start_utc=?8, end_utc=?9, all_day=?10, location=?11, "
	    "description=?12, url=?13, parent_uid=?14, rrule=?15, sequence=?16, "
	    "created=?17, last_modified=?18, reminders=?19, ical=?20, "
	    "city=?21, end_city=?22, anchor_uid=?23, anchor_offset=?24",
	[S_DEL_PARTS] = "DELETE FROM participants WHERE event_uid = ?1",
	[S_PUT_PART] = "INSERT INTO participants (event_uid, pos, name, role, "
	    "country, precedence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* kcal_may_read: the reader's clearance (store-access.c) */
	[S_GET] = "SELECT ical FROM events WHERE uid = ?1 AND "
	    "kcal_may_read(class)",
	[S_RESOLVE] = "SELECT uid FROM events WHERE uid >= ?1 AND uid < ?2 "
	    "AND kcal_may_read(class) ORDER BY uid LIMIT 2",
	[S_DELETE] = "DELETE FROM events WHERE uid = ?1",
	[S_MAXDUR] = "SELECT max(end_utc - start_utc) FROM events",
	[S_QUERY] = QUERY_COLUMNS QUERY_WINDOW
	    "AND (?7 IS NULL OR parent_uid = ?7) " QUERY_FILTERS,
	[S_QUERY_PARENT] = QUERY_COLUMNS "parent_uid = ?7 AND " QUERY_WINDOW
	    QUERY_FILTERS,
	/*
	 * A bare query (store_query) sorts only the rows' keys, and reads
	 * each row by rowid as it hands it over: a sort of whole rows, with
	 * the text of every series, was most of a week's list.
	 */
	[S_QUERY_KEYS] = "SELECT rowid FROM events WHERE " QUERY_WINDOW
	    "AND (?7 IS NULL OR parent_uid = ?7) " QUERY_FILTERS,
	[S_QUERY_KEYS_PARENT] = "SELECT rowid FROM events WHERE "
	    "parent_uid = ?7 AND " QUERY_WINDOW QUERY_FILTERS,
	[S_QUERY_ROW] = QUERY_COLUMNS "rowid = ?1",
	[S_PARTS] = "SELECT name, role, country, precedence FROM participants "
	    "WHERE event_uid = ?1 ORDER BY pos",
	[S_COUNT_ALL] = "SELECT count(*) FROM events",
	[S_COUNT_CANCELLED] = "SELECT count(*) FROM events WHERE status = "
	    "'cancelled'",
	[S_COUNT_PARTS] = "SELECT count(DISTINCT name) FROM participants",
};

void
store_db_cause(struct store *st, char **cause, const char *what)
{
	int	code = sqlite3_extended_errcode(st->db) & 0xff;

	if (cause == NULL)
		return;
	if (code == SQLITE_FULL)	/* say it plainly: an operator acts on it */
		xasprintf(cause, "%s: the disk is full (%s)", what,
		    sqlite3_errmsg(st->db));
	else if (code == SQLITE_READONLY)
		xasprintf(cause, "%s: the store is read-only (%s)", what,
		    sqlite3_errmsg(st->db));
	else
		xasprintf(cause, "%s: %s", what, sqlite3_errmsg(st->db));
}

int
store_exec(struct store *st, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		if (cause != NULL)
			xasprintf(cause, "store: %s", err ? err : "error");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* The statements every store keeps prepared (a reader's too: store-ro.c). */
int
store_prepare(struct store *st, char **cause)
{
	for (int i = 0; i < S__MAX; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			store_db_cause(st, cause, "cannot prepare a statement");
			return -1;
		}
	}
	return 0;
}

/*
 * Open st->path for writing (flags: SQLITE_OPEN_CREATE, or 0); on failure
 * st is closed and freed.
 */
static int
open_db(struct store *st, int flags, char **cause)
{
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX | flags, NULL) == SQLITE_OK)
		return 0;
	xasprintf(cause, "cannot open store %s: %s", st->path,
	    st->db ? sqlite3_errmsg(st->db) : "out of memory");
	store_close(st);
	return -1;
}

static struct store *
open_store(const char *path, char **cause)
{
	struct store	*st = xcalloc(1, sizeof *st);

	st->path = xstrdup(path);
	if (store_empty_file(path, cause))
		goto fail;
	st->readonly = store_ro_detect(path, &st->ro_reason);
	if (st->readonly) {
		if (store_ro_open(st, cause) != 0)
			goto fail;
	} else if (open_db(st, SQLITE_OPEN_CREATE, cause) != 0)
		return NULL;
	if (store_configure(st, 1, cause) != 0 ||
	    store_access_init(st, cause) != 0 ||
	    store_migrate(st, cause) != 0 || store_prepare(st, cause) != 0)
		goto fail;
	return st;
fail:
	if (*cause != NULL) {
		char *c = *cause;
		xasprintf(cause, "%s: %s", path, c);
		free(c);
	}
	store_close(st);
	return NULL;
}

/*
 * Open (or create) the store at path, checked, configured and migrated:
 * NULL and *cause on failure.  cause may be NULL (store.h): the modules
 * that open it write through theirs, so the message is made and dropped.
 */
struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;
	char		*why = NULL;

	st = open_store(path, cause != NULL ? cause : &why);
	free(why);
	return st;
}

/*
 * A second connection that writes to main's store, open, checked and
 * migrated already (store_open): for an import's transaction of its own
 * (import-stream.c).  Neither the integrity check, which reads every page
 * (200 ms of the loop at 35,000 events, at every streamed import), nor
 * the migration is done again.
 */
struct store *
store_open_writer(const struct store *main, char **cause)
{
	struct store	*st = xcalloc(1, sizeof *st);

	st->path = xstrdup(main->path);
	if (open_db(st, 0, cause) != 0)
		return NULL;
	if (store_configure(st, 0, cause) != 0 ||
	    store_access_init(st, cause) != 0 ||
	    store_prepare(st, cause) != 0) {
		store_close(st);
		return NULL;
	}
	return st;
}

/*
 * A statement prepared on first use and kept until the store closes, for
 * the feature modules (store-*.c).  sql must be a string constant: its
 * address is the cache key.
 */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql, char **cause)
{
	size_t	i;

	for (i = 0; i < st->ncached; i++)
		if (st->cached[i].sql == sql)
			return st->cached[i].stmt;
	if (st->ncached == sizeof st->cached / sizeof *st->cached)
		fatalx("store: statement cache full");
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st->cached[i].stmt, NULL) != SQLITE_OK) {
		store_db_cause(st, cause, "cannot prepare a statement");
		return NULL;
	}
	st->cached[i].sql = sql;
	st->ncached++;
	return st->cached[i].stmt;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_ckpt_stop(st);
	for (int i = 0; i < S__MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	for (size_t i = 0; i < st->ncached; i++)
		sqlite3_finalize(st->cached[i].stmt);
	sqlite3_close(st->db);
	free(st->path);
	free(st->ro_reason);
	free(st);
}

/*
 * How long a write waits for another connection's transaction: 0 while an
 * import holds the store on its own connection (import-stream.c), so that
 * a write of the loop's fails at once instead of holding the loop.
 */
void
store_busy_wait(struct store *st, int ms)
{
	if (st->db != NULL)
		sqlite3_busy_timeout(st->db, ms);
}

/*
 * Checkpoints: n pages of WAL before a commit runs one (0: never, until
 * store_checkpoint), so that a commit that writes a whole import's worth
 * of WAL can be told apart from the copying of it into the database.
 */
void
store_autocheckpoint(struct store *st, int n)
{
	if (st->db != NULL)
		sqlite3_wal_autocheckpoint(st->db, n);
}

/* A PASSIVE checkpoint: 1 when it copied all of the log. */
int
store_checkpoint(struct store *st)
{
	int	log = -1, copied = -1;

	return st->db != NULL && sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, &log, &copied) == SQLITE_OK &&
	    log >= 0 && copied == log;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

/* Run a statement that returns no rows, then reset it. */
int
store_step_done(struct store *st, sqlite3_stmt *s, char **cause, const char *what)
{
	int	 rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, what);
		return -1;
	}
	return 0;
}

/*
 * Transactions nest: the outermost store_begin opens the transaction
 * (BEGIN IMMEDIATE) and each inner one a savepoint, so that an inner
 * rollback undoes only the inner work and leaves the caller's transaction
 * open for the caller to commit or roll back.  A commit with no
 * transaction open (the outer one was rolled back under it, or SQLite
 * aborted it) is an error, never a silent success.
 */
enum sp_verb { SP_SAVEPOINT, SP_RELEASE, SP_ROLLBACK_TO };

/*
 * The savepoint statements, those of the first levels prepared once (a
 * write is two or three levels deep, and sqlite3_exec parsed each anew).
 */
static int
store_savepoint(struct store *st, enum sp_verb verb, int level, char **cause)
{
	static const char *const cached[][4] = {
		{ "SAVEPOINT kcal_sp1", "SAVEPOINT kcal_sp2",
		  "SAVEPOINT kcal_sp3", "SAVEPOINT kcal_sp4" },
		{ "RELEASE kcal_sp1", "RELEASE kcal_sp2", "RELEASE kcal_sp3",
		  "RELEASE kcal_sp4" },
		{ "ROLLBACK TO kcal_sp1", "ROLLBACK TO kcal_sp2",
		  "ROLLBACK TO kcal_sp3", "ROLLBACK TO kcal_sp4" },
	};
	static const char *const verbs[] = { "SAVEPOINT", "RELEASE",
	    "ROLLBACK TO" };
	sqlite3_stmt	*s;
	char		 sql[64];

	if (level >= 1 && level <= 4 &&
	    (s = store_stmt(st, cached[verb][level - 1], NULL)) != NULL)
		return store_step_done(st, s, cause, "store");
	snprintf(sql, sizeof sql, "%s kcal_sp%d", verbs[verb], level);
	return store_exec(st, sql, cause);
}

int
store_begin(struct store *st, char **cause)
{
	store_group_check(st);
	if (st->readonly) {
		if (cause != NULL)
			xasprintf(cause, "the store is read-only (%s); kcald "
			    "refuses writes until it is restarted with a "
			    "writable store", st->ro_reason);
		return -1;
	}
	if (st->depth > 0) {
		if (store_savepoint(st, SP_SAVEPOINT, st->depth, cause) != 0)
			return -1;
		st->depth++;
		return 0;
	}
	if (store_step_done(st, st->stmt[S_BEGIN], cause, "cannot begin a write") != 0)
		return -1;
	st->depth = 1;
	return 0;
}

int
store_commit(struct store *st, char **cause)
{
	if (st->depth == 0 || sqlite3_get_autocommit(st->db)) {
		st->depth = 0;
		store_group_ended(st);
		if (cause != NULL)
			*cause = xstrdup("cannot commit: the transaction was "
			    "already rolled back");
		return -1;
	}
	if (--st->depth > 0) {
		if (store_savepoint(st, SP_RELEASE, st->depth, cause) != 0) {
			store_rollback(st);
			return -1;
		}
		return 0;
	}
	st->group = 0;
	if (store_step_done(st, st->stmt[S_COMMIT], cause, "cannot commit") != 0) {
		st->depth = 1;
		store_rollback(st);
		return -1;
	}
	if (!st->lazy)
		st->durable++;
	store_group_ended(st);
	store_tally_commit(st);
	return 0;
}

/* Is a transaction open (a write now would not commit by itself)? */
int
store_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

/*
 * Commits from now on wait for the disk (lazy 0, synchronous=FULL, the
 * default) or not (lazy 1, NORMAL: still atomic and ordered in WAL mode,
 * made durable by the next FULL commit, lost to a power cut before it).
 * For derived state that can be rebuilt, such as reminder plans, and for
 * a group whose log server-sync.c makes durable before anyone hears of
 * it.  Only between transactions: SQLite refuses the change inside one.
 * Returns the setting now in force.
 */
int
store_lazy(struct store *st, int lazy)
{
	static const char	 normal[] = "PRAGMA synchronous = NORMAL";
	static const char	 full[] = "PRAGMA synchronous = FULL";
	sqlite3_stmt		*s;

	store_group_check(st);
	if (st->depth == 0 && !st->readonly &&
	    (s = store_stmt(st, lazy ? normal : full, NULL)) != NULL &&
	    store_step_done(st, s, NULL, NULL) == 0)
		st->lazy = lazy;
	if (!lazy && st->lazy)	/* every later commit would skip the disk */
		fatalx("cannot make commits wait for the disk again (PRAGMA "
		    "synchronous = FULL): %s", sqlite3_errmsg(st->db));
	return st->lazy;
}

/* Undo the innermost level: its savepoint, or the whole transaction. */
void
store_rollback(struct store *st)
{
	if (st->depth > 1 && !sqlite3_get_autocommit(st->db)) {
		st->depth--;
		if (store_savepoint(st, SP_ROLLBACK_TO, st->depth, NULL) == 0 &&
		    store_savepoint(st, SP_RELEASE, st->depth, NULL) == 0)
			return;
	}
	st->depth = 0;
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, st->stmt[S_ROLLBACK], NULL, NULL);
	store_group_ended(st);
}

void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/*
 * The reminders column: the leads, comma-separated, then, when there are
 * any, ';' and the absolute instants likewise ("3600,600;1806228000"), so
 * that a row shows both without its record being read (store-query.c's
 * load_reminders).  NULL: none.
 */
static char *
reminders_text(const struct event *ev)
{
	size_t	 n = ev->nremind + ev->nremind_at, len = 0, cap;
	char	*s;

	if (n == 0)
		return NULL;
	cap = n * 22 + 1;	/* a sign, 19 digits and a separator each */
	s = xmalloc(cap);
	for (size_t i = 0; i < ev->nremind; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld",
		    i > 0 ? "," : "", (long long)ev->remind[i]);
	for (size_t i = 0; i < ev->nremind_at; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld",
		    i == 0 ? ";" : ",", (long long)ev->remind_at[i]);
	return s;
}

/*
 * ev's participants, in place of those it had, and its rows of busy
 * (store-busy.c).  status's count of distinct names follows them through
 * store-count.c's triggers.
 */
static int
put_parts(struct store *st, const struct event *ev, const char *ical,
    char **cause)
{
	sqlite3_stmt	*s = st->stmt[S_PUT_PART];
	char		*names;
	int		 lost, rc = 0;

	store_bind_text(st->stmt[S_DEL_PARTS], 1, ev->uid);
	if (store_step_done(st, st->stmt[S_DEL_PARTS], cause, "cannot write") != 0)
		return -1;
	names = store_busy_names(ev, &lost);
	for (size_t i = 0; rc == 0 && i < ev->nparts; i++) {
		store_bind_text(s, 1, ev->uid);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		store_bind_text(s, 3, ev->parts[i].name);
		store_bind_text(s, 4, ev->parts[i].role);
		store_bind_text(s, 5, ev->parts[i].country);
		sqlite3_bind_int(s, 6, ev->parts[i].precedence);
		rc = store_step_done(st, s, cause, "cannot write a participant");
	}
	if (rc == 0)
		rc = store_busy_put(st, ev, ical, names, cause);
	free(names);
	return rc;
}

/*
 * Insert or replace an event (and its participants, and the occurrences
 * and the overrides' participants of a series, computed by its writer:
 * occur_put) in one transaction.
 */
int
store_put(struct store *st, const struct event *ev, const char *ical,
    const struct store_occs *occs, const struct store_overrides *ovr,
    char **cause)
{
	sqlite3_stmt	*s = st->stmt[S_PUT];
	char		*rem = reminders_text(ev);
	int		 rc;

	st->writes++;
	if (store_begin(st, cause) != 0) {
		free(rem);
		return -1;
	}
	/* Its rows of busy go first, found by what the row says now. */
	if (store_busy_clear(st, ev->uid, cause) != 0) {
		free(rem);
		store_rollback(st);
		return -1;
	}
	store_bind_text(s, 1, ev->uid);	store_bind_text(s, 2, ev->summary);
	store_bind_text(s, 3, ev->kind);	store_bind_text(s, 4, ev->status);
	store_bind_text(s, 5, ev->class);	store_bind_text(s, 6, ev->tz);
	store_bind_text(s, 7, ev->end_tz);
	sqlite3_bind_int64(s, 8, ev->start);
	sqlite3_bind_int64(s, 9, ev->end);
	sqlite3_bind_int(s, 10, ev->all_day);
	store_bind_text(s, 11, ev->location);	store_bind_text(s, 12, ev->description);
	store_bind_text(s, 13, ev->url);	store_bind_text(s, 14, ev->parent);
	store_bind_text(s, 15, ev->rrule);
	sqlite3_bind_int(s, 16, ev->sequence);
	sqlite3_bind_int64(s, 17, ev->created);
	sqlite3_bind_int64(s, 18, ev->last_modified);
	store_bind_text(s, 19, rem);		store_bind_text(s, 20, ical);
	store_bind_text(s, 21, ev->city);	store_bind_text(s, 22, ev->end_city);
	store_bind_text(s, 23, ev->anchor);
	if (ev->anchor != NULL)
		sqlite3_bind_int64(s, 24, ev->anchor_offset);
	free(rem);
	rc = store_step_done(st, s, cause, "cannot write the event");
	if (rc == 0)
		rc = put_parts(st, ev, ical, cause);
	if (rc == 0)
		rc = store_put_overrides(st, ev, ovr, cause);
	if (rc == 0)
		rc = store_put_occurrences(st, ev, occs, cause);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

/*
 * *ical as the reader's clearance may see it (store-access.c), in place:
 * 0, or STORE_NOT_FOUND (and *ical freed) when it may see none of it.
 */
int
store_redact_in_place(struct store *st, char **ical)
{
	char	*text;

	if (store_redact(st, *ical, &text) != 0) {
		free(*ical);
		*ical = NULL;
		return STORE_NOT_FOUND;
	}
	if (text != NULL) {
		free(*ical);
		*ical = text;
	}
	return 0;
}

/* The VEVENT text of uid: 0, STORE_NOT_FOUND, or -1. */
int
store_get(struct store *st, const char *uid, char **ical, char **cause)
{
	sqlite3_stmt	*s = st->stmt[S_GET];
	int		 rc;

	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*ical = xstrdup((const char *)sqlite3_column_text(s, 0));
	else if (rc != SQLITE_DONE)
		store_db_cause(st, cause, "cannot read the store");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return store_redact_in_place(st, ical);
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

/*
 * The full UID that a UID or unique prefix names: 0, STORE_NOT_FOUND,
 * STORE_AMBIGUOUS, or -1.  An exact match wins over longer UIDs.
 */
int
store_resolve(struct store *st, const char *prefix, char **uid, char **cause)
{
	sqlite3_stmt	*s = st->stmt[S_RESOLVE];
	size_t		 n = strlen(prefix);
	char		*hi, *found = NULL;
	int		 rows = 0, rc;

	if (n == 0)
		return STORE_NOT_FOUND;
	hi = xstrdup(prefix);		/* the least string above the prefix */
	hi[n - 1]++;
	store_bind_text(s, 1, prefix);
	store_bind_text(s, 2, hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(s, 0);
		if (rows++ == 0 || strcmp(u, prefix) == 0) {
			free(found);
			found = xstrdup(u);
		}
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	free(hi);
	if (rc != SQLITE_DONE) {
		free(found);
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	if (rows == 2 && strcmp(found, prefix) != 0) {
		free(found);
		return STORE_AMBIGUOUS;
	}
	*uid = found;
	return found ? 0 : STORE_NOT_FOUND;
}

int
store_delete(struct store *st, const char *uid, char **cause)
{
	st->writes++;
	if (store_begin(st, cause) != 0)
		return -1;
	if (store_busy_clear(st, uid, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	store_bind_text(st->stmt[S_DELETE], 1, uid);
	if (store_step_done(st, st->stmt[S_DELETE], cause, "cannot delete") != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

char *
store_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v ? xstrdup((const char *)v) : NULL;
}
