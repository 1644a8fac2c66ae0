/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link-layer decoding: from a frame of a given LINKTYPE to the network-layer
 * bytes it carries. Pure functions, no state, no allocation. Handles
 * Ethernet II / 802.3 with 802.1Q, 802.1ad (QinQ) and stacked tags, MPLS
 * label stacks, PPPoE session frames (0x8864) with PPP, Linux cooked SLL and
 * SLL2, raw IP (101, 228, 229), NULL/LOOP, PPP (9). Tunnels that carry
 * Ethernet again (GRE 0x6558, ERSPAN, VXLAN) call sf_link_decode() with
 * SF_LINKTYPE_ETHERNET on the inner frame. */
#ifndef SIPFLOW_LINK_H
#define SIPFLOW_LINK_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_l3_proto {
    SF_L3_NONE = 0, /* not IP (ARP, LLDP, ...): nothing to do, not an error */
    SF_L3_IPV4,
    SF_L3_IPV6,
} sf_l3_proto_t;

typedef struct sf_l3 {
    sf_l3_proto_t proto;
    uint32_t offset;  /* start of the IP header within the frame */
    uint16_t vlan;    /* outermost VLAN id, 0 when untagged */
    uint8_t n_vlans;  /* 802.1Q/802.1ad tags seen */
    uint8_t n_mpls;   /* MPLS labels seen */
} sf_l3_t;

typedef enum sf_link_result {
    SF_LINK_OK = 0,         /* *out filled (proto may be SF_L3_NONE) */
    SF_LINK_TRUNCATED,      /* frame too short for its headers */
    SF_LINK_MALFORMED,      /* impossible header values */
    SF_LINK_UNSUPPORTED,    /* link type sipflow does not decode */
} sf_link_result_t;

/* Decodes the link headers of one frame. On failure *why (when non-NULL) is
 * set to a static string naming the problem. */
sf_link_result_t sf_link_decode(uint32_t linktype, const uint8_t *data, uint32_t caplen,
                                sf_l3_t *out, const char **why);

/* Maps an EtherType / PPP protocol to the L3 protocol (SF_L3_NONE when not
 * IP). Exposed for the tunnel decoders (GRE, ...). */
sf_l3_proto_t sf_link_ethertype_l3(uint16_t ethertype);
sf_l3_proto_t sf_link_ppp_l3(uint16_t ppp_proto);

#ifdef __cplusplus
}
#endif

#endif
