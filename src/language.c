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

void pith_classify_language(pith_doc *d, const pith_stopsets *s) {
  /* A few kilobytes of prose name the language; more only costs time. */
  enum { MAX_SAMPLE = 400, MAX_SAMPLE_BYTES = 12288 };
  const char *texts[MAX_SAMPLE];
  size_t lens[MAX_SAMPLE], at[MAX_SAMPLE + 1], k = 0;
  uint32_t words[MAX_SAMPLE], stops[MAX_SAMPLE];
  size_t sampled = 0;
  for (size_t i = 0; i < d->n && k < MAX_SAMPLE && sampled < MAX_SAMPLE_BYTES; i++) {
    if (d->blocks[i].chars >= LENGTH_LOW && d->blocks[i].action == PITH_ACT_NONE) {
      at[k] = i;
      texts[k] = d->blocks[i].text;
      lens[k++] = d->blocks[i].len;
      sampled += d->blocks[i].len;
    }
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
  at[given ? k : 0] = SIZE_MAX; /* past the last sample block (none: none) */
  /* A short line's stop words only count when it ends a sentence (the
   * "short sentence" test in context_free): menus and labels, most short
   * lines, get their words counted without stop-word lookups (stops 0),
   * unless --explain prints every block's density (then every block is
   * "long"). */
  int all_stops = !d->opts || (d->opts->flags & PITH_OPT_EXPLAIN);
  const pith_stoplist *stop = d->stop;
  const uint32_t low = all_stops ? 0 : LENGTH_LOW;
  size_t next = 0;
  for (size_t i = 0; i < d->n; i++) {
    pith_block *b = &d->blocks[i];
    if (at[next] == i) {
      b->words = words[next];
      b->stops = stops[next++];
      continue;
    }
    if (stop && (b->chars >= low || b->terminal)) {
      pith_stoplist_count(stop, b->text, b->len, &b->words, &b->stops);
    } else { /* words only, found with the sets' tables */
      /* the text front end counts most short lines' words as it adds them
       * (pith_doc_add_line); 0: not counted (or none) */
      if (!b->words) b->words = pith_stopsets_count_words(s, b->text, b->len);
      b->stops = 0;
    }
  }
}

