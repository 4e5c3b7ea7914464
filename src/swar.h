/* Eight bytes at a time ("SIMD within a register") for the per-byte loops
 * of the text path: counting characters, words and separators. A result
 * mask has 0x80 in every byte that satisfies the test, nothing else, so
 * masks combine with | & ~ and count with pith_swar_count(). */
#ifndef PITH_SWAR_H
#define PITH_SWAR_H

#include <stdint.h>
#include <string.h>

#define PITH_SWAR_ONES 0x0101010101010101ull
#define PITH_SWAR_HIGH 0x8080808080808080ull

static inline uint64_t pith_swar_load(const void *p) {
  uint64_t x;
  memcpy(&x, p, 8);
  return x;
}

/* Bytes equal to v (exact: no false positives). */
static inline uint64_t pith_swar_eq(uint64_t x, unsigned char v) {
  uint64_t y = x ^ (PITH_SWAR_ONES * v), low = ~PITH_SWAR_HIGH;
  return ~(((y & low) + low) | y | low);
}

/* Is any byte equal to v? (The classic zero-byte test: flags may spill
 * above a true hit, never appear without one, so the answer is exact.) */
static inline int pith_swar_has(uint64_t x, unsigned char v) {
  uint64_t y = x ^ (PITH_SWAR_ONES * v);
  return ((y - PITH_SWAR_ONES) & ~y & PITH_SWAR_HIGH) != 0;
}

/* Mask of the first k (1..7) bytes of a word in memory order: loads of a
 * text's last partial word keep its own bytes only. */
static inline uint64_t pith_swar_first(size_t k) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return ~0ull << (64 - 8 * k);
#else
  return ~0ull >> (64 - 8 * k);
#endif
}

/* The same mask for k 0..8 from a table: no shift by 64, no branch on k
 * where a length picks it. */
static inline uint64_t pith_swar_keep(size_t k) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PITH_SWAR_KEEP(n) (~0ull << (64 - 8 * (n)))
#else
#define PITH_SWAR_KEEP(n) (~0ull >> (64 - 8 * (n)))
#endif
  static const uint64_t keep[9] = {
      0,                 PITH_SWAR_KEEP(1), PITH_SWAR_KEEP(2),
      PITH_SWAR_KEEP(3), PITH_SWAR_KEEP(4), PITH_SWAR_KEEP(5),
      PITH_SWAR_KEEP(6), PITH_SWAR_KEEP(7), PITH_SWAR_KEEP(8)};
#undef PITH_SWAR_KEEP
  return keep[k];
}

/* Bits set in x (the builtin is a library call without a popcount
 * instruction, which the baseline ISA lacks). */
static inline uint32_t pith_swar_popcount64(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return (uint32_t)((x * PITH_SWAR_ONES) >> 56);
}

/* UTF-8 continuation bytes (10xxxxxx). */
static inline uint64_t pith_swar_cont(uint64_t x) {
  return x & ~(x << 1) & PITH_SWAR_HIGH;
}

/* Number of flagged bytes in a mask: the per-byte 0/1 summed into the top
 * byte by one multiply (a popcount builtin is a library call without
 * -mpopcnt). */
static inline unsigned pith_swar_count(uint64_t m) {
  return (unsigned)(((m >> 7) * PITH_SWAR_ONES) >> 56);
}

/* Move each byte's flag to the byte that follows it in memory; `carry`
 * (0 or 0x80) is the flag of the byte before the word. */
static inline uint64_t pith_swar_after(uint64_t m, uint64_t carry) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (m >> 8) | (carry << 56);
#else
  return (m << 8) | carry;
#endif
}

/* Flag (0 or 0x80) of the last byte of the word in memory. */
static inline uint64_t pith_swar_last(uint64_t m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return m & 0x80;
#else
  return m >> 56;
#endif
}

#endif
