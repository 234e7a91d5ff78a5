/*
 * httpd-path.c — what httpd makes of a request's path: the URL
 * percent-decoded as kcald reads it (httpd_unescape, MHD's decoder but for
 * a NUL and a '/' inside a segment), and the path as the log shows it, a
 * feed's token left out (httpd_log_path).  Strings only, apart from MHD
 * and the loop, so that test-httpd.c tests them alone.
 */
#include <stdio.h>
#include <string.h>

#include "httpd.h"

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Percent-decode s in place (MHD's own decoder, but for "%00" and "%2F"):
 * a NUL would cut the path short and make "x%00y.ics" name "x", so it
 * becomes DEL, a byte no name or path kcald serves may hold (dav.c refuses
 * it); a '/' sent as "%2F" is one inside a segment (a resource named by a
 * UID with a '/'), not one between segments, so it becomes HTTPD_SLASH,
 * which dav.c turns back into '/' in a name (a PUT below a collection
 * that does not exist was stored under a name with '/').
 */
size_t
httpd_unescape(char *s)
{
	char	*w = s;
	int	 hi, lo;

	for (const char *r = s; *r != '\0'; w++) {
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 &&
		    (lo = hexval(r[2])) >= 0) {
			*w = (char)(hi * 16 + lo);
			if (*w == '\0' || *w == HTTPD_SLASH)
				*w = 0x7f;	/* "%01" is not a '/' */
			else if (*w == '/')
				*w = HTTPD_SLASH;
			r += 3;
		} else
			*w = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/*
 * path as the log may show it (in buf): a feed's or a briefing's token is
 * a secret (it lets anyone read the feed), so what follows a "feeds" or
 * "briefing" segment, wherever it is (//feeds/T, /x/../feeds/T, a %2F),
 * is left out.
 */
const char *
httpd_log_path(const char *path, char *buf, size_t len)
{
	static const char	*secret[] = { "feeds", "briefing" };
	const char		*p;
	size_t			 n;

	if (path == NULL)
		return "";
	for (p = path; *p != '\0'; p++) {
		if (*p != '/' && *p != HTTPD_SLASH)
			continue;
		for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
			n = strlen(secret[i]);
			if (strncmp(p + 1, secret[i], n) == 0 &&
			    (p[n + 1] == '/' || p[n + 1] == HTTPD_SLASH) &&
			    p[n + 2] != '\0') {
				snprintf(buf, len, "%.*s...", (int)(p - path + n +
				    2), path);
				return buf;
			}
		}
	}
	snprintf(buf, len, "%s", path);
	return buf;
}
