/*
 * test-dav-xml.c — daemon/dav-xml.c and dav-ms.c: each PROPFIND and REPORT
 * body kcald accepts, whatever the prefixes; malformed XML, a document type
 * declaration (an entity-expansion bomb, an external entity), a huge body,
 * deep nesting and too many hrefs refused with a clear cause; and the 207
 * multistatus (one propstat per status, foreign namespaces, escaping, a
 * sync token) read back by libxml2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "dav-xml.h"
#include "test.h"

static struct dav_err	err;

static struct dav_req *
parse(const char *method, const char *body)
{
	dav_err_clear(&err);
	return dav_parse(method, body, strlen(body), &err);
}

static int
prop_is(const struct dav_req *q, size_t i, const char *ns, const char *name)
{
	return q != NULL && i < q->nprops && strcmp(q->props[i].ns, ns) == 0 &&
	    strcmp(q->props[i].name, name) == 0;
}

static void
test_propfind(void)
{
	struct dav_req	*q;

	q = parse("PROPFIND", "<?xml version=\"1.0\"?>\n"
	    "<ZZ:propfind xmlns:ZZ=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:"
	    "ns:caldav\"><ZZ:prop><ZZ:resourcetype/><c:calendar-home-set/>"
	    "<getctag xmlns=\"http://calendarserver.org/ns/\"/>"
	    "<x:odd xmlns:x=\"urn:example:own\"/><plain xmlns=\"\"/>"
	    "</ZZ:prop></ZZ:propfind>");
	CHECK(q != NULL);
	CHECK_INT(q != NULL ? (int)q->kind : -1, DAV_PROPFIND);
	CHECK_INT(q != NULL ? (int)q->mode : -1, DAV_MODE_PROP);
	CHECK_INT(q != NULL ? q->nprops : 0, 5);
	CHECK(prop_is(q, 0, DAV_NS, "resourcetype"));
	CHECK(prop_is(q, 1, CALDAV_NS, "calendar-home-set"));
	CHECK(prop_is(q, 2, CS_NS, "getctag"));
	CHECK(prop_is(q, 3, "urn:example:own", "odd"));
	CHECK(prop_is(q, 4, "", "plain"));
	CHECK(q != NULL && dav_has_prop(q, CS_NS, "getctag"));
	CHECK(q != NULL && !dav_has_prop(q, DAV_NS, "getctag"));
	dav_req_free(q);

	/* The default namespace, and an element named like DAV's elsewhere. */
	q = parse("PROPFIND", "<propfind xmlns=\"DAV:\"><prop>"
	    "<displayname/></prop><x:allprop xmlns:x=\"urn:x\"/></propfind>");
	CHECK(q != NULL && q->mode == DAV_MODE_PROP && q->nprops == 1);
	dav_req_free(q);

	q = parse("PROPFIND", "<D:propfind xmlns:D=\"DAV:\"><D:allprop/>"
	    "<D:include><C:supported-calendar-component-set xmlns:C=\"urn:"
	    "ietf:params:xml:ns:caldav\"/></D:include></D:propfind>");
	CHECK(q != NULL && q->mode == DAV_MODE_ALLPROP && q->nprops == 1);
	CHECK(prop_is(q, 0, CALDAV_NS, "supported-calendar-component-set"));
	dav_req_free(q);

	q = parse("PROPFIND", "<D:propfind xmlns:D=\"DAV:\"><D:propname/>"
	    "</D:propfind>");
	CHECK(q != NULL && q->mode == DAV_MODE_PROPNAME);
	dav_req_free(q);

	q = parse("PROPFIND", " \r\n");		/* empty: allprop */
	CHECK(q != NULL && q->mode == DAV_MODE_ALLPROP && q->nprops == 0);
	dav_req_free(q);

	CHECK(parse("PROPFIND", "<propfind xmlns=\"urn:not-dav\"><prop/>"
	    "</propfind>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(parse("PROPFIND", "<D:propfind xmlns:D=\"DAV:\"><D:prop/>"
	    "<D:allprop/></D:propfind>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(err.cause != NULL && strstr(err.cause, "more than one") != NULL);
	CHECK(parse("PROPFIND", "<D:propfind xmlns:D=\"DAV:\"/>") == NULL);
	CHECK_INT(err.status, 400);
}

static const char query[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<cal:calendar-query xmlns:d=\"DAV:\" "
    "xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">\n"
    "  <d:prop><d:getetag/><cal:calendar-data><cal:expand "
    "start=\"20260101T000000Z\" end=\"20260201T000000Z\"/>"
    "</cal:calendar-data></d:prop>\n"
    "  <cal:filter><cal:comp-filter name=\"VCALENDAR\">\n"
    "    <cal:comp-filter name=\"VEVENT\">\n"
    "      <cal:time-range start=\"20260105T000000Z\" "
    "end=\"20260112T000000Z\"/>\n"
    "      <cal:prop-filter name=\"UID\"/>\n"
    "    </cal:comp-filter>\n"
    "    <cal:comp-filter name=\"VTODO\"><cal:is-not-defined/>"
    "</cal:comp-filter>\n"
    "  </cal:comp-filter></cal:filter>\n"
    "</cal:calendar-query>\n";

static void
test_query(void)
{
	struct dav_req		*q;
	struct dav_comp_filter	*f, *ev;

	q = parse("REPORT", query);
	CHECK(q != NULL);
	if (q == NULL)
		return;
	CHECK_INT(q->kind, DAV_CALENDAR_QUERY);
	CHECK_INT(q->nprops, 2);
	CHECK(prop_is(q, 1, CALDAV_NS, "calendar-data"));
	CHECK(q->has_expand);
	CHECK_INT(q->expand.start, 1767225600);		/* 2026-01-01 */
	CHECK_INT(q->expand.end, 1769904000);		/* 2026-02-01 */
	f = q->filter;
	CHECK_STR(f->name, "VCALENDAR");
	CHECK(!f->has_range);
	CHECK_INT(f->nkids, 2);
	ev = &f->kids[0];
	CHECK_STR(ev->name, "VEVENT");
	CHECK(ev->has_range);
	CHECK_INT(ev->range.start, 1767571200);		/* 2026-01-05 */
	CHECK_INT(ev->range.end, 1768176000);
	CHECK_INT(ev->nprop_filters, 1);
	CHECK(ev->match_prop == NULL);
	CHECK_STR(f->kids[1].name, "VTODO");
	CHECK(f->kids[1].not_defined);
	dav_req_free(q);

	/* A UID text-match, as a client looking an event up sends. */
	q = parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:xml:"
	    "ns:caldav\"><C:filter><C:comp-filter name=\"VCALENDAR\">"
	    "<C:comp-filter name=\"VEVENT\"><C:prop-filter name=\"UID\">"
	    "<C:text-match collation=\"i;octet\"> abc@x </C:text-match>"
	    "</C:prop-filter></C:comp-filter></C:comp-filter></C:filter>"
	    "</C:calendar-query>");
	CHECK(q != NULL);
	if (q != NULL) {
		ev = &q->filter->kids[0];
		CHECK_INT(ev->nprop_filters, 1);
		CHECK_STR(ev->match_prop, "UID");
		CHECK_STR(ev->match_text, "abc@x");
	}
	dav_req_free(q);
	/* negated: only counted */
	q = parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:xml:"
	    "ns:caldav\"><C:filter><C:comp-filter name=\"VCALENDAR\">"
	    "<C:comp-filter name=\"VEVENT\"><C:prop-filter name=\"SUMMARY\">"
	    "<C:text-match negate-condition=\"yes\">x</C:text-match>"
	    "</C:prop-filter></C:comp-filter></C:comp-filter></C:filter>"
	    "</C:calendar-query>");
	CHECK(q != NULL && q->filter->kids[0].match_prop == NULL &&
	    q->filter->kids[0].nprop_filters == 1);
	dav_req_free(q);

	/* An open end, as clients send for "from now on". */
	q = parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:xml:"
	    "ns:caldav\"><C:filter><C:comp-filter name=\"VCALENDAR\">"
	    "<C:comp-filter name=\"VEVENT\"><C:time-range start=\""
	    "20260105T000000Z\"/></C:comp-filter></C:comp-filter></C:filter>"
	    "</C:calendar-query>");
	CHECK(q != NULL && q->filter->kids[0].range.end == INT64_MAX);
	CHECK(q != NULL && q->mode == DAV_MODE_ALLPROP);
	dav_req_free(q);

	/* Bad time-ranges, no filter, a filter on VEVENT. */
	CHECK(parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:"
	    "xml:ns:caldav\"><C:filter><C:comp-filter name=\"VCALENDAR\">"
	    "<C:time-range start=\"2026-01-05\"/></C:comp-filter></C:filter>"
	    "</C:calendar-query>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(err.cond != NULL && strcmp(err.cond, "valid-filter") == 0);
	CHECK(parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:"
	    "xml:ns:caldav\"><C:filter><C:comp-filter name=\"VCALENDAR\">"
	    "<C:time-range start=\"20260230T000000Z\" end=\"20260301T000000Z\""
	    "/></C:comp-filter></C:filter></C:calendar-query>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:"
	    "xml:ns:caldav\"><C:filter><C:comp-filter name=\"VCALENDAR\">"
	    "<C:time-range start=\"20260301T000000Z\" end=\"20260101T000000Z\""
	    "/></C:comp-filter></C:filter></C:calendar-query>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:"
	    "xml:ns:caldav\"><D:prop xmlns:D=\"DAV:\"><D:getetag/></D:prop>"
	    "</C:calendar-query>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(parse("REPORT", "<C:calendar-query xmlns:C=\"urn:ietf:params:"
	    "xml:ns:caldav\"><C:filter><C:comp-filter name=\"VEVENT\"/>"
	    "</C:filter></C:calendar-query>") == NULL);
	CHECK_INT(err.status, 403);
	CHECK(err.cond_ns != NULL && strcmp(err.cond_ns, CALDAV_NS) == 0);
}

static void
test_multiget_sync(void)
{
	struct dav_req	*q;

	q = parse("REPORT", "<C:calendar-multiget xmlns:D=\"DAV:\" "
	    "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/>"
	    "<C:calendar-data/></D:prop>\n<D:href>/cal/office/a.ics</D:href>"
	    "<D:href>\n  /cal/office/b%20c.ics\n</D:href>"
	    "<D:href>/cal/office/&lt;d&gt;.ics</D:href>"
	    "</C:calendar-multiget>");
	CHECK(q != NULL && q->kind == DAV_CALENDAR_MULTIGET);
	CHECK_INT(q != NULL ? q->nhrefs : 0, 3);
	if (q != NULL && q->nhrefs == 3) {
		CHECK_STR(q->hrefs[0], "/cal/office/a.ics");
		CHECK_STR(q->hrefs[1], "/cal/office/b%20c.ics");
		CHECK_STR(q->hrefs[2], "/cal/office/<d>.ics");
	}
	CHECK(q != NULL && !q->has_expand && q->nprops == 2);
	dav_req_free(q);
	CHECK(parse("REPORT", "<C:calendar-multiget xmlns:D=\"DAV:\" "
	    "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/>"
	    "</D:prop></C:calendar-multiget>") == NULL);
	CHECK_INT(err.status, 400);

	q = parse("REPORT", "<sync-collection xmlns=\"DAV:\"><sync-token>"
	    "http://kcal.example/sync/42</sync-token><sync-level>1"
	    "</sync-level><limit><nresults>100</nresults></limit><prop>"
	    "<getetag/></prop></sync-collection>");
	CHECK(q != NULL && q->kind == DAV_SYNC_COLLECTION);
	CHECK_STR(q != NULL ? q->sync_token : NULL,
	    "http://kcal.example/sync/42");
	CHECK(q != NULL && !q->sync_infinite && q->limit == 100);
	CHECK(q != NULL && q->nprops == 1 && prop_is(q, 0, DAV_NS, "getetag"));
	dav_req_free(q);
	q = parse("REPORT", "<D:sync-collection xmlns:D=\"DAV:\">"
	    "<D:sync-token/>"
	    "<D:sync-level>infinite</D:sync-level><D:prop><D:getetag/>"
	    "</D:prop></D:sync-collection>");
	CHECK(q != NULL && q->sync_token[0] == '\0' && q->sync_infinite);
	dav_req_free(q);
	CHECK(parse("REPORT", "<D:sync-collection xmlns:D=\"DAV:\">"
	    "<D:sync-token/>"
	    "<D:prop><D:getetag/></D:prop></D:sync-collection>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(parse("REPORT", "<D:sync-collection xmlns:D=\"DAV:\">"
	    "<D:sync-token/>"
	    "<D:sync-level>2</D:sync-level><D:prop/></D:sync-collection>")
	    == NULL);
	CHECK_INT(err.status, 400);

	/* Reports kcald does not do. */
	CHECK(parse("REPORT", "<C:free-busy-query xmlns:C=\"urn:ietf:params:"
	    "xml:ns:caldav\"/>") == NULL);
	CHECK_INT(err.status, 403);
	CHECK(err.cond != NULL && strcmp(err.cond, "supported-report") == 0);
	CHECK(parse("REPORT", "") == NULL);
	CHECK_INT(err.status, 400);
}

static const char bomb[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
    "&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
    "&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
    "&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
    "&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
    "&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
    "&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
    "&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
    "&lol8;\">\n"
    "]>\n"
    "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&lol9;"
    "</D:displayname></D:prop></D:propfind>\n";

static void
test_hostile(void)
{
	char	*big, *p;
	size_t	 n;

	CHECK(parse("PROPFIND", "<D:propfind xmlns:D=\"DAV:\"><D:prop>"
	    "</D:propfind>") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(err.cause != NULL && strncmp(err.cause, "malformed XML: line 1",
	    21) == 0);
	CHECK(parse("PROPFIND", "<D:propfind><D:prop/></D:propfind>") == NULL);
	CHECK_INT(err.status, 400);		/* an undeclared prefix */
	CHECK(err.cause != NULL && strstr(err.cause, "malformed") != NULL);
	CHECK(parse("PROPFIND", "not xml at all") == NULL);
	CHECK_INT(err.status, 400);
	CHECK(parse("PUT", "<x/>") == NULL);
	CHECK_INT(err.status, 400);

	CHECK(parse("PROPFIND", bomb) == NULL);
	CHECK_INT(err.status, 400);
	CHECK(err.cause != NULL && strstr(err.cause, "DOCTYPE") != NULL);
	CHECK(parse("PROPFIND", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY "
	    "e SYSTEM \"file:///etc/passwd\">]><D:propfind xmlns:D=\"DAV:\">"
	    "<D:prop><D:x>&e;</D:x></D:prop></D:propfind>") == NULL);
	CHECK(err.cause != NULL && strstr(err.cause, "DOCTYPE") != NULL);
	CHECK(parse("PROPFIND", "<!DOCTYPE x SYSTEM \"http://example.org/x."
	    "dtd\"><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>")
	    == NULL);
	CHECK_INT(err.status, 400);

	/* Over DAV_XML_MAX: refused unread. */
	n = DAV_XML_MAX + 1;
	big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "<D:propfind xmlns:D=\"DAV:\">", 27);
	big[n] = '\0';
	CHECK(parse("PROPFIND", big) == NULL);
	CHECK_INT(err.status, 413);
	/* Nested past libxml2's depth limit, under the size limit. */
	for (p = big, n = 0; n < 5000; n++)
		p += sprintf(p, "<a>");
	for (n = 0; n < 5000; n++)
		p += sprintf(p, "</a>");
	*p = '\0';
	CHECK(parse("REPORT", big) == NULL);
	CHECK_INT(err.status, 400);
	CHECK(err.cause != NULL && strstr(err.cause, "depth") != NULL);
	/* Too many hrefs. */
	p = big + sprintf(big, "<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C"
	    "=\"urn:ietf:params:xml:ns:caldav\">");
	for (n = 0; n <= DAV_MAX_HREFS; n++)
		p += sprintf(p, "<D:href>/%zu</D:href>", n);
	strcpy(p, "</C:calendar-multiget>");
	CHECK(parse("REPORT", big) == NULL);
	CHECK_INT(err.status, 413);
	free(big);
}

/* The number of nodes an XPath expression finds in doc. */
static int
count(xmlDoc *doc, const char *xpath)
{
	xmlXPathContext	*ctx = xmlXPathNewContext(doc);
	xmlXPathObject	*o;
	int		 n = -1;

	xmlXPathRegisterNs(ctx, (const xmlChar *)"d", (const xmlChar *)DAV_NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"c",
	    (const xmlChar *)CALDAV_NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"o",
	    (const xmlChar *)"urn:example:own");
	o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (o != NULL && o->nodesetval != NULL)
		n = o->nodesetval->nodeNr;
	else if (o != NULL)
		n = 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static void
test_multistatus(void)
{
	struct dav_ms	*ms = dav_ms_new();
	struct dav_node	*n;
	xmlDoc		*doc;
	char		*out, *again;
	size_t		 len, len2;

	dav_ms_response(ms, "/cal/office/");
	n = dav_ms_prop(ms, 200, DAV_NS, "resourcetype", NULL);
	dav_node_add(n, DAV_NS, "collection", NULL);
	dav_node_add(n, CALDAV_NS, "calendar", NULL);
	dav_ms_prop(ms, 404, "urn:example:own", "odd", NULL);
	dav_ms_prop(ms, 200, DAV_NS, "displayname", "Protocol & <Office>");
	n = dav_ms_prop(ms, 200, CALDAV_NS, "supported-calendar-component-set",
	    NULL);
	dav_node_attr(dav_node_add(n, CALDAV_NS, "comp", NULL), "name",
	    "VEVENT");
	dav_ms_prop(ms, 404, "", "plain", NULL);
	dav_ms_response(ms, "/cal/office/a.ics");
	dav_ms_prop(ms, 200, DAV_NS, "getetag", "\"abc\"");
	dav_ms_prop(ms, 200, CALDAV_NS, "calendar-data", "BEGIN:VCALENDAR\r\n"
	    "SUMMARY:a<b&c\r\nEND:VCALENDAR\r\n");
	dav_ms_response(ms, "/cal/office/gone.ics");
	dav_ms_status(ms, 404);
	dav_ms_sync_token(ms, "http://kcal.example/sync/43");
	out = dav_ms_finish(ms, &len);
	CHECK(len == strlen(out));
	CHECK(strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38)
	    == 0);

	doc = xmlReadMemory(out, (int)len, NULL, NULL, XML_PARSE_NONET);
	CHECK(doc != NULL);
	if (doc == NULL) {
		fprintf(stderr, "%s\n", out);
		free(out);
		return;
	}
	CHECK_INT(count(doc, "/d:multistatus/d:response"), 3);
	CHECK_INT(count(doc, "/d:multistatus/d:response[1]/d:propstat"), 2);
	CHECK_INT(count(doc, "//d:response[1]/d:propstat[1][d:status="
	    "'HTTP/1.1 200 OK']/d:prop/*"), 3);
	CHECK_INT(count(doc, "//d:response[1]/d:propstat[2][d:status="
	    "'HTTP/1.1 404 Not Found']/d:prop/*"), 2);
	CHECK_INT(count(doc, "//d:propstat[2]/d:prop/o:odd"), 1);
	CHECK_INT(count(doc, "//d:propstat[2]/d:prop/*[local-name()='plain' "
	    "and namespace-uri()='']"), 1);
	CHECK_INT(count(doc, "//d:resourcetype/d:collection"), 1);
	CHECK_INT(count(doc, "//d:resourcetype/c:calendar"), 1);
	CHECK_INT(count(doc, "//c:comp[@name='VEVENT']"), 1);
	CHECK_INT(count(doc, "//d:displayname[.='Protocol & <Office>']"), 1);
	CHECK_INT(count(doc, "//c:calendar-data[contains(.,'SUMMARY:a<b&c')]"),
	    1);
	CHECK_INT(count(doc, "//d:response[3][d:href='/cal/office/gone.ics' "
	    "and d:status='HTTP/1.1 404 Not Found' and not(d:propstat)]"), 1);
	CHECK_INT(count(doc, "/d:multistatus/d:sync-token[.='http://kcal."
	    "example/sync/43']"), 1);
	CHECK_INT(count(doc, "/d:multistatus/*[last()][self::d:sync-token]"),
	    1);
	xmlFreeDoc(doc);

	/* The same answer is the same bytes. */
	ms = dav_ms_new();
	dav_ms_response(ms, "/x");
	dav_ms_prop(ms, 200, DAV_NS, "getetag", "\"1\"");
	again = dav_ms_finish(ms, &len2);
	ms = dav_ms_new();
	dav_ms_response(ms, "/x");
	dav_ms_prop(ms, 200, DAV_NS, "getetag", "\"1\"");
	free(out);
	out = dav_ms_finish(ms, &len);
	CHECK(len == len2 && memcmp(out, again, len) == 0);
	free(out);
	free(again);

	out = dav_error_body(CALDAV_NS, "valid-filter", &len);
	doc = xmlReadMemory(out, (int)len, NULL, NULL, XML_PARSE_NONET);
	CHECK(doc != NULL && count(doc, "/d:error/c:valid-filter") == 1);
	xmlFreeDoc(doc);
	free(out);
	CHECK_STR(dav_status_line(424), "HTTP/1.1 424 Failed Dependency");
}

int
main(void)
{
	int64_t	t;

	dav_xml_init();
	CHECK(dav_parse_utc("19700101T000000Z", &t) == 0 && t == 0);
	CHECK(dav_parse_utc("20260105T010203Z", &t) == 0 && t == 1767574923);
	CHECK(dav_parse_utc("20260105T010203", &t) == -1);
	CHECK(dav_parse_utc("2026010XT010203Z", &t) == -1);
	test_propfind();
	test_query();
	test_multiget_sync();
	test_hostile();
	test_multistatus();
	dav_err_clear(&err);
	xmlCleanupParser();
	TEST_DONE();
}
