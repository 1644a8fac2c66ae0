/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP packet builders for the HEP unit tests (header-only): HEP3 chunk by
 * chunk, and HEPv1/v2 fixed headers. Big-endian as on the wire, the v2 time
 * header little-endian and padded to 12 bytes as the agents write it. */
#ifndef TEST_HEP_BUILD_H
#define TEST_HEP_BUILD_H

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "sipflow/hep.h"

static inline void hb_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void hb_put32(uint8_t *p, uint32_t v)
{
    hb_put16(p, v >> 16);
    hb_put16(p + 2, v);
}

/* Starts a HEP3 packet; returns the offset after the header. */
static inline uint32_t hep3_begin(uint8_t *b)
{
    memcpy(b, "HEP3", 4);
    hb_put16(b + 4, 0);
    return 6;
}

static inline uint32_t hep3_chunk_v(uint8_t *b, uint32_t off, uint16_t vendor, uint16_t type,
                                    const void *v, uint32_t vlen)
{
    hb_put16(b + off, vendor);
    hb_put16(b + off + 2, type);
    hb_put16(b + off + 4, 6 + vlen);
    if (vlen) memcpy(b + off + 6, v, vlen);
    return off + 6 + vlen;
}

static inline uint32_t hep3_chunk(uint8_t *b, uint32_t off, uint16_t type, const void *v,
                                  uint32_t vlen)
{
    return hep3_chunk_v(b, off, 0, type, v, vlen);
}

static inline uint32_t hep3_u8(uint8_t *b, uint32_t off, uint16_t type, uint8_t v)
{
    return hep3_chunk(b, off, type, &v, 1);
}

static inline uint32_t hep3_u16(uint8_t *b, uint32_t off, uint16_t type, uint16_t v)
{
    uint8_t x[2];
    hb_put16(x, v);
    return hep3_chunk(b, off, type, x, 2);
}

static inline uint32_t hep3_u32(uint8_t *b, uint32_t off, uint16_t type, uint32_t v)
{
    uint8_t x[4];
    hb_put32(x, v);
    return hep3_chunk(b, off, type, x, 4);
}

static inline uint32_t hep3_end(uint8_t *b, uint32_t off)
{
    hb_put16(b + 4, off);
    return off;
}

typedef struct hep_spec {
    int family; /* 4 or 6 */
    uint8_t ip_proto;
    uint16_t sport, dport;
    uint32_t sec, usec;
    int proto_type; /* -1: no chunk */
    int compress;   /* 0 plain, 1 zlib, 2 gzip */
    const char *payload;
} hep_spec_t;

static const uint8_t HS4[4] = {10, 1, 1, 1}, HD4[4] = {10, 2, 2, 2};
static const uint8_t HS6[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0xaa, [15] = 1};
static const uint8_t HD6[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0xbb, [15] = 2};

/* gzip (31) or zlib (15) compression of s into out; returns its length. */
static inline uint32_t hb_compress(const char *s, uint32_t n, uint8_t *out, uint32_t cap, int gzip)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    zs.next_in = (Bytef *)(uintptr_t)s;
    zs.avail_in = n;
    zs.next_out = out;
    zs.avail_out = cap;
    int rc = deflate(&zs, Z_FINISH);
    uint32_t len = cap - zs.avail_out;
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? len : 0;
}

/* A whole HEP3 packet with the usual chunks, plus a vendor chunk and an
 * unknown generic chunk (to be skipped). Returns its length. */
static inline uint32_t b_hep3(uint8_t *b, const hep_spec_t *s)
{
    uint32_t o = hep3_begin(b);
    o = hep3_u8(b, o, SF_HEP3_IP_FAMILY, s->family == 6 ? 10 : 2);
    o = hep3_u8(b, o, SF_HEP3_IP_PROTO, s->ip_proto);
    if (s->family == 6) {
        o = hep3_chunk(b, o, SF_HEP3_SRC_IP6, HS6, 16);
        o = hep3_chunk(b, o, SF_HEP3_DST_IP6, HD6, 16);
    } else {
        o = hep3_chunk(b, o, SF_HEP3_SRC_IP4, HS4, 4);
        o = hep3_chunk(b, o, SF_HEP3_DST_IP4, HD4, 4);
    }
    o = hep3_u16(b, o, SF_HEP3_SRC_PORT, s->sport);
    o = hep3_u16(b, o, SF_HEP3_DST_PORT, s->dport);
    o = hep3_u32(b, o, SF_HEP3_TS_SEC, s->sec);
    o = hep3_u32(b, o, SF_HEP3_TS_USEC, s->usec);
    if (s->proto_type >= 0) o = hep3_u8(b, o, SF_HEP3_PROTO_TYPE, (uint8_t)s->proto_type);
    o = hep3_u32(b, o, SF_HEP3_CAPTURE_ID, 2001);
    o = hep3_chunk_v(b, o, 0x0bad, 0x0001, "vendor", 6);
    o = hep3_chunk(b, o, 0x0099, "??", 2);
    o = hep3_chunk(b, o, SF_HEP3_CORRELATION_ID, "corr-1", 6);
    uint32_t n = (uint32_t)strlen(s->payload);
    if (s->compress) {
        uint8_t z[8192];
        uint32_t zl = hb_compress(s->payload, n, z, sizeof z, s->compress == 2);
        o = hep3_chunk(b, o, SF_HEP3_PAYLOAD_ZIP, z, zl);
    } else {
        o = hep3_chunk(b, o, SF_HEP3_PAYLOAD, s->payload, n);
    }
    return hep3_end(b, o);
}

/* HEPv1 (version 1) or v2 packet. */
static inline uint32_t b_hep2(uint8_t *b, int version, const hep_spec_t *s)
{
    uint32_t alen = s->family == 6 ? 16 : 4;
    b[0] = (uint8_t)version;
    b[1] = (uint8_t)(8 + 2 * alen);
    b[2] = s->family == 6 ? 10 : 2;
    b[3] = s->ip_proto;
    hb_put16(b + 4, s->sport);
    hb_put16(b + 6, s->dport);
    memcpy(b + 8, s->family == 6 ? HS6 : HS4, alen);
    memcpy(b + 8 + alen, s->family == 6 ? HD6 : HD4, alen);
    uint32_t o = 8 + 2 * alen;
    if (version == 2) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (uint8_t)(s->sec >> (8 * i));
            b[o + 4 + i] = (uint8_t)(s->usec >> (8 * i));
        }
        b[o + 8] = 0xd1; /* capture id 2001, little-endian */
        b[o + 9] = 0x07;
        b[o + 10] = b[o + 11] = 0; /* struct padding */
        o += 12;
    }
    uint32_t n = (uint32_t)strlen(s->payload);
    memcpy(b + o, s->payload, n);
    return o + n;
}

#define HEP_SIP_OPTIONS(cseq)                                                                      \
    "OPTIONS sip:bob@example.com SIP/2.0\r\n"                                                      \
    "Via: SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bK-" cseq "\r\n"                                   \
    "From: <sip:alice@example.com>;tag=a" cseq "\r\n"                                              \
    "To: <sip:bob@example.com>\r\n"                                                                \
    "Call-ID: hep-" cseq "@example.com\r\n"                                                        \
    "CSeq: " cseq " OPTIONS\r\n"                                                                   \
    "Content-Length: 0\r\n\r\n"

#endif
