/*
 * fuzz-dav-xml.c — a WebDAV/CalDAV request body from a client, through
 * dav_parse (daemon/dav-xml.c): the first byte chooses PROPFIND or REPORT,
 * the rest is the body.  What parses is answered as kcald would echo it: a
 * multistatus (dav-ms.c) with each href as a response, each property asked
 * for under a 404 propstat, the sync token given back; that document must
 * itself be well-formed XML.  Anything may be refused; nothing may crash,
 * leak or expand an entity.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "dav-xml.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dav_xml_init();
	return 0;
}

static void
answer(const struct dav_req *q)
{
	struct dav_ms	*ms = dav_ms_new();
	xmlDoc		*doc;
	char		*out;
	size_t		 len;

	for (size_t i = 0; i < (q->nhrefs != 0 ? q->nhrefs : 1); i++) {
		dav_ms_response(ms, q->nhrefs != 0 ? q->hrefs[i] : "/cal/");
		for (size_t j = 0; j < q->nprops; j++)
			dav_ms_prop(ms, j % 2 ? 404 : 200, q->props[j].ns,
			    q->props[j].name, q->sync_token);
		if (q->nprops == 0)
			dav_ms_status(ms, 404);
	}
	if (q->sync_token != NULL)
		dav_ms_sync_token(ms, q->sync_token);
	out = dav_ms_finish(ms, &len);
	doc = xmlReadMemory(out, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		abort();	/* we wrote XML that does not parse */
	xmlFreeDoc(doc);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dav_req	*q;
	struct dav_err	 err;

	if (size == 0)
		return 0;
	q = dav_parse(data[0] & 1 ? "REPORT" : "PROPFIND",
	    (const char *)data + 1, size - 1, &err);
	if (q == NULL) {
		if (err.status < 400 || err.status > 500)
			abort();	/* a refusal is always 4xx or 500 */
		dav_err_clear(&err);
		return 0;
	}
	answer(q);
	dav_req_free(q);
	return 0;
}
