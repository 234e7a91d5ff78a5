/*
 * output.c — formatting events for people (an aligned table, a detail
 * view) and for scripts (TSV, JSON).  Colour only on a terminal and never
 * when NO_COLOR is set.  Widths count East Asian wide characters as two
 * columns, so Korean and Chinese summaries stay aligned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "when.h"
#include "xmalloc.h"

#define C_BOLD	"\033[1m"
#define C_DIM	"\033[2m"
#define C_YEL	"\033[33m"
#define C_OFF	"\033[0m"

int
out_color(FILE *fp)
{
	const char	*nc = getenv("NO_COLOR");

	return isatty(fileno(fp)) && (nc == NULL || *nc == '\0');
}

void
out_json(FILE *fp, const json_t *v)
{
	json_dumpf(v, fp, JSON_INDENT(2));
	fputc('\n', fp);
}

static int
wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

/* Decode one UTF-8 sequence; returns its length (1 for a bad byte). */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t	n = *s < 0x80 ? 1 : (*s >> 5) == 6 ? 2 : (*s >> 4) == 14 ? 3 :
		    (*s >> 3) == 30 ? 4 : 1;

	*cp = n == 1 ? *s : *s & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = *s;
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

size_t
out_width(const char *s)
{
	size_t		w = 0;
	uint32_t	cp;

	while (s && *s) {
		s += utf8_next((const unsigned char *)s, &cp);
		w += wide(cp) ? 2 : 1;
	}
	return w;
}

/*
 * s with its control characters written as escapes (\t, \n, \x1b,
 * \u009b): a stored text must not drive the terminal (ESC sequences in a
 * summary from an older store, or one imported before the rule).
 * keep_lines keeps TAB and LF, for a detail view.
 */
char *
out_safe(const char *s, int keep_lines)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out = xmalloc(strlen(s) * 4 + 1), *o = out;

	for (; *p != '\0'; p++) {
		if (keep_lines && (*p == '\n' || *p == '\t'))
			*o++ = (char)*p;
		else if (*p == '\n' || *p == '\t' || *p == '\r')
			o += sprintf(o, "\\%c", *p == '\n' ? 'n' : *p == '\t' ?
			    't' : 'r');
		else if (*p < 0x20 || *p == 0x7f)
			o += sprintf(o, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			o += sprintf(o, "\\u%04x", *++p);	/* C1 */
		else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

/* out_safe() on every string of v, in place, for the text formats. */
void
out_sanitize(json_t *v)
{
	const char	*k, *s;
	json_t		*e;
	size_t		 i;
	char		*t;

	if (json_is_object(v))
		json_object_foreach(v, k, e)
			out_sanitize(e);
	else if (json_is_array(v))
		json_array_foreach(v, i, e)
			out_sanitize(e);
	else if ((s = json_string_value(v)) != NULL) {
		t = out_safe(s, 1);
		if (strcmp(t, s) != 0)
			json_string_set(v, t);
		free(t);
	}
}

/* Copy at most maxw columns of s, ending in "..." when cut. */
static char *
clip(const char *s, size_t maxw)
{
	size_t		w = 0, n, i = 0;
	uint32_t	cp;
	char		*out;

	if (out_width(s) <= maxw)
		return xstrdup(s);
	while (s[i] != '\0') {
		n = utf8_next((const unsigned char *)s + i, &cp);
		if (w + (wide(cp) ? 2 : 1) > maxw - 3)
			break;
		w += wide(cp) ? 2 : 1;
		i += n;
	}
	out = xmalloc(i + 4);
	memcpy(out, s, i);
	strcpy(out + i, "...");
	return out;
}

static const char *
str(json_t *o, const char *k)
{
	const char	*v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

#define NCOLS 7
static const char *headers[NCOLS] = {
	"DATE", "TIME", "HOME", "KIND", "SUMMARY", "LOCATION", "STATUS"
};

/* "Mon 2026-01-05" from an ISO date or date-time. */
static char *
day_label(const char *iso)
{
	static const char *wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
	    "Wed" };
	struct when	 w;
	char		 d[11], *s;
	int64_t		 days;

	snprintf(d, sizeof d, "%.10s", iso);
	if (when_parse_abs(d, &w) != 0)
		return xstrdup(d);
	days = days_from_civil(w.year, w.mon, w.day);
	xasprintf(&s, "%s %s", wd[((days % 7) + 7) % 7], d);
	return s;
}

/* The TIME cell: 19:00-21:00 CST, all day, or a leg across zones. */
static char *
time_cell(json_t *ev)
{
	const char	*st = str(ev, "start"), *en = str(ev, "end");
	char		*s;

	if (json_is_true(json_object_get(ev, "all_day"))) {
		struct when	a, b;
		int64_t		ndays;

		if (when_parse_abs(st, &a) != 0 || when_parse_abs(en, &b) != 0)
			return xstrdup("all day");
		ndays = days_from_civil(b.year, b.mon, b.day) -
		    days_from_civil(a.year, a.mon, a.day);
		if (ndays <= 1)
			return xstrdup("all day");
		xasprintf(&s, "all day, %lld days", (long long)ndays);
		return s;
	}
	if (json_string_value(json_object_get(ev, "end_tz")) != NULL) {
		/* A leg: each end in its zone, "(+1d)" when it lands later. */
		struct when	a, b;
		char		da[16], db[16], more[32] = "";
		int64_t		dd = 0;

		snprintf(da, sizeof da, "%.10s", st);
		snprintf(db, sizeof db, "%.10s", en);
		if (when_parse_abs(da, &a) == 0 && when_parse_abs(db, &b) == 0)
			dd = days_from_civil(b.year, b.mon, b.day) -
			    days_from_civil(a.year, a.mon, a.day);
		if (dd > 0)
			snprintf(more, sizeof more, " (+%lldd)", (long long)dd);
		xasprintf(&s, "%.5s %s -> %.5s %s%s", st + 11,
		    str(ev, "start_abbr"), en + 11, str(ev, "end_abbr"), more);
	}
	else if (strcmp(str(ev, "start_abbr"), str(ev, "end_abbr")) != 0)
		/* across a daylight-saving change: each end its own */
		xasprintf(&s, "%.5s %s-%.5s %s%s%.5s%s", st + 11,
		    str(ev, "start_abbr"), en + 11, str(ev, "end_abbr"),
		    strncmp(st, en, 10) != 0 ? " (to " : "",
		    strncmp(st, en, 10) != 0 ? en + 5 : "",
		    strncmp(st, en, 10) != 0 ? ")" : "");
	else if (strncmp(st, en, 10) != 0)
		xasprintf(&s, "%.5s-%.5s %s (to %.5s)", st + 11, en + 11,
		    str(ev, "start_abbr"), en + 5);
	else
		xasprintf(&s, "%.5s-%.5s %s", st + 11, en + 11,
		    str(ev, "start_abbr"));
	return s;
}

/*
 * A leg across zones on the home clock: "09:00-11:15 KST", when either end
 * is in another zone than home's.
 */
static char *
home_leg(json_t *ev)
{
	const char	*st = str(ev, "start"), *en = str(ev, "end");
	const char	*sh = str(ev, "start_home"), *eh = str(ev, "end_home");
	char		*s;

	if (strlen(st) < 19 || strlen(en) < 19 || strlen(sh) < 19 ||
	    strlen(eh) < 19 ||
	    (strcmp(st + 19, sh + 19) == 0 && strcmp(en + 19, eh + 19) == 0))
		return xstrdup("");
	/* The home date when it is not the row's; the end's, when later. */
	xasprintf(&s, "%.*s%s%.5s-%.5s %s%s%.*s%s",
	    strncmp(st, sh, 10) != 0 ? 5 : 0, sh + 5,
	    strncmp(st, sh, 10) != 0 ? " " : "", sh + 11, eh + 11,
	    str(ev, "home_abbr"), strncmp(sh, eh, 10) != 0 ? " (to " : "",
	    strncmp(sh, eh, 10) != 0 ? 5 : 0, eh + 5,
	    strncmp(sh, eh, 10) != 0 ? ")" : "");
	return s;
}

/* The HOME cell: the start on the home clock, when it differs. */
static char *
home_cell(json_t *ev)
{
	const char	*st = str(ev, "start"), *sh = str(ev, "start_home");
	char		*s;

	if (!json_is_true(json_object_get(ev, "all_day")) &&
	    json_string_value(json_object_get(ev, "end_tz")) != NULL)
		return home_leg(ev);
	if (json_is_true(json_object_get(ev, "all_day")) ||
	    strlen(st) < 19 || strlen(sh) < 19 || strcmp(st + 19, sh + 19) == 0)
		return xstrdup("");
	if (strncmp(st, sh, 10) != 0)
		xasprintf(&s, "%.5s %.5s %s", sh + 5, sh + 11,
		    str(ev, "home_abbr"));
	else
		xasprintf(&s, "%.5s %s", sh + 11, str(ev, "home_abbr"));
	return s;
}

static void
row_cells(json_t *ev, char **cell, int tty)
{
	char	*t;

	cell[0] = day_label(str(ev, "start"));
	cell[1] = time_cell(ev);
	cell[2] = home_cell(ev);
	cell[3] = out_safe(str(ev, "kind"), 0);
	t = out_safe(str(ev, "summary"), 0);
	cell[4] = tty ? clip(t, 48) : xstrdup(t);
	free(t);
	t = out_safe(str(ev, "location"), 0);
	cell[5] = tty ? clip(t, 36) : xstrdup(t);
	free(t);
	cell[6] = out_safe(str(ev, "status"), 0);
}

static void
print_row(FILE *fp, char **cell, const size_t *w, const char *color)
{
	fputs(color ? color : "", fp);
	for (int i = 0; i < NCOLS; i++) {
		fputs(cell[i], fp);
		if (i + 1 < NCOLS)
			fprintf(fp, "%*s", (int)(w[i] - out_width(cell[i]) + 2), "");
	}
	fputs(color ? C_OFF : "", fp);
	fputc('\n', fp);
}

void
out_table(FILE *fp, json_t *events, int color)
{
	size_t		 n = json_array_size(events), w[NCOLS], i;
	char		*(*cells)[NCOLS] = xcalloc(n, sizeof *cells);
	int		 tty = isatty(fileno(fp));

	for (int c = 0; c < NCOLS; c++)
		w[c] = strlen(headers[c]);
	for (i = 0; i < n; i++) {
		row_cells(json_array_get(events, i), cells[i], tty);
		for (int c = 0; c < NCOLS; c++)
			if (out_width(cells[i][c]) > w[c])
				w[c] = out_width(cells[i][c]);
	}
	print_row(fp, (char **)headers, w, color ? C_BOLD : NULL);
	for (i = 0; i < n; i++) {
		const char *st = cells[i][6];
		print_row(fp, cells[i], w, !color ? NULL :
		    strcmp(st, "tentative") == 0 ? C_YEL :
		    strcmp(st, "cancelled") == 0 ? C_DIM : NULL);
		for (int c = 0; c < NCOLS; c++)
			free(cells[i][c]);
	}
	free(cells);
}

/* Tabs and newlines would break a TSV row; other controls are escaped. */
static void
tsv_field(FILE *fp, const char *s, int last)
{
	char	*t = xstrdup(s), *u;

	for (u = t; *u != '\0'; u++)
		if (*u == '\t' || *u == '\n' || *u == '\r')
			*u = ' ';
	u = out_safe(t, 0);
	fputs(u, fp);
	fputc(last ? '\n' : '\t', fp);
	free(u);
	free(t);
}

/* uid, start, end, tz, kind, status, class, summary, location. */
void
out_tsv(FILE *fp, json_t *events)
{
	size_t	 i;
	json_t	*ev;

	json_array_foreach(events, i, ev) {
		tsv_field(fp, str(ev, "uid"), 0);
		tsv_field(fp, str(ev, "start"), 0);
		tsv_field(fp, str(ev, "end"), 0);
		tsv_field(fp, str(ev, "tz"), 0);
		tsv_field(fp, str(ev, "kind"), 0);
		tsv_field(fp, str(ev, "status"), 0);
		tsv_field(fp, str(ev, "class"), 0);
		tsv_field(fp, str(ev, "summary"), 0);
		tsv_field(fp, str(ev, "location"), 1);
	}
}

static void
field(FILE *fp, const char *label, const char *v, int color)
{
	char	*t;

	if (v == NULL || *v == '\0')
		return;
	t = out_safe(v, 1);
	fprintf(fp, "%s%-12s%s %s\n", color ? C_BOLD : "", label,
	    color ? C_OFF : "", t);
	free(t);
}

static void
show_participants(FILE *fp, json_t *ev, int color)
{
	json_t	*p;
	size_t	 i;
	char	*line;

	json_array_foreach(json_object_get(ev, "participants"), i, p) {
		/* The ")" is part of the format: the line has no room after. */
		xasprintf(&line, "%s%s%s%s%s%s", str(p, "name"),
		    *str(p, "role") ? " (" : "", str(p, "role"),
		    *str(p, "country") ? ", " : "", str(p, "country"),
		    *str(p, "role") ? ")" : "");
		field(fp, i == 0 ? "participants" : "", line, color);
		free(line);
	}
}

/* The detail view of `kcal show`. */
void
out_event(FILE *fp, json_t *ev, int color)
{
	char	*s, *rem = NULL, *t;
	size_t	 i;
	json_t	*r;

	field(fp, "summary", str(ev, "summary"), color);
	field(fp, "uid", str(ev, "uid"), color);
	field(fp, "kind", str(ev, "kind"), color);
	field(fp, "status", str(ev, "status"), color);
	field(fp, "class", str(ev, "class"), color);
	xasprintf(&s, "%s %s (%s)", str(ev, "start"), str(ev, "start_abbr"),
	    str(ev, "tz"));
	field(fp, "start", s, color);
	free(s);
	xasprintf(&s, "%s %s (%s)", str(ev, "end"), str(ev, "end_abbr"),
	    *str(ev, "end_tz") ? str(ev, "end_tz") : str(ev, "tz"));
	field(fp, "end", s, color);
	free(s);
	xasprintf(&s, "%s %s - %s (%s)", str(ev, "start_home"),
	    str(ev, "home_abbr"), str(ev, "end_home"), str(ev, "home_tz"));
	field(fp, "home", s, color);
	free(s);
	field(fp, "location", str(ev, "location"), color);
	if (*str(ev, "end_city") && strcmp(str(ev, "city"), str(ev,
	    "end_city")) != 0)
		xasprintf(&s, "%s -> %s", str(ev, "city"), str(ev, "end_city"));
	else
		s = xstrdup(str(ev, "city"));
	field(fp, "city", s, color);
	free(s);
	if (*str(ev, "anchor")) {
		char d[32];
		json_int_t off = json_integer_value(json_object_get(ev,
		    "anchor_offset"));

		dur_format(off < 0 ? -off : off, d, sizeof d);
		xasprintf(&s, "%s %s %s", d, off < 0 ? "before" : "after",
		    str(ev, "anchor"));
		field(fp, "anchor", s, color);
		free(s);
	}
	field(fp, "rrule", str(ev, "rrule"), color);
	field(fp, "parent", str(ev, "parent"), color);
	field(fp, "url", str(ev, "url"), color);
	show_participants(fp, ev, color);
	json_array_foreach(json_object_get(ev, "remind"), i, r) {
		char d[32];

		if (json_integer_value(r) == 0)
			snprintf(d, sizeof d, "at the start");
		else {
			dur_format(json_integer_value(r), d, sizeof d);
			strncat(d, " before", sizeof d - strlen(d) - 1);
		}
		xasprintf(&t, "%s%s%s", rem ? rem : "", rem ? ", " : "", d);
		free(rem);
		rem = t;
	}
	field(fp, "remind", rem, color);
	free(rem);
	json_array_foreach(json_object_get(ev, "remind_at"), i, r)
		field(fp, i == 0 ? "remind at" : "", json_string_value(r), color);
	xasprintf(&s, "%lld", (long long)json_integer_value(
	    json_object_get(ev, "sequence")));
	field(fp, "sequence", s, color);
	free(s);
	field(fp, "modified", str(ev, "last_modified"), color);
	field(fp, "description", str(ev, "description"), color);
}
