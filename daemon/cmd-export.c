/*
 * cmd-export.c — "export": the events that list's filters select, as one
 * VCALENDAR with a VTIMEZONE for every zone they use.  Recurring events go
 * out whole (rule, exceptions and overrides), not as occurrences; a window
 * selects the series that have an occurrence inside it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "feed.h"
#include "ical-export.h"
#include "kcal-protocol.h"
#include "server.h"

static int
export_args(struct cmd_ctx *ctx, struct feed_sel *sel, char **parent)
{
	struct store_query	*q = &sel->q;

	memset(sel, 0, sizeof *sel);
	sel->classes = FEED_PUBLIC | FEED_PRIVATE | FEED_CONFIDENTIAL;
	sel->tombstones_since = INT64_MIN;
	if (cmd_arg_time(ctx, "from", INT64_MIN, &q->from) ||
	    cmd_arg_time(ctx, "to", INT64_MAX, &q->to) ||
	    cmd_arg_str(ctx, "kind", 0, &q->kind) ||
	    cmd_arg_str(ctx, "status", 0, &q->status) ||
	    cmd_arg_str(ctx, "participant", 0, &q->participant) ||
	    cmd_arg_str(ctx, "search", 0, &q->search) ||
	    cmd_arg_bool(ctx, "include_cancelled", &q->include_cancelled))
		return -1;
	/* as list, which shows a cancelled occurrence with cancelled ones */
	sel->cancelled_occurs = q->include_cancelled;
	if (json_object_get(ctx->req, "parent") != NULL) {
		if (cmd_arg_uid(ctx, "parent", parent) != 0)
			return -1;
		q->parent = *parent;
	}
	if (q->kind != NULL && !event_kind_valid(q->kind)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown kind \"%s\"", q->kind);
		return -1;
	}
	if (q->from >= q->to) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"from\" must be before "
		    "\"to\"");
		return -1;
	}
	return 0;
}

static json_t *
cmd_export_exec(struct cmd_ctx *ctx)
{
	struct ical_out_opts	 o;
	struct ical_out		*out;
	struct feed_sel		 sel;
	char			*parent = NULL, *why = NULL, *text;
	size_t			 n;
	json_t			*res = NULL;

	if (export_args(ctx, &sel, &parent) != 0)
		goto done;
	memset(&o, 0, sizeof o);
	o.home = ctx->cfg->home_tz;
	out = ical_out_new(&o);
	if (feed_select_in(ctx->store, ctx->cfg->home_tz, &sel, out,
	    &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		ical_out_free(out);
		goto done;
	}
	n = ical_out_count(out);
	text = ical_out_finish(out, NULL);
	res = json_pack("{s:s, s:I}", "ical", text, "count", (json_int_t)n);
	free(text);
done:
	free(why);
	free(parent);
	return res;
}

const struct cmd_entry cmd_export_entry = {
	"export", "from to kind status participant parent search "
	"include_cancelled", CMD_OFFLOOP, cmd_export_exec
};
