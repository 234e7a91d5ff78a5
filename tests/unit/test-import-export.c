/*
 * test-import-export.c — the pure parts of import, export and the feeds:
 * ical_import_parse() (errors naming the line, repairs, grouping of
 * overrides, TZIDs), ical_same_record(), ical-export's VCALENDAR (zones,
 * redaction, alarms), the --http setting (http_parse, http_base_url),
 * feed URLs and tokens.  No daemon, no store.  (Spans: test-when.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "http-addr.h"
#include "ical-export.h"
#include "ical-import.h"
#include "recur.h"
#include "recur-int.h"
#include "test.h"

void	icaltimezone_free_builtin_timezones(void);

/* kcald.c's, which a unit test does not link; feed-body.c pulls in server.c. */
struct server;
void	server_reload(struct server *);
void
server_reload(struct server *s)
{
	(void)s;
}

#define HOME	"Asia/Seoul"

static int
parse(const char *text, struct ical_import *imp, char **cause)
{
	struct ical_import_opts	o;

	memset(&o, 0, sizeof o);
	o.name = "t.ics";
	o.home = HOME;
	o.float_tz = HOME;
	o.now = 1767225600;	/* 2026-01-01 */
	*cause = NULL;
	return ical_import_parse(text, strlen(text), &o, imp, cause);
}

/*
 * A daily series from 2026-01-05 09:00Z, 20 of them, moved an hour from
 * the 10th on (RANGE=THISANDFUTURE): a feed copies the override to each.
 */
static const char fut[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    "PRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:fut@t\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\n"
    "DURATION:PT1H\r\nSUMMARY:Daily\r\nRRULE:FREQ=DAILY;COUNT=20\r\n"
    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:fut@t\r\n"
    "DTSTAMP:20260101T000000Z\r\n"
    "RECURRENCE-ID;RANGE=THISANDFUTURE:20260110T090000Z\r\n"
    "DTSTART:20260110T100000Z\r\nDURATION:PT1H\r\n"
    "SUMMARY:Daily, later\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/* A feed's options: its window, its cache (or NULL). */
static void
feed_opts(struct ical_out_opts *o, int64_t from, int64_t to,
    struct ical_cache *cache)
{
	memset(o, 0, sizeof *o);
	o->home = HOME;
	o->feed = 1;
	o->from = from;
	o->to = to;
	o->cache = cache;
}

/* The error for text, which must start with want. */
static void
refused(const char *text, const char *want)
{
	struct ical_import	 imp;
	char			*cause;

	CHECK_INT(parse(text, &imp, &cause), -1);
	if (cause == NULL || strncmp(cause, want, strlen(want)) != 0)
		fprintf(stderr, "want \"%s...\", got \"%s\"\n", want,
		    cause ? cause : "(null)");
	CHECK(cause != NULL && strncmp(cause, want, strlen(want)) == 0);
	CHECK_INT(imp.nrecs, 0);
	free(cause);
}

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" \
	body "END:VCALENDAR\r\n"

static void
test_refusals(void)
{
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
	    "t.ics:4: the event has no DTSTART");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260230T100000Z\r\n"
	    "END:VEVENT\r\n"), "t.ics:6: DTSTART: \"20260230T100000Z\" is not");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n"
	    "DTSTAMP:1997\r\nEND:VEVENT\r\n"), "t.ics:7: ");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;;X=1:20260101T100000Z\r\n"
	    "END:VEVENT\r\n"), "t.ics:6: an empty parameter");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTAR:20260101T100000Z\r\n"
	    "END:VEVENT\r\n"), "t.ics:6: unknown property DTSTAR");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n"
	    "END:VTODO\r\n"), "t.ics:7: END:VTODO, but the open component is "
	    "VEVENT (BEGIN at line 4)");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n"
	    "DTSTART:20260101T110000Z\r\nEND:VEVENT\r\n"),
	    "t.ics:7: DTSTART appears twice");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n"
	    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\n"
	    "DTSTART:20260102T100000Z\r\nEND:VEVENT\r\n"),
	    "t.ics:8: UID a is used by two events");
	refused(CAL("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Nowhere:"
	    "20260101T100000\r\nEND:VEVENT\r\n"),
	    "t.ics:6: unknown time zone \"Nowhere\"");
	refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "t.ics:");
	refused("", "t.ics:1: no iCalendar data");
}

static void
test_repairs(void)
{
	static const char text[] = "\xef\xbb\xbf" CAL(
	    "BEGIN:VEVENT\r\nDTSTART:20260105T100000\r\nSUMMARY:no uid,\r\n"
	    "\t folded with a tab\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:s@t\r\nDTSTART;TZID=China Standard Time:"
	    "20260105T190000\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:s@t\r\nRECURRENCE-ID;TZID=China Standard Time:"
	    "20260106T190000\r\nDTSTART;TZID=China Standard Time:"
	    "20260106T200000\r\nEND:VEVENT\r\n");
	struct ical_import	 a, b;
	char			*cause;

	CHECK_INT(parse(text, &a, &cause), 0);
	CHECK_INT(a.nrecs, 2);
	CHECK(a.nwarnings >= 4);
	/* Sorted by UID: the derived one first ("0..9a..f" < "s"). */
	CHECK(strstr(a.recs[0].ev.uid, "@kcal-import") != NULL);
	CHECK_STR(a.recs[0].ev.tz, HOME);	/* floating: home */
	CHECK_STR(a.recs[0].ev.summary, "no uid, folded with a tab");
	CHECK(strstr(a.recs[0].text, "DTSTART;TZID=Asia/Seoul:") != NULL);
	CHECK(strstr(a.recs[0].text, "DTSTAMP:20260101T000000Z") != NULL);
	/* The master and its override, one record, the master first. */
	CHECK_STR(a.recs[1].ev.uid, "s@t");
	CHECK_STR(a.recs[1].ev.tz, "Asia/Shanghai");
	CHECK(a.recs[1].has_master);
	CHECK(strncmp(a.recs[1].text, "BEGIN:VCALENDAR", 15) == 0);
	CHECK(strstr(a.recs[1].text, "RRULE") <
	    strstr(a.recs[1].text, "RECURRENCE-ID"));
	/* The same file gives the same records (and UIDs). */
	CHECK_INT(parse(text, &b, &cause), 0);
	CHECK_STR(a.recs[0].ev.uid, b.recs[0].ev.uid);
	CHECK(ical_same_record(a.recs[0].text, b.recs[0].text));
	CHECK(ical_same_record(a.recs[1].text, b.recs[1].text));
	CHECK(!ical_same_record(a.recs[0].text, a.recs[1].text));
	ical_import_clear(&a);
	ical_import_clear(&b);
}

/* Read as RFC 5545 says: case-insensitive names; EXDATE dates repaired. */
static void
test_rfc_repairs(void)
{
	static const char text[] = CAL(
	    "BEGIN:VEVENT\r\nUID:x@t\r\nDTSTART:20260105T100000Z\r\n"
	    "x-foo;x-param=1:bar\r\nsummary;language=en:lower\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:y@t\r\n"
	    "DTSTART;TZID=America/New_York:20260309T090000\r\n"
	    "RRULE:FREQ=DAILY;COUNT=5\r\n"
	    "EXDATE;VALUE=DATE:20260310,20260312\r\nEND:VEVENT\r\n");
	struct ical_import	 a;
	char			*cause;
	size_t			 i, found = 0;

	CHECK_INT(parse(text, &a, &cause), 0);
	CHECK_INT(a.nrecs, 2);
	CHECK(a.nrecs == 2 && strstr(a.recs[0].text,
	    "X-FOO;X-PARAM=1:bar") != NULL);
	CHECK(a.nrecs == 2 && strstr(a.recs[0].text,
	    "SUMMARY;LANGUAGE=en:lower") != NULL);
	CHECK(a.nrecs == 2 && strstr(a.recs[1].text, "VALUE=DATE") == NULL);
	CHECK(a.nrecs == 2 && strstr(a.recs[1].text,
	    "EXDATE;TZID=America/New_York:20260312T090000") != NULL);
	for (i = 0; i < a.nwarnings; i++)
		found += strstr(a.warnings[i], "UID y@t: 2 EXDATE dates "
		    "(2026-03-10, ...) on a series with a time of day read as "
		    "its start time, 09:00:00 America/New_York") != NULL;
	CHECK_INT(found, 1);
	ical_import_clear(&a);
}

/* Overrides with no series become standalone events (ical_orphans). */
static void
test_orphans(void)
{
	static const char one[] = CAL(
	    "BEGIN:VEVENT\r\nUID:o@t\r\n"
	    "RECURRENCE-ID:20260317T090000Z\r\n"
	    "DTSTART:20260317T140000Z\r\nSUMMARY:moved\r\nEND:VEVENT\r\n");
	static const char two[] = CAL(
	    "BEGIN:VEVENT\r\nUID:o@t\r\nRECURRENCE-ID:20260317T090000Z\r\n"
	    "DTSTART:20260317T140000Z\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:o@t\r\nRECURRENCE-ID:20260318T090000Z\r\n"
	    "DTSTART:20260318T140000Z\r\nEND:VEVENT\r\n");
	struct ical_record	*r;
	char			**notes, *cause = NULL;
	size_t			  n;

	CHECK_INT(ical_orphans(one, HOME, &r, &notes, &n, &cause), 0);
	CHECK_INT(n, 1);
	CHECK(n == 1 && r[0].has_master);
	CHECK(n == 1 && strstr(r[0].text, "RECURRENCE-ID") == NULL);
	CHECK(n == 1 && strstr(r[0].text, "UID:o@t") != NULL);
	CHECK(n == 1 && r[0].ev.start == 1773756000);	/* 14:00Z */
	CHECK(n == 1 && strstr(notes[0], "imported as a standalone event") !=
	    NULL);
	for (size_t i = 0; i < n; i++) {
		free(r[i].text);
		event_clear(&r[i].ev);
		free(notes[i]);
	}
	free(r);
	free(notes);
	CHECK_INT(ical_orphans(two, HOME, &r, &notes, &n, &cause), 0);
	CHECK_INT(n, 2);
	CHECK(n == 2 && strcmp(r[0].ev.uid, "o@t-20260317T090000Z") == 0);
	CHECK(n == 2 && strcmp(r[1].ev.uid, "o@t-20260318T090000Z") == 0);
	for (size_t i = 0; i < n; i++) {
		free(r[i].text);
		event_clear(&r[i].ev);
		free(notes[i]);
	}
	free(r);
	free(notes);
}

/* A feed writes an RDATE period as a plain RDATE and an override. */
static void
test_feed_period(void)
{
	static const char ev[] = "BEGIN:VEVENT\r\nUID:p@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;TZID=Asia/Shanghai:20260312T100000\r\n"
	    "DTEND;TZID=Asia/Shanghai:20260312T110000\r\nSUMMARY:Talks\r\n"
	    "RDATE;VALUE=PERIOD;TZID=Asia/Shanghai:20260314T140000/"
	    "20260314T173000\r\n"
	    "RDATE;VALUE=PERIOD:20260316T010000Z/PT45M\r\nEND:VEVENT\r\n";
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text, *cause = NULL;

	feed_opts(&o, 0, 0, NULL);
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	text = ical_out_finish(out, NULL);
	CHECK(strstr(text, "PERIOD") == NULL);
	CHECK(strstr(text, "RDATE;TZID=Asia/Shanghai:20260314T140000\r\n") !=
	    NULL);
	CHECK(strstr(text, "RECURRENCE-ID;TZID=Asia/Shanghai:20260314T140000\r\n"
	    "DTSTART;TZID=Asia/Shanghai:20260314T140000\r\n"
	    "DTEND;TZID=Asia/Shanghai:20260314T173000\r\n") != NULL);
	CHECK(strstr(text, "RECURRENCE-ID:20260316T010000Z\r\n"
	    "DTSTART:20260316T010000Z\r\nDTEND:20260316T014500Z\r\n") != NULL);
	free(text);
	/* An export keeps the period as it came. */
	o.feed = 0;
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	text = ical_out_finish(out, NULL);
	CHECK(strstr(text, "RDATE;VALUE=PERIOD;TZID=Asia/Shanghai:20260314T"
	    "140000/20260314T173000") != NULL);
	CHECK(strstr(text, "RECURRENCE-ID") == NULL);
	free(text);
}

/* Count the occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int	n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/*
 * A series with a period and overrides: the overrides after the master go
 * out too, each with its own fields; an override at a period's start (in
 * another zone) is the only one there; a period an EXDATE takes out gets
 * none.
 */
static void
test_feed_period_override(void)
{
	static const char rec[] = CAL("BEGIN:VEVENT\r\nUID:q@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260302T080000Z\r\n"
	    "DTEND:20260302T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
	    "RDATE;VALUE=PERIOD:20260305T130000Z/20260305T163000Z\r\n"
	    "RDATE;VALUE=PERIOD:20260320T080000Z/PT45M\r\n"
	    "RDATE;VALUE=PERIOD:20260325T080000Z/PT30M\r\n"
	    "EXDATE:20260325T080000Z\r\n"
	    "SUMMARY:Talks\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:q@t\r\nDTSTAMP:20260101T000000Z\r\n"
	    "RECURRENCE-ID;TZID=Europe/Brussels:20260305T140000\r\n"
	    "DTSTART:20260305T140000Z\r\n"
	    "DTEND:20260305T150000Z\r\nSUMMARY:Talks, shortened\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:q@t\r\nDTSTAMP:20260101T000000Z\r\n"
	    "RECURRENCE-ID:20260309T080000Z\r\nDTSTART:20260310T100000Z\r\n"
	    "DTEND:20260310T110000Z\r\nSUMMARY:Talks, moved\r\n"
	    "END:VEVENT\r\n");
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text, *cause = NULL;

	feed_opts(&o, 0, 0, NULL);
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, rec, &cause), 0);
	text = ical_out_finish(out, NULL);
	CHECK(strstr(text, "PERIOD") == NULL);
	CHECK_INT(count(text, "BEGIN:VEVENT"), 4);
	CHECK_INT(count(text, "RECURRENCE-ID"), 3);
	CHECK(strstr(text, "RECURRENCE-ID;TZID=Europe/Brussels:20260305T140000"
	    "\r\n"
	    "DTSTART:20260305T140000Z\r\nDTEND:20260305T150000Z\r\n"
	    "SUMMARY:Talks\\, shortened\r\n") != NULL);
	CHECK(strstr(text, "RECURRENCE-ID:20260309T080000Z\r\n"
	    "DTSTART:20260310T100000Z\r\nDTEND:20260310T110000Z\r\n"
	    "SUMMARY:Talks\\, moved\r\n") != NULL);
	CHECK(strstr(text, "RECURRENCE-ID:20260320T080000Z\r\n"
	    "DTSTART:20260320T080000Z\r\nDTEND:20260320T084500Z\r\n") != NULL);
	free(text);
}

static void
test_export(void)
{
	static const char ev[] = "BEGIN:VEVENT\r\nUID:e@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;TZID=Europe/Brussels:20260301T090000\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Secret talks\r\nLOCATION:Egmont\r\n"
	    "DESCRIPTION:Agenda\r\nCATEGORIES:Talks\\, private,bilateral\r\n"
	    "X-NOTE:kept\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
	    "TRIGGER:-PT1H\r\nDESCRIPTION:Secret talks soon\r\nEND:VALARM\r\n"
	    "END:VEVENT\r\n";
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text, *cause = NULL;

	memset(&o, 0, sizeof o);
	o.home = HOME;
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	text = ical_out_finish(out, NULL);
	CHECK(strstr(text, "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\n") != NULL);
	CHECK(strstr(text, "X-NOTE:kept") != NULL);
	CHECK(strstr(text, "BEGIN:VALARM") != NULL);
	CHECK(strstr(text, "CATEGORIES:Talks\\, private\r\n") != NULL);
	free(text);

	o.feed = 1;
	o.redact = REDACT_BUSY;
	o.calname = "embassy";
	o.refresh = 3600;
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	text = ical_out_finish(out, NULL);
	CHECK(strstr(text, "SUMMARY:Busy") != NULL);
	CHECK(strstr(text, "Secret") == NULL);
	CHECK(strstr(text, "Egmont") == NULL && strstr(text, "Agenda") == NULL);
	CHECK(strstr(text, "X-NOTE") == NULL);
	CHECK(strstr(text, "VALARM") == NULL);
	CHECK(strstr(text, "X-WR-CALNAME:embassy") != NULL);
	CHECK(strstr(text, "REFRESH-INTERVAL;VALUE=DURATION:PT1H") != NULL);
	free(text);
}

/*
 * A series of two RRULEs goes out as its occurrences in the window
 * (ical_feed_flatten), on a budget of its own: with the build's spent by
 * the records before it, its rules went and no occurrence came.  A walk
 * that runs out of its own (walk_steps: a slow machine's) leaves the
 * rules as they are, says so (ical_out_cut), and its record is not kept
 * in the feed's cache; the next build flattens it.  So does a
 * THISANDFUTURE series' walk (ical_feed_future).
 */
static void
test_feed_flatten_budget(void)
{
	const char		*ev = "BEGIN:VEVENT\r\nUID:two-rules@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Talks\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=4\r\nEND:VEVENT\r\n";
	struct ical_cache	*cache = ical_cache_new();
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text, *cause = NULL;

	feed_opts(&o, 1767225600, 1798761600, cache);	/* 2026 */
	recur_budget_begin();
	recur_spend(RECUR_BUDGET_STEPS + 1);
	CHECK(recur_budget_spent());
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	CHECK(!ical_out_cut(out));
	text = ical_out_finish(out, NULL);
	CHECK_INT(count(text, "RRULE"), 0);
	CHECK_INT(count(text, "RDATE:"), 7);	/* the 8 but DTSTART */
	CHECK(strstr(text, "RDATE:20260129T090000Z\r\n") != NULL);
	free(text);
	CHECK(recur_budget_spent());		/* the build's, as it was */
	recur_budget_begin();
	ical_cache_free(cache);

	cache = ical_cache_new();		/* a walk that runs out */
	o.cache = cache;
	o.walk_steps = 2;
	out = ical_out_new(&o);
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	CHECK_INT(ical_out_add(out, fut, &cause), 0);
	CHECK(ical_out_cut(out));
	text = ical_out_finish(out, NULL);
	CHECK_INT(count(text, "RRULE:FREQ=WEEKLY"), 2);	/* as it is */
	CHECK_INT(count(text, "RDATE"), 0);
	CHECK_INT(count(text, "UID:fut@t"), 2);	/* few copies, or none */
	free(text);
	o.walk_steps = 0;			/* the next build */
	out = ical_out_new(&o);
	CHECK(!ical_out_known(out, ev));	/* neither was kept */
	CHECK(!ical_out_known(out, fut));
	CHECK_INT(ical_out_add(out, ev, &cause), 0);
	CHECK_INT(ical_out_add(out, fut, &cause), 0);
	CHECK(!ical_out_cut(out));
	text = ical_out_finish(out, NULL);
	CHECK_INT(count(text, "RDATE:"), 7);
	CHECK_INT(count(text, "UID:fut@t"), 2 + 14);	/* a copy each, 11-24 */
	free(text);
	out = ical_out_new(&o);			/* kept now */
	CHECK(ical_out_known(out, ev));
	CHECK(ical_out_known(out, fut));
	ical_out_free(out);
	ical_cache_free(cache);
}

/*
 * The window moves: a single event's record is kept, a series'
 * is made again for the new window (ical-export-cache.c), and the feed is
 * what a build without a cache writes for it.
 */
static void
test_feed_window_move(void)
{
	const char		*one = "BEGIN:VEVENT\r\nUID:one@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260110T090000Z\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Summit\r\nEND:VEVENT\r\n";
	const char		*two = "BEGIN:VEVENT\r\nUID:two-rules@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Talks\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=4\r\nEND:VEVENT\r\n";
	const char		*rd = "BEGIN:VEVENT\r\nUID:rd@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T120000Z\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Talks\r\n"
	    "RDATE;VALUE=PERIOD:20260114T120000Z/PT2H\r\nEND:VEVENT\r\n";
	const char		*recs[] = { one, two, rd, fut };
	const int64_t		 day = 1767571200;	/* 2026-01-05 */
	struct ical_cache	*cache = ical_cache_new();
	struct ical_out_opts	 o;
	struct ical_out		*out;
	char			*text[3], *cause = NULL;

	for (int i = 0; i < 3; i++) {
		/* Jan 5 on, Jan 13 on with the cache, Jan 13 on without. */
		feed_opts(&o, day + (i > 0) * 8 * 86400, day + 30 * 86400,
		    i < 2 ? cache : NULL);
		out = ical_out_new(&o);
		if (i == 1) {
			CHECK(ical_out_known(out, one));	/* kept */
			CHECK(!ical_out_known(out, two));	/* made again */
			CHECK(!ical_out_known(out, rd));
			CHECK(!ical_out_known(out, fut));
		}
		for (size_t k = 0; k < sizeof recs / sizeof recs[0]; k++)
			CHECK_INT(ical_out_add(out, recs[k], &cause), 0);
		text[i] = ical_out_finish(out, NULL);
	}
	CHECK(strstr(text[0], "RDATE:20260108T090000Z") != NULL);
	CHECK(strstr(text[1], "RDATE:20260108T090000Z") == NULL);
	CHECK_INT(count(text[0], "UID:fut@t"), 2 + 14);	/* copies 11-24 */
	CHECK_INT(count(text[1], "UID:fut@t"), 2 + 12);	/* copies 13-24 */
	CHECK_STR(text[1], text[2]);
	for (int i = 0; i < 3; i++)
		free(text[i]);
	feed_opts(&o, day + 4 * 86400, day + 30 * 86400, cache);
	o.redact = REDACT_BUSY;			/* other options: all go */
	out = ical_out_new(&o);
	CHECK(!ical_out_known(out, one));
	ical_out_free(out);
	ical_cache_free(cache);
}

static void
test_http_and_urls(void)
{
	struct config	*cfg = config_new();
	char		*addr, *cause = NULL, *s, *t;
	unsigned	 port;

	CHECK_INT(http_parse("127.0.0.1:9000", &addr, &port, &cause), 0);
	CHECK_STR(addr, "127.0.0.1");
	CHECK_INT(port, 9000);
	free(addr);
	CHECK_INT(http_parse("9001", &addr, &port, &cause), 0);
	CHECK_STR(addr, "127.0.0.1");		/* a port alone: loopback */
	CHECK_INT(port, 9001);
	free(addr);
	CHECK_INT(http_parse("0.0.0.0", &addr, &port, &cause), 0);
	CHECK_INT(port, 8765);			/* the default port */
	free(addr);
	CHECK_INT(http_parse("[::1]:9002", &addr, &port, &cause), 0);
	CHECK_STR(addr, "::1");
	free(addr);
	CHECK_INT(http_parse("localhost:0", &addr, &port, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(http_parse("a:b", &addr, &port, &cause), -1);
	free(cause);
	s = http_base_url("[::1]:9002");
	CHECK_STR(s, "http://[::1]:9002");
	free(s);

	s = feed_url(cfg, NULL, 0);
	CHECK_STR(s, "http://127.0.0.1:8765/feeds/all.ics");
	free(s);
	CHECK_INT(config_set(cfg, "feed_url", "https://cal.example.org/", &cause),
	    0);
	s = feed_url(cfg, "abc", 1);
	CHECK_STR(s, "webcal://cal.example.org/feeds/abc.ics");
	free(s);
	CHECK_INT(config_set(cfg, "feed_url", "ftp://x", &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(config_set(cfg, "feed_tombstones", "2w", &cause), 0);
	CHECK_INT(feed_config_tombstones(cfg), 14 * 86400);

	s = feed_new_token();
	t = feed_new_token();
	CHECK_INT(strlen(s), 32);
	CHECK_INT(strspn(s, "abcdefghijklmnopqrstuvwxyz234567"), 32);
	CHECK(strcmp(s, t) != 0);
	free(s);
	free(t);
	CHECK(feed_name_valid("embassy-seoul.2026"));
	CHECK(!feed_name_valid("all"));
	CHECK(!feed_name_valid("a/b"));
	CHECK(!feed_name_valid(""));
	config_free(cfg);
}

int
main(void)
{
	test_refusals();
	test_repairs();
	test_rfc_repairs();
	test_orphans();
	test_export();
	test_feed_period();
	test_feed_period_override();
	test_feed_flatten_budget();
	test_feed_window_move();
	test_http_and_urls();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
