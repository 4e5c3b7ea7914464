/* Batch engine of the CLI.
 *
 * The main thread reads records and writes results; workers clean and
 * render. Records travel through a ring of slots: slot k holds the k-th
 * record of the run, so results come out in input order however the
 * workers race. The ring has 8 slots per worker (one slow page must not
 * starve the other workers while it holds the head) and a byte budget of
 * RING_BYTES_PER_JOB per worker: small pages flow freely, big documents
 * wait for room, so memory stays near N x the largest document. With -j 1
 * there are no threads at all. */
#include "cli_batch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_progress.h"
#include "cli_walk.h"

#define RING_SLOTS_PER_JOB 8
#define RING_BYTES_PER_JOB ((size_t)8 << 20)

/* A record on its way through the ring. The worker leaves only what the
 * writer needs (output, messages) and frees the record and result itself,
 * so memory is released by the thread that allocated it. */
typedef struct slot {
  pith_record *rec;
  char *out;
  size_t len;
  char *note;  /* error and --explain text for stderr, or NULL */
  int failed;
  size_t size; /* document bytes, for the ring budget and MB/s */
  size_t file; /* index in the file list: picks the -o output file */
  uint64_t in_pos; /* raw input consumed when it was read (for the ETA) */
  int done;
} slot;

typedef struct batch {
  cli_opts *c;
  cli_file_list files;
  cli_progress prog;

  pthread_mutex_t mu;
  pthread_cond_t work_cv, done_cv;
  slot *slots;
  size_t q;
  size_t budget, inflight; /* document bytes allowed / held in the ring */
  unsigned long long head; /* next slot to write */
  unsigned long long next; /* next slot for a worker */
  unsigned long long tail; /* next free slot */
  int stop;
  pthread_t *threads;
  int nthreads;

  /* output under -o DIR: one file per input */
  size_t sink_file;
  FILE *sink;
  int sink_sep;
} batch;

/* ---- workers ------------------------------------------------------------ */

/* What goes to stderr for a result: its error, its explanation. */
static char *note_for(const batch *b, const pith_result *res, const char *where) {
  const cli_opts *c = b->c;
  const char *src = pith_result_field(res, PITH_FIELD_SOURCE);
  const char *ex = c->explain && c->format != PITH_FORMAT_JSON
                       ? pith_result_explain(res)
                       : NULL;
  int bad = pith_result_status(res) != PITH_OK;
  if (!bad && !ex) return NULL;
  if (!src) src = where;
  char *note = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&note, &n);
  if (!m) return NULL;
  if (bad) fprintf(m, "pith: %s: %s\n", src, pith_result_error(res));
  if (ex) fprintf(m, "== %s\n%s", src, ex);
  fclose(m);
  return note;
}

static void process(const batch *b, slot *s) {
  const char *where = b->files.files[s->file].path;
  pith_result *res = pith_clean_record(b->c->popts, s->rec);
  int rc = res ? pith_render_record(res, s->rec, b->c->format, &s->out, &s->len)
               : PITH_ENOMEM;
  if (rc != PITH_OK) {
    s->failed = 1;
    if (asprintf(&s->note, "pith: %s: out of memory\n", where) < 0) s->note = NULL;
    pith_free(s->out);
    s->out = NULL;
  } else {
    s->failed = pith_result_status(res) != PITH_OK;
    s->note = note_for(b, res, where);
  }
  pith_result_free(res);
  pith_record_free(s->rec);
  s->rec = NULL;
}

static void *worker(void *arg) {
  batch *b = arg;
  pthread_mutex_lock(&b->mu);
  for (;;) {
    while (!b->stop && b->next == b->tail) pthread_cond_wait(&b->work_cv, &b->mu);
    if (b->next == b->tail) break;
    slot *s = &b->slots[b->next++ % b->q];
    pthread_mutex_unlock(&b->mu);
    process(b, s);
    pthread_mutex_lock(&b->mu);
    s->done = 1;
    pthread_cond_signal(&b->done_cv);
  }
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* ---- output ----------------------------------------------------------- */

static const char *format_ext(pith_format f) {
  return f == PITH_FORMAT_JSON ? ".json" : f == PITH_FORMAT_MARKDOWN ? ".md" : ".txt";
}

static int make_parents(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    int rc = mkdir(path, 0777);
    *p = '/';
    if (rc != 0 && errno != EEXIST) return -1;
  }
  return 0;
}

static void close_sink(batch *b) {
  if (b->sink && fclose(b->sink) != 0) b->c->io_error = 1;
  b->sink = NULL;
}

/* DIR/REL.EXT with ".gz" dropped from REL and no way out of DIR. */
static char *output_path(const batch *b, const char *rel) {
  if (!strcmp(rel, "-")) rel = "stdin";
  while (*rel == '/') rel++;
  while (!strncmp(rel, "../", 3)) rel += 3;
  size_t rl = strlen(rel);
  if (rl > 3 && !strcmp(rel + rl - 3, ".gz")) rl -= 3;
  size_t n = strlen(b->c->outdir) + rl + 16;
  char *path = malloc(n);
  if (path)
    snprintf(path, n, "%s/%.*s%s", b->c->outdir, (int)rl, rel,
             format_ext(b->c->format));
  return path;
}

/* The stream for results of file `idx`: stdout, or its own file. */
static FILE *sink_for(batch *b, size_t idx) {
  cli_opts *c = b->c;
  if (!c->outdir) return c->out;
  if (b->sink && b->sink_file == idx) return b->sink;
  close_sink(b);
  b->sink_file = idx;
  b->sink_sep = 0;
  char *path = output_path(b, b->files.files[idx].rel);
  if (path && make_parents(path) == 0) b->sink = fopen(path, "wb");
  if (!b->sink) {
    cli_progress_clear(&b->prog);
    fprintf(stderr, "pith: %s: cannot write: %s; check that -o DIR is writable\n",
            path ? path : c->outdir, strerror(errno));
    c->io_error = 1;
  }
  free(path);
  return b->sink;
}

static void write_out(batch *b, FILE *f, const slot *s) {
  cli_opts *c = b->c;
  int *sep = c->outdir ? &b->sink_sep : &c->need_separator;
  if (!f) return;
  if (c->format == PITH_FORMAT_JSON) {
    fwrite(s->out, 1, s->len, f);
    fputc('\n', f);
  } else {
    if (*sep) fputs("\f\n", f);
    fwrite(s->out, 1, s->len, f);
    *sep = 1;
  }
  if (ferror(f)) {
    cli_progress_clear(&b->prog);
    fprintf(stderr, "pith: write error: %s\n", strerror(errno));
    c->io_error = 1;
    clearerr(f);
  }
}

/* Writes one finished slot, reports its error, frees it. */
static void emit(batch *b, slot *s) {
  cli_opts *c = b->c;
  if (s->note) {
    cli_progress_clear(&b->prog);
    fputs(s->note, stderr);
  }
  if (s->out) write_out(b, sink_for(b, s->file), s);
  c->docs++;
  c->failed += s->failed;
  cli_progress_input(&b->prog, s->in_pos);
  cli_progress_doc(&b->prog, s->size, s->failed);
  pith_free(s->out);
  free(s->note);
}

/* ---- the ring ------------------------------------------------------------ */

/* Writes every finished slot at the head; called with the lock held. */
static void flush_done(batch *b) {
  while (b->head < b->tail && b->slots[b->head % b->q].done) {
    slot s = b->slots[b->head % b->q];
    memset(&b->slots[b->head % b->q], 0, sizeof s);
    b->head++;
    b->inflight -= s.size;
    pthread_mutex_unlock(&b->mu);
    emit(b, &s);
    pthread_mutex_lock(&b->mu);
  }
}

static void submit(batch *b, pith_record *rec, size_t file, uint64_t in_pos) {
  if (b->nthreads == 0) {
    slot s = {rec, NULL, 0, NULL, 0, pith_record_size(rec), file, in_pos, 1};
    process(b, &s);
    emit(b, &s);
    return;
  }
  pthread_mutex_lock(&b->mu);
  for (;;) {
    flush_done(b);
    int empty = b->tail == b->head;
    if (empty || (b->tail - b->head < b->q &&
                  b->inflight + pith_record_size(rec) <= b->budget))
      break;
    pthread_cond_wait(&b->done_cv, &b->mu);
  }
  b->inflight += pith_record_size(rec);
  slot *s = &b->slots[b->tail++ % b->q];
  memset(s, 0, sizeof *s);
  s->rec = rec;
  s->size = pith_record_size(rec);
  s->file = file;
  s->in_pos = in_pos;
  pthread_cond_signal(&b->work_cv);
  pthread_mutex_unlock(&b->mu);
}

static void drain(batch *b) {
  if (b->nthreads == 0) return;
  pthread_mutex_lock(&b->mu);
  for (;;) {
    flush_done(b);
    if (b->head == b->tail) break;
    pthread_cond_wait(&b->done_cv, &b->mu);
  }
  b->stop = 1;
  pthread_cond_broadcast(&b->work_cv);
  pthread_mutex_unlock(&b->mu);
}

static int start_workers(batch *b, int jobs) {
  if (jobs <= 1) return 0;
  b->q = (size_t)jobs * RING_SLOTS_PER_JOB;
  b->budget = (size_t)jobs * RING_BYTES_PER_JOB;
  b->slots = calloc(b->q, sizeof *b->slots);
  b->threads = calloc((size_t)jobs, sizeof *b->threads);
  if (!b->slots || !b->threads) return -1;
  pthread_mutex_init(&b->mu, NULL);
  pthread_cond_init(&b->work_cv, NULL);
  pthread_cond_init(&b->done_cv, NULL);
  for (int i = 0; i < jobs; i++) {
    if (pthread_create(&b->threads[i], NULL, worker, b) != 0) break;
    b->nthreads++;
  }
  return b->nthreads ? 0 : -1;
}

static void stop_workers(batch *b) {
  if (!b->threads) return;
  for (int i = 0; i < b->nthreads; i++) pthread_join(b->threads[i], NULL);
  if (b->nthreads) {
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->work_cv);
    pthread_cond_destroy(&b->done_cv);
  }
  free(b->threads);
  free(b->slots);
}

/* ---- inputs ------------------------------------------------------------- */

static pith_reader_kind reader_kind(cli_input in) {
  switch (in) {
  case CLI_IN_HTML:
  case CLI_IN_TEXT: return PITH_READER_DOC;
  case CLI_IN_JSONL: return PITH_READER_JSONL;
  case CLI_IN_WARC: return PITH_READER_WARC;
  default: return PITH_READER_AUTO;
  }
}

/* Feeds every record of one input file to the ring. Returns the raw bytes
 * read. */
static uint64_t read_file(batch *b, size_t idx, uint64_t before) {
  cli_opts *c = b->c;
  const char *path = b->files.files[idx].path;
  int is_stdin = !strcmp(path, "-");
  int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
  if (fd < 0) {
    cli_progress_clear(&b->prog);
    fprintf(stderr, "pith: %s: cannot open: %s\n", path, strerror(errno));
    c->io_error = 1;
    return 0;
  }
  pith_reader *r = pith_reader_new(fd, reader_kind(c->input), is_stdin ? NULL : path);
  if (!r || (c->field && pith_reader_set_field(r, c->field) != PITH_OK)) {
    fprintf(stderr, "pith: out of memory\n");
    c->io_error = 1;
    pith_reader_free(r);
    if (!is_stdin) close(fd);
    return 0;
  }
  pith_reader_set_doc_kind(r, c->input == CLI_IN_HTML   ? PITH_KIND_HTML
                              : c->input == CLI_IN_TEXT ? PITH_KIND_TEXT
                                                        : PITH_KIND_AUTO);
  pith_record *rec;
  int rc;
  while ((rc = pith_reader_next(r, &rec)) == 1) {
    submit(b, rec, idx, before + pith_reader_bytes_in(r));
  }
  if (rc < 0) {
    cli_progress_clear(&b->prog);
    fprintf(stderr, "pith: %s: %s\n", is_stdin ? "stdin" : path,
            pith_reader_error(r)[0] ? pith_reader_error(r) : pith_strerror(rc));
    c->io_error = 1;
  }
  uint64_t n = pith_reader_bytes_in(r);
  pith_reader_free(r);
  if (!is_stdin) close(fd);
  return n;
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

void cli_batch_run(cli_opts *c, char **argv, int argc) {
  batch b;
  memset(&b, 0, sizeof b);
  b.c = c;
  cli_walk(&b.files, argv, argc);
  if (b.files.errors) c->io_error = 1;
  cli_progress_init(&b.prog, c->quiet, b.files.size_known ? b.files.total : 0);
  int jobs = c->jobs > 0 ? c->jobs : default_jobs();
  if (start_workers(&b, jobs) != 0) { /* no threads: run inline */
    stop_workers(&b);
    b.threads = NULL;
    b.slots = NULL;
    b.nthreads = 0;
  }
  uint64_t in = 0;
  for (size_t i = 0; i < b.files.n; i++) in += read_file(&b, i, in);
  drain(&b);
  stop_workers(&b);
  close_sink(&b);
  cli_progress_finish(&b.prog);
  cli_file_list_free(&b.files);
}
