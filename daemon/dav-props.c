/*
 * dav-props.c — PROPFIND (RFC 4918 9.1, RFC 4791, RFC 5397, RFC 6578):
 * the properties of each resource dav.c routes to, at Depth 0 or 1.
 * Depth: infinity is refused (403 DAV:propfind-finite-depth), as RFC 4918
 * allows; a PROPFIND without Depth is taken as Depth 0, not infinity.
 *
 * Each property is one row of a table: its name, the resources that have
 * it and the function that writes its value.  prop asks for some (each
 * one a resource lacks goes in a 404 propstat), allprop for all (here:
 * every live property the resource has, CalDAV's included, which clients
 * that send allprop expect), propname for their names.  An object's
 * getetag is the strong ETag of the bytes GET serves to this account
 * (dav-get.c), so it is computed only when asked for.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "dav-int.h"
#include "dav-props.h"
#include "dav-xml.h"
#include "store.h"
#include "store-dav.h"
#include "xmalloc.h"

#define R_ROOT	(1 << DAV_RES_ROOT)
#define R_PCOL	(1 << DAV_RES_PRINCIPALS)
#define R_PRIN	(1 << DAV_RES_PRINCIPAL)
#define R_HOME	(1 << DAV_RES_HOME)
#define R_CAL	(1 << DAV_RES_CALENDAR)
#define R_OBJ	(1 << DAV_RES_OBJECT)
#define R_ALL	(R_ROOT | R_PCOL | R_PRIN | R_HOME | R_CAL | R_OBJ)

struct prop_ctx {
	struct dav_call		*d;
	enum dav_res		 res;
	const char		*uid;		/* an object's */
	const char		*body;		/* its GET body, once made */
	size_t			 len;
	int			 failed;
};

static void
href_in(struct dav_node *n, char *href)
{
	dav_node_add(n, DAV_NS, "href", href);
	free(href);
}

/* The object's GET body, made once; NULL if it may not be read. */
static int
object_body(struct prop_ctx *p)
{
	char	*cause = NULL;

	if (p->body == NULL && !p->failed) {
		p->body = dav_object_body_in(p->d->st, p->d->home_tz, p->uid,
		    &p->len, &cause);
		p->failed = p->body == NULL;
		free(cause);
	}
	return p->body != NULL ? 0 : -1;
}

static void
p_resourcetype(struct prop_ctx *p, struct dav_node *n)
{
	if (p->res == DAV_RES_OBJECT)
		return;
	dav_node_add(n, DAV_NS, "collection", NULL);
	if (p->res == DAV_RES_PRINCIPAL)
		dav_node_add(n, DAV_NS, "principal", NULL);
	if (p->res == DAV_RES_CALENDAR)
		dav_node_add(n, CALDAV_NS, "calendar", NULL);
}

static void
p_principal(struct prop_ctx *p, struct dav_node *n)
{
	href_in(n, dav_href_principal(dav_user(p->d)));
}

static void
p_home(struct prop_ctx *p, struct dav_node *n)
{
	href_in(n, dav_href_home(dav_user(p->d)));
}

static void
p_pcoll(struct prop_ctx *p, struct dav_node *n)
{
	(void)p;
	dav_node_add(n, DAV_NS, "href", "/dav/principals/");
}

static void
p_components(struct prop_ctx *p, struct dav_node *n)
{
	(void)p;
	dav_node_attr(dav_node_add(n, CALDAV_NS, "comp", NULL), "name",
	    "VEVENT");
}

static void
p_privileges(struct prop_ctx *p, struct dav_node *n)
{
	static const char	*w[] = { "write", "write-content",
				    "write-properties", "bind", "unbind" };

	dav_node_add(dav_node_add(n, DAV_NS, "privilege", NULL), DAV_NS,
	    "read", NULL);
	if (p->d->c.acct->who.level != ACCESS_WRITE ||
	    p->res < DAV_RES_CALENDAR)
		return;
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		dav_node_add(dav_node_add(n, DAV_NS, "privilege", NULL),
		    DAV_NS, w[i], NULL);
}

static void
p_reports(struct prop_ctx *p, struct dav_node *n)
{
	static const struct { const char *ns, *name; } r[] = {
		{ CALDAV_NS, "calendar-query" },
		{ CALDAV_NS, "calendar-multiget" },
		{ DAV_NS, "sync-collection" },
	};
	struct dav_node	*sr;

	(void)p;
	for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
		sr = dav_node_add(n, DAV_NS, "supported-report", NULL);
		dav_node_add(dav_node_add(sr, DAV_NS, "report", NULL), r[i].ns,
		    r[i].name, NULL);
	}
}

/* Properties whose value is text, made by text_value(). */
static char *
text_value(struct prop_ctx *p, const char *name)
{
	struct dav_call	*d = p->d;
	int64_t		 tok = 0;
	char		*out = NULL, *why = NULL;

	if (strcmp(name, "displayname") == 0) {
		if (p->res == DAV_RES_CALENDAR)
			return xstrdup("Office calendar");
		if (p->res == DAV_RES_PRINCIPAL || p->res == DAV_RES_HOME)
			return xstrdup(dav_user(p->d));
		return xstrdup("kcal");
	}
	if (strcmp(name, "calendar-color") == 0)
		return xstrdup("#1F5FA8FF");
	if (strcmp(name, "max-resource-size") == 0) {
		xasprintf(&out, "%zu", d->put_max);
		return out;
	}
	if (strcmp(name, "getctag") == 0 || strcmp(name, "sync-token") == 0) {
		if (store_dav_token(d->st, &tok) != 0)
			return NULL;
		if (strcmp(name, "sync-token") == 0)
			return dav_sync_token(tok);
		xasprintf(&out, "%" PRId64, tok);
		return out;
	}
	if (strcmp(name, "getcontenttype") == 0)
		return xstrdup("text/calendar; charset=utf-8; component=vevent");
	if (strcmp(name, "getetag") == 0 && p->body == NULL) {
		out = dav_object_etag_in(d->st, d->home_tz, p->uid, &why);
		free(why);
		return out;
	}
	if (object_body(p) != 0)
		return NULL;
	if (strcmp(name, "getetag") == 0)
		return dav_etag(p->body, p->len);
	if (strcmp(name, "getcontentlength") == 0) {
		xasprintf(&out, "%zu", p->len);
		return out;
	}
	return NULL;
}

struct prop {
	const char	*ns, *name;
	int		 on;			/* R_* */
	void		(*fn)(struct prop_ctx *, struct dav_node *);
};

static const struct prop props[] = {
	{ DAV_NS, "resourcetype", R_ALL, p_resourcetype },
	{ DAV_NS, "displayname", R_ALL & ~R_OBJ, NULL },
	{ DAV_NS, "current-user-principal", R_ALL, p_principal },
	{ DAV_NS, "principal-URL", R_PRIN, p_principal },
	{ DAV_NS, "owner", R_PRIN | R_HOME | R_CAL, p_principal },
	{ DAV_NS, "principal-collection-set", R_ROOT | R_PRIN, p_pcoll },
	{ CALDAV_NS, "calendar-home-set", R_ROOT | R_PRIN, p_home },
	{ DAV_NS, "current-user-privilege-set", R_ALL, p_privileges },
	{ DAV_NS, "supported-report-set", R_CAL, p_reports },
	{ CALDAV_NS, "supported-calendar-component-set", R_CAL, p_components },
	{ CALDAV_NS, "max-resource-size", R_CAL, NULL },
	{ ICAL_NS, "calendar-color", R_CAL, NULL },
	{ CS_NS, "getctag", R_CAL, NULL },
	{ DAV_NS, "sync-token", R_CAL, NULL },
	{ DAV_NS, "getetag", R_OBJ, NULL },
	{ DAV_NS, "getcontenttype", R_OBJ, NULL },
	{ DAV_NS, "getcontentlength", R_OBJ, NULL },
};
#define NPROPS	(sizeof props / sizeof *props)

static const struct prop *
find_prop(const char *ns, const char *name)
{
	for (size_t i = 0; i < NPROPS; i++)
		if (strcmp(props[i].ns, ns) == 0 &&
		    strcmp(props[i].name, name) == 0)
			return &props[i];
	return NULL;
}

/* One property of the current response: 200, or 404 when it lacks it. */
static void
one_prop(struct prop_ctx *p, struct dav_ms *ms, const struct prop *pr,
    const char *ns, const char *name, int names_only)
{
	char		*text;

	if (pr == NULL || (pr->on & (1 << p->res)) == 0) {
		dav_ms_prop(ms, 404, ns, name, NULL);
		return;
	}
	if (names_only) {
		dav_ms_prop(ms, 200, ns, name, NULL);
		return;
	}
	if (pr->fn != NULL) {
		pr->fn(p, dav_ms_prop(ms, 200, ns, name, NULL));
		return;
	}
	if ((text = text_value(p, name)) == NULL) {
		dav_ms_prop(ms, 404, ns, name, NULL);
		return;
	}
	dav_ms_prop(ms, 200, ns, name, text);
	free(text);
}

/*
 * The response for one resource (href), as rq asks.  body: an object's
 * GET body when the caller has it already (a REPORT), or NULL; caldata:
 * its calendar-data when not that body (expanded), or NULL.
 */
void
dav_props_response(struct dav_call *d, struct dav_ms *ms,
    const struct dav_req *rq, enum dav_res res, const char *href,
    const char *uid, const char *body, size_t len, const char *caldata)
{
	struct prop_ctx	 p = { d, res, uid, body, len, 0 };
	const char	*keep = body;

	dav_ms_response(ms, href);
	if (rq == NULL || rq->mode != DAV_MODE_PROP) {
		for (size_t i = 0; i < NPROPS; i++)
			if (props[i].on & (1 << res))
				one_prop(&p, ms, &props[i], props[i].ns,
				    props[i].name, rq != NULL &&
				    rq->mode == DAV_MODE_PROPNAME);
	} else
		for (size_t i = 0; i < rq->nprops; i++) {
			if (res == DAV_RES_OBJECT && strcmp(rq->props[i].ns,
			    CALDAV_NS) == 0 && strcmp(rq->props[i].name,
			    "calendar-data") == 0 && object_body(&p) == 0) {
				dav_ms_prop(ms, 200, CALDAV_NS,
				    "calendar-data", caldata ? caldata : p.body);
				continue;
			}
			one_prop(&p, ms, find_prop(rq->props[i].ns,
			    rq->props[i].name), rq->props[i].ns,
			    rq->props[i].name, 0);
		}
	if (p.body != keep)
		free((char *)p.body);
}

struct members {
	struct dav_call		*d;
	struct dav_ms		*ms;
	const struct dav_req	*rq;
	char			*why;
};

static int
member(void *arg, const struct event *ev, const char *ical)
{
	struct members	*m = arg;
	char		*name = NULL, *href;

	(void)ical;
	if (store_dav_name(m->d->st, ev->uid, &name, &m->why) != 0)
		return 1;
	href = dav_href_object(dav_user(m->d), name);
	dav_props_response(m->d, m->ms, m->rq, DAV_RES_OBJECT, href, ev->uid,
	    NULL, 0, NULL);
	free(href);
	free(name);
	return 0;
}

/* Each event the account may see, as a member of the calendar. */
int
dav_props_members(struct dav_call *d, struct dav_ms *ms,
    const struct dav_req *rq, char **cause)
{
	struct members		m = { d, ms, rq, NULL };
	struct store_query	q;

	memset(&q, 0, sizeof q);
	q.from = INT64_MIN;
	q.to = INT64_MAX;
	q.include_cancelled = 1;
	if (store_query(d->st, &q, member, &m, &m.why) != 0 ||
	    m.why != NULL) {
		*cause = m.why ? m.why : xstrdup("cannot read the store");
		return -1;
	}
	return 0;
}

static char *
self_href(struct dav_call *d, enum dav_res res)
{
	switch (res) {
	case DAV_RES_ROOT:
		return xstrdup(d->root_href);
	case DAV_RES_PRINCIPALS:
		return xstrdup("/dav/principals/");
	case DAV_RES_PRINCIPAL:
		return dav_href_principal(dav_user(d));
	case DAV_RES_HOME:
		return dav_href_home(dav_user(d));
	case DAV_RES_CALENDAR:
		return dav_href_calendar(dav_user(d));
	default:
		return dav_href_object(dav_user(d), d->c.name);
	}
}

/* The resource itself, then at Depth 1 its members. */
static int
walk(struct dav_call *d, struct dav_ms *ms, const struct dav_req *rq,
    int depth, char **cause)
{
	char	*h = self_href(d, d->res);

	dav_props_response(d, ms, rq, d->res, h, d->uid, NULL, 0, NULL);
	free(h);
	if (depth == 0)
		return 0;
	switch (d->res) {
	case DAV_RES_ROOT:
		h = xstrdup("/dav/principals/");
		dav_props_response(d, ms, rq, DAV_RES_PRINCIPALS, h, NULL,
		    NULL, 0, NULL);
		break;
	case DAV_RES_PRINCIPALS:
		h = dav_href_principal(dav_user(d));
		dav_props_response(d, ms, rq, DAV_RES_PRINCIPAL, h, NULL,
		    NULL, 0, NULL);
		break;
	case DAV_RES_HOME:
		h = dav_href_calendar(dav_user(d));
		dav_props_response(d, ms, rq, DAV_RES_CALENDAR, h, NULL,
		    NULL, 0, NULL);
		break;
	case DAV_RES_CALENDAR:
		return dav_props_members(d, ms, rq, cause);
	default:
		return 0;
	}
	free(h);
	return 0;
}

void
dav_propfind(struct dav_call *d)
{
	const char	*depth = d->depth;
	struct dav_ms	*ms;
	char		*cause = NULL;
	int		 dp;

	if (depth == NULL || strcmp(depth, "0") == 0)
		dp = 0;
	else if (strcmp(depth, "1") == 0)
		dp = 1;
	else {
		dav_reply_error(d, 403, DAV_NS, "propfind-finite-depth",
		    "Depth: infinity is not answered; walk with Depth: 1");
		return;
	}
	if (d->res == DAV_RES_OBJECT && d->uid == NULL) {
		dav_reply_text(d, 404, "Not Found");
		return;
	}
	if (d->err.status != 0) {	/* the body, refused when parsed */
		dav_reply_refused(d, &d->err);
		return;
	}
	ms = dav_ms_new();
	if (walk(d, ms, d->rq, dp, &cause) != 0) {
		dav_ms_free(ms);
		dav_reply_text(d, 500, cause);
		free(cause);
	} else
		dav_reply_ms(d, ms);
}
