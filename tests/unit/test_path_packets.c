/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The packet path on packets built here: UDP framing rules (trailing
 * bytes, non-SIP ignored on any port, malformed kept and flagged, snaplen
 * cuts), fragmented UDP frame lists, TCP streams through reassembly and
 * the stream framer, VLAN and tunnel metadata, statistics. */
#include "sf_test.h"

#include <stdio.h>

#include "sipflow/packet_path.h"
#include "path_harness.h"
#include "test_net_build.h"

static void push_eth(fix_t *f, const uint8_t *ip, uint32_t n, uint32_t caplen_cut)
{
    uint8_t e[2048];
    uint32_t en = b_eth(e, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800, ip, n);
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, en - caplen_cut, ++f->frame, 10);
    pkt.len = en;
    sf_packet_path_push(f->pp, &pkt);
}

static void push_udp(fix_t *f, uint16_t sport, uint16_t dport, const char *pl, uint32_t cut)
{
    uint8_t u[1600], b[1700];
    uint32_t ul = b_udp(u, sport, dport, pl, (uint32_t)strlen(pl));
    push_eth(f, b, b_ipv4(b, SF_IPPROTO_UDP, (uint16_t)f->frame, 0, 0, u, ul), cut);
}

#define INVITE_HDRS                                                                                \
    "INVITE sip:bob@example.com SIP/2.0\r\n"                                                       \
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"                                  \
    "Max-Forwards: 70\r\n"                                                                         \
    "To: Bob <sip:bob@example.com>\r\n"                                                            \
    "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"                                       \
    "Call-ID: a84b4c76e66710\r\n"                                                                  \
    "CSeq: 314159 INVITE\r\n"

static void test_udp_message_any_port(void **state)
{
    fix_t *f = *state;
    push_udp(f, 40000, 12345, INVITE_HDRS "Content-Length: 4\r\n\r\nv=0\n", 0);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].start, "INVITE sip:bob@example.com SIP/2.0");
    assert_string_equal(f->g.m[0].call_id, "a84b4c76e66710");
    assert_string_equal(f->g.m[0].malformed, "");
    assert_int_equal(f->g.m[0].meta.n_frames, 1);
    assert_int_equal(f->g.m[0].meta.frames[0], 1);
    assert_int_equal(f->g.m[0].meta.dst.port, 12345);
    assert_int_equal(f->g.m[0].meta.transport, SF_TRANSPORT_UDP);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    /* not SIP, even on 5060: ignored silently; a keep-alive too */
    push_udp(f, 5060, 5060, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    push_udp(f, 5060, 5060, "\r\n\r\n", 0);
    assert_int_equal(f->g.n, 1);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.packets, 3);
    assert_int_equal(st.udp, 3);
    assert_int_equal(st.ipv4, 3);
    assert_int_equal(st.sip_messages, 1);
}

static void test_udp_trailing_bytes(void **state)
{
    fix_t *f = *state;
    push_udp(f, 5060, 5060, INVITE_HDRS "Content-Length: 4\r\n\r\nv=0\nGARBAGE", 0);
    assert_int_equal(f->g.n, 1);
    assert_int_equal(f->g.m[0].content_length, 4);
    assert_true(f->g.m[0].len < strlen(INVITE_HDRS "Content-Length: 4\r\n\r\nv=0\nGARBAGE"));
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_TRAILING_BYTES], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SIP_TRAILING_BYTES], 1);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.sip_trailing_bytes, 7);
    assert_int_equal(st.sip_malformed, 0);
}

static void test_udp_malformed_kept(void **state)
{
    fix_t *f = *state;
    /* body shorter than Content-Length: framing defect, still delivered */
    push_udp(f, 5060, 5060, INVITE_HDRS "Content-Length: 40\r\n\r\nv=0\n", 0);
    assert_int_equal(f->g.n, 1);
    assert_true(f->g.m[0].malformed[0] != '\0');
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_TRUNCATED], 1); /* docs/anomalies.md */
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_MALFORMED], 0);
    /* snaplen cut: IP truncated, message delivered flagged */
    push_udp(f, 5060, 5060, INVITE_HDRS "Content-Length: 4\r\n\r\nv=0\n", 3);
    assert_int_equal(f->g.n, 2);
    assert_true(f->g.m[1].malformed[0] != '\0');
    assert_int_equal(f->g.r.anomalies[SF_ANOM_IP_TRUNCATED], 1);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_TRUNCATED], 2);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_MALFORMED], 0);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.sip_malformed, 2);
    assert_int_equal(st.sip_messages, 2);
}

static void test_udp_fragmented_frames(void **state)
{
    fix_t *f = *state;
    char body[1200];
    memset(body, 'x', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    char msg[1600];
    int ml =
        snprintf(msg, sizeof msg, INVITE_HDRS "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    uint8_t u[1700], b[1700];
    uint32_t ul = b_udp(u, 5060, 5060, msg, (uint32_t)ml);
    /* three fragments, last one first */
    uint32_t offs[3] = {1024, 0, 512};
    for (int i = 0; i < 3; i++) {
        uint32_t off = offs[i];
        uint32_t len = off == 1024 ? ul - 1024 : 512;
        push_eth(f, b, b_ipv4(b, SF_IPPROTO_UDP, 4242, off, off != 1024, u + off, len), 0);
    }
    assert_int_equal(f->g.n, 1);
    assert_int_equal(f->g.m[0].len, (uint32_t)ml);
    assert_string_equal(f->g.m[0].malformed, "");
    assert_int_equal(f->g.m[0].meta.n_frames, 3);
    assert_int_equal(f->g.m[0].meta.frames[0], 1);
    assert_int_equal(f->g.m[0].meta.frames[2], 3);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.fragments, 3);
    assert_int_equal(st.reassembled, 1);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
}

static void push_tcp(fix_t *f, uint16_t sport, uint32_t seq, uint8_t flags, const char *pl,
                     uint32_t len)
{
    uint8_t t[1600], b[1700];
    uint32_t tl = b_tcp(t, sport, 5060, seq, flags, pl, len);
    push_eth(f, b, b_ipv4(b, SF_IPPROTO_TCP, (uint16_t)f->frame, 0, 0, t, tl), 0);
}

static void test_tcp_stream(void **state)
{
    fix_t *f = *state;
    const char m1[] = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: one\r\nCSeq: 1 OPTIONS\r\n"
                      "Content-Length: 0\r\n\r\n";
    const char m2[] = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: two\r\nCSeq: 2 OPTIONS\r\n"
                      "Content-Length: 3\r\n\r\nabc";
    char both[512];
    int n = snprintf(both, sizeof both, "%s%s", m1, m2);
    uint32_t seq = 1000;
    push_tcp(f, 40001, seq - 1, SF_TCP_SYN, "", 0);
    /* two messages in one segment */
    push_tcp(f, 40001, seq, SF_TCP_ACK | SF_TCP_PSH, both, (uint32_t)n);
    seq += (uint32_t)n;
    /* a third split over two segments, second half first (out of order) */
    uint32_t l1 = 20, l2 = (uint32_t)strlen(m1) - 20;
    push_tcp(f, 40001, seq + l1, SF_TCP_ACK, m1 + l1, l2);
    push_tcp(f, 40001, seq, SF_TCP_ACK, m1, l1);
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 3);
    assert_string_equal(f->g.m[0].call_id, "one");
    assert_string_equal(f->g.m[1].call_id, "two");
    assert_string_equal(f->g.m[2].call_id, "one");
    assert_int_equal(f->g.m[0].meta.transport, SF_TRANSPORT_TCP);
    assert_int_equal(f->g.m[0].meta.src.port, 40001);
    assert_int_equal(f->g.m[0].meta.dst.port, 5060);
    assert_int_equal(sf_msg_meta_last_frame(&f->g.m[0].meta), 2);
    /* the split message lists both segments' frames */
    assert_int_equal(f->g.m[2].meta.n_frames, 2);
    assert_int_equal(f->g.m[2].meta.frames[0], 3);
    assert_int_equal(f->g.m[2].meta.frames[1], 4);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.tcp, 4);
    assert_int_equal(st.sip_messages, 3);
    assert_true(st.tcp_stats.segments >= 4);
}

/* Regression: a framing defect is one anomaly of its own kind, never also
 * a sip-malformed (the stream framer reports "no Content-Length"; a UDP
 * body shorter than its Content-Length is sip-truncated). */
static void test_framing_defect_reported_once(void **state)
{
    fix_t *f = *state;
    const char nocl[] = "OPTIONS sip:a@example.com SIP/2.0\r\n"
                        "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKnocl\r\n"
                        "From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
                        "Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
    push_tcp(f, 40002, 99, SF_TCP_SYN, "", 0);
    push_tcp(f, 40002, 100, SF_TCP_ACK | SF_TCP_PSH, nocl, (uint32_t)strlen(nocl));
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].malformed, "no Content-Length on a stream transport");
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_NO_CONTENT_LENGTH], 1);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_MALFORMED], 0);

    push_udp(f, 40000, 5060, INVITE_HDRS "Content-Length: 40\r\n\r\nv=0\n", 0);
    assert_int_equal(f->g.n, 2);
    assert_non_null(strstr(f->g.m[1].malformed, "Content-Length"));
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_TRUNCATED], 1);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SIP_MALFORMED], 0);
}

static void test_vlan_and_tunnel_meta(void **state)
{
    fix_t *f = *state;
    const char *sip = INVITE_HDRS "Content-Length: 0\r\n\r\n";
    uint8_t u[800], in[900], out[1000], vl[1100], e[1200];
    uint32_t ul = b_udp(u, 5060, 5060, sip, (uint32_t)strlen(sip));
    uint32_t n = b_ipv4(in, SF_IPPROTO_UDP, 1, 0, 0, u, ul);
    n = b_ipv4(out, SF_IPPROTO_IPIP, 2, 0, 0, in, n);
    put16(vl, 0x2000 | 77);
    put16(vl + 2, 0x0800);
    memcpy(vl + 4, out, n);
    uint32_t en = b_eth(e, 0x8100, vl, n + 4);
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, en, 9, 3);
    sf_packet_path_push(f->pp, &pkt);
    assert_int_equal(f->g.n, 1);
    assert_int_equal(f->g.m[0].meta.vlan, 77);
    assert_int_equal(f->g.m[0].meta.frames[0], 9);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.tunnelled, 1);
    assert_int_equal(st.ipv4, 2);
}

static void test_unsupported_linktype_once(void **state)
{
    fix_t *f = *state;
    uint8_t d[40] = {0};
    for (uint64_t i = 1; i <= 5; i++) {
        sf_packet_t pkt = mk_pkt(148, d, sizeof d, i, 1);
        sf_packet_path_push(f->pp, &pkt);
    }
    /* reported once per input by the capture layer, not per packet here */
    assert_int_equal(f->g.r.anomalies[SF_ANOM_LINKTYPE_UNSUPPORTED], 0);
    assert_int_equal(f->g.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_udp_message_any_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_trailing_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_malformed_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_fragmented_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vlan_and_tunnel_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_linktype_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_framing_defect_reported_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
