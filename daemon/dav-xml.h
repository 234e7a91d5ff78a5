/*
 * dav-xml.h — the WebDAV/CalDAV request bodies kcald accepts, parsed by
 * libxml2 into plain structs, and the 207 multistatus it answers with
 * (dav-xml.c; RFC 4918, RFC 4791, RFC 6578).  Elements are matched by
 * namespace and local name, never by prefix.
 */
#ifndef KCAL_DAV_XML_H
#define KCAL_DAV_XML_H

#include <stddef.h>
#include <stdint.h>

#define DAV_NS		"DAV:"
#define CALDAV_NS	"urn:ietf:params:xml:ns:caldav"
#define CS_NS		"http://calendarserver.org/ns/"
#define ICAL_NS		"http://apple.com/ns/ical/"

#define DAV_XML_MAX	(1024 * 1024)	/* bytes of a request body */
#define DAV_MAX_PROPS	256		/* properties named in one request */
#define DAV_MAX_HREFS	10000		/* hrefs in one multiget */
#define DAV_MAX_FILTERS	64		/* comp-filters in one query */

enum dav_kind {
	DAV_PROPFIND,
	DAV_CALENDAR_QUERY,		/* REPORT */
	DAV_CALENDAR_MULTIGET,		/* REPORT */
	DAV_SYNC_COLLECTION		/* REPORT */
};

enum dav_mode { DAV_MODE_PROP, DAV_MODE_ALLPROP, DAV_MODE_PROPNAME };

struct dav_name {
	char		*ns;		/* "" for no namespace */
	char		*name;
};

/* A time-range: UTC seconds; an open side is INT64_MIN or INT64_MAX. */
struct dav_range {
	int64_t		 start, end;
};

struct dav_comp_filter {
	char			*name;		/* VCALENDAR, VEVENT, ... */
	int			 not_defined;	/* is-not-defined */
	int			 has_range;
	struct dav_range	 range;
	size_t			 nprop_filters;	/* prop-filters (counted) */
	/* but a text-match on UID or SUMMARY: which, its text, and how */
	char			*match_prop, *match_text;
	enum { DAV_MATCH_ASCII, DAV_MATCH_OCTET, DAV_MATCH_UNICODE } match;
	struct dav_comp_filter	*kids;
	size_t			 nkids;
};

struct dav_req {
	enum dav_kind		 kind;
	enum dav_mode		 mode;
	struct dav_name		*props;		/* prop, or allprop's include */
	size_t			 nprops;
	/* calendar-data's expand (calendar-query, multiget) */
	int			 has_expand;
	struct dav_range	 expand;
	/* calendar-query */
	struct dav_comp_filter	*filter;	/* VCALENDAR */
	/* calendar-multiget */
	char			**hrefs;
	size_t			 nhrefs;
	/* sync-collection */
	char			*sync_token;	/* "" for the first sync */
	int			 sync_infinite;	/* sync-level infinite, not 1 */
	size_t			 limit;		/* nresults; 0: none asked */
};

/*
 * Why a body is refused: the HTTP status (400, 403, 413), the precondition
 * element to put in a DAV:error body if any (cond_ns, cond), and a cause.
 */
struct dav_err {
	int		 status;
	const char	*cond_ns, *cond;
	char		*cause;
};

void		 dav_xml_init(void);	/* once, before any thread parses */
struct dav_req	*dav_parse(const char *, const char *, size_t, struct dav_err *);
void		 dav_req_free(struct dav_req *);
void		 dav_err_clear(struct dav_err *);
int		 dav_has_prop(const struct dav_req *, const char *, const char *);
int		 dav_parse_utc(const char *, int64_t *);
char		*dav_error_body(const char *, const char *, size_t *);
char		*dav_error_detail(const char *, const char *, const char *,
		    const char *, size_t *);

/*
 * The multistatus: responses in order, each with its properties grouped
 * into one propstat per status.  A dav_node is a property's element, to
 * which children (an href, a comp) can be added.
 */
struct dav_ms;
struct dav_node;

struct dav_ms	*dav_ms_new(void);
void		 dav_ms_response(struct dav_ms *, const char *);
size_t		 dav_ms_count(const struct dav_ms *);
void		 dav_ms_status(struct dav_ms *, int);
struct dav_node	*dav_ms_prop(struct dav_ms *, int, const char *, const char *,
		    const char *);
struct dav_node	*dav_node_add(struct dav_node *, const char *, const char *,
		    const char *);
void		 dav_node_attr(struct dav_node *, const char *, const char *);
void		 dav_ms_sync_token(struct dav_ms *, const char *);
char		*dav_ms_finish(struct dav_ms *, size_t *);
void		 dav_ms_free(struct dav_ms *);
const char	*dav_status_line(int);

#endif
