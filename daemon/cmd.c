/*
 * cmd.c — the command table, dispatch, and what every command shares:
 * argument validation (a bad request only ever produces an error reply),
 * an event's JSON, and the one order events are shown in.  The write path
 * (the fields of a change, the transaction, anchors, the conflict check)
 * is write.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "import-run.h"
#include "kcal-protocol.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "tz.h"
#include "xmalloc.h"

static const struct cmd_entry *cmd_table[] = {
	&cmd_hello_entry, &cmd_add_entry, &cmd_get_entry, &cmd_list_entry,
	&cmd_update_entry, &cmd_cancel_entry, &cmd_delete_entry,
	&cmd_status_entry,
	&cmd_watch_entry, &cmd_reminders_entry, &cmd_snooze_entry,
	&cmd_ack_entry,	/* reminders */
	&cmd_itinerary_entry, &cmd_people_entry,	/* itineraries */
	&cmd_conflicts_entry,
	&cmd_import_entry, &cmd_export_entry,	/* import/export and feeds */
	&cmd_import_begin_entry, &cmd_import_chunk_entry,
	&cmd_import_end_entry,
	&cmd_feed_add_entry, &cmd_feed_list_entry, &cmd_feed_rotate_entry,
	&cmd_feed_delete_entry,
	NULL
};

/* A UID prefix must be at least this long, unless it is a whole UID. */
#define MIN_PREFIX	6

const struct cmd_entry *
cmd_find(const char *name)
{
	for (const struct cmd_entry **e = cmd_table; *e != NULL; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
}

void
cmd_error(struct cmd_ctx *ctx, const char *code, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ctx->error != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	ctx->error = proto_err(proto_request_id(ctx->req), code, "%s",
	    msg ? msg : "out of memory");
	free(msg);
}

/*
 * Is key one of the space-separated words of args?  Word by word: a key
 * that is empty or holds a space must match no word (a substring search
 * accepted both, and read past the end of args for an empty key).
 */
static int
arg_known(const char *args, const char *key)
{
	size_t	n = strlen(key), w;

	while (*args != '\0') {
		w = strcspn(args, " ");
		if (w == n && n > 0 && strncmp(args, key, n) == 0)
			return 1;
		args += w;
		args += strspn(args, " ");
	}
	return 0;
}

/* Refuse arguments the command does not take (a typo must not be ignored). */
static int
check_args(struct cmd_ctx *ctx, const struct cmd_entry *ce)
{
	const char	*key;
	json_t		*v;

	json_object_foreach(ctx->req, key, v) {
		if (strcmp(key, "id") == 0 || strcmp(key, "cmd") == 0)
			continue;
		if (!arg_known(ce->args, key)) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "%s does not take "
			    "an argument \"%s\"", ce->name, key);
			return -1;
		}
	}
	return 0;
}

/*
 * Run one parsed request from a socket peer (c), or from kcald itself (c
 * NULL: everything allowed); return the reply (ok or error), or NULL
 * when the command sends it later itself.
 */
json_t *
cmd_dispatch(struct server *srv, struct client *c, json_t *req)
{
	struct access_who	 who = { ACCESS_WRITE,
				    ACCESS_CLASS_CONFIDENTIAL, "kcald" };
	json_t			*reply;

	if (c == NULL)
		return cmd_dispatch_who(srv, c, &who, req);
	server_client_who(c, &who);
	reply = cmd_dispatch_who(srv, c, &who, req);
	if (reply != NULL && json_is_false(json_object_get(reply, "ok")))
		import_refused(c, json_string_value(json_object_get(req,
		    "cmd")));	/* a piece refused: all or nothing */
	return reply;
}

/*
 * Run ce for ctx as who: the one place the clearance is applied to what a
 * request reads (the pushes to watchers have theirs in server.c): for the
 * length of the request, the store hands out only what that clearance may
 * see (store-access.c).  NULL only when the reply comes later.
 */
static json_t *
run(struct cmd_ctx *ctx, const struct cmd_entry *ce)
{
	json_t			*result;
	enum access_class	 clearance;

	if (check_args(ctx, ce) != 0)
		return ctx->error;
	clearance = store_set_clearance(ctx->store, ctx->who.clearance);
	recur_budget_begin();	/* what its expansions may cost (recur.c) */
	result = ce->exec(ctx);
	store_set_clearance(ctx->store, clearance);
	if (result == NULL && ctx->later)
		return NULL;
	if (result == NULL) {
		if (ctx->error == NULL)
			cmd_error(ctx, KCAL_E_INTERNAL, "%s failed", ce->name);
		return ctx->error;
	}
	json_decref(ctx->error);
	if ((ce->flags & CMD_WRITE) && !ctx->unchanged)
		server_changed(ctx->srv);
	return proto_ok(proto_request_id(ctx->req), result);
}

/*
 * Run one request as who: a socket peer's role, or a CalDAV account's
 * (dav.c, with c NULL).  The one place the role is checked for a write;
 * what a write may change is checked against the same pair
 * (access_may_write).
 */
json_t *
cmd_dispatch_who(struct server *srv, struct client *c,
    const struct access_who *who, json_t *req)
{
	struct cmd_ctx		 ctx = { .srv = srv, .client = c,
				    .store = srv->store, .cfg = srv->cfg,
				    .now = server_now(srv), .who = *who,
				    .req = req };
	const char		*name = json_string_value(json_object_get(req, "cmd"));
	const struct cmd_entry	*ce = cmd_find(name);

	if (ce == NULL)
		return proto_err(proto_request_id(req), KCAL_E_UNKNOWN_COMMAND,
		    "unknown command \"%s\"", name);
	if ((ce->flags & CMD_WRITE) && who->level != ACCESS_WRITE)
		return proto_err(proto_request_id(req), KCAL_E_FORBIDDEN,
		    "%s changes the calendar and %s may only read "
		    "(kcald.conf: readwrite_users, readwrite_groups)", name,
		    who->name);
	if ((ce->flags & CMD_WRITE) && store_readonly(srv->store))
		return proto_err(proto_request_id(req), KCAL_E_STORE,
		    "the store is read-only (%s); %s is refused until kcald "
		    "is restarted with a writable store",
		    store_readonly_reason(srv->store), name);
	if ((ce->flags & CMD_WRITE) && import_busy(srv))
		/* A socket peer's write waits (server-client.c); others not. */
		return proto_err(proto_request_id(req), KCAL_E_BUSY,
		    "an import is being written; %s is refused until it ends",
		    name);
	return run(&ctx, ce);
}

/*
 * Is req a read that may run on a worker thread (cmd_dispatch_read)?  0 if
 * not, else its command's flags (CMD_SHORT among them).
 */
int
cmd_offloop(const json_t *req)
{
	const struct cmd_entry	*ce;

	ce = cmd_find(json_string_value(json_object_get(req, "cmd")));
	return ce != NULL && (ce->flags & CMD_OFFLOOP) ? ce->flags : 0;
}

/*
 * On a worker thread: run a CMD_OFFLOOP request (cmd_offloop) as who,
 * through st, with cfg and now as they were when it was asked.  It
 * touches nothing of the server's.
 */
json_t *
cmd_dispatch_read(struct store *st, const struct config *cfg, int64_t now,
    const struct access_who *who, json_t *req)
{
	struct cmd_ctx		 ctx = { .store = st, .cfg = cfg, .now = now,
				    .who = *who, .req = req };
	const struct cmd_entry	*ce;

	ce = cmd_find(json_string_value(json_object_get(req, "cmd")));
	return run(&ctx, ce);
}

/* A string argument; *out is NULL when absent and not required. */
int
cmd_arg_str(struct cmd_ctx *ctx, const char *key, int required,
    const char **out)
{
	json_t	*v = json_object_get(ctx->req, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "missing argument \"%s\"",
		    key);
		return -1;
	}
	if (!json_is_string(v)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\" must be a string",
		    key);
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\" contains a NUL "
		    "character", key);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* A boolean argument; *out keeps its value when absent. */
int
cmd_arg_bool(struct cmd_ctx *ctx, const char *key, int *out)
{
	json_t	*v = json_object_get(ctx->req, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\" must be true or "
		    "false", key);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/* A date/time argument in wire form (when.h); kind NONE when absent. */
int
cmd_arg_when(struct cmd_ctx *ctx, const char *key, struct when *w)
{
	const char	*s;

	memset(w, 0, sizeof *w);
	if (cmd_arg_str(ctx, key, 0, &s) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (when_parse_abs(s, w) != 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\": cannot read \"%s\" "
		    "as a date or time (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], "
		    "or YYYY-MM-DDTHH:MM:SSZ)", key, s);
		return -1;
	}
	return 0;
}

/* A window bound: a WHEN read in the home zone; dflt when absent. */
int
cmd_arg_time(struct cmd_ctx *ctx, const char *key, int64_t dflt, int64_t *out)
{
	struct when	 w;
	char		*why = NULL;

	if (cmd_arg_when(ctx, key, &w) != 0)
		return -1;
	if (w.kind == WHEN_NONE) {
		*out = dflt;
		return 0;
	}
	if (tz_to_utc(ctx->cfg->home_tz, &w, 0, out, &why) != 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\": %s", key, why);
		free(why);
		return -1;
	}
	return 0;
}

/* An event named by its UID or a unique prefix of it; *uid is allocated. */
int
cmd_arg_uid(struct cmd_ctx *ctx, const char *key, char **uid)
{
	const char	*p;
	char		*why = NULL;
	int		 rc;

	if (cmd_arg_str(ctx, key, 1, &p) != 0)
		return -1;
	rc = store_resolve(ctx->store, p, uid, &why);
	if (rc == 0 && strlen(p) < MIN_PREFIX && strcmp(*uid, p) != 0) {
		free(*uid);
		*uid = NULL;	/* the caller may free it again */
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\" is too short: give "
		    "at least %d characters of the UID", p, MIN_PREFIX);
		return -1;
	}
	if (rc == STORE_NOT_FOUND)
		cmd_error(ctx, KCAL_E_NOT_FOUND, "no event %s", p);
	else if (rc == STORE_AMBIGUOUS)
		cmd_error(ctx, KCAL_E_AMBIGUOUS, "\"%s\" matches more than one "
		    "event; give more of the UID", p);
	else if (rc != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	free(why);
	return rc == 0 ? 0 : -1;
}

json_t *
cmd_event_json(struct cmd_ctx *ctx, const struct event *ev)
{
	return event_to_json(ev, ctx->cfg->home_tz);
}

static const char *
str_of(const json_t *o, const char *key)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/*
 * The order in which list, itinerary and people show events: by start,
 * then by UID, then (two occurrences of one series at one time: an
 * override moved onto another occurrence) by RECURRENCE-ID, so that the
 * answer does not depend on the order the store and the expansion found
 * them in.
 */
int
cmd_event_cmp(const json_t *x, const json_t *y)
{
	json_int_t	 sx = json_integer_value(json_object_get(x, "start_utc"));
	json_int_t	 sy = json_integer_value(json_object_get(y, "start_utc"));
	int		 c;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	if ((c = strcmp(str_of(x, "uid"), str_of(y, "uid"))) != 0)
		return c;
	return strcmp(str_of(x, "recurrence_id"), str_of(y, "recurrence_id"));
}

static int
by_event(const void *a, const void *b)
{
	return cmd_event_cmp(*(json_t *const *)a, *(json_t *const *)b);
}

/* The events of a (which it consumes) in cmd_event_cmp order. */
json_t *
cmd_events_sorted(json_t *a)
{
	size_t	 n = json_array_size(a), i;
	json_t	**v = xcalloc(n + 1, sizeof *v), *out = json_array();

	for (i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	qsort(v, n, sizeof *v, by_event);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(a);
	return out;
}
