/* Strict RFC 8259 JSON reader.
 *
 * The parser is iterative: nesting lives in an explicit frame stack, so
 * depth is bounded by max_depth and never by the C stack. Finished values
 * wait in a "pending" vector until their container closes; the container
 * then copies its children into the tree's arena in one block. Every byte of
 * input is looked at a bounded number of times, so parsing is O(n).
 *
 * A tree owns one arena: nodes, child arrays and decoded strings are carved
 * from it, and pith_json_free() releases everything at once. Raw spans point
 * into the caller's input, which must outlive the tree. */
#include "json.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pith_json {
  pith_json_type type;
  const char *raw; /* exact source span of the value */
  size_t rawlen;
  const char *key; /* member name when the value sits in an object */
  size_t keylen;
  union {
    struct {
      const char *s;
      size_t len;
    } str;
    struct {
      pith_json *items;
      size_t n;
    } list;
  } u;
};

/* ---- arena ------------------------------------------------------------ */

#define ARENA_CHUNK 8192

typedef struct arena_chunk {
  struct arena_chunk *next;
  size_t used, cap;
  alignas(max_align_t) unsigned char data[];
} arena_chunk;

/* A big decoded string adopted as is (no copy into the arena). */
typedef struct big_block {
  struct big_block *next;
  char *data;
} big_block;

/* The root node comes first so a root pointer is the tree pointer. */
typedef struct json_tree {
  pith_json root;
  arena_chunk *chunks;
  big_block *bigs;
} json_tree;

static void *arena_alloc(json_tree *t, size_t n) {
  const size_t al = alignof(max_align_t);
  n = (n + al - 1) / al * al;
  if (n == 0) n = al;
  arena_chunk *c = t->chunks;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > ARENA_CHUNK / 2 ? n : ARENA_CHUNK;
    arena_chunk *nc = malloc(sizeof *nc + cap);
    if (!nc) return NULL;
    nc->used = 0;
    nc->cap = cap;
    /* A big one-off block goes behind the current chunk so the current
     * chunk's free space stays usable. */
    if (c && cap != ARENA_CHUNK) {
      nc->next = c->next;
      c->next = nc;
    } else {
      nc->next = c;
      t->chunks = nc;
    }
    c = nc;
  }
  void *p = c->data + c->used;
  c->used += n;
  return p;
}

void pith_json_free(pith_json *v) {
  if (!v) return;
  json_tree *t = (json_tree *)v;
  arena_chunk *c = t->chunks;
  while (c) {
    arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  big_block *b = t->bigs;
  while (b) {
    big_block *next = b->next;
    free(b->data);
    free(b);
    b = next;
  }
  free(t);
}

/* ---- parser state ------------------------------------------------------ */

typedef struct frame {
  pith_json_type type;
  size_t first;    /* index of the first child in pending */
  const char *raw; /* where the container starts */
  const char *key; /* the container's own member name */
  size_t keylen;
} frame;

typedef struct parser {
  const char *start, *p, *end;
  json_tree *tree;
  pith_json *pending;
  size_t npending, cappending;
  frame *frames;
  size_t nframes, capframes;
  pith_buf scratch; /* decoding area for strings with escapes */
  const char *key;  /* member name awaiting its value */
  size_t keylen;
  const char *errmsg;
  const char *errpos;
} parser;

static int fail(parser *ps, const char *at, const char *msg) {
  if (!ps->errmsg) {
    ps->errmsg = msg;
    ps->errpos = at;
  }
  return -1;
}

static int grow(void **v, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 16;
  while (nc < need) nc *= 2;
  if (nc > SIZE_MAX / elem) return -1;
  void *p = realloc(*v, nc * elem);
  if (!p) return -1;
  *v = p;
  *cap = nc;
  return 0;
}

static void skip_ws(parser *ps) {
  const char *p = ps->p, *e = ps->end;
  while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
  ps->p = p;
}

/* ---- scalars ------------------------------------------------------------ */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int parse_number(parser *ps, pith_json *out) {
  const char *p = ps->p, *e = ps->end, *s = p;
  if (p < e && *p == '-') p++;
  if (p >= e || !is_digit(*p)) return fail(ps, p, "invalid number");
  if (*p == '0') {
    p++;
  } else {
    while (p < e && is_digit(*p)) p++;
  }
  if (p < e && *p == '.') {
    p++;
    if (p >= e || !is_digit(*p)) return fail(ps, p, "expected digit after '.'");
    while (p < e && is_digit(*p)) p++;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || !is_digit(*p)) return fail(ps, p, "expected exponent digits");
    while (p < e && is_digit(*p)) p++;
  }
  out->type = PITH_JSON_NUMBER;
  out->raw = s;
  out->rawlen = (size_t)(p - s);
  ps->p = p;
  return 0;
}

static int parse_literal(parser *ps, pith_json *out) {
  static const struct {
    const char *word;
    size_t len;
    pith_json_type type;
  } lits[] = {{"true", 4, PITH_JSON_TRUE},
              {"false", 5, PITH_JSON_FALSE},
              {"null", 4, PITH_JSON_NULL}};
  size_t avail = (size_t)(ps->end - ps->p);
  for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
    if (avail >= lits[i].len && memcmp(ps->p, lits[i].word, lits[i].len) == 0) {
      out->type = lits[i].type;
      out->raw = ps->p;
      out->rawlen = lits[i].len;
      ps->p += lits[i].len;
      return 0;
    }
  }
  return fail(ps, ps->p, "unexpected character");
}

static int hex4(const char *p, const char *e, uint32_t *out) {
  if (e - p < 4) return -1;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

/* One escape after the backslash at p; appends to scratch, returns the
 * position after it or NULL. A high surrogate pairs with an immediately
 * following \u low surrogate; anything unpaired becomes U+FFFD. */
static const char *decode_escape(parser *ps, const char *p) {
  const char *e = ps->end;
  if (p + 1 >= e) return fail(ps, p, "unterminated string"), NULL;
  char c = p[1];
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *hit = c ? strchr(from, c) : NULL;
  if (hit) {
    pith_buf_putc(&ps->scratch, to[hit - from]);
    return p + 2;
  }
  if (c != 'u') return fail(ps, p, "invalid escape"), NULL;
  uint32_t cp;
  if (hex4(p + 2, e, &cp) != 0) return fail(ps, p, "invalid \\u escape"), NULL;
  p += 6;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t lo;
    if (e - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, e, &lo) == 0 &&
        lo >= 0xDC00 && lo <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      p += 6;
    } else {
      cp = 0xFFFD;
    }
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    cp = 0xFFFD;
  }
  pith_buf_put_utf8(&ps->scratch, cp);
  return p;
}

/* Copies len bytes into the arena with a terminating NUL. */
static const char *arena_str(parser *ps, const char *s, size_t len) {
  char *d = arena_alloc(ps->tree, len + 1);
  if (!d) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

/* Bytes from p to the closing quote (or to e): sizes the decoding buffer
 * once instead of growing it step by step. A quote preceded by an odd
 * number of backslashes is escaped. */
static size_t raw_string_length(const char *p, const char *e) {
  const char *q = p;
  while ((q = memchr(q, '"', (size_t)(e - q))) != NULL) {
    const char *b = q;
    while (b > p && b[-1] == '\\') b--;
    if ((q - b) % 2 == 0) return (size_t)(q - p);
    q++;
  }
  return (size_t)(e - p);
}

/* Decoded strings this long (a JSONL document) are not copied again: the
 * scratch buffer itself joins the tree. */
#define BIG_STRING ((size_t)64 << 10)

static const char *adopt_scratch(parser *ps) {
  big_block *b = malloc(sizeof *b);
  if (!b) return NULL;
  b->data = pith_buf_detach(&ps->scratch, NULL);
  if (!b->data) {
    free(b);
    return NULL;
  }
  b->next = ps->tree->bigs;
  ps->tree->bigs = b;
  return b->data;
}

/* Parses the string at ps->p (which is '"'); *s and *len receive the decoded,
 * NUL-terminated text in the arena. */
static int parse_string(parser *ps, const char **s, size_t *len) {
  const char *start = ps->p + 1, *p = start, *e = ps->end;
  /* Fast path: plain ASCII up to the closing quote needs no decoding. */
  while (p < e) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    p++;
  }
  if (p < e && *p == '"') {
    *s = arena_str(ps, start, (size_t)(p - start));
    *len = (size_t)(p - start);
    ps->p = p + 1;
    return *s ? 0 : fail(ps, start, "out of memory");
  }
  pith_buf_clear(&ps->scratch);
  pith_buf_reserve(&ps->scratch, raw_string_length(p, e) + 16);
  /* Runs of plain ASCII and valid UTF-8 are copied in one piece; only
   * escapes, invalid bytes and the end break a run. */
  const char *run = start;
  while (p < e) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      p++;
      continue;
    }
    size_t k = c >= 0x80 ? pith_utf8_seq((const unsigned char *)p, (size_t)(e - p)) : 0;
    if (k) {
      p += k;
      continue;
    }
    pith_buf_put(&ps->scratch, run, (size_t)(p - run));
    if (c == '"') break;
    if (c == '\\') {
      p = decode_escape(ps, p);
      if (!p) return -1;
    } else if (c < 0x20) {
      return fail(ps, p, "control character in string");
    } else {
      pith_buf_puts(&ps->scratch, "\xEF\xBF\xBD");
      p++;
    }
    run = p;
  }
  if (p >= e) return fail(ps, ps->p, "unterminated string");
  if (ps->scratch.failed) return fail(ps, p, "out of memory");
  *len = ps->scratch.len;
  *s = *len >= BIG_STRING ? adopt_scratch(ps)
                          : arena_str(ps, pith_buf_cstr(&ps->scratch), *len);
  ps->p = p + 1;
  return *s ? 0 : fail(ps, p, "out of memory");
}

/* ---- containers ---------------------------------------------------------- */

/* Reads `"key" :` into ps->key. */
static int parse_member_key(parser *ps) {
  skip_ws(ps);
  if (ps->p >= ps->end || *ps->p != '"')
    return fail(ps, ps->p, "expected string key");
  if (parse_string(ps, &ps->key, &ps->keylen) != 0) return -1;
  skip_ws(ps);
  if (ps->p >= ps->end || *ps->p != ':') return fail(ps, ps->p, "expected ':'");
  ps->p++;
  return 0;
}

static int push_frame(parser *ps, pith_json_type type, int max_depth) {
  if (ps->nframes >= (size_t)max_depth)
    return fail(ps, ps->p, "nesting deeper than the limit");
  if (grow((void **)&ps->frames, &ps->capframes, ps->nframes + 1,
           sizeof(frame)) != 0)
    return fail(ps, ps->p, "out of memory");
  frame *f = &ps->frames[ps->nframes++];
  f->type = type;
  f->first = ps->npending;
  f->raw = ps->p;
  f->key = ps->key;
  f->keylen = ps->keylen;
  ps->key = NULL;
  ps->keylen = 0;
  ps->p++;
  return 0;
}

/* Closes the top frame (ps->p is just past its bracket) into *out. */
static int close_frame(parser *ps, pith_json *out) {
  frame *f = &ps->frames[--ps->nframes];
  size_t n = ps->npending - f->first;
  memset(out, 0, sizeof *out);
  out->type = f->type;
  out->raw = f->raw;
  out->rawlen = (size_t)(ps->p - f->raw);
  out->key = f->key;
  out->keylen = f->keylen;
  out->u.list.n = n;
  if (n) {
    pith_json *items = arena_alloc(ps->tree, n * sizeof *items);
    if (!items) return fail(ps, ps->p, "out of memory");
    memcpy(items, ps->pending + f->first, n * sizeof *items);
    out->u.list.items = items;
  }
  ps->npending = f->first;
  return 0;
}

/* Starts a value at ps->p. Returns 1 when it opened a container (the caller
 * goes on reading its first element), 0 with *out filled for a complete
 * value, -1 on error. */
static int begin_value(parser *ps, pith_json *out, int max_depth) {
  skip_ws(ps);
  if (ps->p >= ps->end) return fail(ps, ps->p, "unexpected end of input");
  char c = *ps->p;
  memset(out, 0, sizeof *out);
  if (c == '{' || c == '[') {
    int obj = c == '{';
    if (push_frame(ps, obj ? PITH_JSON_OBJECT : PITH_JSON_ARRAY, max_depth))
      return -1;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
      ps->p++;
      return close_frame(ps, out);
    }
    if (obj && parse_member_key(ps) != 0) return -1;
    return 1;
  }
  out->key = ps->key;
  out->keylen = ps->keylen;
  ps->key = NULL;
  ps->keylen = 0;
  if (c == '"') {
    const char *raw = ps->p;
    out->type = PITH_JSON_STRING;
    if (parse_string(ps, &out->u.str.s, &out->u.str.len) != 0) return -1;
    out->raw = raw;
    out->rawlen = (size_t)(ps->p - raw);
    return 0;
  }
  if (c == '-' || is_digit(c)) return parse_number(ps, out);
  return parse_literal(ps, out);
}

/* After a complete value: either the input is done (returns 0 with the
 * root in *v), or the enclosing container continues (returns 1) or closes
 * (loops, the container becomes the complete value). */
static int after_value(parser *ps, pith_json *v) {
  for (;;) {
    if (ps->nframes == 0) return 0;
    if (grow((void **)&ps->pending, &ps->cappending, ps->npending + 1,
             sizeof(pith_json)) != 0)
      return fail(ps, ps->p, "out of memory");
    ps->pending[ps->npending++] = *v;
    skip_ws(ps);
    const frame *f = &ps->frames[ps->nframes - 1];
    int obj = f->type == PITH_JSON_OBJECT;
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      if (obj && parse_member_key(ps) != 0) return -1;
      return 1;
    }
    if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
      ps->p++;
      if (close_frame(ps, v) != 0) return -1;
      continue;
    }
    return fail(ps, ps->p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static void format_error(const parser *ps, char *err, size_t errlen) {
  if (!err || errlen == 0) return;
  size_t line = 1;
  for (const char *q = ps->start; q < ps->errpos; q++)
    if (*q == '\n') line++;
  snprintf(err, errlen, "line %zu, byte %zu: %s", line,
           (size_t)(ps->errpos - ps->start), ps->errmsg);
}

pith_json *pith_json_parse(const char *s, size_t len, int max_depth, char *err,
                           size_t errlen) {
  if (err && errlen) err[0] = '\0';
  json_tree *t = calloc(1, sizeof *t);
  if (!t) {
    if (err && errlen) snprintf(err, errlen, "out of memory");
    return NULL;
  }
  parser ps;
  memset(&ps, 0, sizeof ps);
  ps.start = ps.p = s ? s : "";
  ps.end = ps.start + (s ? len : 0);
  ps.tree = t;
  if (max_depth < 0) max_depth = 0;

  pith_json v;
  int rc;
  do {
    rc = begin_value(&ps, &v, max_depth);
    if (rc == 0) rc = after_value(&ps, &v);
  } while (rc == 1);
  if (rc == 0) {
    skip_ws(&ps);
    if (ps.p != ps.end) rc = fail(&ps, ps.p, "unexpected data after the value");
  }
  free(ps.pending);
  free(ps.frames);
  pith_buf_free(&ps.scratch);
  if (rc != 0) {
    format_error(&ps, err, errlen);
    pith_json_free(&t->root);
    return NULL;
  }
  t->root = v;
  return &t->root;
}

/* ---- accessors ------------------------------------------------------------ */

pith_json_type pith_json_kind(const pith_json *v) {
  return v ? v->type : PITH_JSON_NULL;
}

const pith_json *pith_json_get(const pith_json *v, const char *key) {
  if (!v || v->type != PITH_JSON_OBJECT || !key) return NULL;
  size_t kl = strlen(key);
  for (size_t i = 0; i < v->u.list.n; i++) {
    const pith_json *m = &v->u.list.items[i];
    if (m->keylen == kl && memcmp(m->key, key, kl) == 0) return m;
  }
  return NULL;
}

size_t pith_json_size(const pith_json *v) {
  if (!v || (v->type != PITH_JSON_OBJECT && v->type != PITH_JSON_ARRAY))
    return 0;
  return v->u.list.n;
}

const pith_json *pith_json_at(const pith_json *v, size_t i) {
  if (i >= pith_json_size(v)) return NULL;
  return &v->u.list.items[i];
}

const char *pith_json_key(const pith_json *v, size_t i, size_t *len) {
  if (!v || v->type != PITH_JSON_OBJECT || i >= v->u.list.n) return NULL;
  const pith_json *m = &v->u.list.items[i];
  if (len) *len = m->keylen;
  return m->key;
}

const char *pith_json_str(const pith_json *v, size_t *len) {
  if (!v || v->type != PITH_JSON_STRING) return NULL;
  if (len) *len = v->u.str.len;
  return v->u.str.s;
}

const char *pith_json_raw(const pith_json *v, size_t *len) {
  if (!v) return NULL;
  if (len) *len = v->rawlen;
  return v->raw;
}
