/*
 * test-ical.c — events as VEVENT text (daemon/ical-edit.c,
 * ical-record.c): ical_apply() makes and edits the canonical text,
 * ical_extract() reads it back, and recur_expand() walks recurrences in
 * the event's own zone.  Times are explicit instants; zones are named,
 * never the machine's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ical.h"
#include "ical-int.h"
#include "kcal-protocol.h"
#include "recur.h"
#include "test.h"
#include "when.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define T0	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define T1	(T0 + 86400)

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static struct when
wire(const char *s)
{
	struct when	w;

	if (when_parse_abs(s, &w) != 0)
		fprintf(stderr, "bad wire time %s\n", s);
	return w;
}

/* ical_apply, expecting success; returns the new text, fills *ev. */
static char *
apply(const char *old, const struct event_change *ch, const char *uid,
    int64_t now, struct event *ev)
{
	char	*text = NULL, *cause = NULL;

	if (ical_apply(old, ch, uid, now, HOME, &text, ev, &cause) != 0) {
		fprintf(stderr, "ical_apply: %s\n", cause);
		free(cause);
		CHECK(!"ical_apply failed");
		event_init(ev);
		return NULL;
	}
	CHECK(cause == NULL);
	return text;
}

/* ical_apply, expecting a refusal whose message contains want. */
static void
refuse(const char *old, const struct event_change *ch, const char *want)
{
	struct event	 ev;
	char		*text = NULL, *cause = NULL;

	CHECK_INT(ical_apply(old, ch, "x@kcal", T0, HOME, &text, &ev,
	    &cause), -1);
	CHECK(text == NULL);
	if (cause == NULL || strstr(cause, want) == NULL)
		fprintf(stderr, "refusal \"%s\", want \"%s\"\n",
		    cause ? cause : "(null)", want);
	CHECK(cause != NULL && strstr(cause, want) != NULL);
	free(cause);
}

static void
test_new_event(void)
{
	struct event_change	 ch;
	struct participant	 parts[2];
	int64_t			 remind[2] = { 3600, 600 };
	struct event		 ev, back;
	char			*text, *cause = NULL;

	event_change_init(&ch);
	ch.summary = "State dinner";
	ch.kind = "banquet";
	ch.status = "tentative";
	ch.class = "confidential";
	ch.tz = "Asia/Shanghai";
	ch.location = "Great Hall of the People, Beijing";
	ch.description = "Line one\nLine two; with, punctuation";
	ch.url = "https://example.org/visit?a=1&b=2";
	ch.parent = "visit-1@kcal";
	ch.start = wire("2026-01-05T19:00:00");
	ch.duration = 7200;
	memset(parts, 0, sizeof parts);
	parts[0].name = "Lee Jae-myung";
	parts[0].role = "guest";
	parts[0].country = "KR";
	parts[0].precedence = 1;
	parts[1].name = "Xi Jinping";
	parts[1].role = "host";
	parts[1].country = "CN";
	ch.parts = parts;
	ch.nparts = 2;
	ch.set_parts = 1;
	ch.remind = remind;
	ch.nremind = 2;
	ch.set_remind = 1;
	text = apply(NULL, &ch, "dinner-1@kcal", T0, &ev);
	if (text == NULL)
		return;
	CHECK(strstr(text, "BEGIN:VEVENT") != NULL);
	CHECK(strstr(text, "DTSTART;TZID=Asia/Shanghai:20260105T190000") != NULL);
	CHECK(strstr(text, "DTEND;TZID=Asia/Shanghai:20260105T210000") != NULL);
	CHECK(strstr(text, "CATEGORIES:banquet") != NULL);
	CHECK(strstr(text, "RELATED-TO;RELTYPE=PARENT:visit-1@kcal") != NULL);
	CHECK(strstr(text, "SEQUENCE:0") != NULL);
	CHECK(strstr(text, "BEGIN:VALARM") != NULL);

	/* What ical_apply answers is what ical_extract reads back. */
	CHECK_INT(ical_extract(text, HOME, &back, &cause), 0);
	for (int i = 0; i < 2; i++) {
		const struct event *e = i == 0 ? &ev : &back;

		CHECK_STR(e->uid, "dinner-1@kcal");
		CHECK_STR(e->summary, "State dinner");
		CHECK_STR(e->kind, "banquet");
		CHECK_STR(e->status, "tentative");
		CHECK_STR(e->class, "confidential");
		CHECK_STR(e->tz, "Asia/Shanghai");
		CHECK(e->end_tz == NULL);
		CHECK_STR(e->location, "Great Hall of the People, Beijing");
		CHECK_STR(e->description, "Line one\nLine two; with, punctuation");
		CHECK_STR(e->url, "https://example.org/visit?a=1&b=2");
		CHECK_STR(e->parent, "visit-1@kcal");
		CHECK(e->rrule == NULL);
		CHECK_INT(e->start, utc(2026, 1, 5, 11, 0));
		CHECK_INT(e->end, utc(2026, 1, 5, 13, 0));
		CHECK_INT(e->all_day, 0);
		CHECK_INT(e->sequence, 0);
		CHECK_INT(e->created, T0);
		CHECK_INT(e->last_modified, T0);
		CHECK_INT(e->nparts, 2);
		if (e->nparts == 2) {
			CHECK_STR(e->parts[0].name, "Lee Jae-myung");
			CHECK_STR(e->parts[0].role, "guest");
			CHECK_STR(e->parts[0].country, "KR");
			CHECK_INT(e->parts[0].precedence, 1);
			CHECK_STR(e->parts[1].name, "Xi Jinping");
			CHECK_STR(e->parts[1].role, "host");
			CHECK_STR(e->parts[1].country, "CN");
			CHECK_INT(e->parts[1].precedence, 0);
		}
		CHECK_INT(e->nremind, 2);
		if (e->nremind == 2) {
			CHECK_INT(e->remind[0], 3600);
			CHECK_INT(e->remind[1], 600);
		}
	}
	event_clear(&back);
	event_clear(&ev);
	free(text);
}

static const char imported[] =
	"BEGIN:VCALENDAR\r\n"
	"VERSION:2.0\r\n"
	"PRODID:-//Example//Importer//EN\r\n"
	"BEGIN:VEVENT\r\n"
	"UID:imported-1@example.org\r\n"
	"DTSTAMP:20251201T000000Z\r\n"
	"CREATED:20251201T000000Z\r\n"
	"SEQUENCE:4\r\n"
	"SUMMARY:Summit with Xi Jinping\r\n"
	"DTSTART;TZID=Asia/Shanghai:20260105T160000\r\n"
	"DTEND;TZID=Asia/Shanghai:20260105T180000\r\n"
	"CATEGORIES:summit,Korea\r\n"
	"X-FOO-NOTE;X-PARAM=1:kept verbatim\r\n"
	"X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"
	"ORGANIZER;CN=Protocol Office:mailto:protocol@example.org\r\n"
	"ATTENDEE;ROLE=CHAIR:mailto:chair@example.org\r\n"
	"BEGIN:VALARM\r\n"
	"ACTION:DISPLAY\r\n"
	"DESCRIPTION:soon\r\n"
	"TRIGGER;RELATED=END:-PT10M\r\n"
	"END:VALARM\r\n"
	"END:VEVENT\r\n"
	"END:VCALENDAR\r\n";

static void
test_edit(void)
{
	struct event_change	 ch;
	struct event		 ev;
	char			*text, *text2, *cause = NULL;

	/* An imported event: organiser, attendee, alarm relative to the end. */
	CHECK_INT(ical_extract(imported, HOME, &ev, &cause), 0);
	CHECK_INT(ev.sequence, 4);
	CHECK_STR(ev.kind, "summit");
	CHECK_STR(ev.status, "confirmed");
	CHECK_STR(ev.class, "public");
	CHECK_INT(ev.nparts, 2);
	if (ev.nparts == 2) {
		CHECK_STR(ev.parts[0].name, "Protocol Office");
		CHECK_STR(ev.parts[0].role, "organizer");
		CHECK_STR(ev.parts[1].name, "chair@example.org");
		CHECK_STR(ev.parts[1].role, "chair");
	}
	CHECK_INT(ev.nremind, 1);
	if (ev.nremind == 1)	/* 10 minutes before a 2 h event's end */
		CHECK_INT(ev.remind[0], 600 - 7200);
	event_clear(&ev);

	/* Rename it: SEQUENCE and LAST-MODIFIED move, nothing else. */
	event_change_init(&ch);
	ch.summary = "Summit (extended)";
	text = apply(imported, &ch, NULL, T1, &ev);
	if (text == NULL)
		return;
	CHECK_INT(ev.sequence, 5);
	CHECK_INT(ev.last_modified, T1);
	CHECK_INT(ev.created, utc(2025, 12, 1, 0, 0));
	CHECK_STR(ev.summary, "Summit (extended)");
	CHECK_INT(ev.start, utc(2026, 1, 5, 8, 0));
	CHECK_INT(ev.end, utc(2026, 1, 5, 10, 0));
	CHECK_INT(ev.nparts, 2);
	CHECK_INT(ev.nremind, 1);
	CHECK(strstr(text, "X-FOO-NOTE;X-PARAM=1:kept verbatim") != NULL);
	CHECK(strstr(text, "X-MICROSOFT-CDO-BUSYSTATUS:BUSY") != NULL);
	CHECK(strstr(text, "CATEGORIES:Korea") != NULL);	/* split by libical */
	CHECK(strstr(text, "mailto:chair@example.org") != NULL);
	CHECK(strstr(text, "SEQUENCE:5") != NULL);
	CHECK(strstr(text, "SUMMARY:Summit with") == NULL);
	event_clear(&ev);

	/* Change its kind: the other category stays. */
	event_change_init(&ch);
	ch.kind = "bilateral";
	ch.status = "cancelled";
	ch.class = "private";
	text2 = apply(text, &ch, NULL, T1 + 60, &ev);
	if (text2 != NULL) {
		CHECK_STR(ev.kind, "bilateral");
		CHECK_STR(ev.status, "cancelled");
		CHECK_STR(ev.class, "private");
		CHECK_INT(ev.sequence, 6);
		CHECK(strstr(text2, "CATEGORIES:Korea") != NULL);
		CHECK(strstr(text2, "CATEGORIES:summit") == NULL);
		CHECK(strstr(text2, "X-FOO-NOTE") != NULL);
		event_clear(&ev);
		free(text2);
	}

	/* Clearing fields: an empty string removes the property. */
	event_change_init(&ch);
	ch.location = "Beijing";
	text2 = apply(text, &ch, NULL, T1, &ev);
	event_clear(&ev);
	event_change_init(&ch);
	ch.location = "";
	ch.parent = "";
	free(text);
	text = apply(text2, &ch, NULL, T1, &ev);
	CHECK(ev.location == NULL && ev.parent == NULL);
	event_clear(&ev);
	free(text2);
	free(text);
}

static void
test_move(void)
{
	struct event_change	 ch;
	struct event		 ev;
	char			*text, *text2;

	/* 19:00-21:00 in Shanghai, moved to 19:30: still two hours. */
	event_change_init(&ch);
	ch.summary = "Dinner";
	ch.tz = "Asia/Shanghai";
	ch.start = wire("2026-01-05T19:00:00");
	ch.end = wire("2026-01-05T21:00:00");
	text = apply(NULL, &ch, "move-1@kcal", T0, &ev);
	event_clear(&ev);
	if (text == NULL)
		return;
	event_change_init(&ch);
	ch.start = wire("2026-01-05T19:30:00");
	text2 = apply(text, &ch, NULL, T1, &ev);
	CHECK_INT(ev.start, utc(2026, 1, 5, 11, 30));
	CHECK_INT(ev.end, utc(2026, 1, 5, 13, 30));
	CHECK_INT(ev.sequence, 1);
	CHECK_STR(ev.tz, "Asia/Shanghai");
	event_clear(&ev);
	free(text);
	/* A new end alone keeps the start. */
	event_change_init(&ch);
	ch.end = wire("2026-01-05T23:00:00");
	text = apply(text2, &ch, NULL, T1, &ev);
	CHECK_INT(ev.start, utc(2026, 1, 5, 11, 30));
	CHECK_INT(ev.end, utc(2026, 1, 5, 15, 0));
	event_clear(&ev);
	free(text2);
	/* A new zone alone keeps the instant (shown in the new zone). */
	event_change_init(&ch);
	ch.tz = "Asia/Seoul";
	text2 = apply(text, &ch, NULL, T1, &ev);
	CHECK_INT(ev.start, utc(2026, 1, 5, 11, 30));
	CHECK_STR(ev.tz, "Asia/Seoul");
	CHECK(text2 && strstr(text2, "DTSTART;TZID=Asia/Seoul:20260105T203000"));
	event_clear(&ev);
	free(text);
	/* A duration alone. */
	event_change_init(&ch);
	ch.duration = 1800;
	text = apply(text2, &ch, NULL, T1, &ev);
	CHECK_INT(ev.end, ev.start + 1800);
	event_clear(&ev);
	free(text2);
	/* An end before the start, a gap time, an unknown zone. */
	event_change_init(&ch);
	ch.end = wire("2026-01-05T10:00:00");
	refuse(text, &ch, "before the start");
	event_change_init(&ch);
	ch.tz = "America/New_York";
	ch.start = wire("2026-03-08T02:30:00");
	refuse(text, &ch, "does not exist");
	event_change_init(&ch);
	ch.tz = "Mars/Olympus_Mons";
	refuse(text, &ch, "unknown time zone");
	event_change_init(&ch);
	ch.end_tz = "Nowhere/City";
	refuse(text, &ch, "unknown time zone");
	/* Timed to all-day needs a date. */
	event_change_init(&ch);
	ch.all_day = 1;
	refuse(text, &ch, "all-day");
	free(text);
}

static void
test_all_day(void)
{
	struct event_change	 ch;
	struct event		 ev, back;
	char			*text, *text2, *cause = NULL;

	/* 4-7 January in Shanghai: the end is the exclusive 8th. */
	event_change_init(&ch);
	ch.summary = "State visit";
	ch.tz = "Asia/Shanghai";
	ch.start = wire("2026-01-04");
	ch.end = wire("2026-01-08");
	text = apply(NULL, &ch, "visit-1@kcal", T0, &ev);
	if (text == NULL)
		return;
	CHECK_INT(ev.all_day, 1);
	CHECK_INT(ev.start, utc(2026, 1, 3, 16, 0));
	CHECK_INT(ev.end, utc(2026, 1, 7, 16, 0));
	CHECK(strstr(text, "DTSTART;VALUE=DATE:20260104") != NULL);
	CHECK(strstr(text, "DTEND;VALUE=DATE:20260108") != NULL);
	CHECK(strstr(text, "X-KCAL-TZ:Asia/Shanghai") != NULL);
	event_clear(&ev);
	/* Read back in another home zone: the event keeps its own. */
	CHECK_INT(ical_extract(text, "America/New_York", &back, &cause), 0);
	CHECK_STR(back.tz, "Asia/Shanghai");
	CHECK_INT(back.start, utc(2026, 1, 3, 16, 0));
	CHECK_INT(back.end, utc(2026, 1, 7, 16, 0));
	event_clear(&back);
	/* Moved: still four days. */
	event_change_init(&ch);
	ch.start = wire("2026-02-01");
	text2 = apply(text, &ch, NULL, T1, &ev);
	CHECK_INT(ev.start, utc(2026, 1, 31, 16, 0));
	CHECK_INT(ev.end, utc(2026, 2, 4, 16, 0));
	event_clear(&ev);
	free(text2);
	free(text);

	/* Default: one day; a duration in whole days. */
	event_change_init(&ch);
	ch.summary = "Day";
	ch.tz = "Europe/Brussels";
	ch.start = wire("2026-03-29");	/* a 23-hour day */
	text = apply(NULL, &ch, "day-1@kcal", T0, &ev);
	CHECK_INT(ev.end - ev.start, 23 * 3600);
	CHECK(text && strstr(text, "DTEND;VALUE=DATE:20260330") != NULL);
	event_clear(&ev);
	free(text);
	ch.duration = 2 * 86400;
	text = apply(NULL, &ch, "day-2@kcal", T0, &ev);
	CHECK(text && strstr(text, "DTEND;VALUE=DATE:20260331") != NULL);
	event_clear(&ev);
	free(text);
	/* Refusals. */
	ch.duration = 36 * 3600;
	refuse(NULL, &ch, "whole days");
	ch.duration = 0;
	ch.end = wire("2026-03-29");
	refuse(NULL, &ch, "the day after its last day");
	ch.end = wire("2026-03-30T10:00:00");
	refuse(NULL, &ch, "date");
	ch.end.kind = WHEN_NONE;
	ch.all_day = 0;
	refuse(NULL, &ch, "timed event needs a time");
	ch.all_day = 1;
	ch.start = wire("2026-03-29T10:00:00");
	refuse(NULL, &ch, "all-day event starts on a date");
	ch.start = wire("2026-03-29");
	ch.end_tz = "Asia/Seoul";
	refuse(NULL, &ch, "one time zone");
}

static void
test_travel(void)
{
	struct event_change	 ch;
	struct event		 ev, back;
	char			*text, *text2, *cause = NULL;

	/* Seoul 10:00 KST to Beijing 11:15 CST. */
	event_change_init(&ch);
	ch.summary = "Flight Seoul-Beijing";
	ch.kind = "travel";
	ch.tz = "Asia/Seoul";
	ch.end_tz = "Asia/Shanghai";
	ch.start = wire("2026-01-04T10:00:00");
	ch.end = wire("2026-01-04T11:15:00");
	text = apply(NULL, &ch, "flight-1@kcal", T0, &ev);
	if (text == NULL)
		return;
	CHECK_INT(ev.start, utc(2026, 1, 4, 1, 0));
	CHECK_INT(ev.end, utc(2026, 1, 4, 3, 15));
	CHECK_STR(ev.tz, "Asia/Seoul");
	CHECK_STR(ev.end_tz, "Asia/Shanghai");
	CHECK(strstr(text, "DTSTART;TZID=Asia/Seoul:20260104T100000") != NULL);
	CHECK(strstr(text, "DTEND;TZID=Asia/Shanghai:20260104T111500") != NULL);
	event_clear(&ev);
	CHECK_INT(ical_extract(text, HOME, &back, &cause), 0);
	CHECK_STR(back.end_tz, "Asia/Shanghai");
	CHECK_INT(back.end, utc(2026, 1, 4, 3, 15));
	event_clear(&back);
	/* Moving the departure keeps the flight time. */
	event_change_init(&ch);
	ch.start = wire("2026-01-04T12:00:00");
	text2 = apply(text, &ch, NULL, T1, &ev);
	CHECK_INT(ev.end, utc(2026, 1, 4, 5, 15));
	CHECK_STR(ev.end_tz, "Asia/Shanghai");
	event_clear(&ev);
	free(text2);
	/* An end zone equal to the start zone is no end zone; "" drops it. */
	event_change_init(&ch);
	ch.end_tz = "";
	text2 = apply(text, &ch, NULL, T1, &ev);
	CHECK(ev.end_tz == NULL);
	CHECK_INT(ev.end, utc(2026, 1, 4, 3, 15));
	event_clear(&ev);
	free(text2);
	free(text);
}

static void
test_rrule(void)
{
	static const char *bad[] = {
		"FREQ=SOMETIMES", "BYDAY=MO", "garbage", "FREQ=WEEKLY;BYDAY=XX",
		"FREQ=DAILY;COUNT=abc", "FREQ=WEEKLY;INTERVAL=0",
		"FREQ=DAILY;UNTIL=notadate", NULL
	};
	struct event_change	 ch;
	struct event		 ev;
	char			*text, *cause = NULL;

	for (int i = 0; bad[i] != NULL; i++) {
		CHECK_INT(ical_rrule_valid(bad[i], &cause), -1);
		CHECK(cause != NULL && strstr(cause, bad[i]) != NULL);
		free(cause);
		cause = NULL;
	}
	CHECK_INT(ical_rrule_valid("FREQ=WEEKLY;BYDAY=MO,TH", &cause), 0);
	event_change_init(&ch);
	ch.summary = "Weekly";
	ch.tz = "Europe/Brussels";
	ch.start = wire("2026-03-16T09:00:00");
	ch.rrule = "FREQ=WEEKLY;BYDAY=XX";
	refuse(NULL, &ch, "invalid recurrence rule");
	ch.rrule = "FREQ=WEEKLY;COUNT=3";
	text = apply(NULL, &ch, "weekly-1@kcal", T0, &ev);
	CHECK_STR(ev.rrule, "FREQ=WEEKLY;COUNT=3");
	event_clear(&ev);
	/* An edit can drop the rule. */
	event_change_init(&ch);
	ch.rrule = "";
	if (text != NULL) {
		char *t2 = apply(text, &ch, NULL, T1, &ev);
		CHECK(ev.rrule == NULL);
		CHECK(t2 && strstr(t2, "RRULE") == NULL);
		event_clear(&ev);
		free(t2);
	}
	free(text);
}

struct occs {
	int64_t	start[64], end[64];
	size_t	n;
};

static int
occ_cb(void *arg, const struct recur_occ *oc)
{
	struct occs	*o = arg;

	if (oc->overridden && oc->ev->status != NULL &&
	    strcmp(oc->ev->status, "cancelled") == 0)
		return 0;
	if (o->n < 64) {
		o->start[o->n] = oc->start;
		o->end[o->n] = oc->end;
		o->n++;
	}
	return 0;
}

static int
expand(const char *text, int64_t from, int64_t to, size_t max,
    struct occs *o)
{
	char	*cause = NULL;
	int	 rc;

	memset(o, 0, sizeof *o);
	rc = recur_expand(text, HOME, from, to, max, occ_cb, o, &cause);
	if (rc < 0)
		fprintf(stderr, "recur_expand: %s\n", cause);
	free(cause);
	return rc;
}

#define VEV(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" \
	"BEGIN:VEVENT\r\nUID:r@kcal\r\nDTSTAMP:20260101T000000Z\r\n" body \
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

static void
test_expand_weekly(void)
{
	static const char weekly[] = VEV(
	    "SUMMARY:Staff meeting\r\n"
	    "DTSTART;TZID=Europe/Brussels:20260316T090000\r\n"
	    "DTEND;TZID=Europe/Brussels:20260316T100000\r\n"
	    "RRULE:FREQ=WEEKLY\r\n");
	static const char exdate[] = VEV(
	    "SUMMARY:Staff meeting\r\n"
	    "DTSTART;TZID=Europe/Brussels:20260316T090000\r\n"
	    "DTEND;TZID=Europe/Brussels:20260316T100000\r\n"
	    "RRULE:FREQ=WEEKLY;UNTIL=20260413T070000Z\r\n"
	    "EXDATE;TZID=Europe/Brussels:20260330T090000\r\n"
	    "EXDATE:20260406T070000Z\r\n"
	    "RDATE;TZID=Europe/Brussels:20260401T150000\r\n");
	struct occs	o;

	/* 09:00 in Brussels stays 09:00: 08:00Z in winter, 07:00Z after
	 * 29 March. */
	CHECK_INT(expand(weekly, utc(2026, 3, 1, 0, 0), utc(2026, 4, 10, 0, 0),
	    100, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[0], utc(2026, 3, 16, 8, 0));
	CHECK_INT(o.start[1], utc(2026, 3, 23, 8, 0));
	CHECK_INT(o.start[2], utc(2026, 3, 30, 7, 0));
	CHECK_INT(o.start[3], utc(2026, 4, 6, 7, 0));
	CHECK_INT(o.end[3] - o.start[3], 3600);
	/* And back in October: 07:00Z, then 08:00Z after the 25th. */
	CHECK_INT(expand(weekly, utc(2026, 10, 15, 0, 0),
	    utc(2026, 11, 1, 0, 0), 100, &o), 0);
	CHECK_INT(o.n, 2);
	CHECK_INT(o.start[0], utc(2026, 10, 19, 7, 0));
	CHECK_INT(o.start[1], utc(2026, 10, 26, 8, 0));
	/* An occurrence under way at the window's start is in it. */
	CHECK_INT(expand(weekly, utc(2026, 3, 23, 8, 30),
	    utc(2026, 3, 23, 9, 0), 100, &o), 0);
	CHECK_INT(o.n, 1);
	/* max cuts it short, and says so. */
	CHECK_INT(expand(weekly, utc(2026, 3, 1, 0, 0), utc(2027, 1, 1, 0, 0),
	    3, &o), 1);
	CHECK_INT(o.n, 3);
	/* EXDATE (zoned and UTC) removes, RDATE adds, UNTIL ends. */
	CHECK_INT(expand(exdate, utc(2026, 3, 1, 0, 0), utc(2026, 6, 1, 0, 0),
	    100, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[0], utc(2026, 3, 16, 8, 0));
	CHECK_INT(o.start[1], utc(2026, 3, 23, 8, 0));
	CHECK_INT(o.start[2], utc(2026, 4, 13, 7, 0));
	CHECK_INT(o.start[3], utc(2026, 4, 1, 13, 0));
}

/* An RDATE period keeps its own end (as an end or as a duration). */
static void
test_expand_period(void)
{
	static const char period[] = VEV(
	    "SUMMARY:Talks\r\n"
	    "DTSTART;TZID=Asia/Shanghai:20260312T100000\r\n"
	    "DTEND;TZID=Asia/Shanghai:20260312T110000\r\n"
	    "RDATE;VALUE=PERIOD;TZID=Asia/Shanghai:20260314T140000/"
	    "20260314T173000\r\n"
	    "RDATE;VALUE=PERIOD:20260316T010000Z/PT45M\r\n"
	    "RDATE;TZID=Asia/Shanghai:20260318T100000\r\n");
	struct occs	o;

	CHECK_INT(expand(period, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0),
	    100, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.end[0] - o.start[0], 3600);
	CHECK_INT(o.start[1], utc(2026, 3, 14, 6, 0));
	CHECK_INT(o.end[1], utc(2026, 3, 14, 9, 30));
	CHECK_INT(o.start[2], utc(2026, 3, 16, 1, 0));
	CHECK_INT(o.end[2], utc(2026, 3, 16, 1, 45));
	CHECK_INT(o.end[3] - o.start[3], 3600);	/* a plain RDATE */
	/* An occurrence is in a window that only its own end reaches. */
	CHECK_INT(expand(period, utc(2026, 3, 14, 8, 0),
	    utc(2026, 3, 14, 9, 0), 100, &o), 0);
	CHECK_INT(o.n, 1);
}

static void
test_expand_yearly(void)
{
	static const char yearly[] = VEV(
	    "SUMMARY:Kim Gu's birthday\r\n"
	    "DTSTART;VALUE=DATE:20200829\r\n"
	    "DTEND;VALUE=DATE:20200830\r\n"
	    "X-KCAL-TZ:Asia/Seoul\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    "EXDATE;VALUE=DATE:20270829\r\n");
	static const char count[] = VEV(
	    "SUMMARY:Three days\r\n"
	    "DTSTART:20260105T010000Z\r\n"
	    "DURATION:PT30M\r\n"
	    "RRULE:FREQ=DAILY;COUNT=3\r\n");
	struct occs	o;

	CHECK_INT(expand(yearly, utc(2026, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0),
	    100, &o), 0);
	CHECK_INT(o.n, 2);	/* 2026 and 2028; 2027 is excluded */
	CHECK_INT(o.start[0], utc(2026, 8, 28, 15, 0));
	CHECK_INT(o.end[0], utc(2026, 8, 29, 15, 0));
	CHECK_INT(o.start[1], utc(2028, 8, 28, 15, 0));
	/* A leap day every four years. */
	{
		static const char leap[] = VEV(
		    "SUMMARY:Leap\r\n"
		    "DTSTART;VALUE=DATE:20240229\r\n"
		    "X-KCAL-TZ:Europe/Brussels\r\n"
		    "RRULE:FREQ=YEARLY\r\n");

		CHECK_INT(expand(leap, utc(2025, 1, 1, 0, 0),
		    utc(2033, 1, 1, 0, 0), 100, &o), 0);
		CHECK_INT(o.n, 2);
		CHECK_INT(o.start[0], utc(2028, 2, 28, 23, 0));
		CHECK_INT(o.start[1], utc(2032, 2, 28, 23, 0));
	}
	CHECK_INT(expand(count, utc(2026, 1, 1, 0, 0), utc(2026, 2, 1, 0, 0),
	    100, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[2], utc(2026, 1, 7, 1, 0));
	CHECK_INT(o.end[2], utc(2026, 1, 7, 1, 30));
}

static void
test_extract_errors(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "not iCalendar at all", "" },
		{ VEV("SUMMARY:No start\r\n"), "DTSTART" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n"
		  "DTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		  "UID" },
		{ VEV("DTSTART;TZID=Mars/Olympus:20260101T100000\r\n"),
		  "unknown time zone" },
		{ VEV("DTSTART:20260101T100000Z\r\nDTEND:20260101T090000Z\r\n"),
		  "ends before it starts" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n"
		  "END:VCALENDAR\r\n", "VEVENT" },
	};
	struct event	 ev;
	char		*cause;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		CHECK_INT(ical_extract(bad[i].text, HOME, &ev, &cause), -1);
		if (cause == NULL || strstr(cause, bad[i].want) == NULL)
			fprintf(stderr, "extract %zu: %s\n", i,
			    cause ? cause : "(null)");
		CHECK(cause != NULL && strstr(cause, bad[i].want) != NULL);
		free(cause);
	}
	/* A floating time is read in the home zone; no DTEND: no length. */
	cause = NULL;
	CHECK_INT(ical_extract(VEV("DTSTART:20260105T100000\r\n"), HOME, &ev,
	    &cause), 0);
	CHECK_STR(ev.tz, HOME);
	CHECK_INT(ev.start, utc(2026, 1, 5, 1, 0));
	CHECK_INT(ev.end, ev.start);
	CHECK_STR(ev.kind, "other");
	event_clear(&ev);
}

/*
 * CLASS as stored: none is public, any case of the three is itself, and
 * one kcal does not know (X-TOP-SECRET, TOP-SECRET) is private (RFC 5545
 * 3.8.1.3); a record's class is its master's, not an override's.
 */
static void
test_class(void)
{
	static const char *const cases[][2] = {
		{ NULL, "public" }, { "PUBLIC", "public" },
		{ "confidential", "confidential" }, { "Private", "private" },
		{ "X-TOP-SECRET", "private" }, { "x-eyes-only", "private" },
		{ "TOP-SECRET", "private" },
		/* one libical could not read (its copies wrote these) */
		{ "", "private" },
	};
	struct event	 ev;
	char		 text[512], *cause = NULL;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(text, sizeof text, "BEGIN:VEVENT\r\nUID:c@kcal\r\n"
		    "DTSTART:20260301T090000Z\r\n%s%s%sEND:VEVENT\r\n",
		    cases[i][0] ? "CLASS:" : "", cases[i][0] ? cases[i][0] : "",
		    cases[i][0] ? "\r\n" : "");
		CHECK_INT(ical_extract(text, HOME, &ev, &cause), 0);
		CHECK_STR(ev.class, cases[i][1]);
		event_clear(&ev);
		CHECK_STR(ical_record_class(text), cases[i][1]);
	}
	CHECK_STR(ical_record_class("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
	    "UID:s@kcal\r\nDTSTART:20260301T090000Z\r\nRRULE:FREQ=DAILY\r\n"
	    "CLASS:X-SECRET\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:s@kcal\r\n"
	    "RECURRENCE-ID:20260302T090000Z\r\nDTSTART:20260302T090000Z\r\n"
	    "CLASS:PUBLIC\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), "private");
	CHECK(ical_record_class("not iCalendar") == NULL);
}

/*
 * A VALARM with REPEAT goes off again that many times, DURATION apart
 * (RFC 5545 3.8.6.2): each repetition is a reminder of its own.
 */
static void
test_alarm_repeat(void)
{
	static const char text[] = "BEGIN:VEVENT\r\nUID:rep@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260601T100000Z\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Repeat\r\n"
	    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
	    "TRIGGER:-PT15M\r\nREPEAT:2\r\nDURATION:PT5M\r\nEND:VALARM\r\n"
	    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
	    "TRIGGER;VALUE=DATE-TIME:20260601T080000Z\r\nREPEAT:1\r\n"
	    "DURATION:PT10M\r\nEND:VALARM\r\n"
	    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
	    "TRIGGER:-P1D\r\nREPEAT:1000000\r\nDURATION:PT1M\r\n"
	    "END:VALARM\r\nEND:VEVENT\r\n";
	struct event	 ev;
	char		*cause = NULL;

	CHECK_INT(ical_extract(text, HOME, &ev, &cause), 0);
	CHECK_INT(ev.nremind, 3 + 17);		/* a million: 16 more */
	if (ev.nremind == 20) {
		CHECK_INT(ev.remind[0], 900);
		CHECK_INT(ev.remind[1], 600);
		CHECK_INT(ev.remind[2], 300);
		CHECK_INT(ev.remind[19], 86400 - 16 * 60);
	}
	CHECK_INT(ev.nremind_at, 2);
	if (ev.nremind_at == 2)
		CHECK_INT(ev.remind_at[1] - ev.remind_at[0], 600);
	event_clear(&ev);
}

/* n occurrences of text in [from, to): their starts in *starts. */
static size_t
occ_starts(const char *text, int64_t from, int64_t to, int64_t *starts,
    size_t max);

/*
 * The forms a series' exceptions come in: a floating EXDATE (read in the
 * series' zone, not the home zone), a DATE UNTIL (the last day, whatever
 * the time), an override that kept the series' time (it moves with it).
 */
static void
test_move_series_forms(void)
{
	static const char old[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:mf@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;TZID=America/New_York:20260302T090000\r\n"
	    "DURATION:PT1H\r\nRRULE:FREQ=DAILY;UNTIL=20260306\r\n"
	    "EXDATE:20260303T090000\r\n"
	    "SUMMARY:Series\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:mf@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "RECURRENCE-ID;TZID=America/New_York:20260305T090000\r\n"
	    "DTSTART;TZID=America/New_York:20260305T090000\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Renamed one\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n";
	struct event_change	 ch;
	struct event		 ev;
	int64_t			 st[16];
	char			*text;

	/* 2, 4, 5 (renamed), 6 March at 09:00. */
	CHECK_INT(occ_starts(old, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0),
	    st, 16), 4);
	event_change_init(&ch);
	ch.start = wire("2026-03-02T23:00:00");
	text = apply(old, &ch, NULL, T1, &ev);
	event_clear(&ev);
	if (text == NULL)
		return;
	/* At 23:00 now, each the same day: still four, the last on the 6th. */
	CHECK_INT(occ_starts(text, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0,
	    0), st, 16), 4);
	CHECK_INT(st[0], utc(2026, 3, 3, 4, 0));
	CHECK_INT(st[1], utc(2026, 3, 5, 4, 0));
	CHECK_INT(st[2], utc(2026, 3, 6, 4, 0));	/* the renamed one */
	CHECK_INT(st[3], utc(2026, 3, 7, 4, 0));
	CHECK(strstr(text, "UNTIL=20260306"));
	free(text);
	/* Made all-day: the DATE UNTIL keeps its last day. */
	event_change_init(&ch);
	ch.start = wire("2026-03-02");
	ch.all_day = 1;
	ch.duration = 86400;
	text = apply(old, &ch, NULL, T1, &ev);
	event_clear(&ev);
	if (text == NULL)
		return;
	CHECK(strstr(text, "UNTIL=20260306"));
	CHECK_INT(occ_starts(text, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0,
	    0), st, 16), 4);
	free(text);
}

/*
 * Moving a series moves what names its occurrences: its EXDATE, its plain
 * RDATE, its UNTIL and its overrides' RECURRENCE-IDs, by the same
 * wall-clock amount; an override's own start stays.  A DURATION of days
 * stays nominal.
 */
static void
test_move_series(void)
{
	static const char old[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:ms@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;TZID=America/New_York:20260302T090000\r\n"
	    "DURATION:P1D\r\n"
	    "RRULE:FREQ=DAILY;UNTIL=20260310T130000Z\r\n"
	    "EXDATE;TZID=America/New_York:20260303T090000\r\n"
	    "RDATE;TZID=America/New_York:20260320T090000\r\n"
	    "SUMMARY:Series\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:ms@t\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "RECURRENCE-ID;TZID=America/New_York:20260305T090000\r\n"
	    "DTSTART;TZID=America/New_York:20260305T140000\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Moved one\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n";
	struct event_change	 ch;
	struct event		 ev;
	int64_t			 st[32];
	size_t			 n;
	char			*text;

	/* Before: 2, 4, 5 (14:00), 6..10 Mar at 09:00, and 20 Mar. */
	n = occ_starts(old, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0), st,
	    32);
	CHECK_INT(n, 9);
	/* To 11:00, across the change to EDT on 8 March. */
	event_change_init(&ch);
	ch.start = wire("2026-03-02T11:00:00");
	text = apply(old, &ch, NULL, T1, &ev);
	if (text == NULL)
		return;
	CHECK_INT(ev.end, utc(2026, 3, 3, 16, 0));	/* P1D: 11:00 next day */
	event_clear(&ev);
	CHECK(strstr(text, "EXDATE;TZID=America/New_York:20260303T110000"));
	CHECK(strstr(text, "RDATE;TZID=America/New_York:20260320T110000"));
	CHECK(strstr(text, "RECURRENCE-ID;TZID=America/New_York:"
	    "20260305T110000"));
	CHECK(strstr(text, "DTSTART;TZID=America/New_York:20260305T140000"));
	CHECK(strstr(text, "UNTIL=20260310T150000Z"));	/* 11:00 EDT */
	CHECK(strstr(text, "DURATION:P1D"));
	n = occ_starts(text, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0), st,
	    32);
	CHECK_INT(n, 9);
	CHECK_INT(st[0], utc(2026, 3, 2, 16, 0));
	CHECK_INT(st[1], utc(2026, 3, 4, 16, 0));
	CHECK_INT(st[2], utc(2026, 3, 5, 19, 0));	/* the override's */
	CHECK_INT(st[7], utc(2026, 3, 10, 15, 0));	/* UNTIL kept it */
	CHECK_INT(st[8], utc(2026, 3, 20, 15, 0));
	free(text);
	/* A new zone alone keeps the instants: so do the exceptions. */
	event_change_init(&ch);
	ch.tz = "America/Chicago";
	text = apply(old, &ch, NULL, T1, &ev);
	event_clear(&ev);
	CHECK(text && strstr(text, "EXDATE;TZID=America/Chicago:"
	    "20260303T080000"));
	if (text != NULL)
		CHECK_INT(occ_starts(text, utc(2026, 3, 1, 0, 0), utc(2026, 4,
		    1, 0, 0), st, 32), 9);
	free(text);
	test_move_series_forms();
}

struct starts {
	int64_t	*v;
	size_t	 n, max;
};

static int
start_cb(void *arg, const struct recur_occ *oc)
{
	struct starts	*s = arg;

	if (s->n < s->max)
		s->v[s->n++] = oc->start;
	return 0;
}

static size_t
occ_starts(const char *text, int64_t from, int64_t to, int64_t *starts,
    size_t max)
{
	struct starts	 s = { starts, 0, max };
	char		*cause = NULL;

	if (recur_expand(text, HOME, from, to, max, start_cb, &s,
	    &cause) < 0) {
		fprintf(stderr, "expand: %s\n", cause);
		CHECK(!"expand failed");
	}
	free(cause);
	return s.n;
}

/*
 * X-KCAL-ANCHOR-OFFSET read back as written, in 64 bits (libical's int
 * sum wraps 100 years), and anything else refused.
 */
static void
test_anchor_offset(void)
{
	const int64_t	 offs[] = { -86400, -90000, 1800, 0, 2 * 86400 + 60,
	    -KCAL_ANCHOR_MAX_OFFSET };
	static const char *bad[] = { "", "-", "P", "-P", "PT", "P12", "P1DT",
	    "P1DT2", "PT0H5H", "P0D1D", "P1W2D", "PT1D", "P1H", "PT1M1H",
	    "P1DT1HT1M", "p1d", "P 1D", "P-1D", "a day", "-P999999999D",
	    "P1W ", "PT5" };
	int64_t		 off = 7;
	int		 exact = 7;
	char		*t;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		for (int ex = 0; ex < 2; ex++) {
			t = ical_anchor_offset_text(offs[i], ex);
			CHECK(ical_anchor_offset_read(t, &off, &exact) == 0);
			CHECK_INT(off, offs[i]);
			CHECK_INT(exact, ex || (offs[i] > -86400 &&
			    offs[i] < 86400));
			icalmemory_free_buffer(t);
		}
	CHECK(ical_anchor_offset_read("-P36500D", &off, &exact) == 0);
	CHECK_INT(off, -36500LL * 86400);
	CHECK_INT(exact, 0);
	CHECK(ical_anchor_offset_read("PT24H", &off, &exact) == 0);
	CHECK_INT(off, 86400);
	CHECK_INT(exact, 1);
	CHECK(ical_anchor_offset_read("P000000001D", &off, &exact) == 0);
	CHECK_INT(off, 86400);
	CHECK(ical_anchor_offset_read("+PT1H1S", &off, &exact) == 0);
	CHECK_INT(off, 3601);
	CHECK_INT(exact, 1);
	CHECK(ical_anchor_offset_read("-P2W", &off, &exact) == 0);
	CHECK_INT(off, -14 * 86400);
	CHECK_INT(exact, 0);
	CHECK(ical_anchor_offset_read("P0DT24H", &off, &exact) == 0);
	CHECK_INT(off, 86400);
	CHECK_INT(exact, 1);
	off = exact = 7;
	/* libical reads all of these; none is a dur-value */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(ical_anchor_offset_read(bad[i], &off, &exact) == -1);
	CHECK_INT(off, 7);
	CHECK_INT(exact, 7);
	/* beyond an int: 70 years, and whole weeks as libical writes them */
	t = ical_anchor_offset_text(-25551LL * 86400, 0);
	CHECK_STR(t, "-P25551D");
	icalmemory_free_buffer(t);
	t = ical_anchor_offset_text(-70LL * 365 * 86400 - 3600, 1);
	CHECK_STR(t, "-PT613201H");
	icalmemory_free_buffer(t);
	t = ical_anchor_offset_text(14 * 86400, 0);
	CHECK_STR(t, "P2W");
	icalmemory_free_buffer(t);
}

int
main(void)
{
	test_new_event();
	test_edit();
	test_move();
	test_all_day();
	test_travel();
	test_rrule();
	test_expand_weekly();
	test_expand_period();
	test_expand_yearly();
	test_extract_errors();
	test_class();
	test_move_series();
	test_alarm_repeat();
	test_anchor_offset();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
