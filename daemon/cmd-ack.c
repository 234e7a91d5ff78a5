/*
 * cmd-ack.c — "ack": dismiss an event's current reminder: the one that
 * last went off, is snoozed, or was missed.  With none of those, the next
 * pending reminder is dismissed in advance and will not go off.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "remind.h"
#include "server.h"
#include "store.h"
#include "store-remind.h"
#include "tz.h"

/* The next pending reminder of uid, as a mark; 0, 1 (none) or -1. */
static int
next_pending(struct server *srv, const char *uid, int64_t now,
    struct remind_mark *m, char **why)
{
	struct remind_plan	 p;
	struct remind_due	*v = NULL;
	size_t			 n = 0;
	int64_t			 next;
	int			 rc;

	if ((rc = remind_plan_load(srv->remind, uid, &p, why)) != 0)
		return rc;
	rc = -1;
	if (remind_plan_marks(srv->remind, &p, now, why) != 0 ||
	    remind_next(&p.in, now, &next, why) != 0)
		goto out;
	rc = 1;
	if (next != REMIND_NEVER && remind_collect(&p.in, next, next, &v, &n,
	    why) == 0 && n > 0) {
		m->occ = v[0].occ;
		m->due = v[0].due;
		rc = 0;
	}
out:
	free(v);
	remind_plan_clear(&p);
	return rc;
}

static json_t *
cmd_ack_exec(struct cmd_ctx *ctx)
{
	struct server		*srv = ctx->srv;
	struct remind_row	 row;
	const char		*was;
	char			*uid = NULL, *why = NULL, iso[64];
	int64_t			 now = (int64_t)time(NULL);
	json_t			*res = NULL;
	int			 rc;

	if (cmd_arg_uid(ctx, "uid", &uid) != 0)
		return NULL;
	memset(&row, 0, sizeof row);
	if (remind_record_held(srv->remind, uid, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		goto out;
	}
	rc = store_remind_current(srv->store, uid, &row, &why);
	was = rc == 0 ? remind_state_name(row.mark.state) : "pending";
	if (rc == STORE_NOT_FOUND)
		rc = next_pending(srv, uid, now, &row.mark, &why);
	if (rc == 1 || rc == STORE_NOT_FOUND) {
		cmd_error(ctx, KCAL_E_NOT_FOUND, "%s has no reminder to "
		    "acknowledge", uid);
		goto out;
	}
	row.mark.state = REMIND_ACKED;
	row.mark.until = 0;
	if (rc != 0 || store_remind_mark(srv->store, uid, &row.mark, 0,
	    row.late, 0, now, &why) != 0 ||
	    remind_replan(srv->remind, uid, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why ? why : "cannot "
		    "acknowledge");
		goto out;
	}
	tz_iso(srv->cfg->home_tz, row.mark.due, iso, sizeof iso);
	res = json_pack("{s:s, s:I, s:s, s:I, s:s}", "uid", uid,
	    "occurrence_utc", (json_int_t)row.mark.occ, "due", iso,
	    "due_utc", (json_int_t)row.mark.due, "was", was);
out:
	free(row.uid);
	free(why);
	free(uid);
	return res;
}

const struct cmd_entry cmd_ack_entry = {
	"ack", "uid", CMD_WRITE, cmd_ack_exec
};
