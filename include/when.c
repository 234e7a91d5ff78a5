/*
 * when.c — parse and print the WHEN and DUR syntax (see when.h).  Pure
 * functions with the current time passed in, so tests inject a clock.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
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

/*
 * A user's WHEN: the absolute forms, plus now, today and tomorrow (dates on
 * the user's own clock, i.e. TZ) and +N<unit> relative to now.
 */
int
when_parse(const char *s, int64_t now, struct when *w)
{
	int64_t	 secs, days;

	memset(w, 0, sizeof *w);
	if (strcmp(s, "now") == 0) {
		w->kind = WHEN_UTC;
		w->utc = now;
		return 0;
	}
	if (strcmp(s, "today") == 0 || strcmp(s, "tomorrow") == 0) {
		/* The date on the user's own clock (TZ / system zone). */
		time_t		t = (time_t)now;
		struct tm	tm;

		localtime_r(&t, &tm);
		days = days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday) + (s[2] == 'm');
		w->kind = WHEN_DATE;
		civil_from_days(days, &w->year, &w->mon, &w->day);
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

/* DUR: one or more <number><unit> groups, e.g. 1h30m; total must be > 0. */
int
dur_parse(const char *s, int64_t *out)
{
	int64_t	 total = 0, n;
	char	*end;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = strtoll(s, &end, 10);
		if (n < 0 || n > 100000000)
			return -1;
		switch (*end) {
		case 's': break;
		case 'm': n *= 60; break;
		case 'h': n *= 3600; break;
		case 'd': n *= 86400; break;
		case 'w': n *= 7 * 86400; break;
		default: return -1;
		}
		total += n;
		if (total > (int64_t)100 * 365 * 86400)
			return -1;
		s = end + 1;
	}
	if (total == 0)
		return -1;
	*out = total;
	return 0;
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
