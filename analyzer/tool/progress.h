/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The progress bar on stderr: bytes read of the inputs' total size, rate
 * and time left. Only when stderr is a terminal; redrawn at most ten
 * times a second (wall clock: this is the one place that reads it). */
#ifndef SIPFLOW_TOOL_PROGRESS_H
#define SIPFLOW_TOOL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sf_progress {
    bool on;
    bool drawn;
    uint64_t total; /* sum of the input file sizes; 0 = unknown (stdin, gzip) */
    int64_t start_ns, next_ns, interval_ns;
    FILE *tty;
} sf_progress_t;

/* enabled: the user did not ask for quiet. */
void sf_progress_start(sf_progress_t *p, char **inputs, bool enabled);
/* done: bytes of the input files consumed so far (estimate). Cheap when
 * no redraw is due; call it every few hundred records. */
void sf_progress_update(sf_progress_t *p, uint64_t done);
/* Clears the bar. */
void sf_progress_end(sf_progress_t *p);
/* Formats the bar into buf (for tests and the redraw). now_ns - start. */
void sf_progress_format(char *buf, size_t n, uint64_t done, uint64_t total, int64_t elapsed_ns);

#endif
