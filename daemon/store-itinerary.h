/*
 * store-itinerary.h — the itinerary's SQL (store-itinerary.c): the city
 * and anchor columns kept beside each event (derived from its X-KCAL-*
 * properties by store_put, like every other indexed column), the anchor
 * graph, and the people index.
 */
#ifndef KCAL_STORE_ITINERARY_H
#define KCAL_STORE_ITINERARY_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "store.h"

struct store_person {
	char	*name, *role, *country;
	int	 precedence;	/* lowest non-zero seen, 0 = unset */
	int64_t	 nevents;
};

struct store_person_event {
	char	*uid, *role;
	int64_t	 start;		/* a recurring event's first start */
	int	 recurring;
};

/* Hooks called by store.c inside store_put and for every loaded row. */
int	 store_put_overrides(struct store *, const struct event *,
	     const struct store_overrides *, char **);

int	 store_anchored(struct store *, const char *, int, char ***, size_t *,
	     char **);
int	 store_anchor_of(struct store *, const char *, char **, char **);
int	 store_followed(struct store *, const char *);

int	 store_people(struct store *, const char *, struct store_person **,
	     size_t *, char **);
void	 store_people_free(struct store_person *, size_t);
int	 store_person_events(struct store *, const char *, int64_t,
	     struct store_person_event **, size_t *, char **);
void	 store_person_events_free(struct store_person_event *, size_t);

#endif
