/* A small JSON reader (for JSONL records and JSON-LD) and the string
 * escaper every JSON writer in pith uses. */
#ifndef PITH_JSON_H
#define PITH_JSON_H

#include <stddef.h>

#include "buf.h"

typedef enum pith_json_type {
  PITH_JSON_NULL = 0,
  PITH_JSON_FALSE,
  PITH_JSON_TRUE,
  PITH_JSON_NUMBER,
  PITH_JSON_STRING,
  PITH_JSON_ARRAY,
  PITH_JSON_OBJECT
} pith_json_type;

typedef struct pith_json pith_json; /* a parsed value; a tree owns its nodes */

/* Parse one JSON value (surrounding whitespace allowed). Depth beyond
 * max_depth is an error, not a stack overflow. NULL on error with a reason
 * ("line 1, byte 17: expected ':'", byte = 0-based offset into s) in err.
 * Strict RFC 8259; invalid UTF-8 and lone surrogates in strings become
 * U+FFFD. The tree keeps pointers into s (for pith_json_raw): s must outlive
 * it. Free the root (only the root) with pith_json_free(). */
pith_json *pith_json_parse(const char *s, size_t len, int max_depth, char *err,
                           size_t errlen);
void pith_json_free(pith_json *v);

pith_json_type pith_json_kind(const pith_json *v);
/* Object member by key (first match), NULL if absent or not an object. */
const pith_json *pith_json_get(const pith_json *v, const char *key);
/* Array/object size and i-th element (for objects: the i-th value). */
size_t pith_json_size(const pith_json *v);
const pith_json *pith_json_at(const pith_json *v, size_t i);
/* i-th key of an object (decoded, NUL-terminated). */
const char *pith_json_key(const pith_json *v, size_t i, size_t *len);
/* Decoded string value (NUL-terminated, valid UTF-8), NULL if not a string. */
const char *pith_json_str(const pith_json *v, size_t *len);
/* The value's exact source text, for passing fields through unchanged. */
const char *pith_json_raw(const pith_json *v, size_t *len);

/* Append s as a JSON string literal with quotes; invalid UTF-8 becomes
 * U+FFFD, control characters are escaped, output is valid UTF-8. */
void pith_json_escape(pith_buf *out, const char *s, size_t len);

#endif
