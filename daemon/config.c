/* config.c — kcald's settings and the key = value config file. */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "feed.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "log.h"
#include "recur.h"
#include "remind.h"
#include "travel.h"
#include "tz.h"
#include "users.h"
#include "xmalloc.h"

struct config *
config_new(void)
{
	struct config	*cfg = xcalloc(1, sizeof *cfg);

	/*
	 * 1 MiB: the loop parses a line whole before it answers anyone else
	 * (an 8 MB description held it a second), and nothing needs more:
	 * an import is sent in pieces, a CalDAV body is HTTP's.
	 */
	cfg->max_line = KCAL_MAX_LINE;
	cfg->max_clients = 256;
	cfg->idle_timeout = 3600;
	cfg->max_occurrences = 5000;
	cfg->max_yearly_occurrences = RECUR_MAX_YEARLY;
	cfg->log_level = xstrdup("info");
	cfg->max_output = 16 * 1024 * 1024;
	cfg->max_import_size = 4 * 1024 * 1024;
	cfg->max_import_events = 1000000;
	cfg->max_participants = 500;
	cfg->http_max_header_size = 8192;
	cfg->http_max_body_size = 64 * 1024;
	cfg->http_max_headers = 64;
	cfg->max_output_total = 256 * 1024 * 1024;
	cfg->http_max_connections = 128;
	cfg->http_header_timeout = 10;
	cfg->http_body_timeout = 30;
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->config_file); free(cfg->socket_path); free(cfg->data_dir);
	free(cfg->db_path); free(cfg->home_tz); free(cfg->http);
	free(cfg->log_file); free(cfg->log_level); free(cfg->users_file);
	free(cfg->http_trusted_proxy);
	remind_config_free(cfg->remind);
	feed_config_free(cfg->feed);
	transfer_config_free(cfg->transfer);
	free(cfg->socket_group);
	access_clear(&cfg->access);
	free(cfg);
}

static int
set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = *v ? xstrdup(v) : NULL;
	return 0;
}

static int
set_num(const char *key, const char *v, unsigned long long max,
    unsigned long long *out, char **cause)
{
	char			*end;
	unsigned long long	 n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *v == '-' || end == v || *end != '\0' || n > max) {
		xasprintf(cause, "%s must be a whole number up to %llu, not "
		    "\"%s\"", key, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

/* A byte count: a whole number, optionally followed by K, M or G (KiB...). */
static int
set_size(const char *key, const char *v, unsigned long long min,
    unsigned long long max, size_t *out, char **cause)
{
	static const char	 units[] = "KMG";
	const char		*u;
	char			*end;
	unsigned long long	 n, mult = 1;
	int			 bad;

	errno = 0;
	n = strtoull(v, &end, 10);
	bad = errno != 0 || *v == '-' || end == v;
	if (!bad && *end != '\0' && (u = strchr(units,
	    toupper((unsigned char)*end))) != NULL) {
		mult = 1ULL << (10 * (u - units + 1));
		end++;
	}
	if (bad || *end != '\0' || n > max / mult || n * mult < min ||
	    n * mult > max) {
		xasprintf(cause, "%s must be a size from %llu to %llu bytes "
		    "(a number, optionally with K, M or G), not \"%s\"", key,
		    min, max, v);
		return -1;
	}
	*out = (size_t)(n * mult);
	return 0;
}

/*
 * The limits: whole numbers up to max (0 read as 1 when zero_is_one), and
 * byte counts from min to max.  The key is the field's name.
 */
#define NUMBER(f, max, one) { #f, offsetof(struct config, f),		\
	sizeof(((struct config *)0)->f), 0, max, one }
#define SIZE(f, min, max) { #f, offsetof(struct config, f), 0, min, max, 0 }
static const struct limit {
	const char		*key;
	size_t			 off;
	size_t			 width;		/* of a NUMBER's field; 0: SIZE */
	unsigned long long	 min, max;
	int			 zero_is_one;
} limits[] = {
	NUMBER(max_clients, 100000, 1),
	NUMBER(idle_timeout, 86400 * 30, 0),
	NUMBER(max_yearly_occurrences, 100000000, 1),
	NUMBER(max_occurrences, 1000000, 1),
	NUMBER(max_participants, 100000, 1),
	NUMBER(http_max_headers, 10000, 1),
	NUMBER(http_max_connections, 100000, 1),
	NUMBER(http_header_timeout, 3600, 1),
	NUMBER(http_body_timeout, 3600, 1),
	SIZE(max_output, 65536, 1ULL << 32),
	SIZE(max_output_total, 1024 * 1024, 1ULL << 40),
	SIZE(max_import_size, 1024, 1ULL << 30),
	SIZE(max_import_events, 1, 10000000),
	SIZE(http_max_header_size, 1024, 1024 * 1024),
	SIZE(http_max_body_size, 0, 64 * 1024 * 1024),
};

/* One of the limits; 1 when key is not one of them. */
static int
set_limit(struct config *cfg, const char *key, const char *v, char **cause)
{
	const struct limit	*l;
	char			*field;
	unsigned long long	 n;

	for (l = limits; l < limits + sizeof limits / sizeof *limits; l++)
		if (strcmp(key, l->key) == 0)
			break;
	if (l == limits + sizeof limits / sizeof *limits)
		return 1;
	field = (char *)cfg + l->off;
	if (l->width == 0)
		return set_size(key, v, l->min, l->max, (size_t *)field, cause);
	if (set_num(key, v, l->max, &n, cause) != 0)
		return -1;
	if (n == 0 && l->zero_is_one)
		n = 1;
	if (l->width == sizeof(size_t))
		*(size_t *)field = (size_t)n;
	else
		*(unsigned *)field = (unsigned)n;
	return 0;
}

/* Access and limit settings; 1 when key is not one of them. */
static int
set_hardening(struct config *cfg, const char *key, const char *v, char **cause)
{
	struct access_config	*ac = &cfg->access;

	if (strcmp(key, "socket_group") == 0)
		return set_str(&cfg->socket_group, v);
	if (strcmp(key, "readonly_users") == 0)
		return access_parse_users(key, v, &ac->ro_users, cause);
	if (strcmp(key, "readwrite_users") == 0)
		return access_parse_users(key, v, &ac->rw_users, cause);
	if (strcmp(key, "readonly_groups") == 0)
		return access_parse_groups(key, v, &ac->ro_groups, cause);
	if (strcmp(key, "readwrite_groups") == 0)
		return access_parse_groups(key, v, &ac->rw_groups, cause);
	if (strcmp(key, "readonly_clearance") == 0)
		return access_parse_class(key, v, &ac->ro_clearance, cause);
	return set_limit(cfg, key, v, cause);
}

/* One setting by name (the config file's keys; options map onto them). */
int
config_set(struct config *cfg, const char *key, const char *v, char **cause)
{
	int	rc;

	if ((rc = set_hardening(cfg, key, v, cause)) != 1)
		return rc;
	if (strcmp(key, "socket") == 0)
		return set_str(&cfg->socket_path, v);
	if (strcmp(key, "data_dir") == 0)
		return set_str(&cfg->data_dir, v);
	if (strcmp(key, "db") == 0)
		return set_str(&cfg->db_path, v);
	if (strcmp(key, "http") == 0)
		return set_str(&cfg->http, v);
	if (strcmp(key, "log_file") == 0)
		return set_str(&cfg->log_file, v);
	if (strcmp(key, "users_file") == 0)
		return set_str(&cfg->users_file, v);
	if (strcmp(key, "http_trusted_proxy") == 0) {
		unsigned char	a[16];

		if (inet_pton(AF_INET, v, a) != 1 &&
		    inet_pton(AF_INET6, v, a) != 1) {
			xasprintf(cause, "http_trusted_proxy must be an IP "
			    "address (the reverse proxy's), not \"%s\"", v);
			return -1;
		}
		return set_str(&cfg->http_trusted_proxy, v);
	}
	if (strcmp(key, "home_tz") == 0) {
		if (!tz_valid(v)) {
			xasprintf(cause, "home_tz: unknown time zone \"%s\"", v);
			return -1;
		}
		return set_str(&cfg->home_tz, v);
	}
	if (strcmp(key, "log_level") == 0) {
		if (log_parse_level(v) < 0) {
			xasprintf(cause, "log_level must be error, warn, info or "
			    "debug, not \"%s\"", v);
			return -1;
		}
		return set_str(&cfg->log_level, v);
	}
	if (strcmp(key, "max_line") == 0) {
		if (set_size(key, v, 0, 1ULL << 30, &cfg->max_line, cause) != 0)
			return -1;
		if (cfg->max_line < 1024)
			cfg->max_line = 1024;
		return 0;
	}
	if (strcmp(key, "transfer_default") == 0 ||
	    strncmp(key, "transfer ", 9) == 0)
		return transfer_config_set(cfg, key, v, cause);
	if (strcmp(key, "feed_url") == 0 ||
	    strcmp(key, "feed_name") == 0 ||
	    strcmp(key, "feed_refresh") == 0 ||
	    strcmp(key, "feed_max_age") == 0 ||
	    strcmp(key, "feed_tombstones") == 0 ||
	    strcmp(key, "feed_past") == 0 ||
	    strcmp(key, "feed_future") == 0)
		return feed_config_set(cfg, key, v, cause);
	if (strcmp(key, "remind_default") == 0 ||
	    strcmp(key, "remind_grace") == 0 ||
	    strcmp(key, "notify_cmd") == 0 ||
	    strcmp(key, "notify_timeout") == 0 ||
	    strncmp(key, "remind_", 7) == 0)	/* and remind_KIND */
		return remind_config_set(cfg, key, v, cause);
	xasprintf(cause, "unknown setting \"%s\"", key);
	return -1;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Read key = value lines; '#' starts a comment.  Errors name file:line. */
int
config_load(struct config *cfg, const char *path, int must_exist, char **cause)
{
	FILE	*fp;
	char	 line[4096], *key, *val, *eq, *why = NULL;
	int	 lineno = 0, rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		key = trim(line);
		if (*key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			xasprintf(cause, "%s:%d: expected \"key = value\"",
			    path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		if (config_set(cfg, key, val, &why) != 0) {
			xasprintf(cause, "%s:%d: %s", path, lineno, why);
			free(why);
			rc = -1;
		}
	}
	fclose(fp);
	return rc;
}

/* $XDG_DATA_HOME/kcal, else ~/.local/share/kcal. */
char *
config_default_data_dir(void)
{
	const char	*env = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char		*s;

	if (env != NULL && *env == '/')
		xasprintf(&s, "%s/kcal", env);
	else
		xasprintf(&s, "%s/.local/share/kcal", home ? home : ".");
	return s;
}

/* Fill in what was not set. */
int
config_finish(struct config *cfg, char **cause)
{
	char	*users, *conf;

	if (cfg->socket_path == NULL)
		cfg->socket_path = proto_default_socket();
	if (cfg->data_dir == NULL)
		cfg->data_dir = config_default_data_dir();
	if (cfg->db_path == NULL)
		xasprintf(&cfg->db_path, "%s/kcal.db", cfg->data_dir);
	if (cfg->home_tz == NULL)
		cfg->home_tz = xstrdup(tz_system());
	users = cfg->users_file;	/* relative: to the config file's directory */
	if (cfg->config_file != NULL)
		cfg->users_file = users_beside(cfg->config_file, users);
	else {
		conf = users_default_config();
		cfg->users_file = users_beside(conf, users);
		free(conf);
	}
	free(users);
	cfg->access.has_socket_group = cfg->socket_group != NULL;
	if (cfg->socket_group != NULL && access_parse_group(cfg->socket_group,
	    &cfg->access.socket_gid, cause) != 0)
		return -1;
	return access_validate(&cfg->access, cause);
}
