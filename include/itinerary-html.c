/*
 * itinerary-html.c — the itinerary as a printable briefing page: title,
 * dates, delegation list, then one table per day; in print every day
 * starts a new page.  One self-contained file (inline CSS, no scripts).
 * Every piece of text from the calendar is escaped, and the markup is
 * also well-formed XML, so any HTML or XML parser reads it.
 *
 * Both binaries print it: `kcal itinerary --format html` and kcald's
 * briefing page (briefing.c), which adds the links to subscribe to the
 * matching feed.  kcald serves it with a Content-Security-Policy that
 * allows no script and only this one style sheet, by its hash
 * (ITIN_HTML_CSS_SHA256, checked by tests/e2e/test-briefing.sh): change
 * the CSS and the hash goes with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itinerary-html.h"
#include "xmalloc.h"

const char itin_html_css[] =
"body{font-family:\"Noto Sans\",\"Helvetica Neue\",Arial,sans-serif;"
"margin:2em;color:#111;line-height:1.35}\n"
"h1{font-size:1.6em;margin:0 0 .3em}\n"
"h2{font-size:1.2em;border-bottom:2px solid #333;margin-top:1.6em}\n"
"p.meta{margin:.15em 0;color:#333}\n"
"table{border-collapse:collapse;width:100%;margin:.5em 0 1em}\n"
"th,td{border:1px solid #999;padding:.3em .5em;text-align:left;"
"vertical-align:top;overflow-wrap:anywhere}\n"
"thead th{background:#e8e8e8}\n"
"tr.place th{background:#f4f4f4;font-weight:bold}\n"
"tr.tentative td{font-style:italic;color:#6b4e00}\n"
".mark{font-size:.8em;font-weight:bold;text-transform:uppercase}\n"
"td.time{white-space:nowrap}\n"
"@media print{body{margin:0;font-size:10pt}"
"div.day{break-before:page;page-break-before:always}"
"tr{break-inside:avoid;page-break-inside:avoid}"
".subscribe{display:none}}\n";

/* Text as HTML (and XML): the five special characters escaped. */
static void
esc(FILE *fp, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

/* <tag class="cls">text</tag> with the text escaped. */
static void
elem(FILE *fp, const char *tag, const char *cls, const char *text)
{
	fprintf(fp, "<%s", tag);
	if (cls != NULL)
		fprintf(fp, " class=\"%s\"", cls);
	fputc('>', fp);
	esc(fp, text);
	fprintf(fp, "</%s>", tag);
}

static void
header(FILE *fp, json_t *res)
{
	json_t	*v = json_object_get(res, "visit");
	char	*dates = itin_dates(res);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"/>\n<title>", fp);
	esc(fp, itin_str(v, "summary"));
	fprintf(fp, " - itinerary</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<div class=\"head\">\n", itin_html_css);
	elem(fp, "h1", NULL, itin_str(v, "summary"));
	fputs("\n<p class=\"meta\">", fp);
	esc(fp, dates);
	fputs(" (", fp);
	esc(fp, itin_str(v, "tz"));
	fputs(")</p>\n", fp);
	free(dates);
	if (*itin_str(v, "location")) {
		elem(fp, "p", "meta", itin_str(v, "location"));
		fputc('\n', fp);
	}
	fputs("<p class=\"meta\">", fp);
	esc(fp, itin_str(v, "kind"));
	fputs(", ", fp);
	esc(fp, itin_str(v, "status"));
	fputs(". Times are in the venue's zone; home is ", fp);
	esc(fp, itin_str(res, "home_tz"));
	fputs(".</p>\n</div>\n", fp);
}

static void
member_row(FILE *fp, const char *cell[4], itin_put put)
{
	fputs("<tr>", fp);
	for (int i = 0; i < 4; i++) {
		fputs("<td>", fp);
		put(fp, cell[i]);
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
}

static void
delegations(FILE *fp, json_t *res)
{
	if (json_array_size(json_object_get(res, "delegations")) == 0)
		return;
	fputs("<div class=\"delegations\">\n<h2>Delegations</h2>\n"
	    "<table>\n<thead><tr><th>Country</th><th>Precedence</th>"
	    "<th>Name</th><th>Role</th></tr></thead>\n<tbody>\n", fp);
	itin_member_rows(fp, res, "(no country)", member_row, esc);
	fputs("</tbody>\n</table>\n</div>\n", fp);
}

static void
item(FILE *fp, json_t *res, json_t *it)
{
	char	*loc = itin_local_span(it), *home = itin_home_span(it);
	char	*a = itin_anchor_note(res, it);
	int	 tent = json_is_true(json_object_get(it, "tentative"));

	fprintf(fp, "<tr%s>", tent ? " class=\"tentative\"" : "");
	elem(fp, "td", "time", loc);
	elem(fp, "td", "time", home);
	elem(fp, "td", NULL, itin_str(it, "kind"));
	fputs("<td>", fp);
	esc(fp, itin_str(it, "summary"));
	if (tent)
		fputs(" <span class=\"mark\">tentative</span>", fp);
	if (a != NULL) {
		fputs("<br/><small>", fp);
		esc(fp, a);
		fputs("</small>", fp);
	}
	fputs("</td>", fp);
	elem(fp, "td", NULL, itin_str(it, "location"));
	fputs("<td>", fp);
	itin_people(fp, json_object_get(it, "participants"), "<br/>", esc);
	fputs("</td></tr>\n", fp);
	free(loc);
	free(home);
	free(a);
}

static void
day(FILE *fp, json_t *res, json_t *d)
{
	json_t	*g, *it;
	size_t	 j, k;
	char	*title;

	xasprintf(&title, "%s %s", itin_str(d, "weekday"), itin_str(d, "date"));
	fputs("<div class=\"day\">\n", fp);
	elem(fp, "h2", NULL, title);
	free(title);
	fprintf(fp, "\n<table>\n<thead><tr><th>Time</th><th>Home (");
	esc(fp, itin_str(res, "home_tz"));
	fputs(")</th><th>Kind</th><th>Item</th><th>Venue</th>"
	    "<th>Principals</th></tr></thead>\n<tbody>\n", fp);
	json_array_foreach(json_object_get(d, "groups"), j, g) {
		fputs("<tr class=\"place\"><th colspan=\"6\">", fp);
		esc(fp, *itin_str(g, "place") ? itin_str(g, "place") :
		    "(place not given)");
		fputs("</th></tr>\n", fp);
		json_array_foreach(json_object_get(g, "items"), k, it)
			item(fp, res, it);
	}
	fputs("</tbody>\n</table>\n</div>\n", fp);
}

static void
context(FILE *fp, json_t *res)
{
	json_t	*c;
	size_t	 i;

	if (json_array_size(json_object_get(res, "context")) == 0)
		return;
	fputs("<div class=\"context\">\n<h2>Context</h2>\n"
	    "<p>Tracked events during the visit:</p>\n<ul>\n", fp);
	json_array_foreach(json_object_get(res, "context"), i, c) {
		fputs("<li>", fp);
		itin_context_line(fp, c, esc);
		fputs("</li>\n", fp);
	}
	fputs("</ul>\n</div>\n", fp);
}

/*
 * The links to the matching feed.  Not printed (the URL is the audience's
 * key; a paper briefing left on a table should not hand it on).
 */
static void
subscribe(FILE *fp, const struct itin_html_links *l)
{
	fputs("<p class=\"subscribe\">Keep this programme in your calendar: "
	    "<a href=\"", fp);
	esc(fp, l->webcal);
	fputs("\">subscribe</a> (or add <a href=\"", fp);
	esc(fp, l->ics);
	fputs("\">", fp);
	esc(fp, l->ics);
	fputs("</a> as a calendar by URL)", fp);
	if (l->note != NULL) {
		fputs("; ", fp);
		esc(fp, l->note);
	}
	fputs(".</p>\n", fp);
}

void
itin_html(FILE *fp, json_t *res, const struct itin_html_links *links)
{
	json_t	*d;
	size_t	 i;

	header(fp, res);
	if (links != NULL)
		subscribe(fp, links);
	delegations(fp, res);
	json_array_foreach(json_object_get(res, "days"), i, d)
		day(fp, res, d);
	if (json_array_size(json_object_get(res, "days")) == 0)
		fputs("<p>No programme yet.</p>\n", fp);
	context(fp, res);
	fputs("</body>\n</html>\n", fp);
}
