/* Metadata from text: dates, captured values, titles, repetition. */
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "classify.h"
#include "meta.h"

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
  pith_doc_free(&d);
  pith_doc_free(&d2);
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
  pith_meta_text(&d, NULL);
  STR_EQ(d.fields[PITH_FIELD_TITLE], "Rivers rise after storm",
         "title from the line repeating the first");
  STR_EQ(d.fields[PITH_FIELD_SITE], "The Daily Example", "site from the title suffix");
  INT_EQ(d.title_pos, 2, "headline position");
  OK(d.blocks[0].action == PITH_ACT_DROP, "the <title> line leaves the text");
  for (size_t i = 0; i < d.n; i++) d.blocks[i].cls = PITH_CLS_GOOD;
  pith_meta_dedup(&d);
  OK(d.blocks[2].dup, "headline copy is a duplicate of the title");
  OK(!d.blocks[3].dup && d.blocks[4].dup, "second copy of a paragraph is a duplicate");
  pith_doc_free(&d);
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
}

int main(void) {
  test_stamps();
  test_dates();
  test_captures();
  test_title_and_dedup();
  return test_done();
}
