/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: SIP framing (RFC 3261 18.3). The first bytes of the
 * input choose the framer's size cap and how the rest is cut into pushes
 * (and where gaps are declared); the rest is the TCP byte stream. Every
 * framed message is parsed. Then the whole stream is framed as one UDP
 * datagram with sf_sip_frame_datagram. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/sip_framing.h"
#include "sipflow/sip_msg.h"

typedef struct stream_ctx {
    sf_sip_parser_t *parser;
    uint64_t last_frame;
    unsigned long long messages;
} stream_ctx_t;

static void on_raw(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                   const char *defect)
{
    stream_ctx_t *c = user;
    (void)defect;
    c->messages++;
    FUZZ_CHECK(meta->n_frames >= 1 && meta->n_frames <= SF_MSG_MAX_FRAMES);
    for (uint32_t i = 1; i < meta->n_frames; i++)
        FUZZ_CHECK(meta->frames[i - 1] < meta->frames[i]);
    FUZZ_CHECK(sf_msg_meta_last_frame(meta) <= c->last_frame);
    /* touch every byte so ASan sees a bad (buf, len) */
    volatile uint8_t x = 0;
    for (uint32_t i = 0; i < len; i++)
        x ^= (uint8_t)buf[i];
    (void)x;
    sf_sip_msg_t m;
    if (sf_sip_parse(c->parser, buf, len, &m)) fuzz_reach.sip_messages++;
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    (void)user;
    fuzz_reach.anomalies++;
    FUZZ_CHECK(a->reason != NULL && (unsigned)a->kind < SF_ANOM_KIND_COUNT);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_reach_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > (1u << 24)) return 0;
    fuzz_reach.inputs++;
    /* header: cap selector, cut seed (2 bytes), gap selector */
    uint8_t capsel = data[0];
    uint16_t seed = (uint16_t)(data[1] << 8 | data[2]);
    uint8_t gapsel = data[3];
    const uint8_t *s = data + 4;
    uint32_t n = (uint32_t)(size - 4);

    stream_ctx_t ctx = {.parser = sf_sip_parser_create()};
    FUZZ_CHECK(ctx.parser != NULL);
    sf_sip_stream_config_t cfg = {.max_message = (capsel & 0x80) ? 256u * 1024u
                                                                 : 64u + (uint32_t)capsel * 16u};
    sf_msg_meta_t tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    tmpl.transport = SF_TRANSPORT_TCP;
    tmpl.src.family = tmpl.dst.family = 4;
    tmpl.src.port = 5060;
    tmpl.dst.port = 40000;
    sf_sip_raw_sink_t sink = {on_raw, &ctx};
    sf_anomaly_sink_t an = {on_anomaly, NULL};
    sf_sip_stream_t *st = sf_sip_stream_create(&cfg, &tmpl, &sink, &an);
    FUZZ_CHECK(st != NULL);

    /* Cut points from a small LCG seeded by the input: chunk sizes 1..64
     * (or the whole rest when the seed says so), so the fuzzer controls
     * the splitting without spending input bytes on it. */
    uint32_t lcg = seed ? seed : 1u;
    uint32_t off = 0;
    uint64_t frame = 1;
    sf_ts_t ts = {.sec = 1000, .nsec = 0, .prec = 6};
    for (uint32_t step = 0; off < n && step < n + 1; step++) {
        lcg = lcg * 1103515245u + 12345u;
        uint32_t chunk = (seed & 1) ? n - off : 1 + ((lcg >> 16) & 63u);
        if (chunk > n - off) chunk = n - off;
        ctx.last_frame = frame;
        if (gapsel && ((lcg >> 8) & 0xffu) < (gapsel & 0x0fu)) {
            /* declare lost bytes: drop this chunk from the stream */
            sf_sip_stream_gap(st, chunk, frame, ts);
        } else {
            /* a private copy of exactly chunk bytes: ASan catches reads past it */
            uint8_t *copy = malloc(chunk ? chunk : 1);
            FUZZ_CHECK(copy != NULL);
            memcpy(copy, s + off, chunk);
            sf_sip_stream_push(st, copy, chunk, frame, ts);
            free(copy);
        }
        off += chunk;
        frame++;
        ts.nsec = (ts.nsec + 1000u) % 1000000000u;
    }
    ctx.last_frame = frame;
    sf_sip_stream_finish(st, frame, ts);
    sf_sip_stream_stats_t sst;
    sf_sip_stream_get_stats(st, &sst);
    FUZZ_CHECK(sst.messages <= ctx.messages);
    sf_sip_stream_destroy(st);

    /* datagram framing on the whole stream */
    uint32_t start = 0, msg_len = 0, trailing = 0;
    const char *defect = NULL;
    if (sf_sip_frame_datagram((const char *)s, n, &start, &msg_len, &trailing, &defect)) {
        FUZZ_CHECK(start <= n && msg_len <= n - start);
        FUZZ_CHECK(trailing <= n - start - msg_len);
        sf_sip_msg_t m;
        if (sf_sip_parse(ctx.parser, (const char *)s + start, msg_len, &m))
            fuzz_reach.sip_messages++;
    }
    sf_sip_parser_destroy(ctx.parser);
    return 0;
}
