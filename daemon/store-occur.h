/*
 * store-occur.h — the occurrences of recurring events, kept in the store
 * (store-occur.c) so that a window query finds the series that recur
 * inside it through an index instead of expanding every series there is.
 */
#ifndef KCAL_STORE_OCCUR_H
#define KCAL_STORE_OCCUR_H

#include "event.h"
#include "ical.h"
#include "store.h"

/* Hook called by store_put, inside its transaction. */
int	store_put_occurrences(struct store *, const struct event *,
	    const char *, char **);

/* A recurring row of a window query, expanded (ical_expand_full's answers). */
int	store_expand(struct store *, const struct event *, const char *,
	    const char *, int64_t, int64_t, size_t, ical_occ_full_cb, void *,
	    char **);

#endif
