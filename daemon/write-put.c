/*
 * write-put.c — a calendar object resource written whole, or deleted, as
 * one user (write-put.h): the write path of kcal add, edit and import for
 * a client that sends the whole event each time (CalDAV, dav-put.c).
 *
 * A PUT's body is read, checked and repaired by the import's code
 * (ical-import.c): what import refuses, a PUT refuses, with the import's
 * words.  It must hold one event: one UID, its master first and its
 * RECURRENCE-ID overrides (RFC 4791 4.1); no METHOD (scheduling, RFC 6638,
 * is not done here), no to-do or journal (kcal keeps events).  Then, in one
 * transaction (a savepoint of the caller's):
 *   - the user may write, and may see the event stored and the one sent:
 *     neither's CLASS above their clearance (access_may_write), and the
 *     stored one not redacted for them (an override or a reference they may
 *     not see would be lost by writing back what they saw);
 *   - a UID stored under another resource is refused (no-uid-conflict);
 *   - SEQUENCE never goes down and goes up on a significant change the
 *     client did not number (ical-put.c);
 *   - an anchored event a client moved keeps following its anchor from
 *     where it was put (its offset changes; anchor.c checks the chain);
 *   - the record replaces the stored one (occur_put: the occurrences, the
 *     reminders' plan), the events anchored to it move (write.c), which is
 *     done with every event in sight, as the anchor's rule holds for all;
 *   - the clashes it makes are found (conflicts_after_write), under the
 *     user's clearance, for the caller to report.
 * A DELETE detaches the event's followers first, as kcal delete does.
 * The caller commits, then calls server_changed(): reminders re-plan,
 * feeds rebuild, watchers hear of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchor.h"
#include "cmd.h"
#include "conflict-check.h"
#include "ical.h"
#include "ical-import.h"
#include "kcal-protocol.h"
#include "occur.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "store-feed.h"
#include "write.h"
#include "write-put.h"
#include "xmalloc.h"

/* The most clashes named in write_put_conflicts' text. */
#define CONFLICTS_NAMED	20

struct run {
	struct server		*srv;
	struct store		*st;
	const struct access_who	*who;
	struct put_out		*out;
	struct cmd_ctx		 ctx;
};

static int
fail(struct run *r, enum put_result res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct run *r, enum put_result res, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (r->out->why != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	r->out->res = res;
	r->out->why = msg ? msg : xstrdup("out of memory");
	return -1;
}

/* The message of the error the write path set in the command context. */
static int
fail_ctx(struct run *r, enum put_result res)
{
	json_t		*e = json_object_get(r->ctx.error, "error");
	const char	*m = json_string_value(json_object_get(e, "message"));

	return fail(r, res, "%s", m ? m : "the write was refused");
}

/*
 * The largest object a PUT may send: what an import may hold, and what
 * the HTTP server reads (the collection's max-resource-size).
 */
size_t
write_put_max(const struct server *srv)
{
	size_t	a = srv->cfg->max_import_size, b = srv->cfg->http_max_body_size;

	return b > 0 && b < a ? b : a;
}

/* Has the object a METHOD property (an iTIP message, RFC 5546)? */
static int
has_method(const char *b, size_t n)
{
	for (size_t i = 0; i + 7 <= n; i++) {
		if (i > 0 && b[i - 1] != '\n')
			continue;
		if (strncasecmp(b + i, "METHOD", 6) == 0 &&
		    (b[i + 6] == ':' || b[i + 6] == ';'))
			return 1;
	}
	return 0;
}

/* The body as one record, checked as an import checks a file. */
static int
read_body(struct run *r, const struct put_req *rq, struct ical_import *imp)
{
	struct ical_import_opts	 o;
	const struct event	*ev;
	char			*why = NULL;

	if (rq->len > write_put_max(r->srv))
		return fail(r, PUT_TOO_BIG, "%s is %zu bytes, more than one "
		    "calendar object may hold (%zu)", rq->name, rq->len,
		    write_put_max(r->srv));
	if (has_method(rq->body, rq->len))
		return fail(r, PUT_BAD_OBJECT, "%s has a METHOD property: "
		    "scheduling messages (RFC 6638) are not accepted; PUT the "
		    "event without it", rq->name);
	memset(&o, 0, sizeof o);
	o.name = rq->name;
	o.home = o.float_tz = r->srv->cfg->home_tz;
	o.now = server_now(r->srv);
	o.max_events = r->srv->cfg->max_import_events;
	o.put = 1;
	if (ical_import_parse(rq->body, rq->len, &o, imp, &why) != 0) {
		fail(r, PUT_BAD_DATA, "%s", why);
		free(why);
		return -1;
	}
	if (imp->ignored > 0)
		return fail(r, PUT_COMPONENT, "%s holds a to-do, journal or "
		    "other component that is not an event: kcal keeps events "
		    "(VEVENT) only", rq->name);
	if (imp->nrecs == 0)
		return fail(r, PUT_BAD_DATA, "%s holds no event (VEVENT)",
		    rq->name);
	if (imp->nrecs > 1)
		return fail(r, PUT_BAD_OBJECT, "%s holds %zu events with "
		    "different UIDs; a calendar object holds one (RFC 4791 "
		    "4.1)", rq->name, imp->nrecs);
	if (imp->made_uids > 0)
		return fail(r, PUT_BAD_OBJECT, "%s: the event has no UID",
		    rq->name);
	ev = &imp->recs[0].ev;
	if (!imp->recs[0].has_master)
		return fail(r, PUT_BAD_OBJECT, "%s holds overrides "
		    "(RECURRENCE-ID) of %s without the series itself; kcal "
		    "keeps a series whole", rq->name, ev->uid);
	if (ev->nparts > r->srv->cfg->max_participants)
		return fail(r, PUT_BAD_DATA, "event %s has %zu participants, "
		    "more than one event may have (%zu; kcald.conf "
		    "max_participants)", ev->uid, ev->nparts,
		    r->srv->cfg->max_participants);
	return 0;
}

static enum access_class
class_of(const char *text)
{
	const char	*c = ical_record_class(text);

	return c ? access_class_of(c) : ACCESS_CLASS_CONFIDENTIAL;
}

/*
 * The stored uid in full (*full) and as the user sees it (*seen, NULL
 * when not at all): 0, STORE_NOT_FOUND, or -1.
 */
static int
stored(struct run *r, const char *uid, char **full, char **seen)
{
	enum access_class	 cl;
	char			*why = NULL;
	int			 rc;

	*full = *seen = NULL;
	cl = store_set_clearance(r->st, ACCESS_CLASS_CONFIDENTIAL);
	rc = store_get(r->st, uid, full, &why);
	store_set_clearance(r->st, cl);
	if (rc == 0 && (rc = store_get(r->st, uid, seen, &why)) ==
	    STORE_NOT_FOUND)
		rc = 0;
	if (rc < 0) {
		fail(r, PUT_STORE, "%s", why ? why : "cannot read the store");
		free(why);
	}
	return rc;
}

/*
 * For ical_redact on a body sent: may its writer see the event uid names?
 * One not in the store may be (its writer may send it next); a store
 * error says no.
 */
static int
ref_visible(void *arg, const char *uid)
{
	struct run	*r = arg;
	char		*class = NULL, *why = NULL;
	int		 ok;

	if (store_event_class(r->st, uid, &class, &why) != 0) {
		free(why);
		return 0;
	}
	ok = class == NULL || access_may_read(r->who->clearance,
	    access_class_of(class));
	free(class);
	return ok;
}

/* For ical_put_keep_refs: did the user read the reference to uid? */
static int
ref_seen(void *arg, const char *uid)
{
	return store_visible(((struct run *)arg)->st, uid);
}

/*
 * Has text parts the user may not see: an override above its clearance,
 * or a reference (RELATED-TO, X-KCAL-ANCHOR) to an event it may not see?
 */
static int
hidden_parts(struct run *r, const char *text)
{
	char	*shown = NULL;
	int	 rc;

	if (r->who->clearance == ACCESS_CLASS_CONFIDENTIAL)
		return 0;	/* sees all */
	rc = ical_redact(text, r->who->clearance, ref_visible, r, &shown);
	free(shown);
	return rc != ICAL_REDACT_SAME;
}

/*
 * May the user write the body as sent: its series, every override and
 * every event it points at of a class it may see?  Else it would store
 * what it could neither read back nor change, or attach an item to a
 * hidden visit's programme.
 */
static int
may_write_body(struct run *r, const char *body_text)
{
	if (!access_may_write(r->who, class_of(body_text)))
		return fail(r, PUT_FORBIDDEN, "the event is of a class (%s) "
		    "above what %s may see", ical_record_class(body_text),
		    r->who->name);
	if (hidden_parts(r, body_text))
		return fail(r, PUT_FORBIDDEN, "the event has parts above what "
		    "%s may see (an override of a higher class, or a "
		    "reference to an event it may not see)", r->who->name);
	return 0;
}

/*
 * Do events the user may not see follow uid?  Changing uid moves them (a
 * delete leaves them following nothing), and a refusal of the chain they
 * make would name them.  A failed read counts as yes.
 */
static int
hidden_followers(struct run *r, const char *uid)
{
	char	*why = NULL;
	int	 rc;

	if (r->who->clearance == ACCESS_CLASS_CONFIDENTIAL)
		return 0;	/* sees all */
	rc = anchor_hidden_followers(r->st, uid, &why);
	free(why);
	return rc != 0;
}

/* May the user change (or delete) the stored event? */
static int
may_change(struct run *r, const char *uid, const char *full,
    const char *seen)
{
	if (seen == NULL || !access_may_write(r->who, class_of(full)))
		return fail(r, PUT_FORBIDDEN, "%s may not change the event "
		    "%s", r->who->name, uid);
	if (hidden_parts(r, full))
		return fail(r, PUT_FORBIDDEN, "the event %s has parts %s may "
		    "not see (an override or a reference of a higher class); "
		    "change it with kcal", uid, r->who->name);
	if (hidden_followers(r, uid))
		return fail(r, PUT_FORBIDDEN, "events %s may not see follow "
		    "the event %s (X-KCAL-ANCHOR), and a change would move "
		    "them; change it with kcal", r->who->name, uid);
	return 0;
}

/*
 * The offset (*off, *exact: ical_anchor_at) of an event put at start in
 * zone tz from an anchor at anchor: the one it has, if it still puts the
 * event there (whole days are nominal, 23 or 25 hours across a change of
 * the clocks); else whole days if it is at the anchor's time of day;
 * else the seconds between them, exact even if they are whole days
 * (written in hours), so that the event stays where it was put.
 */
static void
offset_of(const char *tz, int64_t anchor, int64_t start, int64_t *off,
    int *exact)
{
	int	days;

	if (ical_anchor_at(tz, anchor, *off, *exact) == start)
		return;
	days = ical_day_diff(tz, anchor, start);
	*exact = !(days != 0 && ical_anchor_at(tz, anchor, days * 86400LL, 0) ==
	    start);
	*off = *exact ? start - anchor : days * 86400LL;
}

/*
 * Is the offset ch sets more than a year (kcal's --offset, anchor.c)?
 * Not if the stored event (full, or NULL) has it: one stored before the
 * limit keeps it.
 */
static int
too_far(const struct event_change *ch, const char *full)
{
	struct event	 cur;
	char		*why = NULL;
	int		 far;

	if (ch->anchor_offset >= -KCAL_ANCHOR_MAX_OFFSET &&
	    ch->anchor_offset <= KCAL_ANCHOR_MAX_OFFSET)
		return 0;
	if (full == NULL || ical_extract(full, "UTC", &cur, &why) != 0) {
		free(why);
		return 1;
	}
	far = cur.anchor == NULL || strcmp(cur.anchor, ch->anchor) != 0 ||
	    cur.anchor_offset != ch->anchor_offset ||
	    cur.anchor_exact != ch->anchor_exact;
	event_clear(&cur);
	return far;
}

/*
 * An anchored event as the client put it: its offset becomes where it
 * now is from its anchor (offset_of; anchor_prepare checks the chain),
 * at most a year (too_far).  full is the stored event, or NULL.  *text
 * may be replaced.
 */
static int
follow_anchor(struct run *r, const struct event *ev, const char *full,
    char **text)
{
	struct event_change	 ch;
	struct event		 a;
	char			*at = NULL, *why = NULL, *t;
	int			 rc, exists = full != NULL;

	if (ev->anchor == NULL || ev->all_day)
		return 0;
	event_init(&a);
	rc = store_get(r->st, ev->anchor, &at, &why);
	if (rc == 0 && ical_extract(at, r->srv->cfg->home_tz, &a, &why) != 0)
		rc = -1;
	free(at);
	if (rc != 0) {
		fail(r, PUT_REFUSED, "the event follows %s (X-KCAL-ANCHOR), "
		    "%s", ev->anchor, rc == STORE_NOT_FOUND ? "which is not "
		    "there" : why ? why : "which cannot be read");
		free(why);
		return -1;
	}
	event_change_init(&ch);
	ch.anchor = ev->anchor;
	ch.anchor_offset = ev->anchor_offset;
	ch.anchor_exact = ev->anchor_exact;
	offset_of(ev->tz, a.start, ev->start, &ch.anchor_offset,
	    &ch.anchor_exact);
	ch.set_anchor_offset = 1;
	ch.all_day = 0;
	event_clear(&a);
	if (too_far(&ch, full))
		return fail(r, PUT_REFUSED, "the event follows %s "
		    "(X-KCAL-ANCHOR) and would be more than a year from it; "
		    "remove X-KCAL-ANCHOR to put it there", ev->anchor);
	rc = anchor_prepare(&r->ctx, exists ? ev->uid : NULL, exists ? NULL :
	    ev->uid, &ch);
	free(ch.owned_tz);
	if (rc != 0)
		return fail_ctx(r, PUT_REFUSED);
	if (ch.anchor_offset == ev->anchor_offset &&
	    ch.anchor_exact == ev->anchor_exact)
		return 0;
	if ((t = ical_put_anchor_offset(*text, ch.anchor_offset,
	    ch.anchor_exact)) == NULL)
		return fail(r, PUT_STORE, "cannot set the anchor's offset");
	free(*text);
	*text = t;
	return 0;
}

/* The new record stored, its followers moved, its clashes found. */
static int
store_record(struct run *r, const char *text)
{
	struct event_change	 ch;
	struct event		 ev;
	enum access_class	 cl;
	json_t			*res;
	char			*why = NULL;
	int			 rc;

	if (ical_extract(text, r->srv->cfg->home_tz, &ev, &why) != 0 ||
	    occur_put(r->st, &ev, text, &why) != 0) {
		fail(r, PUT_STORE, "%s", why ? why : "cannot write");
		free(why);
		event_clear(&ev);
		return -1;
	}
	cl = store_set_clearance(r->st, ACCESS_CLASS_CONFIDENTIAL);
	rc = write_followers(&r->ctx, &ev);
	store_set_clearance(r->st, cl);
	event_change_init(&ch);
	res = json_object();
	if (rc != 0)
		fail_ctx(r, PUT_REFUSED);
	else if (conflicts_after_write(&r->ctx, &ev, &ch, NULL, res) == 0)
		r->out->conflicts = json_incref(json_object_get(res,
		    "conflicts"));
	json_decref(res);
	event_clear(&ev);
	return rc;
}

/* The PUT's checks against the store, then the write; in a transaction. */
static int
put_in(struct run *r, const struct put_req *rq, const char *body_text)
{
	const char	*uid = r->out->uid;
	char		*full = NULL, *seen = NULL, *text = NULL, *t = NULL;
	char		*why = NULL;
	struct event	 ev;
	int		 rc, exists;

	if ((rc = stored(r, uid, &full, &seen)) < 0)
		return -1;
	exists = rc == 0;
	rc = 0;
	if (rq->uid != NULL && strcmp(rq->uid, uid) != 0)
		rc = fail(r, PUT_BAD_OBJECT, "%s holds the event %s; a PUT "
		    "cannot change its UID to %s (DELETE it and PUT the new "
		    "one)", rq->name, rq->uid, uid);
	else if (rq->uid == NULL && exists && seen != NULL) {
		r->out->other = xstrdup(uid);
		rc = fail(r, PUT_UID_CONFLICT, "the event %s is stored under "
		    "another name", uid);
	} else if (exists && may_change(r, uid, full, seen) != 0)
		rc = -1;
	else if (may_write_body(r, body_text) != 0)
		rc = -1;
	else if (ical_put_sequence(full, body_text, &t, &why) != 0)
		rc = fail(r, PUT_STORE, "%s", why);
	if (rc != 0)
		goto out;
	text = t ? t : xstrdup(body_text);
	if (exists && r->who->clearance != ACCESS_CLASS_CONFIDENTIAL &&
	    (t = ical_put_keep_refs(full, text, ref_seen, r)) != NULL) {
		free(text);
		text = t;
	}
	event_init(&ev);
	if (ical_extract(text, r->srv->cfg->home_tz, &ev, &why) != 0)
		rc = fail(r, PUT_BAD_DATA, "%s", why);
	else
		rc = follow_anchor(r, &ev, exists ? full : NULL, &text);
	event_clear(&ev);
	if (rc != 0)
		goto out;
	if (exists && ical_same_record(full, text))
		r->out->res = PUT_UNCHANGED;
	else if ((rc = store_record(r, text)) == 0)
		r->out->res = exists ? PUT_UPDATED : PUT_CREATED;
	if (rc == 0) {
		r->out->text = text;
		text = NULL;
	}
out:
	free(full);
	free(seen);
	free(text);
	free(why);
	return rc;
}

static void
run_init(struct run *r, struct server *srv, const struct access_who *who,
    struct put_out *out)
{
	memset(r, 0, sizeof *r);
	memset(out, 0, sizeof *out);
	r->srv = srv;
	r->st = srv->store;
	r->who = who;
	r->out = out;
	r->ctx.srv = srv;
	r->ctx.store = srv->store;
	r->ctx.cfg = srv->cfg;
	r->ctx.now = server_now(srv);
	r->ctx.who = *who;
	r->ctx.req = json_object();
}

static void
run_end(struct run *r)
{
	json_decref(r->ctx.req);
	json_decref(r->ctx.error);
	if (r->out->why == NULL)
		r->out->moved = r->ctx.moved;
	else
		json_decref(r->ctx.moved);
}

/* Open the savepoint, or say why not. */
static int
begin(struct run *r)
{
	char	*why = NULL;

	if (store_begin(r->st, &why) == 0)
		return 0;
	fail(r, PUT_STORE, "%s", why);
	free(why);
	return -1;
}

static int
end(struct run *r, int rc)
{
	char	*why = NULL;

	if (rc != 0) {
		store_rollback(r->st);
		return -1;
	}
	if (store_commit(r->st, &why) == 0)
		return 0;
	fail(r, PUT_STORE, "%s", why);
	free(why);
	return -1;
}

/* Write rq as who (see the top of the file); out says what happened. */
void
write_put(struct server *srv, const struct access_who *who,
    const struct put_req *rq, struct put_out *out)
{
	struct run		 r;
	struct ical_import	 imp;
	enum access_class	 cl;

	run_init(&r, srv, who, out);
	memset(&imp, 0, sizeof imp);
	cl = store_set_clearance(r.st, who->clearance);
	recur_budget_begin();
	if (who->level != ACCESS_WRITE)
		fail(&r, PUT_FORBIDDEN, "%s may only read", who->name);
	else if (read_body(&r, rq, &imp) == 0) {
		out->uid = xstrdup(imp.recs[0].ev.uid);
		if (begin(&r) == 0)
			end(&r, put_in(&r, rq, imp.recs[0].text));
	}
	store_set_clearance(r.st, cl);
	ical_import_clear(&imp);
	run_end(&r);
}

static int
delete_in(struct run *r, const char *uid)
{
	enum access_class	 cl;
	char			*full = NULL, *seen = NULL, *why = NULL;
	json_t			*detached = json_array();
	int			 rc;

	if ((rc = stored(r, uid, &full, &seen)) == STORE_NOT_FOUND ||
	    (rc == 0 && seen == NULL))
		rc = fail(r, PUT_NOT_FOUND, "no event %s", uid);
	else if (rc == 0 && (rc = may_change(r, uid, full, seen)) == 0) {
		cl = store_set_clearance(r->st, ACCESS_CLASS_CONFIDENTIAL);
		rc = write_detach(&r->ctx, uid, detached);
		store_set_clearance(r->st, cl);
		if (rc != 0)
			fail_ctx(r, PUT_REFUSED);
		else if ((rc = store_delete(r->st, uid, &why)) != 0)
			fail(r, PUT_STORE, "%s", why);
	}
	if (rc == 0) {
		r->out->res = PUT_DELETED;
		json_decref(r->ctx.moved);
		r->ctx.moved = json_incref(detached);
	}
	json_decref(detached);
	free(full);
	free(seen);
	free(why);
	return rc;
}

/* Delete the event uid as who; out->moved: the followers detached. */
void
write_put_delete(struct server *srv, const struct access_who *who,
    const char *uid, struct put_out *out)
{
	struct run		 r;
	enum access_class	 cl;

	run_init(&r, srv, who, out);
	cl = store_set_clearance(r.st, who->clearance);
	recur_budget_begin();
	out->uid = xstrdup(uid);
	if (who->level != ACCESS_WRITE)
		fail(&r, PUT_FORBIDDEN, "%s may only read", who->name);
	else if (begin(&r) == 0)
		end(&r, delete_in(&r, uid));
	store_set_clearance(r.st, cl);
	run_end(&r);
}

/* s as an HTTP quoted-string's content: no control bytes, \ and " escaped. */
static void
quoted(char **acc, const char *s)
{
	size_t	 n = strlen(*acc);
	char	*p;

	*acc = xreallocarray(*acc, n + 2 * strlen(s) + 3, 1);
	p = *acc + n;
	*p++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	}
	*p++ = '"';
	*p = '\0';
}

/*
 * The clashes of a write as one header value (Kcal-Conflicts), NULL when
 * none: per clash its type and the other event's UID and summary,
 *   overlap 1234@x "Bilateral with Japan", transfer 99@x "Lunch"
 * at most CONFLICTS_NAMED of them, then "...".  uid is the event written.
 */
char *
write_put_conflicts(const json_t *conflicts, const char *uid)
{
	const json_t	*k, *e;
	const char	*u;
	char		*s;
	size_t		 i, j, named = 0;

	if (json_array_size(conflicts) == 0)
		return NULL;
	s = xstrdup("");
	json_array_foreach(conflicts, i, k) {
		json_array_foreach(json_object_get(k, "events"), j, e) {
			u = json_string_value(json_object_get(e, "uid"));
			if (u == NULL || (uid != NULL && strcmp(u, uid) == 0))
				continue;
			if (named++ == CONFLICTS_NAMED) {
				s = xreallocarray(s, strlen(s) + 6, 1);
				strcat(s, ", ...");
				return s;
			}
			s = xreallocarray(s, strlen(s) + strlen(u) + 64, 1);
			sprintf(s + strlen(s), "%s%s %s ", named > 1 ? ", " :
			    "", json_string_value(json_object_get(k, "type")),
			    u);
			quoted(&s, json_string_value(json_object_get(e,
			    "summary")) ? json_string_value(json_object_get(e,
			    "summary")) : "");
		}
	}
	return s;
}

void
write_put_clear(struct put_out *out)
{
	free(out->why);
	free(out->uid);
	free(out->other);
	free(out->text);
	json_decref(out->conflicts);
	json_decref(out->moved);
	memset(out, 0, sizeof *out);
}
