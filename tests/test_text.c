/* Text front end: lines and paragraphs to blocks. */
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "simd.h"
#include "stoplist.h"
#include "text.h"

static size_t blocks_of(const char *s, pith_doc *d) {
  pith_doc_init(d, NULL);
  pith_text_blocks(d, s, strlen(s));
  return d->n;
}

/* Did the line walk count every block of d as pith_doc_add_line counts
 * its line alone (lines under 256 bytes)? Words the line alone does not
 * get (0: left to the stop-word counter) the walk may give when it has
 * them right (the AVX2 walk: ASCII lines with apostrophes or of more than
 * 64 bytes). */
static int walk_counts_alone(const pith_doc *d) {
  for (size_t i = 0; i < d->n; i++) {
    const pith_block *b = &d->blocks[i];
    char line[256] = {0};
    if (b->len >= sizeof line) return 0;
    memcpy(line, b->text, b->len);
    pith_doc one;
    pith_doc_init(&one, NULL);
    const pith_block *o = pith_doc_add_line(&one, line, b->len, strchr(line, '|') != NULL);
    uint32_t words = o && !o->words && b->words ? pith_stopsets_count_words(NULL, line, b->len)
                                                : o ? o->words : 0;
    int same = o && o->len == b->len && o->chars == b->chars && words == b->words &&
               o->seps == b->seps && o->terminal == b->terminal;
    if (!same)
      printf("# line %zu [%s]: words %u/%u seps %u/%u chars %u/%u\n", i, line, b->words,
             words, b->seps, o ? o->seps : 0, b->chars, o ? o->chars : 0);
    pith_doc_free(&one);
    if (!same) return 0;
  }
  return 1;
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
  /* blocks are trimmed and NUL-terminated in place in one copy of the
   * text; counts run 8 bytes at a time with a masked last word */
  blocks_of("plain line\n a | b \nHome | News | Sport |\n\t caf\xC3\xA9 \t\n"
            "One | Two | Three | Four | Five | Six\nx \xE2\x80\xBA y \xC2\xBB\n"
            "no bar here \xE2\x80\x94 a dash\nend |", &d);
  INT_EQ(d.n, 8, "eight lines");
  INT_EQ(d.blocks[0].seps, 0, "no separators");
  STR_EQ(d.blocks[1].text, "a | b", "line trimmed in place");
  INT_EQ(d.blocks[1].seps, 1, "short line with a bar");
  INT_EQ(d.blocks[2].seps, 2, "a bar ending the line is no separator");
  STR_EQ(d.blocks[3].text, "caf\xC3\xA9", "tabs and spaces trimmed");
  INT_EQ(d.blocks[3].chars, 4, "code points of a short line");
  INT_EQ(d.blocks[4].seps, 5, "separators across 8-byte words");
  INT_EQ(d.blocks[5].seps, 2, "two-byte separator ending the line");
  INT_EQ(d.blocks[6].seps, 0, "dash is no separator");
  INT_EQ(d.blocks[6].chars, 20, "code points across 8-byte words");
  INT_EQ(d.blocks[7].seps, 0, "a bar ending the text is no separator");
  pith_doc_free(&d);
  blocks_of("end |", &d);
  INT_EQ(d.blocks[0].seps, 0, "last byte of the text");
  pith_doc_free(&d);
  INT_EQ(blocks_of("Home | News\nmore text\n\nsecond para\nwith \xE2\x80\xA2 bullet\n\n"
                   "third\npara |  x\n", &d), 3, "paragraph mode");
  STR_EQ(d.blocks[0].text, "Home | News more text", "lines joined in place");
  INT_EQ(d.blocks[0].seps, 1, "paragraph separators");
  INT_EQ(d.blocks[1].seps, 1, "UTF-8 separator in a paragraph");
  STR_EQ(d.blocks[2].text, "third para |  x", "last paragraph");
  INT_EQ(d.blocks[2].seps, 1, "bar in the last paragraph");
  pith_doc_free(&d);
  /* long lines: plain ASCII 16 bytes a step, separators found among
   * curly quotes (0xE2 lead bytes that start none) */
  blocks_of("a plain ASCII line of more than thirty-two bytes, no separator\n"
            "\xE2\x80\x9Cquoted\xE2\x80\x9D text over sixteen bytes \xE2\x80\xA2 and "
            "\xE2\x80\x99 more \xC2\xB7 end \xC2\xBB\n"
            "0123456789abcdef0123456789abcdef \xE2\x80\xBA\n"
            "Home | News | Sport | Weather | Opinion | Culture | Life | More |\n", &d);
  INT_EQ(d.n, 4, "four long lines");
  INT_EQ(d.blocks[0].seps, 0, "long ASCII line");
  INT_EQ(d.blocks[0].chars, 62, "code points of a long ASCII line");
  INT_EQ(d.blocks[1].seps, 3, "separators among curly quotes");
  INT_EQ(d.blocks[1].chars, 53, "code points of a long UTF-8 line");
  INT_EQ(d.blocks[2].seps, 1, "three-byte separator ending a long line");
  INT_EQ(d.blocks[3].seps, 7, "bars of a long line, the last no separator");
  pith_doc_free(&d);
  /* line ends at every offset of the 64-byte windows they are found in,
   * and texts ending at and around a window's end */
  static char text[4096];
  size_t n = 0;
  for (int l = 1; l <= 70; l++) {
    memset(text + n, 'a' + l % 26, (size_t)l);
    n += (size_t)l;
    text[n++] = '\n';
  }
  text[n] = '\0';
  int lens_ok = blocks_of(text, &d) == 70;
  for (size_t i = 0; lens_ok && i < d.n; i++) lens_ok = d.blocks[i].len == i + 1;
  OK(lens_ok, "line ends across 64-byte windows");
  pith_doc_free(&d);
  for (size_t len = 62; len <= 66; len++) {
    memset(text, 'x', len);
    text[30] = '\n';
    text[len] = '\0';
    INT_EQ(blocks_of(text, &d), 2, "text of %zu bytes without a final newline", len);
    INT_EQ(d.blocks[1].len, len - 31, "its last line");
    pith_doc_free(&d);
  }
  /* more lines than the block array first holds (one per 24 bytes): it
   * grows for the lines the text holds so far, then again when the lines
   * get shorter still */
  static char many[40000];
  n = 0;
  for (int l = 0; l < 3000; l++) {
    size_t w = l < 1000 ? 9 : 1;
    memset(many + n, 'a' + l % 26, w);
    n += w;
    many[n++] = '\n';
  }
  many[n] = '\0';
  int many_ok = blocks_of(many, &d) == 3000;
  for (size_t i = 0; many_ok && i < d.n; i++)
    many_ok = d.blocks[i].len == (i < 1000 ? 9u : 1u) && d.blocks[i].text[0] == 'a' + (int)(i % 26);
  OK(many_ok, "3000 short lines: the block array grows as they come");
  pith_doc_free(&d);
  /* in place: a hard-wrapped text with a line that ends in a space (or a
   * control) is handed back; a leading tab or untrimmed lines (the
   * normalized case) are joined into paragraphs there */
  {
    static const char *const wrapped[] = {"a b\nc d \n\ne f\ng h\n",
                                          "a b\n\tc d\n\ne f\ng h\n",
                                          "a b\nc d\x01\n\ne f\ng h\n",
                                          "a b\nc d\n\ne f\ng h\n"};
    for (int t = 0; t < 4; t++) {
      char buf[64] = {0};
      size_t wl = strlen(wrapped[t]);
      memcpy(buf, wrapped[t], wl);
      pith_doc_init(&d, NULL);
      int rc = pith_text_blocks_in_place(&d, buf, wl);
      if (t < 3) {
        INT_EQ(rc, t != 1, "in place, case %d: a line's end trimmed, start again", t);
      } else {
        INT_EQ(rc, 0, "in place: untrimmed hard-wrapped text");
        INT_EQ(d.n, 2, "two paragraphs");
        STR_EQ(d.blocks[0].text, "a b c d", "joined in place");
      }
      pith_doc_free(&d);
    }
  }
  /* the line walk (32 bytes a load with AVX2) counts as pith_doc_add_line
   * does on each line alone: lines of 1..80 bytes, plain, with bars, an
   * apostrophe, two-byte letters, a separator */
  {
    static const char *const fill[] = {"ab cd12 ", "x|y | z ", "it's ok ", "caf\xC3\xA9 d ",
                                       "a \xE2\x80\xBA b "};
    static char walk[17000];
    size_t wn = 0;
    for (int f = 0; f < 5; f++)
      for (int l = 1; l <= 80; l++) {
        size_t fl = strlen(fill[f]);
        for (int j = 0; j < l; j++) walk[wn + (size_t)j] = fill[f][(size_t)(j + l) % fl];
        walk[wn] = 'w'; /* no space to trim at either end */
        walk[wn + (size_t)l - 1] = 'e';
        wn += (size_t)l;
        walk[wn++] = '\n';
      }
    walk[wn] = '\0';
    int same = blocks_of(walk, &d) == 400 && walk_counts_alone(&d);
    OK(same, "the line walk counts as pith_doc_add_line, lines of 1..80 bytes");
    pith_doc_free(&d);
  }
  /* the same on lines of 1..200 bytes that cross the walk's 64-byte
   * windows at every offset: separators (ASCII and UTF-8, split across a
   * window's end, ending a line), C2/E2 leads that start none (© ’ —),
   * words across a window's end, outer spaces and tabs trimmed, words
   * with apostrophes (open across a window's end) and lone lead bytes */
  {
    static const char *const fill[] = {
        "Home | News \xE2\x80\xA2 Sport \xC2\xB7 ", "a\xE2\x80\xBA\x62\xC2\xBB|c ",
        "it\xE2\x80\x99s \xC2\xA9 x\xE2\x80\x94y ", "longwordwithoutanyspace0123456789",
        "caf\xC3\xA9 \xD0\xBC\xD0\xB8\xD1\x80 ab ", "x|y|", " \t pad  ",
        "rock'n'roll''s x'' 'y '' z' ", "don't",
        /* bytes from 0x80 on that start no character: separators */
        "ab\xC3\x63\x64'\xE9x \xF0y'\xE2'z"};
    enum { KINDS = sizeof fill / sizeof fill[0] };
    static char walk[KINDS * (200 * 201 / 2 + 200) + 1];
    size_t wn = 0;
    for (int f = 0; f < (int)KINDS; f++)
      for (int l = 1; l <= 200; l++) {
        size_t fl = strlen(fill[f]);
        for (int j = 0; j < l; j++) walk[wn + (size_t)j] = fill[f][(size_t)(j + 3 * l) % fl];
        wn += (size_t)l;
        walk[wn++] = '\n';
      }
    walk[wn] = '\0';
    pith_doc_init(&d, NULL);
    pith_text_blocks(&d, walk, wn);
    int same = d.n > 1000 && walk_counts_alone(&d);
    OK(same, "the line walk counts as pith_doc_add_line, lines of 1..200 bytes");
    pith_doc_free(&d);
  }
#ifdef PITH_AVX2
  /* the AVX2 walk gives the words of ASCII lines with apostrophes and of
   * long ones (the line alone leaves them to the stop-word counter) */
  if (pith_cpu_avx2()) {
    blocks_of("it's a dog's life, isn't it'\n"
              "a line of more than sixty-four bytes, all of them ASCII, fifteen words long\n",
              &d);
    INT_EQ(d.blocks[0].words, 6, "words of a line with apostrophes");
    INT_EQ(d.blocks[1].words, 15, "words of a long ASCII line");
    pith_doc_free(&d);
  }
#endif
  INT_EQ(blocks_of("", &d), 0, "empty input");
  pith_doc_free(&d);
  INT_EQ(blocks_of("   \n\n  \n", &d), 0, "whitespace only");
  pith_doc_free(&d);
  INT_EQ(blocks_of("no final newline", &d), 1, "missing final newline");
  pith_doc_free(&d);
  return test_done();
}
