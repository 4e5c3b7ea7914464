/* Unit tests for transparent gzip reading (src/gz.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gz.h"
#include "harness.h"
#include "pith.h"
#include "reader_util.h"

typedef struct {
  pith_buf data;
  int errors;
  char last_error[160];
} drained;

/* Reads everything, with small reads to cross buffer boundaries. */
static drained drain(const void *in, size_t n, size_t chunk) {
  drained d = {PITH_BUF_INIT, 0, ""};
  int fd = data_fd(in, n);
  pith_gz *g = pith_gz_new(fd);
  char *buf = malloc(chunk);
  for (int guard = 0; guard < 1000000; guard++) {
    long k = pith_gz_read(g, buf, chunk);
    if (k == 0) break;
    if (k < 0) {
      d.errors++;
      snprintf(d.last_error, sizeof d.last_error, "%s", pith_gz_error(g));
      if (k != PITH_EFORMAT) break;
      continue;
    }
    pith_buf_put(&d.data, buf, (size_t)k);
  }
  free(buf);
  pith_gz_free(g);
  close(fd);
  return d;
}

static void test_plain(void) {
  drained d = drain("hello, world\n", 13, 4);
  STR_EQ(pith_buf_cstr(&d.data), "hello, world\n", "plain input passes through");
  INT_EQ(d.errors, 0, "no errors");
  pith_buf_free(&d.data);
  d = drain("", 0, 4);
  INT_EQ(d.data.len, 0, "empty input");
  pith_buf_free(&d.data);
  d = drain("\x1f", 1, 4);
  INT_EQ(d.data.len, 1, "one byte that looks like the start of gzip");
  pith_buf_free(&d.data);
}

static void test_members(void) {
  pith_buf z = PITH_BUF_INIT, want = PITH_BUF_INIT;
  for (int i = 0; i < 3; i++) {
    char part[64];
    int n = snprintf(part, sizeof part, "member %d\n", i);
    gz_member(&z, part, (size_t)n);
    pith_buf_put(&want, part, (size_t)n);
  }
  drained d = drain(z.data, z.len, 3);
  STR_EQ(pith_buf_cstr(&d.data), pith_buf_cstr(&want), "three members joined");
  INT_EQ(d.errors, 0, "no errors");
  pith_buf_free(&d.data);
  pith_buf_free(&z);
  pith_buf_free(&want);
}

static void test_big(void) {
  size_t n = 3u << 20;
  char *big = malloc(n);
  for (size_t i = 0; i < n; i++) big[i] = (char)('a' + (i * 7 + i / 13) % 26);
  pith_buf z = PITH_BUF_INIT;
  gz_member(&z, big, n);
  drained d = drain(z.data, z.len, 100000);
  OK(d.data.len == n && memcmp(d.data.data, big, n) == 0, "3 MB member round trip");
  pith_buf_free(&d.data);
  pith_buf_free(&z);
  free(big);
}

static void test_truncated(void) {
  pith_buf z = PITH_BUF_INIT;
  const char *text = "The quick brown fox jumps over the lazy dog. ";
  pith_buf plain = PITH_BUF_INIT;
  for (int i = 0; i < 200; i++) pith_buf_puts(&plain, text);
  gz_member(&z, plain.data, plain.len);
  drained d = drain(z.data, z.len - 12, 1000);
  INT_EQ(d.errors, 1, "truncation is reported once");
  STR_EQ(d.last_error, "truncated gzip data", "truncation message");
  OK(d.data.len <= plain.len && memcmp(d.data.data, plain.data, d.data.len) == 0,
     "what came out is a prefix of the original");
  pith_buf_free(&d.data);
  pith_buf_free(&z);
  pith_buf_free(&plain);
}

static void test_corrupt_resync(void) {
  pith_buf z = PITH_BUF_INIT;
  gz_member(&z, "first\n", 6);
  size_t start = z.len;
  const char *mid = "second member with enough text to corrupt in the middle\n";
  gz_member(&z, mid, strlen(mid));
  /* Damage the deflate data and the CRC of the second member. */
  for (size_t i = start + 12; i < z.len - 1; i += 3) z.data[i] ^= 0x5a;
  gz_member(&z, "third\n", 6);
  drained d = drain(z.data, z.len, 64);
  INT_EQ(d.errors, 1, "one error for the damaged member");
  OK(strncmp(pith_buf_cstr(&d.data), "first\n", 6) == 0, "first member intact");
  OK(d.data.len >= 12 && memcmp(d.data.data + d.data.len - 6, "third\n", 6) == 0,
     "reading resumed at the third member");
  pith_buf_free(&d.data);
  /* Garbage after the last member is damage too, then the end. */
  pith_buf_clear(&z);
  gz_member(&z, "only\n", 5);
  pith_buf_put(&z, "\0\0\0\0junk", 8);
  d = drain(z.data, z.len, 64);
  STR_EQ(pith_buf_cstr(&d.data), "only\n", "member before trailing junk");
  INT_EQ(d.errors, 1, "trailing junk reported");
  pith_buf_free(&d.data);
  pith_buf_free(&z);
}

static void test_inflate_mem(void) {
  pith_buf z = PITH_BUF_INIT, out = PITH_BUF_INIT;
  gz_member(&z, "<p>zipped body</p>", 18);
  INT_EQ(pith_gz_inflate_mem(z.data, z.len, 1, 1000, &out), PITH_OK, "gzip body");
  STR_EQ(pith_buf_cstr(&out), "<p>zipped body</p>", "gzip body decoded");
  pith_buf_clear(&out);
  INT_EQ(pith_gz_inflate_mem(z.data, z.len, 1, 5, &out), PITH_ELIMIT, "limit");
  pith_buf_clear(&out);
  INT_EQ(pith_gz_inflate_mem(z.data, z.len - 4, 1, 1000, &out), PITH_EFORMAT,
         "truncated body");
  /* Raw deflate, as some servers send for "deflate". */
  unsigned char raw[128];
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = (unsigned char *)"raw deflate";
  zs.avail_in = 11;
  zs.next_out = raw;
  zs.avail_out = sizeof raw;
  deflate(&zs, Z_FINISH);
  size_t rn = sizeof raw - zs.avail_out;
  deflateEnd(&zs);
  pith_buf_clear(&out);
  INT_EQ(pith_gz_inflate_mem((char *)raw, rn, 0, 1000, &out), PITH_OK, "raw deflate");
  STR_EQ(pith_buf_cstr(&out), "raw deflate", "raw deflate decoded");
  pith_buf_free(&out);
  pith_buf_free(&z);
}

int main(void) {
  test_plain();
  test_members();
  test_big();
  test_truncated();
  test_corrupt_resync();
  test_inflate_mem();
  return test_done();
}
