/*
 * ical-int.h — what the libical boundary's files share among themselves:
 * the record code (ical.c) reads times and whole VEVENTs that the
 * recurrence engine (recur.c) reads too, and the record code checks a new
 * event's rules with the engine's own measure of them.  Included only by
 * ical*.c and recur.c; callers elsewhere use ical.h and recur.h.
 */
#ifndef KCAL_ICAL_INT_H
#define KCAL_ICAL_INT_H

#include <stdint.h>

#include <libical/ical.h>

#include "event.h"
#include "when.h"

/* ical.c: times */
int64_t		 ical_tt_secs(struct icaltimetype);
struct icaltimetype ical_local_tt(const struct when *, int);
int64_t		 ical_add_days(const char *, int64_t, int64_t);
int		 ical_day_diff(const char *, int64_t, int64_t);
int		 ical_read_time(icalproperty *, struct icaltimetype,
		     const char *, const char *, char **, int64_t *, int *,
		     char **);

/* ical.c: a record's VEVENT, and its fields as struct event */
icalcomponent	*ical_parse_vevent(const char *, icalcomponent **, char **);
int		 ical_extract_from(icalcomponent *, const char *,
		     struct event *, char **);

/* recur.c: is every RRULE of c one kcald will expand? */
int		 recur_rules_check(icalcomponent *, const struct event *,
		     char **);

#endif
