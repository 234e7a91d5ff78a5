/* log.h — OpenSMTPD-style logging: log_warn appends strerror(errno),
 * log_warnx does not; fatal/fatalx only at start-up or on broken invariants,
 * never because of something a client sent. */
#ifndef KCAL_LOG_H
#define KCAL_LOG_H

#include <stdio.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

int	log_init(const char *, const char *);
int	log_reopen(void);
void	log_close(void);
int	log_parse_level(const char *);
void	log_set_level(int);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
