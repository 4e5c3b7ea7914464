/* Case folding and character classes shared by rules.c and stoplist.c.
 * Header-only (static inline) so both modules fold text identically: a rule
 * pattern and the block it is matched against must fold the same way. */
#ifndef PITH_TEXTFOLD_H
#define PITH_TEXTFOLD_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

/* Decode one code point at s (n > 0 bytes left). Invalid bytes decode as
 * themselves (cp = byte value | 0x80000000) with length 1, so callers can
 * copy them through unchanged. */
static inline size_t pith_u8_next(const char *s, size_t n, int32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned char c = u[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  /* Two- and three-byte sequences inline (Latin, Cyrillic, Greek, CJK...),
   * validated exactly as utf8proc_iterate does: no overlongs, no
   * surrogates. Four-byte and invalid sequences go to utf8proc. */
  if (c >= 0xC2 && c < 0xE0 && n >= 2 && (u[1] & 0xC0) == 0x80) {
    *cp = (int32_t)((c & 0x1Fu) << 6 | (u[1] & 0x3Fu));
    return 2;
  }
  if (c >= 0xE0 && c < 0xF0 && n >= 3 && (u[1] & 0xC0) == 0x80 &&
      (u[2] & 0xC0) == 0x80 && !(c == 0xED && u[1] > 0x9F)) {
    int32_t v = (int32_t)((c & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu));
    if (v >= 0x800) {
      *cp = v;
      return 3;
    }
  }
  utf8proc_int32_t v;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                        (utf8proc_ssize_t)(n > 4 ? 4 : n), &v);
  if (k <= 0) {
    *cp = (int32_t)(0x80000000u | c);
    return 1;
  }
  *cp = v;
  return (size_t)k;
}

/* Case-fold one non-ASCII code point into out (UTF-8, at most 16 bytes).
 * Returns the number of bytes written. */
static inline size_t pith_fold_cp(int32_t cp, char *out) {
  /* Fast path: lowercase Latin-1 letters and lowercase Cyrillic fold to
   * themselves (two-byte UTF-8). */
  if ((cp >= 0xE0 && cp <= 0xFF && cp != 0xF7) || (cp >= 0x430 && cp <= 0x45F)) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  utf8proc_int32_t m[4];
  int bc = 0;
  utf8proc_ssize_t k = utf8proc_decompose_char(cp, m, 4, UTF8PROC_CASEFOLD, &bc);
  if (k < 1 || k > 4) {
    m[0] = cp;
    k = 1;
  }
  size_t w = 0;
  for (utf8proc_ssize_t i = 0; i < k; i++)
    w += (size_t)utf8proc_encode_char(m[i], (utf8proc_uint8_t *)out + w);
  return w;
}

/* Scripts written without spaces: Han ideographs, kana, CJK extensions. */
static inline int pith_is_cjk(int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF) || (cp >= 0x31F0 && cp <= 0x31FF);
}

static inline int pith_is_kana(int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF && cp != 0x30FB && cp != 0x30FC) ||
         (cp >= 0x31F0 && cp <= 0x31FF);
}

/* Letter or digit (any script). */
static inline int pith_is_alnum_cp(int32_t cp) {
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  if (cp < 0) return 0;
  if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
      (cp >= 0x400 && cp <= 0x481))
    return 1; /* Latin-1/Extended-A/B letters, Cyrillic letters */
  utf8proc_category_t c = utf8proc_category(cp);
  /* L*, M* and N* are contiguous: LU (1) .. NO (11). */
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

#endif
