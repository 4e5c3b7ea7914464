/* Unit tests for the strict JSON reader (src/json.c). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

static pith_json *parse(const char *s, char *err, size_t errlen) {
  return pith_json_parse(s, strlen(s), 64, err, errlen);
}

static int rejects(const char *s) {
  char err[128];
  pith_json *v = parse(s, err, sizeof err);
  if (v) {
    pith_json_free(v);
    return 0;
  }
  return err[0] != '\0';
}

static void test_scalars(void) {
  char err[128];
  pith_json *v = parse("  true ", err, sizeof err);
  INT_EQ(pith_json_kind(v), PITH_JSON_TRUE, "true");
  pith_json_free(v);
  v = parse("-12.5e+3", err, sizeof err);
  INT_EQ(pith_json_kind(v), PITH_JSON_NUMBER, "number");
  size_t n;
  const char *raw = pith_json_raw(v, &n);
  OK(raw && n == 8 && memcmp(raw, "-12.5e+3", 8) == 0, "number raw span");
  pith_json_free(v);
  v = parse("\"a\\\"b\\\\c\\/\\n\\u00e9\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "a\"b\\c/\n\xC3\xA9", "escapes decoded");
  INT_EQ(n, 9, "decoded length");
  pith_json_free(v);
  v = parse("\"a\\u0000b\"", err, sizeof err);
  pith_json_str(v, &n);
  INT_EQ(n, 3, "\\u0000 kept, length counts it");
  pith_json_free(v);
}

static void test_strict(void) {
  OK(rejects(""), "empty input");
  OK(rejects("01"), "leading zero");
  OK(rejects("1."), "bare dot");
  OK(rejects(".5"), "leading dot");
  OK(rejects("+1"), "plus sign");
  OK(rejects("1e"), "empty exponent");
  OK(rejects("tru"), "truncated literal");
  OK(rejects("[1,]"), "trailing comma in array");
  OK(rejects("{\"a\":1,}"), "trailing comma in object");
  OK(rejects("{a:1}"), "unquoted key");
  OK(rejects("{\"a\" 1}"), "missing colon");
  OK(rejects("[1 2]"), "missing comma");
  OK(rejects("\"tab\there\""), "raw control char in string");
  OK(rejects("\"abc"), "unterminated string");
  OK(rejects("\"\\x\""), "invalid escape");
  OK(rejects("\"\\u12g4\""), "bad hex");
  OK(rejects("[1] x"), "trailing garbage");
  OK(rejects("{\"a\":1"), "unterminated object");
  OK(rejects("'a'"), "single quotes");
  OK(rejects("NaN"), "NaN");
}

static void test_error_position(void) {
  char err[128];
  pith_json *v = parse("{\"a\":1,\n \"b\" 2}", err, sizeof err);
  OK(v == NULL, "missing colon fails");
  STR_EQ(err, "line 2, byte 13: expected ':'", "message gives line and byte");
}

static void test_containers(void) {
  char err[128];
  const char *s = "{\"id\": 7, \"tags\": [\"x\", {\"k\": null}], \"id\": 8,"
                  " \"e\": {}, \"f\": []}";
  pith_json *v = parse(s, err, sizeof err);
  OK(v != NULL, "object parses (%s)", err);
  INT_EQ(pith_json_size(v), 5, "five members");
  size_t n;
  const char *raw = pith_json_raw(pith_json_get(v, "id"), &n);
  OK(n == 1 && raw[0] == '7', "first duplicate key wins");
  const pith_json *tags = pith_json_get(v, "tags");
  INT_EQ(pith_json_kind(tags), PITH_JSON_ARRAY, "tags is an array");
  INT_EQ(pith_json_size(tags), 2, "two tags");
  STR_EQ(pith_json_str(pith_json_at(tags, 0), NULL), "x", "tags[0]");
  const pith_json *inner = pith_json_at(tags, 1);
  INT_EQ(pith_json_kind(pith_json_get(inner, "k")), PITH_JSON_NULL, "nested null");
  raw = pith_json_raw(tags, &n);
  OK(n == 18 && memcmp(raw, "[\"x\", {\"k\": null}]", n) == 0,
     "raw span of an array is exact");
  STR_EQ(pith_json_key(v, 1, NULL), "tags", "key by index");
  INT_EQ(pith_json_size(pith_json_get(v, "e")), 0, "empty object");
  INT_EQ(pith_json_kind(pith_json_get(v, "f")), PITH_JSON_ARRAY, "empty array");
  OK(pith_json_get(v, "missing") == NULL, "absent key");
  OK(pith_json_get(tags, "x") == NULL, "get on array");
  OK(pith_json_str(tags, NULL) == NULL, "str on array");
  pith_json_free(v);
}

static void test_unicode(void) {
  char err[128];
  size_t n;
  pith_json *v = parse("\"\\ud83d\\ude00\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "\xF0\x9F\x98\x80", "surrogate pair");
  pith_json_free(v);
  v = parse("\"a\\ud83db\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "a\xEF\xBF\xBD" "b", "lone high surrogate");
  pith_json_free(v);
  v = parse("\"\\ude00\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "\xEF\xBF\xBD", "lone low surrogate");
  pith_json_free(v);
  v = parse("\"\\ud83d\\u0041\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "\xEF\xBF\xBD" "A", "high + non-low");
  pith_json_free(v);
  v = parse("\"caf\xC3\xA9 \xFF\xC3 ok\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD ok",
         "invalid UTF-8 becomes U+FFFD");
  pith_json_free(v);
  v = parse("\"\xED\xA0\x80\"", err, sizeof err);
  STR_EQ(pith_json_str(v, &n), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
         "encoded surrogate is invalid UTF-8");
  pith_json_free(v);
}

static void test_depth(void) {
  char err[128];
  size_t d = 100000;
  char *s = malloc(2 * d + 1);
  memset(s, '[', d);
  memset(s + d, ']', d);
  s[2 * d] = '\0';
  pith_json *v = pith_json_parse(s, 2 * d, 64, err, sizeof err);
  OK(v == NULL && strstr(err, "nesting"), "deep nesting refused: %s", err);
  v = pith_json_parse(s, 2 * d, 200000, err, sizeof err);
  OK(v != NULL, "deep nesting accepted with a high limit, no recursion");
  pith_json_free(v);
  free(s);
  v = pith_json_parse("[[1]]", 5, 2, err, sizeof err);
  OK(v != NULL, "depth 2 within limit 2");
  pith_json_free(v);
  v = pith_json_parse("[[[1]]]", 7, 2, err, sizeof err);
  OK(v == NULL, "depth 3 over limit 2");
}

/* A large array of strings: exercises arena chunking and pending growth. */
static void test_large(void) {
  char err[128];
  pith_buf b = PITH_BUF_INIT;
  size_t count = 50000;
  pith_buf_putc(&b, '[');
  for (size_t i = 0; i < count; i++)
    pith_buf_printf(&b, "%s{\"n\":%zu,\"s\":\"v%zu\\u00e9\"}", i ? "," : "", i, i);
  pith_buf_putc(&b, ']');
  pith_json *v = pith_json_parse(b.data, b.len, 8, err, sizeof err);
  OK(v != NULL, "large array parses");
  INT_EQ(pith_json_size(v), count, "all elements");
  STR_EQ(pith_json_str(pith_json_get(pith_json_at(v, 12345), "s"), NULL),
         "v12345\xC3\xA9", "element 12345");
  pith_json_free(v);
  /* A single huge string goes in its own arena block. */
  pith_buf_clear(&b);
  pith_buf_putc(&b, '"');
  for (size_t i = 0; i < 100000; i++) pith_buf_puts(&b, "abc\\n");
  pith_buf_putc(&b, '"');
  v = pith_json_parse(b.data, b.len, 8, err, sizeof err);
  size_t n = 0;
  pith_json_str(v, &n);
  INT_EQ(n, 400000, "huge string decoded");
  pith_json_free(v);
  pith_buf_free(&b);
}

static void test_escape_roundtrip(void) {
  pith_buf b = PITH_BUF_INIT;
  const char in[] = "q\"\\\n\x01 \xC3\xA9 \xFF";
  pith_json_escape(&b, in, sizeof in - 1);
  char err[128];
  pith_json *v = pith_json_parse(b.data, b.len, 4, err, sizeof err);
  STR_EQ(pith_json_str(v, NULL), "q\"\\\n\x01 \xC3\xA9 \xEF\xBF\xBD",
         "escape then parse");
  pith_json_free(v);
  pith_buf_free(&b);
}

int main(void) {
  test_scalars();
  test_strict();
  test_error_position();
  test_containers();
  test_unicode();
  test_depth();
  test_large();
  test_escape_roundtrip();
  return test_done();
}
