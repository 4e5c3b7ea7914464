/* HTML character references in plain text (&amp; &#8217; &eacute;). */
#ifndef PITH_ENTITIES_H
#define PITH_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Decode the reference starting at s[0] == '&'. On success returns the bytes
 * consumed and stores one or two code points in cp[0..*ncp-1]; returns 0 when
 * s does not start a reference (the '&' is then literal text).
 * Named references need ';' except the legacy ones (&amp &copy ...), which
 * are taken only when no letter, digit or '=' follows (so "?a=1&copy=2" in a
 * URL stays). Numeric ones follow the HTML5 rules: 0, surrogates and values
 * past U+10FFFF give U+FFFD, 0x80..0x9F are read as windows-1252. */
size_t pith_entity_decode(const char *s, size_t len, uint32_t cp[2], int *ncp);

/* Append `s` to `out` with every reference decoded. Returns how many were. */
size_t pith_entities_decode(const char *s, size_t len, pith_buf *out);

#endif
