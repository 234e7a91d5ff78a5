/*
 * test-serialize.c — ical_serialize (ical-serialize.c): every line it
 * writes ends in CRLF, has no other CR or LF, holds at most 75 octets and
 * never begins a continuation inside a UTF-8 character, and libical reads
 * back the values written.  libical 3.0's own folding once put a fold
 * inside a line's CRLF ("...cc\r\r\n \n") when it backed off a UTF-8
 * character and left 74 octets; the case that showed it, then random
 * values of ASCII, 2-, 3- and 4-octet characters and the characters that
 * are escaped (seed printed; test-serialize SEED repeats a run).  And
 * ical_parse (ical-parse.c): a backslash that escapes nothing RFC 5545
 * knows stays a backslash, never a control character or a space.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "ical-serialize.h"
#include "test.h"
#include "xmalloc.h"

/* Are text's physical lines well formed?  On failure, say why. */
static int
lines_ok(const char *text, const char **why)
{
	const char	*p = text, *eol;

	while (*p != '\0') {
		if ((eol = strstr(p, "\r\n")) == NULL) {
			*why = "text without a final CRLF";
			return 0;
		}
		if (memchr(p, '\r', (size_t)(eol - p)) != NULL ||
		    memchr(p, '\n', (size_t)(eol - p)) != NULL) {
			*why = "a CR or LF inside a line";
			return 0;
		}
		if (eol - p > 75) {
			*why = "a line over 75 octets";
			return 0;
		}
		if (*p == ' ' && ((unsigned char)p[1] & 0xc0) == 0x80) {
			*why = "a fold inside a UTF-8 character";
			return 0;
		}
		p = eol + 2;
	}
	return 1;
}

static int	shown;	/* failures printed */

/* DESCRIPTION and CATEGORIES as written, and read back by libical. */
static void
round_trip(const char *desc, const char *cat, unsigned seed, int i)
{
	icalcomponent	*c = icalcomponent_new_vevent(), *back;
	icalproperty	*p;
	const char	*why = "";
	char		*text;
	int		 ok;

	icalcomponent_set_uid(c, "serialize@test");
	icalcomponent_add_property(c, icalproperty_new_description(desc));
	icalcomponent_add_property(c, icalproperty_new_categories(cat));
	text = ical_serialize(c);
	ok = lines_ok(text, &why);
	back = icalcomponent_new_from_string(text);
	if (back == NULL)
		ok = 0, why = "libical cannot read it";
	else if ((p = icalcomponent_get_first_property(back,
	    ICAL_DESCRIPTION_PROPERTY)) == NULL ||
	    strcmp(icalproperty_get_description(p), desc) != 0)
		ok = 0, why = "DESCRIPTION changed";
	CHECK(ok);
	if (!ok && ++shown <= 5)
		fprintf(stderr, "seed %u, case %d: %s in:\n%s\n", seed, i, why,
		    text);
	if (back != NULL)
		icalcomponent_free(back);
	icalcomponent_free(c);
	free(text);
}

static void
test_known(void)
{
	char	desc[128];

	/* 65 ASCII, three 2-octet characters, two more: the fold backs off. */
	memset(desc, 'b', 65);
	strcpy(desc + 65, "\xc3\xa9\xc3\xa9\xc3\xa9" "cc");
	round_trip(desc, "Work", 0, -1);
	round_trip("x", "Meeting, John;Work", 0, -2);
}

static void
test_random(unsigned seed)
{
	static const char *pieces[] = { "a", "Z", " ", "\xc3\xa9",
	    "\xe4\xb8\xad", "\xf0\x9f\x98\x80", ",", ";", "\\", "\n", ":" };
	char	desc[1600], cat[64];

	srand(seed);
	for (int i = 0; i < 3000; i++) {
		size_t	len = 0, want = 1 + (size_t)(rand() % 300);

		/* libical's reader drops a value's outer spaces: none there. */
		while (len < want || desc[len - 1] == ' ') {
			const char *s = pieces[rand() % (sizeof pieces /
			    sizeof *pieces)];

			memcpy(desc + len, s, strlen(s));
			len += strlen(s);
		}
		desc[len] = '\0';
		if (desc[0] == ' ')
			desc[0] = 'a';
		/* Sometimes a category with a comma: the placeholder path. */
		snprintf(cat, sizeof cat, rand() % 2 ? "Talks, %d" : "Talks%d",
		    i);
		round_trip(desc, cat, seed, i);
	}
}

/* The TEXT of name in a VEVENT holding line, as ical_parse reads it. */
static char *
parsed(const char *line, icalproperty_kind kind)
{
	icalcomponent	*c;
	icalproperty	*p;
	char		*buf, *v = NULL;

	xasprintf(&buf, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n%s\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n", line);
	c = ical_parse(buf);
	free(buf);
	if (c == NULL)
		return NULL;
	if ((p = icalcomponent_get_first_property(
	    icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT),
	    kind)) != NULL)
		v = xstrdup(icalproperty_get_value_as_string(p) ?
		    icalvalue_get_text(icalproperty_get_value(p)) : "");
	icalcomponent_free(c);
	return v;
}

static void
test_backslashes(void)
{
	static const struct {
		const char		*line;
		icalproperty_kind	 kind;
		const char		*want;
	} cases[] = {
		{ "SUMMARY:C:\\Users\\bob\\files\\report.doc",
		    ICAL_SUMMARY_PROPERTY, "C:\\Users\\bob\\files\\report.doc" },
		{ "DESCRIPTION:a\\rb\\fc\\bd", ICAL_DESCRIPTION_PROPERTY,
		    "a\\rb\\fc\\bd" },
		{ "LOCATION:room\\r\\n2", ICAL_LOCATION_PROPERTY, "room\\r\n2" },
		/* The escapes RFC 5545 knows, a fold between too. */
		{ "DESCRIPTION:a\\,b\\;c\\nd\\Ne\\\\f", ICAL_DESCRIPTION_PROPERTY,
		    "a,b;c\nd\ne\\f" },
		{ "DESCRIPTION:x\\\r\n ,y\\\r\n Uz", ICAL_DESCRIPTION_PROPERTY,
		    "x,y\\Uz" },
		{ "summary;LANGUAGE=\"a:b\":C:\\Work", ICAL_SUMMARY_PROPERTY,
		    "C:\\Work" },
		/* \t is a TAB, which text may hold (libical's reading, kept). */
		{ "LOCATION:Hall\\tB", ICAL_LOCATION_PROPERTY, "Hall\tB" },
		{ "DESCRIPTION:ends in\\", ICAL_DESCRIPTION_PROPERTY,
		    "ends in\\" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char	*v = parsed(cases[i].line, cases[i].kind);

		CHECK_STR(v, cases[i].want);
		free(v);
	}
}

/* A CN and an X- parameter with a caret, a line break, a quote: RFC 6868. */
static void
test_carets(void)
{
	static const char	*names[] = { "a^nb", "x^^y", "two\nlines",
				    "the \"boss\"", "^", NULL };

	for (size_t i = 0; names[i] != NULL; i++) {
		icalcomponent	*c = icalcomponent_new_vevent(), *back;
		icalproperty	*p = icalproperty_new_attendee("mailto:a@x.org");
		icalparameter	*x = icalparameter_new_x(names[i]);
		char		*text;

		icalparameter_set_xname(x, "X-NOTE");
		icalproperty_add_parameter(p, icalparameter_new_cn(names[i]));
		icalproperty_add_parameter(p, x);
		icalcomponent_add_property(c, p);
		text = ical_serialize(c);
		back = ical_parse(text);
		p = back ? icalcomponent_get_first_property(back,
		    ICAL_ATTENDEE_PROPERTY) : NULL;
		CHECK(p != NULL);
		if (p != NULL) {
			CHECK_STR(icalparameter_get_cn(
			    icalproperty_get_first_parameter(p,
			    ICAL_CN_PARAMETER)), names[i]);
			CHECK_STR(icalparameter_get_xvalue(
			    icalproperty_get_first_parameter(p,
			    ICAL_X_PARAMETER)), names[i]);
		}
		/* and the component itself is as it was */
		CHECK_STR(icalparameter_get_cn(icalproperty_get_first_parameter(
		    icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY),
		    ICAL_CN_PARAMETER)), names[i]);
		if (back != NULL)
			icalcomponent_free(back);
		icalcomponent_free(c);
		free(text);
	}
}

/*
 * An X- property's value is TEXT (RFC 5545 3.8.8.2): its commas and
 * semicolons go out escaped (libical wrote "X-NOTE:a, b; c"), so that it
 * reads back the same, and one without them goes out as it came.
 */
static void
test_x_text(void)
{
	icalcomponent	*c = icalparser_parse_string("BEGIN:VEVENT\r\n"
	    "UID:x@t\r\nX-NOTE:a\\, b\\; c\\n d\\\\ e\r\n"
	    "X-PLAIN;X-P=1:just text\r\nX-TEXTY;VALUE=TEXT:d\\, e\\; f\r\n"
	    "END:VEVENT\r\n"), *back;
	char		*s = ical_serialize(c);
	icalproperty	*p;

	CHECK(strstr(s, "\r\nX-NOTE:a\\, b\\; c\\n d\\\\ e\r\n") != NULL);
	CHECK(strstr(s, "\r\nX-PLAIN;X-P=1:just text\r\n") != NULL);
	/* one that says VALUE=TEXT, which libical split in two */
	CHECK(strstr(s, "\r\nX-TEXTY;VALUE=TEXT:d\\, e\\; f\r\n") != NULL);
	back = icalparser_parse_string(s);
	p = icalcomponent_get_first_property(back, ICAL_X_PROPERTY);
	CHECK_STR(icalproperty_get_x(p), "a, b; c\n d\\ e");
	/* the component itself is left as it was */
	p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY);
	CHECK_STR(icalproperty_get_x(p), "a, b; c\n d\\ e");
	icalcomponent_free(back);
	icalcomponent_free(c);
	free(s);
}

int
main(int argc, char **argv)
{
	unsigned	seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) :
			    (unsigned)time(NULL);

	printf("seed %u (test-serialize SEED repeats a run)\n", seed);
	test_known();
	test_random(seed);
	test_backslashes();
	test_carets();
	test_x_text();
	TEST_DONE();
}
