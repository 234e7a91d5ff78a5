/*
 * test-write-put.c — an event written whole as one user (write-put.c), on
 * an in-memory store: what is refused and why, SEQUENCE, anchors,
 * clearance, clashes, unknown properties kept, DELETE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ical.h"
#include "occur.h"
#include "server.h"
#include "store.h"
#include "write-put.h"
#include "xmalloc.h"
#include "test.h"

/* kcald.c's, which a unit test does not link. */
void
server_reload(struct server *s)
{
	(void)s;
}

static struct server		 srv;
static const struct access_who	 rw = { ACCESS_WRITE,
				    ACCESS_CLASS_CONFIDENTIAL, "alice" };
static const struct access_who	 ro = { ACCESS_READ,
				    ACCESS_CLASS_CONFIDENTIAL, "reader" };
static const struct access_who	 pub = { ACCESS_WRITE, ACCESS_CLASS_PUBLIC,
				    "intern" };

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" \
	body "END:VCALENDAR\r\n"
#define EV(uid, start, extra) "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:" \
	"20260101T000000Z\r\nDTSTART:" start "\r\nDURATION:PT1H\r\n" \
	"SUMMARY:Talks\r\n" extra "END:VEVENT\r\n"

static enum put_result
put(const struct access_who *who, const char *uid, const char *body,
    struct put_out *o)
{
	struct put_req	rq = { body, strlen(body), "x.ics", uid };

	write_put(&srv, who, &rq, o);
	return o->res;
}

/* put, then forget the result; the stored text of uid, or NULL. */
static enum put_result
put1(const struct access_who *who, const char *uid, const char *body)
{
	struct put_out	o;
	enum put_result	r = put(who, uid, body, &o);

	if (o.why != NULL)
		fprintf(stderr, "  (%s)\n", o.why);
	write_put_clear(&o);
	return r;
}

static char *
stored(const char *uid)
{
	char	*text = NULL;

	if (store_get(srv.store, uid, &text, NULL) != 0)
		return NULL;
	return text;
}

static int
seq(const char *uid)
{
	struct event	ev;
	char		*t = stored(uid);
	int		n = -1;

	if (t != NULL && ical_extract(t, "UTC", &ev, NULL) == 0) {
		n = ev.sequence;
		event_clear(&ev);
	}
	free(t);
	return n;
}

static void
test_refused(void)
{
	struct put_out	o;

	CHECK_INT(put1(&rw, NULL, "hello"), PUT_BAD_DATA);
	CHECK_INT(put1(&rw, NULL, CAL("BEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:"
	    "20260101T000000Z\r\nEND:VTODO\r\n")), PUT_COMPONENT);
	CHECK_INT(put1(&rw, NULL, CAL(EV("a", "20260301T100000Z", "")
	    EV("b", "20260301T100000Z", ""))), PUT_BAD_OBJECT);
	CHECK_INT(put1(&rw, NULL, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"
	    "x\r\nMETHOD:REQUEST\r\n" EV("m", "20260301T100000Z", "")
	    "END:VCALENDAR\r\n"), PUT_BAD_OBJECT);
	CHECK_INT(put1(&rw, NULL, CAL("BEGIN:VEVENT\r\nDTSTAMP:20260101T0000"
	    "00Z\r\nDTSTART:20260301T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n")),
	    PUT_BAD_OBJECT);
	CHECK_INT(put1(&rw, NULL, CAL(EV("o", "20260301T100000Z",
	    "RECURRENCE-ID:20260301T100000Z\r\n"))), PUT_BAD_OBJECT);
	CHECK_INT(put1(&ro, NULL, CAL(EV("r", "20260301T100000Z", ""))),
	    PUT_FORBIDDEN);
	{
		static const char nul[] = CAL(EV("n", "20260301T100000Z",
		    "X-A:a\0b\r\n"));
		struct put_req	rq = { nul, sizeof nul - 1, "n.ics", NULL };

		write_put(&srv, &rw, &rq, &o);
		CHECK_INT(o.res, PUT_BAD_DATA);
		write_put_clear(&o);
		CHECK(stored("n") == NULL);
	}
	CHECK(stored("r") == NULL);
	/* the import's words, with the line */
	put(&rw, NULL, CAL("BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:nonsense\r\n"
	    "END:VEVENT\r\n"), &o);
	CHECK_INT(o.res, PUT_BAD_DATA);
	CHECK(o.why != NULL && strstr(o.why, "x.ics:") != NULL);
	write_put_clear(&o);
	CHECK(stored("bad") == NULL);
}

static void
test_sequence(void)
{
	char	*t;

	CHECK_INT(put1(&rw, NULL, CAL(EV("s", "20260301T100000Z",
	    "X-FOO;X-P=1:bar\r\n"))), PUT_CREATED);
	CHECK_INT(seq("s"), 0);
	t = stored("s");
	CHECK(t != NULL && strstr(t, "X-FOO;X-P=1:bar") != NULL);
	free(t);
	CHECK_INT(put1(&rw, "s", CAL(EV("s", "20260301T100000Z",
	    "X-FOO;X-P=1:bar\r\n"))), PUT_UNCHANGED);
	/* moved, SEQUENCE not raised by the client: raised here */
	CHECK_INT(put1(&rw, "s", CAL(EV("s", "20260301T110000Z", ""))),
	    PUT_UPDATED);
	CHECK_INT(seq("s"), 1);
	/* a summary change with an old SEQUENCE: it does not go down */
	CHECK_INT(put1(&rw, "s", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x"
	    "\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20260101T000000Z\r\n"
	    "DTSTART:20260301T110000Z\r\nDURATION:PT1H\r\nSUMMARY:Other\r\n"
	    "SEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), PUT_UPDATED);
	CHECK_INT(seq("s"), 1);
	/* the client's own number, higher, is kept */
	CHECK_INT(put1(&rw, "s", CAL(EV("s", "20260301T120000Z",
	    "SEQUENCE:7\r\n"))), PUT_UPDATED);
	CHECK_INT(seq("s"), 7);
}

static void
test_uids(void)
{
	struct put_out	o;

	CHECK_INT(put1(&rw, NULL, CAL(EV("u1", "20260302T100000Z", ""))),
	    PUT_CREATED);
	put(&rw, NULL, CAL(EV("u1", "20260302T110000Z", "")), &o);
	CHECK_INT(o.res, PUT_UID_CONFLICT);
	CHECK_STR(o.other, "u1");
	write_put_clear(&o);
	CHECK_INT(put1(&rw, "u1", CAL(EV("u2", "20260302T110000Z", ""))),
	    PUT_BAD_OBJECT);
	CHECK(stored("u2") == NULL);
}

static void
test_clearance(void)
{
	struct put_out	o;

	CHECK_INT(put1(&rw, NULL, CAL(EV("c", "20260303T100000Z",
	    "CLASS:CONFIDENTIAL\r\n"))), PUT_CREATED);
	/* above the intern: not created, not overwritten, not deleted */
	CHECK_INT(put1(&pub, NULL, CAL(EV("c2", "20260303T100000Z",
	    "CLASS:CONFIDENTIAL\r\n"))), PUT_FORBIDDEN);
	CHECK(stored("c2") == NULL);
	CHECK_INT(put1(&pub, NULL, CAL(EV("c", "20260303T100000Z", ""))),
	    PUT_FORBIDDEN);
	CHECK_INT(seq("c"), 0);
	write_put_delete(&srv, &pub, "c", &o);
	CHECK_INT(o.res, PUT_NOT_FOUND);
	write_put_clear(&o);
	write_put_delete(&srv, &ro, "c", &o);
	CHECK_INT(o.res, PUT_FORBIDDEN);
	write_put_clear(&o);
	CHECK(seq("c") == 0);
	/* a public event the intern may change, but not raise */
	CHECK_INT(put1(&pub, NULL, CAL(EV("p", "20260303T100000Z", ""))),
	    PUT_CREATED);
	CHECK_INT(put1(&pub, "p", CAL(EV("p", "20260303T100000Z",
	    "CLASS:CONFIDENTIAL\r\n"))), PUT_FORBIDDEN);
	write_put_delete(&srv, &rw, "c", &o);
	CHECK_INT(o.res, PUT_DELETED);
	write_put_clear(&o);
	CHECK(stored("c") == NULL);
}

static void
test_anchor(void)
{
	struct put_out	 o;
	struct event	 ev;
	char		*t;

	CHECK_INT(put1(&rw, NULL, CAL(EV("A", "20260304T100000Z", ""))),
	    PUT_CREATED);
	CHECK_INT(put1(&rw, NULL, CAL(EV("F", "20260304T094500Z",
	    "X-KCAL-ANCHOR:A\r\nX-KCAL-ANCHOR-OFFSET:-PT15M\r\n"))),
	    PUT_CREATED);
	/* the anchor moves an hour: its follower with it */
	put(&rw, "A", CAL(EV("A", "20260304T110000Z", "")), &o);
	CHECK_INT(o.res, PUT_UPDATED);
	CHECK_INT(json_array_size(o.moved), 1);
	write_put_clear(&o);
	t = stored("F");
	CHECK(t != NULL && ical_extract(t, "UTC", &ev, NULL) == 0);
	free(t);
	CHECK_INT(ev.start, 1772622000 - 900);	/* 2026-03-04 10:45Z */
	event_clear(&ev);
	/* the follower moved by a client: it follows from there */
	CHECK_INT(put1(&rw, "F", CAL(EV("F", "20260304T103000Z",
	    "X-KCAL-ANCHOR:A\r\nX-KCAL-ANCHOR-OFFSET:-PT15M\r\n"))),
	    PUT_UPDATED);
	t = stored("F");
	CHECK(t != NULL && strstr(t, "X-KCAL-ANCHOR-OFFSET:-PT30M") != NULL);
	free(t);
	/* a cycle is refused */
	CHECK_INT(put1(&rw, "A", CAL(EV("A", "20260304T110000Z",
	    "X-KCAL-ANCHOR:F\r\nX-KCAL-ANCHOR-OFFSET:PT30M\r\n"))),
	    PUT_REFUSED);
	/* a delete detaches the follower, which stays */
	write_put_delete(&srv, &rw, "A", &o);
	CHECK_INT(o.res, PUT_DELETED);
	CHECK_INT(json_array_size(o.moved), 1);
	write_put_clear(&o);
	t = stored("F");
	CHECK(t != NULL && strstr(t, "X-KCAL-ANCHOR") == NULL);
	free(t);
}

/* Stored as an import or PUT could before they were checked. */
static void
store_raw(const char *text)
{
	struct event	 ev;
	char		*why = NULL;

	CHECK(ical_extract(text, "UTC", &ev, &why) == 0);
	CHECK(occur_put(srv.store, &ev, text, &why) == 0);
	free(why);
	event_clear(&ev);
}

/*
 * A follower no more than a year from its anchor, as kcal's --offset:
 * where a PUT puts it decides its offset (the offset it is sent with is
 * read only to keep it), and one stored further before the limit keeps
 * it while it stays there.
 */
static void
test_anchor_far(void)
{
	const char	*far = CAL(EV("L", "20250227T100000Z",
	    "X-KCAL-ANCHOR:A2\r\nX-KCAL-ANCHOR-OFFSET:-P400D\r\n"));
	enum put_result	 r;
	char		*t;

	CHECK_INT(put1(&rw, NULL, CAL(EV("A2", "20260403T100000Z", ""))),
	    PUT_CREATED);
	CHECK_INT(put1(&rw, NULL, far), PUT_REFUSED);		/* new */
	CHECK(stored("L") == NULL);
	CHECK_INT(put1(&rw, NULL, CAL(EV("L", "20260402T100000Z",
	    "X-KCAL-ANCHOR:A2\r\nX-KCAL-ANCHOR-OFFSET:-P400D\r\n"))),
	    PUT_CREATED);		/* the offset becomes where it is */
	t = stored("L");
	CHECK(t != NULL && strstr(t, "X-KCAL-ANCHOR-OFFSET:-P1D\r\n") != NULL);
	free(t);
	CHECK_INT(put1(&rw, "L", CAL(EV("L", "20250227T100000Z",
	    "X-KCAL-ANCHOR:A2\r\nX-KCAL-ANCHOR-OFFSET:-P1D\r\n"))),
	    PUT_REFUSED);		/* moved 400 days away */
	store_raw(far);
	r = put1(&rw, "L", far);		/* as it is */
	CHECK(r == PUT_UNCHANGED || r == PUT_UPDATED);
	CHECK_INT(put1(&rw, "L", CAL(EV("L", "20250227T100000Z",
	    "X-KCAL-ANCHOR:A2\r\nX-KCAL-ANCHOR-OFFSET:-P400D\r\n"
	    "LOCATION:Elsewhere\r\n"))), PUT_UPDATED);
	CHECK_INT(put1(&rw, "L", CAL(EV("L", "20250226T100000Z",
	    "X-KCAL-ANCHOR:A2\r\nX-KCAL-ANCHOR-OFFSET:-P400D\r\n"))),
	    PUT_REFUSED);		/* further still */
	t = stored("L");
	CHECK(t != NULL && strstr(t, "LOCATION:Elsewhere") != NULL);
	free(t);
	r = put1(&rw, "L", CAL(EV("L", "20250227T100000Z",
	    "X-KCAL-ANCHOR-OFFSET:-P400D\r\nX-KCAL-ANCHOR:A2\r\n"
	    "X-KCAL-ANCHOR-OFFSET:-P1D\r\n")));	/* the first is kept */
	CHECK(r == PUT_UNCHANGED || r == PUT_UPDATED);
	t = stored("L");
	CHECK(t != NULL && strstr(t, "X-KCAL-ANCHOR-OFFSET:-P400D\r\n") &&
	    strstr(t, "-P1D") == NULL);
	free(t);
	CHECK_INT(put1(&rw, "L", CAL(EV("L", "20250227T100000Z",
	    "X-KCAL-ANCHOR:A2\r\nX-KCAL-ANCHOR-OFFSET:-P400\r\n"))),
	    PUT_BAD_DATA);
}

static void
test_conflicts(void)
{
	struct put_out	 o;
	char		*h;

	CHECK_INT(put1(&rw, NULL, CAL(EV("k1", "20260305T100000Z",
	    "ATTENDEE;CN=Minister:mailto:m@x\r\n"))), PUT_CREATED);
	put(&rw, NULL, CAL("BEGIN:VEVENT\r\nUID:k2\r\nDTSTAMP:20260101T0000"
	    "00Z\r\nDTSTART:20260305T103000Z\r\nDURATION:PT1H\r\nSUMMARY:"
	    "Say \"hi\"\r\nATTENDEE;CN=Minister:mailto:m@x\r\nEND:VEVENT\r\n"),
	    &o);
	CHECK_INT(o.res, PUT_CREATED);
	CHECK_INT(json_array_size(o.conflicts), 1);
	h = write_put_conflicts(o.conflicts, "k2");
	CHECK_STR(h, "overlap k1 \"Talks\"");
	free(h);
	h = write_put_conflicts(o.conflicts, "k1");
	CHECK_STR(h, "overlap k2 \"Say \\\"hi\\\"\"");
	free(h);
	write_put_clear(&o);
}

static void
test_series(void)
{
	char	*t;

	CHECK_INT(put1(&rw, NULL, CAL(EV("r1", "20260306T100000Z",
	    "RRULE:FREQ=DAILY;COUNT=5\r\nX-A;X-B=\"q;r\":v\r\n")
	    "BEGIN:VEVENT\r\nUID:r1\r\nDTSTAMP:20260101T000000Z\r\n"
	    "RECURRENCE-ID:20260307T100000Z\r\nDTSTART:20260307T120000Z\r\n"
	    "DURATION:PT1H\r\nSUMMARY:Moved\r\nX-C:w\r\nEND:VEVENT\r\n")),
	    PUT_CREATED);
	t = stored("r1");
	CHECK(t != NULL && strstr(t, "RECURRENCE-ID") != NULL);
	CHECK(t != NULL && strstr(t, "X-C:w") != NULL);
	CHECK(t != NULL && strstr(t, "X-A;X-B=\"q;r\":v") != NULL);
	free(t);
}

int
main(void)
{
	char	*cause = NULL;

	store_set_record_ops(&occur_record_ops);
	srv.cfg = config_new();
	free(srv.cfg->home_tz);
	srv.cfg->home_tz = xstrdup("UTC");
	srv.store = store_open(":memory:", &cause);
	CHECK(srv.store != NULL);
	if (srv.store == NULL) {
		fprintf(stderr, "%s\n", cause);
		TEST_DONE();
	}
	test_refused();
	test_sequence();
	test_uids();
	test_clearance();
	test_anchor();
	test_anchor_far();
	test_conflicts();
	test_series();
	store_close(srv.store);
	config_free(srv.cfg);
	TEST_DONE();
}
