/* event.c — the event model's vocabulary and its JSON form on the wire. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "city.h"
#include "event.h"
#include "tz.h"
#include "xmalloc.h"

const char *event_kinds[] = {
	"state-visit", "official-visit", "working-visit", "summit",
	"bilateral", "multilateral", "meeting", "ceremony", "signing",
	"banquet", "forum", "press", "travel", "visit", "exercise", "congress",
	"anniversary", "other", NULL
};

static int
in_list(const char *s, const char **list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
event_kind_valid(const char *s)
{
	return in_list(s, event_kinds);
}

int
event_status_valid(const char *s)
{
	static const char *l[] = { "tentative", "confirmed", "cancelled", NULL };
	return in_list(s, l);
}

int
event_class_valid(const char *s)
{
	static const char *l[] = { "public", "private", "confidential", NULL };
	return in_list(s, l);
}

void
event_init(struct event *ev)
{
	memset(ev, 0, sizeof *ev);
}

void
event_clear(struct event *ev)
{
	free(ev->uid); free(ev->summary); free(ev->kind); free(ev->status);
	free(ev->class); free(ev->tz); free(ev->end_tz); free(ev->location);
	free(ev->description); free(ev->url); free(ev->parent); free(ev->rrule);
	free(ev->city); free(ev->end_city); free(ev->anchor);
	for (size_t i = 0; i < ev->nparts; i++) {
		free(ev->parts[i].name);
		free(ev->parts[i].role);
		free(ev->parts[i].country);
	}
	free(ev->parts);
	free(ev->remind);
	free(ev->remind_end);
	free(ev->remind_at);
	event_init(ev);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int64_t *
dup_times(const int64_t *v, size_t n)
{
	int64_t	*c;

	if (n == 0)
		return NULL;
	c = xcalloc(n, sizeof *c);
	memcpy(c, v, n * sizeof *c);
	return c;
}

/* dst (not initialised) becomes a copy of src that owns all it points to. */
void
event_copy(struct event *dst, const struct event *src)
{
	*dst = *src;
	dst->uid = dup_or_null(src->uid); dst->summary = dup_or_null(src->summary);
	dst->kind = dup_or_null(src->kind); dst->status = dup_or_null(src->status);
	dst->class = dup_or_null(src->class); dst->tz = dup_or_null(src->tz);
	dst->end_tz = dup_or_null(src->end_tz);
	dst->location = dup_or_null(src->location);
	dst->description = dup_or_null(src->description);
	dst->url = dup_or_null(src->url); dst->parent = dup_or_null(src->parent);
	dst->rrule = dup_or_null(src->rrule); dst->city = dup_or_null(src->city);
	dst->end_city = dup_or_null(src->end_city);
	dst->anchor = dup_or_null(src->anchor);
	dst->parts = src->nparts ? xcalloc(src->nparts, sizeof *dst->parts) :
	    NULL;
	for (size_t i = 0; i < src->nparts; i++) {
		dst->parts[i] = src->parts[i];
		dst->parts[i].name = dup_or_null(src->parts[i].name);
		dst->parts[i].role = dup_or_null(src->parts[i].role);
		dst->parts[i].country = dup_or_null(src->parts[i].country);
	}
	dst->remind = dup_times(src->remind, src->nremind);
	dst->remind_end = NULL;
	if (src->remind_end != NULL) {
		dst->remind_end = xcalloc(src->nremind + 1, 1);
		memcpy(dst->remind_end, src->remind_end, src->nremind);
	}
	dst->remind_at = dup_times(src->remind_at, src->nremind_at);
}

void
event_change_init(struct event_change *c)
{
	memset(c, 0, sizeof *c);
	c->all_day = -1;
}

/* The change borrows its strings from the request, but owns its arrays. */
void
event_change_clear(struct event_change *c)
{
	free(c->parts);
	free(c->remind);
	free(c->remind_at);
	free(c->owned_parent);
	free(c->owned_anchor);
	free(c->owned_tz);
	event_change_init(c);
}

/* n random bytes from the kernel (getrandom, else /dev/urandom): 0 or -1. */
static int
random_bytes(unsigned char *b, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;
	FILE	*fp;

	while (got < n) {
		r = getrandom(b + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	if ((fp = fopen("/dev/urandom", "re")) == NULL)
		return -1;
	got = fread(b, 1, n, fp);
	fclose(fp);
	return got == n ? 0 : -1;
}

/*
 * A new RFC 5545 UID: 128 random bits as a UUID, @kcal; NULL when the
 * kernel gives no randomness (never a predictable fallback, which would
 * make the same UIDs after every start).
 */
char *
event_new_uid(void)
{
	unsigned char	 b[16];
	char		*s;

	if (random_bytes(b, sizeof b) != 0)
		return NULL;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	xasprintf(&s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x@kcal", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return s;
}

static void
set_time(json_t *o, const char *key, const char *tz, int64_t t, int all_day)
{
	char		buf[64];
	struct when	w;

	if (all_day) {
		tz_local(tz, t, &w);
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", w.year, w.mon, w.day);
	} else
		tz_iso(tz, t, buf, sizeof buf);
	json_object_set_new(o, key, json_string(buf));
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? json_string(v) : json_null());
}

static json_t *
parts_to_json(const struct event *ev)
{
	json_t	*a = json_array();

	for (size_t i = 0; i < ev->nparts; i++) {
		json_t	*p = json_object();
		set_str(p, "name", ev->parts[i].name);
		set_str(p, "role", ev->parts[i].role);
		set_str(p, "country", ev->parts[i].country);
		json_object_set_new(p, "precedence",
		    json_integer(ev->parts[i].precedence));
		json_array_append_new(a, p);
	}
	return a;
}

/* Its cities (explicit or from the location) and its anchor, if any. */
static void
set_cities(json_t *o, const struct event *ev)
{
	char	*c = city_of(ev, 0), *e = city_of(ev, 1);

	set_str(o, "city", c);
	set_str(o, "end_city", e);
	free(c);
	free(e);
	set_str(o, "anchor", ev->anchor);
	json_object_set_new(o, "anchor_offset", ev->anchor ?
	    json_integer(ev->anchor_offset) : json_null());
}

/*
 * The event as the protocol shows it: every field, times both in the
 * event's own zone (start, end) and in the home zone (start_home, end_home),
 * with zone abbreviations, plus UTC instants as integers for scripts.
 */
json_t *
event_to_json(const struct event *ev, const char *home)
{
	json_t		*o = json_object(), *r = json_array();
	const char	*etz = ev->end_tz ? ev->end_tz : ev->tz;
	char		 ab[16];
	char		 iso[64];

	set_str(o, "uid", ev->uid);
	set_str(o, "summary", ev->summary);
	set_str(o, "kind", ev->kind);
	set_str(o, "status", ev->status);
	set_str(o, "class", ev->class);
	json_object_set_new(o, "all_day", json_boolean(ev->all_day));
	set_str(o, "tz", ev->tz);
	set_str(o, "end_tz", ev->end_tz);
	set_time(o, "start", ev->tz, ev->start, ev->all_day);
	set_time(o, "end", etz, ev->end, ev->all_day);
	tz_abbr(ev->tz, ev->start, ab, sizeof ab);
	set_str(o, "start_abbr", ab);
	tz_abbr(etz, ev->end, ab, sizeof ab);
	set_str(o, "end_abbr", ab);
	set_str(o, "home_tz", home);
	set_time(o, "start_home", home, ev->start, ev->all_day);
	set_time(o, "end_home", home, ev->end, ev->all_day);
	tz_abbr(home, ev->start, ab, sizeof ab);
	set_str(o, "home_abbr", ab);
	json_object_set_new(o, "start_utc", json_integer(ev->start));
	json_object_set_new(o, "end_utc", json_integer(ev->end));
	set_str(o, "location", ev->location);
	set_str(o, "description", ev->description);
	set_str(o, "url", ev->url);
	set_str(o, "parent", ev->parent);
	set_str(o, "rrule", ev->rrule);
	json_object_set_new(o, "participants", parts_to_json(ev));
	set_cities(o, ev);
	for (size_t i = 0; i < ev->nremind; i++)
		json_array_append_new(r, json_integer(ev->remind[i]));
	json_object_set_new(o, "remind", r);
	r = json_array();
	for (size_t i = 0; i < ev->nremind_at; i++) {
		tz_iso(home, ev->remind_at[i], iso, sizeof iso);
		json_array_append_new(r, json_string(iso));
	}
	json_object_set_new(o, "remind_at", r);
	json_object_set_new(o, "sequence", json_integer(ev->sequence));
	/* 0: not known (an imported event without CREATED/LAST-MODIFIED). */
	tz_iso("UTC", ev->created, iso, sizeof iso);
	set_str(o, "created", ev->created != 0 ? iso : NULL);
	tz_iso("UTC", ev->last_modified, iso, sizeof iso);
	set_str(o, "last_modified", ev->last_modified != 0 ? iso : NULL);
	return o;
}
