/*
 * test-recur.c — recurrence expansion (daemon/recur.c): in the event's own
 * zone across DST in Europe/Brussels and America/New_York, in Asia/Seoul
 * and Asia/Shanghai (no DST); yearly rules on 29 February (RFC 5545: no
 * occurrence in common years unless the rule says otherwise);
 * RECURRENCE-ID overrides (moved, changed, cancelled, moved into the
 * window from outside it); RDATE alone and as a period; all-day and
 * multi-day occurrences overlapping the window; the cap; a time in a DST
 * gap; a series opened once and walked with several windows, each
 * occurrence with its effective fields; an UTC UNTIL as an instant; a
 * DURATION of days as nominal; RANGE=THISANDFUTURE.  Times are passed
 * explicitly.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ical.h"
#include "recur.h"
#include "test.h"
#include "when.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define MAXO	64

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

struct occs {
	int64_t		start[MAXO], end[MAXO], rid[MAXO];
	char		summary[MAXO][64], status[MAXO][16];
	size_t		n;
};

static int
full_cb(void *arg, const struct recur_occ *oc)
{
	struct occs	*o = arg;

	if (o->n < MAXO) {
		o->start[o->n] = oc->start;
		o->end[o->n] = oc->end;
		o->rid[o->n] = oc->rid;
		snprintf(o->summary[o->n], sizeof o->summary[0], "%s",
		    oc->overridden && oc->ev->summary ? oc->ev->summary : "");
		snprintf(o->status[o->n], sizeof o->status[0], "%s",
		    oc->overridden ? oc->ev->status : "");
		o->n++;
	}
	return 0;
}

/* The same, leaving out the occurrences their override cancelled. */
static int
simple_cb(void *arg, const struct recur_occ *oc)
{
	if (oc->overridden && oc->ev->status != NULL &&
	    strcmp(oc->ev->status, "cancelled") == 0)
		return 0;
	return full_cb(arg, oc);
}

static int
expand(const char *text, int64_t from, int64_t to, size_t max, int full,
    struct occs *o)
{
	char	*cause = NULL;
	int	 rc;

	memset(o, 0, sizeof *o);
	rc = recur_expand(text, HOME, from, to, max, full ? full_cb :
	    simple_cb, o, &cause);
	if (rc < 0)
		fprintf(stderr, "expand: %s\n", cause);
	free(cause);
	return rc;
}

#define EV(uid, body) "BEGIN:VEVENT\r\nUID:" uid "\r\n" \
	"DTSTAMP:20260101T000000Z\r\n" body "END:VEVENT\r\n"
#define CAL(body) "BEGIN:VCALENDAR\r\n" body "END:VCALENDAR\r\n"

static void
test_new_york(void)
{
	static const char weekly[] = CAL(EV("ny@t",
	    "DTSTART;TZID=America/New_York:20260302T093000\r\n"
	    "DTEND;TZID=America/New_York:20260302T103000\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO\r\n"));
	struct occs	o;

	/* 09:30 in New York: 14:30Z in EST; 13:30Z from 8 March (EDT). */
	CHECK_INT(expand(weekly, utc(2026, 3, 1, 0, 0), utc(2026, 3, 17, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[0], utc(2026, 3, 2, 14, 30));
	CHECK_INT(o.start[1], utc(2026, 3, 9, 13, 30));
	CHECK_INT(o.start[2], utc(2026, 3, 16, 13, 30));
	/* And back on 1 November. */
	CHECK_INT(expand(weekly, utc(2026, 10, 25, 0, 0), utc(2026, 11, 10, 0,
	    0), 100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[0], utc(2026, 10, 26, 13, 30));
	CHECK_INT(o.start[1], utc(2026, 11, 2, 14, 30));
	CHECK_INT(o.start[2], utc(2026, 11, 9, 14, 30));
	CHECK_INT(o.end[1] - o.start[1], 3600);
}

static void
test_brussels_gap(void)
{
	static const char daily[] = CAL(EV("gap@t",
	    "DTSTART;TZID=Europe/Brussels:20260327T023000\r\n"
	    "DURATION:PT30M\r\n"
	    "RRULE:FREQ=DAILY;COUNT=4\r\n"));
	struct occs	o;

	CHECK_INT(expand(daily, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[0], utc(2026, 3, 27, 1, 30));	/* 02:30 CET */
	CHECK_INT(o.start[1], utc(2026, 3, 28, 1, 30));
	/* 02:30 on the 29th does not exist: the offset before the gap
	 * (RFC 5545 3.3.5), which is 03:30 CEST. */
	CHECK_INT(o.start[2], utc(2026, 3, 29, 1, 30));
	CHECK_INT(o.start[3], utc(2026, 3, 30, 0, 30));	/* 02:30 CEST */
}

/*
 * A series whose DTSTART is itself in the gap: that one is at 03:30 CEST,
 * the others at the 02:30 written (not at the 03:30 the first became).
 */
static void
test_gap_start(void)
{
	static const char daily[] = CAL(EV("gap0@t",
	    "DTSTART;TZID=Europe/Brussels:20260329T023000\r\n"
	    "DURATION:PT30M\r\n"
	    "RRULE:FREQ=DAILY;COUNT=3\r\n"));
	static const char floating[] = CAL(EV("gapf@t",
	    "DTSTART:20260329T023000\r\n"
	    "DURATION:PT30M\r\n"
	    "RRULE:FREQ=WEEKLY;COUNT=2\r\n"));
	struct occs	o;

	CHECK_INT(expand(daily, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[0], utc(2026, 3, 29, 1, 30));	/* 03:30 CEST */
	CHECK_INT(o.start[1], utc(2026, 3, 30, 0, 30));	/* 02:30 CEST */
	CHECK_INT(o.start[2], utc(2026, 3, 31, 0, 30));
	/* Floating, read in the home zone (Seoul has no gap: as written). */
	CHECK_INT(expand(floating, utc(2026, 3, 1, 0, 0), utc(2026, 4, 30, 0,
	    0), 100, 0, &o), 0);
	CHECK_INT(o.n, 2);
	CHECK_INT(o.start[1] - o.start[0], 7 * 86400);
}

static void
test_seoul_shanghai(void)
{
	static const char seoul[] = CAL(EV("seoul@t",
	    "DTSTART;TZID=Asia/Seoul:20260301T090000\r\n"
	    "DTEND;TZID=Asia/Seoul:20260301T100000\r\n"
	    "RRULE:FREQ=MONTHLY;COUNT=12\r\n"));
	static const char shanghai[] = CAL(EV("sh@t",
	    "DTSTART;TZID=Asia/Shanghai:20260105T190000\r\n"
	    "DTEND;TZID=Asia/Shanghai:20260105T210000\r\n"
	    "RRULE:FREQ=DAILY;UNTIL=20260107T235959Z\r\n"));
	struct occs	o;

	/* No DST: the same UTC time all year. */
	CHECK_INT(expand(seoul, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 10);
	CHECK_INT(o.start[0], utc(2026, 3, 1, 0, 0));
	CHECK_INT(o.start[6], utc(2026, 9, 1, 0, 0));
	CHECK_INT(o.start[9], utc(2026, 12, 1, 0, 0));
	CHECK_INT(expand(shanghai, utc(2026, 1, 1, 0, 0), utc(2026, 2, 1, 0,
	    0), 100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[0], utc(2026, 1, 5, 11, 0));
	CHECK_INT(o.start[2], utc(2026, 1, 7, 11, 0));
	CHECK_INT(o.end[2], utc(2026, 1, 7, 13, 0));
}

static void
test_leap_day(void)
{
	static const char plain[] = CAL(EV("leap@t",
	    "DTSTART;VALUE=DATE:20240229\r\n"
	    "X-KCAL-TZ:Asia/Seoul\r\n"
	    "RRULE:FREQ=YEARLY\r\n"));
	static const char last[] = CAL(EV("last@t",
	    "DTSTART;VALUE=DATE:20240229\r\n"
	    "X-KCAL-TZ:Asia/Seoul\r\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1\r\n"));
	static const char forward[] = CAL(EV("fwd@t",
	    "DTSTART;VALUE=DATE:20240229\r\n"
	    "X-KCAL-TZ:Asia/Seoul\r\n"
	    "RRULE:RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=FORWARD\r\n"));
	static const char timed[] = CAL(EV("leapt@t",
	    "DTSTART;TZID=Europe/Brussels:20240229T120000\r\n"
	    "DURATION:PT1H\r\n"
	    "RRULE:FREQ=YEARLY;COUNT=3\r\n"));
	struct occs	o;

	/* RFC 5545 3.3.10: 29 February does not exist in a common year and
	 * such an occurrence is ignored, not moved. */
	CHECK_INT(expand(plain, utc(2024, 1, 1, 0, 0), utc(2033, 1, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[0], utc(2024, 2, 28, 15, 0));
	CHECK_INT(o.start[1], utc(2028, 2, 28, 15, 0));
	CHECK_INT(o.start[2], utc(2032, 2, 28, 15, 0));
	/* ... unless the rule says otherwise: the last day of February. */
	CHECK_INT(expand(last, utc(2025, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[0], utc(2025, 2, 27, 15, 0));	/* 28 Feb KST */
	CHECK_INT(o.start[3], utc(2028, 2, 28, 15, 0));	/* 29 Feb KST */
	/* ... or RFC 7529 SKIP=FORWARD: 1 March in common years. */
	CHECK_INT(expand(forward, utc(2025, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[0], utc(2025, 2, 28, 15, 0));	/* 1 Mar KST */
	CHECK_INT(o.start[3], utc(2028, 2, 28, 15, 0));	/* 29 Feb KST */
	/* COUNT counts only real occurrences. */
	CHECK_INT(expand(timed, utc(2024, 1, 1, 0, 0), utc(2040, 1, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[2], utc(2032, 2, 29, 11, 0));
}

static const char series[] = CAL(
    EV("series@t",
    "SUMMARY:Weekly briefing\r\n"
    "DTSTART;TZID=Europe/Brussels:20260302T090000\r\n"
    "DTEND;TZID=Europe/Brussels:20260302T100000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=6\r\n")
    EV("series@t",
    "RECURRENCE-ID;TZID=Europe/Brussels:20260309T090000\r\n"
    "SUMMARY:Weekly briefing, in the afternoon\r\n"
    "DTSTART;TZID=Europe/Brussels:20260309T150000\r\n"
    "DTEND;TZID=Europe/Brussels:20260309T160000\r\n")
    EV("series@t",
    "RECURRENCE-ID:20260316T080000Z\r\n"
    "SUMMARY:Weekly briefing\r\n"
    "STATUS:CANCELLED\r\n"
    "DTSTART;TZID=Europe/Brussels:20260316T090000\r\n"
    "DTEND;TZID=Europe/Brussels:20260316T100000\r\n")
    EV("series@t",
    "RECURRENCE-ID;TZID=Europe/Brussels:20260406T090000\r\n"
    "SUMMARY:Weekly briefing, brought forward\r\n"
    "DTSTART;TZID=Europe/Brussels:20260320T090000\r\n"
    "DTEND;TZID=Europe/Brussels:20260320T100000\r\n"));

static void
test_overrides(void)
{
	struct occs	o;

	/* Full: 2 Mar; 9 Mar moved to 15:00; 16 Mar cancelled (reported,
	 * with its status); 23 and 30 Mar; 6 Apr moved to 20 Mar. */
	CHECK_INT(expand(series, utc(2026, 3, 1, 0, 0), utc(2026, 3, 31, 0, 0),
	    100, 1, &o), 0);
	CHECK_INT(o.n, 6);
	CHECK_INT(o.start[0], utc(2026, 3, 2, 8, 0));
	CHECK_STR(o.summary[0], "");
	CHECK_INT(o.start[1], utc(2026, 3, 9, 14, 0));
	CHECK_INT(o.rid[1], utc(2026, 3, 9, 8, 0));
	CHECK_STR(o.summary[1], "Weekly briefing, in the afternoon");
	CHECK_STR(o.status[2], "cancelled");
	CHECK_INT(o.rid[2], utc(2026, 3, 16, 8, 0));
	CHECK_INT(o.start[4], utc(2026, 3, 30, 7, 0));	/* CEST now */
	/* The 6 April occurrence, moved into this window from outside it. */
	CHECK_INT(o.start[5], utc(2026, 3, 20, 8, 0));
	CHECK_INT(o.rid[5], utc(2026, 4, 6, 7, 0));
	/* The simple form leaves out the cancelled one. */
	CHECK_INT(expand(series, utc(2026, 3, 1, 0, 0), utc(2026, 3, 31, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 5);
	/* A window after the moved one's new time: the old slot is empty. */
	CHECK_INT(expand(series, utc(2026, 4, 1, 0, 0), utc(2026, 5, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 0);
}

static void
test_rdates_and_days(void)
{
	static const char rdates[] = CAL(EV("rd@t",
	    "DTSTART;TZID=Asia/Seoul:20260601T100000\r\n"
	    "DURATION:PT2H\r\n"
	    "RDATE;TZID=Asia/Seoul:20260603T100000,20260605T140000\r\n"
	    "RDATE;VALUE=PERIOD:20260610T010000Z/20260610T020000Z\r\n"));
	static const char days[] = CAL(EV("days@t",
	    "DTSTART;VALUE=DATE:20260104\r\n"
	    "DTEND;VALUE=DATE:20260108\r\n"
	    "X-KCAL-TZ:Asia/Shanghai\r\n"
	    "RRULE:FREQ=MONTHLY;COUNT=3\r\n"));
	struct occs	o;
	struct event	ev;
	char		*cause = NULL;

	/* RDATE alone recurs: the store must treat it as recurring. */
	CHECK_INT(ical_extract(rdates, HOME, &ev, &cause), 0);
	CHECK(ev.rrule != NULL);
	event_clear(&ev);
	/* DTSTART is the first occurrence; a period keeps its own end. */
	CHECK_INT(expand(rdates, utc(2026, 5, 1, 0, 0), utc(2026, 7, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[0], utc(2026, 6, 1, 1, 0));
	CHECK_INT(o.start[1], utc(2026, 6, 3, 1, 0));
	CHECK_INT(o.start[2], utc(2026, 6, 5, 5, 0));
	CHECK_INT(o.start[3], utc(2026, 6, 10, 1, 0));
	CHECK_INT(o.end[3] - o.start[3], 3600);
	CHECK_INT(o.end[2] - o.start[2], 7200);	/* a plain RDATE */
	/* A four-day occurrence that began before the window is in it. */
	CHECK_INT(expand(days, utc(2026, 2, 6, 0, 0), utc(2026, 2, 7, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 1);
	CHECK_INT(o.start[0], utc(2026, 2, 3, 16, 0));	/* 4 Feb, Shanghai */
	CHECK_INT(o.end[0], utc(2026, 2, 7, 16, 0));
}

static void
test_cap(void)
{
	static const char endless[] = CAL(EV("inf@t",
	    "DTSTART:20200101T000000Z\r\n"
	    "DURATION:PT1M\r\n"
	    "RRULE:FREQ=MINUTELY\r\n"));
	struct occs	o;

	static const char ten[] = CAL(EV("ten@t",
	    "DTSTART:20200101T000000Z\r\n"
	    "DURATION:PT1M\r\n"
	    "RRULE:FREQ=MINUTELY;COUNT=10\r\n"));

	/* Minutely, but ten in all (nothing filters): expanded in full. */
	CHECK_INT(expand(ten, INT64_MIN, INT64_MAX, 50, 0, &o), 0);
	CHECK_INT(o.n, 10);
	CHECK_INT(o.start[9], utc(2020, 1, 1, 0, 9));
	static const char rare[] = CAL(EV("rare@t",
	    "DTSTART:16000101T000000Z\r\n"
	    "DURATION:PT1M\r\n"
	    "RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=3;COUNT=12000\r\n"));

	/*
	 * A COUNT walked from 1600, a match every four years among 8784
	 * candidates a year: the request's budget cuts it, and it says so.
	 */
	recur_budget_begin();
	CHECK_INT(expand(rare, utc(2026, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0),
	    50, 0, &o), 1);
	CHECK(recur_budget_spent());
	recur_budget_begin();
	/* Denser than max_yearly_occurrences: never walked, said cut. */
	CHECK_INT(expand(endless, utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0,
	    10), 50, 0, &o), 1);
	CHECK_INT(o.n, 0);
	recur_set_max_yearly(600000);
	/* An endless rule over an endless window stops at the cap. */
	CHECK_INT(expand(endless, INT64_MIN, INT64_MAX, 50, 0, &o), 1);
	CHECK_INT(o.n, 50);
	CHECK_INT(o.start[49], utc(2020, 1, 1, 0, 49));
	/* Within a bounded window it ends by itself. */
	CHECK_INT(expand(endless, utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0,
	    10), 50, 0, &o), 0);
	CHECK_INT(o.n, 10);
	recur_set_max_yearly(RECUR_MAX_YEARLY);
}

/* What one occurrence of recur_each() said, its ev copied out. */
struct rocc {
	int64_t		start, end, rid, evstart, evend;
	int		overridden;
	char		summary[64], location[64], class[16], status[16];
	char		part[64];
	size_t		nparts;
};

struct roccs {
	struct rocc	o[MAXO];
	size_t		n;
};

static void
copy(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s ? s : "");
}

static int
each_cb(void *arg, const struct recur_occ *oc)
{
	struct roccs	*r = arg;
	struct rocc	*o;

	if (r->n >= MAXO)
		return 1;
	o = &r->o[r->n++];
	o->start = oc->start;
	o->end = oc->end;
	o->rid = oc->rid;
	o->evstart = oc->ev->start;
	o->evend = oc->ev->end;
	o->overridden = oc->overridden;
	copy(o->summary, sizeof o->summary, oc->ev->summary);
	copy(o->location, sizeof o->location, oc->ev->location);
	copy(o->class, sizeof o->class, oc->ev->class);
	copy(o->status, sizeof o->status, oc->ev->status);
	o->nparts = oc->ev->nparts;
	copy(o->part, sizeof o->part, oc->ev->nparts ? oc->ev->parts[0].name :
	    NULL);
	return 0;
}

/*
 * A series parsed once and walked twice, with different windows; each
 * occurrence's ev carries its own fields and times: the override's
 * (summary, location, class, status, participants) or the master's.
 */
static void
test_series_walks(void)
{
	static const char text[] = CAL(
	    EV("walk@t",
	    "SUMMARY:Standup\r\n"
	    "LOCATION:Room 1\r\n"
	    "ATTENDEE;CN=Kim:mailto:kim@example.org\r\n"
	    "DTSTART;TZID=Asia/Seoul:20260601T090000\r\n"
	    "DTEND;TZID=Asia/Seoul:20260601T093000\r\n"
	    "RRULE:FREQ=DAILY;COUNT=5\r\n")
	    EV("walk@t",
	    "RECURRENCE-ID;TZID=Asia/Seoul:20260603T090000\r\n"
	    "SUMMARY:Standup, moved\r\n"
	    "LOCATION:Room 2\r\n"
	    "CLASS:PRIVATE\r\n"
	    "STATUS:TENTATIVE\r\n"
	    "ATTENDEE;CN=Lee:mailto:lee@example.org\r\n"
	    "ATTENDEE;CN=Park:mailto:park@example.org\r\n"
	    "DTSTART;TZID=Asia/Seoul:20260603T110000\r\n"
	    "DTEND;TZID=Asia/Seoul:20260603T120000\r\n")
	    EV("walk@t",
	    "RECURRENCE-ID;TZID=Asia/Seoul:20260604T090000\r\n"
	    "SUMMARY:Standup\r\n"
	    "STATUS:CANCELLED\r\n"
	    "DTSTART;TZID=Asia/Seoul:20260604T090000\r\n"
	    "DTEND;TZID=Asia/Seoul:20260604T093000\r\n"));
	struct recur	*rc;
	struct roccs	 r;
	char		*cause = NULL;
	size_t		 i;

	CHECK((rc = recur_open(text, HOME, &cause)) != NULL);
	if (rc == NULL)
		return;
	CHECK_STR(recur_master(rc)->summary, "Standup");
	CHECK_INT(recur_master(rc)->start, utc(2026, 6, 1, 0, 0));
	/* All five. */
	memset(&r, 0, sizeof r);
	CHECK_INT(recur_each(rc, utc(2026, 5, 1, 0, 0), utc(2026, 7, 1, 0, 0),
	    100, each_cb, &r, &cause), 0);
	CHECK_INT(r.n, 5);
	for (i = 0; i < r.n; i++) {
		CHECK_INT(r.o[i].evstart, r.o[i].start);
		CHECK_INT(r.o[i].evend, r.o[i].end);
	}
	CHECK_INT(r.o[0].start, utc(2026, 6, 1, 0, 0));
	CHECK_INT(r.o[0].overridden, 0);
	CHECK_STR(r.o[0].summary, "Standup");
	CHECK_STR(r.o[0].location, "Room 1");
	CHECK_STR(r.o[0].part, "Kim");
	CHECK_INT(r.o[1].start, utc(2026, 6, 2, 0, 0));
	CHECK_INT(r.o[1].end, utc(2026, 6, 2, 0, 30));
	/* 3 June: the override's own fields. */
	CHECK_INT(r.o[2].overridden, 1);
	CHECK_INT(r.o[2].rid, utc(2026, 6, 3, 0, 0));
	CHECK_INT(r.o[2].start, utc(2026, 6, 3, 2, 0));
	CHECK_INT(r.o[2].end, utc(2026, 6, 3, 3, 0));
	CHECK_STR(r.o[2].summary, "Standup, moved");
	CHECK_STR(r.o[2].location, "Room 2");
	CHECK_STR(r.o[2].class, "private");
	CHECK_STR(r.o[2].status, "tentative");
	CHECK_INT(r.o[2].nparts, 2);
	CHECK_STR(r.o[2].part, "Lee");
	/* 4 June: cancelled, reported all the same. */
	CHECK_INT(r.o[3].overridden, 1);
	CHECK_STR(r.o[3].status, "cancelled");
	CHECK_INT(r.o[4].start, utc(2026, 6, 5, 0, 0));
	CHECK_INT(r.o[4].rid, utc(2026, 6, 5, 0, 0));
	/* The same series again, another window: only 3 June, overridden. */
	memset(&r, 0, sizeof r);
	CHECK_INT(recur_each(rc, utc(2026, 6, 3, 1, 0), utc(2026, 6, 3, 23, 0),
	    100, each_cb, &r, &cause), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.o[0].summary, "Standup, moved");
	CHECK_INT(r.o[0].evstart, utc(2026, 6, 3, 2, 0));
	/* And a cap: two of them, cut short. */
	memset(&r, 0, sizeof r);
	CHECK_INT(recur_each(rc, utc(2026, 5, 1, 0, 0), utc(2026, 7, 1, 0, 0),
	    2, each_cb, &r, &cause), 1);
	CHECK_INT(r.n, 2);
	recur_close(rc);
	CHECK(recur_open("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", HOME,
	    &cause) == NULL && cause != NULL);
	free(cause);
}

/*
 * An UNTIL in UTC bounds the set as an instant (RFC 5545 3.3.10), also
 * when an occurrence falls in the hour a DST change skips or repeats.
 */
static void
test_until_instant(void)
{
	static const char gap[] = CAL(EV("ug@t",
	    "DTSTART;TZID=America/New_York:20260305T023000\r\n"
	    "DURATION:PT10M\r\n"
	    "RRULE:FREQ=DAILY;UNTIL=20260308T071500Z\r\n"));
	static const char fold[] = CAL(EV("uf@t",
	    "DTSTART;TZID=America/New_York:20261029T014500\r\n"
	    "DURATION:PT10M\r\n"
	    "RRULE:FREQ=DAILY;UNTIL=20261101T061500Z\r\n"));
	static const char exact[] = CAL(EV("ue@t",
	    "DTSTART;TZID=Europe/Brussels:20260301T090000\r\n"
	    "DURATION:PT1H\r\n"
	    "RRULE:FREQ=WEEKLY;UNTIL=20260329T070000Z\r\n"));
	struct occs	o;

	/* 8 March 02:30 does not exist: 03:30 EDT is 07:30Z, past UNTIL. */
	CHECK_INT(expand(gap, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[2], utc(2026, 3, 7, 7, 30));
	/* 1 November 01:45 EDT is 05:45Z, before UNTIL (06:15Z). */
	CHECK_INT(expand(fold, utc(2026, 10, 1, 0, 0), utc(2026, 12, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[3], utc(2026, 11, 1, 5, 45));
	/* An UNTIL on an occurrence's instant keeps it (09:00 CEST). */
	CHECK_INT(expand(exact, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 5);
	CHECK_INT(o.start[4], utc(2026, 3, 29, 7, 0));
}

/*
 * A DURATION of days or weeks is nominal (RFC 5545 3.3.6, 3.8.5.3): each
 * occurrence ends at the same wall-clock time that many days later, 23 or
 * 25 hours across a DST change; hours alone stay exact.
 */
static void
test_nominal_duration(void)
{
	static const char day[] = CAL(EV("nd@t",
	    "DTSTART;TZID=Europe/Berlin:20260321T120000\r\n"
	    "DURATION:P1DT2H\r\n"
	    "RRULE:FREQ=WEEKLY;COUNT=3\r\n"));
	static const char hours[] = CAL(EV("nh@t",
	    "DTSTART;TZID=Europe/Berlin:20260328T120000\r\n"
	    "DURATION:PT24H\r\n"));
	static const char week[] = CAL(EV("nw@t",
	    "DTSTART;TZID=America/New_York:20261028T120000\r\n"
	    "DURATION:P1W\r\n"));
	struct occs	o;
	struct event	ev;
	char		*cause = NULL;

	CHECK_INT(expand(day, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.end[0], utc(2026, 3, 22, 13, 0));	/* 14:00 CET */
	CHECK_INT(o.end[1], utc(2026, 3, 29, 12, 0));	/* 14:00 CEST: 25 h */
	CHECK_INT(o.end[2], utc(2026, 4, 5, 12, 0));
	CHECK_INT(expand(hours, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 1);
	CHECK_INT(o.end[0] - o.start[0], 86400);
	/* A single event: its stored end, 12:00 EST a week later. */
	CHECK_INT(ical_extract(week, HOME, &ev, &cause), 0);
	CHECK_INT(ev.end, utc(2026, 11, 4, 17, 0));
	CHECK_INT(ev.dur_days, 7);
	event_clear(&ev);
}

/*
 * RANGE=THISANDFUTURE (RFC 5545 3.8.4.4): the override moves its own
 * occurrence and every later one by as much wall-clock time (11:00 stays
 * 11:00 across DST), with its fields; a later override or EXDATE of its
 * own still wins.
 */
static void
test_thisandfuture(void)
{
	static const char taf[] = CAL(EV("taf@t",
	    "DTSTART;TZID=Europe/Berlin:20260326T090000\r\n"
	    "DTEND;TZID=Europe/Berlin:20260326T100000\r\n"
	    "RRULE:FREQ=DAILY;COUNT=6\r\n"
	    "EXDATE;TZID=Europe/Berlin:20260331T090000\r\n")
	    EV("taf@t",
	    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:"
	    "20260327T090000\r\n"
	    "DTSTART;TZID=Europe/Berlin:20260327T110000\r\n"
	    "DTEND;TZID=Europe/Berlin:20260327T113000\r\n"
	    "SUMMARY:Later\r\n")
	    EV("taf@t",
	    "RECURRENCE-ID;TZID=Europe/Berlin:20260330T090000\r\n"
	    "DTSTART;TZID=Europe/Berlin:20260330T150000\r\n"
	    "DTEND;TZID=Europe/Berlin:20260330T160000\r\n"
	    "SUMMARY:One off\r\n"));
	struct occs	o;

	CHECK_INT(expand(taf, utc(2026, 3, 1, 0, 0), utc(2026, 4, 30, 0, 0),
	    100, 1, &o), 0);
	CHECK_INT(o.n, 5);
	CHECK_INT(o.start[0], utc(2026, 3, 26, 8, 0));
	CHECK_STR(o.summary[0], "");
	CHECK_INT(o.start[1], utc(2026, 3, 27, 10, 0));
	CHECK_INT(o.start[2], utc(2026, 3, 28, 10, 0));	/* 11:00 CET */
	CHECK_INT(o.rid[2], utc(2026, 3, 28, 8, 0));
	CHECK_STR(o.summary[2], "Later");
	CHECK_INT(o.end[2] - o.start[2], 1800);
	CHECK_INT(o.start[3], utc(2026, 3, 29, 9, 0));	/* 11:00 CEST */
	CHECK_INT(o.start[4], utc(2026, 3, 30, 13, 0));
	CHECK_STR(o.summary[4], "One off");
}

/*
 * A window walk finds the occurrences a THISANDFUTURE override moved into
 * it from far (two days later: the rule's instant is before the window)
 * or from later (an hour earlier: the rule's instant is past it).
 */
static void
test_thisandfuture_reach(void)
{
	static const char later[] = CAL(EV("tl@t",
	    "DTSTART;TZID=UTC:20260105T100000\r\n"
	    "DTEND;TZID=UTC:20260105T110000\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO\r\n")
	    EV("tl@t",
	    "RECURRENCE-ID;RANGE=THISANDFUTURE:20260112T100000Z\r\n"
	    "DTSTART:20260114T100000Z\r\nDTEND:20260114T110000Z\r\n"));
	static const char earlier[] = CAL(EV("te@t",
	    "DTSTART:20260105T090000Z\r\nDTEND:20260105T091000Z\r\n"
	    "RRULE:FREQ=DAILY\r\n")
	    EV("te@t",
	    "RECURRENCE-ID;RANGE=THISANDFUTURE:20260106T090000Z\r\n"
	    "DTSTART:20260106T080000Z\r\nDTEND:20260106T081000Z\r\n"));
	static const char forms[] = CAL(EV("tf@t",
	    "DTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260106\r\n"
	    "X-KCAL-TZ:Europe/Berlin\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n")
	    EV("tf@t",
	    "RECURRENCE-ID;VALUE=DATE;RANGE=THISANDFUTURE:20260112\r\n"
	    "DTSTART;TZID=Europe/Berlin:20260112T100000\r\n"
	    "DTEND;TZID=Europe/Berlin:20260112T110000\r\n"));
	struct occs	o;

	/* Wednesday 21 January, from the Monday rule's instant of the 19th. */
	CHECK_INT(expand(later, utc(2026, 1, 21, 0, 0), utc(2026, 1, 22, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 1);
	CHECK_INT(o.start[0], utc(2026, 1, 21, 10, 0));
	/* 08:00-08:10 on the 8th: the rule says 09:00, past the window. */
	CHECK_INT(expand(earlier, utc(2026, 1, 8, 8, 0), utc(2026, 1, 8, 8, 30),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 1);
	CHECK_INT(o.start[0], utc(2026, 1, 8, 8, 0));
	/* A timed override of an all-day series: later ones at 10:00. */
	CHECK_INT(expand(forms, utc(2026, 1, 1, 0, 0), utc(2026, 2, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[2], utc(2026, 1, 19, 9, 0));
	CHECK_INT(o.end[2] - o.start[2], 3600);
}

static void	test_rdate_and_rule(void);

/* An UNTIL at the end of year 9999, and one after a skipped hour. */
static void
test_until_edges(void)
{
	static const char far[] = CAL(EV("uf9@t",
	    "DTSTART;TZID=America/New_York:20260105T090000\r\n"
	    "DURATION:PT1H\r\n"
	    "RRULE:FREQ=YEARLY;UNTIL=99991231T235959Z\r\n"));
	static const char gap[] = CAL(EV("ugm@t",
	    "DTSTART;TZID=America/New_York:20260308T010000\r\n"
	    "DURATION:PT10M\r\n"
	    "RRULE:FREQ=MINUTELY;INTERVAL=30;UNTIL=20260308T071500Z\r\n"));
	struct occs	o;

	CHECK_INT(expand(far, utc(2026, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 2);
	/* 01:00, 01:30 EST; 02:30 is 07:30Z (past UNTIL); 03:00 EDT 07:00Z. */
	CHECK_INT(expand(gap, utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.start[3], utc(2026, 3, 8, 7, 0));
	test_rdate_and_rule();
}

/*
 * An RDATE on an instant the rule also makes is one occurrence; one the
 * day after a UTC UNTIL (where the walk still looks, past it) is there.
 */
static void
test_rdate_and_rule(void)
{
	static const char after[] = CAL(EV("ra@t",
	    "DTSTART;TZID=Europe/Paris:20260105T090000\r\n"
	    "DURATION:PT1H\r\n"
	    "RRULE:FREQ=DAILY;UNTIL=20260109T080000Z\r\n"
	    "RDATE;TZID=Europe/Paris:20260110T090000,20260107T090000\r\n"));
	struct occs	o;

	CHECK_INT(expand(after, utc(2026, 1, 1, 0, 0), utc(2026, 2, 1, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 6);		/* 5 to 9 January, and the 10th */
	CHECK_INT(o.start[2], utc(2026, 1, 7, 8, 0));	/* in the rule's order */
	CHECK_INT(o.start[5], utc(2026, 1, 10, 8, 0));
	/* A window of the 7th alone: once. */
	CHECK_INT(expand(after, utc(2026, 1, 7, 0, 0), utc(2026, 1, 8, 0, 0),
	    100, 0, &o), 0);
	CHECK_INT(o.n, 1);
}

int
main(void)
{
	test_new_york();
	test_brussels_gap();
	test_gap_start();
	test_seoul_shanghai();
	test_leap_day();
	test_overrides();
	test_rdates_and_days();
	test_cap();
	test_series_walks();
	test_until_instant();
	test_nominal_duration();
	test_thisandfuture();
	test_thisandfuture_reach();
	test_until_edges();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
