/* Filter rules: grammar, match kinds, caps, priority, errors. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "harness.h"
#include "rules.h"

static pith_buf scratch = PITH_BUF_INIT;

static size_t chars_of(const char *s) {
  size_t c = 0;
  for (; *s; s++) c += ((unsigned char)*s & 0xC0) != 0x80;
  return c;
}

static pith_rules *load(const char *text) {
  pith_rules *r = pith_rules_new();
  char err[256];
  int rc = pith_rules_parse(r, "t.rules", text, strlen(text), err, sizeof err);
  if (rc != PITH_OK) printf("# parse error: %s\n", err);
  return r;
}

/* Action of the rule matching `s`, or PITH_ACT_NONE. */
static int act(const pith_rules *r, const char *s) {
  pith_rule_hit h;
  if (!pith_rules_match(r, s, strlen(s), chars_of(s), &scratch, &h)) return 0;
  return h.action;
}

static const char *where(const pith_rules *r, const char *s) {
  pith_rule_hit h;
  if (!pith_rules_match(r, s, strlen(s), chars_of(s), &scratch, &h)) return NULL;
  return h.where;
}

static void test_kinds(void) {
  pith_rules *r = load(
      "# comment line\n"
      "\n"
      "drop exact Read more\n"
      "drop prefix share on\n"
      "drop suffix minute read\n"
      "drop contains cookie policy\n"
      "drop regex ^[0-9]+ comments?$\n");
  INT_EQ(pith_rules_count(r), 5, "five rules counted, comments skipped");
  INT_EQ(act(r, "Read more"), PITH_ACT_DROP, "exact, different case");
  INT_EQ(act(r, "read more now"), 0, "exact is whole-block");
  INT_EQ(act(r, "Share on Facebook"), PITH_ACT_DROP, "prefix");
  INT_EQ(act(r, "Shareholders on board"), 0, "prefix needs a word boundary");
  INT_EQ(act(r, "A 5 minute read"), PITH_ACT_DROP, "suffix");
  INT_EQ(act(r, "We updated our Cookie Policy today."), PITH_ACT_DROP, "contains");
  INT_EQ(act(r, "cookie policyholders"), 0, "contains respects boundaries");
  INT_EQ(act(r, "12 comments"), PITH_ACT_DROP, "regex");
  INT_EQ(act(r, "12 Comment"), PITH_ACT_DROP, "regex is case-insensitive");
  INT_EQ(act(r, "twelve comments"), 0, "regex no match");
  STR_EQ(where(r, "read MORE"), "t.rules:3", "where names file and line");
  STR_EQ(where(r, "12 comments"), "t.rules:7", "where of regex rule");
  pith_rules_free(r);
}

static void test_actions(void) {
  pith_rules *r = load(
      "cut exact leave a reply\n"
      "keep exact summary\n"
      "capture=author prefix by\n"
      "capture=date prefix published\n"
      "capture=site contains press agency\n");
  INT_EQ(act(r, "Leave a Reply"), PITH_ACT_CUT, "cut");
  INT_EQ(act(r, "Summary"), PITH_ACT_KEEP, "keep");
  pith_rule_hit h;
  const char *s = "By Jane Doe";
  OK(pith_rules_match(r, s, strlen(s), chars_of(s), &scratch, &h), "capture matched");
  INT_EQ(h.action, PITH_ACT_CAPTURE, "capture action");
  INT_EQ(h.field, PITH_FIELD_AUTHOR, "capture field author");
  OK(h.value && h.value_len == 8 && memcmp(h.value, "Jane Doe", 8) == 0,
     "capture value is the text after the prefix");
  OK(h.value >= s && h.value < s + strlen(s), "value points into the block");
  s = "Published: 3 March 2024";
  OK(pith_rules_match(r, s, strlen(s), chars_of(s), &scratch, &h) &&
         h.field == PITH_FIELD_DATE && h.value_len == 12 &&
         memcmp(h.value, "3 March 2024", 12) == 0,
     "separator after the prefix is skipped");
  s = "Photo: Some Press Agency";
  OK(pith_rules_match(r, s, strlen(s), chars_of(s), &scratch, &h) &&
         h.field == PITH_FIELD_SITE && h.value == s && h.value_len == strlen(s),
     "non-prefix capture yields the whole block");
  INT_EQ(act(r, "Bystanders watched the parade"), 0,
         "prefix 'by' does not hit 'Bystanders'");
  s = "BY ÉLODIE MARTIN";
  OK(pith_rules_match(r, s, strlen(s), chars_of(s), &scratch, &h) &&
         h.value_len == strlen("ÉLODIE MARTIN"),
     "prefix capture with non-ASCII rest");
  pith_rules_free(r);
}

static void test_caps(void) {
  char long_line[300];
  memset(long_line, 'x', sizeof long_line);
  memcpy(long_line, "share this ", 11);
  long_line[sizeof long_line - 1] = '\0';
  pith_rules *r = load(
      "drop prefix share this\n"
      "drop contains:20 subscribe\n"
      "drop suffix:* all rights reserved.\n"
      "drop exact:5 ok then\n");
  INT_EQ(act(r, "Share this article"), PITH_ACT_DROP, "short block: prefix applies");
  INT_EQ(act(r, long_line), 0, "default cap 100 spares long blocks");
  INT_EQ(act(r, "Please subscribe"), PITH_ACT_DROP, "within explicit cap 20");
  INT_EQ(act(r, "Please subscribe to our newsletter today"), 0, "beyond cap 20");
  char big[400];
  memset(big, 'y', sizeof big);
  strcpy(big + 300, " All rights reserved.");
  big[299] = 'z';
  INT_EQ(act(r, big), PITH_ACT_DROP, ":* lifts the cap");
  INT_EQ(act(r, "ok then"), 0, "exact with cap 5 misses a 7-char block");
  pith_rules_free(r);
}

static void test_priority(void) {
  pith_rules *r = load(
      "drop contains newsletter\n"
      "capture=site contains newsletter\n"
      "cut contains newsletter\n"
      "keep exact the newsletter story\n"
      "drop prefix the\n"
      "drop prefix the news\n");
  INT_EQ(act(r, "Our newsletter"), PITH_ACT_CUT, "cut beats capture and drop");
  INT_EQ(act(r, "The newsletter story"), PITH_ACT_KEEP, "keep beats everything");
  STR_EQ(where(r, "The news today"), "t.rules:5", "tie: first rule in file order");
  pith_rules_free(r);
  r = load("drop glob *story\nkeep glob *story\n");
  INT_EQ(act(r, "a story"), PITH_ACT_KEEP, "keep wins over an earlier drop");
  pith_rules_free(r);
}

static void test_glob(void) {
  pith_rules *r = load(
      "drop glob *# {minute,hour,day}{,s} ago*\n"
      "drop glob page # of #\n"
      "drop glob ?? comments\n"
      "drop glob {read,see} {more,also{, this}}\n"
      "drop glob price: \\*#\n"
      "drop glob *\\{x\\}\n");
  INT_EQ(act(r, "Posted 5 minutes ago"), PITH_ACT_DROP, "# and {,s}");
  INT_EQ(act(r, "1 hour ago by admin"), PITH_ACT_DROP, "braces, trailing *");
  INT_EQ(act(r, "Updated 1,250 days ago"), PITH_ACT_DROP, "# with a comma");
  INT_EQ(act(r, "a few minutes ago"), 0, "# needs digits");
  INT_EQ(act(r, "Page 3 of 12"), PITH_ACT_DROP, "two # in one glob");
  INT_EQ(act(r, "page 3 of 12 more"), 0, "glob is anchored at the end");
  INT_EQ(act(r, "42 Comments"), PITH_ACT_DROP, "? is one character");
  INT_EQ(act(r, "é2 comments"), PITH_ACT_DROP, "? is one code point");
  INT_EQ(act(r, "142 comments"), 0, "? is exactly one");
  INT_EQ(act(r, "See also this"), PITH_ACT_DROP, "nested braces");
  INT_EQ(act(r, "read more"), PITH_ACT_DROP, "first alternative");
  INT_EQ(act(r, "read also"), PITH_ACT_DROP, "empty nested alternative");
  INT_EQ(act(r, "price: *12.50"), PITH_ACT_DROP, "escaped star is literal");
  INT_EQ(act(r, "price: 12.50"), 0, "escaped star must be present");
  INT_EQ(act(r, "a {x}"), PITH_ACT_DROP, "escaped braces");
  pith_rules_free(r);
  /* a glob opening with # skips blocks that do not open with a digit */
  /* short anchors with a rare byte are found through that byte */
  r = load("drop contains:60 : @\ndrop glob:60 *(c) #*\n");
  INT_EQ(act(r, "Photo: @jane"), PITH_ACT_DROP, "rare byte at the anchor's end");
  INT_EQ(act(r, "x@y: @z"), PITH_ACT_DROP, "second occurrence of the rare byte");
  INT_EQ(act(r, "Photo @jane"), 0, "rare byte without the anchor");
  INT_EQ(act(r, "@"), 0, "rare byte at the block's start");
  INT_EQ(act(r, "Site (c) 2024 Ledger"), PITH_ACT_DROP, "glob through a rare byte");
  pith_rules_free(r);
  r = load("drop glob #-#-#t#\ndrop glob #\n");
  INT_EQ(act(r, "2019-11-13T23:06:00"), PITH_ACT_DROP, "leading # matches");
  INT_EQ(act(r, "42"), PITH_ACT_DROP, "lone number");
  INT_EQ(act(r, "T 2019-11-13T23:06:00"), 0, "leading # needs a digit first");
  pith_rules_free(r);
  /* a leading # and the literal after it: the byte after the digit run */
  r = load("drop glob # comments\nkeep glob #: *\ncut glob #?x\n");
  INT_EQ(act(r, "12 comments"), PITH_ACT_DROP, "digits then the literal");
  INT_EQ(act(r, "1,234 Comments"), PITH_ACT_DROP, "digit run with a comma, folded");
  INT_EQ(act(r, "12comments"), 0, "literal missing after the digits");
  INT_EQ(act(r, "12"), 0, "block ends with the digit run");
  INT_EQ(act(r, "12.5 comments"), PITH_ACT_DROP, "run through a decimal point");
  INT_EQ(act(r, "12: pm"), PITH_ACT_KEEP, "':' right after the digit run");
  INT_EQ(act(r, "12:30 pm"), 0, "':' between digits is part of the run");
  INT_EQ(act(r, "7 x"), PITH_ACT_CUT, "? after # has no literal to test");
  pith_rules_free(r);
}

static void test_unicode(void) {
  pith_rules *r = load(
      "drop prefix LÄDT\n"
      "drop exact ПОДПИСАТЬСЯ\n"
      "drop contains 广告\n"
      "drop regex ^straße \\d+$\n");
  INT_EQ(act(r, "lädt..."), PITH_ACT_DROP, "uppercase pattern, lowercase text");
  INT_EQ(act(r, "LÄDT …"), PITH_ACT_DROP, "uppercase text");
  INT_EQ(act(r, "Подписаться"), PITH_ACT_DROP, "Cyrillic case folding");
  INT_EQ(act(r, "这是广告内容"), PITH_ACT_DROP, "CJK contains needs no spaces");
  INT_EQ(act(r, "STRASSE 12"), PITH_ACT_DROP, "casefold ß = ss, \\d in regex");
  INT_EQ(act(r, "Straße zwölf"), 0, "\\d needs a digit");
  pith_rules_free(r);
  /* the inline two- and three-byte folds agree with utf8proc's */
  r = load("drop exact ѐжяѝ àþ×ß — 「広告」 광고\n"
           "drop exact ѡ ǅ ⅰ\n");
  INT_EQ(act(r, "ЀЖЯЍ ÀÞ×SS — 「広告」 광고"), PITH_ACT_DROP,
         "Cyrillic, Latin-1, dash, CJK and Hangul folded inline");
  INT_EQ(act(r, "Ѡ ǄⅠ"), 0, "spacing matters");
  INT_EQ(act(r, "Ѡ Ǆ Ⅰ"), PITH_ACT_DROP, "letters outside the inline ranges");
  pith_rules_free(r);
}


/* Blocks of 1..40 bytes with an anchor at every offset, plain ASCII and
 * with two-byte letters around it: the short-block fold (1..16 bytes),
 * the 16- and 8-byte fold steps, the window scan (two windows per load)
 * and the rare-byte scan (16 bytes per compare) must all find it. */
static void test_offsets(void) {
  pith_rules *r = load(
      "drop contains:400 cookie policy\n"  /* long: windows */
      "cut contains:400 (afp\n"            /* short with a rare byte */
      "aside prefix:400 share on\n"
      "keep suffix:400 min read\n"
      "capture=title glob:400 *@*.com\n"); /* rare byte, star jumps */
  static const char *anchors[] = {"Cookie POLICY", "(AFP", "Share on", "min Read", "a@b.com"};
  static const char *wheres[] = {"t.rules:1", "t.rules:2", "t.rules:3", "t.rules:4", "t.rules:5"};
  static const char *fills[] = {"-", "\xC3\xA9", "\xD0\x96", "\xE2\x80\x94"}; /* - é Ж — */
  int bad = 0, tried = 0;
  for (int a = 0; a < 5; a++) {
    size_t al = strlen(anchors[a]);
    for (int f = 0; f < 4; f++) {
      size_t fl = strlen(fills[f]);
      for (size_t len = al; len <= 40; len++) {
        for (size_t at = 0; at + al <= len; at++) {
          /* prefix / suffix anchors only at their end of the block */
          if (a == 2 && at != 0) continue;
          if (a == 3 && at + al != len) continue;
          if (a == 4 && (at != 0 || at + al != len)) continue;
          char b[256];
          size_t n = 0;
          for (size_t k = 0; k < at; k++) b[n++] = '-';
          memcpy(b + n, anchors[a], al);
          n += al;
          /* the rest of the block: fill characters (word boundaries hold) */
          b[n] = '\0';
          size_t rest = len - at - al, k = 0;
          if (rest) b[n++] = ' ', k++;
          for (; k + fl <= rest; k += fl) memcpy(b + n, fills[f], fl), n += fl;
          for (; k < rest; k++) b[n++] = '-';
          b[n] = '\0';
          if (a == 4 && rest) continue;
          tried++;
          const char *w = where(r, b);
          if (!w || strcmp(w, wheres[a]) != 0) {
            if (bad++ < 5) printf("# missed [%s] (rule %d) -> %s\n", b, a + 1, w ? w : "none");
          }
        }
      }
    }
  }
  OK(tried > 1000 && bad == 0, "anchors found at every offset of 1..40-byte blocks (%d tried)", tried);
  /* a rare byte or a window in the zero padding after the block is no hit */
  INT_EQ(act(r, "cookie polic"), 0, "window cut by the block end");
  INT_EQ(act(r, "x (af"), 0, "rare byte, anchor cut by the block end");
  INT_EQ(act(r, "a@b.co"), 0, "glob cut by the block end");
  /* the bytes after a block in the fold buffer (stack or scratch), left
   * by a longer block full of rare bytes, are never read as hits */
  for (size_t big = 100; big <= 400; big += 300) {
    char b[512];
    for (size_t i = 0; i < big; i++) b[i] = "(afp "[i % 5];
    b[big] = '\0';
    INT_EQ(act(r, b), PITH_ACT_CUT, "%zu bytes of rare-byte anchors", big);
    for (size_t len = big - 40; len < big; len += 3) {
      memset(b, 'x', len);
      b[len] = '\0';
      if (act(r, b) != 0) printf("# hit in %zu bytes of x after %zu\n", len, big);
      INT_EQ(act(r, b), 0, "no rare-byte hit after %zu bytes of x", len);
    }
  }
  pith_rules_free(r);
}

/* Short blocks: every length of 1..40 bytes, ASCII and not, folded the
 * same way whatever path folds them. */
static void test_short_fold(void) {
  char rules[4096];
  size_t rl = 0;
  static const char *alpha[] = {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEf",
                                "ÀbÇdÉfGhÏjKlMnÖpQrŠtÜvWxÝzЖЁЯ"};
  for (int v = 0; v < 2; v++)
    for (int len = 1; len <= 40; len++) {
      /* the first len characters of the alphabet, as an exact rule */
      const char *p = alpha[v];
      size_t i = 0;
      for (int c = 0; c < len && p[i]; c++) {
        i++;
        while ((p[i] & 0xC0) == 0x80) i++;
      }
      rl += (size_t)snprintf(rules + rl, sizeof rules - rl, "drop exact %.*s\n", (int)i, p);
    }
  pith_rules *r = load(rules);
  int bad = 0;
  for (int v = 0; v < 2; v++)
    for (int len = 1; len <= 40; len++) {
      const char *p = alpha[v];
      size_t i = 0;
      for (int c = 0; c < len && p[i]; c++) {
        i++;
        while ((p[i] & 0xC0) == 0x80) i++;
      }
      char same[128], up[128], lo[128];
      for (size_t k = 0; k < i; k++) {
        unsigned char c = (unsigned char)p[k];
        same[k] = (char)c;
        up[k] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        lo[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      same[i] = up[i] = lo[i] = '\0';
      if (!act(r, same) || !act(r, up) || !act(r, lo)) {
        if (bad++ < 5) printf("# exact miss: [%s]\n", same);
      }
    }
  OK(bad == 0, "exact rules of 1..40 characters match in any case");
  INT_EQ(act(r, "Ab C"), 0, "no exact rule of that text");
  pith_rules_free(r);
}

/* Globs: star skips to the next occurrence of the literal after it, but
 * still backtracks; literal-only globs are exact rules with a cap. */
static void test_glob_paths(void) {
  pith_rules *r = load(
      "drop glob:60 *ab\n"
      "cut glob:60 x*é*y\n"
      "aside glob:5 {yes,ok}{,!}\n"
      "keep glob:60 *one * two*\n"
      "drop glob:60 #x#\n"
      "drop glob:60 # #\n");
  INT_EQ(act(r, "aab"), PITH_ACT_DROP, "star backtracks to the last occurrence");
  INT_EQ(act(r, "abab"), PITH_ACT_DROP, "star, repeated literal");
  INT_EQ(act(r, "abba"), 0, "star, literal not at the end");
  INT_EQ(act(r, "xÉÉzy"), PITH_ACT_CUT, "star before a two-byte letter");
  INT_EQ(act(r, "xeey"), 0, "two-byte letter required");
  INT_EQ(act(r, "Yes!"), PITH_ACT_ASIDE, "literal glob, any case");
  INT_EQ(act(r, "OK"), PITH_ACT_ASIDE, "literal glob, short");
  INT_EQ(act(r, "yes!!"), 0, "literal glob is whole-block");
  INT_EQ(act(r, "one one two"), PITH_ACT_KEEP, "two stars");
  INT_EQ(act(r, "a one b two c"), PITH_ACT_KEEP, "two stars, text around");
  INT_EQ(act(r, "one two"), 0, "space after the first star's literal");
  INT_EQ(act(r, "12x34"), PITH_ACT_DROP, "leading and trailing #");
  INT_EQ(act(r, "12x34a"), 0, "trailing # needs a digit last");
  INT_EQ(act(r, "3 4"), PITH_ACT_DROP, "digits only");
  pith_rules_free(r);
  r = load("drop glob:3 hello\nkeep glob yes\ndrop exact yes\n");
  INT_EQ(act(r, "hello"), 0, "literal glob keeps its cap");
  INT_EQ(act(r, "YES"), PITH_ACT_KEEP, "literal glob and exact rule, priority");
  pith_rules_free(r);
}

/* Prefix/suffix keys of 1, 2, 3 and 8+ bytes against blocks of 1..3 bytes
 * and longer: the probes are chosen by the block's outer three bytes. */
static void test_short_keys(void) {
  pith_rules *r = load(
      "drop glob:20 a*\n"         /* prefix key of 1 byte */
      "drop glob:20 bc*\n"        /* 2 bytes */
      "drop glob:20 def*\n"       /* 3 bytes */
      "drop glob:40 ghijklmnop*\n" /* 8 bytes and more */
      "drop glob:20 *z\n"         /* suffix key of 1 byte */
      "drop glob:20 *yx\n"
      "drop glob:20 *wvu\n"
      "drop glob:40 *tsrqponmlk\n"
      "drop prefix:20 é\n"
      "drop suffix:20 жж\n");
  STR_EQ(where(r, "a"), "t.rules:1", "1-byte prefix, 1-byte block");
  STR_EQ(where(r, "Ax"), "t.rules:1", "1-byte prefix, 2-byte block");
  STR_EQ(where(r, "bc"), "t.rules:2", "2-byte prefix, 2-byte block");
  STR_EQ(where(r, "bcd"), "t.rules:2", "2-byte prefix, 3-byte block");
  OK(!where(r, "b"), "2-byte prefix, 1-byte block");
  STR_EQ(where(r, "def"), "t.rules:3", "3-byte prefix, 3-byte block");
  OK(!where(r, "de"), "3-byte prefix, 2-byte block");
  STR_EQ(where(r, "GHIJKLMNOPQ"), "t.rules:4", "10-byte prefix");
  OK(!where(r, "ghijklmnoq"), "10-byte prefix, 10th byte differs");
  STR_EQ(where(r, "z"), "t.rules:5", "1-byte suffix, 1-byte block");
  STR_EQ(where(r, "yx"), "t.rules:6", "2-byte suffix, 2-byte block");
  STR_EQ(where(r, "-yx"), "t.rules:6", "2-byte suffix, 3-byte block");
  OK(!where(r, "x"), "2-byte suffix, 1-byte block");
  STR_EQ(where(r, "wvu"), "t.rules:7", "3-byte suffix, 3-byte block");
  STR_EQ(where(r, "-TSRQPONMLK"), "t.rules:8", "10-byte suffix");
  OK(!where(r, "-tsrqponmlj"), "10-byte suffix, last byte differs");
  STR_EQ(where(r, "É"), "t.rules:9", "two-byte prefix key, folded");
  STR_EQ(where(r, "ЖЖ"), "t.rules:10", "four-byte suffix key, folded");
  OK(!where(r, "ж"), "suffix key longer than the block");
  pith_rules_free(r);
}

/* Long anchors of 7 and 8 bytes (the bytes after a window filter its
 * hits; near an anchor's end there are none to test) at the ends of
 * blocks, and the memmem chain, skipped when all its rules need a last
 * digit the block lacks. */
static void test_window_ends(void) {
  pith_rules *r = load("drop contains:100 abcdefg\ncut contains:100 hijklmno\n");
  INT_EQ(act(r, "abcdefg"), PITH_ACT_DROP, "7-byte anchor, whole block");
  INT_EQ(act(r, "xx ABCDEFG"), PITH_ACT_DROP, "7-byte anchor at the block end");
  INT_EQ(act(r, "the abcdefg!"), PITH_ACT_DROP, "7-byte anchor, one byte after");
  INT_EQ(act(r, "abcdefh"), 0, "7-byte anchor, last byte differs");
  INT_EQ(act(r, "xx abcdef"), 0, "7-byte anchor cut by the block end");
  INT_EQ(act(r, "hijklmno"), PITH_ACT_CUT, "8-byte anchor, whole block");
  INT_EQ(act(r, "some text: hijklmno"), PITH_ACT_CUT, "8-byte anchor at the block end");
  INT_EQ(act(r, "hijklmnp and more"), 0, "8-byte anchor, last byte differs");
  pith_rules_free(r);
  r = load("drop glob:100 *# of #\n");
  INT_EQ(act(r, "Page 3 of 12"), PITH_ACT_DROP, "memmem anchor, last digit");
  INT_EQ(act(r, "3 of 12 pages"), 0, "memmem chain skipped: no last digit");
  INT_EQ(act(r, "chapter 1 and page 3 of 12"), PITH_ACT_DROP, "star before #: on to the next digit run");
  INT_EQ(act(r, "page three of 12"), 0, "star before #: no digit before the literal");
  pith_rules_free(r);
  r = load("drop glob:100 *# of #\nkeep glob:100 *wxyz*\n");
  INT_EQ(act(r, "3 of 12"), PITH_ACT_DROP, "mixed memmem chain, digit rule");
  INT_EQ(act(r, "a wxyz b"), PITH_ACT_KEEP, "mixed memmem chain, no digit needed");
  pith_rules_free(r);
}

/* Blocks longer than the default cap scan only the windows of anchors
 * with a longer cap (qlong); shorter blocks all of them. */
static void test_long_windows(void) {
  pith_rules *r = load("drop contains javascript must\n"
                       "cut contains:300 cookies are disabled\n"
                       "keep glob:300 *all rights reserved*\n");
  char block[400];
  const char *fill = "a long sentence of an article goes on and on about the things ";
  for (size_t len = 60; len <= 300; len += 40) {
    for (int which = 0; which < 3; which++) {
      /* spaced: contains-anchors are bounded by word boundaries */
      static const char *const anchors[] = {" javascript must ", " cookies are disabled ",
                                            " all rights reserved "};
      static const int acts[] = {PITH_ACT_DROP, PITH_ACT_CUT, PITH_ACT_KEEP};
      /* the anchor at the start, in the middle and at the end */
      for (int at = 0; at < 3; at++) {
        size_t alen = strlen(anchors[which]), pad = len - alen, lead = at * pad / 2;
        for (size_t i = 0; i < pad; i++) block[(i < lead ? i : i + alen)] = fill[i % strlen(fill)];
        memcpy(block + lead, anchors[which], alen);
        block[len] = '\0';
        int want = which == 0 && len > 100 ? 0 : acts[which];
        INT_EQ(act(r, block), want, "%zu-byte block, anchor %d at %d", len, which, at);
      }
    }
  }
  pith_rules_free(r);
}

/* Window keys shared by anchors with other bytes around them: a key hit
 * passes on the bytes before and after it in some anchor (each side may
 * come from another anchor), at every offset, also at the block's start. */
static void test_window_sides(void) {
  pith_rules *r = load("drop contains:100 qzxjkvw\n"
                       "cut contains:100 aaqzxjkvbb\n"
                       "keep contains:100 ccqzxjkvdd\n"
                       "aside contains:100 qzxjkvee\n");
  static const char *const anchors[] = {"qzxjkvw", "aaqzxjkvbb", "ccqzxjkvdd", "qzxjkvee"};
  static const char *const wheres[] = {"t.rules:1", "t.rules:2", "t.rules:3", "t.rules:4"};
  int bad = 0;
  for (int a = 0; a < 4; a++) {
    for (size_t lead = 0; lead <= 12; lead++) {
      char b[64];
      memset(b, '-', lead);
      strcpy(b + lead, anchors[a]);
      strcat(b, lead & 1 ? " tail" : "");
      const char *w = where(r, b);
      if (!w || strcmp(w, wheres[a]) != 0) {
        if (bad++ < 5) printf("# missed [%s] -> %s\n", b, w ? w : "none");
      }
    }
  }
  INT_EQ(bad, 0, "shared window keys found at offsets 0..12");
  INT_EQ(act(r, "aaqzxjkvdd"), 0, "bytes before from one anchor, after from another");
  INT_EQ(act(r, "-- ccqzxjkvbb --"), 0, "bytes before and after from two anchors");
  INT_EQ(act(r, "qzxjkvbb"), 0, "no bytes before, after from an anchor with bytes before");
  INT_EQ(act(r, "Xqzxjkvee"), 0, "word boundary still checked");
  pith_rules_free(r);
}

/* UTF-8 of code point c (below U+0800) at p; returns its length. */
static size_t put_cp2(char *p, unsigned c) {
  if (c < 0x80) return p[0] = (char)c, 1;
  p[0] = (char)(0xC0 | c >> 6);
  p[1] = (char)(0x80 | (c & 0x3F));
  return 2;
}

/* Blocks of Cyrillic and ASCII folded 16 bytes a step (fold_cyr16) fold as
 * the short patterns, which are folded a character at a time: every
 * letter U+0400..U+045F in both cases after fillers of 0..40 bytes (so at
 * every offset of a step, also split by its end) and before 16 or more,
 * and steps that stop at other non-ASCII characters. */
static void test_cyrillic_chunks(void) {
  char rules[8192];
  size_t rl = 0;
  /* rule j: "-", the small letter of capital U+0400 + j twice, "!" (no
   * word boundary) */
  for (unsigned j = 0; j < 48; j++) {
    unsigned c = 0x400 + j, lo = c < 0x410 ? c + 0x50 : c + 0x20;
    char w[8];
    size_t k = put_cp2(w, lo);
    rl += (size_t)snprintf(rules + rl, sizeof rules - rl, "drop contains:400 -%.*s%.*s!\n",
                           (int)k, w, (int)k, w);
  }
  pith_rules *r = load(rules);
  static const char *const fills[] = {"\xD0\x96", " ", "q", "\xD1\x8E", "\xD0\x81", "Z",
                                      "\xD0\xAF", "\xE2\x80\x94", "\xC2\xAB", "\xD1\xA0"};
  int bad = 0, tried = 0;
  for (int kinds = 7; kinds <= 10; kinds += 3) /* Cyrillic and ASCII; and others */
    for (size_t fl = 0; fl <= 40; fl++)
      for (unsigned j = 0; j < 96; j++) {
        char b[128], want[16];
        size_t n = 0;
        for (unsigned f = (unsigned)fl; n < fl; f = f * 7 + 3) {
          const char *x = fills[f % (unsigned)kinds];
          memcpy(b + n, x, strlen(x));
          n += strlen(x);
        }
        b[n++] = '-';
        /* j < 48: the capital, then it or its small letter; else the
         * small letter of capital j - 48 twice (folded as it is) */
        unsigned c = 0x400 + j % 48, lo = c < 0x410 ? c + 0x50 : c + 0x20;
        n += put_cp2(b + n, j < 48 ? c : lo);
        n += put_cp2(b + n, j < 48 && (fl & 1) ? c : lo);
        b[n++] = '!';
        /* and 16 bytes or more after it, so that steps take it */
        for (unsigned f = (unsigned)fl + j; n < fl + 24; f = f * 5 + 1) {
          const char *x = fills[f % (unsigned)kinds];
          memcpy(b + n, x, strlen(x));
          n += strlen(x);
        }
        b[n] = '\0';
        snprintf(want, sizeof want, "t.rules:%u", j % 48 + 1);
        const char *w = where(r, b);
        tried++;
        if (!w || strcmp(w, want) != 0) {
          if (bad++ < 5) printf("# [%s] -> %s, want %s\n", b, w ? w : "none", want);
        }
      }
  OK(tried > 7000 && bad == 0, "Cyrillic letters folded in 16-byte steps at every offset (%d tried)",
     tried);
  INT_EQ(act(r, "-\xD0\x96\xD0\x97! \xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96"),
         0, "other letters, no rule");
  pith_rules_free(r);
  /* letters past D1 9F (Ѡ U+0460 -> ѡ) end a step: folded one by one */
  r = load("drop contains:400 -\xD1\xA1\xD1\xA1!\n");
  INT_EQ(act(r, "\xD0\x96-\xD1\xA0\xD1\xA0! \xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96"),
         PITH_ACT_DROP, "Cyrillic capital omega folded after a step");
  pith_rules_free(r);
}

/* Globs "*LITERAL*" match wherever their anchor is found; other globs
 * around the same literal are still checked whole. */
static void test_star_literal(void) {
  pith_rules *r = load("drop glob *privacy policy*\n"
                       "cut glob *cookie settings*apply*\n"
                       "keep glob *\xD0\xBF\xD1\x80\xD0\xB0\xD0\xB2\xD0\xB8\xD0\xBB\xD0\xB0 \xD1\x81\xD0\xB0\xD0\xB9\xD1\x82\xD0\xB0*\n");
  INT_EQ(act(r, "privacy policy"), PITH_ACT_DROP, "the literal alone");
  INT_EQ(act(r, "Read our Privacy Policy"), PITH_ACT_DROP, "the literal at the end");
  INT_EQ(act(r, "PRIVACY POLICY and terms"), PITH_ACT_DROP, "the literal at the start");
  INT_EQ(act(r, "\xC3\xA9t\xC3\xA9 privacy policy \xC3\xA9t\xC3\xA9"), PITH_ACT_DROP,
         "the literal between two-byte letters");
  INT_EQ(act(r, "privacy polic"), 0, "the literal cut short");
  INT_EQ(act(r, "our cookie settings here"), 0, "a literal with more of the glob after it");
  INT_EQ(act(r, "cookie settings: apply"), PITH_ACT_CUT, "the whole glob");
  INT_EQ(act(r, "\xD0\x9F\xD1\x80\xD0\xB0\xD0\xB2\xD0\xB8\xD0\xBB\xD0\xB0 \xD1\x81\xD0\xB0\xD0\xB9\xD1\x82\xD0\xB0 \xD0\xB8 \xD1\x82\xD0\xB4"),
         PITH_ACT_KEEP, "a literal opening with a two-byte letter");
  pith_rules_free(r);
}

/* Prefix and suffix keys by their outer bytes: 1- and 2-byte keys sharing
 * an outer byte, and some 600 keys of 4 bytes each way (more than the
 * tables of outer three bytes hold without sharing entries). */
static void test_outer_bytes(void) {
  static char rules[65536];
  size_t rl = 0;
  rl += (size_t)snprintf(rules + rl, sizeof rules - rl,
                         "drop glob:20 q*\ncut glob:20 qu*\ndrop glob:20 *m\ncut glob:20 *pm\n");
  for (unsigned i = 0; i < 600; i++) {
    char k[4] = {(char)('a' + i % 26), (char)('a' + i / 26 % 26), (char)('b' + i % 7), 0};
    rl += (size_t)snprintf(rules + rl, sizeof rules - rl, "drop glob:40 p%s*\ndrop glob:40 *%ss\n",
                           k, k);
  }
  pith_rules *r = load(rules);
  INT_EQ(act(r, "qx"), PITH_ACT_DROP, "1-byte prefix key");
  INT_EQ(act(r, "qux"), PITH_ACT_CUT, "2-byte prefix key, same first byte");
  INT_EQ(act(r, "Qu"), PITH_ACT_CUT, "2-byte prefix key, whole block");
  INT_EQ(act(r, "am"), PITH_ACT_DROP, "1-byte suffix key");
  INT_EQ(act(r, "at 3PM"), PITH_ACT_CUT, "2-byte suffix key, same last byte");
  int bad = 0;
  for (unsigned i = 0; i < 600; i++) {
    char k[4] = {(char)('a' + i % 26), (char)('a' + i / 26 % 26), (char)('b' + i % 7), 0};
    char b[32], want[24];
    snprintf(want, sizeof want, "t.rules:%u", 5 + 2 * i);
    snprintf(b, sizeof b, "p%s and more", k);
    const char *w = where(r, b);
    if (!w || strcmp(w, want) != 0) bad++;
    snprintf(want, sizeof want, "t.rules:%u", 6 + 2 * i);
    snprintf(b, sizeof b, "some %ss", k);
    w = where(r, b);
    if (!w || strcmp(w, want) != 0) bad++;
    snprintf(b, sizeof b, "o%s and %st", k, k);
    if (where(r, b)) bad++;
  }
  INT_EQ(bad, 0, "600 prefix and 600 suffix keys of 4 bytes");
  pith_rules_free(r);
}

/* Prefix anchors that share their first 8 bytes (one chain) and differ
 * from byte 8 on, where the chain walk tests them from its packed copy
 * before reading the rule: anchors of 9..24 bytes as prefix rules and
 * globs, blocks with each of their bytes from 8 on changed, cut short,
 * in capitals. */
static void test_prefix_tails(void) {
  static char rules[8192];
  char anchor[17][32];
  size_t rl = 0;
  for (unsigned l = 9; l <= 24; l++) {
    char *a = anchor[l - 9];
    memcpy(a, "follow h", 8);
    for (unsigned j = 8; j < l; j++) a[j] = (char)('a' + (l + j) % 26);
    a[l] = 0;
    rl += (size_t)snprintf(rules + rl, sizeof rules - rl,
                           l & 1 ? "drop prefix %s\n" : "cut glob %s *\n", a);
  }
  pith_rules *r = load(rules);
  int bad = 0;
  for (unsigned l = 9; l <= 24; l++) {
    char b[sizeof anchor + 16], want[24];
    const char *a = anchor[l - 9];
    snprintf(want, sizeof want, "t.rules:%u", l - 8);
    snprintf(b, sizeof b, "%s and more", a);
    const char *w = where(r, b);
    if (!w || strcmp(w, want) != 0) bad++;
    for (size_t j = 0; b[j]; j++) b[j] = (char)(b[j] >= 'a' && b[j] <= 'z' ? b[j] - 32 : b[j]);
    w = where(r, b);
    if (!w || strcmp(w, want) != 0) bad++;
    for (unsigned p = 8; p < l; p++) {
      snprintf(b, sizeof b, "%s and more", a);
      b[p] = b[p] == 'q' ? 'r' : 'q';
      if (where(r, b)) bad++;
    }
    snprintf(b, sizeof b, "%.*s", (int)l - 1, a);
    if (where(r, b)) bad++;
  }
  INT_EQ(bad, 0, "16 prefix anchors sharing 8 bytes, changed at each later byte");
  pith_rules_free(r);
}

/* The first and last 8 bytes of blocks of 1..40 bytes, which the short
 * folds hand to the prefix and suffix probes in registers: keys of 1..9
 * bytes at both ends, in any case. */
static void test_block_ends(void) {
  static const char alpha[] = "qWeRtYuIoPaSdFgHjKlZxCvBnMmNbVcXzLkJhGfDsApOiUyTrEwQ1234567890"
                              "PlOkMiJnUhBygVtFcRdXeSzWaQ";
  char pre[4096], suf[4096];
  size_t pl = 0, sl = 0;
  for (size_t len = 1; len <= 40; len++) {
    const char *b = alpha + len;
    size_t p = len < 1 + len % 9 ? len : 1 + len % 9;
    size_t q = len < 1 + len * 5 % 9 ? len : 1 + len * 5 % 9;
    pl += (size_t)snprintf(pre + pl, sizeof pre - pl, "drop glob:60 %.*s*\n", (int)p, b);
    sl += (size_t)snprintf(suf + sl, sizeof suf - sl, "drop glob:60 *%.*s\n", (int)q,
                           b + len - q);
  }
  pith_rules *rp = load(pre), *rs = load(suf);
  int bad = 0;
  for (size_t len = 1; len <= 40; len++) {
    char b[64];
    memcpy(b, alpha + len, len);
    b[len] = '\0';
    for (size_t i = 0; i < len; i++) /* the other case */
      if (len & 1) b[i] = (char)(b[i] ^ ((b[i] | 0x20) >= 'a' && (b[i] | 0x20) <= 'z' ? 0x20 : 0));
    if (!act(rp, b) || !act(rs, b)) {
      if (bad++ < 5) printf("# missed [%s]\n", b);
    }
    char c = b[0];
    b[0] = '~';
    if (act(rp, b) && bad++ < 5) printf("# prefix hit [%s]\n", b);
    b[0] = c;
    b[len - 1] = '~';
    if (act(rs, b) && bad++ < 5) printf("# suffix hit [%s]\n", b);
  }
  INT_EQ(bad, 0, "prefix and suffix keys of 1..9 bytes on blocks of 1..40 bytes");
  pith_rules_free(rp);
  pith_rules_free(rs);
}

/* Long contains-anchors made of frequent words (their windows are chosen
 * away from the most frequent ones) are found at every offset. */
static void test_common_windows(void) {
  pith_rules *r = load("drop contains:200 is the writer for\n"
                       "cut contains:200 and the rest of the\n"
                       "keep contains:200 with your\n");
  static const char *const anchors[] = {"is the writer for", "and the rest of the", "with your"};
  static const int acts[] = {PITH_ACT_DROP, PITH_ACT_CUT, PITH_ACT_KEEP};
  int bad = 0;
  for (int a = 0; a < 3; a++)
    for (size_t lead = 0; lead <= 20; lead++) {
      char b[128];
      for (size_t i = 0; i < lead; i++) b[i] = "the and of the "[i % 15];
      b[lead] = ' ';
      strcpy(b + lead + 1, anchors[a]);
      strcat(b, lead & 1 ? " the end" : "");
      if (act(r, b) != acts[a] && bad++ < 5) printf("# missed [%s]\n", b);
    }
  INT_EQ(bad, 0, "anchors of frequent words at offsets 0..20");
  INT_EQ(act(r, "and the rest of th"), 0, "anchor cut short");
  pith_rules_free(r);
}

/* Plain ASCII blocks of 33..512 bytes are folded and scanned in one pass
 * (fold_scan), their hits walked after: window and rare-byte anchors at
 * every offset, in the last partial step, past 512 bytes (fold_to), with
 * and without the rare bytes in the same pass (fusecap 300 here). */
static void test_fold_scan(void) {
  pith_rules *r = load("drop contains:600 cookie policy\n" /* windows */
                       "cut contains:300 (afp\n"           /* rare byte */
                       "keep glob:600 *registered trademark*\n");
  static const char *const anchors[] = {"Cookie POLICY", "(AFP", "registered TRADEMARK"};
  static const int acts[] = {PITH_ACT_DROP, PITH_ACT_CUT, PITH_ACT_KEEP};
  const char *fill = "the text of a block goes on and on ";
  int bad = 0, tried = 0;
  char b[700];
  for (size_t len = 30; len <= 530; len += len < 100 ? 1 : 7) {
    for (int a = 0; a < 3; a++) {
      size_t al = strlen(anchors[a]);
      for (size_t at = 0; at + al <= len; at += len < 100 ? 1 : 5) {
        for (size_t i = 0; i < len; i++) b[i] = fill[i % strlen(fill)];
        if (at) b[at - 1] = ' ';
        memcpy(b + at, anchors[a], al);
        if (at + al < len) b[at + al] = ' ';
        b[len] = '\0';
        int want = a == 1 && len > 300 ? 0 : acts[a];
        tried++;
        if (act(r, b) != want && bad++ < 5)
          printf("# [%s] (%zu bytes, anchor %d at %zu): %d\n", b, len, a, at, act(r, b));
      }
    }
  }
  OK(tried > 10000 && bad == 0, "anchors at every offset of 30..530-byte ASCII blocks (%d tried)", tried);
  /* a block whose `chars` says ASCII but holds a two-byte letter before
   * the anchor: folded again by fold_to, the anchor still found */
  for (size_t at = 34; at < 60; at++) {
    memset(b, 'x', 100);
    b[0] = ' ';
    memcpy(b + 1, "\xC3\xA9", 2);
    b[at - 1] = ' ';
    memcpy(b + at, "cookie policy", 13);
    b[at + 13] = ' ';
    b[100] = '\0';
    pith_rule_hit h;
    INT_EQ(pith_rules_match(r, b, 100, 100, &scratch, &h) ? h.action : 0, PITH_ACT_DROP,
           "non-ASCII byte before the anchor at %zu", at);
  }
  /* blocks with dashes, curly quotes and other characters at every offset
   * across the chunks (fold_scan takes U+2000..U+203F, fold_to the rest):
   * the anchor after them found, in capitals, and only whole */
  static const char *const odd[] = {"\xE2\x80\x94", "\xE2\x80\x99", "\xE2\x80\xA6",
                                    "\xE2\x80\x80", "\xC3\xA9", "\xC3\x89", "\xE2\x81\x84",
                                    "\xD0\x96"};
  bad = 0;
  for (int o = 0; o < 8; o++) {
    for (size_t at = 0; at < 60; at++) {
      size_t n = 0, ol = strlen(odd[o]);
      for (; n < at; n++) b[n] = "Some words "[n % 11];
      memcpy(b + n, odd[o], ol);
      n += ol;
      for (size_t i = 0; i < 30; i++) b[n++] = "and More "[i % 9];
      memcpy(b + n, " Cookie POLICY ", 15);
      n += 15;
      memcpy(b + n, odd[(o + at) % 8], strlen(odd[(o + at) % 8]));
      n += strlen(odd[(o + at) % 8]);
      b[n] = '\0';
      if (act(r, b) != PITH_ACT_DROP && bad++ < 5) printf("# missed [%s]\n", b);
      memcpy(b + n - strlen(odd[(o + at) % 8]) - 7, "polic", 5); /* "polic" + " " */
      b[n - strlen(odd[(o + at) % 8]) - 2] = 'x';
      if (act(r, b) != 0 && bad++ < 5) printf("# hit [%s]\n", b);
    }
  }
  INT_EQ(bad, 0, "anchors after dashes, quotes and letters at offsets 0..59");
  pith_rules_free(r);
  /* an anchor holding a dash, after capitals that fold to two bytes */
  r = load("drop contains:200 d\xC3\xA9j\xC3\xA0 vu \xE2\x80\x94 here\n");
  for (size_t at = 0; at < 40; at++) {
    size_t n = 0;
    for (; n < at; n++) b[n] = "Words and more "[n % 15];
    n += (size_t)snprintf(b + n, sizeof b - n, " D\xC3\x89J\xC3\x80 VU \xE2\x80\x94 HERE and more text");
    INT_EQ(act(r, b), PITH_ACT_DROP, "capital letters and a dash in the anchor, at %zu", at);
  }
  pith_rules_free(r);
}

/* Window chains of many groups (anchors sharing a window key, with other
 * bytes after it or at other offsets), their groups copied together after
 * each parse: every anchor found, also those a second parse adds to the
 * chains of the first. */
static void test_window_groups(void) {
  static const char *const anchors[] = {
      "zqxj window one", "zqxj window two", "zqxjkv three", "a zqxj four", "ab zqxj five",
      "zqxj window one and more", "the zqxj six", "zqxj-seven", "zqxj eight!", "x zqxj nine"};
  char text[1024];
  size_t len = 0;
  for (int k = 0; k < 10; k++)
    len += (size_t)snprintf(text + len, sizeof text - len, "drop contains:150 %s\n", anchors[k]);
  for (int split = 0; split <= 10; split += 5) {
    /* the rules in one parse, or in two (the second adds to the chains) */
    pith_rules *r = pith_rules_new();
    char err[256];
    size_t cut = 0;
    for (int k = 0; k < split; k++) cut = (size_t)(strchr(text + cut, '\n') - text) + 1;
    int rc = pith_rules_parse(r, "a.rules", text, cut, err, sizeof err);
    rc |= pith_rules_parse(r, "b.rules", text + cut, len - cut, err, sizeof err);
    INT_EQ(rc, PITH_OK, "parsed in two at rule %d", split);
    int bad = 0;
    for (int k = 0; k < 10; k++) {
      for (size_t lead = 0; lead < 9; lead++) {
        char b[128];
        size_t n = 0;
        for (; n < lead; n++) b[n] = "filler  "[n % 8];
        b[n++] = ' ';
        n += (size_t)snprintf(b + n, sizeof b - n, "%s", anchors[k]);
        snprintf(b + n, sizeof b - n, "%s", lead & 1 ? " and the rest" : "");
        if (act(r, b) != PITH_ACT_DROP && bad++ < 5) printf("# missed [%s]\n", b);
      }
    }
    INT_EQ(bad, 0, "anchors of a 10-group chain at offsets 0..8 (parse split at %d)", split);
    INT_EQ(act(r, "zqxj window three"), 0, "a key hit matching no group");
    INT_EQ(act(r, "a zqxj fou"), 0, "a group's anchor cut short");
    pith_rules_free(r);
  }
}

/* Window keys tested first against the union of the masks of the keys
 * sharing their hash bits (near): 400 anchors (1,600 keys in 1,024
 * buckets) found with other bytes around them, each cut short not. */
static void test_window_buckets(void) {
  static char text[400 * 40];
  char anchors[400][16];
  size_t len = 0;
  for (int k = 0; k < 400; k++) {
    /* distinct 9-letter anchors: digits of k spelled in letters */
    snprintf(anchors[k], sizeof anchors[k], "%c%c%cvo%c%c%cz", 'a' + k % 7, 'b' + k / 7 % 11,
             'c' + k / 77 % 13, 'k' + k % 5, 'q' + k / 5 % 8, 'e' + k % 3);
    len += (size_t)snprintf(text + len, sizeof text - len, "drop contains:100 %s\n", anchors[k]);
  }
  pith_rules *r = load(text);
  int bad = 0;
  for (int k = 0; k < 400; k++) {
    char b[64];
    snprintf(b, sizeof b, "%.*s %.15s %s", k % 5, "xyzw:", anchors[k], k & 1 ? "and more" : "");
    if (act(r, b) != PITH_ACT_DROP && bad++ < 5) printf("# missed [%s]\n", b);
    snprintf(b, sizeof b, "%.*s %.8s", k % 5, "xyzw:", anchors[k]);
    if (act(r, b) != 0 && bad++ < 5) printf("# hit [%s]\n", b);
  }
  INT_EQ(bad, 0, "400 anchors whose window keys share near buckets");
  pith_rules_free(r);
}

static void expect_error(const char *text, const char *prefix, const char *what) {
  pith_rules *r = pith_rules_new();
  char err[256] = "";
  int rc = pith_rules_parse(r, "bad.rules", text, strlen(text), err, sizeof err);
  INT_EQ(rc, PITH_ERULES, "%s: PITH_ERULES", what);
  OK(strncmp(err, prefix, strlen(prefix)) == 0 && strlen(err) > strlen(prefix) + 5,
     "%s: message [%s]", what, err);
  pith_rules_free(r);
}

static void test_errors(void) {
  expect_error("# ok\ndrop exact fine\nremove exact x\n", "bad.rules:3: ", "unknown action");
  expect_error("drop fuzzy x\n", "bad.rules:1: ", "unknown match kind");
  expect_error("\n\ndrop prefix:abc x\n", "bad.rules:3: ", "bad MAXLEN");
  expect_error("drop prefix:0 x\n", "bad.rules:1: ", "zero MAXLEN");
  expect_error("drop prefix   \n", "bad.rules:1: ", "empty pattern");
  expect_error("drop\n", "bad.rules:1: ", "missing match");
  expect_error("drop glob {a,b\n", "bad.rules:1: ", "unbalanced braces");
  expect_error("drop glob a}b\n", "bad.rules:1: ", "stray close brace");
  expect_error("drop regex (abc\n", "bad.rules:1: ", "bad regex");
  /* stacked repetitions: a few copies of "a**" took minutes in glibc */
  expect_error("drop regex a**+++++++++++++\n", "bad.rules:1: ", "stacked stars, copied");
  expect_error("drop regex x+?\n", "bad.rules:1: ", "stacked + ?");
  expect_error("drop regex x{2}*\n", "bad.rules:1: ", "stacked bound and star");
  expect_error("drop regex ((a{99}){99}){99}\n", "bad.rules:1: ", "nested bounds");
  {
    pith_rules *ok = load("drop regex (a*)*b\ndrop regex ^x{2,3}y?\\*+$\n");
    INT_EQ(pith_rules_count(ok), 2, "a starred group and a repeated escaped star are not stacked");
    INT_EQ(act(ok, "xxy**"), PITH_ACT_DROP, "x{2,3}y?\\*+ matches");
    pith_rules_free(ok);
  }
  expect_error("capture=colour prefix x\n", "bad.rules:1: ", "unknown field");
  expect_error("drop glob {a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}\n",
               "bad.rules:1: ", "too many expansions");
  pith_rules *r = pith_rules_new();
  char err[256] = "";
  static const char nul[] = "drop exact fine\ndrop contains:80 a\0b\n";
  INT_EQ(pith_rules_parse(r, "nul.rules", nul, sizeof nul - 1, err, sizeof err),
         PITH_ERULES, "NUL byte in a rule: PITH_ERULES");
  OK(strncmp(err, "nul.rules:2: NUL", 16) == 0, "NUL byte: message [%s]", err);
  pith_rules_free(r);
  r = pith_rules_new();
  const char *ok = "drop exact a\r\ndrop prefix b\r\n";
  INT_EQ(pith_rules_parse(r, "crlf.rules", ok, strlen(ok), NULL, 0), PITH_OK,
         "CRLF lines parse");
  INT_EQ(act(r, "A"), PITH_ACT_DROP, "CR is not part of the pattern");
  pith_rules_free(r);
}

static void test_scale(void) {
  /* Many rules of every kind: all still found through their buckets. */
  pith_buf text = PITH_BUF_INIT;
  for (int i = 0; i < 300; i++) {
    const char *kind[] = {"exact", "prefix", "suffix", "contains", "glob"};
    pith_buf_printf(&text, "drop %s w%dq%s\n", kind[i % 5], i,
                    i % 5 == 4 ? " *" : "");
  }
  pith_rules *r = load(pith_buf_cstr(&text));
  INT_EQ(pith_rules_count(r), 300, "300 rules");
  OK(act(r, "w0q") && act(r, "w1q tail") && act(r, "head w2q") &&
         act(r, "a w3q b") && act(r, "w4q anything") && act(r, "W299Q X"),
     "each kind found among 300 rules");
  OK(!act(r, "w1qx tail") && !act(r, "nothing here at all"), "no false hits");
  pith_buf_free(&text);
  pith_rules_free(r);
}

int main(void) {
  {
    char err[256];
    pith_rules *ar = pith_rules_new();
    OK(pith_rules_parse(ar, "aside.rules", "aside exact advertisement\n", 26, err,
                        sizeof err) == PITH_OK, "aside is an action");
    pith_buf sc = PITH_BUF_INIT;
    pith_rule_hit h;
    OK(pith_rules_match(ar, "Advertisement", 13, 13, &sc, &h) &&
           h.action == PITH_ACT_ASIDE, "aside rule matches with its action");
    pith_buf_free(&sc);
    pith_rules_free(ar);
  }

  test_kinds();
  test_actions();
  test_caps();
  test_priority();
  test_glob();
  test_unicode();
  test_errors();
  test_scale();
  test_offsets();
  test_short_fold();
  test_glob_paths();
  test_short_keys();
  test_window_ends();
  test_long_windows();
  test_window_sides();
  test_cyrillic_chunks();
  test_star_literal();
  test_outer_bytes();
  test_prefix_tails();
  test_block_ends();
  test_common_windows();
  test_fold_scan();
  test_window_groups();
  test_window_buckets();
  pith_buf_free(&scratch);
  return test_done();
}
