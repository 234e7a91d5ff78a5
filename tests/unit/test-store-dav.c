/*
 * test-store-dav.c — daemon/store-dav.c on ":memory:": the change log
 * filled by the triggers on events (insert, update of the record or its
 * class, a rewrite of other columns not counted, delete; the events that
 * refer to one whose class changed or that is deleted), tokens growing
 * and never reused, and resource names: the default "UID.ics", a chosen
 * name, a name taken by another event, names gone with their event; the
 * lowest class each event has had (dav_seen).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store-dav.h"
#include "test.h"

int	store_exec(struct store *, const char *, char **);

#define ROW(uid, class, ical) "INSERT INTO events (uid, kind, status, " \
	"class, tz, start_utc, end_utc, all_day, sequence, ical) VALUES ('" \
	uid "', 'meeting', 'confirmed', '" class "', 'UTC', 0, 3600, 0, 0, '" \
	ical "') ON CONFLICT(uid) DO UPDATE SET class = excluded.class, " \
	"ical = excluded.ical"

struct seen {
	char	 log[512];
	int	 n;
};

static int
collect(void *arg, const char *uid, int deleted)
{
	struct seen	*s = arg;
	size_t		 len = strlen(s->log);

	snprintf(s->log + len, sizeof s->log - len, "%s%s%s",
	    len ? " " : "", uid, deleted ? "-" : "");
	s->n++;
	return 0;
}

static const char *
changes(struct store *st, int64_t since)
{
	static struct seen	s;
	char			*cause = NULL;

	memset(&s, 0, sizeof s);
	CHECK_INT(store_dav_changes(st, since, collect, &s, &cause), 0);
	free(cause);
	return s.log;
}

static int64_t
token(struct store *st)
{
	int64_t	t = -1;

	CHECK_INT(store_dav_token(st, &t), 0);
	return t;
}

static void
test_log(struct store *st)
{
	int64_t	t0, t1, t2;

	t0 = token(st);
	CHECK_INT(t0, 0);
	CHECK(store_exec(st, ROW("a", "public", "A1"), NULL) == 0);
	CHECK(store_exec(st, ROW("b", "public", "B1"), NULL) == 0);
	t1 = token(st);
	CHECK_INT(t1, 2);
	CHECK_STR(changes(st, t0), "a b");
	CHECK_STR(changes(st, t1), "");
	/* the same record again, and a column the log ignores: no change */
	CHECK(store_exec(st, ROW("a", "public", "A1"), NULL) == 0);
	CHECK(store_exec(st, "UPDATE events SET occ_until = 5", NULL) == 0);
	CHECK_INT(token(st), t1);
	CHECK(store_exec(st, ROW("a", "public", "A2"), NULL) == 0);
	CHECK(store_exec(st, ROW("b", "confidential", "B1"), NULL) == 0);
	t2 = token(st);
	CHECK_INT(t2, 4);
	CHECK_STR(changes(st, t0), "a b");
	CHECK_STR(changes(st, t1), "a b");
	CHECK(store_delete(st, "a", NULL) == 0);
	CHECK_STR(changes(st, t2), "a-");
	CHECK_STR(changes(st, t0), "b a-");
	/*
	 * back again: a new number, never one used before; its deletion
	 * stays in the log ("a\n5": a client may have made it again under
	 * another name, and the old one must be reported gone)
	 */
	CHECK(store_exec(st, ROW("a", "public", "A3"), NULL) == 0);
	CHECK_INT(token(st), 6);
	CHECK_STR(changes(st, t2), "a\n5- a");
	CHECK_STR(changes(st, 5), "a");
}

/* A reference to an event that becomes hidden is dropped: logged too. */
static void
test_refs(struct store *st)
{
	int64_t	t;

	CHECK(store_exec(st, ROW("visit", "public", "V"), NULL) == 0);
	CHECK(store_exec(st, ROW("talk", "public", "T"), NULL) == 0);
	CHECK(store_exec(st, ROW("other", "public", "O"), NULL) == 0);
	CHECK(store_exec(st, "UPDATE events SET parent_uid = 'visit' "
	    "WHERE uid = 'talk'", NULL) == 0);
	t = token(st);
	CHECK_STR(changes(st, t), "");
	CHECK(store_exec(st, ROW("visit", "confidential", "V"), NULL) == 0);
	CHECK_STR(changes(st, t), "talk visit");
	t = token(st);
	CHECK(store_delete(st, "visit", NULL) == 0);
	CHECK_STR(changes(st, t), "talk visit-");
}

/* The lowest class an event has had, kept after it is deleted. */
static void
test_lowest(struct store *st)
{
	int	low;

	CHECK_INT(store_dav_lowest(st, "never", &low), 0);
	CHECK_INT(low, 2);
	CHECK(store_exec(st, ROW("s", "confidential", "S"), NULL) == 0);
	CHECK_INT(store_dav_lowest(st, "s", &low), 0);
	CHECK_INT(low, 2);
	CHECK(store_exec(st, ROW("s", "private", "S"), NULL) == 0);
	CHECK(store_exec(st, ROW("s", "confidential", "S"), NULL) == 0);
	CHECK_INT(store_dav_lowest(st, "s", &low), 0);
	CHECK_INT(low, 1);
	CHECK(store_delete(st, "s", NULL) == 0);
	CHECK_INT(store_dav_lowest(st, "s", &low), 0);
	CHECK_INT(low, 1);
}

static void
test_names(struct store *st)
{
	char	*uid = NULL, *name = NULL, *cause = NULL;

	CHECK(store_exec(st, ROW("c/1", "public", "C"), NULL) == 0);
	CHECK_INT(store_dav_lookup(st, "c/1.ics", &uid, &cause), 0);
	CHECK_STR(uid, "c/1");
	free(uid);
	CHECK_INT(store_dav_lookup(st, "nothere.ics", &uid, &cause),
	    STORE_NOT_FOUND);
	CHECK_INT(store_dav_lookup(st, "c/1", &uid, &cause), STORE_NOT_FOUND);
	CHECK_INT(store_dav_name(st, "c/1", &name, &cause), 0);
	CHECK_STR(name, "c/1.ics");
	free(name);

	CHECK_INT(store_dav_set_name(st, "c/1", "Work Item.ics", &cause), 0);
	CHECK_INT(store_dav_name(st, "c/1", &name, &cause), 0);
	CHECK_STR(name, "Work Item.ics");
	free(name);
	CHECK_INT(store_dav_lookup(st, "Work Item.ics", &uid, &cause), 0);
	CHECK_STR(uid, "c/1");
	free(uid);
	/* its default name is no longer its name */
	CHECK_INT(store_dav_lookup(st, "c/1.ics", &uid, &cause),
	    STORE_NOT_FOUND);
	/* taken: by another's chosen name, or another's default name */
	CHECK_INT(store_dav_set_name(st, "b", "Work Item.ics", &cause),
	    STORE_AMBIGUOUS);
	CHECK_INT(store_dav_set_name(st, "c/1", "b.ics", &cause),
	    STORE_AMBIGUOUS);
	/* back to the default */
	CHECK_INT(store_dav_set_name(st, "c/1", "c/1.ics", &cause), 0);
	CHECK_INT(store_dav_lookup(st, "c/1.ics", &uid, &cause), 0);
	free(uid);
	CHECK_INT(store_dav_set_name(st, "c/1", "x.ics", &cause), 0);
	CHECK(store_delete(st, "c/1", NULL) == 0);
	CHECK_INT(store_dav_lookup(st, "x.ics", &uid, &cause),
	    STORE_NOT_FOUND);
	/* the name it had, for a sync to report it gone */
	CHECK_INT(store_dav_name(st, "c/1", &name, &cause), 0);
	CHECK_STR(name, "x.ics");
	free(name);
	/* written again: a name of its own no more */
	CHECK(store_exec(st, ROW("c/1", "public", "C2"), NULL) == 0);
	CHECK_INT(store_dav_name(st, "c/1", &name, &cause), 0);
	CHECK_STR(name, "c/1.ics");
	free(name);
	CHECK(cause == NULL);
	free(cause);
}

int
main(void)
{
	struct store	*st;
	char		*cause = NULL;

	st = store_open(":memory:", &cause);
	CHECK(st != NULL);
	if (st == NULL)
		TEST_DONE();
	test_log(st);
	test_refs(st);
	test_names(st);
	test_lowest(st);
	store_close(st);
	TEST_DONE();
}
