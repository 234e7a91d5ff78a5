/*
 * test-redact.c — what a reader of a limited clearance is handed
 * (daemon/ical-redact.c and daemon/store-access.c): overrides above the
 * clearance cut out of their series, with the occurrence they replaced
 * (EXDATE, for UTC, zoned and all-day series); an unknown class counted as
 * PRIVATE; references to hidden events dropped; and in the store, hidden
 * events absent from get, prefix resolution, queries, people and counts,
 * while the full clearance (outside requests) sees them all.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "event.h"
#include "ical.h"
#include "occur.h"
#include "recur.h"
#include "store.h"
#include "store-itinerary.h"
#include "test.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define MOVED	((int64_t)1810103580)	/* 2027-05-12T06:33Z: override */
#define REPLACED ((int64_t)1809907200)	/* 2027-05-10T00:00Z: its RID */

#define CAL_BEGIN "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
#define CAL_END	"END:VCALENDAR\r\n"

/* A weekly series (UTC) and an override of its 10 May occurrence. */
static const char master_utc[] =
    "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART:20270503T000000Z\r\nDURATION:PT1H\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:PUB series\r\nEND:VEVENT\r\n";
static const char override_fmt[] =
    "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20270101T000000Z\r\n"
    "RECURRENCE-ID:20270510T000000Z\r\nDTSTART:20270512T063300Z\r\n"
    "DURATION:PT1H\r\n%sSUMMARY:MARK override\r\nLOCATION:MARK place\r\n"
    "ATTENDEE;CN=MARK person:mailto:m@example.org\r\nEND:VEVENT\r\n";

static int
collect(void *arg, const struct recur_occ *oc)
{
	int64_t	*v = arg;

	if (oc->overridden && oc->ev->status != NULL &&
	    strcmp(oc->ev->status, "cancelled") == 0)
		return 0;
	if (v[0] < 30)
		v[++v[0]] = oc->start;
	return 0;
}

/* How many occurrences text has (their starts in v[1..]), or -1. */
static int64_t
occurrences(const char *text, int64_t *v)
{
	char	*why = NULL;

	v[0] = 0;
	if (recur_expand(text, HOME, INT64_MIN, INT64_MAX, 30, collect, v,
	    &why) < 0) {
		fprintf(stderr, "expand: %s\n", why);
		free(why);
		return -1;
	}
	return v[0];
}

static int
has(const int64_t *v, int64_t t)
{
	for (int64_t i = 1; i <= v[0]; i++)
		if (v[i] == t)
			return 1;
	return 0;
}

static int
all_visible(void *arg, const char *uid)
{
	(void)arg; (void)uid;
	return 1;
}

/* An override of class (a CLASS line, or "") seen from every clearance. */
static void
test_override(const char *class, enum access_class lowest)
{
	char		 text[2048], ovr[1024], *out;
	int64_t		 v[32];
	int		 rc;

	snprintf(ovr, sizeof ovr, override_fmt, class);
	snprintf(text, sizeof text, "%s%s%s%s", CAL_BEGIN, master_utc, ovr,
	    CAL_END);
	CHECK_INT(occurrences(text, v), 4);
	CHECK(has(v, MOVED));
	for (int c = 0; c < 3; c++) {
		out = NULL;
		rc = ical_redact(text, c, all_visible, NULL, &out);
		if (c >= (int)lowest) {
			CHECK_INT(rc, ICAL_REDACT_SAME);
			CHECK(out == NULL);
			continue;
		}
		CHECK_INT(rc, ICAL_REDACT_CHANGED);
		if (out == NULL)
			continue;
		CHECK(strstr(out, "MARK") == NULL);
		CHECK(strstr(out, "RECURRENCE-ID") == NULL);
		/* Neither the override's time nor the one it replaced. */
		CHECK_INT(occurrences(out, v), 3);
		CHECK(!has(v, MOVED));
		CHECK(!has(v, REPLACED));
		CHECK(strstr(out, "PUB series") != NULL);
		free(out);
	}
}

/* Zoned and all-day series: the EXDATE keeps the RECURRENCE-ID's form. */
static void
test_exdate_forms(void)
{
	static const char zoned[] = CAL_BEGIN
	    "BEGIN:VEVENT\r\nUID:z1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "DTSTART;TZID=Asia/Shanghai:20270503T090000\r\nDURATION:PT1H\r\n"
	    "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:PUB zoned\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:z1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;TZID=Asia/Shanghai:20270504T090000\r\n"
	    "DTSTART;TZID=Asia/Shanghai:20270504T170000\r\nDURATION:PT1H\r\n"
	    "CLASS:PRIVATE\r\nSUMMARY:MARK zoned\r\nEND:VEVENT\r\n" CAL_END;
	static const char allday[] = CAL_BEGIN
	    "BEGIN:VEVENT\r\nUID:a1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "DTSTART;VALUE=DATE:20270503\r\nDTEND;VALUE=DATE:20270504\r\n"
	    "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:PUB days\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:a1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;VALUE=DATE:20270504\r\n"
	    "DTSTART;VALUE=DATE:20270506\r\nDTEND;VALUE=DATE:20270507\r\n"
	    "CLASS:CONFIDENTIAL\r\nSUMMARY:MARK day\r\nEND:VEVENT\r\n" CAL_END;
	const char	*texts[] = { zoned, allday };
	int64_t		 v[32], before[32];
	char		*out;

	for (size_t i = 0; i < 2; i++) {
		out = NULL;
		CHECK_INT(occurrences(texts[i], before), 3);
		CHECK_INT(ical_redact(texts[i], ACCESS_CLASS_PUBLIC,
		    all_visible, NULL, &out), ICAL_REDACT_CHANGED);
		if (out == NULL)
			continue;
		CHECK(strstr(out, "MARK") == NULL);
		CHECK_INT(occurrences(out, v), 2);
		/* The two left are the master's own first and third. */
		CHECK(has(v, before[1]));
		CHECK(has(v, before[3]));
		CHECK(!has(v, before[2]));	/* the override's */
		free(out);
	}
}

/*
 * A cut never lengthens a series: of two hidden THISANDFUTURE overrides the
 * earlier one ends it, and a rule that ends before the cut (a hidden
 * override of a later RDATE) is left as it is.
 */
static void
test_cut_never_lengthens(void)
{
	static const char two[] = CAL_BEGIN
	    "BEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "DTSTART:20270104T090000Z\r\nDURATION:PT1H\r\n"
	    "RRULE:FREQ=WEEKLY;COUNT=10\r\nSUMMARY:PUB\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;RANGE=THISANDFUTURE:20270208T090000Z\r\n"
	    "DTSTART:20270208T100000Z\r\nDURATION:PT1H\r\n"
	    "CLASS:CONFIDENTIAL\r\nSUMMARY:MARK b\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;RANGE=THISANDFUTURE:20270118T090000Z\r\n"
	    "DTSTART:20270118T100000Z\r\nDURATION:PT1H\r\n"
	    "CLASS:CONFIDENTIAL\r\nSUMMARY:MARK a\r\nEND:VEVENT\r\n" CAL_END;
	static const char rdate[] = CAL_BEGIN
	    "BEGIN:VEVENT\r\nUID:c2\r\nDTSTAMP:20270101T000000Z\r\n"
	    "DTSTART:20270104T090000Z\r\nDURATION:PT1H\r\n"
	    "RRULE:FREQ=WEEKLY;UNTIL=20270112T000000Z\r\n"
	    "RDATE:20270301T090000Z\r\nSUMMARY:PUB\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:c2\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;RANGE=THISANDFUTURE:20270301T090000Z\r\n"
	    "DTSTART:20270301T100000Z\r\nDURATION:PT1H\r\n"
	    "CLASS:PRIVATE\r\nSUMMARY:MARK r\r\nEND:VEVENT\r\n" CAL_END;
	int64_t		 v[32];
	char		*out = NULL;

	CHECK_INT(ical_redact(two, ACCESS_CLASS_PUBLIC, all_visible, NULL,
	    &out), ICAL_REDACT_CHANGED);
	CHECK(out != NULL && strstr(out, "UNTIL=20270118T085959Z") != NULL);
	CHECK_INT(out ? occurrences(out, v) : -1, 2);	/* 4 and 11 Jan */
	free(out);
	out = NULL;
	CHECK_INT(ical_redact(rdate, ACCESS_CLASS_PUBLIC, all_visible, NULL,
	    &out), ICAL_REDACT_CHANGED);
	CHECK(out != NULL && strstr(out, "UNTIL=20270112T000000Z") != NULL);
	CHECK(out != NULL && strstr(out, "RDATE") == NULL);
	CHECK_INT(out ? occurrences(out, v) : -1, 2);	/* 4 and 11 Jan */
	free(out);
}

/*
 * A hidden override with RANGE=THISANDFUTURE governs every later
 * occurrence: the series a public reader sees ends before it (its UNTIL,
 * the RDATEs after it dropped), zoned or all-day; the first two stay.
 */
static void
test_this_and_future(void)
{
	static const char zoned[] = CAL_BEGIN
	    "BEGIN:VEVENT\r\nUID:t1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "DTSTART;TZID=Europe/Berlin:20270104T090000\r\nDURATION:PT1H\r\n"
	    "RRULE:FREQ=WEEKLY;COUNT=8\r\n"
	    "RDATE;TZID=Europe/Berlin:20270301T090000\r\n"
	    "SUMMARY:PUB weekly\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:t1\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:"
	    "20270118T090000\r\n"
	    "DTSTART;TZID=Europe/Berlin:20270118T140000\r\nDURATION:PT1H\r\n"
	    "CLASS:CONFIDENTIAL\r\nSUMMARY:MARK moved\r\nEND:VEVENT\r\n" CAL_END;
	static const char allday[] = CAL_BEGIN
	    "BEGIN:VEVENT\r\nUID:t2\r\nDTSTAMP:20270101T000000Z\r\n"
	    "DTSTART;VALUE=DATE:20270503\r\nDTEND;VALUE=DATE:20270504\r\n"
	    "RRULE:FREQ=DAILY\r\nSUMMARY:PUB days\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:t2\r\nDTSTAMP:20270101T000000Z\r\n"
	    "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20270505\r\n"
	    "DTSTART;VALUE=DATE:20270505\r\nDTEND;VALUE=DATE:20270506\r\n"
	    "CLASS:PRIVATE\r\nSUMMARY:MARK day\r\nEND:VEVENT\r\n" CAL_END;
	const char	*texts[] = { zoned, allday };
	int64_t		 v[32], before[32];
	char		*out;

	for (size_t i = 0; i < 2; i++) {
		out = NULL;
		CHECK(occurrences(texts[i], before) > 3);
		CHECK_INT(ical_redact(texts[i], ACCESS_CLASS_PUBLIC,
		    all_visible, NULL, &out), ICAL_REDACT_CHANGED);
		if (out == NULL)
			continue;
		CHECK(strstr(out, "MARK") == NULL);
		CHECK(strstr(out, "COUNT=") == NULL);
		CHECK(strstr(out, "RDATE") == NULL);
		CHECK_INT(occurrences(out, v), 2);
		CHECK(has(v, before[1]));
		CHECK(has(v, before[2]));
		free(out);
	}
	/* Cleared for it: as it is. */
	CHECK_INT(ical_redact(zoned, ACCESS_CLASS_CONFIDENTIAL, all_visible,
	    NULL, &out), ICAL_REDACT_SAME);
	test_cut_never_lengthens();
}

/* A master above the clearance: nothing of it (should the index lie). */
static void
test_master(void)
{
	static const char conf[] = "BEGIN:VEVENT\r\nUID:c1\r\n"
	    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270503T000000Z\r\n"
	    "CLASS:X-EYES-ONLY\r\nSUMMARY:MARK\r\nRELATED-TO:v1\r\n"
	    "END:VEVENT\r\n";
	char	*out = NULL;

	CHECK_INT(ical_redact(conf, ACCESS_CLASS_PUBLIC, all_visible, NULL,
	    &out), ICAL_REDACT_HIDDEN);
	CHECK(out == NULL);
	CHECK_INT(ical_redact(conf, ACCESS_CLASS_PRIVATE, all_visible, NULL,
	    &out), ICAL_REDACT_SAME);
	CHECK_INT(ical_redact("not iCalendar RELATED-TO", ACCESS_CLASS_PUBLIC,
	    all_visible, NULL, &out), ICAL_REDACT_HIDDEN);
	/* Full clearance: handed out as stored, not even parsed. */
	CHECK_INT(ical_redact("not iCalendar", ACCESS_CLASS_CONFIDENTIAL,
	    all_visible, NULL, &out), ICAL_REDACT_SAME);
}

static int
only_v1(void *arg, const char *uid)
{
	(void)arg;
	return strcmp(uid, "v1") == 0;
}

/* References to hidden events go; those to visible ones stay. */
static void
test_refs(void)
{
	static const char item[] = "BEGIN:VEVENT\r\nUID:i1\r\n"
	    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270503T000000Z\r\n"
	    "SUMMARY:PUB item\r\nRELATED-TO;RELTYPE=PARENT:hidden-visit\r\n"
	    "X-KCAL-ANCHOR:hidden-meeting\r\nX-KCAL-ANCHOR-OFFSET:-PT15M\r\n"
	    "END:VEVENT\r\n";
	static const char item2[] = "BEGIN:VEVENT\r\nUID:i2\r\n"
	    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270503T000000Z\r\n"
	    "SUMMARY:PUB item\r\nRELATED-TO;RELTYPE=PARENT:v1\r\n"
	    "X-KCAL-ANCHOR:v1\r\nX-KCAL-ANCHOR-OFFSET:-PT15M\r\nEND:VEVENT\r\n";
	static const char item3[] = "BEGIN:VEVENT\r\nUID:i3\r\n"
	    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270503T000000Z\r\n"
	    "SUMMARY:PUB item\r\nX-KCAL-ANCHOR:v1\r\n"
	    "X-KCAL-ANCHOR;VALUE=TEXT:hidden-meeting\r\n"
	    "X-KCAL-ANCHOR-OFFSET:-PT15M\r\nEND:VEVENT\r\n";
	char	*out = NULL;

	CHECK_INT(ical_redact(item, ACCESS_CLASS_PUBLIC, only_v1, NULL, &out),
	    ICAL_REDACT_CHANGED);
	CHECK(out != NULL && strstr(out, "hidden") == NULL);
	CHECK(out != NULL && strstr(out, "X-KCAL-ANCHOR") == NULL);
	CHECK(out != NULL && strstr(out, "PUB item") != NULL);
	free(out);
	out = NULL;
	CHECK_INT(ical_redact(item2, ACCESS_CLASS_PUBLIC, only_v1, NULL,
	    &out), ICAL_REDACT_SAME);
	CHECK(out == NULL);
	/* a second anchor (stored before imports refused one), typed */
	CHECK_INT(ical_redact(item3, ACCESS_CLASS_PUBLIC, only_v1, NULL,
	    &out), ICAL_REDACT_CHANGED);
	CHECK(out != NULL && strstr(out, "hidden") == NULL);
	CHECK(out != NULL && strstr(out, "X-KCAL-ANCHOR") == NULL);
	free(out);
}

static int
put(struct store *st, const char *text)
{
	struct event	 ev;
	char		*why = NULL;
	int		 rc;

	if (ical_extract(text, HOME, &ev, &why) != 0) {
		fprintf(stderr, "extract: %s\n", why);
		free(why);
		return -1;
	}
	rc = occur_put(st, &ev, text, &why);
	if (rc != 0) {
		fprintf(stderr, "put: %s\n", why);
		free(why);
	}
	event_clear(&ev);
	return rc;
}

static int
row(void *arg, const struct event *ev, const char *ical)
{
	char	*seen = arg;

	strcat(seen, ev->uid);
	strcat(seen, ev->parent ? "^" : " ");
	if (ical != NULL && strstr(ical, "MARK") != NULL)
		strcat(seen, "LEAK ");
	return 0;
}

static void
event_text(char *buf, size_t len, const char *uid, const char *class,
    const char *extra)
{
	snprintf(buf, len, "BEGIN:VEVENT\r\nUID:%s\r\n"
	    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270503T010000Z\r\n"
	    "DURATION:PT1H\r\nCLASS:%s\r\nSUMMARY:%s %s\r\n"
	    "ATTENDEE;CN=%s person:mailto:p@example.org\r\n%sEND:VEVENT\r\n",
	    uid, class, strcmp(class, "PUBLIC") ? "MARK" : "PUB", uid,
	    strcmp(class, "PUBLIC") ? "MARK" : "PUB", extra);
}

/* The store under a clearance, and at full clearance after. */
static void
test_store(void)
{
	struct store		*st;
	struct store_query	 q;
	struct store_person	*pp;
	char			 buf[2048], ovr[1024], seen[4096];
	char			*text, *why;
	char			*uid;
	size_t			 np;
	int64_t			 n;

	store_set_record_ops(&occur_record_ops);
	if ((st = store_open(":memory:", &why)) == NULL) {
		fprintf(stderr, "store_open: %s\n", why);
		CHECK(0);
		return;
	}
	CHECK_INT(store_clearance(st), ACCESS_CLASS_CONFIDENTIAL);
	event_text(buf, sizeof buf, "pub-1", "PUBLIC",
	    "RELATED-TO;RELTYPE=PARENT:conf-visit\r\n");
	CHECK(put(st, buf) == 0);
	event_text(buf, sizeof buf, "conf-visit", "CONFIDENTIAL", "");
	CHECK(put(st, buf) == 0);
	event_text(buf, sizeof buf, "priv-1", "PRIVATE", "");
	CHECK(put(st, buf) == 0);
	/* conf-visit and conf-vis2 share a prefix; only one is visible. */
	event_text(buf, sizeof buf, "conf-vis2", "PUBLIC", "");
	CHECK(put(st, buf) == 0);
	snprintf(ovr, sizeof ovr, override_fmt, "CLASS:CONFIDENTIAL\r\n");
	snprintf(buf, sizeof buf, "%s%s%s%s", CAL_BEGIN, master_utc, ovr,
	    CAL_END);
	CHECK(put(st, buf) == 0);

	CHECK_INT(store_set_clearance(st, ACCESS_CLASS_PUBLIC),
	    ACCESS_CLASS_CONFIDENTIAL);
	why = text = uid = NULL;
	CHECK_INT(store_get(st, "conf-visit", &text, &why), STORE_NOT_FOUND);
	CHECK(text == NULL);
	CHECK_INT(store_get(st, "priv-1", &text, &why), STORE_NOT_FOUND);
	CHECK(!store_visible(st, "conf-visit"));
	CHECK(store_visible(st, "pub-1"));
	/* Not ambiguous: the hidden one is not there to clash. */
	CHECK_INT(store_resolve(st, "conf-vi", &uid, &why), 0);
	CHECK_STR(uid, "conf-vis2");
	free(uid);
	uid = NULL;
	CHECK_INT(store_resolve(st, "priv-", &uid, &why), STORE_NOT_FOUND);
	CHECK_INT(store_get(st, "pub-1", &text, &why), 0);
	CHECK(text != NULL && strstr(text, "conf-visit") == NULL);
	free(text);
	text = NULL;
	CHECK_INT(store_get(st, "s1", &text, &why), 0);
	CHECK(text != NULL && strstr(text, "MARK") == NULL);
	free(text);
	memset(&q, 0, sizeof q);
	q.from = INT64_MIN;
	q.to = INT64_MAX;
	seen[0] = '\0';
	CHECK(store_query(st, &q, row, seen, &why) == 0);
	CHECK_STR(seen, "s1 conf-vis2 pub-1 ");
	CHECK(store_count(st, "events", &n) == 0);
	CHECK_INT(n, 3);
	CHECK(store_count(st, "participants", &n) == 0);
	CHECK_INT(n, 1);	/* "PUB person" */
	CHECK(store_people(st, NULL, &pp, &np, &why) == 0);
	CHECK_INT(np, 1);
	if (np == 1)
		CHECK_STR(pp[0].name, "PUB person");
	store_people_free(pp, np);
	/* The occurrence cut out of s1 is not there for a reminder. */
	CHECK(!occur_visible(st, "s1", MOVED, HOME));
	CHECK(occur_visible(st, "s1", REPLACED + 7 * 86400, HOME));
	CHECK(!occur_visible(st, "conf-visit", 0, HOME));

	CHECK_INT(store_set_clearance(st, ACCESS_CLASS_CONFIDENTIAL),
	    ACCESS_CLASS_PUBLIC);
	seen[0] = '\0';
	CHECK(store_query(st, &q, row, seen, &why) == 0);
	CHECK(strstr(seen, "conf-visit ") != NULL);
	CHECK(strstr(seen, "pub-1^") != NULL);
	CHECK(strstr(seen, "LEAK") != NULL);	/* s1 as stored */
	CHECK(store_count(st, "events", &n) == 0);
	CHECK_INT(n, 5);
	CHECK(occur_visible(st, "s1", MOVED, HOME));
	store_close(st);
}

/*
 * A store without store_record_ops cannot redact: under a limited
 * clearance it hands out no record at all, never one unredacted.
 */
static void
test_no_ops(void)
{
	struct store	*st;
	char		 buf[2048];
	char		*text = NULL, *why = NULL;

	store_set_record_ops(NULL);
	if ((st = store_open(":memory:", &why)) == NULL) {
		CHECK(0);
		free(why);
		return;
	}
	event_text(buf, sizeof buf, "pub-1", "PUBLIC", "");
	CHECK(put(st, buf) == 0);
	CHECK_INT(store_get(st, "pub-1", &text, &why), 0);
	free(text);
	text = NULL;
	store_set_clearance(st, ACCESS_CLASS_PUBLIC);
	CHECK_INT(store_get(st, "pub-1", &text, &why), STORE_NOT_FOUND);
	CHECK(text == NULL);
	store_close(st);
	store_set_record_ops(&occur_record_ops);
}

int
main(void)
{
	test_override("CLASS:CONFIDENTIAL\r\n", ACCESS_CLASS_CONFIDENTIAL);
	test_override("CLASS:PRIVATE\r\n", ACCESS_CLASS_PRIVATE);
	test_override("CLASS:X-TOP-SECRET\r\n", ACCESS_CLASS_PRIVATE);
	test_override("CLASS:PUBLIC\r\n", ACCESS_CLASS_PUBLIC);
	test_override("", ACCESS_CLASS_PUBLIC);
	test_exdate_forms();
	test_this_and_future();
	test_master();
	test_refs();
	test_store();
	test_no_ops();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
