/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4 (RFC 791) and IPv6 (RFC 8200) header parsing. Pure functions, no
 * state, no allocation. Checksums are never verified: captures taken on the
 * sending host see packets before checksum offload fills them in.
 *
 * Length rules: the datagram is the declared length (IPv4 Total Length,
 * IPv6 40 + Payload Length) cut to the captured bytes. Bytes captured past
 * the declared length are link padding and ignored. A declared length of 0
 * (TSO/GSO captures, jumbograms) means "as captured". */
#ifndef SIPFLOW_IP_H
#define SIPFLOW_IP_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SF_IPPROTO_HOPOPTS = 0,
    SF_IPPROTO_ICMP = 1,
    SF_IPPROTO_IPIP = 4, /* IPv4 in IP */
    SF_IPPROTO_TCP = 6,
    SF_IPPROTO_UDP = 17,
    SF_IPPROTO_IPV6 = 41, /* IPv6 in IP */
    SF_IPPROTO_ROUTING = 43,
    SF_IPPROTO_FRAGMENT = 44,
    SF_IPPROTO_GRE = 47,
    SF_IPPROTO_ESP = 50,
    SF_IPPROTO_AH = 51,
    SF_IPPROTO_ICMPV6 = 58,
    SF_IPPROTO_NONE = 59,
    SF_IPPROTO_DSTOPTS = 60,
};

/* IPv6 extension headers walked before giving up (RFC 8200 4.1 lists at
 * most ~8 in a sane packet; hostile chains end here as malformed). */
#define SF_IPV6_MAX_EXT_HEADERS 16

typedef enum sf_ip_result {
    SF_IP_OK = 0,
    SF_IP_TRUNCATED, /* the captured bytes end inside the IP header(s) */
    SF_IP_MALFORMED, /* version, IHL, lengths or extension chain impossible */
} sf_ip_result_t;

typedef struct sf_ip_hdr {
    uint8_t version; /* 4 or 6 */
    uint8_t proto;   /* upper-layer protocol after the extension headers;
                      * for a fragment: the protocol of the fragmentable
                      * part (IPv4 Protocol, IPv6 Fragment Next Header) */
    uint8_t src[16]; /* IPv4: first 4 bytes */
    uint8_t dst[16];
    uint32_t hdr_len;     /* offset of the payload (upper layer, or the
                           * fragment data after the IPv6 Fragment header) */
    uint32_t payload_len; /* payload bytes present: declared, cut to caplen */
    bool truncated;       /* the capture holds less than the declared length */
    /* fragmentation (IPv4 MF/offset, IPv6 Fragment header) */
    bool fragment; /* not an atomic datagram: needs reassembly */
    bool more_fragments;
    uint32_t frag_offset; /* bytes */
    uint32_t frag_id;
    /* bytes that precede the fragmentable part in the reassembled datagram's
     * length field accounting: IPv4 IHL; IPv6 extension headers before and
     * including the Fragment header (the 40-byte fixed header is not
     * counted by Payload Length). Used for the 65535 bound. */
    uint32_t frag_hdr_len;
} sf_ip_hdr_t;

/* Parses the IPv4 header at p (caplen bytes captured from there). On
 * failure *why (when non-NULL) names the problem. */
sf_ip_result_t sf_ipv4_parse(const uint8_t *p, uint32_t caplen, sf_ip_hdr_t *h, const char **why);

/* Parses the IPv6 header and walks its extension headers up to the upper
 * layer: Hop-by-Hop, Routing, Destination Options, AH; ESP and No Next
 * Header stop the walk (proto says which). A Fragment header with offset 0
 * and M = 0 (atomic fragment, RFC 6946) is skipped; any other stops the
 * walk with h->fragment set. */
sf_ip_result_t sf_ipv6_parse(const uint8_t *p, uint32_t caplen, sf_ip_hdr_t *h, const char **why);

/* Walks an IPv6 extension-header chain that starts with next header nh at
 * p[0..len): used on a reassembled IPv6 payload. *proto and *off give the
 * upper-layer protocol and its offset. A Fragment header inside is
 * malformed (no nested fragmentation). */
sf_ip_result_t sf_ipv6_skip_ext(uint8_t nh, const uint8_t *p, uint32_t len, uint8_t *proto,
                                uint32_t *off, const char **why);

#ifdef __cplusplus
}
#endif

#endif
