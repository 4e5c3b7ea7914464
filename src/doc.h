/* The block model shared by both front ends (text lines, HTML elements) and
 * the classifier. Front ends fill blocks and their features; the classifier
 * never sees markup. A document owns all its memory through `arena`. */
#ifndef PITH_DOC_H
#define PITH_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "pith.h"
#include "buf.h"

/* Block kinds: drive markdown output and a few classifier decisions. */
typedef enum pith_block_kind {
  PITH_BLK_P = 0,    /* paragraph / text line */
  PITH_BLK_HEADING,  /* h1-h6 or a heading-shaped text line */
  PITH_BLK_LI,       /* list item */
  PITH_BLK_QUOTE,    /* blockquote paragraph */
  PITH_BLK_PRE,      /* preformatted / code; may contain '\n' */
  PITH_BLK_CELL,     /* table row text (cells joined by " | ") */
  PITH_BLK_CAPTION   /* figcaption / caption */
} pith_block_kind;

/* Class/id/role hints from markup (HTML front end); bit set = present on
 * the block's element or an ancestor below the article container. */
enum {
  PITH_HINT_COMMENT = 1u << 0,
  PITH_HINT_SHARE = 1u << 1,    /* share, social */
  PITH_HINT_RELATED = 1u << 2,  /* related, recommended, more-stories */
  PITH_HINT_NEWSLETTER = 1u << 3, /* newsletter, subscribe, signup */
  PITH_HINT_COOKIE = 1u << 4,
  PITH_HINT_FOOTER = 1u << 5,
  PITH_HINT_NAV = 1u << 6,      /* nav, menu, breadcrumb */
  PITH_HINT_SIDEBAR = 1u << 7,  /* sidebar, aside, widget */
  PITH_HINT_BYLINE = 1u << 8,   /* byline, author, dateline */
  PITH_HINT_CAPTION = 1u << 9,
  PITH_HINT_AD = 1u << 10,
  PITH_HINT_HIDDEN = 1u << 11,
  PITH_HINT_ARTICLE = 1u << 12, /* inside the chosen article container */
  PITH_HINT_HEADER = 1u << 13,  /* page header / masthead */
  PITH_HINT_META = 1u << 14,    /* tags, categories, timestamps */
  PITH_HINT_FORM = 1u << 15
};

/* Classes, jusText's vocabulary. */
typedef enum pith_class {
  PITH_CLS_BAD = 0,
  PITH_CLS_SHORT,
  PITH_CLS_NEARGOOD,
  PITH_CLS_GOOD
} pith_class;

/* Rule actions a rule may impose on a block (see filters/README.md). */
typedef enum pith_action {
  PITH_ACT_NONE = 0,
  PITH_ACT_DROP,      /* drop the block */
  PITH_ACT_CUT,       /* drop the block and everything after it */
  PITH_ACT_KEEP,      /* keep the block whatever the score */
  PITH_ACT_CAPTURE,   /* drop the block, fill a metadata field */
  PITH_ACT_ASIDE      /* drop the block; for smoothing it is a neutral edge
                         (interjections: "Advertisement", "Read also") */
} pith_action;

typedef struct pith_block {
  const char *text; /* normalized UTF-8, NUL-terminated, arena-owned */
  uint32_t len;     /* bytes */
  uint32_t chars;   /* code points */
  uint32_t words;
  uint32_t stops;      /* words found in the document's stop-word list; outside
                        * --explain the count may stop once the density
                        * reaches the classifier's threshold (language.h) */
  uint32_t link_chars; /* code points inside links (HTML) */
  uint32_t hints;      /* PITH_HINT_* */
  uint32_t group;      /* HTML: id of the nearest block-level parent */
  uint16_t depth;      /* HTML: DOM depth */
  uint8_t kind;        /* pith_block_kind */
  uint8_t heading;     /* 1..6, 0 = not a heading */
  uint8_t seps;        /* text: navigation separators (| • · » ›) */
  uint8_t terminal;    /* ends with . ! ? ." etc. */
  uint8_t cf;          /* context-free class */
  uint8_t cls;         /* final class (pith_class) */
  uint8_t action;      /* pith_action from rules */
  uint8_t field;       /* pith_field captured, when action == CAPTURE */
  uint8_t keep;        /* final decision: 1 = in the output */
  uint8_t dup;         /* repeats an earlier block or the title */
  uint8_t pending;     /* CAPTURE with an empty value: the value follows */
  uint8_t memo;        /* classifier scratch (classify.c): per-block tests
                          made once, e.g. the heading shape */
  float score;         /* HTML: container evidence, free for front ends */
  const char *why;     /* reason for the decision (static or arena) */
} pith_block;

/* Arena: blocks of memory freed all at once with the document. */
typedef struct pith_arena_chunk pith_arena_chunk;
typedef struct pith_arena {
  pith_arena_chunk *head;
  pith_arena_chunk *side; /* pith_arena_alloc_side: one allocation each */
  int failed;
} pith_arena;

void *pith_arena_alloc(pith_arena *a, size_t n);
/* A large allocation of its own (a whole text), freed with the arena; it
 * does not grow the chunks later small allocations come from. */
void *pith_arena_alloc_side(pith_arena *a, size_t n);
char *pith_arena_strndup(pith_arena *a, const char *s, size_t n);
void pith_arena_free(pith_arena *a);

struct pith_stoplist;

typedef struct pith_doc {
  const pith_options *opts;
  pith_arena arena;
  pith_block *blocks;
  size_t n, cap;
  int is_html;
  const struct pith_stoplist *stop; /* chosen list, NULL = none */
  const char *fields[PITH_FIELD_COUNT_]; /* arena-owned or static */
  size_t title_pos; /* block repeating the title (the article starts
                       after it); 0 when unknown */
  /* HTML front end: JSON-LD articleBody length etc. may be stored here. */
  int failed; /* allocation failure somewhere */
  int links;  /* HTML: write links as [text](href) in block text */
} pith_doc;

void pith_doc_init(pith_doc *d, const pith_options *opts);
void pith_doc_free(pith_doc *d);
/* Append a block with text (copied into the arena, trimmed); features
 * chars/words/terminal/seps are computed here, stops after language choice.
 * Returns NULL for empty text or allocation failure. */
pith_block *pith_doc_add(pith_doc *d, const char *text, size_t len,
                         pith_block_kind kind);
/* The text front end's pith_doc_add: a paragraph line of a writable text
 * that outlives the document (arena-owned), used in place: trimmed and
 * NUL-terminated there, not copied. Also counts navigation separators
 * (seps); `bar`: the line may hold a '|' (0 when it holds none). Plain
 * ASCII lines of up to 64 bytes without apostrophes also get their words
 * here (as pith_stoplist_count counts them); `words` stays 0 for the
 * others. The 16 bytes after text + len must be readable (the front end
 * pads its text with 16 zero bytes). */
pith_block *pith_doc_add_line(pith_doc *d, char *text, size_t len, int bar);
/* What pith_doc_add_lines saw of a text's layout. */
typedef struct pith_line_runs {
  size_t runs;  /* runs of non-empty lines between blank lines */
  size_t multi; /* runs of more than one line */
  int exact;    /* every block's NUL is on its line's '\n' (or the end) */
} pith_line_runs;
/* pith_doc_add_line on each line of text ('\n' ends a line; empty ones
 * add no block), found 64 bytes at a time in one walk that adds them
 * too. With AVX2 every ASCII line gets its words (apostrophes and more
 * than 64 bytes too), as pith_stopsets_count_words counts them. The 16 bytes after text + len must be readable. */
void pith_doc_add_lines(pith_doc *d, char *text, size_t len, pith_line_runs *r);
/* Set a metadata field if it is not set yet (copied, trimmed, non-empty). */
void pith_doc_set_field(pith_doc *d, pith_field f, const char *s, size_t n);

#endif
