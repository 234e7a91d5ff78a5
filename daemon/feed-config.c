/*
 * feed-config.c — the feed settings of kcald.conf (kcald.conf(5), "FEEDS"),
 * kept in their own struct so config.c only hands the keys over:
 *   feed_url        = https://cal.example.org   the public base of feed URLs
 *   feed_name       = kcal     the name of the built-in feed "all"
 *   feed_refresh    = 1h       REFRESH-INTERVAL and X-PUBLISHED-TTL
 *   feed_max_age    = 5m       Cache-Control max-age
 *   feed_tombstones = 30d      how long a cancelled event stays in feeds
 *   feed_past       = 365d     the default window of every feed
 *   feed_future     = 3y
 * Durations take kcal's units (s, m, h, d, w) and y for 365 days: spans,
 * read by dur_parse_span() (when.c) as kcal feed add --past reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "when.h"
#include "xmalloc.h"

struct feed_config {
	char	*url, *name;
	int64_t	 refresh, max_age, tombstones, past, future;
};

static const struct feed_config defaults = {
	NULL, NULL, 3600, 300, 30 * 86400, 365 * 86400, 3 * 365 * 86400
};

static struct feed_config *
get(struct config *cfg)
{
	if (cfg->feed == NULL) {
		cfg->feed = xmalloc(sizeof *cfg->feed);
		*cfg->feed = defaults;
	}
	return cfg->feed;
}

void
feed_config_free(struct feed_config *fc)
{
	if (fc == NULL)
		return;
	free(fc->url);
	free(fc->name);
	free(fc);
}

static int
set_span(const char *key, const char *v, int64_t min, int64_t max,
    int64_t *out, char **cause)
{
	int64_t	n;

	if (dur_parse_span(v, &n) != 0 || n < min || n > max) {
		xasprintf(cause, "%s: \"%s\" is not a duration from %llds to "
		    "%lld days (e.g. 1h, 30d, 2y)", key, v, (long long)min,
		    (long long)(max / 86400));
		return -1;
	}
	*out = n;
	return 0;
}

int
feed_config_set(struct config *cfg, const char *key, const char *v,
    char **cause)
{
	struct feed_config	*fc = get(cfg);

	if (strcmp(key, "feed_url") == 0) {
		free(fc->url);
		fc->url = NULL;
		if (*v == '\0')
			return 0;
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			xasprintf(cause, "feed_url must start with https:// "
			    "(or http://), not \"%s\"", v);
			return -1;
		}
		fc->url = xstrdup(v);
		while (strlen(fc->url) > 8 && fc->url[strlen(fc->url) - 1] == '/')
			fc->url[strlen(fc->url) - 1] = '\0';
		return 0;
	}
	if (strcmp(key, "feed_name") == 0) {
		free(fc->name);
		fc->name = *v ? xstrdup(v) : NULL;
		return 0;
	}
	if (strcmp(key, "feed_refresh") == 0)
		return set_span(key, v, 60, 7 * 86400, &fc->refresh, cause);
	if (strcmp(key, "feed_max_age") == 0)
		return set_span(key, v, 0, 86400, &fc->max_age, cause);
	if (strcmp(key, "feed_tombstones") == 0)
		return set_span(key, v, 0, 3650LL * 86400, &fc->tombstones,
		    cause);
	if (strcmp(key, "feed_past") == 0)
		return set_span(key, v, 0, 100LL * 365 * 86400, &fc->past,
		    cause);
	if (strcmp(key, "feed_future") == 0)
		return set_span(key, v, 0, 100LL * 365 * 86400, &fc->future,
		    cause);
	xasprintf(cause, "unknown setting \"%s\"", key);
	return -1;
}

static const struct feed_config *
peek(const struct config *cfg)
{
	return cfg->feed != NULL ? cfg->feed : &defaults;
}

const char *
feed_config_url(const struct config *cfg)
{
	return peek(cfg)->url;
}

const char *
feed_config_name(const struct config *cfg)
{
	return peek(cfg)->name ? peek(cfg)->name : "kcal";
}

int64_t
feed_config_refresh(const struct config *cfg)
{
	return peek(cfg)->refresh;
}

int64_t
feed_config_max_age(const struct config *cfg)
{
	return peek(cfg)->max_age;
}

int64_t
feed_config_tombstones(const struct config *cfg)
{
	return peek(cfg)->tombstones;
}

int64_t
feed_config_past(const struct config *cfg)
{
	return peek(cfg)->past;
}

int64_t
feed_config_future(const struct config *cfg)
{
	return peek(cfg)->future;
}
