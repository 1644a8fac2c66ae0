/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sipflow Wireshark plugin: internal interfaces between its files.
 *
 * Wiring only: Wireshark's SIP dissector finds the messages; libsipflow's
 * parser and flow engine (linked in statically) decide everything that
 * means something. This header holds the per-file analysis state the
 * post-dissector fills on the first pass and every renderer (tree, expert
 * info, taps) reads afterwards.
 *
 * Wireshark's registration model (hf ids, one protocol, preferences,
 * init/cleanup routines) forces one file-scope instance of this state;
 * it lives from the init routine of a file to its cleanup routine. */
#ifndef SIPFLOW_PLUGIN_H
#define SIPFLOW_PLUGIN_H

#include <wireshark.h>

#include <epan/packet.h>
#include <epan/wmem_scopes.h>

#include "sipflow/engine.h"
#include "sipflow/stats.h"

/* What the engine said about one SIP message when it was pushed
 * (sf_msg_info_t), kept per frame in wmem file scope. */
typedef struct sfp_msg {
    uint64_t seq; /* engine message number */
    uint32_t call, dialog, txn, registration;
    uint32_t offset, len; /* bytes of the message in the frame's SIP tvb (first pass) */
    sf_txn_state_t txn_state;
    sf_dialog_state_t dialog_state; /* when dialog != 0 */
    uint16_t status; /* 0 for requests */
    bool is_request;
    bool retransmission;
    uint64_t duplicate_of; /* frame of the first copy when this one is a copy, 0 */
    bool orphan_response;  /* a response that matched no transaction */
    const char *malformed; /* static string from libsipflow, or NULL */
    const char *label;     /* start-line label (wmem file scope) */
} sfp_msg_t;

typedef struct sfp_frame {
    uint32_t n;
    sfp_msg_t msgs[];
} sfp_frame_t;

/* A call's result, copied from the engine's call_done event. */
typedef struct sfp_call {
    uint32_t number;
    sf_outcome_t outcome;
    int final_code;
    bool failed;
    bool partial;
    int64_t pdd_ms, setup_ms, duration_ms;
    uint32_t messages, retransmissions;
    sf_ts_t start_time;
    char *call_id, *from, *to; /* wmem file scope */
    char *diagnosis;           /* wmem file scope, NULL when none */
} sfp_call_t;

/* A transaction's result, from the engine's txn_done event. */
typedef struct sfp_txn {
    uint32_t number;
    sf_txn_state_t state;
    int final_code;
    uint64_t request_frame, final_frame;
    int64_t response_ms;
    uint32_t call;
    sf_sip_method_t method;
} sfp_txn_t;

typedef struct sfp_state {
    sf_engine_t *engine;
    sf_sip_parser_t *parser;
    sf_stats_t *stats;
    bool finished;          /* sf_engine_finish() done */
    uint64_t late_messages; /* first-pass messages after the finish (not analysed) */
    /* wmem file scope: number -> sfp_call_t / sfp_txn_t; seq -> arrow label;
     * call -> its first INVITE transaction number */
    wmem_map_t *calls, *txns, *arrow_labels, *call_first_invite;
    wmem_array_t *call_order; /* uint32 call numbers in call_done order */
    /* the message being pushed: the engine's message event fills it */
    sfp_msg_t *cur;
    /* -z sipflow,stat: the counters its rows were last built from */
    uint64_t table_messages;
    bool table_built, table_final;
} sfp_state_t;

/* The protocol and its tap (sipfow_dissector.c). */
extern int sfp_proto;
extern int sfp_tap;

/* The current file's state (created lazily, NULL outside a file). */
sfp_state_t *sfp_state_get(void);
/* Ends the engine once (end of the first pass): outcomes of calls still
 * open become unfinished/timeout. Safe to call repeatedly. */
void sfp_state_finish(sfp_state_t *st);
/* Called from the init/cleanup routines. */
void sfp_state_reset(int64_t t1_ns);
void sfp_state_cleanup(void);

/* Per-message tap record (one tap_queue_packet per SIP message). */
typedef struct sfp_tap_rec {
    const sfp_msg_t *msg;
    const sfp_call_t *call; /* NULL when not (yet) known */
    const sfp_txn_t *txn;
} sfp_tap_rec_t;

/* Registration of the pieces (one file each). */
void sfp_register_stat_table(void);
void sfp_register_calls_tap(void);
void sfp_register_flow_graph(void);

/* "%.3f"-free helper: formats a call list line like `sipflow calls`. */
void sfp_print_calls(FILE *f, sfp_state_t *st);

#endif
