/*
 * ical-import-repair.c — the real-world damage an import mends instead of
 * refusing the file, each repair reported as a warning.
 *
 * Made here: an event without a UID gets one derived from its content
 * (128 bits of FNV-1a over its rewritten text, so importing the same file
 * again finds the same events); EXDATE;VALUE=DATE on a series with a time
 * of day is read as the series' start time on that day; kcal's X-KCAL-*
 * properties are kept once each, and an all-day event's anchor goes
 * (imp_fix_kcal_x).  Counted here and
 * reported by imp_repair_warnings(): the line repairs of ical-lint.c (a
 * byte-order mark, lines folded with a TAB, lines outside any component)
 * and the floating times pinned by ical-import-zones.c.
 *
 * Made elsewhere: a missing DTSTAMP is filled in as the record is read
 * (ical-import.c; silently: DTSTAMP is the copy's time, not a change);
 * TZIDs become IANA zones (ical-import-zones.c, ical-tz.c); a property
 * with an empty TEXT value, which libical's parser drops with a
 * complaint, does not refuse the file (ical-import-check.c); overrides
 * whose series is nowhere become standalone events (ical-import-record.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-import-int.h"
#include "ical-int.h"
#include "xmalloc.h"

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

static void
drop_uid(icalcomponent *c)
{
	icalproperty	*p;

	while ((p = icalcomponent_get_first_property(c,
	    ICAL_UID_PROPERTY)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* A UID for evs[n], which has none, derived from its rewritten text. */
static void
make_uid(struct imp *im, size_t n, icalcomponent *c)
{
	char		*text, *made;
	unsigned	 serial = 0;

	drop_uid(c);
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

/* Give an event a made UID (make_uid's, or an orphan's), replacing any. */
void
set_made_uid(icalcomponent *c, const char *uid)
{
	drop_uid(c);
	icalcomponent_set_uid(c, uid);
}

/* Events without a UID get one from their content, in the file's order. */
int
imp_name_uidless(struct imp *im)
{
	icalcomponent	*root;

	for (size_t i = 0; i < im->nevs; i++) {
		if (im->evs[i].uid != NULL)
			continue;
		if ((root = imp_read_event(im, &im->evs[i])) == NULL)
			return -1;
		imp_rewrite_times(im, root);
		make_uid(im, i, root);
		icalcomponent_free(root);
	}
	return 0;
}

/*
 * EXDATE;VALUE=DATE on a series with a time of day matches no occurrence
 * (RFC 5545 3.8.5.1 wants DTSTART's value type) and some clients drop the
 * whole event for it: read each date as the series' start time on that
 * day, in the series' zone, and say so.
 */
void
imp_fix_exdates(struct imp *im, icalcomponent *c, const char *uid, int line)
{
	icalproperty		*ps, *p;
	struct icaltimetype	 st, d, t;
	const char		*tzid;
	char			 first[16] = "";
	int			 n = 0;

	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL || imp_is_date(ps))
		return;
	st = icalproperty_get_dtstart(ps);
	tzid = imp_tzid_of(ps);
	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		if (!imp_is_date(p))
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
			icalproperty_add_parameter(p,
			    icalparameter_new_tzid(tzid));
	}
	if (n > 0)
		imp_warn(im, "line %d: UID %s: %d EXDATE date%s (%s%s) on a "
		    "series with a time of day read as its start time, "
		    "%02d:%02d:%02d %s, on %s", line, uid, n, n == 1 ? "" : "s",
		    first, n == 1 ? "" : ", ...", st.hour, st.minute, st.second,
		    tzid ? tzid : icaltime_is_utc(st) ? "UTC" : "floating",
		    n == 1 ? "that day" : "those days");
}

/*
 * A STATUS an event cannot have (RFC 5545 3.8.1.11: TENTATIVE, CONFIRMED
 * or CANCELLED) is dropped, and said: kcal read it as confirmed while its
 * exports and feeds carried it on.
 */
void
imp_fix_status(struct imp *im, icalcomponent *c, const char *uid, int line)
{
	static const char	*ok[] = { "TENTATIVE", "CONFIRMED", "CANCELLED" };
	icalproperty		*p;
	const char		*v;

	if ((p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY)) ==
	    NULL || (v = icalproperty_get_value_as_string(p)) == NULL)
		return;
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (strcasecmp(v, ok[i]) == 0)
			return;
	imp_warn(im, "line %d: UID %s: STATUS:%.40s is not an event's "
	    "(TENTATIVE, CONFIRMED, CANCELLED): dropped, the event is "
	    "confirmed", line, uid, v);
	icalcomponent_remove_property(c, p);
	icalproperty_free(p);
}

/* kcal's own properties of an event: one value each. */
static const char *const x_once[] = {
	X_ANCHOR, X_ANCHOR_OFFSET, X_CITY, X_END_CITY, X_TZ, X_NO_REMIND
};

/* Drop c's properties called name after the first; how many went. */
static int
drop_extra_x(icalcomponent *c, const char *name)
{
	icalproperty	*p, *next;
	int		 n = 0, gone = 0;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_X_PROPERTY);
		if (strcasecmp(icalproperty_get_x_name(p), name) != 0 ||
		    n++ == 0)
			continue;
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
		gone++;
	}
	return gone;
}

/*
 * kcal's properties once each: kcal reads the first, so the others go
 * (a second X-KCAL-ANCHOR, naming an event a CalDAV reader may not see,
 * went out to them).  An all-day event follows none (kcal add refuses
 * one; its anchor could not move it): its anchor goes.  Said, so that
 * what kcal stored earlier, and exports, can be imported again.
 */
void
imp_fix_kcal_x(struct imp *im, icalcomponent *c, const char *uid, int line)
{
	icalproperty	*p;
	int		 n;

	for (size_t k = 0; k < sizeof x_once / sizeof x_once[0]; k++)
		if ((n = drop_extra_x(c, x_once[k])) > 0)
			imp_warn(im, "line %d: UID %s: %s given %d times: the "
			    "first kept", line, uid, x_once[k], n + 1);
	if ((p = ical_find_x(c, X_ANCHOR)) == NULL ||
	    !icaltime_is_date(icalcomponent_get_dtstart(c)))
		return;
	imp_warn(im, "line %d: UID %s: an all-day event follows no other: "
	    "its X-KCAL-ANCHOR (%.60s) dropped", line, uid, ical_x_text(p));
	icalcomponent_remove_property(c, p);
	icalproperty_free(p);
	if ((p = ical_find_x(c, X_ANCHOR_OFFSET)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/*
 * A VALARM without its TRIGGER or its ACTION (RFC 5545 3.6.6 wants both)
 * reminds of nothing, and apps that read it back may refuse the event:
 * dropped, and said.
 */
void
imp_fix_alarms(struct imp *im, icalcomponent *c, const char *uid, int line)
{
	icalcomponent	*a, *next;
	int		 n = 0;

	for (a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
	    a != NULL; a = next) {
		next = icalcomponent_get_next_component(c,
		    ICAL_VALARM_COMPONENT);
		if (icalcomponent_get_first_property(a,
		    ICAL_TRIGGER_PROPERTY) != NULL &&
		    icalcomponent_get_first_property(a,
		    ICAL_ACTION_PROPERTY) != NULL)
			continue;
		icalcomponent_remove_component(c, a);
		icalcomponent_free(a);
		n++;
	}
	if (n > 0)
		imp_warn(im, "line %d: UID %s: %d VALARM%s without a TRIGGER "
		    "or an ACTION dropped", line, uid, n, n == 1 ? "" : "s");
}

/*
 * A rule whose UNTIL is before the series' start yields no occurrence, and
 * the event is in no list: it is kept as it is (its writer's rule), but
 * said, not taken in silence.
 */
void
imp_check_until(struct imp *im, icalcomponent *c, const char *uid, int line)
{
	icalproperty		*ps, *p;
	struct icalrecurrencetype r;
	const char		*tzid;
	icaltimezone		*z = NULL;
	time_t			 start, until;

	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL)
		return;
	if ((tzid = imp_tzid_of(ps)) != NULL)
		z = tz_zone(tzid);
	start = icaltime_as_timet_with_zone(icalproperty_get_dtstart(ps), z);
	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		r = icalproperty_get_rrule(p);
		if (icaltime_is_null_time(r.until))
			continue;
		until = r.until.is_date || !icaltime_is_utc(r.until) ?
		    icaltime_as_timet_with_zone(r.until, z) :
		    icaltime_as_timet(r.until);
		if (until < start) {
			imp_warn(im, "line %d: UID %s: its rule ends (UNTIL) "
			    "before its start: it has no occurrence", line,
			    uid);
			return;
		}
	}
}

/* The repairs counted over the whole file, as warnings at its end. */
void
imp_repair_warnings(struct imp *im)
{
	const struct lint	*l = &im->file;

	if (l->bom)
		imp_warn(im, "a UTF-8 byte-order mark was skipped");
	if (l->tabs)
		imp_warn(im, "%d line%s folded with a TAB (RFC 5545 wants a "
		    "space)", l->tabs, l->tabs == 1 ? " was" : "s were");
	if (l->stray)
		imp_warn(im, "%d line%s outside any component ignored",
		    l->stray, l->stray == 1 ? "" : "s");
	if (im->nuids)
		imp_warn(im, "%zu event%s without a UID given one derived from "
		    "the content", im->nuids, im->nuids == 1 ? "" : "s");
	if (im->nfloating)
		imp_warn(im, "%zu event%s with floating times read in %s",
		    im->nfloating, im->nfloating == 1 ? "" : "s",
		    im->o->float_tz);
}
