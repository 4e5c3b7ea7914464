/* Normalization pipeline (src/normalize.c) and entities (src/entities.c). */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "entities.h"
#include "harness.h"
#include "normalize.h"
#include "pith.h"

#define ALL                                                                  \
  (PITH_OPT_MOJIBAKE | PITH_OPT_ENTITIES | PITH_OPT_NFC | PITH_OPT_ASCII_QUOTES | \
   PITH_OPT_SPACES)

static pith_buf outb = PITH_BUF_INIT;

static const char *norm_n(const char *s, size_t n, unsigned flags) {
  pith_buf_clear(&outb);
  int st = pith_normalize(s, n, flags, &outb);
  if (st != PITH_OK) return "(error)";
  return pith_buf_cstr(&outb);
}
static const char *norm(const char *s, unsigned flags) { return norm_n(s, strlen(s), flags); }

static const char *inl(const char *s, unsigned flags, int keep) {
  pith_buf_clear(&outb);
  if (pith_normalize_inline(s, strlen(s), flags, keep, &outb) != PITH_OK) return "(error)";
  return pith_buf_cstr(&outb);
}

static void test_lines(void) {
  STR_EQ(norm("a\r\nb\rc\nd", ALL), "a\nb\nc\nd", "CRLF, CR, LF -> LF");
  STR_EQ(norm("a\r\nb\r\n", 0), "a\nb\n", "line ends normalized even with no flags");
  STR_EQ(norm("no final newline", ALL), "no final newline", "missing final newline kept");
  STR_EQ(norm("one\n", ALL), "one\n", "final newline kept");
  STR_EQ(norm("a\n\nb\n\n\nc", ALL), "a\n\nb\n\n\nc", "blank lines preserved");
  STR_EQ(norm("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\xC2\x85" "d", ALL), "a\nb\nc\nd",
         "U+2028, U+2029, NEL -> LF");
  STR_EQ(norm("a\xE2\x80\xA8" "b", 0), "a\nb", "U+2028 -> LF without flags");
  STR_EQ(norm("  x  \n \t \ny", ALL), "x\n\ny", "lines trimmed, whitespace-only lines empty");
  STR_EQ(norm("", ALL), "", "empty input");
  STR_EQ(norm("\n", ALL), "\n", "lone newline");
  STR_EQ(norm("\r", ALL), "\n", "lone CR");
}

static void test_spaces(void) {
  STR_EQ(norm("a   b \t c", PITH_OPT_SPACES), "a b c", "runs collapsed, tab -> space");
  STR_EQ(norm("a   b\tc", 0), "a   b\tc", "SPACES off: untouched");
  STR_EQ(norm("a\xC2\xA0" "b\xE2\x80\x83" "c\xE3\x80\x80" "d\xE2\x80\xAF" "e\xE1\x9A\x80"
              "f\xE2\x81\x9F" "g", PITH_OPT_SPACES),
         "a b c d e f g", "NBSP, em space, ideographic, narrow, ogham, math spaces -> ' '");
  STR_EQ(norm("zero\xE2\x80\x8Bwidth soft\xC2\xADhyphen \xEF\xBB\xBF" "bom word\xE2\x81\xA0joiner",
              PITH_OPT_SPACES),
         "zerowidth softhyphen bom wordjoiner", "ZWSP, SHY, BOM, WJ removed");
  STR_EQ(norm("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 a\xE2\x80\x8C" "b", PITH_OPT_SPACES),
         "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 a\xE2\x80\x8C" "b", "ZWJ / ZWNJ kept");
  STR_EQ(norm("a\x01" "b\x1B" "c\x7F" "d\x0B" "e\x0C" "f", PITH_OPT_SPACES), "abcdef",
         "C0 controls and DEL removed");
  STR_EQ(norm("a\x01" "b", 0), "a\x01" "b", "controls kept without SPACES");
  STR_EQ(norm_n("a\0b", 3, 0), "ab", "NUL removed even without flags");
  STR_EQ(norm("x\xC2\x81y\xC2\x9Dz", PITH_OPT_SPACES), "xyz", "C1 controls removed");
  STR_EQ(norm("\xC2\xA0\xC2\xA0 lead and trail \xE3\x80\x80", PITH_OPT_SPACES),
         "lead and trail", "Unicode spaces trimmed at line ends");
  STR_EQ(norm("keep \xC2\xA0nbsp", 0), "keep \xC2\xA0nbsp", "NBSP kept without SPACES");
}

static void test_quotes(void) {
  STR_EQ(norm("‘a’ ‚b‛ 5′ “c” „d‟ 6″ ʼe", PITH_OPT_ASCII_QUOTES),
         "'a' 'b' 5' \"c\" \"d\" 6\" 'e", "curly quotes and primes to ASCII");
  STR_EQ(norm("‘a’ “c”", 0), "‘a’ “c”", "quotes kept without the flag");
  STR_EQ(norm("« guillemets » ‹ › – —", PITH_OPT_ASCII_QUOTES), "« guillemets » ‹ › – —",
         "guillemets and dashes left alone");
}

static void test_entities(void) {
  unsigned E = PITH_OPT_ENTITIES;
  STR_EQ(norm("Tom &amp; Jerry &lt;3 &gt; &quot;x&quot; &#39;y&#39;", E),
         "Tom & Jerry <3 > \"x\" 'y'", "basic entities");
  STR_EQ(norm("it&#8217;s &#x2019; &#X201C;", E), "it’s ’ “", "numeric dec and hex");
  STR_EQ(norm("&eacute;t&eacute; &hellip; &mdash; &euro; &NotEqualTilde;", E),
         "été … — € ≂̸", "named entities, incl. a two-code-point one");
  STR_EQ(norm("&#128; &#150; &#x92; &#153;", E), "€ – ’ ™", "&#128;-&#159; via windows-1252");
  STR_EQ(norm("&#0; &#xD800; &#x110000; &#99999999999999999999;", E), "� � � �",
         "invalid code points -> U+FFFD");
  STR_EQ(norm("AT&amp T &copy 2024 &nbsp;x", E), "AT& T © 2024 \xC2\xA0x",
         "legacy entities without ';'");
  STR_EQ(norm("&hellip &mdash &notanentity; & && &; &#; &#x;", E),
         "&hellip &mdash &notanentity; & && &; &#; &#x;", "not entities: left alone");
  STR_EQ(norm("/p?a=1&copy=2&amp=3", E), "/p?a=1&copy=2&amp=3", "URL parameters left alone");
  STR_EQ(norm("&amp;amp;", E), "&amp;", "decoded once, not recursively");
  STR_EQ(norm("&amp;", 0), "&amp;", "entities kept without the flag");
  STR_EQ(norm("a&nbsp;&nbsp;b &#9;c", E | PITH_OPT_SPACES), "a b c",
         "entities decode before spaces are normalized");
  STR_EQ(norm("&ldquo;hi&rdquo;", E | PITH_OPT_ASCII_QUOTES), "\"hi\"",
         "entities decode before quotes");
  /* lines are checked for references only at an '&' before '#' or a letter
   * or digit: the others go through as they are, the rest are decoded */
  STR_EQ(norm("Tom & Jerry &\nQ&A &amp; R&D\n& &#38; &\n&", ALL),
         "Tom & Jerry &\nQ&A & R&D\n& & &\n&", "'&' before other bytes");

  uint32_t cp[2];
  int n = 0;
  INT_EQ(pith_entity_decode("&lt;x", 5, cp, &n), 4, "consumed length");
  INT_EQ(cp[0], '<', "code point");
  INT_EQ(pith_entity_decode("&zzz;", 5, cp, &n), 0, "unknown name");
  INT_EQ(pith_entity_decode("&#65", 4, cp, &n), 4, "numeric without ';' at the end");
  INT_EQ(cp[0], 'A', "numeric value");
}

static void test_nfc(void) {
  STR_EQ(norm("e\xCC\x81t\xC3\xA9", PITH_OPT_NFC), "\xC3\xA9t\xC3\xA9", "e + U+0301 -> é");
  STR_EQ(norm("e\xCC\x81", 0), "e\xCC\x81", "no NFC without the flag");
  STR_EQ(norm("\xE2\x84\xAB", PITH_OPT_NFC), "\xC3\x85", "Angstrom sign -> Å");
  STR_EQ(norm("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", PITH_OPT_NFC), "\xED\x95\x9C",
         "Hangul jamo compose");
  STR_EQ(norm("Привет 中文 😀 é", PITH_OPT_NFC), "Привет 中文 😀 é", "NFC text unchanged");
}

static void test_mojibake_flag(void) {
  STR_EQ(norm("Itâ€™s cafÃ©", PITH_OPT_MOJIBAKE), "It’s café", "MOJIBAKE on");
  STR_EQ(norm("Itâ€™s cafÃ©", 0), "Itâ€™s cafÃ©", "MOJIBAKE off");
  STR_EQ(norm("Itâ€™s â€œokâ€\xC2\x9D 10Â\xC2\xA0km", ALL), "It's \"ok\" 10 km",
         "mojibake -> quotes -> spaces, in order");
  STR_EQ(norm("line one\nItâ€™s\n", ALL), "line one\nIt's\n", "per line");
  /* the fused pass hands back only lines with "Ã"/"Â" before a non-ASCII
   * byte or a space, or a C1 control: mojibake inside letter runs (one and
   * two letters a step), after Latin-1 letters it keeps, and none */
  STR_EQ(norm("\xD0\xB4\xD0\xB4 cafÃ©", ALL), "\xD0\xB4\xD0\xB4 caf\xC3\xA9", "after a run");
  STR_EQ(norm("\xD0\xB4Ã©\xD0\xB4", ALL), "\xD0\xB4\xC3\xA9\xD0\xB4", "in a run, odd letter");
  STR_EQ(norm("\xD0\xB4\xD0\xB4Ã©\xD0\xB4", ALL), "\xD0\xB4\xD0\xB4\xC3\xA9\xD0\xB4",
         "in a run, even letter");
  STR_EQ(norm("caf\xC3\xA9 na\xC3\xAFve Ã©t\xC3\xA9", ALL),
         "caf\xC3\xA9 na\xC3\xAFve \xC3\xA9t\xC3\xA9", "after Latin-1 letters");
  STR_EQ(norm("caf\xC3\xA9 \xC2\xAB\xD0\xB4\xC2\xBB \xC3\x83x", ALL),
         "caf\xC3\xA9 \xC2\xAB\xD0\xB4\xC2\xBB \xC3\x83x", "no mojibake: kept");
  STR_EQ(norm("a \xC2\x80 b", ALL), "a \xE2\x82\xAC b", "C1 control");
  STR_EQ(norm("voil\xC3\xA0 d\xC3\xA9Ã©j\xC3\xA0 vu", ALL),
         "voil\xC3\xA0 d\xC3\xA9\xC3\xA9j\xC3\xA0 vu", "Latin-1 in a run, mojibake after one");
}

static void test_inline(void) {
  STR_EQ(inl("  a\n  b\r\nc  ", ALL, 0), "a b c", "inline joins lines");
  STR_EQ(inl("a\n\n b ", ALL, 1), "a\n\nb", "inline keep_newlines");
  STR_EQ(inl("a\nb", 0, 0), "a b", "inline without SPACES still joins");
  STR_EQ(inl("x\xE2\x80\xA8y", ALL, 0), "x y", "U+2028 inside a block is a space");
  STR_EQ(inl("", ALL, 0), "", "empty");
}

static void test_big(void) {
  /* long mixed input: every line comes out, in order, nothing lost */
  pith_buf in = PITH_BUF_INIT;
  for (int i = 0; i < 20000; i++)
    pith_buf_printf(&in, "line %d  with  spaces &amp; caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D\n", i);
  pith_buf o = PITH_BUF_INIT;
  INT_EQ(pith_normalize(in.data, in.len, ALL, &o), PITH_OK, "big input ok");
  size_t lines = 0;
  for (size_t i = 0; i < o.len; i++) lines += o.data[i] == '\n';
  INT_EQ(lines, 20000, "line count kept");
  OK(strstr(o.data, "line 19999 with spaces & caf\xC3\xA9 \"q\"\n") != NULL, "last line normalized");
  pith_buf_free(&in);
  pith_buf_free(&o);
}

/* Property: any bytes -> decode -> normalize gives valid UTF-8 without
 * NUL, C0 controls (but '\n') or CR, under every charset path. */
static void test_random(void) {
  static const char *alphabet[] = {"a", " ", "  ", "\t", "\n", "\r", "&", "&amp;", "&#x",
                                   ";", "\xC3", "\xA9", "\xC2", "\xA0", "\xE2\x80",
                                   "\x99", "\x9D", "\xF0\x9F", "\x98\x80", "\xCC\x81",
                                   "\0", "\x01", "\xFF", "\xED\xA0\x80", "Ã", "â€",
                                   "<meta charset=", "koi8-r>", "&nbsp", "\xE2\x80\xA8"};
  const char *charsets[] = {NULL, "utf-8", "windows-1252", "shift_jis", "utf-16le", "gbk"};
  unsigned seed = 12345;
  int bad = 0;
  for (int iter = 0; iter < 3000; iter++) {
    pith_buf in = PITH_BUF_INIT, dec = PITH_BUF_INIT, out = PITH_BUF_INIT;
    int parts = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
    for (int k = 0; k < parts; k++) {
      const char *p = alphabet[((seed = seed * 1103515245u + 12345u) >> 16) % 30];
      pith_buf_put(&in, p, *p ? strlen(p) : 1);
    }
    pith_decode_opts o = {charsets[iter % 6], NULL, iter % 2};
    char cs[32];
    int st = pith_decode(in.data, in.len, &o, &dec, cs, sizeof cs);
    if (st != PITH_OK || !pith_utf8_valid(dec.data, dec.len)) bad++;
    unsigned flags = (unsigned)iter & 0x3E;
    /* the bytes as they are, not decoded: plain text is normalized before
     * its check (pith.c), so any bytes must be read safely (ASan) */
    pith_buf raw = PITH_BUF_INIT;
    if (pith_normalize(in.data, in.len, flags, &raw) != PITH_OK) bad++;
    pith_buf_free(&raw);
    st = pith_normalize(dec.data, dec.len, flags, &out);
    if (st != PITH_OK || !pith_utf8_valid(out.data, out.len)) bad++;
    for (size_t i = 0; i < out.len; i++) {
      unsigned char c = (unsigned char)out.data[i];
      if (c == 0 || c == '\r' || ((flags & PITH_OPT_SPACES) && c < 0x20 && c != '\n')) {
        bad++;
        break;
      }
    }
    pith_buf_free(&in);
    pith_buf_free(&dec);
    pith_buf_free(&out);
  }
  INT_EQ(bad, 0, "random bytes: decode + normalize always give clean UTF-8");
}

/* The fused pass copies plain ASCII 16 (or, with AVX2, 32) bytes at a
 * time and two-byte letters in runs: every case below is shifted by 0..72
 * plain bytes before and 0, 1, 17 or 33 after, so sequences, spaces and
 * marks fall on every chunk boundary. norm(P + S + Q) must be P + E + Q. */
static void test_chunk_boundaries(void) {
  static const struct {
    const char *in, *want;
    unsigned flags;
  } cases[] = {
      {"\xC3\xA9", "\xC3\xA9", 0},
      {"caf\xC3\xA9 na\xC3\xAFve", "caf\xC3\xA9 na\xC3\xAFve", 0},
      {"e\xCC\x81", "\xC3\xA9", 0},                             /* e + U+0301 composes */
      {"\xC3\xA9\xCC\x81", "\xC3\xA9\xCC\x81", 0},              /* Latin-1 + mark: no pair */
      {"\xD0\xB8\xCC\x86", "\xD0\xB9", 0},                      /* и + breve -> й */
      {"\xEA\xB0\x80\xE1\x86\xA8", "\xEA\xB0\x81", 0},          /* 가 + T jamo -> 각 */
      {"\xE2\x80\x9Cq\xE2\x80\x9D it\xE2\x80\x99s", "\"q\" it's", 0},
      {"a\xE2\x80\x94" "b\xE2\x80\x93" "c", "a\xE2\x80\x94" "b\xE2\x80\x93" "c", 0},
      {"a  b", "a b", 0},
      {"a \t b", "a b", 0},
      {"a                   b", "a b", 0},
      {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82  \xD0\xBC\xD0\xB8\xD1\x80 \xD0\xB4",
       "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80 \xD0\xB4", 0},
      {"\xD0\xB4\xC2\xA0\xD0\xB4", "\xD0\xB4 \xD0\xB4", 0},     /* NBSP inside a run */
      {"\xD0\xB4\xCA\xBC\xD0\xB4", "\xD0\xB4'\xD0\xB4", 0},     /* ʼ inside a run */
      {"\xD0\xB4\xC2\xAD\xD0\xB4", "\xD0\xB4\xD0\xB4", 0},      /* SHY inside a run */
      {"\xD7\x90\xD6\xB8", "\xD7\x90\xD6\xB8", 0}, /* alef + qamats: U+FB2E is excluded */
      {"a\xE2\x80\x8B" "b\xC2\xAD" "c", "abc", 0},
      {"a&amp;b", "a&b", 0},
      {"a&b", "a&b", 0},
      {"\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80", "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80", 0},
      /* CJK whose continuation bytes, read as leads, would give NBSP, SHY
       * and NEL; dashes and an ellipsis: copied in the chunks (a chunk
       * that cuts one carries the rest to the next) */
      {"\xE4\x82\xA0\xE4\x82\xAD\xE4\x82\x85 \xE4\x82\xA0",
       "\xE4\x82\xA0\xE4\x82\xAD\xE4\x82\x85 \xE4\x82\xA0", 0},
      {"x\xE2\x80\x94\xE2\x80\x90 \xE2\x80\xA6y", "x\xE2\x80\x94\xE2\x80\x90 \xE2\x80\xA6y", 0},
      /* relieved along with CJK: dashes; not quotes (mapped to ASCII) */
      {"\xE4\xB8\xAD\xE2\x80\x94\xE2\x80\xA6\xE4\xB8\xAD",
       "\xE4\xB8\xAD\xE2\x80\x94\xE2\x80\xA6\xE4\xB8\xAD", 0},
      {"\xE4\xB8\xAD\xE2\x80\x9C\xE4\xB8\xAD\xE2\x80\x9D", "\xE4\xB8\xAD\"\xE4\xB8\xAD\"", 0},
      {"\xEA\x82\xA0\xEA\x82\x85", "\xEA\x82\xA0\xEA\x82\x85", PITH_OPT_SPACES},
      {"a  b", "a  b", PITH_OPT_NFC},                            /* SPACES off: copied */
      {"\xE2\x80\x9Cq\xE2\x80\x9D", "\xE2\x80\x9Cq\xE2\x80\x9D", PITH_OPT_SPACES},
      {"e\xCC\x81", "e\xCC\x81", PITH_OPT_SPACES},
  };
  char in[256], want[256];
  int bad = 0;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    unsigned flags = cases[c].flags ? cases[c].flags : ALL;
    for (int k = 0; k <= 72; k++) {
      for (int m = 0; m <= 33; m += (m == 0 ? 1 : 16)) {
        char p[80], q[40];
        for (int i = 0; i < k; i++) p[i] = (char)('a' + i % 26);
        p[k] = '\0';
        for (int i = 0; i < m; i++) q[i] = (char)('A' + i % 26);
        q[m] = '\0';
        snprintf(in, sizeof in, "%s%s%s", p, cases[c].in, q);
        snprintf(want, sizeof want, "%s%s%s", p, cases[c].want, q);
        if (strcmp(norm(in, flags), want) != 0 && bad++ < 5)
          printf("# case %zu k=%d m=%d: got [%s] want [%s]\n", c, k, m, norm(in, flags), want);
      }
    }
  }
  INT_EQ(bad, 0, "every case at every offset from a 16- or 32-byte chunk start");
}

/* Spaces owed across chunks and lines: trailing, leading, doubled at a
 * boundary, in block (inline) mode too. */
static void test_chunk_spaces(void) {
  char in[200], want[200], p[80];
  int bad = 0;
  for (int k = 1; k <= 72; k++) {
    for (int i = 0; i < k; i++) p[i] = (char)('a' + i % 26);
    p[k] = '\0';
    snprintf(in, sizeof in, "%s \nb", p);
    snprintf(want, sizeof want, "%s\nb", p);
    bad += strcmp(norm(in, ALL), want) != 0;
    snprintf(in, sizeof in, "x\n   %s  ", p);
    snprintf(want, sizeof want, "x\n%s", p);
    bad += strcmp(norm(in, ALL), want) != 0;
    snprintf(in, sizeof in, "%s  %s", p, p);
    snprintf(want, sizeof want, "%s %s", p, p);
    bad += strcmp(norm(in, ALL), want) != 0;
    snprintf(in, sizeof in, "%s \n  %s\r\n", p, p);
    snprintf(want, sizeof want, "%s %s", p, p);
    bad += strcmp(inl(in, ALL, 0), want) != 0;
    snprintf(in, sizeof in, "%s\xC2\xA0 \xE3\x80\x80%s", p, p);
    snprintf(want, sizeof want, "%s %s", p, p);
    bad += strcmp(norm(in, ALL), want) != 0;
  }
  INT_EQ(bad, 0, "owed spaces at every chunk offset");
}

/* Any bytes, in a buffer of their exact size (ASan finds a read past
 * it), under every flag set: plain text is normalized before it is known
 * to be UTF-8 (pith.c checks it after), so no input may be read out of
 * bounds. Lead, continuation and invalid bytes among ASCII, at lengths
 * that end chunks of 16 and 32 bytes anywhere. */
static void test_raw_bytes(void) {
  static const unsigned char pick[] = {'a', 'b', ' ', ' ', '\n', '\r', '&', '#', ';', 'x',
                                       0x80, 0x9C, 0xA0, 0xBF, 0xC0, 0xC2, 0xC3, 0xCC,
                                       0xD0, 0xDF, 0xE0, 0xE2, 0xE3, 0xED, 0xEF, 0xF0,
                                       0xF4, 0xF8, 0xFF, 0x00, 0x01, '\t'};
  unsigned seed = 777;
  int bad = 0;
  for (int iter = 0; iter < 4000; iter++) {
    size_t n = ((seed = seed * 1103515245u + 12345u) >> 16) % 200;
    unsigned char *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) b[i] = pick[((seed = seed * 1103515245u + 12345u) >> 16) % 32];
    pith_buf out = PITH_BUF_INIT;
    if (pith_normalize((const char *)b, n, (unsigned)iter & 0x3E, &out) != PITH_OK) bad++;
    pith_buf_free(&out);
    free(b);
  }
  INT_EQ(bad, 0, "any bytes normalized without error");
}

/* Input that breaks the promise of valid UTF-8 is decoded as before: a
 * sequence cut by a line end or the text's end is taken as it is. */
static void test_invalid_utf8(void) {
  STR_EQ(norm_n("ab\xD0", 3, ALL), "ab\xD0", "text ending after a lead byte");
  STR_EQ(norm_n("ab\xE2\x80", 4, ALL), "ab\xE2\x80", "text ending mid three-byte sequence");
  STR_EQ(norm_n("x\xCC\ny", 4, ALL), "x\xCC\ny", "lead byte before a line end");
  STR_EQ(norm_n("x\xE2\x80\ry", 5, ALL), "x\xE2\x80\ny", "sequence cut by a CR");
  STR_EQ(norm_n("\xD0\xB4\xFF\xD0\xB4", 5, ALL), "\xD0\xB4\xFF\xD0\xB4", "0xFF in a letter run");
  STR_EQ(norm_n("\xD0\xB4\x80\xD0\xB4", 5, ALL), "\xD0\xB4\x80\xD0\xB4", "stray continuation");
  STR_EQ(norm_n("\xC0\x85x", 3, ALL), "\xC0\x85x", "overlong NEL is no line end");
}

/* The lead bytes normalize.c copies letters of without a look of their
 * own (TWO_OK_LEADS, TWO_OK_LEADS_NFC): every code point they start goes
 * through unchanged, alone, in letter runs (two at a time) and between
 * spaces. */
static void test_two_byte_leads(void) {
  static const unsigned masks[2] = {0xfffffbf8u, 0x443b8bf8u};
  for (int nfc = 0; nfc < 2; nfc++) {
    unsigned flags = PITH_OPT_SPACES | PITH_OPT_ASCII_QUOTES | PITH_OPT_ENTITIES |
                     (nfc ? PITH_OPT_NFC : 0);
    for (unsigned lead = 0xC2; lead <= 0xDF; lead++) {
      if (!((masks[nfc] >> (lead & 31)) & 1)) continue;
      for (unsigned t = 0x80; t < 0xC0; t++) {
        char l[3] = {(char)lead, (char)t, 0}, in[64];
        strcpy(in, "a ");
        for (int k = 0; k < 5; k++) strcat(in, l);
        strcat(in, " ");
        strcat(in, l);
        strcat(in, "\nb");
        strcat(in, l);
        int ok = strcmp(norm(in, flags), in) == 0;
        if (!ok) OK(0, "lead %02X tail %02X nfc %d copied as is", lead, t, nfc);
      }
    }
  }
  OK(1, "two-byte leads copied as is");
}

/* The three-byte leads copied without a look of their own
 * (THREE_OK_LEADS, THREE_OK_LEADS_NFC): all 4096 code points of each go
 * through unchanged, in runs and between single spaces. */
static void test_three_byte_leads(void) {
  static const unsigned masks[2] = {0x7ff0u, 0x7bf0u};
  static char in[4 * 4096 + 16];
  for (int nfc = 0; nfc < 2; nfc++) {
    unsigned flags = PITH_OPT_SPACES | PITH_OPT_ASCII_QUOTES | PITH_OPT_ENTITIES |
                     (nfc ? PITH_OPT_NFC : 0);
    for (unsigned lead = 0xE0; lead <= 0xEF; lead++) {
      if (!((masks[nfc] >> (lead & 15)) & 1)) continue;
      size_t n = 0;
      in[n++] = 'a';
      for (unsigned t = 0; t < 4096; t++) {
        in[n++] = (char)lead, in[n++] = (char)(0x80 | t >> 6), in[n++] = (char)(0x80 | (t & 63));
        if (t % 5 == 4) in[n++] = ' ';
      }
      in[n] = 0;
      int ok = strcmp(norm(in, flags), in) == 0;
      if (!ok) OK(0, "lead %02X nfc %d copied as is", lead, nfc);
    }
  }
  OK(1, "three-byte leads copied as is");
  /* dashes and bullets U+2010..U+2017, U+2020..U+2027 go through plain runs
   * as they are, under every flag */
  for (unsigned cp = 0x2010; cp < 0x2028; cp++) {
    if (cp == 0x2018) cp = 0x2020;
    char ch[4] = {(char)0xE2, (char)0x80, (char)(0x80 | (cp & 0x3F)), 0}, in2[64];
    snprintf(in2, sizeof in2, "ab%scd %s x%s\n%sy", ch, ch, ch, ch);
    for (unsigned flags = 0; flags < 64; flags += 2)
      if (strcmp(norm(in2, flags), in2) != 0) OK(0, "U+%04X flags %u copied as is", cp, flags);
  }
  OK(1, "dashes and bullets copied as is");
  /* an '&' that starts no reference stays in its run, at every offset
   * from a chunk start and under every flag; one before '#' or a letter
   * is decoded with ENTITIES */
  for (int off = 0; off < 40; off++) {
    char in2[128], want[128];
    memset(in2, 'x', (size_t)off);
    strcpy(in2 + off, "a & b&. c&\n&-&& d &");
    for (unsigned flags = 0; flags < 64; flags += 2)
      if (strcmp(norm(in2, flags), in2) != 0) OK(0, "'&' at %d flags %u copied as is", off, flags);
    memset(in2, 'x', (size_t)off);
    strcpy(in2 + off, "a & b&amp;c &#38; & &x");
    memset(want, 'x', (size_t)off);
    strcpy(want + off, "a & b&c & & &x");
    if (strcmp(norm(in2, ALL), want) != 0) OK(0, "'&' at %d before references", off);
  }
  OK(1, "'&' before other bytes copied in runs");
  /* Latin-1 signs U+00A1..U+00BF but the soft hyphen (© « » °) too; NBSP
   * and the soft hyphen are not copied (SPACES) */
  for (unsigned t = 0xA1; t < 0xC0; t++) {
    if (t == 0xAD) continue;
    char ch[3] = {(char)0xC2, (char)t, 0}, in2[64];
    snprintf(in2, sizeof in2, "ab%scd %s x%s\n%sy", ch, ch, ch, ch);
    for (unsigned flags = 0; flags < 64; flags += 2)
      if (strcmp(norm(in2, flags), in2) != 0) OK(0, "U+00%02X flags %u copied as is", t, flags);
  }
  OK(1, "Latin-1 signs copied as is");
  STR_EQ(norm("ab\xC2\xA0" "cd\xC2\xAD" "ef", ALL), "ab cdef", "NBSP and SHY in a plain run");
  STR_EQ(norm("\xE2\x80\x98" "a\xE2\x80\x9B \xE2\x80\x9C\xE2\x80\x9F", ALL), "'a' \"\"",
         "curly quotes U+2018..U+201F");
  STR_EQ(norm("\xE2\x80\x99", PITH_OPT_SPACES), "\xE2\x80\x99", "quotes kept without ASCII_QUOTES");
}

/* Line ends met inside plain runs, at every offset from a chunk start,
 * with the space before them owed, in both line modes. */
static void test_plain_line_ends(void) {
  for (int off = 0; off < 40; off++) {
    char in[128], want[128], want_inl[128];
    memset(in, 'x', (size_t)off);
    in[off] = 0;
    strcpy(want, in);
    strcat(in, "ab \ncd\nef  \n gh\n\nij");
    strcat(want, "ab\ncd\nef\ngh\n\nij");
    STR_EQ(norm(in, PITH_OPT_SPACES), want, "plain line ends, offset %d", off);
    memset(want_inl, 'x', (size_t)off);
    want_inl[off] = 0;
    strcat(want_inl, "ab cd ef gh ij");
    STR_EQ(inl(in, PITH_OPT_SPACES, 0), want_inl, "joined line ends, offset %d", off);
    STR_EQ(inl(in, PITH_OPT_SPACES, 1), want, "kept line ends, offset %d", off);
    strcpy(want, in);
    STR_EQ(norm(in, 0), want, "plain line ends without SPACES, offset %d", off);
  }
  STR_EQ(norm("a &amp; b\nc d\n", ALL), "a & b\nc d\n", "entity line then a plain one");
}

int main(void) {
  test_random();
  test_two_byte_leads();
  test_three_byte_leads();
  test_plain_line_ends();
  test_lines();
  test_spaces();
  test_quotes();
  test_entities();
  test_nfc();
  test_mojibake_flag();
  test_inline();
  test_big();
  test_chunk_boundaries();
  test_chunk_spaces();
  test_invalid_utf8();
  test_raw_bytes();
  pith_buf_free(&outb);
  return test_done();
}
