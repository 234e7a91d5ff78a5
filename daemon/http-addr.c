/*
 * http-addr.c — the --http setting (or http in kcald.conf) read into an
 * address and a port, where http.c listens, and written back as the
 * "http://ADDR:PORT" base of the feeds' URLs (feed-def.c, when feed_url
 * is not set).  Pure string work: nothing here knows libevent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http-addr.h"
#include "xmalloc.h"

/*
 * A --http / http setting: "ADDR:PORT", "PORT", "ADDR", "[V6]:PORT" or
 * ":PORT".  The address defaults to loopback and the port to 8765.
 */
int
http_parse(const char *spec, char **addr, unsigned *port, char **cause)
{
	const char	*colon, *p;
	char		*end;
	unsigned long	 n;

	*port = HTTP_DEFAULT_PORT;
	if (spec == NULL || *spec == '\0') {
		*addr = xstrdup(HTTP_DEFAULT_ADDR);
		return 0;
	}
	if (*spec == '[') {
		if ((p = strchr(spec, ']')) == NULL)
			goto bad;
		*addr = xstrndup(spec + 1, (size_t)(p - spec - 1));
		colon = p[1] == ':' ? p + 1 : NULL;
		if (p[1] != '\0' && colon == NULL) {
			free(*addr);
			goto bad;
		}
	} else if (strspn(spec, "0123456789") == strlen(spec)) {
		*addr = xstrdup(HTTP_DEFAULT_ADDR);
		colon = spec - 1;
	} else if ((colon = strrchr(spec, ':')) != NULL &&
	    strchr(spec, ':') == colon)
		*addr = colon == spec ? xstrdup(HTTP_DEFAULT_ADDR) :
		    xstrndup(spec, (size_t)(colon - spec));
	else {
		*addr = xstrdup(spec);
		colon = NULL;
	}
	if (colon != NULL) {
		errno = 0;
		n = strtoul(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' || n == 0 ||
		    n > 65535) {
			free(*addr);
			goto bad;
		}
		*port = (unsigned)n;
	}
	return 0;
bad:
	xasprintf(cause, "http: \"%s\" is not ADDR:PORT, PORT or ADDR (e.g. "
	    "127.0.0.1:%d)", spec, HTTP_DEFAULT_PORT);
	return -1;
}

/* "http://ADDR:PORT" for a setting (NULL: the default address). */
char *
http_base_url(const char *spec)
{
	char		*addr = NULL, *why = NULL, *url;
	unsigned	 port;

	if (http_parse(spec, &addr, &port, &why) != 0) {
		free(why);
		addr = xstrdup(HTTP_DEFAULT_ADDR);
		port = HTTP_DEFAULT_PORT;
	}
	xasprintf(&url, strchr(addr, ':') ? "http://[%s]:%u" : "http://%s:%u",
	    addr, port);
	free(addr);
	return url;
}
