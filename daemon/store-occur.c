/*
 * store-occur.c — the occurrences of each recurring event, written with
 * the event (store_put calls store_put_occurrences in its transaction)
 * from what its writer computed (occur.c).
 *
 * Why: a window query (list, a feed, the conflict check of every add) must
 * hand its caller every recurring event that may recur inside the window,
 * and without an index that was every recurring event that starts before
 * the window ends -- each then parsed and expanded by the caller, most to
 * find nothing (thousands of expansions per one-week list of a large
 * store).  Here the series is expanded once, when
 * it is written, exactly as a reader would expand it (recur.c: RRULE,
 * RDATE, EXDATE, overrides that move an occurrence), and each
 * occurrence's start and end go into the occurrences table, indexed by
 * start.  S_QUERY (store.c) then hands over a series only when one of its
 * occurrences overlaps the window, and store_occurrences() reads a
 * series' occurrences in a window back (occur_expand).
 *
 * Bounds (occur.h): occurrences are kept up to occ_until, OCC_YEARS past
 * the later of the event's start and now, and at most OCC_MAX of them.
 * A series that does not fit (a daily rule without end), that cannot be
 * expanded, or a window that reaches past occ_until falls back to the old
 * way: the series is handed over whenever it starts before the window
 * ends.  occ_until NULL means "not expanded": a trigger clears it whenever
 * the event's text or times change by any other path than store_put.
 */
#include <limits.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store-int.h"
#include "store-occur.h"

static const char sql_del[] = "DELETE FROM occurrences WHERE event_uid = ?1";
static const char sql_add[] = "INSERT OR IGNORE INTO occurrences "
    "(event_uid, start_utc, end_utc) VALUES (?1, ?2, ?3)";
static const char sql_until[] = "UPDATE events SET occ_until = ?2 "
    "WHERE uid = ?1";
/*
 * A series' occ_until, then its occurrences overlapping [?2, ?3) (?4:
 * where to start looking), in one query: every row carries occ_until, and
 * a series without any there is one row with NULL times.
 */
static const char sql_window[] = "SELECT e.occ_until, o.start_utc, "
    "o.end_utc FROM events e LEFT JOIN occurrences o ON o.event_uid = e.uid "
    "AND o.start_utc >= ?4 AND o.start_utc < ?3 AND (o.end_utc > ?2 OR "
    "o.start_utc >= ?2) WHERE e.uid = ?1 ORDER BY o.start_utc";

static const char sql_reindex_next[] = "SELECT uid FROM reindex LIMIT 1";
static const char sql_reindex_done[] = "DELETE FROM reindex WHERE uid = ?1";

int
store_reindex_next(struct store *st, char **uid, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	*uid = NULL;
	if ((s = store_stmt(st, sql_reindex_next, cause)) == NULL)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*uid = store_col_dup(s, 0);
	else if (rc != SQLITE_DONE)
		store_db_cause(st, cause, "cannot read the store");
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

int
store_reindex_done(struct store *st, const char *uid, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql_reindex_done, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	return store_step_done(st, s, cause, "cannot write the store");
}

static int
clear(struct store *st, sqlite3_stmt *del, const char *uid, char **cause)
{
	store_bind_text(del, 1, uid);
	return store_step_done(st, del, cause, "cannot write occurrences");
}

/*
 * Index ev's occurrences: occs, or none (NULL: a single event, or a series
 * to expand when read).
 */
int
store_put_occurrences(struct store *st, const struct event *ev,
    const struct store_occs *occs, char **cause)
{
	sqlite3_stmt	*del, *add, *until;

	if ((del = store_stmt(st, sql_del, cause)) == NULL ||
	    (add = store_stmt(st, sql_add, cause)) == NULL ||
	    (until = store_stmt(st, sql_until, cause)) == NULL)
		return -1;
	if (clear(st, del, ev->uid, cause) != 0)
		return -1;
	if (ev->rrule == NULL || occs == NULL)
		return 0;
	for (size_t i = 0; i < occs->n; i++) {
		store_bind_text(add, 1, ev->uid);
		sqlite3_bind_int64(add, 2, occs->start[i]);
		sqlite3_bind_int64(add, 3, occs->end[i]);
		if (store_step_done(st, add, cause,
		    "cannot write an occurrence") != 0)
			return -1;
	}
	store_bind_text(until, 1, ev->uid);
	sqlite3_bind_int64(until, 2, occs->until);
	return store_step_done(st, until, cause, "cannot write occurrences");
}

/*
 * The occurrences of series ev inside [from, to), from the index, each
 * cb(arg, start, end): 0, 1 when max or cb cut them short, -1, or
 * STORE_NOT_INDEXED when the series is not indexed as far as to (nothing
 * was reported).
 */
int
store_occurrences(struct store *st, const struct event *ev, int64_t from,
    int64_t to, size_t max, int (*cb)(void *, int64_t, int64_t), void *arg,
    char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 span = ev->end - ev->start + 2 * 86400;
	int		 rc, stop = STORE_NOT_INDEXED;	/* until a row says */

	if ((s = store_stmt(st, sql_window, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, ev->uid);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	sqlite3_bind_int64(s, 4, from > INT64_MIN + span ? from - span :
	    INT64_MIN);
	while (stop != 1 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL ||
		    sqlite3_column_int64(s, 0) < to)
			break;
		stop = 0;
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			break;		/* indexed, nothing in the window */
		if (max-- == 0) {
			stop = 1;
			break;
		}
		stop = cb(arg, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2)) != 0;
	}
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return stop;
}
