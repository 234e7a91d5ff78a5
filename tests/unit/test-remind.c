/*
 * test-remind.c — reminder planning (daemon/remind-plan.c) on an injected
 * clock: one-off and recurring events, DST, edits, snoozes, absolute
 * triggers, defaults per kind, the grace window, a series with overrides
 * (moved, changed, cancelled).  The reminder tables are
 * test-store-remind.c's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ical.h"
#include "recur.h"
#include "remind.h"
#include "test.h"
#include "when.h"
#include "xmalloc.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define NOW0	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */

struct fixture {
	struct event	 ev;
	char		*text;
	struct recur	*series;	/* text, parsed once */
};

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static struct recur *
open_series(const char *text)
{
	struct recur	*rc;
	char		*why = NULL;

	if ((rc = recur_open(text, HOME, &why)) == NULL) {
		fprintf(stderr, "recur_open: %s\n", why);
		free(why);
		CHECK(!"recur_open failed");
	}
	return rc;
}

/* A new event: start is a wire time read in tz. */
static void
make(struct fixture *f, const char *uid, const char *start, const char *tz,
    const int64_t *offs, size_t noffs, const char *rrule)
{
	struct event_change	 ch;
	char			*why = NULL;

	event_change_init(&ch);
	ch.summary = "Motorcade";
	ch.kind = "summit";
	ch.tz = tz;
	when_parse_abs(start, &ch.start);
	ch.duration = 3600;
	ch.rrule = rrule;
	if (noffs > 0) {
		ch.set_remind = 1;
		ch.remind = xcalloc(noffs, sizeof *ch.remind);
		memcpy(ch.remind, offs, noffs * sizeof *offs);
		ch.nremind = noffs;
	}
	f->text = NULL;
	if (ical_apply(NULL, &ch, uid, NOW0, HOME, &f->text, &f->ev,
	    &why) != 0) {
		fprintf(stderr, "ical_apply: %s\n", why);
		free(why);
		CHECK(!"ical_apply failed");
	}
	event_change_clear(&ch);
	f->series = open_series(f->text);
}

/* Edit f with ch (replacing it). */
static void
edit(struct fixture *f, const struct event_change *ch)
{
	struct event	 ev;
	char		*text = NULL, *why = NULL;
	int		 rc;

	rc = ical_apply(f->text, ch, NULL, NOW0 + 60, HOME, &text, &ev, &why);
	if (rc != 0 && rc != ICAL_UNCHANGED) {
		fprintf(stderr, "ical_apply: %s\n", why);
		free(why);
		CHECK(!"edit failed");
		return;
	}
	event_clear(&f->ev);
	free(f->text);
	recur_close(f->series);
	f->ev = ev;
	f->text = text;
	f->series = open_series(text);
}

static void
fixture_clear(struct fixture *f)
{
	event_clear(&f->ev);
	free(f->text);
	recur_close(f->series);
}

static void
input(struct remind_input *in, const struct fixture *f,
    const struct remind_mark *marks, size_t nmarks)
{
	memset(in, 0, sizeof *in);
	in->ev = &f->ev;
	in->series = f->series;
	in->offs = f->ev.remind;
	in->noffs = f->ev.nremind;
	in->marks = marks;
	in->nmarks = nmarks;
	in->max_occ = 5000;
}

static int64_t
next_after(const struct remind_input *in, int64_t after)
{
	int64_t	 t = 0;
	char	*why = NULL;

	if (remind_next(in, after, &t, &why) != 0) {
		fprintf(stderr, "remind_next: %s\n", why);
		free(why);
		CHECK(!"remind_next failed");
	}
	return t;
}

static size_t
collect(const struct remind_input *in, int64_t from, int64_t to,
    struct remind_due **v)
{
	size_t	 n = 0;
	char	*why = NULL;

	if (remind_collect(in, from, to, v, &n, &why) != 0) {
		fprintf(stderr, "remind_collect: %s\n", why);
		free(why);
		CHECK(!"remind_collect failed");
	}
	return n;
}

static void
test_one_off(void)
{
	static const int64_t	 offs[] = { 1800, 600 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m[2];
	struct remind_due	*v;
	int64_t			 start = utc(2026, 1, 5, 2, 0);

	make(&f, "one@test", "2026-01-05T10:00:00", "Asia/Shanghai", offs, 2,
	    NULL);
	CHECK_INT(f.ev.start, start);
	input(&in, &f, NULL, 0);
	CHECK_INT(next_after(&in, NOW0), start - 1800);
	CHECK_INT(next_after(&in, start - 1800), start - 600);
	CHECK_INT(next_after(&in, start - 600), REMIND_NEVER);

	/* Both due in the window, in order, each once. */
	CHECK_INT(collect(&in, start - 1800, start, &v), 2);
	CHECK_INT(v[0].due, start - 1800);
	CHECK_INT(v[0].before, 1800);
	CHECK_INT(v[0].occ, start);
	CHECK_INT(v[1].due, start - 600);
	CHECK(!v[0].snoozed);
	free(v);

	/* Fired (and missed) reminders are not pending any more. */
	m[0] = (struct remind_mark){ start, start - 1800, REMIND_FIRED, 0 };
	m[1] = (struct remind_mark){ start, start - 600, REMIND_MISSED, 0 };
	input(&in, &f, m, 1);
	CHECK_INT(next_after(&in, NOW0), start - 600);
	input(&in, &f, m, 2);
	CHECK_INT(next_after(&in, NOW0), REMIND_NEVER);
	CHECK_INT(collect(&in, NOW0, start, &v), 0);
	free(v);
	fixture_clear(&f);
}

static void
test_cancelled(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_due	*v;
	struct event_change	 ch;

	make(&f, "gone@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1,
	    NULL);
	event_change_init(&ch);
	ch.status = "cancelled";
	edit(&f, &ch);
	CHECK_STR(f.ev.status, "cancelled");
	input(&in, &f, NULL, 0);
	CHECK_INT(next_after(&in, NOW0), REMIND_NEVER);
	CHECK_INT(collect(&in, NOW0, NOW0 + 86400 * 30, &v), 0);
	free(v);
	fixture_clear(&f);
}

/* A daily 09:00 meeting in Berlin across the spring DST change. */
static void
test_recurring_dst(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m;
	struct remind_due	*v;
	size_t			 n;

	make(&f, "daily@test", "2026-03-20T09:00:00", "Europe/Berlin", offs, 1,
	    "FREQ=DAILY");
	input(&in, &f, NULL, 0);
	/* 08:30 CET is 07:30Z; 08:30 CEST (from 29 March) is 06:30Z. */
	CHECK_INT(next_after(&in, utc(2026, 3, 20, 0, 0)),
	    utc(2026, 3, 20, 7, 30));
	CHECK_INT(next_after(&in, utc(2026, 3, 28, 7, 30)),
	    utc(2026, 3, 29, 6, 30));
	/* One reminder per occurrence; the one fired is not repeated. */
	m = (struct remind_mark){ utc(2026, 3, 29, 7, 0), utc(2026, 3, 29, 6,
	    30), REMIND_FIRED, 0 };
	input(&in, &f, &m, 1);
	CHECK_INT(next_after(&in, utc(2026, 3, 28, 7, 30)),
	    utc(2026, 3, 30, 6, 30));
	/* Three days of downtime: three due, the fired one skipped. */
	n = collect(&in, utc(2026, 3, 28, 0, 0), utc(2026, 3, 31, 0, 0), &v);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0].due, utc(2026, 3, 28, 7, 30));
		CHECK_INT(v[0].occ, utc(2026, 3, 28, 8, 0));
		CHECK_INT(v[1].due, utc(2026, 3, 30, 6, 30));
	}
	free(v);
	fixture_clear(&f);
}

/* Moving an event re-plans it; an edit that keeps the time does not. */
static void
test_edits(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m;
	struct event_change	 ch;
	int64_t			 start;

	make(&f, "edit@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1,
	    NULL);
	start = f.ev.start;
	m = (struct remind_mark){ start, start - 1800, REMIND_FIRED, 0 };
	input(&in, &f, &m, 1);
	CHECK_INT(next_after(&in, NOW0), REMIND_NEVER);

	event_change_init(&ch);
	ch.summary = "Motorcade (new route)";
	edit(&f, &ch);
	input(&in, &f, &m, 1);
	CHECK_INT(next_after(&in, NOW0), REMIND_NEVER);	/* unchanged */

	event_change_init(&ch);
	when_parse_abs("2026-01-05T11:00:00", &ch.start);
	edit(&f, &ch);
	CHECK_INT(f.ev.start, start + 3600);
	input(&in, &f, &m, 1);
	CHECK_INT(next_after(&in, NOW0), start + 3600 - 1800);	/* changed */

	/* A changed trigger on the same start is a new reminder too. */
	event_change_init(&ch);
	when_parse_abs("2026-01-05T10:00:00", &ch.start);
	ch.set_remind = 1;
	ch.remind = xcalloc(1, sizeof *ch.remind);
	ch.remind[0] = 900;
	ch.nremind = 1;
	edit(&f, &ch);
	event_change_clear(&ch);
	input(&in, &f, &m, 1);
	CHECK_INT(next_after(&in, NOW0), start - 900);
	fixture_clear(&f);
}

static void
test_snooze(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m;
	struct remind_due	*v;
	int64_t			 start, until;

	make(&f, "snooze@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1,
	    NULL);
	start = f.ev.start;
	until = start - 1800 + 600;
	m = (struct remind_mark){ start, start - 1800, REMIND_SNOOZED, until };
	input(&in, &f, &m, 1);
	CHECK_INT(next_after(&in, start - 1800), until);
	CHECK_INT(collect(&in, until, until, &v), 1);
	CHECK_INT(v[0].at, until);
	CHECK_INT(v[0].due, start - 1800);
	CHECK_INT(v[0].before, 1800);
	CHECK(v[0].snoozed);
	free(v);
	/* Once it fired again, it is done; acknowledged ones never fire. */
	m.state = REMIND_FIRED;
	CHECK_INT(next_after(&in, start - 1800), REMIND_NEVER);
	m.state = REMIND_ACKED;
	CHECK_INT(next_after(&in, NOW0), REMIND_NEVER);
	fixture_clear(&f);
}

static void
test_absolute(void)
{
	static const int64_t	 offs[] = { 3600 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_due	*v;
	struct remind_mark	 m;
	struct event_change	 ch;
	int64_t			 at = utc(2026, 3, 21, 12, 0);
	size_t			 n;

	make(&f, "abs@test", "2026-03-20T09:00:00", "Europe/Berlin", offs, 1,
	    "FREQ=DAILY");
	event_change_init(&ch);
	ch.set_remind_at = 1;
	ch.remind_at = xcalloc(1, sizeof *ch.remind_at);
	ch.remind_at[0] = at;
	ch.nremind_at = 1;
	edit(&f, &ch);
	event_change_clear(&ch);
	CHECK_INT(f.ev.nremind_at, 1);
	CHECK_INT(f.ev.nremind, 1);		/* the relative one kept */
	CHECK(strstr(f.text, "TRIGGER;VALUE=DATE-TIME:20260321T120000Z") !=
	    NULL);
	input(&in, &f, NULL, 0);
	n = collect(&in, at, at, &v);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(v[0].occ, 0);
		CHECK_INT(v[0].before, REMIND_ABSOLUTE);
		/* It reminds of the next occurrence: 22 March, 08:00Z. */
		CHECK_INT(remind_occurrence(&in, v[0].due),
		    utc(2026, 3, 22, 8, 0));
	}
	free(v);
	/* Fired once, it stays fired whatever the event's start becomes. */
	m = (struct remind_mark){ 0, at, REMIND_FIRED, 0 };
	input(&in, &f, &m, 1);
	CHECK_INT(collect(&in, at, at, &v), 0);
	free(v);
	fixture_clear(&f);
}

static void
test_defaults(void)
{
	static const int64_t	 own[] = { 300 };
	struct remind_list	 kind, dflt;
	struct fixture		 f;
	const int64_t		*offs;
	size_t			 n;
	char			*why = NULL, *s;

	CHECK_INT(remind_parse_list("1d, 1h", &kind, &why), 0);
	CHECK_INT(kind.n, 2);
	CHECK_INT(kind.off[0], 86400);
	CHECK_INT(kind.off[1], 3600);
	CHECK_INT(remind_parse_list("30m", &dflt, &why), 0);
	s = remind_format_list(&kind);
	CHECK_STR(s, "1d,1h");
	free(s);
	CHECK_INT(remind_parse_list("none", &dflt, &why), 0);
	CHECK(dflt.set && dflt.n == 0);
	CHECK_INT(remind_parse_list("0", &dflt, &why), 0);
	CHECK_INT(dflt.off[0], 0);
	CHECK_INT(remind_parse_list("0s, 1h", &dflt, &why), 0);
	CHECK(dflt.n == 2 && dflt.off[0] == 0 && dflt.off[1] == 3600);
	CHECK_INT(remind_parse_list("soon", &dflt, &why), -1);
	CHECK(why != NULL && strstr(why, "soon") != NULL);
	free(why);
	CHECK_INT(remind_parse_list("30m", &dflt, &why), 0);

	make(&f, "dflt@test", "2026-01-05T10:00:00", "Asia/Seoul", NULL, 0,
	    NULL);
	remind_offsets(&f.ev, &kind, &dflt, &offs, &n);	/* per kind wins */
	CHECK_INT(n, 2);
	CHECK_INT(offs[0], 86400);
	kind.set = 0;
	remind_offsets(&f.ev, &kind, &dflt, &offs, &n);	/* then the default */
	CHECK_INT(n, 1);
	CHECK_INT(offs[0], 1800);
	remind_offsets(&f.ev, NULL, NULL, &offs, &n);
	CHECK_INT(n, 0);
	fixture_clear(&f);

	make(&f, "own@test", "2026-01-05T10:00:00", "Asia/Seoul", own, 1, NULL);
	kind.set = 1;
	remind_offsets(&f.ev, &kind, &dflt, &offs, &n);	/* its own win */
	CHECK_INT(n, 1);
	CHECK_INT(offs[0], 300);
	fixture_clear(&f);
}

static void
test_grace(void)
{
	int64_t	 due = NOW0, started = NOW0 - 100, grace = 3600;

	CHECK_INT(remind_classify(due, due, started, grace), REMIND_ON_TIME);
	CHECK_INT(remind_classify(due, due + 1, started, grace),
	    REMIND_ON_TIME);
	/* The machine slept or the clock jumped: late beyond the slack. */
	CHECK_INT(remind_classify(due, due + REMIND_LATE_SLACK + 1, started,
	    grace), REMIND_LATE);
	/* Due while the daemon was down: late, however little. */
	CHECK_INT(remind_classify(due, due + 3, due + 2, grace), REMIND_LATE);
	CHECK_INT(remind_classify(due, due + grace, due + 2, grace),
	    REMIND_LATE);
	CHECK_INT(remind_classify(due, due + grace + 1, due + 2, grace),
	    REMIND_TOO_OLD);
}

/* Every other year: nothing within the horizon, so a checkpoint. */
static void
test_horizon(void)
{
	static const int64_t	 offs[] = { 3600 };
	struct fixture		 f;
	struct remind_input	 in;
	int64_t			 after = utc(2026, 6, 1, 0, 0), t;

	make(&f, "rare@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1,
	    "FREQ=YEARLY;INTERVAL=2");
	input(&in, &f, NULL, 0);
	t = next_after(&in, after);
	CHECK_INT(t, after + REMIND_HORIZON + 1);
	/* Looking again from the checkpoint finds the occurrence. */
	CHECK_INT(next_after(&in, t), utc(2028, 1, 5, 0, 0));
	fixture_clear(&f);

	make(&f, "ended@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1,
	    "FREQ=DAILY;COUNT=2");
	input(&in, &f, NULL, 0);
	CHECK_INT(next_after(&in, after), REMIND_NEVER);
	fixture_clear(&f);
}

/*
 * A daily series with one occurrence overridden -- other summary, place,
 * zone, class, moved six hours later -- and one cancelled: the reminder of
 * that day is due before the moved start and shows the override's own
 * fields; the master's original slot and the cancelled day get none.
 */
#define OVR_SERIES \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//remind//EN\r\n" \
	"BEGIN:VEVENT\r\nUID:ovr@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260105T090000\r\nDURATION:PT1H\r\n" \
	"RRULE:FREQ=DAILY;COUNT=6\r\nSUMMARY:Morning briefing\r\n" \
	"LOCATION:Room A\r\nCLASS:PUBLIC\r\nEND:VEVENT\r\n" \
	"BEGIN:VEVENT\r\nUID:ovr@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"RECURRENCE-ID;TZID=Asia/Shanghai:20260107T090000\r\n" \
	"DTSTART;TZID=Asia/Tokyo:20260107T160000\r\nDURATION:PT2H\r\n" \
	"SUMMARY:Briefing moved to Tokyo\r\nLOCATION:Embassy\\, Tokyo\r\n" \
	"CLASS:CONFIDENTIAL\r\nEND:VEVENT\r\n" \
	"BEGIN:VEVENT\r\nUID:ovr@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"RECURRENCE-ID;TZID=Asia/Shanghai:20260109T090000\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260109T090000\r\nDURATION:PT1H\r\n" \
	"SUMMARY:Morning briefing\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n" \
	"END:VCALENDAR\r\n"

struct seen {
	char	*summary, *location, *class, *tz;
	int64_t	 start, end;
};

static void
seen_cb(void *arg, const struct event *ev)
{
	struct seen	*s = arg;

	s->summary = xstrdup(ev->summary ? ev->summary : "");
	s->location = xstrdup(ev->location ? ev->location : "");
	s->class = xstrdup(ev->class ? ev->class : "");
	s->tz = xstrdup(ev->tz ? ev->tz : "");
	s->start = ev->start;
	s->end = ev->end;
}

static void
seen_at(const struct remind_input *in, int64_t start, struct seen *s)
{
	memset(s, 0, sizeof *s);
	remind_occurrence_fields(in, start, seen_cb, s);
}

static void
seen_clear(struct seen *s)
{
	free(s->summary);
	free(s->location);
	free(s->class);
	free(s->tz);
}

static void
test_override(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_due	*v;
	struct seen		 s;
	char			*why = NULL;
	/* 09:00 in Shanghai is 01:00Z; the moved one, 16:00 in Tokyo, 07:00Z. */
	int64_t			 moved = utc(2026, 1, 7, 7, 0);
	size_t			 n;

	memset(&f, 0, sizeof f);
	f.text = xstrdup(OVR_SERIES);
	CHECK_INT(ical_extract(f.text, HOME, &f.ev, &why), 0);
	free(why);
	f.series = open_series(f.text);
	input(&in, &f, NULL, 0);
	in.offs = offs;
	in.noffs = 1;

	n = collect(&in, utc(2026, 1, 4, 0, 0), utc(2026, 1, 12, 0, 0), &v);
	CHECK_INT(n, 5);	/* 5th, 6th, the moved 7th, 8th; 10th */
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i].occ != utc(2026, 1, 7, 1, 0));
		CHECK(v[i].occ != utc(2026, 1, 9, 1, 0));
	}
	if (n == 5) {
		CHECK_INT(v[1].occ, utc(2026, 1, 6, 1, 0));
		CHECK_INT(v[2].occ, moved);
		CHECK_INT(v[2].due, moved - 1800);
		CHECK_INT(v[3].occ, utc(2026, 1, 8, 1, 0));
		CHECK_INT(v[4].occ, utc(2026, 1, 10, 1, 0));
	}
	free(v);
	/* Next after the 6th's: the moved one, not 00:30Z on the 7th. */
	CHECK_INT(next_after(&in, utc(2026, 1, 6, 0, 30)), moved - 1800);
	CHECK_INT(next_after(&in, utc(2026, 1, 8, 0, 30)),
	    utc(2026, 1, 10, 0, 30));

	seen_at(&in, moved, &s);
	CHECK_STR(s.summary, "Briefing moved to Tokyo");
	CHECK_STR(s.location, "Embassy, Tokyo");
	CHECK_STR(s.class, "confidential");
	CHECK_STR(s.tz, "Asia/Tokyo");
	CHECK_INT(s.start, moved);
	CHECK_INT(s.end, moved + 7200);
	seen_clear(&s);
	seen_at(&in, utc(2026, 1, 8, 1, 0), &s);
	CHECK_STR(s.summary, "Morning briefing");
	CHECK_STR(s.location, "Room A");
	CHECK_STR(s.class, "public");
	CHECK_STR(s.tz, "Asia/Shanghai");
	CHECK_INT(s.start, utc(2026, 1, 8, 1, 0));
	CHECK_INT(s.end, utc(2026, 1, 8, 2, 0));
	seen_clear(&s);
	fixture_clear(&f);
}

/*
 * An override with VALARMs of its own is reminded by them (a day before,
 * here, or by none with X-KCAL-NO-REMIND); one without keeps the series'
 * 15 minutes.  A snooze of an occurrence whose override took its
 * reminders away does not come back.
 */
#define ALARM(t) "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n" \
	"TRIGGER:" t "\r\nEND:VALARM\r\n"
#define OVR_ALARMS \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//remind//EN\r\n" \
	"BEGIN:VEVENT\r\nUID:alarms@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260105T090000\r\nDURATION:PT1H\r\n" \
	"RRULE:FREQ=DAILY;COUNT=6\r\nSUMMARY:Briefing\r\n" ALARM("-PT15M") \
	"END:VEVENT\r\n" \
	"BEGIN:VEVENT\r\nUID:alarms@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"RECURRENCE-ID;TZID=Asia/Shanghai:20260107T090000\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260107T090000\r\nDURATION:PT1H\r\n" \
	"SUMMARY:Briefing with the Premier\r\n" ALARM("-P1D") "END:VEVENT\r\n" \
	"BEGIN:VEVENT\r\nUID:alarms@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"RECURRENCE-ID;TZID=Asia/Shanghai:20260108T090000\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260108T090000\r\nDURATION:PT1H\r\n" \
	"SUMMARY:Briefing\r\nX-KCAL-NO-REMIND:TRUE\r\nEND:VEVENT\r\n" \
	"BEGIN:VEVENT\r\nUID:alarms@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"RECURRENCE-ID;TZID=Asia/Shanghai:20260109T090000\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260109T100000\r\nDURATION:PT1H\r\n" \
	"SUMMARY:Briefing, later\r\nEND:VEVENT\r\n" \
	"END:VCALENDAR\r\n"

#define OVR_ABSOLUTE \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//remind//EN\r\n" \
	"BEGIN:VEVENT\r\nUID:abs@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260105T090000\r\nDURATION:PT1H\r\n" \
	"RRULE:FREQ=DAILY;COUNT=6\r\nSUMMARY:Briefing\r\n" ALARM("-PT15M") \
	"END:VEVENT\r\n" \
	"BEGIN:VEVENT\r\nUID:abs@test\r\nDTSTAMP:20260101T000000Z\r\n" \
	"RECURRENCE-ID;TZID=Asia/Shanghai:20260107T090000\r\n" \
	"DTSTART;TZID=Asia/Shanghai:20260107T090000\r\nDURATION:PT1H\r\n" \
	"SUMMARY:Briefing\r\n" \
	"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n" \
	"TRIGGER;VALUE=DATE-TIME:20260101T000000Z\r\nEND:VALARM\r\n" \
	"END:VEVENT\r\n" \
	"END:VCALENDAR\r\n"

static void
test_override_alarms(void)
{
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m;
	struct remind_due	*v;
	char			*why = NULL;
	size_t			 n;
	int64_t			 d7 = utc(2026, 1, 7, 1, 0);

	memset(&f, 0, sizeof f);
	f.text = xstrdup(OVR_ALARMS);
	CHECK_INT(ical_extract(f.text, HOME, &f.ev, &why), 0);
	free(why);
	f.series = open_series(f.text);
	input(&in, &f, NULL, 0);
	CHECK_INT(in.noffs, 1);

	n = collect(&in, utc(2026, 1, 4, 0, 0), utc(2026, 1, 12, 0, 0), &v);
	CHECK_INT(n, 5);	/* the 5th, 6th, the 7th's day before, 9th, 10th */
	if (n == 5) {
		CHECK_INT(v[0].occ, utc(2026, 1, 5, 1, 0));
		CHECK_INT(v[0].due, utc(2026, 1, 5, 0, 45));
		CHECK_INT(v[1].occ, utc(2026, 1, 6, 1, 0));
		/* The 7th's own trigger, a day before: after the 6th's. */
		CHECK_INT(v[2].occ, d7);
		CHECK_INT(v[2].due, d7 - 86400);
		CHECK_INT(v[2].before, 86400);
		/* Not the 8th (none by request); the 9th, moved, the series'. */
		CHECK_INT(v[3].occ, utc(2026, 1, 9, 2, 0));
		CHECK_INT(v[3].due, utc(2026, 1, 9, 1, 45));
		CHECK_INT(v[4].occ, utc(2026, 1, 10, 1, 0));
	}
	free(v);
	/* The next after the 6th's: the 7th's day-before trigger. */
	CHECK_INT(next_after(&in, utc(2026, 1, 6, 0, 50)), d7 - 86400);
	CHECK_INT(next_after(&in, utc(2026, 1, 7, 0, 45)),
	    utc(2026, 1, 9, 1, 45));
	/* A snooze of the 8th (its override says none) does not stand. */
	m = (struct remind_mark){ utc(2026, 1, 8, 1, 0),
	    utc(2026, 1, 8, 0, 45), REMIND_SNOOZED, utc(2026, 1, 8, 0, 55) };
	input(&in, &f, &m, 1);
	CHECK_INT(collect(&in, m.until, m.until, &v), 0);
	free(v);
	m.occ = utc(2026, 1, 6, 1, 0);		/* the 6th's does */
	m.due = m.occ - 900;
	m.until = m.occ - 300;
	CHECK_INT(collect(&in, m.until, m.until, &v), 1);
	free(v);
	fixture_clear(&f);

	/* An override with an absolute alarm alone keeps the series' 15m. */
	memset(&f, 0, sizeof f);
	f.text = xstrdup(OVR_ABSOLUTE);
	CHECK_INT(ical_extract(f.text, HOME, &f.ev, &why), 0);
	free(why);
	f.series = open_series(f.text);
	input(&in, &f, NULL, 0);
	n = collect(&in, d7 - 3600, d7, &v);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(v[0].due, d7 - 900);
	free(v);
	fixture_clear(&f);
}

/*
 * A snooze ends with what it reminds of: an occurrence moved by an edit,
 * cancelled by an override, or an event whose reminders were removed
 * (X-KCAL-NO-REMIND, which keeps the defaults away too).
 */
static void
test_snooze_gone(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct remind_list	 dflt;
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m;
	struct remind_due	*v;
	const int64_t		*o;
	size_t			 n;
	int64_t			 start, occ;
	char			*why = NULL;

	make(&f, "moved@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1,
	    NULL);
	start = f.ev.start;
	/* Snoozed at the old start, an hour before the edit moved it. */
	m = (struct remind_mark){ start - 3600, start - 5400, REMIND_SNOOZED,
	    start - 4800 };
	input(&in, &f, &m, 1);
	CHECK_INT(collect(&in, start - 4800, start - 4800, &v), 0);
	free(v);
	m.occ = start;		/* the same, at its start: it comes back */
	CHECK_INT(collect(&in, start - 4800, start - 4800, &v), 1);
	free(v);
	/* Its reminders removed: neither the snooze nor the defaults. */
	f.ev.no_remind = 1;
	f.ev.nremind = 0;
	input(&in, &f, &m, 1);
	CHECK_INT(collect(&in, start - 4800, start - 4800, &v), 0);
	free(v);
	CHECK_INT(remind_parse_list("30m", &dflt, &why), 0);
	remind_offsets(&f.ev, NULL, &dflt, &o, &n);
	CHECK_INT(n, 0);
	fixture_clear(&f);

	/* The 9th of OVR_SERIES is cancelled by its override; the 8th not. */
	memset(&f, 0, sizeof f);
	f.text = xstrdup(OVR_SERIES);
	CHECK_INT(ical_extract(f.text, HOME, &f.ev, &why), 0);
	f.series = open_series(f.text);
	occ = utc(2026, 1, 9, 1, 0);
	m = (struct remind_mark){ occ, occ - 1800, REMIND_SNOOZED, occ - 600 };
	input(&in, &f, &m, 1);
	in.offs = offs;
	in.noffs = 1;
	CHECK_INT(collect(&in, occ - 600, occ - 600, &v), 0);
	free(v);
	occ = utc(2026, 1, 8, 1, 0);
	m = (struct remind_mark){ occ, occ - 1800, REMIND_SNOOZED, occ - 600 };
	CHECK_INT(collect(&in, occ - 600, occ - 600, &v), 1);
	free(v);
	fixture_clear(&f);
}

/*
 * A trigger of whole days is nominal (RFC 5545 3.3.6): the same wall-clock
 * time the day before, 23 or 25 hours ahead across a DST change; any
 * other is exact (26 hours are 26 hours, not a day and two hours).
 */
static void
test_nominal_days(void)
{
	static const int64_t	 offs[] = { 86400, 86400 + 7200, 3600 };
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_mark	 m;
	struct remind_due	*v;
	size_t			 n;

	/* 29 March 2026, 09:00 CEST is 07:00Z; the 28th was still CET. */
	make(&f, "nominal@test", "2026-03-29T09:00:00", "Europe/Berlin", offs,
	    3, NULL);
	input(&in, &f, NULL, 0);
	n = collect(&in, utc(2026, 3, 27, 0, 0), utc(2026, 3, 30, 0, 0), &v);
	CHECK_INT(n, 3);
	if (n == 3) {
		/* 26 hours exactly (it was 06:00Z: a nominal day and 2h) */
		CHECK_INT(v[0].at, utc(2026, 3, 28, 5, 0));
		CHECK_INT(v[0].before, 86400 + 7200);
		/* 09:00 CET on the 28th, 23 hours ahead; not 08:00 CET */
		CHECK_INT(v[1].at, utc(2026, 3, 28, 8, 0));
		CHECK_INT(v[1].before, 86400);
		CHECK_INT(v[2].at, utc(2026, 3, 29, 6, 0));
		/* a recorded one (replayed, missed, snoozed) says the same */
		CHECK_INT(remind_before(&in, v[1].occ, v[1].due), 86400);
		CHECK_INT(remind_before(&in, v[0].occ, v[0].due), 86400 + 7200);
	}
	free(v);
	/* the 26 hours' reminder recorded where the last kcald reckoned it
	   (06:00Z) is not taken for a new one: an upgrade sends none twice */
	m = (struct remind_mark){ utc(2026, 3, 29, 7, 0), utc(2026, 3, 28, 6,
	    0), REMIND_FIRED, 0 };
	input(&in, &f, &m, 1);
	n = collect(&in, utc(2026, 3, 27, 0, 0), utc(2026, 3, 30, 0, 0), &v);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_INT(v[0].before, 86400);
	free(v);
	/* one the store recorded at its exact instant (before days were
	   nominal) is not taken for a new one */
	m = (struct remind_mark){ utc(2026, 3, 29, 7, 0), utc(2026, 3, 28, 7,
	    0), REMIND_FIRED, 0 };
	input(&in, &f, &m, 1);
	n = collect(&in, utc(2026, 3, 27, 0, 0), utc(2026, 3, 30, 0, 0), &v);
	CHECK_INT(n, 2);
	free(v);
	fixture_clear(&f);
	/* Leads of 25 and 26 hours the day after the autumn change (25
	   October 2026, 09:00 CET is 08:00Z): the 26 hours' is due at
	   06:00Z, where an older kcald reckoned the 25 hours' (a day and an
	   hour): the 26 hours' mark is not taken for the 25 hours' one. */
	{
		static const int64_t	two[] = { 90000, 93600 };

		make(&f, "was@test", "2026-10-25T09:00:00", "Europe/Berlin",
		    two, 2, NULL);
		m = (struct remind_mark){ utc(2026, 10, 25, 8, 0),
		    utc(2026, 10, 24, 6, 0), REMIND_FIRED, 0 };
		input(&in, &f, &m, 1);
		n = collect(&in, utc(2026, 10, 24, 0, 0), utc(2026, 10, 26,
		    0, 0), &v);
		CHECK_INT(n, 1);
		if (n == 1) {
			CHECK_INT(v[0].at, utc(2026, 10, 24, 7, 0));
			CHECK_INT(v[0].before, 90000);
		}
		free(v);
		fixture_clear(&f);
	}
	/* A daily series across the autumn change: 09:00 CEST the day before. */
	make(&f, "nominal-daily@test", "2026-10-20T09:00:00", "Europe/Berlin",
	    offs, 1, "FREQ=DAILY;COUNT=10");
	input(&in, &f, NULL, 0);
	n = collect(&in, utc(2026, 10, 24, 0, 0), utc(2026, 10, 24, 23, 0), &v);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(v[0].occ, utc(2026, 10, 25, 8, 0));	/* 09:00 CET */
		CHECK_INT(v[0].at, utc(2026, 10, 24, 7, 0));	/* 09:00 CEST */
	}
	free(v);
	CHECK_INT(next_after(&in, utc(2026, 10, 23, 7, 0)),
	    utc(2026, 10, 24, 7, 0));
	fixture_clear(&f);
}

/*
 * A trigger related to the end counts from each occurrence's own end: a
 * nominal day that is 23 hours long, an override's, an RDATE period's.
 */
static void
test_related_end(void)
{
	static const char text[] =
	    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:end@test\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;TZID=Europe/Berlin:20270320T120000\r\n"
	    "DURATION:P1D\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n"
	    "RDATE;VALUE=PERIOD:20270401T080000Z/PT5H\r\n"
	    "SUMMARY:Long\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
	    "DESCRIPTION:x\r\nTRIGGER;RELATED=END:-PT1H\r\nEND:VALARM\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_due	*v;
	char			*why = NULL;
	size_t			 n;

	f.text = xstrdup(text);
	CHECK_INT(ical_extract(f.text, HOME, &f.ev, &why), 0);
	f.series = open_series(f.text);
	input(&in, &f, NULL, 0);
	n = collect(&in, utc(2027, 3, 19, 0, 0), utc(2027, 4, 10, 0, 0), &v);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(v[0].at, utc(2027, 3, 21, 10, 0));	/* 11:00 CET */
		/* 27 March 12:00 CET to 28 March 12:00 CEST: 11:00 CEST */
		CHECK_INT(v[1].at, utc(2027, 3, 28, 9, 0));
		/* the RDATE's five hours end at 13:00Z */
		CHECK_INT(v[2].at, utc(2027, 4, 1, 12, 0));
		/*
		 * "before" is the time from each one's due to its start:
		 * 23 h, 22 h (a 23-hour day), and the RDATE's 4 h (it said
		 * 23 h, the series' day less an hour, for each).
		 */
		CHECK_INT(v[0].before, -23 * 3600);
		CHECK_INT(v[1].before, -22 * 3600);
		CHECK_INT(v[2].before, -4 * 3600);
	}
	free(v);
	free(why);
	fixture_clear(&f);
}

/*
 * A reminder related to the end that an older kcald recorded at the exact
 * instant (end less 24 h, before days were nominal) does not fire again:
 * the "before" shown for it is its own (due to start) but the check for
 * such a mark still counts from the trigger (a review found it fired).
 */
static void
test_related_end_old_mark(void)
{
	static const char text[] =
	    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:endx@test\r\n"
	    "DTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;TZID=Europe/Berlin:20260329T090000\r\n"
	    "DURATION:PT1H\r\n"
	    "SUMMARY:Long\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
	    "DESCRIPTION:x\r\nTRIGGER;RELATED=END:-P1D\r\nEND:VALARM\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";
	struct fixture		 f;
	struct remind_input	 in;
	struct remind_due	*v;
	struct remind_mark	 m;
	char			*why = NULL;
	size_t			 n;

	f.text = xstrdup(text);
	CHECK_INT(ical_extract(f.text, HOME, &f.ev, &why), 0);
	f.series = open_series(f.text);
	input(&in, &f, NULL, 0);
	n = collect(&in, utc(2026, 3, 27, 0, 0), utc(2026, 3, 30, 0, 0), &v);
	CHECK_INT(n, 1);
	free(v);
	m = (struct remind_mark){ utc(2026, 3, 29, 7, 0), utc(2026, 3, 28, 8,
	    0), REMIND_FIRED, 0 };
	input(&in, &f, &m, 1);
	n = collect(&in, utc(2026, 3, 27, 0, 0), utc(2026, 3, 30, 0, 0), &v);
	CHECK_INT(n, 0);
	free(v);
	free(why);
	fixture_clear(&f);
}

int
main(void)
{
	test_one_off();
	test_cancelled();
	test_recurring_dst();
	test_edits();
	test_snooze();
	test_absolute();
	test_defaults();
	test_grace();
	test_horizon();
	test_override();
	test_snooze_gone();
	test_override_alarms();
	test_nominal_days();
	test_related_end();
	test_related_end_old_mark();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
