/*
 * ical-import-check.c — what refuses an imported file.
 *
 * ical-lint.c has checked the lines (grammar, nesting, known names); here
 * each piece libical has parsed is checked for what libical lets through
 * or could not read: X-LIC-ERROR properties (but for an empty TEXT value,
 * which RFC 5545 allows), dates and times that do not exist, UTC offsets
 * of 24 hours or more, durations whose numbers libical would wrap, a
 * property that may occur once occurring twice in a VEVENT, a VEVENT
 * without DTSTART, with DTEND and DURATION, or with DTEND and DTSTART of
 * different value types.  Any of these refuses the whole file, naming the
 * line.  Duplicate UIDs and RECURRENCE-IDs are refused as the records are
 * made (ical-import-record.c).
 *
 * The driver reads the file piece by piece, so its first error need not
 * be the one a reading of the whole file finds first; imp_diagnose()
 * finds that one, so the message does not depend on how the file is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-import-int.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "kcal-protocol.h"
#include "log.h"
#include "xmalloc.h"

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
		p = ical_parse_property(s);
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
			return imp_fail(im, unreadable_line(im, i), "%.*s%s",
			    cut ? (int)(cut - msg) :
			    (int)strlen(msg ? msg : ""),
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

/*
 * A period (an RDATE's, VALUE=PERIOD) starts before it ends (RFC 5545
 * 3.3.9): one that ended first was taken for the series' length.  Its two
 * times share the property's zone, so they compare as they are.
 */
static int
period_ok(struct icalperiodtype pe)
{
	if (icaltime_is_null_time(pe.start))
		return 1;
	if (!icaltime_is_null_time(pe.end))
		return icaltime_compare(pe.end, pe.start) >= 0;
	return !pe.duration.is_neg;
}

static int
value_period_ok(icalvalue *v)
{
	switch (icalvalue_isa(v)) {
	case ICAL_DATETIMEPERIOD_VALUE:
		return period_ok(icalvalue_get_datetimeperiod(v).period);
	case ICAL_PERIOD_VALUE:
		return period_ok(icalvalue_get_period(v));
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
		return imp_fail(im, line, "%s: \"%.*s\" is not a UTC offset "
		    "(+HHMM or -HHMM, hours below 24)", name, (int)n, v);
	if (k != ICAL_UTCOFFSET_VALUE && !duration_ok(v, n))
		return imp_fail(im, line, "%s: the duration \"%.*s\" is out of "
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
				return imp_fail(im, prop_line(im, i, name,
				    nth_of(c, p)), "%s: \"%s\" is not a valid "
				    "date, time or rule", name,
				    icalproperty_get_value_as_string(p));
			if (!value_period_ok(icalproperty_get_value(p)))
				return imp_fail(im, prop_line(im, i, name,
				    nth_of(c, p)), "%s: the period \"%s\" ends "
				    "before it starts", name,
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
	ICAL_STATUS_PROPERTY, ICAL_SEQUENCE_PROPERTY,
	ICAL_RECURRENCEID_PROPERTY, ICAL_CREATED_PROPERTY,
	ICAL_LASTMODIFIED_PROPERTY, ICAL_TRANSP_PROPERTY, ICAL_URL_PROPERTY,
	ICAL_ORGANIZER_PROPERTY, ICAL_PRIORITY_PROPERTY, ICAL_GEO_PROPERTY,
	ICAL_NO_PROPERTY
};

/*
 * The value of event i's first property called name as the file writes it
 * (*buf, freed by the caller, holds it), or NULL if there is none: with a
 * VALUE parameter (;VALUE=DURATION) libical reads it and writes it again,
 * and would pass forms (PT0H5H) that are to be refused.
 */
static const char *
x_raw(struct imp *im, size_t i, const char *name, char **buf)
{
	icalproperty	*p = ical_find_x(im->comp[i], name);
	const char	*v;
	size_t		 n;

	*buf = NULL;
	if (p == NULL)
		return NULL;
	if (im->lines_ok && lint_value(&im->l, im->base + (int)i, name, 0, &v,
	    &n) != 0) {
		*buf = xstrndup(v, n);
		return *buf;
	}
	return ical_x_text(p);
}

/*
 * X-KCAL-ANCHOR-OFFSET a duration (RFC 5545's), within a year either way,
 * as kcal's --offset (anchor.c): an anchor's edit moves the event by it.
 * A PUT's is where the event is put from its anchor (write-put.c), which
 * checks the year.  (A second one, or one on an all-day event, is mended:
 * imp_fix_kcal_x.)
 */
static int
check_anchor_offset(struct imp *im, size_t i)
{
	const char	*v;
	char		*buf;
	int64_t		 off;
	int		 exact, rc = 0;

	if ((v = x_raw(im, i, X_ANCHOR_OFFSET, &buf)) == NULL)
		return 0;
	if (ical_anchor_offset_read(v, &off, &exact) != 0)
		rc = imp_fail(im, prop_line(im, i, X_ANCHOR_OFFSET, 0),
		    X_ANCHOR_OFFSET ": \"%s\" is not a duration (RFC 5545 "
		    "3.3.6, e.g. -PT15M or -P1D)", v);
	else if (!im->o->put && (off < -KCAL_ANCHOR_MAX_OFFSET ||
	    off > KCAL_ANCHOR_MAX_OFFSET))
		rc = imp_fail(im, prop_line(im, i, X_ANCHOR_OFFSET, 0),
		    X_ANCHOR_OFFSET ": \"%s\" is more than a year", v);
	free(buf);
	return rc;
}

static int
check_vevent(struct imp *im, size_t i)
{
	icalcomponent	*c = im->comp[i];
	icalproperty	*ps, *pe;
	const char	*name;
	int		 n;

	for (const icalproperty_kind *k = once; *k != ICAL_NO_PROPERTY; k++) {
		if (icalcomponent_count_properties(c, *k) < 2)
			continue;
		name = icalproperty_kind_to_string(*k);
		return imp_fail(im, prop_line(im, i, name, 1), "%s appears "
		    "twice in one event (first at line %d)", name,
		    prop_line(im, i, name, 0));
	}
	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL)
		return imp_fail(im, comp_line(im, i), "the event has no "
		    "DTSTART");
	if ((n = icalcomponent_count_components(c, ICAL_VALARM_COMPONENT)) >
	    KCAL_REMIND_MAX)
		return imp_fail(im, comp_line(im, i), "the event has %d "
		    "reminders (VALARM); at most %d", n, KCAL_REMIND_MAX);
	if (check_anchor_offset(im, i) != 0)
		return -1;
	pe = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
	if (pe != NULL && icalcomponent_get_first_property(c,
	    ICAL_DURATION_PROPERTY) != NULL)
		return imp_fail(im, prop_line(im, i, "DURATION", 0), "the "
		    "event has both DTEND and DURATION (RFC 5545 allows one)");
	if (pe != NULL && imp_is_date(pe) != imp_is_date(ps))
		return imp_fail(im, prop_line(im, i, "DTEND", 0), "DTEND is a "
		    "%s but DTSTART is a %s",
		    imp_is_date(pe) ? "date" : "date-time",
		    imp_is_date(ps) ? "date" : "date-time");
	return 0;
}

static int
check_vevents(struct imp *im)
{
	for (size_t i = 0; i < im->ncomp; i++)
		if (icalcomponent_isa(im->comp[i]) == ICAL_VEVENT_COMPONENT &&
		    check_vevent(im, i) != 0)
			return -1;
	return 0;
}

/* The checks, in the order of imp_diagnose()'s preference. */
static int (*const checks[])(struct imp *) = {
	check_parsed, check_values, check_vevents
};
#define NCHECKS	(sizeof checks / sizeof checks[0])

/* Check the piece just read (im->comp); -1 with im->err on a problem. */
int
imp_check_piece(struct imp *im)
{
	for (size_t k = 0; k < NCHECKS; k++)
		if (checks[k](im) != 0)
			return -1;
	return 0;
}

/* Drop the X-LIC-ERRORs the checks let pass (an empty TEXT value). */
void
imp_drop_errors(icalcomponent *c)
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
		imp_drop_errors(k);
}

/* The first error of each kind in the piece loaded, into the empty slots. */
static void
diagnose_piece(struct imp *im, char **slot)
{
	icalcomponent	*root;
	size_t		 k;

	for (int j = 0; j < (int)im->l.ncomps; j++) {
		if (!imp_is_piece(im, j))
			continue;
		im->err = NULL;
		if ((root = imp_read_piece(im, j)) == NULL) {
			if (slot[0] == NULL)
				slot[0] = im->err;
			else
				free(im->err);
			continue;
		}
		for (k = 0; k < NCHECKS; k++) {
			im->err = NULL;
			if (slot[1 + k] == NULL) {
				checks[k](im);
				slot[1 + k] = im->err;
			}
		}
		icalcomponent_free(root);
	}
}

/*
 * After an error, the one the file's first problem gives, as reading the
 * whole file at once found it: a component libical could not read at all,
 * then what it could not read (X-LIC-ERROR), then impossible values, then
 * a broken event, each the first in the file; else the error found.
 */
void
imp_diagnose(struct imp *im)
{
	char		*found = im->err, *slot[1 + NCHECKS] = { NULL };
	size_t		 k, p;

	log_debug("import: refused; reading its %zu pieces for the file's "
	    "first problem", im->npieces);
	for (p = 0; p < im->npieces && !imp_cancelled(im); p++) {
		im->err = NULL;
		if (imp_load(im, p) != 0) {
			free(im->err);
			continue;
		}
		diagnose_piece(im, slot);
	}
	if (p < im->npieces)
		log_debug("import: stopped at piece %zu of %zu (its client "
		    "left)", p, im->npieces);
	im->err = NULL;
	for (k = 0; k < 1 + NCHECKS; k++) {
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
