/* Metadata from HTML markup.
 *
 * Precedence per field (rank 1 wins; a field nobody names stays null):
 *   title:       og:title > JSON-LD headline/name (Article-like @type) >
 *                twitter:title, dc.title, headline... > <title> without
 *                its site part > the first <h1>
 *   author:      JSON-LD author name > meta author / article:author /
 *                dc.creator... (not URLs) > rel=author text >
 *                itemprop=author text
 *   date:        JSON-LD datePublished > article:published_time and the
 *                other date <meta>s > <time itemprop=datePublished|pubdate>
 *                > the first <time datetime> > JSON-LD dateModified;
 *                always normalized to ISO 8601
 *   site:        og:site_name > JSON-LD publisher.name > application-name
 *   url:         <link rel=canonical> > og:url > JSON-LD url
 *   description: og:description > meta description > twitter:description >
 *                JSON-LD description
 *   lang:        <html lang> > Content-Language meta > og:locale (ISO 639-1)
 *   image:       og:image > twitter:image > JSON-LD image
 * Earlier occurrences win ties. */
#include "htmlmeta.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "json.h"

#define TEXT_MAX 300 /* longest element text taken for a field */

enum { R_NONE = 0 };

void pith_htmlmeta_init(pith_htmlmeta *m) { memset(m, 0, sizeof *m); }

static int ieq(const char *a, const char *b) {
  if (!a || !b) return 0;
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

static const char *attr(const GumboElement *el, const char *name) {
  const GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);
  return a ? a->value : NULL;
}

/* Keep a candidate if it outranks what we have (copied into the arena). */
static void offer(pith_htmlmeta *m, pith_doc *d, pith_field f, int rank,
                  const char *s, size_t n) {
  if (!s) return;
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (!n || (m->rank[f] && m->rank[f] <= rank)) return;
  char *c = pith_arena_strndup(&d->arena, s, n);
  if (!c) {
    d->failed = 1;
    return;
  }
  m->val[f] = c;
  m->rank[f] = rank;
}

static void offer_s(pith_htmlmeta *m, pith_doc *d, pith_field f, int rank,
                    const char *s) {
  if (s) offer(m, d, f, rank, s, strlen(s));
}

/* Length of s without a code point that a byte cap cut in two (s is valid
 * UTF-8 up to the cut). */
static size_t utf8_whole(const char *s, size_t n) {
  size_t i = n, k = 0;
  while (i > 0 && k < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--, k++;
  if (i == 0) return n;
  unsigned char c = (unsigned char)s[i - 1];
  size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return k + 1 < need ? i - 1 : n;
}

/* Collapsed text of a small subtree (iterative; stops at TEXT_MAX). */
static size_t subtree_text(const GumboNode *root, char *out, size_t cap) {
  const GumboNode *stack[64];
  unsigned idx[64];
  int sp = 0;
  size_t n = 0;
  stack[0] = root, idx[0] = 0;
  while (sp >= 0 && n + 1 < cap) {
    const GumboNode *nd = stack[sp];
    const GumboVector *kids = &nd->v.element.children;
    if (idx[sp] >= kids->length) {
      sp--;
      continue;
    }
    const GumboNode *c = kids->data[idx[sp]++];
    if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE) {
      for (const char *t = c->v.text.text; *t && n + 1 < cap; t++) {
        int sp_ = isspace((unsigned char)*t);
        if (sp_ && (n == 0 || out[n - 1] == ' ')) continue;
        out[n++] = sp_ ? ' ' : *t;
      }
    } else if (c->type == GUMBO_NODE_ELEMENT && sp + 1 < 64 &&
               c->v.element.tag != GUMBO_TAG_SCRIPT &&
               c->v.element.tag != GUMBO_TAG_STYLE) {
      sp++;
      stack[sp] = c, idx[sp] = 0;
    }
  }
  n = utf8_whole(out, n);
  while (n && out[n - 1] == ' ') n--;
  out[n] = '\0';
  return n;
}

/* ---------- dates ---------- */

static int month_num(const char *s, size_t n) {
  static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};
  if (n < 3) return 0;
  for (int i = 0; i < 12; i++)
    if (tolower((unsigned char)s[0]) == names[i][0] &&
        tolower((unsigned char)s[1]) == names[i][1] &&
        tolower((unsigned char)s[2]) == names[i][2])
      return i + 1;
  return 0;
}

static int digits(const char *s, size_t n, size_t i, size_t k) {
  if (i + k > n) return -1;
  int v = 0;
  for (size_t j = i; j < i + k; j++) {
    if (!isdigit((unsigned char)s[j])) return -1;
    v = v * 10 + (s[j] - '0');
  }
  return v;
}

/* "T10:20[:30][.123](Z|+02:00|+0200)" after a date. */
static void iso_time(const char *s, size_t n, size_t i, char *out,
                     size_t outlen) {
  if (i >= n || (s[i] != 'T' && s[i] != ' ')) return;
  int hh = digits(s, n, i + 1, 2), mm = digits(s, n, i + 4, 2);
  if (hh < 0 || mm < 0 || s[i + 3] != ':' || hh > 23 || mm > 59) return;
  int ss = 0;
  i += 6;
  if (i < n && s[i] == ':' && (ss = digits(s, n, i + 1, 2)) >= 0) i += 3;
  if (ss < 0) ss = 0;
  while (i < n && (s[i] == '.' || isdigit((unsigned char)s[i]))) i++;
  char zone[8] = "";
  if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
    strcpy(zone, "Z");
  } else if (i < n && (s[i] == '+' || s[i] == '-')) {
    int zh = digits(s, n, i + 1, 2);
    size_t j = i + 3;
    if (j < n && s[j] == ':') j++;
    int zm = digits(s, n, j, 2);
    if (zh >= 0 && zm >= 0) snprintf(zone, sizeof zone, "%c%02d:%02d", s[i], zh % 100, zm % 100);
  }
  size_t len = strlen(out);
  snprintf(out + len, outlen - len, "T%02d:%02d:%02d%s", hh, mm, ss, zone);
}

int pith_htmlmeta_iso_date(const char *s, size_t n, char *out, size_t outlen) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  int y = -1, mo = -1, da = -1;
  size_t after = 0;
  if ((y = digits(s, n, 0, 4)) >= 0 && n >= 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.')) {
    mo = digits(s, n, 5, 2), da = digits(s, n, 8, 2), after = 10;
  } else if (y >= 0 && (mo = digits(s, n, 4, 2)) >= 0 && (da = digits(s, n, 6, 2)) >= 0 &&
             (n == 8 || !isdigit((unsigned char)s[8]))) {
    after = 8;
  } else {
    /* "May 1, 2023", "1 May 2023", "01 May 2023 10:00" */
    size_t i = 0;
    int a = -1, mon = 0, yr = -1;
    while (i < n && i < 40) {
      size_t j = i;
      while (j < n && isalnum((unsigned char)s[j])) j++;
      if (j > i) {
        if (isdigit((unsigned char)s[i])) {
          int v = digits(s, n, i, j - i < 5 ? j - i : 5);
          if (j - i == 4 && v > 1900) yr = v;
          else if (j - i <= 2 && a < 0) a = v;
          else if (isalpha((unsigned char)s[j - 1]) && a < 0) a = atoi(s + i); /* 1st */
        } else if (!mon) {
          mon = month_num(s + i, j - i);
        }
      }
      if (yr > 0 && mon && a > 0) break;
      i = j + 1;
    }
    if (yr < 0 || !mon || a < 1) return 0;
    y = yr, mo = mon, da = a;
    after = n; /* no time part */
  }
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || da < 1 || da > 31) return 0;
  snprintf(out, outlen, "%04d-%02d-%02d", y, mo, da);
  iso_time(s, n, after, out, outlen);
  return 1;
}

static void offer_date(pith_htmlmeta *m, pith_doc *d, int rank, const char *s) {
  char iso[40];
  if (s && pith_htmlmeta_iso_date(s, strlen(s), iso, sizeof iso))
    offer_s(m, d, PITH_FIELD_DATE, rank, iso);
}

/* ---------- lang ---------- */

static void offer_lang(pith_htmlmeta *m, pith_doc *d, int rank, const char *s) {
  if (!s) return;
  while (isspace((unsigned char)*s)) s++;
  char code[4];
  size_t n = 0;
  while (n < 3 && isalpha((unsigned char)s[n])) code[n] = (char)tolower((unsigned char)s[n]), n++;
  if (n < 2 || (n == 3 && isalpha((unsigned char)s[3]))) return;
  offer(m, d, PITH_FIELD_LANG, rank, code, n);
}

/* ---------- title ---------- */

static int is_sep_at(const char *s, size_t n, size_t i, size_t *w) {
  static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                     " :: ", " \xC2\xBB ", " \xC2\xB7 ", " // ",
                                     " \xE2\x80\xA2 ", NULL};
  for (int k = 0; seps[k]; k++) {
    size_t l = strlen(seps[k]);
    if (i + l <= n && !memcmp(s + i, seps[k], l)) {
      *w = l;
      return 1;
    }
  }
  return 0;
}

size_t pith_htmlmeta_title_core(const char *s, size_t n, size_t *start) {
  size_t first = 0, firstw = 0, last = 0, lastw = 0;
  int found = 0;
  for (size_t i = 0; i < n; i++) {
    size_t w;
    if (s[i] == ' ' && is_sep_at(s, n, i, &w)) {
      if (!found) first = i, firstw = w;
      last = i, lastw = w, found = 1;
    }
  }
  *start = 0;
  if (!found) return n;
  size_t tail = n - (last + lastw), head = first;
  /* the site name is the shorter end */
  if (tail <= last && tail <= 40) return last;
  if (head <= n - first - firstw && head <= 40) {
    *start = first + firstw;
    return n - *start;
  }
  return n;
}

/* ---------- JSON-LD ---------- */

static int article_type(const pith_json *t) {
  static const char *const types[] = {
      "article", "newsarticle", "blogposting", "reportagenewsarticle",
      "scholarlyarticle", "socialmediaposting", "liveblogposting", "techarticle",
      "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle",
      "backgroundnewsarticle", "report", "webpage", "posting", NULL};
  if (!t) return 0;
  if (pith_json_kind(t) == PITH_JSON_ARRAY) {
    for (size_t i = 0; i < pith_json_size(t); i++)
      if (article_type(pith_json_at(t, i))) return 1;
    return 0;
  }
  const char *s = pith_json_str(t, NULL);
  for (int i = 0; s && types[i]; i++)
    if (ieq(s, types[i])) return 1 + (i == 13); /* 2 = WebPage: weaker */
  return 0;
}

static const char *json_name(const pith_json *v) {
  if (!v) return NULL;
  if (pith_json_kind(v) == PITH_JSON_STRING) return pith_json_str(v, NULL);
  if (pith_json_kind(v) == PITH_JSON_ARRAY)
    return pith_json_size(v) ? json_name(pith_json_at(v, 0)) : NULL;
  if (pith_json_kind(v) == PITH_JSON_OBJECT) {
    const char *s = pith_json_str(pith_json_get(v, "name"), NULL);
    return s ? s : pith_json_str(pith_json_get(v, "url"), NULL);
  }
  return NULL;
}

static void ld_object(pith_htmlmeta *m, pith_doc *d, const pith_json *o) {
  int t = article_type(pith_json_get(o, "@type"));
  if (!t) return;
  int r = t == 2 ? 1 : 0; /* WebPage ranks below Article-like types */
  offer_s(m, d, PITH_FIELD_TITLE, 2 + r, pith_json_str(pith_json_get(o, "headline"), NULL));
  if (t == 1) offer_s(m, d, PITH_FIELD_AUTHOR, 1, json_name(pith_json_get(o, "author")));
  offer_date(m, d, 1 + r, pith_json_str(pith_json_get(o, "datePublished"), NULL));
  offer_date(m, d, 9, pith_json_str(pith_json_get(o, "dateModified"), NULL));
  const pith_json *pub = pith_json_get(o, "publisher");
  if (pub && pith_json_kind(pub) == PITH_JSON_OBJECT)
    offer_s(m, d, PITH_FIELD_SITE, 2, pith_json_str(pith_json_get(pub, "name"), NULL));
  offer_s(m, d, PITH_FIELD_URL, 3, pith_json_str(pith_json_get(o, "url"), NULL));
  offer_s(m, d, PITH_FIELD_DESCRIPTION, 4, pith_json_str(pith_json_get(o, "description"), NULL));
  const pith_json *img = pith_json_get(o, "image");
  offer_s(m, d, PITH_FIELD_IMAGE, 3, img && pith_json_kind(img) == PITH_JSON_OBJECT
                                         ? pith_json_str(pith_json_get(img, "url"), NULL)
                                         : json_name(img));
  size_t blen = 0;
  if (t == 1 && pith_json_str(pith_json_get(o, "articleBody"), &blen) && blen > m->ld_body_chars)
    m->ld_body_chars = blen;
}

/* Objects at the top, in arrays and in @graph (one level: enough for what
 * sites publish, and no recursion on hostile nesting). */
static void ld_script(pith_htmlmeta *m, pith_doc *d, const char *s, size_t n) {
  pith_json *v = pith_json_parse(s, n, 32, NULL, 0);
  if (!v) return;
  const pith_json *list[2] = {v, pith_json_get(v, "@graph")};
  for (int k = 0; k < 2; k++) {
    const pith_json *x = list[k];
    if (!x) continue;
    if (pith_json_kind(x) == PITH_JSON_OBJECT) ld_object(m, d, x);
    else if (pith_json_kind(x) == PITH_JSON_ARRAY)
      for (size_t i = 0; i < pith_json_size(x); i++) {
        const pith_json *o = pith_json_at(x, i);
        ld_object(m, d, o);
        const pith_json *g = pith_json_get(o, "@graph");
        for (size_t j = 0; g && j < pith_json_size(g); j++)
          ld_object(m, d, pith_json_at(g, j));
      }
  }
  pith_json_free(v);
}

/* ---------- meta tags ---------- */

typedef struct meta_map {
  const char *key; /* property or name, lowercase */
  int field;
  int rank;
} meta_map;

static const meta_map meta_keys[] = {
    {"og:title", PITH_FIELD_TITLE, 1},
    {"twitter:title", PITH_FIELD_TITLE, 3},
    {"dc.title", PITH_FIELD_TITLE, 3},
    {"citation_title", PITH_FIELD_TITLE, 3},
    {"parsely-title", PITH_FIELD_TITLE, 3},
    {"headline", PITH_FIELD_TITLE, 3},
    {"author", PITH_FIELD_AUTHOR, 2},
    {"article:author", PITH_FIELD_AUTHOR, 2},
    {"dc.creator", PITH_FIELD_AUTHOR, 2},
    {"citation_author", PITH_FIELD_AUTHOR, 2},
    {"parsely-author", PITH_FIELD_AUTHOR, 2},
    {"sailthru.author", PITH_FIELD_AUTHOR, 2},
    {"byl", PITH_FIELD_AUTHOR, 3},
    {"og:site_name", PITH_FIELD_SITE, 1},
    {"application-name", PITH_FIELD_SITE, 3},
    {"og:url", PITH_FIELD_URL, 2},
    {"og:description", PITH_FIELD_DESCRIPTION, 1},
    {"description", PITH_FIELD_DESCRIPTION, 2},
    {"twitter:description", PITH_FIELD_DESCRIPTION, 3},
    {"og:image", PITH_FIELD_IMAGE, 1},
    {"og:image:url", PITH_FIELD_IMAGE, 1},
    {"twitter:image", PITH_FIELD_IMAGE, 2},
    {"og:locale", PITH_FIELD_LANG, 3},
    {"article:published_time", PITH_FIELD_DATE, 2},
    {"og:published_time", PITH_FIELD_DATE, 2},
    {"datepublished", PITH_FIELD_DATE, 2},
    {"date", PITH_FIELD_DATE, 3},
    {"dc.date", PITH_FIELD_DATE, 3},
    {"dc.date.issued", PITH_FIELD_DATE, 3},
    {"dcterms.date", PITH_FIELD_DATE, 3},
    {"pubdate", PITH_FIELD_DATE, 3},
    {"publishdate", PITH_FIELD_DATE, 3},
    {"publish-date", PITH_FIELD_DATE, 3},
    {"parsely-pub-date", PITH_FIELD_DATE, 3},
    {"citation_date", PITH_FIELD_DATE, 3},
    {"citation_publication_date", PITH_FIELD_DATE, 3},
    {"sailthru.date", PITH_FIELD_DATE, 3},
    {NULL, 0, 0},
};

static int looks_like_url(const char *s) {
  return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "//", 2);
}

static void visit_meta(pith_htmlmeta *m, pith_doc *d, const GumboElement *el) {
  const char *content = attr(el, "content");
  if (!content) return;
  const char *http = attr(el, "http-equiv");
  if (http && ieq(http, "content-language")) offer_lang(m, d, 2, content);
  const char *keys[3] = {attr(el, "property"), attr(el, "name"), attr(el, "itemprop")};
  for (int k = 0; k < 3; k++) {
    if (!keys[k]) continue;
    for (const meta_map *mm = meta_keys; mm->key; mm++) {
      if (!ieq(keys[k], mm->key)) continue;
      if (mm->field == PITH_FIELD_DATE) offer_date(m, d, mm->rank, content);
      else if (mm->field == PITH_FIELD_LANG) offer_lang(m, d, mm->rank, content);
      else if (mm->field == PITH_FIELD_AUTHOR && looks_like_url(content)) continue;
      else offer_s(m, d, (pith_field)mm->field, mm->rank, content);
    }
  }
}

static int has_token(const char *v, const char *tok);
static void visit_classes(pith_htmlmeta *m, pith_doc *d, const GumboNode *node,
                          const char *cls);

static int has_token(const char *v, const char *tok) {
  size_t n = strlen(tok);
  for (const char *p = v; p && *p;) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if ((size_t)(e - p) == n && !strncasecmp(p, tok, n)) return 1;
    p = e;
  }
  return 0;
}

void pith_htmlmeta_visit(pith_htmlmeta *m, pith_doc *d, const GumboNode *node) {
  const GumboElement *el = &node->v.element;
  char text[TEXT_MAX + 1];
  size_t n;
  switch (el->tag) {
    case GUMBO_TAG_HTML:
      offer_lang(m, d, 1, attr(el, "lang"));
      offer_lang(m, d, 1, attr(el, "xml:lang"));
      break;
    case GUMBO_TAG_META:
      visit_meta(m, d, el);
      break;
    case GUMBO_TAG_TITLE:
      if (!m->title_tag && (n = subtree_text(node, text, sizeof text)) > 0) {
        m->title_tag = pith_arena_strndup(&d->arena, text, n);
        if (!m->title_tag) d->failed = 1;
      }
      break;
    case GUMBO_TAG_LINK: {
      const char *rel = attr(el, "rel");
      if (rel && has_token(rel, "canonical")) offer_s(m, d, PITH_FIELD_URL, 1, attr(el, "href"));
      break;
    }
    case GUMBO_TAG_H1:
      if (m->h1_count++ == 0 && (n = subtree_text(node, text, sizeof text)) > 0) {
        m->h1 = pith_arena_strndup(&d->arena, text, n);
        if (!m->h1) d->failed = 1;
      }
      break;
    case GUMBO_TAG_TIME: {
      const char *dt = attr(el, "datetime");
      const char *ip = attr(el, "itemprop");
      int pub = gumbo_get_attribute(&el->attributes, "pubdate") ||
                (ip && ieq(ip, "datePublished"));
      if (dt) offer_date(m, d, pub ? 4 : 5, dt);
      break;
    }
    case GUMBO_TAG_SCRIPT: {
      const char *type = attr(el, "type");
      if (type && ieq(type, "application/ld+json") && el->children.length) {
        const GumboNode *t = el->children.data[0];
        if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_CDATA)
          ld_script(m, d, t->v.text.text, strlen(t->v.text.text));
      }
      break;
    }
    default:
      break;
  }
  const char *cls = attr(el, "class");
  if (cls) visit_classes(m, d, node, cls);
  const char *rel = el->tag == GUMBO_TAG_A ? attr(el, "rel") : NULL;
  const char *ip = attr(el, "itemprop");
  int who = (rel && has_token(rel, "author")) ? 3 : (ip && ieq(ip, "author")) ? 4 : 0;
  if (who && el->tag != GUMBO_TAG_META && el->tag != GUMBO_TAG_LINK &&
      (!m->rank[PITH_FIELD_AUTHOR] || m->rank[PITH_FIELD_AUTHOR] > who)) {
    n = subtree_text(node, text, sizeof text);
    if (n >= 3 && n < 100) offer(m, d, PITH_FIELD_AUTHOR, who, text, n);
  }
}

/* Byline and date classes (lowest ranks): text of small elements. */
static void visit_classes(pith_htmlmeta *m, pith_doc *d, const GumboNode *node,
                          const char *cls) {
  static const char *const authors[] = {"byline", "author", "author-name",
                                        "byline-name", "post-author",
                                        "entry-author", "article-author", NULL};
  static const char *const dates[] = {"date", "published", "pubdate",
                                      "entry-date", "post-date", "timestamp",
                                      NULL};
  int a = 0, t = 0;
  for (int i = 0; authors[i]; i++) a |= has_token(cls, authors[i]);
  for (int i = 0; dates[i]; i++) t |= has_token(cls, dates[i]);
  if ((!a || m->rank[PITH_FIELD_AUTHOR]) && (!t || m->rank[PITH_FIELD_DATE]))
    return;
  char text[TEXT_MAX + 1];
  size_t n = subtree_text(node, text, sizeof text);
  if (a && !m->rank[PITH_FIELD_AUTHOR] && n >= 3 && n < 100) {
    const char *p = text;
    if (!strncasecmp(p, "by ", 3)) p += 3;
    size_t k = 0;
    while (p[k] && !isdigit((unsigned char)p[k]) && p[k] != ',' && p[k] != '|') k++;
    if (k >= 3) offer(m, d, PITH_FIELD_AUTHOR, 5, p, k);
  }
  if (t && !m->rank[PITH_FIELD_DATE]) offer_date(m, d, 6, text);
}

void pith_htmlmeta_finish(pith_htmlmeta *m, pith_doc *d) {
  if (m->title_tag) {
    size_t start, n = pith_htmlmeta_title_core(m->title_tag, strlen(m->title_tag), &start);
    offer(m, d, PITH_FIELD_TITLE, 4, m->title_tag + start, n);
  }
  if (m->h1) offer_s(m, d, PITH_FIELD_TITLE, 5, m->h1);
  for (int f = 0; f < PITH_FIELD_COUNT_; f++) {
    if (!m->val[f]) continue;
    /* attribute values from gumbo: see text_append in html.c */
    const char *v = m->val[f];
    size_t n = strlen(v);
    pith_buf fixed = PITH_BUF_INIT;
    pith_utf8_view(&v, &n, &fixed);
    pith_doc_set_field(d, (pith_field)f, v, n);
    pith_buf_free(&fixed);
  }
}
