/* HTML front end: gumbo DOM -> blocks with features and hints, plus the
 * metadata markup carries. The only module (with htmlmeta.c) that includes
 * gumbo.h. */
#ifndef PITH_HTML_H
#define PITH_HTML_H

#include <stddef.h>

#include "doc.h"

/* Parse UTF-8 HTML and append its blocks to d (texts normalized with the
 * document's option flags, minus ENTITIES: gumbo decodes entities).
 * Marks blocks outside the chosen article container and hard-junk blocks
 * (hidden, comment/cookie sections) by setting block->action / hints, fills
 * d->fields from markup (title, author, date, site, url, description, lang,
 * image). Returns PITH_OK, PITH_ENOMEM or PITH_ELIMIT. */
int pith_html_blocks(pith_doc *d, const char *html, size_t len);

/* Post-pass after pith_classify() on HTML documents: decides block->keep
 * from the article container and DOM hints, respecting rule actions
 * (drop, cut, capture) and duplicates. No-op when no container was found. */
void pith_html_refine(pith_doc *d);

/* 1 if the bytes look like HTML (sniffing for -i auto). */
int pith_html_sniff(const char *bytes, size_t len);

#endif
