/*
 * cmd-snooze.c — "snooze": deliver an event's current reminder (the one
 * that last went off, or was missed) again after a while.  The snooze is
 * kept in the store, so it survives a restart, and fires like any other
 * reminder (marked "snoozed").
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

#define SNOOZE_MAX	(366LL * 86400)

static json_t *
cmd_snooze_exec(struct cmd_ctx *ctx)
{
	struct server		*srv = ctx->srv;
	json_t			*d = json_object_get(ctx->req, "duration");
	json_t			*res = NULL;
	struct remind_row	 row;
	char			*uid = NULL, *why = NULL, iso[64];
	int64_t			 now = (int64_t)time(NULL);
	int			 rc;

	if (d == NULL || !json_is_integer(d) || json_integer_value(d) <= 0 ||
	    json_integer_value(d) > SNOOZE_MAX) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"duration\" must be 1 to "
		    "%lld seconds", (long long)SNOOZE_MAX);
		return NULL;
	}
	if (cmd_arg_uid(ctx, "uid", &uid) != 0)
		return NULL;
	memset(&row, 0, sizeof row);
	rc = remind_record_held(srv->remind, uid, &why);
	if (rc == 0)
		rc = store_remind_current(srv->store, uid, &row, &why);
	if (rc == STORE_NOT_FOUND)
		cmd_error(ctx, KCAL_E_NOT_FOUND, "no reminder of %s has gone "
		    "off (or all are acknowledged)", uid);
	if (rc != 0)
		goto out;
	row.mark.state = REMIND_SNOOZED;
	row.mark.until = now + json_integer_value(d);
	if (store_remind_mark(srv->store, uid, &row.mark, 0, row.late, 0, now,
	    &why) != 0 || remind_replan(srv->remind, uid, &why) != 0)
		goto out;
	tz_iso(srv->cfg->home_tz, row.mark.until, iso, sizeof iso);
	res = json_pack("{s:s, s:I, s:I, s:s, s:I}", "uid", uid,
	    "occurrence_utc", (json_int_t)row.mark.occ,
	    "due_utc", (json_int_t)row.mark.due, "until", iso,
	    "until_utc", (json_int_t)row.mark.until);
out:
	if (rc != STORE_NOT_FOUND && res == NULL)
		cmd_error(ctx, KCAL_E_STORE, "%s", why ? why : "cannot snooze");
	free(row.uid);
	free(why);
	free(uid);
	return res;
}

const struct cmd_entry cmd_snooze_entry = {
	"snooze", "uid duration", CMD_WRITE, cmd_snooze_exec
};
