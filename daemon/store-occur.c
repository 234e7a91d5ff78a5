/*
 * store-occur.c — the occurrences of each recurring event, written with
 * the event (store_put calls store_put_occurrences in its transaction).
 *
 * Why: a window query (list, a feed, the conflict check of every add) must
 * hand its caller every recurring event that may recur inside the window,
 * and without an index that was every recurring event that starts before
 * the window ends -- each then parsed and expanded by the caller, most to
 * find nothing (make bench, 100,000 events, 10% recurring: ~10,000
 * expansions per one-week list).  Here the series is expanded once, when
 * it is written, exactly as a reader would expand it (ical_expand_full:
 * RRULE, RDATE, EXDATE, overrides that move an occurrence), and each
 * occurrence's start and end go into the occurrences table, indexed by
 * start.  S_QUERY (store.c) then hands over a series only when one of its
 * occurrences overlaps the window.  The caller still expands what it gets,
 * so the answers are the same; the occurrences only choose the series.
 *
 * Bounds: occurrences are kept up to occ_until, ten years past the later
 * of the event's start and now, and at most OCC_MAX of them.  A series
 * that does not fit (a daily rule without end), that cannot be expanded,
 * or a window that reaches past occ_until falls back to the old way: the
 * series is handed over whenever it starts before the window ends.
 * occ_until NULL means "not expanded": a trigger clears it whenever the
 * event's text or times change by any other path than store_put.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "ical.h"
#include "recur.h"
#include "store-int.h"
#include "store-occur.h"

#define OCC_MAX		5000
#define OCC_YEARS	10

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

struct occ_put {
	struct store	*st;
	sqlite3_stmt	*add;
	const char	*uid;
	char		*why;
	int		 failed;
};

static int
occ_add(void *arg, const struct ical_occ *oc)
{
	struct occ_put	*x = arg;

	store_bind_text(x->add, 1, x->uid);
	sqlite3_bind_int64(x->add, 2, oc->start);
	sqlite3_bind_int64(x->add, 3, oc->end);
	if (store_step_done(x->st, x->add, &x->why,
	    "cannot write an occurrence") != 0) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

static int
clear(struct store *st, sqlite3_stmt *del, const char *uid, char **cause)
{
	store_bind_text(del, 1, uid);
	return store_step_done(st, del, cause, "cannot write occurrences");
}

/* Ten years past the later of the start and now, without overflow. */
static int64_t
horizon(int64_t start)
{
	int64_t	now = (int64_t)time(NULL), from = start > now ? start : now;
	int64_t	span = (int64_t)OCC_YEARS * 366 * 86400;

	return from > INT64_MAX - span ? INT64_MAX - 1 : from + span;
}

int
store_put_occurrences(struct store *st, const struct event *ev,
    const char *ical, char **cause)
{
	struct occ_put	 x = { st, NULL, ev->uid, NULL, 0 };
	struct recur_budget saved;
	sqlite3_stmt	*del, *until;
	int64_t		 to = horizon(ev->start), from;
	int		 rc;

	if ((del = store_stmt(st, sql_del, cause)) == NULL ||
	    (x.add = store_stmt(st, sql_add, cause)) == NULL ||
	    (until = store_stmt(st, sql_until, cause)) == NULL)
		return -1;
	if (clear(st, del, ev->uid, cause) != 0)
		return -1;
	if (ev->rrule == NULL)
		return 0;
	/* Overrides may move an occurrence before DTSTART: a year's margin. */
	from = ev->start > INT64_MIN / 2 ? ev->start - 366 * 86400 : ev->start;
	/*
	 * A series' index has a budget of its own (recur-rules.c): bounded by
	 * OCC_MAX and by the density add and import allow, it must not be cut
	 * short because the import writing it is large.
	 */
	recur_budget_push(&saved);
	rc = ical_expand_full(ical, ev->tz, from, to, OCC_MAX, occ_add, &x,
	    &x.why);
	recur_budget_pop(&saved);
	if (x.failed) {
		if (cause != NULL)
			*cause = x.why;
		else
			free(x.why);
		return -1;
	}
	free(x.why);
	if (rc != 0)	/* cut short or unreadable: expanded when read */
		return clear(st, del, ev->uid, cause);
	store_bind_text(until, 1, ev->uid);
	sqlite3_bind_int64(until, 2, to);
	return store_step_done(st, until, cause, "cannot write occurrences");
}

#define NOT_INDEXED	2

/*
 * The occurrences of a series inside [from, to), from the index: 0, 1 when
 * max or cb cut them short, -1, or NOT_INDEXED when the series is not
 * indexed as far as to (nothing was reported).
 */
static int
from_index(struct store *st, const struct event *ev, int64_t from,
    int64_t to, size_t max, ical_occ_full_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct ical_occ	 oc = { 0, 0, 0, NULL };
	int64_t		 span = ev->end - ev->start + 2 * 86400;
	int		 rc, stop = NOT_INDEXED;	/* until a row says */

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
		oc.start = oc.rid = sqlite3_column_int64(s, 1);
		oc.end = sqlite3_column_int64(s, 2);
		stop = cb(arg, &oc) != 0;
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

/*
 * Expand a recurring row of a window query (its text, as store_query hands
 * it over) inside [from, to): the same answers as ical_expand_full, but
 * read from the occurrences index when the series is indexed past the
 * window and has no RECURRENCE-ID overrides.  Each occurrence is then the
 * master moved (its RECURRENCE-ID its start), so its text need not be
 * parsed: parsing and expanding every series in a window was half of a
 * one-week list and of the conflict check of every add (make bench).
 */
int
store_expand(struct store *st, const struct event *ev, const char *ical,
    const char *home, int64_t from, int64_t to, size_t max,
    ical_occ_full_cb cb, void *arg, char **cause)
{
	int	rc;

	/*
	 * The index holds every occurrence, those of overrides a limited
	 * clearance may not see too (store-access.c cut them out of ical).
	 */
	if (to != INT64_MAX && strstr(ical, "RECURRENCE-ID") == NULL &&
	    st->clearance == ACCESS_CLASS_CONFIDENTIAL &&
	    (rc = from_index(st, ev, from, to, max, cb, arg, cause)) !=
	    NOT_INDEXED)
		return rc;
	return ical_expand_full(ical, home, from, to, max, cb, arg, cause);
}
