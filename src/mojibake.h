/* ftfy-style repair of UTF-8 that was decoded as windows-1252 / latin-1. */
#ifndef PITH_MOJIBAKE_H
#define PITH_MOJIBAKE_H

#include <stddef.h>

#include "buf.h"

/* 1 if the valid UTF-8 line contains anything mojibake repair could touch:
 * a character from U+00C2..U+00F4 followed by one whose windows-1252 byte
 * is 0x80..0xBF (or by a space), or a C1 control. Cheap; lets callers skip
 * pith_mojibake_fix() on nearly every line, accented text included. */
int pith_mojibake_suspect(const char *s, size_t len);

/* Append the repaired form of one line of valid UTF-8 to `out` and return
 * the number of repairs (0: `out` received an identical copy).
 * Runs of characters that re-encode (windows-1252, latin-1) to a well-formed
 * multi-byte UTF-8 sequence are decoded ("Itâ€™s" -> "It’s", "cafÃ©" ->
 * "café"), up to three times for double encoding. Sequences that are also
 * plausible correct text (German "Spaß“", Spanish "AÑO”") are only touched
 * when the same line carries unambiguous mojibake. Left-over C1 controls
 * become their windows-1252 characters (U+0092 -> ’), except U+0085 (NEL,
 * a line end) and the five bytes windows-1252 leaves undefined. */
size_t pith_mojibake_fix(const char *s, size_t len, pith_buf *out);

#endif
