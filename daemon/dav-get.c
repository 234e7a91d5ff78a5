/*
 * dav-get.c — GET and HEAD of a calendar object resource: the event's
 * record as the account may see it (store_get under the request's
 * clearance: overrides above it cut out, references to hidden events
 * dropped), as one VCALENDAR with the VTIMEZONE of every zone it uses and
 * its VALARMs (a feed drops them; an app that syncs an account sets its
 * own alarms from them), written by ical-export.c as `kcal export` writes
 * it.  The ETag is strong: a hash of exactly these bytes, so it changes
 * when what this account sees changes, and If-None-Match gives 304.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dav-int.h"
#include "hash.h"
#include "httpd.h"
#include "ical-export.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

char *
dav_etag(const char *body, size_t len)
{
	char	*out;

	xasprintf(&out, "\"%016" PRIx64 "%08" PRIx64 "\"",
	    hash64(0, body, len), hash64(0x6b63616c, body, len) >> 32);
	return out;
}

/*
 * The body GET serves for uid under the current clearance: NULL and
 * STORE_NOT_FOUND's silence (*cause NULL) when it may not be seen.
 */
char *
dav_object_body(struct server *srv, const char *uid, size_t *len,
    char **cause)
{
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text = NULL, *body;

	if (store_get(srv->store, uid, &text, cause) != 0)
		return NULL;
	memset(&o, 0, sizeof o);
	o.home = srv->cfg->home_tz;
	o.alarms = 1;
	out = ical_out_new(&o);
	if (ical_out_add(out, text, cause) != 0) {
		ical_out_free(out);
		free(text);
		return NULL;
	}
	free(text);
	body = ical_out_finish(out, len);
	return body;
}

/* Does If-None-Match name etag (or "*")?  A weak tag compares weakly. */
static int
none_match(const char *inm, const char *etag)
{
	char	*copy, *tok, *save = NULL;
	int	 hit = 0;

	if (inm == NULL)
		return 0;
	copy = xstrdup(inm);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && !hit;
	    tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		tok[strcspn(tok, " \t")] = '\0';
		if (strncmp(tok, "W/", 2) == 0)
			tok += 2;
		hit = strcmp(tok, "*") == 0 || strcmp(tok, etag) == 0;
	}
	free(copy);
	return hit;
}

void
dav_get(struct dav_call *d)
{
	struct httpd_resp	*r;
	char			*body, *etag, *cause = NULL;
	size_t			 len;

	if (d->uid == NULL) {
		dav_reply_text(d, 404, "Not Found");
		return;
	}
	if ((body = dav_object_body(d->c.srv, d->uid, &len, &cause)) == NULL) {
		if (cause == NULL)
			dav_reply_text(d, 404, "Not Found");
		else
			dav_reply_text(d, 500, cause);
		free(cause);
		return;
	}
	etag = dav_etag(body, len);
	if (none_match(httpd_header(d->c.q, "If-None-Match"), etag))
		r = httpd_resp(304, "", 0);
	else {
		r = httpd_resp(200, body, len);
		httpd_resp_header(r, "Content-Type",
		    "text/calendar; charset=utf-8");
	}
	httpd_resp_header(r, "ETag", etag);
	httpd_resp_header(r, "Cache-Control", "private, no-cache");
	httpd_reply(d->c.q, r);
	free(etag);
	free(body);
}
