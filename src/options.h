/* The options object behind the opaque pith_options. */
#ifndef PITH_OPTIONS_H
#define PITH_OPTIONS_H

#include "pith.h"
#include "rules.h"

struct pith_options {
  unsigned flags;
  char *charset;        /* forced charset or NULL */
  char *reference_date; /* YYYY-MM-DD or NULL */
  pith_rules *user_rules;    /* from --filters, may be NULL */
};

/* The built-in rules and stop-word lists, parsed once per process lazily
 * (thread-safe via pthread_once) from the compiled-in filters/. */
const pith_rules *pith_default_rules(void);

#endif
