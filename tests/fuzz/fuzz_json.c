/* JSON parser and the JSONL reader. Byte 0: bit 0 sends the rest through
 * the JSONL reader (records cleaned and rendered), otherwise it is parsed
 * as one JSON value whose tree is walked and re-escaped. */
#include "fuzz_common.h"

static void walk(const pith_json *v, int depth) {
  FUZZ_CHECK(depth <= 40);
  size_t n;
  const char *raw = pith_json_raw(v, &n);
  FUZZ_CHECK(raw != NULL);
  switch (pith_json_kind(v)) {
  case PITH_JSON_STRING: {
    const char *s = pith_json_str(v, &n);
    FUZZ_CHECK(s != NULL && s[n] == '\0' && pith_utf8_valid(s, n));
    /* Escaping a decoded string and parsing it back gives it back. */
    pith_buf b = PITH_BUF_INIT;
    pith_json_escape(&b, s, n);
    pith_json *back = pith_json_parse(b.data, b.len, 4, NULL, 0);
    FUZZ_CHECK(back != NULL);
    size_t m;
    const char *t = pith_json_str(back, &m);
    FUZZ_CHECK(t != NULL && m == n && memcmp(s, t, n) == 0);
    pith_json_free(back);
    pith_buf_free(&b);
    break;
  }
  case PITH_JSON_OBJECT:
    for (size_t i = 0; i < pith_json_size(v); i++) {
      const char *k = pith_json_key(v, i, &n);
      FUZZ_CHECK(k != NULL && pith_utf8_valid(k, n));
      if (strlen(k) == n) FUZZ_CHECK(pith_json_get(v, k) != NULL);
      walk(pith_json_at(v, i), depth + 1);
    }
    break;
  case PITH_JSON_ARRAY:
    for (size_t i = 0; i < pith_json_size(v); i++) walk(pith_json_at(v, i), depth + 1);
    break;
  default: FUZZ_CHECK(pith_json_str(v, &n) == NULL); break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > FUZZ_MAX_INPUT) return 0;
  const char *s = (const char *)data + 1;
  size_t n = size - 1;
  if (data[0] & 1) {
    int fd = fuzz_memfd(data + 1, n);
    pith_reader *rd = pith_reader_new(fd, (data[0] & 2) ? PITH_READER_AUTO
                                                        : PITH_READER_JSONL,
                                      (data[0] & 4) ? NULL : "fuzz.jsonl");
    FUZZ_CHECK(rd != NULL);
    if (data[0] & 8) pith_reader_set_field(rd, "body");
    if (data[0] & 16) pith_reader_set_limit(rd, 64);
    pith_options *o = fuzz_options();
    pith_options_set_flags(o, PITH_OPTS_DEFAULT);
    fuzz_drain_reader(rd, o, !(data[0] & 32));
    pith_reader_free(rd);
    close(fd);
    return 0;
  }
  char err[160];
  pith_json *v = pith_json_parse(s, n, 40, err, sizeof err);
  if (v) {
    walk(v, 0);
    pith_json_free(v);
  } else {
    FUZZ_CHECK(strlen(err) > 0);
  }
  return 0;
}
