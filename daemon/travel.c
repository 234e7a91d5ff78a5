/*
 * travel.c — travel (transfer) times between cities (travel.h): the settings
 * transfer_default and "transfer CITY CITY = DUR", parsed here for
 * config.c, and the lookup the conflict check uses.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "travel.h"
#include "when.h"
#include "xmalloc.h"

struct transfer_pair {
	char	*a, *b;
	int64_t	 secs;
};

struct transfer_config {
	int64_t			 dflt;
	struct transfer_pair	*pairs;
	size_t			 npairs;
};

static struct transfer_config *
get(struct config *cfg)
{
	if (cfg->transfer == NULL) {
		cfg->transfer = xcalloc(1, sizeof *cfg->transfer);
		cfg->transfer->dflt = TRANSFER_DEFAULT;
	}
	return cfg->transfer;
}

void
transfer_config_free(struct transfer_config *tc)
{
	if (tc == NULL)
		return;
	for (size_t i = 0; i < tc->npairs; i++) {
		free(tc->pairs[i].a);
		free(tc->pairs[i].b);
	}
	free(tc->pairs);
	free(tc);
}

/* One city: a word, or a "quoted name" with spaces.  NULL when none. */
static char *
token(const char **sp)
{
	const char	*s = *sp, *e;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return NULL;
	if (*s == '"') {
		if ((e = strchr(s + 1, '"')) == NULL || e == s + 1)
			return NULL;
		*sp = e + 1;
		return xstrndup(s + 1, (size_t)(e - s - 1));
	}
	for (e = s; *e != '\0' && !isspace((unsigned char)*e) && *e != '"'; e++)
		;
	*sp = e;
	return xstrndup(s, (size_t)(e - s));
}

/* "Beijing Shanghai" or "\"Hong Kong\" Beijing": exactly two cities. */
int
transfer_parse_pair(const char *s, char **a, char **b, char **cause)
{
	*a = token(&s);
	*b = *a ? token(&s) : NULL;
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	if (*a == NULL || *b == NULL || *s != '\0') {
		free(*a);
		free(*b);
		*a = *b = NULL;
		*cause = xstrdup("expected \"transfer CITY CITY = DUR\" (quote a "
		    "city with spaces: transfer \"Hong Kong\" Beijing = 3h)");
		return -1;
	}
	return 0;
}

static int
read_dur(const char *key, const char *v, int64_t *out, char **cause)
{
	if (strcmp(v, "0") == 0 || strcmp(v, "0s") == 0) {
		*out = 0;
		return 0;
	}
	if (dur_parse(v, out) != 0 || *out > 7 * 86400) {
		xasprintf(cause, "%s: \"%s\" is not a duration up to a week "
		    "(%s)", key, v, DUR_FORMS);
		return -1;
	}
	return 0;
}

/* transfer_default = DUR, or transfer CITY CITY = DUR (a pair replaces). */
int
transfer_config_set(struct config *cfg, const char *key, const char *v,
    char **cause)
{
	struct transfer_config	*tc = get(cfg);
	struct transfer_pair	*p;
	char			*a, *b, *why = NULL;
	int64_t			 secs;
	size_t			 i;

	if (strcmp(key, "transfer_default") == 0)
		return read_dur(key, v, &tc->dflt, cause);
	if (read_dur("transfer", v, &secs, cause) != 0)
		return -1;
	if (strncmp(key, "transfer ", 9) != 0 ||
	    transfer_parse_pair(key + 9, &a, &b, &why) != 0) {
		xasprintf(cause, "%s", why ? why : "unknown setting");
		free(why);
		return -1;
	}
	for (i = 0; i < tc->npairs; i++) {
		p = &tc->pairs[i];
		if ((strcasecmp(p->a, a) == 0 && strcasecmp(p->b, b) == 0) ||
		    (strcasecmp(p->a, b) == 0 && strcasecmp(p->b, a) == 0))
			break;
	}
	if (i == tc->npairs) {
		tc->pairs = xreallocarray(tc->pairs, ++tc->npairs,
		    sizeof *tc->pairs);
		tc->pairs[i].a = a;
		tc->pairs[i].b = b;
	} else {
		free(a);
		free(b);
	}
	tc->pairs[i].secs = secs;
	return 0;
}

/* The time to allow between an event in city a and one in city b. */
int64_t
transfer_time(const struct config *cfg, const char *a, const char *b)
{
	const struct transfer_config	*tc = cfg->transfer;

	if (tc == NULL)
		return TRANSFER_DEFAULT;
	for (size_t i = 0; i < tc->npairs; i++) {
		const struct transfer_pair *p = &tc->pairs[i];
		if ((strcasecmp(p->a, a) == 0 && strcasecmp(p->b, b) == 0) ||
		    (strcasecmp(p->a, b) == 0 && strcasecmp(p->b, a) == 0))
			return p->secs;
	}
	return tc->dflt;
}

/* The longest transfer time configured (bounds the conflict check). */
int64_t
transfer_max(const struct config *cfg)
{
	const struct transfer_config	*tc = cfg->transfer;
	int64_t				 m;

	if (tc == NULL)
		return TRANSFER_DEFAULT;
	m = tc->dflt;
	for (size_t i = 0; i < tc->npairs; i++)
		if (tc->pairs[i].secs > m)
			m = tc->pairs[i].secs;
	return m;
}
