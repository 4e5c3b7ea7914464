/* Text-dump throughput: pith_clean() on every dump in one process, one
 * core, repeated until enough bytes went through.
 *
 *   text_bench [--min-mb N] FILE.txt...
 *
 * Prints documents/s, MB/s (input bytes) and peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pith.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, k;
  char *p = malloc(cap);
  while (p && (k = fread(p + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      char *q = realloc(p, cap *= 2);
      if (!q) {
        free(p);
        p = NULL;
      }
      p = q;
    }
  }
  fclose(f);
  *len = n;
  return p;
}

int main(int argc, char **argv) {
  double min_mb = 200;
  char **docs = calloc((size_t)argc, sizeof *docs);
  size_t *lens = calloc((size_t)argc, sizeof *lens), nd = 0, bytes = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--min-mb") && i + 1 < argc) {
      min_mb = atof(argv[++i]);
      continue;
    }
    docs[nd] = slurp(argv[i], &lens[nd]);
    if (docs[nd]) bytes += lens[nd++];
  }
  if (nd == 0) {
    fprintf(stderr, "usage: text_bench [--min-mb N] FILE.txt...\n");
    return 2;
  }
  pith_options *o = pith_options_new();
  size_t done_docs = 0, done_bytes = 0, words = 0;
  double t0 = now();
  while ((double)done_bytes < min_mb * 1e6) {
    for (size_t i = 0; i < nd; i++) {
      pith_result *r = pith_clean(o, docs[i], lens[i], PITH_KIND_TEXT);
      words += pith_result_words(r);
      pith_result_free(r);
    }
    done_docs += nd;
    done_bytes += bytes;
  }
  double secs = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("text: %zu documents, %.1f MB in %.2f s: %.0f docs/s, %.1f MB/s, "
         "peak RSS %.1f MB (%zu words out)\n",
         done_docs, (double)done_bytes / 1e6, secs, (double)done_docs / secs,
         (double)done_bytes / 1e6 / secs, (double)ru.ru_maxrss / 1024.0, words);
  pith_options_free(o);
  for (size_t i = 0; i < nd; i++) free(docs[i]);
  free(docs);
  free(lens);
  return 0;
}
