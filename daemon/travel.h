/*
 * travel.h — how long it takes to get from one city to another (the
 * "transfer" settings), for the transfer-time conflicts (conflict.c).
 * kcald.conf(5):
 *   transfer_default = 1h
 *   transfer Beijing Shanghai = 2h30m
 *   transfer "Hong Kong" Beijing = 3h
 * A pair holds both ways; cities compare without regard to case.
 */
#ifndef KCAL_TRAVEL_H
#define KCAL_TRAVEL_H

#include <stdint.h>

struct config;
struct transfer_config;

#define TRANSFER_DEFAULT	3600

int	 transfer_config_set(struct config *, const char *, const char *,
	     char **);
void	 transfer_config_free(struct transfer_config *);
int64_t	 transfer_time(const struct config *, const char *, const char *);
int64_t	 transfer_max(const struct config *);
int	 transfer_parse_pair(const char *, char **, char **, char **);

#endif
