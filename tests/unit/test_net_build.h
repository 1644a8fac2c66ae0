/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packet builders and a recording sink for the net/path unit tests. Each
 * builder writes into buf and returns the bytes written. Header-only so
 * each test executable gets its own copy. */
#ifndef TEST_NET_BUILD_H
#define TEST_NET_BUILD_H

#include <stdlib.h>
#include <string.h>

#include "sipflow/anomaly.h"
#include "sipflow/capture.h"
#include "sipflow/ip.h"
#include "sipflow/msg_meta.h"

static const uint8_t A4[4] = {192, 0, 2, 1}, B4[4] = {192, 0, 2, 2};
static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

static inline void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* IPv4 header + payload; frag_off in bytes. */
static inline uint32_t b_ipv4(uint8_t *buf, uint8_t proto, uint16_t id, uint32_t frag_off, int mf,
                              const void *pl, uint32_t plen)
{
    memset(buf, 0, 20);
    buf[0] = 0x45;
    put16(buf + 2, 20 + plen);
    put16(buf + 4, id);
    put16(buf + 6, (mf ? 0x2000u : 0) | (frag_off / 8));
    buf[8] = 64;
    buf[9] = proto;
    memcpy(buf + 12, A4, 4);
    memcpy(buf + 16, B4, 4);
    memmove(buf + 20, pl, plen);
    return 20 + plen;
}

/* IPv6 header + payload (payload may begin with extension headers). */
static inline uint32_t b_ipv6(uint8_t *buf, uint8_t nh, const void *pl, uint32_t plen)
{
    memset(buf, 0, 40);
    buf[0] = 0x60;
    put16(buf + 4, plen);
    buf[6] = nh;
    buf[7] = 64;
    memcpy(buf + 8, A6, 16);
    memcpy(buf + 24, B6, 16);
    memmove(buf + 40, pl, plen);
    return 40 + plen;
}

/* IPv6 Fragment header + fragment data. */
static inline uint32_t b_frag6(uint8_t *buf, uint8_t nh, uint32_t id, uint32_t off, int more,
                               const void *pl, uint32_t plen)
{
    buf[0] = nh;
    buf[1] = 0;
    put16(buf + 2, (off / 8) << 3 | (more ? 1u : 0u));
    put32(buf + 4, id);
    memmove(buf + 8, pl, plen);
    return 8 + plen;
}

static inline uint32_t b_udp(uint8_t *buf, uint16_t sport, uint16_t dport, const void *pl,
                             uint32_t plen)
{
    put16(buf, sport);
    put16(buf + 2, dport);
    put16(buf + 4, 8 + plen);
    put16(buf + 6, 0);
    memmove(buf + 8, pl, plen);
    return 8 + plen;
}

static inline uint32_t b_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t seq,
                             uint8_t flags, const void *pl, uint32_t plen)
{
    memset(buf, 0, 20);
    put16(buf, sport);
    put16(buf + 2, dport);
    put32(buf + 4, seq);
    buf[12] = 5 << 4;
    buf[13] = flags;
    put16(buf + 14, 65535);
    memmove(buf + 20, pl, plen);
    return 20 + plen;
}

static inline uint32_t b_eth(uint8_t *buf, uint16_t ethertype, const void *pl, uint32_t plen)
{
    static const uint8_t mac[12] = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6};
    memcpy(buf, mac, 12);
    put16(buf + 12, ethertype);
    memmove(buf + 14, pl, plen);
    return 14 + plen;
}

/* A recorded transport PDU. */
typedef struct rec_pdu {
    uint8_t ip_proto;
    uint8_t *payload;
    uint32_t len;
    bool truncated;
    uint8_t depth;
    sf_msg_meta_t meta;
    uint32_t seq;
    uint8_t flags;
} rec_pdu_t;

#define REC_MAX 64

typedef struct recorder {
    rec_pdu_t pdus[REC_MAX];
    uint32_t n;
    uint32_t anomalies[SF_ANOM_KIND_COUNT];
    uint64_t last_anom_frame[SF_ANOM_KIND_COUNT];
} recorder_t;

static inline void rec_anomaly(void *user, const sf_anomaly_t *a)
{
    recorder_t *r = user;
    r->anomalies[a->kind]++;
    r->last_anom_frame[a->kind] = a->frame;
}

static inline void rec_free(recorder_t *r)
{
    for (uint32_t i = 0; i < r->n && i < REC_MAX; i++)
        free(r->pdus[i].payload);
    memset(r, 0, sizeof *r);
}

static inline uint32_t rec_total_anomalies(const recorder_t *r)
{
    uint32_t n = 0;
    for (unsigned k = 0; k < SF_ANOM_KIND_COUNT; k++)
        n += r->anomalies[k];
    return n;
}

static inline sf_packet_t mk_pkt(uint32_t linktype, const uint8_t *data, uint32_t len,
                                 uint64_t frame, int64_t sec)
{
    sf_packet_t p = {.file = 0,
                     .frame = frame,
                     .ts = {.sec = sec, .nsec = 0, .prec = 6},
                     .linktype = linktype,
                     .caplen = len,
                     .len = len,
                     .data = data};
    return p;
}

#endif
