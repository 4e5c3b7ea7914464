/* Stop-word lists: built-in sets, word counting, language choice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "stoplist.h"
#include "textfold.h"

static const char *detect(const pith_stopsets *s, const char *text) {
  const char *texts[1] = {text};
  size_t lens[1] = {strlen(text)};
  const pith_stoplist *l = pith_stopsets_detect(s, texts, lens, 1, 0.15);
  return l ? pith_stoplist_lang(l) : NULL;
}

static const pith_stoplist *list_of(const pith_stopsets *s, const char *lang) {
  /* detect on a text made of that language's own stop words */
  static const struct {
    const char *lang, *text;
  } probe[] = {
      {"en", "the of and to in is it that for"},
      {"de", "der die und nicht das ist ich sie es"},
      {"zh", "的 了 是 在 我 他 这 不 有"},
  };
  for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
    if (strcmp(probe[i].lang, lang) != 0) continue;
    const char *t[1] = {probe[i].text};
    size_t n[1] = {strlen(probe[i].text)};
    return pith_stopsets_detect(s, t, n, 1, 0.0);
  }
  return NULL;
}

static void test_detect(const pith_stopsets *s) {
  STR_EQ(detect(s, "The council said that it would not raise taxes this year, "
                   "but many of the residents were not convinced by the plan."),
         "en", "English");
  STR_EQ(detect(s, "Die Stadt hat am Montag mitgeteilt, dass die Brücke wegen "
                   "der Bauarbeiten noch bis zum Sommer gesperrt bleibt."),
         "de", "German");
  STR_EQ(detect(s, "Le maire a annoncé que les travaux de la place centrale "
                   "seront terminés avant l'été, selon un communiqué."),
         "fr", "French");
  STR_EQ(detect(s, "El gobierno anunció que las obras del puerto estarán "
                   "terminadas antes del verano, según un comunicado."),
         "es", "Spanish");
  STR_EQ(detect(s, "Мэр города заявил, что ремонт моста будет закончен до "
                   "конца лета, но жители не очень в это верят."),
         "ru", "Russian");
  STR_EQ(detect(s, "市政府周一表示，这座桥的维修工作将在夏天之前完成，但是很多居民"
                   "对这个计划并不满意。"),
         "zh", "Chinese");
  STR_EQ(detect(s, "市は月曜日に、橋の修理は夏までに終わると発表したが、多くの住民"
                   "はその計画に満足していない。"),
         "ja", "Japanese");
  STR_EQ(detect(s, "Xq zvrt plokm wazzu grr kjjh bvvp trrrk mnnb qwwx."), NULL,
         "gibberish: no language");
  STR_EQ(detect(s, ""), NULL, "empty text: no language");
  STR_EQ(detect(s, "Der Bürgermeister said the bridge is closed. Die Brücke "
                   "ist gesperrt und das ist nicht gut für die Stadt und die "
                   "Leute, die hier wohnen."),
         "de", "mixed German/English picks the dominant one");
  const char *texts[2] = {"Der Hund und die Katze.", "Das ist nicht wahr."};
  size_t lens[2] = {strlen(texts[0]), strlen(texts[1])};
  const pith_stoplist *l = pith_stopsets_detect(s, texts, lens, 2, 0.15);
  STR_EQ(l ? pith_stoplist_lang(l) : NULL, "de", "several texts are pooled");
}

static void test_counting(const pith_stopsets *s) {
  const pith_stoplist *en = list_of(s, "en");
  OK(en && strcmp(pith_stoplist_lang(en), "en") == 0, "English list present");
  OK(!pith_stoplist_cjk(en), "English is not CJK");
  OK(pith_stoplist_has(en, "the", 3) && !pith_stoplist_has(en, "bridge", 6),
     "has: 'the' yes, 'bridge' no");
  OK(!pith_stoplist_has(en, "click", 5), "web words are not stop words");
  uint32_t w = 0, st = 0;
  pith_stoplist_count(en, "The cat sat on THE mat, and it's 42 degrees!", 44,
                      &w, &st);
  INT_EQ(w, 10, "words: letters/digits/apostrophes runs");
  INT_EQ(st, 5, "stops: the, on, THE, and, it's");
  pith_stoplist_count(NULL, "one two three", 13, &w, &st);
  INT_EQ(w, 3, "words without a list");
  INT_EQ(st, 0, "no list, no stops");
  pith_stoplist_count(en, "'quoted' words''", 16, &w, &st);
  INT_EQ(w, 2, "outer apostrophes are not words");
  w = st = 9;
  pith_stoplist_count(en, NULL, 0, &w, &st);
  OK(w == 0 && st == 0, "no text (NULL, 0): no words, no stops");

  const pith_stoplist *de = list_of(s, "de");
  pith_stoplist_count(de, "DASS ÜBER daß", 15, &w, &st);
  INT_EQ(w, 3, "German words");
  INT_EQ(st, 3, "non-ASCII case folding (ÜBER, daß)");

  const pith_stoplist *zh = list_of(s, "zh");
  OK(zh && pith_stoplist_cjk(zh), "zh is CJK");
  const char *mix = "我的iPhone 15在这里";
  pith_stoplist_count(zh, mix, strlen(mix), &w, &st);
  INT_EQ(w, 7, "CJK characters and Latin words both count");
  INT_EQ(st, 4, "CJK stop characters 我 的 在 这");
}

static const pith_stopsets *sets; /* for pith_stopsets_count_words */

/* Words and stop words of text with list `l`, text placed after `pad`
 * spaces so that its words meet every 8- and 64-byte boundary of the
 * scanner's windows. */
static void count_at(const pith_stoplist *l, const char *text, size_t pad,
                     uint32_t *w, uint32_t *st) {
  size_t n = strlen(text);
  char *buf = malloc(pad + n); /* no terminator: reads past the end show */
  if (!buf) {
    *w = *st = UINT32_MAX;
    return;
  }
  memset(buf, ' ', pad);
  memcpy(buf + pad, text, n);
  pith_stoplist_count(l, buf, pad + n, w, st);
  if (!l && pith_stopsets_count_words(sets, buf, pad + n) != *w) *w = UINT32_MAX - 1;
  free(buf);
}

/* The same counts at every offset 0..150, with and without a list. */
static void same_at_every_offset(const pith_stoplist *l, const char *text,
                                 uint32_t want_w, uint32_t want_st,
                                 const char *what) {
  int bad = 0;
  for (size_t pad = 0; pad <= 150 && !bad; pad++) {
    uint32_t w, st, w0, st0;
    count_at(l, text, pad, &w, &st);
    count_at(NULL, text, pad, &w0, &st0);
    if (w != want_w || st != want_st || w0 != want_w || st0 != 0) {
      bad = 1;
      fprintf(stderr, "# %s at offset %zu: %u words %u stops (no list: %u)\n",
              what, pad, w, st, w0);
    }
  }
  OK(!bad, "%s: %u words, %u stop words at every offset", what, want_w,
     want_st);
}

static void test_boundaries(const pith_stopsets *s) {
  const pith_stoplist *en = list_of(s, "en"), *de = list_of(s, "de");
  same_at_every_offset(en, "the", 1, 1, "a lone stop word ends the text");
  same_at_every_offset(en, "The cat sat on the mat and", 7, 4,
                       "short words, the last one at the end");
  same_at_every_offset(en, "it's don't dogs' cats'", 4, 1,
                       "ASCII apostrophes: inner and trailing");
  same_at_every_offset(en, "it's", 1, 1, "an apostrophe word ends the text");
  same_at_every_offset(en, "dogs'", 1, 0, "a trailing apostrophe ends the text");
  same_at_every_offset(en, "a''b 'quoted' rock'n'roll x'", 4, 1,
                       "apostrophe runs (a''b is a'b: 'a' by elision), outer ones");
  same_at_every_offset(en, "it\xE2\x80\x99s \xE2\x80\x9Cthe\xE2\x80\x9D and\xE2\x80\x94or", 4, 4,
                       "curly apostrophe, quotes and dash around words");
  same_at_every_offset(de, "\xC3\x9C" "BER daß \xC3\xBC" "ber Stra\xC3\x9F" "e", 4, 3,
                       "non-ASCII letters inside and at the start of words");
  same_at_every_offset(en, "internationalization and", 2, 1,
                       "a word longer than 8 bytes");
  same_at_every_offset(en,
                       "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl the",
                       2, 1, "a 64-byte word, then a stop word");
  same_at_every_offset(en,
                       "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz and",
                       2, 1, "a word longer than 64 bytes");
  same_at_every_offset(en,
                       "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop's the",
                       2, 1, "a long word with an apostrophe");
  const char *ru_text = "\xD0\x9C\xD1\x8D\xD1\x80 \xD1\x81\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xBB, "
                        "\xD1\x87\xD1\x82\xD0\xBE \xD0\x92 \xC2\xAB\xD0\xBD\xD0\xB5\xC2\xBB it's "
                        "\xD0\x9D\xD0\x95\xE2\x80\x94\xD0\xBD\xD0\xB0";
  const char *ru_stops[1] = {"\xD0\xB8 \xD0\xB2 \xD0\xBD\xD0\xB5 \xD0\xBD\xD0\xB0 \xD1\x87\xD1\x82\xD0\xBE"};
  size_t ru_len[1] = {strlen(ru_stops[0])};
  const pith_stoplist *ru = pith_stopsets_detect(s, ru_stops, ru_len, 1, 0.0);
  same_at_every_offset(ru, ru_text, 8, 6,
                       "Cyrillic words (folded), guillemets, dash, an English word");
  same_at_every_offset(de, "caf\xC3\xA9 \xC3\xBC" "ber d\xC3\xBC" "rfen\xC2\xA0und", 4, 3,
                       "ASCII then 2-byte letters, no-break space");
  const pith_stoplist *zh = list_of(s, "zh");
  same_at_every_offset(zh, "我的iPhone 15在这里", 7, 4, "CJK after and before Latin");
  /* words-only lines of 1..40 bytes (one block, two overlapping blocks,
   * longer) cut from plain, apostrophe and 2-byte text, against the
   * counter with a list */
  static const char *lines[] = {"Home News Sport a b c d Weather 42 x9 Travel Go",
                                "it's a dog's life o'clock tea' ' x",
                                "Caf\xC3\xA9 Men\xC3\xBC \xC2\xB7 Kontakt \xD0\x9C\xD0\xB8\xD1\x80 z",
                                /* classes of the block counter: Latin-1 and
                                 * Extended letters, U+00D7/U+00F7, Cyrillic,
                                 * U+2000..U+203F, U+2019 after and between
                                 * letters, others (Greek, U+0240+) aside */
                                "\xC3\x80\xC4\x80\xC5\x93\xC6\x80\xC7\xBF\xC8\xBF 2\xC3\x97" "3 4\xC3\xB7"
                                "5 \xD0\x80\xD1\xBF \xD1\x8F\xE2\x80\xA6x \xE2\x80\x8By\xE2\x80\xBFz "
                                "it\xE2\x80\x99s \xE2\x80\x99" "a\xE2\x80\x99\xE2\x80\x99" "b\xE2\x80\x99 'c'"
                                "\xE2\x80\x99'd \xCE\xB1\xCE\xB2 \xC9\x80\xC9\x90 \xC2\xAA\xE2\x81\x80q",
                                /* code points the block counter leaves to the
                                 * byte loop, then ASCII words in the same block:
                                 * € ™ 日本語 Ωmega 가나 */
                                "\xE2\x82\xAC" "5 x \xE2\x84\xA2y \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"
                                "abc \xCE\xA9mega one two \xEA\xB0\x80\xEB\x82\x98 d e f g h"};
  int bad = 0;
  for (size_t k = 0; k < sizeof lines / sizeof *lines; k++)
    for (size_t n = 0; n <= 200 && n <= strlen(lines[k]); n++) {
      uint32_t w, st;
      pith_stoplist_count(en, lines[k], n, &w, &st);
      if (pith_stopsets_count_words(s, lines[k], n) != w) bad++;
    }
  OK(!bad, "words-only counter on lines of 0..200 bytes");
  /* the same lines from every offset up to 40: their bytes at every place
   * of the counter's 16- and 32-byte blocks, sequences across them */
  bad = 0;
  for (size_t k = 0; k < sizeof lines / sizeof *lines; k++)
    for (size_t a = 0; a <= 40 && a <= strlen(lines[k]); a++) {
      size_t n = strlen(lines[k]) - a;
      char *text = malloc(n + 1); /* exact size: reads past the end show */
      if (!text) continue;
      memcpy(text, lines[k] + a, n);
      uint32_t w, st;
      pith_stoplist_count(en, text, n, &w, &st);
      if (pith_stopsets_count_words(s, text, n) != w) bad++;
      free(text);
    }
  OK(!bad, "words-only counter on lines from every offset");
  /* the block counter takes these for letters, and U+2000..U+203F (but
   * U+2019) for separators, without decoding */
  bad = 0;
  for (int32_t cp = 0xC0; cp <= 0x47F; cp++)
    if ((cp < 0x240 && cp != 0xD7 && cp != 0xF7) || cp >= 0x400) bad += !pith_is_alnum_cp(cp);
  for (int32_t cp = 0x2000; cp <= 0x203F; cp++) bad += pith_is_alnum_cp(cp);
  OK(!bad, "letter and separator classes of the words-only counter");
}

/* Lines added by the text front end get the words of the stop-word
 * counter (or 0: counted later), their code points and separators. */
static void test_line_words(const pith_stopsets *s) {
  static const char *lines[] = {"Home News Sport a b c d Weather 42 x9 Travel Go now and then, in 2024",
                                "Home | News | Sport | Weather | 42 |x| y |",
                                "it's a dog's life o'clock tea' ' x -- 1.5 (b)",
                                "Caf\xC3\xA9 Men\xC3\xBC \xC2\xB7 Kontakt \xD0\x9C\xD0\xB8 z |"};
  int bad = 0;
  for (size_t k = 0; k < sizeof lines / sizeof *lines; k++)
    for (size_t a = 0; a < strlen(lines[k]); a++)
      for (size_t n = 1; a + n <= strlen(lines[k]) && n <= 70; n++) {
        char buf[96];
        memset(buf, 0, sizeof buf); /* the front end's zero padding */
        memcpy(buf, lines[k] + a, n);
        pith_doc d;
        pith_doc_init(&d, NULL);
        pith_block *b = pith_doc_add_line(&d, buf, n, 1);
        if (b) {
          uint32_t conts = 0, bars = 0;
          for (uint32_t i = 0; i < b->len; i++) {
            conts += ((unsigned char)b->text[i] & 0xC0) == 0x80;
            bars += b->text[i] == '|' && i + 1 < b->len;
          }
          uint32_t w = pith_stopsets_count_words(s, b->text, b->len);
          int utf8 = conts > 0;
          if ((b->words && b->words != w) || b->chars != b->len - conts ||
              (!utf8 && b->seps != bars)) {
            bad++;
            fprintf(stderr, "# line [%.*s]: words %u (want %u), chars %u, seps %u\n",
                    (int)b->len, b->text, b->words, w, b->chars, b->seps);
          }
        }
        pith_doc_free(&d);
      }
  OK(!bad, "words, chars and separators of lines as they are added");
}

/* Counts of the chosen list given by the language choice match
 * pith_stoplist_count, text by text. */
static void test_detect_each(const pith_stopsets *s) {
  const char *texts[3] = {
      "The council said that it's not going to raise taxes this year,",
      ("but many of the residents \xE2\x80\x94 who'd heard it all before \xE2\x80\x94 "
       "were not convinced by the plan that the mayor's office put forward."),
      "x"};
  size_t lens[3] = {strlen(texts[0]), strlen(texts[1]), strlen(texts[2])};
  uint32_t words[3], stops[3];
  const pith_stoplist *l =
      pith_stopsets_detect_each(s, texts, lens, 3, 0.15, words, stops);
  STR_EQ(l ? pith_stoplist_lang(l) : NULL, "en", "detect_each picks English");
  for (int i = 0; i < 3; i++) {
    uint32_t w, st;
    pith_stoplist_count(l, texts[i], lens[i], &w, &st);
    INT_EQ(words[i], w, "detect_each words of text %d", i);
    INT_EQ(stops[i], st, "detect_each stop words of text %d", i);
  }
  /* many texts of 0 to some 300 stop words: each text's count taken from
   * a range of the packed hits, ranges over 64 hits and past 4096 */
  enum { N = 120 };
  static char big[N][2400];
  const char *bt[N];
  size_t bl[N];
  uint32_t bw[N], bs[N];
  for (int i = 0; i < N; i++) {
    size_t o = 0, reps = (size_t)(i * 37 % 101) % 97;
    for (size_t r = 0; r < reps && o + 24 < sizeof big[i]; r++)
      o += (size_t)snprintf(big[i] + o, sizeof big[i] - o, r % 3 ? "of the %zu cats " : "and x%zu ", r);
    big[i][o] = '\0';
    bt[i] = big[i];
    bl[i] = o;
  }
  l = pith_stopsets_detect_each(s, bt, bl, N, 0.15, bw, bs);
  int bad = !l;
  for (int i = 0; l && i < N; i++) {
    uint32_t w, st;
    pith_stoplist_count(l, bt[i], bl[i], &w, &st);
    bad += w != bw[i] || st != bs[i];
  }
  OK(!bad, "detect_each counts of %d texts of up to 300 stop words", N);
}

/* pith_stoplist_count_dense against pith_stoplist_count: the words
 * exact; the stop words exact or, once they reach the density, at least
 * the fewest that do and never above the full count, so that the density
 * compares the same. Texts of 900+ bytes (14+ windows) of mixed pieces,
 * shifted so that window boundaries fall everywhere; odd seeds open with
 * stop words only (the lookups pause early, then the hits fall short). */
static void test_dense(const pith_stopsets *s) {
  static const char *parts[] = {"the cat and the dog ", "it's a dog's life, o'clock ",
                                "Caf\xC3\xA9 \xC3\xBC" "ber Stra\xC3\x9F" "e ",
                                "\xE2\x80\x9Cquoted\xE2\x80\x9D and\xE2\x80\x94or ",
                                "internationalization of ", "x y z w v u t ",
                                "\xE6\x88\x91\xE7\x9A\x84 ", "'' ' a'b it\xE2\x80\x99s "};
  static const double dens[] = {0.05, 0.2, 0.3, 0.32, 0.5, 0.9, 1.0};
  const pith_stoplist *lists[2] = {list_of(s, "en"), list_of(s, "de")};
  int bad = 0;
  for (unsigned seed = 0; seed < 40; seed++)
    for (size_t pad = 0; pad < 70; pad += 3) {
      char buf[1100];
      size_t n = pad;
      unsigned x = seed * 2654435761u + 1;
      memset(buf, ' ', pad);
      while (n < 900) {
        x = x * 1103515245u + 12345u;
        const char *p = parts[seed % 2 && n < 400 ? 0 : (x >> 16) % 8];
        memcpy(buf + n, p, strlen(p));
        n += strlen(p);
      }
      char *text = malloc(n); /* exact size: reads past the end show */
      if (!text) continue;
      memcpy(text, buf, n);
      for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < sizeof dens / sizeof *dens; j++) {
          uint32_t w, st, fw, fst;
          pith_stoplist_count(lists[k], text, n, &fw, &fst);
          pith_stoplist_count_dense(lists[k], text, n, dens[j], &w, &st);
          int full = (double)fst / fw >= dens[j], got = (double)st / w >= dens[j];
          if (w != fw || st > fst || got != full || (!got && st != fst)) {
            bad++;
            fprintf(stderr, "# seed %u pad %zu list %d density %.2f: %u/%u words, %u/%u stops\n",
                    seed, pad, k, dens[j], w, fw, st, fst);
          }
        }
      free(text);
    }
  OK(!bad, "count_dense: exact words, stop words up to the density");
  uint32_t w = 9, st = 9;
  pith_stoplist_count_dense(lists[0], NULL, 0, 0.32, &w, &st);
  OK(w == 0 && st == 0, "count_dense: no text, no words");
}

/* UTF-8 of cp (< U+0800) at out; its length. */
static size_t put_cp2(int32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  out[0] = (char)(0xC0 | cp >> 6);
  out[1] = (char)(0x80 | (cp & 0x3F));
  return 2;
}

/* Russian words (the counter's fast path folds U+0400..U+045F and ASCII
 * by byte offsets): every letter alone, lower-case words in upper, title
 * and mixed case, with ASCII letters and digits, of up to 40 bytes, at
 * the end of the text and before apostrophes and other separators; the
 * stop words against each word folded by pith_fold_cp and looked up. */
static void test_cyrillic(const pith_stopsets *s) {
  const char *ru_stops[1] = {"\xD0\xB8 \xD0\xB2 \xD0\xBD\xD0\xB5 \xD0\xBD\xD0\xB0 \xD1\x87\xD1\x82\xD0\xBE"};
  size_t ru_len[1] = {strlen(ru_stops[0])};
  const pith_stoplist *ru = pith_stopsets_detect(s, ru_stops, ru_len, 1, 0.0);
  /* lower-case words as code points (0-terminated), some stop words */
  static const int32_t words[][20] = {
      {0x447, 0x442, 0x43E},                      /* что */
      {0x44D, 0x442, 0x43E},                      /* это */
      {0x435, 0x449, 0x451},                      /* ещё */
      {0x432},                                    /* в */
      {0x43C, 0x435, 0x436, 0x434, 0x443},        /* между */
      {0x43F, 0x43E, 0x442, 0x43E, 0x43C, 0x443}, /* потому */
      {0x43A, 0x43E, 0x442, 0x43E, 0x440, 0x44B, 0x435}, /* которые */
      {0x441, 0x43E, 0x43E, 0x431, 0x449, 0x438, 0x43B, 0x438}, /* сообщили */
      {0x456, 0x457, 0x45E, 0x452, 0x45F, 0x450, 0x45D, 0x453}, /* і ї ў ђ џ ѐ ѝ ѓ */
      /* действительно, пожалуйста: capitals past byte 16 */
      {0x434, 0x435, 0x439, 0x441, 0x442, 0x432, 0x438, 0x442, 0x435, 0x43B, 0x44C, 0x43D, 0x43E},
      {0x43F, 0x43E, 0x436, 0x430, 0x43B, 0x443, 0x439, 0x441, 0x442, 0x430},
      {'i', 'p', 'h', 'o', 'n', 'e', 0x447, 0x442, 0x43E, '2', '0'},
      {0x43F, 0x440, 0x43E, 0x438, 0x437, 0x432, 0x435, 0x434, 0x435, 0x43D, 0x438, 0x44F, 0x43C,
       0x438, 0x43F, 0x440, 0x43E, 0x438, 0x437}, /* 38 bytes */
      {0x43F, 0x440, 0x43E, 0x438, 0x437, 0x432, 0x435, 0x434, 0x435, 0x43D, 0x438, 0x44F, 0x43C,
       0x438, 0x43F, 0x440}, /* 32 bytes */
      {0x43F, 0x440, 0x43E, 0x438, 0x437, 0x432, 0x435, 0x434, 0x435, 0x43D, 0x438, 0x44F, 0x43C,
       0x438, 0x43F}, /* 30 bytes */
  };
  static const char *seps[] = {" ", ", ", ". ", "' ", "\xE2\x80\x94", "\xC2\xAB", "-", "\n"};
  char text[4096], f[16];
  size_t n = 0;
  uint32_t want_w = 0, want_st = 0;
  for (int32_t cp = 0x400; cp <= 0x45F; cp++) { /* every letter alone */
    n += put_cp2(cp, text + n);
    text[n++] = ' ';
    want_w++;
    want_st += (uint32_t)pith_stoplist_has(ru, f, pith_fold_cp(cp, f));
  }
  for (size_t k = 0; k < sizeof words / sizeof *words; k++)
    for (int cases = 0; cases < 4; cases++) { /* lower, upper, title, mixed */
      char fold[64];
      size_t fn = 0;
      for (size_t j = 0; words[k][j]; j++) {
        int32_t cp = words[k][j], up = cp;
        if (cases == 1 || (cases == 2 && j == 0) || (cases == 3 && j % 2)) {
          if (cp >= 'a' && cp <= 'z') up = cp - 0x20;
          else if (cp >= 0x430 && cp <= 0x44F) up = cp - 0x20;
          else if (cp >= 0x450 && cp <= 0x45F) up = cp - 0x50;
        }
        n += put_cp2(up, text + n);
        if (up < 0x80) fold[fn++] = (char)(up | 0x20);
        else fn += pith_fold_cp(up, fold + fn);
      }
      want_w++;
      want_st += (uint32_t)pith_stoplist_has(ru, fold, fn);
      const char *sep = seps[(k * 4 + (size_t)cases) % (sizeof seps / sizeof *seps)];
      memcpy(text + n, sep, strlen(sep));
      n += strlen(sep);
    }
  text[n] = '\0';
  OK(want_st >= 8, "Russian stop words among the test words (%u)", want_st);
  same_at_every_offset(ru, text, want_w, want_st,
                       "Russian words in every case, of every length, between separators");
  /* the text cut at every length: a word cut short at the end counts as
   * itself (the text from the cut's word start on) */
  int bad = 0;
  for (size_t len = 0; len <= n; len++) {
    size_t cut = len;
    while (cut > 0 && text[cut - 1] != ' ') cut--;
    uint32_t w1, st1, w2, st2, w3, st3;
    pith_stoplist_count(ru, text, len, &w1, &st1);
    pith_stoplist_count(ru, text, cut, &w2, &st2);
    pith_stoplist_count(ru, text + cut, len - cut, &w3, &st3);
    bad += w1 != w2 + w3 || st1 != st2 + st3;
  }
  OK(!bad, "Russian words cut at every length");
}

/* A run of CJK characters (ideographs, kana, one of 4 bytes) and CJK
 * punctuation over several windows: each character a word, the stop
 * characters those the list has, at every offset and cut anywhere. */
static void test_cjk_run(const pith_stopsets *s) {
  const pith_stoplist *zh = list_of(s, "zh");
  static const char *chars[] = {"我", "的", "在", "这", "是", "了", "不", "有", "人", "桥", "夏",
                                "天", "之", "前", "完", "成", "か", "な", "カ", "ナ", "\xF0\xA0\x80\x80"};
  char text[2048];
  size_t n = 0;
  uint32_t want_w = 0, want_st = 0;
  for (unsigned i = 0; i < 150; i++) {
    const char *ch = chars[(i * 7) % (sizeof chars / sizeof *chars)];
    memcpy(text + n, ch, strlen(ch));
    n += strlen(ch);
    want_w++;
    want_st += (uint32_t)pith_stoplist_has(zh, ch, strlen(ch));
    if (i % 11 == 10) {
      memcpy(text + n, i % 2 ? "\xE3\x80\x82" : "\xE3\x80\x81", 3); /* 。、 */
      n += 3;
    }
  }
  text[n] = '\0';
  OK(want_st >= 20, "stop characters among the CJK run (%u)", want_st);
  same_at_every_offset(zh, text, want_w, want_st, "a run of CJK characters over several windows");
  int bad = 0;
  for (size_t len = 0; len <= n; len++) {
    uint32_t w, st;
    pith_stoplist_count(zh, text, len, &w, &st);
    uint32_t ww = 0, ws = 0; /* the whole characters before len */
    for (size_t a = 0; a < len;) {
      int32_t cp;
      size_t k = pith_u8_next(text + a, len - a, &cp);
      if (a + k <= len && cp >= 0x3040) {
        ww++;
        ws += (uint32_t)pith_stoplist_has(zh, text + a, k);
      }
      a += k;
    }
    bad += w < ww || w > ww + 1 || st < ws; /* a cut character may count as bytes */
  }
  OK(!bad, "a CJK run cut at every length");
}

/* The language choice sums every hit: texts where one list leads by a
 * single stop word ("the" against "und", each of one list only) at every
 * count up to 300 choose that list. */
static void test_close_choice(const pith_stopsets *s) {
  const pith_stoplist *en = list_of(s, "en"), *de = list_of(s, "de");
  OK(pith_stoplist_has(en, "the", 3) && !pith_stoplist_has(de, "the", 3) &&
         pith_stoplist_has(de, "und", 3) && !pith_stoplist_has(en, "und", 3),
     "\"the\" and \"und\" are stop words of one of the two lists");
  static char text[4 * 602];
  int bad = 0;
  for (unsigned k = 0; k <= 300; k++)
    for (int lead = 0; lead < 2; lead++) { /* 0: de leads, 1: en leads */
      /* k + 1 of the leader's word and k of the other's, shuffled */
      unsigned char is_de[601];
      for (unsigned j = 0; j <= 2 * k; j++) is_de[j] = j < k + (lead == 0);
      unsigned x = k * 2654435761u + (unsigned)lead;
      for (unsigned j = 2 * k; j > 0; j--) {
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 8) % (j + 1);
        unsigned char t = is_de[j];
        is_de[j] = is_de[r], is_de[r] = t;
      }
      size_t n = 0;
      for (unsigned j = 0; j <= 2 * k; j++, n += 4) memcpy(text + n, is_de[j] ? "und " : "the ", 4);
      const char *texts[1] = {text};
      size_t lens[1] = {n};
      const pith_stoplist *got = pith_stopsets_detect(s, texts, lens, 1, 0.0);
      if (got != (lead ? en : de)) {
        bad++;
        fprintf(stderr, "# %u against %u: %s\n", k + (lead == 1), k + (lead == 0),
                got ? pith_stoplist_lang(got) : "none");
      }
    }
  OK(!bad, "a lead of one stop word at every count up to 300 chooses its list");
}

/* Korean words (Hangul syllables fold to themselves): stop words and
 * others, one of 66 bytes, one glued to Latin letters, before ASCII,
 * apostrophe, CJK and dash separators, at every offset; the stop words
 * against the list's own lookups. */
static void test_hangul(const pith_stopsets *s) {
  const char *ko_stops[1] = {"그리고 그래서 그러나 때문에 또한 그리고"};
  size_t ko_len[1] = {strlen(ko_stops[0])};
  const pith_stoplist *ko = pith_stopsets_detect(s, ko_stops, ko_len, 1, 0.0);
  OK(ko && strcmp(pith_stoplist_lang(ko), "ko") == 0, "Korean list");
  if (!ko) return;
  static const char *words[] = {"그리고", "대한민국", "때문에", "서울", "말하자면", "또한",
                                "가나다라마바사아자차카타파하가나다라마바사아", "삼성sds"};
  static const char *seps[] = {" ", ", ", "'s ", "\xE2\x80\x94", "的", ".", "\n"};
  char text[1024];
  size_t n = 0;
  uint32_t want_st = 0, nw = 0;
  for (unsigned r = 0; r < 3; r++)
    for (size_t k = 0; k < sizeof words / sizeof *words; k++) {
      const char *sep = seps[(r * 8 + k) % (sizeof seps / sizeof *seps)];
      memcpy(text + n, words[k], strlen(words[k]));
      n += strlen(words[k]);
      memcpy(text + n, sep, strlen(sep));
      n += strlen(sep);
      want_st += (uint32_t)pith_stoplist_has(ko, words[k], strlen(words[k]));
      nw += 1 + (strcmp(sep, "的") == 0); /* a CJK character is a word */
    }
  text[n] = '\0';
  OK(want_st == 12, "Korean stop words among the test words (%u)", want_st);
  same_at_every_offset(ko, text, nw, want_st, "Korean words between separators");
}

/* Words over 8 bytes are looked up by a key of their first chunk's bytes
 * 1..7 in the short-word table, and in full only when it is there: every
 * long stop word counts, words sharing its key (another first byte) or
 * its first 8 bytes (another later byte, cut, longer) do not; alone at
 * every offset, in one text with the list and for the language choice. */
static void test_long_words(const pith_stopsets *s) {
  const pith_stoplist *en = list_of(s, "en"), *de = list_of(s, "de");
  static const char *en_long[] = {"according", "appropriate", "currently", "different",
                                  "everything", "following", "important", "necessary",
                                  "particular", "something"};
  static const char *de_long[] = {"besonders", "niemandem", "niemanden", "vielleicht",
                                  "wenigstens"};
  char text[2048], v[64];
  size_t o = 0, nw = 0;
  uint32_t want = 0;
  for (size_t k = 0; k < sizeof en_long / sizeof *en_long; k++) {
    const char *w = en_long[k];
    size_t n = strlen(w);
    same_at_every_offset(en, w, 1, 1, w);
    /* the variants: first byte, byte 1, byte 7, byte 8 and the last one
     * changed, cut by one, one longer, in capitals */
    for (int t = 0; t < 8; t++) {
      memcpy(v, w, n + 1);
      if (t == 0) v[0] = v[0] == 'x' ? 'y' : 'x';
      if (t == 1) v[1] = v[1] == 'q' ? 'z' : 'q';
      if (t == 2) v[7] = v[7] == 'q' ? 'z' : 'q';
      if (t == 3) v[8] = v[8] == 'q' ? 'z' : 'q';
      if (t == 4) v[n - 1] = v[n - 1] == 'q' ? 'z' : 'q';
      if (t == 5) v[n - 1] = '\0';
      if (t == 6) memcpy(v + n, "s", 2);
      if (t == 7)
        for (size_t i = 0; i < n; i++) v[i] = (char)(v[i] - 32);
      uint32_t st = t == 7 || pith_stoplist_has(en, v, strlen(v));
      OK(st == (t == 7), "%s variant %d is %sa stop word", w, t, st ? "" : "not ");
      o += (size_t)snprintf(text + o, sizeof text - o, "%s %s, ", w, v);
      nw += 2;
      want += 1 + st;
    }
  }
  uint32_t w, st;
  pith_stoplist_count(en, text, o, &w, &st);
  INT_EQ(w, nw, "long words and their variants: words");
  INT_EQ(st, want, "long words and their variants: stop words");
  const char *texts[1] = {text};
  size_t lens[1] = {o};
  uint32_t words[1], stops[1];
  const pith_stoplist *l = pith_stopsets_detect_each(s, texts, lens, 1, 0.15, words, stops);
  STR_EQ(l ? pith_stoplist_lang(l) : NULL, "en", "long words: English");
  INT_EQ(stops[0], want, "long words and their variants: stop words of the choice");
  want = 0, o = 0;
  for (size_t k = 0; k < sizeof de_long / sizeof *de_long; k++) {
    o += (size_t)snprintf(text + o, sizeof text - o, "%s x%s %.8s ", de_long[k], de_long[k] + 1,
                          de_long[k]);
    want += 1 + pith_stoplist_has(de, de_long[k], 8);
  }
  pith_stoplist_count(de, text, o, &w, &st);
  INT_EQ(st, want, "German long words: stop words");
  pith_stoplist_count(en, text, o, &w, &st);
  INT_EQ(st, 0, "German long words: none English");
}

int main(void) {
  pith_stopsets *s = pith_stopsets_new();
  OK(s != NULL, "built-in stop sets load");
  if (!s) return test_done();
  sets = s;
  test_detect(s);
  test_counting(s);
  test_boundaries(s);
  test_detect_each(s);
  test_line_words(s);
  test_dense(s);
  test_cyrillic(s);
  test_cjk_run(s);
  test_close_choice(s);
  test_hangul(s);
  test_long_words(s);
  pith_stopsets_free(s);
  return test_done();
}
