/* pith: boilerplate stripper and article normalizer.
 *
 * One call cleans one document:
 *
 *     pith_options *o = pith_options_new();
 *     pith_result *r = pith_clean(o, bytes, len, PITH_KIND_AUTO);
 *     if (pith_result_status(r) == PITH_OK)
 *       puts(pith_result_text(r, NULL));
 *     pith_result_free(r);
 *     pith_options_free(o);
 *
 * Thread safety: an options object is read-only once built; any number of
 * threads may call pith_clean() with the same options at once. Results are
 * independent. The library keeps no global state, never prints, never exits.
 */
#ifndef PITH_H
#define PITH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define PITH_API
#elif defined(PITH_BUILDING)
#define PITH_API __attribute__((visibility("default")))
#else
#define PITH_API
#endif

#define PITH_VERSION_MAJOR 0
#define PITH_VERSION_MINOR 1
#define PITH_VERSION_PATCH 0
#define PITH_VERSION_STRING "0.1.0"
/** Version as 0xMMmmpp. */
#define PITH_VERSION \
  ((PITH_VERSION_MAJOR << 16) | (PITH_VERSION_MINOR << 8) | PITH_VERSION_PATCH)

/** Version of the library actually linked, as 0xMMmmpp. */
PITH_API int pith_version(void);
/** Version of the library actually linked, as "MAJOR.MINOR.PATCH". */
PITH_API const char *pith_version_string(void);

/** Status codes: 0 is success, negatives are errors. */
typedef enum pith_status {
  PITH_OK = 0,
  PITH_ENOMEM = -1,    /* allocation failed */
  PITH_EENCODING = -2, /* unknown charset name */
  PITH_ELIMIT = -3,    /* a named limit (size, depth) was exceeded */
  PITH_EINVAL = -4,    /* invalid argument */
  PITH_ERULES = -5,    /* malformed filter rule */
  PITH_EIO = -6,       /* a file could not be read */
  PITH_EFORMAT = -7    /* malformed container record (JSON, WARC, gzip) */
} pith_status;

/** Static English message for a status code. */
PITH_API const char *pith_strerror(int status);

/** What the input bytes are. AUTO sniffs HTML versus text. */
typedef enum pith_kind {
  PITH_KIND_AUTO = 0,
  PITH_KIND_HTML = 1,
  PITH_KIND_TEXT = 2
} pith_kind;

/** Output formats for pith_render(). */
typedef enum pith_format {
  PITH_FORMAT_TEXT = 0,     /* paragraphs separated by one blank line */
  PITH_FORMAT_JSON = 1,     /* one JSON object, no trailing newline */
  PITH_FORMAT_MARKDOWN = 2  /* headings, lists, quotes, code */
} pith_format;

/* Option flags; all but EXPLAIN and LINKS are on by default. */
#define PITH_OPT_STRIP (1u << 0)     /* remove boilerplate (off: --no-strip) */
#define PITH_OPT_MOJIBAKE (1u << 1)  /* repair UTF-8 read as cp1252/latin-1 */
#define PITH_OPT_ENTITIES (1u << 2)  /* decode HTML entities in text input */
#define PITH_OPT_NFC (1u << 3)       /* Unicode NFC */
#define PITH_OPT_ASCII_QUOTES (1u << 4) /* curly quotes and primes to ASCII */
#define PITH_OPT_SPACES (1u << 5)    /* Unicode spaces, invisibles, collapse */
#define PITH_OPT_EXPLAIN (1u << 6)   /* record why each block was kept/dropped */
#define PITH_OPT_LINKS (1u << 7)     /* HTML: links kept as [text](href) */
#define PITH_OPT_DEFAULT_FILTERS (1u << 8) /* use the built-in filters */

#define PITH_OPTS_DEFAULT                                                  \
  (PITH_OPT_STRIP | PITH_OPT_MOJIBAKE | PITH_OPT_ENTITIES | PITH_OPT_NFC | \
   PITH_OPT_ASCII_QUOTES | PITH_OPT_SPACES | PITH_OPT_DEFAULT_FILTERS)

typedef struct pith_options pith_options;
typedef struct pith_result pith_result;

/** New options with PITH_OPTS_DEFAULT. NULL on allocation failure.
 * Free with pith_options_free(). */
PITH_API pith_options *pith_options_new(void);
PITH_API void pith_options_free(pith_options *opts);

/** Replace the flag set (PITH_OPT_* bits). */
PITH_API void pith_options_set_flags(pith_options *opts, unsigned flags);
PITH_API unsigned pith_options_flags(const pith_options *opts);

/** Force a charset for every document (iconv name or WHATWG label); NULL
 * restores detection. Returns PITH_EENCODING if iconv does not know it. */
PITH_API int pith_options_set_charset(pith_options *opts, const char *name);

/** Reference date "YYYY-MM-DD" used to resolve relative dates ("2 days
 * ago"); NULL (the default) leaves relative dates unresolved (null). */
PITH_API int pith_options_set_reference_date(pith_options *opts,
                                             const char *iso_date);

/** Add filter rules from a file (see filters/README.md for the grammar).
 * On PITH_ERULES or PITH_EIO, err receives "FILE:LINE: reason". */
PITH_API int pith_options_add_filters_file(pith_options *opts,
                                           const char *path, char *err,
                                           size_t errlen);
/** Same, from memory; `name` is used in error messages. */
PITH_API int pith_options_add_filters(pith_options *opts, const char *name,
                                      const char *text, size_t len, char *err,
                                      size_t errlen);

/** Optional facts a container (HTTP, WARC, JSONL) knows about a document. */
typedef struct pith_input {
  unsigned abi_version; /* set to 0 */
  const char *bytes;    /* the document; borrowed for the call */
  size_t len;
  pith_kind kind;
  const char *charset; /* transport charset (HTTP Content-Type) or NULL */
  const char *url;     /* used when the document names none, or NULL */
  const char *date;    /* ISO 8601, used when the document has none, or NULL */
  const char *source;  /* file path or record id, for `source` and errors */
} pith_input;

/** Clean one document. Never returns NULL except on allocation failure;
 * check pith_result_status(). Free with pith_result_free(). */
PITH_API pith_result *pith_clean(const pith_options *opts, const char *bytes,
                                 size_t len, pith_kind hint);
/** Clean one document with container facts. */
PITH_API pith_result *pith_clean_input(const pith_options *opts,
                                       const pith_input *in);

/** A result for a document that could not even be read: carries `status`
 * and `message` as its error, so writers emit one error record for it. */
PITH_API pith_result *pith_result_new_error(int status, const char *source,
                                            const char *message);

PITH_API void pith_result_free(pith_result *r);

/** PITH_OK or the error that stopped the document. */
PITH_API int pith_result_status(const pith_result *r);
/** Error message ("reason, what to do"), or NULL when status is PITH_OK. */
PITH_API const char *pith_result_error(const pith_result *r);

/** The clean text, paragraphs separated by one blank line. Borrowed; valid
 * until pith_result_free(). `len` may be NULL. Never NULL. */
PITH_API const char *pith_result_text(const pith_result *r, size_t *len);

typedef enum pith_field {
  PITH_FIELD_TITLE = 0,
  PITH_FIELD_AUTHOR,
  PITH_FIELD_DATE, /* ISO 8601 */
  PITH_FIELD_SITE,
  PITH_FIELD_URL,
  PITH_FIELD_DESCRIPTION,
  PITH_FIELD_LANG, /* ISO 639-1 */
  PITH_FIELD_CHARSET,
  PITH_FIELD_SOURCE,
  PITH_FIELD_IMAGE,
  PITH_FIELD_COUNT_
} pith_field;

/** Metadata field, or NULL when unknown. Borrowed; valid until free. */
PITH_API const char *pith_result_field(const pith_result *r, pith_field f);
/** JSON key of a field ("title", "author"...). */
PITH_API const char *pith_field_name(pith_field f);
/** Word count of the clean text. */
PITH_API size_t pith_result_words(const pith_result *r);

/** Render a result. *out is NUL-terminated; caller frees with pith_free().
 * JSON is one object without a newline; with PITH_OPT_EXPLAIN set in the
 * cleaning options it has an "explain" array. */
PITH_API int pith_render(const pith_result *r, pith_format fmt, char **out,
                         size_t *len);

/** Explanation lines, one per block:
 * "KEEP|DROP<TAB>reason<TAB>features<TAB>text".
 * NULL unless PITH_OPT_EXPLAIN was set. Borrowed. */
PITH_API const char *pith_result_explain(const pith_result *r);

/** Free memory returned by pith_render() and other pith_ allocators. */
PITH_API void pith_free(void *p);


/* ==== Readers ========================================================
 * Containers in, one record at a time: a whole file (HTML or text), JSON
 * Lines, or WARC; gzip (.gz, multi-member) is undone transparently. Input is
 * streamed: memory follows the largest record, not the input size.
 *
 *     pith_reader *rd = pith_reader_new(fd, PITH_READER_AUTO, "dump.jsonl");
 *     pith_record *rec;
 *     while (pith_reader_next(rd, &rec) == 1) {
 *       pith_result *res = pith_clean_record(opts, rec);
 *       char *out; size_t n;
 *       pith_render_record(res, rec, PITH_FORMAT_JSON, &out, &n);
 *       ...
 *       pith_free(out); pith_result_free(res); pith_record_free(rec);
 *     }
 *     pith_reader_free(rd);
 *
 * A damaged record (invalid JSON line, missing field, truncated gzip or WARC
 * record, a line over the size limit) is still a record: its status is an
 * error, pith_clean_record() turns it into an error result, and the reader
 * goes on with the next one. Only a failing read(2) stops a reader.
 * A reader belongs to one thread. Records are independent of the reader
 * and of each other: hand them to other threads (one thread per record at
 * a time), free them in any order. */

typedef enum pith_reader_kind {
  PITH_READER_AUTO = 0, /* sniff: "WARC/" is WARC, "{" is JSONL, else DOC */
  PITH_READER_DOC = 1,  /* the whole input is one document */
  PITH_READER_JSONL = 2,
  PITH_READER_WARC = 3
} pith_reader_kind;

typedef struct pith_reader pith_reader;
typedef struct pith_record pith_record;

/** Default and hard ceiling for one record (a JSONL line, a WARC record, a
 * whole document): 256 MB. Bigger records become error records. */
#define PITH_READER_MAX_RECORD ((size_t)256 << 20)

/** Reader over an open file descriptor (borrowed: the caller closes it
 * after pith_reader_free). `source_name` names the input in `source` and
 * messages (copied); NULL for stdin (records are then "stdin:LINE", a
 * whole document has no source). NULL on allocation failure. */
PITH_API pith_reader *pith_reader_new(int fd, pith_reader_kind kind,
                                      const char *source_name);
PITH_API void pith_reader_free(pith_reader *r);

/** JSONL: the field holding the document; NULL (the default) takes the
 * first of "html", "raw_content", "content", "text". Copied. */
PITH_API int pith_reader_set_field(pith_reader *r, const char *name);
/** DOC: the kind passed on to pith_clean (default PITH_KIND_AUTO). */
PITH_API void pith_reader_set_doc_kind(pith_reader *r, pith_kind kind);
/** Largest record accepted, at most PITH_READER_MAX_RECORD. */
PITH_API void pith_reader_set_limit(pith_reader *r, size_t max_record);

/** Next record. 1: *rec is a new record the caller owns (free it with
 * pith_record_free); 0: end of input; PITH_EIO / PITH_ENOMEM: the input
 * cannot be read further (message in pith_reader_error). */
PITH_API int pith_reader_next(pith_reader *r, pith_record **rec);
/** Message for the last fatal error, "" if none. Borrowed. */
PITH_API const char *pith_reader_error(const pith_reader *r);
/** The format in use (after the first pith_reader_next for AUTO). */
PITH_API pith_reader_kind pith_reader_kind_of(const pith_reader *r);
/** Raw bytes consumed from the descriptor so far (compressed size for gzip),
 * for progress against the file size. */
PITH_API unsigned long long pith_reader_bytes_in(const pith_reader *r);

/** Finish decoding a record (JSONL lines are parsed lazily so that the
 * parsing runs on the worker thread, not the reader's). Idempotent; the
 * accessors below call it. Returns the record's status. */
PITH_API int pith_record_prepare(pith_record *rec);
/** PITH_OK, or why the record is unusable (PITH_EFORMAT, PITH_ELIMIT...). */
PITH_API int pith_record_status(pith_record *rec);
/** "line 12: invalid JSON: ..." when the status is an error, else NULL. */
PITH_API const char *pith_record_error(pith_record *rec);
/** The document and its container facts (url, date, charset, source),
 * ready for pith_clean_input(). Pointers are owned by the record. */
PITH_API const pith_input *pith_record_input(pith_record *rec);
/** `source` of the record: JSONL "id" field or "FILE:LINE", WARC-Record-ID,
 * or the file name. Never NULL. */
PITH_API const char *pith_record_source(pith_record *rec);
/** 1-based position in the input (JSONL: line number; WARC: record). */
PITH_API unsigned long long pith_record_number(const pith_record *rec);
/** Decompressed bytes this record covers in the input (for MB/s). */
PITH_API size_t pith_record_size(const pith_record *rec);
PITH_API void pith_record_free(pith_record *rec);

/** pith_clean_input() on the record, or an error result carrying the
 * record's error. Never NULL except on allocation failure. */
PITH_API pith_result *pith_clean_record(const pith_options *opts,
                                        pith_record *rec);
/** pith_render(), except that JSON output of a JSONL record keeps the
 * record's other fields (see pith_render_json_merge). */
PITH_API int pith_render_record(const pith_result *res, pith_record *rec,
                                pith_format fmt, char **out, size_t *len);
/** JSON object made of the original object `orig` (one JSON object text)
 * minus `drop_field` (the document field, may be NULL) and minus the keys
 * pith itself writes, followed by pith's fields from pith_render(JSON).
 * Original values are copied byte for byte. If `orig` is not a JSON object
 * the output is pith's object alone. *out is freed with pith_free(). */
PITH_API int pith_render_json_merge(const pith_result *res, const char *orig,
                                    size_t orig_len, const char *drop_field,
                                    char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
