/*
 * feed-def.c — a feed as its owner sees it: a new one's token (160
 * random bits from getrandom(2), base32) and name, its URLs (under
 * feed_url, or kcald's own HTTP address), and the JSON that kcal feed
 * add and kcal feed list show.
 */
#include <sys/random.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "http-addr.h"
#include "log.h"
#include "xmalloc.h"

#define TOKEN_BYTES	20		/* 160 bits */

_Static_assert(TOKEN_BYTES * 8 / 5 == FEED_TOKEN_LEN,
    "a token is TOKEN_BYTES in base32");

/* The built-in feed: public events, the default window. */
void
feed_def_all(struct feed_def *f)
{
	memset(f, 0, sizeof *f);
	f->name = xstrdup("all");
	f->classes = FEED_PUBLIC;
	f->past = f->future = -1;
}

/* A new feed token: TOKEN_BYTES random bytes in lower-case base32. */
char *
feed_new_token(void)
{
	static const char	 b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char		 b[TOKEN_BYTES];
	char			*t = xmalloc(FEED_TOKEN_LEN + 1);
	unsigned		 acc = 0, bits = 0;
	size_t			 n = 0;

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		fatal("getrandom");
	for (size_t i = 0; i < sizeof b; i++) {
		acc = (acc << 8) | b[i];
		bits += 8;
		while (bits >= 5) {
			t[n++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	t[n] = '\0';
	return t;
}

int
feed_name_valid(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 64 || strcmp(s, "all") == 0 || *s == '.' ||
	    *s == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/*
 * A feed's URL (token NULL: the built-in feed): under feed_url when it is
 * set (the public, https address of a reverse proxy), else under kcald's
 * own HTTP address; webcal replaces the scheme with webcal://.
 */
char *
feed_url(const struct config *cfg, const char *token, int webcal)
{
	const char	*base = feed_config_url(cfg), *rest;
	char		*own = NULL, *url;

	if (base == NULL)
		base = own = http_base_url(cfg->http);
	rest = strstr(base, "://");
	rest = rest ? rest + 3 : base;
	xasprintf(&url, "%s%s/feeds/%s.ics", webcal ? "webcal://" : "",
	    webcal ? rest : base, token ? token : "all");
	free(own);
	return url;
}

/* A briefing feed's page: beside its feed, under the same base. */
char *
feed_briefing_url(const struct config *cfg, const char *token)
{
	const char	*base = feed_config_url(cfg);
	char		*own = NULL, *url;

	if (base == NULL)
		base = own = http_base_url(cfg->http);
	xasprintf(&url, "%s/briefing/%s.html", base, token);
	free(own);
	return url;
}

static void
span_text(char *buf, size_t len, int64_t s)
{
	if (s % (365 * 86400) == 0 && s > 0)
		snprintf(buf, len, "%lldy", (long long)(s / (365 * 86400)));
	else if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	else
		snprintf(buf, len, "%llds", (long long)s);
}

static json_t *
filters_json(const struct feed_def *d)
{
	json_t	*o = json_object();

	if (d->kind)
		json_object_set_new(o, "kind", json_string(d->kind));
	if (d->status)
		json_object_set_new(o, "status", json_string(d->status));
	if (d->participant)
		json_object_set_new(o, "participant",
		    json_string(d->participant));
	if (d->parent)
		json_object_set_new(o, "parent", json_string(d->parent));
	if (d->search)
		json_object_set_new(o, "search", json_string(d->search));
	return o;
}

/* A feed as feed_list and feed_add show it (d NULL: the built-in feed). */
json_t *
feed_to_json(const struct config *cfg, const struct feed_def *d)
{
	struct feed_def	 all;
	json_t		*o, *inc = json_array(), *f, *v;
	char		*url, *webcal, past[32], future[32], window[80], *s;
	const char	*key;

	if (d == NULL) {
		feed_def_all(&all);
		d = &all;
	}
	url = feed_url(cfg, d->token, 0);
	webcal = feed_url(cfg, d->token, 1);
	json_array_append_new(inc, json_string("public"));
	if (d->classes & FEED_PRIVATE)
		json_array_append_new(inc, json_string("private"));
	if (d->classes & FEED_CONFIDENTIAL)
		json_array_append_new(inc, json_string("confidential"));
	span_text(past, sizeof past, d->past >= 0 ? d->past :
	    feed_config_past(cfg));
	span_text(future, sizeof future, d->future >= 0 ? d->future :
	    feed_config_future(cfg));
	snprintf(window, sizeof window, "%s back, %s ahead", past, future);
	f = filters_json(d);
	s = NULL;
	json_object_foreach(f, key, v) {
		char *t;
		xasprintf(&t, "%s%s%s=%s", s ? s : "", s ? " " : "", key,
		    json_string_value(v));
		free(s);
		s = t;
	}
	o = json_pack("{s:s, s:s, s:s, s:o, s:s?, s:b, s:s, s:o, s:s, s:b}",
	    "name", d->name, "url", url, "webcal", webcal, "include", inc,
	    "redact", d->redact, "alarms", d->alarms, "window", window,
	    "filter", f, "filters", s ? s : "", "builtin", d->token == NULL);
	free(s);
	free(url);
	free(webcal);
	if (d->briefing != NULL && d->token != NULL) {
		url = feed_briefing_url(cfg, d->token);
		json_object_set_new(o, "briefing", json_string(d->briefing));
		json_object_set_new(o, "briefing_url", json_string(url));
		free(url);
	}
	if (d == &all)
		feed_def_clear(&all);
	return o;
}
