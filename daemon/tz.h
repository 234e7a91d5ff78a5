/*
 * tz.h — IANA time zones (through libical's zone database): validating a
 * name, turning a wall-clock time into an instant, and an instant back into
 * wall-clock text.  The one place DST gaps and overlaps are decided:
 *  - a time in a gap (02:30 on a spring-forward night) does not exist: in
 *    strict mode (times a user typed) it is refused; otherwise (imported data)
 *    it is read with the offset before the gap, as RFC 5545 3.3.5 says;
 *  - a time in an overlap (01:30 on a fall-back night) happens twice: the
 *    first (daylight) instant is taken, as RFC 5545 says.
 */
#ifndef KCAL_TZ_H
#define KCAL_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "when.h"

int	tz_valid(const char *);
int	tz_offset(const char *, int64_t, int *);
int	tz_to_utc(const char *, const struct when *, int, int64_t *,
	    char **);	/* cause may be NULL (store.h, conventions) */
void	tz_local(const char *, int64_t, struct when *);
void	tz_iso(const char *, int64_t, char *, size_t);
void	tz_abbr(const char *, int64_t, char *, size_t);
const char *tz_system(void);

#endif
