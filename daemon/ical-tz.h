/*
 * ical-tz.h — the TZIDs found in imported files, turned into IANA zones
 * (ical-tz.c).  kcal keeps every timed event in an IANA zone, so a TZID is
 * resolved once at import and never guessed at later.
 */
#ifndef KCAL_ICAL_TZ_H
#define KCAL_ICAL_TZ_H

#include <stdint.h>

#include <libical/ical.h>

enum tz_how { TZ_IANA, TZ_PREFIX, TZ_WINDOWS, TZ_RULES, TZ_UTC };

char	*ical_tz_resolve(const char *, icalcomponent *, int64_t, int64_t,
	    const int64_t *, size_t, enum tz_how *, char **);

#endif
