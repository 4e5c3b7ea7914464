/* HTML metadata: precedence between sources, date and title cleanup. */
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "html.h"
#include "htmlmeta.h"
#include "pith.h"

static pith_options *opts;

static void parse(pith_doc *d, const char *html) {
  pith_doc_init(d, opts);
  INT_EQ(pith_html_blocks(d, html, strlen(html)), PITH_OK, "parse ok");
}

static void test_precedence(void) {
  pith_doc d;
  /* everything present: og beats JSON-LD beats meta beats <title> beats h1 */
  parse(&d,
        "<html lang='en-GB'><head><title>Title Tag Story | The Site</title>"
        "<meta property='og:title' content='OG Story'>"
        "<meta name='twitter:title' content='Twitter Story'>"
        "<meta name='author' content='Meta Author'>"
        "<meta property='article:author' content='https://facebook.com/x'>"
        "<meta property='article:published_time' content='2021-03-04T05:06:07Z'>"
        "<meta property='og:site_name' content='OG Site'>"
        "<meta name='description' content='Meta description'>"
        "<meta property='og:description' content='OG description'>"
        "<meta property='og:image' content='https://e.x/i.jpg'>"
        "<link rel='canonical' href='https://e.x/story'>"
        "<meta property='og:url' content='https://e.x/og'>"
        "<script type='application/ld+json'>{\"@context\":\"https://schema.org\","
        "\"@type\":\"NewsArticle\",\"headline\":\"LD Story\","
        "\"author\":{\"@type\":\"Person\",\"name\":\"LD Author\"},"
        "\"datePublished\":\"2020-01-02T03:04:05+01:00\","
        "\"publisher\":{\"@type\":\"Organization\",\"name\":\"LD Site\"}}</script>"
        "</head><body><h1>H1 Story</h1><a rel=author href=/a>Link Author</a>"
        "<time datetime='2019-09-09'>Sept 9</time><p>Body.</p></body></html>");
  STR_EQ(d.fields[PITH_FIELD_TITLE], "OG Story", "title: og:title first");
  STR_EQ(d.fields[PITH_FIELD_AUTHOR], "LD Author", "author: JSON-LD first");
  STR_EQ(d.fields[PITH_FIELD_DATE], "2020-01-02T03:04:05+01:00", "date: JSON-LD first");
  STR_EQ(d.fields[PITH_FIELD_SITE], "OG Site", "site: og:site_name first");
  STR_EQ(d.fields[PITH_FIELD_URL], "https://e.x/story", "url: canonical first");
  STR_EQ(d.fields[PITH_FIELD_DESCRIPTION], "OG description", "description: og first");
  STR_EQ(d.fields[PITH_FIELD_LANG], "en", "lang from <html lang>");
  STR_EQ(d.fields[PITH_FIELD_IMAGE], "https://e.x/i.jpg", "image: og:image");
  pith_doc_free(&d);

  /* without og/JSON-LD the lower sources show through */
  parse(&d,
        "<html><head><title>Title Tag Story | The Site</title>"
        "<meta name='author' content='Meta Author'>"
        "<meta http-equiv='Content-Language' content='de'>"
        "<meta name='description' content='Meta description'>"
        "</head><body><h1>H1 Story</h1><a rel=author href=/a>Link Author</a>"
        "<time datetime='2019-09-09T10:11'>Sept 9</time></body></html>");
  STR_EQ(d.fields[PITH_FIELD_TITLE], "Title Tag Story", "title: <title> minus site");
  STR_EQ(d.fields[PITH_FIELD_AUTHOR], "Meta Author", "author: meta before rel=author");
  STR_EQ(d.fields[PITH_FIELD_DATE], "2019-09-09T10:11:00", "date: <time datetime>");
  STR_EQ(d.fields[PITH_FIELD_LANG], "de", "lang: Content-Language");
  STR_EQ(d.fields[PITH_FIELD_DESCRIPTION], "Meta description", "description: meta");
  OK(d.fields[PITH_FIELD_SITE] == NULL, "site unknown is null");
  OK(d.fields[PITH_FIELD_URL] == NULL, "url unknown is null");
  pith_doc_free(&d);

  parse(&d, "<body><h1>Only H1</h1><span itemprop=author>Item Author</span></body>");
  STR_EQ(d.fields[PITH_FIELD_TITLE], "Only H1", "title: h1 last");
  STR_EQ(d.fields[PITH_FIELD_AUTHOR], "Item Author", "author: itemprop");
  pith_doc_free(&d);

  /* JSON-LD in @graph, author as an array */
  parse(&d,
        "<script type=application/ld+json>{\"@graph\":[{\"@type\":\"WebSite\","
        "\"name\":\"x\"},{\"@type\":[\"BlogPosting\"],\"headline\":\"Graph Post\","
        "\"author\":[{\"name\":\"First Writer\"},{\"name\":\"Second\"}],"
        "\"datePublished\":\"2018-07-06\"}]}</script><p>x</p>");
  STR_EQ(d.fields[PITH_FIELD_TITLE], "Graph Post", "JSON-LD @graph headline");
  STR_EQ(d.fields[PITH_FIELD_AUTHOR], "First Writer", "JSON-LD author array");
  STR_EQ(d.fields[PITH_FIELD_DATE], "2018-07-06", "JSON-LD date");
  pith_doc_free(&d);

  parse(&d, "<script type=application/ld+json>{broken</script><p>x</p>");
  OK(d.fields[PITH_FIELD_TITLE] == NULL, "broken JSON-LD ignored");
  pith_doc_free(&d);
}

static void test_dates(void) {
  struct {
    const char *in, *out;
  } cases[] = {
      {"2023-05-01", "2023-05-01"},
      {"2023-05-01T10:20:30Z", "2023-05-01T10:20:30Z"},
      {"2023-05-01T10:20:30.123+0200", "2023-05-01T10:20:30+02:00"},
      {"2023/05/01", "2023-05-01"},
      {"20230501", "2023-05-01"},
      {"May 1, 2023", "2023-05-01"},
      {"1 May 2023", "2023-05-01"},
      {"Tuesday, 14 November 2019", "2019-11-14"},
      {"not a date", NULL},
      {"2023-13-01", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char out[40];
    int ok = pith_htmlmeta_iso_date(cases[i].in, strlen(cases[i].in), out, sizeof out);
    STR_EQ(ok ? out : NULL, cases[i].out, "date '%s'", cases[i].in);
  }
}

static void test_titles(void) {
  struct {
    const char *in, *out;
  } cases[] = {
      {"Story headline | Site", "Story headline"},
      {"Story headline - The Daily Site", "Story headline"},
      {"Site \xC2\xBB A much longer story headline here", "A much longer story headline here"},
      {"No separator at all", "No separator at all"},
      {"Well-known hyphen-words stay", "Well-known hyphen-words stay"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t start, n = pith_htmlmeta_title_core(cases[i].in, strlen(cases[i].in), &start);
    char out[128];
    memcpy(out, cases[i].in + start, n);
    out[n] = '\0';
    STR_EQ(out, cases[i].out, "title '%s'", cases[i].in);
  }
}

int main(void) {
  opts = pith_options_new();
  test_precedence();
  test_dates();
  test_titles();
  pith_options_free(opts);
  return test_done();
}
