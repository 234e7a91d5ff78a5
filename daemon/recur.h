/*
 * recur.h — the one recurrence engine: a series (master VEVENT, its
 * RECURRENCE-ID overrides, RRULE/RDATE/EXDATE, its zone) parsed once.
 *
 * recur_open() reads a stored record; recur_each() walks it, any number of
 * times, each with its own window, in the order kcal has always reported
 * occurrences in (RRULE or DTSTART, then RDATEs, then overrides moved in
 * from outside what the walk reached).  Every walk spends from the current
 * request's budget (recur_budget_*).
 */
#ifndef KCAL_RECUR_H
#define KCAL_RECUR_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct recur;
struct recur_occ {
	int64_t			 start, end;	/* this occurrence, UTC, end exclusive */
	int64_t			 rid;		/* when it was due: its RECURRENCE-ID */
	const struct event	*ev;		/* its effective fields: the override's
						   or the master's, with ev->start/end
						   set to this occurrence (valid only
						   during the callback) */
	int			 overridden;	/* an override replaced it */
	int64_t			 by;		/* the RECURRENCE-ID of the override
						   whose fields it has (its own, or
						   a RANGE=THISANDFUTURE one before
						   it); INT64_MIN: the master's */
};
typedef int (*recur_cb)(void *, const struct recur_occ *);	/* non-zero: stop */

struct recur	*recur_open(const char *ical, const char *home, char **cause);
void		 recur_close(struct recur *);
const struct event *recur_master(const struct recur *);
const struct event *recur_override(const struct recur *, size_t, int64_t *);
int		 recur_each(struct recur *, int64_t from, int64_t to, size_t max,
		     recur_cb, void *, char **cause);	/* 0, 1 = cut short (max, cb or
							   budget), -1 = error */
/* recur_open, one recur_each, recur_close: for a caller that walks once. */
int		 recur_expand(const char *ical, const char *home, int64_t from,
		     int64_t to, size_t max, recur_cb, void *, char **cause);

/*
 * What one request may spend expanding recurrences (recur.c, "The cost of
 * expanding a rule"): steps (a candidate time walked is 1, an occurrence
 * made 20) and milliseconds; and the default max_yearly_occurrences.
 */
#define RECUR_BUDGET_STEPS	1000000
#define RECUR_BUDGET_MS		1000
#define RECUR_MAX_YEARLY	10000

struct recur_budget {
	int64_t		steps, deadline;
};
void	recur_budget_begin(void);
void	recur_budget_push(struct recur_budget *);
void	recur_budget_push_steps(struct recur_budget *, int64_t);
void	recur_budget_pop(const struct recur_budget *);
int	recur_budget_spent(void);
void	recur_set_max_yearly(size_t);

/* a + b, saturating at the ends of int64_t (windows from INT64_MIN on). */
static inline int64_t
recur_sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

#endif
