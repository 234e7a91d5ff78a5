/*
 * test-import-pipe.c — a streamed import's records made on a thread
 * (import-pipe.c), checked against ical_import_parse() on the same file:
 * the same records in the same order, the same warnings, the same error
 * for a file refused after hundreds of good records; with the thread and
 * without it (no event base); and a pipe freed while its thread waits on
 * a full queue stops it and leaks nothing (make test-asan, test-tsan).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "ical-import.h"
#include "import-pipe.h"
#include "occur.h"
#include "test.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define EVENTS	300	/* several times the pipe's depth */

static struct ical_import_opts	opts;
static int			woken;	/* ready was called */

static void
ready(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	woken++;
}

/* EVENTS single events, series with overrides, a floating time; bad: a
 * last one (by UID) with no DTSTART. */
static char *
calendar(int bad)
{
	size_t	cap = 1 << 20, len = 0;
	char	*s = malloc(cap);

	len += snprintf(s + len, cap - len, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//test//EN\r\n");
	for (int i = 0; i < EVENTS; i++)
		len += snprintf(s + len, cap - len, "BEGIN:VEVENT\r\n"
		    "UID:ev-%03d\r\nDTSTAMP:20260101T000000Z\r\n"
		    "DTSTART;TZID=Europe/Berlin:202703%02dT%02d0000\r\n"
		    "DURATION:PT1H\r\nSUMMARY:event %d\r\n"
		    "ATTENDEE;CN=Person %d:mailto:p%d@example.org\r\n"
		    "END:VEVENT\r\n", i, 1 + i % 28, 8 + i % 10, i, i % 7,
		    i % 7);
	for (int i = 0; i < 20; i++) {
		len += snprintf(s + len, cap - len, "BEGIN:VEVENT\r\n"
		    "UID:rec-%02d\r\nDTSTAMP:20260101T000000Z\r\n"
		    "DTSTART:20270105T%02d0000Z\r\nDURATION:PT30M\r\n"
		    "RRULE:FREQ=WEEKLY;COUNT=10\r\nSUMMARY:series %d\r\n"
		    "END:VEVENT\r\n", i, i % 20, i);
		len += snprintf(s + len, cap - len, "BEGIN:VEVENT\r\n"
		    "UID:rec-%02d\r\nDTSTAMP:20260101T000000Z\r\n"
		    "RECURRENCE-ID:20270112T%02d0000Z\r\n"
		    "DTSTART:20270112T%02d3000Z\r\nDURATION:PT30M\r\n"
		    "SUMMARY:moved %d\r\nEND:VEVENT\r\n", i, i % 20, i % 20, i);
	}
	len += snprintf(s + len, cap - len, "BEGIN:VEVENT\r\nUID:float\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20270301T090000\r\n"
	    "SUMMARY:floating\r\nEND:VEVENT\r\n");
	if (bad)
		len += snprintf(s + len, cap - len, "BEGIN:VEVENT\r\n"
		    "UID:zzz\r\nSUMMARY:no start\r\nEND:VEVENT\r\n");
	snprintf(s + len, cap - len, "END:VCALENDAR\r\n");
	return s;
}

struct run {
	char	**texts;
	size_t	  n;
	char	 *why;
	int	  end;		/* PIPE_END or PIPE_FAILED seen */
	size_t	  total, upto, waits, warnings;
	size_t	  disorder;	/* records out of the file's order */
	size_t	  agains;	/* PIPE_AGAIN: steps without a record */
};

static void
run_clear(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->texts[i]);
	free(r->texts);
	free(r->why);
	memset(r, 0, sizeof *r);
}

/* The file through a pipe (threaded with base); at most max records. */
static void
through_pipe(const char *text, struct event_base *base, size_t max,
    struct run *out)
{
	struct ical_import	 imp;
	struct import_pipe	*p = import_pipe_new(base, ready, NULL);
	struct ical_record	 r;
	struct occur_prep	*prep;
	struct imp		*im;
	enum pipe_take		 t;
	char			*cause = NULL;
	size_t			 upto;

	memset(out, 0, sizeof *out);
	im = ical_import_start(text, strlen(text), &opts, &imp,
	    import_pipe_cb(), p, &cause);
	CHECK(im != NULL);
	if (im == NULL) {
		import_pipe_free(p);
		return;
	}
	import_pipe_run(p, im);
	while (out->n < max) {
		t = import_pipe_take(p, &r, &prep, &upto, &out->why);
		if (t == PIPE_WAIT) {
			if (base == NULL)	/* no thread to wait for */
				break;
			out->waits++;
			event_base_loop(base, EVLOOP_ONCE);
			continue;
		}
		if (t == PIPE_AGAIN) {	/* no thread: a step a call */
			out->agains++;
			continue;
		}
		if (t != PIPE_RECORD) {
			out->end = t;
			break;
		}
		if (upto <= out->upto)
			out->disorder++;
		out->upto = upto;
		out->texts = realloc(out->texts, (out->n + 1) *
		    sizeof *out->texts);
		out->texts[out->n++] = r.text;
		/* a series comes with its expansion, made on the thread */
		CHECK((prep != NULL) == (r.ev.rrule != NULL));
		occur_prep_free(prep);
		event_clear(&r.ev);
	}
	out->total = import_pipe_total(p);
	import_pipe_free(p);		/* stops the thread if it still runs */
	if (out->end == PIPE_END)
		out->warnings = imp.nwarnings;
	ical_import_end(im);
	ical_import_clear(&imp);
}

/* The same records as ical_import_parse(), with and without a thread. */
static void
same_as_parse(struct event_base *base)
{
	struct ical_import	 want;
	struct run		 got;
	char			*text = calendar(0), *cause = NULL;

	CHECK_INT(ical_import_parse(text, strlen(text), &opts, &want, &cause),
	    0);
	CHECK_INT(want.nrecs, EVENTS + 20 + 1);
	through_pipe(text, base, SIZE_MAX, &got);
	CHECK_INT(got.end, PIPE_END);
	CHECK_INT(got.disorder, 0);
	CHECK(got.why == NULL);
	CHECK_INT(got.n, want.nrecs);
	for (size_t i = 0; i < got.n && i < want.nrecs; i++)
		if (strcmp(got.texts[i], want.recs[i].text) != 0) {
			fprintf(stderr, "record %zu differs\n", i);
			CHECK(0);
			break;
		}
	CHECK_INT(got.total, EVENTS + 40 + 1);	/* VEVENTs */
	CHECK_INT(got.upto, got.total);
	CHECK_INT(got.warnings, want.nwarnings);
	CHECK(got.warnings > 0);	/* the floating time's */
	/* without a thread, the first pass is taken a step at a time */
	CHECK(base != NULL ? got.agains == 0 : got.agains > 0);
	run_clear(&got);
	ical_import_clear(&want);
	free(cause);
	free(text);
}

/* A file refused at its last record: the same error, after the others. */
static void
same_error(struct event_base *base)
{
	struct ical_import	 want;
	struct run		 got;
	char			*text = calendar(1), *cause = NULL;

	CHECK_INT(ical_import_parse(text, strlen(text), &opts, &want, &cause),
	    -1);
	CHECK(cause != NULL && strstr(cause, "has no DTSTART") != NULL);
	through_pipe(text, base, SIZE_MAX, &got);
	CHECK_INT(got.end, PIPE_FAILED);
	CHECK_INT(got.disorder, 0);
	CHECK_INT(got.n, EVENTS + 20 + 1);
	if (cause != NULL && got.why != NULL)
		CHECK_STR(got.why, cause);
	else
		CHECK(0);
	run_clear(&got);
	ical_import_clear(&want);
	free(cause);
	free(text);
}

/* Freed with the queue full and the thread waiting on it: it stops. */
static void
stopped_early(struct event_base *base)
{
	struct ical_import	 imp;
	struct import_pipe	*p = import_pipe_new(base, ready, NULL);
	struct ical_record	 r;
	struct occur_prep	*prep;
	struct imp		*im;
	char			*text = calendar(0), *cause = NULL, *why = NULL;
	size_t			 upto, taken = 0;

	im = ical_import_start(text, strlen(text), &opts, &imp,
	    import_pipe_cb(), p, &cause);
	CHECK(im != NULL);
	import_pipe_run(p, im);
	while (taken < 3) {
		enum pipe_take t = import_pipe_take(p, &r, &prep, &upto,
		    &why);

		if (t == PIPE_WAIT) {
			event_base_loop(base, EVLOOP_ONCE);
			continue;
		}
		if (t != PIPE_RECORD) {
			CHECK_INT(t, PIPE_RECORD);
			break;
		}
		free(r.text);
		event_clear(&r.ev);
		occur_prep_free(prep);
		taken++;
	}
	usleep(100 * 1000);	/* the thread fills the queue and waits */
	import_pipe_free(p);
	ical_import_end(im);
	ical_import_clear(&imp);
	CHECK(why == NULL);
	free(cause);
	free(text);
}

int
main(void)
{
	struct event_base	*base = event_base_new();

	opts.name = "t.ics";
	opts.home = HOME;
	opts.float_tz = HOME;
	opts.now = 1767225600;	/* 2026-01-01 */
	same_as_parse(NULL);
	same_as_parse(base);
	same_error(NULL);
	same_error(base);
	stopped_early(base);
	event_base_free(base);
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
