/* Tiny TAP test harness (after cmark's api_test/harness.h).
 * Each check prints "ok N - msg" or "not ok N - msg"; main returns
 * test_done(), non-zero when any check failed. */
#ifndef PITH_TEST_HARNESS_H
#define PITH_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int test_count, test_failed;

#define OK(cond, ...)                                                   \
  do {                                                                  \
    int ok_ = !!(cond);                                                 \
    test_count++;                                                       \
    if (!ok_) test_failed++;                                            \
    printf("%sok %d - ", ok_ ? "" : "not ", test_count);                \
    printf(__VA_ARGS__);                                                \
    printf("\n");                                                       \
    if (!ok_) printf("# failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
  } while (0)

#define INT_EQ(got, want, ...)                                          \
  do {                                                                  \
    long long g_ = (long long)(got), w_ = (long long)(want);            \
    OK(g_ == w_, __VA_ARGS__);                                          \
    if (g_ != w_) printf("# got %lld, want %lld\n", g_, w_);            \
  } while (0)

#define STR_EQ(got, want, ...)                                          \
  do {                                                                  \
    const char *g_ = (got), *w_ = (want);                               \
    int e_ = (g_ == NULL && w_ == NULL) ||                              \
             (g_ && w_ && strcmp(g_, w_) == 0);                         \
    OK(e_, __VA_ARGS__);                                                \
    if (!e_) printf("# got  [%s]\n# want [%s]\n", g_ ? g_ : "(null)",   \
                    w_ ? w_ : "(null)");                                \
  } while (0)

static int test_done(void) {
  printf("1..%d\n", test_count);
  return test_failed ? 1 : 0;
}

#endif
