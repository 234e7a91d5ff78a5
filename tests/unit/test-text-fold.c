/*
 * test-text-fold.c — text compared with case ignored (daemon/text-fold.c):
 * every script that has case, not only ASCII; bytes that are not UTF-8
 * kept; and, over random text (a printed seed), that folding changes no
 * match: any piece of a text, upper- or lower-cased, is found in it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "test.h"
#include "text-fold.h"

static void
folds(const char *in, const char *want)
{
	char	*out = text_fold(in, strlen(in));

	CHECK_STR(out, want);
	free(out);
}

static void
test_cases(void)
{
	folds("Great HALL", "great hall");
	folds("\xc3\x89LYS\xc3\x89" "E", "\xc3\xa9lys\xc3\xa9" "e");	/* É */
	folds("\xd0\x9f\xd0\xa3\xd0\xa2\xd0\x98\xd0\x9d",		/* ПУТИН */
	    "\xd0\xbf\xd1\x83\xd1\x82\xd0\xb8\xd0\xbd");
	folds("\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91",		/* ΑΘΗΝΑ */
	    "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1");
	folds("\xc8\xba", "\xe2\xb1\xa5");	/* U+023A: 2 bytes to 3 */
	/* a final sigma is a sigma: ODOS (capitals) finds Odos */
	folds("\xcf\x82\xce\xa3\xcf\x83", "\xcf\x83\xcf\x83\xcf\x83");
	CHECK(text_holds("\xce\x9f\xce\xb4\xce\xbf\xcf\x82",
	    "\xce\x9f\xce\x94\xce\x9f\xce\xa3"));
	folds("\xf0\x90\x90\x80", "\xf0\x90\x90\xa8");	/* Deseret, 4 bytes */
	folds("\xea\xb9\x80\xec\xa0\x95\xec\x9d\x80 \xe4\xb8\xad",	/* no case */
	    "\xea\xb9\x80\xec\xa0\x95\xec\x9d\x80 \xe4\xb8\xad");
	folds("A\xff\xc3(B\xed\xa0\x80", "a\xff\xc3(b\xed\xa0\x80");	/* bad */
	folds("", "");
	CHECK(text_holds("\xc3\x89lys\xc3\xa9" "e Palace", "\xc3\x89LYS\xc3\x89" "E"));
	CHECK(text_holds("Vladimir \xd0\x9f\xd1\x83\xd1\x82\xd0\xb8\xd0\xbd",
	    "\xd0\xbf\xd1\x83\xd1\x82"));
	CHECK(text_holds("anything", ""));
	CHECK(!text_holds(NULL, "x"));
	CHECK(!text_holds("Seoul", "Busan"));
}

/* kcal_holds as the store's queries call it. */
static void
test_sql(void)
{
	sqlite3		*db;
	sqlite3_stmt	*s;

	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(text_fold_init(db), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT kcal_holds('\xc3\x89lys\xc3\xa9"
	    "e', '\xc3\xa9LYS'), kcal_holds(NULL, 'a'), kcal_holds('a', NULL),"
	    " kcal_holds('abc', 'd')", -1, &s, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(s), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(s, 0), 1);
	CHECK_INT(sqlite3_column_int(s, 1), 0);
	CHECK_INT(sqlite3_column_int(s, 2), 0);
	CHECK_INT(sqlite3_column_int(s, 3), 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Letters of several scripts in both cases, and some without case. */
static const char *const pieces[] = {
	"a", "Z", " ", "-", "\xc3\xa9", "\xc3\x89", "\xc3\x9f", "\xd0\x9f",
	"\xd0\xbf", "\xce\xa3", "\xcf\x83", "\xcf\x82", "\xc4\xb0", "\xc4\xb1",
	"\xea\xb9\x80", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xc8\xba",
	"\xe2\xb1\xa5", "\xff", "\xe1\xba\x9e",
};
#define NPIECES	(sizeof pieces / sizeof *pieces)

/* The pieces from..to of a text made of them (idx), into out. */
static void
join(char *out, const int *idx, int from, int to)
{
	out[0] = '\0';
	for (int k = from; k < to; k++)
		strcat(out, pieces[idx[k]]);
}

static void
test_random(unsigned seed)
{
	char	 text[256], piece[256], *f, *ff;
	int	 idx[16], n, a, b, ok = 1;

	srand(seed);
	for (int round = 0; round < 2000 && ok; round++) {
		n = 1 + rand() % 12;
		for (int k = 0; k < n; k++)
			idx[k] = rand() % (int)NPIECES;
		join(text, idx, 0, n);
		f = text_fold(text, strlen(text));
		ff = text_fold(f, strlen(f));
		if (strcmp(f, ff) != 0)		/* folding twice is once */
			ok = 0;
		/* any run of its characters is found in it, and in its fold */
		a = rand() % (n + 1);
		b = a + rand() % (n - a + 1);
		join(piece, idx, a, b);
		if (!text_holds(text, piece) || !text_holds(f, piece) ||
		    !text_holds(text, f))
			ok = 0;
		free(f);
		free(ff);
	}
	if (!ok)
		fprintf(stderr, "random: seed %u\n", seed);
	CHECK(ok);
}

int
main(int argc, char **argv)
{
	unsigned	seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) :
			    (unsigned)time(NULL);

	printf("seed %u (test-text-fold SEED repeats a run)\n", seed);
	test_cases();
	test_sql();
	test_random(seed);
	TEST_DONE();
}
