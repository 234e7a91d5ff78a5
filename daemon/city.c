/* city.c — an event's city, explicit or derived from its location. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "city.h"
#include "event.h"
#include "xmalloc.h"

/* Where a location "A -> B" (or "A → B") splits, or NULL. */
static const char *
arrow(const char *s, size_t *len)
{
	const char	*p;

	if ((p = strstr(s, "->")) != NULL) {
		*len = 2;
		return p;
	}
	if ((p = strstr(s, "\xe2\x86\x92")) != NULL) {	/* U+2192 */
		*len = 3;
		return p;
	}
	return NULL;
}

/* The last comma-separated part of s[0..n), trimmed; NULL when empty. */
static char *
last_part(const char *s, size_t n)
{
	const char	*b = s, *e = s + n;

	for (const char *p = s; p < e; p++)
		if (*p == ',')
			b = p + 1;
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	if (b == e)
		return NULL;
	return xstrndup(b, (size_t)(e - b));
}

/*
 * The city a location names: its departure side (end 0) or its arrival
 * side (end 1; a location without an arrow has one side).
 */
char *
city_from_location(const char *loc, int end)
{
	const char	*a;
	size_t		 alen;

	if (loc == NULL)
		return NULL;
	if ((a = arrow(loc, &alen)) == NULL)
		return last_part(loc, strlen(loc));
	if (end)
		return last_part(a + alen, strlen(a + alen));
	return last_part(loc, (size_t)(a - loc));
}

/* The city an event starts in (end 0) or ends in (end 1); NULL: unknown. */
char *
city_of(const struct event *ev, int end)
{
	if (end && ev->end_city != NULL && *ev->end_city != '\0')
		return xstrdup(ev->end_city);
	if (ev->city != NULL && *ev->city != '\0') {
		if (!end || ev->location == NULL || arrow(ev->location,
		    &(size_t){ 0 }) == NULL)
			return xstrdup(ev->city);
	}
	return city_from_location(ev->location, end);
}

/* Cities compare without regard to case; an unknown city matches any. */
int
city_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return 1;
	return strcasecmp(a, b) == 0;
}
