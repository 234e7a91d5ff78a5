/*
 * ical-expand.h — CalDAV's calendar-data expand (RFC 4791 9.6.5), in
 * ical-expand.c: a series' occurrences within a range, each its own VEVENT
 * in UTC with its RECURRENCE-ID, no rule, from the daemon's own expansion
 * (recur.h) of the record as the store's clearance may see it.
 */
#ifndef KCAL_ICAL_EXPAND_H
#define KCAL_ICAL_EXPAND_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * uid's body (its GET body) expanded over [from, to): a new VCALENDAR, or
 * NULL: *over when more than max occurrences would be written (or the
 * request's recurrence budget ran out), else
 * *cause.  *count grows by the occurrences written.
 */
char	*ical_expand(struct store *, const char *, const char *, const char *,
	    int64_t, int64_t, size_t, size_t *, int *, char **);

#endif
