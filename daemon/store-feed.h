/*
 * store-feed.h — the feed definitions and the feeds' last-change record
 * (store-feed.c, the feeds' SQL).
 */
#ifndef KCAL_STORE_FEED_H
#define KCAL_STORE_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A feed defined with kcal feed add. */
struct feed_def {
	char	*name, *token;
	char	*kind, *status, *participant, *parent, *search; /* filters */
	char	*redact;		/* NULL, "busy" or "title" */
	int	 classes;		/* FEED_* bits (feed.h) */
	int64_t	 past, future;		/* seconds; -1: the default */
	int	 alarms;
	int64_t	 created;
	char	*briefing;		/* a visit's UID: its briefing page */
};

void	 feed_def_clear(struct feed_def *);
void	 feed_def_copy(struct feed_def *, const struct feed_def *);
int	 store_feed_add(struct store *, const struct feed_def *, char **);
int	 store_feed_get(struct store *, const char *, struct feed_def *, char **);
int	 store_feed_list(struct store *, struct feed_def **, size_t *, char **);
int	 store_feed_token(struct store *, const char *, const char *, char **);
int	 store_feed_delete(struct store *, const char *, char **);
int	 store_feed_changed(struct store *, const char *, const char *, int64_t,
	     int64_t *, char **);
int	 store_event_class(struct store *, const char *, char **, char **);

#endif
