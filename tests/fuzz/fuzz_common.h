/* Shared helpers for the libFuzzer harnesses (tests/fuzz/README.md).
 * Harnesses are not library code: they may abort() to report a broken
 * invariant, which libFuzzer and the replay driver both treat as a crash. */
#ifndef PITH_FUZZ_COMMON_H
#define PITH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decode.h"
#include "json.h"
#include "pith.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Harness inputs are capped so one run explores breadth, not size; the
 * hostile-input test covers big documents. */
#define FUZZ_MAX_INPUT ((size_t)256 << 10)

#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                      \
      abort();                                                             \
    }                                                                      \
  } while (0)

/* One options object per process: building it parses the built-in rules,
 * which would dominate every run. Harnesses only change its flags. */
static inline pith_options *fuzz_options(void) {
  static pith_options *opts;
  if (!opts) opts = pith_options_new();
  FUZZ_CHECK(opts != NULL);
  return opts;
}

/* Flags from one input byte: every bit toggles one option. */
static inline unsigned fuzz_flags(uint8_t b) {
  unsigned f = PITH_OPTS_DEFAULT;
  if (b & 0x01) f &= ~PITH_OPT_STRIP;
  if (b & 0x02) f &= ~PITH_OPT_MOJIBAKE;
  if (b & 0x04) f &= ~PITH_OPT_ENTITIES;
  if (b & 0x08) f &= ~PITH_OPT_NFC;
  if (b & 0x10) f &= ~PITH_OPT_ASCII_QUOTES;
  if (b & 0x20) f &= ~PITH_OPT_SPACES;
  if (b & 0x40) f |= PITH_OPT_EXPLAIN;
  if (b & 0x80) f |= PITH_OPT_LINKS;
  return f;
}

/* Every rendering of a result must succeed and be well formed: text and
 * markdown valid UTF-8, JSON one parseable object. */
static inline void fuzz_check_result(const pith_result *r) {
  FUZZ_CHECK(r != NULL);
  size_t n;
  const char *t = pith_result_text(r, &n);
  FUZZ_CHECK(t != NULL && strlen(t) == n);
  FUZZ_CHECK(pith_utf8_valid(t, n));
  for (int f = 0; f < PITH_FIELD_COUNT_; f++) {
    const char *v = pith_result_field(r, (pith_field)f);
    if (v && !pith_utf8_valid(v, strlen(v)))
      fprintf(stderr, "field %s is not UTF-8: %.200s\n", pith_field_name((pith_field)f), v);
    if (v) FUZZ_CHECK(pith_utf8_valid(v, strlen(v)));
  }
  static const pith_format fmts[] = {PITH_FORMAT_TEXT, PITH_FORMAT_JSON,
                                     PITH_FORMAT_MARKDOWN};
  for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
    char *out = NULL;
    size_t len = 0;
    int rc = pith_render(r, fmts[i], &out, &len);
    FUZZ_CHECK(rc == PITH_OK || rc == PITH_ENOMEM);
    if (rc != PITH_OK) continue;
    FUZZ_CHECK(out != NULL && strlen(out) == len);
    FUZZ_CHECK(pith_utf8_valid(out, len));
    if (fmts[i] == PITH_FORMAT_JSON) {
      char err[128];
      pith_json *v = pith_json_parse(out, len, 64, err, sizeof err);
      if (!v) fprintf(stderr, "bad JSON output (%s): %.300s\n", err, out);
      FUZZ_CHECK(v != NULL && pith_json_kind(v) == PITH_JSON_OBJECT);
      pith_json_free(v);
    }
    pith_free(out);
  }
}

/* The input as a file descriptor, for the readers (memfd: no disk). */
static inline int fuzz_memfd(const uint8_t *data, size_t size) {
  int fd = memfd_create("fuzz", 0);
  FUZZ_CHECK(fd >= 0);
  size_t off = 0;
  while (off < size) {
    ssize_t w = write(fd, data + off, size - off);
    FUZZ_CHECK(w > 0);
    off += (size_t)w;
  }
  FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
  return fd;
}

/* Drains a reader: every record becomes exactly one result whose
 * rendering is valid; damaged records are error results, not crashes. */
static inline void fuzz_drain_reader(pith_reader *rd, const pith_options *o,
                                     int clean) {
  pith_record *rec;
  int rc;
  unsigned long long n = 0;
  while ((rc = pith_reader_next(rd, &rec)) == 1) {
    FUZZ_CHECK(rec != NULL);
    n++;
    FUZZ_CHECK(pith_record_source(rec) != NULL);
    int st = pith_record_status(rec);
    if (st != PITH_OK) FUZZ_CHECK(pith_record_error(rec) != NULL);
    if (clean || st != PITH_OK) {
      pith_result *res = pith_clean_record(o, rec);
      FUZZ_CHECK(res != NULL);
      FUZZ_CHECK((st == PITH_OK) || pith_result_status(res) != PITH_OK);
      char *out = NULL;
      size_t len = 0;
      if (pith_render_record(res, rec, PITH_FORMAT_JSON, &out, &len) == PITH_OK) {
        pith_json *v = pith_json_parse(out, len, 300, NULL, 0);
        if (!v) fprintf(stderr, "bad record JSON: %.300s\n", out);
        FUZZ_CHECK(v != NULL);
        pith_json_free(v);
        pith_free(out);
      }
      pith_result_free(res);
    }
    pith_record_free(rec);
    FUZZ_CHECK(n < 1000000);
  }
  FUZZ_CHECK(rc == 0);
}

#endif
