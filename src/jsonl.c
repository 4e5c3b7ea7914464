/* JSON Lines: framing (one record per line), lazy per-record decoding, and
 * the output writer that passes the original fields through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* Records are flat crawler exports; deeper nesting is refused, not a
 * reason to spend memory. */
#define JSONL_MAX_DEPTH 256

static const char *const default_fields[] = {"html", "raw_content", "content",
                                             "text"};

static int blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
  return 1;
}

static int error_record(pith_reader *r, pith_record **out, int status,
                        const char *what) {
  pith_record *rec = pith_record_new(r, NULL);
  if (!rec) return PITH_ENOMEM;
  pith_record_fail(rec, status, "line %llu: %s", r->number, what);
  *out = rec;
  return 1;
}

int pith_jsonl_next(pith_reader *r, pith_record **out) {
  for (;;) {
    const char *line;
    size_t len;
    int rc = pith_rd_line(r, r->limit, &line, &len);
    if (rc == 0) return 0;
    if (rc == PITH_ELIMIT) {
      r->number++;
      char msg[96];
      snprintf(msg, sizeof msg, "line longer than the %zu MB limit; skipped",
               r->limit >> 20);
      return error_record(r, out, PITH_ELIMIT, msg);
    }
    if (rc == PITH_EFORMAT) {
      /* Data was lost here; what follows the next gzip member is read as
       * usual (a torn line then shows up as invalid JSON, not silently). */
      r->number++;
      return error_record(r, out, PITH_EFORMAT, r->damage);
    }
    if (rc < 0) return rc;
    r->number++;
    if (len && line[len - 1] == '\r') len--; /* CRLF line ends */
    if (blank(line, len)) continue;

    pith_record *rec = pith_record_new(r, NULL);
    if (!rec) return PITH_ENOMEM;
    size_t off = (size_t)(line - r->buf);
    rec->data = pith_rd_steal(r, len);
    rec->data_off = rec->data ? off : 0;
    if (!rec->data) rec->data = pith_strndup(line, len);
    if (r->field) rec->want_field = strdup(r->field);
    if (!rec->data || (r->field && !rec->want_field)) {
      pith_record_free(rec);
      return PITH_ENOMEM;
    }
    rec->len = len;
    rec->size = len + 1;
    rec->is_jsonl = 1;
    rec->prepared = 0;
    *out = rec;
    return 1;
  }
}

static const char *type_name(pith_json_type t) {
  static const char *const names[] = {"null",   "false", "true", "a number",
                                      "a string", "an array", "an object"};
  return names[t];
}

/* Picks the document field: --field, else the first non-null default. */
static const pith_json *doc_field(pith_record *rec, const char **name) {
  if (rec->want_field) {
    *name = rec->want_field;
    return pith_json_get(rec->tree, rec->want_field);
  }
  for (size_t i = 0; i < sizeof default_fields / sizeof *default_fields; i++) {
    const pith_json *v = pith_json_get(rec->tree, default_fields[i]);
    if (v && pith_json_kind(v) != PITH_JSON_NULL) {
      *name = default_fields[i];
      return v;
    }
  }
  *name = NULL;
  return NULL;
}

static void take_id(pith_record *rec) {
  const pith_json *id = pith_json_get(rec->tree, "id");
  size_t n = 0;
  const char *s = pith_json_str(id, &n);
  if (!s && pith_json_kind(id) == PITH_JSON_NUMBER) s = pith_json_raw(id, &n);
  if (!s || n == 0) return;
  char *src = pith_strndup(s, n);
  if (!src) return;
  free(rec->source);
  rec->source = src;
  rec->in.source = src;
}

int pith_jsonl_prepare(pith_record *rec) {
  const char *line = rec->data + rec->data_off;
  char err[160];
  rec->tree = pith_json_parse(line, rec->len, JSONL_MAX_DEPTH, err, sizeof err);
  if (!rec->tree) {
    /* The parser counts lines inside the text; a record is one line. */
    const char *why = strncmp(err, "line 1, ", 8) == 0 ? err + 8 : err;
    pith_record_fail(rec, PITH_EFORMAT, "line %llu: invalid JSON (%s)",
                     rec->number, why);
    return rec->status;
  }
  if (pith_json_kind(rec->tree) != PITH_JSON_OBJECT) {
    pith_record_fail(rec, PITH_EFORMAT, "line %llu: not a JSON object",
                     rec->number);
    return rec->status;
  }
  take_id(rec);
  const char *name;
  const pith_json *v = doc_field(rec, &name);
  if (!v) {
    if (name)
      pith_record_fail(rec, PITH_EFORMAT, "line %llu: no field \"%s\"",
                       rec->number, name);
    else
      pith_record_fail(rec, PITH_EFORMAT,
                       "line %llu: none of the fields html, raw_content, "
                       "content, text (use --field NAME)",
                       rec->number);
    return rec->status;
  }
  if (pith_json_kind(v) != PITH_JSON_STRING) {
    pith_record_fail(rec, PITH_EFORMAT, "line %llu: field \"%s\" is %s, not a string",
                     rec->number, name, type_name(pith_json_kind(v)));
    return rec->status;
  }
  rec->field = name;
  rec->in.bytes = pith_json_str(v, &rec->in.len);
  rec->in.kind = PITH_KIND_AUTO;
  /* A JSON string is Unicode, stored as UTF-8: a <meta charset> inside the
   * page describes bytes that no longer exist. */
  rec->in.charset = "utf-8";
  rec->in.url = pith_json_str(pith_json_get(rec->tree, "url"), NULL);
  rec->in.date = pith_json_str(pith_json_get(rec->tree, "date"), NULL);
  return PITH_OK;
}

/* ---- output ----------------------------------------------------------- */

static int same_key(const char *k, size_t kl, const char *name) {
  return name && strlen(name) == kl && memcmp(k, name, kl) == 0;
}

static void put_member(pith_buf *b, const pith_json *obj, size_t i, int *first) {
  size_t kl, vl;
  const char *k = pith_json_key(obj, i, &kl);
  const char *v = pith_json_raw(pith_json_at(obj, i), &vl);
  if (!*first) pith_buf_putc(b, ',');
  *first = 0;
  pith_json_escape(b, k, kl);
  pith_buf_putc(b, ':');
  pith_buf_put(b, v, vl);
}

/* Writes orig's members (minus drop and pith's keys), then pith's. */
static int merge(const pith_json *orig, const char *drop, const char *pj,
                 size_t pjl, char **out, size_t *len) {
  pith_json *pt = pith_json_parse(pj, pjl, 64, NULL, 0);
  if (!pt || pith_json_kind(pt) != PITH_JSON_OBJECT) {
    pith_json_free(pt);
    return PITH_EFORMAT;
  }
  pith_buf b = PITH_BUF_INIT;
  int first = 1;
  pith_buf_putc(&b, '{');
  for (size_t i = 0; i < pith_json_size(orig); i++) {
    size_t kl;
    const char *k = pith_json_key(orig, i, &kl);
    if (same_key(k, kl, drop) || pith_json_get(pt, k)) continue;
    put_member(&b, orig, i, &first);
  }
  for (size_t i = 0; i < pith_json_size(pt); i++) put_member(&b, pt, i, &first);
  pith_buf_putc(&b, '}');
  pith_json_free(pt);
  if (b.failed) {
    pith_buf_free(&b);
    return PITH_ENOMEM;
  }
  *out = pith_buf_detach(&b, len);
  return *out ? PITH_OK : PITH_ENOMEM;
}

static int merge_tree(const pith_result *res, const pith_json *orig,
                      const char *drop, char **out, size_t *len) {
  char *pj = NULL;
  size_t pjl = 0;
  int rc = pith_render(res, PITH_FORMAT_JSON, &pj, &pjl);
  if (rc != PITH_OK) return rc;
  if (!orig || pith_json_kind(orig) != PITH_JSON_OBJECT) {
    *out = pj;
    if (len) *len = pjl;
    return PITH_OK;
  }
  size_t n = 0;
  rc = merge(orig, drop, pj, pjl, out, &n);
  if (rc == PITH_EFORMAT) { /* pith's own output is not an object: keep it */
    *out = pj;
    if (len) *len = pjl;
    return PITH_OK;
  }
  free(pj);
  if (len) *len = n;
  return rc;
}

int pith_render_json_merge(const pith_result *res, const char *orig,
                           size_t orig_len, const char *drop_field, char **out,
                           size_t *len) {
  if (!out) return PITH_EINVAL;
  *out = NULL;
  pith_json *ot = orig ? pith_json_parse(orig, orig_len, JSONL_MAX_DEPTH, NULL, 0)
                       : NULL;
  int rc = merge_tree(res, ot, drop_field, out, len);
  pith_json_free(ot);
  return rc;
}

int pith_jsonl_render(const pith_result *res, pith_record *rec, char **out,
                      size_t *len) {
  pith_record_prepare(rec);
  return merge_tree(res, rec->tree, rec->field, out, len);
}
