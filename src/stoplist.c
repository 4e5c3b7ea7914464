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

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "filters_builtin.h"
#include "simd.h"
#include "swar.h"
#include "textfold.h"

/* SSE2 is the baseline on x86-64; PITH_NO_SSE2 builds the portable code
 * (to test it). */
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#define STOP_SSE2 1
#include <emmintrin.h>
#endif

#define MAX_LANGS 32
#define MAX_WORD 64 /* longer runs are words but never stop words */
#define BLOOM_BITS 17
#define SHORT_BITS 14
#define SHORT_SLOTS (1u << SHORT_BITS)
#define SHORT_DISP_BITS 11
#define SHORT_BUCKETS (1u << SHORT_DISP_BITS)
#define SHORT_DISPS 256u /* displacements: one byte per bucket */
#define LONG_BITS 15

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

/* A word of 1..8 bytes: its zero-padded chunk (never 0: list words hold
 * no NUL byte, so the chunk also tells the length) and its languages. Or
 * the long key of words over 8 bytes (long_key): mask 0, and in longs the
 * languages of all long words of that key. */
typedef struct short_slot {
  uint64_t key; /* 0 = empty slot */
  uint32_t mask, longs;
} short_slot;
/* short_in reads the fields at these byte offsets */
_Static_assert(sizeof(short_slot) == 16 && offsetof(short_slot, mask) == 8 &&
                   offsetof(short_slot, longs) == 12,
               "short_slot layout");

/* The folded form of a 1- or 2-byte code point (U+0000..U+07FF: ASCII,
 * Latin, Greek, Cyrillic, Hebrew, Arabic...), computed once with
 * pith_fold_cp, so that those letters fold with one table load. b[3] is
 * the length: the 4 bytes can be stored whole, the length byte is then
 * overwritten by the next letter or the padding. */
typedef struct fold2 {
  char b[4]; /* b[0..2]: folded bytes; b[3]: their number (FOLD_N) */
} fold2;
#define FOLD_N(f) ((unsigned char)(f)->b[3]) /* 0: not a letter or digit */
#define FOLD_LONG 4 /* FOLD_N of letters folding to more than 3 bytes */

struct pith_stopsets {
  pith_stoplist lists[MAX_LANGS];
  size_t n;
  uint32_t cjk_mask;
  size_t maxlen; /* longest folded word in any list, bytes */
  slot *tab;
  size_t cap;    /* power of two */
  size_t bits;   /* log2(cap) (size_t: hit counters never alias it) */
  size_t tab_shift; /* 64 - bits */
  uint64_t *pool; /* chunks after the first of words over 8 bytes */
  size_t pool_len, pool_cap; /* in chunks */
  /* Words of up to 8 bytes (most stop words, and the words looked up
   * most) again, each in one slot (hash and displace): a lookup is one
   * compare without branches, whatever the word. */
  short_slot *shorts; /* SHORT_SLOTS */
  uint64_t short_mul; /* the hash multiplier that placed every word */
  /* per bucket: the displacement, one byte (read once per word, the 2 KB
   * stay cached better than 4 KB would; 256 choices still place a bucket
   * of the 40% full table easily) */
  uint8_t short_disp[SHORT_BUCKETS];
  /* One bit per word hash: most longer words of a text are not stop words
   * and are turned away here, without touching the big table. */
  uint64_t bloom[(1u << BLOOM_BITS) / 64];
  /* One bit per first chunk and length of the words over 8 bytes (some 750
   * in 2^15 bits): most long words of a text are turned away by it before
   * their other chunks are read. */
  uint64_t long_first[(1u << LONG_BITS) / 64];
  fold2 fold[0x800];
  /* byte constants of word2's fast path, loaded whole (built from
   * immediates at every call otherwise) */
  signed char vk[15][32]; /* K_N rows */
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

/* The filter takes hash bits 32..48 (a constant shift; 2^17 bits, 16 KB:
 * some 5% of the words in no list get past it), below the table's
 * home slot (the top bits) for tables of up to 2^15 slots. */
#define BLOOM_SHIFT 32
static inline uint32_t bloom_bit(const pith_stopsets *s, uint64_t h) {
  (void)s;
  return (uint32_t)(h >> BLOOM_SHIFT) & ((1u << BLOOM_BITS) - 1);
}

static inline int bloom_has(const pith_stopsets *s, uint64_t h) {
  uint32_t b = bloom_bit(s, h);
  return (int)(s->bloom[b >> 6] >> (b & 63)) & 1;
}

/* The long_first bit of a word over 8 bytes whose first chunk is q0. */
static inline uint32_t long_bit(uint64_t q0, size_t n) {
  return (uint32_t)(((q0 + n) * HASH_MUL) >> (64 - LONG_BITS));
}

static inline int long_may(const pith_stopsets *s, uint64_t q0, size_t n) {
  uint32_t b = long_bit(q0, n);
  return (int)(s->long_first[b >> 6] >> (b & 63)) & 1;
}

/* The short-word table: each word in one slot, chosen without collisions
 * when the table is built (hash and displace): the top bits of the hash
 * h = q * short_mul pick a bucket, the bits below them a slot, moved by
 * the bucket's displacement (XOR). A fixed size keeps the shifts constant:
 * the built-in lists hold some 6,600 words of up to 8 bytes and 700 long
 * keys, 45% of the slots, in 2^11 buckets. */
#define SHORT_SLOT_OFFSET(h) \
  ((size_t)((h) >> (64 - SHORT_DISP_BITS - SHORT_BITS - 4)) & ((SHORT_SLOTS - 1) << 4))
#define SHORT_BUCKET(h) ((size_t)((h) >> (64 - SHORT_DISP_BITS)))

/* Languages of the short word with chunk q; 0 if none. One slot is read and
 * kept by its compare: no branch to mispredict on stop words against other
 * words. */
static inline uint32_t short_in(const short_slot *tab, const uint8_t *disp,
                                uint64_t mul, uint64_t q) {
  uint64_t h = q * mul;
  /* the slot's byte offset (slot << 4) straight from h */
  size_t o = SHORT_SLOT_OFFSET(h) ^ (size_t)disp[SHORT_BUCKET(h)] << 4;
  uint64_t k;
  uint32_t m;
  memcpy(&k, (const char *)tab + o, 8), memcpy(&m, (const char *)tab + o + 8, 4);
  /* the mask by arithmetic: compilers turn ?: here into a branch */
  return m & -(uint32_t)(k == q);
}

/* The short-table key of a word over 8 bytes whose first chunk is q0: its
 * first byte zeroed (no word's chunk has a zero byte before a nonzero one,
 * so it never meets a short word). The slot holds the languages of all
 * long words of that key: a filter, 0 for most long words of a text. */
static inline uint64_t long_key(uint64_t q0) { return q0 & ~pith_swar_keep(1); }

/* Per word length n (0..MAX_WORD): the bytes of its first chunk that make
 * its key in the short table (its n bytes; over 8, the long key's). A
 * constant table: the loops that read it keep no register for it. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define KEEP_N(n) (~0ull << (64 - 8 * (n)))
#define KEEP_LONG (~0ull >> 8)
#else
#define KEEP_N(n) (~0ull >> (64 - 8 * (n)))
#define KEEP_LONG (~0ull << 8)
#endif
#define KEEP_L4 KEEP_LONG, KEEP_LONG, KEEP_LONG, KEEP_LONG
#define KEEP_L16 KEEP_L4, KEEP_L4, KEEP_L4, KEEP_L4
static const uint64_t key_keep[MAX_WORD + 1] = {
    0,         KEEP_N(1), KEEP_N(2), KEEP_N(3), KEEP_N(4), KEEP_N(5), KEEP_N(6), KEEP_N(7),
    KEEP_N(8), KEEP_L4,   KEEP_L4,   KEEP_L16,  KEEP_L16,  KEEP_L16};
_Static_assert(MAX_WORD == 64, "key_keep: 8 + 4 + 4 + 3 * 16 long lengths");
#undef KEEP_N
#undef KEEP_LONG
#undef KEEP_L4
#undef KEEP_L16

/* short_in for a key that may be a long key: also *longs, the languages
 * of the long words of a long key (0 for other keys). */
static inline uint32_t short_in_long(const short_slot *tab, const uint8_t *disp, uint64_t mul,
                                     uint64_t q, uint32_t *longs) {
  uint64_t h = q * mul;
  size_t o = SHORT_SLOT_OFFSET(h) ^ (size_t)disp[SHORT_BUCKET(h)] << 4;
  uint64_t k;
  uint32_t m[2];
  memcpy(&k, (const char *)tab + o, 8), memcpy(m, (const char *)tab + o + 8, 8);
  const uint32_t eq = -(uint32_t)(k == q);
  *longs = m[1] & eq;
  return m[0] & eq;
}

static inline uint32_t short_lookup(const pith_stopsets *s, uint64_t q) {
  return short_in(s->shorts, s->short_disp, s->short_mul, q);
}

/* Slot of the word in chunks q (n bytes, hash h), or the empty slot where
 * it would go. */
static size_t probe(const pith_stopsets *s, const uint64_t *q, size_t n,
                    uint64_t h) {
  size_t nk = (n + 7) / 8;
  for (size_t j = h >> s->tab_shift;; j = (j + 1) & (s->cap - 1)) {
    const slot *e = &s->tab[j];
    if (!e->mask) return j;
    if (e->first != q[0] || (e->at & 127) != n) continue;
    const uint64_t *p = s->pool + (e->at >> 7);
    size_t k = 1;
    while (k < nk && p[k - 1] == q[k]) k++;
    if (k == nk) return j;
  }
}

/* Languages of the word in chunks q (n bytes); 0 if none. */
static inline uint32_t lookup(const pith_stopsets *s, const uint64_t *q,
                              size_t n) {
  if (n <= 8) return short_lookup(s, q[0]);
  if (n > s->maxlen || !long_may(s, q[0], n)) return 0;
  uint64_t h = hash_chunks(q, n); /* only for the few words that pass */
  if (!bloom_has(s, h)) return 0;
  return s->tab[probe(s, q, n, h)].mask;
}

static uint32_t mask_of(const pith_stopsets *s, const char *w, size_t n) {
  if (n == 0 || n > MAX_WORD) return 0;
  uint64_t q[MAX_WORD / 8];
  to_chunks(w, n, q);
  return lookup(s, q, n);
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
  if (n > 8) {
    b = long_bit(q[0], n);
    s->long_first[b >> 6] |= 1ull << (b & 63);
  }
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

/* Place the n short words of keys/masks (the long keys from nshort on)
 * with multiplier mul: buckets with more words first, each at the first
 * displacement whose slots are all free. -1 if some bucket finds none (or
 * holds two words of one slot). */
static int place_shorts(pith_stopsets *s, const uint64_t *keys, const uint32_t *masks,
                        size_t n, size_t nshort, uint64_t mul, uint32_t *order) {
  enum { MAX_PER = 32 };
  uint32_t count[SHORT_BUCKETS + 1], start[SHORT_BUCKETS + 1];
  memset(count, 0, sizeof count);
  for (size_t i = 0; i < n; i++) count[SHORT_BUCKET(keys[i] * mul)]++;
  uint32_t most = 0;
  start[0] = 0;
  for (size_t b = 0; b < SHORT_BUCKETS; b++) {
    if (count[b] > MAX_PER) return -1;
    if (count[b] > most) most = count[b];
    start[b + 1] = start[b] + count[b];
  }
  for (size_t i = 0; i < n; i++) order[start[SHORT_BUCKET(keys[i] * mul)]++] = (uint32_t)i;
  memset(s->shorts, 0, SHORT_SLOTS * sizeof *s->shorts);
  memset(s->short_disp, 0, sizeof s->short_disp);
  for (uint32_t size = most; size > 0; size--)
    for (size_t b = 0; b < SHORT_BUCKETS; b++) {
      if (count[b] != size) continue;
      const uint32_t *in = order + start[b] - size; /* start[b] is its end now */
      size_t base[MAX_PER];
      for (uint32_t k = 0; k < size; k++) {
        base[k] = SHORT_SLOT_OFFSET(keys[in[k]] * mul) >> 4;
        for (uint32_t j = 0; j < k; j++)
          if (base[j] == base[k]) return -1;
      }
      size_t d = 0;
      for (; d < SHORT_DISPS; d++) {
        uint32_t k = 0;
        while (k < size && !s->shorts[base[k] ^ d].key) k++;
        if (k == size) break;
      }
      if (d == SHORT_DISPS) return -1;
      for (uint32_t k = 0; k < size; k++)
        s->shorts[base[k] ^ d] =
            in[k] < nshort ? (short_slot){keys[in[k]], masks[in[k]], 0}
                           : (short_slot){keys[in[k]], 0, masks[in[k]]};
      s->short_disp[b] = (uint8_t)d;
    }
  return 0;
}

/* The long words' keys (at most n of them, from the big table) into
 * keys/masks, each key once with the languages of all words it stands
 * for (words sharing a key found through a small hash of the keys);
 * returns their number, SIZE_MAX without memory. */
static size_t long_keys(const pith_stopsets *s, uint64_t *keys, uint32_t *masks, size_t n) {
  unsigned bits = 4;
  while (((size_t)1 << bits) < 2 * n) bits++;
  uint32_t *at = calloc((size_t)1 << bits, sizeof *at); /* 1 + index in keys; 0: free */
  if (!at) return SIZE_MAX;
  size_t out = 0, mask = ((size_t)1 << bits) - 1;
  for (size_t j = 0; j < s->cap && out < n; j++) {
    if (!s->tab[j].mask || (s->tab[j].at & 127) <= 8) continue;
    uint64_t k = long_key(s->tab[j].first);
    size_t h = (size_t)((k * HASH_MUL) >> (64 - bits));
    while (at[h] && keys[at[h] - 1] != k) h = (h + 1) & mask;
    if (!at[h]) {
      at[h] = (uint32_t)++out;
      keys[out - 1] = k;
      masks[out - 1] = 0;
    }
    masks[at[h] - 1] |= s->tab[j].mask;
  }
  free(at);
  return out;
}

/* The short words of the big table and the long words' keys, placed with
 * the first multiplier that fits them all: two words may share their
 * bucket and slot bits (25 of the hash: about one pair in two tables),
 * then the next one is tried. The first fits the built-in lists. */
static int build_shorts(pith_stopsets *s) {
  static const uint64_t muls[] = {0xBF58476D1CE4E5B9ull, HASH_MUL, 0x94D049BB133111EBull,
                                  0xD6E8FEB86659FD93ull, 0xFF51AFD7ED558CCDull};
  s->shorts = malloc(SHORT_SLOTS * sizeof *s->shorts);
  uint64_t *keys = malloc(s->cap * sizeof *keys);
  uint32_t *masks = malloc(s->cap * sizeof *masks), *order = malloc(s->cap * sizeof *order);
  int rc = -1;
  if (s->shorts && keys && masks && order) {
    size_t n = 0;
    for (size_t j = 0; j < s->cap; j++)
      if (s->tab[j].mask && (s->tab[j].at & 127) <= 8)
        keys[n] = s->tab[j].first, masks[n++] = s->tab[j].mask;
    size_t nshort = n, nl = long_keys(s, keys + n, masks + n, s->cap - n);
    n = nl == SIZE_MAX ? 0 : n + nl;
    for (size_t k = 0; n && k < sizeof muls / sizeof *muls && rc < 0; k++) {
      s->short_mul = muls[k];
      rc = place_shorts(s, keys, masks, n, nshort, muls[k], order);
    }
  }
  free(keys);
  free(masks);
  free(order);
  return rc;
}

static void build_vk(pith_stopsets *s) {
  static const int v[] = {0x20, 0x80 - 'a', -128 + 26, 0x80 - '0', -128 + 10, 0xD0 - 256,
                          0xD1 - 256, 0x90 - 256, 0xA0 - 256, 0xB0 - 256, 0xC0 - 256, 0x10,
                          -0x20, 1};
  for (size_t k = 0; k < sizeof v / sizeof *v; k++) memset(s->vk[k], v[k], 32);
  _Static_assert(sizeof v / sizeof *v + 1 == sizeof s->vk / sizeof *s->vk, "vk rows");
  for (int j = 0; j < 32; j++) s->vk[sizeof v / sizeof *v][j] = (signed char)j;
}

static void build_fold2(pith_stopsets *s) {
  for (int32_t cp = 0; cp < 0x800; cp++) {
    fold2 *f = &s->fold[cp];
    char tmp[16];
    if (!pith_is_alnum_cp(cp)) continue; /* length stays 0 */
    if (cp < 0x80) {
      f->b[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp | 0x20 : cp);
      f->b[3] = 1;
      continue;
    }
    size_t n = pith_fold_cp(cp, tmp);
    f->b[3] = (char)(n <= 3 ? n : FOLD_LONG);
    if (n <= 3) memcpy(f->b, tmp, n);
  }
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
  s->tab_shift = 64 - s->bits;
  s->tab = calloc(s->cap, sizeof *s->tab);
  if (!s->tab) goto fail;
  build_fold2(s);
  build_vk(s);
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
  if (build_shorts(s) < 0) goto fail;
  return s;
fail:
  pith_stopsets_free(s);
  return NULL;
}

void pith_stopsets_free(pith_stopsets *s) {
  if (!s) return;
  free(s->tab);
  free(s->shorts);
  free(s->pool);
  free(s);
}

int pith_stoplist_has(const pith_stoplist *l, const char *w, size_t n) {
  return l && (mask_of(l->set, w, n) & l->bit) != 0;
}

const char *pith_stoplist_lang(const pith_stoplist *l) { return l ? l->lang : NULL; }

int pith_stoplist_cjk(const pith_stoplist *l) { return l ? l->cjk : 0; }

/* ---- counting --------------------------------------------------------- */

/* Hangul syllables (U+AC00..U+D7A3, three bytes) are letters that fold to
 * themselves: Korean words skip utf8proc. */
static inline int hangul(int32_t cp) { return cp >= 0xAC00 && cp <= 0xD7A3; }

/* pith_is_alnum_cp, Hangul first. */
static inline int alnum_cp(int32_t cp) { return hangul(cp) || pith_is_alnum_cp(cp); }

typedef struct tally {
  uint32_t words;   /* all words (space-separated words + CJK characters) */
  uint32_t cjk;     /* CJK characters */
  uint32_t kana;
  uint32_t letters; /* code points in space-separated words */
  /* The language choice records the mask of every stop-word hit at rec
   * (room for one per word is made before each text) and adds them up per
   * language once, at the end. NULL rec (no memory): straight into hits. */
  uint32_t *rec;
  uint32_t hits[MAX_LANGS];
} tally;

static void add_hits(tally *t, uint32_t m) {
  while (m) {
    t->hits[__builtin_ctz(m)]++;
    m &= m - 1;
  }
}

static inline void record(tally *t, uint32_t m) {
  if (t->rec) *t->rec++ = m;
  else add_hits(t, m);
}

/* One carry-save adder step: the bits of a + b + c at each position, as a
 * high bit (weight 2) and a low one. */
static inline void csa(uint32_t *h, uint32_t *l, uint32_t a, uint32_t b, uint32_t c) {
  uint32_t u = a ^ b;
  *h = (a & b) | (u & c);
  *l = u ^ c;
}

/* Add the n masks at m to hits, bit by bit. The counts are kept in bit
 * planes (bit k of plane j: binary digit j of the count of bit k) and the
 * masks go in 16 at a time through a tree of carry-save adders (Harley and
 * Seal): a few logic steps a mask, whatever its bits (a table of the
 * distinct masks mispredicted its probes, a loop over a mask's bits its
 * exit). */
static void sum_masks(const uint32_t *m, size_t n, uint32_t *hits) {
  enum { PLANES = 32 };
  uint32_t p[PLANES] = {0}; /* ones, twos, fours, eights, then 16s, 32s... */
  size_t top = 4; /* the planes a count of n can reach */
  while (top < PLANES && (n >> 4 >> (top - 4)) != 0) top++;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const uint32_t *x = m + i;
    uint32_t ta, tb, fa, fb, ea, eb, s;
    csa(&ta, &p[0], p[0], x[0], x[1]);
    csa(&tb, &p[0], p[0], x[2], x[3]);
    csa(&fa, &p[1], p[1], ta, tb);
    csa(&ta, &p[0], p[0], x[4], x[5]);
    csa(&tb, &p[0], p[0], x[6], x[7]);
    csa(&fb, &p[1], p[1], ta, tb);
    csa(&ea, &p[2], p[2], fa, fb);
    csa(&ta, &p[0], p[0], x[8], x[9]);
    csa(&tb, &p[0], p[0], x[10], x[11]);
    csa(&fa, &p[1], p[1], ta, tb);
    csa(&ta, &p[0], p[0], x[12], x[13]);
    csa(&tb, &p[0], p[0], x[14], x[15]);
    csa(&fb, &p[1], p[1], ta, tb);
    csa(&eb, &p[2], p[2], fa, fb);
    csa(&s, &p[3], p[3], ea, eb);
    for (size_t j = 4; j < top; j++) { /* s: the carries of weight 16 */
      uint32_t c = p[j] & s;
      p[j] ^= s;
      s = c;
    }
  }
  for (; i < n; i++) { /* the last ones one at a time */
    uint32_t s = m[i];
    for (size_t j = 0; j < top; j++) {
      uint32_t c = p[j] & s;
      p[j] ^= s;
      s = c;
    }
  }
  for (size_t j = 0; j < top; j++)
    for (uint32_t x = p[j]; x; x &= x - 1) hits[__builtin_ctz(x)] += 1u << j;
}

/* Count the stop-word hits of mask m: with `only` != 0 only its bits
 * (into hits[0]), else every space-separated language's. */
static inline void count_mask(const pith_stopsets *s, uint32_t m, uint32_t only,
                              tally *t) {
  m &= only ? only : ~s->cjk_mask;
  if (only) t->hits[0] += m != 0;
  else if (m) record(t, m);
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
  if (w->n + k <= MAX_WORD) {
    for (size_t i = 0; i < k; i++) w->u.b[w->n++] = p[i];
  } else {
    for (size_t i = 0; i < k; i++) word_byte(w, (unsigned char)p[i]);
  }
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
      m = lookup(s, w->u.q, w->n);
    }
    if (!m && w->apos) m = mask_of(s, w->u.b, w->apos);
    count_mask(s, m, only, t);
  }
  word_reset(w);
  return 1;
}

/* Append the 2-byte code point cp to w if it is a letter or digit; 0 if
 * it is not (it ends the word). Without a list the bytes of a word are
 * never looked up: one byte stands for the letter. */
static inline int letter2(const pith_stopsets *s, word *w, int32_t cp) {
  if (!s) {
    if (!pith_is_alnum_cp(cp)) return 0;
    word_letter(w, "x", 1);
    return 1;
  }
  const fold2 *f = &s->fold[cp];
  if (!FOLD_N(f)) return 0;
  if (FOLD_N(f) == FOLD_LONG) {
    char tmp[16];
    word_letter(w, tmp, pith_fold_cp(cp, tmp));
  } else {
    word_letter(w, f->b, FOLD_N(f));
  }
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
    if (c >= 0xC2 && c < 0xE0 && i + 1 < len &&
        ((unsigned char)text[i + 1] & 0xC0) == 0x80) { /* never CJK, never U+2019 */
      int32_t cp2 = (c & 0x1F) << 6 | (text[i + 1] & 0x3F);
      i += 2;
      if (letter2(s, &w, cp2)) continue;
      word_end(s, &w, only, t);
      return i;
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
      else if (m) record(t, m);
      return i;
    } else if (cp == 0x2019 && w.n) { /* curly apostrophe (quotes kept) */
      w.pending_apos = 1;
    } else if (hangul(cp)) {
      word_letter(&w, src, s ? 3 : 1);
    } else if (pith_is_alnum_cp(cp)) {
      char tmp[16];
      word_letter(&w, tmp, s ? pith_fold_cp(cp, tmp) : 1);
    } else {
      word_end(s, &w, only, t);
      return i;
    }
  }
  word_end(s, &w, only, t);
  return i;
}

/* ---- the fast path ----------------------------------------------------
 *
 * The text is read in windows of 64 bytes. Each window gets two bit
 * masks (ASCII letters/digits; bytes >= 0x80 and apostrophes), so a word's
 * start and end are found with one count-trailing-zeros each instead of a
 * test per byte. Words of ASCII letters/digits ended by an ASCII separator
 * are counted in a tight loop; words with inner ASCII apostrophes ("it's")
 * or ended by a non-ASCII separator (curly quotes, dashes) one step
 * aside; anything else (non-ASCII letters, CJK, curly apostrophes, runs
 * of apostrophes) goes through scan_general from the start of its word,
 * which defines the semantics. A window always starts where no word is
 * open: a word running past its end starts the next one. */

#define WIN 64
#define RESTART ((size_t)-1) /* the word runs past the window */

typedef struct window {
  /* The last WIN + 8 bytes of the text (all of a shorter one, ending at
   * the same place), then as many zeros: the windows of its end. */
  unsigned char tail[2 * (WIN + 8)];
  /* ASCII alnum; odd: >= 0x80 or '\'' (the byte tells which: one mask
   * fewer to make per window, and few odd bytes are looked at) */
  uint64_t an, odd;
  size_t avail;        /* bytes of text in the window */
  /* The window's bytes: the text itself when WIN + 8 bytes of it are left
   * (whole-chunk loads of its words stay inside), else b. */
  const unsigned char *base;
} window;

typedef struct cursor {
  const pith_stopsets *s;
  const char *text;
  size_t len, i; /* i: offset of the window in text */
  uint32_t only;
  int avx2; /* classify 32 bytes a step */
  tally *t;
  /* scan_dense: the density it watches for (0: none), and the hits that
   * reach it once the text's words are known (UINT32_MAX until then) */
  double density;
  uint32_t enough;
  window w;
} cursor;

#ifndef STOP_SSE2
/* ASCII letters and digits (the portable classifier). */
#define AN1(c) ((unsigned)(((c) | 0x20) - 'a') < 26u || (unsigned)((c) - '0') < 10u)
#define AN4(c) AN1(c), AN1((c) + 1), AN1((c) + 2), AN1((c) + 3)
#define AN16(c) AN4(c), AN4((c) + 4), AN4((c) + 8), AN4((c) + 12)
#define AN64(c) AN16(c), AN16((c) + 16), AN16((c) + 32), AN16((c) + 48)
static const uint8_t ascii_alnum[256] = {AN64(0), AN64(64), AN64(128), AN64(192)};
#endif

/* Masks of the first `blocks` 16-byte blocks at p (the rest is zero). */
static inline void classify(window *w, const unsigned char *p, unsigned blocks) {
  uint64_t an = 0, odd = 0;
#ifdef STOP_SSE2
  /* Ranges by signed compares: x + (0x80 - lo) < -128 + width. Bytes
   * >= 0x80 land outside both ranges. */
  const __m128i bit5 = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('\'');
  const __m128i la = _mm_set1_epi8(0x80 - 'a'), lz = _mm_set1_epi8(-128 + 26);
  const __m128i d0 = _mm_set1_epi8(0x80 - '0'), d9 = _mm_set1_epi8(-128 + 10);
  for (unsigned k = 0; k < blocks; k++) {
    const void *at = p + 16 * k;
    __m128i x = _mm_loadu_si128((const __m128i *)at);
    __m128i lo = _mm_or_si128(x, bit5);
    __m128i let = _mm_cmplt_epi8(_mm_add_epi8(lo, la), lz);
    __m128i dig = _mm_cmplt_epi8(_mm_add_epi8(x, d0), d9);
    an |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(let, dig)) << (16 * k);
    odd |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, quote)))
           << (16 * k);
  }
#else
  for (unsigned k = 0; k < 16 * blocks; k++) {
    unsigned char c = p[k];
    an |= (uint64_t)ascii_alnum[c] << k;
    odd |= (uint64_t)((c >> 7) | (c == '\'')) << k;
  }
#endif
  w->an = an, w->odd = odd;
}

#if defined(STOP_SSE2) && defined(PITH_AVX2)
/* With AVX2 (chosen at run time) a window is classified 32 bytes a step. */
#define STOP_AVX2 1

/* classify's masks of a whole window at p, two 32-byte steps. */
static inline PITH_TARGET_AVX2 void classify32(window *w, const unsigned char *p) {
  const __m256i bit5 = _mm256_set1_epi8(0x20), quote = _mm256_set1_epi8('\'');
  const __m256i la = _mm256_set1_epi8(0x80 - 'a'), lz = _mm256_set1_epi8(-128 + 26);
  const __m256i d0 = _mm256_set1_epi8(0x80 - '0'), d9 = _mm256_set1_epi8(-128 + 10);
  uint64_t an = 0, odd = 0;
  for (unsigned k = 0; k < 2; k++) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
    __m256i let = _mm256_cmpgt_epi8(lz, _mm256_add_epi8(_mm256_or_si256(x, bit5), la));
    __m256i dig = _mm256_cmpgt_epi8(d9, _mm256_add_epi8(x, d0));
    an |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(let, dig)) << (32 * k);
    odd |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(x, _mm256_cmpeq_epi8(x, quote)))
           << (32 * k);
  }
  w->an = an, w->odd = odd;
}
#endif

/* The scan loop is written once for a classify step W (16, or 32 with
 * AVX2) and compiled for each: its helpers go inline into both (compilers
 * keep one generic copy of functions that large otherwise). */
#if defined(__GNUC__)
#define STOP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define STOP_ALWAYS_INLINE inline
#endif

/* The window at text offset i: read in place while WIN + 8 bytes of text
 * or more are left (whole-chunk loads of its words stay inside), else from
 * the copy of the text's end, zero after it. Chosen without a branch: a
 * text's last window would mispredict it. */
static STOP_ALWAYS_INLINE void window_at(cursor *c, size_t i, unsigned W) {
  window *w = &c->w;
  size_t rest = c->len - i;
  c->i = i;
  w->avail = rest < WIN ? rest : WIN;
  w->base = rest >= WIN + 8 ? (const unsigned char *)c->text + i : w->tail + (WIN + 8) - rest;
#ifdef STOP_AVX2
  if (W == 32) {
    classify32(w, w->base);
    return;
  }
#endif
  (void)W;
  classify(w, w->base, WIN / 16);
}

/* Bytes [0, n) (n 1..8) of the ASCII word at b, folded (letters, digits
 * and apostrophes: | 0x20), as a zero-padded chunk. */
static inline uint64_t chunk(const unsigned char *b, size_t n) {
  uint64_t x;
  memcpy(&x, b, 8);
  return (x | 0x2020202020202020ull) & pith_swar_keep(n);
}

/* The bytes of the word at window offset a (n bytes, inside the window):
 * its whole chunks can be loaded. */
static inline const unsigned char *word_at(const cursor *c, size_t a,
                                           size_t n) {
  (void)n;
  return c->w.base + a;
}

/* Languages of the n-byte (1..MAX_WORD) ASCII word at b; 0 if none. */
static inline uint32_t lookup_ascii(const pith_stopsets *s,
                                    const unsigned char *b, size_t n) {
  uint64_t q[MAX_WORD / 8], h;
  if (n <= 8) {
    q[0] = chunk(b, n);
    return short_lookup(s, q[0]);
  } else {
    if (n > s->maxlen) return 0;
    q[0] = chunk(b, 8);
    if (!long_may(s, q[0], n)) return 0;
    for (size_t k = 1; k * 8 < n; k++)
      q[k] = chunk(b + 8 * k, n - k * 8 < 8 ? n - k * 8 : 8);
    h = hash_chunks(q, n);
    if (!bloom_has(s, h)) return 0;
  }
  return s->tab[probe(s, q, n, h)].mask;
}

/* Count the ASCII word at window offset a, n bytes of which naps are
 * apostrophes, the first at offset apos (0: none): as word_end would. */
static void aside_word(cursor *c, size_t a, size_t n, size_t apos,
                       size_t naps) {
  tally *t = c->t;
  t->words++;
  t->letters += (uint32_t)(n - naps);
  if (!c->s) return;
  uint32_t m = lookup_ascii(c->s, word_at(c, a, n), n);
  if (!m && apos) m = lookup_ascii(c->s, word_at(c, a, apos), apos);
  if (m) count_mask(c->s, m, c->only, t);
}

/* The general path from window offset a; returns the window offset after
 * what it read (maybe past the window). */
static size_t general(cursor *c, size_t a) {
  return scan_general(c->s, c->text, c->len, c->i + a, c->only, c->t) - c->i;
}

/* Does the code point end a word (when one is open)? The General
 * Punctuation block (quotes, dashes, ellipsis...) has no letters or digits;
 * its U+2019 is an apostrophe. */
static inline int separator_cp(int32_t cp) {
  if (cp >= 0x2000 && cp <= 0x206F) return cp != 0x2019;
  return !pith_is_cjk(cp) && !alnum_cp(cp);
}


/* word2's fast path takes the common words of Russian text: ASCII
 * letters/digits and Cyrillic U+0400..U+045F (D0 80..BF, D1 80..9F), under
 * 32 bytes, ended by an ASCII separator other than the apostrophe or by the
 * end of the text. Their capitals fold by fixed offsets of the second byte
 * (after D0: 80..8F + 0x10 and 90..9F + 0x20, A0..AF - 0x20; the lead of
 * 80..8F and A0..AF goes to D1), so 32 bytes are classified and folded in
 * a few vector steps instead of a table load and five branches a letter.
 * Its functions return RESTART for other words (the letter loop takes
 * them). */

/* The letters of such a word from the masks of 32 bytes at p (ASCII
 * letters/digits, D0, D1, 80..BF, 80..9F): its length e, or RESTART. */
static inline size_t cyr_end(const unsigned char *p, uint32_t an, uint32_t d0, uint32_t d1,
                             uint32_t cont, uint32_t low, uint32_t *pairs) {
  *pairs = (d0 & cont >> 1) | (d1 & low >> 1);
  uint32_t letters = an | *pairs | *pairs << 1;
  if (letters == UINT32_MAX) return RESTART;
  size_t e = (size_t)__builtin_ctz(~letters);
  return p[e] >= 0x80 || p[e] == '\'' ? RESTART : e;
}

/* Count the folded word of e bytes in q (zero-padded chunks) as word2
 * would; rest: the bytes of text from its start. */
static inline size_t cyr_count(cursor *c, size_t a, const uint64_t *q, size_t e,
                               uint32_t pairs, size_t rest) {
  const pith_stopsets *s = c->s;
  tally *t = c->t;
  t->words++;
  t->letters += pith_swar_popcount64(((1u << e) - 1) & ~(pairs << 1)); /* code points */
  if (e <= s->maxlen) {
    uint32_t m = lookup(s, q, e);
    if (m) count_mask(s, m, c->only, t);
  }
  return a + e + (e < rest); /* the separator, if the text goes on */
}

/* 32 bytes of text from window offset a, or the end of the text and zeros
 * after it. */
static inline const unsigned char *cyr_bytes(const cursor *c, size_t a, size_t *rest) {
  const size_t at = c->i + a;
  *rest = c->len - at;
  return *rest >= 32 ? (const unsigned char *)c->text + at : c->w.tail + (WIN + 8) - *rest;
}

#ifdef STOP_SSE2
/* The fast path's byte constants (pith_stopsets.vk), 32 of each. Bounds
 * are signed: bytes 0x80..B - 1 are those below B - 256. */
enum { K_BIT5, K_LA, K_LZ, K_D0, K_D9, K_LEAD0, K_LEAD1, K_B90, K_BA0, K_BB0, K_BC0,
       K_10, K_M20, K_ONE, K_IDX, K_N };
#define K16(k) _mm_loadu_si128((const __m128i *)(const void *)vk[k])

static inline uint32_t mask32(__m128i m0, __m128i m1) {
  return (uint32_t)_mm_movemask_epi8(m0) | (uint32_t)_mm_movemask_epi8(m1) << 16;
}

/* x folded (ad: bytes after D0, an: ASCII letters/digits); *moves: the
 * second bytes whose lead goes to D1. */
static inline __m128i cyr_fold16(const signed char (*vk)[32], __m128i x, __m128i an, __m128i ad,
                                  __m128i *moves) {
  const __m128i b8 = _mm_cmplt_epi8(x, K16(K_B90)), b9 = _mm_cmplt_epi8(x, K16(K_BA0));
  const __m128i ra = _mm_andnot_si128(b9, _mm_cmplt_epi8(x, K16(K_BB0)));
  /* 80..8F: 0x10; 90..9F: 0x20; A0..AF: -0x20 */
  __m128i d = _mm_or_si128(_mm_and_si128(b8, K16(K_10)),
                           _mm_and_si128(_mm_andnot_si128(b8, b9), K16(K_BIT5)));
  d = _mm_and_si128(ad, _mm_or_si128(d, _mm_and_si128(ra, K16(K_M20))));
  *moves = _mm_and_si128(ad, _mm_or_si128(b8, ra));
  return _mm_or_si128(_mm_add_epi8(x, d), _mm_and_si128(an, K16(K_BIT5)));
}

static inline __m128i ascii_alnum16(const signed char (*vk)[32], __m128i x) {
  return _mm_or_si128(
      _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, K16(K_BIT5)), K16(K_LA)), K16(K_LZ)),
      _mm_cmplt_epi8(_mm_add_epi8(x, K16(K_D0)), K16(K_D9)));
}

/* The fast path, 16 bytes a step. */
static size_t word2_vec16(cursor *c, size_t a) {
  const signed char(*vk)[32] = c->s->vk;
  size_t rest;
  const unsigned char *p = cyr_bytes(c, a, &rest);
  const __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p);
  const __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
  const __m128i an0 = ascii_alnum16(vk, x0), an1 = ascii_alnum16(vk, x1);
  const __m128i l0 = _mm_cmpeq_epi8(x0, K16(K_LEAD0)), l1 = _mm_cmpeq_epi8(x1, K16(K_LEAD0));
  uint32_t pairs;
  size_t e = cyr_end(p, mask32(an0, an1), mask32(l0, l1),
                     mask32(_mm_cmpeq_epi8(x0, K16(K_LEAD1)), _mm_cmpeq_epi8(x1, K16(K_LEAD1))),
                     mask32(_mm_cmplt_epi8(x0, K16(K_BC0)), _mm_cmplt_epi8(x1, K16(K_BC0))),
                     mask32(_mm_cmplt_epi8(x0, K16(K_BA0)), _mm_cmplt_epi8(x1, K16(K_BA0))), &pairs);
  if (e == RESTART) return RESTART;
  __m128i m0, m1;
  /* bytes after D0: the masks moved one byte up (across the two) */
  __m128i y0 = cyr_fold16(vk, x0, an0, _mm_slli_si128(l0, 1), &m0);
  __m128i y1 = cyr_fold16(vk, x1, an1, _mm_or_si128(_mm_slli_si128(l1, 1), _mm_srli_si128(l0, 15)), &m1);
  /* their leads: moved one byte down */
  y0 = _mm_add_epi8(y0, _mm_and_si128(_mm_or_si128(_mm_srli_si128(m0, 1), _mm_slli_si128(m1, 15)),
                                      K16(K_ONE)));
  y1 = _mm_add_epi8(y1, _mm_and_si128(_mm_srli_si128(m1, 1), K16(K_ONE)));
  /* cut to e bytes: zero-padded chunks */
  const __m128i n = _mm_set1_epi8((char)e);
  const __m128i idx0 = K16(K_IDX), idx1 = _mm_loadu_si128((const __m128i *)(const void *)(vk[K_IDX] + 16));
  uint64_t q[4];
  _mm_storeu_si128((__m128i *)(void *)q, _mm_and_si128(y0, _mm_cmplt_epi8(idx0, n)));
  _mm_storeu_si128((__m128i *)(void *)(q + 2), _mm_and_si128(y1, _mm_cmplt_epi8(idx1, n)));
  return cyr_count(c, a, q, e, pairs, rest);
}

#ifdef STOP_AVX2
#define K32(k) _mm256_loadu_si256((const __m256i *)(const void *)vk[k])
#define LT32(x, k) _mm256_cmpgt_epi8(K32(k), x)

/* The fast path, 32 bytes a step. */
static PITH_TARGET_AVX2 size_t word2_vec32(cursor *c, size_t a) {
  const signed char(*vk)[32] = c->s->vk;
  size_t rest;
  const unsigned char *p = cyr_bytes(c, a, &rest);
  const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
  const __m256i an = _mm256_or_si256(
      LT32(_mm256_add_epi8(_mm256_or_si256(x, K32(K_BIT5)), K32(K_LA)), K_LZ),
      LT32(_mm256_add_epi8(x, K32(K_D0)), K_D9));
  const __m256i ld = _mm256_cmpeq_epi8(x, K32(K_LEAD0));
  const __m256i b8 = LT32(x, K_B90), b9 = LT32(x, K_BA0), ba = LT32(x, K_BB0);
  uint32_t pairs;
  size_t e = cyr_end(p, (uint32_t)_mm256_movemask_epi8(an), (uint32_t)_mm256_movemask_epi8(ld),
                     (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, K32(K_LEAD1))),
                     (uint32_t)_mm256_movemask_epi8(LT32(x, K_BC0)),
                     (uint32_t)_mm256_movemask_epi8(b9), &pairs);
  if (e == RESTART) return RESTART;
  /* bytes after D0: the mask moved one byte up across the lanes */
  const __m256i ad = _mm256_alignr_epi8(ld, _mm256_permute2x128_si256(ld, ld, 0x08), 15);
  const __m256i ra = _mm256_andnot_si256(b9, ba);
  __m256i d = _mm256_or_si256(_mm256_and_si256(b8, K32(K_10)),
                              _mm256_and_si256(_mm256_andnot_si256(b8, b9), K32(K_BIT5)));
  d = _mm256_and_si256(ad, _mm256_or_si256(d, _mm256_and_si256(ra, K32(K_M20))));
  const __m256i mv = _mm256_and_si256(ad, _mm256_or_si256(b8, ra));
  /* their leads: moved one byte down */
  const __m256i up = _mm256_alignr_epi8(_mm256_permute2x128_si256(mv, mv, 0x81), mv, 1);
  d = _mm256_or_si256(d, _mm256_and_si256(up, K32(K_ONE)));
  __m256i y = _mm256_or_si256(_mm256_add_epi8(x, d), _mm256_and_si256(an, K32(K_BIT5)));
  uint64_t q[4];
  _mm256_storeu_si256((__m256i *)(void *)q,
                      _mm256_and_si256(y, _mm256_cmpgt_epi8(_mm256_set1_epi8((char)e), K32(K_IDX))));
  return cyr_count(c, a, q, e, pairs, rest);
}
#undef LT32
#undef K32
#endif
#undef K16
#endif

/* A word of ASCII and 2-byte letters/digits (Latin-1, Greek, Cyrillic...)
 * starting at window offset a, ended by an ASCII separator other than the
 * apostrophe, a 2-byte non-letter, a longer separator or the end of the
 * text: folded through the table into chunks and counted as word_end
 * would. Anything else (apostrophes, CJK, letters of 3 bytes or folding to
 * more than 3, words over MAX_WORD bytes) goes to general from the word
 * start. Returns the window offset after the word and its separator. */
static size_t word2_loop(cursor *c, size_t a) {
  const pith_stopsets *s = c->s;
  const unsigned char *t = (const unsigned char *)c->text;
  const size_t len = c->len;
  size_t i = c->i + a, n = 0, end;
  uint32_t chars = 0;
  union {
    char b[MAX_WORD + 8];
    uint64_t q[MAX_WORD / 8 + 1];
  } u;
  for (;;) {
    unsigned b0;
    const fold2 *f;
    size_t k;
    if (__builtin_expect(i + 1 < len, 1)) { /* two bytes can be read */
      b0 = t[i];
      unsigned b1 = t[i + 1];
      if (b0 < 0x80) {
        f = &s->fold[b0], k = 1;
      } else if (b0 - 0xC2u < 0x1Eu && (b1 & 0xC0) == 0x80) {
        /* (b0 & 0x1F) << 6 | (b1 & 0x3F), b0 and b1 being what they are */
        f = &s->fold[(b0 << 6) + b1 - (0xC0u << 6 | 0x80)], k = 2;
      } else {
        goto other;
      }
    } else if (i == len) {
      end = i;
      break;
    } else if ((b0 = t[i]) < 0x80) {
      f = &s->fold[b0], k = 1;
    } else {
      goto other;
    }
    unsigned fn = FOLD_N(f);
    if (__builtin_expect(fn - 1u >= 3u, 0)) { /* not a letter, or FOLD_LONG */
      if (fn || b0 == '\'') return general(c, a);
      end = i + k;
      break;
    }
    if (n + fn > MAX_WORD) return general(c, a);
    memcpy(u.b + n, f->b, 4);
    n += fn;
    chars++;
    i += k;
    continue;
  other: {
    int32_t cp;
    k = pith_u8_next(c->text + i, len - i, &cp);
    if (!n || !separator_cp(cp)) return general(c, a);
    end = i + k;
    break;
  }
  }
  tally *ty = c->t;
  ty->words++;
  ty->letters += chars;
  if (n <= s->maxlen) {
    memset(u.b + n, 0, 8);
    uint32_t m = lookup(s, u.q, n);
    if (m) count_mask(s, m, c->only, ty);
  }
  return end - c->i;
}

/* word2: its fast path first (without a list, every word goes to
 * general). */
static inline size_t word2(cursor *c, size_t a) {
  if (!c->s) return general(c, a);
#ifdef STOP_SSE2
#ifdef STOP_AVX2
  size_t r = c->avx2 ? word2_vec32(c, a) : word2_vec16(c, a);
#else
  size_t r = word2_vec16(c, a);
#endif
  if (r != RESTART) return r;
#endif
  return word2_loop(c, a);
}

/* The CJK character cp of 3 bytes at text offset at, a word of its own:
 * counted as scan_general counts it, without its word machine (Japanese
 * and Chinese text is made of them). */
static inline void cjk_char(cursor *c, size_t at, int32_t cp) {
  tally *t = c->t;
  t->words++;
  t->cjk++;
  t->kana += (uint32_t)pith_is_kana(cp);
  const pith_stopsets *s = c->s;
  if (!s) return;
  uint64_t q = 0; /* its zero-padded chunk */
  memcpy(&q, c->text + at, 3);
  uint32_t m = short_lookup(s, q) & s->cjk_mask;
  if (c->only) t->hits[0] += (m & c->only) != 0;
  else if (m) record(t, m);
}

/* A word of Hangul syllables (which fold to themselves: its bytes are its
 * key) at window offset a, ended by an ASCII separator other than the
 * apostrophe or by the end of the text: counted as scan_general counts it,
 * without its word machine. RESTART: another word (general takes it). */
static size_t hangul_word(cursor *c, size_t a) {
  const unsigned char *t = (const unsigned char *)c->text;
  const size_t len = c->len;
  size_t i = c->i + a, n = 0;
  union {
    char b[MAX_WORD + 8];
    uint64_t q[MAX_WORD / 8 + 1];
  } u;
  while (len - i >= 3 && n + 3 <= MAX_WORD && (t[i] & 0xF0) == 0xE0 &&
         (t[i + 1] & 0xC0) == 0x80 && (t[i + 2] & 0xC0) == 0x80 &&
         hangul((int32_t)((t[i] & 0x0Fu) << 12 | (t[i + 1] & 0x3Fu) << 6 | (t[i + 2] & 0x3Fu)))) {
    memcpy(u.b + n, t + i, 3);
    n += 3;
    i += 3;
  }
  if (!n) return RESTART;
  if (i < len) { /* the separator */
    unsigned e = t[i];
    if (e >= 0x80 || e == '\'' || (unsigned)((e | 0x20) - 'a') < 26u || e - '0' < 10u)
      return RESTART;
  }
  const pith_stopsets *s = c->s;
  tally *ty = c->t;
  ty->words++;
  ty->letters += (uint32_t)(n / 3);
  if (n <= s->maxlen) {
    memset(u.b + n, 0, 8);
    uint32_t m = lookup(s, u.q, n);
    if (m) count_mask(s, m, c->only, ty);
  }
  return i + (i < len) - c->i;
}

/* A token starting with a non-ASCII byte at window offset a. */
static STOP_ALWAYS_INLINE size_t nonascii_token(cursor *c, size_t a) {
  int32_t cp;
  size_t at = c->i + a, k = pith_u8_next(c->text + at, c->len - at, &cp);
  if (cp == 0x2019 || separator_cp(cp)) return a + k; /* no word is open */
  if (k == 2) return word2(c, a);
  if (k == 3 && pith_is_cjk(cp)) {
    cjk_char(c, at, cp);
    return a + 3;
  }
  if (k == 3 && hangul(cp) && c->s) {
    size_t r = hangul_word(c, a);
    if (r != RESTART) return r;
  }
  return general(c, a);
}

/* The end of the run of ASCII letters/digits starting at offset a. */
static inline size_t run_end(uint64_t an, size_t a) {
  uint64_t x = ~an >> a;
  return x ? a + (size_t)__builtin_ctzll(x) : WIN;
}

/* An ASCII word at window offset a whose first run ends at e (< avail) on
 * an apostrophe or a non-ASCII byte. Returns the offset after it (and its
 * separator), or RESTART. */
static size_t aside_token(cursor *c, size_t a, size_t e) {
  const window *w = &c->w;
  size_t apos = 0, naps = 0;
  for (;;) {
    if (w->base[e] >= 0x80) { /* a non-ASCII separator ends it, else general */
      int32_t cp;
      size_t at = c->i + e, k = pith_u8_next(c->text + at, c->len - at, &cp);
      if (!separator_cp(cp)) return k == 2 && !naps ? word2(c, a) : general(c, a);
      aside_word(c, a, e - a, apos, naps);
      return e + k;
    }
    if (w->base[e] != '\'') { /* an ASCII separator */
      aside_word(c, a, e - a, apos, naps);
      return e + 1;
    }
    if (e + 1 < WIN && (w->an >> (e + 1) & 1)) { /* inner apostrophe */
      if (!naps++) apos = e - a;
      e = run_end(w->an, e + 1);
      if (e == WIN && c->i + WIN < c->len) return a ? RESTART : general(c, a);
      if (e == w->avail) break; /* end of the text */
      continue;
    }
    /* A trailing apostrophe is not part of the word ("dogs' "). */
    if (e + 1 < w->avail && !(w->odd >> (e + 1) & 1)) {
      aside_word(c, a, e - a, apos, naps);
      return e + 2;
    }
    if (e + 1 == w->avail && c->i + e + 1 == c->len) break;
    return general(c, a); /* "''", "'é", or the window ends */
  }
  aside_word(c, a, e - a, apos, naps);
  return e;
}

/* A word starting with an ASCII letter/digit at window offset a. Returns
 * the offset after it (and its separator), or RESTART. */
static STOP_ALWAYS_INLINE size_t ascii_token(cursor *c, size_t a) {
  size_t e = run_end(c->w.an, a);
  if (e == WIN && c->i + WIN < c->len) return a ? RESTART : general(c, a);
  if (e == c->w.avail) { /* the end of the text */
    aside_word(c, a, e - a, 0, 0);
    return e;
  }
  return aside_token(c, a, e);
}

/* Bits [p, lim) of a mask (p < 64, p <= lim <= 64). */
static inline uint64_t range(size_t p, size_t lim) {
  return (lim < WIN ? (1ull << lim) - 1 : ~0ull) & (~0ull << p);
}

/* lookup_ascii for a word over 8 bytes whose key passed, out of the
 * loops (whose registers it would take). */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static uint32_t lookup_long(const pith_stopsets *s, const unsigned char *b, size_t n) {
  return lookup_ascii(s, b, n);
}

/* Look up the words of starts/ends (as in plain_words), keeping their
 * languages in `keep_bits`. With `recording`, the nonzero masks go to rec
 * (one slot is written per word, so rec needs room for as many) and the
 * new end of rec is returned; else only the hits are counted, into *hits.
 * Branch-free per word but for long words: whether a word is a stop word
 * is what a branch would mispredict. */
static inline uint32_t *plain_loop(const pith_stopsets *s, const unsigned char *base,
                                   uint64_t starts, uint64_t ends, uint32_t keep_bits,
                                   int recording, uint32_t *rec, uint32_t *hits,
                                   tally *t) {
  uint32_t words = 0, nhits = 0;
  const short_slot *tab = s->shorts;
  const uint8_t *disp = s->short_disp;
  const uint64_t mul = s->short_mul;
  while (starts) {
    size_t a = (unsigned)__builtin_ctzll(starts);
    size_t n = (unsigned)__builtin_ctzll(ends) + 1 - a;
    starts &= starts - 1;
    ends &= ends - 1;
    words++;
    /* Words over 8 bytes (one in six or seven, in no order) are looked up
     * by their long key in the same table, without a branch on the
     * length; only the few that pass are looked up in full. */
    uint64_t x;
    memcpy(&x, base + a, 8);
    uint32_t longs, m = short_in_long(tab, disp, mul, (x | 0x2020202020202020ull) & key_keep[n],
                                      &longs) & keep_bits;
    if (__builtin_expect(longs != 0, 0)) m = lookup_long(s, base + a, n) & keep_bits;
    if (recording) {
      *rec = m;
      rec += m != 0;
    } else {
      nhits += m != 0;
    }
  }
  t->words += words;
  if (!recording) *hits += nhits;
  return rec;
}

/* The words starting in the stretches `in` of the window, all of ASCII
 * letters and digits and ended, inside their stretch, by an ASCII
 * separator: counted by popcounts (words only) or looked up one by one. */
static STOP_ALWAYS_INLINE void plain_words(cursor *c, uint64_t in) {
  const uint64_t an = c->w.an;
  uint64_t starts = an & ~(an << 1) & in;
  tally *t = c->t;
  const pith_stopsets *s = c->s;
  if (!s) { /* words only (letters are read by the language choice alone) */
    t->words += pith_swar_popcount64(starts);
    return;
  }
  /* every word starting here ends here: the n-th end is the n-th start's */
  uint64_t ends = an & ~(an >> 1) & in;
  const unsigned char *base = c->w.base;
  /* the letters of all these words, read by the language choice only: one
   * count per window instead of a sum of the lengths */
  if (!c->only) t->letters += pith_swar_popcount64(an & in);
  if (c->only) {
    plain_loop(s, base, starts, ends, c->only, 0, NULL, &t->hits[0], t);
  } else if (t->rec) {
    t->rec = plain_loop(s, base, starts, ends, ~s->cjk_mask, 1, t->rec, NULL, t);
  } else { /* no room for the masks: their bits are added right away */
    uint32_t m[WIN], *e = plain_loop(s, base, starts, ends, ~s->cjk_mask, 1, m, NULL, t);
    for (const uint32_t *x = m; x < e; x++) add_hits(t, *x);
  }
}

/* The start of the run of ASCII letters/digits ending at offset e - 1. */
static inline size_t run_start(uint64_t an, size_t e) {
  uint64_t x = ~an & range(0, e);
  return x ? WIN - (size_t)__builtin_clzll(x) : 0;
}

/* The words of the current window; returns where the next one starts.
 * Between odd bytes (apostrophes, non-ASCII) words go by plain_words; the
 * word or token at an odd byte goes by ascii_token/nonascii_token. */
static STOP_ALWAYS_INLINE size_t scan_window(cursor *c) {
  const window *w = &c->w;
  const uint64_t an = w->an, odd = w->odd;
  const size_t avail = w->avail;
  const int more = c->i + WIN < c->len; /* then avail == WIN */
  size_t p = 0;
  /* The stretches of plain words are gathered and their words counted
   * once per window (a text's hits are summed whatever their order). */
  uint64_t plain = 0;
  while (p < avail) {
    uint64_t rest = odd >> p;
    size_t o = rest ? p + (size_t)__builtin_ctzll(rest) : avail;
    /* A run touching o (or running past a full window) is not plain. */
    int touch = o > p && (an >> (o - 1) & 1) && (o < avail || more);
    size_t lim = touch ? run_start(an, o) : o;
    plain |= range(p, lim);
    if (touch) {
      p = ascii_token(c, lim);
      if (p == RESTART) {
        p = lim;
        break;
      }
    } else if (o == avail) {
      p = avail;
      break;
    } else if (w->base[o] >= 0x80) {
      p = nonascii_token(c, o);
    } else {
      p = o + 1; /* an apostrophe outside words is a separator */
    }
  }
  plain_words(c, plain);
  return c->i + p;
}

/* A cursor at the start of text (len > 0), watching no density. */
static void cursor_init(cursor *c, const pith_stopsets *s, const char *text, size_t len,
                        uint32_t only, tally *t) {
  c->s = s, c->text = text, c->len = len, c->only = only, c->t = t;
  c->density = 0, c->enough = UINT32_MAX;
#ifdef STOP_AVX2
  c->avx2 = pith_cpu_avx2();
#else
  c->avx2 = 0;
#endif
  /* the end of the text copied once, in one fixed-size move when it is
   * long enough (no length for memcpy to branch on) */
  memset(c->w.tail + WIN + 8, 0, WIN + 8);
  if (len >= WIN + 8) memcpy(c->w.tail, text + len - (WIN + 8), WIN + 8);
  else memcpy(c->w.tail + (WIN + 8) - len, text, len);
}

/* Should scan_dense's lookups stop after the window ending at i (< len):
 * the hits reached the density, or, the words not known yet, they would
 * reach it by the end at the rate they came so far? */
static inline int watch_stop(const cursor *c, size_t i) {
  const tally *t = c->t;
  if (t->hits[0] >= c->enough) return 1;
  return c->enough == UINT32_MAX &&
         (double)t->hits[0] * (double)i >= c->density * t->words * (double)c->len;
}

/* The windows of c from text offset i on; returns where it stopped: the
 * end, or where watch_stop said so. */
static STOP_ALWAYS_INLINE size_t scan_from_w(cursor *c, size_t i, unsigned W) {
  while (i < c->len) {
    window_at(c, i, W);
    i = scan_window(c);
    if (c->density > 0 && i < c->len && watch_stop(c, i)) break;
  }
  return i;
}

static size_t scan_from16(cursor *c, size_t i) { return scan_from_w(c, i, 16); }

#ifdef STOP_AVX2
static PITH_TARGET_AVX2 size_t scan_from32(cursor *c, size_t i) { return scan_from_w(c, i, 32); }
#endif

static size_t scan_from(cursor *c, size_t i) {
#ifdef STOP_AVX2
  if (c->avx2) return scan_from32(c, i);
#endif
  return scan_from16(c, i);
}

/* One pass over text, counting into t. */
static void scan(const pith_stopsets *s, const char *text, size_t len,
                 uint32_t only, tally *t) {
  if (!len) return; /* text may be NULL: nothing to copy from */
  cursor c;
  cursor_init(&c, s, text, len, only, t);
  scan_from(&c, 0);
}

/* The fewest stop words c of `words` with (double)c / words >= density. */
static uint32_t enough_for(uint32_t words, double density) {
  uint32_t c = (uint32_t)(words * density);
  while (c && (double)(c - 1) / words >= density) c--;
  while (words && (double)c / words < density) c++;
  return c;
}

/* scan for the one list `only`, whose lookups may stop once the hits reach
 * `density` (> 0) of the text's words. Those are known at the end only:
 * once the hits so far would reach it by the end at the rate they came,
 * the rest's words are counted without lookups by the words-only counter
 * (a window starts where no word is open, so the counts add up), and the
 * lookups go on only if the hits fall short. t->words is exact. */
static void scan_dense(const pith_stopsets *s, const char *text, size_t len,
                       uint32_t only, double density, tally *t) {
  if (!len) return;
  cursor c;
  cursor_init(&c, s, text, len, only, t);
  c.density = density;
  size_t i = scan_from(&c, 0);
  if (i == len) return;
  uint32_t total = t->words + pith_stopsets_count_words(s, text + i, len - i);
  c.enough = enough_for(total, density);
  if (t->hits[0] < c.enough) scan_from(&c, i);
  t->words = total;
}

/* ---- words only -------------------------------------------------------
 *
 * Without a list only the words are counted, as scan_general would count
 * them: a word starts at a letter/digit (not CJK) unless a word is open,
 * which it stays across apostrophes (ASCII or U+2019); every CJK character
 * is a word of its own and closes the open one; anything else closes it.
 * One byte at a time with a class table, 16 bytes at a time (SSE2) where
 * a block has no apostrophe and no byte >= 0x80. `tabs` (may be NULL)
 * lends its fold table: 2-byte letters are then found with one load. */

/* step[open << 8 | byte]: bit 8, is a word open after the byte; bit 0,
 * does a word start at it; STEP_HIGH: a byte >= 0x80 (decoded aside). */
#define STEP_HIGH 0x400
#define ST1(o, c)                                                         \
  ((c) >= 0x80 ? STEP_HIGH                                                \
   : ((unsigned)(((c) | 0x20) - 'a') < 26u || (unsigned)((c) - '0') < 10u) \
       ? ((o) ? 0x100 : 0x101)                                            \
   : (c) == '\'' ? (o) << 8 : 0)
#define ST4(o, c) ST1(o, c), ST1(o, (c) + 1), ST1(o, (c) + 2), ST1(o, (c) + 3)
#define ST16(o, c) ST4(o, c), ST4(o, (c) + 4), ST4(o, (c) + 8), ST4(o, (c) + 12)
#define ST64(o, c) ST16(o, c), ST16(o, (c) + 16), ST16(o, (c) + 32), ST16(o, (c) + 48)
static const uint16_t step[512] = {ST64(0, 0), ST64(0, 64), ST64(0, 128), ST64(0, 192),
                                   ST64(1, 0), ST64(1, 64), ST64(1, 128), ST64(1, 192)};


/* Words of [i, stop) (a code point may run past stop), one byte or code
 * point at a time; *open in and out. With high_only, it also stops at an
 * ASCII byte (the block counter takes those 16 or 32 at a time). Returns
 * where it stopped. */
static inline size_t words_bytes(const pith_stopsets *tabs, const unsigned char *t,
                                 size_t len, size_t i, size_t stop, uint32_t *words,
                                 uint32_t *open, int high_only) {
  uint32_t w = *words, st = *open << 8;
  while (i < stop) {
    uint32_t v = step[st + t[i]];
    if (v != STEP_HIGH) {
      if (high_only) break;
      w += v & 1;
      st = v & 0x100;
      i++;
      continue;
    }
    unsigned c = t[i];
    int32_t cp;
    uint32_t an;
    if (c >= 0xC2 && c < 0xE0 && i + 1 < len && (t[i + 1] & 0xC0) == 0x80) {
      cp = (int32_t)((c & 0x1F) << 6 | (t[i + 1] & 0x3F));
      an = tabs ? FOLD_N(&tabs->fold[cp]) != 0 : (uint32_t)pith_is_alnum_cp(cp);
      i += 2;
    } else {
      i += pith_u8_next((const char *)t + i, len - i, &cp);
      if (pith_is_cjk(cp)) {
        w++;
        st = 0;
        continue;
      }
      if (cp == 0x2019) continue; /* an open word stays open */
      an = (uint32_t)alnum_cp(cp);
    }
    w += an & ~(st >> 8);
    st = an << 8;
  }
  *words = w;
  *open = st >> 8;
  return i;
}

#ifdef STOP_SSE2
static inline uint64_t load64(const unsigned char *p) {
  uint64_t x;
  memcpy(&x, p, 8);
  return x;
}

static inline uint32_t load32(const unsigned char *p) {
  uint32_t x;
  memcpy(&x, p, 4);
  return x;
}

/* The n (< 16) bytes at p, zero-padded to 16, without reading past them:
 * two overlapping loads put their common bytes at the same place. */
static inline __m128i load_short(const unsigned char *p, size_t n) {
  uint64_t lo = 0, hi = 0;
  if (n >= 8) {
    uint64_t b = load64(p + n - 8);
    size_t sh = 8 * (n - 8);
    lo = load64(p) | (sh ? b << sh : 0);
    hi = sh ? b >> (64 - sh) : 0;
  } else if (n >= 4) {
    lo = load32(p) | (uint64_t)load32(p + n - 4) << (8 * (n - 4));
  } else if (n) {
    lo = p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
  }
  return _mm_set_epi64x((long long)hi, (long long)lo);
}
#endif

/* Lines of up to 32 bytes of plain ASCII (most lines counted without a
 * list): one or two blocks, the second one ending at the text's end.
 * Returns 0 (and leaves *words) for any other text. */
static inline int words_short(const char *text, size_t len, uint32_t *words) {
#if defined(STOP_SSE2) && (!defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
  const unsigned char *t = (const unsigned char *)text;
  const __m128i bit5 = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('\'');
  const __m128i la = _mm_set1_epi8(0x80 - 'a'), lz = _mm_set1_epi8(-128 + 26);
  const __m128i d0 = _mm_set1_epi8(0x80 - '0'), d9 = _mm_set1_epi8(-128 + 10);
#define WO_AN(x)                                                              \
  (uint32_t) _mm_movemask_epi8(                                               \
      _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, bit5), la), lz), \
                   _mm_cmplt_epi8(_mm_add_epi8(x, d0), d9)))
#define WO_ODD(x) (uint32_t) _mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, quote)))
  if (len > 32) return 0;
  uint32_t an, odd;
  if (len <= 16) {
    __m128i x = len == 16 ? _mm_loadu_si128((const __m128i *)(const void *)t)
                          : load_short(t, len);
    an = WO_AN(x), odd = WO_ODD(x);
  } else {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)t);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(t + len - 16));
    an = WO_AN(x) | WO_AN(y) << (len - 16);
    odd = WO_ODD(x) | WO_ODD(y) << (len - 16);
  }
#undef WO_AN
#undef WO_ODD
  if (odd) return 0;
  *words = pith_swar_popcount64(an & ~(an << 1));
  return 1;
#else
  (void)text, (void)len, (void)words;
  return 0;
#endif
}

/* count_words_only's block of n bytes (16 or 32) from the masks of its
 * bytes: ASCII letters/digits L, apostrophes A, bytes >= 0x80 hi and
 * (when hi) continuations, 2-byte letter leads (C3..C8, D0, D1), C3,
 * 97 or B7, E2, 80 and 99. Letters: ASCII letters/digits and the two
 * bytes of U+00C0..U+023F (but U+00D7, U+00F7) and U+0400..U+047F;
 * apostrophes (a word stays open across them): '\'' and U+2019; known
 * separators: other ASCII, U+00D7, U+00F7, U+2000..U+203F. The block is
 * cut at the first other byte: returns the bytes taken, the words of
 * which are counted (*open: a word is open, in and out). */
static inline uint32_t wo_block(uint64_t L, uint64_t A, uint64_t hi, const uint64_t *m,
                                uint32_t n, uint32_t *words, uint32_t *open) {
  uint32_t f = n;
  if (hi) {
    uint64_t cont = m[0], lead = m[1], c3 = m[2], sign = m[3], e2 = m[4], b80 = m[5],
             b99 = m[6];
    uint64_t sep2 = c3 & sign >> 1;
    uint64_t l2 = lead & cont >> 1 & ~sep2;
    uint64_t seq3 = e2 & b80 >> 1 & cont >> 2;
    uint64_t q99 = seq3 & b99 >> 2;
    L |= l2 | l2 << 1;
    A |= q99 | q99 << 1 | q99 << 2;
    uint64_t unk = hi & ~(l2 | l2 << 1 | sep2 | sep2 << 1 | seq3 | seq3 << 1 | seq3 << 2);
    if (unk) {
      f = (uint32_t)__builtin_ctzll(unk);
      L &= (1ull << f) - 1;
      A &= (1ull << f) - 1;
    }
  }
  /* open before a byte: after a letter, or after apostrophes that follow
   * one (the carry of A + their first runs past them) */
  uint64_t prev = L << 1 | *open;
  uint64_t O = prev | ((A + (prev & A)) & ~A);
  *words += pith_swar_popcount64(L & ~O);
  *open = (uint32_t)(O >> f & 1);
  return f;
}

#if defined(STOP_SSE2) && (!defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define WO_SIMD 1
/* wo_block's masks of the 16 bytes x (the extra ones only when hi). */
static inline uint32_t wo_block16(__m128i x, uint32_t n, uint32_t *words, uint32_t *open) {
  const __m128i bit5 = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('\'');
  const __m128i la = _mm_set1_epi8(0x80 - 'a'), lz = _mm_set1_epi8(-128 + 26);
  const __m128i d0 = _mm_set1_epi8(0x80 - '0'), d9 = _mm_set1_epi8(-128 + 10);
  __m128i let = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, bit5), la), lz);
  __m128i dig = _mm_cmplt_epi8(_mm_add_epi8(x, d0), d9);
  uint64_t L = (uint32_t)_mm_movemask_epi8(_mm_or_si128(let, dig));
  uint64_t A = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote));
  uint64_t hi = (uint32_t)_mm_movemask_epi8(x), m[7];
  if (hi) {
#define WO_EQ(c) (uint32_t) _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)(c))))
    m[0] = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(-64))); /* 80..BF */
    m[1] = (uint32_t)_mm_movemask_epi8(_mm_or_si128(
        _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 0xC3))), _mm_set1_epi8(-128 + 6)),
        _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8((char)0xD1))));
    m[2] = WO_EQ(0xC3), m[3] = WO_EQ(0x97) | WO_EQ(0xB7), m[4] = WO_EQ(0xE2);
    m[5] = WO_EQ(0x80), m[6] = WO_EQ(0x99);
#undef WO_EQ
  }
  return wo_block(L, A, hi, m, n, words, open);
}
#endif

#if defined(WO_SIMD) && defined(STOP_AVX2)
/* wo_block16 for the 32 bytes at p. */
static inline PITH_TARGET_AVX2 uint32_t wo_block32(const unsigned char *p, uint32_t *words,
                                                   uint32_t *open) {
  __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
  const __m256i bit5 = _mm256_set1_epi8(0x20), quote = _mm256_set1_epi8('\'');
  const __m256i la = _mm256_set1_epi8(0x80 - 'a'), lz = _mm256_set1_epi8(-128 + 26);
  const __m256i d0 = _mm256_set1_epi8(0x80 - '0'), d9 = _mm256_set1_epi8(-128 + 10);
  __m256i let = _mm256_cmpgt_epi8(lz, _mm256_add_epi8(_mm256_or_si256(x, bit5), la));
  __m256i dig = _mm256_cmpgt_epi8(d9, _mm256_add_epi8(x, d0));
  uint64_t L = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(let, dig));
  uint64_t A = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, quote));
  uint64_t hi = (uint32_t)_mm256_movemask_epi8(x), m[7];
  if (hi) {
#define WO_EQ(c) (uint32_t) _mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)(c))))
    m[0] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(-64), x));
    m[1] = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
        _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 6),
                          _mm256_add_epi8(x, _mm256_set1_epi8((char)(0x80 - 0xC3)))),
        _mm256_cmpeq_epi8(_mm256_or_si256(x, _mm256_set1_epi8(1)), _mm256_set1_epi8((char)0xD1))));
    m[2] = WO_EQ(0xC3), m[3] = WO_EQ(0x97) | WO_EQ(0xB7), m[4] = WO_EQ(0xE2);
    m[5] = WO_EQ(0x80), m[6] = WO_EQ(0x99);
#undef WO_EQ
  }
  return wo_block(L, A, hi, m, 32, words, open);
}
#endif

/* The words-only loop for a block width W (16, or 32 with AVX2: the last
 * bytes go 16 at a time). */
static STOP_ALWAYS_INLINE uint32_t count_words_w(const pith_stopsets *tabs,
                                                 const unsigned char *t, size_t len,
                                                 unsigned W) {
  uint32_t words = 0, open = 0; /* open: a word is open (0/1) */
#ifdef WO_SIMD
  for (size_t i = 0; i < len;) {
    size_t n = len - i < 16 ? len - i : 16;
    uint32_t f;
#if defined(STOP_AVX2)
    if (W == 32 && len - i >= 32) {
      n = 32;
      f = wo_block32(t + i, &words, &open);
    } else
#endif
    {
      __m128i x = n == 16 ? _mm_loadu_si128((const __m128i *)(const void *)(t + i))
                          : load_short(t + i, n);
      f = wo_block16(x, (uint32_t)n, &words, &open);
    }
    i += f;
    /* the code points the block did not know, up to the next ASCII byte */
    if (f < n) i = words_bytes(tabs, t, len, i, i - f + n, &words, &open, 1);
  }
  return words;
#else
  (void)W;
  words_bytes(tabs, t, len, 0, len, &words, &open, 0);
  return words;
#endif
}

static uint32_t count_words16(const pith_stopsets *tabs, const unsigned char *t, size_t len) {
  return count_words_w(tabs, t, len, 16);
}

#if defined(WO_SIMD) && defined(STOP_AVX2)
static PITH_TARGET_AVX2 uint32_t count_words32(const pith_stopsets *tabs,
                                               const unsigned char *t, size_t len) {
  return count_words_w(tabs, t, len, 32);
}
#endif

static uint32_t count_words_only(const pith_stopsets *tabs, const char *text,
                                 size_t len) {
  const unsigned char *t = (const unsigned char *)text;
#if defined(WO_SIMD) && defined(STOP_AVX2)
  if (len >= 32 && pith_cpu_avx2()) return count_words32(tabs, t, len);
#endif
  return count_words16(tabs, t, len);
}

uint32_t pith_stopsets_count_words(const pith_stopsets *s, const char *text,
                                   size_t len) {
  uint32_t w;
  if (words_short(text, len, &w)) return w;
  return count_words_only(s, text, len);
}

void pith_stoplist_count_dense(const pith_stoplist *l, const char *text, size_t len,
                               double density, uint32_t *words, uint32_t *stops) {
  if (!l || !(density > 0 && density <= 1)) {
    pith_stoplist_count(l, text, len, words, stops);
    return;
  }
  tally t;
  memset(&t, 0, offsetof(tally, hits) + sizeof t.hits[0]);
  scan_dense(l->set, text, len, l->bit, density, &t);
  *words = t.words;
  *stops = t.hits[0];
}

void pith_stoplist_count(const pith_stoplist *l, const char *text, size_t len,
                         uint32_t *words, uint32_t *stops) {
  if (!l) {
    uint32_t w;
    if (!words_short(text, len, &w)) w = count_words_only(NULL, text, len);
    if (words) *words = w;
    if (stops) *stops = 0;
    return;
  }
  tally t;
  memset(&t, 0, offsetof(tally, hits) + sizeof t.hits[0]);
  scan(l ? l->set : NULL, text, len, l ? l->bit : 0, &t);
  if (words) *words = t.words;
  if (stops) *stops = l ? t.hits[0] : 0;
}

/* Bit a of bits[]: bit k of rec[a], for the `used` masks at rec (bits
 * holds (used + 63) / 64 words). SSE2: the bit moved to each mask's sign,
 * four masks a movemask. */
static void pack_bit(const uint32_t *rec, size_t used, unsigned k, uint64_t *bits) {
  size_t a = 0;
#ifdef STOP_SSE2
  const __m128i sh = _mm_cvtsi32_si128((int)(31 - k));
  for (; a + 64 <= used; a += 64) {
    uint64_t w = 0;
    for (unsigned j = 0; j < 64; j += 4) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(rec + a + j));
      w |= (uint64_t)(unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_sll_epi32(x, sh))) << j;
    }
    bits[a / 64] = w;
  }
#endif
  for (; a < used; a += 64) {
    uint64_t w = 0;
    for (size_t j = 0; j < 64 && a + j < used; j++) w |= (uint64_t)(rec[a + j] >> k & 1) << j;
    bits[a / 64] = w;
  }
}

/* Set bits in [a, e) of bits[] (one word readable past the one holding
 * e). */
static inline uint32_t bits_in(const uint64_t *bits, size_t a, size_t e) {
  uint32_t c = 0;
  for (; e - a >= 64; a += 64) { /* rare: texts with 64 hits and more */
    size_t sh = a & 63;
    c += pith_swar_popcount64(bits[a / 64] >> sh | (bits[a / 64 + 1] << 1) << (63 - sh));
  }
  size_t sh = a & 63, n = e - a; /* n < 64 */
  uint64_t x = bits[a / 64] >> sh | (bits[a / 64 + 1] << 1) << (63 - sh);
  return c + pith_swar_popcount64(x & (~0ull >> 1 >> (63 - n)));
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
  /* A text of len bytes holds at most len / 2 + 1 words, each one hit at
   * most. The stack holds a 4 KB sample's; PAD zeros after the masks let
   * the sums take whole blocks of 16 and 64. */
  enum { PAD = 64 };
  uint32_t buf[3072 + PAD], *rec = buf;
  size_t cap = sizeof buf / sizeof *buf - PAD, total = 0;
  for (size_t i = 0; i < n; i++)
    if (texts[i]) total += (lens ? lens[i] : strlen(texts[i])) / 2 + 1;
  if (total > cap) {
    rec = total < SIZE_MAX / sizeof *rec - PAD ? malloc((total + PAD) * sizeof *rec) : NULL;
    cap = rec ? total : 0;
  }
  t.rec = rec;
  int given = stops && rec && cap <= UINT32_MAX;
  for (size_t i = 0; i < n; i++) {
    uint32_t w0 = t.words;
    if (texts[i]) scan(s, texts[i], lens ? lens[i] : strlen(texts[i]), 0, &t);
    if (words) words[i] = t.words - w0;
    /* where text i's hits end, until its count is known */
    if (given) stops[i] = (uint32_t)(t.rec - rec);
  }
  if (rec) {
    memset(t.rec, 0, PAD * sizeof *rec);
    sum_masks(rec, ((size_t)(t.rec - rec) + 15) & ~(size_t)15, t.hits);
  }
  const pith_stoplist *best = choose(s, &t, min_density);
  if (stops && n && !best) { /* no list: no stop words */
    memset(stops, 0, n * sizeof *stops);
  } else if (stops && n && (!given || best->cjk)) {
    stops[0] = UINT32_MAX;
  } else if (stops && n) {
    /* The chosen list's bits packed, each text's hits counted from the
     * words of its range: a loop per text over its masks would mispredict
     * its exit on most. */
    unsigned k = (unsigned)__builtin_ctz(best->bit);
    size_t used = (size_t)(t.rec - rec), nw = used / 64 + 2;
    uint64_t stack_bits[64], *bits = nw <= 64 ? stack_bits : malloc(nw * sizeof *bits);
    size_t a = 0;
    if (bits) {
      pack_bit(rec, (used + 63) & ~(size_t)63, k, bits); /* zeros past used */
      bits[used / 64 + 1] = 0;
      if (used % 64 == 0) bits[used / 64] = 0;
      for (size_t i = 0; i < n; i++) {
        size_t e = stops[i];
        stops[i] = bits_in(bits, a, e);
        a = e;
      }
      if (bits != stack_bits) free(bits);
    } else {
      for (size_t i = 0; i < n; i++) {
        size_t e = stops[i];
        uint32_t c = 0;
        for (; a < e; a++) c += (rec[a] >> k) & 1;
        stops[i] = c;
      }
    }
  }
  if (rec != buf) free(rec);
  return best;
}
