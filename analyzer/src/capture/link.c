/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link-layer decoding (link.h): walks the link headers of one frame to the
 * IP header. Every read is checked against caplen first; nesting (VLAN tags,
 * MPLS labels, pseudo-wires) is bounded so hostile frames cannot loop. */
#include "sipflow/link.h"

#include "sipflow/capture.h"

/* Bounds on nesting. Real networks stack 1-2 VLAN tags (QinQ) and a handful
 * of MPLS labels; anything deeper is treated as malformed. */
#define SF_LINK_MAX_VLANS 8
#define SF_LINK_MAX_MPLS 16
/* Ethernet frames nested inside MPLS pseudo-wires (RFC 4448). */
#define SF_LINK_MAX_ETH_NEST 4

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100     /* IEEE 802.1Q */
#define ETHERTYPE_QINQ 0x88A8     /* IEEE 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-802.1ad vendor QinQ */
#define ETHERTYPE_QINQ_OLD2 0x9200
#define ETHERTYPE_MPLS_UC 0x8847 /* RFC 3032 */
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_SESSION 0x8864 /* RFC 2516 */

#define PPP_IPV4 0x0021 /* RFC 1332 */
#define PPP_IPV6 0x0057 /* RFC 5072 */

/* Linux cooked-capture protocol values that are not EtherTypes
 * (linux/if_ether.h ETH_P_802_2). */
#define SLL_PROTO_802_2 0x0004
#define ARPHRD_NETLINK 824

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint32_t rd32le(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

sf_l3_proto_t sf_link_ethertype_l3(uint16_t ethertype)
{
    switch (ethertype) {
    case ETHERTYPE_IPV4:
        return SF_L3_IPV4;
    case ETHERTYPE_IPV6:
        return SF_L3_IPV6;
    default:
        return SF_L3_NONE;
    }
}

sf_l3_proto_t sf_link_ppp_l3(uint16_t ppp_proto)
{
    switch (ppp_proto) {
    case PPP_IPV4:
        return SF_L3_IPV4;
    case PPP_IPV6:
        return SF_L3_IPV6;
    default:
        return SF_L3_NONE;
    }
}

/* Decoding state passed between the helpers. */
typedef struct link_ctx {
    const uint8_t *d;
    uint32_t caplen;
    sf_l3_t *out;
    const char **why;
    unsigned eth_nest;
} link_ctx_t;

static sf_link_result_t fail(link_ctx_t *c, sf_link_result_t r, const char *why)
{
    if (c->why) *c->why = why;
    return r;
}

/* The network header starts at off. At least its first byte must be there
 * so the IP layer has something to look at. */
static sf_link_result_t found(link_ctx_t *c, sf_l3_proto_t proto, uint32_t off)
{
    if (proto != SF_L3_NONE && off >= c->caplen)
        return fail(c, SF_LINK_TRUNCATED, "no IP header after the link headers");
    c->out->proto = proto;
    c->out->offset = off;
    return SF_LINK_OK;
}

static sf_link_result_t decode_ethernet(link_ctx_t *c, uint32_t off);
static sf_link_result_t decode_ethertype(link_ctx_t *c, uint16_t type, uint32_t off);

/* IEEE 802.2 LLC at off (802.3 frames, SLL protocol 0x0004). Only SNAP
 * (AA AA 03 + OUI + EtherType, RFC 1042) can carry IP we care about. */
static sf_link_result_t decode_llc(link_ctx_t *c, uint32_t off)
{
    if (c->caplen < 3 || off > c->caplen - 3)
        return fail(c, SF_LINK_TRUNCATED, "frame shorter than its 802.2 LLC header");
    const uint8_t *p = c->d + off;
    if (p[0] != 0xAA || p[1] != 0xAA || p[2] != 0x03) return found(c, SF_L3_NONE, off);
    if (c->caplen < 8 || off > c->caplen - 8)
        return fail(c, SF_LINK_TRUNCATED, "frame shorter than its SNAP header");
    return decode_ethertype(c, rd16(p + 6), off + 8);
}

/* RFC 3032: 4-byte label stack entries until the bottom-of-stack bit. The
 * payload type is not signalled: guess from the first nibble like every
 * analyser does (4/6: IP; 0: RFC 4385 pseudo-wire control word followed by
 * an Ethernet frame, RFC 4448). */
static sf_link_result_t decode_mpls(link_ctx_t *c, uint32_t off)
{
    for (unsigned i = 0;; i++) {
        if (i >= SF_LINK_MAX_MPLS) return fail(c, SF_LINK_MALFORMED, "MPLS label stack too deep");
        if (c->caplen < 4 || off > c->caplen - 4)
            return fail(c, SF_LINK_TRUNCATED, "frame shorter than its MPLS label stack");
        bool bos = (c->d[off + 2] & 0x01) != 0;
        off += 4;
        if (c->out->n_mpls < UINT8_MAX) c->out->n_mpls++;
        if (bos) break;
    }
    if (off >= c->caplen) return fail(c, SF_LINK_TRUNCATED, "nothing after the MPLS label stack");
    switch (c->d[off] >> 4) {
    case 4:
        return found(c, SF_L3_IPV4, off);
    case 6:
        return found(c, SF_L3_IPV6, off);
    case 0:
        if (c->caplen < 4 || off > c->caplen - 4)
            return fail(c, SF_LINK_TRUNCATED, "frame shorter than its pseudo-wire control word");
        return decode_ethernet(c, off + 4);
    default:
        return found(c, SF_L3_NONE, off);
    }
}

/* RFC 2516 section 4: PPPoE session header (6 bytes), then the PPP
 * protocol field (RFC 1661 section 2; 1 byte when protocol-field
 * compression made it odd). */
static sf_link_result_t decode_ppp_proto(link_ctx_t *c, uint32_t off)
{
    if (off >= c->caplen) return fail(c, SF_LINK_TRUNCATED, "frame shorter than its PPP header");
    if (c->d[off] & 0x01) return found(c, sf_link_ppp_l3(c->d[off]), off + 1);
    if (c->caplen < 2 || off > c->caplen - 2)
        return fail(c, SF_LINK_TRUNCATED, "frame shorter than its PPP header");
    return found(c, sf_link_ppp_l3(rd16(c->d + off)), off + 2);
}

static sf_link_result_t decode_pppoe(link_ctx_t *c, uint32_t off)
{
    if (c->caplen < 6 || off > c->caplen - 6)
        return fail(c, SF_LINK_TRUNCATED, "frame shorter than its PPPoE header");
    if (c->d[off] != 0x11) return fail(c, SF_LINK_MALFORMED, "PPPoE version/type is not 1/1");
    if (c->d[off + 1] != 0x00) return fail(c, SF_LINK_MALFORMED, "PPPoE session frame code not 0");
    return decode_ppp_proto(c, off + 6);
}

/* The EtherType (or SLL protocol) type announces what starts at off. VLAN
 * tags are walked in a bounded loop; MPLS and PPPoE end the walk. */
static sf_link_result_t decode_ethertype(link_ctx_t *c, uint16_t type, uint32_t off)
{
    for (;;) {
        switch (type) {
        case ETHERTYPE_VLAN:
        case ETHERTYPE_QINQ:
        case ETHERTYPE_QINQ_OLD:
        case ETHERTYPE_QINQ_OLD2:
            if (c->out->n_vlans >= SF_LINK_MAX_VLANS)
                return fail(c, SF_LINK_MALFORMED, "too many stacked VLAN tags");
            if (c->caplen < 4 || off > c->caplen - 4)
                return fail(c, SF_LINK_TRUNCATED, "frame shorter than its VLAN tag");
            if (c->out->n_vlans == 0) c->out->vlan = rd16(c->d + off) & 0x0FFF;
            c->out->n_vlans++;
            type = rd16(c->d + off + 2);
            off += 4;
            continue;
        case ETHERTYPE_MPLS_UC:
        case ETHERTYPE_MPLS_MC:
            return decode_mpls(c, off);
        case ETHERTYPE_PPPOE_SESSION:
            return decode_pppoe(c, off);
        default:
            if (type <= 1500) /* IEEE 802.3 length field inside a tag: LLC follows */
                return decode_llc(c, off);
            return found(c, sf_link_ethertype_l3(type), off);
        }
    }
}

/* Ethernet II / IEEE 802.3: the field after the MACs is a length (<= 1500,
 * 802.3 with LLC) or an EtherType (>= 0x0600). */
static sf_link_result_t decode_ethernet(link_ctx_t *c, uint32_t off)
{
    if (++c->eth_nest > SF_LINK_MAX_ETH_NEST)
        return fail(c, SF_LINK_MALFORMED, "Ethernet nested too deep in pseudo-wires");
    if (c->caplen < 14 || off > c->caplen - 14)
        return fail(c, SF_LINK_TRUNCATED, "frame shorter than its Ethernet header");
    uint16_t type = rd16(c->d + off + 12);
    off += 14;
    if (type <= 1500) return decode_llc(c, off);
    if (type < 0x0600) return fail(c, SF_LINK_MALFORMED, "Ethernet type/length 1501..1535");
    return decode_ethertype(c, type, off);
}

/* Linux cooked capture: the protocol field is an EtherType, except for
 * small values that name a framing (ETH_P_802_2: LLC follows) and for
 * netlink (ARPHRD 824) where it is a netlink family. */
static sf_link_result_t decode_sll_proto(link_ctx_t *c, uint16_t arphrd, uint16_t proto,
                                         uint32_t off)
{
    if (arphrd == ARPHRD_NETLINK) return found(c, SF_L3_NONE, off);
    if (proto == SLL_PROTO_802_2) return decode_llc(c, off);
    if (proto < 0x0600) return found(c, SF_L3_NONE, off);
    return decode_ethertype(c, proto, off);
}

/* LINKTYPE_NULL carries the BSD address family in the byte order of the
 * host that wrote the file (unknown to us): an AF value fits in the low 16
 * bits, so a value with only the high half set is byte-swapped. LOOP is
 * always network order. AF_INET6 differs per BSD: 24 (NetBSD/OpenBSD),
 * 28 (FreeBSD), 30 (Darwin). */
static sf_l3_proto_t bsd_af_l3(uint32_t af)
{
    switch (af) {
    case 2:
        return SF_L3_IPV4;
    case 24:
    case 28:
    case 30:
        return SF_L3_IPV6;
    default:
        return SF_L3_NONE;
    }
}

static sf_l3_proto_t raw_version_l3(uint8_t first)
{
    switch (first >> 4) {
    case 4:
        return SF_L3_IPV4;
    case 6:
        return SF_L3_IPV6;
    default:
        return SF_L3_NONE;
    }
}

sf_link_result_t sf_link_decode(uint32_t linktype, const uint8_t *data, uint32_t caplen,
                                sf_l3_t *out, const char **why)
{
    link_ctx_t c = {.d = data, .caplen = data ? caplen : 0, .out = out, .why = why};
    *out = (sf_l3_t){0};
    switch (linktype) {
    case SF_LINKTYPE_ETHERNET:
        return decode_ethernet(&c, 0);
    case SF_LINKTYPE_LINUX_SLL:
        /* packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2) */
        if (c.caplen < 16) return fail(&c, SF_LINK_TRUNCATED, "frame shorter than its SLL header");
        return decode_sll_proto(&c, rd16(data + 2), rd16(data + 14), 16);
    case SF_LINKTYPE_LINUX_SLL2:
        /* protocol(2) reserved(2) ifindex(4) ARPHRD(2) pkttype(1) addr len(1) addr(8) */
        if (c.caplen < 20) return fail(&c, SF_LINK_TRUNCATED, "frame shorter than its SLL2 header");
        return decode_sll_proto(&c, rd16(data + 8), rd16(data), 20);
    case SF_LINKTYPE_RAW: {
        if (c.caplen < 1) return fail(&c, SF_LINK_TRUNCATED, "empty raw IP frame");
        sf_l3_proto_t p = raw_version_l3(data[0]);
        if (p == SF_L3_NONE) return fail(&c, SF_LINK_MALFORMED, "raw IP version is not 4 or 6");
        return found(&c, p, 0);
    }
    case SF_LINKTYPE_IPV4:
        return found(&c, SF_L3_IPV4, 0);
    case SF_LINKTYPE_IPV6:
        return found(&c, SF_L3_IPV6, 0);
    case SF_LINKTYPE_NULL: {
        if (c.caplen < 4) return fail(&c, SF_LINK_TRUNCATED, "frame shorter than its NULL header");
        uint32_t af = rd32le(data);
        if ((af & 0xFFFF) == 0) af = rd32be(data);
        return found(&c, bsd_af_l3(af), 4);
    }
    case SF_LINKTYPE_LOOP:
        if (c.caplen < 4) return fail(&c, SF_LINK_TRUNCATED, "frame shorter than its LOOP header");
        return found(&c, bsd_af_l3(rd32be(data)), 4);
    case SF_LINKTYPE_PPP: {
        /* RFC 1662 section 3.1: address 0xff, control 0x03, unless
         * address-and-control-field compression dropped them. */
        uint32_t off = 0;
        if (c.caplen >= 1 && data[0] == 0xFF) {
            if (c.caplen < 2)
                return fail(&c, SF_LINK_TRUNCATED, "frame shorter than its PPP header");
            if (data[1] != 0x03)
                return fail(&c, SF_LINK_MALFORMED, "PPP control field is not 0x03");
            off = 2;
        }
        return decode_ppp_proto(&c, off);
    }
    default:
        return fail(&c, SF_LINK_UNSUPPORTED, "link type not supported");
    }
}
