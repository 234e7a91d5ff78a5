/*
 * test-remind-held.c — the keys of reminders delivered while the store
 * could not record them (daemon/remind-held.c): what each was delivered
 * as (kept to be recorded so), the oldest forgotten past REMIND_HELD_MAX,
 * an event's keys forgotten together, and the keys of events gone pruned
 * (with many keys of one event and of several, so that the swap of the
 * last key into a freed place is walked too), on random sets with a
 * printed seed against a plain list.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "remind-held.h"
#include "test.h"

static struct remind_held_fact
fact(int64_t at, int64_t late, int64_t seq)
{
	struct remind_held_fact	f = { at, late, seq, 0 };

	return f;
}

static void
test_facts(void)
{
	struct remind_held		*h = remind_held_create();
	struct remind_held_fact		 f = fact(1000, 5, 42);
	const struct remind_held_fact	*g;

	remind_held_add(h, "a@x", 0, 900, &f);
	f = fact(2000, 0, 43);
	remind_held_add(h, "a@x", 3600, 1900, &f);
	f = fact(9999, 9, 99);
	remind_held_add(h, "a@x", 3600, 1900, &f);	/* again: the first kept */
	CHECK_INT(remind_held_count(h), 2);
	g = remind_held_get(h, "a@x", 0, 900);
	CHECK(g != NULL && g->fired_at == 1000 && g->late == 5 &&
	    g->seq == 42);
	g = remind_held_get(h, "a@x", 3600, 1900);
	CHECK(g != NULL && g->fired_at == 2000 && g->seq == 43);
	CHECK(remind_held_get(h, "a@x", 0, 901) == NULL);
	CHECK(remind_held_get(h, "b@x", 0, 900) == NULL);
	CHECK(remind_held_has(h, "a@x", 0, 900));
	remind_held_forget(h, "a@x");
	CHECK_INT(remind_held_count(h), 0);
	remind_held_free(h);
}

static void
test_max(void)
{
	struct remind_held	*h = remind_held_create();
	struct remind_held_fact	 f;
	char			 uid[32];

	for (int i = 0; i < REMIND_HELD_MAX + 3; i++) {
		snprintf(uid, sizeof uid, "e%d", i);
		f = fact(i, 0, i + 1);
		remind_held_add(h, uid, 0, i, &f);
	}
	CHECK_INT(remind_held_count(h), REMIND_HELD_MAX);
	CHECK(!remind_held_has(h, "e0", 0, 0));	/* the oldest went */
	CHECK(!remind_held_has(h, "e2", 0, 2));
	CHECK(remind_held_has(h, "e3", 0, 3));
	snprintf(uid, sizeof uid, "e%d", REMIND_HELD_MAX + 2);
	CHECK(remind_held_get(h, uid, 0, REMIND_HELD_MAX + 2) != NULL &&
	    remind_held_get(h, uid, 0, REMIND_HELD_MAX + 2)->seq ==
	    REMIND_HELD_MAX + 3);
	remind_held_free(h);
}

/* The events "gone": a uid whose number is in the set. */
struct gone_set {
	unsigned char	gone[64];
	int		calls;
};

static int
is_gone(void *arg, const char *uid)
{
	struct gone_set	*g = arg;

	g->calls++;
	return g->gone[atoi(uid + 1) % 64];
}

static void
test_prune(unsigned seed)
{
	struct remind_held	*h;
	struct remind_held_fact	 f;
	struct gone_set		 g;
	const struct remind_held_fact *p;
	int			 present[64][8], ok = 1, want = 0, keep;
	char			 uid[16];

	srand(seed);
	for (int round = 0; round < 200; round++) {
		h = remind_held_create();
		memset(present, 0, sizeof present);
		memset(&g, 0, sizeof g);
		for (int k = rand() % 300; k > 0; k--) {
			int	e = rand() % 64, d = rand() % 8;

			snprintf(uid, sizeof uid, "e%d", e);
			f = fact(d, 0, e * 8 + d);
			remind_held_add(h, uid, 0, d, &f);
			present[e][d] = 1;
		}
		for (int e = 0; e < 64; e++)
			g.gone[e] = rand() % 3 == 0;
		remind_held_prune(h, is_gone, &g);
		want = 0;
		for (int e = 0; e < 64; e++)
			for (int d = 0; d < 8; d++) {
				snprintf(uid, sizeof uid, "e%d", e);
				keep = present[e][d] && !g.gone[e];
				p = remind_held_get(h, uid, 0, d);
				want += keep;
				if ((p != NULL) != keep ||
				    (p != NULL && p->seq != e * 8 + d))
					ok = 0;
			}
		if (remind_held_count(h) != (size_t)want)
			ok = 0;
		remind_held_free(h);
	}
	if (!ok)
		fprintf(stderr, "prune: seed %u\n", seed);
	CHECK(ok);
}

int
main(int argc, char **argv)
{
	unsigned	seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) :
			    (unsigned)time(NULL);

	printf("seed %u (test-remind-held SEED repeats a run)\n", seed);
	test_facts();
	test_max();
	test_prune(seed);
	TEST_DONE();
}
