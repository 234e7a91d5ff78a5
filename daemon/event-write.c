/*
 * event-write.c — an event's JSON written straight as text: the bytes
 * jansson writes (compact) for event_to_json's object, without building
 * the object.  A list page is its events' JSON (list-items.c), and the
 * objects, their thirty members each, then their encoding, were most of a
 * page's time.
 *
 * The rules that make the text jansson's: members in event_to_json's
 * order; strings escaped as jansson does (backslash, quote, the control
 * characters; \b \f \n \r \t by name, the others as \u00XX in capitals;
 * nothing else, UTF-8 left as it is); integers as %lld.  A string that is
 * not valid UTF-8 by jansson's rules (json_string refuses it, and the
 * member is then missing) makes the whole event go through event_to_json
 * instead: event_write_json returns -1 and writes nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "city.h"
#include "event-write.h"
#include "tz.h"

struct w {
	struct jbuf	*b;
	int		 bad;		/* a string jansson would refuse */
};

/* The length of the UTF-8 sequence at s that jansson accepts, or 0. */
static size_t
utf8_ok(const unsigned char *s)
{
	size_t		n, i;
	uint32_t	v;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] <= 0xdf ? 2 : s[0] <= 0xef ? 3 : 4;
	v = s[0] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
	    (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		return 0;
	return n;
}

static void
put_str(struct w *w, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str, *run;
	char			 esc[8];
	size_t			 n;

	jbuf_add(w->b, "\"", 1);
	for (run = s; *s != '\0'; ) {
		if (*s >= 0x80) {
			if ((n = utf8_ok(s)) == 0) {
				w->bad = 1;
				return;
			}
			s += n;
			continue;
		}
		if (*s >= 0x20 && *s != '"' && *s != '\\') {
			s++;
			continue;
		}
		jbuf_add(w->b, (const char *)run, (size_t)(s - run));
		switch (*s) {
		case '"':	jbuf_add(w->b, "\\\"", 2); break;
		case '\\':	jbuf_add(w->b, "\\\\", 2); break;
		case '\b':	jbuf_add(w->b, "\\b", 2); break;
		case '\f':	jbuf_add(w->b, "\\f", 2); break;
		case '\n':	jbuf_add(w->b, "\\n", 2); break;
		case '\r':	jbuf_add(w->b, "\\r", 2); break;
		case '\t':	jbuf_add(w->b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", *s);
			jbuf_add(w->b, esc, 6);
		}
		run = ++s;
	}
	jbuf_add(w->b, (const char *)run, (size_t)(s - run));
	jbuf_add(w->b, "\"", 1);
}

/* ,"key": -- every member but the first. */
static void
key(struct w *w, const char *k)
{
	jbuf_add(w->b, ",\"", 2);
	jbuf_str(w->b, k);
	jbuf_add(w->b, "\":", 2);
}

static void
str(struct w *w, const char *k, const char *v)
{
	key(w, k);
	if (v == NULL)
		jbuf_add(w->b, "null", 4);
	else
		put_str(w, v);
}

static void
num(struct w *w, const char *k, int64_t v)
{
	char	buf[32];

	if (k != NULL)
		key(w, k);
	jbuf_add(w->b, buf, (size_t)snprintf(buf, sizeof buf, "%lld",
	    (long long)v));
}

/* As event.c's set_time. */
static void
when(struct w *w, const char *k, const char *tz, int64_t t, int all_day)
{
	char		buf[64];
	struct when	wh;

	if (all_day) {
		tz_local(tz, t, &wh);
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", wh.year, wh.mon,
		    wh.day);
	} else
		tz_iso(tz, t, buf, sizeof buf);
	str(w, k, buf);
}

static void
parts(struct w *w, const struct event *ev)
{
	key(w, "participants");
	jbuf_add(w->b, "[", 1);
	for (size_t i = 0; i < ev->nparts; i++) {
		jbuf_add(w->b, i > 0 ? ",{\"name\":" : "{\"name\":", i > 0 ?
		    9 : 8);
		if (ev->parts[i].name == NULL)
			jbuf_add(w->b, "null", 4);
		else
			put_str(w, ev->parts[i].name);
		str(w, "role", ev->parts[i].role);
		str(w, "country", ev->parts[i].country);
		num(w, "precedence", ev->parts[i].precedence);
		jbuf_add(w->b, "}", 1);
	}
	jbuf_add(w->b, "]", 1);
}

/* The cities, anchor, reminders and stamps: event_to_json's tail. */
static void
tail(struct w *w, const struct event *ev, const char *home)
{
	char	*c = city_of(ev, 0), *e = city_of(ev, 1), iso[64];

	str(w, "city", c);
	str(w, "end_city", e);
	free(c);
	free(e);
	str(w, "anchor", ev->anchor);
	if (ev->anchor != NULL)
		num(w, "anchor_offset", ev->anchor_offset);
	else
		str(w, "anchor_offset", NULL);
	key(w, "remind");
	jbuf_add(w->b, "[", 1);
	for (size_t i = 0; i < ev->nremind; i++) {
		if (i > 0)
			jbuf_add(w->b, ",", 1);
		num(w, NULL, ev->remind[i]);
	}
	jbuf_add(w->b, "]", 1);
	key(w, "remind_at");
	jbuf_add(w->b, "[", 1);
	for (size_t i = 0; i < ev->nremind_at; i++) {
		if (i > 0)
			jbuf_add(w->b, ",", 1);
		tz_iso(home, ev->remind_at[i], iso, sizeof iso);
		put_str(w, iso);
	}
	jbuf_add(w->b, "]", 1);
	num(w, "sequence", ev->sequence);
	tz_iso("UTC", ev->created, iso, sizeof iso);
	str(w, "created", ev->created != 0 ? iso : NULL);
	tz_iso("UTC", ev->last_modified, iso, sizeof iso);
	str(w, "last_modified", ev->last_modified != 0 ? iso : NULL);
}

/*
 * ev as event_to_json(ev, home) encoded compact, with "recurrence_id"
 * last when rid is not NULL, onto b: 0, or -1 (b as it was) when a string
 * is not one jansson takes.
 */
int
event_write_json(struct jbuf *b, const struct event *ev, const char *home,
    const char *rid)
{
	struct w	 w = { b, 0 };
	const char	*etz = ev->end_tz ? ev->end_tz : ev->tz;
	size_t		 at = b->len;
	char		 ab[16];

	jbuf_add(b, "{\"uid\":", 7);
	if (ev->uid == NULL)
		jbuf_add(b, "null", 4);
	else
		put_str(&w, ev->uid);
	str(&w, "summary", ev->summary);
	str(&w, "kind", ev->kind);
	str(&w, "status", ev->status);
	str(&w, "class", ev->class);
	key(&w, "all_day");
	jbuf_str(b, ev->all_day ? "true" : "false");
	str(&w, "tz", ev->tz);
	str(&w, "end_tz", ev->end_tz);
	when(&w, "start", ev->tz, ev->start, ev->all_day);
	when(&w, "end", etz, ev->end, ev->all_day);
	tz_abbr(ev->tz, ev->start, ab, sizeof ab);
	str(&w, "start_abbr", ab);
	tz_abbr(etz, ev->end, ab, sizeof ab);
	str(&w, "end_abbr", ab);
	str(&w, "home_tz", home);
	when(&w, "start_home", home, ev->start, ev->all_day);
	when(&w, "end_home", home, ev->end, ev->all_day);
	tz_abbr(home, ev->start, ab, sizeof ab);
	str(&w, "home_abbr", ab);
	num(&w, "start_utc", ev->start);
	num(&w, "end_utc", ev->end);
	str(&w, "location", ev->location);
	str(&w, "description", ev->description);
	str(&w, "url", ev->url);
	str(&w, "parent", ev->parent);
	str(&w, "rrule", ev->rrule);
	parts(&w, ev);
	tail(&w, ev, home);
	if (rid != NULL)
		str(&w, "recurrence_id", rid);
	jbuf_add(b, "}", 1);
	if (w.bad) {
		b->len = at;
		if (b->p != NULL)
			b->p[at] = '\0';
		return -1;
	}
	return 0;
}
