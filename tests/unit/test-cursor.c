/*
 * test-cursor.c — a paged list's cursor (daemon/cursor.c): what is
 * encoded decodes to the same key, the order is the list's, and anything
 * that is not a cursor this daemon wrote is refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "test.h"

static void
roundtrip(int64_t start, const char *uid, const char *rid)
{
	struct cursor	 c;
	char		*s = cursor_encode(start, uid, rid);

	CHECK(s != NULL);
	CHECK_INT(cursor_decode(s, &c), 0);
	CHECK_INT(c.start, start);
	CHECK_STR(c.uid, uid);
	CHECK_STR(c.rid, rid ? rid : "");
	CHECK_INT(cursor_cmp(&c, start, uid, rid), 0);
	cursor_clear(&c);
	free(s);
}

static void
refused(const char *s)
{
	struct cursor	c;

	CHECK_INT(cursor_decode(s, &c), -1);
	CHECK(c.uid == NULL && c.rid == NULL);
}

int
main(void)
{
	struct cursor	 c;
	char		*s, *big;

	roundtrip(0, "a@kcal", NULL);
	roundtrip(1767600000, "x\ny:z@kcal", "2026-01-05T09:00:00Z");
	roundtrip(INT64_MIN, "u", "");
	roundtrip(INT64_MAX, "\xc3\xa9t\xc3\xa9@kcal", "2026-01-05T09:00:00Z");
	refused("");
	refused("c1.");
	refused("c2.30");
	refused("c1.3");			/* odd length */
	refused("c1.zz0a0a75");			/* not hex */
	refused("c1.300a0a");			/* no UID */
	refused("c1.300a75");			/* one separator */
	refused("c1.0a0a75");			/* no start */
	refused("c1.31780a0a75");		/* "1x" */
	refused("c1.3100300a0a75");		/* a NUL */
	refused("c1.39393939393939393939393939393939393939390a0a75");
	s = cursor_encode(5, "u@kcal", "yesterday");	/* no RECURRENCE-ID */
	refused(s);
	free(s);
	s = cursor_encode(5, "u@kcal", "2026-01-05T09:00:00");	/* not UTC */
	refused(s);
	free(s);
	big = malloc(8000);
	memcpy(big, "c1.", 3);
	memset(big + 3, '4', 7990);
	big[7993] = '\0';
	refused(big);
	free(big);

	s = cursor_encode(100, "m@kcal", "");
	CHECK(cursor_decode(s, &c) == 0);
	CHECK(cursor_cmp(&c, 99, "z", "") > 0);
	CHECK(cursor_cmp(&c, 101, "a", "") < 0);
	CHECK(cursor_cmp(&c, 100, "a@kcal", "") > 0);
	CHECK(cursor_cmp(&c, 100, "n@kcal", "") < 0);
	CHECK(cursor_cmp(&c, 100, "m@kcal", "2026-01-05T09:00:00Z") < 0);
	CHECK(cursor_cmp(&c, 100, "m@kcal", NULL) == 0);
	cursor_clear(&c);
	free(s);
	TEST_DONE();
}
