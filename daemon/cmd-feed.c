/*
 * cmd-feed.c — the feed commands: "feed_add" defines a feed reachable only
 * through a new unguessable token URL, "feed_list" shows every feed with
 * its URLs (the built-in "all" first), "feed_rotate" gives a feed a new
 * token (the old URL answers 404 at once) and "feed_delete" removes it.
 * Each changes the store, so the feed cache (feed-body.c) reads the list again.
 *
 * A feed added with "briefing" (a visit) carries the visit's programme
 * (its parent filter) and its token also opens the visit's briefing page
 * (briefing.c), redacted as the feed is: one token, one audience, one
 * revocation for both.
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "feed.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"
#include "store-feed.h"
#include "xmalloc.h"

#define MAX_SPAN	(100LL * 365 * 86400)

static int
arg_span(struct cmd_ctx *ctx, const char *key, int64_t *out)
{
	json_t	*v = json_object_get(ctx->req, key);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MAX_SPAN) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\" must be a number of "
		    "seconds from 0 to 100 years", key);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static int
arg_include(struct cmd_ctx *ctx, int *classes)
{
	json_t	*a = json_object_get(ctx->req, "include"), *v;
	size_t	 i;

	*classes = FEED_PUBLIC;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"include\" must be an "
		    "array of \"private\" and \"confidential\"");
		return -1;
	}
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);

		if (s != NULL && strcmp(s, "private") == 0)
			*classes |= FEED_PRIVATE;
		else if (s != NULL && strcmp(s, "confidential") == 0)
			*classes |= FEED_CONFIDENTIAL;
		else if (s == NULL || strcmp(s, "public") != 0) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"include\": "
			    "\"%s\" is not private or confidential",
			    s ? s : "(not a string)");
			return -1;
		}
	}
	return 0;
}

static int
arg_filters(struct cmd_ctx *ctx, struct feed_def *f)
{
	const char	*kind, *status, *part, *search;

	if (cmd_arg_str(ctx, "kind", 0, &kind) ||
	    cmd_arg_str(ctx, "status", 0, &status) ||
	    cmd_arg_str(ctx, "participant", 0, &part) ||
	    cmd_arg_str(ctx, "search", 0, &search))
		return -1;
	if (kind != NULL && !event_kind_valid(kind)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown kind \"%s\"", kind);
		return -1;
	}
	if (status != NULL && !event_status_valid(status)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown status \"%s\" (one "
		    "of: tentative, confirmed, cancelled)", status);
		return -1;
	}
	if (json_object_get(ctx->req, "parent") != NULL &&
	    cmd_arg_uid(ctx, "parent", &f->parent) != 0)
		return -1;
	f->kind = kind ? xstrdup(kind) : NULL;
	f->status = status ? xstrdup(status) : NULL;
	f->participant = part ? xstrdup(part) : NULL;
	f->search = search ? xstrdup(search) : NULL;
	return 0;
}

/* "briefing": the visit, which is then the feed's parent filter too. */
static int
arg_briefing(struct cmd_ctx *ctx, struct feed_def *f)
{
	if (json_object_get(ctx->req, "briefing") == NULL ||
	    json_is_null(json_object_get(ctx->req, "briefing")))
		return 0;
	if (cmd_arg_uid(ctx, "briefing", &f->briefing) != 0)
		return -1;
	if (f->parent != NULL && strcmp(f->parent, f->briefing) != 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "a briefing feed carries "
		    "its visit's programme: give \"briefing\" or \"parent\", "
		    "not two different events");
		return -1;
	}
	if (f->parent == NULL)
		f->parent = xstrdup(f->briefing);
	return 0;
}

static int
arg_name(struct cmd_ctx *ctx, const char **name)
{
	if (cmd_arg_str(ctx, "name", 1, name) != 0)
		return -1;
	if (strcmp(*name, "all") == 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"all\" is the built-in "
		    "public feed (/feeds/all.ics); give another name");
		return -1;
	}
	if (!feed_name_valid(*name)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "a feed name is 1 to 64 "
		    "letters, digits, '.', '_' or '-', not \"%s\"", *name);
		return -1;
	}
	return 0;
}

static json_t *
cmd_feed_add_exec(struct cmd_ctx *ctx)
{
	struct feed_def	 f, old;
	const char	*name, *redact;
	char		*why = NULL;
	json_t		*res = NULL;

	memset(&f, 0, sizeof f);
	if (arg_name(ctx, &name) || arg_filters(ctx, &f) ||
	    arg_briefing(ctx, &f) || arg_include(ctx, &f.classes) ||
	    cmd_arg_str(ctx, "redact", 0, &redact) ||
	    arg_span(ctx, "past", &f.past) || arg_span(ctx, "future", &f.future) ||
	    cmd_arg_bool(ctx, "alarms", &f.alarms))
		goto out;
	if (redact != NULL && strcmp(redact, "busy") != 0 &&
	    strcmp(redact, "title") != 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"redact\" is busy or title, "
		    "not \"%s\"", redact);
		goto out;
	}
	if (store_feed_get(ctx->srv->store, name, &old, &why) == 0) {
		feed_def_clear(&old);
		cmd_error(ctx, KCAL_E_EXISTS, "a feed named %s exists (kcal feed "
		    "rotate %s gives it a new URL)", name, name);
		goto out;
	}
	f.name = xstrdup(name);
	f.redact = redact ? xstrdup(redact) : NULL;
	f.token = feed_new_token();
	f.created = server_now(ctx->srv);
	if (store_feed_add(ctx->srv->store, &f, &why) != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	else
		res = feed_to_json(ctx->srv->cfg, &f);
out:
	free(why);
	feed_def_clear(&f);
	return res;
}

/*
 * A feed's token is a password: whoever holds its URL (the feed's, or its
 * briefing page's, which is the same token) reads the feed without asking
 * anyone, confidential events and all.  Only a peer that may write (and
 * so could make such a feed itself) is shown it; a read-only peer sees
 * what each feed carries, not how to reach it, nor its filters, which may
 * name a hidden visit's UID or a confidential search (kcald.conf(5),
 * POLICY).
 */
static json_t *
withheld(struct cmd_ctx *ctx, json_t *f)
{
	if (ctx->client == NULL ||
	    server_client_access(ctx->client) == ACCESS_WRITE)
		return f;
	json_object_set_new(f, "url", json_null());
	json_object_set_new(f, "webcal", json_null());
	json_object_set_new(f, "filter", json_null());
	json_object_set_new(f, "filters", json_null());
	if (json_object_get(f, "briefing") != NULL) {
		json_object_set_new(f, "briefing", json_null());
		json_object_set_new(f, "briefing_url", json_null());
	}
	json_object_set_new(f, "withheld", json_true());
	return f;
}

static json_t *
cmd_feed_list_exec(struct cmd_ctx *ctx)
{
	struct feed_def	*defs;
	size_t		 n;
	char		*why = NULL;
	json_t		*a, *res;

	if (store_feed_list(ctx->srv->store, &defs, &n, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		return NULL;
	}
	a = json_array();
	json_array_append_new(a, feed_to_json(ctx->srv->cfg, NULL));
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, withheld(ctx,
		    feed_to_json(ctx->srv->cfg, &defs[i])));
		feed_def_clear(&defs[i]);
	}
	free(defs);
	res = json_pack("{s:o, s:b}", "feeds", a, "http",
	    ctx->srv->http != NULL);
	if (ctx->srv->http == NULL)
		json_object_set_new(res, "warning", json_string("kcald serves "
		    "no HTTP: start it with --http (or set http in kcald.conf) "
		    "for these URLs to answer"));
	return res;
}

static json_t *
cmd_feed_rotate_exec(struct cmd_ctx *ctx)
{
	struct feed_def	 f;
	const char	*name;
	char		*token, *why = NULL;
	int		 rc;
	json_t		*res = NULL;

	if (arg_name(ctx, &name) != 0)
		return NULL;
	token = feed_new_token();
	rc = store_feed_token(ctx->srv->store, name, token, &why);
	free(token);
	if (rc == 0)
		rc = store_feed_get(ctx->srv->store, name, &f, &why);
	if (rc == STORE_NOT_FOUND)
		cmd_error(ctx, KCAL_E_NOT_FOUND, "no feed %s", name);
	else if (rc != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	else {
		res = feed_to_json(ctx->srv->cfg, &f);
		feed_def_clear(&f);
	}
	free(why);
	return res;
}

static json_t *
cmd_feed_delete_exec(struct cmd_ctx *ctx)
{
	const char	*name;
	char		*why = NULL;
	int		 rc;

	if (arg_name(ctx, &name) != 0)
		return NULL;
	rc = store_feed_delete(ctx->srv->store, name, &why);
	if (rc == STORE_NOT_FOUND)
		cmd_error(ctx, KCAL_E_NOT_FOUND, "no feed %s", name);
	else if (rc != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	free(why);
	return rc == 0 ? json_pack("{s:s}", "name", name) : NULL;
}

const struct cmd_entry cmd_feed_add_entry = {
	"feed_add", "name kind status participant parent search include "
	"redact past future alarms briefing", CMD_WRITE, cmd_feed_add_exec
};
const struct cmd_entry cmd_feed_list_entry = {
	"feed_list", "", 0, cmd_feed_list_exec
};
const struct cmd_entry cmd_feed_rotate_entry = {
	"feed_rotate", "name", CMD_WRITE, cmd_feed_rotate_exec
};
const struct cmd_entry cmd_feed_delete_entry = {
	"feed_delete", "name", CMD_WRITE, cmd_feed_delete_exec
};
