/*
 * test-tz.c — time zones (daemon/tz.c): wall-clock times to instants across
 * DST gaps and overlaps in America/New_York and Europe/Brussels, zones
 * without DST (Asia/Seoul, Asia/Shanghai), abbreviations and ISO output,
 * and unknown zones.  Every zone is named explicitly, so the machine's own
 * zone never matters.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tz.h"
#include "when.h"

void	icaltimezone_free_builtin_timezones(void);

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static struct when
local(int y, int mo, int d, int h, int mi)
{
	struct when	w;

	memset(&w, 0, sizeof w);
	w.kind = WHEN_LOCAL;
	w.year = y; w.mon = mo; w.day = d; w.hour = h; w.min = mi;
	return w;
}

/* Resolve a wall-clock time; -1 (with a cause) or 0 and the instant. */
static int
resolve(const char *tz, struct when w, int strict, int64_t *out)
{
	char	*cause = NULL;
	int	 rc;

	*out = -1;
	rc = tz_to_utc(tz, &w, strict, out, &cause);
	CHECK(rc == 0 ? cause == NULL : cause != NULL && *cause != '\0');
	free(cause);
	return rc;
}

static void
check_time(const char *tz, struct when w, int strict, int64_t want)
{
	int64_t	got;

	CHECK_INT(resolve(tz, w, strict, &got), 0);
	if (got != want)
		fprintf(stderr, "%s %04d-%02d-%02d %02d:%02d strict=%d\n", tz,
		    w.year, w.mon, w.day, w.hour, w.min, strict);
	CHECK_INT(got, want);
}

static void
check_gap(const char *tz, struct when w, int64_t before_gap)
{
	int64_t	 got;
	char	*cause = NULL;

	/* Strict (a time a user typed): refused, saying why. */
	CHECK_INT(tz_to_utc(tz, &w, 1, &got, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "does not exist") != NULL);
	free(cause);
	/* Otherwise read with the offset in force before the gap. */
	check_time(tz, w, 0, before_gap);
}

static void
test_new_york(void)
{
	const char	*ny = "America/New_York";

	/* 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z. */
	check_time(ny, local(2026, 3, 8, 1, 59), 1, utc(2026, 3, 8, 6, 59, 0));
	check_gap(ny, local(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 30, 0));
	check_gap(ny, local(2026, 3, 8, 2, 0), utc(2026, 3, 8, 7, 0, 0));
	check_time(ny, local(2026, 3, 8, 3, 0), 1, utc(2026, 3, 8, 7, 0, 0));
	check_time(ny, local(2026, 3, 8, 3, 30), 1, utc(2026, 3, 8, 7, 30, 0));
	/* 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z; 01:30 happens
	 * twice and the first (EDT) instant is taken, strict or not. */
	check_time(ny, local(2026, 11, 1, 0, 59), 1, utc(2026, 11, 1, 4, 59, 0));
	check_time(ny, local(2026, 11, 1, 1, 0), 1, utc(2026, 11, 1, 5, 0, 0));
	check_time(ny, local(2026, 11, 1, 1, 30), 1, utc(2026, 11, 1, 5, 30, 0));
	check_time(ny, local(2026, 11, 1, 1, 30), 0, utc(2026, 11, 1, 5, 30, 0));
	check_time(ny, local(2026, 11, 1, 2, 0), 1, utc(2026, 11, 1, 7, 0, 0));
	/* Plain winter and summer days. */
	check_time(ny, local(2026, 1, 15, 9, 0), 1, utc(2026, 1, 15, 14, 0, 0));
	check_time(ny, local(2026, 7, 15, 9, 0), 1, utc(2026, 7, 15, 13, 0, 0));
}

/*
 * A date whose midnight the clocks skip (America/Santiago, 2026-09-06:
 * 00:00 -04 becomes 01:00 -03) begins when the gap ends, strict or not:
 * an all-day event has no time of day to refuse.
 */
static void
test_date_in_gap(void)
{
	struct when	w;

	memset(&w, 0, sizeof w);
	w.kind = WHEN_DATE;
	w.year = 2026;
	w.mon = 9;
	w.day = 6;
	check_time("America/Santiago", w, 1, utc(2026, 9, 6, 4, 0, 0));
	check_time("America/Santiago", w, 0, utc(2026, 9, 6, 4, 0, 0));
	/* The time 00:30 that day is still refused when typed. */
	check_gap("America/Santiago", local(2026, 9, 6, 0, 30),
	    utc(2026, 9, 6, 4, 30, 0));
}

static void
test_brussels(void)
{
	const char	*bx = "Europe/Brussels";

	/* 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z. */
	check_time(bx, local(2026, 3, 29, 1, 59), 1, utc(2026, 3, 29, 0, 59, 0));
	check_gap(bx, local(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30, 0));
	check_time(bx, local(2026, 3, 29, 3, 0), 1, utc(2026, 3, 29, 1, 0, 0));
	/* 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:30 happens
	 * at 00:30Z (CEST) and 01:30Z (CET): the first is taken. */
	check_time(bx, local(2026, 10, 25, 2, 30), 1, utc(2026, 10, 25, 0, 30, 0));
	check_time(bx, local(2026, 10, 25, 2, 30), 0, utc(2026, 10, 25, 0, 30, 0));
	check_time(bx, local(2026, 10, 25, 1, 59), 1, utc(2026, 10, 24, 23, 59, 0));
	check_time(bx, local(2026, 10, 25, 3, 0), 1, utc(2026, 10, 25, 2, 0, 0));
	/* A date is local midnight. */
	{
		struct when	d = local(2026, 3, 29, 0, 0);

		d.kind = WHEN_DATE;
		d.hour = 7;	/* ignored for a date */
		check_time(bx, d, 1, utc(2026, 3, 28, 23, 0, 0));
	}
}

static void
test_no_dst(void)
{
	struct when	w;
	int		off = 0;
	int64_t		t = utc(2026, 1, 5, 11, 0, 0);

	check_time("Asia/Shanghai", local(2026, 1, 5, 19, 0), 1, t);
	check_time("Asia/Seoul", local(2026, 1, 5, 20, 0), 1, t);
	check_time("UTC", local(2026, 1, 5, 11, 0), 1, t);
	check_time("Etc/UTC", local(2026, 1, 5, 11, 0), 1, t);
	CHECK_INT(tz_offset("Asia/Shanghai", t, &off), 0);
	CHECK_INT(off, 8 * 3600);
	CHECK_INT(tz_offset("Asia/Seoul", t, &off), 0);
	CHECK_INT(off, 9 * 3600);
	CHECK_INT(tz_offset("Asia/Seoul", utc(2026, 7, 1, 0, 0, 0), &off), 0);
	CHECK_INT(off, 9 * 3600);
	CHECK_INT(tz_offset("Asia/Kathmandu", t, &off), 0);
	CHECK_INT(off, 5 * 3600 + 45 * 60);
	CHECK_INT(tz_offset("America/New_York", utc(2045, 7, 1, 0, 0, 0),
	    &off), 0);
	CHECK_INT(off, -4 * 3600);	/* rules hold far ahead */
	/* A UTC instant passes through untouched, whatever the zone. */
	memset(&w, 0, sizeof w);
	w.kind = WHEN_UTC;
	w.utc = 12345;
	check_time("Asia/Seoul", w, 1, 12345);
	/* Back to the wall clock. */
	tz_local("Asia/Shanghai", t, &w);
	CHECK(w.kind == WHEN_LOCAL && w.year == 2026 && w.mon == 1 &&
	    w.day == 5 && w.hour == 19 && w.min == 0 && w.sec == 0);
	tz_local("Asia/Seoul", utc(2026, 1, 4, 15, 30, 0), &w);
	CHECK(w.day == 5 && w.hour == 0 && w.min == 30);
	tz_local("America/New_York", utc(2026, 11, 1, 6, 30, 0), &w);
	CHECK(w.day == 1 && w.hour == 1 && w.min == 30);	/* EST 01:30 */
}

static void
check_iso(const char *tz, int64_t t, const char *want)
{
	char	buf[64];

	tz_iso(tz, t, buf, sizeof buf);
	CHECK_STR(buf, want);
}

static void
check_abbr(const char *tz, int64_t t, const char *want)
{
	char	buf[16];

	tz_abbr(tz, t, buf, sizeof buf);
	CHECK_STR(buf, want);
}

static void
test_text(void)
{
	int64_t	winter = utc(2026, 1, 5, 11, 0, 0);
	int64_t	summer = utc(2026, 7, 5, 11, 0, 0);

	check_iso("Asia/Shanghai", winter, "2026-01-05T19:00:00+08:00");
	check_iso("Asia/Seoul", winter, "2026-01-05T20:00:00+09:00");
	check_iso("America/New_York", winter, "2026-01-05T06:00:00-05:00");
	check_iso("America/New_York", summer, "2026-07-05T07:00:00-04:00");
	check_iso("Europe/Brussels", summer, "2026-07-05T13:00:00+02:00");
	check_iso("Asia/Kathmandu", winter, "2026-01-05T16:45:00+05:45");
	check_iso("UTC", winter, "2026-01-05T11:00:00Z");
	check_iso("America/St_Johns", winter, "2026-01-05T07:30:00-03:30");

	check_abbr("Asia/Seoul", winter, "KST");
	check_abbr("Asia/Shanghai", winter, "CST");
	check_abbr("Europe/Brussels", winter, "CET");
	check_abbr("Europe/Brussels", summer, "CEST");
	check_abbr("America/New_York", winter, "EST");
	check_abbr("America/New_York", summer, "EDT");
	/* Either side of the New York autumn change, 01:30 twice. */
	check_abbr("America/New_York", utc(2026, 11, 1, 5, 30, 0), "EDT");
	check_abbr("America/New_York", utc(2026, 11, 1, 6, 30, 0), "EST");
	check_abbr("UTC", winter, "UTC");
	check_abbr("Asia/Kolkata", winter, "IST");
	/* Zones whose abbreviation is numeric print the offset. */
	check_abbr("Asia/Dubai", winter, "+04");
	check_abbr("Asia/Kathmandu", winter, "+0545");
	check_abbr("America/Sao_Paulo", winter, "-03");
}

static void
test_unknown(void)
{
	static const char *bad[] = {
		"", "Mars/Olympus_Mons", "asia/seoul", "Asia/Seoul ", "Seoul",
		"../../etc/passwd", "/etc/localtime", "Asia/",
		/* paths to real zone files: libical would read them */
		"Europe/../Asia/Tokyo", "/Europe/London", "Europe//London",
		"../../../../usr/share/zoneinfo/Asia/Tokyo", "./Asia/Tokyo",
		"posix/Asia/Tokyo", "right/Asia/Tokyo", "localtime",
		"posixrules", "Factory", NULL
	};
	struct when	 w = local(2026, 1, 5, 19, 0);
	int64_t		 t;
	char		*cause = NULL;
	int		 off;

	for (int i = 0; bad[i] != NULL; i++) {
		CHECK(!tz_valid(bad[i]));
		CHECK_INT(tz_to_utc(bad[i], &w, 1, &t, &cause), -1);
		CHECK(cause != NULL && strstr(cause, "unknown time zone") != NULL);
		free(cause);
		cause = NULL;
		CHECK_INT(tz_offset(bad[i], 0, &off), -1);
	}
	CHECK(!tz_valid(NULL));
	CHECK_INT(tz_to_utc(NULL, &w, 0, &t, &cause), -1);
	free(cause);
	/* cause may be NULL: the answer alone, as ical.c asks for it. */
	CHECK_INT(tz_to_utc("Mars/Olympus_Mons", &w, 0, &t, NULL), -1);
	w = local(2026, 3, 8, 2, 30);		/* in New York's gap */
	CHECK_INT(tz_to_utc("America/New_York", &w, 1, &t, NULL), -1);
	CHECK(tz_valid("Asia/Seoul"));
	CHECK(tz_valid("UTC"));
	CHECK(tz_valid("Etc/GMT+5"));
	CHECK(tz_valid("US/Eastern"));
	CHECK(tz_valid("America/Argentina/Buenos_Aires"));
}

static void
test_system(void)
{
	setenv("TZ", "Asia/Seoul", 1);
	CHECK_STR(tz_system(), "Asia/Seoul");
	setenv("TZ", ":Europe/Brussels", 1);
	CHECK_STR(tz_system(), "Europe/Brussels");
	/* Not a zone name: the system's zone, whatever it is, but valid. */
	setenv("TZ", "XYZ-3", 1);
	CHECK(tz_valid(tz_system()));
	unsetenv("TZ");
	CHECK(tz_valid(tz_system()));
}

int
main(void)
{
	test_new_york();
	test_brussels();
	test_date_in_gap();
	test_no_dst();
	test_text();
	test_unknown();
	test_system();
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
