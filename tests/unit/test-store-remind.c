/*
 * test-store-remind.c — the reminder tables (daemon/store-remind.c) on an
 * in-memory store: the "plan again" marks set by every write, the index
 * walk, state rows and their cascade, and the hooks' queue (hook_jobs).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "ical.h"
#include "occur.h"
#include "remind.h"
#include "store.h"
#include "store-remind.h"
#include "test.h"
#include "when.h"
#include "xmalloc.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define NOW0	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */

struct fixture {
	struct event	 ev;
	char		*text;
};

/* A new event: start is a wire time read in tz. */
static void
make(struct fixture *f, const char *uid, const char *start, const char *tz,
    const int64_t *offs, size_t noffs)
{
	struct event_change	 ch;
	char			*why = NULL;

	event_change_init(&ch);
	ch.summary = "Motorcade";
	ch.kind = "summit";
	ch.tz = tz;
	when_parse_abs(start, &ch.start);
	ch.duration = 3600;
	ch.set_remind = 1;
	ch.remind = xcalloc(noffs, sizeof *ch.remind);
	memcpy(ch.remind, offs, noffs * sizeof *offs);
	ch.nremind = noffs;
	f->text = NULL;
	if (ical_apply(NULL, &ch, uid, NOW0, HOME, &f->text, &f->ev,
	    &why) != 0) {
		fprintf(stderr, "ical_apply: %s\n", why);
		free(why);
		CHECK(!"ical_apply failed");
	}
	event_change_clear(&ch);
}

static void
fixture_clear(struct fixture *f)
{
	event_clear(&f->ev);
	free(f->text);
}

static struct store *
open_store(void)
{
	char		*why = NULL;
	struct store	*st;

	store_set_record_ops(&occur_record_ops);
	if ((st = store_open(":memory:", &why)) == NULL) {
		fprintf(stderr, "store_open: %s\n", why);
		free(why);
	}
	return st;
}

static int64_t
next_alarm(struct store *st, const char *uid)
{
	char	*ical = NULL, *why = NULL;
	int64_t	 t = 0;

	CHECK_INT(store_remind_event(st, uid, &ical, &t, &why), 0);
	free(ical);
	free(why);
	return t;
}

static void
test_store(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct store		*st = open_store();
	struct fixture		 a, b;
	struct remind_mark	*marks, m;
	struct remind_row	 row, *rows;
	char			**uids, *why = NULL, *v;
	size_t			 n;
	int64_t			 t, start, before;

	CHECK(st != NULL);
	if (st == NULL)
		return;
	make(&a, "a@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1);
	make(&b, "b@test", "2026-01-06T10:00:00", "Asia/Seoul", offs, 1);
	start = a.ev.start;
	CHECK_INT(occur_put(st, &a.ev, a.text, &why), 0);
	CHECK_INT(occur_put(st, &b.ev, b.text, &why), 0);
	/*
	 * Every write marks the event "plan again" (the trigger), from the
	 * instant of the write (what falls due after it is planned, even if
	 * kcald stops before it plans: an import's events).
	 */
	before = (int64_t)time(NULL);
	CHECK_INT(occur_put(st, &a.ev, a.text, &why), 0);
	t = next_alarm(st, "a@test");
	CHECK(REMIND_DIRTY(t) && REMIND_BASELINE(t) >= before &&
	    REMIND_BASELINE(t) <= (int64_t)time(NULL));
	CHECK_INT(store_remind_min(st, &t, &why), 0);
	CHECK(REMIND_DIRTY(t) && REMIND_BASELINE(t) >= before);
	CHECK_INT(store_remind_set_next(st, "a@test", start - 1800, &why), 0);
	CHECK_INT(store_remind_set_next(st, "b@test", REMIND_NEVER, &why), 0);
	CHECK_INT(store_remind_min(st, &t, &why), 0);
	CHECK_INT(t, start - 1800);
	/* What is not yet due at an instant: the earliest past it. */
	CHECK_INT(store_remind_min_after(st, start - 1801, &t, &why), 0);
	CHECK_INT(t, start - 1800);
	CHECK_INT(store_remind_min_after(st, start - 1800, &t, &why), 0);
	CHECK(t == REMIND_NEVER);
	/* An edit keeps the instant that was pending as its baseline. */
	CHECK_INT(occur_put(st, &a.ev, a.text, &why), 0);
	t = next_alarm(st, "a@test");
	CHECK(REMIND_DIRTY(t));
	CHECK_INT(REMIND_BASELINE(t), start - 1800);
	CHECK_INT(occur_put(st, &b.ev, b.text, &why), 0);
	t = next_alarm(st, "b@test");
	CHECK(REMIND_DIRTY(t) && REMIND_BASELINE(t) >= before);
	/* ... "plan again" marks are not reminders to come. */
	CHECK_INT(store_remind_min_after(st, 0, &t, &why), 0);
	CHECK(t == REMIND_NEVER);

	/* The walk: changed events first, then those due. */
	CHECK_INT(store_remind_due(st, NOW0, 10, &uids, &n, &why), 0);
	CHECK_INT(n, 2);
	store_remind_uids_free(uids, n);
	CHECK_INT(store_remind_set_next(st, "a@test", start - 1800, &why), 0);
	CHECK_INT(store_remind_set_next(st, "b@test", REMIND_NEVER, &why), 0);
	CHECK_INT(store_remind_due(st, start - 1801, 10, &uids, &n, &why), 0);
	CHECK_INT(n, 0);
	store_remind_uids_free(uids, n);
	CHECK_INT(store_remind_due(st, start - 1800, 10, &uids, &n, &why), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(uids[0], "a@test");
	store_remind_uids_free(uids, n);

	/* What falls due at one instant, by uid, a page at a time. */
	CHECK_INT(store_remind_set_next(st, "b@test", start - 1800, &why), 0);
	CHECK_INT(store_remind_at(st, start - 1800, "", 1, &uids, &n, &why),
	    0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(uids[0], "a@test");
	store_remind_uids_free(uids, n);
	CHECK_INT(store_remind_at(st, start - 1800, "a@test", 10, &uids, &n,
	    &why), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(uids[0], "b@test");
	store_remind_uids_free(uids, n);
	CHECK_INT(store_remind_at(st, start - 1801, "", 10, &uids, &n, &why),
	    0);
	CHECK_INT(n, 0);
	store_remind_uids_free(uids, n);
	CHECK_INT(store_remind_set_next(st, "b@test", REMIND_NEVER, &why), 0);

	/* State rows: a delivery takes a sequence number. */
	m = (struct remind_mark){ start, start - 1800, REMIND_FIRED, 0 };
	CHECK_INT(store_remind_mark(st, "a@test", &m, start - 1800, 0, 1,
	    start - 1800, &why), 0);
	CHECK_INT(store_remind_seq(st, &t, &why), 0);
	CHECK_INT(t, 1);
	/* A higher number kept for records since deleted goes on from there. */
	CHECK_INT(store_remind_meta_set(st, "fired_seq", "7", &why), 0);
	CHECK_INT(store_remind_seq(st, &t, &why), 0);
	CHECK_INT(t, 7);
	CHECK_INT(store_remind_meta_set(st, "fired_seq", "0", &why), 0);
	CHECK_INT(store_remind_seq(st, &t, &why), 0);
	CHECK_INT(t, 1);
	CHECK_INT(store_remind_marks(st, "a@test", NOW0, &marks, &n, &why), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(marks[0].state, REMIND_FIRED);
		CHECK_INT(marks[0].due, start - 1800);
	}
	free(marks);
	CHECK_INT(store_remind_current(st, "a@test", &row, &why), 0);
	CHECK_INT(row.seq, 1);
	CHECK_INT(row.deliveries, 1);
	free(row.uid);
	m.state = REMIND_SNOOZED;
	m.until = start - 600;
	CHECK_INT(store_remind_mark(st, "a@test", &m, 0, 0, 0, start - 1700,
	    &why), 0);
	CHECK_INT(store_remind_marks(st, "a@test", start, &marks, &n, &why), 0);
	CHECK_INT(n, 1);		/* snoozed rows whatever their due */
	if (n == 1)
		CHECK_INT(marks[0].until, start - 600);
	free(marks);
	CHECK_INT(store_remind_since(st, 0, 10, &rows, &n, &why), 0);
	CHECK_INT(n, 1);
	store_remind_rows_free(rows, n);
	CHECK_INT(store_remind_current(st, "b@test", &row, &why),
	    STORE_NOT_FOUND);

	/* Missed rows are listed; all rows go with their event. */
	m = (struct remind_mark){ b.ev.start, b.ev.start - 1800, REMIND_MISSED,
	    0 };
	CHECK_INT(store_remind_mark(st, "b@test", &m, 0, 7200, 0, NOW0, &why),
	    0);
	CHECK_INT(store_remind_missed(st, INT64_MIN, INT64_MAX, 10, &rows, &n,
	    &why), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(rows[0].uid, "b@test");
		CHECK_INT(rows[0].late, 7200);
	}
	store_remind_rows_free(rows, n);
	CHECK_INT(store_delete(st, "b@test", &why), 0);
	CHECK_INT(store_remind_missed(st, INT64_MIN, INT64_MAX, 10, &rows, &n,
	    &why), 0);
	CHECK_INT(n, 0);
	store_remind_rows_free(rows, n);

	/* "Plan everything again" and the remembered defaults. */
	CHECK_INT(store_remind_touch(st, NULL, &why), 0);
	CHECK(REMIND_DIRTY(next_alarm(st, "a@test")));
	CHECK_INT(store_remind_meta_get(st, "defaults", &v, &why), 0);
	CHECK(v == NULL);
	CHECK_INT(store_remind_meta_set(st, "defaults", "default=30m", &why),
	    0);
	CHECK_INT(store_remind_meta_get(st, "defaults", &v, &why), 0);
	CHECK_STR(v, "default=30m");
	free(v);
	CHECK(why == NULL);
	free(why);
	fixture_clear(&a);
	fixture_clear(&b);
	store_close(st);
}

static int64_t
hook_add(struct store *st, const char *uid, int64_t due, int64_t seq)
{
	struct hook_job	 j = { 0 }, *rows;
	char		*why = NULL, msg[128];
	size_t		 n;
	int64_t		 id = 0;

	snprintf(msg, sizeof msg, "{\"uid\":\"%s\",\"seq\":%lld}", uid,
	    (long long)seq);
	j.uid = (char *)uid;
	j.occ = due + 1800;
	j.due = due;
	j.seq = seq;
	j.msg = msg;
	j.queued = due;
	CHECK_INT(store_hook_add(st, &j, &why), 0);
	free(why);
	/* Its id: the last row of the queue. */
	CHECK_INT(store_hook_next(st, 0, 100000, &rows, &n, NULL), 0);
	if (n > 0)
		id = rows[n - 1].id;
	store_hook_jobs_free(rows, n);
	return id;
}

static int64_t
hook_queued(struct store *st, int64_t *started)
{
	int64_t	 q = -1, s;

	CHECK_INT(store_hook_count(st, &q, &s, NULL), 0);
	if (started != NULL)
		*started = s;
	return q;
}

/*
 * The hook's queue (hook_jobs): written with the reminder's state in one
 * transaction, read past the last id taken a few at a time, a run counted
 * before it starts and deleted when it ends; what a stopped daemon left
 * is read again from the start, the started runs with tries > 0.
 */
static void
test_hook_queue(void)
{
	static const int64_t	 offs[] = { 1800 };
	struct store		*st = open_store();
	struct fixture		 a;
	struct remind_mark	 m, *marks;
	struct hook_job		*rows;
	char			*why = NULL;
	size_t			 n, total;
	int64_t			 id1, id2, id3, id4, last, started, due;

	CHECK(st != NULL);
	if (st == NULL)
		return;
	make(&a, "h@test", "2026-01-05T10:00:00", "Asia/Seoul", offs, 1);
	CHECK_INT(occur_put(st, &a.ev, a.text, &why), 0);
	due = a.ev.start - 1800;
	m = (struct remind_mark){ a.ev.start, due, REMIND_FIRED, 0 };

	/* Rolled back with the reminder's state: neither is kept. */
	CHECK_INT(store_begin(st, &why), 0);
	CHECK_INT(store_remind_mark(st, "h@test", &m, due, 0, 1, due, &why), 0);
	hook_add(st, "h@test", due, 1);
	store_rollback(st);
	CHECK_INT(hook_queued(st, NULL), 0);
	CHECK_INT(store_remind_marks(st, "h@test", 0, &marks, &n, &why), 0);
	CHECK_INT(n, 0);
	free(marks);

	/* Committed together: both are. */
	CHECK_INT(store_begin(st, &why), 0);
	CHECK_INT(store_remind_mark(st, "h@test", &m, due, 0, 1, due, &why), 0);
	id1 = hook_add(st, "h@test", due, 1);
	id2 = hook_add(st, "h@test", due + 1, 2);
	id3 = hook_add(st, "h@test", due + 2, 3);
	CHECK_INT(store_commit(st, &why), 0);
	CHECK(id1 > 0 && id2 > id1 && id3 > id2);
	CHECK_INT(hook_queued(st, &started), 3);
	CHECK_INT(started, 0);

	/* Taken oldest first, as many as asked for; fields round-trip. */
	CHECK_INT(store_hook_next(st, 0, 2, &rows, &n, &why), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(rows[0].id, id1);
		CHECK_INT(rows[1].id, id2);
		CHECK_STR(rows[1].uid, "h@test");
		CHECK_INT(rows[1].due, due + 1);
		CHECK_INT(rows[1].occ, due + 1801);
		CHECK_INT(rows[1].seq, 2);
		CHECK_INT(rows[1].cmd, 0);
		CHECK_INT(rows[1].tries, 0);
		CHECK_STR(rows[1].msg, "{\"uid\":\"h@test\",\"seq\":2}");
	}
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_started(st, id1, due, &why), 0);
	CHECK_INT(store_hook_started(st, id2, due, &why), 0);
	CHECK_INT(hook_queued(st, &started), 3);
	CHECK_INT(started, 2);
	/* The first run ends; the next page starts past the last id taken. */
	CHECK_INT(store_hook_done(st, id1, &why), 0);
	CHECK_INT(store_hook_next(st, id2, 8, &rows, &n, &why), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(rows[0].id, id3);
	store_hook_jobs_free(rows, n);

	/* A restart reads from the start: the interrupted run, tries 1. */
	CHECK_INT(store_hook_next(st, 0, 8, &rows, &n, &why), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(rows[0].id, id2);
		CHECK_INT(rows[0].tries, 1);
		CHECK_INT(rows[1].id, id3);
		CHECK_INT(rows[1].tries, 0);
	}
	store_hook_jobs_free(rows, n);

	/* Deleting the event does not take its owed runs with it. */
	CHECK_INT(store_delete(st, "h@test", &why), 0);
	CHECK_INT(hook_queued(st, NULL), 2);

	/* An id is never reused, even the last one's after it is done. */
	CHECK_INT(store_hook_done(st, id3, &why), 0);
	id4 = hook_add(st, "h@test", due + 3, 4);
	CHECK(id4 > id3);
	CHECK_INT(store_hook_done(st, id2, &why), 0);
	CHECK_INT(store_hook_done(st, id4, &why), 0);
	CHECK_INT(hook_queued(st, NULL), 0);

	/* Nothing is dropped: 1,000 queued at once are all taken, once. */
	CHECK_INT(store_begin(st, &why), 0);
	for (int i = 0; i < 1000; i++) {
		struct hook_job	j = { 0 };
		char		u[32];

		snprintf(u, sizeof u, "burst-%d@test", i);
		j.uid = u;
		j.due = due;
		j.msg = u;
		if (store_hook_add(st, &j, &why) != 0)
			break;
	}
	CHECK_INT(store_commit(st, &why), 0);
	CHECK_INT(hook_queued(st, NULL), 1000);
	total = 0;
	last = 0;
	for (;;) {
		CHECK_INT(store_hook_next(st, last, 8, &rows, &n, &why), 0);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			CHECK(rows[i].id > last);
			last = rows[i].id;
			CHECK_INT(store_hook_done(st, rows[i].id, &why), 0);
		}
		total += n;
		store_hook_jobs_free(rows, n);
	}
	CHECK_INT(total, 1000);
	CHECK_INT(hook_queued(st, NULL), 0);

	/*
	 * Several hooks: rows of cmd 0 and 1 interleaved; each hook's page
	 * holds its own rows only, in order, whatever the other has waiting;
	 * the rows of hooks past the list (cmd 1 and up) are found together.
	 */
	CHECK_INT(store_begin(st, &why), 0);
	for (int i = 0; i < 20; i++) {
		struct hook_job	j = { 0 };

		j.cmd = i % 2 == 0 ? 0 : (i % 4 == 1 ? 1 : 3);
		j.uid = "lane@test";
		j.msg = "{}";
		if (store_hook_add(st, &j, &why) != 0)
			break;
	}
	CHECK_INT(store_commit(st, &why), 0);
	CHECK_INT(store_hook_next_cmds(st, 0, 0, 0, INT64_MAX, 8, &rows, &n, &why), 0);
	CHECK_INT(n, 8);
	last = 0;
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(rows[i].cmd, 0);
		CHECK(rows[i].id > last);
		last = rows[i].id;
	}
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_next_cmds(st, 0, 0, last, INT64_MAX, 8, &rows, &n, &why), 0);
	CHECK_INT(n, 2);
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_next_cmds(st, 1, 1, 0, INT64_MAX, 8, &rows, &n, &why), 0);
	CHECK_INT(n, 5);
	for (size_t i = 0; i < n; i++)
		CHECK_INT(rows[i].cmd, 1);
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_next_cmds(st, 1, INT_MAX, 0, INT64_MAX, 100,
	    &rows, &n, &why), 0);
	CHECK_INT(n, 10);
	for (size_t i = 0; i < n; i++) {
		CHECK(rows[i].cmd == 1 || rows[i].cmd == 3);
		CHECK_INT(store_hook_done(st, rows[i].id, &why), 0);
	}
	store_hook_jobs_free(rows, n);
	CHECK_INT(hook_queued(st, NULL), 10);

	/*
	 * The runs of deliveries not yet on the disk wait (notify_upto): of
	 * runs numbered 101 to 106, those up to 103 only, and none past an
	 * id that has them all.
	 */
	CHECK_INT(store_begin(st, &why), 0);
	for (int i = 1; i <= 6; i++) {
		struct hook_job	j = { 0 };

		j.cmd = 2;
		j.uid = "upto@test";
		j.msg = "{}";
		j.seq = 100 + i;
		if (store_hook_add(st, &j, &why) != 0)
			break;
	}
	CHECK_INT(store_commit(st, &why), 0);
	CHECK_INT(store_hook_next_cmds(st, 2, 2, 0, 103, 8, &rows, &n, &why),
	    0);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < n; i++)
		CHECK(rows[i].seq >= 101 && rows[i].seq <= 103);
	last = n > 0 ? rows[n - 1].id : 0;
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_next_cmds(st, 2, 2, last, 103, 8, &rows, &n,
	    &why), 0);
	CHECK_INT(n, 0);
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_next_cmds(st, 2, 2, last, 106, 8, &rows, &n,
	    &why), 0);
	CHECK_INT(n, 3);
	CHECK(n == 3 && rows[0].seq == 104 && rows[2].seq == 106);
	last = n == 3 ? rows[2].id : last;
	store_hook_jobs_free(rows, n);
	/* Numbers that do not grow with ids: none passed over. */
	CHECK_INT(store_begin(st, &why), 0);
	for (int i = 0; i < 2; i++) {
		struct hook_job	j = { 0 };

		j.cmd = 2;
		j.uid = "upto@test";
		j.msg = "{}";
		j.seq = i == 0 ? 200 : 150;
		if (store_hook_add(st, &j, &why) != 0)
			break;
	}
	CHECK_INT(store_commit(st, &why), 0);
	CHECK_INT(store_hook_next_cmds(st, 2, 2, last, 160, 8, &rows, &n,
	    &why), 0);
	CHECK_INT(n, 0);
	store_hook_jobs_free(rows, n);
	CHECK_INT(store_hook_next_cmds(st, 2, 2, last, INT64_MAX, 8, &rows,
	    &n, &why), 0);
	CHECK(n == 2 && rows[0].seq == 200 && rows[1].seq == 150);
	store_hook_jobs_free(rows, n);
	free(why);
	fixture_clear(&a);
	store_close(st);
}

int
main(void)
{
	test_store();
	test_hook_queue();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
