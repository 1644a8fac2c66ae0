/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRE, ERSPAN, PPP-in-GRE and VXLAN headers (see sipflow/tunnel.h). */
#include "sipflow/tunnel.h"

#define GRE_C 0x8000u
#define GRE_R 0x4000u
#define GRE_K 0x2000u
#define GRE_S 0x1000u
#define GRE_A 0x0080u /* RFC 2637: acknowledgment number present (v1) */
#define GRE_MAX_SRE 16u

static sf_link_result_t fail(const char **why, const char *msg, sf_link_result_t r)
{
    if (why) *why = msg;
    return r;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

sf_link_result_t sf_gre_parse(const uint8_t *p, uint32_t len, sf_gre_t *g, const char **why)
{
    if (len < 4) return fail(why, "GRE header truncated", SF_LINK_TRUNCATED);
    uint32_t flags = ((uint32_t)p[0] << 8) | p[1];
    g->version = flags & 7u;
    g->proto = (uint16_t)(((uint32_t)p[2] << 8) | p[3]);
    g->has_key = (flags & GRE_K) != 0;
    g->has_seq = (flags & GRE_S) != 0;
    g->key = g->seq = 0;
    uint32_t off = 4;
    if (g->version == 1) {
        /* RFC 2637 4.1: enhanced GRE always has the key (payload length,
         * call id), carries PPP, never checksum or routing. */
        if (!g->has_key || (flags & (GRE_C | GRE_R)) || g->proto != SF_ETHERTYPE_PPP)
            return fail(why, "GRE version 1 header not PPTP enhanced GRE", SF_LINK_MALFORMED);
    } else if (g->version != 0) {
        return fail(why, "GRE version not 0 or 1", SF_LINK_MALFORMED);
    }
    /* RFC 1701/2784: checksum + offset (or reserved1) when C or R. */
    if (flags & (GRE_C | GRE_R)) off += 4;
    if (g->has_key) {
        if (len < off + 4) return fail(why, "GRE header truncated", SF_LINK_TRUNCATED);
        g->key = be32(p + off);
        off += 4;
    }
    if (g->has_seq) {
        if (len < off + 4) return fail(why, "GRE header truncated", SF_LINK_TRUNCATED);
        g->seq = be32(p + off);
        off += 4;
    }
    if (g->version == 1 && (flags & GRE_A)) off += 4;
    if (g->version == 0 && (flags & GRE_R)) {
        /* RFC 1701: Source Route Entries up to one with length 0. */
        for (unsigned n = 0;; n++) {
            if (n >= GRE_MAX_SRE) return fail(why, "GRE routing too long", SF_LINK_MALFORMED);
            if (len < off + 4) return fail(why, "GRE routing truncated", SF_LINK_TRUNCATED);
            uint32_t sre_len = p[off + 3];
            uint32_t af = ((uint32_t)p[off] << 8) | p[off + 1];
            off += 4;
            if (af == 0 && sre_len == 0) break;
            off += sre_len;
        }
    }
    if (len < off) return fail(why, "GRE header truncated", SF_LINK_TRUNCATED);
    g->hdr_len = off;
    return SF_LINK_OK;
}

sf_link_result_t sf_erspan_parse(uint16_t gre_proto, bool gre_seq, const uint8_t *p, uint32_t len,
                                 uint32_t *eth_off, const char **why)
{
    if (gre_proto == SF_ETHERTYPE_ERSPAN_II) {
        /* Type I has no ERSPAN header and no GRE sequence number. */
        if (!gre_seq) {
            *eth_off = 0;
            return SF_LINK_OK;
        }
        if (len < 8) return fail(why, "ERSPAN II header truncated", SF_LINK_TRUNCATED);
        if ((p[0] >> 4) != 1) return fail(why, "ERSPAN II version not 1", SF_LINK_MALFORMED);
        *eth_off = 8;
        return SF_LINK_OK;
    }
    if (gre_proto == SF_ETHERTYPE_ERSPAN_III) {
        if (len < 12) return fail(why, "ERSPAN III header truncated", SF_LINK_TRUNCATED);
        if ((p[0] >> 4) != 2) return fail(why, "ERSPAN III version not 2", SF_LINK_MALFORMED);
        /* Byte 10-11: P(1) FT(5) HW ID(6) D(1) Gra(2) O(1). FT 0 is an
         * Ethernet frame; others (IP) sipflow does not decode. */
        unsigned ft = (p[10] >> 2) & 0x1fu;
        if (ft != 0) return fail(why, "ERSPAN III frame type not Ethernet", SF_LINK_MALFORMED);
        uint32_t off = 12;
        if (p[11] & 1u) off += 8; /* platform-specific subheader */
        if (len < off) return fail(why, "ERSPAN III subheader truncated", SF_LINK_TRUNCATED);
        *eth_off = off;
        return SF_LINK_OK;
    }
    return fail(why, "not an ERSPAN protocol", SF_LINK_MALFORMED);
}

sf_link_result_t sf_ppp_header_parse(const uint8_t *p, uint32_t len, uint16_t *proto,
                                     uint32_t *hdr_len, const char **why)
{
    uint32_t off = 0;
    /* RFC 1662 3.1: address 0xFF, control 0x03, unless compressed away
     * (address/control field compression, RFC 1661 6.6). */
    if (len >= 2 && p[0] == 0xff && p[1] == 0x03) off = 2;
    if (len < off + 1) return fail(why, "PPP header truncated", SF_LINK_TRUNCATED);
    /* RFC 1661 6.5: protocol field compression: an odd first byte is a
     * one-byte protocol. */
    if (p[off] & 1u) {
        *proto = p[off];
        off += 1;
    } else {
        if (len < off + 2) return fail(why, "PPP header truncated", SF_LINK_TRUNCATED);
        *proto = (uint16_t)(((uint32_t)p[off] << 8) | p[off + 1]);
        off += 2;
    }
    *hdr_len = off;
    return SF_LINK_OK;
}

bool sf_vxlan_parse(const uint8_t *p, uint32_t len, uint32_t *vni)
{
    /* RFC 7348 5: flags with the I bit (0x08), 24 reserved bits, VNI,
     * 8 reserved bits. */
    if (len < 8 || (p[0] & 0x08u) == 0) return false;
    *vni = ((uint32_t)p[4] << 16) | ((uint32_t)p[5] << 8) | p[6];
    return true;
}
