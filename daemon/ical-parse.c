/*
 * ical-parse.c — iCalendar text to a libical component, in linear time.
 *
 * libical's icalparser_parse_string() hands the parser its text through a
 * line generator that looks for the end of the current line with strchr()
 * each time the parser asks for a buffer's worth (79 bytes): a line of n
 * bytes costs n * n / 79.  A 5 MB DESCRIPTION (an unfolded import line, a
 * CalDAV body, anything `kcal export` writes) held the loop for seconds.
 * This generator looks no further than the buffer it fills.  The parse
 * is icalparser_parse_string()'s, malformed data included, for the text
 * kcald parses: lines ending in LF (ical-lint.c's or libical's own), no BOM
 * (libical's generator also skips a BOM and ends a line at a lone CR).
 * icalproperty_new_from_string() goes the same slow way: hence
 * ical_parse_property().
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-serialize.h"
#include "xmalloc.h"

struct gen {
	const char	*pos, *end;
};

static char *
gen_line(char *out, size_t size, void *arg)
{
	struct gen	*g = arg;
	const char	*nl;
	size_t		 n;

	if (g->pos >= g->end || size < 2)
		return NULL;
	n = (size_t)(g->end - g->pos);
	if (n > size - 1)
		n = size - 1;
	if ((nl = memchr(g->pos, '\n', n)) != NULL)
		n = (size_t)(nl - g->pos) + 1;	/* the newline with it */
	memcpy(out, g->pos, n);
	out[n] = '\0';
	g->pos += n;
	return out;
}

static icalcomponent	*ical_parse_raw(const char *);

/* The properties whose value is TEXT, which libical unescapes. */
static int
text_prop(const char *name, size_t n)
{
	static const char	*names[] = { "SUMMARY", "DESCRIPTION", "LOCATION",
				    "COMMENT", "CONTACT", "CATEGORIES", "RESOURCES",
				    NULL };

	for (size_t i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0)
			return 1;
	return 0;
}

/* Past a fold (a line break and one space or tab) at p, if any. */
static const char *
skip_fold(const char *p)
{
	const char	*q = p;

	if (*q == '\r')
		q++;
	if (*q == '\n' && (q[1] == ' ' || q[1] == '\t'))
		return q + 2;
	return p;
}

/*
 * text with the backslashes of TEXT values that escape nothing RFC 5545
 * knows (\\ \; \, \n \N; and \t, a TAB, which text may hold) made
 * literal: libical turns \r, \b and \f into control characters and any
 * other, such as the \U of "C:\Users", into a space.  NULL when there
 * is nothing to change.
 */
static char *
literal_backslashes(const char *text)
{
	const char	*p, *q, *line = text;
	char		*out = NULL, *w = NULL;
	int		 in_value = -1, quoted = 0;

	if (strchr(text, '\\') == NULL)
		return NULL;
	for (p = text; *p != '\0'; p++) {
		if (p == line && *p != ' ' && *p != '\t') {	/* a new line */
			size_t	n = 0;

			/* by hand: strcspn's sanitizer interceptor measures
			 * the whole rest of the text each time */
			while (p[n] != '\0' && p[n] != ';' && p[n] != ':' &&
			    p[n] != '\r' && p[n] != '\n')
				n++;
			quoted = 0;
			in_value = text_prop(p, n) ? 0 : -1;
		}
		if (*p == '\n')
			line = p + 1;
		else if (in_value == 0 && *p == '"')
			quoted = !quoted;
		else if (in_value == 0 && *p == ':' && !quoted)
			in_value = 1;
		else if (in_value == 1 && *p == '\\') {
			q = skip_fold(p + 1);
			if (*q != '\0' && strchr("nN\\;,tT", *q) != NULL) {
				if (out != NULL) {		/* the pair */
					memcpy(w, p, (size_t)(q - p) + 1);
					w += q - p + 1;
				}
				p = q;
				continue;
			}
			if (out == NULL) {	/* the first change: copy so far */
				out = xmalloc(strlen(text) * 2 + 1);
				memcpy(out, text, (size_t)(p - text));
				w = out + (p - text);
			}
			*w++ = '\\';
		}
		if (out != NULL)
			*w++ = *p;
	}
	if (out != NULL)
		*w = '\0';
	return out;
}

icalcomponent *
ical_parse(const char *text)
{
	char		*fixed = literal_backslashes(text);
	icalcomponent	*c = ical_parse_raw(fixed ? fixed : text);

	free(fixed);
	return c;
}

/*
 * Malformed data is never fatal to kcald (libical can be built to abort
 * on it): set once for the process, since the state is libical's global
 * and threads parse at once (an import's records, import-pipe.c), which
 * a save and restore around each parse would get wrong.
 */
static void
malformed_nonfatal(void)
{
	icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, ICAL_ERROR_NONFATAL);
}

static icalcomponent *
ical_parse_raw(const char *text)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;
	struct gen		 g = { text, text + strlen(text) };
	icalparser		*p;
	icalcomponent		*c;

	pthread_once(&once, malformed_nonfatal);
	p = icalparser_new();
	icalparser_set_gen_data(p, &g);
	c = icalparser_parse(p, gen_line);
	icalparser_free(p);
	return c;
}

/*
 * One property line (unfolded), as icalproperty_new_from_string() reads
 * it -- which wraps it in a VCALENDAR for icalparser_parse_string(), and
 * so is as slow on a long line: NULL when libical finds an error in it.
 */
icalproperty *
ical_parse_property(const char *line)
{
	icalcomponent	*c;
	icalproperty	*p = NULL;
	char		*buf;

	xasprintf(&buf, "BEGIN:VCALENDAR\r\n%s\r\nEND:VCALENDAR\r\n", line);
	c = ical_parse(buf);
	free(buf);
	if (c == NULL)
		return NULL;
	if (icalcomponent_count_errors(c) == 0 &&
	    (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY)) !=
	    NULL)
		icalcomponent_remove_property(c, p);
	icalcomponent_free(c);
	return p;
}
