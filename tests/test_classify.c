/* The shared classifier on hand-built documents (jusText cases, tail cut,
 * headings, rules). Uses the built-in filters through pith_options. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "doc.h"
#include "harness.h"
#include "options.h"

static const char *para1 =
    "The city council approved the new budget on Tuesday evening after a "
    "debate that lasted for more than four hours, and the mayor said that "
    "the plan would protect the services that residents use every day.";
static const char *para2 =
    "Under the plan, the library will stay open on Sundays and the number of "
    "bus routes will grow from twelve to fifteen, while the tax rate will "
    "rise by less than one percent for most of the households in the city.";
static const char *para3 =
    "Opponents of the budget said that it relied on optimistic forecasts of "
    "the revenue from the new business park, which has not yet attracted a "
    "single tenant, and they asked for a review of the figures in the spring.";

typedef struct fixture {
  pith_options *o;
  pith_doc d;
} fixture;

static void run(fixture *f, const char *const *lines, size_t n) {
  pith_doc_init(&f->d, f->o);
  for (size_t i = 0; i < n; i++)
    pith_doc_add(&f->d, lines[i], strlen(lines[i]), PITH_BLK_P);
  pith_classify_language(&f->d, f->o->stops);
  const pith_rules *sets[1] = {f->o->builtin_rules};
  pith_classify_ctx ctx = {sets, 1, f->o->stops, NULL};
  OK(pith_classify(&f->d, &ctx) == PITH_OK, "classify returns OK");
}

static int kept(const fixture *f, const char *text) {
  for (size_t i = 0; i < f->d.n; i++)
    if (strcmp(f->d.blocks[i].text, text) == 0) return f->d.blocks[i].keep;
  return -1;
}

static void test_article_with_junk(pith_options *o) {
  fixture f = {o, {0}};
  const char *lines[] = {"Log In", "Home | News | Sport | Weather | Contact",
                         "Loading...", para1, "Budget details",
                         "2019-11-13T23:06:00+01:00", "1 2 3 4 5 6 7 8",
                         "https://cdn.example.com/img/lead-500x250.jpg", para2,
                         "It also raised concerns about the city's debt.",
                         "End of Article", para3, "You may also like..."};
  run(&f, lines, sizeof lines / sizeof *lines);
  STR_EQ(f.d.fields[PITH_FIELD_LANG], "en", "language from stop words");
  INT_EQ(kept(&f, "Log In"), 0, "login prompt dropped by rule");
  INT_EQ(kept(&f, "Home | News | Sport | Weather | Contact"), 0,
         "navigation line dropped");
  INT_EQ(kept(&f, "Loading..."), 0, "loading indicator dropped");
  INT_EQ(kept(&f, "2019-11-13T23:06:00+01:00"), 0, "machine timestamp dropped");
  INT_EQ(kept(&f, "1 2 3 4 5 6 7 8"), 0, "pager dropped");
  INT_EQ(kept(&f, "https://cdn.example.com/img/lead-500x250.jpg"), 0,
         "image URL dropped");
  INT_EQ(kept(&f, para1), 1, "first paragraph kept");
  INT_EQ(kept(&f, "Budget details"), 1, "short heading between content kept");
  INT_EQ(kept(&f, para2), 1, "second paragraph kept");
  INT_EQ(kept(&f, "It also raised concerns about the city's debt."), 1,
         "short last paragraph before the tail marker kept");
  INT_EQ(kept(&f, "End of Article"), 0, "tail marker dropped");
  INT_EQ(kept(&f, para3), 0, "everything after the tail marker dropped");
  pith_doc_free(&f.d);
}

static void test_marker_before_content(pith_options *o) {
  fixture f = {o, {0}};
  /* a tail marker before 60 content words only drops itself */
  const char *lines[] = {"Comments", para1, para2};
  run(&f, lines, 3);
  INT_EQ(kept(&f, "Comments"), 0, "early marker dropped");
  INT_EQ(kept(&f, para1), 1, "content after an early marker kept");
  INT_EQ(kept(&f, para2), 1, "all content after an early marker kept");
  pith_doc_free(&f.d);
}

static void test_menu_run_not_headings(pith_options *o) {
  fixture f = {o, {0}};
  const char *lines[] = {"World", "Business", "Technology", "Science", para1, para2};
  run(&f, lines, 6);
  INT_EQ(kept(&f, "Science"), 0, "last menu item before content is not a heading");
  INT_EQ(kept(&f, "World"), 0, "menu item dropped");
  pith_doc_free(&f.d);
}

static void test_user_keep_rule(pith_options *o) {
  char err[256];
  OK(pith_options_add_filters(o, "user.rules", "keep exact loading...\n", 22, err,
                              sizeof err) == PITH_OK,
     "user rule parses");
  fixture f = {o, {0}};
  pith_doc_init(&f.d, o);
  const char *lines[] = {para1, "Loading...", para2};
  for (size_t i = 0; i < 3; i++)
    pith_doc_add(&f.d, lines[i], strlen(lines[i]), PITH_BLK_P);
  pith_classify_language(&f.d, o->stops);
  const pith_rules *sets[2] = {o->builtin_rules, o->user_rules};
  pith_classify_ctx ctx = {sets, 2, o->stops, NULL};
  pith_classify(&f.d, &ctx);
  INT_EQ(kept(&f, "Loading..."), 1, "keep beats drop");
  pith_doc_free(&f.d);
}

static void test_empty(pith_options *o) {
  fixture f = {o, {0}};
  run(&f, NULL, 0);
  INT_EQ(f.d.n, 0, "empty document has no blocks");
  pith_doc_free(&f.d);
}

static void test_short_document(pith_options *o) {
  fixture f = {o, {0}};
  const char *lines[] = {"Loading...", "The ferry leaves at nine tomorrow."};
  run(&f, lines, 2);
  INT_EQ(kept(&f, "The ferry leaves at nine tomorrow."), 1,
         "a one-sentence document is not emptied");
  INT_EQ(kept(&f, "Loading..."), 0, "its junk still goes");
  pith_doc_free(&f.d);
}

static void test_long_run_of_shorts(pith_options *o) {
  /* 100k short lines: smoothing must stay linear (this took minutes when
   * each neighbour search walked the run) */
  fixture f = {o, {0}};
  pith_doc_init(&f.d, o);
  char line[32];
  for (int i = 0; i < 100000; i++) {
    int n = snprintf(line, sizeof line, "Item %d here", i);
    pith_doc_add(&f.d, line, (size_t)n, PITH_BLK_P);
  }
  pith_classify_language(&f.d, o->stops);
  const pith_rules *sets[1] = {o->builtin_rules};
  pith_classify_ctx ctx = {sets, 1, o->stops, NULL};
  clock_t t0 = clock();
  OK(pith_classify(&f.d, &ctx) == PITH_OK, "classify 100k short lines");
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  OK(secs < 20.0, "in linear time (%.2f s; quadratic takes minutes)", secs);
  pith_doc_free(&f.d);
}

/* A teaser listing under the article: headline, byline, stamp, blurb. */
static void test_dated_listing(pith_options *o) {
  fixture f = {o, {0}};
  const char *lines[] = {
      para1, para2, para3, para1 + 4, para2 + 6, "More from the Ledger",
      "Harbour plan wins a second vote", "Jane Roe", "Tuesday November 19, 2019",
      "The harbour plan passed its second vote after the council agreed to "
      "fund a study of the tides and the old sea wall near the ferry port.",
      "School board names a new head", "John Doe", "Monday November 18, 2019",
      "The school board named a new head of the district after a search that "
      "lasted for most of the year and drew more than forty candidates.",
      "Market hall to reopen in spring", "Ann Poe", "Sunday November 17, 2019",
      "The market hall will reopen in the spring after the repairs to its "
      "roof, and the traders who left it are invited to come back to it."};
  run(&f, lines, sizeof lines / sizeof *lines);
  INT_EQ(kept(&f, para3), 1, "article before the listing kept");
  INT_EQ(kept(&f, "Harbour plan wins a second vote"), 0, "first teaser headline cut");
  INT_EQ(kept(&f, "Tuesday November 19, 2019"), 0, "stamp cut");
  INT_EQ(kept(&f, lines[17]), 0, "last blurb cut");
  pith_doc_free(&f.d);
  const char *table[] = {para1, para2, para3, para1 + 4, para2 + 6,
                         "Nov 12 2019", "Nov 13 2019", "Nov 14 2019", "Nov 15 2019",
                         para3 + 10};
  run(&f, table, sizeof table / sizeof *table);
  int listing = 0;
  for (size_t i = 0; i < f.d.n; i++)
    listing |= f.d.blocks[i].why && strcmp(f.d.blocks[i].why, "dated listing") == 0;
  INT_EQ(listing, 0, "stamps on consecutive lines are no listing");
  pith_doc_free(&f.d);
}

static void test_caps_teaser(pith_options *o) {
  fixture f = {o, {0}};
  const char *caps = "'CITY BUDGET' MAYOR OPENS UP ABOUT THE LONG NIGHT OF VOTES";
  const char *lines[] = {para1, caps, para2, para3};
  run(&f, lines, 4);
  INT_EQ(kept(&f, caps), 0, "a line of capitals between paragraphs is dropped");
  INT_EQ(kept(&f, para1), 1, "the paragraph before it stays");
  INT_EQ(kept(&f, para2), 1, "the paragraph after it stays");
  pith_doc_free(&f.d);
}

/* The capitals test against its definition (counts over the whole line)
 * on lines of 12..80 bytes: capitals with a few lower-case letters in the
 * first 8 bytes or further on, words of several lengths. */
static void test_caps_counts(pith_options *o) {
  enum { LINES = 400 };
  static char text[LINES][96];
  const char *lines[LINES];
  uint32_t seed = 12345;
  for (size_t k = 0; k < LINES; k++) {
    size_t len = 12 + k % 69, lowers = k / 69 % 4, j = 0;
    for (; j < len; j++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      /* no spaces at the ends (they would be trimmed) or doubled */
      int space = j > 0 && j + 1 < len && text[k][j - 1] != ' ' && r % (2 + k % 5) == 0;
      text[k][j] = space ? ' ' : (char)('A' + r % 26);
    }
    for (size_t m = 0; m < lowers; m++) { /* in the first 8 bytes for odd k */
      seed = seed * 1103515245u + 12345u;
      size_t at = (seed >> 16) % (k % 2 ? 8 : len);
      if (text[k][at] != ' ') text[k][at] = (char)(text[k][at] | 0x20);
    }
    snprintf(text[k] + len, 8, "%zu", k % 10); /* distinct lines */
    lines[k] = text[k];
  }
  fixture f = {o, {0}};
  run(&f, lines, LINES);
  int same = 1, teasers = 0;
  for (size_t i = 0; i < f.d.n; i++) {
    const pith_block *b = &f.d.blocks[i];
    size_t upper = 0, lower = 0, spaces = 0;
    for (size_t j = 0; j < b->len; j++) {
      upper += b->text[j] >= 'A' && b->text[j] <= 'Z';
      lower += b->text[j] >= 'a' && b->text[j] <= 'z';
      spaces += b->text[j] == ' ';
    }
    int want = b->chars <= 200 && b->len >= 16 && spaces + 1 >= 8 &&
               upper >= 20 * lower && upper * 2 >= b->len;
    int got = b->why && strcmp(b->why, "capitals") == 0;
    same &= want == got;
    teasers += want;
  }
  OK(same, "capitals as counted over the whole line");
  OK(teasers > 20 && teasers < LINES - 20, "both kinds of line tested");
  pith_doc_free(&f.d);
}

static const char *why_of(const fixture *f, const char *text) {
  for (size_t i = 0; i < f->d.n; i++)
    if (strcmp(f->d.blocks[i].text, text) == 0) return f->d.blocks[i].why;
  return NULL;
}

/* The article core and the gap filling: a teaser paragraph far above the
 * article goes, a data line between its paragraphs stays, asides between
 * them neither split the article nor count as distance. */
/* Runs of neargood lines (medium length, stop words) of 300 characters
 * or more are prose: the run from each neargood line on through good and
 * neargood lines and one headline-shaped short line at a time; a run
 * right after another's trailing short lines, and a lone neargood line
 * after it, are runs of their own (the lone one no prose). */
static void test_neargood_runs(pith_options *o) {
  fixture f = {o, {0}};
  const char *n1 = "It was the first time that the city had to close all of the schools "
                   "in one day, and it was not the last.";
  const char *n2 = "The mayor said that the roads would be open again by the end of the "
                   "week if the rain did not come back.";
  const char *n3 = "Most of the people who had left their homes were able to go back to "
                   "them on the next day, as the water fell.";
  const char *n4 = "He said that it was too early to say how much all of this would cost "
                   "the city and the people who live in it.";
  const char *n5 = "She said that they had all been told to stay at home and that most of "
                   "them did so for as long as it was needed.";
  const char *n6 = "There is no way to know when it will be over, but the worst of it is "
                   "now behind us and we can all start again.";
  const char *n7 = "But for now, the people of the city are glad that it is over and "
                   "that they can go back to what they were doing.";
  const char *lines[] = {"Menu", n1, "What Happened Next", n2, n3,
                         "see more", "and more here", n4, n5, n6,
                         "a b", "c d", "e f", n7, "Home | News | Sport | Weather"};
  run(&f, lines, sizeof lines / sizeof *lines);
  static const size_t at[] = {1, 3, 4, 7, 8, 9, 13};
  int medium = f.d.n == sizeof lines / sizeof *lines;
  for (size_t k = 0; medium && k < sizeof at / sizeof *at; k++)
    medium &= f.d.blocks[at[k]].cf == PITH_CLS_NEARGOOD;
  OK(medium, "the test's paragraphs are neargood (medium length, stop words)");
  STR_EQ(why_of(&f, n2), "run of prose", "a run across a headline-shaped short line");
  STR_EQ(why_of(&f, n3), "run of prose", "its last line");
  STR_EQ(why_of(&f, n5), "run of prose", "a run after another's trailing short lines");
  STR_EQ(why_of(&f, n6), "run of prose", "its last line");
  OK(f.d.blocks[1].cf == PITH_CLS_NEARGOOD &&
         strcmp(f.d.blocks[1].why, "run of prose") == 0,
     "the first line of the first run");
  OK(f.d.blocks[13].cf == PITH_CLS_NEARGOOD &&
         strcmp(f.d.blocks[13].why, "run of prose") != 0,
     "a lone neargood line is no run");
  pith_doc_free(&f.d);
}

static void test_core_and_gaps(pith_options *o) {
  const char *teaser =
      "The mayor also spoke about the plans for the new harbour district, "
      "where the city wants to build more than two thousand homes over the "
      "next ten years, and she said that the first of them would be ready soon.";
  const char *data =
      "Revenue 2024: 12,500,000 EUR; expenses 2024: 11,900,000 EUR; reserve: "
      "600,000 EUR";
  const char *lines[26];
  size_t n = 0;
  lines[n++] = teaser;
  static char menu[12][96];
  for (int k = 0; k < 12; k++) { /* long lines of few stop words: bad */
    snprintf(menu[k], sizeof menu[k],
             "Sport %c: scores, tables, fixtures, transfers, results, standings, videos",
             'A' + k);
    lines[n++] = menu[k];
  }
  lines[n++] = para1;
  lines[n++] = data;
  lines[n++] = para2;
  lines[n++] = "Advertisement";
  lines[n++] = para3;
  fixture f = {o, {0}};
  run(&f, lines, n);
  INT_EQ(kept(&f, teaser), 0, "a teaser far above the article is dropped");
  STR_EQ(why_of(&f, teaser), "far from the article", "why the teaser went");
  INT_EQ(kept(&f, data), 1, "a data line between paragraphs stays");
  STR_EQ(why_of(&f, data), "inside the article", "why the data line stayed");
  INT_EQ(kept(&f, para1) + kept(&f, para2) + kept(&f, para3), 3, "the article stays");
  pith_doc_free(&f.d);
  /* With a tail marker after the article and more text after it: the
   * good blocks the core and the gaps go through are listed by the tail
   * cut's walk, which stops at the marker; the teaser is listed before
   * LISTING_MIN_WORDS good words, the data line after them. */
  const char *more = "The council will meet again in the spring to look at the "
                     "figures for the first quarter, and the public may attend.";
  const char *p4 = "The finance officer told the council that the reserve would be "
                   "enough to cover a bad winter, but she warned that the cost of the "
                   "repairs to the old bridge could still grow before the work begins, "
                   "as the engineers had not yet finished their report on it.";
  const char *p5 = "Several residents who spoke at the meeting asked the council to "
                   "keep the swimming pool open in the summer, and the mayor said that "
                   "she would look for the money in the budget for the next year, once "
                   "the figures for the spring were known to all of them.";
  n = 13;
  lines[n++] = para1;
  lines[n++] = para2;
  lines[n++] = para3;
  lines[n++] = data;
  lines[n++] = p4;
  lines[n++] = "Advertisement";
  lines[n++] = p5;
  lines[n++] = "Comments";
  lines[n++] = more;
  run(&f, lines, n);
  INT_EQ(kept(&f, teaser), 0, "a teaser far above the article is dropped (marker)");
  STR_EQ(why_of(&f, data), "inside the article", "a data line between paragraphs stays (marker)");
  INT_EQ(kept(&f, para1) + kept(&f, para2) + kept(&f, para3) + kept(&f, p4) + kept(&f, p5), 5,
         "the article stays (marker)");
  INT_EQ(kept(&f, more), 0, "the text after the marker goes");
  STR_EQ(why_of(&f, more), "after tail marker", "why the text after it went");
  pith_doc_free(&f.d);
}

/* A gallery of caption labels (asides) inside the article does not set
 * the paragraphs after it apart from the article. */
static void test_gallery_inside_article(pith_options *o) {
  fixture f = {o, {0}};
  const char *after =
      "After the vote the mayor thanked the residents who had come to the "
      "hall, and she said that the work on the new library would begin in "
      "the spring, once the plans for the reading rooms had been approved.";
  const char *lines[17] = {para1, para2, para3};
  for (size_t i = 3; i < 16; i++) lines[i] = "The hall on the night (Image: Getty)";
  lines[16] = after;
  run(&f, lines, 17);
  INT_EQ(kept(&f, para1), 1, "article kept");
  INT_EQ(kept(&f, lines[3]), 0, "captions dropped");
  INT_EQ(kept(&f, after), 1, "paragraph after the gallery kept");
  pith_doc_free(&f.d);
}

/* A repeated line takes its first occurrence's outcome (the capitals
 * test, a rule's action and reason) without being matched again; lines
 * alike in length and in their first and last 8 bytes are told apart,
 * and captures are matched at each occurrence. */
static void test_repeated_lines(pith_options *o) {
  const char *acct = "Please create an account to read more of it";
  const char *apri = "Please create an apricot to read more of it";
  const char *caps = "'CITY BUDGET' MAYOR OPENS UP ABOUT THE LONG NIGHT OF VOTES";
  const char *by = "Written by Jane Roe";
  const char *lines[] = {para1, apri, acct, caps, by,   "Loading...", "Log In", para2,
                         acct,  apri, "Log In", "Loading...", caps, by, para3, apri,
                         acct, "Loading..."};
  size_t n = sizeof lines / sizeof *lines;
  fixture f = {o, {0}};
  run(&f, lines, n);
  pith_buf scratch = PITH_BUF_INIT;
  int same = f.d.n == n;
  for (size_t i = 0; same && i < n; i++) {
    const pith_block *b = &f.d.blocks[i];
    pith_rule_hit hit;
    int action = PITH_ACT_NONE;
    const char *why = NULL;
    if (lines[i] == caps) {
      action = PITH_ACT_ASIDE;
      why = "capitals";
    } else if (pith_rules_match(o->builtin_rules, b->text, b->len, b->chars, &scratch,
                                &hit)) {
      action = hit.action;
      why = hit.where;
    }
    if (action == PITH_ACT_NONE) {
      same = b->action == PITH_ACT_NONE;
    } else {
      same = b->action == action && b->why && strcmp(b->why, why) == 0;
      if (action == PITH_ACT_CAPTURE) same = same && b->field == PITH_FIELD_AUTHOR;
    }
    if (!same) fprintf(stderr, "  line %zu: action %d why %s\n", i, b->action, b->why);
  }
  pith_buf_free(&scratch);
  OK(same, "each line's action and reason are its own");
  INT_EQ(f.d.blocks[2].action, PITH_ACT_DROP, "the rule's line dropped");
  INT_EQ(f.d.blocks[1].action, PITH_ACT_NONE, "its look-alike is not");
  STR_EQ(f.d.fields[PITH_FIELD_AUTHOR], "Jane Roe", "captured byline");
  pith_doc_free(&f.d);
}

/* The title search reads the first bytes the rules pass leaves in each
 * block's memo. */
static void test_title_repeat(pith_options *o) {
  fixture f = {o, {0}};
  const char *lines[] = {"Rivers rise after storm | The Daily Example", "Home",
                         "Weather", "Rivers Rise After Storm", para1, para2};
  run(&f, lines, sizeof lines / sizeof *lines);
  STR_EQ(f.d.fields[PITH_FIELD_TITLE], "Rivers Rise After Storm", "the headline repeating the first line");
  INT_EQ(f.d.title_pos, 3, "its position");
  pith_doc_free(&f.d);
  /* the repetition walk's table is sized by the long good blocks the gap
   * filling counted */
  const char *again[] = {para1, para2, "Budget details", para3, para2, para1};
  run(&f, again, 6);
  int first = f.d.blocks[1].keep && f.d.blocks[3].keep && f.d.blocks[0].keep;
  OK(first && !f.d.blocks[4].keep && !f.d.blocks[5].keep && f.d.blocks[5].dup,
     "repeated paragraphs dropped, their first occurrences kept");
  pith_doc_free(&f.d);
}

/* The output's word count (64 bytes a step, AVX2 or SSE2) against a
 * byte-by-byte count, on outputs of many lengths: every block kept. */
static void test_output_words(void) {
  pith_options *o = pith_options_new();
  pith_options_set_flags(o, pith_options_flags(o) & ~PITH_OPT_STRIP);
  int same = 1;
  char text[4096];
  for (size_t k = 1; k < 300 && same; k++) {
    size_t n = 0;
    for (size_t i = 0; i < k; i++) /* words of 1..7 letters, lines of ~40 */
      n += (size_t)snprintf(text + n, sizeof text - n, "%.*s%s", (int)(1 + (i * 5 + k) % 7),
                            "abcdefg", (i + k) % 9 == 0 ? "\n" : " ");
    pith_result *r = pith_clean(o, text, n, PITH_KIND_TEXT);
    size_t len, words = 0;
    const char *t = pith_result_text(r, &len);
    for (size_t i = 0; i < len; i++)
      words += t[i] != ' ' && t[i] != '\n' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\n');
    same = pith_result_words(r) == words && words > 0;
    if (!same) fprintf(stderr, "  %zu bytes: %zu words, counted %zu\n", len, words,
                       pith_result_words(r));
    pith_result_free(r);
  }
  OK(same, "output words as counted byte by byte");
  pith_options_free(o);
}

/* The heading passes, over the candidates the context-free pass lists: a
 * short heading before content is neargood before the shorts are decided
 * (the short line after it then has neargood text before it); a
 * heading-shaped neargood line that smoothing made bad (boilerplate on
 * both sides) is a heading when good text follows within 200 characters;
 * the first line of a menu is no candidate. */
static void test_heading_passes(pith_options *o) {
  fixture f = {o, {0}};
  const char *pre[] = {"Home | News | Sport | Weather", "The Vote Is In", "it was close",
                       para1, para2};
  run(&f, pre, 5);
  STR_EQ(f.d.blocks[1].why, "heading before content", "a short heading before content");
  STR_EQ(why_of(&f, "it was close"), "short between content",
         "the short line after it, decided after it");
  pith_doc_free(&f.d);
  const char *heading =
      "Understanding the Extraordinary Consequences of the Unprecedented Flooding in the Valley";
  const char *lines[] = {"Home | News | Sport | Weather", heading, "Share", para1, para2};
  run(&f, lines, 5);
  OK(f.d.blocks[1].cf == PITH_CLS_NEARGOOD, "the heading is neargood");
  STR_EQ(why_of(&f, heading), "heading before content", "a heading before content");
  INT_EQ(kept(&f, heading), 1, "kept");
  pith_doc_free(&f.d);
  /* one between paragraphs is good without the post-pass, which leaves it */
  const char *inner =
      "Remembering the Extraordinary Consequences of the Unprecedented Storm in the Valley";
  const char *between[] = {para1, inner, para2, para3};
  run(&f, between, 4);
  OK(f.d.blocks[1].cf == PITH_CLS_NEARGOOD && f.d.blocks[1].cls == PITH_CLS_GOOD,
     "a heading between paragraphs is good");
  OK(strcmp(why_of(&f, inner), "heading before content") != 0,
     "the post-pass takes bad candidates only");
  pith_doc_free(&f.d);
  /* the first line of a menu is no candidate (near enough to the article
   * to stay, were it a heading) */
  const char *menu[] = {"World", "Business", para1, para2};
  run(&f, menu, 4);
  OK(strcmp(why_of(&f, "World"), "heading before content") != 0 && !kept(&f, "World"),
     "the first line of a menu is no heading");
  pith_doc_free(&f.d);
}

/* Neargood lines (runs of them too short to be prose) are decided by the
 * nearest good or bad lines on either side: bad on both sides (an edge of
 * the page counts as bad) makes them bad, else good; an aside or a tail
 * marker says nothing, and the other side decides. */
static void test_neargood_sides(pith_options *o) {
  fixture f = {o, {0}};
  const char *na = "It was the first time that the city had to close all of the schools "
                   "in one day, and it was not the last.";
  const char *nb = "The mayor said that the roads would be open again by the end of the "
                   "week if the rain did not come back.";
  const char *nc = "Most of the people who had left their homes were able to go back to "
                   "them on the next day, as the water fell.";
  const char *nd = "He said that it was too early to say how much all of this would cost "
                   "the city and the people who live in it.";
  const char *nav = "Log In", *nav2 = "Share this"; /* dropped by rules */
  const char *lines[] = {nd, nav, para1, para2, nav2, na, nav, nb, nc, para3, nav2,
                         "Advertisement", na, "Advertisement", nav, nb, nc, nav2};
  run(&f, lines, sizeof lines / sizeof *lines);
  static const size_t ng[] = {0, 5, 7, 8, 12, 15, 16};
  int medium = f.d.n == sizeof lines / sizeof *lines;
  for (size_t k = 0; medium && k < sizeof ng / sizeof *ng; k++)
    medium &= f.d.blocks[ng[k]].cf == PITH_CLS_NEARGOOD;
  OK(medium, "the test's lines are neargood");
  const pith_block *b = f.d.blocks;
  OK(b[0].cls == PITH_CLS_BAD && strcmp(b[0].why, "neargood beside boilerplate") == 0,
     "at the page's start, before boilerplate: bad");
  OK(b[5].cls == PITH_CLS_BAD && strcmp(b[5].why, "neargood beside boilerplate") == 0,
     "between boilerplate: bad");
  OK(b[7].cls == PITH_CLS_GOOD && b[8].cls == PITH_CLS_GOOD,
     "a run of two between boilerplate and a paragraph: good");
  OK(b[12].cls == PITH_CLS_GOOD, "between two asides: good");
  OK(b[15].cls == PITH_CLS_BAD && b[16].cls == PITH_CLS_BAD,
     "a run of two between boilerplate: bad");
  pith_doc_free(&f.d);
}

int main(void) {
  pith_options *o = pith_options_new();
  test_gallery_inside_article(o);
  test_caps_teaser(o);
  test_core_and_gaps(o);
  test_neargood_runs(o);
  test_neargood_sides(o);
  test_caps_counts(o);
  test_dated_listing(o);
  OK(o != NULL, "options with built-in filters");
  test_article_with_junk(o);
  test_marker_before_content(o);
  test_menu_run_not_headings(o);
  test_heading_passes(o);
  test_empty(o);
  test_short_document(o);
  test_long_run_of_shorts(o);
  test_repeated_lines(o);
  test_title_repeat(o);
  test_output_words();
  test_user_keep_rule(o);
  pith_options_free(o);
  return test_done();
}
