/* Metadata from text: dates, captured values, titles, repetition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "classify.h"
#include "meta.h"
#include "filters_builtin.h"

static const char *date_of(const char *s, const char *ref) {
  static char out[40];
  return pith_meta_parse_date(s, strlen(s), ref, out, NULL) ? out : NULL;
}

static void test_dates(void) {
  STR_EQ(date_of("Published 2024-03-12", NULL), "2024-03-12", "ISO date");
  STR_EQ(date_of("2019-11-18T23:03:00Z", NULL), "2019-11-18T23:03:00Z",
         "ISO date-time with zone");
  STR_EQ(date_of("2019-11-18T23:03:00+05:30", NULL), "2019-11-18T23:03:00+05:30",
         "ISO date-time with offset");
  STR_EQ(date_of("Reuters November 18, 2019 11:03 PM", NULL), "2019-11-18",
         "month name first");
  STR_EQ(date_of("Nov. 18 2019", NULL), "2019-11-18", "abbreviated month");
  STR_EQ(date_of("18 November 2019", NULL), "2019-11-18", "day first");
  STR_EQ(date_of("12. März 2024", NULL), "2024-03-12", "German month");
  STR_EQ(date_of("5 de mayo de 2023", NULL), "2023-05-05", "Spanish month");
  STR_EQ(date_of("12.03.2024, 14:35 Uhr", NULL), "2024-03-12", "dotted numeric");
  OK(date_of("03/12/2024", NULL) == NULL, "slashed numeric is ambiguous: no date");
  OK(date_of("Published 1 month ago", NULL) == NULL,
     "relative date without a reference date is unknown");
  STR_EQ(date_of("Published 3 days ago", "2024-03-12"), "2024-03-09",
         "relative date with a reference date");
  OK(date_of("Chapter 12 of 2019 pages", NULL) == NULL, "numbers are not dates");
  OK(date_of("2024-13-40", NULL) == NULL, "invalid month and day");
  OK(date_of("", NULL) == NULL, "empty");
  /* month names are searched in filters/months.txt only once day and year
   * make a date; a name matches whole, on any line of the file */
  STR_EQ(date_of("on 1 mei 2024", NULL), "2024-05-01", "Dutch month");
  STR_EQ(date_of("3 sept. 2021", NULL), "2021-09-03", "four-letter abbreviation");
  STR_EQ(date_of("Augustus 9 2020", NULL), "2020-08-09", "longest name of a line");
  STR_EQ(date_of("December 31st, 2023", NULL), "2023-12-31", "ordinal day");
  STR_EQ(date_of("Dezembro 24, 2023", NULL), "2023-12-24", "last name of the file");
  OK(date_of("Janu 5 2020", NULL) == NULL, "a prefix of a name is no name");
  OK(date_of("Januaryx 5 2020", NULL) == NULL, "a name with more letters is no name");
  OK(date_of("Page 12 2019", NULL) == NULL, "a word before a day and year");
  OK(date_of("May 40 2019", NULL) == NULL, "no such day");
  STR_EQ(date_of("Updated:2024-01-05", NULL), "2024-01-05", "digits in the last word");
  OK(date_of("no digits in this line at all", NULL) == NULL, "no digit");
}

/* Every name of filters/months.txt gives its line's month through the
 * table, in any ASCII case; names of 3 to 12 bytes only are looked up. */
static void test_month_table(void) {
  const pith_builtin_file *f = pith_builtin_files;
  while (f->name && strcmp(f->name, "months.txt") != 0) f++;
  OK(f->name != NULL, "months.txt is built in");
  if (!f->name) return;
  int names = 0, bad = 0;
  for (const char *p = f->data, *end = f->data + f->len; p < end;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (*p != '#') {
      int mon = atoi(p);
      for (const char *q = p; q < eol;) {
        if (*q++ != ' ') continue;
        const char *a = q;
        while (q < eol && *q != ' ') q++;
        size_t n = (size_t)(q - a);
        if (n < 3 || n > 12) continue;
        char line[64], want[16], up[16];
        snprintf(want, sizeof want, "2020-%02d-05", mon);
        snprintf(line, sizeof line, "5 %.*s 2020", (int)n, a);
        const char *got = date_of(line, NULL);
        bad += !got || strcmp(got, want) != 0;
        for (size_t i = 0; i < n; i++)
          up[i] = (char)(a[i] >= 'a' && a[i] <= 'z' ? a[i] - 0x20 : a[i]);
        snprintf(line, sizeof line, "%.*s 5, 2020", (int)n, up);
        got = date_of(line, NULL);
        bad += !got || strcmp(got, want) != 0;
        names++;
      }
    }
    p = eol + 1;
  }
  OK(names > 50, "months.txt lists the names");
  INT_EQ(bad, 0, "every month name gives its month, day first or after it");
  OK(date_of("5 jul. 2020", NULL) && strcmp(date_of("5 jul. 2020", NULL), "2020-07-05") == 0,
     "abbreviation with a dot");
  OK(date_of("5 julyjuly 2020", NULL) == NULL, "two names glued are no name");
  OK(date_of("5 names 2020", NULL) == NULL, "a word of the comment line is no name");
  OK(date_of("5 mon 2020", NULL) == NULL, "a word that is no name");
  STR_EQ(date_of("Aug 9, 2020 12:00", NULL), "2020-08-09", "month first with a time after");
  STR_EQ(date_of("2020-08-09T07:05:09.123-03:30", NULL), "2020-08-09T07:05:09-03:30",
         "ISO date-time with fraction and negative offset");
  STR_EQ(date_of("1999/12/31 23:59", NULL), "1999-12-31T23:59:00", "ISO with slashes and a time");
  STR_EQ(date_of("x 2 weeks ago", "2024-03-12"), "2024-02-27", "relative weeks");
  OK(date_of("x 2 apples ago", "2024-03-12") == NULL, "no unit");
  OK(date_of("1234567", NULL) == NULL, "digits only, 7 bytes");
  OK(date_of("abcdefghijklmnopq 12345678", NULL) == NULL, "digits only after 16 bytes");
  OK(date_of("abcdefghijkl 2021-03-04", NULL) != NULL, "a date in the last 16 bytes");
}

static void test_captures(void) {
  pith_doc d;
  pith_doc_init(&d, NULL);
  const char *t = "By Jane Doe | Staff Writer";
  pith_meta_capture(&d, PITH_FIELD_AUTHOR, t, strlen(t), t + 3, strlen(t) - 3, NULL);
  STR_EQ(d.fields[PITH_FIELD_AUTHOR], "Jane Doe", "author cut at separator");
  const char *c = "Rohan Mehta contributed to this report for TROIB News";
  pith_doc d2;
  pith_doc_init(&d2, NULL);
  pith_meta_capture(&d2, PITH_FIELD_AUTHOR, c, strlen(c), NULL, 0, NULL);
  STR_EQ(d2.fields[PITH_FIELD_AUTHOR], "Rohan Mehta", "contributor credit");
  const char *s = "\xC2\xA9 2024 Example Media Ltd. All rights reserved.";
  pith_meta_capture(&d2, PITH_FIELD_SITE, s, strlen(s), NULL, 0, NULL);
  STR_EQ(d2.fields[PITH_FIELD_SITE], "Example Media", "site from a copyright line");
  const char *p = "Published 1 month ago2 minute read";
  pith_meta_capture(&d2, PITH_FIELD_DATE, p, strlen(p), p + 10, strlen(p) - 10, NULL);
  OK(d2.fields[PITH_FIELD_DATE] == NULL, "relative publish time leaves date null");
  /* a field's first value stays; a capture that set nothing (above) does
   * not stop a later one */
  const char *t2 = "By John Roe";
  pith_meta_capture(&d, PITH_FIELD_AUTHOR, t2, strlen(t2), t2 + 3, strlen(t2) - 3, NULL);
  STR_EQ(d.fields[PITH_FIELD_AUTHOR], "Jane Doe", "a second author capture changes nothing");
  const char *p2 = "Updated: November 18, 2019";
  pith_meta_capture(&d2, PITH_FIELD_DATE, p2, strlen(p2), p2 + 8, strlen(p2) - 8, NULL);
  STR_EQ(d2.fields[PITH_FIELD_DATE], "2019-11-18", "a date after a capture that set none");
  pith_meta_capture(&d2, PITH_FIELD_DATE, p, strlen(p), p + 10, strlen(p) - 10, "2024-01-10");
  STR_EQ(d2.fields[PITH_FIELD_DATE], "2019-11-18", "a second date capture changes nothing");
  pith_doc_free(&d);
  pith_doc_free(&d2);
}

/* The date of a document whose second line is `line` (pith_meta_text's
 * dateline search), NULL when none; ref: the reference date. */
static const char *dateline_of(const char *line, const char *ref) {
  static char out[40];
  pith_doc d;
  pith_doc_init(&d, NULL);
  const char *lines[] = {"The ferry leaves at nine.", line};
  for (size_t i = 0; i < 2; i++) pith_doc_add(&d, lines[i], strlen(lines[i]), PITH_BLK_P);
  pith_classify_language(&d, NULL);
  pith_meta_text(&d, ref, d.n, 0);
  const char *v = d.fields[PITH_FIELD_DATE];
  if (v) snprintf(out, sizeof out, "%s", v);
  pith_doc_free(&d);
  return v ? out : NULL;
}

/* Datelines without a reference date are parsed only when they hold four
 * digits in a row (a year): the year at every offset of lines up to 63
 * bytes (across the 16-byte steps of the digit mask), dates of every form,
 * lines of digits without a year, relative dates with a reference. */
static void test_dateline_years(void) {
  int all = 1;
  for (size_t at = 0; at + 13 <= 63; at++) {
    /* 63 bytes, 60 characters: three two-byte letters away from the date */
    char line[64];
    memset(line, 'x', sizeof line);
    memcpy(at < 32 ? line + 57 : line, "\xC3\xA9\xC3\xA9\xC3\xA9", 6);
    memcpy(line + at, "12 March 2024", 13);
    line[63] = '\0';
    if (at > 0) line[at - 1] = ' ';
    if (at + 13 < 63) line[at + 13] = ' ';
    if (at < 32 && at + 14 > 57) continue; /* the date would cover them */
    const char *v = dateline_of(line, NULL);
    all &= v && strcmp(v, "2024-03-12") == 0;
  }
  OK(all, "a year at every offset of a 63-byte line");
  STR_EQ(dateline_of("Updated 2019-11-18T10:30", NULL), "2019-11-18T10:30:00", "ISO date");
  STR_EQ(dateline_of("Stand: 12.03.2024", NULL), "2024-03-12", "dotted date");
  STR_EQ(dateline_of("Nov. 18th, 2019", NULL), "2019-11-18", "month name first");
  STR_EQ(dateline_of("Published 3 days ago", "2024-03-15"), "2024-03-12",
         "relative date with a reference date");
  OK(dateline_of("Published 3 days ago", NULL) == NULL, "relative date without one");
  OK(dateline_of("Page 12 of 345, 678 comments", NULL) == NULL, "digits but no year");
  OK(dateline_of("Nov 18, 219", NULL) == NULL, "a three-digit year");
}

static void test_title_and_dedup(void) {
  pith_doc d;
  pith_doc_init(&d, NULL);
  const char *lines[] = {
      "Rivers rise after storm | The Daily Example",
      "Home",
      "Rivers rise after storm",
      "The river rose two metres overnight after the storm, and the town "
      "council opened the sports hall for families who left their homes.",
      "The river rose two metres overnight after the storm, and the town "
      "council opened the sports hall for families who left their homes.",
  };
  for (size_t i = 0; i < 5; i++)
    pith_doc_add(&d, lines[i], strlen(lines[i]), PITH_BLK_P);
  pith_classify_language(&d, NULL); /* word counts */
  pith_meta_text(&d, NULL, 0, 0);
  STR_EQ(d.fields[PITH_FIELD_TITLE], "Rivers rise after storm",
         "title from the line repeating the first");
  STR_EQ(d.fields[PITH_FIELD_SITE], "The Daily Example", "site from the title suffix");
  INT_EQ(d.title_pos, 2, "headline position");
  OK(d.blocks[0].action == PITH_ACT_DROP, "the <title> line leaves the text");
  for (size_t i = 0; i < d.n; i++) d.blocks[i].cls = PITH_CLS_GOOD;
  pith_meta_dedup(&d, NULL, 0, SIZE_MAX);
  OK(d.blocks[2].dup, "headline copy is a duplicate of the title");
  OK(!d.blocks[3].dup && d.blocks[4].dup, "second copy of a paragraph is a duplicate");
  pith_doc_free(&d);

  /* prefix keys: paragraphs that begin alike (in case, punctuation and
   * curly quotes too) are told apart by the rest; equal keys are repeats */
  pith_doc e;
  pith_doc_init(&e, NULL);
  const char *paras[] = {
      "The council said on Monday that the sports hall would stay open for "
      "families until the river falls, which may take a week or more.",
      "THE COUNCIL SAID, on Monday, that the sports hall would stay open for "
      "families until the river falls; which may take a week or more!",
      "The council said on Monday that the sports hall would close for "
      "families once the river falls, which may take a week or more.",
      "\xE2\x80\x9CThe council\xE2\x80\x9D said on Monday that the sports hall would "
      "close for families once the river falls, which may take a week or more.",
      "Der Stadtrat sagte am Montag, die Sporthalle bleibe f\xC3\xBCr Familien "
      "ge\xC3\xB6" "ffnet, bis der Fluss sinkt, was eine Woche dauern kann.",
      "der stadtrat sagte am montag die sporthalle bleibe f\xC3\xBCr familien "
      "ge\xC3\xB6" "ffnet bis der fluss sinkt was eine woche dauern kann",
  };
  for (size_t i = 0; i < 6; i++) pith_doc_add(&e, paras[i], strlen(paras[i]), PITH_BLK_P);
  pith_classify_language(&e, NULL);
  for (size_t i = 0; i < e.n; i++) e.blocks[i].cls = PITH_CLS_GOOD;
  pith_meta_dedup(&e, NULL, 0, SIZE_MAX);
  OK(!e.blocks[0].dup && e.blocks[1].dup, "case and punctuation do not count");
  OK(!e.blocks[2].dup, "same beginning, other words later: no repeat");
  OK(e.blocks[3].dup, "curly quotes do not count");
  OK(!e.blocks[4].dup && e.blocks[5].dup, "non-ASCII paragraphs");
  pith_doc_free(&e);

  /* one paragraph's key bytes the start of another's: no repeat either way */
  pith_doc g;
  pith_doc_init(&g, NULL);
  const char *more[] = {
      "The council said on Monday that the sports hall would stay open for "
      "families until the river falls, which may take a week or more.",
      "The council said on Monday that the sports hall would stay open for "
      "families until the river falls, which may take a week or more. Or two.",
      "The council said on Monday that the sports hall would stay open for "
      "families until the river falls, which may take a week or",
      "the council said on monday that the sports hall would stay open for "
      "families until the river falls which may take a week or more",
  };
  for (size_t i = 0; i < 4; i++) pith_doc_add(&g, more[i], strlen(more[i]), PITH_BLK_P);
  pith_classify_language(&g, NULL);
  for (size_t i = 0; i < g.n; i++) g.blocks[i].cls = PITH_CLS_GOOD;
  pith_meta_dedup(&g, NULL, 0, SIZE_MAX);
  OK(!g.blocks[1].dup && !g.blocks[2].dup, "longer and shorter key bytes: no repeat");
  OK(g.blocks[3].dup, "the same key bytes after two others: a repeat");
  pith_doc_free(&g);
}

/* Repeats found by comparing texts byte for byte before any key is
 * taken (the keys of the paragraphs passed are then taken later, when a
 * repeat that differs in case needs them). */
static void test_repeats_byte_for_byte(void) {
  pith_doc d;
  pith_doc_init(&d, NULL);
  const char *a = "The council said on Monday that the sports hall would stay open for "
                  "families until the river falls, which may take a week or more.";
  const char *b = "The council said on Monday that the sports hall would close for "
                  "families once the river falls, which may take a week or more.";
  const char *a_caps = "THE COUNCIL SAID on Monday that the sports hall would stay open for "
                       "families until the river falls, which may take a week or more.";
  const char *b_caps = "the council said on monday that the sports hall would close for "
                       "families once the river falls which may take a week or more";
  const char *lines[] = {"Rivers rise after storm", a, b, b, a, b_caps, a_caps,
                         "Rivers rise after storm", "RIVERS RISE, AFTER STORM"};
  size_t n = sizeof lines / sizeof *lines;
  for (size_t i = 0; i < n; i++) pith_doc_add(&d, lines[i], strlen(lines[i]), PITH_BLK_P);
  pith_classify_language(&d, NULL);
  pith_doc_set_field(&d, PITH_FIELD_TITLE, lines[0], strlen(lines[0]));
  for (size_t i = 0; i < d.n; i++) d.blocks[i].cls = PITH_CLS_GOOD;
  pith_meta_dedup(&d, NULL, 0, SIZE_MAX);
  OK(!d.blocks[1].dup && !d.blocks[2].dup, "paragraphs that begin alike are no repeats");
  OK(d.blocks[3].dup && d.blocks[4].dup, "byte-for-byte repeats, second of a chain too");
  OK(d.blocks[5].dup && d.blocks[6].dup, "repeats in other case after them");
  OK(d.blocks[0].dup && d.blocks[7].dup && d.blocks[8].dup,
     "title repeats, as it is and in other case");
  pith_doc_free(&d);
}

/* Is `b` a repeat of `a` by pith_meta_dedup (both good paragraphs)? */
static int dedup_pair(const char *a, const char *b) {
  pith_doc d;
  pith_doc_init(&d, NULL);
  pith_doc_add(&d, a, strlen(a), PITH_BLK_P);
  pith_doc_add(&d, b, strlen(b), PITH_BLK_P);
  pith_classify_language(&d, NULL);
  for (size_t i = 0; i < d.n; i++) d.blocks[i].cls = PITH_CLS_GOOD;
  pith_meta_dedup(&d, NULL, 0, SIZE_MAX);
  int dup = !d.blocks[0].dup && d.blocks[1].dup;
  pith_doc_free(&d);
  return dup;
}

/* Prefix keys from 16-byte steps and from single key bytes agree: bytes
 * that add no key byte (punctuation, spaces, curly quotes) and a
 * capital put at every offset of the first 48 bytes move the key bytes
 * across the steps (and the 16th across the second step's cut), or make
 * a step give way to single bytes; the same key bytes are still a
 * repeat. ASCII, Cyrillic (two-byte letters cut by the steps) and CJK. */
static void test_prefix_key_steps(void) {
  const char *paras[] = {
      "The council said on Monday that the sports hall would stay open for "
      "families until the river falls, which may take a week or more.",
      "\xD0\xA1\xD0\xBE\xD0\xB2\xD0\xB5\xD1\x82 \xD1\x81\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xBB "
      "\xD0\xB2 \xD0\xBF\xD0\xBE\xD0\xBD\xD0\xB5\xD0\xB4\xD0\xB5\xD0\xBB\xD1\x8C\xD0\xBD\xD0\xB8"
      "\xD0\xBA, \xD1\x87\xD1\x82\xD0\xBE \xD0\xB7\xD0\xB0\xD0\xBB 42 \xD0\xB1\xD1\x83\xD0\xB4"
      "\xD0\xB5\xD1\x82 \xD0\xBE\xD1\x82\xD0\xBA\xD1\x80\xD1\x8B\xD1\x82 \xD0\xB4\xD0\xBE "
      "\xD1\x82\xD0\xB5\xD1\x85 \xD0\xBF\xD0\xBE\xD1\x80, \xD0\xBF\xD0\xBE\xD0\xBA\xD0\xB0 "
      "\xD1\x80\xD0\xB5\xD0\xBA\xD0\xB0 \xD0\xBD\xD0\xB5 \xD1\x81\xD0\xBF\xD0\xB0\xD0\xB4\xD1\x91\xD1\x82.",
      "\xE5\xB8\x82\xE8\xAE\xAE\xE4\xBC\x9A\xE5\x91\xA8\xE4\xB8\x80\xE8\xA1\xA8\xE7\xA4\xBA"
      "\xEF\xBC\x8C\xE4\xBD\x93\xE8\x82\xB2\xE9\xA6\x86\xE5\xB0\x86\xE5\xAF\xB9\xE5\xAE\xB6"
      "\xE5\xBA\xAD\xE5\xBC\x80\xE6\x94\xBE\xE5\x88\xB0\xE6\xB2\xB3\xE6\xB0\xB4\xE5\x9B\x9E"
      "\xE8\x90\xBD\xE4\xB8\xBA\xE6\xAD\xA2\xEF\xBC\x8C\xE8\xBF\x99\xE5\x8F\xAF\xE8\x83\xBD"
      "\xE9\x9C\x80\xE8\xA6\x81\xE4\xB8\x80\xE5\x91\xA8\xE6\x88\x96\xE6\x9B\xB4\xE4\xB9\x85 "
      "abc def ghi jkl mno pqr.",
  };
  const char *fillers[] = {", ", " ", "-", "\xE2\x80\x9C", "\xC2\xAB"};
  int same = 1, other = 1;
  for (size_t p = 0; p < sizeof paras / sizeof *paras; p++) {
    /* long enough to be compared (PITH_DEDUP_MIN_CHARS) */
    char a[400];
    snprintf(a, sizeof a, "%s and so the town waited for the water to go down, "
             "day after day, with the sandbags still in place.", paras[p]);
    size_t n = strlen(a);
    for (size_t at = 0; at <= 48 && at < n; at++) {
      if (((unsigned char)a[at] & 0xC0) == 0x80) continue; /* inside a character */
      for (size_t f = 0; f < sizeof fillers / sizeof *fillers; f++) {
        char b[512];
        size_t fl = strlen(fillers[f]);
        memcpy(b, a, at);
        memcpy(b + at, fillers[f], fl);
        memcpy(b + at + fl, a + at, n - at + 1);
        /* a capital right after the filler (case adds nothing either) */
        if (b[at + fl] >= 'a' && b[at + fl] <= 'z') b[at + fl] -= 0x20;
        same &= dedup_pair(a, b);
      }
      /* one key byte changed there: no repeat */
      if ((a[at] >= 'a' && a[at] <= 'y') || (a[at] >= '0' && a[at] <= '8')) {
        char b[512];
        memcpy(b, a, n + 1);
        b[at]++;
        other &= !dedup_pair(a, b);
      }
    }
  }
  OK(same, "the same key bytes at every offset: a repeat");
  OK(other, "one key byte changed: no repeat");
}

static int stamp(const char *s) { return pith_meta_stamp_line(s, strlen(s)); }

static void test_stamps(void) {
  OK(stamp("Nov 15"), "month and day");
  OK(stamp("Tuesday November 19, 2019"), "weekday and full date");
  OK(stamp("12H ago 34 photos"), "relative time with a count");
  OK(stamp("7 Nov 23:05"), "day, month, clock time");
  OK(stamp("18. März 2024"), "German month");
  OK(!stamp("23:05"), "a lone time is too little to go on");
  OK(!stamp("10 12 15 22"), "numbers alone: a table row, not a stamp");
  OK(!stamp("Browns 24 Steelers 17"), "a score line is mostly words");
  OK(!stamp("The meeting on Nov 15 went well"), "a sentence holding a date");
  OK(!stamp("Nov 18, 2019 @17:19 PM - Updated: Nov 18, 2019 @17:26 PM and more"),
     "more than eight words");
  OK(!stamp(""), "empty");
  OK(stamp("(Nov 18, 2019)"), "brackets and commas around the words");
  OK(stamp("NOVEMBER 18 | 5min"), "capitals, a bar, a number with a unit");
  OK(stamp("2h ago"), "a number with a unit and ago");
  OK(stamp("10:30 am"), "a clock time and am");
  OK(stamp("18.11.2019 5 PM"), "dotted date and pm");
  OK(!stamp("Posted 18.11.2019 - 5 PM"), "two words of five are not stamps");
  OK(stamp("Chapter 5 Jul"), "two stamp words of three, one a month name");
  OK(!stamp("Julyx 5 2019"), "no month name: no word only dates have");
}

/* Blocks are tested for digits 16 bytes at a time, through the padding
 * after their text: digits at every offset count, digits past the text's
 * end (the next line, in place) do not. */
static void test_stamp_blocks(void) {
  int same = 1, found = 1;
  for (size_t lead = 0; lead + 12 <= 60; lead++) {
    char line[80];
    memset(line, 'a', lead);
    strcpy(line + lead, lead ? " Nov 18" : "Nov 18");
    size_t n = strlen(line);
    pith_doc d;
    pith_doc_init(&d, NULL);
    pith_doc_add(&d, line, n, PITH_BLK_P);
    /* in place, the next line right after this one's end: "Nov ago"
     * would be a stamp if the digits after it were its own */
    char text[128] = {0};
    memcpy(text, line, n - 2);
    memcpy(text + n - 2, "ago\n2019", 8);
    pith_doc_add_line(&d, text, n + 1, 0);
    same &= pith_meta_stamp_block(&d.blocks[0]) == pith_meta_stamp_line(line, n);
    found &= pith_meta_stamp_block(&d.blocks[0]) == 1;
    same &= pith_meta_stamp_block(&d.blocks[1]) == 0;
    pith_doc_free(&d);
  }
  /* a dateline whose digits are neither in its first 16 bytes nor in its
   * last 16 */
  pith_doc d;
  pith_doc_init(&d, NULL);
  const char *lines[] = {"The ferry leaves at nine.",
                         "aaaaaaaaaaaaaaaaaaa 12 March 2024 bbbbbbbbbbbbbbbbbbbbbbbbbb"};
  for (size_t i = 0; i < 2; i++) pith_doc_add(&d, lines[i], strlen(lines[i]), PITH_BLK_P);
  pith_classify_language(&d, NULL);
  pith_meta_text(&d, NULL, d.n, 0);
  STR_EQ(d.fields[PITH_FIELD_DATE], "2024-03-12", "digits between a line's first and last 16 bytes");
  pith_doc_free(&d);
  /* words found from the block's space mask as byte by byte: spacing,
   * word counts and lengths up to 60 bytes */
  static const char *const shapes[] = {
      "Nov 15", "Tuesday November 19, 2019", "12H ago 34 photos", "7 Nov 23:05",
      "Nov  18,   2019", "a b c d e f g 1", "a b c d e f g h 1", "(Nov 18, 2019)",
      "NOVEMBER 18 | 5min", "2h ago", "Updated: Nov 18, 2019 @17:26 PM and some more words",
      "Browns 24 Steelers 17", "1 2 3 4 5 6 7 8", "Chapter 5 Jul", "10:30 am",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx Nov 18", "Nov 18 2019 x"};
  int agree = 1;
  for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++)
    for (size_t pad = 0; pad + strlen(shapes[k]) <= 60; pad += 7) {
      char line[80];
      snprintf(line, sizeof line, "%.*s%s", (int)pad, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy ",
               shapes[k]);
      pith_doc e;
      pith_doc_init(&e, NULL);
      pith_doc_add(&e, line, strlen(line), PITH_BLK_P);
      agree &= e.n == 1 && pith_meta_stamp_block(&e.blocks[0]) ==
                               pith_meta_stamp_line(e.blocks[0].text, e.blocks[0].len);
      pith_doc_free(&e);
    }
  OK(agree, "stamp words from a block's space mask as from its bytes");
  OK(found, "a stamp at every offset");
  OK(same, "as pith_meta_stamp_line; digits past the text are not read as its own");
}

/* The repetition walk through a list of the good blocks (as the
 * classifier hands it) marks and keeps what the walk over every block
 * does: title repeats of every class (other blocks in the title's length
 * range, long good ones by their keys), a repeated paragraph, and keeps
 * only good blocks. */
static void test_dedup_good_list(void) {
  const char *title = "Rivers rise after storm";
  const char *para = "The council said on Monday that the sports hall would stay open for "
                     "families until the river falls, which may take a week or more.";
  const char *other = "Under the plan, the library will stay open on Sundays and the number "
                      "of bus routes will grow from twelve to fifteen this spring.";
  /* 1: good title repeat; 2: bad one; 3: short good line; 4, 7: a
   * paragraph, its good repeat; 5: its bad repeat (not compared); 6:
   * another; 8: the title with more than 8 bytes of punctuation (out of
   * the range), bad; 9: a long good block that is the title spaced out */
  const char *lines[] = {"Menu",
                         "Rivers rise after storm",
                         "RIVERS RISE, AFTER STORM",
                         "Share this",
                         para,
                         para,
                         other,
                         para,
                         "Rivers -- rise -- after -- storm!!!",
                         "Rivers ,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
                         ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,, rise after storm"};
  const uint8_t cls[] = {PITH_CLS_BAD,  PITH_CLS_GOOD, PITH_CLS_BAD,  PITH_CLS_GOOD,
                         PITH_CLS_GOOD, PITH_CLS_BAD,  PITH_CLS_GOOD, PITH_CLS_GOOD,
                         PITH_CLS_BAD,  PITH_CLS_GOOD};
  enum { N = sizeof lines / sizeof *lines };
  pith_doc d[2];
  size_t kept[2];
  for (int k = 0; k < 2; k++) {
    pith_doc_init(&d[k], NULL);
    for (size_t i = 0; i < N; i++) pith_doc_add(&d[k], lines[i], strlen(lines[i]), PITH_BLK_P);
    pith_classify_language(&d[k], NULL);
    pith_doc_set_field(&d[k], PITH_FIELD_TITLE, title, strlen(title));
    uint32_t good[N];
    size_t ngood = 0;
    for (size_t i = 0; i < N; i++) {
      d[k].blocks[i].cls = cls[i];
      if (cls[i] == PITH_CLS_GOOD) good[ngood++] = (uint32_t)i;
    }
    kept[k] = k ? pith_meta_dedup(&d[k], good, ngood, SIZE_MAX)
                : pith_meta_dedup(&d[k], NULL, 0, SIZE_MAX);
  }
  int same = kept[0] == kept[1];
  for (size_t i = 0; i < N; i++)
    same &= d[0].blocks[i].dup == d[1].blocks[i].dup &&
            d[0].blocks[i].keep == d[1].blocks[i].keep &&
            d[0].blocks[i].why == d[1].blocks[i].why;
  OK(same, "the good blocks listed: the same marks as walking every block");
  const pith_block *b = d[1].blocks;
  OK(b[1].dup && b[2].dup && !b[1].keep && !b[2].keep, "title repeats, good and bad");
  OK(!b[4].dup && b[4].keep && b[7].dup && !b[7].keep, "a paragraph kept, its good repeat not");
  OK(!b[5].dup, "a bad block is not compared with paragraphs");
  OK(b[3].keep && b[6].keep && !b[0].keep && !b[8].keep, "good blocks kept, others not");
  OK(!b[8].dup, "a short title repeat out of the length range is not marked");
  OK(b[9].dup, "a long good title repeat is marked by its keys");
  INT_EQ(kept[1], 3, "three kept");
  for (int k = 0; k < 2; k++) pith_doc_free(&d[k]);
}

int main(void) {
  test_dedup_good_list();
  test_stamps();
  test_stamp_blocks();
  test_dates();
  test_month_table();
  test_captures();
  test_dateline_years();
  test_title_and_dedup();
  test_repeats_byte_for_byte();
  test_prefix_key_steps();
  return test_done();
}
