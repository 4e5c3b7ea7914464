/* Charset sniffing and conversion to UTF-8.
 *
 * Order (SPEC "Charset"): forced > BOM > transport > <meta> prescan >
 * <?xml encoding?> > strict UTF-8 > uchardet > windows-1252. Labels go
 * through the WHATWG label table (filters/encodings.tsv -> encodings.inc).
 * windows-1252 and x-user-defined are decoded here (fast, and glibc's CP1252
 * rejects the five bytes browsers map to U+0081...); everything else goes
 * through iconv. Undecodable bytes become U+FFFD and decoding goes on: a
 * document is never dropped for its bytes. */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pith.h"
#include "pith_config.h"
#include "simd.h"

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>
#endif

#if PITH_HAVE_UCHARDET
#include <uchardet/uchardet.h>
#endif

typedef enum pith_enc_kind {
  PITH_ENC_UTF8,
  PITH_ENC_SB, /* single-byte legacy */
  PITH_ENC_MB, /* multi-byte legacy (CJK) */
  PITH_ENC_UTF16,
  PITH_ENC_REPLACEMENT,
  PITH_ENC_USER
} pith_enc_kind;

typedef struct pith_encoding {
  const char *name;  /* canonical WHATWG name, lowercase */
  const char *iconv; /* glibc converter name ("" when decoded here) */
  pith_enc_kind kind;
} pith_encoding;

typedef struct pith_label {
  const char *label;
  int enc; /* index into PITH_ENCODINGS */
} pith_label;

#include "cp1252.inc"
#include "encodings.inc"

/* The HTML Standard's prescan looks at this many bytes. */
#define PRESCAN_MAX 1024
/* Longer strings are no label (the longest WHATWG label has 19 bytes). */
#define LABEL_MAX 64
/* uchardet is slow and gains nothing from more text than this. */
#define DETECT_MAX (64 * 1024)

static const pith_encoding *enc_by_name(const char *name) {
  for (size_t i = 0; i < sizeof PITH_ENCODINGS / sizeof PITH_ENCODINGS[0]; i++)
    if (strcmp(PITH_ENCODINGS[i].name, name) == 0) return &PITH_ENCODINGS[i];
  return NULL;
}

/* ---------------------------------------------------------------- UTF-8 */

/* Length of the well-formed sequence at s (n > 0 bytes left), or 0 with
 * *bad set to the length of its maximal ill-formed subpart (WHATWG: one
 * U+FFFD per subpart, so "\xE2\x82" is one U+FFFD, "\xC0\xAF" two). */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad) {
  unsigned char b0 = s[0];
  if (b0 < 0x80) return 1;
  if (b0 < 0xC2 || b0 > 0xF4) {
    *bad = 1;
    return 0;
  }
  size_t need = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 == 0xE0) lo = 0xA0;      /* overlong */
  else if (b0 == 0xED) hi = 0x9F; /* surrogates */
  else if (b0 == 0xF0) lo = 0x90; /* overlong */
  else if (b0 == 0xF4) hi = 0x8F; /* > U+10FFFF */
  for (size_t k = 1; k < need; k++) {
    if (k >= n || s[k] < lo || s[k] > hi) {
      *bad = k;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need;
}

#define HIGH_BITS 0x8080808080808080ull

/* Skip ASCII (16 bytes at a time with SSE2, else 8); returns the first
 * non-ASCII offset. */
static inline size_t skip_ascii(const unsigned char *s, size_t i, size_t len) {
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
  while (i + 16 <= len) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned m = (unsigned)_mm_movemask_epi8(v);
    if (m) return i + (unsigned)__builtin_ctz(m);
    i += 16;
  }
#endif
  while (i + 8 <= len) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & HIGH_BITS) break;
    i += 8;
  }
  while (i < len && s[i] < 0x80) i++;
  return i;
}

static inline int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Length of the well-formed sequence at s[i], 0 if there is none. The
 * common cases inline: two bytes (Latin-1, Cyrillic, Greek, Arabic...) and
 * three bytes without the range limits of E0 and ED (punctuation, CJK). */
static inline size_t seq_len(const unsigned char *s, size_t i, size_t len) {
  unsigned char b = s[i];
  if ((unsigned)(b - 0xC2) < 0x1E && i + 1 < len && is_cont(s[i + 1])) return 2;
  if ((b & 0xF0) == 0xE0 && b != 0xE0 && b != 0xED && i + 2 < len && is_cont(s[i + 1]) &&
      is_cont(s[i + 2]))
    return 3;
  size_t bad;
  return utf8_seq(s + i, len - i, &bad);
}

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
/* 1 if the 16 bytes at p are ASCII, two-byte sequences (lead C2..DF:
 * Latin, Cyrillic, Greek, Hebrew, Arabic letters...) and three-byte ones
 * whose lead takes any continuation bytes (E1..EC, EE, EF: punctuation,
 * CJK, Hangul), the text of most languages. *carry: bit k set when byte k
 * of the chunk must continue a sequence begun before it; on success it
 * gets the same for the next chunk. Anything else (E0, ED, four-byte
 * sequences, invalid bytes) is 0 and left to the scalar check. */
static inline int ascii_two_three(const unsigned char *p, unsigned *carry) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  unsigned high = (unsigned)_mm_movemask_epi8(v);
  if (!(high | *carry)) return 1; /* plain ASCII, the most common */
  /* signed compares: 0x80..0xBF are -128..-65; v + 0xBE maps C2..DF to
   * -128..-99, v + 0x9F maps E1..EF to -128..-114 */
  unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-64), v));
  unsigned lead2 = (unsigned)_mm_movemask_epi8(
      _mm_cmpgt_epi8(_mm_set1_epi8(-98), _mm_add_epi8(v, _mm_set1_epi8((char)0xBE))));
  __m128i e = _mm_cmpgt_epi8(_mm_set1_epi8(-113), _mm_add_epi8(v, _mm_set1_epi8((char)0x9F)));
  unsigned lead3 = (unsigned)_mm_movemask_epi8(
      _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED)), e));
  unsigned want = ((lead2 | lead3) << 1) | (lead3 << 2) | *carry;
  if ((lead2 | lead3 | cont) != high || (want & 0xFFFF) != cont) return 0;
  *carry = want >> 16;
  return 1;
}

/* Masks of the 16 bytes at p, as ascii_two_three finds them: bytes >= 0x80
 * (high), continuation bytes, leads C2..DF, leads E1..EC EE EF. */
typedef struct chunk_bits {
  uint64_t high, cont, lead2, lead3;
} chunk_bits;

static inline void chunk_bits_at(const unsigned char *p, unsigned at, chunk_bits *b) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  b->high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << at;
  b->cont |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-64), v)) << at;
  b->lead2 |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(
                  _mm_set1_epi8(-98), _mm_add_epi8(v, _mm_set1_epi8((char)0xBE))))
              << at;
  __m128i e = _mm_cmpgt_epi8(_mm_set1_epi8(-113), _mm_add_epi8(v, _mm_set1_epi8((char)0x9F)));
  b->lead3 |= (uint64_t)(unsigned)_mm_movemask_epi8(
                  _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED)), e))
              << at;
}

/* ascii_two_three's test on the masks of 64 bytes; on success *carry gets
 * the continuation bytes the next block owes. */
static inline int two_three_bits(const chunk_bits *b, unsigned *carry) {
  uint64_t lead = b->lead2 | b->lead3, want = lead << 1 | b->lead3 << 2 | *carry;
  if ((lead | b->cont) != b->high || want != b->cont) return 0;
  *carry = (unsigned)(lead >> 63 | b->lead3 >> 62);
  return 1;
}

/* ascii_two_three over the 64 bytes at p at once: one branch for the
 * block (a branch per chunk, on whether it is plain ASCII, was
 * mispredicted in text with a few non-ASCII characters). On failure
 * *carry is left as it was. */
static inline int two_three64(const unsigned char *p, unsigned *carry) {
  chunk_bits b = {0, 0, 0, 0};
  for (unsigned at = 0; at < 64; at += 16) chunk_bits_at(p + at, at, &b);
  return two_three_bits(&b, carry);
}

/* From s[i] on, the 64-byte blocks of plain ASCII or the common letters
 * (two_three64); returns where the first other block starts, or the
 * last whole block ends. */
static size_t blocks64(const unsigned char *s, size_t i, size_t len, unsigned *carry) {
  for (; i + 64 <= len; i += 64) {
    const __m128i *q = (const __m128i *)(const void *)(s + i);
    __m128i a = _mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1));
    __m128i b = _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3));
    if ((_mm_movemask_epi8(_mm_or_si128(a, b)) | *carry) && !two_three64(s + i, carry)) break;
  }
  return i;
}

#ifdef PITH_AVX2
#define DECODE_AVX2 1

/* Keiser and Lemire's check ("Validating UTF-8 in less than one
 * instruction per byte", 2021), as simdjson writes it: the error classes
 * of each byte and the one before it, looked up by that byte's high and
 * low nibble and its own high nibble; an error is what all three agree
 * on, but the bytes two and three after a lead of E0..EF or F0..FF, which
 * must agree on TWO_CONTS. One pass at the same speed whatever the
 * script (the letter masks before went 16 bytes at a time, one sequence
 * at a time, through any block with E0, ED or four-byte sequences). */
#define U8_TOO_SHORT (1 << 0)  /* a lead, then no continuation */
#define U8_TOO_LONG (1 << 1)   /* ASCII, then a continuation */
#define U8_OVERLONG_3 (1 << 2) /* E0 80..9F */
#define U8_TOO_LARGE (1 << 3)  /* F4 90..BF, F5..FF */
#define U8_SURROGATE (1 << 4)  /* ED A0..BF */
#define U8_OVERLONG_2 (1 << 5) /* C0, C1 */
#define U8_TOO_LARGE_1000 (1 << 6) /* F5..FF 80..8F */
#define U8_OVERLONG_4 (1 << 6)     /* F0 80..8F */
#define U8_TWO_CONTS (1 << 7)      /* two continuations in a row */
#define U8_CARRY (U8_TOO_SHORT | U8_TOO_LONG | U8_TWO_CONTS)
#define U8_TABLE(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)                                  \
  _mm256_setr_epi8((char)(a), (char)(b), (char)(c), (char)(d), (char)(e), (char)(f), (char)(g), \
                   (char)(h), (char)(i), (char)(j), (char)(k), (char)(l), (char)(m), (char)(n), \
                   (char)(o), (char)(p), (char)(a), (char)(b), (char)(c), (char)(d), (char)(e),   \
                   (char)(f), (char)(g), (char)(h), (char)(i), (char)(j), (char)(k), (char)(l),   \
                   (char)(m), (char)(n), (char)(o), (char)(p))

/* The error bits of the 32 bytes `in` after the 32 bytes `prev`. */
static inline PITH_TARGET_AVX2 __m256i u8_errors(__m256i in, __m256i prev) {
  const __m256i lo = _mm256_set1_epi8(0x0F);
  const __m256i high1 = U8_TABLE(
      U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,
      U8_TOO_LONG, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS,
      U8_TOO_SHORT | U8_OVERLONG_2, U8_TOO_SHORT, U8_TOO_SHORT | U8_OVERLONG_3 | U8_SURROGATE,
      U8_TOO_SHORT | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_OVERLONG_4);
  const int big = U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000;
  const __m256i low1 = U8_TABLE(U8_CARRY | U8_OVERLONG_3 | U8_OVERLONG_2 | U8_OVERLONG_4,
                                U8_CARRY | U8_OVERLONG_2, U8_CARRY, U8_CARRY,
                                U8_CARRY | U8_TOO_LARGE, big, big, big, big, big, big, big, big,
                                big | U8_SURROGATE, big, big);
  const int cont = U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS;
  const __m256i high2 = U8_TABLE(
      U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
      U8_TOO_SHORT, U8_TOO_SHORT, cont | U8_OVERLONG_3 | U8_TOO_LARGE_1000 | U8_OVERLONG_4,
      cont | U8_OVERLONG_3 | U8_TOO_LARGE, cont | U8_SURROGATE | U8_TOO_LARGE,
      cont | U8_SURROGATE | U8_TOO_LARGE, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT);
  /* the bytes 1, 2 and 3 before each: the 16 before in's upper lane are
   * its lower lane, those before its lower lane prev's upper lane */
  __m256i before = _mm256_permute2x128_si256(prev, in, 0x21);
  __m256i prev1 = _mm256_alignr_epi8(in, before, 15);
  __m256i prev2 = _mm256_alignr_epi8(in, before, 14);
  __m256i prev3 = _mm256_alignr_epi8(in, before, 13);
  __m256i e = _mm256_and_si256(
      _mm256_and_si256(
          _mm256_shuffle_epi8(high1, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), lo)),
          _mm256_shuffle_epi8(low1, _mm256_and_si256(prev1, lo))),
      _mm256_shuffle_epi8(high2, _mm256_and_si256(_mm256_srli_epi16(in, 4), lo)));
  /* bit 7: the byte two after an E0..FF or three after an F0..FF */
  __m256i must = _mm256_or_si256(_mm256_subs_epu8(prev2, _mm256_set1_epi8(0x60)),
                                 _mm256_subs_epu8(prev3, _mm256_set1_epi8(0x70)));
  return _mm256_xor_si256(_mm256_and_si256(must, _mm256_set1_epi8((char)0x80)), e);
}

/* Non-zero where the last three of the 32 bytes start a sequence they do
 * not finish (the next bytes must). */
static inline PITH_TARGET_AVX2 __m256i u8_incomplete(__m256i in) {
  const __m256i max = _mm256_setr_epi8(
      -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
      -1, -1, -1, -1, -1, -1, -1, (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
  return _mm256_subs_epu8(in, max);
}

/* pith_utf8_valid with AVX2 (chosen at run time): 64 bytes a step, plain
 * ASCII by one test. */
static PITH_TARGET_AVX2 int utf8_valid_avx2(const unsigned char *s, size_t len) {
  __m256i prev = _mm256_setzero_si256(), err = prev, incomplete = prev;
  size_t i = 0;
  for (; i + 64 <= len; i += 64) {
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 32));
    if (!_mm256_movemask_epi8(_mm256_or_si256(a, b))) {
      /* (prev then stays: its last bytes finish what they start, or the
       * error is in already, so they act as ASCII would for the next) */
      err = _mm256_or_si256(err, incomplete);
      continue;
    }
    err = _mm256_or_si256(err, _mm256_or_si256(u8_errors(a, prev), u8_errors(b, a)));
    incomplete = u8_incomplete(b);
    prev = b;
  }
  if (i < len) { /* the rest, padded with NULs (ASCII) */
    unsigned char tail[64] = {0};
    memcpy(tail, s + i, len - i);
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)tail);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(tail + 32));
    err = _mm256_or_si256(err, _mm256_or_si256(u8_errors(a, prev), u8_errors(b, a)));
    incomplete = _mm256_setzero_si256(); /* the padding ends no sequence */
  }
  err = _mm256_or_si256(err, incomplete);
  return _mm256_testz_si256(err, err);
}
#endif

/* The lead byte of the sequence begun before s[i] (whose bytes before i
 * are known well-formed) that s[i] should continue. */
static inline size_t seq_start(const unsigned char *s, size_t i) {
  do i--;
  while (is_cont(s[i]));
  return i;
}

/* The sequences starting in the 16 bytes at s[i] (i + 16 <= len), one
 * by one, ASCII skipped by the high-bit mask. Returns the offset after
 * the last of them, 0 if one is ill-formed. */
static size_t check16(const unsigned char *s, size_t i, size_t len) {
  unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
  size_t end = i + 16;
  while (m) {
    size_t at = i + (unsigned)__builtin_ctz(m), n = seq_len(s, at, len);
    if (!n) return 0;
    at += n;
    if (at >= end) return at;
    m &= ~0u << (at - i); /* the bytes of this sequence */
  }
  return end;
}
#endif

int pith_utf8_valid(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#ifdef DECODE_AVX2
  if (pith_cpu_avx2()) return utf8_valid_avx2(s, len);
#endif
  unsigned carry = 0;
  while (i + 16 <= len) {
    /* plain ASCII, or the common letters, 64 bytes a step */
    i = blocks64(s, i, len, &carry);
    /* the 64 bytes holding non-ASCII (and on to a sequence's end), 16 at
     * a time: no 64-byte test that would fail again in between */
    size_t block_end = i + 64;
    do {
      if (i + 16 > len) goto tail;
      if (ascii_two_three(s + i, &carry)) {
        i += 16;
        continue;
      }
      if (carry) i = seq_start(s, i); /* back to the lead the chunk continues */
      carry = 0;
      if ((i = check16(s, i, len)) == 0) return 0;
    } while (i < block_end || carry);
  }
tail:
  if (carry) i = seq_start(s, i); /* the tail starts at a sequence's first byte */
#endif
  while ((i = skip_ascii(s, i, len)) < len) {
    do { /* a run of non-ASCII sequences, then back to the ASCII skip */
      size_t n = seq_len(s, i, len);
      if (!n) return 0;
      i += n;
    } while (i < len && s[i] >= 0x80);
  }
  return 1;
}

void pith_utf8_view(const char **s, size_t *n, pith_buf *fixed) {
  if (pith_utf8_valid(*s, *n)) return;
  pith_utf8_sanitize(*s, *n, fixed);
  *s = fixed->data ? fixed->data : "";
  *n = fixed->len;
}

size_t pith_utf8_sanitize(const char *str, size_t len, pith_buf *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, copied = 0, count = 0, bad;
  if (pith_buf_reserve(out, len) != 0) return 0;
  out->data[out->len] = '\0';
  while ((i = skip_ascii(s, i, len)) < len) {
    if (s[i] >= 0xC2 && s[i] <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    size_t n = utf8_seq(s + i, len - i, &bad);
    if (n) {
      i += n;
      continue;
    }
    pith_buf_put(out, str + copied, i - copied);
    pith_buf_put(out, "\xEF\xBF\xBD", 3);
    count++;
    i += bad;
    copied = i;
  }
  pith_buf_put(out, str + copied, len - copied);
  return count;
}

static int has_non_ascii(const char *s, size_t len) {
  return skip_ascii((const unsigned char *)s, 0, len) < len;
}

/* --------------------------------------------------------------- labels */

static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int cmp_label(const void *key, const void *elem) {
  return strcmp(key, ((const pith_label *)elem)->label);
}

static const pith_encoding *lookup(const char *label, size_t len) {
  while (len && is_space((unsigned char)*label)) label++, len--;
  while (len && is_space((unsigned char)label[len - 1])) len--;
  if (len == 0 || len >= LABEL_MAX) return NULL;
  char low[LABEL_MAX];
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)label[i];
    low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  low[len] = '\0';
  const pith_label *l =
      bsearch(low, PITH_LABELS, sizeof PITH_LABELS / sizeof PITH_LABELS[0],
              sizeof PITH_LABELS[0], cmp_label);
  return l ? &PITH_ENCODINGS[l->enc] : NULL;
}

const char *pith_charset_canonical(const char *label, size_t len) {
  const pith_encoding *e = label ? lookup(label, len) : NULL;
  return e ? e->name : NULL;
}

/* ------------------------------------------------- HTML prescan (WHATWG) */

typedef struct scan {
  const char *s;
  size_t pos, end;
} scan;

typedef struct attr {
  char name[32], value[LABEL_MAX + 64];
  size_t nlen, vlen;
} attr;

static void attr_add(char *dst, size_t *n, size_t cap, unsigned char c) {
  if (c >= 'A' && c <= 'Z') c += 32;
  if (*n + 1 < cap) dst[(*n)++] = (char)c;
  dst[*n] = '\0';
}

/* "Get an attribute" from the HTML Standard's prescan. 0: none left. */
static int get_attr(scan *sc, attr *a) {
  const char *s = sc->s;
  a->nlen = a->vlen = 0;
  a->name[0] = a->value[0] = '\0';
  while (sc->pos < sc->end && (is_space((unsigned char)s[sc->pos]) || s[sc->pos] == '/'))
    sc->pos++;
  if (sc->pos >= sc->end || s[sc->pos] == '>') return 0;
  for (;;) { /* name */
    if (sc->pos >= sc->end) return 0;
    unsigned char c = (unsigned char)s[sc->pos];
    if (c == '=' && a->nlen) break;
    if (is_space(c)) {
      while (sc->pos < sc->end && is_space((unsigned char)s[sc->pos])) sc->pos++;
      if (sc->pos >= sc->end || s[sc->pos] != '=') return 1;
      break;
    }
    if (c == '/' || c == '>') return 1;
    attr_add(a->name, &a->nlen, sizeof a->name, c);
    sc->pos++;
  }
  sc->pos++; /* '=' */
  while (sc->pos < sc->end && is_space((unsigned char)s[sc->pos])) sc->pos++;
  if (sc->pos >= sc->end) return 0;
  unsigned char q = (unsigned char)s[sc->pos];
  if (q == '"' || q == '\'') {
    for (sc->pos++; sc->pos < sc->end; sc->pos++) {
      if ((unsigned char)s[sc->pos] == q) {
        sc->pos++;
        return 1;
      }
      attr_add(a->value, &a->vlen, sizeof a->value, (unsigned char)s[sc->pos]);
    }
    return 0;
  }
  if (q == '>') return 1;
  for (; sc->pos < sc->end; sc->pos++) {
    unsigned char c = (unsigned char)s[sc->pos];
    if (is_space(c) || c == '>') return 1;
    attr_add(a->value, &a->vlen, sizeof a->value, c);
  }
  return 0;
}

/* "Extract a character encoding from a meta element" (content=...). */
static const pith_encoding *charset_from_content(const char *v, size_t n) {
  size_t i = 0;
  for (;;) {
    const char *hit = NULL;
    for (; i + 7 <= n; i++)
      if (memcmp(v + i, "charset", 7) == 0) { /* value is lowercased */
        hit = v + i;
        break;
      }
    if (!hit) return NULL;
    i += 7;
    while (i < n && is_space((unsigned char)v[i])) i++;
    if (i >= n || v[i] != '=') continue;
    i++;
    while (i < n && is_space((unsigned char)v[i])) i++;
    if (i >= n) return NULL;
    if (v[i] == '"' || v[i] == '\'') {
      const char *close = memchr(v + i + 1, v[i], n - i - 1);
      return close ? lookup(v + i + 1, (size_t)(close - v - i - 1)) : NULL;
    }
    size_t j = i;
    while (j < n && !is_space((unsigned char)v[j]) && v[j] != ';') j++;
    return lookup(v + i, j - i);
  }
}

/* Attributes of one <meta>; NULL when it declares no usable charset. */
static const pith_encoding *scan_meta(scan *sc) {
  attr a;
  int got_pragma = 0, need_pragma = -1; /* -1: null */
  int seen_he = 0, seen_content = 0, seen_charset = 0;
  const pith_encoding *cs = NULL;
  while (get_attr(sc, &a)) {
    if (strcmp(a.name, "http-equiv") == 0) {
      if (seen_he++) continue;
      if (strcmp(a.value, "content-type") == 0) got_pragma = 1;
    } else if (strcmp(a.name, "content") == 0) {
      if (seen_content++ || cs) continue;
      const pith_encoding *e = charset_from_content(a.value, a.vlen);
      if (e) {
        cs = e;
        need_pragma = 1;
      }
    } else if (strcmp(a.name, "charset") == 0) {
      if (seen_charset++) continue;
      cs = lookup(a.value, a.vlen);
      need_pragma = 0;
    }
  }
  if (need_pragma == -1 || (need_pragma == 1 && !got_pragma) || !cs) return NULL;
  if (cs->kind == PITH_ENC_UTF16) return enc_by_name("utf-8");
  if (cs->kind == PITH_ENC_USER) return enc_by_name("windows-1252");
  return cs;
}

static int at_ci(const scan *sc, const char *lit) {
  size_t n = strlen(lit);
  if (sc->end - sc->pos < n) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)sc->s[sc->pos + i];
    if (c >= 'A' && c <= 'Z') c += 32;
    if (c != (unsigned char)lit[i]) return 0;
  }
  return 1;
}

static int is_alpha(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

static void skip_to_gt(scan *sc) {
  const char *gt = memchr(sc->s + sc->pos, '>', sc->end - sc->pos);
  sc->pos = gt ? (size_t)(gt - sc->s) : sc->end;
}

static const pith_encoding *prescan(const char *s, size_t len) {
  scan sc = {s, 0, len < PRESCAN_MAX ? len : PRESCAN_MAX};
  attr a;
  for (; sc.pos < sc.end; sc.pos++) {
    if (s[sc.pos] != '<') continue;
    if (at_ci(&sc, "<!--")) {
      size_t i = sc.pos + 2; /* "<!-->" closes itself */
      while (i + 3 <= sc.end && memcmp(s + i, "-->", 3) != 0) i++;
      if (i + 3 > sc.end) return NULL;
      sc.pos = i + 2;
    } else if (at_ci(&sc, "<meta") && sc.pos + 5 < sc.end &&
               (is_space((unsigned char)s[sc.pos + 5]) || s[sc.pos + 5] == '/')) {
      sc.pos += 5;
      const pith_encoding *e = scan_meta(&sc);
      if (e) return e;
      if (sc.pos < sc.end && s[sc.pos] != '>') skip_to_gt(&sc);
    } else if ((sc.pos + 1 < sc.end && is_alpha((unsigned char)s[sc.pos + 1])) ||
               (sc.pos + 2 < sc.end && s[sc.pos + 1] == '/' &&
                is_alpha((unsigned char)s[sc.pos + 2]))) {
      while (sc.pos < sc.end && !is_space((unsigned char)s[sc.pos]) && s[sc.pos] != '>')
        sc.pos++;
      while (get_attr(&sc, &a)) {
      }
    } else if (at_ci(&sc, "<!") || at_ci(&sc, "</") || at_ci(&sc, "<?")) {
      skip_to_gt(&sc);
    }
  }
  return NULL;
}

/* <?xml version="1.0" encoding="..."?> at the very start. */
static const pith_encoding *xml_decl(const char *s, size_t len) {
  if (len < 6 || memcmp(s, "<?xml", 5) != 0 || !is_space((unsigned char)s[5])) return NULL;
  size_t end = len < PRESCAN_MAX ? len : PRESCAN_MAX, i = 5;
  for (; i + 8 <= end && !(s[i] == '?' && s[i + 1] == '>'); i++) {
    if (memcmp(s + i, "encoding", 8) != 0) continue;
    i += 8;
    while (i < end && is_space((unsigned char)s[i])) i++;
    if (i >= end || s[i] != '=') return NULL;
    i++;
    while (i < end && is_space((unsigned char)s[i])) i++;
    if (i >= end || (s[i] != '"' && s[i] != '\'')) return NULL;
    const char *close = memchr(s + i + 1, s[i], end - i - 1);
    if (!close) return NULL;
    const pith_encoding *e = lookup(s + i + 1, (size_t)(close - s - i - 1));
    if (e && e->kind == PITH_ENC_UTF16) e = enc_by_name("utf-8");
    return e;
  }
  return NULL;
}

/* ----------------------------------------------------------- converters */

static void decode_cp1252(const unsigned char *s, size_t len, pith_buf *out) {
  if (pith_buf_reserve(out, len * 3) != 0) return;
  size_t i = 0;
  while (i < len) {
    size_t j = skip_ascii(s, i, len);
    pith_buf_put(out, s + i, j - i);
    for (i = j; i < len && s[i] >= 0x80; i++)
      pith_buf_put_utf8(out, s[i] < 0xA0 ? PITH_CP1252_HIGH[s[i] - 0x80] : s[i]);
  }
}

static void decode_user_defined(const unsigned char *s, size_t len, pith_buf *out) {
  for (size_t i = 0; i < len; i++)
    pith_buf_put_utf8(out, s[i] < 0x80 ? s[i] : 0xF780u + s[i] - 0x80);
}

/* `unit`: bytes to skip past an invalid sequence (2 for UTF-16, so the
 * rest of the text stays aligned). */
static int decode_iconv(const char *name, size_t unit, const char *in, size_t len,
                        pith_buf *out) {
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) return PITH_EENCODING;
  char *ip = (char *)in;
  size_t ileft = len;
  int flushed = 0;
  while (!out->failed) {
    if (pith_buf_reserve(out, ileft * 2 + 64) != 0) break;
    char *op = out->data + out->len;
    size_t oleft = out->cap - out->len - 1, r;
    if (ileft) r = iconv(cd, &ip, &ileft, &op, &oleft);
    else r = iconv(cd, NULL, NULL, &op, &oleft); /* flush shift state */
    int err = errno;
    out->len = (size_t)(op - out->data);
    out->data[out->len] = '\0';
    if (r != (size_t)-1) {
      if (ileft == 0 && flushed++) break;
      continue;
    }
    if (err == E2BIG) continue;
    pith_buf_put(out, "\xEF\xBF\xBD", 3);
    if (err == EILSEQ && ileft) {
      size_t k = ileft < unit ? ileft : unit;
      ip += k;
      ileft -= k;
    } else {
      ileft = 0; /* EINVAL: truncated sequence at the end */
    }
  }
  iconv_close(cd);
  return out->failed ? PITH_ENOMEM : PITH_OK;
}

/* `valid`: the bytes are already known to be valid UTF-8. */
static int convert(const pith_encoding *e, const char *raw, const char *s,
                   size_t len, int valid, pith_buf *out) {
  if (!e) return decode_iconv(raw, 1, s, len, out);
  switch (e->kind) {
  case PITH_ENC_UTF8:
    if (valid) pith_buf_put(out, s, len);
    else pith_utf8_sanitize(s, len, out);
    break;
  case PITH_ENC_REPLACEMENT:
    if (len) pith_buf_put(out, "\xEF\xBF\xBD", 3);
    break;
  case PITH_ENC_USER: decode_user_defined((const unsigned char *)s, len, out); break;
  default:
    if (strcmp(e->name, "windows-1252") == 0)
      decode_cp1252((const unsigned char *)s, len, out);
    else
      return decode_iconv(e->iconv, e->kind == PITH_ENC_UTF16 ? 2 : 1, s, len, out);
  }
  return out->failed ? PITH_ENOMEM : PITH_OK;
}

/* --------------------------------------------------------------- sniff */

static int iconv_knows(const char *name) {
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) return 0;
  iconv_close(cd);
  return 1;
}

/* uchardet's guess, mapped through the label table; NULL if none. *raw gets
 * an iconv name that the WHATWG table does not know (e.g. "IBM855"). */
static const pith_encoding *detect(const char *s, size_t len, char *raw, size_t rawlen) {
#if PITH_HAVE_UCHARDET
  uchardet_t ud = uchardet_new();
  if (!ud) return NULL;
  const pith_encoding *e = NULL;
  if (uchardet_handle_data(ud, s, len < DETECT_MAX ? len : DETECT_MAX) == 0) {
    uchardet_data_end(ud);
    const char *name = uchardet_get_charset(ud);
    if (name && *name && strcmp(name, "ASCII") != 0) {
      e = lookup(name, strlen(name));
      if (!e && strlen(name) < rawlen && iconv_knows(name)) snprintf(raw, rawlen, "%s", name);
    }
  }
  uchardet_delete(ud);
  return e;
#else
  (void)s, (void)len, (void)raw, (void)rawlen;
  return NULL;
#endif
}

int pith_charset_known(const char *name) {
  if (!name) return 0;
  size_t n = strlen(name);
  return lookup(name, n) != NULL || (n < LABEL_MAX && iconv_knows(name));
}

/* A page labelled with a legacy charset whose bytes are strictly valid,
 * non-ASCII UTF-8 is UTF-8 (servers and templates say "iso-8859-1" by
 * default; random legacy text is almost never valid UTF-8). Labels are only
 * tentative in the HTML Standard, so we let the bytes win here instead of
 * leaving the mess to the mojibake stage. */
static const pith_encoding *unmislabel(const pith_encoding *e, const char *s, size_t len) {
  if (e && e->kind == PITH_ENC_SB && has_non_ascii(s, len) && pith_utf8_valid(s, len))
    return enc_by_name("utf-8");
  return e;
}

static const pith_encoding *bom(const char *s, size_t len, size_t *skip) {
  const unsigned char *u = (const unsigned char *)s;
  if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
    *skip = 3;
    return enc_by_name("utf-8");
  }
  if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE))) {
    *skip = 2;
    return enc_by_name(u[0] == 0xFE ? "utf-16be" : "utf-16le");
  }
  return NULL;
}

/* Tentative label from the transport layer or the document itself. Labels
 * meaning "replacement" are ignored: pith never drops a document. */
static const pith_encoding *declared(const char *s, size_t len, const pith_decode_opts *o) {
  const pith_encoding *e = NULL;
  if (o && o->transport) e = lookup(o->transport, strlen(o->transport));
  if (!e && o && o->html) e = prescan(s, len);
  if (!e && o && o->html) e = xml_decl(s, len);
  if (e && e->kind == PITH_ENC_REPLACEMENT) e = NULL;
  return unmislabel(e, s, len);
}

/* `name` lowercased into dst (cap > 0 bytes), cut to fit as snprintf
 * would: one call per document, so no snprintf. */
static void copy_lower(char *dst, size_t cap, const char *name) {
  size_t n = strlen(name);
  if (n >= cap) n = cap - 1;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  dst[n] = '\0';
}

/* pith_decode and pith_decode_view: with `view` set, input that is valid
 * UTF-8 without a BOM is not copied (*view points at it). */
static int decode(const char *bytes, size_t len, const pith_decode_opts *o,
                  pith_buf *out, char *charset, size_t charset_len,
                  const char **view, size_t *view_len) {
  const pith_encoding *e = NULL;
  char raw[LABEL_MAX] = "";
  size_t skip = 0;
  int valid = 0;
  if (!bytes) len = 0;
  if (o && o->forced) {
    e = lookup(o->forced, strlen(o->forced));
    if (e && e->kind == PITH_ENC_UTF8 && bom(bytes, len, &skip) != e) skip = 0;
    if (!e) {
      if (strlen(o->forced) >= sizeof raw || !iconv_knows(o->forced)) return PITH_EENCODING;
      snprintf(raw, sizeof raw, "%s", o->forced);
    }
  } else if ((e = bom(bytes, len, &skip)) == NULL &&
             (e = declared(bytes, len, o)) == NULL) {
    if ((valid = pith_utf8_valid(bytes, len)) != 0) e = enc_by_name("utf-8");
    else if ((e = detect(bytes, len, raw, sizeof raw)) == NULL && !raw[0])
      e = enc_by_name("windows-1252");
  }
  if (charset && charset_len) {
    copy_lower(charset, charset_len, e ? e->name : raw);
  }
  if (view && valid && skip == 0 && e && e->kind == PITH_ENC_UTF8) {
    *view = bytes;
    *view_len = len;
    return PITH_OK;
  }
  int st = convert(e, raw, bytes + skip, len - skip, valid, out);
  if (out->data) out->data[out->len] = '\0'; /* reserve() alone leaves none */
  if (view) {
    *view = out->data ? out->data : "";
    *view_len = out->len;
  }
  return st;
}

int pith_decode(const char *bytes, size_t len, const pith_decode_opts *o,
                pith_buf *out, char *charset, size_t charset_len) {
  return decode(bytes, len, o, out, charset, charset_len, NULL, NULL);
}

int pith_decode_utf8_or_not(const char *bytes, size_t len, const pith_decode_opts *o,
                            char *charset, size_t charset_len, size_t *checked) {
  size_t skip = 0;
  if (!bytes) len = 0;
  if (o && (o->forced || o->transport || o->html)) return 0;
  if (bom(bytes, len, &skip)) return 0; /* else declared() finds nothing */
  /* Text in another charset mostly shows it in its first kilobyte: it is
   * decoded at once rather than normalized for nothing first. The slice
   * ends before a lead byte, so valid text always passes it; four
   * continuation bytes in a row are invalid anyway. */
  size_t cut = len < 1024 ? len : 1024;
  for (int k = 0; k < 4 && cut < len && ((unsigned char)bytes[cut] & 0xC0) == 0x80; k++) cut--;
  if (cut < len && ((unsigned char)bytes[cut] & 0xC0) == 0x80) return 0;
  if (!pith_utf8_valid(bytes, cut)) return 0;
  if (charset && charset_len) copy_lower(charset, charset_len, enc_by_name("utf-8")->name);
  if (checked) *checked = cut;
  return 1;
}

int pith_decode_view(const char *bytes, size_t len, const pith_decode_opts *o,
                     pith_buf *out, char *charset, size_t charset_len,
                     const char **view, size_t *view_len) {
  return decode(bytes, len, o, out, charset, charset_len, view, view_len);
}
