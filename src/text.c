#include "text.h"

#include <string.h>

#include "swar.h"

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

/* Navigation separators a dump keeps from menus and breadcrumbs:
 * "Home | News | Sport", "Home › World › Asia". Lines without '|' or the
 * separators' lead bytes (most) are skipped 8 bytes at a time. The last
 * byte is never a separator's start. */
static unsigned count_separators(const char *s, size_t n) {
  unsigned k = 0;
  size_t i = 0;
  for (; i + 8 < n; i += 8) {
    /* 0xC2 and 0xE2 differ only in bit 0x20: one compare of x | 0x20
     * finds both (no other byte maps to 0xE2). */
    uint64_t x = pith_swar_load(s + i);
    if (!(pith_swar_eq(x, '|') | pith_swar_eq(x | PITH_SWAR_ONES * 0x20, 0xE2)))
      continue;
    for (size_t j = i; j < i + 8; j++) k += (unsigned)separator_at(s, n, j);
  }
  /* The tail (and short lines): a cheap byte test before the full one. */
  for (; i + 1 < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '|' || (c | 0x20) == 0xE2) k += (unsigned)separator_at(s, n, i);
  }
  return k > 255 ? 255 : k;
}

/* Decide line versus paragraph mode: paragraph mode when blank lines
 * separate runs that mostly hold more than one line (hard-wrapped text). */
static int paragraph_mode(const char *s, size_t len) {
  size_t runs = 0, multi = 0, run_lines = 0;
  const char *p = s, *end = s + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    if (e == p) {
      if (run_lines) runs++, multi += run_lines > 1;
      run_lines = 0;
    } else {
      run_lines++;
    }
    p = nl ? nl + 1 : end;
  }
  if (run_lines) runs++, multi += run_lines > 1;
  return runs >= 2 && multi * 2 > runs;
}

static void add_block(pith_doc *d, const char *s, size_t n) {
  pith_block *b = pith_doc_add(d, s, n, PITH_BLK_P);
  if (b) b->seps = (uint8_t)count_separators(b->text, b->len);
}

int pith_text_blocks(pith_doc *d, const char *text, size_t len) {
  int para = paragraph_mode(text, len);
  const char *p = text, *end = text + len;
  pith_buf acc = PITH_BUF_INIT;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    if (!para) {
      if (e > p) add_block(d, p, (size_t)(e - p));
    } else if (e == p) {
      if (acc.len) add_block(d, acc.data, acc.len);
      pith_buf_clear(&acc);
    } else {
      if (acc.len) pith_buf_putc(&acc, ' ');
      pith_buf_put(&acc, p, (size_t)(e - p));
    }
    p = nl ? nl + 1 : end;
  }
  if (acc.len) add_block(d, acc.data, acc.len);
  int failed = acc.failed;
  pith_buf_free(&acc);
  return failed || d->failed ? PITH_ENOMEM : PITH_OK;
}
