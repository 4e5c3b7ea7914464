/* Text repair and normalization over valid UTF-8. */
#ifndef PITH_NORMALIZE_H
#define PITH_NORMALIZE_H

#include <stddef.h>

#include "buf.h"

/* Normalize `in` (valid UTF-8) into `out` (appended), honouring the
 * PITH_OPT_* bits in `flags`:
 *   MOJIBAKE: repair UTF-8 read as windows-1252/latin-1 ("â€™" -> "’"),
 *             never changing text that is already right;
 *   ENTITIES: decode HTML entities (&amp; &#8217; &eacute;...);
 *   NFC:      Unicode NFC via utf8proc, ASCII fast path;
 *   ASCII_QUOTES: ‘ ’ ‚ ‛ ′ -> ' and “ ” „ ‟ ″ -> ";
 *   SPACES:   NBSP and Unicode spaces -> ' ', tabs -> ' '; ZWSP, BOM, soft
 *             hyphen and control characters removed; runs of spaces
 *             collapsed; spaces trimmed at line starts and ends.
 * Line ends CRLF / CR / U+2028 / U+2029 / NEL become '\n'; line structure
 * (including blank lines) is kept. NUL bytes are removed.
 * Returns PITH_OK or PITH_ENOMEM. */
int pith_normalize(const char *in, size_t len, unsigned flags, pith_buf *out);

/* Single-line variant used for HTML block text: also turns every '\n' into a
 * space (unless keep_newlines), as whitespace inside an element. */
int pith_normalize_inline(const char *in, size_t len, unsigned flags,
                          int keep_newlines, pith_buf *out);

#endif
