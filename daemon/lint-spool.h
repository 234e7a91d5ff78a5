/*
 * lint-spool.h — the scanned lines of an .ics file kept out of memory, a
 * piece at a time (lint-spool.c): a streamed import holds one piece's
 * lines, never the whole file's.
 */
#ifndef KCAL_LINT_SPOOL_H
#define KCAL_LINT_SPOOL_H

#include <stddef.h>

struct lint;
struct lint_spool;

struct lint_spool *lint_spool_new(const char *);
int	 lint_spool_put(struct lint_spool *, struct lint *, size_t, size_t);
int	 lint_spool_seal(struct lint_spool *);
size_t	 lint_spool_count(const struct lint_spool *);
int	 lint_spool_get(struct lint_spool *, size_t, struct lint *);
void	 lint_spool_free(struct lint_spool *);

#endif
