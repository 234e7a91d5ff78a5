/*
 * test-store.c — the SQLite store (daemon/store.c) on ":memory:": put, get,
 * resolving UID prefixes, delete, window and filter queries, recurring
 * rows, counts, transactions; the expansion of recurring rows from the
 * occurrences index against their text; and, on a temporary file, reopening and the
 * refusal of a store written by a newer kcald.  Events are made with
 * ical_apply() so rows hold real VEVENT text; every time is explicit.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "ical.h"
#include "occur.h"
#include "recur.h"
#include "store.h"
#include "store-occur.h"
#include "test.h"
#include "when.h"

/* From store-int.h, without pulling sqlite3.h into a test. */
int	store_exec(struct store *, const char *, char **);
void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define NOW	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */

struct spec {
	const char	*uid, *summary, *start, *end, *tz, *kind, *status;
	const char	*location, *description, *parent, *rrule;
	const char	*who[3];
};

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* Make an event from sp with ical_apply() and store it. */
static int
put(struct store *st, const struct spec *sp)
{
	struct event_change	 ch;
	struct participant	 parts[3];
	struct event		 ev;
	char			*text = NULL, *cause = NULL;
	int			 rc;

	event_change_init(&ch);
	ch.summary = sp->summary;
	ch.tz = sp->tz ? sp->tz : "Asia/Shanghai";
	ch.kind = sp->kind ? sp->kind : "meeting";
	ch.status = sp->status;
	ch.location = sp->location;
	ch.description = sp->description;
	ch.parent = sp->parent;
	ch.rrule = sp->rrule;
	if (when_parse_abs(sp->start, &ch.start) != 0 ||
	    (sp->end != NULL && when_parse_abs(sp->end, &ch.end) != 0)) {
		fprintf(stderr, "bad time in spec %s\n", sp->uid);
		return -1;
	}
	memset(parts, 0, sizeof parts);
	for (size_t i = 0; i < 3 && sp->who[i] != NULL; i++) {
		parts[i].name = (char *)sp->who[i];
		ch.nparts++;
	}
	ch.parts = ch.nparts ? parts : NULL;
	ch.set_parts = ch.nparts > 0;
	if (ical_apply(NULL, &ch, sp->uid, NOW, HOME, &text, &ev,
	    &cause) != 0) {
		fprintf(stderr, "ical_apply %s: %s\n", sp->uid, cause);
		free(cause);
		return -1;
	}
	rc = occur_put(st, &ev, text, &cause);
	if (rc != 0) {
		fprintf(stderr, "store_put %s: %s\n", sp->uid, cause);
		free(cause);
	}
	event_clear(&ev);
	free(text);
	return rc;
}

static const struct spec events[] = {
	{ "visit-0001@kcal", "State visit to China", "2026-01-04",
	  "2026-01-08", NULL, "state-visit", NULL, "Beijing and Shanghai",
	  NULL, NULL, NULL, { NULL } },
	{ "forum-0002@kcal", "Korea-China Business Forum", "2026-01-05T09:00",
	  "2026-01-05T10:30", NULL, "forum", NULL, "Beijing",
	  "Economy and industry", "visit-0001@kcal", NULL,
	  { "Lee Jae-myung", "Li Qiang", NULL } },
	{ "summit-0003@kcal", "Summit", "2026-01-05T16:00",
	  "2026-01-05T18:00", NULL, "summit", NULL,
	  "Great Hall of the People", NULL, "visit-0001@kcal", NULL,
	  { "Lee Jae-myung", "Xi Jinping", NULL } },
	{ "dinner-0004@kcal", "State dinner", "2026-01-05T19:00",
	  "2026-01-05T21:00", NULL, "banquet", "tentative",
	  "Great Hall of the People", NULL, "visit-0001@kcal", NULL,
	  { "Xi Jinping", NULL } },
	{ "lunch-0005@kcal", "Luncheon with Premier Li", "2026-01-06T12:00",
	  "2026-01-06T13:30", NULL, "meeting", "cancelled", "Beijing",
	  NULL, "visit-0001@kcal", NULL, { "Li Qiang", NULL } },
	{ "flight-0006@kcal", "Flight to Shanghai", "2026-01-06T15:00",
	  "2026-01-06T17:00", NULL, "travel", NULL, NULL, NULL,
	  "visit-0001@kcal", NULL, { NULL } },
	/* Yearly, from long before the window. */
	{ "kimgu-0007@kcal", "Kim Gu's birthday", "2020-08-29", NULL,
	  "Asia/Seoul", "anniversary", NULL, NULL, NULL, NULL, "FREQ=YEARLY",
	  { NULL } },
	/* Zero-length, at midnight Seoul on 7 January. */
	{ "mark-0008@kcal", "Deadline", "2026-01-07T00:00",
	  "2026-01-07T00:00", "Asia/Seoul", "other", NULL, NULL, NULL,
	  NULL, NULL, { NULL } },
};
#define NEVENTS (sizeof events / sizeof *events)

static void
test_put_get(struct store *st)
{
	char	*text = NULL, *cause = NULL;

	for (size_t i = 0; i < NEVENTS; i++)
		CHECK_INT(put(st, &events[i]), 0);
	CHECK_INT(store_get(st, "summit-0003@kcal", &text, &cause), 0);
	CHECK(text != NULL && strstr(text, "UID:summit-0003@kcal") != NULL);
	CHECK(text != NULL && strstr(text, "SUMMARY:Summit") != NULL);
	free(text);
	text = NULL;
	CHECK_INT(store_get(st, "nope@kcal", &text, &cause), STORE_NOT_FOUND);
	CHECK(text == NULL && cause == NULL);
	CHECK_INT(store_get(st, "summit", &text, &cause), STORE_NOT_FOUND);
	CHECK_STR(store_path(st), ":memory:");
}

static void
check_resolve(struct store *st, const char *prefix, int want_rc,
    const char *want_uid)
{
	char	*uid = NULL, *cause = NULL;
	int	 rc = store_resolve(st, prefix, &uid, &cause);

	if (rc != want_rc)
		fprintf(stderr, "resolve \"%s\": %d\n", prefix, rc);
	CHECK_INT(rc, want_rc);
	if (want_uid != NULL)
		CHECK_STR(uid, want_uid);
	else if (rc != 0)
		CHECK(uid == NULL);
	free(uid);
	free(cause);
}

static void
test_resolve(struct store *st)
{
	static const struct spec more[] = {
		{ .uid = "abcdef01-x@kcal", .summary = "A",
		  .start = "2026-02-01T10:00" },
		{ .uid = "abcdef02-y@kcal", .summary = "B",
		  .start = "2026-02-01T11:00" },
		{ .uid = "abc", .summary = "C",
		  .start = "2026-02-01T12:00" },
		{ .uid = "abcz", .summary = "D",
		  .start = "2026-02-01T13:00" },
		{ .uid = "x%_y", .summary = "E",
		  .start = "2026-02-01T14:00" },
		{ .uid = "한국-1@kcal", .summary = "F",
		  .start = "2026-02-01T15:00" },
	};

	for (size_t i = 0; i < sizeof more / sizeof *more; i++)
		CHECK_INT(put(st, &more[i]), 0);
	check_resolve(st, "summit-0003@kcal", 0, "summit-0003@kcal");
	check_resolve(st, "summit", 0, "summit-0003@kcal");
	check_resolve(st, "s", 0, "summit-0003@kcal");
	check_resolve(st, "abcdef01", 0, "abcdef01-x@kcal");
	check_resolve(st, "abcdef02-y@kcal", 0, "abcdef02-y@kcal");
	/* Two UIDs share the prefix. */
	check_resolve(st, "abcdef", STORE_AMBIGUOUS, NULL);
	check_resolve(st, "abcdef0", STORE_AMBIGUOUS, NULL);
	/* An exact match wins over longer UIDs it prefixes. */
	check_resolve(st, "abc", 0, "abc");
	check_resolve(st, "ab", STORE_AMBIGUOUS, NULL);
	check_resolve(st, "abcz", 0, "abcz");
	/* LIKE's wildcards are plain characters here. */
	check_resolve(st, "x%", 0, "x%_y");
	check_resolve(st, "x_", STORE_NOT_FOUND, NULL);
	check_resolve(st, "한국", 0, "한국-1@kcal");
	check_resolve(st, "\xed", 0, "한국-1@kcal");
	check_resolve(st, "zzz", STORE_NOT_FOUND, NULL);
	check_resolve(st, "", STORE_NOT_FOUND, NULL);
	check_resolve(st, "SUMMIT", STORE_NOT_FOUND, NULL);
	for (size_t i = 0; i < sizeof more / sizeof *more; i++)
		CHECK_INT(store_delete(st, more[i].uid, NULL), 0);
}

struct collect {
	char	 uids[32][64];
	int	 recurring[32];
	size_t	 n, stop_after;
};

static int
collect_cb(void *arg, const struct event *ev, const char *ical)
{
	struct collect	*c = arg;

	if (c->n < 32) {
		snprintf(c->uids[c->n], sizeof c->uids[c->n], "%s", ev->uid);
		c->recurring[c->n] = ical != NULL;
		c->n++;
	}
	return c->stop_after != 0 && c->n >= c->stop_after;
}

/* Run q and compare the UIDs (in order) with want, space-separated. */
static void
check_query(struct store *st, const struct store_query *q, const char *want,
    int line)
{
	struct collect	 c;
	char		 got[1024] = "", *cause = NULL;

	memset(&c, 0, sizeof c);
	CHECK_INT(store_query(st, q, collect_cb, &c, &cause), 0);
	free(cause);
	for (size_t i = 0; i < c.n; i++) {
		if (i > 0)
			strcat(got, " ");
		strcat(got, c.uids[i]);
	}
	if (strcmp(got, want) != 0)
		fprintf(stderr, "query at line %d:\n  got  %s\n  want %s\n",
		    line, got, want);
	CHECK_STR(got, want);
}
#define QUERY(q, want) check_query(st, q, want, __LINE__)

static void
query_init(struct store_query *q, int64_t from, int64_t to)
{
	memset(q, 0, sizeof *q);
	q->from = from;
	q->to = to;
}

static void
test_window(struct store *st)
{
	struct store_query	q;

	/* Everything not cancelled, in start order. */
	query_init(&q, INT64_MIN, INT64_MAX);
	QUERY(&q, "kimgu-0007@kcal visit-0001@kcal forum-0002@kcal "
	    "summit-0003@kcal dinner-0004@kcal flight-0006@kcal "
	    "mark-0008@kcal");
	/* 5 January in Shanghai: the visit (it spans the day), the forum,
	 * summit and dinner; not the yearly row, which does not recur in
	 * the window (its occurrences are indexed: store-occur.c). */
	query_init(&q, utc(2026, 1, 4, 16, 0), utc(2026, 1, 5, 16, 0));
	QUERY(&q, "visit-0001@kcal forum-0002@kcal "
	    "summit-0003@kcal dinner-0004@kcal");
	/* Half-open: an event ending exactly at from or starting exactly
	 * at to is outside; one that ends just after from is inside. */
	query_init(&q, utc(2026, 1, 5, 2, 30), utc(2026, 1, 5, 8, 0));
	QUERY(&q, "visit-0001@kcal");
	query_init(&q, utc(2026, 1, 5, 2, 29), utc(2026, 1, 5, 8, 1));
	QUERY(&q, "visit-0001@kcal forum-0002@kcal "
	    "summit-0003@kcal");
	/* A long event that began well before the window still overlaps. */
	query_init(&q, utc(2026, 1, 7, 3, 0), utc(2026, 1, 7, 4, 0));
	QUERY(&q, "visit-0001@kcal");
	/* After everything: nothing in March; the recurring row in the
	 * window of its next occurrence (29 August, Seoul), ten years on,
	 * and far beyond the indexed occurrences (expanded when read). */
	query_init(&q, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
	QUERY(&q, "");
	query_init(&q, utc(2026, 8, 28, 15, 0), utc(2026, 8, 28, 16, 0));
	QUERY(&q, "kimgu-0007@kcal");
	query_init(&q, utc(2026, 8, 28, 14, 0), utc(2026, 8, 28, 15, 0));
	QUERY(&q, "");
	query_init(&q, utc(2036, 8, 28, 0, 0), utc(2036, 8, 30, 0, 0));
	QUERY(&q, "kimgu-0007@kcal");
	query_init(&q, utc(2200, 1, 1, 0, 0), utc(2200, 2, 1, 0, 0));
	QUERY(&q, "kimgu-0007@kcal");
	/* Before the recurring event began: nothing. */
	query_init(&q, utc(2019, 1, 1, 0, 0), utc(2019, 2, 1, 0, 0));
	QUERY(&q, "");
	/* A zero-length event at the start of the window is in it (as a
	 * zero-length occurrence of a recurring event is). */
	query_init(&q, utc(2026, 1, 6, 15, 0), utc(2026, 1, 6, 16, 0));
	QUERY(&q, "visit-0001@kcal mark-0008@kcal");
	query_init(&q, utc(2026, 1, 6, 14, 0), utc(2026, 1, 6, 15, 0));
	QUERY(&q, "visit-0001@kcal");
}

/*
 * Recurring rows expanded by occur_expand (from the occurrences index) and
 * by recur_each (from their text) give the same occurrences.
 */
static const char *const series[] = {
	/* Weekly in New York across the March change, one week excluded. */
	"BEGIN:VEVENT\r\nUID:weekly-ny@kcal\r\nDTSTAMP:20260101T000000Z\r\n"
	"DTSTART;TZID=America/New_York:20260105T090000\r\n"
	"DTEND;TZID=America/New_York:20260105T103000\r\n"
	"RRULE:FREQ=WEEKLY;COUNT=30\r\n"
	"EXDATE;TZID=America/New_York:20260309T090000\r\n"
	"SUMMARY:Weekly\r\nEND:VEVENT\r\n",
	/* All-day, yearly, on 29 February. */
	"BEGIN:VEVENT\r\nUID:leap@kcal\r\nDTSTAMP:20260101T000000Z\r\n"
	"DTSTART;VALUE=DATE:20240229\r\nDTEND;VALUE=DATE:20240301\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1\r\n"
	"SUMMARY:Month's end\r\nEND:VEVENT\r\n",
	/* Daily in London until the end of the October change, plus a date. */
	"BEGIN:VEVENT\r\nUID:daily-ldn@kcal\r\nDTSTAMP:20260101T000000Z\r\n"
	"DTSTART;TZID=Europe/London:20261020T013000\r\n"
	"DTEND;TZID=Europe/London:20261020T020000\r\n"
	"RRULE:FREQ=DAILY;UNTIL=20261105T000000Z\r\n"
	"RDATE;TZID=Europe/London:20261201T120000\r\n"
	"SUMMARY:Daily\r\nEND:VEVENT\r\n",
	/* With an override that moves one occurrence: read from its text. */
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal//test//EN\r\n"
	"BEGIN:VEVENT\r\nUID:moved@kcal\r\nDTSTAMP:20260101T000000Z\r\n"
	"DTSTART;TZID=Asia/Seoul:20260601T100000\r\n"
	"DTEND;TZID=Asia/Seoul:20260601T110000\r\n"
	"RRULE:FREQ=DAILY;COUNT=10\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n"
	"BEGIN:VEVENT\r\nUID:moved@kcal\r\nDTSTAMP:20260101T000000Z\r\n"
	"RECURRENCE-ID;TZID=Asia/Seoul:20260603T100000\r\n"
	"DTSTART;TZID=Asia/Seoul:20260603T150000\r\n"
	"DTEND;TZID=Asia/Seoul:20260603T160000\r\n"
	"SUMMARY:Moved later\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
};
#define NSERIES (sizeof series / sizeof *series)

struct occs {
	char	text[4096];
	size_t	n;
};

static int
occs_cb(void *arg, const struct recur_occ *oc)
{
	struct occs	*o = arg;
	size_t		 len = strlen(o->text);

	snprintf(o->text + len, sizeof o->text - len, "%lld-%lld@%lld%s ",
	    (long long)oc->start, (long long)oc->end, (long long)oc->rid,
	    oc->overridden ? "*" : "");
	o->n++;
	return 0;
}

/* Both ways over [from, to), at most max; 1 when they agree. */
static int
same_occs(struct store *st, const struct event *ev, const char *text,
    int64_t from, int64_t to, size_t max, size_t *n)
{
	struct occs	 a, b;
	struct recur	*rc;
	char		*why = NULL;
	int		 ra, rb;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	recur_budget_begin();	/* each comparison a request of its own */
	ra = occur_expand(st, ev, text, HOME, from, to, max, occs_cb, &a, &why);
	free(why);
	why = NULL;
	if ((rc = recur_open(text, HOME, &why)) == NULL)
		rb = -1;
	else {
		rb = recur_each(rc, from, to, max, occs_cb, &b, &why);
		recur_close(rc);
	}
	free(why);
	*n += a.n;
	if (ra == rb && strcmp(a.text, b.text) == 0)
		return 1;
	fprintf(stderr, "%s [%lld, %lld) max %zu:\n  index %d %s\n  text  "
	    "%d %s\n", ev->uid, (long long)from, (long long)to, max, ra,
	    a.text, rb, b.text);
	return 0;
}

static void
test_expand(void)
{
	struct store	*st = store_open(":memory:", NULL);
	struct event	 ev[NSERIES];
	struct occs	 o;
	size_t		 i, n = 0, bad = 0;
	int64_t		 t;
	char		*why = NULL;

	CHECK(st != NULL);
	if (st == NULL)
		return;
	for (i = 0; i < NSERIES; i++) {
		CHECK_INT(ical_extract(series[i], HOME, &ev[i], &why), 0);
		CHECK_INT(occur_put(st, &ev[i], series[i], &why), 0);
	}
	/* Every series, windows of a day, a week and a month over 2024-27. */
	for (i = 0; i < NSERIES; i++)
		for (t = utc(2024, 1, 1, 0, 0); t < utc(2028, 1, 1, 0, 0);
		    t += 86400) {
			bad += !same_occs(st, &ev[i], series[i], t, t + 86400,
			    100, &n);
			if (t % (7 * 86400) == 0)
				bad += !same_occs(st, &ev[i], series[i], t,
				    t + 31 * 86400, 100, &n);
		}
	/* A cap cuts both short the same way. */
	for (i = 0; i < NSERIES; i++)
		bad += !same_occs(st, &ev[i], series[i], utc(2024, 1, 1, 0, 0),
		    utc(2028, 1, 1, 0, 0), 3, &n);
	fprintf(stderr, "expand: %zu occurrences compared\n", n);
	CHECK_INT((int)bad, 0);
	CHECK(n > 250);		/* the windows did find occurrences */
	/* The index really is read: an occurrence changed there shows. */
	CHECK_INT(store_exec(st, "UPDATE occurrences SET end_utc = end_utc + 60 "
	    "WHERE event_uid = 'weekly-ny@kcal'", NULL), 0);
	memset(&o, 0, sizeof o);
	CHECK_INT(occur_expand(st, &ev[0], series[0], HOME,
	    utc(2026, 1, 5, 0, 0), utc(2026, 1, 6, 0, 0), 100, occs_cb, &o,
	    &why), 0);
	CHECK_STR(o.text, "1767621600-1767627060@1767621600 ");
	for (i = 0; i < NSERIES; i++)
		event_clear(&ev[i]);
	store_close(st);
}

static void
test_filters(struct store *st)
{
	struct store_query	q;
	struct collect		c;
	char			*cause = NULL;

	query_init(&q, INT64_MIN, INT64_MAX);
	q.kind = "summit";
	QUERY(&q, "summit-0003@kcal");
	q.kind = "press";
	QUERY(&q, "");
	query_init(&q, INT64_MIN, INT64_MAX);
	q.status = "tentative";
	QUERY(&q, "dinner-0004@kcal");
	/* Cancelled events: hidden, unless asked for. */
	q.status = "cancelled";
	QUERY(&q, "lunch-0005@kcal");
	query_init(&q, utc(2026, 1, 6, 0, 0), utc(2026, 1, 7, 0, 0));
	QUERY(&q, "visit-0001@kcal flight-0006@kcal "
	    "mark-0008@kcal");
	q.include_cancelled = 1;
	QUERY(&q, "visit-0001@kcal lunch-0005@kcal "
	    "flight-0006@kcal mark-0008@kcal");
	/* Participants: a case-insensitive substring of a name. */
	query_init(&q, INT64_MIN, INT64_MAX);
	q.participant = "xi jin";
	QUERY(&q, "summit-0003@kcal dinner-0004@kcal");
	q.participant = "Li Qiang";
	QUERY(&q, "forum-0002@kcal");
	q.include_cancelled = 1;
	QUERY(&q, "forum-0002@kcal lunch-0005@kcal");
	q.participant = "Nobody";
	QUERY(&q, "");
	/* Sharing a participant (whole names, ASCII case ignored), or the
	 * event named (the conflict check of an add). */
	query_init(&q, INT64_MIN, INT64_MAX);
	q.shares = "[\"XI JINPING\", \"Nobody\"]";
	QUERY(&q, "summit-0003@kcal dinner-0004@kcal");
	q.shares = "[\"xi jin\"]";
	QUERY(&q, "");
	q.shares_or_uid = "flight-0006@kcal";
	QUERY(&q, "flight-0006@kcal");
	q.shares = "[]";
	QUERY(&q, "flight-0006@kcal");
	q.shares = "[\"Li Qiang\", \"Lee Jae-myung\"]";
	QUERY(&q, "forum-0002@kcal summit-0003@kcal flight-0006@kcal");
	/* Search: summary, location or description, any case. */
	query_init(&q, INT64_MIN, INT64_MAX);
	q.search = "great hall";
	QUERY(&q, "summit-0003@kcal dinner-0004@kcal");
	q.search = "INDUSTRY";
	QUERY(&q, "forum-0002@kcal");
	q.search = "state";
	QUERY(&q, "visit-0001@kcal dinner-0004@kcal");
	/* The programme of a visit. */
	query_init(&q, INT64_MIN, INT64_MAX);
	q.parent = "visit-0001@kcal";
	QUERY(&q, "forum-0002@kcal summit-0003@kcal dinner-0004@kcal "
	    "flight-0006@kcal");
	q.parent = "visit-0001";	/* an exact UID, not a prefix */
	QUERY(&q, "");
	/* Filters combine. */
	query_init(&q, utc(2026, 1, 5, 0, 0), utc(2026, 1, 6, 0, 0));
	q.parent = "visit-0001@kcal";
	q.participant = "lee";
	q.kind = "summit";
	QUERY(&q, "summit-0003@kcal");

	/* Recurring rows carry their VEVENT; single rows do not. */
	memset(&c, 0, sizeof c);
	query_init(&q, INT64_MIN, INT64_MAX);
	CHECK_INT(store_query(st, &q, collect_cb, &c, &cause), 0);
	CHECK(c.n > 2 && strcmp(c.uids[0], "kimgu-0007@kcal") == 0);
	CHECK(c.recurring[0] == 1 && c.recurring[1] == 0);
	/* The callback stops the walk. */
	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	CHECK_INT(store_query(st, &q, collect_cb, &c, &cause), 0);
	CHECK_INT(c.n, 2);
}

/* What the store keeps matches what ical_extract derives. */
static void
test_row_fields(struct store *st)
{
	struct store_query	 q;
	struct collect		 c;
	struct event		 ev;
	char			*text = NULL, *cause = NULL;

	CHECK_INT(store_get(st, "summit-0003@kcal", &text, &cause), 0);
	CHECK_INT(ical_extract(text, HOME, &ev, &cause), 0);
	CHECK_STR(ev.summary, "Summit");
	CHECK_STR(ev.kind, "summit");
	CHECK_STR(ev.tz, "Asia/Shanghai");
	CHECK_STR(ev.parent, "visit-0001@kcal");
	CHECK_INT(ev.start, utc(2026, 1, 5, 8, 0));
	CHECK_INT(ev.end, utc(2026, 1, 5, 10, 0));
	CHECK_INT(ev.nparts, 2);
	event_clear(&ev);
	free(text);
	memset(&c, 0, sizeof c);
	query_init(&q, INT64_MIN, INT64_MAX);
	q.kind = "summit";
	CHECK_INT(store_query(st, &q, collect_cb, &c, &cause), 0);
	CHECK_INT(c.n, 1);
}

static void
check_count(struct store *st, const char *what, int64_t want)
{
	int64_t	n = -1;

	CHECK_INT(store_count(st, what, &n), 0);
	CHECK_INT(n, want);
}

static void
test_counts_delete(struct store *st)
{
	char	*text = NULL, *cause = NULL;

	check_count(st, "events", NEVENTS);
	check_count(st, "cancelled", 1);
	check_count(st, "participants", 3);	/* Lee, Li, Xi */
	CHECK_INT(store_delete(st, "dinner-0004@kcal", &cause), 0);
	CHECK_INT(store_get(st, "dinner-0004@kcal", &text, &cause),
	    STORE_NOT_FOUND);
	check_count(st, "events", NEVENTS - 1);
	CHECK_INT(store_delete(st, "summit-0003@kcal", &cause), 0);
	check_count(st, "participants", 2);	/* Xi's rows went with them */
	/* Deleting what is not there is not an error. */
	CHECK_INT(store_delete(st, "summit-0003@kcal", &cause), 0);
	CHECK(cause == NULL);
}

/*
 * The participants count is kept across writes that bring no new name
 * (store_count): it must still follow one that brings a name (its case is
 * part of it), one that drops a name, and a delete.
 */
static void
test_count_names(void)
{
	static const struct spec a = { .uid = "n-a", .summary = "A",
	    .start = "2026-03-01T10:00", .who = { "Lee", "Li" } };
	static const struct spec b = { .uid = "n-b", .summary = "B",
	    .start = "2026-03-01T11:00", .who = { "Lee" } };
	static const struct spec c = { .uid = "n-c", .summary = "C",
	    .start = "2026-03-01T12:00", .who = { "lee" } };
	static const struct spec c2 = { .uid = "n-c", .summary = "C",
	    .start = "2026-03-01T12:00", .who = { "Li" } };
	struct store	*st = store_open(":memory:", NULL);
	char		*cause = NULL;

	CHECK_INT(put(st, &a), 0);
	check_count(st, "participants", 2);
	CHECK_INT(put(st, &b), 0);
	check_count(st, "participants", 2);
	check_count(st, "events", 2);
	CHECK_INT(put(st, &c), 0);
	check_count(st, "participants", 3);	/* "lee" is another name */
	CHECK_INT(put(st, &c2), 0);
	check_count(st, "participants", 2);	/* and gone again */
	CHECK_INT(store_delete(st, "n-a", &cause), 0);
	check_count(st, "participants", 2);	/* Lee (B), Li (C) */
	CHECK_INT(store_delete(st, "n-b", &cause), 0);
	check_count(st, "participants", 1);
	store_close(st);
}

/* Several writes in one transaction; a rollback keeps none of them. */
static void
test_transactions(struct store *st)
{
	static const struct spec a = {
	    .uid = "tx-a", .summary = "A", .start = "2026-03-01T10:00" };
	static const struct spec b = {
	    .uid = "tx-b", .summary = "B", .start = "2026-03-01T11:00" };
	char	*text = NULL, *cause = NULL;

	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(put(st, &a), 0);
	CHECK_INT(put(st, &b), 0);
	store_rollback(st);
	CHECK_INT(store_get(st, "tx-a", &text, &cause), STORE_NOT_FOUND);
	CHECK_INT(store_get(st, "tx-b", &text, &cause), STORE_NOT_FOUND);
	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(put(st, &a), 0);
	CHECK_INT(put(st, &b), 0);
	CHECK_INT(store_commit(st, &cause), 0);
	CHECK_INT(store_get(st, "tx-b", &text, &cause), 0);
	free(text);
	/* A put replaces the row with the same UID. */
	CHECK_INT(put(st, &a), 0);
	check_count(st, "events", NEVENTS - 2 + 2);
}

/*
 * Nested transactions are savepoints: an inner rollback undoes only the
 * inner work, and the caller's commit keeps the rest.  A commit with no
 * transaction open fails instead of pretending to have written.
 */
static void
test_savepoints(void)
{
	static const struct spec a = {
	    .uid = "sp-a", .summary = "A", .start = "2026-03-01T10:00" };
	static const struct spec b = {
	    .uid = "sp-b", .summary = "B", .start = "2026-03-01T11:00" };
	struct store	*st = store_open(":memory:", NULL);
	char		*text = NULL, *cause = NULL;

	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(put(st, &a), 0);
	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(put(st, &b), 0);
	store_rollback(st);			/* the inner level only */
	CHECK_INT(store_commit(st, &cause), 0);
	CHECK(cause == NULL);
	CHECK_INT(store_get(st, "sp-a", &text, &cause), 0);
	free(text);
	text = NULL;
	CHECK_INT(store_get(st, "sp-b", &text, &cause), STORE_NOT_FOUND);
	/* Inner commit, outer rollback: nothing. */
	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(put(st, &b), 0);
	CHECK_INT(store_commit(st, &cause), 0);
	store_rollback(st);
	CHECK_INT(store_get(st, "sp-b", &text, &cause), STORE_NOT_FOUND);
	/* No transaction: a commit is an error, not a success. */
	CHECK_INT(store_commit(st, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "rolled back") != NULL);
	free(cause);
	cause = NULL;
	/* The whole transaction rolled back under a caller: its commit fails. */
	CHECK_INT(store_begin(st, &cause), 0);
	CHECK_INT(put(st, &b), 0);
	CHECK_INT(store_exec(st, "ROLLBACK", NULL), 0);
	CHECK_INT(store_commit(st, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(store_get(st, "sp-b", &text, &cause), STORE_NOT_FOUND);
	store_close(st);
}

/* A read that fails part-way is an error, not an event without its people. */
static int
count_cb(void *arg, const struct event *ev, const char *ical)
{
	(void)ev; (void)ical;
	(*(int *)arg)++;
	return 0;
}

/*
 * A count the store cannot give is an error, never zeros (status reports
 * them): with the kept tally gone, and without a tally when a table is.
 */
static void
test_count_errors(void)
{
	static const struct spec a = {
	    .uid = "ce-a", .summary = "A", .start = "2026-03-01T10:00",
	    .who = { "Kim" } };
	struct store	*st = store_open(":memory:", NULL);
	int64_t		 n[3] = { -7, -7, -7 };

	CHECK_INT(put(st, &a), 0);
	store_count_track(st);
	CHECK_INT(store_counts(st, n), 0);
	CHECK(n[0] == 1 && n[1] == 0 && n[2] == 1);
	CHECK_INT(store_exec(st, "DROP TABLE temp.kcal_counts", NULL), 0);
	CHECK_INT(store_counts(st, n), -1);
	store_close(st);

	st = store_open(":memory:", NULL);
	CHECK_INT(put(st, &a), 0);
	CHECK_INT(store_exec(st, "DROP TABLE participants", NULL), 0);
	CHECK_INT(store_counts(st, n), -1);
	store_close(st);
}

static void
test_read_errors(void)
{
	static const struct spec a = {
	    .uid = "rd-a", .summary = "A", .start = "2026-03-01T10:00",
	    .who = { "Kim", "Li" } };
	struct store		*st = store_open(":memory:", NULL);
	struct store_query	 q;
	char			*cause = NULL;
	int			 n = 0;

	CHECK_INT(put(st, &a), 0);
	CHECK_INT(store_exec(st, "DROP TABLE participants", NULL), 0);
	query_init(&q, INT64_MIN, INT64_MAX);
	CHECK_INT(store_query(st, &q, count_cb, &n, &cause), -1);
	CHECK_INT(n, 0);
	CHECK(cause != NULL);
	free(cause);
	store_close(st);
}

static void
test_file(void)
{
	static const struct spec a = {
	    .uid = "file-a", .summary = "Kept", .start = "2026-03-01T10:00" };
	char		 dir[] = "/tmp/kcal-store-XXXXXX", path[64], junk[64];
	char		*text = NULL, *cause = NULL;
	struct store	*st;
	FILE		*fp;

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/kcal.db", dir);
	snprintf(junk, sizeof junk, "%s/junk.db", dir);
	/* Written, closed, reopened: still there. */
	st = store_open(path, &cause);
	CHECK(st != NULL);
	if (st == NULL)
		goto out;
	CHECK_INT(put(st, &a), 0);
	store_close(st);
	st = store_open(path, &cause);
	CHECK(st != NULL && store_get(st, "file-a", &text, &cause) == 0);
	free(text);
	/* A store from a newer kcald is refused, and left alone. */
	CHECK_INT(store_exec(st, "PRAGMA user_version = 99", &cause), 0);
	store_close(st);
	st = store_open(path, &cause);
	CHECK(st == NULL);
	CHECK(cause != NULL && strstr(cause, "newer") != NULL &&
	    strstr(cause, "99") != NULL && strstr(cause, path) != NULL);
	free(cause);
	cause = NULL;
	store_close(st);
	/* Not a database at all. */
	if ((fp = fopen(junk, "w")) != NULL) {
		for (int i = 0; i < 200; i++)
			fputs("this is not an SQLite database\n", fp);
		fclose(fp);
	}
	st = store_open(junk, &cause);
	CHECK(st == NULL && cause != NULL);
	free(cause);
	cause = NULL;
	store_close(st);
	/* A directory that does not exist. */
	st = store_open("/nonexistent/dir/kcal.db", &cause);
	CHECK(st == NULL && cause != NULL);
	free(cause);
	/* A NULL cause: the message is dropped, nothing written through it. */
	CHECK(store_open("/nonexistent/dir/kcal.db", NULL) == NULL);
	CHECK(store_open(junk, NULL) == NULL);
out:
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int
main(void)
{
	struct store	*st;
	char		*cause = NULL;

	st = store_open(":memory:", &cause);
	if (st == NULL) {
		fprintf(stderr, "store_open: %s\n", cause);
		return 1;
	}
	test_put_get(st);
	test_resolve(st);
	test_window(st);
	test_filters(st);
	test_row_fields(st);
	test_counts_delete(st);
	test_transactions(st);
	store_close(st);
	test_savepoints();
	test_count_names();
	test_read_errors();
	test_count_errors();
	test_file();
	test_expand();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
