#include "meta.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filters_builtin.h"
#include "swar.h"

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#include <emmintrin.h>
#endif

/* ---- dates ------------------------------------------------------------ */

/* memcmp() of short names inline: most differ at the first byte. */
static int bytes_cmp(const char *a, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)a[i] != b[i]) return (unsigned char)a[i] < b[i] ? -1 : 1;
  return 0;
}

/* Month number of a word from filters/months.txt, 0 when it is not a
 * month name. ASCII letters are folded (the names are lowercase; other
 * bytes compare as they are), and the first line naming a word decides.
 * The table is generated from the file at build time (pith_month_names,
 * sorted by length, then bytes): a binary search, no state. */
static int month_number(const char *w, size_t n) {
  if (n < 3 || n > 12) return 0;
  unsigned char key[12];
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c == ' ' || c == '\n') return 0; /* names are single words */
    key[i] = (unsigned char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  }
  /* The first name of the word's length and first byte (a search whose
   * steps select instead of branching: each comparison goes either way),
   * then the few names that share them. */
  const pith_month_name *t = pith_month_names;
  size_t lo = 0, count = pith_month_names_count;
  const unsigned want = (unsigned)n << 8 | key[0];
  if (count == 0) return 0;
  while (count > 1) {
    size_t half = count / 2;
    const pith_month_name *e = &t[lo + half - 1];
    lo += ((unsigned)e->len << 8 | (unsigned char)e->name[0]) < want ? half : 0;
    count -= half;
  }
  for (size_t i = lo; i < pith_month_names_count; i++) {
    const pith_month_name *e = &t[i];
    unsigned have = (unsigned)e->len << 8 | (unsigned char)e->name[0];
    if (have > want) break;
    if (have == want && bytes_cmp(e->name + 1, key + 1, n - 1) == 0) return e->month;
  }
  return 0;
}

/* Does s hold an ASCII digit? 16 bytes at a time with SSE2, else 8 (the
 * last block overlaps the one before: a yes/no answer does not mind);
 * lines under 8 bytes byte by byte. */
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
static int digits16(const char *p) {
  /* b - '0' < 10 as unsigned bytes: flipped to signed, < -128 + 10 */
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i t = _mm_xor_si128(_mm_sub_epi8(v, _mm_set1_epi8('0')), _mm_set1_epi8(-128));
  return _mm_movemask_epi8(_mm_cmplt_epi8(t, _mm_set1_epi8(-128 + 10)));
}
#endif

static int digits64(uint64_t x) {
  const uint64_t low = ~PITH_SWAR_HIGH;
  uint64_t y = x & low;
  /* bit 7 of each byte: (b & 0x7F) >= '0', not >= ':', and b < 0x80 */
  return ((y + PITH_SWAR_ONES * (0x80 - '0')) & ~(y + PITH_SWAR_ONES * (0x80 - ':')) & ~x &
          PITH_SWAR_HIGH) != 0;
}

static int digits8(const char *p) { return digits64(pith_swar_load(p)); }

static inline int has_digit(const char *s, size_t n) {
  if (n < 8) {
    if (n >= 4) { /* two overlapping 4-byte loads in one word */
      uint32_t a, b;
      memcpy(&a, s, 4);
      memcpy(&b, s + n - 4, 4);
      return digits64(a | (uint64_t)b << 32);
    }
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)(s[i] - '0') <= 9) return 1;
    return 0;
  }
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
  if (n >= 16) {
    for (size_t i = 0;; i += 16) {
      if (i + 16 > n) i = n - 16;
      if (digits16(s + i)) return 1;
      if (i + 16 == n) return 0;
    }
  }
  return digits8(s) || digits8(s + n - 8);
#else
  for (size_t i = 0;; i += 8) {
    if (i + 8 > n) i = n - 8;
    if (digits8(s + i)) return 1;
    if (i + 8 == n) return 0;
  }
#endif
}

/* strncasecmp(s, lw, k) == 0 for lw lowercase ASCII without NUL, inline
 * (the strings are short and most fail at the first or second byte): a
 * lowercase letter of lw matches itself and its capital, other bytes only
 * themselves. */
static int eq_lower(const char *s, const char *lw, size_t k) {
  for (size_t j = 0; j < k; j++) {
    char c = s[j], l = lw[j];
    if (c != l && !(l >= 'a' && l <= 'z' && c == l - 0x20)) return 0;
  }
  return 1;
}

static int read_int(const char *s, size_t n, size_t *i, int maxdigits) {
  int v = 0, k = 0;
  while (*i < n && k < maxdigits && isdigit((unsigned char)s[*i])) {
    v = v * 10 + (s[*i] - '0');
    (*i)++;
    k++;
  }
  return k ? v : -1;
}

static int valid_ymd(int y, int m, int d) {
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Two decimal digits of v (0..99) at o: what "%02d" writes. */
static char *put2(char *o, int v) {
  o[0] = (char)('0' + v / 10);
  o[1] = (char)('0' + v % 10);
  return o + 2;
}

/* "YYYY-MM-DD" of a valid_ymd() date, as "%04d-%02d-%02d" writes it;
 * returns its length (10). */
static int put_ymd(char out[40], int y, int m, int d) {
  char *o = put2(put2(out, y / 100), y % 100);
  *o++ = '-';
  o = put2(o, m);
  *o++ = '-';
  o = put2(o, d);
  *o = '\0';
  return 10;
}

/* ISO 8601 at s[i]: YYYY-MM-DD with optional THH:MM[:SS][Z|±HH:MM]. */
static int parse_iso(const char *s, size_t n, size_t i, char out[40],
                     size_t *end) {
  size_t j = i;
  int y = read_int(s, n, &j, 4);
  if (y < 0 || j - i != 4 || j >= n || (s[j] != '-' && s[j] != '/')) return 0;
  char sep = s[j++];
  int m = read_int(s, n, &j, 2);
  if (m < 0 || j >= n || s[j] != sep) return 0;
  j++;
  int d = read_int(s, n, &j, 2);
  if (!valid_ymd(y, m, d)) return 0;
  if (j < n && isdigit((unsigned char)s[j])) return 0;
  int len = put_ymd(out, y, m, d);
  if (j < n && (s[j] == 'T' || s[j] == ' ') && j + 5 < n + 0 &&
      isdigit((unsigned char)s[j + 1])) {
    size_t k = j + 1;
    int hh = read_int(s, n, &k, 2), mm = -1, ss = 0;
    if (k < n && s[k] == ':') {
      k++;
      mm = read_int(s, n, &k, 2);
      if (k < n && s[k] == ':') {
        k++;
        ss = read_int(s, n, &k, 2);
        if (k < n && s[k] == '.') {
          k++;
          while (k < n && isdigit((unsigned char)s[k])) k++;
        }
      }
    }
    if (hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 61) {
      char *o = out + len;
      *o++ = 'T';
      o = put2(o, hh);
      *o++ = ':';
      o = put2(o, mm);
      *o++ = ':';
      o = put2(o, ss);
      *o = '\0';
      if (k < n && s[k] == 'Z') {
        o[0] = 'Z';
        o[1] = '\0';
        k++;
      } else if (k + 5 < n + 1 && (s[k] == '+' || s[k] == '-') &&
                 isdigit((unsigned char)s[k + 1])) {
        size_t z = k + 1;
        int zh = read_int(s, n, &z, 2), zm = 0;
        if (z < n && s[z] == ':') z++;
        if (z < n && isdigit((unsigned char)s[z])) zm = read_int(s, n, &z, 2);
        if (zh >= 0 && zh < 15 && zm >= 0 && zm < 60) {
          o[0] = s[k];
          o = put2(o + 1, zh);
          *o++ = ':';
          o = put2(o, zm);
          *o = '\0';
          k = z;
        }
      }
      j = k;
    }
  }
  *end = j;
  return 1;
}

static int is_word_char(unsigned char c) { return isalpha(c) || c >= 0x80; }

/* "November 18, 2019", "Nov. 18 2019", "18 November 2019", "18. März 2019"
 * starting with the word at s[i]. */
static int parse_named(const char *s, size_t n, size_t i, char out[40],
                       size_t *end) {
  /* The month name is looked up last, once the day and year around it
   * make a date: most candidates ("Page 2") fail before the search. */
  size_t j = i;
  int day = -1, year = -1, mon = 0;
  size_t w, we;
  if (isdigit((unsigned char)s[j])) { /* day first */
    day = read_int(s, n, &j, 2);
    if (j < n && s[j] == '.') j++;
    while (j < n && s[j] == ' ') j++;
    if (j + 2 < n && strncmp(s + j, "de ", 3) == 0) j += 3; /* 5 de mayo */
    w = j;
    while (j < n && is_word_char((unsigned char)s[j])) j++;
    we = j;
    if (j - w < 3 || j - w > 12) return 0; /* no month name */
    if (j < n && s[j] == '.') j++;
    while (j < n && (s[j] == ' ' || s[j] == ',')) j++;
    if (j + 2 < n && strncmp(s + j, "de ", 3) == 0) j += 3;
    year = read_int(s, n, &j, 4);
  } else {
    w = j;
    while (j < n && is_word_char((unsigned char)s[j])) j++;
    we = j;
    if (j - w < 3 || j - w > 12) return 0; /* no month name */
    if (j < n && s[j] == '.') j++;
    while (j < n && s[j] == ' ') j++;
    day = read_int(s, n, &j, 2);
    if (j + 1 < n && (strncmp(s + j, "st", 2) == 0 || strncmp(s + j, "nd", 2) == 0 ||
                      strncmp(s + j, "rd", 2) == 0 || strncmp(s + j, "th", 2) == 0))
      j += 2;
    while (j < n && (s[j] == ' ' || s[j] == ',')) j++;
    year = read_int(s, n, &j, 4);
  }
  if (!valid_ymd(year, 1, day)) return 0;
  mon = month_number(s + w, we - w);
  if (!mon || !valid_ymd(year, mon, day)) return 0;
  put_ymd(out, year, mon, day);
  *end = j;
  return 1;
}

/* "12.03.2024": day first with dots is the European numeric form and is
 * not ambiguous; slashes ("03/12/2024") are, and stay unparsed. */
static int parse_dotted(const char *s, size_t n, size_t i, char out[40],
                        size_t *end) {
  size_t j = i;
  int day = read_int(s, n, &j, 2);
  if (day < 0 || j >= n || s[j] != '.') return 0;
  j++;
  int mon = read_int(s, n, &j, 2);
  if (mon < 0 || j >= n || s[j] != '.') return 0;
  j++;
  size_t y0 = j;
  int year = read_int(s, n, &j, 4);
  if (j - y0 != 4 || !valid_ymd(year, mon, day)) return 0;
  if (j < n && isdigit((unsigned char)s[j])) return 0;
  put_ymd(out, year, mon, day);
  *end = j;
  return 1;
}

/* "3 days ago" against a reference date. */
static int parse_relative(const char *s, size_t n, size_t i, const char *ref,
                          char out[40], size_t *end) {
  static const struct { const char *unit; int days; } units[] = {
      {"second", 0}, {"minute", 0}, {"hour", 0}, {"day", 1},
      {"week", 7},   {"month", 30}, {"year", 365}};
  size_t j = i;
  int k = read_int(s, n, &j, 4);
  if (k < 0) return 0;
  while (j < n && s[j] == ' ') j++;
  /* the units start with one of these letters: most numbers are followed
   * by none */
  if (j >= n) return 0;
  switch (s[j] | 0x20) {
    case 's': case 'm': case 'h': case 'd': case 'w': case 'y': break;
    default: return 0;
  }
  for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
    size_t ul = strlen(units[u].unit);
    if (j + ul > n || !eq_lower(s + j, units[u].unit, ul)) continue;
    size_t e = j + ul;
    if (e < n && s[e] == 's') e++;
    while (e < n && s[e] == ' ') e++;
    if (e + 3 > n || !eq_lower(s + e, "ago", 3)) return 0;
    int y, m, d;
    if (!ref || sscanf(ref, "%d-%d-%d", &y, &m, &d) != 3) return 0;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d - k * units[u].days;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    struct tm r;
    if (!gmtime_r(&t, &r)) return 0;
    snprintf(out, 40, "%04d-%02d-%02d", r.tm_year + 1900, r.tm_mon + 1, r.tm_mday);
    *end = e + 3;
    return 1;
  }
  return 0;
}

/* The first ASCII digit in s[i..n) (n: none): 8 bytes a step while 8
 * are left, then byte by byte. */
static size_t next_digit(const char *s, size_t n, size_t i) {
  while (i + 8 <= n && !digits8(s + i)) i += 8;
  for (; i < n; i++)
    if ((unsigned char)(s[i] - '0') <= 9) return i;
  return n;
}

/* Dates start at a word boundary: not after a letter, digit or non-ASCII
 * byte. */
static int date_boundary(const char *s, size_t i) {
  return i == 0 || !(isalnum((unsigned char)s[i - 1]) || (unsigned char)s[i - 1] >= 0x80);
}

/* The start of the word that digit p may follow as a month name's day:
 * the word ends at most two bytes before p, with '.' or ' ' between, and
 * starts a word at a boundary with a letter (or a lead byte). SIZE_MAX:
 * none. */
static size_t month_word_before(const char *s, size_t p) {
  size_t w = p;
  while (w > 0 && p - w < 2 && (s[w - 1] == '.' || s[w - 1] == ' ')) w--;
  if (w == 0 || !is_word_char((unsigned char)s[w - 1])) return SIZE_MAX;
  size_t a = w - 1;
  while (a > 0 && is_word_char((unsigned char)s[a - 1])) a--;
  unsigned char c = (unsigned char)s[a];
  return date_boundary(s, a) && (isalpha(c) || c >= 0xC0) ? a : SIZE_MAX;
}

/* pith_meta_parse_date on a line that holds a digit. Every date holds a
 * digit where it starts or right after its first word (a month name), so
 * the search goes from digit to digit: the word before one, then the
 * digit itself, which keeps the order of their starts (the first date in
 * the line wins). */
static int parse_date_at(const char *s, size_t n, const char *ref_date, char out[40],
                         size_t *span) {
  for (size_t p = next_digit(s, n, 0); p < n;) {
    size_t end = 0, a = month_word_before(s, p);
    if (a != SIZE_MAX && parse_named(s, n, a, out, &end)) {
      if (span) *span = end - a;
      return 1;
    }
    if (date_boundary(s, p) &&
        (parse_iso(s, n, p, out, &end) || parse_dotted(s, n, p, out, &end) ||
         parse_named(s, n, p, out, &end) ||
         /* (it reads nothing without a reference date) */
         (ref_date && parse_relative(s, n, p, ref_date, out, &end)))) {
      if (span) *span = end - p;
      return 1;
    }
    /* the run's other digits follow a digit: no boundary, no month name */
    while (p < n && (unsigned char)(s[p] - '0') <= 9) p++;
    p = next_digit(s, n, p);
  }
  return 0;
}

#if defined(__GNUC__)
#define META_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define META_ALWAYS_INLINE inline
#endif

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
/* digits16() of the 16 bytes at p and of those at q, in one mask. */
static inline unsigned digits16x2(const char *p, const char *q) {
  const __m128i zero = _mm_set1_epi8('0'), flip = _mm_set1_epi8(-128);
  const __m128i ten = _mm_set1_epi8(-128 + 10);
  __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i b = _mm_loadu_si128((const __m128i *)(const void *)q);
  a = _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(a, zero), flip), ten);
  b = _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(b, zero), flip), ten);
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(a, b));
}
#endif

/* has_digit() on a block's text: its first 16 bytes and its last 16 (the
 * same ones below 16 bytes, masked to the text: a block's first 16 bytes
 * are readable however short it is, as front ends pad their text and the
 * arena rounds allocations up to sizeof(max_align_t)), the ones between
 * only past 32 bytes: no branch on the length of short lines. Inline in
 * its two callers' loops. */
static META_ALWAYS_INLINE int block_has_digit(const pith_block *b) {
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
  if (sizeof(max_align_t) >= 16) {
    const char *s = b->text;
    size_t n = b->len, k = n < 16 ? n : 16;
    unsigned m = digits16x2(s, s + n - k) & (0xFFFFu >> (16 - k));
    if (n > 32)
      for (size_t i = 16; i < n - 16; i += 16) m |= (unsigned)digits16(s + i);
    return m != 0;
  }
#endif
  return has_digit(b->text, b->len);
}

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
#define DATE_YEAR_TEST 1
/* The digits of a block's text of 1..63 bytes as bits (its first 16
 * bytes, readable however short it is, see block_has_digit; the 16 before
 * its end; those between past 32). */
static inline uint64_t block_digits(const char *s, size_t n) {
  size_t k = n < 16 ? n : 16;
  uint64_t m = (uint64_t)(unsigned)digits16(s) | (uint64_t)(unsigned)digits16(s + n - k) << (n - k);
  if (n > 32) {
    m |= (uint64_t)(unsigned)digits16(s + 16) << 16;
    if (n > 48) m |= (uint64_t)(unsigned)digits16(s + 32) << 32;
  }
  return m & ((1ull << n) - 1);
}
#endif

/* May a dateline's block hold a date parse_date_at finds? Every date but
 * a relative one ("3 days ago", read only against a reference date) has a
 * year of four digits in a row (ISO and dotted dates read exactly four;
 * named ones need 1900..2100): without a reference date, lines of digits
 * without such a run ("5 comments", "Page 2", "12H ago") are not parsed.
 * (The run is looked for only in lines that hold a digit, few of them,
 * and of under 64 bytes.) */
static META_ALWAYS_INLINE int block_may_hold_date(const pith_block *b, const char *ref_date) {
  if (!block_has_digit(b)) return 0;
#ifdef DATE_YEAR_TEST
  if (!ref_date && b->len < 64 && sizeof(max_align_t) >= 16) {
    uint64_t m = block_digits(b->text, b->len);
    return (m & m >> 1 & m >> 2 & m >> 3) != 0;
  }
#endif
  return 1;
}

int pith_meta_parse_date(const char *s, size_t n, const char *ref_date,
                         char out[40], size_t *span) {
  /* every date form holds a digit: most lines are turned away here,
   * before the frame of the search is set up */
  return has_digit(s, n) && parse_date_at(s, n, ref_date, out, span);
}

/* ---- captures ---------------------------------------------------------- */

static int starts_ci(const char *s, size_t n, const char *p) {
  size_t k = strlen(p);
  return n >= k && eq_lower(s, p, k);
}

/* For each pattern in turn, cut s at its first match (the first byte
 * exactly, the rest as eq_lower), as a search per pattern over what the
 * ones before it left would. One walk finds every pattern's first match
 * in the whole value (a match that no longer fits after an earlier cut
 * has no later one that fits either). Bytes no pattern starts with are
 * passed over by a mask test (the patterns here start with ' ' or ','). At
 * most 16 patterns. */
static void cut_at_patterns(const char *s, size_t *n, const char *const *pats,
                            size_t np) {
  size_t at[16], len[16], open = np;
  uint64_t firsts = 0;
  int high = 0; /* a pattern starts with a byte of 64 or more */
  for (size_t k = 0; k < np; k++) {
    unsigned char f = (unsigned char)pats[k][0];
    len[k] = strlen(pats[k]);
    at[k] = SIZE_MAX;
    if (f < 64) firsts |= 1ull << f;
    else high = 1;
  }
  for (size_t i = 0; i < *n && open; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 64 ? !(firsts >> c & 1) : !high) continue;
    for (size_t k = 0; k < np; k++)
      if (at[k] == SIZE_MAX && (unsigned char)pats[k][0] == c && i + len[k] <= *n &&
          eq_lower(s + i + 1, pats[k] + 1, len[k] - 1)) {
        at[k] = i;
        open--;
      }
  }
  for (size_t k = 0; k < np; k++)
    if (at[k] != SIZE_MAX && at[k] + len[k] <= *n) *n = at[k];
}

/* Author values: drop a leading "By"/"Written by", a trailing credit
 * phrase ("contributed to this report"), and anything after a separator. */
static void clean_author(const char **s, size_t *n) {
  static const char *const prefixes[] = {"written by ", "words by ", "by ",
                                         "von ", "par ", "por ", "di ", "door "};
  static const char *const cuts[] = {" contributed", " reported", " reports",
                                     " | ",         " - ",       ", ",
                                     " on ",        " published", " updated"};
  for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
    if (starts_ci(*s, *n, prefixes[k])) {
      *s += strlen(prefixes[k]);
      *n -= strlen(prefixes[k]);
    }
  cut_at_patterns(*s, n, cuts, sizeof cuts / sizeof *cuts);
  while (*n > 0 && ((*s)[*n - 1] == '.' || (*s)[*n - 1] == ' ')) (*n)--;
}

/* Site values: "© 2024 Example Media. All rights reserved." ->
 * "Example Media". */
static void clean_site(const char **s, size_t *n) {
  static const char *const lead[] = {"copyright", "(c)", "\xC2\xA9", "by "};
  int again = 1;
  while (again && *n > 0) {
    again = 0;
    for (size_t k = 0; k < sizeof lead / sizeof *lead; k++)
      if (starts_ci(*s, *n, lead[k])) {
        *s += strlen(lead[k]);
        *n -= strlen(lead[k]);
        again = 1;
      }
    while (*n > 0 && (isdigit((unsigned char)**s) || **s == ' ' || **s == '-' ||
                      **s == ',')) {
      (*s)++;
      (*n)--;
      again = 1;
    }
  }
  for (size_t i = 0; i + 1 < *n; i++)
    if (((*s)[i] == '.' || (*s)[i] == '|' || (*s)[i] == ';') && (*s)[i + 1] == ' ') {
      *n = i;
      break;
    }
  static const char *const tails[] = {" all rights reserved", " alle rechte",
                                      " ltd", " limited", " inc", " llc",
                                      " gmbh", " plc", " s.a.", " ag"};
  cut_at_patterns(*s, n, tails, sizeof tails / sizeof *tails);
  while (*n > 0 && ((*s)[*n - 1] == '.' || (*s)[*n - 1] == ' ' || (*s)[*n - 1] == ','))
    (*n)--;
}

void pith_meta_capture(pith_doc *d, pith_field f, const char *t, size_t n,
                       const char *value, size_t vlen, const char *ref_date) {
  /* The first value of a field stays (pith_doc_set_field): later captures
   * of it (a byline on every comment, a site on every teaser) need no
   * cleaning or date parsing. */
  if ((unsigned)f < PITH_FIELD_COUNT_ && d->fields[f]) return;
  if (!value) {
    value = t;
    vlen = n;
  }
  while (vlen > 0 && (*value == ' ' || *value == ':')) value++, vlen--;
  while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == ':')) vlen--;
  if (f == PITH_FIELD_DATE) {
    char iso[40];
    if (pith_meta_parse_date(value, vlen, ref_date, iso, NULL))
      pith_doc_set_field(d, f, iso, strlen(iso));
    return;
  }
  if (f == PITH_FIELD_AUTHOR) clean_author(&value, &vlen);
  if (f == PITH_FIELD_SITE) clean_site(&value, &vlen);
  if (vlen == 0 || vlen > 100) return;
  pith_doc_set_field(d, f, value, vlen);
}

/* ---- titles ------------------------------------------------------------ */

/* "Headline | Site", "Headline - Site": the headline part. */
static size_t strip_site_suffix(const char *s, size_t n) {
  static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " » "};
  enum { NSEPS = sizeof seps / sizeof *seps };
  static const char seconds[] = {'|', '-', '\xE2', ':', '\xC2'}; /* seps[k][1] */
  /* Each separator's last occurrence decides; all start with a space, so
   * one backward walk over the spaces finds them all. */
  size_t cut = n;
  unsigned found = 0;
  const char *sp = s + n;
  while (found != (1u << NSEPS) - 1 && (sp = memrchr(s, ' ', (size_t)(sp - s)))) {
    size_t i = (size_t)(sp - s);
    /* most spaces start a word: a separator's second byte first */
    if (i + 1 >= n || !memchr(seconds, s[i + 1], sizeof seconds)) continue;
    for (unsigned k = 0; k < NSEPS; k++) {
      size_t sl = strlen(seps[k]);
      if (found >> k & 1 || i + sl > n || memcmp(s + i, seps[k], sl) != 0) continue;
      found |= 1u << k;
      /* the suffix is the site when it is shorter than the headline */
      if (n - (i + sl) < i && i < cut) cut = i;
    }
  }
  return cut;
}

/* " | Opinion | The Ledger" after a headline: the last part is the site
 * when it is name-shaped (short, not a sentence). */
static void site_from_suffix(pith_doc *d, const char *s, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i + 2 < n; i++)
    if (s[i] == ' ' && (s[i + 1] == '|' || s[i + 1] == '-' ||
                        (unsigned char)s[i + 1] == 0xE2) )
      start = i + 1;
  while (start < n && s[start] != ' ') start++;
  while (start < n && s[start] == ' ') start++;
  if (start >= n) return;
  size_t len = n - start, words = 1;
  for (size_t i = start; i < n; i++) words += s[i] == ' ';
  if (len < 2 || len > 40 || words > 5) return;
  /* the site name has no run-on text glued to it ("VentureBeatVentureBeat
   * HomepageSearch"): refuse suffixes with inner capitals after lowercase */
  for (size_t i = start + 1; i < n; i++)
    if (isupper((unsigned char)s[i]) && islower((unsigned char)s[i - 1]) &&
        i + 1 < n && islower((unsigned char)s[i + 1]) && words == 1 && len > 20)
      return;
  pith_doc_set_field(d, PITH_FIELD_SITE, s + start, len);
}

static int title_shaped(const pith_block *b) {
  if (b->chars < 10 || b->chars > 250 || b->words < 2) return 0;
  char last = b->text[b->len - 1];
  return last != '.' && last != ',' && last != ';';
}

/* The first line a dump is usually the <title>: take it when it is title
 * shaped, or when a later line repeats its headline part. */
static void find_title(pith_doc *d, int heads) {
  size_t i0 = 0;
  while (i0 < d->n && i0 < 5 && d->blocks[i0].action != PITH_ACT_NONE) i0++;
  if (i0 >= d->n || i0 >= 5) return;
  pith_block *first = &d->blocks[i0];
  size_t limit = first->len < 12 ? 0 : d->n < 400 ? d->n : 400;
  /* A repeat is 12 .. first->len bytes long (one unsigned range test), and
   * bytes equal under strncasecmp are equal with bit 0x20 set: a cheap
   * test on the first one spares the call for most lines. The first byte
   * is tested first: compilers split the test into two branches, and the
   * first byte turns most lines away the same way each time where the
   * length goes either way. */
  const size_t span = first->len - 12;
  const unsigned f0 = (unsigned char)first->text[0] | 0x20;
  if (!heads)
    for (size_t j = i0 + 1; j < limit; j++)
      d->blocks[j].memo = (uint8_t)(d->blocks[j].text[0] | 0x20);
  for (size_t j = i0 + 1; j < limit; j++) {
    pith_block *b = &d->blocks[j];
    if ((b->memo != f0) | ((size_t)b->len - 12 > span)) continue;
    if (strncasecmp(first->text, b->text, b->len) == 0 && title_shaped(b)) {
      if (d->fields[PITH_FIELD_TITLE] == NULL)
        pith_doc_set_field(d, PITH_FIELD_TITLE, b->text, b->len);
      size_t cut = strip_site_suffix(first->text, first->len);
      if (cut >= b->len) site_from_suffix(d, first->text + cut, first->len - cut);
      first->action = PITH_ACT_DROP;
      first->why = "title";
      d->title_pos = j;
      return;
    }
  }
  if (first->terminal) return;
  if (!title_shaped(first)) {
    /* "Headline | Site | Menu | Menu ...": a scraper glued the page's
     * title to its navigation; the headline is the first part. */
    const char *bar = first->len > 250 ? memmem(first->text, 200, " | ", 3) : NULL;
    if (!bar || bar - first->text < 10) return;
    if (d->fields[PITH_FIELD_TITLE] == NULL)
      pith_doc_set_field(d, PITH_FIELD_TITLE, first->text,
                         (size_t)(bar - first->text));
    first->action = PITH_ACT_DROP;
    first->why = "title glued to navigation";
    return;
  }
  size_t cut = strip_site_suffix(first->text, first->len);
  if (d->fields[PITH_FIELD_TITLE] == NULL)
    pith_doc_set_field(d, PITH_FIELD_TITLE, first->text, cut);
  site_from_suffix(d, first->text + cut, first->len - cut);
  first->action = PITH_ACT_DROP;
  first->why = "title";
}

/* A short line that is mostly a date ("Reuters November 18, 2019 11:03 PM",
 * "Published: 12 March 2024") is a dateline. */
static void find_datelines(pith_doc *d, const char *ref_date) {
  /* datelines sit near the top, or just below the headline after a long
   * menu */
  size_t limit = d->n / 2 + 5;
  if (d->title_pos + 30 > limit) limit = d->title_pos + 30;
  if (limit > d->n) limit = d->n;
  pith_block *const blocks = d->blocks; /* read once: no blocks are added */
  for (size_t i = 0; i < limit; i++) {
    pith_block *b = &blocks[i];
    /* one branch for the three tests */
    if ((b->action != PITH_ACT_NONE) | (b->chars > 60) | (b->words > 10)) continue;
    char iso[40];
    size_t span = 0;
    if (!block_may_hold_date(b, ref_date) ||
        !parse_date_at(b->text, b->len, ref_date, iso, &span))
      continue;
    /* mostly a date, and not a sentence that happens to hold one */
    if (b->terminal || (span * 3 < b->len && b->words > 6)) continue;
    pith_doc_set_field(d, PITH_FIELD_DATE, iso, strlen(iso));
    b->action = PITH_ACT_DROP;
    b->why = "dateline";
  }
}

void pith_meta_text(pith_doc *d, const char *ref_date, size_t first_pending,
                    int heads) {
  for (size_t i = first_pending; i < d->n; i++) {
    pith_block *b = &d->blocks[i];
    if (b->action != PITH_ACT_CAPTURE || !b->pending) continue;
    /* "Origin:" then "publisher logo" then "Firstpost": the value is the
     * next short line that no rule dropped. */
    for (size_t j = i + 1; j < d->n && j <= i + 3; j++) {
      pith_block *v = &d->blocks[j];
      if (v->action != PITH_ACT_NONE) continue;
      if (v->chars <= 60 && v->words <= 6) {
        pith_meta_capture(d, (pith_field)b->field, v->text, v->len, NULL, 0,
                          ref_date);
        v->action = PITH_ACT_DROP;
        v->why = "captured value";
      }
      break;
    }
  }
  if (!d->is_html) find_title(d, heads);
  find_datelines(d, ref_date);
}

/* ---- time stamps ------------------------------------------------------ */

/* A word of a stamp, month names aside: 1 for a number ("19,", "2019"), 2
 * for a word only dates and times have: a clock time ("23:05"), a number
 * glued to a short unit ("12H", "5min", "10am"), "ago", "am"/"pm". 3 for a
 * word that may be a month name (looked up only when it decides). */
/* Bytes stamp_word trims and reads: TRAIL at a word's end (",.;()@|-"),
 * LEAD at its start ("(@|-"), CLOCK inside a number (":./"). NUL is in
 * all three, as strchr() found the terminator. */
enum { SW_TRAIL = 1, SW_LEAD = 2, SW_CLOCK = 4 };
static const uint8_t stamp_class[256] = {
    [0] = SW_TRAIL | SW_LEAD | SW_CLOCK,
    [','] = SW_TRAIL,
    ['.'] = SW_TRAIL | SW_CLOCK,
    [';'] = SW_TRAIL,
    ['('] = SW_TRAIL | SW_LEAD,
    [')'] = SW_TRAIL,
    ['@'] = SW_TRAIL | SW_LEAD,
    ['|'] = SW_TRAIL | SW_LEAD,
    ['-'] = SW_TRAIL | SW_LEAD,
    [':'] = SW_CLOCK,
    ['/'] = SW_CLOCK,
};

/* ASCII letter c (lowercase) in either case: c and c - 0x20 are the only
 * bytes with c's bits once 0x20 is set. */
static int is_ci(char b, char c) { return (b | 0x20) == c; }

static int stamp_word(const char **wp, size_t *np) {
  const char *w = *wp;
  size_t n = *np;
  while (n && stamp_class[(unsigned char)w[n - 1]] & SW_TRAIL) n--; /* "19," "2019." */
  while (n && stamp_class[(unsigned char)w[0]] & SW_LEAD) w++, n--;
  *wp = w;
  *np = n;
  if (!n) return 0;
  size_t d = 0;
  int colon = 0;
  while (d < n && ((w[d] >= '0' && w[d] <= '9') ||
                   (d && stamp_class[(unsigned char)w[d]] & SW_CLOCK)))
    colon |= w[d++] == ':';
  if (d == n) return colon ? 2 : 1;
  if (d && n - d <= 3) return 2;
  if (d) return 0;
  if ((n == 3 && is_ci(w[0], 'a') && is_ci(w[1], 'g') && is_ci(w[2], 'o')) ||
      (n == 2 && (is_ci(w[0], 'a') || is_ci(w[0], 'p')) && is_ci(w[1], 'm')))
    return 2;
  return n >= 3 && n <= 12 ? 3 : 0;
}

enum { STAMP_MAX_WORDS = 8 };

/* Enough stamp words (two thirds, at least two) and one only dates have. */
static int stamp_enough(size_t words, size_t stamps, size_t strong) {
  return strong && stamps >= 2 && stamps * 3 >= words * 2;
}

#if defined(__SSE2__) && !defined(PITH_NO_SSE2) && (defined(__GNUC__) || defined(__clang__))
#define STAMP_MASKS 1
/* The spaces of a block's text of 1..60 bytes as bits: its first 16 bytes
 * (readable however short the text is, see block_has_digit), the 16 before
 * its end, and the ones between past 32 bytes. */
static uint64_t block_spaces(const char *s, size_t n) {
  const __m128i sp = _mm_set1_epi8(' ');
  size_t k = n < 16 ? n : 16;
#define SPACES16(p) \
  ((uint64_t)(unsigned)_mm_movemask_epi8( \
      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p)), sp)))
  uint64_t m = SPACES16(s) | SPACES16(s + n - k) << (n - k);
  if (n > 32) {
    m |= SPACES16(s + 16) << 16;
    if (n > 48) m |= SPACES16(s + 32) << 32;
  }
#undef SPACES16
  return m & ((1ull << n) - 1);
}
#endif

/* pith_meta_stamp_line on a line of 1..60 bytes that holds a digit.
 * `words`: its bytes other than spaces as bits, when known (0: found here
 * byte by byte). */
static int stamp_words(const char *s, size_t n, uint64_t words_bits) {
  const char *cand[STAMP_MAX_WORDS];
  size_t cand_len[STAMP_MAX_WORDS], ncand = 0;
  size_t words = 0, stamps = 0, strong = 0, i = 0;
  while (words_bits ? 1 : i < n) {
    size_t a, e;
#ifdef STAMP_MASKS
    if (words_bits) { /* the next run of set bits: a word */
      a = (size_t)__builtin_ctzll(words_bits);
      e = a + (size_t)__builtin_ctzll(~(words_bits >> a));
      words_bits &= ~0ull << e;
      i = words_bits ? e : n;
    } else
#endif
    {
      while (i < n && s[i] == ' ') i++;
      a = i;
      while (i < n && s[i] != ' ') i++;
      e = i;
    }
    if (e == a) break;
    if (++words > STAMP_MAX_WORDS) return 0;
    const char *w = s + a;
    size_t wn = e - a;
    int k = stamp_word(&w, &wn);
    if (k == 3) {
      cand[ncand] = w;
      cand_len[ncand++] = wn;
    } else {
      stamps += k != 0;
      strong += k == 2;
    }
  }
  /* month names are looked up only when they can decide */
  for (size_t c = 0; c < ncand && !stamp_enough(words, stamps, strong); c++) {
    if (!stamp_enough(words, stamps + ncand - c, strong + ncand - c)) return 0;
    if (month_number(cand[c], cand_len[c])) stamps++, strong++;
  }
  return stamp_enough(words, stamps, strong);
}

/* Every stamp holds a digit; most short lines hold none. */
int pith_meta_stamp_line(const char *s, size_t n) {
  return n != 0 && n <= 60 && has_digit(s, n) && stamp_words(s, n, 0);
}

int pith_meta_stamp_block(const pith_block *b) {
  size_t n = b->len;
  if (n == 0 || n > 60 || !block_has_digit(b)) return 0;
#ifdef STAMP_MASKS
  /* (a line of spaces only has no words: then found byte by byte) */
  return stamp_words(b->text, n, ~block_spaces(b->text, n) & ((1ull << n) - 1));
#else
  return stamp_words(b->text, n, 0);
#endif
}

/* ---- repetition -------------------------------------------------------- */

#define DEDUP_MIN_CHARS PITH_DEDUP_MIN_CHARS

/* What each byte adds to a line's key bytes (what repeats are compared
 * by): ASCII letters lowercased, digits as they are, other ASCII nothing
 * (0), non-ASCII bytes as they are. One table lookup per byte instead of
 * range tests (prefix keys read every kept paragraph). Built by the
 * preprocessor from that definition. */
#define LK1(c)                                                        \
  ((c) >= 'A' && (c) <= 'Z'                                ? (c) | 0x20 \
   : ((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) >= 0x80 \
       ? (c)                                                          \
       : 0)
#define LK4(c) LK1(c), LK1((c) + 1), LK1((c) + 2), LK1((c) + 3)
#define LK16(c) LK4(c), LK4((c) + 4), LK4((c) + 8), LK4((c) + 12)
#define LK64(c) LK16(c), LK16((c) + 16), LK16((c) + 32), LK16((c) + 48)
static const uint8_t key_byte[256] = {LK64(0), LK64(64), LK64(128), LK64(192)};

/* The key byte at or after *i of a line (-1: none), with
 * *i moved past it. General Punctuation (U+2000-U+206F: curly quotes,
 * dashes) and « » add nothing: titles keep them where block text was
 * normalized. */
static int next_key_byte(const char *s, size_t n, size_t *i) {
  for (; *i < n; (*i)++) {
    unsigned char c = key_byte[(unsigned char)s[*i]];
    if (!c) continue;
    if (c == 0xE2 && *i + 2 < n && ((unsigned char)s[*i + 1] & 0xFE) == 0x80) {
      *i += 2;
      continue;
    }
    if (c == 0xC2 && *i + 1 < n &&
        ((unsigned char)s[*i + 1] == 0xAB || (unsigned char)s[*i + 1] == 0xBB)) {
      *i += 1;
      continue;
    }
    (*i)++;
    return c;
  }
  return -1;
}

static uint64_t mix64(uint64_t h) {
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

/* Do two lines compare equal as repeats: the same lowercase letters and
 * digits (bytes of non-ASCII characters as they are, but General
 * Punctuation and << >>), their key bytes? The key bytes of both are
 * walked side by side: lines whose prefix keys meet mostly differ a few
 * words further (only true repeats are read to their ends). */
static int same_key(const char *a, size_t an, const char *b, size_t bn) {
  size_t i = 0, j = 0;
  for (;;) {
    int x = next_key_byte(a, an, &i), y = next_key_byte(b, bn, &j);
    if (x != y) return 0;
    if (x < 0) return 1;
  }
}

/* Key of the first PREFIX_KEY_BYTES key bytes of a line (all of them for
 * shorter lines). Lines with the same key bytes have equal prefix keys,
 * so dedup compares prefix keys first and compares whole paragraphs only
 * where prefix keys meet (rare): most kept text is read ~40 bytes per
 * paragraph instead of all of it. A prefix key is only a filter before
 * same_key (and the table slot): any function of those bytes will do. It
 * is one of their count, sum and sum of squares, which do not depend on
 * where the bytes were in the line: the first 16 bytes of a line give
 * their key bytes in one vector step, without moving them together, and
 * the few key bytes still missing are read one at a time (a gather of all
 * key bytes cost ~235 instructions a paragraph). */
#define PREFIX_KEY_BYTES 16

typedef struct key_sums {
  uint32_t count, sum, squares;
} key_sums;

#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
/* Adds the first `room` key bytes of the 16 bytes at p to k when they
 * hold no E2 or C2 lead (General Punctuation and << >> add nothing, which
 * next_key_byte tells by the bytes after them) and neither do the bytes
 * of the line before p; else nothing. Key bytes are ASCII letters and digits, each its byte |
 * 0x20 (digits have that bit), and the bytes of other characters as they
 * are. Returns the bytes read (16 or 0). */
static META_ALWAYS_INLINE size_t key_sums16(const char *p, unsigned room, key_sums *k) {
  const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)))))
    return 0;
  const __m128i zero = _mm_setzero_si128();
  const __m128i high = _mm_cmplt_epi8(v, zero);
  const __m128i low = _mm_or_si128(v, _mm_andnot_si128(high, _mm_set1_epi8(0x20)));
  /* (x - lo) < n as unsigned bytes, as signed ones after adding 0x80 */
  const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(low, _mm_set1_epi8((char)(0x80 - 'a'))),
                                        _mm_set1_epi8((char)(0x80 + 26)));
  const __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                       _mm_set1_epi8((char)(0x80 + 10)));
  __m128i ones = _mm_and_si128(_mm_or_si128(_mm_or_si128(letter, digit), high),
                               _mm_set1_epi8(1));
  if (room < 16) { /* the key bytes up to each byte; those up to room count */
    __m128i upto = _mm_add_epi8(ones, _mm_slli_si128(ones, 1));
    upto = _mm_add_epi8(upto, _mm_slli_si128(upto, 2));
    upto = _mm_add_epi8(upto, _mm_slli_si128(upto, 4));
    upto = _mm_add_epi8(upto, _mm_slli_si128(upto, 8));
    ones = _mm_and_si128(ones, _mm_cmplt_epi8(upto, _mm_set1_epi8((char)(room + 1))));
  }
  const __m128i c = _mm_and_si128(low, _mm_cmpeq_epi8(ones, _mm_set1_epi8(1)));
  const __m128i lo = _mm_unpacklo_epi8(c, zero), hi = _mm_unpackhi_epi8(c, zero);
  __m128i sq = _mm_add_epi32(_mm_madd_epi16(lo, lo), _mm_madd_epi16(hi, hi));
  sq = _mm_add_epi32(sq, _mm_srli_si128(sq, 8));
  sq = _mm_add_epi32(sq, _mm_srli_si128(sq, 4));
  /* the sums of the bytes and of the key marks in two psadbw */
  const __m128i t = _mm_add_epi64(_mm_sad_epu8(_mm_unpacklo_epi64(c, ones), zero),
                                  _mm_sad_epu8(_mm_unpackhi_epi64(c, ones), zero));
  k->sum += (uint32_t)_mm_cvtsi128_si32(t);
  k->count += (uint32_t)_mm_extract_epi16(t, 4);
  k->squares += (uint32_t)_mm_cvtsi128_si32(sq);
  return 16;
}
#endif

static uint64_t prefix_key(const char *s, size_t n) {
  key_sums k = {0, 0, 0};
  size_t i = 0;
#if defined(__SSE2__) && !defined(PITH_NO_SSE2)
  if (n >= 16) i = key_sums16(s, PREFIX_KEY_BYTES, &k);
  /* most lines need a few key bytes more */
  if (i == 16 && k.count < PREFIX_KEY_BYTES && n >= 32)
    i += key_sums16(s + 16, PREFIX_KEY_BYTES - k.count, &k);
#endif
  while (k.count < PREFIX_KEY_BYTES) {
    int c = next_key_byte(s, n, &i);
    if (c < 0) break;
    k.count++;
    k.sum += (unsigned)c;
    k.squares += (unsigned)c * (unsigned)c;
  }
  /* 16 bytes: sum < 2^12, squares < 2^20 */
  uint64_t h = (uint64_t)k.sum | (uint64_t)k.squares << 12 | (uint64_t)k.count << 32;
  return mix64(h * 0xFF51AFD7ED558CCDull) | 1; /* 0 marks empty slots */
}

/* A line's first key byte (-1: none). Lines with the same key bytes
 * start with the same one: a cheap test before prefix keys. */
static int first_key_byte(const char *s, size_t n) {
  size_t i = 0;
  return next_key_byte(s, n, &i);
}

/* A long good block in the table: its index, the next block whose prefix
 * key is the same. */
typedef struct dedup_node {
  uint32_t block, next;
} dedup_node;

/* Is block i's text a repeat of a kept paragraph? `slot` holds prefix keys
 * with the first such paragraph's node; nodes chain the others. A new
 * prefix key is added, a new paragraph joins its chain. */
static int seen_before(const pith_doc *d, size_t i, uint64_t pk, uint64_t *slot_key,
                       uint32_t *slot_node, dedup_node *nodes, uint32_t *nnodes,
                       size_t cap) {
  size_t h = (size_t)(pk & (cap - 1));
  while (slot_key[h] && slot_key[h] != pk) h = (h + 1) & (cap - 1);
  if (!slot_key[h]) {
    slot_key[h] = pk;
    slot_node[h] = *nnodes;
    nodes[(*nnodes)++] = (dedup_node){(uint32_t)i, UINT32_MAX};
    return 0;
  }
  /* a paragraph repeated byte for byte (most repeats) needs no key walk */
  const pith_block *b = &d->blocks[i];
  for (uint32_t j = slot_node[h]; j != UINT32_MAX; j = nodes[j].next) {
    const pith_block *p = &d->blocks[nodes[j].block];
    if (p->len == b->len && memcmp(p->text, b->text, b->len) == 0) return 1;
  }
  uint32_t j = slot_node[h], last = j;
  for (; j != UINT32_MAX; last = j, j = nodes[j].next) {
    const pith_block *p = &d->blocks[nodes[j].block];
    if (same_key(p->text, p->len, b->text, b->len)) return 1;
  }
  nodes[last].next = *nnodes;
  nodes[(*nnodes)++] = (dedup_node){(uint32_t)i, UINT32_MAX};
  return 0;
}

/* Does b repeat the title (the same key bytes)? The title is most often
 * the block's text as it is: then no key is walked. */
static int repeats_title(const pith_block *b, const char *title, size_t tlen) {
  return (b->len == tlen && memcmp(b->text, title, tlen) == 0) ||
         same_key(b->text, b->len, title, tlen);
}

/* block->keep without repeats marked (no memory for the table). */
static size_t keep_good(pith_doc *d) {
  size_t kept = 0;
  for (size_t i = 0; i < d->n; i++)
    kept += d->blocks[i].keep =
        d->blocks[i].cls == PITH_CLS_GOOD && !d->blocks[i].dup;
  return kept;
}

/* Blocks other than long good ones that repeat the title (any class: a
 * front end may still keep it, an h1 in the article). A title repeat is
 * tlen - 8 .. tlen + 8 bytes long: the walk tests that alone for most
 * blocks. */
static void title_repeats(pith_doc *d, const char *title, size_t tlen) {
  uint64_t tprefix = prefix_key(title, tlen);
  int tfirst = first_key_byte(title, tlen);
  /* one unsigned range test */
  size_t tlo = tlen > 8 ? tlen - 8 : 0, tspan = tlen + 8 - tlo;
  pith_block *const blocks = d->blocks; /* read once: no blocks are added */
  const size_t n = d->n;
  for (size_t i = 0; i < n; i++) {
    pith_block *b = &blocks[i];
    if (b->len - tlo > tspan) continue;
    /* Short repeats are often legitimate (interview questions, list
     * labels); only paragraphs repeated whole are scraping artefacts:
     * long good blocks are the table walk's. */
    if (b->cls == PITH_CLS_GOOD && b->chars >= DEDUP_MIN_CHARS) continue;
    if (first_key_byte(b->text, b->len) == tfirst &&
        prefix_key(b->text, b->len) == tprefix && repeats_title(b, title, tlen)) {
      b->dup = 1;
      b->why = "repeats the title";
    }
  }
}

size_t pith_meta_dedup(pith_doc *d, const uint32_t *good, size_t ngood, size_t long_good) {
  if (d->n >= UINT32_MAX) return keep_good(d);
  /* the table holds the prefix keys of long good blocks only */
  size_t eligible = long_good;
  if (eligible == SIZE_MAX) {
    eligible = 0;
    for (size_t i = 0; i < d->n; i++)
      eligible += d->blocks[i].cls == PITH_CLS_GOOD && d->blocks[i].chars >= DEDUP_MIN_CHARS;
  }
  size_t cap = 16;
  while (cap < eligible * 2) cap *= 2;
  /* one allocation: slot keys, nodes, slot heads */
  size_t bytes = cap * (sizeof(uint64_t) + sizeof(uint32_t)) + eligible * sizeof(dedup_node);
  /* most documents fit on the stack: no calloc of the whole table */
  max_align_t local[8192 / sizeof(max_align_t)];
  char *mem = bytes <= sizeof local ? (char *)local : malloc(bytes);
  if (!mem) return keep_good(d);
  /* only the slot keys are zeroed (0 = empty): heads are written with
   * their keys, nodes as they are added */
  memset(mem, 0, cap * sizeof(uint64_t));
  uint64_t *slot_key = (uint64_t *)mem;
  dedup_node *nodes = (dedup_node *)(slot_key + cap);
  uint32_t *slot_node = (uint32_t *)(nodes + eligible), nnodes = 0;
  const char *title = d->fields[PITH_FIELD_TITLE];
  size_t tlen = title ? strlen(title) : 0;
  uint64_t tprefix = title ? prefix_key(title, tlen) : 0;
  if (title) title_repeats(d, title, tlen);
  /* Then the good blocks: the long ones against the table, in order (the
   * first of a paragraph's copies stays). (The calls below add no
   * blocks: the array is read once.) */
  size_t kept = 0, count = good ? ngood : d->n;
  pith_block *const blocks = d->blocks;
  for (size_t k = 0; k < count; k++) {
    size_t i = good ? good[k] : k;
    pith_block *b = &blocks[i];
    if (b->cls != PITH_CLS_GOOD) continue;
    if (b->chars >= DEDUP_MIN_CHARS) {
      uint64_t pk = prefix_key(b->text, b->len);
      if (title && pk == tprefix && repeats_title(b, title, tlen)) {
        b->dup = 1;
        b->why = "repeats the title";
      } else if (seen_before(d, i, pk, slot_key, slot_node, nodes, &nnodes, cap)) {
        b->dup = 1;
        b->why = "repeats an earlier block";
      }
    }
    b->keep = (uint8_t)!b->dup;
    kept += b->keep;
  }
  if (mem != (char *)local) free(mem);
  return kept;
}
