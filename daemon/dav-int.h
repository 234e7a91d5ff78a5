/*
 * dav-int.h — shared by the CalDAV modules (dav.c, dav-job.c,
 * dav-props.c, dav-report.c, dav-get.c): the resource a URL names, and
 * the answers they all give (a 207, a DAV:error, a plain text error).
 */
#ifndef KCAL_DAV_INT_H
#define KCAL_DAV_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dav.h"
#include "dav-xml.h"

struct dav_req;
struct dav_ms;
struct httpd_resp;
struct store;

enum dav_res {
	DAV_RES_ROOT,		/* /dav/ */
	DAV_RES_PRINCIPALS,	/* /dav/principals/ */
	DAV_RES_PRINCIPAL,	/* /dav/principals/USER/ */
	DAV_RES_HOME,		/* /dav/calendars/USER/ */
	DAV_RES_CALENDAR,	/* /dav/calendars/USER/calendar/ */
	DAV_RES_OBJECT		/* /dav/calendars/USER/calendar/NAME */
};

/*
 * A request routed to a resource, run as its account.  A read (PROPFIND,
 * REPORT, GET, HEAD: dav-job.c) runs off the loop with c.srv and c.q
 * NULL: it reads only st and what was copied from the request before,
 * and leaves its answer in resp for the loop to send.
 */
struct dav_call {
	struct dav_ctx		 c;	/* srv, q, acct, user, name */
	enum dav_res		 res;
	char			*uid;	/* an object's event, when it exists */
	const char		*root_href;	/* "/dav/", or "/" */
	struct store		*st;	/* the store a read reads */
	const char		*home_tz;	/* kcald.conf's */
	size_t			 put_max;	/* write_put_max() */
	const char		*depth;		/* the Depth header */
	const char		*inm;		/* the If-None-Match header */
	const char		*im;		/* the If-Match header */
	struct dav_req		*rq;	/* the body, parsed on the loop */
	struct dav_err		 err;	/* or why it was refused (status) */
	struct httpd_resp	*resp;	/* the answer, when c.q is NULL */
	int			 nested;	/* a path below an object's
						   place: no such collection */
	int			 bad_name;	/* an object name not UTF-8 */
};

/* The calendar's one collection name, under each user's home. */
#define DAV_CAL_NAME	"calendar"
/* Occurrences one REPORT may write out when asked to expand. */
#define DAV_EXPAND_MAX	2000

/* dav.c */
void	 dav_send(struct dav_call *, struct httpd_resp *);
void	 dav_find_object(struct dav_call *);
void	 dav_reply(struct dav_call *, int, const char *, const char *,
	    size_t);
void	 dav_reply_text(struct dav_call *, int, const char *);
void	 dav_reply_error(struct dav_call *, int, const char *, const char *,
	    const char *);
void	 dav_reply_ms(struct dav_call *, struct dav_ms *);
void	 dav_reply_refused(struct dav_call *, struct dav_err *);
char	*dav_href_principal(const char *);
char	*dav_href_home(const char *);
char	*dav_href_calendar(const char *);
char	*dav_href_object(const char *, const char *);
char	*dav_sync_token(int64_t);
int	 dav_parse_token(const char *, int64_t *);
const char *dav_user(const struct dav_call *);

/* dav-get.c */
void	 dav_get(struct dav_call *);
char	*dav_object_body_in(struct store *, const char *, const char *, size_t *,
	    char **);
char	*dav_object_etag_in(struct store *, const char *, const char *, char **);

/* dav-job.c: a read method, off the loop when there is a worker. */
int	 dav_is_read(const struct dav_call *, const char *);
void	 dav_read(struct dav_call *, const char *);

/* dav-props.c */
void	 dav_propfind(struct dav_call *);

/* dav-report.c */
void	 dav_report(struct dav_call *);

#endif
