/*
 * city.h — which city an event happens in, for the itinerary's grouping
 * and the transfer-time conflicts.  An explicit city (X-KCAL-CITY, and
 * X-KCAL-END-CITY for a travel leg) wins; otherwise it is derived from the
 * location: the last comma-separated part ("Great Hall of the People,
 * Beijing" is in Beijing), and a location "A -> B" is a leg from A's city
 * to B's.  Pure functions, no store, no time zones.
 */
#ifndef KCAL_CITY_H
#define KCAL_CITY_H

struct event;

char	*city_from_location(const char *, int);
char	*city_of(const struct event *, int);
int	 city_same(const char *, const char *);

#endif
