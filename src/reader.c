/* Container readers: the buffered window over the (de)compressed input,
 * format sniffing, whole-document input, and the record object. JSONL and
 * WARC framing live in jsonl.c and warc.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

char *pith_strndup(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* ---- the window ---------------------------------------------------------- */

uint64_t pith_rd_offset(const pith_reader *r) { return r->consumed + r->pos; }

static void compact(pith_reader *r) {
  size_t avail = r->len - r->pos;
  if (r->pos) {
    memmove(r->buf, r->buf + r->pos, avail);
    r->consumed += r->pos;
    r->pos = 0;
    r->len = avail;
  }
  /* Give back the memory of an earlier huge line once it is gone. */
  if (r->cap > 4 * READER_BUF_INIT && avail < READER_BUF_INIT / 2) {
    char *p = realloc(r->buf, READER_BUF_INIT);
    if (p) {
      r->buf = p;
      r->cap = READER_BUF_INIT;
    }
  }
}

static void drop_window(pith_reader *r) {
  r->consumed += r->len;
  r->pos = r->len = 0;
}

static int gz_result(pith_reader *r, long n) {
  if (n == PITH_EFORMAT) {
    snprintf(r->damage, sizeof r->damage, "%s", pith_gz_error(r->gz));
    drop_window(r);
    return PITH_EFORMAT;
  }
  if (n == PITH_ENOMEM) snprintf(r->err, sizeof r->err, "out of memory");
  else snprintf(r->err, sizeof r->err, "%s", pith_gz_error(r->gz));
  return (int)n;
}

int pith_rd_fill(pith_reader *r, size_t max) {
  if (r->eof) return 0;
  compact(r);
  if (r->len >= max) return PITH_ELIMIT;
  if (r->len == r->cap) {
    if (r->cap >= max) return PITH_ELIMIT;
    size_t nc = r->cap * 2 < max ? r->cap * 2 : max;
    char *p = realloc(r->buf, nc);
    if (!p) {
      snprintf(r->err, sizeof r->err, "out of memory");
      return PITH_ENOMEM;
    }
    r->buf = p;
    r->cap = nc;
  }
  long n = pith_gz_read(r->gz, r->buf + r->len, r->cap - r->len);
  if (n > 0) {
    r->len += (size_t)n;
    return (int)(n > 0x7fffffff ? 0x7fffffff : n);
  }
  if (n == 0) {
    r->eof = 1;
    return 0;
  }
  return gz_result(r, n);
}

int pith_rd_skip_line(pith_reader *r) {
  for (;;) {
    char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
    if (nl) {
      r->pos = (size_t)(nl - r->buf) + 1;
      return 1;
    }
    r->pos = r->len;
    int rc = pith_rd_fill(r, r->cap);
    if (rc <= 0) return rc;
  }
}

int pith_rd_line(pith_reader *r, size_t max, const char **line, size_t *len) {
  size_t scan = 0;
  for (;;) {
    char *start = r->buf + r->pos;
    char *nl = memchr(start + scan, '\n', r->len - r->pos - scan);
    if (nl) {
      *line = start;
      *len = (size_t)(nl - start);
      r->pos += *len + 1;
      return *len > max ? PITH_ELIMIT : 1;
    }
    scan = r->len - r->pos;
    int rc = scan > max ? PITH_ELIMIT : pith_rd_fill(r, max + 1);
    if (rc > 0) continue;
    if (rc == 0) {
      if (r->len == r->pos) return 0;
      *line = r->buf + r->pos;
      *len = r->len - r->pos;
      r->pos = r->len;
      return *len > max ? PITH_ELIMIT : 1;
    }
    if (rc == PITH_ELIMIT) {
      r->pos = r->len;
      int s = pith_rd_skip_line(r);
      return s < 0 && s != PITH_EFORMAT ? s : PITH_ELIMIT;
    }
    return rc;
  }
}

static int rd_direct(pith_reader *r, char *dst, size_t n, size_t *got) {
  size_t k = r->len - r->pos < n ? r->len - r->pos : n;
  if (dst) memcpy(dst, r->buf + r->pos, k);
  r->pos += k;
  *got = k;
  while (*got < n) {
    /* The window is empty here, so bytes read past it count as consumed. */
    size_t want = n - *got;
    char *to = dst ? dst + *got : r->buf;
    if (!dst && want > r->cap) want = r->cap;
    long m = r->eof ? 0 : pith_gz_read(r->gz, to, want);
    if (m == 0) {
      r->eof = 1;
      return 0;
    }
    if (m < 0) return gz_result(r, m);
    r->consumed += (uint64_t)m;
    *got += (size_t)m;
  }
  return 1;
}

int pith_rd_exact(pith_reader *r, char *dst, size_t n, size_t *got) {
  return rd_direct(r, dst, n, got);
}

int pith_rd_skip(pith_reader *r, size_t n, size_t *got) {
  if (r->pos == r->len) {
    r->consumed += r->len;
    r->pos = r->len = 0;
  }
  return rd_direct(r, NULL, n, got);
}

char *pith_rd_steal(pith_reader *r, size_t item_len) {
  if (r->cap <= READER_BUF_INIT || item_len < r->cap / 2) return NULL;
  size_t rest = r->len - r->pos;
  size_t nc = rest > READER_BUF_INIT ? rest : READER_BUF_INIT;
  char *fresh = malloc(nc);
  if (!fresh) return NULL;
  memcpy(fresh, r->buf + r->pos, rest);
  char *old = r->buf;
  r->consumed += r->pos;
  r->buf = fresh;
  r->cap = nc;
  r->pos = 0;
  r->len = rest;
  return old;
}

/* ---- records ---------------------------------------------------------- */

pith_record *pith_record_new(const pith_reader *r, const char *source) {
  pith_record *rec = calloc(1, sizeof *rec);
  if (!rec) return NULL;
  rec->number = r->number;
  rec->prepared = 1;
  if (source) {
    rec->source = strdup(source);
  } else {
    const char *name = r->name ? r->name : "stdin";
    size_t n = strlen(name) + 24;
    rec->source = malloc(n);
    if (rec->source) snprintf(rec->source, n, "%s:%llu", name, r->number);
  }
  if (!rec->source) {
    free(rec);
    return NULL;
  }
  rec->in.source = rec->source;
  return rec;
}

pith_record *pith_record_fail(pith_record *rec, int status, const char *fmt,
                              ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  free(rec->error);
  rec->status = status;
  rec->error = strdup(msg);
  rec->in.bytes = NULL;
  rec->in.len = 0;
  return rec;
}

void pith_record_free(pith_record *rec) {
  if (!rec) return;
  free(rec->error);
  free(rec->data);
  free(rec->url);
  free(rec->date);
  free(rec->charset);
  free(rec->source);
  free(rec->want_field);
  pith_json_free(rec->tree);
  free(rec);
}

int pith_record_prepare(pith_record *rec) {
  if (!rec) return PITH_EINVAL;
  if (!rec->prepared) {
    rec->prepared = 1;
    if (rec->is_jsonl && rec->status == PITH_OK) pith_jsonl_prepare(rec);
  }
  return rec->status;
}

int pith_record_status(pith_record *rec) { return pith_record_prepare(rec); }

const char *pith_record_error(pith_record *rec) {
  pith_record_prepare(rec);
  return rec && rec->status != PITH_OK
             ? (rec->error ? rec->error : pith_strerror(rec->status))
             : NULL;
}

const pith_input *pith_record_input(pith_record *rec) {
  pith_record_prepare(rec);
  return &rec->in;
}

const char *pith_record_source(pith_record *rec) {
  pith_record_prepare(rec);
  return rec->in.source ? rec->in.source : "";
}

unsigned long long pith_record_number(const pith_record *rec) {
  return rec->number;
}

size_t pith_record_size(const pith_record *rec) { return rec->size; }

pith_result *pith_clean_record(const pith_options *opts, pith_record *rec) {
  if (!rec) return pith_result_new_error(PITH_EINVAL, NULL, "no record");
  if (pith_record_prepare(rec) != PITH_OK)
    return pith_result_new_error(rec->status, pith_record_source(rec),
                                 pith_record_error(rec));
  return pith_clean_input(opts, &rec->in);
}

int pith_render_record(const pith_result *res, pith_record *rec,
                       pith_format fmt, char **out, size_t *len) {
  if (fmt == PITH_FORMAT_JSON && rec && rec->is_jsonl)
    return pith_jsonl_render(res, rec, out, len);
  return pith_render(res, fmt, out, len);
}

/* ---- whole documents ------------------------------------------------------ */

/* Reads the rest of the input into one record (limit-checked). */
static int doc_next(pith_reader *r, pith_record **out) {
  if (r->finished) return 0;
  r->finished = 1;
  r->number = 1;
  pith_record *rec = pith_record_new(r, r->name ? r->name : "-");
  if (!rec) return PITH_ENOMEM;
  if (!r->name) rec->in.source = NULL; /* stdin has no name to report */
  *out = rec;
  if (r->pending_damage) {
    pith_record_fail(rec, PITH_EFORMAT, "%s", r->damage);
    return 1;
  }
  int rc;
  for (;;) {
    rc = pith_rd_fill(r, r->limit + 1);
    if (rc <= 0) break;
  }
  if (rc == PITH_ELIMIT) {
    pith_record_fail(rec, PITH_ELIMIT,
                     "document larger than the %zu MB limit; skipped",
                     r->limit >> 20);
    size_t got;
    r->pos = r->len;
    while (pith_rd_skip(r, (size_t)1 << 30, &got) > 0) {
    }
    return 1;
  }
  if (rc == PITH_EFORMAT) {
    pith_record_fail(rec, PITH_EFORMAT, "%s", r->damage);
    return 1;
  }
  if (rc < 0) {
    pith_record_free(rec);
    *out = NULL;
    return rc;
  }
  size_t off = r->pos;
  rec->len = r->len - off;
  rec->size = rec->len;
  r->pos = r->len;
  rec->data = pith_rd_steal(r, rec->len);
  if (rec->data) {
    rec->data_off = off;
  } else if (!(rec->data = pith_strndup(r->buf + off, rec->len))) {
    pith_record_free(rec);
    *out = NULL;
    return PITH_ENOMEM;
  }
  rec->in.bytes = rec->data + rec->data_off;
  rec->in.len = rec->len;
  rec->in.kind = r->doc_kind;
  return 1;
}

/* ---- the reader -------------------------------------------------------- */

pith_reader *pith_reader_new(int fd, pith_reader_kind kind,
                             const char *source_name) {
  pith_reader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->gz = pith_gz_new(fd);
  r->name = source_name ? strdup(source_name) : NULL;
  r->buf = malloc(READER_BUF_INIT);
  r->cap = READER_BUF_INIT;
  r->kind = kind;
  r->limit = PITH_READER_MAX_RECORD;
  if (!r->gz || (source_name && !r->name) || !r->buf) {
    pith_reader_free(r);
    return NULL;
  }
  return r;
}

void pith_reader_free(pith_reader *r) {
  if (!r) return;
  pith_gz_free(r->gz);
  free(r->name);
  free(r->field);
  free(r->buf);
  free(r);
}

int pith_reader_set_field(pith_reader *r, const char *name) {
  char *f = NULL;
  if (name && !(f = strdup(name))) return PITH_ENOMEM;
  free(r->field);
  r->field = f;
  return PITH_OK;
}

void pith_reader_set_doc_kind(pith_reader *r, pith_kind kind) {
  r->doc_kind = kind;
}

void pith_reader_set_limit(pith_reader *r, size_t max_record) {
  if (max_record == 0 || max_record > PITH_READER_MAX_RECORD)
    max_record = PITH_READER_MAX_RECORD;
  r->limit = max_record;
}

const char *pith_reader_error(const pith_reader *r) { return r->err; }
pith_reader_kind pith_reader_kind_of(const pith_reader *r) { return r->kind; }
unsigned long long pith_reader_bytes_in(const pith_reader *r) {
  return pith_gz_bytes_in(r->gz);
}

/* Decides between WARC, JSONL and a plain document from the first bytes
 * (after a BOM and white space). */
static int sniff(pith_reader *r) {
  /* Stop at the first newline: damage while sniffing then only loses a
   * partial first line, as it would for any later line. */
  int rc = 1;
  while (r->len - r->pos < 64 && rc > 0 &&
         !memchr(r->buf + r->pos, '\n', r->len - r->pos))
    rc = pith_rd_fill(r, r->cap);
  if (rc == PITH_EFORMAT) {
    r->pending_damage = 1;
  } else if (rc < 0) {
    return rc;
  }
  const char *p = r->buf + r->pos, *e = r->buf + r->len;
  if (e - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
  if (e - p >= 5 && memcmp(p, "WARC/", 5) == 0) r->kind = PITH_READER_WARC;
  else if (p < e && *p == '{') r->kind = PITH_READER_JSONL;
  else r->kind = PITH_READER_DOC;
  return 0;
}

int pith_reader_next(pith_reader *r, pith_record **rec) {
  *rec = NULL;
  if (r->err[0]) return PITH_EIO;
  if (r->kind == PITH_READER_AUTO) {
    int rc = sniff(r);
    if (rc < 0) return rc;
  }
  if (r->pending_damage && r->kind != PITH_READER_DOC) {
    r->pending_damage = 0;
    r->number++;
    pith_record *e = pith_record_new(r, NULL);
    if (!e) return PITH_ENOMEM;
    *rec = pith_record_fail(e, PITH_EFORMAT, "%s", r->damage);
    return 1;
  }
  switch (r->kind) {
  case PITH_READER_JSONL: return pith_jsonl_next(r, rec);
  case PITH_READER_WARC: return pith_warc_next(r, rec);
  default: return doc_next(r, rec);
  }
}
