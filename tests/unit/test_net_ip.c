/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4/IPv6 header parsing and the network decoder's IP rules: lengths,
 * snaplen cuts, padding, extension header chains, ICMP never descended. */
#include "sf_test.h"

#include "sipflow/ip.h"
#include "sipflow/tcp_reassembly.h"
#include "sipflow/net_decode.h"
#include "test_net_build.h"

static const char SIP[] = "OPTIONS sip:b@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n";
#define SIP_LEN ((uint32_t)sizeof SIP - 1)

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
        p->seq = pdu->seq;
        p->flags = pdu->flags;
    }
    r->n++;
}

typedef struct fix {
    recorder_t r;
    sf_net_decoder_t *d;
} fix_t;

static int setup(void **state)
{
    fix_t *f = calloc(1, sizeof *f);
    sf_net_sink_t sink = {rec_pdu, &f->r};
    sf_anomaly_sink_t an = {rec_anomaly, &f->r};
    f->d = sf_net_decoder_create(NULL, &sink, &an);
    *state = f;
    return f->d ? 0 : -1;
}

static int teardown(void **state)
{
    fix_t *f = *state;
    sf_net_decoder_destroy(f->d);
    rec_free(&f->r);
    free(f);
    return 0;
}

static void push_raw(fix_t *f, const uint8_t *p, uint32_t len, uint64_t frame)
{
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_RAW, p, len, frame, 1);
    sf_net_decoder_push(f->d, &pkt);
}

static void test_ipv4_parse(void **state)
{
    (void)state;
    uint8_t b[128], u[80];
    uint32_t ul = b_udp(u, 1, 2, "hello", 5);
    uint32_t n = b_ipv4(b, SF_IPPROTO_UDP, 9, 0, 0, u, ul);
    sf_ip_hdr_t h;
    const char *why = NULL;
    assert_int_equal(sf_ipv4_parse(b, n, &h, &why), SF_IP_OK);
    assert_int_equal(h.version, 4);
    assert_int_equal(h.proto, SF_IPPROTO_UDP);
    assert_int_equal(h.hdr_len, 20);
    assert_int_equal(h.payload_len, ul);
    assert_false(h.fragment);
    assert_false(h.truncated);
    assert_memory_equal(h.src, A4, 4);
    /* link padding after the datagram is ignored */
    assert_int_equal(sf_ipv4_parse(b, n + 6, &h, &why), SF_IP_OK);
    assert_int_equal(h.payload_len, ul);
    /* snaplen cut */
    assert_int_equal(sf_ipv4_parse(b, n - 3, &h, &why), SF_IP_OK);
    assert_true(h.truncated);
    assert_int_equal(h.payload_len, ul - 3);
    /* header cut */
    assert_int_equal(sf_ipv4_parse(b, 19, &h, &why), SF_IP_TRUNCATED);
    /* IHL 4 */
    b[0] = 0x44;
    assert_int_equal(sf_ipv4_parse(b, n, &h, &why), SF_IP_MALFORMED);
    assert_non_null(why);
    /* version 5 */
    b[0] = 0x55;
    assert_int_equal(sf_ipv4_parse(b, n, &h, &why), SF_IP_MALFORMED);
    /* Total Length below IHL */
    b[0] = 0x46;
    put16(b + 2, 20);
    assert_int_equal(sf_ipv4_parse(b, n, &h, &why), SF_IP_MALFORMED);
    /* Total Length 0 (TSO capture): as captured */
    b[0] = 0x45;
    put16(b + 2, 0);
    assert_int_equal(sf_ipv4_parse(b, n, &h, &why), SF_IP_OK);
    assert_int_equal(h.payload_len, ul);
    /* fragment fields */
    put16(b + 2, n);
    put16(b + 6, 0x2000 | 3);
    assert_int_equal(sf_ipv4_parse(b, n, &h, &why), SF_IP_OK);
    assert_true(h.fragment && h.more_fragments);
    assert_int_equal(h.frag_offset, 24);
    assert_int_equal(h.frag_id, 9);
}

static void test_udp_delivered(void **state)
{
    fix_t *f = *state;
    uint8_t b[256], u[200], e[300];
    uint32_t ul = b_udp(u, 5061, 5060, SIP, SIP_LEN);
    uint32_t n = b_ipv4(b, SF_IPPROTO_UDP, 1, 0, 0, u, ul);
    /* Ethernet with 6 trailer bytes of padding */
    uint32_t en = b_eth(e, 0x0800, b, n);
    memset(e + en, 0xee, 6);
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, en + 6, 3, 5);
    sf_net_decoder_push(f->d, &pkt);
    assert_int_equal(f->r.n, 1);
    rec_pdu_t *p = &f->r.pdus[0];
    assert_int_equal(p->ip_proto, SF_IPPROTO_UDP);
    assert_int_equal(p->len, SIP_LEN);
    assert_memory_equal(p->payload, SIP, SIP_LEN);
    assert_false(p->truncated);
    assert_int_equal(p->meta.n_frames, 1);
    assert_int_equal(p->meta.frames[0], 3);
    assert_int_equal(p->meta.ts.sec, 5);
    assert_int_equal(p->meta.src.port, 5061);
    assert_int_equal(p->meta.dst.port, 5060);
    assert_int_equal(p->meta.transport, SF_TRANSPORT_UDP);
    assert_memory_equal(p->meta.dst.addr, B4, 4);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
}

static void test_snaplen_cut(void **state)
{
    fix_t *f = *state;
    uint8_t b[256], u[200];
    uint32_t ul = b_udp(u, 5060, 5060, SIP, SIP_LEN);
    uint32_t n = b_ipv4(b, SF_IPPROTO_UDP, 1, 0, 0, u, ul);
    /* UDP: what is there is handed on, flagged */
    push_raw(f, b, n - 10, 1);
    assert_int_equal(f->r.anomalies[SF_ANOM_IP_TRUNCATED], 1);
    assert_int_equal(f->r.n, 1);
    assert_true(f->r.pdus[0].truncated);
    assert_int_equal(f->r.pdus[0].len, SIP_LEN - 10);
    assert_int_equal(f->r.anomalies[SF_ANOM_UDP_MALFORMED], 0);
    /* TCP: dropped */
    uint32_t tl = b_tcp(u, 5060, 5060, 1000, SF_TCP_ACK, SIP, SIP_LEN);
    n = b_ipv4(b, SF_IPPROTO_TCP, 2, 0, 0, u, tl);
    push_raw(f, b, n - 10, 2);
    assert_int_equal(f->r.anomalies[SF_ANOM_IP_TRUNCATED], 2);
    assert_int_equal(f->r.n, 1);
    /* whole TCP segment is delivered */
    push_raw(f, b, n, 3);
    assert_int_equal(f->r.n, 2);
    assert_int_equal(f->r.pdus[1].ip_proto, SF_IPPROTO_TCP);
    assert_int_equal(f->r.pdus[1].seq, 1000);
    assert_int_equal(f->r.pdus[1].flags, SF_TCP_ACK);
    assert_int_equal(f->r.pdus[1].meta.transport, SF_TRANSPORT_TCP);
    assert_int_equal(f->r.pdus[1].len, SIP_LEN);
    /* UDP length beyond the IP payload without a snaplen cut: malformed */
    ul = b_udp(u, 5060, 5060, SIP, SIP_LEN);
    put16(u + 4, ul + 50);
    n = b_ipv4(b, SF_IPPROTO_UDP, 3, 0, 0, u, ul);
    push_raw(f, b, n, 4);
    assert_int_equal(f->r.anomalies[SF_ANOM_UDP_MALFORMED], 1);
    assert_int_equal(f->r.n, 3);
    assert_true(f->r.pdus[2].truncated);
    /* a cut IP header */
    push_raw(f, b, 12, 5);
    assert_int_equal(f->r.anomalies[SF_ANOM_IP_TRUNCATED], 3);
    assert_int_equal(f->r.last_anom_frame[SF_ANOM_IP_TRUNCATED], 5);
}

static void test_ipv6_ext_chain(void **state)
{
    fix_t *f = *state;
    uint8_t ext[256], b[400], u[200];
    uint32_t ul = b_udp(u, 5060, 5062, SIP, SIP_LEN);
    uint32_t o = 0;
    /* Hop-by-Hop (8) -> Routing (24) -> Destination Options (16) -> AH (16)
     * -> atomic Fragment (8) -> UDP */
    ext[o] = SF_IPPROTO_ROUTING;
    ext[o + 1] = 0;
    memset(ext + o + 2, 0, 6);
    o += 8;
    ext[o] = SF_IPPROTO_DSTOPTS;
    ext[o + 1] = 2;
    memset(ext + o + 2, 0, 22);
    o += 24;
    ext[o] = SF_IPPROTO_AH;
    ext[o + 1] = 1;
    memset(ext + o + 2, 0, 14);
    o += 16;
    ext[o] = SF_IPPROTO_FRAGMENT;
    ext[o + 1] = 2; /* (2 + 2) * 4 = 16 */
    memset(ext + o + 2, 0, 14);
    o += 16;
    o += b_frag6(ext + o, SF_IPPROTO_UDP, 77, 0, 0, "", 0);
    memcpy(ext + o, u, ul);
    uint32_t n = b_ipv6(b, SF_IPPROTO_HOPOPTS, ext, o + ul);
    sf_ip_hdr_t h;
    assert_int_equal(sf_ipv6_parse(b, n, &h, NULL), SF_IP_OK);
    assert_int_equal(h.proto, SF_IPPROTO_UDP);
    assert_int_equal(h.hdr_len, 40 + o);
    assert_false(h.fragment);
    push_raw(f, b, n, 1);
    assert_int_equal(f->r.n, 1);
    assert_int_equal(f->r.pdus[0].meta.src.family, 6);
    assert_int_equal(f->r.pdus[0].meta.dst.port, 5062);
    assert_memory_equal(f->r.pdus[0].meta.src.addr, A6, 16);
    assert_int_equal(f->r.pdus[0].len, SIP_LEN);
    /* chain cut by the declared length: malformed; by the snaplen: truncated */
    put16(b + 4, 20);
    assert_int_equal(sf_ipv6_parse(b, n, &h, NULL), SF_IP_MALFORMED);
    put16(b + 4, o + ul);
    assert_int_equal(sf_ipv6_parse(b, 40 + 30, &h, NULL), SF_IP_TRUNCATED);
    /* ESP stops the walk: nothing delivered */
    uint8_t esp[32] = {0};
    n = b_ipv6(b, SF_IPPROTO_ESP, esp, sizeof esp);
    assert_int_equal(sf_ipv6_parse(b, n, &h, NULL), SF_IP_OK);
    assert_int_equal(h.proto, SF_IPPROTO_ESP);
    push_raw(f, b, n, 2);
    assert_int_equal(f->r.n, 1);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
}

static void test_ipv6_chain_too_long(void **state)
{
    fix_t *f = *state;
    uint8_t ext[8 * 20], b[400];
    for (unsigned i = 0; i < 20; i++) {
        ext[i * 8] = i == 19 ? SF_IPPROTO_UDP : SF_IPPROTO_DSTOPTS;
        ext[i * 8 + 1] = 0;
        memset(ext + i * 8 + 2, 0, 6);
    }
    uint32_t n = b_ipv6(b, SF_IPPROTO_DSTOPTS, ext, sizeof ext);
    sf_ip_hdr_t h;
    const char *why = NULL;
    assert_int_equal(sf_ipv6_parse(b, n, &h, &why), SF_IP_MALFORMED);
    assert_non_null(why);
    push_raw(f, b, n, 7);
    assert_int_equal(f->r.anomalies[SF_ANOM_IP_MALFORMED], 1);
    assert_int_equal(f->r.last_anom_frame[SF_ANOM_IP_MALFORMED], 7);
    assert_int_equal(f->r.n, 0);
}

static void test_ipv6_frag_with_dstopts(void **state)
{
    fix_t *f = *state;
    /* fragmentable part: Destination Options (8) then UDP */
    uint8_t part[200], u[200], fr[200], b[300];
    uint32_t ul = b_udp(u, 5060, 5060, SIP, SIP_LEN);
    part[0] = SF_IPPROTO_UDP;
    part[1] = 0;
    memset(part + 2, 0, 6);
    memcpy(part + 8, u, ul);
    uint32_t total = 8 + ul;
    uint32_t n =
        b_ipv6(b, SF_IPPROTO_FRAGMENT, fr, b_frag6(fr, SF_IPPROTO_DSTOPTS, 42, 0, 1, part, 32));
    push_raw(f, b, n, 1);
    n = b_ipv6(b, SF_IPPROTO_FRAGMENT, fr,
               b_frag6(fr, SF_IPPROTO_DSTOPTS, 42, 32, 0, part + 32, total - 32));
    push_raw(f, b, n, 2);
    assert_int_equal(f->r.n, 1);
    assert_int_equal(f->r.pdus[0].len, SIP_LEN);
    assert_memory_equal(f->r.pdus[0].payload, SIP, SIP_LEN);
    assert_int_equal(f->r.pdus[0].meta.n_frames, 2);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
}

static void test_icmp_not_descended(void **state)
{
    fix_t *f = *state;
    /* ICMP port unreachable quoting a whole IPv4/UDP/SIP datagram */
    uint8_t inner[256], u[200], icmp[300], b[400];
    uint32_t ul = b_udp(u, 5060, 5060, SIP, SIP_LEN);
    uint32_t il = b_ipv4(inner, SF_IPPROTO_UDP, 1, 0, 0, u, ul);
    memset(icmp, 0, 8);
    icmp[0] = 3;
    icmp[1] = 3;
    memcpy(icmp + 8, inner, il);
    uint32_t n = b_ipv4(b, SF_IPPROTO_ICMP, 2, 0, 0, icmp, 8 + il);
    push_raw(f, b, n, 1);
    /* ICMPv6 destination unreachable quoting IPv6/UDP/SIP */
    il = b_ipv6(inner, SF_IPPROTO_UDP, u, ul);
    icmp[0] = 1;
    icmp[1] = 4;
    memcpy(icmp + 8, inner, il);
    n = b_ipv6(b, SF_IPPROTO_ICMPV6, icmp, 8 + il);
    push_raw(f, b, n, 2);
    assert_int_equal(f->r.n, 0);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
    sf_net_stats_t st;
    sf_net_decoder_get_stats(f->d, &st);
    assert_int_equal(st.icmp, 2);
    assert_int_equal(st.udp, 0);
    assert_int_equal(st.ipv4, 1);
    assert_int_equal(st.ipv6, 1);
}

static void test_non_ip_and_unsupported(void **state)
{
    fix_t *f = *state;
    uint8_t e[64] = {0};
    uint32_t en = b_eth(e, 0x0806, e + 20, 28); /* ARP */
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, en, 1, 1);
    sf_net_decoder_push(f->d, &pkt);
    pkt = mk_pkt(147, e, en, 2, 1); /* LINKTYPE_USER0 */
    sf_net_decoder_push(f->d, &pkt);
    pkt.frame = 3;
    sf_net_decoder_push(f->d, &pkt);
    pkt.file = 1;
    sf_net_decoder_push(f->d, &pkt);
    /* Ethernet cut inside its header */
    pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, 10, 4, 1);
    sf_net_decoder_push(f->d, &pkt);
    sf_net_stats_t st;
    sf_net_decoder_get_stats(f->d, &st);
    assert_int_equal(st.non_ip, 1);
    assert_int_equal(st.packets, 5);
    /* the capture layer reports unsupported link types; this layer counts */
    assert_int_equal(f->r.anomalies[SF_ANOM_LINKTYPE_UNSUPPORTED], 0);
    assert_int_equal(st.link_errors, 4);
    assert_int_equal(f->r.anomalies[SF_ANOM_LINK_TRUNCATED], 1);
    assert_int_equal(f->r.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_parse),
        cmocka_unit_test_setup_teardown(test_udp_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snaplen_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_ext_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_chain_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_frag_with_dstopts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_not_descended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_ip_and_unsupported, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
