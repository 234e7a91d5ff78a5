/*
 * clock.h — the monotonic clock in milliseconds, for how long something
 * has run and for deadlines that a change of the wall clock must not move
 * (slices of the loop's turn, budgets, waits at exit).
 */
#ifndef KCAL_CLOCK_H
#define KCAL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
clock_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
