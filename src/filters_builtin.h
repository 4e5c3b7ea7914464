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

/* The month names of months.txt (lowercase, 3 to 12 bytes, the first line
 * naming a word decides), sorted by length, then by bytes. */
typedef struct pith_month_name {
  const char *name;
  unsigned char len, month;
} pith_month_name;
extern const pith_month_name pith_month_names[];
extern const size_t pith_month_names_count;

#endif
