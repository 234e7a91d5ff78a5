/*
 * recur-int.h — what the walk (recur.c) and the measure of a rule and the
 * budget (recur-rules.c) share.  Included only by recur*.c.
 */
#ifndef KCAL_RECUR_INT_H
#define KCAL_RECUR_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "event.h"

#define YEAR_SECS	(366 * 86400LL)
#define CHUNK_STEPS	20000		/* candidates in one chunk, at most */
#define OCC_STEPS	20		/* an occurrence costs what 20 candidates do */

/* recur-rules.c */
int	recur_spend(int64_t);
void	recur_budget_ensure(void);
size_t	recur_max_yearly(void);
double	recur_rule_rate(const struct icalrecurrencetype *);
double	recur_rule_density(const struct icalrecurrencetype *, int64_t);
int	recur_count_reached(const struct icalrecurrencetype *, int64_t);
int	recur_rule_void(const struct icalrecurrencetype *);

/* recur.c */
int	recur_walk_probe(const struct icalrecurrencetype *,
	    const struct event *);

#endif
