#include "text.h"

#include <string.h>

/* Navigation separators a dump keeps from menus and breadcrumbs:
 * "Home | News | Sport", "Home › World › Asia". */
static unsigned count_separators(const char *s, size_t n) {
  unsigned k = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '|' ) k++;
    else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
             ((unsigned char)s[i + 2] == 0xA2 ||  /* • */
              (unsigned char)s[i + 2] == 0xBA))   /* › */
      k++;
    else if (c == 0xC2 && ((unsigned char)s[i + 1] == 0xB7 || /* · */
                           (unsigned char)s[i + 1] == 0xBB))  /* » */
      k++;
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
