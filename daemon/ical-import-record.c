/*
 * ical-import-record.c — one UID's VEVENTs made the one record the store
 * keeps, and such a record set against the stored one.
 *
 * Overrides.  A RECURRENCE-ID VEVENT belongs to its master: both share the
 * UID, and the store keeps one record per UID.  A record is therefore the
 * master VEVENT alone or, when the series has overrides, a VCALENDAR whose
 * first VEVENT is the master and whose other VEVENTs are its overrides —
 * the calendar object resource of CalDAV (RFC 4791 4.1).  Everything that
 * reads a record (ical_extract, recur_open, export) takes the first VEVENT
 * as the event and the others as its overrides, and an edit keeps them
 * (ical_apply).  A separate table keyed by (UID, RECURRENCE-ID) was the
 * other choice; one record keeps the series whole in every path that reads
 * or writes an event, with no join to forget.
 *
 * From a file: the driver hands over one UID's VEVENTs, read and repaired
 * (ical-import.c); imp_record() puts the master first and the overrides in
 * RECURRENCE-ID order, refuses two masters or two overrides of one
 * occurrence, and makes the record.  Against the store (cmd-import.c
 * decides which applies): a record of overrides only is merged into the
 * stored series (ical_merge_overrides), or, with no series to join, its
 * overrides become standalone events (ical_orphans); a record that differs
 * from the stored one only in DTSTAMP is unchanged (ical_same_record).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-import-int.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "xmalloc.h"

/* One UID's VEVENTs: the master first, then overrides by RECURRENCE-ID. */
static int
by_rid(const void *a, const void *b)
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

/* Two masters, or two overrides for one RECURRENCE-ID (m sorted by_rid)? */
static int
check_members(struct imp *im, const struct member *m, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (m[i].rid == NULL)
			return imp_fail(im, m[i].line, "UID %s is used by two "
			    "events without RECURRENCE-ID (the other at line "
			    "%d)", m[i].uid, m[0].line);
		if (strcmp(m[i].rid, m[i - 1].rid ? m[i - 1].rid : "") == 0)
			return imp_fail(im, m[i].line, "UID %s has two "
			    "overrides for one RECURRENCE-ID (the other at "
			    "line %d)", m[i].uid, m[i - 1].line);
	}
	return 0;
}

/*
 * The record of m[0, n), one UID's VEVENTs (freed here): the master alone,
 * or a VCALENDAR of the master and its overrides.  0, or non-zero with
 * im->err (r then holds only what event_clear() and free() undo).
 */
int
imp_record(struct imp *im, struct member *m, size_t n, struct ical_record *r)
{
	icalcomponent	*cal;
	char		*why = NULL;
	int		 rc;

	memset(r, 0, sizeof *r);
	qsort(m, n, sizeof *m, by_rid);
	if (check_members(im, m, n) != 0) {
		imp_free_members(m, n);
		return -1;
	}
	r->line = m[0].line;
	r->has_master = m[0].rid == NULL;
	/*
	 * A lone VEVENT's fields come from the component parsed already: a
	 * second parse of its text was a good part of a large import's time.
	 */
	if (n == 1 && r->has_master) {
		r->text = ical_serialize(m[0].c);
		rc = ical_extract_component(m[0].c, im->o->home, &r->ev, &why);
	} else {
		cal = icalcomponent_new_vcalendar();
		for (size_t i = 0; i < n; i++) {
			icalcomponent_add_component(cal, m[i].c);
			m[i].c = NULL;
		}
		r->text = ical_serialize(cal);
		icalcomponent_free(cal);
		rc = ical_extract_new(r->text, im->o->home, &r->ev, &why);
	}
	imp_free_members(m, n);
	if (rc != 0) {
		imp_fail(im, r->line, "%s", why);
		free(why);
	}
	return rc;
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
 * Override c as a standalone event: a copy without its RECURRENCE-ID,
 * under its UID or, if it is one of several, its UID and RECURRENCE-ID
 * joined by "-"; *note says so.
 */
static icalcomponent *
standalone(icalcomponent *c, int several, char **note)
{
	icalcomponent	*k = ical_clone(c);
	icalproperty	*p;
	const char	*rid;
	char		*uid;

	p = icalcomponent_get_first_property(k, ICAL_RECURRENCEID_PROPERTY);
	rid = p ? icalproperty_get_value_as_string(p) : "";
	if (several) {
		xasprintf(&uid, "%s-%s", icalcomponent_get_uid(k), rid);
		set_made_uid(k, uid);
	} else
		uid = xstrdup(icalcomponent_get_uid(k));
	xasprintf(note, "UID %s: an override (RECURRENCE-ID %s) whose series "
	    "is neither in the file nor in the store imported as a standalone "
	    "event%s%s", icalcomponent_get_uid(c), rid,
	    several ? " with UID " : "", several ? uid : "");
	free(uid);
	if (p != NULL) {
		icalcomponent_remove_property(k, p);
		icalproperty_free(p);
	}
	return k;
}

/*
 * A record of overrides only (text) whose series is neither in the file nor
 * in the store shows in no client: each override as a standalone event
 * (standalone), with a warning saying so.  *recs and *notes (n of each)
 * are the caller's to free; -1 if the text cannot be read.
 */
int
ical_orphans(const char *text, const char *home, struct ical_record **recs,
    char ***notes, size_t *n, char **cause)
{
	icalcomponent	*root, *c, *k;
	struct ical_record *r;
	size_t		 many;
	char		*note, *why = NULL;

	*recs = NULL;
	*notes = NULL;
	*n = 0;
	if ((root = ical_parse(text)) == NULL) {
		*cause = xstrdup("cannot read an override");
		return -1;
	}
	many = icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT ? 1 :
	    (size_t)icalcomponent_count_components(root,
	    ICAL_VEVENT_COMPONENT);
	for (c = icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT ? root :
	    icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL; c = c == root ? NULL :
	    icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		k = standalone(c, many > 1, &note);
		*recs = xreallocarray(*recs, *n + 1, sizeof **recs);
		*notes = xreallocarray(*notes, *n + 1, sizeof **notes);
		(*notes)[*n] = note;
		r = &(*recs)[(*n)++];
		memset(r, 0, sizeof *r);
		r->has_master = 1;
		r->text = ical_serialize(k);
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
	icalcomponent	*s = ical_parse(stored), *in, *cal, *c, *k;
	char		*text;

	if (s == NULL)
		return NULL;
	in = ical_parse(incoming);
	cal = icalcomponent_new_vcalendar();
	if (icalcomponent_isa(s) == ICAL_VEVENT_COMPONENT)
		icalcomponent_add_component(cal, ical_clone(s));
	else
		for (c = icalcomponent_get_first_component(s,
		    ICAL_VEVENT_COMPONENT); c != NULL;
		    c = icalcomponent_get_next_component(s,
		    ICAL_VEVENT_COMPONENT))
			icalcomponent_add_component(cal,
			    ical_clone(c));
	for (c = in ? icalcomponent_get_first_component(in,
	    ICAL_VEVENT_COMPONENT) : NULL; c != NULL;
	    c = icalcomponent_get_next_component(in, ICAL_VEVENT_COMPONENT)) {
		for (k = icalcomponent_get_first_component(cal,
		    ICAL_VEVENT_COMPONENT); k != NULL;
		    k = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT)) {
			if (imp_same_rid(k, c)) {
				icalcomponent_remove_component(cal, k);
				icalcomponent_free(k);
				break;
			}
		}
		icalcomponent_add_component(cal, ical_clone(c));
	}
	text = ical_serialize(cal);
	icalcomponent_free(cal);
	icalcomponent_free(s);
	if (in != NULL)
		icalcomponent_free(in);
	return text;
}
