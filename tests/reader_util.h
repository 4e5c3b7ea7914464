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

#endif
