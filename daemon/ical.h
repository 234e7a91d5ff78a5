/*
 * ical.h — events as VEVENT text, for callers that never see libical.  An
 * event's canonical record is its VEVENT text; these functions edit that
 * text (ical-edit.c) and derive struct event from it (ical-record.c), so
 * properties kcal does not model (X- properties included) are never lost.
 *
 * The files that include <libical/ical.h> are the ical-*.c and the
 * ical-*.h headers they share (not this one), recur*.c and recur-int.h,
 * tz.c (zones), and kcald.c, only to free libical's zone cache at exit.
 * Everything else works on text and struct event.
 */
#ifndef KCAL_ICAL_H
#define KCAL_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "event.h"

#define ICAL_UNCHANGED	1	/* ical_apply: an edit that changes nothing */

int	ical_apply(const char *, const struct event_change *, const char *,
	    int64_t, const char *, char **, struct event *, char **);
int	ical_extract(const char *, const char *, struct event *, char **);
int64_t	event_end_at(const struct event *, int64_t);
int64_t	ical_trigger_at(const char *, int64_t, int64_t);
int64_t	ical_anchor_at(const char *, int64_t, int64_t, int);
int	ical_day_diff(const char *, int64_t, int64_t);
int64_t	ical_trigger_was(const char *, int64_t, int64_t);
int	ical_extract_new(const char *, const char *, struct event *, char **);
int	ical_rrule_valid(const char *, char **);
const char *ical_record_class(const char *);

/* ical-put.c: a record written whole over the stored one (a PUT). */
int	ical_put_sequence(const char *, const char *, char **, char **);
char	*ical_put_anchor_offset(const char *, int64_t, int);

/*
 * The years an event's times may fall in: the Gregorian calendar in full
 * (libical's iterator reckons earlier dates Julian) to the last year its
 * recurrence iterator reaches.
 */
#define ICAL_YEAR_MIN		1583
#define ICAL_YEAR_MAX		2582

/* ical-redact.c: a record as a reader of a limited clearance may see it. */
#define ICAL_REDACT_SAME	0
#define ICAL_REDACT_CHANGED	1
#define ICAL_REDACT_HIDDEN	2
typedef int (*ical_uid_cb)(void *, const char *);
int	ical_redact(const char *, enum access_class, ical_uid_cb, void *,
	    char **);
char	*ical_put_keep_refs(const char *, const char *, ical_uid_cb, void *);

#endif
