/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4 header parsing (RFC 791 3.1). */
#include <string.h>

#include "sipflow/ip.h"

#define IPV4_MIN_HDR 20u
#define IPV4_MF 0x2000u
#define IPV4_OFFSET_MASK 0x1fffu

static sf_ip_result_t fail(const char **why, const char *msg, sf_ip_result_t r)
{
    if (why) *why = msg;
    return r;
}

sf_ip_result_t sf_ipv4_parse(const uint8_t *p, uint32_t caplen, sf_ip_hdr_t *h, const char **why)
{
    if (caplen < 1) return fail(why, "IPv4 header truncated", SF_IP_TRUNCATED);
    if ((p[0] >> 4) != 4) return fail(why, "IP version is not 4", SF_IP_MALFORMED);
    uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4u;
    if (ihl < IPV4_MIN_HDR) return fail(why, "IPv4 IHL below 5", SF_IP_MALFORMED);
    if (caplen < ihl) return fail(why, "IPv4 header truncated", SF_IP_TRUNCATED);
    uint32_t total = ((uint32_t)p[2] << 8) | p[3];
    /* Total Length 0: TCP segmentation offload captures the super-packet
     * before the length is filled in; take what was captured. */
    if (total == 0) total = caplen;
    if (total < ihl) return fail(why, "IPv4 Total Length below the header length", SF_IP_MALFORMED);

    memset(h, 0, sizeof *h);
    h->version = 4;
    h->proto = p[9];
    memcpy(h->src, p + 12, 4);
    memcpy(h->dst, p + 16, 4);
    h->hdr_len = ihl;
    h->truncated = caplen < total;
    h->payload_len = (h->truncated ? caplen : total) - ihl;

    uint32_t ff = ((uint32_t)p[6] << 8) | p[7];
    h->more_fragments = (ff & IPV4_MF) != 0;
    h->frag_offset = (ff & IPV4_OFFSET_MASK) * 8u;
    h->fragment = h->more_fragments || h->frag_offset != 0;
    h->frag_id = ((uint32_t)p[4] << 8) | p[5];
    h->frag_hdr_len = ihl;
    return SF_IP_OK;
}
