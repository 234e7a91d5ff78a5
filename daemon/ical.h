/*
 * ical.h — the boundary to libical for events.  An event's canonical record
 * is its VEVENT text; these functions edit that text and derive struct event
 * from it, so properties kcal does not model (X- properties included) are
 * never lost.
 */
#ifndef KCAL_ICAL_H
#define KCAL_ICAL_H

#include <stdint.h>

#include "event.h"

int	ical_apply(const char *, const struct event_change *, const char *,
	    int64_t, const char *, char **, struct event *, char **);
int	ical_extract(const char *, const char *, struct event *, char **);
int	ical_rrule_valid(const char *, char **);

#endif
