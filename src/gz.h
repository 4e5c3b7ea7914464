/* Transparent gzip decompression over a file descriptor, streaming.
 *
 * The first two bytes decide: 1f 8b is gzip (any number of members, as
 * written by per-record WARC compression or `cat a.gz b.gz`), anything else
 * passes through unchanged. Corrupt data is reported once and the stream
 * resynchronises at the next gzip member header, so a reader can turn the
 * damage into one error record and carry on. */
#ifndef PITH_GZ_H
#define PITH_GZ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct pith_gz pith_gz;

/* fd is borrowed: the caller closes it after pith_gz_free(). NULL on
 * allocation failure. */
pith_gz *pith_gz_new(int fd);
void pith_gz_free(pith_gz *g);

/* Reads up to n decompressed bytes into buf. Returns the count (> 0), 0 at
 * the end of input, PITH_EFORMAT for corrupt or truncated gzip data (see
 * pith_gz_error; reading may go on, it resumes at the next member or ends),
 * PITH_EIO when read(2) fails, PITH_ENOMEM. */
long pith_gz_read(pith_gz *g, char *buf, size_t n);

/* Message for the last PITH_EFORMAT/PITH_EIO ("truncated gzip data"). */
const char *pith_gz_error(const pith_gz *g);
/* 1 once the input has been recognised as gzip. */
int pith_gz_compressed(const pith_gz *g);
/* Raw bytes consumed from the file descriptor so far (for progress). */
uint64_t pith_gz_bytes_in(const pith_gz *g);

/* Inflates a whole gzip or zlib/deflate buffer (HTTP Content-Encoding) into
 * out, at most `limit` bytes. PITH_OK, PITH_EFORMAT or PITH_ELIMIT. */
int pith_gz_inflate_mem(const char *in, size_t len, int gzip, size_t limit,
                        pith_buf *out);

#endif
