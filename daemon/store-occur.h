/*
 * store-occur.h — the occurrences of recurring events, kept in the store
 * (store-occur.c) so that a window query finds the series that recur
 * inside it through an index instead of expanding every series there is.
 */
#ifndef KCAL_STORE_OCCUR_H
#define KCAL_STORE_OCCUR_H

#include "event.h"
#include "store.h"

/* Hook called by store_put, inside its transaction. */
int	store_put_occurrences(struct store *, const struct event *,
	    const struct store_occs *, char **);

/*
 * The events a migration left to be written again (occur_reindex): the
 * next one's UID (0), or STORE_NOT_FOUND when none is left; and one done.
 */
int	store_reindex_next(struct store *, char **, char **);
int	store_reindex_done(struct store *, const char *, char **);

/* A series' indexed occurrences in a window, or STORE_NOT_INDEXED. */
int	store_occurrences(struct store *, const struct event *, int64_t,
	    int64_t, size_t, int (*)(void *, int64_t, int64_t), void *,
	    char **);

#endif
