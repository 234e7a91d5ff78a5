/*
 * cursor.c — encoding and decoding a paged list's cursor (cursor.h).  The
 * key is written "start\nrid\nuid" in hexadecimal behind a version tag, so
 * a client cannot mistake it for something to parse, and a cursor that was
 * tampered with or cut short is refused rather than read as another key.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "xmalloc.h"

#define CURSOR_TAG	"c1."
#define CURSOR_MAX	4096		/* characters of a cursor, tag included */

static const char hexdig[] = "0123456789abcdef";

char *
cursor_encode(int64_t start, const char *uid, const char *rid)
{
	char	*plain, *out, *p;
	size_t	 i, n;

	if (asprintf(&plain, "%" PRId64 "\n%s\n%s", start, rid ? rid : "",
	    uid) < 0)
		return NULL;
	n = strlen(plain);
	out = xmalloc(sizeof CURSOR_TAG + 2 * n);
	memcpy(out, CURSOR_TAG, sizeof CURSOR_TAG - 1);
	p = out + sizeof CURSOR_TAG - 1;
	for (i = 0; i < n; i++) {
		*p++ = hexdig[(unsigned char)plain[i] >> 4];
		*p++ = hexdig[(unsigned char)plain[i] & 0xf];
	}
	*p = '\0';
	free(plain);
	return out;
}

static int
hexval(char c)
{
	const char	*p = c != '\0' ? strchr(hexdig, c) : NULL;

	return p ? (int)(p - hexdig) : -1;
}

/* The hexadecimal h as text, or NULL when it is not that (or holds NUL). */
static char *
unhex(const char *h)
{
	size_t	 n = strlen(h), i;
	char	*out;
	int	 hi, lo;

	if (n % 2 != 0)
		return NULL;
	out = xmalloc(n / 2 + 1);
	for (i = 0; i < n / 2; i++) {
		hi = hexval(h[2 * i]);
		lo = hexval(h[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	return out;
}

/* Is rid one a list writes: none, or a UTC instant 2031-03-17T01:00:00Z? */
static int
rid_form(const char *rid)
{
	static const char	form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t			i;

	if (*rid == '\0')
		return 1;
	if (strlen(rid) != sizeof form - 1)
		return 0;
	for (i = 0; form[i] != '\0'; i++)
		if (form[i] == 'd' ? rid[i] < '0' || rid[i] > '9' :
		    rid[i] != form[i])
			return 0;
	return 1;
}

int
cursor_decode(const char *s, struct cursor *c)
{
	char		*plain, *rid, *uid, *end;
	long long	 start;

	memset(c, 0, sizeof *c);
	if (strlen(s) > CURSOR_MAX || strncmp(s, CURSOR_TAG,
	    sizeof CURSOR_TAG - 1) != 0)
		return -1;
	if ((plain = unhex(s + sizeof CURSOR_TAG - 1)) == NULL)
		return -1;
	if ((rid = strchr(plain, '\n')) == NULL ||
	    (uid = strchr(rid + 1, '\n')) == NULL || uid[1] == '\0')
		goto bad;
	*rid++ = '\0';
	*uid++ = '\0';
	errno = 0;
	start = strtoll(plain, &end, 10);
	if (plain[0] == '\0' || *end != '\0' || errno != 0 || !rid_form(rid))
		goto bad;
	c->start = start;
	c->rid = xstrdup(rid);
	c->uid = xstrdup(uid);
	free(plain);
	return 0;
bad:
	free(plain);
	return -1;
}

void
cursor_clear(struct cursor *c)
{
	free(c->uid);
	free(c->rid);
	memset(c, 0, sizeof *c);
}

/* In the list's order (cmd_event_cmp): start, then UID, then rid. */
int
cursor_cmp(const struct cursor *c, int64_t start, const char *uid,
    const char *rid)
{
	int	r;

	if (c->start != start)
		return c->start < start ? -1 : 1;
	if ((r = strcmp(c->uid, uid)) != 0)
		return r;
	return strcmp(c->rid, rid ? rid : "");
}
