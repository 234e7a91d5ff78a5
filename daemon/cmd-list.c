/*
 * cmd-list.c — "list": events overlapping a window, filtered, in start
 * order.  Recurring events are expanded into their occurrences inside the
 * window (series.h: RECURRENCE-ID overrides in place of the occurrences
 * they replace, each with its own fields); the total is capped
 * (max_occurrences) and the reply says so.  An override that no longer
 * answers the filters (another status, kind, text or people) is left out.
 * Paging (limit, cursor): items at or before the cursor's key are skipped
 * before they count against max_occurrences or become JSON; the page is
 * the first "limit" of the sorted rest, and next_cursor names its last.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "cursor.h"
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
	const struct cursor	*after;		/* the page's cursor, or NULL */
	char			*why;
};

#define LIST_LIMIT_MAX	10000

/* Is the item (start, uid, rid) at or before the cursor: shown already? */
static int
seen(const struct list_state *ls, int64_t start, const char *uid,
    const char *rid)
{
	return ls->after != NULL && cursor_cmp(ls->after, start, uid, rid) >= 0;
}

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
	tz_iso("UTC", oc->rid, rid, sizeof rid);
	if (seen(ls, oc->start, ls->ev->uid, rid))
		return 0;
	occ.rrule = ls->ev->rrule;
	o = cmd_event_json(ls->ctx, &occ);
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
		if (!seen(ls, ev->start, ev->uid, ""))
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

/* "limit" (0 when absent) and "cursor": 0, or -1 with the error set. */
static int
page_args(struct cmd_ctx *ctx, json_int_t *limit, struct cursor *after,
    int *has_cursor)
{
	json_t		*v = json_object_get(ctx->req, "limit");
	const char	*s;

	*limit = 0;
	*has_cursor = 0;
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > LIST_LIMIT_MAX) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"limit\" must be "
			    "a whole number from 1 to %d", LIST_LIMIT_MAX);
			return -1;
		}
		*limit = json_integer_value(v);
	}
	if (cmd_arg_str(ctx, "cursor", 0, &s) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (cursor_decode(s, after) != 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"cursor\" is not one "
		    "this list returned as \"next_cursor\"; start again "
		    "without it");
		return -1;
	}
	*has_cursor = 1;
	return 0;
}

/* Cut the sorted events to the first limit; the cursor after them or NULL. */
static char *
page_cut(json_t *events, json_int_t limit)
{
	json_t	*last;

	if (limit == 0 || json_array_size(events) <= (size_t)limit)
		return NULL;
	while (json_array_size(events) > (size_t)limit)
		json_array_remove(events, json_array_size(events) - 1);
	last = json_array_get(events, limit - 1);
	return cursor_encode(json_integer_value(json_object_get(last,
	    "start_utc")), json_string_value(json_object_get(last, "uid")),
	    json_string_value(json_object_get(last, "recurrence_id")));
}

/* The reply: the page, and where the next one starts when there is one. */
static json_t *
list_reply(struct list_state *ls, json_int_t limit)
{
	json_t	*res;
	char	*next;

	ls->events = cmd_events_sorted(ls->events);
	next = page_cut(ls->events, limit);
	res = json_pack("{s:o, s:I, s:b, s:I}", "events", ls->events,
	    "count", (json_int_t)json_array_size(ls->events), "truncated",
	    ls->truncated, "limit", (json_int_t)ls->max);
	if (next != NULL)
		json_object_set_new(res, "next_cursor", json_string(next));
	free(next);
	return res;
}

static json_t *
cmd_list_exec(struct cmd_ctx *ctx)
{
	struct list_state	 ls;
	struct store_query	 q;
	struct cursor		 after;
	json_t			*res;
	json_int_t		 limit;
	char			*why = NULL;
	int			 rc, paged;

	memset(&ls, 0, sizeof ls);
	memset(&q, 0, sizeof q);
	ls.ctx = ctx;
	if (page_args(ctx, &limit, &after, &paged) != 0)
		return NULL;
	if (cmd_arg_time(ctx, "from", INT64_MIN, &q.from) ||
	    cmd_arg_time(ctx, "to", INT64_MAX, &q.to) ||
	    cmd_arg_str(ctx, "kind", 0, &q.kind) ||
	    cmd_arg_str(ctx, "status", 0, &q.status) ||
	    cmd_arg_str(ctx, "participant", 0, &q.participant) ||
	    cmd_arg_str(ctx, "search", 0, &q.search) ||
	    cmd_arg_bool(ctx, "include_cancelled", &q.include_cancelled))
		goto fail;
	q.override_people = 1;
	if (json_object_get(ctx->req, "parent") != NULL) {
		if (cmd_arg_uid(ctx, "parent", &why) != 0)
			goto fail;
		q.parent = why;
	}
	if (q.kind && !event_kind_valid(q.kind)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown kind \"%s\"", q.kind);
		goto fail;
	}
	if (q.status && !event_status_valid(q.status)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown status \"%s\" (one "
		    "of: tentative, confirmed, cancelled)", q.status);
		goto fail;
	}
	if (q.from >= q.to) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"from\" must be before "
		    "\"to\"");
		goto fail;
	}
	ls.events = json_array();
	ls.q = &q;
	ls.from = q.from;
	ls.to = q.to;
	ls.max = ctx->cfg->max_occurrences;
	ls.include_cancelled = q.include_cancelled;
	ls.after = paged ? &after : NULL;
	ls.series = series_new(ctx->store, ctx->cfg->home_tz);
	rc = store_query(ctx->store, &q, add_row, &ls, &ls.why);
	series_free(ls.series);
	if (rc != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", ls.why ? ls.why : "query failed");
		json_decref(ls.events);
		free(ls.why);
		goto fail;
	}
	free(ls.why);
	res = list_reply(&ls, limit);
	free(why);
	if (paged)
		cursor_clear(&after);
	return res;
fail:
	free(why);
	if (paged)
		cursor_clear(&after);
	return NULL;
}

const struct cmd_entry cmd_list_entry = {
	"list", "from to kind status participant parent search "
	"include_cancelled limit cursor", CMD_OFFLOOP, cmd_list_exec
};
