/*
 * ical-edit-fields.c — the properties an edit sets besides the times
 * (ical-edit.c plans and writes those): text fields, status, class, kind,
 * parent, rule, participants, itinerary and reminders.  Each setter
 * touches only its own properties and only when the change names them,
 * so whatever else a record carries survives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-int.h"
#include "xmalloc.h"

/* Remove (and free) every property of kind from c. */
void
ical_remove_all(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty	*p;

	while ((p = icalcomponent_get_first_property(c, kind)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* Replace c's X- properties name with one of value (NULL: none). */
void
ical_set_x(icalcomponent *c, const char *name, const char *value)
{
	icalproperty	*p;

	while ((p = ical_find_x(c, name)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	if (value != NULL) {
		p = icalproperty_new_x(value);
		icalproperty_set_x_name(p, name);
		icalcomponent_add_property(c, p);
	}
}

static void
add_xparam(icalproperty *p, const char *name, const char *value)
{
	icalparameter	*q;

	if (value == NULL || *value == '\0')
		return;
	q = icalparameter_new_x(value);
	icalparameter_set_xname(q, name);
	icalproperty_add_parameter(p, q);
}

static void
set_text(icalcomponent *c, icalproperty_kind kind, const char *v)
{
	icalproperty	*p;

	if (v == NULL)
		return;
	ical_remove_all(c, kind);
	if (*v == '\0')
		return;
	p = icalproperty_new(kind);
	icalproperty_set_value(p, kind == ICAL_URL_PROPERTY ?
	    icalvalue_new_uri(v) : icalvalue_new_text(v));
	icalcomponent_add_property(c, p);
}

static void
set_status(icalcomponent *c, const char *s)
{
	if (s == NULL)
		return;
	ical_remove_all(c, ICAL_STATUS_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_status(
	    strcmp(s, "tentative") == 0 ? ICAL_STATUS_TENTATIVE :
	    strcmp(s, "cancelled") == 0 ? ICAL_STATUS_CANCELLED :
	    ICAL_STATUS_CONFIRMED));
}

static void
set_class(icalcomponent *c, const char *s)
{
	if (s == NULL)
		return;
	ical_remove_all(c, ICAL_CLASS_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_class(
	    strcmp(s, "private") == 0 ? ICAL_CLASS_PRIVATE :
	    strcmp(s, "confidential") == 0 ? ICAL_CLASS_CONFIDENTIAL :
	    ICAL_CLASS_PUBLIC));
}

/* Replace the kind's CATEGORIES entry, keeping any other categories. */
static void
set_kind(icalcomponent *c, const char *kind)
{
	icalproperty	*p, *next;

	if (kind == NULL)
		return;
	for (p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);
	    p; p = next) {
		next = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY);
		if (event_kind_valid(icalproperty_get_categories(p))) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
	}
	icalcomponent_add_property(c, icalproperty_new_categories(kind));
}

static void
set_parent(icalcomponent *c, const char *uid)
{
	icalproperty	*p, *next;
	icalparameter	*rt;

	if (uid == NULL)
		return;
	for (p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
	    p; p = next) {
		next = icalcomponent_get_next_property(c, ICAL_RELATEDTO_PROPERTY);
		rt = icalproperty_get_first_parameter(p, ICAL_RELTYPE_PARAMETER);
		if (rt == NULL ||
		    icalparameter_get_reltype(rt) == ICAL_RELTYPE_PARENT) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
	}
	if (*uid == '\0')
		return;
	p = icalproperty_new_relatedto(uid);
	icalproperty_add_parameter(p, icalparameter_new_reltype(
	    ICAL_RELTYPE_PARENT));
	icalcomponent_add_property(c, p);
}

int
ical_rrule_valid(const char *s, char **cause)
{
	struct icalrecurrencetype r;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(s);
	if (r.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
		icalerror_clear_errno();
		xasprintf(cause, "invalid recurrence rule \"%s\" (RFC 5545 "
		    "RRULE, e.g. FREQ=WEEKLY;BYDAY=MO or FREQ=YEARLY)", s);
		return -1;
	}
	return 0;
}

static void
set_rrule(icalcomponent *c, const char *s)
{
	if (s == NULL)
		return;
	ical_remove_all(c, ICAL_RRULE_PROPERTY);
	if (*s != '\0')
		icalcomponent_add_property(c, icalproperty_new_rrule(
		    icalrecurrencetype_from_string(s)));
}

/*
 * The address (a mailto: URI) of the ATTENDEE or ORGANIZER named name in
 * c, if it has one: a participant kept by an edit keeps it, so that
 * calendar apps still know who it is.
 */
static char *
old_address(icalcomponent *c, const char *name)
{
	icalproperty	*p;
	icalparameter	*cn;
	const char	*v;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		if ((icalproperty_isa(p) != ICAL_ATTENDEE_PROPERTY &&
		    icalproperty_isa(p) != ICAL_ORGANIZER_PROPERTY) ||
		    (cn = icalproperty_get_first_parameter(p,
		    ICAL_CN_PARAMETER)) == NULL ||
		    strcasecmp(icalparameter_get_cn(cn), name) != 0)
			continue;
		v = icalproperty_get_value_as_string(p);
		if (v != NULL && strncasecmp(v, "mailto:", 7) == 0)
			return xstrdup(v);
	}
	return NULL;
}

/* A participant's role, country and precedence on p, as X- parameters. */
static void
set_part_params(icalproperty *p, const struct participant *pt)
{
	char	precedence[16];

	icalproperty_remove_parameter_by_name(p, X_ROLE);
	icalproperty_remove_parameter_by_name(p, X_COUNTRY);
	icalproperty_remove_parameter_by_name(p, X_PRECEDENCE);
	add_xparam(p, X_ROLE, pt->role);
	add_xparam(p, X_COUNTRY, pt->country);
	if (pt->precedence > 0) {
		snprintf(precedence, sizeof precedence, "%d", pt->precedence);
		add_xparam(p, X_PRECEDENCE, precedence);
	}
}

/* Which of ch's participants is c's ORGANIZER (its CN), or -1. */
static int
organizer_kept(icalcomponent *c, const struct event_change *ch)
{
	icalproperty	*org = icalcomponent_get_first_property(c,
			    ICAL_ORGANIZER_PROPERTY);
	icalparameter	*cn;

	if (org == NULL || (cn = icalproperty_get_first_parameter(org,
	    ICAL_CN_PARAMETER)) == NULL)
		return -1;
	for (size_t i = 0; i < ch->nparts; i++)
		if (strcasecmp(icalparameter_get_cn(cn), ch->parts[i].name) == 0)
			return (int)i;
	return -1;
}

/*
 * The participants given replace every ATTENDEE, and the ORGANIZER unless
 * it is among them (ical-record.c reads it as a participant too: left, it
 * stayed in the list; kept, it stays the organizer a calendar app knows,
 * with the role and country given).
 */
static void
set_participants(icalcomponent *c, const struct event_change *ch)
{
	icalproperty	**v;
	char		 *uri;
	int		  org;

	if (!ch->set_parts)
		return;
	org = organizer_kept(c, ch);
	v = xcalloc(ch->nparts + 1, sizeof *v);
	for (size_t i = 0; i < ch->nparts; i++) {
		const struct participant *pt = &ch->parts[i];

		if ((int)i == org)
			continue;
		if ((uri = old_address(c, pt->name)) == NULL)
			xasprintf(&uri, "urn:x-kcal:participant:%zu", i + 1);
		v[i] = icalproperty_new_attendee(uri);
		free(uri);
		icalproperty_add_parameter(v[i], icalparameter_new_cn(pt->name));
		set_part_params(v[i], pt);
	}
	ical_remove_all(c, ICAL_ATTENDEE_PROPERTY);
	if (org < 0)
		ical_remove_all(c, ICAL_ORGANIZER_PROPERTY);
	else
		set_part_params(icalcomponent_get_first_property(c,
		    ICAL_ORGANIZER_PROPERTY), &ch->parts[org]);
	for (size_t i = 0; i < ch->nparts; i++)
		if (v[i] != NULL)
			icalcomponent_add_property(c, v[i]);
	free(v);
}

/* Is the VALARM's trigger an absolute instant (TRIGGER;VALUE=DATE-TIME)? */
static int
alarm_absolute(icalcomponent *a)
{
	icalproperty	*t = icalcomponent_get_first_property(a,
			    ICAL_TRIGGER_PROPERTY);

	return t != NULL &&
	    !icaltime_is_null_time(icalproperty_get_trigger(t).time);
}

/* Remove the VALARMs with absolute (or else relative) triggers. */
static void
remove_alarms(icalcomponent *c, int absolute)
{
	icalcomponent	*a, *next;

	for (a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
	    a != NULL; a = next) {
		next = icalcomponent_get_next_component(c,
		    ICAL_VALARM_COMPONENT);
		if (alarm_absolute(a) == absolute) {
			icalcomponent_remove_component(c, a);
			icalcomponent_free(a);
		}
	}
}

static void
add_alarm(icalcomponent *c, struct icaltriggertype tr, const char *summary)
{
	icalcomponent	*a = icalcomponent_new_valarm();

	icalcomponent_add_property(a,
	    icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(a, icalproperty_new_trigger(tr));
	icalcomponent_add_property(a, icalproperty_new_description(
	    summary ? summary : "Reminder"));
	icalcomponent_add_component(c, a);
}

/*
 * Reminders are DISPLAY VALARMs with a trigger relative to the start
 * (remind) or at an absolute instant (remind_at, TRIGGER;VALUE=DATE-TIME
 * in UTC).  Setting one kind replaces only the alarms of that kind.  An
 * event left with none by an explicit empty list (kcal edit --no-remind)
 * says so (X-KCAL-NO-REMIND), so that kcald.conf's default reminders do
 * not take their place; one that gets any again loses the mark.
 */
/*
 * A lead (seconds; negative: before the start) as a TRIGGER's duration:
 * whole days in days, which are nominal (RFC 5545), any other in hours,
 * minutes and seconds, which are exact: libical would write 25 hours as
 * P1DT1H, a calendar day and an hour to any app that reads it.
 */
static struct icaldurationtype
lead(int64_t secs)
{
	struct icaldurationtype	d;
	int64_t			a = secs < 0 ? -secs : secs;

	if (secs % 86400 == 0)
		return icaldurationtype_from_int((int)secs);
	d = icaldurationtype_null_duration();
	d.is_neg = secs < 0;
	d.hours = (unsigned int)(a / 3600);
	d.minutes = (unsigned int)(a % 3600 / 60);
	d.seconds = (unsigned int)(a % 60);
	return d;
}

static void
set_reminders(icalcomponent *c, const struct event_change *ch,
    const char *summary)
{
	struct icaltriggertype	tr;

	if (ch->set_remind) {
		remove_alarms(c, 0);
		for (size_t i = 0; i < ch->nremind; i++) {
			memset(&tr, 0, sizeof tr);
			tr.time = icaltime_null_time();
			tr.duration = lead(-ch->remind[i]);
			add_alarm(c, tr, summary);
		}
	}
	if (ch->set_remind_at) {
		remove_alarms(c, 1);
		for (size_t i = 0; i < ch->nremind_at; i++) {
			memset(&tr, 0, sizeof tr);
			tr.time = icaltime_from_timet_with_zone(
			    (time_t)ch->remind_at[i], 0,
			    icaltimezone_get_utc_timezone());
			add_alarm(c, tr, summary);
		}
	}
	if (ch->set_remind || ch->set_remind_at)
		ical_set_x(c, X_NO_REMIND, icalcomponent_get_first_component(c,
		    ICAL_VALARM_COMPONENT) == NULL ? "TRUE" : NULL);
}

/* The itinerary's X- properties: cities and the anchor (anchor.c). */
static void
set_itinerary(icalcomponent *c, const struct event_change *ch)
{
	char	*d;

	if (ch->city != NULL)
		ical_set_x(c, X_CITY, *ch->city ? ch->city : NULL);
	if (ch->end_city != NULL)
		ical_set_x(c, X_END_CITY, *ch->end_city ? ch->end_city : NULL);
	if (ch->anchor != NULL)
		ical_set_x(c, X_ANCHOR, *ch->anchor ? ch->anchor : NULL);
	if (ch->anchor != NULL && *ch->anchor == '\0')
		ical_set_x(c, X_ANCHOR_OFFSET, NULL);
	else if (ch->set_anchor_offset) {
		d = ical_anchor_offset_text(ch->anchor_offset,
		    ch->anchor_exact);
		ical_set_x(c, X_ANCHOR_OFFSET, d);
		icalmemory_free_buffer(d);
	}
}

/*
 * A series' relative reminders set with kcal are every occurrence's: each
 * override gets the same (one with VALARMs of its own is reminded by them,
 * remind-plan.c), so that none keeps the ones the edit replaced.  Absolute
 * ones are the master's alone (they fire once); they only go from the
 * overrides too when all are taken away (--no-remind).
 */
static void
set_override_reminders(icalcomponent *root, icalcomponent *master,
    const struct event_change *ch)
{
	struct event_change	 rel = *ch;
	icalcomponent		*k;

	rel.set_remind_at = ch->set_remind_at && ch->nremind_at == 0 &&
	    ch->set_remind;
	if (root == master || !rel.set_remind)
		return;
	for (k = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    k != NULL; k = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		if (k != master && icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY) != NULL)
			set_reminders(k, &rel, icalcomponent_get_summary(k));
}

/*
 * Every field ch sets besides the times, on c (the master VEVENT; root is
 * c or its VCALENDAR with the overrides).
 */
void
ical_edit_fields(icalcomponent *root, icalcomponent *c,
    const struct event_change *ch)
{
	set_text(c, ICAL_SUMMARY_PROPERTY, ch->summary);
	set_text(c, ICAL_LOCATION_PROPERTY, ch->location);
	set_text(c, ICAL_DESCRIPTION_PROPERTY, ch->description);
	set_text(c, ICAL_URL_PROPERTY, ch->url);
	set_status(c, ch->status);
	set_class(c, ch->class);
	set_kind(c, ch->kind);
	set_parent(c, ch->parent);
	set_rrule(c, ch->rrule);
	set_participants(c, ch);
	set_itinerary(c, ch);
	set_reminders(c, ch, ch->summary ? ch->summary :
	    icalcomponent_get_summary(c));
	set_override_reminders(root, c, ch);
}
