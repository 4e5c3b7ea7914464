#include "gz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pith.h"

#define GZ_INBUF (128 * 1024)

enum { MODE_UNKNOWN, MODE_PLAIN, MODE_GZIP };

struct pith_gz {
  int fd;
  int mode;
  int eof;       /* read(2) returned 0 */
  int done;      /* after truncation: nothing more to give */
  int in_member; /* inside a gzip member (inflate state live) */
  int resync;    /* looking for the next member header after damage */
  int zinit;
  uint64_t bytes_in;
  z_stream zs;
  char err[160];
  unsigned char in[GZ_INBUF];
};

pith_gz *pith_gz_new(int fd) {
  pith_gz *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->fd = fd;
  g->zs.next_in = g->in;
  return g;
}

void pith_gz_free(pith_gz *g) {
  if (!g) return;
  if (g->zinit) inflateEnd(&g->zs);
  free(g);
}

const char *pith_gz_error(const pith_gz *g) { return g->err; }
int pith_gz_compressed(const pith_gz *g) { return g->mode == MODE_GZIP; }
uint64_t pith_gz_bytes_in(const pith_gz *g) { return g->bytes_in; }

static long set_error(pith_gz *g, long rc, const char *msg, const char *detail) {
  snprintf(g->err, sizeof g->err, "%s%s%s", msg, detail ? ": " : "",
           detail ? detail : "");
  return rc;
}

/* Appends more raw input behind what is still unread. 1 if bytes came in,
 * 0 at end of file, PITH_EIO on failure. */
static int refill(pith_gz *g) {
  if (g->eof) return 0;
  size_t keep = g->zs.avail_in;
  if (keep && g->zs.next_in != g->in) memmove(g->in, g->zs.next_in, keep);
  g->zs.next_in = g->in;
  if (keep == GZ_INBUF) return 1;
  ssize_t n;
  do {
    n = read(g->fd, g->in + keep, GZ_INBUF - keep);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return (int)set_error(g, PITH_EIO, "read failed", strerror(errno));
  if (n == 0) {
    g->eof = 1;
    return 0;
  }
  g->bytes_in += (uint64_t)n;
  g->zs.avail_in = (uInt)(keep + (size_t)n);
  return 1;
}

static int sniff(pith_gz *g) {
  while (g->zs.avail_in < 2) {
    int rc = refill(g);
    if (rc < 0) return rc;
    if (rc == 0) break;
  }
  g->mode = (g->zs.avail_in >= 2 && g->zs.next_in[0] == 0x1f &&
             g->zs.next_in[1] == 0x8b)
                ? MODE_GZIP
                : MODE_PLAIN;
  return 0;
}

static long read_plain(pith_gz *g, char *buf, size_t n) {
  if (g->zs.avail_in) {
    size_t k = g->zs.avail_in < n ? g->zs.avail_in : n;
    memcpy(buf, g->zs.next_in, k);
    g->zs.next_in += k;
    g->zs.avail_in -= (uInt)k;
    return (long)k;
  }
  if (g->eof) return 0;
  ssize_t r;
  do {
    r = read(g->fd, buf, n);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return set_error(g, PITH_EIO, "read failed", strerror(errno));
  if (r == 0) g->eof = 1;
  g->bytes_in += (uint64_t)r;
  return (long)r;
}

/* Skips input up to the next gzip member header (1f 8b 08). 1 when found,
 * 0 at end of input, <0 on read failure. */
static int find_member(pith_gz *g) {
  for (;;) {
    unsigned char *p = g->zs.next_in, *e = p + g->zs.avail_in;
    while (p + 2 < e && !(p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08)) p++;
    if (p + 2 < e) {
      g->zs.avail_in = (uInt)(e - p);
      g->zs.next_in = p;
      return 1;
    }
    /* Keep the last two bytes: a header may straddle the refill. */
    size_t keep = (size_t)(e - p);
    g->zs.next_in = p;
    g->zs.avail_in = (uInt)keep;
    int rc = refill(g);
    if (rc <= 0) return rc;
  }
}

static int start_member(pith_gz *g) {
  if (!g->zinit) {
    g->zs.zalloc = Z_NULL;
    g->zs.zfree = Z_NULL;
    g->zs.opaque = Z_NULL;
    if (inflateInit2(&g->zs, 15 + 16) != Z_OK) return PITH_ENOMEM;
    g->zinit = 1;
  } else if (inflateReset(&g->zs) != Z_OK) {
    return PITH_ENOMEM;
  }
  g->in_member = 1;
  return 0;
}

/* Positions the input at the start of the next member. 1 ready, 0 at end,
 * <0 error (trailing garbage is damage: reported, then skipped). */
static long next_member(pith_gz *g) {
  if (g->resync) {
    int rc = find_member(g);
    if (rc <= 0) return rc;
    g->resync = 0;
  }
  while (g->zs.avail_in < 2) {
    int rc = refill(g);
    if (rc < 0) return rc;
    if (rc == 0) break;
  }
  if (g->zs.avail_in == 0) return 0;
  if (g->zs.avail_in < 2 || g->zs.next_in[0] != 0x1f || g->zs.next_in[1] != 0x8b) {
    g->resync = 1;
    return set_error(g, PITH_EFORMAT, "garbage between gzip members", NULL);
  }
  int rc = start_member(g);
  return rc < 0 ? rc : 1;
}

static long read_gzip(pith_gz *g, char *buf, size_t n) {
  for (;;) {
    if (!g->in_member) {
      long rc = next_member(g);
      if (rc <= 0) return rc;
    }
    if (g->zs.avail_in == 0) {
      int rc = refill(g);
      if (rc < 0) return rc;
      if (rc == 0) {
        g->done = 1;
        g->in_member = 0;
        return set_error(g, PITH_EFORMAT, "truncated gzip data", NULL);
      }
    }
    g->zs.next_out = (unsigned char *)buf;
    g->zs.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
    uInt before = g->zs.avail_out;
    int zr = inflate(&g->zs, Z_NO_FLUSH);
    long produced = (long)(before - g->zs.avail_out);
    if (zr == Z_STREAM_END) {
      g->in_member = 0;
      if (produced) return produced;
      continue;
    }
    if (zr == Z_OK || zr == Z_BUF_ERROR) {
      if (produced) return produced;
      continue;
    }
    if (zr == Z_MEM_ERROR) return set_error(g, PITH_ENOMEM, "out of memory", NULL);
    g->in_member = 0;
    g->resync = 1;
    return set_error(g, PITH_EFORMAT, "corrupt gzip data",
                     g->zs.msg ? g->zs.msg : "bad member");
  }
}

long pith_gz_read(pith_gz *g, char *buf, size_t n) {
  if (n == 0 || g->done) return 0;
  if (g->mode == MODE_UNKNOWN) {
    int rc = sniff(g);
    if (rc < 0) return rc;
  }
  if (g->mode == MODE_PLAIN) return read_plain(g, buf, n);
  return read_gzip(g, buf, n);
}

int pith_gz_inflate_mem(const char *in, size_t len, int gzip, size_t limit,
                        pith_buf *out) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  /* 15+32 auto-detects gzip or zlib headers; raw deflate (what some servers
   * send as "deflate") is retried with -15. */
  if (len > (size_t)UINT32_MAX) return PITH_ELIMIT;
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return PITH_ENOMEM;
  int raw_retry = !gzip;
  int rc = PITH_OK;
  zs.next_in = (unsigned char *)(uintptr_t)in;
  zs.avail_in = (uInt)len;
  for (;;) {
    if (pith_buf_reserve(out, 64 * 1024) != 0) {
      rc = PITH_ENOMEM;
      break;
    }
    zs.next_out = (unsigned char *)out->data + out->len;
    zs.avail_out = (uInt)(out->cap - out->len - 1);
    uInt before = zs.avail_out;
    int zr = inflate(&zs, Z_NO_FLUSH);
    out->len += before - zs.avail_out;
    out->data[out->len] = '\0';
    if (out->len > limit) {
      rc = PITH_ELIMIT;
      break;
    }
    if (zr == Z_STREAM_END) break;
    if (zr == Z_DATA_ERROR && raw_retry && out->len == 0) {
      raw_retry = 0;
      inflateEnd(&zs);
      memset(&zs, 0, sizeof zs);
      if (inflateInit2(&zs, -15) != Z_OK) return PITH_ENOMEM;
      zs.next_in = (unsigned char *)(uintptr_t)in;
      zs.avail_in = (uInt)len;
      continue;
    }
    if (zr != Z_OK) {
      rc = zr == Z_MEM_ERROR ? PITH_ENOMEM : PITH_EFORMAT;
      break;
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      rc = PITH_EFORMAT; /* input ended inside the stream */
      break;
    }
  }
  inflateEnd(&zs);
  return rc;
}
