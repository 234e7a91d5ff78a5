/*
 * ical-tz.c — an imported TZID to an IANA zone.
 *
 * In order:
 *  1. an IANA name (Asia/Seoul) is itself; UTC, GMT and Etc/UTC are UTC.
 *     The file's VTIMEZONE for it, if any, is not needed: the system's zone
 *     database knows the zone's whole history, which exported VTIMEZONEs
 *     often cut short.
 *  2. a name with a prefix ("/freeassociation.sourceforge.net/Tzfile/
 *     Europe/Berlin", "/mozilla.org/20050126_1/Asia/Tokyo",
 *     "custom_America/New_York") is the IANA zone its tail names.
 *  3. a Windows name ("China Standard Time", "W. Europe Standard Time") is
 *     the zone CLDR's windowsZones maps it to (tz-windows.c).
 *  4. any other name with a VTIMEZONE in the file is resolved by its rules:
 *     the IANA zone whose UTC offsets agree with the VTIMEZONE's at every
 *     sample (each 6 hours) over the time the file's events use it (a
 *     year at least, so that daylight saving time must agree), and that
 *     reads each local time the events write (the first 4096) as the
 *     same instant: zones that agree every 6 hours may still change offset
 *     at different times of one night (midnight rather than 02:00), and an
 *     event that night must not move.  A change at another time that no
 *     written time meets does not matter (Microsoft's 23:59:59); the
 *     other occurrences of a rule are not compared.  Among
 *     several, a zone whose city the TZID names wins, then a zone CLDR
 *     gives as a Windows default (the usual zone of its region), then the
 *     first by name.  None: the import fails, naming the TZID.
 *  5. a name with no VTIMEZONE that none of the above knows fails.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-int.h"
#include "ical-tz.h"
#include "tz.h"
#include "tz-windows.h"
#include "xmalloc.h"

#define STEP		(6 * 3600)
#define MAX_SPAN	(5 * 366 * 86400LL)

static int
is_utc_name(const char *s)
{
	return strcasecmp(s, "UTC") == 0 || strcasecmp(s, "GMT") == 0 ||
	    strcasecmp(s, "Z") == 0 || strcasecmp(s, "Etc/UTC") == 0 ||
	    strcasecmp(s, "Etc/GMT") == 0 || strcasecmp(s, "Etc/Zulu") == 0 ||
	    strcasecmp(s, "Universal") == 0 || strcasecmp(s, "Zulu") == 0;
}

/* The longest tail of tzid after a '/', '_' or ' ' that is an IANA name. */
static char *
prefixed(const char *tzid)
{
	const char	*p;

	for (p = tzid; *p != '\0'; p++) {
		if (*p != '/' && *p != '_' && *p != ' ')
			continue;
		if (strchr(p + 1, '/') != NULL && tz_valid(p + 1))
			return xstrdup(p + 1);
	}
	return NULL;
}

static int
offset_at(icaltimezone *z, int64_t t)
{
	struct icaltimetype	tt = icaltime_from_timet_with_zone((time_t)t, 0,
				    icaltimezone_get_utc_timezone());

	return icaltimezone_get_utc_offset_of_utc_time(z, &tt, NULL);
}

/* Do z and the custom zone agree on the offset at each sample? */
static int
agrees(icaltimezone *z, const int *want, int64_t from, size_t n, size_t step)
{
	for (size_t i = 0; i < n; i += step)
		if (offset_at(z, from + (int64_t)i * STEP) != want[i])
			return 0;
	return 1;
}

/* The instant of wall-clock time wall (seconds, read as UTC) in z. */
static int64_t
instant(icaltimezone *z, int64_t wall)
{
	struct icaltimetype	tt = icaltime_from_timet_with_zone((time_t)wall,
				    0, NULL);

	return (int64_t)icaltime_as_timet_with_zone(tt, z);
}

/* Does z read every local time the events use as custom does? */
static int
same_instants(icaltimezone *z, icaltimezone *custom, const int64_t *walls,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (instant(z, walls[i]) != instant(custom, walls[i]))
			return 0;
	return 1;
}

/* How well a matching zone's name fits the TZID: lower is better. */
static size_t
rank(const char *tzid, const char *zone)
{
	const char	*city = strrchr(zone, '/');
	char		 buf[64], id[256], *p;
	const char	*at;

	snprintf(buf, sizeof buf, "%s", city ? city + 1 : zone);
	snprintf(id, sizeof id, "%s", tzid);
	for (p = buf; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	for (p = id; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	if (strlen(buf) >= 3 && (at = strcasestr(id, buf)) != NULL)
		return (size_t)(at - id);
	return 1000;
}

/* The IANA zone whose offsets match custom's over [from, to), or NULL. */
static char *
by_rules(const char *tzid, icaltimezone *custom, int64_t from, int64_t to,
    const int64_t *walls, size_t nwalls)
{
	size_t		 nall, n, best_rank = (size_t)-1;
	icaltimezone	**all = tz_builtin_all(&nall);
	int		*want;
	char		*best = NULL;

	if (to - from > MAX_SPAN)
		to = from + MAX_SPAN;
	n = (size_t)((to - from) / STEP) + 1;
	want = xcalloc(n, sizeof *want);
	for (size_t i = 0; i < n; i++)
		want[i] = offset_at(custom, from + (int64_t)i * STEP);
	for (size_t i = 0; i < nall; i++) {
		icaltimezone	*z = all[i];
		const char	*loc;
		size_t		 r;

		/* Loading a zone replaces its strings: ask for them after. */
		if (!agrees(z, want, from, n, n / 8 + 1) ||
		    !agrees(z, want, from, n, 1) ||
		    !same_instants(z, custom, walls, nwalls))
			continue;
		loc = icaltimezone_get_location(z);
		if (loc == NULL || strchr(loc, '/') == NULL)
			continue;
		r = rank(tzid, loc) * 2 + !tz_windows_target(loc);
		if (best == NULL || r < best_rank ||
		    (r == best_rank && strcmp(loc, best) < 0)) {
			free(best);
			best = xstrdup(loc);
			best_rank = r;
		}
	}
	free(want);
	free(all);
	return best;
}

static char *
resolve_rules(const char *tzid, icalcomponent *vtz, int64_t from, int64_t to,
    const int64_t *walls, size_t nwalls, char **cause)
{
	icaltimezone	*custom = icaltimezone_new();
	char		*zone = NULL;

	if (!icaltimezone_set_component(custom, icalcomponent_new_clone(vtz))) {
		xasprintf(cause, "the VTIMEZONE \"%s\" cannot be read", tzid);
		icaltimezone_free(custom, 1);
		return NULL;
	}
	/* A year at least, so that the daylight saving rules must agree. */
	if (to - from < 366 * 86400)
		to = from + 366 * 86400;
	zone = by_rules(tzid, custom, from - 86400, to + 86400, walls, nwalls);
	icaltimezone_free(custom, 1);
	if (zone == NULL)
		xasprintf(cause, "the VTIMEZONE \"%s\" matches no IANA time "
		    "zone over the dates its events use (none has its offsets "
		    "and reads the events' local times as it does; use an "
		    "IANA TZID such as Europe/Brussels)", tzid);
	return zone;
}

/*
 * The IANA zone (or "UTC") for tzid.  vtz is the file's VTIMEZONE for it
 * (or NULL); [from, to) the instants its events fall in, roughly, and
 * walls their local times (wall-clock seconds).
 */
char *
ical_tz_resolve(const char *tzid, icalcomponent *vtz, int64_t from,
    int64_t to, const int64_t *walls, size_t nwalls, enum tz_how *how,
    char **cause)
{
	const char	*w;
	char		*z;

	if (is_utc_name(tzid)) {
		*how = TZ_UTC;
		return xstrdup("UTC");
	}
	if (tz_valid(tzid)) {
		*how = TZ_IANA;
		return xstrdup(tzid);
	}
	if ((z = prefixed(tzid)) != NULL) {
		*how = TZ_PREFIX;
		return z;
	}
	if ((w = tz_windows(tzid)) != NULL) {
		*how = TZ_WINDOWS;
		return xstrdup(is_utc_name(w) ? "UTC" : w);
	}
	if (vtz == NULL) {
		xasprintf(cause, "unknown time zone \"%s\": not an IANA or "
		    "Windows zone name, and the file has no VTIMEZONE for it",
		    tzid);
		return NULL;
	}
	*how = TZ_RULES;
	return resolve_rules(tzid, vtz, from, to, walls, nwalls, cause);
}
