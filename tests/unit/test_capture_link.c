/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link-layer decoder: hand-built frames of every supported link type and
 * encapsulation, and every truncation of each of them. */
#include "sf_test.h"

#include <stdlib.h>
#include <string.h>

#include "sipflow/capture.h"
#include "sipflow/link.h"

/* Building blocks (byte lists). */
#define MACS 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb
#define ETH(t) MACS, ((t) >> 8) & 0xff, (t)&0xff
#define TAG(vid, t) ((vid) >> 8) & 0x0f, (vid)&0xff, ((t) >> 8) & 0xff, (t)&0xff
/* MPLS label stack entry: label 20 bits, TC 0, S bit, TTL 64. */
#define MPLS(label, s) ((label) >> 12) & 0xff, ((label) >> 4) & 0xff, (((label)&0xf) << 4) | (s), 64
#define IP4                                                                                        \
    0x45, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2
#define IP6                                                                                        \
    0x60, 0, 0, 0, 0, 0, 17, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, \
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
#define SNAP(t) 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, ((t) >> 8) & 0xff, (t)&0xff

typedef struct link_case {
    const char *name;
    uint32_t linktype;
    uint8_t bytes[128];
    uint32_t len;
    sf_link_result_t res;
    sf_l3_proto_t proto;
    uint32_t offset;
    uint16_t vlan;
    uint8_t n_vlans, n_mpls;
} link_case_t;

#define CASE(nm, lt, res_, proto_, off, vlan_, nv, nm_, ...)                                       \
    {                                                                                              \
        nm, lt, {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__}), res_, proto_, off, vlan_, nv, nm_ \
    }

static const link_case_t cases[] = {
    CASE("eth ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 14, 0, 0, 0, ETH(0x0800), IP4),
    CASE("eth ipv6", 1, SF_LINK_OK, SF_L3_IPV6, 14, 0, 0, 0, ETH(0x86dd), IP6),
    CASE("eth arp", 1, SF_LINK_OK, SF_L3_NONE, 14, 0, 0, 0, ETH(0x0806), 0, 1, 8, 0),
    CASE("802.3 snap ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 22, 0, 0, 0, ETH(28), SNAP(0x0800), IP4),
    CASE("802.3 stp", 1, SF_LINK_OK, SF_L3_NONE, 14, 0, 0, 0, ETH(38), 0x42, 0x42, 0x03, 0, 0),
    CASE("vlan ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 18, 100, 1, 0, ETH(0x8100), TAG(100, 0x0800), IP4),
    CASE("qinq ipv6", 1, SF_LINK_OK, SF_L3_IPV6, 22, 200, 2, 0, ETH(0x88a8), TAG(200, 0x8100),
         TAG(300, 0x86dd), IP6),
    CASE("triple tag ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 26, 4095, 3, 0, ETH(0x9100),
         TAG(4095, 0x88a8), TAG(2, 0x8100), TAG(3, 0x0800), IP4),
    CASE("vlan then 802.3 snap", 1, SF_LINK_OK, SF_L3_IPV4, 26, 7, 1, 0, ETH(0x8100), TAG(7, 28),
         SNAP(0x0800), IP4),
    CASE("mpls 1 label ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 18, 0, 0, 1, ETH(0x8847), MPLS(16, 1),
         IP4),
    CASE("mpls 3 labels ipv6", 1, SF_LINK_OK, SF_L3_IPV6, 26, 0, 0, 3, ETH(0x8847), MPLS(16, 0),
         MPLS(17, 0), MPLS(18, 1), IP6),
    CASE("mpls 3 labels ipv4 multicast", 1, SF_LINK_OK, SF_L3_IPV4, 26, 0, 0, 3, ETH(0x8848),
         MPLS(16, 0), MPLS(17, 0), MPLS(18, 1), IP4),
    CASE("vlan mpls ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 22, 5, 1, 1, ETH(0x8100), TAG(5, 0x8847),
         MPLS(16, 1), IP4),
    CASE("mpls pw cw eth vlan ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 44, 9, 1, 2, ETH(0x8847),
         MPLS(16, 0), MPLS(17, 1), 0, 0, 0, 0, ETH(0x8100), TAG(9, 0x0800), IP4),
    CASE("mpls unknown payload", 1, SF_LINK_OK, SF_L3_NONE, 18, 0, 0, 1, ETH(0x8847), MPLS(16, 1),
         0x10, 0, 0, 0),
    CASE("pppoe ipv4", 1, SF_LINK_OK, SF_L3_IPV4, 22, 0, 0, 0, ETH(0x8864), 0x11, 0x00, 0x12, 0x34,
         0x00, 0x16, 0x00, 0x21, IP4),
    CASE("pppoe ipv6", 1, SF_LINK_OK, SF_L3_IPV6, 22, 0, 0, 0, ETH(0x8864), 0x11, 0x00, 0x12, 0x34,
         0x00, 0x2a, 0x00, 0x57, IP6),
    CASE("vlan pppoe lcp", 1, SF_LINK_OK, SF_L3_NONE, 26, 10, 1, 0, ETH(0x8100), TAG(10, 0x8864),
         0x11, 0x00, 0x12, 0x34, 0x00, 0x04, 0xc0, 0x21, 1, 1),
    CASE("pppoe bad version", 1, SF_LINK_MALFORMED, SF_L3_NONE, 0, 0, 0, 0, ETH(0x8864), 0x21, 0x00,
         0x12, 0x34, 0x00, 0x16, 0x00, 0x21, IP4),
    CASE("eth bad type/len", 1, SF_LINK_MALFORMED, SF_L3_NONE, 0, 0, 0, 0, ETH(1510), IP4),
    CASE("sll ipv4", 113, SF_LINK_OK, SF_L3_IPV4, 16, 0, 0, 0, 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6,
         0, 0, 0x08, 0x00, IP4),
    CASE("sll vlan ipv6", 113, SF_LINK_OK, SF_L3_IPV6, 20, 33, 1, 0, 0, 0, 0, 1, 0, 6, 1, 2, 3, 4,
         5, 6, 0, 0, 0x81, 0x00, TAG(33, 0x86dd), IP6),
    CASE("sll 802.2 snap ipv4", 113, SF_LINK_OK, SF_L3_IPV4, 24, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0x00, 0x04, SNAP(0x0800), IP4),
    CASE("sll netlink", 113, SF_LINK_OK, SF_L3_NONE, 16, 0, 0, 0, 0, 4, 0x03, 0x38, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0x00, 0x00, 1, 2, 3, 4),
    CASE("sll2 ipv6", 276, SF_LINK_OK, SF_L3_IPV6, 20, 0, 0, 0, 0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1,
         0, 6, 1, 2, 3, 4, 5, 6, 0, 0, IP6),
    CASE("sll2 ipv4", 276, SF_LINK_OK, SF_L3_IPV4, 20, 0, 0, 0, 0x08, 0x00, 0, 0, 0, 0, 0, 2, 0xff,
         0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, IP4),
    CASE("raw ipv4", 101, SF_LINK_OK, SF_L3_IPV4, 0, 0, 0, 0, IP4),
    CASE("raw ipv6", 101, SF_LINK_OK, SF_L3_IPV6, 0, 0, 0, 0, IP6),
    CASE("raw bad version", 101, SF_LINK_MALFORMED, SF_L3_NONE, 0, 0, 0, 0, 0x55, 0, 0, 0),
    CASE("ipv4 linktype", 228, SF_LINK_OK, SF_L3_IPV4, 0, 0, 0, 0, IP4),
    CASE("ipv6 linktype", 229, SF_LINK_OK, SF_L3_IPV6, 0, 0, 0, 0, IP6),
    CASE("null le ipv4", 0, SF_LINK_OK, SF_L3_IPV4, 4, 0, 0, 0, 2, 0, 0, 0, IP4),
    CASE("null le ipv6 bsd", 0, SF_LINK_OK, SF_L3_IPV6, 4, 0, 0, 0, 24, 0, 0, 0, IP6),
    CASE("null le ipv6 freebsd", 0, SF_LINK_OK, SF_L3_IPV6, 4, 0, 0, 0, 28, 0, 0, 0, IP6),
    CASE("null be ipv6 darwin", 0, SF_LINK_OK, SF_L3_IPV6, 4, 0, 0, 0, 0, 0, 0, 30, IP6),
    CASE("null other family", 0, SF_LINK_OK, SF_L3_NONE, 4, 0, 0, 0, 7, 0, 0, 0, 1, 2),
    CASE("loop be ipv4", 108, SF_LINK_OK, SF_L3_IPV4, 4, 0, 0, 0, 0, 0, 0, 2, IP4),
    CASE("loop be ipv6", 108, SF_LINK_OK, SF_L3_IPV6, 4, 0, 0, 0, 0, 0, 0, 24, IP6),
    CASE("ppp ff03 ipv4", 9, SF_LINK_OK, SF_L3_IPV4, 4, 0, 0, 0, 0xff, 0x03, 0x00, 0x21, IP4),
    CASE("ppp no ff03 ipv6", 9, SF_LINK_OK, SF_L3_IPV6, 2, 0, 0, 0, 0x00, 0x57, IP6),
    CASE("ppp compressed proto ipv4", 9, SF_LINK_OK, SF_L3_IPV4, 3, 0, 0, 0, 0xff, 0x03, 0x21, IP4),
    CASE("ppp lcp", 9, SF_LINK_OK, SF_L3_NONE, 4, 0, 0, 0, 0xff, 0x03, 0xc0, 0x21, 1, 1),
    CASE("ppp bad control", 9, SF_LINK_MALFORMED, SF_L3_NONE, 0, 0, 0, 0, 0xff, 0x13, 0x00, 0x21,
         IP4),
    CASE("unsupported linktype", 147, SF_LINK_UNSUPPORTED, SF_L3_NONE, 0, 0, 0, 0, 1, 2, 3, 4),
};

/* Decodes a copy of exactly len bytes so ASan catches any over-read. */
static sf_link_result_t decode_copy(const link_case_t *c, uint32_t len, sf_l3_t *l3,
                                    const char **why)
{
    uint8_t *buf = malloc(len ? len : 1);
    assert_non_null(buf);
    memcpy(buf, c->bytes, len);
    sf_link_result_t r = sf_link_decode(c->linktype, buf, len, l3, why);
    free(buf);
    return r;
}

static void test_link_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const link_case_t *c = &cases[i];
        sf_l3_t l3;
        const char *why = NULL;
        sf_link_result_t r = decode_copy(c, c->len, &l3, &why);
        if (r != c->res) fail_msg("%s: result %d, expected %d (%s)", c->name, r, c->res, why);
        if (r != SF_LINK_OK) {
            assert_non_null(why);
            continue;
        }
        if (l3.proto != c->proto || l3.offset != c->offset || l3.vlan != c->vlan ||
            l3.n_vlans != c->n_vlans || l3.n_mpls != c->n_mpls)
            fail_msg("%s: proto %d off %u vlan %u n_vlans %u n_mpls %u", c->name, l3.proto,
                     l3.offset, l3.vlan, l3.n_vlans, l3.n_mpls);
    }
}

/* Cutting an IP-carrying frame anywhere before the first IP byte gives
 * TRUNCATED (never a crash or an OK with an offset past the end). */
static void test_link_truncated_everywhere(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const link_case_t *c = &cases[i];
        if (c->res != SF_LINK_OK || c->proto == SF_L3_NONE) continue;
        for (uint32_t len = 0; len <= c->offset; len++) {
            sf_l3_t l3;
            const char *why = NULL;
            sf_link_result_t r = decode_copy(c, len, &l3, &why);
            if (r != SF_LINK_TRUNCATED)
                fail_msg("%s cut at %u: result %d, expected TRUNCATED", c->name, len, r);
            assert_non_null(why);
        }
        /* One IP byte is enough for the link layer. */
        sf_l3_t l3;
        assert_int_equal(decode_copy(c, c->offset + 1, &l3, NULL), SF_LINK_OK);
        assert_int_equal(l3.offset, c->offset);
    }
}

/* Every prefix of every case (including non-IP ones) decodes without
 * reading outside the buffer, and an OK never points past the end. */
static void test_link_prefixes_safe(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const link_case_t *c = &cases[i];
        for (uint32_t len = 0; len <= c->len; len++) {
            sf_l3_t l3;
            if (decode_copy(c, len, &l3, NULL) == SF_LINK_OK && l3.proto != SF_L3_NONE)
                assert_true(l3.offset < len);
        }
    }
}

/* Random frames of every link type (xorshift, fixed seed): never an OK
 * pointing at or past the end, always a reason on failure. */
static void test_link_random(void **state)
{
    (void)state;
    static const uint32_t lts[] = {0, 1, 9, 101, 108, 113, 228, 229, 276};
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t l = 0; l < sizeof lts / sizeof lts[0]; l++) {
        for (int iter = 0; iter < 3000; iter++) {
            uint8_t f[96];
            uint32_t len = (uint32_t)(iter % (int)sizeof f);
            for (uint32_t i = 0; i < len; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                /* Bias toward the values the decoders branch on. */
                static const uint8_t hot[] = {0x81, 0x00, 0x88, 0x47, 0xa8, 0x64, 0x11,
                                              0x08, 0x86, 0xdd, 0x45, 0x60, 0xff, 0x03};
                f[i] = (x & 0x100) ? hot[(x >> 9) % sizeof hot] : (uint8_t)x;
            }
            uint8_t *buf = malloc(len ? len : 1);
            assert_non_null(buf);
            memcpy(buf, f, len);
            sf_l3_t l3;
            const char *why = NULL;
            sf_link_result_t r = sf_link_decode(lts[l], buf, len, &l3, &why);
            if (r == SF_LINK_OK && l3.proto != SF_L3_NONE) assert_true(l3.offset < len);
            if (r != SF_LINK_OK) assert_non_null(why);
            assert_true(r != SF_LINK_UNSUPPORTED);
            free(buf);
        }
    }
}

static void test_link_bounds(void **state)
{
    (void)state;
    uint8_t f[256];
    sf_l3_t l3;
    const char *why = NULL;
    /* 20 stacked VLAN tags: over the bound, MALFORMED. */
    memset(f, 0, sizeof f);
    f[12] = 0x81;
    for (int i = 0; i < 20; i++) {
        f[14 + 4 * i + 2] = 0x81;
        f[14 + 4 * i + 3] = 0x00;
    }
    assert_int_equal(sf_link_decode(1, f, sizeof f, &l3, &why), SF_LINK_MALFORMED);
    assert_non_null(why);
    /* MPLS stack never reaching bottom-of-stack: MALFORMED at the bound. */
    memset(f, 0, sizeof f);
    f[12] = 0x88;
    f[13] = 0x47;
    assert_int_equal(sf_link_decode(1, f, sizeof f, &l3, &why), SF_LINK_MALFORMED);
    /* ... and TRUNCATED when the frame ends first. */
    assert_int_equal(sf_link_decode(1, f, 30, &l3, &why), SF_LINK_TRUNCATED);
    /* Pseudo-wire Ethernet inside MPLS inside pseudo-wire ...: bounded. */
    uint32_t off = 0;
    memset(f, 0, sizeof f);
    while (off + 22 <= sizeof f) {
        f[off + 12] = 0x88;
        f[off + 13] = 0x47;
        f[off + 16] = 0x01; /* S bit */
        off += 22;          /* eth 14 + label 4 + control word 4 */
    }
    assert_int_not_equal(sf_link_decode(1, f, sizeof f, &l3, &why), SF_LINK_OK);
    /* NULL data with caplen 0 is just truncated. */
    assert_int_equal(sf_link_decode(1, NULL, 0, &l3, &why), SF_LINK_TRUNCATED);
}

static void test_link_l3_maps(void **state)
{
    (void)state;
    assert_int_equal(sf_link_ethertype_l3(0x0800), SF_L3_IPV4);
    assert_int_equal(sf_link_ethertype_l3(0x86dd), SF_L3_IPV6);
    assert_int_equal(sf_link_ethertype_l3(0x0806), SF_L3_NONE);
    assert_int_equal(sf_link_ppp_l3(0x0021), SF_L3_IPV4);
    assert_int_equal(sf_link_ppp_l3(0x0057), SF_L3_IPV6);
    assert_int_equal(sf_link_ppp_l3(0xc021), SF_L3_NONE);
}

static void test_linktype_names(void **state)
{
    (void)state;
    assert_string_equal(sf_linktype_name(SF_LINKTYPE_ETHERNET), "Ethernet");
    assert_string_equal(sf_linktype_name(SF_LINKTYPE_LINUX_SLL2), "Linux cooked v2");
    assert_non_null(sf_linktype_name(SF_LINKTYPE_RAW));
    assert_non_null(sf_linktype_name(SF_LINKTYPE_NULL));
    assert_null(sf_linktype_name(147));
    /* Every linktype with a name decodes; others are UNSUPPORTED. */
    uint8_t ip[20] = {0x45};
    sf_l3_t l3;
    for (uint32_t lt = 0; lt < 300; lt++) {
        sf_link_result_t r = sf_link_decode(lt, ip, sizeof ip, &l3, NULL);
        assert_int_equal(r == SF_LINK_UNSUPPORTED, sf_linktype_name(lt) == NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_cases),         cmocka_unit_test(test_link_truncated_everywhere),
        cmocka_unit_test(test_link_prefixes_safe), cmocka_unit_test(test_link_bounds),
        cmocka_unit_test(test_link_random),        cmocka_unit_test(test_link_l3_maps),
        cmocka_unit_test(test_linktype_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
