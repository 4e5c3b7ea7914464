/* Writers: text, JSON, markdown. They see results, never input formats. */
#include <string.h>

#include "doc.h"
#include "json.h"
#include "result.h"

static void render_json(const pith_result *r, pith_buf *o) {
  static const pith_field order[] = {
      PITH_FIELD_TITLE, PITH_FIELD_AUTHOR, PITH_FIELD_DATE,
      PITH_FIELD_SITE,  PITH_FIELD_URL,    PITH_FIELD_DESCRIPTION,
      PITH_FIELD_LANG,  PITH_FIELD_IMAGE,  PITH_FIELD_CHARSET,
      PITH_FIELD_SOURCE};
  pith_buf_puts(o, "{\"text\":");
  pith_json_escape(o, r->text ? r->text : "", r->text ? r->text_len : 0);
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    pith_buf_printf(o, ",\"%s\":", pith_field_name(order[i]));
    const char *v = r->fields[order[i]];
    if (v) pith_json_escape(o, v, strlen(v));
    else pith_buf_puts(o, "null");
  }
  pith_buf_printf(o, ",\"words\":%zu", r->words);
  if (r->error) {
    pith_buf_puts(o, ",\"error\":");
    pith_json_escape(o, r->error, strlen(r->error));
  }
  if (r->explain) {
    pith_buf_puts(o, ",\"explain\":[");
    const char *p = r->explain, *end = r->explain + r->explain_len;
    int first = 1;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      const char *e = nl ? nl : end;
      const char *t1 = memchr(p, '\t', (size_t)(e - p));
      const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(e - t1 - 1)) : NULL;
      const char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(e - t2 - 1)) : NULL;
      if (t1 && t2 && t3) {
        pith_buf_puts(o, first ? "{\"keep\":" : ",{\"keep\":");
        pith_buf_puts(o, *p == 'K' ? "true" : "false");
        pith_buf_puts(o, ",\"why\":");
        pith_json_escape(o, t1 + 1, (size_t)(t2 - t1 - 1));
        pith_buf_puts(o, ",\"features\":");
        pith_json_escape(o, t2 + 1, (size_t)(t3 - t2 - 1));
        pith_buf_puts(o, ",\"text\":");
        pith_json_escape(o, t3 + 1, (size_t)(e - t3 - 1));
        pith_buf_putc(o, '}');
        first = 0;
      }
      p = nl ? nl + 1 : end;
    }
    pith_buf_putc(o, ']');
  }
  pith_buf_putc(o, '}');
}

static void render_markdown(const pith_result *r, pith_buf *o) {
  const char *title = r->fields[PITH_FIELD_TITLE];
  if (title) pith_buf_printf(o, "# %s\n\n", title);
  for (size_t i = 0; i < r->nblocks; i++) {
    const pith_out_block *b = &r->blocks[i];
    const char *t = r->text + b->off;
    if (i > 0) {
      /* list items stay together */
      int tight = b->kind == PITH_BLK_LI && r->blocks[i - 1].kind == PITH_BLK_LI;
      pith_buf_puts(o, tight ? "\n" : "\n\n");
    }
    switch (b->kind) {
    case PITH_BLK_HEADING: {
      int level = b->heading ? b->heading : 2;
      if (level < 2 && title) level = 2;
      for (int k = 0; k < level; k++) pith_buf_putc(o, '#');
      pith_buf_putc(o, ' ');
      pith_buf_put(o, t, b->len);
      break;
    }
    case PITH_BLK_LI:
      pith_buf_puts(o, "- ");
      pith_buf_put(o, t, b->len);
      break;
    case PITH_BLK_QUOTE:
      pith_buf_puts(o, "> ");
      pith_buf_put(o, t, b->len);
      break;
    case PITH_BLK_PRE:
      pith_buf_puts(o, "```\n");
      pith_buf_put(o, t, b->len);
      pith_buf_puts(o, "\n```");
      break;
    default:
      pith_buf_put(o, t, b->len);
    }
  }
  if (r->nblocks) pith_buf_putc(o, '\n');
}

int pith_render(const pith_result *r, pith_format fmt, char **out, size_t *len) {
  if (!r || !out) return PITH_EINVAL;
  pith_buf o = PITH_BUF_INIT;
  switch (fmt) {
  case PITH_FORMAT_TEXT:
    pith_buf_put(&o, r->text, r->text_len);
    break;
  case PITH_FORMAT_JSON:
    render_json(r, &o);
    break;
  case PITH_FORMAT_MARKDOWN:
    render_markdown(r, &o);
    break;
  default:
    return PITH_EINVAL;
  }
  if (o.failed) {
    pith_buf_free(&o);
    return PITH_ENOMEM;
  }
  *out = pith_buf_detach(&o, len);
  return *out ? PITH_OK : PITH_ENOMEM;
}
