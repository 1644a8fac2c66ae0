/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fragment reassembly: every arrival order, duplicates, overlap policies,
 * size bound, caps with eviction, idle timeout, end of capture. */
#include "sf_test.h"

#include <stdio.h>

#include "sipflow/ip_defrag.h"
#include "sipflow/net_decode.h"
#include "test_net_build.h"

static void rec_pdu(void *user, const sf_net_pdu_t *pdu)
{
    recorder_t *r = user;
    if (r->n < REC_MAX) {
        rec_pdu_t *p = &r->pdus[r->n];
        p->ip_proto = pdu->ip_proto;
        p->payload = malloc(pdu->len ? pdu->len : 1);
        memcpy(p->payload, pdu->payload, pdu->len);
        p->len = pdu->len;
        p->truncated = pdu->truncated;
        p->meta = *pdu->meta;
    }
    r->n++;
}

static sf_net_decoder_t *mk_decoder(recorder_t *r, const sf_net_config_t *cfg)
{
    memset(r, 0, sizeof *r);
    sf_net_sink_t sink = {rec_pdu, r};
    sf_anomaly_sink_t an = {rec_anomaly, r};
    sf_net_decoder_t *d = sf_net_decoder_create(cfg, &sink, &an);
    assert_non_null(d);
    return d;
}

/* Lexicographic next permutation of a[0..n). */
static bool next_perm(unsigned *a, unsigned n)
{
    int i = (int)n - 2;
    while (i >= 0 && a[i] >= a[i + 1])
        i--;
    if (i < 0) return false;
    int j = (int)n - 1;
    while (a[j] <= a[i])
        j--;
    unsigned t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (unsigned l = (unsigned)i + 1, h = n - 1; l < h; l++, h--) {
        t = a[l];
        a[l] = a[h];
        a[h] = t;
    }
    return true;
}

#define DGRAM_LEN 100u /* UDP header + 92 bytes: fragments 32+32+32+4 */

static void make_udp_dgram(uint8_t *u)
{
    uint8_t pl[DGRAM_LEN - 8];
    for (unsigned i = 0; i < sizeof pl; i++)
        pl[i] = (uint8_t)('a' + i % 26);
    b_udp(u, 5060, 5060, pl, sizeof pl);
}

/* Splits the datagram into n_frag fragments of `step` bytes (last gets
 * the rest) and pushes them in every order. */
static void all_orders(int version, unsigned n_frag, uint32_t step)
{
    uint8_t udp[DGRAM_LEN];
    make_udp_dgram(udp);
    unsigned perm[8];
    for (unsigned i = 0; i < n_frag; i++)
        perm[i] = i;
    unsigned orders = 0;
    do {
        recorder_t r;
        sf_net_decoder_t *d = mk_decoder(&r, NULL);
        for (unsigned k = 0; k < n_frag; k++) {
            unsigned i = perm[k];
            uint32_t off = i * step;
            uint32_t len = i == n_frag - 1 ? DGRAM_LEN - off : step;
            uint8_t pkt[200], tmp[120];
            uint32_t n;
            if (version == 4) {
                n = b_ipv4(pkt, SF_IPPROTO_UDP, 77, off, i != n_frag - 1, udp + off, len);
            } else {
                uint32_t fl =
                    b_frag6(tmp, SF_IPPROTO_UDP, 0x12345, off, i != n_frag - 1, udp + off, len);
                n = b_ipv6(pkt, SF_IPPROTO_FRAGMENT, tmp, fl);
            }
            /* frame numbers in arrival order, one second apart */
            sf_packet_t p = mk_pkt(SF_LINKTYPE_RAW, pkt, n, 10 + k, 100 + k);
            sf_net_decoder_push(d, &p);
            assert_int_equal(r.n, k == n_frag - 1 ? 1 : 0);
        }
        assert_int_equal(r.pdus[0].len, DGRAM_LEN - 8);
        assert_memory_equal(r.pdus[0].payload, udp + 8, DGRAM_LEN - 8);
        assert_int_equal(r.pdus[0].meta.n_frames, n_frag);
        for (unsigned k = 0; k < n_frag; k++)
            assert_int_equal(r.pdus[0].meta.frames[k], 10 + k);
        assert_int_equal(r.pdus[0].meta.ts.sec, 100 + n_frag - 1);
        assert_int_equal(r.pdus[0].meta.src.port, 5060);
        assert_int_equal(r.pdus[0].meta.src.family, version);
        assert_int_equal(rec_total_anomalies(&r), 0);
        sf_net_decoder_finish(d);
        sf_net_stats_t st;
        sf_net_decoder_get_stats(d, &st);
        assert_int_equal(st.defrag.reassembled, 1);
        assert_int_equal(st.defrag.pending_datagrams, 0);
        assert_int_equal(st.defrag.pending_bytes, 0);
        assert_int_equal(rec_total_anomalies(&r), 0);
        sf_net_decoder_destroy(d);
        rec_free(&r);
        orders++;
    } while (next_perm(perm, n_frag));
    unsigned expect = 1;
    for (unsigned i = 2; i <= n_frag; i++)
        expect *= i;
    assert_int_equal(orders, expect);
}

static void test_v4_every_order(void **state)
{
    (void)state;
    all_orders(4, 3, 40);
    all_orders(4, 4, 32);
}

static void test_v6_every_order(void **state)
{
    (void)state;
    all_orders(6, 3, 40);
    all_orders(6, 4, 32);
}

/* Direct table tests. */
typedef struct table {
    sf_defrag_t *d;
    recorder_t r;
} table_t;

static void table_init(table_t *t, const sf_defrag_config_t *cfg)
{
    memset(&t->r, 0, sizeof t->r);
    sf_anomaly_sink_t an = {rec_anomaly, &t->r};
    t->d = sf_defrag_create(cfg, &an);
    assert_non_null(t->d);
}

static sf_defrag_result_t push(table_t *t, int version, uint32_t id, uint32_t off, int more,
                               const void *data, uint32_t len, uint64_t frame, int64_t sec,
                               sf_defrag_out_t *out, sf_msg_meta_t *meta)
{
    sf_defrag_frag_t f = {
        .version = (uint8_t)version,
        .proto = SF_IPPROTO_UDP,
        .src = version == 4 ? A4 : A6,
        .dst = version == 4 ? B4 : B6,
        .id = id,
        .offset = off,
        .more = more,
        .hdr_len = version == 4 ? 20 : 8,
        .data = data,
        .len = len,
        .frame = frame,
        .ts = {sec, 0, 6},
    };
    sf_defrag_out_t o;
    return sf_defrag_push(t->d, &f, out ? out : &o, meta);
}

static void test_duplicates(void **state)
{
    (void)state;
    for (int v = 4; v <= 6; v += 2) {
        table_t t;
        table_init(&t, NULL);
        uint8_t a[16], b[8];
        memset(a, 'A', 16);
        memset(b, 'B', 8);
        sf_defrag_out_t out;
        sf_msg_meta_t meta = {0};
        assert_int_equal(push(&t, v, 1, 0, 1, a, 16, 1, 0, &out, NULL), SF_DEFRAG_PENDING);
        assert_int_equal(push(&t, v, 1, 0, 1, a, 16, 2, 0, &out, NULL), SF_DEFRAG_PENDING);
        assert_int_equal(push(&t, v, 1, 16, 0, b, 8, 3, 0, &out, &meta), SF_DEFRAG_DONE);
        assert_int_equal(out.len, 24);
        assert_memory_equal(out.data, a, 16);
        assert_memory_equal(out.data + 16, b, 8);
        /* the duplicate's frame contributed nothing */
        assert_int_equal(meta.n_frames, 2);
        assert_int_equal(meta.frames[0], 1);
        assert_int_equal(meta.frames[1], 3);
        sf_defrag_stats_t st;
        sf_defrag_get_stats(t.d, &st);
        assert_int_equal(st.duplicates, 1);
        assert_int_equal(st.overlaps, 0);
        assert_int_equal(rec_total_anomalies(&t.r), 0);
        sf_defrag_destroy(t.d);
    }
}

static void test_v4_overlap_first_copy_wins(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL);
    uint8_t a[24], b[24], c[16];
    memset(a, 'A', sizeof a);
    memset(b, 'B', sizeof b);
    memset(c, 'C', sizeof c);
    sf_defrag_out_t out;
    sf_msg_meta_t meta = {0};
    /* [8,16) first, then [24,32), then [0,24) overlapping the first, then
     * [16,40) last, overlapping the second. */
    assert_int_equal(push(&t, 4, 9, 8, 1, c, 8, 1, 0, &out, NULL), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 4, 9, 24, 1, c, 8, 2, 0, &out, NULL), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 4, 9, 0, 1, a, 24, 3, 0, &out, NULL), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 4, 9, 16, 0, b, 24, 4, 0, &out, &meta), SF_DEFRAG_DONE);
    assert_int_equal(out.len, 40);
    const char *want = "AAAAAAAACCCCCCCCAAAAAAAACCCCCCCCBBBBBBBB";
    assert_memory_equal(out.data, want, 40);
    assert_int_equal(meta.n_frames, 4);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_OVERLAP], 2);
    sf_defrag_destroy(t.d);
}

static void test_v6_overlap_discards(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL);
    uint8_t a[24];
    memset(a, 'A', sizeof a);
    sf_defrag_out_t out;
    assert_int_equal(push(&t, 6, 5, 0, 1, a, 16, 1, 0, &out, NULL), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 6, 5, 8, 1, a, 16, 2, 0, &out, NULL), SF_DEFRAG_DROPPED);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_OVERLAP], 1);
    assert_int_equal(t.r.last_anom_frame[SF_ANOM_FRAG_OVERLAP], 2);
    /* the rest of the datagram is absorbed, never completes */
    assert_int_equal(push(&t, 6, 5, 16, 0, a, 8, 3, 0, &out, NULL), SF_DEFRAG_DROPPED);
    sf_defrag_finish(t.d);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_INCOMPLETE], 0);
    assert_int_equal(rec_total_anomalies(&t.r), 1);
    /* an unrelated datagram still reassembles */
    assert_int_equal(push(&t, 6, 6, 0, 1, a, 8, 4, 0, &out, NULL), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 6, 6, 8, 0, a, 8, 5, 0, &out, NULL), SF_DEFRAG_DONE);
    sf_defrag_destroy(t.d);
}

static void test_too_big(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL);
    uint8_t a[64] = {0};
    sf_defrag_out_t out;
    assert_int_equal(push(&t, 4, 3, 0, 1, a, 64, 1, 0, &out, NULL), SF_DEFRAG_PENDING);
    /* 20 + 65512 + 16 = 65548 > 65535 */
    assert_int_equal(push(&t, 4, 3, 65512, 0, a, 16, 2, 0, &out, NULL), SF_DEFRAG_DROPPED);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_TOO_BIG], 1);
    assert_int_equal(push(&t, 4, 3, 64, 0, a, 8, 3, 0, &out, NULL), SF_DEFRAG_DROPPED);
    /* exactly 65535 is fine: 20 + 65512 + 3 */
    assert_int_equal(push(&t, 4, 4, 65512, 0, a, 3, 4, 0, &out, NULL), SF_DEFRAG_PENDING);
    sf_defrag_stats_t st;
    sf_defrag_get_stats(t.d, &st);
    assert_int_equal(st.too_big, 1);
    assert_true(st.pending_bytes > 0 && st.pending_bytes < 200);
    sf_defrag_destroy(t.d);
}

static void test_malformed_fragments(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL);
    uint8_t a[16] = {0};
    sf_defrag_out_t out;
    assert_int_equal(push(&t, 4, 1, 0, 1, a, 12, 1, 0, &out, NULL), SF_DEFRAG_DROPPED);
    assert_int_equal(push(&t, 4, 1, 0, 1, a, 0, 2, 0, &out, NULL), SF_DEFRAG_DROPPED);
    assert_int_equal(push(&t, 4, 1, 8, 0, a, 8, 3, 0, &out, NULL), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 4, 1, 8, 0, a, 16, 4, 0, &out, NULL), SF_DEFRAG_DROPPED);
    assert_int_equal(push(&t, 4, 1, 16, 1, a, 8, 5, 0, &out, NULL), SF_DEFRAG_DROPPED);
    assert_int_equal(t.r.anomalies[SF_ANOM_IP_MALFORMED], 4);
    assert_int_equal(push(&t, 4, 1, 0, 1, a, 8, 6, 0, &out, NULL), SF_DEFRAG_DONE);
    assert_int_equal(out.len, 16);
    sf_defrag_destroy(t.d);
}

static void test_flood_eviction(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL); /* 8192 datagrams, 16 MiB */
    uint8_t a[1024];
    memset(a, 'x', sizeof a);
    sf_defrag_out_t out;
    for (uint32_t i = 0; i < 10000; i++)
        assert_int_equal(push(&t, 4, i, 0, 1, a, 1024, i + 1, 0, &out, NULL), SF_DEFRAG_PENDING);
    sf_defrag_stats_t st;
    sf_defrag_get_stats(t.d, &st);
    assert_int_equal(st.pending_datagrams, 8192);
    assert_int_equal(st.evicted, 10000 - 8192);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_EVICTED], 10000 - 8192);
    /* the evicted ones were the oldest: the last report names frame 1808 */
    assert_int_equal(t.r.last_anom_frame[SF_ANOM_FRAG_EVICTED], 10000 - 8192);
    assert_true(st.pending_bytes <= 16u << 20);
    /* a real datagram after the flood still reassembles */
    sf_msg_meta_t meta = {0};
    assert_int_equal(push(&t, 4, 50000, 0, 1, a, 1024, 20001, 1, &out, &meta), SF_DEFRAG_PENDING);
    assert_int_equal(push(&t, 4, 50000, 1024, 0, a, 100, 20002, 1, &out, &meta), SF_DEFRAG_DONE);
    assert_int_equal(out.len, 1124);
    assert_int_equal(meta.n_frames, 2);
    sf_defrag_destroy(t.d);
}

static void test_byte_cap(void **state)
{
    (void)state;
    sf_defrag_config_t cfg;
    sf_defrag_config_default(&cfg);
    cfg.max_bytes = 32 * 1024;
    table_t t;
    table_init(&t, &cfg);
    uint8_t a[4096] = {0};
    sf_defrag_out_t out;
    for (uint32_t i = 0; i < 100; i++)
        push(&t, 6, i, 0, 1, a, 4096, i + 1, 0, &out, NULL);
    sf_defrag_stats_t st;
    sf_defrag_get_stats(t.d, &st);
    assert_true(st.pending_bytes <= cfg.max_bytes);
    assert_true(st.evicted >= 90);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_EVICTED], st.evicted);
    /* a datagram larger than the whole cap is itself dropped */
    uint8_t big[65000] = {0};
    assert_int_equal(push(&t, 6, 999, 0, 1, big, 64992, 500, 0, &out, NULL), SF_DEFRAG_DROPPED);
    sf_defrag_get_stats(t.d, &st);
    assert_true(st.pending_bytes <= cfg.max_bytes);
    sf_defrag_destroy(t.d);
}

static void test_timeout_and_finish(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL); /* 30 s */
    uint8_t a[8] = {0};
    sf_defrag_out_t out;
    push(&t, 4, 1, 0, 1, a, 8, 1, 100, &out, NULL);
    push(&t, 4, 2, 0, 1, a, 8, 2, 120, &out, NULL);
    sf_defrag_expire(t.d, (sf_ts_t){130, 0, 6});
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_INCOMPLETE], 0);
    /* 31 s after the first fragment of datagram 1 */
    push(&t, 4, 3, 0, 1, a, 8, 3, 131, &out, NULL);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_INCOMPLETE], 1);
    assert_int_equal(t.r.last_anom_frame[SF_ANOM_FRAG_INCOMPLETE], 1);
    /* the late last fragment of datagram 1 starts a new, incomplete one */
    assert_int_equal(push(&t, 4, 1, 8, 0, a, 8, 4, 131, &out, NULL), SF_DEFRAG_PENDING);
    sf_defrag_finish(t.d);
    assert_int_equal(t.r.anomalies[SF_ANOM_FRAG_INCOMPLETE], 4);
    sf_defrag_stats_t st;
    sf_defrag_get_stats(t.d, &st);
    assert_int_equal(st.incomplete, 4);
    assert_int_equal(st.pending_datagrams, 0);
    assert_int_equal(st.pending_bytes, 0);
    sf_defrag_destroy(t.d);
}

static void test_keys_do_not_mix(void **state)
{
    (void)state;
    table_t t;
    table_init(&t, NULL);
    uint8_t a[8] = {1, 1, 1, 1, 1, 1, 1, 1}, b[8] = {2, 2, 2, 2, 2, 2, 2, 2};
    sf_defrag_out_t out;
    sf_defrag_frag_t f = {.version = 4,
                          .proto = 17,
                          .src = A4,
                          .dst = B4,
                          .id = 7,
                          .offset = 0,
                          .more = true,
                          .hdr_len = 20,
                          .data = a,
                          .len = 8,
                          .frame = 1};
    assert_int_equal(sf_defrag_push(t.d, &f, &out, NULL), SF_DEFRAG_PENDING);
    /* same id, other file / vlan / protocol: separate datagrams */
    f.offset = 8;
    f.more = false;
    f.data = b;
    f.file = 1;
    assert_int_equal(sf_defrag_push(t.d, &f, &out, NULL), SF_DEFRAG_PENDING);
    f.file = 0;
    f.vlan = 10;
    assert_int_equal(sf_defrag_push(t.d, &f, &out, NULL), SF_DEFRAG_PENDING);
    f.vlan = 0;
    f.proto = 6;
    assert_int_equal(sf_defrag_push(t.d, &f, &out, NULL), SF_DEFRAG_PENDING);
    f.proto = 17;
    assert_int_equal(sf_defrag_push(t.d, &f, &out, NULL), SF_DEFRAG_DONE);
    assert_int_equal(out.len, 16);
    assert_int_equal(out.proto, 17);
    sf_defrag_destroy(t.d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_every_order),
        cmocka_unit_test(test_v6_every_order),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_v4_overlap_first_copy_wins),
        cmocka_unit_test(test_v6_overlap_discards),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_malformed_fragments),
        cmocka_unit_test(test_flood_eviction),
        cmocka_unit_test(test_byte_cap),
        cmocka_unit_test(test_timeout_and_finish),
        cmocka_unit_test(test_keys_do_not_mix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
