/*
 * cmd-conflicts.c — "conflicts": the clashes in a window (conflict.h:
 * overlaps, transfer gaps between cities, events outside their visit's
 * dates), each with a sentence saying what clashes; and the check after
 * every add and update (conflicts_after_write, called by cmd_write_event
 * inside the write's transaction): the clashes that involve the events
 * written go into the reply as warnings, or with "strict" refuse the
 * write (error "conflict", the clashes in the error object) so that it is
 * rolled back.
 *
 * The events are loaded from the store (recurring ones with participants
 * expanded in the window, each occurrence with its own fields: an
 * override's people, city and times, series.h), the visits they belong
 * to looked up by UID, and the transfer times come from kcald.conf
 * (travel.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conflict.h"
#include "conflict-check.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "log.h"
#include "series.h"
#include "server.h"
#include "store.h"
#include "travel.h"
#include "tz.h"
#include "xmalloc.h"

/*
 * The most clashes a write reports (per participant, before those of one
 * pair are joined); past it the reply says "conflicts_truncated".
 */
#define WRITE_CONFLICTS_MAX	1000

struct gather {
	struct cmd_ctx		*ctx;
	struct event		*ev, *visits;
	size_t			 n, nv, max;
	json_t			*seen;		/* uid@start already loaded */
	struct series		*series;	/* each parsed once */
	int64_t			 from, to;
	int			 truncated;
};

/*
 * A deep copy of src, at [start, end): its reminders too, which the
 * clashes' events show as get does (they showed none).
 */
static void
copy(struct event *d, const struct event *s, int64_t start, int64_t end)
{
	event_copy(d, s);
	d->start = start;
	d->end = end;
}

static void
push(struct gather *g, const struct event *ev, int64_t start, int64_t end)
{
	char	key[320];

	snprintf(key, sizeof key, "%.255s@%lld", ev->uid, (long long)start);
	if (json_object_get(g->seen, key) != NULL)
		return;
	json_object_set_new(g->seen, key, json_true());
	g->ev = xreallocarray(g->ev, g->n + 1, sizeof *g->ev);
	copy(&g->ev[g->n++], ev, start, end);
}

/*
 * An occurrence with its own fields (an override's people, city and
 * times); one cancelled by its override clashes with none.
 */
static int
occurrence(void *arg, const struct recur_occ *oc)
{
	struct gather	*g = arg;

	if (!series_cancelled(oc))
		push(g, oc->ev, oc->start, oc->end);
	return 0;
}

static int
row(void *arg, const struct event *ev, const char *ical)
{
	struct gather	*g = arg;
	char		*why = NULL;

	if (g->n >= g->max) {
		g->truncated = 1;
		return 1;
	}
	if (ical == NULL) {
		push(g, ev, ev->start, ev->end);
		return 0;
	}
	/* A series with nobody in it clashes with none (unless overridden). */
	if (ev->nparts == 0 && ev->parent == NULL &&
	    strstr(ical, "RECURRENCE-ID") == NULL)
		return 0;
	if (series_each(g->series, ev, ical, g->from, g->to, g->max - g->n,
	    occurrence, g, &why) == 1)
		g->truncated = 1;
	if (why != NULL)
		log_warnx("conflicts: cannot expand %s: %s", ev->uid, why);
	free(why);
	return 0;
}

/*
 * The live events overlapping [from, to), or the children of parent; with
 * ev, only ev and the events that share a participant with it.
 */
static int
load_window(struct gather *g, int64_t from, int64_t to, const char *parent,
    const struct event *ev)
{
	struct store_query	 q;
	char			*why = NULL, *names = NULL;
	json_t			*a;
	int			 rc;

	memset(&q, 0, sizeof q);
	q.from = g->from = from;
	q.to = g->to = to;
	q.parent = parent;
	if (ev != NULL) {
		a = json_array();
		for (size_t i = 0; i < ev->nparts; i++)
			json_array_append_new(a, json_string(ev->parts[i].name));
		q.shares = names = json_dumps(a, JSON_COMPACT);
		q.shares_or_uid = ev->uid;
		json_decref(a);
	}
	rc = store_query(g->ctx->store, &q, row, g, &why);
	free(names);
	if (rc != 0) {
		cmd_error(g->ctx, KCAL_E_STORE, "%s", why ? why : "query failed");
		free(why);
		return -1;
	}
	return 0;
}

/* The visits (parents) of the events loaded, each once. */
static void
load_visits(struct gather *g)
{
	struct event	 v;
	char		*text, *why;
	size_t		 i, k;

	for (i = 0; i < g->n; i++) {
		if (g->ev[i].parent == NULL)
			continue;
		for (k = 0; k < g->nv; k++)
			if (strcmp(g->visits[k].uid, g->ev[i].parent) == 0)
				break;
		if (k < g->nv)
			continue;
		text = why = NULL;
		if (store_get(g->ctx->store, g->ev[i].parent, &text,
		    &why) == 0 && ical_extract(text, g->ctx->cfg->home_tz,
		    &v, &why) == 0) {
			g->visits = xreallocarray(g->visits, g->nv + 1,
			    sizeof *g->visits);
			g->visits[g->nv++] = v;
		}
		free(text);
		free(why);
	}
}

static void
gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->n; i++)
		event_clear(&g->ev[i]);
	for (size_t i = 0; i < g->nv; i++)
		event_clear(&g->visits[i]);
	free(g->ev);
	free(g->visits);
	json_decref(g->seen);
	series_free(g->series);
}

/* arg: the request's configuration (const; the callback's type is not). */
static int64_t
transfer_cb(void *arg, const char *a, const char *b)
{
	return transfer_time(arg, a, b);
}

/* "Mon 2026-01-05 16:00 CST" (time 0: "16:00 CST"; all-day: the date). */
static void
when(const struct event *ev, int64_t t, int end, int with_date, char *buf,
    size_t len)
{
	static const char *wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
	    "Wed" };
	const char	*tz = end && ev->end_tz ? ev->end_tz : ev->tz;
	struct when	 w;
	char		 ab[16];
	int64_t		 d;

	tz_local(tz, t, &w);
	tz_abbr(tz, t, ab, sizeof ab);
	d = days_from_civil(w.year, w.mon, w.day);
	if (ev->all_day)
		snprintf(buf, len, "%s %04d-%02d-%02d", wd[((d % 7) + 7) % 7],
		    w.year, w.mon, w.day);
	else if (with_date)
		snprintf(buf, len, "%s %04d-%02d-%02d %02d:%02d %s",
		    wd[((d % 7) + 7) % 7], w.year, w.mon, w.day, w.hour, w.min,
		    ab);
	else
		snprintf(buf, len, "%02d:%02d %s", w.hour, w.min, ab);
}

static char *
message(const struct conflict *k)
{
	char	a0[64], a1[64], b0[64], b1[64], gap[32], need[32], *s;

	when(k->a, k->a->start, 0, 1, a0, sizeof a0);
	when(k->a, k->a->end, 1, 0, a1, sizeof a1);
	when(k->b, k->b->start, 0, 1, b0, sizeof b0);
	when(k->b, k->b->end, 1, 0, b1, sizeof b1);
	switch (k->type) {
	case CONFLICT_OVERLAP:
		xasprintf(&s, "%s: \"%s\" (%s to %s) overlaps \"%s\" (%s to %s)",
		    k->who, k->a->summary, a0, a1, k->b->summary, b0, b1);
		break;
	case CONFLICT_TRANSFER:
		dur_format(k->gap, gap, sizeof gap);
		dur_format(k->need, need, sizeof need);
		xasprintf(&s, "%s: only %s from \"%s\" in %s (ends %s) to \"%s\" "
		    "in %s (%s); the transfer %s - %s takes %s", k->who, gap,
		    k->a->summary, k->from, a1, k->b->summary, k->to, b0,
		    k->from, k->to, need);
		break;
	default:
		when(k->b, k->b->end > k->b->start ? k->b->end - 1 :
		    k->b->start, 1, 1, b1, sizeof b1);
		xasprintf(&s, "\"%s\" (%s to %s) is outside the dates of its "
		    "visit \"%s\" (%s to %s)", k->a->summary, a0, a1,
		    k->b->summary, b0, b1);
	}
	return s;
}

/*
 * The events' JSON, made once each: one event (the one written, above
 * all) is in many of its clashes, and its object is then shared by them
 * (jansson writes a shared object as often as it is referenced).
 */
struct ev_json {
	const struct event	**ev;
	json_t			**js;
	size_t			  n;
};

static json_t *
ev_json(struct cmd_ctx *ctx, struct ev_json *c, const struct event *ev)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ev[i] == ev)
			return json_incref(c->js[i]);
	c->ev = xreallocarray(c->ev, c->n + 1, sizeof *c->ev);
	c->js = xreallocarray(c->js, c->n + 1, sizeof *c->js);
	c->ev[c->n] = ev;
	c->js[c->n] = cmd_event_json(ctx, ev);
	return json_incref(c->js[c->n++]);
}

static void
ev_json_clear(struct ev_json *c)
{
	for (size_t i = 0; i < c->n; i++)
		json_decref(c->js[i]);
	free(c->ev);
	free(c->js);
	memset(c, 0, sizeof *c);
}

static json_t *
conflict_json(struct cmd_ctx *ctx, struct ev_json *c,
    const struct conflict *k)
{
	json_t	*o, *who = json_array();
	char	*msg = message(k), *names, *p, *n;

	if (k->who != NULL) {
		p = names = xstrdup(k->who);
		while ((n = strsep(&p, ",")) != NULL)
			json_array_append_new(who, json_string(n + (*n == ' ')));
		free(names);
	}
	o = json_pack("{s:s, s:s, s:o, s:[o, o]}", "type",
	    conflict_type_name(k->type), "message", msg, "participants", who,
	    "events", ev_json(ctx, c, k->a), ev_json(ctx, c, k->b));
	if (k->type == CONFLICT_TRANSFER) {
		json_object_set_new(o, "from_city", json_string(k->from));
		json_object_set_new(o, "to_city", json_string(k->to));
		json_object_set_new(o, "gap", json_integer(k->gap));
		json_object_set_new(o, "transfer", json_integer(k->need));
	}
	free(msg);
	return o;
}

static void
gather_init(struct gather *g, struct cmd_ctx *ctx)
{
	memset(g, 0, sizeof *g);
	g->ctx = ctx;
	g->max = ctx->cfg->max_occurrences;
	g->seen = json_object();
	g->series = series_new(ctx->store, ctx->cfg->home_tz);
}

static json_t *
cmd_conflicts_exec(struct cmd_ctx *ctx)
{
	struct gather		 g;
	struct conflicts	 cs = { NULL, 0, NULL, 0, 0, 0 };
	struct ev_json		 js = { NULL, NULL, 0 };
	int64_t			 from, to;
	json_t			*a;

	if (cmd_arg_time(ctx, "from", INT64_MIN, &from) != 0 ||
	    cmd_arg_time(ctx, "to", INT64_MAX, &to) != 0)
		return NULL;
	if (from >= to) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"from\" must be before "
		    "\"to\"");
		return NULL;
	}
	gather_init(&g, ctx);
	if (load_window(&g, from, to, NULL, NULL) != 0) {
		gather_free(&g);
		return NULL;
	}
	load_visits(&g);
	cs.max = ctx->cfg->max_occurrences;
	conflict_find(g.ev, g.n, g.visits, g.nv, transfer_cb,
	    (void *)ctx->cfg, &cs);
	g.truncated |= cs.truncated;
	a = json_array();
	for (size_t i = 0; i < cs.n; i++)
		json_array_append_new(a, conflict_json(ctx, &js, &cs.v[i]));
	ev_json_clear(&js);
	conflicts_clear(&cs);
	gather_free(&g);
	return json_pack("{s:o, s:I, s:b}", "conflicts", a, "count",
	    (json_int_t)json_array_size(a), "truncated", g.truncated);
}

const struct cmd_entry cmd_conflicts_entry = {
	"conflicts", "from to", CMD_OFFLOOP, cmd_conflicts_exec
};

/* The UIDs this request wrote: ev's and those that moved with it. */
static json_t *
written_set(const struct event *ev, json_t *moved)
{
	json_t	*set = json_object(), *u;
	size_t	 i;

	json_object_set_new(set, ev->uid, json_true());
	json_array_foreach(moved, i, u)
		json_object_set_new(set, json_string_value(u), json_true());
	return set;
}

struct span {
	int64_t	from, to;
};

static int
by_from(const void *x, const void *y)
{
	const struct span	*p = x, *q = y;

	return p->from < q->from ? -1 : p->from > q->from;
}

/*
 * Load each of the windows (sorted and merged where they overlap: the
 * followers of one anchor usually share their hour, and loading it once
 * per follower was quadratic).
 */
static int
load_spans(struct gather *g, struct span *s, size_t n)
{
	size_t	i, k;
	int	rc = 0;

	if (n > 1)
		qsort(s, n, sizeof *s, by_from);
	for (i = 0; i < n && rc == 0; i = k) {
		int64_t	to = s[i].to;

		for (k = i + 1; k < n && s[k].from <= to; k++)
			if (s[k].to > to)
				to = s[k].to;
		rc = load_window(g, s[i].from, to, NULL, NULL);
	}
	return rc;
}

/*
 * Load what can clash with the events written: everything within the
 * longest transfer time of each, and the programme of each (a visit that
 * moves can leave its programme outside its dates).
 */
static int
gather_written(struct gather *g, const struct event *ev, json_t *moved)
{
	int64_t		 pad = transfer_max(g->ctx->cfg) + 1;
	struct event	 m;
	struct span	*s;
	json_t		*u;
	char		*text, *why;
	size_t		 i, n = 0;
	int		 rc;

	/*
	 * Clashes are found per participant (conflict.c), so a conflict of
	 * ev's is with an event that shares one of its participants: only
	 * those are loaded (at 100,000 events, most of an add was loading
	 * the others).  Not when ev moved others (anchors): theirs count too.
	 */
	if (json_array_size(moved) == 0)
		rc = load_window(g, ev->start - pad, ev->end + pad, NULL, ev);
	else
		rc = 0;
	if (rc == 0)
		rc = load_window(g, INT64_MIN, INT64_MAX, ev->uid, NULL);
	if (rc != 0 || json_array_size(moved) == 0)
		return rc;
	s = xcalloc(json_array_size(moved) + 1, sizeof *s);
	s[n].from = ev->start - pad;
	s[n++].to = ev->end + pad;
	json_array_foreach(moved, i, u) {
		text = why = NULL;
		if (store_get(g->ctx->store, json_string_value(u), &text,
		    &why) == 0 && ical_extract(text, g->ctx->cfg->home_tz,
		    &m, &why) == 0) {
			s[n].from = m.start - pad;
			s[n++].to = m.end + pad;
			event_clear(&m);
		}
		free(text);
		free(why);
	}
	rc = load_spans(g, s, n);
	free(s);
	return rc;
}

/* "\n  - message" for each conflict of a. */
static char *
messages(json_t *a)
{
	json_t	*c;
	size_t	 i;
	char	*s = xstrdup(""), *t;

	json_array_foreach(a, i, c) {
		xasprintf(&t, "%s\n  - %s", s, json_string_value(
		    json_object_get(c, "message")));
		free(s);
		s = t;
	}
	return s;
}

/*
 * The clashes of ev (and of the events moved with it, moved) as the store
 * holds them now, into cs; g holds the events they point at (free both).
 */
static void
find_written(struct cmd_ctx *ctx, const struct event *ev, json_t *moved,
    json_t *set, struct gather *g, struct conflicts *cs, unsigned char **only)
{
	gather_init(g, ctx);
	*only = NULL;
	if (gather_written(g, ev, moved) != 0)
		return;
	load_visits(g);
	/* Only the clashes of what was written (or of its programme). */
	cs->only = *only = xcalloc(g->n + 1, 1);
	for (size_t i = 0; i < g->n; i++)
		(*only)[i] = json_object_get(set, g->ev[i].uid) != NULL ||
		    (g->ev[i].parent != NULL &&
		    json_object_get(set, g->ev[i].parent) != NULL);
	conflict_find(g->ev, g->n, g->visits, g->nv, transfer_cb,
	    (void *)ctx->cfg, cs);
}

/* A clash as "--strict" tells one from another: its kind, pair, people. */
static char *
clash_key(const struct conflict *c)
{
	const char	*a = c->a->uid, *b = c->b ? c->b->uid : "";
	char		*k;

	if (strcmp(a, b) > 0) {
		const char *t = a;

		a = b;
		b = t;
	}
	xasprintf(&k, "%d|%s|%s|%s", (int)c->type, a, b, c->who ? c->who : "");
	return k;
}

/*
 * Before an update with "strict" (cmd_write_event): the clashes the event
 * has as it is, so that only one the update makes refuses it (an event
 * that already clashed could otherwise not be edited at all).  A set of
 * clash_key()s; the caller frees it.
 */
json_t *
conflicts_before(struct cmd_ctx *ctx, const struct event *ev)
{
	struct gather		 g;
	struct conflicts	 cs = { NULL, 0, NULL, WRITE_CONFLICTS_MAX, 0, 0 };
	unsigned char		*only;
	json_t			*moved = json_array(), *keys = json_object();
	json_t			*set = written_set(ev, moved);
	char			*k;

	find_written(ctx, ev, moved, set, &g, &cs, &only);
	for (size_t i = 0; i < cs.n; i++) {
		k = clash_key(&cs.v[i]);
		json_object_set_new(keys, k, json_true());
		free(k);
	}
	conflicts_clear(&cs);
	gather_free(&g);
	free(only);
	json_decref(set);
	json_decref(moved);
	return keys;
}

/*
 * After a write (cmd_write_event, still in its transaction): put the
 * conflicts that involve the events written into res; with "strict" and
 * any conflict (not in before, the event's own clashes before an update),
 * set the error "conflict" (carrying them) and return -1 so that the
 * write is rolled back.
 */
int
conflicts_after_write(struct cmd_ctx *ctx, const struct event *ev,
    const struct event_change *ch, json_t *before, json_t *res)
{
	struct gather		 g;
	struct conflicts	 cs = { NULL, 0, NULL, WRITE_CONFLICTS_MAX, 0, 0 };
	struct ev_json		 js = { NULL, NULL, 0 };
	unsigned char		*only = NULL;
	json_t			*a, *fresh, *err, *set, *c;
	size_t			 i;
	char			*msgs, *k;

	if (ctx->depth > 0)
		return 0;
	a = json_array();
	fresh = json_array();
	json_object_set_new(res, "conflicts_truncated", json_false());
	if (strcmp(ev->status, "cancelled") == 0) {
		json_object_set_new(res, "conflicts", a);
		json_decref(fresh);
		return 0;
	}
	set = written_set(ev, ctx->moved);
	find_written(ctx, ev, ctx->moved, set, &g, &cs, &only);
	for (i = 0; i < cs.n; i++) {
		if (json_object_get(set, cs.v[i].a->uid) == NULL &&
		    json_object_get(set, cs.v[i].b->uid) == NULL)
			continue;
		c = conflict_json(ctx, &js, &cs.v[i]);
		json_array_append_new(a, c);
		k = clash_key(&cs.v[i]);
		if (before == NULL || json_object_get(before, k) == NULL)
			json_array_append(fresh, c);
		free(k);
	}
	ev_json_clear(&js);
	if (cs.truncated || g.truncated)
		json_object_set_new(res, "conflicts_truncated", json_true());
	conflicts_clear(&cs);
	gather_free(&g);
	free(only);
	json_decref(set);
	json_object_set_new(res, "conflicts", a);
	if (!ch->strict || json_array_size(fresh) == 0) {
		json_decref(fresh);
		return 0;
	}
	cmd_error(ctx, KCAL_E_CONFLICT, "refused (strict), %zu conflict%s:%s",
	    json_array_size(fresh), json_array_size(fresh) == 1 ? "" : "s",
	    (msgs = messages(fresh)));
	free(msgs);
	err = json_object_get(ctx->error, "error");
	json_object_set_new(err, "conflicts", fresh);
	return -1;
}
