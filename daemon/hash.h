/*
 * hash.h — a quick 64-bit hash of bytes (hash.c), for finding text seen
 * before again in memory: a feed's gzip pieces (feed-gzip.c) and its records'
 * written text (ical-export-cache.c).  Not kept anywhere, and not a defence
 * against a forger.
 */
#ifndef KCAL_HASH_H
#define KCAL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t	hash64(uint64_t, const char *, size_t);

#endif
