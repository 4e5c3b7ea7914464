/* The filters/ data compiled into the library (tools/embed_filters.py). */
#ifndef PITH_FILTERS_BUILTIN_H
#define PITH_FILTERS_BUILTIN_H

#include <stddef.h>

typedef struct pith_builtin_file {
  const char *name; /* "ui.rules", "stopwords/en.txt" */
  const char *data;
  size_t len;
} pith_builtin_file;

/* Terminated by an entry whose name is NULL. */
extern const pith_builtin_file pith_builtin_files[];

#endif
