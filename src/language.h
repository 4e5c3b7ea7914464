/* Language choice and the per-block word and stop-word counts. */
#ifndef PITH_LANGUAGE_H
#define PITH_LANGUAGE_H

#include "doc.h"
#include "stoplist.h"

/* Blocks shorter than this (code points) are "short" for the classifier
 * (jusText's length_low); the language sample takes longer ones. */
#define PITH_LENGTH_LOW 70

/* jusText's stop-word density thresholds (stop words / words). The
 * classifier only ever compares a block's density with these (and with
 * fractions of LOW), never reads it otherwise but in --explain: a count
 * may stop once the density reaches HIGH. */
#define PITH_STOPWORDS_LOW 0.30
#define PITH_STOPWORDS_HIGH 0.32

/* Choose the language (doc->stop, LANG field), count words and stop words
 * of every block. The words are exact; so are the stop words with
 * --explain (or no options). Otherwise a block's stop words may stop
 * counting once its density reaches the highest threshold the classifier
 * compares it with (HIGH for long blocks, LOW for short ones): every
 * comparison with these thresholds comes out as with the full count. */
void pith_classify_language(pith_doc *d, const pith_stopsets *s);

#endif
