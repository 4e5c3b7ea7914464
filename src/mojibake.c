/* Mojibake repair, after ftfy's fix_encoding (PRIOR-ART section 5).
 *
 * UTF-8 read as windows-1252 turns each multi-byte sequence into a lead
 * character from U+00C2..U+00F4 ("Â Ã â ð"...) followed by 1-3 characters
 * whose windows-1252 byte is a continuation byte 0x80..0xBF ("€ ™ © ¨"...).
 * We map every character back to its byte ("sloppy" windows-1252: latin-1
 * for U+0080..U+00FF plus the 27 windows-1252 symbols) and look for
 * well-formed UTF-8 sequences among those bytes. Each such run is a
 * candidate; whether to decode it is decided by how unambiguous it is:
 *   strong: 3-4 byte sequences, leads Â/Ã, continuations that are C1
 *           controls -- correct text essentially never contains these;
 *   weak:   other 2-byte leads (Ä..Û + symbol), which real text can hold
 *           ("ESPAÑA”"); decoded only when the line also has strong
 *           evidence or the candidate touches another one (a word of
 *           Cyrillic mojibake "ÐŸÑ€Ð¸").
 * Results in U+0700..U+07FF (Syriac, NKo: "ß“", "Ü’" from German and
 * Turkish text) and private-use code points are never produced. */
#include "mojibake.h"

#include <stdint.h>
#include <string.h>

#include "cp1252.inc"

/* Double (rarely triple) encoding needs one pass per layer. */
#define MOJIBAKE_MAX_PASSES 3

enum cand_kind { CAND_NONE, CAND_WEAK, CAND_STRONG, CAND_NBSP, CAND_AGRAVE };

typedef struct cand {
  enum cand_kind kind;
  size_t end; /* byte offset just past the candidate */
  uint32_t cp;
} cand;

/* Decode the code point at s[*i] (valid UTF-8 assumed) and advance *i. */
static uint32_t next_cp(const char *s, size_t len, size_t *i) {
  const unsigned char *u = (const unsigned char *)s + *i;
  size_t left = len - *i;
  if (u[0] < 0x80 || left < 2) {
    (*i)++;
    return u[0];
  }
  if (u[0] < 0xE0) {
    *i += 2;
    return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
  }
  if (u[0] < 0xF0 || left < 4) {
    *i += left < 3 ? left : 3;
    if (left < 3) return 0xFFFD;
    return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) |
           (u[2] & 0x3F);
  }
  *i += 4;
  return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
         ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
}

/* The byte a character came from under sloppy windows-1252, or -1. */
static int sloppy_byte(uint32_t cp) {
  if (cp < 0x100) return (int)cp;
  if (cp < 0x152 || cp > 0x2122) return -1;
  for (int k = 0; k < 32; k++)
    if (PITH_CP1252_HIGH[k] == cp) return 0x80 + k;
  return -1;
}

static int is_cont_byte(int b) { return b >= 0x80 && b <= 0xBF; }

static int is_upper_letter(uint32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7);
}

/* Second-byte limits of UTF-8 (no overlongs, surrogates, > U+10FFFF). */
static int second_ok(int lead, int b) {
  switch (lead) {
  case 0xE0: return b >= 0xA0;
  case 0xED: return b <= 0x9F;
  case 0xF0: return b >= 0x90;
  case 0xF4: return b <= 0x8F;
  default: return 1;
  }
}

static int cp_acceptable(uint32_t cp) {
  if (cp >= 0x700 && cp <= 0x7FF) return 0;   /* see the file comment */
  if (cp >= 0xE000 && cp <= 0xF8FF) return 0; /* private use */
  if (cp >= 0xF0000) return 0;                /* planes 15-16: private */
  if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return 0;
  return 1;
}

/* Classify a space right after a lone "Â" / "Ã": the 0xA0 of NBSP or "à"
 * often becomes a plain space once the mojibake is made (ftfy's
 * restore_byte_a0). After an uppercase letter "Ã " is more likely real
 * Portuguese ("IRMÃ E"). prev is the character before the lead (0 at
 * start). */
static enum cand_kind space_kind(int lead, uint32_t prev) {
  if (lead == 0xC2) return is_upper_letter(prev) ? CAND_NONE : CAND_NBSP;
  if (lead == 0xC3 && !is_upper_letter(prev)) return CAND_AGRAVE;
  return CAND_NONE;
}

/* The candidate starting at s[i] (a non-ASCII character preceded by prev),
 * kind CAND_NONE when there is none. */
static cand match_at(const char *s, size_t len, size_t i, uint32_t prev) {
  cand c = {CAND_NONE, 0, 0};
  size_t j = i;
  int lead = sloppy_byte(next_cp(s, len, &j));
  if (lead < 0xC2 || lead > 0xF4) return c;
  int need = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  if (need == 1 && j < len && s[j] == ' ') {
    c.kind = space_kind(lead, prev);
    c.end = j + 1;
    c.cp = lead == 0xC2 ? ' ' : 0xE0;
    return c;
  }
  uint32_t cp = (uint32_t)lead & (0xFFu >> (need + 2));
  int c1 = 0;
  for (int k = 0; k < need; k++) {
    size_t before = j;
    int b = -1;
    uint32_t ch = 0;
    if (j < len) {
      ch = next_cp(s, len, &j);
      b = sloppy_byte(ch);
    }
    if (!is_cont_byte(b) || (k == 0 && !second_ok(lead, b))) {
      /* "â€" (E2 80) whose third byte 0x9D, undefined in windows-1252, was
       * lost: it was a closing quote ” (U+201D) in all but vanishing cases. */
      if (lead == 0xE2 && k == 1 && cp == 0x80) {
        c.kind = CAND_STRONG;
        c.end = before;
        c.cp = 0x201D;
      }
      return c;
    }
    c1 |= ch >= 0x80 && ch <= 0x9F;
    cp = (cp << 6) | (uint32_t)(b & 0x3F);
  }
  if (!cp_acceptable(cp)) return c;
  c.end = j;
  c.cp = cp;
  c.kind = (need > 1 || lead <= 0xC3 || c1) ? CAND_STRONG : CAND_WEAK;
  return c;
}

/* Count strong candidates: they license the ambiguous ones on the line. */
static size_t count_strong(const char *s, size_t len) {
  size_t n = 0, i = 0;
  uint32_t prev = 0;
  while (i < len) {
    if ((unsigned char)s[i] < 0x80) {
      prev = (unsigned char)s[i++];
      continue;
    }
    cand c = match_at(s, len, i, prev);
    if (c.kind == CAND_STRONG) {
      n++;
      i = c.end;
      prev = c.cp;
      continue;
    }
    prev = next_cp(s, len, &i);
  }
  return n;
}

static void put_cp(pith_buf *out, uint32_t cp) {
  /* A C1 control was a windows-1252 byte read as latin-1 (ftfy's
   * fix_c1_controls); the five undefined bytes stay as they are. */
  if (cp >= 0x80 && cp <= 0x9F) cp = PITH_CP1252_HIGH[cp - 0x80];
  pith_buf_put_utf8(out, cp);
}

static int accept(const cand *c, size_t strong, int touches) {
  switch (c->kind) {
  case CAND_STRONG:
  case CAND_NBSP: return 1;
  case CAND_WEAK: return strong > 0 || touches;
  case CAND_AGRAVE: return strong > 0;
  default: return 0;
  }
}

/* One repair pass over a line; returns the number of repairs made. */
static size_t fix_pass(const char *s, size_t len, pith_buf *out) {
  size_t strong = count_strong(s, len), fixes = 0, i = 0, copied = 0;
  size_t last_end = (size_t)-1;
  uint32_t prev = 0;
  while (i < len) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      prev = b;
      i++;
      continue;
    }
    cand c = match_at(s, len, i, prev);
    int touches = 0;
    if (c.kind == CAND_WEAK)
      touches = last_end == i ||
                (c.end < len && match_at(s, len, c.end, 0).kind != CAND_NONE);
    if (c.kind != CAND_NONE && accept(&c, strong, touches)) {
      pith_buf_put(out, s + copied, i - copied);
      put_cp(out, c.cp);
      /* "Ã la": the 0xA0 and the space after it became one space; in
       * "Ã  la" the first space is the 0xA0 itself. */
      if (c.kind == CAND_AGRAVE && (c.end >= len || s[c.end] != ' '))
        pith_buf_putc(out, ' ');
      fixes++;
      i = copied = last_end = c.end;
      prev = c.cp;
      continue;
    }
    size_t at = i;
    uint32_t cp = next_cp(s, len, &i);
    /* U+0085 alone is NEL, a line end for the normalizer, not "…". */
    if (cp >= 0x80 && cp <= 0x9F && cp != 0x85 && PITH_CP1252_HIGH[cp - 0x80] != cp) {
      pith_buf_put(out, s + copied, at - copied);
      put_cp(out, cp);
      copied = i;
      fixes++;
    }
    prev = cp;
  }
  pith_buf_put(out, s + copied, len - copied);
  return fixes;
}

/* Could the character starting at s[i] be a continuation of mojibake
 * (its sloppy windows-1252 byte is 0x80..0xBF), or the space standing for
 * a lost 0xA0? */
static int cont_or_space_at(const char *s, size_t len, size_t i, int space_ok) {
  if (i >= len) return 0;
  unsigned char b = (unsigned char)s[i];
  if (b == ' ') return space_ok;
  if (b < 0x80) return 0;
  return is_cont_byte(sloppy_byte(next_cp(s, len, &i)));
}

int pith_mojibake_suspect(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  const unsigned char *p = u, *end = u + len;
  while ((p = memchr(p, 0xC3, (size_t)(end - p))) != NULL && p + 1 < end) {
    /* only "Â " and "Ã " stand for a lost 0xA0 (see space_kind) */
    if (p[1] >= 0x82 && p[1] <= 0xB4 &&
        cont_or_space_at(s, len, (size_t)(p - u) + 2, p[1] <= 0x83))
      return 1;
    p++;
  }
  for (p = u; (p = memchr(p, 0xC2, (size_t)(end - p))) != NULL && p + 1 < end; p++)
    if (p[1] >= 0x80 && p[1] <= 0x9F) return 1; /* C1 control */
  return 0;
}

size_t pith_mojibake_fix(const char *s, size_t len, pith_buf *out) {
  if (!pith_mojibake_suspect(s, len)) {
    pith_buf_put(out, s, len);
    return 0;
  }
  size_t start = out->len;
  size_t total = fix_pass(s, len, out);
  if (total == 0 || out->failed || !pith_mojibake_suspect(out->data + start, out->len - start))
    return total;
  /* Double encoding: more passes, on a private copy. */
  pith_buf a = PITH_BUF_INIT, b = PITH_BUF_INIT;
  pith_buf_put(&a, out->data + start, out->len - start);
  for (int pass = 1; pass < MOJIBAKE_MAX_PASSES && !a.failed; pass++) {
    pith_buf_clear(&b);
    size_t n = fix_pass(a.data, a.len, &b);
    if (n == 0) break;
    total += n;
    pith_buf tmp = a;
    a = b;
    b = tmp;
    if (!pith_mojibake_suspect(a.data, a.len)) break;
  }
  if (a.failed || b.failed) {
    out->failed = 1;
  } else {
    out->len = start;
    pith_buf_put(out, a.data, a.len);
  }
  pith_buf_free(&a);
  pith_buf_free(&b);
  return total;
}
