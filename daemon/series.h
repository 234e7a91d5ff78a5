/*
 * series.h — the occurrences of the recurring rows of one request, as the
 * commands that show them see them (list, itinerary, conflicts, people):
 * each occurrence with its own fields, an override's in place of the
 * master's, through the one recurrence engine (recur.h).  Each series is
 * parsed once per request however many windows walk it.  series_new()'s
 * store is NULL when the records walked are not the store's own (a feed's
 * view of them): the store's index of occurrences is then not used.
 */
#ifndef KCAL_SERIES_H
#define KCAL_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "recur.h"

struct store;
struct series;

struct series	*series_new(struct store *, const char *);
void		 series_free(struct series *);
int		 series_each(struct series *, const struct event *,
		     const char *, int64_t, int64_t, size_t, recur_cb, void *,
		     char **);
int		 series_cancelled(const struct recur_occ *);

#endif
