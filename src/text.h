/* Text front end: a normalized plain-text dump -> blocks. */
#ifndef PITH_TEXT_H
#define PITH_TEXT_H

#include <stddef.h>

#include "doc.h"

/* One block per line, or per blank-line separated paragraph when the dump
 * is hard-wrapped (most runs between blank lines hold several lines). */
int pith_text_blocks(pith_doc *d, const char *text, size_t len);

/* The same on a writable text that outlives the document, used in place
 * (no copy): 16 zero bytes must follow it. Returns 1, with no blocks
 * added, for hard-wrapped text whose lines had trailing spaces trimmed
 * (never after the SPACES normalization): the text changed, call
 * pith_text_blocks on a fresh one. */
int pith_text_blocks_in_place(pith_doc *d, char *text, size_t len);

#endif
