/*
 * text-fold.c — "does this text hold that one, case ignored", as list's
 * --search and --participant, people and the itinerary ask it: in every
 * script that has case, not only ASCII (a capital E acute finds a small
 * one, small Cyrillic letters find capitals).  SQLite's lower() changes
 * ASCII letters alone, and ICU is a dependency too large for one
 * comparison.
 *
 * A character is folded to the C library's lower case of it (towlower_l,
 * Unicode's simple mapping, in the C.UTF-8 locale whatever kcald's own
 * locale is), and a final sigma (U+03C2) to the sigma capital sigma
 * lowers to (U+03C3); bytes that are not UTF-8 are compared as they are.
 * A character whose folding is two (sharp s and "SS") is not matched by
 * those two.  Text
 * all ASCII (most of it) is folded by a table, without a decoding.  The
 * store's filters call it as the SQL function kcal_holds (text_fold_init);
 * cmd-list.c calls text_holds for an override's own fields.
 */
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "kcal-protocol.h"
#include "text-fold.h"
#include "xmalloc.h"

static locale_t		utf8;		/* (locale_t)0: ASCII only */
static pthread_once_t	utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_open(void)
{
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* The character of the valid UTF-8 sequence of len bytes at s. */
static uint32_t
decode(const unsigned char *s, size_t len)
{
	static const unsigned char	lead[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t			c = s[0] & lead[len];

	for (size_t i = 1; i < len; i++)
		c = c << 6 | (s[i] & 0x3f);
	return c;
}

static size_t
encode(uint32_t c, char *d)
{
	if (c < 0x80) {
		d[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		d[0] = (char)(0xc0 | c >> 6);
		d[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		d[0] = (char)(0xe0 | c >> 12);
		d[1] = (char)(0x80 | (c >> 6 & 0x3f));
		d[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | c >> 18);
	d[1] = (char)(0x80 | (c >> 12 & 0x3f));
	d[2] = (char)(0x80 | (c >> 6 & 0x3f));
	d[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * s folded (its n bytes, a NUL among them or not), NUL-terminated, the
 * caller's to free.  A character's lower case takes at most twice its
 * bytes (U+023A, 2 bytes, is U+2C65, 3), hence the 2n.
 */
char *
text_fold(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			*out = xmalloc(2 * n + 1), *d = out;
	uint32_t		 cp;
	wint_t			 lc;
	size_t			 i = 0, len;

	pthread_once(&utf8_once, utf8_open);
	while (i < n) {
		if (u[i] < 0x80) {
			*d++ = (char)(u[i] >= 'A' && u[i] <= 'Z' ?
			    u[i] + ('a' - 'A') : u[i]);
			i++;
			continue;
		}
		if (utf8 == (locale_t)0 ||
		    (len = proto_utf8_len(u + i, n - i)) == 0) {
			*d++ = (char)u[i++];
			continue;
		}
		cp = decode(u + i, len);
		lc = towlower_l((wint_t)cp, utf8);
		if (lc == WEOF || lc > 0x10ffff ||
		    (lc >= 0xd800 && lc <= 0xdfff))
			lc = (wint_t)cp;
		if (lc == 0x3c2)	/* final sigma: sigma */
			lc = 0x3c3;
		d += encode((uint32_t)lc, d);
		i += len;
	}
	*d = '\0';
	return out;
}

/* Does hay hold needle, case ignored?  An empty needle is in any text. */
int
text_holds(const char *hay, const char *needle)
{
	char	*h, *w;
	int	 found;

	if (hay == NULL || needle == NULL)
		return 0;
	h = text_fold(hay, strlen(hay));
	w = text_fold(needle, strlen(needle));
	found = strstr(h, w) != NULL;
	free(h);
	free(w);
	return found;
}

/* kcal_holds(text, what): 1 if text holds what, case ignored; NULL: 0. */
static void
holds_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char	*hay, *needle;
	char		*h, *w;

	(void)argc;
	hay = (const char *)sqlite3_value_text(argv[0]);
	needle = (const char *)sqlite3_value_text(argv[1]);
	if (hay == NULL || needle == NULL) {
		sqlite3_result_int(cx, 0);
		return;
	}
	h = text_fold(hay, (size_t)sqlite3_value_bytes(argv[0]));
	w = text_fold(needle, (size_t)sqlite3_value_bytes(argv[1]));
	sqlite3_result_int(cx, strstr(h, w) != NULL);
	free(h);
	free(w);
}

/* Define kcal_holds on db: 0, or an SQLite error code. */
int
text_fold_init(sqlite3 *db)
{
	return sqlite3_create_function(db, "kcal_holds", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, holds_fn, NULL,
	    NULL);
}
