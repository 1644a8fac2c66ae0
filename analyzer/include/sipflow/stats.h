/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statistics sink: counters only (no messages kept), fed with the
 * engine's events. Requests per method and responses per CSeq method and
 * code count every message on the wire, retransmissions included (as
 * tshark's -z sip,stat does); retransmitted responses are also counted on
 * their own. Timings are bounded log-scale histograms (histogram.h, 0.78 %
 * relative error); the failure-code and per-endpoint tables are capped,
 * what does not fit is counted in an "other" row. Memory is fixed: about
 * 100 kB, plus 1 MB with per-endpoint rows. */
#ifndef SIPFLOW_STATS_H
#define SIPFLOW_STATS_H

#include "sipflow/anomaly.h"
#include "sipflow/engine.h"
#include "sipflow/histogram.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Extension methods beyond this many distinct names count as "other". */
#define SF_STATS_MAX_EXT_METHODS 32

typedef struct sf_stats_method {
    char name[32];
    uint64_t requests;
    uint64_t requests_retransmitted;
    uint64_t responses[700]; /* by status code 100..699 */
    uint64_t responses_retrans[700];
} sf_stats_method_t;

/* Distinct (code, Reason, Warning) keys of failed calls tracked; failures
 * with a key beyond these count in failures_other. */
#define SF_STATS_MAX_FAILURE_KEYS 256
/* Failure rows shown (the rest are summed into "other"). */
#define SF_STATS_TOP_FAILURES 10
/* Client/server endpoint pairs tracked by --by endpoint. */
#define SF_STATS_MAX_PAIRS 64

typedef struct sf_stats_failure {
    int code;               /* final code of the failed call */
    char reason_phrase[64]; /* of the first call with this key */
    char reason[128];       /* Reason header (RFC 3326) "Q.850;cause=17;text=..." or "" */
    char warning[128];      /* Warning header text (RFC 3261 20.43) or "" */
    uint64_t calls;
} sf_stats_failure_t;

/* One client -> server relation: requests sent from client to server and
 * the responses that came back; calls from caller (first message's
 * source) to callee (its destination). */
typedef struct sf_stats_pair {
    sf_endpoint_t client, server; /* family 0 in the "other" row */
    uint64_t messages, requests, responses, retransmissions;
    uint64_t responses_by_class[6]; /* 1xx .. 6xx */
    uint64_t calls, answered, failed;
} sf_stats_pair_t;

typedef struct sf_stats {
    uint64_t messages, requests, responses, retransmissions;
    uint64_t malformed;
    uint64_t duplicates;   /* copies of a message seen again (sipflow/duplicate.h); counted in
                            * messages, requests, responses like every packet, never as
                            * retransmissions */
    uint64_t unclassified; /* no Call-ID or CSeq */
    /* [0..SF_METHOD_COUNT): known methods (index = sf_sip_method_t, the
     * UNKNOWN slot unused); then extension methods; then "other" */
    sf_stats_method_t *methods[SF_METHOD_COUNT + SF_STATS_MAX_EXT_METHODS + 1];
    uint32_t n_ext;
    uint64_t calls;
    uint64_t outcomes[SF_OUTCOME_COUNT];
    uint64_t partial_calls;
    uint64_t challenges, redirects;
    uint64_t txn_states[SF_TXN_STATE_COUNT];
    uint64_t txn_timeouts_invite, txn_timeouts_non_invite;
    uint64_t registrations, reg_outcomes[SF_REG_OUTCOME_COUNT], reg_challenges;
    /* timings in ms: non-INVITE request to final response, post-dial
     * delay, set-up time, duration (calls) */
    sf_hist_t response_ms, pdd_ms, setup_ms, duration_ms;
    /* failed calls by final code and Reason/Warning */
    sf_stats_failure_t failures[SF_STATS_MAX_FAILURE_KEYS];
    uint32_t n_failures;
    uint64_t failed_calls, failures_other;
    /* capture anomalies by kind */
    uint64_t anomalies[SF_ANOM_KIND_COUNT], anomalies_total;
    /* --by endpoint (NULL unless enabled) */
    sf_stats_pair_t *pairs; /* SF_STATS_MAX_PAIRS */
    uint32_t n_pairs;
    sf_stats_pair_t pair_other;
    uint16_t pair_index[2 * SF_STATS_MAX_PAIRS]; /* open addressing, slot+1 */
    /* message counters come from selected calls only (a call filter) */
    bool calls_selected;
} sf_stats_t;

sf_stats_t *sf_stats_create(void);
void sf_stats_destroy(sf_stats_t *s);

void sf_stats_on_message(sf_stats_t *s, const sf_msg_info_t *info);
void sf_stats_on_txn(sf_stats_t *s, const sf_txn_info_t *t);
void sf_stats_on_call(sf_stats_t *s, const sf_call_t *c);
void sf_stats_on_registration(sf_stats_t *s, const sf_registration_t *r);
void sf_stats_on_anomaly(sf_stats_t *s, sf_anomaly_kind_t kind);
/* Counts the messages of a call from its ladder arrows, in place of
 * sf_stats_on_message, when only selected calls are counted (the engine
 * must keep ladders; arrows beyond its per-call cap are not counted). */
void sf_stats_on_call_messages(sf_stats_t *s, const sf_call_t *c);
/* Turns on per client/server pair rows. False when out of memory. */
bool sf_stats_enable_pairs(sf_stats_t *s);

/* The n most frequent failure keys (most calls first; ties: lower code,
 * then text), written to out; returns how many. *other receives the
 * failed calls with a final code not among them. */
uint32_t sf_stats_top_failures(const sf_stats_t *s, const sf_stats_failure_t **out, uint32_t n,
                               uint64_t *other);
/* Pairs, most messages first, into out (SF_STATS_MAX_PAIRS); returns
 * how many. The "other" row is s->pair_other. */
uint32_t sf_stats_sorted_pairs(const sf_stats_t *s, const sf_stats_pair_t **out);

/* ASR = answered / (calls - unfinished); NER = (answered + busy +
 * no_answer + cancelled + rejected) / (calls - unfinished) (ITU-T E.411
 * style). Negative when there is no finished call. */
double sf_stats_asr(const sf_stats_t *s);
double sf_stats_ner(const sf_stats_t *s);

/* Name of methods[i] ("INVITE", "FOO", "other"), NULL when unused. */
const char *sf_stats_method_name(const sf_stats_t *s, uint32_t i);
#define SF_STATS_N_METHOD_SLOTS (SF_METHOD_COUNT + SF_STATS_MAX_EXT_METHODS + 1)

#ifdef __cplusplus
}
#endif

#endif
