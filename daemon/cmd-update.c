/* cmd-update.c — "update": change only the fields given; bumps SEQUENCE. */
#include <stdlib.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "write.h"

static json_t *
cmd_update_exec(struct cmd_ctx *ctx)
{
	struct event_change	 ch;
	char			*uid = NULL;
	json_t			*res = NULL;

	event_change_init(&ch);
	if (cmd_arg_uid(ctx, "uid", &uid) != 0 || cmd_arg_change(ctx, &ch) != 0)
		goto out;
	if (json_object_size(ctx->req) <= 2 + (json_object_get(ctx->req,
	    "id") != NULL)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "nothing to change");
		goto out;
	}
	if (ch.summary != NULL && *ch.summary == '\0') {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "the summary cannot be empty");
		goto out;
	}
	res = cmd_write_event(ctx, uid, NULL, &ch);
out:
	free(uid);
	event_change_clear(&ch);
	return res;
}

const struct cmd_entry cmd_update_entry = {
	"update", "uid summary start end duration tz end_tz all_day kind "
	"location description url participants parent status class remind remind_at "
	"rrule "
	"city end_city anchor anchor_offset strict",
	CMD_WRITE | CMD_GROUP, cmd_update_exec
};
