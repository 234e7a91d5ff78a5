/*
 * cmd-reminders.c — "reminders": the reminders that will go off in a
 * window (default: the next 7 days), or with "missed": true those recorded
 * as missed (they fell due while kcald was down, beyond remind_grace).
 *
 * Upcoming reminders come from the events whose next_alarm falls before
 * the end of the window — an index range, not a scan — each planned for
 * the window; the list is sorted by the time each goes off.
 */
#include <limits.h>
#include <stdlib.h>
#include <time.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "remind.h"
#include "server.h"
#include "store.h"
#include "store-remind.h"

#define LIST_MAX	1000
#define EVENTS_MAX	100000

struct list {
	struct cmd_ctx	*ctx;
	json_t		*out;
	size_t		 limit;
	int		 truncated;
};

static int
add(struct list *l, json_t *o, const char *state)
{
	struct server	*srv = l->ctx->srv;

	/* A missed one names its occurrence: maybe one the peer may not see. */
	if (!server_may_see(srv, o, store_clearance(srv->store))) {
		json_decref(o);
		return 0;
	}
	json_object_del(o, "event");
	json_object_del(o, "seq");
	json_object_set_new(o, "state", json_string(state));
	if (json_array_size(l->out) >= l->limit) {
		l->truncated = 1;
		json_decref(o);
		return -1;
	}
	json_array_append_new(l->out, o);
	return 0;
}

/* The pending reminders of one event that go off in [from, to). */
static int
upcoming_event(struct list *l, const char *uid, int64_t from, int64_t to,
    char **why)
{
	struct remind		*rm = l->ctx->srv->remind;
	struct remind_plan	 p;
	struct remind_due	*v = NULL;
	size_t			 n = 0;
	int			 rc;

	if ((rc = remind_plan_load(rm, uid, &p, why)) != 0)
		return rc > 0 ? 0 : -1;
	rc = -1;
	if (remind_plan_marks(rm, &p, from, why) == 0 &&
	    remind_collect(&p.in, from, to - 1, &v, &n, why) == 0) {
		rc = 0;
		for (size_t i = 0; i < n; i++) {
			json_t *o = remind_describe(rm, &p, &v[i], 0, 0);

			json_object_del(o, "late");	/* "at" is its own */
			json_object_del(o, "late_by");
			if (add(l, o, v[i].snoozed ? "snoozed" : "pending") != 0)
				break;
		}
	}
	free(v);
	remind_plan_clear(&p);
	return rc;
}

static int
cmp_at(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
	    "at_utc"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
	    "at_utc"));

	return x < y ? -1 : x > y;
}

static void
sort_by_at(json_t *a)
{
	size_t	  n = json_array_size(a);
	json_t	**v = calloc(n ? n : 1, sizeof *v);

	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof *v, cmp_at);
	json_array_clear(a);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
}

static int
upcoming(struct list *l, int64_t from, int64_t to, char **why)
{
	char	**uids;
	size_t	  n;
	int	  rc = 0;

	if (store_remind_upcoming(l->ctx->srv->store, to, EVENTS_MAX, &uids,
	    &n, why) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0 && !l->truncated; i++)
		rc = upcoming_event(l, uids[i], from, to, why);
	store_remind_uids_free(uids, n);
	sort_by_at(l->out);
	return rc;
}

static int
missed(struct list *l, int64_t from, int64_t to, char **why)
{
	struct remind		*rm = l->ctx->srv->remind;
	struct remind_row	*rows;
	struct remind_plan	 p;
	struct remind_due	 d;
	size_t			 n;

	if (store_remind_missed(l->ctx->srv->store, from, to, l->limit + 1,
	    &rows, &n, why) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (remind_plan_load(rm, rows[i].uid, &p, why) != 0) {
			free(*why);
			*why = NULL;
			continue;
		}
		d.occ = rows[i].mark.occ;
		d.due = d.at = rows[i].mark.due;
		d.before = remind_before(&p.in, d.occ, d.due);
		d.snoozed = 0;
		if (add(l, remind_describe(rm, &p, &d, rows[i].late, 0),
		    "missed") != 0)
			i = n;
		remind_plan_clear(&p);
	}
	store_remind_rows_free(rows, n);
	return 0;
}

static json_t *
cmd_reminders_exec(struct cmd_ctx *ctx)
{
	struct list	 l = { ctx, NULL, LIST_MAX, 0 };
	json_t		*lim = json_object_get(ctx->req, "limit");
	int64_t		 now = (int64_t)time(NULL), from, to;
	int		 want_missed = 0, rc;
	char		*why = NULL;

	if (cmd_arg_bool(ctx, "missed", &want_missed) != 0 ||
	    cmd_arg_time(ctx, "from", want_missed ? INT64_MIN : now,
	    &from) != 0 ||
	    cmd_arg_time(ctx, "to", want_missed ? now + 1 : now + 7 * 86400,
	    &to) != 0)
		return NULL;
	if (lim != NULL && (!json_is_integer(lim) ||
	    json_integer_value(lim) < 1 || json_integer_value(lim) > LIST_MAX)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"limit\" must be 1 to %d",
		    LIST_MAX);
		return NULL;
	}
	if (lim != NULL)
		l.limit = (size_t)json_integer_value(lim);
	if (!want_missed && from < now)
		from = now;	/* upcoming: what has not gone off yet */
	l.out = json_array();
	rc = want_missed ? missed(&l, from, to, &why) :
	    upcoming(&l, from, to, &why);
	if (rc != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why ? why : "store error");
		free(why);
		json_decref(l.out);
		return NULL;
	}
	return json_pack("{s:o, s:b, s:I}", "reminders", l.out, "truncated",
	    l.truncated, "limit", (json_int_t)l.limit);
}

const struct cmd_entry cmd_reminders_entry = {
	"reminders", "from to missed limit", 0, cmd_reminders_exec
};
