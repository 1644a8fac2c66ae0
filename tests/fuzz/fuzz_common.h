/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the libFuzzer harnesses: a byte reader over the fuzz input and
 * the "back end" every harness that produces SIP messages feeds them to:
 * the flow engine, the statistics, and the JSON formatters, exactly as the
 * sipflow tool wires them (analyzer/tool/cli.c). Harness-only code: the
 * counters are process-global on purpose so a corpus replay can print how
 * far the inputs reached (FUZZ_PRINT_REACH=1). */
#ifndef SF_FUZZ_COMMON_H
#define SF_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/anomaly.h"
#include "sipflow/engine.h"
#include "sipflow/json_writer.h"
#include "sipflow/message_format.h"
#include "sipflow/stats.h"

/* A harness invariant broke: crash loudly so libFuzzer records the input. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

typedef struct fuzz_in {
    const uint8_t *p;
    size_t len, pos;
} fuzz_in_t;

static inline size_t fuzz_left(const fuzz_in_t *in)
{
    return in->len - in->pos;
}

static inline uint8_t fuzz_u8(fuzz_in_t *in)
{
    return in->pos < in->len ? in->p[in->pos++] : 0;
}

static inline uint16_t fuzz_u16(fuzz_in_t *in)
{
    uint16_t hi = fuzz_u8(in);
    return (uint16_t)(hi << 8 | fuzz_u8(in));
}

/* How far the inputs got, over the whole process (printed at exit). */
typedef struct fuzz_reach {
    unsigned long long inputs, sip_messages, engine_messages, txns, calls, registrations, anomalies;
} fuzz_reach_t;

static fuzz_reach_t fuzz_reach;

static inline void fuzz_reach_print(void)
{
    fprintf(stderr,
            "fuzz reach: inputs=%llu sip_messages=%llu engine_messages=%llu txns=%llu "
            "calls=%llu registrations=%llu anomalies=%llu\n",
            fuzz_reach.inputs, fuzz_reach.sip_messages, fuzz_reach.engine_messages, fuzz_reach.txns,
            fuzz_reach.calls, fuzz_reach.registrations, fuzz_reach.anomalies);
}

static inline void fuzz_reach_init(void)
{
    const char *e = getenv("FUZZ_PRINT_REACH");
    if (e && *e == '1') atexit(fuzz_reach_print);
}

/* The back end: engine -> stats + JSON, as in the tool. */
typedef struct fuzz_backend {
    sf_engine_t *engine;
    sf_stats_t *stats;
    sf_json_t json;
} fuzz_backend_t;

static inline void fb_on_message(void *user, const sf_msg_info_t *info)
{
    fuzz_backend_t *b = user;
    fuzz_reach.engine_messages++;
    FUZZ_CHECK(info->msg != NULL && info->meta != NULL);
    sf_stats_on_message(b->stats, info);
    sf_format_message_json(&b->json, info);
    sf_json_reset(&b->json);
}

static inline void fb_on_txn(void *user, const sf_txn_info_t *t)
{
    fuzz_backend_t *b = user;
    fuzz_reach.txns++;
    sf_stats_on_txn(b->stats, t);
}

static inline void fb_on_call(void *user, sf_call_t *c)
{
    fuzz_backend_t *b = user;
    fuzz_reach.calls++;
    /* engine.h: frames ascending by (file, frame); arrows name endpoints. */
    for (uint32_t i = 1; i < c->n_frames; i++)
        FUZZ_CHECK(c->frame_files[i - 1] < c->frame_files[i] ||
                   (c->frame_files[i - 1] == c->frame_files[i] && c->frames[i - 1] < c->frames[i]));
    for (uint32_t i = 0; i < c->n_arrows; i++)
        FUZZ_CHECK(c->arrows[i].from < c->n_endpoints && c->arrows[i].to < c->n_endpoints);
    sf_stats_on_call(b->stats, c);
    sf_format_call_json(&b->json, c);
    sf_json_reset(&b->json);
    char *s = sf_diagnosis_sentence(c);
    free(s);
}

static inline void fb_on_registration(void *user, const sf_registration_t *r)
{
    fuzz_backend_t *b = user;
    fuzz_reach.registrations++;
    sf_stats_on_registration(b->stats, r);
}

static inline void fb_on_anomaly(void *user, const sf_anomaly_t *a)
{
    fuzz_backend_t *b = user;
    fuzz_reach.anomalies++;
    FUZZ_CHECK(a->reason != NULL);
    FUZZ_CHECK((unsigned)a->kind < SF_ANOM_KIND_COUNT);
    sf_format_anomaly_json(&b->json, a);
    sf_json_reset(&b->json);
}

static inline void fuzz_backend_init(fuzz_backend_t *b, const sf_engine_config_t *cfg)
{
    sf_engine_config_t def;
    if (!cfg) {
        sf_engine_config_default(&def);
        cfg = &def;
    }
    sf_engine_sink_t sink = {fb_on_message, fb_on_txn, fb_on_call, fb_on_registration, b};
    b->engine = sf_engine_create(cfg, &sink);
    b->stats = sf_stats_create();
    sf_json_init(&b->json);
    FUZZ_CHECK(b->engine && b->stats);
}

static inline void fuzz_backend_push(fuzz_backend_t *b, const sf_msg_meta_t *meta,
                                     const sf_sip_msg_t *msg)
{
    fuzz_reach.sip_messages++;
    sf_engine_push(b->engine, meta, msg);
}

static inline void fuzz_backend_finish(fuzz_backend_t *b)
{
    sf_engine_finish(b->engine);
    sf_engine_stats_t st;
    sf_engine_get_stats(b->engine, &st);
    sf_engine_destroy(b->engine);
    sf_format_stats_json(&b->json, b->stats);
    sf_json_free(&b->json);
    sf_stats_destroy(b->stats);
}

static inline void fuzz_backend_sip_sink(void *user, const sf_msg_meta_t *meta,
                                         const sf_sip_msg_t *msg)
{
    fuzz_backend_push(user, meta, msg);
}

static inline sf_anomaly_sink_t fuzz_backend_anomaly_sink(fuzz_backend_t *b)
{
    sf_anomaly_sink_t s = {fb_on_anomaly, b};
    return s;
}

#endif
