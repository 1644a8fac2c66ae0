/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 header and extension-header chain (RFC 8200 3, 4). */
#include <string.h>

#include "sipflow/ip.h"

#define IPV6_HDR 40u
#define IPV6_FRAG_HDR 8u

static sf_ip_result_t fail(const char **why, const char *msg, sf_ip_result_t r)
{
    if (why) *why = msg;
    return r;
}

typedef struct ext_walk {
    uint8_t proto;
    uint32_t off;
    bool fragment;
    bool more;
    uint32_t frag_offset;
    uint32_t frag_id;
} ext_walk_t;

/* Walks from next header nh at p[off..avail). avail_short tells whether
 * running out of bytes is a snaplen cut (truncated) or a chain longer
 * than the declared length (malformed). */
static sf_ip_result_t walk(uint8_t nh, const uint8_t *p, uint32_t off, uint32_t avail,
                           bool avail_short, bool allow_frag, ext_walk_t *w, const char **why)
{
    sf_ip_result_t short_r = avail_short ? SF_IP_TRUNCATED : SF_IP_MALFORMED;
    memset(w, 0, sizeof *w);
    for (unsigned n = 0;; n++) {
        if (n > SF_IPV6_MAX_EXT_HEADERS)
            return fail(why, "IPv6 extension header chain too long", SF_IP_MALFORMED);
        uint32_t len;
        switch (nh) {
        case SF_IPPROTO_HOPOPTS:
        case SF_IPPROTO_ROUTING:
        case SF_IPPROTO_DSTOPTS:
            /* RFC 8200 4.3-4.6: Hdr Ext Len in 8-octet units, not
             * including the first 8 octets. */
            if (avail - off < 2) return fail(why, "IPv6 extension header truncated", short_r);
            len = ((uint32_t)p[off + 1] + 1u) * 8u;
            break;
        case SF_IPPROTO_AH:
            /* RFC 4302 2.2: Payload Len in 4-octet units, minus 2. */
            if (avail - off < 2) return fail(why, "IPv6 AH header truncated", short_r);
            len = ((uint32_t)p[off + 1] + 2u) * 4u;
            break;
        case SF_IPPROTO_FRAGMENT: {
            if (avail - off < IPV6_FRAG_HDR)
                return fail(why, "IPv6 Fragment header truncated", short_r);
            uint32_t om = ((uint32_t)p[off + 2] << 8) | p[off + 3];
            uint32_t foff = (om >> 3) * 8u;
            bool more = (om & 1u) != 0;
            uint8_t next = p[off];
            if (foff == 0 && !more) {
                /* Atomic fragment (RFC 6946): a whole datagram, go on. */
                off += IPV6_FRAG_HDR;
                nh = next;
                continue;
            }
            if (!allow_frag)
                return fail(why, "IPv6 Fragment header inside a reassembled datagram",
                            SF_IP_MALFORMED);
            w->fragment = true;
            w->more = more;
            w->frag_offset = foff;
            w->frag_id = ((uint32_t)p[off + 4] << 24) | ((uint32_t)p[off + 5] << 16) |
                         ((uint32_t)p[off + 6] << 8) | p[off + 7];
            w->proto = next;
            w->off = off + IPV6_FRAG_HDR;
            return SF_IP_OK;
        }
        default:
            /* Upper layer, ESP (opaque), No Next Header, or unknown. */
            w->proto = nh;
            w->off = off;
            return SF_IP_OK;
        }
        if (avail - off < len) return fail(why, "IPv6 extension header truncated", short_r);
        nh = p[off];
        off += len;
    }
}

sf_ip_result_t sf_ipv6_parse(const uint8_t *p, uint32_t caplen, sf_ip_hdr_t *h, const char **why)
{
    if (caplen < 1) return fail(why, "IPv6 header truncated", SF_IP_TRUNCATED);
    if ((p[0] >> 4) != 6) return fail(why, "IP version is not 6", SF_IP_MALFORMED);
    if (caplen < IPV6_HDR) return fail(why, "IPv6 header truncated", SF_IP_TRUNCATED);
    uint32_t plen = ((uint32_t)p[4] << 8) | p[5];
    /* Payload Length 0: jumbogram (RFC 2675) or GSO capture; take what was
     * captured. */
    uint32_t total = plen ? IPV6_HDR + plen : caplen;

    memset(h, 0, sizeof *h);
    h->version = 6;
    memcpy(h->src, p + 8, 16);
    memcpy(h->dst, p + 24, 16);
    h->truncated = caplen < total;
    uint32_t avail = h->truncated ? caplen : total;

    ext_walk_t w;
    sf_ip_result_t r = walk(p[6], p, IPV6_HDR, avail, h->truncated, true, &w, why);
    if (r != SF_IP_OK) return r;
    h->proto = w.proto;
    h->hdr_len = w.off;
    h->payload_len = avail - w.off;
    h->fragment = w.fragment;
    h->more_fragments = w.more;
    h->frag_offset = w.frag_offset;
    h->frag_id = w.frag_id;
    h->frag_hdr_len = w.off - IPV6_HDR;
    return SF_IP_OK;
}

sf_ip_result_t sf_ipv6_skip_ext(uint8_t nh, const uint8_t *p, uint32_t len, uint8_t *proto,
                                uint32_t *off, const char **why)
{
    ext_walk_t w;
    sf_ip_result_t r = walk(nh, p, 0, len, false, false, &w, why);
    if (r != SF_IP_OK) return r;
    *proto = w.proto;
    *off = w.off;
    return SF_IP_OK;
}
