/* Shared state of the pith command-line tool (not part of libpith). */
#ifndef PITH_CLI_H
#define PITH_CLI_H

#include <stdio.h>

#include "pith.h"

typedef enum cli_input { CLI_IN_AUTO, CLI_IN_HTML, CLI_IN_TEXT, CLI_IN_JSONL, CLI_IN_WARC } cli_input;

typedef struct cli_opts {
  pith_options *popts;
  cli_input input;
  pith_format format;
  const char *outdir;  /* -o DIR or NULL */
  const char *field;   /* --field NAME or NULL */
  int jobs;            /* -j N; 0 = number of cores */
  int quiet;
  int explain;
  /* run state */
  FILE *out;
  long docs, failed;   /* documents written, documents with an error */
  int io_error;        /* a usage or I/O error happened: exit 2 */
  int need_separator;  /* a text document was written to stdout */
} cli_opts;


#endif
