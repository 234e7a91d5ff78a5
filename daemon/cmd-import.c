/*
 * cmd-import.c — "import": one .ics file (its text in "ical") in one
 * transaction.  ical-import.c reads, checks and repairs it, handing over
 * one record per UID; here each record is compared with the store:
 *   added      its UID is new;
 *   updated    its UID exists and the file's SEQUENCE is not lower;
 *   unchanged  the same as stored (DTSTAMP aside);
 *   skipped    the file's SEQUENCE is lower than the stored one.
 * A record of overrides only (no master) joins the stored series; with no
 * stored series (none, or an event that does not recur) its overrides
 * become standalone events, with a warning (ical_orphans).  Any
 * error rolls the whole file back; dry_run writes it in its transaction
 * and rolls that back, so that it reports what the import would do.
 *
 * Limits (kcald.conf), each refusing the whole file with the error
 * "limit": max_import_size, the file's bytes, checked here before it is
 * read; max_import_events, counted by ical-import.c before any event is
 * read; max_participants, each event's, checked here (too_many).  A
 * recurrence rule denser than max_yearly_occurrences is refused as the
 * record is made, like a broken file, naming the setting.
 */
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "cmd.h"
#include "ical.h"
#include "ical-import.h"
#include "import-run.h"
#include "kcal-protocol.h"
#include "log.h"
#include "occur.h"
#include "server.h"
#include "store.h"
#include "store-itinerary.h"
#include "tz.h"
#include "xmalloc.h"

#define MAX_LISTED	1000	/* events named in the reply */

enum action { ADDED, UPDATED, UNCHANGED, SKIPPED };
static const char *action_names[] = { "added", "updated", "unchanged",
    "skipped" };

/* Refuse an event with more participants than max_participants. */
static int
too_many(struct import_run *ir, const struct event *ev)
{
	size_t	max = ir->srv->cfg->max_participants;

	if (ev->nparts <= max)
		return 0;
	free(ir->why);
	xasprintf(&ir->why, "event %s has %zu participants, more than one "
	    "event may have (%zu; kcald.conf max_participants)", ev->uid,
	    ev->nparts, max);
	ir->limit = 1;
	return -1;
}

/* What record r does to the store; *merged: a new text to store instead. */
static int
decide(struct import_run *ir, struct ical_record *r, enum action *act,
    char **merged)
{
	struct server	*srv = ir->srv;
	struct event	 cur;
	char		*old = NULL;
	int		 rc;

	*merged = NULL;
	rc = store_get(ir->st, r->ev.uid, &old, &ir->why);
	if (rc == STORE_NOT_FOUND) {
		*act = ADDED;
		return 0;
	}
	if (rc != 0)
		return -1;
	if (!r->has_master && (*merged = ical_merge_overrides(old, r->text)))
		*act = ical_same_record(old, *merged) ? UNCHANGED : UPDATED;
	else if (ical_extract(old, srv->cfg->home_tz, &cur, &ir->why) == 0) {
		*act = r->ev.sequence < cur.sequence ? SKIPPED :
		    ical_same_record(old, r->text) ? UNCHANGED : UPDATED;
		event_clear(&cur);
	} else {
		/* An unreadable stored event is replaced. */
		free(ir->why);
		ir->why = NULL;
		*act = UPDATED;
	}
	free(old);
	return 0;
}

static int
put_merged(struct import_run *ir, const char *text)
{
	struct server	*srv = ir->srv;
	struct event	 ev;
	int		 rc;

	if (ical_extract(text, srv->cfg->home_tz, &ev, &ir->why) != 0)
		return -1;
	rc = too_many(ir, &ev) == 0 ? occur_put(ir->st, &ev, text,
	    &ir->why) : -1;
	event_clear(&ev);
	return rc;
}

/*
 * Move follower uid of ev (stored, not in the file) to ev's start plus its
 * offset, as an edit would (SEQUENCE, the reminders' mark), and then its
 * own followers; depth bounds a cycle stored before imports were checked.
 */
static int	move_followers(struct import_run *, const struct event *, int);

static int
move_one(struct import_run *ir, const struct event *ev, const char *uid,
    int depth)
{
	struct event_change	 ch;
	struct event		 d, moved;
	char			*old = NULL, *text = NULL, *why = NULL;
	int			 rc;

	event_init(&d);
	event_init(&moved);
	if ((rc = store_get(ir->st, uid, &old, &ir->why)) != 0)
		return -1;
	rc = ical_extract(old, ir->srv->cfg->home_tz, &d, &ir->why);
	if (rc != 0 || d.anchor == NULL || strcmp(d.anchor, ev->uid) != 0 ||
	    d.all_day || d.start == ical_anchor_at(d.tz, ev->start,
	    d.anchor_offset, d.anchor_exact))
		goto out;
	event_change_init(&ch);
	ch.start.kind = WHEN_UTC;
	ch.start.utc = ical_anchor_at(d.tz, ev->start, d.anchor_offset,
	    d.anchor_exact);
	rc = ical_apply(old, &ch, uid, server_now(ir->srv),
	    ir->srv->cfg->home_tz, &text, &moved, &why);
	event_change_clear(&ch);
	if (rc == ICAL_UNCHANGED)
		rc = 0;
	else if (rc != 0) {
		/* the move the file asks for cannot be made */
		free(ir->why);
		xasprintf(&ir->why, "%s cannot move with its anchor %s: %s",
		    uid, ev->uid, why ? why : "refused");
		ir->bad = 1;
	} else if ((rc = occur_put(ir->st, &moved, text, &ir->why)) == 0) {
		if (json_array_size(ir->moved) < MAX_LISTED)
			json_array_append_new(ir->moved, json_string(uid));
		ir->nmoved++;
		rc = move_followers(ir, &moved, depth + 1);
	}
	free(why);
out:
	free(old);
	free(text);
	event_clear(&d);
	event_clear(&moved);
	return rc == 0 ? 0 : -1;
}

/*
 * The stored followers of ev that the file does not hold (cancelled ones
 * too, as write_followers), moved with it.
 */
static int
move_followers(struct import_run *ir, const struct event *ev, int depth)
{
	char	**uids;
	size_t	  n, i;
	int	  rc = 0;

	if (store_anchored(ir->st, ev->uid, 1, &uids, &n, &ir->why) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rc == 0 && depth < ANCHOR_MAX_DEPTH &&
		    strcmp(uids[i], ev->uid) != 0 &&
		    json_object_get(ir->anchored, uids[i]) == NULL)
			rc = move_one(ir, ev, uids[i], depth);
		free(uids[i]);
	}
	free(uids);
	return rc;
}

/*
 * An anchored event of the file may not make a cycle or a chain too deep
 * (anchor.c's rule, as for kcal add): checked once every record is
 * written, against what the store then holds, so that the answer does not
 * depend on the order of the file (an event that followed another, and
 * is followed by it in the file, is no cycle).
 */
static int
check_chain(struct import_run *ir, const char *uid, const char *anchor)
{
	char	*why = NULL;
	int	 rc;

	if ((rc = anchor_check_chain(ir->st, uid, anchor, &why)) == 0)
		return 0;
	free(ir->why);
	if (rc == -1) {
		xasprintf(&ir->why, "%s (remove X-KCAL-ANCHOR from one of "
		    "them)", why);
		free(why);
	} else
		ir->why = why;	/* the store's failure, as it is */
	ir->bad = rc == -1;
	return -1;
}

/*
 * After ev was written: its chain is noted for check_chain; ev, when
 * stored events follow it, for import_follow_anchors.
 */
static int
import_anchors(struct import_run *ir, const struct event *ev)
{
	char	**uids;
	size_t	  n;

	if (ev->anchor != NULL)
		json_array_append_new(ir->to_check, json_pack("[ss]", ev->uid,
		    ev->anchor));
	if (store_anchored(ir->st, ev->uid, 1, &uids, &n, &ir->why) != 0)
		return -1;
	if (n > 0)
		json_array_append_new(ir->to_move, json_string(ev->uid));
	while (n > 0)
		free(uids[--n]);
	free(uids);
	return 0;
}

/*
 * Once every record is written, before the commit: the file's chains are
 * checked (check_chain), then the stored events anchored to the events
 * imported, and not in the file themselves, move with them as they do
 * when their anchor is edited (the file's own followers keep the file's
 * times, whatever order the file has).  0; 1 when spent(arg) says the
 * time is up, to be called again; -1 with ir->why.
 */
int
import_follow_anchors(struct import_run *ir, int (*spent)(void *), void *arg)
{
	struct event	 ev;
	const char	*uid;
	json_t		*c;
	char		*text;
	int		 rc = 0;

	while (ir->check_next < json_array_size(ir->to_check)) {
		if (spent != NULL && spent(arg))
			return 1;
		c = json_array_get(ir->to_check, ir->check_next++);
		if (check_chain(ir, json_string_value(json_array_get(c, 0)),
		    json_string_value(json_array_get(c, 1))) != 0)
			return -1;
	}
	while (rc == 0 && ir->move_next < json_array_size(ir->to_move)) {
		if (spent != NULL && spent(arg))
			return 1;
		uid = json_string_value(json_array_get(ir->to_move,
		    ir->move_next++));
		text = NULL;
		event_init(&ev);
		if (store_get(ir->st, uid, &text, &ir->why) != 0 ||
		    ical_extract(text, ir->srv->cfg->home_tz, &ev,
		    &ir->why) != 0 || move_followers(ir, &ev, 0) != 0)
			rc = -1;
		free(text);
		event_clear(&ev);
	}
	if (rc == 0 && ir->nmoved > json_array_size(ir->moved))
		json_array_append_new(ir->warnings, json_sprintf("%zu more "
		    "events moved with their anchors (the first %zu are "
		    "listed)", ir->nmoved - json_array_size(ir->moved),
		    json_array_size(ir->moved)));
	return rc;
}

/* prep: r's expansion made ahead, or NULL (occur.h) */
static int
import_record(struct ical_record *r, struct import_run *ir,
    const struct occur_prep *prep)
{
	enum action	 act;
	char		*merged;
	int		 rc = 0;

	if (too_many(ir, &r->ev) != 0 || decide(ir, r, &act, &merged) != 0)
		return -1;
	/* the file's anchored events keep what it says, or the store's */
	if (r->ev.anchor != NULL)
		json_object_set_new(ir->anchored, r->ev.uid, json_true());
	/* a dry run writes too, and its transaction is rolled back */
	if (act == ADDED || act == UPDATED)
		rc = merged ? put_merged(ir, merged) : prep ?
		    occur_put_prepared(ir->st, &r->ev, r->text, prep,
		    &ir->why) : occur_put(ir->st, &r->ev, r->text, &ir->why);
	if (rc == 0 && (act == ADDED || act == UPDATED))
		rc = import_anchors(ir, &r->ev);
	free(merged);
	ir->count[act]++;
	if (json_array_size(ir->events) < MAX_LISTED)
		json_array_append_new(ir->events, json_pack("{s:s, s:s?, s:s}",
		    "uid", r->ev.uid, "summary", r->ev.summary, "action",
		    action_names[act]));
	return rc;
}

/* Overrides only, and no stored series for them to join? */
static int
orphan(struct import_run *ir, const struct ical_record *r)
{
	struct server	*srv = ir->srv;
	struct event	 cur;
	char		*old = NULL, *why = NULL;
	int		 rc, lone = 0;

	if (r->has_master)
		return 0;
	rc = store_get(ir->st, r->ev.uid, &old, &why);
	if (rc == STORE_NOT_FOUND)
		lone = 1;
	else if (rc == 0 && ical_extract(old, srv->cfg->home_tz, &cur,
	    &why) == 0) {
		lone = cur.rrule == NULL;
		event_clear(&cur);
	}
	free(why);
	free(old);
	return lone;
}

static int
import_orphans(struct import_run *ir, struct ical_record *r)
{
	struct ical_record	*recs;
	char			**notes;
	size_t			  n, i;
	int			  rc;

	rc = ical_orphans(r->text, ir->srv->cfg->home_tz, &recs, &notes,
	    &n, &ir->why);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = import_record(&recs[i], ir, NULL);
		json_array_append_new(ir->warnings, json_string(notes[i]));
		free(notes[i]);
		free(recs[i].text);
		event_clear(&recs[i].ev);
	}
	free(recs);
	free(notes);
	return rc;
}

/* The record callback of an import (ical_import_each, import-stream.c). */
int
import_file_record(struct ical_record *r, void *arg)
{
	struct import_run	*ir = arg;

	if (orphan(ir, r))
		return import_orphans(ir, r);
	return import_record(r, ir, ir->prep);
}

/*
 * Parse and store in one go: each record is written as soon as it is
 * read and then freed, so the file is never held as records (or as one
 * libical tree) on top of its text.  0; -1 the file is refused (*why);
 * -2 the store failed (ir->why).
 */
static int
import_all(struct import_run *ir, const char *text,
    const struct ical_import_opts *o, struct ical_import *imp, char **why)
{
	struct store	*st = ir->st;
	int		 rc;

	if (store_begin(st, &ir->why) != 0)
		return -2;
	rc = ical_import_each(text, strlen(text), o, imp, import_file_record,
	    ir, why);
	if (rc == 0 && import_follow_anchors(ir, NULL, NULL) != 0)
		rc = -2;
	if (rc != 0 || ir->dry_run) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, &ir->why) == 0 ? 0 : -2;
}

/* The result of an import that went through. */
json_t *
import_result(struct import_run *ir, const char *name, struct ical_import *imp)
{
	json_t	*w = json_array();

	for (size_t i = 0; i < imp->nwarnings; i++)
		json_array_append_new(w, json_string(imp->warnings[i]));
	json_array_extend(w, ir->warnings);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o, s:O}",
	    "name", name,
	    "added", (json_int_t)ir->count[ADDED],
	    "updated", (json_int_t)ir->count[UPDATED],
	    "unchanged", (json_int_t)ir->count[UNCHANGED],
	    "skipped", (json_int_t)ir->count[SKIPPED],
	    "ignored", (json_int_t)imp->ignored,
	    "dry_run", ir->dry_run, "warnings", w, "events", ir->events,
	    "moved", ir->moved);
}

/* A file over max_import_size is refused before it is read. */
static int
too_big(struct cmd_ctx *ctx, const char *text, const char *name)
{
	size_t	max = ctx->srv->cfg->max_import_size;

	if (strlen(text) <= max)
		return 0;
	cmd_error(ctx, KCAL_E_LIMIT, "%s is %zu bytes, more than one import "
	    "request may hold (%zu; kcald.conf max_import_size; kcal import "
	    "sends a file of any size in pieces); nothing imported",
	    name, strlen(text), max);
	return -1;
}

/*
 * The error of a failed import (rc -1: the file, -2: else): its code, and
 * its message in *msg (the caller frees it).
 */
const char *
import_error(struct import_run *ir, int rc, const char *name,
    const char *why, char **msg)
{
	if (rc == -1) {
		xasprintf(msg, "%s; nothing imported", why);
		/* Too many events is a limit, not a broken file. */
		return strstr(why, "max_import_events") ? KCAL_E_LIMIT :
		    KCAL_E_BAD_ICAL;
	}
	xasprintf(msg, "%s: %s; nothing imported", name, ir->why ? ir->why :
	    "cannot write");
	return ir->limit ? KCAL_E_LIMIT : ir->bad ? KCAL_E_BAD_ICAL :
	    KCAL_E_STORE;
}

/*
 * The arguments every import shares (tz, dry_run, name) into *o and ir;
 * -1 once the error reply is set.
 */
int
import_args(struct cmd_ctx *ctx, struct import_run *ir,
    struct ical_import_opts *o)
{
	const char	*name, *tz;

	if (cmd_arg_str(ctx, "name", 0, &name) != 0 ||
	    cmd_arg_str(ctx, "tz", 0, &tz) != 0 ||
	    cmd_arg_bool(ctx, "dry_run", &ir->dry_run) != 0)
		return -1;
	if (tz != NULL && !tz_valid(tz)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown time zone \"%s\" "
		    "(use an IANA name such as Europe/Brussels)", tz);
		return -1;
	}
	memset(o, 0, sizeof *o);
	o->name = name ? name : "import";
	o->home = ctx->srv->cfg->home_tz;
	o->float_tz = tz ? tz : o->home;
	o->now = server_now(ctx->srv);
	o->max_events = ctx->srv->cfg->max_import_events;
	ir->srv = ctx->srv;
	ir->st = ctx->srv->store;
	ir->events = json_array();
	ir->warnings = json_array();
	ir->moved = json_array();
	ir->anchored = json_object();
	ir->to_check = json_array();
	ir->to_move = json_array();
	return 0;
}

/* What import_args made (the events, once replied, are the reply's). */
void
import_run_clear(struct import_run *ir)
{
	json_decref(ir->events);
	json_decref(ir->warnings);
	json_decref(ir->moved);
	json_decref(ir->anchored);
	json_decref(ir->to_check);
	json_decref(ir->to_move);
	free(ir->why);
}

/* Log an import that went through. */
void
import_log(struct import_run *ir, const char *name)
{
	log_info("import %s: %zu added, %zu updated, %zu unchanged, "
	    "%zu skipped%s", name, ir->count[ADDED], ir->count[UPDATED],
	    ir->count[UNCHANGED], ir->count[SKIPPED],
	    ir->dry_run ? " (dry run)" : "");
}

static json_t *
cmd_import_exec(struct cmd_ctx *ctx)
{
	struct import_run	 ir;
	struct ical_import_opts	 o;
	struct ical_import	 imp;
	const char		*text, *code;
	char			*why = NULL, *msg;
	json_t			*res = NULL;
	int			 rc;

	memset(&ir, 0, sizeof ir);
	memset(&imp, 0, sizeof imp);
	if (cmd_arg_str(ctx, "ical", 1, &text) != 0 ||
	    import_args(ctx, &ir, &o) != 0)
		goto out;
	if (too_big(ctx, text, o.name) != 0)
		goto out;
	if ((rc = import_all(&ir, text, &o, &imp, &why)) != 0) {
		code = import_error(&ir, rc, o.name, why, &msg);
		cmd_error(ctx, code, "%s", msg);
		free(msg);
		free(why);
	} else {
		res = import_result(&ir, o.name, &imp);
		ir.events = NULL;
		import_log(&ir, o.name);
		ctx->unchanged = ir.dry_run;	/* rolled back */
	}
out:
	import_run_clear(&ir);
	ical_import_clear(&imp);
	return res;
}

const struct cmd_entry cmd_import_entry = {
	"import", "ical name tz dry_run", CMD_WRITE, cmd_import_exec
};
