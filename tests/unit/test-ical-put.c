/*
 * test-ical-put.c — the SEQUENCE of a series written whole over the stored
 * one (ical-put.c, a CalDAV PUT): each VEVENT sent is matched with the
 * stored one of its occurrence (by RECURRENCE-ID and its TZID), whatever
 * their order, among thousands; one whose DTSTART changed without a higher
 * SEQUENCE gets one more, one unchanged keeps its own, one lower is raised
 * to the stored one's, and a new override is taken as it comes.  (The
 * stored VEVENTs are found through a sorted index: they were compared each
 * with every one sent, seconds of the loop for 5,000 overrides.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ical.h"
#include "test.h"
#include "xmalloc.h"

void	icaltimezone_free_builtin_timezones(void);

#define N	3000

struct buf {
	char	*s;
	size_t	 len, cap;
};

static void
add(struct buf *b, const char *fmt, int a, int c)
{
	char	line[256];
	int	n = snprintf(line, sizeof line, fmt, a, c);

	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = xreallocarray(b->s, 1, b->cap);
	}
	memcpy(b->s + b->len, line, (size_t)n + 1);
	b->len += (size_t)n;
}

/* Day i of the series (0 .. N + 99) as YYYYMMDD, in 2027 and on. */
static int
day(int i)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y = 2027, m = 0;

	while (i >= mdays[m] + (m == 1 && y % 4 == 0)) {
		i -= mdays[m] + (m == 1 && y % 4 == 0);
		if (++m == 12) {
			m = 0;
			y++;
		}
	}
	return y * 10000 + (m + 1) * 100 + i + 1;
}

/*
 * A series of N overrides, each at SEQUENCE 2; sent: in reverse order,
 * override i moved when i % 3 == 0 (same SEQUENCE), at SEQUENCE 1 when
 * i % 3 == 1, unchanged else; and one new override more.
 */
static char *
series(int sent)
{
	struct buf	b = { NULL, 0, 0 };

	add(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
	    "BEGIN:VEVENT\r\nUID:s@t\r\nDTSTAMP:20260101T000000Z\r\n"
	    "SEQUENCE:2\r\nDTSTART:%dT090000Z\r\nDURATION:PT1H\r\n"
	    "RRULE:FREQ=DAILY\r\nSUMMARY:Daily\r\nEND:VEVENT\r\n", day(0), 0);
	for (int k = 0; k < N + (sent ? 1 : 0); k++) {
		int	i = sent ? N - k : k, seq = 2, h = 10;

		if (sent && i < N && i % 3 == 0)
			h = 11;
		if (sent && i < N && i % 3 == 1)
			seq = 1;
		add(&b, "BEGIN:VEVENT\r\nUID:s@t\r\nDTSTAMP:20260101T000000Z\r\n"
		    "RECURRENCE-ID:%dT090000Z\r\nSEQUENCE:%d\r\n", day(i), seq);
		add(&b, "DTSTART:%dT%02d0000Z\r\nDURATION:PT1H\r\n", day(i), h);
		add(&b, "SUMMARY:Moved %d\r\nEND:VEVENT\r\n", i, 0);
	}
	add(&b, "END:VCALENDAR\r\n", 0, 0);
	return b.s;
}

/* The SEQUENCE of override i (by its DTSTART's day) in text t. */
static int
seq_of(const char *t, int i)
{
	char		 want[64];
	const char	*p, *q;

	snprintf(want, sizeof want, "RECURRENCE-ID:%dT090000Z", day(i));
	if ((p = strstr(t, want)) == NULL)
		return -1;
	if ((q = strstr(p, "SEQUENCE:")) == NULL)
		return -1;
	return atoi(q + 9);
}

int
main(void)
{
	char	*stored = series(0), *sent = series(1), *out = NULL,
		*why = NULL;
	int	 moved = 1, lower = 1, kept = 1;

	CHECK_INT(ical_put_sequence(stored, sent, &out, &why), 0);
	CHECK(out != NULL);
	if (out != NULL) {
		for (int i = 0; i < N; i++) {
			int	s = seq_of(out, i);

			if (i % 3 == 0 && s != 3)
				moved = 0;
			if (i % 3 == 1 && s != 2)
				lower = 0;
			if (i % 3 == 2 && s != 2)
				kept = 0;
		}
		CHECK(moved);	/* DTSTART changed: one more */
		CHECK(lower);	/* lower than stored: the stored one's */
		CHECK(kept);	/* unchanged: its own */
		CHECK_INT(seq_of(out, N), 2);	/* new: as sent */
	}
	free(out);
	free(why);
	out = NULL;
	CHECK_INT(ical_put_sequence(stored, stored, &out, &why), 0);
	CHECK(out == NULL);	/* the same text: stored as it is */
	free(out);
	free(stored);
	free(sent);
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
