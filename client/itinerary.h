/*
 * itinerary.h — what the itinerary subcommand (itinerary.c) shares with
 * its formatters: terminal text and Markdown (itinerary.c), and the
 * printable HTML briefing (itinerary-html.c).  Every formatter prints the
 * daemon's "itinerary" result as it is: the grouping is the daemon's.
 */
#ifndef KCAL_ITINERARY_H
#define KCAL_ITINERARY_H

#include <stdio.h>
#include <jansson.h>

const char	*itin_str(json_t *, const char *);
char		*itin_local_span(json_t *);
char		*itin_home_span(json_t *);
char		*itin_dates(json_t *);
char		*itin_person(json_t *, int);
char		*itin_anchor_note(json_t *, json_t *);

void		 itin_html(FILE *, json_t *);

#endif
