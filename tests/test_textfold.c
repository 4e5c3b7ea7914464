/* textfold.h: the inline UTF-8 decoder must agree with utf8proc_iterate
 * (which it short-cuts) on every 1-4 byte input, valid or not; swar.h's
 * byte masks must agree with plain loops. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "swar.h"
#include "textfold.h"

/* What pith_u8_next promises: utf8proc's reading, invalid bytes as
 * themselves with length 1. */
static size_t reference(const unsigned char *b, size_t n, int32_t *cp) {
  utf8proc_int32_t v;
  utf8proc_ssize_t k = utf8proc_iterate(b, (utf8proc_ssize_t)n, &v);
  if (k <= 0) {
    *cp = (int32_t)(0x80000000u | b[0]);
    return 1;
  }
  *cp = v;
  return (size_t)k;
}

static void test_decoder(void) {
  /* every lead and second byte; third and fourth bytes at the edges of the
   * continuation range */
  static const unsigned char tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                        0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
  long bad = 0, checked = 0;
  unsigned char b[4];
  for (unsigned c0 = 0; c0 < 256; c0++)
    for (unsigned c1 = 0; c1 < 256; c1++)
      for (size_t t2 = 0; t2 < sizeof tails; t2++)
        for (size_t t3 = 0; t3 < sizeof tails; t3 += 3) {
          b[0] = (unsigned char)c0, b[1] = (unsigned char)c1;
          b[2] = tails[t2], b[3] = tails[t3];
          for (size_t n = 1; n <= 4; n++) {
            int32_t a, e;
            size_t ka = pith_u8_next((const char *)b, n, &a);
            size_t ke = reference(b, n, &e);
            bad += a != e || ka != ke;
            checked++;
          }
        }
  OK(bad == 0, "inline decoder agrees with utf8proc on %ld inputs (%ld differ)",
     checked, bad);
  int32_t cp;
  INT_EQ(pith_u8_next("\xD0\xB6", 2, &cp), 2, "Cyrillic zhe: 2 bytes");
  INT_EQ(cp, 0x436, "... U+0436");
  INT_EQ(pith_u8_next("\xED\xA0\x80", 3, &cp), 1, "surrogate: invalid");
  INT_EQ(pith_u8_next("\xE0\x80\xAF", 3, &cp), 1, "overlong: invalid");
  INT_EQ(pith_u8_next("\xE2\x80", 2, &cp), 1, "truncated: invalid");
}

static void test_swar(void) {
  long bad = 0;
  srand(3);
  for (int it = 0; it < 20000; it++) {
    unsigned char b[8];
    for (int k = 0; k < 8; k++)
      b[k] = (unsigned char)(rand() % 3 ? " a|\n\xC2\x80\xE2\xBF"[rand() % 8] : rand());
    uint64_t x = pith_swar_load(b);
    uint64_t eq = pith_swar_eq(x, ' '), cont = pith_swar_cont(x);
    unsigned n_eq = 0, n_cont = 0;
    for (int k = 0; k < 8; k++) n_eq += b[k] == ' ', n_cont += (b[k] & 0xC0) == 0x80;
    bad += pith_swar_count(eq) != n_eq || pith_swar_count(cont) != n_cont;
    /* the flag of byte k moves to byte k + 1 */
    uint64_t after = pith_swar_after(eq, 0x80), one = 0;
    for (int k = 0; k < 8; k++) {
      unsigned char m[8] = {0};
      m[k] = 0x80;
      memcpy(&one, m, 8);
      int want = k == 0 ? 1 : b[k - 1] == ' ';
      bad += ((after & one) != 0) != want;
    }
    bad += (pith_swar_last(eq) != 0) != (b[7] == ' ');
  }
  OK(bad == 0, "swar masks agree with byte loops (%ld differ)", bad);
}

int main(void) {
  test_decoder();
  test_swar();
  return test_done();
}
