/*
 * ical-export.c — stored events out as one VCALENDAR, through libical.
 *
 * A stored record is a VEVENT, or a VCALENDAR holding a recurring master
 * and its RECURRENCE-ID overrides (ical-import-record.c).  Each record's
 * VEVENTs are copied as they are, so whatever was imported goes out again;
 * then one complete VTIMEZONE per TZID used, built by libical from the
 * system zone database, goes in front of them, sorted by TZID.  Text is
 * written by ical_serialize() (ical-serialize.c): CRLF lines folded at 75
 * octets without splitting a UTF-8 character.
 *
 * A feed (opts->feed) is an export for subscribers, who differ from an
 * importer (DESIGN.md, "Feeds"): NAME and REFRESH-INTERVAL with their X-WR
 * and X-PUBLISHED twins (here); redaction, no VALARM unless asked, and no
 * reference to an event it may not see (ical-feed-redact.c); recurrences
 * in forms every client reads (ical-feed-recur.c).  A feed names the
 * classes its audience may see (opts->classes): each VEVENT's own CLASS
 * decides, so an override of a class it may not see is left out
 * (add_series).
 *
 * Nothing here depends on the time of the request: the same records give
 * the same bytes (a missing DTSTAMP is taken from LAST-MODIFIED).
 *
 * Each record is written on its own (libical writes a VCALENDAR as its
 * properties, then each component's text in turn, so the pieces joined
 * are the bytes it would have written).  A feed hands in a cache of what
 * it wrote for each record at its last build (ical-export-cache.c).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-export.h"
#include "ical-export-int.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "hash.h"
#include "log.h"
#include "xmalloc.h"

#define PRODID	"-//kcal//kcal " KCAL_VERSION "//EN"

struct ical_out {
	struct ical_out_opts	  o;
	struct ical_cache	 *cache;
	const char		 *seen;		/* ical_out_known's last text */
	struct ical_rec		 *seen_rec;
	struct ical_rec		**rec;	/* in order; owned unless cached
					   (one cut short is not) */
	size_t			  nrec, bytes;	/* records, their text */
	int			  cut;		/* a record's walk was cut */
	char			**tzid;
	size_t			  ntzid;
};

struct ical_out *
ical_out_new(const struct ical_out_opts *o)
{
	struct ical_out		*out = xcalloc(1, sizeof *out);
	struct ical_cache	*c = o->cache;

	out->o = *o;
	if (out->o.max_rdates == 0)
		out->o.max_rdates = 1000;
	if (c != NULL) {
		ical_cache_begin(c, &out->o);
		out->cache = c;
	}
	return out;
}

void
ical_out_free(struct ical_out *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->nrec; i++)
		if (out->cache == NULL || out->rec[i]->cut)
			ical_rec_free(out->rec[i]);
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

/* Did a record's walk run out of its budget (not cached: ical_out_add)? */
int
ical_out_cut(const struct ical_out *out)
{
	return out->cut;
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

	ical_feed_drop_hidden_refs(&out->o, r, c);
	ical_ensure_dtstamp(c, 0);	/* 1970: the same bytes every time */
	if (cancelled && icalcomponent_get_status(c) != ICAL_STATUS_CANCELLED)
		icalcomponent_set_status(c, ICAL_STATUS_CANCELLED);
	if (out->o.feed) {
		if (!out->o.alarms)
			ical_feed_drop_alarms(c);
		if (out->o.redact != REDACT_NONE)
			ical_feed_redact(c, out->o.redact);
		ical_feed_plain_rdates(root, c, &ovr, &novr);
		r->cut |= ical_feed_flatten(&out->o, c);
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

/* Append t to the string *buf (*len bytes long, *size held). */
static void
buf_text(char **buf, size_t *len, size_t *size, const char *t)
{
	size_t	n = strlen(t);

	if (*len + n + 1 > *size) {
		*size = (*len + n + 1) * 2;
		*buf = xreallocarray(*buf, 1, *size);
	}
	memcpy(*buf + *len, t, n + 1);
	*len += n;
}

static void
buf_vevent(char **buf, size_t *len, size_t *size, icalcomponent *c)
{
	char	*t = ical_serialize(c);

	buf_text(buf, len, size, t);
	free(t);
}

/*
 * In a feed, the overrides that stand for a RANGE=THISANDFUTURE one the
 * audience sees (ical_feed_future), made from the series as it goes out,
 * into root: before add_vevent rewrites its master.  Not for a cancelled
 * series, which clients drop whole.
 */
static void
future_overrides(struct ical_out *out, struct ical_rec *r, icalcomponent *root,
    icalcomponent *master)
{
	static const char	 head[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
				     "PRODID:" PRODID "\r\n";
	icalcomponent		*c;
	char			*buf = NULL;
	size_t			 len = 0, size = 0;
	int			 any = 0;

	for (c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL; c = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		any |= is_override(c) && shows(out, c) &&
		    ical_this_and_future(c);
	if (!any || !out->o.feed ||
	    icalcomponent_get_status(master) == ICAL_STATUS_CANCELLED)
		return;
	size = sizeof head + 4096;
	buf = xmalloc(size);
	memcpy(buf, head, sizeof head);
	len = sizeof head - 1;
	for (c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL; c = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		if (c == master || (is_override(c) && shows(out, c)))
			buf_vevent(&buf, &len, &size, c);
	buf_text(&buf, &len, &size, "END:VCALENDAR\r\n");
	r->cut |= ical_feed_future(&out->o, buf, root);
	free(buf);
}

/*
 * A series: the master, then each override the audience may see; one it
 * may not see (its own CLASS decides) is left out, and its occurrence
 * taken out of the master (an EXDATE; one with RANGE=THISANDFUTURE ends
 * the series before it), so that neither its text nor the master's in its
 * place goes out.  A master the audience may not see
 * takes the whole series with it (feed-select.c leaves such a record out; this
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
		if (is_override(c) && !shows(out, c)) {
			exclude(master, c);
			ical_cut_future(master, c);	/* ical-redact.c */
		}
	if (master != NULL)
		future_overrides(out, r, root, master);
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

	if ((root = ical_parse(text)) == NULL) {
		*cause = xstrdup("a stored event is not iCalendar data");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->text = xstrdup("");
	r->windowed = icalcomponent_isa(root) != ICAL_VEVENT_COMPONENT ||
	    icalcomponent_get_first_property(root, ICAL_RRULE_PROPERTY) ||
	    icalcomponent_get_first_property(root, ICAL_RDATE_PROPERTY);
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
	ical_rec_free(r);
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
	out->seen_rec = ical_cache_lookup(out->cache, &out->o, text, len,
	    hash64(0, text, len));
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
		r = ical_cache_lookup(c, &out->o, text, len, hash);
	}
	out->seen = NULL;
	if (r == NULL) {
		if ((r = make_rec(out, text, cause)) == NULL)
			return -1;
		if (c != NULL && !r->cut) {
			r->src = xmalloc(len + 1);
			memcpy(r->src, text, len + 1);
			r->srclen = len;
			r->hash = hash;
			ical_cache_insert(c, r);
		}
	}
	if (c != NULL)
		r->mark = c->mark;
	out->cut |= r->cut;
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
	icaltimezone	*z = tz_builtin(tzid);
	icalcomponent	*c, *src;
	icalproperty	*p;

	if (z == NULL || (src = icaltimezone_get_component(z)) == NULL)
		return NULL;
	/*
	 * libical's own copy: a built-in zone's component is shared by every
	 * thread, and ical_clone would move its iterators while libical
	 * walks it to compute offsets; a VTIMEZONE has no X- value to lose.
	 */
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
/*
 * A zone's VTIMEZONE as text, written once per process and kept (under a
 * lock: feeds may be built on another thread): the same zone database
 * gives the same text, and writing it was most of the cost of a one-event
 * calendar (a CalDAV GET or ETag).  "" for a zone libical does not know.
 */
static const char *
vtimezone_text(const char *tzid)
{
	static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
	static struct { char *tzid, *text; } *zt;
	static size_t		 nzt;
	icalcomponent		*z;
	const char		*t = NULL;

	pthread_mutex_lock(&mtx);
	for (size_t i = 0; i < nzt && t == NULL; i++)
		if (strcmp(zt[i].tzid, tzid) == 0)
			t = zt[i].text;
	if (t == NULL) {
		zt = xreallocarray(zt, nzt + 1, sizeof *zt);
		zt[nzt].tzid = xstrdup(tzid);
		if ((z = vtimezone(tzid)) != NULL) {
			zt[nzt].text = ical_serialize(z);
			icalcomponent_free(z);
		} else
			zt[nzt].text = xstrdup("");
		t = zt[nzt++].text;
	}
	pthread_mutex_unlock(&mtx);
	return t;
}

/*
 * Does libical write a component's subcomponents in the order they were
 * added?  (3.0 writes the last added first.)  Asked once, so that the
 * zones written from vtimezone_text() come in the order they always came.
 */
static int	added_order;

static void
ask_added_order(void)
{
	icalcomponent	*cal, *a, *b;
	char		*t;

	cal = icalcomponent_new_vcalendar();
	a = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	b = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	icalcomponent_add_property(a, icalproperty_new_tzid("A"));
	icalcomponent_add_property(b, icalproperty_new_tzid("B"));
	icalcomponent_add_component(cal, a);
	icalcomponent_add_component(cal, b);
	t = icalcomponent_as_ical_string_r(cal);
	added_order = strstr(t, "TZID:A") < strstr(t, "TZID:B");
	icalmemory_free_buffer(t);
	icalcomponent_free(cal);
}

static int
in_added_order(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, ask_added_order);
	return added_order;
}

char *
ical_out_finish(struct ical_out *out, size_t *len)
{
	static const char	 end[] = "END:VCALENDAR\r\n";
	icalcomponent		*cal = icalcomponent_new_vcalendar();
	char			*head, *text, *p;
	const char		*zones[out->ntzid > 0 ? out->ntzid : 1];
	size_t			 hlen, zlen = 0, elen = sizeof end - 1;

	calendar_props(out, cal);
	if (out->ntzid > 0)
		qsort(out->tzid, out->ntzid, sizeof *out->tzid, by_name);
	for (size_t i = 0; i < out->ntzid; i++)
		zlen += strlen(zones[i] = vtimezone_text(out->tzid[
		    in_added_order() ? i : out->ntzid - 1 - i]));
	head = ical_serialize(cal);
	icalcomponent_free(cal);
	hlen = strlen(head);
	if (hlen < elen || memcmp(head + hlen - elen, end, elen) != 0)
		fatalx("ical_out_finish: no END:VCALENDAR");
	hlen -= elen;
	text = p = xmalloc(hlen + zlen + out->bytes + elen + 1);
	memcpy(p, head, hlen);
	p += hlen;
	for (size_t i = 0; i < out->ntzid; i++) {
		memcpy(p, zones[i], strlen(zones[i]));
		p += strlen(zones[i]);
	}
	hlen += zlen;
	for (size_t i = 0; i < out->nrec; i++) {
		memcpy(p, out->rec[i]->text, out->rec[i]->len);
		p += out->rec[i]->len;
	}
	memcpy(p, end, elen + 1);
	free(head);
	if (len != NULL)
		*len = hlen + out->bytes + elen;
	if (out->cache != NULL)
		ical_cache_sweep(out->cache);
	ical_out_free(out);
	return text;
}
