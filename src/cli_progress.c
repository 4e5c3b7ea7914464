#include "cli_progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_SECONDS 0.25

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress *p, int quiet, uint64_t in_total) {
  memset(p, 0, sizeof *p);
  p->quiet = quiet;
  p->tty = isatty(STDERR_FILENO);
  p->live = p->tty && !quiet;
  p->in_total = in_total;
  p->start = now();
}

void cli_progress_input(cli_progress *p, uint64_t in_bytes) {
  p->in_bytes = in_bytes;
}

void cli_progress_clear(cli_progress *p) {
  if (p->drawn) {
    fputs("\r\033[K", stderr);
    p->drawn = 0;
  }
}

static void draw(cli_progress *p, double t) {
  double secs = t - p->start;
  if (secs <= 0) secs = 1e-9;
  double mb = (double)p->bytes / 1e6;
  char eta[32] = "";
  if (p->in_total && p->in_bytes && p->in_bytes <= p->in_total) {
    double left = secs * (double)(p->in_total - p->in_bytes) / (double)p->in_bytes;
    snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)(left / 60), (int)left % 60);
  }
  fprintf(stderr, "\r\033[K%llu docs  %llu failed  %.1f MB  %.0f docs/s  %.1f MB/s%s",
          p->docs, p->failed, mb, (double)p->docs / secs, mb / secs, eta);
  fflush(stderr);
  p->drawn = 1;
  p->last_draw = t;
}

void cli_progress_doc(cli_progress *p, uint64_t bytes, int failed) {
  p->docs++;
  p->failed += failed != 0;
  p->bytes += bytes;
  if (!p->live) return;
  double t = now();
  if (t - p->last_draw >= REDRAW_SECONDS) draw(p, t);
}

void cli_progress_finish(cli_progress *p) {
  cli_progress_clear(p);
  if (p->quiet || (!p->tty && p->docs <= 1)) return;
  double secs = now() - p->start;
  double mb = (double)p->bytes / 1e6;
  fprintf(stderr, "pith: %llu documents, %llu failed, %.2f s, %.1f MB/s\n",
          p->docs, p->failed, secs, secs > 0 ? mb / secs : 0.0);
}
