/* HTML front end: gumbo DOM -> blocks.
 *
 * One iterative pre-order walk (explicit stack, bounded depth) turns the DOM
 * into blocks the way jusText does: block-level elements start and end a
 * block, inline text is joined, <br><br> splits. Every block-level element
 * also gets an entry in a flat element table (parent index, class/id
 * hints and weight, subtree text and link chars, block range), on which a
 * readability-style scorer picks the article container afterwards; blocks
 * inside it get PITH_HINT_ARTICLE. Hints a block carries are those of its
 * block-level ancestors *below* the container (or below the nearest common
 * ancestor with it), so a <body class="has-comments"> hints nothing. */
#include "html.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "filters_builtin.h"
#include "htmlmeta.h"
#include "normalize.h"
#include "options.h"

#define HX_MAX_DEPTH 400    /* deeper subtrees are skipped, not recursed */
/* gumbo's work per tag grows with the open-element stack (scope checks) and
 * per attribute with the attributes before it (duplicate check), so 100,000
 * nested elements or a million attributes take minutes. The pre-strip keeps
 * both bounded: start tags nested deeper than HX_MAX_NEST are dropped (the
 * walker skips everything below HX_MAX_DEPTH anyway), and a start tag longer
 * than HX_LONG_TAG bytes keeps its first HX_MAX_ATTRS attributes. */
#define HX_MAX_NEST 1024
#define HX_LONG_TAG 8192
#define HX_MAX_ATTRS 256
#define HX_NONE UINT32_MAX

/* ---------- tags ---------- */

enum {
  T_INLINE = 0,
  T_SKIP,  /* removed with its subtree */
  T_BLOCK, /* starts/ends a block, element table entry */
  T_CELL,  /* td/th: element table entry, cells joined with " | " */
  T_BR,
  T_LINK,
  T_HEAD   /* walked for metadata only */
};

static int tag_class(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_EMBED: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_APPLET: case GUMBO_TAG_CANVAS: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_MAP: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_OPTION: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_OUTPUT: case GUMBO_TAG_PROGRESS: case GUMBO_TAG_METER:
    case GUMBO_TAG_KEYGEN: case GUMBO_TAG_FRAMESET: case GUMBO_TAG_FRAME:
    case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_MARQUEE: case GUMBO_TAG_BLINK:
      return T_SKIP;
    case GUMBO_TAG_HEAD:
      return T_HEAD;
    case GUMBO_TAG_BODY: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TR:
    case GUMBO_TAG_UL: case GUMBO_TAG_CAPTION: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
      return T_BLOCK;
    case GUMBO_TAG_TD: case GUMBO_TAG_TH:
      return T_CELL;
    case GUMBO_TAG_BR:
      return T_BR;
    case GUMBO_TAG_A:
      return T_LINK;
    default:
      return T_INLINE;
  }
}

/* ---------- class/id tokens (filters/classid.tokens) ---------- */

#define TOK_SLOTS 1024 /* power of two, > 4x the token count */
#define TOK_MAXWORD 24

typedef struct hx_tok {
  const char *s; /* NULL = empty slot */
  uint32_t hash;
  uint8_t len;
  uint8_t prefix;
  int16_t weight;
  uint32_t hints;
} hx_tok;

typedef struct hx_tokens {
  hx_tok slot[TOK_SLOTS];
} hx_tokens;

static const struct {
  const char *name;
  uint32_t bit;
} hint_names[] = {
    {"comment", PITH_HINT_COMMENT}, {"share", PITH_HINT_SHARE},
    {"related", PITH_HINT_RELATED}, {"newsletter", PITH_HINT_NEWSLETTER},
    {"cookie", PITH_HINT_COOKIE},   {"footer", PITH_HINT_FOOTER},
    {"nav", PITH_HINT_NAV},         {"sidebar", PITH_HINT_SIDEBAR},
    {"byline", PITH_HINT_BYLINE},   {"caption", PITH_HINT_CAPTION},
    {"ad", PITH_HINT_AD},           {"hidden", PITH_HINT_HIDDEN},
    {"header", PITH_HINT_HEADER},   {"meta", PITH_HINT_META},
    {"form", PITH_HINT_FORM},       {"article", 0},
    {"-", 0},
};

static uint32_t fnv_step(uint32_t h, unsigned char c) {
  return (h ^ c) * 16777619u;
}
#define FNV_INIT 2166136261u

static const hx_tok *tok_find(const hx_tokens *t, uint32_t h, const char *s,
                              size_t n, int prefix) {
  for (uint32_t i = h & (TOK_SLOTS - 1);; i = (i + 1) & (TOK_SLOTS - 1)) {
    const hx_tok *k = &t->slot[i];
    if (!k->s) return NULL;
    if (k->hash == h && k->len == n && (!prefix || k->prefix) &&
        memcmp(k->s, s, n) == 0)
      return k;
  }
}

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Next whitespace-separated field of a line; returns its length. */
static size_t field(const char **p, const char *end) {
  while (*p < end && (**p == ' ' || **p == '\t')) (*p)++;
  const char *s = *p;
  while (*p < end && !is_ws((unsigned char)**p)) (*p)++;
  return (size_t)(*p - s);
}

static void tok_add(hx_tokens *t, const char *s, size_t n, uint32_t hints,
                    int weight) {
  int prefix = n > 1 && s[n - 1] == '*';
  if (prefix) n--;
  if (n == 0 || n > TOK_MAXWORD) return;
  uint32_t h = FNV_INIT;
  for (size_t i = 0; i < n; i++) h = fnv_step(h, (unsigned char)s[i]);
  size_t used = 0;
  for (uint32_t i = h & (TOK_SLOTS - 1); used < TOK_SLOTS / 2;
       i = (i + 1) & (TOK_SLOTS - 1), used++) {
    hx_tok *k = &t->slot[i];
    if (k->s && !(k->hash == h && k->len == n && memcmp(k->s, s, n) == 0))
      continue;
    k->s = s, k->hash = h, k->len = (uint8_t)n, k->prefix = (uint8_t)prefix;
    k->hints = hints, k->weight = (int16_t)weight;
    return;
  }
}

/* Parse the token file. Malformed lines are skipped: the file is ours and
 * checked by tests/test_html.c. */
static void tok_load(hx_tokens *t) {
  memset(t, 0, sizeof *t);
  const pith_builtin_file *f = pith_builtin_files;
  while (f->name && strcmp(f->name, "classid.tokens") != 0) f++;
  if (!f->name) return;
  const char *p = f->data, *end = f->data + f->len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (*p != '#') {
      const char *q = p;
      size_t tn = field(&q, eol);
      const char *ts = q - tn;
      size_t hn = field(&q, eol);
      const char *hs = q - hn;
      size_t wn = field(&q, eol);
      if (tn && hn && wn) {
        uint32_t bit = 0;
        for (size_t i = 0; i < sizeof hint_names / sizeof *hint_names; i++)
          if (strlen(hint_names[i].name) == hn &&
              memcmp(hint_names[i].name, hs, hn) == 0)
            bit = hint_names[i].bit;
        tok_add(t, ts, tn, bit, atoi(q - wn));
      }
    }
    p = eol + 1;
  }
}

typedef struct hx_attr_score {
  uint32_t hints;
  int pos, neg;
} hx_attr_score;

static void word_done(const hx_tokens *t, const char *w, size_t n, uint32_t h,
                      const hx_tok *best, hx_attr_score *sc) {
  const hx_tok *k = n ? tok_find(t, h, w, n, 0) : NULL;
  if (!k) k = best;
  if (!k) return;
  sc->hints |= k->hints;
  if (k->weight > sc->pos) sc->pos = k->weight;
  if (k->weight < sc->neg) sc->neg = k->weight;
}

/* "has-image", "with-sidebar", "no-comments": the word after these says
 * what an element holds or lacks, not what it is. */
static int modifier(const char *w, size_t n) {
  return (n == 3 && !memcmp(w, "has", 3)) ||
         (n == 4 && !memcmp(w, "with", 4)) || (n == 2 && !memcmp(w, "no", 2)) ||
         (n == 7 && !memcmp(w, "without", 7));
}

/* Split a class/id value into lowercase words (at non-letters and at
 * lower->UPPER changes) and look each up, exact or by its longest
 * listed prefix. */
static void tok_scan(const hx_tokens *t, const char *s, hx_attr_score *sc) {
  char w[TOK_MAXWORD];
  size_t n = 0;
  uint32_t h = FNV_INIT;
  const hx_tok *best = NULL;
  int too_long = 0, modified = 0;
  unsigned char prev = 0;
  for (;; s++) {
    unsigned char c = (unsigned char)*s;
    int upper = c >= 'A' && c <= 'Z';
    int alpha = upper || (c >= 'a' && c <= 'z');
    if (!alpha || (upper && prev >= 'a' && prev <= 'z')) {
      if (n && !too_long && !modified) word_done(t, w, n, h, best, sc);
      if (n) modified = modifier(w, n);
      n = 0, h = FNV_INIT, best = NULL, too_long = 0;
      if (!c) break;
      if (!alpha) {
        prev = c;
        continue;
      }
    }
    prev = c;
    if (n == TOK_MAXWORD) {
      too_long = 1;
      continue;
    }
    c = (unsigned char)(c | 0x20);
    w[n++] = (char)c;
    h = fnv_step(h, c);
    if (n >= 2) {
      const hx_tok *k = tok_find(t, h, w, n, 1);
      if (k) best = k;
    }
  }
}

/* ---------- element table and walker state ---------- */

enum {
  EF_SCORED = 1,     /* has a readability score */
  EF_EVIDENCE = 2,   /* <article>, itemprop=articleBody, role=main, <main> */
  EF_STRONG = 4,     /* itemprop=articleBody */
  EF_CONTAINER = 8,  /* a chosen container root */
  EF_ANCESTOR = 16,  /* contains a container root (or is one) */
  EF_JUNK = 32,      /* inside a comment/cookie/labelled-junk section */
  EF_LABEL = 64      /* section opened by a junk-hinted heading */
};

typedef struct hx_elem {
  uint32_t parent;
  uint32_t last;        /* last element index in the subtree */
  uint32_t first, end;  /* block range, relative to the walk's first block */
  uint32_t chars, links; /* text in the subtree */
  uint32_t hints;       /* own hints (tag, class, id, role, itemprop) */
  uint32_t chain;       /* hints from ancestors below the container */
  float score;
  int16_t weight;
  uint16_t tag;
  uint16_t depth;
  uint8_t flags;
  uint8_t nchild;
} hx_elem;

typedef struct hx_frame {
  const GumboNode *node;
  uint32_t next; /* next child to visit */
  uint32_t elem; /* nearest element-table entry (self or ancestor) */
  uint8_t cls;   /* tag class */
  uint8_t kind, heading;
  uint8_t link, pre, in_article;
  uint32_t ihints; /* hints of inline ancestors (<span class=byline>) */
  const char *href; /* --links: target of this <a>, text.len at its "[" */
  size_t link_at, blocks_at;
} hx_frame;

typedef struct hx_walk {
  pith_doc *d;
  unsigned nflags; /* normalize flags */
  size_t b0;       /* d->n when the walk started */
  pith_buf text;   /* pending block text, whitespace collapsed */
  pith_buf norm;
  uint32_t link_chars;
  uint32_t hint_chars; /* pending text inside hinted inline elements */
  uint32_t hint_bits;
  size_t cell_mark; /* text.len after the last " | " */
  int pending_br;
  hx_elem *e;
  size_t ne, cap_e;
  uint32_t *owner; /* element index per block */
  size_t cap_owner;
  hx_frame *stack;
  size_t depth;
  hx_tokens *tok;
  pith_htmlmeta meta;
  int oom;
} hx_walk;

static uint32_t elem_new(hx_walk *w, uint32_t parent, GumboTag tag,
                         uint16_t depth) {
  if (w->ne == w->cap_e) {
    size_t cap = w->cap_e ? w->cap_e * 2 : 256;
    hx_elem *ne = realloc(w->e, cap * sizeof *ne);
    if (!ne) {
      w->oom = 1;
      return parent;
    }
    w->e = ne, w->cap_e = cap;
  }
  hx_elem *x = &w->e[w->ne];
  memset(x, 0, sizeof *x);
  x->parent = parent;
  x->tag = (uint16_t)tag;
  x->depth = depth;
  x->first = (uint32_t)(w->d->n - w->b0);
  x->last = (uint32_t)w->ne;
  if (parent != HX_NONE && w->e[parent].nchild < 255) w->e[parent].nchild++;
  return (uint32_t)w->ne++;
}

/* ---------- text ---------- */

static uint32_t utf8_chars(const char *s, size_t n) {
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* Append a text node: whitespace runs collapse to one space (kept as is
 * inside <pre>). */
static void text_append(hx_walk *w, const char *s, size_t n,
                        const hx_frame *f) {
  /* gumbo writes an overflowing numeric reference ("&#2222222222222222")
   * as bytes that are not UTF-8: such text is repaired first. */
  pith_buf fixed = PITH_BUF_INIT;
  pith_utf8_view(&s, &n, &fixed);
  int pre = f->pre, link = f->link;
  size_t before = w->text.len;
  if (pre) {
    pith_buf_put(&w->text, s, n);
  } else {
    size_t i = 0;
    while (i < n) {
      if (is_ws((unsigned char)s[i])) {
        while (i < n && is_ws((unsigned char)s[i])) i++;
        if (w->text.len && w->text.data[w->text.len - 1] != ' ')
          pith_buf_putc(&w->text, ' ');
        continue;
      }
      size_t j = i;
      while (j < n && !is_ws((unsigned char)s[j])) j++;
      pith_buf_put(&w->text, s + i, j - i);
      w->pending_br = 0;
      i = j;
    }
  }
  if (link && !w->text.failed)
    w->link_chars += utf8_chars(w->text.data + before, w->text.len - before);
  if (f->ihints && !w->text.failed) {
    w->hint_chars += utf8_chars(w->text.data + before, w->text.len - before);
    w->hint_bits |= f->ihints;
  }
  pith_buf_free(&fixed);
}

/* Emit the pending text as a block owned by the frame's element. */
static void flush(hx_walk *w, const hx_frame *f) {
  w->pending_br = 0;
  if (w->text.len == 0) return;
  size_t len = w->text.len;
  if (w->cell_mark && len == w->cell_mark && len >= 2) len -= 2; /* "| " */
  pith_buf_clear(&w->norm);
  /* code keeps its indentation: no space collapsing inside <pre> */
  unsigned flags = f->pre ? w->nflags & ~PITH_OPT_SPACES : w->nflags;
  if (pith_normalize_inline(w->text.data, len, flags, f->pre, &w->norm) !=
      PITH_OK)
    w->oom = 1;
  pith_doc *d = w->d;
  pith_block *b = w->norm.len
                      ? pith_doc_add(d, w->norm.data, w->norm.len,
                                     (pith_block_kind)f->kind)
                      : NULL;
  if (b) {
    size_t i = d->n - 1 - w->b0;
    if (i >= w->cap_owner) {
      size_t cap = w->cap_owner ? w->cap_owner * 2 : 256;
      uint32_t *no = realloc(w->owner, cap * sizeof *no);
      if (!no) {
        w->oom = 1;
        d->n--;
        goto out;
      }
      w->owner = no, w->cap_owner = cap;
    }
    w->owner[i] = f->elem;
    b->heading = f->heading;
    b->link_chars = w->link_chars < b->chars ? w->link_chars : b->chars;
    /* a block that is mostly a hinted span is what the span says it is
     * ("<span class=date>Monday, 22 January</span>", "By <a class=author>") */
    if (w->hint_chars * 10 >= b->chars * 6) b->hints = w->hint_bits;
    b->depth = (uint16_t)(w->depth < UINT16_MAX ? w->depth : UINT16_MAX);
    b->group = f->elem;
  }
out:
  pith_buf_clear(&w->text);
  w->link_chars = 0;
  w->hint_chars = 0;
  w->hint_bits = 0;
  w->cell_mark = 0;
}

/* ---------- attributes ---------- */

static int ascii_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if ((*a | 0x20) != (*b | 0x20)) return 0;
  return *a == *b;
}

/* Inline style hides the element: display:none or visibility:hidden. */
static int style_hidden(const char *s) {
  char buf[256];
  size_t n = 0;
  for (; *s && n < sizeof buf - 1; s++)
    if (!is_ws((unsigned char)*s)) buf[n++] = (char)(*s | 0x20);
  buf[n] = '\0';
  return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

static uint32_t role_hints(const char *v, uint8_t *flags) {
  if (ascii_ieq(v, "navigation") || ascii_ieq(v, "menu") ||
      ascii_ieq(v, "menubar"))
    return PITH_HINT_NAV;
  if (ascii_ieq(v, "complementary")) return PITH_HINT_SIDEBAR;
  if (ascii_ieq(v, "contentinfo")) return PITH_HINT_FOOTER;
  if (ascii_ieq(v, "banner")) return PITH_HINT_HEADER;
  if (ascii_ieq(v, "dialog") || ascii_ieq(v, "alertdialog") ||
      ascii_ieq(v, "alert"))
    return PITH_HINT_COOKIE;
  if (ascii_ieq(v, "search")) return PITH_HINT_FORM;
  if (ascii_ieq(v, "main") || ascii_ieq(v, "article")) *flags |= EF_EVIDENCE;
  return 0;
}

static uint32_t itemprop_hints(const char *v, uint8_t *flags) {
  if (ascii_ieq(v, "articleBody") || ascii_ieq(v, "text")) {
    *flags |= EF_EVIDENCE | EF_STRONG;
    return 0;
  }
  if (ascii_ieq(v, "author") || ascii_ieq(v, "creator"))
    return PITH_HINT_BYLINE;
  if (ascii_ieq(v, "datePublished") || ascii_ieq(v, "dateModified"))
    return PITH_HINT_META;
  if (ascii_ieq(v, "comment")) return PITH_HINT_COMMENT;
  return 0;
}

static uint32_t tag_hints(GumboTag t, int in_article, uint8_t *flags) {
  switch (t) {
    case GUMBO_TAG_NAV: case GUMBO_TAG_MENU: return PITH_HINT_NAV;
    case GUMBO_TAG_ASIDE: return PITH_HINT_SIDEBAR;
    case GUMBO_TAG_FOOTER: return PITH_HINT_FOOTER;
    case GUMBO_TAG_HEADER: return in_article ? 0 : PITH_HINT_HEADER;
    case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: return PITH_HINT_FORM;
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIGURE:
      return PITH_HINT_CAPTION;
    case GUMBO_TAG_ADDRESS: return PITH_HINT_BYLINE;
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN:
      *flags |= EF_EVIDENCE;
      return 0;
    default: return 0;
  }
}

typedef struct hx_attrs {
  uint32_t hints;
  int weight;
  uint8_t flags;
  int hidden;
} hx_attrs;

static void read_attrs(const hx_walk *w, const GumboElement *el,
                       hx_attrs *a) {
  hx_attr_score cls = {0, 0, 0}, id = {0, 0, 0};
  const GumboVector *v = &el->attributes;
  for (unsigned i = 0; i < v->length; i++) {
    const GumboAttribute *at = v->data[i];
    const char *n = at->name, *val = at->value;
    if (!strcmp(n, "class")) tok_scan(w->tok, val, &cls);
    else if (!strcmp(n, "id")) tok_scan(w->tok, val, &id);
    else if (!strcmp(n, "role")) a->hints |= role_hints(val, &a->flags);
    else if (!strcmp(n, "itemprop")) a->hints |= itemprop_hints(val, &a->flags);
    else if (!strcmp(n, "hidden")) a->hidden = 1;
    else if (!strcmp(n, "aria-hidden")) a->hidden |= ascii_ieq(val, "true");
    else if (!strcmp(n, "style")) a->hidden |= style_hidden(val);
  }
  a->hints |= cls.hints | id.hints;
  a->weight = cls.pos + cls.neg + id.pos + id.neg;
}

/* ---------- the walk ---------- */

static hx_frame *push(hx_walk *w, const GumboNode *node, int cls) {
  hx_frame *top = &w->stack[w->depth - 1];
  hx_frame *f = &w->stack[w->depth++];
  *f = *top;
  f->node = node;
  f->next = 0;
  f->cls = (uint8_t)cls;
  return f;
}

static void set_kind(hx_frame *f, GumboTag t) {
  switch (t) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
      f->kind = PITH_BLK_HEADING;
      f->heading = (uint8_t)(1 + (t - GUMBO_TAG_H1));
      break;
    case GUMBO_TAG_LI: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
      f->kind = PITH_BLK_LI;
      break;
    case GUMBO_TAG_BLOCKQUOTE: f->kind = PITH_BLK_QUOTE; break;
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
      f->kind = PITH_BLK_PRE;
      f->pre = 1;
      break;
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_CAPTION:
      f->kind = PITH_BLK_CAPTION;
      break;
    case GUMBO_TAG_TR: f->kind = PITH_BLK_CELL; break;
    default: break;
  }
}

#define HX_LABEL_HINTS \
  (PITH_HINT_RELATED | PITH_HINT_COMMENT | PITH_HINT_NEWSLETTER)

/* A heading that opens its parent ("<h3 class=related-title>You may
 * like</h3>" then teasers) names the whole section: the parent takes its
 * junk hints, and the section's paragraphs will not vote for the article. */
static void label_section(hx_walk *w, uint32_t h) {
  hx_elem *x = &w->e[h];
  uint32_t junk = x->hints & HX_LABEL_HINTS;
  if (!junk || x->parent == HX_NONE || x->parent == 0) return;
  hx_elem *p = &w->e[x->parent];
  if (p->nchild != 1 || p->first != x->first || p->tag == GUMBO_TAG_BODY)
    return;
  p->hints |= junk;
  p->flags |= EF_LABEL;
}

/* Hints an inline element may give the block it fills. */
#define HX_INLINE_HINTS \
  (PITH_HINT_BYLINE | PITH_HINT_META | PITH_HINT_CAPTION)

/* Enter an element: returns 0 when its subtree is skipped. */
static int enter(hx_walk *w, const GumboNode *node) {
  const GumboElement *el = &node->v.element;
  GumboTag tag = el->tag;
  pith_htmlmeta_visit(&w->meta, w->d, node);
  int cls = tag_class(tag);
  if (cls == T_SKIP || w->depth >= HX_MAX_DEPTH) return 0;
  hx_frame *top = &w->stack[w->depth - 1];
  if (cls == T_BR) {
    if (top->pre) {
      pith_buf_putc(&w->text, '\n');
    } else if (w->pending_br) {
      flush(w, top);
    } else {
      if (w->text.len && w->text.data[w->text.len - 1] != ' ')
        pith_buf_putc(&w->text, ' ');
      w->pending_br = 1;
    }
    return 0;
  }
  hx_attrs a = {0, 0, 0, 0};
  if (el->attributes.length) read_attrs(w, el, &a);
  if (a.hidden && tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_HTML) return 0;
  if (cls == T_BLOCK) flush(w, top);
  if (cls == T_CELL && w->text.len > w->cell_mark) {
    if (w->text.data[w->text.len - 1] != ' ') pith_buf_putc(&w->text, ' ');
    pith_buf_puts(&w->text, "| ");
    w->cell_mark = w->text.len;
  }
  hx_frame *f = push(w, node, cls);
  if (cls == T_LINK) f->link = 1;
  f->href = NULL;
  if (cls == T_LINK && w->d->links) {
    const GumboAttribute *h = gumbo_get_attribute(&el->attributes, "href");
    if (h && h->value[0] && h->value[0] != '#') {
      f->href = h->value;
      f->blocks_at = w->d->n;
      f->link_at = w->text.len; /* the "[" goes here when the link closes */
    }
  }
  if (cls == T_INLINE || cls == T_LINK) {
    f->ihints |= a.hints & HX_INLINE_HINTS;
    if (tag == GUMBO_TAG_TIME) f->ihints |= PITH_HINT_META;
  }
  if (cls == T_BLOCK || cls == T_CELL) {
    f->ihints = 0; /* a span wrapping blocks is a wrapper, not a label */
    uint8_t flags = a.flags;
    uint32_t hints = a.hints | tag_hints(tag, f->in_article, &flags);
    if (tag == GUMBO_TAG_ARTICLE) f->in_article = 1;
    set_kind(f, tag);
    uint32_t e = elem_new(w, f->elem, tag, (uint16_t)w->depth);
    if (e != f->elem) {
      f->elem = e;
      w->e[e].hints = hints;
      w->e[e].weight = (int16_t)(a.weight > 200 ? 200 : a.weight < -200 ? -200 : a.weight);
      w->e[e].flags = flags;
      if (tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6) label_section(w, e);
    }
  }
  return 1;
}

/* --links: wrap the link's text in "[text](href)" once it is complete, and
 * only when no block ended inside the link (card links around blocks), so
 * that both walks cut the same blocks. */
static void close_link(hx_walk *w, const hx_frame *f) {
  if (w->d->n != f->blocks_at || w->text.len <= f->link_at) return;
  size_t start = f->link_at, end = w->text.len;
  while (start < end && w->text.data[start] == ' ') start++;
  while (end > start && w->text.data[end - 1] == ' ') end--;
  if (start == end || pith_buf_reserve(&w->text, 1) != 0) return;
  char *t = w->text.data;
  memmove(t + start + 1, t + start, w->text.len - start);
  t[start] = '[';
  w->text.len++;
  end++;
  int space_after = end < w->text.len; /* keep the space the link ended with */
  w->text.len = end;
  pith_buf_puts(&w->text, "](");
  for (const char *u = f->href; *u; u++)
    if (*u != ' ' && *u != '\n' && *u != '\t' && *u != '\r') pith_buf_putc(&w->text, *u);
  pith_buf_putc(&w->text, ')');
  if (space_after) pith_buf_putc(&w->text, ' ');
}

static void leave(hx_walk *w) {
  hx_frame *f = &w->stack[w->depth - 1];
  if (f->href) close_link(w, f);
  if (f->cls == T_BLOCK) flush(w, f);
  if ((f->cls == T_BLOCK || f->cls == T_CELL) && f->elem < w->ne &&
      w->stack[w->depth - 2].elem != f->elem) {
    hx_elem *x = &w->e[f->elem];
    x->end = (uint32_t)(w->d->n - w->b0);
    x->last = (uint32_t)(w->ne - 1);
  }
  w->depth--;
}

static void walk(hx_walk *w, const GumboNode *root) {
  hx_frame *f = &w->stack[0];
  memset(f, 0, sizeof *f);
  f->node = root;
  f->cls = T_BLOCK;
  f->elem = elem_new(w, HX_NONE, GUMBO_TAG_HTML, 0);
  w->depth = 1;
  if (root->type == GUMBO_NODE_ELEMENT) pith_htmlmeta_visit(&w->meta, w->d, root);
  while (w->depth > 0 && !w->oom) {
    f = &w->stack[w->depth - 1];
    const GumboVector *kids = &f->node->v.element.children;
    if (f->next >= kids->length) {
      if (w->depth == 1) {
        flush(w, f);
        w->e[0].end = (uint32_t)(w->d->n - w->b0);
        w->e[0].last = (uint32_t)(w->ne - 1);
        w->depth = 0;
      } else {
        leave(w);
      }
      continue;
    }
    const GumboNode *c = kids->data[f->next++];
    switch (c->type) {
      case GUMBO_NODE_TEXT: case GUMBO_NODE_CDATA: case GUMBO_NODE_WHITESPACE:
        if (f->cls != T_HEAD)
          text_append(w, c->v.text.text, strlen(c->v.text.text), f);
        break;
      case GUMBO_NODE_ELEMENT: case GUMBO_NODE_TEMPLATE:
        enter(w, c);
        break;
      default:
        break;
    }
  }
}

/* ---------- article container ---------- */

/* Readability's initial score by tag. */
static float tag_score(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_SECTION:
      return 5;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE:
      return 3;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL:
    case GUMBO_TAG_DL: case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_LI:
    case GUMBO_TAG_FORM:
      return -3;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_TH:
      return -5;
    default:
      return 0;
  }
}

static uint32_t count_commas(const char *s, size_t n) {
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ',') c++;
    /* ，、 (CJK) */
    else if ((unsigned char)s[i] == 0xEF && i + 2 < n &&
             (unsigned char)s[i + 1] == 0xBC && (unsigned char)s[i + 2] == 0x8C)
      c++;
    else if ((unsigned char)s[i] == 0xE3 && i + 2 < n &&
             (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x81)
      c++;
  }
  return c;
}

static float link_density(const hx_elem *x) {
  return x->chars ? (float)x->links / (float)x->chars : 0.0f;
}

static void score_add(hx_walk *w, uint32_t e, float s) {
  hx_elem *x = &w->e[e];
  if (!(x->flags & EF_SCORED)) {
    x->flags |= EF_SCORED;
    x->score = tag_score((GumboTag)x->tag) + (float)x->weight;
    if (x->flags & EF_STRONG) x->score += 50;
    else if (x->flags & EF_EVIDENCE) x->score += 15;
  }
  x->score += s;
}

/* Subtree text sizes, then readability's paragraph scores spread to five
 * ancestor levels (parent 1, grandparent 1/2, then 1/(3 level)). */
static void score_elements(hx_walk *w) {
  pith_block *blk = w->d->blocks + w->b0;
  size_t nb = w->d->n - w->b0;
  for (size_t i = 0; i < nb; i++) {
    w->e[w->owner[i]].chars += blk[i].chars;
    w->e[w->owner[i]].links += blk[i].link_chars;
  }
  for (size_t e = w->ne; e-- > 1;) {
    w->e[w->e[e].parent].chars += w->e[e].chars;
    w->e[w->e[e].parent].links += w->e[e].links;
  }
  /* Comment threads and consent dialogs never hold the article: their
   * paragraphs do not vote (readability removes them before scoring). */
  for (size_t e = 1; e < w->ne; e++) {
    hx_elem *x = &w->e[e];
    int root = (x->hints & (PITH_HINT_COMMENT | PITH_HINT_COOKIE)) &&
               x->tag != GUMBO_TAG_BODY && x->weight < 0 &&
               !(x->flags & EF_EVIDENCE) &&
               (uint64_t)x->chars * 2 < w->e[0].chars;
    if (root || (x->flags & EF_LABEL) || (w->e[x->parent].flags & EF_JUNK))
      x->flags |= EF_JUNK;
  }
  for (size_t i = 0; i < nb; i++) {
    const pith_block *b = &blk[i];
    if (b->chars < 25 || b->kind == PITH_BLK_HEADING) continue;
    if (w->e[w->owner[i]].flags & EF_JUNK) continue;
    uint32_t per = b->chars / 100;
    float s = 1.0f + (float)count_commas(b->text, b->len) + (float)(per > 3 ? 3 : per);
    /* Text directly inside an element that also has block children is a
     * paragraph of its own (readability wraps such runs in a <p>): the
     * element is its parent. A leaf element is the paragraph itself. */
    uint32_t o = w->owner[i];
    uint32_t a = w->e[o].nchild ? o : w->e[o].parent;
    for (int level = 0; level < 5 && a != HX_NONE; level++) {
      float div = level == 0 ? 1.0f : level == 1 ? 2.0f : 3.0f * (float)level;
      score_add(w, a, s / div);
      a = w->e[a].parent;
    }
  }
  for (size_t e = 0; e < w->ne; e++)
    if (w->e[e].flags & EF_SCORED)
      w->e[e].score *= 1.0f - link_density(&w->e[e]);
}

static int contains(const hx_walk *w, uint32_t a, uint32_t e) {
  return e >= a && e <= w->e[a].last;
}

/* Readability: if three of the near-best candidates share an ancestor of
 * the best, the article is that ancestor (split article bodies). */
static uint32_t common_ancestor(const hx_walk *w, uint32_t top) {
  uint32_t alt[5];
  int nalt = 0;
  float lim = w->e[top].score * 0.75f;
  for (size_t e = 0; e < w->ne; e++) {
    const hx_elem *x = &w->e[e];
    if (e == top || !(x->flags & EF_SCORED) || x->score < lim) continue;
    if (nalt < 5) alt[nalt++] = (uint32_t)e;
  }
  if (nalt < 3) return top;
  for (uint32_t a = w->e[top].parent; a != HX_NONE && a != 0;
       a = w->e[a].parent) {
    int n = 0;
    for (int i = 0; i < nalt; i++) n += contains(w, a, alt[i]);
    if (n >= 3) return a;
  }
  return top;
}

static uint32_t choose_top(hx_walk *w) {
  uint32_t top = HX_NONE;
  for (size_t e = 1; e < w->ne; e++) {
    const hx_elem *x = &w->e[e];
    if (!(x->flags & EF_SCORED) || x->tag == GUMBO_TAG_BODY) continue;
    if (top == HX_NONE || x->score > w->e[top].score) top = (uint32_t)e;
  }
  if (top == HX_NONE) return top;
  top = common_ancestor(w, top);
  /* climb while the parent scores better, not far below */
  float last = w->e[top].score, floor = last / 3;
  for (uint32_t p = w->e[top].parent; p != HX_NONE && p != 0 &&
                                      w->e[p].tag != GUMBO_TAG_BODY;
       p = w->e[p].parent) {
    if (!(w->e[p].flags & EF_SCORED)) continue;
    if (w->e[p].score < floor) break;
    if (w->e[p].score > last) {
      top = p;
      break;
    }
    last = w->e[p].score;
  }
  while (w->e[top].parent != HX_NONE && w->e[top].parent != 0 &&
         w->e[w->e[top].parent].nchild == 1 &&
         w->e[w->e[top].parent].tag != GUMBO_TAG_BODY)
    top = w->e[top].parent;
  return top;
}

/* Text of the element's own blocks ends a sentence (readability's test for
 * short sibling paragraphs). */
static int ends_sentence(const hx_walk *w, uint32_t e) {
  const hx_elem *x = &w->e[e];
  if (x->end == 0 || x->end <= x->first) return 0;
  return w->d->blocks[w->b0 + x->end - 1].terminal;
}

static void mark_container(hx_walk *w, uint32_t top) {
  uint32_t p = w->e[top].parent;
  float lim = w->e[top].score * 0.2f;
  if (lim < 10) lim = 10;
  w->e[top].flags |= EF_CONTAINER;
  if (p == HX_NONE) return;
  for (uint32_t s = p + 1; s <= w->e[p].last; s = w->e[s].last + 1) {
    hx_elem *x = &w->e[s];
    if (s == top) continue;
    float ld = link_density(x);
    int in = (x->flags & EF_SCORED) && x->score >= lim;
    if (!in && (x->tag == GUMBO_TAG_P || x->nchild == 0)) {
      if (x->chars > 80 && ld < 0.25f) in = 1;
      else if (x->chars > 0 && x->chars <= 80 && ld == 0 && ends_sentence(w, s))
        in = 1;
    }
    if (in && !(x->hints & (PITH_HINT_COMMENT | PITH_HINT_COOKIE)))
      x->flags |= EF_CONTAINER;
  }
}

#define HX_JUNK                                                           \
  (PITH_HINT_COMMENT | PITH_HINT_SHARE | PITH_HINT_RELATED |              \
   PITH_HINT_NEWSLETTER | PITH_HINT_COOKIE | PITH_HINT_FOOTER |           \
   PITH_HINT_NAV | PITH_HINT_SIDEBAR | PITH_HINT_AD | PITH_HINT_HEADER |  \
   PITH_HINT_FORM | PITH_HINT_HIDDEN | PITH_HINT_CAPTION |                \
   PITH_HINT_BYLINE | PITH_HINT_META)

/* Hint chains: hints of the ancestors between a block and the container
 * (or its nearest common ancestor with the container). */
static void chain_hints(hx_walk *w) {
  for (size_t e = w->ne; e-- > 0;) {
    hx_elem *x = &w->e[e];
    if (x->flags & (EF_CONTAINER | EF_ANCESTOR) && x->parent != HX_NONE)
      w->e[x->parent].flags |= EF_ANCESTOR;
  }
  /* croot: the container root an element is in */
  uint32_t *croot = malloc(w->ne * sizeof *croot);
  if (!croot) {
    w->oom = 1;
    return;
  }
  for (size_t e = 0; e < w->ne; e++) {
    hx_elem *x = &w->e[e];
    croot[e] = x->flags & EF_CONTAINER ? (uint32_t)e
               : x->parent != HX_NONE  ? croot[x->parent]
                                       : HX_NONE;
    if (x->flags & (EF_CONTAINER | EF_ANCESTOR)) {
      x->chain = 0;
      continue;
    }
    uint32_t own = x->hints;
    /* a "widget" or "sidebar" holding most of the article is not junk */
    if (croot[e] != HX_NONE && (own & HX_JUNK) &&
        (uint64_t)x->chars * 2 > w->e[croot[e]].chars)
      own &= ~HX_JUNK;
    /* <article class="post category-news tag-x">: taxonomy words on an
     * element that is evidently the article are not hints */
    if ((x->flags & EF_EVIDENCE) || x->weight >= 25)
      own &= ~(PITH_HINT_META | PITH_HINT_BYLINE | PITH_HINT_CAPTION);
    x->chain = own | (x->parent != HX_NONE ? w->e[x->parent].chain : 0);
  }
  free(croot);
}

static void finish_blocks(hx_walk *w) {
  pith_block *blk = w->d->blocks + w->b0;
  size_t nb = w->d->n - w->b0;
  uint32_t in = HX_NONE; /* container root whose range we are in */
  for (size_t i = 0; i < nb; i++) {
    pith_block *b = &blk[i];
    const hx_elem *o = &w->e[w->owner[i]];
    b->hints |= o->chain;
    b->group = o->parent != HX_NONE ? o->parent : w->owner[i];
    if (in != HX_NONE && i >= w->e[in].end) in = HX_NONE;
    for (uint32_t a = w->owner[i]; in == HX_NONE && a != HX_NONE;
         a = w->e[a].parent)
      if (w->e[a].flags & EF_CONTAINER) in = a;
    if (in != HX_NONE) {
      b->hints |= PITH_HINT_ARTICLE;
      b->score = w->e[in].score;
    }
    if (b->hints & PITH_HINT_COMMENT) {
      b->action = PITH_ACT_DROP;
      b->why = "html:comments";
    } else if (b->hints & PITH_HINT_COOKIE) {
      b->action = PITH_ACT_DROP;
      b->why = "html:cookie";
    }
  }
}

/* ---------- pre-strip ---------- */

/* Case-insensitive: does p start with the lowercase tag name lit, followed
 * by a character that ends a tag name? */
static int tag_at(const char *p, const char *end, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(end - p) <= n) return 0;
  for (size_t i = 0; i < n; i++)
    if ((p[i] | 0x20) != lit[i]) return 0;
  unsigned char c = (unsigned char)p[n];
  return is_ws(c) || c == '>' || c == '/';
}

/* End of a start tag (after '>'), quotes honoured; NULL if unterminated. */
static const char *tag_end(const char *p, const char *end) {
  char q = 0;
  for (; p < end; p++) {
    if (q) {
      if (*p == q) q = 0;
    } else if (*p == '"' || *p == '\'') {
      q = *p;
    } else if (*p == '>') {
      return p + 1;
    }
  }
  return NULL;
}

/* First "</name" at or after p, case-insensitive; NULL if none. */
static const char *find_close(const char *p, const char *end, const char *name) {
  size_t n = strlen(name);
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p));
    if (!lt || end - lt < (ptrdiff_t)(n + 2)) return NULL;
    if (lt[1] == '/' && tag_at(lt + 2, end, name)) return lt;
    p = lt + 1;
  }
  return NULL;
}

static int has_ci(const char *p, const char *end, const char *lit) {
  size_t n = strlen(lit);
  for (; p + n <= end; p++) {
    size_t i = 0;
    while (i < n && (p[i] | 0x20) == lit[i]) i++;
    if (i == n) return 1;
  }
  return 0;
}

/* Lowercase tag name at p into name (at most cap-1 bytes, NUL-terminated);
 * returns the name's full length. */
static size_t tag_name(const char *p, const char *end, char *name, size_t cap) {
  size_t n = 0;
  while (p + n < end && !is_ws((unsigned char)p[n]) && p[n] != '>' && p[n] != '/') {
    if (n + 1 < cap) name[n] = (char)(p[n] | 0x20);
    n++;
  }
  name[n < cap ? n : cap - 1] = '\0';
  return n;
}

/* Elements that do not deepen the tree: void elements, and those whose end
 * tag is optional (the parser closes them at the next sibling). */
static int never_nests(const char *name, size_t n) {
  static const char *const by_len[][11] = {
      {NULL},
      {"p", NULL},
      {"br", "hr", "li", "dt", "dd", "tr", "td", "th", "rb", "rt", "rp"},
      {"col", "img", "wbr", "rtc", NULL},
      {"area", "base", "link", "meta", "html", "head", "body", NULL},
      {"embed", "input", "param", "track", "thead", "tbody", "tfoot", "frame", NULL},
      {"source", "option", "keygen", NULL},
      {"caption", "bgsound", NULL},
      {"optgroup", "colgroup", "basefont", NULL}};
  if (n == 0 || n >= sizeof by_len / sizeof by_len[0]) return 0;
  for (size_t i = 0; i < 11 && by_len[n][i]; i++)
    if (!memcmp(by_len[n][i], name, n)) return 1;
  return 0;
}

/* Copies a long start tag at lt with its first HX_MAX_ATTRS attributes
 * only; returns where copying resumes (after the tag), or NULL when the tag
 * is not over the limit. */
static const char *cap_attrs(const char *lt, const char *end, const char *copy,
                             pith_buf *out) {
  size_t attrs = 0;
  char q = 0;
  const char *p = lt + 1;
  while (p < end && !is_ws((unsigned char)*p) && *p != '>') p++;
  for (; p < end; p++) {
    if (q) {
      if (*p == q) q = 0;
    } else if (*p == '"' || *p == '\'') {
      q = *p;
    } else if (*p == '>') {
      return NULL;
    } else if (is_ws((unsigned char)*p) && p + 1 < end &&
               !is_ws((unsigned char)p[1]) && ++attrs > HX_MAX_ATTRS) {
      break;
    }
  }
  if (p >= end) return NULL;
  pith_buf_put(out, copy, (size_t)(p - copy));
  pith_buf_putc(out, '>');
  const char *after = tag_end(p, end);
  return after ? after : end;
}

/* Drop what the walker would skip anyway before gumbo tokenizes it char by
 * char: comments and the bodies of script (but JSON-LD), style, svg and
 * noscript, often more than half of a page's bytes. Raw-text elements whose
 * body could hide a "<script" (title, textarea) are copied verbatim. The
 * scan follows the tokenizer's rule that these elements end at the first
 * matching end tag. */
static void prestrip(const char *s, size_t n, pith_buf *out) {
  static const char *const drop[] = {"script", "style", "svg", "noscript", NULL};
  const char *p = s, *end = s + n, *copy = s;
  size_t nest = 0; /* open elements that deepen the tree, approximately */
  char name[12];
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p));
    if (!lt) break;
    p = lt + 1;
    int start = p < end && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
    if (start && (size_t)(end - lt) > HX_LONG_TAG &&
        !memchr(lt, '>', HX_LONG_TAG)) {
      const char *after = cap_attrs(lt, end, copy, out);
      if (after) {
        p = copy = after;
        continue;
      }
    }
    if (p < end && *p == '/' && nest) {
      size_t k = tag_name(p + 1, end, name, sizeof name);
      if (!never_nests(name, k)) nest--;
      continue;
    }
    if (end - lt >= 4 && !memcmp(lt, "<!--", 4)) {
      const char *c = lt + 4;
      while (c && (c = memchr(c, '-', (size_t)(end - c))) && !(end - c >= 3 && !memcmp(c, "-->", 3)))
        c++;
      if (!c) break;
      pith_buf_put(out, copy, (size_t)(lt - copy));
      p = copy = c + 3;
      continue;
    }
    if (tag_at(lt + 1, end, "title") || tag_at(lt + 1, end, "textarea")) {
      const char *c = find_close(lt + 1, end, (lt[1] | 0x20) == 't' && (lt[2] | 0x20) == 'i' ? "title" : "textarea");
      if (!c) break;
      p = c + 2;
      continue;
    }
    int dropped = 0;
    for (int k = 0; drop[k]; k++) {
      if (!tag_at(lt + 1, end, drop[k])) continue;
      dropped = 1;
      const char *body = tag_end(lt + 1, end);
      if (!body) {
        p = end;
        break;
      }
      if (k == 0 && has_ci(lt, body, "ld+json")) {
        p = body;
        break;
      }
      const char *c = find_close(body, end, drop[k]);
      pith_buf_put(out, copy, (size_t)(body - copy));
      p = copy = c ? c : end;
      break;
    }
    if (dropped || !start) continue;
    size_t k = tag_name(p, end, name, sizeof name);
    if (never_nests(name, k) || ++nest <= HX_MAX_NEST) continue;
    nest--;
    const char *after = tag_end(p, end);
    pith_buf_put(out, copy, (size_t)(lt - copy));
    p = copy = after ? after : end;
  }
  pith_buf_put(out, copy, (size_t)(end - copy));
}

/* ---------- entry points ---------- */

int pith_html_blocks(pith_doc *d, const char *html, size_t len) {
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0; /* we never read parse errors */
  pith_buf src = PITH_BUF_INIT;
  prestrip(html, len, &src);
  if (src.failed) {
    pith_buf_free(&src);
    return PITH_ENOMEM;
  }
  GumboOutput *out = gumbo_parse_with_options(&opts, src.data ? src.data : "", src.len);
  if (!out) {
    pith_buf_free(&src);
    return PITH_ENOMEM;
  }
  hx_walk w;
  memset(&w, 0, sizeof w);
  w.d = d;
  w.nflags = d->opts ? d->opts->flags & ~PITH_OPT_ENTITIES : 0;
  w.b0 = d->n;
  w.tok = malloc(sizeof *w.tok);
  w.stack = malloc((HX_MAX_DEPTH + 2) * sizeof *w.stack);
  pith_buf_init(&w.text);
  pith_buf_init(&w.norm);
  pith_htmlmeta_init(&w.meta);
  if (!w.tok || !w.stack) w.oom = 1;
  if (!w.oom) {
    tok_load(w.tok);
    walk(&w, out->root);
  }
  if (w.text.failed || w.norm.failed || d->failed) w.oom = 1;
  if (!w.oom && d->n > w.b0) {
    score_elements(&w);
    uint32_t top = choose_top(&w);
    if (top != HX_NONE) mark_container(&w, top);
    chain_hints(&w);
    finish_blocks(&w);
  }
  if (!w.oom) pith_htmlmeta_finish(&w.meta, d);
  gumbo_destroy_output(&opts, out);
  pith_buf_free(&src);
  pith_buf_free(&w.text);
  pith_buf_free(&w.norm);
  free(w.tok);
  free(w.stack);
  free(w.e);
  free(w.owner);
  return w.oom || d->failed ? PITH_ENOMEM : PITH_OK;
}

static int starts_ci(const char *p, const char *end, const char *lit) {
  for (; *lit; lit++, p++)
    if (p >= end || (*p | 0x20) != *lit) return 0;
  return 1;
}

int pith_html_sniff(const char *bytes, size_t len) {
  static const char *const starts[] = {
      "<!doctype html", "<html", "<head", "<body", "<div", "<p>", "<p ",
      "<meta", "<title", "<link", "<script", "<style", "<table", "<h1",
      "<article", "<section", "<span", "<base", "<!--", "<?xml", NULL};
  const char *p = bytes, *end = bytes + (len < 1024 ? len : 1024);
  if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
  while (p < end && is_ws((unsigned char)*p)) p++;
  for (int i = 0; starts[i]; i++) {
    if (!starts_ci(p, end, starts[i])) continue;
    if (starts[i][1] != '!' || starts[i][2] == 'd') {
      if (starts[i][1] != '?') return 1;
    }
    /* a comment or XML declaration: HTML if a tag we know follows soon */
    for (const char *q = p + 4; q + 5 < end; q++)
      if (*q == '<' && (starts_ci(q, end, "<html") || starts_ci(q, end, "<!doctype html") ||
                        starts_ci(q, end, "<head") || starts_ci(q, end, "<body")))
        return 1;
    return 0;
  }
  return 0;
}

/* ---------- post-pass over the shared classifier ---------- */

#define REFINE_TAIL_WORDS 60 /* article words before a tail marker counts */

static const struct {
  uint32_t bit;
  const char *why;
} junk_hints[] = {
    {PITH_HINT_SHARE, "html:share"},       {PITH_HINT_RELATED, "html:related"},
    {PITH_HINT_NEWSLETTER, "html:newsletter"}, {PITH_HINT_NAV, "html:nav"},
    {PITH_HINT_SIDEBAR, "html:sidebar"},   {PITH_HINT_AD, "html:ad"},
    {PITH_HINT_FOOTER, "html:footer"},     {PITH_HINT_HEADER, "html:header"},
    {PITH_HINT_FORM, "html:form"},         {PITH_HINT_COMMENT, "html:comments"},
    {PITH_HINT_COOKIE, "html:cookie"},     {PITH_HINT_CAPTION, "html:caption"},
    {PITH_HINT_BYLINE, "html:byline"},     {PITH_HINT_META, "html:meta"},
};

static const char *junk_why(uint32_t hints) {
  for (size_t k = 0; k < sizeof junk_hints / sizeof *junk_hints; k++)
    if (hints & junk_hints[k].bit) return junk_hints[k].why;
  return NULL;
}

/* FNV key of a headline for comparison: ASCII letters and digits
 * lowercased, other ASCII and Unicode punctuation (curly quotes, dashes,
 * no-break spaces, CJK and fullwidth punctuation) skipped, other
 * characters kept. The title field keeps the page's quotes while blocks
 * were normalized, and og:title may carry the site name. */
static uint64_t headline_key(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      i++;
      if (c >= 'A' && c <= 'Z') c |= 0x20;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        h = (h ^ c) * 1099511628211ull;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > n - i) len = n - i;
    uint32_t cp = 0;
    if (len == 2) cp = (uint32_t)(c & 0x1F) << 6 | ((unsigned char)s[i + 1] & 0x3F);
    else if (len == 3)
      cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
           ((unsigned char)s[i + 2] & 0x3F);
    int punct = (cp >= 0xA0 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F) ||
                (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
                (cp >= 0xFF1A && cp <= 0xFF20);
    if (!punct)
      for (size_t k = 0; k < len; k++)
        h = (h ^ (unsigned char)s[i + k]) * 1099511628211ull;
    i += len;
  }
  return h;
}

/* Mostly link text: a teaser or a link list. A sentence of prose whose
 * names and phrases are linked ("The suspect, <a>Michael Webb</a>, was
 * <a>convicted</a> ...") still has a quarter of plain text and ends like
 * a sentence. */
static int link_heavy(const pith_block *b) {
  if (b->link_chars * 2 <= b->chars) return 0;
  return !(b->terminal && b->words >= 10 && b->link_chars * 4 < b->chars * 3);
}

/* The address without scheme, "www." and trailing slashes. */
static const char *url_core(const char *s, size_t *n) {
  if (*n >= 8 && !strncasecmp(s, "https://", 8)) s += 8, *n -= 8;
  else if (*n >= 7 && !strncasecmp(s, "http://", 7)) s += 7, *n -= 7;
  if (*n >= 4 && !strncasecmp(s, "www.", 4)) s += 4, *n -= 4;
  while (*n && s[*n - 1] == '/') (*n)--;
  return s;
}

/* The page's own address printed in the body (print layouts, "URL:"
 * footers) is furniture. */
static int repeats_url(const pith_block *b, const char *url) {
  if (b->len < 12 || b->len > 400 || memchr(b->text, ' ', b->len)) return 0;
  size_t un = strlen(url), bn = b->len;
  const char *u = url_core(url, &un), *t = url_core(b->text, &bn);
  return un == bn && !strncasecmp(u, t, un);
}

/* Does the block repeat the page title (whole, or without the site)? */
static int repeats_title(const pith_block *b, const char *title) {
  size_t tn = strlen(title);
  if (b->len > tn + 16 || b->len * 2 < tn / 2) return 0;
  uint64_t k = headline_key(b->text, b->len);
  if (k == headline_key(title, tn)) return 1;
  size_t start, cn = pith_htmlmeta_title_core(title, tn, &start);
  return cn < tn && k == headline_key(title + start, cn);
}

/* The DOM knows where the article is: inside the container, keep what the
 * rules and hints do not condemn; outside it, drop. Rule actions (drop,
 * cut, capture) and duplicates always win. Pages without a container keep
 * the classifier's decisions. */
void pith_html_refine(pith_doc *d) {
  size_t i, n = d->n;
  for (i = 0; i < n && !(d->blocks[i].hints & PITH_HINT_ARTICLE); i++) {
  }
  if (i == n) return;
  size_t words = 0;
  int cut = 0;
  const char *title = d->fields[PITH_FIELD_TITLE];
  const char *url = d->fields[PITH_FIELD_URL];
  int in_list = 0;
  for (i = 0; i < n; i++) {
    pith_block *b = &d->blocks[i];
    const char *why = NULL;
    if (cut) {
      why = "html:after tail marker";
    } else if (b->action == PITH_ACT_CUT && words >= REFINE_TAIL_WORDS) {
      cut = 1;
      why = b->why ? b->why : "rule";
    } else if (b->action == PITH_ACT_DROP || b->action == PITH_ACT_CUT ||
               b->action == PITH_ACT_CAPTURE || b->action == PITH_ACT_ASIDE ||
               b->dup) {
      why = b->why ? b->why : "rule";
    } else if (!(b->hints & PITH_HINT_ARTICLE)) {
      why = "html:outside article";
    } else if (title && (b->heading || b->chars <= 300) && repeats_title(b, title)) {
      why = "repeats the title";
    } else if (url && repeats_url(b, url)) {
      why = "repeats the url";
    } else if (b->action != PITH_ACT_KEEP && (why = junk_why(b->hints))) {
    } else if (b->action != PITH_ACT_KEEP && link_heavy(b)) {
      why = "html:links";
    } else if (in_list && b->kind == PITH_BLK_LI && b->link_chars) {
      why = "html:related list";
    }
    /* a related label ("More stories", class=related-title) heads the
     * list of linked items after it */
    if (b->kind != PITH_BLK_LI)
      in_list = why && b->words <= 8 && !b->terminal &&
                (b->action == PITH_ACT_ASIDE || b->action == PITH_ACT_CUT ||
                 (b->hints & PITH_HINT_RELATED));
    b->keep = !why;
    b->why = why ? why : "html:article";
    if (b->keep) words += b->words;
  }
}
