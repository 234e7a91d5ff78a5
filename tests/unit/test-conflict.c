/*
 * test-conflict.c — clash detection (daemon/conflict.c) over events built
 * by hand, every time explicit: overlaps per participant (case-blind
 * names, one conflict naming everyone), transfer gaps between cities
 * (travel legs bridge them, unknown cities never clash), children outside
 * their visit's dates, and what never clashes (all-day, visits, cancelled,
 * a visit's own programme); the cities of events (daemon/city.c) and the
 * transfer settings (daemon/travel.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "city.h"
#include "config.h"
#include "conflict.h"
#include "event.h"
#include "test.h"
#include "travel.h"
#include "when.h"
#include "xmalloc.h"

#define H	3600

static int64_t
at(int d, int h, int m)		/* 2026-01-d h:m UTC */
{
	return days_from_civil(2026, 1, d) * 86400 + h * H + m * 60;
}

static char *
dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* An event; who is "Name;Name" (or NULL). */
static void
mk(struct event *ev, const char *uid, int64_t start, int64_t end,
    const char *loc, const char *who)
{
	char	*w, *p, *n;

	event_init(ev);
	ev->uid = xstrdup(uid);
	ev->summary = xstrdup(uid);
	ev->kind = xstrdup("meeting");
	ev->status = xstrdup("confirmed");
	ev->tz = xstrdup("Asia/Shanghai");
	ev->start = start;
	ev->end = end;
	ev->location = dup(loc);
	if (who == NULL)
		return;
	p = w = xstrdup(who);
	while ((n = strsep(&p, ";")) != NULL) {
		ev->parts = xreallocarray(ev->parts, ev->nparts + 1,
		    sizeof *ev->parts);
		memset(&ev->parts[ev->nparts], 0, sizeof *ev->parts);
		ev->parts[ev->nparts++].name = xstrdup(n);
	}
	free(w);
}

static int64_t
transfer(void *arg, const char *a, const char *b)
{
	(void)arg;
	if ((strcasecmp(a, "Beijing") == 0 && strcasecmp(b, "Shanghai") == 0) ||
	    (strcasecmp(a, "Shanghai") == 0 && strcasecmp(b, "Beijing") == 0))
		return 2 * H + 30 * 60;
	return H;
}

static void
find(struct event *e, size_t n, struct event *v, size_t nv,
    struct conflicts *out)
{
	memset(out, 0, sizeof *out);
	conflict_find(e, n, v, nv, transfer, NULL, out);
}

static void
clear(struct event *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		event_clear(&e[i]);
}

static void
test_overlap(void)
{
	struct event	 e[4];
	struct conflicts c;

	mk(&e[0], "summit", at(5, 8, 0), at(5, 9, 30), "Great Hall, Beijing",
	    "Lee;Xi");
	mk(&e[1], "talk", at(5, 9, 0), at(5, 10, 0), "Beijing", "lee;XI");
	mk(&e[2], "after", at(5, 9, 30), at(5, 10, 30), "Beijing", "Lee");
	mk(&e[3], "other", at(5, 8, 30), at(5, 9, 0), "Beijing", "Wi");
	find(e, 4, NULL, 0, &c);
	CHECK_INT(c.n, 2);
	if (c.n == 2) {
		CHECK_INT(c.v[0].type, CONFLICT_OVERLAP);
		CHECK_STR(c.v[0].a->uid, "summit");
		CHECK_STR(c.v[0].b->uid, "talk");
		CHECK_STR(c.v[0].who, "Lee, Xi");	/* one conflict, both */
		CHECK_STR(c.v[1].a->uid, "talk");	/* time order */
		CHECK_STR(c.v[1].b->uid, "after");
		CHECK(conflict_involves(&c.v[1], "after"));
		CHECK(!conflict_involves(&c.v[1], "summit"));
	}
	CHECK_STR(conflict_type_name(CONFLICT_OVERLAP), "overlap");
	conflicts_clear(&c);
	CHECK_INT(c.n, 0);
	clear(e, 4);
}

static void
test_never(void)
{
	struct event	 e[6];
	struct conflicts c;

	mk(&e[0], "visit", at(4, 0, 0), at(8, 0, 0), "Beijing", "Lee");
	free(e[0].kind);
	e[0].kind = xstrdup("state-visit");
	mk(&e[1], "day", at(5, 0, 0), at(6, 0, 0), "Beijing", "Lee");
	e[1].all_day = 1;
	mk(&e[2], "gone", at(5, 8, 0), at(5, 12, 0), "Beijing", "Lee");
	free(e[2].status);
	e[2].status = xstrdup("cancelled");
	mk(&e[3], "block", at(5, 8, 0), at(5, 12, 0), "Beijing", "Lee");
	mk(&e[4], "part", at(5, 9, 0), at(5, 10, 0), "Beijing", "Lee");
	e[4].parent = xstrdup("block");		/* inside its parent */
	mk(&e[5], "nobody", at(5, 9, 0), at(5, 10, 0), "Shanghai", NULL);
	find(e, 6, NULL, 0, &c);
	CHECK_INT(c.n, 0);
	conflicts_clear(&c);
	clear(e, 6);
}

static void
test_transfer(void)
{
	struct event	 e[6];
	struct conflicts c;

	/* Lunch in Beijing ends 05:30 UTC, Shanghai at 06:00: 30m < 2h30m. */
	mk(&e[0], "lunch", at(6, 4, 0), at(6, 5, 30), "Beijing", "Lee");
	mk(&e[1], "dinner", at(6, 6, 0), at(6, 7, 0), "Bund, Shanghai", "Lee");
	find(e, 2, NULL, 0, &c);
	CHECK_INT(c.n, 1);
	if (c.n == 1) {
		CHECK_INT(c.v[0].type, CONFLICT_TRANSFER);
		CHECK_STR(c.v[0].from, "Beijing");
		CHECK_STR(c.v[0].to, "Shanghai");
		CHECK_INT(c.v[0].gap, 30 * 60);
		CHECK_INT(c.v[0].need, 2 * H + 30 * 60);
		CHECK_STR(c.v[0].who, "Lee");
	}
	conflicts_clear(&c);
	/* Enough time: none. */
	e[1].start = at(6, 8, 0);
	e[1].end = at(6, 9, 0);
	find(e, 2, NULL, 0, &c);
	CHECK_INT(c.n, 0);
	conflicts_clear(&c);
	/* A travel leg between them bridges the cities. */
	e[1].start = at(6, 6, 30);
	e[1].end = at(6, 7, 0);
	mk(&e[2], "leg", at(6, 5, 30), at(6, 6, 30), "Beijing -> Shanghai",
	    "Lee");
	find(e, 3, NULL, 0, &c);
	CHECK_INT(c.n, 0);
	conflicts_clear(&c);
	/* An explicit city wins over the location. */
	free(e[2].end_city);
	e[2].end_city = xstrdup("Tianjin");
	find(e, 3, NULL, 0, &c);
	CHECK_INT(c.n, 1);
	if (c.n == 1) {
		CHECK_STR(c.v[0].from, "Tianjin");
		CHECK_INT(c.v[0].need, H);	/* the default */
		CHECK_INT(c.v[0].gap, 0);	/* back to back */
	}
	conflicts_clear(&c);
	/* An unknown city clashes with none; the same city needs nothing. */
	mk(&e[3], "a", at(7, 1, 0), at(7, 2, 0), NULL, "Kim");
	mk(&e[4], "b", at(7, 2, 0), at(7, 3, 0), "Shanghai", "Kim");
	mk(&e[5], "c", at(7, 3, 0), at(7, 4, 0), "shanghai", "Kim");
	find(e + 3, 3, NULL, 0, &c);
	CHECK_INT(c.n, 0);
	conflicts_clear(&c);
	clear(e, 6);
}

/* The gap is measured from the event that ends last, not the last to start. */
static void
test_transfer_after_overlap(void)
{
	struct event	 e[3];
	struct conflicts c;

	mk(&e[0], "long", at(6, 1, 0), at(6, 5, 0), "Beijing", "Lee");
	mk(&e[1], "short", at(6, 2, 0), at(6, 3, 0), "Beijing", "Lee");
	mk(&e[2], "far", at(6, 6, 0), at(6, 7, 0), "Shanghai", "Lee");
	find(e, 3, NULL, 0, &c);
	CHECK_INT(c.n, 2);
	if (c.n == 2) {
		CHECK_INT(c.v[0].type, CONFLICT_OVERLAP);
		CHECK_INT(c.v[1].type, CONFLICT_TRANSFER);
		CHECK_STR(c.v[1].a->uid, "long");
		CHECK_INT(c.v[1].gap, H);
	}
	conflicts_clear(&c);
	clear(e, 3);
}

static void
test_outside(void)
{
	struct event	 v[1], e[4];
	struct conflicts c;

	mk(&v[0], "visit", at(3, 16, 0), at(7, 16, 0), "China", "Lee");
	mk(&e[0], "early", at(3, 10, 0), at(3, 11, 0), "Seoul", NULL);
	mk(&e[1], "in", at(5, 10, 0), at(5, 11, 0), "Beijing", NULL);
	mk(&e[2], "late", at(7, 15, 0), at(7, 17, 0), "Seoul", NULL);
	mk(&e[3], "dropped", at(9, 15, 0), at(9, 17, 0), "Seoul", NULL);
	for (int i = 0; i < 4; i++)
		e[i].parent = xstrdup("visit");
	free(e[3].status);
	e[3].status = xstrdup("cancelled");
	find(e, 4, v, 1, &c);
	CHECK_INT(c.n, 2);
	if (c.n == 2) {
		CHECK_INT(c.v[0].type, CONFLICT_OUTSIDE);
		CHECK_STR(c.v[0].a->uid, "early");
		CHECK_STR(c.v[0].b->uid, "visit");
		CHECK(c.v[0].who == NULL);
		CHECK_STR(c.v[1].a->uid, "late");
		CHECK_STR(conflict_type_name(c.v[1].type), "outside_visit");
	}
	conflicts_clear(&c);
	/* A parent not given is not checked. */
	find(e, 4, NULL, 0, &c);
	CHECK_INT(c.n, 0);
	conflicts_clear(&c);
	clear(e, 4);
	clear(v, 1);
}

static void
test_city(void)
{
	struct event	 ev;
	char		*s;

#define CITY(loc, end, want) do {					\
	s = city_from_location(loc, end);				\
	if ((want) == NULL) CHECK(s == NULL); else CHECK_STR(s, want);	\
	free(s);							\
} while (0)
	CITY("Great Hall of the People, Beijing", 0, "Beijing");
	CITY("Beijing", 0, "Beijing");
	CITY("  Shanghai  ", 1, "Shanghai");
	CITY("Beijing -> Shanghai", 0, "Beijing");
	CITY("Beijing -> Shanghai", 1, "Shanghai");
	CITY("Pudong Airport, Shanghai \xe2\x86\x92 Seoul Air Base, Seoul", 1,
	    "Seoul");
	CITY("a, ", 0, NULL);
	CITY(NULL, 0, NULL);
	mk(&ev, "x", 0, 0, "Seoul Air Base -> Beijing Capital Airport", NULL);
	s = city_of(&ev, 1);
	CHECK_STR(s, "Beijing Capital Airport");
	free(s);
	ev.city = xstrdup("Seoul");
	ev.end_city = xstrdup("Beijing");
	s = city_of(&ev, 0);
	CHECK_STR(s, "Seoul");
	free(s);
	s = city_of(&ev, 1);
	CHECK_STR(s, "Beijing");
	free(s);
	free(ev.end_city);
	ev.end_city = NULL;
	free(ev.location);
	ev.location = xstrdup("Somewhere");
	s = city_of(&ev, 1);	/* not a leg: it ends where it starts */
	CHECK_STR(s, "Seoul");
	free(s);
	event_clear(&ev);
	CHECK(city_same("Beijing", "BEIJING"));
	CHECK(!city_same("Beijing", "Shanghai"));
	CHECK(city_same(NULL, "Shanghai"));
}

static void
test_transfer_config(void)
{
	struct config	*cfg = config_new();
	char		*a, *b, *why = NULL;

	CHECK_INT(transfer_time(cfg, "Beijing", "Shanghai"), TRANSFER_DEFAULT);
	CHECK_INT(transfer_parse_pair("\"Hong Kong\"  Beijing ", &a, &b, &why),
	    0);
	CHECK_STR(a, "Hong Kong");
	CHECK_STR(b, "Beijing");
	free(a);
	free(b);
	CHECK_INT(transfer_parse_pair("Beijing", &a, &b, &why), -1);
	CHECK(why != NULL && strstr(why, "CITY CITY") != NULL);
	free(why);
	why = NULL;
	CHECK_INT(transfer_parse_pair("A B C", &a, &b, &why), -1);
	free(why);
	why = NULL;
	CHECK_INT(config_set(cfg, "transfer Beijing Shanghai", "2h30m", &why),
	    0);
	CHECK_INT(config_set(cfg, "transfer_default", "45m", &why), 0);
	CHECK_INT(config_set(cfg, "transfer \"Hong Kong\" Beijing", "3h", &why),
	    0);
	CHECK_INT(transfer_time(cfg, "shanghai", "BEIJING"), 9000);
	CHECK_INT(transfer_time(cfg, "Beijing", "Hong Kong"), 3 * H);
	CHECK_INT(transfer_time(cfg, "Seoul", "Beijing"), 45 * 60);
	CHECK_INT(transfer_max(cfg), 3 * H);
	CHECK_INT(config_set(cfg, "transfer Shanghai Beijing", "2h", &why), 0);
	CHECK_INT(transfer_time(cfg, "Beijing", "Shanghai"), 2 * H);
	CHECK_INT(config_set(cfg, "transfer_default", "soon", &why), -1);
	CHECK(why != NULL);
	free(why);
	why = NULL;
	CHECK_INT(config_set(cfg, "transfer Beijing", "1h", &why), -1);
	free(why);
	config_free(cfg);
}

/*
 * A crowded hour: n events at once, all with one participant, are n(n-1)/2
 * clashes.  only keeps those of the events marked; max bounds how many
 * are kept at all and says so (this was gigabytes after a write that
 * moved hundreds of followers of one anchor).
 */
static void
test_bounded(void)
{
	enum { N = 120 };
	struct event	*e = xcalloc(N, sizeof *e);
	unsigned char	 only[N];
	struct conflicts c;
	char		 uid[16];
	int		 ok = 1;

	for (int i = 0; i < N; i++) {
		snprintf(uid, sizeof uid, "ev%d", i);
		mk(&e[i], uid, at(5, 9, 0), at(5, 10, 0), "Beijing", "Kim");
	}
	find(e, N, NULL, 0, &c);
	CHECK_INT(c.n, N * (N - 1) / 2);
	CHECK_INT(c.truncated, 0);
	conflicts_clear(&c);

	memset(&c, 0, sizeof c);
	memset(only, 0, sizeof only);
	only[7] = 1;
	c.only = only;
	conflict_find(e, N, NULL, 0, transfer, NULL, &c);
	CHECK_INT(c.n, N - 1);		/* ev7 with each of the others */
	for (size_t i = 0; i < c.n; i++)
		ok &= conflict_involves(&c.v[i], "ev7");
	CHECK(ok);
	CHECK_INT(c.truncated, 0);
	conflicts_clear(&c);

	memset(&c, 0, sizeof c);
	c.max = 50;
	conflict_find(e, N, NULL, 0, transfer, NULL, &c);
	CHECK_INT(c.n, 50);
	CHECK_INT(c.truncated, 1);
	conflicts_clear(&c);
	clear(e, N);
	free(e);
}

int
main(void)
{
	test_overlap();
	test_never();
	test_transfer();
	test_transfer_after_overlap();
	test_outside();
	test_city();
	test_transfer_config();
	test_bounded();
	TEST_DONE();
}
