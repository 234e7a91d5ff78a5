/*
 * dav-put.c — the CalDAV writes (RFC 4791 5.3.2, RFC 4918 9.6, 9.7): PUT
 * and DELETE of a calendar object resource (dav.c refuses MKCALENDAR,
 * MKCOL, PROPPATCH and scheduling's POST).  What is written and
 * how is write-put.c's, the write path kcal's own commands use; here is
 * HTTP: the resource's name and the UID it holds (store-dav.h), the
 * preconditions (If-Match, If-None-Match: *), the answer's status, ETag and
 * DAV:error body, in one transaction with the write.  That transaction
 * commits without waiting for the disk and its answer waits instead
 * (sync_write_begin, http_reply_synced), as a socket group's
 * acknowledgements do: the loop goes on while the log is synced.
 *
 * Answers.  201 (a new resource) or 204 (an update, or the same event
 * again), with the ETag only when what GET now serves is the very bytes
 * PUT sent (RFC 4791 5.3.4: otherwise a client must fetch it again, as
 * kcal stores the event repaired and renumbered).  The clashes the write
 * makes (kcal conflicts) are in the header Kcal-Conflicts, per clash its
 * type, the other event's UID and summary:
 *   Kcal-Conflicts: overlap 42@x "Bilateral with Japan", transfer 7@x "Lunch"
 * A refusal carries a DAV:error naming the precondition and saying in a
 * DAV:responsedescription what is wrong (the import's words for a body
 * kcal import would refuse):
 *   403 DAV:need-privileges            read-only user, or an event (stored
 *                                      or sent) above the user's clearance,
 *                                      or one that hidden events follow
 *   403 CALDAV:valid-calendar-data     not iCalendar kcal import accepts
 *   403 CALDAV:valid-calendar-object-resource  several UIDs, no UID,
 *                                      overrides without their series, a
 *                                      METHOD (scheduling), a changed UID
 *   403 CALDAV:supported-calendar-component    a VTODO, VJOURNAL, ...
 *   415 CALDAV:supported-calendar-data a Content-Type not text/calendar
 *   415                                a Content-Encoding (gzip, ...)
 *   400                                a Content-Range (a partial PUT)
 *   409 CALDAV:no-uid-conflict         the UID is another resource's (href)
 *   413 CALDAV:max-resource-size       over write_put_max()
 *   412                                If-Match / If-None-Match failed
 *   409                                anchors refuse it (a cycle, ...)
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "dav.h"
#include "dav-int.h"
#include "dav-xml.h"
#include "http.h"
#include "httpd.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "store-dav.h"
#include "write-put.h"
#include "xmalloc.h"

/* What the name held before the write, and whether it may go on. */
struct target {
	char	*uid;		/* NULL: no event the user may see */
	int	 status;	/* 0, or the refusal's (404, 403, 412) */
};

/* Printable ASCII only: a cause may quote a client's bytes. */
static char *
clean(const char *s)
{
	char	*t = xstrdup(s ? s : ""), *p;

	for (p = t; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return t;
}

static void
refuse(struct dav_ctx *d, int status, const char *ns, const char *cond,
    const char *href, const char *why)
{
	struct httpd_resp	*r;
	char			*body, *w = clean(why);
	size_t			 len;

	body = dav_error_detail(ns, cond, href, w, &len);
	r = httpd_resp(status, body, len);
	httpd_resp_header(r, "Content-Type", "application/xml; charset=utf-8");
	http_reply_synced(d->srv, d->q, r);	/* as every answer here */
	free(body);
	free(w);
}

/* The href of the resource that holds uid, in the user's calendar. */
static char *
href_of(struct dav_ctx *d, const char *uid)
{
	char	*name = NULL, *h;

	if (store_dav_name(d->srv->store, uid, &name, NULL) != 0)
		return NULL;
	h = dav_href_object(d->user, name);
	free(name);
	return h;
}

/* The ETag GET gives uid now (under the store's clearance), or NULL. */
static char *
etag_now(struct dav_ctx *d, const char *uid)
{
	char	*body, *tag;
	size_t	 len;

	if ((body = dav_object_body(d->srv, uid, &len, NULL)) == NULL)
		return NULL;
	tag = dav_etag(body, len);
	free(body);
	return tag;
}

/*
 * The UID the name holds, as the user may see it, and the preconditions
 * (RFC 7232 3.1, 3.2) against it: t->status 412 when they fail.
 */
static void
target(struct dav_ctx *d, struct target *t)
{
	const char	*im = httpd_header(d->q, "If-Match");
	const char	*inm = httpd_header(d->q, "If-None-Match");
	char		*uid = NULL, *tag;

	memset(t, 0, sizeof *t);
	if (store_dav_lookup(d->srv->store, d->name, &uid, NULL) == 0 &&
	    !store_visible(d->srv->store, uid)) {
		free(uid);
		uid = NULL;
		t->status = 403;	/* there, but not for this user */
		return;
	}
	t->uid = uid;
	if (im != NULL) {
		if (uid == NULL)
			t->status = 412;
		else if (strcmp(im, "*") != 0) {
			tag = etag_now(d, uid);
			if (tag == NULL || !httpd_etag_in(im, tag, 0))
				t->status = 412;
			free(tag);
		}
	}
	if (inm == NULL || uid == NULL)
		return;
	if (strcmp(inm, "*") == 0)
		t->status = 412;
	else if ((tag = etag_now(d, uid)) != NULL) {
		if (httpd_etag_in(inm, tag, 1))
			t->status = 412;
		free(tag);
	}
}

/* Is the Content-Type iCalendar (or not given)? */
static int
calendar_type(struct dav_ctx *d)
{
	const char	*ct = httpd_header(d->q, "Content-Type");

	if (ct == NULL)
		return 1;
	ct += strspn(ct, " \t");
	return strncasecmp(ct, "text/calendar", 13) == 0 &&
	    (ct[13] == '\0' || ct[13] == ';' || ct[13] == ' ');
}

/* Is the body as it was written (no Content-Encoding, or identity)? */
static int
identity(struct dav_ctx *d)
{
	const char	*ce = httpd_header(d->q, "Content-Encoding");
	size_t		 n;

	if (ce == NULL)
		return 1;
	for (;;) {	/* every coding in the list must be identity */
		ce += strspn(ce, " \t,");
		if (*ce == '\0')
			return 1;
		n = strcspn(ce, " \t,");
		if (n != 8 || strncasecmp(ce, "identity", 8) != 0)
			return 0;
		ce += n;
	}
}

/* A refused write, as write_put's result says. */
static void
refuse_put(struct dav_ctx *d, struct put_out *o)
{
	char	*href = NULL;

	switch (o->res) {
	case PUT_FORBIDDEN:
		refuse(d, 403, DAV_NS, "need-privileges", NULL, o->why);
		break;
	case PUT_NOT_FOUND:
		refuse(d, 404, NULL, NULL, NULL, o->why);
		break;
	case PUT_BAD_DATA:
		refuse(d, 403, CALDAV_NS, "valid-calendar-data", NULL, o->why);
		break;
	case PUT_BAD_OBJECT:
		refuse(d, 403, CALDAV_NS, "valid-calendar-object-resource",
		    NULL, o->why);
		break;
	case PUT_COMPONENT:
		refuse(d, 403, CALDAV_NS, "supported-calendar-component", NULL,
		    o->why);
		break;
	case PUT_UID_CONFLICT:
		href = href_of(d, o->other);
		refuse(d, 409, CALDAV_NS, "no-uid-conflict", href, o->why);
		break;
	case PUT_TOO_BIG:
		refuse(d, 413, CALDAV_NS, "max-resource-size", NULL, o->why);
		break;
	case PUT_REFUSED:
		refuse(d, 409, NULL, NULL, NULL, o->why);
		break;
	default:
		log_warnx("dav: %s %s: %s", httpd_method(d->q), d->name,
		    o->why ? o->why : "failed");
		refuse(d, 500, NULL, NULL, NULL, o->why);
		break;
	}
	free(href);
}

/* 201 or 204, the ETag if GET serves what was sent, the clashes. */
static void
put_done(struct dav_ctx *d, struct put_out *o, const char *body, size_t len)
{
	struct httpd_resp	*r;
	char			*now, *tag, *cs;
	size_t			 n;

	r = httpd_resp(o->res == PUT_CREATED ? 201 : 204, NULL, 0);
	if ((now = dav_object_body(d->srv, o->uid, &n, NULL)) != NULL &&
	    n == len && memcmp(now, body, len) == 0) {
		tag = dav_etag(now, n);
		httpd_resp_header(r, "ETag", tag);
		free(tag);
	}
	free(now);
	if ((cs = write_put_conflicts(o->conflicts, o->uid)) != NULL) {
		httpd_resp_header(r, "Kcal-Conflicts", cs);
		free(cs);
	}
	http_reply_synced(d->srv, d->q, r);	/* once on the disk */
}

/*
 * Begin the write: its commit does not wait for the disk, its answer does
 * (server-sync.c, http_reply_synced), so the loop does not wait for the
 * fsync.  The lazy flag (sync_write_begin's), or -1 with the refusal sent.
 */
static int
begin(struct dav_ctx *d)
{
	char	*why = NULL;
	int	 lazy;

	if ((lazy = sync_write_begin(d->srv, &why)) >= 0)
		return lazy;
	refuse(d, 503, NULL, NULL, NULL, why);
	free(why);
	return -1;
}

/* Roll the write back (the lazy flag is begin's). */
static void
undo(struct dav_ctx *d, int lazy)
{
	store_rollback(d->srv->store);
	sync_write_end(d->srv, lazy, 0);
}

/* Commit it: 0, or -1 with a 500 sent. */
static int
commit(struct dav_ctx *d, int lazy)
{
	char	*why = NULL;
	int	 rc;

	rc = store_commit(d->srv->store, &why);
	sync_write_end(d->srv, lazy, rc == 0);
	if (rc == 0)
		return 0;
	refuse(d, 500, NULL, NULL, NULL, why);
	free(why);
	return -1;
}

/* Name the event as the client did; 0, or -1 with the refusal sent. */
static int
name_it(struct dav_ctx *d, struct put_out *o)
{
	char	*why = NULL;
	int	 rc;

	if ((rc = store_dav_set_name(d->srv->store, o->uid, d->name,
	    &why)) == 0)
		return 0;
	if (rc == STORE_AMBIGUOUS)
		refuse(d, 409, NULL, NULL, NULL, "another event has that name");
	else
		refuse(d, 500, NULL, NULL, NULL, why);
	free(why);
	return -1;
}

static void
put_in(struct dav_ctx *d, const char *body, size_t len)
{
	struct target	 t;
	struct put_req	 rq = { body, len, d->name, NULL };
	struct put_out	 o;
	int		 lazy;

	if ((lazy = begin(d)) < 0)
		return;
	target(d, &t);
	if (t.status != 0) {
		undo(d, lazy);
		refuse(d, t.status, t.status == 403 ? DAV_NS : NULL,
		    t.status == 403 ? "need-privileges" : NULL, NULL,
		    t.status == 412 ? "the resource is not in the state the "
		    "request expects (If-Match, If-None-Match)" : "the "
		    "resource holds an event this account may not change");
		free(t.uid);
		return;
	}
	rq.uid = t.uid;
	write_put(d->srv, &d->acct->who, &rq, &o);
	if (o.why != NULL) {
		undo(d, lazy);
		refuse_put(d, &o);
	} else if (name_it(d, &o) != 0)
		undo(d, lazy);
	else if (commit(d, lazy) == 0) {
		if (o.res != PUT_UNCHANGED)
			server_changed(d->srv);
		log_info("dav: %s put %s (%s)", d->user, o.uid,
		    o.res == PUT_CREATED ? "new" : o.res == PUT_UPDATED ?
		    "updated" : "unchanged");
		put_done(d, &o, body, len);
	}
	write_put_clear(&o);
	free(t.uid);
}

/* PUT of the object d->name (the brief at the top of the file). */
void
dav_put(struct dav_ctx *d)
{
	const struct access_who	*who = &d->acct->who;
	enum access_class	 cl;
	const char		*body;
	size_t			 len, max = write_put_max(d->srv);
	char			*why;

	body = httpd_body(d->q, &len);
	if (d->name == NULL) {
		refuse(d, 405, NULL, NULL, NULL, "PUT a calendar object "
		    "(NAME.ics) into the collection, not the collection");
		return;
	}
	if (who->level != ACCESS_WRITE) {
		refuse(d, 403, DAV_NS, "need-privileges", NULL, "this account "
		    "may only read");
		return;
	}
	if (len > max) {
		xasprintf(&why, "%zu bytes, more than a calendar object may "
		    "hold (%zu)", len, max);
		refuse(d, 413, CALDAV_NS, "max-resource-size", NULL, why);
		free(why);
		return;
	}
	if (!calendar_type(d)) {
		refuse(d, 415, CALDAV_NS, "supported-calendar-data", NULL,
		    "a calendar object is text/calendar");
		return;
	}
	if (!identity(d)) {	/* RFC 9110 8.4: a coding we cannot undo */
		refuse(d, 415, NULL, NULL, NULL, "a calendar object is sent "
		    "without a Content-Encoding (gzip and the like are not "
		    "taken)");
		return;
	}
	if (httpd_header(d->q, "Content-Range") != NULL) {
		/* RFC 9110 14.5: a partial PUT is not a PUT of the whole */
		refuse(d, 400, NULL, NULL, NULL, "a PUT with Content-Range "
		    "(a part of a resource) is not taken");
		return;
	}
	cl = store_set_clearance(d->srv->store, who->clearance);
	put_in(d, body ? body : "", body ? len : 0);
	store_set_clearance(d->srv->store, cl);
}

static void
delete_in(struct dav_ctx *d)
{
	struct target	 t;
	struct put_out	 o;
	int		 lazy;

	if ((lazy = begin(d)) < 0)
		return;
	target(d, &t);
	/* A hidden event is not there (404), as for GET. */
	if (t.uid == NULL && t.status != 412)
		t.status = 404;
	if (t.status != 0) {
		undo(d, lazy);
		refuse(d, t.status, NULL, NULL, NULL, t.status == 404 ?
		    "no such calendar object" : "the resource is not in the "
		    "state the request expects (If-Match)");
		free(t.uid);
		return;
	}
	write_put_delete(d->srv, &d->acct->who, t.uid, &o);
	if (o.why != NULL) {
		undo(d, lazy);
		refuse_put(d, &o);
	} else if (commit(d, lazy) == 0) {
		server_changed(d->srv);
		log_info("dav: %s deleted %s", d->user, t.uid);
		http_reply_synced(d->srv, d->q, httpd_resp(204, NULL, 0));
	}
	write_put_clear(&o);
	free(t.uid);
}

/*
 * DELETE of the object d->name: as kcal delete, the events that followed
 * it stay where they are and follow nothing.  The collection itself is
 * not deleted.
 */
void
dav_delete(struct dav_ctx *d)
{
	const struct access_who	*who = &d->acct->who;
	enum access_class	 cl;

	if (d->name == NULL) {
		refuse(d, 403, DAV_NS, "need-privileges", NULL, "the calendar "
		    "itself cannot be deleted");
		return;
	}
	if (who->level != ACCESS_WRITE) {
		refuse(d, 403, DAV_NS, "need-privileges", NULL, "this account "
		    "may only read");
		return;
	}
	cl = store_set_clearance(d->srv->store, who->clearance);
	delete_in(d);
	store_set_clearance(d->srv->store, cl);
}

/*
 * A PUT under /dav/ with a body over http_max_body_size, refused by the
 * HTTP server before it is read (httpd_on_too_big): the 413 a smaller one
 * over the limit gets, CALDAV:max-resource-size.  Other requests get the
 * server's plain 413.
 */
void
dav_too_big(struct server *srv, struct httpd_req *q)
{
	struct dav_ctx	 d = { srv, q, NULL, NULL, NULL };
	char		*why;

	if (strcmp(httpd_method(q), "PUT") != 0 ||
	    strncmp(httpd_url(q), "/dav/", 5) != 0)
		return;
	xasprintf(&why, "more than a calendar object may hold (%zu bytes)",
	    write_put_max(srv));
	refuse(&d, 413, CALDAV_NS, "max-resource-size", NULL, why);
	free(why);
}
