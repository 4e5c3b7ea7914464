/* pith: the command-line client of libpith. Options, files, exit codes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_batch.h"

static const char usage[] =
    "usage: pith [OPTIONS] [FILE|DIR|-]...\n"
    "\n"
    "Strip boilerplate from scraped web pages (HTML) and plain-text dumps,\n"
    "repair and normalize the text, and print the article with its metadata.\n"
    "No FILE, or '-', reads standard input.\n"
    "\n"
    "Input and output:\n"
    "  -i, --input KIND        auto (default), html, text, jsonl, warc\n"
    "  -f, --format FMT        text (default), json (one object per line),\n"
    "                          markdown\n"
    "  -o, --output DIR        write one file per input into DIR instead of\n"
    "                          stdout (mirrors the input tree)\n"
    "      --field NAME        JSONL: field holding the document (default: first\n"
    "                          of html, raw_content, content, text)\n"
    "      --charset NAME      force the input charset (e.g. windows-1251)\n"
    "  -j, --jobs N            worker threads for batch input (default: cores)\n"
    "  -q, --quiet             no progress or summary on stderr\n"
    "\n"
    "Cleaning:\n"
    "      --no-strip          keep every block: normalize only\n"
    "      --filters FILE      add rules from FILE (see filters/README.md);\n"
    "                          may be given several times\n"
    "      --no-default-filters  drop the built-in rules\n"
    "      --explain           show each block's decision and reason (stderr in\n"
    "                          text mode, an \"explain\" array in JSON)\n"
    "      --reference-date D  resolve \"3 days ago\" against D (YYYY-MM-DD)\n"
    "      --links             HTML: keep link targets as [text](href)\n"
    "\n"
    "Normalization (all on by default):\n"
    "      --quotes ascii|keep curly quotes to ASCII (default ascii)\n"
    "      --no-mojibake       do not repair UTF-8 read as windows-1252\n"
    "      --no-entities       do not decode HTML entities in text input\n"
    "      --no-nfc            do not apply Unicode NFC\n"
    "      --no-spaces         keep Unicode spaces and invisible characters\n"
    "\n"
    "  -h, --help              this help\n"
    "  -V, --version           version\n"
    "\n"
    "Examples:\n"
    "  curl -s https://example.com/story | pith\n"
    "  pith -f json page.html | jq -r .title\n"
    "  pith -i text --explain dump.txt 2>why.txt\n"
    "  pith -i jsonl -f json crawl.jsonl.gz > clean.jsonl\n"
    "  pith -o clean/ dumps/\n"
    "\n"
    "Exit status: 0 all documents cleaned, 1 some documents failed (each has an\n"
    "error record), 2 usage or I/O error.\n";

enum {
  OPT_FIELD = 256, OPT_CHARSET, OPT_NO_STRIP, OPT_FILTERS, OPT_NO_DEFAULT,
  OPT_EXPLAIN, OPT_REFDATE, OPT_LINKS, OPT_QUOTES, OPT_NO_MOJIBAKE,
  OPT_NO_ENTITIES, OPT_NO_NFC, OPT_NO_SPACES
};

static const struct option long_opts[] = {
    {"input", required_argument, 0, 'i'},
    {"format", required_argument, 0, 'f'},
    {"output", required_argument, 0, 'o'},
    {"field", required_argument, 0, OPT_FIELD},
    {"charset", required_argument, 0, OPT_CHARSET},
    {"jobs", required_argument, 0, 'j'},
    {"quiet", no_argument, 0, 'q'},
    {"no-strip", no_argument, 0, OPT_NO_STRIP},
    {"filters", required_argument, 0, OPT_FILTERS},
    {"no-default-filters", no_argument, 0, OPT_NO_DEFAULT},
    {"explain", no_argument, 0, OPT_EXPLAIN},
    {"reference-date", required_argument, 0, OPT_REFDATE},
    {"links", no_argument, 0, OPT_LINKS},
    {"quotes", required_argument, 0, OPT_QUOTES},
    {"no-mojibake", no_argument, 0, OPT_NO_MOJIBAKE},
    {"no-entities", no_argument, 0, OPT_NO_ENTITIES},
    {"no-nfc", no_argument, 0, OPT_NO_NFC},
    {"no-spaces", no_argument, 0, OPT_NO_SPACES},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "pith: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'pith --help' for the options.\n");
  return 2;
}

static int set_flag(pith_options *o, unsigned flag, int on) {
  unsigned f = pith_options_flags(o);
  pith_options_set_flags(o, on ? f | flag : f & ~flag);
  return 0;
}

static int parse_args(cli_opts *c, int argc, char **argv) {
  int ch;
  char err[512];
  while ((ch = getopt_long(argc, argv, "i:f:o:j:qhV", long_opts, NULL)) != -1) {
    switch (ch) {
    case 'i':
      if (!strcmp(optarg, "auto")) c->input = CLI_IN_AUTO;
      else if (!strcmp(optarg, "html")) c->input = CLI_IN_HTML;
      else if (!strcmp(optarg, "text")) c->input = CLI_IN_TEXT;
      else if (!strcmp(optarg, "jsonl")) c->input = CLI_IN_JSONL;
      else if (!strcmp(optarg, "warc")) c->input = CLI_IN_WARC;
      else return usage_error("unknown input kind '%s' (auto, html, text, jsonl, warc)", optarg);
      break;
    case 'f':
      if (!strcmp(optarg, "text")) c->format = PITH_FORMAT_TEXT;
      else if (!strcmp(optarg, "json")) c->format = PITH_FORMAT_JSON;
      else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md")) c->format = PITH_FORMAT_MARKDOWN;
      else return usage_error("unknown format '%s' (text, json, markdown)", optarg);
      break;
    case 'o': c->outdir = optarg; break;
    case 'j': {
      char *end;
      long j = strtol(optarg, &end, 10);
      if (*end || j < 1 || j > 1024) return usage_error("-j wants a number of threads from 1 to 1024, not '%s'", optarg);
      c->jobs = (int)j;
      break;
    }
    case 'q': c->quiet = 1; break;
    case OPT_FIELD: c->field = optarg; break;
    case OPT_CHARSET:
      if (pith_options_set_charset(c->popts, optarg) != PITH_OK)
        return usage_error("unknown charset '%s'; try a name from 'iconv -l'", optarg);
      break;
    case OPT_NO_STRIP: set_flag(c->popts, PITH_OPT_STRIP, 0); break;
    case OPT_FILTERS:
      if (pith_options_add_filters_file(c->popts, optarg, err, sizeof err) != PITH_OK) {
        fprintf(stderr, "pith: %s\nFix the rule (grammar: filters/README.md) and run again.\n", err);
        return 2;
      }
      break;
    case OPT_NO_DEFAULT: set_flag(c->popts, PITH_OPT_DEFAULT_FILTERS, 0); break;
    case OPT_EXPLAIN: c->explain = 1; set_flag(c->popts, PITH_OPT_EXPLAIN, 1); break;
    case OPT_REFDATE:
      if (pith_options_set_reference_date(c->popts, optarg) != PITH_OK)
        return usage_error("--reference-date wants YYYY-MM-DD, not '%s'", optarg);
      break;
    case OPT_LINKS: set_flag(c->popts, PITH_OPT_LINKS, 1); break;
    case OPT_QUOTES:
      if (!strcmp(optarg, "ascii")) set_flag(c->popts, PITH_OPT_ASCII_QUOTES, 1);
      else if (!strcmp(optarg, "keep")) set_flag(c->popts, PITH_OPT_ASCII_QUOTES, 0);
      else return usage_error("--quotes wants ascii or keep, not '%s'", optarg);
      break;
    case OPT_NO_MOJIBAKE: set_flag(c->popts, PITH_OPT_MOJIBAKE, 0); break;
    case OPT_NO_ENTITIES: set_flag(c->popts, PITH_OPT_ENTITIES, 0); break;
    case OPT_NO_NFC: set_flag(c->popts, PITH_OPT_NFC, 0); break;
    case OPT_NO_SPACES: set_flag(c->popts, PITH_OPT_SPACES, 0); break;
    case 'h': fputs(usage, stdout); return -1;
    case 'V': printf("pith %s\n", pith_version_string()); return -1;
    default: fprintf(stderr, "Try 'pith --help' for the options.\n"); return 2;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  cli_opts c;
  memset(&c, 0, sizeof c);
  c.out = stdout;
  c.popts = pith_options_new();
  if (!c.popts) {
    fprintf(stderr, "pith: out of memory\n");
    return 2;
  }
  int rc = parse_args(&c, argc, argv);
  if (rc != 0) {
    pith_options_free(c.popts);
    return rc < 0 ? 0 : rc;
  }
  /* Files, directories, stdin, JSONL and WARC all go through the batch
   * engine (readers, -j workers, ordered output): src/cli_batch.c. */
  cli_batch_run(&c, argv + optind, argc - optind);
  if (fflush(stdout) != 0) c.io_error = 1;
  pith_options_free(c.popts);
  return c.io_error ? 2 : c.failed ? 1 : 0;
}
