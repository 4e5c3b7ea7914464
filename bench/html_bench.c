/* HTML throughput: pith_clean() on every page in one process, one core,
 * beside gumbo's own parse time of the same pages.
 *
 *   html_bench [--pred OUT.json] [--repeat N] FILE.html[.gz]...
 *
 * Prints pages/s, MB/s (input bytes after gunzip), gumbo-only parse time
 * and peak RSS. --pred writes {id: {"articleBody": text}} for
 * `score file` (id = file name without .html[.gz]). */
#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "buf.h"
#include "json.h"
#include "pith.h"

typedef struct page {
  char *name;
  char *data;
  size_t len;
} page;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const char *path, page *p) {
  gzFile f = gzopen(path, "rb");
  if (!f) return -1;
  pith_buf b = PITH_BUF_INIT;
  char tmp[65536];
  int n;
  while ((n = gzread(f, tmp, sizeof tmp)) > 0) pith_buf_put(&b, tmp, (size_t)n);
  gzclose(f);
  if (b.failed) return -1;
  p->data = pith_buf_detach(&b, &p->len);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t bl = strcspn(base, ".");
  p->name = strndup(base, bl);
  return p->data && p->name ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *pred = NULL;
  int repeat = 1;
  page *pages = calloc((size_t)argc, sizeof *pages);
  size_t np = 0, bytes = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--pred") && i + 1 < argc) {
      pred = argv[++i];
    } else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = atoi(argv[++i]);
    } else if (load(argv[i], &pages[np]) == 0) {
      bytes += pages[np++].len;
    } else {
      fprintf(stderr, "html_bench: cannot read %s\n", argv[i]);
      return 2;
    }
  }
  if (!np) {
    fprintf(stderr, "usage: html_bench [--pred OUT.json] [--repeat N] FILE...\n");
    return 2;
  }
  pith_options *o = pith_options_new();
  pith_buf out = PITH_BUF_INIT;
  pith_buf_puts(&out, "{");
  double t0 = now();
  for (int r = 0; r < repeat; r++)
    for (size_t i = 0; i < np; i++) {
      pith_result *res = pith_clean(o, pages[i].data, pages[i].len, PITH_KIND_HTML);
      if (pred && r == 0) {
        size_t tl;
        const char *t = pith_result_text(res, &tl);
        if (i) pith_buf_puts(&out, ",\n");
        pith_json_escape(&out, pages[i].name, strlen(pages[i].name));
        pith_buf_puts(&out, ": {\"articleBody\": ");
        pith_json_escape(&out, t, tl);
        pith_buf_puts(&out, "}");
      }
      pith_result_free(res);
    }
  double t1 = now();
  for (int r = 0; r < repeat; r++)
    for (size_t i = 0; i < np; i++) {
      GumboOutput *g = gumbo_parse_with_options(&kGumboDefaultOptions, pages[i].data,
                                                pages[i].len);
      gumbo_destroy_output(&kGumboDefaultOptions, g);
    }
  double t2 = now();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double n = (double)np * repeat, mb = (double)bytes * repeat / 1e6;
  printf("pages %zu x %d, %.1f MB\n", np, repeat, mb);
  printf("pith:  %.3f s  %.1f pages/s  %.2f MB/s\n", t1 - t0, n / (t1 - t0), mb / (t1 - t0));
  printf("gumbo: %.3f s  %.1f pages/s  %.2f MB/s  (parse+free only; %.0f%% of pith)\n",
         t2 - t1, n / (t2 - t1), mb / (t2 - t1), 100 * (t2 - t1) / (t1 - t0));
  printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024);
  if (pred) {
    pith_buf_puts(&out, "}\n");
    FILE *f = fopen(pred, "wb");
    if (!f || fwrite(out.data, 1, out.len, f) != out.len) return 2;
    fclose(f);
  }
  pith_buf_free(&out);
  pith_options_free(o);
  for (size_t i = 0; i < np; i++) free(pages[i].data), free(pages[i].name);
  free(pages);
  return 0;
}
