/* Run-time dispatch to AVX2: the one place that says when the 32-byte
 * paths of the byte loops are compiled next to their SSE2 baseline, the
 * attribute they are compiled with, and the test that picks them. Each
 * module writes its loop once for a step width and compiles it for both. */
#ifndef PITH_SIMD_H
#define PITH_SIMD_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(PITH_NO_AVX2)
#define PITH_AVX2 1
#include <immintrin.h>

/* Every AVX2 processor has POPCNT: the paths may use both. */
#define PITH_TARGET_AVX2 __attribute__((target("avx2,popcnt")))

/* Does this processor run the PITH_TARGET_AVX2 paths? (libgcc's CPU model:
 * before its constructor has run the answer is 0, the SSE2 path.) */
static inline int pith_cpu_avx2(void) {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}
#endif

#endif
