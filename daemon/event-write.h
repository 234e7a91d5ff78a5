/*
 * event-write.h — an event's JSON written straight as text, the bytes
 * jansson would write for event_to_json's object (event-write.c).
 */
#ifndef KCAL_EVENT_WRITE_H
#define KCAL_EVENT_WRITE_H

#include "event.h"
#include "json-raw.h"

int	event_write_json(struct jbuf *, const struct event *, const char *,
	    const char *);

#endif
