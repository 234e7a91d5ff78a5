/*
 * ical-serialize.h — a libical component as iCalendar text, working around
 * libical 3.0's unescaped commas in CATEGORIES and RESOURCES values
 * (ical-export.c).  Included only by the libical boundary (ical*.c).
 */
#ifndef KCAL_ICAL_SERIALIZE_H
#define KCAL_ICAL_SERIALIZE_H

#include <libical/ical.h>

char	*ical_serialize(icalcomponent *);

#endif
