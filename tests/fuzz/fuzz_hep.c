/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: HEP (sipflow/hep.h, hep_stream.h, hep_input.h,
 * hep_reorder.h). Byte 0 chooses how the rest is cut into stream pushes,
 * whether a gap is declared, and the reorder window; byte 1 the window's
 * message cap. The rest is decoded as one HEP packet (sf_hep_decode, and
 * sf_hep_inflate on a compressed payload), then framed as a HEP3 TCP
 * stream whose packets go through the decapsulation and the reorder
 * window; every released SIP payload is parsed. Invariants: every slice
 * and payload lies inside the input (or the inflater's buffer), a framed
 * packet is exactly its declared length, releases never exceed pushes. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/hep.h"
#include "sipflow/hep_input.h"
#include "sipflow/hep_stream.h"
#include "sipflow/sip_msg.h"

typedef struct hep_ctx {
    sf_hep_input_t *in;
    sf_sip_parser_t *parser;
    unsigned long long packets, released;
} hep_ctx_t;

static void touch(const uint8_t *p, uint32_t len)
{
    volatile uint8_t x = 0;
    for (uint32_t i = 0; i < len; i++)
        x ^= p[i];
    (void)x;
}

static void inside(const void *p, uint32_t len, const uint8_t *base, size_t size)
{
    if (!len) return;
    const uint8_t *q = p;
    FUZZ_CHECK(q >= base && q + len <= base + size);
}

static void on_release(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    hep_ctx_t *c = user;
    c->released++;
    FUZZ_CHECK(meta->n_frames >= 1 && meta->n_frames <= SF_MSG_MAX_FRAMES);
    touch(p, len);
    sf_sip_msg_t m;
    if (sf_sip_parse(c->parser, (const char *)p, len, &m)) fuzz_reach.sip_messages++;
}

static void on_packet(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    hep_ctx_t *c = user;
    c->packets++;
    FUZZ_CHECK(len >= SF_HEP3_HDR_LEN && sf_hep3_declared_length(p, len) == len);
    sf_hep_input_packet(c->in, meta, p, len);
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    (void)user;
    fuzz_reach.anomalies++;
    FUZZ_CHECK(a->reason != NULL && (a->kind == SF_ANOM_HEP_MALFORMED ||
                                     a->kind == SF_ANOM_HEP_LATE));
}

static void decode_once(const uint8_t *p, size_t size, sf_hep_inflater_t *zip)
{
    sf_hep_msg_t m;
    const char *why;
    if (!sf_hep_decode(p, (uint32_t)size, &m, &why)) {
        FUZZ_CHECK(why != NULL);
        return;
    }
    FUZZ_CHECK(m.length <= size);
    inside(m.payload, m.payload_len, p, m.length);
    inside(m.correlation_id.p, m.correlation_id.len, p, m.length);
    inside(m.auth_key.p, m.auth_key.len, p, m.length);
    FUZZ_CHECK(m.ts.nsec < 1000000000u);
    if (m.compressed) {
        const uint8_t *out;
        uint32_t out_len;
        if (sf_hep_inflate(zip, m.payload, m.payload_len, &out, &out_len, &why))
            touch(out, out_len);
        else
            FUZZ_CHECK(why != NULL);
    }
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
    if (size < 2 || size > (1u << 20)) return 0;
    fuzz_reach.inputs++;
    uint8_t ctl = data[0], cap = data[1];
    const uint8_t *p = data + 2;
    size_t n = size - 2;

    sf_hep_inflater_t *zip = sf_hep_inflater_create(64 * 1024);
    decode_once(p, n, zip);
    sf_hep_inflater_destroy(zip);

    hep_ctx_t c = {0};
    c.parser = sf_sip_parser_create();
    sf_hep_config_t cfg;
    sf_hep_config_default(&cfg);
    cfg.window.window_ns = (int64_t)(ctl >> 6) * 700000000LL; /* off, 0.7, 1.4, 2.1 s */
    cfg.window.max_msgs = (uint32_t)(cap & 7) + 1;
    cfg.max_inflate = 16 * 1024;
    sf_hep_release_sink_t rs = {on_release, &c};
    sf_anomaly_sink_t an = {on_anomaly, NULL};
    c.in = sf_hep_input_create(&cfg, &rs, &an);
    sf_hep_packet_sink_t ps = {on_packet, &c};
    sf_hep_stream_t *s = sf_hep_stream_create(NULL, &ps, &an);
    FUZZ_CHECK(c.in && s && c.parser);

    /* pushes of 1..32 bytes (ctl bits 0-4: 0 = the whole input at once),
     * a gap after the second push when bit 5 is set */
    uint32_t step = (ctl & 31) ? (ctl & 31) : (uint32_t)n;
    uint64_t frame = 1;
    for (size_t off = 0; off < n; frame++) {
        uint32_t k = (uint32_t)(n - off) < step ? (uint32_t)(n - off) : step;
        sf_ts_t ts = {(int64_t)frame, 0, 6};
        sf_hep_stream_push(s, p + off, k, frame, ts);
        off += k;
        if ((ctl & 32) && frame == 2) sf_hep_stream_gap(s, 10, frame, ts);
    }
    sf_hep_stream_finish(s, frame, (sf_ts_t){(int64_t)frame, 0, 6});
    sf_hep_stream_destroy(s);
    sf_hep_input_finish(c.in);
    sf_hep_stats_t st;
    sf_hep_input_get_stats(c.in, &st);
    FUZZ_CHECK(st.packets == c.packets);
    FUZZ_CHECK(c.released == st.sip);
    FUZZ_CHECK(st.window.held_peak <= cfg.window.max_msgs);
    sf_hep_input_destroy(c.in);
    sf_sip_parser_destroy(c.parser);
    return 0;
}
