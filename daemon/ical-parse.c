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
#include <stdlib.h>
#include <string.h>

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

icalcomponent *
ical_parse(const char *text)
{
	struct gen	 g = { text, text + strlen(text) };
	icalerrorstate	 es;
	icalparser	*p;
	icalcomponent	*c;

	es = icalerror_get_error_state(ICAL_MALFORMEDDATA_ERROR);
	p = icalparser_new();
	icalparser_set_gen_data(p, &g);
	icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, ICAL_ERROR_NONFATAL);
	c = icalparser_parse(p, gen_line);
	icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, es);
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
