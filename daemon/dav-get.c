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
#include <inttypes.h>
#include <pthread.h>
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
#include "store-dav.h"
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
 * Without the VCALENDAR's CALSCALE:GREGORIAN (the default, RFC 5545
 * 3.7.1), which ical-export.c writes: a client that PUT an object without
 * one would otherwise see it changed by the server (vdirsyncer compares
 * the items' text) and report a conflict where there is none.
 */
static void
no_calscale(char *body, size_t *len)
{
	static const char	 line[] = "\r\nCALSCALE:GREGORIAN\r\n";
	char			*p = strstr(body, line), *first;

	first = strstr(body, "\r\nBEGIN:V");
	if (p == NULL || (first != NULL && p > first))
		return;
	memmove(p + 2, p + sizeof line - 1, strlen(p + sizeof line - 1) + 1);
	*len -= sizeof line - 3;
}

/*
 * The body GET serves for uid under st's current clearance (home: the
 * home zone): NULL and STORE_NOT_FOUND's silence (*cause NULL) when it
 * may not be seen.
 */
char *
dav_object_body_in(struct store *st, const char *home, const char *uid,
    size_t *len, char **cause)
{
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text = NULL, *body;

	if (store_get(st, uid, &text, cause) != 0)
		return NULL;
	memset(&o, 0, sizeof o);
	o.home = home;
	o.alarms = 1;
	out = ical_out_new(&o);
	if (ical_out_add(out, text, cause) != 0) {
		ical_out_free(out);
		free(text);
		return NULL;
	}
	free(text);
	body = ical_out_finish(out, len);
	no_calscale(body, len);
	return body;
}

char *
dav_object_body(struct server *srv, const char *uid, size_t *len,
    char **cause)
{
	return dav_object_body_in(srv->store, srv->cfg->home_tz, uid, len,
	    cause);
}

/*
 * The ETags of objects, kept so that a PROPFIND or a sync of a large
 * calendar does not write every event out again to hash it: by UID and
 * clearance, valid while the event's last change in the log (store-dav.c)
 * is the same -- a change to it, or to the class of an event it refers
 * to, logs it again.  Dropped whole when it grows past ETAG_MAX.  Reads
 * run on the worker's threads and PUT on the loop: a mutex guards it.
 */
#define ETAG_BUCKETS	4096
#define ETAG_MAX	100000

struct etag_ent {
	struct etag_ent	*next;
	char		*uid;
	int		 clearance;
	int64_t		 seq;
	char		*etag;
};

static struct etag_ent	*etags[ETAG_BUCKETS];
static size_t		 netags;
static pthread_mutex_t	 etags_lock = PTHREAD_MUTEX_INITIALIZER;

static void
etags_clear(void)
{
	struct etag_ent	*e, *next;

	for (size_t i = 0; i < ETAG_BUCKETS; i++) {
		for (e = etags[i]; e != NULL; e = next) {
			next = e->next;
			free(e->uid);
			free(e->etag);
			free(e);
		}
		etags[i] = NULL;
	}
	netags = 0;
}

static struct etag_ent **
etag_slot(const char *uid, int clearance)
{
	struct etag_ent	**ep;

	ep = &etags[(hash64((uint64_t)clearance, uid, strlen(uid))) %
	    ETAG_BUCKETS];
	for (; *ep != NULL; ep = &(*ep)->next)
		if ((*ep)->clearance == clearance && strcmp((*ep)->uid,
		    uid) == 0)
			break;
	return ep;
}

/* uid's ETag kept for clearance c at seq, or NULL. */
static char *
etag_kept(const char *uid, int c, int64_t seq)
{
	struct etag_ent	*e;
	char		*out = NULL;

	pthread_mutex_lock(&etags_lock);
	/* The same seq: the same class, so visible to c as it was. */
	if ((e = *etag_slot(uid, c)) != NULL && e->seq == seq)
		out = xstrdup(e->etag);
	pthread_mutex_unlock(&etags_lock);
	return out;
}

static void
etag_keep(const char *uid, int c, int64_t seq, const char *etag)
{
	struct etag_ent	**ep, *e;

	pthread_mutex_lock(&etags_lock);
	ep = etag_slot(uid, c);
	if ((e = *ep) == NULL) {
		if (netags >= ETAG_MAX) {
			etags_clear();
			ep = etag_slot(uid, c);
		}
		e = *ep = xcalloc(1, sizeof *e);
		e->uid = xstrdup(uid);
		e->clearance = c;
		netags++;
	}
	free(e->etag);
	e->etag = xstrdup(etag);
	e->seq = seq;
	pthread_mutex_unlock(&etags_lock);
}

/* uid's ETag under st's clearance (NULL: not visible, or *cause). */
char *
dav_object_etag_in(struct store *st, const char *home, const char *uid,
    char **cause)
{
	int		 c = (int)store_clearance(st);
	int64_t		 seq;
	char		*body, *etag;
	size_t		 len;

	if (store_dav_seq(st, uid, &seq) != 0)
		seq = -1;
	if (seq > 0 && (etag = etag_kept(uid, c, seq)) != NULL)
		return etag;
	if ((body = dav_object_body_in(st, home, uid, &len, cause)) == NULL)
		return NULL;
	etag = dav_etag(body, len);
	free(body);
	if (seq > 0)
		etag_keep(uid, c, seq, etag);
	return etag;
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
	if ((body = dav_object_body_in(d->st, d->home_tz, d->uid, &len,
	    &cause)) == NULL) {
		if (cause == NULL)
			dav_reply_text(d, 404, "Not Found");
		else
			dav_reply_text(d, 500, cause);
		free(cause);
		return;
	}
	etag = dav_etag(body, len);
	if (d->im != NULL && !httpd_etag_in(d->im, etag, 0))
		r = httpd_resp(412, "", 0);	/* RFC 9110 13.1.1 */
	else if (httpd_etag_in(d->inm, etag, 1))
		r = httpd_resp(304, "", 0);
	else {
		r = httpd_resp(200, body, len);
		httpd_resp_header(r, "Content-Type",
		    "text/calendar; charset=utf-8");
	}
	httpd_resp_header(r, "ETag", etag);
	httpd_resp_header(r, "Cache-Control", "private, no-cache");
	dav_send(d, r);
	free(etag);
	free(body);
}
