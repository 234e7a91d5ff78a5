/*
 * text-fold.h — text compared with case ignored in every script that has
 * case (text-fold.c): the filters of list, people and the itinerary.
 */
#ifndef KCAL_TEXT_FOLD_H
#define KCAL_TEXT_FOLD_H

#include <stddef.h>

#include <sqlite3.h>

char	*text_fold(const char *, size_t);
int	 text_holds(const char *, const char *);
int	 text_fold_init(sqlite3 *);

#endif
