/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Options for several capture points: --time-shift (clocks that disagree)
 * and --dup-window (the same message seen at two points). */
#include <math.h>
#include <stdlib.h>

#include "cli.h"

bool sf_cli_parse_multipoint(sf_cli_t *cli)
{
    if (cli->dup_window_ms >= 0 && (!isfinite(cli->dup_window_ms) || cli->dup_window_ms > 60000)) {
        fprintf(stderr, "sipflow %s: --dup-window: want 0..60000 milliseconds\n", cli->command);
        return false;
    }
    if (cli->dup_window_ms < 0 && cli->dup_window_ms != -1) {
        fprintf(stderr, "sipflow %s: --dup-window: want 0..60000 milliseconds\n", cli->command);
        return false;
    }
    if (!cli->time_shift_args || !cli->time_shift_args[0]) return true;
    size_t n = g_strv_length(cli->inputs);
    cli->time_shift_ns = g_new0(int64_t, n);
    bool *given = g_new0(bool, n);
    bool ok = true;
    for (char **a = cli->time_shift_args; ok && *a; a++) {
        uint32_t idx;
        int64_t ns;
        char err[512];
        if (!sf_capture_parse_time_shift(*a, (const char *const *)cli->inputs, n, &idx, &ns, err,
                                         sizeof err)) {
            fprintf(stderr, "sipflow %s: %s\n", cli->command, err);
            ok = false;
        } else if (given[idx]) {
            fprintf(stderr, "sipflow %s: --time-shift given twice for input %u (%s)\n",
                    cli->command, idx + 1, cli->inputs[idx]);
            ok = false;
        } else {
            given[idx] = true;
            cli->time_shift_ns[idx] = ns;
        }
    }
    g_free(given);
    return ok;
}
