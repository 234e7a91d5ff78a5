/*
 * store-access.c — what the store hands out to a reader of a limited
 * clearance (access.h: the highest CLASS a role may read).
 *
 * Every command reads the calendar through the store, so this is the one
 * place where a peer's clearance is applied: cmd_dispatch() sets the
 * clearance of the peer whose request runs and puts it back after, and a
 * reminder is pushed to a watcher only if it can be seen under that
 * watcher's clearance (server_broadcast, occur_visible).  Under
 * a limited clearance:
 *   - every query of events carries "AND kcal_may_read(class)": an event
 *     above the clearance is simply not there (get answers not_found as for
 *     a UID that never existed, a UID prefix is not ambiguous because of
 *     it, people and counts leave it out, list, itinerary, export,
 *     conflicts and reminders never meet it);
 *   - a record handed out (store_get, a series' text from store_query, the
 *     text reminders are planned from) goes through the record code's
 *     redaction (store_record_ops, set once by kcald: ical_redact):
 *     overrides above the clearance are cut out of their series (EXDATE),
 *     references to hidden events dropped.
 * Outside a request the clearance is confidential: the reminder walk and
 * the feeds (which apply their own audience, feed-audience.c) see every
 * event.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "access.h"
#include "store-int.h"
#include "text-fold.h"
#include "xmalloc.h"

static const struct store_record_ops *record_ops;

static const char sql_visible[] = "SELECT 1 FROM events WHERE uid = ?1 "
    "AND kcal_may_read(class)";
/* status's counts, of the events the clearance may read */
static const char sql_count_all[] = "SELECT count(*) FROM events WHERE "
    "kcal_may_read(class)";
static const char sql_count_cancelled[] = "SELECT count(*) FROM events "
    "WHERE status = 'cancelled' AND kcal_may_read(class)";
static const char sql_count_parts[] = "SELECT count(DISTINCT p.name) FROM "
    "participants p JOIN events e ON e.uid = p.event_uid WHERE "
    "kcal_may_read(e.class)";

/* SQL: kcal_may_read(class), under the store's current clearance. */
static void
may_read_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(cx);
	const char	*class;

	(void)argc;
	if (st->clearance == ACCESS_CLASS_CONFIDENTIAL) {
		sqlite3_result_int(cx, 1);
		return;
	}
	class = (const char *)sqlite3_value_text(argv[0]);
	sqlite3_result_int(cx, access_may_read(st->clearance,
	    access_class_of(class)));
}

int
store_access_init(struct store *st, char **cause)
{
	st->clearance = ACCESS_CLASS_CONFIDENTIAL;
	if (sqlite3_create_function(st->db, "kcal_may_read", 1, SQLITE_UTF8,
	    st, may_read_fn, NULL, NULL) != SQLITE_OK) {
		store_db_cause(st, cause, "cannot define kcal_may_read");
		return -1;
	}
	/* what the filters beside it match text with (store-int.h) */
	if (text_fold_init(st->db) != SQLITE_OK) {
		store_db_cause(st, cause, "cannot define kcal_holds");
		return -1;
	}
	return 0;
}

/* Read as a peer cleared up to c from now on; returns the clearance before. */
enum access_class
store_set_clearance(struct store *st, enum access_class c)
{
	enum access_class	old = st->clearance;

	st->clearance = c;
	return old;
}

enum access_class
store_clearance(const struct store *st)
{
	return st->clearance;
}

/* Is there an event uid that the current clearance may read? */
int
store_visible(struct store *st, const char *uid)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_visible, NULL)) == NULL)
		return 0;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW;
}

/* store_count under a limited clearance. */
int
store_count_visible(struct store *st, const char *what, int64_t *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_stmt(st, strcmp(what, "cancelled") == 0 ?
	    sql_count_cancelled : strcmp(what, "participants") == 0 ?
	    sql_count_parts : sql_count_all, NULL);
	*out = 0;
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * A row's references to events the clearance may not read, dropped (as
 * ical_redact drops them from the record): a parent visit, an anchor and
 * its offset.
 */
void
store_hide_refs(struct store *st, struct event *ev)
{
	if (st->clearance == ACCESS_CLASS_CONFIDENTIAL)
		return;
	if (ev->parent != NULL && !store_visible(st, ev->parent)) {
		free(ev->parent);
		ev->parent = NULL;
	}
	if (ev->anchor != NULL && !store_visible(st, ev->anchor)) {
		free(ev->anchor);
		ev->anchor = NULL;
		ev->anchor_offset = 0;
	}
}

static int
visible_cb(void *arg, const char *uid)
{
	return store_visible(arg, uid);
}

void
store_set_record_ops(const struct store_record_ops *ops)
{
	record_ops = ops;
}

/*
 * A record's effective class name (store_record_ops) in *class, NULL when
 * the record cannot be read: 0, or -1 when nothing can read it.
 */
int
store_record_class(const char *text, const char **class)
{
	if (record_ops == NULL || record_ops->record_class == NULL)
		return -1;
	*class = record_ops->record_class(text);
	return 0;
}

/*
 * A record about to be handed out, as the current clearance may see it:
 * 0 (*text is it, NULL when the stored text may go out as it is), or
 * STORE_NOT_FOUND when none of it may -- and when nothing can redact it
 * (no store_record_ops): closed, not open.
 */
int
store_redact(struct store *st, const char *stored, char **text)
{
	*text = NULL;
	if (st->clearance == ACCESS_CLASS_CONFIDENTIAL || stored == NULL)
		return 0;
	if (record_ops == NULL || record_ops->redact == NULL)
		return STORE_NOT_FOUND;
	return record_ops->redact(stored, st->clearance, visible_cb, st, text);
}
