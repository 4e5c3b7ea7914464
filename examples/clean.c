/* Clean one file with libpith and print its title and text.
 *
 *   cc -o clean clean.c $(pkg-config --cflags --libs pith)
 *   ./clean page.html
 *
 * Only the installed header and library are used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pith.h>

/* Whole file into memory; pith works on one document at a time. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *bigger = realloc(buf, cap * 2);
    if (!bigger) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  if (buf && ferror(f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  size_t len;
  char *bytes = slurp(argv[1], &len);
  if (!bytes) {
    fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
    return 2;
  }

  /* Headers and library must agree on the major version. */
  if (pith_version() >> 16 != PITH_VERSION_MAJOR) {
    fprintf(stderr, "libpith %s does not match pith.h %s\n",
            pith_version_string(), PITH_VERSION_STRING);
    free(bytes);
    return 2;
  }

  pith_options *opts = pith_options_new();
  pith_result *res = opts ? pith_clean(opts, bytes, len, PITH_KIND_AUTO) : NULL;
  int rc = 0;
  if (!res) {
    fputs("out of memory\n", stderr);
    rc = 2;
  } else if (pith_result_status(res) != PITH_OK) {
    fprintf(stderr, "%s: %s\n", argv[1], pith_result_error(res));
    rc = 1;
  } else {
    const char *title = pith_result_field(res, PITH_FIELD_TITLE);
    printf("title: %s\nwords: %zu\n\n%s", title ? title : "(none)",
           pith_result_words(res), pith_result_text(res, NULL));
  }
  pith_result_free(res);
  pith_options_free(opts);
  free(bytes);
  return rc;
}
