/*
 * tz.c — time zone arithmetic on libical's built-in (system zoneinfo)
 * zones.  Like the ical*.c files it is a libical boundary: no other file
 * sees an icaltimezone, but for kcald.c, which frees libical's zones at
 * exit.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libical/ical.h>

#include "ical-int.h"
#include "tz.h"
#include "xmalloc.h"

/*
 * libical finds a built-in zone by a linear search of some 600 names, and
 * every conversion asks for its zone several times, so the last zones asked
 * for are remembered (calendars use a handful).  Built-in zones live until
 * icaltimezone_free_builtin_timezones() at exit, so the pointers stay good.
 * One memory per thread (the loop's, the worker's): nothing to lock.
 */
#define TZ_CACHE	16

static _Thread_local struct {
	char		 name[64];
	icaltimezone	*z;
}			 tz_cache[TZ_CACHE];
static _Thread_local unsigned tz_cache_next;

/*
 * Is name a zone's name as the tz database spells one (Asia/Seoul,
 * America/Argentina/Buenos_Aires, Etc/GMT+5, US/Eastern)?  libical reads a
 * name it does not list as a file under the zone directory, so a path
 * ("../../tmp/x", "/Europe/London", "Europe/../Asia/Tokyo") reached any
 * zone file on the machine, and an event then broke when it went away.
 * The directory's other trees and files (posix/, right/, localtime,
 * posixrules, Factory) are not zones an event is in.
 */
static int
tz_name_ok(const char *name)
{
	static const char	*other[] = { "posix/", "right/", "localtime",
				    "posixrules", "Factory", NULL };
	const char		*p, *part = name;

	if (strlen(name) >= 64)
		return 0;
	for (size_t i = 0; other[i] != NULL; i++)
		if (strncmp(name, other[i], strlen(other[i])) == 0)
			return 0;
	for (p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			if (p == part || (*part == '.' && (p == part + 1 ||
			    (part[1] == '.' && p == part + 2))))
				return 0;	/* empty, ".", ".." */
			if (*p == '\0')
				return 1;
			part = p + 1;
		} else if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' &&
		    *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		    *p == '-' || *p == '+' || *p == '.'))
			return 0;
	}
}

/*
 * libical loads a built-in zone on its first use and replaces its strings
 * then, under a lock of its own, while its search by name reads every
 * zone's name under none: the loop searching while another thread (an
 * import's records, import-pipe.c; a worker's feed) loads a zone read
 * strings being freed.  So kcald searches and loads here alone, under one
 * lock, and a zone is loaded before anyone has it.
 */
static pthread_mutex_t	builtin_lock = PTHREAD_MUTEX_INITIALIZER;

icaltimezone *
tz_builtin(const char *name)
{
	icaltimezone	*z;

	pthread_mutex_lock(&builtin_lock);
	z = icaltimezone_get_builtin_timezone(name);
	if (z != NULL)
		(void)icaltimezone_get_component(z);
	pthread_mutex_unlock(&builtin_lock);
	return z;
}

/*
 * Every built-in zone, loaded (the first call loads them all), as an
 * array of *n of the caller's to free: libical's own grows when a zone
 * not in its list is first asked for (tz_builtin, on another thread).
 */
icaltimezone **
tz_builtin_all(size_t *n)
{
	static int	 loaded;
	icalarray	*all;
	icaltimezone	**v;

	pthread_mutex_lock(&builtin_lock);
	all = icaltimezone_get_builtin_timezones();
	*n = all != NULL ? all->num_elements : 0;
	v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		v[i] = icalarray_element_at(all, i);
		if (!loaded)
			(void)icaltimezone_get_component(v[i]);
	}
	loaded = 1;
	pthread_mutex_unlock(&builtin_lock);
	return v;
}

/* A zone by its name, checked, remembered per thread (tz_builtin). */
icaltimezone *
tz_zone(const char *name)
{
	icaltimezone	*z;
	unsigned	 i;

	if (name == NULL || *name == '\0' || !tz_name_ok(name))
		return NULL;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
		return icaltimezone_get_utc_timezone();
	for (i = 0; i < TZ_CACHE && tz_cache[i].z != NULL; i++)
		if (strcmp(tz_cache[i].name, name) == 0)
			return tz_cache[i].z;
	z = tz_builtin(name);
	if (z != NULL && strlen(name) < sizeof tz_cache[0].name) {
		i = tz_cache_next++ % TZ_CACHE;
		strcpy(tz_cache[i].name, name);
		tz_cache[i].z = z;
	}
	return z;
}

int
tz_valid(const char *name)
{
	return tz_zone(name) != NULL;
}

static struct icaltimetype
utc_tt(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

/*
 * The offset (seconds east) and daylight flag of zone z at instant t.
 * A list asks for the same few instants several times per event (its
 * start in its own zone, the home zone, their abbreviations), and libical's
 * answer costs a calendar conversion and a search of the zone's changes:
 * the last answers are remembered per thread, keyed by zone and instant,
 * so a repeated question is answered exactly as before.
 */
#define TZ_MEMO	256

static _Thread_local struct {
	icaltimezone	*z;
	int64_t		 t;
	int		 off, dst;
}			 tz_memo[TZ_MEMO];

static void
zone_offset(icaltimezone *z, int64_t t, int *off, int *dst)
{
	struct icaltimetype	 tt;
	unsigned		 h;

	if (z == icaltimezone_get_utc_timezone()) {
		*off = *dst = 0;
		return;
	}
	h = (unsigned)(((uint64_t)t * 0x9e3779b97f4a7c15ULL ^
	    (uintptr_t)z) >> 7) % TZ_MEMO;
	if (tz_memo[h].z == z && tz_memo[h].t == t) {
		*off = tz_memo[h].off;
		*dst = tz_memo[h].dst;
		return;
	}
	tt = utc_tt(t);
	*dst = 0;
	*off = icaltimezone_get_utc_offset_of_utc_time(z, &tt, dst);
	tz_memo[h].z = z;
	tz_memo[h].t = t;
	tz_memo[h].off = *off;
	tz_memo[h].dst = *dst;
}

/* Offset from UTC (seconds east) in force at instant t. */
int
tz_offset(const char *name, int64_t t, int *off)
{
	icaltimezone	*z = tz_zone(name);
	int		 dst;

	if (z == NULL)
		return -1;
	zone_offset(z, t, off, &dst);
	return 0;
}

/*
 * Resolve a WHEN in zone name.  Wall-clock seconds L map to instants L - o
 * for each offset o that is really in force at L - o; a day either side
 * gives every offset that can apply (zones change at most once a day).
 * cause may be NULL: ical.c's expansions want only the answer.
 */
int
tz_to_utc(const char *name, const struct when *w, int strict, int64_t *out,
    char **cause)
{
	int64_t		 local, cand[2];
	int		 offs[2], n = 0, o;

	if (w->kind == WHEN_UTC) {
		*out = w->utc;
		return 0;
	}
	if (tz_zone(name) == NULL) {
		if (cause != NULL)
			xasprintf(cause, "unknown time zone \"%s\" (use an "
			    "IANA name such as Asia/Seoul)", name ? name : "");
		return -1;
	}
	local = days_from_civil(w->year, w->mon, w->day) * 86400;
	if (w->kind == WHEN_LOCAL)
		local += w->hour * 3600 + w->min * 60 + w->sec;
	tz_offset(name, local - 86400, &offs[0]);
	tz_offset(name, local + 86400, &offs[1]);
	for (int i = 0; i < 2; i++) {
		if (i == 1 && offs[1] == offs[0])
			break;
		tz_offset(name, local - offs[i], &o);
		if (o == offs[i])
			cand[n++] = local - offs[i];
	}
	if (n == 0) {
		/*
		 * A date whose midnight the clocks skip (America/Santiago,
		 * Africa/Cairo) begins when the gap ends: no time of day was
		 * asked for, so nothing is refused.
		 */
		if (strict && w->kind != WHEN_DATE) {
			if (cause != NULL)
				xasprintf(cause, "%04d-%02d-%02d %02d:%02d does "
				    "not exist in %s (the clocks skip it for "
				    "daylight saving time)", w->year, w->mon,
				    w->day, w->hour, w->min, name);
			return -1;
		}
		/* RFC 5545: use the offset before the gap (for a date, the
		 * gap's end). */
		*out = local - offs[0];
		return 0;
	}
	*out = (n == 2 && cand[1] < cand[0]) ? cand[1] : cand[0];
	return 0;
}

/* Wall-clock time of instant t at offset off. */
static void
local_at(int64_t t, int off, struct when *w)
{
	int64_t	 l, days;

	l = t + off;
	days = l / 86400 - (l % 86400 < 0);
	l -= days * 86400;
	memset(w, 0, sizeof *w);
	w->kind = WHEN_LOCAL;
	civil_from_days(days, &w->year, &w->mon, &w->day);
	w->hour = (int)(l / 3600);
	w->min = (int)(l / 60 % 60);
	w->sec = (int)(l % 60);
}

/* Wall-clock time of instant t in zone name. */
void
tz_local(const char *name, int64_t t, struct when *w)
{
	int	 off = 0;

	tz_offset(name, t, &off);
	local_at(t, off, w);
}

/* n as d digits at p, leading zeros: 0 <= n < 10^d. */
static char *
digits(char *p, int n, int d)
{
	for (int i = d - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + d;
}

/*
 * ISO 8601 with offset: 2026-01-05T19:00:00+08:00.  Written digit by
 * digit for the years 0-9999 (a list writes several per event); others
 * through snprintf, with the same result.
 */
void
tz_iso(const char *name, int64_t t, char *buf, size_t len)
{
	struct when	 w;
	int		 off = 0, zulu;
	char		*p;

	tz_offset(name, t, &off);
	local_at(t, off, &w);
	zulu = off == 0 && (name == NULL || strcmp(name, "UTC") == 0);
	if (w.year >= 0 && w.year <= 9999 && abs(off) < 100 * 3600 &&
	    len >= 26) {
		p = digits(buf, w.year, 4);
		*p++ = '-';
		p = digits(p, w.mon, 2);
		*p++ = '-';
		p = digits(p, w.day, 2);
		*p++ = 'T';
		p = digits(p, w.hour, 2);
		*p++ = ':';
		p = digits(p, w.min, 2);
		*p++ = ':';
		p = digits(p, w.sec, 2);
		if (zulu)
			*p++ = 'Z';
		else {
			*p++ = off < 0 ? '-' : '+';
			p = digits(p, abs(off) / 3600 % 100, 2);
			*p++ = ':';
			p = digits(p, abs(off) / 60 % 60, 2);
		}
		*p = '\0';
		return;
	}
	if (zulu) {
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", w.year,
		    w.mon, w.day, w.hour, w.min, w.sec);
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", w.year,
	    w.mon, w.day, w.hour, w.min, w.sec, off < 0 ? '-' : '+',
	    abs(off) / 3600, abs(off) / 60 % 60);
}

/* The zone's abbreviation at t (KST, CET, CEST), or a numeric +08. */
void
tz_abbr(const char *name, int64_t t, char *buf, size_t len)
{
	icaltimezone		*z = tz_zone(name);
	const char		*names, *slash;
	int			 dst = 0, off = 0;

	if (z == icaltimezone_get_utc_timezone()) {
		snprintf(buf, len, "UTC");
		return;
	}
	if (z != NULL)
		zone_offset(z, t, &off, &dst);
	names = z ? icaltimezone_get_tznames(z) : NULL;
	if (names != NULL && *names != '\0' && (names[0] < '0' ||
	    names[0] > '9') && names[0] != '+' && names[0] != '-') {
		slash = strchr(names, '/');
		if (slash == NULL)
			snprintf(buf, len, "%s", names);
		else if (dst)
			snprintf(buf, len, "%s", slash + 1);
		else
			snprintf(buf, len, "%.*s", (int)(slash - names), names);
		return;
	}
	if (off % 3600 == 0)
		snprintf(buf, len, "%c%02d", off < 0 ? '-' : '+', abs(off) / 3600);
	else
		snprintf(buf, len, "%c%02d%02d", off < 0 ? '-' : '+',
		    abs(off) / 3600, abs(off) / 60 % 60);
}

/*
 * The system's zone: $TZ if it names a zone, else the target of
 * /etc/localtime, else /etc/timezone, else UTC.
 */
const char *
tz_system(void)
{
	static char	 name[128];
	const char	*env = getenv("TZ"), *p;
	char		 link[256];
	ssize_t		 n;
	FILE		*fp;

	if (env != NULL && *env == ':')
		env++;
	if (env != NULL && tz_valid(env))
		return env;
	n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL && tz_valid(p + 9)) {
			snprintf(name, sizeof name, "%s", p + 9);
			return name;
		}
	}
	if ((fp = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(name, sizeof name, fp) != NULL) {
			name[strcspn(name, "\n")] = '\0';
			fclose(fp);
			if (tz_valid(name))
				return name;
		} else
			fclose(fp);
	}
	return "UTC";
}
