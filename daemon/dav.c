/*
 * dav.c — CalDAV's front door (RFC 4791, RFC 4918, RFC 6764): which
 * resource a URL under /dav/ names, who asks (HTTP Basic, checked by
 * account.c), and which method goes where:
 *
 *   /.well-known/caldav              301 to /dav/, no account needed
 *   / (PROPFIND, OPTIONS only)       the root, as /dav/
 *   /dav/                            the root (current-user-principal)
 *   /dav/principals/USER/            a principal
 *   /dav/calendars/USER/             its calendar home
 *   /dav/calendars/USER/calendar/    the one calendar collection
 *   /dav/calendars/USER/calendar/N   an object (N: "UID.ics" or the name
 *                                    a client PUT it as; may hold '/')
 *
 * USER is the account's own name: another user's principal or home is
 * 404, as a hidden event is.  Every request runs as its account: the
 * store's clearance is set to the account's for the whole request, so
 * the modules (dav-props.c, dav-report.c, dav-get.c) never meet an event
 * above it, and the recurrence budget is begun for it (recur.h).  The
 * reads (PROPFIND, REPORT, GET, HEAD) run off the loop, on the worker's
 * thread and store (dav-job.c); PUT and DELETE here.
 * OPTIONS says DAV: 1, 3, calendar-access (without an account too: clients
 * ask before they log in); what is refused says why:
 * 401 without a good account, 429 and Retry-After while one is locked out
 * by failed logins (counted by the peer's address: behind a trusted
 * reverse proxy, the address it names in X-Real-IP, login_peer), 403
 * for what no one may do here (MKCALENDAR, MKCOL, PROPPATCH, COPY, MOVE)
 * or what the account may not (a read-only account writing), 405 for a
 * method the resource does not have, 501 for a method kcald does not
 * know.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "account.h"
#include "dav-int.h"
#include "dav-xml.h"
#include "http.h"
#include "httpd.h"
#include "kcal-protocol.h"
#include "log.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "store-dav.h"
#include "xmalloc.h"

#define SYNC_PREFIX	"http://kcal.invalid/sync/"

/* --- answers ----------------------------------------------------------- */

/*
 * The answer r: sent, or kept for the loop when made off it (dav-job.c).
 * Sent from the loop once the disk has every commit made so far
 * (http_reply_synced): the request may have seen a group that serve_as
 * committed for it, or made a write of its own, that only then is durable.
 */
void
dav_send(struct dav_call *d, struct httpd_resp *r)
{
	if (d->c.q != NULL)
		http_reply_synced(d->c.srv, d->c.q, r);
	else if (d->resp != NULL) {	/* the first answer stays, as httpd's */
		log_warnx("dav: a request answered twice");
		httpd_resp_free(r);
	} else
		d->resp = r;
}

void
dav_reply(struct dav_call *d, int status, const char *type, const char *body,
    size_t len)
{
	struct httpd_resp	*r = httpd_resp(status, body, len);

	if (type != NULL)
		httpd_resp_header(r, "Content-Type", type);
	dav_send(d, r);
}

void
dav_reply_text(struct dav_call *d, int status, const char *msg)
{
	char	*body;

	xasprintf(&body, "%s\n", msg);
	dav_reply(d, status, "text/plain; charset=utf-8", body, strlen(body));
	free(body);
}

/*
 * A refused precondition (RFC 4918 16): <D:error> with the condition's
 * element and, beside it, the cause in words for a person reading logs.
 */
void
dav_reply_error(struct dav_call *d, int status, const char *ns,
    const char *cond, const char *cause)
{
	xmlDoc	*doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode	*root, *n;
	xmlNs	*dns, *cns;
	xmlChar	*out = NULL;
	int	 len = 0;

	root = xmlNewDocNode(doc, NULL, (const xmlChar *)"error", NULL);
	xmlDocSetRootElement(doc, root);
	dns = xmlNewNs(root, (const xmlChar *)DAV_NS, (const xmlChar *)"D");
	xmlSetNs(root, dns);
	n = xmlNewChild(root, NULL, (const xmlChar *)cond, NULL);
	if (strcmp(ns, DAV_NS) != 0) {
		cns = xmlNewNs(root, (const xmlChar *)ns, (const xmlChar *)"C");
		xmlSetNs(n, cns);
	}
	if (cause != NULL)
		xmlNewTextChild(root, dns, (const xmlChar *)"responsedescription",
		    (const xmlChar *)cause);
	xmlDocDumpMemoryEnc(doc, &out, &len, "UTF-8");
	xmlFreeDoc(doc);
	if (out == NULL)
		fatalx("dav: out of memory");
	dav_reply(d, status, "application/xml; charset=utf-8",
	    (const char *)out, (size_t)len);
	xmlFree(out);
}

/*
 * A request body dav_parse() refused: its status, with the precondition
 * in a DAV:error body when there is one.  Clears err.
 */
void
dav_reply_refused(struct dav_call *d, struct dav_err *err)
{
	if (err->cond != NULL)
		dav_reply_error(d, err->status, err->cond_ns, err->cond,
		    err->cause);
	else
		dav_reply_text(d, err->status, err->cause);
	dav_err_clear(err);
}

void
dav_reply_ms(struct dav_call *d, struct dav_ms *ms)
{
	size_t	 len;
	char	*body = dav_ms_finish(ms, &len);

	dav_reply(d, 207, "application/xml; charset=utf-8", body, len);
	free(body);
}

/* --- hrefs and tokens -------------------------------------------------- */

/* s with every byte but RFC 3986's unreserved ones percent-encoded. */
static char *
encode(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out = xmalloc(strlen(s) * 3 + 1), *p = out;

	for (; *s != '\0'; s++) {
		unsigned char	c = *s;

		if (isalnum(c) || strchr("-._~@", c) != NULL)
			*p++ = c;
		else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

static char *
href(const char *fmt, const char *user, const char *name)
{
	char	*u = encode(user), *n = name ? encode(name) : NULL, *out;

	xasprintf(&out, fmt, u, n ? n : "");
	free(u);
	free(n);
	return out;
}

char *
dav_href_principal(const char *user)
{
	return href("/dav/principals/%s/%s", user, NULL);
}

char *
dav_href_home(const char *user)
{
	return href("/dav/calendars/%s/%s", user, NULL);
}

char *
dav_href_calendar(const char *user)
{
	return href("/dav/calendars/%s/" DAV_CAL_NAME "/%s", user, NULL);
}

char *
dav_href_object(const char *user, const char *name)
{
	return href("/dav/calendars/%s/" DAV_CAL_NAME "/%s", user, name);
}

char *
dav_sync_token(int64_t n)
{
	char	*out;

	xasprintf(&out, SYNC_PREFIX "%" PRId64, n);
	return out;
}

/* A token this server gave: "http://kcal.invalid/sync/N" or "data:,N". */
int
dav_parse_token(const char *s, int64_t *n)
{
	char		*end;
	long long	 v;

	if (strncmp(s, SYNC_PREFIX, sizeof SYNC_PREFIX - 1) == 0)
		s += sizeof SYNC_PREFIX - 1;
	else if (strncmp(s, "data:,", 6) == 0)
		s += 6;
	else
		return -1;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0)
		return -1;
	*n = v;
	return 0;
}

const char *
dav_user(const struct dav_call *d)
{
	return d->c.user;
}

/* --- routing ----------------------------------------------------------- */

/* The next segment of *p (up to '/'), or NULL at the end. */
static char *
segment(const char **p)
{
	const char	*s = *p, *e;

	if (*s == '\0')
		return NULL;
	e = strchr(s, '/');
	*p = e != NULL ? e + 1 : s + strlen(s);
	return xstrndup(s, e != NULL ? (size_t)(e - s) : strlen(s));
}

/*
 * The object name at p, or NULL.  Not "." or ".." (a client that
 * normalises its URLs, RFC 3986 5.2.4, would reach the calendar or its
 * home instead, and could neither GET nor DELETE it), nor one with a
 * control character ("%00" arrives as DEL: httpd.c, unescape_cb).  A "/"
 * sent as "%2F" (from a UID that has one: HTTPD_SLASH) is a name's like
 * any other; a '/' as such is a path below the calendar's objects, where
 * no collection is (*nested).  Nor one that is not UTF-8 (*bad): a
 * client that reads hrefs as UTF-8 could not name it back (vdirsyncer
 * then stops syncing the whole calendar).
 */
static char *
object_name(const char *p, int *nested, int *bad)
{
	char	*name;

	if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
		return NULL;
	if (strchr(p, '/') != NULL) {
		*nested = 1;
		return NULL;
	}
	name = xstrdup(p);
	for (unsigned char *c = (unsigned char *)name; *c; c++) {
		if (*c == (unsigned char)HTTPD_SLASH)
			*c = '/';
		else if (*c < 0x20 || *c == 0x7f) {
			free(name);
			return NULL;
		}
	}
	/* nor one that is not UTF-8: a client cannot name it back */
	for (size_t i = 0, n = strlen(name), k; i < n; i += k)
		if ((k = proto_utf8_len((unsigned char *)name + i,
		    n - i)) == 0) {
			*bad = 1;
			free(name);
			return NULL;
		}
	return name;
}

/*
 * The resource of path (already percent-decoded by the HTTP server, past
 * "/dav/"), for account user: 0, or -1 for none (404).
 */
static int
resolve(struct dav_call *d, const char *p, const char *user)
{
	char	*top = segment(&p), *u = NULL, *cal = NULL;
	int	 rc = -1;

	if (top == NULL) {
		d->res = DAV_RES_ROOT;
		return 0;
	}
	if ((u = segment(&p)) == NULL) {
		if (strcmp(top, "principals") == 0) {
			d->res = DAV_RES_PRINCIPALS;
			rc = 0;
		}
		goto done;
	}
	if (strcmp(u, user) != 0)
		goto done;
	if (strcmp(top, "principals") == 0) {
		d->res = DAV_RES_PRINCIPAL;
		rc = *p == '\0' ? 0 : -1;
	} else if (strcmp(top, "calendars") == 0) {
		if ((cal = segment(&p)) == NULL) {
			d->res = DAV_RES_HOME;
			rc = 0;
		} else if (strcmp(cal, DAV_CAL_NAME) == 0 && *p == '\0') {
			d->res = DAV_RES_CALENDAR;
			rc = 0;
		} else if (strcmp(cal, DAV_CAL_NAME) == 0 &&
		    (d->c.name = object_name(p, &d->nested,
		    &d->bad_name)) != NULL) {
			d->res = DAV_RES_OBJECT;
			rc = 0;
		}
	}
done:
	free(top);
	free(u);
	free(cal);
	return rc;
}

/* The object's event, if one by that name exists and may be seen. */
void
dav_find_object(struct dav_call *d)
{
	struct store	*st = d->st;
	char		*uid = NULL;

	if (store_dav_lookup(st, d->c.name, &uid, NULL) == 0 &&
	    store_visible(st, uid))
		d->uid = uid;
	else
		free(uid);
}

static const char *
allow(enum dav_res res)
{
	switch (res) {
	case DAV_RES_OBJECT:
		return "OPTIONS, GET, HEAD, PROPFIND, PUT, DELETE";
	case DAV_RES_CALENDAR:
		return "OPTIONS, PROPFIND, REPORT";
	default:
		return "OPTIONS, PROPFIND";
	}
}

static void
not_allowed(struct dav_call *d)
{
	struct httpd_resp	*r;
	static const char	 msg[] = "Method Not Allowed\n";

	r = httpd_resp(405, msg, sizeof msg - 1);
	httpd_resp_header(r, "Allow", allow(d->res));
	httpd_resp_header(r, "Content-Type", "text/plain; charset=utf-8");
	dav_send(d, r);
}

static void
options(struct dav_call *d)
{
	struct httpd_resp	*r = httpd_resp(200, "", 0);

	httpd_resp_header(r, "DAV", "1, 3, calendar-access");
	httpd_resp_header(r, "Allow", allow(d->res));
	dav_send(d, r);
}

/* PUT and DELETE: dav-put.c's, for an account that may write. */
static void
write_method(struct dav_call *d, const char *m)
{
	if (d->res != DAV_RES_OBJECT) {
		not_allowed(d);
		return;
	}
	if (d->c.acct->who.level != ACCESS_WRITE) {
		dav_reply_error(d, 403, DAV_NS, "need-privileges",
		    "this account may only read the calendar");
		return;
	}
	if (strcmp(m, "PUT") == 0)
		dav_put(&d->c);
	else
		dav_delete(&d->c);
}

static int
is_mk(const char *m)
{
	return strcmp(m, "MKCALENDAR") == 0 || strcmp(m, "MKCOL") == 0;
}

static void
refuse_mk(struct dav_call *d)
{
	dav_reply_error(d, 403, CALDAV_NS, "calendar-collection-location-ok",
	    "each account has one calendar, " DAV_CAL_NAME "; no other can be "
	    "made");
}

/* What is not a read (dav_is_read: PROPFIND, REPORT, GET, HEAD). */
static void
dispatch(struct dav_call *d, const char *m)
{
	if (strcmp(m, "OPTIONS") == 0)
		options(d);
	else if (strcmp(m, "REPORT") == 0)
		dav_reply_error(d, 403, DAV_NS, "supported-report",
		    "REPORT is answered on the calendar collection");
	else if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		not_allowed(d);
	else if (strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0)
		write_method(d, m);
	else if (is_mk(m))
		refuse_mk(d);
	else if (strcmp(m, "PROPPATCH") == 0 || strcmp(m, "COPY") == 0 ||
	    strcmp(m, "MOVE") == 0)
		dav_reply_error(d, 403, DAV_NS, "need-privileges",
		    "kcald does not change properties, copy or move resources");
	else if (strcmp(m, "LOCK") == 0 || strcmp(m, "UNLOCK") == 0 ||
	    strcmp(m, "POST") == 0 || strcmp(m, "ACL") == 0)
		not_allowed(d);
	else
		dav_reply_text(d, 501, "method not implemented");
}

/* No good account: 401 asking for one, or 429 while it is locked out. */
static void
refuse(struct httpd_req *q, enum account_result res, unsigned retry)
{
	struct httpd_resp	*r;
	char			 buf[32];
	static const char	 need[] = "Unauthorized\n";
	static const char	 many[] = "Too many failed logins; try later\n";

	if (res == ACCOUNT_LIMITED) {
		r = httpd_resp(429, many, sizeof many - 1);
		snprintf(buf, sizeof buf, "%u", retry > 0 ? retry : 1);
		httpd_resp_header(r, "Retry-After", buf);
	} else {
		r = httpd_resp(401, need, sizeof need - 1);
		httpd_resp_header(r, "WWW-Authenticate",
		    "Basic realm=\"kcal\", charset=\"UTF-8\"");
	}
	httpd_resp_header(r, "Content-Type", "text/plain; charset=utf-8");
	httpd_reply(q, r);
}

/*
 * The request, as its account: a read off the loop (dav-job.c), anything
 * else here, its answer sent once the disk has what it saw or wrote
 * (dav_send, http_reply_synced): the loop does not wait for that.
 */
static void
serve_as(struct server *srv, struct httpd_req *q, const char *rest,
    const char *root_href, struct account *acct)
{
	struct dav_call		 d;
	enum access_class	 before;
	const char		*m = httpd_method(q);

	group_commit(srv);	/* after a deferred login: committed data only */
	memset(&d, 0, sizeof d);
	d.c.srv = srv;
	d.c.q = q;
	d.root_href = root_href;
	d.c.acct = acct;
	d.c.user = acct->name;
	if (resolve(&d, rest, acct->name) != 0) {
		if (is_mk(httpd_method(q)))	/* a new collection's URL */
			refuse_mk(&d);
		else if (d.nested && strcmp(m, "PUT") == 0)	/* RFC 4918 9.7.1 */
			dav_reply_text(&d, 409, "Conflict: no collection "
			    "holds that path; objects go in the calendar");
		else if (d.bad_name && strcmp(m, "PUT") == 0)
			dav_reply_text(&d, 400, "Bad Request: a resource's "
			    "name must be UTF-8");
		else
			dav_reply_text(&d, 404, "Not Found");
		free((char *)d.c.name);
		return;
	}
	if (dav_is_read(&d, m)) {	/* its answer waits for the disk */
		dav_read(&d, m);	/* (server-sync.c, worker_sync) */
		return;
	}
	d.st = srv->store;
	before = store_set_clearance(srv->store, acct->who.clearance);
	recur_budget_begin();
	dispatch(&d, m);
	store_set_clearance(srv->store, before);
	free((char *)d.c.name);
}

/* A request waiting for its login to be checked (account_start). */
struct login {
	struct server		*srv;
	struct httpd_req	*q;
	const char		*rest;		/* in q's URL */
	const char		*root_href;	/* static */
};

static void
login_done(void *arg, enum account_result res, const struct account *acct,
    unsigned retry)
{
	struct login	*l = arg;
	struct account	 a = *acct;

	a.who.name = a.name;
	if (res == ACCOUNT_OK)
		serve_as(l->srv, l->q, l->rest, l->root_href, &a);
	else
		refuse(l->q, res, retry);
	free(l);
}

/*
 * An IP address as 16 bytes (IPv4 as IPv4-mapped IPv6), to compare; -1 if
 * s is none.
 */
static int
ip_bytes(const char *s, unsigned char *a)
{
	if (inet_pton(AF_INET6, s, a) == 1)
		return 0;
	memset(a, 0, 10);
	a[10] = a[11] = 0xff;
	return inet_pton(AF_INET, s, a + 12) == 1 ? 0 : -1;
}

/*
 * Whose failed logins a request's are (account.c counts them by address):
 * its peer's, or, when the peer is http_trusted_proxy (kcald.conf(5): a
 * reverse proxy on this machine, contrib/nginx/kcal-feeds.conf), the
 * address in its X-Real-IP if it holds one.  Behind a proxy every request
 * comes from the proxy, and one guesser would bar every app that is not
 * logged in yet.  Off unless set: a proxy that passes a client's own
 * X-Real-IP on would let it choose the address its failures count for.
 */
static const char *
login_peer(struct server *srv, const struct httpd_req *q)
{
	const char	*peer = httpd_peer(q), *proxy, *real;
	unsigned char	 a[16], b[16];

	if ((proxy = srv->cfg->http_trusted_proxy) == NULL || peer == NULL ||
	    ip_bytes(peer, a) != 0 || ip_bytes(proxy, b) != 0 ||
	    memcmp(a, b, sizeof a) != 0)
		return peer;
	if ((real = httpd_header(q, "X-Real-IP")) == NULL ||
	    ip_bytes(real, a) != 0)
		return peer;
	return real;
}

/*
 * The login is checked first.  A password not remembered costs a
 * yescrypt, which runs on account.c's threads: the request waits
 * (httpd_defer) and the loop goes on.
 */
static void
serve(struct server *srv, struct httpd_req *q, const char *rest,
    const char *root_href)
{
	struct account		 acct;
	struct dav_call		 d;
	struct login		*l;
	enum account_result	 res;
	unsigned		 retry = 0;

	/* Clients ask what the server is before they log in (RFC 4918 10.1). */
	if (strcmp(httpd_method(q), "OPTIONS") == 0 &&
	    httpd_header(q, "Authorization") == NULL) {
		memset(&d, 0, sizeof d);
		d.c.srv = srv;
		d.c.q = q;
		d.root_href = root_href;
		d.res = DAV_RES_ROOT;
		options(&d);
		return;
	}
	l = xcalloc(1, sizeof *l);
	l->srv = srv;
	l->q = q;
	l->rest = rest;
	l->root_href = root_href;
	res = account_start(srv, httpd_header(q, "Authorization"),
	    login_peer(srv, q), &acct, &retry, login_done, l);
	if (res == ACCOUNT_PENDING) {
		httpd_defer(q);
		return;
	}
	free(l);
	if (res == ACCOUNT_OK)
		serve_as(srv, q, rest, root_href, &acct);
	else
		refuse(q, res, retry);
}

/*
 * Is path CalDAV's?  Then it is answered here (1); otherwise 0 and the
 * feeds' router goes on.
 */
int
dav_route(struct server *srv, struct httpd_req *q)
{
	const char		*path = httpd_url(q);
	struct httpd_resp	*r;
	static const char	 moved[] = "Moved Permanently\n";

	if (strcmp(path, "/.well-known/caldav") == 0 ||
	    strcmp(path, "/.well-known/caldav/") == 0) {
		r = httpd_resp(301, moved, sizeof moved - 1);
		httpd_resp_header(r, "Location", "/dav/");
		httpd_reply(q, r);
		return 1;
	}
	/*
	 * The server's root: DAVx5 and Thunderbird try the URL typed in
	 * (https://host/) before the well-known one.  GET there stays the
	 * feeds' index.
	 */
	if (strcmp(path, "/") == 0 && (strcmp(httpd_method(q), "PROPFIND") == 0 ||
	    strcmp(httpd_method(q), "OPTIONS") == 0)) {
		serve(srv, q, "", "/");
		return 1;
	}
	if (strcmp(path, "/dav") == 0)
		path = "/dav/";
	if (strncmp(path, "/dav/", 5) != 0)
		return 0;
	log_debug("dav: %s %s", httpd_method(q), path);
	serve(srv, q, path + 5, "/dav/");
	return 1;
}
