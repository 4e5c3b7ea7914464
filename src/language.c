/* Language choice and per-block word and stop-word counts: the features
 * the classifier's stop-word density is made of. */
#include "language.h"

#include <stdint.h>
#include <string.h>

#include "options.h"

/* A dump's language is the list with most hits; below this density over the
 * long lines no list fits and the language-independent mode applies. */
#define MIN_LANG_DENSITY 0.12
#define LENGTH_LOW PITH_LENGTH_LOW

/* The words of a block that needs no stop words: most short lines got
 * them as they were added (pith_doc_add_line); 0 means not counted (or
 * none). */
static void words_only(pith_block *b, const pith_stopsets *s) {
  if (!b->words) b->words = pith_stopsets_count_words(s, b->text, b->len);
  b->stops = 0;
}

/* The words and stop words of a block the language sample did not give. A
 * short line's stop words only count when it ends a sentence (the "short
 * sentence" test in context_free): menus and labels, most short lines, get
 * their words counted without stop-word lookups (stops 0). */
static void count_block(pith_block *b, const pith_stoplist *stop,
                        const pith_stopsets *s, uint32_t low, int all) {
  if (!stop || (b->chars < low && !b->terminal))
    words_only(b, s);
  else if (all)
    pith_stoplist_count(stop, b->text, b->len, &b->words, &b->stops);
  else /* the classifier's top threshold for the block (language.h) */
    pith_stoplist_count_dense(stop, b->text, b->len,
                              b->chars >= LENGTH_LOW ? PITH_STOPWORDS_HIGH : PITH_STOPWORDS_LOW,
                              &b->words, &b->stops);
}

#define SAMPLED (1u << 31) /* in `later`: the block is in the sample */

void pith_classify_language(pith_doc *d, const pith_stopsets *s) {
  /* A few kilobytes of prose name the language; more only costs time:
   * the blocks past the sample are counted for the chosen list alone,
   * cheaper than for every list (each hit recorded, summed per language).
   * (Half of this still chose every benchmark page's language; a quarter
   * did not.) */
  enum { MAX_SAMPLE = 400, MAX_SAMPLE_BYTES = 4096 };
  const char *texts[MAX_SAMPLE];
  size_t lens[MAX_SAMPLE], at[MAX_SAMPLE + 1], k = 0;
  uint32_t words[MAX_SAMPLE], stops[MAX_SAMPLE];
  size_t sampled = 0;
  /* --explain prints every block's density: then every block is "long" */
  int all_stops = !d->opts || (d->opts->flags & PITH_OPT_EXPLAIN);
  const uint32_t low = all_stops ? 0 : LENGTH_LOW;
  /* One walk picks the sample and settles the blocks that need no list
   * while they are in the cache (the language choice evicts the block
   * array); the others wait in `later` for the chosen list. Without
   * memory for it every block is counted after the choice. */
  uint32_t *later = d->n && d->n < SAMPLED
                        ? pith_arena_alloc(&d->arena, d->n * sizeof *later)
                        : NULL;
  size_t nlater = 0;
  for (size_t i = 0; i < d->n; i++) {
    pith_block *b = &d->blocks[i];
    uint32_t in = 0;
    if (b->chars >= LENGTH_LOW && b->action == PITH_ACT_NONE && k < MAX_SAMPLE &&
        sampled < MAX_SAMPLE_BYTES) {
      at[k] = i;
      texts[k] = b->text;
      lens[k++] = b->len;
      sampled += b->len;
      in = SAMPLED;
    }
    if (!later) continue;
    if (b->chars >= low || b->terminal) later[nlater++] = (uint32_t)i | in;
    else words_only(b, s);
  }
  if (k == 0) { /* short documents: sample everything */
    for (size_t i = 0; i < d->n && k < MAX_SAMPLE; i++) {
      at[k] = i;
      texts[k] = d->blocks[i].text;
      lens[k++] = d->blocks[i].len;
    }
  }
  d->stop = s && k ? pith_stopsets_detect_each(s, texts, lens, k,
                                               MIN_LANG_DENSITY,
                                               words, stops)
                   : NULL;
  if (d->stop) {
    const char *lang = pith_stoplist_lang(d->stop);
    pith_doc_set_field(d, PITH_FIELD_LANG, lang, strlen(lang));
  }
  /* The sample's blocks were counted while choosing the language (the
   * sample is most of a typical dump's prose): only the others are
   * scanned again. */
  int given = s && k && stops[0] != UINT32_MAX;
  if (later) {
    /* sampled blocks are skipped when given (all short documents' blocks
     * are sampled unflagged: counted, then given below) */
    const uint32_t skip = given ? SAMPLED : 0;
    for (size_t j = 0; j < nlater; j++)
      if (!(later[j] & skip)) count_block(&d->blocks[later[j] & ~SAMPLED], d->stop, s, low, all_stops);
    for (size_t j = 0; given && j < k; j++) {
      d->blocks[at[j]].words = words[j];
      d->blocks[at[j]].stops = stops[j];
    }
    return;
  }
  at[given ? k : 0] = SIZE_MAX; /* past the last sample block (none: none) */
  size_t next = 0;
  for (size_t i = 0; i < d->n; i++) {
    pith_block *b = &d->blocks[i];
    if (at[next] == i) {
      b->words = words[next];
      b->stops = stops[next++];
    } else {
      count_block(b, d->stop, s, low, all_stops);
    }
  }
}
