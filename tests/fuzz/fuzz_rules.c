/* Filter rules: the input up to the first 0x00 byte is rule text, the
 * lines after it are block texts matched against the parsed set. */
#include "fuzz_common.h"

#include "rules.h"

static size_t utf8_chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

static void match_line(const pith_rules *r, const char *s, size_t n,
                       pith_buf *scratch) {
  pith_rule_hit hit;
  memset(&hit, 0, sizeof hit);
  if (pith_rules_match(r, s, n, utf8_chars(s, n), scratch, &hit)) {
    FUZZ_CHECK(hit.where != NULL);
    if (hit.value) {
      FUZZ_CHECK(hit.value_len <= n);
      FUZZ_CHECK(hit.value >= s && hit.value + hit.value_len <= s + n);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 64 * 1024) return 0;
  const char *s = (const char *)data;
  const char *sep = memchr(s, '\0', size);
  size_t rlen = sep ? (size_t)(sep - s) : size;
  pith_rules *r = pith_rules_new();
  FUZZ_CHECK(r != NULL);
  char err[200];
  err[0] = '\0';
  int rc = pith_rules_parse(r, "fuzz.rules", s, rlen, err, sizeof err);
  FUZZ_CHECK(rc == PITH_OK || rc == PITH_ERULES || rc == PITH_ENOMEM);
  if (rc == PITH_ERULES) FUZZ_CHECK(strncmp(err, "fuzz.rules:", 11) == 0);
  if (rc == PITH_OK) {
    pith_buf scratch = PITH_BUF_INIT;
    /* Block texts are valid UTF-8 by the time they are matched. */
    pith_buf text = PITH_BUF_INIT;
    const char *t = sep ? sep + 1 : s;
    size_t tl = sep ? size - rlen - 1 : size;
    pith_utf8_sanitize(t, tl, &text);
    const char *p = text.data ? text.data : "", *e = p + text.len;
    while (p <= e) {
      const char *nl = memchr(p, '\n', (size_t)(e - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
      match_line(r, p, n, &scratch);
      if (!nl) break;
      p = nl + 1;
    }
    static const char *const fixed[] = {"Loading...", "Share this article",
                                        "By Jane Doe, staff writer", ""};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
      match_line(r, fixed[i], strlen(fixed[i]), &scratch);
    pith_buf_free(&text);
    pith_buf_free(&scratch);
  }
  pith_rules_free(r);
  return 0;
}
