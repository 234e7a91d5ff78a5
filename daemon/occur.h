/*
 * occur.h — a series' occurrences between the store and the recurrence
 * engine (occur.c): the store keeps an index of them but reads no record
 * text, so what needs the text (computing the index, expanding what the
 * index does not hold, redacting a record) is done here, outside it.
 */
#ifndef KCAL_OCCUR_H
#define KCAL_OCCUR_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "recur.h"
#include "store.h"

/*
 * The bounds of the index: occurrences up to OCC_YEARS past the later of
 * the event's start and now, at most OCC_MAX of them; a series beyond
 * either is not indexed (expanded when read).
 */
#define OCC_MAX		5000
#define OCC_YEARS	10

/* store_put, with the series' occurrences for the index. */
int	occur_put(struct store *, const struct event *, const char *, char **);

/*
 * occur_put in two: the expansion, made from the event and its text alone
 * (on any thread: import-pipe.c makes it ahead), then the write.
 */
struct occur_prep;
struct occur_prep *occur_prepare(const struct event *, const char *);
int	occur_put_prepared(struct store *, const struct event *, const char *,
	    const struct occur_prep *, char **);
void	occur_prep_free(struct occur_prep *);

/*
 * Write again from their records the events a migration listed (table
 * reindex), a batch a transaction (each one's row goes with it, so a stop
 * loses nothing done): *n of them.  One that cannot be is logged and left.
 */
int	occur_reindex(struct store *, const char *, size_t *, char **);

/* A recurring row of a window query, expanded: recur_each's answers. */
int	occur_expand(struct store *, const struct event *, const char *,
	    const char *, int64_t, int64_t, size_t, recur_cb, void *, char **);

/* May the store's clearance see uid's occurrence starting at start? */
int	occur_visible(struct store *, const char *, int64_t, const char *);

/* What the store needs from the record code: store_set_record_ops(). */
extern const struct store_record_ops occur_record_ops;

#endif
