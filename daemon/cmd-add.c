/* cmd-add.c — "add": create an event; the reply carries it with its UID. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"
#include "write.h"
#include "xmalloc.h"

/* A caller-chosen UID: printable, no spaces, at most 255 octets. */
static int
uid_ok(const char *u)
{
	size_t	n = strlen(u);

	if (n == 0 || n > 255)
		return 0;
	for (; *u; u++)
		if ((unsigned char)*u <= ' ' || *u == 0x7f)
			return 0;
	return 1;
}

static json_t *
cmd_add_exec(struct cmd_ctx *ctx)
{
	struct event_change	 ch;
	const char		*want;
	char			*uid, *old = NULL;
	json_t			*res = NULL;

	event_change_init(&ch);
	if (cmd_arg_str(ctx, "uid", 0, &want) != 0 ||
	    cmd_arg_change(ctx, &ch) != 0)
		goto out;
	if (ch.summary == NULL || *ch.summary == '\0') {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, ch.summary == NULL ?
		    "missing argument \"summary\"" : "\"summary\" is empty: "
		    "an event needs a title");
		goto out;
	}
	if (ch.start.kind == WHEN_NONE && (ch.anchor == NULL ||
	    *ch.anchor == '\0')) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "missing argument \"start\"");
		goto out;
	}
	if (want != NULL && !uid_ok(want)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"uid\" must be 1 to 255 "
		    "printable characters without spaces");
		goto out;
	}
	if (want != NULL && store_get(ctx->srv->store, want, &old, NULL) == 0) {
		free(old);
		cmd_error(ctx, KCAL_E_EXISTS, "an event with UID %s exists", want);
		goto out;
	}
	if ((uid = want ? xstrdup(want) : event_new_uid()) == NULL) {
		cmd_error(ctx, KCAL_E_STORE, "cannot make a UID: no randomness "
		    "from the kernel");
		goto out;
	}
	if (ch.kind == NULL)
		ch.kind = "other";
	/* Written out, so that a later "confirm" is a real change. */
	if (ch.status == NULL)
		ch.status = "confirmed";
	if (ch.class == NULL)
		ch.class = "public";
	res = cmd_write_event(ctx, NULL, uid, &ch);
	free(uid);
out:
	event_change_clear(&ch);
	return res;
}

const struct cmd_entry cmd_add_entry = {
	"add", "uid summary start end duration tz end_tz all_day kind location "
	"description url participants parent status class remind remind_at rrule "
	"city end_city anchor anchor_offset strict",
	CMD_WRITE | CMD_GROUP, cmd_add_exec
};
