/* Text front end: lines and paragraphs to blocks. */
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "text.h"

static size_t blocks_of(const char *s, pith_doc *d) {
  pith_doc_init(d, NULL);
  pith_text_blocks(d, s, strlen(s));
  return d->n;
}

int main(void) {
  pith_doc d;
  INT_EQ(blocks_of("one\ntwo\n\nthree\n", &d), 3, "line mode: one block per line");
  pith_doc_free(&d);
  INT_EQ(blocks_of("a wrapped\nparagraph here\n\nand another\nwrapped one\n\nthird\npara\n", &d),
         3, "paragraph mode when blank lines separate multi-line runs");
  STR_EQ(d.blocks[0].text, "a wrapped paragraph here", "lines of a paragraph joined");
  pith_doc_free(&d);
  INT_EQ(blocks_of("Home | News | Sport\n", &d), 1, "one block");
  INT_EQ(d.blocks[0].seps, 2, "navigation separators counted");
  pith_doc_free(&d);
  blocks_of("Home \xE2\x80\xBA World \xE2\x80\xBA Asia \xC2\xB7 Today\n", &d);
  INT_EQ(d.blocks[0].seps, 3, "UTF-8 separators counted");
  pith_doc_free(&d);
  blocks_of("He said \"yes.\"\nNo end\n", &d);
  INT_EQ(d.blocks[0].terminal, 1, "sentence end inside closing quote");
  INT_EQ(d.blocks[1].terminal, 0, "no sentence end");
  INT_EQ(d.blocks[0].chars, 14, "chars counted");
  pith_doc_free(&d);
  INT_EQ(blocks_of("", &d), 0, "empty input");
  pith_doc_free(&d);
  INT_EQ(blocks_of("   \n\n  \n", &d), 0, "whitespace only");
  pith_doc_free(&d);
  INT_EQ(blocks_of("no final newline", &d), 1, "missing final newline");
  pith_doc_free(&d);
  return test_done();
}
