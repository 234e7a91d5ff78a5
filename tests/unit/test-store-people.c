/*
 * test-store-people.c — the participants of a series' RECURRENCE-ID
 * overrides in the store (override_participants, store-itinerary.c): an
 * event's own participants stay its master's, people and a person's
 * events find someone who takes part in an override only (with the
 * override's clearance, not when it is cancelled), list --participant
 * hands the series over (feeds and export do not), a rewrite replaces
 * them, and the migration that made the table runs again harmlessly.
 * Its own file: test-store.c is long enough.
 */
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ical.h"
#include "occur.h"
#include "store.h"
#include "store-itinerary.h"
#include "test.h"

/* From store-int.h, without pulling sqlite3.h into a test. */
int	store_exec(struct store *, const char *, char **);
void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define UID	"series@people.test"

#define VEVENT(body)							\
	"BEGIN:VEVENT\r\nUID:" UID "\r\nDTSTAMP:20300101T000000Z\r\n" body \
	"END:VEVENT\r\n"
#define MASTER VEVENT(							\
	"DTSTART;TZID=Asia/Seoul:20310303T100000\r\n"			\
	"DTEND;TZID=Asia/Seoul:20310303T110000\r\n"			\
	"RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Weekly\r\nCLASS:PUBLIC\r\n" \
	"ATTENDEE;CN=Kim Master;X-KCAL-ROLE=host:urn:x-kcal:participant:1\r\n")
/* Moved, confidential, people of its own. */
#define SECRET VEVENT(							\
	"RECURRENCE-ID;TZID=Asia/Seoul:20310317T100000\r\n"		\
	"DTSTART;TZID=Asia/Seoul:20310318T150000\r\n"			\
	"DTEND;TZID=Asia/Seoul:20310318T160000\r\n"			\
	"SUMMARY:Moved\r\nCLASS:CONFIDENTIAL\r\n"			\
	"ATTENDEE;CN=Park Override;X-KCAL-ROLE=guest:urn:x-kcal:participant:1\r\n")
/* Public but cancelled: its people take part in nothing. */
#define GONE VEVENT(							\
	"RECURRENCE-ID;TZID=Asia/Seoul:20310324T100000\r\n"		\
	"DTSTART;TZID=Asia/Seoul:20310324T100000\r\n"			\
	"DTEND;TZID=Asia/Seoul:20310324T110000\r\n"			\
	"SUMMARY:Off\r\nCLASS:PUBLIC\r\nSTATUS:CANCELLED\r\n"		\
	"ATTENDEE;CN=Lee Cancelled:urn:x-kcal:participant:1\r\n")
#define CAL(body)							\
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal tests//EN\r\n" \
	body "END:VCALENDAR\r\n"

static int
put(struct store *st, const char *text)
{
	struct event	 ev;
	char		*why = NULL;
	int		 rc;

	event_init(&ev);
	if ((rc = ical_extract(text, HOME, &ev, &why)) == 0)
		rc = occur_put(st, &ev, text, &why);
	if (rc != 0)
		fprintf(stderr, "put: %s\n", why ? why : "?");
	free(why);
	event_clear(&ev);
	return rc;
}

/* Everyone store_people lists, "name/events" comma-separated. */
static void
people(struct store *st, char *out, size_t len)
{
	struct store_person	*p;
	size_t			 n, used = 0;
	char			*why = NULL;

	*out = '\0';
	if (store_people(st, NULL, &p, &n, &why) != 0) {
		snprintf(out, len, "error: %s", why);
		free(why);
		return;
	}
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(out + used, len - used, "%s%s/%lld",
		    i ? "," : "", p[i].name, (long long)p[i].nevents);
	store_people_free(p, n);
}

/* name's events: their UIDs and roles, "uid:role" comma-separated. */
static void
person_events(struct store *st, const char *name, char *out, size_t len)
{
	struct store_person_event	*e;
	size_t				 n, used = 0;
	char				*why = NULL;

	*out = '\0';
	if (store_person_events(st, name, 0, &e, &n, &why) != 0) {
		snprintf(out, len, "error: %s", why);
		free(why);
		return;
	}
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(out + used, len - used, "%s%s:%s",
		    i ? "," : "", e[i].uid, e[i].role ? e[i].role : "-");
	store_person_events_free(e, n);
}

struct row {
	int	found;
	char	parts[128];
};

static int
row_cb(void *arg, const struct event *ev, const char *ical)
{
	struct row	*r = arg;
	size_t		 used = 0;

	(void)ical;
	r->found++;
	for (size_t i = 0; i < ev->nparts; i++)
		used += snprintf(r->parts + used, sizeof r->parts - used,
		    "%s%s", i ? "," : "", ev->parts[i].name);
	return 0;
}

/*
 * The rows a query for participant who hands over (ovr: by the overrides'
 * people too, as for list), and their participants.
 */
static int
listed(struct store *st, const char *who, int ovr, char *parts, size_t len)
{
	struct store_query	 q;
	struct row		 r;
	char			*why = NULL;

	memset(&q, 0, sizeof q);
	memset(&r, 0, sizeof r);
	q.from = 0;
	q.to = INT64_MAX;
	q.participant = who;
	q.override_people = ovr;
	if (store_query(st, &q, row_cb, &r, &why) != 0) {
		fprintf(stderr, "store_query: %s\n", why);
		free(why);
		return -1;
	}
	snprintf(parts, len, "%s", r.parts);
	return r.found;
}

static void
test_overrides(struct store *st)
{
	char	got[256];

	CHECK_INT(put(st, CAL(MASTER SECRET GONE)), 0);
	/* The event's own participants: the master's alone. */
	CHECK_INT(listed(st, "Kim", 1, got, sizeof got), 1);
	CHECK_STR(got, "Kim Master");
	/* An override's person finds the series, shown as the master. */
	CHECK_INT(listed(st, "park over", 1, got, sizeof got), 1);
	CHECK_STR(got, "Kim Master");
	/* ... only for a caller that checks each occurrence (list). */
	CHECK_INT(listed(st, "park over", 0, got, sizeof got), 0);
	CHECK_INT(listed(st, "Kim", 0, got, sizeof got), 1);
	CHECK_INT(listed(st, "Nobody", 1, got, sizeof got), 0);
	people(st, got, sizeof got);
	CHECK_STR(got, "Kim Master/1,Park Override/1");
	person_events(st, "park override", got, sizeof got);
	CHECK_STR(got, UID ":guest");
	person_events(st, "Kim Master", got, sizeof got);
	CHECK_STR(got, UID ":host");
	person_events(st, "Lee Cancelled", got, sizeof got);
	CHECK_STR(got, "");
	/* A public reader learns nothing of the confidential override. */
	store_set_clearance(st, ACCESS_CLASS_PUBLIC);
	people(st, got, sizeof got);
	CHECK_STR(got, "Kim Master/1");
	person_events(st, "Park Override", got, sizeof got);
	CHECK_STR(got, "");
	store_set_clearance(st, ACCESS_CLASS_CONFIDENTIAL);
}

/* The table's migration, run again (a store rewound), keeps the rows. */
static void
test_rewind(struct store **st, const char *path)
{
	static const char *versions[] = { "PRAGMA user_version = 6",
	    "PRAGMA user_version = 10" };
	char	got[256], *why = NULL;

	for (size_t i = 0; i < 2; i++) {
		CHECK_INT(store_exec(*st, versions[i], &why), 0);
		store_close(*st);
		if ((*st = store_open(path, &why)) == NULL) {
			fprintf(stderr, "reopen: %s\n", why);
			CHECK(!"the store reopens after a rewind");
			free(why);
			return;
		}
		people(*st, got, sizeof got);
		CHECK_STR(got, "Kim Master/1,Park Override/1");
	}
}

/* Written again without the override, then deleted: its people go. */
static void
test_rewrite(struct store *st)
{
	char	got[256], *why = NULL;

	CHECK_INT(put(st, CAL(MASTER GONE)), 0);
	people(st, got, sizeof got);
	CHECK_STR(got, "Kim Master/1");
	CHECK_INT(listed(st, "Park", 1, got, sizeof got), 0);
	CHECK_INT(put(st, CAL(MASTER SECRET)), 0);
	CHECK_INT(store_delete(st, UID, &why), 0);
	free(why);
	people(st, got, sizeof got);
	CHECK_STR(got, "");
}

int
main(void)
{
	char		 dir[] = "/tmp/kcal-people-XXXXXX", path[64];
	struct store	*st;
	char		*why = NULL;

	store_set_record_ops(&occur_record_ops);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/kcal.db", dir);
	if ((st = store_open(path, &why)) == NULL) {
		fprintf(stderr, "store_open: %s\n", why);
		return 1;
	}
	test_overrides(st);
	test_rewind(&st, path);
	if (st != NULL) {
		test_rewrite(st);
		store_close(st);
	}
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
