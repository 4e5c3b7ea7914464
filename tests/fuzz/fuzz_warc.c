/* WARC reader (and the gzip layer under every reader). Byte 0 picks the
 * reader kind, the record limit and whether records are cleaned. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > FUZZ_MAX_INPUT) return 0;
  int fd = fuzz_memfd(data + 1, size - 1);
  static const pith_reader_kind kinds[] = {PITH_READER_WARC, PITH_READER_AUTO,
                                           PITH_READER_WARC, PITH_READER_DOC};
  pith_reader *rd = pith_reader_new(fd, kinds[data[0] & 3], "fuzz.warc");
  FUZZ_CHECK(rd != NULL);
  if (data[0] & 4) pith_reader_set_limit(rd, 100);
  pith_options *o = fuzz_options();
  pith_options_set_flags(o, PITH_OPTS_DEFAULT);
  fuzz_drain_reader(rd, o, (data[0] & 8) != 0);
  pith_reader_free(rd);
  close(fd);
  return 0;
}
