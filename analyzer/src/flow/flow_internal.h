/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal state of the flow engine: transactions, dialogs, calls and
 * registrations, their tables and timers. Ownership: the engine owns every
 * object; links between objects are cleared on both sides before an object
 * is freed (txn <-> call, dialog <-> call, txn <-> registration), so no
 * pointer ever dangles. */
#ifndef SF_FLOW_INTERNAL_H
#define SF_FLOW_INTERNAL_H

#include <stdlib.h>
#include <string.h>

#include "sipflow/duplicate.h"
#include "sipflow/engine.h"

#include "arena.h"
#include "hash_map.h"
#include "pool.h"
#include "timer_queue.h"

enum { TIMER_TXN = 1, TIMER_CALL, TIMER_DIALOG, TIMER_REG };

/* Retransmission fingerprints kept per transaction (bounded: a message past
 * the cap is compared with the cap's worth and otherwise taken as new). */
#define TXN_MAX_FP 48
/* Most transactions see a handful of distinct messages (request, 100, 180,
 * 200): those fingerprints live in the object; more spill to the heap. */
#define TXN_INLINE_FP 6
/* Keys (branch + sent-by + method; Call-ID + tags) are short: they live in
 * the object, which the lookup touches anyway; a longer one is allocated. */
#define FLOW_KEY_INLINE 96
/* What most calls hold, kept in the call object so that a call costs no
 * malloc (allocation was ~5 % of the engine): a call of a few hops has
 * under 16 frames and 4 endpoints, and its strings fit in 512 bytes.
 * More spills to the heap. */
#define CALL_INLINE_FRAMES 16
#define CALL_INLINE_ENDPOINTS 4
#define CALL_INLINE_ARENA 512

typedef struct call call_t;
typedef struct dialog dialog_t;
typedef struct reg reg_t;

typedef struct txn {
    sf_timer_t timer;
    uint64_t hash;
    char *key; /* key_buf, or allocated when longer */
    uint32_t keylen;
    uint32_t number;
    sf_sip_method_t method;
    char method_name[24]; /* truncated token for extension methods */
    bool invite;
    bool initial;      /* INVITE without To tag */
    bool in_dialog;    /* request carried a To tag */
    sf_txn_state_t state;
    uint32_t cseq;
    uint16_t hop;
    uint32_t file;
    sf_endpoint_t req_src, req_dst;
    int64_t first_ns, last_req_ns, first_resp_ns, final_ns;
    uint64_t req_frame, final_frame;
    int final_code;
    uint32_t req_sent;        /* transmissions of the request */
    uint32_t retransmissions; /* requests + responses */
    bool timed_out;
    bool cancelled;           /* a CANCEL for this INVITE was seen */
    bool acked;
    bool emitted;
    uint32_t n_fp;
    uint64_t *fp; /* fp_inline, or TXN_MAX_FP allocated entries */
    uint64_t fp_inline[TXN_INLINE_FP];
    call_t *call;
    uint32_t call_number; /* call's, kept here: reading it from a cold call was a miss */
    struct txn *call_prev, *call_next; /* the call's transaction list */
    reg_t *reg;
    struct txn *reg_prev, *reg_next;
    dialog_t *dialog;
    char key_buf[FLOW_KEY_INLINE];
} txn_t;

struct dialog {
    sf_timer_t timer;
    uint64_t hash;
    char *key; /* Call-ID \0 tag-low \0 tag-high */
    uint32_t keylen;
    uint32_t number;
    sf_dialog_state_t state;
    int64_t last_ns;
    call_t *call;
    dialog_t *call_next, *call_prev;
    char key_buf[FLOW_KEY_INLINE];
};

/* An attempt: one initial INVITE transaction on the call's most upstream
 * hop, summarised so the call survives the transaction's end. */
typedef struct attempt {
    bool present;
    uint32_t txn;
    uint16_t hop;
    uint32_t cseq;
    int64_t first_ns;
    int64_t first_prov_ns, ringing_ns, final_ns, answer_ns;
    int final_code;
    char *reason_phrase;
    sf_reason_hdr_t reason;
    char *warning;
    sf_endpoint_t final_from;
    char *final_agent;
    bool cancelled;
    bool got_response;
    bool timed_out;
    uint32_t req_sent;
    uint32_t resp_retrans;
} attempt_t;

struct call {
    sf_call_t pub;
    sf_timer_t timer;
    uint64_t hash;
    char *key; /* Call-ID \0 From tag */
    uint32_t keylen;
    sf_arena_t arena; /* strings of pub, arrows' labels */
    int64_t first_ns, last_ns;
    uint16_t min_hop;
    attempt_t cur;            /* last initial INVITE on the most upstream hop */
    int64_t invite_first_ns;  /* the first INVITE (before any challenge) */
    int64_t bye_ns;
    bool ended;               /* BYE or dialog-ending failure seen */
    bool ack_for_2xx;
    uint32_t twoxx_retrans;
    /* RFC 4028 session timer: interval granted by the last 2xx to an
     * INVITE/UPDATE (0 = none) and when that 2xx was seen */
    int64_t se_ns, se_at_ns;
    /* deepest leg's final (for "a proxy translated it") */
    uint16_t deep_hop;
    int deep_code;
    sf_endpoint_t deep_from;
    char *deep_agent;
    txn_t *txns;              /* head of the transaction list */
    dialog_t *dialogs;
    uint32_t cap_frames, cap_arrows, cap_endpoints;
    uint64_t accounted; /* bytes counted in the engine's bytes_in_use */
    sf_engine_t *engine;      /* whose pool the object goes back to */
    char key_buf[FLOW_KEY_INLINE];
    /* pub.frames, frame_files, endpoints and the arena's first block
     * while they fit (counted with the pool, not in accounted) */
    uint64_t frames_inline[CALL_INLINE_FRAMES];
    uint32_t frame_files_inline[CALL_INLINE_FRAMES];
    sf_call_endpoint_t endpoints_inline[CALL_INLINE_ENDPOINTS];
    _Alignas(max_align_t) unsigned char arena_inline[SF_ARENA_HDR + CALL_INLINE_ARENA];
};

struct reg {
    sf_registration_t pub;
    sf_timer_t timer;
    uint64_t hash;
    char *key; /* AoR */
    uint32_t keylen;
    txn_t *txns;
    int64_t first_ns;
    int last_code;
    bool done;
    uint64_t accounted; /* bytes counted in the engine's bytes_in_use */
    bool dereg; /* the last REGISTER asked for expiry 0 (RFC 3261 10.2.2) */
};

struct sf_engine {
    sf_engine_config_t cfg;
    sf_engine_sink_t sink;
    int64_t t1_ns;
    bool t1_inferred;
    int64_t now;
    sf_hmap_t txns, dialogs, calls, regs;
    sf_timer_queue_t timers;
    uint64_t prefetched_at; /* timers.taken when their heads were prefetched */
    sf_pool_t txn_pool, dialog_pool, call_pool, reg_pool;
    uint32_t call_pool_lent; /* calls out of the pool (open, or referenced by a caller) */
    uint32_t next_txn, next_dialog, next_call, next_reg;
    sf_engine_stats_t stats;
    sf_dup_table_t *dups; /* NULL: duplicate detection off */
};

/* Capture time in ns, clamped to +-2^62 ns (+-146 years around 1970):
 * hostile timestamps (pcapng 64-bit seconds) must not overflow here nor
 * in the deadlines (now + idle timeout) computed from it. Real captures
 * (32-bit pcap seconds reach 2106) are far inside. */
#define SF_FLOW_SEC_MAX 4611686017LL
static inline int64_t ts_ns(sf_ts_t t)
{
    int64_t s = t.sec > SF_FLOW_SEC_MAX    ? SF_FLOW_SEC_MAX
                : t.sec < -SF_FLOW_SEC_MAX ? -SF_FLOW_SEC_MAX
                                           : t.sec;
    return s * 1000000000 + (int64_t)(t.nsec % 1000000000u);
}

static inline sf_ts_t ns_ts(int64_t ns, uint8_t prec)
{
    int64_t s = ns / 1000000000, n = ns % 1000000000;
    if (n < 0) {
        n += 1000000000;
        s--;
    }
    return (sf_ts_t){.sec = s, .nsec = (uint32_t)n, .prec = prec};
}

#define T64(e) (64 * (e)->t1_ns)


/* The engine's own allocation count (sf_engine_stats_t.bytes_in_use): every
 * object adds what it holds when created or grown and takes it off when
 * freed, so a test can hold the engine to a memory cap. */
static inline void sf_flow_mem(sf_engine_t *e, int64_t delta)
{
    e->stats.bytes_in_use = (uint64_t)((int64_t)e->stats.bytes_in_use + delta);
    if (e->stats.bytes_in_use > e->stats.bytes_peak) e->stats.bytes_peak = e->stats.bytes_in_use;
}

/* An object from one of the engine's pools, its first clear bytes zeroed
 * but for its timer generation (timer_queue.h; the timer lies in those
 * bytes); the pool's growth is counted. */
static inline void *sf_flow_obj_get_part(sf_engine_t *e, sf_pool_t *p, size_t timer_offset,
                                         size_t clear)
{
    uint64_t before = p->bytes;
    char *o = sf_pool_get(p);
    if (!o) return NULL;
    sf_flow_mem(e, (int64_t)(p->bytes - before));
    sf_timer_t tm;
    memcpy(&tm, o + timer_offset, sizeof tm);
    memset(o, 0, clear);
    memcpy(o + timer_offset, &tm, sizeof tm);
    return o;
}

/* The same, wholly zeroed. */
static inline void *sf_flow_obj_get(sf_engine_t *e, sf_pool_t *p, size_t timer_offset)
{
    return sf_flow_obj_get_part(e, p, timer_offset, p->size);
}

/* A key in the object's own buffer when it fits, else allocated. */
static inline char *sf_flow_key_store(char *buf, const char *k, size_t n)
{
    char *p = n <= FLOW_KEY_INLINE ? buf : malloc(n);
    if (p) memcpy(p, k, n);
    return p;
}

static inline void sf_flow_key_free(char *buf, char *key)
{
    if (key != buf) free(key);
}

/* A key field: at most max bytes of s at k + n, then a NUL separator;
 * returns the new length. Hostile field lengths are cut (only hostile
 * input can collide then). */
static inline size_t sf_key_put(char *k, size_t n, sf_slice_t s, uint32_t max)
{
    uint32_t l = s.len > max ? max : s.len;
    sf_key_copy(k + n, s.p, l);
    n += l;
    k[n++] = 0;
    return n;
}

/* Key buffer sizes (hostile field lengths are cut to fit) */
#define FLOW_TXN_KEY_MAX 1024
#define FLOW_DIALOG_KEY_MAX 800
#define FLOW_CALL_KEY_MAX 600

/* A table key built and hashed once per message. */
typedef struct flow_key {
    uint32_t n; /* 0: not built */
    uint64_t h;
} flow_key_t;

/* The keys a message will look up, built before the timers run and the
 * duplicate check hashes the message, with their table slots prefetched:
 * the engine's lookups were mostly cache misses on the slots, and this way
 * the misses overlap that work instead of stalling it. */
typedef struct flow_keys {
    flow_key_t txn; /* the first transaction lookup (INVITE's for ACK/CANCEL) */
    flow_key_t dialog;
    flow_key_t call; /* Call-ID + From tag, for an initial INVITE */
    char txn_buf[FLOW_TXN_KEY_MAX];
    char dialog_buf[FLOW_DIALOG_KEY_MAX];
    char call_buf[FLOW_CALL_KEY_MAX];
} flow_keys_t;

/* Every cache line of n bytes at p. */
static inline void sf_flow_prefetch_range(const void *p, size_t n)
{
    for (size_t off = 0; off < n; off += 64) __builtin_prefetch((const char *)p + off);
}

static inline void sf_flow_prefetch_slot(const sf_hmap_t *m, uint64_t h)
{
    if (m->slots) __builtin_prefetch(&m->slots[(uint32_t)h & m->mask]);
}

/* The second step: once the slot is in cache, the object the slot names
 * (when its hash matches) is fetched too, whole. */
static inline void sf_flow_prefetch_obj(const sf_hmap_t *m, uint64_t h, size_t size)
{
    if (!m->slots) return;
    const sf_hmap_slot_t *sl = &m->slots[(uint32_t)h & m->mask];
    if (sl->hash != h) return;
    sf_flow_prefetch_range(sl->obj, size);
}

/* transaction.c */
void sf_flow_txn_key(sf_engine_t *e, const sf_sip_msg_t *msg, flow_keys_t *keys);
/* keys->txn: from sf_flow_txn_key(); its buffer is reused */
txn_t *sf_flow_txn_match(sf_engine_t *e, const sf_sip_msg_t *msg, flow_keys_t *keys, bool *is_new,
                         txn_t **invite_for_cancel);
bool sf_flow_txn_seen(sf_engine_t *e, txn_t *t, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg);
void sf_flow_txn_update(sf_engine_t *e, txn_t *t, const sf_msg_meta_t *meta,
                        const sf_sip_msg_t *msg, bool retrans);
void sf_flow_txn_expire(sf_engine_t *e, txn_t *t);
void sf_flow_txn_free(sf_engine_t *e, txn_t *t);
void sf_flow_txn_emit(sf_engine_t *e, txn_t *t);

/* dialog.c */
void sf_flow_dialog_key(sf_engine_t *e, sf_slice_t call_id, sf_slice_t tag1, sf_slice_t tag2,
                        flow_keys_t *keys);
dialog_t *sf_flow_dialog_find(sf_engine_t *e, sf_slice_t call_id, sf_slice_t tag1, sf_slice_t tag2);
dialog_t *sf_flow_dialog_find_key(sf_engine_t *e, const flow_keys_t *keys);
dialog_t *sf_flow_dialog_create(sf_engine_t *e, const flow_keys_t *keys);
void sf_flow_dialog_set_state(sf_engine_t *e, dialog_t *d, sf_dialog_state_t st);
void sf_flow_dialog_attach(call_t *c, dialog_t *d);
void sf_flow_dialog_free(sf_engine_t *e, dialog_t *d);
void sf_flow_dialog_expire(sf_engine_t *e, dialog_t *d);

/* call.c */
void sf_flow_call_key(sf_engine_t *e, sf_slice_t call_id, sf_slice_t from_tag, flow_keys_t *keys);
call_t *sf_flow_call_find(sf_engine_t *e, sf_slice_t call_id, sf_slice_t from_tag);
call_t *sf_flow_call_find_key(sf_engine_t *e, const flow_keys_t *keys);
/* keys->call must hold the message's Call-ID + From tag key */
call_t *sf_flow_call_create(sf_engine_t *e, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg,
                            const flow_keys_t *keys, bool partial);
void sf_flow_call_message(sf_engine_t *e, call_t *c, txn_t *t, dialog_t *d,
                          const sf_msg_meta_t *meta, const sf_sip_msg_t *msg, bool retrans,
                          uint64_t seq);
void sf_flow_call_attach_txn(call_t *c, txn_t *t);
void sf_flow_call_detach_txn(txn_t *t);
void sf_flow_call_expire(sf_engine_t *e, call_t *c);
void sf_flow_call_end(sf_engine_t *e, call_t *c); /* decide, emit, free */
void sf_flow_call_txn_timeout(sf_engine_t *e, call_t *c, txn_t *t);
void sf_flow_call_duplicate(sf_engine_t *e, call_t *c, const sf_msg_meta_t *meta, uint64_t seq);

/* engine_duplicate.c: true when msg is a copy (then fully handled); else
 * *slot names it for sf_dup_note */
/* hash: sf_dup_hash() of the message */
bool sf_flow_duplicate(sf_engine_t *e, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg,
                       uint64_t hash, uint64_t *slot);

/* registration.c */
void sf_flow_reg_message(sf_engine_t *e, txn_t *t, const sf_msg_meta_t *meta,
                         const sf_sip_msg_t *msg, bool retrans);
void sf_flow_reg_detach_txn(txn_t *t);
void sf_flow_reg_txn_timeout(sf_engine_t *e, reg_t *r, txn_t *t);
void sf_flow_reg_expire(sf_engine_t *e, reg_t *r);
void sf_flow_reg_end(sf_engine_t *e, reg_t *r);

/* helpers (engine.c) */
char *sf_flow_strdup_slice(sf_slice_t s);
char *sf_flow_arena_slice(sf_arena_t *a, sf_slice_t s);
void sf_flow_reason_header(sf_arena_t *a, const sf_sip_msg_t *msg, sf_reason_hdr_t *out);
sf_slice_t sf_flow_header_value(const sf_sip_msg_t *msg, sf_sip_hdr_t id);
sf_slice_t sf_flow_uri_of(sf_slice_t name_addr);

#endif
