/* Charset decoding and normalization: whatever the bytes and the charset
 * hints, the output is valid UTF-8, and normalizing is idempotent-safe
 * (normalizing the output again must not fail). */
#include "fuzz_common.h"

#include "normalize.h"

static const char *const labels[] = {
    NULL,        "utf-8",     "latin1",       "windows-1251", "shift_jis",
    "euc-jp",    "iso-2022-jp", "gb18030",    "big5",         "euc-kr",
    "utf-16le",  "utf-16be",  "x-user-defined", "koi8-r",     "bogus-charset",
    "replacement"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > FUZZ_MAX_INPUT) return 0;
  const char *s = (const char *)data + 2;
  size_t n = size - 2;
  unsigned flags = fuzz_flags(data[0]);
  size_t nl = sizeof labels / sizeof labels[0];
  pith_decode_opts o = {0};
  o.html = data[1] & 1;
  if (data[1] & 2) o.transport = labels[(data[1] >> 4) % nl];
  else if (data[1] & 4) o.forced = labels[(data[1] >> 4) % nl];

  pith_buf u = PITH_BUF_INIT;
  char cs[64];
  int rc = pith_decode(s, n, &o, &u, cs, sizeof cs);
  FUZZ_CHECK(rc == PITH_OK || rc == PITH_EENCODING);
  if (rc == PITH_OK) {
    FUZZ_CHECK(pith_utf8_valid(u.data ? u.data : "", u.len));
    FUZZ_CHECK(memchr(cs, '\0', sizeof cs) != NULL);
    pith_buf out = PITH_BUF_INIT, again = PITH_BUF_INIT;
    FUZZ_CHECK(pith_normalize(u.data ? u.data : "", u.len, flags, &out) == PITH_OK);
    FUZZ_CHECK(pith_utf8_valid(out.data ? out.data : "", out.len));
    FUZZ_CHECK(pith_normalize(out.data ? out.data : "", out.len, flags, &again) ==
               PITH_OK);
    FUZZ_CHECK(pith_utf8_valid(again.data ? again.data : "", again.len));
    pith_buf_clear(&out);
    FUZZ_CHECK(pith_normalize_inline(u.data ? u.data : "", u.len, flags,
                                     data[1] & 8, &out) == PITH_OK);
    FUZZ_CHECK(pith_utf8_valid(out.data ? out.data : "", out.len));
    if (!(data[1] & 8)) FUZZ_CHECK(!out.len || !memchr(out.data, '\n', out.len));
    pith_buf_free(&out);
    pith_buf_free(&again);
  }
  pith_buf_free(&u);

  /* Sanitizing raw bytes: valid output, and valid input passes unchanged. */
  pith_buf z = PITH_BUF_INIT;
  size_t bad = pith_utf8_sanitize(s, n, &z);
  FUZZ_CHECK(pith_utf8_valid(z.data ? z.data : "", z.len));
  if (pith_utf8_valid(s, n)) FUZZ_CHECK(bad == 0 && z.len == n && !memcmp(z.data ? z.data : "", s, n));
  pith_buf_free(&z);
  return 0;
}
