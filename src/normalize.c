/* Text repair and normalization, one line at a time.
 *
 * Most lines of scraped text are plain ASCII with nothing to change: those
 * are found with an 8-bytes-at-a-time scan and copied with memcpy while
 * spaces are collapsed. Only a line holding a non-ASCII byte, a control
 * character or '&' takes the slow path, which runs the stages in the order
 * the SPEC gives: mojibake -> entities -> controls/spaces -> NFC -> quotes,
 * then the same collapse/trim emitter as the fast path. */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "entities.h"
#include "mojibake.h"
#include "pith.h"

typedef struct norm {
  unsigned flags;
  int join_lines;   /* inline mode without keep_newlines: '\n' is a space */
  int pending;      /* a space is owed before the next visible character */
  int line_start;   /* nothing visible emitted on this output line yet */
  pith_buf a, b;    /* slow-path scratch, reused across lines */
  pith_buf *out;
} norm;

/* ------------------------------------------------------------- emitter */

static int is_blank(unsigned char c) { return c == ' ' || c == '\t'; }

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
    size_t i = 0;
    while (i < len) {
      unsigned char c = (unsigned char)s[i];
      if (is_blank(c) || (c == '\n' && n->join_lines)) {
        if (!n->line_start) n->pending = 1;
        i++;
        continue;
      }
      if (c == '\n') {
        *d++ = '\n';
        n->pending = 0;
        n->line_start = 1;
        i++;
        continue;
      }
      if (n->pending) *d++ = ' ';
      n->pending = n->line_start = 0;
      size_t j = i + 1;
      while (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != '\n') j++;
      memcpy(d, s + i, j - i);
      d += j - i;
      i = j;
    }
  }
  o->len = (size_t)(d - o->data);
  o->data[o->len] = '\0';
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

/* Line separators -> '\n' (always); NUL removed (always); with SPACES,
 * Unicode spaces and tabs -> ' ', controls and invisibles removed. */
static void stage_controls(const char *s, size_t len, unsigned flags, pith_buf *out) {
  int spaces = (flags & PITH_OPT_SPACES) != 0;
  size_t i = 0, copied = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7F) {
      i++;
      continue;
    }
    size_t at = i;
    uint32_t cp = next_cp(s, len, &i);
    const char *rep = NULL; /* NULL: keep the character */
    if (cp == '\n' || (cp == '\t' && !spaces)) continue;
    if (cp == '\r') rep = (i < len && s[i] == '\n') ? "" : "\n";
    else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) rep = "\n";
    else if (cp == 0) rep = "";
    else if (!spaces) continue;
    else if (cp == '\t' || is_unicode_space(cp)) rep = " ";
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

/* Code points below U+0300 are never changed by NFC (no combining marks,
 * no singletons), and their UTF-8 lead bytes are all below 0xCC. */
static int nfc_may_change(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0xCC) return 1;
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

static int has_byte_in(const char *s, size_t len, unsigned char lo, unsigned char hi) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= lo && (unsigned char)s[i] <= hi) return 1;
  return 0;
}

/* ------------------------------------------------------------ lines */

/* Scratch buffer that is not currently holding `cur`, emptied. */
static pith_buf *other(norm *n, const char *cur) {
  pith_buf *t = (n->a.data == cur) ? &n->b : &n->a;
  pith_buf_clear(t);
  return t;
}

static void slow_line(norm *n, const char *s, size_t len) {
  unsigned f = n->flags;
  pith_buf *t;
  if ((f & PITH_OPT_MOJIBAKE) && pith_mojibake_suspect(s, len)) {
    t = other(n, s);
    pith_mojibake_fix(s, len, t);
    s = t->data, len = t->len;
  }
  if ((f & PITH_OPT_ENTITIES) && memchr(s, '&', len)) {
    t = other(n, s);
    pith_entities_decode(s, len, t);
    s = t->data, len = t->len;
  }
  t = other(n, s);
  stage_controls(s, len, f, t);
  s = t->data, len = t->len;
  if ((f & PITH_OPT_NFC) && nfc_may_change(s, len)) {
    t = other(n, s);
    stage_nfc(s, len, t);
    s = t->data, len = t->len;
  }
  if ((f & PITH_OPT_ASCII_QUOTES) && has_byte_in(s, len, 0xCA, 0xE2)) {
    t = other(n, s);
    stage_quotes(s, len, t);
    s = t->data, len = t->len;
  }
  if (n->a.failed || n->b.failed) n->out->failed = 1;
  else emit(n, s, len);
}

#define HI_BITS 0x8080808080808080ull
#define ONES 0x0101010101010101ull

/* 1 if any of the 8 bytes in w is >= 0x80, < 0x20, 0x7F or '&'. */
static int word_special(uint64_t w) {
  uint64_t lt20 = (w - ONES * 0x20) & ~w;
  uint64_t del = w ^ (ONES * 0x7F), amp = w ^ (ONES * '&');
  uint64_t z = ((del - ONES) & ~del) | ((amp - ONES) & ~amp);
  return ((w | lt20 | z) & HI_BITS) != 0;
}

/* Byte class: 0 plain, 1 line end, 2 needs the slow path. */
static int byte_class(unsigned char c, unsigned flags) {
  if (c >= 0x20 && c < 0x7F) return (c == '&' && (flags & PITH_OPT_ENTITIES)) ? 2 : 0;
  if (c == '\n' || c == '\r') return 1;
  return c == '\t' ? 0 : 2;
}

/* Offset of the end of the line starting at i; *slow set if any byte of it
 * needs the slow path. */
static size_t scan_line(const char *s, size_t i, size_t len, unsigned flags, int *slow) {
  for (;;) {
    while (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (word_special(w)) break;
      i += 8;
    }
    if (i >= len) return len;
    int cls = byte_class((unsigned char)s[i], flags);
    if (cls == 1) return i;
    if (cls == 2) {
      *slow = 1;
      while (i < len && s[i] != '\n' && s[i] != '\r') i++;
      return i;
    }
    i++;
  }
}

static int run(norm *n, const char *in, size_t len) {
  size_t i = 0;
  while (i < len && !n->out->failed) {
    int slow = 0;
    size_t end = scan_line(in, i, len, n->flags, &slow);
    if (slow) slow_line(n, in + i, end - i);
    else emit(n, in + i, end - i);
    if (end < len) {
      end += (in[end] == '\r' && end + 1 < len && in[end + 1] == '\n') ? 2 : 1;
      emit(n, "\n", 1);
    }
    i = end;
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
