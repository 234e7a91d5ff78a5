/*
 * dav-ms.c — the 207 multistatus body (RFC 4918 13) and the DAV:error body
 * of a refused precondition, written as a libxml2 tree and serialized
 * compactly in UTF-8 (so the same answer is the same bytes).
 *
 * A multistatus is a list of responses; a response's properties are
 * grouped into one propstat per status, in the order the statuses first
 * appear, whatever order they are added in.  A response without
 * properties carries its own status instead (a member gone since a sync
 * token: 404).  DAV:, CalDAV, CalendarServer and Apple's iCal namespaces
 * are declared once on the root with their usual prefixes; any other
 * namespace (a client's own property) is declared where it is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "dav-xml.h"
#include "log.h"
#include "xmalloc.h"

struct propstat {
	int		 status;
	xmlNode		*prop;
};

struct dav_ms {
	xmlDoc		*doc;
	xmlNode		*root;
	xmlNode		*resp;		/* the current response */
	struct propstat	*ps;		/* its propstats */
	size_t		 nps, cap;
	size_t		 nresp;		/* responses so far */
};

static const struct {
	int		 status;
	const char	*line;
} lines[] = {
	{ 200, "HTTP/1.1 200 OK" },
	{ 201, "HTTP/1.1 201 Created" },
	{ 204, "HTTP/1.1 204 No Content" },
	{ 400, "HTTP/1.1 400 Bad Request" },
	{ 401, "HTTP/1.1 401 Unauthorized" },
	{ 403, "HTTP/1.1 403 Forbidden" },
	{ 404, "HTTP/1.1 404 Not Found" },
	{ 409, "HTTP/1.1 409 Conflict" },
	{ 412, "HTTP/1.1 412 Precondition Failed" },
	{ 424, "HTTP/1.1 424 Failed Dependency" },
	{ 500, "HTTP/1.1 500 Internal Server Error" },
	{ 507, "HTTP/1.1 507 Insufficient Storage" },
};

/* "HTTP/1.1 404 Not Found" for a DAV:status element. */
const char *
dav_status_line(int status)
{
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		if (lines[i].status == status)
			return lines[i].line;
	return "HTTP/1.1 500 Internal Server Error";
}

/* A new element under parent, in namespace ns ("" or NULL: none). */
static xmlNode *
elem(xmlNode *parent, const char *ns, const char *name, const char *text)
{
	xmlNode	*n;
	xmlNs	*s;

	n = xmlNewDocNode(parent->doc, NULL, (const xmlChar *)name, NULL);
	if (n == NULL)
		fatalx("dav: out of memory");
	xmlAddChild(parent, n);
	if (ns != NULL && ns[0] != '\0') {
		s = xmlSearchNsByHref(n->doc, n, (const xmlChar *)ns);
		if (s == NULL)
			s = xmlNewNs(n, (const xmlChar *)ns,
			    (const xmlChar *)"X");
		xmlSetNs(n, s);
	}
	if (text != NULL)
		xmlNodeAddContent(n, (const xmlChar *)text);
	return n;
}

/* A document whose root is ns:name with the four usual prefixes. */
static xmlDoc *
new_doc(const char *ns, const char *name, xmlNode **root)
{
	static const char	*const nss[][2] = {
		{ DAV_NS, "D" }, { CALDAV_NS, "C" }, { CS_NS, "CS" },
		{ ICAL_NS, "A" },
	};
	xmlDoc			*doc;
	xmlNode			*r;

	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL ||
	    (r = xmlNewDocNode(doc, NULL, (const xmlChar *)name, NULL)) == NULL)
		fatalx("dav: out of memory");
	xmlDocSetRootElement(doc, r);
	for (size_t i = 0; i < sizeof nss / sizeof nss[0]; i++) {
		xmlNs	*s = xmlNewNs(r, (const xmlChar *)nss[i][0],
		    (const xmlChar *)nss[i][1]);

		if (strcmp(nss[i][0], ns) == 0)
			xmlSetNs(r, s);
	}
	*root = r;
	return doc;
}

static char *
dump(xmlDoc *doc, size_t *len)
{
	xmlChar	*buf;
	int	 n;
	char	*out;

	xmlDocDumpFormatMemoryEnc(doc, &buf, &n, "UTF-8", 0);
	if (buf == NULL)
		fatalx("dav: out of memory");
	out = xstrndup((const char *)buf, (size_t)n);
	*len = (size_t)n;
	xmlFree(buf);
	return out;
}

struct dav_ms *
dav_ms_new(void)
{
	struct dav_ms	*ms = xcalloc(1, sizeof *ms);

	ms->doc = new_doc(DAV_NS, "multistatus", &ms->root);
	return ms;
}

/* Start the response for href. */
void
dav_ms_response(struct dav_ms *ms, const char *href)
{
	ms->resp = elem(ms->root, DAV_NS, "response", NULL);
	elem(ms->resp, DAV_NS, "href", href);
	ms->nps = 0;
	ms->nresp++;
}

/* How many responses the answer holds so far. */
size_t
dav_ms_count(const struct dav_ms *ms)
{
	return ms->nresp;
}

/* The current response's own status (it has no properties). */
void
dav_ms_status(struct dav_ms *ms, int status)
{
	if (ms->resp == NULL || ms->nps != 0) {
		log_warnx("dav: a status for a response with properties");
		return;
	}
	elem(ms->resp, DAV_NS, "status", dav_status_line(status));
}

static xmlNode *
propstat(struct dav_ms *ms, int status)
{
	xmlNode	*ps;

	for (size_t i = 0; i < ms->nps; i++)
		if (ms->ps[i].status == status)
			return ms->ps[i].prop;
	if (ms->nps == ms->cap) {
		ms->cap = ms->cap != 0 ? ms->cap * 2 : 4;
		ms->ps = xreallocarray(ms->ps, ms->cap, sizeof *ms->ps);
	}
	ps = elem(ms->resp, DAV_NS, "propstat", NULL);
	ms->ps[ms->nps].status = status;
	ms->ps[ms->nps].prop = elem(ps, DAV_NS, "prop", NULL);
	elem(ps, DAV_NS, "status", dav_status_line(status));
	return ms->ps[ms->nps++].prop;
}

/*
 * A property of the current response, with the status it is reported
 * with; text (NULL: none) is escaped as needed.  Children may be added to
 * the node returned (a resourcetype's collection, an href).
 */
struct dav_node *
dav_ms_prop(struct dav_ms *ms, int status, const char *ns, const char *name,
    const char *text)
{
	if (ms->resp == NULL)
		dav_ms_response(ms, "");
	return (struct dav_node *)elem(propstat(ms, status), ns, name, text);
}

struct dav_node *
dav_node_add(struct dav_node *parent, const char *ns, const char *name,
    const char *text)
{
	return (struct dav_node *)elem((xmlNode *)parent, ns, name, text);
}

void
dav_node_attr(struct dav_node *n, const char *name, const char *value)
{
	xmlSetProp((xmlNode *)n, (const xmlChar *)name, (const xmlChar *)value);
}

/* The sync-collection report's new token, after the responses. */
void
dav_ms_sync_token(struct dav_ms *ms, const char *token)
{
	elem(ms->root, DAV_NS, "sync-token", token);
	ms->resp = NULL;
}

/* The document, NUL-terminated; ms is freed. */
char *
dav_ms_finish(struct dav_ms *ms, size_t *len)
{
	char	*out = dump(ms->doc, len);

	dav_ms_free(ms);
	return out;
}

void
dav_ms_free(struct dav_ms *ms)
{
	if (ms == NULL)
		return;
	xmlFreeDoc(ms->doc);
	free(ms->ps);
	free(ms);
}

/* <D:error><cond/></D:error> (RFC 4918 16) for a refused precondition. */
char *
dav_error_body(const char *ns, const char *cond, size_t *len)
{
	xmlDoc	*doc;
	xmlNode	*root;
	char	*out;

	doc = new_doc(DAV_NS, "error", &root);
	elem(root, ns, cond, NULL);
	out = dump(doc, len);
	xmlFreeDoc(doc);
	return out;
}

/*
 * dav_error_body with more: an href inside the precondition (the other
 * resource of a CALDAV:no-uid-conflict, RFC 4791 5.3.2.1) and what is
 * wrong in words, as a DAV:responsedescription beside it; either NULL
 * (cond NULL: the words alone).
 */
char *
dav_error_detail(const char *ns, const char *cond, const char *href,
    const char *cause, size_t *len)
{
	xmlDoc	*doc;
	xmlNode	*root, *c;
	char	*out;

	doc = new_doc(DAV_NS, "error", &root);
	if (cond != NULL) {
		c = elem(root, ns, cond, NULL);
		if (href != NULL)
			elem(c, DAV_NS, "href", href);
	}
	if (cause != NULL)
		elem(root, DAV_NS, "responsedescription", cause);
	out = dump(doc, len);
	xmlFreeDoc(doc);
	return out;
}
