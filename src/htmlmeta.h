/* Metadata from HTML markup (src/htmlmeta.c): the walker in html.c shows
 * every element to pith_htmlmeta_visit(); candidates are kept with a rank
 * and the best per field goes to the document at the end. */
#ifndef PITH_HTMLMETA_H
#define PITH_HTMLMETA_H

#include <gumbo.h>

#include "doc.h"

/* Fields htmlmeta fills: title, author, date, site, url, description, lang,
 * image (indexes are pith_field values). */
typedef struct pith_htmlmeta {
  const char *val[PITH_FIELD_COUNT_]; /* arena-owned candidates */
  int rank[PITH_FIELD_COUNT_];        /* lower is better; 0 = none yet */
  const char *title_tag;              /* <title> text, for site suffixes */
  const char *h1;                     /* first <h1> text */
  int h1_count;
  size_t ld_body_chars; /* JSON-LD articleBody length, 0 if none */
} pith_htmlmeta;

void pith_htmlmeta_init(pith_htmlmeta *m);

/* Look at one element (called in document order, also for elements whose
 * text the block walker skips: head, meta, link, script, title). */
void pith_htmlmeta_visit(pith_htmlmeta *m, pith_doc *d, const GumboNode *el);

/* Resolve precedence and set d->fields (only fields still unset). */
void pith_htmlmeta_finish(pith_htmlmeta *m, pith_doc *d);

/* Exposed for tests: a date string in any common form -> ISO 8601
 * ("2023-05-01" or "2023-05-01T10:20:00+02:00") in out (size >= 32).
 * Returns 1 on success. */
int pith_htmlmeta_iso_date(const char *s, size_t n, char *out, size_t outlen);

/* Exposed for tests: strip a site suffix/prefix from a <title> ("Story |
 * Site" -> "Story"). Returns the length of the kept part, *start its
 * offset. */
size_t pith_htmlmeta_title_core(const char *s, size_t n, size_t *start);

#endif
