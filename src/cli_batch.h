/* The CLI's batch engine: inputs -> readers -> N workers -> ordered output. */
#ifndef PITH_CLI_BATCH_H
#define PITH_CLI_BATCH_H

#include "cli.h"

/* Cleans everything argv[0..argc) names (files, directories, "-"; none means
 * stdin) with c->jobs workers (0: one per core), writes the results in input
 * order to c->out or under c->outdir, shows progress and the summary.
 * Updates c->docs, c->failed and c->io_error. */
void cli_batch_run(cli_opts *c, char **argv, int argc);

#endif
