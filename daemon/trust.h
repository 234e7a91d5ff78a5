/* trust.h — what kcald checks before it trusts a directory with its store
 * or its socket, the store files' modes, and the data directory's lock. */
#ifndef KCAL_TRUST_H
#define KCAL_TRUST_H

#include <sys/types.h>

#define TRUST_LOCK_NAME	"kcald.lock"

int	trust_dir(const char *, const char *, char **);
void	trust_tighten_dir(const char *);
void	trust_tighten_store(const char *);
int	trust_lock(const char *, char **);

#endif
