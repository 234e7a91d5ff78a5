/*
 * ical-serialize.h — a libical component as iCalendar text, working around
 * libical 3.0's unescaped commas in CATEGORIES and RESOURCES values
 * (ical-export.c); and a parsed VEVENT's indexed fields (ical-record.c), so that
 * an import need not parse again the text it has just written; and the
 * DTSTAMP every VEVENT must carry (ical-edit.c); and text parsed in linear
 * time (ical-parse.c).  Included only by the libical boundary (ical*.c).
 */
#ifndef KCAL_ICAL_SERIALIZE_H
#define KCAL_ICAL_SERIALIZE_H

#include <stdint.h>

#include <libical/ical.h>

#include "access.h"
#include "event.h"

char	*ical_serialize(icalcomponent *);
icalcomponent *ical_parse(const char *);	/* ical-parse.c */
icalproperty *ical_parse_property(const char *);
int	 ical_extract_component(icalcomponent *, const char *, struct event *,
	     char **);
enum access_class ical_class_of(icalcomponent *);
void	 ical_ensure_dtstamp(icalcomponent *, int64_t);

#endif
