#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "simd.h"
#include "swar.h"

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>
#endif

/* Arena chunks grow geometrically so a document needs few allocations. */
struct pith_arena_chunk {
  pith_arena_chunk *next;
  size_t used, cap;
  max_align_t data[];
};

#define ARENA_MIN_CHUNK 8192

void *pith_arena_alloc(pith_arena *a, size_t n) {
  n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  pith_arena_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = c ? c->cap * 2 : ARENA_MIN_CHUNK;
    if (cap > (1u << 24)) cap = 1u << 24;
    if (cap < n) cap = n;
    pith_arena_chunk *nc = malloc(sizeof *nc + cap);
    if (!nc) {
      a->failed = 1;
      return NULL;
    }
    nc->next = c;
    nc->used = 0;
    nc->cap = cap;
    a->head = c = nc;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

char *pith_arena_strndup(pith_arena *a, const char *s, size_t n) {
  char *p = pith_arena_alloc(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void *pith_arena_alloc_side(pith_arena *a, size_t n) {
  pith_arena_chunk *c = malloc(sizeof *c + n);
  if (!c) {
    a->failed = 1;
    return NULL;
  }
  c->next = a->side;
  c->used = c->cap = n;
  a->side = c;
  return c->data;
}

static void free_chunks(pith_arena_chunk *c) {
  while (c) {
    pith_arena_chunk *next = c->next;
    free(c);
    c = next;
  }
}

void pith_arena_free(pith_arena *a) {
  free_chunks(a->head);
  free_chunks(a->side);
  a->head = a->side = NULL;
}

void pith_doc_init(pith_doc *d, const pith_options *opts) {
  memset(d, 0, sizeof *d);
  d->opts = opts;
}

void pith_doc_free(pith_doc *d) {
  free(d->blocks);
  pith_arena_free(&d->arena);
  memset(d, 0, sizeof *d);
}

/* ' ' and \t \n \v \f \r (9..13) */
static int is_space(unsigned char c) {
  return c <= ' ' && (c == ' ' || (unsigned)(c - '\t') < 5);
}

/* Terminal punctuation after closing quotes and brackets (n > 0). */
static int ends_sentence_closed(const char *s, size_t n) {
  while (n > 0) {
    unsigned char c = (unsigned char)s[n - 1];
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '*') {
      n--;
      continue;
    }
    /* ” ’ » (UTF-8 tails) */
    if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 &&
        (unsigned char)s[n - 2] == 0x80 &&
        ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99)) {
      n -= 3;
      continue;
    }
    break;
  }
  if (n == 0) return 0;
  unsigned char c = (unsigned char)s[n - 1];
  if (c == '.' || c == '!' || c == '?') return 1;
  /* 。！？ (CJK full stops) */
  if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 &&
      (unsigned char)s[n - 2] == 0x80 && (unsigned char)s[n - 1] == 0x82)
    return 1;
  if (n >= 3 && (unsigned char)s[n - 3] == 0xEF &&
      (unsigned char)s[n - 2] == 0xBC &&
      ((unsigned char)s[n - 1] == 0x81 || (unsigned char)s[n - 1] == 0x9F))
    return 1;
  return 0;
}

/* ASCII bytes 0..63 / 64..127 by bit: . ! ? end a sentence; closing quotes
 * and brackets (" ' ) * and ]) may follow the mark. */
#define TERM_LO (1ull << '.' | 1ull << '!' | 1ull << '?')
#define CLOSE_LO (1ull << '"' | 1ull << '\'' | 1ull << ')' | 1ull << '*')
#define CLOSE_HI (1ull << (']' - 64))

/* The same by the last byte's quarter (byte >> 6): bytes from 0x80 on
 * (UTF-8 tails of closers and CJK stops) look further back like closers. */
static const uint64_t TERM_BITS[4] = {TERM_LO, 0, 0, 0};
static const uint64_t CLOSE_BITS[4] = {CLOSE_LO, CLOSE_HI, ~0ull, ~0ull};

#if defined(__GNUC__) || defined(__clang__)
/* the last-byte test goes inline into the per-line paths */
#define DOC_INLINE inline __attribute__((always_inline))
#else
#define DOC_INLINE inline
#endif

/* Terminal punctuation: the line ends a sentence. Closing quotes and
 * brackets after the mark count (`said."`). */
static DOC_INLINE int ends_sentence(const char *s, size_t n) {
  if (n == 0) return 0;
  /* Most lines end in a letter, a digit or a full stop: their last byte
   * decides with one test of a bit set (a branch per class would be
   * mispredicted); closers and non-ASCII bytes look further back. */
  unsigned char last = (unsigned char)s[n - 1];
  unsigned q = last >> 6, bit = last & 63;
  if (CLOSE_BITS[q] >> bit & 1) return ends_sentence_closed(s, n);
  return (int)(TERM_BITS[q] >> bit & 1);
}

/* Is there a navigation separator at s+i (i + 1 < n)? */
static int separator_at(const char *s, size_t n, size_t i) {
  unsigned char c = (unsigned char)s[i];
  if (c == '|') return 1;
  if (c == 0xE2)
    return i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
           ((unsigned char)s[i + 2] == 0xA2 ||  /* • */
            (unsigned char)s[i + 2] == 0xBA);   /* › */
  return c == 0xC2 && ((unsigned char)s[i + 1] == 0xB7 || /* · */
                       (unsigned char)s[i + 1] == 0xBB);  /* » */
}

/* Separators starting in the word x at s+i (the last byte never starts
 * one). Little-endian: only at the bytes that can start one ('|', 0xC2,
 * 0xE2), found by a mask. */
static unsigned separators_in(const char *s, size_t n, size_t i, uint64_t x) {
  unsigned k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t m = pith_swar_eq(x, '|') | pith_swar_eq(x | PITH_SWAR_ONES * 0x20, 0xE2);
  for (; m; m &= m - 1) {
    size_t j = i + (unsigned)__builtin_ctzll(m) / 8;
    if (j >= n - 1) break;
    k += (unsigned)separator_at(s, n, j);
  }
#else
  (void)x;
  size_t e = i + 8 < n - 1 ? i + 8 : n - 1;
  for (size_t j = i; j < e; j++) k += (unsigned)separator_at(s, n, j);
#endif
  return k;
}

/* Per-block counts from one pass over its text, 8 bytes at a time:
 * continuation bytes (chars = len - them) and, for text lines, navigation
 * separators ("Home | News", "Home › World"). Plain ASCII words (most)
 * only look for '|', and only in lines that hold one; 0xC2 and 0xE2 (the
 * other separators' lead bytes) differ in bit 0x20 only, one test of
 * x | 0x20 finds both. */
enum { SEPS_NONE, SEPS_UTF8, SEPS_ALL };

typedef struct counts {
  uint32_t conts;
  unsigned seps;
} counts;

static inline void count_word(counts *c, uint64_t x, const char *s, size_t n,
                              size_t i, int seps) {
  if (x & PITH_SWAR_HIGH) {
    c->conts += pith_swar_count(pith_swar_cont(x));
    if (seps != SEPS_NONE &&
        ((seps == SEPS_ALL && pith_swar_has(x, '|')) ||
         pith_swar_has(x | PITH_SWAR_ONES * 0x20, 0xE2)))
      c->seps += separators_in(s, n, i, x);
  } else if (seps == SEPS_ALL && pith_swar_has(x, '|')) {
    c->seps += separators_in(s, n, i, x);
  }
}

#if defined(__SSE2__) && !defined(PITH_NO_SSE2) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SHORT_LINES 1

/* Bits set in a 32-bit mask (no popcount instruction in the baseline). */
static inline uint32_t popcount32(uint32_t x) {
  x -= (x >> 1) & 0x55555555u;
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return (x * 0x01010101u) >> 24;
}

/* Bit masks of 16 bytes: ASCII letters and digits; bytes >= 0x80 or
 * apostrophes (lines without either are the plain ones). */
static inline uint32_t alnum_bits(__m128i x) {
  /* ranges by signed compares: x + (0x80 - lo) < -128 + width */
  const __m128i la = _mm_set1_epi8(0x80 - 'a'), lz = _mm_set1_epi8(-128 + 26);
  const __m128i d0 = _mm_set1_epi8(0x80 - '0'), d9 = _mm_set1_epi8(-128 + 10);
  __m128i let = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), la), lz);
  __m128i dig = _mm_cmplt_epi8(_mm_add_epi8(x, d0), d9);
  return (uint32_t)_mm_movemask_epi8(_mm_or_si128(let, dig));
}

static inline uint32_t odd_bits(__m128i x) {
  return (uint32_t)_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))));
}

static inline uint32_t bar_bits(__m128i x) {
  return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('|')));
}


/* The words and separators of a line of 33..64 bytes (else as short_ascii):
 * four 16-byte loads, the last at s + 48 or, when shorter, at the line's
 * end (its bits then fall outside `in`). */
static int medium_ascii(const char *s, size_t n, int bar, uint32_t *words,
                        unsigned *seps) {
  uint64_t an = 0, odd = 0, bars = 0;
  const uint64_t in = ~0ull >> (64 - n);
  size_t last = n < 48 ? n : 48;
  for (size_t i = 0; i < 64; i += 16) {
    size_t at = i < 48 ? i : last;
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
    an |= (uint64_t)alnum_bits(x) << at;
    odd |= (uint64_t)odd_bits(x) << at;
    if (bar) bars |= (uint64_t)bar_bits(x) << at;
  }
  if (odd & in) return 0;
  *seps = bars ? pith_swar_popcount64(bars & (in >> 1)) : 0;
  an &= in;
  *words = pith_swar_popcount64(an & ~(an << 1));
  return 1;
}

/* A line of 1..64 bytes of plain ASCII without apostrophes (most lines:
 * menus, labels) from 16-byte loads that stay inside s + n + 16: its
 * separators ('|', looked for when `bar`) and words (runs of letters and
 * digits, as the stop-word counter finds them). Returns 0 (nothing set)
 * for any other line. */
static DOC_INLINE int short_ascii(const char *s, size_t n, int bar, uint32_t *words,
                       unsigned *seps) {
  if (n > 32) return n <= 64 ? medium_ascii(s, n, bar, words, seps) : 0;
  /* Up to 32 bytes in two loads whatever the length (a branch on it
   * would be mispredicted, line lengths vary): the second at s + 16, or
   * at the line's end when shorter, where its bits fall outside `in`. */
  size_t k = n < 16 ? n : 16;
  uint32_t in = (uint32_t)((2ull << (n - 1)) - 1);
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
  __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
  uint32_t an = (alnum_bits(x) | alnum_bits(y) << k) & in;
  uint32_t odd = (odd_bits(x) | odd_bits(y) << k) & in;
  uint32_t bars = bar ? (bar_bits(x) | bar_bits(y) << k) & in : 0;
  if (odd) return 0;
  /* a '|' that ends the line separates nothing (as separators_in) */
  *seps = bars ? popcount32(bars & (in >> 1)) : 0;
  *words = popcount32(an & ~(an << 1));
  return 1;
}
#endif

#if defined(SHORT_LINES) && defined(PITH_AVX2)
/* With AVX2 (and POPCNT, which every AVX2 processor has; chosen at run
 * time) the line walk takes the text's bytes 64 at a time into bit masks
 * once (line ends, continuation bytes, letters and digits, apostrophes,
 * separators) and each line's counts from those masks by popcounts: no
 * per-line loads, no loop over long lines. */
#define DOC_AVX2 1

/* The byte constants of the window masks, made once per walk. Hidden
 * from the compiler (an empty asm), which otherwise builds each one again
 * in every window from an immediate, three instructions apiece (calls in
 * the walk clobber the vector registers): now they stay on the stack and
 * the compares read them from there. */
typedef struct win_consts {
  __m256i bit5, e2, nl, cont, quote, bar, la, lz, d0, d9;
} win_consts;

static inline PITH_TARGET_AVX2 __m256i opaque32(__m256i v) {
  __asm__("" : "+x"(v));
  return v;
}

static inline PITH_TARGET_AVX2 win_consts win_consts_make(void) {
  return (win_consts){opaque32(_mm256_set1_epi8(0x20)), opaque32(_mm256_set1_epi8((char)0xE2)),
                      opaque32(_mm256_set1_epi8('\n')), opaque32(_mm256_set1_epi8(-64)),
                      opaque32(_mm256_set1_epi8('\'')), opaque32(_mm256_set1_epi8('|')),
                      opaque32(_mm256_set1_epi8(0x80 - 'a')),
                      opaque32(_mm256_set1_epi8(-128 + 26)),
                      opaque32(_mm256_set1_epi8(0x80 - '0')),
                      opaque32(_mm256_set1_epi8(-128 + 10))};
}

/* Letters and digits among the 32 bytes x (`low`: x | 0x20). */
static inline PITH_TARGET_AVX2 uint32_t alnum_bits32(__m256i x, __m256i low,
                                                     const win_consts *k) {
  __m256i let = _mm256_cmpgt_epi8(k->lz, _mm256_add_epi8(low, k->la));
  __m256i dig = _mm256_cmpgt_epi8(k->d9, _mm256_add_epi8(x, k->d0));
  return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(let, dig));
}

static inline PITH_TARGET_AVX2 __m256i load32(const char *p) {
  return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* Bit k of each mask for the byte at p + k (k < 64): what a line's
 * counts need, as pith_doc_add_line finds them. */
typedef struct win_masks {
  uint64_t nl;   /* '\n' */
  uint64_t cont; /* UTF-8 continuation bytes 80..BF: chars = len - them */
  uint64_t apos; /* apostrophes: a word stays open across them */
  uint64_t an;   /* ASCII letters and digits: words are their runs */
  uint64_t sep;  /* '|' and the starts of • › · » (separator_at) */
} win_masks;

/* The starts of • › · » among the bytes C2 and E2 (`lead`) of the 64 at
 * p (p + 66 readable): separator_at's test, a byte at a time (a few
 * windows hold such leads: dashes, ellipses, « », ©). */
static uint64_t utf8_seps(const char *p, uint64_t lead) {
  uint64_t sep = 0;
  for (; lead; lead &= lead - 1) {
    unsigned k = (unsigned)__builtin_ctzll(lead);
    const unsigned char *u = (const unsigned char *)p + k;
    int is = u[0] == 0xE2 ? u[1] == 0x80 && (u[2] == 0xA2 || u[2] == 0xBA)
                          : u[1] == 0xB7 || u[1] == 0xBB;
    sep |= (uint64_t)is << k;
  }
  return sep;
}

/* The masks of the 32 bytes at p into bits sh.. of w; *lead gets the
 * bytes C2 and E2 (which may start a separator). */
static inline PITH_TARGET_AVX2 void masks32(const char *p, win_masks *w, uint64_t *lead,
                                            unsigned sh, const win_consts *k) {
  __m256i x = load32(p);
  __m256i low = _mm256_or_si256(x, k->bit5);
  __m256i cont = _mm256_cmpgt_epi8(k->cont, x); /* signed: 80..BF */
  __m256i c2e2 = _mm256_cmpeq_epi8(low, k->e2);
  w->nl |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, k->nl)) << sh;
  w->cont |= (uint64_t)(uint32_t)_mm256_movemask_epi8(cont) << sh;
  w->apos |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, k->quote)) << sh;
  w->an |= (uint64_t)alnum_bits32(x, low, k) << sh;
  w->sep |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, k->bar)) << sh;
  *lead |= (uint64_t)(uint32_t)_mm256_movemask_epi8(c2e2) << sh;
}

/* The masks of the 64 bytes at p (p + 66 readable). */
static inline PITH_TARGET_AVX2 win_masks masks64(const char *p, const win_consts *k) {
  win_masks w = {0, 0, 0, 0, 0};
  uint64_t lead = 0;
  masks32(p, &w, &lead, 0, k);
  masks32(p + 32, &w, &lead, 32, k);
  if (lead) w.sep |= utf8_seps(p, lead);
  return w;
}
#endif

/* s+n rounded up to 8 bytes must be readable: the last word is loaded
 * whole and masked. (A 32-byte step with AVX2 cost more mispredicted loop
 * exits than it saved.) */
static inline counts count_text(const char *s, size_t n, int seps) {
  counts c = {0, 0};
  size_t i = 0;
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
  /* without '|' to look for, plain ASCII (most) 16 bytes a step */
  if (seps != SEPS_ALL)
    for (; i + 16 <= n; i += 16) {
      if (!_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))))
        continue;
      count_word(&c, pith_swar_load(s + i), s, n, i, seps);
      count_word(&c, pith_swar_load(s + i + 8), s, n, i + 8, seps);
    }
#endif
  for (; i + 8 <= n; i += 8) count_word(&c, pith_swar_load(s + i), s, n, i, seps);
  if (i < n)
    count_word(&c, pith_swar_load(s + i) & pith_swar_first(n - i), s, n, i, seps);
  return c;
}

/* Room for `cap` blocks (256 at least: a typical page in one go) when
 * there is none left; 0 (d->failed set) when that fails. */
static int grow_blocks(pith_doc *d, size_t cap) {
  if (cap < 256) cap = 256;
  pith_block *nb = realloc(d->blocks, cap * sizeof *nb);
  if (!nb) {
    d->failed = 1;
    return 0;
  }
  d->blocks = nb;
  d->cap = cap;
  return 1;
}

static pith_block *next_block(pith_doc *d) {
  if (d->n == d->cap && !grow_blocks(d, d->cap * 2)) return NULL;
  pith_block *b = &d->blocks[d->n++];
  memset(b, 0, sizeof *b);
  return b;
}

pith_block *pith_doc_add(pith_doc *d, const char *text, size_t len,
                         pith_block_kind kind) {
  while (len > 0 && is_space((unsigned char)text[0])) text++, len--;
  while (len > 0 && is_space((unsigned char)text[len - 1])) len--;
  if (len == 0 || len > UINT32_MAX) return NULL;
  /* the arena rounds len + 1 up to 16 bytes: the last word is readable */
  char *t = pith_arena_strndup(&d->arena, text, len);
  if (!t) {
    d->failed = 1;
    return NULL;
  }
  pith_block *b = next_block(d);
  if (!b) return NULL;
  b->text = t;
  b->len = (uint32_t)len;
  b->kind = (uint8_t)kind;
  b->chars = (uint32_t)len - count_text(t, len, SEPS_NONE).conts;
  b->terminal = (uint8_t)ends_sentence(t, len);
  return b;
}

/* pith_doc_add_line's work on a trimmed line of 1..UINT32_MAX bytes,
 * inlined into the line walk: the block is written whole (no memset, then
 * the fields) once its counts are known. */
static DOC_INLINE void fill_line(pith_block *b, char *text, size_t len, int bar) {
  counts c;
  uint32_t words = 0;
#ifdef SHORT_LINES
  /* Short ASCII lines also get their words here (pith_classify_language
   * counts only the lines whose words are 0 then), from the same loads. */
  if (!short_ascii(text, len, bar, &words, &c.seps)) {
    c = bar ? count_text(text, len, SEPS_ALL) : count_text(text, len, SEPS_UTF8);
  } else {
    c.conts = 0;
  }
#else
  c = bar ? count_text(text, len, SEPS_ALL) : count_text(text, len, SEPS_UTF8);
#endif
  text[len] = '\0';
  *b = (pith_block){.text = text,
                    .len = (uint32_t)len,
                    .chars = (uint32_t)len - c.conts,
                    .words = words,
                    .kind = PITH_BLK_P,
                    .seps = (uint8_t)(c.seps > 255 ? 255 : c.seps),
                    .terminal = (uint8_t)ends_sentence(text, len)};
}

/* The line at *text trimmed; 0 when nothing is left. */
static inline size_t trim_line(char **text, size_t len) {
  while (len > 0 && is_space((unsigned char)(*text)[0])) ++*text, len--;
  while (len > 0 && is_space((unsigned char)(*text)[len - 1])) len--;
  return len;
}

pith_block *pith_doc_add_line(pith_doc *d, char *text, size_t len, int bar) {
  len = trim_line(&text, len);
  if (len == 0 || len > UINT32_MAX) return NULL;
  if (d->n == d->cap && !grow_blocks(d, d->cap * 2)) return NULL;
  pith_block *b = &d->blocks[d->n++];
  fill_line(b, text, len, bar);
  return b;
}

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
/* Bit k set when s[k] is '\n', for the 16 bytes at s. */
static inline uint64_t nl16(const char *s) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
  return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
}
#else
static inline uint64_t nl16(const char *s) {
  uint64_t m = 0;
  for (unsigned k = 0; k < 16; k++) m |= (uint64_t)(s[k] == '\n') << k;
  return m;
}
#endif

/* Bit k set when s[at + k] is '\n', for the 64 bytes from `at` (< len)
 * on: one look per 64 bytes rather than a memchr call per line. Loads
 * stop at the 16-byte block holding the text's end, within its padding;
 * bits from len on are clear. */
static inline uint64_t nl_window(const char *s, size_t at, size_t len) {
  const char *p = s + at;
  if (len - at >= 64) {
    return nl16(p) | nl16(p + 16) << 16 | nl16(p + 32) << 32 | nl16(p + 48) << 48;
  }
  uint64_t m = 0;
  for (size_t k = 0; k < len - at; k += 16) m |= nl16(p + k) << k;
  return m & ~(~0ull << (len - at));
}

/* Where the line walk is: its counts so far, lines in the current run,
 * the next '|' at or after the line (end: none), the block array (kept
 * here: the NUL written into each line might alias d's fields). */
typedef struct line_walk {
  pith_line_runs r;
  size_t run_lines;
  char *bar, *start, *end;
  pith_block *blocks;
  size_t n, cap;
} line_walk;

/* Room for the rest of the text from p on, for as many lines as it held
 * so far; 0 (d->failed set) when that fails. */
static int room_for_rest(pith_doc *d, line_walk *w, const char *p) {
  size_t per = (size_t)(p - w->start) / (w->n ? w->n : 1) + 1;
  d->n = w->n;
  int ok = grow_blocks(d, w->n + (size_t)(w->end - p) / per + w->n / 4 + 16);
  w->blocks = d->blocks;
  w->cap = d->cap;
  return ok;
}

/* The line [p, e) (e: its '\n' or the text's end) as a block's text:
 * trimmed into *t, its length returned; 0 when it adds no block (blank,
 * too long, no room). Counts the runs of lines between blank ones. */
static DOC_INLINE size_t take_line(pith_doc *d, line_walk *w, char *p, char *e, char **t) {
  if (e == p) {
    if (w->run_lines) w->r.runs++, w->r.multi += w->run_lines > 1;
    w->run_lines = 0;
    return 0;
  }
  w->run_lines++;
  if (w->n == w->cap && !room_for_rest(d, w, p)) return 0;
  *t = p;
  size_t n = (size_t)(e - p);
  /* Normalized lines (SPACES) have nothing to trim: one test of their
   * outer bytes (spaces and controls) instead of the trim loops */
  if (((unsigned char)p[0] <= ' ') | ((unsigned char)e[-1] <= ' ')) {
    n = trim_line(t, n);
    /* NUL maybe not on the '\n': the line ended in spaces, trimmed (or
     * in a control, kept: a needless but harmless start again) */
    if (n && (unsigned char)e[-1] <= ' ') w->r.exact = 0;
  }
  return n > UINT32_MAX ? 0 : n;
}

/* The line [p, e), counted from its own bytes. */
static DOC_INLINE void one_line(pith_doc *d, line_walk *w, char *p, char *e) {
  char *t;
  size_t n = take_line(d, w, p, e, &t);
  if (!n) return;
  if (w->bar < p) {
    w->bar = memchr(p, '|', (size_t)(w->end - p));
    if (!w->bar) w->bar = w->end;
  }
  fill_line(&w->blocks[w->n++], t, n, w->bar < e);
}

/* pith_doc_add_lines 16 bytes a load, each line counted on its own. */
static void add_lines16(pith_doc *d, char *s, size_t len, pith_line_runs *r) {
  line_walk w = {{0, 0, 1}, 0, NULL, s, s + len, d->blocks, d->n, d->cap};
  /* a line holds a '|' when the next one comes before the line's end */
  w.bar = memchr(s, '|', len);
  if (!w.bar) w.bar = w.end;
  char *p = s;
  size_t at = 0;
  uint64_t m = len ? nl_window(s, 0, len) : 0;
  for (;;) {
    while (!m) {
      if ((at += 64) >= len) goto last;
      m = nl_window(s, at, len);
    }
    char *e = s + at + (unsigned)__builtin_ctzll(m);
    m &= m - 1;
    one_line(d, &w, p, e);
    p = e + 1;
  }
last:
  if (p < w.end) one_line(d, &w, p, w.end);
  if (w.run_lines) w.r.runs++, w.r.multi += w.run_lines > 1;
  d->n = w.n;
  *r = w.r;
}

#ifdef DOC_AVX2
/* Mask bits counted from the start of a window: each line's counts are
 * the difference of those at its ends (the bytes trimmed off a line,
 * spaces and controls, are in no mask). Modulo 2^64: a line that started
 * in an earlier window has its start's counts below zero. */
typedef struct tally {
  uint64_t cont, words, seps; /* words: word starts */
} tally;

/* The counts below bit `off` (< 64) of the window m whose word starts are
 * `ws`. */
static inline PITH_TARGET_AVX2 tally tally_at(const win_masks *m, uint64_t ws, unsigned off) {
  uint64_t below = ~(~0ull << off);
  return (tally){(uint64_t)__builtin_popcountll(m->cont & below),
                 (uint64_t)__builtin_popcountll(ws & below),
                 (uint64_t)__builtin_popcountll(m->sep & below)};
}

/* The line [p, e) whose totals run from *prev to *now (which *prev then
 * gets): the counts pith_doc_add_line gives it. */
static DOC_INLINE PITH_TARGET_AVX2 void counted_line(pith_doc *d, line_walk *w, char *p,
                                                     char *e, tally *prev, const tally *now) {
  tally in = {now->cont - prev->cont, now->words - prev->words, now->seps - prev->seps};
  *prev = *now;
  char *t;
  size_t n = take_line(d, w, p, e, &t);
  if (!n) return;
  /* words of lines without continuation bytes only (the byte before the
   * line is a '\n' or a space: no word is open), chosen without a branch
   * (one was mispredicted for 1 line in 7): ASCII, or bytes from 0x80 on
   * that start no character, which the stop-word counter takes for
   * separators one at a time as the letter mask does; a '|' that ends
   * the line separates nothing */
  uint32_t words = (uint32_t)in.words & -(uint32_t)(in.cont == 0);
  uint64_t seps = in.seps - ((unsigned char)t[n - 1] == '|');
  int terminal = ends_sentence(t, n); /* its bytes read before the NUL's store */
  t[n] = '\0';
  w->blocks[w->n++] = (pith_block){.text = t,
                                   .len = (uint32_t)n,
                                   .chars = (uint32_t)(n - in.cont),
                                   .words = words,
                                   .kind = PITH_BLK_P,
                                   .seps = (uint8_t)(seps > 255 ? 255 : seps),
                                   .terminal = (uint8_t)terminal};
}

/* The word starts of a window (letters and digits not inside a word), as
 * the stop-word counter finds them: a word stays open across the
 * apostrophes that follow it ("don't" is one word). *open: a word is open
 * before the window's first byte; it gets the same for the next one's. */
static inline PITH_TARGET_AVX2 uint64_t word_starts(uint64_t an, uint64_t apos,
                                                    uint64_t *open) {
  uint64_t prev = an << 1 | *open;
  /* adding the run's first apostrophe after an open word to the run
   * carries to the byte after it: open there too; a carry out of the
   * window leaves the word open across it (without a branch on apos:
   * one in a sixteenth of the windows, mispredicted) */
  uint64_t sum = apos + (prev & apos);
  *open = an >> 63 | (sum < apos);
  return an & ~(prev | (sum & ~apos));
}

/* pith_doc_add_lines from the masks of 64 bytes at a time. */
static PITH_TARGET_AVX2 void add_lines_avx2(pith_doc *d, char *s, size_t len,
                                            pith_line_runs *r) {
  line_walk w = {{0, 0, 1}, 0, NULL, s, s + len, d->blocks, d->n, d->cap};
  const win_consts k = win_consts_make();
  tally prev = {0, 0, 0}; /* at the last line end */
  uint64_t open = 0; /* a word is open before the window */
  char *p = s;
  for (size_t at = 0; at < len; at += 64) {
    win_masks m;
    if (len - at >= 64) {
      m = masks64(s + at, &k); /* reads 2 bytes on, within the padding */
    } else { /* a copy padded with NULs, which no mask holds */
      char tail[128] = {0};
      memcpy(tail, s + at, len - at);
      m = masks64(tail, &k);
    }
    uint64_t ws = word_starts(m.an, m.apos, &open);
    for (uint64_t nl = m.nl; nl; nl &= nl - 1) {
      unsigned off = (unsigned)__builtin_ctzll(nl);
      tally now = tally_at(&m, ws, off);
      counted_line(d, &w, p, s + at + off, &prev, &now);
      p = s + at + off + 1;
    }
    /* counted from the next window's start */
    prev.cont -= (uint64_t)__builtin_popcountll(m.cont);
    prev.words -= (uint64_t)__builtin_popcountll(ws);
    prev.seps -= (uint64_t)__builtin_popcountll(m.sep);
  }
  const tally end = {0, 0, 0};
  if (p < w.end) counted_line(d, &w, p, w.end, &prev, &end);
  if (w.run_lines) w.r.runs++, w.r.multi += w.run_lines > 1;
  d->n = w.n;
  *r = w.r;
}
#endif

void pith_doc_add_lines(pith_doc *d, char *s, size_t len, pith_line_runs *r) {
#ifdef DOC_AVX2
  if (pith_cpu_avx2()) {
    add_lines_avx2(d, s, len, r);
    return;
  }
#endif
  add_lines16(d, s, len, r);
}

void pith_doc_set_field(pith_doc *d, pith_field f, const char *s, size_t n) {
  if ((int)f < 0 || f >= PITH_FIELD_COUNT_ || d->fields[f] || !s) return;
  while (n > 0 && is_space((unsigned char)s[0])) s++, n--;
  while (n > 0 && is_space((unsigned char)s[n - 1])) n--;
  if (n == 0) return;
  d->fields[f] = pith_arena_strndup(&d->arena, s, n);
  if (!d->fields[f]) d->failed = 1;
}
