/* Bytes in any charset -> valid UTF-8 (WHATWG-style sniffing + iconv). */
#ifndef PITH_DECODE_H
#define PITH_DECODE_H

#include <stddef.h>

#include "buf.h"

typedef struct pith_decode_opts {
  const char *forced;    /* --charset: wins over everything but nothing */
  const char *transport; /* HTTP Content-Type charset, or NULL */
  int html;              /* prescan <meta charset> and <?xml encoding?> */
} pith_decode_opts;

/* Decode `bytes` into `out` (appended) as valid UTF-8 without a BOM.
 * Order: forced > BOM > transport > (html) meta prescan in the first 1024
 * bytes > XML declaration > strict UTF-8 > uchardet (when built with it) >
 * windows-1252. Labels go through the WHATWG label table, so "latin1" and
 * "iso-8859-1" decode as windows-1252. Undecodable bytes become U+FFFD.
 * `charset` receives the name used (lowercase, e.g. "utf-8").
 * Returns PITH_OK, PITH_EENCODING (forced name unknown) or PITH_ENOMEM. */
int pith_decode(const char *bytes, size_t len, const pith_decode_opts *o,
                pith_buf *out, char *charset, size_t charset_len);

/* pith_decode without the copy when none is needed: input that is valid
 * UTF-8 without a BOM (and no label asking for another charset) is given
 * back as is in *view (not NUL-terminated; `out` stays empty); otherwise
 * *view is the decoded text in `out`. */
int pith_decode_view(const char *bytes, size_t len, const pith_decode_opts *o,
                     pith_buf *out, char *charset, size_t charset_len,
                     const char **view, size_t *view_len);
/* 1 when pith_decode_view's choice for these bytes and options comes down
 * to whether they are valid UTF-8 (no forced or transport charset, not
 * HTML, no byte order mark) and their first kilobyte is: then it would
 * view valid bytes as they are, with the charset "utf-8" written here
 * already, and search on for any others (pith_decode_view writes the
 * charset it finds). *checked (unless NULL) gets the length of that
 * first part, which ends where a character starts: the bytes are valid
 * UTF-8 when the rest from there on is. */
int pith_decode_utf8_or_not(const char *bytes, size_t len, const pith_decode_opts *o,
                            char *charset, size_t charset_len, size_t *checked);
/* Canonical lowercase WHATWG name for a label, or NULL if unknown. */
const char *pith_charset_canonical(const char *label, size_t len);

/* 1 if pith_decode() accepts `name` as a forced charset: a WHATWG label
 * (including the ones decoded without iconv, like x-user-defined) or a
 * name iconv knows. */
int pith_charset_known(const char *name);

/* Ensure `in` is valid UTF-8: invalid sequences become U+FFFD (appended to
 * out). Returns the number of replacements. */
size_t pith_utf8_sanitize(const char *in, size_t len, pith_buf *out);
/* 1 if the bytes are valid UTF-8 (no overlongs, no surrogates). */
int pith_utf8_valid(const char *s, size_t len);
/* *s, *n as valid UTF-8: left as they are when valid, else repaired into
 * `fixed` (which the caller frees) and pointed there. */
void pith_utf8_view(const char **s, size_t *n, pith_buf *fixed);

#endif
