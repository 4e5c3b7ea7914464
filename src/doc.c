#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "swar.h"

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

void pith_arena_free(pith_arena *a) {
  pith_arena_chunk *c = a->head;
  while (c) {
    pith_arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
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

static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Terminal punctuation: the line ends a sentence. Closing quotes and
 * brackets after the mark count (`said."`). */
static int ends_sentence(const char *s, size_t n) {
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

pith_block *pith_doc_add(pith_doc *d, const char *text, size_t len,
                         pith_block_kind kind) {
  while (len > 0 && is_space((unsigned char)text[0])) text++, len--;
  while (len > 0 && is_space((unsigned char)text[len - 1])) len--;
  if (len == 0 || len > UINT32_MAX) return NULL;
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 256; /* a typical page in one go */
    pith_block *nb = realloc(d->blocks, cap * sizeof *nb);
    if (!nb) {
      d->failed = 1;
      return NULL;
    }
    d->blocks = nb;
    d->cap = cap;
  }
  char *t = pith_arena_strndup(&d->arena, text, len);
  if (!t) {
    d->failed = 1;
    return NULL;
  }
  pith_block *b = &d->blocks[d->n++];
  memset(b, 0, sizeof *b);
  b->text = t;
  b->len = (uint32_t)len;
  b->kind = (uint8_t)kind;
  /* Code points: bytes that are not UTF-8 continuation bytes. */
  uint32_t chars = 0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8)
    chars += 8 - pith_swar_count(pith_swar_cont(pith_swar_load(t + i)));
  for (; i < len; i++) chars += ((unsigned char)t[i] & 0xC0) != 0x80;
  b->chars = chars;
  b->terminal = (uint8_t)ends_sentence(t, len);
  return b;
}

void pith_doc_set_field(pith_doc *d, pith_field f, const char *s, size_t n) {
  if ((int)f < 0 || f >= PITH_FIELD_COUNT_ || d->fields[f] || !s) return;
  while (n > 0 && is_space((unsigned char)s[0])) s++, n--;
  while (n > 0 && is_space((unsigned char)s[n - 1])) n--;
  if (n == 0) return;
  d->fields[f] = pith_arena_strndup(&d->arena, s, n);
  if (!d->fields[f]) d->failed = 1;
}
