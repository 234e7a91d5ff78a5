/*
 * ical-redact.c — an event's stored record as a reader of a limited
 * clearance may see it (store-access.c hands records out through here):
 *
 *  - an override (RECURRENCE-ID) whose CLASS is above the clearance is
 *    taken out, and the occurrence it replaced is excluded from the master
 *    (EXDATE), so that neither its text nor its time shows, nor the series'
 *    own occurrence in its place; one with RANGE=THISANDFUTURE ends the
 *    series before it (ical_cut_future);
 *  - a reference to an event the reader may not see (RELATED-TO, or
 *    X-KCAL-ANCHOR with its offset) is dropped: the UID and the offset point
 *    at the hidden meeting and, with the event's own start, give away when
 *    it is.
 *
 * The master's own class is the store's business (store-access.c leaves
 * such events out altogether by their indexed class); a record that is
 * parsed here is refused too when its master is above the clearance, should
 * the two ever disagree.  An override without CLASS is PUBLIC (RFC 5545's
 * default); an occurrence shows only when both its series and its override
 * may be read.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "access.h"
#include "ical.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "xmalloc.h"

#define X_ANCHOR	"X-KCAL-ANCHOR"
#define X_ANCHOR_OFFSET	"X-KCAL-ANCHOR-OFFSET"

static void
drop(icalcomponent *c, icalproperty *p)
{
	icalcomponent_remove_property(c, p);
	icalproperty_free(p);
}

/* Drop the X- properties named name; 1 if there were any. */
static int
drop_x(icalcomponent *c, const char *name)
{
	icalproperty	*p, *next;
	int		 n = 0;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_X_PROPERTY);
		if (strcasecmp(icalproperty_get_x_name(p), name) == 0) {
			drop(c, p);
			n = 1;
		}
	}
	return n;
}

/* Drop c's references to events visible() says the reader may not see. */
static int
drop_refs(icalcomponent *c, ical_uid_cb visible, void *arg)
{
	icalproperty	*p, *next;
	const char	*v;
	int		 changed = 0;

	for (p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
	    p; p = next) {
		next = icalcomponent_get_next_property(c,
		    ICAL_RELATEDTO_PROPERTY);
		v = icalproperty_get_relatedto(p);
		if (v != NULL && *v != '\0' && !visible(arg, v)) {
			drop(c, p);
			changed = 1;
		}
	}
	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
		if (strcasecmp(icalproperty_get_x_name(p), X_ANCHOR) != 0)
			continue;
		v = ical_x_text(p);
		if (*v != '\0' && !visible(arg, v)) {	/* any of them */
			drop_x(c, X_ANCHOR);
			drop_x(c, X_ANCHOR_OFFSET);
			changed = 1;
			break;
		}
	}
	return changed;
}

/* Exclude from master the occurrence that override k replaced. */
static void
exclude(icalcomponent *master, icalcomponent *k)
{
	icalproperty	*rid, *ex;
	icalparameter	*tzid;

	rid = icalcomponent_get_first_property(k, ICAL_RECURRENCEID_PROPERTY);
	ex = icalproperty_new_exdate(icalproperty_get_recurrenceid(rid));
	tzid = icalproperty_get_first_parameter(rid, ICAL_TZID_PARAMETER);
	if (tzid != NULL)
		icalproperty_add_parameter(ex, icalparameter_new_clone(tzid));
	icalcomponent_add_property(master, ex);
}

/* A RECURRENCE-ID's or RDATE's time as an instant (its TZID, else UTC). */
static time_t
instant_of(icalproperty *p, struct icaltimetype t)
{
	icalparameter	*tzid = icalproperty_get_first_parameter(p,
			    ICAL_TZID_PARAMETER);
	icaltimezone	*z = NULL;

	if (tzid != NULL)
		z = tz_zone(icalparameter_get_tzid(
		    tzid));
	return icaltime_as_timet_with_zone(t, z ? z :
	    icaltimezone_get_utc_timezone());
}

/* Is k an override that says RANGE=THISANDFUTURE? */
int
ical_this_and_future(icalcomponent *k)
{
	icalproperty	*p;
	icalparameter	*q;

	p = icalcomponent_get_first_property(k, ICAL_RECURRENCEID_PROPERTY);
	q = p ? icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER) :
	    NULL;
	return q != NULL && icalparameter_get_range(q) ==
	    ICAL_RANGE_THISANDFUTURE;
}

/*
 * A hidden override k with RANGE=THISANDFUTURE (else nothing) governs
 * every occurrence from its own on (recur.c): the series the reader (or a
 * feed, ical-export.c) sees ends before it -- each RRULE's UNTIL (COUNT given up), and the RDATEs from
 * it on dropped -- else they showed at the series' old times and with its
 * text, where kcal has the override's.
 */
/*
 * Does rule r of the series that starts at ps make an instant at or after
 * from?  An endless rule does; a bounded one is walked (its COUNT, or up
 * to its UNTIL): a cut must never lengthen a series.
 */
static int
reaches(icalproperty *ps, struct icalrecurrencetype r, time_t from)
{
	icalrecur_iterator	*it;
	struct icaltimetype	 t;
	int			 yes = 0;

	if (r.count == 0 && icaltime_is_null_time(r.until))
		return 1;
	if ((it = icalrecur_iterator_new(r, icalproperty_get_dtstart(ps))) ==
	    NULL)
		return 1;
	for (int n = 0; n < 100000; n++) {
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		if (instant_of(ps, t) >= from) {
			yes = 1;
			break;
		}
	}
	icalrecur_iterator_free(it);
	return yes;
}

void
ical_cut_future(icalcomponent *master, icalcomponent *k)
{
	icalproperty		*rid, *ps, *p, *next;
	struct icalrecurrencetype r;
	struct icaltimetype	 t, until;
	struct icaldatetimeperiodtype dp;
	time_t			 from;

	if (!ical_this_and_future(k) || (ps = icalcomponent_get_first_property(
	    master, ICAL_DTSTART_PROPERTY)) == NULL)
		return;
	rid = icalcomponent_get_first_property(k, ICAL_RECURRENCEID_PROPERTY);
	t = icalproperty_get_recurrenceid(rid);
	from = instant_of(rid, t);
	/* The last instant before the cut, in the form UNTIL takes. */
	if (t.is_date) {
		until = t;
		icaltime_adjust(&until, -1, 0, 0, 0);
	} else
		until = icaltime_from_timet_with_zone(from - 1, 0,
		    icaltimezone_get_utc_timezone());
	for (p = icalcomponent_get_first_property(master, ICAL_RRULE_PROPERTY);
	    p; p = icalcomponent_get_next_property(master, ICAL_RRULE_PROPERTY)) {
		r = icalproperty_get_rrule(p);
		if (!reaches(ps, r, from))
			continue;	/* it ends before the cut already */
		r.until = until;
		r.count = 0;
		icalproperty_set_rrule(p, r);
	}
	for (p = icalcomponent_get_first_property(master, ICAL_RDATE_PROPERTY);
	    p; p = next) {
		next = icalcomponent_get_next_property(master,
		    ICAL_RDATE_PROPERTY);
		dp = icalproperty_get_rdate(p);
		t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
		if (instant_of(p, t) >= from)
			drop(master, p);
	}
}

/* The overrides in root above clearance, taken out; 1 if any was. */
static int
drop_overrides(icalcomponent *root, icalcomponent *master,
    enum access_class clearance)
{
	icalcomponent	*k, **gone = NULL;
	size_t		 n = 0;

	for (k = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    k != NULL; k = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT)) {
		if (k == master || icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY) == NULL ||
		    access_may_read(clearance, ical_class_of(k)))
			continue;
		gone = xreallocarray(gone, n + 1, sizeof *gone);
		gone[n++] = k;
	}
	for (size_t i = 0; i < n; i++) {
		exclude(master, gone[i]);
		ical_cut_future(master, gone[i]);
		icalcomponent_remove_component(root, gone[i]);
		icalcomponent_free(gone[i]);
	}
	free(gone);
	return n > 0;
}

/*
 * The record text as a reader cleared up to clearance may see it:
 * ICAL_REDACT_SAME (show text as it is), ICAL_REDACT_CHANGED (*out is the
 * text to show instead), or ICAL_REDACT_HIDDEN (the event itself is above
 * the clearance, or the text cannot be read: show nothing of it).
 */
int
ical_redact(const char *text, enum access_class clearance,
    ical_uid_cb visible, void *arg, char **out)
{
	icalcomponent	*root, *master, *k;
	int		 changed = 0;

	*out = NULL;
	if (clearance == ACCESS_CLASS_CONFIDENTIAL)
		return ICAL_REDACT_SAME;
	/* Most records hold nothing of the kind: no parse for them. */
	if (strcasestr(text, "RECURRENCE-ID") == NULL &&
	    strcasestr(text, "RELATED-TO") == NULL &&
	    strcasestr(text, X_ANCHOR) == NULL)
		return ICAL_REDACT_SAME;
	if ((root = ical_parse(text)) == NULL)
		return ICAL_REDACT_HIDDEN;
	master = root;
	if (icalcomponent_isa(root) != ICAL_VEVENT_COMPONENT)
		master = icalcomponent_get_first_component(root,
		    ICAL_VEVENT_COMPONENT);
	if (master == NULL ||
	    !access_may_read(clearance, ical_class_of(master))) {
		icalcomponent_free(root);
		return ICAL_REDACT_HIDDEN;
	}
	if (root != master)
		changed = drop_overrides(root, master, clearance);
	changed |= drop_refs(master, visible, arg);
	if (root != master)
		for (k = icalcomponent_get_first_component(root,
		    ICAL_VEVENT_COMPONENT); k != NULL;
		    k = icalcomponent_get_next_component(root,
		    ICAL_VEVENT_COMPONENT))
			if (k != master)
				changed |= drop_refs(k, visible, arg);
	if (changed)
		*out = ical_serialize(root);
	icalcomponent_free(root);
	return changed ? ICAL_REDACT_CHANGED : ICAL_REDACT_SAME;
}
