/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tunnel header decoders: GRE (RFC 2784, RFC 2890, RFC 1701 routing,
 * RFC 2637 enhanced GRE v1 for PPTP), ERSPAN type I/II/III (Cisco,
 * draft-foschiano-erspan), PPP inside GRE (RFC 1661 with address/control
 * and protocol-field compression, RFC 1662), VXLAN (RFC 7348). Pure
 * functions: they find the inner header; the network decoder
 * (net_decode.h) walks on and bounds the nesting depth. */
#ifndef SIPFLOW_TUNNEL_H
#define SIPFLOW_TUNNEL_H

#include "sipflow/link.h"
#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SF_ETHERTYPE_IPV4 = 0x0800,
    SF_ETHERTYPE_IPV6 = 0x86DD,
    SF_ETHERTYPE_PPP = 0x880B,
    SF_ETHERTYPE_TEB = 0x6558,       /* transparent Ethernet bridging */
    SF_ETHERTYPE_ERSPAN_II = 0x88BE, /* also type I without GRE sequence */
    SF_ETHERTYPE_ERSPAN_III = 0x22EB,
};

#define SF_VXLAN_PORT 4789

typedef struct sf_gre {
    uint8_t version; /* 0 or 1 */
    uint16_t proto;  /* EtherType of the payload */
    bool has_key, has_seq;
    uint32_t key, seq;
    uint32_t hdr_len; /* offset of the payload */
} sf_gre_t;

/* Parses a GRE header (version 0, or version 1 carrying PPP). */
sf_link_result_t sf_gre_parse(const uint8_t *p, uint32_t len, sf_gre_t *g, const char **why);

/* ERSPAN inside GRE: gre_proto is 0x88BE or 0x22EB, gre_seq whether the
 * GRE header had a sequence number (type II has one, type I none). Sets
 * *eth_off to the start of the mirrored Ethernet frame. */
sf_link_result_t sf_erspan_parse(uint16_t gre_proto, bool gre_seq, const uint8_t *p, uint32_t len,
                                 uint32_t *eth_off, const char **why);

/* PPP header (optional 0xFF 0x03, then a 1- or 2-byte protocol). */
sf_link_result_t sf_ppp_header_parse(const uint8_t *p, uint32_t len, uint16_t *proto,
                                     uint32_t *hdr_len, const char **why);

/* VXLAN header (8 bytes, I flag set). False when p is not VXLAN. */
bool sf_vxlan_parse(const uint8_t *p, uint32_t len, uint32_t *vni);

#ifdef __cplusplus
}
#endif

#endif
