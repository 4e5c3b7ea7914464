/* The options object behind the opaque pith_options. Immutable while
 * documents are being cleaned, so threads can share it. */
#ifndef PITH_OPTIONS_H
#define PITH_OPTIONS_H

#include "pith.h"
#include "rules.h"
#include "stoplist.h"

struct pith_options {
  unsigned flags;
  char *charset;         /* forced charset or NULL */
  char *reference_date;  /* YYYY-MM-DD or NULL */
  pith_rules *builtin_rules; /* parsed from the compiled-in filters/ */
  pith_rules *user_rules;    /* from --filters */
  pith_stopsets *stops;      /* stop-word lists, all languages */
};

#endif
