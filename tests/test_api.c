/* The public API, as a user of pith.h sees it. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"
#include "pith.h"

static const char dump[] =
    "Storm closes harbour | Coast Courier\r\n"
    "Log In\r\n"
    "Storm closes harbour\r\n"
    "By Ana Lopes\r\n"
    "The harbour was closed on Monday after the storm damaged two of the piers, "
    "and the ferry company said that it would not run any boats until the "
    "engineers had checked the moorings and the lights at the entrance.\r\n"
    "Fishermen said that they had never seen waves of that height in the bay, "
    "and several of them moved their boats to the river where the water was "
    "calmer and the wind was not as strong as it was on the open quay.\r\n"
    "\xC2\xA9 2024 Coast Courier. All rights reserved.";

static void test_clean_text(void) {
  pith_options *o = pith_options_new();
  pith_result *r = pith_clean(o, dump, sizeof dump - 1, PITH_KIND_AUTO);
  INT_EQ(pith_result_status(r), PITH_OK, "status OK");
  OK(pith_result_error(r) == NULL, "no error");
  size_t len;
  const char *t = pith_result_text(r, &len);
  OK(strstr(t, "The harbour was closed") != NULL, "article kept");
  OK(strstr(t, "Log In") == NULL, "login prompt gone");
  OK(strstr(t, "All rights reserved") == NULL, "legal line gone");
  OK(strstr(t, "\r") == NULL, "CRLF normalized");
  OK(strstr(t, ".\n\nFishermen") != NULL, "paragraphs separated by one blank line");
  STR_EQ(pith_result_field(r, PITH_FIELD_TITLE), "Storm closes harbour", "title");
  STR_EQ(pith_result_field(r, PITH_FIELD_AUTHOR), "Ana Lopes", "author");
  STR_EQ(pith_result_field(r, PITH_FIELD_SITE), "Coast Courier", "site");
  STR_EQ(pith_result_field(r, PITH_FIELD_LANG), "en", "lang");
  OK(pith_result_field(r, PITH_FIELD_DATE) == NULL, "no date: null, not a guess");
  STR_EQ(pith_result_field(r, PITH_FIELD_CHARSET), "utf-8", "charset");
  OK(pith_result_words(r) > 60, "word count");
  char *js;
  size_t jl;
  INT_EQ(pith_render(r, PITH_FORMAT_JSON, &js, &jl), PITH_OK, "render json");
  char err[128];
  pith_json *v = pith_json_parse(js, jl, 64, err, sizeof err);
  OK(v != NULL, "rendered JSON parses");
  OK(v && pith_json_kind(pith_json_get(v, "url")) == PITH_JSON_NULL, "url is null");
  OK(v && pith_json_get(v, "error") == NULL, "no error field");
  pith_json_free(v);
  pith_free(js);
  pith_result_free(r);
  pith_options_free(o);
}

static void test_flags(void) {
  pith_options *o = pith_options_new();
  pith_options_set_flags(o, pith_options_flags(o) & ~PITH_OPT_STRIP);
  const char in[] = "Log In\n\xE2\x80\x9CQuoted\xE2\x80\x9D text\xC2\xA0here\n";
  pith_result *r = pith_clean(o, in, sizeof in - 1, PITH_KIND_TEXT);
  STR_EQ(pith_result_text(r, NULL), "Log In\n\n\"Quoted\" text here\n",
         "--no-strip keeps every block, still normalizes");
  pith_result_free(r);
  pith_options_set_flags(o, pith_options_flags(o) & ~PITH_OPT_ASCII_QUOTES);
  r = pith_clean(o, in, sizeof in - 1, PITH_KIND_TEXT);
  OK(strstr(pith_result_text(r, NULL), "\xE2\x80\x9CQuoted") != NULL, "--quotes keep");
  pith_result_free(r);
  INT_EQ(pith_options_set_charset(o, "no-such-charset"), PITH_EENCODING,
         "unknown charset refused");
  INT_EQ(pith_options_set_reference_date(o, "yesterday"), PITH_EINVAL,
         "bad reference date refused");
  char err[256] = "";
  INT_EQ(pith_options_add_filters(o, "mine.rules", "drop exact ok\nfrob x y\n", 22,
                                  err, sizeof err),
         PITH_ERULES, "malformed rule refused");
  OK(strncmp(err, "mine.rules:2:", 13) == 0, "error names file and line");
  pith_options_free(o);
}

/* Hard-wrapped text: the normalized text's lines are first read in place
 * as blocks, then joined into paragraphs; without space normalization a
 * line's trailing spaces stay inside its paragraph. */
static void test_hard_wrapped(void) {
  pith_options *o = pith_options_new();
  unsigned flags = pith_options_flags(o) & ~PITH_OPT_STRIP;
  pith_options_set_flags(o, flags);
  const char in[] = "One line \t\nand the next\n\nThird line\nfourth  \n";
  pith_result *r = pith_clean(o, in, sizeof in - 1, PITH_KIND_TEXT);
  STR_EQ(pith_result_text(r, NULL), "One line and the next\n\nThird line fourth\n",
         "hard-wrapped lines joined into paragraphs");
  INT_EQ((int)pith_result_words(r), 8, "words of the paragraphs");
  pith_result_free(r);
  pith_options_set_flags(o, flags & ~PITH_OPT_SPACES);
  r = pith_clean(o, in, sizeof in - 1, PITH_KIND_TEXT);
  STR_EQ(pith_result_text(r, NULL),
         "One line \t and the next\n\nThird line fourth\n",
         "--no-spaces: a line's trailing spaces kept inside its paragraph");
  pith_result_free(r);
  const char lines[] = "One line\nTwo line  \n\nThree\n";
  r = pith_clean(o, lines, sizeof lines - 1, PITH_KIND_TEXT);
  STR_EQ(pith_result_text(r, NULL), "One line\n\nTwo line\n\nThree\n",
         "--no-spaces: line mode trims each line");
  pith_result_free(r);
  pith_options_free(o);
}

static void test_explain_and_errors(void) {
  pith_options *o = pith_options_new();
  pith_options_set_flags(o, pith_options_flags(o) | PITH_OPT_EXPLAIN);
  pith_result *r = pith_clean(o, "Loading...\n", 11, PITH_KIND_TEXT);
  const char *ex = pith_result_explain(r);
  OK(ex && strncmp(ex, "DROP\tui.rules:", 14) == 0, "explain names the rule");
  pith_result_free(r);
  r = pith_clean(o, NULL, 0, PITH_KIND_AUTO);
  INT_EQ(pith_result_status(r), PITH_OK, "empty input is a valid empty document");
  STR_EQ(pith_result_text(r, NULL), "", "empty text");
  pith_result_free(r);
  r = pith_result_new_error(PITH_EFORMAT, "x.jsonl:3", "invalid JSON");
  char *js;
  size_t jl;
  pith_render(r, PITH_FORMAT_JSON, &js, &jl);
  OK(strstr(js, "\"error\":\"invalid JSON\"") && strstr(js, "\"source\":\"x.jsonl:3\""),
     "error record carries error and source");
  pith_free(js);
  pith_result_free(r);
  const char bin[] = "\x00\x01\xff\xfe binary \x00 junk \x80\x81";
  r = pith_clean(o, bin, sizeof bin - 1, PITH_KIND_AUTO);
  OK(r && pith_result_status(r) == PITH_OK, "binary input never fails");
  pith_render(r, PITH_FORMAT_JSON, &js, &jl);
  char err[128];
  pith_json *v = pith_json_parse(js, jl, 64, err, sizeof err);
  OK(v != NULL, "JSON from binary input is valid");
  pith_json_free(v);
  pith_free(js);
  pith_result_free(r);
  pith_options_free(o);
  OK(pith_version() == PITH_VERSION, "version");
  STR_EQ(pith_strerror(PITH_ENOMEM), "out of memory", "strerror");
}

static void test_markdown(void) {
  pith_options *o = pith_options_new();
  const char html[] =
      "<html><head><title>Tide tables</title></head><body><article>"
      "<h1>Tide tables</h1><p>The tide tables for the coming week were published "
      "on Friday by the harbour office, and they show two very high tides.</p>"
      "<h2>When to avoid the quay</h2><ul><li>Tuesday at six in the evening</li>"
      "<li>Wednesday at seven in the morning</li></ul><p>The harbour master asked "
      "the owners of small boats to check their lines before those tides.</p>"
      "</article></body></html>";
  pith_result *r = pith_clean(o, html, sizeof html - 1, PITH_KIND_AUTO);
  char *md;
  size_t ml;
  INT_EQ(pith_render(r, PITH_FORMAT_MARKDOWN, &md, &ml), PITH_OK, "render markdown");
  OK(strncmp(md, "# Tide tables\n\nThe tide", 22) == 0,
     "title as # heading, its h1 copy not repeated");
  OK(strstr(md, "## When to avoid the quay") != NULL, "h2 as ## heading");
  OK(strstr(md, "- Tuesday at six in the evening\n- Wednesday") != NULL,
     "list items as a tight list");
  pith_free(md);
  pith_result_free(r);
  const char linked[] =
      "<html><body><article><p>The harbour was closed on Monday after the "
      "storm damaged <a href=\"https://example.com/piers\">two of the piers</a>,"
      " and the ferry company said it would not run any boats.</p></article>"
      "</body></html>";
  r = pith_clean(o, linked, sizeof linked - 1, PITH_KIND_HTML);
  OK(strstr(pith_result_text(r, NULL), "damaged two of the piers,") != NULL,
     "link text without --links");
  pith_result_free(r);
  pith_options_set_flags(o, pith_options_flags(o) | PITH_OPT_LINKS);
  r = pith_clean(o, linked, sizeof linked - 1, PITH_KIND_HTML);
  OK(strstr(pith_result_text(r, NULL),
            "damaged [two of the piers](https://example.com/piers), and") != NULL,
     "--links keeps the target as [text](href)");
  pith_result_free(r);
  pith_options_free(o);
}

int main(void) {
  test_clean_text();
  test_markdown();
  test_flags();
  test_hard_wrapped();
  test_explain_and_errors();
  return test_done();
}
