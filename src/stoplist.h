/* Stop-word lists (filters/stopwords/LANG.txt) and language choice. */
#ifndef PITH_STOPLIST_H
#define PITH_STOPLIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct pith_stoplist pith_stoplist; /* one language */
typedef struct pith_stopsets pith_stopsets; /* all languages */

/* Build every built-in list. NULL on allocation failure. */
pith_stopsets *pith_stopsets_new(void);
void pith_stopsets_free(pith_stopsets *s);

/* Is the (already lowercased/case-folded) word a stop word in `l`? */
int pith_stoplist_has(const pith_stoplist *l, const char *w, size_t n);
/* ISO 639-1 code of a list ("en"). */
const char *pith_stoplist_lang(const pith_stoplist *l);
/* 1 if the language is written without spaces (zh, ja): words are then
 * counted per character (CJK ideographs, kana) instead of by spaces. */
int pith_stoplist_cjk(const pith_stoplist *l);

/* Count words and stop words of one line of text for list `l` (l may be
 * NULL: then *stops = 0). Words are runs of letters/digits; for CJK text
 * every ideograph/kana counts as a word and stop words are matched per
 * character. */
void pith_stoplist_count(const pith_stoplist *l, const char *text, size_t len,
                         uint32_t *words, uint32_t *stops);

/* pith_stoplist_count for a caller that only compares the density
 * stops / words with `density` (0..1) or lower bounds: the words are
 * exact, the stop words too unless they reach the fewest c with
 * (double)c / words >= density: then counting may stop at c or above. */
void pith_stoplist_count_dense(const pith_stoplist *l, const char *text, size_t len,
                               double density, uint32_t *words, uint32_t *stops);

/* The words of pith_stoplist_count, without a list: s (may be NULL) only
 * lends its tables. */
uint32_t pith_stopsets_count_words(const pith_stopsets *s, const char *text,
                                   size_t len);

/* Choose the list with most stop-word hits over the given texts (the
 * document's longer lines). Returns NULL when no list reaches
 * `min_density` (e.g. 0.15) of the words. */
const pith_stoplist *pith_stopsets_detect(const pith_stopsets *s,
                                          const char *const *texts,
                                          const size_t *lens, size_t n,
                                          double min_density);
/* pith_stopsets_detect that also reports, per text, the words and stop
 * words of the chosen list (0 stop words when none is chosen) as
 * pith_stoplist_count would give them: words[n], stops[n] (both or none
 * NULL). stops[0] == UINT32_MAX on return means no counts were given (no
 * sets, a CJK list, no memory): count with pith_stoplist_count then. */
const pith_stoplist *pith_stopsets_detect_each(const pith_stopsets *s,
                                               const char *const *texts,
                                               const size_t *lens, size_t n,
                                               double min_density,
                                               uint32_t *words, uint32_t *stops);

#endif
