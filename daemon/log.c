/* log.c — the daemon's log: stderr by default, or a file (reopened on
 * SIGHUP so logrotate works).  Each line: ISO time, level, message.
 *
 * Messages carry text from clients (summaries, import names, request
 * fields), so control characters are escaped here, in the one place every
 * line passes through: a newline in a summary must not start a forged line
 * ("kcald[warn]: store: integrity check FAILED"), nor an ESC drive the
 * terminal of whoever reads the log.  \n, \r and \t are written as such,
 * other C0 controls, DEL and the C1 controls (U+0080..U+009F, which some
 * terminals obey) as \xNN per byte.  Backslashes are left alone: an escape
 * may be ambiguous to read, but it can never end a line.
 *
 * The worker's thread (worker.c) logs too: a mutex keeps the file from
 * being reopened (a reload) under a line being written. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xmalloc.h"

static pthread_mutex_t log_mtx = PTHREAD_MUTEX_INITIALIZER;
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
	pthread_mutex_lock(&log_mtx);
	log_level = level;
	pthread_mutex_unlock(&log_mtx);
}

/* path NULL or "-" logs to stderr. */
static int	reopen(void);

int
log_init(const char *path, const char *level)
{
	int	rc;

	pthread_mutex_lock(&log_mtx);
	if (level != NULL && log_parse_level(level) >= 0)
		log_level = log_parse_level(level);
	free(log_path);
	log_path = (path != NULL && strcmp(path, "-") != 0) ? xstrdup(path) : NULL;
	rc = reopen();
	pthread_mutex_unlock(&log_mtx);
	return rc;
}

int
log_reopen(void)
{
	int	rc;

	pthread_mutex_lock(&log_mtx);
	rc = reopen();
	pthread_mutex_unlock(&log_mtx);
	return rc;
}

static int
reopen(void)
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
	pthread_mutex_lock(&log_mtx);
	if (log_fp != NULL && log_fp != stderr)
		fclose(log_fp);
	log_fp = NULL;
	free(log_path);
	log_path = NULL;
	pthread_mutex_unlock(&log_mtx);
}

/* msg with its control characters escaped (see the top of the file). */
static char *
log_escape(const char *msg)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			*out, *o;

	out = o = xmalloc(strlen(msg) * 4 + 1);
	for (p = (const unsigned char *)msg; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f && !(p[0] == 0xc2 &&
		    p[1] >= 0x80 && p[1] <= 0x9f)) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '\\';
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*o++ = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
		else {
			if (*p == 0xc2) {	/* a C1 control: both bytes */
				memcpy(o, "xc2\\", 4);
				o += 4;
				p++;
			}
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/*
 * One line, written at once: stderr is unbuffered, and a line written in
 * pieces costs a write() a piece (a burst of reminders logs a line each
 * while the reminders wait), and could interleave with another writer's.
 */
static void
vlog(int level, int with_errno, const char *fmt, va_list ap)
{
	FILE		*fp;
	char		 stamp[32], *msg = NULL, *safe, *line = NULL;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 saved = errno, n, max;

	pthread_mutex_lock(&log_mtx);
	max = log_level;
	pthread_mutex_unlock(&log_mtx);
	if (level > max)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (vasprintf(&msg, fmt, ap) == -1)
		return;
	safe = log_escape(msg);
	n = asprintf(&line, "%s kcald[%s]: %s%s%s\n", stamp,
	    level_names[level], safe, with_errno ? ": " : "",
	    with_errno ? strerror(saved) : "");
	free(safe);
	if (n != -1) {
		pthread_mutex_lock(&log_mtx);
		fp = log_fp ? log_fp : stderr;
		fwrite(line, 1, (size_t)n, fp);
		fflush(fp);
		pthread_mutex_unlock(&log_mtx);
		free(line);
	}
	free(msg);
}

/* Each entry point: log at its level, with strerror when err, then end. */
#define LOGFN(name, level, err, end)				\
void name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	vlog(level, err, fmt, ap);				\
	va_end(ap);						\
	end;							\
}
LOGFN(log_warn, LOG_LVL_WARN, 1, return)
LOGFN(log_warnx, LOG_LVL_WARN, 0, return)
LOGFN(log_info, LOG_LVL_INFO, 0, return)
LOGFN(log_debug, LOG_LVL_DEBUG, 0, return)
LOGFN(fatal, LOG_LVL_ERROR, 1, exit(1))
LOGFN(fatalx, LOG_LVL_ERROR, 0, exit(1))
