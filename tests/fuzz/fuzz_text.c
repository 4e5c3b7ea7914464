/* Whole pipeline on plain text: byte 0 picks the option flags, byte 1
 * the charset handling (sniffed, forced, transport) and the date facts. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > FUZZ_MAX_INPUT) return 0;
  pith_options *o = fuzz_options();
  pith_options_set_flags(o, fuzz_flags(data[0]));
  pith_input in = {0};
  in.bytes = (const char *)data + 2;
  in.len = size - 2;
  in.kind = (data[1] & 1) ? PITH_KIND_AUTO : PITH_KIND_TEXT;
  in.charset = (data[1] & 2) ? "windows-1252" : NULL;
  in.date = (data[1] & 4) ? "2024-02-29" : NULL;
  in.source = "fuzz";
  if (data[1] & 8) pith_options_set_reference_date(o, "2023-12-31");
  pith_result *r = pith_clean_input(o, &in);
  pith_options_set_reference_date(o, NULL);
  fuzz_check_result(r);
  pith_result_free(r);
  return 0;
}
