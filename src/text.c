#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>
#endif

/* Blocks point into one arena copy of the normalized text: each line is
 * trimmed and NUL-terminated in place (pith_doc_add_line), so no line is
 * copied on its own. The copy is padded so that every line's last 8-byte
 * word can be loaded whole. */
enum { PAD = 16 };

/* Room for the blocks of a text of len bytes, allocated once: one per 40
 * bytes (most dumps have longer lines) rather than growing from 256 by
 * copies. On failure nothing changes (adding a block reports it). */
static void reserve_blocks(pith_doc *d, size_t len) {
  size_t want = d->n + len / 40 + 32;
  if (want <= d->cap) return;
  pith_block *nb = realloc(d->blocks, want * sizeof *nb);
  if (!nb) return;
  d->blocks = nb;
  d->cap = want;
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
  if (len - at >= 64)
    return nl16(p) | nl16(p + 16) << 16 | nl16(p + 32) << 32 | nl16(p + 48) << 48;
  uint64_t m = 0;
  for (size_t k = 0; k < len - at; k += 16) m |= nl16(p + k) << k;
  return m & ~(~0ull << (len - at));
}

/* Where line_blocks is: blank-line separated runs seen, how many held
 * more than one line, lines in the current run, the next '|' (see
 * line_blocks), whether every block's NUL is on its line end. */
typedef struct line_state {
  size_t runs, multi, run_lines;
  char *bar, *end;
  int exact;
} line_state;

/* The line [p, e) (e: its '\n' or the text's end). */
static inline void one_line(pith_doc *d, line_state *ls, char *p, char *e) {
  if (e == p) {
    if (ls->run_lines) ls->runs++, ls->multi += ls->run_lines > 1;
    ls->run_lines = 0;
    return;
  }
  ls->run_lines++;
  if (ls->bar < p) {
    ls->bar = memchr(p, '|', (size_t)(ls->end - p));
    if (!ls->bar) ls->bar = ls->end;
  }
  pith_block *b = pith_doc_add_line(d, p, (size_t)(e - p), ls->bar < e);
  /* NUL maybe not on the '\n': the line ended in spaces, trimmed (or in a
   * control, kept: a needless but harmless start again) */
  if (b && (unsigned char)e[-1] <= ' ') ls->exact = 0;
}

/* Line mode: one block per non-empty line. Returns whether the text is
 * hard-wrapped instead (paragraph mode): blank lines separate runs that
 * mostly hold more than one line. Blocks are trimmed and NUL-terminated
 * in place at or before their line end, never after it, so the line ends
 * of a window stay where nl_window found them. */
static int line_blocks(pith_doc *d, char *s, size_t len, int *exact) {
  line_state ls = {0, 0, 0, NULL, s + len, 1};
  /* the next '|' at or after the line (end: none); a line holds one when
   * it comes before the line's end */
  ls.bar = memchr(s, '|', len);
  if (!ls.bar) ls.bar = ls.end;
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
    one_line(d, &ls, p, e);
    p = e + 1;
  }
last:
  if (p < ls.end) one_line(d, &ls, p, ls.end);
  if (ls.run_lines) ls.runs++, ls.multi += ls.run_lines > 1;
  *exact &= ls.exact;
  return ls.runs >= 2 && ls.multi * 2 > ls.runs;
}

/* Paragraph mode: the lines of a run joined by one space (the newlines
 * between them become spaces), one block per run. */
static void paragraph_blocks(pith_doc *d, char *s, size_t len) {
  char *p = s, *end = s + len, *start = NULL, *last = NULL;
  int bar = memchr(s, '|', len) != NULL; /* rare: whole paragraphs tested */
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *e = nl ? nl : end;
    if (e == p) {
      if (start) pith_doc_add_line(d, start, (size_t)(last - start), bar);
      start = NULL;
    } else {
      if (start) p[-1] = ' ';
      else start = p;
      last = e;
    }
    p = nl ? nl + 1 : end;
  }
  if (start) pith_doc_add_line(d, start, (size_t)(last - start), bar);
}

int pith_text_blocks(pith_doc *d, const char *text, size_t len) {
  char *s = pith_arena_alloc_side(&d->arena, len + PAD);
  if (!s) {
    d->failed = 1;
    return PITH_ENOMEM;
  }
  memcpy(s, text, len);
  memset(s + len, 0, PAD);
  size_t n0 = d->n;
  int exact = 1;
  reserve_blocks(d, len);
  if (line_blocks(d, s, len, &exact)) {
    /* hard-wrapped text (rare): start again from a fresh copy */
    d->n = n0;
    memcpy(s, text, len);
    paragraph_blocks(d, s, len);
  }
  return d->failed ? PITH_ENOMEM : PITH_OK;
}

int pith_text_blocks_in_place(pith_doc *d, char *s, size_t len) {
  size_t n0 = d->n;
  int exact = 1;
  reserve_blocks(d, len);
  if (line_blocks(d, s, len, &exact)) {
    if (!exact) { /* a trimmed line's last space is lost */
      d->n = n0;
      return 1;
    }
    /* hard-wrapped: each line's NUL back to the '\n' it replaced */
    for (size_t i = n0; i < d->n; i++) {
      char *e = (char *)d->blocks[i].text + d->blocks[i].len;
      if (e < s + len) *e = '\n';
    }
    d->n = n0;
    paragraph_blocks(d, s, len);
  }
  return d->failed ? PITH_ENOMEM : PITH_OK;
}
