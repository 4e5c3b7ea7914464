/* Unit tests for the JSONL reader and the pass-through JSON writer. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "json.h"
#include "pith.h"
#include "reader_util.h"


static const char sample[] =
    "{\"id\":\"a1\",\"url\":\"https://ex.test/a\",\"html\":\"<p>Hello there.</p>\","
    "\"meta\":{\"lang\":[\"en\",1.50]}}\n"
    "{\"id\":7,\"text\":\"Plain text body.\"}\r\n"
    "\n"
    "{\"id\":\"bad\", \"html\": }\n"
    "{\"id\":\"nofield\",\"body\":\"x\"}\n"
    "{\"id\":\"num\",\"html\":42}\n"
    "[1,2]\n"
    "   \t\n"
    "{\"html\":null,\"content\":\"fallback\"}";

static void test_records(void) {
  batch b = read_records(sample, sizeof sample - 1, PITH_READER_AUTO, "in.jsonl", NULL, 0);
  INT_EQ(b.kind, PITH_READER_JSONL, "sniffed as JSONL");
  INT_EQ(b.end_rc, 0, "clean end");
  INT_EQ(b.n, 7, "one record per non-blank line");
  if (b.n != 7) return;
  pith_record **r = b.rec;
  INT_EQ(pith_record_status(r[0]), PITH_OK, "record 1 ok");
  const pith_input *in = pith_record_input(r[0]);
  OK(in->len == 19 && memcmp(in->bytes, "<p>Hello there.</p>", 19) == 0,
     "html field is the document");
  STR_EQ(in->url, "https://ex.test/a", "url fact");
  STR_EQ(pith_record_source(r[0]), "a1", "id is the source");
  INT_EQ(pith_record_number(r[0]), 1, "line number 1");
  STR_EQ(pith_record_source(r[1]), "7", "numeric id is the source");
  STR_EQ(pith_record_input(r[1])->bytes, "Plain text body.", "text field");
  INT_EQ(pith_record_number(r[2]), 4, "blank line still counted");
  INT_EQ(pith_record_status(r[2]), PITH_EFORMAT, "invalid JSON is an error");
  OK(strstr(pith_record_error(r[2]), "line 4: invalid JSON") != NULL,
     "message names the line: %s", pith_record_error(r[2]));
  STR_EQ(pith_record_source(r[2]), "in.jsonl:4", "source FILE:LINE");
  STR_EQ(pith_record_error(r[3]),
         "line 5: none of the fields html, raw_content, content, text (use "
         "--field NAME)",
         "missing field");
  STR_EQ(pith_record_error(r[4]), "line 6: field \"html\" is a number, not a string",
         "non-string field");
  STR_EQ(pith_record_error(r[5]), "line 7: not a JSON object", "array line");
  STR_EQ(pith_record_input(r[6])->bytes, "fallback", "null html skipped for content");
  INT_EQ(pith_record_number(r[6]), 9, "last line without newline");
  batch_free(&b);
}

static void test_field_option(void) {
  batch b = read_records(sample, sizeof sample - 1, PITH_READER_JSONL, "in.jsonl", "body", 0);
  INT_EQ(b.n, 7, "same count with --field");
  if (b.n != 7) return;
  STR_EQ(pith_record_input(b.rec[3])->bytes, "x", "--field body");
  STR_EQ(pith_record_error(b.rec[0]), "line 1: no field \"body\"", "absent --field");
  batch_free(&b);
}

static void test_merge(void) {
  batch b = read_records(sample, sizeof sample - 1, PITH_READER_JSONL, "in.jsonl", NULL, 0);
  pith_options *o = pith_options_new();
  if (b.n != 7 || !o) {
    OK(0, "setup");
    return;
  }
  char *out = NULL;
  size_t len = 0;
  pith_result *res = pith_clean_record(o, b.rec[0]);
  INT_EQ(pith_render_record(res, b.rec[0], PITH_FORMAT_JSON, &out, &len), PITH_OK,
         "render merged");
  char err[128];
  pith_json *v = pith_json_parse(out, len, 16, err, sizeof err);
  OK(v != NULL, "merged output is JSON: %s", err);
  STR_EQ(pith_json_key(v, 0, NULL), "id", "original fields come first");
  size_t n;
  const char *raw = pith_json_raw(pith_json_get(v, "meta"), &n);
  OK(raw && n == 20 && memcmp(raw, "{\"lang\":[\"en\",1.50]}", 20) == 0,
     "pass-through value is byte-identical");
  OK(pith_json_get(v, "html") == NULL, "document field dropped");
  OK(pith_json_get(v, "text") != NULL, "pith text present");
  OK(pith_json_get(v, "words") != NULL, "pith words present");
  STR_EQ(pith_json_str(pith_json_get(v, "source"), NULL), "a1", "source is the id");
  STR_EQ(pith_json_str(pith_json_get(v, "url"), NULL), "https://ex.test/a",
         "url kept");
  size_t urls = 0;
  for (size_t i = 0; i < pith_json_size(v); i++)
    urls += strcmp(pith_json_key(v, i, NULL), "url") == 0;
  INT_EQ(urls, 1, "url appears once (pith's replaces the original)");
  pith_json_free(v);
  pith_free(out);
  pith_result_free(res);

  res = pith_clean_record(o, b.rec[2]);
  INT_EQ(pith_result_status(res), PITH_EFORMAT, "error result for invalid JSON");
  pith_render_record(res, b.rec[2], PITH_FORMAT_JSON, &out, &len);
  v = pith_json_parse(out, len, 16, err, sizeof err);
  OK(v && strstr(pith_json_str(pith_json_get(v, "error"), NULL), "line 4"),
     "error record carries the message");
  STR_EQ(pith_json_str(pith_json_get(v, "source"), NULL), "in.jsonl:4",
         "error record carries file:line");
  pith_json_free(v);
  pith_free(out);
  pith_result_free(res);

  res = pith_clean_record(o, b.rec[4]);
  pith_render_record(res, b.rec[4], PITH_FORMAT_JSON, &out, &len);
  v = pith_json_parse(out, len, 16, err, sizeof err);
  STR_EQ(pith_json_str(pith_json_get(v, "id"), NULL), "num",
         "error record keeps the original id");
  OK(pith_json_get(v, "error") != NULL, "and has error");
  pith_json_free(v);
  pith_free(out);
  pith_result_free(res);

  /* The public merge helper on its own. */
  res = pith_result_new_error(PITH_EFORMAT, "s", "m");
  const char orig[] = "{\"keep\" : [1, 2], \"doc\":\"x\", \"error\":\"old\"}";
  pith_render_json_merge(res, orig, sizeof orig - 1, "doc", &out, &len);
  v = pith_json_parse(out, len, 16, err, sizeof err);
  raw = pith_json_raw(pith_json_get(v, "keep"), &n);
  OK(raw && n == 6 && memcmp(raw, "[1, 2]", 6) == 0, "merge keeps spacing");
  STR_EQ(pith_json_str(pith_json_get(v, "error"), NULL), "m", "pith's error wins");
  OK(pith_json_get(v, "doc") == NULL, "drop field");
  pith_json_free(v);
  pith_free(out);
  pith_result_free(res);

  pith_options_free(o);
  batch_free(&b);
}

static void test_long_lines(void) {
  pith_buf in = PITH_BUF_INIT;
  pith_buf_puts(&in, "{\"text\":\"short\"}\n{\"text\":\"");
  for (int i = 0; i < 5000; i++) pith_buf_putc(&in, 'x');
  pith_buf_puts(&in, "\"}\n{\"text\":\"after\"}\n");
  batch b = read_records(in.data, in.len, PITH_READER_JSONL, "in.jsonl", NULL, 1000);
  INT_EQ(b.n, 3, "over-long line is one record");
  if (b.n == 3) {
    INT_EQ(pith_record_status(b.rec[1]), PITH_ELIMIT, "ELIMIT");
    OK(strstr(pith_record_error(b.rec[1]), "line 2: line longer") != NULL,
       "limit message: %s", pith_record_error(b.rec[1]));
    STR_EQ(pith_record_input(b.rec[2])->bytes, "after", "reader goes on");
  }
  batch_free(&b);
  /* A line bigger than the initial buffer is read whole (no limit hit). */
  pith_buf_clear(&in);
  pith_buf_puts(&in, "{\"text\":\"");
  size_t big = 3u << 20;
  for (size_t i = 0; i < big; i++) pith_buf_putc(&in, (char)('a' + i % 26));
  pith_buf_puts(&in, "\"}\n{\"text\":\"next\"}\n");
  b = read_records(in.data, in.len, PITH_READER_JSONL, "in.jsonl", NULL, 0);
  INT_EQ(b.n, 2, "3 MB line");
  if (b.n == 2) {
    INT_EQ(pith_record_input(b.rec[0])->len, big, "3 MB document intact");
    STR_EQ(pith_record_input(b.rec[1])->bytes, "next", "following line");
  }
  batch_free(&b);
  pith_buf_free(&in);
}

static void test_gzip_jsonl(void) {
  pith_buf z = PITH_BUF_INIT;
  const char *a = "{\"text\":\"one\"}\n{\"text\":\"two\"}\n";
  const char *c = "{\"text\":\"three\"}\n{\"text\":\"four\"}\n";
  gz_member(&z, a, strlen(a));
  gz_member(&z, c, strlen(c));
  batch b = read_records(z.data, z.len, PITH_READER_AUTO, "in.jsonl", NULL, 0);
  INT_EQ(b.kind, PITH_READER_JSONL, "gzip JSONL sniffed");
  INT_EQ(b.n, 4, "two members, four records");
  if (b.n == 4) STR_EQ(pith_record_input(b.rec[3])->bytes, "four", "last record");
  batch_free(&b);
  /* Truncated: the lost tail is one error record. */
  b = read_records(z.data, z.len - 15, PITH_READER_AUTO, "in.jsonl", NULL, 0);
  OK(b.n >= 3, "records before the cut survive (%d)", b.n);
  if (b.n >= 3) {
    INT_EQ(pith_record_status(b.rec[b.n - 1]), PITH_EFORMAT, "last is an error");
    OK(strstr(pith_record_error(b.rec[b.n - 1]), "truncated gzip") != NULL,
       "truncation message: %s", pith_record_error(b.rec[b.n - 1]));
  }
  batch_free(&b);
  pith_buf_free(&z);
}

static void test_doc_reader(void) {
  const char html[] = "<html><body><p>One page.</p></body></html>";
  batch b = read_records(html, sizeof html - 1, PITH_READER_AUTO, "in.jsonl", NULL, 0);
  INT_EQ(b.kind, PITH_READER_DOC, "HTML sniffed as a document");
  INT_EQ(b.n, 1, "one document");
  if (b.n == 1) {
    STR_EQ(pith_record_input(b.rec[0])->bytes, html, "whole file");
    STR_EQ(pith_record_source(b.rec[0]), "in.jsonl", "source is the name");
  }
  batch_free(&b);
  /* Bigger than the initial window: the grown buffer is handed over. */
  size_t bn = 3u << 20;
  char *big = malloc(bn);
  memcpy(big, "<html>", 6);
  for (size_t i = 6; i < bn; i++) big[i] = (char)('a' + i % 23);
  b = read_records(big, bn, PITH_READER_AUTO, "in.jsonl", NULL, 0);
  INT_EQ(b.n, 1, "3 MB document");
  if (b.n == 1) {
    const pith_input *in = pith_record_input(b.rec[0]);
    OK(in->len == bn && memcmp(in->bytes, big, bn) == 0, "3 MB document intact");
  }
  batch_free(&b);
  free(big);
  b = read_records("", 0, PITH_READER_AUTO, "in.jsonl", NULL, 0);
  INT_EQ(b.n, 1, "empty file is one (empty) document");
  batch_free(&b);
  b = read_records(html, sizeof html - 1, PITH_READER_DOC, "in.jsonl", NULL, 10);
  INT_EQ(b.n, 1, "over-limit document");
  if (b.n == 1) INT_EQ(pith_record_status(b.rec[0]), PITH_ELIMIT, "is an error");
  batch_free(&b);
}

int main(void) {
  test_records();
  test_field_option();
  test_merge();
  test_long_lines();
  test_gzip_jsonl();
  test_doc_reader();
  return test_done();
}
