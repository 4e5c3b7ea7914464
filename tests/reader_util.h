/* Helpers for the reader tests: temp files as descriptors, gzip members. */
#ifndef PITH_TEST_READER_UTIL_H
#define PITH_TEST_READER_UTIL_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"

/* A descriptor reading `n` bytes of data; closed by close_fd. */
static int data_fd(const void *data, size_t n) {
  FILE *f = tmpfile();
  if (!f) return -1;
  if (n) fwrite(data, 1, n, f);
  fflush(f);
  int fd = dup(fileno(f));
  fclose(f);
  lseek(fd, 0, SEEK_SET);
  return fd;
}

/* Appends one complete gzip member holding data[0..n). */
static void gz_member(pith_buf *out, const void *data, size_t n) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  size_t bound = deflateBound(&zs, (uLong)n) + 32;
  pith_buf_reserve(out, bound);
  zs.next_in = (unsigned char *)(size_t)data;
  zs.avail_in = (uInt)n;
  zs.next_out = (unsigned char *)out->data + out->len;
  zs.avail_out = (uInt)bound;
  deflate(&zs, Z_FINISH);
  out->len += bound - zs.avail_out;
  deflateEnd(&zs);
}


#include "pith.h"

#define MAXREC 64

/* Every record of one input, for assertions. */
typedef struct {
  int n;
  pith_record *rec[MAXREC];
  int end_rc;
  pith_reader_kind kind;
} batch;

static inline batch read_records(const void *data, size_t n,
                                 pith_reader_kind kind, const char *name,
                                 const char *field, size_t limit) {
  batch b;
  memset(&b, 0, sizeof b);
  int fd = data_fd(data, n);
  pith_reader *r = pith_reader_new(fd, kind, name);
  if (field) pith_reader_set_field(r, field);
  if (limit) pith_reader_set_limit(r, limit);
  pith_record *rec;
  int rc;
  while ((rc = pith_reader_next(r, &rec)) == 1 && b.n < MAXREC) b.rec[b.n++] = rec;
  b.end_rc = rc;
  b.kind = pith_reader_kind_of(r);
  pith_reader_free(r);
  close(fd);
  return b;
}

static inline void batch_free(batch *b) {
  for (int i = 0; i < b->n; i++) pith_record_free(b->rec[i]);
}

#endif
