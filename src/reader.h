/* Internals shared by the container readers (reader.c: buffering, sniffing,
 * whole documents, records; jsonl.c; warc.c). */
#ifndef PITH_READER_H
#define PITH_READER_H

#include <stddef.h>
#include <stdint.h>

#include "gz.h"
#include "json.h"
#include "pith.h"

#define READER_BUF_INIT ((size_t)256 << 10)
/* WARC and HTTP header lines longer than this are damage, not data. */
#define READER_MAX_HEADER_LINE ((size_t)64 << 10)

struct pith_record {
  int status;      /* PITH_OK or the record's error */
  char *error;     /* owned message when status != PITH_OK */
  int prepared;    /* lazy decoding (JSONL parse) done */
  int is_jsonl;
  char *data;      /* owned: the JSONL line or the container block */
  size_t data_off; /* where the line/block starts inside data */
  size_t len;
  pith_input in;   /* document + facts; pointers owned by this record */
  char *url, *date, *charset, *source;
  char *want_field; /* JSONL --field, NULL for the default list */
  const char *field; /* JSONL: the field that held the document */
  pith_json *tree;   /* JSONL: the parsed line */
  unsigned long long number;
  size_t size;
};

struct pith_reader {
  pith_gz *gz;
  pith_reader_kind kind;
  pith_kind doc_kind;
  char *name;
  char *field;
  size_t limit;
  char *buf; /* window of decompressed input: [pos, len) is unread */
  size_t cap, pos, len;
  int eof;
  int finished; /* DOC: the one record was given */
  int resync;         /* WARC: looking for the next record after damage */
  int pending_damage; /* gzip damage seen while sniffing, not yet reported */
  unsigned long long number;
  uint64_t consumed; /* decompressed bytes before buf[0] */
  char damage[200];  /* last gzip damage message */
  char err[256];     /* fatal error */
};

/* Reads more input behind the window. >0 bytes added, 0 end of input,
 * PITH_EFORMAT gzip damage (message in r->damage; the window is dropped),
 * PITH_ELIMIT when the window would exceed `max` bytes, other <0 fatal. */
int pith_rd_fill(pith_reader *r, size_t max);
/* One line (without '\n'; a '\r' before it is kept) at most `max` bytes:
 * 1 with *line pointing into the window (valid until the next rd call),
 * 0 at end of input, PITH_EFORMAT (damage), PITH_ELIMIT (the line was too
 * long and has been skipped through its newline), other <0 fatal. */
int pith_rd_line(pith_reader *r, size_t max, const char **line, size_t *len);
/* Discards input through the next newline. */
int pith_rd_skip_line(pith_reader *r);
/* Copies exactly n bytes into dst (window first, then straight from the
 * decompressor). 1 done, 0 input ended early (*got bytes copied),
 * PITH_EFORMAT, other <0 fatal. */
int pith_rd_exact(pith_reader *r, char *dst, size_t n, size_t *got);
/* Discards n bytes; same returns as pith_rd_exact. */
int pith_rd_skip(pith_reader *r, size_t n, size_t *got);
/* Decompressed offset of the next unread byte. */
uint64_t pith_rd_offset(const pith_reader *r);
/* When the item just consumed (item_len bytes, already behind pos) fills
 * most of a grown window, hands the whole buffer over (the caller frees it;
 * the item keeps its offset) and moves what is unread to a fresh small
 * buffer, saving a copy of a big record. NULL otherwise. */
char *pith_rd_steal(pith_reader *r, size_t item_len);

/* A new record numbered `number` with source "NAME:NUMBER" (or `source`). */
pith_record *pith_record_new(const pith_reader *r, const char *source);
/* Makes rec an error record; returns rec. Message printf-style. */
pith_record *pith_record_fail(pith_record *rec, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *pith_strndup(const char *s, size_t n);

int pith_jsonl_next(pith_reader *r, pith_record **rec);
int pith_jsonl_prepare(pith_record *rec);
/* JSON output for a JSONL record: its fields, then pith's. */
int pith_jsonl_render(const pith_result *res, pith_record *rec, char **out,
                      size_t *len);
int pith_warc_next(pith_reader *r, pith_record **rec);

#endif
