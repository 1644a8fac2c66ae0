/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared plumbing of the sipflow commands: common options, opening the
 * inputs, running the packet path, the anomaly summary and exit codes. */
#ifndef SIPFLOW_TOOL_CLI_H
#define SIPFLOW_TOOL_CLI_H

#include <glib.h>
#include <stdio.h>

#include "sipflow/anomaly.h"
#include "sipflow/capture.h"
#include "sipflow/engine.h"
#include "sipflow/packet_path.h"
#include "sipflow/stats.h"

/* Exit codes (docs/sipflow.1). */
enum {
    SF_EXIT_OK = 0,         /* the input was read whole (anomalies may exist) */
    SF_EXIT_UNREADABLE = 1, /* nothing could be read */
    SF_EXIT_USAGE = 2,
    SF_EXIT_PARTIAL = 3, /* read only in part: results cover what was read */
};

typedef enum { SF_FMT_TEXT, SF_FMT_JSON, SF_FMT_NONE, SF_FMT_CSV } sf_out_format_t;

/* --code: one status code, or a class ("4xx"): lo..hi */
typedef struct sf_cli_code_range {
    int lo, hi;
} sf_cli_code_range_t;

#define SF_CLI_MAX_CHOICES 16

/* Selection options (--since/--until/--caller/--callee/--method/--code),
 * parsed. Calls are selected by their start time, From/P-Asserted-Identity
 * (caller), To/Request-URI (callee), the methods seen in them and their
 * final code; messages by their own time, headers, method (CSeq method for
 * responses) and status. */
typedef struct sf_cli_select {
    bool any; /* at least one selection option */
    bool has_since, has_until;
    int64_t since_ns, until_ns; /* [since, until) in ns since the epoch */
    char *caller, *callee;      /* patterns as given (see sf_cli_number_match) */
    char *methods[SF_CLI_MAX_CHOICES];
    uint32_t n_methods;
    sf_cli_code_range_t codes[SF_CLI_MAX_CHOICES];
    uint32_t n_codes;
} sf_cli_select_t;

typedef struct sf_cli {
    /* options */
    char *bpf;
    char *output;
    char *format_name;
    gboolean utc;
    gboolean quiet;
    sf_out_format_t format;
    char **inputs; /* G_OPTION_REMAINING */
    char *since_arg, *until_arg, *caller_arg, *callee_arg;
    char **method_args, **code_args;
    sf_cli_select_t select;
    /* run state */
    FILE *out;
    const char *command;
    uint64_t anomaly_count[SF_ANOM_KIND_COUNT];
    uint64_t anomalies_total;
    sf_anomaly_t first_anomaly;
    char first_reason[256];
    /* optional per-anomaly hook of the command */
    void (*on_anomaly)(struct sf_cli *cli, const sf_anomaly_t *a);
    void (*on_message)(struct sf_cli *cli, const sf_msg_info_t *info);
    void (*on_call)(struct sf_cli *cli, sf_call_t *call);
    /* after the whole input was processed, before the output is flushed */
    void (*after_run)(struct sf_cli *cli);
    sf_stats_t *stats; /* set by a command that wants statistics */
    double t1_seconds; /* --t1 */
    /* --hep-reorder in ms; -1: the default window */
    int hep_reorder_ms;
    char **time_shift_args; /* --time-shift FILE=SECONDS, repeatable */
    int64_t *time_shift_ns; /* per input, from time_shift_args */
    double dup_window_ms;   /* --dup-window; < 0: not given */
    gboolean libpcap;       /* --libpcap: classic pcap through libpcap */
    /* the engine builds ladder arrows only for commands that draw them
     * (sf_cli_parse sets true; messages/calls/stats/anomalies clear it) */
    bool keep_ladder;
    /* and reads SDP media only for commands that may show it (sf_cli_parse
     * sets true; stats clears it) */
    bool keep_media;
    void *cmd; /* command state */
    sf_capture_stats_t cap_stats;
    sf_packet_path_stats_t path_stats;
    sf_engine_stats_t engine_stats;
    sf_engine_t *engine;
} sf_cli_t;

/* Parses the command's options (common ones added). allowed_formats is a
 * NULL-terminated list of accepted --format values, the first the default.
 * Returns SF_EXIT_OK or SF_EXIT_USAGE (message printed). */
int sf_cli_parse(sf_cli_t *cli, const char *command, const char *summary, const char *description,
                 const GOptionEntry *extra, const char *const *allowed_formats, int argc,
                 char **argv);

/* Opens the inputs and runs the capture through the packet path, calling
 * cli->on_message / on_anomaly. Returns the exit code. */
int sf_cli_run(sf_cli_t *cli);

void sf_cli_free(sf_cli_t *cli);

/* The statistics in cli->format (text, json, csv), to cli->out. */
void sf_stats_print(sf_cli_t *cli, const sf_stats_t *s);

/* Selection (applied by sf_cli_run to calls before on_call and the
 * statistics; commands that list messages call the message variant). */
bool sf_cli_call_selected(const sf_cli_t *cli, const sf_call_t *c);
bool sf_cli_message_selected(const sf_cli_t *cli, const sf_msg_info_t *info);
/* Phone-number matching of --caller/--callee: both sides reduced to
 * digits (a leading '+' kept apart); numbers of 7 digits or more match
 * when the shorter is a suffix of the longer (a shorter one with a
 * national '0' prefix may drop it), shorter ones must be equal; a pattern
 * without digits matches a user part equal to it (ASCII case-insensitive). */
bool sf_cli_number_match(const char *pattern, const char *user, size_t user_len);
/* "1764240000.25" or "2026-11-27 13:00:00[.frac]" (local time, UTC with
 * utc) -> ns since the epoch. False when it is neither. */
bool sf_cli_parse_time(const char *s, bool utc, int64_t *ns);

/* --time-shift and --dup-window (cli_multipoint.c): checks them and fills
 * time_shift_ns; false with a message on stderr. */
bool sf_cli_parse_multipoint(sf_cli_t *cli);

int sf_cmd_messages(int argc, char **argv);
int sf_cmd_anomalies(int argc, char **argv);
int sf_cmd_calls(int argc, char **argv);
int sf_cmd_stats(int argc, char **argv);
int sf_cmd_summary(int argc, char **argv);
int sf_cmd_ladder(int argc, char **argv);
int sf_cmd_report(int argc, char **argv);
int sf_cmd_extract(int argc, char **argv);

#endif
