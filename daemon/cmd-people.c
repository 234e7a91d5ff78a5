/*
 * cmd-people.c — "people": everyone who takes part in a live event, with
 * their country, role(s), precedence and their next events from a time
 * (default now).  Names are one person whatever their case.  A recurring
 * event counts with its first occurrence that ends after that time (of
 * those the person takes part in, when overrides change who does), shown
 * with that occurrence's own fields.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "series.h"
#include "server.h"
#include "store.h"
#include "store-itinerary.h"
#include "xmalloc.h"

#define PEOPLE_NEXT_DEFAULT	3
#define PEOPLE_NEXT_MAX		100

/*
 * Each event is read once per request, whoever takes part in it: its
 * JSON (at its next occurrence, without its participants) is kept by UID
 * in seen, and every person in it shares that.  Re-reading the event per
 * person made a reply quadratic in its participants (each of n people
 * carried all n), and took the daemon down for an event of thousands.
 *
 * A series with RECURRENCE-ID overrides is the exception: an override has
 * people of its own, so each person's next occurrence is the first one
 * they take part in, shown with its own fields.  Its record is kept
 * (parsed once, series.h) and each occurrence's JSON by UID and start.
 */
struct people_run {
	struct cmd_ctx		*ctx;
	int64_t			 from;
	json_t			*seen;	/* UID -> {"start", "event"},
					   {"series": i}, or null */
	struct series		*series;
	struct event		*masters;	/* series with overrides */
	char			**texts;	/* ... their records */
	size_t			 nmasters;
};

struct next {
	const char	*role;
	int64_t		 start;
	json_t		*event;		/* borrowed from seen */
};

struct first {
	struct people_run	*pr;
	const char		*name;	/* NULL: anyone's */
	const char		*rrule;	/* the series' */
	const char		*role;	/* the override's for name */
	int64_t			 start;
	json_t			*event;
};

/* Is name (NULL: anyone) in ev?  *role: their role there. */
static int
takes_part(const struct event *ev, const char *name, const char **role)
{
	if (name == NULL)
		return 1;
	for (size_t i = 0; i < ev->nparts; i++)
		if (strcasecmp(ev->parts[i].name, name) == 0) {
			*role = ev->parts[i].role;
			return 1;
		}
	return 0;
}

/* The first live occurrence name takes part in, as it is shown. */
static int
first_occurrence(void *arg, const struct recur_occ *oc)
{
	struct first	*f = arg;
	struct event	 occ = *oc->ev;
	const char	*role = NULL;

	if (series_cancelled(oc) || !takes_part(oc->ev, f->name, &role))
		return 0;
	occ.rrule = (char *)f->rrule;
	f->start = oc->start;
	f->event = cmd_event_json(f->pr->ctx, &occ);
	json_object_del(f->event, "participants");
	if (oc->overridden && role != NULL)
		f->role = role;
	return 1;
}

/* Walk ev's series (its record text) for name's next occurrence. */
static json_t *
walk(struct people_run *pr, const struct event *ev, const char *text,
    const char *name, int64_t *start, const char **role)
{
	struct first	 f = { pr, name, ev->rrule, NULL, 0, NULL };
	char		*why = NULL;

	series_each(pr->series, ev, text, pr->from, INT64_MAX,
	    pr->ctx->cfg->max_occurrences, first_occurrence, &f, &why);
	free(why);
	*start = f.start;
	if (role != NULL && f.role != NULL)
		*role = f.role;
	return f.event;
}

/* Keep a series with overrides; its entry in seen. */
static json_t *
keep_series(struct people_run *pr, struct event *ev, char **text)
{
	size_t	i = pr->nmasters++;

	pr->masters = xreallocarray(pr->masters, pr->nmasters,
	    sizeof *pr->masters);
	pr->texts = xreallocarray(pr->texts, pr->nmasters, sizeof *pr->texts);
	pr->masters[i] = *ev;
	pr->texts[i] = *text;
	event_init(ev);
	*text = NULL;
	return json_pack("{s:I}", "series", (json_int_t)i);
}

/*
 * The entry of seen for event uid: the event as the people reply shows it
 * (a recurring one at its first occurrence ending after from), a series
 * with overrides kept for each person's walk, or NULL when there is none.
 */
static json_t *
read_event(struct people_run *pr, const char *uid)
{
	struct cmd_ctx	*ctx = pr->ctx;
	struct event	 ev;
	char		*text = NULL, *why = NULL;
	int64_t		 start;
	json_t		*o = NULL;

	event_init(&ev);
	if (store_get(ctx->store, uid, &text, &why) != 0 ||
	    ical_extract(text, ctx->cfg->home_tz, &ev, &why) != 0)
		goto out;
	if (ev.rrule != NULL && strstr(text, "RECURRENCE-ID") != NULL)
		o = keep_series(pr, &ev, &text);
	else if (ev.rrule != NULL) {
		if ((o = walk(pr, &ev, text, NULL, &start, NULL)) != NULL)
			o = json_pack("{s:I, s:o}", "start", (json_int_t)start,
			    "event", o);
	} else {
		o = cmd_event_json(ctx, &ev);
		json_object_del(o, "participants");
		o = json_pack("{s:I, s:o}", "start", (json_int_t)ev.start,
		    "event", o);
	}
out:
	event_clear(&ev);
	free(text);
	free(why);
	return o;
}

/* name's next occurrence of the series with overrides kept at i. */
static json_t *
series_event(struct people_run *pr, size_t i, const char *name,
    int64_t *start, const char **role)
{
	json_t	*o, *have;
	char	*key;

	if ((o = walk(pr, &pr->masters[i], pr->texts[i], name, start,
	    role)) == NULL)
		return NULL;
	xasprintf(&key, "%s\n%lld", pr->masters[i].uid, (long long)*start);
	if ((have = json_object_get(pr->seen, key)) != NULL) {
		json_decref(o);
		o = have;
	} else if (json_object_set_new(pr->seen, key, o) != 0)
		o = NULL;	/* not UTF-8: o is freed */
	free(key);
	return o;
}

/*
 * The event uid as name sees it, read on first use (*role: their role
 * there, when an override says); NULL: none to show.
 */
static json_t *
seen_event(struct people_run *pr, const char *uid, const char *name,
    int64_t *start, const char **role)
{
	json_t	*e = json_object_get(pr->seen, uid), *i;

	if (e == NULL) {
		if ((e = read_event(pr, uid)) == NULL)
			e = json_null();
		if (json_object_set_new(pr->seen, uid, e) != 0)
			return NULL;	/* not UTF-8: e is freed */
	}
	if (json_is_null(e))
		return NULL;
	if ((i = json_object_get(e, "series")) != NULL)
		return series_event(pr, (size_t)json_integer_value(i), name,
		    start, role);
	*start = json_integer_value(json_object_get(e, "start"));
	return json_object_get(e, "event");
}

static int
by_start(const void *a, const void *b)
{
	return cmd_event_cmp(((const struct next *)a)->event,
	    ((const struct next *)b)->event);
}

/* The person's next events: their start order, at most max. */
static json_t *
next_events(struct people_run *pr, const char *name, size_t max)
{
	struct store_person_event	*pe;
	struct next			*v;
	size_t				 n, i, k = 0;
	char				*why = NULL;
	json_t				*a = json_array(), *o;

	if (store_person_events(pr->ctx->store, name, pr->from, &pe, &n,
	    &why) != 0) {
		free(why);
		return a;
	}
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		v[k].role = pe[i].role;
		if ((v[k].event = seen_event(pr, pe[i].uid, name, &v[k].start,
		    &v[k].role)) != NULL)
			k++;
	}
	qsort(v, k, sizeof *v, by_start);
	for (i = 0; i < k && i < max; i++) {
		o = json_copy(v[i].event);	/* shallow: shares the fields */
		json_object_set_new(o, "role", v[i].role ?
		    json_string(v[i].role) : json_null());
		json_array_append_new(a, o);
	}
	free(v);
	store_person_events_free(pe, n);
	return a;
}

static void
run_free(struct people_run *pr)
{
	for (size_t i = 0; i < pr->nmasters; i++) {
		event_clear(&pr->masters[i]);
		free(pr->texts[i]);
	}
	free(pr->masters);
	free(pr->texts);
	series_free(pr->series);
	json_decref(pr->seen);
}

static json_t *
cmd_people_exec(struct cmd_ctx *ctx)
{
	struct store_person	*p;
	const char		*search;
	json_t			*next = json_object_get(ctx->req, "next"), *a, *o;
	size_t			 n, i, max = PEOPLE_NEXT_DEFAULT;
	struct people_run	 pr;
	char			*why = NULL;

	memset(&pr, 0, sizeof pr);
	if (cmd_arg_str(ctx, "search", 0, &search) != 0 ||
	    cmd_arg_time(ctx, "from", ctx->now, &pr.from) != 0)
		return NULL;
	if (next != NULL && (!json_is_integer(next) ||
	    json_integer_value(next) < 0 ||
	    json_integer_value(next) > PEOPLE_NEXT_MAX)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"next\" must be 0 to %d",
		    PEOPLE_NEXT_MAX);
		return NULL;
	}
	if (next != NULL)
		max = (size_t)json_integer_value(next);
	if (store_people(ctx->store, search, &p, &n, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		return NULL;
	}
	pr.ctx = ctx;
	pr.seen = json_object();
	pr.series = series_new(ctx->store, ctx->cfg->home_tz);
	a = json_array();
	for (i = 0; i < n; i++) {
		o = json_pack("{s:s, s:s?, s:s?, s:i, s:I}", "name", p[i].name,
		    "roles", p[i].role, "countries", p[i].country, "precedence",
		    p[i].precedence, "events", (json_int_t)p[i].nevents);
		json_object_set_new(o, "next", max == 0 ? json_array() :
		    next_events(&pr, p[i].name, max));
		json_array_append_new(a, o);
	}
	store_people_free(p, n);
	run_free(&pr);
	return json_pack("{s:o, s:I}", "people", a, "count", (json_int_t)n);
}

const struct cmd_entry cmd_people_entry = {
	"people", "search from next", CMD_OFFLOOP, cmd_people_exec
};
