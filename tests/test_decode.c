/* Charset sniffing and conversion (src/decode.c). */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "harness.h"
#include "pith.h"
#include "pith_config.h"

static char got_cs[64];

/* Decode with the given options; returns a malloc'd NUL-terminated string
 * (or NULL on error, status in *st). */
static char *dec(const char *b, size_t n, const char *forced, const char *transport, int html,
                 int *st) {
  pith_decode_opts o = {forced, transport, html};
  pith_buf out = PITH_BUF_INIT;
  got_cs[0] = '\0';
  *st = pith_decode(b, n, &o, &out, got_cs, sizeof got_cs);
  if (*st != PITH_OK) {
    pith_buf_free(&out);
    return NULL;
  }
  pith_buf_cstr(&out);
  return pith_buf_detach(&out, NULL);
}

#define DEC_EQ(bytes, forced, transport, html, want, want_cs, msg)              \
  do {                                                                          \
    int st_;                                                                    \
    char *g = dec(bytes, sizeof(bytes) - 1, forced, transport, html, &st_);     \
    INT_EQ(st_, PITH_OK, "%s: status", msg);                                    \
    STR_EQ(g, want, "%s: text", msg);                                           \
    STR_EQ(got_cs, want_cs, "%s: charset", msg);                                \
    free(g);                                                                    \
  } while (0)

static void test_boms(void) {
  DEC_EQ("\xEF\xBB\xBFhi \xC3\xA9", NULL, NULL, 0, "hi \xC3\xA9", "utf-8", "UTF-8 BOM stripped");
  DEC_EQ("\xFF\xFEh\0i\0\xE9\0", NULL, NULL, 0, "hi\xC3\xA9", "utf-16le", "UTF-16LE BOM");
  DEC_EQ("\xFE\xFF\0h\0i\x20\x19", NULL, NULL, 0, "hi\xE2\x80\x99", "utf-16be", "UTF-16BE BOM");
  /* BOM beats transport and meta */
  DEC_EQ("\xEF\xBB\xBF<meta charset=windows-1251>\xC3\xA9", NULL, "koi8-r", 1,
         "<meta charset=windows-1251>\xC3\xA9", "utf-8", "BOM beats labels");
}

static void test_forced(void) {
  /* forced wins over everything, BOM included */
  DEC_EQ("\xEF\xBB\xBF\xE9", "latin1", NULL, 0, "\xC3\xAF\xC2\xBB\xC2\xBF\xC3\xA9",
         "windows-1252", "forced beats BOM");
  DEC_EQ("\xCF\xF0\xE8\xE2\xE5\xF2", "cp1251", NULL, 0,
         "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "windows-1251", "forced cp1251");
  DEC_EQ("\xEF\xBB\xBFok", "utf-8", NULL, 0, "ok", "utf-8", "forced utf-8 drops its own BOM");
  DEC_EQ("\x93\xFA\x96\x7B\x8C\xEA", "Shift_JIS", NULL, 0,
         "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "shift_jis", "forced Shift_JIS");
  /* a name iconv knows but the WHATWG table does not */
  DEC_EQ("\xE9", "ISO-8859-1//TRANSLIT", NULL, 0, "\xC3\xA9", "iso-8859-1//translit",
         "forced raw iconv name");
  int st;
  char *g = dec("x", 1, "no-such-charset", NULL, 0, &st);
  INT_EQ(st, PITH_EENCODING, "unknown forced charset is an error");
  OK(g == NULL, "no output on error");
}

static void test_labels(void) {
  STR_EQ(pith_charset_canonical("latin1", 6), "windows-1252", "latin1");
  STR_EQ(pith_charset_canonical(" ISO-8859-1 ", 12), "windows-1252", "ISO-8859-1 trimmed");
  STR_EQ(pith_charset_canonical("US-ASCII", 8), "windows-1252", "us-ascii");
  STR_EQ(pith_charset_canonical("gb2312", 6), "gbk", "gb2312 -> gbk");
  STR_EQ(pith_charset_canonical("UTF8", 4), "utf-8", "utf8");
  STR_EQ(pith_charset_canonical("iso-8859-9", 10), "windows-1254", "iso-8859-9");
  STR_EQ(pith_charset_canonical("sjis", 4), "shift_jis", "sjis");
  OK(pith_charset_canonical("bogus", 5) == NULL, "unknown label");
  OK(pith_charset_canonical("", 0) == NULL, "empty label");
  OK(pith_charset_known("x-user-defined"), "x-user-defined is known (no iconv needed)");
  OK(pith_charset_known("x-mac-cyrillic"), "x-mac-cyrillic is known");
  OK(pith_charset_known("IBM855"), "an iconv-only name is known");
  OK(!pith_charset_known("no-such-charset"), "nonsense is not known");
  OK(!pith_charset_known(NULL), "NULL is not known");
}

static void test_transport(void) {
  DEC_EQ("caf\xE9", NULL, "ISO-8859-1", 0, "caf\xC3\xA9", "windows-1252", "transport latin-1");
  DEC_EQ("\x80 \x81\x8D\x8F\x90\x9D", NULL, "windows-1252", 0,
         "\xE2\x82\xAC \xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D",
         "windows-1252", "cp1252 undefined bytes map to C1 like browsers");
  /* transport beats meta */
  DEC_EQ("<meta charset=utf-8>\xE9", NULL, "latin1", 1, "<meta charset=utf-8>\xC3\xA9",
         "windows-1252", "transport beats meta");
  DEC_EQ("ok", NULL, "nonsense", 0, "ok", "utf-8", "unknown transport label ignored");
}

static void test_meta(void) {
  DEC_EQ("<html><head><meta charset=\"windows-1251\"><title>\xCF\xF0\xE8</title>",
         NULL, NULL, 1, "<html><head><meta charset=\"windows-1251\"><title>\xD0\x9F\xD1\x80\xD0\xB8</title>",
         "windows-1251", "meta charset");
  DEC_EQ("<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=Shift_JIS'>\x93\xFA",
         NULL, NULL, 1,
         "<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=Shift_JIS'>\xE6\x97\xA5",
         "shift_jis", "http-equiv content charset");
  /* content charset without http-equiv content-type: ignored (need_pragma) */
  DEC_EQ("<meta content=\"text/html; charset=koi8-r\">\xE9", NULL, NULL, 1,
         "<meta content=\"text/html; charset=koi8-r\">\xC3\xA9", "windows-1252",
         "content without http-equiv ignored");
  DEC_EQ("<meta http-equiv=refresh content=\"charset=koi8-r\">\xE9", NULL, NULL, 1,
         "<meta http-equiv=refresh content=\"charset=koi8-r\">\xC3\xA9", "windows-1252",
         "http-equiv other than content-type ignored");
  DEC_EQ("<!-- <meta charset=koi8-r> --><meta charset=iso-8859-7>\xE1", NULL, NULL, 1,
         "<!-- <meta charset=koi8-r> --><meta charset=iso-8859-7>\xCE\xB1", "iso-8859-7",
         "meta inside a comment skipped");
  DEC_EQ("<!--><meta charset=iso-8859-7>\xE1", NULL, NULL, 1,
         "<!--><meta charset=iso-8859-7>\xCE\xB1", "iso-8859-7", "<!--> closes itself");
  DEC_EQ("<div title='<meta charset=koi8-r>'><meta charset=iso-8859-7>\xE1", NULL, NULL, 1,
         "<div title='<meta charset=koi8-r>'><meta charset=iso-8859-7>\xCE\xB1", "iso-8859-7",
         "meta text inside another tag's attribute skipped");
  DEC_EQ("<meta charset=utf-16le>ok", NULL, NULL, 1, "<meta charset=utf-16le>ok", "utf-8",
         "UTF-16 meta label means UTF-8");
  DEC_EQ("<meta charset=x-user-defined>\xE9", NULL, NULL, 1,
         "<meta charset=x-user-defined>\xC3\xA9", "windows-1252", "x-user-defined -> 1252");
  DEC_EQ("<meta charset=iso-2022-kr>ok", NULL, NULL, 1, "<meta charset=iso-2022-kr>ok",
         "utf-8", "replacement label ignored: documents are never dropped");
  DEC_EQ("<meta charset=iso-8859-7>\xE1", NULL, NULL, 0, "<meta charset=iso-8859-7>\xC3\xA1",
         "windows-1252", "no prescan for text input");
  /* a meta tag after 1024 bytes is not seen */
  char big[1200 + 40];
  memset(big, ' ', 1200);
  strcpy(big + 1200, "<meta charset=koi8-r>\xE9");
  int st;
  char *g = dec(big, strlen(big), NULL, NULL, 1, &st);
  STR_EQ(got_cs, "windows-1252", "meta past 1024 bytes ignored");
  free(g);
}

static void test_mislabel(void) {
  /* legacy single-byte label on strictly valid non-ASCII UTF-8: UTF-8 wins */
  DEC_EQ("<meta charset=iso-8859-1>caf\xC3\xA9", NULL, NULL, 1,
         "<meta charset=iso-8859-1>caf\xC3\xA9", "utf-8", "mislabelled UTF-8 page");
  DEC_EQ("caf\xC3\xA9", NULL, "iso-8859-1", 0, "caf\xC3\xA9", "utf-8",
         "mislabelled UTF-8 transport");
  /* but a real latin-1 page keeps its label */
  DEC_EQ("<meta charset=iso-8859-1>caf\xE9", NULL, NULL, 1,
         "<meta charset=iso-8859-1>caf\xC3\xA9", "windows-1252", "real latin-1 page");
  /* pure ASCII under a legacy label keeps the label */
  DEC_EQ("<meta charset=koi8-r>abc", NULL, NULL, 1, "<meta charset=koi8-r>abc", "koi8-r",
         "ASCII page keeps its label");
}

static void test_xml(void) {
  DEC_EQ("<?xml version=\"1.0\" encoding=\"ISO-8859-7\"?><p>\xE1</p>", NULL, NULL, 1,
         "<?xml version=\"1.0\" encoding=\"ISO-8859-7\"?><p>\xCE\xB1</p>", "iso-8859-7",
         "xml declaration");
  DEC_EQ("<?xml version='1.0' encoding='koi8-r'?><meta charset=iso-8859-7>\xE1", NULL, NULL,
         1, "<?xml version='1.0' encoding='koi8-r'?><meta charset=iso-8859-7>\xCE\xB1",
         "iso-8859-7", "meta beats xml declaration");
}

static void test_utf8(void) {
  DEC_EQ("plain ascii", NULL, NULL, 0, "plain ascii", "utf-8", "ASCII");
  DEC_EQ("\xE2\x80\x99 \xF0\x9F\x98\x80", NULL, NULL, 0, "\xE2\x80\x99 \xF0\x9F\x98\x80",
         "utf-8", "valid UTF-8 untouched");
  DEC_EQ("", NULL, NULL, 1, "", "utf-8", "empty input");
  int st;
  char *g = dec("a\0b", 3, NULL, NULL, 0, &st);
  OK(g && g[0] == 'a' && g[1] == '\0' && g[2] == 'b', "NUL bytes survive decoding");
  free(g);

  pith_buf b = PITH_BUF_INIT;
  INT_EQ(pith_utf8_sanitize("a\xC0\xAF" "b", 4, &b), 2, "overlong: 2 replacements");
  STR_EQ(pith_buf_cstr(&b), "a\xEF\xBF\xBD\xEF\xBF\xBD" "b", "overlong -> U+FFFD U+FFFD");
  pith_buf_clear(&b);
  INT_EQ(pith_utf8_sanitize("\xED\xA0\x80x", 4, &b), 3, "surrogate: 3 replacements");
  STR_EQ(pith_buf_cstr(&b), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx", "surrogate");
  pith_buf_clear(&b);
  INT_EQ(pith_utf8_sanitize("\xE2\x82x", 3, &b), 1, "truncated: maximal subpart");
  STR_EQ(pith_buf_cstr(&b), "\xEF\xBF\xBDx", "truncated sequence -> one U+FFFD");
  pith_buf_clear(&b);
  INT_EQ(pith_utf8_sanitize("\xF4\x90\x80\x80", 4, &b), 4, "> U+10FFFF");
  pith_buf_clear(&b);
  INT_EQ(pith_utf8_sanitize("ok\xF0\x9F\x98", 5, &b), 1, "cut at the end");
  STR_EQ(pith_buf_cstr(&b), "ok\xEF\xBF\xBD", "cut emoji -> U+FFFD");
  pith_buf_clear(&b);
  INT_EQ(pith_utf8_sanitize("\xFF\xFE", 2, &b), 2, "FF FE bytes");
  pith_buf_free(&b);

  OK(pith_utf8_valid("abcdefghijklmnop\xC3\xA9", 18), "valid");
  OK(!pith_utf8_valid("abcdefghijklmnop\xC3", 17), "truncated invalid");
  OK(!pith_utf8_valid("\xE0\x80\xAF", 3), "3-byte overlong invalid");
  OK(!pith_utf8_valid("\xED\xBF\xBF", 3), "low surrogate invalid");
  OK(!pith_utf8_valid("abcdefg\x80", 8), "stray continuation invalid");
  OK(pith_utf8_valid("", 0), "empty valid");

  /* invalid UTF-8 without any label: not UTF-8, falls to detection / 1252 */
  g = dec("caf\xE9 cr\xE8me", 10, NULL, NULL, 0, &st);
  OK(g && strstr(g, "\xC3\xA9"), "latin-1 bytes decoded, never dropped (%s)", got_cs);
  free(g);
}

/* pith_utf8_valid checks ASCII, two- and three-byte letters 64 and 16
 * bytes at a time: each sequence is tried at every offset from a chunk
 * start (0..140 plain bytes before it: the first three 64-byte blocks and
 * their ends) and before ASCII, before a run of two-byte letters and at
 * the very end. pith_utf8_sanitize must count the same replacements. */
static void test_utf8_chunks(void) {
  static const struct {
    const char *seq;
    int bad; /* U+FFFD that sanitize puts in; 0: valid */
  } cases[] = {
      {"\xC3\xA9", 0}, {"\xD0\xB4\xD0\xB4", 0}, {"\xDF\xBF", 0}, {"\xC2\x80", 0},
      {"\xE2\x80\x99", 0}, {"\xE0\xA0\x80", 0}, {"\xED\x9F\xBF", 0}, {"\xEF\xBF\xBF", 0},
      {"\xF0\x90\x80\x80", 0}, {"\xF4\x8F\xBF\xBF", 0},
      {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80 "
       "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE2\x80\x94 \xC3\xA9",
       0},
      {"\xC3", 1}, {"\xC0\x80", 2}, {"\xC1\xBF", 2}, {"\x80", 1}, {"\xBF", 1}, {"\xD0\x41", 1},
      {"\xE2\x80", 1}, {"\xE0\x80\x80", 3}, {"\xE0\x9F\xBF", 3}, {"\xED\xA0\x80", 3},
      {"\xF0\x8F\xBF\xBF", 4}, {"\xF4\x90\x80\x80", 4}, {"\xF5\x80\x80\x80", 4}, {"\xFF", 1},
      {"\xD0\xB4\xD0", 1}, {"\xD0\xB4\x80", 1}, {"\xD0\xB4\xD0\xB4\xE2\x80\xD0\xB4", 1},
      /* three-byte runs (Hangul, CJK) and their breaks */
      {"\xEA\xB0\x80\xEB\x82\x98\xEB\x8B\xA4 \xED\x95\x9C\xE4\xB8\xAD\xEE\x80\x80", 0},
      {"\xE1\x80\x41", 1}, {"\xE1\x41", 1}, {"\xEA\xB0\x80\xEA\xB0", 1},
      {"\xEA\xB0\x80\x80", 1}, {"\xEA\xB0\x80\xED\xA0\x80", 3},
  };
  static const char *tails[] = {
      "", "b", "\xD0\xB4\xD0\xB4\xD0\xB4\xD0\xB4\xD0\xB4\xD0\xB4 x",
      "\xEA\xB0\x80\xEA\xB0\x80\xEA\xB0\x80\xEA\xB0\x80\xEA\xB0\x80\xEA\xB0\x80"};
  char in[256];
  int bad = 0;
  pith_buf b = PITH_BUF_INIT;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    for (int k = 0; k <= 140; k++) {
      for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        memset(in, 'a', (size_t)k);
        size_t n = (size_t)k, sl = strlen(cases[c].seq), tl = strlen(tails[t]);
        memcpy(in + n, cases[c].seq, sl);
        memcpy(in + n + sl, tails[t], tl);
        n += sl + tl;
        int valid = pith_utf8_valid(in, n);
        pith_buf_clear(&b);
        size_t count = pith_utf8_sanitize(in, n, &b);
        if ((valid != !cases[c].bad || count != (size_t)cases[c].bad) && bad++ < 5)
          printf("# case %zu k=%d tail %zu: valid %d, %zu replacements\n", c, k, t, valid, count);
      }
    }
  }
  pith_buf_free(&b);
  INT_EQ(bad, 0, "UTF-8 check at every offset from a 16-byte chunk start");
}

static void test_iconv_errors(void) {
  /* invalid Shift_JIS: bad bytes become U+FFFD and decoding goes on */
  DEC_EQ("a\x81\x20" "b\x93\xFA", "shift_jis", NULL, 0, "a\xEF\xBF\xBD b\xE6\x97\xA5",
         "shift_jis", "invalid Shift_JIS byte -> U+FFFD, rest kept");
  DEC_EQ("ab\x93", "shift_jis", NULL, 0, "ab\xEF\xBF\xBD", "shift_jis",
         "truncated Shift_JIS at the end");
  DEC_EQ("\xFF\xFE" "a\0\x00\xD8" "b\0", NULL, NULL, 0, "a\xEF\xBF\xBD" "b", "utf-16le",
         "lone surrogate in UTF-16");
  /* a big input forces the output buffer to grow several times */
  size_t n = 300000;
  char *big = malloc(n + 1);
  for (size_t i = 0; i < n; i++) big[i] = (char)(0xC0 + i % 32);
  int st;
  char *g = dec(big, n, "windows-1251", NULL, 0, &st);
  OK(g && strlen(g) == 2 * n, "300 kB of cp1251 -> 600 kB of UTF-8");
  free(g);
  free(big);
}

static void test_detect(void) {
#if PITH_HAVE_UCHARDET
  const char *ru =
      "\xDD\xF2\xEE \xEF\xF0\xEE\xF1\xF2\xEE\xE9 \xF2\xE5\xEA\xF1\xF2 \xED\xE0 "
      "\xF0\xF3\xF1\xF1\xEA\xEE\xEC \xFF\xE7\xFB\xEA\xE5, \xEA\xEE\xF2\xEE\xF0\xFB\xE9 "
      "\xEC\xFB \xED\xE0\xEF\xE8\xF1\xE0\xEB\xE8 \xE4\xEB\xFF \xEF\xF0\xEE\xE2\xE5\xF0\xEA\xE8 "
      "\xEE\xEF\xF0\xE5\xE4\xE5\xEB\xE5\xED\xE8\xFF \xEA\xEE\xE4\xE8\xF0\xEE\xE2\xEA\xE8. "
      "\xCC\xFB \xEF\xE8\xF8\xE5\xEC \xE5\xF9\xB8 \xEE\xE4\xED\xEE "
      "\xEF\xF0\xE5\xE4\xEB\xEE\xE6\xE5\xED\xE8\xE5, \xF7\xF2\xEE\xE1\xFB "
      "\xF2\xE5\xEA\xF1\xF2\xE0 \xE1\xFB\xEB\xEE \xE1\xEE\xEB\xFC\xF8\xE5.";
  int st;
  char *g = dec(ru, strlen(ru), NULL, NULL, 0, &st);
  STR_EQ(got_cs, "windows-1251", "uchardet finds windows-1251");
  OK(g && strncmp(g, "\xD0\xAD\xD1\x82\xD0\xBE", 6) == 0, "and it decodes: %.12s", g ? g : "");
  free(g);
#else
  OK(1, "uchardet not built in");
#endif
}

/* pith_decode_utf8_or_not: only without a label, HTML or BOM does the
 * charset come down to the bytes' validity (then "utf-8" is written). */
static void test_utf8_or_not(void) {
  pith_decode_opts plain = {NULL, NULL, 0}, forced = {"utf-8", NULL, 0},
                   transport = {NULL, "utf-8", 0}, html = {NULL, NULL, 1};
  char cs[16] = "";
  OK(pith_decode_utf8_or_not("caf\xC3\xA9", 5, &plain, cs, sizeof cs, NULL), "plain bytes");
  STR_EQ(cs, "utf-8", "plain bytes: charset written");
  OK(!pith_decode_utf8_or_not("caf\xE9", 4, &plain, NULL, 0, NULL), "invalid in the first kilobyte");
  {
    /* 1023 ASCII bytes, then a 3-byte sequence across the first kilobyte's
     * end: valid; an invalid byte past it is left to the later check */
    static char t[2100];
    memset(t, 'a', sizeof t);
    memcpy(t + 1023, "\xE2\x80\x94", 3);
    OK(pith_decode_utf8_or_not(t, sizeof t, &plain, NULL, 0, NULL), "a sequence across 1 KB");
    t[1500] = '\xE9';
    OK(pith_decode_utf8_or_not(t, sizeof t, &plain, NULL, 0, NULL), "invalid past 1 KB (checked later)");
    memset(t + 1020, '\x80', 8);
    OK(!pith_decode_utf8_or_not(t, sizeof t, &plain, NULL, 0, NULL), "continuation bytes across 1 KB");
    memcpy(t + 1020, "\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80", 8);
    OK(pith_decode_utf8_or_not(t, sizeof t, &plain, NULL, 0, NULL), "a 4-byte sequence across 1 KB");
  }
  {
    /* the part it checked ends where a character starts: the bytes are
     * valid exactly when the rest from there on is, whatever sequence
     * (valid, cut, overlong, a surrogate) sits across the first
     * kilobyte's end and whatever follows */
    static const char *const seq[] = {"\xE2\x80\x94", "\xF0\x9F\x98\x80", "\xC3\xA9", "\xE2\x80",
                                      "\xED\xA0\x80", "\xC0\xAF", "\x80\x80", "\xF4\x90\x80\x80"};
    static char t[1100];
    int same = 1, rest = 0;
    for (size_t q = 0; q < sizeof seq / sizeof seq[0]; q++)
      for (size_t at = 1016; at < 1028; at++)
        for (int after = 0; after < 3; after++) {
          memset(t, 'a', sizeof t);
          memcpy(t + at, seq[q], strlen(seq[q]));
          if (after) memcpy(t + 1060, after == 1 ? "\xC3\xA9" : "\xA9", after == 1 ? 2 : 1);
          size_t checked = SIZE_MAX;
          if (!pith_decode_utf8_or_not(t, sizeof t, &plain, NULL, 0, &checked)) continue;
          rest++;
          same &= checked <= sizeof t && (unsigned char)t[checked] >> 6 != 2 &&
                  pith_utf8_valid(t + checked, sizeof t - checked) == pith_utf8_valid(t, sizeof t);
        }
    OK(same && rest > 100, "valid as the rest after the checked part is");
  }
  OK(pith_decode_utf8_or_not(NULL, 0, NULL, NULL, 0, NULL), "no bytes, no options");
  OK(!pith_decode_utf8_or_not("x", 1, &forced, NULL, 0, NULL), "forced charset");
  OK(!pith_decode_utf8_or_not("x", 1, &transport, NULL, 0, NULL), "transport charset");
  OK(!pith_decode_utf8_or_not("x", 1, &html, NULL, 0, NULL), "HTML (meta prescan)");
  OK(!pith_decode_utf8_or_not("\xEF\xBB\xBFx", 4, &plain, NULL, 0, NULL), "UTF-8 BOM");
  OK(!pith_decode_utf8_or_not("\xFF\xFEx\0", 4, &plain, NULL, 0, NULL), "UTF-16 BOM");
}

/* Plain text is normalized before its bytes are checked: text that is
 * not UTF-8 is still decoded from its charset first, valid text viewed. */
static void test_clean_charset(void) {
  pith_options *o = pith_options_new();
  pith_options_set_flags(o, PITH_OPTS_DEFAULT & ~PITH_OPT_STRIP); /* every line kept */
  pith_result *r = pith_clean(o, "Caf\xE9 au lait \x93quoted\x94 and more text\n", 36,
                              PITH_KIND_TEXT);
  OK(r && pith_result_status(r) == PITH_OK, "windows-1252 text cleaned");
  STR_EQ(pith_result_field(r, PITH_FIELD_CHARSET), "windows-1252", "its charset");
  const char *t = pith_result_text(r, NULL);
  OK(strstr(t, "Caf\xC3\xA9 au lait \"quoted\"") != NULL, "and it was decoded: %s", t);
  pith_result_free(r);
  r = pith_clean(o, "Caf\xC3\xA9 au lait \xE2\x80\x9Cquoted\xE2\x80\x9D and more\n", 36,
                 PITH_KIND_TEXT);
  OK(r && pith_result_status(r) == PITH_OK, "UTF-8 text cleaned");
  STR_EQ(pith_result_field(r, PITH_FIELD_CHARSET), "utf-8", "its charset");
  t = pith_result_text(r, NULL);
  OK(strstr(t, "Caf\xC3\xA9 au lait \"quoted\"") != NULL, "and its text: %s", t);
  pith_result_free(r);
  /* invalid from the last byte only: the check covers the whole text */
  r = pith_clean(o, "Plain ASCII words on a line, then one Latin-1 byte: \xE9", 53,
                 PITH_KIND_TEXT);
  STR_EQ(pith_result_field(r, PITH_FIELD_CHARSET), "windows-1252", "a last invalid byte");
  pith_result_free(r);
  pith_options_free(o);
}

/* Strict UTF-8, a byte at a time (the Unicode table of well-formed
 * sequences), for pith_utf8_valid to agree with. */
static int ref_valid(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned c = s[i], need = c < 0x80 ? 0 : c < 0xC2 ? 9 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : c < 0xF5 ? 3 : 9;
    if (need == 9 || i + need >= n + (need == 0)) return 0;
    unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    for (unsigned k = 1; k <= need; k++, lo = 0x80, hi = 0xBF)
      if (s[i + k] < lo || s[i + k] > hi) return 0;
    i += need + 1;
  }
  return 1;
}

/* Random texts of valid sequences of every length (and some ASCII runs
 * of whole 64-byte blocks), with one byte changed or cut in half of them,
 * in exact-size buffers: pith_utf8_valid agrees with ref_valid (the AVX2
 * check looks at each byte with the three before it, across blocks). */
static void test_utf8_random(void) {
  static const char *seqs[] = {"a", " ", "\n", "\xC3\xA9", "\xD0\xB4", "\xDF\xBF", "\xC2\x80",
                               "\xE2\x80\x94", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEF\xBF\xBF",
                               "\xEA\xB0\x80", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",
                               "\xF0\x9F\x98\x80",
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
  static const unsigned char bytes[] = {0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                        0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                                        0xF0, 0xF1, 0xF4, 0xF5, 0xFF};
  unsigned seed = 99;
  int bad = 0, valid = 0;
  for (int iter = 0; iter < 20000; iter++) {
    unsigned char buf[400];
    size_t n = 0, parts = ((seed = seed * 1103515245u + 12345u) >> 16) % 120;
    for (size_t k = 0; k < parts; k++) {
      const char *q = seqs[((seed = seed * 1103515245u + 12345u) >> 16) % 16];
      size_t l = strlen(q);
      if (n + l > sizeof buf) break;
      memcpy(buf + n, q, l);
      n += l;
    }
    unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
    if (n && r % 4 == 1) buf[(r >> 4) % n] = bytes[(r >> 2) % 24];
    if (n && r % 4 == 2) n -= 1 + (r >> 4) % (n < 3 ? n : 3);
    unsigned char *e = malloc(n ? n : 1);
    memcpy(e, buf, n);
    int want = ref_valid(e, n);
    valid += want;
    bad += pith_utf8_valid((const char *)e, n) != want;
    free(e);
  }
  INT_EQ(bad, 0, "random texts: pith_utf8_valid agrees with a byte-at-a-time check");
  OK(valid > 5000 && valid < 15000, "both kinds are met (%d valid of 20000)", valid);
}

int main(void) {
  test_boms();
  test_forced();
  test_labels();
  test_transport();
  test_meta();
  test_mislabel();
  test_xml();
  test_utf8();
  test_utf8_chunks();
  test_utf8_random();
  test_iconv_errors();
  test_detect();
  test_utf8_or_not();
  test_clean_charset();
  return test_done();
}
