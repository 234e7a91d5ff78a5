/*
 * briefing.h — a visit's briefing page for a feed's audience: the
 * itinerary (cmd-itinerary.c) as that feed shows its events, rendered as
 * the printable HTML page of `kcal itinerary --format html`
 * (include/itinerary-html.c) by briefing.c and served by http-route.c at
 * /briefing/TOKEN.html beside the feed's /feeds/TOKEN.ics.
 */
#ifndef KCAL_BRIEFING_H
#define KCAL_BRIEFING_H

#include <stddef.h>
#include <jansson.h>

#include "feed.h"

struct server;
struct feed_def;
struct feed_view;

int	 itinerary_build(struct server *, const char *, struct feed_view *,
	     int, json_t **, char **);
char	*briefing_render(struct server *, const struct feed_def *, size_t *,
	     char **);
int	 briefing_get(struct server *, const char *, feed_wait_fn, void *,
	     const struct feed_body **, char **);

#endif
