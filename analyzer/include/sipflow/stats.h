/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statistics sink: counters only (no messages kept), fed with the
 * engine's events. Requests per method and responses per CSeq method and
 * code count every message on the wire, retransmissions included (as
 * tshark's -z sip,stat does); retransmitted responses are also counted on
 * their own. */
#ifndef SIPFLOW_STATS_H
#define SIPFLOW_STATS_H

#include "sipflow/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Extension methods beyond this many distinct names count as "other". */
#define SF_STATS_MAX_EXT_METHODS 32

typedef struct sf_stats_method {
    char name[32];
    uint64_t requests;
    uint64_t requests_retransmitted;
    uint64_t responses[700];      /* by status code 100..699 */
    uint64_t responses_retrans[700];
} sf_stats_method_t;

typedef struct sf_stats {
    uint64_t messages, requests, responses, retransmissions;
    uint64_t malformed;
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
} sf_stats_t;

sf_stats_t *sf_stats_create(void);
void sf_stats_destroy(sf_stats_t *s);

void sf_stats_on_message(sf_stats_t *s, const sf_msg_info_t *info);
void sf_stats_on_txn(sf_stats_t *s, const sf_txn_info_t *t);
void sf_stats_on_call(sf_stats_t *s, const sf_call_t *c);
void sf_stats_on_registration(sf_stats_t *s, const sf_registration_t *r);

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
