/*
 * itinerary.h — what the itinerary subcommand (itinerary.c) shares with
 * its formatters: terminal text and Markdown (itinerary.c), and the
 * printable HTML briefing (include/itinerary-html.c, shared with kcald's
 * briefing page).  Every formatter prints the daemon's "itinerary" result
 * as it is: the grouping is the daemon's.
 */
#ifndef KCAL_ITINERARY_H
#define KCAL_ITINERARY_H

#include "itinerary-html.h"

#endif
