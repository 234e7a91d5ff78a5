/*
 * briefing.c — a visit's briefing page for a feed's audience.
 *
 * `kcal feed add NAME --briefing VISIT` makes a feed of the visit's
 * programme whose token opens two things: /feeds/TOKEN.ics, the
 * subscription, and /briefing/TOKEN.html, this page: the printable HTML
 * of `kcal itinerary VISIT --format html` (the same code,
 * include/itinerary-html.c), with links to subscribe to the feed.  The
 * itinerary is built for the feed's audience (cmd-itinerary.c): every
 * event read as the feed itself writes it (feed_view_record), so the page
 * shows no more than the feed.  feed-body.c builds it once per change of
 * the store, as it does the feed's body, and http-route.c serves it with a
 * Content-Security-Policy that lets nothing run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "briefing.h"
#include "feed.h"
#include "itinerary-html.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

/*
 * The page of the briefing feed d, *len bytes; NULL with *cause NULL when
 * the audience sees no such visit (it is gone, or of a class the feed does
 * not carry), NULL with *cause set on error.
 */
char *
briefing_render(struct server *srv, const struct feed_def *d, size_t *len,
    char **cause)
{
	struct feed_view	*view;
	struct itin_html_links	 links;
	json_t			*res;
	FILE			*fp;
	char			*body = NULL, *ics, *webcal, note[64];
	int			 rc;

	*cause = NULL;
	view = feed_view_new(srv, d);
	rc = itinerary_build(srv, d->briefing, view, 0, &res, cause);
	feed_view_free(view);
	if (rc != 0) {
		if (rc > 0)
			log_debug("briefing %s: visit %s not shown", d->name,
			    d->briefing);
		return NULL;
	}
	ics = feed_url(srv->cfg, d->token, 0);
	webcal = feed_url(srv->cfg, d->token, 1);
	memset(&links, 0, sizeof links);
	links.ics = ics;
	links.webcal = webcal;
	if (d->redact != NULL) {
		snprintf(note, sizeof note, "details are withheld (redacted: %s)",
		    d->redact);
		links.note = note;
	}
	if ((fp = open_memstream(&body, len)) == NULL)
		fatal("open_memstream");
	itin_html(fp, res, &links);
	if (fclose(fp) != 0)
		fatal("briefing: writing the page");
	json_decref(res);
	free(ics);
	free(webcal);
	return body;
}
