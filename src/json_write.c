#include "json.h"

#include <stdint.h>

static const char hexd[] = "0123456789abcdef";

void pith_json_escape(pith_buf *out, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  pith_buf_putc(out, '"');
  size_t i = 0, run = 0;
  while (i < len) {
    unsigned c = s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    if (i > run) pith_buf_put(out, s + run, i - run);
    if (c >= 0x80) {
      size_t k = pith_utf8_seq(s + i, len - i);
      if (k == 0) {
        pith_buf_puts(out, "\xEF\xBF\xBD");
        i++;
      } else {
        /* U+2028/2029 break JavaScript consumers; escape them. */
        if (k == 3 && s[i] == 0xE2 && s[i + 1] == 0x80 &&
            (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
          pith_buf_puts(out, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
        } else {
          pith_buf_put(out, s + i, k);
        }
        i += k;
      }
    } else {
      switch (c) {
      case '"': pith_buf_puts(out, "\\\""); break;
      case '\\': pith_buf_puts(out, "\\\\"); break;
      case '\n': pith_buf_puts(out, "\\n"); break;
      case '\r': pith_buf_puts(out, "\\r"); break;
      case '\t': pith_buf_puts(out, "\\t"); break;
      case '\f': pith_buf_puts(out, "\\f"); break;
      case '\b': pith_buf_puts(out, "\\b"); break;
      default: {
        char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
        pith_buf_put(out, e, 6);
      }
      }
      i++;
    }
    run = i;
  }
  if (i > run) pith_buf_put(out, s + run, i - run);
  pith_buf_putc(out, '"');
}
