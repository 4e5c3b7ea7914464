/* Whole pipeline on HTML: byte 0 picks the option flags, byte 1 the
 * transport charset and whether the kind is forced or sniffed. */
#include "fuzz_common.h"

static const char *const charsets[] = {NULL, "utf-8", "windows-1251",
                                       "shift_jis", "utf-16le", "bogus"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > FUZZ_MAX_INPUT) return 0;
  pith_options *o = fuzz_options();
  pith_options_set_flags(o, fuzz_flags(data[0]));
  pith_input in = {0};
  in.bytes = (const char *)data + 2;
  in.len = size - 2;
  in.kind = (data[1] & 0x80) ? PITH_KIND_AUTO : PITH_KIND_HTML;
  in.charset = charsets[(data[1] & 0x7f) % (sizeof charsets / sizeof charsets[0])];
  in.url = (data[1] & 0x40) ? "https://example.org/a/b" : NULL;
  in.source = "fuzz";
  pith_result *r = pith_clean_input(o, &in);
  fuzz_check_result(r);
  pith_result_free(r);
  return 0;
}
