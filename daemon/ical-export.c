/*
 * ical-export.c — stored events out as one VCALENDAR, through libical.
 *
 * A stored record is a VEVENT, or a VCALENDAR holding a recurring master
 * and its RECURRENCE-ID overrides (see ical-import.c).  Each record's
 * VEVENTs are copied as they are, so whatever was imported goes out again;
 * then one complete VTIMEZONE per TZID used, built by libical from the
 * system zone database, goes in front of them, sorted by TZID.  libical
 * writes CRLF lines folded at 75 octets without splitting a UTF-8
 * character.
 *
 * A feed (opts->feed) is an export for subscribers, who differ from an
 * importer (DESIGN.md, "Feeds"): NAME and REFRESH-INTERVAL with their X-WR
 * and X-PUBLISHED twins; no VALARM unless asked (apps ignore or misuse
 * them; the daemon reminds); RDATE periods become plain RDATEs and an
 * event with several RRULEs (deprecated, and read differently by each
 * client) is flattened into RDATEs inside the feed's window; redaction
 * keeps only a whitelist of properties, so nothing unforeseen leaks.
 *
 * Nothing here depends on the time of the request: the same records give
 * the same bytes (a missing DTSTAMP is taken from LAST-MODIFIED).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-export.h"
#include "tz.h"
#include "xmalloc.h"

#define PRODID	"-//kcal//kcal " KCAL_VERSION "//EN"

struct ical_out {
	struct ical_out_opts	  o;
	icalcomponent		**ev;
	size_t			  nev, nrec;
	char			**tzid;
	size_t			  ntzid;
};

struct ical_out *
ical_out_new(const struct ical_out_opts *o)
{
	struct ical_out	*out = xcalloc(1, sizeof *out);

	out->o = *o;
	if (out->o.max_rdates == 0)
		out->o.max_rdates = 1000;
	return out;
}

void
ical_out_free(struct ical_out *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->nev; i++)
		icalcomponent_free(out->ev[i]);
	for (size_t i = 0; i < out->ntzid; i++)
		free(out->tzid[i]);
	free(out->ev);
	free(out->tzid);
	free(out);
}

size_t
ical_out_count(const struct ical_out *out)
{
	return out->nrec;
}

static void
note_tzid(struct ical_out *out, const char *tzid)
{
	size_t	i;

	if (tzid == NULL || strcmp(tzid, "UTC") == 0)
		return;
	for (i = 0; i < out->ntzid; i++)
		if (strcmp(out->tzid[i], tzid) == 0)
			return;
	out->tzid = xreallocarray(out->tzid, out->ntzid + 1, sizeof *out->tzid);
	out->tzid[out->ntzid++] = xstrdup(tzid);
}

static void
note_tzids(struct ical_out *out, icalcomponent *c)
{
	icalproperty	*p;
	icalparameter	*q;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
		if ((q = icalproperty_get_first_parameter(p,
		    ICAL_TZID_PARAMETER)) != NULL)
			note_tzid(out, icalparameter_get_tzid(q));
}

static void
drop_all(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty	*p;

	while ((p = icalcomponent_get_first_property(c, kind)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* DTSTAMP is required; a record without one takes LAST-MODIFIED's. */
static void
ensure_dtstamp(icalcomponent *c)
{
	icalproperty		*p;
	struct icaltimetype	 t = icaltime_from_timet_with_zone(0, 0,
				    icaltimezone_get_utc_timezone());

	if (icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
		return;
	if ((p = icalcomponent_get_first_property(c,
	    ICAL_LASTMODIFIED_PROPERTY)) != NULL)
		t = icalproperty_get_lastmodified(p);
	else if ((p = icalcomponent_get_first_property(c,
	    ICAL_CREATED_PROPERTY)) != NULL)
		t = icalproperty_get_created(p);
	icalcomponent_add_property(c, icalproperty_new_dtstamp(t));
}

static int
redact_keeps(icalproperty_kind k, enum ical_redact r)
{
	switch (k) {
	case ICAL_UID_PROPERTY: case ICAL_DTSTAMP_PROPERTY:
	case ICAL_DTSTART_PROPERTY: case ICAL_DTEND_PROPERTY:
	case ICAL_DURATION_PROPERTY: case ICAL_RRULE_PROPERTY:
	case ICAL_RDATE_PROPERTY: case ICAL_EXDATE_PROPERTY:
	case ICAL_RECURRENCEID_PROPERTY: case ICAL_SEQUENCE_PROPERTY:
	case ICAL_STATUS_PROPERTY: case ICAL_TRANSP_PROPERTY:
	case ICAL_CREATED_PROPERTY: case ICAL_LASTMODIFIED_PROPERTY:
	case ICAL_CLASS_PROPERTY:
		return 1;
	case ICAL_SUMMARY_PROPERTY: case ICAL_CATEGORIES_PROPERTY:
	case ICAL_RELATEDTO_PROPERTY:
		return r == REDACT_TITLE;
	default:
		return 0;
	}
}

/*
 * Keep only what the audience may see; "busy" also hides the title.  An
 * alarm (kept with --alarms) says no more than its event.
 */
static void
redact(icalcomponent *c, enum ical_redact r)
{
	icalproperty	*p, *next;
	icalcomponent	*a, *anext;
	const char	*title;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY);
		if (!redact_keeps(icalproperty_isa(p), r)) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
	}
	if (r == REDACT_BUSY)
		icalcomponent_add_property(c, icalproperty_new_summary("Busy"));
	title = icalcomponent_get_summary(c);
	for (a = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); a;
	    a = anext) {
		anext = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT);
		if (icalcomponent_isa(a) != ICAL_VALARM_COMPONENT ||
		    icalcomponent_get_first_property(a,
		    ICAL_TRIGGER_PROPERTY) == NULL) {
			icalcomponent_remove_component(c, a);
			icalcomponent_free(a);
			continue;
		}
		for (p = icalcomponent_get_first_property(a, ICAL_ANY_PROPERTY);
		    p; p = next) {
			next = icalcomponent_get_next_property(a,
			    ICAL_ANY_PROPERTY);
			if (icalproperty_isa(p) != ICAL_TRIGGER_PROPERTY) {
				icalcomponent_remove_property(a, p);
				icalproperty_free(p);
			}
		}
		icalcomponent_add_property(a,
		    icalproperty_new_action(ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(a, icalproperty_new_description(
		    title ? title : "Reminder"));
	}
}

static void
drop_alarms(icalcomponent *c)
{
	icalcomponent	*a;

	while ((a = icalcomponent_get_first_component(c,
	    ICAL_VALARM_COMPONENT)) != NULL) {
		icalcomponent_remove_component(c, a);
		icalcomponent_free(a);
	}
}

/* RDATE;VALUE=PERIOD makes some clients skip the event: keep the starts. */
static void
plain_rdates(icalcomponent *c)
{
	icalproperty			*p, *next, *np;
	icalparameter			*tz;
	struct icaldatetimeperiodtype	 r;

	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY);
		r = icalproperty_get_rdate(p);
		if (icalperiodtype_is_null_period(r.period))
			continue;
		r.time = r.period.start;
		r.period = icalperiodtype_null_period();
		np = icalproperty_new_rdate(r);
		if ((tz = icalproperty_get_first_parameter(p,
		    ICAL_TZID_PARAMETER)) != NULL && !icaltime_is_utc(r.time))
			icalproperty_add_parameter(np, icalparameter_new_clone(tz));
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
		icalcomponent_add_property(c, np);
	}
}

struct flatten {
	icalcomponent	*c;
	const char	*tz;
	int		 all_day;
	int64_t		 start;
};

static int
add_rdate(void *arg, int64_t start, int64_t end)
{
	struct flatten			*f = arg;
	struct icaldatetimeperiodtype	 r;
	icalproperty			*p;
	struct when			 w;
	char				 buf[32];
	int				 utc = strcmp(f->tz, "UTC") == 0;

	(void)end;
	if (start == f->start)
		return 0;
	memset(&r, 0, sizeof r);
	r.period = icalperiodtype_null_period();
	if (utc && !f->all_day)
		r.time = icaltime_from_timet_with_zone((time_t)start, 0,
		    icaltimezone_get_utc_timezone());
	else {
		tz_local(f->tz, start, &w);
		if (f->all_day)
			snprintf(buf, sizeof buf, "%04d%02d%02d", w.year, w.mon,
			    w.day);
		else
			snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d",
			    w.year, w.mon, w.day, w.hour, w.min, w.sec);
		r.time = icaltime_from_string(buf);
	}
	p = icalproperty_new_rdate(r);
	if (!utc && !f->all_day)
		icalproperty_add_parameter(p, icalparameter_new_tzid(f->tz));
	icalcomponent_add_property(f->c, p);
	return 0;
}

/*
 * Several RRULEs in one VEVENT (RFC 2445 allowed it, RFC 5545 deprecates
 * it, clients disagree): replace the rules with the occurrences inside
 * the feed's window, which every client reads the same way.
 */
static void
flatten_rrules(struct ical_out *out, icalcomponent *c)
{
	struct event	 ev;
	struct flatten	 f;
	char		*text, *why = NULL;

	if (icalcomponent_count_properties(c, ICAL_RRULE_PROPERTY) < 2)
		return;
	text = icalcomponent_as_ical_string_r(c);
	if (ical_extract(text, out->o.home, &ev, &why) != 0) {
		free(why);
		icalmemory_free_buffer(text);
		return;
	}
	drop_all(c, ICAL_RRULE_PROPERTY);
	drop_all(c, ICAL_RDATE_PROPERTY);
	drop_all(c, ICAL_EXDATE_PROPERTY);
	f.c = c;
	f.tz = ev.tz;
	f.all_day = ev.all_day;
	f.start = ev.start;
	ical_expand(text, out->o.home, out->o.from, out->o.to,
	    out->o.max_rdates, add_rdate, &f, &why);
	free(why);
	event_clear(&ev);
	icalmemory_free_buffer(text);
}

static void
add_vevent(struct ical_out *out, icalcomponent *src)
{
	icalcomponent	*c = icalcomponent_new_clone(src);

	ensure_dtstamp(c);
	if (out->o.feed) {
		if (!out->o.alarms)
			drop_alarms(c);
		if (out->o.redact != REDACT_NONE)
			redact(c, out->o.redact);
		plain_rdates(c);
		flatten_rrules(out, c);
	}
	note_tzids(out, c);
	out->ev = xreallocarray(out->ev, out->nev + 1, sizeof *out->ev);
	out->ev[out->nev++] = c;
}

/* Add one stored record (a VEVENT, or a master and its overrides). */
int
ical_out_add(struct ical_out *out, const char *text, char **cause)
{
	icalcomponent	*root, *c;

	if ((root = icalparser_parse_string(text)) == NULL) {
		*cause = xstrdup("a stored event is not iCalendar data");
		return -1;
	}
	if (icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT)
		add_vevent(out, root);
	else
		for (c = icalcomponent_get_first_component(root,
		    ICAL_VEVENT_COMPONENT); c != NULL;
		    c = icalcomponent_get_next_component(root,
		    ICAL_VEVENT_COMPONENT))
			add_vevent(out, c);
	icalcomponent_free(root);
	out->nrec++;
	return 0;
}

/* A complete VTIMEZONE for an IANA name, its TZID without libical's prefix. */
static icalcomponent *
vtimezone(const char *tzid)
{
	icaltimezone	*z = icaltimezone_get_builtin_timezone(tzid);
	icalcomponent	*c, *src;
	icalproperty	*p;

	if (z == NULL || (src = icaltimezone_get_component(z)) == NULL)
		return NULL;
	c = icalcomponent_new_clone(src);
	if ((p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY)))
		icalproperty_set_tzid(p, tzid);
	return c;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
calendar_props(struct ical_out *out, icalcomponent *cal)
{
	struct icaldurationtype	 d;
	icalproperty		*p;
	const char		*name = out->o.calname;

	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	if (name != NULL) {
		icalcomponent_add_property(cal, icalproperty_new_name(name));
		p = icalproperty_new_x(name);
		icalproperty_set_x_name(p, "X-WR-CALNAME");
		icalcomponent_add_property(cal, p);
	}
	if (out->o.refresh > 0) {
		d = icaldurationtype_from_int((int)out->o.refresh);
		p = icalproperty_new_refreshinterval(d);
		icalproperty_add_parameter(p,
		    icalparameter_new_value(ICAL_VALUE_DURATION));
		icalcomponent_add_property(cal, p);
		p = icalproperty_new_x(icaldurationtype_as_ical_string(d));
		icalproperty_set_x_name(p, "X-PUBLISHED-TTL");
		icalcomponent_add_property(cal, p);
	}
}

/*
 * The VCALENDAR text (CRLF, folded), its length in *len.  The events go
 * in the order they were added; out is freed.
 */
char *
ical_out_finish(struct ical_out *out, size_t *len)
{
	icalcomponent	*cal = icalcomponent_new_vcalendar(), *z;
	char		*s, *text;

	calendar_props(out, cal);
	qsort(out->tzid, out->ntzid, sizeof *out->tzid, by_name);
	for (size_t i = 0; i < out->ntzid; i++)
		if ((z = vtimezone(out->tzid[i])) != NULL)
			icalcomponent_add_component(cal, z);
	for (size_t i = 0; i < out->nev; i++)
		icalcomponent_add_component(cal, out->ev[i]);
	out->nev = 0;
	s = icalcomponent_as_ical_string_r(cal);
	text = xstrdup(s);
	icalmemory_free_buffer(s);
	icalcomponent_free(cal);
	ical_out_free(out);
	if (len != NULL)
		*len = strlen(text);
	return text;
}
