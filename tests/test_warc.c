/* Unit tests for the WARC reader (src/warc.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pith.h"
#include "reader_util.h"


/* Appends one WARC record; `clen_delta` falsifies Content-Length. */
static void record(pith_buf *o, const char *version, const char *type,
                   const char *id, const char *uri, const char *ctype,
                   const char *block, long clen_delta) {
  size_t n = strlen(block);
  pith_buf_printf(o, "%s\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                     "WARC-Date: 2024-03-0%dT10:00:00Z\r\n",
                  version, type, id, (int)(strlen(id) % 9) + 1);
  if (uri) pith_buf_printf(o, "WARC-Target-URI: %s\r\n", uri);
  if (ctype) pith_buf_printf(o, "Content-Type: %s\r\n", ctype);
  pith_buf_printf(o, "Content-Length: %ld\r\n\r\n", (long)n + clen_delta);
  pith_buf_puts(o, block);
  pith_buf_puts(o, "\r\n\r\n");
}

#define HTTP_CT "application/http; msgtype=response"

static const char page1[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n"
    "Server: x\r\n\r\n<html><p>Caf\xe9 one.</p></html>";
static const char chunked[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    "Transfer-Encoding: chunked\r\n\r\n"
    "6\r\n<p>Two\r\nb;ext=1\r\n chunks.</p\r\n1\r\n>\r\n0\r\n\r\n";
static const char notfound[] =
    "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>gone</p>";
static const char image[] =
    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG....";
static const char plain[] =
    "HTTP/1.0 200 OK\nContent-Type: text/plain\n\nJust text.";

/* warcinfo, request, 3 good responses, 2 skipped responses, metadata. */
static void build(pith_buf *o, int gzip_each) {
  pith_buf one = PITH_BUF_INIT;
  struct {
    const char *type, *id, *uri, *ctype, *block;
  } recs[] = {
      {"warcinfo", "0", NULL, "application/warc-fields", "software: test\r\n"},
      {"request", "1", "http://a.test/", "application/http; msgtype=request",
       "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n"},
      {"response", "2", "http://a.test/", HTTP_CT, page1},
      {"metadata", "3", "http://a.test/", "application/warc-fields", "x: y\r\n"},
      {"response", "4", "<http://b.test/c>", HTTP_CT, chunked},
      {"response", "5", "http://c.test/", HTTP_CT, notfound},
      {"response", "6", "http://d.test/i.png", HTTP_CT, image},
      {"response", "7", "http://e.test/t", HTTP_CT, plain},
  };
  for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
    pith_buf_clear(&one);
    record(&one, i % 2 ? "WARC/1.1" : "WARC/1.0", recs[i].type, recs[i].id,
           recs[i].uri, recs[i].ctype, recs[i].block, 0);
    if (gzip_each) gz_member(o, one.data, one.len);
    else pith_buf_put(o, one.data, one.len);
  }
  pith_buf_free(&one);
}

static void check_good(batch *b, const char *what) {
  INT_EQ(b->kind, PITH_READER_WARC, "%s: sniffed as WARC", what);
  INT_EQ(b->n, 3, "%s: three documents", what);
  INT_EQ(b->end_rc, 0, "%s: clean end", what);
  if (b->n != 3) return;
  const pith_input *in = pith_record_input(b->rec[0]);
  INT_EQ(pith_record_status(b->rec[0]), PITH_OK, "%s: ok", what);
  STR_EQ(in->bytes, "<html><p>Caf\xe9 one.</p></html>", "%s: body", what);
  STR_EQ(in->charset, "ISO-8859-1", "%s: charset from HTTP", what);
  STR_EQ(in->url, "http://a.test/", "%s: url", what);
  STR_EQ(in->date, "2024-03-02T10:00:00Z", "%s: date", what);
  STR_EQ(in->source, "urn:uuid:2", "%s: record id as source", what);
  INT_EQ(in->kind, PITH_KIND_HTML, "%s: html kind", what);
  in = pith_record_input(b->rec[1]);
  STR_EQ(in->bytes, "<p>Two chunks.</p>", "%s: chunked body decoded", what);
  STR_EQ(in->url, "http://b.test/c", "%s: brackets dropped from URI", what);
  OK(in->charset == NULL, "%s: no charset", what);
  in = pith_record_input(b->rec[2]);
  STR_EQ(in->bytes, "Just text.", "%s: LF-only HTTP headers", what);
  INT_EQ(in->kind, PITH_KIND_TEXT, "%s: text/plain kind", what);
}

static void test_plain_and_gzip(void) {
  pith_buf o = PITH_BUF_INIT;
  build(&o, 0);
  batch b = read_records(o.data, o.len, PITH_READER_AUTO, "crawl.warc", NULL, 0);
  check_good(&b, "plain");
  batch_free(&b);
  pith_buf_clear(&o);
  build(&o, 1);
  b = read_records(o.data, o.len, PITH_READER_AUTO, "crawl.warc", NULL, 0);
  check_good(&b, "per-record gzip");
  batch_free(&b);
  pith_buf_free(&o);
}

static void test_damage(void) {
  pith_buf o = PITH_BUF_INIT;
  record(&o, "WARC/1.0", "response", "a", "http://a/", HTTP_CT, page1, 0);
  pith_buf_puts(&o, "garbage line\r\nmore garbage\r\n");
  record(&o, "WARC/1.0", "response", "b", "http://b/", HTTP_CT, plain, 0);
  /* Content-Length too large: swallows the start of the next record. */
  record(&o, "WARC/1.0", "response", "c", "http://c/", HTTP_CT, plain, 40);
  record(&o, "WARC/1.0", "response", "d", "http://d/", HTTP_CT, plain, 0);
  /* No Content-Length at all. */
  pith_buf_puts(&o, "WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
  record(&o, "WARC/1.1", "response", "e", "http://e/", HTTP_CT, plain, 0);
  /* Truncated at the end. */
  record(&o, "WARC/1.0", "response", "f", "http://f/", HTTP_CT, page1, 0);
  o.len -= 20;
  batch b = read_records(o.data, o.len, PITH_READER_AUTO, "crawl.warc", NULL, 0);
  /* a, garbage error, b, c (swallowed d's start, parsed as its own
   * response), d-resync..., missing-length error, e, truncated f. */
  OK(b.n >= 6, "records: %d", b.n);
  int ok = 0, bad = 0, truncated = 0, garbage = 0, nolen = 0;
  for (int i = 0; i < b.n; i++) {
    if (pith_record_status(b.rec[i]) == PITH_OK) {
      ok++;
      continue;
    }
    bad++;
    const char *e = pith_record_error(b.rec[i]);
    truncated += strstr(e, "truncated") != NULL;
    garbage += strstr(e, "expected a \"WARC/1.x\" line") != NULL;
    nolen += strstr(e, "Content-Length") != NULL;
  }
  STR_EQ(pith_record_source(b.rec[0]), "urn:uuid:a", "first record fine");
  OK(ok >= 3, "good records survive damage (%d)", ok);
  INT_EQ(truncated, 1, "truncated last record reported");
  OK(garbage >= 1, "garbage reported");
  INT_EQ(nolen, 1, "missing Content-Length reported");
  int saw_e = 0;
  for (int i = 0; i < b.n; i++)
    saw_e += strcmp(pith_record_source(b.rec[i]), "urn:uuid:e") == 0 &&
             pith_record_status(b.rec[i]) == PITH_OK;
  INT_EQ(saw_e, 1, "record after a missing Content-Length is read");
  INT_EQ(b.end_rc, 0, "reader ends cleanly");
  (void)bad;
  batch_free(&b);

  /* A corrupt gzip member in a per-record gzip WARC. */
  pith_buf z = PITH_BUF_INIT, one = PITH_BUF_INIT;
  const char *ids[] = {"p", "q", "r"};
  for (int i = 0; i < 3; i++) {
    pith_buf_clear(&one);
    record(&one, "WARC/1.0", "response", ids[i], "http://x/", HTTP_CT, page1, 0);
    size_t start = z.len;
    gz_member(&z, one.data, one.len);
    if (i == 1)
      for (size_t k = start + 20; k < z.len - 2; k += 5) z.data[k] ^= 0x33;
  }
  b = read_records(z.data, z.len, PITH_READER_AUTO, "crawl.warc", NULL, 0);
  int good = 0, errs = 0;
  for (int i = 0; i < b.n; i++) {
    if (pith_record_status(b.rec[i]) == PITH_OK) good++;
    else errs++;
  }
  INT_EQ(good, 2, "members before and after the corrupt one");
  OK(errs >= 1, "corrupt member gives an error record (%d)", errs);
  if (b.n) STR_EQ(pith_record_source(b.rec[b.n - 1]), "urn:uuid:r", "last is r");
  batch_free(&b);
  pith_buf_free(&z);
  pith_buf_free(&one);
  pith_buf_free(&o);
}

static void test_content_encoding(void) {
  pith_buf body = PITH_BUF_INIT, http = PITH_BUF_INIT, o = PITH_BUF_INIT;
  gz_member(&body, "<p>gzipped page</p>", 19);
  pith_buf_printf(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         "Content-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
                  body.len);
  pith_buf_put(&http, body.data, body.len);
  pith_buf_printf(&o, "WARC/1.0\r\nWARC-Type: response\r\nContent-Type: %s\r\n"
                      "Content-Length: %zu\r\n\r\n",
                  HTTP_CT, http.len);
  pith_buf_put(&o, http.data, http.len);
  pith_buf_puts(&o, "\r\n\r\n");
  batch b = read_records(o.data, o.len, PITH_READER_AUTO, "crawl.warc", NULL, 0);
  INT_EQ(b.n, 1, "one record");
  if (b.n == 1)
    STR_EQ(pith_record_input(b.rec[0])->bytes, "<p>gzipped page</p>",
           "Content-Encoding: gzip undone");
  batch_free(&b);
  pith_buf_free(&body);
  pith_buf_free(&http);
  pith_buf_free(&o);
}

int main(void) {
  test_plain_and_gzip();
  test_damage();
  test_content_encoding();
  return test_done();
}
