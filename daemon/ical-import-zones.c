/*
 * ical-import-zones.c — the zones of an imported file: each TZID its
 * events use turned into an IANA zone, and floating times pinned.
 *
 * Two steps.  While the driver scans the file, the TZIDs of each VEVENT's
 * timing properties (DTSTART, DTEND, RECURRENCE-ID, EXDATE, RDATE) are
 * noted from its lines, with the local times used in each, and the file's
 * VTIMEZONEs are kept; then every TZID is resolved once (ical-tz.c says
 * how: an IANA name, a known prefix, a Windows name, or the VTIMEZONE's
 * rules over the times used).  As each event is read, its timing
 * properties are rewritten: a TZID becomes its IANA zone (or UTC), a date
 * loses any TZID, and a floating time gets the zone the import names
 * (default: home), so a timed event is never stored floating by accident.
 * A zone read as a Windows name or from its rules is reported as a
 * warning; a TZID that cannot be resolved refuses the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-import-int.h"
#include "ical-serialize.h"
#include "xmalloc.h"

/* Is p's value a DATE (a day, which has no zone)? */
int
imp_is_date(icalproperty *p)
{
	icalvalue	*v = icalproperty_get_value(p);

	return v != NULL && icalvalue_isa(v) == ICAL_DATE_VALUE;
}

/* Call fn on each date-time in p's value, writing changes back. */
static void
each_time(icalproperty *p, void (*fn)(struct icaltimetype *, void *),
    void *arg)
{
	icalvalue			*v = icalproperty_get_value(p);
	struct icaltimetype		 tt;
	struct icaldatetimeperiodtype	 dp;
	struct icalperiodtype		 pe;

	switch (v ? icalvalue_isa(v) : ICAL_NO_VALUE) {
	case ICAL_DATETIME_VALUE:
		tt = icalvalue_get_datetime(v);
		fn(&tt, arg);
		icalvalue_set_datetime(v, tt);
		break;
	case ICAL_DATETIMEPERIOD_VALUE:
		dp = icalvalue_get_datetimeperiod(v);
		if (!icaltime_is_null_time(dp.time) && !dp.time.is_date)
			fn(&dp.time, arg);
		if (!icaltime_is_null_time(dp.period.start))
			fn(&dp.period.start, arg);
		if (!icaltime_is_null_time(dp.period.end))
			fn(&dp.period.end, arg);
		icalvalue_set_datetimeperiod(v, dp);
		break;
	case ICAL_PERIOD_VALUE:
		pe = icalvalue_get_period(v);
		fn(&pe.start, arg);
		if (!icaltime_is_null_time(pe.end))
			fn(&pe.end, arg);
		icalvalue_set_period(v, pe);
		break;
	default:
		break;
	}
}

/* The properties whose times say when an event happens. */
static int
timing(icalproperty *p)
{
	switch (icalproperty_isa(p)) {
	case ICAL_DTSTART_PROPERTY: case ICAL_DTEND_PROPERTY:
	case ICAL_RECURRENCEID_PROPERTY: case ICAL_EXDATE_PROPERTY:
	case ICAL_RDATE_PROPERTY:
		return 1;
	default:
		return 0;
	}
}

static void
widen(struct icaltimetype *tt, void *arg)
{
	struct zone	*z = arg;
	int64_t		 t = (int64_t)icaltime_as_timet(*tt);

	if (t < z->from)
		z->from = t;
	if (t > z->to)
		z->to = t;
	if (z->nwalls < ZONE_WALLS && (z->nwalls == 0 ||
	    z->walls[z->nwalls - 1] != t)) {
		z->walls = xreallocarray(z->walls, z->nwalls + 1,
		    sizeof *z->walls);
		z->walls[z->nwalls++] = t;
	}
}

static struct zone *
zone_note(struct imp *im, const char *tzid, int line)
{
	struct zone	*z;

	for (size_t i = 0; i < im->nzones; i++)
		if (strcmp(im->zones[i].tzid, tzid) == 0)
			return &im->zones[i];
	im->zones = xreallocarray(im->zones, im->nzones + 1, sizeof *im->zones);
	z = &im->zones[im->nzones++];
	memset(z, 0, sizeof *z);
	z->tzid = xstrdup(tzid);
	z->line = line;
	z->from = INT64_MAX;
	z->to = INT64_MIN;
	return z;
}

static icalcomponent *
find_vtimezone(struct imp *im, const char *tzid)
{
	icalcomponent	*c;
	icalproperty	*p;

	for (size_t i = 0; i < im->nkept; i++) {
		c = im->kept[i];
		if (icalcomponent_isa(c) != ICAL_VTIMEZONE_COMPONENT)
			continue;
		p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
		if (p != NULL && strcmp(icalproperty_get_tzid(p), tzid) == 0)
			return c;
	}
	return NULL;
}

/* p's TZID parameter; NULL if none. */
const char *
imp_tzid_of(icalproperty *p)
{
	icalparameter	*q = icalproperty_get_first_parameter(p,
			    ICAL_TZID_PARAMETER);

	return q ? icalparameter_get_tzid(q) : NULL;
}

static const char *timing_names[] = {
	"DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE", NULL
};

/* The timing property a line holds (its upper-case name), or NULL. */
static const char *
timing_line(const struct lint *l, const struct lint_line *ln)
{
	for (const char **n = timing_names; *n != NULL; n++)
		if (ln->namelen == strlen(*n) &&
		    strncasecmp(l->text + ln->off, *n, ln->namelen) == 0)
			return *n;
	return NULL;
}

/*
 * "NAME;TZID=zone:YYYYMMDDTHHMMSS", the common form, read without libical's
 * parser: its zone and time.  0 if the line is not of that form.
 */
static int
simple_timing(const struct lint *l, const struct lint_line *ln, char *tzid,
    size_t tzlen, struct icaltimetype *tt)
{
	const char	*s = l->text + ln->off, *p = s + ln->namelen;
	const char	*v = s + ln->voff;
	size_t		 n = ln->voff - ln->namelen;	/* ";TZID=zone:" */
	char		 val[16];

	if (n <= 7 || n - 7 >= tzlen || strncasecmp(p, ";TZID=", 6) != 0 ||
	    ln->len - ln->voff != 15 || v[8] != 'T')
		return 0;
	for (size_t i = 6; i < n - 1; i++)
		if (p[i] == ';' || p[i] == ',' || p[i] == '"' || p[i] == ':')
			return 0;
	memcpy(tzid, p + 6, n - 7);
	tzid[n - 7] = '\0';
	memcpy(val, v, 15);
	val[15] = '\0';
	*tt = icaltime_from_string(val);
	return 1;
}

/*
 * The zones the timing properties of VEVENT j use, and the local times
 * used in each, from its lines (libical reads the event later, once the
 * zones are known).
 */
void
imp_note_zones(struct imp *im, int j)
{
	struct lint		*l = &im->l;
	struct icaltimetype	 tt;
	struct zone		*z;
	icalproperty		*p;
	const char		*name, *tzid;
	char			 buf[256], *s;

	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++) {
		struct lint_line *ln = &l->lines[k];

		if (ln->comp != j || (name = timing_line(l, ln)) == NULL ||
		    ln->voff == ln->namelen + 1)	/* no parameters */
			continue;
		if (simple_timing(l, ln, buf, sizeof buf, &tt)) {
			z = zone_note(im, buf, lint_prop_line(l, j, name, 0));
			widen(&tt, z);
			continue;
		}
		s = xstrndup(l->text + ln->off, ln->len);
		p = ical_parse_property(s);
		free(s);
		if (p == NULL)
			continue;	/* refused when the event is read */
		if ((tzid = imp_tzid_of(p)) != NULL && !imp_is_date(p)) {
			z = zone_note(im, tzid, lint_prop_line(l, j, name, 0));
			each_time(p, widen, z);
		}
		icalproperty_free(p);
	}
}

/* Keep the VTIMEZONEs of a piece for imp_resolve_zones; 1 if any. */
int
imp_keep_zones(struct imp *im)
{
	int	kept = 0;

	for (size_t i = 0; i < im->ncomp; i++) {
		if (icalcomponent_isa(im->comp[i]) != ICAL_VTIMEZONE_COMPONENT)
			continue;
		im->kept = xreallocarray(im->kept, im->nkept + 1,
		    sizeof *im->kept);
		im->kept[im->nkept++] = im->comp[i];
		kept = 1;
	}
	return kept;
}

/* Every TZID the events use, resolved to an IANA zone. */
int
imp_resolve_zones(struct imp *im)
{
	struct zone	*z;
	char		*why = NULL;

	for (size_t i = 0; i < im->nzones; i++) {
		z = &im->zones[i];
		if (z->from > z->to)
			z->from = z->to = 0;
		z->iana = ical_tz_resolve(z->tzid, find_vtimezone(im, z->tzid),
		    z->from, z->to, z->walls, z->nwalls, &z->how, &why);
		if (z->iana == NULL) {
			imp_fail(im, z->line, "%s", why);
			free(why);
			return -1;
		}
		if (z->how == TZ_WINDOWS || z->how == TZ_RULES)
			imp_warn(im, "TZID \"%s\" read as %s (%s)", z->tzid,
			    z->iana,
			    z->how == TZ_WINDOWS ? "Windows zone name, CLDR "
			    "mapping" : "its VTIMEZONE's rules");
	}
	return 0;
}

static void
to_utc(struct icaltimetype *tt, void *arg)
{
	(void)arg;
	tt->zone = icaltimezone_get_utc_timezone();
}

static void
probe_floating(struct icaltimetype *tt, void *arg)
{
	if (!tt->is_date && !icaltime_is_utc(*tt))
		*(int *)arg = 1;
}

static const struct zone *
zone_find(const struct imp *im, const char *tzid)
{
	for (size_t i = 0; i < im->nzones; i++)
		if (strcmp(im->zones[i].tzid, tzid) == 0)
			return &im->zones[i];
	return NULL;
}

/* Point p at zone (an IANA name or UTC). */
static void
set_zone(icalproperty *p, const char *zone)
{
	icalproperty_remove_parameter_by_kind(p, ICAL_TZID_PARAMETER);
	if (strcmp(zone, "UTC") == 0)
		each_time(p, to_utc, NULL);
	else
		icalproperty_add_parameter(p, icalparameter_new_tzid(zone));
}

/* IANA zones for every TZID; floating times pinned to float_tz. */
void
imp_rewrite_times(struct imp *im, icalcomponent *c)
{
	icalproperty		*p;
	const struct zone	*z;
	const char		*tzid;
	int			 floating = 0, f;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		if (!timing(p))
			continue;
		tzid = imp_tzid_of(p);
		if (imp_is_date(p)) {
			if (tzid != NULL)	/* a date has no zone */
				icalproperty_remove_parameter_by_kind(p,
				    ICAL_TZID_PARAMETER);
			continue;
		}
		if (tzid != NULL) {
			if ((z = zone_find(im, tzid)) != NULL)
				set_zone(p, z->iana);
			continue;
		}
		f = 0;
		each_time(p, probe_floating, &f);
		if (f) {
			set_zone(p, im->o->float_tz);
			floating = 1;
		}
	}
	if (im->count_floating)
		im->nfloating += floating;
}
