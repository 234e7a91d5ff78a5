/*
 * test-when.c — the WHEN, DUR and span syntax (include/when.c): every
 * accepted form, the rejects, relative forms against an injected clock,
 * and the wire and DUR output.  today/tomorrow read the user's clock, so
 * TZ is set here and the machine's own zone never matters.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "when.h"

/* 2026-01-04T16:00:00Z: already 2026-01-05 01:00 in Seoul. */
#define NOW	((int64_t)1767542400)

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void
check_local(const char *s, int y, int mo, int d, int h, int mi, int se)
{
	struct when	w;

	CHECK_INT(when_parse(s, NOW, &w), 0);
	CHECK_INT(w.kind, WHEN_LOCAL);
	CHECK(w.year == y && w.mon == mo && w.day == d);
	CHECK(w.hour == h && w.min == mi && w.sec == se);
}

static void
test_absolute(void)
{
	struct when	 w;
	char		*s;

	CHECK_INT(when_parse("2026-01-05", NOW, &w), 0);
	CHECK_INT(w.kind, WHEN_DATE);
	CHECK(w.year == 2026 && w.mon == 1 && w.day == 5);
	check_local("2026-01-05 19:00", 2026, 1, 5, 19, 0, 0);
	check_local("2026-01-05T19:00", 2026, 1, 5, 19, 0, 0);
	check_local("2026-01-05T19:00:30", 2026, 1, 5, 19, 0, 30);
	check_local("2026-01-05 00:00", 2026, 1, 5, 0, 0, 0);
	check_local("2026-12-31T23:59:59", 2026, 12, 31, 23, 59, 59);
	check_local("2024-02-29 12:00", 2024, 2, 29, 12, 0, 0);
	check_local("2000-02-29 12:00", 2000, 2, 29, 12, 0, 0);

	CHECK_INT(when_parse("2026-01-05T11:00:00Z", NOW, &w), 0);
	CHECK_INT(w.kind, WHEN_UTC);
	CHECK_INT(w.utc, 1767610800);
	CHECK_INT(when_parse("2026-01-05T11:00Z", NOW, &w), 0);
	CHECK_INT(w.utc, 1767610800);
	CHECK_INT(when_parse_abs("1970-01-01T00:00:00Z", &w), 0);
	CHECK_INT(w.utc, 0);
	CHECK_INT(when_parse_abs("1969-12-31T23:59:59Z", &w), 0);
	CHECK_INT(w.utc, -1);

	/* The wire forms print back what was read. */
	when_parse_abs("2026-01-05", &w);
	s = when_format_wire(&w);
	CHECK_STR(s, "2026-01-05");
	free(s);
	when_parse_abs("2026-01-05 19:00", &w);
	s = when_format_wire(&w);
	CHECK_STR(s, "2026-01-05T19:00:00");
	free(s);
	when_parse_abs("2026-01-05T11:00:00Z", &w);
	s = when_format_wire(&w);
	CHECK_STR(s, "2026-01-05T11:00:00Z");
	free(s);
	w.kind = WHEN_UTC;
	w.utc = -1;
	s = when_format_wire(&w);
	CHECK_STR(s, "1969-12-31T23:59:59Z");
	free(s);
	w.kind = WHEN_NONE;
	CHECK(when_format_wire(&w) == NULL);
}

static void
test_rejects(void)
{
	static const char *bad[] = {
		"", " ", "+", "-", "x", "1x", "2026", "2026-01", "2026-1-5",
		"2026-01-5", "26-01-05", "2026/01/05", "2026-01-05T",
		"2026-01-05 ", " 2026-01-05", "2026-01-05 19", "2026-01-05 19:",
		"2026-01-05 19:0", "2026-01-05 1900", "2026-01-05T19:00:0",
		"2026-01-05T19:00Zx", "2026-01-05T19:00+08:00",
		"2026-01-05x19:00", "2026-01-05  19:00",
		/* impossible dates and times */
		"2026-02-30", "2026-02-29", "2100-02-29", "2026-04-31",
		"2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
		"2026-01-05 25:00", "2026-01-05 24:00", "2026-01-05 12:60",
		"2026-01-05T12:00:60", "2026-01-05T-1:00",
		/* no year 0 (kcald says which years an event may have) */
		"0000-01-01",
		/* words and relative forms it does not know */
		"yesterday", "next week", "+2", "+h", "+2x",
		"+-2h", "+ 2h", "2h", "+0s", "+1.5h",
		/* huge */
		"+99999999999999999999999s", "+100000001s", "+36501d",
		"+9223372036854775807s", "99999-01-01",
		NULL
	};
	struct when	w;

	for (int i = 0; bad[i] != NULL; i++) {
		int rc = when_parse(bad[i], NOW, &w);
		if (rc != -1)
			fprintf(stderr, "accepted \"%s\"\n", bad[i]);
		CHECK_INT(rc, -1);
	}
	/* The absolute parser refuses the relative forms. */
	CHECK_INT(when_parse_abs("now", &w), -1);
	CHECK_INT(when_parse_abs("+2h", &w), -1);
	CHECK_INT(when_parse_abs("tomorrow", &w), -1);
}

static void
check_rel(const char *s, int64_t want)
{
	struct when	w;

	CHECK_INT(when_parse(s, NOW, &w), 0);
	CHECK_INT(w.kind, WHEN_UTC);
	CHECK_INT(w.utc, want);
}

static void
check_day(const char *s, int64_t now, int y, int m, int d)
{
	struct when	w;

	CHECK_INT(when_parse(s, now, &w), 0);
	CHECK_INT(w.kind, WHEN_DATE);
	if (w.year != y || w.mon != m || w.day != d)
		fprintf(stderr, "%s in %s: %04d-%02d-%02d\n", s, getenv("TZ"),
		    w.year, w.mon, w.day);
	CHECK(w.year == y && w.mon == m && w.day == d);
}

static void
test_relative(void)
{
	check_rel("now", NOW);
	check_rel("+90s", NOW + 90);
	check_rel("+30m", NOW + 1800);
	check_rel("+2h", NOW + 7200);
	check_rel("+3d", NOW + 3 * 86400);
	check_rel("+1w", NOW + 7 * 86400);
	check_rel("+1h30m", NOW + 5400);

	/* today and tomorrow are dates on the user's clock (TZ). */
	set_tz("Asia/Seoul");
	check_day("today", NOW, 2026, 1, 5);
	check_day("tomorrow", NOW, 2026, 1, 6);
	set_tz("America/New_York");
	check_day("today", NOW, 2026, 1, 4);
	check_day("tomorrow", NOW, 2026, 1, 5);
	set_tz("UTC");
	check_day("today", NOW, 2026, 1, 4);
	/* Across a month, a year and a leap day. */
	check_day("tomorrow", 1798675200 /* 2026-12-31T00:00Z */, 2027, 1, 1);
	check_day("tomorrow", 1709078400 /* 2024-02-28T00:00Z */, 2024, 2, 29);
	check_day("tomorrow", 1709164800 /* 2024-02-29T00:00Z */, 2024, 3, 1);
}

static void
check_dur(const char *s, int64_t want)
{
	int64_t	got = -7;

	CHECK_INT(dur_parse(s, &got), 0);
	CHECK_INT(got, want);
}

static void
test_dur(void)
{
	static const char *bad[] = {
		"", "0s", "0m", "0h0m", "1x", "h", "1", "1h30", "-5m", "+5m",
		"1.5h", "1H", " 1h", "1h ", "1 h", "1hh", "m30", "1y",
		"100000001s", "99999999999999999999999s", "36501d", "5300w",
		"9223372036854775807s", "36500d1s",
		/* a unit at most once: "1w1w" is a slip, not two weeks */
		"1w1w", "1h1h", "30m1h30m", "1s2s", "1d2h1d", NULL
	};
	int64_t	v = 42;

	check_dur("90s", 90);
	check_dur("5s", 5);
	check_dur("90m", 5400);
	check_dur("2h", 7200);
	check_dur("1h30m", 5400);
	check_dur("1d", 86400);
	check_dur("1w", 604800);
	check_dur("1d2h3m4s", 93784);
	check_dur("0h30m", 1800);
	check_dur("36500d", (int64_t)36500 * 86400);	/* the limit itself */
	for (int i = 0; bad[i] != NULL; i++) {
		int rc = dur_parse(bad[i], &v);
		if (rc != -1)
			fprintf(stderr, "accepted duration \"%s\"\n", bad[i]);
		CHECK_INT(rc, -1);
	}
	CHECK_INT(v, 42);	/* untouched on failure */
}

/* --offset: [+|-]DUR or 0, where zero is zero with any sign or unit. */
static void
test_dur_signed(void)
{
	static const struct {
		const char	*s;
		int64_t		 want;
	} good[] = {
		{ "0", 0 }, { "-0s", 0 }, { "+0m", 0 }, { "0h", 0 },
		{ "-0h0m", 0 }, { "-0", 0 }, { "+0", 0 }, { "-15m", -900 }, { "+1h", 3600 },
		{ "90s", 90 }, { "-1d2h", -93600 }, { "1w", 604800 },
	};
	static const char *bad[] = {
		"", "-", "+", "--5m", "+-5m", "-5", "5", "1w1w", "-1h1h",
		"- 5m", "-5m ", "0x", "-00x", NULL
	};
	int64_t	v;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		v = 42;
		if (dur_parse_signed(good[i].s, &v) != 0 || v != good[i].want)
			fprintf(stderr, "offset \"%s\": %lld\n", good[i].s,
			    (long long)v);
		CHECK_INT(dur_parse_signed(good[i].s, &v), 0);
		CHECK_INT(v, good[i].want);
	}
	for (int i = 0; bad[i] != NULL; i++) {
		v = 42;
		if (dur_parse_signed(bad[i], &v) != -1)
			fprintf(stderr, "accepted offset \"%s\"\n", bad[i]);
		CHECK_INT(dur_parse_signed(bad[i], &v), -1);
		CHECK_INT(v, 42);
	}
	/* dur_parse itself still wants more than nothing. */
	CHECK_INT(dur_parse("-0s", &v), -1);
	CHECK_INT(dur_parse("0s", &v), -1);
	/* A lead time (--remind) may be zero, written any of these ways. */
	v = 42;
	CHECK_INT(dur_parse_lead("0", &v), 0);
	CHECK_INT(v, 0);
	v = 42;
	CHECK_INT(dur_parse_lead("0m", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(dur_parse_lead("1h30m", &v), 0);
	CHECK_INT(v, 5400);
	CHECK_INT(dur_parse_lead("-5m", &v), -1);
	CHECK_INT(dur_parse_lead("", &v), -1);
	CHECK_INT(dur_parse_lead("0x", &v), -1);
}

/*
 * A span (kcal feed add --past/--future, kcald.conf's feed_* settings):
 * DUR, or N years from 0 to 100 of 365 days each.
 */
static void
test_dur_span(void)
{
	static const struct {
		const char	*s;
		int64_t		 want;
	} good[] = {
		{ "2y", 2 * 365 * 86400LL }, { "1y", 365 * 86400LL },
		{ "0y", 0 }, { "100y", 100 * 365 * 86400LL },
		{ "90d", 90 * 86400LL }, { "12w", 12 * 7 * 86400LL },
		{ "365d", 365 * 86400LL }, { "1h30m", 5400 }, { "90s", 90 },
		{ "36500d", 36500 * 86400LL },
	};
	static const char *bad[] = {
		/* garbage */
		"", "y", "yy", "2", "2yy", "y2", "2 y", "2Y", "1.5y", "two y",
		"2y ", "1w2y", "2y1d", "2d y", "-1y", "-2y", "x", "1x",
		/* units: DUR's, once each, and not zero */
		"1h1h", "0d", "0s", "1M",
		/* out of range and overflow */
		"101y", "1000y", "9223372036854775807y",
		"99999999999999999999y", "36501d", "99999999999999999999d",
		"9223372036854775807s", NULL
	};
	int64_t	v;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		v = 42;
		if (dur_parse_span(good[i].s, &v) != 0 || v != good[i].want)
			fprintf(stderr, "span \"%s\": %lld\n", good[i].s,
			    (long long)v);
		CHECK_INT(dur_parse_span(good[i].s, &v), 0);
		CHECK_INT(v, good[i].want);
	}
	for (int i = 0; bad[i] != NULL; i++) {
		v = 42;
		if (dur_parse_span(bad[i], &v) != -1)
			fprintf(stderr, "accepted span \"%s\"\n", bad[i]);
		CHECK_INT(dur_parse_span(bad[i], &v), -1);
		CHECK_INT(v, 42);	/* untouched on failure */
	}
}

static void
check_fmt(int64_t secs, const char *want)
{
	char	buf[32];

	dur_format(secs, buf, sizeof buf);
	CHECK_STR(buf, want);
}

static void
test_dur_format(void)
{
	char	small[4];
	int64_t	back;

	check_fmt(0, "0s");
	check_fmt(5, "5s");
	check_fmt(90, "1m30s");
	check_fmt(3600, "1h");
	check_fmt(5400, "1h30m");
	check_fmt(86400, "1d");
	check_fmt(604800, "7d");
	check_fmt(93784, "1d2h3m4s");
	check_fmt(-3600, "-1h");
	check_fmt((int64_t)36500 * 86400, "36500d");
	/* What it prints reads back as the same duration. */
	for (int64_t s = 1; s < 200000; s += 997) {
		char buf[32];
		dur_format(s, buf, sizeof buf);
		CHECK(dur_parse(buf, &back) == 0 && back == s);
	}
	/* A short buffer is cut, never overrun. */
	memset(small, 'z', sizeof small);
	dur_format(93784, small, sizeof small);
	CHECK(memchr(small, '\0', sizeof small) != NULL);
	CHECK(strncmp(small, "1d2", 3) == 0);
}

static void
test_civil(void)
{
	int	y, m, d, ok = 1;

	CHECK_INT(days_from_civil(1970, 1, 1), 0);
	CHECK_INT(days_from_civil(2026, 1, 5), 20458);
	CHECK_INT(days_from_civil(1969, 12, 31), -1);
	/* Every well-formed date, 0001-01-01 to 9999-12-31 (the daemon says
	 * which years an event may have: ical.h). */
	for (int64_t z = -719200; z < 2933000 && ok; z += 13) {
		civil_from_days(z, &y, &m, &d);
		ok = days_from_civil(y, m, d) == z && when_valid_date(y, m, d) ==
		    (y >= 1 && y <= 9999);
	}
	CHECK(ok);
	CHECK(when_valid_date(2024, 2, 29));
	CHECK(!when_valid_date(2023, 2, 29));
	CHECK(!when_valid_date(1900, 2, 29));
	CHECK(when_valid_date(1876, 2, 26));
	CHECK(when_valid_date(1, 1, 1));
	CHECK(when_valid_date(9999, 12, 31));
	CHECK(!when_valid_date(0, 1, 1));
	CHECK(when_valid_date(2000, 2, 29));
	CHECK(!when_valid_date(2026, 6, 31));
	CHECK(when_valid_date(2026, 7, 31));
}

static void
check_date(const char *s, int y, int mo, int d)
{
	struct when	w;

	CHECK_INT(when_parse(s, NOW, &w), 0);
	CHECK_INT(w.kind, WHEN_DATE);
	if (w.year != y || w.mon != mo || w.day != d)
		fprintf(stderr, "\"%s\" is %04d-%02d-%02d\n", s, w.year, w.mon,
		    w.day);
	CHECK(w.year == y && w.mon == mo && w.day == d);
}

/* A refusal that says why (why_part in its message). */
static void
check_refused(const char *s, const char *why_part)
{
	struct when	 w;
	const char	*why = NULL;

	CHECK_INT(when_parse_why(s, NOW, &w, &why), -1);
	if (why_part != NULL) {
		CHECK(why != NULL && strstr(why, why_part) != NULL);
		if (why == NULL || strstr(why, why_part) == NULL)
			fprintf(stderr, "\"%s\": why is \"%s\"\n", s,
			    why ? why : "(null)");
	}
}

/*
 * Dates as people type them.  NOW is Monday 2026-01-05 01:00 in Seoul
 * (TZ), so "today" is a Monday.
 */
static void
test_words(void)
{
	struct when	w;

	set_tz("Asia/Seoul");
	check_local("tomorrow 10:00", 2026, 1, 6, 10, 0, 0);
	check_local("Tomorrow 10:00", 2026, 1, 6, 10, 0, 0);
	check_local("today 23:59:30", 2026, 1, 5, 23, 59, 30);
	check_local("fri 14:30", 2026, 1, 9, 14, 30, 0);
	check_local("Friday 2:30pm", 2026, 1, 9, 14, 30, 0);
	check_local("wed 9:30 pm", 2026, 1, 7, 21, 30, 0);
	check_local("next monday 9:00", 2026, 1, 12, 9, 0, 0);
	check_local("next tue 9:00", 2026, 1, 6, 9, 0, 0);
	check_local("jan 5 19:00", 2026, 1, 5, 19, 0, 0);
	check_local("jan 4 19:00", 2027, 1, 4, 19, 0, 0);
	check_local("5 jan 19:00", 2026, 1, 5, 19, 0, 0);
	check_local("14:30", 2026, 1, 5, 14, 30, 0);
	check_local("9am", 2026, 1, 5, 9, 0, 0);
	check_local("12am", 2026, 1, 5, 0, 0, 0);
	check_local("12pm", 2026, 1, 5, 12, 0, 0);
	check_local("12:30 am", 2026, 1, 5, 0, 30, 0);
	check_date("fri", 2026, 1, 9);
	check_date("next fri", 2026, 1, 9);
	check_date("next mon", 2026, 1, 12);
	check_date("sept 3", 2026, 9, 3);
	check_date("5 jan 2027", 2027, 1, 5);
	check_date("jan 5, 2027", 2027, 1, 5);
	check_date("feb 29 2028", 2028, 2, 29);
	check_date("Dec 31", 2026, 12, 31);
	/* A zone inside WHEN is carried, for the daemon to read the time in. */
	check_local("2026-01-05 19:00 Asia/Shanghai", 2026, 1, 5, 19, 0, 0);
	CHECK_INT(when_parse("2026-01-05 19:00 Asia/Shanghai", NOW, &w), 0);
	CHECK_STR(w.zone, "Asia/Shanghai");
	CHECK_INT(when_parse("2026-01-05T19:00 America/Argentina/Buenos_Aires",
	    NOW, &w), 0);
	CHECK_STR(w.zone, "America/Argentina/Buenos_Aires");
	CHECK_INT(w.kind, WHEN_LOCAL);
	CHECK_INT(when_parse("tomorrow 10:00 UTC", NOW, &w), 0);
	CHECK_STR(w.zone, "UTC");
	CHECK_INT(when_parse("tomorrow 10:00", NOW, &w), 0);
	CHECK_STR(w.zone, "");
	/* Each ambiguity refused, saying why. */
	check_refused("monday 9:00", "today");
	check_refused("mon", "today");
	check_refused("next 5", "weekday");
	check_refused("next week", "weekday");
	check_refused("feb 30", "many days");
	check_refused("apr 31 10:00", "many days");
	check_refused("feb 29 19:00", "give the year");
	check_refused("29 feb 2027", "that year has no 29 February");
	check_refused("2026-02-29", "that year has no 29 February");
	check_refused("2026-04-31T10:00", "no such date");
	/* And what is not WHEN at all. */
	check_refused("13pm", NULL);
	check_refused("0am", NULL);
	check_refused("fri 25:00", NULL);
	check_refused("fri 14:30 Mars", NULL);
	check_refused("2026-01-05T10:00Z Asia/Shanghai", NULL);
	check_refused("+2h Asia/Shanghai", NULL);
	check_refused("now Asia/Shanghai", NULL);
	check_refused("ju 5", NULL);
	check_refused("jan", NULL);
	check_refused("5", NULL);
	check_refused("fri  14:30", NULL);
	check_refused("fri 14:30 ", NULL);
	check_refused("fri 14:30 Asia/../../etc/passwd", NULL);
	check_refused("jan 5 19:00 2026", NULL);
	check_refused("a b c d e f g", NULL);
}

int
main(void)
{
	test_absolute();
	test_rejects();
	test_relative();
	test_dur();
	test_dur_signed();
	test_dur_span();
	test_dur_format();
	test_civil();
	test_words();
	TEST_DONE();
}
