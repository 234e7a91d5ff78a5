/*
 * store.h — the SQLite store.  Events are kept as their canonical VEVENT
 * text plus indexed columns derived from it; participants in their own
 * table; the occurrences of a series as its writer computed them.  The
 * store never parses the text: what it needs read from a record comes
 * through store_record_ops.  Each write is one transaction unless the
 * caller wraps several in store_begin/commit (an import).  Only the
 * store's own files (store.c, store-*.c, through store-int.h) include
 * sqlite3.h; the rest of kcald sees the store through this header and
 * store-*.h.
 *
 * Conventions (cmd.h keeps the same; every header of the daemon should):
 *  - An int result is 0 for success and -1 for failure.  A positive one is
 *    an answer, not a failure (STORE_NOT_FOUND, STORE_AMBIGUOUS below), and
 *    the comment of each function that can give one names it.  A pointer
 *    result is NULL for failure.
 *  - A function that can fail takes char **cause last.  On failure it sets
 *    *cause to a message that the caller frees (free(3)); on success or a
 *    positive answer it leaves *cause as it was, so a caller starts with
 *    NULL and frees once.
 *  - cause may be NULL, to drop the message, only where the header says
 *    so.  Every store function takes NULL (the store passes NULL itself for
 *    a ROLLBACK after an error already told, and a caller for a test of
 *    existence such as store_get's).
 */
#ifndef KCAL_STORE_H
#define KCAL_STORE_H

#include <stdint.h>

#include "access.h"
#include "event.h"

struct store;

/*
 * The occurrences of a series, for the index (store-occur.c): n of them,
 * every one up to until (occur.c computes them).
 */
struct store_occs {
	const int64_t	*start, *end;
	size_t		 n;
	int64_t		 until;
};

/*
 * A series' RECURRENCE-ID overrides, each with its own participants, class
 * and status (occur.c reads them), so that people and list --participant
 * find someone who takes part in an override alone (store-itinerary.c).
 */
struct store_override {
	int64_t			 rid;
	const char		*class, *status;
	const struct participant *parts;
	size_t			 nparts;
};
struct store_overrides {
	const struct store_override *v;
	size_t			 n;
};

/*
 * What the store reads from a record, set once before the first
 * store_open (kcald: occur_record_ops, from the record code).  A function
 * pointer and not the callers' job: every record leaves the store through
 * a few reads (store_get, store_query, store_remind_event) that dozens of
 * callers use, and redacting there keeps the clearance applied in one
 * place (store-access.c), where a caller cannot forget it.  Without ops,
 * the store hands out no record under a limited clearance.
 *   redact: the record as clearance may see it; visible(arg, uid) says
 *     whether another event is readable.  0 (*text the new text, or NULL
 *     when it may go out as it is), or STORE_NOT_FOUND: none of it may.
 *   record_class: a record's effective class name, or NULL (migrations).
 */
struct store_record_ops {
	int		(*redact)(const char *, enum access_class,
			    int (*)(void *, const char *), void *, char **);
	const char	*(*record_class)(const char *);
};
void		 store_set_record_ops(const struct store_record_ops *);

struct store_query {
	int64_t		 from, to;	/* window [from, to); INT64_MIN/MAX: open */
	const char	*kind, *status, *participant, *parent, *search;
	int		 include_cancelled;
	/*
	 * override_people: participant also hands over a series when one of
	 * its RECURRENCE-ID overrides alone names them, and kind, status and
	 * search any series with overrides (one may answer them alone); for
	 * a caller that checks each occurrence's own fields (list).
	 */
	int		 override_people;
	/*
	 * shares: a JSON array of names; only events with a participant of
	 * one of those names (ASCII case ignored, as conflict.c compares
	 * them), and the event shares_or_uid; and every series with
	 * RECURRENCE-ID overrides (an override has people of its own, which
	 * the participants table does not hold, and a store from an older
	 * kcald has in override_participants only once the series is
	 * written again).  Read through an index of who is busy when
	 * (store-busy.c), not by filtering every row of the window.
	 */
	const char	*shares, *shares_or_uid;
	/*
	 * bare: rows without their participants and itinerary fields, for
	 * a caller that shows few of them and reads those for the ones it
	 * shows (store_query_rest).
	 */
	int		 bare;
};

/*
 * An item of a window (store_items): a single event, or one indexed
 * occurrence of a series (occ), and the rowid of its events row.
 */
struct store_item {
	int64_t		 rowid, start, end;
	int		 occ;
	int		 overridden;	/* of a series with overrides */
	char		*uid;
};

/* Called per matching row; ical is set for recurring events only. */
typedef int (*store_row_cb)(void *, const struct event *, const char *);

struct store	*store_open(const char *, char **);
struct store	*store_open_writer(const struct store *, char **);
void		 store_close(struct store *);
const char	*store_path(const struct store *);
void		 store_busy_wait(struct store *, int);
/* store-busy.c: a big write's rows of who is busy made at its end */
int		 store_busy_defer(struct store *, char **);
int		 store_busy_fill(struct store *, char **);
void		 store_autocheckpoint(struct store *, int);
int		 store_checkpoint(struct store *);
int		 store_ckpt_start(struct store *, char **);	/* store-ckpt.c */
void		 store_ckpt_stop(struct store *);
int		 store_ckpt_holding(struct store *);
void		 store_ckpt_imported(struct store *, int);
/* store-ro.c: a second, read-only connection, for a thread off the loop. */
struct store	*store_open_reader(const struct store *, char **);
int		 store_snapshot_begin(struct store *, char **);
void		 store_snapshot_end(struct store *);
int		 store_begin(struct store *, char **);
int		 store_commit(struct store *, char **);
int		 store_in_transaction(struct store *);
void		 store_rollback(struct store *);
int		 store_lazy(struct store *, int);
/* store-group.c: one transaction that several requests share */
int		 store_group_begin(struct store *, int, char **);
int		 store_group_lazy(const struct store *);
int		 store_group_stale(const struct store *);
int		 store_group_open(const struct store *);
void		 store_group_enter(struct store *, int);
void		 store_group_hook(struct store *, void (*)(void *), void *);
uint64_t	 store_durable_commits(const struct store *);
void		 store_group_synced(struct store *);
const char	*store_wal_path(const struct store *);
int		 store_put(struct store *, const struct event *, const char *,
		     const struct store_occs *, const struct store_overrides *,
		     char **);
int		 store_get(struct store *, const char *, char **, char **);
int		 store_resolve(struct store *, const char *, char **, char **);
int		 store_delete(struct store *, const char *, char **);
int		 store_query(struct store *, const struct store_query *,
		     store_row_cb, void *, char **);
int		 store_query_rest(struct store *, struct event *, size_t);
int		 store_items(struct store *, const struct store_query *,
		     int64_t, size_t, struct store_item **, size_t *, char **);
int		 store_items_bound(struct store *, const struct store_query *,
		     int64_t *, char **);
void		 store_items_free(struct store_item *, size_t);
int		 store_item_row(struct store *, int64_t, struct event *);
int		 store_query_settled(struct store *, int64_t, int64_t,
		     int64_t);
int		 store_count(struct store *, const char *, int64_t *);
int		 store_counts(struct store *, int64_t[3]);
void		 store_count_track(struct store *);
int		 store_counts_walk(struct store *, int64_t[3]);
void		 store_counts_adopt(struct store *, const int64_t[3]);
void		 store_counts_hold(struct store *, int);
int		 store_readonly(const struct store *);
const char	*store_readonly_reason(const struct store *);

/* store-access.c: what a reader of a limited clearance is handed. */
enum access_class store_set_clearance(struct store *, enum access_class);
enum access_class store_clearance(const struct store *);
int		 store_visible(struct store *, const char *);

/* Positive answers: store_get, store_resolve (and others that say so). */
#define STORE_BUSY_MS		5000	/* a write waits for another connection */

#define STORE_NOT_FOUND		1
#define STORE_AMBIGUOUS		2
#define STORE_NOT_INDEXED	3	/* store_occurrences */
#define STORE_LATER		4	/* store_counts: after the transaction */

#endif
