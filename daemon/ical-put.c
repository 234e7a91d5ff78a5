/*
 * ical-put.c — the SEQUENCE of a record written whole over the stored one
 * (a CalDAV PUT, write-put.c).  An import skips a file whose SEQUENCE is
 * lower than the stored one; a PUT is the client's whole new object and
 * is never skipped, so the number is kept right here instead:
 *   - it never goes down: each VEVENT (the master, each override, matched
 *     by RECURRENCE-ID) keeps at least the stored one's SEQUENCE;
 *   - it goes up by one when the client changed a significant property
 *     without raising it: the properties RFC 5545 3.8.7.4 says must raise
 *     it (DTSTART, DTEND, DURATION, DUE, RDATE, RRULE, EXDATE, STATUS) and
 *     LOCATION, RFC 5546 2.1.4's own example of a change that puts the
 *     attendees' answers in doubt.  A new override is taken as it comes.
 * And an anchored event's offset, when a client moved it (it then follows
 * its anchor from there).
 *
 * Other changes (a summary, an alarm, a description) keep the client's
 * number, as a client that manages SEQUENCE itself expects.  kcal edit
 * raises it on every change; that is kcal's own client, not this rule.
 */
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "xmalloc.h"

static const icalproperty_kind significant[] = {
	ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY, ICAL_DURATION_PROPERTY,
	ICAL_DUE_PROPERTY, ICAL_RDATE_PROPERTY, ICAL_RRULE_PROPERTY,
	ICAL_EXDATE_PROPERTY, ICAL_STATUS_PROPERTY, ICAL_LOCATION_PROPERTY,
	ICAL_NO_PROPERTY
};

/* The VEVENTs of a record: a lone VEVENT, or a VCALENDAR's. */
static icalcomponent *
first_vevent(icalcomponent *root)
{
	if (icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT)
		return root;
	return icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
}

static icalcomponent *
next_vevent(icalcomponent *root, icalcomponent *c)
{
	if (c == root)
		return NULL;
	return icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT);
}

/* Each property of kind k in c, as text, one after another. */
static char *
props_text(icalcomponent *c, icalproperty_kind k)
{
	icalproperty	*p;
	char		*s = xstrdup(""), *t, *u;

	for (p = icalcomponent_get_first_property(c, k); p != NULL;
	    p = icalcomponent_get_next_property(c, k)) {
		t = icalproperty_as_ical_string_r(p);
		xasprintf(&u, "%s%s", s, t);
		free(t);
		free(s);
		s = u;
	}
	return s;
}

/* Did a property that must raise SEQUENCE change from old to new? */
static int
significant_change(icalcomponent *old, icalcomponent *new)
{
	char	*a, *b;
	int	 diff = 0;

	for (const icalproperty_kind *k = significant; !diff &&
	    *k != ICAL_NO_PROPERTY; k++) {
		a = props_text(old, *k);
		b = props_text(new, *k);
		diff = strcmp(a, b) != 0;
		free(a);
		free(b);
	}
	return diff;
}

/* An occurrence's key: RECURRENCE-ID and its TZID; "" for the master. */
static char *
rid_of(icalcomponent *c)
{
	icalproperty	*p;
	icalparameter	*z;
	char		*key;

	p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	if (p == NULL)
		return xstrdup("");
	z = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	xasprintf(&key, "%s %s", icalproperty_get_value_as_string(p),
	    z ? icalparameter_get_tzid(z) : "");
	return key;
}

/*
 * The stored VEVENTs by occurrence key, sorted, so that each one sent is
 * found by a binary search: a PUT of a series of thousands of overrides
 * compared each with every stored one, seconds of the loop (a hunt).
 */
struct occ_key {
	char		*key;
	icalcomponent	*c;
};

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct occ_key *)a)->key,
	    ((const struct occ_key *)b)->key);
}

static struct occ_key *
occ_index(icalcomponent *root, size_t *n)
{
	struct occ_key	*v = NULL;
	icalcomponent	*o;

	*n = 0;
	for (o = first_vevent(root); o != NULL; o = next_vevent(root, o)) {
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[*n].key = rid_of(o);
		v[(*n)++].c = o;
	}
	if (*n > 0)
		qsort(v, *n, sizeof *v, cmp_key);
	return v;
}

static void
occ_index_free(struct occ_key *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

/* The stored VEVENT of c's occurrence, or NULL. */
static icalcomponent *
same_occurrence(const struct occ_key *v, size_t n, icalcomponent *c)
{
	struct occ_key	 want = { rid_of(c), NULL };
	size_t		 lo = 0, hi = n, mid;

	while (lo < hi) {		/* the first key >= want */
		mid = lo + (hi - lo) / 2;
		if (cmp_key(&v[mid], &want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || strcmp(v[lo].key, want.key) != 0)
		lo = n;
	free(want.key);
	return lo < n ? v[lo].c : NULL;
}

static int
seq_of(icalcomponent *c)
{
	icalproperty	*p;

	p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY);
	return p ? icalproperty_get_sequence(p) : 0;
}

/* c's SEQUENCE as the rule above wants it over old: 1 if it changed. */
static int
fix_one(icalcomponent *old, icalcomponent *c)
{
	icalproperty	*p;
	int		 want = seq_of(c), was = seq_of(old);

	if (want < was)
		want = was;
	if (want == was && significant_change(old, c))
		want = was + 1;
	if (want == seq_of(c))
		return 0;
	while ((p = icalcomponent_get_first_property(c,
	    ICAL_SEQUENCE_PROPERTY)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	icalcomponent_add_property(c, icalproperty_new_sequence(want));
	return 1;
}

/*
 * The record text (a record of ical-import.h) as written over stored
 * (NULL: nothing stored): *out the text with its SEQUENCEs set by the rule
 * above, or NULL when text may be stored as it is.  0, or -1 (*cause).
 */
int
ical_put_sequence(const char *stored, const char *text, char **out,
    char **cause)
{
	icalcomponent	*old, *new, *c, *o;
	struct occ_key	*idx;
	size_t		 nidx;
	int		 changed = 0;

	*out = NULL;
	if (stored == NULL)
		return 0;
	if ((old = ical_parse(stored)) == NULL)
		return 0;	/* an unreadable stored event is replaced */
	if ((new = ical_parse(text)) == NULL) {
		icalcomponent_free(old);
		*cause = xstrdup("cannot read the event back");
		return -1;
	}
	idx = occ_index(old, &nidx);
	for (c = first_vevent(new); c != NULL; c = next_vevent(new, c))
		if ((o = same_occurrence(idx, nidx, c)) != NULL)
			changed |= fix_one(o, c);
	occ_index_free(idx, nidx);
	if (changed)
		*out = ical_serialize(new);
	icalcomponent_free(old);
	icalcomponent_free(new);
	return 0;
}

/* Has c a RELATED-TO naming uid? */
static int
relates_to(icalcomponent *c, const char *uid)
{
	icalproperty	*p;
	const char	*v;

	for (p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(c,
	    ICAL_RELATEDTO_PROPERTY))
		if ((v = icalproperty_get_relatedto(p)) != NULL &&
		    strcmp(v, uid) == 0)
			return 1;
	return 0;
}

/*
 * Copy to nc each RELATED-TO of oc that seen() says its writer could not
 * see, and which the text it sent therefore lacks: how many.  (An anchor
 * is not put back: one to an event not in the store cannot be followed,
 * and a write that keeps one would be refused for it.)
 */
static int
keep_refs(icalcomponent *oc, icalcomponent *nc, ical_uid_cb seen, void *arg)
{
	icalproperty	*p;
	const char	*v;
	int		 n = 0;

	for (p = icalcomponent_get_first_property(oc, ICAL_RELATEDTO_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(oc,
	    ICAL_RELATEDTO_PROPERTY)) {
		v = icalproperty_get_relatedto(p);
		if (v == NULL || *v == '\0' || seen(arg, v) || relates_to(nc, v))
			continue;
		icalcomponent_add_property(nc, ical_clone_prop(p));
		n++;
	}
	return n;
}

/*
 * The record text as written over stored by a writer who could not see
 * all of stored's RELATED-TOs (a CalDAV account reads none to an event
 * not in the store: ical-redact.c): the text with them put back in its
 * master, or NULL when it lacks none.  Without this, a client that writes
 * back what it read would drop a relation it never saw.  (An override's
 * own RELATED-TO to an event not in the store is not put back yet.)
 */
char *
ical_put_keep_refs(const char *stored, const char *text, ical_uid_cb seen,
    void *arg)
{
	icalcomponent	*old, *new, *oc, *nc;
	char		*out = NULL;
	int		 n = 0;

	if ((old = ical_parse(stored)) == NULL)
		return NULL;
	if ((new = ical_parse(text)) != NULL &&
	    (oc = first_vevent(old)) != NULL &&
	    (nc = first_vevent(new)) != NULL)
		n = keep_refs(oc, nc, seen, arg);
	if (n > 0)
		out = ical_serialize(new);
	icalcomponent_free(old);
	if (new != NULL)
		icalcomponent_free(new);
	return out;
}

/*
 * The record text with its master's X-KCAL-ANCHOR-OFFSET set to off
 * seconds (whole days of them exact: ical_anchor_offset_text): an
 * anchored event moved by a client keeps following its anchor from where
 * it was put (write-put.c).  NULL if the text cannot be read.
 */
char *
ical_put_anchor_offset(const char *text, int64_t off, int exact)
{
	icalcomponent	*root, *c;
	char		*d, *out;

	if ((root = ical_parse(text)) == NULL)
		return NULL;
	if ((c = first_vevent(root)) == NULL) {
		icalcomponent_free(root);
		return NULL;
	}
	d = ical_anchor_offset_text(off, exact);
	ical_set_x(c, X_ANCHOR_OFFSET, d);
	icalmemory_free_buffer(d);
	out = ical_serialize(root);
	icalcomponent_free(root);
	return out;
}
