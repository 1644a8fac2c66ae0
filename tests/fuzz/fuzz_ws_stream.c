/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the TCP stream applications other than plain SIP:
 * the WebSocket decoder (RFC 6455 / RFC 7118) and the TLS ClientHello
 * reader, directly or behind the stream demux. Input: 4 control bytes
 * (mode and size cap, cut seed (2), gap selector) then the stream bytes.
 * Mode (byte 0, bits 6-7): 0 client handshake, 1 server 101, 2 frames
 * picked up mid-stream, 3 the demux (which picks by content). Every
 * message is parsed as SIP; the bytes are also given whole to
 * sf_tls_parse_hello and the detectors. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/sip_msg.h"
#include "sipflow/stream_demux.h"
#include "sipflow/tls.h"
#include "sipflow/websocket.h"

typedef struct ws_ctx {
    sf_sip_parser_t *parser;
    uint64_t last_frame;
    uint32_t max_message;
} ws_ctx_t;

static void on_raw(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                   const char *defect)
{
    ws_ctx_t *c = user;
    (void)defect;
    FUZZ_CHECK(meta->n_frames >= 1 && meta->n_frames <= SF_MSG_MAX_FRAMES);
    for (uint32_t i = 1; i < meta->n_frames; i++)
        FUZZ_CHECK(meta->frames[i - 1] < meta->frames[i]);
    FUZZ_CHECK(sf_msg_meta_last_frame(meta) <= c->last_frame);
    FUZZ_CHECK(len <= c->max_message);
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
    unsigned mode = data[0] >> 6;
    uint32_t cap = (data[0] & 0x20) ? 256u * 1024u : 32u + (uint32_t)(data[0] & 0x1f) * 32u;
    uint16_t seed = (uint16_t)(data[1] << 8 | data[2]);
    uint8_t gapsel = data[3];
    const uint8_t *s = data + 4;
    uint32_t n = (uint32_t)(size - 4);

    ws_ctx_t ctx = {.parser = sf_sip_parser_create(), .max_message = cap};
    FUZZ_CHECK(ctx.parser != NULL);
    sf_msg_meta_t tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    tmpl.transport = SF_TRANSPORT_TCP;
    tmpl.src.family = tmpl.dst.family = 4;
    tmpl.src.port = (seed & 2) ? 5061 : 40000;
    tmpl.dst.port = (seed & 4) ? 5061 : 8080;
    sf_sip_raw_sink_t sink = {on_raw, &ctx};
    sf_anomaly_sink_t an = {on_anomaly, NULL};
    sf_ws_stream_t *ws = NULL;
    sf_stream_demux_t *dm = NULL;
    if (mode == 3) {
        sf_stream_env_t env = {.meta = tmpl, .sip = &sink, .anomalies = &an, .max_message = cap};
        dm = sf_stream_demux_create(&env);
        FUZZ_CHECK(dm != NULL);
    } else {
        ws = sf_ws_stream_create((sf_ws_start_t)mode, cap, &tmpl, &sink, &an);
        FUZZ_CHECK(ws != NULL);
    }

    uint32_t lcg = seed ? seed : 1u, off = 0;
    uint64_t frame = 1;
    sf_ts_t ts = {.sec = 1000, .nsec = 0, .prec = 6};
    for (uint32_t step = 0; off < n && step < n + 1; step++) {
        lcg = lcg * 1103515245u + 12345u;
        uint32_t chunk = (seed & 1) ? n - off : 1 + ((lcg >> 16) & 63u);
        if (chunk > n - off) chunk = n - off;
        ctx.last_frame = frame;
        if (gapsel && ((lcg >> 8) & 0xffu) < (gapsel & 0x0fu)) {
            uint64_t missing = chunk + ((gapsel & 0x10) ? (lcg & 0xffffu) : 0);
            if (dm) sf_stream_demux_gap(dm, missing, frame, ts);
            if (ws) sf_ws_stream_gap(ws, missing, frame, ts);
        } else {
            uint8_t *copy = malloc(chunk ? chunk : 1);
            FUZZ_CHECK(copy != NULL);
            memcpy(copy, s + off, chunk);
            if (dm) sf_stream_demux_push(dm, copy, chunk, frame, ts);
            if (ws) sf_ws_stream_push(ws, copy, chunk, frame, ts);
            free(copy);
        }
        off += chunk;
        frame++;
    }
    ctx.last_frame = frame;
    if (dm) {
        sf_stream_demux_finish(dm, frame, ts);
        FUZZ_CHECK(sf_stream_demux_kind(dm) < SF_STREAM_KIND_COUNT);
        sf_stream_demux_destroy(dm);
    }
    if (ws) {
        sf_ws_stream_finish(ws, frame, ts);
        sf_ws_stats_t st;
        sf_ws_stream_get_stats(ws, &st);
        FUZZ_CHECK(st.messages <= st.frames);
        sf_ws_stream_destroy(ws);
    }

    /* the whole bytes as a first TLS record, and the detectors */
    uint8_t *copy = malloc(n ? n : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, s, n);
    sf_tls_client_hello_t h;
    if (sf_tls_parse_hello(copy, n, &h)) FUZZ_CHECK(strlen(h.sni) < sizeof h.sni);
    bool more;
    (void)sf_tls_looks_record(copy, n, &more);
    (void)sf_ws_looks_sip_frame(copy, n, cap, &more);
    sf_stream_env_t env0;
    memset(&env0, 0, sizeof env0);
    if (n) (void)sf_stream_classify(copy, n, &env0);
    free(copy);
    sf_sip_parser_destroy(ctx.parser);
    return 0;
}
