/*
 * itinerary-html.h — a visit's itinerary as kcal's formatters and kcald's
 * briefing page print it, from the daemon's "itinerary" JSON: the pieces
 * (itinerary-fmt.c) and the printable HTML page (itinerary-html.c).  One
 * copy for both binaries, so `kcal itinerary --format html` and the page
 * kcald serves at /briefing/TOKEN.html cannot drift apart.
 */
#ifndef KCAL_ITINERARY_HTML_H
#define KCAL_ITINERARY_HTML_H

#include <stdio.h>
#include <jansson.h>

const char	*itin_str(json_t *, const char *);
char		*itin_local_span(json_t *);
char		*itin_home_span(json_t *);
char		*itin_dates(json_t *);
char		*itin_person(json_t *, int);
char		*itin_anchor_note(json_t *, json_t *);

/* How a formatter writes calendar text: escaped for its markup, or not. */
typedef void	(*itin_put)(FILE *, const char *);
void		 itin_plain(FILE *, const char *);
void		 itin_people(FILE *, json_t *, const char *, itin_put);
void		 itin_member_rows(FILE *, json_t *, const char *,
		    void (*)(FILE *, const char *[4], itin_put), itin_put);
void		 itin_context_line(FILE *, json_t *, itin_put);

/* Where the page's "subscribe" links point (kcald's briefing), or none. */
struct itin_html_links {
	const char	*ics;		/* the feed's http(s) URL */
	const char	*webcal;	/* the same as webcal:// */
	const char	*note;		/* e.g. "redacted (busy)", or NULL */
};

/*
 * The page's style sheet, and its SHA-256 for the Content-Security-Policy
 * kcald serves the page with: change one, change the other (base64 of
 * sha256 of itin_html_css; tests/e2e/test-briefing.sh checks them).
 */
extern const char itin_html_css[];
#define ITIN_HTML_CSS_HASH "sha256-HmWtAqIOhHP+t3sChCrxAfVs2K8Ghc0KPlCQFN8Zvhk="

void		 itin_html(FILE *, json_t *, const struct itin_html_links *);

#endif
