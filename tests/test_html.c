/* HTML front end: blocks, features, hints, container, robustness. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "filters_builtin.h"
#include "classify.h"
#include "harness.h"
#include "html.h"
#include "pith.h"

static pith_options *opts;

static void parse(pith_doc *d, const char *html) {
  pith_doc_init(d, opts);
  d->is_html = 1;
  INT_EQ(pith_html_blocks(d, html, strlen(html)), PITH_OK, "parse ok");
}

static const pith_block *find(const pith_doc *d, const char *prefix) {
  for (size_t i = 0; i < d->n; i++)
    if (!strncmp(d->blocks[i].text, prefix, strlen(prefix))) return &d->blocks[i];
  return NULL;
}

static void test_blocks(void) {
  pith_doc d;
  parse(&d,
        "<html><body><div><div><h2>Section <b>one</b></h2>"
        "<p>First <i>para</i>graph with a <a href=x>link here</a>.</p>"
        "<ul><li>item one</li><li>item two</li></ul>"
        "<blockquote>quoted words</blockquote><pre>a  b\n  c</pre>"
        "<table><tr><td>c1</td><td>c2</td></tr></table>"
        "text one<br>same block<br><br>new block"
        "<script>var x = '</p>';</script><style>p{}</style>"
        "<div hidden>secret one</div><div style='display: none'>secret two</div>"
        "<span aria-hidden=\"true\">secret three</span>"
        "</div></div></body></html>");
  const pith_block *b = find(&d, "Section one");
  OK(b && b->kind == PITH_BLK_HEADING && b->heading == 2, "h2 heading block");
  b = find(&d, "First paragraph with a link here.");
  OK(b != NULL, "inline elements joined");
  if (b) INT_EQ(b->link_chars, 9, "link chars counted");
  b = find(&d, "item two");
  OK(b && b->kind == PITH_BLK_LI, "list item");
  b = find(&d, "quoted");
  OK(b && b->kind == PITH_BLK_QUOTE, "blockquote");
  b = find(&d, "a  b");
  OK(b && b->kind == PITH_BLK_PRE && strchr(b->text, '\n'), "pre keeps newlines");
  b = find(&d, "c1");
  OK(b && b->kind == PITH_BLK_CELL && !strcmp(b->text, "c1 | c2"), "row cells joined");
  OK(find(&d, "text one same block") != NULL, "single br joins");
  OK(find(&d, "new block") != NULL, "double br splits");
  OK(!find(&d, "var x") && !find(&d, "p{}"), "script and style removed");
  OK(!find(&d, "secret"), "hidden elements removed");
  pith_doc_free(&d);
}

static void test_container(void) {
  pith_doc d;
  parse(&d,
        "<body><nav class=menu><a href=/>Home</a> <a href=/n>News</a></nav>"
        "<div id=main><article class=post>"
        "<h1>The title of the story</h1>"
        "<p>The council met on Tuesday, and after a long debate, it voted to "
        "approve the budget for the coming year, which includes new money for "
        "schools, roads and the library.</p>"
        "<p>Members said the plan, drafted over six months, balances the needs "
        "of residents with the limits of what the town can afford to spend.</p>"
        "<div class='share-bar'><a href=#>Share</a> <a href=#>Tweet</a></div>"
        "<figure><img src=a.jpg><figcaption>The town hall, in spring.</figcaption></figure>"
        "</article>"
        "<section id=comments><p>Great article, thanks for writing it, I "
        "really enjoyed reading about the budget, and the schools.</p></section>"
        "</div><aside class=sidebar><p>Most read stories this week, "
        "collected for you, with more to come, and more, and more.</p></aside>"
        "<footer>(c) The Town Paper</footer></body>");
  const pith_block *p1 = find(&d, "The council met");
  const pith_block *p2 = find(&d, "Members said");
  OK(p1 && (p1->hints & PITH_HINT_ARTICLE), "paragraph 1 in the container");
  OK(p2 && (p2->hints & PITH_HINT_ARTICLE), "paragraph 2 in the container");
  const pith_block *nav = find(&d, "Home");
  OK(nav && !(nav->hints & PITH_HINT_ARTICLE), "nav outside the container");
  const pith_block *share = find(&d, "Share");
  OK(share && (share->hints & PITH_HINT_SHARE), "share hint from class");
  const pith_block *cap = find(&d, "The town hall");
  OK(cap && cap->kind == PITH_BLK_CAPTION && (cap->hints & PITH_HINT_CAPTION),
     "figcaption is a caption");
  const pith_block *com = find(&d, "Great article");
  OK(com && com->action == PITH_ACT_DROP && com->why &&
         !strcmp(com->why, "html:comments"),
     "comment section dropped");
  const pith_block *side = find(&d, "Most read");
  OK(side && (side->hints & PITH_HINT_SIDEBAR) && !(side->hints & PITH_HINT_ARTICLE),
     "sidebar hinted, outside");
  STR_EQ(d.fields[PITH_FIELD_TITLE], "The title of the story", "title from h1");
  pith_html_refine(&d);
  OK(p1 && p1->keep && p2 && p2->keep, "refine keeps the article");
  OK(!nav->keep && !share->keep && !cap->keep && !com->keep && !side->keep,
     "refine drops nav, share, caption, comments, sidebar");
  pith_doc_free(&d);
}

/* Text run directly in a div that also holds blocks (a title <p>, a share
 * row) is a paragraph of that div: the div wins over the footer, whose
 * one sentence sits in a <div> of its own. */
static void test_bare_text(void) {
  pith_doc d;
  parse(&d,
        "<body><div class=wrap><ul class=menu><li><a href=/a>One</a></li>"
        "<li><a href=/b>Two</a></li><li><a href=/c>Three</a></li></ul></div>"
        "<div class=col><p class=title>Crews repair the bridge</p>"
        "The crew of the maintenance service, from the north district, "
        "reported this morning that two beams of the old bridge were damaged "
        "by the storm, and that the repairs, which began at noon, will take "
        "about a week, during which traffic will use the ferry.<br><br>"
        "<div class=row><a href=#>Facebook</a> <a href=#>Twitter</a></div></div>"
        "<div class=rodape><div><div>City Hall - Registry 12.345/0001 - Main "
        "Street, 1111 - District, Town - Phone: 555-0100</div></div></div>"
        "</body>");
  const pith_block *p = find(&d, "The crew of");
  const pith_block *foot = find(&d, "City Hall");
  OK(p && (p->hints & PITH_HINT_ARTICLE), "bare text run is the article");
  OK(foot && !(foot->hints & PITH_HINT_ARTICLE), "footer line is not");
  pith_doc_free(&d);
}

/* Paragraphs in comment threads and in sections a junk heading opens
 * ("You may like" + teasers) do not vote: the shorter article wins. */
static void test_junk_sections(void) {
  static const char teaser[] =
      "<p>A teaser paragraph, long enough to count, with commas, and more "
      "commas, about another story on this site, which you may want to read, "
      "or perhaps not, depending on your taste and time.</p>";
  pith_buf h = PITH_BUF_INIT;
  pith_buf_puts(&h, "<body><div class=wrap><article class=post><h1>Main</h1>"
                    "<p>The article itself, with its one paragraph, says that "
                    "the market opened, and that prices rose by a tenth.</p>"
                    "</article><article class='post hentry'>"
                    "<h3 class=relatedposts-title>You may like</h3>");
  for (int i = 0; i < 6; i++) pith_buf_puts(&h, teaser);
  pith_buf_puts(&h, "</article><div class=comment-list><div><div>");
  for (int i = 0; i < 6; i++) pith_buf_puts(&h, teaser);
  pith_buf_puts(&h, "</div></div></div></div></body>");
  pith_doc d;
  parse(&d, h.data);
  const pith_block *a = find(&d, "The article itself");
  OK(a && (a->hints & PITH_HINT_ARTICLE), "article wins over teasers");
  const pith_block *t = find(&d, "A teaser");
  OK(t && (t->hints & PITH_HINT_RELATED), "teasers hinted related");
  pith_html_refine(&d);
  int kept = 0;
  for (size_t i = 0; i < d.n; i++)
    kept += d.blocks[i].keep && !strncmp(d.blocks[i].text, "A teaser", 8);
  INT_EQ(kept, 0, "no teaser or comment kept");
  pith_doc_free(&d);
  pith_buf_free(&h);
}

/* A block that is mostly a hinted span takes the span's hints; a span
 * wrapping paragraphs labels nothing, nor does a short span in a
 * sentence. */
static void test_inline_hints(void) {
  pith_doc d;
  parse(&d,
        "<body><article><h1>Title words</h1>"
        "<span class=data itemprop=datePublished>Monday, 22 January 2018</span>"
        "<p>By <span class=author>Ann Lee</span></p>"
        "<p>Prices rose on <time>Monday</time>, the agency said, after a "
        "week in which they fell.</p>"
        "<span class=meta-field><p>Wrapped paragraph, with commas, that is "
        "the body of the post, as some blog engines write it.</p></span>"
        "</article></body>");
  const pith_block *b = find(&d, "Monday, 22");
  OK(b && (b->hints & PITH_HINT_META), "date span hints its block");
  b = find(&d, "By Ann");
  OK(b && (b->hints & PITH_HINT_BYLINE), "author span fills the byline");
  b = find(&d, "Prices rose");
  OK(b && !(b->hints & PITH_HINT_META), "time inside a sentence is no hint");
  b = find(&d, "Wrapped paragraph");
  OK(b && !(b->hints & PITH_HINT_META), "span around blocks is no label");
  pith_doc_free(&d);
}

/* Refinements inside the container: the headline repeating the title
 * (curly quotes, site suffix) goes; a sentence with linked names stays,
 * a teaser link goes; "has-image" does not make a recipe card a caption. */
static void test_refine(void) {
  pith_doc d;
  parse(&d,
        "<html><head><title>\xE2\x80\x98We won\xE2\x80\x99: the vote | The Ledger"
        "</title></head><body><article class=post>"
        "<h1>'We won': the vote</h1>"
        "<p>The council met on Tuesday, and after a long debate, it voted to "
        "approve the budget for the coming year, which includes new money.</p>"
        "<p>The mayor, <a href=/p/1>Ann Lee</a>, said <a href=/n/2>the vote "
        "showed that the town</a> could agree.</p>"
        "<p><a href=/n/3>Another story about the council budget vote</a></p>"
        "<section class='card has-image'><p>Mix the flour and the water, then "
        "rest the dough, covered, for an hour before baking it.</p></section>"
        "</article></body></html>");
  pith_classify_language(&d, NULL); /* word counts */
  pith_html_refine(&d);
  const pith_block *b = find(&d, "'We won'");
  OK(b && !b->keep, "headline repeating the title dropped");
  b = find(&d, "The mayor");
  OK(b && b->keep, "sentence with linked names kept");
  b = find(&d, "Another story");
  OK(b && !b->keep, "teaser link dropped");
  b = find(&d, "Mix the flour");
  OK(b && b->keep && !(b->hints & PITH_HINT_CAPTION), "has-image is no caption");
  pith_doc_free(&d);
}

/* Rule asides are dropped inside the container too, and the linked list
 * after a related label goes with it; the page's own URL printed in the
 * body goes. Rule actions are set by hand: this test has no classifier. */
static void test_refine_lists(void) {
  pith_doc d;
  parse(&d,
        "<html><head><link rel=canonical href='https://www.example.com/a/1'>"
        "</head><body><article class=post>"
        "<p>The council met on Tuesday, and after a long debate, it voted to "
        "approve the budget for the coming year, which includes new money.</p>"
        "<p>Members said the plan, drafted over six months, balances needs.</p>"
        "<p>More Great Ledger Stories</p><ul>"
        "<li>Why the bridge <a href=/b>closed again</a></li>"
        "<li>A <a href=/c>new school</a> opens</li></ul>"
        "<p>http://example.com/a/1/</p></article></body></html>");
  pith_block *label = (pith_block *)find(&d, "More Great");
  if (label) label->action = PITH_ACT_ASIDE;
  pith_classify_language(&d, NULL);
  pith_html_refine(&d);
  OK(label && !label->keep, "aside label dropped");
  const pith_block *b = find(&d, "Why the bridge");
  OK(b && !b->keep, "linked item after the label dropped");
  b = find(&d, "A new school");
  OK(b && !b->keep, "second linked item dropped");
  b = find(&d, "http://example.com");
  OK(b && !b->keep, "the page's own URL dropped");
  b = find(&d, "Members said");
  OK(b && b->keep, "article kept");
  pith_doc_free(&d);
}

static void test_robust(void) {
  /* deep nesting: no recursion proportional to depth, here or in gumbo */
  size_t depth = 50000;
  char *html = malloc(depth * 5 + 64);
  size_t n = 0;
  for (size_t i = 0; i < depth; i++) memcpy(html + n, "<div>", 5), n += 5;
  memcpy(html + n, "deep text", 9), n += 9;
  html[n] = '\0';
  pith_doc d;
  parse(&d, html);
  OK(1, "deep nesting survived (%zu blocks)", d.n);
  pith_doc_free(&d);
  free(html);
  const char *broken[] = {
      "", "<", "<html", "<p>unclosed <b>bold <i>both</p> after",
      "<script>never closed", "<!-- never closed", "<table><td>x<tr><p>y",
      "<title>a <script> in a title</title><p>body text</p>",
      "\xff\xfe garbage \x01\x02 <p>x</p>", NULL};
  for (int i = 0; broken[i]; i++) {
    parse(&d, broken[i]);
    pith_doc_free(&d);
  }
  parse(&d, "<title>a <script> in a title</title><p>body text here</p>");
  OK(find(&d, "body text here") != NULL, "<script> inside <title> is text");
  pith_doc_free(&d);
  parse(&d, "<p>before</p><!-- <p>commented</p> --><p>after</p>");
  OK(find(&d, "before") && find(&d, "after") && !find(&d, "commented"),
     "comments removed");
  pith_doc_free(&d);
}

static void test_sniff(void) {
  OK(pith_html_sniff("<!DOCTYPE html><p>", 18), "doctype");
  OK(pith_html_sniff("\xEF\xBB\xBF  \n<HTML>", 11), "BOM, spaces, upper case");
  OK(pith_html_sniff("<div class=x>", 13), "div");
  OK(pith_html_sniff("<!-- c --><html>", 16), "comment then html");
  OK(!pith_html_sniff("Hello <b>world</b>", 18), "text with a tag is text");
  OK(!pith_html_sniff("<pre>", 5) || 1, "pre: either way");
  OK(!pith_html_sniff("", 0), "empty");
}

/* Every line of classid.tokens names a known hint and a number. */
static void test_tokens_file(void) {
  static const char *const hints[] = {
      "comment", "share", "related", "newsletter", "cookie", "footer", "nav",
      "sidebar", "byline", "caption", "ad", "hidden", "header", "meta", "form",
      "article", "-", NULL};
  const pith_builtin_file *f = pith_builtin_files;
  while (f->name && strcmp(f->name, "classid.tokens")) f++;
  OK(f->name != NULL, "classid.tokens is embedded");
  if (!f->name) return;
  int bad = 0, lines = 0;
  const char *p = f->data, *end = f->data + f->len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    char line[128] = "";
    size_t n = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) : sizeof line - 1;
    memcpy(line, p, n);
    if (n && line[0] != '#') {
      char tok[64], hint[64];
      int w;
      if (sscanf(line, "%63s %63s %d", tok, hint, &w) != 3) {
        bad++;
      } else {
        int known = 0;
        for (int i = 0; hints[i]; i++) known |= !strcmp(hints[i], hint);
        bad += !known;
        lines++;
      }
    }
    p = eol + 1;
  }
  INT_EQ(bad, 0, "all %d token lines well-formed", lines);
}

int main(void) {
  opts = pith_options_new();
  test_blocks();
  test_container();
  test_bare_text();
  test_junk_sections();
  test_inline_hints();
  test_refine();
  test_refine_lists();
  test_robust();
  test_sniff();
  test_tokens_file();
  pith_options_free(opts);
  return test_done();
}
