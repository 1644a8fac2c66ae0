/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tshark -z sipflow,calls[,filter]`: the call list of `sipflow calls`
 * (same columns and text), with the diagnosis of failed calls. With a
 * filter, only calls with at least one message in a matching frame. */
#include "sipflow_plugin.h"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sipflow/message_format.h"

typedef struct {
    char *filter;
    GHashTable *seen; /* call numbers with a tapped message */
} sfp_calls_tap_t;

static void ms_text(FILE *f, int64_t ms)
{
    if (ms < 0)
        fprintf(f, " %9s", "-");
    else
        fprintf(f, " %9.3f", (double)ms / 1000.0);
}

/* One row as `sipflow calls` prints it (analyzer/tool/cmd_calls.c). */
static void call_row(FILE *f, const sfp_call_t *c, bool *header)
{
    if (!*header) {
        fprintf(f, "%5s  %-26s %-10s %4s %9s %9s %9s %5s %5s  %s\n", "call", "start", "outcome",
                "code", "pdd_s", "setup_s", "dur_s", "msgs", "retr", "call-id / from -> to");
        *header = true;
    }
    char t[64];
    sf_format_time_text(c->start_time, false, t, sizeof t);
    fprintf(f, "%5" PRIu32 "  %-26s %-10s ", c->number, t, sf_outcome_name(c->outcome));
    if (c->final_code)
        fprintf(f, "%4d", c->final_code);
    else
        fprintf(f, "%4s", "-");
    ms_text(f, c->pdd_ms);
    ms_text(f, c->setup_ms);
    ms_text(f, c->duration_ms);
    fprintf(f, " %5" PRIu32 " %5" PRIu32 "  %s  %s -> %s%s\n", c->messages, c->retransmissions,
            c->call_id ? c->call_id : "-", c->from ? c->from : "-", c->to ? c->to : "-",
            c->partial ? "  [partial]" : "");
    if (c->diagnosis) fprintf(f, "       %s\n", c->diagnosis);
}

static tap_packet_status calls_packet(void *tapdata, packet_info *pinfo _U_,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    sfp_calls_tap_t *ct = tapdata;
    const sfp_tap_rec_t *rec = data;
    if (rec && rec->msg && rec->msg->call)
        g_hash_table_add(ct->seen, GUINT_TO_POINTER(rec->msg->call));
    return TAP_PACKET_DONT_REDRAW;
}

static void calls_reset(void *tapdata)
{
    sfp_calls_tap_t *ct = tapdata;
    g_hash_table_remove_all(ct->seen);
}

static void calls_draw(void *tapdata)
{
    sfp_calls_tap_t *ct = tapdata;
    sfp_state_t *st = sfp_state_get();
    printf("\n===================================================================\n");
    printf("sipflow calls:\n");
    printf("Filter for statistics: %s\n", ct->filter ? ct->filter : "");
    if (st) {
        /* single pass (no -2): this is the end of the capture */
        sfp_state_finish(st);
        bool header = false;
        guint n = wmem_array_get_count(st->call_order);
        for (guint i = 0; i < n; i++) {
            uint32_t num = *(uint32_t *)wmem_array_index(st->call_order, i);
            if (ct->filter && !g_hash_table_contains(ct->seen, GUINT_TO_POINTER(num))) continue;
            const sfp_call_t *c = wmem_map_lookup(st->calls, GUINT_TO_POINTER(num));
            if (c) call_row(stdout, c, &header);
        }
    }
    printf("===================================================================\n");
}

static void calls_finish(void *tapdata)
{
    sfp_calls_tap_t *ct = tapdata;
    g_hash_table_destroy(ct->seen);
    g_free(ct->filter);
    g_free(ct);
}

static void calls_init(const char *opt_arg, void *userdata _U_)
{
    sfp_calls_tap_t *ct = g_new0(sfp_calls_tap_t, 1);
    const char *prefix = "sipflow,calls,";
    if (opt_arg && strncmp(opt_arg, prefix, strlen(prefix)) == 0 && opt_arg[strlen(prefix)])
        ct->filter = g_strdup(opt_arg + strlen(prefix));
    ct->seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    GString *err = register_tap_listener("sipflow", ct, ct->filter, 0, calls_reset, calls_packet,
                                         calls_draw, calls_finish);
    if (err) {
        fprintf(stderr, "tshark: -z sipflow,calls: %s\n", err->str);
        g_string_free(err, TRUE);
        calls_finish(ct);
    }
}

static stat_tap_ui sfp_calls_ui = {
    REGISTER_STAT_GROUP_TELEPHONY, "sipflow calls", "sipflow,calls", calls_init, 0, NULL,
};

void sfp_register_calls_tap(void)
{
    register_stat_tap_ui(&sfp_calls_ui, NULL);
}
