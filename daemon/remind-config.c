/*
 * remind-config.c — the reminder and notification settings of kcald.conf
 * (kcald.conf(5), "REMINDERS"), kept in their own struct so config.c only
 * hands the keys over:
 *   remind_default = 30m        triggers for events with none of their own
 *   remind_<kind>  = 1d, 1h     the same for one kind (summit, state-visit)
 *   remind_grace   = 1h         how late a missed reminder is still delivered
 *   notify_cmd     = PROG ARGS  a hook run for every reminder; given again,
 *                               one more (empty: none so far)
 *   notify_timeout = 30s        after which a hook still running is killed
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "notify.h"
#include "remind.h"
#include "xmalloc.h"

#define NKINDS	32

struct remind_config {
	struct remind_list	 dflt;
	struct remind_list	 kind[NKINDS];	/* by index in event_kinds */
	int64_t			 grace;
	int64_t			 notify_timeout;
	char			*notify_cmd[NOTIFY_MAX_CMDS];
	int			 ncmds;
};

static const struct remind_config defaults = {
	.grace = 3600, .notify_timeout = 30
};

static struct remind_config *
get(struct config *cfg)
{
	if (cfg->remind == NULL) {
		cfg->remind = xmalloc(sizeof *cfg->remind);
		*cfg->remind = defaults;
	}
	return cfg->remind;
}

static const struct remind_config *
peek(const struct config *cfg)
{
	return cfg->remind != NULL ? cfg->remind : &defaults;
}

void
remind_config_free(struct remind_config *rc)
{
	if (rc == NULL)
		return;
	for (int i = 0; i < rc->ncmds; i++)
		free(rc->notify_cmd[i]);
	free(rc);
}

/* The index of a kind named with '-' or '_' (state_visit), or -1. */
static int
kind_index(const char *name)
{
	char	*k = xstrdup(name);
	int	 found = -1;

	for (char *p = k; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	for (int i = 0; event_kinds[i] != NULL && i < NKINDS; i++)
		if (strcmp(event_kinds[i], k) == 0)
			found = i;
	free(k);
	return found;
}

static int
set_dur(const char *key, const char *v, int64_t max, int64_t *out,
    char **cause)
{
	int64_t	secs;

	if (strcmp(v, "0") == 0)
		secs = 0;
	else if (dur_parse(v, &secs) != 0 || secs > max) {
		xasprintf(cause, "%s: cannot read \"%s\" as a duration up to "
		    "%llds (%s)", key, v, (long long)max, DUR_FORMS);
		return -1;
	}
	*out = secs;
	return 0;
}

/*
 * notify_cmd: each one given is one more hook, known by its position (0:
 * the first; hook_jobs.cmd); an empty one removes those given so far.
 */
static int
add_cmd(struct remind_config *rc, const char *v, char **cause)
{
	if (v[strspn(v, " \t")] == '\0') {
		for (int i = 0; i < rc->ncmds; i++)
			free(rc->notify_cmd[i]);
		rc->ncmds = 0;
		return 0;
	}
	if (rc->ncmds == NOTIFY_MAX_CMDS) {
		xasprintf(cause, "notify_cmd: at most %d hooks",
		    NOTIFY_MAX_CMDS);
		return -1;
	}
	rc->notify_cmd[rc->ncmds++] = xstrdup(v);
	return 0;
}

/* One reminder setting (a key starting remind_ or notify_). */
int
remind_config_set(struct config *cfg, const char *key, const char *v,
    char **cause)
{
	struct remind_config	*rc = get(cfg);
	struct remind_list	 l;
	char			*why = NULL;
	int			 k = -1;

	if (strcmp(key, "remind_grace") == 0)
		return set_dur(key, v, 366LL * 86400, &rc->grace, cause);
	if (strcmp(key, "notify_timeout") == 0) {
		if (set_dur(key, v, 86400, &rc->notify_timeout, cause) != 0)
			return -1;
		if (rc->notify_timeout == 0)
			rc->notify_timeout = 1;
		return 0;
	}
	if (strcmp(key, "notify_cmd") == 0)
		return add_cmd(rc, v, cause);
	if (strncmp(key, "remind_", 7) != 0 || (strcmp(key + 7, "default") != 0 &&
	    (k = kind_index(key + 7)) < 0)) {
		xasprintf(cause, "unknown setting \"%s\"", key);
		return -1;
	}
	if (remind_parse_list(v, &l, &why) != 0) {
		xasprintf(cause, "%s: %s", key, why);
		free(why);
		return -1;
	}
	if (strcmp(key + 7, "default") == 0)
		rc->dflt = l;
	else
		rc->kind[k] = l;
	return 0;
}

const struct remind_list *
remind_config_default(const struct config *cfg)
{
	return &peek(cfg)->dflt;
}

const struct remind_list *
remind_config_kind(const struct config *cfg, const char *kind)
{
	int	k = kind ? kind_index(kind) : -1;

	return k < 0 ? NULL : &peek(cfg)->kind[k];
}

int64_t
remind_config_grace(const struct config *cfg)
{
	return peek(cfg)->grace;
}

int64_t
remind_config_notify_timeout(const struct config *cfg)
{
	return peek(cfg)->notify_timeout;
}

/* notify_cmd number n (0: the first), or NULL past the last. */
const char *
remind_config_notify_cmd(const struct config *cfg, int n)
{
	const struct remind_config	*rc = peek(cfg);

	return n >= 0 && n < rc->ncmds ? rc->notify_cmd[n] : NULL;
}

int
remind_config_notify_ncmds(const struct config *cfg)
{
	return peek(cfg)->ncmds;
}

/*
 * The default triggers as one string: when it differs from the one the
 * store remembers, every event is planned again (remind.c).  It begins
 * with how a trigger's days are read (a lead of whole days nominal: they
 * were exact, then the whole days of any lead were nominal), so that a
 * store planned an older way is planned again once.
 */
char *
remind_config_fingerprint(const struct config *cfg)
{
	const struct remind_config	*rc = peek(cfg);
	char				*s, *t, *l;

	l = remind_format_list(&rc->dflt);
	xasprintf(&s, "days=whole-nominal default=%s", l);
	free(l);
	for (int i = 0; event_kinds[i] != NULL && i < NKINDS; i++) {
		if (!rc->kind[i].set)
			continue;
		l = remind_format_list(&rc->kind[i]);
		xasprintf(&t, "%s %s=%s", s, event_kinds[i], l);
		free(l);
		free(s);
		s = t;
	}
	return s;
}
