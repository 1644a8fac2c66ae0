/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tshark -z sipflow,stat` and Telephony > sipflow statistics: the numbers
 * of `sipflow stats` (libsipflow's sf_stats_t, fed by the engine on the
 * first pass), as a table statistic. The rows are rebuilt from the
 * counters when they changed; with two passes (GUI, tshark -2) the first
 * tapped message already sees the whole capture's final counters. */
#include "sipflow_plugin.h"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <inttypes.h>

enum { COL_NAME, COL_VALUE, COL_COUNT, COL_RETRANS, N_COLS };

static stat_tap_table_item sfp_stat_fields[N_COLS] = {
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Name", "%-12s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Code / value", "%-6s"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Count", "%10u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Retransmitted", "%10u"},
};

static const char *const table_names[] = {
    "SIP messages",
    "Requests",
    "Responses",
    "Calls",
    "Top failure codes",
    "Timings in ms",
    "Transactions timed out",
    "Registrations",
};
enum {
    T_MESSAGES,
    T_REQUESTS,
    T_RESPONSES,
    T_CALLS,
    T_FAILURES,
    T_TIMINGS,
    T_TIMEOUTS,
    T_REGS,
    N_TABLES
};

static void free_item_string(stat_tap_table_item_type *it)
{
    if (it->type == TABLE_ITEM_STRING) g_free((char *)it->value.string_value);
    it->type = TABLE_ITEM_NONE;
    it->value.string_value = NULL;
}

static void clear_table(stat_tap_table *t)
{
    for (guint r = 0; r < t->num_elements; r++) {
        for (guint f = 0; f < t->num_fields; f++)
            free_item_string(&t->elements[r][f]);
        g_free(t->elements[r]);
    }
    g_free(t->elements);
    t->elements = NULL;
    t->num_elements = 0;
}

/* Writes row `row` (appending rows as needed). value NULL: empty cell;
 * retrans < 0: no retransmission cell. */
static void set_row(stat_tap_table *t, guint row, const char *name, const char *value,
                    uint64_t count, int64_t retrans)
{
    stat_tap_table_item_type items[N_COLS];
    memset(items, 0, sizeof items);
    items[COL_NAME].type = TABLE_ITEM_STRING;
    items[COL_NAME].value.string_value = g_strdup(name);
    items[COL_VALUE].type = TABLE_ITEM_STRING;
    items[COL_VALUE].value.string_value = g_strdup(value ? value : "");
    items[COL_COUNT].type = TABLE_ITEM_UINT;
    items[COL_COUNT].value.uint_value = (guint)count;
    if (retrans >= 0) {
        items[COL_RETRANS].type = TABLE_ITEM_UINT;
        items[COL_RETRANS].value.uint_value = (guint)retrans;
    }
    if (row < t->num_elements)
        for (guint f = 0; f < t->num_fields; f++)
            free_item_string(&t->elements[row][f]);
    stat_tap_init_table_row(t, row, N_COLS, items);
}

/* Percentiles as `sipflow stats` prints them (histogram.h: within
 * SF_HIST_RELATIVE_ERROR of the exact value). */
static void timing_row(stat_tap_table *t, guint row, const char *name, const sf_hist_t *h)
{
    char v[96] = "";
    if (h->count)
        g_snprintf(v, sizeof v, "p50 %" PRId64 ", p90 %" PRId64 ", p99 %" PRId64 ", max %" PRId64,
                   sf_hist_percentile(h, 50), sf_hist_percentile(h, 90), sf_hist_percentile(h, 99),
                   h->max);
    set_row(t, row, name, v, h->count, -1);
}

static void build_tables(stat_tap_table_ui *ui, const sf_stats_t *s, const sfp_state_t *st)
{
    stat_tap_table *t[N_TABLES];
    for (int i = 0; i < N_TABLES; i++) {
        t[i] = stat_tap_find_table(ui, table_names[i]);
        if (!t[i]) return;
        clear_table(t[i]);
    }
    guint r = 0;
    set_row(t[T_MESSAGES], r++, "messages", NULL, s->messages, -1);
    set_row(t[T_MESSAGES], r++, "requests", NULL, s->requests, -1);
    set_row(t[T_MESSAGES], r++, "responses", NULL, s->responses, -1);
    set_row(t[T_MESSAGES], r++, "retransmissions", NULL, s->retransmissions, -1);
    set_row(t[T_MESSAGES], r++, "malformed", NULL, s->malformed, -1);

    r = 0;
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++) {
        const sf_stats_method_t *m = s->methods[i];
        if (m && m->requests)
            set_row(t[T_REQUESTS], r++, m->name, NULL, m->requests,
                    (int64_t)m->requests_retransmitted);
    }
    r = 0;
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++) {
        const sf_stats_method_t *m = s->methods[i];
        if (!m) continue;
        for (int code = 100; code <= 699; code++) {
            if (!m->responses[code]) continue;
            char c[8];
            g_snprintf(c, sizeof c, "%d", code);
            set_row(t[T_RESPONSES], r++, m->name, c, m->responses[code],
                    (int64_t)m->responses_retrans[code]);
        }
    }
    r = 0;
    set_row(t[T_CALLS], r++, "calls", NULL, s->calls, -1);
    for (int o = 0; o < SF_OUTCOME_COUNT; o++)
        if (s->outcomes[o])
            set_row(t[T_CALLS], r++, sf_outcome_name((sf_outcome_t)o), NULL, s->outcomes[o], -1);
    if (!st->finished) {
        /* one pass only (tshark without -2): calls still open when the
         * last packet was tapped have no outcome yet */
        sf_engine_stats_t es;
        sf_engine_get_stats(st->engine, &es);
        if (es.open_calls) set_row(t[T_CALLS], r++, "open (use -2)", NULL, es.open_calls, -1);
    }
    double asr = sf_stats_asr(s), ner = sf_stats_ner(s);
    if (asr >= 0) {
        char v[32];
        g_snprintf(v, sizeof v, "%.1f%%", asr * 100);
        set_row(t[T_CALLS], r++, "ASR", v, s->calls - s->outcomes[SF_OUTCOME_UNFINISHED], -1);
        g_snprintf(v, sizeof v, "%.1f%%", ner * 100);
        set_row(t[T_CALLS], r++, "NER", v, s->calls - s->outcomes[SF_OUTCOME_UNFINISHED], -1);
    }
    r = 0;
    const sf_stats_failure_t *top[SF_STATS_TOP_FAILURES];
    uint64_t other = 0;
    uint32_t nf = sf_stats_top_failures(s, top, SF_STATS_TOP_FAILURES, &other);
    set_row(t[T_FAILURES], r++, "failed calls with a final code", NULL, s->failed_calls, -1);
    for (uint32_t i = 0; i < nf; i++) {
        char code[8];
        g_snprintf(code, sizeof code, "%d", top[i]->code);
        GString *name = g_string_new(top[i]->reason_phrase);
        if (top[i]->reason[0]) g_string_append_printf(name, "  Reason: %s", top[i]->reason);
        if (top[i]->warning[0]) g_string_append_printf(name, "  Warning: %s", top[i]->warning);
        set_row(t[T_FAILURES], r++, name->str, code, top[i]->calls, -1);
        g_string_free(name, TRUE);
    }
    if (other) set_row(t[T_FAILURES], r++, "other", NULL, other, -1);
    r = 0;
    timing_row(t[T_TIMINGS], r++, "response", &s->response_ms);
    timing_row(t[T_TIMINGS], r++, "PDD", &s->pdd_ms);
    timing_row(t[T_TIMINGS], r++, "setup", &s->setup_ms);
    timing_row(t[T_TIMINGS], r++, "duration", &s->duration_ms);
    r = 0;
    set_row(t[T_TIMEOUTS], r++, "INVITE", NULL, s->txn_timeouts_invite, -1);
    set_row(t[T_TIMEOUTS], r++, "non-INVITE", NULL, s->txn_timeouts_non_invite, -1);
    r = 0;
    set_row(t[T_REGS], r++, "registrations", NULL, s->registrations, -1);
    for (int o = 0; o < SF_REG_OUTCOME_COUNT; o++)
        if (s->reg_outcomes[o])
            set_row(t[T_REGS], r++, sf_reg_outcome_name((sf_reg_outcome_t)o), NULL,
                    s->reg_outcomes[o], -1);
    set_row(t[T_REGS], r++, "successes", NULL,
            s->reg_outcomes[SF_REG_REGISTERED] + s->reg_outcomes[SF_REG_UNREGISTERED], -1);
    set_row(t[T_REGS], r++, "challenges", NULL, s->reg_challenges, -1);
    set_row(t[T_REGS], r++, "failures", NULL,
            s->reg_outcomes[SF_REG_FAILED] + s->reg_outcomes[SF_REG_TIMEOUT], -1);
}

static void sfp_stat_init(stat_tap_table_ui *ui)
{
    for (int i = 0; i < N_TABLES; i++) {
        if (stat_tap_find_table(ui, table_names[i])) continue;
        stat_tap_table *t = stat_tap_init_table(table_names[i], N_COLS, 0, NULL);
        stat_tap_add_table(ui, t);
    }
    sfp_state_t *st = sfp_state_get();
    if (st) st->table_built = false;
}

static tap_packet_status sfp_stat_packet(void *tapdata, packet_info *pinfo _U_,
                                         epan_dissect_t *edt _U_, const void *data _U_,
                                         tap_flags_t flags _U_)
{
    stat_data_t *sd = tapdata;
    sfp_state_t *st = sfp_state_get();
    if (!st) return TAP_PACKET_DONT_REDRAW;
    /* tables show the capture's counters (not per filtered message):
     * rebuild only when they changed */
    if (st->table_built && st->table_final == st->finished &&
        st->table_messages == st->stats->messages)
        return TAP_PACKET_DONT_REDRAW;
    build_tables(sd->stat_tap_data, st->stats, st);
    st->table_built = true;
    st->table_final = st->finished;
    st->table_messages = st->stats->messages;
    return TAP_PACKET_REDRAW;
}

static void sfp_stat_reset(stat_tap_table *t)
{
    clear_table(t);
    sfp_state_t *st = sfp_state_get();
    if (st) st->table_built = false;
}

static void sfp_stat_free_item(stat_tap_table *t _U_, guint row _U_, guint column _U_,
                               stat_tap_table_item_type *field)
{
    free_item_string(field);
}

static tap_param sfp_stat_params[] = {{PARAM_FILTER, "filter", "Filter", NULL, TRUE}};

static stat_tap_table_ui sfp_stat_ui = {
    REGISTER_STAT_GROUP_TELEPHONY,
    "sipflow statistics",
    "sipflow",
    "sipflow,stat",
    sfp_stat_init,
    sfp_stat_packet,
    sfp_stat_reset,
    sfp_stat_free_item,
    NULL,
    array_length(sfp_stat_fields),
    sfp_stat_fields,
    array_length(sfp_stat_params),
    sfp_stat_params,
    NULL,
    0,
};

void sfp_register_stat_table(void)
{
    register_stat_tap_table_ui(&sfp_stat_ui);
}
