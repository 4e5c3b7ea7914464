/* Progress line and final summary on stderr (the CLI only). */
#ifndef PITH_CLI_PROGRESS_H
#define PITH_CLI_PROGRESS_H

#include <stdint.h>

typedef struct cli_progress {
  int live;       /* draw the progress line (stderr is a TTY, not --quiet) */
  int quiet;
  int tty;
  double start, last_draw;
  unsigned long long docs, failed;
  uint64_t bytes;    /* decompressed bytes of the documents written */
  uint64_t in_bytes; /* raw input bytes consumed */
  uint64_t in_total; /* raw input size, 0 when unknown */
  int drawn;
} cli_progress;

void cli_progress_init(cli_progress *p, int quiet, uint64_t in_total);
/* Raw input bytes consumed so far (all files). */
void cli_progress_input(cli_progress *p, uint64_t in_bytes);
/* One document written; redraws at most a few times a second. */
void cli_progress_doc(cli_progress *p, uint64_t bytes, int failed);
/* Before printing anything else on stderr: wipe the progress line. */
void cli_progress_clear(cli_progress *p);
/* Clears the line; prints the summary when stderr is a TTY or more than
 * one document went through (a lone stdin document keeps pipes clean). */
void cli_progress_finish(cli_progress *p);

#endif
