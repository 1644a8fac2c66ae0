/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the SCTP chunk walk and user-message reassembly
 * (sipflow/sctp.h), every message then parsed as SIP.
 *
 * Input format:
 *   byte 0        config: bit 0 small caps (eviction paths), bit 1 one
 *                 direction slot only
 *   then records: flags(1) len(2, big-endian) SCTP packet(len)
 *     bit 0: reverse direction (the peer sends)
 *     bit 1: second association (other ports)
 *     bit 2: truncated (snaplen cut)
 *     bits 5-7: time step (0 = same time, 7 = 200 s: crosses the idle timeout)
 * tests/fuzz/seeds.py converts the SCTP packets of pcap files to this format.
 * Invariants: a message is never empty, never over the message cap, its
 * frame list is ascending and ends with the current frame; pending bytes
 * never exceed the total cap. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/sctp.h"
#include "sipflow/sip_msg.h"

static const int64_t steps_ns[8] = {0,           1000,         1000000,       20000000,
                                    500000000LL, 2000000000LL, 30000000000LL, 200000000000LL};

typedef struct ctx {
    sf_sctp_config_t cfg;
    sf_sip_parser_t *parser;
    uint64_t frame;
    unsigned long long messages, anomalies;
} ctx_t;

static void on_message(void *user, const sf_sctp_message_t *m)
{
    ctx_t *c = user;
    FUZZ_CHECK(m->len > 0);
    FUZZ_CHECK(m->fragments >= 1);
    FUZZ_CHECK(m->fragments == 1 || m->len <= c->cfg.max_message);
    FUZZ_CHECK(m->meta->n_frames >= 1 && m->meta->n_frames <= SF_MSG_MAX_FRAMES);
    FUZZ_CHECK(sf_msg_meta_last_frame(m->meta) == c->frame);
    for (uint32_t i = 1; i < m->meta->n_frames; i++)
        FUZZ_CHECK(m->meta->frames[i - 1] < m->meta->frames[i]);
    FUZZ_CHECK(m->meta->transport == SF_TRANSPORT_SCTP);
    /* every byte is readable (ASan) */
    volatile uint8_t sum = 0;
    for (uint32_t i = 0; i < m->len; i++)
        sum ^= m->data[i];
    (void)sum;
    sf_sip_msg_t msg;
    if (sf_sip_parse(c->parser, (const char *)m->data, m->len, &msg)) c->messages++;
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    ctx_t *c = user;
    FUZZ_CHECK(a->kind < SF_ANOM_KIND_COUNT);
    FUZZ_CHECK(a->reason && a->reason[0]);
    c->anomalies++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    fuzz_in_t in = {data, size, 0};
    uint8_t conf = fuzz_u8(&in);
    ctx_t c;
    memset(&c, 0, sizeof c);
    sf_sctp_config_default(&c.cfg);
    if (conf & 1) {
        c.cfg.max_message = 64;
        c.cfg.max_assoc_bytes = 256;
        c.cfg.max_fragments = 4;
        c.cfg.max_bytes = 512;
    }
    if (conf & 2) c.cfg.max_directions = 1;
    c.parser = sf_sip_parser_create();
    FUZZ_CHECK(c.parser != NULL);
    sf_sctp_sink_t sink = {on_message, &c};
    sf_anomaly_sink_t an = {on_anomaly, &c};
    sf_sctp_reasm_t *r = sf_sctp_reasm_create(&c.cfg, &sink, &an);
    FUZZ_CHECK(r != NULL);

    sf_msg_meta_t meta;
    memset(&meta, 0, sizeof meta);
    meta.ts = (sf_ts_t){.sec = 1700000000, .nsec = 0, .prec = 6};
    meta.transport = SF_TRANSPORT_SCTP;
    meta.src.family = meta.dst.family = 4;
    while (fuzz_left(&in) >= 3) {
        uint8_t flags = fuzz_u8(&in);
        uint32_t len = fuzz_u16(&in);
        if (len > fuzz_left(&in)) len = (uint32_t)fuzz_left(&in);
        /* a private copy of exactly len bytes: ASan catches reads past it */
        uint8_t *pkt = malloc(len ? len : 1);
        FUZZ_CHECK(pkt != NULL);
        memcpy(pkt, in.p + in.pos, len);
        in.pos += len;

        int64_t ns = (int64_t)meta.ts.nsec + steps_ns[flags >> 5];
        meta.ts.sec += ns / 1000000000LL;
        meta.ts.nsec = (uint32_t)(ns % 1000000000LL);
        bool rev = flags & 1;
        uint16_t other = (flags & 2) ? 7000 : 5060;
        meta.src.addr[3] = rev ? 2 : 1;
        meta.dst.addr[3] = rev ? 1 : 2;
        meta.src.port = rev ? other : 5061;
        meta.dst.port = rev ? 5061 : other;
        meta.frames[0] = ++c.frame;
        meta.n_frames = 1;
        sf_sctp_reasm_packet(r, &meta, pkt, len, (flags & 4) != 0);
        free(pkt);
        sf_sctp_stats_t st;
        sf_sctp_reasm_get_stats(r, &st);
        FUZZ_CHECK(st.pending_peak <= c.cfg.max_bytes);
    }
    sf_sctp_reasm_finish(r);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(r, &st);
    FUZZ_CHECK(st.packets == c.frame);
    sf_sctp_reasm_destroy(r);
    sf_sip_parser_destroy(c.parser);
    return 0;
}
