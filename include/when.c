/*
 * when.c — parse and print the WHEN and DUR syntax (see when.h).  Pure
 * functions with the current time passed in, so tests inject a clock.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "when.h"
#include "xmalloc.h"

/* Howard Hinnant's days_from_civil: proleptic Gregorian, no time zone. */
int64_t
days_from_civil(int y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t		era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
when_valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31,28,31,30,31,30,31,31,30,31,30,31 };
	int	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Read exactly n digits. */
static int
digits(const char **p, int n, int *out)
{
	int	v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* The absolute forms: date, local date-time, UTC date-time. */
int
when_parse_abs(const char *s, struct when *w)
{
	const char	*p = s;

	memset(w, 0, sizeof *w);
	if (digits(&p, 4, &w->year) || *p++ != '-' || digits(&p, 2, &w->mon) ||
	    *p++ != '-' || digits(&p, 2, &w->day))
		return -1;
	if (!when_valid_date(w->year, w->mon, w->day))
		return -1;
	if (*p == '\0') {
		w->kind = WHEN_DATE;
		return 0;
	}
	if (*p != 'T' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &w->hour) || *p++ != ':' || digits(&p, 2, &w->min))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &w->sec))
			return -1;
	}
	if (w->hour > 23 || w->min > 59 || w->sec > 59)
		return -1;
	w->kind = WHEN_LOCAL;
	if (*p == 'Z' && p[1] == '\0') {
		w->kind = WHEN_UTC;
		w->utc = days_from_civil(w->year, w->mon, w->day) * 86400 +
		    w->hour * 3600 + w->min * 60 + w->sec;
		return 0;
	}
	return *p == '\0' ? 0 : -1;
}

/* Today's date on the user's own clock (TZ / the system zone), as days. */
static int64_t
today_days(int64_t now)
{
	time_t		t = (time_t)now;
	struct tm	tm;

	localtime_r(&t, &tm);
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The one-word forms: now, today, tomorrow, +DUR, the absolute ones. */
static int
when_word(const char *s, int64_t now, struct when *w)
{
	int64_t	 secs;

	memset(w, 0, sizeof *w);
	if (strcasecmp(s, "now") == 0) {
		w->kind = WHEN_UTC;
		w->utc = now;
		return 0;
	}
	if (strcasecmp(s, "today") == 0 || strcasecmp(s, "tomorrow") == 0) {
		w->kind = WHEN_DATE;
		civil_from_days(today_days(now) + (tolower((unsigned char)s[2]) ==
		    'm'), &w->year, &w->mon, &w->day);
		return 0;
	}
	if (s[0] == '+') {
		if (dur_parse(s + 1, &secs) != 0)
			return -1;
		w->kind = WHEN_UTC;
		w->utc = now + secs;
		return 0;
	}
	return when_parse_abs(s, w);
}

/* Is s a name (3 letters or more) that starts one of names? Its index. */
static int
name_index(const char *s, const char *const *names, int n)
{
	size_t	len = strlen(s);

	if (len < 3)
		return -1;
	for (int i = 0; i < n; i++)
		if (len <= strlen(names[i]) && strncasecmp(s, names[i], len) == 0)
			return i;
	return -1;
}

static const char *const weekdays[7] = { "sunday", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday" };
static const char *const months[12] = { "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october",
    "november", "december" };

/* A number of 1 to maxdigits digits, all of s (a trailing ',' allowed). */
static int
number(const char *s, int maxdigits, int *out)
{
	int	n = 0, v = 0;

	for (; isdigit((unsigned char)*s) && n < maxdigits; s++, n++)
		v = v * 10 + (*s - '0');
	if (n == 0 || (*s != '\0' && strcmp(s, ",") != 0))
		return -1;
	*out = v;
	return 0;
}

/* "14:30", "9:00", "14:30:15", "9am", "9:30pm"; ampm from a separate word. */
static int
clock_time(const char *s, const char *ampm, struct when *w)
{
	int		 h = 0, m = 0, sec = 0, nd = 0, pm = -1;
	const char	*p = s;

	for (; isdigit((unsigned char)*p) && nd < 2; p++, nd++)
		h = h * 10 + (*p - '0');
	if (nd == 0)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &m) != 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) != 0)
				return -1;
		}
	}
	if (ampm == NULL && *p != '\0')
		ampm = p;
	else if (*p != '\0')
		return -1;
	if (ampm != NULL) {
		pm = strcasecmp(ampm, "pm") == 0 ? 1 :
		    strcasecmp(ampm, "am") == 0 ? 0 : -1;
		if (pm < 0 || h < 1 || h > 12)
			return -1;
		h = h % 12 + 12 * pm;
	} else if (strchr(s, ':') == NULL)
		return -1;		/* a bare number is not a time */
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	w->hour = h;
	w->min = m;
	w->sec = sec;
	return 0;
}

/* "Asia/Shanghai", "America/Argentina/Buenos_Aires", "UTC". */
static int
zone_word(const char *s)
{
	if (strcmp(s, "UTC") == 0)
		return 1;
	if (strchr(s, '/') == NULL || strlen(s) >= sizeof ((struct when *)0)->zone)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("/_+-", *s) == NULL)
			return 0;
	return 1;
}

/* Weekday: the next one after today ("next"), or the coming one. */
static int
weekday_date(int wd, int next, int64_t today, int64_t *days,
    const char **why)
{
	int	ahead = (int)(((wd - (today + 4) % 7) % 7 + 7) % 7);

	if (ahead == 0 && !next) {
		*why = "that weekday is today: say \"today\", or \"next\" "
		    "and the weekday for a week from now";
		return -1;
	}
	*days = today + (ahead == 0 ? 7 : ahead);
	return 0;
}

/* MONTH D [YYYY] or D MONTH [YYYY]: without a year, the next such date. */
static int
month_date(char **tok, int n, int64_t today, int64_t *days,
    const char **why)
{
	static const int mdays[] = { 31,29,31,30,31,30,31,31,30,31,30,31 };
	int	mon, day, year = 0, ty, tm, td;

	if ((mon = name_index(tok[0], months, 12)) >= 0) {
		if (number(tok[1], 2, &day) != 0)
			return -1;
	} else if (number(tok[0], 2, &day) != 0 ||
	    (mon = name_index(tok[1], months, 12)) < 0)
		return -1;
	if (n == 3 && number(tok[2], 4, &year) != 0)
		return -1;
	if (day < 1 || day > mdays[mon]) {
		*why = "no month has that many days (feb 30, apr 31)";
		return -1;
	}
	mon++;
	if (year == 0) {
		civil_from_days(today, &ty, &tm, &td);
		year = ty + (mon < tm || (mon == tm && day < td));
	}
	if (!when_valid_date(year, mon, day)) {
		*why = mon == 2 && day == 29 ? (n == 3 ? "that year has no 29 "
		    "February (not a leap year)" : "there is no 29 February "
		    "in the coming year: give the year (feb 29 2028)") :
		    "no such date";
		return -1;
	}
	*days = days_from_civil(year, mon, day);
	return 0;
}

/* The DAY words of a WHEN (n of them, 0 to 3) as days since the epoch. */
static int
day_words(char **tok, int n, int64_t now, int64_t *days, const char **why)
{
	int64_t		today = today_days(now);
	struct when	w;
	int		wd;

	if (n == 0) {
		*days = today;
		return 0;
	}
	if (n == 1 && (strcasecmp(tok[0], "today") == 0 ||
	    strcasecmp(tok[0], "tomorrow") == 0)) {
		*days = today + (tolower((unsigned char)tok[0][2]) == 'm');
		return 0;
	}
	if (n == 1 && when_parse_abs(tok[0], &w) == 0 && w.kind == WHEN_DATE) {
		*days = days_from_civil(w.year, w.mon, w.day);
		return 0;
	}
	if (n == 1 && (wd = name_index(tok[0], weekdays, 7)) >= 0)
		return weekday_date(wd, 0, today, days, why);
	if (n == 2 && strcasecmp(tok[0], "next") == 0) {
		if ((wd = name_index(tok[1], weekdays, 7)) < 0) {
			*why = "\"next\" takes a weekday (next monday)";
			return -1;
		}
		return weekday_date(wd, 1, today, days, why);
	}
	if (n == 2 || n == 3)
		return month_date(tok, n, today, days, why);
	return -1;
}

/*
 * A user's WHEN (see when.h and kcal(1), DATES AND DURATIONS): the one-word
 * forms, or words as people type them,
 *   [DAY] [TIME] [ZONE]
 *   DAY   today | tomorrow | WEEKDAY | next WEEKDAY | MONTH D [YYYY] |
 *         D MONTH [YYYY] | YYYY-MM-DD                (none: today)
 *   TIME  H:MM[:SS] on the 24-hour clock, or H[:MM]am / H[:MM] pm
 *   ZONE  an IANA zone with a '/' (Asia/Shanghai), or UTC
 * Dates are on the user's own clock (TZ).  A WEEKDAY is the coming one;
 * "next WEEKDAY" the first after today.  What could be read two ways is
 * refused with *why set, never guessed: a weekday that is today, a
 * "next" without a weekday, a 29 February without a year that lacks one.
 * The zone is only carried (w->zone): the daemon knows zones.
 */
static int
parse_why(const char *s, int64_t now, struct when *w, const char **why)
{
	char	 buf[128], *tok[6], *p, *save = NULL;
	int	 n = 0, have_time = 0;
	int64_t	 days;

	*why = NULL;
	if (strpbrk(s, " \t") == NULL && when_word(s, now, w) == 0)
		return 0;
	/* One space or tab between words, none around them. */
	if (strlen(s) >= sizeof buf || isspace((unsigned char)s[0]) ||
	    (s[0] != '\0' && isspace((unsigned char)s[strlen(s) - 1])) ||
	    strstr(s, "  ") != NULL || strstr(s, "\t\t") != NULL)
		return -1;
	memset(w, 0, sizeof *w);
	strcpy(buf, s);
	for (p = strtok_r(buf, " \t", &save); p != NULL && n < 6;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	if (p != NULL || n == 0)
		return -1;
	if (n > 1 && zone_word(tok[n - 1]))
		strcpy(w->zone, tok[--n]);
	if (n == 1 && w->zone[0] != '\0' && strchr(tok[0], 'T') != NULL) {
		char	zone[sizeof w->zone];

		strcpy(zone, w->zone);	/* "2026-01-05T19:00 Asia/Shanghai" */
		if (when_parse_abs(tok[0], w) != 0 || w->kind == WHEN_UTC)
			return -1;
		strcpy(w->zone, zone);
		return 0;
	}
	if (n >= 2 && clock_time(tok[n - 2], tok[n - 1], w) == 0) {
		n -= 2;
		have_time = 1;
	} else if (n >= 1 && clock_time(tok[n - 1], NULL, w) == 0) {
		n--;
		have_time = 1;
	}
	if ((n == 0 && !have_time) || day_words(tok, n, now, &days, why) != 0)
		return -1;
	civil_from_days(days, &w->year, &w->mon, &w->day);
	if (!when_valid_date(w->year, w->mon, w->day))
		return -1;
	w->kind = have_time ? WHEN_LOCAL : WHEN_DATE;
	return 0;
}

int
when_parse(const char *s, int64_t now, struct when *w)
{
	const char	*why;

	return when_parse_why(s, now, w, &why);
}

/*
 * DUR: one or more <number><unit> groups, e.g. 1h30m, each unit at most
 * once ("1w1w" is a slip, not two weeks); the total may be 0 here.
 */
static int
dur_scan(const char *s, int64_t *out)
{
	static const char	 units[] = "smhdw";
	static const int64_t	 mult[] = { 1, 60, 3600, 86400, 7 * 86400 };
	const char		*u;
	int64_t			 total = 0, n;
	char			*end;
	unsigned		 seen = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = strtoll(s, &end, 10);
		if (n < 0 || n > 100000000 || *end == '\0' ||
		    (u = strchr(units, *end)) == NULL)
			return -1;
		if (seen & (1U << (u - units)))
			return -1;
		seen |= 1U << (u - units);
		total += n * mult[u - units];
		if (total > (int64_t)100 * 365 * 86400)
			return -1;
		s = end + 1;
	}
	*out = total;
	return 0;
}

/* DUR (dur_scan) whose total is more than 0. */
int
dur_parse(const char *s, int64_t *out)
{
	int64_t	total;

	if (dur_scan(s, &total) != 0 || total == 0)
		return -1;
	*out = total;
	return 0;
}

/*
 * A lead time, such as a reminder's before the start: DUR, or zero written
 * as "0" or a DUR of zero ("0s", "0m": at the start itself).
 */
int
dur_parse_lead(const char *s, int64_t *out)
{
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	return dur_scan(s, out);
}

/*
 * An offset: [+|-]DUR, or [+|-]0; zero is zero whatever its sign or unit
 * ("-0s", "+0m").
 */
int
dur_parse_signed(const char *s, int64_t *out)
{
	int64_t	total;
	int	neg = *s == '-';

	if (*s == '-' || *s == '+')
		s++;
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (dur_scan(s, &total) != 0)
		return -1;
	*out = neg ? -total : total;
	return 0;
}

/*
 * A span, such as a feed's window or kcald.conf's feed_* durations: DUR,
 * or N years with N from 0 to 100, "2y" being 730 days (365 each).
 */
int
dur_parse_span(const char *s, int64_t *out)
{
	char		*end;
	long long	 n;
	size_t		 len = strlen(s);

	if (len > 1 && s[len - 1] == 'y') {
		n = strtoll(s, &end, 10);
		if (end != s + len - 1 || n < 0 || n > 100)
			return -1;
		*out = n * 365 * 86400;
		return 0;
	}
	return dur_parse(s, out);
}

/* The wire form of a parsed WHEN (see when.h). */
char *
when_format_wire(const struct when *w)
{
	char		*s;
	int		 y, m, d;
	int64_t		 t = w->utc, days;

	switch (w->kind) {
	case WHEN_DATE:
		xasprintf(&s, "%04d-%02d-%02d", w->year, w->mon, w->day);
		return s;
	case WHEN_LOCAL:
		xasprintf(&s, "%04d-%02d-%02dT%02d:%02d:%02d", w->year, w->mon,
		    w->day, w->hour, w->min, w->sec);
		return s;
	case WHEN_UTC:
		days = t / 86400 - (t % 86400 < 0);
		t -= days * 86400;
		civil_from_days(days, &y, &m, &d);
		xasprintf(&s, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    (int)(t / 3600), (int)(t / 60 % 60), (int)(t % 60));
		return s;
	default:
		return NULL;
	}
}

/* The DUR form of a number of seconds: 1h30m, 1d, 90s; 0 is "0s". */
void
dur_format(int64_t secs, char *buf, size_t len)
{
	static const struct { int64_t n; char u; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' }
	};
	size_t	 off = 0;

	if (secs < 0 && len > 1) {
		buf[off++] = '-';
		secs = -secs;
	}
	buf[off] = '\0';
	if (secs == 0) {
		snprintf(buf + off, len - off, "0s");
		return;
	}
	for (size_t i = 0; i < 4 && off < len; i++) {
		if (secs >= units[i].n) {
			off += (size_t)snprintf(buf + off, len - off, "%lld%c",
			    (long long)(secs / units[i].n), units[i].u);
			secs %= units[i].n;
		}
	}
}

/*
 * when_parse_why's reading, and for an ISO date that does not exist
 * (2026-02-29, 2026-04-31) the reason, not only "cannot read".
 */
int
when_parse_why(const char *s, int64_t now, struct when *w, const char **why)
{
	int	y, m, d, k = 0;

	if (parse_why(s, now, w, why) == 0)
		return 0;
	if (*why == NULL && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &k) == 3 &&
	    k == 10 && m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
	    !when_valid_date(y, m, d))
		*why = m == 2 && d == 29 ? "that year has no 29 February (not "
		    "a leap year)" : "no such date (that month has fewer days)";
	return -1;
}
