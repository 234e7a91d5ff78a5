/*
 * cmd-watch.c — "watch": from now on this connection is pushed every
 * reminder as it fires, as {"event": "reminder", ...} lines without an id
 * (kcal-protocol(7)).  The reply carries "seq", the number of the last
 * delivery; a watcher that reconnects (after kcald restarted) passes the
 * last number it saw as "since" and the reply's "replay" array holds the
 * deliveries it missed, so it sees each reminder exactly once.  A
 * watching connection is exempt from idle_timeout: it only listens.
 *
 * The replay comes in pages of at most REPLAY_MAX deliveries.  A page
 * that leaves some behind says "more": true, its "seq" is the last
 * delivery it read, and the connection is not a watcher yet (no push
 * comes between pages): the client asks again from that number.  The
 * reply without "more" makes it a watcher on the loop, in the same turn
 * as the reply: what is delivered later is pushed to it, and nothing in
 * between is lost or sent twice.
 *
 * "brief": true asks for each reminder in its brief form (remind_brief:
 * what a one-line notice shows, without the description and the
 * participants), pushed and replayed alike: `kcal watch` prints lines.
 */
#include <stdlib.h>

#include <event2/bufferevent.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "log.h"
#include "remind.h"
#include "server.h"
#include "store.h"

#define REPLAY_MAX	1000

/*
 * The deliveries the peer may see (remind_replay planned them under its
 * clearance, but a delivery names its occurrence, which may be one cut
 * out of its series since): as a live push would be filtered.
 */
static json_t *
visible(struct cmd_ctx *ctx, json_t *replay)
{
	json_t	*out = json_array(), *o, *b;
	size_t	 i;
	int	 cl = store_clearance(ctx->srv->store);

	json_array_foreach(replay, i, o)
		if (!server_may_see(ctx->srv, o, cl))
			continue;
		else if (ctx->client->brief) {	/* marked replayed too */
			b = remind_brief(o);
			json_object_set(b, "replay", json_object_get(o,
			    "replay"));
			json_array_append_new(out, b);
		} else
			json_array_append(out, o);
	json_decref(replay);
	return out;
}

/*
 * The reply to a page that leaves deliveries behind: the next page is
 * from next.  A connection that watched already (it asked again) stops
 * until its last page: a reminder delivered between its pages is in one of
 * them, and must not be pushed too.
 */
static json_t *
page(struct cmd_ctx *ctx, json_t *replay, int64_t next)
{
	ctx->client->watching = 0;
	log_debug("client %llu: %zu replayed, more after %lld",
	    (unsigned long long)ctx->client->id, json_array_size(replay),
	    (long long)next);
	return json_pack("{s:b, s:I, s:o, s:b}", "watching", 0,
	    "seq", (json_int_t)next, "replay", replay, "more", 1);
}

static json_t *
cmd_watch_exec(struct cmd_ctx *ctx)
{
	struct server	*srv = ctx->srv;
	json_t		*since = json_object_get(ctx->req, "since"), *replay;
	json_t		*brief = json_object_get(ctx->req, "brief");
	int64_t		 next = 0;
	char		*why = NULL;

	if (brief != NULL && !json_is_boolean(brief)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"brief\" must be true "
		    "or false");
		return NULL;
	}

	if (since != NULL && (!json_is_integer(since) ||
	    json_integer_value(since) < 0)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"since\" must be a "
		    "delivery number (0 or more)");
		return NULL;
	}
	ctx->client->brief = json_is_true(brief);
	replay = json_array();
	if (since != NULL) {
		json_decref(replay);
		replay = remind_replay(srv->remind, json_integer_value(since),
		    REPLAY_MAX, &next, &why);
		if (replay == NULL) {
			cmd_error(ctx, KCAL_E_STORE, "%s", why);
			free(why);
			return NULL;
		}
		replay = visible(ctx, replay);
	}
	if (next != 0)
		return page(ctx, replay, next);
	ctx->client->watching = 1;
	bufferevent_set_timeouts(ctx->client->bev, NULL, NULL);
	log_debug("client %llu: watching (%zu replayed)", (unsigned long long)
	    ctx->client->id, json_array_size(replay));
	return json_pack("{s:b, s:I, s:o}", "watching", 1, "seq",
	    (json_int_t)remind_seq(srv->remind), "replay", replay);
}

const struct cmd_entry cmd_watch_entry = {
	"watch", "since brief", 0, cmd_watch_exec
};
