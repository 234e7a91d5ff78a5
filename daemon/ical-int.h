/*
 * ical-int.h — what the libical boundary's files share among themselves:
 * the X- properties kcal writes, the readers of times and whole VEVENTs
 * (ical-record.c) that the editor (ical-edit.c) and the recurrence engine
 * (recur.c) use too, and the engine's measure of a rule that the record
 * checks a new event with.  Included only by ical*.c and recur*.c;
 * callers elsewhere use ical.h and recur.h.
 */
#ifndef KCAL_ICAL_INT_H
#define KCAL_ICAL_INT_H

#include <stdint.h>

#include <libical/ical.h>

#include "event.h"
#include "when.h"

#define X_TZ		"X-KCAL-TZ"		/* zone of an all-day event */
#define X_ROLE		"X-KCAL-ROLE"
#define X_COUNTRY	"X-KCAL-COUNTRY"
#define X_PRECEDENCE	"X-KCAL-PRECEDENCE"
#define X_CITY		"X-KCAL-CITY"		/* itineraries: city.h */
#define X_END_CITY	"X-KCAL-END-CITY"
#define X_ANCHOR	"X-KCAL-ANCHOR"		/* anchor.h */
#define X_ANCHOR_OFFSET	"X-KCAL-ANCHOR-OFFSET"	/* a DURATION, e.g. -PT15M */
#define X_NO_REMIND	"X-KCAL-NO-REMIND"	/* TRUE: no default reminders */

/* ical-clone.c: copies that keep an X- value (libical's drop it) */
icalcomponent	*ical_clone(icalcomponent *);
icalproperty	*ical_clone_prop(icalproperty *);

/* ical-record.c: times */
int64_t		 ical_tt_secs(struct icaltimetype);
struct icaltimetype ical_local_tt(const struct when *, int);
int64_t		 ical_add_days(const char *, int64_t, int64_t);
int64_t		 ical_add_nominal(const char *, int64_t, int64_t);
char		*ical_anchor_offset_text(int64_t, int);
int		 ical_anchor_offset_read(const char *, int64_t *, int *);
int		 ical_dur_nominal(struct icaldurationtype, int64_t *,
		     int64_t *);
int		 ical_read_time(icalproperty *, struct icaltimetype,
		     const char *, const char *, char **, int64_t *, int *,
		     char **);
int		 ical_check_zone(const char *, char **);

/* ical-shift.c: a series' exceptions moved with its start */
void		 ical_shift_series(icalcomponent *, icalcomponent *,
		     const struct event *, const struct event *, int);
int64_t		 ical_wall(const char *, int64_t);
struct icaltimetype ical_time_in(const char *, int64_t, int, int *);
icalproperty	*ical_time_prop(icalproperty_kind, const char *, int64_t, int);
int64_t		 ical_wall_shift(const char *, const char *, int64_t, int64_t,
		     int);

/* ical-record.c: a record's VEVENT, and its fields as struct event */
icalcomponent	*ical_parse_vevent(const char *, icalcomponent **, char **);
void		 ical_cut_future(icalcomponent *, icalcomponent *); /* ical-redact.c */
int		 ical_this_and_future(icalcomponent *);	/* ical-redact.c */
int64_t		 ical_rid_of(icalcomponent *, const char *);	/* ical-expand.c */
icalproperty	*ical_find_x(icalcomponent *, const char *);
const char	*ical_x_text(icalproperty *);
int		 ical_extract_from(icalcomponent *, const char *,
		     struct event *, char **);
int		 ical_extract_checked(icalcomponent *, const char *,
		     struct event *, char **);

/* ical-edit-fields.c: the fields of an edit besides its times */
void		 ical_remove_all(icalcomponent *, icalproperty_kind);
void		 ical_set_x(icalcomponent *, const char *, const char *);
void		 ical_edit_fields(icalcomponent *, icalcomponent *,
		     const struct event_change *);

/* recur-rules.c: is every RRULE of c one kcald will expand? */
int		 recur_rules_check(icalcomponent *, const struct event *,
		     char **);

/* tz.c: libical's built-in zones, searched and loaded under its lock */
icaltimezone	*tz_builtin(const char *);
icaltimezone	*tz_zone(const char *);
icaltimezone	**tz_builtin_all(size_t *);

#endif
