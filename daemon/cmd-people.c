/*
 * cmd-people.c — "people": everyone who takes part in a live event, with
 * their country, role(s), precedence and their next events from a time
 * (default now).  Names are one person whatever their case.  A recurring
 * event counts with its first occurrence that ends after that time.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ical.h"
#include "kcal-protocol.h"
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
 */
struct people_run {
	struct cmd_ctx	*ctx;
	int64_t		 from;
	json_t		*seen;	/* UID -> {"start", "event"}, or null */
};

struct next {
	const char	*role;
	int64_t		 start;
	json_t		*event;		/* borrowed from seen */
};

struct occ {
	int64_t	 start, end;
	int	 found;
};

static int
first_occurrence(void *arg, int64_t start, int64_t end)
{
	struct occ	*o = arg;

	o->start = start;
	o->end = end;
	o->found = 1;
	return 1;
}

/*
 * The event uid as the people reply shows it (a recurring one at its
 * first occurrence ending after from), or NULL when there is none.
 */
static json_t *
read_event(struct people_run *pr, const char *uid, int64_t *start)
{
	struct cmd_ctx	*ctx = pr->ctx;
	struct event	 ev;
	struct occ	 occ = { 0, 0, 0 };
	char		*text = NULL, *why = NULL;
	json_t		*o = NULL;

	event_init(&ev);
	if (store_get(ctx->srv->store, uid, &text, &why) != 0 ||
	    ical_extract(text, ctx->srv->cfg->home_tz, &ev, &why) != 0)
		goto out;
	if (ev.rrule != NULL) {
		ical_expand(text, ctx->srv->cfg->home_tz, pr->from, INT64_MAX,
		    1, first_occurrence, &occ, &why);
		if (!occ.found)
			goto out;
		ev.start = occ.start;
		ev.end = occ.end;
	}
	*start = ev.start;
	o = cmd_event_json(ctx, &ev);
	json_object_del(o, "participants");
out:
	event_clear(&ev);
	free(text);
	free(why);
	return o;
}

/* The entry of seen for uid, read on first use; NULL: none to show. */
static json_t *
seen_event(struct people_run *pr, const char *uid, int64_t *start)
{
	json_t	*e = json_object_get(pr->seen, uid), *o;
	int64_t	 t = 0;

	if (e == NULL) {
		if ((o = read_event(pr, uid, &t)) == NULL)
			e = json_null();
		else
			e = json_pack("{s:I, s:o}", "start", (json_int_t)t,
			    "event", o);
		if (json_object_set_new(pr->seen, uid, e) != 0)
			return NULL;	/* not UTF-8: e is freed */
	}
	if (json_is_null(e))
		return NULL;
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

	if (store_person_events(pr->ctx->srv->store, name, pr->from, &pe, &n,
	    &why) != 0) {
		free(why);
		return a;
	}
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		v[k].role = pe[i].role;
		if ((v[k].event = seen_event(pr, pe[i].uid, &v[k].start)) != NULL)
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

static json_t *
cmd_people_exec(struct cmd_ctx *ctx)
{
	struct store_person	*p;
	const char		*search;
	json_t			*next = json_object_get(ctx->req, "next"), *a, *o;
	size_t			 n, i, max = PEOPLE_NEXT_DEFAULT;
	struct people_run	 pr;
	char			*why = NULL;

	if (cmd_arg_str(ctx, "search", 0, &search) != 0 ||
	    cmd_arg_time(ctx, "from", server_now(ctx->srv), &pr.from) != 0)
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
	if (store_people(ctx->srv->store, search, &p, &n, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		return NULL;
	}
	pr.ctx = ctx;
	pr.seen = json_object();
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
	json_decref(pr.seen);
	return json_pack("{s:o, s:I}", "people", a, "count", (json_int_t)n);
}

const struct cmd_entry cmd_people_entry = {
	"people", "search from next", 0, cmd_people_exec
};
