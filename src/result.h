/* The result behind the opaque pith_result: what writers need. */
#ifndef PITH_RESULT_H
#define PITH_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "pith.h"

/* One kept block, for markdown: a span of `text`. */
typedef struct pith_out_block {
  size_t off, len;
  uint8_t kind;    /* pith_block_kind */
  uint8_t heading; /* 1..6 or 0 */
} pith_out_block;

struct pith_result {
  int status;
  char *error;
  char *text; /* kept blocks joined by "\n\n" */
  size_t text_len;
  pith_out_block *blocks;
  size_t nblocks;
  char *fields[PITH_FIELD_COUNT_];
  size_t words;
  char *explain; /* JSON-free lines "KEEP\twhy\ttext\n", or NULL */
  size_t explain_len;
  unsigned flags; /* options flags used */
};

#endif
