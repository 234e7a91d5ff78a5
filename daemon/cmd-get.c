/* cmd-get.c — "get": one event by UID or unique prefix, with its VEVENT. */
#include <stdlib.h>

#include "cmd.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"

static json_t *
cmd_get_exec(struct cmd_ctx *ctx)
{
	struct event	 ev;
	char		*uid = NULL, *text = NULL, *why = NULL;
	json_t		*res = NULL;

	if (cmd_arg_uid(ctx, "uid", &uid) != 0)
		return NULL;
	if (store_get(ctx->store, uid, &text, &why) != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why ? why : "event vanished");
	else if (ical_extract(text, ctx->cfg->home_tz, &ev, &why) != 0)
		cmd_error(ctx, KCAL_E_INTERNAL, "stored event %s: %s", uid, why);
	else {
		res = json_pack("{s:o, s:s}", "event", cmd_event_json(ctx, &ev),
		    "ical", text);
		event_clear(&ev);
	}
	free(why);
	free(text);
	free(uid);
	return res;
}

const struct cmd_entry cmd_get_entry = { "get", "uid",
    CMD_OFFLOOP | CMD_SHORT, cmd_get_exec };
