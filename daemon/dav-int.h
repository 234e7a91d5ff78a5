/*
 * dav-int.h — shared by the CalDAV modules (dav.c, dav-props.c,
 * dav-report.c, dav-get.c): the resource a URL names, and the answers
 * they all give (a 207, a DAV:error, a plain text error).
 */
#ifndef KCAL_DAV_INT_H
#define KCAL_DAV_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dav.h"

struct dav_req;
struct dav_ms;
struct dav_err;

enum dav_res {
	DAV_RES_ROOT,		/* /dav/ */
	DAV_RES_PRINCIPALS,	/* /dav/principals/ */
	DAV_RES_PRINCIPAL,	/* /dav/principals/USER/ */
	DAV_RES_HOME,		/* /dav/calendars/USER/ */
	DAV_RES_CALENDAR,	/* /dav/calendars/USER/calendar/ */
	DAV_RES_OBJECT		/* /dav/calendars/USER/calendar/NAME */
};

/* A request routed to a resource, run as its account. */
struct dav_call {
	struct dav_ctx		 c;	/* srv, q, acct, user, name */
	enum dav_res		 res;
	char			*uid;	/* an object's event, when it exists */
	const char		*root_href;	/* "/dav/", or "/" */
};

/* The calendar's one collection name, under each user's home. */
#define DAV_CAL_NAME	"calendar"
/* Occurrences one REPORT may write out when asked to expand. */
#define DAV_EXPAND_MAX	2000

/* dav.c */
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

/* dav-props.c */
void	 dav_propfind(struct dav_call *);

/* dav-report.c */
void	 dav_report(struct dav_call *);

#endif
