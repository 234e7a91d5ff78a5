/* log.c — the daemon's log: stderr by default, or a file (reopened on
 * SIGHUP so logrotate works).  Each line: ISO time, level, message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xmalloc.h"

static FILE	*log_fp;
static char	*log_path;
static int	 log_level = LOG_LVL_INFO;
static const char *level_names[] = { "error", "warn", "info", "debug" };

int
log_parse_level(const char *s)
{
	for (size_t i = 0; i < sizeof level_names / sizeof *level_names; i++)
		if (strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

void
log_set_level(int level)
{
	log_level = level;
}

/* path NULL or "-" logs to stderr. */
int
log_init(const char *path, const char *level)
{
	if (level != NULL && log_parse_level(level) >= 0)
		log_level = log_parse_level(level);
	free(log_path);
	log_path = (path != NULL && strcmp(path, "-") != 0) ? xstrdup(path) : NULL;
	return log_reopen();
}

int
log_reopen(void)
{
	FILE	*fp;

	if (log_path == NULL) {
		if (log_fp != NULL && log_fp != stderr)
			fclose(log_fp);
		log_fp = stderr;
		return 0;
	}
	if ((fp = fopen(log_path, "a")) == NULL)
		return -1;
	setvbuf(fp, NULL, _IOLBF, 0);
	if (log_fp != NULL && log_fp != stderr)
		fclose(log_fp);
	log_fp = fp;
	return 0;
}

void
log_close(void)
{
	if (log_fp != NULL && log_fp != stderr)
		fclose(log_fp);
	log_fp = NULL;
	free(log_path);
	log_path = NULL;
}

/*
 * One line, written at once: stderr is unbuffered, and a line written in
 * pieces cost four write()s (a burst of 1,000 reminders logs 1,000 lines
 * while the reminders wait), and could interleave with another writer's.
 */
static void
vlog(int level, int with_errno, const char *fmt, va_list ap)
{
	FILE		*fp = log_fp ? log_fp : stderr;
	char		 stamp[32], *msg = NULL, *line = NULL;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 saved = errno, n;

	if (level > log_level)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (vasprintf(&msg, fmt, ap) == -1)
		return;
	n = asprintf(&line, "%s kcald[%s]: %s%s%s\n", stamp,
	    level_names[level], msg, with_errno ? ": " : "",
	    with_errno ? strerror(saved) : "");
	if (n != -1) {
		fwrite(line, 1, (size_t)n, fp);
		fflush(fp);
		free(line);
	}
	free(msg);
}

#define LOGFN(name, level, err)					\
void name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	vlog(level, err, fmt, ap);				\
	va_end(ap);						\
}
LOGFN(log_warn, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_LVL_WARN, 0)
LOGFN(log_info, LOG_LVL_INFO, 0)
LOGFN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
