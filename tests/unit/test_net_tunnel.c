/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tunnels: IP-in-IP (4, 41), GRE v0 (checksum/key/sequence, routing), PPTP
 * enhanced GRE v1 with PPP, GRE PPP, transparent Ethernet, ERSPAN I/II/III,
 * VXLAN, and the nesting bound. */
#include "sf_test.h"

#include "sipflow/net_decode.h"
#include "sipflow/tunnel.h"
#include "test_net_build.h"

static const char SIP[] = "INVITE sip:b@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n";
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
        p->depth = pdu->tunnel_depth;
        p->meta = *pdu->meta;
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

/* Inner IPv4/UDP/SIP datagram from 10.0.0.1 to 10.0.0.2. */
static uint32_t inner_v4(uint8_t *b)
{
    uint8_t u[200];
    uint32_t ul = b_udp(u, 5060, 5060, SIP, SIP_LEN);
    uint32_t n = b_ipv4(b, SF_IPPROTO_UDP, 5, 0, 0, u, ul);
    const uint8_t s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 0, 2};
    memcpy(b + 12, s, 4);
    memcpy(b + 16, d, 4);
    return n;
}

static uint32_t inner_v6(uint8_t *b)
{
    uint8_t u[200];
    uint32_t ul = b_udp(u, 5060, 5060, SIP, SIP_LEN);
    return b_ipv6(b, SF_IPPROTO_UDP, u, ul);
}

static void expect_inner(fix_t *f, uint8_t family, uint8_t depth)
{
    assert_int_equal(f->r.n, 1);
    rec_pdu_t *p = &f->r.pdus[0];
    assert_int_equal(p->ip_proto, SF_IPPROTO_UDP);
    assert_int_equal(p->len, SIP_LEN);
    assert_memory_equal(p->payload, SIP, SIP_LEN);
    assert_int_equal(p->meta.src.family, family);
    if (family == 4) assert_int_equal(p->meta.src.addr[0], 10);
    assert_int_equal(p->depth, depth);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
    sf_net_stats_t st;
    sf_net_decoder_get_stats(f->d, &st);
    assert_int_equal(st.tunnelled, depth ? 1 : 0);
}

static void push_raw(fix_t *f, const uint8_t *p, uint32_t len)
{
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_RAW, p, len, 1, 1);
    sf_net_decoder_push(f->d, &pkt);
}

static void test_ipip_v4_in_v4(void **state)
{
    fix_t *f = *state;
    uint8_t in[300], out[400];
    uint32_t n = inner_v4(in);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_IPIP, 1, 0, 0, in, n));
    expect_inner(f, 4, 1);
}

static void test_ipip_v6_in_v4(void **state)
{
    fix_t *f = *state;
    uint8_t in[300], out[400];
    uint32_t n = inner_v6(in);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_IPV6, 1, 0, 0, in, n));
    expect_inner(f, 6, 1);
}

static void test_ipip_v4_in_v6(void **state)
{
    fix_t *f = *state;
    uint8_t in[300], out[400];
    uint32_t n = inner_v4(in);
    push_raw(f, out, b_ipv6(out, SF_IPPROTO_IPIP, in, n));
    expect_inner(f, 4, 1);
}

static void test_gre_flags(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500];
    /* C | K | S, version 0, IPv4 */
    put16(g, 0xB000);
    put16(g + 2, SF_ETHERTYPE_IPV4);
    memset(g + 4, 0, 4);
    put32(g + 8, 0xdeadbeef);
    put32(g + 12, 7);
    uint32_t n = inner_v4(g + 16);
    sf_gre_t gh;
    assert_int_equal(sf_gre_parse(g, 16 + n, &gh, NULL), SF_LINK_OK);
    assert_int_equal(gh.hdr_len, 16);
    assert_int_equal(gh.key, 0xdeadbeef);
    assert_int_equal(gh.seq, 7);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 16 + n));
    expect_inner(f, 4, 1);
}

static void test_gre_routing_and_bad_version(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500];
    /* RFC 1701 routing: R set, checksum/offset word, one SRE of 8 bytes,
     * the terminating null SRE */
    put16(g, 0x4000);
    put16(g + 2, SF_ETHERTYPE_IPV6);
    memset(g + 4, 0, 4);
    put16(g + 8, 0x0800);
    g[10] = 0;
    g[11] = 8;
    memset(g + 12, 0, 8);
    memset(g + 20, 0, 4);
    uint32_t n = inner_v6(g + 24);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 24 + n));
    expect_inner(f, 6, 1);
    /* version 2 does not exist */
    put16(g, 0x0002);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 2, 0, 0, g, 24 + n));
    assert_int_equal(f->r.anomalies[SF_ANOM_LINK_MALFORMED], 1);
    /* truncated GRE */
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 3, 0, 0, g, 3));
    assert_int_equal(f->r.anomalies[SF_ANOM_LINK_TRUNCATED], 1);
    assert_int_equal(f->r.n, 1);
}

static void test_gre_ppp(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500];
    /* version 0 carrying PPP with address/control */
    put16(g, 0x0000);
    put16(g + 2, SF_ETHERTYPE_PPP);
    g[4] = 0xff;
    g[5] = 0x03;
    put16(g + 6, 0x0021);
    uint32_t n = inner_v4(g + 8);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 8 + n));
    expect_inner(f, 4, 1);
}

static void test_pptp_gre_v1(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500];
    /* K | S | A, version 1: payload length, call id, seq, ack; PPP with
     * protocol-field compression (0x21 = IPv4) */
    put16(g, 0x3081);
    put16(g + 2, SF_ETHERTYPE_PPP);
    uint32_t n = inner_v4(g + 17);
    put16(g + 4, 1 + n);
    put16(g + 6, 0x1234);
    put32(g + 8, 1);
    put32(g + 12, 0);
    g[16] = 0x21;
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 17 + n));
    expect_inner(f, 4, 1);
    /* PPP control traffic (LCP) is ignored silently */
    put16(g + 16, 0xc021);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 30));
    assert_int_equal(f->r.n, 1);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
}

static void test_gre_teb(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500], in[300];
    put16(g, 0);
    put16(g + 2, SF_ETHERTYPE_TEB);
    uint32_t n = inner_v4(in);
    n = b_eth(g + 4, 0x0800, in, n);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 4 + n));
    expect_inner(f, 4, 1);
}

static void test_erspan_ii(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500], in[300], vl[300];
    put16(g, 0x1000); /* S */
    put16(g + 2, SF_ETHERTYPE_ERSPAN_II);
    put32(g + 4, 1);
    memset(g + 8, 0, 8);
    g[8] = 0x10; /* version 1 */
    /* mirrored frame with an 802.1Q tag, VLAN 42 */
    uint32_t n = inner_v4(in);
    put16(vl, 42);
    put16(vl + 2, 0x0800);
    memcpy(vl + 4, in, n);
    n = b_eth(g + 16, 0x8100, vl, 4 + n);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 16 + n));
    expect_inner(f, 4, 1);
    assert_int_equal(f->r.pdus[0].meta.vlan, 42);
}

static void test_erspan_iii_and_i(void **state)
{
    fix_t *f = *state;
    uint8_t g[400], out[500], in[300];
    put16(g, 0x1000);
    put16(g + 2, SF_ETHERTYPE_ERSPAN_III);
    put32(g + 4, 1);
    memset(g + 8, 0, 20);
    g[8] = 0x20;  /* version 2 */
    g[19] = 0x01; /* O: platform-specific subheader follows */
    uint32_t n = inner_v4(in);
    n = b_eth(g + 28, 0x0800, in, n);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, 28 + n));
    expect_inner(f, 4, 1);
    /* type I: no GRE sequence, no ERSPAN header */
    put16(g, 0x0000);
    put16(g + 2, SF_ETHERTYPE_ERSPAN_II);
    n = b_eth(g + 4, 0x0800, in, inner_v4(in));
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_GRE, 2, 0, 0, g, 4 + n));
    assert_int_equal(f->r.n, 2);
    assert_int_equal(f->r.pdus[1].len, SIP_LEN);
    assert_int_equal(rec_total_anomalies(&f->r), 0);
}

static void test_vxlan(void **state)
{
    fix_t *f = *state;
    uint8_t v[400], u[500], out[600], in[300];
    memset(v, 0, 8);
    v[0] = 0x08;
    v[6] = 5; /* VNI */
    uint32_t n = b_eth(v + 8, 0x0800, in, inner_v4(in));
    uint32_t ul = b_udp(u, 40000, SF_VXLAN_PORT, v, 8 + n);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_UDP, 1, 0, 0, u, ul));
    expect_inner(f, 4, 1);
    /* without the I flag it is just UDP to port 4789 */
    v[0] = 0;
    ul = b_udp(u, 40000, SF_VXLAN_PORT, v, 8 + n);
    push_raw(f, out, b_ipv4(out, SF_IPPROTO_UDP, 2, 0, 0, u, ul));
    assert_int_equal(f->r.n, 2);
    assert_int_equal(f->r.pdus[1].meta.dst.port, SF_VXLAN_PORT);
    assert_int_equal(f->r.pdus[1].depth, 0);
}

static uint32_t nest_ipip(uint8_t *buf, unsigned levels)
{
    static uint8_t tmp[2][1024];
    uint32_t n = inner_v4(tmp[0]);
    unsigned cur = 0;
    for (unsigned i = 0; i < levels; i++) {
        n = b_ipv4(tmp[cur ^ 1], SF_IPPROTO_IPIP, (uint16_t)i, 0, 0, tmp[cur], n);
        cur ^= 1;
    }
    memcpy(buf, tmp[cur], n);
    return n;
}

static void test_depth_bound(void **state)
{
    fix_t *f = *state;
    uint8_t b[1024];
    uint32_t n = nest_ipip(b, 8); /* default bound: 8 */
    push_raw(f, b, n);
    expect_inner(f, 4, 8);
    n = nest_ipip(b, 9);
    push_raw(f, b, n);
    assert_int_equal(f->r.n, 1);
    assert_int_equal(f->r.anomalies[SF_ANOM_TUNNEL_TOO_DEEP], 1);
    /* a GRE-in-GRE loop is bounded the same way */
    uint8_t g[1024], out[1100];
    uint32_t gl = 0;
    for (unsigned i = 0; i < 20; i++) {
        put16(g + gl, 0);
        put16(g + gl + 2, SF_ETHERTYPE_IPV4);
        gl += 4;
        b_ipv4(g + gl, SF_IPPROTO_GRE, 1, 0, 0, "", 0);
        put16(g + gl + 2, 20 + (20 - i - 1) * 24 + 4); /* rough, inner length */
        gl += 20;
    }
    n = b_ipv4(out, SF_IPPROTO_GRE, 1, 0, 0, g, gl);
    push_raw(f, out, n);
    assert_int_equal(f->r.anomalies[SF_ANOM_TUNNEL_TOO_DEEP], 2);
}

/* Deterministic mutation smoke test: seeds of every tunnel kind and
 * fragments, bytes flipped at random; nothing may crash (ASan/UBSan
 * build), every record is counted, fragment memory stays bounded. */
static void test_mutations(void **state)
{
    fix_t *f = *state;
    static uint8_t seeds[6][1100];
    uint32_t lens[6];
    lens[0] = nest_ipip(seeds[0], 3);
    uint8_t g[400], in[300], v[400], u[500];
    put16(g, 0x1000);
    put16(g + 2, SF_ETHERTYPE_ERSPAN_III);
    put32(g + 4, 1);
    memset(g + 8, 0, 20);
    g[8] = 0x20;
    g[19] = 0x01;
    uint32_t n = b_eth(g + 28, 0x0800, in, inner_v4(in));
    lens[1] = b_ipv4(seeds[1], SF_IPPROTO_GRE, 1, 0, 0, g, 28 + n);
    put16(g, 0x3081);
    put16(g + 2, SF_ETHERTYPE_PPP);
    n = inner_v4(g + 17);
    put16(g + 4, 1 + n);
    g[16] = 0x21;
    lens[2] = b_ipv6(seeds[2], SF_IPPROTO_GRE, g, 17 + n);
    memset(v, 0, 8);
    v[0] = 0x08;
    n = b_eth(v + 8, 0x86DD, in, inner_v6(in));
    uint32_t ul = b_udp(u, 1, SF_VXLAN_PORT, v, 8 + n);
    lens[3] = b_ipv4(seeds[3], SF_IPPROTO_UDP, 1, 0, 0, u, ul);
    n = inner_v4(in);
    lens[4] = b_ipv4(seeds[4], SF_IPPROTO_UDP, 9, 0, 1, in + 20, 24);
    lens[5] = b_ipv6(seeds[5], SF_IPPROTO_FRAGMENT, g, b_frag6(g, 17, 3, 8, 1, in + 20, 16));
    uint32_t rng = 12345;
    uint8_t pkt[1100];
    for (unsigned it = 0; it < 20000; it++) {
        unsigned s = it % 6;
        memcpy(pkt, seeds[s], lens[s]);
        for (unsigned k = 0; k < 1 + it % 4; k++) {
            rng = rng * 1103515245u + 12345u;
            pkt[(rng >> 8) % lens[s]] ^= (uint8_t)(1u << ((rng >> 4) & 7));
        }
        rng = rng * 1103515245u + 12345u;
        uint32_t cut = (rng >> 16) % 8 == 0 ? (rng >> 3) % lens[s] : lens[s];
        sf_packet_t p = mk_pkt(SF_LINKTYPE_RAW, pkt, cut, it + 1, it / 100);
        sf_net_decoder_push(f->d, &p);
    }
    sf_net_stats_t st;
    sf_net_decoder_get_stats(f->d, &st);
    assert_int_equal(st.packets, 20000);
    assert_true(st.defrag.pending_bytes <= (16u << 20));
    assert_true(st.udp > 1000);
    sf_net_decoder_finish(f->d);
    sf_net_decoder_get_stats(f->d, &st);
    assert_int_equal(st.defrag.pending_datagrams, 0);
    assert_int_equal(st.defrag.pending_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ipip_v4_in_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipip_v6_in_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipip_v4_in_v6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gre_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gre_routing_and_bad_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gre_ppp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pptp_gre_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gre_teb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erspan_ii, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erspan_iii_and_i, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vxlan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mutations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
