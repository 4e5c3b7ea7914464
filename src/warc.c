/* WARC 1.0/1.1 framing and the HTTP responses inside it.
 *
 * A record is a "WARC/1.x" line, header lines, a blank line and exactly
 * Content-Length bytes. `response` records carrying HTML (or text) become
 * documents; every other record is skipped without being held in memory.
 * Damage (garbage, a bad or missing Content-Length, truncation, corrupt
 * gzip) becomes one error record, then the reader looks for the next line
 * starting with "WARC/1." and goes on. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader.h"

#define WARC_MAX_HEADERS 1024

typedef struct warc_head {
  char type[32];
  char ctype[256];
  char date[64];
  char *uri;
  char *id;
  long long clen; /* -1 when absent or invalid */
} warc_head;

typedef struct http_info {
  int status;
  char mime[128];
  char charset[64];
  int chunked;
  int encoding; /* 0 identity, 1 gzip, 2 deflate */
  size_t body;  /* offset of the body in the block */
} http_info;

/* After damage: skip lines until the next "WARC/1." line. */
#define RESYNC(r) ((r)->resync)

static void head_free(warc_head *h) {
  free(h->uri);
  free(h->id);
}

static size_t trim_cr(const char *s, size_t n) {
  return n && s[n - 1] == '\r' ? n - 1 : n;
}

static int is_version_line(const char *s, size_t n) {
  return n >= 7 && memcmp(s, "WARC/1.", 7) == 0;
}

/* Copies s[0..n) into dst (size cap), trimmed, NUL-terminated. */
static void copy_value(char *dst, size_t cap, const char *s, size_t n) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

/* Drops the <...> some writers put around URIs and record ids. */
static char *dup_unbracketed(const char *s, size_t n) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n >= 2 && s[0] == '<' && s[n - 1] == '>') s++, n -= 2;
  return pith_strndup(s, n);
}

static int name_is(const char *line, size_t nlen, const char *name) {
  return strlen(name) == nlen && strncasecmp(line, name, nlen) == 0;
}

static long long parse_length(const char *v) {
  char *end;
  while (*v == ' ') v++;
  if (!isdigit((unsigned char)*v)) return -1;
  long long n = strtoll(v, &end, 10);
  while (*end == ' ') end++;
  return *end ? -1 : n;
}

static void head_line(warc_head *h, const char *s, size_t n) {
  const char *colon = memchr(s, ':', n);
  if (!colon) return;
  size_t nl = (size_t)(colon - s);
  const char *v = colon + 1;
  size_t vl = n - nl - 1;
  char tmp[64];
  if (name_is(s, nl, "WARC-Type")) {
    copy_value(h->type, sizeof h->type, v, vl);
  } else if (name_is(s, nl, "Content-Type")) {
    copy_value(h->ctype, sizeof h->ctype, v, vl);
  } else if (name_is(s, nl, "WARC-Date")) {
    copy_value(h->date, sizeof h->date, v, vl);
  } else if (name_is(s, nl, "Content-Length")) {
    copy_value(tmp, sizeof tmp, v, vl);
    h->clen = parse_length(tmp);
  } else if (name_is(s, nl, "WARC-Target-URI") && !h->uri) {
    h->uri = dup_unbracketed(v, vl);
  } else if (name_is(s, nl, "WARC-Record-ID") && !h->id) {
    h->id = dup_unbracketed(v, vl);
  }
}

static int damage(pith_reader *r, pith_record **out, int status,
                  const char *source, const char *what) {
  pith_record *rec = pith_record_new(r, source);
  if (!rec) return PITH_ENOMEM;
  pith_record_fail(rec, status, "WARC record %llu: %s", r->number, what);
  *out = rec;
  RESYNC(r) = 1;
  return 1;
}

/* Finds the next version line. 1 found, 0 end, <0 fatal; damage on the
 * way (gzip, garbage) gives an error record through *out. */
static int find_record(pith_reader *r, pith_record **out) {
  for (;;) {
    const char *l;
    size_t n;
    int rc = pith_rd_line(r, READER_MAX_HEADER_LINE, &l, &n);
    if (rc == 0) return 0;
    if (rc == PITH_EFORMAT) {
      r->number++;
      return damage(r, out, PITH_EFORMAT, NULL, r->damage) == 1 ? 2 : PITH_ENOMEM;
    }
    if (rc == PITH_ELIMIT) {
      if (RESYNC(r)) continue;
      r->number++;
      return damage(r, out, PITH_EFORMAT, NULL, "garbage instead of a record") == 1
                 ? 2
                 : PITH_ENOMEM;
    }
    if (rc < 0) return rc;
    n = trim_cr(l, n);
    if (is_version_line(l, n)) {
      RESYNC(r) = 0;
      r->number++;
      return 1;
    }
    if (n == 0 || RESYNC(r)) continue;
    r->number++;
    return damage(r, out, PITH_EFORMAT, NULL,
                  "expected a \"WARC/1.x\" line; skipping to the next record") == 1
               ? 2
               : PITH_ENOMEM;
  }
}

/* Reads header lines up to the blank line. 1 ok, or a damage record (2). */
static int read_head(pith_reader *r, warc_head *h, pith_record **out) {
  for (int count = 0;; count++) {
    const char *l;
    size_t n;
    int rc = count > WARC_MAX_HEADERS ? PITH_ELIMIT
                                      : pith_rd_line(r, READER_MAX_HEADER_LINE, &l, &n);
    if (rc == 0)
      return damage(r, out, PITH_EFORMAT, h->id, "truncated in the header") == 1 ? 2
                                                                            : PITH_ENOMEM;
    if (rc == PITH_EFORMAT)
      return damage(r, out, PITH_EFORMAT, h->id, r->damage) == 1 ? 2 : PITH_ENOMEM;
    if (rc == PITH_ELIMIT)
      return damage(r, out, PITH_EFORMAT, h->id, "oversized header") == 1 ? 2
                                                                      : PITH_ENOMEM;
    if (rc < 0) return rc;
    n = trim_cr(l, n);
    if (n == 0) return 1;
    if (is_version_line(l, n)) {
      /* A new record began inside this header: this one is broken. Put
       * the line back so the next call starts there. */
      r->pos -= (size_t)(r->buf + r->pos - l);
      return damage(r, out, PITH_EFORMAT, h->id, "header cut short") == 1 ? 3
                                                                      : PITH_ENOMEM;
    }
    head_line(h, l, n);
  }
}

/* ---- HTTP ---------------------------------------------------------------- */

static int mime_kind(const char *mime) {
  if (!mime[0]) return PITH_KIND_AUTO;
  if (!strcasecmp(mime, "text/html") || !strcasecmp(mime, "application/xhtml+xml"))
    return PITH_KIND_HTML;
  if (!strcasecmp(mime, "text/plain")) return PITH_KIND_TEXT;
  return -1;
}

/* "text/html; charset=UTF-8" into mime and charset. */
static void parse_ctype(const char *v, char *mime, size_t mcap, char *cs,
                        size_t ccap) {
  const char *semi = strchr(v, ';');
  copy_value(mime, mcap, v, semi ? (size_t)(semi - v) : strlen(v));
  cs[0] = '\0';
  for (const char *p = semi; p && *p; p++) {
    if (strncasecmp(p, "charset=", 8) != 0) continue;
    p += 8;
    if (*p == '"' || *p == '\'') p++;
    size_t n = strcspn(p, "\"'; \t");
    copy_value(cs, ccap, p, n);
    break;
  }
}

static int contains_token(const char *v, size_t n, const char *tok) {
  size_t tl = strlen(tok);
  for (size_t i = 0; i + tl <= n; i++)
    if (strncasecmp(v + i, tok, tl) == 0) return 1;
  return 0;
}

static void http_header(http_info *h, const char *s, size_t n) {
  const char *colon = memchr(s, ':', n);
  if (!colon) return;
  size_t nl = (size_t)(colon - s);
  const char *v = colon + 1;
  size_t vl = n - nl - 1;
  if (name_is(s, nl, "Content-Type")) {
    char tmp[256];
    copy_value(tmp, sizeof tmp, v, vl);
    parse_ctype(tmp, h->mime, sizeof h->mime, h->charset, sizeof h->charset);
  } else if (name_is(s, nl, "Transfer-Encoding")) {
    h->chunked = contains_token(v, vl, "chunked");
  } else if (name_is(s, nl, "Content-Encoding")) {
    if (contains_token(v, vl, "gzip")) h->encoding = 1;
    else if (contains_token(v, vl, "deflate")) h->encoding = 2;
  }
}

/* Status line and headers of the HTTP message in b[0..n). 0 ok, -1 bad. */
static int parse_http(const char *b, size_t n, http_info *h) {
  memset(h, 0, sizeof *h);
  if (n < 12 || memcmp(b, "HTTP/", 5) != 0) return -1;
  const char *sp = memchr(b, ' ', n);
  if (!sp || (size_t)(sp - b) + 4 > n) return -1;
  h->status = atoi(sp + 1);
  size_t i = 0;
  int first = 1;
  while (i < n) {
    const char *nl = memchr(b + i, '\n', n - i);
    if (!nl) return -1;
    size_t ll = trim_cr(b + i, (size_t)(nl - (b + i)));
    if (!first && ll == 0) {
      h->body = (size_t)(nl - b) + 1;
      return 0;
    }
    if (!first) http_header(h, b + i, ll);
    first = 0;
    i = (size_t)(nl - b) + 1;
  }
  return -1;
}

/* Decodes chunked transfer encoding in place; returns the decoded length.
 * Malformed framing stops decoding and keeps what was decoded. */
static size_t dechunk(char *s, size_t n) {
  size_t r = 0, w = 0;
  while (r < n) {
    char *end;
    if (!isxdigit((unsigned char)s[r])) break;
    unsigned long long size = strtoull(s + r, &end, 16);
    const char *nl = memchr(end, '\n', n - (size_t)(end - s));
    if (!nl) break;
    r = (size_t)(nl - s) + 1;
    if (size == 0) break;
    if (size > n - r) size = n - r;
    memmove(s + w, s + r, (size_t)size);
    w += (size_t)size;
    r += (size_t)size;
    if (r < n && s[r] == '\r') r++;
    if (r < n && s[r] == '\n') r++;
  }
  return w == 0 && r == 0 ? n : w;
}

/* Turns a response block into the record's document. 1 made, 0 skip
 * (not a 2xx page of text), or an error record. */
static int http_document(pith_reader *r, pith_record *rec, const warc_head *wh) {
  http_info h;
  char *blk = rec->data;
  size_t n = rec->len;
  int kind;
  if (strncasecmp(wh->type, "resource", 8) == 0) {
    memset(&h, 0, sizeof h);
    parse_ctype(wh->ctype, h.mime, sizeof h.mime, h.charset, sizeof h.charset);
    h.status = 200;
  } else if (parse_http(blk, n, &h) != 0) {
    pith_record_fail(rec, PITH_EFORMAT, "WARC record %llu: bad HTTP header",
                     rec->number);
    return 1;
  }
  kind = mime_kind(h.mime);
  if (h.status < 200 || h.status > 299 || kind < 0) return 0;
  size_t blen = n - h.body;
  if (h.chunked) {
    blen = dechunk(blk + h.body, blen);
    blk[h.body + blen] = '\0';
  }
  rec->in.bytes = blk + h.body;
  rec->in.len = blen;
  if (h.encoding) {
    pith_buf out = PITH_BUF_INIT;
    int rc = pith_gz_inflate_mem(blk + h.body, blen, h.encoding == 1, r->limit, &out);
    if (rc != PITH_OK) {
      pith_buf_free(&out);
      if (rc == PITH_ELIMIT) /* a compression bomb stops at the record limit */
        pith_record_fail(rec, rc, "WARC record %llu: %s body inflates beyond "
                         "the %zu MB record limit; skipped", rec->number,
                         h.encoding == 1 ? "gzip" : "deflate", r->limit >> 20);
      else
        pith_record_fail(rec, rc, "WARC record %llu: cannot decode the %s body",
                         rec->number, h.encoding == 1 ? "gzip" : "deflate");
      return 1;
    }
    free(rec->data);
    rec->data = pith_buf_detach(&out, &rec->len);
    rec->in.bytes = rec->data;
    rec->in.len = rec->len;
  }
  rec->in.kind = (pith_kind)kind;
  if (h.charset[0]) {
    rec->charset = strdup(h.charset);
    rec->in.charset = rec->charset;
  }
  return 1;
}

static int wanted(const warc_head *h) {
  if (!strcasecmp(h->type, "response"))
    return strncasecmp(h->ctype, "application/http", 16) == 0;
  if (!strcasecmp(h->type, "resource")) {
    char mime[128], cs[8];
    parse_ctype(h->ctype, mime, sizeof mime, cs, sizeof cs);
    return mime_kind(mime) > 0;
  }
  return 0;
}

/* Reads the block of a wanted record into a new record. */
static int read_block(pith_reader *r, warc_head *h, pith_record **out) {
  pith_record *rec = pith_record_new(r, h->id);
  if (!rec) return PITH_ENOMEM;
  size_t n = (size_t)h->clen, got = 0;
  rec->data = malloc(n + 1);
  if (!rec->data) {
    pith_record_free(rec);
    return PITH_ENOMEM;
  }
  int rc = pith_rd_exact(r, rec->data, n, &got);
  rec->data[got] = '\0';
  rec->len = got;
  rec->size = got;
  *out = rec;
  if (rc == 0) {
    pith_record_fail(rec, PITH_EFORMAT,
                     "WARC record %llu: truncated (%zu of %zu bytes)",
                     r->number, got, n);
    return 1;
  }
  if (rc == PITH_EFORMAT) {
    RESYNC(r) = 1;
    pith_record_fail(rec, PITH_EFORMAT, "WARC record %llu: %s", r->number,
                     r->damage);
    return 1;
  }
  if (rc < 0) {
    pith_record_free(rec);
    *out = NULL;
    return rc;
  }
  if (!http_document(r, rec, h)) {
    pith_record_free(rec);
    *out = NULL;
    return 0;
  }
  if (rec->status == PITH_OK) {
    if (h->uri && !(rec->url = strdup(h->uri))) return PITH_ENOMEM;
    if (h->date[0] && !(rec->date = strdup(h->date))) return PITH_ENOMEM;
    rec->in.url = rec->url;
    rec->in.date = rec->date;
  }
  return 1;
}

/* One WARC record: 1 with *out, 0 skipped (call again), 2 end, <0 fatal. */
static int warc_record(pith_reader *r, pith_record **out) {
  int rc = find_record(r, out);
  if (rc == 0) return 2;
  if (rc != 1) return rc == 2 ? 1 : rc;
  warc_head h;
  memset(&h, 0, sizeof h);
  h.clen = -1;
  rc = read_head(r, &h, out);
  if (rc != 1) {
    head_free(&h);
    if (rc == 3) RESYNC(r) = 0; /* the version line was put back */
    return rc >= 2 ? 1 : rc;
  }
  if (h.clen < 0) {
    rc = damage(r, out, PITH_EFORMAT, h.id, "missing or bad Content-Length");
  } else if (!wanted(&h) || (unsigned long long)h.clen > r->limit) {
    size_t got = 0;
    int sk = pith_rd_skip(r, (size_t)h.clen, &got);
    if ((unsigned long long)h.clen > r->limit && sk == 1)
      rc = damage(r, out, PITH_ELIMIT, h.id, "larger than the record limit; skipped");
    else if (sk == 0)
      rc = damage(r, out, PITH_EFORMAT, h.id, "truncated");
    else if (sk == PITH_EFORMAT)
      rc = damage(r, out, PITH_EFORMAT, h.id, r->damage);
    else
      rc = sk < 0 ? sk : 0;
    if (rc == 1 && sk == 1) RESYNC(r) = 0;
  } else {
    rc = read_block(r, &h, out);
  }
  head_free(&h);
  return rc;
}

int pith_warc_next(pith_reader *r, pith_record **out) {
  for (;;) {
    int rc = warc_record(r, out);
    if (rc == 2) return 0;
    if (rc != 0) return rc;
  }
}
