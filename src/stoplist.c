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

struct pith_stoplist {
  const pith_stopsets *set;
  uint32_t bit;
  int cjk;
  char lang[8];
};

typedef struct slot {
  uint32_t hash;
  uint32_t off; /* into pool */
  uint32_t len; /* 0 = empty slot */
  uint32_t mask;
} slot;

struct pith_stopsets {
  pith_stoplist lists[MAX_LANGS];
  size_t n;
  uint32_t cjk_mask;
  slot *tab;
  size_t cap; /* power of two */
  char *pool;
  size_t pool_len, pool_cap;
};

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static const slot *find(const pith_stopsets *s, const char *w, size_t n,
                        uint32_t h) {
  for (size_t j = h & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
    const slot *e = &s->tab[j];
    if (!e->len) return NULL;
    if (e->hash == h && e->len == n && memcmp(s->pool + e->off, w, n) == 0)
      return e;
  }
}

static uint32_t mask_of(const pith_stopsets *s, const char *w, size_t n) {
  const slot *e = find(s, w, n, hash_bytes(w, n));
  return e ? e->mask : 0;
}

static int insert(pith_stopsets *s, const char *w, size_t n, uint32_t bit) {
  uint32_t h = hash_bytes(w, n);
  size_t j = h & (s->cap - 1);
  for (; s->tab[j].len; j = (j + 1) & (s->cap - 1)) {
    slot *e = &s->tab[j];
    if (e->hash == h && e->len == n && memcmp(s->pool + e->off, w, n) == 0) {
      e->mask |= bit;
      return 0;
    }
  }
  if (s->pool_len + n > s->pool_cap) {
    size_t cap = s->pool_cap ? s->pool_cap * 2 : 16384;
    while (cap < s->pool_len + n) cap *= 2;
    char *p = realloc(s->pool, cap);
    if (!p) return -1;
    s->pool = p;
    s->pool_cap = cap;
  }
  memcpy(s->pool + s->pool_len, w, n);
  s->tab[j] = (slot){h, (uint32_t)s->pool_len, (uint32_t)n, bit};
  s->pool_len += n;
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
  s->cap = 64;
  while (s->cap < words * 2 + 64) s->cap *= 2;
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

/* The word being read: folded bytes and their running FNV-1a hash, so a
 * finished word costs one table probe and no second pass. */
typedef struct word {
  char b[MAX_WORD];
  size_t n, chars, apos; /* apos: offset of the first inner apostrophe */
  uint32_t h;
  int pending_apos, too_long;
} word;

static inline void word_reset(word *w) {
  w->n = w->chars = w->apos = 0;
  w->h = 2166136261u;
  w->pending_apos = w->too_long = 0;
}

static inline void word_byte(word *w, unsigned char c) {
  if (w->n == MAX_WORD) {
    w->too_long = 1;
    return;
  }
  w->b[w->n++] = (char)c;
  w->h = (w->h ^ c) * 16777619u;
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
 * before the apostrophe (French/Italian elision). */
static void word_end(const pith_stopsets *s, word *w, uint32_t only, tally *t) {
  if (!w->n) return;
  t->words++;
  t->letters += (uint32_t)w->chars;
  if (s && !w->too_long) {
    const slot *e = find(s, w->b, w->n, w->h);
    uint32_t m = e ? e->mask : 0;
    if (!m && w->apos) m = mask_of(s, w->b, w->apos);
    m &= only ? only : ~s->cjk_mask;
    if (only) t->hits[0] += m != 0;
    else add_hits(t, m);
  }
  word_reset(w);
}

/* One pass over text. With `only` != 0 only the bits of `only` are
 * counted (into hits[0]); else every language's hits are counted. */
static void scan(const pith_stopsets *s, const char *text, size_t len,
                 uint32_t only, tally *t) {
  word w;
  word_reset(&w);
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) { /* ASCII fast path */
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
      if (!s) continue;
      uint32_t m = mask_of(s, src, k) & s->cjk_mask;
      if (only) t->hits[0] += (m & only) != 0;
      else add_hits(t, m);
    } else if (cp == 0x2019 && w.n) { /* curly apostrophe (quotes kept) */
      w.pending_apos = 1;
    } else if (pith_is_alnum_cp(cp)) {
      char tmp[16];
      word_letter(&w, tmp, pith_fold_cp(cp, tmp));
    } else {
      word_end(s, &w, only, t);
    }
  }
  word_end(s, &w, only, t);
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
const pith_stoplist *pith_stopsets_detect(const pith_stopsets *s,
                                          const char *const *texts,
                                          const size_t *lens, size_t n,
                                          double min_density) {
  if (!s || !s->n || !texts) return NULL;
  tally t;
  memset(&t, 0, sizeof t);
  for (size_t i = 0; i < n; i++)
    if (texts[i]) scan(s, texts[i], lens ? lens[i] : strlen(texts[i]), 0, &t);
  /* Script first: densities of character lists and word lists are not
   * comparable, so CJK text only competes among CJK lists. */
  int cjk = t.cjk > 0 && (double)t.cjk / ((double)t.cjk + t.letters) > 0.30;
  uint32_t pool = cjk ? s->cjk_mask : ~s->cjk_mask;
  const pith_stoplist *best = NULL;
  uint32_t best_hits = 0;
  for (size_t k = 0; k < s->n; k++) {
    const pith_stoplist *l = &s->lists[k];
    if (!(l->bit & pool)) continue;
    if (cjk) { /* kana decides between ja and zh */
      int ja = strcmp(l->lang, "ja") == 0;
      if (ja != (t.kana * 10 > t.cjk)) continue;
    }
    if (t.hits[k] > best_hits) best = l, best_hits = t.hits[k];
  }
  uint32_t base = cjk ? t.cjk : t.words - t.cjk;
  if (!best || !base || (double)best_hits / base < min_density) return NULL;
  return best;
}
