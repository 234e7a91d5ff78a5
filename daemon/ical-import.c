/*
 * ical-import.c — an .ics file in, checked, repaired where that is safe,
 * and grouped into the records the store keeps.
 *
 * The file goes through ical-lint.c (lines, grammar, nesting; every later
 * error can then name its line), libical's parser, and the checks below:
 * what libical could not read, impossible dates and offsets, properties
 * that may occur once occurring twice, events without DTSTART, DTEND with
 * DURATION, two events claiming one UID.  Any of these refuses the whole
 * file; nothing is imported partly.
 *
 * Repairs, each reported as a warning: an event without a UID gets one
 * derived from its content (so importing the same file again finds the same
 * events); one without DTSTAMP gets LAST-MODIFIED, CREATED or the time of
 * the import (this one silently: DTSTAMP is the copy's time, not a change); floating times are read in the zone the import names (default:
 * home) and written with that TZID, so a timed event is never stored
 * floating by accident; TZIDs are turned into IANA zones (ical-tz.c).
 *
 * Overrides.  A RECURRENCE-ID VEVENT belongs to its master: both share the
 * UID, and the store keeps one record per UID.  A record is therefore the
 * master VEVENT alone or, when the series has overrides, a VCALENDAR whose
 * first VEVENT is the master and whose other VEVENTs are its overrides —
 * the calendar object resource of CalDAV (RFC 4791 4.1).  Everything that
 * reads a record (ical_extract, ical_expand, export) takes the first VEVENT
 * as the event and the others as its overrides, and an edit keeps them
 * (ical_apply).  A separate table keyed by (UID, RECURRENCE-ID) was the
 * other choice; one record keeps the series whole in every path that reads
 * or writes an event, with no join to forget.  A file that brings only overrides for a
 * stored series is merged into it (ical_merge_overrides).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-import.h"
#include "ical-lint.h"
#include "ical-serialize.h"
#include "ical-tz.h"
#include "tz.h"
#include "xmalloc.h"

struct zone {
	char		*tzid, *iana;
	enum tz_how	 how;
	int		 line;		/* first use */
	int64_t		 from, to;	/* local times used, read as UTC */
};

/* A VEVENT of the file, known from its lines before libical reads it. */
struct evref {
	char		*uid;		/* NULL: none (until one is made) */
	int		 made;		/* uid derived from the content */
	int		 comp;		/* its lint component */
	int		 line;
};

/* A VEVENT of one record, parsed and rewritten. */
struct member {
	icalcomponent	*c;
	const char	*uid;
	char		*rid;		/* NULL: a master */
	int		 line;
};

struct imp {
	const struct ical_import_opts	 *o;
	struct ical_import		 *out;
	struct lint			  l;
	size_t				 *cbeg, *cend;	/* BEGIN, END line */
	/* The piece being read: lint components [base, base + ncomp). */
	icalcomponent			**comp;		/* pre-order */
	size_t				  ncomp;
	int				  base;
	size_t				  plo, phi;	/* its lines */
	int				  lines_ok;
	icalcomponent			**kept;		/* the VTIMEZONEs */
	size_t				  nkept;
	icalcomponent			**trees;	/* holding them */
	size_t				  ntrees;
	struct zone			 *zones;
	size_t				  nzones;
	struct evref			 *evs;
	size_t				  nevs;
	size_t				  nfloating, nuids;
	int				  count_floating;
	ical_record_cb			  cb;
	void				 *arg;
	char				 *err;
};

static int
fail(struct imp *im, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (im->err != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (line > 0)
		xasprintf(&im->err, "%s:%d: %s", im->o->name, line,
		    msg ? msg : "error");
	else
		xasprintf(&im->err, "%s: %s", im->o->name, msg ? msg : "error");
	free(msg);
	return -1;
}

static void
warn(struct imp *im, const char *fmt, ...)
{
	va_list			 ap;
	char			*msg;
	struct ical_import	*out = im->out;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	out->warnings = xreallocarray(out->warnings, out->nwarnings + 1,
	    sizeof *out->warnings);
	out->warnings[out->nwarnings++] = msg;
}

static int
comp_line(const struct imp *im, size_t i)
{
	i += (size_t)im->base;
	return im->lines_ok && i < im->l.ncomps ? im->l.comps[i].line : 0;
}

static int
prop_line(const struct imp *im, size_t i, const char *name, int nth)
{
	return im->lines_ok ? lint_prop_line(&im->l, im->base + (int)i, name,
	    nth) : 0;
}

static void
collect(struct imp *im, icalcomponent *c)
{
	icalcomponent	*k;

	im->comp = xreallocarray(im->comp, im->ncomp + 1, sizeof *im->comp);
	im->comp[im->ncomp++] = c;
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		collect(im, k);
}

/* Is an empty value legal for this property (RFC 5545 TEXT may be empty)? */
static int
empty_ok(const char *name)
{
	icalproperty_kind	k = icalproperty_string_to_kind(name);

	return k == ICAL_X_PROPERTY || (k != ICAL_NO_PROPERTY &&
	    icalproperty_kind_to_value_kind(k) == ICAL_TEXT_VALUE);
}

/* libical's "No value for DESCRIPTION property." about a legal empty TEXT. */
static int
harmless(const char *msg)
{
	char	name[64];

	if (msg == NULL || sscanf(msg, "No value for %63s property", name) != 1)
		return 0;
	return empty_ok(name);
}

/* The first line of component i that libical cannot read on its own. */
static int
unreadable_line(struct imp *im, size_t i)
{
	struct lint	*l = &im->l;
	char		*s, name[64];
	icalproperty	*p;

	for (size_t k = im->plo; im->lines_ok && k <= im->phi; k++) {
		struct lint_line *ln = &l->lines[k];

		if (ln->comp != im->base + (int)i || (ln->namelen == 5 &&
		    strncasecmp(l->text + ln->off, "BEGIN", 5) == 0) ||
		    (ln->namelen == 3 && strncasecmp(l->text + ln->off, "END",
		    3) == 0))
			continue;
		s = xstrndup(l->text + ln->off, ln->len);
		p = icalproperty_new_from_string(s);
		free(s);
		if (p != NULL) {
			icalproperty_free(p);
			continue;
		}
		snprintf(name, sizeof name, "%.*s", (int)(ln->namelen < 63 ?
		    ln->namelen : 63), l->text + ln->off);
		if (ln->len == ln->voff && empty_ok(name))
			continue;
		return ln->phys;
	}
	return comp_line(im, i);
}

/* Refuse what libical's parser could not read (X-LIC-ERROR). */
static int
check_parsed(struct imp *im)
{
	icalproperty	*p;
	const char	*msg, *cut;

	for (size_t i = 0; i < im->ncomp; i++) {
		for (p = icalcomponent_get_first_property(im->comp[i],
		    ICAL_XLICERROR_PROPERTY); p != NULL;
		    p = icalcomponent_get_next_property(im->comp[i],
		    ICAL_XLICERROR_PROPERTY)) {
			msg = icalproperty_get_xlicerror(p);
			if (harmless(msg))
				continue;
			cut = msg ? strstr(msg, ". Removing entire property") :
			    NULL;
			return fail(im, unreadable_line(im, i), "%.*s%s",
			    cut ? (int)(cut - msg) : (int)strlen(msg ? msg : ""),
			    msg ? msg : "libical cannot read this",
			    cut ? cut + 26 : "");
		}
	}
	return 0;
}

static int
tt_ok(struct icaltimetype t)
{
	if (icaltime_is_null_time(t))
		return 1;
	if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 ||
	    t.day < 1 || t.day > icaltime_days_in_month(t.month, t.year))
		return 0;
	return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 &&
	    t.minute < 60 && t.second >= 0 && t.second <= 60);
}

/* The date-times a value holds are real dates and times. */
static int
value_times_ok(icalvalue *v)
{
	struct icaldatetimeperiodtype	dp;
	struct icalperiodtype		pe;
	struct icalrecurrencetype	r;

	switch (icalvalue_isa(v)) {
	case ICAL_DATE_VALUE:
		return tt_ok(icalvalue_get_date(v));
	case ICAL_DATETIME_VALUE:
		return tt_ok(icalvalue_get_datetime(v));
	case ICAL_DATETIMEPERIOD_VALUE:
		dp = icalvalue_get_datetimeperiod(v);
		return tt_ok(dp.time) && tt_ok(dp.period.start) &&
		    tt_ok(dp.period.end);
	case ICAL_PERIOD_VALUE:
		pe = icalvalue_get_period(v);
		return tt_ok(pe.start) && tt_ok(pe.end);
	case ICAL_RECUR_VALUE:
		r = icalvalue_get_recur(v);
		return r.freq != ICAL_NO_RECURRENCE && tt_ok(r.until);
	case ICAL_TRIGGER_VALUE:
		return tt_ok(icalvalue_get_trigger(v).time);
	default:
		return 1;
	}
}

/* A UTC offset is [+-]HHMM[SS] with HH < 24 (libical wraps 53 hours). */
static int
offset_ok(const char *v, size_t n)
{
	int	hh, mm, ss = 0;

	if ((n != 5 && n != 7) || (v[0] != '+' && v[0] != '-'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	hh = (v[1] - '0') * 10 + v[2] - '0';
	mm = (v[3] - '0') * 10 + v[4] - '0';
	if (n == 7)
		ss = (v[5] - '0') * 10 + v[6] - '0';
	return hh < 24 && mm < 60 && ss < 60;
}

/* No number in a duration beyond 8 digits (libical silently wraps). */
static int
duration_ok(const char *v, size_t n)
{
	size_t	run = 0;

	for (size_t i = 0; i < n; i++) {
		run = v[i] >= '0' && v[i] <= '9' ? run + 1 : 0;
		if (run > 8)
			return 0;
	}
	return 1;
}

/*
 * How many properties named like p come before it in c.  It walks c's one
 * property iterator and leaves it on p, so a caller's walk goes on.
 */
static int
nth_of(icalcomponent *c, icalproperty *p)
{
	const char	*name = icalproperty_get_property_name(p);
	int		 n = 0;

	for (icalproperty *q = icalcomponent_get_first_property(c,
	    ICAL_ANY_PROPERTY); q != NULL && q != p;
	    q = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
		if (strcasecmp(icalproperty_get_property_name(q), name) == 0)
			n++;
	return n;
}

static int
check_raw(struct imp *im, size_t i, icalproperty *p, const char *name, int nth)
{
	icalvalue_kind	 k = icalvalue_isa(icalproperty_get_value(p));
	const char	*v;
	size_t		 n;
	int		 line;

	if (!im->lines_ok)
		return 0;
	if ((line = lint_value(&im->l, im->base + (int)i, name, nth, &v,
	    &n)) == 0)
		return 0;
	if (k == ICAL_UTCOFFSET_VALUE && !offset_ok(v, n))
		return fail(im, line, "%s: \"%.*s\" is not a UTC offset "
		    "(+HHMM or -HHMM, hours below 24)", name, (int)n, v);
	if (k != ICAL_UTCOFFSET_VALUE && !duration_ok(v, n))
		return fail(im, line, "%s: the duration \"%.*s\" is out of "
		    "range", name, (int)n, v);
	return 0;
}

/* Impossible dates, offsets and durations libical lets through. */
static int
check_values(struct imp *im)
{
	icalproperty	*p;
	const char	*name;
	icalvalue_kind	 k;

	for (size_t i = 0; i < im->ncomp; i++) {
		icalcomponent *c = im->comp[i];

		for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
		    p != NULL; p = icalcomponent_get_next_property(c,
		    ICAL_ANY_PROPERTY)) {
			if (icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY ||
			    icalproperty_get_value(p) == NULL)
				continue;
			name = icalproperty_get_property_name(p);
			k = icalvalue_isa(icalproperty_get_value(p));
			if (!value_times_ok(icalproperty_get_value(p)))
				return fail(im, prop_line(im, i, name,
				    nth_of(c, p)), "%s: \"%s\" is not a valid "
				    "date, time or rule", name,
				    icalproperty_get_value_as_string(p));
			if ((k == ICAL_UTCOFFSET_VALUE || k ==
			    ICAL_DURATION_VALUE || k == ICAL_TRIGGER_VALUE) &&
			    check_raw(im, i, p, name, nth_of(c, p)) != 0)
				return -1;
		}
	}
	return 0;
}

/* Properties a VEVENT may have at most once (RFC 5545 3.6.1). */
static const icalproperty_kind once[] = {
	ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY, ICAL_DURATION_PROPERTY,
	ICAL_UID_PROPERTY, ICAL_DTSTAMP_PROPERTY, ICAL_SUMMARY_PROPERTY,
	ICAL_DESCRIPTION_PROPERTY, ICAL_LOCATION_PROPERTY, ICAL_CLASS_PROPERTY,
	ICAL_STATUS_PROPERTY, ICAL_SEQUENCE_PROPERTY, ICAL_RECURRENCEID_PROPERTY,
	ICAL_CREATED_PROPERTY, ICAL_LASTMODIFIED_PROPERTY, ICAL_TRANSP_PROPERTY,
	ICAL_URL_PROPERTY, ICAL_ORGANIZER_PROPERTY, ICAL_PRIORITY_PROPERTY,
	ICAL_GEO_PROPERTY, ICAL_NO_PROPERTY
};

static int
is_date(icalproperty *p)
{
	icalvalue	*v = icalproperty_get_value(p);

	return v != NULL && icalvalue_isa(v) == ICAL_DATE_VALUE;
}

static int
check_vevent(struct imp *im, size_t i)
{
	icalcomponent	*c = im->comp[i];
	icalproperty	*ps, *pe;
	const char	*name;

	for (const icalproperty_kind *k = once; *k != ICAL_NO_PROPERTY; k++) {
		if (icalcomponent_count_properties(c, *k) < 2)
			continue;
		name = icalproperty_kind_to_string(*k);
		return fail(im, prop_line(im, i, name, 1), "%s appears twice in "
		    "one event (first at line %d)", name,
		    prop_line(im, i, name, 0));
	}
	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL)
		return fail(im, comp_line(im, i), "the event has no DTSTART");
	pe = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
	if (pe != NULL && icalcomponent_get_first_property(c,
	    ICAL_DURATION_PROPERTY) != NULL)
		return fail(im, prop_line(im, i, "DURATION", 0), "the event has "
		    "both DTEND and DURATION (RFC 5545 allows one)");
	if (pe != NULL && is_date(pe) != is_date(ps))
		return fail(im, prop_line(im, i, "DTEND", 0), "DTEND is a %s "
		    "but DTSTART is a %s", is_date(pe) ? "date" : "date-time",
		    is_date(ps) ? "date" : "date-time");
	return 0;
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

static const char *
tzid_of(icalproperty *p)
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
static void
note_zones(struct imp *im, int j)
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
		p = icalproperty_new_from_string(s);
		free(s);
		if (p == NULL)
			continue;	/* refused when the event is read */
		if ((tzid = tzid_of(p)) != NULL && !is_date(p)) {
			z = zone_note(im, tzid, lint_prop_line(l, j, name, 0));
			each_time(p, widen, z);
		}
		icalproperty_free(p);
	}
}

/* Every TZID the events use, resolved to an IANA zone. */
static int
resolve_zones(struct imp *im)
{
	struct zone	*z;
	char		*why = NULL;

	for (size_t i = 0; i < im->nzones; i++) {
		z = &im->zones[i];
		if (z->from > z->to)
			z->from = z->to = 0;
		z->iana = ical_tz_resolve(z->tzid, find_vtimezone(im, z->tzid),
		    z->from, z->to, &z->how, &why);
		if (z->iana == NULL) {
			fail(im, z->line, "%s", why);
			free(why);
			return -1;
		}
		if (z->how == TZ_WINDOWS || z->how == TZ_RULES)
			warn(im, "TZID \"%s\" read as %s (%s)", z->tzid, z->iana,
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

static void
drop_errors(icalcomponent *c)
{
	icalproperty	*p;
	icalcomponent	*k;

	while ((p = icalcomponent_get_first_property(c,
	    ICAL_XLICERROR_PROPERTY)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		drop_errors(k);
}

/* IANA zones for every TZID; floating times pinned to float_tz. */
static void
rewrite_times(struct imp *im, icalcomponent *c)
{
	icalproperty		*p;
	const struct zone	*z;
	const char		*tzid;
	int			 floating = 0, f;

	drop_errors(c);
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		if (!timing(p))
			continue;
		tzid = tzid_of(p);
		if (is_date(p)) {
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

/* 128 bits of FNV-1a over s: the same event text, the same UID. */
static char *
content_uid(const char *s, unsigned serial)
{
	uint64_t	a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	char		*uid;

	for (; *s != '\0'; s++) {
		a = (a ^ (unsigned char)*s) * 0x100000001b3ULL;
		b = (b ^ (unsigned char)*s) * 0x100000001b3ULL;
		b ^= b >> 29;
	}
	if (serial > 0)
		xasprintf(&uid, "%016llx%016llx-%u@kcal-import",
		    (unsigned long long)a, (unsigned long long)b, serial);
	else
		xasprintf(&uid, "%016llx%016llx@kcal-import",
		    (unsigned long long)a, (unsigned long long)b);
	return uid;
}

/* Is uid an earlier event's (evs[0, n))? */
static int
uid_taken(const struct imp *im, size_t n, const char *uid)
{
	for (size_t i = 0; i < n; i++)
		if (im->evs[i].uid != NULL && strcmp(im->evs[i].uid, uid) == 0)
			return 1;
	return 0;
}

/* A UID for evs[n], which has none, derived from its rewritten text. */
static void
make_uid(struct imp *im, size_t n, icalcomponent *c)
{
	icalproperty	*p;
	char		*text, *made;
	unsigned	 serial = 0;

	while ((p = icalcomponent_get_first_property(c,
	    ICAL_UID_PROPERTY)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	text = icalcomponent_as_ical_string_r(c);
	while (uid_taken(im, n, made = content_uid(text, serial))) {
		free(made);
		serial++;
	}
	icalmemory_free_buffer(text);
	im->evs[n].uid = made;
	im->evs[n].made = 1;
	im->nuids++;
}

/* Give an event its made UID (the one make_uid found). */
static void
set_made_uid(icalcomponent *c, const char *uid)
{
	icalproperty	*p;

	while ((p = icalcomponent_get_first_property(c,
	    ICAL_UID_PROPERTY)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	icalcomponent_set_uid(c, uid);
}

/* The UID on VEVENT j's lines, as libical would read it; NULL if none. */
static char *
line_uid(struct imp *im, int j)
{
	struct lint	*l = &im->l;
	const char	*v;
	char		*s, *uid;
	icalvalue	*val;
	size_t		 n;

	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++) {
		struct lint_line *ln = &l->lines[k];

		if (ln->comp != j || ln->namelen != 3 ||
		    strncasecmp(l->text + ln->off, "UID", 3) != 0)
			continue;
		v = l->text + ln->off + ln->voff;
		if ((n = ln->len - ln->voff) == 0)
			return NULL;
		if (memchr(v, '\\', n) == NULL)
			return xstrndup(v, n);
		s = xstrndup(v, n);
		val = icalvalue_new_from_string(ICAL_TEXT_VALUE, s);
		free(s);
		if (val == NULL)
			return NULL;
		uid = *icalvalue_get_text(val) ? xstrdup(icalvalue_get_text(val)) :
		    NULL;
		icalvalue_free(val);
		return uid;
	}
	return NULL;
}

/* DTSTAMP is required: LAST-MODIFIED or CREATED stands in, else now. */
static void
ensure_dtstamp(struct imp *im, icalcomponent *c)
{
	icalproperty		*p;
	struct icaltimetype	 t;

	if (icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
		return;
	if ((p = icalcomponent_get_first_property(c,
	    ICAL_LASTMODIFIED_PROPERTY)) != NULL)
		t = icalproperty_get_lastmodified(p);
	else if ((p = icalcomponent_get_first_property(c,
	    ICAL_CREATED_PROPERTY)) != NULL)
		t = icalproperty_get_created(p);
	else
		t = icaltime_from_timet_with_zone((time_t)im->o->now, 0,
		    icaltimezone_get_utc_timezone());
	icalcomponent_add_property(c, icalproperty_new_dtstamp(t));
}

static char *
rid_key(icalcomponent *c)
{
	icalproperty	*p = icalcomponent_get_first_property(c,
			    ICAL_RECURRENCEID_PROPERTY);
	const char	*tzid;
	char		*key;

	if (p == NULL)
		return NULL;
	tzid = tzid_of(p);
	xasprintf(&key, "%s %s", icalproperty_get_value_as_string(p),
	    tzid ? tzid : "");
	return key;
}


static int
by_uid(const void *a, const void *b)
{
	const struct member	*x = a, *y = b;
	int			 c = strcmp(x->uid, y->uid);

	if (c != 0)
		return c;
	if ((x->rid == NULL) != (y->rid == NULL))
		return x->rid == NULL ? -1 : 1;
	if (x->rid != NULL && (c = strcmp(x->rid, y->rid)) != 0)
		return c;
	return x->line - y->line;
}

/* Events in UID order; one UID's in the order of the file. */
static int
by_uid_line(const void *a, const void *b)
{
	const struct evref	*x = a, *y = b;
	int			 c = strcmp(x->uid, y->uid);

	return c != 0 ? c : x->comp - y->comp;
}

static char *
component_text(icalcomponent *c)
{
	return ical_serialize(c);
}

static void
repair_warnings(struct imp *im)
{
	const struct lint	*l = &im->l;

	if (l->bom)
		warn(im, "a UTF-8 byte-order mark was skipped");
	if (l->tabs)
		warn(im, "%d line%s folded with a TAB (RFC 5545 wants a space)",
		    l->tabs, l->tabs == 1 ? " was" : "s were");
	if (l->stray)
		warn(im, "%d line%s outside any component ignored", l->stray,
		    l->stray == 1 ? "" : "s");
	if (im->nuids)
		warn(im, "%zu event%s without a UID given one derived from "
		    "the content", im->nuids, im->nuids == 1 ? "" : "s");
	if (im->nfloating)
		warn(im, "%zu event%s with floating times read in %s",
		    im->nfloating, im->nfloating == 1 ? "" : "s",
		    im->o->float_tz);
}


static int
is_vcal(const struct imp *im, int j)
{
	return j >= 0 && strcmp(im->l.comps[j].name, "VCALENDAR") == 0;
}

/* A piece: a component of a VCALENDAR (or of none), read on its own. */
static int
is_root(const struct imp *im, int j)
{
	return !is_vcal(im, j) && (im->l.comps[j].parent < 0 ||
	    is_vcal(im, im->l.comps[j].parent));
}

/* How many components j is, with its descendants (pre-order). */
static size_t
subtree(const struct imp *im, int j)
{
	size_t	k;

	for (k = (size_t)j + 1; k < im->l.ncomps &&
	    im->l.comps[k].parent >= j; k++)
		;
	return k - (size_t)j;
}

/* The lines of each component's BEGIN and END. */
static void
spans(struct imp *im)
{
	struct lint	*l = &im->l;

	im->cbeg = xcalloc(l->ncomps + 1, sizeof *im->cbeg);
	im->cend = xcalloc(l->ncomps + 1, sizeof *im->cend);
	for (size_t k = 0; k < l->nlines; k++) {
		struct lint_line *ln = &l->lines[k];

		if (ln->comp < 0)
			continue;
		if (ln->namelen == 5 && strncasecmp(l->text + ln->off, "BEGIN",
		    5) == 0)
			im->cbeg[ln->comp] = k;
		else if (ln->namelen == 3 && strncasecmp(l->text + ln->off,
		    "END", 3) == 0)
			im->cend[ln->comp] = k;
	}
}

/* libical on the lines [lo, hi] of the unfolded text, in place. */
static icalcomponent *
parse_lines(struct imp *im, size_t lo, size_t hi)
{
	struct lint	*l = &im->l;
	char		*end = l->text + l->lines[hi].off + l->lines[hi].len + 1;
	char		 save = *end;
	icalcomponent	*c;

	*end = '\0';
	c = icalparser_parse_string(l->text + l->lines[lo].off);
	*end = save;
	return c;
}

/* A VCALENDAR's own properties, without its components. */
static icalcomponent *
parse_calendar(struct imp *im, int j)
{
	struct lint	*l = &im->l;
	icalcomponent	*c;
	char		*buf;
	size_t		 n = 0;

	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++)
		if (l->lines[k].comp == j)
			n += l->lines[k].len + 1;
	buf = xmalloc(n + 1);
	n = 0;
	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++)
		if (l->lines[k].comp == j) {
			memcpy(buf + n, l->text + l->lines[k].off,
			    l->lines[k].len);
			n += l->lines[k].len;
			buf[n++] = '\n';
		}
	buf[n] = '\0';
	c = icalparser_parse_string(buf);
	free(buf);
	return c;
}

/* Parse piece j (a VCALENDAR: its properties) into im->comp. */
static icalcomponent *
read_piece(struct imp *im, int j)
{
	icalcomponent	*root;
	size_t		 want;

	if (is_vcal(im, j)) {
		root = parse_calendar(im, j);
		want = 1;
	} else {
		root = parse_lines(im, im->cbeg[j], im->cend[j]);
		want = subtree(im, j);
	}
	im->ncomp = 0;
	im->base = j;
	im->plo = im->cbeg[j];
	im->phi = im->cend[j];
	if (root == NULL) {
		fail(im, 0, "libical cannot parse the file");
		return NULL;
	}
	collect(im, root);
	im->lines_ok = im->ncomp == want;
	return root;
}

static int
check_piece(struct imp *im)
{
	if (check_parsed(im) != 0 || check_values(im) != 0)
		return -1;
	for (size_t i = 0; i < im->ncomp; i++)
		if (icalcomponent_isa(im->comp[i]) == ICAL_VEVENT_COMPONENT &&
		    check_vevent(im, i) != 0)
			return -1;
	return 0;
}

/* Read VEVENT piece j and check it; NULL on error. */
static icalcomponent *
read_event(struct imp *im, int j)
{
	icalcomponent	*root;

	if ((root = read_piece(im, j)) == NULL)
		return NULL;
	if (check_piece(im) == 0 &&
	    icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT)
		return root;
	fail(im, 0, "libical cannot parse the file");
	icalcomponent_free(root);
	return NULL;
}

/* Keep the VTIMEZONEs of a piece for resolve_zones; 1 if any. */
static int
keep_zones(struct imp *im)
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

static int
other_kind(const char *name)
{
	return strcmp(name, "VTODO") == 0 || strcmp(name, "VJOURNAL") == 0 ||
	    strcmp(name, "VFREEBUSY") == 0 ||
	    strcmp(name, "VAVAILABILITY") == 0 || strcmp(name, "VPOLL") == 0;
}

/*
 * The first pass, over the lines: the events (UID, zones used), what is
 * not an event; every piece but the events checked by libical; the zones
 * resolved.  Too many events is refused here.
 */
static int
scan(struct imp *im)
{
	struct lint	*l = &im->l;
	icalcomponent	*root;
	struct evref	*e;
	size_t		 n = 0, other = 0;

	for (int j = 0; j < (int)l->ncomps; j++) {
		if (strcmp(l->comps[j].name, "VEVENT") == 0) {
			n++;
			im->evs = xreallocarray(im->evs, im->nevs + 1,
			    sizeof *im->evs);
			e = &im->evs[im->nevs++];
			memset(e, 0, sizeof *e);
			e->uid = line_uid(im, j);
			e->comp = j;
			e->line = l->comps[j].line;
			note_zones(im, j);
			continue;
		}
		if (other_kind(l->comps[j].name))
			other++;
		if (!is_vcal(im, j) && !is_root(im, j))
			continue;
		if ((root = read_piece(im, j)) == NULL)
			return -1;
		if (check_piece(im) != 0) {
			icalcomponent_free(root);
			return -1;
		}
		if (keep_zones(im)) {
			im->trees = xreallocarray(im->trees, im->ntrees + 1,
			    sizeof *im->trees);
			im->trees[im->ntrees++] = root;
		} else
			icalcomponent_free(root);
	}
	if (im->o->max_events > 0 && n > im->o->max_events)
		return fail(im, 0, "%zu events, more than one import may hold "
		    "(%zu; kcald.conf max_import_events)", n,
		    im->o->max_events);
	im->out->ignored = other;
	if (other > 0)
		warn(im, "%zu to-do, journal or other non-event component%s "
		    "ignored (kcal keeps events)", other, other == 1 ? "" : "s");
	return resolve_zones(im);
}

/* Events without a UID get one from their content, in the file's order. */
static int
name_uidless(struct imp *im)
{
	icalcomponent	*root;

	for (size_t i = 0; i < im->nevs; i++) {
		if (im->evs[i].uid != NULL)
			continue;
		if ((root = read_event(im, im->evs[i].comp)) == NULL)
			return -1;
		rewrite_times(im, root);
		make_uid(im, i, root);
		icalcomponent_free(root);
	}
	return 0;
}

static void
free_members(struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].c != NULL)
			icalcomponent_free(m[i].c);
		free(m[i].rid);
	}
	free(m);
}

/*
 * EXDATE;VALUE=DATE on a series with a time of day matches no occurrence
 * (RFC 5545 3.8.5.1 wants DTSTART's value type) and some clients drop the
 * whole event for it: read each date as the series' start time on that
 * day, in the series' zone, and say so.
 */
static void
fix_exdates(struct imp *im, icalcomponent *c, const char *uid, int line)
{
	icalproperty		*ps, *p;
	struct icaltimetype	 st, d, t;
	const char		*tzid;
	char			 first[16] = "";
	int			 n = 0;

	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL || is_date(ps))
		return;
	st = icalproperty_get_dtstart(ps);
	tzid = tzid_of(ps);
	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		if (!is_date(p))
			continue;
		d = icalproperty_get_exdate(p);
		if (n++ == 0)
			snprintf(first, sizeof first, "%04d-%02d-%02d", d.year,
			    d.month, d.day);
		t = st;
		t.year = d.year;
		t.month = d.month;
		t.day = d.day;
		icalproperty_set_exdate(p, t);
		icalproperty_remove_parameter_by_kind(p, ICAL_VALUE_PARAMETER);
		icalproperty_remove_parameter_by_kind(p, ICAL_TZID_PARAMETER);
		if (tzid != NULL)
			icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
	}
	if (n > 0)
		warn(im, "line %d: UID %s: %d EXDATE date%s (%s%s) on a series "
		    "with a time of day read as its start time, "
		    "%02d:%02d:%02d %s, on %s", line, uid, n, n == 1 ? "" : "s",
		    first, n == 1 ? "" : ", ...", st.hour, st.minute, st.second,
		    tzid ? tzid : icaltime_is_utc(st) ? "UTC" : "floating",
		    n == 1 ? "that day" : "those days");
}

/* Read the events evs[lo, hi) (one UID), rewritten, the master first. */
static struct member *
read_members(struct imp *im, size_t lo, size_t hi)
{
	struct member	*m = xcalloc(hi - lo, sizeof *m);
	struct evref	*e;

	for (size_t i = 0; i < hi - lo; i++) {
		e = &im->evs[lo + i];
		if ((m[i].c = read_event(im, e->comp)) == NULL) {
			free_members(m, i);
			return NULL;
		}
		im->count_floating = 1;
		rewrite_times(im, m[i].c);
		im->count_floating = 0;
		if (e->made)
			set_made_uid(m[i].c, e->uid);
		ensure_dtstamp(im, m[i].c);
		m[i].uid = e->uid;
		m[i].rid = rid_key(m[i].c);
		m[i].line = e->line;
		if (m[i].rid == NULL)
			fix_exdates(im, m[i].c, e->uid, e->line);
	}
	qsort(m, hi - lo, sizeof *m, by_uid);
	return m;
}

/*
 * One record from evs[lo, hi), which share a UID, handed to the caller's
 * callback and freed: -2 if the callback failed.
 */
static int
one_record(struct imp *im, size_t lo, size_t hi)
{
	struct ical_record	 r;
	struct member		*m;
	icalcomponent		*cal;
	size_t			 n = hi - lo;
	char			*why = NULL;
	int			 rc;

	if ((m = read_members(im, lo, hi)) == NULL)
		return -1;
	for (size_t i = 1; i < n; i++) {
		if (m[i].rid == NULL)
			rc = fail(im, m[i].line, "UID %s is used by two "
			    "events without RECURRENCE-ID (the other at line "
			    "%d)", m[i].uid, m[0].line);
		else if (strcmp(m[i].rid, m[i - 1].rid ? m[i - 1].rid :
		    "") == 0)
			rc = fail(im, m[i].line, "UID %s has two "
			    "overrides for one RECURRENCE-ID (the other at line "
			    "%d)", m[i].uid, m[i - 1].line);
		else
			continue;
		free_members(m, n);
		return rc;
	}
	memset(&r, 0, sizeof r);
	r.line = m[0].line;
	r.has_master = m[0].rid == NULL;
	/*
	 * A lone VEVENT's fields come from the component parsed already (a
	 * second parse of its text was 14% of a 10,000-event import).
	 */
	if (n == 1 && r.has_master) {
		r.text = component_text(m[0].c);
		rc = ical_extract_component(m[0].c, im->o->home, &r.ev, &why);
	} else {
		cal = icalcomponent_new_vcalendar();
		for (size_t i = 0; i < n; i++) {
			icalcomponent_add_component(cal, m[i].c);
			m[i].c = NULL;
		}
		r.text = component_text(cal);
		icalcomponent_free(cal);
		rc = ical_extract_new(r.text, im->o->home, &r.ev, &why);
	}
	free_members(m, n);
	if (rc != 0) {
		fail(im, r.line, "%s", why);
		free(why);
	} else if (im->cb(&r, im->arg) != 0)
		rc = -2;
	free(r.text);
	event_clear(&r.ev);
	return rc;
}

/*
 * After an error, the one the file's first problem gives, as reading the
 * whole file at once found it: a component libical could not read at all,
 * then what it could not read (X-LIC-ERROR), then impossible values, then
 * a broken event, each the first in the file; else the error found.
 */
static void
diagnose(struct imp *im)
{
	char		*found = im->err, *slot[4] = { NULL, NULL, NULL, NULL };
	icalcomponent	*root;
	size_t		 k;

	for (int j = 0; j < (int)im->l.ncomps; j++) {
		if (!is_vcal(im, j) && !is_root(im, j))
			continue;
		im->err = NULL;
		if ((root = read_piece(im, j)) == NULL) {
			if (slot[0] == NULL)
				slot[0] = im->err;
			else
				free(im->err);
			continue;
		}
		for (k = 1; k < 4; k++) {
			im->err = NULL;
			if (slot[k] != NULL)
				continue;
			if (k == 1)
				check_parsed(im);
			else if (k == 2)
				check_values(im);
			else
				for (size_t i = 0; i < im->ncomp && !im->err;
				    i++)
					if (icalcomponent_isa(im->comp[i]) ==
					    ICAL_VEVENT_COMPONENT)
						check_vevent(im, i);
			slot[k] = im->err;
		}
		icalcomponent_free(root);
	}
	im->err = NULL;
	for (k = 0; k < 4; k++) {
		if (slot[k] != NULL && im->err == NULL)
			im->err = slot[k];
		else
			free(slot[k]);
	}
	if (im->err == NULL)
		im->err = found;
	else
		free(found);
}

static void
imp_free(struct imp *im)
{
	for (size_t i = 0; i < im->nzones; i++) {
		free(im->zones[i].tzid);
		free(im->zones[i].iana);
	}
	for (size_t i = 0; i < im->nevs; i++)
		free(im->evs[i].uid);
	for (size_t i = 0; i < im->ntrees; i++)
		icalcomponent_free(im->trees[i]);
	free(im->zones);
	free(im->evs);
	free(im->comp);
	free(im->kept);
	free(im->trees);
	free(im->cbeg);
	free(im->cend);
	lint_free(&im->l);
}

/*
 * Parse, check and repair an .ics file, handing each record to cb in UID
 * order; the record's text and event are freed after cb returns unless cb
 * takes them (and zeroes them).  The file is read piece by piece (each
 * VTIMEZONE, each VEVENT on its own, from the unfolded text in place), so
 * libical never holds the whole file, and a record is freed once handed
 * over: a 100,000-event file needs little more than its own text.
 *
 * On a problem in the file return -1 with *cause "NAME:LINE: what is
 * wrong", the same problem a reading of the whole file finds first; if cb
 * fails, return -2.  Records handed over before an error are the caller's
 * to undo (one transaction).  out gets the warnings and counts.
 */
int
ical_import_each(const char *data, size_t len,
    const struct ical_import_opts *o, struct ical_import *out,
    ical_record_cb cb, void *arg, char **cause)
{
	struct imp	im;
	size_t		lo, hi;
	int		rc = -1;

	memset(&im, 0, sizeof im);
	memset(out, 0, sizeof *out);
	im.o = o;
	im.out = out;
	im.cb = cb;
	im.arg = arg;
	if (lint_scan(data, len, &im.l) != 0) {
		fail(&im, im.l.err_line, "%s", im.l.err);
		goto done;
	}
	spans(&im);
	if (scan(&im) != 0 || name_uidless(&im) != 0)
		goto bad;
	if (im.nevs > 0)
		qsort(im.evs, im.nevs, sizeof *im.evs, by_uid_line);
	for (lo = 0; lo < im.nevs; lo = hi) {
		for (hi = lo + 1; hi < im.nevs &&
		    strcmp(im.evs[hi].uid, im.evs[lo].uid) == 0; hi++)
			;
		if ((rc = one_record(&im, lo, hi)) == -2)
			goto done;
		if (rc != 0)
			goto bad;
	}
	repair_warnings(&im);
	rc = 0;
	goto done;
bad:
	diagnose(&im);
	rc = -1;
done:
	if (rc == -1)
		*cause = im.err ? im.err : xstrdup("cannot import");
	else
		free(im.err);
	if (rc != 0)
		ical_import_clear(out);
	imp_free(&im);
	return rc;
}

static int
keep_record(struct ical_record *r, void *arg)
{
	struct ical_import	*out = arg;

	out->recs = xreallocarray(out->recs, out->nrecs + 1,
	    sizeof *out->recs);
	out->recs[out->nrecs++] = *r;
	memset(r, 0, sizeof *r);
	return 0;
}

/*
 * Parse, check and repair an .ics file into records (out).  On error
 * return -1 with *cause "NAME:LINE: what is wrong" and out empty.
 */
int
ical_import_parse(const char *data, size_t len,
    const struct ical_import_opts *o, struct ical_import *out, char **cause)
{
	return ical_import_each(data, len, o, out, keep_record, out, cause);
}

void
ical_import_clear(struct ical_import *out)
{
	for (size_t i = 0; i < out->nrecs; i++) {
		free(out->recs[i].text);
		event_clear(&out->recs[i].ev);
	}
	for (size_t i = 0; i < out->nwarnings; i++)
		free(out->warnings[i]);
	free(out->recs);
	free(out->warnings);
	memset(out, 0, sizeof *out);
}

/* Skip one line of a record; DTSTAMP lines are skipped whole. */
static const char *
next_line(const char *s)
{
	const char	*nl;

	while (strncmp(s, "DTSTAMP", 7) == 0 && (s[7] == ':' || s[7] == ';')) {
		nl = strchr(s, '\n');
		s = nl ? nl + 1 : s + strlen(s);
	}
	return s;
}

/* The same record, but for DTSTAMP (the time of the copy, not a change)? */
int
ical_same_record(const char *a, const char *b)
{
	for (;;) {
		a = next_line(a);
		b = next_line(b);
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		while (*a != '\0' && *a == *b && *a != '\n')
			a++, b++;
		if (*a != *b)
			return 0;
		if (*a == '\n')
			a++, b++;
	}
}

/*
 * A record of overrides only (text) whose series is neither in the file nor
 * in the store shows in no client: each override as a standalone event,
 * without its RECURRENCE-ID, under its UID (one override) or its UID and
 * RECURRENCE-ID joined by "-" (several, which must not share a UID), with
 * a warning saying so.  *recs and *notes (n of each) are the caller's to
 * free; -1 if the text cannot be read.
 */
int
ical_orphans(const char *text, const char *home, struct ical_record **recs,
    char ***notes, size_t *n, char **cause)
{
	icalcomponent	*root, *c, *k;
	icalproperty	*p;
	struct ical_record *r;
	size_t		 many;
	char		*uid, *why = NULL;
	const char	*rid;

	*recs = NULL;
	*notes = NULL;
	*n = 0;
	if ((root = icalparser_parse_string(text)) == NULL) {
		*cause = xstrdup("cannot read an override");
		return -1;
	}
	many = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT ?
	    (size_t)icalcomponent_count_components(root, ICAL_VEVENT_COMPONENT) :
	    1;
	for (c = icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT ? root :
	    icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL; c = c == root ? NULL :
	    icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		k = icalcomponent_new_clone(c);
		p = icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY);
		rid = p ? icalproperty_get_value_as_string(p) : "";
		if (many > 1) {
			xasprintf(&uid, "%s-%s", icalcomponent_get_uid(k), rid);
			set_made_uid(k, uid);
		} else
			uid = xstrdup(icalcomponent_get_uid(k));
		*recs = xreallocarray(*recs, *n + 1, sizeof **recs);
		*notes = xreallocarray(*notes, *n + 1, sizeof **notes);
		xasprintf(&(*notes)[*n], "UID %s: an override (RECURRENCE-ID "
		    "%s) whose series is neither in the file nor in the store "
		    "imported as a standalone event%s%s", icalcomponent_get_uid(c),
		    rid, many > 1 ? " with UID " : "", many > 1 ? uid : "");
		free(uid);
		if (p != NULL) {
			icalcomponent_remove_property(k, p);
			icalproperty_free(p);
		}
		r = &(*recs)[(*n)++];
		memset(r, 0, sizeof *r);
		r->has_master = 1;
		r->text = component_text(k);
		if (ical_extract_component(k, home, &r->ev, &why) != 0) {
			icalcomponent_free(k);
			icalcomponent_free(root);
			*cause = why;
			return -1;
		}
		icalcomponent_free(k);
	}
	icalcomponent_free(root);
	return 0;
}

/*
 * A stored record with the overrides of incoming (a record with no
 * master) added, replacing those for the same RECURRENCE-ID.  NULL if the
 * stored record cannot be read.
 */
char *
ical_merge_overrides(const char *stored, const char *incoming)
{
	icalcomponent	*s = icalparser_parse_string(stored), *in, *cal, *c, *k;
	char		*rid, *krid, *text;

	if (s == NULL)
		return NULL;
	in = icalparser_parse_string(incoming);
	cal = icalcomponent_new_vcalendar();
	if (icalcomponent_isa(s) == ICAL_VEVENT_COMPONENT)
		icalcomponent_add_component(cal, icalcomponent_new_clone(s));
	else
		for (c = icalcomponent_get_first_component(s,
		    ICAL_VEVENT_COMPONENT); c; c = icalcomponent_get_next_component(s,
		    ICAL_VEVENT_COMPONENT))
			icalcomponent_add_component(cal,
			    icalcomponent_new_clone(c));
	for (c = in ? icalcomponent_get_first_component(in,
	    ICAL_VEVENT_COMPONENT) : NULL; c != NULL;
	    c = icalcomponent_get_next_component(in, ICAL_VEVENT_COMPONENT)) {
		rid = rid_key(c);
		for (k = icalcomponent_get_first_component(cal,
		    ICAL_VEVENT_COMPONENT); k != NULL && rid != NULL;
		    k = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT)) {
			krid = rid_key(k);
			if (krid != NULL && strcmp(krid, rid) == 0) {
				icalcomponent_remove_component(cal, k);
				icalcomponent_free(k);
				free(krid);
				break;
			}
			free(krid);
		}
		free(rid);
		icalcomponent_add_component(cal, icalcomponent_new_clone(c));
	}
	text = component_text(cal);
	icalcomponent_free(cal);
	icalcomponent_free(s);
	if (in != NULL)
		icalcomponent_free(in);
	return text;
}
