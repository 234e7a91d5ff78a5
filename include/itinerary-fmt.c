/*
 * itinerary-fmt.c — how an itinerary's pieces read, shared by kcal's
 * formatters (text, Markdown, HTML) and kcald's briefing page, which is
 * the same HTML (itinerary-html.c): the times of an item in its own zones
 * and at home, the visit's dates, a person, an anchor, and the lists every
 * format prints alike (the people of an item, the delegations' rows, a
 * context line), each through the format's own escaping.  Each takes the
 * daemon's "itinerary" JSON as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itinerary-html.h"
#include "when.h"
#include "xmalloc.h"

const char *
itin_str(json_t *o, const char *k)
{
	const char	*v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* Days from the date of ISO a to the date of ISO b. */
static long
day_diff(const char *a, const char *b)
{
	struct when	wa, wb;
	char		da[11], db[11];

	snprintf(da, sizeof da, "%.10s", a);
	snprintf(db, sizeof db, "%.10s", b);
	if (when_parse_abs(da, &wa) != 0 || when_parse_abs(db, &wb) != 0)
		return 0;
	return (long)(days_from_civil(wb.year, wb.mon, wb.day) -
	    days_from_civil(wa.year, wa.mon, wa.day));
}

/* "18:30-20:30 CST", "10:00 KST -> 11:30 CST", "+1d" when it ends later. */
static char *
span(const char *s, const char *e, const char *sa, const char *ea, int cross)
{
	long	 dd = day_diff(s, e);
	char	*out, more[32] = "";

	if (strlen(s) < 16 || strlen(e) < 16)
		return xstrdup("");
	if (dd > 0)
		snprintf(more, sizeof more, " (+%ldd)", dd);
	if (strcmp(s, e) == 0)
		xasprintf(&out, "%.5s %s", s + 11, sa);
	else if (cross)
		xasprintf(&out, "%.5s %s -> %.5s %s%s", s + 11, sa, e + 11, ea,
		    more);
	else
		xasprintf(&out, "%.5s-%.5s %s%s", s + 11, e + 11, sa, more);
	return out;
}

/* The item's times in its own zone(s): departure and arrival for a leg. */
char *
itin_local_span(json_t *it)
{
	long	 n;
	char	*s;

	if (json_is_true(json_object_get(it, "all_day"))) {
		n = day_diff(itin_str(it, "start"), itin_str(it, "end"));
		if (n <= 1)
			return xstrdup("all day");
		xasprintf(&s, "all day, %ld days", n);
		return s;
	}
	return span(itin_str(it, "start"), itin_str(it, "end"),
	    itin_str(it, "start_abbr"), itin_str(it, "end_abbr"),
	    json_string_value(json_object_get(it, "end_tz")) != NULL);
}

/* The item's times on the home clock, dated when the home date differs. */
char *
itin_home_span(json_t *it)
{
	const char	*sh = itin_str(it, "start_home");
	char		*sp, *out;

	if (json_is_true(json_object_get(it, "all_day")))
		return xstrdup("");
	sp = span(sh, itin_str(it, "end_home"), itin_str(it, "home_abbr"),
	    itin_str(it, "home_abbr"), 0);
	if (day_diff(itin_str(it, "start"), sh) == 0)
		return sp;
	xasprintf(&out, "%.5s %s", sh + 5, sp);
	free(sp);
	return out;
}

/* "Sun 2026-01-04 to Wed 2026-01-07" from the visit's first and last day. */
char *
itin_dates(json_t *res)
{
	static const char *wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
	    "Wed" };
	const char	*f = itin_str(res, "first_day"), *l = itin_str(res,
			    "last_day");
	struct when	 a, b;
	char		*s;
	int64_t		 da, db;

	if (when_parse_abs(f, &a) != 0 || when_parse_abs(l, &b) != 0)
		return xstrdup("");
	da = days_from_civil(a.year, a.mon, a.day);
	db = days_from_civil(b.year, b.mon, b.day);
	if (da == db)
		xasprintf(&s, "%s %s", wd[((da % 7) + 7) % 7], f);
	else
		xasprintf(&s, "%s %s to %s %s", wd[((da % 7) + 7) % 7], f,
		    wd[((db % 7) + 7) % 7], l);
	return s;
}

/* "Lee Jae-myung (guest, KR)"; without the country when with_country 0. */
char *
itin_person(json_t *p, int with_country)
{
	const char	*r = itin_str(p, "role"), *c = itin_str(p, "country");
	char		*s;

	if (!with_country)
		c = "";
	if (*r && *c)
		xasprintf(&s, "%s (%s, %s)", itin_str(p, "name"), r, c);
	else if (*r || *c)
		xasprintf(&s, "%s (%s)", itin_str(p, "name"), *r ? r : c);
	else
		s = xstrdup(itin_str(p, "name"));
	return s;
}

/* Text as it is, for the formats that need no escaping. */
void
itin_plain(FILE *fp, const char *s)
{
	fputs(s, fp);
}

/* The participants, each as itin_person says, sep between them. */
void
itin_people(FILE *fp, json_t *parts, const char *sep, itin_put put)
{
	json_t	*p;
	size_t	 i;
	char	*s;

	json_array_foreach(parts, i, p) {
		s = itin_person(p, 1);
		if (i > 0)
			fputs(sep, fp);
		put(fp, s);
		free(s);
	}
}

/*
 * Every delegation member as a table row of four cells: the country (on
 * its delegation's first row only; nocountry when it has none), the
 * precedence ("" when unset), the name and the role.
 */
void
itin_member_rows(FILE *fp, json_t *res, const char *nocountry,
    void (*row)(FILE *, const char *[4], itin_put), itin_put put)
{
	json_t		*d, *m;
	size_t		 i, j;
	json_int_t	 p;
	char		 num[32];
	const char	*cell[4];

	json_array_foreach(json_object_get(res, "delegations"), i, d) {
		json_array_foreach(json_object_get(d, "members"), j, m) {
			p = json_integer_value(json_object_get(m, "precedence"));
			num[0] = '\0';
			if (p > 0)
				snprintf(num, sizeof num, "%lld", (long long)p);
			cell[0] = j > 0 ? "" : *itin_str(d, "country") ?
			    itin_str(d, "country") : nocountry;
			cell[1] = num;
			cell[2] = itin_str(m, "name");
			cell[3] = itin_str(m, "role");
			row(fp, cell, put);
		}
	}
}

/* "Sun 2026-01-04, 10:00-11:00 CET: Summit (exercise, tentative)". */
void
itin_context_line(FILE *fp, json_t *c, itin_put put)
{
	char	*loc = itin_local_span(c);

	put(fp, itin_str(c, "weekday"));
	fputc(' ', fp);
	put(fp, itin_str(c, "date"));
	fputs(", ", fp);
	put(fp, loc);
	fputs(": ", fp);
	put(fp, itin_str(c, "summary"));
	fputs(" (", fp);
	put(fp, itin_str(c, "kind"));
	fputs(json_is_true(json_object_get(c, "tentative")) ? ", tentative)" :
	    ")", fp);
	free(loc);
}

/* The programme item with this UID, or NULL. */
static json_t *
find_item(json_t *res, const char *uid)
{
	json_t	*d, *g, *it;
	size_t	 i, j, k;

	json_array_foreach(json_object_get(res, "days"), i, d)
		json_array_foreach(json_object_get(d, "groups"), j, g)
			json_array_foreach(json_object_get(g, "items"), k, it)
				if (strcmp(itin_str(it, "uid"), uid) == 0)
					return it;
	return NULL;
}

/* "15m before Official welcome ceremony", or NULL when not anchored. */
char *
itin_anchor_note(json_t *res, json_t *it)
{
	const char	*a = json_string_value(json_object_get(it, "anchor"));
	json_int_t	 off = json_integer_value(json_object_get(it,
			    "anchor_offset"));
	json_t		*to;
	char		 d[32], *s;
	const char	*what;

	if (a == NULL)
		return NULL;
	to = find_item(res, a);
	what = to ? itin_str(to, "summary") : a;
	dur_format(off < 0 ? -off : off, d, sizeof d);
	if (off == 0)
		xasprintf(&s, "at the start of %s", what);
	else
		xasprintf(&s, "%s %s %s", d, off < 0 ? "before" : "after", what);
	return s;
}
