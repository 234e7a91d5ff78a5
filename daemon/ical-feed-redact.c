/*
 * ical-feed-redact.c — what a feed's audience may not read goes out of a
 * VEVENT: redaction keeps only a whitelist of properties (so nothing
 * unforeseen leaks), VALARMs go unless the feed asks for them (apps
 * ignore or misuse them; the daemon reminds), and no property points at
 * an event the audience may not see.  Which VEVENTs go out at all (each
 * one's own CLASS) is ical-export.c's; a reader's clearance on the
 * protocol is ical-redact.c's.
 */
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-export-int.h"
#include "ical-int.h"
#include "xmalloc.h"

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
	case ICAL_SUMMARY_PROPERTY:
		return r == REDACT_TITLE;
	default:
		return 0;
	}
}

/*
 * Of a property kept, only the parameters that say how to read its value
 * (a zone, a value type, an override's range, an alarm's anchor): any
 * other (ALTREP on a SUMMARY, an X- parameter on DTSTART) is text its
 * writer put there, which the feed may not show.
 */
static void
keep_params(icalproperty *p)
{
	icalparameter	*q, *drop[32];
	size_t		 n;

	do {
		n = 0;
		for (q = icalproperty_get_first_parameter(p,
		    ICAL_ANY_PARAMETER); q != NULL && n < 32;
		    q = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER))
			switch (icalparameter_isa(q)) {
			case ICAL_TZID_PARAMETER: case ICAL_VALUE_PARAMETER:
			case ICAL_RANGE_PARAMETER: case ICAL_RELATED_PARAMETER:
				break;
			default:
				drop[n++] = q;
			}
		for (size_t i = 0; i < n; i++)
			icalproperty_remove_parameter_by_ref(p, drop[i]);
	} while (n == 32);
}

/*
 * X-KCAL-TZ: an all-day event's zone (which a DATE cannot carry), which
 * places it in time as a TZID does a timed one's: a briefing page built
 * from a redacted feed read a visit's dates in the home zone without it.
 */
static int
zone_of(icalproperty *p)
{
	return icalproperty_isa(p) == ICAL_X_PROPERTY &&
	    strcasecmp(icalproperty_get_x_name(p), "X-KCAL-TZ") == 0;
}

/*
 * Keep only what places the event in time (and its identity, status and
 * class, and an all-day event's zone, X-KCAL-TZ); "title" keeps the SUMMARY too, "busy" shows "Busy" instead.
 * Nothing else (CATEGORIES, RELATED-TO, LOCATION, X- properties, other
 * parameters than keep_params's...), so nothing unforeseen leaks.  An
 * alarm (kept with --alarms) says no more than its event.
 */
void
ical_feed_redact(icalcomponent *c, enum ical_redact r)
{
	icalproperty	*p, *next;
	icalcomponent	*a, *anext;
	const char	*title;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY);
		if (!redact_keeps(icalproperty_isa(p), r) && !zone_of(p)) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		} else
			keep_params(p);
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
			} else
				keep_params(p);
		}
		icalcomponent_add_property(a,
		    icalproperty_new_action(ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(a, icalproperty_new_description(
		    title ? title : "Reminder"));
	}
}

void
ical_feed_drop_alarms(icalcomponent *c)
{
	icalcomponent	*a;

	while ((a = icalcomponent_get_first_component(c,
	    ICAL_VALARM_COMPONENT)) != NULL) {
		icalcomponent_remove_component(c, a);
		icalcomponent_free(a);
	}
}

/* Is the event with this UID one the audience may not see? */
int
ical_out_hides(const struct ical_out_opts *o, const char *uid)
{
	return o->hidden != NULL && o->hidden(o->hidden_arg, uid);
}

static void
note_ref(struct ical_rec *r, const char *uid, int hidden)
{
	for (size_t i = 0; i < r->nref; i++)
		if (strcmp(r->ref[i], uid) == 0)
			return;
	r->ref = xreallocarray(r->ref, r->nref + 1, sizeof *r->ref);
	r->refhid = xreallocarray(r->refhid, r->nref + 1, sizeof *r->refhid);
	r->ref[r->nref] = xstrdup(uid);
	r->refhid[r->nref++] = (unsigned char)hidden;
}

/* The UID a property points at (RELATED-TO, X-KCAL-ANCHOR), or NULL. */
static const char *
ref_of(icalproperty *p)
{
	const char	*x;

	if (icalproperty_isa(p) == ICAL_RELATEDTO_PROPERTY)
		return icalproperty_get_relatedto(p);
	if (icalproperty_isa(p) != ICAL_X_PROPERTY ||
	    (x = icalproperty_get_x_name(p)) == NULL ||
	    strcasecmp(x, "X-KCAL-ANCHOR") != 0)
		return NULL;
	return ical_x_text(p);
}

/*
 * A feed points at no event its audience may not see: a RELATED-TO or an
 * X-KCAL-ANCHOR naming one goes (with the anchor's X-KCAL-ANCHOR-OFFSET,
 * which with the event's own start would give the hidden one's).  kcal's
 * other X-KCAL-* properties (TZ, CITY, END-CITY, and ROLE, COUNTRY and
 * PRECEDENCE on ATTENDEE) describe the event itself, not another.  The
 * record notes what it pointed at, for its cache (ical_cache_lookup).
 */
void
ical_feed_drop_hidden_refs(const struct ical_out_opts *o, struct ical_rec *r,
    icalcomponent *c)
{
	icalproperty	*p, *next;
	const char	*uid;
	int		 anchor = 0, h;

	if (o->hidden == NULL)
		return;
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY);
		if ((uid = ref_of(p)) == NULL || *uid == '\0')
			continue;
		note_ref(r, uid, h = ical_out_hides(o, uid));
		if (!h)
			continue;
		anchor |= icalproperty_isa(p) == ICAL_X_PROPERTY;
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY);
	    p && anchor; p = next) {
		next = icalcomponent_get_next_property(c, ICAL_X_PROPERTY);
		if (strcasecmp(icalproperty_get_x_name(p),
		    "X-KCAL-ANCHOR-OFFSET") == 0) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
	}
}
