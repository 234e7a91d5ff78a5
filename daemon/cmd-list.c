/*
 * cmd-list.c — "list": events overlapping a window, filtered, in start
 * order.  Recurring events are expanded into their occurrences inside the
 * window (series.h: RECURRENCE-ID overrides in place of the occurrences
 * they replace, each with its own fields); the total is capped
 * (max_occurrences) and the reply says so.  An override that no longer
 * answers the filters (another status, kind, text or people) is left out.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "log.h"
#include "series.h"
#include "server.h"
#include "store.h"
#include "tz.h"

struct list_state {
	struct cmd_ctx		*ctx;
	json_t			*events;
	const struct store_query *q;
	const struct event	*ev;		/* the recurring event expanded */
	struct series		*series;
	int64_t			 from, to;
	size_t			 max;
	int			 truncated;
	int			 include_cancelled;
	char			*why;
};

/* Does s hold what, ASCII case ignored (as the store's instr(lower()))? */
static int
holds(const char *s, const char *what)
{
	size_t	n = strlen(what);

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (strncasecmp(s, what, n) == 0)
			return 1;
	return n == 0;
}

/*
 * Does an occurrence answer the query's filters?  The store chose its
 * series by the master's fields, and by any override's people for
 * participant; an override with a kind, status, text or people of its
 * own answers for itself, and so does each occurrence for participant.
 */
static int
override_matches(const struct store_query *q, const struct event *ev)
{
	size_t	i;

	if (q->kind != NULL && (ev->kind == NULL || strcmp(ev->kind,
	    q->kind) != 0))
		return 0;
	if (q->status != NULL && (ev->status == NULL || strcmp(ev->status,
	    q->status) != 0))
		return 0;
	if (q->search != NULL && !holds(ev->summary, q->search) &&
	    !holds(ev->location, q->search) &&
	    !holds(ev->description, q->search))
		return 0;
	if (q->participant == NULL)
		return 1;
	for (i = 0; i < ev->nparts; i++)
		if (holds(ev->parts[i].name, q->participant))
			return 1;
	return 0;
}

/* An occurrence, as its override (if any) says it now is. */
static int
add_occurrence(void *arg, const struct recur_occ *oc)
{
	struct list_state	*ls = arg;
	struct event		 occ = *oc->ev;
	json_t			*o;
	char			 rid[64];

	if (!ls->include_cancelled && series_cancelled(oc))
		return 0;
	/*
	 * The store handed over a series whose master or any override names
	 * the participant (override_people): each occurrence is checked.
	 */
	if ((oc->overridden || ls->q->participant != NULL) &&
	    !override_matches(ls->q, oc->ev))
		return 0;
	occ.rrule = ls->ev->rrule;
	o = cmd_event_json(ls->ctx, &occ);
	tz_iso("UTC", oc->rid, rid, sizeof rid);
	json_object_set_new(o, "recurrence_id", json_string(rid));
	json_array_append_new(ls->events, o);
	return 0;
}

static int
add_row(void *arg, const struct event *ev, const char *ical)
{
	struct list_state	*ls = arg;
	size_t			 have = json_array_size(ls->events);
	int			 rc;

	if (have >= ls->max) {
		ls->truncated = 1;
		return 1;
	}
	if (ical == NULL) {
		json_array_append_new(ls->events, cmd_event_json(ls->ctx, ev));
		return 0;
	}
	ls->ev = ev;
	rc = series_each(ls->series, ev, ical, ls->from, ls->to,
	    ls->max - have, add_occurrence, ls, &ls->why);
	if (rc == 1)
		ls->truncated = 1;
	if (rc < 0) {
		/* One unreadable event must not hide all the others. */
		log_warnx("list: cannot expand %s: %s", ev->uid, ls->why);
		free(ls->why);
		ls->why = NULL;
	}
	return 0;
}

static json_t *
cmd_list_exec(struct cmd_ctx *ctx)
{
	struct list_state	 ls = { ctx, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL };
	struct store_query	 q;
	char			*why = NULL;
	int			 rc;

	memset(&q, 0, sizeof q);
	if (cmd_arg_time(ctx, "from", INT64_MIN, &q.from) ||
	    cmd_arg_time(ctx, "to", INT64_MAX, &q.to) ||
	    cmd_arg_str(ctx, "kind", 0, &q.kind) ||
	    cmd_arg_str(ctx, "status", 0, &q.status) ||
	    cmd_arg_str(ctx, "participant", 0, &q.participant) ||
	    cmd_arg_str(ctx, "search", 0, &q.search) ||
	    cmd_arg_bool(ctx, "include_cancelled", &q.include_cancelled))
		return NULL;
	q.override_people = 1;
	if (json_object_get(ctx->req, "parent") != NULL) {
		if (cmd_arg_uid(ctx, "parent", &why) != 0)
			return NULL;
		q.parent = why;
	}
	if (q.kind && !event_kind_valid(q.kind)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown kind \"%s\"", q.kind);
		free(why);
		return NULL;
	}
	if (q.status && !event_status_valid(q.status)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown status \"%s\" (one "
		    "of: tentative, confirmed, cancelled)", q.status);
		free(why);
		return NULL;
	}
	if (q.from >= q.to) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"from\" must be before "
		    "\"to\"");
		free(why);
		return NULL;
	}
	ls.events = json_array();
	ls.q = &q;
	ls.from = q.from;
	ls.to = q.to;
	ls.max = ctx->srv->cfg->max_occurrences;
	ls.include_cancelled = q.include_cancelled;
	ls.series = series_new(ctx->srv->store, ctx->srv->cfg->home_tz);
	rc = store_query(ctx->srv->store, &q, add_row, &ls, &ls.why);
	series_free(ls.series);
	if (rc != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", ls.why ? ls.why : "query failed");
		json_decref(ls.events);
		free(ls.why);
		free(why);
		return NULL;
	}
	free(ls.why);
	free(why);
	ls.events = cmd_events_sorted(ls.events);
	return json_pack("{s:o, s:I, s:b, s:I}", "events", ls.events,
	    "count", (json_int_t)json_array_size(ls.events), "truncated",
	    ls.truncated, "limit", (json_int_t)ls.max);
}

const struct cmd_entry cmd_list_entry = {
	"list", "from to kind status participant parent search "
	"include_cancelled", 0, cmd_list_exec
};
