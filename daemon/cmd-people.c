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

struct next {
	char	*uid, *role;
	int64_t	 start, end;
	int	 found;
};

static int
first_occurrence(void *arg, int64_t start, int64_t end)
{
	struct next	*n = arg;

	n->start = start;
	n->end = end;
	n->found = 1;
	return 1;
}

/* The event JSON of one next event, at the occurrence found. */
static json_t *
next_json(struct cmd_ctx *ctx, struct next *n)
{
	struct event	 ev;
	char		*text = NULL, *why = NULL;
	json_t		*o = NULL;

	if (store_get(ctx->srv->store, n->uid, &text, &why) == 0 &&
	    ical_extract(text, ctx->srv->cfg->home_tz, &ev, &why) == 0) {
		if (n->found) {
			ev.end = n->end;
			ev.start = n->start;
		}
		o = cmd_event_json(ctx, &ev);
		json_object_set_new(o, "role", n->role ?
		    json_string(n->role) : json_null());
		event_clear(&ev);
	}
	free(text);
	free(why);
	return o;
}

static int
by_start(const void *a, const void *b)
{
	const struct next	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

/* The person's next events: their start order, at most max. */
static json_t *
next_events(struct cmd_ctx *ctx, const char *name, int64_t from, size_t max)
{
	struct store_person_event	*pe;
	struct next			*v;
	size_t				 n, i, k = 0;
	char				*text, *why = NULL;
	json_t				*a = json_array(), *o;

	if (store_person_events(ctx->srv->store, name, from, &pe, &n,
	    &why) != 0) {
		free(why);
		return a;
	}
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		struct next	*x = &v[k];

		x->uid = pe[i].uid;
		x->role = pe[i].role;
		x->start = pe[i].start;
		if (pe[i].recurring) {
			text = NULL;
			if (store_get(ctx->srv->store, x->uid, &text, NULL) == 0)
				ical_expand(text, ctx->srv->cfg->home_tz, from,
				    INT64_MAX, 1, first_occurrence, x, &why);
			free(text);
			free(why);
			why = NULL;
			if (!x->found)
				continue;
		}
		k++;
	}
	qsort(v, k, sizeof *v, by_start);
	for (i = 0; i < k && json_array_size(a) < max; i++)
		if ((o = next_json(ctx, &v[i])) != NULL)
			json_array_append_new(a, o);
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
	int64_t			 from;
	char			*why = NULL;

	if (cmd_arg_str(ctx, "search", 0, &search) != 0 ||
	    cmd_arg_time(ctx, "from", server_now(ctx->srv), &from) != 0)
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
	a = json_array();
	for (i = 0; i < n; i++) {
		o = json_pack("{s:s, s:s?, s:s?, s:i, s:I}", "name", p[i].name,
		    "roles", p[i].role, "countries", p[i].country, "precedence",
		    p[i].precedence, "events", (json_int_t)p[i].nevents);
		json_object_set_new(o, "next", max == 0 ? json_array() :
		    next_events(ctx, p[i].name, from, max));
		json_array_append_new(a, o);
	}
	store_people_free(p, n);
	return json_pack("{s:o, s:I}", "people", a, "count", (json_int_t)n);
}

const struct cmd_entry cmd_people_entry = {
	"people", "search from next", 0, cmd_people_exec
};
