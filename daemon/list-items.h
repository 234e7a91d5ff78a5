/*
 * list-items.h — the items of one "list" reply, held as events until the
 * page is known (list-items.c): only the page becomes JSON, and only its
 * rows are read for their participants and itinerary fields.
 */
#ifndef KCAL_LIST_ITEMS_H
#define KCAL_LIST_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "event.h"

struct cmd_ctx;
struct store;
struct list_items;

struct list_items *list_items_new(size_t);	/* the limit; 0: no page */
void	 list_items_free(struct list_items *);
void	 list_items_row(struct list_items *);	/* a new store row */
void	 list_items_add(struct list_items *, const struct event *,
	    const struct event *, int64_t, int64_t, const char *);
int	 list_items_slow(void);	/* KCAL_LIST_SLOW: tests only */
size_t	 list_items_count(const struct list_items *);
int	 list_items_full(const struct list_items *, int64_t, int64_t *);
int64_t	 list_items_first(const struct list_items *);
json_t	*list_items_page(struct list_items *, struct cmd_ctx *,
	    struct store *, int, int64_t, char **, size_t *);

#endif
