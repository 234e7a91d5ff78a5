/*
 * httpd.h — a small HTTP server on GNU libmicrohttpd, run by the daemon's
 * own libevent loop (httpd.c).  Any method reaches the callback (GET,
 * PROPFIND, REPORT, MKCALENDAR, ...) with its URL, header fields and whole
 * body; the answer is given there or later (httpd_defer), from any thread.
 */
#ifndef KCAL_HTTPD_H
#define KCAL_HTTPD_H

/* A '/' the client sent as "%2F", in a decoded path (httpd.c, unescape_cb). */
#define HTTPD_SLASH	'\x01'


#include <stddef.h>

struct event_base;
struct httpd;
struct httpd_req;
struct httpd_resp;

struct httpd_limits {
	size_t		 max_body;	/* bytes of request body; more: 413 */
	size_t		 conn_memory;	/* per connection: bounds the header */
	size_t		 max_header;	/* bytes of request line and header
					   fields; more: 431 (0: only
					   conn_memory's bound) */
	unsigned	 max_conns;	/* open connections at once */
	unsigned	 max_headers;	/* header fields; more: 431 */
	unsigned	 timeout;	/* seconds of silence, then closed */
	unsigned	 header_timeout; /* seconds for each request's header
					   in all, not reset by each byte;
					   0: none */
	unsigned	 body_timeout;	/* the same for its body, from the
					   header's end; 0: none */
};

/*
 * Called on the loop's thread once a request's body is complete.  It must
 * either answer (httpd_reply) or call httpd_defer and answer later;
 * returning without either answers 500.
 */
typedef void	(*httpd_cb)(void *, struct httpd_req *);

void		 httpd_limits_default(struct httpd_limits *);
struct httpd	*httpd_start(struct event_base *, const char *, unsigned,
		    const struct httpd_limits *, httpd_cb, void *, char **);
unsigned	 httpd_port(const struct httpd *);
void		 httpd_on_too_big(struct httpd *, httpd_cb);
void		 httpd_stop(struct httpd *);

/* A path (httpd-path.c): decoded in place; as the log shows it. */
size_t		 httpd_unescape(char *);
const char	*httpd_log_path(const char *, char *, size_t);

/* The request: only on the loop's thread, only until it is answered. */
const char	*httpd_method(const struct httpd_req *);
const char	*httpd_url(const struct httpd_req *);
const char	*httpd_header(const struct httpd_req *, const char *);
const char	*httpd_body(const struct httpd_req *, size_t *);
const char	*httpd_peer(const struct httpd_req *);
unsigned	 httpd_header_count(const struct httpd_req *);
int		 httpd_etag_in(const char *, const char *, int);

/*
 * The answer.  httpd_resp copies the body; httpd_resp_ref does not: the
 * bytes must stay until release(arg) is called, on the loop's thread, when
 * the last use of the response is over.  httpd_reply consumes the
 * response and may be called from any thread for a deferred request
 * (until then the request and its connection stay, not timed out).
 * Every deferred request must be answered before httpd_stop.
 */
struct httpd_resp *httpd_resp(unsigned, const void *, size_t);
struct httpd_resp *httpd_resp_ref(unsigned, const void *, size_t,
		    void (*)(void *), void *);
int		 httpd_resp_header(struct httpd_resp *, const char *,
		    const char *);
void		 httpd_resp_free(struct httpd_resp *);
void		 httpd_reply(struct httpd_req *, struct httpd_resp *);
void		 httpd_reply_text(struct httpd_req *, unsigned, const char *);
void		 httpd_defer(struct httpd_req *);
/*
 * May its answer be deferred: it is in its callback, or deferred already
 * (and not yet answered)?  Not one refused before its body was read.
 */
int		 httpd_may_defer(struct httpd_req *);

#endif
