/*
 * store-int.h — private to the store modules (store.c and store-*.c, all
 * of which include sqlite3.h).  Feature modules keep their SQL next
 * to their code and use store_stmt() for cached prepared statements; every
 * schema change is a new entry in store-schema.c's migrations array.
 */
#ifndef KCAL_STORE_INT_H
#define KCAL_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

enum store_stmt_id {
	S_BEGIN, S_COMMIT, S_ROLLBACK, S_PUT, S_DEL_PARTS, S_PUT_PART, S_GET,
	S_RESOLVE, S_DELETE, S_MAXDUR, S_QUERY, S_PARTS, S_COUNT_ALL,
	S_COUNT_CANCELLED, S_COUNT_PARTS, S_QUERY_PARENT,
	S_QUERY_KEYS, S_QUERY_KEYS_PARENT, S_QUERY_ROW, S__MAX
};

/* store_count's: a count as of a version of what the connection reads. */
struct store_kept_count {
	int		 valid;
	int64_t		 version[2];
	int64_t		 n;
};

/* store-count.c's: the counts of the connection's writes, kept as they run. */
struct store_tally {
	int		 tracked;	/* the temporary triggers are in place */
	int		 valid;		/* the tally counts the store ... */
	int		 held;		/* store_counts_hold */
	int64_t		 version;	/* ... as of this PRAGMA data_version */
	uint64_t	 ckpt_wrote;	/* ... and this store_ckpt_wrote */
	int64_t		 committed[3];	/* as of the last commit */
};

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmt[S__MAX];
	struct {
		const char	*sql;
		sqlite3_stmt	*stmt;
	}		 cached[128];
	size_t		 ncached;
	int		 depth;		/* store_begin nesting */
	int		 readonly;	/* opened read-only (store-ro.c) */
	enum access_class clearance;	/* of the reader (store-access.c) */
	char		*ro_reason;	/* why */
	int		 lazy;		/* store_lazy: commits do not sync */
	uint64_t	 durable;	/* commits that synced (FULL) */
	int		 group;		/* the open transaction is a group */
	int		 group_lazy;	/* ... which commits without a sync */
	int		 in_group;	/* the group's own requests run */
	void		(*flush)(void *);	/* commits the group */
	void		*flush_arg;
	uint64_t	 writes;	/* store_put, store_delete: calls */
	int		 busy_defer;	/* store_busy_defer: filled at the end */
	int64_t		 busy_from;	/* the last events rowid before it */
	struct store_kept_count counts[3][3];	/* [clearance][what] */
	struct store_tally tally;	/* store-count.c */
	struct store_ckpt *ckpt;	/* store-ckpt.c: its checkpoints' thread */
};

void		 store_group_check(struct store *);	/* store-group.c */
void		 store_group_ended(struct store *);
void		 store_tally_commit(struct store *);	/* store-count.c */
uint64_t	 store_ckpt_wrote(struct store *);	/* store-ckpt.c */

int		 store_access_init(struct store *, char **);
int		 store_empty_file(const char *, char **);	/* store-schema.c */
int		 store_configure(struct store *, int, char **);
int		 store_migrate(struct store *, char **);
int		 store_redact(struct store *, const char *, char **);
int		 store_record_class(const char *, const char **);
int		 store_redact_in_place(struct store *, char **);
int		 store_count_visible(struct store *, const char *, int64_t *);
void		 store_hide_refs(struct store *, struct event *);
sqlite3_stmt	*store_stmt(struct store *, const char *, char **);
int		 store_batch_load(struct store *, struct event *, size_t);
/* store-busy.c: for the conflict check (store_query's shares) */
sqlite3_stmt	*store_shares_stmt(struct store *, char **);
char		*store_busy_names(const struct event *, int *);
int		 store_busy_clear(struct store *, const char *, char **);
int		 store_busy_put(struct store *, const struct event *,
		     const char *, const char *, char **);
int		 store_ro_detect(const char *, char **);
int		 store_ro_open(struct store *, char **);
int		 store_prepare(struct store *, char **);
int		 store_exec(struct store *, const char *, char **);
int		 store_step_done(struct store *, sqlite3_stmt *, char **,
		     const char *);
void		 store_db_cause(struct store *, char **, const char *);
void		 store_bind_text(sqlite3_stmt *, int, const char *);
char		*store_col_dup(sqlite3_stmt *, int);

/*
 * A window query's row (store-query.c, load_columns): its own columns
 * (0-18), then column 19 (the record, or what is asked of it), then its
 * itinerary fields (20-23), read with the row rather than by a query of
 * their own.
 */
#define ROW_COLUMNS							\
	"uid, summary, kind, status, class, tz, end_tz, "		\
	"start_utc, end_utc, all_day, location, description, url, "	\
	"parent_uid, rrule, sequence, created, last_modified, reminders"
#define ROW_ITINERARY	"city, end_city, anchor_uid, anchor_offset"

/*
 * The window query (store_query), in two forms (store.c): S_QUERY, and
 * S_QUERY_PARENT for the events of one parent (a visit's programme), led
 * by "parent_uid = ?7" so that the index on parent_uid answers it instead
 * of a walk over every event in the window -- the conflict check of every
 * add asks for the programme of the event written, over all time.
 */
#define QUERY_COLUMNS							\
	"SELECT " ROW_COLUMNS ", CASE WHEN rrule IS NULL THEN NULL ELSE " \
	"ical END, " ROW_ITINERARY " FROM events WHERE "
/*
 * Single events overlapping the window; recurring ones that recur inside
 * it (their occurrences are indexed up to occ_until: store-occur.c), or
 * that are not indexed that far.
 */
#define QUERY_WINDOW							\
	"((start_utc < ?2 AND (end_utc > ?1 OR start_utc = ?1) "	\
	"    AND start_utc >= ?3) "					\
	"    OR (rrule IS NOT NULL AND coalesce(occ_until, 0) >= ?2 AND " \
	"        uid IN (SELECT event_uid FROM occurrences WHERE "	\
	"        start_utc < ?2 AND (end_utc > ?1 OR start_utc >= ?1) AND " \
	"        start_utc >= ?1 - (SELECT coalesce(max(end_utc - "	\
	"        start_utc), 0) FROM occurrences))) "			\
	"    OR (rrule IS NOT NULL AND coalesce(occ_until, 0) < ?2 AND " \
	"        start_utc < ?2)) "

/*
 * The filters of a window query (store.c's S_QUERY, store-query.c's
 * store_items) on the events row: ?4 kind, ?5 status, ?6 cancelled too,
 * ?8 search, ?9 participant, ?10/?11 shares, and the reader's clearance.
 * With ?12, a series with overrides passes kind, status, search and
 * participant whatever its master says (an override answers for itself:
 * the caller checks each occurrence, cmd-list.c).
 */
#define QUERY_OVERRIDDEN						\
	"(?12 AND rrule IS NOT NULL AND EXISTS (SELECT 1 FROM "	\
	"    series_overridden o WHERE o.uid = events.uid)) "
#define QUERY_MATCH							\
	"AND (?4 IS NULL OR kind = ?4 OR " QUERY_OVERRIDDEN ") "	\
	"AND (?5 IS NULL OR status = ?5 OR " QUERY_OVERRIDDEN ") "	\
	"AND (?6 OR status <> 'cancelled') "				\
	"AND (?8 IS NULL OR kcal_holds(summary, ?8) "			\
	"    OR kcal_holds(location, ?8) "				\
	"    OR kcal_holds(description, ?8) OR "			\
	"    " QUERY_OVERRIDDEN ") "					\
	"AND (?9 IS NULL OR EXISTS (SELECT 1 FROM participants p WHERE " \
	"    p.event_uid = events.uid AND kcal_holds(p.name, ?9)) "	\
	"    OR (?12 AND EXISTS (SELECT 1 FROM override_participants p " \
	"    WHERE p.event_uid = events.uid AND "			\
	"    kcal_holds(p.name, ?9)))) "				\
	"AND (?10 IS NULL OR uid = ?11 OR EXISTS (SELECT 1 FROM "	\
	"    participants p WHERE p.event_uid = events.uid AND "	\
	"    p.name COLLATE NOCASE IN (SELECT value FROM json_each(?10))) " \
	"    OR (rrule IS NOT NULL AND instr(ical, 'RECURRENCE-ID'))) " \
	"AND kcal_may_read(class) "

#endif
