/*
 * test.h — a minimal unit-test harness: CHECK macros count passes and
 * failures; the program's last line is "N passed, N failed" (tests/run.sh
 * adds those up), and it exits non-zero on any failure.
 */
#ifndef KCAL_TEST_H
#define KCAL_TEST_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

#define CHECK(cond) do {						\
	if (cond)							\
		t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__,	\
		    #cond);						\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0)		\
		t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s is \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #got, g_ ? g_ : "(null)",		\
		    w_ ? w_ : "(null)");				\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ == w_)							\
		t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s is %lld, want %lld\n",	\
		    __FILE__, __LINE__, #got, g_, w_);			\
	}								\
} while (0)

#define TEST_DONE() do {						\
	printf("%d passed, %d failed\n", t_passed, t_failed);		\
	return t_failed != 0;						\
} while (0)

#endif
