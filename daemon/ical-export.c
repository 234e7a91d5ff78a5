/*
 * ical-export.c — stored events out as one VCALENDAR, through libical.
 *
 * A stored record is a VEVENT, or a VCALENDAR holding a recurring master
 * and its RECURRENCE-ID overrides (ical-import-record.c).  Each record's
 * VEVENTs are copied as they are, so whatever was imported goes out again;
 * then one complete VTIMEZONE per TZID used, built by libical from the
 * system zone database, goes in front of them, sorted by TZID.  libical
 * writes CRLF lines folded at 75 octets without splitting a UTF-8
 * character.
 *
 * A feed (opts->feed) is an export for subscribers, who differ from an
 * importer (DESIGN.md, "Feeds"): NAME and REFRESH-INTERVAL with their X-WR
 * and X-PUBLISHED twins; no VALARM unless asked (apps ignore or misuse
 * them; the daemon reminds); RDATE periods become plain RDATEs, each
 * with an override that carries the period's end, and an
 * event with several RRULEs (deprecated, and read differently by each
 * client) or an RSCALE rule is flattened into RDATEs inside the feed's
 * window; redaction
 * keeps only a whitelist of properties, so nothing unforeseen leaks.  A
 * feed names the classes its audience may see (opts->classes): each
 * VEVENT's own CLASS decides, so an override of a class it may not see is
 * left out (add_series), and no property points at an event it may not
 * see (drop_hidden_refs).
 *
 * Nothing here depends on the time of the request: the same records give
 * the same bytes (a missing DTSTAMP is taken from LAST-MODIFIED).
 *
 * Each record is written on its own (libical writes a VCALENDAR as its
 * properties, then each component's text in turn, so the pieces joined
 * are the bytes it would have written).  A feed hands in a cache: the
 * text written for each stored record at its last build, found again by
 * the record's exact text, so a rebuild after one change parses and
 * writes one record, not ten thousand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-export.h"
#include "ical-serialize.h"
#include "hash.h"
#include "log.h"
#include "tz.h"
#include "xmalloc.h"

#define PRODID	"-//kcal//kcal " KCAL_VERSION "//EN"

/*
 * One record's output: its VEVENTs as text, and the TZIDs they use.  A
 * feed keeps these between builds (struct ical_cache), keyed by the stored
 * text, so that after a change only the records that changed are parsed
 * and written again; an export makes them and drops them.
 */
struct ical_rec {
	char		 *src;		/* the stored text: the key */
	size_t		  srclen;
	uint64_t	  hash;
	char		 *text;		/* the VEVENTs, serialised */
	size_t		  len;
	char		**tzid;
	size_t		  ntzid;
	char		**ref;		/* UIDs its VEVENTs point at */
	unsigned char	 *refhid;	/* whether each was hidden then */
	size_t		  nref;
	unsigned	  mark;		/* the last build that used it */
	struct ical_rec	 *next;		/* hash chain */
};

struct ical_cache {
	struct ical_out_opts	  o;	/* what the records were made for */
	char			 *home;
	int			  filled;
	struct ical_rec		**tab;
	size_t			  size, n;
	unsigned		  mark;
};

struct ical_out {
	struct ical_out_opts	  o;
	struct ical_cache	 *cache;
	const char		 *seen;		/* ical_out_known's last text */
	struct ical_rec		 *seen_rec;
	struct ical_rec		**rec;	/* in order; owned unless cached */
	size_t			  nrec, bytes;	/* records, their text */
	char			**tzid;
	size_t			  ntzid;
};

static void
rec_free(struct ical_rec *r)
{
	for (size_t i = 0; i < r->ntzid; i++)
		free(r->tzid[i]);
	free(r->tzid);
	for (size_t i = 0; i < r->nref; i++)
		free(r->ref[i]);
	free(r->ref);
	free(r->refhid);
	free(r->src);
	free(r->text);
	free(r);
}

struct ical_cache *
ical_cache_new(void)
{
	return xcalloc(1, sizeof (struct ical_cache));
}

static void
cache_clear(struct ical_cache *c)
{
	struct ical_rec	*r, *next;

	for (size_t i = 0; i < c->size; i++)
		for (r = c->tab[i]; r != NULL; r = next) {
			next = r->next;
			rec_free(r);
		}
	free(c->tab);
	free(c->home);
	c->tab = NULL;
	c->home = NULL;
	c->size = c->n = 0;
	c->filled = 0;
}

void
ical_cache_free(struct ical_cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	free(c);
}

/* Were the cached records made with what o asks for? */
static int
cache_fits(const struct ical_cache *c, const struct ical_out_opts *o)
{
	if (!c->filled)
		return 0;
	if (c->o.feed != o->feed || c->o.alarms != o->alarms ||
	    c->o.redact != o->redact || c->o.from != o->from ||
	    c->o.to != o->to || c->o.max_rdates != o->max_rdates ||
	    c->o.classes != o->classes ||
	    (c->o.hidden == NULL) != (o->hidden == NULL))
		return 0;
	if (c->home == NULL || o->home == NULL)
		return c->home == NULL && o->home == NULL;
	return strcmp(c->home, o->home) == 0;
}

/* Drop what the last build did not use. */
static void
cache_sweep(struct ical_cache *c)
{
	struct ical_rec	**rp, *r;

	for (size_t i = 0; i < c->size; i++)
		for (rp = &c->tab[i]; (r = *rp) != NULL;) {
			if (r->mark == c->mark) {
				rp = &r->next;
				continue;
			}
			*rp = r->next;
			rec_free(r);
			c->n--;
		}
}

static void
cache_insert(struct ical_cache *c, struct ical_rec *r)
{
	struct ical_rec	**tab, *e, *next;
	size_t		  size;

	if (c->n >= c->size) {
		size = c->size ? c->size * 2 : 1024;
		tab = xcalloc(size, sizeof *tab);
		for (size_t i = 0; i < c->size; i++)
			for (e = c->tab[i]; e != NULL; e = next) {
				next = e->next;
				e->next = tab[e->hash & (size - 1)];
				tab[e->hash & (size - 1)] = e;
			}
		free(c->tab);
		c->tab = tab;
		c->size = size;
	}
	r->next = c->tab[r->hash & (c->size - 1)];
	c->tab[r->hash & (c->size - 1)] = r;
	c->n++;
}

static struct ical_rec *
cache_find(struct ical_cache *c, const char *src, size_t len, uint64_t hash)
{
	struct ical_rec	*r;

	if (c->size == 0)
		return NULL;
	for (r = c->tab[hash & (c->size - 1)]; r != NULL; r = r->next)
		if (r->hash == hash && r->srclen == len &&
		    memcmp(r->src, src, len) == 0)
			return r;
	return NULL;
}

static int
is_hidden(const struct ical_out *out, const char *uid)
{
	return out->o.hidden != NULL && out->o.hidden(out->o.hidden_arg, uid);
}

/*
 * A record found in the cache, if what it was written from still holds:
 * its text is the key, but whether each event it points at is hidden can
 * change without it (a parent made confidential); then it goes.
 */
static struct ical_rec *
cache_lookup(struct ical_out *out, const char *src, size_t len, uint64_t hash)
{
	struct ical_cache	*c = out->cache;
	struct ical_rec		*r, **rp;

	if ((r = cache_find(c, src, len, hash)) == NULL)
		return NULL;
	for (size_t i = 0; i < r->nref; i++) {
		if (is_hidden(out, r->ref[i]) == r->refhid[i])
			continue;
		for (rp = &c->tab[hash & (c->size - 1)]; *rp != r;
		    rp = &(*rp)->next)
			;
		*rp = r->next;
		rec_free(r);
		c->n--;
		return NULL;
	}
	return r;
}

struct ical_out *
ical_out_new(const struct ical_out_opts *o)
{
	struct ical_out		*out = xcalloc(1, sizeof *out);
	struct ical_cache	*c = o->cache;

	out->o = *o;
	if (out->o.max_rdates == 0)
		out->o.max_rdates = 1000;
	if (c != NULL) {
		if (!cache_fits(c, &out->o)) {
			cache_clear(c);
			c->o = out->o;
			c->o.calname = NULL;
			c->o.hidden_arg = NULL;
			c->home = out->o.home ? xstrdup(out->o.home) : NULL;
			c->o.home = NULL;
			c->filled = 1;
		}
		c->mark++;
		out->cache = c;
	}
	return out;
}

void
ical_out_free(struct ical_out *out)
{
	if (out == NULL)
		return;
	if (out->cache == NULL)
		for (size_t i = 0; i < out->nrec; i++)
			rec_free(out->rec[i]);
	for (size_t i = 0; i < out->ntzid; i++)
		free(out->tzid[i]);
	free(out->rec);
	free(out->tzid);
	free(out);
}

size_t
ical_out_count(const struct ical_out *out)
{
	return out->nrec;
}

static void
note_tzid(char ***tzid, size_t *ntzid, const char *name)
{
	size_t	i;

	if (name == NULL || strcmp(name, "UTC") == 0)
		return;
	for (i = 0; i < *ntzid; i++)
		if (strcmp((*tzid)[i], name) == 0)
			return;
	*tzid = xreallocarray(*tzid, *ntzid + 1, sizeof **tzid);
	(*tzid)[(*ntzid)++] = xstrdup(name);
}

static void
note_tzids(struct ical_rec *r, icalcomponent *c)
{
	icalproperty	*p;
	icalparameter	*q;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
		if ((q = icalproperty_get_first_parameter(p,
		    ICAL_TZID_PARAMETER)) != NULL)
			note_tzid(&r->tzid, &r->ntzid,
			    icalparameter_get_tzid(q));
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
 * Keep only what places the event in time (and its identity, status and
 * class); "title" keeps the SUMMARY too, "busy" shows "Busy" instead.
 * Nothing else (CATEGORIES, RELATED-TO, LOCATION, X- properties...), so
 * nothing unforeseen leaks.  An alarm (kept with --alarms) says no more
 * than its event.
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

/* An RDATE's time (or period start) in a property of kind, zone and all. */
static icalproperty *
rdate_time(icalproperty_kind kind, icalproperty *rdate, struct icaltimetype t)
{
	icalproperty	*np = icalproperty_new(kind);
	icalparameter	*tz;

	icalproperty_set_value(np, icalvalue_new_datetime(t));
	if ((tz = icalproperty_get_first_parameter(rdate,
	    ICAL_TZID_PARAMETER)) != NULL && !icaltime_is_utc(t))
		icalproperty_add_parameter(np, icalparameter_new_clone(tz));
	return np;
}

/* Does root hold an override of the series at this RECURRENCE-ID? */
static int
has_override(icalcomponent *root, struct icaltimetype t)
{
	icalcomponent	*k;
	icalproperty	*p;

	if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
		return 0;
	for (k = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    k != NULL; k = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		if ((p = icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY)) != NULL && icaltime_compare(
		    icalproperty_get_recurrenceid(p), t) == 0)
			return 1;
	return 0;
}

/* The master c as an override of its RDATE period: its own start and end. */
static icalcomponent *
period_override(icalcomponent *c, icalproperty *rdate, struct icalperiodtype pd)
{
	icalcomponent		*o = icalcomponent_new_clone(c);
	struct icaltimetype	 end = pd.end;

	if (icaltime_is_null_time(end))
		end = icaltime_add(pd.start, pd.duration);
	drop_all(o, ICAL_RRULE_PROPERTY);
	drop_all(o, ICAL_RDATE_PROPERTY);
	drop_all(o, ICAL_EXDATE_PROPERTY);
	drop_all(o, ICAL_DTSTART_PROPERTY);
	drop_all(o, ICAL_DTEND_PROPERTY);
	drop_all(o, ICAL_DURATION_PROPERTY);
	icalcomponent_add_property(o, rdate_time(ICAL_RECURRENCEID_PROPERTY,
	    rdate, pd.start));
	icalcomponent_add_property(o, rdate_time(ICAL_DTSTART_PROPERTY, rdate,
	    pd.start));
	icalcomponent_add_property(o, rdate_time(ICAL_DTEND_PROPERTY, rdate,
	    end));
	return o;
}

/*
 * RDATE;VALUE=PERIOD makes some clients skip the event: keep the starts as
 * plain RDATEs, and give each period that no override replaces already an
 * override of its own with the period's end (*ovr, *novr), which every
 * client reads.
 */
static void
plain_rdates(icalcomponent *root, icalcomponent *c, icalcomponent ***ovr,
    size_t *novr)
{
	icalproperty			*p, *next, *np;
	struct icaldatetimeperiodtype	 r;

	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY);
		r = icalproperty_get_rdate(p);
		if (icalperiodtype_is_null_period(r.period))
			continue;
		np = rdate_time(ICAL_RDATE_PROPERTY, p, r.period.start);
		if (!has_override(root, r.period.start)) {
			*ovr = xreallocarray(*ovr, *novr + 1, sizeof **ovr);
			(*ovr)[(*novr)++] = period_override(c, p, r.period);
		}
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

/* An occurrence as an RDATE: where the rule put it (its RECURRENCE-ID). */
static int
add_rdate(void *arg, const struct ical_occ *occ)
{
	struct flatten			*f = arg;
	struct icaldatetimeperiodtype	 r;
	icalproperty			*p;
	struct when			 w;
	char				 buf[32];
	int				 utc = strcmp(f->tz, "UTC") == 0;
	int64_t				 start = occ->rid;

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

/* An RFC 7529 rule (RSCALE): few subscribers read one. */
static int
rscale(icalcomponent *c)
{
	icalproperty			*p;
	struct icalrecurrencetype	 r;

	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		r = icalproperty_get_rrule(p);
		if (r.rscale != NULL && *r.rscale != '\0')
			return 1;
	}
	return 0;
}

/*
 * Several RRULEs in one VEVENT (RFC 2445 allowed it, RFC 5545 deprecates
 * it, clients disagree) or an RFC 7529 RSCALE rule (a Hebrew or Chinese
 * calendar, which few clients read): replace the rules with the
 * occurrences inside the feed's window, which every client reads the same
 * way.
 */
static void
flatten_rrules(struct ical_out *out, icalcomponent *c)
{
	struct event	 ev;
	struct flatten	 f;
	char		*text, *why = NULL;

	if (icalcomponent_count_properties(c, ICAL_RRULE_PROPERTY) < 2 &&
	    !rscale(c))
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
	ical_expand_full(text, out->o.home, out->o.from, out->o.to,
	    out->o.max_rdates, add_rdate, &f, &why);
	free(why);
	event_clear(&ev);
	icalmemory_free_buffer(text);
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
	return icalproperty_get_value_as_string(p);
}

/*
 * A feed points at no event its audience may not see: a RELATED-TO or an
 * X-KCAL-ANCHOR naming one goes (with the anchor's X-KCAL-ANCHOR-OFFSET,
 * which with the event's own start would give the hidden one's).  kcal's
 * other X-KCAL-* properties (TZ, CITY, END-CITY, and ROLE, COUNTRY and
 * PRECEDENCE on ATTENDEE) describe the event itself, not another.  The
 * record notes what it pointed at, for its cache (cache_lookup).
 */
static void
drop_hidden_refs(struct ical_out *out, struct ical_rec *r, icalcomponent *c)
{
	icalproperty	*p, *next;
	const char	*uid;
	int		 anchor = 0, h;

	if (out->o.hidden == NULL)
		return;
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY);
		if ((uid = ref_of(p)) == NULL || *uid == '\0')
			continue;
		note_ref(r, uid, h = is_hidden(out, uid));
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

/* Append c's text to a record's. */
static void
append_vevent(struct ical_rec *r, icalcomponent *c)
{
	char	*text;
	size_t	 len;

	note_tzids(r, c);
	text = ical_serialize(c);
	len = strlen(text);
	r->text = xreallocarray(r->text, 1, r->len + len + 1);
	memcpy(r->text + r->len, text, len + 1);
	r->len += len;
	free(text);
}

/* Append c (a VEVENT of root) to a record's text, in the form it goes out. */
static void
add_vevent(struct ical_out *out, struct ical_rec *r, icalcomponent *root,
    icalcomponent *c, int cancelled)
{
	icalcomponent	**ovr = NULL;
	size_t		  novr = 0, i;

	drop_hidden_refs(out, r, c);
	ical_ensure_dtstamp(c, 0);	/* 1970: the same bytes every time */
	if (cancelled && icalcomponent_get_status(c) != ICAL_STATUS_CANCELLED)
		icalcomponent_set_status(c, ICAL_STATUS_CANCELLED);
	if (out->o.feed) {
		if (!out->o.alarms)
			drop_alarms(c);
		if (out->o.redact != REDACT_NONE)
			redact(c, out->o.redact);
		plain_rdates(root, c, &ovr, &novr);
		flatten_rrules(out, c);
	}
	append_vevent(r, c);
	for (i = 0; i < novr; i++) {
		append_vevent(r, ovr[i]);
		icalcomponent_free(ovr[i]);
	}
	free(ovr);
}

/* May the audience see a VEVENT of this CLASS (its own, not its master's)? */
static int
shows(const struct ical_out *out, icalcomponent *c)
{
	return out->o.classes == 0 ||
	    (out->o.classes & (1u << ical_class_of(c))) != 0;
}

static int
is_override(icalcomponent *c)
{
	return icalcomponent_get_first_property(c,
	    ICAL_RECURRENCEID_PROPERTY) != NULL;
}

/* Take the occurrence an override replaces out of its master's copy. */
static void
exclude(icalcomponent *master, icalcomponent *c)
{
	icalproperty	*rid, *p;
	icalparameter	*tz;
	struct icaltimetype t;

	rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	t = icalproperty_get_recurrenceid(rid);
	p = icalproperty_new_exdate(t);
	if ((tz = icalproperty_get_first_parameter(rid,
	    ICAL_TZID_PARAMETER)) != NULL && !icaltime_is_utc(t))
		icalproperty_add_parameter(p, icalparameter_new_clone(tz));
	icalcomponent_add_property(master, p);
}

/*
 * A series: the master, then each override the audience may see; one it
 * may not see (its own CLASS decides) is left out, and its occurrence
 * taken out of the master (an EXDATE), so that neither its text nor the
 * master's in its place goes out.  A master the audience may not see
 * takes the whole series with it (feed.c leaves such a record out; this
 * holds even if its stored class were wrong).
 */
static void
add_series(struct ical_out *out, struct ical_rec *r, icalcomponent *root)
{
	icalcomponent	*c, *master = NULL;
	int		 cancelled;

	for (c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL && master == NULL;
	    c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT))
		if (!is_override(c))
			master = c;
	if (master != NULL && !shows(out, master))
		return;
	for (c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL && master != NULL;
	    c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT))
		if (is_override(c) && !shows(out, c))
			exclude(master, c);
	/* A cancelled series takes its overrides with it. */
	c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	cancelled = out->o.feed && c != NULL &&
	    icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED;
	for (; c != NULL; c = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		if (shows(out, c))
			add_vevent(out, r, root, c, cancelled);
}

/* A record's VEVENTs as they go out (a master and its overrides). */
static struct ical_rec *
make_rec(struct ical_out *out, const char *text, char **cause)
{
	icalcomponent	*root;
	struct ical_rec	*r;

	if ((root = icalparser_parse_string(text)) == NULL) {
		*cause = xstrdup("a stored event is not iCalendar data");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->text = xstrdup("");
	if (icalcomponent_isa(root) != ICAL_VEVENT_COMPONENT)
		add_series(out, r, root);
	else if (shows(out, root))
		add_vevent(out, r, root, root, 0);
	icalcomponent_free(root);
	return r;
}

/*
 * One stored record as this export writes it (a feed's classes, hidden
 * references and redaction), as a VCALENDAR of its VEVENTs: what else a
 * feed's audience reads, the briefing page (briefing.c), is built from
 * these, so it shows no more than the feed.  NULL with *cause NULL when
 * none of it goes out.  Not added to the export.
 */
char *
ical_out_record(struct ical_out *out, const char *text, char **cause)
{
	struct ical_rec	*r;
	char		*cal = NULL;

	*cause = NULL;
	if ((r = make_rec(out, text, cause)) == NULL)
		return NULL;
	if (r->len > 0)
		xasprintf(&cal, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
		    "PRODID:" PRODID "\r\n%sEND:VCALENDAR\r\n", r->text);
	rec_free(r);
	return cal;
}

/*
 * Did the last build with this cache take this record?  With the same
 * options, so the same window: a recurring event found here recurs in it.
 */
int
ical_out_known(struct ical_out *out, const char *text)
{
	size_t	len;

	if (out->cache == NULL)
		return 0;
	len = strlen(text);
	out->seen = text;
	out->seen_rec = cache_lookup(out, text, len, hash64(0, text, len));
	return out->seen_rec != NULL;
}

/* Add one stored record (a VEVENT, or a master and its overrides). */
int
ical_out_add(struct ical_out *out, const char *text, char **cause)
{
	struct ical_cache	*c = out->cache;
	struct ical_rec		*r = NULL;
	size_t			 len = strlen(text);
	uint64_t		 hash = 0;

	if (c != NULL && text == out->seen && out->seen_rec != NULL)
		r = out->seen_rec;
	else if (c != NULL) {
		hash = hash64(0, text, len);
		r = cache_lookup(out, text, len, hash);
	}
	out->seen = NULL;
	if (r == NULL) {
		if ((r = make_rec(out, text, cause)) == NULL)
			return -1;
		if (c != NULL) {
			r->src = xmalloc(len + 1);
			memcpy(r->src, text, len + 1);
			r->srclen = len;
			r->hash = hash;
			cache_insert(c, r);
		}
	}
	if (c != NULL)
		r->mark = c->mark;
	for (size_t i = 0; i < r->ntzid; i++)
		note_tzid(&out->tzid, &out->ntzid, r->tzid[i]);
	out->rec = xreallocarray(out->rec, out->nrec + 1, sizeof *out->rec);
	out->rec[out->nrec++] = r;
	out->bytes += r->len;
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
 * in the order they were added, after the calendar's properties and
 * VTIMEZONEs, just as libical would write them inside it; out is freed.
 */
char *
ical_out_finish(struct ical_out *out, size_t *len)
{
	static const char	 end[] = "END:VCALENDAR\r\n";
	icalcomponent		*cal = icalcomponent_new_vcalendar(), *z;
	char			*head, *text, *p;
	size_t			 hlen, elen = sizeof end - 1;

	calendar_props(out, cal);
	if (out->ntzid > 0)
		qsort(out->tzid, out->ntzid, sizeof *out->tzid, by_name);
	for (size_t i = 0; i < out->ntzid; i++)
		if ((z = vtimezone(out->tzid[i])) != NULL)
			icalcomponent_add_component(cal, z);
	head = ical_serialize(cal);
	icalcomponent_free(cal);
	hlen = strlen(head);
	if (hlen < elen || memcmp(head + hlen - elen, end, elen) != 0)
		fatalx("ical_out_finish: no END:VCALENDAR");
	hlen -= elen;
	text = p = xmalloc(hlen + out->bytes + elen + 1);
	memcpy(p, head, hlen);
	p += hlen;
	for (size_t i = 0; i < out->nrec; i++) {
		memcpy(p, out->rec[i]->text, out->rec[i]->len);
		p += out->rec[i]->len;
	}
	memcpy(p, end, elen + 1);
	free(head);
	if (len != NULL)
		*len = hlen + out->bytes + elen;
	if (out->cache != NULL)
		cache_sweep(out->cache);
	ical_out_free(out);
	return text;
}

/*
 * libical 3.0 reads "CATEGORIES:Meeting\, John,Work" as two categories,
 * "Meeting, John" and "Work", but writes the first back without escaping
 * its comma, so the next reader finds three.  ical_serialize() writes such
 * values through placeholders: libical serialises the component, then each
 * line holding a placeholder is unfolded, given the escaped value, and
 * folded again (75 octets, never inside a UTF-8 character).
 */
#define PH_PREFIX	"KCALPLACEHOLDER"

struct placeholders {
	icalproperty	**prop;
	char		**orig;		/* the value, to put back */
	char		**value;	/* escaped, by index */
	size_t		  n;
};

static int
multi_text(icalproperty_kind k)
{
	return k == ICAL_CATEGORIES_PROPERTY || k == ICAL_RESOURCES_PROPERTY;
}

static char *
escape_text(const char *s)
{
	char	*out = xmalloc(strlen(s) * 2 + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			*o++ = '\\';
		if (*s == '\n') {
			*o++ = '\\';
			*o++ = 'n';
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void
hide_values(icalcomponent *c, struct placeholders *ph)
{
	icalproperty	*p;
	icalcomponent	*k;
	const char	*v;
	char		 token[64];

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		if (!multi_text(icalproperty_isa(p)) ||
		    icalproperty_get_value(p) == NULL ||
		    icalvalue_isa(icalproperty_get_value(p)) != ICAL_TEXT_VALUE)
			continue;
		v = icalvalue_get_text(icalproperty_get_value(p));
		if (v == NULL || strpbrk(v, ",;") == NULL)
			continue;
		ph->value = xreallocarray(ph->value, ph->n + 1,
		    sizeof *ph->value);
		ph->orig = xreallocarray(ph->orig, ph->n + 1, sizeof *ph->orig);
		ph->prop = xreallocarray(ph->prop, ph->n + 1, sizeof *ph->prop);
		ph->value[ph->n] = escape_text(v);
		ph->orig[ph->n] = xstrdup(v);
		ph->prop[ph->n] = p;
		snprintf(token, sizeof token, PH_PREFIX "%zuX", ph->n++);
		icalvalue_set_text(icalproperty_get_value(p), token);
	}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		hide_values(k, ph);
}

/*
 * Append line (unfolded, no CRLF) to out, folded at 75 octets.  A fold
 * backs off at most 3 octets so as not to split a UTF-8 character (which
 * has at most 4); so every piece holds at least 71 octets, whatever the
 * bytes, and the buffer below is big enough.
 */
static void
fold_line(char **out, size_t *len, const char *line)
{
	size_t	n = strlen(line), take, room = 75, min;

	*out = xreallocarray(*out, 1, *len + n + 3 * (n / 71 + 2) + 1);
	while (n > 0) {
		take = n < room ? n : room;
		min = take > 3 ? take - 3 : 1;
		while (take < n && take > min &&
		    ((unsigned char)line[take] & 0xc0) == 0x80)
			take--;		/* not inside a UTF-8 character */
		memcpy(*out + *len, line, take);
		*len += take;
		memcpy(*out + *len, "\r\n", 2);
		*len += 2;
		line += take;
		n -= take;
		if (n > 0) {
			(*out)[(*len)++] = ' ';
			room = 74;
		}
	}
}

/* Replace each placeholder in line with its value. */
static char *
fill(const char *line, const struct placeholders *ph)
{
	char		*out = xstrdup(line), *at, *t;
	size_t		 i;

	while ((at = strstr(out, PH_PREFIX)) != NULL) {
		i = strtoul(at + strlen(PH_PREFIX), &t, 10);
		if (i >= ph->n || *t != 'X')
			break;
		*at = '\0';
		xasprintf(&t, "%s%s%s", out, ph->value[i], t + 1);
		free(out);
		out = t;
	}
	return out;
}

/* Copy s, putting the values back into the lines that hold placeholders. */
static char *
restore_values(const char *s, const struct placeholders *ph)
{
	char		*out = NULL, *line;
	size_t		 len = 0, n;
	const char	*end, *next;

	while (*s != '\0') {
		/* One logical line: s up to a CRLF not followed by a space. */
		for (end = s; (next = strstr(end, "\r\n")) != NULL &&
		    next[2] == ' '; end = next + 2)
			;
		next = next ? next + 2 : s + strlen(s);
		n = (size_t)(next - s);
		line = xstrndup(s, n);
		if (strstr(line, PH_PREFIX) == NULL) {
			out = xreallocarray(out, 1, len + n + 1);
			memcpy(out + len, line, n);
			len += n;
		} else {
			char *u = line, *w = line, *f;

			for (; *u != '\0'; u++) {	/* unfold */
				if (u[0] == '\r' && u[1] == '\n') {
					u += u[2] == ' ' ? 2 : 1;
					continue;
				}
				*w++ = *u;
			}
			*w = '\0';
			f = fill(line, ph);
			fold_line(&out, &len, f);
			free(f);
		}
		free(line);
		s = next;
	}
	out = xreallocarray(out, 1, len + 1);
	out[len] = '\0';
	return out;
}

/* c as iCalendar text (CRLF, folded), with list values kept intact. */
char *
ical_serialize(icalcomponent *c)
{
	struct placeholders	 ph = { NULL, NULL, NULL, 0 };
	char			*s, *text;

	hide_values(c, &ph);
	s = icalcomponent_as_ical_string_r(c);
	text = ph.n > 0 ? restore_values(s, &ph) : xstrdup(s);
	icalmemory_free_buffer(s);
	for (size_t i = 0; i < ph.n; i++) {
		icalvalue_set_text(icalproperty_get_value(ph.prop[i]),
		    ph.orig[i]);
		free(ph.orig[i]);
		free(ph.value[i]);
	}
	free(ph.prop);
	free(ph.orig);
	free(ph.value);
	return text;
}
