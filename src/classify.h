/* The one classifier both front ends share: rules, jusText-style score,
 * context smoothing, article core, tail cut, repetition, metadata capture.
 * Input: a pith_doc whose blocks have text and features (and, for HTML,
 * hints/link_chars/score). Output: block->keep, block->why, doc fields. */
#ifndef PITH_CLASSIFY_H
#define PITH_CLASSIFY_H

#include "doc.h"
#include "rules.h"
#include "stoplist.h"
#include "language.h"

typedef struct pith_classify_ctx {
  const pith_rules *const *rules; /* rule sets to apply, in order */
  size_t nrules;
  const pith_stopsets *stops;
  const char *reference_date;
} pith_classify_ctx;

/* Decide every block. Returns PITH_OK or PITH_ENOMEM. */
int pith_classify(pith_doc *d, const pith_classify_ctx *ctx);

#endif
