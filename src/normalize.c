/* Text repair and normalization.
 *
 * Most of scraped text is plain ASCII with nothing to change, or letters
 * copied as they are: one fused pass (see "fused pass" below) copies plain
 * ASCII 16 bytes at a time, collapses spaces, and maps controls, Unicode
 * spaces and quotes per code point. Only a line that mojibake repair,
 * entity decoding or NFC could change is checked and, if so, redone by
 * the staged path, which runs the stages in the order the SPEC gives:
 * mojibake -> entities -> controls/spaces -> NFC -> quotes, then the
 * collapse/trim emitter. */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "entities.h"
#include "mojibake.h"
#include "nfc_qc.inc"
#include "normalize_tables.inc"
#include "pith.h"
#include "simd.h"

/* put_plain is inlined at both its calls so that the common one is
 * compiled for SPACES with line ends in runs (constant flags); compilers
 * keep a single generic copy of a function that large otherwise. The
 * fused pass and its helpers go inline into both its copies (16 and 32
 * bytes a step). */
#if defined(__GNUC__)
#define NORM_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NORM_ALWAYS_INLINE inline
#endif

typedef struct norm {
  unsigned flags;
  int join_lines;   /* inline mode without keep_newlines: '\n' is a space */
  int pending;      /* a space is owed before the next visible character */
  int line_start;   /* nothing visible emitted on this output line yet */
  pith_buf a, b;    /* slow-path scratch, reused across lines */
  pith_buf *out;
} norm;

/* ------------------------------------------------------------- emitter */

/* Append text, collapsing runs of spaces, trimming them at line starts and
 * ends (SPACES), turning '\n' into a space when lines are joined. */
static void emit(norm *n, const char *s, size_t len) {
  pith_buf *o = n->out;
  if (len == 0 || pith_buf_reserve(o, len + 1) != 0) return;
  char *d = o->data + o->len;
  if (!(n->flags & PITH_OPT_SPACES)) {
    memcpy(d, s, len);
    if (n->join_lines)
      for (size_t i = 0; i < len; i++)
        if (d[i] == '\n') d[i] = ' ';
    d += len;
  } else {
    int pending = n->pending, line_start = n->line_start, join = n->join_lines;
    for (size_t i = 0; i < len; i++) {
      char c = s[i];
      if (c == ' ' || c == '\t' || (c == '\n' && join)) {
        pending |= !line_start;
      } else if (c == '\n') {
        *d++ = '\n';
        pending = 0;
        line_start = 1;
      } else {
        if (pending) *d++ = ' ';
        *d++ = c;
        pending = line_start = 0;
      }
    }
    n->pending = pending;
    n->line_start = line_start;
  }
  o->len = (size_t)(d - o->data);
  o->data[o->len] = '\0';
}

/* A line end in the input. */
static void emit_eol(norm *n) {
  if (n->join_lines) {
    if (!(n->flags & PITH_OPT_SPACES)) pith_buf_putc(n->out, ' ');
    else n->pending |= !n->line_start;
    return;
  }
  pith_buf_putc(n->out, '\n');
  n->pending = 0;
  n->line_start = 1;
}

/* ------------------------------------------------------------ stages */

static uint32_t next_cp(const char *s, size_t len, size_t *i) {
  const unsigned char *u = (const unsigned char *)s + *i;
  size_t left = len - *i;
  if (u[0] < 0x80) {
    (*i)++;
    return u[0];
  }
  if (u[0] < 0xE0 && left >= 2) {
    *i += 2;
    return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
  }
  if (u[0] < 0xF0 && left >= 3) {
    *i += 3;
    return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
  }
  if (left >= 4) {
    *i += 4;
    return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
           ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
  }
  *i = len; /* truncated: input is promised valid, so only defensive */
  return 0xFFFD;
}

static int is_unicode_space(uint32_t cp) {
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Invisible characters with no place in clean text. ZWJ/ZWNJ (U+200C/D)
 * and bidi marks stay: they change how scripts and emoji render. */
static int is_invisible(uint32_t cp) {
  return cp == 0x200B || cp == 0xFEFF || cp == 0xAD || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206A && cp <= 0x206F) || (cp >= 0xFFF9 && cp <= 0xFFFC) ||
         (cp >= 0x80 && cp <= 0x9F);
}

/* Line separators -> '\n' and NUL removed (always); with SPACES, Unicode
 * spaces -> ' ', controls and invisibles removed. Tabs are left to the
 * emitter. */
static void stage_controls(const char *s, size_t len, unsigned flags, pith_buf *out) {
  int spaces = (flags & PITH_OPT_SPACES) != 0;
  size_t i = 0, copied = 0;
  while (i < len) {
    if (!(NB_CLASS[(unsigned char)s[i]] & (NB_CTRL | NB_UNI | NB_END))) {
      i++;
      continue;
    }
    size_t at = i;
    uint32_t cp = next_cp(s, len, &i);
    const char *rep = NULL; /* NULL: keep the character */
    if (cp == '\n') continue;
    if (cp == '\r') rep = (i < len && s[i] == '\n') ? "" : "\n";
    else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) rep = "\n";
    else if (cp == 0) rep = "";
    else if (!spaces) continue;
    else if (is_unicode_space(cp)) rep = " ";
    else if (cp < 0x20 || cp == 0x7F || is_invisible(cp)) rep = "";
    if (!rep) continue;
    pith_buf_put(out, s + copied, at - copied);
    pith_buf_puts(out, rep);
    copied = i;
  }
  pith_buf_put(out, s + copied, len - copied);
}

/* ‘ ’ ‚ ‛ ′ ʼ -> '   “ ” „ ‟ ″ -> "  (all are E2 80 xx or CA BC). */
static void stage_quotes(const char *s, size_t len, pith_buf *out) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, copied = 0;
  for (; i + 1 < len; i++) {
    char rep = 0;
    size_t n = 2;
    if (u[i] == 0xCA && u[i + 1] == 0xBC) {
      rep = '\'';
    } else if (u[i] == 0xE2 && u[i + 1] == 0x80 && i + 2 < len) {
      unsigned char t = u[i + 2];
      n = 3;
      if ((t >= 0x98 && t <= 0x9B) || t == 0xB2) rep = '\'';
      else if ((t >= 0x9C && t <= 0x9F) || t == 0xB3) rep = '"';
    }
    if (!rep) continue;
    pith_buf_put(out, s + copied, i - copied);
    pith_buf_putc(out, rep);
    i += n - 1;
    copied = i + 1;
  }
  pith_buf_put(out, s + copied, len - copied);
}

/* NFC quick check: 1 if the code point may change under NFC (see
 * tools/gen_nfc_table.py); already-NFC lines skip utf8proc entirely. */
static inline int nfc_flagged_bmp(uint32_t cp) {
  return (NFC_QC_BLOCKS[NFC_QC_INDEX[cp >> 8]][(cp & 0xFF) >> 3] >> (cp & 7)) & 1;
}

static int nfc_flagged(uint32_t cp) {
  if (cp < 0x10000) return nfc_flagged_bmp(cp);
  size_t lo = 0, hi = sizeof NFC_QC_ASTRAL / sizeof NFC_QC_ASTRAL[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < NFC_QC_ASTRAL[mid][0]) hi = mid;
    else if (cp > NFC_QC_ASTRAL[mid][1]) lo = mid + 1;
    else return 1;
  }
  return 0;
}

/* Only lead bytes >= 0xCC start code points >= U+0300, the first that NFC
 * can touch. */
static int nfc_needed(const char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    if ((unsigned char)s[i] < 0xCC) {
      i++;
      continue;
    }
    if (nfc_flagged(next_cp(s, len, &i))) return 1;
  }
  return 0;
}

static void stage_nfc(const char *s, size_t len, pith_buf *out) {
  utf8proc_uint8_t *dst = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (n >= 0) pith_buf_put(out, dst, (size_t)n);
  else if (n == UTF8PROC_ERROR_NOMEM) out->failed = 1;
  else pith_buf_put(out, s, len); /* not valid UTF-8: leave it be */
  free(dst);
}

/* ------------------------------------------------------------ lines */

/* Scratch buffer that is not currently holding `cur`, emptied. */
static pith_buf *other(norm *n, const char *cur) {
  pith_buf *t = (n->a.data == cur) ? &n->b : &n->a;
  pith_buf_clear(t);
  return t;
}

/* OR of the byte classes of a line: which stages can change it. NFC can
 * only change code points from U+0300 up (no combining marks, no
 * singletons below), hence NB_NFC. */
static unsigned summary(const char *s, size_t len) {
  unsigned acc = 0;
  for (size_t i = 0; i < len; i++) acc |= NB_CLASS[(unsigned char)s[i]];
  return acc;
}

/* The stages one by one (each over the whole line). */
static void staged_line(norm *n, const char *s, size_t len) {
  unsigned f = n->flags, sum = summary(s, len);
  pith_buf *t;
  if ((f & PITH_OPT_MOJIBAKE) && (sum & NB_MOJI) && pith_mojibake_suspect(s, len)) {
    t = other(n, s);
    if (pith_mojibake_fix(s, len, t)) {
      s = t->data, len = t->len;
      sum = summary(s, len);
    }
  }
  if ((f & PITH_OPT_ENTITIES) && (sum & NB_AMP)) {
    t = other(n, s);
    if (pith_entities_decode(s, len, t)) {
      s = t->data, len = t->len;
      sum = summary(s, len);
    }
  }
  if (sum & (NB_CTRL | NB_UNI | NB_END)) {
    t = other(n, s);
    stage_controls(s, len, f, t);
    s = t->data, len = t->len;
  }
  if ((f & PITH_OPT_NFC) && (sum & NB_NFC) && nfc_needed(s, len)) {
    t = other(n, s);
    stage_nfc(s, len, t);
    s = t->data, len = t->len;
  }
  if ((f & PITH_OPT_ASCII_QUOTES) && (sum & NB_QUOTE)) {
    t = other(n, s);
    stage_quotes(s, len, t);
    s = t->data, len = t->len;
  }
  if (n->a.failed || n->b.failed) n->out->failed = 1;
  else emit(n, s, len);
}

/* ------------------------------------------------------------ fused pass
 *
 * One pass over the input does controls, quotes and the emitter's space
 * handling per code point: each of those stages maps code points
 * independently, so fusing them gives the staged result. Plain ASCII
 * (printable, not '&', single spaces) is copied 16 bytes at a time. A line
 * that mojibake repair, entity decoding or NFC might change is handed back
 * to run(), which checks it and redoes it stage by stage if need be. */

/* What the fused pass saw on a line that the staged path may treat
 * differently: mojibake lead bytes and '&' (only with their flags on), or
 * a code point NFC may change. */
enum { SAW_MOJI = 1, SAW_AMP = 2, SAW_NFC = 4 };

/* Output room run() keeps beyond the rest of the input: the fused pass
 * never writes more than it reads plus one owed space, but stores whole
 * 16- or 32-byte chunks. */
#define FUSED_SLACK 40

#define HI_BITS 0x8080808080808080ull
#define ONES 0x0101010101010101ull

#if !defined(__SSE2__) || defined(PITH_NO_SSE2)
/* three_starts (below) a byte at a time: a lead E4..EE (not EA with nfc)
 * before two continuation bytes, or E2 80 90..97 / A0..A7. */
static inline unsigned three_starts_bytes(const char *p, int nfc) {
  const unsigned char *u = (const unsigned char *)p;
  unsigned m = 0;
  for (unsigned k = 0; k < 16; k++) {
    unsigned a = u[k], b = u[k + 1], c = u[k + 2], t = c & 0xF8;
    int cjk = a >= 0xE4 && a <= 0xEE && !(nfc && a == 0xEA) && (b & 0xC0) == 0x80 &&
              (c & 0xC0) == 0x80;
    int dash = a == 0xE2 && b == 0x80 && (t == 0x90 || t == 0xA0);
    m |= (unsigned)(cjk || dash) << k;
  }
  return m;
}
#endif

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>

/* Bit k set for each of the 16 bytes at p that needs a look of its own:
 * controls, DEL, '&', non-ASCII, and '\n' unless `eol`. *ws gets the
 * spaces (with `spaces`) and, with `eol`, the '\n's, which *nl gets too. */
static inline unsigned chunk_masks(const char *p, int spaces, int eol, unsigned *ws,
                                   unsigned *nl) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  /* v + 1 > 0x20 as signed bytes: 0x20..0x7E (0x7F..0xFF wrap negative) */
  __m128i ok = _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x20));
  ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')), ok);
  __m128i n = eol ? _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')) : _mm_setzero_si128();
  __m128i w = spaces ? _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), n) : n;
  *ws = (unsigned)_mm_movemask_epi8(w);
  *nl = (unsigned)_mm_movemask_epi8(n);
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(ok, n)) ^ 0xFFFF;
}

/* Bits of the Cyrillic lead bytes (D0, D1) among the 16 bytes at p; *cont
 * gets the continuation bytes (80..BF). */
static inline unsigned cyr_masks(const char *p, unsigned *cont) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  /* signed: 80..BF are -128..-65 */
  *cont = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-64), v));
  __m128i lead = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xFE)),
                                _mm_set1_epi8((char)0xD0));
  return (unsigned)_mm_movemask_epi8(lead);
}

/* Bits of the 16 bytes at p (p + 18 readable) that start a character
 * in_run() copies as it is whatever the flags but NFC: a lead E4..EE (not
 * EA with `nfc`: THREE_OK_LEADS) before two continuation bytes, or a dash
 * or bullet E2 80 90..97 / A0..A7. */
static inline unsigned three_starts(const char *p, int nfc) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
  __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
  const __m128i top = _mm_set1_epi8(-64); /* signed: 80..BF are below */
  __m128i lead = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 0xE4))),
                                _mm_set1_epi8(-128 + 11));
  if (nfc) lead = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xEA)), lead);
  __m128i cjk =
      _mm_and_si128(lead, _mm_and_si128(_mm_cmpgt_epi8(top, x1), _mm_cmpgt_epi8(top, x2)));
  __m128i t = _mm_and_si128(x2, _mm_set1_epi8((char)0xF8));
  __m128i dash = _mm_and_si128(
      _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE2)),
                    _mm_cmpeq_epi8(x1, _mm_set1_epi8((char)0x80))),
      _mm_or_si128(_mm_cmpeq_epi8(t, _mm_set1_epi8((char)0x90)),
                   _mm_cmpeq_epi8(t, _mm_set1_epi8((char)0xA0))));
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(cjk, dash));
}

#ifdef PITH_AVX2
/* With AVX2 (chosen at run time), the fused pass takes 32 bytes a step. */
#define NORM_AVX2 1

/* chunk_masks for the 32 bytes at p. */
static inline PITH_TARGET_AVX2 unsigned chunk_masks32(const char *p, int spaces, int eol,
                                                      unsigned *ws, unsigned *nl) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
  __m256i ok = _mm256_cmpgt_epi8(_mm256_add_epi8(v, _mm256_set1_epi8(1)), _mm256_set1_epi8(0x20));
  ok = _mm256_andnot_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('&')), ok);
  __m256i n = eol ? _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')) : _mm256_setzero_si256();
  __m256i w = spaces ? _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')), n) : n;
  *ws = (unsigned)_mm256_movemask_epi8(w);
  *nl = (unsigned)_mm256_movemask_epi8(n);
  return ~(unsigned)_mm256_movemask_epi8(_mm256_or_si256(ok, n));
}

/* three_starts for the 32 bytes at p (p + 34 readable). */
static inline PITH_TARGET_AVX2 unsigned three_starts32(const char *p, int nfc) {
  __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
  __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 1));
  __m256i x2 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 2));
  const __m256i top = _mm256_set1_epi8(-64);
  __m256i lead = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 11),
                                   _mm256_add_epi8(x, _mm256_set1_epi8((char)(0x80 - 0xE4))));
  if (nfc) lead = _mm256_andnot_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xEA)), lead);
  __m256i cjk = _mm256_and_si256(
      lead, _mm256_and_si256(_mm256_cmpgt_epi8(top, x1), _mm256_cmpgt_epi8(top, x2)));
  __m256i t = _mm256_and_si256(x2, _mm256_set1_epi8((char)0xF8));
  __m256i dash = _mm256_and_si256(
      _mm256_and_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xE2)),
                       _mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0x80))),
      _mm256_or_si256(_mm256_cmpeq_epi8(t, _mm256_set1_epi8((char)0x90)),
                      _mm256_cmpeq_epi8(t, _mm256_set1_epi8((char)0xA0))));
  return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(cjk, dash));
}

/* cyr_masks for the 32 bytes at p. */
static inline PITH_TARGET_AVX2 unsigned cyr_masks32(const char *p, unsigned *cont) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
  *cont = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(-64), v));
  __m256i lead = _mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8((char)0xFE)),
                                   _mm256_set1_epi8((char)0xD0));
  return (unsigned)_mm256_movemask_epi8(lead);
}
#endif
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

/* 0x80 in each byte of w that is >= 0x7F, < 0x20 or '&'. The carries of
 * w + ONES and the borrows of the < 0x20 test only start at a byte that is
 * special itself and only reach the bytes after it (little-endian), so
 * the first flagged byte is always a true one. */
static uint64_t word_special(uint64_t w) {
  uint64_t lt20 = (w - ONES * 0x20) & ~w;
  uint64_t amp = w ^ (ONES * '&');
  return (w | (w + ONES) | lt20 | ((amp - ONES) & ~amp)) & HI_BITS;
}

/* 0x80 in each byte of w equal to c (exact). */
static uint64_t eq_mask(uint64_t w, unsigned char c) {
  uint64_t x = w ^ (ONES * c);
  return ~(((x & ~HI_BITS) + ~HI_BITS) | x | ~HI_BITS);
}

/* One bit per byte (byte k -> bit k) of a 0x80-per-byte mask. */
static unsigned byte_bits(uint64_t m) {
  return (unsigned)(((m >> 7) * 0x0102040810204080ull) >> 56);
}

/* As the SSE2 version, eight bytes at a time. A special byte may flag
 * the byte after it too (see word_special): put_plain then stops early at
 * a byte it could have taken, which changes nothing but speed. */
static inline unsigned chunk_masks(const char *p, int spaces, int eol, unsigned *ws,
                                   unsigned *nl) {
  uint64_t lo, hi;
  memcpy(&lo, p, 8);
  memcpy(&hi, p + 8, 8);
  unsigned sp = byte_bits(eq_mask(lo, ' ')) | byte_bits(eq_mask(hi, ' ')) << 8;
  unsigned n = byte_bits(eq_mask(lo, '\n')) | byte_bits(eq_mask(hi, '\n')) << 8;
  *nl = eol ? n : 0;
  *ws = (spaces ? sp : 0) | *nl;
  return (byte_bits(word_special(lo)) | byte_bits(word_special(hi)) << 8) & ~*nl;
}

/* As the SSE2 version, a byte at a time. */
static inline unsigned three_starts(const char *p, int nfc) {
  return three_starts_bytes(p, nfc);
}

/* As the SSE2 version, eight bytes at a time. */
static inline unsigned cyr_masks(const char *p, unsigned *cont) {
  uint64_t lo, hi;
  memcpy(&lo, p, 8);
  memcpy(&hi, p + 8, 8);
  *cont = byte_bits(lo & ~(lo << 1) & HI_BITS) | byte_bits(hi & ~(hi << 1) & HI_BITS) << 8;
  return byte_bits(eq_mask(lo & ONES * 0xFE, 0xD0)) |
         byte_bits(eq_mask(hi & ONES * 0xFE, 0xD0)) << 8;
}
#else

/* As the SSE2 version, a byte at a time. */
static inline unsigned chunk_masks(const char *p, int spaces, int eol, unsigned *ws,
                                   unsigned *nl) {
  unsigned special = 0, space = 0, eols = 0;
  for (unsigned k = 0; k < 16; k++) {
    unsigned char c = (unsigned char)p[k];
    special |= (unsigned)(c < 0x20 || c >= 0x7F || c == '&') << k;
    space |= (unsigned)(c == ' ') << k;
    eols |= (unsigned)(c == '\n') << k;
  }
  *nl = eol ? eols : 0;
  *ws = (spaces ? space : 0) | *nl;
  return special & ~*nl;
}

/* As the SSE2 version, a byte at a time. */
static inline unsigned three_starts(const char *p, int nfc) {
  return three_starts_bytes(p, nfc);
}

/* As the SSE2 version, a byte at a time. */
static inline unsigned cyr_masks(const char *p, unsigned *cont) {
  unsigned lead = 0, c = 0;
  for (unsigned k = 0; k < 16; k++) {
    lead |= (unsigned)(((unsigned char)p[k] & 0xFE) == 0xD0) << k;
    c |= (unsigned)(((unsigned char)p[k] & 0xC0) == 0x80) << k;
  }
  *cont = c;
  return lead;
}
#endif

/* Emitter state of the fused pass, kept in registers (every helper is
 * inlined). `d` writes straight into the output, whose room run()
 * reserved. */
typedef struct fstate {
  char *d;
  int pending, line_start;
  int spaces, join;
} fstate;

/* A visible code point of k (1 to 4) bytes, after the space owed. */
static inline void put_visible(fstate *st, const char *src, size_t k) {
  *st->d = ' ';
  st->d += st->pending;
  switch (k) { /* fixed sizes: no memcpy call */
  case 2: memcpy(st->d, src, 2); break;
  case 3: memcpy(st->d, src, 2), st->d[2] = src[2]; break;
  case 4: memcpy(st->d, src, 4); break;
  default: st->d[0] = src[0]; break;
  }
  st->d += k;
  st->pending = st->line_start = 0;
}

/* An ASCII character as emit() takes it (spaces, tabs and line ends
 * included). */
static inline void put_ascii(fstate *st, char ch) {
  if (!st->spaces) {
    *st->d++ = ch == '\n' && st->join ? ' ' : ch;
  } else if (ch == ' ' || ch == '\t' || (ch == '\n' && st->join)) {
    st->pending |= !st->line_start;
  } else if (ch == '\n') {
    *st->d++ = '\n';
    st->pending = 0;
    st->line_start = 1;
  } else {
    *st->d = ' ';
    st->d += st->pending;
    *st->d++ = ch;
    st->pending = st->line_start = 0;
  }
}

/* A line end in the input, as emit_eol(). */
static inline void put_eol(fstate *st) {
  if (!st->join) {
    *st->d++ = '\n';
    st->pending = 0;
    st->line_start = 1;
  } else if (!st->spaces) {
    *st->d++ = ' ';
  } else {
    st->pending |= !st->line_start;
  }
}

/* ' for ‘ ’ ‚ ‛ ′ ʼ, " for “ ” „ ‟ ″, else 0 (as stage_quotes). */
static char ascii_quote(uint32_t cp) {
  if ((cp >= 0x2018 && cp <= 0x201B) || cp == 0x2032 || cp == 0x2BC) return '\'';
  if ((cp >= 0x201C && cp <= 0x201F) || cp == 0x2033) return '"';
  return 0;
}

enum { ACT_COPY = 0, ACT_DROP = -1, ACT_NFC = -2 };

/* What the fused pass does with a non-ASCII code point: copy it, drop it,
 * give up on the line (NFC), or put an ASCII character instead. */
static int act_of(uint32_t cp, unsigned f) {
  int spaces = (f & PITH_OPT_SPACES) != 0;
  if ((f & PITH_OPT_NFC) && cp >= 0x300 && nfc_flagged(cp)) return ACT_NFC;
  if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) return '\n';
  if (spaces && is_unicode_space(cp)) return ' ';
  if (spaces && is_invisible(cp)) return ACT_DROP;
  if (f & PITH_OPT_ASCII_QUOTES) return ascii_quote(cp);
  return ACT_COPY;
}

/* 1 when act_of(cp) is ACT_COPY whatever the flags but NFC, found with a
 * few compares: below U+0300 all but C1 controls, NBSP, SHY and ʼ; above,
 * what lies outside the spaces, invisibles, separators and quotes
 * (U+1680..U+206F, U+3000, U+FEFF and up) and NFC leaves alone. Letters,
 * CJK and most symbols take no other test. */
static inline int copy_as_is(uint32_t cp, int nfc) {
  if (cp < 0x300) return cp > 0xA0 && cp != 0xAD && cp != 0x2BC;
  if (cp - 0x1680 < 0x2070 - 0x1680 || cp == 0x3000 || cp >= 0xFEFF) return 0;
  return !nfc || !nfc_flagged_bmp(cp);
}

static inline int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Bytes of the line left at s[i], at most 4: what next_cp may decode
 * (the staged path sees the line alone, so must the decoder here). */
static size_t line_left(const char *s, size_t i, size_t len) {
  size_t left = len - i < 4 ? len - i : 4;
  for (size_t j = 1; j < left; j++)
    if (s[i + j] == '\n' || s[i + j] == '\r') return j;
  return left;
}

/* The code point of a valid two-byte sequence. */
static inline uint32_t two_cp(const unsigned char *u) {
  return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
}

/* Lead bytes C0..DF (bit lead & 31) all of whose 64 code points copy_as_is
 * takes, without and with NFC (C3..DF but CA (ʼ); C3..C9 CB CF D0 D1 D3
 * D4 D5 DA DE). Derived from copy_as_is over every two-byte code point;
 * test_normalize checks them. Other leads take the full test. */
#define TWO_OK_LEADS 0xfffffbf8u
#define TWO_OK_LEADS_NFC 0x443b8bf8u

/* A valid two-byte sequence at u (before end) that copy_as_is takes, the
 * common leads by one mask test (`ok`: TWO_OK_LEADS or TWO_OK_LEADS_NFC, as nfc). */
static inline int two_ok(const unsigned char *u, const unsigned char *end, uint32_t ok,
                         int nfc) {
  if (end - u < 2 || !is_cont(u[1]) || (u[0] & 0xE0) != 0xC0) return 0;
  if ((ok >> (u[0] & 31)) & 1) return 1;
  return u[0] >= 0xC2 && copy_as_is(two_cp(u), nfc);
}

/* A condition pith_mojibake_suspect needs at the two-byte sequence at u
 * (before end): "Ã" or "Â" (C3 82..B4) before a non-ASCII byte, or C3 82/83
 * before a space, or a C1 control (C2 80..9F). Lines with Latin-1 letters
 * but none of these (most: "café au lait") are not handed back to run()
 * for pith_mojibake_suspect to say no. */
static inline int moji_at(const unsigned char *u, const unsigned char *end) {
  if (end - u < 2) return 0;
  if (u[0] == 0xC2) return u[1] >= 0x80 && u[1] <= 0x9F;
  if (u[0] != 0xC3 || u[1] < 0x82 || u[1] > 0xB4 || end - u < 3) return 0;
  return u[2] >= 0x80 || (u[1] <= 0x83 && u[2] == ' ');
}

/* Letters of two bytes each (Latin-1, Greek, Cyrillic, Hebrew, Arabic...)
 * and single spaces between them, from u on as long as copy_as_is holds:
 * the bulk of non-Latin text, one test per letter. Returns the end. */
static inline const unsigned char *put_two_run(fstate *st, const unsigned char *u,
                                              const unsigned char *end, int nfc, int *saw,
                                              int moji) {
  char *d = st->d;
  *d = ' ';
  d += st->pending;
  int hit = 0; /* moji_at somewhere in the run */
  uint32_t ok = nfc ? TWO_OK_LEADS_NFC : TWO_OK_LEADS;
  for (;;) {
    if (u[0] < 0xC4) hit |= moji_at(u, end);
    memcpy(d, u, 2);
    d += 2;
    u += 2;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* two letters at a time: lead (110xxxxx) and continuation bytes in
     * place, both leads in `ok` */
    while (end - u >= 4) {
      uint32_t x;
      memcpy(&x, u, 4);
      unsigned a = x & 0xFF, b = (x >> 16) & 0xFF;
      if ((x & 0xC0E0C0E0u) != 0x80C080C0u || !((ok >> (a & 31)) & (ok >> (b & 31)) & 1)) break;
      if ((a < 0xC4) | (b < 0xC4)) hit |= moji_at(u, end) | moji_at(u + 2, end);
      memcpy(d, &x, 4);
      d += 4;
      u += 4;
    }
#endif
    if (two_ok(u, end, ok, nfc)) continue;
    if (u < end && u[0] == ' ' && two_ok(u + 1, end, ok, nfc)) {
      *d++ = ' ';
      u++;
      continue;
    }
    break;
  }
  if (hit) *saw |= moji;
  st->d = d;
  st->pending = st->line_start = 0;
  return u;
}

/* Lead bytes E0..EF (bit lead & 15) all of whose code points copy_as_is
 * takes, whatever their continuation bytes, without and with NFC: E4..EE
 * (CJK ideographs, Yi, Hangul syllables...), with NFC not EA. Derived
 * like TWO_OK_LEADS; test_normalize checks them. */
#define THREE_OK_LEADS 0x7ff0u
#define THREE_OK_LEADS_NFC 0x7bf0u

/* A three-byte sequence at u (before end) with a lead in `ok`. */
static inline int three_ok(const unsigned char *u, const unsigned char *end, unsigned ok) {
  return end - u >= 3 && (u[0] & 0xF0) == 0xE0 && ((ok >> (u[0] & 15)) & 1) && is_cont(u[1]) &&
         is_cont(u[2]);
}

/* Characters of three bytes each (CJK, Hangul) and single spaces between
 * them, from u on as long as three_ok holds. Returns the end. */
static inline const unsigned char *put_three_run(fstate *st, const unsigned char *u,
                                                const unsigned char *end, unsigned ok) {
  char *d = st->d;
  *d = ' ';
  d += st->pending;
  do {
    memcpy(d, u, 2);
    d[2] = (char)u[2];
    d += 3;
    u += 3;
    if (u < end && u[0] == ' ' && three_ok(u + 1, end, ok)) *d++ = ' ', u++;
  } while (three_ok(u, end, ok));
  st->d = d;
  st->pending = st->line_start = 0;
  return u;
}

/* The non-ASCII code point at s[*i]: decoded as next_cp() does on the
 * line alone, emitted; returns the ACT_* or character act_of() gave. */
static NORM_ALWAYS_INLINE int put_nonascii(fstate *st, const char *s, size_t *i, size_t len,
                                           unsigned f, int *saw) {
  const unsigned char *u = (const unsigned char *)s + *i, *end = (const unsigned char *)s + len;
  int nfc = (f & PITH_OPT_NFC) != 0, moji = (f & PITH_OPT_MOJIBAKE) ? SAW_MOJI : 0;
  if (two_ok(u, end, nfc ? TWO_OK_LEADS_NFC : TWO_OK_LEADS, nfc)) {
    *i = (size_t)((const char *)put_two_run(st, u, end, nfc, saw, moji) - s);
    return ACT_COPY;
  }
  unsigned ok3 = nfc ? THREE_OK_LEADS_NFC : THREE_OK_LEADS;
  if (three_ok(u, end, ok3)) {
    *i = (size_t)((const char *)put_three_run(st, u, end, ok3) - s);
    return ACT_COPY;
  }
  /* curly quotes U+2018..U+201F, the most common of the rest: act_of()
   * without its tests (NFC leaves them alone) */
  if ((f & PITH_OPT_ASCII_QUOTES) && u[0] == 0xE2 && end - u >= 3 && u[1] == 0x80 &&
      (u[2] & 0xF8) == 0x98) {
    char q = u[2] < 0x9C ? '\'' : '"';
    *i += 3;
    put_ascii(st, q);
    return q;
  }
  size_t k, left = len - *i;
  uint32_t cp;
  if (u[0] < 0xE0 && left >= 2 && is_cont(u[1])) {
    cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    k = 2;
  } else if (u[0] < 0xF0 && left >= 3 && is_cont(u[1]) && is_cont(u[2])) {
    cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    k = 3;
  } else { /* 4 bytes, or not valid UTF-8 */
    size_t j = 0;
    cp = next_cp((const char *)u, line_left(s, *i, len), &j);
    k = j;
  }
  if (moji_at(u, end)) *saw |= moji;
  *i += k;
  int act = copy_as_is(cp, nfc) ? ACT_COPY : act_of(cp, f);
  if (act == ACT_COPY) put_visible(st, (const char *)u, k);
  else if (act > 0) put_ascii(st, (char)act);
  return act;
}

/* Where the fused pass left off, for run() to check or redo a line. */
typedef struct line_mark {
  size_t begin, at;        /* input offset, output length at the line start */
  int pending, line_start; /* emitter state there */
  int saw;                 /* SAW_* bits of the line */
} line_mark;

/* A letter or digit, as pith_entity_decode reads reference names. */
static inline int is_entity_char(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static inline int is_plain(unsigned char c) { return c > ' ' && c < 0x7F && c != '&'; }

/* A Cyrillic letter (lead D0 or D1, then a continuation byte) at s[i]:
 * put_plain takes those as they are, whatever the flags (TWO_OK_LEADS). */
static inline int is_cyr(const char *s, size_t i, size_t len) {
  return ((unsigned char)s[i] & 0xFE) == 0xD0 && i + 1 < len && is_cont((unsigned char)s[i + 1]);
}

/* chunk_masks and cyr_masks for the W (16, or 32 with AVX2) bytes at p:
 * W is a constant wherever they are inlined. */
static inline unsigned chunk_masks_w(const char *p, unsigned W, int spaces, int eol,
                                     unsigned *ws, unsigned *nl) {
#ifdef NORM_AVX2
  if (W == 32) return chunk_masks32(p, spaces, eol, ws, nl);
#endif
  return chunk_masks(p, spaces, eol, ws, nl);
}

static inline unsigned cyr_masks_w(const char *p, unsigned W, unsigned *cont) {
#ifdef NORM_AVX2
  if (W == 32) return cyr_masks32(p, cont);
#endif
  return cyr_masks(p, cont);
}

/* `stop` without the bytes of the Cyrillic letters among the W bytes at
 * p (p[W] readable). *carry: 1 when the byte before p is a lead whose
 * continuation is p[0]; it gets whether p[W - 1] is such a lead. */
static inline unsigned cyr_relief(const char *p, unsigned W, unsigned stop, unsigned *carry) {
  unsigned cont, lead = cyr_masks_w(p, W, &cont);
  lead &= (cont >> 1) | (unsigned)is_cont((unsigned char)p[W]) << (W - 1);
  unsigned ok = lead | (cont & ((lead << 1) | *carry));
  *carry = lead >> (W - 1);
  return stop & ~ok;
}

static inline unsigned three_starts_w(const char *p, unsigned W, int nfc) {
#ifdef NORM_AVX2
  if (W == 32) return three_starts32(p, nfc);
#endif
  return three_starts(p, nfc);
}

/* Is the byte at u, a run's first stop, worth three_relief(): a lead
 * from E3 on (CJK, Hangul), or a continuation byte (the end of one cut by
 * the chunk before)? Others go to in_run() at once: quotes, Latin-1, '&',
 * spaces, and the dashes (E2, which the relief takes along when a CJK
 * character asked for it: a test of E2's third byte here, to tell dashes
 * from quotes, mispredicted more than it saved). */
static inline int three_first(const char *u) {
  unsigned char c = (unsigned char)u[0];
  return c >= 0xE3 || (c & 0xC0) == 0x80;
}

/* `stop` without the bytes of the three-byte characters in_run() would
 * copy as they are (CJK, Hangul, dashes: three_starts) among the W bytes
 * at p (p + W + 2 readable): a page of them went a stop per character.
 * *carry: the first bytes of the chunk at p that end a character started
 * before it (bits 0 and 1); it gets those of the chunk after. A chunk
 * whose stops are all relieved before this test holds no such character
 * (nor the end of one: its continuation bytes are stops), so its carry
 * stays 0 untested. */
static inline unsigned three_relief(const char *p, unsigned W, unsigned stop, unsigned *carry,
                                    int nfc) {
  unsigned st = three_starts_w(p, W, nfc);
  unsigned ok = st | st << 1 | st << 2 | *carry;
  *carry = (st >> (W - 1) & 1) * 3u | (st >> (W - 2) & 1);
  return stop & ~ok;
}


/* What put_plain does with the '&' or non-ASCII character at u (before
 * end) without leaving its run: copy an '&' that starts no reference
 * (returns 1), copy a character as it is (returns its bytes: three-byte
 * characters of the leads three_ok takes, two-byte ones that two_ok
 * takes (Latin-1 letters and signs, C2 and C3, unless moji_at flags them),
 * dashes and bullets), or map a curly quote U+2018..U+201F to ASCII
 * (ASCII_QUOTES; returns -3). 0 for anything else, which ends the run. As
 * put_nonascii gives. */
static inline int in_run(const unsigned char *u, const unsigned char *end, unsigned f) {
  int nfc = (f & PITH_OPT_NFC) != 0;
  if (end - u < 2) return 0; /* the text's end (the padding of its last chunk) */
  /* an '&' that starts no reference ("Tom & Jerry": not before '#' or a
   * letter or digit, or no ENTITIES) is copied as fused_w copies it, and
   * asks for no check of its line: no stop of the run */
  if (u[0] == '&')
    return (f & PITH_OPT_ENTITIES) && (u[1] == '#' || is_entity_char(u[1])) ? 0 : 1;
  if (three_ok(u, end, nfc ? THREE_OK_LEADS_NFC : THREE_OK_LEADS)) return 3;
  if ((f & PITH_OPT_ASCII_QUOTES) && u[0] == 0xE2 && end - u >= 3 && u[1] == 0x80 &&
      (u[2] & 0xF8) == 0x98)
    return -3;
  /* dashes and bullets U+2010..U+2017, U+2020..U+2027 (– — • …): act_of
   * copies them whatever the flags (no spaces, quotes, line separators or
   * NFC changes among them); test_normalize checks them */
  if (u[0] == 0xE2 && end - u >= 3 && u[1] == 0x80 &&
      ((u[2] & 0xF8) == 0x90 || (u[2] & 0xF8) == 0xA0))
    return 3;
  if (u[0] >= 0xC2 && two_ok(u, end, nfc ? TWO_OK_LEADS_NFC : TWO_OK_LEADS, nfc) &&
      !moji_at(u, end))
    return 2;
  return 0;
}

/* The line start after the last '\n' of `mask` in the chunk at c, into
 * mk; `delta`: output minus input offset there (modulo 2^n). */
static inline void mark_line(line_mark *mk, const char *s, const char *c, unsigned mask,
                             size_t delta) {
  size_t begin = (size_t)(c - s) + 32 - (unsigned)__builtin_clz(mask);
  *mk = (line_mark){begin, begin + delta, 0, 1, 0};
}

/* Copy the plain run at s[*i] (which starts with printable ASCII other
 * than '&', or a Cyrillic letter) 16 bytes at a time, up to the first byte
 * needing a look: controls, '&' but what in_run() takes, non-ASCII but
 * Cyrillic letters and what in_run() takes, a second space in a row
 * (`spaces`: SPACES on), and line ends unless `eol` (lines are not joined
 * and the current one needs no check). With `eol`, '\n' is copied in the chunks as put_eol() writes
 * it, but a space next to it stops the run: emit() trims those. A space
 * ending the run is owed rather than written, as emit() does. Only quotes
 * change the length, so a line start passed on the way (mk, for run() to
 * go back to) is marked when one is met, or at the end. */
enum { PREFETCH_AHEAD = 512 };

static NORM_ALWAYS_INLINE void put_plain(fstate *st, const char *s, size_t *i, size_t len,
                                         unsigned f, int spaces, int eol, line_mark *mk,
                                         const pith_buf *o, unsigned W) {
  /* chunks (of W bytes) from before `whole` on are in the input, with the
   * two bytes after */
  const char *p = s + *i, *end = s + len, *whole = s + (len > W + 2 ? len - W - 2 : 0), *q;
  const char *nl_chunk = NULL; /* with nl_mask: the last line end passed */
  char *d = st->d;
  *d = ' ';
  d += st->pending;
  unsigned ws_carry = 0, cyr_carry = 0, three_carry = 0, nl_mask = 0, ws, nl, stop, k;
  int nfc = (f & PITH_OPT_NFC) != 0;
  char tail[64];
  for (;;) {
    /* the input's first read (normalized before it is checked): its lines
     * asked for ahead of the loads, which wait on memory otherwise (the
     * branches here cut the loads the processor runs ahead on its own) */
    __builtin_prefetch((const void *)((uintptr_t)p + PREFETCH_AHEAD));
    q = p;
    if (p >= whole) { /* padded with NULs, which stop the run */
      size_t left = (size_t)(end - p);
      memcpy(tail, p, left);
      memset(tail + left, 0, sizeof tail - left);
      q = tail;
    }
    stop = chunk_masks_w(q, W, spaces, eol, &ws, &nl);
    stop |= ws & ((ws << 1) | ws_carry); /* two spaces or line ends in a row */
    memcpy(d, q, W);
    /* (cyr_carry is 0 after a chunk without stops: its last byte is ASCII) */
    if (stop && (stop = cyr_relief(q, W, stop, &cyr_carry)) != 0 &&
        (!three_first(q + __builtin_ctz(stop)) ||
         (stop = three_relief(q, W, stop, &three_carry, nfc)) != 0)) {
      k = (unsigned)__builtin_ctz(stop);
      int n = in_run((const unsigned char *)p + k, (const unsigned char *)end, f);
      if (!n) break;
      if (nl & ((1u << k) - 1)) nl_chunk = p, nl_mask = nl & ((1u << k) - 1);
      if (n > 0) { /* copied as it is; the chunk may hold only part of it */
        memcpy(d + k, p + k, 2);
        if (n == 3) d[k + 2] = p[k + 2];
      } else { /* the output gets shorter: the line start passed first */
        if (nl_chunk) mark_line(mk, s, nl_chunk, nl_mask, (size_t)(d - o->data) - (size_t)(p - s));
        nl_chunk = NULL;
        d[k] = (unsigned char)p[k + 2] < 0x9C ? '\'' : '"';
        d -= 2;
        n = 3;
      }
      p += k + (unsigned)n;
      d += k + (unsigned)n;
      ws_carry = cyr_carry = three_carry = 0;
      continue;
    }
    if (nl) nl_chunk = p, nl_mask = nl;
    ws_carry = ws >> (W - 1);
    p += W;
    d += W;
  }
  unsigned char prev = (unsigned char)(k ? q[k - 1] : p[-1]);
  int last = spaces && prev == ' ';
  if (nl & ((1u << k) - 1)) nl_chunk = p, nl_mask = nl & ((1u << k) - 1);
  if (nl_chunk) mark_line(mk, s, nl_chunk, nl_mask, (size_t)(d - o->data) - (size_t)(p - s));
  st->d = d + k - last;
  st->pending = last;
  st->line_start = eol && prev == '\n';
  *i = (size_t)(p - s) + k;
}

/* Normalize in[i..len) line after line until the input ends or a line
 * needs a check (mk->saw set: mk holds the line's start). Returns where
 * it stopped: len, that line's end or, for SAW_NFC, a point inside it. */
static NORM_ALWAYS_INLINE size_t fused_w(norm *n, const char *s, size_t i, size_t len,
                                          line_mark *mk, unsigned W) {
  pith_buf *o = n->out;
  unsigned f = n->flags;
  fstate st = {o->data + o->len, n->pending, n->line_start, (f & PITH_OPT_SPACES) != 0,
               n->join_lines};
  int amp = (f & PITH_OPT_ENTITIES) ? SAW_AMP : 0, saw = 0;
  *mk = (line_mark){i, o->len, st.pending, st.line_start, 0};
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (is_plain(c) || is_cyr(s, i, len)) {
      int eol = !st.join && !saw;
      if (st.spaces && eol) put_plain(&st, s, &i, len, f, 1, 1, mk, o, W); /* the common case */
      else put_plain(&st, s, &i, len, f, st.spaces, eol, mk, o, W);
    } else if (c >= 0x80) {
      if (put_nonascii(&st, s, &i, len, f, &saw) == ACT_NFC) {
        saw |= SAW_NFC;
        break;
      }
    } else if (c == '\n' || c == '\r') {
      if (saw) break;
      i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
      put_eol(&st);
      *mk = (line_mark){i, (size_t)(st.d - o->data), st.pending, st.line_start, 0};
    } else {
      i++;
      /* a reference needs '#' or a letter or digit after the '&' ("Q&A",
       * not "Tom & Jerry"): only then is the line checked for one */
      if (c == '&' && i < len) saw |= amp & -(s[i] == '#' || is_entity_char((unsigned char)s[i]));
      if (c == 0 || (st.spaces && ((c < 0x20 && c != '\t') || c == 0x7F))) continue;
      put_ascii(&st, (char)c);
    }
  }
  o->len = (size_t)(st.d - o->data);
  o->data[o->len] = '\0';
  n->pending = st.pending;
  n->line_start = st.line_start;
  mk->saw = saw;
  return i;
}

static size_t fused(norm *n, const char *s, size_t i, size_t len, line_mark *mk) {
  return fused_w(n, s, i, len, mk, 16);
}

#ifdef NORM_AVX2
/* The same 32 bytes a step: half the steps over plain runs. flatten: the
 * AVX2 helpers go inline too (always_inline on them would fail where the
 * 16-byte pass names them in code it never runs). */
static PITH_TARGET_AVX2 __attribute__((flatten)) size_t fused_avx2(norm *n, const char *s,
                                                                  size_t i, size_t len,
                                                                  line_mark *mk) {
  return fused_w(n, s, i, len, mk, 32);
}
#endif

/* Offset of the end ('\n' or '\r') of the line holding s[i], or len. */
static size_t line_end(const char *s, size_t i, size_t len) {
  const char *nl = memchr(s + i, '\n', len - i);
  size_t end = nl ? (size_t)(nl - s) : len;
  const char *cr = memchr(s + i, '\r', end - i);
  return cr ? (size_t)(cr - s) : end;
}

/* 1 if pith_entities_decode would decode a reference in s (found as it
 * finds them, without writing the result). */
static int has_entity(const char *s, size_t len) {
  for (const char *p = s, *end = s + len; (p = memchr(p, '&', (size_t)(end - p))) != NULL; p++) {
    uint32_t cp[2];
    int ncp;
    if (pith_entity_decode(p, (size_t)(end - p), cp, &ncp)) return 1;
  }
  return 0;
}

/* A line the fused pass flagged: keep its output unless mojibake repair,
 * entity decoding or NFC would change it; then take the stages one by
 * one from the line's start. */
static void settle(norm *n, const char *s, size_t len, const line_mark *mk) {
  int redo = (mk->saw & SAW_NFC) != 0;
  if (!redo && (mk->saw & SAW_MOJI)) redo = pith_mojibake_suspect(s, len);
  if (!redo && (mk->saw & SAW_AMP)) redo = has_entity(s, len);
  if (!redo) return;
  n->out->len = mk->at;
  n->out->data[mk->at] = '\0';
  n->pending = mk->pending;
  n->line_start = mk->line_start;
  staged_line(n, s, len);
}

static int run(norm *n, const char *in, size_t len) {
  size_t i = 0;
#ifdef NORM_AVX2
  int avx2 = pith_cpu_avx2();
#endif
  while (i < len && !n->out->failed) {
    pith_buf *o = n->out; /* room for the rest, once: see FUSED_SLACK */
    if (o->cap - o->len < len - i + FUSED_SLACK + 1 &&
        pith_buf_reserve(o, len - i + FUSED_SLACK) != 0)
      break;
    line_mark mk;
#ifdef NORM_AVX2
    i = avx2 ? fused_avx2(n, in, i, len, &mk) : fused(n, in, i, len, &mk);
#else
    i = fused(n, in, i, len, &mk);
#endif
    if (!mk.saw) continue;
    size_t end = (mk.saw & SAW_NFC) ? line_end(in, i, len) : i;
    settle(n, in + mk.begin, end - mk.begin, &mk);
    i = end;
    if (i < len) {
      i += (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n') ? 2 : 1;
      emit_eol(n);
    }
  }
  int failed = n->out->failed || n->a.failed || n->b.failed;
  pith_buf_free(&n->a);
  pith_buf_free(&n->b);
  return failed ? PITH_ENOMEM : PITH_OK;
}

int pith_normalize(const char *in, size_t len, unsigned flags, pith_buf *out) {
  norm n = {flags, 0, 0, 1, PITH_BUF_INIT, PITH_BUF_INIT, out};
  return run(&n, in, in ? len : 0);
}

int pith_normalize_inline(const char *in, size_t len, unsigned flags, int keep_newlines,
                          pith_buf *out) {
  norm n = {flags, !keep_newlines, 0, 1, PITH_BUF_INIT, PITH_BUF_INIT, out};
  return run(&n, in, in ? len : 0);
}
