/*
 * event.h — the event model.  The canonical record of an event is its VEVENT
 * text (ical-record.c, ical-edit.c); struct event is what the daemon indexes and answers with,
 * always derived from that text by ical_extract(), never edited on its own.
 * struct event_change is a partial edit: NULL / unset fields stay as they are.
 */
#ifndef KCAL_EVENT_H
#define KCAL_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "when.h"

struct participant {
	char	*name;
	char	*role;		/* host, guest, chair, delegate, ... */
	char	*country;	/* ISO 3166 code or delegation name */
	int	 precedence;	/* order within the delegation, 0 = unset */
};

struct event {
	char			*uid, *summary, *kind, *status, *class;
	char			*tz, *end_tz;	/* IANA zones; end_tz may be NULL */
	char			*location, *description, *url, *parent, *rrule;
	int64_t			 start, end;	/* UTC; end exclusive */
	int			 all_day;
	int			 sequence;
	int64_t			 created, last_modified;
	struct participant	*parts;
	size_t			 nparts;
	int64_t			*remind;	/* seconds before start */
	size_t			 nremind;
	/*
	 * Per remind[]: 1 for a trigger related to the end (RELATED=END),
	 * whose lead counts this event's length; each occurrence's own
	 * length counts for it (remind-plan.c).  NULL: none is.
	 */
	unsigned char		*remind_end;
	int64_t			*remind_at;	/* absolute triggers (UTC) */
	size_t			 nremind_at;
	char			*city, *end_city; /* X-KCAL-CITY, X-KCAL-END-CITY */
	char			*anchor;	/* X-KCAL-ANCHOR: UID it follows */
	int64_t			 anchor_offset;	/* seconds after the anchor's start */
	int			 anchor_exact;	/* written in hours: whole days of
						   it exact (ical_anchor_at) */
	/*
	 * A timed event whose length is a DURATION with days or weeks: the
	 * days (nominal: each the same wall-clock time the next day, 23 or
	 * 25 hours across a DST change) and the exact seconds after them,
	 * for each occurrence (RFC 5545 3.3.6, 3.8.5.3); 0 0 when its end
	 * is exact (DTEND, or a DURATION of hours alone).
	 */
	int64_t			 dur_days, dur_rest;
	/*
	 * A DTSTART written at a wall-clock time the clocks skip (02:30 on
	 * a spring-forward night): that time, in wall-clock seconds (the
	 * instant, start, is past the gap).  A series repeats it, so its
	 * other occurrences are at 02:30 (RFC 5545 3.3.5).  0 otherwise.
	 */
	int64_t			 start_wall;
	int			 no_remind;	/* X-KCAL-NO-REMIND: not even
						   the configured defaults */
};

struct event_change {
	const char		*summary, *kind, *status, *class, *tz, *end_tz;
	const char		*location, *description, *url, *parent, *rrule;
	struct when		 start, end;	/* kind WHEN_NONE: unchanged */
	int64_t			 duration;	/* 0: unchanged */
	int			 all_day;	/* -1 unchanged, 0 timed, 1 all-day */
	int			 set_parts, set_remind, set_remind_at;
	struct participant	*parts;
	size_t			 nparts;
	int64_t			*remind;
	size_t			 nremind;
	int64_t			*remind_at;
	size_t			 nremind_at;
	char			*owned_parent;	/* resolved parent UID */
	const char		*city, *end_city; /* "" removes */
	const char		*anchor;	/* "" removes the anchor */
	int64_t			 anchor_offset;
	int			 anchor_exact;	/* whole days of it exact */
	int			 set_anchor_offset;
	char			*owned_anchor;	/* resolved anchor UID */
	char			*owned_tz;	/* the anchor's zone (anchor.c) */
	int			 strict;	/* refuse on conflicts */
};

extern const char *event_kinds[];

void	 event_init(struct event *);
void	 event_clear(struct event *);
void	 event_copy(struct event *, const struct event *);
void	 event_change_init(struct event_change *);
void	 event_change_clear(struct event_change *);
int	 event_kind_valid(const char *);
int	 event_status_valid(const char *);
int	 event_class_valid(const char *);
json_t	*event_to_json(const struct event *, const char *);
char	*event_new_uid(void);

#endif
