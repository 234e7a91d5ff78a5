/*
 * ical-serialize.c — a libical component as iCalendar text (CRLF, folded
 * at 75 octets), for every file that writes one.
 *
 * libical 3.0 reads "CATEGORIES:Meeting\, John,Work" as two categories,
 * "Meeting, John" and "Work", but writes the first back without escaping
 * its comma, so the next reader finds three; and it writes an X- property's
 * value (TEXT unless it says otherwise, RFC 5545 3.8.8.2) without escaping
 * its commas and semicolons, so "X-NOTE:a\, b" came back "X-NOTE:a, b".  ical_serialize() writes such
 * values through placeholders: libical serialises the component, then each
 * line holding a placeholder is unfolded, given the escaped value, and
 * folded again (75 octets, never inside a UTF-8 character); so is each
 * line libical folded badly (refold).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical-serialize.h"
#include "xmalloc.h"

#define PH_PREFIX	"KCALPLACEHOLDER"

struct placeholders {
	icalproperty	**prop;
	char		**orig;		/* the value, to put back */
	char		**value;	/* escaped, by index */
	unsigned char	 *x;		/* an X- value (icalvalue_set_x) */
	size_t		  n;
};

static int
multi_text(icalproperty_kind k)
{
	return k == ICAL_CATEGORIES_PROPERTY || k == ICAL_RESOURCES_PROPERTY;
}

static char *
escape_text(const char *s)
{
	char	*out = xmalloc(strlen(s) * 2 + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			*o++ = '\\';
		if (*s == '\n') {
			*o++ = '\\';
			*o++ = 'n';
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void
hide_values(icalcomponent *c, struct placeholders *ph)
{
	icalproperty	*p;
	icalcomponent	*k;
	icalvalue	*val;
	const char	*v;
	char		 token[64];
	int		 x;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		if ((val = icalproperty_get_value(p)) == NULL)
			continue;
		if ((x = icalvalue_isa(val) == ICAL_X_VALUE))
			v = icalvalue_get_x(val);
		else if ((multi_text(icalproperty_isa(p)) ||
		    icalproperty_isa(p) == ICAL_X_PROPERTY) &&
		    icalvalue_isa(val) == ICAL_TEXT_VALUE)
			v = icalvalue_get_text(val);	/* X-..;VALUE=TEXT too */
		else
			continue;
		if (v == NULL || strpbrk(v, ",;") == NULL)
			continue;
		ph->value = xreallocarray(ph->value, ph->n + 1,
		    sizeof *ph->value);
		ph->orig = xreallocarray(ph->orig, ph->n + 1, sizeof *ph->orig);
		ph->prop = xreallocarray(ph->prop, ph->n + 1, sizeof *ph->prop);
		ph->x = xreallocarray(ph->x, ph->n + 1, sizeof *ph->x);
		ph->value[ph->n] = escape_text(v);
		ph->orig[ph->n] = xstrdup(v);
		ph->prop[ph->n] = p;
		ph->x[ph->n] = (unsigned char)x;
		snprintf(token, sizeof token, PH_PREFIX "%zuX", ph->n++);
		if (x)
			icalvalue_set_x(val, token);
		else
			icalvalue_set_text(val, token);
	}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		hide_values(k, ph);
}

/*
 * Append line (unfolded, no CRLF) to out, folded at 75 octets.  A fold
 * backs off at most 3 octets so as not to split a UTF-8 character (which
 * has at most 4); so every piece holds at least 71 octets, whatever the
 * bytes, and the buffer below is big enough.
 */
struct text {
	char	*p;
	size_t	 len, cap;
};

/* Room for more octets (and a NUL) in t, grown by doubling. */
static void
room_for(struct text *t, size_t more)
{
	if (t->len + more + 1 <= t->cap)
		return;
	if (t->cap == 0)
		t->cap = 4096;
	while (t->len + more + 1 > t->cap)
		t->cap *= 2;
	t->p = xreallocarray(t->p, 1, t->cap);
}

static void
fold_line(struct text *t, const char *line)
{
	size_t	n = strlen(line), take, room = 75, min;
	char	**out = &t->p;
	size_t	*len = &t->len;

	room_for(t, n + 3 * (n / 71 + 2));
	while (n > 0) {
		take = n < room ? n : room;
		min = take > 3 ? take - 3 : 1;
		while (take < n && take > min &&
		    ((unsigned char)line[take] & 0xc0) == 0x80)
			take--;		/* not inside a UTF-8 character */
		memcpy(*out + *len, line, take);
		*len += take;
		memcpy(*out + *len, "\r\n", 2);
		*len += 2;
		line += take;
		n -= take;
		if (n > 0) {
			(*out)[(*len)++] = ' ';
			room = 74;
		}
	}
}

/* Replace each placeholder in line with its value. */
static char *
fill(const char *line, const struct placeholders *ph)
{
	char		*out = xstrdup(line), *at, *t;
	size_t		 i;

	while ((at = strstr(out, PH_PREFIX)) != NULL) {
		i = strtoul(at + strlen(PH_PREFIX), &t, 10);
		if (i >= ph->n || *t != 'X')
			break;
		*at = '\0';
		xasprintf(&t, "%s%s%s", out, ph->value[i], t + 1);
		free(out);
		out = t;
	}
	return out;
}

/*
 * The next CRLF at or after p, or NULL: by hand, not strstr(), whose
 * sanitizer interceptors measure the whole rest of the text each call (a
 * 6 MB line folded 80,000 times took minutes under AddressSanitizer).
 */
static const char *
next_crlf(const char *p)
{
	for (; *p != '\0'; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

/* Does chunk (no NUL inside) hold a CR or LF that is not part of a CRLF? */
static int
stray_break(const char *chunk, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((chunk[i] == '\r' && (i + 1 == n || chunk[i + 1] != '\n')) ||
		    (chunk[i] == '\n' && (i == 0 || chunk[i - 1] != '\r')))
			return 1;
	return 0;
}

/*
 * Unfold chunk (one logical line, or more when libical broke one) and
 * fold each of its lines again, its placeholders replaced by their values.
 */
static void
redo_chunk(struct text *t, const char *chunk, size_t n,
    const struct placeholders *ph)
{
	char		*flat = xmalloc(n + 1), *w = flat, *line, *f;
	const char	*p, *end;

	for (size_t i = 0; i < n; i++) {
		if (chunk[i] == '\r' && i + 2 < n && chunk[i + 1] == '\n' &&
		    chunk[i + 2] == ' ') {
			i += 2;
			continue;
		}
		*w++ = chunk[i];
	}
	*w = '\0';
	for (p = flat; *p != '\0'; p = end + (*end ? 2 : 0)) {
		if ((end = next_crlf(p)) == NULL)
			end = p + strlen(p);
		line = xstrndup(p, (size_t)(end - p));
		f = strstr(line, PH_PREFIX) ? fill(line, ph) : NULL;
		fold_line(t, f ? f : line);
		free(f);
		free(line);
	}
	free(flat);
}

/*
 * libical's text with the lines that need it folded again: those holding
 * placeholders (given their values), and those libical broke.  libical
 * 3.0 can fold inside a line's own CRLF when a fold backs off a UTF-8
 * character and leaves 74 octets ("...cc\r\r\n \n"): a stray CR and a
 * bare LF, which no reader accepts.  A value holds no raw CR or LF (they
 * are escaped), so "\r\n " is only ever a fold.  Other lines are kept as
 * libical folded them, so that feeds keep their bytes.
 */
static char *
refold(const char *s, const struct placeholders *ph)
{
	struct text	 t = { NULL, 0, 0 };
	size_t		 n;
	const char	*end, *next;

	while (*s != '\0') {
		/* One logical line: s up to a CRLF not followed by a space. */
		for (end = s; (next = next_crlf(end)) != NULL &&
		    next[2] == ' '; end = next + 2)
			;
		next = next ? next + 2 : s + strlen(s);
		n = (size_t)(next - s);
		if (stray_break(s, n) || (ph->n > 0 &&
		    memmem(s, n, PH_PREFIX, strlen(PH_PREFIX)) != NULL))
			redo_chunk(&t, s, n, ph);
		else {
			room_for(&t, n);
			memcpy(t.p + t.len, s, n);
			t.len += n;
		}
		s = next;
	}
	room_for(&t, 0);
	t.p[t.len] = '\0';
	return t.p;
}

/*
 * Parameter values that hold a caret, a line break or a double quote,
 * written with RFC 6868's ^^, ^n and ^' (which libical reads but does not
 * write: "CN=a^^nb", read as "a^nb", went out as "CN=a^nb", read again as
 * a line break).  The CN and X- parameters, which carry free text.
 */
struct carets {
	icalparameter	**param;
	char		**orig;
	size_t		  n;
};

static char *
caret_encode(const char *v)
{
	char	*out = xmalloc(strlen(v) * 2 + 1), *o = out;

	for (; *v != '\0'; v++) {
		if (*v == '^' || *v == '\n' || *v == '"') {
			*o++ = '^';
			*o++ = *v == '\n' ? 'n' : *v == '"' ? '\'' : '^';
		} else
			*o++ = *v;
	}
	*o = '\0';
	return out;
}

static void
encode_params(icalcomponent *c, struct carets *cr)
{
	icalproperty	*p;
	icalparameter	*q;
	icalcomponent	*k;
	const char	*v;
	char		*e;
	int		 x;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
		for (q = icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER);
		    q; q = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
			x = icalparameter_isa(q) == ICAL_X_PARAMETER;
			if (!x && icalparameter_isa(q) != ICAL_CN_PARAMETER)
				continue;
			v = x ? icalparameter_get_xvalue(q) :
			    icalparameter_get_cn(q);
			if (v == NULL || strpbrk(v, "^\n\"") == NULL)
				continue;
			cr->param = xreallocarray(cr->param, cr->n + 1,
			    sizeof *cr->param);
			cr->orig = xreallocarray(cr->orig, cr->n + 1,
			    sizeof *cr->orig);
			cr->param[cr->n] = q;
			cr->orig[cr->n++] = xstrdup(v);
			e = caret_encode(v);
			if (x)
				icalparameter_set_xvalue(q, e);
			else
				icalparameter_set_cn(q, e);
			free(e);
		}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		encode_params(k, cr);
}

static void
restore_params(struct carets *cr)
{
	for (size_t i = 0; i < cr->n; i++) {
		if (icalparameter_isa(cr->param[i]) == ICAL_X_PARAMETER)
			icalparameter_set_xvalue(cr->param[i], cr->orig[i]);
		else
			icalparameter_set_cn(cr->param[i], cr->orig[i]);
		free(cr->orig[i]);
	}
	free(cr->param);
	free(cr->orig);
}

/* c as iCalendar text (CRLF, folded), with list values kept intact. */
char *
ical_serialize(icalcomponent *c)
{
	struct placeholders	 ph = { NULL, NULL, NULL, NULL, 0 };
	struct carets		 cr = { NULL, NULL, 0 };
	char			*s, *text;

	hide_values(c, &ph);
	encode_params(c, &cr);
	s = icalcomponent_as_ical_string_r(c);
	restore_params(&cr);
	text = refold(s, &ph);
	icalmemory_free_buffer(s);
	for (size_t i = 0; i < ph.n; i++) {
		if (ph.x[i])
			icalvalue_set_x(icalproperty_get_value(ph.prop[i]),
			    ph.orig[i]);
		else
			icalvalue_set_text(icalproperty_get_value(ph.prop[i]),
			    ph.orig[i]);
		free(ph.orig[i]);
		free(ph.value[i]);
	}
	free(ph.x);
	free(ph.prop);
	free(ph.orig);
	free(ph.value);
	return text;
}
