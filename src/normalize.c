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
#include "nfc_qc.inc"
#include "normalize_tables.inc"
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

/* Append a line known to hold no tab, no double space and no space at
 * either end: one memcpy. */
static void emit_clean(norm *n, const char *s, size_t len) {
  if (len == 0) return;
  if (n->pending && (n->flags & PITH_OPT_SPACES)) pith_buf_putc(n->out, ' ');
  pith_buf_put(n->out, s, len);
  n->pending = n->line_start = 0;
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
static int nfc_flagged(uint32_t cp) {
  if (cp < 0x10000)
    return (NFC_QC_BLOCKS[NFC_QC_INDEX[cp >> 8]][(cp & 0xFF) >> 3] >> (cp & 7)) & 1;
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

#define HI_BITS 0x8080808080808080ull
#define ONES 0x0101010101010101ull

/* Nonzero when a byte of w is >= 0x7F, < 0x20 or '&' (callers only test
 * for zero). w + ONES sets the high bit of 0x7F and keeps that of bytes
 * above; its carries and the borrows of the < 0x20 test only leave a
 * byte that is special itself, so they can mark a neighbour falsely but
 * never make a plain word look special. */
static uint64_t word_special(uint64_t w) {
  uint64_t lt20 = (w - ONES * 0x20) & ~w;
  uint64_t amp = w ^ (ONES * '&');
  return (w | (w + ONES) | lt20 | ((amp - ONES) & ~amp)) & HI_BITS;
}

/* 0x80 in each byte of w that is a space (exact, no false positives). */
static uint64_t space_mask(uint64_t w) {
  uint64_t x = w ^ (ONES * ' ');
  return ~(((x & ~HI_BITS) + ~HI_BITS) | x | ~HI_BITS);
}

/* Printable ASCII other than space and '&': copied as is by every stage. */
static int plain(unsigned char c) { return NB_CLASS[c] == 0 && c != ' ' && c != '\t'; }

/* End of the run from i (s[i] plain) of plain bytes and single spaces,
 * not ending with a space: the emitter would copy it unchanged. */
static size_t plain_run(const char *s, size_t i, size_t len) {
  size_t j = i;
  uint64_t carry = 0; /* 0x80: the byte before j is a space */
  while (j + 8 <= len) {
    uint64_t w;
    memcpy(&w, s + j, 8);
    if (word_special(w)) break;
    uint64_t sp = space_mask(w);
    if (sp & ((sp << 8) | carry)) break;
    carry = sp >> 56;
    j += 8;
  }
  while (j < len) {
    unsigned char c = (unsigned char)s[j];
    if (plain(c) || (c == ' ' && s[j - 1] != ' ')) j++;
    else break;
  }
  return s[j - 1] == ' ' ? j - 1 : j;
}

/* ' for ‘ ’ ‚ ‛ ′ ʼ, " for “ ” „ ‟ ″, else 0 (as stage_quotes). */
static char ascii_quote(uint32_t cp) {
  if ((cp >= 0x2018 && cp <= 0x201B) || cp == 0x2032 || cp == 0x2BC) return '\'';
  if ((cp >= 0x201C && cp <= 0x201F) || cp == 0x2033) return '"';
  return 0;
}

/* What a fused pass found that only the staged path handles. */
enum { SAW_MOJI = 1, SAW_AMP = 2 };

/* One pass doing controls, quotes and the emitter's space handling per
 * code point: each of those stages maps code points independently, so
 * fusing them gives the staged result. Returns -1 (nothing kept) when a
 * code point needs NFC, else the SAW_* bits: the caller checks whether
 * mojibake repair or entity decoding would change the line, which the
 * fused pass cannot do. */
static int fused_line(norm *n, const char *s, size_t len) {
  unsigned f = n->flags;
  pith_buf *o = n->out;
  if (pith_buf_reserve(o, len + 1) != 0) return 0;
  int spaces = (f & PITH_OPT_SPACES) != 0, quotes = (f & PITH_OPT_ASCII_QUOTES) != 0;
  int join = n->join_lines, pending = n->pending, line_start = n->line_start;
  int saw = 0;
  char *d = o->data + o->len;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)s[i];
    const char *src = s + i;
    size_t k = 1;
    char ch; /* ASCII output for this code point, 0: copy src[0..k) */
    if (spaces && plain(c)) { /* most bytes: a run copied at once */
      size_t j = plain_run(s, i, len);
      if (pending) *d++ = ' ';
      memcpy(d, src, j - i);
      d += j - i;
      i = j;
      pending = line_start = 0;
      continue;
    }
    if (c < 0x80) {
      i++;
      ch = (char)c;
      if (c == '&') saw |= SAW_AMP;
      if (c == 0) continue;
      if (c == '\r') {
        if (i < len && s[i] == '\n') continue;
        ch = '\n';
      } else if (spaces && ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)) {
        continue;
      }
    } else {
      if (c == 0xC2 || c == 0xC3) saw |= SAW_MOJI;
      uint32_t cp = next_cp(s, len, &i);
      k = (size_t)(s + i - src);
      ch = 0;
      if ((f & PITH_OPT_NFC) && cp >= 0x300 && nfc_flagged(cp)) return -1;
      if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) ch = '\n';
      else if (spaces && is_unicode_space(cp)) ch = ' ';
      else if (spaces && is_invisible(cp)) continue;
      else if (quotes) ch = ascii_quote(cp);
    }
    if (!spaces) { /* as emit() without SPACES: no state kept */
      if (ch) *d++ = ch == '\n' && join ? ' ' : ch;
      else memcpy(d, src, k), d += k;
    } else if (ch == ' ' || ch == '\t' || (ch == '\n' && join)) {
      pending |= !line_start;
    } else if (ch == '\n') {
      *d++ = '\n';
      pending = 0;
      line_start = 1;
    } else {
      if (pending) *d++ = ' ';
      if (ch) *d++ = ch;
      else memcpy(d, src, k), d += k;
      pending = line_start = 0;
    }
  }
  o->len = (size_t)(d - o->data);
  o->data[o->len] = '\0';
  n->pending = pending;
  n->line_start = line_start;
  return saw;
}

/* A line with non-ASCII, control or '&' bytes: the fused pass, unless
 * mojibake repair, entity decoding or NFC would change it. */
static void slow_line(norm *n, const char *s, size_t len) {
  unsigned f = n->flags;
  size_t at = n->out->len;
  int pending = n->pending, line_start = n->line_start;
  int saw = fused_line(n, s, len);
  pith_buf *t = &n->a;
  if (saw >= 0 && (saw & SAW_MOJI) && (f & PITH_OPT_MOJIBAKE))
    saw = pith_mojibake_suspect(s, len) ? -1 : saw;
  if (saw >= 0 && (saw & SAW_AMP) && (f & PITH_OPT_ENTITIES)) {
    pith_buf_clear(t);
    saw = pith_entities_decode(s, len, t) ? -1 : saw;
  }
  if (saw >= 0) return;
  n->out->len = at; /* undo, take the stages one by one */
  if (n->out->data) n->out->data[at] = '\0';
  n->pending = pending;
  n->line_start = line_start;
  staged_line(n, s, len);
}

enum { LINE_SLOW = 1, LINE_INNER = 2 };

/* Offset of the end of the line starting at i. *kind gets LINE_SLOW if a
 * byte needs the slow path, LINE_INNER if the line holds a tab or a double
 * space for the emitter to fix. */
static size_t scan_line(const char *s, size_t i, size_t len, unsigned flags, int *kind) {
  uint64_t carry = 0; /* last byte of the previous word was a space */
  for (;;) {
    while (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (word_special(w)) break;
      uint64_t sp = space_mask(w);
      if ((sp & ((sp << 8) | carry)) != 0) *kind |= LINE_INNER;
      carry = sp >> 56;
      i += 8;
    }
    if (i >= len) break;
    unsigned char c = (unsigned char)s[i];
    unsigned cls = NB_CLASS[c];
    if (cls & NB_END) break;
    if ((cls & (NB_CTRL | NB_HIGH)) || ((cls & NB_AMP) && (flags & PITH_OPT_ENTITIES))) {
      *kind |= LINE_SLOW;
      const char *nl = memchr(s + i, '\n', len - i);
      size_t end = nl ? (size_t)(nl - s) : len;
      const char *cr = memchr(s + i, '\r', end - i);
      return cr ? (size_t)(cr - s) : end;
    }
    if (c == '\t' || (c == ' ' && carry)) *kind |= LINE_INNER;
    carry = c == ' ' ? 0x80 : 0;
    i++;
  }
  return i;
}

static int run(norm *n, const char *in, size_t len) {
  size_t i = 0;
  while (i < len && !n->out->failed) {
    int kind = 0;
    size_t end = scan_line(in, i, len, n->flags, &kind);
    if (kind & LINE_SLOW) {
      slow_line(n, in + i, end - i);
    } else if ((kind & LINE_INNER) && (n->flags & PITH_OPT_SPACES)) {
      emit(n, in + i, end - i);
    } else { /* at most single spaces at the ends: trim them, one memcpy */
      size_t a = i, b = end;
      if (n->flags & PITH_OPT_SPACES) {
        a += a < b && in[a] == ' ';
        b -= b > a && in[b - 1] == ' ';
      }
      emit_clean(n, in + a, b - a);
    }
    if (end < len) {
      end += (in[end] == '\r' && end + 1 < len && in[end + 1] == '\n') ? 2 : 1;
      emit_eol(n);
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
