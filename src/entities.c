/* HTML character references: named (generated table) and numeric. */
#include "entities.h"

#include <stdlib.h>
#include <string.h>

typedef struct pith_entity {
  const char *name;
  uint32_t cp1, cp2;
  int legacy; /* also valid without the trailing ';' */
} pith_entity;

#include "cp1252.inc"
#include "entities.inc"

/* Longest name in the HTML5 table is 31 bytes ("CounterClockwiseContour..."). */
#define ENTITY_NAME_MAX 32
/* More digits than this cannot be a valid code point; still consumed. */
#define ENTITY_DIGITS_MAX 16

typedef struct name_key {
  const char *s;
  size_t n;
} name_key;

static int cmp_entity(const void *k, const void *e) {
  const name_key *key = k;
  const char *name = ((const pith_entity *)e)->name;
  size_t nlen = strlen(name);
  int c = memcmp(key->s, name, key->n < nlen ? key->n : nlen);
  if (c) return c;
  return key->n < nlen ? -1 : key->n > nlen;
}

static const pith_entity *find_entity(const char *s, size_t n) {
  name_key key = {s, n};
  return bsearch(&key, PITH_ENTITIES,
                 sizeof PITH_ENTITIES / sizeof PITH_ENTITIES[0],
                 sizeof PITH_ENTITIES[0], cmp_entity);
}

static int is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int hex_val(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* HTML5 "numeric character reference end state" fix-ups. */
static uint32_t numeric_fixup(uint64_t v) {
  if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0xFFFD;
  if (v >= 0x80 && v <= 0x9F) return PITH_CP1252_HIGH[v - 0x80];
  return (uint32_t)v;
}

static size_t decode_numeric(const char *s, size_t len, uint32_t *cp) {
  size_t i = 2; /* past "&#" */
  int hex = 0;
  if (i < len && (s[i] | 0x20) == 'x') {
    hex = 1;
    i++;
  }
  size_t start = i;
  uint64_t v = 0;
  for (; i < len; i++) {
    int d = hex ? hex_val((unsigned char)s[i])
                : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
    if (d < 0) break;
    if (i - start < ENTITY_DIGITS_MAX) v = v * (hex ? 16 : 10) + (uint64_t)d;
    else v = 0x110000; /* too long: out of range */
  }
  if (i == start) return 0;
  if (i < len && s[i] == ';') i++;
  *cp = numeric_fixup(v);
  return i;
}

size_t pith_entity_decode(const char *s, size_t len, uint32_t cp[2], int *ncp) {
  if (len < 3 || s[0] != '&') return 0;
  if (s[1] == '#') {
    size_t n = decode_numeric(s, len, &cp[0]);
    if (n) *ncp = 1;
    return n;
  }
  size_t i = 1;
  while (i < len && i <= ENTITY_NAME_MAX && is_alnum((unsigned char)s[i])) i++;
  if (i == 1 || i > ENTITY_NAME_MAX) return 0;
  const pith_entity *e = find_entity(s + 1, i - 1);
  if (!e) return 0;
  if (i < len && s[i] == ';') {
    i++;
  } else if (!e->legacy || (i < len && s[i] == '=')) {
    return 0;
  }
  cp[0] = e->cp1;
  cp[1] = e->cp2;
  *ncp = e->cp2 ? 2 : 1;
  return i;
}

size_t pith_entities_decode(const char *s, size_t len, pith_buf *out) {
  size_t count = 0, i = 0;
  while (i < len) {
    const char *amp = memchr(s + i, '&', len - i);
    if (!amp) break;
    size_t at = (size_t)(amp - s);
    pith_buf_put(out, s + i, at - i);
    uint32_t cp[2];
    int ncp = 0;
    size_t n = pith_entity_decode(amp, len - at, cp, &ncp);
    if (n == 0) {
      pith_buf_putc(out, '&');
      i = at + 1;
      continue;
    }
    for (int k = 0; k < ncp; k++) pith_buf_put_utf8(out, cp[k]);
    count++;
    i = at + n;
  }
  pith_buf_put(out, s + i, len - i);
  return count;
}
