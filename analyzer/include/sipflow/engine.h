/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flow engine: from parsed SIP messages in capture order to
 * transactions (RFC 3261 17), dialogs (12), calls and registrations, with
 * outcomes, timings, retransmissions and a diagnosis. Everything that
 * *means* something is computed here once; the report tool and the
 * Wireshark plugin only render it.
 *
 * Streaming: the engine keeps only open state (transactions that may still
 * see messages, dialogs, calls not yet ended). Finished calls and
 * registrations go to the sink and are freed; idle state expires in
 * capture time. The results a sink receives are read-only snapshots valid
 * during the callback (copy what you keep, or take a reference with
 * sf_call_ref(); the engine owns the memory, so every reference must be
 * dropped with sf_call_unref() before sf_engine_destroy()). */
#ifndef SIPFLOW_ENGINE_H
#define SIPFLOW_ENGINE_H

#include "sipflow/msg_meta.h"
#include "sipflow/sip_msg.h"
#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- transactions (RFC 3261 17) --------------------------------------- */

/* Observer's view of a transaction's state: the union of the client and
 * server state machines of 17.1/17.2, plus RFC 6026's Accepted. */
typedef enum sf_txn_state {
    SF_TXN_CALLING = 0, /* request seen, no response (INVITE: Calling, non-INVITE: Trying) */
    SF_TXN_PROCEEDING,  /* provisional response seen */
    SF_TXN_COMPLETED,   /* non-2xx final (INVITE: waiting for ACK) / non-INVITE final */
    SF_TXN_ACCEPTED,    /* INVITE 2xx (RFC 6026 7.1) */
    SF_TXN_CONFIRMED,   /* INVITE non-2xx final acknowledged */
    SF_TXN_TERMINATED,
    SF_TXN_TIMEOUT,     /* Timer B/F: no response within 64*T1 */
    SF_TXN_STATE_COUNT
} sf_txn_state_t;

const char *sf_txn_state_name(sf_txn_state_t s); /* "calling", "proceeding", ... */

/* ---- dialogs (RFC 3261 12) -------------------------------------------- */

typedef enum sf_dialog_state {
    SF_DIALOG_EARLY = 0,
    SF_DIALOG_CONFIRMED,
    SF_DIALOG_TERMINATED,
    SF_DIALOG_STATE_COUNT
} sf_dialog_state_t;

const char *sf_dialog_state_name(sf_dialog_state_t s);

/* ---- calls ------------------------------------------------------------ */

typedef enum sf_outcome {
    SF_OUTCOME_ANSWERED = 0,
    SF_OUTCOME_CANCELLED,
    SF_OUTCOME_BUSY,
    SF_OUTCOME_NO_ANSWER,
    SF_OUTCOME_REJECTED,
    SF_OUTCOME_NOT_FOUND,
    SF_OUTCOME_REDIRECTED,
    SF_OUTCOME_FAILED,
    SF_OUTCOME_TIMEOUT,
    SF_OUTCOME_UNFINISHED,
    SF_OUTCOME_COUNT
} sf_outcome_t;

const char *sf_outcome_name(sf_outcome_t o); /* "answered", "no_answer", ... */
/* Failed calls: every outcome except answered and unfinished. */
bool sf_outcome_failed(sf_outcome_t o);
/* The outcome a final response code gives an initial INVITE (the table in
 * README.md), cancelled says whether the caller's CANCEL was seen. */
sf_outcome_t sf_outcome_from_code(int code, bool cancelled);

/* Problems of a call that is still "answered" (or of any call). */
enum {
    SF_PROBLEM_2XX_NOT_ACKED = 1u << 0,   /* 2xx retransmitted, no ACK */
    SF_PROBLEM_SESSION_EXPIRED = 1u << 1, /* RFC 4028 session timer ran out */
    SF_PROBLEM_REINVITE_FAILED = 1u << 2, /* 481/408 to a re-INVITE (12.2.1.2); a 488 only counts */
    SF_PROBLEM_BYE_FAILED = 1u << 3,      /* 481/408 to BYE */
    SF_PROBLEM_IN_DIALOG_FAILURE = 1u << 4, /* other in-dialog request failed (not 401/407/491) */
};
/* Names of the problem bits: "2xx-not-acked", ... NULL past the last. */
const char *sf_problem_name(unsigned bit_index);

/* Reason header (RFC 3326) as received with the deciding final response or
 * the CANCEL/BYE that ended the call. */
typedef struct sf_reason_hdr {
    char *protocol; /* "Q.850", "SIP"; NULL when absent */
    int cause;      /* -1 when absent */
    char *text;     /* NULL when absent */
} sf_reason_hdr_t;

/* One arrow of the ladder (sequence) diagram. */
typedef struct sf_arrow {
    uint32_t from, to;       /* indexes into sf_call_t.endpoints */
    uint64_t frame;          /* completing frame */
    uint32_t file;
    sf_ts_t ts;
    const char *label;       /* "INVITE", "180 Ringing", "ACK" */
    const char *detail;      /* "CSeq 1 INVITE" */
    uint32_t txn;            /* transaction number */
    uint32_t dialog;         /* 0 = none */
    bool retransmission;
    bool failure;            /* >= 400 final, or timeout marker */
    bool request;
    uint16_t status;
    uint16_t hop;            /* Via count - 1 of the request: 0 = originating leg */
    uint64_t msg_seq;        /* the message's sf_msg_info_t.seq (to find its text) */
    /* the same message seen again (another capture point, or captured
     * twice): how many copies, and the first copy's file and frame */
    uint32_t copies;
    uint32_t copy_file;
    uint64_t copy_frame;
} sf_arrow_t;

typedef struct sf_call_endpoint {
    sf_endpoint_t ep;
    char *agent; /* User-Agent / Server seen from it, or NULL */
} sf_call_endpoint_t;

/* Diagnosis of a failed or broken call (structured; sf_diagnosis_sentence
 * turns it into words). */
typedef struct sf_diagnosis {
    bool present;
    sf_outcome_t outcome;
    int code;                 /* final code received by the caller (0 none) */
    char *reason_phrase;
    sf_endpoint_t failed_by;  /* who sent the deciding final response (family 0: none) */
    char *failed_by_agent;
    int origin_code;          /* response on the deepest leg when a proxy translated it, 0 */
    sf_endpoint_t origin_by;
    char *origin_agent;
    sf_reason_hdr_t reason;   /* Reason header */
    char *warning;            /* Warning header text */
    int64_t elapsed_ms;       /* INVITE to final (or to end of capture) */
    uint32_t invite_retransmissions;
    uint32_t response_retransmissions;
    uint32_t problems;        /* SF_PROBLEM_* */
    bool cancelled_by_caller;
} sf_diagnosis_t;

/* One side's media from its SDP (RFC 3264 offer/answer): the first audio
 * m= line (else the first m= line). */
typedef struct sf_call_media {
    bool present;
    char codecs[96];   /* rtpmap names, static payload names else: "PCMU,PCMA,telephone-event" */
    char addr[48];     /* effective c= address of that m= line ("" when none) */
    uint16_t port;
    char direction[12]; /* effective: "sendrecv", "sendonly", "recvonly", "inactive" */
    bool hold;          /* sendonly/inactive, or c= 0.0.0.0 (RFC 3264 8.4) */
    bool nat;           /* addr is private (RFC 1918, 6598, fc00::/7), the sender's IP is not */
    sf_endpoint_t signalling; /* source of the message that carried the SDP */
} sf_call_media_t;

typedef struct sf_call {
    uint32_t number; /* 1-based, in order of the first message */
    char *call_id;
    char *from, *to, *request_uri; /* as in the first INVITE */
    char *from_tag;
    sf_outcome_t outcome;
    int final_code;  /* 0 when none */
    char *reason_phrase;
    sf_reason_hdr_t reason_header;
    sf_ts_t start_time;
    int64_t pdd_ms, setup_ms, duration_ms; /* -1 = not applicable */
    uint32_t messages, retransmissions, challenges, redirects;
    uint32_t duplicates; /* copies of its messages seen again (not in messages) */
    uint32_t in_dialog_failures;
    bool partial;       /* started mid-call (no initial INVITE seen) */
    bool ended_by_caller; /* BYE from the caller's side */
    bool has_bye;
    uint32_t problems;  /* SF_PROBLEM_* */
    sf_diagnosis_t diagnosis;
    /* The sentence (sf_diagnosis_sentence) is read through
     * sf_call_diagnosis_text(): the engine formats it on first use, since
     * most consumers (statistics) never print it and formatting was a
     * tenth of the engine's work per failed call. A call built by hand may
     * set diagnosis_text directly. */
    char *diagnosis_text;
    bool diagnosis_pending; /* engine call: text not formatted yet */
    /* every frame of the call's messages, ascending (file, frame) */
    uint32_t n_frames;
    uint64_t *frames;   /* frame numbers */
    uint32_t *frame_files;
    uint32_t frames_omitted;
    /* ladder */
    uint32_t n_endpoints;
    sf_call_endpoint_t *endpoints;
    uint32_t n_arrows;
    sf_arrow_t *arrows;
    uint32_t arrows_omitted;
    uint32_t n_dialogs;
    /* SDP: the offer (initial INVITE, else the first reliable response)
     * and the answer (the 18x/2xx, else the ACK) */
    sf_call_media_t offer, answer;
    bool held;             /* a later offer put a side on hold */
    char *pai;             /* P-Asserted-Identity of the first INVITE, or NULL */
    uint32_t methods_seen; /* bit 1u << sf_sip_method_t per request method seen */
    /* internal */
    int refcount;
} sf_call_t;

void sf_call_ref(sf_call_t *c);
void sf_call_unref(sf_call_t *c);
/* The diagnosis sentence of a failed or broken call, NULL for others;
 * formatted on first use and owned by the call. */
const char *sf_call_diagnosis_text(const sf_call_t *c);

/* ---- registrations ---------------------------------------------------- */

typedef enum sf_reg_outcome {
    SF_REG_REGISTERED = 0, /* 2xx with a non-zero expiry */
    SF_REG_UNREGISTERED,   /* 2xx to a de-registration (Expires 0) */
    SF_REG_FAILED,         /* final >= 300 not followed by a retry */
    SF_REG_TIMEOUT,        /* no final response */
    SF_REG_UNFINISHED,
    SF_REG_OUTCOME_COUNT
} sf_reg_outcome_t;

const char *sf_reg_outcome_name(sf_reg_outcome_t o);

typedef struct sf_registration {
    uint32_t number;
    char *aor;      /* To URI */
    char *call_id;
    sf_reg_outcome_t outcome;
    int final_code;
    uint32_t attempts, challenges, retransmissions;
    int64_t expires; /* granted (from the 2xx Contact/Expires), -1 unknown */
    sf_ts_t start_time;
    int64_t response_ms;
    uint64_t first_frame, last_frame;
    uint32_t file;
} sf_registration_t;

/* ---- per-message classification ---------------------------------------- */

typedef struct sf_msg_info {
    uint64_t seq;       /* 1-based message number in push order */
    const sf_msg_meta_t *meta;
    const sf_sip_msg_t *msg;
    uint32_t call;      /* 0 = not part of a call */
    uint32_t dialog;    /* 0 = none */
    uint32_t txn;       /* 0 = none (unparseable) */
    uint32_t registration; /* 0 = none */
    bool retransmission;
    sf_txn_state_t txn_state; /* after this message */
    sf_dialog_state_t dialog_state; /* after this message (when dialog != 0) */
    uint16_t hop;
    /* A copy of an earlier message (sipflow/duplicate.h): that message's
     * seq, file and completing frame; the classification above is the
     * first copy's and retransmission is false. 0 = not a copy. */
    uint64_t duplicate_of;
    uint32_t first_file;
    uint64_t first_frame;
} sf_msg_info_t;

/* Transaction summary given when a transaction ends. */
typedef struct sf_txn_info {
    uint32_t number;
    sf_sip_method_t method;
    const char *method_name;
    sf_txn_state_t state;      /* final state (TIMEOUT when Timer B/F fired) */
    int final_code;            /* 0 when none */
    uint64_t request_frame, final_frame;
    uint32_t file;
    int64_t response_ms;       /* request to final, -1 */
    uint32_t retransmissions;
    uint32_t call;
} sf_txn_info_t;

typedef struct sf_engine_sink {
    /* every message, right after it is classified (in capture order) */
    void (*message)(void *user, const sf_msg_info_t *info);
    /* a transaction is over (final state reached and linger passed, or
     * timeout, or end of capture) */
    void (*txn_done)(void *user, const sf_txn_info_t *txn);
    /* a call is over; c is valid during the call (sf_call_ref to keep) */
    void (*call_done)(void *user, sf_call_t *c);
    void (*registration_done)(void *user, const sf_registration_t *r);
    void *user;
} sf_engine_sink_t;

typedef struct sf_engine_config {
    int64_t t1_ns;            /* RFC 3261 T1 (default 500 ms); 0 = infer */
    bool t1_fixed;            /* --t1 given: do not infer from retransmissions */
    uint32_t max_txns;        /* open transactions (default 262144) */
    uint32_t max_dialogs;     /* (default 131072) */
    uint32_t max_calls;       /* open calls (default 131072) */
    int64_t call_idle_ns;     /* open call without messages (default 4 h) */
    uint32_t max_arrows;      /* per call ladder (default 1000) */
    uint32_t max_call_frames; /* per call frame list (default 4096) */
    bool keep_ladder;         /* build arrows (default true) */
    bool keep_media;          /* SDP offer/answer and hold into calls (default true) */
    /* duplicate detection (sipflow/duplicate.h): window (default 100 ms,
     * <= 0 off) and recent messages remembered (default 16384) */
    int64_t dup_window_ns;
    uint32_t dup_max;
} sf_engine_config_t;

void sf_engine_config_default(sf_engine_config_t *cfg);

typedef struct sf_engine_stats {
    uint64_t messages; /* every message pushed, copies included */
    uint64_t retransmissions;
    uint64_t duplicates;  /* copies of a message seen again (sipflow/duplicate.h) */
    uint64_t dup_evicted; /* remembered messages dropped inside the window (flood) */
    uint64_t txns, calls, dialogs, registrations;
    uint64_t txns_evicted, dialogs_evicted, calls_evicted;
    uint64_t orphan_responses; /* responses matching no transaction */
    uint32_t open_txns, open_dialogs, open_calls; /* now */
    uint64_t bytes_in_use;     /* engine-owned memory now: the library's own count of what
                                * it allocated for transactions, dialogs, calls (with their
                                * strings, frames, ladder) and registrations */
    uint64_t bytes_peak;       /* the most bytes_in_use has been */
    int64_t t1_ns;             /* in use (inferred or set) */
} sf_engine_stats_t;

typedef struct sf_engine sf_engine_t;

sf_engine_t *sf_engine_create(const sf_engine_config_t *cfg, const sf_engine_sink_t *sink);
/* One parsed message, in capture order. */
void sf_engine_push(sf_engine_t *e, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg);
/* End of capture: decides what is still open (unfinished, timeout) and
 * emits every remaining call, registration and transaction. */
void sf_engine_finish(sf_engine_t *e);
void sf_engine_get_stats(const sf_engine_t *e, sf_engine_stats_t *st);
void sf_engine_destroy(sf_engine_t *e);

/* The plain-language sentence for a diagnosis (malloc'ed, caller frees). */
char *sf_diagnosis_sentence(const sf_call_t *c);

#ifdef __cplusplus
}
#endif

#endif
