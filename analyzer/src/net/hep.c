/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP decoder (sipflow/hep.h). Every length is checked against the bytes
 * present before it is used: a chunk is read only when its whole value lies
 * inside the packet's declared length, and that length inside the input. */
#include <string.h>

#include "sipflow/hep.h"

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* v1/v2 address family values: AF_INET and Linux AF_INET6, as the agents
 * copy them from their socket structures. */
enum { HEP2_AF_INET = 2, HEP2_AF_INET6 = 10 };

static bool hep2_shape(const uint8_t *p, uint32_t len)
{
    if (len < 8 || (p[0] != 1 && p[0] != 2)) return false;
    bool v4 = p[1] == 16 && p[2] == HEP2_AF_INET;
    bool v6 = p[1] == 40 && p[2] == HEP2_AF_INET6;
    return (v4 || v6) && (p[3] == 6 || p[3] == 17 || p[3] == 132);
}

bool sf_hep_sniff(const uint8_t *p, uint32_t len)
{
    if (len < 4) return false;
    if (p[0] == 'H') return memcmp(p, "HEP3", 4) == 0;
    return p[0] <= 2 && hep2_shape(p, len);
}

uint32_t sf_hep3_declared_length(const uint8_t *p, uint32_t len)
{
    if (len < SF_HEP3_HDR_LEN || memcmp(p, "HEP3", 4) != 0) return 0;
    return be16(p + 4);
}

static bool decode_v12(const uint8_t *p, uint32_t len, sf_hep_msg_t *m, const char **why)
{
    if (!hep2_shape(p, len)) {
        *why = "HEPv1/v2 header: version, header length, family or protocol invalid";
        return false;
    }
    uint32_t hl = p[1];
    uint32_t need = hl + (p[0] == 2 ? SF_HEP2_TIME_LEN : 0);
    if (len < need) {
        *why = "HEPv1/v2 header longer than the datagram";
        return false;
    }
    m->version = p[0];
    m->length = len;
    m->ip_proto = p[3];
    m->src.port = be16(p + 4);
    m->dst.port = be16(p + 6);
    uint32_t alen = hl == 16 ? 4 : 16;
    m->src.family = m->dst.family = alen == 4 ? 4 : 6;
    memcpy(m->src.addr, p + 8, alen);
    memcpy(m->dst.addr, p + 8 + alen, alen);
    if (p[0] == 2) {
        /* struct hep_timehdr {u32 sec; u32 usec; u16 captid;} in host
         * (little-endian) order, 12 bytes with padding */
        uint32_t usec = le32(p + hl + 4);
        if (usec > 999999) {
            *why = "HEPv2 time header: microseconds over 999999";
            return false;
        }
        m->has_ts = true;
        m->ts = (sf_ts_t){.sec = le32(p + hl), .nsec = usec * 1000u, .prec = 6};
        m->capture_id = (uint32_t)(p[hl + 8] | p[hl + 9] << 8);
    }
    /* v1/v2 carry SIP only */
    m->has_proto_type = true;
    m->proto_type = SF_HEP_PROTO_SIP;
    m->payload = p + need;
    m->payload_len = len - need;
    return true;
}

/* One generic chunk. False (with *why) when its value has the wrong size
 * for a field sipflow uses. */
static bool chunk_v3(sf_hep_msg_t *m, uint16_t type, const uint8_t *v, uint32_t vlen,
                     uint8_t *family, bool *have4, bool *have6, sf_endpoint_t *a4,
                     sf_endpoint_t *a6, uint32_t *usec, bool *has_usec, const char **why)
{
    switch (type) {
    case SF_HEP3_IP_FAMILY:
        if (vlen != 1) goto bad_size;
        *family = v[0];
        return true;
    case SF_HEP3_IP_PROTO:
        if (vlen != 1) goto bad_size;
        m->ip_proto = v[0];
        return true;
    case SF_HEP3_SRC_IP4:
    case SF_HEP3_DST_IP4:
        if (vlen != 4) goto bad_size;
        memcpy(a4[type == SF_HEP3_DST_IP4].addr, v, 4);
        *have4 = true;
        return true;
    case SF_HEP3_SRC_IP6:
    case SF_HEP3_DST_IP6:
        if (vlen != 16) goto bad_size;
        memcpy(a6[type == SF_HEP3_DST_IP6].addr, v, 16);
        *have6 = true;
        return true;
    case SF_HEP3_SRC_PORT:
    case SF_HEP3_DST_PORT:
        if (vlen != 2) goto bad_size;
        (type == SF_HEP3_SRC_PORT ? &m->src : &m->dst)->port = be16(v);
        return true;
    case SF_HEP3_TS_SEC:
        if (vlen != 4) goto bad_size;
        m->has_ts = true;
        m->ts.sec = be32(v);
        return true;
    case SF_HEP3_TS_USEC:
        if (vlen != 4) goto bad_size;
        *usec = be32(v);
        *has_usec = true;
        return true;
    case SF_HEP3_PROTO_TYPE:
        if (vlen != 1) goto bad_size;
        m->has_proto_type = true;
        m->proto_type = v[0];
        return true;
    case SF_HEP3_CAPTURE_ID:
        /* 4 bytes in HEP3; some agents send 2 */
        if (vlen == 4)
            m->capture_id = be32(v);
        else if (vlen == 2)
            m->capture_id = be16(v);
        else
            m->unknown_chunks++;
        return true;
    case SF_HEP3_KEEPALIVE:
        if (vlen == 2)
            m->keepalive = be16(v);
        else
            m->unknown_chunks++;
        return true;
    case SF_HEP3_VLAN:
        if (vlen == 2)
            m->vlan = be16(v);
        else
            m->unknown_chunks++;
        return true;
    case SF_HEP3_AUTH_KEY:
        m->auth_key = (sf_slice_t){(const char *)v, vlen};
        return true;
    case SF_HEP3_CORRELATION_ID:
        m->correlation_id = (sf_slice_t){(const char *)v, vlen};
        return true;
    case SF_HEP3_PAYLOAD:
    case SF_HEP3_PAYLOAD_ZIP:
        if (!m->payload) { /* the first payload chunk counts */
            m->payload = v;
            m->payload_len = vlen;
            m->compressed = type == SF_HEP3_PAYLOAD_ZIP;
        }
        return true;
    default:
        m->unknown_chunks++;
        return true;
    }
bad_size:
    *why = "HEP3 chunk value has the wrong size for its type";
    return false;
}

static bool decode_v3(const uint8_t *p, uint32_t len, sf_hep_msg_t *m, const char **why)
{
    uint32_t n = sf_hep3_declared_length(p, len);
    if (len < SF_HEP3_HDR_LEN || memcmp(p, "HEP3", 4) != 0) {
        *why = "not a HEP3 header";
        return false;
    }
    if (n < SF_HEP3_HDR_LEN) {
        *why = "HEP3 total length shorter than its header";
        return false;
    }
    if (n > len) {
        *why = "HEP3 total length past the end of the data";
        return false;
    }
    m->version = 3;
    m->length = n;
    uint8_t family = 0;
    bool have4 = false, have6 = false, has_usec = false;
    uint32_t usec = 0;
    sf_endpoint_t a4[2], a6[2];
    memset(a4, 0, sizeof a4);
    memset(a6, 0, sizeof a6);
    /* every chunk is at least its 6-byte header long: the loop ends */
    for (uint32_t off = SF_HEP3_HDR_LEN; off < n;) {
        if (n - off < 6) {
            *why = "HEP3 chunk header cut by the total length";
            return false;
        }
        uint16_t vendor = be16(p + off), type = be16(p + off + 2), clen = be16(p + off + 4);
        if (clen < 6) {
            *why = "HEP3 chunk length shorter than the chunk header";
            return false;
        }
        if (clen > n - off) {
            *why = "HEP3 chunk length past the total length";
            return false;
        }
        if (vendor != 0)
            m->unknown_chunks++; /* vendor chunks: skipped */
        else if (!chunk_v3(m, type, p + off + 6, clen - 6u, &family, &have4, &have6, a4, a6, &usec,
                           &has_usec, why))
            return false;
        off += clen;
    }
    if (has_usec) {
        if (usec > 999999) {
            *why = "HEP3 timestamp microseconds over 999999";
            return false;
        }
        m->ts.nsec = usec * 1000u;
    }
    m->ts.prec = 6;
    /* the address chunks of the stated family win; else whichever came */
    bool use6 = have6 && (family == HEP2_AF_INET6 || !have4);
    uint16_t sport = m->src.port, dport = m->dst.port;
    if (use6 || have4) {
        sf_endpoint_t *a = use6 ? a6 : a4;
        m->src = a[0];
        m->dst = a[1];
        m->src.family = m->dst.family = use6 ? 6 : 4;
    }
    m->src.port = sport;
    m->dst.port = dport;
    return true;
}

bool sf_hep_decode(const uint8_t *p, uint32_t len, sf_hep_msg_t *m, const char **why)
{
    memset(m, 0, sizeof *m);
    *why = NULL;
    if (len >= 4 && p[0] == 'H') return decode_v3(p, len, m, why);
    if (len >= 1 && (p[0] == 1 || p[0] == 2)) return decode_v12(p, len, m, why);
    *why = "not a HEP packet (no HEP3 magic, no HEPv1/v2 header)";
    return false;
}
