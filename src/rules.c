/* Filter rules: parse filters/NAME.rules (grammar in filters/README.md) and
 * match block texts against them.
 *
 * Matching must cost well under a microsecond per short block with a few
 * hundred rules, so no rule is tried blindly:
 *  - the block is case-folded once into a stack buffer (the caller's scratch
 *    buffer for long blocks), and not at all when it is longer than every
 *    rule can reach (long article lines are the bulk of the bytes);
 *  - exact rules, and globs without wildcards, live in a hash table of
 *    folded patterns;
 *  - every other rule has an "anchor", a literal that must occur at the
 *    start (prefix, glob with a leading literal), at the end (suffix, glob
 *    with a trailing literal) or anywhere (contains, other globs);
 *  - prefix and suffix anchors sit in hash tables keyed by their first
 *    (last) up to 8 bytes: braced globs expand to thousands of rules that
 *    share their first two bytes, so the block's own first/last 1..8 bytes
 *    are looked up, one probe per anchor length that the block's outer
 *    three bytes may start (a hashed table of length masks);
 *  - long contains-anchors sit in a table keyed by the 4-byte windows of
 *    their rarest 7-byte stretch, found by one scan over every fourth
 *    window of the block (two per 8-byte load) through a 64 Kbit presence
 *    bitmap; short ones through a rare byte (16 bytes per SSE2 compare);
 *  - only regexes and literal-free globs are tried on every short block
 *    (those opening with `#` only on blocks opening with a digit).
 */
#include "rules.h"

#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "swar.h"
#include "textfold.h"

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>
#define RULES_SSE2 1
#else
#define RULES_SSE2 0
#endif

enum { K_EXACT, K_PREFIX, K_SUFFIX, K_CONTAINS, K_GLOB, K_REGEX };
enum { A_NONE, A_PREFIX, A_SUFFIX, A_CONTAINS };

/* Glob program opcodes; every other byte is a literal. */
enum { G_STAR = 1, G_DIGITS = 2, G_ONE = 3 };

/* A literal byte that starts a character (not a UTF-8 continuation
 * byte): the star may skip straight to its next occurrence. */
static inline int leads(unsigned char c) {
  return c > G_ONE && (c < 0x80 || c >= 0xC0);
}

#define NO_CAP UINT32_MAX
#define DEFAULT_CAP 100u
#define MAX_CAP 1000000u
#define NBUCKET 512u
#define MAX_EXPANSIONS 256u
#define MAX_PATTERN 4096u

typedef struct rule {
  char *pat;       /* folded pattern or glob program, NUL-terminated */
  regex_t *re;     /* K_REGEX */
  const char *where;
  uint32_t plen;
  uint32_t maxlen; /* code points; NO_CAP = unlimited */
  uint32_t order;  /* source rule number, in file order over all parses */
  uint32_t aoff, alen; /* anchor literal inside pat */
  uint32_t koff;       /* contains: offset of the key bytes in the anchor */
  /* contains: anchor bytes [koff, koff+8) as loaded from a block at a key
   * hit, and the mask of those within the anchor. One test turns away
   * most rules of a long chain (braced globs share their rare words). */
  uint64_t kword, kmask;
  int32_t next;    /* next rule in the same bucket, -1 = end */
  uint8_t action, kind, anchor, owns_where;
  /* globs: bit 0 set when the pattern opens with `#`, bit 1 when it
   * closes with `#` (the block must open / close with a digit) */
  uint8_t ends;
  /* globs opening with `#`: the literal byte that follows it (0: none),
   * which the block must have right after its leading digit run */
  uint8_t after;
  int8_t field;
  /* a glob "*LITERAL*" whose literal is its anchor and opens with a byte
   * that starts a character: an occurrence of the anchor is a match */
  uint8_t starlit;
} rule;

#define CON_STRIDE 4u
#define NEAR_SHIFT 6
/* Zero bytes after a folded text (and one NUL more). */
#define FOLD_PAD 16u
/* Stack buffer for folded blocks of up to (FOLD_STACK - 32) / 8 bytes. */
#define FOLD_STACK 2048

/* A contains-anchor entered under one of its windows. */
typedef struct cent {
  uint64_t kword, kmask; /* anchor bytes [koff, koff+8) and their mask */
  int32_t rule, next;
  /* A chain keeps the entries of equal (kword, kmask, koff) together (the
   * expansions of a braced glob share their anchor's rare stretch): skip
   * is the first entry after the group, the same for all its entries. */
  int32_t skip;
  uint32_t koff; /* offset of the window in the anchor */
  /* up to 8 more anchor bytes, at soff in the anchor (just before the key
   * bytes, or just after them), and their mask: most key hits in text
   * differ from the anchor there (0 mask: none) */
  uint16_t soff;
  /* the rule's alen and maxlen, tested before the rule itself is read
   * (a chain's rules sit far apart; anchors fold from at most MAX_PATTERN
   * bytes to at most 8 bytes each, so alen fits) */
  uint16_t alen;
  uint32_t maxlen;
  uint64_t sword, smask;
} cent;
_Static_assert(MAX_PATTERN * 8u < 65536u, "cent.alen and cent.soff fit 16 bits");

/* The fields of a rule that the prefix and suffix chain walks test for
 * every rule, packed apart from the rules (80 bytes each): a chain's rules
 * then share cache lines. */
typedef struct rhot {
  uint32_t maxlen;
  int32_t next;
  uint16_t alen; /* anchors fold to under 65536 bytes (cent.alen) */
  /* prefix rules: the anchor's bytes 8 .. 8 + k8 (k8 0..8), in memory order
   * and zero-padded. A chain holds the rules whose anchors share their
   * first 8 bytes (the expansions of a braced glob: "follow her on",
   * "follow him at", ...), and most differ from the block right after
   * them: tested here, the rule itself (another cache line each) is read
   * for few of them. */
  uint8_t k8;
  uint8_t w8[8];
} rhot;

/* A 4-byte window key of contains-anchors (see index_windows). */
typedef struct c5slot {
  uint32_t key;  /* the window's bytes as a native load; 0 = empty slot */
  uint32_t group; /* its chain's first group in cg (0: none) */
  /* around_bits of the bytes around it in an anchor (bits 0..15: the two
   * after it, 16..31: the two before it; all of a half where the anchor
   * has no such bytes) */
  uint32_t next;
} c5slot;

/* A group of a window chain (the entries of equal kword, kmask and koff;
 * see cent.skip), as the walk of a key hit first tests it. A chain's
 * groups are copied next to each other after each parse: a hit tests
 * every group of its chain, which otherwise sit a cache line each
 * (entries of 56 bytes, made in rule order), most of them only for this
 * test. */
typedef struct cgroup {
  uint64_t kword; /* as cent.kword */
  int32_t first;  /* the group's first entry in ce */
  uint16_t koff;
  uint8_t kbytes; /* cent.kmask's bytes: 1..8 */
  uint8_t last;   /* the chain's last group */
} cgroup;

typedef struct exact_slot {
  uint32_t hash;
  uint32_t idx; /* rule index + 1; 0 = empty */
} exact_slot;

/* Prefix/suffix anchors by their first/last `len` (1..8) bytes, packed in
 * memory order into `key` (zero-padded): one chain of rules per key. */
typedef struct akey {
  uint64_t key;
  int32_t head; /* first rule of the chain (linked through rule.next) */
  uint32_t len; /* 0 = empty slot */
} akey;

typedef struct atab {
  akey *v;
  size_t cap, n; /* cap: power of two (or 0) */
  unsigned bits; /* log2(cap) */
  /* Prefix/suffix tables: by the outer three bytes of a key (the first
   * three of a prefix, the last three of a suffix), hashed to l3bits
   * bits: bit L-1 set when a key of L (3..8) bytes may have them; by its
   * outer byte b, len1[b] bit 0 when the 1-byte key b is in use, bit 1
   * when a 2-byte key has it. A block probes only the lengths its own
   * outer bytes name: most probe none. Allocated for prefix/suffix tables
   * only. Bit 0 of the prefix table's lens3 (no key has 1 byte there): an
   * exact pattern opens with those three bytes (zero-padded), which most
   * blocks do not, so most skip the exact hash. Every block reads lens3
   * and the document's other passes evict it from L1, so it is kept small
   * (a 2-byte key under all 256 third bytes would need one many times
   * larger for as few false probes). */
  uint8_t *lens3;
  unsigned l3bits;
  uint8_t len1[256];
} atab;

/* l3bits of the prefix and suffix tables: a few hundred keys and exact
 * patterns open with distinct three bytes; some 50 keys end so */
#define PRE3_BITS 12
#define SUF3_BITS 11
#define EXBITS 15
#define EXBIT(h) ((h) >> (32 - EXBITS))

/* Index in a lens3 of `bits` bits of the outer bytes a, b, c (a the
 * farthest from the block's edge for suffixes, the nearest for
 * prefixes). */
static inline uint32_t lens3_at(unsigned a, unsigned b, unsigned c, unsigned bits) {
  return ((uint32_t)(a | b << 8 | c << 16) * 0x9E3779B1u) >> (32 - bits);
}

/* lens3_at of the 3 bytes at bits 0..23 of x (as load_le64 gives them). */
static inline uint32_t lens3_of(uint64_t x, unsigned bits) {
  return ((uint32_t)(x & 0xFFFFFF) * 0x9E3779B1u) >> (32 - bits);
}

struct pith_rules {
  rule *v;
  size_t n, cap;
  rhot *hot;   /* hot[i]: v[i]'s fields, for i < hotn (n after each parse) */
  size_t hotn;
  size_t nsrc; /* rules as written (a braced glob counts once) */
  exact_slot *ex;
  size_t excap, exn;
  uint32_t exact_chars; /* longest exact pattern, in code points */
  /* Folded byte lengths of exact patterns: bit L of exlens for L < 256,
   * exlong for any longer one. A block of another length skips the hash. */
  uint64_t exlens[4];
  uint8_t exlong;
  /* Bit EXBIT(hash) of every exact pattern's hash (bits the slot index does
   * not use): most blocks that reach the hash stop at this bit. */
  uint64_t exbits[(1u << EXBITS) / 64];
  uint32_t maxcap[4];   /* per anchor kind: longest cap (0 = no rule) */
  uint32_t reach;       /* longest block any rule can match, code points */
  atab pre, suf;
  /* Contains-anchors of CON_STRIDE + 3 bytes or more: each is entered
   * under the CON_STRIDE 4-byte windows of its rarest 8-byte stretch, so
   * a scan that reads one window every CON_STRIDE bytes meets one of them
   * wherever the anchor sits. c5 maps a window to its chain of entries
   * (an open-addressing table, c5cap a power of two, 2^c5bits). */
  c5slot *c5;
  int32_t *c5head; /* c5head[j]: the first entry in ce of c5[j]'s chain */
  cgroup *cg;      /* the chains' groups; cg[0] matches no window */
  uint32_t c5cap, c5n;
  unsigned c5bits;
  cent *ce;
  size_t cen, cecap;
  uint32_t con5cap; /* longest cap among them */
  /* min(con5cap, con1cap) when the rare bytes are a list (nrare 1..4),
   * else 0: blocks within it take the fused window and rare-byte scan */
  uint32_t fusecap;
  /* con1: short anchors with a rare byte (and 1-byte anchors), chained by
   * that byte and found by one pass over the block's bytes; cmem: other
   * short anchors (4..6 bytes), found by memmem. */
  int32_t con1[256];
  uint8_t con1set[256]; /* 1: the byte heads a con1 chain */
  uint32_t con1cap;
  /* none: rules without a literal anchor, tried on every short block;
   * noned: those of them that are globs opening with `#` (tried only on
   * blocks opening with a digit), but those with a literal right after
   * the `#`, chained by that byte in nonedafter (tried only on blocks
   * with that byte after their leading digits) */
  int32_t con[NBUCKET], cmem, none, noned;
  int32_t nonedafter[256];
  /* cmem: the longest cap, and the `ends` bits all its rules have (a
   * block without the digits they need skips the chain) */
  uint32_t cmemcap;
  uint8_t cmemends;
  size_t ncon2; /* rules in con (2- and 3-byte anchors) */
  uint32_t con2cap; /* longest cap among them: longer blocks skip the pair scan */
  uint8_t pairs[65536 / 8]; /* key byte pairs of 2- and 3-byte anchors */
  /* Bit h & 63 of word h >> 7 set for h = quad_hash(w) of the window
   * keys w of c5 (bit 6 of h left out: half the size for a few more false
   * hits). The scan tests these 4 KB, which stay in L1; at a hit the
   * window is looked up in c5 and its byte after checked against the
   * key's `next` before the chain is walked. */
  uint64_t qbits[65536 / 128];
  /* The same for the windows of anchors whose cap exceeds DEFAULT_CAP, the
   * only ones a longer block can match: most window hits in long blocks
   * (the bulk of the bytes) are keys of anchors capped at DEFAULT_CAP or
   * below, whose chains such a block walks for nothing. */
  uint64_t qlong[65536 / 128];
  /* near[quad_hash(w) >> NEAR_SHIFT]: the union of the c5slot.next masks
   * of the window keys w with those hash bits. Most windows whose hash bit
   * is set are keys met in other words ("ter " of "newsletter" in
   * "better"), which the bytes around them turn away: tested here (4 KB)
   * before the key's slot is looked up in c5 (24 KB, a cache miss for
   * many of them). */
  uint32_t near[65536 >> NEAR_SHIFT];
  /* con1set as a list when it holds at most 4 bytes (SSE2 compares) */
  uint8_t rare[4];
  unsigned nrare; /* 0..4; 5 = more, use con1set */
  _Alignas(16) uint8_t rarev[4][16]; /* rare[j] (rare[0] past nrare) x 16 */
};

/* ---- folding ---------------------------------------------------------- */

/* Two-byte letters of Latin-1 and basic Cyrillic (most non-ASCII text in
 * dumps), folded inline as utf8proc's case folding does: writes 2 bytes
 * and returns 1, or returns 0 for the general path (other characters,
 * ß, invalid bytes). */
static inline int fold2(const char *s, size_t left, char *d) {
  if (left < 2) return 0;
  unsigned a = (unsigned char)s[0], b = (unsigned char)s[1];
  if ((b & 0xC0) != 0x80) return 0;
  if (a == 0xC3) { /* U+00C0..U+00FF */
    if (b >= 0xA0 || b == 0x97) d[1] = (char)b;        /* lower case, × */
    else if (b >= 0x80 && b != 0x9F) d[1] = (char)(b + 0x20); /* À..Þ, not ß */
    else return 0;
    d[0] = (char)a;
    return 1;
  }
  if (a == 0xD0) { /* U+0400..U+043F */
    if (b < 0x90) d[0] = (char)0xD1, d[1] = (char)(b + 0x10); /* Ѐ..Џ */
    else if (b < 0xA0) d[0] = (char)0xD0, d[1] = (char)(b + 0x20); /* А..П */
    else if (b < 0xB0) d[0] = (char)0xD1, d[1] = (char)(b - 0x20); /* Р..Я */
    else d[0] = (char)a, d[1] = (char)b;                  /* а..п */
    return 1;
  }
  if (a == 0xD1 && b < 0xA0) { /* р..я, ѐ..џ */
    d[0] = (char)a;
    d[1] = (char)b;
    return 1;
  }
  return 0;
}

/* A valid three-byte character of a block without case: general
 * punctuation (U+2000..U+203F: dashes, ellipsis, quotes), CJK symbols,
 * kana and ideographs (U+3000..U+9FFF), Hangul (U+B000..U+D7FF). Case
 * folding leaves them as they are. */
static inline int caseless3(const char *s, size_t left) {
  if (left < 3) return 0;
  unsigned a = (unsigned char)s[0], b = (unsigned char)s[1], c = (unsigned char)s[2];
  if ((b & 0xC0) != 0x80 || (c & 0xC0) != 0x80) return 0;
  return (a == 0xE2 && b == 0x80) || (a >= 0xE3 && a <= 0xE9) ||
         a == 0xEB || a == 0xEC || (a == 0xED && b < 0xA0);
}

/* 8 bytes at p as a little-endian number: byte p[i] in bits 8i..8i+7. */
static inline uint64_t load_le64(const char *p) {
  uint64_t x;
  memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  x = __builtin_bswap64(x);
#endif
  return x;
}

static inline void store_le64(char *p, uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  x = __builtin_bswap64(x);
#endif
  memcpy(p, &x, 8);
}

/* The n (1..7) bytes at s as load_le64 gives them, the rest zero; no
 * call and no read past s + n. */
static inline uint64_t load_le64_short(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (n >= 4) { /* two overlapping 4-byte loads */
    uint64_t a = (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 |
                 (uint64_t)u[3] << 24;
    const unsigned char *e = u + n - 4;
    uint64_t b = (uint64_t)e[0] | (uint64_t)e[1] << 8 | (uint64_t)e[2] << 16 |
                 (uint64_t)e[3] << 24;
    return a | b << (8 * (n - 4));
  }
  return (uint64_t)u[0] | (uint64_t)u[n >> 1] << (8 * (n >> 1)) |
         (uint64_t)u[n - 1] << (8 * (n - 1));
}

/* x (as load_le64 gives 8 bytes) as memcpy gives them. */
static inline uint64_t native_of_le(uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  x = __builtin_bswap64(x);
#endif
  return x;
}

/* Set 0x20 on the bytes of x in 'A'..'Z' (x plain ASCII). */
static inline uint64_t lower8(uint64_t x) {
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t ge_a = x + ones * (0x80 - 'A'), gt_z = x + ones * (0x7F - 'Z');
  return x | ((ge_a & ~gt_z) & high) >> 2;
}

/* One non-ASCII character (or invalid byte) at s (left > 0 bytes) folded
 * into d; returns the bytes read, *w the bytes written. */
static size_t fold_char(const char *s, size_t left, char *d, size_t *w) {
  if (fold2(s, left, d)) {
    *w = 2;
    return 2;
  }
  if (caseless3(s, left)) {
    memcpy(d, s, 3);
    *w = 3;
    return 3;
  }
  int32_t cp;
  size_t k = pith_u8_next(s, left, &cp);
  if (cp < 0) {
    d[0] = s[0];
    *w = 1;
  } else {
    *w = pith_fold_cp(cp, d);
  }
  return k;
}

/* Fold n bytes of text into d, which has room for n * 8 + 17 bytes:
 * a character of 2+ bytes folds to at most 16 (4 code points), an ASCII
 * or invalid byte to 1. Returns the folded length; d is NUL-terminated and
 * zero-padded for FOLD_PAD bytes past it (matching loads 8 or 16 bytes at
 * a time). ASCII bytes are lowered inline, 16 (8) at a time: a chunk is
 * lowered and stored whole, and its bytes from the first non-ASCII one on
 * are overwritten after (d has room: the output never runs more than 8
 * bytes per input byte ahead). Other characters go through fold_char.
 * When `ascii_only` is set, ASCII is kept as is (regex patterns: REG_ICASE
 * handles ASCII and bracket class names must keep their case). */
#if RULES_SSE2
/* v with `bit` (0x20 or 0) set on its capitals: one signed compare after
 * moving 'A'..'Z' to the bottom of the signed range. */
static inline __m128i lower16(__m128i v, __m128i bit) {
  __m128i x = _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 'A')));
  __m128i up = _mm_cmplt_epi8(x, _mm_set1_epi8((char)(0x80 + 26)));
  return _mm_or_si128(v, _mm_and_si128(up, bit));
}

/* Plain ASCII, 16 bytes a step in one tight loop (the bulk of most
 * blocks): chunks are stored with `bit` (0x20 or 0) set on their capitals
 * until one holds a non-ASCII byte or fewer than 16 bytes are left.
 * Returns the plain ASCII bytes done. */
static inline size_t fold_chunks(char *d, const char *s, size_t n, __m128i bit) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    _mm_storeu_si128((__m128i *)(void *)(d + i), lower16(v, bit));
    unsigned m = (unsigned)_mm_movemask_epi8(v);
    if (m) return i + (size_t)__builtin_ctz(m);
  }
  return i;
}

/* The 16 bytes at s (a character starts at s[0]) folded into d when they
 * open with ASCII and basic Cyrillic (two-byte letters D0 80..D1 9F), as
 * fold2 folds the letters one at a time: returns the bytes done (1..16),
 * up to the first other non-ASCII byte; 0 when that is s[0]. All 16 bytes
 * are stored (d has room; the bytes past the returned count are written
 * over next). Cyrillic prose is most of the non-ASCII text of blocks, and
 * its spaces between letters kept it in the per-character loop. */
static inline size_t fold_cyr16(char *d, const char *s, __m128i bit) {
  const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
  const __m128i nx = _mm_srli_si128(v, 1); /* the byte after each (0 at 15) */
  const __m128i d0 = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD0));
  const __m128i d1 = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD1));
  /* signed compares of continuation bytes (80..BF: -128..-65) */
  const __m128i cont = _mm_cmplt_epi8(nx, _mm_set1_epi8((char)0xC0));
  const __m128i n1 = _mm_cmplt_epi8(nx, _mm_set1_epi8((char)0x90));
  const __m128i n2 = _mm_cmplt_epi8(nx, _mm_set1_epi8((char)0xA0));
  const __m128i n3 = _mm_cmplt_epi8(nx, _mm_set1_epi8((char)0xB0));
  /* leads whose next byte is a continuation fold2 takes (D1: below A0) */
  const __m128i ok = _mm_and_si128(cont, _mm_or_si128(d0, _mm_and_si128(d1, n2)));
  unsigned m = (unsigned)_mm_movemask_epi8(ok);
  unsigned bad = (unsigned)_mm_movemask_epi8(v) & ~(m | m << 1);
  size_t k = bad ? (size_t)__builtin_ctz(bad) : 16;
  if (!k) return 0;
  /* D0 leads: 80..8F -> D1 90..9F, 90..9F -> D0 B0..BF, A0..AF -> D1 80..8F */
  const __m128i lead0 = _mm_and_si128(ok, d0);
  const __m128i up = _mm_and_si128(lead0, _mm_or_si128(n1, _mm_andnot_si128(n2, n3)));
  /* their continuations: +10, +20, -20 (n3 - 20, n2 + 40, n1 - 10) */
  const __m128i delta = _mm_add_epi8(
      _mm_add_epi8(_mm_and_si128(n3, _mm_set1_epi8((char)0xE0)),
                   _mm_and_si128(n2, _mm_set1_epi8(0x40))),
      _mm_and_si128(n1, _mm_set1_epi8((char)0xF0)));
  const __m128i cdelta = _mm_slli_si128(_mm_and_si128(lead0, delta), 1);
  __m128i out = _mm_add_epi8(lower16(v, bit), cdelta);
  out = _mm_sub_epi8(out, up); /* up is -1 where the lead becomes D1 */
  _mm_storeu_si128((__m128i *)(void *)d, out);
  return k;
}

/* A block of 16 bytes or more, plain ASCII: its chunks, then its last 16
 * bytes in one overlapping step. Returns the bytes done: n, or fewer (the
 * rest for fold_to's general steps) at a non-ASCII byte. */
static inline size_t fold_ascii(char *d, const char *s, size_t n, __m128i bit) {
  size_t i = fold_chunks(d, s, n, bit);
  if (i != (n & ~(size_t)15) || i == n) return i;
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
  if (_mm_movemask_epi8(v)) return i;
  _mm_storeu_si128((__m128i *)(void *)(d + n - 16), lower16(v, bit));
  return n;
}
#endif

static size_t fold_to(char *d, const char *s, size_t n, int ascii_only) {
  const uint64_t high = 0x8080808080808080ull;
  size_t len = 0, i = 0;
#if RULES_SSE2
  const __m128i bit = _mm_set1_epi8(ascii_only ? 0 : 0x20);
  if (n >= 16) i = len = fold_ascii(d, s, n, bit);
#endif
  while (i < n) {
    size_t left = n - i, c, k;
#if RULES_SSE2
    if (left >= 16) {
      c = left & ~(size_t)15;
      k = fold_chunks(d + len, s + i, left, bit);
    } else
#endif
    {
      uint64_t x;
      if (left >= 8) {
        x = load_le64(s + i);
        c = 8;
      } else {
        x = load_le64_short(s + i, left);
        c = left;
      }
      uint64_t h = x & high;
      k = h ? (size_t)__builtin_ctzll(h) >> 3 : c;
      /* bytes from the first non-ASCII one on are dropped (lower8 would
       * carry across them) */
      if (k < 8) x &= ~(~0ull << (8 * k));
      if (!ascii_only) x = lower8(x);
      store_le64(d + len, x);
    }
    i += k;
    len += k;
    if (k == c) continue;
    /* A run of non-ASCII characters, and single ASCII bytes between them
     * (the spaces of Cyrillic or Greek prose), without the chunk steps. */
    for (;;) {
      size_t w;
#if RULES_SSE2
      if (((unsigned char)s[i] & 0xFE) == 0xD0 && n - i >= 16 &&
          (w = fold_cyr16(d + len, s + i, bit)) != 0) {
        i += w;
        len += w;
      } else
#endif
      {
        i += fold_char(s + i, n - i, d + len, &w);
        len += w;
      }
      if (i >= n) break;
      unsigned char a = (unsigned char)s[i];
      if (a < 0x80) {
        if (i + 1 >= n || (unsigned char)s[i + 1] < 0x80) break;
        d[len++] = (char)(!ascii_only && a >= 'A' && a <= 'Z' ? a | 0x20 : a);
        i++;
      }
    }
  }
  memset(d + len, 0, FOLD_PAD + 1);
  return len;
}

/* The folded block's first and last 8 bytes (as load_le64 gives them; the
 * last 8 take the zero bytes before a shorter block), handed from the fold
 * in registers: loading them back from the fold's overlapping stores
 * would wait for the stores (no store forwarding). */
typedef struct ends8 {
  uint64_t head, tail;
} ends8;

/* fold_to for a block of 1..16 plain ASCII bytes, inline: one or two
 * overlapping words, stored as one 16-byte chunk (the loads of matching
 * take their bytes from it). Returns 0 (nothing written) for other
 * blocks. */
static inline int fold_short(char *d, const char *s, size_t n, ends8 *e) {
  const uint64_t high = 0x8080808080808080ull;
  uint64_t x0, x1;
  if (n >= 8) {
    x0 = load_le64(s);
    x1 = load_le64(s + n - 8);
  } else {
    x0 = load_le64_short(s, n);
    x1 = 0;
  }
  if ((x0 | x1) & high) return 0;
  x0 = lower8(x0);
  x1 = lower8(x1);
  /* bytes 8..15: the last n - 8 of x1, then zeros */
  uint64_t hi = n > 8 ? x1 >> (8 * (16 - n)) : 0;
#if RULES_SSE2
  _mm_storeu_si128((__m128i *)(void *)d, _mm_set_epi64x((long long)hi, (long long)x0));
  _mm_storeu_si128((__m128i *)(void *)(d + 16), _mm_setzero_si128());
#else
  store_le64(d, x0);
  store_le64(d + 8, hi);
  store_le64(d + 16, 0);
  store_le64(d + 24, 0);
#endif
  d[32] = 0;
  e->head = x0;
  e->tail = n >= 8 ? x1 : x0 << (8 * (8 - n));
  return 1;
}

/* fold_to for a block of 16..32 plain ASCII bytes (most of those that
 * fold_short does not take), inline and without a loop: two overlapping
 * 16-byte chunks. Returns 0 (nothing written) for other blocks. */
static inline int fold_mid(char *d, const char *s, size_t n, ends8 *e) {
#if RULES_SSE2
  __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
  __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
  if (_mm_movemask_epi8(_mm_or_si128(a, b))) return 0;
  const __m128i bit = _mm_set1_epi8(0x20);
  a = lower16(a, bit);
  b = lower16(b, bit);
  /* the first chunk last: the loads of the first 16 bytes take them from
   * it whole */
  _mm_storeu_si128((__m128i *)(void *)(d + n - 16), b);
  _mm_storeu_si128((__m128i *)(void *)(d + n), _mm_setzero_si128());
  _mm_storeu_si128((__m128i *)(void *)d, a);
  d[n + 16] = 0;
  e->head = (uint64_t)_mm_cvtsi128_si64(a);
  e->tail = (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(b, 8));
  return 1;
#else
  (void)d, (void)s, (void)n, (void)e;
  return 0;
#endif
}

/* Fold text into out (cleared first); see fold_to. */
static void fold_into(pith_buf *out, const char *s, size_t n, int ascii_only) {
  pith_buf_clear(out);
  if (n > (SIZE_MAX - 32) / 8 ||
      (out->cap < n * 8 + 17 && pith_buf_reserve(out, n * 8 + 16) < 0)) {
    out->failed = 1;
    return;
  }
  out->len = fold_to(out->data, s, n, ascii_only);
}

static size_t count_chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* Hash of n bytes at s, eight at a time: s must be zero-padded to the
 * next multiple of 8 past n (folded blocks and patterns are). */
static uint32_t hash_words(const char *s, size_t n) {
  uint64_t h = (n + 1) * 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    h = (h ^ x) * 0xFF51AFD7ED558CCDull;
  }
  return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

static uint32_t bucket_of(unsigned a, unsigned b) {
  return (((a << 8) | b) * 2654435761u) >> 23; /* 9 bits: NBUCKET */
}

/* ---- anchor keys ------------------------------------------------------- */

/* The first `len` (1..8) bytes in memory order of an 8-byte load. */
static inline uint64_t first_bytes(uint64_t x, unsigned len) {
  if (len >= 8) return x;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return x & (~0ull << (8 * (8 - len)));
#else
  return x & (~0ull >> (8 * (8 - len)));
#endif
}

/* The last `len` (1..8) bytes of an 8-byte load, moved to the front. */
static inline uint64_t last_bytes(uint64_t x, unsigned len) {
  if (len >= 8) return x;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return x << (8 * (8 - len));
#else
  return x >> (8 * (8 - len));
#endif
}

/* Key of n (1..8) bytes at p, zero-padded. */
static uint64_t key_of(const char *p, unsigned n) {
  uint64_t x = 0;
  memcpy(&x, p, n);
  return x;
}


/* The first w (<= 8) bytes at p as load_le64 gives them, the rest 0. */
static inline uint64_t load_le64_n(const char *p, unsigned w) {
  uint64_t x = 0;
  for (unsigned i = 0; i < w; i++) x |= (uint64_t)(unsigned char)p[i] << (8 * i);
  return x;
}


static inline size_t akey_slot(const atab *t, uint64_t key, unsigned len) {
  return (size_t)(((key + len) * 0x9E3779B97F4A7C15ull) >> (64 - t->bits));
}

static int32_t *atab_find(const atab *t, uint64_t key, unsigned len) {
  if (!t->cap) return NULL;
  for (size_t j = akey_slot(t, key, len);; j = (j + 1) & (t->cap - 1)) {
    akey *e = &t->v[j];
    if (!e->len) return NULL;
    if (e->key == key && e->len == len) return &e->head;
  }
}

static int atab_grow(atab *t) {
  size_t cap = t->cap ? t->cap * 2 : 64;
  akey *v = calloc(cap, sizeof *v);
  if (!v) return -1;
  atab old = *t;
  t->v = v;
  t->cap = cap;
  t->bits = 0;
  while (((size_t)1 << t->bits) < cap) t->bits++;
  for (size_t i = 0; i < old.cap; i++) {
    if (!old.v[i].len) continue;
    size_t j = akey_slot(t, old.v[i].key, old.v[i].len);
    while (v[j].len) j = (j + 1) & (cap - 1);
    v[j] = old.v[i];
  }
  free(old.v);
  return 0;
}

enum { PARTS_NONE, PARTS_LEADING, PARTS_TRAILING };

/* The chain head for the key of `len` (1..8) bytes at kb, created empty if
 * new; NULL without memory. `parts`: which outer bytes go into lens3. */
static int32_t *atab_head(atab *t, const unsigned char *kb, unsigned len,
                          int parts) {
  const char *c = (const char *)kb;
  if (parts != PARTS_NONE) {
    if (!t->lens3 && !(t->lens3 = calloc((size_t)1 << t->l3bits, 1))) return NULL;
    uint8_t bit = (uint8_t)(1u << (len - 1));
    unsigned b = t->l3bits;
    if (len <= 2) t->len1[parts == PARTS_LEADING ? kb[0] : kb[len - 1]] |= bit;
    else if (parts == PARTS_LEADING)
      t->lens3[lens3_at(kb[0], kb[1], kb[2], b)] |= bit;
    else
      t->lens3[lens3_at(kb[len - 3], kb[len - 2], kb[len - 1], b)] |= bit;
  }
  uint64_t key = key_of(c, len);
  int32_t *h = atab_find(t, key, len);
  if (h) return h;
  if ((t->n + 1) * 2 > t->cap && atab_grow(t) < 0) return NULL;
  size_t j = akey_slot(t, key, len);
  while (t->v[j].len) j = (j + 1) & (t->cap - 1);
  t->v[j] = (akey){key, -1, len};
  t->n++;
  return &t->v[j].head;
}

/* ---- rule set --------------------------------------------------------- */

pith_rules *pith_rules_new(void) {
  pith_rules *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  for (size_t i = 0; i < NBUCKET; i++) r->con[i] = -1;
  for (size_t i = 0; i < 256; i++) r->con1[i] = -1;
  r->cmem = r->none = r->noned = -1;
  for (size_t i = 0; i < 256; i++) r->nonedafter[i] = -1;
  r->pre.l3bits = PRE3_BITS;
  r->suf.l3bits = SUF3_BITS;
  return r;
}

void pith_rules_free(pith_rules *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n; i++) {
    free(r->v[i].pat);
    if (r->v[i].re) {
      regfree(r->v[i].re);
      free(r->v[i].re);
    }
    if (r->v[i].owns_where) free((char *)r->v[i].where);
  }
  free(r->v);
  free(r->ex);
  free(r->pre.v);
  free(r->suf.v);
  free(r->pre.lens3);
  free(r->suf.lens3);
  free(r->c5);
  free(r->c5head);
  free(r->cg);
  free(r->hot);
  free(r->ce);
  free(r);
}

size_t pith_rules_count(const pith_rules *r) { return r ? r->nsrc : 0; }

static int exact_grow(pith_rules *r) {
  size_t cap = r->excap ? r->excap * 2 : 64;
  exact_slot *t = calloc(cap, sizeof *t);
  if (!t) return -1;
  for (size_t i = 0; i < r->excap; i++) {
    if (!r->ex[i].idx) continue;
    size_t j = r->ex[i].hash & (cap - 1);
    while (t[j].idx) j = (j + 1) & (cap - 1);
    t[j] = r->ex[i];
  }
  free(r->ex);
  r->ex = t;
  r->excap = cap;
  return 0;
}

/* Rarity of a byte in web text: spaces and frequent letters are poor keys
 * for a contains-anchor (a pair like " s" occurs in every block). */
static unsigned rarity(unsigned char c) {
  /* 1 + the rank of a byte in " etaoinsrhldcumfpgwybvkxjqz" (0: none) */
  static const uint8_t rank[128] = {
      [' '] = 1,  ['e'] = 2,  ['t'] = 3,  ['a'] = 4,  ['o'] = 5,  ['i'] = 6,  ['n'] = 7,
      ['s'] = 8,  ['r'] = 9,  ['h'] = 10, ['l'] = 11, ['d'] = 12, ['c'] = 13, ['u'] = 14,
      ['m'] = 15, ['f'] = 16, ['p'] = 17, ['g'] = 18, ['w'] = 19, ['y'] = 20, ['b'] = 21,
      ['v'] = 22, ['k'] = 23, ['x'] = 24, ['j'] = 25, ['q'] = 26, ['z'] = 27};
  if (c >= 0x80) return 15; /* UTF-8 bytes */
  return rank[c] ? rank[c] - 1u : 20; /* digits, punctuation */
}

/* Offset of the rarest run of k bytes of an anchor literal. */
static uint32_t rare_run(const unsigned char *a, size_t n, size_t k) {
  uint32_t best = 0;
  unsigned score = 0;
  for (size_t i = 0; i + k <= n; i++) {
    unsigned v = 0;
    for (size_t j = 0; j < k; j++) v += rarity(a[i + j]);
    if (v > score) score = v, best = (uint32_t)i;
  }
  return best;
}

/* Frequent 4-byte windows of English text (words with their spaces): a
 * key window among them is met in most long blocks, each meeting a
 * lookup of its chain's slot. */
static int common_window(const unsigned char *w) {
  static const char list[][5] = {"the ", " the", "and ", " and", " of ", " to ", " in ",
                                 " is ", " an ", "s an", "ing ", "ion ", "tion", "ting",
                                 "nce ", "ent ", "with", " wit", "for ", " for", "our ",
                                 "you ", "your", "that", "e th", "n th", "of t", "f th"};
  /* all of them hold a space or open with t, w or y */
  if (w[0] != ' ' && w[1] != ' ' && w[2] != ' ' && w[3] != ' ' && w[0] != 't' &&
      w[0] != 'w' && w[0] != 'y')
    return 0;
  for (size_t i = 0; i < sizeof list / sizeof *list; i++)
    if (memcmp(w, list[i], 4) == 0) return 1;
  return 0;
}

/* Offset of the stretch of CON_STRIDE + 3 bytes of a long contains-anchor
 * whose windows the scan meets least: the rarest bytes (rare_run's score),
 * less for each frequent window among its CON_STRIDE. */
static uint32_t rare_windows(const unsigned char *a, size_t n) {
  /* the windows at the first 256 offsets tested once each (later ones,
   * of rare anchors that long, count as not frequent) */
  uint8_t common[256 + CON_STRIDE] = {0};
  for (size_t i = 0; i + 4 <= n && i < 256; i++) common[i] = (uint8_t)common_window(a + i);
  uint32_t best = 0;
  int score = INT_MIN;
  for (size_t i = 0; i + CON_STRIDE + 3 <= n; i++) {
    int v = 0;
    for (size_t j = 0; j < CON_STRIDE + 3; j++) v += (int)rarity(a[i + j]);
    for (size_t j = 0; i < 256 && j < CON_STRIDE; j++) v -= 40 * common[i + j];
    if (v > score) score = v, best = (uint32_t)i;
  }
  return best;
}

/* Hash of a 4-byte window key (its bytes as a native 32-bit load): bits
 * 16..31 of the product, which SSE2 computes for two windows at once. */
static inline uint32_t quad_hash(uint32_t w) {
  return (uint32_t)(w * 0x9E3779B1u) >> 16;
}

/* Bit (one of 16) of two bytes b, c next to a window, from x = b | c << 8. */
static inline uint32_t pair_bit(uint32_t x) {
  return 1u << ((x * 0x9E3779B1u) >> 28);
}

/* The bits of a window's c5slot.next that the two bytes before it and
 * the two after it need, from x = load_le64 of those 8 bytes (the window in
 * the middle): a key hit in text passes when both are set. Both sides are
 * tested because the windows at an anchor's end (with nothing after them)
 * and common words ("the ", "with") pass a one-sided test for most of
 * their hits in text. */
static inline uint32_t around_bits(uint64_t x) {
  return pair_bit((uint32_t)(x >> 48)) | pair_bit((uint32_t)x & 0xFFFF) << 16;
}

static inline size_t c5_slot(const pith_rules *r, uint32_t key) {
  return (uint32_t)(key * 0x9E3779B1u) >> (32 - r->c5bits);
}

/* The slot of window key `key` (not 0), or NULL. */
static inline const c5slot *c5_find(const pith_rules *r, uint32_t key) {
  if (!r->c5cap) return NULL;
  for (size_t j = c5_slot(r, key);; j = (j + 1) & (r->c5cap - 1)) {
    const c5slot *e = &r->c5[j];
    if (!e->key) return NULL;
    if (e->key == key) return e;
  }
}

static int c5_grow(pith_rules *r) {
  uint32_t cap = r->c5cap ? r->c5cap * 2 : 1024;
  c5slot *v = calloc(cap, sizeof *v), *old = r->c5;
  int32_t *h = malloc(cap * sizeof *h), *oldh = r->c5head;
  if (!v || !h) {
    free(v);
    free(h);
    return -1;
  }
  uint32_t oldcap = r->c5cap;
  r->c5 = v;
  r->c5head = h;
  r->c5cap = cap;
  r->c5bits = 0;
  while ((1u << r->c5bits) < cap) r->c5bits++;
  for (uint32_t i = 0; i < oldcap; i++) {
    if (!old[i].key) continue;
    size_t j = c5_slot(r, old[i].key);
    while (v[j].key) j = (j + 1) & (cap - 1);
    v[j] = old[i];
    h[j] = oldh[i];
  }
  free(old);
  free(oldh);
  return 0;
}

/* The index of the slot of window key `key` (not 0), added (empty chain)
 * if new; -1 without memory. */
static int32_t c5_add(pith_rules *r, uint32_t key) {
  if ((r->c5n + 1) * 2 > r->c5cap && c5_grow(r) < 0) return -1;
  size_t j = c5_slot(r, key);
  while (r->c5[j].key && r->c5[j].key != key) j = (j + 1) & (r->c5cap - 1);
  if (!r->c5[j].key) {
    r->c5[j] = (c5slot){key, 0, 0};
    r->c5head[j] = -1;
    r->c5n++;
  }
  return (int32_t)j;
}

/* Copy each window chain's groups next to each other into r->cg (after
 * every parse: index_windows links new entries into the chains); -1
 * without memory. */
static int refresh_groups(pith_rules *r) {
  size_t n = 1;
  for (uint32_t j = 0; j < r->c5cap; j++)
    for (int32_t g = r->c5[j].key ? r->c5head[j] : -1; g >= 0; g = r->ce[g].skip) n++;
  cgroup *v = realloc(r->cg, n * sizeof *v);
  if (!v) return -1;
  r->cg = v;
  /* cg[0]: a key hit's 8 bytes hold the key's, which are not zero */
  v[0] = (cgroup){0, -1, 0, 8, 1};
  n = 1;
  for (uint32_t j = 0; j < r->c5cap; j++) {
    c5slot *s = &r->c5[j];
    if (!s->key) continue;
    s->group = r->c5head[j] >= 0 ? (uint32_t)n : 0;
    for (int32_t g = r->c5head[j]; g >= 0; g = r->ce[g].skip) {
      const cent *c = &r->ce[g];
      unsigned kb = 0;
      while (kb < 8 && (c->kmask >> (8 * kb) & 0xFF)) kb++;
      v[n++] = (cgroup){c->kword, g, (uint16_t)c->koff, (uint8_t)kb, c->skip < 0};
    }
  }
  return 0;
}

/* Enter a long contains-anchor under the CON_STRIDE windows of its rarest
 * stretch of CON_STRIDE + 3 bytes. */
static int index_windows(pith_rules *r, size_t i) {
  rule *u = &r->v[i];
  const unsigned char *a = (const unsigned char *)u->pat + u->aoff;
  uint32_t o = rare_windows(a, u->alen);
  if (u->maxlen > r->con5cap) r->con5cap = u->maxlen;
  for (uint32_t j = 0; j < CON_STRIDE; j++) {
    uint32_t koff = o + j;
    uint32_t w4;
    memcpy(&w4, a + koff, 4);
    /* the byte after the window (any, at the anchor's end) */
    int32_t sj = c5_add(r, w4);
    if (sj < 0) return -1;
    c5slot *s = &r->c5[sj];
    s->next |= (koff + 5 < u->alen ? pair_bit(a[koff + 4] | (uint32_t)a[koff + 5] << 8)
                                   : 0xFFFFu) |
               (koff >= 2 ? pair_bit(a[koff - 2] | (uint32_t)a[koff - 1] << 8) << 16
                          : 0xFFFF0000u);
    uint32_t h = quad_hash(w4);
    r->near[h >> NEAR_SHIFT] |= s->next;
    r->qbits[h >> 7] |= 1ull << (h & 63);
    if (u->maxlen > DEFAULT_CAP) r->qlong[h >> 7] |= 1ull << (h & 63);
    int32_t *head = &r->c5head[sj];
    if (r->cen == r->cecap) {
      size_t cap = r->cecap ? r->cecap * 2 : 256;
      cent *v = realloc(r->ce, cap * sizeof *v);
      if (!v) return -1;
      r->ce = v;
      r->cecap = cap;
    }
    unsigned w = u->alen - koff < 8 ? u->alen - koff : 8;
    cent *e = &r->ce[r->cen];
    e->kword = load_le64_n((const char *)a + koff, w);
    e->kmask = w < 8 ? ~(~0ull << (8 * w)) : ~0ull;
    unsigned before = koff < 8 ? koff : 8;
    unsigned after = u->alen > koff + 8 ? (u->alen - koff - 8 < 8 ? u->alen - koff - 8 : 8) : 0;
    unsigned sw = before >= after ? before : after;
    e->soff = (uint16_t)(before >= after ? koff - before : koff + 8);
    e->alen = (uint16_t)u->alen;
    e->maxlen = u->maxlen;
    e->sword = load_le64_n((const char *)a + e->soff, sw);
    e->smask = sw < 8 ? ~(~0ull << (8 * sw)) : ~0ull;
    e->rule = (int32_t)i;
    e->koff = koff;
    int32_t g = *head;
    while (g >= 0 && (r->ce[g].kword != e->kword || r->ce[g].kmask != e->kmask ||
                      r->ce[g].koff != koff))
      g = r->ce[g].skip;
    if (g >= 0) { /* into its group, after the first entry */
      e->next = r->ce[g].next;
      e->skip = r->ce[g].skip;
      r->ce[g].next = (int32_t)r->cen++;
    } else { /* a new group at the head */
      e->next = e->skip = *head;
      *head = (int32_t)r->cen++;
    }
  }
  return 0;
}

/* The chain of a rule without a literal anchor. */
static int32_t *none_head(pith_rules *r, const rule *u) {
  if (u->kind != K_GLOB || !u->plen || u->pat[0] != G_DIGITS) return &r->none;
  return u->after ? &r->nonedafter[u->after] : &r->noned;
}

/* A glob without wildcards: it matches one folded text only. */
static int is_literal_glob(const rule *u) {
  if (u->kind != K_GLOB || !u->plen) return 0;
  for (uint32_t j = 0; j < u->plen; j++)
    if ((unsigned char)u->pat[j] <= G_ONE) return 0;
  return 1;
}

/* Link rule `i` into the index. */
static int index_rule(pith_rules *r, size_t i) {
  rule *u = &r->v[i];
  if (u->kind == K_GLOB && u->plen)
    u->ends = (uint8_t)((u->pat[0] == G_DIGITS) | (u->pat[u->plen - 1] == G_DIGITS) << 1);
  if (u->kind == K_GLOB && u->plen >= 2 && u->pat[0] == G_DIGITS &&
      (unsigned char)u->pat[1] > G_ONE)
    u->after = (uint8_t)u->pat[1];
  u->starlit = u->kind == K_GLOB && u->anchor == A_CONTAINS && u->aoff == 1 &&
               u->alen + 2 == u->plen && u->pat[0] == G_STAR &&
               u->pat[u->plen - 1] == G_STAR && leads((unsigned char)u->pat[1]);
  if (u->kind == K_EXACT || is_literal_glob(u)) {
    /* a glob without wildcards is an exact rule with a cap */
    if ((r->exn + 1) * 2 > r->excap && exact_grow(r) < 0) return -1;
    char *padded = calloc(1, (size_t)u->plen + 8);
    if (!padded) return -1;
    memcpy(padded, u->pat, u->plen);
    uint32_t h = hash_words(padded, u->plen);
    free(padded);
    size_t j = h & (r->excap - 1);
    while (r->ex[j].idx) j = (j + 1) & (r->excap - 1);
    r->ex[j].hash = h;
    r->ex[j].idx = (uint32_t)i + 1;
    r->exbits[EXBIT(h) >> 6] |= 1ull << (EXBIT(h) & 63);
    if (!r->pre.lens3 && !(r->pre.lens3 = calloc((size_t)1 << PRE3_BITS, 1))) return -1;
    const unsigned char *e = (const unsigned char *)u->pat;
    r->pre.lens3[lens3_at(e[0], u->plen > 1 ? e[1] : 0, u->plen > 2 ? e[2] : 0, PRE3_BITS)] |= 1;
    r->exn++;
    if (u->plen < 256) r->exlens[u->plen >> 6] |= 1ull << (u->plen & 63);
    else r->exlong = 1;
    /* only blocks of at most this many code points can match (folding
     * never shortens text in code points) */
    uint32_t c = (uint32_t)count_chars(u->pat, u->plen);
    if (u->maxlen < c) c = u->maxlen;
    if (c > r->exact_chars) r->exact_chars = c;
    if (c > r->reach) r->reach = c;
    return 0;
  }
  if (u->maxlen > r->maxcap[u->anchor]) r->maxcap[u->anchor] = u->maxlen;
  if (u->maxlen > r->reach) r->reach = u->maxlen;
  const unsigned char *a = (const unsigned char *)u->pat + u->aoff;
  int32_t *head;
  switch (u->anchor) {
  case A_PREFIX: {
    unsigned k = u->alen < 8 ? u->alen : 8;
    head = k ? atab_head(&r->pre, a, k, PARTS_LEADING) : &r->none;
    break;
  }
  case A_SUFFIX: {
    unsigned k = u->alen < 8 ? u->alen : 8;
    head = k ? atab_head(&r->suf, a + u->alen - k, k, PARTS_TRAILING) : &r->none;
    break;
  }
  case A_CONTAINS:
    if (u->alen >= CON_STRIDE + 3) {
      int rc = index_windows(r, i);
      r->fusecap = r->nrare - 1u < 4 ? (r->con5cap < r->con1cap ? r->con5cap : r->con1cap) : 0;
      return rc;
    }
    if (u->alen == 1 || (u->alen >= 2 && rarity(a[rare_run(a, u->alen, 1)]) >= 20)) {
      /* a short anchor with a rare byte (": @", "(afp"): found through
       * that byte, not by testing every window of every block */
      u->koff = rare_run(a, u->alen, 1);
      if (!r->con1set[a[u->koff]]) {
        if (r->nrare < 4) r->rare[r->nrare] = a[u->koff];
        if (r->nrare < 5) r->nrare++;
        for (unsigned j = 0; j < 4; j++)
          memset(r->rarev[j], r->rare[j < r->nrare ? j : 0], 16);
      }
      r->con1set[a[u->koff]] = 1;
      if (u->maxlen > r->con1cap) r->con1cap = u->maxlen;
      head = &r->con1[a[u->koff]];
    } else if (u->alen >= 4) {
      head = &r->cmem;
      r->cmemends = r->cmem < 0 ? u->ends : (uint8_t)(r->cmemends & u->ends);
      if (u->maxlen > r->cmemcap) r->cmemcap = u->maxlen;
    } else if (u->alen >= 2) {
      u->koff = rare_run(a, u->alen, 2);
      r->ncon2++;
      if (u->maxlen > r->con2cap) r->con2cap = u->maxlen;
      unsigned key = (unsigned)a[u->koff] << 8 | a[u->koff + 1];
      r->pairs[key >> 3] |= (uint8_t)(1u << (key & 7));
      head = &r->con[bucket_of(key >> 8, key & 0xFF)];
    } else { /* no literal: tried on every block */
      u->anchor = A_NONE;
      if (u->maxlen > r->maxcap[A_NONE]) r->maxcap[A_NONE] = u->maxlen;
      head = none_head(r, u);
    }
    if (u->alen >= 2) {
      unsigned w = u->alen - u->koff < 8 ? u->alen - u->koff : 8;
      u->kword = load_le64_n((const char *)a + u->koff, w);
      u->kmask = w < 8 ? ~(~0ull << (8 * w)) : ~0ull;
    }
    break;
  default:
    head = none_head(r, u);
  }
  r->fusecap = r->nrare - 1u < 4 ? (r->con5cap < r->con1cap ? r->con5cap : r->con1cap) : 0;
  if (!head) return -1;
  if (head == &r->cmem || head == &r->none || head == &r->noned ||
      (head >= r->nonedafter && head < r->nonedafter + 256)) {
    /* chains walked for every block: longest cap first, so a walk stops
     * at the first rule whose cap the block exceeds */
    while (*head >= 0 && r->v[*head].maxlen > u->maxlen) head = &r->v[*head].next;
  }
  u->next = *head;
  *head = (int32_t)i;
  return 0;
}

/* ---- parsing ---------------------------------------------------------- */

static const char *const field_names[] = {"title", "author", "date", "site",
                                          "url", "description", "lang"};
static const int field_ids[] = {PITH_FIELD_TITLE, PITH_FIELD_AUTHOR,
                                PITH_FIELD_DATE, PITH_FIELD_SITE,
                                PITH_FIELD_URL, PITH_FIELD_DESCRIPTION,
                                PITH_FIELD_LANG};

typedef struct parsed {
  int action, field, kind;
  uint32_t maxlen;
  const char *pat;
  size_t plen;
} parsed;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int word_is(const char *w, size_t n, const char *lit) {
  return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* Parse ACTION. Returns NULL or an error reason. */
static const char *parse_action(const char *w, size_t n, parsed *p) {
  p->field = -1;
  if (word_is(w, n, "drop")) p->action = PITH_ACT_DROP;
  else if (word_is(w, n, "cut")) p->action = PITH_ACT_CUT;
  else if (word_is(w, n, "keep")) p->action = PITH_ACT_KEEP;
  else if (word_is(w, n, "aside")) p->action = PITH_ACT_ASIDE;
  else if (n > 8 && memcmp(w, "capture=", 8) == 0) {
    p->action = PITH_ACT_CAPTURE;
    for (size_t i = 0; i < sizeof field_names / sizeof *field_names; i++)
      if (word_is(w + 8, n - 8, field_names[i])) p->field = field_ids[i];
    if (p->field < 0)
      return "unknown capture field, use capture=title|author|date|site|url|"
             "description|lang";
  } else {
    return "unknown action, use drop, aside, cut, keep or capture=FIELD";
  }
  return NULL;
}

/* Parse MATCH[:MAXLEN]. */
static const char *parse_match(const char *w, size_t n, parsed *p) {
  static const char *const kinds[] = {"exact", "prefix", "suffix",
                                      "contains", "glob", "regex"};
  const char *colon = memchr(w, ':', n);
  size_t kn = colon ? (size_t)(colon - w) : n;
  p->kind = -1;
  for (int i = 0; i < 6; i++)
    if (word_is(w, kn, kinds[i])) p->kind = i;
  if (p->kind < 0)
    return "unknown match kind, use exact, prefix, suffix, contains, glob or "
           "regex";
  p->maxlen = p->kind == K_EXACT ? NO_CAP : DEFAULT_CAP;
  if (!colon) return NULL;
  const char *m = colon + 1;
  size_t mn = n - kn - 1;
  if (mn == 1 && m[0] == '*') {
    p->maxlen = NO_CAP;
    return NULL;
  }
  uint32_t v = 0;
  for (size_t i = 0; i < mn; i++) {
    if (m[i] < '0' || m[i] > '9' || v > MAX_CAP)
      return "bad MAXLEN, write a number of characters (1-1000000) or * "
             "after the colon";
    v = v * 10 + (uint32_t)(m[i] - '0');
  }
  if (mn == 0 || v == 0 || v > MAX_CAP)
    return "bad MAXLEN, write a number of characters (1-1000000) or * after "
           "the colon";
  p->maxlen = v;
  return NULL;
}

/* Split one line into action, match and pattern. Returns NULL on success,
 * else the reason. */
static const char *parse_line(const char *s, size_t n, parsed *p) {
  size_t i = 0, a0, a1, m0, m1;
  while (i < n && is_space(s[i])) i++;
  a0 = i;
  while (i < n && !is_space(s[i])) i++;
  a1 = i;
  while (i < n && is_space(s[i])) i++;
  m0 = i;
  while (i < n && !is_space(s[i])) i++;
  m1 = i;
  while (i < n && is_space(s[i])) i++;
  while (n > i && is_space(s[n - 1])) n--;
  const char *e = parse_action(s + a0, a1 - a0, p);
  if (e) return e;
  if (m1 == m0)
    return "missing match kind and pattern, write ACTION MATCH PATTERN";
  if ((e = parse_match(s + m0, m1 - m0, p))) return e;
  if (i >= n) return "empty pattern, write the text to match after the match kind";
  if (n - i > MAX_PATTERN) return "pattern too long, keep it under 4096 bytes";
  p->pat = s + i;
  p->plen = n - i;
  return NULL;
}

/* Expand {a,b} alternatives of a (folded) glob into `out` (a list of
 * NUL-separated strings). Nested braces and backslash escapes allowed. */
typedef struct strlist {
  pith_buf b;
  size_t n;
} strlist;

static const char *find_close(const char *s, const char *end) {
  int depth = 0;
  for (const char *q = s; q < end; q++) {
    if (*q == '\\' && q + 1 < end) q++;
    else if (*q == '{') depth++;
    else if (*q == '}' && --depth == 0) return q;
  }
  return NULL;
}

static const char *expand(const char *pre, size_t pn, const char *s,
                          size_t n, strlist *out) {
  const char *end = s + n, *open = NULL;
  for (const char *q = s; q < end; q++) {
    if (*q == '\\' && q + 1 < end) q++;
    else if (*q == '}') return "unbalanced braces, escape a literal } as \\}";
    else if (*q == '{') {
      open = q;
      break;
    }
  }
  if (!open) {
    if (++out->n > MAX_EXPANSIONS)
      return "too many {,} alternatives (over 256), split the rule";
    pith_buf_put(&out->b, pre, pn);
    pith_buf_put(&out->b, s, n);
    pith_buf_putc(&out->b, '\0');
    return NULL;
  }
  const char *close = find_close(open, end);
  if (!close) return "unbalanced braces, close every { with } or escape it";
  pith_buf head = PITH_BUF_INIT;
  const char *alt = open + 1, *err = NULL;
  int depth = 0;
  for (const char *q = open + 1; q <= close && !err; q++) {
    if (q < close && *q == '\\' && q + 1 < close) {
      q++;
      continue;
    }
    if (q < close && *q == '{') depth++;
    else if (q < close && *q == '}') depth--;
    else if (q == close || (*q == ',' && depth == 0)) {
      /* prefix + this alternative, then the rest still to expand */
      pith_buf_clear(&head);
      pith_buf_put(&head, pre, pn);
      pith_buf_put(&head, s, (size_t)(open - s));
      pith_buf_put(&head, alt, (size_t)(q - alt));
      pith_buf_put(&head, close + 1, (size_t)(end - close - 1));
      if (head.failed) err = "out of memory";
      else err = expand("", 0, head.data ? head.data : "", head.len, out);
      alt = q + 1;
    }
  }
  pith_buf_free(&head);
  return err;
}

/* Compile one expanded glob into a program. */
static const char *compile_glob(const char *s, size_t n, pith_buf *prog) {
  pith_buf_clear(prog);
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if ((unsigned char)c < 0x20 && c != '\t')
      return "control character in pattern, remove it";
    if (c == '\\' && i + 1 < n) pith_buf_putc(prog, s[++i]);
    else if (c == '*') {
      if (!prog->len || prog->data[prog->len - 1] != G_STAR)
        pith_buf_putc(prog, G_STAR);
    } else if (c == '#') pith_buf_putc(prog, G_DIGITS);
    else if (c == '?') pith_buf_putc(prog, G_ONE);
    else pith_buf_putc(prog, c);
  }
  return prog->failed ? "out of memory" : NULL;
}

/* Choose the anchor of a rule: the literal a block must contain. */
static void choose_anchor(rule *u) {
  u->aoff = 0;
  u->alen = u->plen;
  switch (u->kind) {
  case K_PREFIX: u->anchor = A_PREFIX; return;
  case K_SUFFIX: u->anchor = A_SUFFIX; return;
  case K_CONTAINS: u->anchor = A_CONTAINS; return;
  case K_REGEX: u->anchor = A_NONE; return;
  default: break;
  }
  const unsigned char *p = (const unsigned char *)u->pat;
  size_t n = u->plen, lead = 0, trail = 0, best = 0, boff = 0;
  while (lead < n && p[lead] > G_ONE) lead++;
  while (trail < n && p[n - 1 - trail] > G_ONE) trail++;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && p[j] > G_ONE) j++;
    if (j - i > best) best = j - i, boff = i;
    i = j + 1;
  }
  if (lead >= 2 || (lead && lead >= best)) {
    u->anchor = A_PREFIX, u->alen = (uint32_t)lead;
  } else if (trail >= 2 || (trail && trail >= best)) {
    u->anchor = A_SUFFIX, u->aoff = (uint32_t)(n - trail), u->alen = (uint32_t)trail;
  } else if (best >= 2) {
    u->anchor = A_CONTAINS, u->aoff = (uint32_t)boff, u->alen = (uint32_t)best;
  } else {
    u->anchor = A_NONE, u->alen = 0;
  }
}

/* Rewrite \d, \s, \w into POSIX classes for regcomp. */
static void rewrite_regex(const char *s, size_t n, pith_buf *out) {
  pith_buf_clear(out);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) {
      char c = s[i + 1];
      const char *cls = c == 'd' ? "[0-9]" : c == 's' ? "[[:space:]]"
                      : c == 'w' ? "[[:alnum:]_]" : NULL;
      if (cls) pith_buf_puts(out, cls);
      else pith_buf_put(out, s + i, 2);
      i++;
    } else {
      pith_buf_putc(out, s[i]);
    }
  }
}

/* glibc's regcomp copies a repeated subexpression once per repetition ("x+"
 * is "xx*", "x{3}" is "xxx"), so stacked or nested repetitions ("a++++...",
 * "((a{99}){99}){99}") grow its automaton exponentially and a one-line rule
 * could exhaust memory. This estimates the copies made and refuses patterns
 * over REGEX_MAX_SIZE. */
#define REGEX_MAX_SIZE 20000
#define REGEX_MAX_GROUPS 32

/* End of the bracket expression opening at s[i] (index of its ']'), n if
 * it is unterminated. */
static size_t bracket_end(const char *s, size_t n, size_t i) {
  size_t j = i + 1;
  if (j < n && s[j] == '^') j++;
  if (j < n && s[j] == ']') j++;
  for (; j < n && s[j] != ']'; j++) {
    if (s[j] == '[' && j + 1 < n && (s[j + 1] == ':' || s[j + 1] == '.' || s[j + 1] == '=')) {
      char d = s[j + 1];
      for (j += 2; j + 1 < n && !(s[j] == d && s[j + 1] == ']'); j++) {
      }
      j++;
    }
  }
  return j;
}

/* Bound "{m}" / "{m,}" / "{m,n}" at s[i]: copies made, 0 if not a bound. */
static size_t repeat_count(const char *s, size_t n, size_t *i) {
  size_t j = *i + 1, m = 0, k = 0, digits = 0;
  while (j < n && s[j] >= '0' && s[j] <= '9' && digits < 6) m = m * 10 + (size_t)(s[j++] - '0'), digits++;
  if (!digits) return 0;
  k = m + 1;
  if (j < n && s[j] == ',') {
    j++;
    size_t x = 0, d2 = 0;
    while (j < n && s[j] >= '0' && s[j] <= '9' && d2 < 6) x = x * 10 + (size_t)(s[j++] - '0'), d2++;
    if (d2) k = x > m ? x : m;
  } else {
    k = m;
  }
  if (j >= n || s[j] != '}') return 0;
  *i = j;
  return k ? k : 1;
}

static int regex_size_ok(const char *s, size_t n) {
  size_t outer[REGEX_MAX_GROUPS], depth = 0, cur = 0, last = 0;
  int repeated = 0; /* the previous token was a repetition */
  for (size_t i = 0; i < n; i++) {
    size_t k;
    /* Stacked repetitions ("a**", "a*+", "a+?") are undefined in POSIX;
     * glibc nests them, and a few copies of such a nest
     * ("a**+++++++++++++") took minutes while the copy count above stays
     * small. */
    size_t at = i;
    switch (s[i]) {
    case '\\': i++, last = 1, cur++; break;
    case '[': i = bracket_end(s, n, i), last = 1, cur++; break;
    case '(':
      if (depth == REGEX_MAX_GROUPS) return 0;
      outer[depth++] = cur, cur = 0, last = 0;
      break;
    case ')':
      if (depth) last = cur + 1, cur = outer[--depth] + last;
      else last = 1, cur++;
      break;
    case '*': case '?': cur++; break;
    case '+': cur += last, last *= 2; break;
    case '{':
      if ((k = repeat_count(s, n, &i)) != 0) cur += last * (k - 1), last *= k;
      else last = 1, cur++;
      break;
    case '|': last = 0, cur++; break;
    default: last = 1, cur++; break;
    }
    if (cur > REGEX_MAX_SIZE || last > REGEX_MAX_SIZE) return 0;
    /* a bound "{m,n}" moved i to its '}'; a '{' that is none did not */
    int rep = s[at] == '*' || s[at] == '+' || s[at] == '?' || (s[at] == '{' && i > at);
    if (rep && repeated) return 0;
    repeated = rep;
  }
  return 1;
}

static int push_rule(pith_rules *r, const rule *u) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    rule *v = realloc(r->v, cap * sizeof *v);
    if (!v) return -1;
    r->v = v;
    r->cap = cap;
  }
  r->v[r->n] = *u;
  if (index_rule(r, r->n) < 0) return -1;
  r->n++;
  return 0;
}

/* Compile a parsed line into one rule (several for braced globs). */
static const char *add_parsed(pith_rules *r, const parsed *p, const char *where,
                              pith_buf *tmp) {
  rule base;
  memset(&base, 0, sizeof base);
  base.action = (uint8_t)p->action;
  base.field = (int8_t)p->field;
  base.kind = (uint8_t)p->kind;
  base.maxlen = p->maxlen;
  base.order = (uint32_t)r->nsrc;
  base.where = where;
  base.owns_where = 1;
  base.next = -1;
  fold_into(tmp, p->pat, p->plen, p->kind == K_REGEX);
  if (tmp->failed) return "out of memory";
  if (p->kind == K_REGEX) {
    pith_buf re = PITH_BUF_INIT;
    rewrite_regex(tmp->data, tmp->len, &re);
    if (!re.failed && !regex_size_ok(re.data ? re.data : "", re.len)) {
      pith_buf_free(&re);
      return "regex too complex (stacked or nested repetitions)";
    }
    base.re = calloc(1, sizeof *base.re);
    int rc = base.re && !re.failed
                 ? regcomp(base.re, pith_buf_cstr(&re),
                           REG_EXTENDED | REG_ICASE | REG_NOSUB)
                 : -1;
    pith_buf_free(&re);
    if (rc != 0) {
      free(base.re);
      return rc < 0 ? "out of memory"
                    : "bad regex, check it against POSIX extended syntax";
    }
  }
  if (p->kind != K_GLOB) {
    base.pat = malloc(tmp->len + 1);
    if (!base.pat) return "out of memory";
    memcpy(base.pat, tmp->data, tmp->len + 1);
    base.plen = (uint32_t)tmp->len;
    choose_anchor(&base);
    if (push_rule(r, &base) < 0) {
      free(base.pat);
      if (base.re) regfree(base.re), free(base.re);
      return "out of memory";
    }
    return NULL;
  }
  strlist alts = {PITH_BUF_INIT, 0};
  const char *err = expand("", 0, tmp->data, tmp->len, &alts);
  if (!err && alts.b.failed) err = "out of memory";
  pith_buf prog = PITH_BUF_INIT;
  const char *s = alts.b.data;
  for (size_t k = 0; k < alts.n && !err; k++) {
    size_t sn = strlen(s);
    err = compile_glob(s, sn, &prog);
    s += sn + 1;
    if (err) break;
    rule u = base;
    u.owns_where = k == 0;
    u.plen = (uint32_t)prog.len;
    u.pat = malloc(prog.len + 1);
    if (!u.pat) {
      err = "out of memory";
      break;
    }
    if (prog.len) memcpy(u.pat, prog.data, prog.len);
    u.pat[prog.len] = '\0';
    choose_anchor(&u);
    if (push_rule(r, &u) < 0) {
      free(u.pat);
      err = "out of memory";
    }
  }
  pith_buf_free(&prog);
  pith_buf_free(&alts.b);
  return err;
}

/* Copy the chain walks' fields of every rule into r->hot; -1 without
 * memory (hotn is then 0 and nothing matches). */
static int refresh_hot(pith_rules *r) {
  rhot *h = realloc(r->hot, (r->n ? r->n : 1) * sizeof *h);
  if (!h) {
    r->hotn = 0;
    return -1;
  }
  for (size_t i = 0; i < r->n; i++) {
    const rule *u = &r->v[i];
    unsigned k = u->anchor == A_PREFIX && u->alen > 8 ? u->alen - 8 : 0;
    h[i] = (rhot){u->maxlen, u->next, (uint16_t)u->alen, (uint8_t)(k < 8 ? k : 8), {0}};
    if (k) memcpy(h[i].w8, u->pat + u->aoff + 8, h[i].k8);
  }
  r->hot = h;
  r->hotn = r->n;
  return 0;
}

int pith_rules_parse(pith_rules *r, const char *name, const char *text,
                     size_t len, char *err, size_t errlen) {
  if (!r || (!text && len)) return PITH_EINVAL;
  if (err && errlen) err[0] = '\0';
  if (!name) name = "rules";
  pith_buf tmp = PITH_BUF_INIT;
  int status = PITH_OK;
  size_t line = 0;
  for (size_t i = 0; i < len && status == PITH_OK;) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) : len;
    const char *s = text + i;
    size_t n = e - i;
    i = e + 1;
    line++;
    if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
    size_t k = 0;
    while (k < n && (is_space(s[k]) || s[k] == '\n')) k++;
    if (k == n || s[k] == '#') continue;
    parsed p;
    /* Block text never holds a NUL (normalization drops control
     * characters), so such a rule could never match: say so. */
    const char *why = memchr(s, '\0', n)
                          ? "NUL byte in the rule (rule files are text; remove it)"
                          : parse_line(s, n, &p);
    char *where = NULL;
    if (!why) {
      int wn = snprintf(NULL, 0, "%s:%zu", name, line);
      where = malloc((size_t)wn + 1);
      if (!where) why = "out of memory";
      else snprintf(where, (size_t)wn + 1, "%s:%zu", name, line);
    }
    if (!why) {
      size_t before = r->n;
      why = add_parsed(r, &p, where, &tmp);
      if (r->n == before) free(where); /* no rule took ownership */
      if (!why) r->nsrc++;
    }
    if (why) {
      status = strcmp(why, "out of memory") == 0 ? PITH_ENOMEM : PITH_ERULES;
      if (err && errlen) snprintf(err, errlen, "%s:%zu: %s", name, line, why);
    }
  }
  pith_buf_free(&tmp);
  if (refresh_hot(r) < 0 || refresh_groups(r) < 0) {
    r->hotn = 0; /* nothing matches (see pith_rules_match) */
    if (status == PITH_OK) {
      status = PITH_ENOMEM;
      if (err && errlen) snprintf(err, errlen, "%s: out of memory", name);
    }
  }
  return status;
}

/* ---- matching --------------------------------------------------------- */

static int action_rank(int a) {
  switch (a) {
  case PITH_ACT_KEEP: return 4;
  case PITH_ACT_CUT: return 3;
  case PITH_ACT_CAPTURE: return 2;
  default: return 1;
  }
}

/* Best rule so far: higher action rank wins, then the earlier rule. */
static void consider(const pith_rules *r, const rule **best, size_t i) {
  const rule *u = &r->v[i];
  if (!*best) {
    *best = u;
    return;
  }
  int a = action_rank(u->action), b = action_rank((*best)->action);
  if (a > b || (a == b && u->order < (*best)->order)) *best = u;
}

static inline int ascii_alnum(unsigned char c) {
  return (unsigned)(c - '0') < 10 || (unsigned)((c | 0x20) - 'a') < 26;
}

static int word_cp_at(const char *s, size_t n, size_t i) {
  if (i >= n) return 0;
  if ((unsigned char)s[i] < 0x80) return ascii_alnum((unsigned char)s[i]);
  int32_t cp;
  pith_u8_next(s + i, n - i, &cp);
  return pith_is_alnum_cp(cp) && !pith_is_cjk(cp);
}

/* Is the code point ending just before s+i a word character? */
static int word_cp_before(const char *s, size_t i) {
  if (i == 0) return 0;
  if ((unsigned char)s[i - 1] < 0x80) return ascii_alnum((unsigned char)s[i - 1]);
  size_t j = i - 1;
  while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4) j--;
  return word_cp_at(s, i, j);
}

/* A literal match at [i, i+m) of t respects word boundaries: a pattern
 * that starts (ends) with a letter or digit may not continue a word. */
static int bounded(const char *t, size_t n, size_t i, const char *p, size_t m) {
  if (word_cp_at(p, m, 0) && word_cp_before(t, i)) return 0;
  if (m && word_cp_before(p, m) && word_cp_at(t, n, i + m)) return 0;
  return 1;
}

static size_t u8len(const char *t, size_t i, size_t n) {
  size_t k = 1;
  while (i + k < n && ((unsigned char)t[i + k] & 0xC0) == 0x80) k++;
  return k;
}

/* Longest run of digits (with , . : between digits) at t+i. */
static size_t digit_run(const char *t, size_t i, size_t n) {
  size_t j = i;
  if (j >= n || t[j] < '0' || t[j] > '9') return 0;
  while (j < n) {
    if (t[j] >= '0' && t[j] <= '9') j++;
    else if ((t[j] == ',' || t[j] == '.' || t[j] == ':') && j + 1 < n &&
             t[j + 1] >= '0' && t[j + 1] <= '9') j++;
    else break;
  }
  return j - i;
}

/* The first digit of t at or after i, or n: a `#` after a star can only
 * start there (a digit always starts a character). */
static inline size_t next_digit(const char *t, size_t i, size_t n) {
  while (i < n && (unsigned)(t[i] - '0') > 9) i++;
  return i;
}


/* Whole-block glob match. `#` is greedy; only `*` backtracks, one star at
 * a time (the classic two-pointer algorithm: O(n*m) worst case). The
 * star tries every character start in turn; when a literal byte `c`
 * follows it, the starts without `c` would fail at once and are skipped
 * by memchr (a `c` that starts a character is always a start the stepping
 * would reach), and when `#` follows it, to the next digit. */
static int glob_match(const char *p, size_t m, const char *t, size_t n) {
  size_t pi = 0, ti = 0, sp = SIZE_MAX, st = 0;
  while (ti < n) {
    if (pi < m) {
      unsigned char c = (unsigned char)p[pi];
      if (c == G_STAR) {
        sp = ++pi;
        if (sp == m) return 1; /* a trailing star takes the rest */
        st = ti;
        if (leads((unsigned char)p[sp])) {
          const char *q = memchr(t + st, p[sp], n - st);
          if (!q) return 0;
          st = ti = (size_t)(q - t);
        } else if (p[sp] == G_DIGITS) {
          if ((st = ti = next_digit(t, st, n)) == n) return 0;
        }
        continue;
      }
      if (c == G_ONE) {
        ti += u8len(t, ti, n);
        pi++;
        continue;
      }
      if (c == G_DIGITS) {
        size_t k = digit_run(t, ti, n);
        if (k) {
          ti += k;
          pi++;
          continue;
        }
      } else if (c == (unsigned char)t[ti]) {
        ti++;
        pi++;
        continue;
      }
    }
    if (sp == SIZE_MAX) return 0;
    st += u8len(t, st, n);
    if (st < n && leads((unsigned char)p[sp])) {
      const char *q = memchr(t + st, p[sp], n - st);
      if (!q) return 0;
      st = (size_t)(q - t);
    } else if (p[sp] == G_DIGITS && (st = next_digit(t, st, n)) == n) {
      return 0;
    }
    ti = st;
    pi = sp;
  }
  while (pi < m && p[pi] == G_STAR) pi++;
  return pi == m;
}

/* Full check of rule u against the folded block; for literal kinds the
 * anchor position has been verified by the caller. */
static int verify(const rule *u, const char *t, size_t n, size_t at) {
  switch (u->kind) {
  case K_PREFIX:
  case K_SUFFIX:
  case K_CONTAINS: return bounded(t, n, at, u->pat, u->plen);
  case K_GLOB: return glob_match(u->pat, u->plen, t, n);
  case K_REGEX: return regexec(u->re, t, 0, NULL, 0) == 0;
  default: return 0;
  }
}

static void match_exact(const pith_rules *r, const char *t, size_t n,
                        size_t chars, const rule **best) {
  if (n < 256 ? !(r->exlens[n >> 6] >> (n & 63) & 1) : !r->exlong) return;
  uint32_t h = hash_words(t, n);
  if (!(r->exbits[EXBIT(h) >> 6] >> (EXBIT(h) & 63) & 1)) return;
  for (size_t j = h & (r->excap - 1); r->ex[j].idx; j = (j + 1) & (r->excap - 1)) {
    const rule *u = &r->v[r->ex[j].idx - 1];
    if (r->ex[j].hash == h && u->plen == n && u->maxlen >= chars &&
        memcmp(u->pat, t, n) == 0)
      consider(r, best, r->ex[j].idx - 1);
  }
}

/* Rules of one prefix chain: their first min(alen, 8) bytes matched. */
static void walk_prefix(const pith_rules *r, int32_t i, const char *t,
                        size_t n, size_t chars, const rule **best) {
  uint64_t y8; /* the block's bytes 8..15 (t is zero-padded to t+n+16) */
  memcpy(&y8, t + 8, 8);
  for (; i >= 0; i = r->hot[i].next) {
    const rhot *h = &r->hot[i];
    if (h->maxlen < chars || h->alen > n) continue;
    uint64_t w8;
    memcpy(&w8, h->w8, 8);
    if ((y8 & pith_swar_keep(h->k8)) != w8) continue;
    const rule *u = &r->v[i];
    if (u->alen > 16 && memcmp(t + 16, u->pat + u->aoff + 16, u->alen - 16) != 0)
      continue;
    /* a glob's leading literal is its anchor, matched: the rest from there */
    if (u->kind == K_GLOB ? glob_match(u->pat + u->alen, u->plen - u->alen,
                                       t + u->alen, n - u->alen)
                          : verify(u, t, n, 0))
      consider(r, best, (size_t)i);
  }
}

/* Rules of one suffix chain: their last min(alen, 8) bytes matched. */
static void walk_suffix(const pith_rules *r, int32_t i, const char *t,
                        size_t n, size_t chars, const rule **best) {
  for (; i >= 0; i = r->hot[i].next) {
    if (r->hot[i].maxlen < chars || r->hot[i].alen > n) continue;
    const rule *u = &r->v[i];
    size_t at = n - u->alen;
    if ((u->alen <= 8 || memcmp(t + at, u->pat + u->aoff, u->alen - 8) == 0) &&
        verify(u, t, n, at))
      consider(r, best, (size_t)i);
  }
}

/* Prefix rules: one probe per anchor length its first bytes may start,
 * with the block's own first bytes. `t` is padded with zero bytes up to
 * t+n+8. */
static void match_prefix(const pith_rules *r, const char *t, size_t n,
                         size_t chars, unsigned l3, uint64_t head, const rule **best) {
  uint64_t x = native_of_le(head);
  unsigned m = r->pre.len1[head & 0xFF] | (l3 & 0xFE);
  for (; m; m &= m - 1) {
    unsigned len = (unsigned)__builtin_ctz(m) + 1;
    if (len > n) break;
    const int32_t *h = atab_find(&r->pre, first_bytes(x, len), len);
    if (h) walk_prefix(r, *h, t, n, chars, best);
  }
}

static void match_suffix(const pith_rules *r, const char *t, size_t n,
                         size_t chars, uint64_t tail, const rule **best) {
  uint64_t x = native_of_le(tail); /* t is preceded by 8 zero bytes */
  if (!r->suf.lens3) return;
  unsigned c = (unsigned)(tail >> 56), b = (unsigned)(tail >> 48) & 0xFF,
           a = (unsigned)(tail >> 40) & 0xFF;
  unsigned m = r->suf.len1[c] | r->suf.lens3[lens3_at(a, b, c, SUF3_BITS)];
  for (; m; m &= m - 1) {
    unsigned len = (unsigned)__builtin_ctz(m) + 1;
    if (len > n) break;
    const int32_t *h = atab_find(&r->suf, last_bytes(x, len), len);
    if (h) walk_suffix(r, *h, t, n, chars, best);
  }
}

/* Globs found through their anchor are verified once per block (best
 * effort: the first 32). */
typedef struct done_set {
  int32_t v[32];
  size_t n;
} done_set;

/* A glob found through its anchor is verified once per block (best
 * effort: the first 32); returns 1 if it was already. */
static int seen_glob(done_set *done, int32_t k) {
  for (size_t d = 0; d < done->n; d++)
    if (done->v[d] == k) return 1;
  if (done->n < 32) done->v[done->n++] = k;
  return 0;
}

/* A glob opening or closing with `#` needs a digit there: most blocks are
 * turned away before any search. */
static inline int ends_fit(unsigned ends, const char *t, size_t n) {
  if (!ends || !n) return 1;
  if ((ends & 1) && (unsigned)(t[0] - '0') > 9) return 0;
  if ((ends & 2) && (unsigned)(t[n - 1] - '0') > 9) return 0;
  return 1;
}

static inline int ends_ok(const rule *u, const char *t, size_t n) {
  return ends_fit(u->ends, t, n);
}

/* The rule's whole anchor at t+at: check it and the rule. */
static void try_at(const pith_rules *r, int32_t k, const char *t, size_t n,
                   size_t at, done_set *done, const rule **best) {
  const rule *u = &r->v[k];
  if (u->alen > n - at || memcmp(t + at, u->pat + u->aoff, u->alen) != 0) return;
  if (u->kind == K_GLOB && seen_glob(done, k)) return;
  /* the stars of "*LITERAL*" take what is around the anchor found at t+at
   * (glob_match's star would reach it: its literal's first byte starts a
   * character) */
  if (u->starlit || verify(u, t, n, at)) consider(r, best, (size_t)k);
}

/* Rules of one pair chain whose key bytes occur at t+i. */
static void walk_contains(const pith_rules *r, int32_t k, const char *t,
                          size_t n, size_t chars, size_t i, done_set *done,
                          const rule **best) {
  const uint64_t y = load_le64(t + i); /* t is zero-padded past n */
  for (; k >= 0; k = r->v[k].next) {
    const rule *u = &r->v[k];
    if ((y & u->kmask) != u->kword || u->maxlen < chars || i < u->koff) continue;
    try_at(r, k, t, n, i - u->koff, done, best);
  }
}

/* Entries of one window chain (its groups from cg[g] on) whose 4 bytes
 * occur at t+i. */
static void walk_entries(const pith_rules *r, uint32_t g, const char *t,
                         size_t n, size_t chars, size_t i, done_set *done,
                         const rule **best) {
  const uint64_t y = load_le64(t + i); /* t is zero-padded past n */
  for (;; g++) {
    const cgroup *c = &r->cg[g];
    /* the group's kmask: its first kbytes bytes (as load_le64 gives them) */
    if ((y & ~0ull >> (64 - 8 * c->kbytes)) == c->kword && i >= c->koff)
      for (int32_t e = c->first, end = r->ce[e].skip; e != end; e = r->ce[e].next) {
        const cent *d = &r->ce[e];
        size_t at = i - d->koff;
        /* the anchor fits (t is readable to t+n+16) and its bytes at soff
         * match before the full comparison */
        if (d->maxlen >= chars && d->alen <= n - at &&
            (load_le64(t + at + d->soff) & d->smask) == d->sword)
          try_at(r, d->rule, t, n, at, done, best);
      }
    if (c->last) return;
  }
}

/* The window at t+w, whose hash bit is set: if it is a key and the byte
 * after it may follow it in an anchor, the entries of its chain. */
static inline void window_at(const pith_rules *r, const char *t, size_t n,
                             size_t chars, size_t w, done_set *done,
                             const rule **best) {
  if (w + 4 > n) return;
  uint32_t key;
  memcpy(&key, t + w, 4);
  /* t is preceded by 8 zero bytes */
  uint32_t need = around_bits(load_le64(t + w - 2));
  if ((r->near[quad_hash(key) >> NEAR_SHIFT] & need) != need) return;
  const c5slot *s = c5_find(r, key);
  if (s && (s->next & need) == need)
    walk_entries(r, s->group, t, n, chars, w, done, best);
}

#if RULES_SSE2
/* The windows of a 16-byte step at t+p whose bit is set in q (bit j:
 * the window at p + 4j). */
static void windows_at(const pith_rules *r, unsigned q, const char *t, size_t n,
                       size_t chars, size_t p, done_set *done, const rule **best) {
  for (; q; q &= q - 1)
    window_at(r, t, n, chars, p + 4 * (unsigned)__builtin_ctz(q), done, best);
}
#endif

/* 1 when some window key may hash to h in bitmap qb (qbits or qlong). */
static inline unsigned qbit(const uint64_t *qb, unsigned h) {
  return (unsigned)(qb[h >> 7] >> (h & 63)) & 1;
}

/* Rules of the con1 chain of the byte at t+i. */
static void walk_rare(const pith_rules *r, const char *t, size_t n, size_t chars,
                      size_t i, done_set *done, const rule **best) {
  const uint64_t y = load_le64(t + i); /* t is zero-padded past n */
  for (int32_t k = r->con1[(unsigned char)t[i]]; k >= 0; k = r->v[k].next) {
    const rule *u = &r->v[k];
    /* kword: the anchor's bytes from the rare one on (none for 1-byte
     * anchors: mask 0) */
    if ((y & u->kmask) == u->kword && u->maxlen >= chars && i >= u->koff &&
        ends_ok(u, t, n))
      try_at(r, k, t, n, i - u->koff, done, best);
  }
}

/* Short anchors through their rare byte: one pass over the block, eight
 * bytes tested per step (t is zero-padded, and byte 0 heads no chain). */
static void match_rare_bytes(const pith_rules *r, const char *t, size_t n,
                             size_t chars, done_set *done, const rule **best) {
#if RULES_SSE2
  if (r->nrare - 1u < 4) {
    /* up to four rare bytes: 16 bytes compared at a time (t is padded
     * with 16 zero bytes; a rare byte is never 0). The list is filled
     * with its first byte. */
    const __m128i *q = (const __m128i *)(const void *)r->rarev;
    __m128i c0 = _mm_load_si128(q), c1 = _mm_load_si128(q + 1),
            c2 = _mm_load_si128(q + 2), c3 = _mm_load_si128(q + 3);
    for (size_t i = 0; i < n; i += 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
      __m128i e = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c0), _mm_cmpeq_epi8(v, c1)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, c3)));
      unsigned m = (unsigned)_mm_movemask_epi8(e);
      /* no bit past n: the padding's zero bytes are no rare byte */
      for (; m; m &= m - 1)
        walk_rare(r, t, n, chars, i + (unsigned)__builtin_ctz(m), done, best);
    }
    return;
  }
#endif
  const uint8_t *set = r->con1set;
  const unsigned char *u = (const unsigned char *)t;
  for (size_t i = 0; i < n; i += 8) {
    if (!(set[u[i]] | set[u[i + 1]] | set[u[i + 2]] | set[u[i + 3]] |
          set[u[i + 4]] | set[u[i + 5]] | set[u[i + 6]] | set[u[i + 7]]))
      continue;
    for (size_t j = i; j < i + 8 && j < n; j++)
      if (set[u[j]]) walk_rare(r, t, n, chars, j, done, best);
  }
}

#if RULES_SSE2
/* Bit j set when the window at byte 4j of the 16 folded bytes v may be a
 * window key (its hash bit is set in qb): four windows per 16 bytes,
 * hashed two at a time by pmuludq (bits 16..31 of each product are
 * quad_hash), tested without a branch per window. */
static inline unsigned step_windows(const uint64_t *qb, __m128i v) {
  const __m128i mul = _mm_set1_epi32((int)0x9E3779B1u);
  __m128i e = _mm_mul_epu32(v, mul), o = _mm_mul_epu32(_mm_srli_epi64(v, 32), mul);
  unsigned h0 = (unsigned)_mm_extract_epi16(e, 1), h2 = (unsigned)_mm_extract_epi16(e, 5);
  unsigned h1 = (unsigned)_mm_extract_epi16(o, 1), h3 = (unsigned)_mm_extract_epi16(o, 5);
  return qbit(qb, h0) | qbit(qb, h1) << 1 | qbit(qb, h2) << 2 | qbit(qb, h3) << 3;
}

/* Bit j set when byte j of v is one of the rare bytes (nrare 1..4; the
 * list is filled with its first byte). */
static inline unsigned step_rare(const pith_rules *r, __m128i v) {
  const __m128i *rq = (const __m128i *)(const void *)r->rarev;
  __m128i c = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_load_si128(rq)), _mm_cmpeq_epi8(v, _mm_load_si128(rq + 1))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_load_si128(rq + 2)), _mm_cmpeq_epi8(v, _mm_load_si128(rq + 3))));
  return (unsigned)_mm_movemask_epi8(c);
}

/* Longest block folded by fold_scan (its steps fit scan_hits). */
#define SCAN_FOLD_MAX 512u

/* The 16-byte steps of a block with a window or rare-byte hit, in block
 * order: v[i] holds a step's rare-byte bits (bits 0..15), window bits
 * (16..19) and offset (20..28). */
typedef struct scan_hits {
  uint32_t v[SCAN_FOLD_MAX / 16];
  size_t n;
} scan_hits;
_Static_assert(SCAN_FOLD_MAX <= 512u, "a step's offset fits 9 bits");

/* The windows (and rare bytes when `fused`) of the 16-byte step at p of
 * the folded block, in v, listed in sh at k; returns k + 1 when any hit
 * (no branch per step). */
static inline size_t list_step(const pith_rules *r, const uint64_t *qb, int fused,
                               __m128i v, size_t p, scan_hits *sh, size_t k) {
  unsigned q = step_windows(qb, v), m = fused ? step_rare(r, v) : 0;
  sh->v[k] = m | q << 16 | (uint32_t)p << 20;
  return k + ((q | m) != 0);
}

static inline int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* 1 when the non-ASCII bytes of the 16 at s + p (bit j of hi: s[p + j])
 * all belong to characters U+2000..U+203F (E2 80 xx: dashes, curly
 * quotes, ellipsis), which folding leaves as they are (see caseless3), in
 * the block's n bytes at s. English text holds them among plain ASCII. */
static int punct_only(const char *s, size_t n, size_t p, unsigned hi) {
  const unsigned char *u = (const unsigned char *)s;
  for (; hi; hi &= hi - 1) {
    size_t i = p + (unsigned)__builtin_ctz(hi);
    unsigned c = u[i];
    /* the lead, the second byte or the last of an E2 80 xx */
    if (!((c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 && is_cont(u[i + 2])) ||
          (c == 0x80 && i >= 1 && u[i - 1] == 0xE2 && i + 1 < n && is_cont(u[i + 1])) ||
          (is_cont((unsigned char)c) && i >= 2 && u[i - 2] == 0xE2 && u[i - 1] == 0x80)))
      return 0;
  }
  return 1;
}

/* fold_to and the scan of match_contains in one pass over a block of
 * 33..SCAN_FOLD_MAX bytes of plain ASCII and general punctuation (most
 * long blocks; punct_only): each 16-byte chunk is lowered (the
 * punctuation folds to itself), tested while it is in a register and
 * stored, instead of stored and loaded back by a second loop. The steps
 * with a hit are listed in *sh (a branch per step mispredicted as often
 * as hits are random) and walked by match_contains once the whole block
 * is folded (a hit reads bytes past its step). The windows past n are
 * hashed from the zero padding, as the scan does. Returns 0 at another
 * non-ASCII byte (fold_to then folds the block). */
static int fold_scan(const pith_rules *r, char *d, const char *s, size_t n,
                     const uint64_t *qb, int fused, scan_hits *sh) {
  const __m128i bit = _mm_set1_epi8(0x20);
  size_t p = 0, k = 0;
  for (; p + 16 <= n; p += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
    unsigned hi = (unsigned)_mm_movemask_epi8(v);
    if (hi && !punct_only(s, n, p, hi)) return 0;
    v = lower16(v, bit);
    _mm_storeu_si128((__m128i *)(void *)(d + p), v);
    k = list_step(r, qb, fused, v, p, sh, k);
  }
  if (p < n) { /* the last 16 bytes, overlapping the chunks before */
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
    unsigned hi = (unsigned)_mm_movemask_epi8(v);
    if (hi && !punct_only(s, n, n - 16, hi)) return 0;
    _mm_storeu_si128((__m128i *)(void *)(d + n - 16), lower16(v, bit));
  }
  _mm_storeu_si128((__m128i *)(void *)(d + n), _mm_setzero_si128());
  d[n + 16] = 0;
  if (p < n) /* the last step, with the padding's zero bytes past n */
    k = list_step(r, qb, fused, _mm_loadu_si128((const __m128i *)(const void *)(d + p)), p, sh, k);
  sh->n = k;
  return 1;
}

/* Blocks that fold_scan may take: of 33 bytes or more, whose windows
 * match_contains scans, and mostly ASCII (a three-byte character adds 2
 * to len - chars; Cyrillic or CJK text, which fold_scan turns away at its
 * first chunk, at least one a character). */
static inline int fold_scan_fits(const pith_rules *r, size_t len, size_t chars) {
  return len > 32 && len <= SCAN_FOLD_MAX && (len - chars) * 8 <= len &&
         chars <= r->con5cap && chars <= r->maxcap[A_CONTAINS];
}
#endif

/* Contains-anchors: long ones through one 4-byte window every CON_STRIDE
 * bytes of the block (`t` is zero-padded to t+n+8), short ones through a
 * rare byte, memmem, or byte pairs. `sh`: the steps fold_scan listed, or
 * NULL to scan here. */
static void match_contains(const pith_rules *r, const char *t, size_t n,
                           size_t chars, const void *sh, const rule **best) {
  done_set done;
  done.n = 0;
  size_t wend = chars <= r->con5cap && n >= CON_STRIDE + 3 ? n : 0;
  const uint64_t *qb = chars > DEFAULT_CAP ? r->qlong : r->qbits;
#if RULES_SSE2
  /* four windows per 16-byte load (t is zero-padded to t+n+16) */
  int fused = chars <= r->fusecap && n >= CON_STRIDE + 3;
  if (sh) {
    const scan_hits *h = sh;
    for (size_t i = 0; i < h->n; i++) {
      unsigned q = h->v[i] >> 16 & 15, m = h->v[i] & 0xFFFF;
      size_t p = h->v[i] >> 20;
      if (q) windows_at(r, q, t, n, chars, p, &done, best);
      for (; m; m &= m - 1)
        walk_rare(r, t, n, chars, p + (unsigned)__builtin_ctz(m), &done, best);
    }
    wend = 0;
  } else if (fused) {
    /* the rare-byte pass (match_rare_bytes) in the same 16-byte steps */
    for (size_t p = 0; p < n; p += 4 * CON_STRIDE) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + p));
      unsigned q = step_windows(qb, v), m = step_rare(r, v);
      if (!(q | m)) continue;
      if (q) windows_at(r, q, t, n, chars, p, &done, best);
      /* no bit past n: the padding's zero bytes are no rare byte */
      for (; m; m &= m - 1)
        walk_rare(r, t, n, chars, p + (unsigned)__builtin_ctz(m), &done, best);
    }
    wend = 0;
  }
  for (size_t p = 0; p + 4 <= wend; p += 4 * CON_STRIDE) {
    unsigned q = step_windows(qb, _mm_loadu_si128((const __m128i *)(const void *)(t + p)));
    if (q) windows_at(r, q, t, n, chars, p, &done, best);
  }
#else
  (void)sh;
  for (size_t p = 0; p + 4 <= wend; p += 2 * CON_STRIDE) {
    uint32_t w0, w1;
    memcpy(&w0, t + p, 4);
    memcpy(&w1, t + p + 4, 4);
    unsigned h0 = quad_hash(w0), h1 = quad_hash(w1);
    if (qbit(qb, h0)) window_at(r, t, n, chars, p, &done, best);
    if (qbit(qb, h1)) window_at(r, t, n, chars, p + 4, &done, best);
  }
#endif
  for (size_t i = 0; r->ncon2 && chars <= r->con2cap && i + 1 < n; i++) {
    unsigned key = (unsigned)(unsigned char)t[i] << 8 | (unsigned char)t[i + 1];
    if (!(r->pairs[key >> 3] & (1u << (key & 7)))) continue;
    walk_contains(r, r->con[bucket_of(key >> 8, key & 0xFF)], t, n, chars, i,
                  &done, best);
  }
  int32_t k0 = chars <= r->cmemcap && ends_fit(r->cmemends, t, n) ? r->cmem : -1;
  for (int32_t k = k0; k >= 0 && r->v[k].maxlen >= chars; k = r->v[k].next) {
    const rule *u = &r->v[k];
    if (!ends_ok(u, t, n)) continue;
    const char *anchor = u->pat + u->aoff;
    for (const char *q = t; (q = memmem(q, (size_t)(t + n - q), anchor, u->alen)); q++) {
      if (verify(u, t, n, (size_t)(q - t))) {
        consider(r, best, (size_t)k);
        break;
      }
      if (u->kind == K_GLOB) break;
    }
  }
#if RULES_SSE2
  if (fused) return;
#endif
  if (chars <= r->con1cap) match_rare_bytes(r, t, n, chars, &done, best);
}

/* The value a capture rule yields: text after a matched prefix (without
 * separators such as ':' or '-'), else the whole block. `flen` is the
 * length of the prefix in folded bytes. */
static void capture_value(const rule *u, const char *text, size_t len,
                          pith_rule_hit *hit) {
  hit->value = text;
  hit->value_len = len;
  if (u->kind != K_PREFIX) return;
  size_t i = 0, f = 0;
  char tmp[16];
  while (i < len && f < u->plen) {
    int32_t cp;
    size_t k = pith_u8_next(text + i, len - i, &cp);
    f += cp >= 0x80 ? pith_fold_cp(cp, tmp) : k;
    i += k;
  }
  for (;;) {
    if (i < len && text[i] && strchr(" \t:-|,", text[i])) i++;
    else if (len - i >= 3 && (memcmp(text + i, "\xE2\x80\x93", 3) == 0 ||
                              memcmp(text + i, "\xE2\x80\x94", 3) == 0)) i += 3;
    else break;
  }
  hit->value = text + i;
  hit->value_len = len - i;
}

/* The rules of a chain without anchors (longest cap first). */
static void walk_none(const pith_rules *r, int32_t k, const char *t, size_t n,
                      size_t chars, const rule **best) {
  for (; k >= 0 && r->v[k].maxlen >= chars; k = r->v[k].next) {
    const rule *u = &r->v[k];
    if (ends_ok(u, t, n) && verify(u, t, n, 0)) consider(r, best, (size_t)k);
  }
}

int pith_rules_match(const pith_rules *r, const char *text, size_t len,
                     size_t chars, struct pith_buf *scratch,
                     pith_rule_hit *hit) {
  if (!r || !r->n || r->hotn != r->n || !text || !len) return 0;
  /* Nothing can match a block longer than every rule's reach; casefolding
   * never shortens text in code points, so `chars` bounds exact rules too. */
  if (chars > r->reach) return 0;
  /* The folded block goes after 8 zero bytes (a suffix load of a short
   * block reads them) into a stack buffer, or the scratch buffer when the
   * bound on its folded length does not fit there. */
  _Alignas(8) char stack[FOLD_STACK];
  char *base = stack;
  if (len > (FOLD_STACK - 32) / 8) {
    if (len > (SIZE_MAX - 64) / 8 || scratch->failed) return 0;
    size_t need = len * 8 + 32;
    pith_buf_clear(scratch);
    if (scratch->cap < need && pith_buf_reserve(scratch, need) < 0) return 0;
    base = scratch->data;
  }
  memset(base, 0, 8);
  const char *t = base + 8;
  ends8 e;
  size_t n = len;
  const void *sh = NULL;
#if RULES_SSE2
  scan_hits hits;
#endif
  if (!(len <= 16 ? fold_short(base + 8, text, len, &e)
                  : len <= 32 && fold_mid(base + 8, text, len, &e))) {
#if RULES_SSE2
    if (fold_scan_fits(r, len, chars) &&
        fold_scan(r, base + 8, text, len, chars > DEFAULT_CAP ? r->qlong : r->qbits,
                  chars <= r->fusecap, &hits))
      sh = &hits;
    else
#endif
      n = fold_to(base + 8, text, len, 0);
    e.head = load_le64(t);
    e.tail = load_le64(t + n - 8);
  }
  const rule *best = NULL;
  /* the prefix table's entry of the block's first three bytes: the key
   * lengths to probe, and bit 0 for exact patterns opening with them */
  unsigned l3 = r->pre.lens3 ? r->pre.lens3[lens3_of(e.head, PRE3_BITS)] : 0;
  if (chars <= r->exact_chars && (l3 & 1)) match_exact(r, t, n, chars, &best);
  if (chars <= r->maxcap[A_PREFIX]) match_prefix(r, t, n, chars, l3, e.head, &best);
  if (chars <= r->maxcap[A_SUFFIX]) match_suffix(r, t, n, chars, e.tail, &best);
  if (chars <= r->maxcap[A_CONTAINS]) match_contains(r, t, n, chars, sh, &best);
  if (chars <= r->maxcap[A_NONE]) {
    if (r->none >= 0) walk_none(r, r->none, t, n, chars, &best);
    /* globs opening with `#` need a digit first: most blocks skip them */
    if (t[0] >= '0' && t[0] <= '9') {
      /* nothing before `#` can backtrack: the byte after the block's
       * leading digit run must be the glob's next literal (t[n] is 0) */
      unsigned char next = (unsigned char)t[digit_run(t, 0, n)];
      if (r->noned >= 0) walk_none(r, r->noned, t, n, chars, &best);
      if (r->nonedafter[next] >= 0)
        walk_none(r, r->nonedafter[next], t, n, chars, &best);
    }
  }
  if (!best) return 0;
  hit->action = best->action;
  hit->field = best->action == PITH_ACT_CAPTURE ? best->field : -1;
  hit->where = best->where;
  capture_value(best, text, len, hit);
  return 1;
}
