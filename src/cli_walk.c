#include "cli_walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  int slash = la && a[la - 1] != '/';
  char *s = malloc(la + lb + 2);
  if (!s) return NULL;
  memcpy(s, a, la);
  if (slash) s[la] = '/';
  memcpy(s + la + slash, b, lb + 1);
  return s;
}

static int add(cli_file_list *l, const char *path, const char *rel,
               uint64_t size, int known) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 64;
    cli_input_file *p = realloc(l->files, nc * sizeof *p);
    if (!p) return -1;
    l->files = p;
    l->cap = nc;
  }
  cli_input_file *f = &l->files[l->n];
  f->path = strdup(path);
  f->rel = strdup(rel);
  if (!f->path || !f->rel) {
    free(f->path);
    free(f->rel);
    return -1;
  }
  f->size = size;
  l->n++;
  l->total += size;
  if (!known) l->size_known = 0;
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir (without . and ..), NULL-terminated; NULL on error. */
static char **list_dir(const char *dir, size_t *count) {
  DIR *d = opendir(dir);
  if (!d) return NULL;
  size_t n = 0, cap = 32;
  char **names = malloc(cap * sizeof *names);
  struct dirent *e;
  while (names && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n + 1 >= cap) {
      char **p = realloc(names, (cap *= 2) * sizeof *names);
      if (!p) break;
      names = p;
    }
    if (!(names[n] = strdup(e->d_name))) break;
    n++;
  }
  closedir(d);
  if (!names) return NULL;
  qsort(names, n, sizeof *names, by_name);
  names[n] = NULL;
  *count = n;
  return names;
}

/* Walks dir; rel is the path below the argument ("" at the top). Symlinked
 * directories are not followed, so a link loop cannot trap the walk. */
static void walk_dir(cli_file_list *l, const char *dir, const char *rel) {
  size_t n = 0;
  char **names = list_dir(dir, &n);
  if (!names) {
    fprintf(stderr, "pith: %s: cannot read directory: %s\n", dir, strerror(errno));
    l->errors++;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    char *path = join(dir, names[i]);
    char *sub = rel[0] ? join(rel, names[i]) : strdup(names[i]);
    struct stat st, lst;
    if (!path || !sub) {
      l->errors++;
    } else if (stat(path, &st) != 0) {
      fprintf(stderr, "pith: %s: %s\n", path, strerror(errno));
      l->errors++;
    } else if (S_ISDIR(st.st_mode)) {
      if (lstat(path, &lst) == 0 && !S_ISLNK(lst.st_mode)) walk_dir(l, path, sub);
    } else if (S_ISREG(st.st_mode)) {
      if (add(l, path, sub, (uint64_t)st.st_size, 1) != 0) l->errors++;
    }
    free(path);
    free(sub);
    free(names[i]);
  }
  free(names);
}

/* The name a single file argument gets under -o DIR: its last component. */
static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s && s[1] ? s + 1 : p;
}

void cli_walk(cli_file_list *l, char **argv, int argc) {
  l->size_known = 1;
  if (argc == 0) {
    add(l, "-", "-", 0, 0);
    return;
  }
  for (int i = 0; i < argc; i++) {
    struct stat st;
    if (!strcmp(argv[i], "-")) {
      if (add(l, "-", "-", 0, 0) != 0) l->errors++;
    } else if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "pith: %s: cannot open: %s\n", argv[i], strerror(errno));
      l->errors++;
    } else if (S_ISDIR(st.st_mode)) {
      walk_dir(l, argv[i], "");
    } else {
      int known = S_ISREG(st.st_mode);
      if (add(l, argv[i], base_name(argv[i]), known ? (uint64_t)st.st_size : 0,
              known) != 0)
        l->errors++;
    }
  }
}

void cli_file_list_free(cli_file_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->files[i].path);
    free(l->files[i].rel);
  }
  free(l->files);
  memset(l, 0, sizeof *l);
}
