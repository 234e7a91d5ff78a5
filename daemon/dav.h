/*
 * dav.h — CalDAV on kcald's HTTP server (RFC 4791, RFC 4918, RFC 6578,
 * RFC 6764): dav.c routes /.well-known/caldav and /dav/..., checks the
 * account (HTTP Basic) and answers OPTIONS; dav-props.c PROPFIND;
 * dav-report.c the REPORTs; dav-get.c GET and HEAD of an object;
 * dav-put.c PUT and DELETE.  Each request runs as its account's
 * access_who, with the store's clearance set to it, so an event above
 * the clearance is never seen.
 */
#ifndef KCAL_DAV_H
#define KCAL_DAV_H

#include <stddef.h>

struct account;
struct httpd_req;
struct server;

/*
 * One request under /dav/calendars/USER/calendar/: user is the account's
 * name (the URL's USER, already checked), name the object's decoded
 * resource name ("UID.ics" unless a client chose another; NULL for the
 * collection itself).  The callee answers q.
 */
struct dav_ctx {
	struct server		*srv;
	struct httpd_req	*q;
	struct account		*acct;
	const char		*user;
	const char		*name;
};

int		 dav_route(struct server *, struct httpd_req *);
void		 dav_put(struct dav_ctx *);
void		 dav_delete(struct dav_ctx *);
void		 dav_too_big(struct server *, struct httpd_req *);
/*
 * The bytes GET serves for uid under the store's current clearance
 * (dav-get.c): NULL with *cause NULL when it may not be seen or does not
 * exist, NULL with *cause on an error.
 */
char		*dav_object_body(struct server *, const char *, size_t *,
		    char **);
/* A strong ETag of the bytes GET serves: "\"hex\"" (freed by the caller). */
char		*dav_etag(const char *, size_t);

#endif
