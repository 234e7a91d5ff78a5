/*
 * conflict.h — finding the clashes in a programme (conflict.c), pure
 * logic over events already loaded, with the transfer time between two
 * cities supplied by the caller:
 *  - overlap: one participant in two events that overlap in time;
 *  - transfer: two consecutive events of one participant in different
 *    cities, with less time between them than the transfer takes;
 *  - outside: an event outside the dates of its visit (its parent).
 * Only timed, live (not cancelled) events with participants take part in
 * the first two; a visit and its own programme, all-day events and events
 * of the visit kinds (they contain their programme) never clash.
 * Participants are the same person when their names match without regard
 * to case; cities likewise (city.h); an unknown city clashes with none.
 */
#ifndef KCAL_CONFLICT_H
#define KCAL_CONFLICT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

enum conflict_type {
	CONFLICT_OVERLAP,
	CONFLICT_TRANSFER,
	CONFLICT_OUTSIDE
};

struct conflict {
	enum conflict_type	 type;
	const struct event	*a, *b;		/* b: the visit, for OUTSIDE */
	char			*who;		/* "Name, Name"; NULL for OUTSIDE */
	char			*from, *to;	/* TRANSFER: the cities */
	int64_t			 gap, need;	/* TRANSFER: seconds */
};

/*
 * The caller may set only and max before conflict_find (zero: neither).
 * Clashes are quadratic in the events that overlap: a crowded hour of
 * events that share a participant (an anchor with hundreds of followers
 * that move together) made gigabytes of them.
 */
struct conflicts {
	struct conflict		*v;
	size_t			 n;
	const unsigned char	*only;	/* per event: keep clashes with it */
	size_t			 max;	/* keep at most this many clashes */
	int			 truncated;	/* some were not kept (max) */
	size_t			 alloc;		/* slots in v */
};

/* The transfer time from city a to city b, in seconds. */
typedef int64_t (*conflict_transfer_cb)(void *, const char *, const char *);

void		 conflict_find(const struct event *, size_t,
		     const struct event *, size_t, conflict_transfer_cb, void *,
		     struct conflicts *);
void		 conflicts_clear(struct conflicts *);
int		 conflict_involves(const struct conflict *, const char *);
const char	*conflict_type_name(enum conflict_type);
int		 conflict_visit_kind(const char *);

#endif
