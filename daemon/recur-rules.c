/*
 * recur-rules.c — what expanding a recurrence may cost: the budget of a
 * request (recur_budget_*), the measure of a rule (how many candidate
 * times it walks in a year), and the checks that keep add and import from
 * storing a rule kcald could not expand within it (recur_rules_check).
 * The walk that spends the budget is recur.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "clock.h"
#include "ical.h"
#include "ical-int.h"
#include "recur.h"
#include "recur-int.h"
#include "tz.h"
#include "xmalloc.h"

/*
 * The cost of expanding a rule.  libical's iterator walks candidate times
 * at the rule's FREQ (every second of FREQ=SECONDLY, every day of a
 * FREQ=DAILY) and filters them with the BY* parts coarser than FREQ, or
 * builds each period's set from the BY* parts finer than FREQ (a YEARLY
 * rule with BYHOUR, BYMINUTE and BYSECOND builds up to 31 million times a
 * year), and one icalrecur_iterator_next() call walks as many candidates as
 * it takes to find a match: a FREQ=HOURLY rule for 30 February walked
 * 4.9 million of them (18 s) in one call.  So:
 *
 *  - recur_rule_rate() bounds the candidates a rule walks in a year, from its
 *    FREQ, INTERVAL and the sizes of its BY* lists; add and import refuse
 *    a rule above max_yearly_occurrences (recur_rules_check);
 *  - the walk (walk_rrule, recur.c) hands libical one chunk of the series at a
 *    time, its UNTIL set to the chunk's end, so that no call can walk past
 *    it, and counts COUNT itself;
 *  - every request has a budget of steps (candidates walked, occurrences
 *    made) and of time, checked inside the walk between chunks and after
 *    every occurrence: a walk that runs out stops and says it was cut
 *    short, so the reply says "truncated".
 */

static _Thread_local int64_t	budget_steps = RECUR_BUDGET_STEPS;
static _Thread_local int64_t	budget_deadline;	/* ms, 0: none */
/* Set by the loop on a reload, read by the worker's thread too. */
static _Atomic size_t		max_yearly = RECUR_MAX_YEARLY;

/* A new request: a full budget (RECUR_BUDGET_STEPS, RECUR_BUDGET_MS). */
void
recur_budget_begin(void)
{
	budget_steps = RECUR_BUDGET_STEPS;
	budget_deadline = clock_mono_ms() + RECUR_BUDGET_MS;
}

/*
 * Put the current budget aside in *b and begin a new one (for work that
 * is bounded on its own, such as one series' occurrences index), then put
 * it back.
 */
void
recur_budget_push(struct recur_budget *b)
{
	b->steps = budget_steps;
	b->deadline = budget_deadline;
	recur_budget_begin();
}

/* The same, the new budget of steps only (at most RECUR_BUDGET_STEPS). */
void
recur_budget_push_steps(struct recur_budget *b, int64_t steps)
{
	recur_budget_push(b);
	if (steps > 0 && steps < budget_steps)
		budget_steps = steps;
}

void
recur_budget_pop(const struct recur_budget *b)
{
	budget_steps = b->steps;
	budget_deadline = b->deadline;
}

/* Has the current request's budget run out? */
int
recur_budget_spent(void)
{
	return budget_steps <= 0 ||
	    (budget_deadline != 0 && clock_mono_ms() > budget_deadline);
}

/*
 * Spend steps; the clock is read once in 64 calls (a system call on some
 * virtual machines, where it was a third of an import's time).
 */
int
recur_spend(int64_t steps)
{
	static _Thread_local unsigned	calls;

	budget_steps -= steps;
	if (budget_steps <= 0)
		return 1;
	return ++calls % 64 == 0 && recur_budget_spent();
}

void
recur_set_max_yearly(size_t n)
{
	max_yearly = n ? n : 1;
}

size_t
recur_max_yearly(void)
{
	return max_yearly;
}

/*
 * Work outside any request (no recur_budget_begin) still has a bound: a
 * new budget once the last one is long gone.
 */
void
recur_budget_ensure(void)
{
	if (budget_deadline == 0 || clock_mono_ms() > budget_deadline + 5000)
		recur_budget_begin();
}

static size_t
by_len(const short *v, size_t size)
{
	size_t	n = 0;

	while (n < size && v[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

#define BY_LEN(r, f)	by_len((r)->f, sizeof (r)->f / sizeof (r)->f[0])

/* Candidate days in one period of a WEEKLY, MONTHLY or YEARLY rule. */
static double
period_days(const struct icalrecurrencetype *r)
{
	double	nmon = (double)BY_LEN(r, by_month), nmd = (double)BY_LEN(r,
		    by_month_day), nday = (double)BY_LEN(r, by_day), d;

	if (r->freq == ICAL_WEEKLY_RECURRENCE)
		return nday ? nday : 1;
	if (r->freq == ICAL_MONTHLY_RECURRENCE)
		return nmd ? nmd : nday ? nday * 5 : 1;
	d = BY_LEN(r, by_year_day) + BY_LEN(r, by_week_no) * 7;
	if (nmd)
		d += nmd * (nmon ? nmon : 12);
	else if (nday)
		d += nday * (nmon ? 5 * nmon : 53);
	else if (nmon)
		d += nmon;
	return d > 366 ? 366 : d ? d : 1;
}

/*
 * An upper bound on the candidate times a rule walks in a year (libical's
 * expand_map: the BY* parts finer than FREQ multiply, the coarser filter).
 */
double
recur_rule_rate(const struct icalrecurrencetype *r)
{
	double	nh = (double)BY_LEN(r, by_hour), nm = (double)BY_LEN(r,
		    by_minute), ns = (double)BY_LEN(r, by_second);
	double	iv = r->interval > 1 ? r->interval : 1;

	nh = nh ? nh : 1; nm = nm ? nm : 1; ns = ns ? ns : 1;
	switch (r->freq) {
	case ICAL_SECONDLY_RECURRENCE:
		return YEAR_SECS / iv;
	case ICAL_MINUTELY_RECURRENCE:
		return YEAR_SECS / 60 / iv * ns;
	case ICAL_HOURLY_RECURRENCE:
		return YEAR_SECS / 3600 / iv * nm * ns;
	case ICAL_DAILY_RECURRENCE:
		return 366 / iv * nh * nm * ns;
	case ICAL_WEEKLY_RECURRENCE:
		return 53 / iv * period_days(r) * nh * nm * ns;
	case ICAL_MONTHLY_RECURRENCE:
		return 12 / iv * period_days(r) * nh * nm * ns;
	default:
		return (iv > 1 ? 1 / iv : 1) * period_days(r) * nh * nm * ns;
	}
}

/* Does a BY* part coarser than FREQ filter the candidates? */
static int
rule_filters(const struct icalrecurrencetype *r)
{
	int	f = r->freq;

	return BY_LEN(r, by_month) > 0 ||
	    (f < ICAL_MONTHLY_RECURRENCE && BY_LEN(r, by_month_day) > 0) ||
	    (f < ICAL_WEEKLY_RECURRENCE && BY_LEN(r, by_day) > 0) ||
	    (f < ICAL_DAILY_RECURRENCE && BY_LEN(r, by_hour) > 0) ||
	    (f < ICAL_HOURLY_RECURRENCE && BY_LEN(r, by_minute) > 0) ||
	    (f < ICAL_MINUTELY_RECURRENCE && BY_LEN(r, by_second) > 0) ||
	    BY_LEN(r, by_year_day) > 0 || BY_LEN(r, by_week_no) > 0;
}

/* A BYMONTHDAY that no month of the rule has (30 February): never. */
static int
rule_never(const struct icalrecurrencetype *r)
{
	static const int mdays[] = { 31,29,31,30,31,30,31,31,30,31,30,31 };
	size_t	nmon = BY_LEN(r, by_month), nmd = BY_LEN(r, by_month_day);

	if (nmd == 0 || BY_LEN(r, by_year_day) || BY_LEN(r, by_week_no) ||
	    r->rscale != NULL)
		return 0;
	for (size_t i = 0; i < nmd; i++)
		for (size_t j = 0; j < (nmon ? nmon : 12); j++) {
			int m = nmon ? icalrecurrencetype_month_month(
			    r->by_month[j]) : (int)j + 1;
			if (m >= 1 && m <= 12 &&
			    abs(r->by_month_day[i]) <= mdays[m - 1])
				return 0;
		}
	return 1;
}

/*
 * Rules libical cannot tell never occur without walking to the last year
 * it reaches (a second for every iterator it makes: icalrecur_iterator_new
 * looks for the first instance past any UNTIL): a BYDAY whose every
 * ordinal is past the fifth of a month (FREQ=MONTHLY;BYDAY=+53MO), or a
 * BYSETPOS whose every position is past the most candidates a period can
 * hold (FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6).  What they say, or NULL.
 */
static const char *
rule_impossible(const struct icalrecurrencetype *r)
{
	size_t	nday = BY_LEN(r, by_day), npos = BY_LEN(r, by_set_pos), i;
	double	most = 1;
	int	monthly = r->freq == ICAL_MONTHLY_RECURRENCE ||
		    (r->freq == ICAL_YEARLY_RECURRENCE &&
		    BY_LEN(r, by_month) > 0 && BY_LEN(r, by_week_no) == 0 &&
		    BY_LEN(r, by_year_day) == 0);

	if (r->rscale != NULL)
		return NULL;
	if (monthly && nday > 0 && BY_LEN(r, by_month_day) == 0) {
		for (i = 0; i < nday; i++)
			if (abs(icalrecurrencetype_day_position(
			    r->by_day[i])) <= 5)
				break;
		if (i == nday)
			return "no month has that many of the day";
	}
	if (npos == 0)
		return NULL;
	if (r->freq >= ICAL_WEEKLY_RECURRENCE)
		most = period_days(r);
	if (r->freq >= ICAL_DAILY_RECURRENCE && BY_LEN(r, by_hour) > 0)
		most *= (double)BY_LEN(r, by_hour);
	if (r->freq >= ICAL_HOURLY_RECURRENCE && BY_LEN(r, by_minute) > 0)
		most *= (double)BY_LEN(r, by_minute);
	if (r->freq >= ICAL_MINUTELY_RECURRENCE && BY_LEN(r, by_second) > 0)
		most *= (double)BY_LEN(r, by_second);
	for (i = 0; i < npos; i++)
		if (abs(r->by_set_pos[i]) <= most)
			return NULL;
	return "no period holds that many candidates";
}

/*
 * Is the rule one not to walk: it says it never occurs (rule_never,
 * rule_impossible), and libical would look for a first instance to the
 * last year it reaches (MONTHLY and YEARLY rules; below them it ignores
 * BYSETPOS and walks such a rule at once, with occurrences, as a series
 * stored before add refused it showed them).
 */
int
recur_rule_void(const struct icalrecurrencetype *r)
{
	return rule_never(r) || (rule_impossible(r) != NULL &&
	    (r->freq == ICAL_MONTHLY_RECURRENCE ||
	    r->freq == ICAL_YEARLY_RECURRENCE));
}

/* A rule as a message quotes it: its first 60 bytes. */
static char *
rule_text(const struct icalrecurrencetype *r)
{
	char	*s = icalrecurrencetype_as_string_r(
		    (struct icalrecurrencetype *)r), *out;

	if (s != NULL && strlen(s) > 60)
		xasprintf(&out, "%.57s...", s);
	else
		out = xstrdup(s ? s : "");
	icalmemory_free_buffer(s);
	return out;
}

/*
 * Is one RRULE (of an event starting at start) one kcald will expand?
 * Not when it may walk more than max_yearly_occurrences candidates in a
 * year (rule_density: a COUNT or an UNTIL bounds that only when nothing
 * filters).
 */
double
recur_rule_density(const struct icalrecurrencetype *r, int64_t start)
{
	double	rate = recur_rule_rate(r), n = rate, span;

	if (!rule_filters(r) && r->count > 0 && r->count < n)
		n = r->count;
	if (!icaltime_is_null_time(r->until) && !rule_filters(r)) {
		span = (double)(ical_tt_secs(r->until) - start) / YEAR_SECS;
		if (span < 1 && rate * (span > 0 ? span : 0) + 1 < n)
			n = rate * (span > 0 ? span : 0) + 1;
	}
	return n;
}

/*
 * Can the rule's COUNT end it before the last year kcal keeps?  Not when
 * it is more than every candidate until then (FREQ=HOURLY;COUNT=100000000):
 * such a COUNT changes nothing, and the walk may then start at the window.
 */
int
recur_count_reached(const struct icalrecurrencetype *r, int64_t start)
{
	double	years = (double)(days_from_civil(ICAL_YEAR_MAX + 1, 1, 1) *
		    86400 - start) / YEAR_SECS + 1;

	return r->count > 0 && (double)r->count <= recur_rule_rate(r) * years + 1;
}

static int
rule_check(const struct icalrecurrencetype *r, int64_t start, char **cause)
{
	double		 rate = recur_rule_rate(r);
	const char	*why = NULL;
	char		*s;

	if (rule_never(r) || (why = rule_impossible(r)) != NULL) {
		s = rule_text(r);
		xasprintf(cause, "the recurrence rule %s never occurs (%s)", s,
		    why ? why : "no month it names has that day");
		free(s);
		return -1;
	}
	if (recur_rule_density(r, start) <= (double)max_yearly)
		return 0;
	s = rule_text(r);
	xasprintf(cause, "the recurrence rule %s is too dense to expand: it may "
	    "walk %.0f times a year, and kcald walks at most %zu "
	    "(max_yearly_occurrences); use a coarser FREQ (FREQ=DAILY;BYHOUR=9, "
	    "not FREQ=MINUTELY;BYHOUR=9;BYMINUTE=0), fewer BY* values or a "
	    "COUNT", s, rate, max_yearly);
	free(s);
	return -1;
}

/*
 * Does a COUNT that a walk takes into account (count_reached) fit in one
 * request's budget?  A rule with COUNT is walked from its DTSTART, as
 * occurrences before the window count too: walk it all once now, on a
 * tenth of a request's steps (so that every later read of it costs at most
 * that) and no clock (which must not decide what add accepts).
 */
static int
count_check(const struct icalrecurrencetype *r, const struct event *ev,
    char **cause)
{
	struct recur_budget	saved;
	int			cut;
	char			*s;

	if (!recur_count_reached(r, ev->start))
		return 0;
	/* Nothing filters: a candidate is an occurrence, the cost is known. */
	if (!rule_filters(r) && (int64_t)r->count * (OCC_STEPS + 1) <
	    RECUR_BUDGET_STEPS / 10)
		return 0;
	recur_budget_push(&saved);
	budget_steps = RECUR_BUDGET_STEPS / 10;
	budget_deadline = clock_mono_ms() + 60000;
	cut = recur_walk_probe(r, ev) && budget_steps <= 0;
	recur_budget_pop(&saved);
	if (!cut)
		return 0;
	s = rule_text(r);
	xasprintf(cause, "the recurrence rule %s is too long to expand: walking "
	    "it from its start to its COUNT takes more than kcald spends on "
	    "one request; use a smaller COUNT, an UNTIL, or a coarser FREQ", s);
	free(s);
	return -1;
}

/*
 * Is every RRULE of c, the VEVENT of ev, one kcald will expand (rule_check,
 * count_check)?  What add, update and import ask of a new event.
 */
int
recur_rules_check(icalcomponent *c, const struct event *ev, char **cause)
{
	icalproperty			*p;
	struct icalrecurrencetype	 r;

	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		r = icalproperty_get_rrule(p);
		if (rule_check(&r, ev->start, cause) != 0 ||
		    count_check(&r, ev, cause) != 0)
			return -1;
	}
	return 0;
}
