/* Text front end: a normalized plain-text dump -> blocks. */
#ifndef PITH_TEXT_H
#define PITH_TEXT_H

#include <stddef.h>

#include "doc.h"

/* One block per line, or per blank-line separated paragraph when the dump
 * is hard-wrapped (most runs between blank lines hold several lines). */
int pith_text_blocks(pith_doc *d, const char *text, size_t len);

#endif
