/*
 * write.c — the write path of add, update and cancel: the event fields of
 * a request (cmd_arg_change), and cmd_write_event, which applies a change
 * in one transaction with what follows from it: the events anchored to it
 * move (where anchor.c says) and the clashes it makes are reported or,
 * with "strict", refuse it (conflict-check.h), and its next reminder is
 * planned in it (remind_plan_written); and write_detach, the
 * followers of an event deleted left where they are.  Kept apart from
 * cmd.c so that the command table and the argument helpers every command
 * uses do not depend on anchors and conflicts, which use them; and the
 * anchor's rules (anchor.c) do not write, so they do not depend on this.
 */
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "cmd.h"
#include "conflict-check.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "occur.h"
#include "remind.h"
#include "server.h"
#include "store.h"
#include "store-itinerary.h"
#include "tz.h"
#include "write.h"
#include "xmalloc.h"
/*
 * Participant i of a request: an object of a non-empty "name" string, and
 * if given a "role" and a "country" string (or null) and a "precedence"
 * from 0 (unset) to KCAL_PRECEDENCE_MAX; nothing else.  What does not fit
 * is refused, not dropped or cut down to an int.
 */
#define STR(x)	#x
#define XSTR(x)	STR(x)

/* What is wrong with a participant's field k (other than its name). */
static const char *
field_wrong(const char *k, json_t *v)
{
	if (strcmp(k, "precedence") == 0)
		return json_is_integer(v) && json_integer_value(v) >= 0 &&
		    json_integer_value(v) <= KCAL_PRECEDENCE_MAX ? NULL :
		    "must be an integer from 0 to " XSTR(KCAL_PRECEDENCE_MAX);
	if (strcmp(k, "role") == 0 || strcmp(k, "country") == 0)
		return json_is_string(v) || json_is_null(v) ? NULL :
		    "must be a string";
	return "is not a participant's field (name, role, country, "
	    "precedence)";
}

static int
participant_ok(struct cmd_ctx *ctx, json_t *p, size_t i)
{
	json_t		*v;
	const char	*k, *wrong;

	if (!json_is_object(p) || !json_is_string(v = json_object_get(p,
	    "name")) || json_string_length(v) == 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "participant %zu needs a "
		    "\"name\" string", i + 1);
		return -1;
	}
	json_object_foreach(p, k, v) {
		if (strcmp(k, "name") != 0 && (wrong = field_wrong(k, v)) !=
		    NULL) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "participant %zu: "
			    "\"%s\" %s", i + 1, k, wrong);
			return -1;
		}
	}
	return 0;
}

static int
arg_participants(struct cmd_ctx *ctx, struct event_change *ch)
{
	json_t		*a = json_object_get(ctx->req, "participants"), *p;
	size_t		 i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"participants\" must be "
		    "an array of {name, role, country, precedence}");
		return -1;
	}
	if (json_array_size(a) > ctx->srv->cfg->max_participants) {
		cmd_error(ctx, KCAL_E_LIMIT, "%zu participants, more than one "
		    "event may have (%zu; kcald.conf max_participants)",
		    json_array_size(a), ctx->srv->cfg->max_participants);
		return -1;
	}
	ch->set_parts = 1;
	ch->parts = xcalloc(json_array_size(a), sizeof *ch->parts);
	json_array_foreach(a, i, p) {
		struct participant	*pt = &ch->parts[ch->nparts++];

		if (participant_ok(ctx, p, i) != 0)
			return -1;
		pt->name = (char *)json_string_value(json_object_get(p,
		    "name"));
		pt->role = (char *)json_string_value(json_object_get(p, "role"));
		pt->country = (char *)json_string_value(json_object_get(p,
		    "country"));
		pt->precedence = (int)json_integer_value(json_object_get(p,
		    "precedence"));
	}
	return 0;
}

static int
arg_reminders(struct cmd_ctx *ctx, struct event_change *ch)
{
	json_t	*a = json_object_get(ctx->req, "remind"), *v;
	size_t	 i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > KCAL_REMIND_MAX) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"remind\" must be an array "
		    "of at most " XSTR(KCAL_REMIND_MAX) " offsets, in seconds "
		    "before the start");
		return -1;
	}
	ch->set_remind = 1;
	ch->remind = xcalloc(json_array_size(a), sizeof *ch->remind);
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 366 * 86400) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"remind\" entry %zu "
			    "must be 0 to 31622400 seconds before the start",
			    i + 1);
			return -1;
		}
		ch->remind[ch->nremind++] = json_integer_value(v);
	}
	return 0;
}

static int
arg_enum(struct cmd_ctx *ctx, const char *key, int (*valid)(const char *),
    const char *accepted, const char **out)
{
	if (cmd_arg_str(ctx, key, 0, out) != 0)
		return -1;
	if (*out != NULL && !valid(*out)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown %s \"%s\" (one of: "
		    "%s)", key, *out, accepted);
		return -1;
	}
	return 0;
}

static int
arg_parent(struct cmd_ctx *ctx, struct event_change *ch)
{
	const char	*p;

	if (cmd_arg_str(ctx, "parent", 0, &p) != 0)
		return -1;
	if (p == NULL || *p == '\0') {
		ch->parent = p;
		return 0;
	}
	if (cmd_arg_uid(ctx, "parent", &ch->owned_parent) != 0)
		return -1;
	ch->parent = ch->owned_parent;
	return 0;
}

/* Absolute reminders: WHENs, a local time read in the home zone. */
static int
arg_remind_at(struct cmd_ctx *ctx, struct event_change *ch)
{
	json_t		*a = json_object_get(ctx->req, "remind_at"), *v;
	struct when	 w;
	char		*why = NULL;
	size_t		 i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > KCAL_REMIND_MAX) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"remind_at\" must be an "
		    "array of at most " XSTR(KCAL_REMIND_MAX) " dates or times");
		return -1;
	}
	ch->set_remind_at = 1;
	ch->remind_at = xcalloc(json_array_size(a) + 1, sizeof *ch->remind_at);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || when_parse_abs(json_string_value(v),
		    &w) != 0 || tz_to_utc(ctx->srv->cfg->home_tz, &w, 0,
		    &ch->remind_at[ch->nremind_at], &why) != 0) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"remind_at\" entry "
			    "%zu: %s", i + 1, why ? why : "use YYYY-MM-DD, "
			    "YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DDTHH:MM:SSZ");
			free(why);
			return -1;
		}
		ch->nremind_at++;
	}
	return 0;
}

/*
 * One rule for text with import (ical-lint.c refuses what RFC 5545 calls
 * CONTROL in a content line): the decoded value of an imported TEXT can
 * hold a TAB or a line break (written \n) and no other control character,
 * so neither can a field given here.  Other fields (a URL, a zone, a rule)
 * are written as they are and may hold none.  ESC or BEL would otherwise
 * reach terminals through list and show, and a feed or an export that
 * import then refuses.
 */
static int
text_ok(struct cmd_ctx *ctx, const char *key, int n, const char *s, int text)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			continue;
		if (text && (*p == '\t' || *p == '\n'))
			continue;
		if (n > 0)
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "participant %d: "
			    "\"%s\" contains a control character (byte 0x%02x; "
			    "text may hold TAB and line breaks, no other)", n,
			    key, *p);
		else
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"%s\" contains a "
			    "control character (byte 0x%02x; %s)", key, *p,
			    text ? "text may hold TAB and line breaks, no other" :
			    "none is allowed here");
		return -1;
	}
	return 0;
}

static int
change_text_ok(struct cmd_ctx *ctx, const struct event_change *ch)
{
	const struct participant	*pt;

	if (text_ok(ctx, "summary", 0, ch->summary, 1) ||
	    text_ok(ctx, "location", 0, ch->location, 1) ||
	    text_ok(ctx, "description", 0, ch->description, 1) ||
	    text_ok(ctx, "url", 0, ch->url, 0) ||
	    text_ok(ctx, "tz", 0, ch->tz, 0) ||
	    text_ok(ctx, "end_tz", 0, ch->end_tz, 0) ||
	    text_ok(ctx, "rrule", 0, ch->rrule, 0) ||
	    text_ok(ctx, "city", 0, ch->city, 0) ||
	    text_ok(ctx, "end_city", 0, ch->end_city, 0))
		return -1;
	for (size_t i = 0; i < ch->nparts; i++) {
		pt = &ch->parts[i];
		if (text_ok(ctx, "name", (int)i + 1, pt->name, 1) ||
		    text_ok(ctx, "role", (int)i + 1, pt->role, 1) ||
		    text_ok(ctx, "country", (int)i + 1, pt->country, 1))
			return -1;
	}
	return 0;
}

/*
 * libical's parser drops spaces and TABs at either end of a value, so an
 * event read back from its iCalendar text (show, export, a fresh store's
 * import) would lose them while the indexed columns kept them: trim the
 * text fields here, the same way.
 */
static void
trim_json(json_t *v)
{
	const char	*s = json_string_value(v), *e;
	char		*t;

	if (s == NULL)
		return;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if ((size_t)(e - s) == json_string_length(v))
		return;
	t = xstrndup(s, (size_t)(e - s));
	json_string_set(v, t);
	free(t);
}

static void
trim_text_args(json_t *req)
{
	static const char	*keys[] = { "summary", "location", "description",
				    NULL };
	json_t			*p;
	size_t			 i;

	for (const char **k = keys; *k != NULL; k++)
		trim_json(json_object_get(req, *k));
	json_array_foreach(json_object_get(req, "participants"), i, p) {
		trim_json(json_object_get(p, "name"));
		trim_json(json_object_get(p, "role"));
		trim_json(json_object_get(p, "country"));
	}
}

/* The event fields of an add or update request. */
int
cmd_arg_change(struct cmd_ctx *ctx, struct event_change *ch)
{
	json_t	*d = json_object_get(ctx->req, "duration");
	int	 all_day = -1;

	trim_text_args(ctx->req);
	if (cmd_arg_str(ctx, "summary", 0, &ch->summary) ||
	    cmd_arg_str(ctx, "tz", 0, &ch->tz) ||
	    cmd_arg_str(ctx, "end_tz", 0, &ch->end_tz) ||
	    cmd_arg_str(ctx, "location", 0, &ch->location) ||
	    cmd_arg_str(ctx, "description", 0, &ch->description) ||
	    cmd_arg_str(ctx, "url", 0, &ch->url) ||
	    cmd_arg_str(ctx, "rrule", 0, &ch->rrule) ||
	    cmd_arg_str(ctx, "city", 0, &ch->city) ||
	    cmd_arg_str(ctx, "end_city", 0, &ch->end_city) ||
	    cmd_arg_bool(ctx, "strict", &ch->strict) || anchor_args(ctx, ch) ||
	    arg_enum(ctx, "kind", event_kind_valid, "state-visit, "
	    "official-visit, working-visit, summit, bilateral, multilateral, "
	    "meeting, ceremony, signing, banquet, forum, press, travel, visit, "
	    "exercise, congress, anniversary, other", &ch->kind) ||
	    arg_enum(ctx, "status", event_status_valid, "tentative, confirmed, "
	    "cancelled", &ch->status) ||
	    arg_enum(ctx, "class", event_class_valid, "public, private, "
	    "confidential", &ch->class) ||
	    cmd_arg_when(ctx, "start", &ch->start) ||
	    cmd_arg_when(ctx, "end", &ch->end) ||
	    cmd_arg_bool(ctx, "all_day", &all_day) ||
	    arg_parent(ctx, ch) || arg_participants(ctx, ch) ||
	    arg_reminders(ctx, ch) || arg_remind_at(ctx, ch) ||
	    change_text_ok(ctx, ch))
		return -1;
	ch->all_day = all_day;
	if (d != NULL && (!json_is_integer(d) || json_integer_value(d) <= 0 ||
	    json_integer_value(d) > 3650LL * 86400)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"duration\" must be a "
		    "positive number of seconds");
		return -1;
	}
	ch->duration = d ? json_integer_value(d) : 0;
	if (ch->end.kind != WHEN_NONE && ch->duration > 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "give \"end\" or "
		    "\"duration\", not both");
		return -1;
	}
	return 0;
}

/* Move one follower of ev to ev's start plus its offset, if it is not. */
static int
follow(struct cmd_ctx *ctx, const struct event *ev, const char *uid)
{
	struct event_change	 ch;
	json_t			*res;
	int64_t			 want;
	int			 rc;

	if ((rc = anchor_follower(ctx, ev, uid, &want)) <= 0)
		return rc;
	event_change_init(&ch);
	ch.start.kind = WHEN_UTC;
	ch.start.utc = want;
	if (ctx->moved == NULL)		/* in the order they move */
		ctx->moved = json_array();
	json_array_append_new(ctx->moved, json_string(uid));
	ctx->depth++;
	res = cmd_write_event(ctx, uid, NULL, &ch);
	ctx->depth--;
	rc = res != NULL ? 0 : -1;
	json_decref(res);
	event_change_clear(&ch);
	return rc;
}

/*
 * After ev was written, in the same transaction: move the events anchored
 * to it (anchor.h), cancelled ones too (one left behind was where its
 * anchor no longer said, and stayed so once restored); also after a PUT
 * (write-put.c).  Each goes through cmd_write_event (SEQUENCE, reminders)
 * and moves its own followers in turn.
 */
int
write_followers(struct cmd_ctx *ctx, const struct event *ev)
{
	char	**uids, *why = NULL;
	size_t	  n, i;
	int	  rc = 0;

	if (store_anchored(ctx->srv->store, ev->uid, 1, &uids, &n, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		return -1;
	}
	/* Only stored data can go deeper (an import, a cycle). */
	if (n > 0 && ctx->depth >= ANCHOR_MAX_DEPTH) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "anchors more than %d deep "
		    "below %s (a cycle in the stored data?)", ANCHOR_MAX_DEPTH,
		    ev->uid);
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && strcmp(uids[i], ev->uid) != 0)
			rc = follow(ctx, ev, uids[i]);
		free(uids[i]);
	}
	free(uids);
	return rc;
}

/*
 * Before uid is deleted, in the delete's transaction: the events that
 * follow it (cancelled ones too) stop following it where they are, their
 * X-KCAL-ANCHOR removed and their times kept, each through
 * cmd_write_event (SEQUENCE, reminders).  Left pointing at a UID that no
 * longer exists, they could not be edited, and any event added later
 * under that UID would have moved them.  Their UIDs go into detached.
 */
int
write_detach(struct cmd_ctx *ctx, const char *uid, json_t *detached)
{
	struct event_change	 ch;
	json_t			*res;
	char			**uids, *why = NULL;
	size_t			 n, i;
	int			 rc = 0;

	if (store_anchored(ctx->srv->store, uid, 1, &uids, &n, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && strcmp(uids[i], uid) != 0) {
			event_change_init(&ch);
			ch.anchor = "";
			ctx->depth++;	/* part of the delete, as a move is */
			res = cmd_write_event(ctx, uids[i], NULL, &ch);
			ctx->depth--;
			if (res == NULL)
				rc = -1;
			else
				json_array_append_new(detached,
				    json_string(uids[i]));
			json_decref(res);
			event_change_clear(&ch);
		}
		free(uids[i]);
	}
	free(uids);
	return rc;
}

/*
 * End the write's transaction: commit when it succeeded, else roll back
 * everything (the anchored events moved with it too).  The outermost
 * write's result lists the events that moved with it.
 */
static json_t *
write_end(struct cmd_ctx *ctx, json_t *res)
{
	char	*why = NULL;

	if (res == NULL)
		store_rollback(ctx->srv->store);
	else if (store_commit(ctx->srv->store, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		json_decref(res);
		res = NULL;
	}
	if (ctx->depth > 0)
		return res;
	if (res != NULL)
		json_object_set_new(res, "moved", ctx->moved ? ctx->moved :
		    json_array());
	else
		json_decref(ctx->moved);
	ctx->moved = NULL;
	return res;
}

/*
 * Apply a change to event uid (NULL: create new_uid) and store it in one
 * transaction, with the events anchored to it (anchor.c).  Returns the
 * event's JSON, or NULL with the error set.
 */
json_t *
cmd_write_event(struct cmd_ctx *ctx, const char *uid, const char *new_uid,
    const struct event_change *change)
{
	struct server		*srv = ctx->srv;
	struct event_change	 ch = *change;	/* anchor_prepare sets start */
	struct event		 ev, was;
	char			*old = NULL, *text = NULL, *why = NULL;
	json_t			*res = NULL, *before = NULL;
	int			 rc;

	if (anchor_prepare(ctx, uid, new_uid, &ch) != 0)
		return NULL;
	if (store_begin(srv->store, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		free(why);
		if (ch.owned_tz != change->owned_tz)
			free(ch.owned_tz);
		return NULL;
	}
	if (uid != NULL && store_get(srv->store, uid, &old, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why ? why : "event vanished");
		goto out;
	}
	/* A new event never replaces one (the store's write is an upsert). */
	if (uid == NULL && store_get(srv->store, new_uid, &old, NULL) == 0) {
		cmd_error(ctx, KCAL_E_EXISTS, "an event with UID %s exists",
		    new_uid);
		goto out;
	}
	/* With "strict", only a clash the update makes refuses it. */
	if (ch.strict && old != NULL) {
		char	*cause = NULL;

		if (ical_extract(old, srv->cfg->home_tz, &was, &cause) == 0) {
			before = conflicts_before(ctx, &was);
			event_clear(&was);
		}
		free(cause);
	}
	rc = ical_apply(old, &ch, new_uid, server_now(srv), srv->cfg->home_tz,
	    &text, &ev, &why);
	if (rc < 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "%s", why);
		goto out;
	}
	if (rc == ICAL_UNCHANGED)
		res = cmd_event_json(ctx, &ev);
	else if (occur_put(srv->store, &ev, text, &why) != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	else if (write_followers(ctx, &ev) == 0)
		res = cmd_event_json(ctx, &ev);
	if (res != NULL && conflicts_after_write(ctx, &ev, &ch, before,
	    res) != 0) {
		json_decref(res);	/* strict: roll the write back */
		res = NULL;
	}
	/* Its next reminder, committed with it (remind.c). */
	if (res != NULL && rc != ICAL_UNCHANGED)
		remind_plan_written(srv->remind, ev.uid);
	event_clear(&ev);
out:
	json_decref(before);
	res = write_end(ctx, res);
	if (ch.owned_tz != change->owned_tz)	/* set by anchor_prepare */
		free(ch.owned_tz);
	free(why);
	free(old);
	free(text);
	return res;
}
