/*
 * dav-xml.c — the request bodies of PROPFIND (prop, allprop with include,
 * propname) and REPORT (calendar-query with comp-filter and time-range,
 * calendar-multiget with hrefs, sync-collection with sync-token, sync-level
 * and limit), parsed by libxml2 into struct dav_req (dav-xml.h).
 *
 * A body comes from any client, so libxml2 is held short: no network
 * (XML_PARSE_NONET), no entity substitution (no XML_PARSE_NOENT), no DTD
 * loading or default attributes, the library's own depth and size limits
 * (no XML_PARSE_HUGE), and no document type declaration at all: the SAX
 * hook that sees one stops the parser before any entity is declared, so
 * an entity-expansion bomb or an external entity is refused with a clear
 * cause and never expanded.  Bodies over DAV_XML_MAX are refused unread;
 * the number of properties, hrefs and filters is bounded too.
 *
 * Unknown elements are ignored where RFC 4918 says to (extensibility);
 * a missing required one is 400, an unsupported REPORT 403 with the
 * DAV:supported-report precondition, a filter not on VCALENDAR 403 with
 * CALDAV:valid-filter.  The multistatus answer is dav-ms.c's.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dav-xml.h"
#include "when.h"
#include "xmalloc.h"

#define DAV_MAX_DEPTH	8	/* comp-filter nesting */

static void
fail(struct dav_err *err, int status, const char *cond_ns, const char *cond,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
fail(struct dav_err *err, int status, const char *cond_ns, const char *cond,
    const char *fmt, ...)
{
	va_list	ap;

	if (err->status != 0)		/* the first reason stands */
		return;
	err->status = status;
	err->cond_ns = cond_ns;
	err->cond = cond;
	va_start(ap, fmt);
	if (vasprintf(&err->cause, fmt, ap) == -1)
		err->cause = NULL;
	va_end(ap);
}

void
dav_err_clear(struct dav_err *err)
{
	free(err->cause);
	memset(err, 0, sizeof *err);
}

/* --- reading the document safely ------------------------------------- */

/* A document type declaration: stop before its internal subset. */
static void
no_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	xmlParserCtxtPtr	ctxt = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	ctxt->_private = ctxt;		/* seen */
	xmlStopParser(ctxt);
}

static xmlDoc *
read_xml(const char *body, size_t len, struct dav_err *err)
{
	xmlParserCtxtPtr	 ctxt;
	xmlDoc			*doc;
	const xmlError		*e;
	int			 opts;

	if (len > DAV_XML_MAX) {
		fail(err, 413, NULL, NULL, "XML body of %zu bytes (at most %d)",
		    len, DAV_XML_MAX);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		fail(err, 500, NULL, NULL, "out of memory");
		return NULL;
	}
	ctxt->sax->internalSubset = no_doctype;
	ctxt->sax->externalSubset = no_doctype;
	ctxt->_private = NULL;
	opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA;
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, "request.xml", NULL,
	    opts);
	if (ctxt->_private != NULL)
		fail(err, 400, NULL, NULL, "a document type declaration "
		    "(DOCTYPE, entities) is not accepted");
	else if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed) {
		e = xmlCtxtGetLastError(ctxt);
		fail(err, 400, NULL, NULL, "malformed XML: line %d: %.*s",
		    e != NULL ? e->line : 0, e != NULL && e->message != NULL ?
		    (int)strcspn(e->message, "\n") : 7, e != NULL &&
		    e->message != NULL ? e->message : "unknown");
	} else if (doc->intSubset != NULL || doc->extSubset != NULL)
		fail(err, 400, NULL, NULL, "a document type declaration is not "
		    "accepted");
	if (err->status != 0 && doc != NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* --- helpers --------------------------------------------------------- */

static int
is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
child(const xmlNode *n, const char *ns, const char *name)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/* An element's text, without surrounding white space. */
static char *
text(const xmlNode *n)
{
	xmlChar		*t = xmlNodeGetContent(n);
	const char	*s = t != NULL ? (const char *)t : "";
	size_t		 len;
	char		*r;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	r = xstrndup(s, len);
	xmlFree(t);
	return r;
}

static char *
attr(const xmlNode *n, const char *name)
{
	xmlChar	*v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char	*r;

	if (v == NULL)
		return NULL;
	r = xstrdup((const char *)v);
	xmlFree(v);
	return r;
}

/* "YYYYMMDDTHHMMSSZ" (RFC 4791 9.9: UTC date-time) to seconds. */
int
dav_parse_utc(const char *s, int64_t *out)
{
	int	y, mo, d, h, mi, sec;

	if (s == NULL || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	for (int i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return -1;
	if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi,
	    &sec) != 6 ||
	    !when_valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 60)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* A time-range element (RFC 4791 9.9): at least one side. */
static int
range(const xmlNode *n, struct dav_range *r, struct dav_err *err)
{
	char	*s = attr(n, "start"), *e = attr(n, "end");
	int	 ok = 1;

	r->start = INT64_MIN;
	r->end = INT64_MAX;
	if (s == NULL && e == NULL)
		ok = 0;
	if (s != NULL && dav_parse_utc(s, &r->start) == -1)
		ok = 0;
	if (e != NULL && dav_parse_utc(e, &r->end) == -1)
		ok = 0;
	if (ok && r->start >= r->end)
		ok = 0;
	if (!ok)
		fail(err, 400, CALDAV_NS, "valid-filter", "bad %s: start "
		    "\"%s\", end \"%s\" (UTC, as 20260101T000000Z)",
		    (const char *)n->name, s != NULL ? s : "",
		    e != NULL ? e : "");
	free(s);
	free(e);
	return ok ? 0 : -1;
}

/* --- properties ------------------------------------------------------ */

static int
add_prop(struct dav_req *q, const xmlNode *n, struct dav_err *err)
{
	struct dav_name	*p;

	if (q->nprops == DAV_MAX_PROPS) {
		fail(err, 413, NULL, NULL, "more than %d properties asked",
		    DAV_MAX_PROPS);
		return -1;
	}
	q->props = xreallocarray(q->props, q->nprops + 1, sizeof *q->props);
	p = &q->props[q->nprops++];
	p->ns = xstrdup(n->ns != NULL ? (const char *)n->ns->href : "");
	p->name = xstrdup((const char *)n->name);
	return 0;
}

/* calendar-data's expand (RFC 4791 9.6.5): both sides required. */
static int
calendar_data(struct dav_req *q, const xmlNode *n, struct dav_err *err)
{
	const xmlNode	*x;

	if ((x = child(n, CALDAV_NS, "expand")) == NULL)
		return 0;
	if (range(x, &q->expand, err) == -1)
		return -1;
	if (q->expand.start == INT64_MIN || q->expand.end == INT64_MAX) {
		fail(err, 400, CALDAV_NS, "valid-calendar-data", "expand needs "
		    "both start and end");
		return -1;
	}
	q->has_expand = 1;
	return 0;
}

/* The children of a DAV:prop (or DAV:include). */
static int
prop_list(struct dav_req *q, const xmlNode *prop, struct dav_err *err)
{
	for (xmlNode *c = prop->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (add_prop(q, c, err) == -1)
			return -1;
		if (is(c, CALDAV_NS, "calendar-data") &&
		    calendar_data(q, c, err) == -1)
			return -1;
	}
	return 0;
}

/* prop, allprop (with include) or propname, as in PROPFIND and REPORTs. */
static int
props(struct dav_req *q, const xmlNode *root, int required,
    struct dav_err *err)
{
	const xmlNode	*p = child(root, DAV_NS, "prop");
	const xmlNode	*a = child(root, DAV_NS, "allprop");
	const xmlNode	*n = child(root, DAV_NS, "propname");
	const xmlNode	*inc;

	if ((p != NULL) + (a != NULL) + (n != NULL) > 1) {
		fail(err, 400, NULL, NULL, "%s: more than one of prop, allprop "
		    "and propname", (const char *)root->name);
		return -1;
	}
	if (a != NULL) {
		q->mode = DAV_MODE_ALLPROP;
		inc = child(root, DAV_NS, "include");
		return inc != NULL ? prop_list(q, inc, err) : 0;
	}
	if (n != NULL) {
		q->mode = DAV_MODE_PROPNAME;
		return 0;
	}
	q->mode = DAV_MODE_PROP;
	if (p != NULL)
		return prop_list(q, p, err);
	if (!required) {
		q->mode = DAV_MODE_ALLPROP;
		return 0;
	}
	fail(err, 400, NULL, NULL, "%s: no prop, allprop or propname",
	    (const char *)root->name);
	return -1;
}

/* --- calendar-query -------------------------------------------------- */

static void
filter_free(struct dav_comp_filter *f)
{
	for (size_t i = 0; i < f->nkids; i++)
		filter_free(&f->kids[i]);
	free(f->kids);
	free(f->name);
	free(f->match_prop);
	free(f->match_text);
}

/*
 * A text-match's collation (RFC 4791 7.5): i;ascii-casemap (the default),
 * i;octet, or i;unicode-casemap (RFC 5051, whose folding text-fold.c
 * comes near); -1 for another, which is refused (supported-collation).
 */
static int
collation(const xmlNode *tm)
{
	char	*c = attr(tm, "collation");
	int	 m = -1;

	if (c == NULL || strcmp(c, "i;ascii-casemap") == 0)
		m = DAV_MATCH_ASCII;
	else if (strcmp(c, "i;octet") == 0)
		m = DAV_MATCH_OCTET;
	else if (strcmp(c, "i;unicode-casemap") == 0)
		m = DAV_MATCH_UNICODE;
	free(c);
	return m;
}

/*
 * A prop-filter on UID or SUMMARY with a text-match (what a client looking
 * an event up by its UID sends): the property, the text and how they are
 * compared, in f->match_prop, match_text and match.  Any other is only
 * counted.  -1 (err) for a collation kcald does not know, in any.
 */
static int
text_filter(struct dav_comp_filter *f, const xmlNode *pf,
    struct dav_err *err)
{
	const xmlNode	*tm;
	char		*name = attr(pf, "name"), *neg;
	int		 m = DAV_MATCH_ASCII;

	if ((tm = child(pf, CALDAV_NS, "text-match")) != NULL &&
	    (m = collation(tm)) < 0) {
		free(name);
		fail(err, 403, CALDAV_NS, "supported-collation", "kcald "
		    "compares text by i;ascii-casemap, i;octet or "
		    "i;unicode-casemap");
		return -1;
	}
	if (name != NULL && (strcmp(name, "UID") == 0 ||
	    strcmp(name, "SUMMARY") == 0) && f->match_prop == NULL &&
	    tm != NULL && child(pf, CALDAV_NS, "param-filter") == NULL) {
		neg = attr(tm, "negate-condition");
		if (neg == NULL || strcmp(neg, "no") == 0) {
			f->match_text = text(tm);
			f->match_prop = name;
			f->match = m;
			name = NULL;
		}
		free(neg);
	}
	free(name);
	return 0;
}

static int
comp_filter(struct dav_comp_filter *f, const xmlNode *n, int depth,
    size_t *count, struct dav_err *err)
{
	if (++*count > DAV_MAX_FILTERS || depth > DAV_MAX_DEPTH) {
		fail(err, 413, NULL, NULL, "filter too large");
		return -1;
	}
	if ((f->name = attr(n, "name")) == NULL || f->name[0] == '\0') {
		fail(err, 400, CALDAV_NS, "valid-filter", "comp-filter "
		    "without a name");
		return -1;
	}
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (is(c, CALDAV_NS, "is-not-defined"))
			f->not_defined = 1;
		else if (is(c, CALDAV_NS, "prop-filter")) {
			f->nprop_filters++;
			if (text_filter(f, c, err) == -1)
				return -1;
		}
		else if (is(c, CALDAV_NS, "time-range")) {
			if (range(c, &f->range, err) == -1)
				return -1;
			f->has_range = 1;
		} else if (is(c, CALDAV_NS, "comp-filter")) {
			f->kids = xreallocarray(f->kids, f->nkids + 1,
			    sizeof *f->kids);
			memset(&f->kids[f->nkids], 0, sizeof *f->kids);
			if (comp_filter(&f->kids[f->nkids++], c, depth + 1,
			    count, err) == -1)
				return -1;
		}
	}
	return 0;
}

static int
calendar_query(struct dav_req *q, const xmlNode *root, struct dav_err *err)
{
	const xmlNode	*f, *cf;
	size_t		 count = 0;

	if (props(q, root, 0, err) == -1)
		return -1;
	if ((f = child(root, CALDAV_NS, "filter")) == NULL ||
	    (cf = child(f, CALDAV_NS, "comp-filter")) == NULL) {
		fail(err, 400, CALDAV_NS, "valid-filter", "calendar-query "
		    "without a filter");
		return -1;
	}
	q->filter = xcalloc(1, sizeof *q->filter);
	if (comp_filter(q->filter, cf, 0, &count, err) == -1)
		return -1;
	if (strcmp(q->filter->name, "VCALENDAR") != 0) {
		fail(err, 403, CALDAV_NS, "valid-filter", "the filter is on "
		    "%s, not VCALENDAR", q->filter->name);
		return -1;
	}
	return 0;
}

/* --- calendar-multiget, sync-collection ------------------------------ */

static int
multiget(struct dav_req *q, const xmlNode *root, struct dav_err *err)
{
	if (props(q, root, 0, err) == -1)
		return -1;
	for (xmlNode *c = root->children; c != NULL; c = c->next) {
		if (!is(c, DAV_NS, "href"))
			continue;
		if (q->nhrefs == DAV_MAX_HREFS) {
			fail(err, 413, NULL, NULL, "more than %d hrefs",
			    DAV_MAX_HREFS);
			return -1;
		}
		q->hrefs = xreallocarray(q->hrefs, q->nhrefs + 1,
		    sizeof *q->hrefs);
		q->hrefs[q->nhrefs++] = text(c);
	}
	if (q->nhrefs == 0) {
		fail(err, 400, NULL, NULL, "calendar-multiget without an href");
		return -1;
	}
	return 0;
}

static int
sync_collection(struct dav_req *q, const xmlNode *root, struct dav_err *err)
{
	const xmlNode	*t = child(root, DAV_NS, "sync-token");
	const xmlNode	*l = child(root, DAV_NS, "sync-level");
	const xmlNode	*lim, *nr;
	char		*s, *end;
	unsigned long	 n;

	if (t == NULL || l == NULL) {
		fail(err, 400, NULL, NULL, "sync-collection without %s",
		    t == NULL ? "sync-token" : "sync-level");
		return -1;
	}
	q->sync_token = text(t);
	s = text(l);
	if (strcmp(s, "infinite") == 0)
		q->sync_infinite = 1;
	else if (strcmp(s, "1") != 0) {
		fail(err, 400, NULL, NULL, "sync-level \"%s\"", s);
		free(s);
		return -1;
	}
	free(s);
	if ((lim = child(root, DAV_NS, "limit")) != NULL &&
	    (nr = child(lim, DAV_NS, "nresults")) != NULL) {
		s = text(nr);
		n = strtoul(s, &end, 10);
		if (s[0] == '\0' || *end != '\0' || n == 0 || n > INT_MAX) {
			fail(err, 400, NULL, NULL, "nresults \"%s\"", s);
			free(s);
			return -1;
		}
		q->limit = n;
		free(s);
	}
	return props(q, root, 1, err);
}

/* --- the request ----------------------------------------------------- */

static int
blank(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)body[i]))
			return 0;
	return 1;
}

static int
dispatch(struct dav_req *q, const char *method, const xmlNode *root,
    struct dav_err *err)
{
	if (strcmp(method, "PROPFIND") == 0) {
		q->kind = DAV_PROPFIND;
		if (!is(root, DAV_NS, "propfind")) {
			fail(err, 400, NULL, NULL, "PROPFIND body is not a "
			    "DAV:propfind");
			return -1;
		}
		return props(q, root, 1, err);
	}
	if (is(root, CALDAV_NS, "calendar-query")) {
		q->kind = DAV_CALENDAR_QUERY;
		return calendar_query(q, root, err);
	}
	if (is(root, CALDAV_NS, "calendar-multiget")) {
		q->kind = DAV_CALENDAR_MULTIGET;
		return multiget(q, root, err);
	}
	if (is(root, DAV_NS, "sync-collection")) {
		q->kind = DAV_SYNC_COLLECTION;
		return sync_collection(q, root, err);
	}
	fail(err, 403, DAV_NS, "supported-report", "REPORT %s is not "
	    "supported", (const char *)root->name);
	return -1;
}

/*
 * libxml2's global state, set up once on the main thread: after that any
 * thread may parse (each document is its own).
 */
void
dav_xml_init(void)
{
	xmlInitParser();
}

/*
 * Parse the body of a PROPFIND or REPORT.  NULL when refused, with err
 * filled (the caller frees err->cause with dav_err_clear).  An empty
 * PROPFIND body is allprop (RFC 4918 9.1).
 */
struct dav_req *
dav_parse(const char *method, const char *body, size_t len,
    struct dav_err *err)
{
	struct dav_req	*q;
	xmlDoc		*doc;

	memset(err, 0, sizeof *err);
	if (strcmp(method, "PROPFIND") != 0 && strcmp(method, "REPORT") != 0) {
		fail(err, 400, NULL, NULL, "no body expected for %s", method);
		return NULL;
	}
	q = xcalloc(1, sizeof *q);
	if (strcmp(method, "PROPFIND") == 0 && blank(body, len)) {
		q->kind = DAV_PROPFIND;
		q->mode = DAV_MODE_ALLPROP;
		return q;
	}
	if ((doc = read_xml(body, len, err)) != NULL) {
		dispatch(q, method, xmlDocGetRootElement(doc), err);
		xmlFreeDoc(doc);
	}
	if (err->status != 0) {
		dav_req_free(q);
		return NULL;
	}
	return q;
}

void
dav_req_free(struct dav_req *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->nprops; i++) {
		free(q->props[i].ns);
		free(q->props[i].name);
	}
	free(q->props);
	if (q->filter != NULL) {
		filter_free(q->filter);
		free(q->filter);
	}
	for (size_t i = 0; i < q->nhrefs; i++)
		free(q->hrefs[i]);
	free(q->hrefs);
	free(q->sync_token);
	free(q);
}

/* Was the property ns:name asked for by name? */
int
dav_has_prop(const struct dav_req *q, const char *ns, const char *name)
{
	for (size_t i = 0; i < q->nprops; i++)
		if (strcmp(q->props[i].ns, ns) == 0 &&
		    strcmp(q->props[i].name, name) == 0)
			return 1;
	return 0;
}
