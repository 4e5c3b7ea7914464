/* Filter rules: parsing the rule files of filters/ and matching blocks.
 * The grammar is documented in filters/README.md. A rule set is immutable
 * after parsing and safe to share between threads. */
#ifndef PITH_RULES_H
#define PITH_RULES_H

#include <stddef.h>

typedef struct pith_rules pith_rules;

/* What a matching rule says. `where` points to a static-lifetime string
 * owned by the rule set: "FILE:LINE". */
typedef struct pith_rule_hit {
  int action;        /* pith_action (doc.h) */
  int field;         /* pith_field for CAPTURE, else -1 */
  const char *where; /* "ui.rules:12" */
  const char *value; /* CAPTURE: the captured text inside the matched text */
  size_t value_len;
} pith_rule_hit;

pith_rules *pith_rules_new(void);
void pith_rules_free(pith_rules *r);

/* Parse rule text and add its rules. `name` appears in errors and `where`.
 * On a malformed line returns PITH_ERULES and writes "name:LINE: reason"
 * into err. */
int pith_rules_parse(pith_rules *r, const char *name, const char *text,
                     size_t len, char *err, size_t errlen);

/* Match one block text (normalized UTF-8, one line). Case-insensitive.
 * `chars` is the text length in code points (for length caps).
 * Priority when several rules match: KEEP > CUT > CAPTURE > DROP.
 * Returns 1 and fills *hit when a rule matched, else 0.
 * `scratch` is a caller-owned buffer reused between calls (no allocation
 * per call once warm). */
struct pith_buf;
int pith_rules_match(const pith_rules *r, const char *text, size_t len,
                     size_t chars, struct pith_buf *scratch,
                     pith_rule_hit *hit);

size_t pith_rules_count(const pith_rules *r);

#endif
