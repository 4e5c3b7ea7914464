/* The shared classifier. Pass order (PRIOR-ART, FINDINGS):
 *   rules -> context-free class (jusText) -> sentence rescue -> neargood runs
 *   -> context smoothing (jusText) -> tail cut -> article core -> repetition
 *   -> title/metadata.
 * Every decision leaves a reason in block->why for --explain. */
#include "classify.h"

#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "options.h"
#include "swar.h"

/* jusText's defaults; FINDINGS: ±20% moves F1 by < 0.003. */
#define LENGTH_LOW PITH_LENGTH_LOW
#define LENGTH_HIGH 200
#define STOPWORDS_LOW PITH_STOPWORDS_LOW
#define STOPWORDS_HIGH PITH_STOPWORDS_HIGH
#define MAX_LINK_DENSITY 0.2
#define MAX_HEADING_DISTANCE 200
/* Tail markers cut only once this many content words were seen
 * (boilerpipe's IgnoreBlocksAfterContentFilter). */
#define TAIL_MIN_WORDS 60
/* Article core: good blocks at most this many blocks apart form a group;
 * groups under this share of the largest group are dropped. */
#define CORE_GAP 2
#define CORE_MIN_SHARE 0.25
/* Groups further than this many blocks from the article region join it
 * only when nearly as large as the main group. */
#define CORE_REGION_GAP ((size_t)10)
#define CORE_FAR_SHARE 0.8
/* The first content group this close below the repeated headline, and
 * this large, is the article (a longer comment thread may follow). */
#define ANCHOR_MAX_DISTANCE ((size_t)20)
#define ANCHOR_MIN_CHARS ((size_t)200)
/* Neargood runs this long in total are promoted (news paragraphs are often
 * shorter than LENGTH_HIGH). */
#define NEARGOOD_RUN_CHARS 300
/* Longest run of low-scoring lines taken in between article content. */
#define GAP_MAX_BLOCKS 3
/* When nothing else is kept, lines of this many words still count. */
#define SHORT_DOC_MIN_WORDS 3
/* With this much content after the repeated headline, what comes before
 * it is page furniture. */
#define TITLE_ANCHOR_MIN_CHARS 400

static double stop_density(const pith_block *b) {
  return b->words ? (double)b->stops / b->words : 0.0;
}

static double link_density(const pith_block *b) {
  return b->chars ? (double)b->link_chars / b->chars : 0.0;
}

/* Heading shape for text lines: short, no sentence end, starts with a
 * capital, digit or quote. */
/* Bytes below 64 as a bit set (one shift and mask per test). */
#define BIT64(c) (1ull << (c))
/* What a heading does not end with: . , ; : */
#define HEADING_NOT_LAST (BIT64('.') | BIT64(',') | BIT64(';') | BIT64(':'))
/* What bare numbers and times are made of: digits and " ,.:" */
#define NUMERIC_BYTES \
  (((BIT64('9') << 1) - BIT64('0')) | BIT64(' ') | BIT64(',') | BIT64('.') | BIT64(':'))

static inline int in_set64(unsigned char c, uint64_t set) {
  return c < 64 && (set >> c & 1);
}

static int heading_shaped(const pith_block *b) {
  if (b->heading) return 1;
  if ((b->words - 1u > 11u) | (b->chars > 100)) return 0; /* 1..12 words */
  const unsigned char *t = (const unsigned char *)b->text;
  if (in_set64(t[b->len - 1], HEADING_NOT_LAST)) return 0;
  if ((unsigned)(t[0] - 'a') < 26u) return 0;
  /* not a bare number or time ("2,500", "10:30") */
  for (size_t i = 0; i < b->len; i++)
    if (!in_set64(t[i], NUMERIC_BYTES)) return 1;
  return 0;
}

/* Menus flattened to one line: "Home | News | Sport | Weather". */
static int navigation_line(const pith_block *b) {
  return b->seps >= 2 && b->words <= 3u * (b->seps + 1u);
}

/* A line of many words in capitals inside mixed-case text is a teaser
 * link or a label ("'DANCING WITH THE STARS' STAR OPENS UP ABOUT ..."),
 * not prose: prose is never set in capitals for eight words running.
 * Latin capitals only, and most of the line: other scripts have no case
 * and keep their "SBS" or "NASA". */
#define CAPS_MIN_WORDS 8
#define CAPS_MAX_CHARS 200

/* Bytes of x in [lo, hi] (both ASCII): 0x80 flags, as pith_swar_eq. */
static inline uint64_t swar_range(uint64_t x, unsigned char lo, unsigned char hi) {
  uint64_t a = x & ~PITH_SWAR_HIGH; /* 7 bits: the sums below cannot carry */
  uint64_t ge = a + PITH_SWAR_ONES * (unsigned char)(0x80 - lo);
  uint64_t gt = a + PITH_SWAR_ONES * (unsigned char)(0x80 - hi - 1);
  return ge & ~gt & ~x & PITH_SWAR_HIGH;
}

/* Capitals, lower case and spaces counted 8 bytes at a time. The result
 * is the final counts' test; a prefix whose lower case (x 20) or other
 * bytes (x 2) already exceed the length can only end in "no", so prose
 * and caseless scripts stop after a word or a few. */
static int caps_teaser(const pith_block *b) {
  size_t len = b->len;
  if (b->chars > CAPS_MAX_CHARS || len < CAPS_MIN_WORDS * 2) return 0;
  size_t upper = 0, lower = 0, spaces = 0, i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t x = pith_swar_load(b->text + i);
    /* lower case first: prose stops here */
    lower += pith_swar_count(swar_range(x, 'a', 'z'));
    if (lower * 20 > len) return 0;
    upper += pith_swar_count(swar_range(x, 'A', 'Z'));
    if ((i + 8 - upper) * 2 > len) return 0;
    spaces += pith_swar_count(pith_swar_eq(x, ' '));
  }
  if (i < len) { /* the last bytes; the zeros after them count as nothing */
    uint64_t x = 0;
    memcpy(&x, b->text + i, len - i);
    upper += pith_swar_count(swar_range(x, 'A', 'Z'));
    lower += pith_swar_count(swar_range(x, 'a', 'z'));
    spaces += pith_swar_count(pith_swar_eq(x, ' '));
  }
  return spaces + 1 >= CAPS_MIN_WORDS && upper >= 20 * lower && upper * 2 >= len;
}

/* The hit that decides a block when several rule sets match it (KEEP,
 * then CUT, then the first set's); 0 when none does. One set (the
 * built-in rules without user filters) is the common case: `one`, when
 * set, is that set, and its hit is the answer, with no merging. */
static int match_rules(const pith_classify_ctx *ctx, const pith_rules *one,
                       const pith_block *b, pith_buf *scratch, pith_rule_hit *best) {
  if (one)
    return pith_rules_match(one, b->text, b->len, b->chars, scratch, best) &&
           best->action != PITH_ACT_NONE;
  *best = (pith_rule_hit){0, -1, NULL, NULL, 0};
  for (size_t r = 0; r < ctx->nrules; r++) {
    pith_rule_hit h;
    if (!pith_rules_match(ctx->rules[r], b->text, b->len, b->chars, scratch, &h))
      continue;
    if (best->action == PITH_ACT_NONE || h.action == PITH_ACT_KEEP ||
        (h.action == PITH_ACT_CUT && best->action != PITH_ACT_KEEP))
      *best = h;
  }
  return best->action != PITH_ACT_NONE;
}

/* Lines repeat within a page ("Share", "Advertisement", menu items: a
 * fifth of the lines of the benchmark dumps repeat an earlier line of
 * their page), and the capitals test and the rules are functions of the
 * text alone: a repeat takes the outcome of its first occurrence instead
 * of being matched again. Lines are hashed by their length and their
 * first and last 8 bytes (the whole line up to 16 bytes) into a
 * direct-mapped table of at least as many slots as blocks, each holding
 * 16 more bits of the hash and a block index + 1 (0: empty; so pages of
 * fewer than REPEAT_MAX_BLOCKS blocks). A line whose slot holds another
 * line takes it over (the other's later repeats are matched again: no
 * probing, no branch on it); lines whose hashes agree are compared. */
#define REPEAT_MAX_BLOCKS 65535u

/* A line's first and last 8 bytes (the same bytes below 8, zero past the
 * line's end). Block text is readable 8 bytes from its start however short
 * it is (front ends pad their text; the arena rounds allocations up to
 * max_align_t): no branch on the length. */
typedef struct line_ends {
  uint64_t head, tail;
} line_ends;

_Static_assert(_Alignof(max_align_t) >= 8, "short block texts have 8 readable bytes");

static inline line_ends ends_of(const char *t, size_t len) {
  size_t k = len < 8 ? len : 8;
  uint64_t keep = pith_swar_keep(k);
  line_ends e = {pith_swar_load(t) & keep, pith_swar_load(t + len - k) & keep};
  return e;
}

/* The earlier block whose text equals block i's, or SIZE_MAX after
 * entering block i. `mask`: the slot count - 1 (a power of two); `e`:
 * block i's ends. */
static size_t repeat_of(uint32_t *slot, size_t mask, const pith_block *blocks,
                        size_t i, line_ends e) {
  const pith_block *b = &blocks[i];
  size_t len = b->len;
  uint64_t h = (e.head * 0x9E3779B97F4A7C15ull) ^ (e.tail + len);
  h *= 0xC2B2AE3D27D4EB4Full;
  uint32_t tag = (uint32_t)(h >> 48) << 16, *s = &slot[(h >> 20) & mask];
  uint32_t v = *s;
  if ((v & 0xFFFF0000u) == tag && v) {
    const pith_block *p = &blocks[(v & 0xFFFF) - 1];
    if (p->len == len && p->chars == b->chars) {
      line_ends pe = ends_of(p->text, len);
      if (pe.head == e.head && pe.tail == e.tail &&
          (len <= 16 || memcmp(p->text + 8, b->text + 8, len - 16) == 0))
        return (v & 0xFFFF) - 1;
    }
  }
  *s = tag | (uint32_t)(i + 1);
  return SIZE_MAX;
}

/* Rule actions and captures; returns the first pending capture (d->n:
 * none). Leaves each block's first byte | 0x20 in its memo. */
static size_t apply_rules(pith_doc *d, const pith_classify_ctx *ctx) {
  pith_buf scratch = PITH_BUF_INIT;
  /* the calls below add no blocks: the array and its length are read once */
  pith_block *const blocks = d->blocks;
  const size_t n = d->n;
  /* read once too: the calls cannot be seen not to change *ctx */
  const pith_rules *const one = ctx->nrules == 1 ? ctx->rules[0] : NULL;
  size_t first_pending = n;
  /* the repeat table, on the stack for most pages (without one, every
   * line is matched) */
  uint32_t local[2048], *slot = NULL;
  size_t cap = 64;
  while (cap < n) cap *= 2;
  if (n < REPEAT_MAX_BLOCKS) {
    slot = cap <= sizeof local / sizeof *local ? local : malloc(cap * sizeof *slot);
    if (slot) memset(slot, 0, cap * sizeof *slot);
  }
  for (size_t i = 0; i < n; i++) {
    pith_block *b = &blocks[i];
    line_ends e = ends_of(b->text, b->len);
    /* the first byte for the title search (pith_meta_text) */
    b->memo = (uint8_t)(e.head | 0x20);
    if (b->action != PITH_ACT_NONE) continue; /* front end decided */
    if (slot) {
      size_t j = repeat_of(slot, cap - 1, blocks, i, e);
      /* the first occurrence's outcome (captures are matched again: their
       * values are taken from each line) */
      if (j != SIZE_MAX && blocks[j].action != PITH_ACT_CAPTURE) {
        if (blocks[j].action != PITH_ACT_NONE) {
          b->action = blocks[j].action;
          b->why = blocks[j].why;
        }
        continue;
      }
    }
    if (caps_teaser(b)) {
      b->action = PITH_ACT_ASIDE;
      b->why = "capitals";
      continue;
    }
    pith_rule_hit best;
    if (!match_rules(ctx, one, b, &scratch, &best)) continue;
    b->action = (uint8_t)best.action;
    b->why = best.where;
    if (best.action == PITH_ACT_CAPTURE && best.field >= 0) {
      b->field = (uint8_t)best.field;
      const char *v = best.value ? best.value : b->text;
      size_t vl = best.value ? best.value_len : b->len;
      while (vl > 0 && (*v == ' ' || *v == ':')) v++, vl--;
      if (vl == 0) { /* "Origin:" - the value is on the next line */
        b->pending = 1;
        if (first_pending > i) first_pending = i;
      } else {
        pith_meta_capture(d, (pith_field)best.field, b->text, b->len, v, vl,
                          ctx->reference_date);
      }
    }
  }
  if (slot != local) free(slot);
  pith_buf_free(&scratch);
  return first_pending;
}

/* `html`: the document is HTML; `stop`: it has a stop-word list. */
static uint8_t context_free(int html, int stop, const pith_block *b,
                            double lo, double hi, const char **why) {
  if (b->action == PITH_ACT_KEEP) return *why = "rule:keep", PITH_CLS_GOOD;
  if (b->action != PITH_ACT_NONE) return PITH_CLS_BAD;
  if (html && link_density(b) > MAX_LINK_DENSITY)
    return *why = "link density", PITH_CLS_BAD;
  if (navigation_line(b)) return *why = "navigation separators", PITH_CLS_BAD;
  if (b->chars < LENGTH_LOW) {
    if (b->link_chars > 0) return *why = "short link", PITH_CLS_BAD;
    /* A short sentence ("It also raised concerns about X.") closes many
     * articles; jusText would lose it between good text and boilerplate.
     * (The stop-word density, a division, only for the few candidates.) */
    if (b->terminal && b->words >= 6 && stop && stop_density(b) >= lo)
      return *why = "short sentence", PITH_CLS_NEARGOOD;
    return *why = "short", PITH_CLS_SHORT;
  }
  double sd = stop_density(b);
  if (sd >= hi) {
    if (b->chars > LENGTH_HIGH) return *why = "long, stop words", PITH_CLS_GOOD;
    return *why = "medium, stop words", PITH_CLS_NEARGOOD;
  }
  if (sd >= lo) return *why = "stop words", PITH_CLS_NEARGOOD;
  /* Long sentences with some function words are prose, not menus. */
  if (b->words >= 12 && b->terminal && sd >= lo * 0.66)
    return *why = "long sentence", PITH_CLS_NEARGOOD;
  return *why = "few stop words", PITH_CLS_BAD;
}

/* block->memo bits: tests made once per block, after the context-free
 * class (their inputs do not change after it). (The heading candidates,
 * heading-shaped lines with no rule action that are not inside a run of
 * short heading-shaped lines, are listed instead: see smooth.) */
enum {
  MEMO_SHAPE = 1 /* heading_shaped(); only set when cf != BAD */
};

/* Neighbour searches (jusText): the nearest block before/after one whose
 * class is good or bad, skipping short and (NB_PLAIN) neargood blocks.
 * Edges count as bad. A tail marker is
 * an edge that says nothing (PITH_CLS_SHORT): the article ended there, so
 * a short last paragraph takes its class from the text before it. Asides
 * ("Advertisement", "Related: ...") are neutral edges too: they interrupt
 * articles. (Looking through every rule-dropped line instead costs 2
 * points of precision on the benchmark: menus are full of them.)
 * NB_ASIDES looks past asides and short lines: between two neutral edges a
 * short line that is not a headline (teaser lists are headlines) belongs
 * to the article when prose is the next thing past them.
 *
 * The three searches run together: a search state holds one byte per
 * mode (NB_PLAIN in the low byte, then NB_NEAR, NB_ASIDES), and a block
 * where a search stops replaces that byte. What each (action, class)
 * does to the state is in two tables: the bytes it keeps, the bytes it
 * sets. Edges are bad: a state of 0 (PITH_CLS_BAD in every byte). */
enum { NB_PLAIN, NB_NEAR, NB_ASIDES };

#define NB_CUTASIDE(a) ((a) == PITH_ACT_CUT || (a) == PITH_ACT_ASIDE)
/* The class a search in each mode stops with at a block, 0xFF: it goes on. */
#define NB_V0(a, c)                                                        \
  (NB_CUTASIDE(a) ? PITH_CLS_SHORT                                         \
   : (c) == PITH_CLS_GOOD || (c) == PITH_CLS_BAD ? (c) : 0xFF)
#define NB_V1(a, c)                                                        \
  (NB_CUTASIDE(a) ? PITH_CLS_SHORT : (c) != PITH_CLS_SHORT ? (c) : 0xFF)
#define NB_V2(a, c)                                                        \
  ((a) == PITH_ACT_ASIDE || (c) == PITH_CLS_SHORT ? 0xFF                   \
   : (a) == PITH_ACT_CUT ? PITH_CLS_BAD : (c))
#define NB_K1(v, sh) ((v) == 0xFF ? 0xFFu << (sh) : 0u)
#define NB_S1(v, sh) ((v) == 0xFF ? 0u : (uint32_t)(v) << (sh))
#define NB_KEEP(a, c) \
  (NB_K1(NB_V0(a, c), 0) | NB_K1(NB_V1(a, c), 8) | NB_K1(NB_V2(a, c), 16))
#define NB_SET(a, c) \
  (NB_S1(NB_V0(a, c), 0) | NB_S1(NB_V1(a, c), 8) | NB_S1(NB_V2(a, c), 16))
#define NB_A(X, a) X(a, 0), X(a, 1), X(a, 2), X(a, 3)
#define NB_TABLE(X) \
  {NB_A(X, 0), NB_A(X, 1), NB_A(X, 2), NB_A(X, 3), \
   NB_A(X, 4), NB_A(X, 5), NB_A(X, 6), NB_A(X, 7)}
static const uint32_t nb_keep[32] = NB_TABLE(NB_KEEP);
static const uint32_t nb_set[32] = NB_TABLE(NB_SET);

/* Table row of a block's action (nb_arow) and a class. */
static inline unsigned nb_arow(const pith_block *b) {
  return (unsigned)(b->action & 7) << 2;
}

/* (Classes are 0..3.) */
static inline unsigned nb_row(unsigned arow, unsigned cls) { return arow | cls; }

/* jusText's heading walk: is a good block reached within
 * MAX_HEADING_DISTANCE characters after i? */
static int good_follows(const pith_doc *d, size_t i) {
  size_t dist = 0;
  for (size_t j = i + 1; j < d->n && dist <= MAX_HEADING_DISTANCE; j++) {
    if (d->blocks[j].cls == PITH_CLS_GOOD) return 1;
    dist += d->blocks[j].chars;
  }
  return 0;
}

/* What the plain search (NB_PLAIN) stops with at a block once no block
 * is short: its class, or an edge that says nothing at a tail marker or
 * an aside. */
static inline unsigned plain_stop(const pith_block *b) {
  return b->action == PITH_ACT_CUT || b->action == PITH_ACT_ASIDE ? PITH_CLS_SHORT : b->cls;
}

/* Neargood blocks between bad ones (or edges) are bad, others good. After
 * the shorts are decided, the plain searches from a neargood block stop
 * at the blocks just before and after its run of neargood blocks (no
 * block is short, and the search passes over neargood ones only): a run
 * is decided at once, from those two, and no walk over every block keeps
 * the searches' states. `ng`: the neargood blocks in order, `nng`. */
static void neargood_runs(pith_block *bl, size_t n, const uint32_t *ng, size_t nng) {
  for (size_t k = 0; k < nng;) {
    size_t s = ng[k], e = s;
    while (k + 1 < nng && ng[k + 1] == e + 1) e++, k++;
    k++;
    unsigned p = s > 0 ? plain_stop(&bl[s - 1]) : PITH_CLS_BAD;
    unsigned q = e + 1 < n ? plain_stop(&bl[e + 1]) : PITH_CLS_BAD;
    if (p == PITH_CLS_SHORT) p = q;
    if (q == PITH_CLS_SHORT) q = p;
    int bad = p == PITH_CLS_BAD && q == PITH_CLS_BAD;
    for (size_t j = s; j <= e; j++) {
      bl[j].cls = bad ? PITH_CLS_BAD : PITH_CLS_GOOD;
      if (bad) bl[j].why = "neargood beside boilerplate";
    }
  }
}

/* The heading pre-pass over the heading candidates (`heads`, `nheads` of
 * them, in order: heading-shaped lines with no rule action that are not
 * inside a run of short heading-shaped lines), two walks: forward (every
 * block's state before it) and backward (shorts decided against the two
 * walks' states), the neargood blocks (neargood_runs), then the heading
 * post-pass over the candidates. Each step's searches see the classes as
 * they were before the step's own changes, as when every step had its
 * own passes over a snapshot. `before`: room for a state per block.
 * States use the low three bytes (classes, 2 bits each). */
static void smooth(pith_doc *d, uint32_t *before, const uint32_t *heads, size_t nheads) {
  size_t n = d->n;
  pith_block *bl = d->blocks;
  /* Heading pre-pass: the short candidates. It makes no block good,
   * which is all good_follows looks for: it runs before the walk, in any
   * order. */
  for (size_t k = 0; k < nheads; k++) {
    pith_block *b = &bl[heads[k]];
    if (b->cls == PITH_CLS_SHORT && good_follows(d, heads[k])) {
      b->cls = PITH_CLS_NEARGOOD;
      b->why = "heading before content";
    }
  }
  /* The searches' states before each block. (A block's fields are read
   * into locals: stores through the uint8_t fields may alias anything,
   * which would force reloads.) */
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) {
    const pith_block *b = &bl[i];
    unsigned r = nb_row(nb_arow(b), b->cls);
    before[i] = c;
    c = (c & nb_keep[r]) | nb_set[r];
  }
  /* Shorts, walking back; the neargood blocks are listed at the end of
   * before[] (its entries from i on are read: the list's k-th entry from
   * the end, block i's when it is neargood, lands at or after i). */
  uint32_t a = 0;
  size_t nng = 0;
  for (size_t i = n; i-- > 0;) {
    pith_block *b = &bl[i];
    unsigned old = b->cls, cls = old;
    uint32_t bf = before[i];
    if (old == PITH_CLS_SHORT) {
      uint8_t p = (uint8_t)bf, q = (uint8_t)a;
      if (p == PITH_CLS_SHORT && q == PITH_CLS_SHORT && !(b->memo & MEMO_SHAPE)) {
        p = (uint8_t)(bf >> 16);
        q = (uint8_t)(a >> 16);
        p = q = (p == PITH_CLS_GOOD || p == PITH_CLS_NEARGOOD ||
                 q == PITH_CLS_GOOD || q == PITH_CLS_NEARGOOD)
                    ? PITH_CLS_GOOD
                    : PITH_CLS_BAD;
      }
      if (p == PITH_CLS_SHORT) p = q;
      if (q == PITH_CLS_SHORT) q = p;
      if (p == PITH_CLS_GOOD && q == PITH_CLS_GOOD) cls = PITH_CLS_GOOD;
      else if (p == PITH_CLS_BAD && q == PITH_CLS_BAD) cls = PITH_CLS_BAD;
      else {
        uint8_t bad_side = (uint8_t)((p == PITH_CLS_BAD ? bf : a) >> 8);
        cls = bad_side == PITH_CLS_NEARGOOD ? PITH_CLS_GOOD : PITH_CLS_BAD;
      }
      b->cls = (uint8_t)cls;
      b->why = cls == PITH_CLS_GOOD ? "short between content"
                                    : "short beside boilerplate";
    } else {
      /* (a short block, which has no rule action, leaves every search
       * going: its step keeps the state; the neargood blocks are stored
       * for every other block, counted for neargood ones) */
      before[n - 1 - nng] = (uint32_t)i;
      nng += old == PITH_CLS_NEARGOOD;
      unsigned r = nb_row(nb_arow(b), old);
      a = (a & nb_keep[r]) | nb_set[r];
    }
  }
  neargood_runs(bl, n, before + n - nng, nng);
  /* Heading post-pass, on the final classes after each candidate: the
   * listed blocks that are bad now. */
  for (size_t k = 0; k < nheads; k++)
    if (bl[heads[k]].cls == PITH_CLS_BAD && good_follows(d, heads[k])) {
      bl[heads[k]].cls = PITH_CLS_GOOD;
      bl[heads[k]].why = "heading before content";
    }
}

/* Runs of neargood blocks that together make a paragraph's worth of text
 * are content (news paragraphs are often short). A run starts at a
 * neargood block: `ng` lists them in order (`nng`; a tenth of the blocks,
 * listed by the context-free pass as it finds them), so the blocks
 * between runs are not walked. */
static void promote_neargood_runs(pith_doc *d, const uint32_t *ng, size_t nng) {
  pith_block *const bl = d->blocks;
  const size_t n = d->n;
  size_t next = 0; /* the blocks before it were walked by a run */
  for (size_t r = 0; r < nng; r++) {
    size_t i = ng[r];
    if (i < next) continue;
    /* A run may hold short lines (subheadings) between its paragraphs. */
    size_t j = i, end = i, chars = 0, count = 0, shorts = 0;
    while (j < n && (bl[j].cls == PITH_CLS_NEARGOOD || bl[j].cls == PITH_CLS_GOOD ||
                     (bl[j].cls == PITH_CLS_SHORT && bl[j].action == PITH_ACT_NONE &&
                      shorts == 0 && (bl[j].memo & MEMO_SHAPE)))) {
      if (bl[j].cls != PITH_CLS_SHORT) {
        chars += bl[j].chars;
        count++;
        end = j + 1;
        shorts = 0;
      } else {
        shorts++;
      }
      j++;
    }
    if (count >= 2 && chars >= NEARGOOD_RUN_CHARS)
      for (size_t k = i; k < end; k++)
        if (bl[k].cls == PITH_CLS_NEARGOOD) {
          bl[k].cls = PITH_CLS_GOOD;
          bl[k].why = "run of prose";
        }
    next = end;
  }
}

/* Teaser listings below an article ("More from ...", "Latest
 * galleries"): each item is a headline, maybe a byline, a time stamp and a
 * blurb, so stamp lines ("Nov 18", "12H ago", "Tuesday November 19, 2019")
 * recur every few blocks. An article holds one or two; a table of numbers
 * has them on consecutive lines. A run of such stamps after enough article
 * text marks the listing: it is cut from its first item's headline. */
#define LISTING_MIN_STAMPS 3
#define LISTING_MAX_GAP 8
#define LISTING_MIN_WORDS 150
#define LISTING_ITEM_LEAD 2 /* headline and byline before the stamp */

/* The listing search's state. `words`: good words so far, stamp lines
 * not counted; `wa_first`: all good words before the run's first stamp. */
typedef struct listing {
  size_t words, run, first, last, at_first, wa_first;
} listing;

/* Is block b a time stamp the listing search counts? Only after enough
 * article, and only lines short enough to be a stamp, are read word by
 * word; other good blocks add their words. */
static inline int listing_stamp(listing *l, const pith_block *b) {
  if (l->words < LISTING_MIN_WORDS || b->chars > 60 || b->words > 8 ||
      b->action == PITH_ACT_KEEP || !pith_meta_stamp_block(b)) {
    if (b->cls == PITH_CLS_GOOD) l->words += b->words;
    return 0;
  }
  return 1;
}

/* The listing search at stamp block i; `wa`: all good words before it.
 * When the stamp completes a listing, marks the block it is cut from (its
 * action; the reason is the caller's) and returns it, with *wa_start the
 * good words before that block; else SIZE_MAX. */
static size_t listing_step(pith_doc *d, listing *l, size_t i, size_t wa,
                           size_t *wa_start) {
  if (l->run && i - l->last >= 2 && i - l->last <= LISTING_MAX_GAP) {
    l->run++;
  } else {
    l->run = 1;
    l->first = i;
    l->at_first = l->words;
    l->wa_first = wa;
  }
  l->last = i;
  if (l->run < LISTING_MIN_STAMPS || l->at_first < LISTING_MIN_WORDS) return SIZE_MAX;
  size_t start = l->first;
  *wa_start = l->wa_first;
  while (start > 0 && l->first - start < LISTING_ITEM_LEAD) {
    const pith_block *p = &d->blocks[start - 1];
    if (p->chars >= 100 || p->terminal ||
        (p->action != PITH_ACT_NONE && p->action != PITH_ACT_DROP))
      break;
    start--;
    if (p->cls == PITH_CLS_GOOD) *wa_start -= p->words;
  }
  d->blocks[start].action = PITH_ACT_CUT;
  return start;
}

/* A good block for the passes after the tail cut (see article_core). */
typedef struct good_entry {
  uint32_t block, before; /* before: non-aside blocks before it */
} good_entry;

/* The walk for the tail cut: where it is (`cut`, d->n: none) and, when
 * the walk stopped with the listing search unfinished, that search's
 * state and the block it stopped at (`stop`, d->n: finished). It also
 * lists the good blocks before the cut (`gl`, room for an entry per
 * block; NULL: none) as they are after it: every block before the cut is
 * walked, and the cut changes none of them. (A listing's start, made a
 * CUT block, is no longer an aside only when it is the listing's first
 * stamp, with at least LISTING_MIN_WORDS good words before it: then the
 * cut is there or before it, and the counts after it are not used.)
 * `ngood`: the entries. */
typedef struct tail_walk {
  listing l;
  size_t cut, stop;
  good_entry *gl;
  size_t ngood;
} tail_walk;

/* Good block i into the list, `u` the non-aside blocks before it (on the
 * branch the walk takes for good blocks anyway, to count their words).
 * (Block indices and counts fit: documents are at most 256 MB.) The
 * blocks from the one a walk stops at on are after the cut: their
 * entries would be dropped. */
static inline void list_good(good_entry *gl, size_t *ngood, size_t i, size_t u) {
  if (gl) gl[(*ngood)++] = (good_entry){(uint32_t)i, (uint32_t)u};
}

/* The tail cut: the first CUT block (a tail marker, or a dated listing's
 * start) after TAIL_MIN_WORDS good words. One walk does both searches.
 * With `early`, once a tail marker qualifies, the walk stops as soon as
 * no listing run begun at or before the marker is open (a later run's
 * items cannot reach back past the marker): a listing found further on
 * would only mark a block after the cut, which matters to no later pass
 * of a text document but keep_short_document (see finish_listing). */
static void find_cut(pith_doc *d, int early, tail_walk *tw) {
  const size_t n = d->n;
  pith_block *const blocks = d->blocks; /* read once: no blocks are added */
  size_t words = 0, tail = n, i = 0;
  int searching = 1; /* no listing found yet */
  good_entry *const gl = tw->gl;
  size_t ngood = 0, u = 0; /* u: the non-aside blocks walked */
  tw->l = (listing){0, 0, 0, 0, 0, 0};
  tw->stop = n;
  tw->cut = n;
  /* Before LISTING_MIN_WORDS good words no line is a stamp: the two
   * counts are the same, and a qualifying marker ends an early walk. */
  for (; i < n && words < LISTING_MIN_WORDS; i++) {
    const pith_block *b = &blocks[i];
    if (tail == n && b->action == PITH_ACT_CUT && words >= TAIL_MIN_WORDS) {
      tail = i;
      if (early) break;
    }
    if (b->cls == PITH_CLS_GOOD) {
      words += b->words;
      list_good(gl, &ngood, i, u);
    }
    u += b->action != PITH_ACT_ASIDE;
  }
  if (tail < n && early) { /* stopped at the marker: resume after it */
    tw->l.words = words + (blocks[i].cls == PITH_CLS_GOOD ? blocks[i].words : 0);
    tw->stop = i;
    tw->cut = tail;
    tw->ngood = ngood;
    return;
  }
  tw->l.words = words;
  for (; i < n; i++) {
    const pith_block *b = &blocks[i];
    size_t wa = words; /* good words before i */
    if (b->cls == PITH_CLS_GOOD) {
      words += b->words;
      list_good(gl, &ngood, i, u);
    }
    u += b->action != PITH_ACT_ASIDE;
    if (tail == n && b->action == PITH_ACT_CUT && wa >= TAIL_MIN_WORDS) tail = i;
    if (searching && listing_stamp(&tw->l, b)) {
      size_t wa_start = 0, start = listing_step(d, &tw->l, i, wa, &wa_start);
      if (start != SIZE_MAX) {
        searching = 0;
        blocks[start].why = "dated listing";
        if (wa_start >= TAIL_MIN_WORDS && start < tail) {
          tw->cut = start;
          tw->ngood = ngood;
          return;
        }
      }
    }
    if (tail < n &&
        (!searching || (early && (!tw->l.run || tw->l.first > tail)))) {
      tw->stop = searching ? i : n;
      break;
    }
  }
  tw->cut = tail;
  tw->ngood = ngood;
}

/* After enough content, a tail marker drops itself and all that follows.
 * The blocks cut keep their class and action before the cut in memo (no
 * pass reads memo after this one) for finish_listing. */
static void cut_tail(pith_doc *d, tail_walk *tw) {
  find_cut(d, !d->is_html, tw);
  /* the blocks walked from the cut on are bad now */
  while (tw->gl && tw->ngood > 0 && tw->gl[tw->ngood - 1].block >= tw->cut) tw->ngood--;
  if (tw->cut >= d->n) return;
  const char *why = d->blocks[tw->cut].why;
  for (size_t j = tw->cut; j < d->n; j++) {
    pith_block *b = &d->blocks[j];
    b->memo = (uint8_t)(b->cls | (b->action & 7) << 2);
    b->cls = PITH_CLS_BAD;
    b->why = j == tw->cut ? why : "after tail marker";
    if (b->action == PITH_ACT_KEEP) b->action = PITH_ACT_NONE;
  }
}

/* The rest of a listing search cut_tail stopped early, on the blocks as
 * they were before the cut: the listing's start becomes a CUT block, as
 * when the search had run to its end (keep_short_document skips it). */
static void finish_listing(pith_doc *d, tail_walk *tw) {
  if (tw->stop >= d->n) return;
  for (size_t j = tw->cut; j < d->n; j++) {
    d->blocks[j].cls = d->blocks[j].memo & 3;
    d->blocks[j].action = (uint8_t)(d->blocks[j].memo >> 2);
  }
  size_t wa_start;
  for (size_t i = tw->stop + 1; i < d->n; i++)
    if (listing_stamp(&tw->l, &d->blocks[i]) &&
        listing_step(d, &tw->l, i, 0, &wa_start) != SIZE_MAX)
      break;
  for (size_t j = tw->cut; j < d->n; j++) {
    d->blocks[j].cls = PITH_CLS_BAD;
    if (d->blocks[j].action == PITH_ACT_KEEP) d->blocks[j].action = PITH_ACT_NONE;
  }
}

/* Keep the largest cluster of content and clusters of comparable size near
 * it: teasers, bios and comment snippets far from the article go.
 * Distances between groups count blocks that are not asides: lines a rule
 * calls an aside (captions, "Photo:", teaser labels) sit inside articles,
 * so they neither split the article into groups nor set groups apart.
 *
 * The passes from here to the repetition walk look at good blocks only
 * (an eighth of the blocks): the tail cut's walk lists them (list_good),
 * with the count of non-aside blocks before each, and the article core and the gap
 * filling go through the list. `lead`, `tail`: the count before the
 * group's first block and before the block after its last; `first`,
 * `last`: its first and last entries in the list. */
typedef struct core_group {
  size_t first, last, chars, lead, tail;
} core_group;

static void drop_group(pith_doc *d, const good_entry *gl, const core_group *g,
                       const char *why) {
  for (size_t k = g->first; k <= g->last; k++) {
    pith_block *b = &d->blocks[gl[k].block];
    if (b->cls == PITH_CLS_GOOD && b->action != PITH_ACT_KEEP) {
      b->cls = PITH_CLS_BAD;
      b->why = why;
    }
  }
}

/* Decide the groups on one side of the main group, walking away from it.
 * `edge`: the count at the kept region's side facing the walk. */
static void extend_core(pith_doc *d, const good_entry *gl, const core_group *gs,
                        size_t ng, size_t main, int dir, int anchored) {
  size_t edge = dir > 0 ? gs[main].tail : gs[main].lead;
  size_t best = gs[main].chars;
  for (long k = (long)main + dir; k >= 0 && (size_t)k < ng; k += dir) {
    const core_group *g = &gs[k];
    size_t gap = dir > 0 ? g->lead - edge : edge - g->tail;
    int big = (double)g->chars >= CORE_MIN_SHARE * (double)best;
    int near = gap <= CORE_REGION_GAP;
    int huge = !anchored && (double)g->chars >= CORE_FAR_SHARE * (double)best;
    if (big && (near || huge)) {
      edge = dir > 0 ? g->tail : g->lead;
      continue;
    }
    drop_group(d, gl, g, near ? "outside the article core" : "far from the article");
  }
}

/* Good blocks at most CORE_GAP counted blocks apart, as groups; returns
 * their number. The list's blocks that are no longer good are left out. */
static size_t core_groups(const pith_doc *d, const good_entry *gl, size_t ngood,
                          core_group *gs) {
  size_t ng = 0;
  for (size_t k = 0; k < ngood; k++) {
    const pith_block *b = &d->blocks[gl[k].block];
    if (b->cls != PITH_CLS_GOOD) continue;
    size_t before = gl[k].before, after = before + (b->action != PITH_ACT_ASIDE);
    if (ng == 0 || before - gs[ng - 1].tail > CORE_GAP)
      gs[ng++] = (core_group){k, k, 0, before, 0};
    gs[ng - 1].last = k;
    gs[ng - 1].tail = after;
    gs[ng - 1].chars += b->chars;
  }
  return ng;
}

static void article_core(pith_doc *d, const good_entry *gl, size_t ngood,
                         core_group *gs) {
  /* Content that ends before the headline repeats is navigation and
   * teasers, when the article itself follows the headline. */
  size_t after_title = 0;
  if (d->title_pos)
    for (size_t k = 0; k < ngood; k++)
      if (gl[k].block >= d->title_pos) after_title += d->blocks[gl[k].block].chars;
  if (d->title_pos && after_title >= TITLE_ANCHOR_MIN_CHARS)
    for (size_t k = 0; k < ngood && gl[k].block < d->title_pos; k++) {
      pith_block *b = &d->blocks[gl[k].block];
      if (b->action != PITH_ACT_KEEP) {
        b->cls = PITH_CLS_BAD;
        b->why = "before the headline";
      }
    }
  size_t ng = core_groups(d, gl, ngood, gs);
  size_t main = 0;
  for (size_t k = 1; k < ng; k++)
    if (gs[k].chars > gs[main].chars) main = k;
  /* The article starts right below its headline: a substantial group
   * there is the article even when a comment thread below is longer. */
  int anchored = 0;
  if (d->title_pos)
    for (size_t k = 0; k < ng; k++)
      if (gl[gs[k].first].block > d->title_pos) {
        if (gl[gs[k].first].block - d->title_pos <= ANCHOR_MAX_DISTANCE &&
            gs[k].chars >= ANCHOR_MIN_CHARS) {
          main = k;
          anchored = 1;
        }
        break;
      }
  if (ng > 1) {
    extend_core(d, gl, gs, ng, main, +1, anchored);
    extend_core(d, gl, gs, ng, main, -1, anchored);
  }
}

/* The blocks fill_gaps finds good, in order (`good`, room for every
 * block; NULL: not listed), their count, and the long ones among them. */
typedef struct good_out {
  uint32_t *good;
  size_t n, long_good;
} good_out;

static inline void out_good(good_out *o, const pith_block *b, size_t i) {
  if (o->good) o->good[o->n++] = (uint32_t)i;
  o->long_good += b->chars >= PITH_DEDUP_MIN_CHARS;
}

/* Lists, tables and data lines inside an article have few stop words;
 * a short run of them between kept content belongs to the article. Lines
 * a rule dropped stay dropped. Fills the run between good blocks `last`
 * and i when it is one (into `o`). */
static void fill_gap(pith_doc *d, size_t last, size_t i, good_out *o) {
  if (i - last <= 1 || i - last - 1 > GAP_MAX_BLOCKS) return;
  for (size_t j = last + 1; j < i; j++) {
    const pith_block *b = &d->blocks[j];
    if ((b->action != PITH_ACT_NONE) || navigation_line(b) || b->link_chars) return;
  }
  for (size_t j = last + 1; j < i; j++) {
    d->blocks[j].cls = PITH_CLS_GOOD;
    d->blocks[j].why = "inside the article";
    out_good(o, &d->blocks[j], j);
  }
}

/* The gaps between the good blocks of the list (those still good); `o`
 * gets the good blocks after it (the repetition walk's: it goes through
 * them, and sizes its table by the long ones). Without a list (gl NULL:
 * no memory for it), every block is looked at. */
static void fill_gaps(pith_doc *d, const good_entry *gl, size_t ngood, good_out *o) {
  size_t last_good = SIZE_MAX;
  size_t count = gl ? ngood : d->n;
  for (size_t k = 0; k < count; k++) {
    size_t i = gl ? gl[k].block : k;
    if (d->blocks[i].cls != PITH_CLS_GOOD) continue;
    if (last_good != SIZE_MAX) fill_gap(d, last_good, i, o);
    out_good(o, &d->blocks[i], i);
    last_good = i;
  }
}

/* The tail cut, the article core, the gap filling (through the list of
 * good blocks the cut's walk makes) and the repetition walk (through the
 * list the gap filling makes); returns pith_meta_dedup's. */
static size_t cut_core_gaps(pith_doc *d, tail_walk *tw) {
  size_t n = d->n;
  /* one allocation: the list (an entry per block, stored for each) and
   * at most as many groups; then the good blocks, over the groups */
  size_t bytes = (n + 1) * (sizeof(good_entry) + sizeof(core_group));
  void *mem = malloc(bytes);
  core_group *gs = mem;
  tw->gl = mem ? (good_entry *)(gs + n + 1) : NULL;
  cut_tail(d, tw);
  good_out o = {NULL, 0, 0};
  /* the core is a refinement; without memory, keep all */
  if (!mem) {
    fill_gaps(d, NULL, 0, &o);
    return pith_meta_dedup(d, NULL, 0, o.long_good);
  }
  article_core(d, tw->gl, tw->ngood, gs);
  _Static_assert(sizeof(core_group) >= sizeof(uint32_t), "the good blocks fit");
  o.good = (uint32_t *)(void *)gs;
  fill_gaps(d, tw->gl, tw->ngood, &o);
  size_t kept = pith_meta_dedup(d, o.good, o.n, o.long_good);
  free(mem);
  tw->gl = NULL;
  return kept;
}

/* A document too short for context (one paragraph, a note) would come out
 * empty: keep its prose lines that no rule or repetition removed. */
static void keep_short_document(pith_doc *d) {
  for (size_t i = 0; i < d->n; i++) {
    pith_block *b = &d->blocks[i];
    if (b->action != PITH_ACT_NONE && b->action != PITH_ACT_KEEP) continue;
    if (b->dup || b->words < SHORT_DOC_MIN_WORDS || navigation_line(b) ||
        link_density(b) > MAX_LINK_DENSITY)
      continue;
    b->keep = 1;
    b->why = "short document";
  }
}

int pith_classify(pith_doc *d, const pith_classify_ctx *ctx) {
  if (d->n == 0) return PITH_OK;
  size_t first_pending = apply_rules(d, ctx);
  pith_meta_text(d, ctx->reference_date, first_pending, 1);
  double lo = d->stop ? STOPWORDS_LOW : 0.0, hi = d->stop ? STOPWORDS_HIGH : 0.0;
  /* Context-free classes, and what later passes ask of each block. A
   * text line is only a heading candidate when it does not sit in a run
   * of short lines: menus are runs of heading-shaped shorts; real section
   * headings follow prose, a byline or the title. (HTML headings are
   * marked by their tag and need no such guard.) */
  int around = 0;      /* the previous kept-able line is a short heading */
  size_t first = d->n; /* the first kept-able line */
  /* read once: stores through the blocks' uint8_t fields may alias *d */
  const int html = d->is_html, stop = d->stop != NULL;
  /* The heading candidates for smooth, the neargood blocks for
   * promote_neargood_runs, then (in their place) smooth's states (most
   * documents' fit on the stack: no malloc per document). */
  uint32_t local[1536];
  size_t bytes = d->n * 2 * sizeof *local, nng = 0, nheads = 0;
  uint32_t *mem = bytes <= sizeof local ? local : malloc(bytes);
  if (!mem) return PITH_ENOMEM;
  uint32_t *heads = mem, *scratch = mem + d->n;
  for (size_t i = 0; i < d->n; i++) {
    pith_block *b = &d->blocks[i];
    const char *why = b->why;
    uint8_t cf = context_free(html, stop, b, lo, hi, &why);
    b->cf = b->cls = cf;
    /* (on context_free's neargood returns: no branch of its own) */
    if (cf == PITH_CLS_NEARGOOD) scratch[nng++] = (uint32_t)i;
    if (!b->why || b->action == PITH_ACT_NONE) b->why = why;
    unsigned memo = 0;
    if (cf != PITH_CLS_BAD && heading_shaped(b)) memo |= MEMO_SHAPE;
    /* a heading candidate: shaped, lone, no rule action */
    if (memo && (b->heading || !around) && b->action == PITH_ACT_NONE)
      heads[nheads++] = (uint32_t)i;
    b->memo = (uint8_t)memo;
    /* (A rule-dropped line has cf BAD, and stays BAD through smoothing.) */
    if (b->action != PITH_ACT_NONE && b->action != PITH_ACT_KEEP) continue;
    if (first == d->n) first = i;
    around = cf == PITH_CLS_SHORT && (memo & MEMO_SHAPE);
  }
  /* The first line of a menu has nothing before it: look after it. */
  if (first < d->n && !d->blocks[first].heading)
    for (size_t j = first + 1; j < d->n; j++) {
      const pith_block *b = &d->blocks[j];
      if (b->action != PITH_ACT_NONE && b->action != PITH_ACT_KEEP) continue;
      /* (not lone: the first kept-able line, the first listed when it is) */
      if (b->cf == PITH_CLS_SHORT && (b->memo & MEMO_SHAPE) && nheads && heads[0] == first)
        heads++, nheads--;
      break;
    }
  promote_neargood_runs(d, scratch, nng);
  smooth(d, scratch, heads, nheads);
  if (mem != local) free(mem);
  tail_walk tw;
  size_t kept = cut_core_gaps(d, &tw);
  if (kept == 0) {
    finish_listing(d, &tw);
    keep_short_document(d);
  }
  return d->failed ? PITH_ENOMEM : PITH_OK;
}
