/*
 * import.h — kcal import's parts: the checks a piece of a file passes
 * before it may travel in a JSON string, and the reply's printing
 * (import-export.c); the sending of a file in pieces (import-send.c).
 */
#ifndef KCAL_CLIENT_IMPORT_H
#define KCAL_CLIENT_IMPORT_H

#include <stddef.h>
#include <jansson.h>

struct conn;

size_t	 text_problem(const unsigned char *, size_t, const char **);
void	 mend_folds(unsigned char *, size_t);
void	 print_refusal(json_t *);
int	 import_send(struct conn **, const char *, const char *, json_t *,
	     json_t **);

#endif
