/*
 * feed.h — calendars built from the store for an audience: `kcal export`
 * (everything the filters select) and the HTTP feeds (feed.c), whose bodies
 * are built once per change of the store and then served from memory.
 */
#ifndef KCAL_FEED_H
#define KCAL_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "ical-export.h"
#include "store.h"

struct server;

#define FEED_PUBLIC		0x1
#define FEED_PRIVATE		0x2
#define FEED_CONFIDENTIAL	0x4

/* Which events a calendar holds. */
struct feed_sel {
	struct store_query	 q;		/* filters and window */
	int			 classes;	/* FEED_* bits */
	int64_t			 tombstones_since; /* cancelled: changed since */
};

int	 feed_select(struct server *, const struct feed_sel *,
	     struct ical_out *, char **);
int	 feed_class_bit(const char *);

#endif
