/* Stop-word lists and language choice.
 *
 * All languages share one hash table: word -> bitmask of the languages
 * whose list holds it. Counting for one language is then one lookup per
 * word, and choosing the language is still a single pass over the text
 * (one lookup per word, one counter bump per language bit), whatever the
 * number of lists.
 *
 * Words are maximal runs of letters, digits and inner apostrophes, case-
 * folded like rule patterns (textfold.h). Han ideographs and kana are words
 * of one character each: zh and ja lists are lists of characters. */
#include "stoplist.h"

#include <stdlib.h>
#include <string.h>

#include "filters_builtin.h"
#include "textfold.h"

#define MAX_LANGS 32
#define MAX_WORD 64 /* longer runs are words but never stop words */
#define BLOOM_BITS 16

struct pith_stoplist {
  const pith_stopsets *set;
  uint32_t bit;
  int cjk;
  char lang[8];
};

/* A word is looked up by its folded bytes taken 8 at a time (zero-padded
 * chunks), so the ASCII path can hash straight from the text without
 * copying. Most words fit one chunk: then the hash is one multiply and the
 * chunk itself is the key. Lookups are exact: the chunks are compared. */
typedef struct slot {
  uint64_t first; /* first chunk of the word */
  uint32_t mask;  /* languages holding the word; 0 = empty slot */
  uint32_t at;    /* (index of the remaining chunks in pool) << 7 | length */
} slot;

struct pith_stopsets {
  pith_stoplist lists[MAX_LANGS];
  size_t n;
  uint32_t cjk_mask;
  size_t maxlen; /* longest folded word in any list, bytes */
  slot *tab;
  size_t cap;    /* power of two */
  unsigned bits; /* log2(cap) */
  uint64_t *pool; /* chunks after the first of words over 8 bytes */
  size_t pool_len, pool_cap; /* in chunks */
  /* One bit per word hash: most words of a text are not stop words and
   * are turned away here, without touching the big table. */
  uint64_t bloom[(1u << BLOOM_BITS) / 64];
};

#define HASH_MUL 0x9E3779B97F4A7C15ull

/* Hash of n (1..MAX_WORD) bytes held in zero-padded chunks. Multiplicative:
 * the table and the filter use the high bits. */
static inline uint64_t hash_chunks(const uint64_t *q, size_t n) {
  uint64_t h = q[0];
  for (size_t k = 1; k < (n + 7) / 8; k++) {
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= (h >> 31) ^ q[k];
  }
  return h * HASH_MUL;
}

/* Copy n (<= MAX_WORD) bytes into zero-padded chunks. */
static void to_chunks(const char *w, size_t n, uint64_t *q) {
  q[0] = 0;
  for (size_t k = 1; k < (n + 7) / 8; k++) q[k] = 0;
  memcpy(q, w, n);
}

static inline uint32_t bloom_bit(const pith_stopsets *s, uint64_t h) {
  return (uint32_t)(h >> (64 - s->bits - BLOOM_BITS)) & ((1u << BLOOM_BITS) - 1);
}

static inline int bloom_has(const pith_stopsets *s, uint64_t h) {
  uint32_t b = bloom_bit(s, h);
  return (int)(s->bloom[b >> 6] >> (b & 63)) & 1;
}

/* Slot of the word in chunks q (n bytes, hash h), or the empty slot where
 * it would go. */
static size_t probe(const pith_stopsets *s, const uint64_t *q, size_t n,
                    uint64_t h) {
  size_t nk = (n + 7) / 8;
  for (size_t j = h >> (64 - s->bits);; j = (j + 1) & (s->cap - 1)) {
    const slot *e = &s->tab[j];
    if (!e->mask) return j;
    if (e->first != q[0] || (e->at & 127) != n) continue;
    const uint64_t *p = s->pool + (e->at >> 7);
    size_t k = 1;
    while (k < nk && p[k - 1] == q[k]) k++;
    if (k == nk) return j;
  }
}

/* Languages of the word in chunks q (n bytes, hash h); 0 if none. */
static inline uint32_t lookup(const pith_stopsets *s, const uint64_t *q,
                              size_t n, uint64_t h) {
  if (n > s->maxlen || !bloom_has(s, h)) return 0;
  return s->tab[probe(s, q, n, h)].mask;
}

static uint32_t mask_of(const pith_stopsets *s, const char *w, size_t n) {
  if (n == 0 || n > MAX_WORD) return 0;
  uint64_t q[MAX_WORD / 8];
  to_chunks(w, n, q);
  return lookup(s, q, n, hash_chunks(q, n));
}

static int insert(pith_stopsets *s, const char *w, size_t n, uint32_t bit) {
  uint64_t q[MAX_WORD / 8];
  to_chunks(w, n, q);
  uint64_t h = hash_chunks(q, n);
  size_t j = probe(s, q, n, h), nk = (n + 7) / 8;
  if (s->tab[j].mask) {
    s->tab[j].mask |= bit;
    return 0;
  }
  if (s->pool_len + nk > s->pool_cap) {
    size_t cap = s->pool_cap ? s->pool_cap * 2 : 1024;
    while (cap < s->pool_len + nk) cap *= 2;
    if (cap > (1u << 25)) return -1;
    uint64_t *p = realloc(s->pool, cap * sizeof *p);
    if (!p) return -1;
    s->pool = p;
    s->pool_cap = cap;
  }
  memcpy(s->pool + s->pool_len, q + 1, (nk - 1) * 8);
  s->tab[j] = (slot){q[0], bit, (uint32_t)(s->pool_len << 7 | n)};
  s->pool_len += nk - 1;
  uint32_t b = bloom_bit(s, h);
  s->bloom[b >> 6] |= 1ull << (b & 63);
  if (n > s->maxlen) s->maxlen = n;
  return 0;
}

/* Fold one list word into out (at most MAX_WORD bytes); 0 if too long. */
static size_t fold_word(const char *w, size_t n, char *out) {
  size_t o = 0;
  char tmp[16];
  for (size_t i = 0; i < n;) {
    int32_t cp;
    size_t k = pith_u8_next(w + i, n - i, &cp);
    size_t f = cp < 0x80 && cp >= 0 ? 1 : cp < 0 ? 1 : pith_fold_cp(cp, tmp);
    if (o + f > MAX_WORD) return 0;
    if (cp >= 0 && cp < 0x80) out[o] = (char)(cp >= 'A' && cp <= 'Z' ? cp | 0x20 : cp);
    else if (cp < 0) out[o] = w[i];
    else memcpy(out + o, tmp, f);
    o += f;
    i += k;
  }
  return o;
}

static int load_list(pith_stopsets *s, const char *data, size_t len,
                     uint32_t bit) {
  char w[MAX_WORD];
  for (size_t i = 0; i < len;) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - data) : len, a = i, b = e;
    i = e + 1;
    while (a < b && (data[a] == ' ' || data[a] == '\t')) a++;
    while (b > a && (data[b - 1] == ' ' || data[b - 1] == '\t' || data[b - 1] == '\r')) b--;
    if (a == b || data[a] == '#') continue;
    size_t n = fold_word(data + a, b - a, w);
    if (n && insert(s, w, n, bit) < 0) return -1;
  }
  return 0;
}

pith_stopsets *pith_stopsets_new(void) {
  pith_stopsets *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  size_t words = 0;
  for (const pith_builtin_file *f = pith_builtin_files; f->name; f++)
    if (strncmp(f->name, "stopwords/", 10) == 0)
      for (size_t i = 0; i < f->len; i++) words += f->data[i] == '\n';
  s->cap = 64, s->bits = 6;
  while (s->cap < words * 2 + 64) s->cap *= 2, s->bits++;
  s->tab = calloc(s->cap, sizeof *s->tab);
  if (!s->tab) goto fail;
  for (const pith_builtin_file *f = pith_builtin_files; f->name; f++) {
    size_t nl = strlen(f->name);
    if (strncmp(f->name, "stopwords/", 10) != 0 || nl < 15 || nl > 20 ||
        strcmp(f->name + nl - 4, ".txt") != 0 || s->n == MAX_LANGS)
      continue;
    pith_stoplist *l = &s->lists[s->n];
    memcpy(l->lang, f->name + 10, nl - 14);
    l->lang[nl - 14] = '\0';
    l->set = s;
    l->bit = 1u << s->n;
    l->cjk = strcmp(l->lang, "zh") == 0 || strcmp(l->lang, "ja") == 0;
    if (l->cjk) s->cjk_mask |= l->bit;
    if (load_list(s, f->data, f->len, l->bit) < 0) goto fail;
    s->n++;
  }
  return s;
fail:
  pith_stopsets_free(s);
  return NULL;
}

void pith_stopsets_free(pith_stopsets *s) {
  if (!s) return;
  free(s->tab);
  free(s->pool);
  free(s);
}

int pith_stoplist_has(const pith_stoplist *l, const char *w, size_t n) {
  return l && (mask_of(l->set, w, n) & l->bit) != 0;
}

const char *pith_stoplist_lang(const pith_stoplist *l) { return l ? l->lang : NULL; }

int pith_stoplist_cjk(const pith_stoplist *l) { return l ? l->cjk : 0; }

/* ---- counting --------------------------------------------------------- */

typedef struct tally {
  uint32_t words;   /* all words (space-separated words + CJK characters) */
  uint32_t cjk;     /* CJK characters */
  uint32_t kana;
  uint32_t letters; /* code points in space-separated words */
  uint32_t hits[MAX_LANGS];
} tally;

static void add_hits(tally *t, uint32_t m) {
  while (m) {
    t->hits[__builtin_ctz(m)]++;
    m &= m - 1;
  }
}

/* Count the stop-word hits of mask m: with `only` != 0 only its bits
 * (into hits[0]), else every space-separated language's. */
static inline void count_mask(const pith_stopsets *s, uint32_t m, uint32_t only,
                              tally *t) {
  m &= only ? only : ~s->cjk_mask;
  if (only) t->hits[0] += m != 0;
  else add_hits(t, m);
}

/* The word being read by the general path: folded bytes. */
typedef struct word {
  union {
    char b[MAX_WORD];
    uint64_t q[MAX_WORD / 8];
  } u;
  size_t n, chars, apos; /* apos: offset of the first inner apostrophe */
  int pending_apos, too_long;
} word;

static inline void word_reset(word *w) {
  w->n = w->chars = w->apos = 0;
  w->pending_apos = w->too_long = 0;
}

static inline void word_byte(word *w, unsigned char c) {
  if (w->n == MAX_WORD) {
    w->too_long = 1;
    return;
  }
  w->u.b[w->n++] = (char)c;
}

/* Append a letter; an apostrophe seen since the last letter goes in first
 * (so trailing apostrophes never become part of a word). */
static inline void word_letter(word *w, const char *p, size_t k) {
  if (w->pending_apos) {
    if (!w->apos) w->apos = w->n;
    word_byte(w, '\'');
    w->pending_apos = 0;
  }
  for (size_t i = 0; i < k; i++) word_byte(w, (unsigned char)p[i]);
  w->chars++;
}

/* Count a finished word. "l'homme" and "it's" also count through the part
 * before the apostrophe (French/Italian elision). Returns 1 if there was a
 * word. */
static int word_end(const pith_stopsets *s, word *w, uint32_t only, tally *t) {
  if (!w->n) return 0;
  t->words++;
  t->letters += (uint32_t)w->chars;
  if (s && !w->too_long) {
    uint32_t m = 0;
    if (w->n <= s->maxlen) {
      memset(w->u.b + w->n, 0, (8 - (w->n & 7)) & 7);
      m = lookup(s, w->u.q, w->n, hash_chunks(w->u.q, w->n));
    }
    if (!m && w->apos) m = mask_of(s, w->u.b, w->apos);
    count_mask(s, m, only, t);
  }
  word_reset(w);
  return 1;
}

/* The general word machine, from an offset where no word is open: runs
 * until the first word end (or a CJK character) and returns the offset
 * after it, where again no word is open. Handles apostrophes, non-ASCII
 * letters (case-folded) and CJK characters. */
static size_t scan_general(const pith_stopsets *s, const char *text,
                           size_t len, size_t i, uint32_t only, tally *t) {
  word w;
  word_reset(&w);
  while (i < len) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
      i++;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (w.pending_apos) word_letter(&w, (const char *)&c, 1);
        else word_byte(&w, c), w.chars++;
      } else if (c >= 'A' && c <= 'Z') {
        c |= 0x20;
        word_letter(&w, (const char *)&c, 1);
      } else if (c == '\'' && w.n) {
        w.pending_apos = 1;
      } else {
        word_end(s, &w, only, t);
        return i;
      }
      continue;
    }
    int32_t cp;
    size_t k = pith_u8_next(text + i, len - i, &cp);
    const char *src = text + i;
    i += k;
    if (pith_is_cjk(cp)) { /* one character, one word */
      word_end(s, &w, only, t);
      t->words++;
      t->cjk++;
      t->kana += pith_is_kana(cp);
      if (!s) return i;
      uint32_t m = mask_of(s, src, k) & s->cjk_mask;
      if (only) t->hits[0] += (m & only) != 0;
      else add_hits(t, m);
      return i;
    } else if (cp == 0x2019 && w.n) { /* curly apostrophe (quotes kept) */
      w.pending_apos = 1;
    } else if (pith_is_alnum_cp(cp)) {
      char tmp[16];
      word_letter(&w, tmp, pith_fold_cp(cp, tmp));
    } else {
      word_end(s, &w, only, t);
      return i;
    }
  }
  word_end(s, &w, only, t);
  return i;
}

/* ASCII letters and digits; their case-folded form is the byte | 0x20
 * (digits already have that bit). The table is built by the preprocessor
 * from that definition. */
#define AN1(c) ((unsigned)(((c) | 0x20) - 'a') < 26u || (unsigned)((c) - '0') < 10u)
#define AN4(c) AN1(c), AN1((c) + 1), AN1((c) + 2), AN1((c) + 3)
#define AN16(c) AN4(c), AN4((c) + 4), AN4((c) + 8), AN4((c) + 12)
#define AN64(c) AN16(c), AN16((c) + 16), AN16((c) + 32), AN16((c) + 48)
static const uint8_t ascii_alnum[256] = {AN64(0), AN64(64), AN64(128), AN64(192)};

/* The first `keep` (1..8) bytes of a little-endian-loaded word. */
static inline uint64_t low_bytes(uint64_t x, size_t keep) {
  return keep < 8 ? x & (~0ull >> (8 * (8 - keep))) : x;
}

/* Bytes [a, a+keep) of a word of ASCII letters/digits (keep 1..8), folded,
 * as a zero-padded chunk; reads no byte outside text[0, len). */
static inline uint64_t ascii_chunk(const char *text, size_t len, size_t a,
                                   size_t keep) {
  uint64_t x = 0;
  if (a + 8 <= len) {
    memcpy(&x, text + a, 8);
  } else if (len >= 8) { /* the 8 bytes ending the text, shifted down */
    memcpy(&x, text + len - 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x <<= 8 * (a + 8 - len);
#else
    x >>= 8 * (a + 8 - len);
#endif
  } else {
    for (size_t k = 0; k < keep; k++) ((char *)&x)[k] = text[a + k];
  }
  x |= 0x2020202020202020ull;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return keep < 8 ? x & (~0ull << (8 * (8 - keep))) : x;
#else
  return low_bytes(x, keep);
#endif
}

/* A word of n ASCII letters/digits at text+a (nothing else attached). */
static inline void ascii_word(const pith_stopsets *s, const char *text,
                              size_t len, size_t a, size_t n, uint32_t only,
                              tally *t) {
  t->words++;
  t->letters += (uint32_t)n;
  if (!s || n > s->maxlen) return;
  uint64_t q[MAX_WORD / 8], h;
  if (n <= 8) { /* most words: one chunk, one multiply */
    q[0] = ascii_chunk(text, len, a, n);
    h = q[0] * HASH_MUL;
  } else {
    for (size_t k = 0; k * 8 < n; k++)
      q[k] = ascii_chunk(text, len, a + k * 8, n - k * 8 < 8 ? n - k * 8 : 8);
    h = hash_chunks(q, n);
  }
  uint32_t m = lookup(s, q, n, h);
  if (m) count_mask(s, m, only, t);
}

/* One pass over text. Words made of ASCII letters and digits alone (most
 * words of most dumps) are counted straight from the text; anything else
 * (apostrophes, other scripts) goes through scan_general from the start
 * of its word. */
static void scan(const pith_stopsets *s, const char *text, size_t len,
                 uint32_t only, tally *t) {
  const unsigned char *u = (const unsigned char *)text;
  size_t i = 0;
  while (i < len) {
    unsigned char c = u[i];
    if (c >= 0x80) {
      i = scan_general(s, text, len, i, only, t);
      continue;
    }
    if (!ascii_alnum[c]) {
      i++;
      continue;
    }
    size_t a = i++;
    while (i < len && ascii_alnum[u[i]]) i++;
    if (i < len && (u[i] >= 0x80 || u[i] == '\'')) {
      i = scan_general(s, text, len, a, only, t);
      continue;
    }
    ascii_word(s, text, len, a, i - a, only, t);
  }
}

void pith_stoplist_count(const pith_stoplist *l, const char *text, size_t len,
                         uint32_t *words, uint32_t *stops) {
  tally t;
  memset(&t, 0, offsetof(tally, hits) + sizeof t.hits[0]);
  scan(l ? l->set : NULL, text, len, l ? l->bit : 0, &t);
  if (words) *words = t.words;
  if (stops) *stops = l ? t.hits[0] : 0;
}

/* Kana in more than 1 of 10 CJK characters: Japanese (Chinese has none). */
static const pith_stoplist *choose(const pith_stopsets *s, const tally *t,
                                   double min_density) {
  /* Script first: densities of character lists and word lists are not
   * comparable, so CJK text only competes among CJK lists. */
  int cjk = t->cjk > 0 && (double)t->cjk / ((double)t->cjk + t->letters) > 0.30;
  uint32_t pool = cjk ? s->cjk_mask : ~s->cjk_mask;
  const pith_stoplist *best = NULL;
  uint32_t best_hits = 0;
  for (size_t k = 0; k < s->n; k++) {
    const pith_stoplist *l = &s->lists[k];
    if (!(l->bit & pool)) continue;
    if (cjk) { /* kana decides between ja and zh */
      int ja = strcmp(l->lang, "ja") == 0;
      if (ja != (t->kana * 10 > t->cjk)) continue;
    }
    if (t->hits[k] > best_hits) best = l, best_hits = t->hits[k];
  }
  uint32_t base = cjk ? t->cjk : t->words - t->cjk;
  if (!best || !base || (double)best_hits / base < min_density) return NULL;
  return best;
}

const pith_stoplist *pith_stopsets_detect(const pith_stopsets *s,
                                          const char *const *texts,
                                          const size_t *lens, size_t n,
                                          double min_density) {
  return pith_stopsets_detect_each(s, texts, lens, n, min_density, NULL, NULL);
}

/* The language choice tallies every language at once, so each text's
 * count for the chosen list falls out of the same pass: per text, the
 * growth of each language's hits is kept until the choice is made. Counting
 * with one list (pith_stoplist_count) gives the same numbers for lists of
 * space-separated languages: a word hits list k there exactly when bit k is
 * in its mask here. CJK lists differ (they also match ASCII words there),
 * so their counts are not reported. Without a list the stop words are 0. */
const pith_stoplist *pith_stopsets_detect_each(const pith_stopsets *s,
                                               const char *const *texts,
                                               const size_t *lens, size_t n,
                                               double min_density,
                                               uint32_t *words, uint32_t *stops) {
  if (stops && n) stops[0] = UINT32_MAX;
  if (!s || !s->n || !texts) return NULL;
  tally t;
  memset(&t, 0, sizeof t);
  uint32_t *each = stops && n ? malloc(n * s->n * sizeof *each) : NULL;
  for (size_t i = 0; i < n; i++) {
    uint32_t w0 = t.words, h0[MAX_LANGS];
    if (each) memcpy(h0, t.hits, s->n * sizeof *h0);
    if (texts[i]) scan(s, texts[i], lens ? lens[i] : strlen(texts[i]), 0, &t);
    if (words) words[i] = t.words - w0;
    if (each)
      for (size_t k = 0; k < s->n; k++) each[i * s->n + k] = t.hits[k] - h0[k];
  }
  const pith_stoplist *best = choose(s, &t, min_density);
  if (stops && n && !best) { /* no list: no stop words */
    memset(stops, 0, n * sizeof *stops);
  } else if (each && !best->cjk) {
    size_t k = (size_t)__builtin_ctz(best->bit);
    for (size_t i = 0; i < n; i++) stops[i] = each[i * s->n + k];
  }
  free(each);
  return best;
}
