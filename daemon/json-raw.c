/*
 * json-raw.c — JSON text carried inside a reply's json_t (json-raw.h).
 *
 * Why: a page of a list is two hundred events of some thirty members
 * each; building them as jansson objects and having jansson encode them
 * again was half the request.  The list writes its events as text
 * (event-write.c) and hands the text over as a string that no client and
 * no row can make: it begins with a NUL byte (jansson refuses a NUL in
 * what it decodes, and the store holds C strings).  json_raw_dump writes
 * a reply as jansson would (compact, members in their order), except that
 * such a string in the reply or in its "result" is written as the text it
 * carries.  A reply without one is left to jansson alone.
 */
#include <stdlib.h>
#include <string.h>

#include "json-raw.h"
#include "xmalloc.h"

#define RAW_TAG		"\0kcal-raw\0"
#define RAW_TAGLEN	(sizeof RAW_TAG - 1)

void
jbuf_add(struct jbuf *b, const char *s, size_t n)
{
	if (b->cap - b->len < n + 1) {
		while (b->cap - b->len < n + 1)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
jbuf_str(struct jbuf *b, const char *s)
{
	jbuf_add(b, s, strlen(s));
}

/* A json_dump_callback_t appending to a jbuf. */
int
jbuf_dump_cb(const char *s, size_t n, void *arg)
{
	jbuf_add(arg, s, n);
	return 0;
}

/* The text of b, to be written as it is by json_raw_dump. */
json_t *
json_raw(const struct jbuf *b)
{
	char	*s = xmalloc(RAW_TAGLEN + b->len + 1);
	json_t	*v;

	memcpy(s, RAW_TAG, RAW_TAGLEN);
	memcpy(s + RAW_TAGLEN, b->p, b->len);
	s[RAW_TAGLEN + b->len] = '\0';
	v = json_stringn_nocheck(s, RAW_TAGLEN + b->len);
	free(s);
	return v;
}

static int
is_raw(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) >= RAW_TAGLEN &&
	    memcmp(json_string_value(v), RAW_TAG, RAW_TAGLEN) == 0;
}

/* Has the object o, or its "result", a raw member? */
static int
has_raw(json_t *o, int depth)
{
	const char	*key;
	json_t		*v;

	json_object_foreach(o, key, v) {
		if (is_raw(v))
			return 1;
		if (depth == 0 && json_is_object(v) && has_raw(v, 1))
			return 1;
	}
	return 0;
}

static int
dump(json_t *v, json_dump_callback_t cb, void *arg, int depth)
{
	const char	*key;
	json_t		*m, *k;
	int		 first = 1, rc;

	if (is_raw(v))
		return cb(json_string_value(v) + RAW_TAGLEN,
		    json_string_length(v) - RAW_TAGLEN, arg);
	if (!json_is_object(v) || depth > 1)
		return json_dump_callback(v, cb, arg, JSON_COMPACT |
		    JSON_ENCODE_ANY);
	if (cb("{", 1, arg) != 0)
		return -1;
	json_object_foreach(v, key, m) {
		if (!first && cb(",", 1, arg) != 0)
			return -1;
		first = 0;
		if ((k = json_string(key)) == NULL)
			return -1;
		rc = json_dump_callback(k, cb, arg, JSON_ENCODE_ANY);
		json_decref(k);
		if (rc != 0 || cb(":", 1, arg) != 0 ||
		    dump(m, cb, arg, depth + 1) != 0)
			return -1;
	}
	return cb("}", 1, arg);
}

/*
 * msg encoded compact through cb (as json_dump_callback), its raw
 * members as they are: 0 or -1.
 */
int
json_raw_dump(json_t *msg, json_dump_callback_t cb, void *arg)
{
	if (!json_is_object(msg) || !has_raw(msg, 0))
		return json_dump_callback(msg, cb, arg, JSON_COMPACT);
	return dump(msg, cb, arg, 0);
}
