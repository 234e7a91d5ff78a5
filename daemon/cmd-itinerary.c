/*
 * cmd-itinerary.c — "itinerary": a visit and its programme, shaped for a
 * briefing, so that every client (kcal's text, Markdown and HTML, or a
 * script) prints the same thing:
 *  - the visit itself and its dates in its own zone;
 *  - the delegations: everyone taking part in the visit or its programme,
 *    by country (the visit's own participants' countries first), each in
 *    order of precedence;
 *  - the programme day by day (the date in the venue's zone), and within a
 *    day in runs of one city ("Beijing", or "Beijing -> Shanghai" for a
 *    travel leg), every item with its times in its own zones and at home;
 *  - the tracked outside events (exercises, congresses, anniversaries)
 *    that fall within the visit's dates, as context;
 *  - with "ics": the visit and its programme as one VCALENDAR.
 * Cancelled items are left out; recurring items are expanded within the
 * visit's dates, each occurrence with its own fields (an override's
 * summary, place, city, status, people and times: series.h).
 *
 * itinerary_build() is the same for a briefing page (briefing.c), seen by
 * a feed's audience: then each event is read from its record as the feed
 * writes it (feed_view_record: the feed's classes, each override's own,
 * references to hidden events dropped, the feed's redaction), and an event
 * the feed does not carry is left out, so the page shows what the feed
 * shows.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "briefing.h"
#include "cmd.h"
#include "feed.h"
#include "ical.h"
#include "ical-export.h"
#include "kcal-protocol.h"
#include "log.h"
#include "series.h"
#include "server.h"
#include "store.h"
#include "tz.h"
#include "xmalloc.h"

/* Kinds shown as context when they fall within the visit's dates. */
static const char *context_kinds[] = { "exercise", "congress", "anniversary",
    NULL };

struct itin {
	struct store		*store;
	const struct config	*cfg;
	struct feed_view	*view;		/* NULL: everything */
	const char		*visit_uid;
	json_t			*out;		/* items or context */
	struct series		*series;
	const struct event	*ev;		/* the recurring event expanded */
	int64_t			 from, to;	/* the visit's dates */
	size_t			 max;
	int			 truncated, context;
};

static const char *
str(json_t *o, const char *k)
{
	const char	*v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* Date, weekday, place and tentative flag of one item. */
static json_t *
item_json(struct itin *it, const struct event *ev, int64_t start,
    int64_t end)
{
	static const char *wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
	    "Wed" };
	struct event	 occ = *ev;
	struct when	 w;
	json_t		*o;
	const char	*c, *e;
	char		 date[16], *place;
	int64_t		 days;

	occ.start = start;
	occ.end = end;
	o = event_to_json(&occ, it->cfg->home_tz);
	tz_local(ev->tz, start, &w);
	snprintf(date, sizeof date, "%04d-%02d-%02d", w.year, w.mon, w.day);
	days = days_from_civil(w.year, w.mon, w.day);
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "weekday", json_string(wd[((days % 7) + 7) % 7]));
	c = str(o, "city");
	e = str(o, "end_city");
	if (*c != '\0' && *e != '\0' && strcasecmp(c, e) != 0)
		xasprintf(&place, "%s -> %s", c, e);
	else
		place = xstrdup(*c ? c : e);
	json_object_set_new(o, "place", json_string(place));
	free(place);
	json_object_set_new(o, "tentative", json_boolean(
	    strcmp(ev->status, "tentative") == 0));
	json_object_set_new(o, "context", json_boolean(it->context));
	return o;
}

/* An occurrence with its own fields; one its override cancelled is not. */
static int
add_occurrence(void *arg, const struct recur_occ *oc)
{
	struct itin	*it = arg;
	struct event	 occ = *oc->ev;

	if (series_cancelled(oc))
		return 0;
	occ.rrule = it->ev->rrule;	/* an override is of the series */
	json_array_append_new(it->out, item_json(it, &occ, oc->start, oc->end));
	return 0;
}

/*
 * What the audience sees of a record: it as it is (no view), or its text
 * as the feed writes it, read back (*ev then points at *copy, and *ical,
 * if set, at *text).  0: shown; 1: not (or it could not be read).
 */
static int
as_seen(struct itin *it, const struct event **ev, const char **ical,
    struct event *copy, char **text)
{
	char	*rec = NULL, *why = NULL;
	int	 rc = 1;

	*text = NULL;
	if (it->view == NULL)
		return 0;
	if (*ical == NULL && store_get(it->store, (*ev)->uid, &rec,
	    &why) != 0)
		goto out;
	if ((*text = feed_view_record(it->view, *ical ? *ical : rec,
	    &why)) == NULL ||
	    ical_extract(*text, it->cfg->home_tz, copy, &why) != 0)
		goto out;
	/* The row's start and end: a recurring one's are its occurrence's. */
	copy->start = (*ev)->start;
	copy->end = (*ev)->end;
	*ev = copy;
	if (*ical != NULL)
		*ical = *text;
	rc = 0;
out:
	if (why != NULL)
		log_warnx("itinerary: cannot read %s for a feed: %s",
		    (*ev)->uid, why);
	free(why);
	free(rec);
	return rc;
}

static int
add_row(void *arg, const struct event *row, const char *ical)
{
	struct itin		*it = arg;
	size_t			 have = json_array_size(it->out);
	const struct event	*ev = row;
	struct event		 copy;
	char			*why = NULL, *text;
	int			 rc;

	if (strcmp(row->uid, it->visit_uid) == 0 || (it->context &&
	    row->parent != NULL && strcmp(row->parent, it->visit_uid) == 0))
		return 0;
	if (have >= it->max) {
		it->truncated = 1;
		return 1;
	}
	event_init(&copy);
	if (as_seen(it, &ev, &ical, &copy, &text) != 0)
		goto out;
	if (ical == NULL) {
		json_array_append_new(it->out, item_json(it, ev, ev->start,
		    ev->end));
		goto out;
	}
	it->ev = ev;
	rc = series_each(it->series, ev, ical, it->from, it->to,
	    it->max - have, add_occurrence, it, &why);
	if (rc == 1)
		it->truncated = 1;
	if (rc < 0)
		log_warnx("itinerary: cannot expand %s: %s", ev->uid, why);
	free(why);
out:
	event_clear(&copy);
	free(text);
	return 0;
}

/* The programme (children of the visit) and the context events. */
static int
collect(struct itin *it, json_t **items, json_t **context, char **cause)
{
	struct store_query	 q;
	char			*why = NULL;
	int			 rc = 0;

	memset(&q, 0, sizeof q);
	q.from = INT64_MIN;
	q.to = INT64_MAX;
	q.parent = it->visit_uid;
	it->out = *items = json_array();
	rc = store_query(it->store, &q, add_row, it, &why);
	it->context = 1;
	it->out = *context = json_array();
	q.parent = NULL;
	q.from = it->from;
	q.to = it->to;
	for (size_t i = 0; rc == 0 && context_kinds[i] != NULL; i++) {
		q.kind = context_kinds[i];
		rc = store_query(it->store, &q, add_row, it, &why);
	}
	if (rc != 0) {
		*cause = why ? why : xstrdup("query failed");
		return -1;
	}
	*items = cmd_events_sorted(*items);
	*context = cmd_events_sorted(*context);
	return 0;
}

/* The day object for date, appended in first-seen order. */
static json_t *
day_for(json_t *days, json_t *item)
{
	json_t	*d;
	size_t	 i;

	json_array_foreach(days, i, d)
		if (strcmp(str(d, "date"), str(item, "date")) == 0)
			return d;
	d = json_pack("{s:s, s:s, s:[]}", "date", str(item, "date"),
	    "weekday", str(item, "weekday"), "groups");
	json_array_append_new(days, d);
	return d;
}

static int
by_date(const void *a, const void *b)
{
	return strcmp(str(*(json_t *const *)a, "date"),
	    str(*(json_t *const *)b, "date"));
}

/* Days in date order, each in runs of one place, items in start order. */
static json_t *
build_days(json_t *items)
{
	json_t	*days = json_array(), *item, *day, *groups, *last, **v, *out;
	size_t	 i, n;

	json_array_foreach(items, i, item) {
		day = day_for(days, item);
		groups = json_object_get(day, "groups");
		last = json_array_get(groups, json_array_size(groups) - 1);
		if (last == NULL || strcmp(str(last, "place"),
		    str(item, "place")) != 0) {
			last = json_pack("{s:s, s:[]}", "place", str(item,
			    "place"), "items");
			json_array_append_new(groups, last);
		}
		json_array_append(json_object_get(last, "items"), item);
	}
	n = json_array_size(days);
	v = xcalloc(n ? n : 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_array_get(days, i);
	qsort(v, n, sizeof *v, by_date);	/* stable enough: dates differ */
	out = json_array();
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(days);
	return out;
}

/* Remember one participant (the first role and country seen win). */
static void
note_person(json_t *people, json_t *p, int from_visit)
{
	const char	*name = str(p, "name");
	json_int_t	 prec = json_integer_value(json_object_get(p,
			    "precedence"));
	json_t		*q, *have;
	size_t		 i;

	json_array_foreach(people, i, q) {
		if (strcasecmp(str(q, "name"), name) != 0)
			continue;
		have = json_object_get(q, "precedence");
		if (prec > 0 && !json_is_true(json_object_get(q, "fixed")) &&
		    (json_integer_value(have) == 0 ||
		    prec < json_integer_value(have)))
			json_object_set_new(q, "precedence", json_integer(prec));
		return;
	}
	json_array_append_new(people, json_pack("{s:s, s:s, s:s, s:I, s:b}",
	    "name", name, "role", str(p, "role"), "country", str(p, "country"),
	    "precedence", prec, "fixed", from_visit && prec > 0));
}

static int
by_precedence(const void *a, const void *b)
{
	json_t		*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t	 px = json_integer_value(json_object_get(x, "precedence"));
	json_int_t	 py = json_integer_value(json_object_get(y, "precedence"));

	if (px != py)
		return px == 0 ? 1 : py == 0 ? -1 : px < py ? -1 : 1;
	return strcasecmp(str(x, "name"), str(y, "name"));
}

/* One delegation: its members in order of precedence (unset last). */
static json_t *
delegation(json_t *people, const char *country)
{
	json_t	*members = json_array(), *p, **v;
	size_t	 i, n = 0;

	v = xcalloc(json_array_size(people) + 1, sizeof *v);
	json_array_foreach(people, i, p)
		if (strcmp(str(p, "country"), country) == 0)
			v[n++] = p;
	qsort(v, n, sizeof *v, by_precedence);
	for (i = 0; i < n; i++) {
		json_object_del(v[i], "fixed");
		json_array_append(members, v[i]);
	}
	free(v);
	return json_pack("{s:s, s:o}", "country", country, "members", members);
}

/*
 * Delegations: the countries in order of first appearance (the visit's own
 * participants first), people without a country last.
 */
static json_t *
build_delegations(json_t *visit, json_t *items)
{
	json_t	*people = json_array(), *countries = json_array(), *out;
	json_t	*item, *p, *c;
	size_t	 i, j;
	int	 seen, none = 0;

	json_array_foreach(json_object_get(visit, "participants"), j, p)
		note_person(people, p, 1);
	json_array_foreach(items, i, item)
		json_array_foreach(json_object_get(item, "participants"), j, p)
			note_person(people, p, 0);
	json_array_foreach(people, i, p) {
		if (*str(p, "country") == '\0') {
			none = 1;
			continue;
		}
		seen = 0;
		json_array_foreach(countries, j, c)
			seen |= strcmp(json_string_value(c), str(p, "country")) == 0;
		if (!seen)
			json_array_append_new(countries, json_string(str(p,
			    "country")));
	}
	if (none)
		json_array_append_new(countries, json_string(""));
	out = json_array();
	json_array_foreach(countries, i, c)
		json_array_append_new(out, delegation(people,
		    json_string_value(c)));
	json_decref(countries);
	json_decref(people);
	return out;
}

/* The visit's first and last day in its own zone (an end is exclusive). */
static void
set_dates(json_t *res, const struct event *v)
{
	struct when	w;
	char		buf[16];
	int64_t		last = v->end > v->start ? v->end - 1 : v->start;

	tz_local(v->tz, v->start, &w);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", w.year, w.mon, w.day);
	json_object_set_new(res, "first_day", json_string(buf));
	tz_local(v->end_tz ? v->end_tz : v->tz, last, &w);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", w.year, w.mon, w.day);
	json_object_set_new(res, "last_day", json_string(buf));
}

/* Add uid's stored record to the calendar unless it is there already. */
static void
add_record(struct store *st, struct ical_out *out, json_t *seen,
    const char *uid)
{
	char	*text = NULL, *why = NULL;

	if (json_object_get(seen, uid) != NULL)
		return;
	json_object_set_new(seen, uid, json_true());
	if (store_get(st, uid, &text, &why) != 0 ||
	    ical_out_add(out, text, &why) != 0)
		log_warnx("itinerary: cannot export %s: %s", uid,
		    why ? why : "vanished");
	free(text);
	free(why);
}

/*
 * The visit and its programme as one VCALENDAR, through the export
 * (ical-export.c): each series once, with a VTIMEZONE per zone used.
 */
static void
add_ics(struct itin *it, json_t *res, const char *visit_uid, json_t *items)
{
	struct ical_out_opts	 o;
	struct ical_out		*out;
	json_t			*item, *seen = json_object();
	size_t			 i;
	char			*text;

	memset(&o, 0, sizeof o);
	o.calname = str(json_object_get(res, "visit"), "summary");
	o.home = it->cfg->home_tz;
	out = ical_out_new(&o);
	add_record(it->store, out, seen, visit_uid);
	json_array_foreach(items, i, item)
		add_record(it->store, out, seen, str(item, "uid"));
	json_decref(seen);
	text = ical_out_finish(out, NULL);
	json_object_set_new(res, "ical", json_string(text));
	free(text);
}

/*
 * The visit as its audience sees it (view NULL: as it is), into *visit;
 * 1 when the audience may not see it.
 */
static int
visit_seen(struct itin *it, char **text, struct event *visit, char **cause)
{
	const struct event	*ev = visit;
	const char		*ical = *text;
	struct event		 copy;
	char			*red;

	if (ical_extract(*text, it->cfg->home_tz, visit, cause) != 0)
		return -1;
	event_init(&copy);
	if (as_seen(it, &ev, &ical, &copy, &red) != 0) {
		event_clear(&copy);
		free(red);
		return 1;
	}
	if (ev == &copy) {
		event_clear(visit);
		*visit = copy;
		free(*text);
		*text = red;
	} else
		free(red);
	return 0;
}

/*
 * The itinerary of the visit uid (a full UID) for view (NULL: the
 * socket's, everything), with its iCalendar when ics: 0 with *res set, 1
 * when there is no such event or the view may not see it, -1 on error.
 */
static int
build(struct store *st, const struct config *cfg, const char *uid,
    struct feed_view *view, int ics, json_t **res, char **cause)
{
	struct itin	 it;
	struct event	 visit;
	char		*text = NULL;
	json_t		*items = NULL, *context = NULL, *vj;
	int		 rc;

	*res = NULL;
	memset(&it, 0, sizeof it);
	it.store = st;
	it.cfg = cfg;
	it.view = view;
	it.visit_uid = uid;
	event_init(&visit);
	if ((rc = store_get(st, uid, &text, cause)) != 0) {
		rc = rc == STORE_NOT_FOUND ? 1 : -1;
		goto out;
	}
	if ((rc = visit_seen(&it, &text, &visit, cause)) != 0)
		goto out;
	it.from = visit.start;
	it.to = visit.end > visit.start ? visit.end : visit.start + 1;
	it.max = cfg->max_occurrences;
	it.series = series_new(view ? NULL : st, cfg->home_tz);
	rc = collect(&it, &items, &context, cause);
	series_free(it.series);
	if (rc != 0)
		goto out;
	vj = event_to_json(&visit, cfg->home_tz);
	*res = json_pack("{s:o, s:s, s:o, s:o, s:O, s:b}", "visit", vj,
	    "home_tz", cfg->home_tz, "delegations",
	    build_delegations(vj, items), "days", build_days(items),
	    "context", context, "truncated", it.truncated);
	set_dates(*res, &visit);
	if (ics)
		add_ics(&it, *res, uid, items);
out:
	json_decref(items);
	json_decref(context);
	event_clear(&visit);
	free(text);
	return rc;
}

int
itinerary_build(struct server *srv, const char *uid, struct feed_view *view,
    int ics, json_t **res, char **cause)
{
	return build(srv->store, srv->cfg, uid, view, ics, res, cause);
}

static json_t *
cmd_itinerary_exec(struct cmd_ctx *ctx)
{
	char	*uid = NULL, *why = NULL;
	json_t	*res = NULL;
	int	 ics = 0, rc;

	if (cmd_arg_bool(ctx, "ics", &ics) != 0 ||
	    cmd_arg_uid(ctx, "uid", &uid) != 0)
		return NULL;
	rc = build(ctx->store, ctx->cfg, uid, NULL, ics, &res, &why);
	if (rc != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why ? why : "event vanished");
	free(why);
	free(uid);
	return res;
}

const struct cmd_entry cmd_itinerary_entry = {
	"itinerary", "uid ics", CMD_OFFLOOP, cmd_itinerary_exec
};
