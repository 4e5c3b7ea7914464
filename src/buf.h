/* Growable byte buffer: the one string builder of libpith (cf. cmark_strbuf).
 * A buffer owns its bytes; data is always NUL-terminated when len > 0 or
 * after pith_buf_cstr(). Allocation failure is sticky: once `failed` is set,
 * further appends are no-ops and callers check it once at the end. */
#ifndef PITH_BUF_H
#define PITH_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct pith_buf {
  char *data;
  size_t len;
  size_t cap;
  int failed; /* 1 after an allocation failure */
} pith_buf;

#define PITH_BUF_INIT {NULL, 0, 0, 0}

void pith_buf_init(pith_buf *b);
void pith_buf_free(pith_buf *b);
void pith_buf_clear(pith_buf *b);
int pith_buf_reserve(pith_buf *b, size_t extra);
void pith_buf_put(pith_buf *b, const void *p, size_t n);
void pith_buf_putc(pith_buf *b, char c);
void pith_buf_puts(pith_buf *b, const char *s);
void pith_buf_printf(pith_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append code point cp as UTF-8 (invalid code points become U+FFFD). */
void pith_buf_put_utf8(pith_buf *b, uint32_t cp);
/* Length of the valid UTF-8 sequence at s (1..4; no overlongs, surrogates
 * or code points past U+10FFFF), 0 when s does not start one. */
size_t pith_utf8_seq(const unsigned char *s, size_t n);
/* NUL-terminated view of the content (never NULL). */
const char *pith_buf_cstr(pith_buf *b);
/* Hand the bytes over to the caller (who frees with free()); b is reset. */
char *pith_buf_detach(pith_buf *b, size_t *len);

#endif
