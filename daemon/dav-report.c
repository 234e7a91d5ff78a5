/*
 * dav-report.c — the REPORTs on the calendar collection: calendar-query
 * (RFC 4791 7.8), calendar-multiget (7.9) and sync-collection (RFC 6578),
 * each answered with the properties dav-props.c writes for an object
 * (getetag, calendar-data, ...), under the account's clearance: an event
 * above it is never listed, and is 404 by href or in a sync.
 *
 * calendar-query filters VEVENTs, by a time-range or not; VTODO and
 * VJOURNAL filters match nothing (kcal keeps neither); of prop-filters
 * only one text-match on UID or SUMMARY is understood (a client looking
 * an event up by UID; contains, ASCII case ignored, the series' own
 * SUMMARY), any other, and filters inside a VEVENT, are refused (403
 * CALDAV:supported-filter).  A
 * recurring event is in when one of its occurrences is, found in the
 * store's occurrences index or by the daemon's own expansion (occur.h),
 * each walk stopping at the first.
 *
 * Bounds, so that no report can hold the loop: the request's recurrence
 * budget (recur_budget_begin in dav.c).  A report whose walks ran out of
 * it is refused, not answered with a guess: 507 with
 * DAV:number-of-matches-within-limits and the cause (narrow the range).
 * calendar-data with expand writes at most DAV_EXPAND_MAX occurrences in
 * all (ical-expand.c); more is the same 507.  A query over 2000-2100 on a
 * daily series is answered (its walk stops at the first occurrence); the
 * same with expand is refused.  A sync's DAV:limit lower than the number
 * of changes is 507 too (RFC 6578 3.6), and a token this server did not
 * give, or from its future, is 403 DAV:valid-sync-token.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "account.h"
#include "dav-int.h"
#include "dav-props.h"
#include "dav-xml.h"
#include "ical-expand.h"
#include "occur.h"
#include "recur.h"
#include "store.h"
#include "text-fold.h"
#include "store-dav.h"
#include "xmalloc.h"

struct rep {
	struct dav_call			*d;
	struct dav_ms			*ms;
	const struct dav_req		*rq;
	const struct dav_comp_filter	*vevent;	/* its time-range */
	size_t				 expanded;	/* occurrences so far */
	size_t				 n;
	int				 cut;	/* a walk ran out of budget */
	char				*why;
	int				 status;	/* an error: 500, 507 */
	json_t				*gone;	/* a sync's old names said */
};

static void
fail(struct rep *r, int status, char *why)
{
	if (r->status == 0) {
		r->status = status;
		r->why = why;
	} else
		free(why);
}

/* calendar-data with expand: the occurrences, in UTC, as their own. */
static char *
expanded(struct rep *r, const char *uid, const char *body)
{
	char	*out, *why = NULL;
	int	 over = 0;

	out = ical_expand(r->d->st, uid, body,
	    r->d->home_tz, r->rq->expand.start, r->rq->expand.end,
	    DAV_EXPAND_MAX - r->expanded, &r->expanded, &over, &why);
	if (out == NULL && over)
		fail(r, 507, xstrdup("calendar-data expand would write more "
		    "than the occurrences kcald answers at once; ask a "
		    "narrower expand range"));
	else if (out == NULL)
		fail(r, 500, why ? why : xstrdup("cannot expand"));
	return out;
}

/* One object's response (uid is visible); 0, or -1 after fail(). */
static int
object(struct rep *r, const char *uid, const char *href)
{
	char	*body, *cal = NULL, *why = NULL, *name = NULL, *h = NULL;
	size_t	 len;

	if ((body = dav_object_body_in(r->d->st, r->d->home_tz, uid, &len,
	    &why)) == NULL) {
		fail(r, 500, why ? why : xstrdup("cannot read an event"));
		return -1;
	}
	if (r->rq->has_expand && (cal = expanded(r, uid, body)) == NULL) {
		free(body);
		return -1;
	}
	if (href == NULL) {
		if (store_dav_name(r->d->st, uid, &name, &why) != 0) {
			fail(r, 500, why);
			free(body);
			free(cal);
			return -1;
		}
		href = h = dav_href_object(dav_user(r->d), name);
	}
	dav_props_response(r->d, r->ms, r->rq, DAV_RES_OBJECT, href, uid,
	    body, len, cal);
	r->n++;
	free(h);
	free(name);
	free(cal);
	free(body);
	return 0;
}

static void
gone(struct rep *r, const char *href)
{
	dav_ms_response(r->ms, href);
	dav_ms_status(r->ms, 404);
}

/* --- calendar-query ---------------------------------------------------- */

static int
counts(void *arg, const struct recur_occ *o)
{
	int	*found = arg;

	*found = !(o->overridden && o->ev->status != NULL &&
	    strcmp(o->ev->status, "cancelled") == 0);
	return *found;
}

/*
 * Does the series have an occurrence that counts in [from, to)?  Through
 * the store's occurrences index when it holds the series (occur.h: no
 * parse), else the daemon's expansion.  Only the callback stops the walk;
 * one stopped otherwise ran out of the request's budget (r->cut).
 */
static int
occurs(struct rep *r, const struct event *ev, const char *ical,
    int64_t from, int64_t to)
{
	struct dav_call	*d = r->d;
	char		*why = NULL;
	int		 n, found = 0;

	n = occur_expand(d->st, ev, ical, d->home_tz, from, to,
	    SIZE_MAX, counts, &found, &why);
	free(why);
	if (n == 1 && !found)
		r->cut = 1;
	return found;
}

/* Does the property the text-match of f names hold its text? */
static int
text_matches(const struct dav_comp_filter *f, const struct event *ev)
{
	const char	*v = strcmp(f->match_prop, "UID") == 0 ? ev->uid :
			    ev->summary ? ev->summary : "";

	switch (f->match) {
	case DAV_MATCH_OCTET:
		return strstr(v, f->match_text) != NULL;
	case DAV_MATCH_UNICODE:
		return text_holds(v, f->match_text);
	default:
		return strcasestr(v, f->match_text) != NULL;
	}
}

static int
query_row(void *arg, const struct event *ev, const char *ical)
{
	struct rep			*r = arg;
	const struct dav_comp_filter	*f = r->vevent;

	if (f != NULL && f->match_prop != NULL && !text_matches(f, ev))
		return 0;
	if (ical != NULL && f != NULL && f->has_range &&
	    !occurs(r, ev, ical, f->range.start, f->range.end))
		return r->cut;
	if (r->cut)
		return 1;
	return object(r, ev->uid, NULL) != 0;
}

/* The VEVENT filter of a query; -1 after answering what is refused. */
static int
query_filter(struct rep *r, int *none)
{
	const struct dav_comp_filter	*cal = r->rq->filter, *k;

	*none = 0;
	if (cal == NULL)
		return 0;
	if (strcmp(cal->name, "VCALENDAR") != 0 || cal->not_defined) {
		*none = 1;
		return 0;
	}
	if (cal->nprop_filters > 0 || cal->has_range || cal->nkids > 1)
		goto refuse;
	if (cal->nkids == 0)
		return 0;
	k = &cal->kids[0];
	if (strcmp(k->name, "VEVENT") != 0 || k->not_defined) {
		*none = 1;
		return 0;
	}
	if (k->nprop_filters > (k->match_prop != NULL) || k->nkids > 0)
		goto refuse;
	r->vevent = k;
	return 0;
refuse:
	dav_reply_error(r->d, 403, CALDAV_NS, "supported-filter", "kcald "
	    "filters VEVENTs by time-range only: no prop-filter, no filter "
	    "inside a VEVENT");
	r->status = -1;		/* answered */
	return -1;
}

static void
query(struct rep *r)
{
	struct store_query	 q;
	char			*why = NULL;
	int			 none;

	if (query_filter(r, &none) != 0)
		return;
	memset(&q, 0, sizeof q);
	q.from = INT64_MIN;
	q.to = INT64_MAX;
	q.include_cancelled = 1;
	if (r->vevent != NULL && r->vevent->has_range) {
		q.from = r->vevent->range.start;
		q.to = r->vevent->range.end;
	}
	if (!none && store_query(r->d->st, &q, query_row, r,
	    &why) != 0)
		fail(r, 500, why ? why : xstrdup("cannot read the store"));
}

/* --- calendar-multiget ------------------------------------------------- */

/*
 * The object name an href points at in this account's calendar, decoded
 * (a full URL's scheme and authority dropped); NULL when it is not one.
 */
static char *
href_name(struct rep *r, const char *href)
{
	char		*prefix, *out = NULL, *path, *p, *o;
	unsigned	 c;
	size_t		 n;

	if ((p = strstr(href, "://")) != NULL &&
	    (p = strchr(p + 3, '/')) != NULL)
		href = p;
	path = xstrdup(href);
	for (p = o = path; *p != '\0'; p++) {	/* percent-decode */
		if (p[0] == '%' && p[1] != '\0' && p[2] != '\0' &&
		    sscanf(p + 1, "%2x", &c) == 1 && c != 0) {
			*o++ = (char)c;
			p += 2;
		} else
			*o++ = *p;
	}
	*o = '\0';
	xasprintf(&prefix, "/dav/calendars/%s/" DAV_CAL_NAME "/", dav_user(r->d));
	n = strlen(prefix);
	if (strncmp(path, prefix, n) == 0 && path[n] != '\0')
		out = xstrdup(path + n);
	free(prefix);
	free(path);
	return out;
}

static void
multiget(struct rep *r)
{
	struct store	*st = r->d->st;
	char		*name, *uid;

	for (size_t i = 0; i < r->rq->nhrefs && r->status == 0; i++) {
		const char	*href = r->rq->hrefs[i];

		uid = NULL;
		if ((name = href_name(r, href)) == NULL ||
		    store_dav_lookup(st, name, &uid, NULL) != 0 ||
		    !store_visible(st, uid))
			gone(r, href);
		else
			object(r, uid, href);
		free(uid);
		free(name);
	}
}

/* --- sync-collection --------------------------------------------------- */

struct change {
	char	*uid;
	int	 deleted;
};

struct changes {
	struct change	*v;
	size_t		 n, cap;
};

static int
collect(void *arg, const char *uid, int deleted)
{
	struct changes	*c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n].uid = xstrdup(uid);
	c->v[c->n++].deleted = deleted;
	return 0;
}

/*
 * A change: the object as it is now, or 404 (deleted, or not visible) --
 * but only if the account may once have seen it: an event always above
 * its clearance is not named, not even as gone.
 */
/*
 * A deletion kept when its UID was made again ("UID\nseq", migration
 * 18): its old name gone, unless the UID's own row (later in the log, so
 * in the same answer) names that href already, as there or gone again.
 * Into *uid the UID; 1 when there is nothing to report.
 */
static int
ghost(struct rep *r, const struct change *ch, char **uid)
{
	struct store	*st = r->d->st;
	char		*old = NULL, *now = NULL, *why = NULL;
	int		 same;

	*uid = xstrndup(ch->uid, strcspn(ch->uid, "\n"));
	if (store_dav_name(st, ch->uid, &old, &why) != 0 ||
	    store_dav_name(st, *uid, &now, &why) != 0) {
		free(why);
		free(old);
		return 0;
	}
	same = strcmp(old, now) == 0;
	free(old);
	free(now);
	return same;
}

static void
changed(struct rep *r, const struct change *ch)
{
	struct store	*st = r->d->st;
	char		*name = NULL, *href, *why = NULL, *uid = NULL;
	int		 low, rc;

	if (!ch->deleted && store_visible(st, ch->uid)) {
		object(r, ch->uid, NULL);
		return;
	}
	if (strchr(ch->uid, '\n') != NULL && ghost(r, ch, &uid)) {
		free(uid);
		return;
	}
	rc = store_dav_lowest(st, uid ? uid : ch->uid, &low);
	free(uid);
	if (rc != 0) {
		fail(r, 500, xstrdup("cannot read the change log"));
		return;
	}
	if (low > (int)r->d->c.acct->who.clearance)
		return;
	if (store_dav_name(st, ch->uid, &name, &why) != 0) {
		fail(r, 500, why);
		return;
	}
	href = dav_href_object(dav_user(r->d), name);
	/* An old name made and deleted again is one 404, not two. */
	if (r->gone == NULL || json_object_get(r->gone, href) == NULL) {
		gone(r, href);
		if (r->gone != NULL)
			json_object_set_new(r->gone, href, json_true());
	}
	free(href);
	free(name);
}

static void
sync_collection(struct rep *r)
{
	struct store	*st = r->d->st;
	struct changes	 c = { NULL, 0, 0 };
	int64_t		 now, since = 0;
	char		*tok, *why = NULL;
	int		 initial = r->rq->sync_token[0] == '\0';

	if (store_dav_token(st, &now) != 0) {
		fail(r, 500, xstrdup("cannot read the change log"));
		return;
	}
	if (!initial && (dav_parse_token(r->rq->sync_token, &since) != 0 ||
	    since > now)) {
		dav_reply_error(r->d, 403, DAV_NS, "valid-sync-token", "not a "
		    "sync token of this calendar; sync again from none");
		r->status = -1;
		return;
	}
	if (initial) {
		/* RFC 6578 3.7: a DAV:limit holds for the first sync too */
		if (dav_props_members(r->d, r->ms, r->rq, &why) != 0)
			fail(r, 500, why);
		else if (r->rq->limit > 0 && dav_ms_count(r->ms) > r->rq->limit)
			fail(r, 507, xstrdup("more members than the limit "
			    "asked for"));
	} else if (store_dav_changes(st, since, collect, &c, &why) != 0)
		fail(r, 500, why);
	else if (r->rq->limit > 0 && c.n > r->rq->limit)
		fail(r, 507, xstrdup("more changes than the limit asked for"));
	else {
		r->gone = json_object();
		for (size_t i = 0; i < c.n && r->status == 0; i++)
			changed(r, &c.v[i]);
		json_decref(r->gone);
		r->gone = NULL;
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].uid);
	free(c.v);
	tok = dav_sync_token(now);
	dav_ms_sync_token(r->ms, tok);
	free(tok);
}

void
dav_report(struct dav_call *d)
{
	struct dav_req	*rq = d->rq;	/* parsed on the loop */
	struct rep	 r;

	if (rq == NULL) {
		dav_reply_refused(d, &d->err);
		return;
	}
	memset(&r, 0, sizeof r);
	r.d = d;
	r.rq = rq;
	r.ms = dav_ms_new();
	if (rq->kind == DAV_CALENDAR_QUERY)
		query(&r);
	else if (rq->kind == DAV_CALENDAR_MULTIGET)
		multiget(&r);
	else if (rq->kind == DAV_SYNC_COLLECTION)
		sync_collection(&r);
	else
		fail(&r, 403, xstrdup("not a REPORT kcald answers"));
	if (r.cut)
		fail(&r, 507, xstrdup("the report asks more recurrence "
		    "expansion than kcald does for one request; ask a narrower "
		    "time-range"));
	if (r.status == 0)
		dav_reply_ms(d, r.ms);
	else {
		dav_ms_free(r.ms);
		if (r.status == 507)
			dav_reply_error(d, 507, DAV_NS,
			    "number-of-matches-within-limits", r.why);
		else if (r.status == 403)
			dav_reply_error(d, 403, DAV_NS, "supported-report",
			    r.why);
		else if (r.status > 0)
			dav_reply_text(d, r.status, r.why ? r.why :
			    "cannot answer the report");
	}
	free(r.why);
}
