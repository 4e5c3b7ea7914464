#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Blocks point into one arena copy of the normalized text: each line is
 * trimmed and NUL-terminated in place (pith_doc_add_line), so no line is
 * copied on its own. The copy is padded so that every line's last 8-byte
 * word can be loaded whole. */
enum { PAD = 16 };

/* Room for the blocks of a text of len bytes, allocated once: one per 24
 * bytes (all but a few dumps have longer lines on average; one per 40 left
 * a quarter of them to grow the array by a copy) rather than growing from
 * 256 by copies. On failure nothing changes (adding a block reports it). */
static void reserve_blocks(pith_doc *d, size_t len) {
  size_t want = d->n + len / 24 + 32;
  if (want <= d->cap) return;
  pith_block *nb = realloc(d->blocks, want * sizeof *nb);
  if (!nb) return;
  d->blocks = nb;
  d->cap = want;
}

/* Line mode: one block per non-empty line (pith_doc_add_lines). Returns
 * whether the text is hard-wrapped instead (paragraph mode): blank lines
 * separate runs that mostly hold more than one line. Blocks are trimmed
 * and NUL-terminated in place at or before their line end, never after
 * it. */
static int line_blocks(pith_doc *d, char *s, size_t len, int *exact) {
  pith_line_runs r;
  pith_doc_add_lines(d, s, len, &r);
  *exact &= r.exact;
  return r.runs >= 2 && r.multi * 2 > r.runs;
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
