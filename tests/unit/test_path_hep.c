/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP inside HEP through the whole packet path: HEPv3 and HEPv2 datagrams
 * on any UDP port give the encapsulated SIP with the inner addresses,
 * ports, transport and time and the HEP packet's frame number; non-SIP
 * payloads are skipped; HEP times running backwards are put in order by
 * the window, a late one is reported; HEP3 over TCP, coalesced and split
 * over segments; and the shared capture hep-wireshark--hep.pcap. */
#include "sf_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "sipflow/capture.h"
#include "sipflow/packet_path.h"
#include "test_hep_build.h"
#include "path_harness.h"
#include "test_net_build.h"

static void push_ip(fix_t *f, const uint8_t *ip, uint32_t n)
{
    uint8_t e[9000];
    uint32_t en = b_eth(e, 0x0800, ip, n);
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, en, ++f->frame, 50);
    sf_packet_path_push(f->pp, &pkt);
}

static void push_udp_bytes(fix_t *f, uint16_t dport, const uint8_t *pl, uint32_t len)
{
    uint8_t u[4200], b[4300];
    uint32_t ul = b_udp(u, 40000, dport, pl, len);
    push_ip(f, b, b_ipv4(b, SF_IPPROTO_UDP, (uint16_t)f->frame, 0, 0, u, ul));
}

static void push_tcp_bytes(fix_t *f, uint32_t seq, uint8_t flags, const uint8_t *pl, uint32_t len)
{
    uint8_t t[8300], b[8400];
    uint32_t tl = b_tcp(t, 40001, 9061, seq, flags, pl, len);
    push_ip(f, b, b_ipv4(b, SF_IPPROTO_TCP, (uint16_t)f->frame, 0, 0, t, tl));
}

static void test_udp_hep3_inner_meta(void **state)
{
    fix_t *f = *state;
    uint8_t b[4096];
    hep_spec_t s = {4, 17, 5060, 5070, 1700000000, 123456, 1, 0, HEP_SIP_OPTIONS("1")};
    push_udp_bytes(f, 9060, b, b_hep3(b, &s));
    s.family = 6;
    s.ip_proto = 6;
    s.payload = HEP_SIP_OPTIONS("2");
    s.compress = 2;
    push_udp_bytes(f, 12345, b, b_hep3(b, &s)); /* any port, gzip payload */
    assert_int_equal(f->g.n, 0);                /* held by the window */
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 2);
    sf_msg_meta_t *m = &f->g.m[0].meta;
    assert_string_equal(f->g.m[0].call_id, "hep-1@example.com");
    assert_int_equal(m->src.family, 4);
    assert_memory_equal(m->src.addr, HS4, 4);
    assert_memory_equal(m->dst.addr, HD4, 4);
    assert_int_equal(m->src.port, 5060);
    assert_int_equal(m->dst.port, 5070);
    assert_int_equal(m->transport, SF_TRANSPORT_UDP);
    assert_int_equal(m->ts.sec, 1700000000);
    assert_int_equal(m->ts.nsec, 123456000);
    assert_int_equal(m->n_frames, 1);
    assert_int_equal(m->frames[0], 1);
    m = &f->g.m[1].meta;
    assert_string_equal(f->g.m[1].call_id, "hep-2@example.com");
    assert_int_equal(m->src.family, 6);
    assert_memory_equal(m->dst.addr, HD6, 16);
    assert_int_equal(m->transport, SF_TRANSPORT_TCP);
    assert_int_equal(m->frames[0], 2);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.sip_messages, 2);
    assert_int_equal(st.hep.v3, 2);
    assert_int_equal(st.hep.compressed, 1);
}

static void test_udp_hep2_and_non_sip(void **state)
{
    fix_t *f = *state;
    uint8_t b[4096];
    hep_spec_t s = {4, 17, 5062, 5063, 1600000000, 1, 1, 0, HEP_SIP_OPTIONS("3")};
    push_udp_bytes(f, 9060, b, b_hep2(b, 2, &s));
    s.proto_type = SF_HEP_PROTO_RTCP;
    push_udp_bytes(f, 9060, b, b_hep3(b, &s));
    s.proto_type = SF_HEP_PROTO_LOG;
    s.payload = "{\"log\": \"not SIP\"}";
    push_udp_bytes(f, 9060, b, b_hep3(b, &s));
    /* a broken HEP3 packet: reported with its frame */
    uint32_t n = b_hep3(b, &s);
    hb_put16(b + 4, n + 10);
    push_udp_bytes(f, 9060, b, n);
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].call_id, "hep-3@example.com");
    assert_int_equal(f->g.m[0].meta.src.port, 5062);
    assert_int_equal(f->g.m[0].meta.ts.sec, 1600000000);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_HEP_MALFORMED], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_HEP_MALFORMED], 4);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.hep.non_sip, 2);
    assert_int_equal(st.hep.v2, 1);
    assert_int_equal(st.hep.malformed, 1);
    assert_int_equal(st.sip_messages, 1);
}

static void test_reorder_and_late(void **state)
{
    fix_t *f = *state;
    uint8_t b[4096];
    /* capture order 1..4; HEP times 10.5, 10.1, 10.3, then 13.0 */
    static const struct {
        uint32_t sec, usec;
        const char *sip;
    } in[] = {
        {10, 500000, HEP_SIP_OPTIONS("5")}, {10, 100000, HEP_SIP_OPTIONS("1")},
        {10, 300000, HEP_SIP_OPTIONS("3")}, {13, 0, HEP_SIP_OPTIONS("9")},
        {10, 200000, HEP_SIP_OPTIONS("2")}, /* behind what 13.0 released: late */
    };
    for (int i = 0; i < 5; i++) {
        hep_spec_t s = {4, 17, 5060, 5060, in[i].sec, in[i].usec, 1, 0, in[i].sip};
        push_udp_bytes(f, 9060, b, b_hep3(b, &s));
        if (i == 2) assert_int_equal(f->g.n, 0);
    }
    /* 13.0 released 10.1, 10.3, 10.5; 10.2 came late, at once */
    assert_int_equal(f->g.n, 4);
    assert_string_equal(f->g.m[0].call_id, "hep-1@example.com");
    assert_string_equal(f->g.m[1].call_id, "hep-3@example.com");
    assert_string_equal(f->g.m[2].call_id, "hep-5@example.com");
    assert_string_equal(f->g.m[3].call_id, "hep-2@example.com");
    assert_int_equal(f->g.m[0].meta.frames[0], 2); /* frames stay the HEP packets' */
    assert_int_equal(f->g.m[2].meta.frames[0], 1);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_HEP_LATE], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_HEP_LATE], 5);
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 5);
    assert_string_equal(f->g.m[4].call_id, "hep-9@example.com");
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.hep.window.late, 1);
    assert_int_equal(st.hep.window.reordered, 2);
}

static void test_window_off(void **state)
{
    (void)state;
    got_t *g = calloc(1, sizeof *g);
    sf_packet_path_config_t cfg;
    sf_packet_path_config_default(&cfg);
    cfg.hep.window.window_ns = 0;
    fix_t f = {.pp = path_for(g, &cfg)};
    uint8_t b[4096];
    hep_spec_t s = {4, 17, 5060, 5060, 20, 0, 1, 0, HEP_SIP_OPTIONS("2")};
    push_udp_bytes(&f, 9060, b, b_hep3(b, &s));
    s.sec = 10;
    s.payload = HEP_SIP_OPTIONS("1");
    push_udp_bytes(&f, 9060, b, b_hep3(b, &s));
    assert_int_equal(g->n, 2); /* at once, in capture order */
    assert_string_equal(g->m[0].call_id, "hep-2@example.com");
    assert_int_equal(rec_total_anomalies(&g->r), 0);
    sf_packet_path_destroy(f.pp);
    free(g);
}

static void test_tcp_hep3_split_and_coalesced(void **state)
{
    fix_t *f = *state;
    uint8_t b[8192];
    uint32_t l[3], n = 0;
    static const char *const sip[3] = {HEP_SIP_OPTIONS("1"), HEP_SIP_OPTIONS("2"),
                                       HEP_SIP_OPTIONS("3")};
    for (int i = 0; i < 3; i++) {
        hep_spec_t s = {4, 6, 5060, 5070, 1700000000, (uint32_t)i, 1, 0, sip[i]};
        l[i] = b_hep3(b + n, &s);
        n += l[i];
    }
    push_tcp_bytes(f, 1000, SF_TCP_SYN, (const uint8_t *)"", 0);
    /* segment 1: packet 1 whole and half of packet 2; segment 2: the rest
     * of packet 2 and packet 3 */
    uint32_t cut = l[0] + l[1] / 2;
    push_tcp_bytes(f, 1001, SF_TCP_ACK | SF_TCP_PSH, b, cut);
    push_tcp_bytes(f, 1001 + cut, SF_TCP_ACK | SF_TCP_PSH, b + cut, n - cut);
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 3);
    for (int i = 0; i < 3; i++) {
        char want[64];
        snprintf(want, sizeof want, "hep-%d@example.com", i + 1);
        assert_string_equal(f->g.m[i].call_id, want);
        assert_int_equal(f->g.m[i].meta.transport, SF_TRANSPORT_TCP);
        assert_int_equal(f->g.m[i].meta.dst.port, 5070);
        assert_string_equal(f->g.m[i].malformed, "");
    }
    assert_int_equal(f->g.m[0].meta.n_frames, 1);
    assert_int_equal(f->g.m[0].meta.frames[0], 2);
    assert_int_equal(f->g.m[1].meta.n_frames, 2); /* split over frames 2 and 3 */
    assert_int_equal(f->g.m[1].meta.frames[0], 2);
    assert_int_equal(f->g.m[1].meta.frames[1], 3);
    assert_int_equal(f->g.m[2].meta.frames[0], 3);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.hep.v3, 3);
}

/* A TCP payload captured by the agent may hold two SIP messages: both
 * are framed (Content-Length); a UDP one is one datagram. Without an IP
 * protocol chunk the transport is "hep". */
static void test_inner_tcp_two_messages(void **state)
{
    fix_t *f = *state;
    uint8_t b[4096];
    hep_spec_t s = {
        4, 6, 5060, 5070, 1700000000, 0, 1, 0, HEP_SIP_OPTIONS("1") HEP_SIP_OPTIONS("2")};
    push_udp_bytes(f, 9060, b, b_hep3(b, &s));
    s.ip_proto = 17;
    s.usec = 1;
    push_udp_bytes(f, 9060, b, b_hep3(b, &s));
    uint32_t o = hep3_begin(b);
    o = hep3_u32(b, o, SF_HEP3_TS_SEC, 1700000000);
    o = hep3_u32(b, o, SF_HEP3_TS_USEC, 2);
    o = hep3_chunk(b, o, SF_HEP3_PAYLOAD, HEP_SIP_OPTIONS("3"), sizeof HEP_SIP_OPTIONS("3") - 1);
    push_udp_bytes(f, 9060, b, hep3_end(b, o));
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 4);
    assert_string_equal(f->g.m[0].call_id, "hep-1@example.com");
    assert_string_equal(f->g.m[1].call_id, "hep-2@example.com");
    assert_int_equal(f->g.m[1].meta.transport, SF_TRANSPORT_TCP);
    assert_int_equal(f->g.m[1].meta.frames[0], 1);
    assert_string_equal(f->g.m[2].call_id, "hep-1@example.com");
    assert_int_equal(f->g.m[2].meta.transport, SF_TRANSPORT_UDP);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_TRAILING_BYTES], 1);
    assert_int_equal(f->g.m[3].meta.transport, SF_TRANSPORT_HEP);
    /* no addresses in the HEP packet: the collector's are kept */
    assert_memory_equal(f->g.m[3].meta.src.addr, A4, 4);
}

/* Plain SIP over TCP still goes to the SIP framer. */
static void test_tcp_plain_sip_unchanged(void **state)
{
    fix_t *f = *state;
    const char m[] = HEP_SIP_OPTIONS("7");
    push_tcp_bytes(f, 1000, SF_TCP_SYN, (const uint8_t *)"", 0);
    push_tcp_bytes(f, 1001, SF_TCP_ACK | SF_TCP_PSH, (const uint8_t *)m, sizeof m - 1);
    assert_int_equal(f->g.n, 1);
    assert_int_equal(f->g.m[0].meta.transport, SF_TRANSPORT_TCP);
    assert_int_equal(f->g.m[0].meta.dst.port, 9061);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.hep.packets, 0);
}

/* The public HEPv3 capture: six SIP messages (bare-LF line endings) with
 * the inner 192.168.1.1/.2 addresses; frames 5 (log) and 8 (RTCP) carry
 * no SIP. */
static void test_shared_capture(void **state)
{
    (void)state;
    if (!sf_test_shared_dir()) sf_test_skip("shared corpus missing");
    char *path = sf_test_shared_path("pcaps/public/hep-wireshark--hep.pcap");
    got_t *g = calloc(1, sizeof *g);
    sf_anomaly_sink_t an = {rec_anomaly, &g->r};
    sf_capture_opts_t opts = {.bpf = NULL, .anomalies = an};
    char err[256];
    const char *paths[1] = {path};
    sf_capture_t *cap = sf_capture_open(paths, 1, &opts, err, sizeof err);
    if (!cap) fail_msg("cannot open %s: %s", path, err);
    sf_sip_sink_t sink = {on_msg, g};
    sf_packet_path_t *pp = sf_packet_path_create(NULL, &sink, &an);
    sf_packet_t pkt;
    while (sf_capture_next(cap, &pkt) == 1)
        sf_packet_path_push(pp, &pkt);
    sf_packet_path_finish(pp);
    assert_int_equal(g->n, 6);
    static const uint64_t frames[6] = {1, 2, 3, 4, 6, 7};
    static const int from_a[6] = {1, 0, 0, 1, 0, 1};
    for (int i = 0; i < 6; i++) {
        const sf_msg_meta_t *m = &g->m[i].meta;
        assert_int_equal(sf_msg_meta_last_frame(m), frames[i]);
        assert_string_equal(g->m[i].call_id, "qgf3dm9rudi@127.0.0.1");
        char src[SF_ENDPOINT_STRLEN], dst[SF_ENDPOINT_STRLEN];
        sf_endpoint_format(&m->src, src, sizeof src);
        sf_endpoint_format(&m->dst, dst, sizeof dst);
        assert_string_equal(src, from_a[i] ? "192.168.1.1:5060" : "192.168.1.2:5060");
        assert_string_equal(dst, from_a[i] ? "192.168.1.2:5060" : "192.168.1.1:5060");
        assert_int_equal(m->transport, SF_TRANSPORT_UDP);
        assert_int_equal(m->ts.sec, 1481455196 + (i >= 2) + (i >= 3) + 2 * (i >= 4) + (i >= 5));
    }
    assert_int_equal(g->m[0].meta.ts.nsec, 100000); /* HEP time, not the capture's */
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(pp, &st);
    assert_int_equal(st.hep.v3, 8);
    assert_int_equal(st.hep.non_sip, 2);
    assert_int_equal(g->r.anomalies[SF_ANOM_HEP_MALFORMED], 0);
    sf_packet_path_destroy(pp);
    sf_capture_close(cap);
    free(path);
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_udp_hep3_inner_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_hep2_and_non_sip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reorder_and_late, setup, teardown),
        cmocka_unit_test(test_window_off),
        cmocka_unit_test_setup_teardown(test_tcp_hep3_split_and_coalesced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inner_tcp_two_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_plain_sip_unchanged, setup, teardown),
        cmocka_unit_test(test_shared_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
