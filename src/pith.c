/* The public API: options, the cleaning pipeline, results. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "decode.h"
#include "doc.h"
#include "filters_builtin.h"
#include "html.h"
#include "normalize.h"
#include "options.h"
#include "result.h"
#include "simd.h"
#include "swar.h"
#include "text.h"

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>
#endif

/* A document larger than this is refused with an error record instead of
 * risking the process (gumbo keeps several copies of a page). */
#define PITH_MAX_DOCUMENT ((size_t)256 << 20)

int pith_version(void) { return PITH_VERSION; }
const char *pith_version_string(void) { return PITH_VERSION_STRING; }

const char *pith_strerror(int status) {
  switch (status) {
  case PITH_OK: return "success";
  case PITH_ENOMEM: return "out of memory";
  case PITH_EENCODING: return "unknown character encoding";
  case PITH_ELIMIT: return "document exceeds a size or depth limit";
  case PITH_EINVAL: return "invalid argument";
  case PITH_ERULES: return "malformed filter rule";
  case PITH_EIO: return "input/output error";
  case PITH_EFORMAT: return "malformed record";
  default: return "unknown error";
  }
}

/* ---- options ----------------------------------------------------------- */

static int load_builtin_rules(pith_options *o) {
  char err[256];
  for (const pith_builtin_file *f = pith_builtin_files; f->name; f++) {
    size_t n = strlen(f->name);
    if (n < 6 || strcmp(f->name + n - 6, ".rules") != 0) continue;
    if (pith_rules_parse(o->builtin_rules, f->name, f->data, f->len, err,
                         sizeof err) != PITH_OK)
      return PITH_ERULES; /* a build-time bug; tests catch it */
  }
  return PITH_OK;
}

pith_options *pith_options_new(void) {
  pith_options *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->flags = PITH_OPTS_DEFAULT;
  o->builtin_rules = pith_rules_new();
  o->user_rules = pith_rules_new();
  o->stops = pith_stopsets_new();
  if (!o->builtin_rules || !o->user_rules || !o->stops ||
      load_builtin_rules(o) != PITH_OK) {
    pith_options_free(o);
    return NULL;
  }
  return o;
}

void pith_options_free(pith_options *o) {
  if (!o) return;
  pith_rules_free(o->builtin_rules);
  pith_rules_free(o->user_rules);
  pith_stopsets_free(o->stops);
  free(o->charset);
  free(o->reference_date);
  free(o);
}

void pith_options_set_flags(pith_options *o, unsigned flags) { o->flags = flags; }
unsigned pith_options_flags(const pith_options *o) { return o->flags; }

int pith_options_set_charset(pith_options *o, const char *name) {
  free(o->charset);
  o->charset = NULL;
  if (!name) return PITH_OK;
  const char *canon = pith_charset_canonical(name, strlen(name));
  iconv_t cd = iconv_open("UTF-8", canon ? canon : name);
  if (cd == (iconv_t)-1) return PITH_EENCODING;
  iconv_close(cd);
  o->charset = strdup(canon ? canon : name);
  return o->charset ? PITH_OK : PITH_ENOMEM;
}

int pith_options_set_reference_date(pith_options *o, const char *iso) {
  free(o->reference_date);
  o->reference_date = NULL;
  if (!iso) return PITH_OK;
  int y, m, d;
  if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
      d > 31)
    return PITH_EINVAL;
  o->reference_date = strdup(iso);
  return o->reference_date ? PITH_OK : PITH_ENOMEM;
}

int pith_options_add_filters(pith_options *o, const char *name,
                             const char *text, size_t len, char *err,
                             size_t errlen) {
  return pith_rules_parse(o->user_rules, name, text, len, err, errlen);
}

int pith_options_add_filters_file(pith_options *o, const char *path, char *err,
                                  size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (err) snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return PITH_EIO;
  }
  pith_buf b = PITH_BUF_INIT;
  char chunk[65536];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) pith_buf_put(&b, chunk, k);
  int rerr = ferror(f);
  fclose(f);
  int rc;
  if (rerr) {
    if (err) snprintf(err, errlen, "%s: read error", path);
    rc = PITH_EIO;
  } else if (b.failed) {
    rc = PITH_ENOMEM;
  } else {
    rc = pith_options_add_filters(o, path, b.data ? b.data : "", b.len, err,
                                  errlen);
  }
  pith_buf_free(&b);
  return rc;
}

/* ---- results ----------------------------------------------------------- */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

pith_result *pith_result_new_error(int status, const char *source,
                                   const char *message) {
  pith_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->status = status ? status : PITH_EINVAL;
  r->error = strdup(message ? message : pith_strerror(status));
  r->text = calloc(1, 1);
  r->fields[PITH_FIELD_SOURCE] = dup_or_null(source);
  return r;
}

void pith_result_free(pith_result *r) {
  if (!r) return;
  free(r->error);
  if (r->blocks) {
    free(r->blocks); /* the text and fields of a clean result live in it */
  } else {
    free(r->text);
    for (int i = 0; i < PITH_FIELD_COUNT_; i++) free(r->fields[i]);
  }
  free(r->explain);
  free(r);
}

int pith_result_status(const pith_result *r) { return r ? r->status : PITH_ENOMEM; }
const char *pith_result_error(const pith_result *r) { return r ? r->error : NULL; }

const char *pith_result_text(const pith_result *r, size_t *len) {
  if (len) *len = r && r->text ? r->text_len : 0;
  return r && r->text ? r->text : "";
}

const char *pith_result_field(const pith_result *r, pith_field f) {
  if (!r || (int)f < 0 || f >= PITH_FIELD_COUNT_) return NULL;
  return r->fields[f];
}

const char *pith_field_name(pith_field f) {
  static const char *const names[PITH_FIELD_COUNT_] = {
      "title", "author", "date",    "site",   "url",
      "description", "lang", "charset", "source", "image"};
  return (int)f >= 0 && f < PITH_FIELD_COUNT_ ? names[f] : NULL;
}

size_t pith_result_words(const pith_result *r) { return r ? r->words : 0; }
const char *pith_result_explain(const pith_result *r) { return r ? r->explain : NULL; }
void pith_free(void *p) { free(p); }

/* ---- the pipeline ------------------------------------------------------ */


#if defined(__SSE2__) && !defined(PITH_NO_SSE2) && defined(PITH_AVX2)
/* With AVX2 and POPCNT (chosen at run time) count_words' 64-byte steps
 * take two loads and the popcount instruction. */
#define PITH_COUNT_AVX2 1

/* The words that start in the first n / 64 * 64 bytes of s; *before: bit
 * 0 set when the byte before s is a separator, then the last byte's. */
static PITH_TARGET_AVX2 size_t words64_avx2(const char *s, size_t n,
                                            uint64_t *before) {
  const __m256i sp = _mm256_set1_epi8(' '), nl = _mm256_set1_epi8('\n');
  uint64_t last = *before;
  size_t w = 0;
  for (size_t i = 0; i + 64 <= n; i += 64) {
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 32));
    a = _mm256_or_si256(_mm256_cmpeq_epi8(a, sp), _mm256_cmpeq_epi8(a, nl));
    b = _mm256_or_si256(_mm256_cmpeq_epi8(b, sp), _mm256_cmpeq_epi8(b, nl));
    uint64_t m = (uint32_t)_mm256_movemask_epi8(a) |
                 (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32;
    w += (size_t)_mm_popcnt_u64(~m & ((m << 1) | last));
    last = m >> 63;
  }
  *before = last;
  return w;
}
#endif

/* Words of the output: runs of bytes other than ' ' and '\n', counted as
 * the bytes that follow a separator (or start the text): 64 bytes at a
 * time as a bit mask where SSE2 is there, then 8 at a time. */
static size_t count_words(const char *s, size_t n) {
  size_t w = 0, i = 0;
  uint64_t prev = 0x80; /* the byte before is a separator */
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
  const __m128i sp = _mm_set1_epi8(' '), nl = _mm_set1_epi8('\n');
  uint64_t before = 1;
#ifdef PITH_COUNT_AVX2
  if (pith_cpu_avx2()) {
    w = words64_avx2(s, n, &before);
    i = n / 64 * 64;
  }
#endif
  for (; i + 64 <= n; i += 64) {
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16 * k));
      __m128i e = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, nl));
      m |= (uint64_t)(uint16_t)_mm_movemask_epi8(e) << (16 * k);
    }
    w += pith_swar_popcount64(~m & ((m << 1) | before));
    before = m >> 63;
  }
  prev = before << 7;
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t x = pith_swar_load(s + i);
    uint64_t sp8 = pith_swar_eq(x, ' ') | pith_swar_eq(x, '\n');
    w += pith_swar_count(~sp8 & PITH_SWAR_HIGH & pith_swar_after(sp8, prev));
    prev = pith_swar_last(sp8);
  }
  int in = !prev;
  for (; i < n; i++) {
    int sp1 = s[i] == ' ' || s[i] == '\n';
    if (!sp1 && !in) w++;
    in = !sp1;
  }
  return w;
}

static void build_explain(const pith_doc *d, pith_buf *ex) {
  for (size_t i = 0; i < d->n; i++) {
    const pith_block *b = &d->blocks[i];
    pith_buf_puts(ex, b->keep ? "KEEP\t" : "DROP\t");
    pith_buf_puts(ex, b->why ? b->why : "-");
    pith_buf_printf(ex, "\tchars=%u words=%u stop=%.2f link=%.2f%s\t", b->chars,
                    b->words, b->words ? (double)b->stops / b->words : 0.0,
                    b->chars ? (double)b->link_chars / b->chars : 0.0,
                    b->heading ? " heading" : "");
    for (size_t k = 0; k < b->len; k++)
      pith_buf_putc(ex, b->text[k] == '\n' || b->text[k] == '\t' ? ' ' : b->text[k]);
    pith_buf_putc(ex, '\n');
  }
}

/* The result's blocks, text and fields in one allocation (freed with
 * r->blocks; a result holds no other blocks but an error's, which has
 * none): a document's output costs one malloc, not one per field. `r` is
 * new: it holds no fields yet. */
static int collect(pith_result *r, const pith_doc *d, unsigned flags) {
  size_t kept = 0, bytes = 0, field_bytes = 0;
  for (size_t i = 0; i < d->n; i++)
    if (d->blocks[i].keep) kept++, bytes += d->blocks[i].len + 2;
  size_t flen[PITH_FIELD_COUNT_];
  for (int f = 0; f < PITH_FIELD_COUNT_; f++) {
    flen[f] = d->fields[f] ? strlen(d->fields[f]) : 0;
    field_bytes += d->fields[f] ? flen[f] + 1 : 0;
  }
  /* The text exactly (blocks joined by blank lines, a final newline, the
   * NUL) fits in bytes + 1: written straight. */
  size_t nb = kept ? kept : 1;
  r->blocks = malloc(nb * sizeof *r->blocks + bytes + 1 + field_bytes);
  if (!r->blocks) return PITH_ENOMEM;
  char *t = (char *)(r->blocks + nb), *fv = t + bytes + 1;
  for (int f = 0; f < PITH_FIELD_COUNT_; f++)
    if (d->fields[f]) {
      r->fields[f] = memcpy(fv, d->fields[f], flen[f] + 1);
      fv += flen[f] + 1;
    }
  size_t len = 0;
  for (size_t i = 0; i < d->n; i++) {
    const pith_block *b = &d->blocks[i];
    if (!b->keep) continue;
    if (len) t[len++] = '\n', t[len++] = '\n';
    r->blocks[r->nblocks++] = (pith_out_block){len, b->len, b->kind, b->heading};
    memcpy(t + len, b->text, b->len);
    len += b->len;
  }
  if (len) t[len++] = '\n';
  t[len] = '\0';
  r->text = t;
  r->text_len = len;
  r->words = count_words(r->text, r->text_len);
  if (flags & PITH_OPT_EXPLAIN) {
    pith_buf ex = PITH_BUF_INIT;
    build_explain(d, &ex);
    if (ex.failed) return PITH_ENOMEM;
    r->explain = pith_buf_detach(&ex, &r->explain_len);
  }
  return PITH_OK;
}

/* run_front_end: the input, given `unchecked`, is not valid UTF-8 (no
 * block added). */
enum { NOT_UTF8 = 1 };

/* `norm`: the text front end's normalized text, which the blocks point
 * into (used in place, not copied): the caller frees it after the
 * document. `checked`: the text's first bytes known to be valid UTF-8
 * (len: all); the rest may not be (normalize reads any bytes safely): it
 * is checked once normalized, when the check finds it in cache (checked
 * first, its bytes came from memory in the check's loads, which waited on
 * them with nothing else to do). */
static int run_front_end(pith_doc *d, const pith_options *o, pith_kind kind,
                         const char *utf8, size_t len, size_t checked, pith_buf *norm) {
  if (kind == PITH_KIND_HTML) {
    d->is_html = 1;
    return pith_html_blocks(d, utf8, len);
  }
  enum { PAD = 16 }; /* zeros after the text: lines are read 8 bytes at a time */
  /* Normalized text is rarely longer than its input: one allocation. */
  pith_buf_reserve(norm, len + len / 16 + 64 + PAD);
  pith_buf_clear(norm);
  int rc = pith_normalize(utf8, len, o->flags, norm);
  if (checked < len && !pith_utf8_valid(utf8 + checked, len - checked)) return NOT_UTF8;
  if (rc == PITH_OK && pith_buf_reserve(norm, PAD) != 0) rc = PITH_ENOMEM;
  if (rc != PITH_OK) return rc;
  memset(norm->data + norm->len, 0, PAD);
  rc = pith_text_blocks_in_place(d, norm->data, norm->len);
  if (rc == 1) { /* hard-wrapped lines that had trailing spaces: again */
    pith_buf again = PITH_BUF_INIT;
    rc = pith_normalize(utf8, len, o->flags, &again);
    if (rc == PITH_OK)
      rc = pith_text_blocks(d, again.data ? again.data : "", again.len);
    pith_buf_free(&again);
  }
  return rc;
}

/* --links: decisions are made on the plain text (link targets would skew
 * lengths and link density); a second walk writes the same blocks with
 * [text](href) and takes the first walk's decisions. Should the walks ever
 * disagree on the blocks, the plain text stays. */
static int relink(pith_doc *d, const pith_options *o, const char *html,
                  size_t len) {
  pith_doc l;
  pith_doc_init(&l, o);
  l.links = 1;
  l.is_html = 1;
  int rc = pith_html_blocks(&l, html, len);
  if (rc == PITH_OK && l.n == d->n) {
    for (size_t i = 0; i < d->n; i++) {
      pith_block *b = &d->blocks[i];
      b->text = pith_arena_strndup(&d->arena, l.blocks[i].text, l.blocks[i].len);
      if (!b->text) {
        pith_doc_free(&l);
        return PITH_ENOMEM;
      }
      b->len = l.blocks[i].len;
    }
  }
  pith_doc_free(&l);
  return rc == PITH_ELIMIT ? PITH_OK : rc;
}

static int clean_into(pith_result *r, const pith_options *o, const pith_input *in) {
  if (in->len > PITH_MAX_DOCUMENT) return PITH_ELIMIT;
  pith_kind kind = in->kind;
  if (kind == PITH_KIND_AUTO)
    kind = pith_html_sniff(in->bytes, in->len) ? PITH_KIND_HTML : PITH_KIND_TEXT;
  pith_buf utf8 = PITH_BUF_INIT;
  char charset[64] = "";
  pith_decode_opts dopts = {o->charset, in->charset, kind == PITH_KIND_HTML};
  const char *bytes = in->bytes ? in->bytes : "";
  const char *text = NULL;
  size_t text_len = 0;
  pith_doc d;
  pith_doc_init(&d, o);
  pith_buf norm = PITH_BUF_INIT;
  /* Plain text that is valid UTF-8 already (most dumps) is normalized
   * straight from the input: no copy. When its charset would be UTF-8 for
   * valid bytes (no label, no BOM), the bytes are checked after they are
   * normalized, and decoded as before should they be another charset. The
   * HTML parser gets the decoded, NUL-terminated buffer as before. */
  int rc = NOT_UTF8;
  size_t checked = 0; /* its first kilobyte, which starts the rest anew */
  if (kind != PITH_KIND_HTML &&
      pith_decode_utf8_or_not(bytes, in->len, &dopts, charset, sizeof charset, &checked)) {
    text = bytes;
    text_len = in->len;
    rc = run_front_end(&d, o, kind, text, text_len, checked, &norm);
  }
  if (rc == NOT_UTF8) {
    rc = kind == PITH_KIND_HTML
             ? pith_decode(bytes, in->len, &dopts, &utf8, charset, sizeof charset)
             : pith_decode_view(bytes, in->len, &dopts, &utf8, charset, sizeof charset,
                                &text, &text_len);
    if (kind == PITH_KIND_HTML) {
      text = utf8.data ? utf8.data : "";
      text_len = utf8.len;
    }
    if (rc == PITH_OK) rc = run_front_end(&d, o, kind, text, text_len, text_len, &norm);
  }
  if (rc == PITH_OK) {
    pith_classify_language(&d, o->stops);
    if (o->flags & PITH_OPT_STRIP) {
      const pith_rules *sets[2];
      size_t k = 0;
      if (o->flags & PITH_OPT_DEFAULT_FILTERS) sets[k++] = o->builtin_rules;
      if (pith_rules_count(o->user_rules)) sets[k++] = o->user_rules;
      pith_classify_ctx ctx = {sets, k, o->stops, o->reference_date};
      rc = pith_classify(&d, &ctx);
      if (rc == PITH_OK && d.is_html) pith_html_refine(&d);
    } else {
      for (size_t i = 0; i < d.n; i++) {
        d.blocks[i].keep = 1;
        d.blocks[i].why = "--no-strip";
      }
    }
  }
  if (rc == PITH_OK && d.is_html && (o->flags & PITH_OPT_LINKS))
    rc = relink(&d, o, text, text_len);
  if (rc == PITH_OK) {
    pith_doc_set_field(&d, PITH_FIELD_URL, in->url, in->url ? strlen(in->url) : 0);
    pith_doc_set_field(&d, PITH_FIELD_DATE, in->date, in->date ? strlen(in->date) : 0);
    pith_doc_set_field(&d, PITH_FIELD_CHARSET, charset, strlen(charset));
    pith_doc_set_field(&d, PITH_FIELD_SOURCE, in->source,
                       in->source ? strlen(in->source) : 0);
    rc = d.failed ? PITH_ENOMEM : collect(r, &d, o->flags);
  }
  pith_doc_free(&d);
  pith_buf_free(&norm);
  pith_buf_free(&utf8);
  return rc;
}

pith_result *pith_clean_input(const pith_options *o, const pith_input *in) {
  if (!o || !in || (in->len && !in->bytes) || in->abi_version != 0)
    return pith_result_new_error(PITH_EINVAL, in ? in->source : NULL,
                                 "invalid arguments to pith_clean");
  /* the input's first line asked for before the result's allocation and
   * the set-up, which run while it comes: its first read (the BOM test)
   * waited on memory with nothing else to do (an input just read from a
   * file is in cache; one of many held in memory may not be) */
  if (in->len) __builtin_prefetch(in->bytes);
  pith_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->flags = o->flags;
  int rc = clean_into(r, o, in);
  if (rc != PITH_OK) {
    const char *src = in->source;
    pith_result_free(r);
    char msg[300];
    if (rc == PITH_ELIMIT)
      snprintf(msg, sizeof msg,
               "document of %zu bytes exceeds the %zu MB limit; split it or "
               "skip it", in->len, PITH_MAX_DOCUMENT >> 20);
    else
      snprintf(msg, sizeof msg, "%s", pith_strerror(rc));
    return pith_result_new_error(rc, src, msg);
  }
  r->status = PITH_OK;
  return r;
}

pith_result *pith_clean(const pith_options *o, const char *bytes, size_t len,
                        pith_kind hint) {
  pith_input in = {0, bytes, len, hint, NULL, NULL, NULL, NULL};
  return pith_clean_input(o, &in);
}
