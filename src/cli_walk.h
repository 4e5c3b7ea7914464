/* Expanding command-line inputs into a list of files: directories are
 * walked recursively in sorted order (deterministic output), "-" is stdin. */
#ifndef PITH_CLI_WALK_H
#define PITH_CLI_WALK_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_input_file {
  char *path; /* what to open ("-" for stdin) */
  char *rel;  /* path below the argument directory, for -o DIR mirroring */
  uint64_t size; /* bytes on disk, 0 when unknown (stdin, pipes) */
} cli_input_file;

typedef struct cli_file_list {
  cli_input_file *files;
  size_t n, cap;
  uint64_t total; /* sum of sizes */
  int size_known; /* every input has a known size (for ETA) */
  int errors;     /* arguments or directories that could not be read */
} cli_file_list;

/* Appends the files named by argv[0..argc) (none: stdin). Problems are
 * reported on stderr and counted in list->errors; the rest is kept. */
void cli_walk(cli_file_list *list, char **argv, int argc);
void cli_file_list_free(cli_file_list *list);

#endif
