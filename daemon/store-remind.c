/*
 * store-remind.c — the reminder SQL (the schema is the reminders entry of
 * store-schema.c's migrations array, and the alarms entry after it).
 *
 * alarms.next_alarm holds, per event, the instant of its earliest pending
 * reminder, under a partial index, in a narrow table of its own so that
 * planning never rewrites the wide event rows: arming the one timer is min(next_alarm)
 * and firing walks the index up to now, so 100,000 pending reminders cost
 * the daemon no memory and no scan.  NULL (or no row) means nothing is
 * pending.
 *
 * A negative next_alarm means "the event changed: plan it again".  Two
 * triggers on events set it inside the writing transaction itself, so every write
 * path (add, update, cancel, import, anything later) is covered without
 * calling into the reminder code.  The negative value keeps a baseline,
 * as -1 - instant, that the walk plans from (remind-walk.c, walk_from):
 * the instant that was pending, when it had passed at the write (a
 * reminder due but not yet fired when the edit came, the machine asleep,
 * is still delivered, late, rather than lost), else the write's own
 * instant (an event imported and not yet planned when kcald stopped has
 * the reminders that fell due since then go off, late, at the start).
 * Plain -1 (rows from before that): none.  Negative values sort first,
 * so the walk picks changed events up before anything else.
 *
 * reminder_state has one row per (event, occurrence start, due instant)
 * that was delivered (fired), dismissed (acked), snoozed or missed; a row
 * is what makes delivery exactly once across restarts.  Rows go with
 * their event (ON DELETE CASCADE).
 *
 * hook_jobs is the hook's queue: a row per run of notify_cmd still owed,
 * inserted in the transaction that marks its reminder fired
 * (remind-walk.c) and deleted once the hook has finished (notify.c).
 * tries counts the runs that were started; a row with tries > 0 at
 * start-up is a run that kcald stopped or lost (SIGTERM, kill -9), and
 * goes again with KCAL_RETRY=1.  Ids only grow (AUTOINCREMENT), so the
 * runner takes the rows past the last id it took, a few at a time: per
 * hook (cmd, the position of its notify_cmd), from the index on (cmd, id).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "store-remind.h"
#include "xmalloc.h"

/* The dirty encoding applied to next_alarm (see above). */
#define SQL_NOW	"CAST(strftime('%s', 'now') AS INTEGER)"
#define DIRTY_EXPR \
	"CASE WHEN next_alarm IS NULL THEN -1 - " SQL_NOW " WHEN " \
	"next_alarm < 0 THEN next_alarm ELSE -1 - min(next_alarm, " \
	SQL_NOW ") END"

static const char sql_min[] =
    "SELECT min(next_alarm) FROM alarms WHERE next_alarm IS NOT NULL";
static const char sql_min_after[] =
    "SELECT min(next_alarm) FROM alarms WHERE next_alarm > ?1";
static const char sql_due[] =
    "SELECT uid FROM alarms WHERE next_alarm IS NOT NULL AND "
    "next_alarm <= ?1 ORDER BY next_alarm LIMIT ?2";
static const char sql_exists[] = "SELECT 1 FROM events WHERE uid = ?1";
static const char sql_load[] =
    "SELECT e.ical, a.next_alarm FROM events e LEFT JOIN alarms a "
    "ON a.uid = e.uid WHERE e.uid = ?1 AND kcal_may_read(e.class)";
static const char sql_marks[] =
    "SELECT occ, due, state, snooze_until FROM reminder_state "
    "WHERE uid = ?1 AND (due >= ?2 OR state = 'snoozed')";
static const char sql_set_next[] =
    "UPDATE alarms SET next_alarm = ?2 WHERE uid = ?1";
static const char sql_plan_next[] =
    "UPDATE alarms SET next_alarm = ?2 WHERE uid = ?1 AND next_alarm IS ?3";
static const char sql_mark[] =
    "INSERT INTO reminder_state (uid, occ, due, state, snooze_until, "
    "fired_at, late, deliveries, updated, seq) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8 IS NOT NULL, ?9, ?8) ON CONFLICT (uid, occ, due) DO UPDATE "
    "SET state = ?4, snooze_until = ?5, fired_at = coalesce(?6, fired_at), "
    "late = ?7, deliveries = deliveries + (?8 IS NOT NULL), updated = ?9, "
    "seq = coalesce(?8, seq)";
static const char sql_seq[] =
    "SELECT max(coalesce((SELECT max(seq) FROM reminder_state WHERE seq "
    "IS NOT NULL), 0), coalesce((SELECT CAST(value AS INTEGER) FROM "
    "remind_meta WHERE key = 'fired_seq'), 0))";
static const char sql_since[] =
    "SELECT uid, occ, due, state, snooze_until, fired_at, late, "
    "deliveries, updated, seq FROM reminder_state WHERE seq > ?1 "
    "ORDER BY seq LIMIT ?2";
static const char sql_touch[] =
    "INSERT INTO alarms (uid, next_alarm) SELECT uid, -1 - " SQL_NOW
    " FROM events WHERE uid = ?1 ON CONFLICT (uid) DO UPDATE SET next_alarm = "
    DIRTY_EXPR;
static const char sql_touch_all[] =
    "INSERT INTO alarms (uid, next_alarm) SELECT uid, -1 - " SQL_NOW
    " FROM events WHERE true ON CONFLICT (uid) DO UPDATE SET next_alarm = " DIRTY_EXPR;
static const char sql_current[] =
    "SELECT uid, occ, due, state, snooze_until, fired_at, late, "
    "deliveries, updated, seq FROM reminder_state WHERE uid = ?1 AND state IN "
    "('fired', 'snoozed', 'missed') ORDER BY updated DESC, due DESC LIMIT 1";
static const char sql_missed[] =
    "SELECT uid, occ, due, state, snooze_until, fired_at, late, "
    "deliveries, updated, seq FROM reminder_state WHERE state = 'missed' AND "
    "due >= ?1 AND due < ?2 ORDER BY due, uid LIMIT ?3";
static const char sql_upcoming[] =
    "SELECT uid FROM alarms WHERE next_alarm IS NOT NULL AND "
    "next_alarm < ?1 ORDER BY next_alarm LIMIT ?2";
static const char sql_fire[] =
    "SELECT uid, next_alarm FROM alarms WHERE (next_alarm, uid) > (?1, ?3) "
    "AND next_alarm >= 0 AND next_alarm <= ?2 ORDER BY next_alarm, uid "
    "LIMIT ?4";
static const char sql_at[] =
    "SELECT uid FROM alarms WHERE next_alarm = ?1 AND uid > ?2 "
    "ORDER BY uid LIMIT ?3";
static const char sql_meta_get[] =
    "SELECT value FROM remind_meta WHERE key = ?1";
static const char sql_meta_set[] =
    "INSERT INTO remind_meta (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = ?2";

static const char sql_hook_add[] =
    "INSERT INTO hook_jobs (cmd, uid, occ, due, seq, msg, queued) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_hook_next[] =
    "SELECT id, cmd, uid, occ, due, seq, msg, queued, tries FROM hook_jobs "
    "WHERE cmd BETWEEN ?3 AND ?4 AND id > ?1 ORDER BY id LIMIT ?2";
static const char sql_hook_started[] =
    "UPDATE hook_jobs SET tries = tries + 1, started = ?2 WHERE id = ?1";
static const char sql_hook_done[] =
    "DELETE FROM hook_jobs WHERE id = ?1";
static const char sql_hook_count[] =
    "SELECT count(*), count(started) FROM hook_jobs";

static sqlite3_stmt *
stmt(struct store *st, const char *sql, char **cause)
{
	return store_stmt(st, sql, cause);
}

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/*
 * The earliest next_alarm (REMIND_NEVER: none), from the index; with
 * after >= 0, the earliest one past it (what is not yet due at after,
 * the "plan again" marks left out: they are negative).
 */
static int
remind_min(struct store *st, int64_t after, int64_t *out, char **cause)
{
	sqlite3_stmt	*s = stmt(st, after < 0 ? sql_min : sql_min_after,
			    cause);
	int		 rc;

	if (s == NULL)
		return -1;
	if (after >= 0)
		sqlite3_bind_int64(s, 1, after);
	*out = REMIND_NEVER;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(s, 0);
	done(s);
	if (rc != SQLITE_ROW) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return 0;
}

int
store_remind_min(struct store *st, int64_t *out, char **cause)
{
	return remind_min(st, -1, out, cause);
}

int
store_remind_min_after(struct store *st, int64_t after, int64_t *out,
    char **cause)
{
	return remind_min(st, after, out, cause);
}

/* The uids a query returns; in *col1, if asked, each row's column 1. */
static int
uid_list(struct store *st, sqlite3_stmt *s, char ***uids, size_t *n,
    int64_t **col1, char **cause)
{
	size_t	cap = 0;
	int	rc;

	*uids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {	/* doubling: a batch is 256 rows */
			cap = cap == 0 ? 64 : cap * 2;
			*uids = xreallocarray(*uids, cap, sizeof **uids);
			if (col1 != NULL)
				*col1 = xreallocarray(*col1, cap,
				    sizeof **col1);
		}
		(*uids)[*n] = store_col_dup(s, 0);
		if (col1 != NULL)
			(*col1)[*n] = sqlite3_column_int64(s, 1);
		(*n)++;
	}
	done(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the store");
		store_remind_uids_free(*uids, *n);
		*uids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Events whose next_alarm is at or before now (changed ones first). */
int
store_remind_due(struct store *st, int64_t now, size_t limit, char ***uids,
    size_t *n, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_due, cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	return uid_list(st, s, uids, n, NULL, cause);
}

/*
 * Events with a reminder due by now and planned (not changed since), in
 * (next_alarm, uid) order after the pair (at, after): a burst walked a
 * slice at a time.  (*nas)[i] is uids[i]'s next_alarm.
 */
int
store_remind_fire(struct store *st, int64_t now, int64_t at,
    const char *after, size_t limit, char ***uids, int64_t **nas, size_t *n,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_fire, cause);

	*nas = NULL;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, at);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, after);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)limit);
	if (uid_list(st, s, uids, n, nas, cause) == 0)
		return 0;
	free(*nas);
	*nas = NULL;
	return -1;
}

/* Events that may have a reminder before `to` (changed ones included). */
int
store_remind_upcoming(struct store *st, int64_t to, size_t limit,
    char ***uids, size_t *n, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_upcoming, cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, to);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	return uid_list(st, s, uids, n, NULL, cause);
}

/*
 * Events whose next_alarm is exactly at, by uid, after the uid `after`
 * (a walk over them a batch at a time: remind-prep.c prepares them ahead).
 */
int
store_remind_at(struct store *st, int64_t at, const char *after,
    size_t limit, char ***uids, size_t *n, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_at, cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, at);
	store_bind_text(s, 2, after);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
	return uid_list(st, s, uids, n, NULL, cause);
}

/*
 * The event's reminder rows due at or after lo, and every snoozed one.
 */
int
store_remind_marks(struct store *st, const char *uid, int64_t lo,
    struct remind_mark **marks, size_t *n, char **cause)
{
	sqlite3_stmt		*s = stmt(st, sql_marks, cause);
	struct remind_mark	*m;
	int			 rc;

	*marks = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	sqlite3_bind_int64(s, 2, lo);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*marks = xreallocarray(*marks, *n + 1, sizeof **marks);
		m = &(*marks)[(*n)++];
		m->occ = sqlite3_column_int64(s, 0);
		m->due = sqlite3_column_int64(s, 1);
		m->state = remind_state_parse((const char *)
		    sqlite3_column_text(s, 2));
		m->until = sqlite3_column_int64(s, 3);
	}
	done(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the reminder state");
		free(*marks);
		*marks = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Is the event uid in the store, whoever may read it?  1, 0, or -1. */
int
store_remind_exists(struct store *st, const char *uid)
{
	sqlite3_stmt	*s = stmt(st, sql_exists, NULL);
	int		 rc;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* An event's VEVENT and next_alarm (REMIND_NEVER for NULL): 0,
 * STORE_NOT_FOUND or -1. */
int
store_remind_event(struct store *st, const char *uid, char **ical,
    int64_t *next, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_load, cause);
	int		 rc;

	*ical = NULL;
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ical = store_col_dup(s, 0);
		*next = sqlite3_column_type(s, 1) == SQLITE_NULL ?
		    REMIND_NEVER : sqlite3_column_int64(s, 1);
	}
	done(s);
	if (rc == SQLITE_DONE)
		return STORE_NOT_FOUND;
	if (rc != SQLITE_ROW) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	/* As the reader's clearance may see it (store-access.c). */
	return store_redact_in_place(st, ical);
}

int
store_remind_set_next(struct store *st, const char *uid, int64_t next,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_set_next, cause);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	if (next == REMIND_NEVER)
		sqlite3_bind_null(s, 2);
	else
		sqlite3_bind_int64(s, 2, next);
	return store_step_done(st, s, cause, "cannot plan a reminder");
}

static void
bind_next(sqlite3_stmt *s, int i, int64_t next)
{
	if (next == REMIND_NEVER)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, next);
}

/*
 * Store a plan made from the next_alarm `was` read earlier, unless the
 * event changed since (a write marked it "plan again" meanwhile: that mark
 * stays, and the event is planned again).
 */
int
store_remind_plan_next(struct store *st, const char *uid, int64_t was,
    int64_t next, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_plan_next, cause);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	bind_next(s, 2, next);
	bind_next(s, 3, was);
	return store_step_done(st, s, cause, "cannot plan a reminder");
}

/*
 * Record a reminder's state.  A delivery (fired_at non-zero) takes the
 * delivery sequence number seq, which watchers use to catch up after a
 * reconnection; fired_at 0 keeps the last delivery's time and number.
 */
int
store_remind_mark(struct store *st, const char *uid,
    const struct remind_mark *m, int64_t fired_at, int64_t late,
    int64_t seq, int64_t now, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_mark, cause);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	sqlite3_bind_int64(s, 2, m->occ);
	sqlite3_bind_int64(s, 3, m->due);
	store_bind_text(s, 4, remind_state_name(m->state));
	if (m->state == REMIND_SNOOZED)
		sqlite3_bind_int64(s, 5, m->until);
	else
		sqlite3_bind_null(s, 5);
	if (fired_at != 0)
		sqlite3_bind_int64(s, 6, fired_at);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_int64(s, 7, late);
	if (fired_at != 0)
		sqlite3_bind_int64(s, 8, seq);
	else
		sqlite3_bind_null(s, 8);
	sqlite3_bind_int64(s, 9, now);
	return store_step_done(st, s, cause, "cannot record a reminder");
}

/* Mark one event (uid NULL: every event) to be planned again. */
int
store_remind_touch(struct store *st, const char *uid, char **cause)
{
	sqlite3_stmt	*s = stmt(st, uid ? sql_touch : sql_touch_all, cause);

	if (s == NULL)
		return -1;
	if (uid != NULL)
		store_bind_text(s, 1, uid);
	return store_step_done(st, s, cause, "cannot plan reminders");
}

static void
read_row(sqlite3_stmt *s, struct remind_row *r)
{
	r->uid = store_col_dup(s, 0);
	r->mark.occ = sqlite3_column_int64(s, 1);
	r->mark.due = sqlite3_column_int64(s, 2);
	r->mark.state = remind_state_parse((const char *)
	    sqlite3_column_text(s, 3));
	r->mark.until = sqlite3_column_int64(s, 4);
	r->fired_at = sqlite3_column_int64(s, 5);
	r->late = sqlite3_column_int64(s, 6);
	r->deliveries = sqlite3_column_int(s, 7);
	r->updated = sqlite3_column_int64(s, 8);
	r->seq = sqlite3_column_int64(s, 9);
}

/*
 * The event's current reminder: the one last delivered, snoozed or missed
 * and not yet acknowledged.  0, STORE_NOT_FOUND or -1.
 */
int
store_remind_current(struct store *st, const char *uid, struct remind_row *r,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_current, cause);
	int		 rc;

	memset(r, 0, sizeof *r);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_row(s, r);
	done(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return STORE_NOT_FOUND;
	store_db_cause(st, cause, "cannot read the reminder state");
	return -1;
}

/*
 * The last delivery sequence number (0: none yet): the highest of the
 * records, or of those of deleted events (fired_seq, remind-walk.c).
 */
int
store_remind_seq(struct store *st, int64_t *seq, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_seq, cause);
	int		 rc;

	*seq = 0;
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(s, 0);
	done(s);
	if (rc != SQLITE_ROW) {
		store_db_cause(st, cause, "cannot read the reminder state");
		return -1;
	}
	return 0;
}

static int
row_list(struct store *st, sqlite3_stmt *s, struct remind_row **rows,
    size_t *n, char **cause)
{
	int	rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
		read_row(s, &(*rows)[(*n)++]);
	}
	done(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the reminder state");
		store_remind_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Deliveries numbered after seq, oldest first, at most limit. */
int
store_remind_since(struct store *st, int64_t seq, size_t limit,
    struct remind_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_since, cause);

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	return row_list(st, s, rows, n, cause);
}

/* Missed reminders due in [from, to), at most limit, oldest first. */
int
store_remind_missed(struct store *st, int64_t from, int64_t to, size_t limit,
    struct remind_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_missed, cause);

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
	return row_list(st, s, rows, n, cause);
}

/* A remembered value (NULL in *value when unset). */
int
store_remind_meta_get(struct store *st, const char *key, char **value,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_meta_get, cause);
	int		 rc;

	*value = NULL;
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = store_col_dup(s, 0);
	done(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return 0;
}

int
store_remind_meta_set(struct store *st, const char *key, const char *value,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_meta_set, cause);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	return store_step_done(st, s, cause, "cannot write the store");
}

/* Queue a run of the hook (j->id, j->tries are not read). */
int
store_hook_add(struct store *st, const struct hook_job *j, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_hook_add, cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, j->cmd);
	store_bind_text(s, 2, j->uid);
	sqlite3_bind_int64(s, 3, j->occ);
	sqlite3_bind_int64(s, 4, j->due);
	sqlite3_bind_int64(s, 5, j->seq);
	store_bind_text(s, 6, j->msg);
	sqlite3_bind_int64(s, 7, j->queued);
	return store_step_done(st, s, cause, "cannot queue the hook");
}

/* The runs queued after the id after, oldest first, at most limit. */
int
store_hook_next(struct store *st, int64_t after, size_t limit,
    struct hook_job **jobs, size_t *n, char **cause)
{
	return store_hook_next_cmds(st, 0, INT_MAX, after, INT64_MAX, limit,
	    jobs, n, cause);
}

/*
 * The same for the hooks numbered lo to hi only, and up to the first run
 * of a delivery numbered past upto, which waits with all after it: the
 * caller takes the next ones after the last id it was given, so none may
 * be passed over (numbers given to reminders delivered from memory,
 * remind-held.h, are given again after a restart).
 */
int
store_hook_next_cmds(struct store *st, int lo, int hi, int64_t after,
    int64_t upto, size_t limit, struct hook_job **jobs, size_t *n,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_hook_next, cause);
	struct hook_job	*j;
	int		 rc;

	*jobs = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	sqlite3_bind_int(s, 3, lo);
	sqlite3_bind_int(s, 4, hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 5) != SQLITE_NULL &&
		    sqlite3_column_int64(s, 5) > upto) {
			rc = SQLITE_DONE;
			break;
		}
		*jobs = xreallocarray(*jobs, *n + 1, sizeof **jobs);
		j = &(*jobs)[(*n)++];
		j->id = sqlite3_column_int64(s, 0);
		j->cmd = sqlite3_column_int(s, 1);
		j->uid = store_col_dup(s, 2);
		j->occ = sqlite3_column_int64(s, 3);
		j->due = sqlite3_column_int64(s, 4);
		j->seq = sqlite3_column_int64(s, 5);
		j->msg = store_col_dup(s, 6);
		j->queued = sqlite3_column_int64(s, 7);
		j->tries = sqlite3_column_int(s, 8);
	}
	done(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the hook queue");
		store_hook_jobs_free(*jobs, *n);
		*jobs = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* A run of the job id is starting (at now). */
int
store_hook_started(struct store *st, int64_t id, int64_t now, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_hook_started, cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s, cause, "cannot record a hook run");
}

/* The job id has run to its end: out of the queue. */
int
store_hook_done(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_hook_done, cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return store_step_done(st, s, cause, "cannot record a hook run");
}

/* How many runs are queued, and how many of those were started. */
int
store_hook_count(struct store *st, int64_t *queued, int64_t *started,
    char **cause)
{
	sqlite3_stmt	*s = stmt(st, sql_hook_count, cause);
	int		 rc;

	*queued = *started = 0;
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*queued = sqlite3_column_int64(s, 0);
		*started = sqlite3_column_int64(s, 1);
	}
	done(s);
	if (rc != SQLITE_ROW) {
		store_db_cause(st, cause, "cannot read the hook queue");
		return -1;
	}
	return 0;
}

void
store_hook_jobs_free(struct hook_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].uid);
		free(jobs[i].msg);
	}
	free(jobs);
}

void
store_remind_rows_free(struct remind_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].uid);
	free(rows);
}

void
store_remind_uids_free(char **uids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(uids[i]);
	free(uids);
}
